//! `/v1/models`: the model catalog, with prices and whether this server can call each model.

use axum::Json;
use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{error::ApiResult, extract::Reader, state::AppState};

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
    /// Whether this server can call it now (its provider's key or URL is configured).
    pub usable: bool,
}

/// The models of the catalog. `ollama` and `custom` (self-hosted, OpenAI-compatible servers)
/// also accept any model name they serve, at no cost.
#[derive(Debug, Serialize, ToSchema)]
pub struct ModelsView {
    pub items: Vec<ModelView>,
}

/// List the models runs can use, with prices.
#[utoipa::path(get, path = "/models", tag = "runs", responses((status = 200, body = ModelsView)))]
pub async fn list_models(state: AppState, _: Reader) -> ApiResult<Json<ModelsView>> {
    let items = state
        .providers
        .catalog()
        .models()
        .iter()
        .map(|m| ModelView {
            usable: state.providers.is_configured(&m.provider),
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
