//! The display name of a prompt, a dataset or anything else a person names: 1 to 200 characters
//! once trimmed, without control characters. Parsed once where it enters; valid everywhere after.

use std::{fmt, ops::Deref};

use serde::{Deserialize, Serialize};

/// A valid name (trimmed).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Name(String);

/// Why a text is not a name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("must be 1 to {max} characters, not counting surrounding spaces", max = Name::MAX_CHARS)]
    Length,
    #[error("must not contain control characters")]
    Control,
}

impl Name {
    pub const MAX_CHARS: usize = 200;

    /// `text`, trimmed, if it is a valid name.
    pub fn parse(text: &str) -> Result<Self, NameError> {
        let trimmed = text.trim();
        if !(1..=Self::MAX_CHARS).contains(&trimmed.chars().count()) {
            return Err(NameError::Length);
        }
        if trimmed.chars().any(char::is_control) {
            return Err(NameError::Control);
        }
        Ok(Self(trimmed.to_owned()))
    }

    /// A name made from any text (a file name, say): control characters dropped, trimmed and
    /// cut to the limit; `fallback` when nothing is left.
    pub fn lossy(text: &str, fallback: &str) -> Self {
        let clean: String = text.chars().filter(|c| !c.is_control()).collect();
        let cut: String = clean.trim().chars().take(Self::MAX_CHARS).collect();
        Self::parse(&cut).unwrap_or_else(|_| Self(fallback.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Name {
    type Error = NameError;
    fn try_from(text: String) -> Result<Self, NameError> {
        Self::parse(&text)
    }
}

impl From<Name> for String {
    fn from(name: Name) -> Self {
        name.0
    }
}

impl Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl sqlx::Type<sqlx::Postgres> for Name {
    fn type_info() -> sqlx::postgres::PgTypeInfo {
        <String as sqlx::Type<sqlx::Postgres>>::type_info()
    }
}

impl<'q> sqlx::Encode<'q, sqlx::Postgres> for Name {
    fn encode_by_ref(
        &self,
        buf: &mut sqlx::postgres::PgArgumentBuffer,
    ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        <&str as sqlx::Encode<sqlx::Postgres>>::encode(self.as_str(), buf)
    }
}

impl<'r> sqlx::Decode<'r, sqlx::Postgres> for Name {
    fn decode(value: sqlx::postgres::PgValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        // Stored names passed the same rule (and the tables' check constraints).
        Ok(Self(<String as sqlx::Decode<sqlx::Postgres>>::decode(value)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_bounded_and_printable() {
        assert_eq!(Name::parse("  Support reply ").unwrap().as_str(), "Support reply");
        assert_eq!(Name::parse("   "), Err(NameError::Length));
        assert_eq!(Name::parse(&"x".repeat(201)), Err(NameError::Length));
        assert!(Name::parse(&"é".repeat(200)).is_ok(), "characters, not bytes");
        assert_eq!(Name::parse("a\0b"), Err(NameError::Control));
        assert_eq!(Name::lossy(" \u{7}data\0 ", "dataset").as_str(), "data");
        assert_eq!(Name::lossy("\n", "dataset").as_str(), "dataset");
        let parsed: Result<Name, _> = serde_json::from_str("\"\"");
        assert!(parsed.unwrap_err().to_string().starts_with("must be 1 to 200 characters"));
    }
}
