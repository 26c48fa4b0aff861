//! LLM providers behind one small trait: OpenAI-compatible chat completions (OpenAI, Groq,
//! Cerebras, OpenRouter, Together, and any compatible endpoint such as Ollama or vLLM), Anthropic
//! Messages, and a deterministic mock. Around them: bounded concurrency per provider, retries
//! with exponential backoff that honour `Retry-After`, and a model catalog with prices.

mod anthropic;
pub mod cache;
mod catalog;
pub mod keyring;
mod mock;
mod openai;
pub mod own_keys;
mod registry;
mod retry;
mod stream;

use std::{fmt, time::Duration};

pub use anthropic::Anthropic;
pub use catalog::{Catalog, CatalogError, ModelEntry, cost_usd};
pub use mock::Mock;
pub use openai::OpenAiCompatible;
pub use own_keys::Registry;
pub use registry::{Attempted, Endpoint, MOCK, ModelProblem, Provider, Providers, ProvidersConfig};
pub use retry::RetryPolicy;
use serde::{Deserialize, Serialize};
pub use stream::Deltas;

/// Generation parameters; omitted ones keep the provider's defaults.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ModelParams {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(example = 0.2))]
    pub temperature: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(example = 512))]
    pub max_tokens: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_p: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<i64>,
    /// Up to 4 stop sequences.
    #[serde(default, deserialize_with = "null_as_empty", skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<String>>))]
    pub stop: Vec<String>,
}

/// `null` reads as an empty list.
fn null_as_empty<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<String>, D::Error> {
    Ok(Option::<Vec<String>>::deserialize(deserializer)?.unwrap_or_default())
}

impl ModelParams {
    /// Upper bound of `max_tokens`.
    pub const MAX_TOKENS: u32 = 1_000_000;
    /// Most stop sequences.
    pub const MAX_STOP: usize = 4;

    /// What is out of range, if anything: the bounds the API validates requests against, checked
    /// again where a stored run is executed.
    pub fn problem(&self) -> Option<String> {
        let within = |value: Option<f64>, max: f64| value.is_none_or(|v| (0.0..=max).contains(&v));
        if !within(self.temperature, 2.0) {
            return Some("`temperature` must be between 0 and 2".into());
        }
        if !within(self.top_p, 1.0) {
            return Some("`top_p` must be between 0 and 1".into());
        }
        if self.max_tokens.is_some_and(|n| n == 0 || n > Self::MAX_TOKENS) {
            return Some(format!("`max_tokens` must be between 1 and {}", Self::MAX_TOKENS));
        }
        if self.stop.len() > Self::MAX_STOP {
            return Some(format!("at most {} stop sequences", Self::MAX_STOP));
        }
        None
    }
}

/// How the HTTP adapters talk to their APIs: the client, a timeout per attempt, and the largest
/// answer read.
#[derive(Debug, Clone)]
pub struct Transport {
    pub http: reqwest::Client,
    pub timeout: Duration,
    pub max_answer_bytes: usize,
}

/// One chat completion to make.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatRequest {
    pub model: String,
    pub system: Option<String>,
    pub user: String,
    pub params: ModelParams,
}

/// What the model answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatResponse {
    pub text: String,
    pub tokens_in: u32,
    pub tokens_out: u32,
    /// Time from sending the request to reading the whole answer.
    pub latency: Duration,
    pub finish_reason: Option<String>,
}

/// How a call failed; decides whether it is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// 429: retried after `Retry-After` (or a backoff).
    RateLimited,
    /// No answer in time: retried.
    Timeout,
    /// The key is missing, wrong or lacks access: not retried.
    Auth,
    /// The provider refused the request itself (unknown model, bad parameter): not retried.
    InvalidRequest,
    /// 5xx, overload, a broken connection or an unreadable answer: retried.
    ProviderError,
    /// The answer's body is larger than this server reads (`max_answer_bytes`): not retried.
    AnswerTooLarge,
}

