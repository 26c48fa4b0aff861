//! Working on one cell: render the prompt, call the model, describe the result.

use std::{collections::HashMap, sync::Arc};

use providers::{ChatRequest, ModelParams};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::{Claimed, Worker};
use crate::{CellStatus, render};

/// What every cell of a run needs, read once per run and cached (runs do not change).
#[derive(Debug)]
pub(super) struct RunSpec {
    prompt_body: String,
    system_prompt: Option<String>,
    variables: Map<String, Value>,
    models: HashMap<Uuid, ModelSpec>,
}

#[derive(Debug, sqlx::FromRow)]
struct RunRow {
    prompt_body: String,
    system_prompt: Option<String>,
    variables: sqlx::types::Json<Map<String, Value>>,
}

#[derive(Debug, sqlx::FromRow)]
struct ModelSpec {
    id: Uuid,
    provider: String,
    model: String,
    params: sqlx::types::Json<ModelParams>,
    input_per_mtok: f64,
    output_per_mtok: f64,
}

/// The outcome of a cell, ready to be written.
#[derive(Debug)]
pub(super) struct CellResult {
    pub id: Uuid,
    pub status: CellStatus,
    /// Model calls made by this claim.
    pub attempts: i32,
    pub rendered_system: Option<String>,
    pub rendered_prompt: Option<String>,
    pub output: Option<String>,
    pub error_kind: Option<String>,
    pub error_message: Option<String>,
    pub finish_reason: Option<String>,
    pub latency_ms: Option<i32>,
    pub tokens_in: Option<i32>,
    pub tokens_out: Option<i32>,
    pub cost_usd: Option<f64>,
}

impl CellResult {
    fn failed(id: Uuid, kind: &str, message: String) -> Self {
        Self {
            id,
            status: CellStatus::Failed,
            attempts: 0,
            rendered_system: None,
            rendered_prompt: None,
            output: None,
            error_kind: Some(kind.to_owned()),
            error_message: Some(message),
            finish_reason: None,
            latency_ms: None,
            tokens_in: None,
            tokens_out: None,
            cost_usd: None,
        }
    }
}

impl Worker {
    /// Works on a claimed cell. `None` when there is nothing to write (the run is gone).
    pub(super) async fn execute(&self, cell: Claimed) -> Option<CellResult> {
        let spec = match self.spec(cell.run_id).await {
            Ok(Some(spec)) => spec,
            Ok(None) => return None,
            Err(error) => {
                // The lease runs out and another claim tries again.
                tracing::warn!(%error, run.id = %cell.run_id, "could not read the run of a claimed cell");
                return None;
            }
        };
        let model = spec.models.get(&cell.run_model_id)?;
        let row = cell.row.as_ref().map(|row| &row.0);
        let rendered = render(&spec.prompt_body, row, &spec.variables).and_then(|user| {
            let system = spec
                .system_prompt
                .as_deref()
                .map(|s| render(s, row, &spec.variables))
                .transpose()?;
            Ok((system, user))
        });
        let (system, user) = match rendered {
            Ok(rendered) => rendered,
            Err(missing) => {
                return Some(CellResult::failed(cell.id, "render", missing.to_string()));
            }
        };
        let Some(provider) = self.providers.get(&model.provider) else {
            let message = format!("provider `{}` is not configured on this worker", model.provider);
            return Some(CellResult::failed(cell.id, "unavailable", message));
        };

        let request = ChatRequest {
            model: model.model.clone(),
            system,
            user,
            params: model.params.0.clone(),
        };
        let call = provider.call(&request).await;
        let attempts = i32::try_from(call.attempts).unwrap_or(i32::MAX);
        let base = CellResult {
            attempts,
            rendered_system: request.system,
            rendered_prompt: Some(request.user),
            ..CellResult::failed(cell.id, "", String::new())
        };
        Some(match call.result {
            Ok(response) => CellResult {
                status: CellStatus::Succeeded,
                error_kind: None,
                error_message: None,
                cost_usd: Some(
                    (f64::from(response.tokens_in) * model.input_per_mtok
                        + f64::from(response.tokens_out) * model.output_per_mtok)
                        / 1_000_000.0,
                ),
                latency_ms: Some(i32::try_from(response.latency.as_millis()).unwrap_or(i32::MAX)),
                tokens_in: Some(i32::try_from(response.tokens_in).unwrap_or(i32::MAX)),
                tokens_out: Some(i32::try_from(response.tokens_out).unwrap_or(i32::MAX)),
                output: Some(response.text),
                finish_reason: response.finish_reason,
                ..base
            },
            Err(error) => CellResult {
                error_kind: Some(error.kind.as_str().to_owned()),
                error_message: Some(error.message),
                ..base
            },
        })
    }

    /// The run's spec, from the cache or the database; `None` if the run was deleted.
    async fn spec(&self, run_id: Uuid) -> Result<Option<Arc<RunSpec>>, sqlx::Error> {
        if let Some(spec) = self.specs.lock().await.get(&run_id) {
            return Ok(Some(spec.clone()));
        }
        let mut tx = self.db.begin_service().await?;
        let run: Option<RunRow> = sqlx::query_as(
            "select prompt_body, system_prompt, variables from public.run where id = $1",
        )
        .bind(run_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(RunRow { prompt_body, system_prompt, variables }) = run else { return Ok(None) };
        let models: Vec<ModelSpec> = sqlx::query_as(
            "select id, provider, model, params, input_per_mtok, output_per_mtok
             from public.run_model where run_id = $1",
        )
        .bind(run_id)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        let spec = Arc::new(RunSpec {
            prompt_body,
            system_prompt,
            variables: variables.0,
            models: models.into_iter().map(|m| (m.id, m)).collect(),
        });
        let mut specs = self.specs.lock().await;
        // Bounded: a long-lived worker sees many runs; rereading one is cheap.
        if specs.len() >= 256 {
            specs.clear();
        }
        specs.insert(run_id, spec.clone());
        Ok(Some(spec))
    }
}
