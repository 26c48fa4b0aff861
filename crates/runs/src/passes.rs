//! Grading passes: a run's outputs graded again, with the same or another grader and
//! assertions, without calling the models again (`20261204000000_grading_passes.sql`).
//!
//! Pass 1 is the grading a run was created with. A regrade starts pass k+1 over every succeeded
//! cell: the cells' grades of pass k are kept, the run takes the new grading, and the workers
//! grade the cells again (a grading job per cell, claimed and leased like a cell). Reads show the
//! latest pass unless they name another. A single cell can be graded again in the latest pass,
//! after a judge error say.

use chrono::{DateTime, Utc};
use grading::{Check, ScoreScale};
use platform::{UserTx, pagination::Page};
use providers::Registry;
use serde::Serialize;
use tracing::instrument;
use uuid::Uuid;

use crate::{
    Cell, CellId, CellStatus, Error, Invalid, Limits, NewGrader, Result, RunId,
    create::{self, GraderSnapshot},
    queue, store,
};

platform::typed_id!(
    /// A grading pass's id.
    GradingPassId
);

/// Grading passes a run may have: each is read whole when the passes are listed.
const MAX_PASSES_PER_RUN: i32 = 50;

/// A new grading of a run: what is not given stays as the latest pass has it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Regrade {
    pub grader: Option<NewGrader>,
    /// Replaces the assertions (`[]`: none).
    pub checks: Option<Vec<Check>>,
    pub scale: Option<ScoreScale>,
    pub pass_threshold: Option<f64>,
}

/// Whether a pass still has cells to grade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, sqlx::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
#[sqlx(type_name = "text", rename_all = "lowercase")]
pub enum PassStatus {
    /// Cells are being graded (for pass 1: the run is still running).
    Running,
    Completed,
}

/// A grading pass of a run: how it grades, and what it found.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GradingPass {
    #[cfg_attr(feature = "openapi", schema(value_type = Uuid))]
    pub id: GradingPassId,
    #[cfg_attr(feature = "openapi", schema(value_type = Uuid))]
    pub run_id: RunId,
    /// 1 for the run's own grading, then 2, 3, ...: `?pass=` on cells and the summary.
    pub number: i32,
    /// The pass whose grades the run's cells and summary show by default.
    pub latest: bool,
    pub status: PassStatus,
    /// Who started it.
    pub created_by: Option<Uuid>,
    /// The grader (its prompt and model, frozen), if any.
    #[sqlx(json(nullable))]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub grader: Option<GraderSnapshot>,
    #[sqlx(json)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub assertions: Vec<Check>,
    #[sqlx(json)]
    pub score_scale: ScoreScale,
    pub pass_threshold: f64,
    /// Cells this pass graded (or is grading).
    pub cells: i64,
    /// Cells still to grade.
    pub pending: i64,
    /// Cells with an automatic verdict, and of them those that pass.
    pub graded: i64,
    pub passed: i64,
    /// `passed / graded`; null while none is graded.
    pub pass_rate: Option<f64>,
    pub judge_errors: i64,
    pub parse_errors: i64,
    /// What the judge calls of this pass cost.
    pub cost_usd: f64,
    pub created_at: DateTime<Utc>,
}

/// [`GradingPass`] from `public.grading_pass p` of the run `r`, what its cells' grades add up
/// to in `g` and its work left in `w`.
const PASS_COLUMNS: &str = "p.id, p.run_id, p.number, l.latest, \
    case when w.pending > 0 or (p.number = 1 and r.status in ('queued', 'running')) \
      then 'running' else 'completed' end as status, \
    p.created_by, p.grader, p.checks as assertions, \
    jsonb_build_object('min', p.score_min, 'max', p.score_max) as score_scale, p.pass_threshold, \
    g.cells, w.pending, g.graded, g.passed, \
    case when g.graded > 0 then g.passed::float8 / g.graded end as pass_rate, \
    g.judge_errors, g.parse_errors, g.cost_usd, p.created_at";

/// The passes of run `run_id`, oldest first.
pub async fn list_passes(tx: &mut UserTx, run_id: RunId) -> Result<Page<GradingPass>> {
    store::ensure_run(tx, run_id).await?;
    let passes = read_passes(tx, run_id, None).await?;
    Ok(Page { items: passes, next_cursor: None })
}

