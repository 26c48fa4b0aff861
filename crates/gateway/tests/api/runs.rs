//! `/v1/runs`: validation, a full run with the mock provider and the in-process worker, cancel,
//! retry, SSE, isolation.

use std::time::Duration;

use axum::{
    body::Body,
    http::{Method, Request, StatusCode, header},
};
use futures::StreamExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::support::{
    Part, TestApp, USER_A, USER_B, cells, dataset, finished_question_run, grader, id, prompt,
    prompt_run, question_run, sse_events, start_run, until_ended,
};

#[tokio::test]
async fn two_mock_models_over_fifty_rows_complete_a_hundred_cells() {
    let app = TestApp::new().await;
    let prompt = prompt(&app, "Answer: {{question}}").await;
    let dataset = dataset(&app, 50).await;
    let response = start_run(&app, &json!({
        "prompt_id": id(&prompt),
        "dataset_id": id(&dataset),
        "system": "Expected: {{expected}}",
        "models": [{"provider": "mock", "model": "echo"}, {"provider": "mock", "model": "reverse", "params": {"temperature": 0}}],
    }), 30).await;
    assert_eq!(response.status, StatusCode::OK, "ended within the wait: {:?}", response.body);
    let run = &response.body;
    assert_eq!(run["status"], "completed");
    assert_eq!(run["cell_count"], 100);
    assert_eq!(
        run["counts"],
        json!({"queued": 0, "running": 0, "succeeded": 100, "failed": 0, "cancelled": 0})
    );
    assert_eq!(run["prompt"]["version"], 1);
    assert_eq!(run["models"][0]["label"], "Mock: echo");
    assert_eq!(run["models"][1]["params"], json!({"temperature": 0.0}));

    let cells = cells(&app, id(run)).await;
    assert_eq!(cells.len(), 100);
    let echo_model = run["models"][0]["id"].clone();
    let cell = cells.iter().find(|c| c["model_id"] == echo_model && c["row_index"] == 7).unwrap();
    assert_eq!(cell["rendered_prompt"], "Answer: question 7");
    assert_eq!(cell["rendered_system"], "Expected: answer 7");
    assert_eq!(cell["output"], "Answer: question 7");
    assert_eq!(
        (cell["attempts"].as_i64(), cell["tokens_in"].as_i64(), cell["tokens_out"].as_i64()),
        (Some(1), Some(6), Some(3)),
        "3 words of prompt and 3 of system message in, 3 out"
    );
    // Mock prices: $1 per million input tokens, $2 per million output tokens.
    assert!((cell["cost_usd"].as_f64().unwrap() - (6.0 + 3.0 * 2.0) / 1e6).abs() < 1e-12);
    assert!(cell["latency_ms"].as_i64().is_some());

    let totals = &run["models"][0];
    assert_eq!(totals["counts"]["succeeded"], 50);
    let tokens_in: i64 = cells
        .iter()
        .filter(|c| c["model_id"] == echo_model)
        .map(|c| c["tokens_in"].as_i64().unwrap())
        .sum();
    assert_eq!(totals["tokens_in"], tokens_in);
}

#[tokio::test]
async fn a_run_over_variables_is_one_cell_per_model() {
    let app = TestApp::new().await;
    let prompt = prompt(&app, "Hello {{name}}").await;
    let response = start_run(&app, &json!({
        "prompt_version_id": prompt["version"]["id"],
        "variables": {"name": "Ada"},
        "models": [{"provider": "mock", "model": "echo"}, {"provider": "mock", "model": "echo", "label": "again", "params": {"seed": 1}}],
    }), 30).await;
    assert_eq!(response.body["status"], "completed", "{:?}", response.body);
    let cells = cells(&app, id(&response.body)).await;
    assert_eq!(cells.len(), 2);
    assert!(cells.iter().all(|c| c["output"] == "Hello Ada" && c["row_index"].is_null()));
}

