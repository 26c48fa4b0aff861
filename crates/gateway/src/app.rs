//! The router: every route, the OpenAPI document and Swagger UI, and the middleware stack.

use std::time::Duration;

use axum::{
    Router,
    extract::DefaultBodyLimit,
    http::{HeaderName, Method, header},
    middleware::from_fn,
    routing::get,
};
use tower::ServiceBuilder;
use tower_http::{
    catch_panic::CatchPanicLayer,
    cors::{AllowOrigin, CorsLayer},
    trace::TraceLayer,
};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_swagger_ui::SwaggerUi;

use crate::{
    middleware::{LogResponse, RequestSpan, problem_responses},
    openapi::{ApiDoc, add_problem_responses},
    request_id::{X_REQUEST_ID, request_id},
    routes,
    settings::CorsOrigins,
    state::AppState,
};

/// JSON bodies are small (a prompt body is at most 100 KiB); uploads raise this per route.
const JSON_BODY_LIMIT: usize = 1024 * 1024;

/// The routes and their OpenAPI document.
pub fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut api) =
        OpenApiRouter::with_openapi(ApiDoc::openapi()).merge(routes::router()).split_for_parts();
    add_problem_responses(&mut api);
    (router, api)
}

/// The whole application, ready to serve.
pub fn router(state: AppState) -> Router {
    let (routes, api) = api();
    let middleware = ServiceBuilder::new()
        .layer(cors_layer(&state.settings.cors))
        .layer(from_fn(request_id))
        .layer(from_fn(crate::metrics::record))
        .layer(TraceLayer::new_for_http().make_span_with(RequestSpan).on_response(LogResponse))
        .layer(from_fn(problem_responses))
        .layer(CatchPanicLayer::new())
        .layer(DefaultBodyLimit::max(JSON_BODY_LIMIT));
    // Installed before the first request, so that nothing recorded early is lost.
    crate::metrics::handle();
    routes
        .merge(SwaggerUi::new("/docs").url("/openapi.json", api))
        .route("/metrics", get(crate::metrics::render))
        .layer(middleware)
        .with_state(state)
}

fn cors_layer(origins: &CorsOrigins) -> CorsLayer {
    let allow_origin = match origins {
        CorsOrigins::None => return CorsLayer::new(),
        CorsOrigins::Any => AllowOrigin::any(),
        CorsOrigins::List(list) => AllowOrigin::list(list.clone()),
    };
    CorsLayer::new()
        .allow_origin(allow_origin)
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            X_REQUEST_ID,
            HeaderName::from_static(crate::extract::ORG_HEADER),
            HeaderName::from_static("last-event-id"),
        ])
        .expose_headers([
            X_REQUEST_ID,
            header::LOCATION,
            header::CONTENT_DISPOSITION,
            header::RETRY_AFTER,
            HeaderName::from_static("ratelimit-limit"),
            HeaderName::from_static("ratelimit-remaining"),
            HeaderName::from_static("ratelimit-reset"),
        ])
        .max_age(Duration::from_secs(3600))
}