async fn read_passes(
    tx: &mut UserTx,
    run_id: RunId,
    number: Option<i32>,
) -> Result<Vec<GradingPass>> {
    Ok(sqlx::query_as(&format!(
        "select {PASS_COLUMNS}
         from public.run r
         join public.grading_pass p on p.run_id = r.id
         cross join lateral (select p.number = r.grading_pass as latest) l
         cross join lateral (
           select count(*) filter (where c.status = 'succeeded') as cells,
                  count(g.auto_pass) as graded,
                  count(*) filter (where g.auto_pass) as passed,
                  count(*) filter (where g.judge_status = 'error') as judge_errors,
                  count(*) filter (where g.judge_status = 'parse_error') as parse_errors,
                  coalesce(sum(g.judge_cost_usd), 0)::float8 as cost_usd
           from public.run_cell c
           left join public.grading_pass_cell x on x.pass_id = p.id and x.cell_id = c.id
           cross join lateral (
             select case when latest then c.auto_pass else x.auto_pass end as auto_pass,
                    case when latest then c.judge_status else x.judge_status end as judge_status,
                    case when latest then c.judge_cost_usd else x.judge_cost_usd end
                      as judge_cost_usd) g
           where c.run_id = r.id) g
         cross join lateral (
           select count(*) as pending from public.grading_pass_cell x
           where x.pass_id = p.id and x.status in ('queued', 'running')) w
         where r.id = $1 and ($2::int4 is null or p.number = $2)
         order by p.number"
    ))
    .bind(run_id)
    .bind(number)
    .fetch_all(&mut **tx)
    .await?)
}

/// Grades every succeeded cell of run `run_id` again as a new pass (editors), with `change`
/// applied to the latest pass's grading. The run must be done, and no pass grading.
#[instrument(skip_all, fields(run.id = %run_id))]
pub async fn regrade(
    tx: &mut UserTx,
    registry: &Registry,
    limits: &Limits,
    run_id: RunId,
    change: Regrade,
) -> Result<GradingPass> {
    let org = store::editable(tx, run_id).await?;
    let latest = lock_run(tx, run_id).await?;
    let run = store::get(tx, run_id).await?;
    if !run.run.status.is_terminal() {
        return Err(Error::RunNotFinished { run_id, status: run.run.status });
    }
    if grading_in_progress(tx, run_id).await? {
        return Err(Error::RegradeInProgress { run_id });
    }
    if latest >= MAX_PASSES_PER_RUN {
        return Err(Error::TooManyPasses { run_id, limit: MAX_PASSES_PER_RUN });
    }
    let checks = change.checks.unwrap_or_else(|| run.assertions.clone());
    let providers = registry.for_org_in(tx, org).await?;
    let new_grader =
        create::check_grading(tx, org, &providers, &run, change.grader.as_ref(), &checks).await?;
    let grader = new_grader.or_else(|| run.grader.clone());
    if grader.is_none() && checks.is_empty() {
        return Err(Error::Invalid(vec![Invalid {
            field: "grader".into(),
            message: "nothing would grade the outputs: give a grader or assertions".into(),
        }]));
    }
    let scale = change.scale.unwrap_or(run.score_scale);
    let pass_threshold = change.pass_threshold.unwrap_or(run.pass_threshold);
    let cells = run.counts.succeeded;
    if cells == 0 {
        return Err(Error::NothingToGrade { run_id });
    }
    create::take_budget(tx, org, limits, cells).await?;

    // The grades of the pass being replaced are kept with it, then cleared from the cells until
    // the new pass writes its own.
    sqlx::query(
        "insert into public.grading_pass_cell (pass_id, cell_id, org_id, run_id, status,
           judge_status, judge_score, judge_pass, judge_reason, judge_output,
           judge_output_truncated, judge_error, judge_tokens_in, judge_tokens_out, judge_cost_usd,
           judge_latency_ms, check_results, auto_pass, graded_at)
         select p.id, c.id, c.org_id, c.run_id, 'done', c.judge_status, c.judge_score,
                c.judge_pass, c.judge_reason, c.judge_output, c.judge_output_truncated,
                c.judge_error, c.judge_tokens_in, c.judge_tokens_out, c.judge_cost_usd,
                c.judge_latency_ms, c.check_results, c.auto_pass, c.finished_at
         from public.run_cell c
         join public.grading_pass p on p.run_id = c.run_id and p.number = $2
         where c.run_id = $1 and c.status = 'succeeded'
         on conflict (pass_id, cell_id) do update set
           status = 'done', judge_status = excluded.judge_status,
           judge_score = excluded.judge_score, judge_pass = excluded.judge_pass,
           judge_reason = excluded.judge_reason, judge_output = excluded.judge_output,
           judge_output_truncated = excluded.judge_output_truncated,
           judge_error = excluded.judge_error, judge_tokens_in = excluded.judge_tokens_in,
           judge_tokens_out = excluded.judge_tokens_out, judge_cost_usd = excluded.judge_cost_usd,
           judge_latency_ms = excluded.judge_latency_ms, check_results = excluded.check_results,
           auto_pass = excluded.auto_pass",
    )
    .bind(run_id)
    .bind(latest)
    .execute(&mut **tx)
    .await?;
    let number = latest + 1;
    let pass_id = GradingPassId::new();
    sqlx::query(
        "insert into public.grading_pass (id, org_id, run_id, number, grader, checks, score_min,
           score_max, pass_threshold)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(pass_id)
    .bind(org)
    .bind(run_id)
    .bind(number)
    .bind(grader.as_ref().map(sqlx::types::Json))
    .bind(sqlx::types::Json(&checks))
    .bind(scale.min)
    .bind(scale.max)
    .bind(pass_threshold)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "update public.run
         set grader = $2, checks = $3, score_min = $4, score_max = $5, pass_threshold = $6,
             grading_pass = $7
         where id = $1",
    )
    .bind(run_id)
    .bind(grader.as_ref().map(sqlx::types::Json))
    .bind(sqlx::types::Json(&checks))
    .bind(scale.min)
    .bind(scale.max)
    .bind(pass_threshold)
    .bind(number)
    .execute(&mut **tx)
    .await?;
    // Queued in row order, like the run's cells.
    sqlx::query(
        "insert into public.grading_pass_cell (pass_id, cell_id, org_id, run_id, queued_at)
         select $1, c.id, c.org_id, c.run_id,
                now() + coalesce(c.row_index, 0) * interval '1 microsecond'
         from public.run_cell c where c.run_id = $2 and c.status = 'succeeded'",
    )
    .bind(pass_id)
    .bind(run_id)
    .execute(&mut **tx)
    .await?;
    clear_grades(tx, run_id, None).await?;
    queue::announce(tx, run_id).await?;
    tracing::info!(pass = number, cells, "regrading run {run_id}");
    let mut pass = read_passes(tx, run_id, Some(number)).await?;
    Ok(pass.pop().expect("the pass was just made"))
}

