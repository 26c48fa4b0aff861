//! Every request's id: the caller's `x-request-id` when it is a sane token (so a trace can span
//! the frontend and us), a fresh UUID otherwise; echoed on the response, put in every problem
//! body and every log line of the request.

use axum::{
    extract::Request,
    http::{HeaderName, HeaderValue},
    middleware::Next,
    response::Response,
};
use uuid::Uuid;

pub const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The id of the request being handled, if any.
pub fn current_request_id() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

/// Gives every request an id: the caller's `x-request-id` when it is a sane token (so a trace
/// can span the frontend and us), a fresh UUID otherwise. Echoed on the response.
pub async fn request_id(mut request: Request, next: Next) -> Response {
    let id = request
        .headers()
        .get(&X_REQUEST_ID)
        .and_then(|value| value.to_str().ok())
        .filter(|id| {
            (1..=64).contains(&id.len())
                && id.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
        })
        .map_or_else(|| Uuid::new_v4().to_string(), str::to_owned);
    let header = HeaderValue::from_str(&id).expect("request ids are visible ASCII");
    request.headers_mut().insert(X_REQUEST_ID, header.clone());
    let mut response = REQUEST_ID.scope(id, next.run(request)).await;
    response.headers_mut().insert(X_REQUEST_ID, header);
    response
}
