//! Runs across real processes: `promptrefine dev` for the API, `promptrefine worker` processes,
//! and `fake_llm.py` standing in for OpenAI (the real one cannot be reached from here): rate
//! limits, a worker killed with SIGKILL mid-run, two workers sharing a run, and progress events
//! crossing processes through Postgres.

use std::{collections::HashMap, path::Path, time::Duration};

use e2e::{Api, DevServer, FakeLlm, Process, questions_csv};
use futures::StreamExt;
use serde_json::{Value, json};
use sqlx::postgres::PgListener;

const LONG: Duration = Duration::from_secs(120);

/// A prompt, a 50-row dataset and a run of two fake-OpenAI models over it (100 cells).
async fn start_run(api: &Api, wait: u64) -> Value {
    let prompt = api
        .post(
            "/v1/prompts",
            &json!({"name": "e2e", "kind": "generator", "body": "Please answer: {{question}}"}),
        )
        .await;
    let dataset = api.upload_csv("questions.csv", questions_csv(50)).await;
    api.post(
        &format!("/v1/runs?wait={wait}"),
        &json!({
            "prompt_id": prompt["id"], "dataset_id": dataset["id"],
            "models": [{"provider": "openai", "model": "gpt-4o-mini"}, {"provider": "openai", "model": "gpt-4.1-nano"}],
        }),
    )
    .await
}

fn openai_env(fake: &FakeLlm) -> Vec<(&'static str, String)> {
    vec![("OPENAI_API_KEY", "sk-fake".into()), ("OPENAI_BASE_URL", format!("{}/v1", fake.base_url))]
}

fn as_pairs<'a>(env: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    env.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

fn worker(dev: &DevServer, dir: &Path, fake: &FakeLlm) -> Process {
    let mut env = openai_env(fake);
    // The same settings as the API's: a worker reads them as `serve` does.
    let secret = std::fs::read_to_string(dir.join("jwt.secret")).unwrap();
    env.extend([
        ("DATABASE_URL", dev.database_url(dir)),
        ("SUPABASE_JWT_SECRET", secret.trim().to_owned()),
        ("WORKER_CONCURRENCY", "8".into()),
        ("WORKER_LEASE_SECONDS", "3".into()),
        ("LLM_RETRY_BASE_MS", "50".into()),
    ]);
    Process::spawn(&["worker"], &as_pairs(&env))
}

/// The API with no workers of its own.
fn api_only(dir: &Path, fake: &FakeLlm) -> DevServer {
    let mut env = openai_env(fake);
    env.push(("WORKER_CONCURRENCY", "0".into()));
    DevServer::start_with_env(dir, &[], &as_pairs(&env))
}

fn attempts(cells: &[Value]) -> i64 {
    cells.iter().map(|c| c["attempts"].as_i64().unwrap()).sum()
}

#[tokio::test]
async fn openai_preset_against_fake_llm_with_429s_succeeds_and_every_attempt_is_a_request() {
    let fake =
        FakeLlm::start(&["--latency-ms", "20", "--rate-429", "0.3", "--retry-after-s", "0.2"]);
    let dir = tempfile::tempdir().unwrap();
    let dev = DevServer::start_with_env(dir.path(), &[], &as_pairs(&openai_env(&fake)));
    let api = Api::new(&dev.base_url, &dev.tokens[0]);

    let run = start_run(&api, 60).await;
    let run = api.until_ended(run["id"].as_str().unwrap(), LONG).await;
    assert_eq!(run["status"], "completed");
    assert_eq!(run["counts"]["succeeded"], 100, "{}", run["counts"]);

    let cells = api.cells(run["id"].as_str().unwrap()).await;
    let stats = fake.stats().await;
    let retried = cells.iter().filter(|c| c["attempts"].as_i64() > Some(1)).count();
    assert!(retried > 10, "about 30% of first attempts are refused; retried: {retried}");
    assert_eq!(
        stats["model_requests"].as_i64(),
        Some(attempts(&cells)),
        "one request per attempt: {stats}"
    );
    assert_eq!(
        stats["rate_limited_429"].as_i64(),
        Some(attempts(&cells) - 100),
        "every extra attempt answers a 429"
    );
    assert!(cells.iter().all(|c| c["output"].as_str().unwrap().starts_with("ANSWER: ")));
    assert!(
        cells.iter().all(|c| c["tokens_in"].as_i64() == Some(5)),
        "usage is read from the answer"
    );
}

