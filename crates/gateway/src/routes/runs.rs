//! `/v1/runs`: run a prompt version against models over a dataset, follow it, cancel it,
//! retry failed cells.

use std::{convert::Infallible, time::Duration};

use axum::{
    Json,
    http::{HeaderMap, StatusCode},
    response::sse::{Event, KeepAlive, Sse},
};
use chrono::{DateTime, NaiveDate, Utc};
use futures::{Stream, StreamExt, stream};
use platform::{User, pagination::MAX_LIMIT};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tokio::sync::broadcast::{Receiver, error::RecvError};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;
use validator::Validate;

use crate::{
    error::{ApiError, ApiResult, FieldError},
    extract::{ApiJson, ApiPath, ApiQuery, Authenticated},
    routes::{IdPath, PageOf, location, page_request},
    state::AppState,
};
use runs::events::{EventKind, RunEvent};

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
}

// ---- request types ----------------------------------------------------------------------------

/// Generation parameters; omitted ones keep the provider's defaults.
#[derive(Debug, Clone, Default, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ModelParams {
    #[validate(range(min = 0.0, max = 2.0))]
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = 0.2)]
    pub temperature: Option<f64>,
    #[validate(range(min = 1, max = 1_000_000))]
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = 512)]
    pub max_tokens: Option<u32>,
    #[validate(range(min = 0.0, max = 1.0))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top_p: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<i64>,
    /// Up to 4 stop sequences.
    #[validate(length(max = 4))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stop: Option<Vec<String>>,
}

impl From<ModelParams> for providers::ModelParams {
    fn from(p: ModelParams) -> Self {
        Self {
            temperature: p.temperature,
            max_tokens: p.max_tokens,
            top_p: p.top_p,
            seed: p.seed,
            stop: p.stop.unwrap_or_default(),
        }
    }
}

impl From<providers::ModelParams> for ModelParams {
    fn from(p: providers::ModelParams) -> Self {
        Self {
            temperature: p.temperature,
            max_tokens: p.max_tokens,
            top_p: p.top_p,
            seed: p.seed,
            stop: (!p.stop.is_empty()).then_some(p.stop),
        }
    }
}

/// A model to run the prompt on.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RunModelInput {
    /// `openai`, `anthropic`, `groq`, `cerebras`, `openrouter`, `together`, `ollama`, `custom`
    /// or `mock`; see `GET /v1/models`.
    #[validate(length(min = 1, max = 50))]
    #[schema(example = "mock")]
    pub provider: String,
    #[validate(length(min = 1, max = 200))]
    #[schema(example = "echo")]
    pub model: String,
    /// How the model is shown; defaults to the catalog's label. Distinct within a run.
    #[validate(length(min = 1, max = 100))]
    pub label: Option<String>,
    #[validate(nested)]
    pub params: Option<ModelParams>,
}

impl From<RunModelInput> for runs::NewRunModel {
    fn from(m: RunModelInput) -> Self {
        Self {
            provider: m.provider,
            model: m.model,
            label: m.label,
            params: m.params.unwrap_or_default().into(),
        }
    }
}

/// The grader of a run: a prompt of kind `grader` (by version, or its current version) and a
/// model to run it.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GraderInput {
    pub prompt_version_id: Option<Uuid>,
    pub prompt_id: Option<Uuid>,
    #[validate(length(min = 1, max = 50))]
    #[schema(example = "mock")]
    pub provider: String,
    #[validate(length(min = 1, max = 200))]
    #[schema(example = "judge")]
    pub model: String,
    #[validate(nested)]
    pub params: Option<ModelParams>,
}

