//! CSV with a header row (RFC 4180 quoting: embedded commas, quotes and line breaks; CRLF or LF;
//! a UTF-8 byte order mark is ignored). Every value is kept as a string.

use std::io::BufRead;

use csv::{ErrorKind, ReaderBuilder, StringRecord};

use super::{Columns, Failure, ParseError, RowWriter, json_string};

pub(super) fn parse(
    reader: impl BufRead,
    rows: &mut RowWriter<'_>,
) -> Result<Vec<String>, Failure> {
    let mut csv = ReaderBuilder::new().has_headers(true).flexible(false).from_reader(reader);
    let header = csv.headers().map_err(|e| failure(e, 1))?.clone();
    if header.is_empty() {
        return Err(ParseError::at_line(1, "the file is empty; a header row is required").into());
    }
    let mut columns = Columns::default();
    for name in &header {
        if columns.seen.contains(name) {
            return Err(ParseError::at_line(
                1,
                format!("the column `{name}` appears twice in the header"),
            )
            .into());
        }
        columns.add(name, &rows.limits).map_err(|message| ParseError::at_line(1, message))?;
    }
    let keys: Vec<Vec<u8>> = columns.names.iter().map(|name| json_string(name)).collect();

    let mut record = StringRecord::new();
    loop {
        let line = csv.position().line() + 1;
        match csv.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(failure(e, line)),
        }
        let line = record.position().map_or(line, |p| p.line());
        rows.begin();
        for ((value, key), name) in record.iter().zip(&keys).zip(&columns.names) {
            let at = |message: String| ParseError::at_line(line, message).in_column(name);
            rows.check_cell(value.len()).map_err(at)?;
            if value.contains('\0') {
                return Err(at("the value contains a NUL character".into()).into());
            }
            rows.field(key, &json_string(value));
        }
        rows.finish(|message| ParseError::at_line(line, message))?;
    }
    Ok(columns.names)
}

fn failure(err: csv::Error, line: u64) -> Failure {
    match err.into_kind() {
        ErrorKind::UnequalLengths { pos, expected_len, len } => {
            let line = pos.map_or(line, |p| p.line());
            ParseError::at_line(
                line,
                format!("the row has {len} fields but the header has {expected_len}"),
            )
            .into()
        }
        ErrorKind::Utf8 { pos, .. } => {
            let line = pos.map_or(line, |p| p.line());
            ParseError::at_line(line, "the text is not valid UTF-8").into()
        }
        ErrorKind::Io(e) => Failure::Io(e),
        other => ParseError::at_line(line, format!("{other:?}")).into(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::{Format, Limits, parse::tests::parse_all};

    fn csv(text: &str) -> Result<(Vec<String>, Vec<serde_json::Value>), String> {
        parse_all(Format::Csv, text.as_bytes(), Limits::default()).map_err(|e| e.to_string())
    }

    #[test]
    fn quoted_fields_embedded_commas_quotes_and_line_breaks() {
        let (columns, rows) =
            csv("question,answer\n\"a, b\",\"she said \"\"hi\"\"\"\n\"two\nlines\",x\n").unwrap();
        assert_eq!(columns, ["question", "answer"]);
        assert_eq!(
            rows,
            [
                json!({"question": "a, b", "answer": "she said \"hi\""}),
                json!({"question": "two\nlines", "answer": "x"}),
            ]
        );
    }

    #[test]
    fn bom_crlf_and_unicode() {
        let (columns, rows) = csv("\u{feff}naïve,日本\r\n\"é\",\"🎉\"\r\n").unwrap();
        assert_eq!(columns, ["naïve", "日本"]);
        assert_eq!(rows, [json!({"naïve": "é", "日本": "🎉"})]);
    }

    #[test]
    fn a_header_alone_is_zero_rows_and_values_stay_strings() {
        assert_eq!(csv("a,b\n").unwrap(), (vec!["a".into(), "b".into()], vec![]));
        let (_, rows) = csv("n,flag\n007,true\n").unwrap();
        assert_eq!(rows, [json!({"n": "007", "flag": "true"})]);
    }

    #[test]
    fn ragged_rows_are_refused_with_their_line() {
        assert_eq!(
            csv("a,b\n1,2\n3\n").unwrap_err(),
            "line 3: the row has 1 fields but the header has 2"
        );
        // A quoted line break does not shift the count.
        assert_eq!(
            csv("a,b\n\"x\ny\",2\n1,2,3\n").unwrap_err(),
            "line 4: the row has 3 fields but the header has 2"
        );
    }

    #[test]
    fn bad_headers_are_refused() {
        assert_eq!(csv("").unwrap_err(), "line 1: the file is empty; a header row is required");
        assert_eq!(csv("a,,c\n1,2,3\n").unwrap_err(), "line 1: a column name is empty");
        assert_eq!(
            csv("a,b,a\n1,2,3\n").unwrap_err(),
            "line 1: the column `a` appears twice in the header"
        );
    }

    #[test]
    fn invalid_utf8_and_nul_are_refused_with_their_line() {
        let err = parse_all(Format::Csv, b"a\nok\n\xff\xfe\n", Limits::default()).unwrap_err();
        assert_eq!(err.line, Some(3));
        assert_eq!(
            csv("a\nx\0y\n").unwrap_err(),
            "line 2, column `a`: the value contains a NUL character"
        );
    }

    #[test]
    fn limits_name_what_was_exceeded() {
        let limits = Limits { max_rows: 2, max_columns: 2, max_cell_bytes: 5, ..Limits::default() };
        let err =
            |text: &str| parse_all(Format::Csv, text.as_bytes(), limits).unwrap_err().to_string();
        assert_eq!(err("a\n1\n2\n3\n"), "line 4: the file has more than 2 rows");
        assert_eq!(err("a,b,c\n1,2,3\n"), "line 1: the file has more than 2 columns");
        assert_eq!(
            err("a,b\n1,123456\n"),
            "line 2, column `b`: a value of 6 bytes is over the 5-byte limit"
        );
    }
}
