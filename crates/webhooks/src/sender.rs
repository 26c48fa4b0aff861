//! Sending deliveries: claim the due ones (leased, so that several processes share the work and
//! a dead one's are taken over), sign and POST each, and record what happened: done on 2xx;
//! otherwise again after the next delay of the schedule; after the last, failed, and the
//! endpoint disabled with a `webhook.disabled` note in its deliveries.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use futures::future::join_all;
use platform::Db;
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use platform::address;

use crate::sign;

/// How the sender works.
#[derive(Debug, Clone, PartialEq)]
pub struct SenderConfig {
    /// Send to loopback and private addresses too (`WEBHOOK_ALLOW_PRIVATE_NETWORKS`, for dev).
    pub allow_private_networks: bool,
    /// The waits before the second, third, ... attempt; a delivery gets one more attempt than
    /// there are waits (`WEBHOOK_RETRY_SCHEDULE_SECONDS`).
    pub retry_schedule: Vec<Duration>,
    /// How long an attempt may take.
    pub timeout: Duration,
    /// How often to look for due deliveries when there were none.
    pub poll_interval: Duration,
    /// Deliveries sent at once.
    pub batch: usize,
}

impl Default for SenderConfig {
    /// The Standard Webhooks schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (about 28 h).
    fn default() -> Self {
        Self {
            allow_private_networks: false,
            retry_schedule: [5, 300, 1800, 7200, 18_000, 36_000, 36_000]
                .into_iter()
                .map(Duration::from_secs)
                .collect(),
            timeout: Duration::from_secs(10),
            poll_interval: Duration::from_secs(1),
            batch: 16,
        }
    }
}

/// A claimed delivery (`private.claim_webhook_deliveries`).
#[derive(Debug, sqlx::FromRow)]
struct Due {
    delivery_id: Uuid,
    webhook_id: Uuid,
    url: String,
    secret: String,
    enabled: bool,
    attempts: i32,
    event_id: Uuid,
    event_type: String,
    event_created_at: DateTime<Utc>,
    org_id: Uuid,
    data: Value,
}

/// How an attempt went.
#[derive(Debug)]
struct Attempt {
    status_code: Option<u16>,
    error: Option<String>,
    duration: Duration,
}

impl Attempt {
    fn succeeded(&self) -> bool {
        self.status_code.is_some_and(|code| (200..300).contains(&code))
    }
}

/// Sends the deliveries of every organization (as `service_role`).
#[derive(Debug, Clone)]
pub struct Sender {
    db: Db,
    http: reqwest::Client,
    config: SenderConfig,
}

/// Most of an endpoint's answer read (it is not kept; reading lets the connection be reused).
const ANSWER_BYTES: usize = 16 * 1024;

