//! Reading an LLM judge's verdict.
//!
//! The grader is asked to answer with a JSON object `{"score": ..., "pass": ..., "reason": ...}`,
//! either inside `<response>...</response>` or anywhere in its text. The rules, strictly:
//!
//! 1. If the text has a `<response>` block (tag names case-insensitive, spaces inside the tags
//!    allowed), the verdict is the JSON object inside it (a Markdown code fence around it is
//!    fine). Otherwise the verdict is the first JSON object anywhere in the text.
//! 2. `score` is a number, or a string holding one (`"8"`, `"7.5"`). It must lie within the
//!    run's scale (default 0 to 1) and is normalised to 0..1.
//! 3. `pass` is a boolean, or the string `"true"`/`"false"`. Without it, the verdict passes when
//!    the normalised score reaches the run's threshold (default 0.5).
//! 4. `reason` is an optional string.
//!
//! Anything else (no object, invalid JSON, neither score nor pass, a score out of range or not a
//! number, a `pass` that is not a boolean) is a [`ParseError`]: a grade of its own kind, never a
//! silent 0.

use serde_json::{Map, Value};

/// A grader's scale.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ScoreScale {
    #[cfg_attr(feature = "openapi", schema(example = 1))]
    pub min: f64,
    #[cfg_attr(feature = "openapi", schema(example = 10))]
    pub max: f64,
}

impl Default for ScoreScale {
    fn default() -> Self {
        Self { min: 0.0, max: 1.0 }
    }
}

impl ScoreScale {
    /// Whether the scale is usable: finite, and `min < max`.
    pub fn is_valid(&self) -> bool {
        self.min.is_finite() && self.max.is_finite() && self.min < self.max
    }

    fn normalise(&self, score: f64) -> Option<f64> {
        (self.min..=self.max).contains(&score).then(|| (score - self.min) / (self.max - self.min))
    }
}

/// A judge's verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// Normalised to 0..1; `None` when the judge only said pass or fail.
    pub score: Option<f64>,
    pub pass: bool,
    pub reason: Option<String>,
}

/// Why a judge's answer is not a verdict.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ParseError(pub String);

fn fail<T>(message: impl Into<String>) -> Result<T, ParseError> {
    Err(ParseError(message.into()))
}

/// Reads the verdict in `text`.
pub fn parse_verdict(
    text: &str,
    scale: ScoreScale,
    pass_threshold: f64,
) -> Result<Verdict, ParseError> {
    if text.trim().is_empty() {
        return fail("the grader's answer is empty");
    }
    let object = match response_block(text) {
        Some(block) => match first_object(block) {
            Some(Ok(object)) => object,
            Some(Err(error)) => {
                return fail(format!("the <response> block is not valid JSON: {error}"));
            }
            None => return fail("the <response> block holds no JSON object"),
        },
        None => match first_object(text) {
            Some(Ok(object)) => object,
            Some(Err(error)) => return fail(format!("the verdict is not valid JSON: {error}")),
            None => {
                return fail("the answer holds no verdict (no <response> block, no JSON object)");
            }
        },
    };
    verdict(&object, scale, pass_threshold)
}

fn verdict(
    object: &Map<String, Value>,
    scale: ScoreScale,
    pass_threshold: f64,
) -> Result<Verdict, ParseError> {
    let score = match object.get("score") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => Some(n.as_f64().filter(|f| f.is_finite())),
        Some(Value::String(s)) => Some(s.trim().parse::<f64>().ok().filter(|f| f.is_finite())),
        Some(other) => return fail(format!("`score` is not a number: {other}")),
    };
    let score = match score {
        None => None,
        Some(None) => return fail(format!("`score` is not a number: {}", object["score"])),
        Some(Some(raw)) => match scale.normalise(raw) {
            Some(normalised) => Some(normalised),
            None => {
                let written = match &object["score"] {
                    Value::String(s) => s.trim().to_owned(),
                    other => other.to_string(),
                };
                return fail(format!(
                    "`score` {written} is outside the scale {} to {}",
                    scale.min, scale.max
                ));
            }
        },
    };
    let pass = match object.get("pass") {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(Value::String(s)) if s.trim().eq_ignore_ascii_case("true") => Some(true),
        Some(Value::String(s)) if s.trim().eq_ignore_ascii_case("false") => Some(false),
        Some(other) => return fail(format!("`pass` is not a boolean: {other}")),
    };
    let pass = match (pass, score) {
        (Some(pass), _) => pass,
        (None, Some(score)) => score >= pass_threshold,
        (None, None) => return fail("the verdict has neither `score` nor `pass`"),
    };
    let reason = match object.get("reason") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => Some(other.to_string()),
    };
    Ok(Verdict { score, pass, reason })
}

/// The text between `<response>` and `</response>`, tags matched case-insensitively and with
/// spaces allowed inside them (`< response >`, `</ Response>`).
fn response_block(text: &str) -> Option<&str> {
    let lower = text.to_ascii_lowercase();
    let open_end = find_tag(&lower, false, 0)?;
    let close_start = find_tag_start(&lower, true, open_end)?;
    Some(&text[open_end..close_start])
}

/// The index just past the first tag; `closing` selects `</response>` over `<response>`.
fn find_tag(lower: &str, closing: bool, from: usize) -> Option<usize> {
    let start = find_tag_start(lower, closing, from)?;
    Some(start + lower[start..].find('>')? + 1)
}

