//! Grading results: manual grades, a run's summary, two runs compared, and the export.

use axum::{
    Json,
    body::Body,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use futures::stream;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;
use validator::Validate;

use crate::{
    error::{ApiError, ApiResult, FieldError},
    extract::{ApiJson, ApiPath, ApiQuery, Authenticated},
    routes::{
        IdPath,
        runs::{CellCounts, CellPath, CellView, RunStatus},
    },
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(grade_run_cell))
        .routes(routes!(get_run_summary))
        .routes(routes!(compare_runs))
        .routes(routes!(export_run))
}

// ---- types ------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum GradeValue {
    Pass,
    Fail,
    /// Removes the manual grade: the automatic one counts again.
    Unset,
}

/// A person's grade of a cell's output.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GradeCell {
    pub value: GradeValue,
    #[validate(length(max = 2000))]
    #[schema(example = "Correct, but too long")]
    pub note: Option<String>,
}

/// A 95% confidence interval.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
}

impl From<grading::stats::Interval> for Interval {
    fn from(i: grading::stats::Interval) -> Self {
        Self { low: i.low, high: i.high }
    }
}

/// Tokens used.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenTotals {
    pub input: i64,
    pub output: i64,
    pub grader_input: i64,
    pub grader_output: i64,
}

/// USD spent.
#[derive(Debug, Serialize, ToSchema)]
pub struct CostTotals {
    pub generation: f64,
    pub grading: f64,
    pub total: f64,
}

/// Latency of the succeeded cells.
#[derive(Debug, Serialize, ToSchema)]
pub struct LatencyStats {
    pub p50_ms: Option<f64>,
    pub p95_ms: Option<f64>,
    pub max_ms: Option<f64>,
}

/// How often the automatic and the manual grade agree, on cells with both.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgreementView {
    pub cells: u64,
    pub rate: f64,
    /// Cohen's kappa: agreement beyond chance (null when one grade is given throughout).
    pub kappa: Option<f64>,
}

/// One model of a run, summarised.
#[derive(Debug, Serialize, ToSchema)]
pub struct ModelSummaryView {
    pub model_id: Uuid,
    pub label: String,
    pub provider: String,
    pub model: String,
    pub counts: CellCounts,
    /// Cells with an effective grade (manual, else automatic).
    pub graded: i64,
    pub passed: i64,
    pub pass_rate: Option<f64>,
    /// Wilson score interval.
    pub pass_rate_ci: Option<Interval>,
    /// Cells with a judge score.
    pub scored: i64,
    /// Mean normalised judge score.
    pub mean_score: Option<f64>,
    /// Mean ± t · s / √n.
    pub mean_score_ci: Option<Interval>,
    /// The judge answered without a verdict.
    pub parse_errors: i64,
    /// The judge could not be called.
    pub judge_errors: i64,
    pub manual_grades: i64,
    pub tokens: TokenTotals,
    pub cost_usd: CostTotals,
    pub latency: LatencyStats,
    pub agreement: Option<AgreementView>,
}

impl From<runs::ModelSummary> for ModelSummaryView {
    fn from(m: runs::ModelSummary) -> Self {
        let total = m.total_cost_usd();
        Self {
            model_id: m.run_model_id,
            label: m.label,
            provider: m.provider,
            model: m.model,
            counts: m.counts.into(),
            graded: m.graded,
            passed: m.passed,
            pass_rate: m.pass_rate,
            pass_rate_ci: m.pass_interval.map(Into::into),
            scored: m.scored,
            mean_score: m.mean_score,
            mean_score_ci: m.score_interval.map(Into::into),
            parse_errors: m.parse_errors,
            judge_errors: m.judge_errors,
            manual_grades: m.manual_grades,
            tokens: TokenTotals {
                input: m.tokens_in,
                output: m.tokens_out,
                grader_input: m.grader_tokens_in,
                grader_output: m.grader_tokens_out,
            },
            cost_usd: CostTotals {
                generation: m.generation_cost_usd,
                grading: m.grading_cost_usd,
                total,
            },
            latency: LatencyStats {
                p50_ms: m.latency_p50_ms,
                p95_ms: m.latency_p95_ms,
                max_ms: m.latency_max_ms,
            },
            agreement: m.agreement.map(|a| AgreementView {
                cells: a.cells,
                rate: a.rate,
                kappa: a.kappa,
            }),
        }
    }
}

