//! Row Level Security and immutability, checked with hand-written SQL under each user's role:
//! what supabase-js (or a bug in our queries) could attempt, the database itself refuses.

use platform::{
    Name, OrgId,
    testing::{TestDb, USER_A, USER_B},
};
use prompts::{NewPrompt, PromptId, PromptKind, PromptVersionId};

async fn prompt_of_a(test: &TestDb) -> (PromptId, PromptVersionId) {
    let mut tx = test.db.begin_as(&USER_A.user()).await.unwrap();
    let detail = prompts::create(
        &mut tx,
        OrgId(USER_A.id),
        NewPrompt {
            name: Name::parse("A's prompt").unwrap(),
            kind: PromptKind::Generator,
            tags: vec![],
            description: None,
            body: "secret {{x}}".into(),
            note: None,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    (detail.prompt.id, detail.current_version.id)
}

fn message(result: Result<sqlx::postgres::PgQueryResult, sqlx::Error>) -> String {
    result.expect_err("the database should refuse").to_string()
}

#[tokio::test]
async fn user_b_cannot_read_change_or_delete_the_rows_of_as_organization() {
    let test = TestDb::new().await;
    let (prompt_id, version_id) = prompt_of_a(&test).await;
    let mut b = test.db.begin_as(&USER_B.user()).await.unwrap();

    let seen: i64 = sqlx::query_scalar(
        "select (select count(*) from prompt) + (select count(*) from prompt_version)",
    )
    .fetch_one(&mut *b)
    .await
    .unwrap();
    assert_eq!(seen, 0);

    for sql in [
        "update prompt set name = 'mine' where id = $1",
        "update prompt set current_version_id = null where id = $1",
        "delete from prompt where id = $1",
        "delete from prompt_version where prompt_id = $1",
    ] {
        let result = sqlx::query(sql).bind(prompt_id).execute(&mut *b).await;
        match result {
            Ok(done) => assert_eq!(done.rows_affected(), 0, "{sql}"),
            // No delete grant on versions at all.
            Err(err) => assert!(err.to_string().contains("permission denied"), "{sql}: {err}"),
        }
    }
    b.commit().await.unwrap();

    let mut a = test.db.begin_as(&USER_A.user()).await.unwrap();
    let (name, version): (String, PromptVersionId) =
        sqlx::query_as("select name, current_version_id from prompt where id = $1")
            .bind(prompt_id)
            .fetch_one(&mut *a)
            .await
            .unwrap();
    assert_eq!((name.as_str(), version), ("A's prompt", version_id));
}

#[tokio::test]
async fn user_b_cannot_plant_rows_in_as_organization() {
    let test = TestDb::new().await;
    let (prompt_id, _) = prompt_of_a(&test).await;

    // A prompt in A's personal organization, inserted by B.
    let mut b = test.db.begin_as(&USER_B.user()).await.unwrap();
    let err = message(
        sqlx::query("insert into prompt (org_id, name, kind) values ($1, 'planted', 'generator')")
            .bind(USER_A.id)
            .execute(&mut *b)
            .await,
    );
    assert!(err.contains("row-level security"), "{err}");
    drop(b);

    // A version of A's prompt, whichever organization B claims for it.
    for org in [USER_A.id, USER_B.id] {
        let mut b = test.db.begin_as(&USER_B.user()).await.unwrap();
        let err = message(
            sqlx::query(
                "insert into prompt_version (prompt_id, org_id, version, body, placeholders, body_sha256)
                 values ($1, $2, 99, 'hijack', '{}', 'x')",
            )
            .bind(prompt_id)
            .bind(org)
            .execute(&mut *b)
            .await,
        );
        assert!(err.contains("row-level security") || err.contains("foreign key"), "{err}");
    }
}

#[tokio::test]
async fn versions_are_immutable_even_for_their_owner_and_the_service_role() {
    let test = TestDb::new().await;
    let (prompt_id, _) = prompt_of_a(&test).await;

    let rewrite = async |conn: &mut sqlx::PgConnection| {
        message(
            sqlx::query("update prompt_version set body = 'rewritten' where prompt_id = $1")
                .bind(prompt_id)
                .execute(conn)
                .await,
        )
    };
    let err = rewrite(&mut test.db.begin_as(&USER_A.user()).await.unwrap()).await;
    assert!(err.contains("permission denied"), "{err}");
    let err = rewrite(&mut test.db.begin_service().await.unwrap()).await;
    assert!(err.contains("prompt versions are immutable"), "{err}");
}

#[tokio::test]
async fn owners_cannot_move_their_rows_to_another_organization() {
    let test = TestDb::new().await;
    let (prompt_id, _) = prompt_of_a(&test).await;
    let mut a = test.db.begin_as(&USER_A.user()).await.unwrap();
    let err = message(
        sqlx::query("update prompt set org_id = $2 where id = $1")
            .bind(prompt_id)
            .bind(USER_B.id)
            .execute(&mut *a)
            .await,
    );
    assert!(err.contains("permission denied"), "{err}");
}
