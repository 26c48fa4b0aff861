//! Working on one cell: render the prompt, call the model, grade the output, describe the result.
//!
//! Whatever one tenant put in a run (a row nested past what JSON readers take, a template that
//! renders to megabytes, a model that is no longer in the catalog) fails that cell alone, with an
//! error kind that says why. Work that grows with the input (rendering, checks, reading a judge's
//! verdict) runs on the blocking pool once the input is large, so the async threads that serve
//! everyone's requests are never held by it.

use std::{
    borrow::Cow,
    collections::HashMap,
    sync::Arc,
    time::{Duration, Instant},
};

use grading::{CheckResult, CompiledCheck, ScoreScale, parse_verdict};
use platform::OrgId;
use prompts::placeholders::RenderError;
use providers::{
    ChatRequest, ChatResponse, ModelParams, ModelProblem, ProviderError, Providers,
    cache::{self, CachedAnswer},
    cost_usd,
};
use serde_json::{Map, Value, json};

use super::{Claimed, ClaimedGrade, Worker};
use crate::{
    CellError, CellId, CellStatus, ErrorKind, Generation, GradeStatus, GradingPassId, Judgement,
    RunDetail, RunId, RunModelId,
    create::GraderSnapshot,
    render::{render, render_with, value_text},
    store::RUN_DETAIL_COLUMNS,
};

/// How old a cached answer a run reuses may be: as long as the cache keeps answers.
const RUN_CACHE_MAX_AGE: Duration = cache::MAX_AGE;

/// Inputs smaller than this are worked on in place; larger ones on the blocking pool.
const OFFLOAD_BYTES: usize = 64 * 1024;

/// What every cell of a run needs, read once per run and cached (runs do not change). A run
/// whose stored spec cannot be used is cached as the reason, so its cells fail at once.
pub(super) type SpecEntry = Result<RunSpec, String>;

#[derive(Debug)]
pub(super) struct RunSpec {
    prompt_body: String,
    system_prompt: Option<String>,
    variables: Map<String, Value>,
    /// Each of the run's models, or why it cannot be called.
    models: HashMap<RunModelId, Result<ModelSpec, String>>,
    grader: Option<GraderSnapshot>,
    checks: Vec<CompiledCheck>,
    expected_column: Option<String>,
    scale: ScoreScale,
    pass_threshold: f64,
    /// Reuse and keep answers (`providers::cache`).
    use_cache: bool,
    /// Why the grader cannot be called, if it cannot.
    grader_problem: Option<String>,
}

/// What the worker needs of a run's model. `params` comes as text and is decoded here, so that
/// parameters no reader takes are this model's problem, not a failed query.
#[derive(Debug, sqlx::FromRow)]
struct ModelRow {
    id: RunModelId,
    provider: String,
    model: String,
    params: String,
    input_per_mtok: f64,
    output_per_mtok: f64,
}

#[derive(Debug)]
struct ModelSpec {
    provider: String,
    model: String,
    params: ModelParams,
    input_per_mtok: f64,
    output_per_mtok: f64,
}

/// Where a cell's answer came from.
enum Answered {
    ByModel(ChatResponse),
    /// The response cache, and how long the look-up took.
    FromCache(CachedAnswer, Duration),
}

/// The outcome of a cell, ready to be written.
#[derive(Debug)]
pub(super) struct CellResult {
    pub id: CellId,
    pub status: CellStatus,
    /// Model calls made by this claim.
    pub attempts: i32,
    pub generation: Generation,
    pub error: Option<CellError>,
    pub graded: Graded,
    /// A new answer for the response cache (of a run that caches).
    pub to_cache: Option<cache::Entry>,
}

/// How an output was graded automatically.
#[derive(Debug, Default)]
pub(super) struct Graded {
    pub judge: Option<Judgement>,
    pub assertion_results: Option<Vec<CheckResult>>,
    pub auto_pass: Option<bool>,
}

