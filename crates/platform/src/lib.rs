//! Supabase platform adapters shared by every domain crate: settings helpers, database access with
//! Row Level Security, JWT verification, keyset pagination, and a private local PostgreSQL for
//! `promptrefine dev` and the tests.

pub mod address;
pub mod auth;
pub mod db;
pub mod env;
pub mod ids;
pub mod local_pg;
pub mod name;
pub mod pagination;
pub mod slug;
pub mod storage;
pub mod tenancy;
#[cfg(feature = "testing")]
pub mod testing;

pub use auth::{AuthError, JwtVerifier, User};
pub use db::{Db, ServiceTx, UserTx};
pub use name::Name;
pub use slug::Slug;
pub use tenancy::{OrgId, Role};
