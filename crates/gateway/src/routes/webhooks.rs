//! `/v1/webhooks`: an organization's endpoints for events, and their deliveries (admins; users
//! only: an API key never manages webhooks).

use axum::{
    Json,
    http::{HeaderMap, StatusCode},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use validator::Validate;
use webhooks::{
    CreatedWebhook, Delivery, DeliveryId, EventId, EventType, NewWebhook, Webhook, WebhookChanges,
    WebhookId,
};

use crate::{
    error::ApiResult,
    extract::{ActingOrg, ApiJson, ApiPath, ApiQuery, Authenticated, OrgHeader},
    routes::{PageOf, PageQuery, location},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_webhooks, create_webhook))
        .routes(routes!(get_webhook, update_webhook, delete_webhook))
        .routes(routes!(test_webhook))
        .routes(routes!(list_deliveries))
        .routes(routes!(retry_delivery))
}

/// An endpoint to register.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhook {
    /// Where deliveries are POSTed: http(s), never an address of this machine or a private
    /// network (checked again, after DNS, at every delivery).
    #[validate(length(min = 1, max = 2000))]
    #[schema(example = "https://example.com/hooks/promptrefine")]
    pub url: String,
    /// The events to send, at least one.
    #[validate(length(min = 1, max = 6))]
    pub events: Vec<EventType>,
    #[serde(default)]
    #[validate(length(max = 500))]
    pub description: String,
}

/// Changes to an endpoint; omitted fields keep their value.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateWebhook {
    #[validate(length(min = 1, max = 2000))]
    pub url: Option<String>,
    #[validate(length(min = 1, max = 6))]
    pub events: Option<Vec<EventType>>,
    #[validate(length(max = 500))]
    pub description: Option<String>,
    /// `true` enables an endpoint again (after the sender disabled it, say).
    pub enabled: Option<bool>,
}

/// A `ping` on its way.
#[derive(Debug, Serialize, ToSchema)]
pub struct TestSent {
    /// The event's id: the `webhook-id` of its delivery.
    #[schema(value_type = Uuid)]
    pub event_id: EventId,
}

/// `/webhooks/{id}`
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct WebhookPath {
    #[param(value_type = Uuid)]
    pub id: WebhookId,
}

/// `/webhooks/{id}/deliveries/{delivery_id}`
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct DeliveryPath {
    #[param(value_type = Uuid)]
    pub id: WebhookId,
    #[param(value_type = Uuid)]
    pub delivery_id: DeliveryId,
}

/// List the organization's webhooks, newest first (admins). Never their secrets.
#[utoipa::path(get, path = "/webhooks", tag = "webhooks", params(OrgHeader, PageQuery),
    responses((status = 200, body = PageOf<Webhook>)))]
pub async fn list_webhooks(
    state: AppState,
    Authenticated(user): Authenticated,
    ActingOrg(org): ActingOrg,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> ApiResult<Json<PageOf<Webhook>>> {
    let page = query.request();
    let page = state.as_user(&user, async |tx| webhooks::list(tx, org, &page).await).await?;
    Ok(Json(page.into()))
}

/// Register a webhook of the organization (admins). The response holds its signing secret
/// (`whsec_...`), shown only this once: deliveries are signed with it per the Standard Webhooks
/// specification (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256
/// of "id.timestamp.body">`).
#[utoipa::path(post, path = "/webhooks", tag = "webhooks", params(OrgHeader),
    request_body = CreateWebhook,
    responses((status = 201, body = CreatedWebhook, headers(("location" = String)))))]
pub async fn create_webhook(
    state: AppState,
    Authenticated(user): Authenticated,
    ActingOrg(org): ActingOrg,
    ApiJson(req): ApiJson<CreateWebhook>,
) -> ApiResult<(StatusCode, HeaderMap, Json<CreatedWebhook>)> {
    let new = NewWebhook { url: req.url, events: req.events, description: req.description };
    let private = state.settings.webhooks.allow_private_networks;
    let created =
        state.as_user(&user, async |tx| webhooks::create(tx, org, new, private).await).await?;
    let location = location(&format!("/v1/webhooks/{}", created.webhook.id));
    Ok((StatusCode::CREATED, location, Json(created)))
}

