//! Prometheus metrics at `/metrics`: HTTP requests and latency by route and status, cells by
//! status, queue depth, and LLM calls, latency and errors by provider (recorded where they
//! happen, through the `metrics` facade). Per process; scrape every instance.

use std::{sync::OnceLock, time::Instant};

use axum::{
    extract::{MatchedPath, Request},
    http::{HeaderValue, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::{error::ApiResult, state::AppState};

/// Latency buckets, in seconds: from a cache hit to a slow model.
const BUCKETS: &[f64] =
    &[0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0];

/// The process's recorder, installed on first use.
pub fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), BUCKETS)
            .expect("buckets are not empty")
            .build_recorder();
        let handle = recorder.handle();
        // Another recorder already installed (only in tests that build several apps) is fine.
        let _ = metrics::set_global_recorder(recorder);
        handle
    })
}

/// Counts every request and its latency by method, route (the pattern, not the path: ids would
/// explode the label set) and status.
pub async fn record(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let response = next.run(request).await;
    let labels =
        [("method", method), ("route", route), ("status", response.status().as_u16().to_string())];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_request_duration_seconds", &labels)
        .record(started.elapsed().as_secs_f64());
    response
}

/// The metrics in Prometheus' text format (no authentication: expose it on an internal network).
pub async fn render(state: AppState) -> ApiResult<Response> {
    let queued = runs::queue::depth(&state.db).await?;
    metrics::gauge!("promptrefine_queue_depth").set(queued as f64);
    let handle = handle();
    handle.run_upkeep();
    let content_type = HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8");
    Ok(([(header::CONTENT_TYPE, content_type)], handle.render()).into_response())
}
