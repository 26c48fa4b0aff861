//! Creating a run: every check first, then one transaction that snapshots what the run depends
//! on and queues one cell per (model, row).
//!
//! The checks are steps that each add what they find to one list of problems, so that a
//! request with three mistakes hears of all three at once.

use std::collections::BTreeSet;

use datasets::Dataset;
use platform::{OrgId, Role, UserTx, tenancy};
use prompts::{PromptId, PromptKind, PromptVersionId, placeholders::placeholders};
use providers::{ModelEntry, ModelParams, Providers, Registry};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tracing::instrument;

use crate::{
    Error, Invalid, Limits, NewGrader, NewRun, PromptRef, Result, RunDetail, RunId, queue, render,
    store,
};

/// The prompt version a run (or its grader) uses.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct PromptVersion {
    id: PromptVersionId,
    prompt_id: PromptId,
    version: i32,
    pub(crate) body: String,
    name: String,
    kind: PromptKind,
}

/// The grader as stored with the run: its prompt and model, frozen at creation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GraderSnapshot {
    pub prompt_id: PromptId,
    pub prompt_version_id: PromptVersionId,
    pub prompt_name: String,
    pub version: i32,
    pub body: String,
    pub provider: String,
    pub model: String,
    pub params: ModelParams,
    pub input_per_mtok: f64,
    pub output_per_mtok: f64,
}

/// Placeholders a grader prompt gets besides the row's columns and the variables.
const GRADER_INPUTS: [&str; 3] = ["output", "input", "expected"];

/// The problems found so far, each with its request field.
#[derive(Debug, Default)]
struct Problems(Vec<Invalid>);

impl Problems {
    fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(Invalid { field: field.to_owned(), message: message.into() });
    }
}

/// What the run's placeholders can be filled with: the dataset's columns, then the variables.
struct Inputs<'a> {
    dataset: Option<&'a Dataset>,
    names: BTreeSet<&'a str>,
}

impl<'a> Inputs<'a> {
    fn new(dataset: Option<&'a Dataset>, variables: &'a Map<String, Value>) -> Self {
        let columns = dataset.into_iter().flat_map(|d| d.columns.iter().map(String::as_str));
        let names = columns.chain(variables.keys().map(String::as_str)).collect();
        Self { dataset, names }
    }

    fn columns(&self) -> &'a [String] {
        self.dataset.map_or(&[], |d| &d.columns)
    }
}

/// Everything a valid run request resolved to: what the run snapshots.
pub(crate) struct Checked {
    prompt: PromptVersion,
    pub(crate) dataset: Option<Dataset>,
    pub(crate) models: Vec<(ModelEntry, String)>,
    grader: Option<GraderSnapshot>,
    expected_column: Option<String>,
    pub(crate) cells: i64,
}

impl Checked {
    pub(crate) fn prompt_id(&self) -> PromptId {
        self.prompt.prompt_id
    }

    pub(crate) fn prompt_body(&self) -> &str {
        &self.prompt.body
    }
}