/// Get a webhook (admins of its organization).
#[utoipa::path(get, path = "/webhooks/{id}", tag = "webhooks", params(WebhookPath),
    responses((status = 200, body = Webhook)))]
pub async fn get_webhook(
    state: AppState,
    Authenticated(user): Authenticated,
    ApiPath(WebhookPath { id }): ApiPath<WebhookPath>,
) -> ApiResult<Json<Webhook>> {
    state.as_user(&user, async |tx| webhooks::get(tx, id).await).await.map(Json)
}

/// Change a webhook (admins); `enabled: true` enables it again.
#[utoipa::path(patch, path = "/webhooks/{id}", tag = "webhooks", params(WebhookPath),
    request_body = UpdateWebhook, responses((status = 200, body = Webhook)))]
pub async fn update_webhook(
    state: AppState,
    Authenticated(user): Authenticated,
    ApiPath(WebhookPath { id }): ApiPath<WebhookPath>,
    ApiJson(req): ApiJson<UpdateWebhook>,
) -> ApiResult<Json<Webhook>> {
    let changes = WebhookChanges {
        url: req.url,
        events: req.events,
        description: req.description,
        enabled: req.enabled,
    };
    let private = state.settings.webhooks.allow_private_networks;
    state
        .as_user(&user, async |tx| webhooks::update(tx, id, changes, private).await)
        .await
        .map(Json)
}

/// Delete a webhook and its deliveries (admins).
#[utoipa::path(delete, path = "/webhooks/{id}", tag = "webhooks", params(WebhookPath),
    responses((status = 204, description = "Deleted")))]
pub async fn delete_webhook(
    state: AppState,
    Authenticated(user): Authenticated,
    ApiPath(WebhookPath { id }): ApiPath<WebhookPath>,
) -> ApiResult<StatusCode> {
    state.as_user(&user, async |tx| webhooks::delete(tx, id).await).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Send a `ping` event to the webhook (admins), whatever it subscribes to.
#[utoipa::path(post, path = "/webhooks/{id}/test", tag = "webhooks", params(WebhookPath),
    responses((status = 202, body = TestSent)))]
pub async fn test_webhook(
    state: AppState,
    Authenticated(user): Authenticated,
    ApiPath(WebhookPath { id }): ApiPath<WebhookPath>,
) -> ApiResult<(StatusCode, Json<TestSent>)> {
    let event_id = state.as_user(&user, async |tx| webhooks::send_test(tx, id).await).await?;
    Ok((StatusCode::ACCEPTED, Json(TestSent { event_id })))
}

/// The webhook's deliveries, newest first (admins): status, attempts, the last answer's status
/// code, error and duration; a `webhook.disabled` note when the sender disabled it.
#[utoipa::path(get, path = "/webhooks/{id}/deliveries", tag = "webhooks",
    params(WebhookPath, PageQuery), responses((status = 200, body = PageOf<Delivery>)))]
pub async fn list_deliveries(
    state: AppState,
    Authenticated(user): Authenticated,
    ApiPath(WebhookPath { id }): ApiPath<WebhookPath>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> ApiResult<Json<PageOf<Delivery>>> {
    let page = query.request();
    let page =
        state.as_user(&user, async |tx| webhooks::list_deliveries(tx, id, &page).await).await?;
    Ok(Json(page.into()))
}

/// Send a delivery again, now, with a full set of attempts (admins).
#[utoipa::path(post, path = "/webhooks/{id}/deliveries/{delivery_id}/retry", tag = "webhooks",
    params(DeliveryPath), responses((status = 202, body = Delivery)))]
pub async fn retry_delivery(
    state: AppState,
    Authenticated(user): Authenticated,
    ApiPath(DeliveryPath { id, delivery_id }): ApiPath<DeliveryPath>,
) -> ApiResult<(StatusCode, Json<Delivery>)> {
    let delivery = state
        .as_user(&user, async |tx| webhooks::retry_delivery(tx, id, delivery_id).await)
        .await?;
    Ok((StatusCode::ACCEPTED, Json(delivery)))
}
