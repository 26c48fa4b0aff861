//! `/v1/analytics`: the organization's usage over time and at a glance (members and read keys).

use analytics::{BucketWidth, GroupBy, Overview, Usage, UsageQuery};
use axum::Json;
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};
use validator::Validate;

use crate::{
    error::ApiResult,
    extract::{ActingOrg, ApiQuery, OrgHeader, Reader},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(usage)).routes(routes!(overview))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UsageParams {
    /// From this time (rounded down to its bucket); default: 30 days before `to`.
    pub from: Option<DateTime<Utc>>,
    /// Up to this time (excluded); default: now.
    pub to: Option<DateTime<Utc>>,
    /// `hour` or `day` (default), in UTC.
    pub bucket: Option<BucketWidth>,
    /// One series per `model`, `deployment`, `prompt`, `api_key` or `source`; one in all without.
    pub group_by: Option<GroupBy>,
}

/// Usage over time of deployments' calls (`source = execute`) and runs' cells (`source = run`):
/// requests, errors, latency p50/p95, tokens, cost, cache hits and savings per bucket. Every
/// bucket of the range is present (zeros without calls), for every group. Counts lag the calls
/// by up to ten seconds (they are rolled up in the background). At most 1,000 buckets.
#[utoipa::path(get, path = "/analytics/usage", tag = "analytics", params(OrgHeader, UsageParams),
    responses((status = 200, body = Usage)))]
pub async fn usage(
    state: AppState,
    Reader(user): Reader,
    ActingOrg(org): ActingOrg,
    ApiQuery(params): ApiQuery<UsageParams>,
) -> ApiResult<Json<Usage>> {
    let to = params.to.unwrap_or_else(Utc::now);
    let query = UsageQuery {
        from: params.from.unwrap_or(to - Duration::days(30)),
        to,
        bucket: params.bucket.unwrap_or(BucketWidth::Day),
        group_by: params.group_by,
    };
    state.as_user(&user, async |tx| analytics::usage(tx, org, &query).await).await.map(Json)
}

/// The organization at a glance: its prompts, datasets, runs, deployments and API keys (those
/// the caller may see), spend this month and last (UTC), deployments' calls and their error rate
/// over the last 24 hours, and the five prompts that cost most this month.
#[utoipa::path(get, path = "/analytics/overview", tag = "analytics", params(OrgHeader),
    responses((status = 200, body = Overview)))]
pub async fn overview(
    state: AppState,
    Reader(user): Reader,
    ActingOrg(org): ActingOrg,
) -> ApiResult<Json<Overview>> {
    let now = Utc::now();
    state.as_user(&user, async |tx| analytics::overview(tx, org, now).await).await.map(Json)
}
