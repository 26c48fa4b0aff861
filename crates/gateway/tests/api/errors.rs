//! The error contract: problem+json everywhere, with the request id, never axum's plain text.

use axum::{
    body::Body,
    http::{Method, Request, StatusCode, header},
};
use serde_json::json;

use crate::support::{TestApp, USER_A};

#[tokio::test]
async fn problems_carry_the_request_id_of_the_response() {
    let app = TestApp::new().await;
    let response = app.get("/v1/prompts/00000000-0000-4000-8000-000000000000", USER_A).await;
    assert_eq!(response.status, StatusCode::NOT_FOUND);
    let request_id = response.header("x-request-id").unwrap();
    assert_eq!(response.body["request_id"], request_id);
    assert_eq!(response.body["type"], "urn:promptrefine:problem:not_found");
    assert_eq!(response.body["title"], "Not Found");
    assert_eq!(response.body["status"], 404);
}

#[tokio::test]
async fn a_sane_caller_request_id_is_kept_and_a_hostile_one_replaced() {
    let app = TestApp::new().await;
    let with_id = |id: &str| {
        Request::builder().uri("/health").header("x-request-id", id).body(Body::empty()).unwrap()
    };
    let kept = app.call(with_id("frontend-trace-42")).await;
    assert_eq!(kept.header("x-request-id"), Some("frontend-trace-42"));
    let replaced = app.call(with_id("evil\tvalue with spaces")).await;
    assert_ne!(replaced.header("x-request-id"), Some("evil\tvalue with spaces"));
    assert_eq!(replaced.header("x-request-id").unwrap().len(), 36);
}

#[tokio::test]
async fn routing_and_body_failures_are_problems_too() {
    let app = TestApp::new().await;
    let unknown = app.get("/v1/nothing-here", USER_A).await;
    assert_eq!((unknown.status, unknown.code()), (StatusCode::NOT_FOUND, "not_found"));

    let wrong_method = app.send(Method::PUT, "/v1/prompts", Some(&USER_A.token()), None).await;
    assert_eq!(
        (wrong_method.status, wrong_method.code()),
        (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed")
    );
    assert!(wrong_method.header("allow").unwrap().contains("GET"));

    let request = |content_type: &str, body: String| {
        Request::builder()
            .method(Method::POST)
            .uri("/v1/prompts")
            .header(header::AUTHORIZATION, format!("Bearer {}", USER_A.token()))
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .unwrap()
    };
    let malformed = app.call(request("application/json", "{\"name\": ".into())).await;
    assert_eq!((malformed.status, malformed.code()), (StatusCode::BAD_REQUEST, "malformed_json"));

    let not_json = app.call(request("text/plain", "name=x".into())).await;
    assert_eq!(
        (not_json.status, not_json.code()),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
    );

    let with_charset = app
        .call(request(
            "application/json; charset=utf-8",
            json!({"name": "n", "kind": "grader", "body": "b"}).to_string(),
        ))
        .await;
    assert_eq!(with_charset.status, StatusCode::CREATED);

    let huge = app
        .call(request("application/json", format!("{{\"body\": \"{}\"}}", "x".repeat(2 << 20))))
        .await;
    assert_eq!((huge.status, huge.code()), (StatusCode::PAYLOAD_TOO_LARGE, "unreadable_body"));
    assert_eq!(huge.header("content-type"), Some("application/problem+json"));
}
