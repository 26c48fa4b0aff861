//! The settings of every `promptrefine` process, read once from the environment (documented in
//! `.env.example`); a missing or invalid one stops the process with its name.
//!
//! [`Settings`] is what `serve` and `worker` read. `dev` reads the same [`AppSettings`] with the
//! same code, and only brings its own database, storage and signing secret: a limit that works in
//! production can be tried locally.

use std::{
    net::{IpAddr, Ipv4Addr, SocketAddr},
    path::PathBuf,
    sync::Arc,
    time::Duration,
};

use axum::http::HeaderValue;
use platform::{
    auth::VerifierConfig,
    db::{DbConfig, TxLimits},
    env::{Env, EnvError},
    storage::{DATASETS_BUCKET, LocalStorage, Storage, SupabaseStorage},
};
use providers::{ProvidersConfig, keyring::Keyring, own_keys::OwnKeysConfig};
use runs::worker::WorkerConfig;
use secrecy::SecretString;
use url::Url;

use crate::telemetry::LogFormat;

/// Everything a process of the API needs to start.
#[derive(Debug)]
pub struct Settings {
    /// `DATABASE_URL`: the gateway's own login role (it owns nothing).
    pub database_url: SecretString,
    pub verifier: VerifierConfig,
    pub storage: StorageSettings,
    pub app: AppSettings,
}

/// What every process reads the same way, whoever provides its database and storage.
#[derive(Debug, Clone, PartialEq)]
pub struct AppSettings {
    pub bind_addr: SocketAddr,
    pub cors: CorsOrigins,
    pub log_format: LogFormat,
    pub pool: PoolSettings,
    pub dataset_limits: datasets::Limits,
    pub run_limits: runs::Limits,
    pub org_limits: orgs::Limits,
    /// How long deployments' calls are kept (`CALL_LOG_RETENTION_DAYS`).
    pub call_log_retention: Duration,
    /// Calls one API key may make per minute (`API_KEY_REQUESTS_PER_MINUTE`).
    pub api_key_requests_per_minute: u32,
    pub providers: ProvidersConfig,
    /// Organizations' own provider keys (`PROVIDER_KEYS_KEK`, `PROVIDER_KEYS_PREVIOUS_KEKS`,
    /// `PROVIDER_KEYS_ALLOW_PRIVATE_NETWORKS`).
    pub own_keys: OwnKeysConfig,
    pub worker: WorkerConfig,
    /// How webhooks are sent (`WEBHOOK_ALLOW_PRIVATE_NETWORKS`, `WEBHOOK_RETRY_SCHEDULE_SECONDS`).
    pub webhooks: webhooks::SenderConfig,
    /// Long-lived responses (run event streams, exports) one tenant may have open at once in
    /// this process.
    pub max_streams_per_tenant: usize,
}

/// The connection pool and the bounds of each request's transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolSettings {
    pub max_connections: u32,
    pub request: TxLimits,
}

/// Which browser origins may call the API (the Next.js app).
#[derive(Debug, Clone, Default, PartialEq)]
pub enum CorsOrigins {
    /// No cross-origin access (same-origin deployments, servers, tests).
    #[default]
    None,
    Any,
    List(Vec<HeaderValue>),
}

/// The defaults that differ between a deployment and a developer's machine. Whatever is set in
/// the environment wins either way.
#[derive(Debug, Clone)]
pub struct Defaults {
    pub bind_addr: SocketAddr,
    pub cors: CorsOrigins,
    pub log_format: LogFormat,
    /// Whether webhooks, and calls with an organization's own provider `base_url`, may go to
    /// this machine and private networks.
    pub private_networks: bool,
}

impl Defaults {
    /// `serve` and `worker`: every interface, no cross-origin access, JSON logs.
    pub const DEPLOYED: Self = Self {
        bind_addr: SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), 8080),
        cors: CorsOrigins::None,
        log_format: LogFormat::Json,
        private_networks: false,
    };
    /// `dev`: this machine only, any origin (a frontend on another port), readable logs,
    /// webhooks to a receiver on this machine (and provider proxies there).
    pub const DEV: Self = Self {
        bind_addr: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 8080),
        cors: CorsOrigins::Any,
        log_format: LogFormat::Pretty,
        private_networks: true,
    };
}

