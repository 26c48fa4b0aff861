//! Grading: the mock judge and assertions end to end, parse errors, manual grades overriding
//! automatic ones in the summary, the interval maths, comparisons, exports, isolation.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::support::{
    Part, TestApp, USER_A, USER_B, cells, dataset, finished_question_run, grader, id, mock_models,
    prompt, start_run,
};

async fn grade(app: &TestApp, run: &Value, cell: &Value, value: &str) -> Value {
    let response = app
        .send(
            axum::http::Method::PUT,
            &format!("/v1/runs/{}/cells/{}/grade", id(run), id(cell)),
            Some(&USER_A.token()),
            Some(&json!({"value": value, "note": format!("set to {value}")})),
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{:?}", response.body);
    response.body
}

async fn summary(app: &TestApp, run: &Value) -> Value {
    let response = app.get(&format!("/v1/runs/{}/summary", id(run)), USER_A).await;
    assert_eq!(response.status, StatusCode::OK, "{:?}", response.body);
    response.body
}

fn close(value: &Value, expected: f64) -> bool {
    value.as_f64().is_some_and(|v| (v - expected).abs() < 1e-4)
}

#[tokio::test]
async fn the_mock_judge_and_assertions_grade_every_output() {
    let app = TestApp::new().await;
    let judge = grader(&app, "Input: {{input}}\nOutput: {{output}}\nExpected: {{expected}}").await;
    let run = &finished_question_run(&app, 10, json!({
        "grader": {"prompt_id": id(&judge), "provider": "mock", "model": "judge"},
        "assertions": [{"type": "contains", "column": "question"}, {"type": "starts_with", "value": "Q:"},
                       {"type": "regex", "value": "number [0-4]$|question [0-4]$"}],
    })).await;
    assert_eq!(run["status"], "completed", "{run:?}");
    assert_eq!(run["expected_column"], "expected", "the `expected` column is found by name");

    for cell in cells(&app, id(run)).await {
        let grading = &cell["grading"];
        let judge = &grading["judge"];
        assert_eq!(judge["status"], "graded", "{cell:?}");
        let verdict = grading::parse_verdict(
            judge["output"].as_str().unwrap(),
            grading::ScoreScale::default(),
            0.5,
        )
        .unwrap();
        assert!(close(&judge["score"], verdict.score.unwrap()));
        assert_eq!(judge["pass"], verdict.pass);
        assert!(
            judge["tokens_in"].as_i64().unwrap() > 0 && judge["cost_usd"].as_f64().unwrap() > 0.0
        );
        let total = cell["cost_usd"].as_f64().unwrap() + judge["cost_usd"].as_f64().unwrap();
        assert!(close(&cell["total_cost_usd"], total));

        let results = grading["assertion_results"].as_array().unwrap();
        assert_eq!(results[0]["passed"], true, "{results:?}");
        assert_eq!(results[1]["passed"], true);
        let row = cell["row_index"].as_i64().unwrap();
        assert_eq!(results[2]["passed"], row < 5, "{results:?}");
        let all_checks = results.iter().all(|r| r["passed"] == true);
        assert_eq!(grading["auto_pass"], all_checks && verdict.pass, "{cell:?}");
        assert_eq!(grading["effective_pass"], grading["auto_pass"]);
    }
}

#[tokio::test]
async fn a_judge_without_a_verdict_is_a_parse_error_and_leaves_the_grade_unknown() {
    let app = TestApp::new().await;
    // The echo model repeats the grader prompt: prose, no verdict.
    let judge = grader(&app, "Grade this answer: {{output}}").await;
    let grader = json!({"prompt_id": id(&judge), "provider": "mock", "model": "echo"});
    let run = finished_question_run(&app, 3, json!({"grader": grader})).await;
    for cell in cells(&app, id(&run)).await {
        let judge = &cell["grading"]["judge"];
        assert_eq!(judge["status"], "parse_error");
        assert_eq!(
            judge["output"],
            format!("Grade this answer: Q: question {}", cell["row_index"])
        );
        assert_eq!(
            judge["error"],
            "the answer holds no verdict (no <response> block, no JSON object)"
        );
        assert_eq!((judge["score"].clone(), judge["pass"].clone()), (Value::Null, Value::Null));
        assert_eq!(cell["grading"]["auto_pass"], Value::Null, "unknown, not a silent fail");
    }
    let summary = summary(&app, &run).await;
    let model = &summary["models"][0];
    assert_eq!(
        (model["parse_errors"].as_i64(), model["graded"].as_i64(), model["pass_rate"].clone()),
        (Some(3), Some(0), Value::Null)
    );
}

#[tokio::test]
async fn manual_grades_override_the_automatic_ones_in_the_summary() {
    let app = TestApp::new().await;
    // Every output starts with "Q:": all pass automatically.
    let assertions = json!([{"type": "starts_with", "value": "Q:"}]);
    let run = finished_question_run(&app, 10, json!({"assertions": assertions})).await;
    let all = cells(&app, id(&run)).await;
    let before = summary(&app, &run).await;
    assert_eq!(
        (before["models"][0]["graded"].as_i64(), before["models"][0]["passed"].as_i64()),
        (Some(10), Some(10))
    );

    // A person fails two of them: 8 of 10 pass.
    let graded = grade(&app, &run, &all[0], "fail").await;
    assert_eq!(
        (graded["grading"]["auto_pass"].as_bool(), graded["grading"]["effective_pass"].as_bool()),
        (Some(true), Some(false))
    );
    assert_eq!(graded["grading"]["manual"]["value"], "fail");
    grade(&app, &run, &all[1], "fail").await;
    grade(&app, &run, &all[2], "pass").await;
    let after = summary(&app, &run).await;
    let model = &after["models"][0];
    assert_eq!((model["passed"].as_i64(), model["manual_grades"].as_i64()), (Some(8), Some(3)));
    assert!(close(&model["pass_rate"], 0.8));
    // Wilson 95% for 8 of 10, computed by hand: [0.4902, 0.9433].
    assert!(
        close(&model["pass_rate_ci"]["low"], 0.4902)
            && close(&model["pass_rate_ci"]["high"], 0.9433),
        "{model:?}"
    );
    // Judge and human agree on 1 of the 3 cells both graded.
    assert_eq!(model["agreement"]["cells"], 3);
    assert!(close(&model["agreement"]["rate"], 1.0 / 3.0));

    // Unset: the automatic grade counts again; the history keeps every change.
    let unset = grade(&app, &run, &all[0], "unset").await;
    assert_eq!(
        (unset["grading"]["manual"].clone(), unset["grading"]["effective_pass"].as_bool()),
        (Value::Null, Some(true))
    );
    let history: Vec<&str> =
        unset["history"].as_array().unwrap().iter().map(|h| h["value"].as_str().unwrap()).collect();
    assert_eq!(history, ["fail", "unset"]);
    assert_eq!(unset["history"][0]["graded_by"], USER_A.id.to_string());
    assert_eq!(summary(&app, &run).await["models"][0]["passed"], 9);
}

#[tokio::test]
async fn summaries_report_tokens_costs_and_latency_percentiles() {
    let app = TestApp::new().await;
    let models = json!({"models": mock_models(&["echo", "reverse"])});
    let run = finished_question_run(&app, 4, models).await;
    let summary = summary(&app, &run).await;
    assert_eq!(summary["models"].as_array().unwrap().len(), 2);
    let echo = &summary["models"][0];
    // "Q: question N" is 3 words in and out, at $1 and $2 per million.
    assert_eq!(
        (echo["tokens"]["input"].as_i64(), echo["tokens"]["output"].as_i64()),
        (Some(12), Some(12))
    );
    assert!(close(&echo["cost_usd"]["generation"], (12.0 + 24.0) / 1e6));
    assert!(close(&echo["cost_usd"]["total"], (12.0 + 24.0) / 1e6));
    assert!(
        echo["latency"]["p50_ms"].as_f64().is_some()
            && echo["latency"]["max_ms"].as_f64().is_some()
    );
    assert_eq!(echo["counts"]["succeeded"], 4);
    assert_eq!(
        (echo["graded"].as_i64(), echo["pass_rate"].clone()),
        (Some(0), Value::Null),
        "nothing graded them"
    );
}

#[tokio::test]
async fn comparing_two_prompt_versions_pairs_rows_and_tests_the_difference() {
    let app = TestApp::new().await;
    let generator = prompt(&app, "Q: {{question}}").await;
    let dataset = dataset(&app, 10).await;
    let body = json!({"prompt_id": id(&generator), "dataset_id": id(&dataset), "models": [{"provider": "mock", "model": "echo"}]});
    let first = start_run(&app, &body, 30).await.body;
    let second = start_run(&app, &body, 30).await.body;
    // First: rows 0-7 pass, 8-9 fail. Second: rows 0 pass, 1-9 fail. Discordant: 7 first-only.
    for (i, cell) in cells(&app, id(&first)).await.iter().enumerate() {
        grade(&app, &first, cell, if i < 8 { "pass" } else { "fail" }).await;
    }
    for (i, cell) in cells(&app, id(&second)).await.iter().enumerate() {
        grade(&app, &second, cell, if i < 1 { "pass" } else { "fail" }).await;
    }
    let response =
        app.get(&format!("/v1/runs/compare?ids={},{}", id(&first), id(&second)), USER_A).await;
    assert_eq!(response.status, StatusCode::OK, "{:?}", response.body);
    let model = &response.body["models"][0];
    assert!(close(&model["pass_rate_difference"], 0.1 - 0.8));
    let paired = &model["paired"];
    assert_eq!(
        (paired["rows"].as_i64(), paired["first_only"].as_i64(), paired["second_only"].as_i64()),
        (Some(10), Some(7), Some(0))
    );
    // Exact McNemar: 2 * (1/2)^7 = 0.015625.
    assert_eq!(paired["method"], "exact");
    assert!(close(&paired["p_value"], 0.015_625) && paired["significant"] == true, "{paired:?}");

    let bad = app.get(&format!("/v1/runs/compare?ids={}", id(&first)), USER_A).await;
    assert_eq!(
        (bad.status, bad.code(), bad.error_fields()),
        (StatusCode::BAD_REQUEST, "invalid_query", vec!["ids"])
    );
}

#[tokio::test]
async fn exports_have_one_line_per_cell_in_csv_and_jsonl() {
    let app = TestApp::new().await;
    let generator = prompt(&app, "Q: {{question}}").await;
    let csv_file = "question,status\n\"with, comma\",x\nplain,y\n";
    let dataset = app
        .upload("/v1/datasets", USER_A, &[Part::file("tricky.csv", csv_file.as_bytes())])
        .await
        .body;
    let run = start_run(&app, &json!({"prompt_id": id(&generator), "dataset_id": id(&dataset),
                                     "models": [{"provider": "mock", "model": "echo"}, {"provider": "mock", "model": "reverse"}],
                                     "assertions": [{"type": "contains", "value": "comma"}]}), 30).await.body;

    let csv = app.get(&format!("/v1/runs/{}/export?format=csv", id(&run)), USER_A).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    assert!(csv.header("content-disposition").unwrap().contains(".csv"));
    let mut reader = csv::Reader::from_reader(csv.raw.as_slice());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(
        &header[..4],
        ["row_index", "question", "row.status", "model"],
        "a column named like a fixed one is prefixed"
    );
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 4);
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let first = &records[0];
    assert_eq!((&first[column("question")], &first[column("row.status")]), ("with, comma", "x"));
    assert_eq!((&first[column("model")], &first[column("status")]), ("Mock: echo", "succeeded"));
    assert_eq!(&first[column("output")], "Q: with, comma");
    assert_eq!(
        (&first[column("checks_passed")], &first[column("effective_pass")]),
        ("true", "true")
    );
    assert_eq!(&records[2][column("checks_passed")], "false");

    let jsonl = app.get(&format!("/v1/runs/{}/export?format=jsonl", id(&run)), USER_A).await;
    assert_eq!(jsonl.header("content-type"), Some("application/x-ndjson"));
    let lines: Vec<Value> = String::from_utf8(jsonl.raw)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[1]["row"], json!({"question": "with, comma", "status": "x"}));
    assert_eq!(lines[1]["output"], "comma with, Q:");
    assert_eq!(lines[1]["check_results"][0]["passed"], true);
    let all_cells = cells(&app, id(&run)).await;
    let exported_cost: f64 = lines.iter().map(|l| l["cost_usd"].as_f64().unwrap()).sum();
    let api_cost: f64 = all_cells.iter().map(|c| c["cost_usd"].as_f64().unwrap()).sum();
    assert!((exported_cost - api_cost).abs() < 1e-12);
}

