//! What a dataset is, as stored and as returned.

use chrono::{DateTime, Utc};
use platform::{Name, OrgId};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use crate::{Format, SpooledFile};

platform::typed_id!(
    /// A dataset's id.
    DatasetId
);

/// A dataset's metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = DatasetView))]
pub struct Dataset {
    #[cfg_attr(feature = "openapi", schema(value_type = Uuid))]
    pub id: DatasetId,
    /// The organization the dataset belongs to.
    #[cfg_attr(feature = "openapi", schema(value_type = Uuid))]
    pub org_id: OrgId,
    /// Who uploaded it (null once that user is deleted).
    pub created_by: Option<Uuid>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "support-questions"))]
    pub name: Name,
    /// The uploaded file's name.
    #[cfg_attr(feature = "openapi", schema(example = "support-questions.csv"))]
    pub source_filename: String,
    pub format: Format,
    /// Object key of the original file in the Storage bucket `datasets`.
    #[sqlx(skip)]
    pub storage_path: String,
    /// Column names, in order.
    #[cfg_attr(feature = "openapi", schema(example = json!(["question", "expected"])))]
    pub columns: Vec<String>,
    pub row_count: i32,
    /// Size of the original file in bytes.
    pub byte_size: i64,
    /// Hex SHA-256 of the original file.
    pub sha256: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Dataset {
    /// The dataset as read from its row, with its storage key derived.
    pub(crate) fn keyed(mut self) -> Self {
        self.storage_path = object_key(self.org_id, self.id, &self.source_filename);
        self
    }
}

/// `<org_id>/<dataset_id>/<safe file name>`: derived from the organization and the id, never
/// read from a row, so that no row can point at another tenant's object (Storage's policies give
/// each organization's members the folder named after its id). The file name part holds only
/// ASCII letters, digits, `.`, `-` and `_`, so it cannot leave the dataset's folder.
pub fn object_key(org_id: OrgId, dataset_id: DatasetId, source_filename: &str) -> String {
    format!("{org_id}/{dataset_id}/{}", object_name(source_filename))
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

/// One row of a dataset.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = RowView))]
pub struct DatasetRow {
    /// Position in the file, from 0.
    pub row_index: i32,
    /// The row's values by column (strings for CSV; any JSON for JSON and JSONL).
    #[cfg_attr(feature = "openapi", schema(value_type = Object, example = json!({"question": "Where is my order?", "expected": "tracking"})))]
    pub values: Value,
}

/// A dataset with its first 100 rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = DatasetDetailView))]
pub struct DatasetDetail {
    #[serde(flatten)]
    pub dataset: Dataset,
    pub preview: Vec<DatasetRow>,
}

/// A slice of a dataset's rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = RowsView))]
pub struct RowsPage {
    pub items: Vec<DatasetRow>,
    pub offset: i64,
    pub limit: u32,
    /// The dataset's row count.
    pub total: i32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_keys_stay_in_the_dataset_folder() {
        let (owner, id) = (OrgId(Uuid::nil()), DatasetId(Uuid::max()));
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
    pub name: Option<Name>,
    pub file_name: String,
    pub content_type: Option<String>,
    /// Overrides detection.
    pub format: Option<Format>,
    pub file: SpooledFile,
}
