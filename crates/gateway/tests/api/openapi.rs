//! The committed OpenAPI document is exactly what the code produces.

use std::path::PathBuf;

use axum::http::{Method, StatusCode};

use crate::support::TestApp;

fn committed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../openapi/openapi.json")
}

#[test]
fn committed_openapi_json_matches_the_code() {
    let (_, api) = gateway::app::api();
    let generated = format!("{}\n", api.to_pretty_json().unwrap());
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(committed_path(), &generated).unwrap();
    }
    let committed = std::fs::read_to_string(committed_path()).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi/openapi.json is stale: run `UPDATE_OPENAPI=1 cargo test -p gateway --test api openapi` \
         (or `cargo run --bin promptrefine -- openapi > openapi/openapi.json`) and commit it"
    );
}

#[tokio::test]
async fn the_served_document_is_openapi_3_1_with_bearer_auth() {
    let app = TestApp::new().await;
    let response = app.send(Method::GET, "/openapi.json", None, None).await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.body["openapi"], "3.1.0");
    assert_eq!(response.body["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    let (_, api) = gateway::app::api();
    assert_eq!(response.body, serde_json::to_value(api).unwrap());
}

#[test]
fn every_reference_in_the_document_resolves() {
    fn refs<'a>(value: &'a serde_json::Value, out: &mut Vec<&'a str>) {
        match value {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::String(reference)) = map.get("$ref") {
                    out.push(reference);
                }
                map.values().for_each(|v| refs(v, out));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let (_, api) = gateway::app::api();
    let document = serde_json::to_value(api).unwrap();
    let mut all = Vec::new();
    refs(&document, &mut all);
    assert!(!all.is_empty());
    for reference in all {
        let pointer = reference.strip_prefix('#').expect("local references only");
        assert!(document.pointer(pointer).is_some(), "{reference} does not resolve");
    }
}

#[tokio::test]
async fn the_dataset_file_is_served_with_a_content_type_the_document_lists() {
    let app = TestApp::new().await;
    let (_, api) = gateway::app::api();
    let document = serde_json::to_value(api).unwrap();
    let documented = document
        .pointer("/paths/~1v1~1datasets~1{id}~1file/get/responses/200/content")
        .and_then(|content| content.as_object())
        .expect("the download documents its content");
    for (file_name, data) in [
        ("a.csv", &b"q\n1\n"[..]),
        ("a.json", &b"[{\"q\": 1}]"[..]),
        ("a.jsonl", &b"{\"q\": 1}\n"[..]),
    ] {
        let upload = app
            .upload(
                "/v1/datasets",
                crate::support::USER_A,
                &[crate::support::Part::file(file_name, data)],
            )
            .await;
        let path = format!("/v1/datasets/{}/file", crate::support::id(&upload.body));
        let download = app.get(&path, crate::support::USER_A).await;
        let served = download.header("content-type").unwrap();
        assert!(documented.contains_key(served), "{served} is sent but not documented");
    }
}
