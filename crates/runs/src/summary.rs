//! What a run's grades say, per model, and two runs side by side. Counts, sums, means and
//! percentiles are computed by SQL over the cells; only the interval maths happens here.

use datasets::DatasetId;
use grading::stats::{self, Agreement, Interval};
use platform::UserTx;
use serde::Serialize;

use crate::{CellCounts, Error, Result, RunId, RunModelId, RunStatus, passes::CellSource};

/// Tokens used.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenTotals {
    pub input: i64,
    pub output: i64,
    pub grader_input: i64,
    pub grader_output: i64,
}

/// USD spent.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CostTotals {
    pub generation: f64,
    pub grading: f64,
    pub total: f64,
}

/// Latency of the succeeded cells.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LatencyStats {
    pub p50_ms: Option<f64>,
    pub p95_ms: Option<f64>,
    pub max_ms: Option<f64>,
}

/// The moments and tables SQL gives for the statistics; not shown as they are.
#[derive(Debug, Clone, Copy, PartialEq, Default, sqlx::FromRow)]
pub struct Moments {
    sd_score: Option<f64>,
    both_pass: i64,
    both_fail: i64,
    auto_only_pass: i64,
    manual_only_pass: i64,
}

/// One model of a run, summarised.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = ModelSummaryView))]
pub struct ModelSummary {
    #[cfg_attr(feature = "openapi", schema(value_type = Uuid))]
    pub model_id: RunModelId,
    pub label: String,
    pub provider: String,
    pub model: String,
    #[sqlx(flatten)]
    pub counts: CellCounts,
    /// Cells with an effective grade (manual, else automatic).
    pub graded: i64,
    pub passed: i64,
    #[sqlx(skip)]
    pub pass_rate: Option<f64>,
    /// Wilson score interval.
    #[sqlx(skip)]
    pub pass_rate_ci: Option<Interval>,
    /// Cells with a judge score.
    pub scored: i64,
    /// Mean normalised judge score.
    pub mean_score: Option<f64>,
    /// Mean ± t · s / √n.
    #[sqlx(skip)]
    pub mean_score_ci: Option<Interval>,
    /// The judge answered without a verdict.
    pub parse_errors: i64,
    /// The judge could not be called.
    pub judge_errors: i64,
    pub manual_grades: i64,
    #[sqlx(flatten)]
    pub tokens: TokenTotals,
    #[sqlx(flatten)]
    pub cost_usd: CostTotals,
    #[sqlx(flatten)]
    pub latency: LatencyStats,
    #[sqlx(skip)]
    pub agreement: Option<Agreement>,
    #[sqlx(flatten)]
    #[serde(skip)]
    moments: Moments,
}

impl ModelSummary {
    /// Fills in what is computed from the counts and moments.
    fn with_statistics(mut self) -> Self {
        let count = |n: i64| u64::try_from(n).unwrap_or(0);
        let m = self.moments;
        self.pass_rate = (self.graded > 0).then(|| self.passed as f64 / self.graded as f64);
        self.pass_rate_ci = stats::wilson(count(self.passed), count(self.graded));
        self.mean_score_ci = self
            .mean_score
            .zip(m.sd_score)
            .and_then(|(mean, sd)| stats::mean_interval(mean, sd, count(self.scored)));
        self.agreement = stats::agreement(
            count(m.both_pass),
            count(m.both_fail),
            count(m.auto_only_pass),
            count(m.manual_only_pass),
        );
        self
    }
}

/// A run's grades and usage, per model.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = RunSummaryView))]
pub struct RunSummary {
    #[cfg_attr(feature = "openapi", schema(value_type = Uuid))]
    pub run_id: RunId,
    pub status: RunStatus,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Uuid>))]
    pub dataset_id: Option<DatasetId>,
    pub models: Vec<ModelSummary>,
}

