//! Cross-cutting request handling: the request's log span, and turning every error response
//! (ours, axum's, a layer's, a panic) into problem+json.

use axum::{
    extract::Request,
    http::{StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use tower_http::trace::{MakeSpan, OnResponse};
use tracing::{Level, Span};

use crate::{
    error::{ApiError, ErrorCause, PROBLEM_JSON},
    request_id::X_REQUEST_ID,
};

/// Logs the cause of an error response once, inside the request span, and replaces any error
/// response that is not problem+json (unknown route, wrong method, body too large, a panic).
pub async fn problem_responses(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    if let Some(ErrorCause(cause)) = response.extensions().get::<ErrorCause>() {
        let error = describe(cause.as_ref());
        if status.is_server_error() {
            tracing::error!(%error, "request failed");
        } else {
            tracing::warn!(%error, "request refused");
        }
    }
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|ct| ct.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    if !(status.is_client_error() || status.is_server_error()) || is_problem {
        return response;
    }
    let (code, detail) = match status {
        StatusCode::NOT_FOUND => ("not_found", "There is no such route; see /docs for the API."),
        StatusCode::METHOD_NOT_ALLOWED => {
            ("method_not_allowed", "This route does not accept that method; see /docs.")
        }
        StatusCode::PAYLOAD_TOO_LARGE => ("payload_too_large", "The request body is too large."),
        StatusCode::INTERNAL_SERVER_ERROR => {
            tracing::error!("request failed without an error value (a panic?)");
            (
                "internal_error",
                "Something went wrong on our side; the request id identifies it in our logs.",
            )
        }
        _ if status.is_server_error() => {
            ("internal_error", "The server could not handle the request.")
        }
        _ => ("bad_request", "The request could not be handled."),
    };
    let mut problem = ApiError::new(status, code, detail).into_response();
    // Keep what the original response said about methods or retries.
    for name in [header::ALLOW, header::RETRY_AFTER] {
        if let Some(value) = response.headers().get(&name) {
            problem.headers_mut().insert(name, value.clone());
        }
    }
    problem
}

/// An error cause for the log: what failed, never the data it failed on. A database error's
/// Debug form carries PostgreSQL's DETAIL and CONTEXT, which quote rows (a failed COPY shows a
/// dataset row) and statements (ours open with the caller's claims): only its SQLSTATE, names
/// and message are written.
fn describe(cause: &(dyn std::error::Error + 'static)) -> String {
    let mut current = Some(cause);
    while let Some(error) = current {
        if let Some(db) = error.downcast_ref::<sqlx::Error>() {
            return platform::db::describe(db);
        }
        current = error.source();
    }
    cause.to_string()
}

/// The span of one request: method, route, request id, and (once authenticated) the user id or
/// the API key's id (never the key).
/// Never the query string or headers, which can carry search text and tokens.
#[derive(Debug, Clone, Copy)]
pub struct RequestSpan;

impl<B> MakeSpan<B> for RequestSpan {
    fn make_span(&mut self, request: &axum::http::Request<B>) -> Span {
        let route = request
            .extensions()
            .get::<axum::extract::MatchedPath>()
            .map_or_else(|| request.uri().path().to_owned(), |p| p.as_str().to_owned());
        let request_id = request.headers().get(&X_REQUEST_ID).and_then(|v| v.to_str().ok());
        tracing::info_span!(
            "request",
            method = %request.method(),
            route,
            request_id,
            user.id = tracing::field::Empty,
            api_key.id = tracing::field::Empty,
        )
    }
}

/// One log line per response, with status and latency.
#[derive(Debug, Clone, Copy)]
pub struct LogResponse;

impl<B> OnResponse<B> for LogResponse {
    fn on_response(self, response: &Response<B>, latency: std::time::Duration, _: &Span) {
        let status = response.status().as_u16();
        let latency_ms = latency.as_secs_f64() * 1000.0;
        if response.status().is_server_error() {
            tracing::event!(Level::ERROR, status, latency_ms, "response");
        } else {
            tracing::event!(Level::INFO, status, latency_ms, "response");
        }
    }
}
