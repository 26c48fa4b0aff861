//! Our own extractors, so that a bad body, path, query or token gets a problem+json answer with
//! field-level `errors` instead of axum's plain-text rejections.

use std::borrow::Cow;

use axum::{
    extract::{FromRequest, FromRequestParts, RawPathParams, Request},
    http::{StatusCode, header, request::Parts},
};
use bytes::Bytes;
use platform::{
    AuthError, OrgId, User,
    auth::{Scope, api_key},
};
use serde::de::DeserializeOwned;
use utoipa::IntoParams;
use uuid::Uuid;
use validator::{Validate, ValidationErrors, ValidationErrorsKind};

use crate::{
    error::{ApiError, FieldError},
    state::AppState,
};

/// The signed-in user of a request (`Authorization: Bearer <Supabase access token>`). API keys
/// are refused here: they only read (see [`Reader`]) and execute.
#[derive(Debug, Clone)]
pub struct Authenticated(pub User);

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let caller = caller(parts, state).await?;
        if caller.api_key().is_some() {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "api_key_not_allowed",
                "API keys may read (GET) an organization's prompts, datasets and runs, and \
                 execute its deployments; this needs a signed-in user.",
            ));
        }
        Ok(Self(caller))
    }
}

/// Who may read: a signed-in user, or an API key with the `read` scope (acting as a viewer of
/// its organization).
#[derive(Debug, Clone)]
pub struct Reader(pub User);

impl FromRequestParts<AppState> for Reader {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let caller = caller(parts, state).await?;
        if let Some(key) = caller.api_key()
            && !key.scopes.contains(&Scope::Read)
        {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "insufficient_scope",
                "This API key lacks the `read` scope.",
            ));
        }
        Ok(Self(caller))
    }
}

/// Who may call a deployment: an API key with the `execute` scope, or a signed-in user (who must
/// be an editor of the organization, checked with the call).
#[derive(Debug, Clone)]
pub struct Executor(pub User);

impl FromRequestParts<AppState> for Executor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let caller = caller(parts, state).await?;
        if let Some(key) = caller.api_key()
            && !key.scopes.contains(&Scope::Execute)
        {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "insufficient_scope",
                "This API key lacks the `execute` scope.",
            ));
        }
        Ok(Self(caller))
    }
}

/// The verified user or API key of a request, verified once per request (kept in its
/// extensions for the next extractor).
async fn caller(parts: &mut Parts, state: &AppState) -> Result<User, ApiError> {
    if let Some(user) = parts.extensions.get::<User>() {
        return Ok(user.clone());
    }
    let token = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| {
            let (scheme, token) = value.split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        })
        .filter(|token| !token.is_empty())
        .ok_or(AuthError::MissingToken)?;
    let user = if api_key::is_api_key(token) {
        let grant = state.keys.verify(token).await?;
        tracing::Span::current().record("api_key.id", tracing::field::display(grant.key_id));
        User::from_api_key(grant)
    } else {
        let user = state.verifier.verify(token).await?;
        tracing::Span::current().record("user.id", tracing::field::display(user.id()));
        user
    };
    parts.extensions.insert(user.clone());
    Ok(user)
}

/// The header that says which organization a request acts in.
pub const ORG_HEADER: &str = "x-org-id";

/// The organization a list or a creation acts in: the `X-Org-Id` header, else the caller's
/// personal organization (whose id is the caller's), or for an API key its organization.
#[derive(Debug, Clone, Copy)]
pub struct ActingOrg(pub OrgId);

impl FromRequestParts<AppState> for ActingOrg {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(value) = parts.headers.get(ORG_HEADER) {
            return value
                .to_str()
                .ok()
                .and_then(|text| text.trim().parse().ok())
                .map(Self)
                .ok_or_else(|| {
                    ApiError::new(
                        StatusCode::BAD_REQUEST,
                        "invalid_header",
                        "The X-Org-Id header must be an organization id (a UUID).",
                    )
                    .with_errors(vec![FieldError::new(
                        "X-Org-Id",
                        "invalid_value",
                        "not a UUID",
                    )])
                });
        }
        let caller = caller(parts, state).await?;
        Ok(Self(caller.api_key().map_or(OrgId(caller.id()), |key| key.org_id)))
    }
}

