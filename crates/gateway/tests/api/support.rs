//! `TestApp`: the application router over a fresh database, and helpers to call it as a user.

use axum::{
    Router,
    body::Body,
    http::{HeaderMap, Method, Request, StatusCode, header},
};
use gateway::{
    app,
    server::spawn_worker,
    settings::{AppSettings, Defaults, Settings, StorageSettings},
    state::{App, AppState},
};
use http_body_util::BodyExt;
use platform::{
    auth::VerifierConfig,
    env::Env,
    testing::{self, TestDb, TestUser},
};
use runs::worker::WorkerConfig;
use serde_json::{Value, json};
use std::{path::Path, sync::Mutex, time::Duration};
use tempfile::TempDir;
use tokio::task::JoinHandle;
use tokio_util::sync::{CancellationToken, DropGuard};
use tower::ServiceExt;

pub use platform::testing::{USER_A, USER_B, USER_C};

pub struct TestApp {
    router: Router,
    /// What the app was built from, to build another process of it.
    settings: Settings,
    pub test_db: TestDb,
    state: AppState,
    worker_config: WorkerConfig,
    /// The local storage folder (unless the test brought its own storage).
    storage_dir: TempDir,
    /// Stops the in-process worker when the test ends; its task, to wait for it to stop.
    worker: Mutex<Option<(DropGuard, Option<JoinHandle<()>>)>>,
}

/// What a test may change about the application: exactly what a deployment may.
#[derive(Default)]
pub struct Options {
    /// Settings as environment variables (`MAX_UPLOAD_BYTES`, `DB_MAX_CONNECTIONS`, providers).
    pub env: Vec<(&'static str, String)>,
    /// Where files go; default: a temporary folder of the test's own.
    pub storage: Option<StorageSettings>,
    /// No worker in this process: cells stay queued (until `start_worker`).
    pub no_worker: bool,
}

/// Settings as the environment pairs `Options::env` takes.
pub fn env(settings: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    settings.iter().map(|(name, value)| (*name, (*value).to_owned())).collect()
}

/// A worker for tests: the settings' worker, small, and quick to notice work.
fn test_worker(settings: &AppSettings) -> WorkerConfig {
    WorkerConfig {
        concurrency: 8,
        poll_interval: Duration::from_millis(100),
        ..settings.worker.clone()
    }
}

#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub raw: Vec<u8>,
}

