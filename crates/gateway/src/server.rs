//! Serving the router and running the workers until SIGINT or SIGTERM, then stopping both
//! gracefully: in-flight requests finish, then cells in flight finish.

use std::{future::Future, time::Duration};

use runs::worker::{Worker, WorkerConfig};
use tokio::{net::TcpListener, task::JoinHandle};
use tokio_util::sync::CancellationToken;

use crate::{app, state::AppState};

/// Serves the API and, when `WORKER_CONCURRENCY > 0`, works on runs in the same process.
pub async fn serve(
    listener: TcpListener,
    state: &AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let stop_workers = CancellationToken::new();
    let workers = spawn_worker(state, &state.settings.worker, &stop_workers);
    let router = app::router(state.clone());
    let served = axum::serve(listener, router).with_graceful_shutdown(shutdown).await;
    stop_workers.cancel();
    if let Some(workers) = workers {
        let _ = workers.await;
    }
    served
}

/// Only works on runs, until `shutdown` (`promptrefine worker`).
pub async fn work(state: &AppState, shutdown: impl Future<Output = ()>) {
    let stop = CancellationToken::new();
    let working = spawn_worker(state, &state.settings.worker, &stop);
    shutdown.await;
    stop.cancel();
    if let Some(working) = working {
        let _ = working.await;
    }
}

/// Starts this process's worker, its housekeeping and its webhook sender, unless it is
/// configured with no concurrency.
pub fn spawn_worker(
    state: &AppState,
    config: &WorkerConfig,
    stop: &CancellationToken,
) -> Option<JoinHandle<()>> {
    if config.concurrency == 0 {
        return None;
    }
    let worker = Worker::new(
        state.db.clone(),
        state.providers.clone(),
        state.events.queue_signal(),
        config.clone(),
    );
    let housekeeping = tokio::spawn(housekeeping(state.clone(), stop.clone()));
    let working = tokio::spawn(worker.run(stop.clone()));
    let sending = match webhooks::Sender::new(state.db.clone(), state.settings.webhooks.clone()) {
        Ok(sender) => tokio::spawn(sender.run(stop.clone())),
        Err(error) => {
            tracing::error!(%error, "cannot send webhooks: no HTTP client");
            tokio::spawn(async {})
        }
    };
    let rolling_up = tokio::spawn(roll_up_usage(state.clone(), stop.clone()));
    Some(tokio::spawn(async move {
        let _ = tokio::join!(working, housekeeping, sending, rolling_up);
    }))
}

/// How often calls and cells are counted into the usage rollups: how far analytics lag.
const ROLL_UP_EVERY: Duration = Duration::from_secs(10);

/// Keeps the usage rollups up to date until `stop`.
async fn roll_up_usage(state: AppState, stop: CancellationToken) {
    loop {
        if let Err(error) = analytics::roll_up(&state.db).await {
            tracing::warn!(error = %platform::db::describe(&error), "rolling up usage failed");
        }
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(ROLL_UP_EVERY) => {}
        }
    }
}

/// How often the processes that work also tidy up.
const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(600);

/// Deletes what outlived its use (calls past `CALL_LOG_RETENTION_DAYS`, idle rate-limit
/// buckets, cached answers and webhook events older than 30 days) and seals provider keys a
/// rotated-out KEK sealed with the current one, now and then every ten minutes, until `stop`.
/// Several processes doing it at once is harmless.
async fn housekeeping(state: AppState, stop: CancellationToken) {
    loop {
        match deployments::sweep_calls(&state.db, state.settings.call_log_retention).await {
            Ok(0) => {}
            Ok(deleted) => tracing::info!(deleted, "swept calls past their retention"),
            Err(error) => tracing::warn!(%error, "sweeping the call log failed"),
        }
        if let Err(error) = deployments::forget_idle_rate_limits(&state.db).await {
            tracing::warn!(%error, "forgetting idle rate limits failed");
        }
        match providers::cache::sweep(&state.db).await {
            Ok(0) => {}
            Ok(deleted) => tracing::info!(deleted, "swept answers past the cache's age"),
            Err(error) => tracing::warn!(%error, "sweeping the response cache failed"),
        }
        match webhooks::sweep_events(&state.db).await {
            Ok(0) => {}
            Ok(deleted) => tracing::info!(deleted, "swept webhook events older than 30 days"),
            Err(error) => tracing::warn!(%error, "sweeping webhook events failed"),
        }
        if let Some(keyring) = state.providers.keyring()
            && let Err(error) = providers::own_keys::reseal_stale(&state.db, keyring).await
        {
            tracing::warn!(error = %platform::db::describe(&error), "sealing provider keys again failed");
        }
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(HOUSEKEEPING_EVERY) => {}
        }
    }
}

/// Resolves on Ctrl-C (SIGINT) or SIGTERM (what `docker stop` and Kubernetes send).
pub async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing in-flight requests and cells");
}
