//! `/v1/api-keys`: an organization's API keys, for its servers (admins; users only).

use axum::{
    Json,
    http::{HeaderMap, StatusCode},
};
use chrono::{DateTime, Utc};
use orgs::{ApiKey, ApiKeyId, CreatedApiKey, NewApiKey};
use platform::{Name, auth::Scope};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use validator::{Validate, ValidationError};

use crate::{
    error::ApiResult,
    extract::{ActingOrg, ApiJson, ApiPath, ApiQuery, Authenticated, OrgHeader},
    routes::{PageOf, PageQuery, location},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_api_keys, create_api_key))
        .routes(routes!(revoke_api_key))
}

/// A key to make.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateApiKey {
    /// What it is for, 1-200 characters.
    #[schema(value_type = String, example = "Production backend")]
    pub name: Name,
    /// `read`: the GET endpoints of the organization's prompts, datasets and runs; `execute`:
    /// its deployments.
    #[validate(length(min = 1, max = 2))]
    pub scopes: Vec<Scope>,
    /// When it stops working; never, without one.
    #[validate(custom(function = "in_the_future"))]
    pub expires_at: Option<DateTime<Utc>>,
}

/// `/api-keys/{id}`
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ApiKeyPath {
    #[param(value_type = Uuid)]
    pub id: ApiKeyId,
}

fn in_the_future(at: &DateTime<Utc>) -> Result<(), ValidationError> {
    if *at > Utc::now() {
        Ok(())
    } else {
        Err(ValidationError::new("past").with_message("must be in the future".into()))
    }
}

/// List the organization's keys that are not revoked, newest first (admins). Never the keys.
#[utoipa::path(get, path = "/api-keys", tag = "orgs", params(OrgHeader, PageQuery),
    responses((status = 200, body = PageOf<ApiKey>)))]
pub async fn list_api_keys(
    state: AppState,
    Authenticated(user): Authenticated,
    ActingOrg(org): ActingOrg,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> ApiResult<Json<PageOf<ApiKey>>> {
    let page = query.request();
    let page = state.as_user(&user, async |tx| orgs::list_keys(tx, org, &page).await).await?;
    Ok(Json(page.into()))
}

/// Make an API key of the organization (admins). The response holds the key, shown only this
/// once: `Authorization: Bearer pr_live_...`.
#[utoipa::path(post, path = "/api-keys", tag = "orgs", params(OrgHeader),
    request_body = CreateApiKey,
    responses((status = 201, body = CreatedApiKey, headers(("location" = String)))))]
pub async fn create_api_key(
    state: AppState,
    Authenticated(user): Authenticated,
    ActingOrg(org): ActingOrg,
    ApiJson(req): ApiJson<CreateApiKey>,
) -> ApiResult<(StatusCode, HeaderMap, Json<CreatedApiKey>)> {
    let new = NewApiKey { name: req.name, scopes: req.scopes, expires_at: req.expires_at };
    let created = state.as_user(&user, async |tx| orgs::create_key(tx, org, new).await).await?;
    let location = location(&format!("/v1/api-keys/{}", created.api_key.id));
    Ok((StatusCode::CREATED, location, Json(created)))
}

/// Revoke an API key (admins of its organization): it stops working at once.
#[utoipa::path(delete, path = "/api-keys/{id}", tag = "orgs", params(ApiKeyPath),
    responses((status = 204, description = "Revoked")))]
pub async fn revoke_api_key(
    state: AppState,
    Authenticated(user): Authenticated,
    ApiPath(ApiKeyPath { id }): ApiPath<ApiKeyPath>,
) -> ApiResult<StatusCode> {
    state.as_user(&user, async |tx| orgs::revoke_key(tx, id).await).await?;
    Ok(StatusCode::NO_CONTENT)
}
