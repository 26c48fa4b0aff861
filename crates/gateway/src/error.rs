//! One error type for every handler, rendered as RFC 9457 `application/problem+json` with a
//! stable machine `code`. Internal causes stay in the logs (see `middleware`); clients get an
//! opaque message and the request id to quote.

use std::{borrow::Cow, sync::Arc};

use axum::{
    Json,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use platform::{
    AuthError, Role, db::DbFailure, pagination::InvalidCursor, storage::StorageError,
    tenancy::AccessError,
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::request_id::current_request_id;

pub type ApiResult<T> = Result<T, ApiError>;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// An RFC 9457 problem.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "urn:promptrefine:problem:validation_failed",
    "title": "Unprocessable Entity",
    "status": 422,
    "detail": "The request body is invalid.",
    "code": "validation_failed",
    "request_id": "0b6f2a4e-8d0c-4a8e-9f50-2b1c1f1f3f7a",
    "errors": [{"field": "name", "code": "length", "message": "must be 1 to 200 characters"}]
}))]
pub struct Problem {
    /// A URI naming the kind of problem: `urn:promptrefine:problem:<code>`.
    #[serde(rename = "type")]
    pub type_uri: String,
    /// The HTTP status phrase.
    pub title: String,
    pub status: u16,
    /// What went wrong, for a human.
    pub detail: String,
    /// Stable, machine-readable: `validation_failed`, `not_found`, `invalid_token`, ...
    pub code: String,
    /// The `x-request-id` of the request, to quote when reporting a problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Field-level details of a validation problem.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// The limit that was reached (429 and 413 problems).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
    /// The role in the organization the action needs (403 `insufficient_role`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required_role: Option<Role>,
    /// The call's row in the log (a failed `POST /v1/execute/{slug}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub call_id: Option<uuid::Uuid>,
    /// The model's raw answer (502 `invalid_model_output`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
}

/// One invalid field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// Path of the field: `name`, `tags[2]`, `models[0].provider`, a path or query parameter.
    pub field: String,
    /// The rule it broke: `length`, `required`, `invalid_type`, `unknown_field`, ...
    pub code: String,
    pub message: String,
}

impl FieldError {
    pub fn new(
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self { field: field.into(), code: code.into(), message: message.into() }
    }
}

/// The error of every handler.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    detail: Cow<'static, str>,
    errors: Vec<FieldError>,
    /// The problem's optional members, and a `Retry-After`: rare, so kept out of line (every
    /// handler's `Result` carries an `ApiError`).
    extra: Box<Extra>,
    /// What really happened, for the log only.
    cause: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

#[derive(Debug, Default)]
struct Extra {
    limit: Option<u64>,
    required_role: Option<Role>,
    call_id: Option<uuid::Uuid>,
    output: Option<String>,
    /// Seconds to wait before trying again.
    retry_after: Option<u64>,
    rate_limit: Option<RateLimitHeaders>,
}

/// What the `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` headers say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitHeaders {
    pub limit: u32,
    pub remaining: u32,
    /// Seconds.
    pub reset: u64,
}

impl RateLimitHeaders {
    pub fn from_state(state: &deployments::RateState) -> Self {
        let reset = state.reset.as_secs() + u64::from(state.reset.subsec_nanos() > 0);
        Self { limit: state.limit, remaining: state.remaining, reset }
    }

    /// Adds the headers to `headers`.
    pub fn write(&self, headers: &mut axum::http::HeaderMap) {
        headers.insert("ratelimit-limit", HeaderValue::from(self.limit));
        headers.insert("ratelimit-remaining", HeaderValue::from(self.remaining));
        headers.insert("ratelimit-reset", HeaderValue::from(self.reset));
    }
}

/// Put on error responses so the middleware can log the cause inside the request's span.
#[derive(Debug, Clone)]
pub struct ErrorCause(pub Arc<dyn std::error::Error + Send + Sync>);

