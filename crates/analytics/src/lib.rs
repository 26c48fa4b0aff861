//! Usage analytics over both sources of model calls: deployments' calls (`execute`) and runs'
//! cells (`run`). Everything is read from hourly and daily rollups (`public.usage_hourly`,
//! `public.usage_daily`), which
//! [`roll_up`] keeps up to date in the background; see `20261203000100_usage_rollups.sql` for why
//! a job and not a trigger, and how latency percentiles stay exact to a histogram bucket.

use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};
use platform::{Db, OrgId, Role, UserTx, tenancy};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The longest series one request may ask for.
pub const MAX_BUCKETS: i64 = 1000;

/// How wide a bucket of the series is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BucketWidth {
    Hour,
    Day,
}

impl BucketWidth {
    /// The rollups of this width.
    fn table(self) -> &'static str {
        match self {
            Self::Hour => "public.usage_hourly",
            Self::Day => "public.usage_daily",
        }
    }

    fn unit(self) -> &'static str {
        match self {
            Self::Hour => "hour",
            Self::Day => "day",
        }
    }

    fn duration(self) -> Duration {
        match self {
            Self::Hour => Duration::hours(1),
            Self::Day => Duration::days(1),
        }
    }
}

/// What the series is split by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    /// `provider/model`.
    Model,
    /// The deployment's id (none for runs).
    Deployment,
    /// The prompt's id.
    Prompt,
    /// The API key's id (none for runs and for editors' calls).
    ApiKey,
    /// `run` or `execute`.
    Source,
}

impl GroupBy {
    fn as_str(self) -> &'static str {
        match self {
            Self::Model => "model",
            Self::Deployment => "deployment",
            Self::Prompt => "prompt",
            Self::ApiKey => "api_key",
            Self::Source => "source",
        }
    }
}

/// Which usage to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UsageQuery {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub bucket: BucketWidth,
    pub group_by: Option<GroupBy>,
}

/// One bucket of one group. Buckets without calls are present, with zeros.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = UsageBucket))]
pub struct UsageBucket {
    pub start: DateTime<Utc>,
    /// The group's value (see `group_by`); `null` without `group_by`, and for calls the
    /// grouping does not apply to (a run's cells have no deployment or API key).
    pub group: Option<String>,
    pub requests: i64,
    pub errors: i64,
    /// Latency percentiles, exact to their histogram bucket (at most 3.1% wide); 0 without calls.
    pub p50_ms: i32,
    pub p95_ms: i32,
    pub tokens_in: i64,
    pub tokens_out: i64,
    pub cost_usd: f64,
    pub cache_hits: i64,
    pub saved_usd: f64,
}

/// The usage series.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = Usage))]
pub struct Usage {
    pub buckets: Vec<UsageBucket>,
}

/// A prompt and what it cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PromptSpend {
    pub prompt_id: Uuid,
    pub name: Option<String>,
    pub cost_usd: f64,
    pub requests: i64,
}

