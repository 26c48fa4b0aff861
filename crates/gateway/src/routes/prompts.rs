//! `/v1/prompts`: prompts (generators and graders) with immutable, numbered versions.

use axum::{
    Json,
    http::{HeaderMap, StatusCode},
};
use platform::{Name, pagination::MAX_LIMIT};
use prompts::{
    Prompt, PromptDetail, PromptId, PromptKind, PromptVersion,
    limits::{BODY_MAX_BYTES, DESCRIPTION_MAX_CHARS, NOTE_MAX_CHARS, TAG_MAX_CHARS, TAGS_MAX},
};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use validator::{Validate, ValidationError};

use crate::{
    error::ApiResult,
    extract::{ActingOrg, ApiJson, ApiPath, ApiQuery, Authenticated, OrgHeader, Reader},
    routes::{PageOf, location, page_request},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_prompts, create_prompt))
        .routes(routes!(get_prompt, update_prompt, delete_prompt))
        .routes(routes!(list_prompt_versions, create_prompt_version))
        .routes(routes!(get_prompt_version))
        .routes(routes!(restore_prompt_version))
        .routes(routes!(render_prompt))
        .routes(routes!(promote_prompt_version))
}

/// A name query longer than any name matches nothing.
const QUERY_MAX_CHARS: u64 = Name::MAX_CHARS as u64;

// ---- request types ----------------------------------------------------------------------------

/// `GET /prompts/{id}/versions`
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListVersionsQuery {
    /// Also the drafts that runs of unsaved text saved.
    #[serde(default)]
    pub include_drafts: bool,
    /// Page size, 1-200 (default 50).
    #[validate(range(min = 1, max = MAX_LIMIT))]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A prompt to render: a `body` as typed, or a saved `prompt_version_id`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RenderPrompt {
    #[validate(custom(function = "valid_body"))]
    #[schema(example = "Answer briefly: {{question}}")]
    pub body: Option<String>,
    #[schema(value_type = Option<Uuid>)]
    pub prompt_version_id: Option<prompts::PromptVersionId>,
    /// A system message, rendered the same way.
    #[validate(length(max = 102400))]
    pub system: Option<String>,
    /// Values for placeholders; a dataset row's values come first.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub variables: serde_json::Map<String, serde_json::Value>,
    /// With `row_index`: the row whose values fill the placeholders.
    #[schema(value_type = Option<Uuid>)]
    pub dataset_id: Option<datasets::DatasetId>,
    /// From 0.
    #[validate(range(min = 0))]
    pub row_index: Option<i64>,
    /// Models to price the input on (up to 4).
    #[serde(default)]
    #[validate(length(max = 4))]
    pub models: Vec<RenderModel>,
}

/// A model of the catalog.
#[derive(Debug, Deserialize, serde::Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RenderModel {
    #[schema(example = "openai")]
    pub provider: String,
    #[schema(example = "gpt-4o-mini")]
    pub model: String,
}

impl TryFrom<RenderPrompt> for runs::PreviewRequest {
    type Error = crate::error::ApiError;

    fn try_from(req: RenderPrompt) -> Result<Self, Self::Error> {
        use crate::error::{ApiError, FieldError};
        let source = match (req.body, req.prompt_version_id) {
            (Some(body), None) => runs::PreviewSource::Body(body),
            (None, Some(id)) => runs::PreviewSource::Version(id),
            _ => {
                return Err(ApiError::validation(vec![FieldError::new(
                    "body",
                    "one_of",
                    "give exactly one of `body` and `prompt_version_id`",
                )]));
            }
        };
        let row = match (req.dataset_id, req.row_index) {
            (Some(dataset), Some(index)) => Some((dataset, index)),
            (None, None) => None,
            _ => {
                return Err(ApiError::validation(vec![FieldError::new(
                    "row_index",
                    "together",
                    "`dataset_id` and `row_index` go together",
                )]));
            }
        };
        Ok(Self {
            source,
            system: req.system,
            variables: req.variables,
            row,
            models: req.models.into_iter().map(|m| (m.provider, m.model)).collect(),
        })
    }
}