impl Graded {
    fn make_storable(&mut self) {
        if let Some(judge) = &mut self.judge {
            [&mut judge.reason, &mut judge.output, &mut judge.error]
                .into_iter()
                .flatten()
                .for_each(replace_nul);
        }
        for check in self.assertion_results.iter_mut().flatten() {
            replace_nul(&mut check.reason);
        }
    }

    /// The grade as columns of `run_cell` (and `grading_pass_cell`): the judgement's fields
    /// are `judge_<field>`.
    fn extend_row(&self, row: &mut Map<String, Value>) {
        if let Some(Value::Object(judge)) = self.judge.as_ref().map(|j| json!(j)) {
            row.extend(judge.into_iter().map(|(field, value)| (format!("judge_{field}"), value)));
        }
        row.insert("check_results".into(), json!(self.assertion_results));
        row.insert("auto_pass".into(), json!(self.auto_pass));
    }
}

/// A cell graded again in a grading pass, ready to be written.
#[derive(Debug)]
pub(super) struct GradeResult {
    pub pass_id: GradingPassId,
    pub cell_id: CellId,
    pub graded: Graded,
}

impl GradeResult {
    /// This result as a `grading_pass_cell` row.
    pub(super) fn row(&mut self) -> Value {
        self.graded.make_storable();
        let mut row = Map::new();
        row.insert("pass_id".into(), json!(self.pass_id));
        row.insert("cell_id".into(), json!(self.cell_id));
        self.graded.extend_row(&mut row);
        Value::Object(row)
    }
}

impl CellResult {
    fn new(id: CellId, status: CellStatus) -> Self {
        Self {
            id,
            status,
            attempts: 0,
            generation: Generation::default(),
            error: None,
            graded: Graded::default(),
            to_cache: None,
        }
    }

    pub(super) fn failed(id: CellId, kind: ErrorKind, message: impl Into<String>) -> Self {
        Self { error: Some(CellError::new(kind, message)), ..Self::new(id, CellStatus::Failed) }
    }

    /// Makes every text storable: PostgreSQL text and jsonb cannot hold NUL, which a model told
    /// to echo can answer. Each NUL becomes U+FFFD (the replacement character), so the text keeps
    /// its shape and shows where something was.
    pub(super) fn make_storable(&mut self) {
        let generation = &mut self.generation;
        [
            &mut generation.rendered_system,
            &mut generation.rendered_prompt,
            &mut generation.output,
            &mut generation.finish_reason,
        ]
        .into_iter()
        .flatten()
        .for_each(replace_nul);
        if let Some(error) = &mut self.error {
            replace_nul(&mut error.message);
        }
        self.graded.make_storable();
    }

    /// This result as a `run_cell` row: column name to value, as `jsonb_populate_recordset`
    /// reads it. The generation's fields are columns of the same names; the judgement's are
    /// `judge_<field>`.
    pub(super) fn row(&self) -> Value {
        let Value::Object(mut row) = json!(self.generation) else {
            unreachable!("a generation serializes as an object")
        };
        row.insert("id".into(), json!(self.id));
        row.insert("status".into(), json!(self.status));
        row.insert("attempts".into(), json!(self.attempts));
        if let Some(error) = &self.error {
            row.insert("error_kind".into(), json!(error.kind));
            row.insert("error_message".into(), json!(error.message));
        }
        self.graded.extend_row(&mut row);
        Value::Object(row)
    }
}

fn replace_nul(text: &mut String) {
    if text.contains('\0') {
        *text = text.replace('\0', "\u{FFFD}");
    }
}

/// `text` cut to at most `max_bytes` (at a character boundary), and whether it was cut.
fn bounded(mut text: String, max_bytes: usize) -> (String, bool) {
    if text.len() <= max_bytes {
        return (text, false);
    }
    let mut end = max_bytes;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    (text, true)
}

/// Runs `work` where it cannot hold an async thread when `size` says it may take a while.
async fn cpu_bound<T: Send + 'static>(size: usize, work: impl FnOnce() -> T + Send + 'static) -> T {
    if size < OFFLOAD_BYTES {
        return work();
    }
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic.into_panic()))
}

