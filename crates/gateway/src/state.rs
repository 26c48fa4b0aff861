//! What every handler can reach: the database, the token verifier, the file storage (and, as
//! slices land, the LLM providers).

use std::{convert::Infallible, ops::Deref, sync::Arc};

use axum::{extract::FromRequestParts, http::request::Parts};
use platform::{Db, JwtVerifier, storage::Storage};

/// The application's shared parts.
#[derive(Debug)]
pub struct App {
    pub db: Db,
    pub verifier: JwtVerifier,
    /// Where original dataset files go (Supabase Storage, or a local folder).
    pub storage: Arc<dyn Storage>,
    pub dataset_limits: datasets::Limits,
}

/// Cheap to clone; handlers take it as an argument (`state: AppState`).
#[derive(Debug, Clone)]
pub struct AppState(Arc<App>);

impl AppState {
    pub fn new(app: App) -> Self {
        Self(Arc::new(app))
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
