//! `/v1/runs`: run a prompt version against models over a dataset, follow it, cancel it,
//! retry failed cells.

mod input;

pub use input::*;

use std::{convert::Infallible, time::Duration};

use axum::{
    Json,
    http::StatusCode,
    response::{
        IntoResponse, Response,
        sse::{Event, KeepAlive, Sse},
    },
};
use futures::{Stream, StreamExt, stream};
use runs::{Cell, RunDetail, RunListItem, events::Change};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    error::{ApiError, ApiResult},
    extract::{ActingOrg, ApiJson, ApiPath, ApiQuery, Authenticated, OrgHeader, Reader},
    routes::{PageOf, location, page_request},
    state::AppState,
};

/// The longest `?wait=` honoured.
const MAX_WAIT_SECONDS: u64 = 60;
const CELLS_DEFAULT_LIMIT: u32 = 100;
const CELLS_MAX_LIMIT: u32 = 1000;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_runs, create_run))
        .routes(routes!(get_run, delete_run))
        .routes(routes!(cancel_run))
        .routes(routes!(list_run_cells))
        .routes(routes!(get_run_cell))
        .routes(routes!(retry_run_cell))
        .routes(routes!(stream_run_events))
        .routes(routes!(create_event_ticket))
        .routes(routes!(rerun_run))
        .routes(routes!(list_run_changes))
}

// ---- handlers ---------------------------------------------------------------------------------

/// List the organization's runs, newest first, each with its cells by state, what it spent, its
/// pass rate and its duration: a history page in one call.
#[utoipa::path(get, path = "/runs", tag = "runs", params(OrgHeader, ListRunsQuery),
    responses((status = 200, body = PageOf<RunListItem>)))]
pub async fn list_runs(
    state: AppState,
    Reader(user): Reader,
    ActingOrg(org): ActingOrg,
    ApiQuery(query): ApiQuery<ListRunsQuery>,
) -> ApiResult<Json<PageOf<RunListItem>>> {
    let filter = runs::RunFilter {
        prompt_id: query.prompt_id,
        dataset_id: query.dataset_id,
        status: query.status,
        model: query.model,
        created_after: query.created_after,
        created_before: query.created_before,
        name: query.q,
    };
    let page = page_request(query.limit, query.cursor);
    let page = state.as_user(&user, async |tx| runs::list(tx, org, &filter, &page).await).await?;
    Ok(Json(page.into()))
}

/// Start a run in the organization (its prompt, dataset and grader must be the organization's):
/// everything is checked before anything is written (422 names each problem), then the run and
/// one cell per (model, row) are queued for the workers. With `dry_run=true`, the same checks,
/// then what it would cost (`RunEstimate`: tokens in from the rendered prompts of up to 200 rows,
/// out from `max_tokens`, the prompt's past runs or 256 assumed, said which), and nothing is
/// created.
#[utoipa::path(post, path = "/runs", tag = "runs", params(OrgHeader, CreateRunQuery),
    request_body = CreateRun,
    responses(
        (status = 202, description = "Queued (or still running after `wait`)", body = RunDetail, headers(("location" = String))),
        (status = 200, description = "Ended within `wait`; with `dry_run`, a `RunEstimate` instead", body = RunDetail, headers(("location" = String))),
    ))]
pub async fn create_run(
    state: AppState,
    Authenticated(user): Authenticated,
    ActingOrg(org): ActingOrg,
    ApiQuery(query): ApiQuery<CreateRunQuery>,
    ApiJson(req): ApiJson<CreateRun>,
) -> ApiResult<Response> {
    let new = runs::NewRun::try_from(req)?;
    let limits = &state.settings.run_limits;
    if query.dry_run {
        let providers = &state.providers;
        let estimate = state
            .as_user(&user, async |tx| runs::estimate(tx, org, providers, limits, &new).await)
            .await?;
        return Ok(Json(estimate).into_response());
    }
    let mut tx = state.db.begin_as(&user).await?;
    let mut run = runs::create(&mut tx, org, &state.providers, limits, new).await?;
    // Followed before the commit, so the end of a quick run cannot slip past.
    let follower = state.events.follow(run.run.id);
    tx.commit().await?;
    if let Some(wait) = query.wait.filter(|w| *w > 0) {
        follower.until_ended(Duration::from_secs(wait.min(MAX_WAIT_SECONDS))).await;
        run = state.as_user(&user, async |tx| runs::get(tx, run.run.id).await).await?;
    }
    let status = if run.run.status.is_terminal() { StatusCode::OK } else { StatusCode::ACCEPTED };
    let location = location(&format!("/v1/runs/{}", run.run.id));
    Ok((status, location, Json(run)).into_response())
}

