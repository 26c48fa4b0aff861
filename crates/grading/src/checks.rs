//! Deterministic checks of an output: no model needed. Each yields pass or fail with a reason.
//!
//! The expected value comes from the check's `value`, or from a dataset `column` of the row.
//! `equals` compares after trimming surrounding whitespace; `contains`, `icontains` (ignoring
//! case) and `starts_with` look for the text; `regex` searches with the pattern in `value`;
//! `is_json` wants the whole output (trimmed) to be JSON; `json_field_equals` reads the output
//! as JSON and compares the value at `field` (`a.b.0` or a JSON pointer `/a/b/0`) with the
//! expected value (a number and the same number written as text are equal).

use std::borrow::Cow;

use regex::Regex;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// What an assertion checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = AssertionType))]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    /// The output, trimmed, equals the expected text.
    Equals,
    Contains,
    /// Contains, ignoring case.
    Icontains,
    /// The output matches the regular expression in `value`.
    Regex,
    StartsWith,
    /// The whole output is JSON.
    IsJson,
    /// The output is JSON and its `field` (`a.b.0` or `/a/b/0`) equals the expected value.
    JsonFieldEquals,
}

/// A deterministic check: the expected value is `value`, or the row's `column`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = Assertion))]
#[serde(deny_unknown_fields)]
pub struct Check {
    #[serde(rename = "type")]
    pub kind: CheckKind,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Value>, example = "Paris"))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// The outcome of one assertion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = AssertionResult))]
pub struct CheckResult {
    #[serde(rename = "type")]
    pub kind: CheckKind,
    pub passed: bool,
    pub reason: String,
}

/// A check ready to run (its pattern compiled).
#[derive(Debug, Clone)]
pub struct CompiledCheck {
    check: Check,
    regex: Option<Regex>,
}

/// Bounds what a user pattern may cost to compile.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

impl Check {
    /// Checks the declaration; `columns` are the names a `column` may refer to.
    pub fn compile(&self, columns: &[&str]) -> Result<CompiledCheck, String> {
        let needs_expected = !matches!(self.kind, CheckKind::IsJson);
        match (&self.value, &self.column) {
            (Some(_), Some(_)) => return Err("give `value` or `column`, not both".into()),
            (None, None) if needs_expected => return Err("needs a `value` or a `column`".into()),
            (Some(_), None) | (None, Some(_)) if !needs_expected => {
                return Err("`is_json` takes neither `value` nor `column`".into());
            }
            _ => {}
        }
        if let Some(column) = &self.column
            && !columns.contains(&column.as_str())
        {
            return Err(format!("there is no column `{column}`"));
        }
        match (self.kind, &self.field) {
            (CheckKind::JsonFieldEquals, None) => {
                return Err("`json_field_equals` needs a `field`".into());
            }
            (CheckKind::JsonFieldEquals, Some(_)) | (_, None) => {}
            (_, Some(_)) => return Err("only `json_field_equals` takes a `field`".into()),
        }
        let regex = match self.kind {
            CheckKind::Regex => {
                let Some(Value::String(pattern)) = &self.value else {
                    return Err("`regex` needs the pattern as a string `value`".into());
                };
                let regex = regex::RegexBuilder::new(pattern)
                    .size_limit(REGEX_SIZE_LIMIT)
                    .build()
                    .map_err(|e| format!("the pattern does not compile: {e}"))?;
                Some(regex)
            }
            _ => None,
        };
        Ok(CompiledCheck { check: self.clone(), regex })
    }
}

impl CompiledCheck {
    pub fn kind(&self) -> CheckKind {
        self.check.kind
    }

