//! What runs and cells are: one type per concept, read from SQL, written by the workers and
//! shown by the API as they are (the `openapi` feature documents them).

use chrono::{DateTime, NaiveDate, Utc};
use datasets::DatasetId;
use grading::{Check, CheckResult, ScoreScale};
use platform::OrgId;
use prompts::{PromptId, PromptVersionId};
use providers::ModelParams;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::create::GraderSnapshot;

platform::typed_id!(
    /// A run's id.
    RunId
);
platform::typed_id!(
    /// The id of one of a run's models.
    RunModelId
);
platform::typed_id!(
    /// A cell's id.
    CellId
);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
#[sqlx(type_name = "run_status", rename_all = "lowercase")]
pub enum RunStatus {
    Queued,
    Running,
    Completed,
    Failed,
    Cancelled,
}

impl RunStatus {
    pub fn is_terminal(self) -> bool {
        matches!(self, Self::Completed | Self::Failed | Self::Cancelled)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Completed => "completed",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
#[sqlx(type_name = "cell_status", rename_all = "lowercase")]
pub enum CellStatus {
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

impl CellStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
        }
    }
}

/// Cells by state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CellCounts {
    pub queued: i64,
    pub running: i64,
    pub succeeded: i64,
    pub failed: i64,
    pub cancelled: i64,
}

/// The prompt version a run ran (kept if the prompt is deleted: then the ids are null).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RunPrompt {
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Uuid>))]
    pub prompt_id: Option<PromptId>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Uuid>))]
    pub prompt_version_id: Option<PromptVersionId>,
    pub name: String,
    pub version: i32,
}

/// A run without its models and counts.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Run {
    #[cfg_attr(feature = "openapi", schema(value_type = Uuid))]
    pub id: RunId,
    /// The organization the run belongs to.
    #[cfg_attr(feature = "openapi", schema(value_type = Uuid))]
    pub org_id: OrgId,
    /// Who started it (null once that user is deleted).
    pub created_by: Option<Uuid>,
    pub status: RunStatus,
    #[sqlx(flatten)]
    pub prompt: RunPrompt,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Uuid>))]
    pub dataset_id: Option<DatasetId>,
    pub dataset_name: Option<String>,
    pub cell_count: i32,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// A page of a run's change feed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Changes {
    /// The cells changed since the cursor, in the order their changes committed.
    pub items: Vec<Cell>,
    /// Pass it back as `cursor`: the next call returns exactly the changes after these.
    pub cursor: String,
    /// More changes are waiting: call again at once.
    pub more: bool,
}

/// A run in a list: what a history page shows, in one call.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RunListItem {
    #[serde(flatten)]
    #[sqlx(flatten)]
    pub run: Run,
    #[sqlx(flatten)]
    pub counts: CellCounts,
    /// Generation and grading, so far.
    pub spent_usd: f64,
    /// The share of graded cells that pass (a manual grade wins over the automatic one); null
    /// while none is graded.
    pub pass_rate: Option<f64>,
    /// From start to end (or to now, while it runs); null before it starts.
    pub duration_ms: Option<i64>,
}

/// A run: status, what it runs, and its progress.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = RunView))]
pub struct RunDetail {
    #[serde(flatten)]
    #[sqlx(flatten)]
    pub run: Run,
    /// The prompt's text, as the run snapshotted it (what the workers render).
    #[serde(skip)]
    pub prompt_body: String,
    pub system: Option<String>,
    #[sqlx(json)]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub variables: Map<String, Value>,
    /// The grader (its prompt and model, frozen when its grading pass started), if any.
    #[sqlx(json(nullable))]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub grader: Option<GraderSnapshot>,
    pub concurrency: Option<i32>,
    pub expected_column: Option<String>,
    #[sqlx(json)]
    pub score_scale: ScoreScale,
    pub pass_threshold: f64,
    #[sqlx(json)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub assertions: Vec<Check>,
    /// Answers of identical requests are reused from the response cache, and new ones kept.
    pub cache: bool,
    /// The run stops (its queued cells are cancelled with `budget_exceeded`) once its cells
    /// spent this much.
    pub max_cost_usd: Option<f64>,
    /// When the run reached its budget, if it did.
    pub budget_exceeded_at: Option<DateTime<Utc>>,
    /// The run this one re-runs, if it is a re-run.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Uuid>))]
    pub parent_run_id: Option<RunId>,
    /// The number of the grading pass in force (1 until a regrade): its grader, assertions,
    /// scale and threshold are the ones above, and its grades the cells'.
    pub grading_pass: i32,
    /// The re-runs of this run, oldest first.
    #[sqlx(skip)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Uuid>))]
    pub children: Vec<RunId>,
    #[sqlx(skip)]
    pub models: Vec<RunModel>,
    #[sqlx(skip)]
    pub counts: CellCounts,
}

