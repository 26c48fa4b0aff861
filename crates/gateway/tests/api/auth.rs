//! Bearer tokens at the HTTP edge: every rejection is a problem with a stable code.

use std::time::Duration;

use axum::http::{Method, StatusCode};
use platform::{
    auth::{AccessTokenClaims, mint_hs256},
    testing::jwt_secret,
};
use serde_json::json;
use uuid::Uuid;

use crate::support::{TestApp, USER_A};

fn token_for(claims: &serde_json::Value) -> String {
    mint_hs256(&jwt_secret(), claims)
}

#[tokio::test]
async fn requests_without_a_valid_user_token_are_refused() {
    let app = TestApp::new().await;
    let now = chrono::Utc::now().timestamp();
    let mut expired =
        serde_json::to_value(AccessTokenClaims::user(USER_A.id, None, None, Duration::ZERO))
            .unwrap();
    expired["exp"] = json!(now - 3600);
    let anon_key =
        json!({"iss": "supabase", "ref": "local", "role": "anon", "iat": now, "exp": now + 3600});

    let cases: [(Option<String>, StatusCode, &str); 5] = [
        (None, StatusCode::UNAUTHORIZED, "missing_token"),
        (Some("not.a.jwt".into()), StatusCode::UNAUTHORIZED, "invalid_token"),
        (
            Some(mint_hs256(
                &"another-secret-with-at-least-32-characters".into(),
                &json!({"sub": USER_A.id, "role": "authenticated", "aud": "authenticated", "exp": now + 60}),
            )),
            StatusCode::UNAUTHORIZED,
            "invalid_token",
        ),
        (Some(token_for(&expired)), StatusCode::UNAUTHORIZED, "token_expired"),
        (Some(token_for(&anon_key)), StatusCode::FORBIDDEN, "forbidden_role"),
    ];
    for (token, status, code) in cases {
        let response = app.send(Method::GET, "/v1/prompts", token.as_deref(), None).await;
        assert_eq!((response.status, response.code()), (status, code), "{:?}", response.body);
        assert_eq!(response.header("content-type"), Some("application/problem+json"));
        if status == StatusCode::UNAUTHORIZED {
            assert_eq!(response.header("www-authenticate"), Some("Bearer"));
        }
    }
}

#[tokio::test]
async fn the_bearer_scheme_is_case_insensitive() {
    let app = TestApp::new().await;
    let request = axum::http::Request::builder()
        .uri("/v1/prompts")
        .header("authorization", format!("bearer {}", USER_A.token()))
        .body(axum::body::Body::empty())
        .unwrap();
    assert_eq!(app.call(request).await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_valid_token_for_a_user_missing_from_auth_users_cannot_write() {
    let app = TestApp::new().await;
    let ghost = AccessTokenClaims::user(Uuid::new_v4(), None, None, Duration::from_secs(60));
    let token = mint_hs256(&jwt_secret(), &ghost);

    let list = app.send(Method::GET, "/v1/prompts", Some(&token), None).await;
    assert_eq!(list.status, StatusCode::OK);
    let body = json!({"name": "n", "kind": "generator", "body": "b"});
    let create = app.send(Method::POST, "/v1/prompts", Some(&token), Some(&body)).await;
    assert_eq!((create.status, create.code()), (StatusCode::UNAUTHORIZED, "unknown_user"));
}