impl ApiError {
    pub fn new(
        status: StatusCode,
        code: &'static str,
        detail: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self {
            status,
            code,
            detail: detail.into(),
            errors: Vec::new(),
            extra: Box::default(),
            cause: None,
        }
    }

    /// A 429: the caller is over `limit`; `retry_after` says when trying again can work.
    pub fn too_many(
        code: &'static str,
        detail: impl Into<Cow<'static, str>>,
        limit: u64,
        retry_after: Option<std::time::Duration>,
    ) -> Self {
        let mut error = Self::new(StatusCode::TOO_MANY_REQUESTS, code, detail).with_limit(limit);
        // Whole seconds, rounded up: retrying at the time given must work.
        error.extra.retry_after =
            retry_after.map(|wait| wait.as_secs() + u64::from(wait.subsec_nanos() > 0));
        error
    }

    /// The limit that was reached.
    pub fn with_limit(mut self, limit: u64) -> Self {
        self.extra.limit = Some(limit);
        self
    }

    /// The role the action needs (403 `insufficient_role`).
    pub fn with_required_role(mut self, role: Role) -> Self {
        self.extra.required_role = Some(role);
        self
    }

    /// The log row of a failed call, and the model's answer if it came.
    pub fn with_call(mut self, call_id: uuid::Uuid, output: Option<String>) -> Self {
        self.extra.call_id = Some(call_id);
        self.extra.output = output;
        self
    }

    pub fn with_errors(mut self, errors: Vec<FieldError>) -> Self {
        self.errors = errors;
        self
    }

    pub fn with_cause(mut self, cause: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.cause = Some(Arc::new(cause));
        self
    }

    pub fn not_found(detail: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", detail)
    }

    pub fn validation(errors: Vec<FieldError>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", "The request is invalid.")
            .with_errors(errors)
    }

    pub fn conflict(code: &'static str, detail: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::CONFLICT, code, detail)
    }

    /// An events ticket that does not exist, was used, expired or names another run.
    pub fn invalid_ticket() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "invalid_ticket",
            "This ticket is unknown, used, expired or for another run; ask for a new one.",
        )
    }

    /// A failure the client cannot act on: a bug, or a dependency in an unexpected state.
    pub fn internal(cause: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "Something went wrong on our side; the request id identifies it in our logs.",
        )
        .with_cause(cause)
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn code(&self) -> &'static str {
        self.code
    }

    pub(crate) fn problem(&self) -> Problem {
        Problem {
            type_uri: format!("urn:promptrefine:problem:{}", self.code),
            title: self.status.canonical_reason().unwrap_or("Error").to_owned(),
            status: self.status.as_u16(),
            detail: self.detail.clone().into_owned(),
            code: self.code.to_owned(),
            request_id: current_request_id(),
            errors: self.errors.clone(),
            limit: self.extra.limit,
            required_role: self.extra.required_role,
            call_id: self.extra.call_id,
            output: self.extra.output.clone(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.problem())).into_response();
        response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if self.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(seconds) = self.extra.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if let Some(rate_limit) = self.extra.rate_limit {
            rate_limit.write(response.headers_mut());
        }
        if let Some(cause) = self.cause {
            response.extensions_mut().insert(ErrorCause(cause));
        }
        response
    }
}

