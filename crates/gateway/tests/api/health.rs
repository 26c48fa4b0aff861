//! Liveness, readiness and the documentation routes need no token.

use axum::http::{Method, StatusCode};

use crate::support::TestApp;

#[tokio::test]
async fn health_ready_and_docs_answer_without_a_token() {
    let app = TestApp::new().await;
    let health = app.send(Method::GET, "/health", None, None).await;
    assert_eq!((health.status, health.body["status"].as_str()), (StatusCode::OK, Some("ok")));
    let ready = app.send(Method::GET, "/ready", None, None).await;
    assert_eq!((ready.status, ready.body["status"].as_str()), (StatusCode::OK, Some("ready")));

    let docs = app.send(Method::GET, "/docs/", None, None).await;
    assert_eq!(docs.status, StatusCode::OK);
    assert!(String::from_utf8_lossy(&docs.raw).contains("swagger-ui"));
}

#[tokio::test]
async fn ready_is_503_when_the_database_is_gone() {
    let app = TestApp::new().await;
    app.close_database().await;
    let ready = app.send(Method::GET, "/ready", None, None).await;
    assert_eq!((ready.status, ready.code()), (StatusCode::SERVICE_UNAVAILABLE, "not_ready"));
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_cells_and_model_calls() {
    let app = TestApp::new().await;
    let prompt = crate::support::prompt(&app, "Hi {{name}}").await;
    let body = serde_json::json!({"prompt_id": prompt["id"], "variables": {"name": "x"},
                                  "models": [{"provider": "mock", "model": "echo"}]});
    assert_eq!(crate::support::start_run(&app, &body, 30).await.body["status"], "completed");
    app.get("/v1/prompts/not-an-id", crate::support::USER_A).await;

    let metrics = app.send(Method::GET, "/metrics", None, None).await;
    assert_eq!(metrics.status, StatusCode::OK);
    assert!(metrics.header("content-type").unwrap().starts_with("text/plain"));
    let text = String::from_utf8(metrics.raw).unwrap();
    for needle in [
        r#"http_requests_total{method="POST",route="/v1/prompts",status="201"}"#,
        r#"http_requests_total{method="GET",route="/v1/prompts/{id}",status="400"}"#,
        "http_request_duration_seconds_bucket{",
        r#"promptrefine_cells_total{status="succeeded"}"#,
        r#"promptrefine_llm_requests_total{provider="mock",outcome="ok"}"#,
        "promptrefine_llm_request_duration_seconds_bucket{",
        "promptrefine_queue_depth 0",
    ] {
        assert!(text.contains(needle), "{needle} missing from:\n{text}");
    }
}