/// A run to start.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRun {
    /// The prompt version to run; or give `prompt_id` for its current version.
    pub prompt_version_id: Option<Uuid>,
    pub prompt_id: Option<Uuid>,
    /// Run over every row of this dataset. Without one, the run is one cell per model.
    pub dataset_id: Option<Uuid>,
    /// Values for placeholders that no dataset column provides.
    #[schema(value_type = Option<Object>, example = json!({"tone": "friendly"}))]
    pub variables: Option<Map<String, Value>>,
    /// A system message for every call, with placeholders like the prompt.
    #[validate(length(max = 102400))]
    pub system: Option<String>,
    /// 1 to 4 models.
    #[validate(length(min = 1, max = 4), nested)]
    pub models: Vec<RunModelInput>,
    #[validate(nested)]
    pub grader: Option<GraderInput>,
    /// At most this many of the run's cells claimed by workers at once (in flight, or about to
    /// be), across all workers.
    #[validate(range(min = 1, max = 1000))]
    pub concurrency: Option<i32>,
    /// The dataset column with the expected answer, as `{{expected}}` for the grader; default:
    /// a column named `expected`, if there is one.
    #[validate(length(min = 1, max = 200))]
    pub expected_column: Option<String>,
    /// The scale the grader scores on (default 0 to 1); scores are normalised to 0..1.
    #[validate(nested)]
    pub score_scale: Option<ScoreScale>,
    /// The normalised score from which a verdict without `pass` passes (default 0.5).
    #[validate(range(min = 0.0, max = 1.0))]
    pub pass_threshold: Option<f64>,
    /// Deterministic checks of every output (up to 20); a cell passes when all of them and the
    /// grader do.
    #[validate(length(max = 20))]
    pub assertions: Option<Vec<Assertion>>,
}

/// A grader's scale.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[validate(schema(function = "scale_is_ordered"))]
pub struct ScoreScale {
    #[schema(example = 1)]
    pub min: f64,
    #[schema(example = 10)]
    pub max: f64,
}

fn scale_is_ordered(scale: &ScoreScale) -> Result<(), validator::ValidationError> {
    if scale.min.is_finite() && scale.max.is_finite() && scale.min < scale.max {
        Ok(())
    } else {
        Err(validator::ValidationError::new("order")
            .with_message("`min` must be below `max`".into()))
    }
}

/// What an assertion checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AssertionType {
    /// The output, trimmed, equals the expected text.
    Equals,
    Contains,
    /// Contains, ignoring case.
    Icontains,
    /// The output matches the regular expression in `value`.
    Regex,
    StartsWith,
    /// The whole output is JSON.
    IsJson,
    /// The output is JSON and its `field` (`a.b.0` or `/a/b/0`) equals the expected value.
    JsonFieldEquals,
}

/// A deterministic check: the expected value is `value`, or the row's `column`.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Assertion {
    #[serde(rename = "type")]
    pub kind: AssertionType,
    #[schema(value_type = Option<Value>, example = "Paris")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl From<Assertion> for grading::Check {
    fn from(a: Assertion) -> Self {
        let kind = match a.kind {
            AssertionType::Equals => grading::CheckKind::Equals,
            AssertionType::Contains => grading::CheckKind::Contains,
            AssertionType::Icontains => grading::CheckKind::Icontains,
            AssertionType::Regex => grading::CheckKind::Regex,
            AssertionType::StartsWith => grading::CheckKind::StartsWith,
            AssertionType::IsJson => grading::CheckKind::IsJson,
            AssertionType::JsonFieldEquals => grading::CheckKind::JsonFieldEquals,
        };
        Self { kind, value: a.value, column: a.column, field: a.field }
    }
}

impl TryFrom<CreateRun> for runs::NewRun {
    type Error = ApiError;

    fn try_from(req: CreateRun) -> Result<Self, ApiError> {
        let prompt = prompt_ref(req.prompt_version_id, req.prompt_id, "")?;
        let grader = req
            .grader
            .map(|g| {
                Ok::<_, ApiError>(runs::NewGrader {
                    prompt: prompt_ref(g.prompt_version_id, g.prompt_id, "grader.")?,
                    provider: g.provider,
                    model: g.model,
                    params: g.params.unwrap_or_default().into(),
                })
            })
            .transpose()?;
        Ok(Self {
            prompt,
            dataset_id: req.dataset_id,
            variables: req.variables.unwrap_or_default(),
            system: req.system,
            models: req.models.into_iter().map(Into::into).collect(),
            grader,
            concurrency: req.concurrency,
            grading: runs::Grading {
                expected_column: req.expected_column,
                scale: req.score_scale.map_or_else(grading::ScoreScale::default, |s| {
                    grading::ScoreScale { min: s.min, max: s.max }
                }),
                pass_threshold: req.pass_threshold.unwrap_or(0.5),
                checks: req.assertions.unwrap_or_default().into_iter().map(Into::into).collect(),
            },
        })
    }
}

