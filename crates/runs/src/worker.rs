//! Workers: claim cells from the queue, call the models, write the results.
//!
//! A claim takes a batch of queued cells with `FOR UPDATE SKIP LOCKED`, so any number of
//! processes share the queue without taking the same cell. The claimer holds a lease, renewed
//! while it works; when a worker dies, its leases expire and any worker's reaper puts those
//! cells back in the queue. A result is written only if the lease is still the writer's and the
//! cell still running, so a cell cancelled, or reclaimed after a stall, never gets a second
//! result. Results are written in batches by one writer task; a batch that cannot be written is
//! written cell by cell, so one result that cannot be stored fails its own cell and no other.
//! Leases are renewed only for the cells this worker is still working on.

mod claim;
mod execute;
mod write;

use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, Mutex as SyncMutex, PoisonError},
    time::Duration,
};

use platform::{Db, OrgId};
use providers::Registry;
use tokio::sync::{Mutex, Notify, Semaphore, mpsc};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use self::{
    claim::{Claimed, ClaimedGrade, Work},
    execute::{CellResult, GradeResult, SpecEntry},
};
use crate::{CellId, Limits, RunId};

/// How a worker behaves.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkerConfig {
    /// Cells in flight at once in this process.
    pub concurrency: usize,
    /// How long a claim stays valid without renewal; a dead worker's cells come back after it.
    pub lease: Duration,
    /// Cells claimed per query, at most.
    pub batch: usize,
    /// How often an idle worker looks for work without being woken (expired leases wake no one).
    pub poll_interval: Duration,
    /// A cell claimed this often without a result (its workers keep dying) fails.
    pub max_claims: i32,
    /// How long a shutdown waits for cells in flight.
    pub shutdown_grace: Duration,
    /// Bounds on what a cell may render and keep.
    pub limits: Limits,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        Self {
            // Model calls take 1-10 s: 256 in flight serve 25-250 calls/s per process, and a
            // cell waiting for a call costs a task and a few KiB (LLM_MAX_CONCURRENCY still
            // bounds each provider).
            concurrency: 256,
            lease: Duration::from_secs(60),
            batch: 256,
            poll_interval: Duration::from_secs(2),
            max_claims: 3,
            shutdown_grace: Duration::from_secs(30),
            limits: Limits::default(),
        }
    }
}

/// What a piece of work ends with, for the writer.
#[derive(Debug)]
#[expect(
    clippy::large_enum_variant,
    reason = "moved once, into the writer's channel: a box per cell would cost more"
)]
enum Outcome {
    Cell(CellResult),
    Grade(GradeResult),
}

/// A worker of this process.
#[derive(Debug)]
pub struct Worker {
    id: Uuid,
    db: Db,
    /// The providers each organization calls through (its own keys first).
    providers: Registry,
    queue: Arc<Notify>,
    config: WorkerConfig,
    /// Runs' specs by (run, organization, grading pass).
    specs: Mutex<HashMap<(RunId, OrgId, i32), Arc<SpecEntry>>>,
    /// The cells this worker holds and has not written yet: the only leases it renews.
    holding: SyncMutex<HashSet<CellId>>,
    /// Signalled after results are written: cells left `running`, so a run at its
    /// `concurrency` may take more.
    written: Notify,
}

impl Worker {
    pub fn new(db: Db, providers: Registry, queue: Arc<Notify>, config: WorkerConfig) -> Arc<Self> {
        Arc::new(Self {
            id: Uuid::new_v4(),
            db,
            providers,
            queue,
            config,
            specs: Mutex::default(),
            holding: SyncMutex::default(),
            written: Notify::new(),
        })
    }

    pub fn id(&self) -> Uuid {
        self.id
    }

