//! Logging: JSON lines in production, human-readable in development; `RUST_LOG` filters.
//! Logs go to stderr, so stdout carries only what a command prints for you (`dev`'s banner,
//! `openapi`'s document, `token`'s token).

use std::io::{IsTerminal, stderr};

use tracing_subscriber::{EnvFilter, fmt, prelude::*};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Json,
    Pretty,
}

impl std::str::FromStr for LogFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "json" => Ok(Self::Json),
            "pretty" => Ok(Self::Pretty),
            other => Err(format!("expected `json` or `pretty`, not `{other}`")),
        }
    }
}

pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    let registry = tracing_subscriber::registry().with(filter);
    let result = match format {
        LogFormat::Json => registry
            .with(
                fmt::layer()
                    .json()
                    .with_current_span(true)
                    .with_span_list(false)
                    .with_writer(stderr),
            )
            .try_init(),
        // Colours only for a person at a terminal, not in files or CI logs.
        LogFormat::Pretty => registry
            .with(fmt::layer().compact().with_ansi(stderr().is_terminal()).with_writer(stderr))
            .try_init(),
    };
    // Already initialised (tests run several apps in one process): keep the first.
    let _ = result;
}
