//! Runs: one prompt version against 1-4 models over every row of a dataset (or one set of
//! variables). Creating a run validates everything first, then snapshots what it depends on
//! and inserts one cell per (model, row) in one transaction. The cells are the queue: workers
//! in any number of processes claim them with `FOR UPDATE SKIP LOCKED` and a lease, call the
//! model, and write the result only while they still hold the lease.

mod create;
pub mod events;
mod export;
mod grades;
mod model;
mod render;
mod store;
mod summary;
pub mod worker;

pub use create::create;
pub use export::{Export, ExportFormat, export};
pub use grades::grade_cell;
pub use model::{
    Cell, CellCounts, CellDetail, CellStatus, GradeEntry, GradeStatus, GradeValue, Grading,
    ModelTotals, NewGrader, NewRun, NewRunModel, PromptRef, Run, RunDetail, RunFilter, RunModel,
    RunStatus,
};
pub use render::render;
pub use store::{cancel, delete, get, get_cell, list, list_cells, retry_cell};
pub use summary::{
    Comparison, ModelComparison, ModelSummary, Paired, RunSummary, compare, summary,
};
use uuid::Uuid;

/// Bounds on what one run may ask for.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Cells per run: rows x models.
    pub max_cells: i64,
}

impl Default for Limits {
    fn default() -> Self {
        Self { max_cells: 100_000 }
    }
}

/// One thing wrong with a run request, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// The request field: `prompt_id`, `dataset_id`, `models[1]`, `grader.model`, ...
    pub field: String,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the run is invalid")]
    Invalid(Vec<Invalid>),
    #[error("run {0} not found")]
    NotFound(Uuid),
    #[error("cell {cell_id} of run {run_id} not found")]
    CellNotFound { run_id: Uuid, cell_id: Uuid },
    /// The run or cell is not in a state that allows this; `code` says which.
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    #[error(transparent)]
    InvalidCursor(#[from] platform::pagination::InvalidCursor),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
