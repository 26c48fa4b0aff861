//! Organizations are the tenants: they own every prompt, dataset and run, and their members act in
//! them by [`Role`]. Row Level Security enforces it (see the organizations migration); this module
//! turns a refusal into the answer a member should hear. A non-member never learns that an
//! organization or its objects exist (404); a member whose role is too low hears which role the
//! action needs (403).

use serde::{Deserialize, Serialize};

use crate::UserTx;

crate::typed_id!(
    /// An organization's id. A user's personal organization has the user's own id.
    OrgId
);

/// What a member may do in an organization; each role can do what the ones before it can.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, sqlx::Type,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "org_role", rename_all = "snake_case")]
pub enum Role {
    /// Reads and exports.
    Viewer,
    /// Creates, changes, runs, grades and deletes prompts, datasets and runs.
    Editor,
    /// Manages members, invitations and the organization's settings.
    Admin,
    /// Makes and unmakes owners; deletes the organization.
    Owner,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Viewer => "viewer",
            Self::Editor => "editor",
            Self::Admin => "admin",
            Self::Owner => "owner",
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why the caller may not act.
#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    /// The caller is not a member (or the organization does not exist: the same to them).
    #[error("organization {0} not found")]
    OrgNotFound(OrgId),
    /// The caller is a member, with a role below `needed`.
    #[error("this needs the {needed} role in the organization")]
    InsufficientRole { needed: Role },
    /// The caller has no personal organization: their user was deleted from Supabase Auth (or
    /// never signed up), though their token is still valid.
    #[error("the token's user does not exist")]
    UnknownUser,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// An object's organization and the caller's role in it (`None`: not a member).
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct Access {
    pub org_id: OrgId,
    pub role: Option<Role>,
}

impl Access {
    /// The organization, when the caller is at least `needed` in it.
    pub fn require(self, needed: Role) -> Result<OrgId, AccessError> {
        match self.role {
            Some(role) if role >= needed => Ok(self.org_id),
            Some(_) => Err(AccessError::InsufficientRole { needed }),
            None => Err(AccessError::OrgNotFound(self.org_id)),
        }
    }
}

/// The organization of the row `id` of `table` and the caller's role in it; `None` when the
/// caller cannot see the row. `table` is one of the content tables (`prompt`, `dataset`, `run`,
/// ...), named by the calling crate, never by a request.
pub async fn access(
    tx: &mut UserTx,
    table: &'static str,
    id: impl Into<uuid::Uuid>,
) -> Result<Option<Access>, sqlx::Error> {
    sqlx::query_as(&format!(
        "select org_id, private.role_in(org_id) as role from public.{table} where id = $1"
    ))
    .bind(id.into())
    .fetch_optional(&mut **tx)
    .await
}

/// The caller's role in `org`, `None` when they are not a member.
pub async fn role_in(tx: &mut UserTx, org: OrgId) -> Result<Option<Role>, sqlx::Error> {
    sqlx::query_scalar("select private.role_in($1)").bind(org).fetch_one(&mut **tx).await
}

/// Fails unless the caller is at least `needed` in `org`.
pub async fn require(tx: &mut UserTx, org: OrgId, needed: Role) -> Result<(), AccessError> {
    // A user always owns their personal organization (a trigger keeps it so), whose id is
    // theirs: reading it needs no question. (Writes ask: the user may be gone.)
    let personal = org.0 == tx.user_id();
    if personal && needed == Role::Viewer {
        return Ok(());
    }
    match role_in(tx, org).await? {
        None if personal => Err(AccessError::UnknownUser),
        role => Access { org_id: org, role }.require(needed).map(|_| ()),
    }
}

/// After a list of `org`'s rows: a row proves the caller is a member (RLS let it through), so
/// only an empty list has to ask whether the caller may see the organization at all.
pub async fn require_listed(
    tx: &mut UserTx,
    org: OrgId,
    found_any: bool,
) -> Result<(), AccessError> {
    if found_any { Ok(()) } else { require(tx, org, Role::Viewer).await }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_include_the_ones_below() {
        assert!(Role::Owner > Role::Admin && Role::Admin > Role::Editor);
        assert!(Role::Editor > Role::Viewer);
        let access = |role| Access { org_id: OrgId(uuid::Uuid::nil()), role };
        assert!(access(Some(Role::Admin)).require(Role::Editor).is_ok());
        assert!(matches!(
            access(Some(Role::Viewer)).require(Role::Editor),
            Err(AccessError::InsufficientRole { needed: Role::Editor })
        ));
        assert!(matches!(access(None).require(Role::Viewer), Err(AccessError::OrgNotFound(_))));
    }
}