/// Checks `new` in `org` (editors), where its prompt, dataset and grader must be too: every
/// problem at once, or what it resolves to.
///
/// With a `draft_body`, `save_draft` saves it as a draft version of the prompt (a run is made
/// of it); without, the body is only checked (an estimate).
pub(crate) async fn check(
    tx: &mut UserTx,
    org: OrgId,
    registry: &Registry,
    limits: &Limits,
    new: &NewRun,
    save_draft: bool,
) -> Result<Checked> {
    tenancy::require(tx, org, Role::Editor).await?;
    // The organization's own provider keys count as configured.
    let providers = &registry.for_org_in(tx, org).await?;
    let mut problems = Problems::default();
    let prompt = match (&new.draft_body, new.prompt) {
        (None, prompt) => load_generator(tx, org, prompt, &mut problems).await?,
        (Some(body), PromptRef::Current(prompt_id)) => {
            let current = load_generator(tx, org, new.prompt, &mut problems).await?;
            match current {
                Some(_) if save_draft => {
                    let draft = prompts::save_draft(tx, prompt_id, body).await?;
                    load_prompt(tx, org, PromptRef::Version(draft.id)).await?
                }
                Some(current) => Some(PromptVersion { body: body.clone(), ..current }),
                None => None,
            }
        }
        (Some(_), PromptRef::Version(_)) => {
            problems.add("prompt_body", "a draft body goes with `prompt_id`, not a version");
            None
        }
    };
    let dataset = load_dataset(tx, org, new, &mut problems).await?;
    let inputs = Inputs::new(dataset.as_ref(), &new.variables);
    if let Some(prompt) = &prompt {
        check_placeholders(prompt, new, &inputs, &mut problems);
        check_rendered_size(prompt, new, &inputs, limits, &mut problems);
    }
    let models = resolve_models(providers, new, &mut problems);
    let expected_column = expected_column(new, dataset.as_ref(), &mut problems);
    check_assertions(&new.grading.checks, &inputs, &mut problems);
    let grader = match &new.grader {
        Some(grader) => {
            let has_expected = expected_column.is_some();
            let found = load_prompt(tx, org, grader.prompt).await?;
            snapshot_grader(found, providers, grader, &inputs, has_expected, &mut problems)
        }
        None => None,
    };
    if let (Some(rows), Some(dataset)) = (&new.rows, &dataset) {
        if rows.is_empty() {
            problems.add("rows", "no row to run");
        } else if let Some(bad) = rows.iter().find(|&&r| r < 0 || r >= dataset.row_count) {
            problems.add("rows", format!("the dataset has no row {bad}"));
        }
    }
    let cells = count_cells(dataset.as_ref(), new, limits, &mut problems);
    let (Some(prompt), true) = (prompt, problems.0.is_empty()) else {
        return Err(Error::Invalid(problems.0));
    };
    Ok(Checked { prompt, dataset, models, grader, expected_column, cells })
}

/// Checks a new grading of `run` (in `org`): the grader against the run's dataset columns and
/// variables, and each check. Every problem at once, or the grader frozen.
pub(crate) async fn check_grading(
    tx: &mut UserTx,
    org: OrgId,
    providers: &Providers,
    run: &RunDetail,
    grader: Option<&NewGrader>,
    checks: &[grading::Check],
) -> Result<Option<GraderSnapshot>> {
    let mut problems = Problems::default();
    let dataset = match run.run.dataset_id {
        Some(id) => datasets::find(tx, id).await?,
        None => None,
    };
    let inputs = Inputs::new(dataset.as_ref(), &run.variables);
    check_assertions(checks, &inputs, &mut problems);
    let grader = match grader {
        Some(grader) => {
            let found = load_prompt(tx, org, grader.prompt).await?;
            let has_expected = run.expected_column.is_some();
            snapshot_grader(found, providers, grader, &inputs, has_expected, &mut problems)
        }
        None => None,
    };
    if problems.0.is_empty() { Ok(grader) } else { Err(Error::Invalid(problems.0)) }
}

/// Validates `new` and creates the run with its cells in `org`, where its prompt, dataset and
/// grader must be too.
#[instrument(skip_all, fields(org.id = %org, run.id))]
pub async fn create(
    tx: &mut UserTx,
    org: OrgId,
    registry: &Registry,
    limits: &Limits,
    new: NewRun,
) -> Result<RunDetail> {
    let Checked { prompt, dataset, models, grader, expected_column, cells } =
        check(tx, org, registry, limits, &new, true).await?;
    take_budget(tx, org, limits, cells).await?;
    let id = RunId::new();
    tracing::Span::current().record("run.id", tracing::field::display(id));
    let snapshot = Snapshot {
        prompt: &prompt,
        dataset: dataset.as_ref(),
        models: &models,
        grader: grader.as_ref(),
        expected_column: expected_column.as_deref(),
        cells,
    };
    insert(tx, id, org, &new, &snapshot).await?;
    tracing::info!(cells, models = models.len(), "created run {id}");
    store::get(tx, id).await
}

