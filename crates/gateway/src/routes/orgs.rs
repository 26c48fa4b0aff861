//! `/v1/orgs` and `/v1/invitations`: organizations (teams), their members and invitations.

use axum::{
    Json,
    http::{HeaderMap, StatusCode},
};
use orgs::{CreatedInvitation, Email, InvitationId, Member, Organization};
use platform::{Name, OrgId, Role, Slug};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;
use validator::Validate;

use crate::{
    error::ApiResult,
    extract::{ApiJson, ApiPath, ApiQuery, Authenticated},
    routes::{PageOf, PageQuery, location},
    state::AppState,
};

/// Longer than any token we issue.
const TOKEN_MAX_CHARS: u64 = 200;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_orgs, create_org))
        .routes(routes!(get_org, update_org, delete_org))
        .routes(routes!(list_members))
        .routes(routes!(update_member, remove_member))
        .routes(routes!(list_invitations, create_invitation))
        .routes(routes!(revoke_invitation))
        .routes(routes!(accept_invitation))
}

// ---- request types ----------------------------------------------------------------------------

/// A new team; you become its owner.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOrg {
    /// 1-200 characters; surrounding spaces are dropped. The slug is made from it.
    #[schema(value_type = String, example = "Support team")]
    pub name: Name,
}

/// Changes to an organization (admins); omitted fields stay as they are.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateOrg {
    #[schema(value_type = Option<String>)]
    pub name: Option<Name>,
    /// 1-64 lower-case letters and digits in groups joined by single dashes; unique.
    #[schema(value_type = Option<String>, example = "support-team")]
    pub slug: Option<Slug>,
}

/// A member's new role.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMember {
    /// Making or unmaking an owner takes an owner; other changes an admin.
    pub role: Role,
}

/// Whom to invite, as what.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateInvitation {
    /// The invitee's email: they accept signed in with it (confirmed).
    #[schema(value_type = String, example = "ada@example.com")]
    pub email: Email,
    /// Inviting an owner takes an owner.
    pub role: Role,
}

/// The token of an invitation sent to you.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptInvitation {
    #[validate(length(min = 1, max = TOKEN_MAX_CHARS))]
    pub token: String,
}

/// `/orgs/{org_id}`
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct OrgPath {
    #[param(value_type = Uuid)]
    pub org_id: OrgId,
}

/// `/orgs/{org_id}/members/{user_id}`
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct MemberPath {
    #[param(value_type = Uuid)]
    pub org_id: OrgId,
    pub user_id: Uuid,
}

/// `/orgs/{org_id}/invitations/{invitation_id}`
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct InvitationPath {
    #[param(value_type = Uuid)]
    pub org_id: OrgId,
    #[param(value_type = Uuid)]
    pub invitation_id: InvitationId,
}

// ---- handlers ---------------------------------------------------------------------------------

/// List your organizations with your role in each, oldest first (your personal one first).
#[utoipa::path(get, path = "/orgs", tag = "orgs", params(PageQuery),
    responses((status = 200, body = PageOf<Organization>)))]
