//! Spooling an upload to a temporary file as it arrives: counted against the size limit and
//! hashed on the way, so the upload is never held in memory and is read only once.

use std::path::Path;

use sha2::{Digest, Sha256};
use tempfile::TempPath;
use tokio::io::AsyncWriteExt;

use crate::{Error, Result};

/// How much of the start of a file is kept for format detection.
const HEAD_BYTES: usize = 64;

/// An upload being written to disk.
#[derive(Debug)]
pub struct Spool {
    file: tokio::fs::File,
    path: TempPath,
    hasher: Sha256,
    size: u64,
    limit: u64,
    head: Vec<u8>,
}

impl Spool {
    /// A new, empty spool file in the temporary directory, refusing more than `limit` bytes.
    pub fn new(limit: u64) -> Result<Self> {
        let (file, path) = tempfile::NamedTempFile::new()?.into_parts();
        Ok(Self {
            file: tokio::fs::File::from_std(file),
            path,
            hasher: Sha256::new(),
            size: 0,
            limit,
            head: Vec::with_capacity(HEAD_BYTES),
        })
    }

    pub async fn write(&mut self, chunk: &[u8]) -> Result<()> {
        self.size += chunk.len() as u64;
        if self.size > self.limit {
            return Err(Error::TooLarge { limit: self.limit });
        }
        self.hasher.update(chunk);
        let room = HEAD_BYTES - self.head.len();
        self.head.extend_from_slice(&chunk[..room.min(chunk.len())]);
        self.file.write_all(chunk).await?;
        Ok(())
    }

    pub async fn finish(mut self) -> Result<SpooledFile> {
        self.file.flush().await?;
        Ok(SpooledFile {
            path: self.path,
            size: self.size,
            sha256: hex::encode(self.hasher.finalize()),
            head: self.head,
        })
    }
}

/// A complete upload on disk; the file is deleted when this is dropped.
#[derive(Debug)]
pub struct SpooledFile {
    path: TempPath,
    size: u64,
    sha256: String,
    head: Vec<u8>,
}

impl SpooledFile {
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// Hex SHA-256 of the content.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// The first bytes, for format detection.
    pub fn head(&self) -> &[u8] {
        &self.head
    }
}
