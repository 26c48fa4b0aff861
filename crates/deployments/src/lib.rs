//! Prompts shipped as endpoints. A deployment names a prompt (a fixed version, or whichever is
//! current), a model with fallbacks, and how to answer; `execute` renders the prompt with a
//! caller's variables, calls the models in order until one answers, and logs the call.
//!
//! Editors manage deployments and call them; so do API keys with the `execute` scope (see
//! `private.deployment_to_execute`). Row Level Security decides, as everywhere.

mod calls;
mod execute;
mod model;
mod store;

pub use calls::{forget_idle_rate_limits, get_call, list_calls, sweep_calls};
pub use execute::{Admitted, Outcome, RateState, admit, execute, finish};
pub use model::{
    Call, CallFilter, CallId, CallStatus, Deployment, DeploymentChanges, DeploymentId, Executed,
    Execution, ModelChoice, NewDeployment, RateLimit, ResponseFormat, ServedBy,
};
pub use store::{create, delete, get, list, update};

use platform::Slug;
use providers::ErrorKind;

/// Limits on calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The longest prompt a call may render to.
    pub max_rendered_prompt_bytes: usize,
    /// Calls one API key may make per minute, across deployments and processes.
    pub api_key_requests_per_minute: u32,
}

/// One problem with a deployment, and the request field it is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub field: String,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("deployment {0} not found")]
    NotFound(DeploymentId),
    #[error("no deployment `{0}` to call")]
    SlugNotFound(Slug),
    #[error("call {0} not found")]
    CallNotFound(CallId),
    #[error("the deployment is invalid")]
    Invalid(Vec<Invalid>),
    #[error("the slug `{0}` is taken in this organization")]
    SlugTaken(Slug),
    #[error("placeholders without a value: {}", .0.join(", "))]
    MissingVariables(Vec<String>),
    #[error("the prompt renders to more than {limit} bytes")]
    PromptTooLarge { limit: usize },
    /// A rate limit of the key or the deployment is reached.
    #[error("rate limited: {} calls per minute", .0.limit)]
    RateLimited(RateState),
    /// A `json` deployment's answer did not parse or match its schema (the call is logged).
    #[error("the model's answer is not valid: {reason}")]
    InvalidOutput { call_id: CallId, output: String, reason: String },
    /// No model answered (the call is logged).
    #[error("no model answered: {kind:?}: {message}")]
    ModelsFailed { call_id: CallId, kind: ErrorKind, message: String },
    #[error(transparent)]
    Access(#[from] platform::tenancy::AccessError),
    #[error(transparent)]
    InvalidCursor(#[from] platform::pagination::InvalidCursor),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