impl ErrorKind {
    pub fn is_retryable(self) -> bool {
        matches!(self, Self::RateLimited | Self::Timeout | Self::ProviderError)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::RateLimited => "rate_limited",
            Self::Timeout => "timeout",
            Self::Auth => "auth",
            Self::InvalidRequest => "invalid_request",
            Self::ProviderError => "provider_error",
            Self::AnswerTooLarge => "answer_too_large",
        }
    }
}

/// A failed call. The message never contains the API key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ProviderError {
    pub kind: ErrorKind,
    pub message: String,
    /// What the provider asked us to wait before trying again.
    pub retry_after: Option<Duration>,
}

impl ProviderError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self { kind, message: message.into(), retry_after: None }
    }
}

impl fmt::Display for ProviderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.as_str(), self.message)
    }
}

/// One LLM API. Implementations make exactly one attempt; retries and concurrency limits are
/// added around them by [`Provider`].
#[async_trait::async_trait]
pub trait ChatProvider: Send + Sync + fmt::Debug {
    async fn complete(&self, request: &ChatRequest) -> Result<ChatResponse, ProviderError>;

    /// The answer, its text sent to `deltas` as the provider streams it. By default the whole
    /// answer at once, for APIs that do not stream.
    async fn stream(
        &self,
        request: &ChatRequest,
        deltas: &mut Deltas,
    ) -> Result<ChatResponse, ProviderError> {
        let response = self.complete(request).await?;
        deltas.send(&response.text);
        Ok(response)
    }
}

/// Classifies a transport error from reqwest (never including the URL, which may carry a key
/// for some endpoints).
fn transport_error(err: &reqwest::Error) -> ProviderError {
    let kind = if err.is_timeout() { ErrorKind::Timeout } else { ErrorKind::ProviderError };
    let mut message = err.to_string();
    if let Some(url) = err.url() {
        message = message.replace(url.as_str(), "<endpoint>");
    }
    ProviderError::new(kind, message)
}

/// The most of an error body read: enough for its message.
const ERROR_BODY_BYTES: usize = 64 * 1024;

/// Reads a whole body, refusing one longer than `max_bytes` (a provider, or whatever answers at a
/// custom base URL, could otherwise send gigabytes).
async fn read_body(
    mut response: reqwest::Response,
    max_bytes: usize,
) -> Result<Vec<u8>, ProviderError> {
    let too_large = || {
        ProviderError::new(
            ErrorKind::AnswerTooLarge,
            format!("the answer is larger than {max_bytes} bytes"),
        )
    };
    if response.content_length().is_some_and(|length| length > max_bytes as u64) {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| transport_error(&e))? {
        if body.len() + chunk.len() > max_bytes {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The text of an error answer (its start, if it is long; empty if it cannot be read).
async fn error_body(response: reqwest::Response) -> String {
    let body = read_body(response, ERROR_BODY_BYTES).await.unwrap_or_default();
    String::from_utf8_lossy(&body).into_owned()
}

/// Decodes a successful answer's JSON. The message says what is wrong with the JSON, never
/// where it came from (the endpoint's URL may carry a key).
fn decode_answer<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ProviderError> {
    serde_json::from_slice(body).map_err(|e| {
        ProviderError::new(ErrorKind::ProviderError, format!("unreadable answer: {e}"))
    })
}

/// Reads `Retry-After` (seconds) or `retry-after-ms`, as OpenAI and Anthropic send them.
fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(ms) = text("retry-after-ms").and_then(|v| v.trim().parse::<f64>().ok()) {
        return Some(Duration::from_secs_f64(ms.max(0.0) / 1000.0));
    }
    text("retry-after")
        .and_then(|v| v.trim().parse::<f64>().ok())
        .map(|s| Duration::from_secs_f64(s.max(0.0)))
}

/// The kind of an HTTP error status.
fn status_kind(status: reqwest::StatusCode) -> ErrorKind {
    match status.as_u16() {
        401 | 403 => ErrorKind::Auth,
        408 => ErrorKind::Timeout,
        429 => ErrorKind::RateLimited,
        400..=499 => ErrorKind::InvalidRequest,
        _ => ErrorKind::ProviderError,
    }
}
