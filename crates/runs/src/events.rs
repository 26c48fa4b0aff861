//! Run progress as it happens, from Postgres LISTEN/NOTIFY: triggers announce every cell and run
//! status change on `run_events` (from any process), and run creation or retries on `run_queue`.
//! One listening connection per process fans the events out to Server-Sent Events streams and
//! wakes idle workers.

use std::{sync::Arc, time::Duration};

use platform::Db;
use serde::Deserialize;
use sqlx::postgres::PgListener;
use tokio::sync::{Notify, broadcast, oneshot};
use uuid::Uuid;

const EVENTS_CHANNEL: &str = "run_events";
const QUEUE_CHANNEL: &str = "run_queue";
/// How many events a slow subscriber may fall behind before it is told to resynchronise.
const BUFFER: usize = 4096;

/// A change to a run or one of its cells.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct RunEvent {
    pub kind: EventKind,
    pub run_id: Uuid,
    pub cell_id: Option<Uuid>,
    pub status: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventKind {
    Cell,
    Run,
    /// Events may have been missed (the listening connection was lost): reread the run.
    Resync,
}

/// The process's subscription to run events. Dropping it stops the listener.
#[derive(Debug)]
pub struct EventHub {
    events: broadcast::Sender<RunEvent>,
    queue: Arc<Notify>,
    _stop: oneshot::Sender<()>,
}

impl EventHub {
    /// Starts listening on a connection of its own (LISTEN needs no privileges, so the pool's
    /// login role is enough).
    pub async fn start(db: &Db) -> Result<Arc<Self>, sqlx::Error> {
        let mut listener = PgListener::connect_with(db.pool()).await?;
        listener.listen_all([EVENTS_CHANNEL, QUEUE_CHANNEL]).await?;
        let (events, _) = broadcast::channel(BUFFER);
        let queue = Arc::new(Notify::new());
        let (stop, stopped) = oneshot::channel();
        tokio::spawn(listen(listener, events.clone(), queue.clone(), stopped));
        Ok(Arc::new(Self { events, queue, _stop: stop }))
    }

    pub fn subscribe(&self) -> broadcast::Receiver<RunEvent> {
        self.events.subscribe()
    }

    /// Signalled when work may have been queued.
    pub fn queue_signal(&self) -> Arc<Notify> {
        self.queue.clone()
    }
}

async fn listen(
    mut listener: PgListener,
    events: broadcast::Sender<RunEvent>,
    queue: Arc<Notify>,
    mut stopped: oneshot::Receiver<()>,
) {
    loop {
        let received = tokio::select! {
            received = listener.try_recv() => received,
            _ = &mut stopped => return,
        };
        match received {
            Ok(Some(notification)) if notification.channel() == QUEUE_CHANNEL => queue.notify_one(),
            Ok(Some(notification)) => {
                match serde_json::from_str::<RunEvent>(notification.payload()) {
                    // No subscribers is fine.
                    Ok(event) => drop(events.send(event)),
                    Err(error) => tracing::warn!(%error, "unreadable run event"),
                }
            }
            // The connection was lost and is re-established by the next call: anything sent
            // meanwhile is gone, so subscribers reread and workers look for work.
            Ok(None) => {
                tracing::warn!("the run events connection was lost; reconnecting");
                let resync = RunEvent {
                    kind: EventKind::Resync,
                    run_id: Uuid::nil(),
                    cell_id: None,
                    status: String::new(),
                };
                drop(events.send(resync));
                queue.notify_one();
            }
            // The pool is shutting down: let go of the connection so that it can.
            Err(sqlx::Error::PoolClosed) => return,
            Err(error) => {
                tracing::warn!(%error, "listening for run events failed; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}
