//! Prompts (generators and graders) and their immutable, numbered versions.
//!
//! Every function takes the caller's [`UserTx`](platform::UserTx): Row Level Security decides
//! what the user can see, so a prompt of an organization they are not in is simply "not found".
//! Changes need the editor role in the prompt's organization.

mod model;
pub mod placeholders;
mod store;

pub use model::{
    NewPrompt, NewVersion, Prompt, PromptChanges, PromptDetail, PromptFilter, PromptId, PromptKind,
    PromptVersion, PromptVersionId, SavedVersion,
};
pub use store::{
    create, delete, get, get_version, list, list_versions, promote_version, restore, save_draft,
    save_version, update,
};
/// Limits on what a prompt may hold (also enforced by the table's check constraints).
pub mod limits {
    pub const DESCRIPTION_MAX_CHARS: u64 = 5000;
    pub const TAGS_MAX: u64 = 20;
    pub const TAG_MAX_CHARS: u64 = 50;
    pub const BODY_MAX_BYTES: usize = 100 * 1024;
    pub const NOTE_MAX_CHARS: u64 = 1000;
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("prompt {0} not found")]
    NotFound(PromptId),
    #[error("prompt {prompt_id} has no version {version}")]
    VersionNotFound { prompt_id: PromptId, version: i32 },
    #[error("prompt {0} is served by deployments; delete them first")]
    InUse(PromptId),
    #[error(transparent)]
    Access(#[from] platform::tenancy::AccessError),
    #[error(transparent)]
    InvalidCursor(#[from] platform::pagination::InvalidCursor),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
