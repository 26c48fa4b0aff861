//! Objects as files under a folder: the storage of `promptrefine dev`.

use std::{
    io::ErrorKind,
    path::{Component, Path, PathBuf},
};

use futures::TryStreamExt;
use tokio_util::io::ReaderStream;

use super::{ByteStream, ObjectFile, Storage, StorageError};
use crate::User;

/// A folder per bucket; keys are relative paths inside it. The database's RLS already decides
/// which keys a user may name, so no per-user check is repeated here.
#[derive(Debug, Clone)]
pub struct LocalStorage {
    root: PathBuf,
}

impl LocalStorage {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    fn path(&self, key: &str) -> Result<PathBuf, StorageError> {
        let relative = Path::new(key);
        let plain =
            !key.is_empty() && relative.components().all(|c| matches!(c, Component::Normal(_)));
        if !plain {
            return Err(StorageError::Rejected {
                code: "InvalidKey".into(),
                message: format!("{key:?} is not a relative object key"),
            });
        }
        Ok(self.root.join(relative))
    }
}

#[async_trait::async_trait]
impl Storage for LocalStorage {
    async fn put(&self, _: &User, key: &str, file: ObjectFile<'_>) -> Result<(), StorageError> {
        let target = self.path(key)?;
        let folder = target.parent().expect("keys have a parent folder");
        tokio::fs::create_dir_all(folder).await?;
        if tokio::fs::try_exists(&target).await? {
            return Err(StorageError::AlreadyExists);
        }
        // Copy beside the target and rename: a reader never sees half a file.
        let partial = target.with_extension("partial");
        tokio::fs::copy(file.path, &partial).await?;
        tokio::fs::rename(&partial, &target).await?;
        Ok(())
    }

    async fn get(&self, _: &User, key: &str) -> Result<ByteStream, StorageError> {
        let file = tokio::fs::File::open(self.path(key)?).await.map_err(|e| match e.kind() {
            ErrorKind::NotFound => StorageError::NotFound,
            _ => StorageError::Io(e),
        })?;
        Ok(Box::pin(ReaderStream::new(file).map_ok(Into::into)))
    }

    async fn delete(&self, _: &User, keys: &[String]) -> Result<(), StorageError> {
        for key in keys {
            let path = self.path(key)?;
            match tokio::fs::remove_file(&path).await {
                Ok(()) => {}
                Err(e) if e.kind() == ErrorKind::NotFound => {}
                Err(e) => return Err(e.into()),
            }
            // Tidy the now empty folders (`<owner>/<dataset>/`); a non-empty one stays.
            for folder in path.ancestors().skip(1).take_while(|f| *f != self.root) {
                if tokio::fs::remove_dir(folder).await.is_err() {
                    break;
                }
            }
        }
        Ok(())
    }
}
