//! Storage backends. Supabase Storage cannot run here, so its HTTP contract is checked against a
//! local stub (wiremock) that verifies the exact requests we send; the local folder backend is
//! exercised for real.

use std::io::Write;

use futures::TryStreamExt;
use platform::{
    User,
    storage::{LocalStorage, ObjectFile, Storage, StorageError, SupabaseStorage},
    testing::USER_A,
};
use secrecy::ExposeSecret;
use serde_json::json;
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{body_bytes, body_json, header, method, path},
};

const ANON_KEY: &str = "anon-key-for-tests";
const KEY: &str = "a11ce000-0000-4000-8000-00000000000a/0b6f2a4e/my data (v2).csv";
const ENCODED: &str = "/storage/v1/object/datasets/a11ce000-0000-4000-8000-00000000000a/0b6f2a4e/my%20data%20(v2).csv";

fn spooled(contents: &[u8]) -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(contents).unwrap();
    file
}

fn supabase(server: &MockServer) -> SupabaseStorage {
    SupabaseStorage::new(
        &format!("{}/storage/v1", server.uri()).parse().unwrap(),
        "datasets",
        ANON_KEY.into(),
        reqwest::Client::new(),
    )
}

/// `Bearer <the token user came with>`: what Storage must receive (minting again could change
/// the token's timestamps).
fn bearer(user: &User) -> String {
    format!("Bearer {}", user.bearer_token().expect("a verified user").expose_secret())
}

async fn collect(storage: &dyn Storage, user: &User, key: &str) -> Result<Vec<u8>, StorageError> {
    let stream = storage.get(user, key).await?;
    let chunks: Vec<bytes::Bytes> = stream.try_collect().await?;
    Ok(chunks.concat())
}

#[tokio::test]
async fn supabase_storage_stub_receives_the_users_token_the_anon_key_and_the_exact_bytes() {
    let server = MockServer::start().await;
    let user = USER_A.verified().await;
    let contents = b"question,expected\nwhy?,because\n";
    Mock::given(method("POST"))
        .and(path(ENCODED))
        .and(header("authorization", bearer(&user).as_str()))
        .and(header("apikey", ANON_KEY))
        .and(header("content-type", "text/csv"))
        .and(header("x-upsert", "false"))
        .and(header("content-length", contents.len().to_string().as_str()))
        .and(body_bytes(contents.to_vec()))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"Id": "x", "Key": "datasets/k"})),
        )
        .expect(1)
        .mount(&server)
        .await;

    let file = spooled(contents);
    let object =
        ObjectFile { path: file.path(), size: contents.len() as u64, content_type: "text/csv" };
    supabase(&server).put(&user, KEY, object).await.unwrap();
}

#[tokio::test]
async fn supabase_storage_stub_download_streams_the_authenticated_object() {
    let server = MockServer::start().await;
    let user = USER_A.verified().await;
    Mock::given(method("GET"))
        .and(path(ENCODED.replace("/object/", "/object/authenticated/")))
        .and(header("authorization", bearer(&user).as_str()))
        .and(header("apikey", ANON_KEY))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(b"the original bytes".to_vec()))
        .mount(&server)
        .await;
    assert_eq!(collect(&supabase(&server), &user, KEY).await.unwrap(), b"the original bytes");
}

#[tokio::test]
async fn supabase_storage_stub_receives_delete_with_prefixes() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/storage/v1/object/datasets"))
        .and(header("apikey", ANON_KEY))
        .and(body_json(json!({"prefixes": [KEY]})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .expect(1)
        .mount(&server)
        .await;
    let user = USER_A.verified().await;
    supabase(&server).delete(&user, &[KEY.to_owned()]).await.unwrap();
}

#[tokio::test]
async fn supabase_storage_stub_errors_are_read_from_the_body_not_the_http_status() {
    // (HTTP status, the body's statusCode, code, error, message, the error expected)
    #[rustfmt::skip]
    let cases = [
        (400, "404", "NoSuchKey", "not_found", "Object not found", "NotFound"),
        (400, "409", "KeyAlreadyExists", "Duplicate", "The resource already exists", "AlreadyExists"),
        (400, "403", "AccessDenied", "Unauthorized", "new row violates row-level security policy", "Forbidden"),
        (400, "413", "EntityTooLarge", "Payload too large", "too big", "TooLarge"),
        (400, "429", "SlowDown", "too_many_connections", "slow down", "Unavailable"),
        (500, "500", "InternalError", "InternalError", "Internal server error", "Unavailable"),
        (400, "415", "InvalidMimeType", "invalid_mime_type", "mime type text/csv is not supported", "Rejected"),
    ];
    let user = USER_A.verified().await;
    for (status, status_code, code, error, message, expected) in cases {
        let body =
            json!({"statusCode": status_code, "code": code, "error": error, "message": message});
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(status).set_body_json(body.clone()))
            .mount(&server)
            .await;
        let file = spooled(b"x");
        let object = ObjectFile { path: file.path(), size: 1, content_type: "text/csv" };
        let err = supabase(&server).put(&user, KEY, object).await.unwrap_err();
        assert!(format!("{err:?}").starts_with(expected), "{body}: {err:?}");
    }
}

#[tokio::test]
async fn an_unreachable_supabase_is_unavailable() {
    // A port nobody listens on (wiremock keeps dropped servers alive in a pool).
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("http://127.0.0.1:{port}/storage/v1").parse().unwrap();
    let storage = SupabaseStorage::new(&url, "datasets", ANON_KEY.into(), reqwest::Client::new());
    let err = collect(&storage, &USER_A.verified().await, KEY).await.unwrap_err();
    assert!(matches!(err, StorageError::Unavailable(_)), "{err:?}");
}

#[tokio::test]
async fn local_storage_round_trips_refuses_overwrites_and_tidies_up() {
    let root = tempfile::tempdir().unwrap();
    let storage = LocalStorage::new(root.path());
    let user = USER_A.verified().await;
    let file = spooled(b"a,b\n1,2\n");
    let object = ObjectFile { path: file.path(), size: 8, content_type: "text/csv" };

    storage.put(&user, KEY, object).await.unwrap();
    assert_eq!(collect(&storage, &user, KEY).await.unwrap(), b"a,b\n1,2\n");
    assert!(matches!(storage.put(&user, KEY, object).await, Err(StorageError::AlreadyExists)));

    storage.delete(&user, &[KEY.to_owned(), "missing/key".to_owned()]).await.unwrap();
    assert!(matches!(collect(&storage, &user, KEY).await, Err(StorageError::NotFound)));
    assert_eq!(std::fs::read_dir(root.path()).unwrap().count(), 0, "empty folders removed");

    for bad in ["../escape", "/etc/passwd", "a/../../b", ""] {
        assert!(storage.put(&user, bad, object).await.is_err(), "{bad}");
    }
}
