//! Support for end-to-end tests: build the real `promptrefine` binary, run it as a child
//! process, read what it prints, and talk to it over HTTP.

use std::{
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::{Child, Command, ExitStatus, Stdio},
    sync::{
        OnceLock,
        mpsc::{self, Receiver},
    },
    time::{Duration, Instant},
};

/// The binary, built (or found up to date) once per test run with the same profile as the tests.
pub fn binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut build = Command::new(cargo);
        build.args(["build", "--quiet", "-p", "gateway", "--bin", "promptrefine"]);
        if !cfg!(debug_assertions) {
            build.arg("--release");
        }
        let status = build.status().expect("run cargo build");
        assert!(status.success(), "cargo build of promptrefine failed");
        let exe = std::env::current_exe().expect("test executable path");
        // target/<profile>/deps/<test> -> target/<profile>/promptrefine
        exe.parent().and_then(Path::parent).expect("target dir").join("promptrefine")
    })
}

/// A running `promptrefine` process whose stdout and stderr are collected line by line.
#[derive(Debug)]
pub struct Process {
    child: Child,
    stdout: Receiver<String>,
    stderr: Receiver<String>,
    pub stdout_lines: Vec<String>,
    pub stderr_lines: Vec<String>,
}

impl Process {
    pub fn spawn(args: &[&str], env: &[(&str, &str)]) -> Self {
        let mut command = Command::new(binary());
        command.args(args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        command
            .env_remove("SUPABASE_JWT_SECRET")
            .env_remove("SUPABASE_URL")
            .env_remove("DATABASE_URL");
        command.env("RUST_LOG", "info");
        for (name, value) in env {
            command.env(name, value);
        }
        let mut child = command.spawn().expect("start promptrefine");
        let stdout = lines(child.stdout.take().unwrap());
        let stderr = lines(child.stderr.take().unwrap());
        Self { child, stdout, stderr, stdout_lines: Vec::new(), stderr_lines: Vec::new() }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits until a line of stdout contains `needle`, and returns it.
    pub fn wait_for_stdout(&mut self, needle: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(line) = self.stdout_lines.iter().find(|l| l.contains(needle)) {
                return line.clone();
            }
            self.drain();
            if let Ok(Some(status)) = self.child.try_wait() {
                self.drain_to_end();
                if let Some(line) = self.stdout_lines.iter().find(|l| l.contains(needle)) {
                    return line.clone();
                }
                panic!(
                    "promptrefine exited with {status} before printing {needle:?}:\n{}",
                    self.output()
                );
            }
            assert!(
                Instant::now() < deadline,
                "no {needle:?} after {timeout:?}:\n{}",
                self.output()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Sends a signal (`INT`, `TERM`, `KILL`) with kill(1).
    pub fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([&format!("-{signal}"), &self.pid().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Waits for the process to exit.
    pub fn wait(&mut self, timeout: Duration) -> ExitStatus {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                self.drain_to_end();
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "still running after {timeout:?}:\n{}",
                self.output()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Everything printed so far, for failure messages.
    pub fn output(&mut self) -> String {
        self.drain();
        format!(
            "stdout:\n{}\nstderr:\n{}",
            self.stdout_lines.join("\n"),
            self.stderr_lines.join("\n")
        )
    }

    /// After exit: everything until the pipes close.
    fn drain_to_end(&mut self) {
        self.stdout_lines.extend(self.stdout.iter());
        self.stderr_lines.extend(self.stderr.iter());
    }

    fn drain(&mut self) {
        self.stdout_lines.extend(self.stdout.try_iter());
        self.stderr_lines.extend(self.stderr.try_iter());
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn lines(stream: impl std::io::Read + Send + 'static) -> Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// `promptrefine dev` on a free port with its own data dir, and what its banner says.
#[derive(Debug)]
pub struct DevServer {
    pub process: Process,
    pub base_url: String,
    /// Tokens of the two dev users, in banner order.
    pub tokens: Vec<String>,
}

impl DevServer {
    pub fn start(data_dir: &Path, extra_args: &[&str]) -> Self {
        Self::start_with_env(data_dir, extra_args, &[])
    }

    pub fn start_with_env(data_dir: &Path, extra_args: &[&str], env: &[(&str, &str)]) -> Self {
        let data_dir = data_dir.to_str().unwrap();
        let mut args = vec!["dev", "--port", "0", "--data-dir", data_dir];
        args.extend_from_slice(extra_args);
        let mut process = Process::spawn(&args, env);
        let api = process.wait_for_stdout("API:", Duration::from_secs(60));
        process.wait_for_stdout("Ctrl-C", Duration::from_secs(5));
        let base_url = api.split_whitespace().last().unwrap().trim_end_matches("/v1").to_owned();
        let tokens = token_lines(&process.stdout_lines);
        Self { process, base_url, tokens }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// The URL the API logs in with (the unprivileged `promptrefine_gateway`), for worker
    /// processes and for listening to notifications.
    pub fn database_url(&self, data_dir: &Path) -> String {
        let line = self.process.stdout_lines.iter().find(|l| l.contains("Database:")).unwrap();
        let port = line.rsplit(':').next().unwrap().split('/').next().unwrap();
        let password = std::fs::read_to_string(data_dir.join("postgres/gateway.password")).unwrap();
        format!("postgres://promptrefine_gateway:{}@127.0.0.1:{port}/promptrefine", password.trim())
    }
}

/// `tests/tools/fake_llm.py`: a local OpenAI-compatible server with latency and injected 429s.
#[derive(Debug)]
pub struct FakeLlm {
    _process: Child,
    pub base_url: String,
}

impl FakeLlm {
    pub fn start(args: &[&str]) -> Self {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/fake_llm.py");
        let mut child = Command::new("python3")
            .arg(script)
            .args(["--port", "0", "--quiet"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 runs fake_llm.py");
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
        let address = first
            .split_whitespace()
            .find(|word| word.starts_with("http://"))
            .unwrap_or_else(|| panic!("fake_llm said: {first}"));
        Self { _process: child, base_url: address.to_owned() }
    }

    /// Its counters (`model_requests`, `rate_limited_429`, ...).
    pub async fn stats(&self) -> serde_json::Value {
        reqwest::get(format!("{}/stats", self.base_url)).await.unwrap().json().await.unwrap()
    }
}

impl Drop for FakeLlm {
    fn drop(&mut self) {
        let _ = self._process.kill();
        let _ = self._process.wait();
    }
}

/// Calls to the API as one user.
#[derive(Debug, Clone)]
pub struct Api {
    pub base_url: String,
    pub token: String,
    pub client: reqwest::Client,
}

impl Api {
    pub fn new(base_url: &str, token: &str) -> Self {
        Self {
            base_url: base_url.to_owned(),
            token: token.to_owned(),
            client: reqwest::Client::new(),
        }
    }

    pub async fn get(&self, path: &str) -> serde_json::Value {
        let response = self
            .client
            .get(format!("{}{path}", self.base_url))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "GET {path}: {}", response.status());
        response.json().await.unwrap()
    }

    pub async fn post(&self, path: &str, body: &serde_json::Value) -> serde_json::Value {
        let response = self
            .client
            .post(format!("{}{path}", self.base_url))
            .bearer_auth(&self.token)
            .json(body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let body: serde_json::Value = response.json().await.unwrap();
        assert!(status.is_success(), "POST {path}: {status} {body}");
        body
    }

    pub async fn upload_csv(&self, name: &str, csv: String) -> serde_json::Value {
        let part = reqwest::multipart::Part::text(csv)
            .file_name(name.to_owned())
            .mime_str("text/csv")
            .unwrap();
        let form = reqwest::multipart::Form::new().part("file", part);
        let response = self
            .client
            .post(format!("{}/v1/datasets", self.base_url))
            .bearer_auth(&self.token)
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), reqwest::StatusCode::CREATED);
        response.json().await.unwrap()
    }

    /// Every cell of a run.
    pub async fn cells(&self, run_id: &str) -> Vec<serde_json::Value> {
        let mut cells = Vec::new();
        let mut cursor = String::new();
        loop {
            let page = self.get(&format!("/v1/runs/{run_id}/cells?limit=1000{cursor}")).await;
            cells.extend(page["items"].as_array().unwrap().iter().cloned());
            match page["next_cursor"].as_str() {
                Some(next) => cursor = format!("&cursor={next}"),
                None => return cells,
            }
        }
    }

    /// Polls until the run ends.
    pub async fn until_ended(&self, run_id: &str, timeout: Duration) -> serde_json::Value {
        let deadline = Instant::now() + timeout;
        loop {
            let run = self.get(&format!("/v1/runs/{run_id}")).await;
            if ["completed", "failed", "cancelled"].contains(&run["status"].as_str().unwrap()) {
                return run;
            }
            assert!(
                Instant::now() < deadline,
                "run still {} after {timeout:?}: {}",
                run["status"],
                run["counts"]
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// A CSV of `rows` questions.
pub fn questions_csv(rows: usize) -> String {
    std::iter::once("question\n".to_owned())
        .chain((0..rows).map(|i| format!("question number {i}\n")))
        .collect()
}

/// The lines after each "Token for" line of the banner.
fn token_lines(lines: &[String]) -> Vec<String> {
    lines
        .windows(2)
        .filter(|pair| pair[0].trim_start().starts_with("Token for"))
        .map(|pair| pair[1].trim().to_owned())
        .collect()
}

/// Whether a PostgreSQL server is running on the cluster in `dir` (per its postmaster.pid).
pub fn postgres_running(dir: &Path) -> bool {
    let Ok(pid_file) = std::fs::read_to_string(dir.join("postgres/data/postmaster.pid")) else {
        return false;
    };
    let pid = pid_file.lines().next().unwrap_or_default().trim();
    !pid.is_empty() && Path::new(&format!("/proc/{pid}")).exists()
}