impl TestResponse {
    /// The `code` of a problem response.
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or_else(|| panic!("not a problem: {self:?}"))
    }

    /// The `field` of every entry of a problem's `errors`.
    pub fn error_fields(&self) -> Vec<&str> {
        self.body["errors"].as_array().map_or_else(Vec::new, |errors| {
            errors.iter().map(|e| e["field"].as_str().unwrap()).collect()
        })
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl TestApp {
    pub async fn new() -> Self {
        Self::with(Options::default()).await
    }

    /// An app with these settings and no worker: runs stay queued (until `start_worker`).
    pub async fn without_worker(settings: &[(&'static str, &str)]) -> Self {
        Self::with(Options { env: env(settings), no_worker: true, ..Options::default() }).await
    }

    /// An app with these settings (as environment variables) and a worker.
    pub async fn with_settings(settings: &[(&'static str, &str)]) -> Self {
        Self::with(Options { env: env(settings), ..Options::default() }).await
    }

    pub async fn with(options: Options) -> Self {
        // Logs show with a failing test's output (RUST_LOG to see more).
        let _ = tracing_subscriber::fmt()
            .with_test_writer()
            .with_env_filter(
                tracing_subscriber::EnvFilter::try_from_default_env()
                    .unwrap_or_else(|_| "warn".into()),
            )
            .try_init();
        let test_db = TestDb::new().await;
        let storage_dir = tempfile::tempdir().unwrap();
        let mut env = vec![("LLM_RETRY_BASE_MS", "10".to_owned())];
        env.extend(options.env);
        let env = Env::from_pairs(env.iter().map(|(k, v)| (*k, v.as_str())));
        let settings = Settings {
            database_url: test_db.url().clone(),
            verifier: VerifierConfig {
                hs256_secret: Some(testing::jwt_secret()),
                ..Default::default()
            },
            storage: options
                .storage
                .unwrap_or_else(|| StorageSettings::Local { dir: storage_dir.path().to_owned() }),
            app: AppSettings::from_env(&env, &Defaults::DEPLOYED).unwrap(),
        };
        let state = App::build(&settings).await.unwrap();
        let router = app::router(state.clone());
        let app = Self {
            router,
            settings,
            test_db,
            worker_config: test_worker(&state.settings),
            state,
            storage_dir,
            worker: Mutex::default(),
        };
        if !options.no_worker {
            app.start_worker();
        }
        app
    }

    /// The router of a second API process on the same database (its own pool and caches), as
    /// a deployment with several `serve` instances has.
    pub async fn another_process(&self) -> Router {
        app::router(App::build(&self.settings).await.unwrap())
    }

    /// Sends `request` through `router` (another process's).
    pub async fn call_through(router: &Router, request: Request<Body>) -> TestResponse {
        into_test_response(router.clone().oneshot(request).await.unwrap()).await
    }

    /// Closes the app's connection pool, as a database that went away would leave it.
    pub async fn close_database(&self) {
        self.state.db.pool().close().await;
    }

    /// The providers each organization calls through (to write down their use at once).
    pub fn providers(&self) -> &providers::Registry {
        &self.state.providers
    }

    /// Starts this app's worker (for tests that queue work first); it stops with the app.
    pub fn start_worker(&self) {
        let stop = CancellationToken::new();
        let task = spawn_worker(&self.state, &self.worker_config, &stop);
        *self.worker.lock().unwrap() = Some((stop.drop_guard(), task));
    }

    /// Stops this app's worker and waits until it has (cells in flight finish first): work
    /// queued from now on stays queued, until `start_worker`.
    pub async fn stop_worker(&self) {
        let worker = self.worker.lock().unwrap().take();
        if let Some((stop, task)) = worker {
            drop(stop);
            if let Some(task) = task {
                task.await.unwrap();
            }
        }
    }

    /// Every file in the local storage folder, as paths relative to it.
    pub fn stored_files(&self) -> Vec<String> {
        fn walk(dir: &Path, root: &Path, out: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, root, out);
                } else {
                    out.push(path.strip_prefix(root).unwrap().display().to_string());
                }
            }
        }
        let mut files = Vec::new();
        walk(self.storage_dir.path(), self.storage_dir.path(), &mut files);
        files.sort();
        files
    }

    /// Counts rows of `table` as `service_role` (which sees every user's rows).
    pub async fn count(&self, table: &str) -> i64 {
        let mut tx = self.test_db.db.begin_service().await.unwrap();
        sqlx::query_scalar(&format!("select count(*) from public.{table}"))
            .fetch_one(&mut *tx)
            .await
            .unwrap()
    }

    /// Sends a request with `token` (if any) and a JSON `body` (if any).
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> TestResponse {
        self.send_in(None, method, path, token, body).await
    }

    /// A request with `token` (a user's, or an API key) acting in organization `org`.
    pub async fn send_with_org(
        &self,
        method: Method,
        path: &str,
        token: &str,
        org: &str,
        body: Option<&Value>,
    ) -> TestResponse {
        self.send_in(Some(org), method, path, Some(token), body).await
    }

    /// Like [`TestApp::send`], acting in organization `org` (`X-Org-Id`) if given.
    async fn send_in(
        &self,
        org: Option<&str>,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> TestResponse {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        if let Some(org) = org {
            request = request.header("x-org-id", org);
        }
        let request = match body {
            Some(body) => request
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string())),
            None => request.body(Body::empty()),
        };
        self.call(request.unwrap()).await
    }

    pub fn router(&self) -> Router {
        self.router.clone()
    }

    pub async fn call(&self, request: Request<Body>) -> TestResponse {
        let response = self.router.clone().oneshot(request).await.unwrap();
        into_test_response(response).await
    }

    pub async fn get(&self, path: &str, user: TestUser) -> TestResponse {
        self.send(Method::GET, path, Some(&user.token()), None).await
    }

    pub async fn post(&self, path: &str, user: TestUser, body: &Value) -> TestResponse {
        self.send(Method::POST, path, Some(&user.token()), Some(body)).await
    }

    pub async fn patch(&self, path: &str, user: TestUser, body: &Value) -> TestResponse {
        self.send(Method::PATCH, path, Some(&user.token()), Some(body)).await
    }

    pub async fn delete(&self, path: &str, user: TestUser) -> TestResponse {
        self.send(Method::DELETE, path, Some(&user.token()), None).await
    }
}

/// Calls as one user acting in one organization (the `X-Org-Id` header).
pub struct InOrg<'a> {
    app: &'a TestApp,
    user: TestUser,
    org: String,
}

