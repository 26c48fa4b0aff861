//! The project's public signing keys, fetched from its JWKS endpoint and cached.
//!
//! Supabase's edge caches the JWKS for 10 minutes and asks clients not to cache longer; a key that
//! is not in the cache (a rotation) triggers one refetch, at most once per cooldown, so a flood of
//! tokens with made-up `kid`s cannot turn into a flood of requests to Supabase.

use std::{
    collections::HashMap,
    fmt,
    time::{Duration, Instant},
};

use jsonwebtoken::{
    Algorithm, DecodingKey,
    jwk::{AlgorithmParameters, EllipticCurve, Jwk, JwkSet, KeyAlgorithm},
};
use tokio::sync::{Mutex, RwLock};
use url::Url;

use super::AuthError;

const TTL: Duration = Duration::from_secs(600);
const REFETCH_COOLDOWN: Duration = Duration::from_secs(30);
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);

pub struct JwksCache {
    url: Url,
    http: reqwest::Client,
    keys: RwLock<Keys>,
    /// Held while fetching, so concurrent misses share one request.
    fetching: Mutex<()>,
}

#[derive(Default)]
struct Keys {
    by_kid: HashMap<String, (Algorithm, DecodingKey)>,
    /// The last successful fetch.
    fetched_at: Option<Instant>,
    /// The last fetch, successful or not; fetches are at most one per cooldown.
    attempted_at: Option<Instant>,
}

impl fmt::Debug for JwksCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwksCache").field("url", &self.url.as_str()).finish_non_exhaustive()
    }
}

impl JwksCache {
    pub fn new(url: Url, http: reqwest::Client) -> Self {
        Self { url, http, keys: RwLock::default(), fetching: Mutex::new(()) }
    }

    /// The key with this `kid`, usable for `alg`.
    pub(super) async fn key(&self, kid: &str, alg: Algorithm) -> Result<DecodingKey, AuthError> {
        let may_fetch = {
            let keys = self.keys.read().await;
            let fresh = keys.fetched_at.is_some_and(|at| at.elapsed() < TTL);
            if fresh && let Some((key_alg, key)) = keys.by_kid.get(kid) {
                return matching(*key_alg, key, alg);
            }
            keys.attempted_at.is_none_or(|at| at.elapsed() >= REFETCH_COOLDOWN)
        };
        if may_fetch {
            self.refresh().await;
        }
        // A stale key is still better than none while the endpoint is unreachable.
        let keys = self.keys.read().await;
        match keys.by_kid.get(kid) {
            Some((key_alg, key)) => matching(*key_alg, key, alg),
            None if keys.fetched_at.is_none() => Err(AuthError::KeysUnavailable),
            None => Err(AuthError::UnknownKey),
        }
    }

    async fn refresh(&self) {
        let started = Instant::now();
        let _guard = self.fetching.lock().await;
        // Someone else fetched while we waited for the lock.
        if self.keys.read().await.attempted_at.is_some_and(|at| at >= started) {
            return;
        }
        let result = self.fetch().await;
        let mut keys = self.keys.write().await;
        keys.attempted_at = Some(Instant::now());
        match result {
            Ok(by_kid) => {
                tracing::info!(keys = by_kid.len(), url = %self.url, "fetched signing keys");
                keys.by_kid = by_kid;
                keys.fetched_at = keys.attempted_at;
            }
            Err(error) => tracing::warn!(%error, url = %self.url, "could not fetch signing keys"),
        }
    }

    async fn fetch(&self) -> Result<HashMap<String, (Algorithm, DecodingKey)>, reqwest::Error> {
        let set: JwkSet = self
            .http
            .get(self.url.clone())
            .timeout(FETCH_TIMEOUT)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        Ok(set.keys.iter().filter_map(usable_key).collect())
    }
}

/// The keys this gateway accepts: EC P-256 for ES256 and RSA for RS256. Symmetric (`oct`) keys
/// in a JWKS are ignored on purpose: HS256 only ever uses the configured project secret.
fn usable_key(jwk: &Jwk) -> Option<(String, (Algorithm, DecodingKey))> {
    let kid = jwk.common.key_id.clone()?;
    let alg = match &jwk.algorithm {
        AlgorithmParameters::EllipticCurve(ec) if ec.curve == EllipticCurve::P256 => {
            Algorithm::ES256
        }
        AlgorithmParameters::RSA(_) => Algorithm::RS256,
        _ => return None,
    };
    let declared_ok = match jwk.common.key_algorithm {
        None => true,
        Some(KeyAlgorithm::ES256) => alg == Algorithm::ES256,
        Some(KeyAlgorithm::RS256) => alg == Algorithm::RS256,
        Some(_) => false,
    };
    if !declared_ok {
        return None;
    }
    let key = DecodingKey::from_jwk(jwk).ok()?;
    Some((kid, (alg, key)))
}

fn matching(
    key_alg: Algorithm,
    key: &DecodingKey,
    alg: Algorithm,
) -> Result<DecodingKey, AuthError> {
    if key_alg == alg {
        Ok(key.clone())
    } else {
        Err(AuthError::UnsupportedAlgorithm(format!("{alg:?} with a {key_alg:?} key")))
    }
}
