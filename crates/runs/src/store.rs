//! Reading, cancelling, retrying and deleting runs and cells: any member of a run's organization
//! reads it, editors and up change it.
//!
//! The select lists below are where the tables' columns become the nested types of `model`:
//! a group that is optional as a whole (a judgement, an error, a manual grade) is built as one
//! JSON object in SQL, so that adding a field to it is one line here and one in its type.

use chrono::{DateTime, Utc};
use platform::{
    OrgId, Role, UserTx,
    pagination::{Page, PageRequest},
    tenancy,
};
use serde::{Deserialize, Serialize};
use tracing::instrument;

use crate::{
    Cell, CellCounts, CellId, CellStatus, Changes, Error, GradeEntry, Result, RunDetail, RunFilter,
    RunId, RunListItem, RunModel, RunStatus,
    passes::{CellSource, LATEST_CELLS},
};

/// [`Run`] from `public.run r`.
pub(crate) const RUN_COLUMNS: &str = "r.id, r.org_id, r.created_by, r.status, r.prompt_id, r.prompt_version_id, \
    r.prompt_name as name, r.prompt_version as version, r.dataset_id, r.dataset_name, \
    r.cell_count, r.created_at, r.started_at, r.finished_at";

/// [`RunDetail`] (without models and counts) from `public.run r`.
pub(crate) const RUN_DETAIL_COLUMNS: &str = "r.id, r.org_id, r.created_by, r.status, r.prompt_id, r.prompt_version_id, \
    r.prompt_name as name, r.prompt_version as version, r.dataset_id, r.dataset_name, \
    r.cell_count, r.created_at, r.started_at, r.finished_at, r.prompt_body, \
    r.system_prompt as system, r.variables, r.grader, r.concurrency, r.expected_column, \
    jsonb_build_object('min', r.score_min, 'max', r.score_max) as score_scale, \
    r.pass_threshold, r.checks as assertions, r.use_cache as cache, r.max_cost_usd, \
    r.budget_exceeded_at, r.parent_run_id, r.grading_pass";

/// [`CellCounts`] of the cells `c`.
const COUNT_COLUMNS: &str = "count(c.id) filter (where c.status = 'queued') as queued, \
    count(c.id) filter (where c.status = 'running') as running, \
    count(c.id) filter (where c.status = 'succeeded') as succeeded, \
    count(c.id) filter (where c.status = 'failed') as failed, \
    count(c.id) filter (where c.status = 'cancelled') as cancelled";

/// [`Cell`] from a cell `c` and its grades `g` (see [`CellSource`]).
pub(crate) const CELL_COLUMNS: &str = "c.id, c.run_id, c.run_model_id as model_id, c.row_index, \
    c.status, c.attempts, \
    c.rendered_system, c.rendered_prompt, c.output, c.output_truncated, c.finish_reason, \
    c.latency_ms, c.tokens_in, c.tokens_out, c.cost_usd, c.cached, c.saved_cost_usd, \
    case when c.error_kind is null then null else jsonb_build_object( \
      'kind', c.error_kind, 'message', coalesce(c.error_message, '')) end as error, \
    c.cost_usd + coalesce(g.judge_cost_usd, 0) as total_cost_usd, \
    case when g.judge_status is null then null else jsonb_build_object( \
      'status', g.judge_status, 'score', g.judge_score, 'pass', g.judge_pass, \
      'reason', g.judge_reason, 'output', g.judge_output, \
      'output_truncated', g.judge_output_truncated, 'error', g.judge_error, \
      'tokens_in', g.judge_tokens_in, 'tokens_out', g.judge_tokens_out, \
      'cost_usd', g.judge_cost_usd, 'latency_ms', g.judge_latency_ms) end as judge, \
    g.check_results as assertion_results, g.auto_pass, \
    case when c.manual_grade is null then null else jsonb_build_object( \
      'value', c.manual_grade, 'note', c.manual_note, 'graded_by', c.manual_graded_by, \
      'graded_at', c.manual_graded_at) end as manual, \
    g.effective_pass, c.created_at, c.updated_at, c.started_at, c.finished_at";

