//! Filling a prompt's placeholders from a dataset row and the run's variables.

use std::borrow::Cow;

pub(crate) use prompts::placeholders::value_text;
use prompts::placeholders::{self, RenderError};
use serde_json::{Map, Value};

/// Renders `template` with values from `row` first, then `variables`, making at most
/// `max_bytes`. Strings go in as they are, `null` as nothing, anything else as compact JSON.
pub fn render(
    template: &str,
    row: Option<&Map<String, Value>>,
    variables: &Map<String, Value>,
    max_bytes: usize,
) -> Result<String, RenderError> {
    render_with(template, max_bytes, |name| {
        row.and_then(|row| row.get(name)).or_else(|| variables.get(name)).map(value_text)
    })
}

/// Renders `template` with whatever `lookup` gives for each placeholder.
pub(crate) fn render_with<'v>(
    template: &str,
    max_bytes: usize,
    lookup: impl Fn(&str) -> Option<Cow<'v, str>>,
) -> Result<String, RenderError> {
    placeholders::render(template, max_bytes, lookup)
}

/// How long `template` renders with `variables` alone, placeholders in `row_columns` (filled per
/// row) counted as empty: a lower bound on every cell's prompt, known before any cell runs.
pub(crate) fn rendered_len_with_variables(
    template: &str,
    row_columns: &[String],
    variables: &Map<String, Value>,
) -> usize {
    placeholders::rendered_len(template, |name| {
        if row_columns.iter().any(|c| c == name) {
            return None;
        }
        variables.get(name).map(|value| value_text(value).len())
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
            usize::MAX,
        )
        .unwrap();
        assert_eq!(rendered, r#"kind: Why? 3 {"a":[1]} []"#);
        assert!(matches!(
            render("{{missing}}", None, &Map::new(), usize::MAX),
            Err(RenderError::MissingValue(_))
        ));
    }

    #[test]
    fn the_variables_alone_bound_what_every_cell_renders() {
        let variables = json!({"x": "12345", "q": "from variables"});
        let variables = variables.as_object().unwrap();
        let len = rendered_len_with_variables("{{x}}{{x}} {{q}}", &["q".to_owned()], variables);
        assert_eq!(len, 11, "q comes from the row, so it counts as empty");
    }
}
