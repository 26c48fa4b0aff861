//! Filling a prompt's placeholders from a dataset row and the run's variables.

use std::borrow::Cow;

use prompts::placeholders::{self, MissingValue};
use serde_json::{Map, Value};

/// Renders `template` with values from `row` first, then `variables`. Strings go in as they are,
/// `null` as nothing, anything else as compact JSON.
pub fn render(
    template: &str,
    row: Option<&Map<String, Value>>,
    variables: &Map<String, Value>,
) -> Result<String, MissingValue> {
    placeholders::render(template, |name| {
        let value = row.and_then(|row| row.get(name)).or_else(|| variables.get(name))?;
        Some(match value {
            Value::String(text) => Cow::Owned(text.clone()),
            Value::Null => Cow::Borrowed(""),
            other => Cow::Owned(other.to_string()),
        })
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn row_values_win_over_variables_and_values_read_naturally() {
        let row = json!({"q": "Why?", "n": 3, "meta": {"a": [1]}, "none": null});
        let variables = json!({"q": "ignored", "tone": "kind"});
        let rendered = render(
            "{{tone}}: {{q}} {{n}} {{meta}} [{{none}}]",
            row.as_object(),
            variables.as_object().unwrap(),
        )
        .unwrap();
        assert_eq!(rendered, r#"kind: Why? 3 {"a":[1]} []"#);
        assert!(render("{{missing}}", None, &Map::new()).is_err());
    }
}