#[tokio::test]
async fn invalid_runs_name_every_problem_and_write_nothing() {
    let app = TestApp::with_settings(&[("MAX_RUN_CELLS", "10")]).await;
    let generator = prompt(&app, "Q: {{question}} {{tone}} {{missing}}").await;
    let grader = grader(&app, "Grade {{output}}").await;
    let small = dataset(&app, 3).await;
    let big = dataset(&app, 6).await;
    let empty =
        app.upload("/v1/datasets", USER_A, &[Part::file("empty.csv", b"question\n")]).await.body;
    let echo = json!([{"provider": "mock", "model": "echo"}]);

    let cases = [
        (
            json!({"prompt_id": id(&generator), "dataset_id": id(&small), "variables": {"tone": "kind"}, "models": echo}),
            vec![(
                "dataset_id",
                "placeholders missing from the columns of `questions` (and from `variables`): `missing`",
            )],
        ),
        (
            json!({"prompt_id": id(&generator), "models": echo}),
            vec![("variables", "placeholders without a value: `question`, `tone`, `missing`")],
        ),
        (
            json!({"prompt_id": id(&grader), "variables": {"output": "x"}, "models": echo}),
            vec![("prompt_id", "`judge` is a grader prompt; run a generator")],
        ),
        (
            json!({"prompt_id": "00000000-0000-4000-8000-000000000000", "models": echo}),
            vec![("prompt_id", "no such prompt in this organization")],
        ),
        (
            json!({"prompt_id": id(&generator), "dataset_id": id(&empty), "variables": {"tone": "", "missing": ""}, "models": echo}),
            vec![("dataset_id", "the dataset `empty` has no rows")],
        ),
        (
            json!({"prompt_id": id(&generator), "dataset_id": id(&small), "variables": {"tone": "", "missing": ""},
                "models": [{"provider": "openai", "model": "gpt-4o-mini"}, {"provider": "mock", "model": "gpt-9"}, {"provider": "acme", "model": "x"}]}),
            vec![
                (
                    "models[0]",
                    "provider `openai` is not configured on this server (set OPENAI_API_KEY)",
                ),
                ("models[1]", "provider `mock` has no model `gpt-9` in the catalog"),
                ("models[2]", "there is no provider `acme`"),
            ],
        ),
        (
            json!({"prompt_id": id(&generator), "dataset_id": id(&small), "variables": {"tone": "", "missing": ""},
                "models": [{"provider": "mock", "model": "echo"}, {"provider": "mock", "model": "echo"}]}),
            vec![("models[1]", "the same model with the same params as models[0]")],
        ),
        (
            json!({"prompt_id": id(&generator), "dataset_id": id(&big), "variables": {"tone": "", "missing": ""},
                "models": [{"provider": "mock", "model": "echo"}, {"provider": "mock", "model": "reverse"}]}),
            vec![("models", "the run would have 12 cells (rows x models); the limit is 10")],
        ),
        (
            json!({"prompt_id": id(&generator), "dataset_id": id(&small), "variables": {"tone": "", "missing": ""}, "models": echo,
                "grader": {"prompt_id": id(&generator), "provider": "mock", "model": "judge"}}),
            vec![(
                "grader.prompt_id",
                "`p` is a generator prompt; a grader must be of kind `grader`",
            )],
        ),
    ];
    for (body, expected) in cases {
        let response = start_run(&app, &body, 0).await;
        assert_eq!(
            (response.status, response.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
            "{body}"
        );
        let errors: Vec<(String, String)> = response.body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (e["field"].as_str().unwrap().to_owned(), e["message"].as_str().unwrap().to_owned())
            })
            .collect();
        let expected: Vec<(String, String)> =
            expected.into_iter().map(|(f, m)| (f.to_owned(), m.to_owned())).collect();
        assert_eq!(errors, expected, "{body}");
    }

    let shape = [
        (json!({"models": echo}), "prompt_version_id"),
        (
            json!({"prompt_id": id(&generator), "prompt_version_id": generator["version"]["id"], "models": echo}),
            "prompt_version_id",
        ),
        (json!({"prompt_id": id(&generator), "models": []}), "models"),
        (
            json!({"prompt_id": id(&generator), "models": [{"provider": "mock", "model": "echo", "params": {"temperature": 3}}]}),
            // The field, and the message names the parameter: "`temperature` must be ...".
            "models[0].params",
        ),
        (json!({"prompt_id": id(&generator), "models": echo, "concurrency": 0}), "concurrency"),
    ];
    for (body, field) in shape {
        let response = start_run(&app, &body, 0).await;
        assert_eq!(
            (response.status, response.error_fields()),
            (StatusCode::UNPROCESSABLE_ENTITY, vec![field]),
            "{body}"
        );
    }
    assert_eq!((app.count("run").await, app.count("run_cell").await), (0, 0));
}

#[tokio::test]
async fn a_failing_model_keeps_its_error_and_a_retried_cell_runs_again() {
    let app = TestApp::with_settings(&[("LLM_MAX_ATTEMPTS", "2")]).await;
    let prompt = prompt(&app, "Hi {{name}}").await;
    let body = json!({"prompt_id": id(&prompt), "variables": {"name": "x"},
                      "models": [{"provider": "mock", "model": "fail"}, {"provider": "mock", "model": "echo"}]});
    let run = start_run(&app, &body, 30).await.body;
    assert_eq!(run["status"], "completed", "one model succeeded: {run:?}");
    assert_eq!(
        (run["counts"]["failed"].as_i64(), run["counts"]["succeeded"].as_i64()),
        (Some(1), Some(1))
    );
    let cells = cells(&app, id(&run)).await;
    let failed = cells.iter().find(|c| c["status"] == "failed").unwrap();
    let succeeded = cells.iter().find(|c| c["status"] == "succeeded").unwrap();
    assert_eq!(
        failed["error"],
        json!({"kind": "provider_error", "message": "mock model `fail` always fails"})
    );
    assert_eq!(failed["attempts"], 2, "retried up to LLM_MAX_ATTEMPTS");

    let retry = |cell: &Value| format!("/v1/runs/{}/cells/{}/retry", id(&run), id(cell));
    let again = app.post(&retry(failed), USER_A, &json!({})).await;
    assert_eq!(
        (again.status, again.body["status"].as_str()),
        (StatusCode::OK, Some("queued")),
        "{:?}",
        again.body
    );
    let run_again = until_ended(&app, id(&run)).await;
    assert_eq!(run_again["status"], "completed");
    let cell = app.get(&format!("/v1/runs/{}/cells/{}", id(&run), id(failed)), USER_A).await.body;
    assert_eq!((cell["status"].as_str(), cell["attempts"].as_i64()), (Some("failed"), Some(4)));

    let not_failed = app.post(&retry(succeeded), USER_A, &json!({})).await;
    assert_eq!((not_failed.status, not_failed.code()), (StatusCode::CONFLICT, "cell_not_failed"));
}

