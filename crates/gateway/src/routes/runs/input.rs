//! What clients send to `/v1/runs`: the run to start, and the query and path parameters.

use chrono::{DateTime, Utc};
use datasets::DatasetId;
use grading::{Check, ScoreScale};
use platform::pagination::MAX_LIMIT;
use prompts::{PromptId, PromptVersionId};
use providers::ModelParams;
use runs::{CellId, CellStatus, RunId};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};
use validator::{Validate, ValidationError};

use super::CELLS_MAX_LIMIT;
use crate::error::{ApiError, ApiResult, FieldError};

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
    #[validate(custom(function = "valid_params"))]
    pub params: Option<ModelParams>,
}

impl From<RunModelInput> for runs::NewRunModel {
    fn from(m: RunModelInput) -> Self {
        Self {
            provider: m.provider,
            model: m.model,
            label: m.label,
            params: m.params.unwrap_or_default(),
        }
    }
}

/// The grader of a run: a prompt of kind `grader` (by version, or its current version) and a
/// model to run it.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GraderInput {
    #[schema(value_type = Option<Uuid>)]
    pub prompt_version_id: Option<PromptVersionId>,
    #[schema(value_type = Option<Uuid>)]
    pub prompt_id: Option<PromptId>,
    #[validate(length(min = 1, max = 50))]
    #[schema(example = "mock")]
    pub provider: String,
    #[validate(length(min = 1, max = 200))]
    #[schema(example = "judge")]
    pub model: String,
    #[validate(custom(function = "valid_params"))]
    pub params: Option<ModelParams>,
}

/// A run to start.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRun {
    /// The prompt version to run; or give `prompt_id` for its current version.
    #[schema(value_type = Option<Uuid>)]
    pub prompt_version_id: Option<PromptVersionId>,
    #[schema(value_type = Option<Uuid>)]
    pub prompt_id: Option<PromptId>,
    /// Run over every row of this dataset. Without one, the run is one cell per model.
    #[schema(value_type = Option<Uuid>)]
    pub dataset_id: Option<DatasetId>,
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
    #[validate(custom(function = "valid_scale"))]
    pub score_scale: Option<ScoreScale>,
    /// The normalised score from which a verdict without `pass` passes (default 0.5).
    #[validate(range(min = 0.0, max = 1.0))]
    pub pass_threshold: Option<f64>,
    /// Deterministic checks of every output (up to 20); a cell passes when all of them and the
    /// grader do.
    #[validate(length(max = 20))]
    pub assertions: Option<Vec<Check>>,
    /// Reuse the answers of identical requests (same model, parameters and rendered messages)
    /// from the organization's response cache, and keep new ones: re-running after changing
    /// only the grader costs nothing. Cells answered from the cache say `cached: true`.
    #[serde(default)]
    pub cache: bool,
    /// Unsaved text to run, with `prompt_id`: saved as a draft version of the prompt (one per
    /// distinct text; see `include_drafts`), so the run stays reproducible.
    #[validate(custom(function = "crate::routes::prompts::valid_body"))]
    pub prompt_body: Option<String>,
    /// Stop the run once its cells spent this much (USD, generation and grading): its queued
    /// cells are cancelled with `budget_exceeded`. Cells already in flight finish.
    #[validate(range(exclusive_min = 0.0, max = 1000000.0))]
    pub max_cost_usd: Option<f64>,
}

/// The bounds `ModelParams` has wherever it is used (the workers check them again).
fn valid_params(params: &ModelParams) -> Result<(), ValidationError> {
    params
        .problem()
        .map_or(Ok(()), |message| Err(ValidationError::new("range").with_message(message.into())))
}

pub(crate) fn valid_scale(scale: &ScoreScale) -> Result<(), ValidationError> {
    if scale.is_valid() {
        Ok(())
    } else {
        Err(ValidationError::new("order").with_message("`min` must be below `max`".into()))
    }
}

impl TryFrom<CreateRun> for runs::NewRun {
    type Error = ApiError;

    fn try_from(req: CreateRun) -> Result<Self, ApiError> {
        let prompt = prompt_ref(req.prompt_version_id, req.prompt_id, "")?;
        let grader = req.grader.map(runs::NewGrader::try_from).transpose()?;
        Ok(Self {
            prompt,
            dataset_id: req.dataset_id,
            variables: req.variables.unwrap_or_default(),
            system: req.system,
            models: req.models.into_iter().map(Into::into).collect(),
            grader,
            concurrency: req.concurrency,
            cache: req.cache,
            max_cost_usd: req.max_cost_usd,
            parent_run_id: None,
            rows: None,
            draft_body: req.prompt_body,
            grading: runs::Grading {
                expected_column: req.expected_column,
                scale: req.score_scale.unwrap_or_default(),
                pass_threshold: req.pass_threshold.unwrap_or(0.5),
                checks: req.assertions.unwrap_or_default(),
            },
        })
    }
}

