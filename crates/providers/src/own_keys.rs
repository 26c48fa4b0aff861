//! Organizations' own provider keys (`public.provider_key`): stored sealed by the [`Keyring`],
//! listed without the key, and used for the organization's calls in preference to the server's
//! keys. [`Registry`] hands out the providers an organization calls through.
//!
//! Keys are never returned, logged or put in an error; a key's last four characters tell keys
//! apart. An own key may name a `base_url` (an OpenAI-compatible proxy, say): it is called
//! through an HTTP client that refuses this machine, private networks and metadata services
//! after DNS (`platform::address`), and follows no redirect.

use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, Mutex, PoisonError},
    time::{Duration, Instant},
};

use chrono::{DateTime, Utc};
use platform::{Db, OrgId, Role, UserTx, address, tenancy};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use sqlx::PgConnection;
use tracing::instrument;
use url::Url;
use uuid::Uuid;

use crate::{
    Providers,
    keyring::{Keyring, Sealed},
    registry::{OwnEndpoint, accepts_own_key},
};

/// How long an organization's providers are reused before its keys are read again: a key
/// changed in another process is used within this long.
const REFRESH: Duration = Duration::from_secs(10);
/// How often the use of own keys is written down (`last_used_at`).
const USAGE_FLUSH: Duration = Duration::from_secs(10);
/// The longest key accepted.
const MAX_KEY_CHARS: usize = 512;

/// How organizations' own keys are kept and called.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OwnKeysConfig {
    /// `PROVIDER_KEYS_KEK` (and the previous KEKs); without it, organizations cannot store keys.
    pub keyring: Option<Arc<Keyring>>,
    /// `PROVIDER_KEYS_ALLOW_PRIVATE_NETWORKS`: a `base_url` may be this machine or a private
    /// network (for `dev`).
    pub allow_private_networks: bool,
}

/// A key of an organization, as shown: never the key itself.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProviderKey {
    #[cfg_attr(feature = "openapi", schema(example = "openai"))]
    pub provider: String,
    /// The key's last four characters.
    #[cfg_attr(feature = "openapi", schema(example = "3xYz"))]
    pub last4: String,
    /// Where calls go instead of the provider's own API, if set.
    pub base_url: Option<String>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When a call last used it (to within a few seconds); null before.
    pub last_used_at: Option<DateTime<Utc>>,
}

/// A key to store for a provider.
#[derive(Debug, Clone)]
pub struct NewProviderKey {
    pub api_key: SecretString,
    pub base_url: Option<String>,
}

/// What went wrong with an organization's keys.
#[derive(Debug, thiserror::Error)]
pub enum OwnKeyError {
    /// The request, field by field (`api_key`, `base_url`, `provider`).
    #[error("{field}: {message}")]
    Invalid { field: &'static str, message: String },
    #[error("the organization has no key for {0}")]
    NotFound(String),
    /// This server has no KEK: keys cannot be stored.
    #[error("PROVIDER_KEYS_KEK is not set")]
    Disabled,
    #[error(transparent)]
    Access(#[from] tenancy::AccessError),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// The provider named in a path, if an organization may bring a key for it.
fn own_key_provider(provider: &str) -> Result<&'static str, OwnKeyError> {
    accepts_own_key(provider).ok_or_else(|| OwnKeyError::Invalid {
        field: "provider",
        message: format!(
            "`{provider}` takes no key: one of openai, anthropic, groq, cerebras, openrouter, \
             together"
        ),
    })
}

const KEY_COLUMNS: &str =
    "provider, last4, base_url, created_by, created_at, updated_at, last_used_at";

/// Stores `org`'s key for `provider` (admins), sealed; replaces the one it had.
#[instrument(skip_all, fields(org.id = %org, provider))]
pub async fn put(
    tx: &mut UserTx,
    config: &OwnKeysConfig,
    org: OrgId,
    provider: &str,
    new: NewProviderKey,
) -> Result<ProviderKey, OwnKeyError> {
    tenancy::require(tx, org, Role::Admin).await?;
    let provider = own_key_provider(provider)?;
    let keyring = config.keyring.as_deref().ok_or(OwnKeyError::Disabled)?;
    let key = new.api_key.expose_secret();
    let invalid = |field, message: &str| OwnKeyError::Invalid { field, message: message.into() };
    if key.is_empty() || key.chars().count() > MAX_KEY_CHARS {
        return Err(invalid("api_key", "must be 1 to 512 characters"));
    }
    if key.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(invalid("api_key", "must not contain spaces or control characters"));
    }
    if let Some(url) = &new.base_url {
        if url.len() > 2048 {
            return Err(invalid("base_url", "must be at most 2048 characters"));
        }
        address::check_url(url, config.allow_private_networks)
            .map_err(|problem| invalid("base_url", &format!("`{url}` {problem}")))?;
    }
    let last4: String = {
        let chars: Vec<char> = key.chars().collect();
        chars[chars.len().saturating_sub(4)..].iter().collect()
    };
    let sealed = keyring.seal(org, provider, &new.api_key);
    let stored: ProviderKey = sqlx::query_as(&format!(
        "insert into public.provider_key (org_id, provider, kek_id, nonce, ciphertext, last4,
           base_url)
         values ($1, $2, $3, $4, $5, $6, $7)
         on conflict (org_id, provider) do update set
           kek_id = excluded.kek_id, nonce = excluded.nonce, ciphertext = excluded.ciphertext,
           last4 = excluded.last4, base_url = excluded.base_url, updated_at = now()
         returning {KEY_COLUMNS}"
    ))
    .bind(org)
    .bind(provider)
    .bind(&sealed.kek_id)
    .bind(&sealed.nonce)
    .bind(&sealed.ciphertext)
    .bind(&last4)
    .bind(&new.base_url)
    .fetch_one(&mut **tx)
    .await?;
    tracing::info!("stored the organization's {provider} key");
    Ok(stored)
}

