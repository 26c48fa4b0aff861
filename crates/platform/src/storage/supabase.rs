//! Supabase Storage over HTTP (the storage-api behind `<SUPABASE_URL>/storage/v1`).
//!
//! Every call carries the user's own access token (`Authorization: Bearer`), so Storage's RLS
//! policies on `storage.objects` decide, and the project's anon key as `apikey` (required by the
//! API gateway in front of Storage on hosted projects). Storage answers most errors with HTTP
//! 400 and the real status in the body (`{"statusCode": "404", "code": "NoSuchKey", ...}`).

use std::time::Duration;

use futures::TryStreamExt;
use reqwest::{Method, RequestBuilder, Response, StatusCode, header};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use tokio_util::io::ReaderStream;
use url::Url;

use super::{ByteStream, ObjectFile, Storage, StorageError};
use crate::User;

/// Uploads of up to 50 MiB over a slow link still fit.
const TRANSFER_TIMEOUT: Duration = Duration::from_secs(300);
const CALL_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, Clone)]
pub struct SupabaseStorage {
    /// The Storage API, e.g. `<SUPABASE_URL>/storage/v1/`.
    base: Url,
    bucket: String,
    anon_key: SecretString,
    http: reqwest::Client,
}

impl SupabaseStorage {
    /// `storage_url` is where the Storage API answers: `<SUPABASE_URL>/storage/v1` behind
    /// Supabase's gateway, or the storage service itself (`http://storage:5000`).
    pub fn new(
        storage_url: &Url,
        bucket: &str,
        anon_key: SecretString,
        http: reqwest::Client,
    ) -> Self {
        Self { base: storage_url.clone(), bucket: bucket.to_owned(), anon_key, http }
    }

    /// `<base>/object/<prefix...>/<bucket>/<key>`, each segment percent-encoded.
    fn object_url(&self, prefix: &[&str], key: Option<&str>) -> Url {
        let mut url = self.base.clone();
        {
            let mut segments = url.path_segments_mut().expect("http(s) URL");
            segments.pop_if_empty().push("object").extend(prefix).push(&self.bucket);
            if let Some(key) = key {
                segments.extend(key.split('/'));
            }
        }
        url
    }

    fn request(
        &self,
        user: &User,
        method: Method,
        url: Url,
    ) -> Result<RequestBuilder, StorageError> {
        let token = user
            .bearer_token()
            .ok_or_else(|| StorageError::Forbidden("no user token to act with".into()))?;
        Ok(self
            .http
            .request(method, url)
            .bearer_auth(token.expose_secret())
            .header("apikey", self.anon_key.expose_secret()))
    }
}

#[async_trait::async_trait]
impl Storage for SupabaseStorage {
    async fn put(&self, user: &User, key: &str, file: ObjectFile<'_>) -> Result<(), StorageError> {
        let body = tokio::fs::File::open(file.path).await?;
        let response = self
            .request(user, Method::POST, self.object_url(&[], Some(key)))?
            .header(header::CONTENT_TYPE, file.content_type)
            .header(header::CONTENT_LENGTH, file.size)
            .header(header::CACHE_CONTROL, "no-cache")
            .header("x-upsert", "false")
            .timeout(TRANSFER_TIMEOUT)
            .body(reqwest::Body::wrap_stream(ReaderStream::new(body)))
            .send()
            .await
            .map_err(unavailable)?;
        check(response).await.map(drop)
    }

    async fn get(&self, user: &User, key: &str) -> Result<ByteStream, StorageError> {
        let response = self
            .request(user, Method::GET, self.object_url(&["authenticated"], Some(key)))?
            .timeout(TRANSFER_TIMEOUT)
            .send()
            .await
            .map_err(unavailable)?;
        let response = check(response).await?;
        Ok(Box::pin(response.bytes_stream().map_err(std::io::Error::other)))
    }

    async fn delete(&self, user: &User, keys: &[String]) -> Result<(), StorageError> {
        if keys.is_empty() {
            return Ok(());
        }
        let response = self
            .request(user, Method::DELETE, self.object_url(&[], None))?
            .json(&serde_json::json!({ "prefixes": keys }))
            .timeout(CALL_TIMEOUT)
            .send()
            .await
            .map_err(unavailable)?;
        check(response).await.map(drop)
    }
}

fn unavailable(err: reqwest::Error) -> StorageError {
    StorageError::Unavailable(err.without_url().to_string())
}

/// Storage's error body (`src/internal/errors/storage-error.ts` in supabase/storage).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ErrorBody {
    #[serde(default)]
    status_code: Option<String>,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

async fn check(response: Response) -> Result<Response, StorageError> {
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let body: ErrorBody = response.json().await.unwrap_or_default();
    let code = body.code.or(body.error).unwrap_or_else(|| status.as_str().to_owned());
    let message = body.message.unwrap_or_else(|| status.to_string());
    // The HTTP status is mostly 400; the body's statusCode is the real one.
    let real_status = body
        .status_code
        .and_then(|s| s.parse::<u16>().ok())
        .and_then(|s| StatusCode::from_u16(s).ok());
    Err(match (real_status.unwrap_or(status), code.as_str()) {
        (_, "NoSuchKey" | "NoSuchBucket") | (StatusCode::NOT_FOUND, _) => StorageError::NotFound,
        (_, "KeyAlreadyExists" | "ResourceAlreadyExists") | (StatusCode::CONFLICT, _) => {
            StorageError::AlreadyExists
        }
        (_, "EntityTooLarge") | (StatusCode::PAYLOAD_TOO_LARGE, _) => StorageError::TooLarge,
        (_, "AccessDenied" | "InvalidJWT")
        | (StatusCode::FORBIDDEN | StatusCode::UNAUTHORIZED, _) => StorageError::Forbidden(message),
        (s, _) if s.is_server_error() || s == StatusCode::TOO_MANY_REQUESTS => {
            StorageError::Unavailable(format!("{code}: {message}"))
        }
        _ => StorageError::Rejected { code, message },
    })
}
