//! `{{placeholder}}` parsing and rendering.
//!
//! A placeholder is `{{`, a name, and `}}`, with optional spaces or tabs around the name
//! (`{{question}}` and `{{ question }}` are the same). A name is any text without braces or line
//! breaks, so a dataset column such as `user question` can be named directly. Anything else that
//! looks similar (`{{}}`, `{{a}b}}`, `{ {x} }`) is plain text; in `{{{x}}}` the placeholder is
//! `{{x}}` inside one pair of literal braces.

use std::{borrow::Cow, collections::HashSet};

/// One piece of a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Segment<'a> {
    Text(&'a str),
    Placeholder(&'a str),
}

/// Splits `body` into text and placeholders, in order, in time linear in its length (a body is
/// user input: `{{{{...` must not cost the square of its size).
fn segments(body: &str) -> Vec<Segment<'_>> {
    let bytes = body.as_bytes();
    let mut segments = Vec::new();
    let mut text_start = 0;
    let mut search_from = 0;
    while let Some(found) = body[search_from..].find("{{") {
        let open = search_from + found;
        let inner_start = open + 2;
        // The name runs to the first brace or control character; it is a placeholder only if
        // that is the `}}` that closes it. Each byte is looked at a bounded number of times:
        // after a failed candidate, the next `{{` starts at or after where this scan stopped.
        let stop = body[inner_start..]
            .find(|c: char| c == '{' || c == '}' || (c.is_control() && c != '\t'))
            .map_or(body.len(), |i| inner_start + i);
        let closes = bytes.get(stop..stop + 2) == Some(b"}}".as_slice());
        // Spaces and tabs around the name are dropped; a tab inside it is not a name.
        let name = body[inner_start..stop].trim_matches([' ', '\t']);
        if closes && !name.is_empty() && !name.contains('\t') {
            if open > text_start {
                segments.push(Segment::Text(&body[text_start..open]));
            }
            segments.push(Segment::Placeholder(name));
            text_start = stop + 2;
            search_from = text_start;
        } else {
            // Not a placeholder: move one character on, so `{{{x}}}` finds the `{{x}}` inside.
            search_from = open + 1;
        }
    }
    if text_start < body.len() {
        segments.push(Segment::Text(&body[text_start..]));
    }
    segments
}

/// The distinct placeholder names of `body`, in order of first appearance.
pub fn placeholders(body: &str) -> Vec<String> {
    let mut seen = HashSet::new();
    segments(body)
        .into_iter()
        .filter_map(|segment| match segment {
            Segment::Placeholder(name) if seen.insert(name) => Some(name.to_owned()),
            _ => None,
        })
        .collect()
}

/// How a JSON value reads in a prompt: a string as it is, `null` as nothing, anything else as
/// compact JSON.
pub fn value_text(value: &serde_json::Value) -> Cow<'_, str> {
    match value {
        serde_json::Value::String(text) => Cow::Borrowed(text),
        serde_json::Value::Null => Cow::Borrowed(""),
        other => Cow::Owned(other.to_string()),
    }
}

/// Why a template could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    /// A placeholder with no value to put in its place.
    #[error("no value for placeholder {{{{{0}}}}}")]
    MissingValue(String),
    /// The result would be longer than the limit (a short template repeating a long value can
    /// make megabytes: it is stopped at the limit, not built).
    #[error("the rendered prompt is longer than {limit} bytes")]
    TooLarge { limit: usize },
}

/// Replaces every placeholder of `body` with `value(name)`, refusing to make more than
/// `max_bytes`.
pub fn render<'v>(
    body: &str,
    max_bytes: usize,
    value: impl Fn(&str) -> Option<Cow<'v, str>>,
) -> Result<String, RenderError> {
    let mut out = String::with_capacity(body.len().min(max_bytes));
    for segment in segments(body) {
        let piece = match segment {
            Segment::Text(text) => Cow::Borrowed(text),
            Segment::Placeholder(name) => {
                value(name).ok_or_else(|| RenderError::MissingValue(name.to_owned()))?
            }
        };
        if out.len() + piece.len() > max_bytes {
            return Err(RenderError::TooLarge { limit: max_bytes });
        }
        out.push_str(&piece);
    }
    Ok(out)
}

