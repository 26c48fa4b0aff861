//! A hostile tenant costs other tenants nothing: each test plays one attack on the shared
//! service and checks that only the attacker's own request or cell fails.

use axum::{
    body::Body,
    http::{Request, StatusCode, header},
};
use serde_json::{Value, json};
use tower::ServiceExt;
use wiremock::{Mock, MockServer, ResponseTemplate, matchers::method};

use crate::support::{
    Options, Part, TestApp, USER_A, USER_B, grader, id, mock_models, prompt_run, question_run,
    questions,
};

fn echo_over(prompt: &Value, dataset: &Value) -> Value {
    json!({"prompt_id": id(prompt), "dataset_id": id(dataset),
           "models": [{"provider": "mock", "model": "echo"}]})
}

/// A one-cell run of `user`, to show that the service still works for them.
async fn small_run(app: &TestApp, user: platform::testing::TestUser) -> Value {
    prompt_run(app, user, "Hello {{name}}", json!({"variables": {"name": "B"}})).await
}

/// Rows as they were stored before ingest checked them, or as a forged write would leave them.
async fn set_row(app: &TestApp, dataset_id: &str, row_index: i32, values: &str) {
    let mut admin = app.test_db.superuser().await;
    sqlx::query(
        "update public.dataset_row set values = $3::jsonb where dataset_id = $1::uuid and row_index = $2",
    )
    .bind(dataset_id)
    .bind(row_index)
    .bind(values)
    .execute(&mut admin)
    .await
    .unwrap();
}

fn cell_of_row(cells: &[Value], row: i64) -> &Value {
    cells.iter().find(|c| c["row_index"] == row).unwrap_or_else(|| panic!("no row {row}"))
}

// ---- 1. queue poisoning -----------------------------------------------------------------------

#[tokio::test]
async fn a_row_no_worker_can_read_fails_its_own_cell_and_every_tenant_keeps_running() {
    let app = TestApp::new().await;
    let prompt = app.create_prompt(USER_A, "Q: {{question}}").await;
    let dataset = app.upload_csv(USER_A, &questions(3)).await;
    let deep = format!("{{\"question\": {}1{}}}", "[".repeat(200), "]".repeat(200));
    set_row(&app, id(&dataset), 1, &deep).await;

    let poisoned = app.create_run(USER_A, &echo_over(&prompt, &dataset)).await;
    let other = small_run(&app, USER_B).await;

    assert_eq!(app.run_ended(USER_B, id(&other)).await["status"], "completed");
    let run = app.run_ended(USER_A, id(&poisoned)).await;
    assert_eq!(run["counts"]["succeeded"], 2, "{run}");
    let cells = app.run_cells(USER_A, id(&poisoned)).await;
    let bad = cell_of_row(&cells, 1);
    assert_eq!(bad["status"], "failed");
    assert_eq!(bad["error"]["kind"], "invalid_input");
    assert!(
        bad["error"]["message"].as_str().unwrap().starts_with("the dataset row cannot be read"),
        "{bad}"
    );
}

#[tokio::test]
async fn a_jsonl_row_nested_past_what_workers_read_is_refused_naming_its_line() {
    let app = TestApp::new().await;
    let mut text: String = (0..100).map(|i| format!("{{\"q\": \"x{i}\"}}\n")).collect();
    text.push_str(&format!(
        "{{\"q\": \"x\", \"deep\": {}1{}}}\n",
        "[".repeat(200),
        "]".repeat(200)
    ));
    let response =
        app.upload("/v1/datasets", USER_A, &[Part::file("deep.jsonl", text.as_bytes())]).await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", response.body);
    assert_eq!(response.code(), "invalid_file");
    assert_eq!(
        response.body["errors"][0]["message"],
        "line 101, column `deep`: the value nests arrays or objects more than 64 levels deep"
    );
    assert_eq!(app.count("dataset").await + app.count("dataset_row").await, 0);
    assert!(app.stored_files().is_empty());
}

// ---- 2. results that cannot be stored ---------------------------------------------------------

fn completion(content: &str) -> Value {
    json!({"id": "c1", "object": "chat.completion", "model": "judge",
           "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                        "finish_reason": "stop"}],
           "usage": {"prompt_tokens": 3, "completion_tokens": 5}})
}

