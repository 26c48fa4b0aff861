//! An organization's API keys, managed by its admins. The key itself is shown once, when made;
//! afterwards only its display prefix (see [`platform::auth::api_key`]).

use chrono::{DateTime, Utc};
use platform::{
    Name, OrgId, Role, UserTx,
    auth::{
        Scope,
        api_key::{display_prefix, key_sha256, new_key},
    },
    pagination::{Page, PageRequest},
    tenancy,
};
use serde::Serialize;
use tracing::instrument;
use uuid::Uuid;

use crate::{Error, Result};

platform::typed_id!(
    /// An API key's id.
    ApiKeyId
);

const KEY_COLUMNS: &str =
    "id, org_id, name, prefix, scopes, created_by, created_at, last_used_at, expires_at";

/// An API key, as its organization's admins see it (never the key itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = ApiKeyView))]
pub struct ApiKey {
    #[cfg_attr(feature = "openapi", schema(value_type = Uuid))]
    pub id: ApiKeyId,
    #[cfg_attr(feature = "openapi", schema(value_type = Uuid))]
    pub org_id: OrgId,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "Production backend"))]
    pub name: Name,
    /// The key's first characters, to recognise it.
    #[cfg_attr(feature = "openapi", schema(example = "pr_live_x7Qa"))]
    pub prefix: String,
    pub scopes: Vec<Scope>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    /// To the minute.
    pub last_used_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// A new key, with the key itself: shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = CreatedApiKeyView))]
pub struct CreatedApiKey {
    #[serde(flatten)]
    pub api_key: ApiKey,
    /// Send it as `Authorization: Bearer <key>`. Only its hash is kept: it cannot be shown again.
    #[cfg_attr(feature = "openapi", schema(example = "pr_live_x7Qa..."))]
    pub key: String,
}

/// A key to make.
#[derive(Debug, Clone)]
pub struct NewApiKey {
    pub name: Name,
    pub scopes: Vec<Scope>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// Makes a key of `org` (admins).
#[instrument(skip_all, fields(org.id = %org))]
pub async fn create_key(tx: &mut UserTx, org: OrgId, new: NewApiKey) -> Result<CreatedApiKey> {
    tenancy::require(tx, org, Role::Admin).await?;
    let mut scopes = new.scopes;
    scopes.sort();
    scopes.dedup();
    let key = new_key();
    let api_key: ApiKey = sqlx::query_as(&format!(
        "insert into public.api_key (org_id, name, prefix, key_sha256, scopes, expires_at)
         values ($1, $2, $3, $4, $5, $6)
         returning {KEY_COLUMNS}"
    ))
    .bind(org)
    .bind(&new.name)
    .bind(display_prefix(&key))
    .bind(key_sha256(&key))
    .bind(&scopes)
    .bind(new.expires_at)
    .fetch_one(&mut **tx)
    .await?;
    tracing::info!(api_key.id = %api_key.id, "made API key {} of {org}", api_key.id);
    Ok(CreatedApiKey { api_key, key })
}

/// The keys of `org` that are not revoked, newest first (admins).
pub async fn list_keys(tx: &mut UserTx, org: OrgId, page: &PageRequest) -> Result<Page<ApiKey>> {
    tenancy::require(tx, org, Role::Admin).await?;
    let (after_at, after_id): (Option<DateTime<Utc>>, Option<ApiKeyId>) = page.after()?.unzip();
    let rows: Vec<ApiKey> = sqlx::query_as(&format!(
        "select {KEY_COLUMNS} from public.api_key
         where org_id = $1 and revoked_at is null
           and ($2::timestamptz is null or (created_at, id) < ($2, $3))
         order by created_at desc, id desc
         limit $4"
    ))
    .bind(org)
    .bind(after_at)
    .bind(after_id)
    .bind(page.fetch_limit())
    .fetch_all(&mut **tx)
    .await?;
    Ok(Page::from_rows(rows, page.limit, |k| (k.created_at, k.id)))
}

/// Revokes a key (admins of its organization, who alone can see it): it stops working at once.
#[instrument(skip_all, fields(api_key.id = %id))]
pub async fn revoke_key(tx: &mut UserTx, id: ApiKeyId) -> Result<()> {
    let revoked = sqlx::query(
        "update public.api_key set revoked_at = now() where id = $1 and revoked_at is null",
    )
    .bind(id)
    .execute(&mut **tx)
    .await?;
    if revoked.rows_affected() == 0 {
        return Err(Error::ApiKeyNotFound(id));
    }
    tracing::info!("revoked API key {id}");
    Ok(())
}