impl TestApp {
    pub fn in_org(&self, user: TestUser, org: &str) -> InOrg<'_> {
        InOrg { app: self, user, org: org.to_owned() }
    }
}

impl InOrg<'_> {
    pub async fn get(&self, path: &str) -> TestResponse {
        self.send(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> TestResponse {
        self.send(Method::POST, path, Some(body)).await
    }

    async fn send(&self, method: Method, path: &str, body: Option<&Value>) -> TestResponse {
        let token = self.user.token();
        self.app.send_in(Some(&self.org), method, path, Some(&token), body).await
    }

    /// A generator prompt in the organization.
    pub async fn create_prompt(&self, body: &str) -> TestResponse {
        self.post("/v1/prompts", &json!({"name": "p", "kind": "generator", "body": body})).await
    }

    /// A dataset in the organization, from CSV text.
    pub async fn upload_csv(&self, csv: &str) -> TestResponse {
        let parts = [Part::file("questions.csv", csv.as_bytes())];
        self.app.upload_in(Some(&self.org), "/v1/datasets", self.user, &parts).await
    }
}

pub async fn into_test_response(response: axum::response::Response) -> TestResponse {
    let status = response.status();
    let headers = response.headers().clone();
    let raw = response.into_body().collect().await.unwrap().to_bytes().to_vec();
    let body = serde_json::from_slice(&raw).unwrap_or(Value::Null);
    TestResponse { status, headers, body, raw }
}

/// One part of a multipart form.
pub struct Part<'a> {
    pub name: &'a str,
    pub file_name: Option<&'a str>,
    pub content_type: Option<&'a str>,
    pub data: &'a [u8],
}

impl<'a> Part<'a> {
    pub fn file(file_name: &'a str, data: &'a [u8]) -> Self {
        Self { name: "file", file_name: Some(file_name), content_type: None, data }
    }

    pub fn text(name: &'a str, value: &'a str) -> Self {
        Self { name, file_name: None, content_type: None, data: value.as_bytes() }
    }
}

const BOUNDARY: &str = "promptrefine-test-boundary-7d0c";

