//! `promptrefine`: serve the API, run a local development stack, migrate, print the OpenAPI
//! document, or mint a token. See `promptrefine --help`.

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    match gateway::cli::run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
