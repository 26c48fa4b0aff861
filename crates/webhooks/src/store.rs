//! An organization's endpoints and their deliveries, for its admins.

use chrono::{DateTime, Utc};
use platform::{
    OrgId, Role, UserTx, address,
    pagination::{Page, PageRequest},
    tenancy,
};
use tracing::instrument;

use crate::{
    CreatedWebhook, Delivery, DeliveryId, Error, EventId, EventType, Invalid, NewWebhook, Result,
    Webhook, WebhookChanges, WebhookId, sign,
};

/// The most endpoints an organization may have.
const MAX_WEBHOOKS_PER_ORG: i64 = 20;

const COLUMNS: &str = "id, org_id, created_by, url, description, events, enabled, disabled_reason, created_at, updated_at";

const DELIVERY_COLUMNS: &str = "d.id, d.webhook_id, d.event_id, e.type as event_type, d.status, \
    d.attempts, d.next_attempt_at, d.last_status_code, d.last_error, d.last_duration_ms, d.note, \
    d.created_at, d.delivered_at";

fn invalid(field: &str, message: impl Into<String>) -> Error {
    Error::Invalid(Invalid { field: field.into(), message: message.into() })
}

/// `url` as it may be stored: http(s), no credentials, not an address of a private network
/// (unless `allow_private`). Names are checked again at every delivery, after DNS.
fn checked_url(url: &str, allow_private: bool) -> Result<String> {
    address::check_url(url, allow_private)
        .map(|_| url.to_owned())
        .map_err(|problem| invalid("url", format!("the URL {problem}")))
}

fn event_names(events: &[EventType]) -> Result<Vec<&'static str>> {
    if events.is_empty() {
        return Err(invalid("events", "subscribe to at least one event"));
    }
    let mut names: Vec<&'static str> = events.iter().map(|e| e.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    Ok(names)
}

/// Registers an endpoint of `org` (admins): with its signing secret, shown this once.
#[instrument(skip_all, fields(org.id = %org))]
pub async fn create(
    tx: &mut UserTx,
    org: OrgId,
    new: NewWebhook,
    allow_private: bool,
) -> Result<CreatedWebhook> {
    tenancy::require(tx, org, Role::Admin).await?;
    let url = checked_url(&new.url, allow_private)?;
    let events = event_names(&new.events)?;
    let count: i64 = sqlx::query_scalar("select count(*) from public.webhook where org_id = $1")
        .bind(org)
        .fetch_one(&mut **tx)
        .await?;
    if count >= MAX_WEBHOOKS_PER_ORG {
        return Err(Error::TooMany { limit: MAX_WEBHOOKS_PER_ORG });
    }
    let secret = sign::new_secret();
    let webhook: Webhook = sqlx::query_as(&format!(
        "insert into public.webhook (org_id, url, description, events, secret)
         values ($1, $2, $3, $4, $5)
         returning {COLUMNS}"
    ))
    .bind(org)
    .bind(&url)
    .bind(&new.description)
    .bind(&events)
    .bind(&secret)
    .fetch_one(&mut **tx)
    .await?;
    tracing::info!(webhook.id = %webhook.id, "registered webhook {}", webhook.id);
    Ok(CreatedWebhook { webhook, secret: format!("{}{secret}", sign::SECRET_PREFIX) })
}

/// The endpoints of `org`, newest first (admins).
pub async fn list(tx: &mut UserTx, org: OrgId, page: &PageRequest) -> Result<Page<Webhook>> {
    tenancy::require(tx, org, Role::Admin).await?;
    let (after_at, after_id): (Option<DateTime<Utc>>, Option<WebhookId>) = page.after()?.unzip();
    let rows: Vec<Webhook> = sqlx::query_as(&format!(
        "select {COLUMNS} from public.webhook
         where org_id = $1 and ($2::timestamptz is null or (created_at, id) < ($2, $3))
         order by created_at desc, id desc
         limit $4"
    ))
    .bind(org)
    .bind(after_at)
    .bind(after_id)
    .bind(page.fetch_limit())
    .fetch_all(&mut **tx)
    .await?;
    Ok(Page::from_rows(rows, page.limit, |w| (w.created_at, w.id)))
}