/// A run's grades and usage, per model.
#[derive(Debug, Serialize, ToSchema)]
pub struct RunSummaryView {
    pub run_id: Uuid,
    pub status: RunStatus,
    pub dataset_id: Option<Uuid>,
    pub models: Vec<ModelSummaryView>,
}

impl From<runs::RunSummary> for RunSummaryView {
    fn from(s: runs::RunSummary) -> Self {
        Self {
            run_id: s.run_id,
            status: s.status.into(),
            dataset_id: s.dataset_id,
            models: s.models.into_iter().map(Into::into).collect(),
        }
    }
}

/// McNemar's test on the rows both runs graded.
#[derive(Debug, Serialize, ToSchema)]
pub struct PairedTest {
    /// Rows graded in both runs.
    pub rows: i64,
    pub both_pass: i64,
    pub both_fail: i64,
    /// Passed only in the first run / only in the second.
    pub first_only: u64,
    pub second_only: u64,
    pub p_value: f64,
    /// `exact` (binomial, under 25 discordant rows) or `chi_squared` (with continuity correction).
    pub method: String,
    /// p < 0.05.
    pub significant: bool,
}

/// One model in both runs.
#[derive(Debug, Serialize, ToSchema)]
pub struct ModelComparisonView {
    pub provider: String,
    pub model: String,
    pub first: ModelSummaryView,
    pub second: ModelSummaryView,
    /// Second pass rate minus first.
    pub pass_rate_difference: Option<f64>,
    /// Only when both runs used the same dataset (rows are paired by index).
    pub paired: Option<PairedTest>,
}

/// Two runs side by side.
#[derive(Debug, Serialize, ToSchema)]
pub struct ComparisonView {
    pub first: RunSummaryView,
    pub second: RunSummaryView,
    /// Models in both runs, matched by provider and model.
    pub models: Vec<ModelComparisonView>,
}

impl From<runs::Comparison> for ComparisonView {
    fn from(c: runs::Comparison) -> Self {
        let models = c
            .models
            .into_iter()
            .map(|m| ModelComparisonView {
                provider: m.provider,
                model: m.model,
                first: m.first.into(),
                second: m.second.into(),
                pass_rate_difference: m.pass_rate_difference,
                paired: m.paired.map(|p| PairedTest {
                    rows: p.rows,
                    both_pass: p.both_pass,
                    both_fail: p.both_fail,
                    first_only: p.test.first_only,
                    second_only: p.test.second_only,
                    p_value: p.test.p_value,
                    method: p.test.method.to_owned(),
                    significant: p.test.significant,
                }),
            })
            .collect();
        Self { first: c.first.into(), second: c.second.into(), models }
    }
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CompareQuery {
    /// Two run ids, comma-separated: `ids=<first>,<second>`.
    pub ids: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    #[default]
    Csv,
    Jsonl,
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `csv` (default) or `jsonl`.
    pub format: Option<ExportFormat>,
}

// ---- handlers ---------------------------------------------------------------------------------

/// Grade a cell by hand (`pass`, `fail`, or `unset` to go back to the automatic grade). The
/// automatic grade is kept; every change is recorded in the cell's history.
#[utoipa::path(put, path = "/runs/{id}/cells/{cell_id}/grade", tag = "grading",
    params(("id" = Uuid, Path), ("cell_id" = Uuid, Path)), request_body = GradeCell,
    responses(
        (status = 200, body = CellView),
        (status = 409, description = "The cell has no output to grade (`cell_not_gradable`)",
            body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn grade_run_cell(
    state: AppState,
    Authenticated(user): Authenticated,
    ApiPath(CellPath { id, cell_id }): ApiPath<CellPath>,
    ApiJson(req): ApiJson<GradeCell>,
) -> ApiResult<Json<CellView>> {
    let value = match req.value {
        GradeValue::Pass => runs::GradeValue::Pass,
        GradeValue::Fail => runs::GradeValue::Fail,
        GradeValue::Unset => runs::GradeValue::Unset,
    };
    let mut tx = state.db.begin_as(&user).await?;
    let cell = runs::grade_cell(&mut tx, id, cell_id, value, req.note).await?;
    tx.commit().await?;
    Ok(Json(cell.into()))
}

/// Per model: cells by state, pass rate with a 95% Wilson interval, mean judge score with a 95%
/// interval, parse errors, tokens, cost (generation, grading, total), latency p50/p95/max, and
/// judge-human agreement. Manual grades override automatic ones.
#[utoipa::path(get, path = "/runs/{id}/summary", tag = "grading", params(("id" = Uuid, Path)),
    responses((status = 200, body = RunSummaryView)))]
pub async fn get_run_summary(
    state: AppState,
    Authenticated(user): Authenticated,
    ApiPath(IdPath { id }): ApiPath<IdPath>,
) -> ApiResult<Json<RunSummaryView>> {
    let mut tx = state.db.begin_as(&user).await?;
    let summary = runs::summary(&mut tx, id).await?;
    tx.commit().await?;
    Ok(Json(summary.into()))
}

/// Two runs side by side per model (e.g. two prompt versions on the same dataset), with the
/// difference in pass rate and McNemar's test on the rows both graded.
#[utoipa::path(get, path = "/runs/compare", tag = "grading", params(CompareQuery),
    responses((status = 200, body = ComparisonView)))]
