//! The providers this process can call, configured from the environment: each preset reads
//! `<PROVIDER>_API_KEY` and an optional `<PROVIDER>_BASE_URL` (plus `<PROVIDER>_MAX_CONCURRENCY`).

use std::{collections::BTreeMap, path::PathBuf, sync::Arc, time::Duration};

use platform::{
    OrgId,
    env::{Env, EnvError},
};
use secrecy::SecretString;
use tokio::sync::Semaphore;
use url::Url;

use crate::{
    Anthropic, Catalog, CatalogError, ChatProvider, ChatRequest, ChatResponse, Deltas, Mock,
    ModelEntry, OpenAiCompatible, ProviderError, RetryPolicy, Transport, own_keys::UsedKeys,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wire {
    OpenAi,
    Anthropic,
}

/// A provider we know how to call.
struct Preset {
    name: &'static str,
    /// The prefix of its settings: `<ENV>_API_KEY`, `<ENV>_BASE_URL`.
    env: &'static str,
    default_base: Option<&'static str>,
    wire: Wire,
    /// Hosted APIs need a key; self-hosted servers need a base URL instead.
    needs_key: bool,
    /// Self-hosted servers run whatever models they have: any model name is accepted, at no cost.
    any_model: bool,
}

const PRESETS: &[Preset] = &[
    Preset {
        name: "openai",
        env: "OPENAI",
        default_base: Some("https://api.openai.com/v1"),
        wire: Wire::OpenAi,
        needs_key: true,
        any_model: false,
    },
    Preset {
        name: "anthropic",
        env: "ANTHROPIC",
        default_base: Some("https://api.anthropic.com/v1"),
        wire: Wire::Anthropic,
        needs_key: true,
        any_model: false,
    },
    Preset {
        name: "groq",
        env: "GROQ",
        default_base: Some("https://api.groq.com/openai/v1"),
        wire: Wire::OpenAi,
        needs_key: true,
        any_model: false,
    },
    Preset {
        name: "cerebras",
        env: "CEREBRAS",
        default_base: Some("https://api.cerebras.ai/v1"),
        wire: Wire::OpenAi,
        needs_key: true,
        any_model: false,
    },
    Preset {
        name: "openrouter",
        env: "OPENROUTER",
        default_base: Some("https://openrouter.ai/api/v1"),
        wire: Wire::OpenAi,
        needs_key: true,
        any_model: false,
    },
    Preset {
        name: "together",
        env: "TOGETHER",
        default_base: Some("https://api.together.xyz/v1"),
        wire: Wire::OpenAi,
        needs_key: true,
        any_model: false,
    },
    Preset {
        name: "ollama",
        env: "OLLAMA",
        default_base: None,
        wire: Wire::OpenAi,
        needs_key: false,
        any_model: true,
    },
    Preset {
        name: "custom",
        env: "CUSTOM",
        default_base: None,
        wire: Wire::OpenAi,
        needs_key: false,
        any_model: true,
    },
];

fn preset(name: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.name == name)
}

/// The deterministic mock; always available.
pub const MOCK: &str = "mock";

/// The providers this process may call, and how; read from the environment once.
#[derive(Debug, Clone, PartialEq)]
pub struct ProvidersConfig {
    /// Per attempt, from sending to the whole answer.
    pub timeout: Duration,
    /// Requests in flight per provider, unless `<PROVIDER>_MAX_CONCURRENCY` says otherwise.
    pub max_concurrency: usize,
    pub retry: RetryPolicy,
    pub mock_latency: Duration,
    pub catalog_path: Option<PathBuf>,
    /// The largest answer body read from a provider; a longer one fails the call
    /// (`answer_too_large`) instead of filling memory.
    pub max_answer_bytes: usize,
    /// The presets that are configured (their key, or for self-hosted servers their URL, set).
    pub endpoints: Vec<Endpoint>,
}

/// A configured provider: where it answers and with which key.
#[derive(Debug, Clone)]
pub struct Endpoint {
    pub provider: &'static str,
    pub base: Url,
    pub key: Option<SecretString>,
    pub max_concurrency: usize,
}

// Secrets have no `PartialEq` (so that they are not compared by accident); settings are
// compared in tests of which settings a command honours.
impl PartialEq for Endpoint {
    fn eq(&self, other: &Self) -> bool {
        use secrecy::ExposeSecret;
        let key = |e: &Self| e.key.as_ref().map(|k| k.expose_secret().to_owned());
        (self.provider, &self.base, self.max_concurrency)
            == (other.provider, &other.base, other.max_concurrency)
            && key(self) == key(other)
    }
}