/// Where original dataset files are kept.
#[derive(Debug)]
pub enum StorageSettings {
    /// Supabase Storage of the project (its Storage API URL), acting with each user's token.
    Supabase { url: Url, anon_key: SecretString },
    /// A folder on this machine (one server only; for `dev` and simple deployments).
    Local { dir: PathBuf },
}

impl StorageSettings {
    pub fn build(&self, http: reqwest::Client) -> Arc<dyn Storage> {
        match self {
            Self::Supabase { url, anon_key } => {
                Arc::new(SupabaseStorage::new(url, DATASETS_BUCKET, anon_key.clone(), http))
            }
            Self::Local { dir } => Arc::new(LocalStorage::new(dir.join(DATASETS_BUCKET))),
        }
    }
}

impl Settings {
    /// `serve` and `worker`: everything from the environment.
    pub fn from_env(env: &Env) -> Result<Self, EnvError> {
        let database_url = env
            .secret("DATABASE_URL")
            .ok_or_else(|| EnvError::Missing { name: "DATABASE_URL".into() })?;
        let supabase_url = env.parse::<Url>("SUPABASE_URL")?;
        Ok(Self {
            database_url,
            verifier: verifier_config(env, supabase_url.as_ref())?,
            storage: storage_settings(env, supabase_url)?,
            app: AppSettings::from_env(env, &Defaults::DEPLOYED)?,
        })
    }

    /// How to connect to the database.
    pub fn db_config(&self) -> DbConfig {
        DbConfig {
            max_connections: self.app.pool.max_connections,
            request: self.app.pool.request,
            ..DbConfig::new(self.database_url.clone())
        }
    }
}

impl AppSettings {
    pub fn from_env(env: &Env, defaults: &Defaults) -> Result<Self, EnvError> {
        let run_limits = run_limits(env)?;
        let default_worker = WorkerConfig::default();
        let worker = WorkerConfig {
            concurrency: env.parse_or("WORKER_CONCURRENCY", default_worker.concurrency)?,
            lease: Duration::from_secs(
                env.parse_or("WORKER_LEASE_SECONDS", default_worker.lease.as_secs())?.max(3),
            ),
            limits: run_limits,
            ..default_worker
        };
        let mut providers = ProvidersConfig::from_env(env)?;
        // Room for an answer of MAX_OUTPUT_BYTES in the provider's JSON, escapes and all.
        providers.max_answer_bytes = run_limits.max_output_bytes.saturating_mul(4).max(1 << 20);
        let cors = cors_origins(env)?.unwrap_or_else(|| defaults.cors.clone());
        Ok(Self {
            bind_addr: env.parse_or("BIND_ADDR", defaults.bind_addr)?,
            cors,
            log_format: env.parse_or("LOG_FORMAT", defaults.log_format)?,
            pool: pool_settings(env)?,
            dataset_limits: dataset_limits(env)?,
            run_limits,
            org_limits: orgs::Limits {
                max_teams_per_user: positive(
                    env,
                    "MAX_TEAMS_PER_USER",
                    orgs::Limits::default().max_teams_per_user,
                )?,
            },
            call_log_retention: Duration::from_secs(
                86_400 * positive(env, "CALL_LOG_RETENTION_DAYS", 30_u64)?,
            ),
            api_key_requests_per_minute: positive(env, "API_KEY_REQUESTS_PER_MINUTE", 600)?,
            providers,
            own_keys: OwnKeysConfig {
                keyring: Keyring::from_env(env)?.map(Arc::new),
                allow_private_networks: env
                    .parse_or("PROVIDER_KEYS_ALLOW_PRIVATE_NETWORKS", defaults.private_networks)?,
            },
            worker,
            webhooks: webhook_settings(env, defaults)?,
            max_streams_per_tenant: positive(env, "MAX_STREAMS_PER_TENANT", 16)?,
        })
    }
}

