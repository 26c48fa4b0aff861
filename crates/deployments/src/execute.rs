//! Calling a deployment: resolve it, take its rate tokens, render the prompt and look for a
//! cached answer (one short transaction), call the models in order until one answers (no
//! connection is held meanwhile), check a `json` answer, and log the call (a second short
//! transaction, which also caches a new answer) whatever happened.

use std::time::{Duration, Instant};

use platform::{Db, OrgId, Role, Slug, User, db::sql_literal, tenancy};
use prompts::placeholders::{self, RenderError};
use providers::{
    ChatRequest, ChatResponse, Deltas, ErrorKind, ModelEntry, ProviderError, Providers, Registry,
    cache::{self, CachedAnswer},
};
use serde_json::Value;
use tracing::instrument;

use crate::{
    CallId, CallStatus, DeploymentId, Error, Executed, Execution, Limits, ModelChoice,
    ResponseFormat, Result, ServedBy, store::compile_schema,
};

/// What a call needs of its deployment (`private.deployment_to_execute`).
#[derive(Debug, sqlx::FromRow)]
struct Target {
    id: DeploymentId,
    slug: String,
    prompt_id: prompts::PromptId,
    requests_per_minute: Option<i32>,
    cache_ttl_seconds: Option<i32>,
    version: i32,
    body: String,
    #[sqlx(json)]
    model: ModelChoice,
    #[sqlx(json)]
    fallbacks: Vec<ModelChoice>,
    response_format: ResponseFormat,
    json_schema: Option<Value>,
}

/// The tightest rate limit of a call after it: what the `RateLimit-*` headers say.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateState {
    /// Calls per minute.
    pub limit: u32,
    pub remaining: u32,
    /// Until the bucket is full again (or, refused, until a call may go).
    pub reset: std::time::Duration,
}

/// A call's answer, and the state of its rate limits.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub executed: Executed,
    /// `None` when no limit applies (an editor calling a deployment without one).
    pub rate: Option<RateState>,
}

/// A call admitted and rendered, to be sent to the models by [`finish`].
pub struct Admitted {
    caller: User,
    org: OrgId,
    target: Target,
    call: Execution,
    rendered: String,
    /// The answer to reuse, when the deployment caches and has one.
    cached: Option<CachedAnswer>,
    rate: Option<RateState>,
}

impl std::fmt::Debug for Admitted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Admitted")
            .field("org", &self.org)
            .field("deployment", &self.target.slug)
            .field("cached", &self.cached.is_some())
            .finish_non_exhaustive()
    }
}

impl Admitted {
    /// The state of the call's rate limits; `None` when none applies.
    pub fn rate(&self) -> Option<RateState> {
        self.rate
    }
}

/// A model's answer, which model gave it, and its key in the cache (when the deployment caches).
struct Answer {
    response: ChatResponse,
    entry: ModelEntry,
    fallback_used: bool,
    cache_key: Option<String>,
}

/// Calls the deployment `slug` of `org` for `caller` (an editor, or an API key with the
/// `execute` scope): [`admit`], then [`finish`].
pub async fn execute(
    db: &Db,
    registry: &Registry,
    caller: &User,
    org: OrgId,
    slug: &Slug,
    call: Execution,
    limits: &Limits,
) -> Result<Outcome> {
    let admitted = admit(db, caller, org, slug, call, limits).await?;
    let rate = admitted.rate;
    let executed = finish(db, registry, admitted, None).await?;
    Ok(Outcome { executed, rate })
}

