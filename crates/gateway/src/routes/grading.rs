//! Grading results: manual grades, a run's summary, two runs compared, and the export.

use axum::{
    Json,
    body::Body,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use futures::stream;
use runs::{Cell, Comparison, ExportFormat, GradeValue, RunId, RunSummary};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use validator::Validate;

use crate::{
    error::{ApiError, ApiResult, FieldError},
    extract::{ApiJson, ApiPath, ApiQuery, Authenticated, Reader},
    routes::runs::{CellPath, RunPath},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(grade_run_cell))
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

/// Per model: cells by state, pass rate with a 95% Wilson interval, mean judge score with a 95%
/// interval, parse errors, tokens, cost (generation, grading, total), latency p50/p95/max, and
/// judge-human agreement. Manual grades override automatic ones.
#[utoipa::path(get, path = "/runs/{id}/summary", tag = "grading", params(RunPath),
    responses((status = 200, body = RunSummary)))]
pub async fn get_run_summary(
    state: AppState,
    Reader(user): Reader,
    ApiPath(RunPath { id }): ApiPath<RunPath>,
) -> ApiResult<Json<RunSummary>> {
    state.as_user(&user, async |tx| runs::summary(tx, id).await).await.map(Json)
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
