//! `{{placeholder}}` parsing and rendering.
//!
//! A placeholder is `{{`, a name, and `}}`, with optional spaces or tabs around the name
//! (`{{question}}` and `{{ question }}` are the same). A name is any text without braces or line
//! breaks, so a dataset column such as `user question` can be named directly. Anything else that
//! looks similar (`{{}}`, `{{a}b}}`, `{ {x} }`) is plain text; in `{{{x}}}` the placeholder is
//! `{{x}}` inside one pair of literal braces.

use std::borrow::Cow;

/// One piece of a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Segment<'a> {
    Text(&'a str),
    Placeholder(&'a str),
}

/// Splits `body` into text and placeholders, in order.
fn segments(body: &str) -> Vec<Segment<'_>> {
    let mut segments = Vec::new();
    let mut text_start = 0;
    let mut search_from = 0;
    while let Some(found) = body[search_from..].find("{{") {
        let open = search_from + found;
        let inner_start = open + 2;
        let Some(close) = body[inner_start..].find("}}").map(|i| inner_start + i) else { break };
        let inner = &body[inner_start..close];
        match placeholder_name(inner) {
            Some(name) => {
                if open > text_start {
                    segments.push(Segment::Text(&body[text_start..open]));
                }
                segments.push(Segment::Placeholder(name));
                text_start = close + 2;
                search_from = text_start;
            }
            // Not a placeholder: move one character on, so `{{{x}}}` finds the `{{x}}` inside.
            None => search_from = open + 1,
        }
    }
    if text_start < body.len() {
        segments.push(Segment::Text(&body[text_start..]));
    }
    segments
}

fn placeholder_name(inner: &str) -> Option<&str> {
    let name = inner.trim_matches([' ', '\t']);
    let valid =
        !name.is_empty() && !name.contains(['{', '}']) && !name.chars().any(char::is_control);
    valid.then_some(name)
}

/// The distinct placeholder names of `body`, in order of first appearance.
pub fn placeholders(body: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for segment in segments(body) {
        if let Segment::Placeholder(name) = segment
            && !names.iter().any(|n| n == name)
        {
            names.push(name.to_owned());
        }
    }
    names
}

/// A placeholder with no value to put in its place.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no value for placeholder {{{{{0}}}}}")]
pub struct MissingValue(pub String);

/// Replaces every placeholder of `body` with `value(name)`.
pub fn render<'v>(
    body: &str,
    value: impl Fn(&str) -> Option<Cow<'v, str>>,
) -> Result<String, MissingValue> {
    let mut out = String::with_capacity(body.len());
    for segment in segments(body) {
        match segment {
            Segment::Text(text) => out.push_str(text),
            Segment::Placeholder(name) => {
                out.push_str(&value(name).ok_or_else(|| MissingValue(name.to_owned()))?);
            }
        }
    }
    Ok(out)
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
        let rendered = render("{{{x}}}", |_| Some("v".into())).unwrap();
        assert_eq!(rendered, "{v}");
    }

    #[test]
    fn render_replaces_every_occurrence_and_names_the_missing_one() {
        let value = |name: &str| match name {
            "a" => Some(Cow::Borrowed("1")),
            "b c" => Some(Cow::Borrowed("two")),
            _ => None,
        };
        assert_eq!(render("{{a}}+{{ a }} = {{b c}}!", value).unwrap(), "1+1 = two!");
        assert_eq!(render("{{a}} {{zzz}}", value), Err(MissingValue("zzz".into())));
        assert_eq!(render("no placeholders", value).unwrap(), "no placeholders");
    }

    #[test]
    fn multibyte_text_around_placeholders_survives() {
        let rendered = render("héllo {{ ñame }} — 日本", |_| Some("wörld".into())).unwrap();
        assert_eq!(rendered, "héllo wörld — 日本");
    }
}
