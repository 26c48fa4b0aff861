//! The refinement loop before a run: a prompt rendered with a row and priced, and a run's cost
//! estimated without creating it.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestApp, USER_A, USER_B, USER_C, id, team};

/// The catalog's (input, output) prices per million tokens of a mock model.
async fn prices(app: &TestApp, model: &str) -> (f64, f64) {
    let models = app.get("/v1/models", USER_A).await.body;
    let entry = models["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["provider"] == "mock" && m["model"] == model)
        .unwrap_or_else(|| panic!("mock/{model} in {models}"))
        .clone();
    (entry["input_per_mtok"].as_f64().unwrap(), entry["output_per_mtok"].as_f64().unwrap())
}

#[tokio::test]
async fn a_prompt_renders_with_a_row_and_variables_and_is_priced() {
    let app = TestApp::new().await;
    let dataset =
        app.upload_csv(USER_A, "question,expected\nWhere is it?,x\nWhy is the sky blue?,y\n").await;
    let preview = app
        .post(
            "/v1/prompts/render",
            USER_A,
            &json!({
            "body": "{{tone}} answer to: {{question}} ({{who}})", "system": "Be {{tone}}.",
            "variables": {"tone": "A kind"}, "dataset_id": id(&dataset), "row_index": 1,
            "models": [{"provider": "mock", "model": "echo"}]}),
        )
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{:?}", preview.body);
    let body = &preview.body;
    assert_eq!(body["rendered"], "A kind answer to: Why is the sky blue? ({{who}})");
    assert_eq!(body["rendered_system"], "Be A kind.");
    assert_eq!(
        (&body["placeholders"], &body["missing"]),
        (&json!(["tone", "question", "who"]), &json!(["who"]))
    );
    let chars = "A kind answer to: Why is the sky blue? ({{who}})".len() + "Be A kind.".len();
    let tokens = body["estimated_tokens_in"].as_i64().unwrap();
    assert!(
        (chars as i64 / 4..=chars as i64 / 4 + 2).contains(&tokens),
        "{tokens} for {chars} chars"
    );
    let (input, _) = prices(&app, "echo").await;
    let priced = body["models"][0]["estimated_input_cost_usd"].as_f64().unwrap();
    assert!((priced - tokens as f64 * input / 1e6).abs() < 1e-12);

    // A saved version renders the same way.
    let prompt = app.create_prompt(USER_A, "Q: {{question}}").await;
    let version =
        app.get(&format!("/v1/prompts/{}", id(&prompt)), USER_A).await.body["version"]["id"]
            .clone();
    let saved = app
        .post(
            "/v1/prompts/render",
            USER_A,
            &json!({"prompt_version_id": version, "variables": {"question": "hi"}}),
        )
        .await;
    assert_eq!((saved.status, &saved.body["rendered"]), (StatusCode::OK, &json!("Q: hi")));
}

#[tokio::test]
async fn a_preview_refuses_what_it_cannot_render_and_what_is_not_the_callers() {
    let app = TestApp::new().await;
    let app = &app;
    let render = async |body: Value| app.post("/v1/prompts/render", USER_A, &body).await;
    let both = render(json!({"body": "x", "prompt_version_id": uuid_of(0)})).await;
    assert_eq!(
        (both.status, both.error_fields()),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["body"])
    );
    let neither = render(json!({"variables": {}})).await;
    assert_eq!(neither.status, StatusCode::UNPROCESSABLE_ENTITY);
    let dataset = app.upload_csv(USER_A, "q\na\n").await;
    let past_end =
        render(json!({"body": "{{q}}", "dataset_id": id(&dataset), "row_index": 5})).await;
    assert_eq!(
        (past_end.status, past_end.error_fields()),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["row_index"])
    );
    let unknown_model =
        render(json!({"body": "x", "models": [{"provider": "mock", "model": "nope"}]})).await;
    assert_eq!(unknown_model.error_fields(), ["models[0]"]);

    // Another user's dataset and version are not found; a viewer may not preview.
    let theirs = app.upload_csv(USER_B, "q\nsecret\n").await;
    let prying = render(json!({"body": "{{q}}", "dataset_id": id(&theirs), "row_index": 0})).await;
    assert_eq!(prying.status, StatusCode::NOT_FOUND);
    let their_prompt = app.create_prompt(USER_B, "secret {{q}}").await;
    let their_version =
        app.get(&format!("/v1/prompts/{}", id(&their_prompt)), USER_B).await.body["version"]["id"]
            .clone();
    let borrowed = render(json!({"prompt_version_id": their_version})).await;
    assert_eq!(
        (borrowed.status, borrowed.error_fields()),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["prompt_version_id"])
    );
    let org = team(app, USER_A, &[(USER_C, "viewer")]).await;
    let viewer = app
        .send_with_org(
            Method::POST,
            "/v1/prompts/render",
            &USER_C.token(),
            &org,
            Some(&json!({"body": "x"})),
        )
        .await;
    assert_eq!(viewer.status, StatusCode::FORBIDDEN);
}