#[tokio::test]
async fn a_worker_killed_mid_run_loses_no_cell_and_no_cell_gets_two_results() {
    let fake = FakeLlm::start(&["--latency-ms", "300"]);
    let dir = tempfile::tempdir().unwrap();
    let dev = api_only(dir.path(), &fake);
    let api = Api::new(&dev.base_url, &dev.tokens[0]);

    // Every result written, as announced by the database itself, from any process.
    let mut listener = PgListener::connect(&dev.database_url(dir.path())).await.unwrap();
    listener.listen("run_events").await.unwrap();
    let mut first = worker(&dev, dir.path(), &fake);
    let run = start_run(&api, 0).await;
    let run_id = run["id"].as_str().unwrap().to_owned();

    let mut results: HashMap<String, usize> = HashMap::new();
    let mut killed = false;
    let mut second = None;
    loop {
        let note = tokio::time::timeout(LONG, listener.recv()).await.expect("progress").unwrap();
        let event: Value = serde_json::from_str(note.payload()).unwrap();
        if event["kind"] == "cells" {
            for cell in event["cells"].as_array().unwrap() {
                if cell[1] == "succeeded" {
                    *results.entry(cell[0].as_str().unwrap().to_owned()).or_default() += 1;
                }
            }
        }
        if !killed && results.len() >= 16 {
            first.signal("KILL");
            first.wait(Duration::from_secs(10));
            killed = true;
            second = Some(worker(&dev, dir.path(), &fake));
        }
        if event["kind"] == "run" && event["status"] != "running" {
            break;
        }
    }
    let run = api.until_ended(&run_id, LONG).await;
    assert_eq!(
        (run["status"].as_str(), run["counts"]["succeeded"].as_i64()),
        (Some("completed"), Some(100)),
        "{}",
        run["counts"]
    );
    assert_eq!(results.len(), 100, "every cell has a result");
    assert!(results.values().all(|&n| n == 1), "no cell was written twice: {results:?}");

    // The cells the dead worker held were taken again by the second one once their lease ran out.
    let stats = fake.stats().await;
    let requests = stats["model_requests"].as_i64().unwrap();
    assert!(requests > 100, "the killed worker's calls in flight were made again: {requests}");
    assert_eq!(
        attempts(&api.cells(&run_id).await),
        100,
        "attempts count the calls whose results were kept"
    );
    drop(second);
}

#[tokio::test]
async fn two_worker_processes_share_a_run_without_double_work_and_events_cross_processes() {
    let fake = FakeLlm::start(&["--latency-ms", "100"]);
    let dir = tempfile::tempdir().unwrap();
    let dev = api_only(dir.path(), &fake);
    let api = Api::new(&dev.base_url, &dev.tokens[0]);
    let workers = [worker(&dev, dir.path(), &fake), worker(&dev, dir.path(), &fake)];

    let run = start_run(&api, 0).await;
    let run_id = run["id"].as_str().unwrap();
    // Server-Sent Events from the API process, which runs no workers: everything it reports
    // comes from the worker processes through Postgres.
    let stream = api
        .client
        .get(format!("{}/v1/runs/{run_id}/events", api.base_url))
        .bearer_auth(&api.token)
        .send()
        .await
        .unwrap();
    assert_eq!(stream.headers()["content-type"], "text/event-stream");
    let body = tokio::time::timeout(LONG, async {
        let mut text = String::new();
        let mut chunks = stream.bytes_stream();
        while let Some(chunk) = chunks.next().await {
            text.push_str(&String::from_utf8_lossy(&chunk.unwrap()));
        }
        text
    })
    .await
    .expect("the stream ends when the run does");
    let events: Vec<(&str, Value)> = body
        .split("\n\n")
        .filter_map(|block| {
            let event = block.lines().find_map(|l| l.strip_prefix("event: "))?;
            let data = block.lines().find_map(|l| l.strip_prefix("data: "))?;
            Some((event, serde_json::from_str(data).unwrap()))
        })
        .collect();
    assert!(events.iter().any(|(e, d)| *e == "cell" && d["status"] == "succeeded"), "{body}");
    let (last, data) = events.last().unwrap();
    assert_eq!((*last, data["status"].as_str()), ("run", Some("completed")), "{body}");

    let run = api.until_ended(run_id, LONG).await;
    assert_eq!(run["counts"]["succeeded"], 100);
    let stats = fake.stats().await;
    assert_eq!(stats["model_requests"], 100, "no cell was called twice: {stats}");

    // Both did some of the work: read who held each cell, as service_role (not a superuser).
    let mut conn: sqlx::PgConnection =
        sqlx::Connection::connect(&dev.database_url(dir.path())).await.unwrap();
    sqlx::query("set role service_role").execute(&mut conn).await.unwrap();
    let owners: Vec<(Option<uuid::Uuid>, i64)> =
        sqlx::query_as("select lease_owner, count(*) from public.run_cell group by lease_owner")
            .fetch_all(&mut conn)
            .await
            .unwrap();
    assert_eq!(owners.len(), 2, "{owners:?}");
    drop(workers);
}

