//! `/v1/datasets`: upload a CSV / JSON / JSONL file, read its rows, download the original.

use axum::{
    Json,
    body::Body,
    extract::{
        DefaultBodyLimit, Multipart,
        multipart::{Field, MultipartRejection},
    },
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use datasets::{Dataset, DatasetDetail, DatasetId, Format, NewDataset, RowsPage, Spool};
use platform::Name;
use serde::Deserialize;
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use validator::Validate;

use crate::{
    error::{ApiError, ApiResult, FieldError},
    extract::{ActingOrg, ApiJson, ApiPath, ApiQuery, Authenticated, OrgHeader, Reader},
    routes::{PageOf, PageQuery, location},
    state::AppState,
};

/// Text fields of the upload form are short; refuse to buffer more.
const FORM_TEXT_MAX_BYTES: usize = 4096;
const ROWS_MAX_LIMIT: u32 = 1000;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        // The upload's size is enforced while it is spooled (MAX_UPLOAD_BYTES), not by buffering.
        .routes(routes!(list_datasets, create_dataset))
        .layer(DefaultBodyLimit::disable())
        .routes(routes!(get_dataset, update_dataset, delete_dataset))
        .routes(routes!(list_dataset_rows))
        .routes(routes!(download_dataset_file))
}

// ---- request and response types -------------------------------------------------------------

/// The upload form (`multipart/form-data`).
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // documents the form; the handler reads it part by part
pub struct UploadDataset {
    /// The file: CSV with a header row, a JSON array of objects, or JSON Lines.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// Display name (1-200 characters); defaults to the file name without its extension.
    name: Option<String>,
    /// Overrides detection from the file name, content type and content.
    format: Option<Format>,
}

/// A new name.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateDataset {
    /// 1-200 characters; surrounding spaces are dropped.
    #[schema(value_type = String, example = "Support questions (March)")]
    pub name: Name,
}

/// `/datasets/{id}`
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct DatasetPath {
    #[param(value_type = Uuid)]
    pub id: DatasetId,
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RowsQuery {
    /// Index of the first row (from 0).
    #[validate(range(min = 0))]
    pub offset: Option<i64>,
    /// How many rows, 1-1000 (default 100).
    #[validate(range(min = 1, max = ROWS_MAX_LIMIT))]
    pub limit: Option<u32>,
}

// ---- handlers ---------------------------------------------------------------------------------

/// List the organization's datasets, newest first.
#[utoipa::path(get, path = "/datasets", tag = "datasets", params(OrgHeader, PageQuery),
    responses((status = 200, body = PageOf<Dataset>)))]
pub async fn list_datasets(
    state: AppState,
    Reader(user): Reader,
    ActingOrg(org): ActingOrg,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> ApiResult<Json<PageOf<Dataset>>> {
    let page = query.request();
    let page = state.as_user(&user, async |tx| datasets::list(tx, org, &page).await).await?;
    Ok(Json(page.into()))
}

/// Upload a dataset into the organization (`multipart/form-data` with a `file` part). The rows
/// are stored in the database and the original file in Storage, all or nothing.
#[utoipa::path(post, path = "/datasets", tag = "datasets", params(OrgHeader),
    request_body(content = UploadDataset, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "The dataset and its first 100 rows", body = DatasetDetail,
            headers(("location" = String))),
        (status = 413, description = "The file is over MAX_UPLOAD_BYTES (`file_too_large`)",
            body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not multipart/form-data",
            body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "The file is invalid (`invalid_file`, naming the line and column) or its format unknown",
            body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_dataset(
    state: AppState,
    Authenticated(user): Authenticated,
    ActingOrg(org): ActingOrg,
    multipart: Result<Multipart, MultipartRejection>,
) -> ApiResult<(StatusCode, HeaderMap, Json<DatasetDetail>)> {
    let multipart = multipart.map_err(|_| {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Upload the file as multipart/form-data with a `file` part.",
        )
    })?;
    let upload =
        read_upload_form(multipart, state.settings.dataset_limits.max_upload_bytes).await?;
    let detail = datasets::upload(
        &state.db,
        state.storage.clone(),
        &user,
        org,
        upload,
        state.settings.dataset_limits,
    )
    .await?;
    let location = location(&format!("/v1/datasets/{}", detail.dataset.id));
    Ok((StatusCode::CREATED, location, Json(detail)))
}

/// Get a dataset with its first 100 rows.
#[utoipa::path(get, path = "/datasets/{id}", tag = "datasets", params(DatasetPath),
    responses((status = 200, body = DatasetDetail)))]