fn uuid_of(n: u8) -> String {
    format!("00000000-0000-4000-8000-0000000000{n:02}")
}

#[tokio::test]
async fn a_dry_run_estimates_without_creating_and_learns_from_past_runs() {
    let app = TestApp::new().await;
    let dataset = app.upload_csv(USER_A, &crate::support::questions(5)).await;
    let prompt = app.create_prompt(USER_A, "Answer: {{question}}").await;
    let request = json!({"prompt_id": id(&prompt), "dataset_id": id(&dataset), "models": [
        {"provider": "mock", "model": "echo", "params": {"max_tokens": 50}},
        {"provider": "mock", "model": "reverse"}]});

    let estimate = app.post("/v1/runs?dry_run=true", USER_A, &request).await;
    assert_eq!(estimate.status, StatusCode::OK, "{:?}", estimate.body);
    let e = &estimate.body;
    assert_eq!((&e["cells"], &e["rows_sampled"]), (&json!(10), &json!(5)));
    assert_eq!(
        (&e["models"][0]["output_basis"], &e["models"][0]["estimated_tokens_out"]),
        (&json!("max_tokens"), &json!(250))
    );
    assert_eq!(
        (&e["models"][1]["output_basis"], &e["models"][1]["estimated_tokens_out"]),
        (&json!("assumed"), &json!(256 * 5))
    );
    let (input, output) = prices(&app, "reverse").await;
    let m = &e["models"][1];
    let want = (m["estimated_tokens_in"].as_f64().unwrap() * input
        + m["estimated_tokens_out"].as_f64().unwrap() * output)
        / 1e6;
    assert!((m["estimated_cost_usd"].as_f64().unwrap() - want).abs() < 1e-12);
    assert_eq!(app.count("run").await, 0, "nothing was created");

    // After a real run, the model's past outputs are the estimate.
    let run = app.post("/v1/runs?wait=30", USER_A, &request).await.body;
    let cells = crate::support::cells(&app, id(&run)).await;
    let reversed: Vec<i64> = cells
        .iter()
        .filter(|c| c["model_id"] == run["models"][1]["id"])
        .map(|c| c["tokens_out"].as_i64().unwrap())
        .collect();
    let mean = (reversed.iter().sum::<i64>() as f64 / reversed.len() as f64).ceil() as i64;
    let again = app.post("/v1/runs?dry_run=true", USER_A, &request).await.body;
    assert_eq!(
        (&again["models"][1]["output_basis"], &again["models"][1]["estimated_tokens_out"]),
        (&json!("past_runs"), &json!(mean * 5))
    );

    // Invalid is invalid, dry or not.
    let bad = app
        .post("/v1/runs?dry_run=true", USER_A, &json!({"prompt_id": id(&prompt), "models": []}))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn reruns_and_promotions_are_for_editors_of_the_organization_only() {
    let app = TestApp::new().await;
    let org = team(&app, USER_A, &[(USER_C, "viewer")]).await;
    let prompt = app.in_org(USER_A, &org).create_prompt("Q: {{q}}").await.body;
    let run = app
        .in_org(USER_A, &org)
        .post(
            "/v1/runs?wait=30",
            &json!({"prompt_id": id(&prompt), "variables": {"q": "x"},
            "models": [{"provider": "mock", "model": "echo"}]}),
        )
        .await
        .body;
    let rerun = format!("/v1/runs/{}/rerun", id(&run));
    let viewer = app.post(&rerun, USER_C, &json!({})).await;
    assert_eq!((viewer.status, viewer.code()), (StatusCode::FORBIDDEN, "insufficient_role"));
    assert_eq!(app.post(&rerun, USER_B, &json!({})).await.status, StatusCode::NOT_FOUND);

    let promote = format!("/v1/prompts/{}/versions/1/promote", id(&prompt));
    assert_eq!(app.post(&promote, USER_C, &json!({})).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.post(&promote, USER_B, &json!({})).await.status, StatusCode::NOT_FOUND);

    let long = format!("https://example.com/{}", "a".repeat(2000));
    let oversized = app
        .in_org(USER_A, &org)
        .post("/v1/webhooks", &json!({"url": long, "events": ["run.failed"]}))
        .await;
    assert_eq!(
        (oversized.status, oversized.error_fields()),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["url"])
    );
}
