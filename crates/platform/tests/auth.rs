//! Token verification: HS256 with the project secret, ES256 and RS256 against a JWKS served by a
//! local stub of Supabase Auth's `/.well-known/jwks.json` (wiremock), and every rejection case.

use std::time::Duration;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use platform::auth::{AccessTokenClaims, AuthError, JwtVerifier, VerifierConfig, mint_hs256};
use serde_json::{Value, json};
use uuid::Uuid;
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{method, path},
};

const SECRET: &str = "super-secret-jwt-token-with-at-least-32-characters-long";
const JWKS_PATH: &str = "/auth/v1/.well-known/jwks.json";

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR")))
        .unwrap()
}

fn jwk(kid: &str) -> Value {
    serde_json::from_str(&fixture(&format!("{kid}.jwk.json"))).unwrap()
}

fn user_claims() -> Value {
    serde_json::to_value(AccessTokenClaims::user(
        Uuid::new_v4(),
        Some("ada@example.test".into()),
        None,
        Duration::from_secs(3600),
    ))
    .unwrap()
}

fn with(mut claims: Value, changes: Value) -> Value {
    for (k, v) in changes.as_object().unwrap() {
        claims[k] = v.clone();
    }
    claims
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn hs256(claims: &Value) -> String {
    mint_hs256(&SECRET.into(), claims)
}

fn signed(alg: Algorithm, kid: &str, claims: &Value) -> String {
    signed_as(alg, kid, kid, claims)
}

/// Signed with the fixture key `key_file`, announcing `kid` in the header.
fn signed_as(alg: Algorithm, key_file: &str, kid: &str, claims: &Value) -> String {
    let pem = fixture(&format!("{key_file}.pem"));
    let key = match alg {
        Algorithm::ES256 => EncodingKey::from_ec_pem(pem.as_bytes()).unwrap(),
        Algorithm::RS256 => EncodingKey::from_rsa_pem(pem.as_bytes()).unwrap(),
        _ => unreachable!(),
    };
    let mut header = Header::new(alg);
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(&header, claims, &key).unwrap()
}

fn hs256_verifier() -> JwtVerifier {
    let config = VerifierConfig { hs256_secret: Some(SECRET.into()), ..Default::default() };
    JwtVerifier::new(config, reqwest::Client::new())
}

async fn jwks_server(kids: &[&str]) -> MockServer {
    let server = MockServer::start().await;
    serve_keys(&server, kids).await;
    server
}

async fn serve_keys(server: &MockServer, kids: &[&str]) {
    server.reset().await;
    let keys: Vec<Value> = kids.iter().map(|kid| jwk(kid)).collect();
    Mock::given(method("GET"))
        .and(path(JWKS_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "keys": keys })))
        .mount(server)
        .await;
}

fn jwks_verifier(server: &MockServer, secret: Option<&str>) -> JwtVerifier {
    let config = VerifierConfig {
        hs256_secret: secret.map(Into::into),
        jwks_url: Some(format!("{}{JWKS_PATH}", server.uri()).parse().unwrap()),
        issuer: None,
    };
    JwtVerifier::new(config, reqwest::Client::new())
}