pub async fn compare_runs(
    state: AppState,
    Authenticated(user): Authenticated,
    ApiQuery(query): ApiQuery<CompareQuery>,
) -> ApiResult<Json<ComparisonView>> {
    let ids: Vec<Uuid> =
        query.ids.split(',').filter_map(|id| Uuid::parse_str(id.trim()).ok()).collect();
    let [first, second] = ids[..] else {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_query",
            "Give two run ids: `ids=<first>,<second>`.",
        )
        .with_errors(vec![FieldError::new(
            "ids",
            "invalid_value",
            "two comma-separated run ids",
        )]));
    };
    let mut tx = state.db.begin_as(&user).await?;
    let comparison = runs::compare(&mut tx, first, second).await?;
    tx.commit().await?;
    Ok(Json(comparison.into()))
}

/// Download every cell of a run, one line each: the row's values, model, output, grades,
/// tokens, cost, latency and error. Streamed, so large runs take no memory to export.
#[utoipa::path(get, path = "/runs/{id}/export", tag = "grading", params(("id" = Uuid, Path), ExportQuery),
    responses((status = 200, description = "CSV (`text/csv`) or JSON Lines (`application/x-ndjson`)",
        content_type = "text/csv", body = String, headers(("content-disposition" = String)))))]
pub async fn export_run(
    state: AppState,
    Authenticated(user): Authenticated,
    ApiPath(IdPath { id }): ApiPath<IdPath>,
    ApiQuery(query): ApiQuery<ExportQuery>,
) -> ApiResult<Response> {
    let (format, content_type, extension) = match query.format.unwrap_or_default() {
        ExportFormat::Csv => (runs::ExportFormat::Csv, "text/csv; charset=utf-8", "csv"),
        ExportFormat::Jsonl => (runs::ExportFormat::Jsonl, "application/x-ndjson", "jsonl"),
    };
    let slot = state.streams.take(user.id())?;
    let export = runs::export(&state.db, &user, id, format).await?;
    // The slot goes with the stream: it is freed when the response ends or the client leaves.
    let chunks = stream::unfold((export.chunks, slot), |(mut chunks, slot)| async {
        chunks.recv().await.map(|c| (c, (chunks, slot)))
    });
    let disposition = format!("attachment; filename=\"run-{id}.{extension}\"");
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
        (header::CONTENT_DISPOSITION, HeaderValue::from_str(&disposition).expect("ASCII")),
    ];
    Ok((headers, Body::from_stream(chunks)).into_response())
}
