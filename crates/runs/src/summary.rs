//! What a run's grades say, per model, and two runs side by side. Counts, sums, means and
//! percentiles are computed by SQL over the cells; only the interval maths happens here.

use grading::stats::{self, Agreement, Interval, McNemar};
use platform::UserTx;
use uuid::Uuid;

use crate::{CellCounts, Error, Result, RunStatus};

/// One model of a run, summarised.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelSummary {
    pub run_model_id: Uuid,
    pub label: String,
    pub provider: String,
    pub model: String,
    pub counts: CellCounts,
    /// Cells with an effective grade (manual, else automatic), and how many of them pass.
    pub graded: i64,
    pub passed: i64,
    pub pass_rate: Option<f64>,
    pub pass_interval: Option<Interval>,
    /// Cells with a judge score (normalised 0..1), and their mean.
    pub scored: i64,
    pub mean_score: Option<f64>,
    pub score_interval: Option<Interval>,
    /// The judge answered without a verdict / could not be called.
    pub parse_errors: i64,
    pub judge_errors: i64,
    pub manual_grades: i64,
    pub tokens_in: i64,
    pub tokens_out: i64,
    pub grader_tokens_in: i64,
    pub grader_tokens_out: i64,
    pub generation_cost_usd: f64,
    pub grading_cost_usd: f64,
    pub latency_p50_ms: Option<f64>,
    pub latency_p95_ms: Option<f64>,
    pub latency_max_ms: Option<f64>,
    /// Between the automatic and the manual grade, on cells that have both.
    pub agreement: Option<Agreement>,
}

impl ModelSummary {
    pub fn total_cost_usd(&self) -> f64 {
        self.generation_cost_usd + self.grading_cost_usd
    }
}

/// A run's summary.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSummary {
    pub run_id: Uuid,
    pub status: RunStatus,
    pub dataset_id: Option<Uuid>,
    pub models: Vec<ModelSummary>,
}

#[derive(Debug, sqlx::FromRow)]
struct SummaryRow {
    run_model_id: Uuid,
    label: String,
    provider: String,
    model: String,
    #[sqlx(flatten)]
    counts: CellCounts,
    graded: i64,
    passed: i64,
    scored: i64,
    mean_score: Option<f64>,
    sd_score: Option<f64>,
    parse_errors: i64,
    judge_errors: i64,
    manual_grades: i64,
    tokens_in: i64,
    tokens_out: i64,
    grader_tokens_in: i64,
    grader_tokens_out: i64,
    generation_cost_usd: f64,
    grading_cost_usd: f64,
    latency_p50_ms: Option<f64>,
    latency_p95_ms: Option<f64>,
    latency_max_ms: Option<f64>,
    both_pass: i64,
    both_fail: i64,
    auto_only_pass: i64,
    manual_only_pass: i64,
}

/// Per-model statistics of a run.
pub async fn summary(tx: &mut UserTx, run_id: Uuid) -> Result<RunSummary> {
    let run: Option<(RunStatus, Option<Uuid>)> =
        sqlx::query_as("select status, dataset_id from public.run where id = $1")
            .bind(run_id)
            .fetch_optional(&mut **tx)
            .await?;
    let (status, dataset_id) = run.ok_or(Error::NotFound(run_id))?;
    let rows: Vec<SummaryRow> = sqlx::query_as(
        "select m.id as run_model_id, m.label, m.provider, m.model,
           count(c.id) filter (where c.status = 'queued') as queued,
           count(c.id) filter (where c.status = 'running') as running,
           count(c.id) filter (where c.status = 'succeeded') as succeeded,
           count(c.id) filter (where c.status = 'failed') as failed,
           count(c.id) filter (where c.status = 'cancelled') as cancelled,
           count(c.effective_pass) as graded,
           count(c.id) filter (where c.effective_pass) as passed,
           count(c.judge_score) as scored,
           avg(c.judge_score) as mean_score,
           stddev_samp(c.judge_score) as sd_score,
           count(c.id) filter (where c.judge_status = 'parse_error') as parse_errors,
           count(c.id) filter (where c.judge_status = 'error') as judge_errors,
           count(c.manual_grade) as manual_grades,
           coalesce(sum(c.tokens_in), 0)::int8 as tokens_in,
           coalesce(sum(c.tokens_out), 0)::int8 as tokens_out,
           coalesce(sum(c.grader_tokens_in), 0)::int8 as grader_tokens_in,
           coalesce(sum(c.grader_tokens_out), 0)::int8 as grader_tokens_out,
           coalesce(sum(c.cost_usd), 0)::float8 as generation_cost_usd,
           coalesce(sum(c.grader_cost_usd), 0)::float8 as grading_cost_usd,
           percentile_cont(0.5) within group (order by c.latency_ms)
             filter (where c.status = 'succeeded') as latency_p50_ms,
           percentile_cont(0.95) within group (order by c.latency_ms)
             filter (where c.status = 'succeeded') as latency_p95_ms,
           (max(c.latency_ms) filter (where c.status = 'succeeded'))::float8 as latency_max_ms,
           count(c.id) filter (where c.manual_grade = 'pass' and c.auto_pass) as both_pass,
           count(c.id) filter (where c.manual_grade = 'fail' and not c.auto_pass) as both_fail,
           count(c.id) filter (where c.manual_grade = 'fail' and c.auto_pass) as auto_only_pass,
           count(c.id) filter (where c.manual_grade = 'pass' and not c.auto_pass) as manual_only_pass
         from public.run_model m left join public.run_cell c on c.run_model_id = m.id
         where m.run_id = $1
         group by m.id, m.position
         order by m.position",
    )
    .bind(run_id)
    .fetch_all(&mut **tx)
    .await?;
    let models = rows.into_iter().map(ModelSummary::from).collect();
    Ok(RunSummary { run_id, status, dataset_id, models })
}

