//! Reading, cancelling, retrying and deleting runs and cells, as their owner.

use chrono::{DateTime, Utc};
use platform::{
    UserTx,
    pagination::{Page, PageRequest},
};
use tracing::instrument;
use uuid::Uuid;

use crate::{
    Cell, CellCounts, CellDetail, CellStatus, Error, GradeEntry, ModelTotals, Result, Run,
    RunDetail, RunFilter, RunModel, RunStatus,
};

pub(crate) const RUN_COLUMNS: &str = "id, prompt_id, prompt_version_id, prompt_name, prompt_version, \
    prompt_body, system_prompt, dataset_id, dataset_name, variables, grader, concurrency, \
    expected_column, score_min, score_max, pass_threshold, checks, status, cell_count, created_at, \
    updated_at, started_at, finished_at";

const MODEL_COLUMNS: &str =
    "id, position, provider, model, label, params, input_per_mtok, output_per_mtok, prices_as_of";

pub(crate) const CELL_COLUMNS: &str = "id, run_id, run_model_id, row_index, status, attempts, \
    rendered_system, rendered_prompt, output, output_truncated, error_kind, error_message, \
    finish_reason, latency_ms, tokens_in, tokens_out, cost_usd, judge_status, judge_score, \
    judge_pass, judge_reason, judge_output, judge_output_truncated, judge_error, grader_tokens_in, grader_tokens_out, grader_cost_usd, \
    grader_latency_ms, check_results, auto_pass, manual_grade, manual_note, manual_graded_at, \
    manual_graded_by, effective_pass, created_at, updated_at, started_at, finished_at";

/// Runs, newest first.
pub async fn list(tx: &mut UserTx, filter: &RunFilter, page: &PageRequest) -> Result<Page<Run>> {
    let after: Option<(DateTime<Utc>, Uuid)> = page.after()?;
    let rows: Vec<Run> = sqlx::query_as(&format!(
        "select {RUN_COLUMNS} from public.run
         where ($1::uuid is null or prompt_id = $1)
           and ($2::timestamptz is null or (created_at, id) < ($2, $3))
         order by created_at desc, id desc
         limit $4"
    ))
    .bind(filter.prompt_id)
    .bind(after.map(|(at, _)| at))
    .bind(after.map(|(_, id)| id))
    .bind(page.fetch_limit())
    .fetch_all(&mut **tx)
    .await?;
    Ok(Page::from_rows(rows, page.limit, |r| (r.created_at, r.id)))
}

