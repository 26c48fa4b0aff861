//! What a run or a prompt costs before anything is sent: the rendered prompts' tokens, outputs
//! from `max_tokens`, the prompt's past runs or an assumption, at the catalog's prices.
//!
//! Tokens are counted as about four characters each (the common rule of thumb for English
//! text): providers' tokenizers differ, so these are estimates, and they say so.

use std::borrow::Cow;

use datasets::DatasetId;
use platform::{OrgId, Role, UserTx, tenancy};
use prompts::{PromptVersionId, placeholders};
use providers::{ModelEntry, Registry};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::{
    Error, Invalid, Limits, NewRun, PromptRef, Result,
    create::{self, load_prompt},
    render::render,
};

/// Characters per token in the estimates.
pub const CHARS_PER_TOKEN: usize = 4;
/// Output tokens assumed per cell when neither `max_tokens` nor a past run tells.
pub const ASSUMED_OUTPUT_TOKENS: i64 = 256;
/// Rows whose prompts are rendered to estimate a run's input (the first ones of the dataset).
const SAMPLED_ROWS: u32 = 200;
/// Past cells averaged for a model's output length.
const PAST_CELLS: i64 = 1000;

/// The estimated tokens of `text`.
pub fn tokens_of(text: &str) -> i64 {
    i64::try_from(text.chars().count().div_ceil(CHARS_PER_TOKEN)).unwrap_or(i64::MAX)
}

fn cost(entry: &ModelEntry, tokens_in: i64, tokens_out: i64) -> f64 {
    let count = |tokens: i64| u64::try_from(tokens).unwrap_or_default();
    entry.cost(count(tokens_in), count(tokens_out))
}

/// Where an output estimate comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OutputBasis {
    /// The model's `max_tokens` (an upper bound).
    MaxTokens,
    /// The mean output of this prompt's past cells on this model.
    PastRuns,
    /// Nothing tells: 256 tokens per cell.
    Assumed,
}

/// One model's share of a run's estimate.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModelEstimate {
    pub provider: String,
    pub model: String,
    pub label: String,
    pub cells: i64,
    pub estimated_tokens_in: i64,
    pub estimated_tokens_out: i64,
    pub estimated_cost_usd: f64,
    pub output_basis: OutputBasis,
}

/// What a run would cost (`POST /v1/runs?dry_run=true`): its generations, not its grader's calls.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RunEstimate {
    pub cells: i64,
    /// Dataset rows rendered to estimate the input (the first ones).
    pub rows_sampled: i64,
    pub estimated_tokens_in: i64,
    pub estimated_tokens_out: i64,
    pub estimated_cost_usd: f64,
    pub models: Vec<ModelEstimate>,
}