/// `org`'s keys (admins), by provider.
pub async fn list(tx: &mut UserTx, org: OrgId) -> Result<Vec<ProviderKey>, OwnKeyError> {
    tenancy::require(tx, org, Role::Admin).await?;
    Ok(sqlx::query_as(&format!(
        "select {KEY_COLUMNS} from public.provider_key where org_id = $1 order by provider"
    ))
    .bind(org)
    .fetch_all(&mut **tx)
    .await?)
}

/// The providers `org` has its own key for (any member may know: it says which models they can
/// use).
pub async fn providers_with_keys(tx: &mut UserTx, org: OrgId) -> Result<Vec<String>, OwnKeyError> {
    tenancy::require(tx, org, Role::Viewer).await?;
    Ok(sqlx::query_scalar("select provider from public.provider_key where org_id = $1")
        .bind(org)
        .fetch_all(&mut **tx)
        .await?)
}

/// Forgets `org`'s key for `provider` (admins): its calls use the server's key again.
#[instrument(skip_all, fields(org.id = %org, provider))]
pub async fn delete(tx: &mut UserTx, org: OrgId, provider: &str) -> Result<(), OwnKeyError> {
    tenancy::require(tx, org, Role::Admin).await?;
    let deleted =
        sqlx::query("delete from public.provider_key where org_id = $1 and provider = $2")
            .bind(org)
            .bind(provider)
            .execute(&mut **tx)
            .await?;
    if deleted.rows_affected() == 0 {
        return Err(OwnKeyError::NotFound(provider.to_owned()));
    }
    tracing::info!("deleted the organization's {provider} key");
    Ok(())
}

/// Seals again, by the current KEK, every key a previous KEK sealed (after a rotation): how
/// many. Keys no KEK of this server opens are left as they are (and logged).
pub async fn reseal_stale(db: &Db, keyring: &Keyring) -> Result<u64, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct Row {
        org_id: OrgId,
        provider: String,
        #[sqlx(flatten)]
        sealed: Sealed,
    }
    let mut tx = db.begin_service().await?;
    let stale: Vec<Row> = sqlx::query_as(
        "select org_id, provider, kek_id, nonce, ciphertext from public.provider_key
         where kek_id <> $1
         for update skip locked
         limit 1000",
    )
    .bind(keyring.current_id())
    .fetch_all(&mut *tx)
    .await?;
    let mut resealed = 0;
    for row in stale {
        let key = match keyring.open(row.org_id, &row.provider, &row.sealed) {
            Ok(key) => key,
            Err(error) => {
                tracing::error!(org.id = %row.org_id, provider = row.provider, %error, "cannot reseal a provider key");
                continue;
            }
        };
        let sealed = keyring.seal(row.org_id, &row.provider, &key);
        sqlx::query(
            "update public.provider_key set kek_id = $3, nonce = $4, ciphertext = $5
             where org_id = $1 and provider = $2",
        )
        .bind(row.org_id)
        .bind(&row.provider)
        .bind(&sealed.kek_id)
        .bind(&sealed.nonce)
        .bind(&sealed.ciphertext)
        .execute(&mut *tx)
        .await?;
        resealed += 1;
    }
    tx.commit().await?;
    if resealed > 0 {
        tracing::info!(
            resealed,
            kek = keyring.current_id(),
            "provider keys sealed by the current KEK"
        );
    }
    Ok(resealed)
}

