//! Turning an upload into a dataset: parse, COPY the rows, store the original file, commit.
//!
//! The order is what makes a failure leave nothing behind: rows go into the transaction first
//! (a parse error or limit just rolls it back), then the object is stored (a storage error rolls
//! back), then the transaction commits (if that fails, the object is deleted again).

use std::{
    fs::File,
    io::{BufReader, Write},
    path::Path,
    sync::Arc,
};

use platform::{
    Db, Name, OrgId, Role, User, UserTx,
    db::API_ROLE,
    storage::{DATASETS_BUCKET, ObjectFile, Storage},
    tenancy,
};
use tokio::sync::mpsc;
use tracing::instrument;

use crate::{
    DatasetDetail, DatasetId, Error, Format, Limits, NewDataset, Result,
    model::object_key,
    parse::{self, Failure},
    spool::SpooledFile,
    store,
};

/// COPY data is sent in chunks of about this size.
const CHUNK_BYTES: usize = 1 << 20;
const FILENAME_MAX_CHARS: usize = 255;

/// Creates a dataset in `org` from an upload: rows in Postgres, the original file in storage.
///
/// It owns its transaction because it coordinates two systems, and it runs as a task of its
/// own so that a client hanging up cannot stop it between storing the object and committing.
pub async fn upload(
    db: &Db,
    storage: Arc<dyn Storage>,
    user: &User,
    org: OrgId,
    new: NewDataset,
    limits: Limits,
) -> Result<DatasetDetail> {
    let (db, user) = (db.clone(), user.clone());
    tokio::spawn(async move { ingest(&db, &*storage, &user, org, new, &limits).await })
        .await
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic.into_panic()))
}

#[instrument(skip_all, fields(org.id = %org, dataset.id))]
async fn ingest(
    db: &Db,
    storage: &dyn Storage,
    user: &User,
    org: OrgId,
    new: NewDataset,
    limits: &Limits,
) -> Result<DatasetDetail> {
    let format = new
        .format
        .or_else(|| Format::detect(&new.file_name, new.content_type.as_deref(), new.file.head()))
        .ok_or(Error::UnknownFormat)?;
    let id = DatasetId::new();
    tracing::Span::current().record("dataset.id", tracing::field::display(id));
    let source_filename = base_name(&new.file_name);
    let name = new.name.unwrap_or_else(|| default_name(&source_filename));
    let key = object_key(org, id, &source_filename);

    let mut tx = db.begin_bulk_as(user).await?;
    tenancy::require(&mut tx, org, Role::Editor).await?;
    // The original file is stored while its rows are copied: on Supabase Storage that is an
    // upload of the whole file over the network, as long as the COPY or longer. A file whose
    // rows cannot be read is deleted again below, like one whose transaction fails.
    let object = ObjectFile {
        path: new.file.path(),
        size: new.file.size(),
        content_type: format.content_type(),
    };
    let (copied, stored) = tokio::join!(
        copy_rows(&mut tx, id, org, new.file.path(), format, limits),
        storage.put(user, &key, object),
    );
    let stored_whole = stored.is_ok();
    let created = match (copied, stored) {
        (Ok((columns, row_count)), Ok(())) => {
            let dataset = NewRow { id, org, name: &name, source_filename: &source_filename };
            create(tx, dataset, format, &columns, row_count, &new.file)
                .await
                .map(|d| (d, row_count))
        }
        (Err(err), _) => Err(err),
        (Ok(_), Err(err)) => Err(err.into()),
    };
    let (detail, row_count) = match created {
        Ok(created) => created,
        Err(err) => {
            if stored_whole
                && let Err(cleanup) = storage.delete(user, std::slice::from_ref(&key)).await
            {
                tracing::error!(%cleanup, bucket = DATASETS_BUCKET, key, "could not delete the object of a failed upload");
            }
            return Err(err);
        }
    };
    tracing::info!(rows = row_count, bytes = new.file.size(), "created dataset {id}");
    Ok(detail)
}

/// What names a new dataset's row.
struct NewRow<'a> {
    id: DatasetId,
    org: OrgId,
    name: &'a str,
    source_filename: &'a str,
}

