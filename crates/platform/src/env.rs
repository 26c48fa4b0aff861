//! Typed settings from environment variables. Every error names the variable, so a misconfigured
//! deployment fails at start with a message that says what to fix.

use std::{collections::HashMap, fmt::Display, str::FromStr};

use secrecy::SecretString;

/// A setting that is missing or cannot be parsed.
#[derive(Debug, thiserror::Error)]
pub enum EnvError {
    #[error("{name} is not set")]
    Missing { name: String },
    #[error("{name} is invalid: {reason}")]
    Invalid { name: String, reason: String },
}

impl EnvError {
    pub fn invalid(name: &str, reason: impl Display) -> Self {
        Self::Invalid { name: name.to_owned(), reason: reason.to_string() }
    }
}

/// Where settings come from: the process environment, or a fixed map in tests (mutating the
/// process environment is unsafe once threads run).
#[derive(Debug, Clone, Default)]
pub struct Env {
    fixed: Option<HashMap<String, String>>,
}

impl Env {
    pub fn from_process() -> Self {
        Self { fixed: None }
    }

    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let map = pairs.into_iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
        Self { fixed: Some(map) }
    }

    /// The value of `name`; unset and empty are the same (compose files often pass `VAR=`).
    pub fn get(&self, name: &str) -> Option<String> {
        let value = match &self.fixed {
            Some(map) => map.get(name).cloned(),
            None => std::env::var(name).ok(),
        };
        value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
    }

    pub fn required(&self, name: &str) -> Result<String, EnvError> {
        self.get(name).ok_or_else(|| EnvError::Missing { name: name.to_owned() })
    }

    pub fn secret(&self, name: &str) -> Option<SecretString> {
        self.get(name).map(SecretString::from)
    }

    /// Parses `name` when it is set.
    pub fn parse<T>(&self, name: &str) -> Result<Option<T>, EnvError>
    where
        T: FromStr,
        T::Err: Display,
    {
        self.get(name)
            .map(|raw| raw.parse::<T>().map_err(|e| EnvError::invalid(name, e)))
            .transpose()
    }

    pub fn parse_or<T>(&self, name: &str, default: T) -> Result<T, EnvError>
    where
        T: FromStr,
        T::Err: Display,
    {
        Ok(self.parse(name)?.unwrap_or(default))
    }

    /// A comma-separated list; blank items are dropped.
    pub fn list(&self, name: &str) -> Vec<String> {
        self.get(name)
            .map(|raw| {
                raw.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
            })
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_values_count_as_unset_and_errors_name_the_variable() {
        let env = Env::from_pairs([("EMPTY", "  "), ("PORT", "eighty"), ("LIST", "a, ,b")]);
        assert_eq!(env.get("EMPTY"), None);
        assert_eq!(env.required("EMPTY").unwrap_err().to_string(), "EMPTY is not set");
        let err = env.parse::<u16>("PORT").unwrap_err().to_string();
        assert!(err.starts_with("PORT is invalid"), "{err}");
        assert_eq!(env.parse_or("MISSING", 7u16).unwrap(), 7);
        assert_eq!(env.list("LIST"), ["a", "b"]);
    }
}
