//! What `/v1/runs` answers: runs, their models and totals, cells and their grading.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{AssertionType, ModelParams, ScoreScale};

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
    /// `rate_limited`, `timeout`, `auth`, `invalid_request`, `provider_error`,
    /// `answer_too_large` (from the provider); `invalid_input` (the row, a placeholder, the model
    /// or its parameters cannot be used), `prompt_too_large` (over MAX_RENDERED_PROMPT_BYTES),
    /// `unavailable` (provider not configured), `abandoned` (its workers kept dying),
    /// `internal` (the result could not be stored).
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
    /// The model's answer (its first MAX_OUTPUT_BYTES).
    pub output: Option<String>,
    /// The answer was longer than MAX_OUTPUT_BYTES: `output` holds its start.
    pub output_truncated: bool,
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
            output_truncated: c.judge_output_truncated,
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
            output_truncated: c.output_truncated,
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
