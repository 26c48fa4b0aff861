//! Answers of identical requests, reused (`public.response_cache`). A request's key is the SHA-256
//! of everything that shapes the answer: the provider, the model, the parameters and the
//! messages. Entries belong to one organization and are only ever read back for it.
//!
//! The functions take the caller's connection: a deployment's call reads and writes as its
//! caller (the policies check it), a run's worker as `service_role` for the run's organization.

use std::time::Duration;

use platform::{Db, OrgId};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::PgConnection;

use crate::{ChatRequest, ChatResponse};

/// How long answers are kept (the housekeeping sweeps older ones); a deployment's
/// `cache_ttl_seconds` is at most as long.
pub const MAX_AGE: Duration = Duration::from_secs(30 * 24 * 3600);

/// A cached answer.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct CachedAnswer {
    pub provider: String,
    pub model: String,
    pub output: String,
    pub finish_reason: Option<String>,
    pub tokens_in: i32,
    pub tokens_out: i32,
    /// What the answer cost when it was made: what reusing it saves.
    pub cost_usd: f64,
}

impl CachedAnswer {
    /// The answer `response` of `provider`, which cost `cost_usd`. (A NUL, which PostgreSQL
    /// cannot store, becomes U+FFFD, as everywhere answers are kept.)
    pub fn of(provider: &str, model: &str, response: &ChatResponse, cost_usd: f64) -> Self {
        Self {
            provider: provider.to_owned(),
            model: model.to_owned(),
            output: response.text.replace('\0', "\u{FFFD}"),
            finish_reason: response.finish_reason.clone(),
            tokens_in: i32::try_from(response.tokens_in).unwrap_or(i32::MAX),
            tokens_out: i32::try_from(response.tokens_out).unwrap_or(i32::MAX),
            cost_usd,
        }
    }
}

impl CachedAnswer {
    /// The answer as the model gave it, found in `looked_up_in`.
    pub fn into_response(self, looked_up_in: Duration) -> ChatResponse {
        ChatResponse {
            text: self.output,
            tokens_in: u32::try_from(self.tokens_in).unwrap_or_default(),
            tokens_out: u32::try_from(self.tokens_out).unwrap_or_default(),
            latency: looked_up_in,
            finish_reason: self.finish_reason,
        }
    }
}

/// The key of `request` to `provider`.
pub fn key(provider: &str, request: &ChatRequest) -> String {
    let shape = json!([provider, request.model, request.params, request.system, request.user]);
    hex::encode(Sha256::digest(shape.to_string().as_bytes()))
}

/// The answer cached for `key` in `org`, if it is younger than `max_age`. Counts hits and misses
/// (`promptrefine_cache_{hits,misses}_total`, by `source`).
pub async fn look_up(
    conn: &mut PgConnection,
    org: OrgId,
    key: &str,
    max_age: Duration,
    source: &'static str,
) -> Result<Option<CachedAnswer>, sqlx::Error> {
    let found: Option<CachedAnswer> = sqlx::query_as(
        "select provider, model, output, finish_reason, tokens_in, tokens_out, cost_usd
         from public.response_cache
         where org_id = $1 and key_sha256 = $2 and created_at > now() - $3 * interval '1 second'",
    )
    .bind(org)
    .bind(key)
    .bind(max_age.as_secs_f64())
    .fetch_optional(conn)
    .await?;
    match &found {
        Some(answer) => {
            metrics::counter!("promptrefine_cache_hits_total", "source" => source).increment(1);
            // Micro-dollars: counters count whole units.
            let saved = (answer.cost_usd * 1e6).round().max(0.0) as u64;
            metrics::counter!("promptrefine_cache_saved_microdollars_total", "source" => source)
                .increment(saved);
        }
        None => {
            metrics::counter!("promptrefine_cache_misses_total", "source" => source).increment(1);
        }
    }
    Ok(found)
}

/// An answer to keep: `answer` for the request `key_sha256` in `org_id`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    pub org_id: OrgId,
    pub key_sha256: String,
    #[serde(flatten)]
    pub answer: CachedAnswer,
}

/// Keeps `entries` (each replacing an older answer to the same request), in one statement.
pub async fn store(conn: &mut PgConnection, entries: &[Entry]) -> Result<(), sqlx::Error> {
    if entries.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "insert into public.response_cache (org_id, key_sha256, provider, model, output,
           finish_reason, tokens_in, tokens_out, cost_usd)
         select distinct on (org_id, key_sha256) org_id, key_sha256, provider, model, output,
           finish_reason, tokens_in, tokens_out, cost_usd
         from jsonb_populate_recordset(null::public.response_cache, $1)
         on conflict (org_id, key_sha256) do update set
           provider = excluded.provider, model = excluded.model, output = excluded.output,
           finish_reason = excluded.finish_reason, tokens_in = excluded.tokens_in,
           tokens_out = excluded.tokens_out, cost_usd = excluded.cost_usd, created_at = now()",
    )
    .bind(sqlx::types::Json(entries))
    .execute(conn)
    .await?;
    Ok(())
}

/// Forgets the answers older than [`MAX_AGE`]: how many. Background work, never on behalf of a
/// request.
pub async fn sweep(db: &Db) -> Result<u64, sqlx::Error> {
    db.sweep("public.response_cache", MAX_AGE).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ModelParams;

    fn request(user: &str, temperature: Option<f64>) -> ChatRequest {
        ChatRequest {
            model: "m".into(),
            system: None,
            user: user.into(),
            params: ModelParams { temperature, ..ModelParams::default() },
        }
    }

    #[test]
    fn what_shapes_the_answer_shapes_the_key() {
        let base = key("openai", &request("hi", None));
        assert_eq!(base, key("openai", &request("hi", None)));
        assert_ne!(base, key("groq", &request("hi", None)));
        assert_ne!(base, key("openai", &request("hi!", None)));
        assert_ne!(base, key("openai", &request("hi", Some(0.0))));
        assert_eq!(base.len(), 64);
    }
}