impl From<AuthError> for ApiError {
    fn from(err: AuthError) -> Self {
        let (status, code) = match &err {
            AuthError::MissingToken => (StatusCode::UNAUTHORIZED, "missing_token"),
            AuthError::Expired => (StatusCode::UNAUTHORIZED, "token_expired"),
            AuthError::ForbiddenRole(_) => (StatusCode::FORBIDDEN, "forbidden_role"),
            AuthError::KeysUnavailable | AuthError::ApiKeysUnavailable => {
                (StatusCode::SERVICE_UNAVAILABLE, "auth_unavailable")
            }
            AuthError::InvalidApiKey => (StatusCode::UNAUTHORIZED, "invalid_api_key"),
            AuthError::Malformed
            | AuthError::UnsupportedAlgorithm(_)
            | AuthError::UnknownKey
            | AuthError::BadSignature
            | AuthError::NotYetValid
            | AuthError::WrongAudience
            | AuthError::WrongIssuer
            | AuthError::InvalidSubject => (StatusCode::UNAUTHORIZED, "invalid_token"),
        };
        Self::new(status, code, format!("{}.", capitalize(&err.to_string())))
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(err: sqlx::Error) -> Self {
        match platform::db::classify(&err) {
            DbFailure::Unavailable => Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "database_unavailable",
                "The database is unavailable; try again shortly.",
            )
            .with_cause(err),
            DbFailure::Timeout => Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "database_timeout",
                "The request took too long in the database; try again or ask for less.",
            )
            .with_cause(err),
            DbFailure::UnknownUser => unknown_user(),
            DbFailure::Internal => Self::internal(err),
        }
    }
}

fn unknown_user() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "unknown_user",
        "The token's user does not exist in Supabase Auth (deleted, or never signed up).",
    )
}

impl From<AccessError> for ApiError {
    fn from(err: AccessError) -> Self {
        match err {
            AccessError::OrgNotFound(id) => Self::new(
                StatusCode::NOT_FOUND,
                "org_not_found",
                format!("Organization {id} does not exist, or you are not a member."),
            ),
            AccessError::InsufficientRole { needed } => Self::new(
                StatusCode::FORBIDDEN,
                "insufficient_role",
                format!("This needs the {needed} role (or a higher one) in the organization."),
            )
            .with_required_role(needed),
            AccessError::UnknownUser => unknown_user(),
            AccessError::Db(err) => err.into(),
        }
    }
}

impl From<InvalidCursor> for ApiError {
    fn from(err: InvalidCursor) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_cursor",
            format!("{}.", capitalize(&err.to_string())),
        )
        .with_errors(vec![FieldError::new("cursor", "invalid", err.to_string())])
    }
}

impl From<prompts::Error> for ApiError {
    fn from(err: prompts::Error) -> Self {
        match err {
            prompts::Error::NotFound(id) => Self::not_found(format!("Prompt {id} does not exist.")),
            prompts::Error::VersionNotFound { prompt_id, version } => {
                Self::not_found(format!("Prompt {prompt_id} has no version {version}."))
            }
            prompts::Error::InUse(id) => Self::conflict(
                "prompt_in_use",
                format!("Prompt {id} is served by deployments; delete or repoint them first."),
            ),
            prompts::Error::Access(err) => err.into(),
            prompts::Error::InvalidCursor(err) => err.into(),
            prompts::Error::Db(err) => err.into(),
        }
    }
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

impl From<datasets::Error> for ApiError {
    fn from(err: datasets::Error) -> Self {
        use datasets::Error;
        match err {
            Error::NotFound(id) => Self::not_found(format!("Dataset {id} does not exist.")),
            Error::TooLarge { limit } => Self::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "file_too_large",
                format!("The file is larger than the upload limit of {limit} bytes."),
            ),
            Error::UnknownFormat => Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unknown_format",
                "The format could not be told from the file name, content type or content; send \
                 `format` (csv, json or jsonl).",
            )
            .with_errors(vec![FieldError::new(
                "format",
                "required",
                "csv, json or jsonl",
            )]),
            Error::Parse(parse) => Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_file",
                format!("The file is invalid: {parse}."),
            )
            .with_errors(vec![FieldError::new(
                "file",
                "parse_error",
                parse.to_string(),
            )]),
            Error::InUse(id) => Self::conflict(
                "dataset_in_use",
                format!("Dataset {id} is used by runs; delete those runs first."),
            ),
            Error::FileMissing => Self::new(
                StatusCode::BAD_GATEWAY,
                "file_missing",
                "The original file of this dataset is missing from storage.",
            ),
            Error::Storage(err) => storage_error(err),
            Error::Access(err) => err.into(),
            Error::InvalidCursor(err) => err.into(),
            Error::Db(err) => err.into(),
            Error::Io(err) => Self::internal(err),
        }
    }
}

