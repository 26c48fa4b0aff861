//! A private PostgreSQL cluster started from the machine's own PostgreSQL binaries: the database
//! of `promptrefine dev` and of the tests.
//!
//! The server runs as a child of this process and is told to shut down when this process dies
//! (`PR_SET_PDEATHSIG`), so neither a crashed `dev` nor a finished test binary leaves a server
//! behind. PostgreSQL refuses to run as root; as root, the binaries run as the `postgres` user.

use std::{
    fs,
    io::{self, Read, Seek, SeekFrom},
    net::TcpListener,
    os::unix::{fs::PermissionsExt, process::CommandExt},
    path::{Path, PathBuf},
    process::{Command, ExitStatus, Stdio},
    sync::{Mutex, PoisonError, mpsc},
    time::{Duration, Instant},
};

use rand::distr::{Alphanumeric, SampleString};
use secrecy::{ExposeSecret, SecretString};
use sqlx::{Connection, PgConnection};
use uuid::Uuid;

use crate::db::migrate::{self, MigrateError};

const SUPERUSER: &str = "postgres";
/// The gateway's login role (created by the local shim): no privileges of its own.
pub const GATEWAY_ROLE: &str = "promptrefine_gateway";
/// Where the gateway role's password is kept, in the cluster's folder.
pub const GATEWAY_PASSWORD_FILE: &str = "gateway.password";
const START_TIMEOUT: Duration = Duration::from_secs(60);
const REUSE_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum LocalPgError {
    #[error(
        "no PostgreSQL server binaries found (looked for initdb and postgres on PATH, in \
         `pg_config --bindir` and in /usr/lib/postgresql/*/bin). Install them, e.g. \
         `apt-get install postgresql` (Debian/Ubuntu), `brew install postgresql@15` (macOS) or \
         `dnf install postgresql-server` (Fedora), or use `promptrefine serve` with DATABASE_URL"
    )]
    NoBinaries,
    #[error(
        "running as root needs a `postgres` system user to run PostgreSQL as (it comes with the PostgreSQL packages)"
    )]
    NoPostgresUser,
    #[error(
        "the postgres user cannot reach {0}; choose a data dir every user can traverse \
         (e.g. --data-dir /var/tmp/promptrefine) or `chmod o+x` its parent folders"
    )]
    Unreachable(PathBuf),
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: io::Error,
    },
    #[error("initdb failed ({status}):\n{output}")]
    Initdb { status: ExitStatus, output: String },
    #[error("PostgreSQL did not start; the end of {log}:\n{tail}")]
    Start { log: PathBuf, tail: String },
    #[error("PostgreSQL stopped with {0}")]
    Stop(String),
    #[error(transparent)]
    Migrate(#[from] MigrateError),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

fn io_error(context: impl Into<String>) -> impl FnOnce(io::Error) -> LocalPgError {
    let context = context.into();
    move |source| LocalPgError::Io { context, source }
}

/// The folder that holds `initdb` and `postgres`.
#[derive(Debug, Clone)]
pub struct PgBinaries {
    dir: PathBuf,
}

impl PgBinaries {
    /// Finds the server binaries: on PATH, then `pg_config --bindir`, then the newest
    /// `/usr/lib/postgresql/<version>/bin` (Debian and Ubuntu keep them off PATH).
    pub fn find() -> Result<Self, LocalPgError> {
        let has_server =
            |dir: &Path| dir.join("initdb").is_file() && dir.join("postgres").is_file();
        let on_path = std::env::var_os("PATH")
            .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
            .unwrap_or_default();
        let from_pg_config = Command::new("pg_config")
            .arg("--bindir")
            .output()
            .ok()
            .filter(|out| out.status.success())
            .map(|out| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()));
        let mut debian: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|entry| {
                let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
                Some((version, entry.path().join("bin")))
            })
            .collect();
        debian.sort_by_key(|(version, _)| std::cmp::Reverse(*version));

        on_path
            .into_iter()
            .chain(from_pg_config)
            .chain(debian.into_iter().map(|(_, dir)| dir))
            .find(|dir| has_server(dir))
            .map(|dir| Self { dir })
            .ok_or(LocalPgError::NoBinaries)
    }

    fn command(&self, name: &str, run_as: Option<SystemUser>) -> Command {
        let mut command = Command::new(self.dir.join(name));
        if let Some(user) = run_as {
            command.uid(user.uid).gid(user.gid);
        }
        command
    }
}