impl Worker {
    /// Works on a claimed cell. `None` when there is nothing to write (the run is gone, or could
    /// not be read: then the lease runs out and another claim tries again).
    pub(super) async fn execute(&self, cell: Claimed) -> Option<CellResult> {
        let entry = match self.spec(cell.run_id, cell.org_id, cell.grading_pass).await {
            Ok(Some(entry)) => entry,
            Ok(None) => return None,
            Err(error) => {
                let error = platform::db::describe(&error);
                tracing::warn!(%error, run.id = %cell.run_id, "could not read the run of a claimed cell");
                return None;
            }
        };
        let spec = match entry.as_ref() {
            Ok(spec) => spec,
            Err(problem) => {
                return Some(CellResult::failed(cell.id, ErrorKind::InvalidInput, problem));
            }
        };
        let model = match spec.models.get(&cell.run_model_id) {
            Some(Ok(model)) => model,
            Some(Err(problem)) => {
                return Some(CellResult::failed(cell.id, ErrorKind::InvalidInput, problem));
            }
            None => {
                let problem = "the cell's model is not one of its run's models";
                return Some(CellResult::failed(cell.id, ErrorKind::InvalidInput, problem));
            }
        };
        let row = match cell.row.as_deref().map(decode_row).transpose() {
            Ok(row) => row,
            Err(problem) => {
                return Some(CellResult::failed(cell.id, ErrorKind::InvalidInput, problem));
            }
        };
        let max_prompt = self.config.limits.max_rendered_prompt_bytes;
        let size = spec.prompt_body.len() + cell.row.as_ref().map_or(0, String::len);
        let (job_spec, row) = (entry.clone(), Arc::new(row));
        let job_row = row.clone();
        let rendered = cpu_bound(size, move || {
            let spec = job_spec.as_ref().as_ref().expect("checked above");
            let row = job_row.as_ref().as_ref();
            let user = render(&spec.prompt_body, row, &spec.variables, max_prompt)?;
            let system = spec
                .system_prompt
                .as_deref()
                .map(|s| render(s, row, &spec.variables, max_prompt))
                .transpose()?;
            Ok::<_, RenderError>((system, user))
        })
        .await;
        let (system, user) = match rendered {
            Ok(rendered) => rendered,
            Err(error @ RenderError::MissingValue(_)) => {
                return Some(CellResult::failed(
                    cell.id,
                    ErrorKind::InvalidInput,
                    error.to_string(),
                ));
            }
            Err(error @ RenderError::TooLarge { .. }) => {
                let message = format!("{error} (MAX_RENDERED_PROMPT_BYTES)");
                return Some(CellResult::failed(cell.id, ErrorKind::PromptTooLarge, message));
            }
        };
        let providers = self.providers_of(cell.org_id).await?;
        let Some(provider) = providers.get(&model.provider) else {
            let message = format!("provider `{}` is not configured on this worker", model.provider);
            return Some(CellResult::failed(cell.id, ErrorKind::Unavailable, message));
        };

        let request =
            ChatRequest { model: model.model.clone(), system, user, params: model.params.clone() };
        let cache_key = spec.use_cache.then(|| cache::key(&model.provider, &request));
        let hit = match &cache_key {
            Some(key) => self.cached(cell.org_id, key).await,
            None => None,
        };
        let mut result = CellResult::new(cell.id, CellStatus::Succeeded);
        let answer = match hit {
            Some((hit, looked_up_in)) => Ok(Answered::FromCache(hit, looked_up_in)),
            None => {
                let call = provider.call(&request).await;
                result.attempts = i32::try_from(call.attempts).unwrap_or(i32::MAX);
                call.result.map(Answered::ByModel)
            }
        };
        match answer {
            Ok(answer) => {
                let (response, saved_cost_usd) = match answer {
                    Answered::ByModel(response) => (response, None),
                    Answered::FromCache(hit, looked_up_in) => {
                        let saved = Some(hit.cost_usd);
                        (hit.into_response(looked_up_in), saved)
                    }
                };
                let usage = Usage::of(&response);
                let cost_usd = match saved_cost_usd {
                    None => usage.cost(model.input_per_mtok, model.output_per_mtok),
                    Some(_) => 0.0,
                };
                let max_output = self.config.limits.max_output_bytes;
                // A new, whole answer is kept for the next identical cell.
                if let Some(key) = cache_key
                    && saved_cost_usd.is_none()
                    && response.text.len() <= max_output
                {
                    result.to_cache = Some(cache::Entry {
                        org_id: cell.org_id,
                        key_sha256: key,
                        answer: CachedAnswer::of(
                            &model.provider,
                            &model.model,
                            &response,
                            cost_usd,
                        ),
                    });
                }
                let (output, truncated) = bounded(response.text, max_output);
                result.graded = self.grade(&providers, &entry, row, &request.user, &output).await;
                result.generation = Generation {
                    output: Some(output),
                    output_truncated: truncated,
                    finish_reason: response.finish_reason,
                    latency_ms: usage.latency_ms,
                    tokens_in: usage.tokens_in,
                    tokens_out: usage.tokens_out,
                    cost_usd: Some(cost_usd),
                    cached: saved_cost_usd.is_some(),
                    saved_cost_usd,
                    ..Generation::default()
                };
            }
            Err(error) => {
                result.status = CellStatus::Failed;
                result.error = Some(CellError::new(error.kind.into(), error.message));
            }
        }
        result.generation.rendered_system = request.system;
        result.generation.rendered_prompt = Some(request.user);
        Some(result)
    }

