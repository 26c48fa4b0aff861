//! The application: what every handler and worker can reach, built in one place from the
//! settings for `serve`, `worker`, `dev` and the tests alike.

use std::{convert::Infallible, ops::Deref, sync::Arc, time::Duration};

use anyhow::Context;
use axum::{extract::FromRequestParts, http::request::Parts};
use platform::{Db, JwtVerifier, User, UserTx, auth::KeyVerifier, storage::Storage};
use providers::{Providers, Registry};
use runs::events::EventHub;

use crate::{
    error::{ApiError, ApiResult},
    settings::{AppSettings, Settings},
    streams::StreamSlots,
};

/// The application's shared parts.
#[derive(Debug)]
pub struct App {
    pub db: Db,
    pub verifier: JwtVerifier,
    /// Organizations' API keys, looked up in the database.
    pub keys: KeyVerifier,
    /// Where original dataset files go (Supabase Storage, or a local folder).
    pub storage: Arc<dyn Storage>,
    /// The LLM providers each organization calls through: the server's, and its own keys.
    pub providers: Registry,
    /// Run and cell changes from Postgres, for SSE and `?wait=`.
    pub events: Arc<EventHub>,
    /// Open event streams and exports, per tenant.
    pub streams: Arc<StreamSlots>,
    pub settings: AppSettings,
}

/// Cheap to clone; handlers take it as an argument (`state: AppState`).
#[derive(Debug, Clone)]
pub struct AppState(Arc<App>);

impl App {
    /// Connects to the database, starts listening for run events, and configures storage and
    /// the LLM providers.
    pub async fn build(settings: &Settings) -> anyhow::Result<AppState> {
        let http = http_client()?;
        let db = Db::connect(&settings.db_config()).await.context("connecting to DATABASE_URL")?;
        let events = EventHub::start(&db).await.context("listening for run events")?;
        let server = Arc::new(Providers::new(&settings.app.providers, &http)?);
        let providers = Registry::new(server, db.clone(), &settings.app.own_keys)
            .context("building the HTTP client for own provider keys")?;
        Ok(AppState(Arc::new(Self {
            verifier: JwtVerifier::new(settings.verifier.clone(), http.clone()),
            keys: KeyVerifier::new(db.clone()),
            storage: settings.storage.build(http),
            providers,
            events,
            streams: StreamSlots::new(settings.app.max_streams_per_tenant),
            settings: settings.app.clone(),
            db,
        })))
    }
}

/// The HTTP client for everything that leaves the process: Supabase and the LLM providers.
pub fn http_client() -> anyhow::Result<reqwest::Client> {
    reqwest::Client::builder()
        .user_agent(concat!("promptrefine/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(Duration::from_secs(5))
        .build()
        .context("building the HTTP client")
}

impl AppState {
    /// Runs `work` in one transaction acting as `user` (Row Level Security applies), committed
    /// when it succeeds: the whole of most handlers.
    pub async fn as_user<T, E>(
        &self,
        user: &User,
        work: impl AsyncFnOnce(&mut UserTx) -> Result<T, E>,
    ) -> ApiResult<T>
    where
        ApiError: From<E>,
    {
        let mut tx = self.db.begin_as(user).await?;
        let value = work(&mut tx).await?;
        tx.commit().await?;
        Ok(value)
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