/// The (organization, provider) pairs whose own key was used since the last flush.
#[derive(Debug, Clone, Default)]
pub(crate) struct UsedKeys(Arc<Mutex<HashSet<(OrgId, &'static str)>>>);

impl UsedKeys {
    pub(crate) fn note(&self, org: OrgId, provider: &'static str) {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).insert((org, provider));
    }

    fn take(&self) -> HashSet<(OrgId, &'static str)> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// The providers each organization calls through: the server's, with the organization's own
/// keys in their place.
#[derive(Debug, Clone)]
pub struct Registry {
    server: Arc<Providers>,
    own: Option<Arc<OwnKeys>>,
}

#[derive(Debug)]
struct OwnKeys {
    db: Db,
    keyring: Arc<Keyring>,
    /// Calls with own keys go through this client: no private addresses, no redirects.
    http: reqwest::Client,
    orgs: Mutex<HashMap<OrgId, Cached>>,
    used: UsedKeys,
}

/// An organization's providers, when they were read, and the keys they were made of (each key's
/// provider and nonce, which a new sealing changes): unchanged keys keep their providers, and so
/// the bound on each provider's requests in flight.
#[derive(Debug, Clone)]
struct Cached {
    read: Instant,
    keys: Vec<(String, Vec<u8>, Option<String>)>,
    providers: Arc<Providers>,
}

impl Registry {
    /// The server's providers only: no organization has keys of its own.
    fn server_only(server: Arc<Providers>) -> Self {
        Self { server, own: None }
    }

    /// The server's providers, and organizations' own keys (when a KEK is configured). Starts
    /// writing down when own keys are used, in the background.
    pub fn new(
        server: Arc<Providers>,
        db: Db,
        config: &OwnKeysConfig,
    ) -> Result<Self, reqwest::Error> {
        let Some(keyring) = config.keyring.clone() else { return Ok(Self::server_only(server)) };
        let http = reqwest::Client::builder()
            .user_agent(concat!("promptrefine/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(5))
            .dns_resolver(address::resolver(config.allow_private_networks))
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        let own = Arc::new(OwnKeys {
            db,
            keyring,
            http,
            orgs: Mutex::default(),
            used: UsedKeys::default(),
        });
        tokio::spawn(flush_usage(Arc::downgrade(&own)));
        Ok(Self { server, own: Some(own) })
    }

    /// The server's providers, for what no organization's key changes (the catalog).
    pub fn server(&self) -> &Arc<Providers> {
        &self.server
    }

    /// The keyring, when organizations may store keys.
    pub fn keyring(&self) -> Option<&Keyring> {
        self.own.as_ref().map(|own| own.keyring.as_ref())
    }

    /// The providers `org` calls through, its keys read (at most every few seconds) in a
    /// transaction of their own: for work that holds no other connection (workers, a
    /// deployment's call).
    pub async fn for_org(&self, org: OrgId) -> Result<Arc<Providers>, sqlx::Error> {
        if let Some(providers) = self.fresh(org) {
            return Ok(providers);
        }
        let Some(own) = &self.own else { return Ok(self.server.clone()) };
        let mut tx = own.db.begin_service().await?;
        let providers = self.load(&mut tx, org).await?;
        tx.commit().await?;
        Ok(providers)
    }

    /// The providers `org` calls through, its keys read in the caller's transaction (whose
    /// policies must let it see them): for a request that holds one, so that it never waits
    /// for a second connection.
    pub async fn for_org_in(
        &self,
        tx: &mut UserTx,
        org: OrgId,
    ) -> Result<Arc<Providers>, sqlx::Error> {
        match self.fresh(org) {
            Some(providers) => Ok(providers),
            None if self.own.is_none() => Ok(self.server.clone()),
            None => self.load(tx, org).await,
        }
    }

    /// `org`'s providers, if read recently enough.
    fn fresh(&self, org: OrgId) -> Option<Arc<Providers>> {
        let cached = self.own.as_ref()?.cached(org)?;
        (cached.read.elapsed() < REFRESH).then_some(cached.providers)
    }

    /// Reads `org`'s keys and makes its providers. A key that does not open is logged and
    /// skipped (the server's key, if any, is used).
    async fn load(
        &self,
        conn: &mut PgConnection,
        org: OrgId,
    ) -> Result<Arc<Providers>, sqlx::Error> {
        let Some(own) = &self.own else { return Ok(self.server.clone()) };
        #[derive(sqlx::FromRow)]
        struct Row {
            provider: String,
            base_url: Option<String>,
            #[sqlx(flatten)]
            sealed: Sealed,
        }
        let rows: Vec<Row> = sqlx::query_as(
            "select provider, base_url, kek_id, nonce, ciphertext
             from public.provider_key where org_id = $1",
        )
        .bind(org)
        .fetch_all(&mut *conn)
        .await?;
        let fingerprint: Vec<(String, Vec<u8>, Option<String>)> = rows
            .iter()
            .map(|row| (row.provider.clone(), row.sealed.nonce.clone(), row.base_url.clone()))
            .collect();
        if let Some(cached) = own.cached(org).filter(|cached| cached.keys == fingerprint) {
            own.remember(org, Cached { read: Instant::now(), ..cached.clone() });
            return Ok(cached.providers);
        }
        let keys: Vec<OwnEndpoint> = rows
            .into_iter()
            .filter_map(|row| {
                let provider = accepts_own_key(&row.provider)?;
                let key = own
                    .keyring
                    .open(org, provider, &row.sealed)
                    .map_err(|error| tracing::error!(org.id = %org, provider, %error, "an own provider key does not open; using the server's"))
                    .ok()?;
                let base = row.base_url.as_deref().and_then(|url| Url::parse(url).ok());
                Some(OwnEndpoint { provider, key, base })
            })
            .collect();
        let providers = if keys.is_empty() {
            self.server.clone()
        } else {
            Arc::new(self.server.with_own_keys(org, keys, &own.http, &own.used))
        };
        let cached =
            Cached { read: Instant::now(), keys: fingerprint, providers: providers.clone() };
        own.remember(org, cached);
        Ok(providers)
    }

    /// Forgets what this process knows of `org`'s keys (they changed here).
    pub fn forget(&self, org: OrgId) {
        if let Some(own) = &self.own {
            own.orgs.lock().unwrap_or_else(PoisonError::into_inner).remove(&org);
        }
    }
}

impl OwnKeys {
    fn cached(&self, org: OrgId) -> Option<Cached> {
        self.orgs.lock().unwrap_or_else(PoisonError::into_inner).get(&org).cloned()
    }

    fn remember(&self, org: OrgId, cached: Cached) {
        let mut orgs = self.orgs.lock().unwrap_or_else(PoisonError::into_inner);
        // Bounded: a long-lived worker sees many organizations; rereading one is cheap.
        if orgs.len() >= 1024 && !orgs.contains_key(&org) {
            orgs.clear();
        }
        orgs.insert(org, cached);
    }
}

impl OwnKeys {
    /// Writes down which own keys were used since the last time.
    async fn flush_usage(&self) -> Result<(), sqlx::Error> {
        let used = self.used.take();
        if used.is_empty() {
            return Ok(());
        }
        let (orgs, providers): (Vec<OrgId>, Vec<&str>) = used.into_iter().unzip();
        let mut tx = self.db.begin_service().await?;
        sqlx::query(
            "update public.provider_key k set last_used_at = now()
             from unnest($1::uuid[], $2::text[]) as u(org_id, provider)
             where k.org_id = u.org_id and k.provider = u.provider",
        )
        .bind(&orgs)
        .bind(&providers)
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    }
}

impl Registry {
    /// Writes down at once which own keys were used (the background does it every few
    /// seconds).
    pub async fn flush_usage(&self) -> Result<(), sqlx::Error> {
        match &self.own {
            Some(own) => own.flush_usage().await,
            None => Ok(()),
        }
    }
}

/// Writes down, every few seconds, which own keys were used; ends with the registry.
async fn flush_usage(own: std::sync::Weak<OwnKeys>) {
    loop {
        tokio::time::sleep(USAGE_FLUSH).await;
        let Some(own) = own.upgrade() else { return };
        if let Err(error) = own.flush_usage().await {
            tracing::warn!(error = %platform::db::describe(&error), "could not note the use of provider keys");
        }
    }
}