/// Exactly one of a version id or a prompt id.
fn prompt_ref(
    version: Option<Uuid>,
    prompt: Option<Uuid>,
    prefix: &str,
) -> ApiResult<runs::PromptRef> {
    match (version, prompt) {
        (Some(version), None) => Ok(runs::PromptRef::Version(version)),
        (None, Some(prompt)) => Ok(runs::PromptRef::Current(prompt)),
        _ => Err(ApiError::validation(vec![FieldError::new(
            format!("{prefix}prompt_version_id"),
            "one_of",
            "give exactly one of prompt_version_id and prompt_id",
        )])),
    }
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CreateRunQuery {
    /// Hold the response until the run ends or this many seconds pass (0-60): the synchronous
    /// mode for small runs. 200 if it ended, 202 otherwise.
    #[validate(range(max = 60))]
    pub wait: Option<u64>,
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListRunsQuery {
    /// Only runs of this prompt.
    pub prompt_id: Option<Uuid>,
    /// Page size, 1-200 (default 50).
    #[validate(range(min = 1, max = MAX_LIMIT))]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListCellsQuery {
    /// Only cells changed after this time (poll with the largest `updated_at` seen, minus a
    /// second for transactions still committing, and deduplicate by id).
    pub updated_since: Option<DateTime<Utc>>,
    /// Only cells in this state.
    pub status: Option<CellStatus>,
    /// Page size, 1-1000 (default 100).
    #[validate(range(min = 1, max = CELLS_MAX_LIMIT))]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// `/runs/{id}/cells/{cell_id}`
#[derive(Debug, Deserialize)]
pub struct CellPath {
    pub id: Uuid,
    pub cell_id: Uuid,
}

// ---- response types ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum RunStatus {
    Queued,
    Running,
    Completed,
    Failed,
    Cancelled,
}

impl From<runs::RunStatus> for RunStatus {
    fn from(status: runs::RunStatus) -> Self {
        match status {
            runs::RunStatus::Queued => Self::Queued,
            runs::RunStatus::Running => Self::Running,
            runs::RunStatus::Completed => Self::Completed,
            runs::RunStatus::Failed => Self::Failed,
            runs::RunStatus::Cancelled => Self::Cancelled,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum CellStatus {
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

impl From<runs::CellStatus> for CellStatus {
    fn from(status: runs::CellStatus) -> Self {
        match status {
            runs::CellStatus::Queued => Self::Queued,
            runs::CellStatus::Running => Self::Running,
            runs::CellStatus::Succeeded => Self::Succeeded,
            runs::CellStatus::Failed => Self::Failed,
            runs::CellStatus::Cancelled => Self::Cancelled,
        }
    }
}

impl From<CellStatus> for runs::CellStatus {
    fn from(status: CellStatus) -> Self {
        match status {
            CellStatus::Queued => Self::Queued,
            CellStatus::Running => Self::Running,
            CellStatus::Succeeded => Self::Succeeded,
            CellStatus::Failed => Self::Failed,
            CellStatus::Cancelled => Self::Cancelled,
        }
    }
}

/// Cells by state.
#[derive(Debug, Serialize, ToSchema)]
pub struct CellCounts {
    pub queued: i64,
    pub running: i64,
    pub succeeded: i64,
    pub failed: i64,
    pub cancelled: i64,
}

impl From<runs::CellCounts> for CellCounts {
    fn from(c: runs::CellCounts) -> Self {
        Self {
            queued: c.queued,
            running: c.running,
            succeeded: c.succeeded,
            failed: c.failed,
            cancelled: c.cancelled,
        }
    }
}

/// The prompt version a run ran (kept if the prompt is deleted: then the ids are null).
#[derive(Debug, Serialize, ToSchema)]
pub struct RunPrompt {
    pub prompt_id: Option<Uuid>,
    pub prompt_version_id: Option<Uuid>,
    pub name: String,
    pub version: i32,
}

/// A run without its models and counts (list item).
#[derive(Debug, Serialize, ToSchema)]
pub struct RunListItem {
    pub id: Uuid,
    pub status: RunStatus,
    pub prompt: RunPrompt,
    pub dataset_id: Option<Uuid>,
    pub dataset_name: Option<String>,
    pub cell_count: i32,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl From<runs::Run> for RunListItem {
    fn from(r: runs::Run) -> Self {
        Self {
            id: r.id,
            status: r.status.into(),
            prompt: RunPrompt {
                prompt_id: r.prompt_id,
                prompt_version_id: r.prompt_version_id,
                name: r.prompt_name,
                version: r.prompt_version,
            },
            dataset_id: r.dataset_id,
            dataset_name: r.dataset_name,
            cell_count: r.cell_count,
            created_at: r.created_at,
            started_at: r.started_at,
            finished_at: r.finished_at,
        }
    }
}

/// One of a run's models, with its prices and what its cells used so far.
#[derive(Debug, Serialize, ToSchema)]
pub struct RunModelView {
    pub id: Uuid,
    pub position: i16,
    pub provider: String,
    pub model: String,
    pub label: String,
    pub params: ModelParams,
    /// USD per million input tokens, as of `prices_as_of`.
    pub input_per_mtok: f64,
    pub output_per_mtok: f64,
    pub prices_as_of: Option<NaiveDate>,
    pub counts: CellCounts,
    pub tokens_in: i64,
    pub tokens_out: i64,
    pub cost_usd: f64,
    /// Mean latency of the succeeded cells.
    pub mean_latency_ms: Option<f64>,
}

/// A run: status, what it runs, and its progress.
#[derive(Debug, Serialize, ToSchema)]
pub struct RunView {
    #[serde(flatten)]
    pub summary: RunListItem,
    pub system: Option<String>,
    #[schema(value_type = Object)]
    pub variables: Value,
    /// The grader (its prompt and model, frozen at creation), if any.
    #[schema(value_type = Option<Object>)]
    pub grader: Option<Value>,
    pub concurrency: Option<i32>,
    pub expected_column: Option<String>,
    pub score_scale: ScoreScale,
    pub pass_threshold: f64,
    #[schema(value_type = Vec<Object>)]
    pub assertions: Value,
    pub models: Vec<RunModelView>,
    pub counts: CellCounts,
}

impl From<runs::RunDetail> for RunView {
    fn from(detail: runs::RunDetail) -> Self {
        let runs::RunDetail { run, models, counts, totals } = detail;
        let models = models
            .into_iter()
            .map(|m| {
                let totals = totals.iter().find(|t| t.run_model_id == m.id);
                RunModelView {
                    id: m.id,
                    position: m.position,
                    provider: m.provider,
                    model: m.model,
                    label: m.label,
                    params: m.params.0.into(),
                    input_per_mtok: m.input_per_mtok,
                    output_per_mtok: m.output_per_mtok,
                    prices_as_of: m.prices_as_of,
                    counts: totals.map(|t| t.counts).unwrap_or_default().into(),
                    tokens_in: totals.map_or(0, |t| t.tokens_in),
                    tokens_out: totals.map_or(0, |t| t.tokens_out),
                    cost_usd: totals.map_or(0.0, |t| t.cost_usd),
                    mean_latency_ms: totals.and_then(|t| t.mean_latency_ms),
                }
            })
            .collect();
        Self {
            system: run.system_prompt.clone(),
            variables: run.variables.clone(),
            grader: run.grader.clone(),
            concurrency: run.concurrency,
            expected_column: run.expected_column.clone(),
            score_scale: ScoreScale { min: run.score_min, max: run.score_max },
            pass_threshold: run.pass_threshold,
            assertions: serde_json::to_value(&run.checks.0).expect("checks serialize"),
            summary: run.into(),
            models,
            counts: counts.into(),
        }
    }
}

/// Why a cell failed.
#[derive(Debug, Serialize, ToSchema)]
pub struct CellError {
    /// `rate_limited`, `timeout`, `auth`, `invalid_request`, `provider_error`, `abandoned`, ...
    pub kind: String,
    pub message: String,
}

/// The grader's judgement of an output.
#[derive(Debug, Serialize, ToSchema)]
pub struct JudgeView {
    /// `graded`; `parse_error` (it answered without a verdict: see `output` and `error`); `error`
    /// (it could not be called).
    pub status: String,
    /// Normalised to 0..1.
    pub score: Option<f64>,
    pub pass: Option<bool>,
    pub reason: Option<String>,
    /// The grader's raw answer.
    pub output: Option<String>,
    pub error: Option<String>,
    pub tokens_in: Option<i32>,
    pub tokens_out: Option<i32>,
    pub cost_usd: Option<f64>,
    pub latency_ms: Option<i32>,
}

/// The outcome of one assertion.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssertionResult {
    #[serde(rename = "type")]
    pub kind: AssertionType,
    pub passed: bool,
    pub reason: String,
}

/// A person's grade of a cell.
#[derive(Debug, Serialize, ToSchema)]
pub struct ManualGradeView {
    /// `pass` or `fail`.
    pub value: String,
    pub note: Option<String>,
    pub graded_by: Option<Uuid>,
    pub graded_at: Option<DateTime<Utc>>,
}

/// How a cell's output is graded.
#[derive(Debug, Serialize, ToSchema)]
pub struct CellGrading {
    pub judge: Option<JudgeView>,
    pub assertion_results: Option<Vec<AssertionResult>>,
    /// Every assertion and the judge passed; null when nothing graded it, or the judge gave no
    /// verdict.
    pub auto_pass: Option<bool>,
    pub manual: Option<ManualGradeView>,
    /// The manual grade when set, else the automatic one.
    pub effective_pass: Option<bool>,
}

/// A change of a cell's manual grade.
#[derive(Debug, Serialize, ToSchema)]
pub struct GradeEntryView {
    /// `pass`, `fail` or `unset`.
    pub value: String,
    pub note: Option<String>,
    pub graded_by: Uuid,
    pub created_at: DateTime<Utc>,
}

impl From<runs::GradeEntry> for GradeEntryView {
    fn from(e: runs::GradeEntry) -> Self {
        Self { value: e.value, note: e.note, graded_by: e.graded_by, created_at: e.created_at }
    }
}

/// One (model, row) of a run.
#[derive(Debug, Serialize, ToSchema)]
pub struct CellView {
    pub id: Uuid,
    pub run_id: Uuid,
    /// The run model (`models[].id` of the run).
    pub model_id: Uuid,
    /// The dataset row; null for a run without a dataset.
    pub row_index: Option<i32>,
    pub status: CellStatus,
    /// Model calls made, retries included.
    pub attempts: i32,
    pub rendered_system: Option<String>,
    pub rendered_prompt: Option<String>,
    pub output: Option<String>,
    pub error: Option<CellError>,
    pub finish_reason: Option<String>,
    pub latency_ms: Option<i32>,
    pub tokens_in: Option<i32>,
    pub tokens_out: Option<i32>,
    /// Of the generation.
    pub cost_usd: Option<f64>,
    /// Generation and grading.
    pub total_cost_usd: Option<f64>,
    pub grading: CellGrading,
    /// Every manual grading, oldest first (single-cell responses only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<GradeEntryView>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl From<runs::Cell> for CellView {
    fn from(c: runs::Cell) -> Self {
        let error = c
            .error_kind
            .map(|kind| CellError { kind, message: c.error_message.unwrap_or_default() });
        let judge = c.judge_status.map(|status| JudgeView {
            status: status.as_str().to_owned(),
            score: c.judge_score,
            pass: c.judge_pass,
            reason: c.judge_reason,
            output: c.judge_output,
            error: c.judge_error,
            tokens_in: c.grader_tokens_in,
            tokens_out: c.grader_tokens_out,
            cost_usd: c.grader_cost_usd,
            latency_ms: c.grader_latency_ms,
        });
        let assertion_results = c.check_results.map(|results| {
            results
                .0
                .into_iter()
                .map(|r| AssertionResult {
                    kind: r.kind.into(),
                    passed: r.passed,
                    reason: r.reason,
                })
                .collect()
        });
        let manual = c.manual_grade.map(|value| ManualGradeView {
            value,
            note: c.manual_note,
            graded_by: c.manual_graded_by,
            graded_at: c.manual_graded_at,
        });
        Self {
            id: c.id,
            run_id: c.run_id,
            model_id: c.run_model_id,
            row_index: c.row_index,
            status: c.status.into(),
            attempts: c.attempts,
            rendered_system: c.rendered_system,
            rendered_prompt: c.rendered_prompt,
            output: c.output,
            error,
            finish_reason: c.finish_reason,
            latency_ms: c.latency_ms,
            tokens_in: c.tokens_in,
            tokens_out: c.tokens_out,
            cost_usd: c.cost_usd,
            total_cost_usd: c.cost_usd.map(|cost| cost + c.grader_cost_usd.unwrap_or(0.0)),
            grading: CellGrading {
                judge,
                assertion_results,
                auto_pass: c.auto_pass,
                manual,
                effective_pass: c.effective_pass,
            },
            history: None,
            created_at: c.created_at,
            updated_at: c.updated_at,
            started_at: c.started_at,
            finished_at: c.finished_at,
        }
    }
}

impl From<runs::CellDetail> for CellView {
    fn from(detail: runs::CellDetail) -> Self {
        Self {
            history: Some(detail.history.into_iter().map(Into::into).collect()),
            ..detail.cell.into()
        }
    }
}

impl From<grading::CheckKind> for AssertionType {
    fn from(kind: grading::CheckKind) -> Self {
        match kind {
            grading::CheckKind::Equals => Self::Equals,
            grading::CheckKind::Contains => Self::Contains,
            grading::CheckKind::Icontains => Self::Icontains,
            grading::CheckKind::Regex => Self::Regex,
            grading::CheckKind::StartsWith => Self::StartsWith,
            grading::CheckKind::IsJson => Self::IsJson,
            grading::CheckKind::JsonFieldEquals => Self::JsonFieldEquals,
        }
    }
}

// ---- handlers ---------------------------------------------------------------------------------

/// List runs, newest first.
#[utoipa::path(get, path = "/runs", tag = "runs", params(ListRunsQuery),
    responses((status = 200, body = PageOf<RunListItem>)))]
pub async fn list_runs(
    state: AppState,
    Authenticated(user): Authenticated,
    ApiQuery(query): ApiQuery<ListRunsQuery>,
) -> ApiResult<Json<PageOf<RunListItem>>> {
    let filter = runs::RunFilter { prompt_id: query.prompt_id };
    let mut tx = state.db.begin_as(&user).await?;
    let page = runs::list(&mut tx, &filter, &page_request(query.limit, query.cursor)).await?;
    tx.commit().await?;
    Ok(Json(page.into()))
}

/// Start a run: everything is checked before anything is written (422 names each problem),
/// then the run and one cell per (model, row) are queued for the workers.
#[utoipa::path(post, path = "/runs", tag = "runs", params(CreateRunQuery), request_body = CreateRun,
    responses(
        (status = 202, description = "Queued (or still running after `wait`)", body = RunView, headers(("location" = String))),
        (status = 200, description = "Ended within `wait`", body = RunView, headers(("location" = String))),
    ))]
pub async fn create_run(
    state: AppState,
    Authenticated(user): Authenticated,
    ApiQuery(query): ApiQuery<CreateRunQuery>,
    ApiJson(req): ApiJson<CreateRun>,
) -> ApiResult<(StatusCode, HeaderMap, Json<RunView>)> {
    let new = runs::NewRun::try_from(req)?;
    // Subscribed before the commit, so the end of a quick run cannot slip past.
    let events = state.events.subscribe();
    let mut tx = state.db.begin_as(&user).await?;
    let mut run = runs::create(&mut tx, &state.providers, &state.run_limits, new).await?;
    tx.commit().await?;
    if let Some(wait) = query.wait.filter(|w| *w > 0) {
        run = wait_for_end(
            &state,
            &user,
            run,
            events,
            Duration::from_secs(wait.min(MAX_WAIT_SECONDS)),
        )
        .await?;
    }
    let status = if run.run.status.is_terminal() { StatusCode::OK } else { StatusCode::ACCEPTED };
    let location = location(&format!("/v1/runs/{}", run.run.id));
    Ok((status, location, Json(run.into())))
}

/// Get a run: status, models with per-model totals, cells by state.
#[utoipa::path(get, path = "/runs/{id}", tag = "runs", params(("id" = Uuid, Path)),
    responses((status = 200, body = RunView)))]