/// The prompt version to run, which must be a generator's.
async fn load_generator(
    tx: &mut UserTx,
    org: OrgId,
    prompt: PromptRef,
    problems: &mut Problems,
) -> Result<Option<PromptVersion>> {
    let field = match prompt {
        PromptRef::Version(_) => "prompt_version_id",
        PromptRef::Current(_) => "prompt_id",
    };
    let found = load_prompt(tx, org, prompt).await?;
    match &found {
        None => problems.add(field, "no such prompt in this organization"),
        Some(p) if p.kind != PromptKind::Generator => {
            problems.add(field, format!("`{}` is a grader prompt; run a generator", p.name));
        }
        Some(_) => {}
    }
    Ok(found)
}

/// The dataset to run over, if any, which must have rows.
async fn load_dataset(
    tx: &mut UserTx,
    org: OrgId,
    new: &NewRun,
    problems: &mut Problems,
) -> Result<Option<Dataset>> {
    let Some(id) = new.dataset_id else { return Ok(None) };
    // A dataset of another of the caller's organizations is not one this run can use.
    let found = datasets::find(tx, id).await?.filter(|d| d.org_id == org);
    match &found {
        None => problems.add("dataset_id", "no such dataset in this organization"),
        Some(d) if d.row_count == 0 => {
            problems.add("dataset_id", format!("the dataset `{}` has no rows", d.name));
        }
        Some(_) => {}
    }
    Ok(found)
}

/// Every placeholder of the prompt and the system message has a column or a variable.
fn check_placeholders(
    prompt: &PromptVersion,
    new: &NewRun,
    inputs: &Inputs<'_>,
    problems: &mut Problems,
) {
    let mut needed = placeholders(&prompt.body);
    for name in new.system.as_deref().map(placeholders).unwrap_or_default() {
        if !needed.contains(&name) {
            needed.push(name);
        }
    }
    let missing: Vec<String> = needed
        .iter()
        .filter(|p| !inputs.names.contains(p.as_str()))
        .map(|p| format!("`{p}`"))
        .collect();
    if missing.is_empty() {
        return;
    }
    let list = missing.join(", ");
    match (inputs.dataset, new.dataset_id) {
        (Some(d), _) => problems.add(
            "dataset_id",
            format!(
                "placeholders missing from the columns of `{}` (and from `variables`): {list}",
                d.name
            ),
        ),
        (None, None) => problems.add("variables", format!("placeholders without a value: {list}")),
        (None, Some(_)) => {} // the dataset itself is already reported
    }
}

/// Each assertion compiles against the names a row can fill.
fn check_assertions(checks: &[grading::Check], inputs: &Inputs<'_>, problems: &mut Problems) {
    let names: Vec<&str> = inputs.names.iter().copied().collect();
    for (i, check) in checks.iter().enumerate() {
        if let Err(message) = check.compile(&names) {
            problems.add(&format!("assertions[{i}]"), message);
        }
    }
}

/// What the variables alone make of every cell's prompt: past the limit, no row can help.
fn check_rendered_size(
    prompt: &PromptVersion,
    new: &NewRun,
    inputs: &Inputs<'_>,
    limits: &Limits,
    problems: &mut Problems,
) {
    let templates = std::iter::once(&prompt.body).chain(new.system.as_ref());
    let rendered = templates
        .map(|t| render::rendered_len_with_variables(t, inputs.columns(), &new.variables))
        .max()
        .unwrap_or(0);
    if rendered > limits.max_rendered_prompt_bytes {
        problems.add(
            "variables",
            format!(
                "the prompt renders to {rendered} bytes with these variables; the limit is {}",
                limits.max_rendered_prompt_bytes
            ),
        );
    }
}

/// Each model exists, is configured, is not there twice, and has a distinct label.
fn resolve_models(
    providers: &Providers,
    new: &NewRun,
    problems: &mut Problems,
) -> Vec<(ModelEntry, String)> {
    let mut models: Vec<(ModelEntry, String)> = Vec::with_capacity(new.models.len());
    for (i, spec) in new.models.iter().enumerate() {
        let field = format!("models[{i}]");
        let entry = match providers.resolve(&spec.provider, &spec.model) {
            Ok(entry) => entry,
            Err(err) => {
                problems.add(&field, err.to_string());
                continue;
            }
        };
        if let Some(j) = new.models[..i].iter().position(|other| {
            other.provider == spec.provider
                && other.model == spec.model
                && other.params == spec.params
        }) {
            problems.add(&field, format!("the same model with the same params as models[{j}]"));
            continue;
        }
        let label = match &spec.label {
            Some(label) => label.trim().to_owned(),
            None => unique_label(&entry.label, models.iter().map(|(_, l)| l.as_str())),
        };
        if models.iter().any(|(_, l)| *l == label) {
            problems.add(&field, format!("the label `{label}` is already used by another model"));
            continue;
        }
        models.push((entry, label));
    }
    models
}

