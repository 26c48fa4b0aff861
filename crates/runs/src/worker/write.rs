//! Writing results, in batches: one statement for many cells, then the end of their runs.

use std::sync::Arc;

use tokio::sync::mpsc;
use uuid::Uuid;

use super::{CellResult, Worker, execute::Judged};

/// Results written per statement, at most.
const BATCH: usize = 256;

impl Worker {
    /// Writes results as they come until every sender is gone.
    pub(super) async fn write_results(self: Arc<Self>, mut pending: mpsc::Receiver<CellResult>) {
        let mut batch = Vec::with_capacity(BATCH);
        while pending.recv_many(&mut batch, BATCH).await > 0 {
            match self.write(&batch).await {
                Ok(runs) => {
                    self.written.notify_one();
                    if let Err(error) = self.finish_runs(&runs).await {
                        tracing::warn!(%error, "could not finish runs; the next result or claim will");
                    }
                }
                // The leases run out and the cells are worked on again.
                Err(error) => {
                    tracing::error!(%error, cells = batch.len(), "could not write results");
                }
            }
            batch.clear();
        }
    }

    /// Writes the results whose lease this worker still holds; returns the runs touched.
    async fn write(&self, results: &[CellResult]) -> Result<Vec<Uuid>, sqlx::Error> {
        let mut tx = self.db.begin_service().await?;
        let mut runs: Vec<Uuid> = sqlx::query_scalar(
            "update public.run_cell c set
               status = u.status::public.cell_status, attempts = c.attempts + u.attempts,
               rendered_system = u.rendered_system, rendered_prompt = u.rendered_prompt,
               output = u.output, error_kind = u.error_kind, error_message = u.error_message,
               finish_reason = u.finish_reason, latency_ms = u.latency_ms, tokens_in = u.tokens_in,
               tokens_out = u.tokens_out, cost_usd = u.cost_usd,
               judge_status = u.judge_status::public.grade_status, judge_score = u.judge_score,
               judge_pass = u.judge_pass, judge_reason = u.judge_reason,
               judge_output = u.judge_output, judge_error = u.judge_error,
               grader_tokens_in = u.grader_tokens_in, grader_tokens_out = u.grader_tokens_out,
               grader_cost_usd = u.grader_cost_usd, grader_latency_ms = u.grader_latency_ms,
               check_results = u.check_results, auto_pass = u.auto_pass,
               lease_expires_at = null, finished_at = now()
             from unnest($2::uuid[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[],
                         $8::text[], $9::text[], $10::text[], $11::int[], $12::int[], $13::int[],
                         $14::float8[], $15::text[], $16::float8[], $17::bool[], $18::text[],
                         $19::text[], $20::text[], $21::int[], $22::int[], $23::float8[],
                         $24::int[], $25::jsonb[], $26::bool[])
               as u(id, status, attempts, rendered_system, rendered_prompt, output, error_kind,
                    error_message, finish_reason, latency_ms, tokens_in, tokens_out, cost_usd,
                    judge_status, judge_score, judge_pass, judge_reason, judge_output, judge_error,
                    grader_tokens_in, grader_tokens_out, grader_cost_usd, grader_latency_ms,
                    check_results, auto_pass)
             where c.id = u.id and c.lease_owner = $1 and c.status = 'running'
             returning c.run_id",
        )
        .bind(self.id)
        .bind(column(results, |r| r.id))
        .bind(column(results, |r| r.status.as_str()))
        .bind(column(results, |r| r.attempts))
        .bind(column(results, |r| r.rendered_system.as_deref()))
        .bind(column(results, |r| r.rendered_prompt.as_deref()))
        .bind(column(results, |r| r.output.as_deref()))
        .bind(column(results, |r| r.error_kind.as_deref()))
        .bind(column(results, |r| r.error_message.as_deref()))
        .bind(column(results, |r| r.finish_reason.as_deref()))
        .bind(column(results, |r| r.latency_ms))
        .bind(column(results, |r| r.tokens_in))
        .bind(column(results, |r| r.tokens_out))
        .bind(column(results, |r| r.cost_usd))
        .bind(judge_column(results, |j| Some(j.status.as_str())))
        .bind(judge_column(results, |j| j.score))
        .bind(judge_column(results, |j| j.pass))
        .bind(judge_column(results, |j| j.reason.as_deref()))
        .bind(judge_column(results, |j| j.output.as_deref()))
        .bind(judge_column(results, |j| j.error.as_deref()))
        .bind(judge_column(results, |j| j.tokens_in))
        .bind(judge_column(results, |j| j.tokens_out))
        .bind(judge_column(results, |j| j.cost_usd))
        .bind(judge_column(results, |j| j.latency_ms))
        .bind(column(results, |r| {
            r.check_results
                .as_ref()
                .map(|c| serde_json::to_value(c).expect("check results serialize"))
        }))
        .bind(column(results, |r| r.auto_pass))
        .fetch_all(&mut *tx)
        .await?;
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

/// One field of every result, as the array bound to one `unnest` column.
fn column<'a, T>(results: &'a [CellResult], field: impl Fn(&'a CellResult) -> T) -> Vec<T> {
    results.iter().map(field).collect()
}

/// One field of every result's judgement; null where the cell was not judged.
fn judge_column<'a, T>(
    results: &'a [CellResult],
    field: impl Fn(&'a Judged) -> Option<T>,
) -> Vec<Option<T>> {
    results.iter().map(|r| r.judge.as_ref().and_then(&field)).collect()
}
