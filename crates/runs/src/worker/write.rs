//! Writing results, in batches: one statement for many cells, then the end of their runs.
//!
//! A batch holds cells of many tenants, so one result that cannot be stored must not lose the
//! others: a failed batch is written again cell by cell, and a cell whose own write fails for
//! something in its data (not because the database is away) is failed with `internal`.

use std::sync::Arc;

use platform::db::{DbFailure, classify};
use providers::cache;
use serde_json::Value;
use tokio::sync::mpsc;

use super::{CellResult, Worker};
use crate::{CellId, ErrorKind, RunId};

/// Results written per statement, at most.
const BATCH: usize = 256;

impl Worker {
    /// Writes results as they come until every sender is gone.
    pub(super) async fn write_results(self: Arc<Self>, mut pending: mpsc::Receiver<CellResult>) {
        let mut batch = Vec::with_capacity(BATCH);
        while pending.recv_many(&mut batch, BATCH).await > 0 {
            for result in &mut batch {
                result.make_storable();
            }
            let runs = self.store(&batch).await;
            let ids: Vec<CellId> = batch.iter().map(|r| r.id).collect();
            self.let_go(&ids);
            self.written.notify_one();
            if let Err(error) = self.finish_runs(&runs).await {
                tracing::warn!(%error, "could not finish runs; the next result or claim will");
            }
            batch.clear();
        }
    }

    /// Stores `results`, as one batch or else one by one; returns the runs touched.
    async fn store(&self, results: &[CellResult]) -> Vec<RunId> {
        let error = match self.write(results).await {
            Ok(runs) => return runs,
            Err(error) => error,
        };
        if results.len() == 1 {
            return self.give_up_on(&results[0], &error).await;
        }
        tracing::warn!(
            error = %platform::db::describe(&error),
            cells = results.len(),
            "a batch of results could not be written; writing them one by one"
        );
        let mut runs = Vec::new();
        for result in results {
            match self.write(std::slice::from_ref(result)).await {
                Ok(touched) => runs.extend(touched),
                Err(error) => runs.extend(self.give_up_on(result, &error).await),
            }
        }
        runs.sort_unstable();
        runs.dedup();
        runs
    }

    /// A result that cannot be written. If the database is away, the lease runs out and the cell
    /// is worked on again; if the result itself is the problem, the cell fails as `internal`.
    async fn give_up_on(&self, result: &CellResult, error: &sqlx::Error) -> Vec<RunId> {
        let description = platform::db::describe(error);
        if classify(error) == DbFailure::Unavailable {
            tracing::warn!(error = %description, cell.id = %result.id, "could not write a result; the cell will be claimed again");
            return Vec::new();
        }
        tracing::error!(error = %description, cell.id = %result.id, "the result of cell {} cannot be stored; failing the cell", result.id);
        let message = format!("the result could not be stored ({})", sqlstate(error));
        match self.fail_unstorable(result, &message).await {
            Ok(runs) => runs,
            Err(error) => {
                let error = platform::db::describe(&error);
                tracing::error!(%error, cell.id = %result.id, "could not fail the cell either; its lease will expire");
                Vec::new()
            }
        }
    }

    async fn fail_unstorable(
        &self,
        result: &CellResult,
        message: &str,
    ) -> Result<Vec<RunId>, sqlx::Error> {
        let mut tx = self.db.begin_service().await?;
        let runs = sqlx::query_scalar(
            "update public.run_cell
             set status = 'failed', error_kind = $3, error_message = $4,
                 attempts = attempts + $5, lease_expires_at = null, finished_at = now()
             where id = $1 and lease_owner = $2 and status = 'running'
             returning run_id",
        )
        .bind(result.id)
        .bind(self.id)
        .bind(ErrorKind::Internal)
        .bind(message)
        .bind(result.attempts)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        metrics::counter!("promptrefine_cells_total", "status" => "failed").increment(1);
        Ok(runs)
    }

    /// Writes the results whose lease this worker still holds, and the new answers of runs that
    /// cache; returns the runs touched. Each result is a row of named columns
    /// (`CellResult::row`), read back into `run_cell`'s own column types by
    /// `jsonb_populate_recordset`.
    async fn write(&self, results: &[CellResult]) -> Result<Vec<RunId>, sqlx::Error> {
        let rows = Value::Array(results.iter().map(CellResult::row).collect());
        let mut tx = self.db.begin_service().await?;
        let mut runs: Vec<RunId> = sqlx::query_scalar(
            "update public.run_cell c set
               status = u.status, attempts = c.attempts + u.attempts,
               rendered_system = u.rendered_system, rendered_prompt = u.rendered_prompt,
               output = u.output, output_truncated = u.output_truncated,
               finish_reason = u.finish_reason, latency_ms = u.latency_ms,
               tokens_in = u.tokens_in, tokens_out = u.tokens_out, cost_usd = u.cost_usd,
               cached = coalesce(u.cached, false), saved_cost_usd = u.saved_cost_usd,
               error_kind = u.error_kind, error_message = u.error_message,
               judge_status = u.judge_status, judge_score = u.judge_score,
               judge_pass = u.judge_pass, judge_reason = u.judge_reason,
               judge_output = u.judge_output,
               judge_output_truncated = coalesce(u.judge_output_truncated, false),
               judge_error = u.judge_error, judge_tokens_in = u.judge_tokens_in,
               judge_tokens_out = u.judge_tokens_out, judge_cost_usd = u.judge_cost_usd,
               judge_latency_ms = u.judge_latency_ms,
               check_results = u.check_results, auto_pass = u.auto_pass,
               lease_expires_at = null, finished_at = now()
             from jsonb_populate_recordset(null::public.run_cell, $2) as u
             where c.id = u.id and c.lease_owner = $1 and c.status = 'running'
             returning c.run_id",
        )
        .bind(self.id)
        .bind(rows)
        .fetch_all(&mut *tx)
        .await?;
        let answers: Vec<cache::Entry> =
            results.iter().filter_map(|result| result.to_cache.clone()).collect();
        cache::store(&mut tx, &answers).await?;
        tx.commit().await?;
        // Counted as attempted: a few may have been dropped (cancelled or reclaimed meanwhile).
        for result in results {
            metrics::counter!("promptrefine_cells_total", "status" => result.status.as_str())
                .increment(1);
        }
        if runs.len() < results.len() {
            tracing::info!(
                dropped = results.len() - runs.len(),
                "results dropped: their cells were cancelled or reclaimed"
            );
        }
        runs.sort_unstable();
        runs.dedup();
        Ok(runs)
    }
}

/// The SQLSTATE of a database error, for a message that tells what without saying the data.
fn sqlstate(error: &sqlx::Error) -> String {
    match error {
        sqlx::Error::Database(db) => format!("SQLSTATE {}", db.code().unwrap_or_default()),
        other => other.to_string(),
    }
}
