//! Retrying retryable failures with exponential backoff and full jitter, or exactly as long as
//! the provider's `Retry-After` asks.

use std::time::Duration;

use rand::Rng;

use crate::ProviderError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// The backoff before the second attempt; doubled for each further one.
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// A `Retry-After` longer than this is cut down to it.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 5,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// How long to wait after failed attempt number `attempt` (from 1), or `None` to give up.
    pub fn delay_after(&self, attempt: u32, error: &ProviderError) -> Option<Duration> {
        if !error.kind.is_retryable() || attempt >= self.max_attempts {
            return None;
        }
        if let Some(wait) = error.retry_after {
            return Some(wait.min(self.max_retry_after));
        }
        let exponential =
            self.base_delay.saturating_mul(1 << (attempt - 1).min(16)).min(self.max_delay);
        // Full jitter: spreads retries of many cells that failed together.
        let millis = u64::try_from(exponential.as_millis()).unwrap_or(u64::MAX);
        Some(Duration::from_millis(rand::rng().random_range(0..=millis)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn backoff_grows_is_capped_honours_retry_after_and_gives_up() {
        let policy = RetryPolicy {
            max_attempts: 6,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(250),
            max_retry_after: Duration::from_secs(2),
        };
        let error = ProviderError::new(ErrorKind::ProviderError, "503");
        for (attempt, ceiling) in [(1, 100), (2, 200), (3, 250), (4, 250)] {
            let delay = policy.delay_after(attempt, &error).unwrap();
            assert!(delay <= Duration::from_millis(ceiling), "attempt {attempt}: {delay:?}");
        }
        assert_eq!(policy.delay_after(6, &error), None, "the last attempt is final");

        let limited = ProviderError {
            retry_after: Some(Duration::from_secs(1)),
            ..ProviderError::new(ErrorKind::RateLimited, "429")
        };
        assert_eq!(policy.delay_after(1, &limited), Some(Duration::from_secs(1)));
        let greedy = ProviderError { retry_after: Some(Duration::from_secs(600)), ..limited };
        assert_eq!(policy.delay_after(1, &greedy), Some(Duration::from_secs(2)));

        for kind in [ErrorKind::Auth, ErrorKind::InvalidRequest] {
            assert_eq!(policy.delay_after(1, &ProviderError::new(kind, "no")), None);
        }
    }
}
