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

#[tokio::test]
async fn nul_characters_in_bodies_queries_and_forms_are_422s_naming_the_field() {
    let app = TestApp::new().await;
    let cases = [
        (json!({"name": "a\u{0}b", "kind": "generator", "body": "x"}), "name"),
        (json!({"name": "n", "kind": "generator", "body": "x\u{0}"}), "body"),
        (
            json!({"name": "n", "kind": "generator", "body": "x", "tags": ["ok", "b\u{0}d"]}),
            "tags[1]",
        ),
    ];
    for (body, field) in cases {
        let response = app.post("/v1/prompts", USER_A, &body).await;
        assert_eq!(
            response.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {:?}",
            response.body
        );
        assert_eq!(response.error_fields(), [field]);
        assert_eq!(response.body["errors"][0]["code"], "nul_character");
    }
    for (query, field) in [("q=a%00b", "q"), ("tag=%00", "tag")] {
        let response = app.get(&format!("/v1/prompts?{query}"), USER_A).await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert_eq!(response.error_fields(), [field]);
    }
    let form = app
        .upload(
            "/v1/datasets",
            USER_A,
            &[
                crate::support::Part::text("name", "a\0b"),
                crate::support::Part::file("x.csv", b"a\n1\n"),
            ],
        )
        .await;
    assert_eq!(
        (form.status, form.error_fields()),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["name"])
    );
    assert_eq!(app.count("prompt").await + app.count("dataset").await, 0);
}

#[tokio::test]
async fn a_body_that_is_not_an_object_is_refused_even_where_every_field_is_optional() {
    let app = TestApp::new().await;
    let created = app
        .post("/v1/prompts", USER_A, &json!({"name": "n", "kind": "generator", "body": "x"}))
        .await;
    let path = format!("/v1/prompts/{}", created.body["id"].as_str().unwrap());
    for body in [json!([null, null]), json!(null), json!("name")] {
        let response = app.patch(&path, USER_A, &body).await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(response.error_fields(), ["body"]);
    }
}

#[tokio::test]
async fn a_json_dataset_value_postgres_cannot_store_is_a_422_not_a_500() {
    let app = TestApp::new().await;
    let file = crate::support::Part::file("x.jsonl", br#"{"a": "lone \ud800 surrogate"}"#);
    let response = app.upload("/v1/datasets", USER_A, &[file]).await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", response.body);
    assert_eq!(response.code(), "invalid_file");
    assert_eq!(app.count("dataset").await, 0);
}