#[tokio::test]
async fn cancelling_stops_the_run_and_later_results_are_dropped() {
    let app = TestApp::with_settings(&[("MOCK_LATENCY_MS", "200")]).await;
    let run = question_run(&app, USER_A, 40, json!({})).await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    let cancelled = app.post(&format!("/v1/runs/{}/cancel", id(&run)), USER_A, &json!({})).await;
    assert_eq!(
        (cancelled.status, cancelled.body["status"].as_str()),
        (StatusCode::OK, Some("cancelled")),
        "{:?}",
        cancelled.body
    );
    let counts = cancelled.body["counts"].clone();
    assert_eq!(counts["queued"].as_i64().unwrap() + counts["running"].as_i64().unwrap(), 0);
    assert!(counts["cancelled"].as_i64().unwrap() > 0);

    // Cells in flight at the cancel finish at the model but their results are not written.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let later = app.get(&format!("/v1/runs/{}", id(&run)), USER_A).await.body;
    assert_eq!(later["counts"], counts);
    assert_eq!(later["status"], "cancelled");

    let twice = app.post(&format!("/v1/runs/{}/cancel", id(&run)), USER_A, &json!({})).await;
    assert_eq!((twice.status, twice.code()), (StatusCode::CONFLICT, "run_finished"));
}

#[tokio::test]
async fn run_concurrency_bounds_the_cells_in_flight() {
    let app = TestApp::with_settings(&[("MOCK_LATENCY_MS", "100")]).await;
    let run = question_run(&app, USER_A, 12, json!({"concurrency": 2})).await;
    let mut most = 0;
    loop {
        let now = app.get(&format!("/v1/runs/{}", id(&run)), USER_A).await.body;
        most = most.max(now["counts"]["running"].as_i64().unwrap());
        if now["status"] == "completed" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(most, 2, "the worker could run 8 at once, the run allows 2");
}

#[tokio::test]
async fn server_sent_events_follow_the_run_to_its_end() {
    let app = TestApp::with_settings(&[("MOCK_LATENCY_MS", "50")]).await;
    let run = question_run(&app, USER_A, 5, json!({})).await;

    let request = Request::builder()
        .uri(format!("/v1/runs/{}/events", id(&run)))
        .header(header::AUTHORIZATION, format!("Bearer {}", USER_A.token()))
        .body(Body::empty())
        .unwrap();
    let response = app.router().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CONTENT_TYPE], "text/event-stream");
    let body = tokio::time::timeout(Duration::from_secs(20), async {
        let mut text = String::new();
        let mut frames = response.into_body().into_data_stream();
        while let Some(frame) = frames.next().await {
            text.push_str(&String::from_utf8_lossy(&frame.unwrap()));
        }
        text
    })
    .await
    .expect("the stream ends with the run");

    let events = sse_events(body.as_bytes());
    assert_eq!(events.first().unwrap().0, "run", "a snapshot first");
    let last = events.last().unwrap();
    assert_eq!((last.0.as_str(), last.1["status"].as_str()), ("run", Some("completed")));
    let succeeded =
        events.iter().filter(|(e, d)| e == "cell" && d["status"] == "succeeded").count();
    assert_eq!(succeeded, 5, "{body}");
}

