//! Exporting a run, one line per cell (CSV or JSON Lines), streamed: rows go from Postgres to the
//! client through a small bounded channel, so a 100,000-cell run exports in constant memory.
//!
//! The cells are read a slice of rows at a time, each slice in a short transaction of its own:
//! a client that stops reading holds a small buffer, never a pooled connection.

use std::io;

use bytes::Bytes;
use datasets::DatasetId;
use platform::{Db, OrgId, User, UserTx};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use tokio::sync::mpsc;

use crate::{Error, Result, RunId};

/// Lines in flight between the database and the client.
const BUFFER: usize = 64;
/// Dataset rows read per transaction (each with up to four cells).
const ROWS_PER_SLICE: i32 = 250;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    #[default]
    Csv,
    Jsonl,
}

impl ExportFormat {
    /// The content type and file extension of the format.
    pub fn media(self) -> (&'static str, &'static str) {
        match self {
            Self::Csv => ("text/csv; charset=utf-8", "csv"),
            Self::Jsonl => ("application/x-ndjson", "jsonl"),
        }
    }
}

/// An export ready to start: the run exists and the caller can read it.
#[derive(Debug)]
pub struct Export {
    /// The run's organization (whose stream budget the export counts against).
    pub org_id: OrgId,
    source: Source,
    format: ExportFormat,
    columns: Vec<String>,
    variables: Map<String, Value>,
}

impl Export {
    /// Starts producing the file: its chunks, as they come.
    pub fn start(self) -> mpsc::Receiver<io::Result<Bytes>> {
        let Self { source, format, columns, variables, .. } = self;
        let (sender, chunks) = mpsc::channel(BUFFER);
        tokio::spawn(async move {
            if let Err(error) = produce(&source, format, &columns, &variables, &sender).await {
                let run_id = source.run_id;
                tracing::error!(error = %error.describe(), run.id = %run_id, "export failed part way");
                let _ = sender.send(Err(io::Error::other("the export failed part way"))).await;
            }
        });
        chunks
    }
}

/// The fixed columns of a CSV export, after the row's own columns.
const FIXED_COLUMNS: [&str; 25] = [
    "model",
    "provider",
    "model_name",
    "status",
    "output",
    "output_truncated",
    "judge_status",
    "judge_score",
    "judge_pass",
    "judge_reason",
    "checks_passed",
    "auto_pass",
    "manual_grade",
    "effective_pass",
    "tokens_in",
    "tokens_out",
    "cost_usd",
    "grader_tokens_in",
    "grader_tokens_out",
    "grader_cost_usd",
    "total_cost_usd",
    "latency_ms",
    "attempts",
    "error_kind",
    "error_message",
];

/// Where a run's row values come from, and how far its rows go.
#[derive(Debug, sqlx::FromRow)]
struct RunInputs {
    org_id: OrgId,
    dataset_id: Option<DatasetId>,
    variables: sqlx::types::Json<Map<String, Value>>,
    last_row: Option<i32>,
}

#[derive(Debug, sqlx::FromRow, Serialize)]
struct Line {
    row_index: Option<i32>,
    #[serde(skip)]
    row: Option<sqlx::types::Json<Map<String, Value>>>,
    label: String,
    provider: String,
    model: String,
    status: String,
    output: Option<String>,
    output_truncated: bool,
    judge_status: Option<String>,
    judge_score: Option<f64>,
    judge_pass: Option<bool>,
    judge_reason: Option<String>,
    check_results: Option<sqlx::types::Json<Vec<grading::CheckResult>>>,
    auto_pass: Option<bool>,
    manual_grade: Option<String>,
    effective_pass: Option<bool>,
    tokens_in: Option<i32>,
    tokens_out: Option<i32>,
    cost_usd: Option<f64>,
    grader_tokens_in: Option<i32>,
    grader_tokens_out: Option<i32>,
    grader_cost_usd: Option<f64>,
    latency_ms: Option<i32>,
    attempts: i32,
    error_kind: Option<String>,
    error_message: Option<String>,
}

/// Starts exporting run `run_id` as `user`. Fails before anything is produced if the run does
/// not exist (or is not theirs).
pub async fn export(db: &Db, user: &User, run_id: RunId, format: ExportFormat) -> Result<Export> {
    let mut tx = db.begin_as(user).await?;
    let run: Option<RunInputs> = sqlx::query_as(
        "select org_id, dataset_id, variables,
                (select max(row_index) from public.run_cell where run_id = r.id) as last_row
         from public.run r where id = $1",
    )
    .bind(run_id)
    .fetch_optional(&mut *tx)
    .await?;
    let RunInputs { org_id, dataset_id, variables, last_row } =
        run.ok_or(Error::NotFound(run_id))?;
    let columns: Vec<String> = match dataset_id {
        // Runs keep their dataset (it cannot be deleted while they exist).
        Some(id) => datasets::find(&mut tx, id).await?.map(|d| d.columns).unwrap_or_default(),
        None => variables.0.keys().cloned().collect(),
    };
    tx.commit().await?;
    let source = Source { db: db.clone(), user: user.clone(), run_id, last_row };
    Ok(Export { org_id, source, format, columns, variables: variables.0 })
}

/// Where an export reads from.
#[derive(Debug)]
struct Source {
    db: Db,
    user: User,
    run_id: RunId,
    /// The run's last dataset row (`None` for a run over variables: one row without an index).
    last_row: Option<i32>,
}

