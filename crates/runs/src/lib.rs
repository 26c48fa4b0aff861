//! Runs: one prompt version against 1-4 models over every row of a dataset (or one set of
//! variables). Creating a run validates everything first, then snapshots what it depends on
//! and inserts one cell per (model, row) in one transaction. The cells are the queue: workers
//! in any number of processes claim them with `FOR UPDATE SKIP LOCKED` and a lease, call the
//! model, and write the result only while they still hold the lease.

mod create;
mod estimate;
pub mod events;
mod export;
mod grades;
mod model;
mod passes;
pub mod queue;
mod render;
mod rerun;
mod store;
mod summary;
mod tickets;
pub mod worker;

pub use create::create;
pub use estimate::{
    InputCost, ModelEstimate, OutputBasis, Preview, PreviewRequest, PreviewSource, RunEstimate,
    estimate, preview,
};
pub use export::{Export, ExportFormat, export};
pub use grades::grade_cell;
pub use model::{
    Cell, CellCounts, CellError, CellGrading, CellId, CellStatus, Changes, ErrorKind, Generation,
    GradeEntry, GradeStatus, GradeValue, Grading, Judgement, ManualGrade, NewGrader, NewRun,
    NewRunModel, PromptRef, Run, RunDetail, RunFilter, RunId, RunListItem, RunModel, RunModelId,
    RunPrompt, RunStatus,
};
pub use passes::{
    GradingPass, GradingPassId, PassStatus, Regrade, list_passes, regrade, regrade_cell,
};
pub use render::render;
pub use rerun::{Rerun, rerun};
pub use store::{cancel, changes, delete, get, get_cell, list, list_cells, retry_cell};
pub use summary::{
    Comparison, CostTotals, LatencyStats, ModelComparison, ModelSummary, Paired, RunSummary,
    TokenTotals, compare, summary,
};
pub use tickets::{EventTicket, issue_ticket, redeem_ticket};

/// Bounds on what one run, and one tenant, may ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Cells per run: rows x models.
    pub max_cells: i64,
    /// Bytes a cell's prompt (its system message, its grader's prompt) may render to. A short
    /// template that repeats a long value would otherwise make megabytes per cell.
    pub max_rendered_prompt_bytes: usize,
    /// Bytes kept of a model's (or a grader's) answer; the rest is cut and the cell says so.
    pub max_output_bytes: usize,
    /// Cells one tenant may have queued at once, all runs together.
    pub max_queued_cells_per_tenant: i64,
    /// Runs one tenant may create per minute (a bucket of that many, refilled continuously).
    pub max_runs_per_minute: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_cells: 100_000,
            max_rendered_prompt_bytes: 1 << 20,
            max_output_bytes: 1 << 20,
            max_queued_cells_per_tenant: 200_000,
            max_runs_per_minute: 60,
        }
    }
}

/// One thing wrong with a run request, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// The request field: `prompt_id`, `dataset_id`, `models[1]`, `grader.model`, ...
    pub field: String,
    pub message: String,
}

/// What went wrong. Messages are for logs; the API words its own answers from the fields.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the run is invalid")]
    Invalid(Vec<Invalid>),
    #[error("run {0} not found")]
    NotFound(RunId),
    #[error("cell {cell_id} of run {run_id} not found")]
    CellNotFound { run_id: RunId, cell_id: CellId },
    /// Only a queued or running run can be cancelled.
    #[error("run {run_id} is already {status:?}")]
    RunFinished { run_id: RunId, status: RunStatus },
    /// A cancelled run's cells cannot be retried.
    #[error("run {run_id} is cancelled")]
    RunCancelled { run_id: RunId },
    /// Only a failed cell can be retried.
    #[error("cell {cell_id} is {status:?}, not failed")]
    CellNotFailed { cell_id: CellId, status: CellStatus },
    /// A run is graded again only once its cells are done.
    #[error("run {run_id} is still {status:?}")]
    RunNotFinished { run_id: RunId, status: RunStatus },
    /// A pass (or a cell's regrading) of the run is still grading.
    #[error("run {run_id} is being graded")]
    RegradeInProgress { run_id: RunId },
    /// No cell has an output, or nothing (no grader, no assertion) grades them.
    #[error("run {run_id} has nothing to grade")]
    NothingToGrade { run_id: RunId },
    #[error("run {run_id} has {limit} grading passes already")]
    TooManyPasses { run_id: RunId, limit: i32 },
    #[error("run {run_id} has no grading pass {number}")]
    PassNotFound { run_id: RunId, number: i32 },
    /// Only a succeeded cell has an output to grade.
    #[error("cell {cell_id} is {status:?}, not succeeded")]
    CellNotGradable { cell_id: CellId, status: CellStatus },
    /// The tenant's queue is full: its queued cells and the new run's would pass the limit.
    #[error("{queued} cells are queued and the run adds {adding}; the limit is {limit}")]
    QueueFull { limit: i64, queued: i64, adding: i64 },
    /// The tenant created runs faster than the limit allows.
    #[error("more than {limit} runs per minute")]
    RateLimited { limit: u32, retry_after: std::time::Duration },
    #[error(transparent)]
    InvalidCursor(#[from] platform::pagination::InvalidCursor),
    #[error(transparent)]
    Access(#[from] platform::tenancy::AccessError),
    #[error(transparent)]
    Dataset(#[from] datasets::Error),
    #[error(transparent)]
    Prompt(#[from] prompts::Error),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl Error {
    /// This error for a log line, without the data a database error may quote.
    pub fn describe(&self) -> String {
        match self {
            Self::Db(error)
            | Self::Dataset(datasets::Error::Db(error))
            | Self::Prompt(prompts::Error::Db(error)) => platform::db::describe(error),
            other => other.to_string(),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