    /// The providers `org` calls through; `None` (nothing to write: the lease runs out and the
    /// work is claimed again) while its keys cannot be read.
    async fn providers_of(&self, org: OrgId) -> Option<Arc<Providers>> {
        match self.providers.for_org(org).await {
            Ok(providers) => Some(providers),
            Err(error) => {
                let error = platform::db::describe(&error);
                tracing::warn!(%error, org.id = %org, "could not read the organization's provider keys");
                None
            }
        }
    }

    /// The cached answer for `key` in `org`, and how long finding it took. A cache that cannot
    /// be read is a miss: the model answers instead.
    async fn cached(&self, org: OrgId, key: &str) -> Option<(CachedAnswer, Duration)> {
        let started = Instant::now();
        let found = async {
            let mut tx = self.db.begin_service().await?;
            let found = cache::look_up(&mut tx, org, key, RUN_CACHE_MAX_AGE, "run").await?;
            tx.commit().await?;
            Ok::<_, sqlx::Error>(found)
        }
        .await;
        match found {
            Ok(found) => found.map(|hit| (hit, started.elapsed())),
            Err(error) => {
                let error = platform::db::describe(&error);
                tracing::warn!(%error, "could not read the response cache");
                None
            }
        }
    }

    /// Grades a cell's output again, as its run's latest pass grades. `None` when there is
    /// nothing to write (as for a cell).
    pub(super) async fn regrade(&self, job: ClaimedGrade) -> Option<GradeResult> {
        let entry = match self.spec(job.run_id, job.org_id, job.grading_pass).await {
            Ok(Some(entry)) => entry,
            Ok(None) => return None,
            Err(error) => {
                let error = platform::db::describe(&error);
                tracing::warn!(%error, run.id = %job.run_id, "could not read the run of a grading job");
                return None;
            }
        };
        let failed =
            |problem: &str| Graded { judge: Some(judge_error(problem)), ..Graded::default() };
        let graded = match (entry.as_ref(), job.row.as_deref().map(decode_row).transpose()) {
            (Err(problem), _) | (Ok(RunSpec { grader_problem: Some(problem), .. }), _) => {
                failed(problem)
            }
            (Ok(_), Err(problem)) => failed(&problem),
            (Ok(_), Ok(row)) => {
                let providers = self.providers_of(job.org_id).await?;
                let input = job.input.unwrap_or_default();
                let output = job.output.unwrap_or_default();
                self.grade(&providers, &entry, Arc::new(row), &input, &output).await
            }
        };
        Some(GradeResult { pass_id: job.pass_id, cell_id: job.cell_id, graded })
    }

