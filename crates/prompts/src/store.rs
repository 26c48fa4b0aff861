//! The prompt use-cases, each a few statements in the caller's transaction.

use chrono::{DateTime, Utc};
use platform::{
    OrgId, Role, UserTx,
    pagination::{Page, PageRequest},
    tenancy,
};
use sha2::{Digest, Sha256};
use tracing::instrument;

use crate::{
    Error, Result,
    model::{
        NewPrompt, NewVersion, Prompt, PromptChanges, PromptDetail, PromptFilter, PromptId,
        PromptVersion, PromptVersionId, SavedVersion,
    },
    placeholders::placeholders,
};

/// Columns of [`Prompt`], for a query over `prompt p join prompt_version cv` (current version).
const PROMPT_COLUMNS: &str = "p.id, p.org_id, p.created_by, p.name, p.kind, p.tags, \
    p.description, p.current_version, p.latest_version, p.created_at, p.updated_at";

const VERSION_COLUMNS: &str = "id, prompt_id, org_id, created_by, version, body, placeholders, \
    body_sha256, note, draft, created_at";

/// Creates a prompt and its version 1 in `org`.
#[instrument(skip_all, fields(org.id = %org))]
pub async fn create(tx: &mut UserTx, org: OrgId, new: NewPrompt) -> Result<PromptDetail> {
    tenancy::require(tx, org, Role::Editor).await?;
    let prompt_id = PromptId::new();
    let version_id = PromptVersionId::new();
    // One statement: the version's foreign keys are checked at its end, and the prompt's pointer
    // to its current version is deferred to commit.
    sqlx::query(
        "with prompt as (
           insert into public.prompt
             (id, org_id, name, kind, tags, description, current_version_id)
           values ($1, $11, $2, $3, $4, $5, $6)
         )
         insert into public.prompt_version
           (id, prompt_id, org_id, version, body, placeholders, body_sha256, note)
         values ($6, $1, $11, 1, $7, $8, $9, $10)",
    )
    .bind(prompt_id)
    .bind(&new.name)
    .bind(new.kind)
    .bind(normalize_tags(new.tags))
    .bind(new.description)
    .bind(version_id)
    .bind(&new.body)
    .bind(placeholders(&new.body))
    .bind(sha256_hex(&new.body))
    .bind(new.note)
    .bind(org)
    .execute(&mut **tx)
    .await?;
    tracing::info!(prompt.id = %prompt_id, "created prompt {prompt_id}");
    get(tx, prompt_id).await
}

/// Lists the prompts of `org`, most recently updated first.
pub async fn list(
    tx: &mut UserTx,
    org: OrgId,
    filter: &PromptFilter,
    page: &PageRequest,
) -> Result<Page<Prompt>> {
    let (after_at, after_id): (Option<DateTime<Utc>>, Option<PromptId>) = page.after()?.unzip();
    let rows: Vec<Prompt> = sqlx::query_as(&format!(
        "select {PROMPT_COLUMNS}
         from public.prompt p
         where p.org_id = $7
           and ($1::public.prompt_kind is null or p.kind = $1)
           and ($2::text is null or p.tags @> array[$2])
           and ($3::text is null or strpos(lower(p.name), lower($3)) > 0)
           and ($4::timestamptz is null or (p.updated_at, p.id) < ($4, $5))
         order by p.updated_at desc, p.id desc
         limit $6"
    ))
    .bind(filter.kind)
    .bind(filter.tag.as_deref())
    .bind(filter.name_contains.as_deref())
    .bind(after_at)
    .bind(after_id)
    .bind(page.fetch_limit())
    .bind(org)
    .fetch_all(&mut **tx)
    .await?;
    tenancy::require_listed(tx, org, !rows.is_empty()).await?;
    Ok(Page::from_rows(rows, page.limit, |p| (p.updated_at, p.id)))
}

/// A prompt with its current version, in one query.
pub async fn get(tx: &mut UserTx, id: PromptId) -> Result<PromptDetail> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        prompt: Prompt,
        #[sqlx(json)]
        version: PromptVersion,
    }
    let row: Row = sqlx::query_as(&format!(
        "select {PROMPT_COLUMNS}, to_jsonb(cv) as version
         from public.prompt p
         join public.prompt_version cv on cv.id = p.current_version_id
         where p.id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(Error::NotFound(id))?;
    Ok(PromptDetail { prompt: row.prompt, current_version: row.version })
}

/// Changes a prompt's name, tags or description.
#[instrument(skip_all, fields(prompt.id = %id))]
pub async fn update(tx: &mut UserTx, id: PromptId, changes: PromptChanges) -> Result<PromptDetail> {
    editable(tx, id).await?;
    if !changes.is_empty() {
        let (set_description, description) = match changes.description {
            Some(description) => (true, description),
            None => (false, None),
        };
        let updated = sqlx::query(
            "update public.prompt set
               name = coalesce($2, name),
               tags = coalesce($3, tags),
               description = case when $4 then $5 else description end
             where id = $1",
        )
        .bind(id)
        .bind(changes.name)
        .bind(changes.tags.map(normalize_tags))
        .bind(set_description)
        .bind(description)
        .execute(&mut **tx)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(Error::NotFound(id)); // deleted meanwhile
        }
    }
    get(tx, id).await
}