/// Records the dataset whose rows were copied, and commits.
async fn create(
    mut tx: UserTx,
    dataset: NewRow<'_>,
    format: Format,
    columns: &[String],
    row_count: u64,
    file: &SpooledFile,
) -> Result<DatasetDetail> {
    sqlx::query(
        "insert into public.dataset
           (id, org_id, name, source_filename, format, columns, row_count, byte_size, sha256)
         values ($1, $9, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(dataset.id)
    .bind(dataset.name)
    .bind(dataset.source_filename)
    .bind(format)
    .bind(columns)
    .bind(i32::try_from(row_count).expect("row counts are limited far below i32::MAX"))
    .bind(i64::try_from(file.size()).expect("uploads are limited far below i64::MAX"))
    .bind(file.sha256())
    .bind(dataset.org)
    .execute(&mut *tx)
    .await?;
    let detail = store::get(&mut tx, dataset.id).await?;
    tx.commit().await?;
    Ok(detail)
}

/// Streams the parsed rows of dataset `id` of `org` into `dataset_row` with COPY. Parsing runs
/// on a blocking thread, concurrently with the COPY. Returns the columns and row count.
///
/// COPY cannot write a table under RLS, so the rows go in as `service_role`, and only the rows:
/// the caller was checked an editor of `org` in this transaction, every value of a row is written
/// by this function (the parsed values as one escaped JSON field), and the dataset itself is
/// inserted afterwards under the policies. The foreign key, deferred to the commit, ties every row
/// to that dataset. (Through a staging table and `INSERT ... SELECT`, the rows were written twice:
/// 2.6 times a plain COPY's time.)
async fn copy_rows(
    tx: &mut UserTx,
    id: DatasetId,
    org: OrgId,
    path: &Path,
    format: Format,
    limits: &Limits,
) -> Result<(Vec<String>, u64)> {
    sqlx::query("set constraints public.dataset_row_dataset_fkey deferred")
        .execute(&mut **tx)
        .await?;
    set_role(tx, "service_role").await?;

    let (chunks_tx, mut chunks) = mpsc::channel::<Vec<u8>>(4);
    let (path, limits) = (path.to_owned(), *limits);
    // The columns every line starts with: the dataset, its organization, who uploads it.
    let prefix = format!("{id}\t{org}\t{}\t", tx.user_id());
    let parser = tokio::task::spawn_blocking(move || {
        copy_text(&path, format, &limits, prefix.as_bytes(), &chunks_tx)
    });

    let mut copy = tx
        .copy_in_raw(
            "copy public.dataset_row (dataset_id, org_id, created_by, row_index, values) from stdin",
        )
        .await?;
    let mut sent = Ok(());
    while let Some(chunk) = chunks.recv().await {
        sent = copy.send(chunk).await.map(drop);
        if sent.is_err() {
            break;
        }
    }
    drop(chunks); // a parser still running sees the channel close and stops
    let parsed = parser.await.unwrap_or_else(|panic| std::panic::resume_unwind(panic.into_panic()));
    match (sent, parsed) {
        (Ok(()), Ok(parsed)) => {
            copy.finish().await?;
            set_role(tx, API_ROLE).await?;
            Ok(parsed)
        }
        (Err(db), _) => Err(db.into()),
        (Ok(()), Err(failure)) => {
            copy.abort("the upload is invalid").await?;
            Err(match failure {
                Failure::Invalid(err) => Error::Parse(err),
                Failure::Io(err) => Error::Io(err),
                Failure::Stopped => unreachable!("the receiver stays open until the parser ends"),
            })
        }
    }
}

/// Acts as `role` until the end of the transaction, or the next change.
async fn set_role(tx: &mut UserTx, role: &'static str) -> Result<()> {
    sqlx::query("select set_config('role', $1, true)").bind(role).execute(&mut **tx).await?;
    Ok(())
}

/// Parses the file into COPY text (`<prefix><row_index>\t<json>\n`), sent on in chunks.
fn copy_text(
    path: &Path,
    format: Format,
    limits: &Limits,
    prefix: &[u8],
    out: &mpsc::Sender<Vec<u8>>,
) -> Result<(Vec<String>, u64), Failure> {
    let reader = BufReader::with_capacity(1 << 16, File::open(path).map_err(Failure::Io)?);
    let mut buf = Vec::with_capacity(CHUNK_BYTES + (1 << 16));
    let mut rows = 0u64;
    let columns = {
        let mut sink = |row: &[u8]| {
            buf.extend_from_slice(prefix);
            write!(buf, "{rows}\t").expect("writing to a Vec cannot fail");
            escape_copy_text(row, &mut buf);
            buf.push(b'\n');
            rows += 1;
            buf.len() < CHUNK_BYTES
                || out
                    .blocking_send(std::mem::replace(
                        &mut buf,
                        Vec::with_capacity(CHUNK_BYTES + (1 << 16)),
                    ))
                    .is_ok()
        };
        parse::parse(format, reader, limits, &mut sink)?
    };
    if !buf.is_empty() && out.blocking_send(buf).is_err() {
        return Err(Failure::Stopped);
    }
    Ok((columns, rows))
}

/// COPY's text format treats backslash, and the line and field separators, specially.
fn escape_copy_text(text: &[u8], out: &mut Vec<u8>) {
    for &byte in text {
        match byte {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            other => out.push(other),
        }
    }
}

/// The file name without any folders a browser may have sent along, or control characters
/// (a NUL cannot be stored; the others only confuse whoever reads the name).
fn base_name(file_name: &str) -> String {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or_default();
    let base: String = base.chars().filter(|c| !c.is_control()).collect();
    let base = base.trim();
    let base = if base.is_empty() { "upload" } else { base };
    base.chars().take(FILENAME_MAX_CHARS).collect()
}

/// The dataset's name when none is given: the file name without its extension.
fn default_name(file_name: &str) -> Name {
    let stem = file_name.rsplit_once('.').map_or(file_name, |(stem, _)| stem);
    Name::lossy(stem, "dataset")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_file_name() {
        assert_eq!(base_name(r"C:\Users\ada\My Data.csv"), "My Data.csv");
        assert_eq!(base_name("../../etc/passwd"), "passwd");
        assert_eq!(base_name("a\0b\n.csv"), "ab.csv");
        assert_eq!(default_name("My Data.csv").as_str(), "My Data");
        assert_eq!(default_name(".csv").as_str(), "dataset");
    }

    #[test]
    fn copy_text_escapes_what_copy_treats_specially() {
        let mut out = Vec::new();
        escape_copy_text(b"{\"a\":\"x\\\"y\",\n\t\"b\":1}\r", &mut out);
        assert_eq!(out, b"{\"a\":\"x\\\\\"y\",\\n\\t\"b\":1}\\r");
    }
}