async fn jwks_requests(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

#[tokio::test]
async fn hs256_user_token_is_accepted_with_its_identity() {
    let claims = user_claims();
    let user = hs256_verifier().verify(&hs256(&claims)).await.unwrap();
    assert_eq!(user.id().to_string(), claims["sub"]);
    assert_eq!(user.email(), Some("ada@example.test"));
    let forwarded: Value = serde_json::from_str(user.claims_json()).unwrap();
    assert_eq!(forwarded, claims, "request.jwt.claims carries the verified claims unchanged");
}

#[tokio::test]
async fn es256_and_rs256_tokens_verify_against_a_jwks_stub() {
    let server = jwks_server(&["ec-key-1", "rsa-key-1"]).await;
    let verifier = jwks_verifier(&server, None);
    let claims = user_claims();
    for (alg, kid) in [(Algorithm::ES256, "ec-key-1"), (Algorithm::RS256, "rsa-key-1")] {
        let user = verifier.verify(&signed(alg, kid, &claims)).await.unwrap();
        assert_eq!(user.id().to_string(), claims["sub"]);
    }
    assert_eq!(jwks_requests(&server).await, 1, "the key set is cached");
}

#[tokio::test]
async fn a_rotated_key_is_fetched_once_from_the_jwks_stub_and_unknown_kids_do_not_hammer_it() {
    let server = jwks_server(&["ec-key-1"]).await;
    let verifier = jwks_verifier(&server, None);
    let claims = user_claims();
    verifier.verify(&signed(Algorithm::ES256, "ec-key-1", &claims)).await.unwrap();

    // Supabase rotates: the new key appears in the JWKS and new tokens carry its kid.
    serve_keys(&server, &["ec-key-1", "ec-key-2"]).await;
    let rotated = signed(Algorithm::ES256, "ec-key-2", &claims);
    // The first fetch was just now: within the cooldown an unknown kid is refused without asking.
    assert!(matches!(verifier.verify(&rotated).await, Err(AuthError::UnknownKey)));
    assert_eq!(jwks_requests(&server).await, 0);

    // A verifier whose last fetch is older than the cooldown refetches once and accepts it.
    let fresh = jwks_verifier(&server, None);
    fresh.verify(&rotated).await.unwrap();
    for _ in 0..5 {
        let forged_kid = signed_as(Algorithm::ES256, "ec-key-1", "made-up", &claims);
        assert!(matches!(fresh.verify(&forged_kid).await, Err(AuthError::UnknownKey)));
    }
    assert_eq!(
        jwks_requests(&server).await,
        1,
        "one fetch for the rotation, none for made-up kids"
    );
}

#[tokio::test]
async fn a_failing_jwks_stub_is_a_temporary_failure() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(JWKS_PATH))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let verifier = jwks_verifier(&server, None);
    let token = signed(Algorithm::ES256, "ec-key-1", &user_claims());
    assert!(matches!(verifier.verify(&token).await, Err(AuthError::KeysUnavailable)));
}

#[tokio::test]
async fn a_tampered_payload_or_signature_is_refused() {
    let verifier = hs256_verifier();
    let token = hs256(&user_claims());
    let (header_payload, signature) = token.rsplit_once('.').unwrap();
    let (header, _) = header_payload.split_once('.').unwrap();

    let other_payload = URL_SAFE_NO_PAD
        .encode(serde_json::to_vec(&with(user_claims(), json!({"sub": Uuid::new_v4()}))).unwrap());
    let swapped = format!("{header}.{other_payload}.{signature}");
    assert!(matches!(verifier.verify(&swapped).await, Err(AuthError::BadSignature)));

    let flipped = format!("{header_payload}.{}", signature.replace(&signature[..4], "AAAA"));
    assert!(matches!(verifier.verify(&flipped).await, Err(AuthError::BadSignature)));

    let wrong_secret =
        mint_hs256(&"another-secret-of-at-least-32-characters!".into(), &user_claims());
    assert!(matches!(verifier.verify(&wrong_secret).await, Err(AuthError::BadSignature)));
}

#[tokio::test]
async fn alg_none_and_garbage_are_malformed() {
    let verifier = hs256_verifier();
    let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&user_claims()).unwrap());
    for token in [format!("{header}.{payload}."), format!("{header}.{payload}"), "garbage".into()] {
        assert!(matches!(verifier.verify(&token).await, Err(AuthError::Malformed)), "{token}");
    }
}