impl TryFrom<GraderInput> for runs::NewGrader {
    type Error = ApiError;

    fn try_from(g: GraderInput) -> Result<Self, ApiError> {
        Ok(Self {
            prompt: prompt_ref(g.prompt_version_id, g.prompt_id, "grader.")?,
            provider: g.provider,
            model: g.model,
            params: g.params.unwrap_or_default(),
        })
    }
}

/// Exactly one of a version id or a prompt id.
fn prompt_ref(
    version: Option<PromptVersionId>,
    prompt: Option<PromptId>,
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
    /// Check the request and estimate its cost (`RunEstimate`, 200) without creating anything.
    #[serde(default)]
    pub dry_run: bool,
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListRunsQuery {
    /// Only runs of this prompt.
    #[param(value_type = Option<Uuid>)]
    pub prompt_id: Option<PromptId>,
    /// Only runs over this dataset.
    #[param(value_type = Option<Uuid>)]
    pub dataset_id: Option<DatasetId>,
    pub status: Option<runs::RunStatus>,
    /// Only runs with this model: `gpt-4o-mini`, or `openai/gpt-4o-mini`.
    #[validate(length(min = 1, max = 200))]
    pub model: Option<String>,
    /// Runs created at or after this time.
    pub created_after: Option<DateTime<Utc>>,
    /// Runs created before this time.
    pub created_before: Option<DateTime<Utc>>,
    /// Runs whose prompt's name contains this (case-insensitive).
    #[validate(length(min = 1, max = 200))]
    pub q: Option<String>,
    /// Page size, 1-200 (default 50).
    #[validate(range(min = 1, max = MAX_LIMIT))]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListCellsQuery {
    /// Only cells changed after this time. For polling, prefer `GET /v1/runs/{id}/changes`,
    /// whose cursor never misses a change committed late.
    pub updated_since: Option<DateTime<Utc>>,
    /// Only cells in this state.
    pub status: Option<CellStatus>,
    /// Grades as this grading pass gave them (`GET /v1/runs/{id}/grading-passes`); default: the
    /// latest pass.
    #[validate(range(min = 1))]
    pub pass: Option<i32>,
    /// Page size, 1-1000 (default 100).
    #[validate(range(min = 1, max = CELLS_MAX_LIMIT))]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// `GET /runs/{id}/changes`
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangesQuery {
    /// The `cursor` of the previous answer; none for every cell.
    #[validate(length(max = 4096))]
    pub cursor: Option<String>,
    /// Cells per answer, 1-1000 (default 100).
    #[validate(range(min = 1, max = CELLS_MAX_LIMIT))]
    pub limit: Option<u32>,
}

/// `/runs/{id}`
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct RunPath {
    #[param(value_type = Uuid)]
    pub id: RunId,
}

/// `/runs/{id}/cells/{cell_id}`
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CellPath {
    #[param(value_type = Uuid)]
    pub id: RunId,
    #[param(value_type = Uuid)]
    pub cell_id: CellId,
}

/// `GET /runs/{id}/events` without an `Authorization` header (a browser's `EventSource`).
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventsQuery {
    /// A one-time ticket from `POST /v1/runs/{id}/events/ticket`, instead of a bearer token.
    #[validate(length(max = 100))]
    pub ticket: Option<String>,
}

/// A re-run of a run: the same dataset and settings, over all its rows or only those of the
/// chosen cells, optionally with another version or other models.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RerunRequest {
    /// Only the rows of these cells.
    #[serde(default)]
    #[validate(length(max = 10000))]
    #[schema(value_type = Vec<Uuid>)]
    pub cells: Vec<CellId>,
    /// Only the rows of cells in these states, e.g. `["failed"]`.
    #[serde(default)]
    #[validate(length(max = 5))]
    pub statuses: Vec<CellStatus>,
    /// Run this version instead of the run's.
    #[schema(value_type = Option<Uuid>)]
    pub prompt_version_id: Option<PromptVersionId>,
    /// Run these models instead of the run's (1 to 4).
    #[validate(length(min = 1, max = 4), nested)]
    pub models: Option<Vec<RunModelInput>>,
}

impl From<RerunRequest> for runs::Rerun {
    fn from(req: RerunRequest) -> Self {
        Self {
            cells: req.cells,
            statuses: req.statuses,
            prompt_version_id: req.prompt_version_id,
            models: req.models.map(|models| models.into_iter().map(Into::into).collect()),
        }
    }
}