    /// Works until `shutdown`, then lets the cells in flight finish (up to the grace period).
    pub async fn run(self: Arc<Self>, shutdown: CancellationToken) {
        tracing::info!(worker.id = %self.id, concurrency = self.config.concurrency, "worker started");
        let permits = Arc::new(Semaphore::new(self.config.concurrency));
        let (results, pending) = mpsc::channel::<Outcome>(self.config.concurrency * 2);
        // Claimed cells wait here for a free slot: claiming ahead keeps the claim's round trips
        // off the path from one cell's end to the next one's start, and lets each claim take
        // many cells (a claim costs PostgreSQL ~2 ms whatever it takes: the fair split and its
        // plans; taken 8 at a time, claims were most of the database's CPU). It holds as many
        // cells as the worker runs at once: half as many ran dry during claims at 256 in flight
        // (bench/runs.py: 0.75 of the ideal throughput, 0.82 with this). The price is fairness:
        // another organization's new cells start after at most one buffer of claimed cells.
        let (ahead, mut claimed) =
            mpsc::channel::<Work>(self.config.concurrency.clamp(1, self.config.batch));
        let stop_background = shutdown.child_token();
        let claimer = tokio::spawn(self.clone().claim_ahead(ahead, stop_background.clone()));
        let writer = tokio::spawn(self.clone().write_results(pending));
        let renewer = tokio::spawn(self.clone().renew_leases(stop_background.clone()));
        let reaper = tokio::spawn(self.clone().reap_periodically(stop_background.clone()));

        loop {
            let permit = tokio::select! {
                permit = permits.clone().acquire_owned() => permit.expect("never closed"),
                () = shutdown.cancelled() => break,
            };
            let work = tokio::select! {
                work = claimed.recv() => match work {
                    Some(work) => work,
                    None => break,
                },
                () = shutdown.cancelled() => break,
            };
            let (worker, results) = (self.clone(), results.clone());
            tokio::spawn(async move {
                let in_flight = metrics::gauge!("promptrefine_cells_in_flight");
                in_flight.increment(1.0);
                let id = work.cell_id();
                let result = match work {
                    Work::Generate(cell) => worker.execute(cell).await.map(Outcome::Cell),
                    Work::Grade(job) => worker.regrade(job).await.map(Outcome::Grade),
                };
                in_flight.decrement(1.0);
                drop(permit);
                match result {
                    // The writer outlives every cell task.
                    Some(result) => drop(results.send(result).await),
                    // Nothing to write: let the lease run out (the run is gone or unreadable).
                    None => worker.let_go(&[id]),
                }
            });
        }

        tracing::info!(worker.id = %self.id, "worker stopping; waiting for cells in flight");
        let _ = claimer.await;
        claimed.close();
        let mut unstarted = Vec::new();
        while let Ok(work) = claimed.try_recv() {
            unstarted.push(work.cell_id());
        }
        if let Err(error) = self.release(&unstarted).await {
            tracing::warn!(%error, "could not give back unstarted cells; their leases will expire");
        }
        let drained = tokio::time::timeout(
            self.config.shutdown_grace,
            permits.acquire_many(u32::try_from(self.config.concurrency).unwrap_or(u32::MAX)),
        )
        .await;
        if drained.is_err() {
            tracing::warn!(
                "cells still in flight after the grace period; their leases will expire"
            );
        }
        drop(results);
        let _ = writer.await;
        renewer.abort();
        reaper.abort();
        tracing::info!(worker.id = %self.id, "worker stopped");
    }

    /// Keeps the buffer of claimed cells topped up: once half of it is free, claims as many as
    /// it has room for, so that each claim takes many cells (topping up one at a time made as
    /// many claims as cells).
    async fn claim_ahead(self: Arc<Self>, ahead: mpsc::Sender<Work>, stop: CancellationToken) {
        let refill = (ahead.max_capacity() / 2).max(1);
        loop {
            let slots = tokio::select! {
                slots = ahead.reserve_many(refill) => match slots {
                    Ok(slots) => slots,
                    Err(_) => return,
                },
                () = stop.cancelled() => return,
            };
            // Only this task sends, so the room seen now is still there after the claim.
            let want = (refill + ahead.capacity()).min(self.config.batch);
            let idle = match self.claim(want).await {
                Ok(cells) if !cells.is_empty() => {
                    let mut cells = cells.into_iter();
                    for (slot, cell) in slots.zip(cells.by_ref()) {
                        slot.send(cell);
                    }
                    for cell in cells {
                        ahead.try_send(cell).expect("room was reserved");
                    }
                    continue;
                }
                Ok(_) => self.config.poll_interval,
                Err(error) => {
                    tracing::warn!(%error, "claiming cells failed; retrying");
                    Duration::from_secs(1)
                }
            };
            drop(slots);
            tokio::select! {
                () = self.queue.notified() => {}
                () = self.written.notified() => {}
                () = tokio::time::sleep(idle) => {}
                () = stop.cancelled() => return,
            }
        }
    }