impl Source {
    /// The cells of rows `from..from + ROWS_PER_SLICE` (or, for `None`, the cells without a row),
    /// in row and model order, read in a transaction of their own.
    async fn slice(&self, from: Option<i32>) -> Result<Vec<Line>> {
        let mut tx: UserTx = self.db.begin_as(&self.user).await?;
        let lines = sqlx::query_as::<_, Line>(
            "select c.row_index, d.values as row, m.label, m.provider, m.model,
                    c.status::text as status, c.output, c.output_truncated,
                    c.judge_status::text as judge_status, c.judge_score, c.judge_pass,
                    c.judge_reason, c.check_results, c.auto_pass, c.manual_grade, c.effective_pass,
                    c.tokens_in, c.tokens_out, c.cost_usd, c.judge_tokens_in as grader_tokens_in,
                    c.judge_tokens_out as grader_tokens_out, c.judge_cost_usd as grader_cost_usd,
                    c.latency_ms, c.attempts, c.error_kind, c.error_message
             from public.run_cell c
             join public.run_model m on m.id = c.run_model_id
             join public.run r on r.id = c.run_id
             left join public.dataset_row d
               on d.dataset_id = r.dataset_id and d.row_index = c.row_index
             where c.run_id = $1
               and (case when $2::int is null then c.row_index is null
                         else c.row_index >= $2 and c.row_index < $2 + $3 end)
             order by c.row_index, m.position",
        )
        .bind(self.run_id)
        .bind(from)
        .bind(ROWS_PER_SLICE)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(lines)
    }
}

async fn produce(
    source: &Source,
    format: ExportFormat,
    columns: &[String],
    variables: &Map<String, Value>,
    out: &mpsc::Sender<io::Result<Bytes>>,
) -> Result<()> {
    let send = async |bytes: Vec<u8>| out.send(Ok(Bytes::from(bytes))).await.is_ok();
    // A row column named like a fixed one is written as `row.<name>`.
    let header: Vec<String> = std::iter::once("row_index".to_owned())
        .chain(columns.iter().map(|c| {
            if FIXED_COLUMNS.contains(&c.as_str()) || c == "row_index" {
                format!("row.{c}")
            } else {
                c.clone()
            }
        }))
        .chain(FIXED_COLUMNS.iter().map(|c| (*c).to_owned()))
        .collect();
    if format == ExportFormat::Csv && !send(csv_line(&header)).await {
        return Ok(());
    }
    // The row-less cells of a run over variables first, then the dataset's rows a slice at a
    // time. A slice's transaction ends before its lines are sent.
    let starts = std::iter::once(None)
        .chain((0..=source.last_row.unwrap_or(-1)).step_by(ROWS_PER_SLICE as usize).map(Some));
    for from in starts {
        for line in source.slice(from).await? {
            let values = line.row.as_ref().map_or(variables, |row| &row.0);
            let bytes = match format {
                ExportFormat::Csv => csv_line(&csv_fields(&line, columns, values)),
                ExportFormat::Jsonl => jsonl_line(&line, values),
            };
            // The client went away: stop reading.
            if !send(bytes).await {
                return Ok(());
            }
        }
    }
    Ok(())
}

fn csv_fields(line: &Line, columns: &[String], values: &Map<String, Value>) -> Vec<String> {
    let opt = |v: Option<String>| v.unwrap_or_default();
    let num = |v: Option<f64>| v.map(|n| n.to_string()).unwrap_or_default();
    let int = |v: Option<i32>| v.map(|n| n.to_string()).unwrap_or_default();
    let flag = |v: Option<bool>| v.map(|b| b.to_string()).unwrap_or_default();
    let checks_passed = line.check_results.as_ref().map(|c| c.0.iter().all(|r| r.passed));
    let total_cost = line.cost_usd.map(|c| c + line.grader_cost_usd.unwrap_or(0.0));
    let mut fields = vec![int(line.row_index)];
    fields.extend(columns.iter().map(|c| match values.get(c) {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }));
    fields.extend([
        line.label.clone(),
        line.provider.clone(),
        line.model.clone(),
        line.status.clone(),
        opt(line.output.clone()),
        line.output_truncated.to_string(),
        opt(line.judge_status.clone()),
        num(line.judge_score),
        flag(line.judge_pass),
        opt(line.judge_reason.clone()),
        flag(checks_passed),
        flag(line.auto_pass),
        opt(line.manual_grade.clone()),
        flag(line.effective_pass),
        int(line.tokens_in),
        int(line.tokens_out),
        num(line.cost_usd),
        int(line.grader_tokens_in),
        int(line.grader_tokens_out),
        num(line.grader_cost_usd),
        num(total_cost),
        int(line.latency_ms),
        line.attempts.to_string(),
        opt(line.error_kind.clone()),
        opt(line.error_message.clone()),
    ]);
    fields
}

fn csv_line(fields: &[String]) -> Vec<u8> {
    let mut writer =
        csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    writer.write_record(fields).expect("writing to memory");
    writer.into_inner().expect("flushing to memory")
}

fn jsonl_line(line: &Line, values: &Map<String, Value>) -> Vec<u8> {
    let mut object = serde_json::to_value(line).expect("lines serialize");
    object["row"] = Value::Object(values.clone());
    object["total_cost_usd"] =
        json!(line.cost_usd.map(|c| c + line.grader_cost_usd.unwrap_or(0.0)));
    let mut bytes = serde_json::to_vec(&object).expect("values serialize");
    bytes.push(b'\n');
    bytes
}
