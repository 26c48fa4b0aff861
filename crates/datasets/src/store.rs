//! Reading, renaming and deleting datasets.

use chrono::{DateTime, Utc};
use platform::{
    Db, Name, OrgId, Role, User, UserTx,
    pagination::{Page, PageRequest},
    storage::{ByteStream, Storage, StorageError},
    tenancy,
};
use tracing::instrument;

use crate::{Dataset, DatasetDetail, DatasetId, DatasetRow, Error, PREVIEW_ROWS, Result, RowsPage};

const COLUMNS: &str = "id, org_id, created_by, name, source_filename, format, columns, row_count, \
    byte_size, sha256, created_at, updated_at";

/// The datasets of `org`, newest first.
pub async fn list(tx: &mut UserTx, org: OrgId, page: &PageRequest) -> Result<Page<Dataset>> {
    let (after_at, after_id): (Option<DateTime<Utc>>, Option<DatasetId>) = page.after()?.unzip();
    let rows: Vec<Dataset> = sqlx::query_as(&format!(
        "select {COLUMNS} from public.dataset
         where org_id = $4 and ($1::timestamptz is null or (created_at, id) < ($1, $2))
         order by created_at desc, id desc
         limit $3"
    ))
    .bind(after_at)
    .bind(after_id)
    .bind(page.fetch_limit())
    .bind(org)
    .fetch_all(&mut **tx)
    .await?;
    tenancy::require_listed(tx, org, !rows.is_empty()).await?;
    let rows = rows.into_iter().map(Dataset::keyed).collect();
    Ok(Page::from_rows(rows, page.limit, |d: &Dataset| (d.created_at, d.id)))
}

/// A dataset with its first rows.
pub async fn get(tx: &mut UserTx, id: DatasetId) -> Result<DatasetDetail> {
    let dataset = existing(tx, id).await?;
    let preview = read_rows(tx, id, 0, PREVIEW_ROWS).await?;
    Ok(DatasetDetail { dataset, preview })
}

/// `limit` rows from `offset` (0-based).
pub async fn rows(tx: &mut UserTx, id: DatasetId, offset: i64, limit: u32) -> Result<RowsPage> {
    let dataset = existing(tx, id).await?;
    let items = read_rows(tx, id, offset, i64::from(limit)).await?;
    Ok(RowsPage { items, offset, limit, total: dataset.row_count })
}

/// Renames a dataset.
#[instrument(skip_all, fields(dataset.id = %id))]
pub async fn rename(tx: &mut UserTx, id: DatasetId, name: &Name) -> Result<Dataset> {
    editable(tx, id).await?;
    let renamed: Option<Dataset> = sqlx::query_as(&format!(
        "update public.dataset set name = $2 where id = $1 returning {COLUMNS}"
    ))
    .bind(id)
    .bind(name)
    .fetch_optional(&mut **tx)
    .await?;
    renamed.map(Dataset::keyed).ok_or(Error::NotFound(id))
}

/// Deletes a dataset, its rows and its original file. The database goes first: if storage then
/// fails, an unreachable object is left (and logged), never a dataset without its file.
#[instrument(skip_all, fields(dataset.id = %id))]
pub async fn delete(db: &Db, storage: &dyn Storage, user: &User, id: DatasetId) -> Result<()> {
    let mut tx = db.begin_as(user).await?;
    editable(&mut tx, id).await?;
    let deleted: Result<Option<Dataset>, sqlx::Error> =
        sqlx::query_as(&format!("delete from public.dataset where id = $1 returning {COLUMNS}"))
            .bind(id)
            .fetch_optional(&mut *tx)
            .await;
    let key = match deleted {
        // Runs keep their dataset (`run_dataset_fkey`).
        Err(err) if platform::db::violated_constraint(&err) == Some("run_dataset_fkey") => {
            return Err(Error::InUse(id));
        }
        other => other?.ok_or(Error::NotFound(id))?.keyed().storage_path,
    };
    tx.commit().await?;
    if let Err(error) = storage.delete(user, std::slice::from_ref(&key)).await {
        tracing::error!(%error, key, "deleted dataset {id} but not its file");
    }
    tracing::info!("deleted dataset {id}");
    Ok(())
}

/// The dataset and a stream of its original file.
pub async fn open_file(
    tx: &mut UserTx,
    storage: &dyn Storage,
    user: &User,
    id: DatasetId,
) -> Result<(Dataset, ByteStream)> {
    let dataset = existing(tx, id).await?;
    let stream = storage.get(user, &dataset.storage_path).await.map_err(|err| match err {
        StorageError::NotFound => Error::FileMissing,
        other => other.into(),
    })?;
    Ok((dataset, stream))
}

/// The storage keys of every dataset of `org` (to delete its files with it).
pub async fn object_keys(tx: &mut UserTx, org: OrgId) -> Result<Vec<String>, sqlx::Error> {
    let datasets: Vec<(DatasetId, String)> =
        sqlx::query_as("select id, source_filename from public.dataset where org_id = $1")
            .bind(org)
            .fetch_all(&mut **tx)
            .await?;
    Ok(datasets.iter().map(|(id, file)| crate::object_key(org, *id, file)).collect())
}

/// A dataset, if the caller can see it.
pub async fn find(tx: &mut UserTx, id: DatasetId) -> Result<Option<Dataset>> {
    let found: Option<Dataset> =
        sqlx::query_as(&format!("select {COLUMNS} from public.dataset where id = $1"))
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(found.map(Dataset::keyed))
}

/// The organization of the dataset `id`, when the caller may change it (editor or more).
async fn editable(tx: &mut UserTx, id: DatasetId) -> Result<OrgId> {
    let access = tenancy::access(tx, "dataset", id).await?.ok_or(Error::NotFound(id))?;
    Ok(access.require(Role::Editor)?)
}

async fn existing(tx: &mut UserTx, id: DatasetId) -> Result<Dataset> {
    find(tx, id).await?.ok_or(Error::NotFound(id))
}

async fn read_rows(
    tx: &mut UserTx,
    id: DatasetId,
    offset: i64,
    limit: i64,
) -> Result<Vec<DatasetRow>> {
    Ok(sqlx::query_as(
        "select row_index, values from public.dataset_row
         where dataset_id = $1 and row_index >= $2
         order by row_index
         limit $3",
    )
    .bind(id)
    .bind(offset)
    .bind(limit)
    .fetch_all(&mut **tx)
    .await?)
}
