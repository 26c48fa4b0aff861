//! What a dataset is, as stored and as returned.

use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

use crate::{Format, SpooledFile};

/// A dataset's metadata.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Dataset {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub name: String,
    pub source_filename: String,
    pub format: Format,
    /// Column names in order: the CSV header, or the keys of JSON objects in first-seen order.
    pub columns: Vec<String>,
    pub row_count: i32,
    pub byte_size: i64,
    pub sha256: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Dataset {
    /// The object key of the original file in the `datasets` bucket.
    pub fn storage_path(&self) -> String {
        object_key(self.owner_id, self.id, &self.source_filename)
    }
}

/// `<owner_id>/<dataset_id>/<safe file name>`: derived from the owner and the id, never read
/// from a row, so that no row can point at another tenant's object (Storage's policies give
/// each user the folder named after their id). The file name part holds only ASCII letters,
/// digits, `.`, `-` and `_`, so it cannot leave the dataset's folder.
pub fn object_key(owner_id: Uuid, dataset_id: Uuid, source_filename: &str) -> String {
    format!("{owner_id}/{dataset_id}/{}", object_name(source_filename))
}

/// A storage-safe object name: ASCII letters, digits, `.`, `-` and `_`; anything else is `_`.
fn object_name(file_name: &str) -> String {
    let safe: String = file_name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' })
        .take(100)
        .collect();
    if safe.trim_matches('.').is_empty() { "upload".to_owned() } else { safe }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_keys_stay_in_the_dataset_folder() {
        let (owner, id) = (Uuid::nil(), Uuid::max());
        assert_eq!(
            object_key(owner, id, "My Data (v2) é.csv"),
            format!("{owner}/{id}/My_Data__v2___.csv")
        );
        assert_eq!(object_key(owner, id, ".."), format!("{owner}/{id}/upload"));
        assert_eq!(object_key(owner, id, "../../x/../y"), format!("{owner}/{id}/.._.._x_.._y"));
    }
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
