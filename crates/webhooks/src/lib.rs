//! Webhooks. An organization's admins register endpoints for events; what happens writes an
//! event to an outbox in Postgres in its own transaction (the triggers of
//! `20261203000000_webhooks.sql`), fanned out into one delivery per subscribed endpoint; the
//! [`Sender`] signs each delivery per the Standard Webhooks specification and sends it at least
//! once, retrying with backoff over about a day and disabling an endpoint that never answers.
//! Destinations are checked after DNS, at delivery time ([`address`]).

mod model;
mod sender;
pub mod sign;
mod store;

pub use model::{
    CreatedWebhook, Delivery, DeliveryId, DeliveryStatus, EventId, EventType, NewWebhook, Webhook,
    WebhookChanges, WebhookId,
};
pub use sender::{Sender, SenderConfig, sweep_events};
pub use store::{create, delete, get, list, list_deliveries, retry_delivery, send_test, update};

/// A problem with a webhook's settings, and the field it is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub field: String,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("webhook {0} not found")]
    NotFound(WebhookId),
    #[error("delivery {0} not found")]
    DeliveryNotFound(DeliveryId),
    #[error("the webhook is invalid: {}", .0.message)]
    Invalid(Invalid),
    #[error("the organization has {limit} webhooks, the most it may have")]
    TooMany { limit: i64 },
    #[error(transparent)]
    Access(#[from] platform::tenancy::AccessError),
    #[error(transparent)]
    InvalidCursor(#[from] platform::pagination::InvalidCursor),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
