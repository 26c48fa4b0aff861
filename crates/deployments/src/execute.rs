//! Calling a deployment: resolve it (one short transaction), render the prompt, call the models
//! in order until one answers (no connection is held meanwhile), check a `json` answer, and log
//! the call (a second short transaction) whatever happened.

use std::time::Instant;

use platform::{Db, OrgId, Role, Slug, User, tenancy};
use prompts::placeholders::{self, RenderError};
use providers::{ChatRequest, ChatResponse, ErrorKind, ModelEntry, ProviderError, Providers};
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
    requests_per_minute: Option<i32>,
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

/// A model's answer, and which model gave it.
struct Answer {
    response: ChatResponse,
    entry: ModelEntry,
    fallback_used: bool,
}

/// Calls the deployment `slug` of `org` for `caller` (an editor, or an API key with the
/// `execute` scope).
#[instrument(skip_all, fields(org.id = %org, deployment.slug = %slug))]
pub async fn execute(
    db: &Db,
    providers: &Providers,
    caller: &User,
    org: OrgId,
    slug: &Slug,
    call: Execution,
    limits: &Limits,
) -> Result<Outcome> {
    let mut tx = db.begin_as(caller).await?;
    if caller.api_key().is_none() {
        tenancy::require(&mut tx, org, Role::Editor).await?;
    }
    let target: Target = sqlx::query_as("select * from private.deployment_to_execute($1, $2)")
        .bind(org)
        .bind(slug)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| Error::SlugNotFound(slug.clone()))?;
    let rate = take_rate_tokens(&mut tx, caller, &target, limits).await?;
    tx.commit().await?;
    let rate = match rate {
        Some((false, state)) => return Err(Error::RateLimited(state)),
        Some((true, state)) => Some(state),
        None => None,
    };

    let rendered = render(&target.body, &call, limits)?;
    let started = Instant::now();
    let answer = call_models(providers, &target, &rendered).await;
    let latency_ms = i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX);

    let mut log = LogRow::new(&target, &call, rendered, latency_ms);
    let outcome = match answer {
        Ok(answer) => {
            let output = answer.response.text.replace('\0', "\u{FFFD}");
            let parsed = match target.response_format {
                ResponseFormat::Text => Ok(None),
                ResponseFormat::Json => parse_json(&output, target.json_schema.as_ref()).map(Some),
            };
            log.served(&answer, &output, parsed.as_ref().err());
            Ok((answer, output, parsed))
        }
        Err(error) => {
            log.failed(&error);
            Err(error)
        }
    };
    let call_id = log.insert(db, caller, org).await?;

    let executed = match outcome {
        Ok((answer, output, Ok(parsed))) => Executed {
            call_id,
            output,
            parsed,
            version: target.version,
            model: ServedBy { provider: answer.entry.provider, model: answer.entry.model },
            tokens_in: saturating_i32(answer.response.tokens_in),
            tokens_out: saturating_i32(answer.response.tokens_out),
            cost_usd: log.cost_usd.unwrap_or(0.0),
            latency_ms,
            cached: false,
            fallback_used: answer.fallback_used,
        },
        Ok((_, output, Err(reason))) => {
            return Err(Error::InvalidOutput { call_id, output, reason });
        }
        Err(error) => {
            return Err(Error::ModelsFailed { call_id, kind: error.kind, message: error.message });
        }
    };
    Ok(Outcome { executed, rate })
}

/// Takes a token from the caller's key's bucket and the deployment's, if they have one: whether
/// the call may go, and the tightest bucket's state. `None` when no limit applies.
async fn take_rate_tokens(
    tx: &mut platform::UserTx,
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
    let (names, per_minute): (Vec<String>, Vec<i32>) = buckets.into_iter().unzip();
    let (allowed, limit, remaining, reset): (bool, i32, i32, f64) = sqlx::query_as(
        "select allowed, bucket_limit, remaining, reset_seconds
         from private.take_rate_tokens($1, $2)",
    )
    .bind(&names)
    .bind(&per_minute)
    .fetch_one(&mut **tx)
    .await?;
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
/// server cannot call, hands over to the next; any other failure ends the call.
async fn call_models(
    providers: &Providers,
    target: &Target,
    rendered: &str,
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
        let request = ChatRequest {
            model: choice.model.clone(),
            system: None,
            user: rendered.to_owned(),
            params: choice.params.clone(),
        };
        match provider.call(&request).await.result {
            Ok(response) => return Ok(Answer { response, entry, fallback_used: i > 0 }),
            Err(error) if error.kind.is_retryable() => {
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
    latency_ms: i32,
    fallback_used: bool,
}

impl LogRow {
    fn new(target: &Target, call: &Execution, rendered: String, latency_ms: i32) -> Self {
        Self {
            deployment_id: target.id,
            deployment_slug: target.slug.clone(),
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
            latency_ms,
            fallback_used: false,
        }
    }

    fn served(&mut self, answer: &Answer, output: &str, invalid: Option<&String>) {
        let (tokens_in, tokens_out) = (answer.response.tokens_in, answer.response.tokens_out);
        self.output = Some(output.to_owned());
        self.status =
            if invalid.is_some() { CallStatus::InvalidOutput } else { CallStatus::Succeeded };
        self.error_message = invalid.cloned();
        self.provider = Some(answer.entry.provider.clone());
        self.model = Some(answer.entry.model.clone());
        self.tokens_in = Some(saturating_i32(tokens_in));
        self.tokens_out = Some(saturating_i32(tokens_out));
        self.cost_usd = Some(
            (f64::from(tokens_in) * answer.entry.input_per_mtok
                + f64::from(tokens_out) * answer.entry.output_per_mtok)
                / 1_000_000.0,
        );
        self.fallback_used = answer.fallback_used;
    }

    fn failed(&mut self, error: &ProviderError) {
        self.error_kind = Some(error.kind.as_str().to_owned());
        self.error_message = Some(error.message.clone());
    }

    /// Writes the row as the caller (the policies check it is who they say): its id. (Not read
    /// back: a key that may execute may not read the log.)
    async fn insert(&self, db: &Db, caller: &User, org: OrgId) -> Result<CallId> {
        let (api_key_id, user_id) = match caller.api_key() {
            Some(key) => (Some(key.key_id), None),
            None => (None, Some(caller.id())),
        };
        let id = CallId::new();
        let mut tx = db.begin_as(caller).await?;
        sqlx::query(
            "insert into public.deployment_call (id, org_id, deployment_id, deployment_slug,
               prompt_version, api_key_id, user_id, variables, metadata, rendered_prompt, output,
               status, error_kind, error_message, provider, model, tokens_in, tokens_out,
               cost_usd, latency_ms, fallback_used)
             values ($21, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
               $17, $18, $19, $20)",
        )
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
        .bind(self.latency_ms)
        .bind(self.fallback_used)
        .bind(id)
        .execute(&mut *tx)
        .await?;
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
