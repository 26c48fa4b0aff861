//! What organizations, members and invitations are, as the API shows them, and the checked
//! values callers send.

use chrono::{DateTime, Utc};
use platform::{Name, OrgId, Role, Slug};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

platform::typed_id!(
    /// An invitation's id.
    InvitationId
);

/// An organization, as one of its members sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = OrgView))]
pub struct Organization {
    #[cfg_attr(feature = "openapi", schema(value_type = Uuid))]
    pub id: OrgId,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "Support team"))]
    pub name: Name,
    /// Unique across organizations; lower-case letters, digits and dashes.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "support-team"))]
    pub slug: Slug,
    /// A user's personal organization (its id is theirs): it cannot be deleted, and its user
    /// stays its owner.
    pub personal: bool,
    /// The caller's role in it.
    pub role: Role,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A member of an organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = MemberView))]
pub struct Member {
    pub user_id: Uuid,
    /// Their email, as Supabase Auth has it.
    pub email: Option<String>,
    pub role: Role,
    /// When they joined.
    pub created_at: DateTime<Utc>,
}

/// A pending invitation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = InvitationView))]
pub struct Invitation {
    #[cfg_attr(feature = "openapi", schema(value_type = Uuid))]
    pub id: InvitationId,
    #[cfg_attr(feature = "openapi", schema(value_type = Uuid))]
    pub org_id: OrgId,
    /// Who may accept it: the signed-in user with this confirmed email.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "ada@example.com"))]
    pub email: Email,
    /// The role they get.
    pub role: Role,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// A new invitation and its token, which is shown this once (only its hash is kept): send it to
/// the invitee, who accepts it with `POST /v1/invitations/accept`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = CreatedInvitationView))]
pub struct CreatedInvitation {
    #[serde(flatten)]
    pub invitation: Invitation,
    #[cfg_attr(feature = "openapi", schema(example = "pri_4mXb0Q..."))]
    pub token: String,
}

/// Changes to an organization; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct OrgChanges {
    pub name: Option<Name>,
    pub slug: Option<Slug>,
}

/// An email address to invite: trimmed and lower-cased, `local@domain`, at most 320 characters.
/// Whether it reaches anyone is Supabase Auth's business: only a user who confirmed it can
/// accept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[serde(try_from = "String", into = "String")]
#[sqlx(transparent)]
pub struct Email(String);

impl Email {
    pub fn parse(text: &str) -> Result<Self, &'static str> {
        let email = text.trim().to_lowercase();
        let valid = (3..=320).contains(&email.chars().count())
            && !email.chars().any(|c| c.is_whitespace() || c.is_control())
            && email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty() && !domain.is_empty() && !domain.contains('@')
            });
        if valid { Ok(Self(email)) } else { Err("must be an email address: local@domain") }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = &'static str;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<Email> for String {
    fn from(email: Email) -> Self {
        email.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(Email::parse("  Ada@Example.COM ").unwrap().as_str(), "ada@example.com");
        for bad in ["ada", "@example.com", "ada@", "a b@example.com", "a@b@c", "a\0@b.c"] {
            assert!(Email::parse(bad).is_err(), "{bad:?}");
        }
    }
}
