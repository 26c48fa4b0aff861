//! Organizations (teams): they own every prompt, dataset and run, and their members act in them
//! by role (see [`platform::tenancy`]). Every user has a personal organization; teams are made
//! here, people join them by accepting an invitation, and servers act for them with API keys.
//!
//! Row Level Security decides what a caller sees and may change; the functions here first find
//! out the caller's role, so that a refusal says which role was needed.

mod invitations;
mod keys;
mod model;
mod store;

pub use invitations::{accept_invitation, create_invitation, list_invitations, revoke_invitation};
pub use keys::{ApiKey, ApiKeyId, CreatedApiKey, NewApiKey, create_key, list_keys, revoke_key};
pub use model::{
    CreatedInvitation, Email, Invitation, InvitationId, Member, OrgChanges, Organization,
};
pub use store::{create, delete, get, list, list_members, remove_member, set_member_role, update};

use platform::{OrgId, tenancy::AccessError};
use uuid::Uuid;

/// Limits on organizations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Teams one user may create (personal organizations aside), counted whether or not they
    /// are still in them: organizations are tenants, each with its own share of the queue.
    pub max_teams_per_user: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self { max_teams_per_user: 20 }
    }
}

/// Why an invitation cannot be accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No invitation has this token.
    Unknown,
    Revoked,
    /// It was accepted already.
    Used,
    Expired,
    /// It was sent to another email than the caller's confirmed one.
    EmailMismatch,
    /// The caller is already a member of the organization.
    AlreadyMember,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("user {user_id} is not a member of organization {org_id}")]
    MemberNotFound { org_id: OrgId, user_id: Uuid },
    #[error("invitation {0} is not pending")]
    InvitationNotFound(InvitationId),
    #[error("API key {0} does not exist or is revoked")]
    ApiKeyNotFound(ApiKeyId),
    #[error("the invitation cannot be accepted: {0:?}")]
    Invitation(Refusal),
    #[error("organization {0} is a personal organization")]
    Personal(OrgId),
    #[error("an organization keeps at least one owner")]
    LastOwner,
    #[error("the owner of a personal organization stays its owner")]
    PersonalOwner,
    #[error("the slug `{0}` is taken")]
    SlugTaken(String),
    #[error("the user already made {limit} teams")]
    TooManyTeams { limit: u32 },
    #[error("the organization has {limit} pending invitations")]
    TooManyInvitations { limit: i64 },
    #[error(transparent)]
    Access(#[from] AccessError),
    #[error(transparent)]
    Storage(#[from] platform::storage::StorageError),
    #[error(transparent)]
    InvalidCursor(#[from] platform::pagination::InvalidCursor),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
