//! Serving the router and running the workers until SIGINT or SIGTERM, then stopping both
//! gracefully: in-flight requests finish, then cells in flight finish.

use std::future::Future;

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

/// Starts this process's worker, unless it is configured with no concurrency.
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
    Some(tokio::spawn(worker.run(stop.clone())))
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
