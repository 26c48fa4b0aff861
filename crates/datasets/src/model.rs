//! What a dataset is, as stored and as returned.

use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

use crate::{Format, SpooledFile};

/// A dataset's metadata.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Dataset {
    pub id: Uuid,
    pub name: String,
    pub source_filename: String,
    pub format: Format,
    /// The object key in the `datasets` bucket: `<owner_id>/<dataset_id>/<file name>`.
    pub storage_path: String,
    /// Column names in order: the CSV header, or the keys of JSON objects in first-seen order.
    pub columns: Vec<String>,
    pub row_count: i32,
    pub byte_size: i64,
    pub sha256: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One row: its position (from 0) and its values by column.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct DatasetRow {
    pub row_index: i32,
    pub values: Value,
}

/// A dataset with its first rows.
#[derive(Debug, Clone, PartialEq)]
pub struct DatasetDetail {
    pub dataset: Dataset,
    pub preview: Vec<DatasetRow>,
}

/// A slice of a dataset's rows.
#[derive(Debug, Clone, PartialEq)]
pub struct RowsPage {
    pub rows: Vec<DatasetRow>,
    pub total: i32,
}

/// An upload, spooled to disk, with what the client said about it.
#[derive(Debug)]
pub struct NewDataset {
    /// Display name; defaults to the file name without its extension.
    pub name: Option<String>,
    pub file_name: String,
    pub content_type: Option<String>,
    /// Overrides detection.
    pub format: Option<Format>,
    pub file: SpooledFile,
}
