//! Test support: one throwaway PostgreSQL cluster per test binary, a template database with the
//! shim and every migration applied, one fresh database per test cloned from it (cheap), and two
//! users, A and B, with tokens.
//!
//! Tests connect as `promptrefine_gateway`, exactly like the gateway: never as a superuser or a
//! table owner, so Row Level Security is really exercised.

use std::{path::PathBuf, time::Duration};

use secrecy::SecretString;
use serde_json::{Map, Value, json};
use tokio::sync::OnceCell;
use uuid::Uuid;

use crate::{
    JwtVerifier, User,
    auth::{AccessTokenClaims, VerifierConfig, mint_hs256},
    db::{Db, DbConfig},
    local_pg::{LocalPgOptions, LocalPostgres, PgBinaries},
};

/// The HS256 secret test tokens are signed with.
pub const JWT_SECRET: &str = "promptrefine-test-jwt-secret-of-at-least-32-characters";

const TEMPLATE: &str = "app_template";
const DIR_PREFIX: &str = "promptrefine-test-pg-";

/// A user of the tests, present in `auth.users` of every test database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TestUser {
    pub id: Uuid,
    pub email: &'static str,
}

pub const USER_A: TestUser = TestUser {
    id: Uuid::from_u128(0xa11ce000_0000_4000_8000_00000000000a),
    email: "a@example.test",
};
pub const USER_B: TestUser = TestUser {
    id: Uuid::from_u128(0xb0b00000_0000_4000_8000_00000000000b),
    email: "b@example.test",
};
/// A third user, for tests of teams (where A and B are in one).
pub const USER_C: TestUser = TestUser {
    id: Uuid::from_u128(0xca201000_0000_4000_8000_00000000000c),
    email: "c@example.test",
};

impl TestUser {
    /// A valid access token for this user, signed with [`JWT_SECRET`].
    pub fn token(&self) -> String {
        let claims = AccessTokenClaims::user(
            self.id,
            Some(self.email.to_owned()),
            None,
            Duration::from_secs(3600),
        );
        mint_hs256(&jwt_secret(), &claims)
    }

    /// The identity the gateway derives from [`TestUser::token`], token included (what Supabase
    /// Storage needs).
    pub async fn verified(&self) -> User {
        let config = VerifierConfig { hs256_secret: Some(jwt_secret()), ..Default::default() };
        JwtVerifier::new(config, reqwest::Client::new())
            .verify(&self.token())
            .await
            .expect("test tokens verify")
    }

    /// The identity the gateway would derive from [`TestUser::token`], without the token.
    pub fn user(&self) -> User {
        let claims: Map<String, Value> = serde_json::from_value(json!({
            "sub": self.id, "email": self.email, "role": "authenticated", "aud": "authenticated"
        }))
        .expect("claims are an object");
        User::from_trusted_claims(self.id, &claims)
    }
}

pub fn jwt_secret() -> SecretString {
    JWT_SECRET.into()
}

/// A fresh database of its own for one test, reached as `promptrefine_gateway`.
#[derive(Debug)]
pub struct TestDb {
    pub db: Db,
    url: SecretString,
    name: String,
}

impl TestDb {
    pub async fn new() -> Self {
        let cluster = cluster().await;
        let name = format!("test_{}", Uuid::new_v4().simple());
        let mut admin =
            cluster.pg.connect_superuser("postgres").await.expect("superuser connection");
        sqlx::raw_sql(&format!("create database {name} template {TEMPLATE}"))
            .execute(&mut admin)
            .await
            .expect("clone the template database");
        let url = cluster.pg.app_url(&name).expect("gateway URL");
        let db = Db::connect(&DbConfig::new(url.clone())).await.expect("connect as the gateway");
        Self { db, url, name }
    }

    /// The gateway's URL of this database, for a server process or a pool of other settings.
    pub fn url(&self) -> &SecretString {
        &self.url
    }

    /// A superuser connection to this database: only to set up what the API can no longer
    /// write (rows from before a fix, a forged row), never to check what users see.
    pub async fn superuser(&self) -> sqlx::PgConnection {
        cluster().await.pg.connect_superuser(&self.name).await.expect("superuser connection")
    }
}

struct Cluster {
    pg: LocalPostgres,
}

static CLUSTER: OnceCell<Cluster> = OnceCell::const_new();

async fn cluster() -> &'static Cluster {
    CLUSTER
        .get_or_init(|| async {
            remove_stale_clusters();
            let binaries = PgBinaries::find().expect("PostgreSQL binaries for the tests");
            let options = LocalPgOptions { dir: cluster_dir(std::process::id()), durable: false };
            let pg = LocalPostgres::start(&binaries, &options).await.expect("start PostgreSQL");
            pg.prepare_app_database(TEMPLATE).await.expect("migrate the template");
            for user in [USER_A, USER_B, USER_C] {
                pg.ensure_user(TEMPLATE, user.id, user.email).await.expect("create test users");
            }
            Cluster { pg }
        })
        .await
}

fn cluster_dir(pid: u32) -> PathBuf {
    std::env::temp_dir().join(format!("{DIR_PREFIX}{pid}"))
}

/// Servers die with their test binary, but their folders stay; remove those of finished runs.
fn remove_stale_clusters() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|n| n.strip_prefix(DIR_PREFIX)) else { continue };
        if pid.parse::<u32>().is_ok() && !PathBuf::from(format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}
