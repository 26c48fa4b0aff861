//! What deployments and calls are, as stored and as the API shows them.

use chrono::{DateTime, Utc};
use platform::{Name, OrgId, Slug};
use prompts::PromptId;
use providers::ModelParams;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

platform::typed_id!(
    /// A deployment's id.
    DeploymentId
);
platform::typed_id!(
    /// The id of one call of a deployment.
    CallId
);

/// A model a deployment calls.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = DeploymentModel))]
#[serde(deny_unknown_fields)]
pub struct ModelChoice {
    /// See `GET /v1/models`.
    #[cfg_attr(feature = "openapi", schema(example = "mock"))]
    pub provider: String,
    #[cfg_attr(feature = "openapi", schema(example = "echo"))]
    pub model: String,
    #[serde(default)]
    pub params: ModelParams,
}

/// What a deployment answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, sqlx::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
#[sqlx(type_name = "response_format", rename_all = "lowercase")]
pub enum ResponseFormat {
    /// The model's text.
    #[default]
    Text,
    /// The model's text parsed as JSON (and checked against `json_schema`, if any).
    Json,
}

/// Calls a deployment takes per minute, across every process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1000000, example = 600))]
    pub requests_per_minute: u32,
}

/// A prompt shipped as an endpoint: `POST /v1/execute/{slug}`.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = DeploymentView))]
pub struct Deployment {
    #[cfg_attr(feature = "openapi", schema(value_type = Uuid))]
    pub id: DeploymentId,
    #[cfg_attr(feature = "openapi", schema(value_type = Uuid))]
    pub org_id: OrgId,
    pub created_by: Option<Uuid>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "Support reply"))]
    pub name: Name,
    /// Unique in the organization: the path of `POST /v1/execute/{slug}`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "support-reply"))]
    pub slug: Slug,
    #[cfg_attr(feature = "openapi", schema(value_type = Uuid))]
    pub prompt_id: PromptId,
    /// The version served; `null` follows the prompt's current version.
    pub version: Option<i32>,
    #[sqlx(json)]
    pub model: ModelChoice,
    /// Tried in order when the model fails after its retries (5xx, timeout, rate limited).
    #[sqlx(json)]
    pub fallbacks: Vec<ModelChoice>,
    pub response_format: ResponseFormat,
    /// For `json`: the JSON Schema the answer must match.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub json_schema: Option<Value>,
    /// Identical calls within this many seconds are answered from the cache.
    pub cache_ttl_seconds: Option<i32>,
    #[sqlx(json(nullable))]
    pub rate_limit: Option<RateLimit>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A deployment to make.
#[derive(Debug, Clone)]
pub struct NewDeployment {
    pub name: Name,
    pub slug: Slug,
    pub prompt_id: PromptId,
    pub version: Option<i32>,
    pub model: ModelChoice,
    pub fallbacks: Vec<ModelChoice>,
    pub response_format: ResponseFormat,
    pub json_schema: Option<Value>,
    pub cache_ttl_seconds: Option<i32>,
    pub rate_limit: Option<RateLimit>,
}

/// Changes to a deployment; `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct DeploymentChanges {
    pub name: Option<Name>,
    pub slug: Option<Slug>,
    pub version: Option<Option<i32>>,
    pub model: Option<ModelChoice>,
    pub fallbacks: Option<Vec<ModelChoice>>,
    pub response_format: Option<ResponseFormat>,
    pub json_schema: Option<Option<Value>>,
    pub cache_ttl_seconds: Option<Option<i32>>,
    pub rate_limit: Option<Option<RateLimit>>,
}

/// A call to make.
#[derive(Debug, Clone, Default)]
pub struct Execution {
    /// The prompt's placeholders.
    pub variables: Map<String, Value>,
    /// Kept with the call in the log.
    pub metadata: Option<Value>,
}

/// The model that answered a call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = ServedBy))]
pub struct ServedBy {
    pub provider: String,
    pub model: String,
}

/// What a call answered.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = ExecuteResult))]
pub struct Executed {
    #[cfg_attr(feature = "openapi", schema(value_type = Uuid))]
    pub call_id: CallId,
    pub output: String,
    /// For a `json` deployment: the output, parsed.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub parsed: Option<Value>,
    /// The prompt version that was rendered.
    pub version: i32,
    pub model: ServedBy,
    pub tokens_in: i32,
    pub tokens_out: i32,
    /// Zero for an answer from the cache.
    pub cost_usd: f64,
    pub latency_ms: i32,
    pub cached: bool,
    /// A fallback model answered, not the deployment's own.
    pub fallback_used: bool,
}

/// How a call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum CallStatus {
    Succeeded,
    /// No model answered.
    Failed,
    /// A `json` deployment's answer did not parse or did not match its schema.
    InvalidOutput,
}

/// One call, as the log keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = CallView))]
pub struct Call {
    #[cfg_attr(feature = "openapi", schema(value_type = Uuid))]
    pub id: CallId,
    #[cfg_attr(feature = "openapi", schema(value_type = Uuid))]
    pub org_id: OrgId,
    /// `null` once the deployment is deleted.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Uuid>))]
    pub deployment_id: Option<DeploymentId>,
    pub deployment_slug: String,
    pub prompt_version: Option<i32>,
    /// The API key that called, or the user.
    pub api_key_id: Option<Uuid>,
    pub user_id: Option<Uuid>,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub variables: Value,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub metadata: Option<Value>,
    pub rendered_prompt: String,
    pub output: Option<String>,
    pub status: CallStatus,
    pub error_kind: Option<String>,
    pub error_message: Option<String>,
    pub provider: Option<String>,
    pub model: Option<String>,
    pub tokens_in: Option<i32>,
    pub tokens_out: Option<i32>,
    pub cost_usd: Option<f64>,
    /// What an answer from the cache would have cost.
    pub saved_cost_usd: Option<f64>,
    pub latency_ms: Option<i32>,
    pub cached: bool,
    pub fallback_used: bool,
    pub created_at: DateTime<Utc>,
}

/// Which calls to list.
#[derive(Debug, Clone, Default)]
pub struct CallFilter {
    pub deployment_id: Option<DeploymentId>,
    pub status: Option<CallStatus>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    /// Calls whose rendered prompt or output contains this text (case-insensitive).
    pub text: Option<String>,
}
