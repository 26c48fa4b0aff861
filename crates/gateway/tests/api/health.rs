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
    app.test_db.db.pool().close().await;
    let ready = app.send(Method::GET, "/ready", None, None).await;
    assert_eq!((ready.status, ready.code()), (StatusCode::SERVICE_UNAVAILABLE, "not_ready"));
}
