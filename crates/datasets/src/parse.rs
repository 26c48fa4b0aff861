//! Streaming parsers: each reads a file once and hands every row to a sink as the text of a JSON
//! object (`{"column": value, ...}`), without holding more than one row in memory.
//! Problems are reported with the line (or item) and column they are in.

mod csv;
mod json;

use std::{collections::HashSet, fmt, io::BufRead};

use crate::{Format, Limits};

/// What is wrong with a file, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ParseError {
    /// 1-based line of the file, when known.
    pub line: Option<u64>,
    /// 1-based position in a JSON array, when the line is not known.
    pub item: Option<u64>,
    pub column: Option<String>,
    pub message: String,
}

impl ParseError {
    fn at_line(line: u64, message: impl Into<String>) -> Self {
        Self { line: Some(line), item: None, column: None, message: message.into() }
    }

    fn in_column(mut self, column: &str) -> Self {
        self.column = Some(column.to_owned());
        self
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.item) {
            (Some(line), _) => write!(f, "line {line}")?,
            (None, Some(item)) => write!(f, "item {item}")?,
            (None, None) => write!(f, "the file")?,
        }
        if let Some(column) = &self.column {
            write!(f, ", column `{column}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Why parsing stopped early.
#[derive(Debug)]
pub(crate) enum Failure {
    Invalid(ParseError),
    /// The sink asked to stop (its consumer failed).
    Stopped,
    Io(std::io::Error),
}

impl From<ParseError> for Failure {
    fn from(err: ParseError) -> Self {
        Self::Invalid(err)
    }
}

/// Receives each row's JSON object text; returns `false` to stop.
pub(crate) type Sink<'a> = &'a mut dyn FnMut(&[u8]) -> bool;

/// Parses `reader` as `format`, feeding `sink`; returns the columns in order.
pub(crate) fn parse(
    format: Format,
    reader: impl BufRead,
    limits: &Limits,
    sink: Sink<'_>,
) -> Result<Vec<String>, Failure> {
    let mut rows = RowWriter { sink, count: 0, limits: *limits, buf: Vec::with_capacity(4096) };
    match format {
        Format::Csv => csv::parse(reader, &mut rows),
        Format::Json => json::parse_array(reader, &mut rows),
        Format::Jsonl => json::parse_lines(reader, &mut rows),
    }
}

/// Builds one row's JSON object in a reused buffer, checks the per-row limits, and hands it on.
pub(crate) struct RowWriter<'a> {
    sink: Sink<'a>,
    count: u64,
    limits: Limits,
    buf: Vec<u8>,
}

impl RowWriter<'_> {
    fn begin(&mut self) {
        self.buf.clear();
        self.buf.push(b'{');
    }

    /// Appends `"key":` followed by `value_json`, which must already be valid JSON.
    fn field(&mut self, key_json: &[u8], value_json: &[u8]) {
        if self.buf.len() > 1 {
            self.buf.push(b',');
        }
        self.buf.extend_from_slice(key_json);
        self.buf.push(b':');
        self.buf.extend_from_slice(value_json);
    }

    /// Checks a cell against the size limit.
    fn check_cell(&self, bytes: usize) -> Result<(), String> {
        if bytes > self.limits.max_cell_bytes {
            Err(format!(
                "a value of {bytes} bytes is over the {}-byte limit",
                self.limits.max_cell_bytes
            ))
        } else {
            Ok(())
        }
    }

    /// Finishes the row and hands it to the sink; `at` locates it for errors.
    fn finish(&mut self, at: impl FnOnce(String) -> ParseError) -> Result<(), Failure> {
        if self.count == self.limits.max_rows {
            return Err(at(format!("the file has more than {} rows", self.limits.max_rows)).into());
        }
        self.buf.push(b'}');
        self.count += 1;
        if (self.sink)(&self.buf) { Ok(()) } else { Err(Failure::Stopped) }
    }
}

/// Column names in order of first appearance, with their JSON-encoded keys.
#[derive(Debug, Default)]
struct Columns {
    names: Vec<String>,
    seen: HashSet<String>,
}

impl Columns {
    /// Adds `name` if new; fails past the column limit or for names no table could hold.
    fn add(&mut self, name: &str, limits: &Limits) -> Result<(), String> {
        if self.seen.contains(name) {
            return Ok(());
        }
        if name.trim().is_empty() {
            return Err("a column name is empty".into());
        }
        if name.contains('\0') {
            return Err("a column name contains a NUL character".into());
        }
        if self.names.len() == limits.max_columns {
            return Err(format!("the file has more than {} columns", limits.max_columns));
        }
        self.seen.insert(name.to_owned());
        self.names.push(name.to_owned());
        Ok(())
    }
}

fn json_string(text: &str) -> Vec<u8> {
    serde_json::to_vec(text).expect("strings serialize")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Parses `text` with `limits`, returning the columns and every row as a JSON value.
    pub(crate) fn parse_all(
        format: Format,
        text: &[u8],
        limits: Limits,
    ) -> Result<(Vec<String>, Vec<serde_json::Value>), ParseError> {
        let mut rows = Vec::new();
        let mut sink = |row: &[u8]| {
            rows.push(serde_json::from_slice(row).expect("rows are valid JSON"));
            true
        };
        match parse(format, text, &limits, &mut sink) {
            Ok(columns) => Ok((columns, rows)),
            Err(Failure::Invalid(err)) => Err(err),
            Err(other) => panic!("{other:?}"),
        }
    }

    #[test]
    fn errors_read_like_a_location_then_the_problem() {
        let err = ParseError::at_line(12, "it is wrong").in_column("answer");
        assert_eq!(err.to_string(), "line 12, column `answer`: it is wrong");
        let item = ParseError { line: None, item: Some(3), column: None, message: "x".into() };
        assert_eq!(item.to_string(), "item 3: x");
    }

    #[test]
    fn a_sink_can_stop_the_parse() {
        let mut seen = 0;
        let mut sink = |_: &[u8]| {
            seen += 1;
            false
        };
        let result =
            parse(Format::Jsonl, &b"{\"a\":1}\n{\"a\":2}\n"[..], &Limits::default(), &mut sink);
        assert!(matches!(result, Err(Failure::Stopped)));
        assert_eq!(seen, 1);
    }
}
