//! The RLS context of a transaction, against a real PostgreSQL with the real migrations.

use std::time::Duration;

use platform::{
    Db, User,
    db::{DbConfig, DbFailure, TxLimits, classify},
    testing::{TestDb, USER_A, USER_B},
};
use serde_json::{Map, Value, json};

async fn current(tx: &mut platform::UserTx) -> (String, Option<uuid::Uuid>) {
    sqlx::query_as("select current_user::text, auth.uid()").fetch_one(&mut **tx).await.unwrap()
}

#[tokio::test]
async fn a_user_transaction_acts_as_the_api_role_with_the_users_claims() {
    let test = TestDb::new().await;
    let mut tx = test.db.begin_as(&USER_A.user()).await.unwrap();
    assert_eq!(current(&mut tx).await, ("promptrefine_api".into(), Some(USER_A.id)));
    // A member of `authenticated`: every policy written for it applies.
    let member: bool = sqlx::query_scalar("select pg_has_role('authenticated', 'member')")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert!(member);
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
    assert_eq!((user.as_str(), claims.as_str()), ("promptrefine_gateway", ""));
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
        assert_eq!(current(&mut tx).await, ("promptrefine_api".into(), Some(USER_B.id)), "{email}");
        let seen: String = sqlx::query_scalar("select current_setting('request.jwt.claims')")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        assert_eq!(seen, user.claims_json(), "claims arrive byte for byte: {email}");
        tx.commit().await.unwrap();

        // The same literal in a statement sent at once: the same context, byte for byte.
        let row = test
            .db
            .fetch_at_once_as(
                &user,
                "select current_user::text, auth.uid(), current_setting('request.jwt.claims')",
            )
            .await
            .unwrap()
            .unwrap();
        let (role, uid, seen): (String, Option<uuid::Uuid>, String) =
            sqlx::FromRow::from_row(&row).unwrap();
        assert_eq!((role.as_str(), uid), ("promptrefine_api", Some(USER_B.id)), "{email}");
        assert_eq!(seen, user.claims_json(), "{email}");
    }
}

#[tokio::test]
async fn a_statement_sent_at_once_commits_and_a_failed_one_leaves_no_broken_connection() {
    let test = TestDb::new().await;
    let user = USER_A.user();
    let none = test.db.fetch_at_once_as(&user, "select 1 where false").await.unwrap();
    assert!(none.is_none());
    let err = test.db.fetch_at_once_as(&user, "select 1 / 0").await.unwrap_err();
    assert!(err.to_string().contains("division by zero"), "{err}");
    // Every pooled connection is usable: none was left inside the failed transaction.
    for _ in 0..8 {
        let mut tx = test.db.begin_as(&user).await.unwrap();
        assert_eq!(current(&mut tx).await.0, "promptrefine_api");
        tx.commit().await.unwrap();
    }
    let (user_now, claims): (String, String) = sqlx::query_as(
        "select current_user::text, coalesce(current_setting('request.jwt.claims', true), '')",
    )
    .fetch_one(test.db.pool())
    .await
    .unwrap();
    assert_eq!((user_now.as_str(), claims.as_str()), ("promptrefine_gateway", ""));
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

async fn db_with(test: &TestDb, request: TxLimits) -> Db {
    let config = DbConfig { request, ..DbConfig::new(test.url().clone()) };
    Db::connect(&config).await.unwrap()
}

#[tokio::test]
async fn user_transactions_carry_their_timeouts_whatever_the_roles_settings() {
    let test = TestDb::new().await;
    let mut tx = test.db.begin_as(&USER_A.user()).await.unwrap();
    let (statement, idle): (String, String) = sqlx::query_as(
        "select current_setting('statement_timeout'),
                current_setting('idle_in_transaction_session_timeout')",
    )
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    assert_eq!((statement.as_str(), idle.as_str()), ("8s", "10s"));
    drop(tx);

    let limits = TxLimits {
        statement_timeout: Duration::from_millis(200),
        idle_timeout: Duration::from_millis(300),
    };
    let db = db_with(&test, limits).await;
    let mut tx = db.begin_as(&USER_A.user()).await.unwrap();
    let err = sqlx::query("select pg_sleep(5)").execute(&mut *tx).await.unwrap_err();
    assert_eq!(classify(&err), DbFailure::Timeout, "{err}");
}

#[tokio::test]
async fn a_transaction_left_idle_by_a_stalled_client_gives_its_connection_back() {
    let test = TestDb::new().await;
    let limits = TxLimits {
        statement_timeout: Duration::from_secs(5),
        idle_timeout: Duration::from_millis(200),
    };
    let db = db_with(&test, limits).await;
    let mut tx = db.begin_as(&USER_A.user()).await.unwrap();
    let pid: i32 = sqlx::query_scalar("select pg_backend_pid()").fetch_one(&mut *tx).await.unwrap();
    // The holder stalls (as an export to a client that stopped reading once did).
    tokio::time::sleep(Duration::from_millis(600)).await;
    let mut service = test.db.begin_service().await.unwrap();
    let alive: bool =
        sqlx::query_scalar("select exists (select from pg_stat_activity where pid = $1)")
            .bind(pid)
            .fetch_one(&mut *service)
            .await
            .unwrap();
    assert!(!alive, "PostgreSQL ended the idle transaction's session");
    assert!(sqlx::query("select 1").execute(&mut *tx).await.is_err());
}

#[tokio::test]
async fn a_database_error_is_described_without_the_data_it_failed_on() {
    let test = TestDb::new().await;
    let mut tx = test.db.begin_as(&USER_A.user()).await.unwrap();
    sqlx::query("create temp table stage (values jsonb)").execute(&mut *tx).await.unwrap();
    let mut copy = tx.copy_in_raw("copy stage (values) from stdin").await.unwrap();
    copy.send(&b"{\"a\": \"PRIVATE-ROW-DATA \\\\ud800\"}\n"[..]).await.unwrap();
    let err = copy.finish().await.unwrap_err();
    assert!(format!("{err:?}").contains("PRIVATE-ROW-DATA"), "PostgreSQL quotes the row: {err:?}");
    let described = platform::db::describe(&err);
    assert!(described.starts_with("SQLSTATE 22"), "{described}");
    assert!(!described.contains("PRIVATE-ROW-DATA"), "{described}");
}
