//! Creating a run: every check first, then one transaction that snapshots what the run depends
//! on and queues one cell per (model, row).

use std::collections::BTreeSet;

use platform::UserTx;
use prompts::{PromptKind, placeholders::placeholders};
use providers::{ModelEntry, Providers};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tracing::instrument;
use uuid::Uuid;

use crate::{
    Error, Invalid, Limits, NewGrader, NewRun, PromptRef, Result, RunDetail, render, store,
};

/// The prompt version a run (or its grader) uses.
#[derive(Debug, Clone, sqlx::FromRow)]
struct PromptVersion {
    id: Uuid,
    prompt_id: Uuid,
    version: i32,
    body: String,
    name: String,
    kind: PromptKind,
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct Dataset {
    name: String,
    columns: Vec<String>,
    row_count: i32,
}

/// The grader as stored with the run: its prompt and model, frozen at creation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct GraderSnapshot {
    pub prompt_id: Uuid,
    pub prompt_version_id: Uuid,
    pub prompt_name: String,
    pub version: i32,
    pub body: String,
    pub provider: String,
    pub model: String,
    pub params: providers::ModelParams,
    pub input_per_mtok: f64,
    pub output_per_mtok: f64,
}

/// Validates `new` and creates the run with its cells.
#[instrument(skip_all, fields(run.id))]
pub async fn create(
    tx: &mut UserTx,
    providers: &Providers,
    limits: &Limits,
    new: NewRun,
) -> Result<RunDetail> {
    let mut invalid = Vec::new();
    let mut problem =
        |field: &str, message: String| invalid.push(Invalid { field: field.into(), message });

    let prompt_field = match new.prompt {
        PromptRef::Version(_) => "prompt_version_id",
        PromptRef::Current(_) => "prompt_id",
    };
    let prompt = load_prompt(tx, new.prompt).await?;
    match &prompt {
        None => problem(prompt_field, "no such prompt".into()),
        Some(p) if p.kind != PromptKind::Generator => {
            problem(prompt_field, format!("`{}` is a grader prompt; run a generator", p.name));
        }
        Some(_) => {}
    }

    let dataset = match new.dataset_id {
        Some(id) => {
            let found: Option<Dataset> =
                sqlx::query_as("select name, columns, row_count from public.dataset where id = $1")
                    .bind(id)
                    .fetch_optional(&mut **tx)
                    .await?;
            match &found {
                None => problem("dataset_id", "no such dataset".into()),
                Some(d) if d.row_count == 0 => {
                    problem("dataset_id", format!("the dataset `{}` has no rows", d.name));
                }
                Some(_) => {}
            }
            found
        }
        None => None,
    };

    // What placeholders can be filled with: the dataset's columns, then the run's variables.
    let provided: BTreeSet<&str> = dataset
        .iter()
        .flat_map(|d| d.columns.iter().map(String::as_str))
        .chain(new.variables.keys().map(String::as_str))
        .collect();
    if let Some(prompt) = &prompt {
        let mut needed = placeholders(&prompt.body);
        for name in new.system.as_deref().map(placeholders).unwrap_or_default() {
            if !needed.contains(&name) {
                needed.push(name);
            }
        }
        let missing: Vec<&str> =
            needed.iter().map(String::as_str).filter(|p| !provided.contains(p)).collect();
        if !missing.is_empty() {
            let list = missing.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ");
            match (&dataset, new.dataset_id) {
                (Some(d), _) => problem(
                    "dataset_id",
                    format!(
                        "placeholders missing from the columns of `{}` (and from `variables`): {list}",
                        d.name
                    ),
                ),
                (None, None) => {
                    problem("variables", format!("placeholders without a value: {list}"));
                }
                (None, Some(_)) => {} // the dataset itself is already reported
            }
        }
    }

    let mut models: Vec<(ModelEntry, String)> = Vec::with_capacity(new.models.len());
    for (i, spec) in new.models.iter().enumerate() {
        let field = format!("models[{i}]");
        let entry = match providers.resolve(&spec.provider, &spec.model) {
            Ok(entry) => entry,
            Err(err) => {
                problem(&field, err.to_string());
                continue;
            }
        };
        if let Some(j) = new.models[..i].iter().position(|other| {
            other.provider == spec.provider
                && other.model == spec.model
                && other.params == spec.params
        }) {
            problem(&field, format!("the same model with the same params as models[{j}]"));
            continue;
        }
        let label = match &spec.label {
            Some(label) => label.trim().to_owned(),
            None => unique_label(&entry.label, models.iter().map(|(_, l)| l.as_str())),
        };
        if models.iter().any(|(_, l)| *l == label) {
            problem(&field, format!("the label `{label}` is already used by another model"));
            continue;
        }
        models.push((entry, label));
    }

    let columns: Vec<&str> =
        dataset.iter().flat_map(|d| d.columns.iter().map(String::as_str)).collect();
    let expected_column = match (&new.grading.expected_column, &dataset) {
        (Some(column), Some(d)) if !d.columns.contains(column) => {
            problem(
                "expected_column",
                format!("the dataset `{}` has no column `{column}`", d.name),
            );
            None
        }
        (Some(_), None) if new.dataset_id.is_none() => {
            problem("expected_column", "a run without a dataset has no columns".into());
            None
        }
        (Some(column), _) => Some(column.clone()),
        (None, _) => columns.contains(&"expected").then(|| "expected".to_owned()),
    };
    let names: Vec<&str> = provided.iter().copied().collect();
    for (i, check) in new.grading.checks.iter().enumerate() {
        if let Err(message) = check.compile(&names) {
            problem(&format!("assertions[{i}]"), message);
        }
    }
    let grader = match &new.grader {
        Some(grader) => {
            let context =
                GraderContext { provided: &provided, has_expected: expected_column.is_some() };
            validate_grader(tx, providers, grader, &context, &mut problem).await?
        }
        None => None,
    };

    if let Some(prompt) = &prompt {
        // What the variables alone make of every cell's prompt: past the limit, no row can help.
        let row_columns = dataset.as_ref().map_or(&[][..], |d| &d.columns[..]);
        let templates = std::iter::once(&prompt.body).chain(new.system.as_ref());
        let rendered = templates
            .map(|t| render::rendered_len_with_variables(t, row_columns, &new.variables))
            .max()
            .unwrap_or(0);
        if rendered > limits.max_rendered_prompt_bytes {
            problem(
                "variables",
                format!(
                    "the prompt renders to {rendered} bytes with these variables; the limit is {}",
                    limits.max_rendered_prompt_bytes
                ),
            );
        }
    }

    let rows = dataset.as_ref().map_or(1, |d| i64::from(d.row_count.max(1)));
    let cells = rows * new.models.len() as i64;
    if cells > limits.max_cells {
        problem(
            "models",
            format!(
                "the run would have {cells} cells (rows x models); the limit is {}",
                limits.max_cells
            ),
        );
    }

    let (Some(prompt), true) = (prompt, invalid.is_empty()) else {
        return Err(Error::Invalid(invalid));
    };
    take_budget(tx, limits, cells).await?;
    let id = Uuid::now_v7();
    tracing::Span::current().record("run.id", tracing::field::display(id));
    let snapshot = Snapshot {
        prompt: &prompt,
        dataset: dataset.as_ref(),
        models: &models,
        grader: grader.as_ref(),
        expected_column: expected_column.as_deref(),
        cells,
    };
    insert(tx, id, &new, &snapshot).await?;
    tracing::info!(cells, models = models.len(), "created run {id}");
    store::get(tx, id).await
}