impl Default for ProvidersConfig {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(120),
            // As many as a worker's default `WORKER_CONCURRENCY`: below it, the cells a worker
            // holds wait here in the order claimed, and a small run of another tenant waits
            // behind a big run's (bench/fairness.py: 4.9x the idle time at 64, 1.6x at 256).
            max_concurrency: 256,
            retry: RetryPolicy::default(),
            mock_latency: Duration::ZERO,
            catalog_path: None,
            max_answer_bytes: 4 << 20,
            endpoints: Vec::new(),
        }
    }
}

impl ProvidersConfig {
    pub fn from_env(env: &Env) -> Result<Self, EnvError> {
        let default = Self::default();
        let retry = RetryPolicy {
            max_attempts: env.parse_or("LLM_MAX_ATTEMPTS", default.retry.max_attempts)?.max(1),
            base_delay: Duration::from_millis(env.parse_or("LLM_RETRY_BASE_MS", 500)?),
            ..default.retry
        };
        let max_concurrency = env.parse_or("LLM_MAX_CONCURRENCY", default.max_concurrency)?.max(1);
        Ok(Self {
            timeout: Duration::from_secs(env.parse_or("LLM_TIMEOUT_SECONDS", 120)?),
            max_concurrency,
            retry,
            mock_latency: Duration::from_millis(env.parse_or("MOCK_LATENCY_MS", 0)?),
            catalog_path: env.get("MODEL_CATALOG_PATH").map(PathBuf::from),
            endpoints: endpoints(env, max_concurrency)?,
            ..default
        })
    }
}

/// Each preset reads `<ENV>_API_KEY`, `<ENV>_BASE_URL` and `<ENV>_MAX_CONCURRENCY`: hosted APIs
/// are configured by their key, self-hosted servers by their URL.
fn endpoints(env: &Env, max_concurrency: usize) -> Result<Vec<Endpoint>, EnvError> {
    let mut endpoints = Vec::new();
    for preset in PRESETS {
        let key: Option<SecretString> = env.secret(&format!("{}_API_KEY", preset.env));
        let base_setting = format!("{}_BASE_URL", preset.env);
        let base: Option<Url> = match env.parse::<Url>(&base_setting)? {
            Some(url) => Some(url),
            None => preset.default_base.map(|b| b.parse().expect("preset URLs are valid")),
        };
        let (Some(base), true) = (base, key.is_some() || !preset.needs_key) else { continue };
        if !preset.needs_key && env.get(&base_setting).is_none() {
            continue; // self-hosted servers are opted into by their URL
        }
        let max_concurrency =
            env.parse_or(&format!("{}_MAX_CONCURRENCY", preset.env), max_concurrency)?.max(1);
        endpoints.push(Endpoint { provider: preset.name, base, key, max_concurrency });
    }
    Ok(endpoints)
}

/// Why a (provider, model) pair cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelProblem {
    #[error("there is no provider `{0}`")]
    UnknownProvider(String),
    #[error("provider `{provider}` has no model `{model}` in the catalog")]
    UnknownModel { provider: String, model: String },
    #[error("provider `{provider}` is not configured on this server (set {setting})")]
    NotConfigured { provider: String, setting: String },
}

/// A configured provider: the client, a bound on requests in flight, and the retry policy.
#[derive(Debug, Clone)]
pub struct Provider {
    name: &'static str,
    client: Arc<dyn ChatProvider>,
    permits: Arc<Semaphore>,
    retry: RetryPolicy,
    /// For an organization's own key: where its use is noted (see `own_keys`).
    usage: Option<(OrgId, UsedKeys)>,
}

/// A result and the number of attempts it took.
#[derive(Debug)]
pub struct Attempted<T> {
    pub attempts: u32,
    pub result: T,
}

impl Provider {
    pub fn new(
        name: &'static str,
        client: Arc<dyn ChatProvider>,
        max_concurrency: usize,
        retry: RetryPolicy,
    ) -> Self {
        Self {
            name,
            client,
            permits: Arc::new(Semaphore::new(max_concurrency)),
            retry,
            usage: None,
        }
    }

    /// Calls the model, retrying what is worth retrying. A permit is held only during an
    /// attempt, never while waiting to retry.
    pub async fn call(
        &self,
        request: &ChatRequest,
    ) -> Attempted<Result<ChatResponse, ProviderError>> {
        self.with_retries(request, None).await
    }