/// Everything a call does before its models: the caller may call the deployment, within its
/// rate limits; the prompt renders with the call's variables; and the cache's answer, if the
/// deployment caches. One transaction, as the caller.
#[instrument(skip_all, fields(org.id = %org, deployment.slug = %slug))]
pub async fn admit(
    db: &Db,
    caller: &User,
    org: OrgId,
    slug: &Slug,
    call: Execution,
    limits: &Limits,
) -> Result<Admitted> {
    let mut tx = db.begin_async_commit_as(caller).await?;
    if caller.api_key().is_none() {
        tenancy::require(&mut tx, org, Role::Editor).await?;
    }
    let target: Target = sqlx::query_as("select * from private.deployment_to_execute($1, $2)")
        .bind(org)
        .bind(slug)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| Error::SlugNotFound(slug.clone()))?;
    let rendered = render(&target.body, &call, limits)?;
    let cached = match target.cache_ttl_seconds {
        Some(ttl) => {
            let key = cache::key(&target.model.provider, &request(&target.model, &rendered));
            let max_age = Duration::from_secs(u64::try_from(ttl).unwrap_or_default());
            cache::look_up(&mut tx, org, &key, max_age, "execute").await?
        }
        None => None,
    };
    tx.commit().await?;
    let rate = match take_rate_tokens(db, caller, &target, limits).await? {
        Some((false, state)) => return Err(Error::RateLimited(state)),
        Some((true, state)) => Some(state),
        None => None,
    };
    Ok(Admitted { caller: caller.clone(), org, target, call, rendered, cached, rate })
}

/// Answers an admitted call, from the cache or from the models (the text sent to `deltas` as it
/// comes, when given), and logs it.
#[instrument(skip_all, fields(org.id = %admitted.org, deployment.slug = %admitted.target.slug))]
pub async fn finish(
    db: &Db,
    registry: &Registry,
    admitted: Admitted,
    mut deltas: Option<&mut Deltas>,
) -> Result<Executed> {
    let Admitted { caller, org, target, call, rendered, cached, .. } = admitted;
    let started = Instant::now();
    let mut log = LogRow::new(&target, &call, rendered);

    // A cached answer is checked like a new one: the deployment's schema may have changed since.
    if let Some(hit) = cached
        && let Ok(parsed) = check(&target, &hit.output)
    {
        if let Some(deltas) = deltas {
            deltas.send(&hit.output);
        }
        log.answered_from_cache(&hit, elapsed_ms(started));
        let call_id = log.insert(db, &caller, org, None).await?;
        return Ok(Executed {
            call_id,
            output: hit.output,
            parsed,
            version: target.version,
            model: ServedBy { provider: hit.provider, model: hit.model },
            tokens_in: hit.tokens_in,
            tokens_out: hit.tokens_out,
            cost_usd: 0.0,
            latency_ms: log.latency_ms,
            cached: true,
            fallback_used: false,
        });
    }

    // The organization's own keys, where it has them.
    let providers = registry.for_org(org).await?;
    let answer = call_models(&providers, &target, &log.rendered, deltas.as_deref_mut()).await;
    let latency_ms = elapsed_ms(started);
    let answer = match answer {
        Ok(answer) => answer,
        Err(error) => {
            log.failed(&error, &target.model, latency_ms);
            let call_id = log.insert(db, &caller, org, None).await?;
            return Err(Error::ModelsFailed { call_id, kind: error.kind, message: error.message });
        }
    };
    let output = answer.response.text.replace('\0', "\u{FFFD}");
    let parsed = check(&target, &output);
    log.served(&answer, &output, parsed.as_ref().err(), latency_ms);
    let cost_usd = log.cost_usd.unwrap_or(0.0);
    // Only answers that passed their checks are worth reusing.
    let to_cache = answer.cache_key.clone().filter(|_| parsed.is_ok()).map(|key| {
        let served = CachedAnswer::of(
            &answer.entry.provider,
            &answer.entry.model,
            &answer.response,
            cost_usd,
        );
        cache::Entry { org_id: org, key_sha256: key, answer: served }
    });
    let call_id = log.insert(db, &caller, org, to_cache).await?;
    match parsed {
        Ok(parsed) => Ok(Executed {
            call_id,
            output,
            parsed,
            version: target.version,
            model: ServedBy { provider: answer.entry.provider, model: answer.entry.model },
            tokens_in: saturating_i32(answer.response.tokens_in),
            tokens_out: saturating_i32(answer.response.tokens_out),
            cost_usd,
            latency_ms,
            cached: false,
            fallback_used: answer.fallback_used,
        }),
        Err(reason) => Err(Error::InvalidOutput { call_id, output, reason }),
    }
}

/// A `json` deployment's answer parsed (and matched against its schema); `None` for `text`.
fn check(target: &Target, output: &str) -> Result<Option<Value>, String> {
    match target.response_format {
        ResponseFormat::Text => Ok(None),
        ResponseFormat::Json => parse_json(output, target.json_schema.as_ref()).map(Some),
    }
}

