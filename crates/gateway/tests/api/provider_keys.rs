//! An organization's own provider keys: stored sealed, never shown, used for its calls instead
//! of the server's (checked by a stub OpenAI-compatible provider that sees which key each call
//! carries), and for admins of the organization only.

use axum::http::{Method, StatusCode};
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{header, method, path},
};

use platform::testing::TestUser;

use crate::support::{Options, TestApp, TestResponse, USER_A, USER_B, USER_C, env, id, team};

/// The KEK of these tests, as `PROVIDER_KEYS_KEK` takes it.
const KEK: [u8; 32] = [42; 32];

fn kek() -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(KEK)
}

/// A stub OpenAI-compatible API that answers only calls carrying `key`.
async fn answers_with(stub: &MockServer, key: &str, answer: &str, calls: u64) {
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(header("authorization", format!("Bearer {key}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "choices": [{"message": {"role": "assistant", "content": answer},
                         "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 5, "completion_tokens": 2},
        })))
        .expect(calls)
        .mount(stub)
        .await;
}

/// An app whose server calls OpenAI (at `stub`) with `sk-server`, storing own keys under
/// [`KEK`], and letting own keys point at this machine (the stub).
async fn app_with_server_key(stub: &MockServer) -> TestApp {
    let base = format!("{}/v1", stub.uri());
    TestApp::with(Options {
        env: env(&[
            ("OPENAI_API_KEY", "sk-server"),
            ("OPENAI_BASE_URL", &base),
            ("PROVIDER_KEYS_KEK", &kek()),
            ("PROVIDER_KEYS_ALLOW_PRIVATE_NETWORKS", "true"),
            ("LLM_MAX_ATTEMPTS", "1"),
        ]),
        ..Options::default()
    })
    .await
}

async fn put_key(app: &TestApp, user: TestUser, provider: &str, body: &Value) -> TestResponse {
    app.send(Method::PUT, &format!("/v1/provider-keys/{provider}"), Some(&user.token()), Some(body))
        .await
}

/// A run of `user` on `openai/gpt-4o-mini`, once it has ended.
async fn openai_run(app: &TestApp, user: TestUser) -> Value {
    let prompt = app.create_prompt(user, "Say {{word}}").await;
    let run = app
        .post(
            "/v1/runs?wait=20",
            user,
            &json!({"prompt_id": id(&prompt), "variables": {"word": "hi"},
                    "models": [{"provider": "openai", "model": "gpt-4o-mini"}]}),
        )
        .await;
    assert_eq!(run.status, StatusCode::OK, "{:?}", run.body);
    run.body
}

async fn cell_output(app: &TestApp, user: TestUser, run: &Value) -> Value {
    app.run_cells(user, id(run)).await[0]["output"].clone()
}

