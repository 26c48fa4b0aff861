//! `/v1/deployments`, `/v1/execute/{slug}` and `/v1/calls`: prompts shipped as endpoints, calling
//! them, and the log of every call.

use std::convert::Infallible;

use axum::{
    Json,
    http::{HeaderMap, StatusCode},
    response::{
        IntoResponse, Response,
        sse::{Event, Sse},
    },
};
use chrono::{DateTime, Utc};
use deployments::{
    Call, CallFilter, CallId, CallStatus, Deployment, DeploymentChanges, DeploymentId, Executed,
    Execution, ModelChoice, NewDeployment, RateLimit, ResponseFormat,
};
use futures::{Stream, StreamExt, stream};
use platform::{Name, Slug, pagination::MAX_LIMIT};
use prompts::PromptId;
use providers::Deltas;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use validator::{Validate, ValidationError};

use crate::{
    error::{ApiError, ApiResult, RateLimitHeaders},
    extract::{ActingOrg, ApiJson, ApiPath, ApiQuery, Authenticated, Executor, OrgHeader, Reader},
    routes::{PageOf, PageQuery, location, page_request},
    state::AppState,
};

/// Longest text query over calls.
const QUERY_MAX_CHARS: u64 = 200;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_deployments, create_deployment))
        .routes(routes!(get_deployment, update_deployment, delete_deployment))
        .routes(routes!(execute_deployment))
        .routes(routes!(list_calls))
        .routes(routes!(get_call))
}

// ---- request types ----------------------------------------------------------------------------

/// A deployment to make.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDeployment {
    #[schema(value_type = String, example = "Support reply")]
    pub name: Name,
    /// Unique in the organization; the path of `POST /v1/execute/{slug}`.
    #[schema(value_type = String, example = "support-reply")]
    pub slug: Slug,
    /// A generator prompt of the organization.
    #[schema(value_type = Uuid)]
    pub prompt_id: PromptId,
    /// The version to serve; omitted or `null` follows the prompt's current version.
    #[validate(range(min = 1))]
    pub version: Option<i32>,
    pub model: ModelChoice,
    /// Up to 3, tried in order when the model fails after its retries.
    #[serde(default)]
    #[validate(length(max = 3))]
    pub fallbacks: Vec<ModelChoice>,
    #[serde(default)]
    pub response_format: ResponseFormat,
    /// For `json`: a JSON Schema the answer must match (whole: references are not fetched).
    #[schema(value_type = Option<Object>)]
    pub json_schema: Option<Value>,
    /// Answer identical calls from the cache for this long (1 s to 30 days).
    #[validate(range(min = 1, max = 2_592_000))]
    pub cache_ttl_seconds: Option<i32>,
    #[validate(custom(function = "valid_rate"))]
    pub rate_limit: Option<RateLimit>,
}

impl From<CreateDeployment> for NewDeployment {
    fn from(req: CreateDeployment) -> Self {
        Self {
            name: req.name,
            slug: req.slug,
            prompt_id: req.prompt_id,
            version: req.version,
            model: req.model,
            fallbacks: req.fallbacks,
            response_format: req.response_format,
            json_schema: req.json_schema,
            cache_ttl_seconds: req.cache_ttl_seconds,
            rate_limit: req.rate_limit,
        }
    }
}

/// Changes to a deployment; omitted fields stay as they are, `null` clears what may be empty.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateDeployment {
    #[schema(value_type = Option<String>)]
    pub name: Option<Name>,
    #[schema(value_type = Option<String>)]
    pub slug: Option<Slug>,
    /// `null`: follow the prompt's current version.
    #[serde(default, deserialize_with = "crate::routes::present")]
    #[validate(range(min = 1))]
    #[schema(value_type = Option<i32>)]
    pub version: Option<Option<i32>>,
    pub model: Option<ModelChoice>,
    #[validate(length(max = 3))]
    pub fallbacks: Option<Vec<ModelChoice>>,
    pub response_format: Option<ResponseFormat>,
    #[serde(default, deserialize_with = "crate::routes::present")]
    #[schema(value_type = Option<Object>)]
    pub json_schema: Option<Option<Value>>,
    #[serde(default, deserialize_with = "crate::routes::present")]
    #[validate(range(min = 1, max = 2_592_000))]
    #[schema(value_type = Option<i32>)]
    pub cache_ttl_seconds: Option<Option<i32>>,
    #[serde(default, deserialize_with = "crate::routes::present")]
    #[validate(custom(function = "valid_rate"))]
    #[schema(value_type = Option<RateLimit>)]
    pub rate_limit: Option<Option<RateLimit>>,
}

impl From<UpdateDeployment> for DeploymentChanges {
    fn from(req: UpdateDeployment) -> Self {
        Self {
            name: req.name,
            slug: req.slug,
            version: req.version,
            model: req.model,
            fallbacks: req.fallbacks,
            response_format: req.response_format,
            json_schema: req.json_schema,
            cache_ttl_seconds: req.cache_ttl_seconds,
            rate_limit: req.rate_limit,
        }
    }
}

