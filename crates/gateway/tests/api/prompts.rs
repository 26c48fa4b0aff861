//! `/v1/prompts`: creation, versions, listing, isolation and validation.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::support::{TestApp, USER_A, USER_B, item_field};

fn new_prompt(name: &str) -> Value {
    json!({
        "name": name,
        "kind": "generator",
        "tags": ["support"],
        "body": "Answer {{question}} using {{ context }}. Again: {{question}}",
        "note": "first draft"
    })
}

async fn create(app: &TestApp, body: &Value) -> Value {
    let response = app.post("/v1/prompts", USER_A, body).await;
    assert_eq!(response.status, StatusCode::CREATED, "{:?}", response.body);
    response.body
}

#[tokio::test]
async fn creating_a_prompt_makes_version_1_with_its_placeholders() {
    let app = TestApp::new().await;
    let response = app
        .post(
            "/v1/prompts",
            USER_A,
            &json!({
                "name": "  Support reply  ", "kind": "generator", "tags": ["b", " a ", "b"],
                "body": "Answer {{question}} using {{ context }}. Again: {{question}}"
            }),
        )
        .await;
    assert_eq!(response.status, StatusCode::CREATED);
    let prompt = &response.body;
    let id = prompt["id"].as_str().unwrap();
    assert_eq!(response.header("location"), Some(format!("/v1/prompts/{id}").as_str()));
    assert_eq!(prompt["name"], "Support reply");
    assert_eq!(prompt["tags"], json!(["b", "a"]));
    assert_eq!(prompt["current_version"], 1);
    assert_eq!(prompt["latest_version"], 1);
    assert_eq!(prompt["version"]["version"], 1);
    assert_eq!(prompt["version"]["placeholders"], json!(["question", "context"]));
    assert_eq!(prompt["version"]["body_sha256"].as_str().unwrap().len(), 64);

    let fetched = app.get(&format!("/v1/prompts/{id}"), USER_A).await;
    assert_eq!(fetched.status, StatusCode::OK);
    assert_eq!(&fetched.body, prompt);
}

#[tokio::test]
async fn saving_versions_numbers_them_and_an_identical_body_creates_nothing() {
    let app = TestApp::new().await;
    let prompt = create(&app, &new_prompt("p")).await;
    let versions = format!("/v1/prompts/{}/versions", prompt["id"].as_str().unwrap());

    let v2 = app.post(&versions, USER_A, &json!({"body": "v2 {{x}}", "note": "shorter"})).await;
    assert_eq!(v2.status, StatusCode::CREATED);
    assert_eq!(
        (v2.body["version"].clone(), v2.body["placeholders"].clone()),
        (json!(2), json!(["x"]))
    );

    let same = app.post(&versions, USER_A, &json!({"body": "v2 {{x}}", "note": "again"})).await;
    assert_eq!(same.status, StatusCode::OK, "identical body: nothing new");
    assert_eq!(same.body["id"], v2.body["id"]);
    assert_eq!(same.body["note"], "shorter");

    let list = app.get(&versions, USER_A).await;
    assert_eq!(item_field(&list.body, "version"), [2, 1], "newest first");

    let v1 = app.get(&format!("{versions}/1"), USER_A).await;
    assert_eq!(v1.body["note"], "first draft");
    assert_eq!(app.get(&format!("{versions}/9"), USER_A).await.code(), "not_found");
}

#[tokio::test]
async fn twenty_concurrent_saves_get_consecutive_unique_numbers() {
    let app = TestApp::new().await;
    let prompt = create(&app, &new_prompt("busy")).await;
    let versions = format!("/v1/prompts/{}/versions", prompt["id"].as_str().unwrap());

    let saves = (0..20).map(|i| {
        let app = &app;
        let versions = versions.clone();
        async move { app.post(&versions, USER_A, &json!({"body": format!("body {i}")})).await }
    });
    let responses = futures::future::join_all(saves).await;
    let mut numbers: Vec<i64> = responses
        .iter()
        .map(|r| {
            assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
            r.body["version"].as_i64().unwrap()
        })
        .collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (2..=21).collect::<Vec<_>>());

    let detail = app.get(&format!("/v1/prompts/{}", prompt["id"].as_str().unwrap()), USER_A).await;
    assert_eq!(
        (&detail.body["current_version"], &detail.body["latest_version"]),
        (&json!(21), &json!(21))
    );
}

