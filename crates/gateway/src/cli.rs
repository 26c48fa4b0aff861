//! The `promptrefine` command line.

use std::{
    path::{Path, PathBuf},
    time::Duration,
};

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};
use platform::{
    auth::{AccessTokenClaims, ApiKeyClaims, mint_hs256},
    db::migrate,
    env::Env,
};
use secrecy::{ExposeSecret, SecretString};
use sqlx::Connection;
use tokio::net::TcpListener;
use uuid::Uuid;

use crate::{
    app, dev,
    server::{serve, shutdown_signal, work},
    settings::Settings,
    state::{App, http_client},
    telemetry,
};

#[derive(Debug, Parser)]
#[command(name = "promptrefine", version, about = "The PromptRefine API server")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the API in production; settings come from the environment (see .env.example).
    Serve,
    /// Run everything locally: a private PostgreSQL, migrations, the API, and a dev token.
    Dev(dev::DevArgs),
    /// Only work on runs (no HTTP): for extra worker processes next to `serve`.
    Worker,
    /// Apply the migrations in supabase/migrations to DATABASE_URL (a role that may run DDL).
    Migrate,
    /// Print the OpenAPI document.
    Openapi,
    /// Mint an access token signed with the project's HS256 secret.
    Token(TokenArgs),
    /// Mint a project API key (`anon`, `service_role`) for self-hosted Supabase services.
    ApiKey(ApiKeyArgs),
    /// Exit with 0 when the API answers `/ready` (for container health checks).
    Healthcheck {
        #[arg(long, default_value = "http://127.0.0.1:8080/ready")]
        url: String,
    },
}

#[derive(Debug, Args)]
struct TokenArgs {
    /// The user id (`auth.users.id`).
    #[arg(long)]
    sub: Uuid,
    #[arg(long)]
    email: Option<String>,
    /// How long the token is valid: 90s, 30m, 12h, 7d.
    #[arg(long, default_value = "1h", value_parser = parse_ttl)]
    ttl: Duration,
    /// Where `promptrefine dev` keeps its secret, used when SUPABASE_JWT_SECRET is not set.
    #[arg(long, default_value = dev::DEFAULT_DATA_DIR)]
    data_dir: PathBuf,
}

#[derive(Debug, Args)]
struct ApiKeyArgs {
    role: ApiKeyRole,
    /// How long the key is valid: 90s, 30m, 12h, 3650d.
    #[arg(long, default_value = "3650d", value_parser = parse_ttl)]
    ttl: Duration,
    /// Where `promptrefine dev` keeps its secret, used when SUPABASE_JWT_SECRET is not set.
    #[arg(long, default_value = dev::DEFAULT_DATA_DIR)]
    data_dir: PathBuf,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ApiKeyRole {
    Anon,
    ServiceRole,
}

pub async fn run() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Serve => serve_production().await,
        Command::Dev(args) => dev::run(args).await,
        Command::Worker => run_worker().await,
        Command::Migrate => migrate_database().await,
        Command::Openapi => {
            let (_, api) = app::api();
            println!("{}", api.to_pretty_json()?);
            Ok(())
        }
        Command::Token(args) => {
            println!("{}", mint_token(&args)?);
            Ok(())
        }
        Command::ApiKey(args) => {
            let role = match args.role {
                ApiKeyRole::Anon => "anon",
                ApiKeyRole::ServiceRole => "service_role",
            };
            let secret = signing_secret(&args.data_dir)?;
            println!("{}", mint_hs256(&secret, &ApiKeyClaims::new(role, args.ttl)));
            Ok(())
        }
        Command::Healthcheck { url } => {
            let response = http_client()?.get(&url).timeout(Duration::from_secs(5)).send().await?;
            anyhow::ensure!(response.status().is_success(), "{url} answered {}", response.status());
            Ok(())
        }
    }
}

async fn serve_production() -> anyhow::Result<()> {
    let settings = Settings::from_env(&Env::from_process())?;
    telemetry::init(settings.app.log_format);
    let state = App::build(&settings).await?;
    let listener = TcpListener::bind(settings.app.bind_addr)
        .await
        .with_context(|| format!("binding {}", settings.app.bind_addr))?;
    tracing::info!(addr = %listener.local_addr()?, "serving the API");
    serve(listener, &state, shutdown_signal()).await?;
    Ok(())
}

/// The same settings as `serve`; only the HTTP side is left out.
async fn run_worker() -> anyhow::Result<()> {
    let settings = Settings::from_env(&Env::from_process())?;
    telemetry::init(settings.app.log_format);
    let state = App::build(&settings).await?;
    work(&state, shutdown_signal()).await;
    Ok(())
}

async fn migrate_database() -> anyhow::Result<()> {
    telemetry::init(telemetry::LogFormat::Pretty);
    let url = Env::from_process().secret("DATABASE_URL").context("DATABASE_URL is not set")?;
    let mut conn = sqlx::PgConnection::connect(url.expose_secret())
        .await
        .context("connecting to DATABASE_URL")?;
    let applied = migrate::apply_migrations(&mut conn).await?;
    println!(
        "applied {} migration(s){}",
        applied.len(),
        if applied.is_empty() { "; the database is up to date" } else { "" }
    );
    for name in applied {
        println!("  {name}");
    }
    Ok(())
}

fn mint_token(args: &TokenArgs) -> anyhow::Result<String> {
    let secret = signing_secret(&args.data_dir)?;
    let issuer = match Env::from_process().get("SUPABASE_URL") {
        Some(url) => format!("{}/auth/v1", url.trim_end_matches('/')),
        None => dev::ISSUER.to_owned(),
    };
    let claims = AccessTokenClaims::user(args.sub, args.email.clone(), Some(issuer), args.ttl);
    Ok(mint_hs256(&secret, &claims))
}

/// `SUPABASE_JWT_SECRET`, else the secret `promptrefine dev` keeps in `data_dir`.
fn signing_secret(data_dir: &Path) -> anyhow::Result<SecretString> {
    match Env::from_process().secret("SUPABASE_JWT_SECRET") {
        Some(secret) => Ok(secret),
        None => dev::read_secret(data_dir).with_context(|| {
            format!(
                "SUPABASE_JWT_SECRET is not set and there is no dev secret in {}",
                data_dir.display()
            )
        }),
    }
}

fn parse_ttl(text: &str) -> Result<Duration, String> {
    let (number, unit) =
        text.split_at(text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len()));
    let number: u64 =
        number.parse().map_err(|_| format!("`{text}` is not like 90s, 30m, 12h or 7d"))?;
    let seconds = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(format!("`{text}` is not like 90s, 30m, 12h or 7d")),
    };
    Ok(Duration::from_secs(number * seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttls_read_like_durations() {
        assert_eq!(parse_ttl("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_ttl("12h"), Ok(Duration::from_secs(12 * 3600)));
        assert_eq!(parse_ttl("7d"), Ok(Duration::from_secs(7 * 86_400)));
        assert!(parse_ttl("1 hour").is_err());
        assert!(parse_ttl("h").is_err());
        assert!(parse_ttl("10").is_err());
    }
}
