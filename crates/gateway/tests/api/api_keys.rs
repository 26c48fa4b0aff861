//! API keys: made by an organization's admins, shown once, reading that organization only, never
//! writing, refused the moment they are revoked or expire.

use std::time::Duration;

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestApp, TestResponse, USER_A, USER_B, id, item_field, questions, team};

/// What a server with `key` would get.
async fn with_key(app: &TestApp, method: Method, path: &str, key: &str) -> TestResponse {
    let body = (method != Method::GET && method != Method::DELETE).then(|| json!({"name": "x"}));
    app.send(method, path, Some(key), body.as_ref()).await
}

async fn make_key(app: &TestApp, org: &str, scopes: Value) -> Value {
    let created = app
        .in_org(USER_A, org)
        .post("/v1/api-keys", &json!({"name": "Production backend", "scopes": scopes}))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    created.body
}

fn key(created: &Value) -> &str {
    created["key"].as_str().unwrap()
}

#[tokio::test]
async fn an_admin_makes_a_key_that_is_shown_once_and_reads_its_organization_only() {
    let app = TestApp::new().await;
    let org = team(&app, USER_A, &[(USER_B, "editor")]).await;
    let team_prompt = app.in_org(USER_A, &org).create_prompt("Team {{x}}").await.body;
    let personal_prompt = app.create_prompt(USER_A, "Mine {{x}}").await;
    let dataset = app.in_org(USER_A, &org).upload_csv(&questions(1)).await.body;

    let by_editor = app
        .in_org(USER_B, &org)
        .post("/v1/api-keys", &json!({"name": "mine", "scopes": ["read"]}))
        .await;
    assert_eq!((by_editor.status, by_editor.code()), (StatusCode::FORBIDDEN, "insufficient_role"));

    let created = make_key(&app, &org, json!(["read", "read"])).await;
    let secret = key(&created);
    let random = secret.strip_prefix("pr_live_").unwrap();
    assert!(random.len() >= 32 && random.bytes().all(|c| c.is_ascii_alphanumeric()), "{secret}");
    assert_eq!(created["scopes"], json!(["read"]));
    assert!(secret.starts_with(created["prefix"].as_str().unwrap()));
    let listed = app.in_org(USER_A, &org).get("/v1/api-keys").await;
    assert_eq!(item_field(&listed.body, "prefix"), [created["prefix"].clone()]);
    assert!(!listed.raw.windows(random.len()).any(|w| w == random.as_bytes()), "shown once");
    let mut admin = app.test_db.superuser().await;
    let stored: String = sqlx::query_scalar("select row_to_json(k)::text from public.api_key k")
        .fetch_one(&mut admin)
        .await
        .unwrap();
    assert!(!stored.contains(random), "only a hash is stored");

    // It reads its organization's prompts, datasets and runs.
    let prompts = with_key(&app, Method::GET, "/v1/prompts", secret).await;
    assert_eq!(item_field(&prompts.body, "id"), [json!(id(&team_prompt))]);
    for path in
        [format!("/v1/prompts/{}", id(&team_prompt)), format!("/v1/datasets/{}", id(&dataset))]
    {
        assert_eq!(
            with_key(&app, Method::GET, &path, secret).await.status,
            StatusCode::OK,
            "{path}"
        );
    }
    // Nothing of any other organization, whatever it asks.
    let other =
        with_key(&app, Method::GET, &format!("/v1/prompts/{}", id(&personal_prompt)), secret).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    let personal =
        app.send_with_org(Method::GET, "/v1/prompts", secret, &USER_A.id.to_string(), None).await;
    assert_eq!((personal.status, personal.code()), (StatusCode::NOT_FOUND, "org_not_found"));

    // Never a write, never management, never Storage.
    for (method, path) in [
        (Method::POST, "/v1/prompts".to_owned()),
        (Method::PATCH, format!("/v1/prompts/{}", id(&team_prompt))),
        (Method::DELETE, format!("/v1/datasets/{}", id(&dataset))),
        (Method::GET, "/v1/orgs".to_owned()),
        (Method::GET, format!("/v1/orgs/{org}/members")),
        (Method::GET, "/v1/api-keys".to_owned()),
        (Method::POST, "/v1/api-keys".to_owned()),
        (Method::GET, format!("/v1/datasets/{}/file", id(&dataset))),
    ] {
        let refused = with_key(&app, method.clone(), &path, secret).await;
        assert_eq!(
            (refused.status, refused.code()),
            (StatusCode::FORBIDDEN, "api_key_not_allowed"),
            "{method} {path}"
        );
    }
    assert_eq!(app.count("prompt").await, 2);
}