fn storage_error(err: StorageError) -> ApiError {
    match err {
        StorageError::Unavailable(_) => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "storage_unavailable",
            "File storage is unavailable; try again shortly.",
        )
        .with_cause(err),
        StorageError::TooLarge => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "file_too_large",
            "The file is larger than the storage bucket accepts.",
        ),
        StorageError::Forbidden(_)
        | StorageError::Rejected { .. }
        | StorageError::NotFound
        | StorageError::AlreadyExists => ApiError::new(
            StatusCode::BAD_GATEWAY,
            "storage_error",
            "File storage refused the request; the request id identifies it in our logs.",
        )
        .with_cause(err),
        StorageError::Io(_) => ApiError::internal(err),
    }
}

impl From<runs::Error> for ApiError {
    fn from(err: runs::Error) -> Self {
        use runs::Error;
        match err {
            Error::Invalid(problems) => Self::validation(
                problems
                    .into_iter()
                    .map(|p| FieldError::new(p.field, "invalid", p.message))
                    .collect(),
            ),
            Error::NotFound(id) => Self::not_found(format!("Run {id} does not exist.")),
            Error::CellNotFound { run_id, cell_id } => {
                Self::not_found(format!("Run {run_id} has no cell {cell_id}."))
            }
            Error::RunFinished { status, .. } => {
                Self::conflict("run_finished", format!("The run is already {}.", status.as_str()))
            }
            Error::RunCancelled { .. } => Self::conflict(
                "run_cancelled",
                "The run is cancelled; its cells cannot be retried.",
            ),
            Error::CellNotFailed { status, .. } => Self::conflict(
                "cell_not_failed",
                format!("Only failed cells can be retried; this one is {}.", status.as_str()),
            ),
            Error::RunNotFinished { status, .. } => Self::conflict(
                "run_not_finished",
                format!(
                    "The run is still {}; grade it again once it has finished (or cancel it).",
                    status.as_str()
                ),
            ),
            Error::RegradeInProgress { .. } => Self::conflict(
                "regrade_in_progress",
                "The run is being graded; wait for its grading pass to finish.",
            ),
            Error::NothingToGrade { .. } => Self::conflict(
                "nothing_to_grade",
                "Nothing to grade: no cell of the run has an output, or no grader or assertion \
                 grades them.",
            ),
            Error::TooManyPasses { limit, .. } => Self::conflict(
                "too_many_passes",
                format!(
                    "A run may be graded {limit} times; re-run it (`POST /v1/runs/{{id}}/rerun`) \
                     to grade a fresh copy."
                ),
            ),
            Error::PassNotFound { run_id, number } => {
                Self::not_found(format!("Run {run_id} has no grading pass {number}."))
            }
            Error::CellNotGradable { status, .. } => Self::conflict(
                "cell_not_gradable",
                format!(
                    "Only succeeded cells have an output to grade; this one is {}.",
                    status.as_str()
                ),
            ),
            Error::Dataset(err) => err.into(),
            Error::Prompt(err) => err.into(),
            Error::QueueFull { limit, queued, adding } => Self::too_many(
                "queue_full",
                format!(
                    "This organization has {queued} cells queued and this run adds {adding}; at \
                     most {limit} may wait at once (MAX_QUEUED_CELLS_PER_TENANT). Try again when \
                     some have run."
                ),
                u64::try_from(limit).unwrap_or(0),
                None,
            ),
            Error::RateLimited { limit, retry_after } => Self::too_many(
                "rate_limited",
                format!(
                    "At most {limit} runs may be created per minute in an organization; try again \
                     shortly."
                ),
                u64::from(limit),
                Some(retry_after),
            ),
            Error::Access(err) => err.into(),
            Error::InvalidCursor(err) => err.into(),
            Error::Db(err) => err.into(),
        }
    }
}