pub async fn get_run(
    state: AppState,
    Authenticated(user): Authenticated,
    ApiPath(IdPath { id }): ApiPath<IdPath>,
) -> ApiResult<Json<RunView>> {
    let mut tx = state.db.begin_as(&user).await?;
    let run = runs::get(&mut tx, id).await?;
    tx.commit().await?;
    Ok(Json(run.into()))
}

/// Cancel a run: queued and running cells are cancelled; results still arriving are dropped.
#[utoipa::path(post, path = "/runs/{id}/cancel", tag = "runs", params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = RunView),
        (status = 409, description = "The run already ended (`run_finished`)", body = crate::error::Problem,
            content_type = "application/problem+json"),
    ))]
pub async fn cancel_run(
    state: AppState,
    Authenticated(user): Authenticated,
    ApiPath(IdPath { id }): ApiPath<IdPath>,
) -> ApiResult<Json<RunView>> {
    let mut tx = state.db.begin_as(&user).await?;
    let run = runs::cancel(&mut tx, id).await?;
    tx.commit().await?;
    Ok(Json(run.into()))
}

/// Delete a run and its cells.
#[utoipa::path(delete, path = "/runs/{id}", tag = "runs", params(("id" = Uuid, Path)),
    responses((status = 204, description = "Deleted")))]
