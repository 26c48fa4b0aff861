//! Organizations and their members.

use chrono::{DateTime, Utc};
use platform::{
    Db, Name, OrgId, Role, Slug, User, UserTx,
    pagination::{Page, PageRequest},
    storage::Storage,
    tenancy::{self, Access},
};
use tracing::instrument;
use uuid::Uuid;

use crate::{Error, Limits, Member, OrgChanges, Organization, Result};

/// [`Organization`] from `public.organization o join public.membership m` (the caller's).
const ORG_COLUMNS: &str = "o.id, o.name, o.slug, o.personal, m.role, o.created_at, o.updated_at";

/// Supabase Storage removes at most this many objects per request.
const STORAGE_DELETE_BATCH: usize = 1000;

/// The caller's organizations, oldest first (their personal one is the oldest they have).
pub async fn list(tx: &mut UserTx, page: &PageRequest) -> Result<Page<Organization>> {
    let (after_at, after_id): (Option<DateTime<Utc>>, Option<OrgId>) = page.after()?.unzip();
    let rows: Vec<Organization> = sqlx::query_as(&format!(
        "select {ORG_COLUMNS}
         from public.organization o
         join public.membership m on m.org_id = o.id and m.user_id = (select auth.uid())
         where ($1::timestamptz is null or (o.created_at, o.id) > ($1, $2))
         order by o.created_at, o.id
         limit $3"
    ))
    .bind(after_at)
    .bind(after_id)
    .bind(page.fetch_limit())
    .fetch_all(&mut **tx)
    .await?;
    Ok(Page::from_rows(rows, page.limit, |o| (o.created_at, o.id)))
}