#[tokio::test]
async fn restoring_makes_an_old_version_current_without_a_new_one() {
    let app = TestApp::new().await;
    let prompt = create(&app, &new_prompt("p")).await;
    let id = prompt["id"].as_str().unwrap();
    app.post(&format!("/v1/prompts/{id}/versions"), USER_A, &json!({"body": "second"})).await;

    let restored =
        app.post(&format!("/v1/prompts/{id}/restore"), USER_A, &json!({"version": 1})).await;
    assert_eq!(restored.status, StatusCode::OK);
    assert_eq!(
        (restored.body["current_version"].as_i64(), restored.body["latest_version"].as_i64()),
        (Some(1), Some(2))
    );
    assert_eq!(restored.body["version"]["body"], prompt["version"]["body"]);

    // Saving the restored body again is a no-op; saving something new continues at 3.
    let same = app
        .post(
            &format!("/v1/prompts/{id}/versions"),
            USER_A,
            &json!({"body": prompt["version"]["body"]}),
        )
        .await;
    assert_eq!((same.status, same.body["version"].as_i64()), (StatusCode::OK, Some(1)));
    let next =
        app.post(&format!("/v1/prompts/{id}/versions"), USER_A, &json!({"body": "third"})).await;
    assert_eq!(next.body["version"], 3);

    let missing =
        app.post(&format!("/v1/prompts/{id}/restore"), USER_A, &json!({"version": 7})).await;
    assert_eq!((missing.status, missing.code()), (StatusCode::NOT_FOUND, "not_found"));
}

#[tokio::test]
async fn updating_metadata_keeps_omitted_fields_and_null_clears_the_description() {
    let app = TestApp::new().await;
    let mut body = new_prompt("p");
    body["description"] = json!("old");
    let prompt = create(&app, &body).await;
    let path = format!("/v1/prompts/{}", prompt["id"].as_str().unwrap());

    let renamed = app.patch(&path, USER_A, &json!({"name": " renamed "})).await;
    assert_eq!(renamed.status, StatusCode::OK);
    assert_eq!(
        (renamed.body["name"].as_str(), renamed.body["description"].as_str()),
        (Some("renamed"), Some("old"))
    );
    assert!(timestamp(&renamed.body["updated_at"]) > timestamp(&prompt["updated_at"]));

    let cleared = app.patch(&path, USER_A, &json!({"description": null, "tags": []})).await;
    assert_eq!(
        (cleared.body["description"].clone(), cleared.body["tags"].clone()),
        (Value::Null, json!([]))
    );
    assert_eq!(cleared.body["name"], "renamed");

    let unchanged = app.patch(&path, USER_A, &json!({})).await;
    assert_eq!(unchanged.body["updated_at"], cleared.body["updated_at"]);
}

#[tokio::test]
async fn deleting_a_prompt_removes_it_and_its_versions() {
    let app = TestApp::new().await;
    let prompt = create(&app, &new_prompt("p")).await;
    let path = format!("/v1/prompts/{}", prompt["id"].as_str().unwrap());
    assert_eq!(app.delete(&path, USER_A).await.status, StatusCode::NO_CONTENT);
    assert_eq!(app.get(&path, USER_A).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.delete(&path, USER_A).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("{path}/versions"), USER_A).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn lists_filter_by_kind_tag_and_name_and_page_with_a_cursor() {
    let app = TestApp::new().await;
    for (name, kind, tag) in
        [("Alpha one", "generator", "x"), ("Beta", "grader", "y"), ("alpha two", "generator", "y")]
    {
        create(&app, &json!({"name": name, "kind": kind, "tags": [tag], "body": "b"})).await;
    }
    let names = |response: &crate::support::TestResponse| -> Vec<String> {
        response.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_owned())
            .collect()
    };

    let all = app.get("/v1/prompts", USER_A).await;
    assert_eq!(names(&all), ["alpha two", "Beta", "Alpha one"], "most recently updated first");
    assert_eq!(all.body["next_cursor"], Value::Null);
    assert!(all.body["items"][0].get("version").is_none(), "lists carry no bodies");

    assert_eq!(names(&app.get("/v1/prompts?kind=grader", USER_A).await), ["Beta"]);
    assert_eq!(names(&app.get("/v1/prompts?tag=y", USER_A).await), ["alpha two", "Beta"]);
    assert_eq!(names(&app.get("/v1/prompts?q=ALPHA", USER_A).await), ["alpha two", "Alpha one"]);
    assert_eq!(
        names(&app.get("/v1/prompts?q=%25", USER_A).await),
        Vec::<String>::new(),
        "no LIKE wildcards"
    );

    let first = app.get("/v1/prompts?limit=2", USER_A).await;
    assert_eq!(names(&first), ["alpha two", "Beta"]);
    let cursor = first.body["next_cursor"].as_str().unwrap();
    let second = app.get(&format!("/v1/prompts?limit=2&cursor={cursor}"), USER_A).await;
    assert_eq!(names(&second), ["Alpha one"]);
    assert_eq!(second.body["next_cursor"], Value::Null);

    let bad = app.get("/v1/prompts?cursor=bogus", USER_A).await;
    assert_eq!((bad.status, bad.code()), (StatusCode::BAD_REQUEST, "invalid_cursor"));
}