/// Charges the run to its tenant's budget: a token of the run-creation bucket, and room in the
/// queue for its cells. Creations of one tenant are serialised here (a transaction-scoped lock),
/// so two at once cannot both see the same room.
async fn take_budget(tx: &mut UserTx, limits: &Limits, cells: i64) -> Result<()> {
    sqlx::query(
        "select pg_advisory_xact_lock(hashtextextended('promptrefine.run_budget:' || auth.uid(), 0))",
    )
    .execute(&mut **tx)
    .await?;
    // RLS shows the tenant its own cells only.
    let queued: i64 =
        sqlx::query_scalar("select count(*) from public.run_cell where status = 'queued'")
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
              from public.run_quota q),
             $1)) as tokens
         ), saved as (
           insert into public.run_quota (owner_id, tokens, refilled_at)
           select (select auth.uid()), case when tokens >= 1 then tokens - 1 else tokens end, now()
           from bucket
           on conflict (owner_id) do update
             set tokens = excluded.tokens, refilled_at = excluded.refilled_at
         )
         select tokens from bucket",
    )
    .bind(capacity)
    .fetch_one(&mut **tx)
    .await?;
    if tokens < 1.0 {
        let retry_after = std::time::Duration::from_secs_f64((1.0 - tokens) * 60.0 / capacity);
        return Err(Error::RateLimited { limit: limits.max_runs_per_minute, retry_after });
    }
    Ok(())
}

/// What a grader prompt's placeholders can be filled with.
struct GraderContext<'a> {
    provided: &'a BTreeSet<&'a str>,
    has_expected: bool,
}

/// Placeholders a grader prompt gets besides the row's columns and the variables.
const GRADER_INPUTS: [&str; 3] = ["output", "input", "expected"];