/// `X-Org-Id`, as the OpenAPI document shows it (read by [`ActingOrg`]).
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Header)]
pub struct OrgHeader {
    /// The organization to act in (you must be a member); without it, your personal one.
    #[param(rename = "X-Org-Id")]
    pub x_org_id: Option<Uuid>,
}

/// A JSON body: `Content-Type: application/json`, well-formed, of the right shape (unknown fields
/// are refused by the DTOs), and valid by its `validator` rules.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Validate,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(is_json);
        if !is_json {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Send the body as JSON with `Content-Type: application/json`.",
            ));
        }
        let bytes = Bytes::from_request(request, state).await.map_err(|rejection| {
            ApiError::new(rejection.status(), "unreadable_body", rejection.body_text())
        })?;
        let value: T = parse_json(&bytes)?;
        value.validate().map_err(|errors| ApiError::validation(field_errors(&errors)))?;
        Ok(Self(value))
    }
}

fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    // serde reads a struct from an array too (`[null, null]` would be a PATCH that changes
    // nothing): every body of this API is an object, so anything else is refused up front.
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        let value: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|err| json_problem("", &err))?;
        return Err(ApiError::validation(vec![FieldError::new(
            "body",
            "invalid_type",
            format!("the body must be a JSON object, not {}", json_type(&value)),
        )]));
    }
    // PostgreSQL text and jsonb cannot hold NUL: refuse it where it came in, naming the field.
    if has_nul_escape(bytes) {
        let value: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|err| json_problem("", &err))?;
        if let Some(field) = nul_path(&value, String::new()) {
            return Err(ApiError::validation(vec![nul_error(field)]));
        }
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|err| json_problem(&err.path().to_string(), err.inner()))?;
    deserializer.end().map_err(|err| json_problem("", &err))?;
    Ok(value)
}

fn json_type(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// Whether JSON text holds the escape `\u0000` (not an escaped backslash followed by `u0000`).
fn has_nul_escape(bytes: &[u8]) -> bool {
    bytes.windows(5).enumerate().any(|(at, window)| {
        window == b"u0000" && bytes[..at].iter().rev().take_while(|b| **b == b'\\').count() % 2 == 1
    })
}

/// The path of the first string (or key) holding a NUL: `name`, `tags[2]`, `variables.x`.
fn nul_path(value: &serde_json::Value, path: String) -> Option<String> {
    let join = |key: &str| if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") };
    match value {
        serde_json::Value::String(text) => {
            text.contains('\0').then(|| if path.is_empty() { "body".to_owned() } else { path })
        }
        serde_json::Value::Array(items) => {
            items.iter().enumerate().find_map(|(i, item)| nul_path(item, format!("{path}[{i}]")))
        }
        serde_json::Value::Object(fields) => fields.iter().find_map(|(key, item)| {
            if key.contains('\0') {
                Some(join(&key.replace('\0', "\\u0000")))
            } else {
                nul_path(item, join(key))
            }
        }),
        _ => None,
    }
}

fn nul_error(field: String) -> FieldError {
    FieldError::new(field, "nul_character", "must not contain the NUL character (\\u0000)")
}

fn json_problem(path: &str, err: &serde_json::Error) -> ApiError {
    if err.is_syntax() || err.is_eof() {
        return ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            format!("The body is not valid JSON: {err}."),
        );
    }
    ApiError::validation(vec![shape_error(path, &err.to_string())])
}

/// A field error from serde's message: which field, and what kind of mistake.
fn shape_error(path: &str, message: &str) -> FieldError {
    let path = if path == "." { "" } else { path };
    let join =
        |name: &str| if path.is_empty() { name.to_owned() } else { format!("{path}.{name}") };
    let message = message.split(" at line ").next().unwrap_or(message);
    if let Some(name) = between(message, "missing field `", "`") {
        return FieldError::new(join(name), "required", "is required");
    }
    if let Some(name) = between(message, "unknown field `", "`") {
        // serde_path_to_error's path already ends with the unknown key.
        let field = if path.ends_with(name) { path.to_owned() } else { join(name) };
        return FieldError::new(field, "unknown_field", message);
    }
    let code = if message.starts_with("invalid type") { "invalid_type" } else { "invalid_value" };
    let field = if path.is_empty() { "body" } else { path };
    FieldError::new(field, code, message)
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let rest = text.strip_prefix(start)?;
    rest.split_once(end).map(|(inside, _)| inside)
}