/// Deletes a prompt and all its versions.
#[instrument(skip_all, fields(prompt.id = %id))]
pub async fn delete(tx: &mut UserTx, id: PromptId) -> Result<()> {
    editable(tx, id).await?;
    let deleted = sqlx::query("delete from public.prompt where id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await
        .map_err(|err| match platform::db::violated_constraint(&err) {
            Some("deployment_prompt_fkey") => Error::InUse(id),
            _ => err.into(),
        })?;
    if deleted.rows_affected() == 0 {
        return Err(Error::NotFound(id));
    }
    tracing::info!("deleted prompt {id}");
    Ok(())
}

/// A prompt's versions, newest first.
pub async fn list_versions(
    tx: &mut UserTx,
    prompt_id: PromptId,
    include_drafts: bool,
    page: &PageRequest,
) -> Result<Page<PromptVersion>> {
    ensure_exists(tx, prompt_id).await?;
    let after: Option<i32> = page.after()?;
    let rows: Vec<PromptVersion> = sqlx::query_as(&format!(
        "select {VERSION_COLUMNS} from public.prompt_version
         where prompt_id = $1 and ($2::int is null or version < $2) and ($4 or not draft)
         order by version desc
         limit $3"
    ))
    .bind(prompt_id)
    .bind(after)
    .bind(page.fetch_limit())
    .bind(include_drafts)
    .fetch_all(&mut **tx)
    .await?;
    Ok(Page::from_rows(rows, page.limit, |v| v.version))
}

/// One version of a prompt.
pub async fn get_version(
    tx: &mut UserTx,
    prompt_id: PromptId,
    version: i32,
) -> Result<PromptVersion> {
    let found: Option<PromptVersion> = sqlx::query_as(&format!(
        "select {VERSION_COLUMNS} from public.prompt_version where prompt_id = $1 and version = $2"
    ))
    .bind(prompt_id)
    .bind(version)
    .fetch_optional(&mut **tx)
    .await?;
    match found {
        Some(version) => Ok(version),
        None => {
            ensure_exists(tx, prompt_id).await?;
            Err(Error::VersionNotFound { prompt_id, version })
        }
    }
}

/// The version of `prompt_id` with exactly `body`: an existing one (draft or not), or a new draft,
/// which does not become current. What a run of unsaved text runs.
#[instrument(skip_all, fields(prompt.id = %prompt_id))]
pub async fn save_draft(tx: &mut UserTx, prompt_id: PromptId, body: &str) -> Result<PromptVersion> {
    let org = editable(tx, prompt_id).await?;
    // As in `save_version`: the lock queues concurrent saves, so numbers stay gapless.
    let latest: i32 =
        sqlx::query_scalar("select latest_version from public.prompt where id = $1 for update")
            .bind(prompt_id)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or(Error::NotFound(prompt_id))?;
    let sha = sha256_hex(body);
    let existing: Option<PromptVersion> = sqlx::query_as(&format!(
        "select {VERSION_COLUMNS} from public.prompt_version
         where prompt_id = $1 and body_sha256 = $2
         order by draft, version desc
         limit 1"
    ))
    .bind(prompt_id)
    .bind(&sha)
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(version) = existing {
        return Ok(version);
    }
    let version: PromptVersion = sqlx::query_as(&format!(
        "with version as (
           insert into public.prompt_version
             (id, prompt_id, org_id, version, body, placeholders, body_sha256, draft)
           values ($1, $2, $7, $3, $4, $5, $6, true)
           returning {VERSION_COLUMNS}
         ), latest as (
           update public.prompt set latest_version = $3 where id = $2
         )
         select * from version"
    ))
    .bind(PromptVersionId::new())
    .bind(prompt_id)
    .bind(latest + 1)
    .bind(body)
    .bind(placeholders(body))
    .bind(sha)
    .bind(org)
    .fetch_one(&mut **tx)
    .await?;
    tracing::info!(prompt.version = version.version, "saved draft version {}", version.version);
    Ok(version)
}

/// Makes draft `version` a normal version of the prompt, and its current one (editors).
#[instrument(skip_all, fields(prompt.id = %prompt_id, prompt.version = version))]
pub async fn promote_version(
    tx: &mut UserTx,
    prompt_id: PromptId,
    version: i32,
) -> Result<PromptVersion> {
    editable(tx, prompt_id).await?;
    let promoted: Option<PromptVersion> = sqlx::query_as(&format!(
        "with promoted as (
           update public.prompt_version set draft = false
           where prompt_id = $1 and version = $2
           returning {VERSION_COLUMNS}
         ), current as (
           update public.prompt
           set current_version_id = promoted.id, current_version = promoted.version
           from promoted where prompt.id = $1
         )
         select * from promoted"
    ))
    .bind(prompt_id)
    .bind(version)
    .fetch_optional(&mut **tx)
    .await?;
    promoted.ok_or(Error::VersionNotFound { prompt_id, version })
}

