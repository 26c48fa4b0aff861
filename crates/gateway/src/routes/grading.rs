//! Grading results: manual grades, a run's summary, two runs compared, and the export.

use axum::{
    Json,
    body::Body,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use futures::stream;
use grading::{Check, ScoreScale};
use runs::{Cell, Comparison, ExportFormat, GradeValue, GradingPass, RunId, RunSummary};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use validator::Validate;

use crate::{
    error::{ApiError, ApiResult, FieldError},
    extract::{ApiJson, ApiPath, ApiQuery, Authenticated, Reader},
    routes::{
        PageOf,
        runs::{CellPath, GraderInput, RunPath},
    },
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(grade_run_cell))
        .routes(routes!(regrade_run))
        .routes(routes!(list_grading_passes))
        .routes(routes!(regrade_run_cell))
        .routes(routes!(get_run_summary))
        .routes(routes!(compare_runs))
        .routes(routes!(export_run))
}

// ---- request types ----------------------------------------------------------------------------

/// A person's grade of a cell's output.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GradeCell {
    pub value: GradeValue,
    #[validate(length(max = 2000))]
    #[schema(example = "Correct, but too long")]
    pub note: Option<String>,
}

/// A new grading pass over a run's outputs: what is not given stays as the latest pass has it.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegradeRequest {
    /// Another grader.
    #[validate(nested)]
    pub grader: Option<GraderInput>,
    /// Other assertions (up to 20); `[]` for none.
    #[validate(length(max = 20))]
    pub assertions: Option<Vec<Check>>,
    #[validate(custom(function = "crate::routes::runs::valid_scale"))]
    pub score_scale: Option<ScoreScale>,
    #[validate(range(min = 0.0, max = 1.0))]
    pub pass_threshold: Option<f64>,
}

impl TryFrom<RegradeRequest> for runs::Regrade {
    type Error = ApiError;

    fn try_from(req: RegradeRequest) -> Result<Self, ApiError> {
        Ok(Self {
            grader: req.grader.map(runs::NewGrader::try_from).transpose()?,
            checks: req.assertions,
            scale: req.score_scale,
            pass_threshold: req.pass_threshold,
        })
    }
}