pub async fn delete_run(
    state: AppState,
    Authenticated(user): Authenticated,
    ApiPath(IdPath { id }): ApiPath<IdPath>,
) -> ApiResult<StatusCode> {
    let mut tx = state.db.begin_as(&user).await?;
    runs::delete(&mut tx, id).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A run's cells, least recently changed first: poll with `updated_since` for changes.
#[utoipa::path(get, path = "/runs/{id}/cells", tag = "runs", params(("id" = Uuid, Path), ListCellsQuery),
    responses((status = 200, body = PageOf<CellView>)))]
pub async fn list_run_cells(
    state: AppState,
    Authenticated(user): Authenticated,
    ApiPath(IdPath { id }): ApiPath<IdPath>,
    ApiQuery(query): ApiQuery<ListCellsQuery>,
) -> ApiResult<Json<PageOf<CellView>>> {
    let page = platform::pagination::PageRequest {
        limit: query.limit.unwrap_or(CELLS_DEFAULT_LIMIT),
        cursor: query.cursor,
    };
    let mut tx = state.db.begin_as(&user).await?;
    let cells =
        runs::list_cells(&mut tx, id, query.updated_since, query.status.map(Into::into), &page)
            .await?;
    tx.commit().await?;
    Ok(Json(cells.into()))
}

