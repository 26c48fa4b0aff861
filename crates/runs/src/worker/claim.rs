//! Taking cells from the queue.

use std::collections::HashMap;

use serde_json::{Map, Value};
use uuid::Uuid;

use super::Worker;

/// A cell this worker now holds the lease of.
#[derive(Debug, sqlx::FromRow)]
pub(super) struct Claimed {
    pub id: Uuid,
    pub run_id: Uuid,
    pub run_model_id: Uuid,
    /// The dataset row's values (none for a run over variables).
    pub row: Option<sqlx::types::Json<Map<String, Value>>>,
}

#[derive(Debug, sqlx::FromRow)]
struct Candidate {
    id: Uuid,
    run_id: Uuid,
    concurrency: Option<i32>,
}

impl Worker {
    /// Claims up to `want` cells: first those whose lease expired (their worker died), then
    /// queued ones in order, within each run's `concurrency`.
    pub(super) async fn claim(&self, want: usize) -> Result<Vec<Claimed>, sqlx::Error> {
        let mut tx = self.db.begin_service().await?;
        let limit = i64::try_from(want).unwrap_or(i64::MAX);

        // Cells whose workers keep dying are given up on rather than retried forever.
        let abandoned: Vec<Uuid> = sqlx::query_scalar(
            "update public.run_cell
             set status = 'failed', error_kind = 'abandoned', lease_owner = null, lease_expires_at = null,
                 error_message = 'the cell was claimed ' || claims || ' times without a result',
                 finished_at = now()
             where status = 'running' and lease_expires_at < now() and claims >= $1
             returning run_id",
        )
        .bind(self.config.max_claims)
        .fetch_all(&mut *tx)
        .await?;

        let mut candidates: Vec<Candidate> = sqlx::query_as(
            "select c.id, c.run_id, r.concurrency
             from public.run_cell c join public.run r on r.id = c.run_id
             where c.status = 'running' and c.lease_expires_at < now()
             order by c.lease_expires_at
             limit $1
             for update of c skip locked",
        )
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
        if candidates.len() < want {
            let queued: Vec<Candidate> = sqlx::query_as(
                "select c.id, c.run_id, r.concurrency
                 from public.run_cell c join public.run r on r.id = c.run_id
                 where c.status = 'queued'
                 order by c.queued_at, c.id
                 limit $1
                 for update of c skip locked",
            )
            .bind(limit - candidates.len() as i64)
            .fetch_all(&mut *tx)
            .await?;
            candidates.extend(queued);
        }
        let chosen = self.within_run_limits(&mut tx, candidates).await?;

        let claimed: Vec<Claimed> = sqlx::query_as(
            "update public.run_cell c
             set status = 'running', lease_owner = $2,
                 lease_expires_at = now() + make_interval(secs => $3),
                 claims = c.claims + 1, started_at = coalesce(c.started_at, now())
             where c.id = any($1)
             returning c.id, c.run_id, c.run_model_id,
               (select d.values from public.dataset_row d join public.run r on r.dataset_id = d.dataset_id
                where r.id = c.run_id and d.row_index = c.row_index) as row",
        )
        .bind(&chosen)
        .bind(self.id)
        .bind(self.config.lease.as_secs_f64())
        .fetch_all(&mut *tx)
        .await?;

        let mut started: Vec<Uuid> = claimed.iter().map(|c| c.run_id).collect();
        started.sort_unstable();
        started.dedup();
        sqlx::query(
            "update public.run set status = 'running', started_at = coalesce(started_at, now())
             where id = any($1) and status = 'queued'",
        )
        .bind(&started)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;

        if !abandoned.is_empty() {
            self.finish_runs(&abandoned).await?;
        }
        Ok(claimed)
    }

    /// Drops the candidates that would take a run past its `concurrency`. The runs concerned are
    /// locked while counting, so concurrent claimers cannot both fill the last slot.
    async fn within_run_limits(
        &self,
        tx: &mut platform::ServiceTx,
        candidates: Vec<Candidate>,
    ) -> Result<Vec<Uuid>, sqlx::Error> {
        let mut limited: Vec<Uuid> =
            candidates.iter().filter(|c| c.concurrency.is_some()).map(|c| c.run_id).collect();
        if limited.is_empty() {
            return Ok(candidates.into_iter().map(|c| c.id).collect());
        }
        limited.sort_unstable();
        limited.dedup();
        sqlx::query("select from public.run where id = any($1) order by id for update")
            .bind(&limited)
            .execute(&mut **tx)
            .await?;
        let running: HashMap<Uuid, i64> = sqlx::query_as(
            "select run_id, count(*) from public.run_cell
             where run_id = any($1) and status = 'running' and lease_expires_at >= now()
             group by run_id",
        )
        .bind(&limited)
        .fetch_all(&mut **tx)
        .await?
        .into_iter()
        .collect();
        let mut taken: HashMap<Uuid, i64> = HashMap::new();
        Ok(candidates
            .into_iter()
            .filter(|c| match c.concurrency {
                None => true,
                Some(limit) => {
                    let count = taken
                        .entry(c.run_id)
                        .or_insert_with(|| running.get(&c.run_id).copied().unwrap_or(0));
                    *count += 1;
                    *count <= i64::from(limit)
                }
            })
            .map(|c| c.id)
            .collect())
    }
}