    /// Runs the checks and the judge on a successful output. The cell passes when every check
    /// and the judge pass; a judge without a verdict leaves the outcome unknown (unless a check
    /// already failed), never a silent fail.
    async fn grade(
        &self,
        providers: &Providers,
        entry: &Arc<SpecEntry>,
        row: Arc<Option<Map<String, Value>>>,
        input: &str,
        output: &str,
    ) -> Graded {
        let spec = entry.as_ref().as_ref().expect("only a usable spec runs cells");
        let checks = if spec.checks.is_empty() {
            None
        } else {
            let (job_spec, job_row, job_output) = (entry.clone(), row.clone(), output.to_owned());
            Some(
                cpu_bound(output.len(), move || {
                    let spec = job_spec.as_ref().as_ref().expect("checked above");
                    let row = job_row.as_ref().as_ref();
                    spec.checks
                        .iter()
                        .map(|c| c.evaluate(&job_output, row, &spec.variables))
                        .collect::<Vec<_>>()
                })
                .await,
            )
        };
        let judged = match &spec.grader {
            Some(grader) => Some(
                self.judge(providers, spec, grader, row.as_ref().as_ref(), input, output).await,
            ),
            None => None,
        };
        let checks_pass = checks.as_ref().map(|all| all.iter().all(|c| c.passed));
        let judge_pass = judged.as_ref().map(|j| j.pass);
        let auto_pass = match (checks_pass, judge_pass) {
            (Some(false), _) => Some(false),
            (_, Some(judge)) => judge,
            (checks, None) => checks,
        };
        Graded { judge: judged, assertion_results: checks, auto_pass }
    }

    async fn judge(
        &self,
        providers: &Providers,
        spec: &RunSpec,
        grader: &GraderSnapshot,
        row: Option<&Map<String, Value>>,
        input: &str,
        output: &str,
    ) -> Judgement {
        let error = |message: String| judge_error(&message);
        // What the grader sees: its own inputs, then the row, then the run's variables.
        let expected = spec.expected_column.as_ref().and_then(|c| row.and_then(|r| r.get(c)));
        let lookup = |name: &str| -> Option<Cow<'_, str>> {
            match name {
                "output" => Some(Cow::Borrowed(output)),
                "input" => Some(Cow::Borrowed(input)),
                "expected" if expected.is_some() => expected.map(value_text),
                _ => row
                    .and_then(|r| r.get(name))
                    .or_else(|| spec.variables.get(name))
                    .map(value_text),
            }
        };
        // The judge's template is at most 100 KiB and its values are bounded: rendering stays
        // well within a few milliseconds.
        let max_prompt = self.config.limits.max_rendered_prompt_bytes;
        let prompt = match render_with(&grader.body, max_prompt, lookup) {
            Ok(prompt) => prompt,
            Err(problem) => return error(problem.to_string()),
        };
        let Some(provider) = providers.get(&grader.provider) else {
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
        let cost_usd = Some(usage.cost(grader.input_per_mtok, grader.output_per_mtok));
        let (scale, threshold) = (spec.scale, spec.pass_threshold);
        let max_output = self.config.limits.max_output_bytes;
        let text = response.text;
        let (verdict, text) = cpu_bound(text.len(), move || {
            let verdict = parse_verdict(&text, scale, threshold);
            (verdict, text)
        })
        .await;
        let (status, score, pass, reason, error) = match verdict {
            Ok(verdict) => {
                (GradeStatus::Graded, verdict.score, Some(verdict.pass), verdict.reason, None)
            }
            Err(parse) => (GradeStatus::ParseError, None, None, None, Some(parse.0)),
        };
        let (output, output_truncated) = bounded(text, max_output);
        Judgement {
            status,
            score,
            pass,
            reason,
            error,
            cost_usd,
            tokens_in: usage.tokens_in,
            tokens_out: usage.tokens_out,
            latency_ms: usage.latency_ms,
            output: Some(output),
            output_truncated,
        }
    }