/// A call of a deployment.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExecuteRequest {
    /// A value for every placeholder of the prompt.
    #[serde(default)]
    #[schema(value_type = Object, example = json!({"question": "Where is my order?"}))]
    pub variables: Map<String, Value>,
    /// Anything to keep with the call in the log.
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
    /// Answer `text/event-stream`: `delta` events (`{"text"}`) as the model writes, then one
    /// `done` event with the JSON answer's fields, or one `error` event with a problem.
    #[serde(default)]
    pub stream: bool,
}

/// `/deployments/{id}`
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct DeploymentPath {
    #[param(value_type = Uuid)]
    pub id: DeploymentId,
}

/// `/execute/{slug}`
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ExecutePath {
    #[param(value_type = String)]
    pub slug: Slug,
}

/// `/calls/{id}`
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CallPath {
    #[param(value_type = Uuid)]
    pub id: CallId,
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListCallsQuery {
    /// Only this deployment's calls.
    #[param(value_type = Option<Uuid>)]
    pub deployment_id: Option<DeploymentId>,
    pub status: Option<CallStatus>,
    /// Calls made at or after this time.
    pub since: Option<DateTime<Utc>>,
    /// Calls made before this time.
    pub until: Option<DateTime<Utc>>,
    /// Calls whose rendered prompt or output contains this text (case-insensitive).
    #[validate(length(min = 1, max = QUERY_MAX_CHARS))]
    pub q: Option<String>,
    /// Page size, 1-200 (default 50).
    #[validate(range(min = 1, max = MAX_LIMIT))]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

fn valid_rate(limit: &RateLimit) -> Result<(), ValidationError> {
    if (1..=1_000_000).contains(&limit.requests_per_minute) {
        Ok(())
    } else {
        Err(ValidationError::new("range").with_message("must be 1 to 1000000 per minute".into()))
    }
}

// ---- handlers ---------------------------------------------------------------------------------

/// List the organization's deployments, newest first.
#[utoipa::path(get, path = "/deployments", tag = "deployments", params(OrgHeader, PageQuery),
    responses((status = 200, body = PageOf<Deployment>)))]
pub async fn list_deployments(
    state: AppState,
    Reader(user): Reader,
    ActingOrg(org): ActingOrg,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> ApiResult<Json<PageOf<Deployment>>> {
    let page = query.request();
    let page = state.as_user(&user, async |tx| deployments::list(tx, org, &page).await).await?;
    Ok(Json(page.into()))
}

/// Deploy a prompt in the organization (editors): `POST /v1/execute/{slug}` calls it.
#[utoipa::path(post, path = "/deployments", tag = "deployments", params(OrgHeader),
    request_body = CreateDeployment,
    responses(
        (status = 201, body = Deployment, headers(("location" = String))),
        (status = 409, description = "The slug is taken in the organization (`slug_taken`)",
            body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_deployment(
    state: AppState,
    Authenticated(user): Authenticated,
    ActingOrg(org): ActingOrg,
    ApiJson(req): ApiJson<CreateDeployment>,
) -> ApiResult<(StatusCode, HeaderMap, Json<Deployment>)> {
    let providers = &state.providers;
    let deployment = state
        .as_user(&user, async |tx| deployments::create(tx, org, providers, req.into()).await)
        .await?;
    let location = location(&format!("/v1/deployments/{}", deployment.id));
    Ok((StatusCode::CREATED, location, Json(deployment)))
}

/// Get a deployment.
#[utoipa::path(get, path = "/deployments/{id}", tag = "deployments", params(DeploymentPath),
    responses((status = 200, body = Deployment)))]
pub async fn get_deployment(
    state: AppState,
    Reader(user): Reader,
    ApiPath(DeploymentPath { id }): ApiPath<DeploymentPath>,
) -> ApiResult<Json<Deployment>> {
    state.as_user(&user, async |tx| deployments::get(tx, id).await).await.map(Json)
}

/// Change a deployment (editors); it is checked again as a whole.
#[utoipa::path(patch, path = "/deployments/{id}", tag = "deployments", params(DeploymentPath),
    request_body = UpdateDeployment, responses((status = 200, body = Deployment)))]
pub async fn update_deployment(
    state: AppState,
    Authenticated(user): Authenticated,
    ApiPath(DeploymentPath { id }): ApiPath<DeploymentPath>,
    ApiJson(req): ApiJson<UpdateDeployment>,
) -> ApiResult<Json<Deployment>> {
    let providers = &state.providers;
    state
        .as_user(&user, async |tx| deployments::update(tx, id, providers, req.into()).await)
        .await
        .map(Json)
}

/// Delete a deployment (editors); its calls stay in the log.
#[utoipa::path(delete, path = "/deployments/{id}", tag = "deployments", params(DeploymentPath),
    responses((status = 204, description = "Deleted")))]
