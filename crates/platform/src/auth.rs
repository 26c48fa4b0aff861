//! Verification of Supabase access tokens, exactly as the gateway needs it: the HS256 project
//! secret and/or the project's JWKS (ES256, RS256), `exp`/`nbf` with a small leeway, the
//! `authenticated` role and audience, the issuer when known, and a UUID subject.

pub mod api_key;
mod jwks;
mod mint;

use std::{fmt, time::Duration};

use jsonwebtoken::{Algorithm, DecodingKey, Validation, errors::ErrorKind};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Map, Value};
use url::Url;
use uuid::Uuid;

pub use api_key::{KeyGrant, KeyVerifier, Scope};
pub use jwks::JwksCache;
pub use mint::{AccessTokenClaims, ApiKeyClaims, mint_hs256};

/// Clock skew tolerated on `exp` and `nbf` (PostgREST uses the same 30 seconds).
const LEEWAY: Duration = Duration::from_secs(30);

/// The only role allowed to use this API: users signed in through Supabase Auth.
pub const USER_ROLE: &str = "authenticated";

/// Why a bearer token was refused. The gateway maps each to 401, except [`AuthError::ForbiddenRole`]
/// (a genuine token for another role, such as the anon key: 403) and
/// [`AuthError::KeysUnavailable`] (503).
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("the request has no bearer token")]
    MissingToken,
    #[error("the token is malformed")]
    Malformed,
    #[error("the token's algorithm {0} is not accepted")]
    UnsupportedAlgorithm(String),
    #[error("the token is signed with an unknown key")]
    UnknownKey,
    #[error("the token's signature is invalid")]
    BadSignature,
    #[error("the token has expired")]
    Expired,
    #[error("the token is not valid yet")]
    NotYetValid,
    #[error("the token's audience does not include \"authenticated\"")]
    WrongAudience,
    #[error("the token was issued by another issuer")]
    WrongIssuer,
    #[error("the token's subject is not a user id")]
    InvalidSubject,
    #[error("tokens of role \"{0}\" cannot use this API; sign in as a user")]
    ForbiddenRole(String),
    #[error("the signing keys could not be fetched")]
    KeysUnavailable,
    #[error("the API key is unknown, revoked or expired")]
    InvalidApiKey,
    #[error("API keys could not be checked")]
    ApiKeysUnavailable,
}

/// Who a request is for: a user whose access token has been verified, or an organization's API
/// key.
#[derive(Clone)]
pub struct User {
    /// The user's id; for an API key, the key's.
    id: Uuid,
    email: Option<String>,
    /// The verified claims as JSON, for `request.jwt.claims` (what `auth.uid()` reads).
    claims_json: String,
    /// The access token itself, to act as the user towards Supabase (Storage).
    token: Option<SecretString>,
    /// What the API key allows, when the request came with one.
    key: Option<KeyGrant>,
}

impl User {
    /// The user's id, or the API key's.
    pub fn id(&self) -> Uuid {
        self.id
    }

    /// A verified API key: its claims name the key, not a user (`auth.uid()` is null in its
    /// transactions), and the policies look the key up again at every statement.
    pub fn from_api_key(grant: KeyGrant) -> Self {
        let claims = serde_json::json!({"role": USER_ROLE, "key_id": grant.key_id});
        Self {
            id: grant.key_id,
            email: None,
            claims_json: claims.to_string(),
            token: None,
            key: Some(grant),
        }
    }

    /// The API key this request came with, if it came with one rather than a user's token.
    pub fn api_key(&self) -> Option<&KeyGrant> {
        self.key.as_ref()
    }

    pub fn email(&self) -> Option<&str> {
        self.email.as_deref()
    }

    pub fn claims_json(&self) -> &str {
        &self.claims_json
    }

    /// The user's access token, when the user came with one (not for workers).
    pub fn bearer_token(&self) -> Option<&SecretString> {
        self.token.as_ref()
    }

    /// A user with exactly these claims, trusted without a signature. For the workers, which act
    /// for the owner of a run they read from the database, and for tests.
    pub fn from_trusted_claims(id: Uuid, claims: &Map<String, Value>) -> Self {
        Self {
            id,
            email: claims.get("email").and_then(Value::as_str).map(str::to_owned),
            claims_json: Value::Object(claims.clone()).to_string(),
            token: None,
            key: None,
        }
    }
}

