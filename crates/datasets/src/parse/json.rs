//! JSON (an array of objects) and JSON Lines (one object per line, blank lines skipped).
//! Columns are the union of the objects' keys in first-seen order; values are kept exactly as
//! written (nested objects and arrays stay JSON), never re-parsed into numbers or strings.

use std::{cell::RefCell, fmt, io::BufRead};

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::{Columns, Failure, ParseError, RowWriter, json_string};
use crate::MAX_NESTING_DEPTH;

/// One object's entries in document order, values untouched.
struct Object(Vec<(String, Box<RawValue>)>);

impl<'de> de::Deserialize<'de> for Object {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor;
        impl<'de> Visitor<'de> for ObjectVisitor {
            type Value = Object;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Object, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Object(entries))
            }
        }
        deserializer.deserialize_map(ObjectVisitor)
    }
}

/// Writes one object as a row, adding its keys to the columns.
fn write_object(
    object: Object,
    columns: &mut Columns,
    rows: &mut RowWriter<'_>,
    at: impl Fn(String) -> ParseError,
) -> Result<(), Failure> {
    rows.begin();
    for (key, value) in object.0 {
        columns.add(&key, &rows.limits).map_err(&at)?;
        let raw = value.get();
        rows.check_cell(raw.len()).map_err(|m| at(m).in_column(&key))?;
        if has_nul_escape(raw) {
            return Err(at("the value contains a NUL character (\\u0000)".into())
                .in_column(&key)
                .into());
        }
        if has_surrogate_escape(raw) && serde_json::from_str::<serde_json::Value>(raw).is_err() {
            let message = "the value holds an invalid Unicode escape (an unpaired surrogate)";
            return Err(at(message.into()).in_column(&key).into());
        }
        if nesting_depth(raw) > MAX_NESTING_DEPTH {
            let message = format!(
                "the value nests arrays or objects more than {MAX_NESTING_DEPTH} levels deep"
            );
            return Err(at(message).in_column(&key).into());
        }
        rows.field(&json_string(&key), raw.as_bytes());
    }
    rows.finish(at)
}

/// Whether JSON text contains the escape `\u0000` (and not an escaped backslash before `u0000`);
/// PostgreSQL cannot store that character in text or jsonb.
fn has_nul_escape(raw: &str) -> bool {
    let bytes = raw.as_bytes();
    raw.match_indices("u0000").any(|(at, _)| {
        let backslashes = bytes[..at].iter().rev().take_while(|b| **b == b'\\').count();
        backslashes % 2 == 1
    })
}

/// Whether JSON text may hold a `\\uD800`..`\\uDFFF` escape. Raw values are copied as they are
/// written, and PostgreSQL's jsonb refuses an unpaired surrogate; only values that may hold one
/// are decoded in full to find out.
fn has_surrogate_escape(raw: &str) -> bool {
    raw.as_bytes().windows(3).any(|w| {
        w[0] == b'u'
            && w[1].eq_ignore_ascii_case(&b'd')
            && matches!(w[2].to_ascii_lowercase(), b'8'..=b'9' | b'a'..=b'f')
    })
}

/// How deeply arrays and objects nest in JSON text (`1` for `[1]`, `0` for a scalar), in one
/// pass that skips what is inside strings.
fn nesting_depth(raw: &str) -> usize {
    let (mut depth, mut deepest, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for byte in raw.bytes() {
        match (in_string, escaped, byte) {
            (true, true, _) => escaped = false,
            (true, false, b'\\') => escaped = true,
            (true, false, b'"') => in_string = false,
            (true, false, _) => {}
            (false, _, b'"') => in_string = true,
            (false, _, b'[' | b'{') => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            (false, _, b']' | b'}') => depth = depth.saturating_sub(1),
            (false, _, _) => {}
        }
    }
    deepest
}

pub(super) fn parse_lines(
    mut reader: impl BufRead,
    rows: &mut RowWriter<'_>,
) -> Result<Vec<String>, Failure> {
    let mut columns = Columns::default();
    let mut line = String::new();
    let mut number = 0;
    loop {
        line.clear();
        number += 1;
        match reader.read_line(&mut line) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                return Err(ParseError::at_line(number, "the text is not valid UTF-8").into());
            }
            Err(e) => return Err(Failure::Io(e)),
        }
        if line.trim().is_empty() {
            continue;
        }
        let object: Object = serde_json::from_str(&line).map_err(|e| {
            let message =
                if e.is_data() { "the line is not a JSON object".to_owned() } else { plain(&e) };
            ParseError::at_line(number, message)
        })?;
        write_object(object, &mut columns, rows, |m| ParseError::at_line(number, m))?;
    }
    Ok(columns.names)
}