/// Grades one succeeded cell again in the latest pass (editors): after a judge error, say.
#[instrument(skip_all, fields(run.id = %run_id, cell.id = %cell_id))]
pub async fn regrade_cell(tx: &mut UserTx, run_id: RunId, cell_id: CellId) -> Result<Cell> {
    store::editable(tx, run_id).await?;
    let latest = lock_run(tx, run_id).await?;
    let (grades, status): (bool, Option<CellStatus>) = sqlx::query_as(
        "select r.grader is not null or jsonb_array_length(r.checks) > 0,
                (select c.status from public.run_cell c where c.id = $2 and c.run_id = r.id)
         from public.run r where r.id = $1",
    )
    .bind(run_id)
    .bind(cell_id)
    .fetch_one(&mut **tx)
    .await?;
    match status {
        None => return Err(Error::CellNotFound { run_id, cell_id }),
        Some(CellStatus::Succeeded) => {}
        Some(status) => return Err(Error::CellNotGradable { cell_id, status }),
    }
    if !grades {
        return Err(Error::NothingToGrade { run_id });
    }
    let queued = sqlx::query(
        "insert into public.grading_pass_cell (pass_id, cell_id, org_id, run_id)
         select p.id, c.id, c.org_id, c.run_id
         from public.run_cell c join public.grading_pass p on p.run_id = c.run_id and p.number = $3
         where c.id = $2 and c.run_id = $1
         on conflict (pass_id, cell_id) do update set
           status = 'queued', queued_at = now(), claims = 0, lease_owner = null,
           lease_expires_at = null
         where grading_pass_cell.status = 'done'",
    )
    .bind(run_id)
    .bind(cell_id)
    .bind(latest)
    .execute(&mut **tx)
    .await?;
    if queued.rows_affected() == 0 {
        return Err(Error::RegradeInProgress { run_id });
    }
    clear_grades(tx, run_id, Some(cell_id)).await?;
    queue::announce(tx, run_id).await?;
    tracing::info!(pass = latest, "regrading cell {cell_id}");
    store::get_cell(tx, run_id, cell_id).await
}