/// One cell: rendered prompt, output or error, tokens, cost, latency.
#[utoipa::path(get, path = "/runs/{id}/cells/{cell_id}", tag = "runs",
    params(("id" = Uuid, Path), ("cell_id" = Uuid, Path)), responses((status = 200, body = CellView)))]
pub async fn get_run_cell(
    state: AppState,
    Authenticated(user): Authenticated,
    ApiPath(CellPath { id, cell_id }): ApiPath<CellPath>,
) -> ApiResult<Json<CellView>> {
    let mut tx = state.db.begin_as(&user).await?;
    let cell = runs::get_cell(&mut tx, id, cell_id).await?;
    tx.commit().await?;
    Ok(Json(cell.into()))
}

/// Queue a failed cell again.
#[utoipa::path(post, path = "/runs/{id}/cells/{cell_id}/retry", tag = "runs",
    params(("id" = Uuid, Path), ("cell_id" = Uuid, Path)),
    responses(
        (status = 200, body = CellView),
        (status = 409, description = "The cell did not fail (`cell_not_failed`) or the run is cancelled (`run_cancelled`)",
            body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn retry_run_cell(
    state: AppState,
    Authenticated(user): Authenticated,
    ApiPath(CellPath { id, cell_id }): ApiPath<CellPath>,
) -> ApiResult<Json<CellView>> {
    let mut tx = state.db.begin_as(&user).await?;
    let cell = runs::retry_cell(&mut tx, id, cell_id).await?;
    tx.commit().await?;
    Ok(Json(cell.into()))
}

/// Follow a run as Server-Sent Events: `run` (status and counts, first and on every change),
/// `cell` (`{"cell_id", "status"}` on every cell change) and `resync` (events were missed: reread).
/// The stream ends after the run does.
#[utoipa::path(get, path = "/runs/{id}/events", tag = "runs", params(("id" = Uuid, Path)),
    responses((status = 200, description = "An event stream", content_type = "text/event-stream", body = String)))]