    /// Runs the check on `output`, taking a `column` from `row` (or else `variables`).
    pub fn evaluate(
        &self,
        output: &str,
        row: Option<&Map<String, Value>>,
        variables: &Map<String, Value>,
    ) -> CheckResult {
        let expected: Option<&Value> = match (&self.check.value, &self.check.column) {
            (Some(value), _) => Some(value),
            (None, Some(column)) => {
                row.and_then(|r| r.get(column)).or_else(|| variables.get(column))
            }
            (None, None) => None,
        };
        let expected_text = expected.map(text).unwrap_or_default();
        let (passed, reason) = match self.check.kind {
            CheckKind::Equals => {
                let passed = output.trim() == expected_text.trim();
                (
                    passed,
                    format!(
                        "the output {} {}",
                        if passed { "equals" } else { "does not equal" },
                        quote(&expected_text)
                    ),
                )
            }
            CheckKind::Contains => {
                let passed = output.contains(expected_text.as_ref());
                (
                    passed,
                    format!(
                        "the output {} {}",
                        if passed { "contains" } else { "does not contain" },
                        quote(&expected_text)
                    ),
                )
            }
            CheckKind::Icontains => {
                let passed = output.to_lowercase().contains(&expected_text.to_lowercase());
                let verb = if passed { "contains" } else { "does not contain" };
                (passed, format!("the output {verb} {} (ignoring case)", quote(&expected_text)))
            }
            CheckKind::StartsWith => {
                let passed = output.trim_start().starts_with(expected_text.as_ref());
                let verb = if passed { "starts with" } else { "does not start with" };
                (passed, format!("the output {verb} {}", quote(&expected_text)))
            }
            CheckKind::Regex => {
                let regex = self.regex.as_ref().expect("compiled with the check");
                let passed = regex.is_match(output);
                let verb = if passed { "matches" } else { "does not match" };
                (passed, format!("the output {verb} /{}/", regex.as_str()))
            }
            CheckKind::IsJson => match serde_json::from_str::<Value>(output.trim()) {
                Ok(_) => (true, "the output is JSON".to_owned()),
                Err(e) => (false, format!("the output is not JSON: {e}")),
            },
            CheckKind::JsonFieldEquals => {
                let field = self.check.field.as_deref().expect("compiled with a field");
                match serde_json::from_str::<Value>(output.trim()) {
                    Err(e) => (false, format!("the output is not JSON: {e}")),
                    Ok(json) => match lookup(&json, field) {
                        None => (false, format!("the output has no field `{field}`")),
                        Some(actual) => {
                            let passed = expected.is_some_and(|e| json_equal(actual, e));
                            let verb = if passed { "equals" } else { "is" };
                            let shown = if passed {
                                quote(&expected_text)
                            } else {
                                format!("{actual}, not {}", quote(&expected_text))
                            };
                            (passed, format!("`{field}` {verb} {shown}"))
                        }
                    },
                }
            }
        };
        CheckResult { kind: self.check.kind, passed, reason }
    }
}

/// A value as text: strings as they are, anything else as JSON.
fn text(value: &Value) -> Cow<'_, str> {
    match value {
        Value::String(s) => Cow::Borrowed(s),
        Value::Null => Cow::Borrowed(""),
        other => Cow::Owned(other.to_string()),
    }
}

fn quote(text: &str) -> String {
    const SHOWN: usize = 80;
    if text.chars().count() > SHOWN {
        format!("{:?}...", text.chars().take(SHOWN).collect::<String>())
    } else {
        format!("{text:?}")
    }
}

/// `a.b.0` or `/a/b/0`.
fn lookup<'a>(json: &'a Value, field: &str) -> Option<&'a Value> {
    if field.starts_with('/') {
        return json.pointer(field);
    }
    field.split('.').try_fold(json, |value, key| match value {
        Value::Object(map) => map.get(key),
        Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => None,
    })
}

/// Equal as JSON, or equal as text when one side is a string (a CSV column holds `"42"`).
fn json_equal(actual: &Value, expected: &Value) -> bool {
    match (actual, expected) {
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (a, b) if a == b => true,
        (Value::String(a), b) | (b, Value::String(a)) => *a == text(b) || numbers_equal(a, b),
        _ => false,
    }
}