#[tokio::test]
async fn another_users_prompt_is_not_found_on_every_endpoint_and_stays_intact() {
    let app = TestApp::new().await;
    let prompt = create(&app, &new_prompt("private")).await;
    let id = prompt["id"].as_str().unwrap();
    let path = format!("/v1/prompts/{id}");

    let attempts = [
        app.get(&path, USER_B).await,
        app.patch(&path, USER_B, &json!({"name": "mine now"})).await,
        app.delete(&path, USER_B).await,
        app.get(&format!("{path}/versions"), USER_B).await,
        app.get(&format!("{path}/versions/1"), USER_B).await,
        app.post(&format!("{path}/versions"), USER_B, &json!({"body": "hijacked"})).await,
        app.post(&format!("{path}/restore"), USER_B, &json!({"version": 1})).await,
    ];
    for response in attempts {
        assert_eq!((response.status, response.code()), (StatusCode::NOT_FOUND, "not_found"));
    }
    assert_eq!(app.get("/v1/prompts", USER_B).await.body["items"], json!([]));

    let untouched = app.get(&path, USER_A).await;
    assert_eq!(untouched.body, prompt);
}

#[tokio::test]
async fn invalid_bodies_are_refused_with_the_field_and_nothing_is_written() {
    let app = TestApp::new().await;
    let long_name = "n".repeat(201);
    let huge_body = "x".repeat(100 * 1024 + 1);
    let cases = [
        (json!({"name": "   ", "kind": "generator", "body": "b"}), "name"),
        (json!({"name": long_name, "kind": "generator", "body": "b"}), "name"),
        (json!({"name": "n", "kind": "judge", "body": "b"}), "kind"),
        (json!({"name": "n", "kind": "generator", "body": ""}), "body"),
        (json!({"name": "n", "kind": "generator", "body": huge_body}), "body"),
        (json!({"name": "n", "kind": "generator", "body": "b", "tags": vec!["t"; 21]}), "tags"),
        (json!({"name": "n", "kind": "generator", "body": "b", "tags": ["ok", ""]}), "tags"),
        (json!({"name": "n", "kind": "generator", "body": "b", "tags": "x"}), "tags"),
        (json!({"name": "n", "kind": "generator"}), "body"),
        (json!({"name": "n", "kind": "generator", "body": "b", "colour": "red"}), "colour"),
        (json!({"name": 5, "kind": "generator", "body": "b"}), "name"),
    ];
    for (body, field) in cases {
        let response = app.post("/v1/prompts", USER_A, &body).await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(response.code(), "validation_failed");
        assert_eq!(response.error_fields(), [field], "{body}");
    }
    assert_eq!(app.get("/v1/prompts", USER_A).await.body["items"], json!([]));
}

#[tokio::test]
async fn bad_paths_and_queries_name_the_parameter() {
    let app = TestApp::new().await;
    let bad_id = app.get("/v1/prompts/not-a-uuid", USER_A).await;
    assert_eq!((bad_id.status, bad_id.code()), (StatusCode::BAD_REQUEST, "invalid_path"));
    assert_eq!(bad_id.error_fields(), ["id"]);

    let prompt = create(&app, &new_prompt("p")).await;
    let bad_version = app
        .get(&format!("/v1/prompts/{}/versions/first", prompt["id"].as_str().unwrap()), USER_A)
        .await;
    assert_eq!(
        (bad_version.status, bad_version.error_fields()),
        (StatusCode::BAD_REQUEST, vec!["version"])
    );

    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("limit=ten", "limit"),
        ("kind=judge", "kind"),
    ] {
        let response = app.get(&format!("/v1/prompts?{query}"), USER_A).await;
        assert_eq!(
            (response.status, response.code()),
            (StatusCode::BAD_REQUEST, "invalid_query"),
            "{query}"
        );
        assert_eq!(response.error_fields(), [field], "{query}");
    }
}

fn timestamp(value: &Value) -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339(value.as_str().unwrap()).unwrap()
}