fn elapsed_ms(since: Instant) -> i32 {
    i32::try_from(since.elapsed().as_millis()).unwrap_or(i32::MAX)
}

/// The request `rendered` makes to `choice`.
fn request(choice: &ModelChoice, rendered: &str) -> ChatRequest {
    ChatRequest {
        model: choice.model.clone(),
        system: None,
        user: rendered.to_owned(),
        params: choice.params.clone(),
    }
}

/// Takes a token from the caller's key's bucket and the deployment's, if they have one: whether
/// the call may go, and the tightest bucket's state. `None` when no limit applies.
///
/// In one round trip of its own ([`Db::fetch_at_once_as`]): every call of a key updates its
/// bucket's row, and a row lock held across round trips would line the key's calls up behind
/// each other.
async fn take_rate_tokens(
    db: &Db,
    caller: &User,
    target: &Target,
    limits: &Limits,
) -> Result<Option<(bool, RateState)>> {
    let mut buckets: Vec<(String, i32)> = Vec::new();
    if let Some(key) = caller.api_key() {
        let per_minute = i32::try_from(limits.api_key_requests_per_minute).unwrap_or(i32::MAX);
        buckets.push((format!("api_key:{}", key.key_id), per_minute));
    }
    if let Some(per_minute) = target.requests_per_minute {
        buckets.push((format!("deployment:{}", target.id), per_minute));
    }
    if buckets.is_empty() {
        return Ok(None);
    }
    let names: Vec<String> = buckets.iter().map(|(name, _)| sql_literal(name)).collect();
    let per_minute: Vec<String> = buckets.iter().map(|(_, n)| n.to_string()).collect();
    let statement = format!(
        "select allowed, bucket_limit, remaining, reset_seconds
         from private.take_rate_tokens(array[{}]::text[], array[{}]::integer[])",
        names.join(", "),
        per_minute.join(", "),
    );
    let row = db.fetch_at_once_as(caller, &statement).await?.ok_or(sqlx::Error::RowNotFound)?;
    let (allowed, limit, remaining, reset): (bool, i32, i32, f64) = sqlx::FromRow::from_row(&row)?;
    let state = RateState {
        limit: u32::try_from(limit).unwrap_or_default(),
        remaining: u32::try_from(remaining).unwrap_or_default(),
        reset: std::time::Duration::from_secs_f64(reset.max(0.0)),
    };
    Ok(Some((allowed, state)))
}

/// The prompt with the call's variables; every missing one named.
fn render(body: &str, call: &Execution, limits: &Limits) -> Result<String> {
    let missing: Vec<String> = placeholders::placeholders(body)
        .into_iter()
        .filter(|name| !call.variables.contains_key(name))
        .collect();
    if !missing.is_empty() {
        return Err(Error::MissingVariables(missing));
    }
    placeholders::render(body, limits.max_rendered_prompt_bytes, |name| {
        call.variables.get(name).map(placeholders::value_text)
    })
    .map_err(|error| match error {
        RenderError::TooLarge { limit } => Error::PromptTooLarge { limit },
        RenderError::MissingValue(name) => Error::MissingVariables(vec![name]),
    })
}

/// The deployment's model, then its fallbacks, until one answers. A model that fails after its
/// retries with something another model may not (5xx, timeout, rate limited), or that this
/// server cannot call, hands over to the next; any other failure ends the call, and so does a
/// failure after text was streamed (the reader has it).
async fn call_models(
    providers: &Providers,
    target: &Target,
    rendered: &str,
    mut deltas: Option<&mut Deltas>,
) -> Result<Answer, ProviderError> {
    let mut last = ProviderError::new(ErrorKind::ProviderError, "no model to call");
    let choices = std::iter::once(&target.model).chain(&target.fallbacks);
    for (i, choice) in choices.enumerate() {
        let (entry, provider) = match providers
            .resolve(&choice.provider, &choice.model)
            .map(|entry| (providers.get(&choice.provider), entry))
        {
            Ok((Some(provider), entry)) => (entry, provider),
            Ok((None, _)) | Err(_) => {
                last = ProviderError::new(
                    ErrorKind::ProviderError,
                    format!("{}/{} cannot be called on this server", choice.provider, choice.model),
                );
                continue;
            }
        };
        let request = request(choice, rendered);
        let attempted = match deltas.as_deref_mut() {
            Some(deltas) => provider.stream(&request, deltas).await,
            None => provider.call(&request).await,
        };
        match attempted.result {
            Ok(response) => {
                let cache_key =
                    target.cache_ttl_seconds.map(|_| cache::key(&choice.provider, &request));
                return Ok(Answer { response, entry, fallback_used: i > 0, cache_key });
            }
            Err(error)
                if error.kind.is_retryable() && !deltas.as_ref().is_some_and(|d| d.started()) =>
            {
                tracing::warn!(provider = %choice.provider, model = %choice.model, kind = error.kind.as_str(), "model failed; trying the next");
                last = error;
            }
            Err(error) => return Err(error),
        }
    }
    Err(last)
}

