//! Re-running a run: a new run with the same dataset and settings, linked to it by
//! `parent_run_id`, over all its rows or only those of some cells (chosen by id or by status),
//! optionally with another prompt version or other models.

use prompts::PromptVersionId;
use providers::Registry;
use tracing::instrument;

use crate::{
    CellId, CellStatus, Error, Grading, Invalid, Limits, NewGrader, NewRun, NewRunModel, PromptRef,
    Result, RunDetail, RunId, create, store,
};

/// What to re-run, and what to change.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rerun {
    /// Only the rows of these cells (of the run re-run).
    pub cells: Vec<CellId>,
    /// Only the rows of cells in these states (`failed`, say).
    pub statuses: Vec<CellStatus>,
    /// Another version to run instead of the run's own.
    pub prompt_version_id: Option<PromptVersionId>,
    /// Other models instead of the run's own.
    pub models: Option<Vec<NewRunModel>>,
}

fn invalid(field: &str, message: &str) -> Error {
    Error::Invalid(vec![Invalid { field: field.to_owned(), message: message.to_owned() }])
}

/// Re-runs run `parent` (editors of its organization): the new run, linked to it.
#[instrument(skip_all, fields(run.parent = %parent))]
pub async fn rerun(
    tx: &mut platform::UserTx,
    registry: &Registry,
    limits: &Limits,
    parent: RunId,
    change: Rerun,
) -> Result<RunDetail> {
    let run = store::get(tx, parent).await?;
    let rows = if change.cells.is_empty() && change.statuses.is_empty() {
        None
    } else {
        let rows: Vec<Option<i32>> = sqlx::query_scalar(
            "select distinct row_index from public.run_cell
             where run_id = $1 and (id = any($2) or status = any($3))
             order by 1",
        )
        .bind(parent)
        .bind(&change.cells)
        .bind(&change.statuses)
        .fetch_all(&mut **tx)
        .await?;
        if rows.is_empty() {
            let field = if change.cells.is_empty() { "statuses" } else { "cells" };
            return Err(invalid(field, "no cell of the run matches"));
        }
        // A run over variables has one row: re-running it is running it again.
        run.run.dataset_id.map(|_| rows.into_iter().flatten().collect())
    };
    let version =
        change.prompt_version_id.or(run.run.prompt.prompt_version_id).ok_or_else(|| {
            invalid("prompt_version_id", "the run's prompt was deleted: name a version to run")
        })?;
    let models = change.models.unwrap_or_else(|| {
        run.models
            .iter()
            .map(|m| NewRunModel {
                provider: m.provider.clone(),
                model: m.model.clone(),
                label: Some(m.label.clone()),
                params: m.params.clone(),
            })
            .collect()
    });
    let grader = run.grader.as_ref().map(|g| NewGrader {
        prompt: PromptRef::Version(g.prompt_version_id),
        provider: g.provider.clone(),
        model: g.model.clone(),
        params: g.params.clone(),
    });
    let new = NewRun {
        prompt: PromptRef::Version(version),
        dataset_id: run.run.dataset_id,
        variables: run.variables.clone(),
        system: run.system.clone(),
        models,
        grader,
        grading: Grading {
            expected_column: run.expected_column.clone(),
            scale: run.score_scale,
            pass_threshold: run.pass_threshold,
            checks: run.assertions.clone(),
        },
        concurrency: run.concurrency,
        cache: run.cache,
        max_cost_usd: run.max_cost_usd,
        parent_run_id: Some(parent),
        rows,
        draft_body: None,
    };
    create::create(tx, run.run.org_id, registry, limits, new).await
}
