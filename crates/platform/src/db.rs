//! Database access the way PostgREST does it: every unit of work is one transaction that first
//! switches to an API role and sets the verified JWT claims (transaction-local), so the Row Level
//! Security policies written against `auth.uid()` apply unchanged.
//!
//! The role is [`API_ROLE`], not `authenticated`: it is a member of `authenticated` (so every
//! policy written for `authenticated` applies to it) and the only role that may write. Supabase
//! lets any signed-in user act as `authenticated` through PostgREST with their own token, so that
//! role may only read; writes carry rules (limits, ids, snapshots) that only this API enforces.
//!
//! The pool logs in as a role that holds no privileges of its own (like Supabase's
//! `authenticator`), so a query that somehow skipped the switch fails with "permission denied"
//! instead of leaking. Domain code receives a [`UserTx`] (or, for workers, a [`ServiceTx`]) and
//! never the pool. Every user transaction carries a `statement_timeout` and an
//! `idle_in_transaction_session_timeout`: switching role inside a session does not apply the
//! role's own settings, and one slow statement or one stalled client must not hold a pooled
//! connection.

pub mod migrate;

use std::{
    ops::{Deref, DerefMut},
    time::Duration,
};

use secrecy::{ExposeSecret, SecretString};
use sqlx::{
    Executor, PgConnection, PgPool, Postgres, Transaction,
    postgres::{PgConnectOptions, PgPoolOptions, PgRow},
};
use uuid::Uuid;

use crate::auth::User;

/// The role user transactions act as: a member of `authenticated` that alone may write.
pub const API_ROLE: &str = "promptrefine_api";

/// Connection pool settings.
#[derive(Debug, Clone)]
pub struct DbConfig {
    pub url: SecretString,
    pub max_connections: u32,
    pub acquire_timeout: Duration,
    /// Bounds of the transaction of a request.
    pub request: TxLimits,
    /// Bounds of bulk transactions (a dataset upload streams its rows in one long statement).
    pub bulk: TxLimits,
}

impl DbConfig {
    pub fn new(url: SecretString) -> Self {
        Self {
            url,
            max_connections: 16,
            acquire_timeout: Duration::from_secs(5),
            request: TxLimits::REQUEST,
            bulk: TxLimits::BULK,
        }
    }
}

/// How long one user transaction may spend in a statement, and waiting for its client between
/// statements. Past either, PostgreSQL cancels the statement (a 503 `database_timeout`) or ends
/// the session, and the pooled connection is free again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TxLimits {
    pub statement_timeout: Duration,
    pub idle_timeout: Duration,
}

impl TxLimits {
    /// Supabase gives `authenticated` 8 s per statement; a request has no reason to sit idle.
    pub const REQUEST: Self =
        Self { statement_timeout: Duration::from_secs(8), idle_timeout: Duration::from_secs(10) };
    /// A 50 MiB upload copies its rows in one statement and stores its file inside the
    /// transaction.
    pub const BULK: Self = Self {
        statement_timeout: Duration::from_secs(300),
        idle_timeout: Duration::from_secs(300),
    };
}

/// The application's database: a pool of `authenticator`-like connections.
#[derive(Debug, Clone)]
pub struct Db {
    pool: PgPool,
    request: TxLimits,
    bulk: TxLimits,
}

impl Db {
    pub async fn connect(config: &DbConfig) -> Result<Self, sqlx::Error> {
        let options: PgConnectOptions = config.url.expose_secret().parse()?;
        let options = options.application_name("promptrefine");
        let pool = PgPoolOptions::new()
            .max_connections(config.max_connections)
            .acquire_timeout(config.acquire_timeout)
            // sqlx already pings every connection when it returns to the pool; a second ping on
            // acquire would add a round trip to every request.
            .test_before_acquire(false)
            .connect_with(options)
            .await?;
        Ok(Self { pool, request: config.request, bulk: config.bulk })
    }

    /// Starts a transaction that acts as `user` (role [`API_ROLE`], `request.jwt.claims` set)
    /// within the request limits.
    pub async fn begin_as(&self, user: &User) -> Result<UserTx, sqlx::Error> {
        self.begin_with_limits(user, self.request).await
    }

    /// Like [`Db::begin_as`], within the (longer) bulk limits.
    pub async fn begin_bulk_as(&self, user: &User) -> Result<UserTx, sqlx::Error> {
        self.begin_with_limits(user, self.bulk).await
    }

    /// Like [`Db::begin_as`], with a commit that does not wait for the disk
    /// (`synchronous_commit = off`): a database crash can lose its last few milliseconds of such
    /// commits, never corrupt them. For writes on the hot path of a deployment's call whose loss
    /// costs nothing lasting (rate-limit tokens, a cached answer, a row of the call log): the
    /// fsync would otherwise add to every call, and a rate bucket's row lock would be held
    /// through it, serializing a key's calls.
    pub async fn begin_async_commit_as(&self, user: &User) -> Result<UserTx, sqlx::Error> {
        self.begin_with(user, self.request, true).await
    }

