//! Taking cells from the queue.

use platform::OrgId;

use super::Worker;
use crate::{CellId, ErrorKind, RunId, RunModelId};

/// A cell this worker now holds the lease of.
#[derive(Debug, sqlx::FromRow)]
pub(super) struct Claimed {
    pub id: CellId,
    pub run_id: RunId,
    pub run_model_id: RunModelId,
    pub org_id: OrgId,
    /// The dataset row's values as JSON text (none for a run over variables), decoded by the
    /// cell itself: a row no reader takes fails its cell, not the claim of every tenant's cells.
    pub row: Option<String>,
}

impl Worker {
    /// Claims up to `want` queued cells, shared fairly between tenants and oldest first within
    /// each, within each run's `concurrency` (`claim_run_cells` does it in one round trip).
    pub(super) async fn claim(&self, want: usize) -> Result<Vec<Claimed>, sqlx::Error> {
        let mut tx = self.db.begin_service().await?;
        let claimed: Vec<Claimed> = sqlx::query_as(
            "select cell_id as id, cell_run_id as run_id, cell_run_model_id as run_model_id,
                    cell_org_id as org_id, row_values as row
             from public.claim_run_cells($1, $2, $3)",
        )
        .bind(self.id)
        .bind(i32::try_from(want).unwrap_or(i32::MAX))
        .bind(self.config.lease.as_secs_f64())
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        self.hold(claimed.iter().map(|cell| cell.id));
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
        tx.commit().await?;
        if !failed_runs.is_empty() {
            self.finish_runs(&failed_runs).await?;
        }
        Ok(())
    }
}
