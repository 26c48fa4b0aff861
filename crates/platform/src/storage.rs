//! Where original files (datasets) are kept: Supabase Storage over HTTP, or a local folder for
//! `dev`. Keys look like `<owner_id>/<dataset_id>/<file name>`, so Storage's per-user-folder
//! policies apply when the user's own token is sent.

mod local;
mod supabase;

use std::{fmt, path::Path, pin::Pin};

use bytes::Bytes;
use futures::Stream;

pub use local::LocalStorage;
pub use supabase::SupabaseStorage;

use crate::User;

/// A download: the object's bytes as they arrive.
pub type ByteStream = Pin<Box<dyn Stream<Item = std::io::Result<Bytes>> + Send>>;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("the object does not exist")]
    NotFound,
    #[error("an object already exists at this key")]
    AlreadyExists,
    #[error("storage refused access: {0}")]
    Forbidden(String),
    #[error("the object is larger than storage accepts")]
    TooLarge,
    #[error("storage is unavailable: {0}")]
    Unavailable(String),
    #[error("storage refused the request ({code}): {message}")]
    Rejected { code: String, message: String },
    #[error("storage I/O failed: {0}")]
    Io(#[from] std::io::Error),
}

/// A file to store, already on local disk (spooled), with its size.
#[derive(Debug, Clone, Copy)]
pub struct ObjectFile<'a> {
    pub path: &'a Path,
    pub size: u64,
    pub content_type: &'a str,
}

/// An object store. Operations act for `user`: Supabase Storage receives the user's own token,
/// so its RLS policies decide, exactly as for supabase-js.
#[async_trait::async_trait]
pub trait Storage: Send + Sync + fmt::Debug {
    /// Stores `file` at `key`; fails if something is already there.
    async fn put(&self, user: &User, key: &str, file: ObjectFile<'_>) -> Result<(), StorageError>;

    /// Streams the object at `key`.
    async fn get(&self, user: &User, key: &str) -> Result<ByteStream, StorageError>;

    /// Deletes the objects at `keys`; keys that do not exist are ignored.
    async fn delete(&self, user: &User, keys: &[String]) -> Result<(), StorageError>;
}

/// The storage bucket of the original dataset files (created by a migration).
pub const DATASETS_BUCKET: &str = "datasets";