fn find_tag_start(lower: &str, closing: bool, from: usize) -> Option<usize> {
    let mut at = from;
    while let Some(offset) = lower[at..].find('<') {
        let start = at + offset;
        let inner = &lower[start + 1..];
        let inner = inner.trim_start();
        let inner = match (closing, inner.strip_prefix('/')) {
            (true, Some(rest)) => rest.trim_start(),
            (false, None) => inner,
            _ => {
                at = start + 1;
                continue;
            }
        };
        if let Some(rest) = inner.strip_prefix("response")
            && rest.trim_start().starts_with('>')
        {
            return Some(start);
        }
        at = start + 1;
    }
    None
}

/// The first JSON object in `text`: `None` if there is no `{` that starts one; the parse error
/// of the first `{` otherwise, unless a later `{` starts a valid object.
fn first_object(text: &str) -> Option<Result<Map<String, Value>, String>> {
    let mut first_error = None;
    for (at, _) in text.match_indices('{') {
        let mut stream = serde_json::Deserializer::from_str(&text[at..]).into_iter::<Value>();
        match stream.next() {
            Some(Ok(Value::Object(object))) => return Some(Ok(object)),
            Some(Ok(_)) => {}
            Some(Err(error)) => {
                first_error.get_or_insert_with(|| error.to_string());
            }
            None => {}
        }
    }
    first_error.map(Err)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Verdict, String> {
        parse_verdict(text, ScoreScale::default(), 0.5).map_err(|e| e.0)
    }

    fn ten_point(text: &str) -> Result<Verdict, String> {
        parse_verdict(text, ScoreScale { min: 0.0, max: 10.0 }, 0.7).map_err(|e| e.0)
    }

    fn ok(score: Option<f64>, pass: bool, reason: Option<&str>) -> Result<Verdict, String> {
        Ok(Verdict { score, pass, reason: reason.map(str::to_owned) })
    }

    #[test]
    fn tagged_verdicts() {
        assert_eq!(
            parse(
                r#"Let me check.<response>{"score": 0.8, "pass": true, "reason": "clear"}</response>"#
            ),
            ok(Some(0.8), true, Some("clear"))
        );
        assert_eq!(
            parse("<response>\n  {\"score\": 0.2}\n</response>"),
            ok(Some(0.2), false, None),
            "pass derived from the threshold"
        );
        assert_eq!(
            parse(r#"< Response >{"pass": false}</ RESPONSE >"#),
            ok(None, false, None),
            "whitespace and case in tags"
        );
        assert_eq!(
            parse("<response>\n```json\n{\"score\": 1, \"pass\": true}\n```\n</response>"),
            ok(Some(1.0), true, None)
        );
        assert_eq!(
            parse(r#"Draft: {"score": 0.1} ... final: <response>{"score": 0.9}</response>"#),
            ok(Some(0.9), true, None),
            "the <response> block wins over an earlier object"
        );
    }

    #[test]
    fn untagged_verdicts() {
        assert_eq!(
            parse("```json\n{\"score\": 0.75, \"reason\": \"mostly\"}\n```"),
            ok(Some(0.75), true, Some("mostly"))
        );
        assert_eq!(
            parse(
                r#"I think the answer is fine. {"pass": true, "reason": "matches"} Hope this helps!"#
            ),
            ok(None, true, Some("matches"))
        );
        assert_eq!(
            parse(r#"Scores {like this} are odd, but {"score": 0.5} counts"#),
            ok(Some(0.5), true, None)
        );
        assert_eq!(parse(r#"[1, 2] then {"pass": "false"}"#), ok(None, false, None));
    }

    #[test]
    fn numbers_as_strings_and_scales() {
        assert_eq!(ten_point(r#"<response>{"score": "8"}</response>"#), ok(Some(0.8), true, None));
        assert_eq!(ten_point(r#"{"score": "6.5", "reason": 3}"#), ok(Some(0.65), false, Some("3")));
        assert_eq!(ten_point(r#"{"score": 10}"#), ok(Some(1.0), true, None));
    }

    #[test]
    fn anything_else_is_a_parse_error_not_a_zero() {
        let cases = [
            ("", "the grader's answer is empty"),
            ("   \n ", "the grader's answer is empty"),
            (
                "Hmm, this looks mostly fine to me, hard to say.",
                "the answer holds no verdict (no <response> block, no JSON object)",
            ),
            ("<response>looks good</response>", "the <response> block holds no JSON object"),
            (
                "<response>{\"score\": 0.5,}</response>",
                "the <response> block is not valid JSON: trailing comma at line 1 column 15",
            ),
            (r#"{"score": 9.2e+124}"#, "`score` 9.2e+124 is outside the scale 0 to 1"),
            (r#"{"score": -0.1}"#, "`score` -0.1 is outside the scale 0 to 1"),
            (r#"{"score": "high"}"#, "`score` is not a number: \"high\""),
            (r#"{"score": [1]}"#, "`score` is not a number: [1]"),
            (r#"{"pass": "yes"}"#, "`pass` is not a boolean: \"yes\""),
            (r#"{"reason": "no score"}"#, "the verdict has neither `score` nor `pass`"),
            (
                "{\"score\": 0.5",
                "the verdict is not valid JSON: EOF while parsing an object at line 1 column 13",
            ),
        ];
        for (text, message) in cases {
            assert_eq!(parse(text), Err(message.to_owned()), "{text:?}");
        }
        assert_eq!(
            ten_point(r#"{"score": 11}"#),
            Err("`score` 11 is outside the scale 0 to 10".to_owned())
        );
    }

    #[test]
    fn the_fake_llm_and_mock_judges_are_read() {
        let fake = "Let me check.\n<response>{\"score\": 0.37, \"pass\": false, \"reason\": \"deterministic verdict 815\"}</response>";
        assert_eq!(parse(fake), ok(Some(0.37), false, Some("deterministic verdict 815")));
    }
}