/// Locks the run against other regrades; its latest pass's number.
async fn lock_run(tx: &mut UserTx, run_id: RunId) -> Result<i32> {
    sqlx::query_scalar("select grading_pass from public.run where id = $1 for update")
        .bind(run_id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(Error::NotFound(run_id))
}

async fn grading_in_progress(tx: &mut UserTx, run_id: RunId) -> Result<bool> {
    Ok(sqlx::query_scalar(
        "select exists (select from public.grading_pass_cell
                        where run_id = $1 and status in ('queued', 'running'))",
    )
    .bind(run_id)
    .fetch_one(&mut **tx)
    .await?)
}

/// Clears the automatic grades of the run's succeeded cells (or of one): they are being graded.
async fn clear_grades(tx: &mut UserTx, run_id: RunId, cell_id: Option<CellId>) -> Result<()> {
    sqlx::query(
        "update public.run_cell
         set judge_status = null, judge_score = null, judge_pass = null, judge_reason = null,
             judge_output = null, judge_output_truncated = false, judge_error = null,
             judge_tokens_in = null, judge_tokens_out = null, judge_cost_usd = null,
             judge_latency_ms = null, check_results = null, auto_pass = null
         where run_id = $1 and status = 'succeeded' and ($2::uuid is null or id = $2)",
    )
    .bind(run_id)
    .bind(cell_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A run's cells as `c` with their grades in the latest pass as `g`: the same row (the planner
/// folds the lateral away), named apart so that a read can take `g` from an earlier pass.
pub(crate) const LATEST_CELLS: &str = "public.run_cell c cross join lateral (select \
    c.judge_status, c.judge_score, c.judge_pass, c.judge_reason, c.judge_output, \
    c.judge_output_truncated, c.judge_error, c.judge_tokens_in, c.judge_tokens_out, \
    c.judge_cost_usd, c.judge_latency_ms, c.check_results, c.auto_pass, c.effective_pass) g";

/// Where a read finds a run's cells and their grades: the table (the latest pass), or the
/// cells with the grades an earlier pass gave them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CellSource {
    Latest,
    Pass(i32),
}

impl CellSource {
    /// The source for `?pass=number` of run `run_id`: the pass must exist.
    pub(crate) async fn of(tx: &mut UserTx, run_id: RunId, number: Option<i32>) -> Result<Self> {
        let Some(number) = number else { return Ok(Self::Latest) };
        let latest: Option<i32> = sqlx::query_scalar(
            "select r.grading_pass from public.run r
             join public.grading_pass p on p.run_id = r.id and p.number = $2
             where r.id = $1",
        )
        .bind(run_id)
        .bind(number)
        .fetch_optional(&mut **tx)
        .await?;
        match latest {
            None => {
                store::ensure_run(tx, run_id).await?;
                Err(Error::PassNotFound { run_id, number })
            }
            Some(latest) if latest == number => Ok(Self::Latest),
            Some(_) => Ok(Self::Pass(number)),
        }
    }

    /// The cells as `c` and their grades as `g` (null where the pass did not grade a cell), in
    /// a query whose parameter `$run` is the run and `$pass` the pass number (bound either way).
    pub(crate) fn sql(self, run: u8, pass: u8) -> String {
        match self {
            Self::Latest => LATEST_CELLS.to_owned(),
            Self::Pass(_) => format!(
                "public.run_cell c
                 left join public.grading_pass_cell x on x.cell_id = c.id and x.pass_id = (
                   select p.id from public.grading_pass p where p.run_id = ${run} and p.number = ${pass})
                 cross join lateral (select x.judge_status, x.judge_score, x.judge_pass,
                   x.judge_reason, x.judge_output, x.judge_output_truncated, x.judge_error,
                   x.judge_tokens_in, x.judge_tokens_out, x.judge_cost_usd, x.judge_latency_ms,
                   x.check_results, x.auto_pass,
                   coalesce(case c.manual_grade when 'pass' then true when 'fail' then false end,
                            x.auto_pass) as effective_pass) g"
            ),
        }
    }

    /// The pass number to bind.
    pub(crate) fn number(self) -> Option<i32> {
        match self {
            Self::Latest => None,
            Self::Pass(number) => Some(number),
        }
    }
}