// Claims may carry personal data; keep them out of logs.
impl fmt::Debug for User {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("User").field("id", &self.id).finish_non_exhaustive()
    }
}

/// How tokens are verified.
#[derive(Debug, Clone, Default)]
pub struct VerifierConfig {
    /// The legacy HS256 project secret (`SUPABASE_JWT_SECRET`).
    pub hs256_secret: Option<SecretString>,
    /// `<SUPABASE_URL>/auth/v1/.well-known/jwks.json`, for asymmetric signing keys.
    pub jwks_url: Option<Url>,
    /// The expected `iss`, when known (`<SUPABASE_URL>/auth/v1` on hosted projects).
    pub issuer: Option<String>,
}

/// Verifies Supabase access tokens. Cheap to share: keep one per process.
#[derive(Debug)]
pub struct JwtVerifier {
    hs256: Option<DecodingKey>,
    jwks: Option<JwksCache>,
    issuer: Option<String>,
}

impl JwtVerifier {
    pub fn new(config: VerifierConfig, http: reqwest::Client) -> Self {
        Self {
            hs256: config
                .hs256_secret
                .map(|secret| DecodingKey::from_secret(secret.expose_secret().as_bytes())),
            jwks: config.jwks_url.map(|url| JwksCache::new(url, http)),
            issuer: config.issuer,
        }
    }

    /// Verifies `token` and returns the user it speaks for.
    pub async fn verify(&self, token: &str) -> Result<User, AuthError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| AuthError::Malformed)?;
        // The algorithm decides the key, never the other way round: HS256 only ever uses the
        // configured secret, so a public key can never be abused as an HMAC secret.
        let key = match header.alg {
            Algorithm::HS256 => {
                self.hs256.clone().ok_or_else(|| AuthError::UnsupportedAlgorithm("HS256".into()))?
            }
            Algorithm::ES256 | Algorithm::RS256 => {
                let jwks = self
                    .jwks
                    .as_ref()
                    .ok_or_else(|| AuthError::UnsupportedAlgorithm(format!("{:?}", header.alg)))?;
                let kid = header.kid.as_deref().ok_or(AuthError::UnknownKey)?;
                jwks.key(kid, header.alg).await?
            }
            other => return Err(AuthError::UnsupportedAlgorithm(format!("{other:?}"))),
        };

        let mut validation = Validation::new(header.alg);
        validation.leeway = LEEWAY.as_secs();
        validation.validate_nbf = true;
        // Audience and issuer are checked below, after the role, so that a genuine token of
        // another role (the anon key has neither) is told apart from a bad one.
        validation.validate_aud = false;
        validation.set_required_spec_claims(&["exp"]);

        let data =
            jsonwebtoken::decode::<Map<String, Value>>(token, &key, &validation).map_err(|e| {
                match e.kind() {
                    ErrorKind::ExpiredSignature => AuthError::Expired,
                    ErrorKind::ImmatureSignature => AuthError::NotYetValid,
                    ErrorKind::InvalidSignature => AuthError::BadSignature,
                    _ => AuthError::Malformed,
                }
            })?;
        let user = check_claims(&data.claims, self.issuer.as_deref())?;
        Ok(User { token: Some(token.into()), ..user })
    }
}

fn check_claims(claims: &Map<String, Value>, issuer: Option<&str>) -> Result<User, AuthError> {
    let role = claims.get("role").and_then(Value::as_str).unwrap_or("anon");
    if role != USER_ROLE {
        return Err(AuthError::ForbiddenRole(role.to_owned()));
    }
    let audience_ok = match claims.get("aud") {
        Some(Value::String(aud)) => aud == USER_ROLE,
        Some(Value::Array(auds)) => auds.iter().any(|a| a.as_str() == Some(USER_ROLE)),
        _ => false,
    };
    if !audience_ok {
        return Err(AuthError::WrongAudience);
    }
    if let Some(expected) = issuer
        && claims.get("iss").and_then(Value::as_str) != Some(expected)
    {
        return Err(AuthError::WrongIssuer);
    }
    let id = claims
        .get("sub")
        .and_then(Value::as_str)
        .and_then(|sub| Uuid::parse_str(sub).ok())
        .ok_or(AuthError::InvalidSubject)?;
    Ok(User::from_trusted_claims(id, claims))
}