/// Re-run a run (editors): a new run linked by `parent_run_id`, with the same dataset and
/// settings, over all its rows or only those of `cells` / cells in `statuses`, optionally with
/// another `prompt_version_id` or other `models`.
#[utoipa::path(post, path = "/runs/{id}/rerun", tag = "runs", params(RunPath),
    request_body = RerunRequest,
    responses((status = 202, body = RunDetail, headers(("location" = String)))))]
pub async fn rerun_run(
    state: AppState,
    Authenticated(user): Authenticated,
    ApiPath(RunPath { id }): ApiPath<RunPath>,
    ApiJson(req): ApiJson<RerunRequest>,
) -> ApiResult<(StatusCode, axum::http::HeaderMap, Json<RunDetail>)> {
    let (providers, limits) = (&state.providers, &state.settings.run_limits);
    let change = runs::Rerun::from(req);
    let run = state
        .as_user(&user, async |tx| runs::rerun(tx, providers, limits, id, change).await)
        .await?;
    let location = location(&format!("/v1/runs/{}", run.run.id));
    Ok((StatusCode::ACCEPTED, location, Json(run)))
}

/// Get a run: status, models with per-model totals, cells by state.
#[utoipa::path(get, path = "/runs/{id}", tag = "runs", params(RunPath),
    responses((status = 200, body = RunDetail)))]
pub async fn get_run(
    state: AppState,
    Reader(user): Reader,
    ApiPath(RunPath { id }): ApiPath<RunPath>,
) -> ApiResult<Json<RunDetail>> {
    state.as_user(&user, async |tx| runs::get(tx, id).await).await.map(Json)
}

/// Cancel a run: queued and running cells are cancelled; results still arriving are dropped.
#[utoipa::path(post, path = "/runs/{id}/cancel", tag = "runs", params(RunPath),
    responses(
        (status = 200, body = RunDetail),
        (status = 409, description = "The run already ended (`run_finished`)", body = crate::error::Problem,
            content_type = "application/problem+json"),
    ))]
pub async fn cancel_run(
    state: AppState,
    Authenticated(user): Authenticated,
    ApiPath(RunPath { id }): ApiPath<RunPath>,
) -> ApiResult<Json<RunDetail>> {
    state.as_user(&user, async |tx| runs::cancel(tx, id).await).await.map(Json)
}

/// Delete a run and its cells.
#[utoipa::path(delete, path = "/runs/{id}", tag = "runs", params(RunPath),
    responses((status = 204, description = "Deleted")))]
pub async fn delete_run(
    state: AppState,
    Authenticated(user): Authenticated,
    ApiPath(RunPath { id }): ApiPath<RunPath>,
) -> ApiResult<StatusCode> {
    state.as_user(&user, async |tx| runs::delete(tx, id).await).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A run's cells, least recently changed first: poll with `updated_since` for changes.
#[utoipa::path(get, path = "/runs/{id}/cells", tag = "runs", params(RunPath, ListCellsQuery),
    responses((status = 200, body = PageOf<Cell>)))]
pub async fn list_run_cells(
    state: AppState,
    Reader(user): Reader,
    ApiPath(RunPath { id }): ApiPath<RunPath>,
    ApiQuery(query): ApiQuery<ListCellsQuery>,
) -> ApiResult<Json<PageOf<Cell>>> {
    let page = platform::pagination::PageRequest {
        limit: query.limit.unwrap_or(CELLS_DEFAULT_LIMIT),
        cursor: query.cursor,
    };
    let (since, status, pass) = (query.updated_since, query.status, query.pass);
    let cells = state
        .as_user(&user, async |tx| runs::list_cells(tx, id, since, status, pass, &page).await)
        .await?;
    Ok(Json(cells.into()))
}

/// The run's change feed, for polling that never misses or repeats a change: the cells changed
/// since `cursor` (every cell without one), in the order their changes committed, and the
/// `cursor` to pass next time. A change committed late (by a slow transaction) is returned when
/// it becomes visible, never skipped; `more: true` says to call again at once.
#[utoipa::path(get, path = "/runs/{id}/changes", tag = "runs", params(RunPath, ChangesQuery),
    responses((status = 200, body = runs::Changes)))]
pub async fn list_run_changes(
    state: AppState,
    Reader(user): Reader,
    ApiPath(RunPath { id }): ApiPath<RunPath>,
    ApiQuery(query): ApiQuery<ChangesQuery>,
) -> ApiResult<Json<runs::Changes>> {
    let page = platform::pagination::PageRequest {
        limit: query.limit.unwrap_or(CELLS_DEFAULT_LIMIT),
        cursor: query.cursor,
    };
    state.as_user(&user, async |tx| runs::changes(tx, id, &page).await).await.map(Json)
}