pub async fn stream_run_events(
    state: AppState,
    Authenticated(user): Authenticated,
    ApiPath(IdPath { id }): ApiPath<IdPath>,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let events = state.events.subscribe();
    let mut tx = state.db.begin_as(&user).await?;
    let run = runs::get(&mut tx, id).await?;
    tx.commit().await?;
    let first = run_event(&run);
    let done = run.run.status.is_terminal();
    let updates = stream::unfold((events, done), move |(mut events, done)| async move {
        if done {
            return None;
        }
        loop {
            let (event, ended) = match events.recv().await {
                Ok(event) if event.kind == EventKind::Resync => {
                    (Event::default().event("resync").data("{}"), false)
                }
                Ok(event) if event.run_id != id => continue,
                Ok(event) => sse_event(&event),
                Err(RecvError::Lagged(_)) => (Event::default().event("resync").data("{}"), false),
                Err(RecvError::Closed) => return None,
            };
            return Some((Ok(event), (events, ended)));
        }
    });
    let stream = stream::once(async move { Ok(first) }).chain(updates);
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

// ---- helpers ----------------------------------------------------------------------------------

fn run_event(run: &runs::RunDetail) -> Event {
    let counts = CellCounts::from(run.counts);
    let data = serde_json::json!({"run_id": run.run.id, "status": run.run.status.as_str(), "counts": counts});
    Event::default().event("run").data(data.to_string())
}

/// The SSE form of a change, and whether it ends the run.
fn sse_event(event: &RunEvent) -> (Event, bool) {
    match event.kind {
        EventKind::Cell => {
            let data = serde_json::json!({"cell_id": event.cell_id, "status": event.status});
            (Event::default().event("cell").data(data.to_string()), false)
        }
        _ => {
            let data = serde_json::json!({"run_id": event.run_id, "status": event.status});
            let ended = matches!(event.status.as_str(), "completed" | "failed" | "cancelled");
            (Event::default().event("run").data(data.to_string()), ended)
        }
    }
}

/// Waits (up to `limit`) for the run to end, then rereads it.
async fn wait_for_end(
    state: &AppState,
    user: &User,
    run: runs::RunDetail,
    mut events: Receiver<RunEvent>,
    limit: Duration,
) -> ApiResult<runs::RunDetail> {
    let id = run.run.id;
    let ended = async {
        loop {
            match events.recv().await {
                Ok(event) if event.run_id == id && event.kind == EventKind::Run => {
                    if matches!(event.status.as_str(), "completed" | "failed" | "cancelled") {
                        return;
                    }
                }
                Ok(_) => {}
                // Missed events: fall back to rereading.
                Err(_) => return,
            }
        }
    };
    let _ = tokio::time::timeout(limit, ended).await;
    let mut tx = state.db.begin_as(user).await?;
    let run = runs::get(&mut tx, id).await?;
    tx.commit().await?;
    Ok(run)
}