    /// Calls the model, its answer's text sent to `deltas` as it comes. Retried like
    /// [`Provider::call`] until text was sent: then a failure is final.
    pub async fn stream(
        &self,
        request: &ChatRequest,
        deltas: &mut Deltas,
    ) -> Attempted<Result<ChatResponse, ProviderError>> {
        self.with_retries(request, Some(deltas)).await
    }

    /// Attempts the call (streamed to `deltas`, if given) until it succeeds or its failure is
    /// not worth retrying.
    async fn with_retries(
        &self,
        request: &ChatRequest,
        mut deltas: Option<&mut Deltas>,
    ) -> Attempted<Result<ChatResponse, ProviderError>> {
        let mut attempts = 0;
        loop {
            attempts += 1;
            if let Some((org, used)) = &self.usage {
                used.note(*org, self.name);
            }
            let (result, may_retry) = {
                let _permit = self.permits.acquire().await.expect("the semaphore is never closed");
                let started = std::time::Instant::now();
                let result = match deltas.as_deref_mut() {
                    Some(deltas) => self.client.stream(request, deltas).await,
                    None => self.client.complete(request).await,
                };
                let may_retry = !deltas.as_ref().is_some_and(|deltas| deltas.started());
                let outcome = result.as_ref().map_or_else(|e| e.kind.as_str(), |_| "ok");
                metrics::counter!("promptrefine_llm_requests_total", "provider" => self.name, "outcome" => outcome)
                    .increment(1);
                metrics::histogram!("promptrefine_llm_request_duration_seconds", "provider" => self.name)
                    .record(started.elapsed().as_secs_f64());
                (result, may_retry)
            };
            match result {
                Ok(response) => return Attempted { attempts, result: Ok(response) },
                Err(error) => {
                    match self.retry.delay_after(attempts, &error).filter(|_| may_retry) {
                        Some(delay) => {
                            tracing::debug!(%error, attempts, ?delay, "retrying model call");
                            tokio::time::sleep(delay).await;
                        }
                        None => return Attempted { attempts, result: Err(error) },
                    }
                }
            }
        }
    }
}

/// Every provider of this process (or of one organization: the server's, its own keys in
/// their place), and the model catalog.
#[derive(Debug, Clone)]
pub struct Providers {
    configured: BTreeMap<&'static str, Provider>,
    catalog: Arc<Catalog>,
    transport: Transport,
    max_concurrency: usize,
    retry: RetryPolicy,
}

/// The client of a preset's API at `base`.
fn client(
    preset: &Preset,
    base: Url,
    key: Option<SecretString>,
    transport: Transport,
) -> Arc<dyn ChatProvider> {
    match (preset.wire, key) {
        (Wire::OpenAi, key) => Arc::new(OpenAiCompatible::new(base, key, transport)),
        (Wire::Anthropic, Some(key)) => Arc::new(Anthropic::new(base, key, transport)),
        (Wire::Anthropic, None) => unreachable!("anthropic is configured by its key"),
    }
}

/// An organization's key for a hosted provider, and where to call it.
#[derive(Debug, Clone)]
pub(crate) struct OwnEndpoint {
    pub provider: &'static str,
    pub key: SecretString,
    pub base: Option<Url>,
}

/// The hosted providers an organization may bring its own key for.
pub(crate) fn accepts_own_key(provider: &str) -> Option<&'static str> {
    preset(provider).filter(|p| p.needs_key).map(|p| p.name)
}

impl Providers {
    /// The configured providers (and the mock, always), and the model catalog.
    pub fn new(config: &ProvidersConfig, http: &reqwest::Client) -> Result<Self, CatalogError> {
        let mut configured = BTreeMap::new();
        let mock = Provider::new(
            MOCK,
            Arc::new(Mock::new(config.mock_latency)),
            config.max_concurrency,
            config.retry,
        );
        configured.insert(MOCK, mock);
        let transport = Transport {
            http: http.clone(),
            timeout: config.timeout,
            max_answer_bytes: config.max_answer_bytes,
        };
        for endpoint in &config.endpoints {
            let preset = preset(endpoint.provider).expect("endpoints come from presets");
            let client =
                client(preset, endpoint.base.clone(), endpoint.key.clone(), transport.clone());
            let provider =
                Provider::new(preset.name, client, endpoint.max_concurrency, config.retry);
            configured.insert(preset.name, provider);
        }
        Ok(Self {
            configured,
            catalog: Arc::new(Catalog::load(config.catalog_path.as_deref())?),
            transport,
            max_concurrency: config.max_concurrency,
            retry: config.retry,
        })
    }