/// How long `body` renders with `value(name)` for the placeholders that have one and nothing for
/// the others: what a run's variables alone already make, without making it.
pub fn rendered_len(body: &str, value_len: impl Fn(&str) -> Option<usize>) -> usize {
    segments(body)
        .into_iter()
        .map(|segment| match segment {
            Segment::Text(text) => text.len(),
            Segment::Placeholder(name) => value_len(name).unwrap_or(0),
        })
        .fold(0, usize::saturating_add)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_ordered_and_unique() {
        let body =
            "Q: {{question}}\nContext: {{ context }} then {{question}} and {{\tuser name\t}}";
        assert_eq!(placeholders(body), ["question", "context", "user name"]);
    }

    #[test]
    fn look_alikes_are_plain_text() {
        for body in ["{{}}", "{{  }}", "{ {x} }", "{{a}b}}", "{{a\nb}}", "unclosed {{x", "}}{{"] {
            assert!(placeholders(body).is_empty(), "{body:?}");
        }
        assert_eq!(placeholders(r#"{"json": {"nested": 1}}"#), Vec::<String>::new());
    }

    #[test]
    fn triple_braces_keep_one_literal_pair() {
        assert_eq!(placeholders("{{{x}}}"), ["x"]);
        let rendered = render("{{{x}}}", usize::MAX, |_| Some("v".into())).unwrap();
        assert_eq!(rendered, "{v}");
        assert_eq!(placeholders("{{{{x}}}}"), ["x"]);
        assert_eq!(placeholders("{{ {{x}} }}"), ["x"]);
        assert_eq!(placeholders("{{a\n{{b}}"), ["b"]);
        assert_eq!(placeholders("{{a}b}} {{c}}"), ["c"]);
    }

    #[test]
    fn render_replaces_every_occurrence_and_names_the_missing_one() {
        let value = |name: &str| match name {
            "a" => Some(Cow::Borrowed("1")),
            "b c" => Some(Cow::Borrowed("two")),
            _ => None,
        };
        assert_eq!(render("{{a}}+{{ a }} = {{b c}}!", 100, value).unwrap(), "1+1 = two!");
        assert_eq!(
            render("{{a}} {{zzz}}", 100, value),
            Err(RenderError::MissingValue("zzz".into()))
        );
        assert_eq!(render("no placeholders", 100, value).unwrap(), "no placeholders");
    }

    #[test]
    fn render_stops_at_its_limit_instead_of_building_megabytes() {
        let body = "{{x}}".repeat(1000);
        let value = "v".repeat(100 * 1024);
        let err = render(&body, 1 << 20, |_| Some(Cow::Borrowed(value.as_str()))).unwrap_err();
        assert_eq!(err, RenderError::TooLarge { limit: 1 << 20 });
        assert_eq!(render("ab{{x}}", 3, |_| Some("c".into())).unwrap(), "abc");
        assert!(render("ab{{x}}", 2, |_| Some("c".into())).is_err());
        assert_eq!(rendered_len(&body, |_| Some(value.len())), 1000 * 100 * 1024);
        assert_eq!(rendered_len("ab {{x}} {{y}}", |n| (n == "x").then_some(5)), 9);
    }

    #[test]
    fn hostile_bodies_parse_to_what_they_are() {
        // 102,398 `{` then `}}` cost seconds when every `{{` searched to the end for `}}`
        // (bench/placeholders measures it); it holds no placeholder.
        let hostile = format!("{}}}}}", "{".repeat(102_398));
        assert!(placeholders(&hostile).is_empty());
        let many_names: String = (0..20_000).map(|i| format!("{{{{p{i}}}}}")).collect();
        assert_eq!(placeholders(&many_names).len(), 20_000);
        assert_eq!(placeholders("{{a\tb}} {{\tc\t}}"), ["c"]);
    }

    #[test]
    fn multibyte_text_around_placeholders_survives() {
        let rendered =
            render("héllo {{ ñame }} — 日本", usize::MAX, |_| Some("wörld".into())).unwrap();
        assert_eq!(rendered, "héllo wörld — 日本");
    }
}