impl From<providers::own_keys::OwnKeyError> for ApiError {
    fn from(err: providers::own_keys::OwnKeyError) -> Self {
        use providers::own_keys::OwnKeyError as Error;
        match err {
            Error::Invalid { field, message } => {
                Self::validation(vec![FieldError::new(field, "invalid", message)])
            }
            Error::NotFound(provider) => {
                Self::not_found(format!("The organization has no {provider} key."))
            }
            Error::Disabled => Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "provider_keys_disabled",
                "This server does not store provider keys: PROVIDER_KEYS_KEK is not set.",
            ),
            Error::Access(err) => err.into(),
            Error::Db(err) => err.into(),
        }
    }
}

impl From<deployments::Error> for ApiError {
    fn from(err: deployments::Error) -> Self {
        use deployments::Error;
        match err {
            Error::NotFound(id) => Self::not_found(format!("Deployment {id} does not exist.")),
            Error::SlugNotFound(slug) => Self::new(
                StatusCode::NOT_FOUND,
                "deployment_not_found",
                format!("This organization has no deployment `{slug}` you may call."),
            ),
            Error::CallNotFound(id) => Self::not_found(format!("Call {id} does not exist.")),
            Error::Invalid(problems) => Self::validation(
                problems
                    .into_iter()
                    .map(|p| FieldError::new(p.field, "invalid", p.message))
                    .collect(),
            ),
            Error::SlugTaken(slug) => Self::conflict(
                "slug_taken",
                format!("The organization already has a deployment `{slug}`."),
            ),
            Error::MissingVariables(names) => Self::validation(
                names
                    .into_iter()
                    .map(|name| {
                        let message =
                            format!("the prompt's placeholder {{{{{name}}}}} needs a value");
                        FieldError::new(format!("variables.{name}"), "required", message)
                    })
                    .collect(),
            ),
            Error::PromptTooLarge { limit } => Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "prompt_too_large",
                format!("The prompt renders to more than {limit} bytes with these variables."),
            )
            .with_errors(vec![FieldError::new("variables", "size", "too long")]),
            Error::RateLimited(state) => {
                let mut error = Self::too_many(
                    "rate_limited",
                    format!(
                        "At most {} calls per minute (this API key's, or this deployment's); try \
                         again after Retry-After.",
                        state.limit
                    ),
                    u64::from(state.limit),
                    Some(state.reset),
                );
                error.extra.rate_limit = Some(RateLimitHeaders::from_state(&state));
                error
            }
            Error::InvalidOutput { call_id, output, reason } => Self::new(
                StatusCode::BAD_GATEWAY,
                "invalid_model_output",
                format!("The model's answer is not what the deployment promises: {reason}."),
            )
            .with_call(call_id.0, Some(output)),
            Error::ModelsFailed { call_id, kind, message } => Self::new(
                StatusCode::BAD_GATEWAY,
                "model_failed",
                format!("No model answered ({}): {message}", kind.as_str()),
            )
            .with_call(call_id.0, None),
            Error::Access(err) => err.into(),
            Error::InvalidCursor(err) => err.into(),
            Error::Db(err) => err.into(),
        }
    }
}

impl From<analytics::Error> for ApiError {
    fn from(err: analytics::Error) -> Self {
        use analytics::Error;
        match err {
            Error::EmptyRange => {
                Self::validation(vec![FieldError::new("from", "range", "must be before `to`")])
            }
            Error::TooManyBuckets { buckets } => Self::validation(vec![FieldError::new(
                "bucket",
                "range",
                format!(
                    "the range holds {buckets} buckets, at most {}: narrow it or use `day`",
                    analytics::MAX_BUCKETS
                ),
            )]),
            Error::Access(err) => err.into(),
            Error::Db(err) => err.into(),
        }
    }
}

