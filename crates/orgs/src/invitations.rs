//! Invitations: an admin invites an email with a role; the signed-in user who confirmed that
//! email accepts with the one-time token and becomes a member. Only the token's SHA-256 is
//! stored, so a database reader cannot accept anything.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use platform::{
    OrgId, Role, UserTx,
    pagination::{Page, PageRequest},
    tenancy,
};
use rand::RngCore;
use sha2::{Digest, Sha256};
use tracing::instrument;

use crate::{
    CreatedInvitation, Email, Error, Invitation, InvitationId, Organization, Refusal, Result,
};

/// Tokens start with this, so that one pasted in the wrong place is recognisable.
const TOKEN_PREFIX: &str = "pri_";

/// Pending invitations one organization may have at once.
pub const MAX_PENDING: i64 = 500;

const INVITATION_COLUMNS: &str = "id, org_id, email, role, created_by, created_at, expires_at";

/// Invites `email` into `org` with `role` (admins; an owner for an owner).
#[instrument(skip_all, fields(org.id = %org, role = %role))]
pub async fn create_invitation(
    tx: &mut UserTx,
    org: OrgId,
    email: Email,
    role: Role,
) -> Result<CreatedInvitation> {
    let needed = if role == Role::Owner { Role::Owner } else { Role::Admin };
    tenancy::require(tx, org, needed).await?;
    let pending: i64 = sqlx::query_scalar(
        "select count(*) from public.invitation
         where org_id = $1 and accepted_at is null and revoked_at is null and expires_at > now()",
    )
    .bind(org)
    .fetch_one(&mut **tx)
    .await?;
    if pending >= MAX_PENDING {
        return Err(Error::TooManyInvitations { limit: MAX_PENDING });
    }
    let token = new_token();
    let invitation: Invitation = sqlx::query_as(&format!(
        "insert into public.invitation (org_id, email, role, token_sha256)
         values ($1, $2, $3, $4)
         returning {INVITATION_COLUMNS}"
    ))
    .bind(org)
    .bind(&email)
    .bind(role)
    .bind(token_sha256(&token))
    .fetch_one(&mut **tx)
    .await?;
    tracing::info!(invitation.id = %invitation.id, "invited someone into {org}");
    Ok(CreatedInvitation { invitation, token })
}

/// The pending invitations of `org` (admins), newest first.
pub async fn list_invitations(
    tx: &mut UserTx,
    org: OrgId,
    page: &PageRequest,
) -> Result<Page<Invitation>> {
    tenancy::require(tx, org, Role::Admin).await?;
    let (after_at, after_id): (Option<DateTime<Utc>>, Option<InvitationId>) = page.after()?.unzip();
    let rows: Vec<Invitation> = sqlx::query_as(&format!(
        "select {INVITATION_COLUMNS} from public.invitation
         where org_id = $1 and accepted_at is null and revoked_at is null and expires_at > now()
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
    Ok(Page::from_rows(rows, page.limit, |i| (i.created_at, i.id)))
}

/// Revokes a pending invitation (admins).
#[instrument(skip_all, fields(org.id = %org, invitation.id = %id))]
pub async fn revoke_invitation(tx: &mut UserTx, org: OrgId, id: InvitationId) -> Result<()> {
    tenancy::require(tx, org, Role::Admin).await?;
    let revoked = sqlx::query(
        "update public.invitation set revoked_at = now()
         where id = $1 and org_id = $2 and accepted_at is null and revoked_at is null",
    )
    .bind(id)
    .bind(org)
    .execute(&mut **tx)
    .await?;
    if revoked.rows_affected() == 0 {
        return Err(Error::InvitationNotFound(id));
    }
    tracing::info!("revoked invitation {id}");
    Ok(())
}

/// Makes the caller a member of the organization `token` invites them to, if the invitation is
/// pending and was sent to their confirmed email.
#[instrument(skip_all)]
pub async fn accept_invitation(tx: &mut UserTx, token: &str) -> Result<Organization> {
    let (outcome, org): (String, Option<OrgId>) =
        sqlx::query_as("select outcome, org_id from private.accept_invitation($1)")
            .bind(token_sha256(token))
            .fetch_one(&mut **tx)
            .await?;
    let refusal = match outcome.as_str() {
        "accepted" => None,
        "revoked" => Some(Refusal::Revoked),
        "used" => Some(Refusal::Used),
        "expired" => Some(Refusal::Expired),
        "email_mismatch" => Some(Refusal::EmailMismatch),
        "already_member" => Some(Refusal::AlreadyMember),
        _ => Some(Refusal::Unknown),
    };
    match (refusal, org) {
        (None, Some(org)) => {
            tracing::info!(org.id = %org, "accepted an invitation into {org}");
            crate::get(tx, org).await
        }
        (refusal, _) => Err(Error::Invitation(refusal.unwrap_or(Refusal::Unknown))),
    }
}

/// 32 random bytes, base64url, after the prefix.
fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
}

fn token_sha256(token: &str) -> String {
    hex::encode(Sha256::digest(token.trim().as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_hashed_whatever_the_surrounding_spaces() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert!(a.starts_with(TOKEN_PREFIX) && a.len() == TOKEN_PREFIX.len() + 43);
        assert_eq!(token_sha256(&a), token_sha256(&format!(" {a}\n")));
        assert_eq!(token_sha256(&a).len(), 64);
    }
}
