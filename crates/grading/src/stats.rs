//! The statistics of grades, from counts and moments that SQL computes (no cell is loaded).
//!
//! - Pass rate: Wilson score interval (95%), which stays inside 0..1 and behaves for small n.
//! - Mean score: mean ± t(0.975, n-1) · s / √n.
//! - Judge-human agreement: the share of cells where both agree, and Cohen's kappa.
//! - Two runs on the same rows: McNemar's test on the discordant pairs, exact (binomial) below 25
//!   discordant pairs and χ² with continuity correction from there.

use serde::Serialize;

/// z for a two-sided 95% interval.
const Z95: f64 = 1.959_963_984_540_054;

/// A 95% confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Interval {
    pub low: f64,
    pub high: f64,
}

/// Wilson interval for `successes` out of `n`; `None` without data.
pub fn wilson(successes: u64, n: u64) -> Option<Interval> {
    if n == 0 {
        return None;
    }
    let (n, p) = (n as f64, successes as f64 / n as f64);
    let z2 = Z95 * Z95;
    let denominator = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denominator;
    let half = Z95 / denominator * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Some(Interval { low: (centre - half).max(0.0), high: (centre + half).min(1.0) })
}

/// Interval of a mean from its sample standard deviation; `None` below two values.
pub fn mean_interval(mean: f64, sd: f64, n: u64) -> Option<Interval> {
    if n < 2 {
        return None;
    }
    let half = t975(n - 1) * sd / (n as f64).sqrt();
    Some(Interval { low: mean - half, high: mean + half })
}

/// The 97.5% quantile of Student's t with `df` degrees of freedom.
fn t975(df: u64) -> f64 {
    const TABLE: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    match usize::try_from(df) {
        Ok(df @ 1..=30) => TABLE[df - 1],
        // Beyond the table, the first Cornish-Fisher term is accurate to about 1e-3.
        _ => Z95 + (Z95.powi(3) + Z95) / (4.0 * df as f64),
    }
}

/// How often the automatic and the manual grade agree, on cells with both.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = AgreementView))]
pub struct Agreement {
    pub cells: u64,
    pub rate: f64,
    /// Cohen's kappa: agreement beyond chance (null when one grade is given throughout).
    pub kappa: Option<f64>,
}

/// Agreement from the 2x2 table of (judge, human) grades; `None` without cells graded by both.
pub fn agreement(
    both_pass: u64,
    both_fail: u64,
    judge_only_pass: u64,
    human_only_pass: u64,
) -> Option<Agreement> {
    let n = both_pass + both_fail + judge_only_pass + human_only_pass;
    if n == 0 {
        return None;
    }
    let total = n as f64;
    let observed = (both_pass + both_fail) as f64 / total;
    let judge_pass = (both_pass + judge_only_pass) as f64 / total;
    let human_pass = (both_pass + human_only_pass) as f64 / total;
    let expected = judge_pass * human_pass + (1.0 - judge_pass) * (1.0 - human_pass);
    let kappa = (expected < 1.0).then(|| (observed - expected) / (1.0 - expected));
    Some(Agreement { cells: n, rate: observed, kappa })
}

/// McNemar's test of two paired pass rates.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct McNemar {
    /// Pairs that passed in the first run only, and in the second only.
    pub first_only: u64,
    pub second_only: u64,
    pub p_value: f64,
    /// `exact` (binomial, below 25 discordant pairs) or `chi_squared` (with continuity correction).
    pub method: &'static str,
    /// At the 5% level.
    pub significant: bool,
}

pub fn mcnemar(first_only: u64, second_only: u64) -> McNemar {
    let discordant = first_only + second_only;
    let (p_value, method) = if discordant < 25 {
        (exact_binomial_two_sided(first_only.min(second_only), discordant), "exact")
    } else {
        let difference = (first_only as f64 - second_only as f64).abs() - 1.0;
        let statistic = difference.max(0.0).powi(2) / discordant as f64;
        (erfc((statistic / 2.0).sqrt()), "chi_squared")
    };
    McNemar { first_only, second_only, p_value, method, significant: p_value < 0.05 }
}