/// A run with its models, cell counts and per-model totals.
pub async fn get(tx: &mut UserTx, id: Uuid) -> Result<RunDetail> {
    let run: Run = sqlx::query_as(&format!("select {RUN_COLUMNS} from public.run where id = $1"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(Error::NotFound(id))?;
    let models: Vec<RunModel> = sqlx::query_as(&format!(
        "select {MODEL_COLUMNS} from public.run_model where run_id = $1 order by position"
    ))
    .bind(id)
    .fetch_all(&mut **tx)
    .await?;
    let totals: Vec<ModelTotals> = sqlx::query_as(
        "select m.id as run_model_id,
                count(c.id) filter (where c.status = 'queued') as queued,
                count(c.id) filter (where c.status = 'running') as running,
                count(c.id) filter (where c.status = 'succeeded') as succeeded,
                count(c.id) filter (where c.status = 'failed') as failed,
                count(c.id) filter (where c.status = 'cancelled') as cancelled,
                coalesce(sum(c.tokens_in), 0)::int8 as tokens_in,
                coalesce(sum(c.tokens_out), 0)::int8 as tokens_out,
                coalesce(sum(c.cost_usd), 0)::float8 as cost_usd,
                (avg(c.latency_ms) filter (where c.status = 'succeeded'))::float8 as mean_latency_ms
         from public.run_model m left join public.run_cell c on c.run_model_id = m.id
         where m.run_id = $1
         group by m.id, m.position
         order by m.position",
    )
    .bind(id)
    .fetch_all(&mut **tx)
    .await?;
    let counts = totals.iter().fold(CellCounts::default(), |sum, t| CellCounts {
        queued: sum.queued + t.counts.queued,
        running: sum.running + t.counts.running,
        succeeded: sum.succeeded + t.counts.succeeded,
        failed: sum.failed + t.counts.failed,
        cancelled: sum.cancelled + t.counts.cancelled,
    });
    Ok(RunDetail { run, models, counts, totals })
}

/// Stops a run: its queued and running cells are cancelled, and results still arriving for them
/// are dropped (their workers no longer hold a lease).
#[instrument(skip_all, fields(run.id = %id))]
pub async fn cancel(tx: &mut UserTx, id: Uuid) -> Result<RunDetail> {
    let cancelled = sqlx::query(
        "update public.run set status = 'cancelled', finished_at = now()
         where id = $1 and status in ('queued', 'running')",
    )
    .bind(id)
    .execute(&mut **tx)
    .await?;
    if cancelled.rows_affected() == 0 {
        let run = get(tx, id).await?;
        let message = format!("the run is already {}", run.run.status.as_str());
        return Err(Error::Conflict { code: "run_finished", message });
    }
    sqlx::query(
        "update public.run_cell
         set status = 'cancelled', lease_owner = null, lease_expires_at = null, finished_at = now()
         where run_id = $1 and status in ('queued', 'running')",
    )
    .bind(id)
    .execute(&mut **tx)
    .await?;
    tracing::info!("cancelled run {id}");
    get(tx, id).await
}

/// Deletes a run and its cells.
#[instrument(skip_all, fields(run.id = %id))]
pub async fn delete(tx: &mut UserTx, id: Uuid) -> Result<()> {
    let deleted =
        sqlx::query("delete from public.run where id = $1").bind(id).execute(&mut **tx).await?;
    if deleted.rows_affected() == 0 {
        return Err(Error::NotFound(id));
    }
    tracing::info!("deleted run {id}");
    Ok(())
}

/// A run's cells, least recently updated first, optionally only those updated after
/// `updated_since` (for polling) or in one state.
pub async fn list_cells(
    tx: &mut UserTx,
    run_id: Uuid,
    updated_since: Option<DateTime<Utc>>,
    status: Option<CellStatus>,
    page: &PageRequest,
) -> Result<Page<Cell>> {
    ensure_run(tx, run_id).await?;
    let after: Option<(DateTime<Utc>, Uuid)> = page.after()?;
    let rows: Vec<Cell> = sqlx::query_as(&format!(
        "select {CELL_COLUMNS} from public.run_cell
         where run_id = $1
           and ($2::timestamptz is null or updated_at > $2)
           and ($3::public.cell_status is null or status = $3)
           and ($4::timestamptz is null or (updated_at, id) > ($4, $5))
         order by updated_at, id
         limit $6"
    ))
    .bind(run_id)
    .bind(updated_since)
    .bind(status)
    .bind(after.map(|(at, _)| at))
    .bind(after.map(|(_, id)| id))
    .bind(page.fetch_limit())
    .fetch_all(&mut **tx)
    .await?;
    Ok(Page::from_rows(rows, page.limit, |c| (c.updated_at, c.id)))
}

/// One cell of a run.
/// One cell of a run, with its manual grading history.
pub async fn get_cell(tx: &mut UserTx, run_id: Uuid, cell_id: Uuid) -> Result<CellDetail> {
    let cell: Option<Cell> = sqlx::query_as(&format!(
        "select {CELL_COLUMNS} from public.run_cell where id = $1 and run_id = $2"
    ))
    .bind(cell_id)
    .bind(run_id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(cell) = cell else {
        ensure_run(tx, run_id).await?;
        return Err(Error::CellNotFound { run_id, cell_id });
    };
    let history: Vec<GradeEntry> = sqlx::query_as(
        "select value, note, graded_by, created_at from public.cell_grade
         where cell_id = $1 order by created_at, id",
    )
    .bind(cell_id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(CellDetail { cell, history })
}

/// Queues a failed cell again; a finished run goes back to running.
#[instrument(skip_all, fields(run.id = %run_id, cell.id = %cell_id))]
pub async fn retry_cell(tx: &mut UserTx, run_id: Uuid, cell_id: Uuid) -> Result<CellDetail> {
    let status: RunStatus =
        sqlx::query_scalar("select status from public.run where id = $1 for update")
            .bind(run_id)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or(Error::NotFound(run_id))?;
    if status == RunStatus::Cancelled {
        let message = "the run is cancelled; its cells cannot be retried".into();
        return Err(Error::Conflict { code: "run_cancelled", message });
    }
    let retried = sqlx::query(
        "update public.run_cell
         set status = 'queued', queued_at = now(), claims = 0, lease_owner = null,
             lease_expires_at = null, error_kind = null, error_message = null, finished_at = null
         where id = $1 and run_id = $2 and status = 'failed'",
    )
    .bind(cell_id)
    .bind(run_id)
    .execute(&mut **tx)
    .await?;
    if retried.rows_affected() == 0 {
        let cell = get_cell(tx, run_id, cell_id).await?.cell;
        let message =
            format!("only failed cells can be retried; this one is {}", cell.status.as_str());
        return Err(Error::Conflict { code: "cell_not_failed", message });
    }
    sqlx::query(
        "update public.run set status = 'running', finished_at = null
         where id = $1 and status in ('completed', 'failed')",
    )
    .bind(run_id)
    .execute(&mut **tx)
    .await?;
    sqlx::query("select pg_notify('run_queue', $1)")
        .bind(run_id.to_string())
        .execute(&mut **tx)
        .await?;
    get_cell(tx, run_id, cell_id).await
}

pub(crate) async fn ensure_run(tx: &mut UserTx, id: Uuid) -> Result<()> {
    let exists: bool = sqlx::query_scalar("select exists (select from public.run where id = $1)")
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
    if exists { Ok(()) } else { Err(Error::NotFound(id)) }
}
