//! Working on one cell: render the prompt, call the model, grade the output, describe the result.

use std::{collections::HashMap, sync::Arc};

use grading::{Check, CheckResult, CompiledCheck, ScoreScale, parse_verdict};
use providers::{ChatRequest, ChatResponse, ModelParams, ProviderError};
use serde_json::{Map, Value};
use sqlx::types::Json;
use uuid::Uuid;

use super::{Claimed, Worker};
use crate::{CellStatus, GradeStatus, create::GraderSnapshot, render};

/// What every cell of a run needs, read once per run and cached (runs do not change).
#[derive(Debug)]
pub(super) struct RunSpec {
    prompt_body: String,
    system_prompt: Option<String>,
    variables: Map<String, Value>,
    models: HashMap<Uuid, ModelSpec>,
    grader: Option<GraderSnapshot>,
    checks: Vec<CompiledCheck>,
    expected_column: Option<String>,
    scale: ScoreScale,
    pass_threshold: f64,
}

#[derive(Debug, sqlx::FromRow)]
struct RunRow {
    prompt_body: String,
    system_prompt: Option<String>,
    variables: Json<Map<String, Value>>,
    grader: Option<Json<GraderSnapshot>>,
    checks: Json<Vec<Check>>,
    expected_column: Option<String>,
    score_min: f64,
    score_max: f64,
    pass_threshold: f64,
}

#[derive(Debug, sqlx::FromRow)]
struct ModelSpec {
    id: Uuid,
    provider: String,
    model: String,
    params: Json<ModelParams>,
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
    pub judge: Option<Judged>,
    pub check_results: Option<Vec<CheckResult>>,
    pub auto_pass: Option<bool>,
}

/// What the judge made of an output.
#[derive(Debug)]
pub(super) struct Judged {
    pub status: GradeStatus,
    pub score: Option<f64>,
    pub pass: Option<bool>,
    pub reason: Option<String>,
    /// The judge's raw answer, kept whatever it said.
    pub output: Option<String>,
    pub error: Option<String>,
    pub tokens_in: Option<i32>,
    pub tokens_out: Option<i32>,
    pub cost_usd: Option<f64>,
    pub latency_ms: Option<i32>,
}

impl CellResult {
    fn new(id: Uuid, status: CellStatus) -> Self {
        Self {
            id,
            status,
            attempts: 0,
            rendered_system: None,
            rendered_prompt: None,
            output: None,
            error_kind: None,
            error_message: None,
            finish_reason: None,
            latency_ms: None,
            tokens_in: None,
            tokens_out: None,
            cost_usd: None,
            judge: None,
            check_results: None,
            auto_pass: None,
        }
    }