/// `output` as JSON (a Markdown code fence around it is tolerated), matching `schema` if any.
fn parse_json(output: &str, schema: Option<&Value>) -> Result<Value, String> {
    let text = output.trim();
    let text = text
        .strip_prefix("```json")
        .or_else(|| text.strip_prefix("```"))
        .and_then(|inner| inner.trim_end().strip_suffix("```"))
        .unwrap_or(text);
    let value: Value =
        serde_json::from_str(text.trim()).map_err(|error| format!("not JSON: {error}"))?;
    if let Some(schema) = schema {
        let validator = compile_schema(schema)?;
        if let Some(error) = validator.iter_errors(&value).next() {
            return Err(format!(
                "does not match the schema at `{}`: {error}",
                error.instance_path()
            ));
        }
    }
    Ok(value)
}

fn saturating_i32(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// The call's row of the log, filled as the call goes.
struct LogRow {
    deployment_id: DeploymentId,
    deployment_slug: String,
    prompt_id: prompts::PromptId,
    version: i32,
    variables: Value,
    metadata: Option<Value>,
    rendered: String,
    output: Option<String>,
    status: CallStatus,
    error_kind: Option<String>,
    error_message: Option<String>,
    provider: Option<String>,
    model: Option<String>,
    tokens_in: Option<i32>,
    tokens_out: Option<i32>,
    cost_usd: Option<f64>,
    /// What a cached answer cost when it was made.
    saved_cost_usd: Option<f64>,
    latency_ms: i32,
    cached: bool,
    fallback_used: bool,
}

impl LogRow {
    fn new(target: &Target, call: &Execution, rendered: String) -> Self {
        Self {
            deployment_id: target.id,
            deployment_slug: target.slug.clone(),
            prompt_id: target.prompt_id,
            version: target.version,
            variables: Value::Object(call.variables.clone()),
            metadata: call.metadata.clone(),
            rendered,
            output: None,
            status: CallStatus::Failed,
            error_kind: None,
            error_message: None,
            provider: None,
            model: None,
            tokens_in: None,
            tokens_out: None,
            cost_usd: None,
            saved_cost_usd: None,
            latency_ms: 0,
            cached: false,
            fallback_used: false,
        }
    }

    fn served(&mut self, answer: &Answer, output: &str, invalid: Option<&String>, latency_ms: i32) {
        let (tokens_in, tokens_out) = (answer.response.tokens_in, answer.response.tokens_out);
        self.output = Some(output.to_owned());
        self.status =
            if invalid.is_some() { CallStatus::InvalidOutput } else { CallStatus::Succeeded };
        self.error_message = invalid.cloned();
        self.provider = Some(answer.entry.provider.clone());
        self.model = Some(answer.entry.model.clone());
        self.tokens_in = Some(saturating_i32(tokens_in));
        self.tokens_out = Some(saturating_i32(tokens_out));
        self.cost_usd = Some(answer.entry.cost(tokens_in.into(), tokens_out.into()));
        self.latency_ms = latency_ms;
        self.fallback_used = answer.fallback_used;
    }

    /// Answered from the cache: the answer's tokens, nothing paid, `hit.cost_usd` saved.
    fn answered_from_cache(&mut self, hit: &CachedAnswer, latency_ms: i32) {
        self.output = Some(hit.output.clone());
        self.status = CallStatus::Succeeded;
        self.provider = Some(hit.provider.clone());
        self.model = Some(hit.model.clone());
        self.tokens_in = Some(hit.tokens_in);
        self.tokens_out = Some(hit.tokens_out);
        self.cost_usd = Some(0.0);
        self.saved_cost_usd = Some(hit.cost_usd);
        self.latency_ms = latency_ms;
        self.cached = true;
    }

    /// No model answered: the deployment's own model is the one the failure is counted against.
    fn failed(&mut self, error: &ProviderError, model: &ModelChoice, latency_ms: i32) {
        self.provider = Some(model.provider.clone());
        self.model = Some(model.model.clone());
        self.error_kind = Some(error.kind.as_str().to_owned());
        self.error_message = Some(error.message.clone());
        self.latency_ms = latency_ms;
    }

    /// Writes the row as the caller (the policies check it is who they say), with the answer to
    /// cache if any: the row's id. (Not read back: a key that may execute may not read the log.)
    async fn insert(
        &self,
        db: &Db,
        caller: &User,
        org: OrgId,
        to_cache: Option<cache::Entry>,
    ) -> Result<CallId> {
        let (api_key_id, user_id) = match caller.api_key() {
            Some(key) => (Some(key.key_id), None),
            None => (None, Some(caller.id())),
        };
        let id = CallId::new();
        let mut tx = db.begin_async_commit_as(caller).await?;
        sqlx::query(
            "insert into public.deployment_call (id, org_id, deployment_id, deployment_slug,
               prompt_version, api_key_id, user_id, variables, metadata, rendered_prompt, output,
               status, error_kind, error_message, provider, model, tokens_in, tokens_out,
               cost_usd, saved_cost_usd, latency_ms, cached, fallback_used, prompt_id)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
               $18, $19, $20, $21, $22, $23, $24)",
        )
        .bind(id)
        .bind(org)
        .bind(self.deployment_id)
        .bind(&self.deployment_slug)
        .bind(self.version)
        .bind(api_key_id)
        .bind(user_id)
        .bind(&self.variables)
        .bind(&self.metadata)
        .bind(&self.rendered)
        .bind(&self.output)
        .bind(self.status)
        .bind(&self.error_kind)
        .bind(&self.error_message)
        .bind(&self.provider)
        .bind(&self.model)
        .bind(self.tokens_in)
        .bind(self.tokens_out)
        .bind(self.cost_usd)
        .bind(self.saved_cost_usd)
        .bind(self.latency_ms)
        .bind(self.cached)
        .bind(self.fallback_used)
        .bind(self.prompt_id)
        .execute(&mut *tx)
        .await?;
        if let Some(entry) = to_cache {
            cache::store(&mut tx, &[entry]).await?;
        }
        tx.commit().await?;
        Ok(id)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn json_answers_may_come_fenced_and_must_match_their_schema() {
        assert_eq!(parse_json(" {\"a\": 1} ", None), Ok(json!({"a": 1})));
        assert_eq!(parse_json("```json\n{\"a\": 1}\n```", None), Ok(json!({"a": 1})));
        assert!(parse_json("Sure! {\"a\": 1}", None).unwrap_err().starts_with("not JSON"));
        let schema =
            json!({"type": "object", "required": ["a"], "properties": {"a": {"type": "integer"}}});
        assert!(parse_json("{\"a\": 1}", Some(&schema)).is_ok());
        let error = parse_json("{\"a\": \"x\"}", Some(&schema)).unwrap_err();
        assert!(error.contains("/a"), "{error}");
    }

    #[test]
    fn every_missing_variable_is_named() {
        let call =
            Execution { variables: json!({"a": "x"}).as_object().unwrap().clone(), metadata: None };
        let limits = Limits { max_rendered_prompt_bytes: 1000, api_key_requests_per_minute: 1 };
        assert!(matches!(
            render("{{a}} {{b}} {{c}}", &call, &limits),
            Err(Error::MissingVariables(names)) if names == ["b", "c"]
        ));
        assert_eq!(render("{{a}}!", &call, &limits).unwrap(), "x!");
        let tiny = Limits { max_rendered_prompt_bytes: 1, ..limits };
        assert!(matches!(render("{{a}}!", &call, &tiny), Err(Error::PromptTooLarge { .. })));
    }
}