pub async fn get_dataset(
    state: AppState,
    Reader(user): Reader,
    ApiPath(DatasetPath { id }): ApiPath<DatasetPath>,
) -> ApiResult<Json<DatasetDetail>> {
    state.as_user(&user, async |tx| datasets::get(tx, id).await).await.map(Json)
}

/// Rename a dataset.
#[utoipa::path(patch, path = "/datasets/{id}", tag = "datasets", params(DatasetPath),
    request_body = UpdateDataset, responses((status = 200, body = Dataset)))]
pub async fn update_dataset(
    state: AppState,
    Authenticated(user): Authenticated,
    ApiPath(DatasetPath { id }): ApiPath<DatasetPath>,
    ApiJson(req): ApiJson<UpdateDataset>,
) -> ApiResult<Json<Dataset>> {
    state.as_user(&user, async |tx| datasets::rename(tx, id, &req.name).await).await.map(Json)
}

/// Delete a dataset, its rows and its original file.
#[utoipa::path(delete, path = "/datasets/{id}", tag = "datasets", params(DatasetPath),
    responses((status = 204, description = "Deleted")))]
pub async fn delete_dataset(
    state: AppState,
    Authenticated(user): Authenticated,
    ApiPath(DatasetPath { id }): ApiPath<DatasetPath>,
) -> ApiResult<StatusCode> {
    datasets::delete(&state.db, &*state.storage, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Read a dataset's rows by position.
#[utoipa::path(get, path = "/datasets/{id}/rows", tag = "datasets",
    params(DatasetPath, RowsQuery), responses((status = 200, body = RowsPage)))]
pub async fn list_dataset_rows(
    state: AppState,
    Reader(user): Reader,
    ApiPath(DatasetPath { id }): ApiPath<DatasetPath>,
    ApiQuery(query): ApiQuery<RowsQuery>,
) -> ApiResult<Json<RowsPage>> {
    let (offset, limit) = (query.offset.unwrap_or(0), query.limit.unwrap_or(100));
    state.as_user(&user, async |tx| datasets::rows(tx, id, offset, limit).await).await.map(Json)
}

/// Download the original file, byte for byte, with the content type of its format.
#[utoipa::path(get, path = "/datasets/{id}/file", tag = "datasets", params(DatasetPath),
    responses((status = 200, description = "The file as uploaded: `text/csv; charset=utf-8`, \
        `application/json` or `application/x-ndjson`, as its `format` says",
        content(
            (String = "text/csv; charset=utf-8"),
            (String = "application/json"),
            (String = "application/x-ndjson"),
        ),
        headers(("content-disposition" = String), ("etag" = String)))))]
pub async fn download_dataset_file(
    state: AppState,
    Authenticated(user): Authenticated,
    ApiPath(DatasetPath { id }): ApiPath<DatasetPath>,
) -> ApiResult<Response> {
    // The transaction ends (and its connection is free) before the possibly long transfer.
    let storage = &*state.storage;
    let (dataset, stream) =
        state.as_user(&user, async |tx| datasets::open_file(tx, storage, &user, id).await).await?;
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_static(dataset.format.content_type())),
        (header::CONTENT_LENGTH, HeaderValue::from(dataset.byte_size)),
        (header::CONTENT_DISPOSITION, content_disposition(&dataset.source_filename)),
        (header::ETAG, HeaderValue::from_str(&format!("\"{}\"", dataset.sha256)).expect("hex")),
    ];
    Ok((headers, Body::from_stream(stream)).into_response())
}

// ---- helpers ----------------------------------------------------------------------------------

