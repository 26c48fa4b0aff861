//! Writing results, in batches: one statement for many cells, then the end of their runs.
//!
//! A batch holds cells of many tenants, so one result that cannot be stored must not lose the
//! others: a failed batch is written again cell by cell, and a cell whose own write fails for
//! something in its data (not because the database is away) is failed with `internal`.

use std::{sync::Arc, time::Duration};

use platform::db::{DbFailure, classify};
use providers::cache;
use serde_json::Value;
use tokio::sync::mpsc;

use super::{CellResult, GradeResult, Outcome, Worker};
use crate::{CellId, ErrorKind, RunId};

/// Results written per statement, at most.
const BATCH: usize = 256;
/// How long the first result of a batch waits for others. Every write is a transaction of a few
/// statements (and ends its runs' checks), whatever its size: written one by one as they came,
/// 2,500 results a second made as many transactions. A cell's model call takes seconds, so a few
/// milliseconds more before its result shows cost nothing.
const GATHER: Duration = Duration::from_millis(10);

impl Worker {
    /// Writes results as they come until every sender is gone.
    pub(super) async fn write_results(self: Arc<Self>, mut pending: mpsc::Receiver<Outcome>) {
        let mut outcomes = Vec::with_capacity(BATCH);
        while pending.recv_many(&mut outcomes, BATCH).await > 0 {
            let gathered = tokio::time::sleep(GATHER);
            tokio::pin!(gathered);
            while outcomes.len() < BATCH {
                let room = BATCH - outcomes.len();
                tokio::select! {
                    received = pending.recv_many(&mut outcomes, room) => {
                        if received == 0 {
                            break;
                        }
                    }
                    () = &mut gathered => break,
                }
            }
            let (mut batch, mut grades) = (Vec::new(), Vec::new());
            for outcome in outcomes.drain(..) {
                match outcome {
                    Outcome::Cell(result) => batch.push(result),
                    Outcome::Grade(result) => grades.push(result),
                }
            }
            for result in &mut batch {
                result.make_storable();
            }
            let runs = self.store(&batch).await;
            self.store_grades(&mut grades).await;
            let ids: Vec<CellId> =
                batch.iter().map(|r| r.id).chain(grades.iter().map(|g| g.cell_id)).collect();
            self.let_go(&ids);
            self.written.notify_one();
            if let Err(error) = self.finish_runs(&runs).await {
                tracing::warn!(%error, "could not finish runs; the next result or claim will");
            }
        }
    }

    /// Stores grades of grading passes, as one batch or else one by one. A grade that cannot
    /// be stored is logged and left to its lease: claimed again, then given up on.
    async fn store_grades(&self, results: &mut [GradeResult]) {
        if results.is_empty() {
            return;
        }
        let rows: Vec<Value> = results.iter_mut().map(GradeResult::row).collect();
        if self.write_grades(&rows).await.is_ok() {
            return;
        }
        for (row, result) in rows.iter().zip(results.iter()) {
            if let Err(error) = self.write_grades(std::slice::from_ref(row)).await {
                let error = platform::db::describe(&error);
                tracing::warn!(%error, cell.id = %result.cell_id, "could not write a grade; its job will be claimed again");
            }
        }
    }

    /// Writes grades whose job this worker still holds, to the pass and to the cells (a job
    /// being graded is always of its run's latest pass: see the migration). The rows are read
    /// once, as in [`Worker::write`].
    async fn write_grades(&self, rows: &[Value]) -> Result<(), sqlx::Error> {
        let mut tx = self.db.begin_service().await?;
        sqlx::query(
            "with results as materialized (
               select * from jsonb_populate_recordset(null::public.grading_pass_cell, $2)
             ), done as (
               update public.grading_pass_cell g set
                 status = 'done', lease_owner = null, lease_expires_at = null, graded_at = now(),
                 judge_status = u.judge_status, judge_score = u.judge_score,
                 judge_pass = u.judge_pass, judge_reason = u.judge_reason,
                 judge_output = u.judge_output,
                 judge_output_truncated = coalesce(u.judge_output_truncated, false),
                 judge_error = u.judge_error, judge_tokens_in = u.judge_tokens_in,
                 judge_tokens_out = u.judge_tokens_out, judge_cost_usd = u.judge_cost_usd,
                 judge_latency_ms = u.judge_latency_ms,
                 check_results = u.check_results, auto_pass = u.auto_pass
               from results u
               where g.pass_id = u.pass_id and g.cell_id = u.cell_id and g.lease_owner = $1
                 and g.status = 'running'
               returning g.*
             )
             update public.run_cell c set
               judge_status = d.judge_status, judge_score = d.judge_score,
               judge_pass = d.judge_pass, judge_reason = d.judge_reason,
               judge_output = d.judge_output, judge_output_truncated = d.judge_output_truncated,
               judge_error = d.judge_error, judge_tokens_in = d.judge_tokens_in,
               judge_tokens_out = d.judge_tokens_out, judge_cost_usd = d.judge_cost_usd,
               judge_latency_ms = d.judge_latency_ms, check_results = d.check_results,
               auto_pass = d.auto_pass
             from done d
             join public.grading_pass p on p.id = d.pass_id
             join public.run r on r.id = p.run_id and r.grading_pass = p.number
             where c.id = d.cell_id",
        )
        .bind(self.id)
        .bind(sqlx::types::Json(rows))
        .execute(&mut *tx)
        .await?;
        tx.commit().await
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
    ///
    /// The rows are read once (`materialized`): as a join's inner side, the function was run
    /// again for every running cell the plan looked at, parsing the whole batch each time (a
    /// batch of 40 next to 256 cells in flight: 10,240 rows parsed, 8 of the write's 10 ms).
    async fn write(&self, results: &[CellResult]) -> Result<Vec<RunId>, sqlx::Error> {
        let rows = Value::Array(results.iter().map(CellResult::row).collect());
        let mut tx = self.db.begin_service().await?;
        let mut runs: Vec<RunId> = sqlx::query_scalar(
            "with results as materialized (
               select * from jsonb_populate_recordset(null::public.run_cell, $2)
             )
             update public.run_cell c set
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
             from results u
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