#[tokio::test]
async fn a_nul_in_a_stub_judges_answer_is_stored_as_a_replacement_and_other_results_are_kept() {
    // The judge, an OpenAI-compatible stub, answers with a NUL escaped in its verdict.
    let judge = MockServer::start().await;
    let verdict =
        r#"Graded. <response>{"score": 1, "pass": true, "reason": "x\u0000y"}</response>"#;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(completion(verdict)))
        .mount(&judge)
        .await;
    let env = vec![("CUSTOM_BASE_URL", format!("{}/v1", judge.uri()))];
    let app = TestApp::with(Options { env, no_worker: true, ..Options::default() }).await;
    let grader = grader(&app, "Grade: {{output}}").await;
    let judged = prompt_run(
        &app,
        USER_A,
        "Say {{word}}",
        json!({"variables": {"word": "hi"},
               "grader": {"prompt_id": id(&grader), "provider": "custom", "model": "nul-judge"}}),
    )
    .await;
    let other = small_run(&app, USER_B).await;
    app.start_worker();

    assert_eq!(app.run_ended(USER_B, id(&other)).await["status"], "completed");
    assert_eq!(app.run_ended(USER_A, id(&judged)).await["status"], "completed");
    let cell = &app.run_cells(USER_A, id(&judged)).await[0];
    let judge = &cell["grading"]["judge"];
    assert_eq!(judge["status"], "graded", "{cell}");
    assert_eq!(judge["reason"], "x\u{FFFD}y");
    assert_eq!(cell["grading"]["auto_pass"], true);
}

#[tokio::test]
async fn a_result_that_cannot_be_written_fails_its_own_cell_and_the_rest_of_its_batch_is_kept() {
    let app = TestApp::without_worker(&[]).await;
    // Something about one result the database refuses (a NUL once did; a constraint does here).
    let mut admin = app.test_db.superuser().await;
    sqlx::raw_sql(
        "alter table public.run_cell add constraint refuse_poison
           check (output is distinct from 'POISON')",
    )
    .execute(&mut admin)
    .await
    .unwrap();
    let poisoned = prompt_run(&app, USER_A, "POISON", json!({})).await;
    let other = question_run(&app, USER_B, 20, json!({})).await;
    app.start_worker();

    let run = app.run_ended(USER_B, id(&other)).await;
    assert_eq!(
        (run["status"].as_str(), run["counts"]["succeeded"].as_i64()),
        (Some("completed"), Some(20))
    );
    let run = app.run_ended(USER_A, id(&poisoned)).await;
    assert_eq!(run["status"], "failed", "the cell is not left running: {run}");
    let cell = &app.run_cells(USER_A, id(&poisoned)).await[0];
    assert_eq!(cell["error"]["kind"], "internal");
    assert!(
        cell["error"]["message"].as_str().unwrap().starts_with("the result could not be stored")
    );
}

// ---- 3. readers that stop reading -------------------------------------------------------------

