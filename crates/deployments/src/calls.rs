//! The call log: every call of every deployment, readable by the organization's members, kept for
//! the retention period.

use std::time::Duration;

use chrono::{DateTime, Utc};
use platform::{
    Db, OrgId, UserTx,
    pagination::{Page, PageRequest},
    tenancy,
};

use crate::{Call, CallFilter, CallId, Error, Result};

const COLUMNS: &str = "id, org_id, deployment_id, deployment_slug, prompt_version, api_key_id, \
    user_id, variables, metadata, rendered_prompt, output, status, error_kind, error_message, \
    provider, model, tokens_in, tokens_out, cost_usd, saved_cost_usd, latency_ms, cached, \
    fallback_used, created_at";

/// The calls of `org` that pass `filter`, newest first.
pub async fn list_calls(
    tx: &mut UserTx,
    org: OrgId,
    filter: &CallFilter,
    page: &PageRequest,
) -> Result<Page<Call>> {
    let (after_at, after_id): (Option<DateTime<Utc>>, Option<CallId>) = page.after()?.unzip();
    let rows: Vec<Call> = sqlx::query_as(&format!(
        "select {COLUMNS} from public.deployment_call
         where org_id = $1
           and ($2::uuid is null or deployment_id = $2)
           and ($3::text is null or status = $3)
           and ($4::timestamptz is null or created_at >= $4)
           and ($5::timestamptz is null or created_at < $5)
           and ($6::text is null or strpos(lower(rendered_prompt), lower($6)) > 0
                or strpos(lower(coalesce(output, '')), lower($6)) > 0)
           and ($7::timestamptz is null or (created_at, id) < ($7, $8))
         order by created_at desc, id desc
         limit $9"
    ))
    .bind(org)
    .bind(filter.deployment_id)
    .bind(filter.status)
    .bind(filter.since)
    .bind(filter.until)
    .bind(filter.text.as_deref())
    .bind(after_at)
    .bind(after_id)
    .bind(page.fetch_limit())
    .fetch_all(&mut **tx)
    .await?;
    tenancy::require_listed(tx, org, !rows.is_empty()).await?;
    Ok(Page::from_rows(rows, page.limit, |c| (c.created_at, c.id)))
}

/// One call.
pub async fn get_call(tx: &mut UserTx, id: CallId) -> Result<Call> {
    sqlx::query_as(&format!("select {COLUMNS} from public.deployment_call where id = $1"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(Error::CallNotFound(id))
}

/// Deletes the calls older than `retention`; how many went. Background work, never on behalf
/// of a request.
pub async fn sweep_calls(db: &Db, retention: Duration) -> Result<u64> {
    Ok(db.sweep("public.deployment_call", retention).await?)
}

/// Forgets the rate-limit buckets untouched for an hour: full again since, they are what a new
/// bucket would be. Background work, like the sweep.
pub async fn forget_idle_rate_limits(db: &Db) -> Result<u64> {
    let mut tx = db.begin_service().await?;
    let forgotten = sqlx::query(
        "delete from private.rate_bucket where refilled_at < now() - interval '1 hour'",
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    Ok(forgotten)
}