/// Checks `new` as creating it would, and estimates it without creating anything.
pub async fn estimate(
    tx: &mut UserTx,
    org: OrgId,
    registry: &Registry,
    limits: &Limits,
    new: &NewRun,
) -> Result<RunEstimate> {
    let checked = create::check(tx, org, registry, limits, new, false).await?;
    let sample: Vec<Option<Map<String, Value>>> = match &checked.dataset {
        Some(dataset) => datasets::rows(tx, dataset.id, 0, SAMPLED_ROWS)
            .await?
            .items
            .into_iter()
            .map(|row| row.values.as_object().cloned())
            .collect(),
        None => vec![None],
    };
    let max = limits.max_rendered_prompt_bytes;
    let sampled_tokens: i64 = sample
        .iter()
        .map(|row| {
            let prompt = render(checked.prompt_body(), row.as_ref(), &new.variables, max);
            let system =
                new.system.as_deref().map(|s| render(s, row.as_ref(), &new.variables, max));
            prompt.map_or(0, |p| tokens_of(&p))
                + system.and_then(Result::ok).map_or(0, |s| tokens_of(&s))
        })
        .sum();
    let rows_sampled = i64::try_from(sample.len()).unwrap_or(i64::MAX).max(1);
    let rows = checked.dataset.as_ref().map_or(1, |d| i64::from(d.row_count));
    // The sample's mean, scaled to every row (rounded up).
    let tokens_in = (sampled_tokens * rows + rows_sampled - 1) / rows_sampled;

    let mut models = Vec::with_capacity(checked.models.len());
    for ((entry, label), spec) in checked.models.iter().zip(&new.models) {
        let (per_cell_out, output_basis) = match spec.params.max_tokens {
            Some(max_tokens) => (i64::from(max_tokens), OutputBasis::MaxTokens),
            None => {
                match past_output(tx, checked.prompt_id(), &spec.provider, &spec.model).await? {
                    Some(mean) => (mean, OutputBasis::PastRuns),
                    None => (ASSUMED_OUTPUT_TOKENS, OutputBasis::Assumed),
                }
            }
        };
        let tokens_out = per_cell_out * rows;
        models.push(ModelEstimate {
            provider: spec.provider.clone(),
            model: spec.model.clone(),
            label: label.clone(),
            cells: rows,
            estimated_tokens_in: tokens_in,
            estimated_tokens_out: tokens_out,
            estimated_cost_usd: cost(entry, tokens_in, tokens_out),
            output_basis,
        });
    }
    Ok(RunEstimate {
        cells: checked.cells,
        rows_sampled: if checked.dataset.is_some() { rows_sampled } else { 0 },
        estimated_tokens_in: models.iter().map(|m| m.estimated_tokens_in).sum(),
        estimated_tokens_out: models.iter().map(|m| m.estimated_tokens_out).sum(),
        estimated_cost_usd: models.iter().map(|m| m.estimated_cost_usd).sum(),
        models,
    })
}

/// The mean output tokens of the prompt's latest succeeded cells on this model, if it ran there.
async fn past_output(
    tx: &mut UserTx,
    prompt: prompts::PromptId,
    provider: &str,
    model: &str,
) -> Result<Option<i64>> {
    let mean: Option<f64> = sqlx::query_scalar(
        "select avg(tokens_out)::float8 from (
           select c.tokens_out from public.run_cell c
           join public.run_model m on m.id = c.run_model_id
           join public.run r on r.id = c.run_id
           where r.prompt_id = $1 and m.provider = $2 and m.model = $3
             and c.status = 'succeeded' and c.tokens_out is not null
           order by c.finished_at desc
           limit $4) latest",
    )
    .bind(prompt)
    .bind(provider)
    .bind(model)
    .bind(PAST_CELLS)
    .fetch_one(&mut **tx)
    .await?;
    Ok(mean.map(|m| m.ceil() as i64))
}

/// What a preview renders: a body as typed, or a saved version.
#[derive(Debug, Clone, PartialEq)]
pub enum PreviewSource {
    Body(String),
    Version(PromptVersionId),
}

/// A prompt to render without running it.
#[derive(Debug, Clone, PartialEq)]
pub struct PreviewRequest {
    pub source: PreviewSource,
    pub system: Option<String>,
    pub variables: Map<String, Value>,
    /// A dataset row whose values come first: the dataset and the row's index.
    pub row: Option<(DatasetId, i64)>,
    /// (provider, model) pairs to price the input on.
    pub models: Vec<(String, String)>,
}

/// A model's price of the rendered input.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InputCost {
    pub provider: String,
    pub model: String,
    pub estimated_input_cost_usd: f64,
}

/// A rendered prompt.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = RenderPreview))]
pub struct Preview {
    /// The prompt with its values; a placeholder without one is left as `{{name}}`.
    pub rendered: String,
    pub rendered_system: Option<String>,
    /// Every placeholder, in order of appearance.
    pub placeholders: Vec<String>,
    /// The placeholders nothing gave a value.
    pub missing: Vec<String>,
    pub estimated_tokens_in: i64,
    pub models: Vec<InputCost>,
}