async fn validate_grader(
    tx: &mut UserTx,
    providers: &Providers,
    grader: &NewGrader,
    context: &GraderContext<'_>,
    problem: &mut impl FnMut(&str, String),
) -> Result<Option<GraderSnapshot>> {
    let field = match grader.prompt {
        PromptRef::Version(_) => "grader.prompt_version_id",
        PromptRef::Current(_) => "grader.prompt_id",
    };
    let prompt = match load_prompt(tx, grader.prompt).await? {
        None => {
            problem(field, "no such prompt".into());
            return Ok(None);
        }
        Some(p) if p.kind != PromptKind::Grader => {
            problem(
                field,
                format!("`{}` is a generator prompt; a grader must be of kind `grader`", p.name),
            );
            return Ok(None);
        }
        Some(p) => p,
    };
    let needed = placeholders(&prompt.body);
    let missing: Vec<String> = needed
        .iter()
        .filter(|p| !context.provided.contains(p.as_str()) && !GRADER_INPUTS.contains(&p.as_str()))
        .map(|p| format!("`{p}`"))
        .collect();
    if !missing.is_empty() {
        problem(field, format!("grader placeholders without a value: {}", missing.join(", ")));
    }
    if needed.iter().any(|p| p == "expected")
        && !context.has_expected
        && !context.provided.contains("expected")
    {
        problem(
            field,
            "the grader uses `{{expected}}` but the dataset has no `expected` column; name one with `expected_column`".into(),
        );
    }
    let entry = match providers.resolve(&grader.provider, &grader.model) {
        Ok(entry) => entry,
        Err(err) => {
            problem("grader.model", err.to_string());
            return Ok(None);
        }
    };
    Ok(Some(GraderSnapshot {
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
    }))
}

async fn load_prompt(tx: &mut UserTx, prompt: PromptRef) -> Result<Option<PromptVersion>> {
    let (condition, id) = match prompt {
        PromptRef::Version(id) => ("v.id = $1", id),
        PromptRef::Current(id) => {
            ("v.id = (select current_version_id from public.prompt where id = $1)", id)
        }
    };
    Ok(sqlx::query_as(&format!(
        "select v.id, v.prompt_id, v.version, v.body, p.name, p.kind
         from public.prompt_version v join public.prompt p on p.id = v.prompt_id
         where {condition}"
    ))
    .bind(id)
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

async fn insert(tx: &mut UserTx, id: Uuid, new: &NewRun, snapshot: &Snapshot<'_>) -> Result<()> {
    let Snapshot { prompt, dataset, models, grader, expected_column, cells } = *snapshot;
    sqlx::query(
        "insert into public.run (id, prompt_id, prompt_version_id, prompt_name, prompt_version,
           prompt_body, system_prompt, dataset_id, dataset_name, variables, grader, concurrency,
           cell_count, expected_column, score_min, score_max, pass_threshold, checks)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
    )
    .bind(id)
    .bind(prompt.prompt_id)
    .bind(prompt.id)
    .bind(&prompt.name)
    .bind(prompt.version)
    .bind(&prompt.body)
    .bind(&new.system)
    .bind(new.dataset_id)
    .bind(dataset.map(|d| &d.name))
    .bind(Value::Object(new.variables.clone()))
    .bind(grader.map(sqlx::types::Json))
    .bind(new.concurrency)
    .bind(i32::try_from(cells).expect("cells are limited far below i32::MAX"))
    .bind(expected_column)
    .bind(new.grading.scale.min)
    .bind(new.grading.scale.max)
    .bind(new.grading.pass_threshold)
    .bind(sqlx::types::Json(&new.grading.checks))
    .execute(&mut **tx)
    .await?;

    let positions: Vec<i16> = (0..models.len() as i16).collect();
    let params: Vec<Value> = new
        .models
        .iter()
        .map(|m| serde_json::to_value(&m.params).expect("params serialize"))
        .collect();
    sqlx::query(
        "insert into public.run_model (run_id, position, provider, model, label, params,
           input_per_mtok, output_per_mtok, prices_as_of)
         select $1, * from unnest($2::smallint[], $3::text[], $4::text[], $5::text[], $6::jsonb[],
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
    .execute(&mut **tx)
    .await?;

    // Cells are queued in row order, models interleaved, so early rows finish first.
    let cells_sql = if new.dataset_id.is_some() {
        "insert into public.run_cell (run_id, run_model_id, row_index, queued_at)
         select $1, m.id, r.row_index, now() + r.row_index * interval '1 microsecond'
         from public.run_model m cross join public.dataset_row r
         where m.run_id = $1 and r.dataset_id = $2"
    } else {
        "insert into public.run_cell (run_id, run_model_id)
         select $1, m.id from public.run_model m where m.run_id = $1 and $2::uuid is null"
    };
    sqlx::query(cells_sql).bind(id).bind(new.dataset_id).execute(&mut **tx).await?;
    // Wakes idle workers in every process once this commits.
    sqlx::query("select pg_notify('run_queue', $1)")
        .bind(id.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
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