    /// Extends the leases of this worker's cells while they are being worked on.
    async fn renew_leases(self: Arc<Self>, stop: CancellationToken) {
        let every = self.config.lease / 3;
        loop {
            tokio::select! {
                () = tokio::time::sleep(every) => {}
                () = stop.cancelled() => return,
            }
            if let Err(error) = self.renew().await {
                tracing::warn!(%error, "renewing leases failed");
            }
        }
    }

    /// Looks for the cells of dead workers, in every process, every poll interval.
    async fn reap_periodically(self: Arc<Self>, stop: CancellationToken) {
        loop {
            tokio::select! {
                () = tokio::time::sleep(self.config.poll_interval) => {}
                () = stop.cancelled() => return,
            }
            if let Err(error) = self.reap().await {
                tracing::warn!(%error, "returning expired cells to the queue failed");
            }
        }
    }

    async fn renew(&self) -> Result<(), sqlx::Error> {
        let holding: Vec<CellId> = self.holding().iter().copied().collect();
        if holding.is_empty() {
            return Ok(());
        }
        let mut tx = self.db.begin_service().await?;
        sqlx::query(
            "update public.run_cell set lease_expires_at = now() + make_interval(secs => $3)
             where id = any($2) and lease_owner = $1 and status = 'running'",
        )
        .bind(self.id)
        .bind(&holding)
        .bind(self.config.lease.as_secs_f64())
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "update public.grading_pass_cell
             set lease_expires_at = now() + make_interval(secs => $3)
             where cell_id = any($2) and lease_owner = $1 and status = 'running'",
        )
        .bind(self.id)
        .bind(&holding)
        .bind(self.config.lease.as_secs_f64())
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    }

    fn holding(&self) -> std::sync::MutexGuard<'_, HashSet<CellId>> {
        self.holding.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records cells this worker now holds.
    fn hold(&self, cells: impl IntoIterator<Item = CellId>) {
        self.holding().extend(cells);
    }

    /// Stops renewing these cells' leases: written, given back, or given up.
    fn let_go(&self, cells: &[CellId]) {
        let mut holding = self.holding();
        for cell in cells {
            holding.remove(cell);
        }
    }

    /// Stops every run given that reached its budget, then ends those whose cells are all done:
    /// `completed` if any succeeded, else `failed`.
    /// Runs in its own transaction, after the results are committed, so that two workers
    /// finishing a run's last cells at the same time cannot both miss the end.
    async fn finish_runs(&self, run_ids: &[RunId]) -> Result<(), sqlx::Error> {
        if run_ids.is_empty() {
            return Ok(());
        }
        let mut tx = self.db.begin_service().await?;
        // Runs that reached their budget stop: their queued cells are cancelled.
        sqlx::query(
            "with over as (
               select r.id from public.run r
               where r.id = any($1) and r.max_cost_usd is not null
                 and r.status in ('queued', 'running')
                 and (select coalesce(sum(coalesce(c.cost_usd, 0) + coalesce(c.judge_cost_usd, 0)), 0)
                      from public.run_cell c where c.run_id = r.id) >= r.max_cost_usd
             ), marked as (
               update public.run set budget_exceeded_at = coalesce(budget_exceeded_at, now())
               where id in (select id from over)
             )
             update public.run_cell
             set status = 'cancelled', error_kind = 'budget_exceeded',
                 error_message = 'the run reached its max_cost_usd', finished_at = now()
             where run_id in (select id from over) and status = 'queued'",
        )
        .bind(run_ids)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "update public.run r
             set status = case when exists (
                   select from public.run_cell c where c.run_id = r.id and c.status = 'succeeded'
                 ) then 'completed'::public.run_status else 'failed'::public.run_status end,
                 finished_at = now()
             where r.id = any($1) and r.status in ('queued', 'running')
               and not exists (
                 select from public.run_cell c where c.run_id = r.id and c.status in ('queued', 'running'))",
        )
        .bind(run_ids)
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    }
}