    /// Runs one `statement` as `user` in a transaction of its own, sent together with BEGIN, the
    /// context and COMMIT in one simple-protocol message: one round trip, and the row locks the
    /// statement takes are held only while it runs, never across the network. Its commit does not
    /// wait for the disk (see [`Db::begin_async_commit_as`]). For a hot row many requests update
    /// (a rate bucket). The first row the statement returns, if any.
    ///
    /// The simple protocol binds no parameters: every value in `statement` must be written with
    /// [`sql_literal`] (or be a number the caller formatted).
    pub async fn fetch_at_once_as(
        &self,
        user: &User,
        statement: &str,
    ) -> Result<Option<PgRow>, sqlx::Error> {
        let sql = format!("{}; {statement}; commit", begin_as(user, self.request, true));
        let mut conn = self.pool.acquire().await?;
        // (`Executor::fetch_optional`: `RawSql::fetch_optional` fails on no row in sqlx 0.8.)
        match conn.fetch_optional(sqlx::raw_sql(&sql)).await {
            Ok(row) => Ok(row),
            Err(error) => {
                // The message stopped at the failing statement, inside the transaction: this
                // connection is not returned to the pool in that state.
                let _ = conn.close().await;
                Err(error)
            }
        }
    }

    async fn begin_with_limits(
        &self,
        user: &User,
        limits: TxLimits,
    ) -> Result<UserTx, sqlx::Error> {
        self.begin_with(user, limits, false).await
    }

    async fn begin_with(
        &self,
        user: &User,
        limits: TxLimits,
        async_commit: bool,
    ) -> Result<UserTx, sqlx::Error> {
        // BEGIN and the context travel in one simple-protocol message: one round trip.
        let tx = self.pool.begin_with(begin_as(user, limits, async_commit)).await?;
        Ok(UserTx { tx, user_id: user.id() })
    }

    /// Starts a transaction as the API's role with no claims: it sees no row. For what a request
    /// needs before it knows whom it is for (looking its API key up, through a function).
    pub async fn begin_unauthenticated(
        &self,
    ) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
        let begin = format!(
            "begin; set local role {API_ROLE}; set local statement_timeout = {}",
            self.request.statement_timeout.as_millis()
        );
        self.pool.begin_with(begin).await
    }

    /// Starts a transaction as `service_role`, which bypasses RLS. Only for background work
    /// (workers, housekeeping); never on behalf of a request.
    ///
    /// Its commit does not wait for the disk (`synchronous_commit = off`): a database crash can
    /// lose the last few milliseconds of such commits, which background work is built to redo
    /// (a lost result is a cell whose lease expires and is run again), and in exchange every
    /// claim and result write skips an fsync. Nor does it compile queries (`jit = off`): the
    /// workers' statements are short and frequent, and a compile costs more than they do.
    pub async fn begin_service(&self) -> Result<ServiceTx, sqlx::Error> {
        let tx = self
            .pool
            .begin_with(
                "begin; set local role service_role; set local synchronous_commit = off; \
                 set local jit = off",
            )
            .await?;
        Ok(ServiceTx { tx })
    }

    /// Deletes the rows of `table` created more than `age` ago, as `service_role`, a batch per
    /// short transaction (no long lock, no huge WAL burst): how many. `table` is a name from the
    /// code, never input. Rows are picked by their physical address (`ctid`), read in the same
    /// statement, so any table works whatever its key. Background work, never on behalf of a
    /// request.
    pub async fn sweep(&self, table: &'static str, age: Duration) -> Result<u64, sqlx::Error> {
        const BATCH: i64 = 10_000;
        let statement = format!(
            "delete from {table} where ctid = any (array(
               select ctid from {table} where created_at < now() - $1 * interval '1 second'
               limit $2))"
        );
        let mut deleted = 0;
        loop {
            let mut tx = self.begin_service().await?;
            let batch = sqlx::query(&statement)
                .bind(age.as_secs_f64())
                .bind(BATCH)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            tx.commit().await?;
            deleted += batch;
            if batch < BATCH as u64 {
                return Ok(deleted);
            }
        }
    }

    /// Whether the database answers.
    pub async fn is_ready(&self) -> bool {
        sqlx::query("select 1").execute(&self.pool).await.is_ok()
    }

    /// The pool itself, for what cannot run in a role-switched transaction (LISTEN).
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

/// A transaction acting as one user, under RLS.
#[derive(Debug)]
pub struct UserTx {
    tx: Transaction<'static, Postgres>,
    user_id: Uuid,
}