#[tokio::test]
async fn polling_with_updated_since_returns_only_changes() {
    let app = TestApp::new().await;
    let run = finished_question_run(&app, 3, json!({})).await;
    let all = cells(&app, id(&run)).await;
    let latest = all.iter().map(|c| c["updated_at"].as_str().unwrap()).max().unwrap().to_owned();
    let since = app
        .get(
            &format!("/v1/runs/{}/cells?updated_since={}", id(&run), latest.replace('+', "%2B")),
            USER_A,
        )
        .await;
    assert_eq!(since.body["items"], json!([]));
    let failed = app.get(&format!("/v1/runs/{}/cells?status=failed", id(&run)), USER_A).await;
    assert_eq!(failed.body["items"], json!([]));
    let page = app.get(&format!("/v1/runs/{}/cells?limit=2", id(&run)), USER_A).await;
    assert_eq!(page.body["items"].as_array().unwrap().len(), 2);
    let rest = app
        .get(
            &format!(
                "/v1/runs/{}/cells?limit=2&cursor={}",
                id(&run),
                page.body["next_cursor"].as_str().unwrap()
            ),
            USER_A,
        )
        .await;
    assert_eq!(rest.body["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn listing_filters_by_prompt_and_deleting_frees_the_dataset() {
    let app = TestApp::new().await;
    let first = prompt(&app, "Q: {{question}}").await;
    let second = prompt(&app, "Other: {{question}}").await;
    let dataset = dataset(&app, 2).await;
    for p in [&first, &second] {
        start_run(&app, &json!({"prompt_id": id(p), "dataset_id": id(&dataset), "models": [{"provider": "mock", "model": "echo"}]}), 30).await;
    }
    let runs = app.get(&format!("/v1/runs?prompt_id={}", id(&first)), USER_A).await.body;
    assert_eq!(runs["items"].as_array().unwrap().len(), 1);
    assert_eq!(runs["items"][0]["prompt"]["prompt_id"], first["id"]);

    let dataset_path = format!("/v1/datasets/{}", id(&dataset));
    let in_use = app.delete(&dataset_path, USER_A).await;
    assert_eq!((in_use.status, in_use.code()), (StatusCode::CONFLICT, "dataset_in_use"));
    for run in app.get("/v1/runs", USER_A).await.body["items"].as_array().unwrap() {
        assert_eq!(
            app.delete(&format!("/v1/runs/{}", id(run)), USER_A).await.status,
            StatusCode::NO_CONTENT
        );
    }
    assert_eq!(app.count("run_cell").await, 0);
    assert_eq!(app.delete(&dataset_path, USER_A).await.status, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn another_users_run_is_not_found_everywhere() {
    let app = TestApp::new().await;
    let run = prompt_run(&app, USER_A, "Hi {{name}}", json!({"variables": {"name": "x"}})).await;
    let run = until_ended(&app, id(&run)).await;
    let prompt_id = run["prompt"]["prompt_id"].clone();
    let path = format!("/v1/runs/{}", id(&run));
    let cell = cells(&app, id(&run)).await.remove(0);
    let cell_path = format!("{path}/cells/{}", id(&cell));
    for response in [
        app.get(&path, USER_B).await,
        app.get(&format!("{path}/cells"), USER_B).await,
        app.get(&cell_path, USER_B).await,
        app.get(&format!("{path}/events"), USER_B).await,
        app.post(&format!("{path}/cancel"), USER_B, &json!({})).await,
        app.post(&format!("{cell_path}/retry"), USER_B, &json!({})).await,
        app.delete(&path, USER_B).await,
    ] {
        assert_eq!((response.status, response.code()), (StatusCode::NOT_FOUND, "not_found"));
    }
    assert_eq!(app.get("/v1/runs", USER_B).await.body["items"], json!([]));
    // B cannot run A's prompt either.
    let theirs = app.post("/v1/runs", USER_B, &json!({"prompt_id": prompt_id, "variables": {"name": "x"},
                                                      "models": [{"provider": "mock", "model": "echo"}]})).await;
    assert_eq!(theirs.error_fields(), ["prompt_id"]);
    assert_eq!(app.get(&path, USER_A).await.body["status"], "completed");
}

#[tokio::test]
async fn the_model_catalog_says_what_is_usable() {
    let app = TestApp::without_worker(&[("GROQ_API_KEY", "gsk-test")]).await;
    let models = app.get("/v1/models", USER_A).await.body;
    let find = |provider: &str, model: &str| {
        models["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["provider"] == provider && m["model"] == model)
            .cloned()
            .unwrap()
    };
    assert_eq!(find("mock", "echo")["usable"], true);
    assert_eq!(find("groq", "llama-3.1-8b-instant")["usable"], true);
    let gpt = find("openai", "gpt-4o-mini");
    assert_eq!(
        (gpt["usable"].as_bool(), gpt["input_per_mtok"].as_f64()),
        (Some(false), Some(0.15))
    );
    assert!(gpt["prices_as_of"].as_str().is_some());
}

#[tokio::test]
async fn a_run_with_cache_reuses_the_answers_of_identical_cells_and_costs_nothing() {
    let app = TestApp::new().await;
    let prompt = prompt(&app, "Q: {{question}}").await;
    let dataset = dataset(&app, 3).await;
    let run = |cache: bool, assertions: Value| {
        json!({"prompt_id": id(&prompt), "dataset_id": id(&dataset), "cache": cache,
               "models": [{"provider": "mock", "model": "echo"}], "assertions": assertions})
    };
    let costs = |cells: &[Value]| -> Vec<f64> {
        cells.iter().map(|c| c["cost_usd"].as_f64().unwrap()).collect()
    };

    let first = start_run(&app, &run(true, json!([])), 30).await.body;
    assert_eq!(first["cache"], true);
    let paid = cells(&app, id(&first)).await;
    assert!(paid.iter().all(|c| c["cached"] == false && c["saved_cost_usd"].is_null()));
    assert!(costs(&paid).iter().all(|&cost| cost > 0.0));

    // Only the grading changed: every answer is reused, for free, and graded anew.
    let contains = json!([{"type": "contains", "value": "Q:"}]);
    let second = start_run(&app, &run(true, contains.clone()), 30).await.body;
    let reused = cells(&app, id(&second)).await;
    assert!(
        reused.iter().all(|c| c["cached"] == true && c["grading"]["auto_pass"] == true),
        "{reused:?}"
    );
    assert_eq!(costs(&reused), [0.0; 3]);
    let saved: Vec<f64> = reused.iter().map(|c| c["saved_cost_usd"].as_f64().unwrap()).collect();
    assert_eq!(saved, costs(&paid));
    assert_eq!(
        reused.iter().map(|c| &c["output"]).collect::<Vec<_>>(),
        paid.iter().map(|c| &c["output"]).collect::<Vec<_>>()
    );

    // Without `cache`, the model is asked again.
    let fresh = start_run(&app, &run(false, contains), 30).await.body;
    assert!(cells(&app, id(&fresh)).await.iter().all(|c| c["cached"] == false));

    // Another user's organization has a cache of its own.
    let theirs = app.create_prompt(USER_B, "Q: {{question}}").await;
    let their_data = app.upload_csv(USER_B, &crate::support::questions(3)).await;
    let their_run = app
        .create_run(
            USER_B,
            &json!({"prompt_id": id(&theirs), "dataset_id": id(&their_data),
            "cache": true, "models": [{"provider": "mock", "model": "echo"}]}),
        )
        .await;
    app.run_ended(USER_B, id(&their_run)).await;
    let their_cells = app.run_cells(USER_B, id(&their_run)).await;
    assert!(their_cells.iter().all(|c| c["cached"] == false), "{their_cells:?}");
}

#[tokio::test]
async fn an_event_source_follows_a_run_with_a_one_time_ticket_instead_of_the_token() {
    let app = TestApp::new().await;
    let run = finished_question_run(&app, 2, json!({})).await;
    let ticket_path = format!("/v1/runs/{}/events/ticket", id(&run));
    let issued = app.post(&ticket_path, USER_A, &json!({})).await;
    assert_eq!(issued.status, StatusCode::CREATED, "{:?}", issued.body);
    let ticket = issued.body["ticket"].as_str().unwrap().to_owned();
    assert!(ticket.starts_with("evt_") && ticket.len() == 44, "{ticket}");

    // No Authorization header: what a browser's EventSource sends.
    let events = format!("/v1/runs/{}/events?ticket={ticket}", id(&run));
    let followed = app.send(Method::GET, &events, None, None).await;
    assert_eq!(followed.status, StatusCode::OK);
    let got = sse_events(&followed.raw);
    assert_eq!((got[0].0.as_str(), &got[0].1["status"]), ("run", &json!("completed")));

    let again = app.send(Method::GET, &events, None, None).await;
    assert_eq!(
        (again.status, again.code()),
        (StatusCode::UNAUTHORIZED, "invalid_ticket"),
        "once only"
    );
    let forged = app
        .send(Method::GET, &format!("/v1/runs/{}/events?ticket=evt_guess", id(&run)), None, None)
        .await;
    assert_eq!(forged.status, StatusCode::UNAUTHORIZED);
    let without = app.send(Method::GET, &format!("/v1/runs/{}/events", id(&run)), None, None).await;
    assert_eq!((without.status, without.code()), (StatusCode::UNAUTHORIZED, "missing_token"));

    // A ticket names one run; another user gets none for this run.
    let other = finished_question_run(&app, 1, json!({})).await;
    let ticket = app.post(&ticket_path, USER_A, &json!({})).await.body["ticket"]
        .as_str()
        .unwrap()
        .to_owned();
    let elsewhere = app
        .send(Method::GET, &format!("/v1/runs/{}/events?ticket={ticket}", id(&other)), None, None)
        .await;
    assert_eq!(elsewhere.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.post(&ticket_path, USER_B, &json!({})).await.status, StatusCode::NOT_FOUND);

    // Expired after 60 seconds.
    let ticket = app.post(&ticket_path, USER_A, &json!({})).await.body["ticket"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut admin = app.test_db.superuser().await;
    sqlx::query("update private.event_ticket set expires_at = now() - interval '1 second'")
        .execute(&mut admin)
        .await
        .unwrap();
    let late = app
        .send(Method::GET, &format!("/v1/runs/{}/events?ticket={ticket}", id(&run)), None, None)
        .await;
    assert_eq!(late.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_run_history_says_in_one_call_what_each_run_did_and_filters_every_way() {
    let app = TestApp::new().await;
    let named = async |name: &str, body: &str| {
        app.post("/v1/prompts", USER_A, &json!({"name": name, "kind": "generator", "body": body}))
            .await
            .body
    };
    let support = named("Support replies", "Support: {{question}}").await;
    let sales = named("Sales emails", "Sales: {{question}}").await;
    let data = dataset(&app, 3).await;
    let other_data = dataset(&app, 1).await;
    let run = |p: &Value, d: &Value, model: &str, assertions: Value| {
        json!({"prompt_id": id(p), "dataset_id": id(d), "assertions": assertions,
               "models": [{"provider": "mock", "model": model}]})
    };
    let passing = json!([{"type": "starts_with", "value": "Support"}]);
    let first = start_run(&app, &run(&support, &data, "echo", passing), 30).await.body;
    start_run(&app, &run(&sales, &other_data, "reverse", json!([])), 30).await;

    let history = app.get("/v1/runs", USER_A).await.body;
    let items = history["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    let item = items.iter().find(|r| r["id"] == first["id"]).unwrap();
    assert_eq!(item["counts"]["succeeded"], 3);
    assert_eq!(item["pass_rate"], 1.0);
    assert!(
        item["spent_usd"].as_f64().unwrap() > 0.0 && item["duration_ms"].as_i64().unwrap() >= 0
    );
    let reversed = items.iter().find(|r| r["id"] != first["id"]).unwrap();
    assert_eq!(reversed["pass_rate"], json!(null), "nothing graded");

    let only = |query: &str| {
        let app = &app;
        let query = query.to_owned();
        async move {
            let page = app.get(&format!("/v1/runs?{query}"), USER_A).await;
            assert_eq!(page.status, StatusCode::OK, "{query}: {:?}", page.body);
            page.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].clone())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(only(&format!("dataset_id={}", id(&data))).await, [first["id"].clone()]);
    assert_eq!(only("model=echo").await, [first["id"].clone()]);
    assert_eq!(only("model=mock/echo").await, [first["id"].clone()]);
    assert!(only("model=openai/echo").await.is_empty());
    assert_eq!(only("q=SUPP").await, [first["id"].clone()], "by name, case-insensitively");
    assert_eq!(only("status=completed").await.len(), 2);
    assert!(only("status=running").await.is_empty());
    assert!(only("created_after=2999-01-01T00:00:00Z").await.is_empty());
    assert_eq!(only("created_before=2999-01-01T00:00:00Z").await.len(), 2);
    let bad = app.get("/v1/runs?status=exploded", USER_A).await;
    assert_eq!(bad.status.as_u16() / 100, 4);
    assert!(app.get("/v1/runs", USER_B).await.body["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn a_run_that_reaches_its_budget_cancels_its_queued_cells_and_says_so() {
    let app = TestApp::with_settings(&[("MOCK_LATENCY_MS", "30")]).await;
    // One echo answer costs about 1e-5 USD: the budget is passed by the first results.
    let run = question_run(&app, USER_A, 60, json!({"max_cost_usd": 0.00001})).await;
    let run = until_ended(&app, id(&run)).await;
    assert_eq!(run["max_cost_usd"], 0.00001);
    assert!(run["budget_exceeded_at"].is_string(), "{run}");
    assert_eq!(run["status"], "completed", "some cells succeeded");
    let all = cells(&app, id(&run)).await;
    let stopped: Vec<&Value> =
        all.iter().filter(|c| c["error"]["kind"] == "budget_exceeded").collect();
    assert!(!stopped.is_empty() && stopped.iter().all(|c| c["status"] == "cancelled"));
    let succeeded = all.iter().filter(|c| c["status"] == "succeeded").count();
    assert!(succeeded < 60, "not every cell ran: {succeeded}");
    assert_eq!(stopped.len() + succeeded, 60);

    let bad = app
        .post(
            "/v1/runs",
            USER_A,
            &json!({"prompt_id": run["prompt"]["prompt_id"], "variables": {"question": "x"},
            "models": [{"provider": "mock", "model": "echo"}], "max_cost_usd": 0}),
        )
        .await;
    assert_eq!(
        (bad.status, bad.error_fields()),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["max_cost_usd"])
    );
}

#[tokio::test]
async fn a_rerun_repeats_a_run_over_chosen_cells_with_another_version_or_models() {
    let app = TestApp::new().await;
    let run = finished_question_run(&app, 3, json!({"models": [{"provider": "mock", "model": "echo"}, {"provider": "mock", "model": "fail"}]})).await;
    let path = format!("/v1/runs/{}/rerun", id(&run));

    // The failed cells again, on a model that answers.
    let failed = app
        .post(
            &path,
            USER_A,
            &json!({"statuses": ["failed"], "models": [{"provider": "mock", "model": "reverse"}]}),
        )
        .await;
    assert_eq!(failed.status, StatusCode::ACCEPTED, "{:?}", failed.body);
    assert_eq!(
        (&failed.body["parent_run_id"], &failed.body["cell_count"]),
        (&run["id"], &json!(3))
    );
    let failed = until_ended(&app, id(&failed.body)).await;
    assert_eq!(
        (&failed["status"], &failed["counts"]["succeeded"]),
        (&json!("completed"), &json!(3))
    );
    assert_eq!(failed["dataset_id"], run["dataset_id"]);

    // One cell's row, with a new version of the prompt.
    let one = cells(&app, id(&run)).await.into_iter().find(|c| c["row_index"] == 2).unwrap();
    let prompt_id = run["prompt"]["prompt_id"].as_str().unwrap();
    let v2 = app
        .post(
            &format!("/v1/prompts/{prompt_id}/versions"),
            USER_A,
            &json!({"body": "V2: {{question}}"}),
        )
        .await
        .body;
    let again = app
        .post(&path, USER_A, &json!({"cells": [one["id"]], "prompt_version_id": v2["id"]}))
        .await
        .body;
    assert_eq!(
        (&again["prompt"]["version"], &again["cell_count"]),
        (&json!(2), &json!(2)),
        "one row x the run's two models"
    );
    let again = until_ended(&app, id(&again)).await;
    let outputs: Vec<Value> =
        cells(&app, id(&again)).await.iter().map(|c| c["row_index"].clone()).collect();
    assert_eq!(outputs, [json!(2), json!(2)]);

    let parent = app.get(&format!("/v1/runs/{}", id(&run)), USER_A).await.body;
    assert_eq!(parent["children"], json!([failed["id"], again["id"]]));

    let nothing = app.post(&path, USER_A, &json!({"statuses": ["cancelled"]})).await;
    assert_eq!(
        (nothing.status, nothing.error_fields()),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["statuses"])
    );
    assert_eq!(app.post(&path, USER_B, &json!({})).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_draft_run_saves_its_text_as_a_hidden_version_once_and_it_can_be_promoted() {
    let app = TestApp::new().await;
    let prompt = prompt(&app, "Q: {{question}}").await;
    let data = dataset(&app, 2).await;
    let draft = |body: &str| {
        json!({"prompt_id": id(&prompt), "prompt_body": body, "dataset_id": id(&data),
               "models": [{"provider": "mock", "model": "echo"}]})
    };
    let estimate = app.post("/v1/runs?dry_run=true", USER_A, &draft("Try: {{question}}")).await;
    assert_eq!(estimate.status, StatusCode::OK, "{:?}", estimate.body);
    let versions = format!("/v1/prompts/{}/versions", id(&prompt));
    assert_eq!(
        app.get(&format!("{versions}?include_drafts=true"), USER_A).await.body["items"]
            .as_array()
            .unwrap()
            .len(),
        1,
        "an estimate saves nothing"
    );

    let first = start_run(&app, &draft("Try: {{question}}"), 30).await.body;
    assert_eq!(first["prompt"]["version"], 2);
    let outputs: Vec<Value> =
        cells(&app, id(&first)).await.iter().map(|c| c["output"].clone()).collect();
    assert_eq!(outputs, [json!("Try: question 0"), json!("Try: question 1")]);
    let second = start_run(&app, &draft("Try: {{question}}"), 30).await.body;
    assert_eq!(
        second["prompt"]["prompt_version_id"], first["prompt"]["prompt_version_id"],
        "the same text, the same draft"
    );

    let listed = app.get(&versions, USER_A).await.body;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1, "drafts are hidden");
    let all = app.get(&format!("{versions}?include_drafts=true"), USER_A).await.body;
    assert_eq!(
        (all["items"][0]["version"].clone(), all["items"][0]["draft"].clone()),
        (json!(2), json!(true))
    );
    let current = app.get(&format!("/v1/prompts/{}", id(&prompt)), USER_A).await.body;
    assert_eq!(current["version"]["version"], 1, "a draft does not become current");

    let promoted = app.post(&format!("{versions}/2/promote"), USER_A, &json!({})).await;
    assert_eq!((promoted.status, &promoted.body["draft"]), (StatusCode::OK, &json!(false)));
    let current = app.get(&format!("/v1/prompts/{}", id(&prompt)), USER_A).await.body;
    assert_eq!(
        (&current["version"]["version"], &current["current_version"]),
        (&json!(2), &json!(2))
    );
    let listed = app.get("/v1/prompts", USER_A).await.body;
    let listed = listed["items"].as_array().unwrap().iter().find(|p| p["id"] == prompt["id"]);
    assert_eq!(listed.unwrap()["current_version"], 2, "the list agrees");
    assert_eq!(
        app.post(&format!("{versions}/9/promote"), USER_A, &json!({})).await.status,
        StatusCode::NOT_FOUND
    );

    let with_version = app
        .post(
            "/v1/runs",
            USER_A,
            &json!({"prompt_version_id": first["prompt"]["prompt_version_id"], "prompt_body": "x",
            "models": [{"provider": "mock", "model": "echo"}], "variables": {"question": "q"}}),
        )
        .await;
    assert_eq!(
        (with_version.status, with_version.error_fields()),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["prompt_body"])
    );
    let theirs = app.post("/v1/runs", USER_B, &draft("Stolen: {{question}}")).await;
    assert_eq!(
        theirs.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not their prompt: {:?}",
        theirs.body
    );
}

/// One poll of the change feed: the (cell id, status) pairs and the next cursor.
async fn poll_changes(
    app: &TestApp,
    run: &str,
    cursor: Option<&str>,
) -> (Vec<(String, String)>, String) {
    let mut path = format!("/v1/runs/{run}/changes?limit=2");
    if let Some(cursor) = cursor {
        path.push_str(&format!("&cursor={cursor}"));
    }
    let mut seen = Vec::new();
    loop {
        let page = app.get(&path, USER_A).await;
        assert_eq!(page.status, StatusCode::OK, "{:?}", page.body);
        for cell in page.body["items"].as_array().unwrap() {
            seen.push((
                cell["id"].as_str().unwrap().to_owned(),
                cell["status"].as_str().unwrap().to_owned(),
            ));
        }
        let cursor = page.body["cursor"].as_str().unwrap().to_owned();
        if page.body["more"] == false {
            return (seen, cursor);
        }
        path = format!("/v1/runs/{run}/changes?limit=2&cursor={cursor}");
    }
}

#[tokio::test]
async fn the_change_feed_misses_no_late_commit_and_repeats_nothing() {
    let app = TestApp::without_worker(&[]).await;
    let run = question_run(&app, USER_A, 5, json!({})).await;
    let run_id = id(&run).to_owned();
    // Every cell once (pages of 2), then nothing new.
    let (first, cursor) = poll_changes(&app, &run_id, None).await;
    assert_eq!(first.len(), 5);
    assert!(poll_changes(&app, &run_id, Some(&cursor)).await.0.is_empty());

    let ids: Vec<String> = first.iter().map(|(id, _)| id.clone()).collect();
    // A slow writer takes its transaction id first and commits last; a fast one commits between.
    let mut slow = app.test_db.superuser().await;
    sqlx::query("begin").execute(&mut slow).await.unwrap();
    sqlx::query("update public.run_cell set status = 'cancelled' where id = $1::uuid")
        .bind(&ids[0])
        .execute(&mut slow)
        .await
        .unwrap();
    let mut fast = app.test_db.superuser().await;
    sqlx::query("update public.run_cell set status = 'cancelled' where id = $1::uuid")
        .bind(&ids[1])
        .execute(&mut fast)
        .await
        .unwrap();
    let (fast_seen, cursor) = poll_changes(&app, &run_id, Some(&cursor)).await;
    assert_eq!(fast_seen, [(ids[1].clone(), "cancelled".to_owned())], "the fast one, already");
    sqlx::query("commit").execute(&mut slow).await.unwrap();
    // An updated_at cursor would skip the slow change now: it is older than the fast one.
    let (slow_seen, cursor) = poll_changes(&app, &run_id, Some(&cursor)).await;
    assert_eq!(slow_seen, [(ids[0].clone(), "cancelled".to_owned())], "the late commit, once");
    assert!(poll_changes(&app, &run_id, Some(&cursor)).await.0.is_empty(), "nothing twice");

    // Many writers racing a poller: every change is seen exactly once.
    let mut connections = Vec::new();
    for _ in &ids[2..] {
        connections.push(app.test_db.superuser().await);
    }
    let writers: Vec<_> = ids[2..]
        .iter()
        .cloned()
        .zip(connections)
        .enumerate()
        .map(|(i, (id, mut conn))| {
            tokio::spawn(async move {
                sqlx::query("begin").execute(&mut conn).await.unwrap();
                sqlx::query("update public.run_cell set status = 'failed' where id = $1::uuid")
                    .bind(&id)
                    .execute(&mut conn)
                    .await
                    .unwrap();
                tokio::time::sleep(Duration::from_millis(40 * (3 - i as u64))).await;
                sqlx::query("commit").execute(&mut conn).await.unwrap();
            })
        })
        .collect();
    let mut seen = Vec::new();
    let mut cursor = cursor;
    for _ in 0..20 {
        let (more, next) = poll_changes(&app, &run_id, Some(&cursor)).await;
        seen.extend(more);
        cursor = next;
        tokio::time::sleep(Duration::from_millis(15)).await;
    }
    for writer in writers {
        writer.await.unwrap();
    }
    seen.extend(poll_changes(&app, &run_id, Some(&cursor)).await.0);
    seen.sort();
    let mut want: Vec<(String, String)> =
        ids[2..].iter().map(|id| (id.clone(), "failed".to_owned())).collect();
    want.sort();
    assert_eq!(seen, want);

    let bad = app.get(&format!("/v1/runs/{run_id}/changes?cursor=garbage"), USER_A).await;
    assert_eq!(bad.status.as_u16() / 100, 4);
    assert_eq!(
        app.get(&format!("/v1/runs/{run_id}/changes"), USER_B).await.status,
        StatusCode::NOT_FOUND
    );
}
