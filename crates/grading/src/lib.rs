//! Grading, as pure logic: reading an LLM judge's verdict, deterministic checks of an output,
//! and the statistics of a run's grades (intervals, agreement, paired comparison).
//! No I/O: the worker and the summaries call into it.

mod checks;
pub mod stats;
mod verdict;

pub use checks::{Check, CheckKind, CheckResult, CompiledCheck};
pub use verdict::{ParseError, ScoreScale, Verdict, parse_verdict};
