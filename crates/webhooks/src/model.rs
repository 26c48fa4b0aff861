//! Webhooks and their deliveries, as the API shows them.

use chrono::{DateTime, Utc};
use platform::OrgId;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

platform::typed_id!(
    /// A webhook endpoint's id.
    WebhookId
);
platform::typed_id!(
    /// A delivery's id.
    DeliveryId
);
platform::typed_id!(
    /// An event's id: the `webhook-id` of its deliveries, the same at every attempt.
    EventId
);

/// What an endpoint may subscribe to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum EventType {
    #[serde(rename = "run.completed")]
    RunCompleted,
    #[serde(rename = "run.failed")]
    RunFailed,
    #[serde(rename = "run.cancelled")]
    RunCancelled,
    #[serde(rename = "execution.failed")]
    ExecutionFailed,
    #[serde(rename = "rate_limit.reached")]
    RateLimitReached,
    #[serde(rename = "deployment.updated")]
    DeploymentUpdated,
}

impl EventType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RunCompleted => "run.completed",
            Self::RunFailed => "run.failed",
            Self::RunCancelled => "run.cancelled",
            Self::ExecutionFailed => "execution.failed",
            Self::RateLimitReached => "rate_limit.reached",
            Self::DeploymentUpdated => "deployment.updated",
        }
    }
}

/// An endpoint, as its organization's admins see it (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = WebhookView))]
pub struct Webhook {
    #[cfg_attr(feature = "openapi", schema(value_type = Uuid))]
    pub id: WebhookId,
    #[cfg_attr(feature = "openapi", schema(value_type = Uuid))]
    pub org_id: OrgId,
    pub created_by: Option<Uuid>,
    #[cfg_attr(feature = "openapi", schema(example = "https://example.com/hooks/promptrefine"))]
    pub url: String,
    pub description: String,
    #[sqlx(try_from = "Vec<String>")]
    pub events: Events,
    /// False once disabled, by an admin or by the sender after a delivery failed every attempt.
    pub enabled: bool,
    /// Why the sender disabled it.
    pub disabled_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The event types of an endpoint, as stored (text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct Events(pub Vec<EventType>);

impl TryFrom<Vec<String>> for Events {
    type Error = serde_json::Error;

    fn try_from(names: Vec<String>) -> Result<Self, Self::Error> {
        names
            .iter()
            .map(|name| serde_json::from_value(name.as_str().into()))
            .collect::<Result<_, _>>()
            .map(Self)
    }
}

/// A new endpoint, with its signing secret: shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = CreatedWebhookView))]
pub struct CreatedWebhook {
    #[serde(flatten)]
    pub webhook: Webhook,
    /// The key of the deliveries' `webhook-signature` (Standard Webhooks). Only shown now.
    #[cfg_attr(feature = "openapi", schema(example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))]
    pub secret: String,
}

/// An endpoint to register.
#[derive(Debug, Clone)]
pub struct NewWebhook {
    pub url: String,
    pub events: Vec<EventType>,
    pub description: String,
}

/// Changes to an endpoint; `None` keeps a field.
#[derive(Debug, Clone, Default)]
pub struct WebhookChanges {
    pub url: Option<String>,
    pub events: Option<Vec<EventType>>,
    pub description: Option<String>,
    /// `true` enables it again (and forgets why it was disabled).
    pub enabled: Option<bool>,
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "webhook_delivery_status", rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// To be sent (again) at `next_attempt_at`.
    Pending,
    /// The endpoint answered 2xx.
    Succeeded,
    /// Every attempt failed.
    Failed,
    /// Not sent: the endpoint was disabled (or this row is the note that it was).
    Skipped,
}

/// One event's delivery to one endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = WebhookDeliveryView))]
pub struct Delivery {
    #[cfg_attr(feature = "openapi", schema(value_type = Uuid))]
    pub id: DeliveryId,
    #[cfg_attr(feature = "openapi", schema(value_type = Uuid))]
    pub webhook_id: WebhookId,
    /// The `webhook-id` header of every attempt.
    #[cfg_attr(feature = "openapi", schema(value_type = Uuid))]
    pub event_id: EventId,
    #[cfg_attr(feature = "openapi", schema(example = "run.completed"))]
    pub event_type: String,
    pub status: DeliveryStatus,
    pub attempts: i32,
    /// When a pending delivery is (re)sent.
    pub next_attempt_at: DateTime<Utc>,
    /// The HTTP status of the last attempt, if it got one.
    pub last_status_code: Option<i32>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    pub last_duration_ms: Option<i32>,
    /// `webhook.disabled`: this row notes that the sender disabled the endpoint.
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}
