//! `/v1/provider-keys`: an organization's own keys for the LLM providers, used for its calls in
//! preference to the server's (admins; the key is never shown again).

use axum::{Json, http::StatusCode};
use providers::own_keys::{NewProviderKey, ProviderKey};
use secrecy::SecretString;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use validator::Validate;

use crate::{
    error::ApiResult,
    extract::{ActingOrg, ApiJson, ApiPath, Authenticated, OrgHeader},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_provider_keys))
        .routes(routes!(put_provider_key, delete_provider_key))
}

/// A provider key to store.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutProviderKey {
    /// The provider's API key (up to 512 characters); stored encrypted, never returned.
    #[schema(value_type = String, example = "sk-...")]
    pub api_key: SecretString,
    /// Call this OpenAI-compatible (or Anthropic) endpoint instead of the provider's own API: a
    /// proxy or gateway. Not this machine, a private network or a metadata address.
    #[validate(length(min = 1, max = 2048))]
    #[schema(example = "https://llm-proxy.example.com/v1")]
    pub base_url: Option<String>,
}

/// `/provider-keys/{provider}`
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ProviderPath {
    /// `openai`, `anthropic`, `groq`, `cerebras`, `openrouter` or `together`.
    #[param(example = "openai")]
    pub provider: String,
}

/// The organization's provider keys (admins): provider, last four characters, when made and
/// last used. Never the keys.
#[utoipa::path(get, path = "/provider-keys", tag = "orgs", params(OrgHeader),
    responses((status = 200, body = Vec<ProviderKey>)))]
pub async fn list_provider_keys(
    state: AppState,
    Authenticated(user): Authenticated,
    ActingOrg(org): ActingOrg,
) -> ApiResult<Json<Vec<ProviderKey>>> {
    let keys = state.as_user(&user, async |tx| providers::own_keys::list(tx, org).await).await?;
    Ok(Json(keys))
}

/// Store the organization's key for a provider (admins), replacing the one it had: its runs,
/// grading and deployments call the provider with it from now on (other processes within
/// seconds), in preference to the server's key. 503 `provider_keys_disabled` when the server
/// has no `PROVIDER_KEYS_KEK`.
#[utoipa::path(put, path = "/provider-keys/{provider}", tag = "orgs",
    params(OrgHeader, ProviderPath), request_body = PutProviderKey,
    responses((status = 200, body = ProviderKey)))]
pub async fn put_provider_key(
    state: AppState,
    Authenticated(user): Authenticated,
    ActingOrg(org): ActingOrg,
    ApiPath(ProviderPath { provider }): ApiPath<ProviderPath>,
    ApiJson(req): ApiJson<PutProviderKey>,
) -> ApiResult<Json<ProviderKey>> {
    let config = &state.settings.own_keys;
    let new = NewProviderKey { api_key: req.api_key, base_url: req.base_url };
    let key = state
        .as_user(&user, async |tx| providers::own_keys::put(tx, config, org, &provider, new).await)
        .await?;
    state.providers.forget(org);
    Ok(Json(key))
}

/// Delete the organization's key for a provider (admins): its calls use the server's key again.
#[utoipa::path(delete, path = "/provider-keys/{provider}", tag = "orgs",
    params(OrgHeader, ProviderPath), responses((status = 204)))]
pub async fn delete_provider_key(
    state: AppState,
    Authenticated(user): Authenticated,
    ActingOrg(org): ActingOrg,
    ApiPath(ProviderPath { provider }): ApiPath<ProviderPath>,
) -> ApiResult<StatusCode> {
    state.as_user(&user, async |tx| providers::own_keys::delete(tx, org, &provider).await).await?;
    state.providers.forget(org);
    Ok(StatusCode::NO_CONTENT)
}