#[tokio::test]
async fn a_public_key_from_the_jwks_stub_is_never_used_as_an_hmac_secret() {
    let server = jwks_server(&["ec-key-1"]).await;
    let public_jwk = jwk("ec-key-1").to_string();
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some("ec-key-1".into());
    let forged = jsonwebtoken::encode(
        &header,
        &user_claims(),
        &EncodingKey::from_secret(public_jwk.as_bytes()),
    )
    .unwrap();

    let jwks_only = jwks_verifier(&server, None);
    assert!(matches!(jwks_only.verify(&forged).await, Err(AuthError::UnsupportedAlgorithm(_))));
    let both = jwks_verifier(&server, Some(SECRET));
    assert!(matches!(both.verify(&forged).await, Err(AuthError::BadSignature)));
}

#[tokio::test]
async fn an_es256_token_cannot_claim_an_rsa_key_of_the_jwks_stub() {
    let server = jwks_server(&["ec-key-1", "rsa-key-1"]).await;
    let verifier = jwks_verifier(&server, None);
    let mut header = Header::new(Algorithm::ES256);
    header.kid = Some("rsa-key-1".into());
    let key = EncodingKey::from_ec_pem(fixture("ec-key-1.pem").as_bytes()).unwrap();
    let token = jsonwebtoken::encode(&header, &user_claims(), &key).unwrap();
    assert!(matches!(verifier.verify(&token).await, Err(AuthError::UnsupportedAlgorithm(_))));
}

#[tokio::test]
async fn expiry_and_not_before_allow_thirty_seconds_of_clock_skew() {
    let verifier = hs256_verifier();
    let check = async |changes: Value| verifier.verify(&hs256(&with(user_claims(), changes))).await;

    assert!(matches!(check(json!({"exp": now() - 120})).await, Err(AuthError::Expired)));
    assert!(check(json!({"exp": now() - 10})).await.is_ok());
    assert!(matches!(check(json!({"nbf": now() + 120})).await, Err(AuthError::NotYetValid)));
    assert!(check(json!({"nbf": now() + 10})).await.is_ok());
    let no_exp = user_claims().as_object().unwrap().clone().into_iter().filter(|(k, _)| k != "exp");
    let no_exp = Value::Object(no_exp.collect());
    assert!(matches!(verifier.verify(&hs256(&no_exp)).await, Err(AuthError::Malformed)));
}

#[tokio::test]
async fn audience_issuer_and_subject_are_checked() {
    let verifier = hs256_verifier();
    let check = async |verifier: &JwtVerifier, changes: Value| {
        verifier.verify(&hs256(&with(user_claims(), changes))).await
    };

    assert!(matches!(
        check(&verifier, json!({"aud": "anon"})).await,
        Err(AuthError::WrongAudience)
    ));
    assert!(check(&verifier, json!({"aud": ["other", "authenticated"]})).await.is_ok());
    assert!(matches!(
        check(&verifier, json!({"sub": "admin"})).await,
        Err(AuthError::InvalidSubject)
    ));

    let issuer = "https://project.supabase.co/auth/v1";
    let strict = JwtVerifier::new(
        VerifierConfig {
            hs256_secret: Some(SECRET.into()),
            jwks_url: None,
            issuer: Some(issuer.into()),
        },
        reqwest::Client::new(),
    );
    assert!(check(&strict, json!({"iss": issuer})).await.is_ok());
    let wrong = check(&strict, json!({"iss": "https://evil.example/auth/v1"})).await;
    assert!(matches!(wrong, Err(AuthError::WrongIssuer)));
    assert!(matches!(check(&strict, json!({})).await, Err(AuthError::WrongIssuer)), "missing iss");
}

#[tokio::test]
async fn the_anon_key_and_service_role_key_are_forbidden_not_invalid() {
    let verifier = hs256_verifier();
    // Shaped like Supabase's legacy API keys: no sub, no aud.
    for role in ["anon", "service_role"] {
        let key = hs256(&json!({"iss": "supabase", "ref": "abcdef", "role": role,
                                "iat": now(), "exp": now() + 3600}));
        match verifier.verify(&key).await {
            Err(AuthError::ForbiddenRole(r)) => assert_eq!(r, role),
            other => panic!("{role}: {other:?}"),
        }
    }
}