impl TestApp {
    /// POSTs a `multipart/form-data` body made of `parts`.
    pub async fn upload(&self, path: &str, user: TestUser, parts: &[Part<'_>]) -> TestResponse {
        self.upload_in(None, path, user, parts).await
    }

    async fn upload_in(
        &self,
        org: Option<&str>,
        path: &str,
        user: TestUser,
        parts: &[Part<'_>],
    ) -> TestResponse {
        let mut body = Vec::new();
        for part in parts {
            body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
            let mut disposition = format!("Content-Disposition: form-data; name=\"{}\"", part.name);
            if let Some(file_name) = part.file_name {
                disposition.push_str(&format!("; filename=\"{file_name}\""));
            }
            body.extend_from_slice(format!("{disposition}\r\n").as_bytes());
            if let Some(content_type) = part.content_type {
                body.extend_from_slice(format!("Content-Type: {content_type}\r\n").as_bytes());
            }
            body.extend_from_slice(b"\r\n");
            body.extend_from_slice(part.data);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
        let mut request = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::AUTHORIZATION, format!("Bearer {}", user.token()))
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={BOUNDARY}"));
        if let Some(org) = org {
            request = request.header("x-org-id", org);
        }
        self.call(request.body(Body::from(body)).unwrap()).await
    }
}

// ---- fixtures --------------------------------------------------------------------------------

/// The `id` of a JSON object.
/// The events of a `text/event-stream` body: each event's name and its data as JSON.
pub fn sse_events(body: &[u8]) -> Vec<(String, Value)> {
    String::from_utf8_lossy(body)
        .split("\n\n")
        .filter_map(|block| {
            let event = block.lines().find_map(|l| l.strip_prefix("event: "))?;
            let data = block.lines().find_map(|l| l.strip_prefix("data: "))?;
            Some((event.to_owned(), serde_json::from_str(data).unwrap()))
        })
        .collect()
}

pub fn id(value: &Value) -> &str {
    value["id"].as_str().unwrap_or_else(|| panic!("no id in {value}"))
}

/// One field of every item of a list response.
pub fn item_field(page: &Value, field: &str) -> Vec<Value> {
    page["items"].as_array().unwrap().iter().map(|item| item[field].clone()).collect()
}

/// CSV with `question` and `expected` columns and `rows` rows.
pub fn questions(rows: usize) -> String {
    std::iter::once("question,expected\n".to_owned())
        .chain((0..rows).map(|i| format!("question {i},answer {i}\n")))
        .collect()
}

/// A generator prompt of user A.
pub async fn prompt(app: &TestApp, body: &str) -> Value {
    app.create_prompt(USER_A, body).await
}

/// A grader prompt of user A.
pub async fn grader(app: &TestApp, body: &str) -> Value {
    let request = json!({"name": "judge", "kind": "grader", "body": body});
    let response = app.post("/v1/prompts", USER_A, &request).await;
    assert_eq!(response.status, StatusCode::CREATED, "{:?}", response.body);
    response.body
}

/// A dataset of user A with `rows` rows of [`questions`].
pub async fn dataset(app: &TestApp, rows: usize) -> Value {
    app.upload_csv(USER_A, &questions(rows)).await
}

/// Mock models by name, as a run's `models`.
pub fn mock_models(names: &[&str]) -> Value {
    names.iter().map(|model| json!({"provider": "mock", "model": model})).collect()
}

/// A run of `user` of a new prompt with `body`, with `fields` (e.g. `variables`, `dataset_id`;
/// `models` defaults to the mock `echo`) merged into the request; not waited for.
pub async fn prompt_run(app: &TestApp, user: TestUser, body: &str, fields: Value) -> Value {
    let prompt = app.create_prompt(user, body).await;
    let mut request = json!({"prompt_id": id(&prompt), "models": mock_models(&["echo"])});
    request.as_object_mut().unwrap().extend(fields.as_object().cloned().unwrap_or_default());
    app.create_run(user, &request).await
}

/// A [`prompt_run`] of `Q: {{question}}` over a dataset of `rows` [`questions`].
pub async fn question_run(app: &TestApp, user: TestUser, rows: usize, mut fields: Value) -> Value {
    let dataset = app.upload_csv(user, &questions(rows)).await;
    fields["dataset_id"] = json!(id(&dataset));
    prompt_run(app, user, "Q: {{question}}", fields).await
}

/// A [`question_run`] of user A, once it has ended.
pub async fn finished_question_run(app: &TestApp, rows: usize, fields: Value) -> Value {
    let run = question_run(app, USER_A, rows, fields).await;
    until_ended(app, id(&run)).await
}

/// Starts a run of user A, waiting up to `wait` seconds for its end.
pub async fn start_run(app: &TestApp, body: &Value, wait: u64) -> TestResponse {
    app.post(&format!("/v1/runs?wait={wait}"), USER_A, body).await
}

/// Polls until the run of user A ends.
pub async fn until_ended(app: &TestApp, run_id: &str) -> Value {
    app.run_ended(USER_A, run_id).await
}

/// Every cell of a run of user A, in row order.
pub async fn cells(app: &TestApp, run_id: &str) -> Vec<Value> {
    app.run_cells(USER_A, run_id).await
}

/// A team made by `owner`, with each of `members` invited with its role and accepted; its id.
pub async fn team(app: &TestApp, owner: TestUser, members: &[(TestUser, &str)]) -> String {
    let team = app.post("/v1/orgs", owner, &json!({"name": "Support team"})).await;
    assert_eq!(team.status, StatusCode::CREATED, "{:?}", team.body);
    let org = id(&team.body).to_owned();
    for (member, role) in members {
        join(app, &org, owner, *member, role).await;
    }
    org
}

/// `member` joins `org` as `role`, invited by `admin`.
pub async fn join(app: &TestApp, org: &str, admin: TestUser, member: TestUser, role: &str) {
    let invitation = json!({"email": member.email, "role": role});
    let invited = app.post(&format!("/v1/orgs/{org}/invitations"), admin, &invitation).await;
    assert_eq!(invited.status, StatusCode::CREATED, "{:?}", invited.body);
    let token = json!({"token": invited.body["token"]});
    let accepted = app.post("/v1/invitations/accept", member, &token).await;
    assert_eq!(accepted.status, StatusCode::OK, "{:?}", accepted.body);
    assert_eq!(accepted.body["role"], *role);
}

impl TestApp {
    /// A generator prompt of `user` with `body`.
    pub async fn create_prompt(&self, user: TestUser, body: &str) -> Value {
        let request = json!({"name": "p", "kind": "generator", "body": body});
        let response = self.post("/v1/prompts", user, &request).await;
        assert_eq!(response.status, StatusCode::CREATED, "{:?}", response.body);
        response.body
    }

    /// A dataset of `user` from CSV text, uploaded as `questions.csv`.
    pub async fn upload_csv(&self, user: TestUser, csv: &str) -> Value {
        let response =
            self.upload("/v1/datasets", user, &[Part::file("questions.csv", csv.as_bytes())]).await;
        assert_eq!(response.status, StatusCode::CREATED, "{:?}", response.body);
        response.body
    }

    /// Starts a run of `user`; asserts it was accepted.
    pub async fn create_run(&self, user: TestUser, body: &Value) -> Value {
        let response = self.post("/v1/runs", user, body).await;
        assert!(response.status.is_success(), "{:?}", response.body);
        response.body
    }

    /// Polls until the run of `user` ends.
    pub async fn run_ended(&self, user: TestUser, run_id: &str) -> Value {
        for _ in 0..600 {
            let run = self.get(&format!("/v1/runs/{run_id}"), user).await.body;
            if ["completed", "failed", "cancelled"].contains(&run["status"].as_str().unwrap()) {
                return run;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("run {run_id} did not end");
    }

    /// Every cell of a run of `user` (up to 1000), in row order.
    pub async fn run_cells(&self, user: TestUser, run_id: &str) -> Vec<Value> {
        let page = self.get(&format!("/v1/runs/{run_id}/cells?limit=1000"), user).await;
        assert_eq!(page.status, StatusCode::OK, "{:?}", page.body);
        let mut cells = page.body["items"].as_array().unwrap().clone();
        cells.sort_by_key(|c| c["row_index"].as_i64());
        cells
    }
}
