//! What clients send to `/v1/runs`: the run to start, and the query and path parameters.

use chrono::{DateTime, Utc};
use platform::pagination::MAX_LIMIT;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::{CELLS_MAX_LIMIT, CellStatus};
use crate::error::{ApiError, ApiResult, FieldError};

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