    /// The run's spec, from the cache or the database; `None` if the run was deleted. The cache
    /// is keyed by the run and its organization, so it can only ever serve a run's own data back
    /// to it, and by the run's grading pass: a regrade changes how its cells are graded.
    async fn spec(
        &self,
        run_id: RunId,
        org_id: OrgId,
        grading_pass: i32,
    ) -> Result<Option<Arc<SpecEntry>>, sqlx::Error> {
        if let Some(entry) = self.specs.lock().await.get(&(run_id, org_id, grading_pass)) {
            return Ok(Some(entry.clone()));
        }
        let mut tx = self.db.begin_service().await?;
        let run: Result<Option<RunDetail>, sqlx::Error> = sqlx::query_as(&format!(
            "select {RUN_DETAIL_COLUMNS} from public.run r where r.id = $1 and r.org_id = $2"
        ))
        .bind(run_id)
        .bind(org_id)
        .fetch_optional(&mut *tx)
        .await;
        let entry = match run {
            Ok(None) => return Ok(None),
            // A stored value no reader takes: this run's problem, not the database's.
            Err(error @ (sqlx::Error::ColumnDecode { .. } | sqlx::Error::Decode(_))) => {
                Err(format!("the run cannot be read: {error}"))
            }
            Err(error) => return Err(error),
            Ok(Some(run)) => {
                let models: Vec<ModelRow> = sqlx::query_as(
                    "select id, provider, model, params::text as params, input_per_mtok,
                            output_per_mtok
                     from public.run_model where run_id = $1",
                )
                .bind(run_id)
                .fetch_all(&mut *tx)
                .await?;
                Ok(self.read_spec(run, models))
            }
        };
        tx.commit().await?;
        let entry = Arc::new(entry);
        let mut specs = self.specs.lock().await;
        // Bounded: a long-lived worker sees many runs; rereading one is cheap.
        if specs.len() >= 256 {
            specs.clear();
        }
        specs.insert((run_id, org_id, grading_pass), entry.clone());
        Ok(Some(entry))
    }

    /// Compiles a stored run and checks again what it would execute: the run was validated when
    /// it was created, but a worker runs whatever the table holds.
    fn read_spec(&self, run: RunDetail, models: Vec<ModelRow>) -> RunSpec {
        let run_id = run.run.id;
        let checks = run
            .assertions
            .iter()
            .filter_map(|check| {
                let column: Vec<&str> = check.column.iter().map(String::as_str).collect();
                check
                    .compile(&column)
                    .map_err(|e| tracing::error!(run.id = %run_id, "skipping a check: {e}"))
                    .ok()
            })
            .collect();
        let grader_problem = run.grader.as_ref().and_then(|grader| {
            self.check_model(&grader.provider, &grader.model, &grader.params)
                .and_then(|()| check_prices(grader.input_per_mtok, grader.output_per_mtok))
                .err()
                .map(|problem| format!("the grader: {problem}"))
        });
        let models = models
            .into_iter()
            .map(|row| {
                let model = grader_problem.clone().map_or(Ok(()), Err).and_then(|()| {
                    let params: ModelParams = serde_json::from_str(&row.params)
                        .map_err(|e| format!("the model's params cannot be read: {e}"))?;
                    self.check_model(&row.provider, &row.model, &params)?;
                    check_prices(row.input_per_mtok, row.output_per_mtok)?;
                    Ok(ModelSpec {
                        provider: row.provider,
                        model: row.model,
                        params,
                        input_per_mtok: row.input_per_mtok,
                        output_per_mtok: row.output_per_mtok,
                    })
                });
                (row.id, model)
            })
            .collect();
        RunSpec {
            prompt_body: run.prompt_body,
            system_prompt: run.system,
            variables: run.variables,
            models,
            grader: run.grader,
            checks,
            expected_column: run.expected_column,
            scale: run.score_scale,
            pass_threshold: run.pass_threshold,
            use_cache: run.cache,
            grader_problem,
        }
    }

