//! Grading passes: a finished run graded again without calling the models, the earlier pass
//! kept and readable, one cell graded again, and what may not be regraded, or by whom.

use std::time::Duration;

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{
    TestApp, USER_A, USER_B, USER_C, cells, finished_question_run, grader, id, mock_models,
    question_run, team, until_ended,
};

/// The fields of a cell a regrade must leave as they are: its generation and manual grade.
fn generation(cell: &Value) -> Value {
    json!([
        cell["status"],
        cell["output"],
        cell["tokens_in"],
        cell["tokens_out"],
        cell["cost_usd"],
        cell["attempts"],
        cell["latency_ms"],
        cell["finished_at"],
        cell["grading"]["manual"]
    ])
}

async fn passes(app: &TestApp, run: &str) -> Vec<Value> {
    let page = app.get(&format!("/v1/runs/{run}/grading-passes"), USER_A).await;
    assert_eq!(page.status, StatusCode::OK, "{:?}", page.body);
    page.body["items"].as_array().unwrap().clone()
}

/// Polls until the run's latest pass has graded every cell.
async fn until_graded(app: &TestApp, run: &str) -> Vec<Value> {
    for _ in 0..600 {
        let passes = passes(app, run).await;
        if passes.last().unwrap()["status"] == "completed" {
            return passes;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the last grading pass of run {run} did not complete");
}

async fn regrade(app: &TestApp, run: &str, body: &Value) -> crate::support::TestResponse {
    app.post(&format!("/v1/runs/{run}/regrade"), USER_A, body).await
}

async fn cells_in_pass(app: &TestApp, run: &str, pass: i32) -> Vec<Value> {
    let page = app.get(&format!("/v1/runs/{run}/cells?limit=1000&pass={pass}"), USER_A).await;
    assert_eq!(page.status, StatusCode::OK, "{:?}", page.body);
    let mut cells = page.body["items"].as_array().unwrap().clone();
    cells.sort_by_key(|c| c["row_index"].as_i64());
    cells
}

#[tokio::test]
async fn a_regrade_grades_the_outputs_again_without_calling_the_models_and_keeps_the_earlier_pass()
{
    let app = TestApp::new().await;
    // Pass 1: a judge that cannot be called, and an assertion every output passes.
    let judge = grader(&app, "Input: {{input}}\nOutput: {{output}}").await;
    let run = finished_question_run(
        &app,
        6,
        json!({
            "grader": {"prompt_id": id(&judge), "provider": "mock", "model": "fail"},
            "assertions": [{"type": "starts_with", "value": "Q:"}],
        }),
    )
    .await;
    let run_id = id(&run);
    let before = cells(&app, run_id).await;
    assert!(before.iter().all(|c| c["grading"]["judge"]["status"] == "error"), "{before:?}");
    let graded_by_hand = app
        .send(
            Method::PUT,
            &format!("/v1/runs/{run_id}/cells/{}/grade", id(&before[0])),
            Some(&USER_A.token()),
            Some(&json!({"value": "fail"})),
        )
        .await;
    assert_eq!(graded_by_hand.status, StatusCode::OK);
    let before = cells(&app, run_id).await;

    // Pass 2: the same prompt on a judge that answers; the assertion stays.
    let started = regrade(
        &app,
        run_id,
        &json!({"grader": {"prompt_id": id(&judge), "provider": "mock", "model": "judge"}}),
    )
    .await;
    assert_eq!(started.status, StatusCode::ACCEPTED, "{:?}", started.body);
    assert_eq!((&started.body["number"], &started.body["latest"]), (&json!(2), &json!(true)));
    assert_eq!(started.body["cells"], 6);
    let passes = until_graded(&app, run_id).await;
    assert_eq!(passes.len(), 2);
    let (first, second) = (&passes[0], &passes[1]);
    assert_eq!((&first["number"], &first["latest"]), (&json!(1), &json!(false)));
    // A judge error leaves the grade unknown, whatever the assertion says.
    assert_eq!((&first["judge_errors"], &first["graded"]), (&json!(6), &json!(0)));
    assert_eq!(first["grader"]["model"], "fail");
    assert_eq!(second["grader"]["model"], "judge");
    assert_eq!(second["assertions"], json!([{"type": "starts_with", "value": "Q:"}]));
    assert_eq!((&second["graded"], &second["pending"]), (&json!(6), &json!(0)));
    assert!(second["cost_usd"].as_f64().unwrap() > 0.0);

    // The cells show pass 2's grades; nothing of their generation changed.
    let after = cells(&app, run_id).await;
    for (old, new) in before.iter().zip(&after) {
        assert_eq!(generation(old), generation(new), "a regrade calls no model");
        let judge = &new["grading"]["judge"];
        assert_eq!(judge["status"], "graded", "{new:?}");
        let verdict = grading::parse_verdict(
            judge["output"].as_str().unwrap(),
            grading::ScoreScale::default(),
            0.5,
        )
        .unwrap();
        assert_eq!(new["grading"]["auto_pass"], verdict.pass);
        assert_eq!(new["grading"]["assertion_results"][0]["passed"], true);
    }
    assert_eq!(after[0]["grading"]["effective_pass"], false, "the manual grade stays");
    let run = app.get(&format!("/v1/runs/{run_id}"), USER_A).await.body;
    assert_eq!((&run["grading_pass"], &run["grader"]["model"]), (&json!(2), &json!("judge")));

    // Pass 1 is still there to read, cells and summary alike.
    let earlier = cells_in_pass(&app, run_id, 1).await;
    for (old, kept) in before.iter().zip(&earlier) {
        assert_eq!(old["grading"], kept["grading"], "pass 1 reads as it was");
    }
    let app = &app;
    let summary =
        async |pass: &str| app.get(&format!("/v1/runs/{run_id}/summary{pass}"), USER_A).await;
    let (latest, first) = (summary("").await.body, summary("?pass=1").await.body);
    assert_eq!(
        (&latest["models"][0]["judge_errors"], &first["models"][0]["judge_errors"]),
        (&json!(0), &json!(6))
    );
    assert_eq!(latest["models"][0]["scored"], 6);
    assert_eq!(summary("?pass=2").await.body, latest);
    let missing = summary("?pass=3").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND, "{:?}", missing.body);
    let zero = app.get(&format!("/v1/runs/{run_id}/cells?pass=0"), USER_A).await;
    assert_eq!((zero.status, zero.code()), (StatusCode::BAD_REQUEST, "invalid_query"));
}

#[tokio::test]
async fn passes_grade_one_at_a_time_and_one_cell_can_be_graded_again() {
    let app = TestApp::new().await;
    let judge = grader(&app, "Output: {{output}}").await;
    let run = finished_question_run(
        &app,
        4,
        json!({
            "models": mock_models(&["echo", "fail"]),
            "grader": {"prompt_id": id(&judge), "provider": "mock", "model": "judge"},
        }),
    )
    .await;
    let run_id = id(&run);
    let before = cells(&app, run_id).await;
    let succeeded: Vec<&Value> = before.iter().filter(|c| c["status"] == "succeeded").collect();
    let failed = before.iter().find(|c| c["status"] == "failed").unwrap();
    assert_eq!(succeeded.len(), 4);

    // With no worker, the new pass waits: its cells show no grade until it is graded.
    app.stop_worker().await;
    let started = regrade(&app, run_id, &json!({})).await;
    assert_eq!(started.status, StatusCode::ACCEPTED, "{:?}", started.body);
    assert_eq!((&started.body["status"], &started.body["pending"]), (&json!("running"), &json!(4)));
    for cell in cells(&app, run_id).await.iter().filter(|c| c["status"] == "succeeded") {
        assert_eq!(cell["grading"]["judge"], Value::Null);
        assert_eq!(cell["grading"]["auto_pass"], Value::Null);
    }
    let again = regrade(&app, run_id, &json!({})).await;
    assert_eq!((again.status, again.code()), (StatusCode::CONFLICT, "regrade_in_progress"));
    let cell_path = |cell: &Value| format!("/v1/runs/{run_id}/cells/{}/regrade", id(cell));
    let one = app.post(&cell_path(succeeded[0]), USER_A, &json!({})).await;
    assert_eq!((one.status, one.code()), (StatusCode::CONFLICT, "regrade_in_progress"));

    // A run still running is not regraded.
    let running =
        question_run(&app, USER_A, 2, json!({"assertions": [{"type": "contains", "value": "Q"}]}))
            .await;
    let early = regrade(&app, id(&running), &json!({})).await;
    assert_eq!((early.status, early.code()), (StatusCode::CONFLICT, "run_not_finished"));

    app.start_worker();
    until_ended(&app, id(&running)).await;
    until_graded(&app, run_id).await;
    let graded = cells(&app, run_id).await;
    for old in &succeeded {
        let new = graded.iter().find(|c| c["id"] == old["id"]).unwrap();
        // The mock judge is deterministic: the same verdict again.
        assert_eq!(old["grading"]["judge"]["score"], new["grading"]["judge"]["score"]);
        assert_eq!(new["grading"]["judge"]["status"], "graded");
    }

    // One cell again, in the latest pass: cleared, then graded.
    let one = app.post(&cell_path(succeeded[1]), USER_A, &json!({})).await;
    assert_eq!(one.status, StatusCode::ACCEPTED, "{:?}", one.body);
    assert_eq!(one.body["grading"]["judge"], Value::Null);
    let passes = until_graded(&app, run_id).await;
    assert_eq!(passes.len(), 2, "a cell is graded again within the latest pass");
    let cell = app.get(&format!("/v1/runs/{run_id}/cells/{}", id(succeeded[1])), USER_A).await;
    assert_eq!(cell.body["grading"]["judge"]["score"], succeeded[1]["grading"]["judge"]["score"]);
    let unfinished = app.post(&cell_path(failed), USER_A, &json!({})).await;
    assert_eq!((unfinished.status, unfinished.code()), (StatusCode::CONFLICT, "cell_not_gradable"));
}

#[tokio::test]
async fn a_grading_job_whose_workers_keep_dying_leaves_a_judge_error() {
    let app = TestApp::new().await;
    let judge = grader(&app, "Output: {{output}}").await;
    let run = finished_question_run(
        &app,
        2,
        json!({
            "grader": {"prompt_id": id(&judge), "provider": "mock", "model": "judge"},
        }),
    )
    .await;
    let run_id = id(&run);
    app.stop_worker().await;
    let started = regrade(&app, run_id, &json!({})).await;
    assert_eq!(started.status, StatusCode::ACCEPTED);
    // Both jobs held by a worker that died, and claimed as often as a cell may be.
    let mut tx = app.test_db.db.begin_service().await.unwrap();
    sqlx::query(
        "update public.grading_pass_cell
         set status = 'running', lease_owner = gen_random_uuid(), claims = 3,
             lease_expires_at = now() - interval '1 second'
         where run_id = $1::uuid and status = 'queued'",
    )
    .bind(run_id)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    app.start_worker();
    until_graded(&app, run_id).await;
    for cell in cells(&app, run_id).await {
        let judge = &cell["grading"]["judge"];
        assert_eq!(judge["status"], "error", "{cell:?}");
        assert_eq!(judge["error"], "the grading was claimed 3 times without a result");
    }
}

#[tokio::test]
async fn regrades_are_checked_and_for_editors_of_the_run_only() {
    let app = TestApp::new().await;
    let run = finished_question_run(
        &app,
        2,
        json!({
            "assertions": [{"type": "starts_with", "value": "Q:"}],
        }),
    )
    .await;
    let run_id = id(&run);
    let cell = &cells(&app, run_id).await[0];

    // Every problem of the request is named.
    let generator = app.create_prompt(USER_A, "not a grader {{question}}").await;
    let bad = regrade(
        &app,
        run_id,
        &json!({
            "grader": {"prompt_id": id(&generator), "provider": "mock", "model": "judge"},
            "assertions": [{"type": "regex", "value": "("}],
        }),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", bad.body);
    let mut fields = bad.error_fields();
    fields.sort_unstable();
    assert_eq!(fields, ["assertions[0]", "grader.prompt_id"]);
    let nothing = regrade(&app, run_id, &json!({"assertions": []})).await;
    assert_eq!(
        (nothing.status, nothing.error_fields()),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["grader"])
    );
    let too_many: Vec<Value> = (0..21).map(|_| json!({"type": "contains", "value": "Q"})).collect();
    let oversized = regrade(&app, run_id, &json!({"assertions": too_many})).await;
    assert_eq!(oversized.status, StatusCode::UNPROCESSABLE_ENTITY);
    let unknown = regrade(&app, run_id, &json!({"grader": null, "extra": 1})).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    let nul =
        regrade(&app, run_id, &json!({"assertions": [{"type": "contains", "value": "a\u{0}b"}]}))
            .await;
    assert_eq!(nul.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", nul.body);
    assert_eq!(passes(&app, run_id).await.len(), 1, "nothing was started");

    // A run is graded a bounded number of times.
    let mut admin = app.test_db.superuser().await;
    sqlx::query("update public.run set grading_pass = 50 where id = $1::uuid")
        .bind(run_id)
        .execute(&mut admin)
        .await
        .unwrap();
    let fifty_first = regrade(&app, run_id, &json!({})).await;
    assert_eq!((fifty_first.status, fifty_first.code()), (StatusCode::CONFLICT, "too_many_passes"));
    sqlx::query("update public.run set grading_pass = 1 where id = $1::uuid")
        .bind(run_id)
        .execute(&mut admin)
        .await
        .unwrap();

    // A run whose cells all failed has nothing to grade.
    let failing = finished_question_run(
        &app,
        2,
        json!({
            "models": mock_models(&["fail"]),
            "assertions": [{"type": "contains", "value": "Q"}],
        }),
    )
    .await;
    let empty = regrade(&app, id(&failing), &json!({})).await;
    assert_eq!((empty.status, empty.code()), (StatusCode::CONFLICT, "nothing_to_grade"));

    // Another user's run is not found; a viewer of the team may read passes, not start them.
    let stranger = app.post(&format!("/v1/runs/{run_id}/regrade"), USER_B, &json!({})).await;
    assert_eq!(stranger.status, StatusCode::NOT_FOUND);
    let stranger_cell = app
        .post(&format!("/v1/runs/{run_id}/cells/{}/regrade", id(cell)), USER_B, &json!({}))
        .await;
    assert_eq!(stranger_cell.status, StatusCode::NOT_FOUND);
    let stranger_reads = app.get(&format!("/v1/runs/{run_id}/grading-passes"), USER_B).await;
    assert_eq!(stranger_reads.status, StatusCode::NOT_FOUND);
    let stranger_pass = app.get(&format!("/v1/runs/{run_id}/cells?pass=1"), USER_B).await;
    assert_eq!(stranger_pass.status, StatusCode::NOT_FOUND);

    let org = team(&app, USER_A, &[(USER_C, "viewer")]).await;
    let team_run = app.in_org(USER_A, &org).create_prompt("Q: {{q}}").await;
    let team_run = app
        .in_org(USER_A, &org)
        .post(
            "/v1/runs?wait=10",
            &json!({"prompt_id": id(&team_run.body), "variables": {"q": "x"},
                    "models": mock_models(&["echo"]),
                    "assertions": [{"type": "contains", "value": "x"}]}),
        )
        .await;
    assert_eq!(team_run.status, StatusCode::OK, "{:?}", team_run.body);
    let team_run_id = id(&team_run.body);
    let viewer = app.in_org(USER_C, &org);
    let read = viewer.get(&format!("/v1/runs/{team_run_id}/grading-passes")).await;
    assert_eq!(
        (read.status, read.body["items"].as_array().map(Vec::len)),
        (StatusCode::OK, Some(1))
    );
    let refused = viewer.post(&format!("/v1/runs/{team_run_id}/regrade"), &json!({})).await;
    assert_eq!((refused.status, refused.code()), (StatusCode::FORBIDDEN, "insufficient_role"));
}