impl Sender {
    pub fn new(db: Db, config: SenderConfig) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .dns_resolver(address::resolver(config.allow_private_networks))
            // A redirect could lead anywhere, this machine included: not followed.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(config.timeout)
            .user_agent("PromptRefine-Webhooks/1")
            .build()?;
        Ok(Self { db, http, config })
    }

    /// Sends due deliveries until `stop`.
    pub async fn run(self, stop: CancellationToken) {
        loop {
            let sent = match self.send_due().await {
                Ok(sent) => sent,
                Err(error) => {
                    tracing::warn!(error = %platform::db::describe(&error), "sending webhooks failed");
                    0
                }
            };
            if sent < self.config.batch {
                tokio::select! {
                    () = stop.cancelled() => return,
                    () = tokio::time::sleep(self.config.poll_interval) => {}
                }
            } else if stop.is_cancelled() {
                return;
            }
        }
    }

    /// Claims a batch of due deliveries, sends them at once and records how each went: how many.
    pub async fn send_due(&self) -> Result<usize, sqlx::Error> {
        // Leased for longer than an attempt can take: no one else sends them meanwhile.
        let lease = self.config.timeout * 3;
        let mut tx = self.db.begin_service().await?;
        let due: Vec<Due> =
            sqlx::query_as("select * from private.claim_webhook_deliveries($1, $2)")
                .bind(i32::try_from(self.config.batch).unwrap_or(i32::MAX))
                .bind(lease.as_secs_f64())
                .fetch_all(&mut *tx)
                .await?;
        tx.commit().await?;
        let count = due.len();
        let attempts = join_all(due.iter().map(|due| self.attempt(due))).await;
        for (due, attempt) in due.iter().zip(attempts) {
            self.record(due, attempt).await?;
        }
        Ok(count)
    }

    /// One attempt at a delivery (none to a disabled endpoint).
    async fn attempt(&self, due: &Due) -> Option<Attempt> {
        if !due.enabled {
            return None;
        }
        let started = Instant::now();
        let failed = |error: String| Attempt {
            status_code: None,
            error: Some(error),
            duration: started.elapsed(),
        };
        let url = match address::check_url(&due.url, self.config.allow_private_networks) {
            Ok(url) => url,
            Err(problem) => return Some(failed(format!("refused: the URL {problem}"))),
        };
        let body = json!({
            "id": due.event_id,
            "type": due.event_type,
            "created_at": due.event_created_at,
            "org_id": due.org_id,
            "data": due.data,
        })
        .to_string();
        let id = due.event_id.to_string();
        let timestamp = Utc::now().timestamp();
        let Some(signature) = sign::signature(&due.secret, &id, timestamp, body.as_bytes()) else {
            return Some(failed("the endpoint's secret cannot be read".into()));
        };
        let sent = self
            .http
            .post(url)
            .header("content-type", "application/json")
            .header("webhook-id", &id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(body)
            .send()
            .await;
        Some(match sent {
            Ok(mut response) => {
                let status = response.status().as_u16();
                let mut read = 0;
                while let Ok(Some(chunk)) = response.chunk().await {
                    read += chunk.len();
                    if read > ANSWER_BYTES {
                        break;
                    }
                }
                let error = (!(200..300).contains(&status)).then(|| format!("HTTP {status}"));
                Attempt { status_code: Some(status), error, duration: started.elapsed() }
            }
            Err(error) => failed(describe(&error)),
        })
    }

    /// Records how an attempt went (as `service_role`).
    async fn record(&self, due: &Due, attempt: Option<Attempt>) -> Result<(), sqlx::Error> {
        let mut tx = self.db.begin_service().await?;
        let Some(attempt) = attempt else {
            sqlx::query(
                "update public.webhook_delivery set status = 'skipped', leased_until = null,
                   last_error = 'the endpoint is disabled'
                 where id = $1",
            )
            .bind(due.delivery_id)
            .execute(&mut *tx)
            .await?;
            return tx.commit().await;
        };
        let attempts = due.attempts + 1;
        let duration_ms = i32::try_from(attempt.duration.as_millis()).unwrap_or(i32::MAX);
        let status_code = attempt.status_code.map(i32::from);
        let retry_in = usize::try_from(due.attempts)
            .ok()
            .and_then(|done| self.config.retry_schedule.get(done));
        let status = match (attempt.succeeded(), retry_in) {
            (true, _) => "succeeded",
            (false, Some(_)) => "pending",
            (false, None) => "failed",
        };
        sqlx::query(
            "update public.webhook_delivery set
               status = $2::public.webhook_delivery_status, attempts = $3, leased_until = null,
               next_attempt_at = now() + $4 * interval '1 second',
               last_status_code = $5, last_error = $6, last_duration_ms = $7,
               delivered_at = case when $2 = 'succeeded' then now() end
             where id = $1",
        )
        .bind(due.delivery_id)
        .bind(status)
        .bind(attempts)
        .bind(retry_in.map_or(0.0, Duration::as_secs_f64))
        .bind(status_code)
        .bind(&attempt.error)
        .bind(duration_ms)
        .execute(&mut *tx)
        .await?;
        if status == "failed" {
            disable(&mut tx, due, attempts, attempt.error.as_deref()).await?;
        }
        tx.commit().await
    }
}

/// Disables the endpoint of a delivery that failed every attempt, with a note in its deliveries.
async fn disable(
    tx: &mut platform::db::ServiceTx,
    due: &Due,
    attempts: i32,
    error: Option<&str>,
) -> Result<(), sqlx::Error> {
    let reason = format!(
        "delivery of event {} failed {attempts} times (last: {})",
        due.event_id,
        error.unwrap_or("no answer")
    );
    tracing::warn!(webhook.id = %due.webhook_id, %reason, "disabling a webhook");
    sqlx::query(
        "with disabled as (
           update public.webhook set enabled = false, disabled_reason = $2
           where id = $1 and enabled
           returning id, org_id
         ), event as (
           insert into public.webhook_event (org_id, type, data)
           select org_id, 'webhook.disabled', jsonb_build_object('webhook_id', id, 'reason', $2::text)
           from disabled
           returning id, org_id
         )
         insert into public.webhook_delivery (webhook_id, event_id, org_id, status, note, last_error)
         select $1, event.id, event.org_id, 'skipped', 'webhook.disabled', $2 from event",
    )
    .bind(due.webhook_id)
    .bind(&reason)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A transport error, with its cause (the address check's refusal, a timeout, a refused
/// connection) but without the URL.
fn describe(error: &reqwest::Error) -> String {
    let mut text =
        if error.is_timeout() { "timed out".to_owned() } else { "could not send".to_owned() };
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// How long events and their deliveries are kept (far past the last retry).
const EVENT_RETENTION: Duration = Duration::from_secs(30 * 24 * 3600);

/// Deletes events older than 30 days with their deliveries: how many events. Background work.
pub async fn sweep_events(db: &Db) -> Result<u64, sqlx::Error> {
    db.sweep("public.webhook_event", EVENT_RETENTION).await
}
