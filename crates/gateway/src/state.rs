//! What every handler can reach: the database, the token verifier, the file storage, the LLM
//! providers and the run events.

use std::{convert::Infallible, ops::Deref, sync::Arc};

use anyhow::Context;
use axum::{extract::FromRequestParts, http::request::Parts};
use platform::{Db, JwtVerifier, env::Env, storage::Storage};
use providers::Providers;
use runs::events::EventHub;

use crate::{settings::RunSettings, streams::StreamSlots};

/// The application's shared parts.
#[derive(Debug)]
pub struct App {
    pub db: Db,
    pub verifier: JwtVerifier,
    /// Where original dataset files go (Supabase Storage, or a local folder).
    pub storage: Arc<dyn Storage>,
    pub dataset_limits: datasets::Limits,
    pub providers: Arc<Providers>,
    /// Run and cell changes from Postgres, for SSE and `?wait=`.
    pub events: Arc<EventHub>,
    pub run_limits: runs::Limits,
    /// Open event streams and exports, per tenant.
    pub streams: Arc<StreamSlots>,
}

/// Cheap to clone; handlers take it as an argument (`state: AppState`).
#[derive(Debug, Clone)]
pub struct AppState(Arc<App>);

impl AppState {
    pub fn new(app: App) -> Self {
        Self(Arc::new(app))
    }

    /// Assembles the application: starts listening for run events and configures the LLM
    /// providers from the environment.
    pub async fn start(
        db: Db,
        verifier: JwtVerifier,
        storage: Arc<dyn Storage>,
        dataset_limits: datasets::Limits,
        runs: &RunSettings,
        env: &Env,
        http: &reqwest::Client,
    ) -> anyhow::Result<Self> {
        let events = EventHub::start(&db).await.context("listening for run events")?;
        let providers = Arc::new(Providers::from_env(env, &runs.providers, http)?);
        Ok(Self::new(App {
            db,
            verifier,
            storage,
            dataset_limits,
            providers,
            events,
            run_limits: runs.limits,
            streams: StreamSlots::new(runs.max_streams_per_tenant),
        }))
    }
}

impl Deref for AppState {
    type Target = App;
    fn deref(&self) -> &App {
        &self.0
    }
}

impl FromRequestParts<AppState> for AppState {
    type Rejection = Infallible;

    async fn from_request_parts(_: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        Ok(state.clone())
    }
}