fn webhook_settings(env: &Env, defaults: &Defaults) -> Result<webhooks::SenderConfig, EnvError> {
    let default = webhooks::SenderConfig::default();
    let name = "WEBHOOK_RETRY_SCHEDULE_SECONDS";
    let retry_schedule = match env.get(name) {
        None => default.retry_schedule,
        Some(text) => text
            .split(',')
            .map(|seconds| match seconds.trim().parse::<f64>() {
                Ok(s) if s.is_finite() && s >= 0.0 => Ok(Duration::from_secs_f64(s)),
                _ => Err(EnvError::invalid(name, "a comma-separated list of seconds")),
            })
            .collect::<Result<_, _>>()?,
    };
    Ok(webhooks::SenderConfig {
        allow_private_networks: env
            .parse_or("WEBHOOK_ALLOW_PRIVATE_NETWORKS", defaults.private_networks)?,
        retry_schedule,
        timeout: Duration::from_secs(positive(
            env,
            "WEBHOOK_TIMEOUT_SECONDS",
            default.timeout.as_secs(),
        )?),
        ..default
    })
}

fn pool_settings(env: &Env) -> Result<PoolSettings, EnvError> {
    let defaults = DbConfig::new(SecretString::from(""));
    let millis = |name: &str, default: Duration| -> Result<Duration, EnvError> {
        let default = u64::try_from(default.as_millis()).unwrap_or(u64::MAX);
        Ok(Duration::from_millis(positive(env, name, default)?))
    };
    Ok(PoolSettings {
        max_connections: positive(env, "DB_MAX_CONNECTIONS", defaults.max_connections)?,
        request: TxLimits {
            statement_timeout: millis(
                "DB_STATEMENT_TIMEOUT_MS",
                defaults.request.statement_timeout,
            )?,
            idle_timeout: millis(
                "DB_IDLE_IN_TRANSACTION_TIMEOUT_MS",
                defaults.request.idle_timeout,
            )?,
        },
    })
}

fn run_limits(env: &Env) -> Result<runs::Limits, EnvError> {
    let default = runs::Limits::default();
    Ok(runs::Limits {
        max_cells: env.parse_or("MAX_RUN_CELLS", default.max_cells)?,
        max_rendered_prompt_bytes: positive(
            env,
            "MAX_RENDERED_PROMPT_BYTES",
            default.max_rendered_prompt_bytes,
        )?,
        max_output_bytes: positive(env, "MAX_OUTPUT_BYTES", default.max_output_bytes)?,
        max_queued_cells_per_tenant: env
            .parse_or("MAX_QUEUED_CELLS_PER_TENANT", default.max_queued_cells_per_tenant)?,
        max_runs_per_minute: positive(env, "MAX_RUNS_PER_MINUTE", default.max_runs_per_minute)?,
    })
}

fn dataset_limits(env: &Env) -> Result<datasets::Limits, EnvError> {
    let default = datasets::Limits::default();
    Ok(datasets::Limits {
        max_upload_bytes: env.parse_or("MAX_UPLOAD_BYTES", default.max_upload_bytes)?,
        max_rows: env.parse_or("MAX_DATASET_ROWS", default.max_rows)?,
        max_columns: env.parse_or("MAX_DATASET_COLUMNS", default.max_columns)?,
        max_cell_bytes: env.parse_or("MAX_CELL_BYTES", default.max_cell_bytes)?,
    })
}

/// A number setting that must be at least 1.
fn positive<T>(env: &Env, name: &str, default: T) -> Result<T, EnvError>
where
    T: std::str::FromStr + PartialOrd + From<u8>,
    T::Err: std::fmt::Display,
{
    let value = env.parse_or(name, default)?;
    if value < T::from(1) {
        return Err(EnvError::invalid(name, "must be at least 1"));
    }
    Ok(value)
}

