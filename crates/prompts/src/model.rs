//! What prompts and versions are, as stored and as the API shows them, and what callers send to
//! change them.

use chrono::{DateTime, Utc};
use platform::{Name, OrgId};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

platform::typed_id!(
    /// A prompt's id.
    PromptId
);
platform::typed_id!(
    /// The id of one version of a prompt.
    PromptVersionId
);

/// What a prompt is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
#[sqlx(type_name = "prompt_kind", rename_all = "lowercase")]
pub enum PromptKind {
    /// Produces outputs from a dataset row.
    Generator,
    /// Grades a generator's output (sees `{{output}}`, `{{input}}`, `{{expected}}`).
    Grader,
}

/// A prompt, without its body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = PromptView))]
pub struct Prompt {
    #[cfg_attr(feature = "openapi", schema(value_type = uuid::Uuid))]
    pub id: PromptId,
    /// The organization the prompt belongs to.
    #[cfg_attr(feature = "openapi", schema(value_type = uuid::Uuid))]
    pub org_id: OrgId,
    /// Who made it (null once that user is deleted).
    pub created_by: Option<Uuid>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "Support reply"))]
    pub name: Name,
    pub kind: PromptKind,
    pub tags: Vec<String>,
    pub description: Option<String>,
    /// The number of the current version.
    #[cfg_attr(feature = "openapi", schema(example = 3))]
    pub current_version: i32,
    /// The highest version number (above `current_version` after a restore).
    #[cfg_attr(feature = "openapi", schema(example = 4))]
    pub latest_version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One immutable version of a prompt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = VersionView))]
pub struct PromptVersion {
    #[cfg_attr(feature = "openapi", schema(value_type = uuid::Uuid))]
    pub id: PromptVersionId,
    #[cfg_attr(feature = "openapi", schema(value_type = uuid::Uuid))]
    pub prompt_id: PromptId,
    #[cfg_attr(feature = "openapi", schema(value_type = uuid::Uuid))]
    pub org_id: OrgId,
    /// Who saved it.
    pub created_by: Uuid,
    #[cfg_attr(feature = "openapi", schema(example = 1))]
    pub version: i32,
    pub body: String,
    /// The distinct `{{placeholder}}` names of the body, in order of appearance.
    #[cfg_attr(feature = "openapi", schema(example = json!(["question"])))]
    pub placeholders: Vec<String>,
    /// Hex SHA-256 of the body.
    pub body_sha256: String,
    pub note: Option<String>,
    /// Saved by a run of unsaved text: listed only with `include_drafts`, until promoted.
    pub draft: bool,
    pub created_at: DateTime<Utc>,
}

/// A prompt with its current version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = PromptDetailView))]
pub struct PromptDetail {
    #[serde(flatten)]
    pub prompt: Prompt,
    /// The current version, body included.
    #[serde(rename = "version")]
    pub current_version: PromptVersion,
}

/// A new prompt and the body of its version 1.
#[derive(Debug, Clone)]
pub struct NewPrompt {
    pub name: Name,
    pub kind: PromptKind,
    pub tags: Vec<String>,
    pub description: Option<String>,
    pub body: String,
    pub note: Option<String>,
}

/// Changes to a prompt's metadata; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct PromptChanges {
    pub name: Option<Name>,
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
