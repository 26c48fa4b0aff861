//! One-time tickets to follow a run's events from a browser's `EventSource`, which cannot send
//! an `Authorization` header: the URL carries a ticket (valid 60 s, once, for one run) instead of
//! the user's long-lived token. See `20261203000200_event_tickets.sql`.

use chrono::{DateTime, Utc};
use platform::{
    Db, User, UserTx,
    auth::api_key::{key_sha256, random_token},
};
use serde::Serialize;
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::{Error, Result, RunId};

/// How tickets start, to recognise one.
const TICKET_PREFIX: &str = "evt_";

/// A ticket to follow a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = EventTicket))]
pub struct EventTicket {
    /// Pass it as `?ticket=` to `GET /v1/runs/{id}/events`: it works once.
    pub ticket: String,
    pub expires_at: DateTime<Utc>,
}

/// A ticket for the caller to follow `run` (which they must be able to see).
pub async fn issue_ticket(tx: &mut UserTx, run: RunId) -> Result<EventTicket> {
    let ticket = random_token(TICKET_PREFIX, 40);
    let issued: bool = sqlx::query_scalar("select private.issue_event_ticket($1, $2)")
        .bind(run)
        .bind(key_sha256(&ticket))
        .fetch_one(&mut **tx)
        .await?;
    if !issued {
        return Err(Error::NotFound(run));
    }
    Ok(EventTicket { ticket, expires_at: Utc::now() + chrono::Duration::seconds(60) })
}

/// Uses up `ticket`: the user it was issued to, if it is valid for `run`. (A ticket presented for
/// another run is used up all the same.)
pub async fn redeem_ticket(db: &Db, run: RunId, ticket: &str) -> Result<Option<User>> {
    if !ticket.starts_with(TICKET_PREFIX) || ticket.len() > 100 {
        return Ok(None);
    }
    let mut tx = db.begin_unauthenticated().await?;
    let redeemed: Option<(RunId, Value)> =
        sqlx::query_as("select run_id, claims from private.redeem_event_ticket($1)")
            .bind(key_sha256(ticket))
            .fetch_optional(&mut *tx)
            .await?;
    tx.commit().await?;
    let Some((ticket_run, Value::Object(claims))) = redeemed else {
        return Ok(None);
    };
    let user_id = claims.get("sub").and_then(Value::as_str).and_then(|s| Uuid::parse_str(s).ok());
    Ok(match user_id {
        Some(id) if ticket_run == run => Some(User::from_trusted_claims(id, &Map::clone(&claims))),
        _ => None,
    })
}
