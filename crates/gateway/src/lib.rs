//! The PromptRefine HTTP API: an axum gateway in front of the domain crates, speaking JSON,
//! answering errors as problem+json, and documenting itself with OpenAPI.

pub mod app;
pub mod cli;
pub mod dev;
pub mod error;
pub mod extract;
pub mod metrics;
pub mod middleware;
pub mod openapi;
pub mod request_id;
pub mod routes;
pub mod server;
pub mod settings;
pub mod state;
pub mod streams;
pub mod telemetry;