#[tokio::test]
async fn fake_llm_as_judge_grades_a_run_and_its_garbage_judge_is_a_parse_error() {
    let fake = FakeLlm::start(&["--latency-ms", "5"]);
    let dir = tempfile::tempdir().unwrap();
    // The judge-* models are served through the `custom` (any OpenAI-compatible server) provider.
    let mut env = openai_env(&fake);
    env.push(("CUSTOM_BASE_URL", format!("{}/v1", fake.base_url)));
    let dev = DevServer::start_with_env(dir.path(), &[], &as_pairs(&env));
    let api = Api::new(&dev.base_url, &dev.tokens[0]);

    let generator = api
        .post(
            "/v1/prompts",
            &json!({"name": "gen", "kind": "generator", "body": "Answer: {{question}}"}),
        )
        .await;
    let judge = api.post("/v1/prompts", &json!({"name": "judge", "kind": "grader", "body": "Question: {{input}}\nAnswer: {{output}}"})).await;
    let dataset = api.upload_csv("questions.csv", questions_csv(20)).await;
    let run_with = async |judge_model: &str| {
        let run = api
            .post("/v1/runs?wait=60", &json!({
                "prompt_id": generator["id"], "dataset_id": dataset["id"],
                "models": [{"provider": "openai", "model": "gpt-4o-mini"}],
                "grader": {"prompt_id": judge["id"], "provider": "custom", "model": judge_model},
            }))
            .await;
        assert_eq!(run["status"], "completed", "{run}");
        (
            api.get(&format!("/v1/runs/{}/summary", run["id"].as_str().unwrap())).await,
            api.cells(run["id"].as_str().unwrap()).await,
        )
    };

    let (summary, cells) = run_with("judge-strict").await;
    let mut passed = 0;
    for cell in &cells {
        let judge = &cell["grading"]["judge"];
        assert_eq!(judge["status"], "graded", "{cell}");
        let answer = judge["output"].as_str().unwrap();
        let verdict: Value = serde_json::from_str(
            answer.split("<response>").nth(1).unwrap().split("</response>").next().unwrap(),
        )
        .unwrap();
        assert_eq!(judge["score"], verdict["score"]);
        assert_eq!(judge["pass"], verdict["pass"]);
        assert_eq!(cell["grading"]["effective_pass"], verdict["pass"]);
        passed += usize::from(verdict["pass"] == true);
    }
    let model = &summary["models"][0];
    assert_eq!(
        (model["graded"].as_u64(), model["passed"].as_u64()),
        (Some(20), Some(passed as u64))
    );
    assert!(model["tokens"]["grader_input"].as_i64().unwrap() > 0);

    let (summary, cells) = run_with("judge-garbage").await;
    assert!(cells.iter().all(|c| c["grading"]["judge"]["status"] == "parse_error"));
    assert_eq!(
        (summary["models"][0]["parse_errors"].as_i64(), summary["models"][0]["graded"].as_i64()),
        (Some(20), Some(0))
    );
}
