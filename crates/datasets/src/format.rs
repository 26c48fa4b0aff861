//! The three file formats, and telling which one an upload is.

use serde::{Deserialize, Serialize};

/// The file's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = DatasetFormat))]
#[serde(rename_all = "lowercase")]
#[sqlx(type_name = "dataset_format", rename_all = "lowercase")]
pub enum Format {
    /// Comma-separated values with a header row; every value is a string.
    Csv,
    /// A JSON array of objects.
    Json,
    /// JSON Lines: one object per line.
    Jsonl,
}

impl Format {
    /// The format from the file name, then the declared content type, then the first
    /// non-blank byte of the content (`[` is a JSON array, `{` JSON Lines).
    pub fn detect(file_name: &str, content_type: Option<&str>, head: &[u8]) -> Option<Self> {
        let extension = file_name.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase());
        let by_extension = match extension.as_deref() {
            Some("csv") => Some(Self::Csv),
            Some("json") => Some(Self::Json),
            Some("jsonl" | "ndjson") => Some(Self::Jsonl),
            _ => None,
        };
        let essence = content_type
            .map(|ct| ct.split(';').next().unwrap_or_default().trim().to_ascii_lowercase());
        let by_content_type = match essence.as_deref() {
            Some("text/csv" | "application/csv") => Some(Self::Csv),
            Some("application/json") => Some(Self::Json),
            Some("application/x-ndjson" | "application/jsonl" | "application/x-jsonlines") => {
                Some(Self::Jsonl)
            }
            _ => None,
        };
        let by_content = match head.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'[') => Some(Self::Json),
            Some(b'{') => Some(Self::Jsonl),
            _ => None,
        };
        by_extension.or(by_content_type).or(by_content)
    }

    /// The content type to serve the original file with.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Json => "application/json",
            Self::Jsonl => "application/x-ndjson",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extension_then_content_type_then_content() {
        assert_eq!(Format::detect("Data.CSV", Some("application/json"), b"["), Some(Format::Csv));
        assert_eq!(Format::detect("rows.ndjson", None, b""), Some(Format::Jsonl));
        assert_eq!(
            Format::detect("upload", Some("text/csv; charset=utf-8"), b"{"),
            Some(Format::Csv)
        );
        assert_eq!(
            Format::detect("upload", Some("application/octet-stream"), b"  \n[{}]"),
            Some(Format::Json)
        );
        assert_eq!(Format::detect("upload", None, b"{\"a\":1}\n"), Some(Format::Jsonl));
        assert_eq!(Format::detect("notes.txt", None, b"a,b\n1,2"), None);
    }
}
