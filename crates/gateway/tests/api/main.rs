//! API tests: the real router, in process, over a fresh database per test (real migrations, real
//! RLS), as users A, B and C.

mod analytics;
mod api_keys;
mod auth;
mod datasets;
mod deployments;
mod errors;
mod grading;
mod health;
mod openapi;
mod orgs;
mod prompts;
mod provider_keys;
mod refinement;
mod regrading;
mod runs;
mod snapshots;
mod support;
mod tenants;
mod webhooks;