#[tokio::test]
async fn sixteen_exports_left_unread_hold_no_database_connection() {
    let app = TestApp::with_settings(&[("DB_MAX_CONNECTIONS", "4")]).await;
    let models = json!({"models": mock_models(&["echo", "reverse"])});
    let run = question_run(&app, USER_A, 1500, models).await;
    assert_eq!(app.run_ended(USER_A, id(&run)).await["counts"]["succeeded"], 3000);

    let mut stalled = Vec::new();
    for _ in 0..16 {
        let request = Request::get(format!("/v1/runs/{}/export?format=csv", id(&run)))
            .header(header::AUTHORIZATION, format!("Bearer {}", USER_A.token()))
            .body(Body::empty())
            .unwrap();
        let response = app.router().oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        stalled.push(response); // headers read, body never
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;

    assert_eq!(app.get("/v1/prompts", USER_B).await.status, StatusCode::OK);
    let ready = app.send(axum::http::Method::GET, "/ready", None, None).await;
    assert_eq!(ready.status, StatusCode::OK);
    // And a stalled export still delivers everything once read.
    let body = axum::body::to_bytes(stalled.pop().unwrap().into_body(), usize::MAX).await.unwrap();
    assert_eq!(body.split(|b| *b == b'\n').filter(|line| !line.is_empty()).count(), 3001);
}

// ---- 4. placeholder amplification -------------------------------------------------------------

#[tokio::test]
async fn variables_that_render_past_the_limit_are_refused_when_the_run_is_created() {
    let app = TestApp::new().await;
    let prompt = app.create_prompt(USER_A, &"{{x}}".repeat(1000)).await;
    let response = app
        .post(
            "/v1/runs",
            USER_A,
            &json!({"prompt_id": id(&prompt), "variables": {"x": "v".repeat(100 * 1024)},
                    "models": [{"provider": "mock", "model": "echo"}]}),
        )
        .await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", response.body);
    assert_eq!(response.error_fields(), ["variables"]);
    assert_eq!(
        response.body["errors"][0]["message"],
        "the prompt renders to 102400000 bytes with these variables; the limit is 1048576"
    );
    assert_eq!(app.count("run").await, 0);
}

#[tokio::test]
async fn a_row_that_renders_past_the_limit_fails_its_own_cell() {
    let app = TestApp::with_settings(&[("MAX_RENDERED_PROMPT_BYTES", "1000")]).await;
    let prompt = app.create_prompt(USER_A, "Q: {{question}}").await;
    let dataset = app.upload_csv(USER_A, &format!("question\nshort\n{}\n", "x".repeat(2000))).await;
    let run = app.create_run(USER_A, &echo_over(&prompt, &dataset)).await;
    assert_eq!(app.run_ended(USER_A, id(&run)).await["status"], "completed");
    let cells = app.run_cells(USER_A, id(&run)).await;
    assert_eq!(cell_of_row(&cells, 0)["output"], "Q: short");
    let long = cell_of_row(&cells, 1);
    assert_eq!(long["error"]["kind"], "prompt_too_large");
    assert_eq!(
        long["error"]["message"],
        "the rendered prompt is longer than 1000 bytes (MAX_RENDERED_PROMPT_BYTES)"
    );
}

#[tokio::test]
async fn answers_longer_than_max_output_bytes_are_cut_and_say_so() {
    let app = TestApp::with_settings(&[("MAX_OUTPUT_BYTES", "16")]).await;
    let variables = json!({"variables": {"rest": "abcdefghij"}});
    let run = prompt_run(&app, USER_A, "0123456789 {{rest}}", variables).await;
    app.run_ended(USER_A, id(&run)).await;
    let cell = &app.run_cells(USER_A, id(&run)).await[0];
    assert_eq!(
        (cell["output"].as_str(), cell["output_truncated"].as_bool()),
        (Some("0123456789 abcde"), Some(true))
    );
    let export = app.get(&format!("/v1/runs/{}/export?format=jsonl", id(&run)), USER_A).await;
    let line: Value = serde_json::from_slice(&export.raw).unwrap();
    assert_eq!(line["output_truncated"], true);
}

// ---- 5. quadratic parsing ---------------------------------------------------------------------

#[tokio::test]
async fn a_body_of_a_hundred_thousand_braces_is_plain_text_and_runs() {
    let app = TestApp::new().await;
    let body = format!("{}}}}}", "{".repeat(102_398));
    let run = prompt_run(&app, USER_A, &body, json!({})).await;
    let prompt = app
        .get(&format!("/v1/prompts/{}", run["prompt"]["prompt_id"].as_str().unwrap()), USER_A)
        .await;
    assert_eq!(prompt.body["version"]["placeholders"], json!([]));
    assert_eq!(app.run_ended(USER_A, id(&run)).await["status"], "completed");
    assert_eq!(app.run_cells(USER_A, id(&run)).await[0]["output"].as_str(), Some(body.as_str()));
}

// ---- 6. fairness and per-tenant limits --------------------------------------------------------

#[tokio::test]
async fn a_small_run_behind_a_big_one_of_another_tenant_does_not_wait_for_it() {
    let app = TestApp::with_settings(&[("MOCK_LATENCY_MS", "20")]).await;
    let models = json!({"models": mock_models(&["echo", "reverse"])});
    let big = question_run(&app, USER_A, 1000, models).await;

    let small = small_run(&app, USER_B).await;
    assert_eq!(app.run_ended(USER_B, id(&small)).await["status"], "completed");
    let big_now = app.get(&format!("/v1/runs/{}", id(&big)), USER_A).await.body;
    let queued = big_now["counts"]["queued"].as_i64().unwrap();
    assert!(queued >= 1000, "B waited for {} of A's 2000 cells", 2000 - queued);
    app.post(&format!("/v1/runs/{}/cancel", id(&big)), USER_A, &json!({})).await;
}

#[tokio::test]
async fn a_tenant_past_its_queued_cells_gets_429_naming_the_limit_and_others_do_not() {
    let app = TestApp::without_worker(&[("MAX_QUEUED_CELLS_PER_TENANT", "10")]).await;
    let prompt = app.create_prompt(USER_A, "Q: {{question}}").await;
    let eight = app.upload_csv(USER_A, &questions(8)).await;
    let five = app.upload_csv(USER_A, &questions(5)).await;
    app.create_run(USER_A, &echo_over(&prompt, &eight)).await;
    let refused = app.post("/v1/runs", USER_A, &echo_over(&prompt, &five)).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS, "{:?}", refused.body);
    assert_eq!((refused.code(), refused.body["limit"].as_i64()), ("queue_full", Some(10)));
    assert_eq!(app.count("run").await, 1, "nothing half-written");
    small_run(&app, USER_B).await;
}

#[tokio::test]
async fn creating_runs_faster_than_the_limit_gets_429_with_retry_after() {
    let app = TestApp::without_worker(&[("MAX_RUNS_PER_MINUTE", "2")]).await;
    let prompt = app.create_prompt(USER_A, "Hi").await;
    let run = json!({"prompt_id": id(&prompt), "models": [{"provider": "mock", "model": "echo"}]});
    app.create_run(USER_A, &run).await;
    app.create_run(USER_A, &run).await;
    let refused = app.post("/v1/runs", USER_A, &run).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS, "{:?}", refused.body);
    assert_eq!((refused.code(), refused.body["limit"].as_i64()), ("rate_limited", Some(2)));
    let wait: u64 = refused.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=30).contains(&wait), "one run's worth of the bucket refills in 30 s: {wait}");
    small_run(&app, USER_B).await;
}