/// An organization the caller belongs to.
pub async fn get(tx: &mut UserTx, id: OrgId) -> Result<Organization> {
    let found: Option<Organization> = sqlx::query_as(&format!(
        "select {ORG_COLUMNS}
         from public.organization o
         join public.membership m on m.org_id = o.id and m.user_id = (select auth.uid())
         where o.id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(found.ok_or(tenancy::AccessError::OrgNotFound(id))?)
}

/// Creates a team with the caller as its owner.
#[instrument(skip_all)]
pub async fn create(tx: &mut UserTx, name: Name, limits: &Limits) -> Result<Organization> {
    let slug = Slug::from_name(&name);
    let id: Option<OrgId> = sqlx::query_scalar("select private.create_organization($1, $2, $3)")
        .bind(&name)
        .bind(&slug)
        .bind(i32::try_from(limits.max_teams_per_user).unwrap_or(i32::MAX))
        .fetch_one(&mut **tx)
        .await
        .map_err(slug_taken(&slug))?;
    let id = id.ok_or(Error::TooManyTeams { limit: limits.max_teams_per_user })?;
    tracing::info!(org.id = %id, "created organization {id}");
    get(tx, id).await
}

/// Renames an organization or changes its slug (admins and owners).
#[instrument(skip_all, fields(org.id = %id))]
pub async fn update(tx: &mut UserTx, id: OrgId, changes: OrgChanges) -> Result<Organization> {
    tenancy::require(tx, id, Role::Admin).await?;
    if let Some(slug) = &changes.slug {
        sqlx::query("update public.organization set slug = $2 where id = $1")
            .bind(id)
            .bind(slug)
            .execute(&mut **tx)
            .await
            .map_err(slug_taken(slug))?;
    }
    if let Some(name) = &changes.name {
        sqlx::query("update public.organization set name = $2 where id = $1")
            .bind(id)
            .bind(name)
            .execute(&mut **tx)
            .await?;
    }
    get(tx, id).await
}

/// Deletes a team with everything in it, its dataset files included (owners only).
///
/// The files go inside the transaction, after the rows: Storage checks its policies against
/// committed memberships, so once the deletion commits it would refuse them. If Storage fails,
/// the files stay behind unreachable (and logged), never datasets without their files.
#[instrument(skip_all, fields(org.id = %id))]
pub async fn delete(db: &Db, storage: &dyn Storage, user: &User, id: OrgId) -> Result<()> {
    // Deleting an organization deletes all its runs' cells: the bulk limits apply.
    let mut tx = db.begin_bulk_as(user).await?;
    let org = get(&mut tx, id).await?;
    Access { org_id: id, role: Some(org.role) }.require(Role::Owner)?;
    if org.personal {
        return Err(Error::Personal(id));
    }
    let keys = datasets::object_keys(&mut tx, id).await?;
    sqlx::query("delete from public.organization where id = $1").bind(id).execute(&mut *tx).await?;
    for batch in keys.chunks(STORAGE_DELETE_BATCH) {
        if let Err(error) = storage.delete(user, batch).await {
            tracing::error!(%error, files = batch.len(), "deleting organization {id}: files left behind");
        }
    }
    tx.commit().await?;
    tracing::info!(datasets = keys.len(), "deleted organization {id}");
    Ok(())
}

/// The members of an organization the caller belongs to, in the order they joined.
pub async fn list_members(tx: &mut UserTx, org: OrgId, page: &PageRequest) -> Result<Page<Member>> {
    tenancy::require(tx, org, Role::Viewer).await?;
    let (after_at, after_id): (Option<DateTime<Utc>>, Option<Uuid>) = page.after()?.unzip();
    let rows: Vec<Member> = sqlx::query_as(
        "select user_id, email, role, created_at from private.org_members($1, $2, $3, $4::int)",
    )
    .bind(org)
    .bind(after_at)
    .bind(after_id)
    .bind(page.fetch_limit())
    .fetch_all(&mut **tx)
    .await?;
    Ok(Page::from_rows(rows, page.limit, |m| (m.created_at, m.user_id)))
}

/// Changes a member's role. Admins change roles below owner; making or unmaking an owner takes
/// an owner.
#[instrument(skip_all, fields(org.id = %org, member.id = %user_id))]
pub async fn set_member_role(
    tx: &mut UserTx,
    org: OrgId,
    user_id: Uuid,
    role: Role,
) -> Result<Member> {
    let current = member_role(tx, org, user_id).await?;
    let needed =
        if current == Role::Owner || role == Role::Owner { Role::Owner } else { Role::Admin };
    tenancy::require(tx, org, needed).await?;
    sqlx::query("update public.membership set role = $3 where org_id = $1 and user_id = $2")
        .bind(org)
        .bind(user_id)
        .bind(role)
        .execute(&mut **tx)
        .await
        .map_err(owner_rules)?;
    tracing::info!(from = %current, to = %role, "changed the role of {user_id} in {org}");
    member(tx, org, user_id).await
}

/// Removes a member; anyone may remove themselves (leave). Removing others takes an admin, and
/// removing an owner an owner.
#[instrument(skip_all, fields(org.id = %org, member.id = %user_id))]
pub async fn remove_member(tx: &mut UserTx, org: OrgId, user_id: Uuid) -> Result<()> {
    let current = member_role(tx, org, user_id).await?;
    if user_id != tx.user_id() {
        let needed = if current == Role::Owner { Role::Owner } else { Role::Admin };
        tenancy::require(tx, org, needed).await?;
    }
    sqlx::query("delete from public.membership where org_id = $1 and user_id = $2")
        .bind(org)
        .bind(user_id)
        .execute(&mut **tx)
        .await
        .map_err(owner_rules)?;
    tracing::info!("removed {user_id} from {org}");
    Ok(())
}

/// The role of `user_id` in `org`, as a member of `org` sees it.
async fn member_role(tx: &mut UserTx, org: OrgId, user_id: Uuid) -> Result<Role> {
    tenancy::require(tx, org, Role::Viewer).await?;
    let role: Option<Role> =
        sqlx::query_scalar("select role from public.membership where org_id = $1 and user_id = $2")
            .bind(org)
            .bind(user_id)
            .fetch_optional(&mut **tx)
            .await?;
    role.ok_or(Error::MemberNotFound { org_id: org, user_id })
}

async fn member(tx: &mut UserTx, org: OrgId, user_id: Uuid) -> Result<Member> {
    let found: Option<Member> = sqlx::query_as(
        "select user_id, email, role, created_at from private.org_members($1, null, null, null)
         where user_id = $2",
    )
    .bind(org)
    .bind(user_id)
    .fetch_optional(&mut **tx)
    .await?;
    found.ok_or(Error::MemberNotFound { org_id: org, user_id })
}

/// The membership trigger's refusals (`private.keep_an_owner`).
fn owner_rules(err: sqlx::Error) -> Error {
    match platform::db::violated_constraint(&err) {
        Some("organization_keeps_an_owner") => Error::LastOwner,
        Some("organization_keeps_its_person") => Error::PersonalOwner,
        _ => err.into(),
    }
}

fn slug_taken(slug: &Slug) -> impl FnOnce(sqlx::Error) -> Error + '_ {
    move |err| match platform::db::violated_constraint(&err) {
        Some("organization_slug_key") => Error::SlugTaken(slug.as_str().to_owned()),
        _ => err.into(),
    }
}