impl From<SummaryRow> for ModelSummary {
    fn from(r: SummaryRow) -> Self {
        let count = |n: i64| u64::try_from(n).unwrap_or(0);
        Self {
            pass_rate: (r.graded > 0).then(|| r.passed as f64 / r.graded as f64),
            pass_interval: stats::wilson(count(r.passed), count(r.graded)),
            score_interval: r
                .mean_score
                .zip(r.sd_score)
                .and_then(|(m, sd)| stats::mean_interval(m, sd, count(r.scored))),
            agreement: stats::agreement(
                count(r.both_pass),
                count(r.both_fail),
                count(r.auto_only_pass),
                count(r.manual_only_pass),
            ),
            run_model_id: r.run_model_id,
            label: r.label,
            provider: r.provider,
            model: r.model,
            counts: r.counts,
            graded: r.graded,
            passed: r.passed,
            scored: r.scored,
            mean_score: r.mean_score,
            parse_errors: r.parse_errors,
            judge_errors: r.judge_errors,
            manual_grades: r.manual_grades,
            tokens_in: r.tokens_in,
            tokens_out: r.tokens_out,
            grader_tokens_in: r.grader_tokens_in,
            grader_tokens_out: r.grader_tokens_out,
            generation_cost_usd: r.generation_cost_usd,
            grading_cost_usd: r.grading_cost_usd,
            latency_p50_ms: r.latency_p50_ms,
            latency_p95_ms: r.latency_p95_ms,
            latency_max_ms: r.latency_max_ms,
        }
    }
}

/// One model in both runs.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelComparison {
    pub provider: String,
    pub model: String,
    pub first: ModelSummary,
    pub second: ModelSummary,
    /// Second pass rate minus first.
    pub pass_rate_difference: Option<f64>,
    /// On the rows both runs graded (same dataset only).
    pub paired: Option<Paired>,
}

/// A paired comparison on shared rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Paired {
    pub rows: i64,
    pub both_pass: i64,
    pub both_fail: i64,
    pub test: McNemar,
}

/// Two runs side by side.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub first: RunSummary,
    pub second: RunSummary,
    /// Models in both runs, matched by provider and model.
    pub models: Vec<ModelComparison>,
}

/// Compares two runs, typically two prompt versions on the same dataset. Rows are paired by
/// their index when both runs used the same dataset; McNemar's test then says whether the pass
/// rates differ beyond chance.
pub async fn compare(tx: &mut UserTx, first_id: Uuid, second_id: Uuid) -> Result<Comparison> {
    let first = summary(tx, first_id).await?;
    let second = summary(tx, second_id).await?;
    let same_rows = first.dataset_id.is_some() && first.dataset_id == second.dataset_id;
    let mut models = Vec::new();
    for a in &first.models {
        let Some(b) = second.models.iter().find(|b| b.provider == a.provider && b.model == a.model)
        else {
            continue;
        };
        let paired =
            if same_rows { Some(paired(tx, a.run_model_id, b.run_model_id).await?) } else { None };
        models.push(ModelComparison {
            provider: a.provider.clone(),
            model: a.model.clone(),
            pass_rate_difference: a.pass_rate.zip(b.pass_rate).map(|(x, y)| y - x),
            first: a.clone(),
            second: b.clone(),
            paired,
        });
    }
    Ok(Comparison { first, second, models })
}

async fn paired(tx: &mut UserTx, first_model: Uuid, second_model: Uuid) -> Result<Paired> {
    let (both_pass, first_only, second_only, both_fail): (i64, i64, i64, i64) = sqlx::query_as(
        "select count(*) filter (where a.effective_pass and b.effective_pass),
                count(*) filter (where a.effective_pass and not b.effective_pass),
                count(*) filter (where not a.effective_pass and b.effective_pass),
                count(*) filter (where not a.effective_pass and not b.effective_pass)
         from public.run_cell a join public.run_cell b on b.row_index = a.row_index
         where a.run_model_id = $1 and b.run_model_id = $2
           and a.effective_pass is not null and b.effective_pass is not null",
    )
    .bind(first_model)
    .bind(second_model)
    .fetch_one(&mut **tx)
    .await?;
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    Ok(Paired {
        rows: both_pass + first_only + second_only + both_fail,
        both_pass,
        both_fail,
        test: stats::mcnemar(count(first_only), count(second_only)),
    })
}