/// One of a run's models, with its prices and what its cells used so far.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = RunModelView))]
pub struct RunModel {
    #[cfg_attr(feature = "openapi", schema(value_type = Uuid))]
    pub id: RunModelId,
    pub position: i16,
    pub provider: String,
    pub model: String,
    pub label: String,
    #[sqlx(json)]
    pub params: ModelParams,
    /// USD per million input tokens, as of `prices_as_of`.
    pub input_per_mtok: f64,
    pub output_per_mtok: f64,
    pub prices_as_of: Option<NaiveDate>,
    #[sqlx(flatten)]
    pub counts: CellCounts,
    pub tokens_in: i64,
    pub tokens_out: i64,
    pub cost_usd: f64,
    /// Mean latency of the succeeded cells.
    pub mean_latency_ms: Option<f64>,
}

/// Why a cell failed: `rate_limited`, `timeout`, `auth`, `invalid_request`, `provider_error`,
/// `answer_too_large` (from the provider); `invalid_input` (the row, a placeholder, the model or
/// its parameters cannot be used), `prompt_too_large` (over MAX_RENDERED_PROMPT_BYTES),
/// `unavailable` (provider not configured), `abandoned` (its workers kept dying), `internal` (the
/// result could not be stored).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
// Stored as text, its values held to this set by a check constraint.
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum ErrorKind {
    /// The provider kept answering 429.
    RateLimited,
    /// The provider did not answer in time.
    Timeout,
    /// The provider refused the key.
    Auth,
    /// The provider refused the request (unknown model, bad parameter).
    InvalidRequest,
    /// 5xx, overload, a broken connection or an unreadable answer.
    ProviderError,
    /// The answer was larger than this server reads.
    AnswerTooLarge,
    /// The row, a placeholder, the model or its parameters cannot be used.
    InvalidInput,
    /// The rendered prompt is longer than MAX_RENDERED_PROMPT_BYTES.
    PromptTooLarge,
    /// The provider is not configured on the worker.
    Unavailable,
    /// Claimed again and again without a result (its workers kept dying).
    Abandoned,
    /// The result could not be stored.
    Internal,
    /// Not run: the run reached its `max_cost_usd`.
    BudgetExceeded,
}

impl From<providers::ErrorKind> for ErrorKind {
    fn from(kind: providers::ErrorKind) -> Self {
        match kind {
            providers::ErrorKind::RateLimited => Self::RateLimited,
            providers::ErrorKind::Timeout => Self::Timeout,
            providers::ErrorKind::Auth => Self::Auth,
            providers::ErrorKind::InvalidRequest => Self::InvalidRequest,
            providers::ErrorKind::ProviderError => Self::ProviderError,
            providers::ErrorKind::AnswerTooLarge => Self::AnswerTooLarge,
        }
    }
}

/// Why a cell failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CellError {
    pub kind: ErrorKind,
    pub message: String,
}

impl CellError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self { kind, message: message.into() }
    }
}

/// The model call of a cell: what was sent, and what came back.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Generation {
    pub rendered_system: Option<String>,
    pub rendered_prompt: Option<String>,
    /// The model's answer (its first MAX_OUTPUT_BYTES).
    pub output: Option<String>,
    /// The answer was longer than MAX_OUTPUT_BYTES: `output` holds its start.
    pub output_truncated: bool,
    pub finish_reason: Option<String>,
    pub latency_ms: Option<i32>,
    pub tokens_in: Option<i32>,
    pub tokens_out: Option<i32>,
    /// Of the generation: zero for an answer from the cache.
    pub cost_usd: Option<f64>,
    /// The answer came from the response cache (a run created with `cache: true`).
    #[serde(default)]
    pub cached: bool,
    /// What a cached answer cost when it was made.
    pub saved_cost_usd: Option<f64>,
}

/// How a judge's grading of a cell ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "grade_status", rename_all = "snake_case")]
pub enum GradeStatus {
    /// The judge answered with a verdict.
    Graded,
    /// The judge answered, but not with a verdict (its answer is kept).
    ParseError,
    /// The judge could not be called (after retries).
    Error,
}

/// The grader's judgement of an output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = JudgeView))]
pub struct Judgement {
    /// `graded`; `parse_error` (it answered without a verdict: see `output` and `error`); `error`
    /// (it could not be called).
    pub status: GradeStatus,
    /// Normalised to 0..1.
    pub score: Option<f64>,
    pub pass: Option<bool>,
    pub reason: Option<String>,
    /// The grader's raw answer (its first MAX_OUTPUT_BYTES).
    pub output: Option<String>,
    /// The grader's answer was longer than MAX_OUTPUT_BYTES: `output` holds its start.
    pub output_truncated: bool,
    pub error: Option<String>,
    pub tokens_in: Option<i32>,
    pub tokens_out: Option<i32>,
    pub cost_usd: Option<f64>,
    pub latency_ms: Option<i32>,
}