pub(super) fn parse_array(
    reader: impl BufRead,
    rows: &mut RowWriter<'_>,
) -> Result<Vec<String>, Failure> {
    let mut deserializer = serde_json::Deserializer::from_reader(reader);
    let state = RefCell::new(ArrayState { columns: Columns::default(), failure: None });
    let result = ArraySeed { rows, state: &state }.deserialize(&mut deserializer);
    let result = result.and_then(|()| deserializer.end());
    let state = state.into_inner();
    // A failure of ours travelled through serde as a placeholder error; report the real one.
    if let Some(failure) = state.failure {
        return Err(failure);
    }
    match result {
        Ok(()) => Ok(state.columns.names),
        Err(e) if e.is_io() => Err(Failure::Io(e.into())),
        Err(e) => Err(ParseError::at_line(e.line() as u64, plain(&e)).into()),
    }
}

struct ArrayState {
    columns: Columns,
    failure: Option<Failure>,
}

struct ArraySeed<'a, 'b> {
    rows: &'a mut RowWriter<'b>,
    state: &'a RefCell<ArrayState>,
}

impl<'de> DeserializeSeed<'de> for ArraySeed<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ArraySeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON array of objects")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut item = 0;
        while let Some(object) = seq.next_element::<Object>()? {
            item += 1;
            let at = |message| ParseError { line: None, item: Some(item), column: None, message };
            let mut state = self.state.borrow_mut();
            if let Err(failure) = write_object(object, &mut state.columns, self.rows, at) {
                state.failure = Some(failure);
                return Err(de::Error::custom("stopped"));
            }
        }
        Ok(())
    }
}

