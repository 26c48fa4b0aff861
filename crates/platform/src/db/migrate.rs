//! Applies `supabase/migrations/*.sql` (embedded at build time) in order, once each, recording
//! them in the Supabase CLI's own history table, so `supabase db push` and `promptrefine migrate`
//! agree on what a database already has.

use sqlx::{Connection, PgConnection};

/// One embedded SQL file.
#[derive(Debug)]
pub(crate) struct SqlFile {
    pub(crate) file_name: &'static str,
    pub(crate) sql: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/sql_files.rs"));

/// Serializes concurrent migrators (several gateway replicas starting at once).
const LOCK_KEY: i64 = 0x7072_6f6d_7074;

#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error("migration file {0} is not named <timestamp>_<name>.sql")]
    BadFileName(&'static str),
    #[error("{file} failed: {source}")]
    Sql {
        file: &'static str,
        #[source]
        source: sqlx::Error,
    },
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Applies the local shim (`supabase/local/*.sql`): the Supabase roles, `auth` and `storage`
/// schemas that vanilla PostgreSQL lacks. Idempotent; needs a superuser. Never run it against
/// a real Supabase project.
pub async fn apply_local_shim(conn: &mut PgConnection) -> Result<(), MigrateError> {
    locked(conn, async |conn| {
        for file in LOCAL_SHIM {
            run_file(conn, file, None).await?;
        }
        Ok(())
    })
    .await
}

/// Applies the migrations this database does not have yet; returns their file names.
pub async fn apply_migrations(conn: &mut PgConnection) -> Result<Vec<&'static str>, MigrateError> {
    locked(conn, async |conn| {
        sqlx::raw_sql(
            "create schema if not exists supabase_migrations;
             create table if not exists supabase_migrations.schema_migrations (
               version text primary key, statements text[], name text)",
        )
        .execute(&mut *conn)
        .await?;
        let applied: Vec<String> =
            sqlx::query_scalar("select version from supabase_migrations.schema_migrations")
                .fetch_all(&mut *conn)
                .await?;

        let mut newly_applied = Vec::new();
        for file in MIGRATIONS {
            let (version, name) = version_and_name(file)?;
            if applied.iter().any(|v| v == version) {
                continue;
            }
            run_file(conn, file, Some((version, name))).await?;
            tracing::info!(migration = file.file_name, "applied migration");
            newly_applied.push(file.file_name);
        }
        Ok(newly_applied)
    })
    .await
}

/// The file names of every embedded migration, in order.
pub fn migration_names() -> impl Iterator<Item = &'static str> {
    MIGRATIONS.iter().map(|file| file.file_name)
}

async fn locked<T>(
    conn: &mut PgConnection,
    work: impl AsyncFnOnce(&mut PgConnection) -> Result<T, MigrateError>,
) -> Result<T, MigrateError> {
    sqlx::query("select pg_advisory_lock($1)").bind(LOCK_KEY).execute(&mut *conn).await?;
    let result = work(conn).await;
    sqlx::query("select pg_advisory_unlock($1)").bind(LOCK_KEY).execute(&mut *conn).await?;
    result
}

/// Runs one file in its own transaction, recording it in the history when `record` is given.
async fn run_file(
    conn: &mut PgConnection,
    file: &'static SqlFile,
    record: Option<(&str, &str)>,
) -> Result<(), MigrateError> {
    let sql_error = |source| MigrateError::Sql { file: file.file_name, source };
    let mut tx = conn.begin().await?;
    sqlx::raw_sql(file.sql).execute(&mut *tx).await.map_err(sql_error)?;
    if let Some((version, name)) = record {
        sqlx::query(
            "insert into supabase_migrations.schema_migrations (version, name, statements)
             values ($1, $2, array[$3])",
        )
        .bind(version)
        .bind(name)
        .bind(file.sql)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

fn version_and_name(file: &'static SqlFile) -> Result<(&'static str, &'static str), MigrateError> {
    file.file_name
        .strip_suffix(".sql")
        .and_then(|stem| stem.split_once('_'))
        .filter(|(version, _)| !version.is_empty() && version.bytes().all(|b| b.is_ascii_digit()))
        .ok_or(MigrateError::BadFileName(file.file_name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_migration_is_named_like_the_supabase_cli_expects() {
        assert!(!MIGRATIONS.is_empty());
        for file in MIGRATIONS {
            let (version, _) = version_and_name(file).unwrap();
            assert_eq!(version.len(), 14, "{} has no UTC YYYYMMDDHHMMSS prefix", file.file_name);
        }
        let names: Vec<_> = migration_names().collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(names, sorted);
    }
}
