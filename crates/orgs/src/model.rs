//! What organizations, members and invitations are, as the API shows them, and the checked
//! values callers send.

use chrono::{DateTime, Utc};
use platform::{Name, OrgId, Role};
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

/// An organization's URL-safe handle: 1 to 64 lower-case ASCII letters and digits in groups
/// joined by single dashes, and not shaped like a UUID (personal organizations' slugs are
/// their users' ids).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, sqlx::Type)]
#[serde(try_from = "String", into = "String")]
#[sqlx(transparent)]
pub struct Slug(String);

impl Slug {
    pub const MAX_CHARS: usize = 64;

    pub fn parse(text: &str) -> Result<Self, &'static str> {
        let well_formed = !text.is_empty()
            && text.len() <= Self::MAX_CHARS
            && text.split('-').all(|group| {
                !group.is_empty()
                    && group.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            });
        if !well_formed {
            return Err(
                "must be 1 to 64 lower-case letters and digits, in groups joined by single dashes",
            );
        }
        if Uuid::try_parse(text).is_ok() {
            return Err("may not look like a UUID");
        }
        Ok(Self(text.to_owned()))
    }

    /// A slug made from a name: its ASCII letters and digits, lower-cased, every other run of
    /// characters one dash (`Support Team (EU)` is `support-team-eu`).
    pub fn from_name(name: &str) -> Self {
        let mut slug = String::new();
        for c in name.chars() {
            if c.is_ascii_alphanumeric() {
                slug.push(c.to_ascii_lowercase());
            } else if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        }
        // Room for the `-xxxxxx` the database adds when the slug is taken.
        slug.truncate(Self::MAX_CHARS - 7);
        let slug = slug.trim_end_matches('-');
        match Self::parse(slug) {
            Ok(slug) => slug,
            // No ASCII letter or digit at all.
            Err(_) if slug.is_empty() => Self("team".to_owned()),
            // Shaped like a UUID.
            Err(_) => Self(format!("team-{slug}")),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
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

impl TryFrom<String> for Slug {
    type Error = &'static str;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<Slug> for String {
    fn from(slug: Slug) -> Self {
        slug.0
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
    fn slugs_are_made_from_names() {
        assert_eq!(Slug::from_name("Support Team (EU)").as_str(), "support-team-eu");
        assert_eq!(Slug::from_name("  --Ünïcode--  ").as_str(), "n-code");
        assert_eq!(Slug::from_name("ÄÖÜ").as_str(), "team");
        assert_eq!(Slug::from_name(&"x".repeat(300)).as_str().len(), 57);
        let uuid = "0b6f2a4e-8d0c-4a8e-9f50-2b1c1f1f3f7a";
        assert_eq!(Slug::from_name(uuid).as_str(), format!("team-{uuid}"));
    }

    #[test]
    fn slugs_are_checked() {
        assert!(Slug::parse("acme-2").is_ok());
        for bad in
            ["", "Acme", "acme--x", "-acme", "acme-", "a_b", "0b6f2a4e-8d0c-4a8e-9f50-2b1c1f1f3f7a"]
        {
            assert!(Slug::parse(bad).is_err(), "{bad}");
        }
        assert!(Slug::parse(&"a".repeat(65)).is_err());
    }

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(Email::parse("  Ada@Example.COM ").unwrap().as_str(), "ada@example.com");
        for bad in ["ada", "@example.com", "ada@", "a b@example.com", "a@b@c", "a\0@b.c"] {
            assert!(Email::parse(bad).is_err(), "{bad:?}");
        }
    }
}
