//! Minting HS256 access tokens shaped like Supabase Auth's, for `promptrefine token`, `dev` and
//! the tests.

use std::time::Duration;

use jsonwebtoken::{EncodingKey, Header};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use uuid::Uuid;

use super::USER_ROLE;

/// The claims Supabase Auth puts in a user's access token (the subset this API reads).
#[derive(Debug, Clone, Serialize)]
pub struct AccessTokenClaims {
    pub sub: Uuid,
    pub aud: String,
    pub role: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    pub iat: i64,
    pub exp: i64,
    pub is_anonymous: bool,
}

impl AccessTokenClaims {
    /// A signed-in user's claims, valid from now for `ttl`.
    pub fn user(sub: Uuid, email: Option<String>, issuer: Option<String>, ttl: Duration) -> Self {
        let now = chrono::Utc::now().timestamp();
        Self {
            sub,
            aud: USER_ROLE.to_owned(),
            role: USER_ROLE.to_owned(),
            iss: issuer,
            email,
            iat: now,
            exp: now + i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX / 2),
            is_anonymous: false,
        }
    }
}

/// The claims of a project API key: Supabase's legacy `anon` and `service_role` keys are JWTs
/// signed with the project's secret that carry a role and no user. Self-hosted services (Storage,
/// PostgREST) take them as configuration.
#[derive(Debug, Clone, Serialize)]
pub struct ApiKeyClaims {
    pub role: String,
    pub iss: String,
    pub iat: i64,
    pub exp: i64,
}

impl ApiKeyClaims {
    /// An API key for `role` (`anon` or `service_role`), valid from now for `ttl`.
    pub fn new(role: &str, ttl: Duration) -> Self {
        let now = chrono::Utc::now().timestamp();
        Self {
            role: role.to_owned(),
            iss: "supabase".to_owned(),
            iat: now,
            exp: now + i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX / 2),
        }
    }
}

/// Signs `claims` with the project's HS256 secret.
pub fn mint_hs256(secret: &SecretString, claims: &impl Serialize) -> String {
    let key = EncodingKey::from_secret(secret.expose_secret().as_bytes());
    jsonwebtoken::encode(&Header::default(), claims, &key)
        .expect("HS256 signing of serializable claims cannot fail")
}