/// Per-model statistics of a run, graded as its latest pass (or `pass`) graded it.
pub async fn summary(tx: &mut UserTx, run_id: RunId, pass: Option<i32>) -> Result<RunSummary> {
    let run: Option<(RunStatus, Option<DatasetId>)> =
        sqlx::query_as("select status, dataset_id from public.run where id = $1")
            .bind(run_id)
            .fetch_optional(&mut **tx)
            .await?;
    let (status, dataset_id) = run.ok_or(Error::NotFound(run_id))?;
    let source = CellSource::of(tx, run_id, pass).await?;
    let rows: Vec<ModelSummary> = sqlx::query_as(&format!(
        "select m.id as model_id, m.label, m.provider, m.model,
           count(c.id) filter (where c.status = 'queued') as queued,
           count(c.id) filter (where c.status = 'running') as running,
           count(c.id) filter (where c.status = 'succeeded') as succeeded,
           count(c.id) filter (where c.status = 'failed') as failed,
           count(c.id) filter (where c.status = 'cancelled') as cancelled,
           count(g.effective_pass) as graded,
           count(c.id) filter (where g.effective_pass) as passed,
           count(g.judge_score) as scored,
           avg(g.judge_score) as mean_score,
           stddev_samp(g.judge_score) as sd_score,
           count(c.id) filter (where g.judge_status = 'parse_error') as parse_errors,
           count(c.id) filter (where g.judge_status = 'error') as judge_errors,
           count(c.manual_grade) as manual_grades,
           coalesce(sum(c.tokens_in), 0)::int8 as input,
           coalesce(sum(c.tokens_out), 0)::int8 as output,
           coalesce(sum(g.judge_tokens_in), 0)::int8 as grader_input,
           coalesce(sum(g.judge_tokens_out), 0)::int8 as grader_output,
           coalesce(sum(c.cost_usd), 0)::float8 as generation,
           coalesce(sum(g.judge_cost_usd), 0)::float8 as grading,
           (coalesce(sum(c.cost_usd), 0) + coalesce(sum(g.judge_cost_usd), 0))::float8 as total,
           percentile_cont(0.5) within group (order by c.latency_ms)
             filter (where c.status = 'succeeded') as p50_ms,
           percentile_cont(0.95) within group (order by c.latency_ms)
             filter (where c.status = 'succeeded') as p95_ms,
           (max(c.latency_ms) filter (where c.status = 'succeeded'))::float8 as max_ms,
           count(c.id) filter (where c.manual_grade = 'pass' and g.auto_pass) as both_pass,
           count(c.id) filter (where c.manual_grade = 'fail' and not g.auto_pass) as both_fail,
           count(c.id) filter (where c.manual_grade = 'fail' and g.auto_pass) as auto_only_pass,
           count(c.id) filter (where c.manual_grade = 'pass' and not g.auto_pass) as manual_only_pass
         from public.run_model m left join ({cells}) on c.run_model_id = m.id
         where m.run_id = $1
         group by m.id, m.position
         order by m.position",
        cells = source.sql(1, 2)
    ))
    .bind(run_id)
    .bind(source.number())
    .fetch_all(&mut **tx)
    .await?;
    let models = rows.into_iter().map(ModelSummary::with_statistics).collect();
    Ok(RunSummary { run_id, status, dataset_id, models })
}

/// McNemar's test on the rows both runs graded.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = PairedTest))]
pub struct Paired {
    /// Rows graded in both runs.
    pub rows: i64,
    pub both_pass: i64,
    pub both_fail: i64,
    /// Passed only in the first run / only in the second.
    pub first_only: u64,
    pub second_only: u64,
    pub p_value: f64,
    /// `exact` (binomial, under 25 discordant rows) or `chi_squared` (with continuity correction).
    pub method: String,
    /// p < 0.05.
    pub significant: bool,
}

/// One model in both runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = ModelComparisonView))]
pub struct ModelComparison {
    pub provider: String,
    pub model: String,
    pub first: ModelSummary,
    pub second: ModelSummary,
    /// Second pass rate minus first.
    pub pass_rate_difference: Option<f64>,
    /// Only when both runs used the same dataset (rows are paired by index).
    pub paired: Option<Paired>,
}

/// Two runs side by side.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = ComparisonView))]
pub struct Comparison {
    pub first: RunSummary,
    pub second: RunSummary,
    /// Models in both runs, matched by provider and model.
    pub models: Vec<ModelComparison>,
}

/// Compares two runs, typically two prompt versions on the same dataset. Rows are paired by
/// their index when both runs used the same dataset; McNemar's test then says whether the pass
/// rates differ beyond chance.
pub async fn compare(tx: &mut UserTx, first_id: RunId, second_id: RunId) -> Result<Comparison> {
    let first = summary(tx, first_id, None).await?;
    let second = summary(tx, second_id, None).await?;
    let same_rows = first.dataset_id.is_some() && first.dataset_id == second.dataset_id;
    let mut models = Vec::new();
    for a in &first.models {
        let Some(b) = second.models.iter().find(|b| b.provider == a.provider && b.model == a.model)
        else {
            continue;
        };
        let paired = if same_rows { Some(paired(tx, a.model_id, b.model_id).await?) } else { None };
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

async fn paired(tx: &mut UserTx, first: RunModelId, second: RunModelId) -> Result<Paired> {
    let (both_pass, first_only, second_only, both_fail): (i64, i64, i64, i64) = sqlx::query_as(
        "select count(*) filter (where a.effective_pass and b.effective_pass),
                count(*) filter (where a.effective_pass and not b.effective_pass),
                count(*) filter (where not a.effective_pass and b.effective_pass),
                count(*) filter (where not a.effective_pass and not b.effective_pass)
         from public.run_cell a join public.run_cell b on b.row_index = a.row_index
         where a.run_model_id = $1 and b.run_model_id = $2
           and a.effective_pass is not null and b.effective_pass is not null",
    )
    .bind(first)
    .bind(second)
    .fetch_one(&mut **tx)
    .await?;
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    let test = stats::mcnemar(count(first_only), count(second_only));
    Ok(Paired {
        rows: both_pass + first_only + second_only + both_fail,
        both_pass,
        both_fail,
        first_only: test.first_only,
        second_only: test.second_only,
        p_value: test.p_value,
        method: test.method.to_owned(),
        significant: test.significant,
    })
}
