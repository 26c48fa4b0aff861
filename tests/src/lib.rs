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
        let data_dir = data_dir.to_str().unwrap();
        let mut args = vec!["dev", "--port", "0", "--data-dir", data_dir];
        args.extend_from_slice(extra_args);
        let mut process = Process::spawn(&args, &[]);
        let api = process.wait_for_stdout("API:", Duration::from_secs(60));
        process.wait_for_stdout("Ctrl-C", Duration::from_secs(5));
        let base_url = api.split_whitespace().last().unwrap().trim_end_matches("/v1").to_owned();
        let tokens = token_lines(&process.stdout_lines);
        Self { process, base_url, tokens }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }
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