/// One cell: rendered prompt, output or error, tokens, cost, latency.
#[utoipa::path(get, path = "/runs/{id}/cells/{cell_id}", tag = "runs",
    params(CellPath), responses((status = 200, body = Cell)))]
pub async fn get_run_cell(
    state: AppState,
    Reader(user): Reader,
    ApiPath(CellPath { id, cell_id }): ApiPath<CellPath>,
) -> ApiResult<Json<Cell>> {
    state.as_user(&user, async |tx| runs::get_cell(tx, id, cell_id).await).await.map(Json)
}

/// Queue a failed cell again.
#[utoipa::path(post, path = "/runs/{id}/cells/{cell_id}/retry", tag = "runs",
    params(CellPath),
    responses(
        (status = 200, body = Cell),
        (status = 409, description = "The cell did not fail (`cell_not_failed`) or the run is cancelled (`run_cancelled`)",
            body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn retry_run_cell(
    state: AppState,
    Authenticated(user): Authenticated,
    ApiPath(CellPath { id, cell_id }): ApiPath<CellPath>,
) -> ApiResult<Json<Cell>> {
    state.as_user(&user, async |tx| runs::retry_cell(tx, id, cell_id).await).await.map(Json)
}

/// Follow a run as Server-Sent Events: `run` (status and counts, first and on every change),
/// `cell` (`{"cell_id", "status"}` on every cell change) and `resync` (events were missed: reread).
/// The stream ends after the run does. A browser's `EventSource`, which cannot send the
/// `Authorization` header, passes a one-time `?ticket=` instead (`POST .../events/ticket`).
#[utoipa::path(get, path = "/runs/{id}/events", tag = "runs", params(RunPath, EventsQuery),
    responses((status = 200, description = "An event stream", content_type = "text/event-stream", body = String)))]
pub async fn stream_run_events(
    state: AppState,
    reader: Result<Reader, ApiError>,
    ApiPath(RunPath { id }): ApiPath<RunPath>,
    ApiQuery(query): ApiQuery<EventsQuery>,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let user = match (reader, query.ticket) {
        (Ok(Reader(user)), _) => user,
        (Err(_), Some(ticket)) => runs::redeem_ticket(&state.db, id, &ticket)
            .await?
            .ok_or_else(ApiError::invalid_ticket)?,
        (Err(refused), None) => return Err(refused),
    };
    let follower = state.events.follow(id);
    let run = state.as_user(&user, async |tx| runs::get(tx, id).await).await?;
    let slot = state.streams.take(run.run.org_id)?;
    let first = run_event(&run);
    let updates = (!run.run.status.is_terminal())
        .then(|| follower.into_stream().map(move |change| change_event(id, change)));
    let stream = stream::once(async move { first })
        .chain(stream::iter(updates).flatten())
        // The slot lives in the stream: freed when the stream ends or the client leaves.
        .map(move |event| {
            let _open = &slot;
            Ok::<_, Infallible>(event)
        });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

/// A one-time ticket to follow the run from a browser's `EventSource`:
/// `new EventSource(`/v1/runs/${id}/events?ticket=${ticket}`)`. It works once, within 60 seconds,
/// for this run only, so the user's long-lived token never goes into a URL. Users only.
#[utoipa::path(post, path = "/runs/{id}/events/ticket", tag = "runs", params(RunPath),
    responses((status = 201, body = runs::EventTicket)))]
pub async fn create_event_ticket(
    state: AppState,
    Authenticated(user): Authenticated,
    ApiPath(RunPath { id }): ApiPath<RunPath>,
) -> ApiResult<(StatusCode, Json<runs::EventTicket>)> {
    let ticket = state.as_user(&user, async |tx| runs::issue_ticket(tx, id).await).await?;
    Ok((StatusCode::CREATED, Json(ticket)))
}

// ---- helpers ----------------------------------------------------------------------------------

fn run_event(run: &RunDetail) -> Event {
    let data =
        serde_json::json!({"run_id": run.run.id, "status": run.run.status, "counts": run.counts});
    Event::default().event("run").data(data.to_string())
}

/// The SSE form of a change of run `run_id`.
fn change_event(run_id: runs::RunId, change: Change) -> Event {
    match change {
        Change::Cell { cell_id, status } => {
            let data = serde_json::json!({"cell_id": cell_id, "status": status});
            Event::default().event("cell").data(data.to_string())
        }
        Change::Run { status } => {
            let data = serde_json::json!({"run_id": run_id, "status": status});
            Event::default().event("run").data(data.to_string())
        }
        Change::Resync => Event::default().event("resync").data("{}"),
    }
}
