//! The RLS context of a transaction, against a real PostgreSQL with the real migrations.

use platform::{
    User,
    testing::{TestDb, USER_A, USER_B},
};
use serde_json::{Map, Value, json};

async fn current(tx: &mut platform::UserTx) -> (String, Option<uuid::Uuid>) {
    sqlx::query_as("select current_user::text, auth.uid()").fetch_one(&mut **tx).await.unwrap()
}

#[tokio::test]
async fn a_user_transaction_acts_as_authenticated_with_the_users_claims() {
    let test = TestDb::new().await;
    let mut tx = test.db.begin_as(&USER_A.user()).await.unwrap();
    assert_eq!(current(&mut tx).await, ("authenticated".into(), Some(USER_A.id)));
    let email: String =
        sqlx::query_scalar("select auth.jwt() ->> 'email'").fetch_one(&mut *tx).await.unwrap();
    assert_eq!(email, USER_A.email);
    tx.commit().await.unwrap();

    // The pool's login role owns nothing: outside a user transaction, tables are out of reach.
    let err = sqlx::query("select count(*) from public.prompt")
        .execute(test.db.pool())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("permission denied for table prompt"), "{err}");
}

#[tokio::test]
async fn the_context_does_not_outlive_its_transaction() {
    let test = TestDb::new().await;
    let tx = test.db.begin_as(&USER_A.user()).await.unwrap();
    drop(tx); // rolled back
    let (user, claims): (String, String) = sqlx::query_as(
        "select current_user::text, coalesce(current_setting('request.jwt.claims', true), '')",
    )
    .fetch_one(test.db.pool())
    .await
    .unwrap();
    assert_eq!((user.as_str(), claims.as_str()), ("authenticator", ""));
}

#[tokio::test]
async fn hostile_claims_cannot_escape_the_literal_they_are_written_into() {
    let test = TestDb::new().await;
    let hostile = [
        r"'); select set_config('role', 'service_role', true); --",
        r"\'); reset role; --",
        "$$; commit; begin; $$",
        // (No NUL: jsonb cannot hold one, so Supabase Auth can never put one in a token.)
        "quote ' backslash \\ unicode \u{1F600} control \u{0001}",
    ];
    for email in hostile {
        let claims: Map<String, Value> = serde_json::from_value(json!({
            "sub": USER_B.id, "role": "authenticated", "email": email,
            "user_metadata": { "name": email }
        }))
        .unwrap();
        let user = User::from_trusted_claims(USER_B.id, &claims);
        let mut tx = test.db.begin_as(&user).await.unwrap();
        assert_eq!(current(&mut tx).await, ("authenticated".into(), Some(USER_B.id)), "{email}");
        let seen: String = sqlx::query_scalar("select current_setting('request.jwt.claims')")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        assert_eq!(seen, user.claims_json(), "claims arrive byte for byte: {email}");
    }
}

#[tokio::test]
async fn a_service_transaction_bypasses_rls_and_says_so() {
    let test = TestDb::new().await;
    let mut tx = test.db.begin_service().await.unwrap();
    let role: String =
        sqlx::query_scalar("select current_user::text").fetch_one(&mut *tx).await.unwrap();
    assert_eq!(role, "service_role");
    let users: i64 =
        sqlx::query_scalar("select count(*) from public.prompt").fetch_one(&mut *tx).await.unwrap();
    assert_eq!(users, 0);
}
