//! The HTTP routes, one module per resource, with their request and response types beside them.

pub mod analytics;
pub mod api_keys;
pub mod datasets;
pub mod deployments;
pub mod grading;
pub mod health;
pub mod models;
pub mod orgs;
pub mod prompts;
pub mod provider_keys;
pub mod runs;
pub mod webhooks;

use axum::http::{HeaderMap, HeaderValue, header};
use platform::pagination::{DEFAULT_LIMIT, MAX_LIMIT, Page, PageRequest};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use validator::Validate;

use crate::state::AppState;

/// Every route, as documented in the OpenAPI spec.
pub fn router() -> OpenApiRouter<AppState> {
    let v1 = OpenApiRouter::new()
        .merge(prompts::router())
        .merge(datasets::router())
        .merge(runs::router())
        .merge(grading::router())
        .merge(models::router())
        .merge(orgs::router())
        .merge(api_keys::router())
        .merge(provider_keys::router())
        .merge(deployments::router())
        .merge(webhooks::router())
        .merge(analytics::router());
    OpenApiRouter::new().merge(health::router()).nest("/v1", v1)
}

/// One page of a list; pass `next_cursor` as `cursor` to get the next one.
#[derive(Debug, Serialize, ToSchema)]
pub struct PageOf<T> {
    pub items: Vec<T>,
    /// `null` on the last page.
    pub next_cursor: Option<String>,
}

impl<T> From<Page<T>> for PageOf<T> {
    fn from(page: Page<T>) -> Self {
        Self { items: page.items, next_cursor: page.next_cursor }
    }
}

/// The query of a list that has nothing but pages.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page size, 1-200 (default 50).
    #[validate(range(min = 1, max = MAX_LIMIT))]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl PageQuery {
    pub fn request(self) -> PageRequest {
        page_request(self.limit, self.cursor)
    }
}

/// The `limit` and `cursor` query parameters every list accepts.
pub fn page_request(limit: Option<u32>, cursor: Option<String>) -> PageRequest {
    PageRequest { limit: limit.unwrap_or(DEFAULT_LIMIT), cursor }
}

/// Tells "absent" (`None`) from "null" (`Some(None)`) for PATCH fields:
/// `#[serde(default, deserialize_with = "crate::routes::present")]`.
pub fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(deserializer).map(Some)
}

/// A `Location` header for a created resource.
pub fn location(path: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(header::LOCATION, HeaderValue::from_str(path).expect("paths are ASCII"));
    headers
}
