//! Making, reading, changing and deleting deployments (editors change; members read).

use chrono::{DateTime, Utc};
use platform::{
    OrgId, Role, UserTx,
    pagination::{Page, PageRequest},
    tenancy,
};
use prompts::PromptKind;
use providers::{Providers, Registry};
use serde_json::Value;
use tracing::instrument;

use crate::{
    Deployment, DeploymentChanges, DeploymentId, Error, Invalid, ModelChoice, NewDeployment,
    ResponseFormat, Result,
};

/// Columns of [`Deployment`].
const COLUMNS: &str = "id, org_id, created_by, name, slug, prompt_id, version, model, fallbacks, \
    response_format, json_schema, cache_ttl_seconds, \
    case when requests_per_minute is null then null \
      else jsonb_build_object('requests_per_minute', requests_per_minute) end as rate_limit, \
    created_at, updated_at";

/// Makes a deployment in `org` (editors).
#[instrument(skip_all, fields(org.id = %org))]
pub async fn create(
    tx: &mut UserTx,
    org: OrgId,
    registry: &Registry,
    new: NewDeployment,
) -> Result<Deployment> {
    tenancy::require(tx, org, Role::Editor).await?;
    let providers = registry.for_org_in(tx, org).await?;
    check(tx, org, &providers, &new).await?;
    let deployment: Deployment = sqlx::query_as(&format!(
        "insert into public.deployment (org_id, name, slug, prompt_id, version, model, fallbacks,
           response_format, json_schema, cache_ttl_seconds, requests_per_minute)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         returning {COLUMNS}"
    ))
    .bind(org)
    .bind(&new.name)
    .bind(&new.slug)
    .bind(new.prompt_id)
    .bind(new.version)
    .bind(sqlx::types::Json(&new.model))
    .bind(sqlx::types::Json(&new.fallbacks))
    .bind(new.response_format)
    .bind(&new.json_schema)
    .bind(new.cache_ttl_seconds)
    .bind(new.rate_limit.map(|limit| i64::from(limit.requests_per_minute)))
    .fetch_one(&mut **tx)
    .await
    .map_err(|err| slug_taken(err, &new))?;
    tracing::info!(deployment.id = %deployment.id, "made deployment {}", deployment.slug);
    Ok(deployment)
}

