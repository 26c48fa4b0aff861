//! The models a run may use, with their prices: an embedded list (`models.json`), extended or
//! overridden by a file of the same shape (`MODEL_CATALOG_PATH`).

use std::path::Path;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

const EMBEDDED: &str = include_str!("../models.json");

/// A model and its list prices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelEntry {
    pub provider: String,
    pub model: String,
    pub label: String,
    /// USD per million input (prompt) tokens.
    pub input_per_mtok: f64,
    /// USD per million output (completion) tokens.
    pub output_per_mtok: f64,
    /// When the prices were read off the provider's price list.
    pub prices_as_of: Option<NaiveDate>,
}

impl ModelEntry {
    /// The cost of a call in USD.
    pub fn cost(&self, tokens_in: u64, tokens_out: u64) -> f64 {
        cost_usd(tokens_in, tokens_out, self.input_per_mtok, self.output_per_mtok)
    }
}

/// USD for `tokens_in` and `tokens_out` at prices per million tokens: the one price formula.
pub fn cost_usd(tokens_in: u64, tokens_out: u64, input_per_mtok: f64, output_per_mtok: f64) -> f64 {
    (tokens_in as f64 * input_per_mtok + tokens_out as f64 * output_per_mtok) / 1_000_000.0
}

#[derive(Debug, Deserialize)]
struct CatalogFile {
    #[allow(dead_code)]
    #[serde(default)]
    note: Option<String>,
    models: Vec<ModelEntry>,
}

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("reading {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("{path} is not a model catalog: {source}")]
    Parse { path: String, source: serde_json::Error },
}

/// The known models, in a stable order.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    models: Vec<ModelEntry>,
}

impl Catalog {
    /// The embedded catalog, with the entries of `overrides` (if any) replacing or adding to it.
    pub fn load(overrides: Option<&Path>) -> Result<Self, CatalogError> {
        let embedded: CatalogFile = serde_json::from_str(EMBEDDED).expect("models.json is valid");
        let mut catalog = Self { models: embedded.models };
        if let Some(path) = overrides {
            let display = path.display().to_string();
            let text = std::fs::read_to_string(path)
                .map_err(|source| CatalogError::Read { path: display.clone(), source })?;
            let file: CatalogFile = serde_json::from_str(&text)
                .map_err(|source| CatalogError::Parse { path: display, source })?;
            for entry in file.models {
                match catalog
                    .models
                    .iter_mut()
                    .find(|m| m.provider == entry.provider && m.model == entry.model)
                {
                    Some(existing) => *existing = entry,
                    None => catalog.models.push(entry),
                }
            }
        }
        Ok(catalog)
    }

    pub fn models(&self) -> &[ModelEntry] {
        &self.models
    }

    pub fn find(&self, provider: &str, model: &str) -> Option<&ModelEntry> {
        self.models.iter().find(|m| m.provider == provider && m.model == model)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn costs_are_tokens_times_price_per_million() {
        let catalog = Catalog::load(None).unwrap();
        let echo = catalog.find("mock", "echo").unwrap();
        assert!((echo.cost(1_000, 500) - 0.002).abs() < 1e-12);
        assert!(catalog.find("openai", "gpt-4o-mini").is_some());
        assert!(catalog.find("openai", "gpt-99").is_none());
    }

    #[test]
    fn a_file_overrides_and_extends_the_catalog() {
        let dir = std::env::temp_dir().join(format!("catalog-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("models.json");
        std::fs::write(&path, r#"{"models": [
            {"provider": "openai", "model": "gpt-4o-mini", "label": "cheaper", "input_per_mtok": 0.1, "output_per_mtok": 0.2, "prices_as_of": "2026-11-01"},
            {"provider": "openai", "model": "gpt-next", "label": "Next", "input_per_mtok": 1, "output_per_mtok": 2, "prices_as_of": null}
        ]}"#).unwrap();
        let catalog = Catalog::load(Some(&path)).unwrap();
        assert_eq!(catalog.find("openai", "gpt-4o-mini").unwrap().label, "cheaper");
        assert!(catalog.find("openai", "gpt-next").is_some());
        std::fs::write(&path, "[]").unwrap();
        assert!(
            Catalog::load(Some(&path)).unwrap_err().to_string().contains("is not a model catalog")
        );
        std::fs::remove_dir_all(dir).unwrap();
    }
}