#[tokio::test]
async fn grading_settings_are_validated_before_anything_is_written() {
    let app = TestApp::new().await;
    let generator = prompt(&app, "Q: {{question}}").await;
    let judge = grader(&app, "Expected {{expected}}, got {{output}} for {{nope}}").await;
    let csv = "question,answer\nq,a\n";
    let dataset =
        app.upload("/v1/datasets", USER_A, &[Part::file("qa.csv", csv.as_bytes())]).await.body;
    let base = json!({"prompt_id": id(&generator), "dataset_id": id(&dataset), "models": [{"provider": "mock", "model": "echo"}]});
    let with = |extra: Value| {
        let mut body = base.clone();
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        body
    };
    let cases = [
        (
            with(
                json!({"grader": {"prompt_id": id(&judge), "provider": "mock", "model": "judge"}}),
            ),
            vec!["grader.prompt_id", "grader.prompt_id"],
        ),
        (with(json!({"expected_column": "missing"})), vec!["expected_column"]),
        (
            with(
                json!({"assertions": [{"type": "regex", "value": "("}, {"type": "equals", "column": "nope"}, {"type": "is_json", "value": 1}]}),
            ),
            vec!["assertions[0]", "assertions[1]", "assertions[2]"],
        ),
        (with(json!({"score_scale": {"min": 10, "max": 1}})), vec!["score_scale"]),
        (with(json!({"pass_threshold": 1.5})), vec!["pass_threshold"]),
    ];
    for (body, fields) in cases {
        let response = start_run(&app, &body, 0).await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let mut got = response.error_fields();
        got.sort_unstable();
        assert_eq!(got, fields, "{:?}", response.body);
    }
    // `expected_column` names the column `{{expected}}` reads.
    let named = start_run(&app, &with(json!({"expected_column": "answer", "assertions": [{"type": "equals", "column": "answer"}]})), 30).await;
    assert_eq!(named.body["expected_column"], "answer", "{:?}", named.body);
    assert_eq!(app.count("run").await, 1);
}

#[tokio::test]
async fn another_user_cannot_grade_summarise_compare_or_export_a_run() {
    let app = TestApp::new().await;
    let run = finished_question_run(&app, 2, json!({})).await;
    let cell = cells(&app, id(&run)).await.remove(0);
    let path = format!("/v1/runs/{}", id(&run));
    let attempts = [
        app.send(
            axum::http::Method::PUT,
            &format!("{path}/cells/{}/grade", id(&cell)),
            Some(&USER_B.token()),
            Some(&json!({"value": "fail"})),
        )
        .await,
        app.get(&format!("{path}/summary"), USER_B).await,
        app.get(&format!("{path}/export"), USER_B).await,
        app.get(&format!("/v1/runs/compare?ids={},{}", id(&run), id(&run)), USER_B).await,
    ];
    for response in attempts {
        assert_eq!((response.status, response.code()), (StatusCode::NOT_FOUND, "not_found"));
    }
    let untouched = app.get(&format!("{path}/cells/{}", id(&cell)), USER_A).await.body;
    assert_eq!(
        (untouched["grading"]["manual"].clone(), untouched["history"].clone()),
        (Value::Null, json!([]))
    );
}