/// A manual grade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum GradeValue {
    Pass,
    Fail,
    /// Removes the manual grade: the automatic one counts again.
    Unset,
}

impl GradeValue {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Fail => "fail",
            Self::Unset => "unset",
        }
    }
}

/// A person's grade of a cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = ManualGradeView))]
pub struct ManualGrade {
    /// `pass` or `fail`.
    pub value: GradeValue,
    pub note: Option<String>,
    pub graded_by: Option<Uuid>,
    pub graded_at: Option<DateTime<Utc>>,
}

/// How a cell's output is graded.
#[derive(Debug, Clone, Default, PartialEq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CellGrading {
    #[sqlx(json(nullable))]
    pub judge: Option<Judgement>,
    #[sqlx(json(nullable))]
    pub assertion_results: Option<Vec<CheckResult>>,
    /// Every assertion and the judge passed; null when nothing graded it, or the judge gave no
    /// verdict.
    pub auto_pass: Option<bool>,
    #[sqlx(json(nullable))]
    pub manual: Option<ManualGrade>,
    /// The manual grade when set, else the automatic one.
    pub effective_pass: Option<bool>,
}

/// A change of a cell's manual grade.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = GradeEntryView))]
pub struct GradeEntry {
    /// `pass`, `fail` or `unset`.
    #[sqlx(json)]
    pub value: GradeValue,
    pub note: Option<String>,
    pub graded_by: Uuid,
    pub created_at: DateTime<Utc>,
}

/// One (model, row) of a run.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = CellView))]
pub struct Cell {
    #[cfg_attr(feature = "openapi", schema(value_type = Uuid))]
    pub id: CellId,
    #[cfg_attr(feature = "openapi", schema(value_type = Uuid))]
    pub run_id: RunId,
    /// The run model (`models[].id` of the run).
    #[cfg_attr(feature = "openapi", schema(value_type = Uuid))]
    pub model_id: RunModelId,
    /// The dataset row; null for a run without a dataset.
    pub row_index: Option<i32>,
    pub status: CellStatus,
    /// Model calls made, retries included.
    pub attempts: i32,
    #[serde(flatten)]
    #[sqlx(flatten)]
    pub generation: Generation,
    #[sqlx(json(nullable))]
    pub error: Option<CellError>,
    /// Generation and grading.
    pub total_cost_usd: Option<f64>,
    #[sqlx(flatten)]
    pub grading: CellGrading,
    /// Every manual grading, oldest first (single-cell responses only).
    #[sqlx(skip)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<GradeEntry>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// How a run's outputs are graded automatically.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Grading {
    /// The dataset column with the expected answer (`{{expected}}`); default `expected` when the
    /// dataset has such a column.
    pub expected_column: Option<String>,
    pub scale: ScoreScale,
    /// The normalised score from which a verdict without `pass` passes.
    pub pass_threshold: f64,
    pub checks: Vec<Check>,
}

/// Which prompt version to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptRef {
    Version(PromptVersionId),
    /// The prompt's current version.
    Current(PromptId),
}

/// A model to run, as the caller asks for it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRunModel {
    pub provider: String,
    pub model: String,
    pub label: Option<String>,
    pub params: ModelParams,
}

/// A grader: a prompt of kind `grader` and the model that runs it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewGrader {
    pub prompt: PromptRef,
    pub provider: String,
    pub model: String,
    pub params: ModelParams,
}

/// A run to create.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRun {
    pub prompt: PromptRef,
    pub dataset_id: Option<DatasetId>,
    /// Values for placeholders no dataset column provides (or for every placeholder, without
    /// a dataset).
    pub variables: Map<String, Value>,
    /// A system message, with placeholders like the prompt.
    pub system: Option<String>,
    pub models: Vec<NewRunModel>,
    pub grader: Option<NewGrader>,
    pub grading: Grading,
    pub concurrency: Option<i32>,
    /// Reuse (and keep) answers of identical requests.
    pub cache: bool,
    /// Stop the run once its cells spent this much (USD).
    pub max_cost_usd: Option<f64>,
    /// The run this one re-runs.
    pub parent_run_id: Option<RunId>,
    /// Only these dataset rows (by index); every row without.
    pub rows: Option<Vec<i32>>,
    /// Unsaved text to run instead of the prompt's current version (with `prompt: Current`):
    /// saved as a draft version, so the run stays reproducible.
    pub draft_body: Option<String>,
}

/// Which runs to list.
#[derive(Debug, Clone, Default)]
pub struct RunFilter {
    pub prompt_id: Option<PromptId>,
    pub dataset_id: Option<DatasetId>,
    pub status: Option<RunStatus>,
    /// Runs with this model (`model`, or `provider/model`).
    pub model: Option<String>,
    pub created_after: Option<DateTime<Utc>>,
    pub created_before: Option<DateTime<Utc>>,
    /// Runs whose prompt's name contains this (case-insensitive).
    pub name: Option<String>,
}
