//! Taking cells from the queue.

use platform::OrgId;

use super::Worker;
use crate::{CellId, ErrorKind, GradingPassId, RunId, RunModelId};

/// A cell this worker now holds the lease of.
#[derive(Debug)]
pub(super) struct Claimed {
    pub id: CellId,
    pub run_id: RunId,
    pub run_model_id: RunModelId,
    pub org_id: OrgId,
    /// The run's grading pass when claimed: how its output is graded.
    pub grading_pass: i32,
    /// The dataset row's values as JSON text (none for a run over variables), decoded by the
    /// cell itself: a row no reader takes fails its cell, not the claim of every tenant's cells.
    pub row: Option<String>,
}

/// A cell to grade again in its run's latest pass, whose grading job this worker holds.
#[derive(Debug)]
pub(super) struct ClaimedGrade {
    pub pass_id: GradingPassId,
    pub cell_id: CellId,
    pub run_id: RunId,
    pub org_id: OrgId,
    pub grading_pass: i32,
    pub row: Option<String>,
    /// The cell's rendered prompt (`{{input}}` for the judge) and output.
    pub input: Option<String>,
    pub output: Option<String>,
}

/// What a worker works on.
#[derive(Debug)]
pub(super) enum Work {
    Generate(Claimed),
    Grade(ClaimedGrade),
}

impl Work {
    /// The cell worked on: a cell is in at most one piece of work at a time (it is graded again
    /// only once it succeeded, and one pass at a time), so its id names its lease.
    pub fn cell_id(&self) -> CellId {
        match self {
            Self::Generate(cell) => cell.id,
            Self::Grade(job) => job.cell_id,
        }
    }
}

/// A row of `claim_work`.
#[derive(sqlx::FromRow)]
struct WorkRow {
    kind: String,
    cell_id: CellId,
    run_id: RunId,
    /// Always there for a cell; a grading job's cell may be gone (deleted meanwhile).
    run_model_id: Option<RunModelId>,
    org_id: OrgId,
    grading_pass: i32,
    row_values: Option<String>,
    pass_id: Option<GradingPassId>,
    input: Option<String>,
    output: Option<String>,
}

impl From<WorkRow> for Work {
    fn from(row: WorkRow) -> Self {
        match (row.kind.as_str(), row.pass_id) {
            ("grade", Some(pass_id)) => Self::Grade(ClaimedGrade {
                pass_id,
                cell_id: row.cell_id,
                run_id: row.run_id,
                org_id: row.org_id,
                grading_pass: row.grading_pass,
                row: row.row_values,
                input: row.input,
                output: row.output,
            }),
            _ => Self::Generate(Claimed {
                id: row.cell_id,
                run_id: row.run_id,
                // (A model that is none of the run's fails the cell, saying so.)
                run_model_id: row.run_model_id.unwrap_or_default(),
                org_id: row.org_id,
                grading_pass: row.grading_pass,
                row: row.row_values,
            }),
        }
    }
}

impl Worker {
    /// Claims up to `want` pieces of work: cells to grade again (up to half), then queued
    /// cells, each shared fairly between tenants and oldest first within each, cells within
    /// each run's `concurrency` (`claim_work` does it in one round trip).
    pub(super) async fn claim(&self, want: usize) -> Result<Vec<Work>, sqlx::Error> {
        let mut tx = self.db.begin_service().await?;
        let claimed: Vec<WorkRow> = sqlx::query_as(
            "select kind, cell_id, run_id, run_model_id, org_id, grading_pass, row_values,
                    pass_id, input, output
             from public.claim_work($1, $2, $3)",
        )
        .bind(self.id)
        .bind(i32::try_from(want).unwrap_or(i32::MAX))
        .bind(self.config.lease.as_secs_f64())
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        let claimed: Vec<Work> = claimed.into_iter().map(Work::from).collect();
        self.hold(claimed.iter().map(Work::cell_id));
        Ok(claimed)
    }

    /// Gives back cells this worker claimed but will not start (it is stopping).
    pub(super) async fn release(&self, cells: &[CellId]) -> Result<(), sqlx::Error> {
        if cells.is_empty() {
            return Ok(());
        }
        let mut tx = self.db.begin_service().await?;
        sqlx::query(
            "update public.run_cell
             set status = 'queued', lease_owner = null, lease_expires_at = null, claims = claims - 1
             where id = any($1) and lease_owner = $2 and status = 'running'",
        )
        .bind(cells)
        .bind(self.id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "update public.grading_pass_cell
             set status = 'queued', lease_owner = null, lease_expires_at = null, claims = claims - 1
             where cell_id = any($1) and lease_owner = $2 and status = 'running'",
        )
        .bind(cells)
        .bind(self.id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.let_go(cells);
        Ok(())
    }

    /// Gives the cells of dead workers (lease expired) back to the queue, keeping their place,
    /// or fails them once they have been claimed `max_claims` times: a cell that keeps taking
    /// its workers down is not retried forever.
    pub(super) async fn reap(&self) -> Result<(), sqlx::Error> {
        let mut tx = self.db.begin_service().await?;
        let failed_runs: Vec<RunId> = sqlx::query_scalar::<_, Option<RunId>>(
            "with expired as (
               select id from public.run_cell
               where status = 'running' and lease_expires_at < now()
               for update skip locked
             )
             update public.run_cell c
             set status = case when c.claims >= $1 then 'failed' else 'queued' end::public.cell_status,
                 error_kind = case when c.claims >= $1 then $2 end,
                 error_message = case when c.claims >= $1
                   then 'the cell was claimed ' || c.claims || ' times without a result' end,
                 finished_at = case when c.claims >= $1 then now() end,
                 lease_owner = null, lease_expires_at = null
             from expired where c.id = expired.id
             returning case when c.status = 'failed' then c.run_id end",
        )
        .bind(self.config.max_claims)
        .bind(ErrorKind::Abandoned)
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .flatten()
        .collect();
        // Grading jobs the same way; one given up on leaves its cell with a judge error.
        sqlx::query(
            "with expired as (
               select pass_id, cell_id from public.grading_pass_cell
               where status = 'running' and lease_expires_at < now()
               for update skip locked
             ), reaped as (
               update public.grading_pass_cell g
               set status = case when g.claims >= $1 then 'done' else 'queued' end,
                   judge_status = case when g.claims >= $1 then 'error'::public.grade_status end,
                   judge_error = case when g.claims >= $1
                     then 'the grading was claimed ' || g.claims || ' times without a result' end,
                   graded_at = case when g.claims >= $1 then now() end,
                   lease_owner = null, lease_expires_at = null
               from expired where g.pass_id = expired.pass_id and g.cell_id = expired.cell_id
               returning g.cell_id, g.status, g.judge_status, g.judge_error
             )
             update public.run_cell c
             set judge_status = reaped.judge_status, judge_error = reaped.judge_error
             from reaped where c.id = reaped.cell_id and reaped.status = 'done'",
        )
        .bind(self.config.max_claims)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        if !failed_runs.is_empty() {
            self.finish_runs(&failed_runs).await?;
        }
        Ok(())
    }
}