    /// These providers with `org`'s own keys in place of the server's, called through `http`
    /// (which refuses private addresses), each use noted in `used`.
    pub(crate) fn with_own_keys(
        &self,
        org: OrgId,
        keys: Vec<OwnEndpoint>,
        http: &reqwest::Client,
        used: &UsedKeys,
    ) -> Self {
        let mut providers = self.clone();
        let transport = Transport { http: http.clone(), ..self.transport.clone() };
        for own in keys {
            let preset = preset(own.provider).expect("own keys are for presets");
            let base = own.base.or_else(|| preset.default_base.map(|b| b.parse().expect("valid")));
            let Some(base) = base else { continue };
            let client = client(preset, base, Some(own.key), transport.clone());
            let mut provider = Provider::new(preset.name, client, self.max_concurrency, self.retry);
            provider.usage = Some((org, used.clone()));
            providers.configured.insert(preset.name, provider);
        }
        providers
    }

    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The provider to call for `name`, if it is configured.
    pub fn get(&self, name: &str) -> Option<&Provider> {
        self.configured.get(name)
    }

    pub fn is_configured(&self, name: &str) -> bool {
        self.configured.contains_key(name)
    }

    /// The catalog entry for `provider`/`model`, if this server can call it now.
    pub fn resolve(&self, provider: &str, model: &str) -> Result<ModelEntry, ModelProblem> {
        let preset = preset(provider);
        if preset.is_none() && provider != MOCK {
            return Err(ModelProblem::UnknownProvider(provider.to_owned()));
        }
        let entry = match (self.catalog.find(provider, model), preset) {
            (Some(entry), _) => entry.clone(),
            (None, Some(preset)) if preset.any_model => ModelEntry {
                provider: provider.to_owned(),
                model: model.to_owned(),
                label: model.to_owned(),
                input_per_mtok: 0.0,
                output_per_mtok: 0.0,
                prices_as_of: None,
            },
            (None, _) => {
                return Err(ModelProblem::UnknownModel {
                    provider: provider.to_owned(),
                    model: model.to_owned(),
                });
            }
        };
        if !self.is_configured(provider) {
            let preset = preset.expect("the mock is always configured");
            let setting = if preset.needs_key {
                format!("{}_API_KEY", preset.env)
            } else {
                format!("{}_BASE_URL", preset.env)
            };
            return Err(ModelProblem::NotConfigured { provider: provider.to_owned(), setting });
        }
        Ok(entry)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn providers(pairs: &[(&str, &str)]) -> Providers {
        let config = ProvidersConfig::from_env(&Env::from_pairs(pairs.iter().copied())).unwrap();
        Providers::new(&config, &reqwest::Client::new()).unwrap()
    }

    #[test]
    fn presets_are_configured_by_their_key_and_self_hosted_ones_by_their_url() {
        let none = providers(&[]);
        assert!(none.is_configured("mock"));
        assert!(!none.is_configured("openai") && !none.is_configured("ollama"));
        let some = providers(&[
            ("OPENAI_API_KEY", "sk-test"),
            ("OLLAMA_BASE_URL", "http://127.0.0.1:11434/v1"),
        ]);
        assert!(some.is_configured("openai") && some.is_configured("ollama"));
    }

    #[test]
    fn resolving_names_what_is_wrong() {
        let providers = providers(&[("CUSTOM_BASE_URL", "http://127.0.0.1:8000/v1")]);
        assert_eq!(providers.resolve("mock", "echo").unwrap().label, "Mock: echo");
        assert_eq!(
            providers.resolve("nope", "x"),
            Err(ModelProblem::UnknownProvider("nope".into()))
        );
        assert!(matches!(providers.resolve("mock", "gpt"), Err(ModelProblem::UnknownModel { .. })));
        assert_eq!(
            providers.resolve("openai", "gpt-4o-mini").unwrap_err().to_string(),
            "provider `openai` is not configured on this server (set OPENAI_API_KEY)"
        );
        let any = providers.resolve("custom", "qwen2.5:7b").unwrap();
        assert_eq!((any.input_per_mtok, any.output_per_mtok), (0.0, 0.0));
    }
}