    /// A model this server may call, with parameters in range. An unconfigured provider is
    /// reported when the cell runs (`unavailable`): another worker may have its key.
    fn check_model(&self, provider: &str, model: &str, params: &ModelParams) -> Result<(), String> {
        match self.providers.server().resolve(provider, model) {
            Ok(_) | Err(ModelProblem::NotConfigured { .. }) => {}
            Err(problem) => return Err(problem.to_string()),
        }
        params.problem().map_or(Ok(()), Err)
    }
}

/// A judgement that could not be made, and why.
fn judge_error(message: &str) -> Judgement {
    Judgement {
        status: GradeStatus::Error,
        score: None,
        pass: None,
        reason: None,
        output: None,
        output_truncated: false,
        error: Some(message.to_owned()),
        tokens_in: None,
        tokens_out: None,
        cost_usd: None,
        latency_ms: None,
    }
}

fn check_prices(input_per_mtok: f64, output_per_mtok: f64) -> Result<(), String> {
    let valid = |price: f64| price.is_finite() && price >= 0.0;
    if valid(input_per_mtok) && valid(output_per_mtok) {
        Ok(())
    } else {
        Err("the model's prices are not non-negative numbers".into())
    }
}

/// A dataset row, as the claim returned it.
fn decode_row(text: &str) -> Result<Map<String, Value>, String> {
    serde_json::from_str(text).map_err(|e| format!("the dataset row cannot be read: {e}"))
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

    /// USD for the call at prices per million tokens.
    fn cost(&self, input_per_mtok: f64, output_per_mtok: f64) -> f64 {
        let tokens = |n: Option<i32>| u64::try_from(n.unwrap_or(0)).unwrap_or_default();
        cost_usd(tokens(self.tokens_in), tokens(self.tokens_out), input_per_mtok, output_per_mtok)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_cut_at_a_character_boundary_and_say_so() {
        assert_eq!(bounded("short".into(), 10), ("short".into(), false));
        assert_eq!(bounded("héllo".into(), 2), ("h".into(), true));
        assert_eq!(bounded("héllo".into(), 3), ("hé".into(), true));
    }

    #[test]
    fn results_lose_their_nul_characters_and_nothing_else() {
        let mut result = CellResult::failed(CellId(uuid::Uuid::nil()), ErrorKind::Internal, "a\0b");
        result.generation.output = Some("\0".into());
        result.graded.assertion_results = Some(vec![CheckResult {
            kind: grading::CheckKind::Equals,
            passed: false,
            reason: "x\0y".into(),
        }]);
        result.make_storable();
        assert_eq!(result.error.as_ref().unwrap().message, "a\u{FFFD}b");
        assert_eq!(result.generation.output.as_deref(), Some("\u{FFFD}"));
        assert_eq!(result.graded.assertion_results.as_ref().unwrap()[0].reason, "x\u{FFFD}y");
    }

    #[test]
    fn a_result_is_a_row_of_run_cell_columns() {
        let mut result = CellResult::new(CellId(uuid::Uuid::nil()), CellStatus::Succeeded);
        result.generation.output = Some("hi".into());
        result.graded.judge = Some(Judgement {
            status: GradeStatus::Graded,
            score: Some(1.0),
            pass: Some(true),
            reason: None,
            output: None,
            output_truncated: false,
            error: None,
            tokens_in: Some(3),
            tokens_out: None,
            cost_usd: None,
            latency_ms: None,
        });
        let row = result.row();
        assert_eq!(row["output"], "hi");
        assert_eq!(row["status"], "succeeded");
        assert_eq!(
            (row["judge_status"].as_str(), row["judge_tokens_in"].as_i64()),
            (Some("graded"), Some(3))
        );
        assert!(row.get("error_kind").is_none() && row.get("status_kind").is_none());
    }

    #[test]
    fn rows_nested_past_the_readers_limit_are_this_cells_problem() {
        let deep = format!("{{\"deep\": {}1{}}}", "[".repeat(200), "]".repeat(200));
        assert!(decode_row(&deep).unwrap_err().starts_with("the dataset row cannot be read"));
        assert!(decode_row(r#"{"q": "x"}"#).is_ok());
    }
}