#[tokio::test]
async fn a_tenant_past_its_open_streams_gets_429_and_closing_one_frees_it() {
    let app = TestApp::without_worker(&[("MAX_STREAMS_PER_TENANT", "1")]).await;
    let run_a = small_run(&app, USER_A).await;
    let run_b = small_run(&app, USER_B).await;
    let events = |run: &Value, user: platform::testing::TestUser| {
        Request::get(format!("/v1/runs/{}/events", id(run)))
            .header(header::AUTHORIZATION, format!("Bearer {}", user.token()))
            .body(Body::empty())
            .unwrap()
    };
    let open = app.router().oneshot(events(&run_a, USER_A)).await.unwrap();
    assert_eq!(open.status(), StatusCode::OK);
    let refused = app.router().oneshot(events(&run_a, USER_A)).await.unwrap();
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let other = app.router().oneshot(events(&run_b, USER_B)).await.unwrap();
    assert_eq!(other.status(), StatusCode::OK);
    drop(open);
    let again = app.router().oneshot(events(&run_a, USER_A)).await.unwrap();
    assert_eq!(again.status(), StatusCode::OK);
}

// ---- what a worker executes -------------------------------------------------------------------

/// A run of A whose model row is then changed behind the API's back; returns its id.
async fn forged_model(app: &TestApp, change: &str) -> String {
    let run = prompt_run(app, USER_A, "Hi", json!({})).await;
    let mut admin = app.test_db.superuser().await;
    sqlx::query(&format!("update public.run_model set {change} where run_id = $1::uuid"))
        .bind(id(&run))
        .execute(&mut admin)
        .await
        .unwrap();
    id(&run).to_owned()
}

#[tokio::test]
async fn a_worker_refuses_forged_models_prices_and_parameters() {
    let app = TestApp::without_worker(&[]).await;
    let cases = [
        ("model = 'gpt-99'", "provider `mock` has no model `gpt-99` in the catalog"),
        ("input_per_mtok = -1000000", "the model's prices are not non-negative numbers"),
        (r#"params = '{"max_tokens": 4000000000}'"#, "`max_tokens` must be between 1 and 1000000"),
    ];
    let mut runs = Vec::new();
    for (change, _) in &cases {
        runs.push(forged_model(&app, change).await);
    }
    app.start_worker();
    for (run, (change, message)) in runs.iter().zip(cases) {
        assert_eq!(app.run_ended(USER_A, run).await["status"], "failed", "{change}");
        let cell = &app.run_cells(USER_A, run).await[0];
        assert_eq!(cell["error"]["kind"], "invalid_input", "{change}");
        assert_eq!(cell["error"]["message"], message, "{change}");
        assert_eq!(cell["attempts"], 0, "no model was called: {change}");
    }
}

#[tokio::test]
async fn a_run_id_reused_by_another_tenant_never_gets_the_first_tenants_cached_prompt() {
    let app = TestApp::new().await;
    let run = prompt_run(&app, USER_A, "A's secret prompt", json!({})).await;
    app.run_ended(USER_A, id(&run)).await;
    assert_eq!(
        app.delete(&format!("/v1/runs/{}", id(&run)), USER_A).await.status,
        StatusCode::NO_CONTENT
    );

    // The same run id, now in B's organization (as a forged write once could make it).
    let mut admin = app.test_db.superuser().await;
    sqlx::raw_sql(&format!(
        "insert into public.run (id, org_id, created_by, prompt_name, prompt_version, prompt_body,
           cell_count)
         values ('{run}', '{b}', '{b}', 'p', 1, 'B''s own prompt', 1);
         insert into public.run_model (id, run_id, org_id, created_by, position, provider, model,
           label, input_per_mtok, output_per_mtok)
         values (gen_random_uuid(), '{run}', '{b}', '{b}', 0, 'mock', 'echo', 'echo', 1, 2);
         insert into public.run_cell (run_id, org_id, created_by, run_model_id)
         select '{run}', '{b}', '{b}', id from public.run_model where run_id = '{run}';
         select pg_notify('run_queue', '{run}');",
        run = id(&run),
        b = USER_B.id
    ))
    .execute(&mut admin)
    .await
    .unwrap();
    app.run_ended(USER_B, id(&run)).await;
    let cell = &app.run_cells(USER_B, id(&run)).await[0];
    assert_eq!(cell["rendered_prompt"], "B's own prompt");
}
