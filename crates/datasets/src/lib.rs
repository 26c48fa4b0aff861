//! Datasets: a file (CSV, JSON array of objects, or JSON Lines) uploaded once, kept as the
//! original bytes in storage and as rows (`{column: value}` objects) in Postgres.
//!
//! Ingestion streams: the upload is spooled to a temporary file (never held in memory), parsed
//! on a blocking thread and fed to Postgres with COPY while it is read. Everything happens in
//! one transaction with the object upload, so a failure anywhere leaves nothing behind.

mod format;
mod ingest;
mod model;
mod parse;
mod spool;
mod store;

pub use format::Format;
pub use ingest::upload;
pub use model::{Dataset, DatasetDetail, DatasetId, DatasetRow, NewDataset, RowsPage, object_key};
pub use parse::ParseError;
pub use spool::{Spool, SpooledFile};
pub use store::{delete, find, get, list, object_keys, open_file, rename, rows};

/// How many rows a dataset's detail shows.
pub const PREVIEW_ROWS: i64 = 100;

/// How deeply a JSON value may nest arrays and objects. A worker reads a row back as one JSON
/// object, and JSON readers stop at a recursion limit (serde_json's is 128): a row it could not
/// read would fail its cells, so the upload refuses it up front.
pub const MAX_NESTING_DEPTH: usize = 64;

/// Upper bounds on what one upload may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_upload_bytes: u64,
    pub max_columns: usize,
    pub max_rows: u64,
    pub max_cell_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_upload_bytes: 50 * 1024 * 1024,
            max_columns: 512,
            max_rows: 1_000_000,
            max_cell_bytes: 1024 * 1024,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("dataset {0} not found")]
    NotFound(DatasetId),
    #[error("the file is larger than the {limit}-byte limit")]
    TooLarge { limit: u64 },
    #[error(
        "the format could not be told from the file name, content type or content; say `format`"
    )]
    UnknownFormat,
    #[error(transparent)]
    Parse(#[from] ParseError),
    #[error("dataset {0} is used by runs; delete them first")]
    InUse(DatasetId),
    #[error("the original file is missing from storage")]
    FileMissing,
    #[error(transparent)]
    Storage(#[from] platform::storage::StorageError),
    #[error(transparent)]
    Access(#[from] platform::tenancy::AccessError),
    #[error(transparent)]
    InvalidCursor(#[from] platform::pagination::InvalidCursor),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error("reading the upload failed: {0}")]
    Io(#[from] std::io::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