impl From<webhooks::Error> for ApiError {
    fn from(err: webhooks::Error) -> Self {
        use webhooks::Error;
        match err {
            Error::NotFound(id) => Self::new(
                StatusCode::NOT_FOUND,
                "webhook_not_found",
                format!("Webhook {id} does not exist."),
            ),
            Error::DeliveryNotFound(id) => Self::new(
                StatusCode::NOT_FOUND,
                "delivery_not_found",
                format!("Delivery {id} of this webhook does not exist."),
            ),
            Error::Invalid(problem) => {
                Self::validation(vec![FieldError::new(problem.field, "invalid", problem.message)])
            }
            Error::TooMany { limit } => Self::conflict(
                "too_many_webhooks",
                format!("The organization has {limit} webhooks, the most it may have."),
            )
            .with_limit(u64::try_from(limit).unwrap_or_default()),
            Error::Access(err) => err.into(),
            Error::InvalidCursor(err) => err.into(),
            Error::Db(err) => err.into(),
        }
    }
}

impl From<orgs::Error> for ApiError {
    fn from(err: orgs::Error) -> Self {
        use orgs::{Error, Refusal};
        match err {
            Error::MemberNotFound { org_id, user_id } => Self::new(
                StatusCode::NOT_FOUND,
                "member_not_found",
                format!("User {user_id} is not a member of organization {org_id}."),
            ),
            Error::ApiKeyNotFound(id) => Self::new(
                StatusCode::NOT_FOUND,
                "api_key_not_found",
                format!("API key {id} does not exist or is already revoked."),
            ),
            Error::InvitationNotFound(id) => Self::new(
                StatusCode::NOT_FOUND,
                "invitation_not_found",
                format!("Invitation {id} does not exist or is no longer pending."),
            ),
            Error::Invitation(refusal) => {
                let (status, code, detail) = match refusal {
                    Refusal::Unknown => (
                        StatusCode::NOT_FOUND,
                        "invitation_not_found",
                        "No invitation has this token.",
                    ),
                    Refusal::Revoked => (
                        StatusCode::GONE,
                        "invitation_revoked",
                        "This invitation was revoked; ask for a new one.",
                    ),
                    Refusal::Used => (
                        StatusCode::CONFLICT,
                        "invitation_used",
                        "This invitation was accepted already; each one works once.",
                    ),
                    Refusal::Expired => (
                        StatusCode::GONE,
                        "invitation_expired",
                        "This invitation has expired; ask for a new one.",
                    ),
                    Refusal::EmailMismatch => (
                        StatusCode::FORBIDDEN,
                        "invitation_email_mismatch",
                        "This invitation is for another email than the one you signed in with \
                         (and confirmed).",
                    ),
                    Refusal::AlreadyMember => (
                        StatusCode::CONFLICT,
                        "already_member",
                        "You are already a member of this organization.",
                    ),
                };
                Self::new(status, code, detail)
            }
            Error::Personal(_) => Self::conflict(
                "personal_org",
                "A personal organization cannot be deleted; delete its content instead.",
            ),
            Error::LastOwner => Self::conflict(
                "last_owner",
                "An organization keeps at least one owner; make someone else owner first.",
            ),
            Error::PersonalOwner => Self::conflict(
                "personal_owner",
                "The owner of a personal organization stays its owner.",
            ),
            Error::SlugTaken(slug) => {
                Self::conflict("slug_taken", format!("The slug `{slug}` is taken."))
            }
            Error::TooManyTeams { limit } => Self::conflict(
                "too_many_orgs",
                format!(
                    "You have made {limit} organizations, the most one user may make \
                     (MAX_TEAMS_PER_USER)."
                ),
            )
            .with_limit(u64::from(limit)),
            Error::TooManyInvitations { limit } => Self::conflict(
                "too_many_invitations",
                format!(
                    "The organization has {limit} pending invitations, the most it may have; \
                     revoke some first."
                ),
            )
            .with_limit(u64::try_from(limit).unwrap_or(0)),
            Error::Access(err) => err.into(),
            Error::Storage(err) => storage_error(err),
            Error::InvalidCursor(err) => err.into(),
            Error::Db(err) => err.into(),
        }
    }
}