/// P(X <= k or X >= n-k) for X ~ Binomial(n, 1/2).
fn exact_binomial_two_sided(k: u64, n: u64) -> f64 {
    if n == 0 {
        return 1.0;
    }
    let mut term = 0.5f64.powi(i32::try_from(n).unwrap_or(i32::MAX)); // C(n, 0) / 2^n
    let mut tail = term;
    for i in 0..k {
        term *= (n - i) as f64 / (i + 1) as f64;
        tail += term;
    }
    (2.0 * tail).min(1.0)
}

/// The complementary error function (Numerical Recipes' `erfcc`, relative error below 1.2e-7).
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let value = t * poly.exp();
    if x >= 0.0 { value } else { 2.0 - value }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tolerance: f64) -> bool {
        (a - b).abs() <= tolerance
    }

    #[test]
    fn wilson_matches_hand_computed_values() {
        // 8 of 10: centre 0.7167, half-width 0.2266 (computed by hand from the formula).
        let i = wilson(8, 10).unwrap();
        assert!(close(i.low, 0.4902, 1e-4) && close(i.high, 0.9433, 1e-4), "{i:?}");
        // 0 of 5 stays at 0 and is not empty: [0, 0.4345].
        let i = wilson(0, 5).unwrap();
        assert!(close(i.low, 0.0, 1e-12) && close(i.high, 0.4345, 1e-4), "{i:?}");
        let i = wilson(50, 100).unwrap();
        assert!(close(i.low, 0.4038, 1e-4) && close(i.high, 0.5962, 1e-4), "{i:?}");
        assert_eq!(wilson(0, 0), None);
    }

    #[test]
    fn mean_interval_uses_student_t() {
        // 1, 2, 3, 4, 5: mean 3, s = 1.5811, t(4) = 2.776 -> 3 ± 1.9630.
        let i = mean_interval(3.0, 1.581_138_83, 5).unwrap();
        assert!(close(i.low, 1.0370, 1e-3) && close(i.high, 4.9630, 1e-3), "{i:?}");
        // Large n approaches the normal: 0.5 ± 1.96 * 0.1 / 10.
        let i = mean_interval(0.5, 0.1, 100).unwrap();
        assert!(close(i.high - 0.5, 0.01984, 2e-4), "{i:?}");
        assert_eq!(mean_interval(1.0, 0.0, 1), None);
    }

    #[test]
    fn mcnemar_exact_and_chi_squared() {
        // 1 vs 6 discordant: p = 2 * (1 + 7) / 128 = 0.125.
        let small = mcnemar(1, 6);
        assert_eq!(small.method, "exact");
        assert!(close(small.p_value, 0.125, 1e-12) && !small.significant);
        // 10 vs 25: chi² = (15 - 1)² / 35 = 5.6, p = 0.01796.
        let large = mcnemar(10, 25);
        assert_eq!(large.method, "chi_squared");
        assert!(close(large.p_value, 0.017_96, 1e-4) && large.significant, "{large:?}");
        assert!(close(mcnemar(0, 0).p_value, 1.0, 1e-12));
        assert!(close(mcnemar(30, 30).p_value, 1.0, 1e-6));
    }

    #[test]
    fn agreement_and_kappa() {
        // 20 cells: both pass 10, both fail 6, judge-only 3, human-only 1.
        // observed 0.8; judge 0.65, human 0.55; expected 0.3575 + 0.1575 = 0.515; kappa 0.5876.
        let a = agreement(10, 6, 3, 1).unwrap();
        assert!(close(a.rate, 0.8, 1e-12) && close(a.kappa.unwrap(), 0.587_63, 1e-4), "{a:?}");
        assert_eq!(
            agreement(4, 0, 0, 0).unwrap().kappa,
            None,
            "all pass: nothing beyond chance to measure"
        );
        assert_eq!(agreement(0, 0, 0, 0), None);
    }

    #[test]
    fn erfc_is_accurate() {
        for (x, expected) in [
            (0.0, 1.0),
            (0.5, 0.479_500_12),
            (1.0, 0.157_299_21),
            (2.0, 0.004_677_73),
            (-1.0, 1.842_700_79),
        ] {
            assert!(close(erfc(x), expected, 1e-6), "erfc({x}) = {}", erfc(x));
        }
    }
}
