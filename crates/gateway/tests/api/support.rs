//! `TestApp`: the application router over a fresh database, and helpers to call it as a user.

use axum::{
    Router,
    body::Body,
    http::{HeaderMap, Method, Request, StatusCode, header},
};
use gateway::{
    app::{self, CorsOrigins},
    state::{App, AppState},
};
use http_body_util::BodyExt;
use platform::{
    JwtVerifier,
    auth::VerifierConfig,
    testing::{self, TestDb, TestUser},
};
use serde_json::Value;
use tower::ServiceExt;

pub use platform::testing::{USER_A, USER_B};

pub struct TestApp {
    router: Router,
    pub test_db: TestDb,
}

#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub raw: Vec<u8>,
}

impl TestResponse {
    /// The `code` of a problem response.
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or_else(|| panic!("not a problem: {self:?}"))
    }

    /// The `field` of every entry of a problem's `errors`.
    pub fn error_fields(&self) -> Vec<&str> {
        self.body["errors"].as_array().map_or_else(Vec::new, |errors| {
            errors.iter().map(|e| e["field"].as_str().unwrap()).collect()
        })
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl TestApp {
    pub async fn new() -> Self {
        let test_db = TestDb::new().await;
        let verifier = JwtVerifier::new(
            VerifierConfig { hs256_secret: Some(testing::jwt_secret()), ..Default::default() },
            reqwest::Client::new(),
        );
        let state = AppState::new(App { db: test_db.db.clone(), verifier });
        Self { router: app::router(state, &CorsOrigins::None), test_db }
    }

    /// Sends a request with `token` (if any) and a JSON `body` (if any).
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> TestResponse {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let request = match body {
            Some(body) => request
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string())),
            None => request.body(Body::empty()),
        };
        self.call(request.unwrap()).await
    }

    pub async fn call(&self, request: Request<Body>) -> TestResponse {
        let response = self.router.clone().oneshot(request).await.unwrap();
        into_test_response(response).await
    }

    pub async fn get(&self, path: &str, user: TestUser) -> TestResponse {
        self.send(Method::GET, path, Some(&user.token()), None).await
    }

    pub async fn post(&self, path: &str, user: TestUser, body: &Value) -> TestResponse {
        self.send(Method::POST, path, Some(&user.token()), Some(body)).await
    }

    pub async fn patch(&self, path: &str, user: TestUser, body: &Value) -> TestResponse {
        self.send(Method::PATCH, path, Some(&user.token()), Some(body)).await
    }

    pub async fn delete(&self, path: &str, user: TestUser) -> TestResponse {
        self.send(Method::DELETE, path, Some(&user.token()), None).await
    }
}

pub async fn into_test_response(response: axum::response::Response) -> TestResponse {
    let status = response.status();
    let headers = response.headers().clone();
    let raw = response.into_body().collect().await.unwrap().to_bytes().to_vec();
    let body = serde_json::from_slice(&raw).unwrap_or(Value::Null);
    TestResponse { status, headers, body, raw }
}
