//! What runs and cells are, as stored and as returned, and what a caller sends to create one.

use chrono::{DateTime, NaiveDate, Utc};
use grading::{Check, CheckResult, ScoreScale};
use providers::ModelParams;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sqlx::types::Json;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
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

/// A run, with the snapshot of what it was made from.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Run {
    pub id: Uuid,
    pub prompt_id: Option<Uuid>,
    pub prompt_version_id: Option<Uuid>,
    pub prompt_name: String,
    pub prompt_version: i32,
    pub prompt_body: String,
    pub system_prompt: Option<String>,
    pub dataset_id: Option<Uuid>,
    pub dataset_name: Option<String>,
    pub variables: Value,
    pub grader: Option<Value>,
    pub concurrency: Option<i32>,
    pub expected_column: Option<String>,
    pub score_min: f64,
    pub score_max: f64,
    pub pass_threshold: f64,
    pub checks: Json<Vec<Check>>,
    pub status: RunStatus,
    pub cell_count: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// One of a run's models, with the prices of the day the run was created.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct RunModel {
    pub id: Uuid,
    pub position: i16,
    pub provider: String,
    pub model: String,
    pub label: String,
    pub params: sqlx::types::Json<ModelParams>,
    pub input_per_mtok: f64,
    pub output_per_mtok: f64,
    pub prices_as_of: Option<NaiveDate>,
}

/// How many cells are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct CellCounts {
    pub queued: i64,
    pub running: i64,
    pub succeeded: i64,
    pub failed: i64,
    pub cancelled: i64,
}

/// A model's cells and what they used.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ModelTotals {
    pub run_model_id: Uuid,
    #[sqlx(flatten)]
    pub counts: CellCounts,
    pub tokens_in: i64,
    pub tokens_out: i64,
    pub cost_usd: f64,
    pub mean_latency_ms: Option<f64>,
}

/// A run with its models, its cells' states, and per-model totals.
#[derive(Debug, Clone, PartialEq)]
pub struct RunDetail {
    pub run: Run,
    pub models: Vec<RunModel>,
    pub counts: CellCounts,
    pub totals: Vec<ModelTotals>,
}

/// One (model, row) of a run.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Cell {
    pub id: Uuid,
    pub run_id: Uuid,
    pub run_model_id: Uuid,
    pub row_index: Option<i32>,
    pub status: CellStatus,
    pub attempts: i32,
    pub rendered_system: Option<String>,
    pub rendered_prompt: Option<String>,
    pub output: Option<String>,
    pub output_truncated: bool,
    pub error_kind: Option<String>,
    pub error_message: Option<String>,
    pub finish_reason: Option<String>,
    pub latency_ms: Option<i32>,
    pub tokens_in: Option<i32>,
    pub tokens_out: Option<i32>,
    pub cost_usd: Option<f64>,
    pub judge_status: Option<GradeStatus>,
    pub judge_score: Option<f64>,
    pub judge_pass: Option<bool>,
    pub judge_reason: Option<String>,
    pub judge_output: Option<String>,
    pub judge_output_truncated: bool,
    pub judge_error: Option<String>,
    pub grader_tokens_in: Option<i32>,
    pub grader_tokens_out: Option<i32>,
    pub grader_cost_usd: Option<f64>,
    pub grader_latency_ms: Option<i32>,
    pub check_results: Option<Json<Vec<CheckResult>>>,
    pub auto_pass: Option<bool>,
    pub manual_grade: Option<String>,
    pub manual_note: Option<String>,
    pub manual_graded_at: Option<DateTime<Utc>>,
    pub manual_graded_by: Option<Uuid>,
    pub effective_pass: Option<bool>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// How a judge's grading of a cell ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
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

impl GradeStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Graded => "graded",
            Self::ParseError => "parse_error",
            Self::Error => "error",
        }
    }
}

/// A manual grade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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

/// One manual grading of a cell: who, when, what.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct GradeEntry {
    pub value: String,
    pub note: Option<String>,
    pub graded_by: Uuid,
    pub created_at: DateTime<Utc>,
}

/// A cell with its manual grading history, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct CellDetail {
    pub cell: Cell,
    pub history: Vec<GradeEntry>,
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
    Version(Uuid),
    /// The prompt's current version.
    Current(Uuid),
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
    pub dataset_id: Option<Uuid>,
    /// Values for placeholders no dataset column provides (or for every placeholder, without
    /// a dataset).
    pub variables: Map<String, Value>,
    /// A system message, with placeholders like the prompt.
    pub system: Option<String>,
    pub models: Vec<NewRunModel>,
    pub grader: Option<NewGrader>,
    pub grading: Grading,
    pub concurrency: Option<i32>,
}

/// Which runs to list.
#[derive(Debug, Clone, Default)]
pub struct RunFilter {
    pub prompt_id: Option<Uuid>,
}