/// serde_json's message without its " at line L column C" suffix (we say where ourselves).
fn plain(err: &serde_json::Error) -> String {
    let text = err.to_string();
    text.split(" at line ").next().unwrap_or(&text).to_owned()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{has_nul_escape, nesting_depth};
    use crate::{Format, Limits, parse::tests::parse_all};

    fn parse(format: Format, text: &str) -> Result<(Vec<String>, Vec<serde_json::Value>), String> {
        parse_all(format, text.as_bytes(), Limits::default()).map_err(|e| e.to_string())
    }

    #[test]
    fn json_arrays_union_keys_in_first_seen_order_and_keep_nested_values() {
        let (columns, rows) = parse(
            Format::Json,
            r#"[{"q": "a", "meta": {"tags": [1, 2]}}, {"expected": 1.50, "q": "b"}, {}]"#,
        )
        .unwrap();
        assert_eq!(columns, ["q", "meta", "expected"]);
        assert_eq!(
            rows,
            [
                json!({"q": "a", "meta": {"tags": [1, 2]}}),
                json!({"expected": 1.5, "q": "b"}),
                json!({}),
            ]
        );
        assert_eq!(parse(Format::Json, " [ ] ").unwrap(), (vec![], vec![]));
    }

    #[test]
    fn json_lines_skip_blank_lines_and_name_the_bad_one() {
        let (columns, rows) =
            parse(Format::Jsonl, "{\"a\": 1}\n\n  \n{\"b\": null, \"a\": 2}\r\n").unwrap();
        assert_eq!(columns, ["a", "b"]);
        assert_eq!(rows, [json!({"a": 1}), json!({"b": null, "a": 2})]);

        assert_eq!(
            parse(Format::Jsonl, "{\"a\": 1}\n[1, 2]\n").unwrap_err(),
            "line 2: the line is not a JSON object"
        );
        assert!(
            parse(Format::Jsonl, "{\"a\": 1}\n{\"a\": \n").unwrap_err().starts_with("line 2: ")
        );
    }

    #[test]
    fn json_array_problems_are_located() {
        assert_eq!(
            parse(Format::Json, "{\"a\": 1}").unwrap_err(),
            "line 1: invalid type: map, expected a JSON array of objects"
        );
        assert_eq!(
            parse(Format::Json, "[{\"a\": 1},\n 2]").unwrap_err(),
            "line 2: invalid type: integer `2`, expected a JSON object"
        );
        assert_eq!(
            parse(Format::Json, "[{\"a\": 1}\n,\n{\"a\": ]").unwrap_err(),
            "line 3: expected value"
        );
        assert_eq!(parse(Format::Json, "[] trailing").unwrap_err(), "line 1: trailing characters");
        assert_eq!(
            parse(Format::Json, "[{\"\": 1}]").unwrap_err(),
            "item 1: a column name is empty"
        );
    }

    #[test]
    fn json_limits_and_nul_escapes() {
        let limits = Limits { max_rows: 1, max_columns: 1, max_cell_bytes: 4, ..Limits::default() };
        let err = |format, text: &str| {
            parse_all(format, text.as_bytes(), limits).unwrap_err().to_string()
        };
        assert_eq!(
            err(Format::Json, r#"[{"a": 1}, {"a": 2}]"#),
            "item 2: the file has more than 1 rows"
        );
        assert_eq!(
            err(Format::Jsonl, "{\"a\": 1, \"b\": 2}"),
            "line 1: the file has more than 1 columns"
        );
        assert_eq!(
            err(Format::Jsonl, "{\"a\": \"12345\"}"),
            "line 1, column `a`: a value of 7 bytes is over the 4-byte limit"
        );
        assert_eq!(
            parse(Format::Jsonl, r#"{"a": "x\u0000"}"#).unwrap_err(),
            "line 1, column `a`: the value contains a NUL character (\\u0000)"
        );
        assert!(!has_nul_escape(r#""\\u0000""#), "an escaped backslash followed by u0000 is fine");
    }

    #[test]
    fn unpaired_surrogates_are_refused_and_pairs_kept() {
        assert_eq!(
            parse(Format::Jsonl, r#"{"a": "x\ud800y"}"#).unwrap_err(),
            "line 1, column `a`: the value holds an invalid Unicode escape (an unpaired surrogate)"
        );
        let (_, rows) = parse(Format::Jsonl, r#"{"a": "\ud83d\ude00 \uDBFF\uDFFF"}"#).unwrap();
        assert_eq!(rows[0]["a"], "😀 \u{10FFFF}");
    }

    #[test]
    fn nesting_is_measured_outside_strings() {
        assert_eq!(nesting_depth("1"), 0);
        assert_eq!(nesting_depth(r#"[1, {"a": [2]}, []]"#), 3);
        assert_eq!(nesting_depth(r#""[[[{{{\"[""#), 0);
        assert_eq!(nesting_depth(r#"{"a\\": ["]"]}"#), 2);
    }

    #[test]
    fn values_nested_deeper_than_a_worker_can_read_are_refused_with_their_line() {
        let deep = |levels: usize| format!("{}1{}", "[".repeat(levels), "]".repeat(levels));
        let ok = format!("{{\"q\": \"x\", \"deep\": {}}}\n", deep(64));
        assert!(parse(Format::Jsonl, &ok).is_ok());
        let text = format!("{ok}{{\"q\": \"x\", \"deep\": {}}}\n", deep(200));
        assert_eq!(
            parse(Format::Jsonl, &text).unwrap_err(),
            "line 2, column `deep`: the value nests arrays or objects more than 64 levels deep"
        );
        let array = format!("[{{\"deep\": {}}}]", deep(65));
        assert!(parse(Format::Json, &array).unwrap_err().starts_with("item 1, column `deep`"));
    }
}