/// Reads the form: the `file` part is spooled to disk as it arrives, the text parts are small.
async fn read_upload_form(
    mut multipart: Multipart,
    max_upload_bytes: u64,
) -> ApiResult<NewDataset> {
    let (mut file, mut name, mut format) = (None, None, None);
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
        match field.name().unwrap_or_default() {
            "file" if file.is_none() => {
                let file_name = field.file_name().unwrap_or("upload").to_owned();
                let content_type = field.content_type().map(str::to_owned);
                let mut spool = Spool::new(max_upload_bytes)?;
                while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
                    if let Err(too_large) = spool.write(&chunk).await {
                        linger(&mut field, max_upload_bytes).await;
                        return Err(too_large.into());
                    }
                }
                file = Some((file_name, content_type, spool.finish().await?));
            }
            "file" => return Err(form_error("file", "send exactly one file")),
            "name" => {
                let text = text_field(field).await?;
                name = Some(Name::parse(&text).map_err(|e| form_error("name", &e.to_string()))?);
            }
            "format" => {
                let text = text_field(field).await?;
                let parsed =
                    serde_json::from_value::<Format>(Value::String(text.trim().to_owned()))
                        .map_err(|_| form_error("format", "must be csv, json or jsonl"))?;
                format = Some(parsed);
            }
            other => {
                let message = format!("unknown form field `{other}`; expected file, name, format");
                return Err(ApiError::validation(vec![FieldError::new(
                    other,
                    "unknown_field",
                    message,
                )]));
            }
        }
    }
    let (file_name, content_type, file) = file.ok_or_else(|| {
        ApiError::validation(vec![FieldError::new("file", "required", "is required")])
    })?;
    Ok(NewDataset { name, file_name, content_type, format, file })
}

/// Reads and drops up to `bytes` more of an upload that is refused: a client still sending when
/// the server hangs up sees a broken connection, not the 413 that says why.
async fn linger(field: &mut Field<'_>, bytes: u64) {
    let mut dropped = 0u64;
    while dropped < bytes {
        match field.chunk().await {
            Ok(Some(chunk)) => dropped += chunk.len() as u64,
            Ok(None) | Err(_) => return,
        }
    }
}

async fn text_field(mut field: Field<'_>) -> ApiResult<String> {
    let name = field.name().unwrap_or_default().to_owned();
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
        bytes.extend_from_slice(&chunk);
        if bytes.len() > FORM_TEXT_MAX_BYTES {
            return Err(form_error(&name, "is too long"));
        }
    }
    let text = String::from_utf8(bytes).map_err(|_| form_error(&name, "is not UTF-8 text"))?;
    if text.contains('\0') {
        return Err(ApiError::validation(vec![FieldError::new(
            name,
            "nul_character",
            "must not contain the NUL character (\\u0000)",
        )]));
    }
    Ok(text)
}

fn form_error(field: &str, message: &str) -> ApiError {
    ApiError::validation(vec![FieldError::new(field, "invalid_value", message)])
}

fn multipart_error(err: axum::extract::multipart::MultipartError) -> ApiError {
    ApiError::new(
        err.status(),
        "malformed_multipart",
        format!("The form could not be read: {}.", err.body_text()),
    )
}

/// `attachment` with the file name, ASCII-safe (RFC 6266, with `filename*` for the rest).
fn content_disposition(file_name: &str) -> HeaderValue {
    let ascii: String = file_name
        .chars()
        .map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' })
        .collect();
    let encoded: String = url::form_urlencoded::byte_serialize(file_name.as_bytes())
        .collect::<String>()
        .replace('+', "%20");
    HeaderValue::from_str(&format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"))
        .expect("only visible ASCII")
}

#[cfg(test)]
mod tests {
    use super::content_disposition;

    #[test]
    fn content_disposition_keeps_unicode_names_in_filename_star() {
        assert_eq!(
            content_disposition("naïve \"data\".csv"),
            "attachment; filename=\"na_ve _data_.csv\"; filename*=UTF-8''na%C3%AFve%20%22data%22.csv"
        );
    }
}