/// An organization at a glance.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = UsageOverview))]
pub struct Overview {
    pub prompts: i64,
    pub datasets: i64,
    pub runs: i64,
    pub deployments: i64,
    /// Keys that are not revoked.
    pub api_keys: i64,
    /// Spent on calls and runs this calendar month (UTC), and the one before.
    pub spend_this_month_usd: f64,
    pub spend_last_month_usd: f64,
    /// Deployments' calls in the last 24 hours (by the hour), and the share that failed.
    pub calls_24h: i64,
    pub error_rate_24h: f64,
    /// The five prompts that cost most this month.
    #[sqlx(json)]
    pub top_prompts: Vec<PromptSpend>,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("`from` must be before `to`")]
    EmptyRange,
    #[error("the range holds {buckets} buckets; at most {MAX_BUCKETS}")]
    TooManyBuckets { buckets: i64 },
    #[error(transparent)]
    Access(#[from] tenancy::AccessError),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Counts what was not counted yet into the rollups, a batch per short transaction: how many
/// calls and cells. Background work (as `service_role`); several processes at once are fine.
pub async fn roll_up(db: &Db) -> Result<u64, sqlx::Error> {
    let mut total = 0;
    loop {
        let mut tx = db.begin_service().await?;
        let counted: i64 =
            sqlx::query_scalar("select private.roll_up_usage()").fetch_one(&mut *tx).await?;
        tx.commit().await?;
        if counted == 0 {
            return Ok(total);
        }
        total += u64::try_from(counted).unwrap_or_default();
    }
}

/// The usage of `org` from `from` (rounded down to its bucket) to `to`, in buckets, split by
/// `group_by` if given. Members and read keys of the organization (RLS decides).
pub async fn usage(tx: &mut UserTx, org: OrgId, query: &UsageQuery) -> Result<Usage> {
    tenancy::require(tx, org, Role::Viewer).await?;
    if query.from >= query.to {
        return Err(Error::EmptyRange);
    }
    let buckets = (query.to - query.from).num_seconds() / query.bucket.duration().num_seconds() + 1;
    if buckets > MAX_BUCKETS {
        return Err(Error::TooManyBuckets { buckets });
    }
    let table = query.bucket.table();
    let buckets: Vec<UsageBucket> = sqlx::query_as(&format!(
        "with series as (
           select generate_series(date_trunc($4, $2, 'UTC'), $3 - interval '1 microsecond',
                                  ('1 ' || $4)::interval) as start
         ), picked as (
           select u.start,
                  case $5 when 'model' then u.provider || '/' || u.model
                          when 'deployment' then u.deployment_id::text
                          when 'prompt' then u.prompt_id::text
                          when 'api_key' then u.api_key_id::text
                          when 'source' then u.source end as grp,
                  u.requests, u.errors, u.tokens_in, u.tokens_out, u.cost_usd, u.cache_hits,
                  u.saved_usd, u.latency_buckets, u.latency_counts
           from {table} u
           where u.org_id = $1 and u.start >= date_trunc($4, $2, 'UTC') and u.start < $3
         ), totals as (
           select start, grp, sum(requests)::bigint as requests, sum(errors)::bigint as errors,
                  sum(tokens_in)::bigint as tokens_in, sum(tokens_out)::bigint as tokens_out,
                  sum(cost_usd) as cost_usd, sum(cache_hits)::bigint as cache_hits,
                  sum(saved_usd) as saved_usd
           from picked group by 1, 2
         ), histogram as (
           select start, grp, h.bucket, sum(h.n) as n
           from picked, unnest(latency_buckets, latency_counts) as h(bucket, n)
           group by 1, 2, 3
         ), cumulative as (
           select start, grp, bucket,
                  sum(n) over (partition by start, grp order by bucket) as running,
                  sum(n) over (partition by start, grp) as total
           from histogram
         ), percentiles as (
           select start, grp,
                  private.latency_bucket_upper(min(bucket) filter (where running >= 0.50 * total)) as p50,
                  private.latency_bucket_upper(min(bucket) filter (where running >= 0.95 * total)) as p95
           from cumulative group by 1, 2
         ), groups as (
           select distinct grp from totals
           union all
           select null where not exists (select from totals)
         )
         select s.start, g.grp as group,
                coalesce(t.requests, 0) as requests, coalesce(t.errors, 0) as errors,
                coalesce(p.p50, 0) as p50_ms, coalesce(p.p95, 0) as p95_ms,
                coalesce(t.tokens_in, 0) as tokens_in, coalesce(t.tokens_out, 0) as tokens_out,
                coalesce(t.cost_usd, 0) as cost_usd, coalesce(t.cache_hits, 0) as cache_hits,
                coalesce(t.saved_usd, 0) as saved_usd
         from series s
         cross join groups g
         left join totals t on t.start = s.start and t.grp is not distinct from g.grp
         left join percentiles p on p.start = s.start and p.grp is not distinct from g.grp
         order by s.start, g.grp nulls first"
    ))
    .bind(org)
    .bind(query.from)
    .bind(query.to)
    .bind(query.bucket.unit())
    .bind(query.group_by.map(GroupBy::as_str))
    .fetch_all(&mut **tx)
    .await?;
    Ok(Usage { buckets })
}

/// `org` at a glance, as of `now`. Members and read keys of the organization.
pub async fn overview(tx: &mut UserTx, org: OrgId, now: DateTime<Utc>) -> Result<Overview> {
    tenancy::require(tx, org, Role::Viewer).await?;
    let this_month = Utc
        .with_ymd_and_hms(now.year(), now.month(), 1, 0, 0, 0)
        .single()
        .expect("the first of a month at midnight UTC exists");
    let last_month = this_month
        .checked_sub_months(chrono::Months::new(1))
        .expect("a month before a real date exists");
    let overview = sqlx::query_as(
        "select
           (select count(*) from public.prompt where org_id = $1) as prompts,
           (select count(*) from public.dataset where org_id = $1) as datasets,
           (select count(*) from public.run where org_id = $1) as runs,
           (select count(*) from public.deployment where org_id = $1) as deployments,
           (select count(*) from public.api_key where org_id = $1 and revoked_at is null) as api_keys,
           (select coalesce(sum(cost_usd), 0) from public.usage_daily
              where org_id = $1 and start >= $2) as spend_this_month_usd,
           (select coalesce(sum(cost_usd), 0) from public.usage_daily
              where org_id = $1 and start >= $3 and start < $2) as spend_last_month_usd,
           coalesce(day.calls, 0) as calls_24h,
           coalesce(day.errors::double precision / nullif(day.calls, 0), 0) as error_rate_24h,
           (select coalesce(jsonb_agg(top order by top.cost_usd desc), '[]')
            from (select u.prompt_id, p.name, sum(u.cost_usd) as cost_usd,
                         sum(u.requests)::bigint as requests
                  from public.usage_daily u
                  left join public.prompt p on p.id = u.prompt_id
                  where u.org_id = $1 and u.start >= $2 and u.prompt_id is not null
                  group by u.prompt_id, p.name
                  order by 3 desc
                  limit 5) top) as top_prompts
         from (select sum(requests)::bigint as calls, sum(errors)::bigint as errors
               from public.usage_hourly
               where org_id = $1 and source = 'execute' and start >= $4) day",
    )
    .bind(org)
    .bind(this_month)
    .bind(last_month)
    .bind(now - Duration::hours(24))
    .fetch_one(&mut **tx)
    .await?;
    Ok(overview)
}
