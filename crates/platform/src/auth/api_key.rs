//! Organizations' API keys (`pr_live_...`): long-lived credentials for servers, made by an
//! organization's admins. Only a key's SHA-256 is stored; a presented key is looked up by it in
//! the database (`private.api_key_grant`), and the answer kept for at most a second, so a revoked
//! key stops within one. The database checks the key again at every statement anyway.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use rand::{Rng, distr::Alphanumeric};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::AuthError;
use crate::{Db, OrgId};

/// Every key starts with this, so that a leaked one is recognisable (and scannable).
pub const KEY_PREFIX: &str = "pr_live_";
/// Random base62 characters after the prefix (238 bits).
const KEY_RANDOM_CHARS: usize = 40;
/// Characters of a key kept to recognise it in a list.
const DISPLAY_CHARS: usize = KEY_PREFIX.len() + 4;
/// How long a lookup's answer is reused.
const CACHE_FOR: Duration = Duration::from_secs(1);
/// Answers kept at most; past it the cache starts over.
const CACHE_ENTRIES: usize = 10_000;

/// What a key may do.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, sqlx::Type,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "api_key_scope", rename_all = "snake_case")]
pub enum Scope {
    /// Call the organization's deployments (`/v1/execute/*`).
    Execute,
    /// Use the GET endpoints of the organization's prompts, datasets and runs.
    Read,
}

/// A verified key: whose it is and what it may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyGrant {
    pub key_id: Uuid,
    pub org_id: OrgId,
    pub scopes: Vec<Scope>,
}

/// A new key: the prefix, then random base62 characters.
pub fn new_key() -> String {
    random_token(KEY_PREFIX, KEY_RANDOM_CHARS)
}

/// `prefix`, then `chars` random base62 characters (about 5.95 bits each).
pub fn random_token(prefix: &str, chars: usize) -> String {
    let random: String =
        rand::rng().sample_iter(&Alphanumeric).take(chars).map(char::from).collect();
    format!("{prefix}{random}")
}

/// What is stored to find a key again (hex SHA-256: keys are random, so no slow hash is needed).
pub fn key_sha256(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// The start of a key, to recognise it in a list without revealing it.
pub fn display_prefix(key: &str) -> String {
    key.chars().take(DISPLAY_CHARS).collect()
}

/// Whether a bearer token is one of our keys rather than a Supabase access token.
pub fn is_api_key(token: &str) -> bool {
    token.starts_with(KEY_PREFIX)
}

/// Looks keys up, remembering each answer (a grant, or none) for a second.
#[derive(Debug)]
pub struct KeyVerifier {
    db: Db,
    recent: Mutex<HashMap<String, (Instant, Option<KeyGrant>)>>,
}

impl KeyVerifier {
    pub fn new(db: Db) -> Self {
        Self { db, recent: Mutex::default() }
    }

    /// The grant of `key`, if it exists and may be used now.
    pub async fn verify(&self, key: &str) -> Result<KeyGrant, AuthError> {
        let sha = key_sha256(key);
        if let Some(answer) = self.remembered(&sha) {
            return answer.ok_or(AuthError::InvalidApiKey);
        }
        let answer = self.look_up(&sha).await.map_err(|error| {
            tracing::error!(error = %crate::db::describe(&error), "looking up an API key");
            AuthError::ApiKeysUnavailable
        })?;
        self.remember(sha, answer.clone());
        answer.ok_or(AuthError::InvalidApiKey)
    }

    fn remembered(&self, sha: &str) -> Option<Option<KeyGrant>> {
        let recent = self.recent.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        match recent.get(sha) {
            Some((at, answer)) if at.elapsed() < CACHE_FOR => Some(answer.clone()),
            _ => None,
        }
    }

    fn remember(&self, sha: String, answer: Option<KeyGrant>) {
        let mut recent = self.recent.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if recent.len() >= CACHE_ENTRIES {
            recent.clear();
        }
        recent.insert(sha, (Instant::now(), answer));
    }

    async fn look_up(&self, sha: &str) -> Result<Option<KeyGrant>, sqlx::Error> {
        let mut tx = self.db.begin_unauthenticated().await?;
        let row: Option<(Uuid, OrgId, Vec<Scope>)> =
            sqlx::query_as("select key_id, org_id, scopes from private.api_key_grant($1)")
                .bind(sha)
                .fetch_optional(&mut *tx)
                .await?;
        tx.commit().await?;
        Ok(row.map(|(key_id, org_id, scopes)| KeyGrant { key_id, org_id, scopes }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_long_random_base62_and_shown_by_a_prefix() {
        let (a, b) = (new_key(), new_key());
        assert_ne!(a, b);
        assert!(is_api_key(&a));
        let random = a.strip_prefix(KEY_PREFIX).unwrap();
        assert_eq!(random.len(), KEY_RANDOM_CHARS);
        assert!(random.bytes().all(|c| c.is_ascii_alphanumeric()));
        assert_eq!(display_prefix(&a).len(), 12);
        assert!(a.starts_with(&display_prefix(&a)));
        assert_eq!(key_sha256(&a).len(), 64);
        assert!(!is_api_key("eyJhbGciOiJIUzI1NiJ9.e30.x"));
    }
}