/// Renders a prompt with variables and, if given, a dataset row of `org` (editors), and prices
/// the input on the given models.
pub async fn preview(
    tx: &mut UserTx,
    org: OrgId,
    registry: &Registry,
    limits: &Limits,
    request: &PreviewRequest,
) -> Result<Preview> {
    tenancy::require(tx, org, Role::Editor).await?;
    let providers = registry.for_org_in(tx, org).await?;
    let invalid = |field: &str, message: String| {
        Error::Invalid(vec![Invalid { field: field.to_owned(), message }])
    };
    let body = match &request.source {
        PreviewSource::Body(body) => body.clone(),
        PreviewSource::Version(id) => {
            load_prompt(tx, org, PromptRef::Version(*id))
                .await?
                .ok_or_else(|| {
                    invalid(
                        "prompt_version_id",
                        "no such prompt version in this organization".into(),
                    )
                })?
                .body
        }
    };
    let row = match request.row {
        Some((dataset, index)) => {
            let page = datasets::rows(tx, dataset, index, 1).await?;
            let row = page.items.into_iter().next().ok_or_else(|| {
                invalid("row_index", format!("the dataset has {} rows (from 0)", page.total))
            })?;
            row.values.as_object().cloned()
        }
        None => None,
    };
    let mut entries = Vec::with_capacity(request.models.len());
    for (i, (provider, model)) in request.models.iter().enumerate() {
        let entry = providers
            .resolve(provider, model)
            .map_err(|problem| invalid(&format!("models[{i}]"), problem.to_string()))?;
        entries.push(entry);
    }

    let mut missing = Vec::new();
    let mut fill = |template: &str| {
        let (rendered, absent) =
            render_keeping_missing(template, row.as_ref(), &request.variables, limits);
        missing.extend(absent);
        rendered
    };
    let rendered = fill(&body).map_err(|message| invalid("body", message))?;
    let rendered_system = match &request.system {
        Some(system) => Some(fill(system).map_err(|message| invalid("system", message))?),
        None => None,
    };
    missing.dedup();
    let estimated_tokens_in =
        tokens_of(&rendered) + rendered_system.as_deref().map_or(0, tokens_of);
    let models = entries
        .into_iter()
        .map(|entry| InputCost {
            estimated_input_cost_usd: cost(&entry, estimated_tokens_in, 0),
            provider: entry.provider,
            model: entry.model,
        })
        .collect();
    Ok(Preview {
        placeholders: placeholders::placeholders(&body),
        rendered,
        rendered_system,
        missing,
        estimated_tokens_in,
        models,
    })
}

/// `template` rendered with the row's values, then the variables; a placeholder without a value
/// stays as written, and is named.
fn render_keeping_missing(
    template: &str,
    row: Option<&Map<String, Value>>,
    variables: &Map<String, Value>,
    limits: &Limits,
) -> (Result<String, String>, Vec<String>) {
    let missing: Vec<String> = placeholders::placeholders(template)
        .into_iter()
        .filter(|name| row.is_none_or(|r| !r.contains_key(name)) && !variables.contains_key(name))
        .collect();
    let rendered =
        placeholders::render(template, limits.max_rendered_prompt_bytes, |name| {
            match row.and_then(|r| r.get(name)).or_else(|| variables.get(name)) {
                Some(value) => Some(placeholders::value_text(value)),
                None => Some(Cow::Owned(format!("{{{{{name}}}}}"))),
            }
        })
        .map_err(|error| error.to_string());
    (rendered, missing)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn missing_placeholders_stay_visible_and_are_named() {
        let row = json!({"q": "Why?"});
        let variables = json!({"tone": "kind"});
        let limits = Limits::default();
        let (rendered, missing) = render_keeping_missing(
            "{{tone}}: {{q}} {{who}}",
            row.as_object(),
            variables.as_object().unwrap(),
            &limits,
        );
        assert_eq!(rendered.unwrap(), "kind: Why? {{who}}");
        assert_eq!(missing, ["who"]);
        assert_eq!(tokens_of("abcd"), 1);
        assert_eq!(tokens_of("abcde"), 2);
    }
}
