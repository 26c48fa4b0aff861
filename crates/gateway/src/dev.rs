//! `promptrefine dev`: the whole backend on one machine with one command. A private PostgreSQL
//! cluster under the data dir (started from the machine's PostgreSQL binaries, or reused if it
//! is already running), the Supabase shim and our migrations, two dev users, and the API.

use std::{
    fs, io,
    os::unix::fs::PermissionsExt,
    path::{Path, PathBuf},
    sync::Arc,
    time::{Duration, Instant},
};

use anyhow::Context;
use clap::Args;
use platform::{
    auth::{AccessTokenClaims, VerifierConfig, mint_hs256},
    env::Env,
    local_pg::{GATEWAY_ROLE, LocalPgOptions, LocalPostgres, PgBinaries},
};
use providers::keyring::Keyring;
use rand::distr::{Alphanumeric, SampleString};
use secrecy::SecretString;
use tokio::net::TcpListener;
use uuid::Uuid;

use crate::{
    server::{serve, shutdown_signal},
    settings::{AppSettings, Defaults, Settings, StorageSettings},
    state::App,
    telemetry,
};

pub const DEFAULT_DATA_DIR: &str = ".promptrefine";
/// The `iss` of tokens minted locally.
pub const ISSUER: &str = "promptrefine-dev";
const DATABASE: &str = "promptrefine";
const TOKEN_TTL: Duration = Duration::from_secs(7 * 86_400);

/// The users `dev` creates in `auth.users` (each gets a personal organization); the second one is
/// there to try isolation and teams.
const DEV_USERS: [(Uuid, &str); 2] = [
    (Uuid::from_u128(0x00000000_0000_4000_8000_00000000de01), "dev@promptrefine.local"),
    (Uuid::from_u128(0x00000000_0000_4000_8000_00000000de02), "dev2@promptrefine.local"),
];

#[derive(Debug, Args)]
pub struct DevArgs {
    /// Where the database, the JWT secret and uploaded files are kept.
    #[arg(long, default_value = DEFAULT_DATA_DIR)]
    data_dir: PathBuf,
    /// The API's port on 127.0.0.1 (0 picks a free one); default: BIND_ADDR, else 8080.
    #[arg(long)]
    port: Option<u16>,
    /// Delete the data dir first and start from nothing.
    #[arg(long)]
    fresh: bool,
}

pub async fn run(args: DevArgs) -> anyhow::Result<()> {
    let env = Env::from_process();
    // Every setting `serve` reads, read the same way; dev only brings its own database, storage
    // and signing secret.
    let mut app = AppSettings::from_env(&env, &Defaults::DEV)?;
    if let Some(port) = args.port {
        app.bind_addr = (std::net::Ipv4Addr::LOCALHOST, port).into();
    }
    telemetry::init(app.log_format);
    let started = Instant::now();
    if args.fresh {
        match fs::remove_dir_all(&args.data_dir) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                return Err(e).with_context(|| format!("removing {}", args.data_dir.display()));
            }
            _ => {}
        }
    }
    fs::create_dir_all(&args.data_dir)
        .with_context(|| format!("creating {}", args.data_dir.display()))?;

    let binaries = PgBinaries::find()?;
    let options = LocalPgOptions { dir: args.data_dir.join("postgres"), durable: true };
    let postgres = LocalPostgres::start(&binaries, &options).await?;
    postgres.prepare_app_database(DATABASE).await?;
    for (id, email) in DEV_USERS {
        postgres.ensure_user(DATABASE, id, email).await?;
    }

    let secret = match env.secret("SUPABASE_JWT_SECRET") {
        Some(secret) => secret,
        None => dev_secret(&args.data_dir)?,
    };
    if app.own_keys.keyring.is_none() {
        app.own_keys.keyring = Some(Arc::new(dev_kek(&args.data_dir)?));
    }
    let settings = Settings {
        database_url: postgres.app_url(DATABASE)?,
        verifier: VerifierConfig {
            hs256_secret: Some(secret.clone()),
            ..VerifierConfig::default()
        },
        storage: StorageSettings::Local { dir: args.data_dir.join("storage") },
        app,
    };
    let state = App::build(&settings).await?;
    let bind_addr = settings.app.bind_addr;
    let listener = TcpListener::bind(bind_addr)
        .await
        .with_context(|| format!("binding {bind_addr} (is another server using it? try --port)"))?;
    let addr = listener.local_addr()?;

    let token = |(id, email): (Uuid, &str)| {
        let claims =
            AccessTokenClaims::user(id, Some(email.to_owned()), Some(ISSUER.to_owned()), TOKEN_TTL);
        mint_hs256(&secret, &claims)
    };
    let banner = [
        format!("PromptRefine dev is ready in {:.1}s", started.elapsed().as_secs_f64()),
        format!("  API:        http://{addr}/v1"),
        format!("  Swagger UI: http://{addr}/docs"),
        format!("  Database:   postgres://{GATEWAY_ROLE}@127.0.0.1:{}/{DATABASE}", postgres.port()),
        format!("  Data dir:   {}", args.data_dir.display()),
        format!("  Token for {} (valid 7 days):", DEV_USERS[0].1),
        format!("    {}", token(DEV_USERS[0])),
        format!("  Token for {} (a second user, to try isolation and teams):", DEV_USERS[1].1),
        format!("    {}", token(DEV_USERS[1])),
        "  Both have a personal organization (its id is the user's). To share work, make a team:"
            .to_owned(),
        "  POST /v1/orgs, invite the other's email, accept with their token (README: Teams)."
            .to_owned(),
        "  Ctrl-C stops the API and PostgreSQL.".to_owned(),
    ];
    println!("{}", banner.join("\n"));

    let result = serve(listener, &state, shutdown_signal()).await;
    postgres.stop().await.context("stopping PostgreSQL")?;
    result.context("serving the API")
}

/// The key-encryption key of this data dir's provider keys (PROVIDER_KEYS_KEK), created on
/// first use.
fn dev_kek(data_dir: &Path) -> anyhow::Result<Keyring> {
    let path = data_dir.join("provider-keys.kek");
    let kek: [u8; 32] = match fs::read(&path) {
        Ok(bytes) => {
            bytes.try_into().map_err(|_| anyhow::anyhow!("{} is not 32 bytes", path.display()))?
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let kek: [u8; 32] = rand::random();
            fs::write(&path, kek).with_context(|| format!("writing {}", path.display()))?;
            fs::set_permissions(&path, fs::Permissions::from_mode(0o600))?;
            kek
        }
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    Ok(Keyring::new(&kek, &[]))
}

/// The HS256 secret of this data dir, created on first use.
fn dev_secret(data_dir: &Path) -> anyhow::Result<SecretString> {
    if let Some(secret) = read_secret(data_dir) {
        return Ok(secret);
    }
    let path = secret_path(data_dir);
    let secret = Alphanumeric.sample_string(&mut rand::rng(), 48);
    fs::write(&path, &secret).with_context(|| format!("writing {}", path.display()))?;
    fs::set_permissions(&path, fs::Permissions::from_mode(0o600))?;
    Ok(secret.into())
}

/// The dev secret of `data_dir`, if `dev` created one.
pub fn read_secret(data_dir: &Path) -> Option<SecretString> {
    let secret = fs::read_to_string(secret_path(data_dir)).ok()?;
    Some(secret.trim().to_owned().into())
}

fn secret_path(data_dir: &Path) -> PathBuf {
    data_dir.join("jwt.secret")
}