fn numbers_equal(text: &str, value: &Value) -> bool {
    match (text.trim().parse::<f64>(), value.as_f64()) {
        (Ok(a), Some(b)) => a == b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn check(
        kind: CheckKind,
        value: Option<Value>,
        column: Option<&str>,
        field: Option<&str>,
    ) -> Check {
        Check { kind, value, column: column.map(str::to_owned), field: field.map(str::to_owned) }
    }

    fn run(check: &Check, output: &str, row: Value) -> CheckResult {
        check.compile(&["answer", "n"]).unwrap().evaluate(output, row.as_object(), &Map::new())
    }

    #[test]
    fn each_kind_passes_and_fails_with_a_reason() {
        let row = json!({"answer": "Paris", "n": "42"});
        let cases = [
            (
                check(CheckKind::Equals, None, Some("answer"), None),
                " Paris\n",
                true,
                "the output equals \"Paris\"",
            ),
            (
                check(CheckKind::Equals, Some(json!("paris")), None, None),
                "Paris",
                false,
                "the output does not equal \"paris\"",
            ),
            (
                check(CheckKind::Contains, Some(json!("Par")), None, None),
                "It is Paris.",
                true,
                "the output contains \"Par\"",
            ),
            (
                check(CheckKind::Icontains, Some(json!("PARIS")), None, None),
                "It is paris.",
                true,
                "the output contains \"PARIS\" (ignoring case)",
            ),
            (
                check(CheckKind::StartsWith, Some(json!("It")), None, None),
                "  It is.",
                true,
                "the output starts with \"It\"",
            ),
            (
                check(CheckKind::StartsWith, Some(json!("Yes")), None, None),
                "No.",
                false,
                "the output does not start with \"Yes\"",
            ),
            (
                check(CheckKind::Regex, Some(json!(r"^\d{3}-\d{4}$")), None, None),
                "555-1234",
                true,
                r"the output matches /^\d{3}-\d{4}$/",
            ),
            (
                check(CheckKind::Regex, Some(json!(r"^\d+$")), None, None),
                "12a",
                false,
                r"the output does not match /^\d+$/",
            ),
            (
                check(CheckKind::IsJson, None, None, None),
                " {\"a\": 1} ",
                true,
                "the output is JSON",
            ),
            (
                check(CheckKind::JsonFieldEquals, None, Some("n"), Some("result.value")),
                r#"{"result": {"value": 42}}"#,
                true,
                "`result.value` equals \"42\"",
            ),
            (
                check(CheckKind::JsonFieldEquals, Some(json!(["a"])), None, Some("/tags")),
                r#"{"tags": ["a"]}"#,
                true,
                "`/tags` equals \"[\\\"a\\\"]\"",
            ),
            (
                check(CheckKind::JsonFieldEquals, Some(json!(1)), None, Some("items.1")),
                r#"{"items": [1, 2]}"#,
                false,
                "`items.1` is 2, not \"1\"",
            ),
            (
                check(CheckKind::JsonFieldEquals, Some(json!(1)), None, Some("missing")),
                r#"{"a": 1}"#,
                false,
                "the output has no field `missing`",
            ),
        ];
        for (check, output, passed, reason) in cases {
            let result = run(&check, output, row.clone());
            assert_eq!(
                (result.passed, result.reason.as_str()),
                (passed, reason),
                "{check:?} on {output:?}"
            );
        }
        let not_json = run(&check(CheckKind::IsJson, None, None, None), "yes", json!({}));
        assert!(!not_json.passed && not_json.reason.starts_with("the output is not JSON"));
    }

    #[test]
    fn declarations_are_checked_up_front() {
        let columns = ["answer"];
        let cases = [
            (check(CheckKind::Equals, None, None, None), "needs a `value` or a `column`"),
            (
                check(CheckKind::Equals, Some(json!("a")), Some("answer"), None),
                "give `value` or `column`, not both",
            ),
            (check(CheckKind::Contains, None, Some("nope"), None), "there is no column `nope`"),
            (
                check(CheckKind::IsJson, Some(json!(true)), None, None),
                "`is_json` takes neither `value` nor `column`",
            ),
            (
                check(CheckKind::JsonFieldEquals, Some(json!(1)), None, None),
                "`json_field_equals` needs a `field`",
            ),
            (
                check(CheckKind::Equals, Some(json!(1)), None, Some("a")),
                "only `json_field_equals` takes a `field`",
            ),
            (
                check(CheckKind::Regex, Some(json!(5)), None, None),
                "`regex` needs the pattern as a string `value`",
            ),
        ];
        for (check, message) in cases {
            assert_eq!(check.compile(&columns).unwrap_err(), message, "{check:?}");
        }
        let bad = check(CheckKind::Regex, Some(json!("(unclosed")), None, None)
            .compile(&columns)
            .unwrap_err();
        assert!(bad.starts_with("the pattern does not compile"), "{bad}");
    }

    #[test]
    fn checks_deserialize_from_the_documented_shape() {
        let parsed: Check =
            serde_json::from_value(json!({"type": "json_field_equals", "field": "a", "value": 1}))
                .unwrap();
        assert_eq!(parsed, check(CheckKind::JsonFieldEquals, Some(json!(1)), None, Some("a")));
    }
}
