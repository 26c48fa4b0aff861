//! The queue of cells, as a whole: waking workers when work arrives, and how much is waiting.

use platform::{Db, UserTx};

use crate::{Result, RunId};

/// The channel that wakes idle workers in every process (`EventHub` listens to it).
pub(crate) const QUEUE_CHANNEL: &str = "run_queue";

/// Wakes idle workers in every process once the caller's transaction commits.
pub(crate) async fn announce(tx: &mut UserTx, run_id: RunId) -> Result<()> {
    sqlx::query("select pg_notify($1, $2)")
        .bind(QUEUE_CHANNEL)
        .bind(run_id.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Cells waiting in the queue, all tenants together (for metrics).
pub async fn depth(db: &Db) -> Result<i64> {
    let mut tx = db.begin_service().await?;
    let queued = sqlx::query_scalar("select count(*) from public.run_cell where status = 'queued'")
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(queued)
}