pub async fn delete_deployment(
    state: AppState,
    Authenticated(user): Authenticated,
    ApiPath(DeploymentPath { id }): ApiPath<DeploymentPath>,
) -> ApiResult<StatusCode> {
    state.as_user(&user, async |tx| deployments::delete(tx, id).await).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Call a deployment of the organization (an API key with the `execute` scope, or an editor):
/// its prompt rendered with `variables`, sent to its model (then its fallbacks), logged. With
/// `stream: true`, the answer is an event stream: `delta` events (`{"text": ...}`) as the model
/// writes, then `done` (the fields of the JSON answer) or `error` (a problem).
#[utoipa::path(post, path = "/execute/{slug}", tag = "deployments",
    params(OrgHeader, ExecutePath), request_body = ExecuteRequest,
    responses(
        (status = 200, content((Executed = "application/json"), (String = "text/event-stream")),
            headers(
                ("ratelimit-limit" = u32, description = "Calls per minute of the tightest limit"),
                ("ratelimit-remaining" = u32, description = "Calls left now"),
                ("ratelimit-reset" = u64, description = "Seconds until the limit is full again"))),
        (status = 429, description = "A rate limit of the key or the deployment (`rate_limited`), with Retry-After and RateLimit-* headers",
            body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such deployment (`deployment_not_found`)",
            body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 502, description = "No model answered (`model_failed`), or a `json` deployment's answer did not parse or match its schema (`invalid_model_output`, with the raw `output`)",
            body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn execute_deployment(
    state: AppState,
    Executor(caller): Executor,
    ActingOrg(org): ActingOrg,
    ApiPath(ExecutePath { slug }): ApiPath<ExecutePath>,
    ApiJson(req): ApiJson<ExecuteRequest>,
) -> ApiResult<Response> {
    let call = Execution { variables: req.variables, metadata: req.metadata };
    let limits = deployments::Limits {
        max_rendered_prompt_bytes: state.settings.run_limits.max_rendered_prompt_bytes,
        api_key_requests_per_minute: state.settings.api_key_requests_per_minute,
    };
    let admitted = deployments::admit(&state.db, &caller, org, &slug, call, &limits).await?;
    let mut headers = HeaderMap::new();
    if let Some(rate) = &admitted.rate() {
        RateLimitHeaders::from_state(rate).write(&mut headers);
    }
    if !req.stream {
        let executed = deployments::finish(&state.db, &state.providers, admitted, None).await?;
        return Ok((headers, Json(executed)).into_response());
    }
    Ok((headers, Sse::new(streamed(state, admitted))).into_response())
}

/// The events of a streamed call. The call runs in a task of its own: a client that stops
/// reading does not stop it, and it is logged like any other. (It holds no stream slot: it
/// lasts as long as the same call unstreamed, which rate limits already bound.)
fn streamed(
    state: AppState,
    admitted: deployments::Admitted,
) -> impl Stream<Item = Result<Event, Infallible>> {
    let (mut deltas, from) = Deltas::channel();
    let finishing = tokio::spawn(async move {
        deployments::finish(&state.db, &state.providers, admitted, Some(&mut deltas)).await
    });
    // The channel closes when the task ends (it owns the sender): then comes the last event.
    let texts = stream::unfold(from, |mut from| async move {
        let text = from.recv().await?;
        let event = Event::default().event("delta").data(json!({"text": text}).to_string());
        Some((Ok(event), from))
    });
    let last = stream::once(async move {
        let event = match finishing.await {
            Ok(Ok(executed)) => Event::default().event("done").json_data(executed),
            Ok(Err(error)) => {
                if matches!(error, deployments::Error::Db(_)) {
                    tracing::error!(%error, "a streamed call failed");
                }
                Event::default().event("error").json_data(ApiError::from(error).problem())
            }
            Err(panicked) => {
                tracing::error!(error = %panicked, "a streamed call's task failed");
                Event::default().event("error").json_data(ApiError::internal(panicked).problem())
            }
        };
        Ok(event.expect("answers serialize"))
    });
    texts.chain(last)
}

/// List the organization's calls, newest first.
#[utoipa::path(get, path = "/calls", tag = "deployments", params(OrgHeader, ListCallsQuery),
    responses((status = 200, body = PageOf<Call>)))]
pub async fn list_calls(
    state: AppState,
    Reader(user): Reader,
    ActingOrg(org): ActingOrg,
    ApiQuery(query): ApiQuery<ListCallsQuery>,
) -> ApiResult<Json<PageOf<Call>>> {
    let filter = CallFilter {
        deployment_id: query.deployment_id,
        status: query.status,
        since: query.since,
        until: query.until,
        text: query.q,
    };
    let page = page_request(query.limit, query.cursor);
    let page = state
        .as_user(&user, async |tx| deployments::list_calls(tx, org, &filter, &page).await)
        .await?;
    Ok(Json(page.into()))
}

/// Get one call.
#[utoipa::path(get, path = "/calls/{id}", tag = "deployments", params(CallPath),
    responses((status = 200, body = Call)))]
pub async fn get_call(
    state: AppState,
    Reader(user): Reader,
    ApiPath(CallPath { id }): ApiPath<CallPath>,
) -> ApiResult<Json<Call>> {
    state.as_user(&user, async |tx| deployments::get_call(tx, id).await).await.map(Json)
}