/// A new prompt and the body of its version 1.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePrompt {
    /// 1–200 characters; surrounding spaces are dropped.
    #[schema(value_type = String, example = "Support reply")]
    pub name: Name,
    pub kind: PromptKind,
    /// Up to 20 tags of 1–50 characters; duplicates are dropped.
    #[serde(default)]
    #[validate(custom(function = "valid_tags"))]
    #[schema(example = json!(["support", "email"]))]
    pub tags: Vec<String>,
    #[validate(length(max = DESCRIPTION_MAX_CHARS))]
    pub description: Option<String>,
    /// The prompt text (1 byte to 100 KiB) with `{{placeholders}}`.
    #[validate(custom(function = "valid_body"))]
    #[schema(example = "Answer the customer politely.\n\nQuestion: {{question}}")]
    pub body: String,
    /// A note for version 1, like a commit message.
    #[validate(length(max = NOTE_MAX_CHARS))]
    pub note: Option<String>,
}

impl From<CreatePrompt> for prompts::NewPrompt {
    fn from(req: CreatePrompt) -> Self {
        Self {
            name: req.name,
            kind: req.kind,
            tags: req.tags,
            description: req.description,
            body: req.body,
            note: req.note,
        }
    }
}

/// Changes to a prompt's metadata; omitted fields stay as they are.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePrompt {
    #[schema(value_type = Option<String>)]
    pub name: Option<Name>,
    #[validate(custom(function = "valid_tags"))]
    pub tags: Option<Vec<String>>,
    /// `null` clears the description.
    #[serde(default, deserialize_with = "crate::routes::present")]
    #[validate(length(max = DESCRIPTION_MAX_CHARS))]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
}

impl From<UpdatePrompt> for prompts::PromptChanges {
    fn from(req: UpdatePrompt) -> Self {
        Self { name: req.name, tags: req.tags, description: req.description }
    }
}

/// A new version of a prompt's body.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePromptVersion {
    /// The prompt text (1 byte to 100 KiB) with `{{placeholders}}`.
    #[validate(custom(function = "valid_body"))]
    #[schema(example = "Answer the customer politely and briefly.\n\nQuestion: {{question}}")]
    pub body: String,
    /// What changed, like a commit message.
    #[validate(length(max = NOTE_MAX_CHARS))]
    #[schema(example = "Ask for brevity")]
    pub note: Option<String>,
}

impl From<CreatePromptVersion> for prompts::NewVersion {
    fn from(req: CreatePromptVersion) -> Self {
        Self { body: req.body, note: req.note }
    }
}

/// Which version to make current again.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RestorePromptVersion {
    #[validate(range(min = 1))]
    #[schema(example = 1)]
    pub version: i32,
}

/// `/prompts/{id}`
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct PromptPath {
    #[param(value_type = Uuid)]
    pub id: PromptId,
}

/// `/prompts/{id}/versions/{version}`
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct VersionPath {
    #[param(value_type = Uuid)]
    pub id: PromptId,
    #[param(minimum = 1)]
    pub version: i32,
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListPromptsQuery {
    /// Only prompts of this kind.
    pub kind: Option<PromptKind>,
    /// Only prompts with this tag.
    pub tag: Option<String>,
    /// Only prompts whose name contains this text (case-insensitive).
    #[validate(length(max = QUERY_MAX_CHARS))]
    pub q: Option<String>,
    /// Page size, 1–200 (default 50).
    #[validate(range(min = 1, max = MAX_LIMIT))]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

// ---- handlers ---------------------------------------------------------------------------------

/// List the organization's prompts, most recently updated first.
#[utoipa::path(get, path = "/prompts", tag = "prompts", params(OrgHeader, ListPromptsQuery),
    responses((status = 200, body = PageOf<Prompt>)))]
pub async fn list_prompts(
    state: AppState,
    Reader(user): Reader,
    ActingOrg(org): ActingOrg,
    ApiQuery(query): ApiQuery<ListPromptsQuery>,
) -> ApiResult<Json<PageOf<Prompt>>> {
    let filter = prompts::PromptFilter { kind: query.kind, tag: query.tag, name_contains: query.q };
    let page = page_request(query.limit, query.cursor);
    let page =
        state.as_user(&user, async |tx| prompts::list(tx, org, &filter, &page).await).await?;
    Ok(Json(page.into()))
}