pub async fn list_orgs(
    state: AppState,
    Authenticated(user): Authenticated,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> ApiResult<Json<PageOf<Organization>>> {
    let page = query.request();
    let page = state.as_user(&user, async |tx| orgs::list(tx, &page).await).await?;
    Ok(Json(page.into()))
}

/// Create a team; you become its owner.
#[utoipa::path(post, path = "/orgs", tag = "orgs", request_body = CreateOrg,
    responses(
        (status = 201, body = Organization, headers(("location" = String))),
        (status = 409, description = "You made MAX_TEAMS_PER_USER teams already (`too_many_orgs`)",
            body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_org(
    state: AppState,
    Authenticated(user): Authenticated,
    ApiJson(req): ApiJson<CreateOrg>,
) -> ApiResult<(StatusCode, HeaderMap, Json<Organization>)> {
    let limits = &state.settings.org_limits;
    let org = state.as_user(&user, async |tx| orgs::create(tx, req.name, limits).await).await?;
    let location = location(&format!("/v1/orgs/{}", org.id));
    Ok((StatusCode::CREATED, location, Json(org)))
}

/// Get an organization you belong to, with your role.
#[utoipa::path(get, path = "/orgs/{org_id}", tag = "orgs", params(OrgPath),
    responses((status = 200, body = Organization)))]
pub async fn get_org(
    state: AppState,
    Authenticated(user): Authenticated,
    ApiPath(OrgPath { org_id }): ApiPath<OrgPath>,
) -> ApiResult<Json<Organization>> {
    state.as_user(&user, async |tx| orgs::get(tx, org_id).await).await.map(Json)
}

/// Rename an organization or change its slug (admins).
#[utoipa::path(patch, path = "/orgs/{org_id}", tag = "orgs", params(OrgPath),
    request_body = UpdateOrg,
    responses(
        (status = 200, body = Organization),
        (status = 409, description = "The slug is taken (`slug_taken`)",
            body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn update_org(
    state: AppState,
    Authenticated(user): Authenticated,
    ApiPath(OrgPath { org_id }): ApiPath<OrgPath>,
    ApiJson(req): ApiJson<UpdateOrg>,
) -> ApiResult<Json<Organization>> {
    let changes = orgs::OrgChanges { name: req.name, slug: req.slug };
    state.as_user(&user, async |tx| orgs::update(tx, org_id, changes).await).await.map(Json)
}

/// Delete a team with all its prompts, datasets (and their files) and runs (owners). A personal
/// organization cannot be deleted.
#[utoipa::path(delete, path = "/orgs/{org_id}", tag = "orgs", params(OrgPath),
    responses(
        (status = 204, description = "Deleted"),
        (status = 409, description = "It is a personal organization (`personal_org`)",
            body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn delete_org(
    state: AppState,
    Authenticated(user): Authenticated,
    ApiPath(OrgPath { org_id }): ApiPath<OrgPath>,
) -> ApiResult<StatusCode> {
    orgs::delete(&state.db, &*state.storage, &user, org_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// List the members of an organization you belong to, in the order they joined.
#[utoipa::path(get, path = "/orgs/{org_id}/members", tag = "orgs", params(OrgPath, PageQuery),
    responses((status = 200, body = PageOf<Member>)))]
pub async fn list_members(
    state: AppState,
    Authenticated(user): Authenticated,
    ApiPath(OrgPath { org_id }): ApiPath<OrgPath>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> ApiResult<Json<PageOf<Member>>> {
    let page = query.request();
    let page = state.as_user(&user, async |tx| orgs::list_members(tx, org_id, &page).await).await?;
    Ok(Json(page.into()))
}

/// Change a member's role (admins; owners for anything involving the owner role).
#[utoipa::path(patch, path = "/orgs/{org_id}/members/{user_id}", tag = "orgs",
    params(MemberPath), request_body = UpdateMember,
    responses(
        (status = 200, body = Member),
        (status = 409, description = "The organization would have no owner (`last_owner`), or it is the personal organization's own user (`personal_owner`)",
            body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn update_member(
    state: AppState,
    Authenticated(user): Authenticated,
    ApiPath(MemberPath { org_id, user_id }): ApiPath<MemberPath>,
    ApiJson(req): ApiJson<UpdateMember>,
) -> ApiResult<Json<Member>> {
    state
        .as_user(&user, async |tx| orgs::set_member_role(tx, org_id, user_id, req.role).await)
        .await
        .map(Json)
}

/// Remove a member (admins; owners for an owner). Removing yourself is leaving.
#[utoipa::path(delete, path = "/orgs/{org_id}/members/{user_id}", tag = "orgs",
    params(MemberPath),
    responses(
        (status = 204, description = "Removed"),
        (status = 409, description = "The organization would have no owner (`last_owner`), or it is the personal organization's own user (`personal_owner`)",
            body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn remove_member(
    state: AppState,
    Authenticated(user): Authenticated,
    ApiPath(MemberPath { org_id, user_id }): ApiPath<MemberPath>,
) -> ApiResult<StatusCode> {
    state.as_user(&user, async |tx| orgs::remove_member(tx, org_id, user_id).await).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// List an organization's pending invitations, newest first (admins).
#[utoipa::path(get, path = "/orgs/{org_id}/invitations", tag = "orgs",
    params(OrgPath, PageQuery), responses((status = 200, body = PageOf<orgs::Invitation>)))]
pub async fn list_invitations(
    state: AppState,
    Authenticated(user): Authenticated,
    ApiPath(OrgPath { org_id }): ApiPath<OrgPath>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> ApiResult<Json<PageOf<orgs::Invitation>>> {
    let page = query.request();
    let page =
        state.as_user(&user, async |tx| orgs::list_invitations(tx, org_id, &page).await).await?;
    Ok(Json(page.into()))
}

/// Invite someone by email (admins; owners to invite an owner). The response holds the one-time
/// token, shown only this once: send it to them. It expires after 7 days.
#[utoipa::path(post, path = "/orgs/{org_id}/invitations", tag = "orgs", params(OrgPath),
    request_body = CreateInvitation,
    responses((status = 201, body = CreatedInvitation)))]
pub async fn create_invitation(
    state: AppState,
    Authenticated(user): Authenticated,
    ApiPath(OrgPath { org_id }): ApiPath<OrgPath>,
    ApiJson(req): ApiJson<CreateInvitation>,
) -> ApiResult<(StatusCode, Json<CreatedInvitation>)> {
    let created = state
        .as_user(&user, async |tx| orgs::create_invitation(tx, org_id, req.email, req.role).await)
        .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Revoke a pending invitation (admins).
#[utoipa::path(delete, path = "/orgs/{org_id}/invitations/{invitation_id}", tag = "orgs",
    params(InvitationPath), responses((status = 204, description = "Revoked")))]
pub async fn revoke_invitation(
    state: AppState,
    Authenticated(user): Authenticated,
    ApiPath(InvitationPath { org_id, invitation_id }): ApiPath<InvitationPath>,
) -> ApiResult<StatusCode> {
    state
        .as_user(&user, async |tx| orgs::revoke_invitation(tx, org_id, invitation_id).await)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Accept an invitation sent to your (confirmed) email: you become a member with its role.
#[utoipa::path(post, path = "/invitations/accept", tag = "orgs", request_body = AcceptInvitation,
    responses(
        (status = 200, description = "The organization you joined", body = Organization),
        (status = 403, description = "The invitation is for another email (`invitation_email_mismatch`)",
            body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No invitation has this token (`invitation_not_found`)",
            body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "It was used already (`invitation_used`), or you are a member (`already_member`)",
            body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 410, description = "It expired (`invitation_expired`) or was revoked (`invitation_revoked`)",
            body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn accept_invitation(
    state: AppState,
    Authenticated(user): Authenticated,
    ApiJson(req): ApiJson<AcceptInvitation>,
) -> ApiResult<Json<Organization>> {
    state.as_user(&user, async |tx| orgs::accept_invitation(tx, &req.token).await).await.map(Json)
}