/// `STORAGE_BACKEND`: `supabase` (the default when SUPABASE_URL is set; needs SUPABASE_ANON_KEY;
/// the Storage API at `SUPABASE_STORAGE_URL`, default `<SUPABASE_URL>/storage/v1`) or `local`
/// (files under `STORAGE_LOCAL_DIR`, default `./storage`).
fn storage_settings(env: &Env, supabase_url: Option<Url>) -> Result<StorageSettings, EnvError> {
    let default = if supabase_url.is_some() { "supabase" } else { "local" };
    match env.get("STORAGE_BACKEND").as_deref().unwrap_or(default) {
        "supabase" => Ok(StorageSettings::Supabase {
            url: match env.parse::<Url>("SUPABASE_STORAGE_URL")? {
                Some(url) => url,
                None => {
                    let project = supabase_url.ok_or_else(|| EnvError::Missing {
                        name: "SUPABASE_URL (STORAGE_BACKEND=supabase needs it)".into(),
                    })?;
                    let url = format!("{}/storage/v1", project.as_str().trim_end_matches('/'));
                    url.parse().map_err(|e| EnvError::invalid("SUPABASE_URL", e))?
                }
            },
            anon_key: env.secret("SUPABASE_ANON_KEY").ok_or_else(|| EnvError::Missing {
                name: "SUPABASE_ANON_KEY (Supabase Storage needs it as `apikey`)".into(),
            })?,
        }),
        "local" => Ok(StorageSettings::Local {
            dir: env.get("STORAGE_LOCAL_DIR").unwrap_or_else(|| "storage".into()).into(),
        }),
        other => Err(EnvError::invalid(
            "STORAGE_BACKEND",
            format!("expected `supabase` or `local`, not `{other}`"),
        )),
    }
}

/// HS256 with `SUPABASE_JWT_SECRET`, and/or the project's JWKS when `SUPABASE_URL` is set.
/// The issuer defaults to `<SUPABASE_URL>/auth/v1`; `SUPABASE_JWT_ISSUER=*` turns the check off
/// (self-hosted Auth sets no `iss` unless `GOTRUE_JWT_ISSUER` is set).
fn verifier_config(env: &Env, supabase_url: Option<&Url>) -> Result<VerifierConfig, EnvError> {
    let hs256_secret = env.get("SUPABASE_JWT_SECRET");
    if hs256_secret.as_ref().is_some_and(|s| s.len() < 32) {
        return Err(EnvError::invalid("SUPABASE_JWT_SECRET", "must be at least 32 characters"));
    }
    if hs256_secret.is_none() && supabase_url.is_none() {
        return Err(EnvError::Missing {
            name: "SUPABASE_JWT_SECRET (or SUPABASE_URL, to verify tokens with the project's JWKS)"
                .into(),
        });
    }
    let auth_url = |path: &str| {
        supabase_url.map(|url| format!("{}/auth/v1{path}", url.as_str().trim_end_matches('/')))
    };
    let issuer = match env.get("SUPABASE_JWT_ISSUER").as_deref() {
        Some("*") => None,
        Some(issuer) => Some(issuer.to_owned()),
        None => auth_url(""),
    };
    let jwks_url = auth_url("/.well-known/jwks.json")
        .map(|url| url.parse().map_err(|e| EnvError::invalid("SUPABASE_URL", e)))
        .transpose()?;
    Ok(VerifierConfig { hs256_secret: hs256_secret.map(Into::into), jwks_url, issuer })
}