/// An endpoint (admins of its organization, who alone see it; anyone else: not found).
pub async fn get(tx: &mut UserTx, id: WebhookId) -> Result<Webhook> {
    sqlx::query_as(&format!("select {COLUMNS} from public.webhook where id = $1"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(Error::NotFound(id))
}

/// Changes an endpoint (admins). Enabling it again forgets why it was disabled.
#[instrument(skip_all, fields(webhook.id = %id))]
pub async fn update(
    tx: &mut UserTx,
    id: WebhookId,
    changes: WebhookChanges,
    allow_private: bool,
) -> Result<Webhook> {
    let url = changes.url.as_deref().map(|url| checked_url(url, allow_private)).transpose()?;
    let events = changes.events.as_deref().map(event_names).transpose()?;
    sqlx::query_as(&format!(
        "update public.webhook set
           url = coalesce($2, url),
           events = coalesce($3, events),
           description = coalesce($4, description),
           enabled = coalesce($5, enabled),
           disabled_reason = case when $5 then null else disabled_reason end
         where id = $1
         returning {COLUMNS}"
    ))
    .bind(id)
    .bind(url)
    .bind(events)
    .bind(changes.description)
    .bind(changes.enabled)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(Error::NotFound(id))
}

/// Deletes an endpoint and its deliveries (admins).
#[instrument(skip_all, fields(webhook.id = %id))]
pub async fn delete(tx: &mut UserTx, id: WebhookId) -> Result<()> {
    let deleted =
        sqlx::query("delete from public.webhook where id = $1").bind(id).execute(&mut **tx).await?;
    if deleted.rows_affected() == 0 {
        return Err(Error::NotFound(id));
    }
    Ok(())
}

/// Sends a `ping` event to the endpoint (admins), whatever it subscribes to; a disabled endpoint
/// is sent nothing. The event's id.
#[instrument(skip_all, fields(webhook.id = %id))]
pub async fn send_test(tx: &mut UserTx, id: WebhookId) -> Result<EventId> {
    let webhook = get(tx, id).await?;
    let event: Option<EventId> = sqlx::query_scalar(
        "select private.emit_webhook_event($1, 'ping', jsonb_build_object('webhook_id', $2::uuid), $2)",
    )
    .bind(webhook.org_id)
    .bind(id)
    .fetch_one(&mut **tx)
    .await?;
    event.ok_or_else(|| invalid("enabled", "the webhook is disabled: enable it to send to it"))
}

/// The endpoint's deliveries, newest first (admins).
pub async fn list_deliveries(
    tx: &mut UserTx,
    id: WebhookId,
    page: &PageRequest,
) -> Result<Page<Delivery>> {
    get(tx, id).await?;
    let (after_at, after_id): (Option<DateTime<Utc>>, Option<DeliveryId>) = page.after()?.unzip();
    let rows: Vec<Delivery> = sqlx::query_as(&format!(
        "select {DELIVERY_COLUMNS}
         from public.webhook_delivery d join public.webhook_event e on e.id = d.event_id
         where d.webhook_id = $1 and ($2::timestamptz is null or (d.created_at, d.id) < ($2, $3))
         order by d.created_at desc, d.id desc
         limit $4"
    ))
    .bind(id)
    .bind(after_at)
    .bind(after_id)
    .bind(page.fetch_limit())
    .fetch_all(&mut **tx)
    .await?;
    Ok(Page::from_rows(rows, page.limit, |d| (d.created_at, d.id)))
}

/// Puts a delivery back in the queue, to be sent now with a full set of attempts (admins).
#[instrument(skip_all, fields(webhook.id = %webhook, delivery.id = %delivery))]
pub async fn retry_delivery(
    tx: &mut UserTx,
    webhook: WebhookId,
    delivery: DeliveryId,
) -> Result<Delivery> {
    let retried = sqlx::query(
        "update public.webhook_delivery set status = 'pending', attempts = 0, next_attempt_at = now()
         where id = $1 and webhook_id = $2 and note is null",
    )
    .bind(delivery)
    .bind(webhook)
    .execute(&mut **tx)
    .await?;
    if retried.rows_affected() == 0 {
        return Err(Error::DeliveryNotFound(delivery));
    }
    sqlx::query_as(&format!(
        "select {DELIVERY_COLUMNS}
         from public.webhook_delivery d join public.webhook_event e on e.id = d.event_id
         where d.id = $1"
    ))
    .bind(delivery)
    .fetch_one(&mut **tx)
    .await
    .map_err(Error::from)
}