/// The runs of `org` that pass `filter`, newest first, each with its cells by state, what it
/// spent, its pass rate and its duration.
pub async fn list(
    tx: &mut UserTx,
    org: OrgId,
    filter: &RunFilter,
    page: &PageRequest,
) -> Result<Page<RunListItem>> {
    let (after_at, after_id): (Option<DateTime<Utc>>, Option<RunId>) = page.after()?.unzip();
    let (provider, model) = match filter.model.as_deref().map(|m| m.split_once('/')) {
        Some(Some((provider, model))) => (Some(provider), Some(model)),
        Some(None) => (None, filter.model.as_deref()),
        None => (None, None),
    };
    let rows: Vec<RunListItem> = sqlx::query_as(&format!(
        "select {RUN_COLUMNS}, s.*,
                (extract(epoch from (coalesce(r.finished_at, now()) - r.started_at)) * 1000)::int8
                  as duration_ms
         from public.run r
         cross join lateral (
           select {COUNT_COLUMNS},
                  coalesce(sum(coalesce(c.cost_usd, 0) + coalesce(c.judge_cost_usd, 0)), 0)::float8
                    as spent_usd,
                  avg(case c.effective_pass when true then 1.0 when false then 0.0 end)::float8
                    as pass_rate
           from public.run_cell c where c.run_id = r.id) s
         where r.org_id = $5
           and ($1::uuid is null or r.prompt_id = $1)
           and ($2::timestamptz is null or (r.created_at, r.id) < ($2, $3))
           and ($6::uuid is null or r.dataset_id = $6)
           and ($7::public.run_status is null or r.status = $7)
           and ($9::text is null or exists (
                 select from public.run_model m
                 where m.run_id = r.id and m.model = $9 and ($8::text is null or m.provider = $8)))
           and ($10::timestamptz is null or r.created_at >= $10)
           and ($11::timestamptz is null or r.created_at < $11)
           and ($12::text is null or strpos(lower(r.prompt_name), lower($12)) > 0)
         order by r.created_at desc, r.id desc
         limit $4"
    ))
    .bind(filter.prompt_id)
    .bind(after_at)
    .bind(after_id)
    .bind(page.fetch_limit())
    .bind(org)
    .bind(filter.dataset_id)
    .bind(filter.status)
    .bind(provider)
    .bind(model)
    .bind(filter.created_after)
    .bind(filter.created_before)
    .bind(filter.name.as_deref())
    .fetch_all(&mut **tx)
    .await?;
    tenancy::require_listed(tx, org, !rows.is_empty()).await?;
    Ok(Page::from_rows(rows, page.limit, |r| (r.run.created_at, r.run.id)))
}