/// `CORS_ALLOWED_ORIGINS`, when set.
fn cors_origins(env: &Env) -> Result<Option<CorsOrigins>, EnvError> {
    const NAME: &str = "CORS_ALLOWED_ORIGINS";
    let origins = env.list(NAME);
    if origins.iter().any(|o| o == "*") {
        return Ok(Some(CorsOrigins::Any));
    }
    if origins.is_empty() {
        return Ok(None);
    }
    origins
        .iter()
        .map(|origin| {
            let url = Url::parse(origin)
                .map_err(|e| EnvError::invalid(NAME, format!("{origin}: {e}")))?;
            if !matches!(url.scheme(), "http" | "https")
                || url.path() != "/"
                || url.query().is_some()
            {
                return Err(EnvError::invalid(
                    NAME,
                    format!("{origin} is not an origin like https://app.example.com"),
                ));
            }
            let origin = url.origin().ascii_serialization();
            HeaderValue::from_str(&origin).map_err(|e| EnvError::invalid(NAME, e))
        })
        .collect::<Result<_, _>>()
        .map(|list| Some(CorsOrigins::List(list)))
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use super::*;

    const SECRET: &str = "a-project-secret-of-at-least-32-chars";

    #[test]
    fn hosted_defaults_derive_issuer_and_jwks_from_the_project_url() {
        let env = Env::from_pairs([
            ("DATABASE_URL", "postgres://promptrefine_gateway@db/postgres"),
            ("SUPABASE_URL", "https://abc.supabase.co/"),
            ("SUPABASE_ANON_KEY", "anon"),
            ("CORS_ALLOWED_ORIGINS", "https://app.example.com, http://localhost:3000"),
            ("MAX_UPLOAD_BYTES", "1000"),
        ]);
        let settings = Settings::from_env(&env).unwrap();
        assert_eq!(settings.verifier.issuer.as_deref(), Some("https://abc.supabase.co/auth/v1"));
        assert_eq!(
            settings.verifier.jwks_url.unwrap().as_str(),
            "https://abc.supabase.co/auth/v1/.well-known/jwks.json"
        );
        assert!(settings.verifier.hs256_secret.is_none());
        assert_eq!(settings.app.bind_addr.port(), 8080);
        match &settings.storage {
            StorageSettings::Supabase { url, .. } => {
                assert_eq!(url.as_str(), "https://abc.supabase.co/storage/v1");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(settings.app.dataset_limits.max_upload_bytes, 1000);
        match settings.app.cors {
            CorsOrigins::List(list) => {
                assert_eq!(list, ["https://app.example.com", "http://localhost:3000"]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_secret_alone_is_enough_and_the_issuer_check_can_be_turned_off() {
        let env = Env::from_pairs([
            ("DATABASE_URL", "postgres://x@db/postgres"),
            ("SUPABASE_JWT_SECRET", SECRET),
            ("SUPABASE_JWT_ISSUER", "*"),
            ("BIND_ADDR", "127.0.0.1:9000"),
        ]);
        let settings = Settings::from_env(&env).unwrap();
        assert_eq!(settings.verifier.hs256_secret.unwrap().expose_secret(), SECRET);
        assert_eq!(settings.verifier.issuer, None);
        assert_eq!(settings.app.bind_addr.to_string(), "127.0.0.1:9000");
        assert!(
            matches!(settings.storage, StorageSettings::Local { ref dir } if dir.as_os_str() == "storage")
        );
    }

    #[test]
    fn dev_reads_every_setting_serve_reads_and_differs_only_in_unset_defaults() {
        // Every setting of `AppSettings`, set to something other than its default.
        let pairs = [
            ("BIND_ADDR", "127.0.0.1:9999"),
            ("CORS_ALLOWED_ORIGINS", "https://app.example.com"),
            ("LOG_FORMAT", "json"),
            ("DB_MAX_CONNECTIONS", "7"),
            ("DB_STATEMENT_TIMEOUT_MS", "1234"),
            ("DB_IDLE_IN_TRANSACTION_TIMEOUT_MS", "2345"),
            ("MAX_UPLOAD_BYTES", "8388608"),
            ("MAX_DATASET_ROWS", "10"),
            ("MAX_DATASET_COLUMNS", "11"),
            ("MAX_CELL_BYTES", "12"),
            ("MAX_RUN_CELLS", "13"),
            ("MAX_RENDERED_PROMPT_BYTES", "14"),
            ("MAX_OUTPUT_BYTES", "15"),
            ("MAX_QUEUED_CELLS_PER_TENANT", "16"),
            ("MAX_RUNS_PER_MINUTE", "17"),
            ("MAX_STREAMS_PER_TENANT", "18"),
            ("MAX_TEAMS_PER_USER", "27"),
            ("CALL_LOG_RETENTION_DAYS", "28"),
            ("API_KEY_REQUESTS_PER_MINUTE", "29"),
            ("WORKER_CONCURRENCY", "19"),
            ("WORKER_LEASE_SECONDS", "20"),
            ("LLM_TIMEOUT_SECONDS", "21"),
            ("LLM_MAX_CONCURRENCY", "22"),
            ("LLM_MAX_ATTEMPTS", "23"),
            ("LLM_RETRY_BASE_MS", "24"),
            ("MOCK_LATENCY_MS", "25"),
            ("MODEL_CATALOG_PATH", "/etc/models.json"),
            ("OPENAI_API_KEY", "sk-1"),
            ("OPENAI_MAX_CONCURRENCY", "26"),
            ("CUSTOM_BASE_URL", "http://127.0.0.1:1/v1"),
            ("WEBHOOK_ALLOW_PRIVATE_NETWORKS", "true"),
            ("WEBHOOK_RETRY_SCHEDULE_SECONDS", "1, 2.5"),
            ("WEBHOOK_TIMEOUT_SECONDS", "3"),
            ("PROVIDER_KEYS_KEK", "KioqKioqKioqKioqKioqKioqKioqKioqKioqKioqKio="),
            ("PROVIDER_KEYS_PREVIOUS_KEKS", "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc="),
            ("PROVIDER_KEYS_ALLOW_PRIVATE_NETWORKS", "true"),
        ];
        let env = Env::from_pairs(pairs);
        let deployed = AppSettings::from_env(&env, &Defaults::DEPLOYED).unwrap();
        let dev = AppSettings::from_env(&env, &Defaults::DEV).unwrap();
        assert_eq!(dev, deployed);
        assert_eq!(dev.dataset_limits.max_upload_bytes, 8_388_608);
        assert_eq!(dev.providers.endpoints.len(), 2);
        assert_eq!(
            dev.own_keys.keyring.as_deref(),
            Some(&providers::keyring::Keyring::new(&[42; 32], &[[7; 32]]))
        );
        assert_eq!(
            dev.webhooks.retry_schedule,
            [Duration::from_secs(1), Duration::from_millis(2500)]
        );

        let unset = Env::from_pairs([]);
        let dev = AppSettings::from_env(&unset, &Defaults::DEV).unwrap();
        let deployed = AppSettings::from_env(&unset, &Defaults::DEPLOYED).unwrap();
        assert_eq!(
            AppSettings {
                bind_addr: deployed.bind_addr,
                cors: CorsOrigins::None,
                log_format: LogFormat::Json,
                webhooks: webhooks::SenderConfig {
                    allow_private_networks: false,
                    ..dev.webhooks.clone()
                },
                own_keys: OwnKeysConfig { allow_private_networks: false, ..dev.own_keys.clone() },
                ..dev
            },
            deployed
        );
    }

    #[test]
    fn bad_settings_fail_naming_the_variable() {
        let cases = [
            (vec![], "DATABASE_URL"),
            (vec![("DATABASE_URL", "postgres://x@db/p")], "SUPABASE_JWT_SECRET"),
            (
                vec![("DATABASE_URL", "postgres://x@db/p"), ("SUPABASE_JWT_SECRET", "short")],
                "SUPABASE_JWT_SECRET",
            ),
            (
                vec![("DATABASE_URL", "postgres://x@db/p"), ("SUPABASE_URL", "not a url")],
                "SUPABASE_URL",
            ),
            (
                vec![
                    ("DATABASE_URL", "postgres://x@db/p"),
                    ("SUPABASE_JWT_SECRET", SECRET),
                    ("BIND_ADDR", "8080"),
                ],
                "BIND_ADDR",
            ),
            (
                vec![
                    ("DATABASE_URL", "postgres://x@db/p"),
                    ("SUPABASE_JWT_SECRET", SECRET),
                    ("LOG_FORMAT", "xml"),
                ],
                "LOG_FORMAT",
            ),
            (
                vec![
                    ("DATABASE_URL", "postgres://x@db/p"),
                    ("SUPABASE_JWT_SECRET", SECRET),
                    ("CORS_ALLOWED_ORIGINS", "https://a.com/path"),
                ],
                "CORS_ALLOWED_ORIGINS",
            ),
            (
                vec![
                    ("DATABASE_URL", "postgres://x@db/p"),
                    ("SUPABASE_JWT_SECRET", SECRET),
                    ("MAX_RUNS_PER_MINUTE", "0"),
                ],
                "MAX_RUNS_PER_MINUTE",
            ),
        ];
        for (pairs, variable) in cases {
            let err = Settings::from_env(&Env::from_pairs(pairs.clone())).unwrap_err().to_string();
            assert!(err.starts_with(variable), "{pairs:?}: {err}");
        }
    }
}