/// The dataset column with the expected answer: the one asked for, or `expected` if present.
fn expected_column(
    new: &NewRun,
    dataset: Option<&Dataset>,
    problems: &mut Problems,
) -> Option<String> {
    match (&new.grading.expected_column, dataset) {
        (Some(column), Some(d)) if !d.columns.contains(column) => {
            problems.add(
                "expected_column",
                format!("the dataset `{}` has no column `{column}`", d.name),
            );
            None
        }
        (Some(_), None) if new.dataset_id.is_none() => {
            problems.add("expected_column", "a run without a dataset has no columns");
            None
        }
        (Some(column), _) => Some(column.clone()),
        (None, d) => {
            let has = d.is_some_and(|d| d.columns.iter().any(|c| c == "expected"));
            has.then(|| "expected".to_owned())
        }
    }
}

/// The grader's prompt (`found`, of kind `grader`, its placeholders filled) and model, frozen.
fn snapshot_grader(
    found: Option<PromptVersion>,
    providers: &Providers,
    grader: &NewGrader,
    inputs: &Inputs<'_>,
    has_expected: bool,
    problems: &mut Problems,
) -> Option<GraderSnapshot> {
    let field = match grader.prompt {
        PromptRef::Version(_) => "grader.prompt_version_id",
        PromptRef::Current(_) => "grader.prompt_id",
    };
    let prompt = match found {
        None => {
            problems.add(field, "no such prompt in this organization");
            return None;
        }
        Some(p) if p.kind != PromptKind::Grader => {
            problems.add(
                field,
                format!("`{}` is a generator prompt; a grader must be of kind `grader`", p.name),
            );
            return None;
        }
        Some(p) => p,
    };
    let needed = placeholders(&prompt.body);
    let missing: Vec<String> = needed
        .iter()
        .filter(|p| !inputs.names.contains(p.as_str()) && !GRADER_INPUTS.contains(&p.as_str()))
        .map(|p| format!("`{p}`"))
        .collect();
    if !missing.is_empty() {
        problems.add(field, format!("grader placeholders without a value: {}", missing.join(", ")));
    }
    if needed.iter().any(|p| p == "expected") && !has_expected && !inputs.names.contains("expected")
    {
        problems.add(
            field,
            "the grader uses `{{expected}}` but the dataset has no `expected` column; name one with `expected_column`",
        );
    }
    let entry = match providers.resolve(&grader.provider, &grader.model) {
        Ok(entry) => entry,
        Err(err) => {
            problems.add("grader.model", err.to_string());
            return None;
        }
    };
    Some(GraderSnapshot {
        prompt_id: prompt.prompt_id,
        prompt_version_id: prompt.id,
        prompt_name: prompt.name,
        version: prompt.version,
        body: prompt.body,
        provider: entry.provider,
        model: entry.model,
        params: grader.params.clone(),
        input_per_mtok: entry.input_per_mtok,
        output_per_mtok: entry.output_per_mtok,
    })
}

/// Rows times models, within the limit.
fn count_cells(
    dataset: Option<&Dataset>,
    new: &NewRun,
    limits: &Limits,
    problems: &mut Problems,
) -> i64 {
    let rows = match (&new.rows, dataset) {
        (Some(rows), Some(_)) => i64::try_from(rows.len()).unwrap_or(i64::MAX),
        _ => dataset.map_or(1, |d| i64::from(d.row_count.max(1))),
    };
    let cells = rows * new.models.len() as i64;
    if cells > limits.max_cells {
        problems.add(
            "models",
            format!(
                "the run would have {cells} cells (rows x models); the limit is {}",
                limits.max_cells
            ),
        );
    }
    cells
}