#[tokio::test]
async fn an_organizations_own_key_is_sealed_never_shown_and_used_for_its_calls_stub_provider() {
    let stub = MockServer::start().await;
    answers_with(&stub, "sk-org-a-secret-1234", "with A's key", 2).await;
    answers_with(&stub, "sk-server", "with the server's key", 2).await;
    let app = app_with_server_key(&stub).await;

    let stored = put_key(
        &app,
        USER_A,
        "openai",
        &json!({"api_key": "sk-org-a-secret-1234", "base_url": format!("{}/v1", stub.uri())}),
    )
    .await;
    assert_eq!(stored.status, StatusCode::OK, "{:?}", stored.body);
    assert_eq!(
        (&stored.body["provider"], &stored.body["last4"]),
        (&json!("openai"), &json!("1234"))
    );
    assert!(!stored.body.to_string().contains("secret"), "the key is never returned");

    // A's run calls with A's key; B (no key of its own) with the server's.
    assert_eq!(cell_output(&app, USER_A, &openai_run(&app, USER_A).await).await, "with A's key");
    assert_eq!(
        cell_output(&app, USER_B, &openai_run(&app, USER_B).await).await,
        "with the server's key"
    );

    // A deployment of A calls with A's key too.
    let prompt = app.create_prompt(USER_A, "Say {{word}}").await;
    let deployed = app
        .post(
            "/v1/deployments",
            USER_A,
            &json!({"name": "Say", "slug": "say", "prompt_id": id(&prompt),
                    "model": {"provider": "openai", "model": "gpt-4o-mini"}}),
        )
        .await;
    assert_eq!(deployed.status, StatusCode::CREATED, "{:?}", deployed.body);
    let executed = app.post("/v1/execute/say", USER_A, &json!({"variables": {"word": "hi"}})).await;
    assert_eq!(
        (executed.status, &executed.body["output"]),
        (StatusCode::OK, &json!("with A's key"))
    );

    // Stored sealed: the database holds no trace of the key.
    let mut admin = app.test_db.superuser().await;
    let (ciphertext, kek_id): (Vec<u8>, String) =
        sqlx::query_as("select ciphertext, kek_id from public.provider_key")
            .fetch_one(&mut admin)
            .await
            .unwrap();
    assert!(!ciphertext.windows(6).any(|w| w == b"secret"));
    assert_eq!(kek_id, providers::keyring::Keyring::new(&KEK, &[]).current_id());

    // Replaced: still one key, the new one.
    let again = put_key(
        &app,
        USER_A,
        "openai",
        &json!({"api_key": "sk-org-a-secret-5678", "base_url": format!("{}/v1", stub.uri())}),
    )
    .await;
    assert_eq!((again.status, &again.body["last4"]), (StatusCode::OK, &json!("5678")));
    assert_eq!(app.count("provider_key").await, 1);

    // The list shows it, and when it was last used.
    app.providers().flush_usage().await.unwrap();
    let listed = app.get("/v1/provider-keys", USER_A).await;
    assert_eq!(listed.status, StatusCode::OK, "{:?}", listed.body);
    let keys = listed.body.as_array().unwrap();
    assert_eq!(keys.len(), 1);
    assert!(keys[0]["last_used_at"].is_string(), "{keys:?}");
    assert!(!listed.body.to_string().contains("secret"));

    // Deleted: A's calls use the server's key again.
    let deleted = app.delete("/v1/provider-keys/openai", USER_A).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert_eq!(
        cell_output(&app, USER_A, &openai_run(&app, USER_A).await).await,
        "with the server's key"
    );
    let again = app.delete("/v1/provider-keys/openai", USER_A).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_provider_the_server_has_no_key_for_is_usable_with_the_organizations_own() {
    let app = TestApp::with_settings(&[("PROVIDER_KEYS_KEK", &kek())]).await;
    let usable = async |user| -> bool {
        let models = app.get("/v1/models", user).await.body;
        let haiku = models["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["model"] == "claude-3-5-haiku-latest")
            .cloned()
            .unwrap();
        haiku["usable"].as_bool().unwrap()
    };
    assert!(!usable(USER_A).await);
    let prompt = app.create_prompt(USER_A, "Hi").await;
    let run = json!({"prompt_id": id(&prompt),
                     "models": [{"provider": "anthropic", "model": "claude-3-5-haiku-latest"}]});
    let refused = app.post("/v1/runs?dry_run=true", USER_A, &run).await;
    assert_eq!(
        (refused.status, refused.error_fields()),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["models[0]"])
    );

    let stored = put_key(&app, USER_A, "anthropic", &json!({"api_key": "sk-ant-own"})).await;
    assert_eq!(stored.status, StatusCode::OK, "{:?}", stored.body);
    assert!(usable(USER_A).await, "A's key makes Anthropic usable for A");
    assert!(!usable(USER_B).await, "and for A only");
    // Checked as a run would be, without creating one (that would call Anthropic).
    let accepted = app.post("/v1/runs?dry_run=true", USER_A, &run).await;
    assert_eq!(accepted.status, StatusCode::OK, "{:?}", accepted.body);
    let theirs = app
        .post(
            "/v1/runs?dry_run=true",
            USER_B,
            &json!({
        "prompt_id": id(&app.create_prompt(USER_B, "Hi").await),
        "models": [{"provider": "anthropic", "model": "claude-3-5-haiku-latest"}]}),
        )
        .await;
    assert_eq!(theirs.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn keys_are_checked_and_for_admins_of_the_organization_only() {
    let app = TestApp::with_settings(&[("PROVIDER_KEYS_KEK", &kek())]).await;
    let put = async |body: Value| put_key(&app, USER_A, "openai", &body).await;
    for (body, field) in [
        (json!({"api_key": ""}), "api_key"),
        (json!({"api_key": "sk with spaces"}), "api_key"),
        (json!({"api_key": "sk-\u{0}nul"}), "api_key"),
        (json!({"api_key": "x".repeat(513)}), "api_key"),
        (json!({"api_key": "sk-1", "base_url": "http://127.0.0.1:8080/v1"}), "base_url"),
        (json!({"api_key": "sk-1", "base_url": "http://169.254.169.254/latest"}), "base_url"),
        (json!({"api_key": "sk-1", "base_url": "file:///etc/passwd"}), "base_url"),
    ] {
        let refused = put(body.clone()).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {:?}", refused.body);
        assert_eq!(refused.error_fields(), [field], "{body}");
        assert!(
            !refused.body.to_string().contains("sk-"),
            "no key in an error: {:?}",
            refused.body
        );
    }
    let unknown = put_key(&app, USER_A, "mock", &json!({"api_key": "k"})).await;
    assert_eq!(
        (unknown.status, unknown.error_fields()),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["provider"])
    );
    let extra = put(json!({"api_key": "sk-1", "scope": "all"})).await;
    assert_eq!(extra.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("provider_key").await, 0, "nothing was stored");

    // In a team: members below admin neither store nor list; a stranger does not find the team.
    let org = team(&app, USER_A, &[(USER_C, "editor")]).await;
    let editor = app
        .send_with_org(
            Method::PUT,
            "/v1/provider-keys/openai",
            &USER_C.token(),
            &org,
            Some(&json!({"api_key": "sk-1"})),
        )
        .await;
    assert_eq!((editor.status, editor.code()), (StatusCode::FORBIDDEN, "insufficient_role"));
    let listing =
        app.send_with_org(Method::GET, "/v1/provider-keys", &USER_C.token(), &org, None).await;
    assert_eq!(listing.status, StatusCode::FORBIDDEN);
    let stranger = app
        .send_with_org(
            Method::PUT,
            "/v1/provider-keys/openai",
            &USER_B.token(),
            &org,
            Some(&json!({"api_key": "sk-1"})),
        )
        .await;
    assert_eq!(stranger.status, StatusCode::NOT_FOUND);
    let stranger_models =
        app.send_with_org(Method::GET, "/v1/models", &USER_B.token(), &org, None).await;
    assert_eq!(stranger_models.status, StatusCode::NOT_FOUND);
    let owner = app
        .send_with_org(
            Method::PUT,
            "/v1/provider-keys/groq",
            &USER_A.token(),
            &org,
            Some(&json!({"api_key": "gsk-team"})),
        )
        .await;
    assert_eq!(owner.status, StatusCode::OK, "{:?}", owner.body);

    // Without a KEK, the server stores no key.
    let plain = TestApp::new().await;
    let disabled = put_key(&plain, USER_A, "openai", &json!({"api_key": "sk-1"})).await;
    assert_eq!(
        (disabled.status, disabled.code()),
        (StatusCode::SERVICE_UNAVAILABLE, "provider_keys_disabled")
    );
}

#[tokio::test]
async fn after_a_kek_rotation_keys_are_sealed_again_by_the_new_kek() {
    let app = TestApp::with_settings(&[("PROVIDER_KEYS_KEK", &kek())]).await;
    let stored = put_key(&app, USER_A, "openai", &json!({"api_key": "sk-rotate-me"})).await;
    assert_eq!(stored.status, StatusCode::OK);
    let rotated = providers::keyring::Keyring::new(&[7; 32], &[KEK]);
    let resealed = providers::own_keys::reseal_stale(&app.test_db.db, &rotated).await.unwrap();
    assert_eq!(resealed, 1);
    assert_eq!(providers::own_keys::reseal_stale(&app.test_db.db, &rotated).await.unwrap(), 0);
    let mut admin = app.test_db.superuser().await;
    let sealed: providers::keyring::Sealed =
        sqlx::query_as("select kek_id, nonce, ciphertext from public.provider_key")
            .fetch_one(&mut admin)
            .await
            .unwrap();
    assert_eq!(sealed.kek_id, rotated.current_id());
    let org = platform::OrgId(USER_A.id);
    let opened =
        providers::keyring::Keyring::new(&[7; 32], &[]).open(org, "openai", &sealed).unwrap();
    assert_eq!(opened.expose_secret(), "sk-rotate-me", "the new KEK alone opens it");
}
