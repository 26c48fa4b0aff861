//! The shapes clients see, as reviewed snapshots (`tests/api/snapshots/*.snap`): a change to a
//! cell, a run or a summary shows up as a diff to accept with `cargo insta review` (or
//! `INSTA_UPDATE=always`). Ids, timestamps and latencies, which differ on every run, are
//! replaced by placeholders, and fractions rounded (sums over rows read in any order may differ
//! in the last bit).

use serde_json::{Value, json};

use crate::support::{TestApp, USER_A, cells, finished_question_run, grader, id};

/// `value` with what differs between runs replaced: UUIDs, RFC 3339 timestamps, latencies, the
/// last digits of fractions.
fn stable(value: &Value) -> Value {
    match value {
        Value::Number(n) if n.is_f64() => {
            json!((n.as_f64().unwrap_or_default() * 1e9).round() / 1e9)
        }
        Value::String(text) if uuid::Uuid::parse_str(text).is_ok() => json!("[uuid]"),
        Value::String(text) if chrono::DateTime::parse_from_rfc3339(text).is_ok() => {
            json!("[timestamp]")
        }
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(key, value)| {
                    let timing = key.ends_with("_ms") && value.is_number();
                    (key.clone(), if timing { json!("[ms]") } else { stable(value) })
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(stable).collect()),
        other => other.clone(),
    }
}

#[tokio::test]
async fn a_graded_cell_its_run_and_their_summary_keep_their_shape() {
    let app = TestApp::new().await;
    let judge = grader(&app, "Output: {{output}}\nExpected: {{expected}}").await;
    let run = finished_question_run(
        &app,
        2,
        json!({
            "models": [{"provider": "mock", "model": "echo", "params": {"temperature": 0}}],
            "grader": {"prompt_id": id(&judge), "provider": "mock", "model": "judge"},
            "assertions": [{"type": "contains", "value": "question"}],
        }),
    )
    .await;
    assert_eq!(run["status"], "completed");
    insta::assert_json_snapshot!("run", stable(&run));

    let cell = &cells(&app, id(&run)).await[0];
    let path = format!("/v1/runs/{}/cells/{}", id(&run), id(cell));
    let graded = app
        .send(
            axum::http::Method::PUT,
            &format!("{path}/grade"),
            Some(&USER_A.token()),
            Some(&json!({"value": "fail", "note": "too short"})),
        )
        .await
        .body;
    insta::assert_json_snapshot!("cell", stable(&graded));

    let summary = app.get(&format!("/v1/runs/{}/summary", id(&run)), USER_A).await.body;
    insta::assert_json_snapshot!("summary", stable(&summary));
}