impl UserTx {
    /// The user this transaction acts for (what `auth.uid()` returns inside it).
    pub fn user_id(&self) -> Uuid {
        self.user_id
    }

    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

/// A transaction as `service_role` (bypasses RLS).
#[derive(Debug)]
pub struct ServiceTx {
    tx: Transaction<'static, Postgres>,
}

impl ServiceTx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

macro_rules! deref_to_connection {
    ($($ty:ty),*) => {$(
        impl Deref for $ty {
            type Target = PgConnection;
            fn deref(&self) -> &PgConnection {
                &self.tx
            }
        }
        impl DerefMut for $ty {
            fn deref_mut(&mut self) -> &mut PgConnection {
                &mut self.tx
            }
        }
    )*};
}
deref_to_connection!(UserTx, ServiceTx);

/// BEGIN and the context of a transaction acting as `user`, as simple-protocol commands. The
/// simple protocol caches no plan, so the context is set by `SET LOCAL` commands, which
/// PostgreSQL runs without planning (one `SELECT set_config(...)` was planned anew on every
/// request). The claims were verified, but they still carry user-chosen text (email, metadata),
/// so they are written as an escaped literal, never spliced raw.
fn begin_as(user: &User, limits: TxLimits, async_commit: bool) -> String {
    format!(
        "begin; set local role {API_ROLE}; set local request.jwt.claims = {}; \
         set local statement_timeout = {}; set local idle_in_transaction_session_timeout = {}{}",
        sql_literal(user.claims_json()),
        limits.statement_timeout.as_millis(),
        limits.idle_timeout.as_millis(),
        if async_commit { "; set local synchronous_commit = off" } else { "" },
    )
}

/// `value` as a PostgreSQL escape-string literal (`E'...'`). Backslashes and quotes are doubled;
/// an `E''` literal means the same whatever `standard_conforming_strings` says.
pub fn sql_literal(value: &str) -> String {
    let mut literal = String::with_capacity(value.len() + 3);
    literal.push_str("E'");
    for c in value.chars() {
        match c {
            '\'' => literal.push_str("''"),
            '\\' => literal.push_str("\\\\"),
            c => literal.push(c),
        }
    }
    literal.push('\'');
    literal
}

/// How a database error should be reported, independent of which query failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbFailure {
    /// No connection could be had in time, or the server went away: retry later (503).
    Unavailable,
    /// A statement was cancelled by `statement_timeout` (503: the request was too heavy).
    Timeout,
    /// The token's user has no row in `auth.users` (deleted, or never created).
    UnknownUser,
    /// Anything else: a bug or an unexpected state (500).
    Internal,
}

/// Classifies `err` for the API's error mapping.
pub fn classify(err: &sqlx::Error) -> DbFailure {
    match err {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
            DbFailure::Unavailable
        }
        sqlx::Error::Database(db) => match db.code().as_deref() {
            Some("57014") => DbFailure::Timeout,
            // The session sat idle in its transaction past its limit and was ended.
            Some("25P03") => DbFailure::Timeout,
            // Admin shutdown, cannot connect now, too many connections.
            Some("57P01" | "57P03" | "53300") => DbFailure::Unavailable,
            // The user, or their personal organization (which goes with them), is gone.
            Some("23503")
                if db.constraint().is_some_and(|c| {
                    c.ends_with("_created_by_fkey") || c.ends_with("_org_id_fkey")
                }) =>
            {
                DbFailure::UnknownUser
            }
            _ => DbFailure::Internal,
        },
        _ => DbFailure::Internal,
    }
}

/// `err` for a log line: what failed and where (SQLSTATE, constraint, table, column, message),
/// never the values. PostgreSQL's DETAIL and CONTEXT quote the offending row (a failed COPY
/// shows the whole dataset row), so they are left out.
pub fn describe(err: &sqlx::Error) -> String {
    let sqlx::Error::Database(db) = err else { return err.to_string() };
    let mut text = format!("SQLSTATE {}", db.code().unwrap_or_default());
    if let Some(pg) = db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
        for (label, value) in
            [("table", pg.table()), ("column", pg.column()), ("constraint", pg.constraint())]
        {
            if let Some(value) = value {
                text.push_str(&format!(", {label} {value}"));
            }
        }
    }
    text.push_str(": ");
    text.push_str(db.message());
    text
}

/// The name of the constraint `err` violated, if it is a constraint violation.
pub fn violated_constraint(err: &sqlx::Error) -> Option<&str> {
    match err {
        sqlx::Error::Database(db) => db.constraint(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::sql_literal;

    #[test]
    fn literals_double_quotes_and_backslashes() {
        assert_eq!(sql_literal(r#"{"a":"it's"}"#), r#"E'{"a":"it''s"}'"#);
        assert_eq!(sql_literal(r#"\'); drop"#), r#"E'\\''); drop'"#);
    }
}