/// The deployments of `org`, newest first.
pub async fn list(tx: &mut UserTx, org: OrgId, page: &PageRequest) -> Result<Page<Deployment>> {
    let (after_at, after_id): (Option<DateTime<Utc>>, Option<DeploymentId>) = page.after()?.unzip();
    let rows: Vec<Deployment> = sqlx::query_as(&format!(
        "select {COLUMNS} from public.deployment
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
    tenancy::require_listed(tx, org, !rows.is_empty()).await?;
    Ok(Page::from_rows(rows, page.limit, |d| (d.created_at, d.id)))
}

/// A deployment.
pub async fn get(tx: &mut UserTx, id: DeploymentId) -> Result<Deployment> {
    sqlx::query_as(&format!("select {COLUMNS} from public.deployment where id = $1"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(Error::NotFound(id))
}

/// Changes a deployment (editors); the result is checked like a new one.
#[instrument(skip_all, fields(deployment.id = %id))]
pub async fn update(
    tx: &mut UserTx,
    id: DeploymentId,
    registry: &Registry,
    changes: DeploymentChanges,
) -> Result<Deployment> {
    let org = editable(tx, id).await?;
    let current = get(tx, id).await?;
    let next = NewDeployment {
        name: changes.name.unwrap_or(current.name),
        slug: changes.slug.unwrap_or(current.slug),
        prompt_id: current.prompt_id,
        version: changes.version.unwrap_or(current.version),
        model: changes.model.unwrap_or(current.model),
        fallbacks: changes.fallbacks.unwrap_or(current.fallbacks),
        response_format: changes.response_format.unwrap_or(current.response_format),
        json_schema: changes.json_schema.unwrap_or(current.json_schema),
        cache_ttl_seconds: changes.cache_ttl_seconds.unwrap_or(current.cache_ttl_seconds),
        rate_limit: changes.rate_limit.unwrap_or(current.rate_limit),
    };
    let providers = registry.for_org_in(tx, org).await?;
    check(tx, org, &providers, &next).await?;
    sqlx::query_as(&format!(
        "update public.deployment set name = $2, slug = $3, version = $4, model = $5,
           fallbacks = $6, response_format = $7, json_schema = $8, cache_ttl_seconds = $9,
           requests_per_minute = $10
         where id = $1
         returning {COLUMNS}"
    ))
    .bind(id)
    .bind(&next.name)
    .bind(&next.slug)
    .bind(next.version)
    .bind(sqlx::types::Json(&next.model))
    .bind(sqlx::types::Json(&next.fallbacks))
    .bind(next.response_format)
    .bind(&next.json_schema)
    .bind(next.cache_ttl_seconds)
    .bind(next.rate_limit.map(|limit| i64::from(limit.requests_per_minute)))
    .fetch_optional(&mut **tx)
    .await
    .map_err(|err| slug_taken(err, &next))?
    .ok_or(Error::NotFound(id))
}

/// Deletes a deployment (editors); its calls stay in the log.
#[instrument(skip_all, fields(deployment.id = %id))]
pub async fn delete(tx: &mut UserTx, id: DeploymentId) -> Result<()> {
    editable(tx, id).await?;
    let deleted = sqlx::query("delete from public.deployment where id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    if deleted.rows_affected() == 0 {
        return Err(Error::NotFound(id));
    }
    tracing::info!("deleted deployment {id}");
    Ok(())
}

/// The organization of the deployment `id`, when the caller may change it (editor or more).
async fn editable(tx: &mut UserTx, id: DeploymentId) -> Result<OrgId> {
    let access = tenancy::access(tx, "deployment", id).await?.ok_or(Error::NotFound(id))?;
    Ok(access.require(Role::Editor)?)
}

/// Everything wrong with `new`, each with its field: a generator prompt (and version) of `org`,
/// models this server can call with parameters in range, a schema only for `json`, and one that
/// compiles.
async fn check(
    tx: &mut UserTx,
    org: OrgId,
    providers: &Providers,
    new: &NewDeployment,
) -> Result<()> {
    let mut problems = Vec::new();
    let mut add = |field: &str, message: String| {
        problems.push(Invalid { field: field.to_owned(), message });
    };
    let prompt: Option<(String, PromptKind, bool)> = sqlx::query_as(
        "select p.name, p.kind,
                $3::int is null or exists (select from public.prompt_version v
                                           where v.prompt_id = p.id and v.version = $3)
         from public.prompt p where p.id = $1 and p.org_id = $2",
    )
    .bind(new.prompt_id)
    .bind(org)
    .bind(new.version)
    .fetch_optional(&mut **tx)
    .await?;
    match prompt {
        None => add("prompt_id", "no such prompt in this organization".to_owned()),
        Some((name, PromptKind::Grader, _)) => {
            add("prompt_id", format!("`{name}` is a grader prompt; deploy a generator"));
        }
        Some((name, _, false)) => {
            let version = new.version.unwrap_or_default();
            add("version", format!("the prompt `{name}` has no version {version}"));
        }
        Some(_) => {}
    }
    let models = std::iter::once(("model".to_owned(), &new.model))
        .chain(new.fallbacks.iter().enumerate().map(|(i, m)| (format!("fallbacks[{i}]"), m)));
    for (field, choice) in models {
        if let Some(problem) = model_problem(providers, choice) {
            add(&field, problem);
        }
    }
    match (&new.json_schema, new.response_format) {
        (Some(_), ResponseFormat::Text) => {
            add("json_schema", "a schema needs `response_format: json`".to_owned());
        }
        (Some(schema), ResponseFormat::Json) => {
            if let Err(error) = compile_schema(schema) {
                add("json_schema", error);
            }
        }
        (None, _) => {}
    }
    if problems.is_empty() { Ok(()) } else { Err(Error::Invalid(problems)) }
}

fn model_problem(providers: &Providers, choice: &ModelChoice) -> Option<String> {
    match providers.resolve(&choice.provider, &choice.model) {
        Err(problem) => Some(problem.to_string()),
        Ok(_) => choice.params.problem(),
    }
}

/// A validator for `schema`, or why it is not a JSON Schema. References are never fetched: a
/// schema must be whole.
pub(crate) fn compile_schema(schema: &Value) -> Result<jsonschema::Validator, String> {
    jsonschema::validator_for(schema).map_err(|error| format!("not a valid JSON Schema: {error}"))
}

fn slug_taken(err: sqlx::Error, new: &NewDeployment) -> Error {
    match platform::db::violated_constraint(&err) {
        Some("deployment_slug_key") => Error::SlugTaken(new.slug.clone()),
        _ => err.into(),
    }
}
