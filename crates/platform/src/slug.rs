//! A URL-safe handle, parsed once where it enters.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A URL-safe handle (of an organization, a deployment): 1 to 64 lower-case ASCII letters and
/// digits in groups joined by single dashes, and not shaped like a UUID (personal organizations'
/// slugs are their users' ids, and a handle should never be mistaken for an id).
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

impl std::fmt::Display for Slug {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
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
}