#[tokio::test]
async fn a_revoked_or_expired_key_stops_at_once_and_a_key_keeps_to_its_scopes() {
    let app = TestApp::new().await;
    let org = team(&app, USER_A, &[]).await;
    app.in_org(USER_A, &org).create_prompt("Team {{x}}").await;
    let revoked = make_key(&app, &org, json!(["read"])).await;
    let expired = make_key(&app, &org, json!(["read"])).await;
    let execute_only = make_key(&app, &org, json!(["execute"])).await;
    for created in [&revoked, &expired] {
        assert_eq!(
            with_key(&app, Method::GET, "/v1/prompts", key(created)).await.status,
            StatusCode::OK
        );
    }

    let revoke = app.delete(&format!("/v1/api-keys/{}", id(&revoked)), USER_A).await;
    assert_eq!(revoke.status, StatusCode::NO_CONTENT);
    // The database checks the key at every statement: nothing more is read with it, even while
    // the gateway still remembers the key (for at most a second).
    let at_once = with_key(&app, Method::GET, "/v1/prompts", key(&revoked)).await;
    assert_ne!(at_once.status, StatusCode::OK, "{:?}", at_once.body);
    let mut admin = app.test_db.superuser().await;
    sqlx::query(
        "update public.api_key set expires_at = now() - interval '1 second' where id = $1::uuid",
    )
    .bind(id(&expired))
    .execute(&mut admin)
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    for created in [&revoked, &expired] {
        let refused = with_key(&app, Method::GET, "/v1/prompts", key(created)).await;
        assert_eq!((refused.status, refused.code()), (StatusCode::UNAUTHORIZED, "invalid_api_key"));
    }
    let listed = app.in_org(USER_A, &org).get("/v1/api-keys").await;
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 2, "the revoked one is gone");

    let no_read = with_key(&app, Method::GET, "/v1/prompts", key(&execute_only)).await;
    assert_eq!((no_read.status, no_read.code()), (StatusCode::FORBIDDEN, "insufficient_scope"));
    let forged = with_key(
        &app,
        Method::GET,
        "/v1/prompts",
        "pr_live_0000000000000000000000000000000000000000",
    )
    .await;
    assert_eq!((forged.status, forged.code()), (StatusCode::UNAUTHORIZED, "invalid_api_key"));

    for bad in [
        json!({"name": "k", "scopes": []}),
        json!({"name": "k", "scopes": ["write"]}),
        json!({"name": "k", "scopes": ["read"], "expires_at": "2020-01-01T00:00:00Z"}),
        json!({"name": "", "scopes": ["read"]}),
    ] {
        let refused = app.in_org(USER_A, &org).post("/v1/api-keys", &bad).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {:?}", refused.body);
    }
    let missing = app.delete(&format!("/v1/api-keys/{}", id(&revoked)), USER_A).await;
    assert_eq!((missing.status, missing.code()), (StatusCode::NOT_FOUND, "api_key_not_found"));
    let by_stranger = app.delete(&format!("/v1/api-keys/{}", id(&expired)), USER_B).await;
    assert_eq!(by_stranger.status, StatusCode::NOT_FOUND, "another organization's key is a 404");
}
