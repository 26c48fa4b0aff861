//! What prompts and versions are, and what callers send to change them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What a prompt is for: producing outputs, or grading them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[serde(rename_all = "lowercase")]
#[sqlx(type_name = "prompt_kind", rename_all = "lowercase")]
pub enum PromptKind {
    Generator,
    Grader,
}

/// A prompt, with the number of its current and latest versions.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Prompt {
    pub id: Uuid,
    pub name: String,
    pub kind: PromptKind,
    pub tags: Vec<String>,
    pub description: Option<String>,
    pub current_version: i32,
    pub latest_version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One immutable version of a prompt's body.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PromptVersion {
    pub id: Uuid,
    pub prompt_id: Uuid,
    pub version: i32,
    pub body: String,
    pub placeholders: Vec<String>,
    pub body_sha256: String,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A prompt with its current version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromptDetail {
    pub prompt: Prompt,
    pub current_version: PromptVersion,
}

/// A new prompt and the body of its version 1.
#[derive(Debug, Clone)]
pub struct NewPrompt {
    pub name: String,
    pub kind: PromptKind,
    pub tags: Vec<String>,
    pub description: Option<String>,
    pub body: String,
    pub note: Option<String>,
}

/// Changes to a prompt's metadata; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct PromptChanges {
    pub name: Option<String>,
    pub tags: Option<Vec<String>>,
    /// `Some(None)` clears the description.
    pub description: Option<Option<String>>,
}

impl PromptChanges {
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.tags.is_none() && self.description.is_none()
    }
}

/// The body of a new version.
#[derive(Debug, Clone)]
pub struct NewVersion {
    pub body: String,
    pub note: Option<String>,
}

/// The outcome of saving a version: a body identical to the current version's creates nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedVersion {
    pub version: PromptVersion,
    pub created: bool,
}

/// Which prompts to list.
#[derive(Debug, Clone, Default)]
pub struct PromptFilter {
    pub kind: Option<PromptKind>,
    /// Prompts carrying this tag.
    pub tag: Option<String>,
    /// Prompts whose name contains this text (case-insensitive).
    pub name_contains: Option<String>,
}