/// `GET /runs/{id}/summary`
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SummaryQuery {
    /// Grades as this grading pass gave them; default: the latest pass.
    #[validate(range(min = 1))]
    pub pass: Option<i32>,
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CompareQuery {
    /// Two run ids, comma-separated: `ids=<first>,<second>`.
    pub ids: String,
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
    params(CellPath), request_body = GradeCell,
    responses(
        (status = 200, body = Cell),
        (status = 409, description = "The cell has no output to grade (`cell_not_gradable`)",
            body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn grade_run_cell(
    state: AppState,
    Authenticated(user): Authenticated,
    ApiPath(CellPath { id, cell_id }): ApiPath<CellPath>,
    ApiJson(req): ApiJson<GradeCell>,
) -> ApiResult<Json<Cell>> {
    state
        .as_user(&user, async |tx| runs::grade_cell(tx, id, cell_id, req.value, req.note).await)
        .await
        .map(Json)
}

/// Grade a finished run's outputs again as a new grading pass (editors), without calling the
/// models again: with another grader, assertions, scale or threshold, or the same ones (a judge
/// can answer differently). The previous pass's grades are kept (`?pass=`); cells and the
/// summary show the new pass's as they come. Manual grades stay. Counts against the
/// organization's run rate and queue like a run of that many cells.
#[utoipa::path(post, path = "/runs/{id}/regrade", tag = "grading", params(RunPath),
    request_body = RegradeRequest,
    responses(
        (status = 202, body = GradingPass),
        (status = 409, description = "The run is still running (`run_not_finished`), a pass is \
            grading (`regrade_in_progress`) or no cell has an output (`nothing_to_grade`)",
            body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn regrade_run(
    state: AppState,
    Authenticated(user): Authenticated,
    ApiPath(RunPath { id }): ApiPath<RunPath>,
    ApiJson(req): ApiJson<RegradeRequest>,
) -> ApiResult<(StatusCode, Json<GradingPass>)> {
    let change = runs::Regrade::try_from(req)?;
    let (providers, limits) = (&state.providers, &state.settings.run_limits);
    let pass = state
        .as_user(&user, async |tx| runs::regrade(tx, providers, limits, id, change).await)
        .await?;
    Ok((StatusCode::ACCEPTED, Json(pass)))
}

/// A run's grading passes, oldest first: how each graded, how far it is, and what it found.
#[utoipa::path(get, path = "/runs/{id}/grading-passes", tag = "grading", params(RunPath),
    responses((status = 200, body = PageOf<GradingPass>)))]
pub async fn list_grading_passes(
    state: AppState,
    Reader(user): Reader,
    ApiPath(RunPath { id }): ApiPath<RunPath>,
) -> ApiResult<Json<PageOf<GradingPass>>> {
    let passes = state.as_user(&user, async |tx| runs::list_passes(tx, id).await).await?;
    Ok(Json(passes.into()))
}

/// Grade one cell's output again in the latest pass (editors): after a judge error, say. Its
/// grade is cleared until the workers write the new one.
#[utoipa::path(post, path = "/runs/{id}/cells/{cell_id}/regrade", tag = "grading",
    params(CellPath),
    responses(
        (status = 202, body = Cell),
        (status = 409, description = "The cell has no output (`cell_not_gradable`), it is being \
            graded (`regrade_in_progress`) or nothing grades the run (`nothing_to_grade`)",
            body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn regrade_run_cell(
    state: AppState,
    Authenticated(user): Authenticated,
    ApiPath(CellPath { id, cell_id }): ApiPath<CellPath>,
) -> ApiResult<(StatusCode, Json<Cell>)> {
    let cell = state.as_user(&user, async |tx| runs::regrade_cell(tx, id, cell_id).await).await?;
    Ok((StatusCode::ACCEPTED, Json(cell)))
}

/// Per model: cells by state, pass rate with a 95% Wilson interval, mean judge score with a 95%
/// interval, parse errors, tokens, cost (generation, grading, total), latency p50/p95/max, and
/// judge-human agreement. Manual grades override automatic ones. Grades of the latest grading
/// pass, or of `pass`.
#[utoipa::path(get, path = "/runs/{id}/summary", tag = "grading", params(RunPath, SummaryQuery),
    responses((status = 200, body = RunSummary)))]
pub async fn get_run_summary(
    state: AppState,
    Reader(user): Reader,
    ApiPath(RunPath { id }): ApiPath<RunPath>,
    ApiQuery(query): ApiQuery<SummaryQuery>,
) -> ApiResult<Json<RunSummary>> {
    state.as_user(&user, async |tx| runs::summary(tx, id, query.pass).await).await.map(Json)
}

/// Two runs side by side per model (e.g. two prompt versions on the same dataset), with the
/// difference in pass rate and McNemar's test on the rows both graded.
#[utoipa::path(get, path = "/runs/compare", tag = "grading", params(CompareQuery),
    responses((status = 200, body = Comparison)))]
pub async fn compare_runs(
    state: AppState,
    Reader(user): Reader,
    ApiQuery(query): ApiQuery<CompareQuery>,
) -> ApiResult<Json<Comparison>> {
    let ids: Vec<RunId> = query.ids.split(',').filter_map(|id| id.trim().parse().ok()).collect();
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
    state.as_user(&user, async |tx| runs::compare(tx, first, second).await).await.map(Json)
}

/// Download every cell of a run, one line each: the row's values, model, output, grades,
/// tokens, cost, latency and error. Streamed, so large runs take no memory to export.
#[utoipa::path(get, path = "/runs/{id}/export", tag = "grading", params(RunPath, ExportQuery),
    responses((status = 200, description = "CSV (`text/csv`) or JSON Lines (`application/x-ndjson`)",
        content_type = "text/csv", body = String, headers(("content-disposition" = String)))))]
pub async fn export_run(
    state: AppState,
    Reader(user): Reader,
    ApiPath(RunPath { id }): ApiPath<RunPath>,
    ApiQuery(query): ApiQuery<ExportQuery>,
) -> ApiResult<Response> {
    let format = query.format.unwrap_or_default();
    let (content_type, extension) = format.media();
    let export = runs::export(&state.db, &user, id, format).await?;
    let slot = state.streams.take(export.org_id)?;
    // The slot goes with the stream: it is freed when the response ends or the client leaves.
    let chunks = stream::unfold((export.start(), slot), |(mut chunks, slot)| async {
        chunks.recv().await.map(|c| (c, (chunks, slot)))
    });
    let disposition = format!("attachment; filename=\"run-{id}.{extension}\"");
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
        (header::CONTENT_DISPOSITION, HeaderValue::from_str(&disposition).expect("ASCII")),
    ];
    Ok((headers, Body::from_stream(chunks)).into_response())
}
