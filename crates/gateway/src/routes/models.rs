//! `/v1/models`: the model catalog, with prices and whether this server can call each model.

use axum::Json;
use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    error::ApiResult,
    extract::{ActingOrg, OrgHeader, Reader},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_models))
}

/// A model of the catalog.
#[derive(Debug, Serialize, ToSchema)]
pub struct ModelView {
    #[schema(example = "openai")]
    pub provider: String,
    #[schema(example = "gpt-4o-mini")]
    pub model: String,
    #[schema(example = "GPT-4o mini")]
    pub label: String,
    /// USD per million input tokens.
    #[schema(example = 0.15)]
    pub input_per_mtok: f64,
    /// USD per million output tokens.
    #[schema(example = 0.6)]
    pub output_per_mtok: f64,
    /// When the prices were taken from the provider's price list.
    pub prices_as_of: Option<NaiveDate>,
    /// Whether it can be called now for the organization: with the organization's own key for
    /// its provider (`PUT /v1/provider-keys/{provider}`), or the server's key or URL.
    pub usable: bool,
}

/// The models of the catalog. `ollama` and `custom` (self-hosted, OpenAI-compatible servers)
/// also accept any model name they serve, at no cost.
#[derive(Debug, Serialize, ToSchema)]
pub struct ModelsView {
    pub items: Vec<ModelView>,
}

/// List the models runs can use, with prices, and whether the organization (`X-Org-Id`) can
/// call each now.
#[utoipa::path(get, path = "/models", tag = "runs", params(OrgHeader),
    responses((status = 200, body = ModelsView)))]
pub async fn list_models(
    state: AppState,
    Reader(user): Reader,
    ActingOrg(org): ActingOrg,
) -> ApiResult<Json<ModelsView>> {
    let own = state
        .as_user(&user, async |tx| providers::own_keys::providers_with_keys(tx, org).await)
        .await?;
    let server = state.providers.server();
    let items = server
        .catalog()
        .models()
        .iter()
        .map(|m| ModelView {
            usable: server.is_configured(&m.provider) || own.contains(&m.provider),
            provider: m.provider.clone(),
            model: m.model.clone(),
            label: m.label.clone(),
            input_per_mtok: m.input_per_mtok,
            output_per_mtok: m.output_per_mtok,
            prices_as_of: m.prices_as_of,
        })
        .collect();
    Ok(Json(ModelsView { items }))
}