/// Saves a new version, which becomes current; a body identical to the current version's
/// returns that version and creates nothing.
#[instrument(skip_all, fields(prompt.id = %prompt_id))]
pub async fn save_version(
    tx: &mut UserTx,
    prompt_id: PromptId,
    new: NewVersion,
) -> Result<SavedVersion> {
    // Locking the prompt row queues concurrent saves of the same prompt, so version numbers
    // come out gapless and unique; the unique key (prompt_id, version) is the backstop. The lock
    // is taken alone: read in the same statement, the other columns would come from the snapshot
    // taken before the wait, i.e. before the previous saver's commit.
    let org = editable(tx, prompt_id).await?;
    sqlx::query("select from public.prompt where id = $1 for update")
        .bind(prompt_id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(Error::NotFound(prompt_id))?;
    let (current_sha, latest): (String, i32) = sqlx::query_as(
        "select cv.body_sha256, p.latest_version
         from public.prompt p
         join public.prompt_version cv on cv.id = p.current_version_id
         where p.id = $1",
    )
    .bind(prompt_id)
    .fetch_one(&mut **tx)
    .await?;

    let sha = sha256_hex(&new.body);
    if sha == current_sha {
        let current: PromptVersion = sqlx::query_as(&format!(
            "select {VERSION_COLUMNS} from public.prompt_version
             where id = (select current_version_id from public.prompt where id = $1)"
        ))
        .bind(prompt_id)
        .fetch_one(&mut **tx)
        .await?;
        return Ok(SavedVersion { version: current, created: false });
    }

    let version: PromptVersion = sqlx::query_as(&format!(
        "with version as (
           insert into public.prompt_version
             (id, prompt_id, org_id, version, body, placeholders, body_sha256, note)
           values ($1, $2, $8, $3, $4, $5, $6, $7)
           returning {VERSION_COLUMNS}
         ), current as (
           update public.prompt set current_version_id = $1, current_version = $3, latest_version = $3
           where id = $2
         )
         select * from version"
    ))
    .bind(PromptVersionId::new())
    .bind(prompt_id)
    .bind(latest + 1)
    .bind(&new.body)
    .bind(placeholders(&new.body))
    .bind(sha)
    .bind(new.note)
    .bind(org)
    .fetch_one(&mut **tx)
    .await?;
    tracing::info!(
        prompt.version = version.version,
        "saved version {} of prompt {prompt_id}",
        version.version
    );
    Ok(SavedVersion { version, created: true })
}

/// Makes an earlier (or later) version current again.
#[instrument(skip_all, fields(prompt.id = %prompt_id, prompt.version = version))]
pub async fn restore(tx: &mut UserTx, prompt_id: PromptId, version: i32) -> Result<PromptDetail> {
    editable(tx, prompt_id).await?;
    let target = get_version(tx, prompt_id, version).await?;
    sqlx::query(
        "update public.prompt set current_version_id = $2, current_version = $3 where id = $1",
    )
    .bind(prompt_id)
    .bind(target.id)
    .bind(target.version)
    .execute(&mut **tx)
    .await?;
    get(tx, prompt_id).await
}

/// The organization of the prompt `id`, when the caller may change it (editor or more).
async fn editable(tx: &mut UserTx, id: PromptId) -> Result<OrgId> {
    let access = tenancy::access(tx, "prompt", id).await?.ok_or(Error::NotFound(id))?;
    Ok(access.require(Role::Editor)?)
}

async fn ensure_exists(tx: &mut UserTx, id: PromptId) -> Result<()> {
    let exists: bool =
        sqlx::query_scalar("select exists (select from public.prompt where id = $1)")
            .bind(id)
            .fetch_one(&mut **tx)
            .await?;
    if exists { Ok(()) } else { Err(Error::NotFound(id)) }
}

/// Trimmed, without blanks or repeats, in the order given.
fn normalize_tags(tags: Vec<String>) -> Vec<String> {
    let mut unique: Vec<String> = Vec::with_capacity(tags.len());
    for tag in tags {
        let tag = tag.trim();
        if !tag.is_empty() && !unique.iter().any(|t| t == tag) {
            unique.push(tag.to_owned());
        }
    }
    unique
}

fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_trimmed_and_deduplicated_in_order() {
        let tags = ["b", " a ", "b", "", "  ", "c"].map(String::from).to_vec();
        assert_eq!(normalize_tags(tags), ["b", "a", "c"]);
    }
}