/// Create a prompt with its version 1, in the organization.
#[utoipa::path(post, path = "/prompts", tag = "prompts", params(OrgHeader),
    request_body = CreatePrompt,
    responses((status = 201, body = PromptDetail, headers(("location" = String)))))]
pub async fn create_prompt(
    state: AppState,
    Authenticated(user): Authenticated,
    ActingOrg(org): ActingOrg,
    ApiJson(req): ApiJson<CreatePrompt>,
) -> ApiResult<(StatusCode, HeaderMap, Json<PromptDetail>)> {
    let detail =
        state.as_user(&user, async |tx| prompts::create(tx, org, req.into()).await).await?;
    let location = location(&format!("/v1/prompts/{}", detail.prompt.id));
    Ok((StatusCode::CREATED, location, Json(detail)))
}

/// Get a prompt with its current version.
#[utoipa::path(get, path = "/prompts/{id}", tag = "prompts", params(PromptPath),
    responses((status = 200, body = PromptDetail)))]
pub async fn get_prompt(
    state: AppState,
    Reader(user): Reader,
    ApiPath(PromptPath { id }): ApiPath<PromptPath>,
) -> ApiResult<Json<PromptDetail>> {
    state.as_user(&user, async |tx| prompts::get(tx, id).await).await.map(Json)
}

/// Change a prompt's name, tags or description (versions are changed by saving a new one).
#[utoipa::path(patch, path = "/prompts/{id}", tag = "prompts", params(PromptPath),
    request_body = UpdatePrompt, responses((status = 200, body = PromptDetail)))]
pub async fn update_prompt(
    state: AppState,
    Authenticated(user): Authenticated,
    ApiPath(PromptPath { id }): ApiPath<PromptPath>,
    ApiJson(req): ApiJson<UpdatePrompt>,
) -> ApiResult<Json<PromptDetail>> {
    state.as_user(&user, async |tx| prompts::update(tx, id, req.into()).await).await.map(Json)
}

/// Delete a prompt and all its versions.
#[utoipa::path(delete, path = "/prompts/{id}", tag = "prompts", params(PromptPath),
    responses((status = 204, description = "Deleted")))]
pub async fn delete_prompt(
    state: AppState,
    Authenticated(user): Authenticated,
    ApiPath(PromptPath { id }): ApiPath<PromptPath>,
) -> ApiResult<StatusCode> {
    state.as_user(&user, async |tx| prompts::delete(tx, id).await).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// List a prompt's versions, newest first; drafts (saved by runs of unsaved text) only with
/// `include_drafts=true`.
#[utoipa::path(get, path = "/prompts/{id}/versions", tag = "prompts",
    params(PromptPath, ListVersionsQuery),
    responses((status = 200, body = PageOf<PromptVersion>)))]
pub async fn list_prompt_versions(
    state: AppState,
    Reader(user): Reader,
    ApiPath(PromptPath { id }): ApiPath<PromptPath>,
    ApiQuery(query): ApiQuery<ListVersionsQuery>,
) -> ApiResult<Json<PageOf<PromptVersion>>> {
    let page = page_request(query.limit, query.cursor);
    let drafts = query.include_drafts;
    let page = state
        .as_user(&user, async |tx| prompts::list_versions(tx, id, drafts, &page).await)
        .await?;
    Ok(Json(page.into()))
}

/// Promote a draft version to a normal one, which becomes current (editors).
#[utoipa::path(post, path = "/prompts/{id}/versions/{version}/promote", tag = "prompts",
    params(VersionPath), responses((status = 200, body = PromptVersion)))]
pub async fn promote_prompt_version(
    state: AppState,
    Authenticated(user): Authenticated,
    ApiPath(VersionPath { id, version }): ApiPath<VersionPath>,
) -> ApiResult<Json<PromptVersion>> {
    state.as_user(&user, async |tx| prompts::promote_version(tx, id, version).await).await.map(Json)
}