    fn failed(id: Uuid, kind: &str, message: String) -> Self {
        Self {
            error_kind: Some(kind.to_owned()),
            error_message: Some(message),
            ..Self::new(id, CellStatus::Failed)
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
        let mut result = CellResult::new(cell.id, CellStatus::Succeeded);
        result.attempts = i32::try_from(call.attempts).unwrap_or(i32::MAX);
        match call.result {
            Ok(response) => {
                result.cost_usd =
                    Some(cost(&response, model.input_per_mtok, model.output_per_mtok));
                self.grade(&spec, row, &request.user, &response.text, &mut result).await;
                let usage = Usage::of(&response);
                (result.latency_ms, result.tokens_in, result.tokens_out) =
                    (usage.latency_ms, usage.tokens_in, usage.tokens_out);
                result.finish_reason = response.finish_reason;
                result.output = Some(response.text);
            }
            Err(error) => {
                result.status = CellStatus::Failed;
                result.error_kind = Some(error.kind.as_str().to_owned());
                result.error_message = Some(error.message);
            }
        }
        result.rendered_system = request.system;
        result.rendered_prompt = Some(request.user);
        Some(result)
    }

    /// Runs the checks and the judge on a successful output. The cell passes when every check
    /// and the judge pass; a judge without a verdict leaves the outcome unknown (unless a check
    /// already failed), never a silent fail.
    async fn grade(
        &self,
        spec: &RunSpec,
        row: Option<&Map<String, Value>>,
        input: &str,
        output: &str,
        result: &mut CellResult,
    ) {
        let checks: Option<Vec<CheckResult>> = (!spec.checks.is_empty()).then(|| {
            spec.checks.iter().map(|c| c.evaluate(output, row, &spec.variables)).collect()
        });
        let judged = match &spec.grader {
            Some(grader) => Some(self.judge(spec, grader, row, input, output).await),
            None => None,
        };
        let checks_pass = checks.as_ref().map(|all| all.iter().all(|c| c.passed));
        let judge_pass = judged.as_ref().map(|j| j.pass);
        result.auto_pass = match (checks_pass, judge_pass) {
            (Some(false), _) => Some(false),
            (_, Some(judge)) => judge,
            (checks, None) => checks,
        };
        result.check_results = checks;
        result.judge = judged;
    }

    async fn judge(
        &self,
        spec: &RunSpec,
        grader: &GraderSnapshot,
        row: Option<&Map<String, Value>>,
        input: &str,
        output: &str,
    ) -> Judged {
        let error = |message: String| Judged {
            status: GradeStatus::Error,
            score: None,
            pass: None,
            reason: None,
            output: None,
            error: Some(message),
            tokens_in: None,
            tokens_out: None,
            cost_usd: None,
            latency_ms: None,
        };
        // What the grader sees: the run's variables, the row, then its own inputs (which win).
        let mut values = spec.variables.clone();
        values.extend(row.into_iter().flatten().map(|(k, v)| (k.clone(), v.clone())));
        let expected =
            spec.expected_column.as_ref().and_then(|c| row.and_then(|r| r.get(c)).cloned());
        values.insert("output".into(), output.into());
        values.insert("input".into(), input.into());
        if let Some(expected) = expected {
            values.insert("expected".into(), expected);
        }
        let prompt = match render(&grader.body, Some(&values), &Map::new()) {
            Ok(prompt) => prompt,
            Err(missing) => return error(missing.to_string()),
        };
        let Some(provider) = self.providers.get(&grader.provider) else {
            return error(format!(
                "provider `{}` is not configured on this worker",
                grader.provider
            ));
        };
        let request = ChatRequest {
            model: grader.model.clone(),
            system: None,
            user: prompt,
            params: grader.params.clone(),
        };
        let response = match provider.call(&request).await.result {
            Ok(response) => response,
            Err(ProviderError { kind, message, .. }) => {
                return error(format!("{}: {message}", kind.as_str()));
            }
        };
        let usage = Usage::of(&response);
        let (status, score, pass, reason, error) =
            match parse_verdict(&response.text, spec.scale, spec.pass_threshold) {
                Ok(verdict) => {
                    (GradeStatus::Graded, verdict.score, Some(verdict.pass), verdict.reason, None)
                }
                Err(parse) => (GradeStatus::ParseError, None, None, None, Some(parse.0)),
            };
        Judged {
            status,
            score,
            pass,
            reason,
            error,
            cost_usd: Some(cost(&response, grader.input_per_mtok, grader.output_per_mtok)),
            tokens_in: usage.tokens_in,
            tokens_out: usage.tokens_out,
            latency_ms: usage.latency_ms,
            output: Some(response.text),
        }
    }

    /// The run's spec, from the cache or the database; `None` if the run was deleted.
    async fn spec(&self, run_id: Uuid) -> Result<Option<Arc<RunSpec>>, sqlx::Error> {
        if let Some(spec) = self.specs.lock().await.get(&run_id) {
            return Ok(Some(spec.clone()));
        }
        let mut tx = self.db.begin_service().await?;
        let run: Option<RunRow> = sqlx::query_as(
            "select prompt_body, system_prompt, variables, grader, checks, expected_column,
                    score_min, score_max, pass_threshold
             from public.run where id = $1",
        )
        .bind(run_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(run) = run else { return Ok(None) };
        let models: Vec<ModelSpec> = sqlx::query_as(
            "select id, provider, model, params, input_per_mtok, output_per_mtok
             from public.run_model where run_id = $1",
        )
        .bind(run_id)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        // Validated, columns included, when the run was created; compiled again here.
        let checks = run
            .checks
            .0
            .iter()
            .filter_map(|check| {
                let column: Vec<&str> = check.column.iter().map(String::as_str).collect();
                let compiled = check.compile(&column);
                compiled
                    .map_err(|e| tracing::error!(run.id = %run_id, "skipping a check: {e}"))
                    .ok()
            })
            .collect();
        let spec = Arc::new(RunSpec {
            prompt_body: run.prompt_body,
            system_prompt: run.system_prompt,
            variables: run.variables.0,
            models: models.into_iter().map(|m| (m.id, m)).collect(),
            grader: run.grader.map(|g| g.0),
            checks,
            expected_column: run.expected_column,
            scale: ScoreScale { min: run.score_min, max: run.score_max },
            pass_threshold: run.pass_threshold,
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

/// A call's usage in the database's integer columns.
struct Usage {
    tokens_in: Option<i32>,
    tokens_out: Option<i32>,
    latency_ms: Option<i32>,
}

impl Usage {
    fn of(response: &ChatResponse) -> Self {
        Self {
            tokens_in: Some(i32::try_from(response.tokens_in).unwrap_or(i32::MAX)),
            tokens_out: Some(i32::try_from(response.tokens_out).unwrap_or(i32::MAX)),
            latency_ms: Some(i32::try_from(response.latency.as_millis()).unwrap_or(i32::MAX)),
        }
    }
}

/// USD for a call at prices per million tokens.
fn cost(response: &ChatResponse, input_per_mtok: f64, output_per_mtok: f64) -> f64 {
    (f64::from(response.tokens_in) * input_per_mtok
        + f64::from(response.tokens_out) * output_per_mtok)
        / 1_000_000.0
}
