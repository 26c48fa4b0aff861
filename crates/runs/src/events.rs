//! Run progress as it happens, from Postgres LISTEN/NOTIFY: triggers announce every cell and run
//! status change on `run_events` (from any process), and run creation or retries on `run_queue`.
//! One listening connection per process fans the events out to followers of a run (Server-Sent
//! Events, `?wait=`) and wakes idle workers.

use std::{sync::Arc, time::Duration};

use futures::{Stream, stream};
use platform::Db;
use serde::Deserialize;
use sqlx::postgres::PgListener;
use tokio::sync::{Notify, broadcast, oneshot};

use crate::{CellId, CellStatus, RunId, RunStatus, queue::QUEUE_CHANNEL};

const EVENTS_CHANNEL: &str = "run_events";
/// How many events a slow follower may fall behind before it is told to resynchronise.
const BUFFER: usize = 4096;

/// A notification on `run_events`, as the triggers write it: the cells of one run whose status
/// one statement changed (up to 100), or a run's own status change.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum Notification {
    Cells { run_id: RunId, cells: Vec<(CellId, CellStatus)> },
    Run { run_id: RunId, status: RunStatus },
}

impl Notification {
    /// The changes it announces, one by one.
    fn into_changes(self) -> Vec<Announced> {
        match self {
            Self::Cells { run_id, cells } => cells
                .into_iter()
                .map(|(cell_id, status)| Announced::Cell { run_id, cell_id, status })
                .collect(),
            Self::Run { run_id, status } => vec![Announced::Run { run_id, status }],
        }
    }
}

/// One announced change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Announced {
    Cell { run_id: RunId, cell_id: CellId, status: CellStatus },
    Run { run_id: RunId, status: RunStatus },
}

/// What a follower of a run hears.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// One of its cells changed state.
    Cell { cell_id: CellId, status: CellStatus },
    /// The run changed state.
    Run { status: RunStatus },
    /// Changes may have been missed (the listening connection was lost, or the follower fell
    /// behind): read the run again.
    Resync,
}

/// What goes through the process's broadcast channel.
#[derive(Debug, Clone, Copy)]
enum Broadcast {
    Announced(Announced),
    Resync,
}

/// The process's subscription to run events. Dropping it stops the listener.
#[derive(Debug)]
pub struct EventHub {
    events: broadcast::Sender<Broadcast>,
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

    /// Follows run `run_id`. Take the follower before reading the run, so that no change between
    /// the read and the first event can slip past.
    pub fn follow(&self, run_id: RunId) -> RunFollower {
        RunFollower { run_id, events: self.events.subscribe() }
    }

    /// Signalled when work may have been queued.
    pub fn queue_signal(&self) -> Arc<Notify> {
        self.queue.clone()
    }
}

/// The changes of one run, as they happen.
#[derive(Debug)]
pub struct RunFollower {
    run_id: RunId,
    events: broadcast::Receiver<Broadcast>,
}

impl RunFollower {
    /// The run's next change; `None` once the process stops listening.
    pub async fn next(&mut self) -> Option<Change> {
        loop {
            return match self.events.recv().await {
                Ok(Broadcast::Announced(Announced::Cell { run_id, cell_id, status }))
                    if run_id == self.run_id =>
                {
                    Some(Change::Cell { cell_id, status })
                }
                Ok(Broadcast::Announced(Announced::Run { run_id, status }))
                    if run_id == self.run_id =>
                {
                    Some(Change::Run { status })
                }
                Ok(Broadcast::Announced(_)) => continue,
                Ok(Broadcast::Resync) | Err(broadcast::error::RecvError::Lagged(_)) => {
                    Some(Change::Resync)
                }
                Err(broadcast::error::RecvError::Closed) => None,
            };
        }
    }

    /// Waits until the run ends, `limit` passes, or changes were missed (then the caller reads
    /// the run again either way).
    pub async fn until_ended(mut self, limit: Duration) {
        let ended = async {
            while let Some(change) = self.next().await {
                match change {
                    Change::Run { status } if status.is_terminal() => return,
                    Change::Resync => return,
                    _ => {}
                }
            }
        };
        let _ = tokio::time::timeout(limit, ended).await;
    }

    /// The run's changes until it ends (its last change included).
    pub fn into_stream(self) -> impl Stream<Item = Change> {
        stream::unfold(Some(self), |follower| async move {
            let mut follower = follower?;
            let change = follower.next().await?;
            let ended = matches!(change, Change::Run { status } if status.is_terminal());
            Some((change, (!ended).then_some(follower)))
        })
    }
}

async fn listen(
    mut listener: PgListener,
    events: broadcast::Sender<Broadcast>,
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
                match serde_json::from_str::<Notification>(notification.payload()) {
                    Ok(notification) => {
                        for change in notification.into_changes() {
                            // No followers is fine.
                            drop(events.send(Broadcast::Announced(change)));
                        }
                    }
                    Err(error) => tracing::warn!(%error, "unreadable run event"),
                }
            }
            // The connection was lost and is re-established by the next call: anything sent
            // meanwhile is gone, so followers reread and workers look for work.
            Ok(None) => {
                tracing::warn!("the run events connection was lost; reconnecting");
                drop(events.send(Broadcast::Resync));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notifications_read_as_typed_changes_one_by_one() {
        let run_id: RunId = "00000000-0000-0000-0000-000000000001".parse().unwrap();
        let (first, second): (CellId, CellId) = (
            "00000000-0000-0000-0000-000000000002".parse().unwrap(),
            "00000000-0000-0000-0000-000000000003".parse().unwrap(),
        );
        let cells: Notification = serde_json::from_str(&format!(
            r#"{{"kind": "cells", "run_id": "{run_id}",
                "cells": [["{first}", "succeeded"], ["{second}", "running"]]}}"#
        ))
        .unwrap();
        assert_eq!(
            cells.into_changes(),
            [
                Announced::Cell { run_id, cell_id: first, status: CellStatus::Succeeded },
                Announced::Cell { run_id, cell_id: second, status: CellStatus::Running },
            ]
        );
        let run: Notification = serde_json::from_str(&format!(
            r#"{{"kind": "run", "run_id": "{run_id}", "cell_id": null, "status": "completed"}}"#
        ))
        .unwrap();
        assert_eq!(run.into_changes(), [Announced::Run { run_id, status: RunStatus::Completed }]);
    }

    #[tokio::test]
    async fn a_follower_hears_its_run_only_and_stops_after_it_ends() {
        use futures::StreamExt;
        let (events, _) = broadcast::channel(16);
        let (mine, other) = (RunId::new(), RunId::new());
        let follower = RunFollower { run_id: mine, events: events.subscribe() };
        let cell = CellId::new();
        for event in [
            Broadcast::Announced(Announced::Cell {
                run_id: other,
                cell_id: cell,
                status: CellStatus::Failed,
            }),
            Broadcast::Announced(Announced::Cell {
                run_id: mine,
                cell_id: cell,
                status: CellStatus::Succeeded,
            }),
            Broadcast::Resync,
            Broadcast::Announced(Announced::Run { run_id: mine, status: RunStatus::Completed }),
            Broadcast::Announced(Announced::Run { run_id: mine, status: RunStatus::Running }),
        ] {
            events.send(event).unwrap();
        }
        let heard: Vec<Change> = follower.into_stream().collect().await;
        assert_eq!(
            heard,
            [
                Change::Cell { cell_id: cell, status: CellStatus::Succeeded },
                Change::Resync,
                Change::Run { status: RunStatus::Completed },
            ]
        );
    }
}