/// Save a new version, which becomes current. A body identical to the current version's
/// creates nothing and returns that version with 200.
#[utoipa::path(post, path = "/prompts/{id}/versions", tag = "prompts", params(PromptPath),
    request_body = CreatePromptVersion,
    responses(
        (status = 201, description = "A new version", body = PromptVersion),
        (status = 200, description = "Same body as the current version: nothing created", body = PromptVersion),
    ))]
pub async fn create_prompt_version(
    state: AppState,
    Authenticated(user): Authenticated,
    ApiPath(PromptPath { id }): ApiPath<PromptPath>,
    ApiJson(req): ApiJson<CreatePromptVersion>,
) -> ApiResult<(StatusCode, Json<PromptVersion>)> {
    let saved =
        state.as_user(&user, async |tx| prompts::save_version(tx, id, req.into()).await).await?;
    let status = if saved.created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(saved.version)))
}

/// Get one version of a prompt.
#[utoipa::path(get, path = "/prompts/{id}/versions/{version}", tag = "prompts",
    params(VersionPath),
    responses((status = 200, body = PromptVersion)))]
pub async fn get_prompt_version(
    state: AppState,
    Reader(user): Reader,
    ApiPath(VersionPath { id, version }): ApiPath<VersionPath>,
) -> ApiResult<Json<PromptVersion>> {
    state.as_user(&user, async |tx| prompts::get_version(tx, id, version).await).await.map(Json)
}

/// Make an existing version current again (creates no version).
#[utoipa::path(post, path = "/prompts/{id}/restore", tag = "prompts", params(PromptPath),
    request_body = RestorePromptVersion, responses((status = 200, body = PromptDetail)))]
pub async fn restore_prompt_version(
    state: AppState,
    Authenticated(user): Authenticated,
    ApiPath(PromptPath { id }): ApiPath<PromptPath>,
    ApiJson(req): ApiJson<RestorePromptVersion>,
) -> ApiResult<Json<PromptDetail>> {
    state.as_user(&user, async |tx| prompts::restore(tx, id, req.version).await).await.map(Json)
}

// ---- helpers ----------------------------------------------------------------------------------

fn rule(code: &'static str, message: String) -> ValidationError {
    ValidationError::new(code).with_message(message.into())
}

fn valid_tags(tags: &[String]) -> Result<(), ValidationError> {
    if tags.len() as u64 > TAGS_MAX {
        return Err(rule("length", format!("at most {TAGS_MAX} tags")));
    }
    match tags
        .iter()
        .position(|t| !(1..=TAG_MAX_CHARS).contains(&(t.trim().chars().count() as u64)))
    {
        Some(i) => {
            Err(rule("tag_length", format!("tag {i} must be 1 to {TAG_MAX_CHARS} characters")))
        }
        None => Ok(()),
    }
}

pub(crate) fn valid_body(body: &str) -> Result<(), ValidationError> {
    if (1..=BODY_MAX_BYTES).contains(&body.len()) {
        Ok(())
    } else {
        Err(rule("size", format!("must be 1 byte to {} KiB", BODY_MAX_BYTES / 1024)))
    }
}

/// Render a prompt without running it (editors): a typed `body` or a saved version, with
/// `variables` and optionally a dataset row; the placeholders found and those without a value
/// (left as `{{name}}`), the estimated input tokens (about 4 characters each) and what the input
/// would cost on each of `models` at catalog prices.
#[utoipa::path(post, path = "/prompts/render", tag = "prompts", params(OrgHeader),
    request_body = RenderPrompt, responses((status = 200, body = runs::Preview)))]
pub async fn render_prompt(
    state: AppState,
    Authenticated(user): Authenticated,
    ActingOrg(org): ActingOrg,
    ApiJson(req): ApiJson<RenderPrompt>,
) -> ApiResult<Json<runs::Preview>> {
    let request = runs::PreviewRequest::try_from(req)?;
    let (providers, limits) = (&state.providers, &state.settings.run_limits);
    state
        .as_user(&user, async |tx| runs::preview(tx, org, providers, limits, &request).await)
        .await
        .map(Json)
}