/// Turns `validator`'s nested errors into a flat list with paths (`models[1].provider`).
pub fn field_errors(errors: &ValidationErrors) -> Vec<FieldError> {
    let mut out = Vec::new();
    collect(errors, "", &mut out);
    out
}

fn collect(errors: &ValidationErrors, prefix: &str, out: &mut Vec<FieldError>) {
    for (field, kind) in errors.errors() {
        // `__all__` holds a struct's own (schema) errors: they belong to the struct's path.
        let path = match (prefix.is_empty(), field.as_ref()) {
            (true, "__all__") => "body".to_owned(),
            (false, "__all__") => prefix.to_owned(),
            (true, _) => field.to_string(),
            (false, _) => format!("{prefix}.{field}"),
        };
        match kind {
            ValidationErrorsKind::Field(list) => {
                for error in list {
                    let message = error.message.clone().unwrap_or_else(|| default_message(error));
                    out.push(FieldError::new(path.clone(), error.code.clone(), message));
                }
            }
            ValidationErrorsKind::Struct(inner) => collect(inner, &path, out),
            ValidationErrorsKind::List(items) => {
                for (index, inner) in items {
                    collect(inner, &format!("{path}[{index}]"), out);
                }
            }
        }
    }
}

fn default_message(error: &validator::ValidationError) -> Cow<'static, str> {
    let param = |name: &str| error.params.get(name).map(ToString::to_string);
    match (error.code.as_ref(), param("min"), param("max")) {
        ("length", Some(min), Some(max)) => format!("must have {min} to {max} items or characters"),
        ("length", None, Some(max)) => format!("must have at most {max} items or characters"),
        ("length", Some(min), None) => format!("must have at least {min} items or characters"),
        ("range", Some(min), Some(max)) => format!("must be between {min} and {max}"),
        ("range", None, Some(max)) => format!("must be at most {max}"),
        ("range", Some(min), None) => format!("must be at least {min}"),
        (code, _, _) => format!("is invalid ({code})"),
    }
    .into()
}

/// Typed path parameters, read into a struct with one field per parameter
/// (`{ id: Uuid, version: i32 }`): a malformed one is a 400 naming it.
#[derive(Debug, Clone, Copy)]
pub struct ApiPath<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiPath<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Send,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let raw =
            RawPathParams::from_request_parts(parts, state).await.map_err(ApiError::internal)?;
        let encoded =
            url::form_urlencoded::Serializer::new(String::new()).extend_pairs(raw.iter()).finish();
        from_pairs(&encoded).map(Self).map_err(|err| {
            let key = err.path().to_string();
            let value = raw.iter().find(|(k, _)| *k == key).map_or("", |(_, v)| v);
            let error = FieldError::new(
                key.clone(),
                "invalid_value",
                format!("`{value}` is not a valid {key}: {}", err.inner()),
            );
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_path",
                format!("The path parameter `{key}` is invalid."),
            )
            .with_errors(vec![error])
        })
    }
}

/// A typed query string, validated. Unknown parameters are ignored (caches and proxies add
/// their own), but a known one with a bad value is a 400 naming it.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Validate,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or_default();
        if let Some((key, _)) = url::form_urlencoded::parse(query.as_bytes())
            .find(|(key, value)| key.contains('\0') || value.contains('\0'))
        {
            return Err(ApiError::validation(vec![nul_error(key.replace('\0', "\\u0000"))]));
        }
        let value: T = from_pairs(query).map_err(|err| {
            let error = shape_error(&err.path().to_string(), &err.inner().to_string());
            invalid_query(vec![error])
        })?;
        value.validate().map_err(|errors| invalid_query(field_errors(&errors)))?;
        Ok(Self(value))
    }
}

/// `key=value&...` into `T`, through the urlencoded deserializer (which parses numbers and ids
/// from text), wrapped in serde_path_to_error so that a failure names its parameter.
fn from_pairs<T: DeserializeOwned>(
    encoded: &str,
) -> Result<T, serde_path_to_error::Error<serde_urlencoded::de::Error>> {
    let deserializer =
        serde_urlencoded::Deserializer::new(url::form_urlencoded::parse(encoded.as_bytes()));
    serde_path_to_error::deserialize(deserializer)
}