/// Charges the run to its organization's budget: a token of the run-creation bucket, and room
/// in the queue for its cells. Creations in one organization are serialised here (a
/// transaction-scoped lock), so two at once cannot both see the same room.
pub(crate) async fn take_budget(
    tx: &mut UserTx,
    org: OrgId,
    limits: &Limits,
    cells: i64,
) -> Result<()> {
    sqlx::query(
        "select pg_advisory_xact_lock(hashtextextended('promptrefine.run_budget:' || $1::text, 0))",
    )
    .bind(org)
    .execute(&mut **tx)
    .await?;
    let queued: i64 = sqlx::query_scalar(
        "select count(*) from public.run_cell where org_id = $1 and status = 'queued'",
    )
    .bind(org)
    .fetch_one(&mut **tx)
    .await?;
    if queued + cells > limits.max_queued_cells_per_tenant {
        return Err(Error::QueueFull {
            limit: limits.max_queued_cells_per_tenant,
            queued,
            adding: cells,
        });
    }
    let capacity = f64::from(limits.max_runs_per_minute);
    // The bucket refills at `capacity` per minute up to `capacity`; a run takes one token. The
    // tokens before taking one come back: fewer than one means no run now.
    let tokens: f64 = sqlx::query_scalar(
        "with bucket as (
           select least($1, coalesce(
             (select q.tokens + extract(epoch from now() - q.refilled_at) * $1 / 60.0
              from public.run_quota q where q.org_id = $2),
             $1)) as tokens
         ), saved as (
           insert into public.run_quota (org_id, tokens, refilled_at)
           select $2, case when tokens >= 1 then tokens - 1 else tokens end, now()
           from bucket
           on conflict (org_id) do update
             set tokens = excluded.tokens, refilled_at = excluded.refilled_at
         )
         select tokens from bucket",
    )
    .bind(capacity)
    .bind(org)
    .fetch_one(&mut **tx)
    .await?;
    if tokens < 1.0 {
        let retry_after = std::time::Duration::from_secs_f64((1.0 - tokens) * 60.0 / capacity);
        return Err(Error::RateLimited { limit: limits.max_runs_per_minute, retry_after });
    }
    Ok(())
}

/// The prompt version `prompt` refers to, if it is one of `org`'s.
pub(crate) async fn load_prompt(
    tx: &mut UserTx,
    org: OrgId,
    prompt: PromptRef,
) -> Result<Option<PromptVersion>> {
    let (condition, id) = match prompt {
        PromptRef::Version(id) => ("v.id = $1", id.0),
        PromptRef::Current(id) => {
            ("v.id = (select current_version_id from public.prompt where id = $1)", id.0)
        }
    };
    Ok(sqlx::query_as(&format!(
        "select v.id, v.prompt_id, v.version, v.body, p.name, p.kind
         from public.prompt_version v join public.prompt p on p.id = v.prompt_id
         where {condition} and v.org_id = $2"
    ))
    .bind(id)
    .bind(org)
    .fetch_optional(&mut **tx)
    .await?)
}

/// `label`, or `label #2`, `label #3`... if it is taken.
fn unique_label<'a>(label: &str, taken: impl Iterator<Item = &'a str> + Clone) -> String {
    (1..)
        .map(|n| if n == 1 { label.to_owned() } else { format!("{label} #{n}") })
        .find(|candidate| !taken.clone().any(|t| t == candidate))
        .expect("some suffix is free")
}

/// Everything validation resolved, to be written with the run.
struct Snapshot<'a> {
    prompt: &'a PromptVersion,
    dataset: Option<&'a Dataset>,
    models: &'a [(ModelEntry, String)],
    grader: Option<&'a GraderSnapshot>,
    expected_column: Option<&'a str>,
    cells: i64,
}