/// How to run a cluster.
#[derive(Debug, Clone)]
pub struct LocalPgOptions {
    /// Holds the cluster (`data/`), its superuser password and its log.
    pub dir: PathBuf,
    /// Durable (fsync) for data you keep; off for throwaway test clusters, which is much faster.
    pub durable: bool,
}

/// A running private cluster, listening on 127.0.0.1 only.
#[derive(Debug)]
pub struct LocalPostgres {
    dir: PathBuf,
    port: u16,
    password: SecretString,
    /// `None` when we reuse a server another process started.
    server: Option<ServerProcess>,
}

#[derive(Debug)]
struct ServerProcess {
    pid: u32,
    /// Mutex only to make the cluster `Sync` (a static in tests); never contended.
    exited: Mutex<mpsc::Receiver<io::Result<ExitStatus>>>,
}

#[derive(Debug, Clone, Copy)]
struct SystemUser {
    uid: u32,
    gid: u32,
}

impl LocalPostgres {
    /// Starts the cluster in `options.dir`, creating it first if needed, or reuses the server
    /// already running on it.
    pub async fn start(
        binaries: &PgBinaries,
        options: &LocalPgOptions,
    ) -> Result<Self, LocalPgError> {
        let run_as = postgres_user_if_root()?;
        let dir = absolute(&options.dir)?;
        fs::create_dir_all(&dir).map_err(io_error(format!("creating {}", dir.display())))?;
        if let Some(user) = run_as {
            ensure_reachable(&dir, user)?;
            std::os::unix::fs::chown(&dir, Some(user.uid), Some(user.gid))
                .map_err(io_error(format!("chown {}", dir.display())))?;
        }

        let data = dir.join("data");
        let password = if data.join("PG_VERSION").is_file() {
            read_password(&dir)?
        } else {
            initdb(binaries, &dir, options.durable, run_as)?
        };

        if let Some(port) = running_port(&data) {
            let cluster = Self { dir: dir.clone(), port, password: password.clone(), server: None };
            let url = cluster.superuser_url("postgres");
            if wait_until_ready(&url, &cluster.dir, None, REUSE_TIMEOUT).await.is_ok() {
                tracing::info!(
                    port,
                    "reusing the PostgreSQL server already running on the data dir"
                );
                return Ok(cluster);
            }
        }

        let port = free_port()?;
        let mut server = spawn_server(binaries, &dir, port, options.durable, run_as)?;
        let cluster = Self { dir, port, password, server: None };
        let url = cluster.superuser_url("postgres");
        wait_until_ready(&url, &cluster.dir, Some(&mut server), START_TIMEOUT).await?;
        Ok(Self { server: Some(server), ..cluster })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// A connection URL for `user` on `database`.
    pub fn url(&self, user: &str, password: &SecretString, database: &str) -> SecretString {
        format!("postgres://{user}:{}@127.0.0.1:{}/{database}", password.expose_secret(), self.port)
            .into()
    }

    /// The superuser's connection URL, for migrations and administration.
    pub fn superuser_url(&self, database: &str) -> SecretString {
        self.url(SUPERUSER, &self.password, database)
    }

    pub async fn connect_superuser(&self, database: &str) -> Result<PgConnection, sqlx::Error> {
        PgConnection::connect(self.superuser_url(database).expose_secret()).await
    }

    /// Creates `database` if needed and applies the Supabase shim and our migrations to it.
    pub async fn prepare_app_database(&self, database: &str) -> Result<(), LocalPgError> {
        assert!(
            database.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
            "database names are chosen by this program: {database:?}"
        );
        let mut admin = self.connect_superuser("postgres").await?;
        let exists: bool =
            sqlx::query_scalar("select exists (select from pg_database where datname = $1)")
                .bind(database)
                .fetch_one(&mut admin)
                .await?;
        if !exists {
            sqlx::raw_sql(&format!("create database {database}")).execute(&mut admin).await?;
        }
        admin.close().await?;

        let mut conn = self.connect_superuser(database).await?;
        migrate::apply_local_shim(&mut conn).await?;
        migrate::apply_migrations(&mut conn).await?;
        let password = self.gateway_password()?;
        // Alphanumeric, generated here: safe to write as a literal (ALTER ROLE takes no parameters).
        sqlx::raw_sql(&format!(
            "alter role {GATEWAY_ROLE} password '{}'",
            password.expose_secret()
        ))
        .execute(&mut conn)
        .await?;
        conn.close().await?;
        Ok(())
    }

    /// The URL the gateway logs in with: the `promptrefine_gateway` role, which owns nothing.
    pub fn app_url(&self, database: &str) -> Result<SecretString, LocalPgError> {
        Ok(self.url(GATEWAY_ROLE, &self.gateway_password()?, database))
    }

    /// Adds a user to `auth.users`, as Supabase Auth would on sign-up.
    pub async fn ensure_user(
        &self,
        database: &str,
        id: Uuid,
        email: &str,
    ) -> Result<(), LocalPgError> {
        let mut conn = self.connect_superuser(database).await?;
        sqlx::query(
            "insert into auth.users (id, email, aud, role, email_confirmed_at)
             values ($1, $2, 'authenticated', 'authenticated', now())
             on conflict (id) do nothing",
        )
        .bind(id)
        .bind(email)
        .execute(&mut conn)
        .await?;
        conn.close().await?;
        Ok(())
    }

    fn gateway_password(&self) -> Result<SecretString, LocalPgError> {
        let path = self.dir.join(GATEWAY_PASSWORD_FILE);
        match fs::read_to_string(&path) {
            Ok(password) => Ok(password.trim().to_owned().into()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let password = Alphanumeric.sample_string(&mut rand::rng(), 32);
                write_private(&path, &password, None)?;
                Ok(password.into())
            }
            Err(e) => Err(io_error(format!("reading {}", path.display()))(e)),
        }
    }

    /// The end of the server's log (to show what went wrong).
    pub fn log_tail(&self) -> String {
        tail(&self.dir.join("postgres.log"))
    }

    /// Stops the server cleanly ("fast" shutdown: open transactions roll back, data is flushed).
    /// A reused server is left running.
    pub async fn stop(self) -> Result<(), LocalPgError> {
        let Some(server) = self.server else { return Ok(()) };
        signal(server.pid, libc::SIGINT);
        let exited = server.exited.into_inner().unwrap_or_else(PoisonError::into_inner);
        let status = tokio::task::spawn_blocking(move || exited.recv())
            .await
            .map_err(|e| LocalPgError::Stop(e.to_string()))?
            .map_err(|e| LocalPgError::Stop(e.to_string()))?
            .map_err(|e| LocalPgError::Stop(e.to_string()))?;
        if status.success() { Ok(()) } else { Err(LocalPgError::Stop(status.to_string())) }
    }
}

/// Polls until the server accepts connections; fails early when it exits.
async fn wait_until_ready(
    url: &SecretString,
    dir: &Path,
    mut server: Option<&mut ServerProcess>,
    timeout: Duration,
) -> Result<(), LocalPgError> {
    let deadline = Instant::now() + timeout;
    loop {
        if PgConnection::connect(url.expose_secret()).await.is_ok() {
            return Ok(());
        }
        let exited = server.as_mut().is_some_and(|s| {
            s.exited.get_mut().unwrap_or_else(PoisonError::into_inner).try_recv().is_ok()
        });
        if exited || Instant::now() > deadline {
            let log = dir.join("postgres.log");
            return Err(LocalPgError::Start { tail: tail(&log), log });
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn absolute(dir: &Path) -> Result<PathBuf, LocalPgError> {
    std::path::absolute(dir).map_err(io_error(format!("resolving {}", dir.display())))
}

/// Creates the cluster with a fresh random superuser password; returns the password.
fn initdb(
    binaries: &PgBinaries,
    dir: &Path,
    durable: bool,
    run_as: Option<SystemUser>,
) -> Result<SecretString, LocalPgError> {
    let data = dir.join("data");
    if data.exists() {
        // A half-created cluster from an interrupted first start.
        fs::remove_dir_all(&data).map_err(io_error(format!("removing {}", data.display())))?;
    }
    let password = Alphanumeric.sample_string(&mut rand::rng(), 32);
    let password_file = dir.join("superuser.password");
    write_private(&password_file, &password, run_as)?;

    let mut command = binaries.command("initdb", run_as);
    command
        .arg("--pgdata")
        .arg(&data)
        .args(["--username", SUPERUSER, "--auth", "scram-sha-256", "--encoding", "UTF8"])
        .args(["--no-locale", "--no-instructions"])
        .arg("--pwfile")
        .arg(&password_file);
    if !durable {
        command.arg("--no-sync");
    }
    let output = command.output().map_err(io_error("running initdb"))?;
    if !output.status.success() {
        let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
        text.push_str(&String::from_utf8_lossy(&output.stderr));
        return Err(LocalPgError::Initdb { status: output.status, output: text });
    }
    Ok(password.into())
}

fn read_password(dir: &Path) -> Result<SecretString, LocalPgError> {
    let path = dir.join("superuser.password");
    let password =
        fs::read_to_string(&path).map_err(io_error(format!("reading {}", path.display())))?;
    Ok(password.trim().to_owned().into())
}

fn write_private(
    path: &Path,
    contents: &str,
    owner: Option<SystemUser>,
) -> Result<(), LocalPgError> {
    let context = || format!("writing {}", path.display());
    fs::write(path, contents).map_err(io_error(context()))?;
    fs::set_permissions(path, fs::Permissions::from_mode(0o600)).map_err(io_error(context()))?;
    if let Some(user) = owner {
        std::os::unix::fs::chown(path, Some(user.uid), Some(user.gid))
            .map_err(io_error(context()))?;
    }
    Ok(())
}

/// The port of a live server on `data`, from its `postmaster.pid` (line 4).
fn running_port(data: &Path) -> Option<u16> {
    let pid_file = fs::read_to_string(data.join("postmaster.pid")).ok()?;
    let mut lines = pid_file.lines();
    let pid: u32 = lines.next()?.trim().parse().ok()?;
    let port = lines.nth(2)?.trim().parse().ok()?;
    Path::new(&format!("/proc/{pid}")).exists().then_some(port)
}

fn free_port() -> Result<u16, LocalPgError> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(io_error("finding a free port"))?;
    let port = listener.local_addr().map_err(io_error("finding a free port"))?.port();
    Ok(port)
}

fn spawn_server(
    binaries: &PgBinaries,
    dir: &Path,
    port: u16,
    durable: bool,
    run_as: Option<SystemUser>,
) -> Result<ServerProcess, LocalPgError> {
    let log_path = dir.join("postgres.log");
    let log = fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log_path)
        .map_err(io_error(format!("opening {}", log_path.display())))?;
    let log_err = log.try_clone().map_err(io_error("duplicating the log file"))?;

    let mut command = binaries.command("postgres", run_as);
    command
        .arg("-D")
        .arg(dir.join("data"))
        .args(["-p", &port.to_string()])
        .args(["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="])
        .args(["-c", "max_connections=300"])
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(log_err);
    if !durable {
        for setting in ["fsync=off", "synchronous_commit=off", "full_page_writes=off"] {
            command.args(["-c", setting]);
        }
    }
    // Its own process group: a terminal's Ctrl-C goes to `dev`, which then stops the server
    // after the API has finished its requests.
    command.process_group(0);
    die_with_parent(&mut command);

    // PR_SET_PDEATHSIG fires when the *thread* that spawned the child ends, so spawn from a thread
    // that lives exactly as long as the server.
    let (started_tx, started_rx) = mpsc::channel();
    let (exited_tx, exited_rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("postgres".into())
        .spawn(move || match command.spawn() {
            Ok(mut child) => {
                let _ = started_tx.send(Ok(child.id()));
                let _ = exited_tx.send(child.wait());
            }
            Err(e) => {
                let _ = started_tx.send(Err(e));
            }
        })
        .map_err(io_error("starting the postgres thread"))?;
    let pid = started_rx
        .recv()
        .map_err(|_| LocalPgError::Stop("the postgres thread ended".into()))?
        .map_err(io_error("starting postgres"))?;
    Ok(ServerProcess { pid, exited: Mutex::new(exited_rx) })
}

/// Asks the kernel to send SIGQUIT (PostgreSQL's "immediate shutdown") to the server when its
/// parent dies, however it dies.
#[allow(unsafe_code)]
fn die_with_parent(command: &mut Command) {
    // SAFETY: the closure runs in the forked child before exec and only calls prctl(2), which is
    // async-signal-safe; it runs after the uid switch, which would otherwise clear the setting.
    unsafe {
        command.pre_exec(|| {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGQUIT) == -1 {
                return Err(io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

#[allow(unsafe_code)]
fn signal(pid: u32, signal: libc::c_int) {
    let Ok(pid) = libc::pid_t::try_from(pid) else { return };
    // SAFETY: kill(2) has no memory-safety preconditions.
    unsafe {
        libc::kill(pid, signal);
    }
}

/// The `postgres` system user when we run as root (PostgreSQL refuses root), else `None`.
fn postgres_user_if_root() -> Result<Option<SystemUser>, LocalPgError> {
    #[allow(unsafe_code)]
    // SAFETY: geteuid(2) cannot fail and has no preconditions.
    let euid = unsafe { libc::geteuid() };
    if euid != 0 {
        return Ok(None);
    }
    let passwd = fs::read_to_string("/etc/passwd").map_err(io_error("reading /etc/passwd"))?;
    passwd
        .lines()
        .find_map(|line| {
            let fields: Vec<&str> = line.split(':').collect();
            (fields.first() == Some(&"postgres") && fields.len() > 3).then(|| {
                Some(SystemUser { uid: fields[2].parse().ok()?, gid: fields[3].parse().ok()? })
            })?
        })
        .map(Some)
        .ok_or(LocalPgError::NoPostgresUser)
}

/// Fails early, with advice, when the postgres user could not enter `dir` (a data dir under
/// /root, say), instead of letting initdb fail with a bare "permission denied".
fn ensure_reachable(dir: &Path, user: SystemUser) -> Result<(), LocalPgError> {
    use std::os::unix::fs::MetadataExt;
    for ancestor in dir.ancestors().skip(1) {
        let Ok(meta) = fs::metadata(ancestor) else { continue };
        let traversable = meta.mode() & 0o001 != 0
            || (meta.uid() == user.uid && meta.mode() & 0o100 != 0)
            || (meta.gid() == user.gid && meta.mode() & 0o010 != 0);
        if !traversable {
            return Err(LocalPgError::Unreachable(dir.to_owned()));
        }
    }
    Ok(())
}

/// The last few KiB of a log file.
fn tail(path: &Path) -> String {
    const TAIL: u64 = 4096;
    let Ok(mut file) = fs::File::open(path) else { return String::new() };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let _ = file.seek(SeekFrom::Start(len.saturating_sub(TAIL)));
    let mut bytes = Vec::new();
    let _ = file.read_to_end(&mut bytes);
    String::from_utf8_lossy(&bytes).into_owned()
}