fn invalid_query(errors: Vec<FieldError>) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "invalid_query", "A query parameter is invalid.")
        .with_errors(errors)
}

/// `application/json`, with parameters (`; charset=utf-8`) or as a `+json` subtype.
fn is_json(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize, Validate)]
    #[serde(deny_unknown_fields)]
    struct Body {
        #[validate(length(min = 1, max = 3))]
        name: String,
        #[allow(dead_code)]
        count: Option<u32>,
        #[validate(nested)]
        inner: Option<Inner>,
    }

    #[derive(Debug, Deserialize, Validate)]
    #[serde(deny_unknown_fields)]
    struct Inner {
        #[validate(range(min = 1))]
        n: i32,
    }

    fn errors_of(body: &str) -> (StatusCode, &'static str, Vec<FieldError>) {
        let err = match parse_json::<Body>(body.as_bytes()) {
            Ok(value) => match value.validate() {
                Ok(()) => panic!("{body} is valid"),
                Err(errors) => ApiError::validation(field_errors(&errors)),
            },
            Err(err) => err,
        };
        let problem = err.problem();
        (err.status(), err.code(), problem.errors)
    }

    #[test]
    fn syntax_errors_are_malformed_json() {
        for body in ["{", "{\"name\": }", "{\"name\": \"x\",", "{\"name\": \"x\"} trailing", ""] {
            let (status, code, _) = errors_of(body);
            assert_eq!((status, code), (StatusCode::BAD_REQUEST, "malformed_json"), "{body:?}");
        }
    }

    #[test]
    fn shape_errors_name_the_field() {
        let (_, code, errors) = errors_of(r#"{"name": 5}"#);
        assert_eq!(code, "validation_failed");
        assert_eq!((errors[0].field.as_str(), errors[0].code.as_str()), ("name", "invalid_type"));

        let (_, _, errors) = errors_of(r#"{"count": 1}"#);
        assert_eq!((errors[0].field.as_str(), errors[0].code.as_str()), ("name", "required"));

        let (_, _, errors) = errors_of(r#"{"name": "a", "nmae": "b"}"#);
        assert_eq!((errors[0].field.as_str(), errors[0].code.as_str()), ("nmae", "unknown_field"));

        let (_, _, errors) = errors_of(r#"{"name": "a", "inner": {"n": "x"}}"#);
        assert_eq!(errors[0].field, "inner.n");
    }

    #[test]
    fn bodies_must_be_objects() {
        for (body, kind) in [("[null, null]", "an array"), ("null", "null"), ("\"x\"", "a string")]
        {
            let (status, code, errors) = errors_of(body);
            assert_eq!((status, code), (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"));
            assert_eq!(errors[0].field, "body");
            assert_eq!(errors[0].message, format!("the body must be a JSON object, not {kind}"));
        }
        assert_eq!(errors_of("[1,").1, "malformed_json");
    }

    #[test]
    fn nul_characters_are_refused_naming_their_field() {
        let (status, code, errors) = errors_of(r#"{"name": "a\u0000b"}"#);
        assert_eq!((status, code), (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"));
        assert_eq!((errors[0].field.as_str(), errors[0].code.as_str()), ("name", "nul_character"));
        let (_, _, errors) = errors_of(r#"{"name": "ok", "inner": {"n": 1, "x\u0000": 2}}"#);
        assert_eq!(errors[0].field, "inner.x\\u0000");
        let value = serde_json::json!({"tags": ["a", "b\u{0}"]});
        assert_eq!(nul_path(&value, String::new()).as_deref(), Some("tags[1]"));
        // An escaped backslash before `u0000` is text, not a NUL.
        assert!(!has_nul_escape(br#"{"name": "a\\u0000"}"#));
        assert!(has_nul_escape(br#"{"name": "a\\\u0000"}"#));
    }

    #[test]
    fn rule_errors_are_listed_with_paths_and_messages() {
        let (status, _, errors) = errors_of(r#"{"name": "toolong", "inner": {"n": 0}}"#);
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let mut fields: Vec<_> =
            errors.iter().map(|e| (e.field.as_str(), e.message.as_str())).collect();
        fields.sort_unstable();
        assert_eq!(
            fields,
            [("inner.n", "must be at least 1"), ("name", "must have 1 to 3 items or characters")]
        );
    }
}