async fn insert(
    tx: &mut UserTx,
    id: RunId,
    org: OrgId,
    new: &NewRun,
    snapshot: &Snapshot<'_>,
) -> Result<()> {
    let Snapshot { prompt, dataset, models, grader, expected_column, cells } = *snapshot;
    // The run and its first grading pass (the grading it starts with).
    sqlx::query(
        "with run as (
           insert into public.run (id, org_id, prompt_id, prompt_version_id, prompt_name,
             prompt_version, prompt_body, system_prompt, dataset_id, dataset_name, variables,
             grader, concurrency, cell_count, expected_column, score_min, score_max,
             pass_threshold, checks, use_cache, max_cost_usd, parent_run_id)
           values ($1, $19, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
             $17, $18, $20, $21, $22)
           returning id, org_id, grader, checks, score_min, score_max, pass_threshold
         )
         insert into public.grading_pass (run_id, org_id, number, grader, checks, score_min,
           score_max, pass_threshold)
         select id, org_id, 1, grader, checks, score_min, score_max, pass_threshold from run",
    )
    .bind(id)
    .bind(prompt.prompt_id)
    .bind(prompt.id)
    .bind(&prompt.name)
    .bind(prompt.version)
    .bind(&prompt.body)
    .bind(&new.system)
    .bind(new.dataset_id)
    .bind(dataset.map(|d| d.name.as_str()))
    .bind(Value::Object(new.variables.clone()))
    .bind(grader.map(sqlx::types::Json))
    .bind(new.concurrency)
    .bind(i32::try_from(cells).expect("cells are limited far below i32::MAX"))
    .bind(expected_column)
    .bind(new.grading.scale.min)
    .bind(new.grading.scale.max)
    .bind(new.grading.pass_threshold)
    .bind(sqlx::types::Json(&new.grading.checks))
    .bind(org)
    .bind(new.cache)
    .bind(new.max_cost_usd)
    .bind(new.parent_run_id)
    .execute(&mut **tx)
    .await?;

    let positions: Vec<i16> = (0..models.len() as i16).collect();
    let params: Vec<Value> = new
        .models
        .iter()
        .map(|m| serde_json::to_value(&m.params).expect("params serialize"))
        .collect();
    sqlx::query(
        "insert into public.run_model (run_id, org_id, position, provider, model, label, params,
           input_per_mtok, output_per_mtok, prices_as_of)
         select $1, $10, * from unnest($2::smallint[], $3::text[], $4::text[], $5::text[], $6::jsonb[],
           $7::float8[], $8::float8[], $9::date[])",
    )
    .bind(id)
    .bind(positions)
    .bind(models.iter().map(|(e, _)| e.provider.clone()).collect::<Vec<_>>())
    .bind(models.iter().map(|(e, _)| e.model.clone()).collect::<Vec<_>>())
    .bind(models.iter().map(|(_, label)| label.clone()).collect::<Vec<_>>())
    .bind(params)
    .bind(models.iter().map(|(e, _)| e.input_per_mtok).collect::<Vec<_>>())
    .bind(models.iter().map(|(e, _)| e.output_per_mtok).collect::<Vec<_>>())
    .bind(models.iter().map(|(e, _)| e.prices_as_of).collect::<Vec<_>>())
    .bind(org)
    .execute(&mut **tx)
    .await?;

    // Cells are queued in row order, models interleaved, so early rows finish first. The rows
    // are read in SQL, next to the insert: a run's cells are made where its rows are.
    let cells = match new.dataset_id {
        Some(dataset) => sqlx::query(
            "insert into public.run_cell (run_id, org_id, run_model_id, row_index, queued_at)
             select $1, $3, m.id, r.row_index, now() + r.row_index * interval '1 microsecond'
             from public.run_model m cross join public.dataset_row r
             where m.run_id = $1 and r.dataset_id = $2
               and ($4::int4[] is null or r.row_index = any($4))",
        )
        .bind(id)
        .bind(dataset)
        .bind(org)
        .bind(&new.rows),
        None => sqlx::query(
            "insert into public.run_cell (run_id, org_id, run_model_id)
             select $1, $2, m.id from public.run_model m where m.run_id = $1",
        )
        .bind(id)
        .bind(org),
    };
    cells.execute(&mut **tx).await?;
    queue::announce(tx, id).await
}

#[cfg(test)]
mod tests {
    use super::unique_label;

    #[test]
    fn default_labels_are_made_unique() {
        assert_eq!(unique_label("GPT", ["Claude"].into_iter()), "GPT");
        assert_eq!(unique_label("GPT", ["GPT", "GPT #2"].into_iter()), "GPT #3");
    }
}
