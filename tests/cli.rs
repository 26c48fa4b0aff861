//! The `promptrefine` binary itself: `dev` (persistence, clean stops, crash recovery), `serve`,
//! `token` and `openapi`.

use std::time::Duration;

use e2e::{DevServer, Process, postgres_running};
use platform::testing::{JWT_SECRET, TestDb};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

const START: Duration = Duration::from_secs(60);
const STOP: Duration = Duration::from_secs(30);

async fn create_prompt(client: &Client, dev: &DevServer, name: &str) -> Value {
    let response = client
        .post(dev.url("/v1/prompts"))
        .bearer_auth(&dev.tokens[0])
        .json(&json!({"name": name, "kind": "generator", "body": "Hello {{name}}"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.unwrap()
}

async fn prompt_names(client: &Client, dev: &DevServer, token: &str) -> Vec<String> {
    let page: Value = client
        .get(dev.url("/v1/prompts"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn dev_keeps_data_across_restarts_and_ctrl_c_stops_postgres_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let client = Client::new();

    let mut first = DevServer::start(dir.path(), &[]);
    assert_eq!(first.tokens.len(), 2, "{}", first.process.output());
    create_prompt(&client, &first, "kept").await;
    first.process.signal("INT");
    assert!(first.process.wait(STOP).success(), "{}", first.process.output());
    assert!(!postgres_running(dir.path()), "Ctrl-C stops PostgreSQL too");
    let first_log = first.process.output();
    assert!(first_log.contains("applied migration"), "{first_log}");

    let mut second = DevServer::start(dir.path(), &[]);
    assert_eq!(prompt_names(&client, &second, &second.tokens[0]).await, ["kept"]);
    assert_eq!(prompt_names(&client, &second, &second.tokens[1]).await, Vec::<String>::new());
    assert!(!second.process.output().contains("applied migration"), "migrations run once each");
    second.process.signal("INT");
    assert!(second.process.wait(STOP).success());
}

#[tokio::test]
async fn a_killed_dev_takes_its_postgres_down_and_the_next_start_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let client = Client::new();
    let mut first = DevServer::start(dir.path(), &[]);
    create_prompt(&client, &first, "survives a crash").await;
    first.process.signal("KILL");
    first.process.wait(STOP);
    let deadline = std::time::Instant::now() + STOP;
    while postgres_running(dir.path()) {
        assert!(std::time::Instant::now() < deadline, "PostgreSQL outlived its dev process");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let second = DevServer::start(dir.path(), &[]);
    assert_eq!(prompt_names(&client, &second, &second.tokens[0]).await, ["survives a crash"]);
}

#[tokio::test]
async fn dev_fresh_starts_from_nothing_and_its_tokens_match_the_token_and_api_key_commands() {
    let dir = tempfile::tempdir().unwrap();
    let client = Client::new();
    let mut first = DevServer::start(dir.path(), &[]);
    create_prompt(&client, &first, "gone after --fresh").await;
    first.process.signal("INT");
    first.process.wait(STOP);

    let fresh = DevServer::start(dir.path(), &["--fresh"]);
    assert_eq!(prompt_names(&client, &fresh, &fresh.tokens[0]).await, Vec::<String>::new());

    // `token` signs with the dev data dir's secret: the second dev user, minted by hand.
    let mut token = Process::spawn(
        &[
            "token",
            "--sub",
            "00000000-0000-4000-8000-00000000de02",
            "--ttl",
            "5m",
            "--data-dir",
            dir.path().to_str().unwrap(),
        ],
        &[],
    );
    let minted = token.wait_for_stdout("ey", START);
    assert!(token.wait(STOP).success());
    let response =
        client.get(fresh.url("/v1/prompts")).bearer_auth(minted.trim()).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    // `api-key` signs with the same secret, but a project key is not a user: 403, not 401.
    let mut api_key =
        Process::spawn(&["api-key", "anon", "--data-dir", dir.path().to_str().unwrap()], &[]);
    let anon_key = api_key.wait_for_stdout("ey", START);
    assert!(api_key.wait(STOP).success());
    let response =
        client.get(fresh.url("/v1/prompts")).bearer_auth(anon_key.trim()).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let problem: serde_json::Value = response.json().await.unwrap();
    assert_eq!(problem["code"], "forbidden_role");
}

/// A `multipart/form-data` body with one CSV file of about `bytes` bytes.
fn csv_upload(bytes: usize) -> (String, Vec<u8>) {
    let boundary = "promptrefine-e2e-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\n\r\nq\n"
    )
    .into_bytes();
    body.extend(std::iter::repeat_n(b"0123456789abcdef\n".as_slice(), bytes / 17).flatten());
    body.extend(format!("\r\n--{boundary}--\r\n").into_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test]
async fn dev_honours_the_upload_limit_that_serve_reads() {
    let dir = tempfile::tempdir().unwrap();
    let dev = DevServer::start_with_env(dir.path(), &[], &[("MAX_UPLOAD_BYTES", "8388608")]);
    let client = Client::new();
    let upload = |bytes| {
        let (content_type, body) = csv_upload(bytes);
        client
            .post(dev.url("/v1/datasets"))
            .bearer_auth(&dev.tokens[0])
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let too_big = upload(10 << 20).await.unwrap();
    assert_eq!(too_big.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let problem: Value = too_big.json().await.unwrap();
    assert_eq!(
        (problem["code"].as_str(), problem["limit"].as_u64()),
        (Some("file_too_large"), None)
    );
    assert!(problem["detail"].as_str().unwrap().contains("8388608"), "{problem}");
    assert_eq!(upload(1 << 20).await.unwrap().status(), StatusCode::CREATED);
}

#[tokio::test]
async fn serve_refuses_to_start_without_its_settings_and_names_them() {
    let mut no_database = Process::spawn(&["serve"], &[]);
    assert!(!no_database.wait(STOP).success());
    assert!(no_database.output().contains("DATABASE_URL is not set"), "{}", no_database.output());

    let mut bad_port = Process::spawn(
        &["serve"],
        &[
            ("DATABASE_URL", "postgres://x@127.0.0.1:1/x"),
            ("SUPABASE_JWT_SECRET", JWT_SECRET),
            ("BIND_ADDR", "eighty"),
        ],
    );
    assert!(!bad_port.wait(STOP).success());
    assert!(bad_port.output().contains("BIND_ADDR is invalid"), "{}", bad_port.output());
}

#[tokio::test]
async fn serve_answers_over_database_url_and_stops_on_sigterm() {
    use secrecy::ExposeSecret;
    let test_db = TestDb::new().await;
    let mut server = Process::spawn(
        &["serve"],
        &[
            ("DATABASE_URL", test_db.url().expose_secret()),
            ("SUPABASE_JWT_SECRET", JWT_SECRET),
            ("BIND_ADDR", "127.0.0.1:0"),
        ],
    );
    // JSON logs on stderr; the line that says where it listens.
    let deadline = std::time::Instant::now() + START;
    let addr = loop {
        server.output();
        let found = server.stderr_lines.iter().find_map(|line| {
            let log: Value = serde_json::from_str(line).ok()?;
            (log["fields"]["message"] == "serving the API")
                .then(|| log["fields"]["addr"].as_str().unwrap().to_owned())
        });
        if let Some(addr) = found {
            break addr;
        }
        assert!(std::time::Instant::now() < deadline, "{}", server.output());
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let client = Client::new();
    let base = format!("http://{addr}");
    assert_eq!(client.get(format!("{base}/ready")).send().await.unwrap().status(), StatusCode::OK);
    let list = client
        .get(format!("{base}/v1/prompts"))
        .bearer_auth(platform::testing::USER_A.token())
        .send()
        .await
        .unwrap();
    assert_eq!(list.status(), StatusCode::OK);

    // The container health check.
    let mut healthy = Process::spawn(&["healthcheck", "--url", &format!("{base}/ready")], &[]);
    assert!(healthy.wait(STOP).success(), "{}", healthy.output());

    server.signal("TERM");
    assert!(server.wait(STOP).success(), "{}", server.output());
    assert!(server.output().contains("shutting down"));

    let mut unhealthy = Process::spawn(&["healthcheck", "--url", &format!("{base}/ready")], &[]);
    assert!(!unhealthy.wait(STOP).success(), "nothing listens any more");
}

#[test]
fn openapi_prints_the_committed_document() {
    let mut openapi = Process::spawn(&["openapi"], &[]);
    assert!(openapi.wait(STOP).success());
    let printed = format!("{}\n", openapi.stdout_lines.join("\n"));
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/openapi.json"))
            .unwrap();
    assert_eq!(printed, committed);
}