/// A run with its models (and what their cells used so far) and its cells' states.
pub async fn get(tx: &mut UserTx, id: RunId) -> Result<RunDetail> {
    let mut run: RunDetail =
        sqlx::query_as(&format!("select {RUN_DETAIL_COLUMNS} from public.run r where r.id = $1"))
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or(Error::NotFound(id))?;
    run.models = sqlx::query_as(&format!(
        "select m.id, m.position, m.provider, m.model, m.label, m.params, m.input_per_mtok,
                m.output_per_mtok, m.prices_as_of, {COUNT_COLUMNS},
                coalesce(sum(c.tokens_in), 0)::int8 as tokens_in,
                coalesce(sum(c.tokens_out), 0)::int8 as tokens_out,
                coalesce(sum(c.cost_usd), 0)::float8 as cost_usd,
                (avg(c.latency_ms) filter (where c.status = 'succeeded'))::float8 as mean_latency_ms
         from public.run_model m left join public.run_cell c on c.run_model_id = m.id
         where m.run_id = $1
         group by m.id
         order by m.position"
    ))
    .bind(id)
    .fetch_all(&mut **tx)
    .await?;
    run.counts = run.models.iter().map(|m: &RunModel| m.counts).fold(CellCounts::default(), add);
    run.children = sqlx::query_scalar(
        "select id from public.run where parent_run_id = $1 order by created_at, id",
    )
    .bind(id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(run)
}

fn add(sum: CellCounts, more: CellCounts) -> CellCounts {
    CellCounts {
        queued: sum.queued + more.queued,
        running: sum.running + more.running,
        succeeded: sum.succeeded + more.succeeded,
        failed: sum.failed + more.failed,
        cancelled: sum.cancelled + more.cancelled,
    }
}

/// Stops a run: its queued and running cells are cancelled, and results still arriving for them
/// are dropped (their workers no longer hold a lease).
#[instrument(skip_all, fields(run.id = %id))]
pub async fn cancel(tx: &mut UserTx, id: RunId) -> Result<RunDetail> {
    editable(tx, id).await?;
    let cancelled = sqlx::query(
        "update public.run set status = 'cancelled', finished_at = now()
         where id = $1 and status in ('queued', 'running')",
    )
    .bind(id)
    .execute(&mut **tx)
    .await?;
    if cancelled.rows_affected() == 0 {
        let run = get(tx, id).await?;
        return Err(Error::RunFinished { run_id: id, status: run.run.status });
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

/// Where a reader of a run's change feed is: the snapshot it last saw everything of (`since`)
/// and, within a feed longer than a page, the snapshot of the previous page and its last key.
#[derive(Debug, Default, Serialize, Deserialize)]
struct FeedCursor {
    since: Option<String>,
    page: Option<String>,
    after: Option<(String, CellId)>,
}

/// A text as PostgreSQL prints a `pg_snapshot` (`xmin:xmax:xip,...`): what a cursor may carry.
fn is_snapshot(text: &str) -> bool {
    let mut parts = text.split(':');
    let number = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    matches!(
        (parts.next(), parts.next(), parts.next(), parts.next()),
        (Some(xmin), Some(xmax), Some(xip), None)
            if number(xmin) && number(xmax) && (xip.is_empty() || xip.split(',').all(number))
    )
}

/// A cell with where it stands in the feed.
#[derive(sqlx::FromRow)]
struct FeedRow {
    #[sqlx(flatten)]
    cell: Cell,
    changed_xid: String,
    snapshot: String,
}

/// The cells of a run changed since `cursor` (all of them without), in commit order, and the
/// cursor to pass next: exact, so nothing is missed or repeated (see
/// `20261203000600_cell_change_feed.sql`).
pub async fn changes(tx: &mut UserTx, run_id: RunId, page: &PageRequest) -> Result<Changes> {
    ensure_run(tx, run_id).await?;
    let cursor: FeedCursor = page.after()?.unwrap_or_default();
    let snapshots = [&cursor.since, &cursor.page];
    let after_xid = cursor.after.as_ref().map(|(xid, _)| xid.as_str());
    if snapshots.iter().any(|s| s.as_deref().is_some_and(|s| !is_snapshot(s)))
        || after_xid.is_some_and(|xid| !xid.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(platform::pagination::InvalidCursor.into());
    }
    let mut rows: Vec<FeedRow> = sqlx::query_as(&format!(
        "select {CELL_COLUMNS}, c.changed_xid::text as changed_xid,
                pg_current_snapshot()::text as snapshot
         from {LATEST_CELLS}
         where c.run_id = $1
           and ($2::text is null or not pg_visible_in_snapshot(c.changed_xid, $2::pg_snapshot))
           and ($3::text is null or not pg_visible_in_snapshot(c.changed_xid, $3::pg_snapshot)
                or (c.changed_xid, c.id) > ($4::text::xid8, $5))
         order by c.changed_xid, c.id
         limit $6"
    ))
    .bind(run_id)
    .bind(&cursor.since)
    .bind(&cursor.page)
    .bind(after_xid)
    .bind(cursor.after.as_ref().map(|(_, id)| *id))
    .bind(page.fetch_limit())
    .fetch_all(&mut **tx)
    .await?;
    let more = rows.len() > page.limit as usize;
    rows.truncate(page.limit as usize);
    // The snapshot must be the one the rows were read in (a later statement's would count
    // commits made meanwhile as seen): with no row, the cursor given is still exact.
    let next = match (rows.first().map(|row| row.snapshot.clone()), rows.last()) {
        (Some(snapshot), Some(last)) if more => FeedCursor {
            since: cursor.since,
            page: Some(snapshot),
            after: Some((last.changed_xid.clone(), last.cell.id)),
        },
        (Some(snapshot), _) => FeedCursor { since: Some(snapshot), page: None, after: None },
        (None, _) => cursor,
    };
    Ok(Changes {
        items: rows.into_iter().map(|row| row.cell).collect(),
        cursor: platform::pagination::encode(&next),
        more,
    })
}

/// Deletes a run and its cells.
#[instrument(skip_all, fields(run.id = %id))]
pub async fn delete(tx: &mut UserTx, id: RunId) -> Result<()> {
    editable(tx, id).await?;
    let deleted =
        sqlx::query("delete from public.run where id = $1").bind(id).execute(&mut **tx).await?;
    if deleted.rows_affected() == 0 {
        return Err(Error::NotFound(id));
    }
    tracing::info!("deleted run {id}");
    Ok(())
}

/// A run's cells, least recently updated first, optionally only those updated after
/// `updated_since` (for polling) or in one state; graded as the latest pass, or `pass`, graded
/// them.
pub async fn list_cells(
    tx: &mut UserTx,
    run_id: RunId,
    updated_since: Option<DateTime<Utc>>,
    status: Option<CellStatus>,
    pass: Option<i32>,
    page: &PageRequest,
) -> Result<Page<Cell>> {
    let source = CellSource::of(tx, run_id, pass).await?;
    if source == CellSource::Latest {
        ensure_run(tx, run_id).await?;
    }
    let (after_at, after_id): (Option<DateTime<Utc>>, Option<CellId>) = page.after()?.unzip();
    let rows: Vec<Cell> = sqlx::query_as(&format!(
        "select {CELL_COLUMNS} from {cells}
         where c.run_id = $1
           and ($2::timestamptz is null or c.updated_at > $2)
           and ($3::public.cell_status is null or c.status = $3)
           and ($4::timestamptz is null or (c.updated_at, c.id) > ($4, $5))
         order by c.updated_at, c.id
         limit $6",
        cells = source.sql(1, 7)
    ))
    .bind(run_id)
    .bind(updated_since)
    .bind(status)
    .bind(after_at)
    .bind(after_id)
    .bind(page.fetch_limit())
    .bind(source.number())
    .fetch_all(&mut **tx)
    .await?;
    Ok(Page::from_rows(rows, page.limit, |c| (c.updated_at, c.id)))
}

/// One cell of a run, with its manual grading history.
pub async fn get_cell(tx: &mut UserTx, run_id: RunId, cell_id: CellId) -> Result<Cell> {
    let cell: Option<Cell> = sqlx::query_as(&format!(
        "select {CELL_COLUMNS} from {LATEST_CELLS} where c.id = $1 and c.run_id = $2"
    ))
    .bind(cell_id)
    .bind(run_id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(mut cell) = cell else {
        ensure_run(tx, run_id).await?;
        return Err(Error::CellNotFound { run_id, cell_id });
    };
    let history: Vec<GradeEntry> = sqlx::query_as(
        "select to_jsonb(value) as value, note, created_by as graded_by, created_at
         from public.cell_grade
         where cell_id = $1 order by created_at, id",
    )
    .bind(cell_id)
    .fetch_all(&mut **tx)
    .await?;
    cell.history = Some(history);
    Ok(cell)
}

/// Queues a failed cell again; a finished run goes back to running.
#[instrument(skip_all, fields(run.id = %run_id, cell.id = %cell_id))]
pub async fn retry_cell(tx: &mut UserTx, run_id: RunId, cell_id: CellId) -> Result<Cell> {
    editable(tx, run_id).await?;
    let status: RunStatus =
        sqlx::query_scalar("select status from public.run where id = $1 for update")
            .bind(run_id)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or(Error::NotFound(run_id))?;
    if status == RunStatus::Cancelled {
        return Err(Error::RunCancelled { run_id });
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
        let cell = get_cell(tx, run_id, cell_id).await?;
        return Err(Error::CellNotFailed { cell_id, status: cell.status });
    }
    sqlx::query(
        "update public.run set status = 'running', finished_at = null
         where id = $1 and status in ('completed', 'failed')",
    )
    .bind(run_id)
    .execute(&mut **tx)
    .await?;
    crate::queue::announce(tx, run_id).await?;
    get_cell(tx, run_id, cell_id).await
}

/// The organization of the run `id`, when the caller may change it (editor or more).
pub(crate) async fn editable(tx: &mut UserTx, id: RunId) -> Result<OrgId> {
    let access = tenancy::access(tx, "run", id).await?.ok_or(Error::NotFound(id))?;
    Ok(access.require(Role::Editor)?)
}

pub(crate) async fn ensure_run(tx: &mut UserTx, id: RunId) -> Result<()> {
    let exists: bool = sqlx::query_scalar("select exists (select from public.run where id = $1)")
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
    if exists { Ok(()) } else { Err(Error::NotFound(id)) }
}
