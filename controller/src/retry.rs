//! Retries of DigitalOcean calls, as the official provider makes them (godo with
//! go-retryablehttp, `http_retry_max = 4`, `http_retry_wait_min = 1`, `http_retry_wait_max = 30`):
//! a 429 or a 5xx other than 501, and a connection that failed, are retried up to 4 times; every
//! other 4xx is returned as it is. The wait honours `Retry-After` (seconds), then, for a 429 with
//! the hourly quota spent (`ratelimit-remaining: 0`), `ratelimit-reset` (Unix seconds); otherwise
//! it is exponential from `wait_min`, capped at `wait_max`, with jitter above the floor so that
//! many controllers do not retry in step. Every wait is clamped to `[wait_min, wait_max]`.
//!
//! The reconnect [`Backoff`] of the relay connection is capped exponential with *full* jitter.

use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    pub max_retries: u32,
    pub wait_min: Duration,
    pub wait_max: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 4,
            wait_min: Duration::from_secs(1),
            wait_max: Duration::from_secs(30),
        }
    }
}

/// A uniform random number in `[0, 1)`.
pub fn jitter() -> f64 {
    let bytes = ferry_api::crypto::random_bytes::<8>();
    (u64::from_be_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64
}

impl RetryPolicy {
    /// Whether an answer with this status is retried.
    pub fn retryable(status: u16) -> bool {
        status == 429 || (500..600).contains(&status) && status != 501
    }

    /// How long to wait before retry number `attempt` (0 = the first retry). `header` looks up a
    /// response header by lowercase name (none for a failed connection); `now_s` is Unix seconds;
    /// `jitter` is in `[0, 1)`.
    pub fn delay(
        &self,
        attempt: u32,
        status: Option<u16>,
        header: &dyn Fn(&str) -> Option<String>,
        now_s: i64,
        jitter: f64,
    ) -> Duration {
        let clamp = |d: Duration| d.clamp(self.wait_min, self.wait_max.max(self.wait_min));
        if let Some(secs) = header("retry-after").and_then(|v| v.trim().parse::<u64>().ok()) {
            return clamp(Duration::from_secs(secs));
        }
        if status == Some(429)
            && header("ratelimit-remaining").is_some_and(|v| v.trim() == "0")
            && let Some(reset) =
                header("ratelimit-reset").and_then(|v| v.trim().parse::<i64>().ok())
        {
            return clamp(Duration::from_secs(
                reset.saturating_sub(now_s).max(0) as u64
            ));
        }
        let base = self
            .wait_min
            .saturating_mul(2u32.saturating_pow(attempt.min(30)))
            .min(self.wait_max);
        let spread = base.saturating_sub(self.wait_min);
        clamp(self.wait_min + spread.mul_f64(jitter.clamp(0.0, 1.0)))
    }
}

/// Capped exponential backoff with full jitter, for reconnecting to the relay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backoff {
    pub base: Duration,
    pub cap: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            base: Duration::from_millis(500),
            cap: Duration::from_secs(30),
        }
    }
}

impl Backoff {
    /// The wait before reconnect attempt `attempt` (0 = the first reconnect): uniform in
    /// `[0, min(cap, base·2^attempt)]`.
    pub fn delay(&self, attempt: u32, jitter: f64) -> Duration {
        let ceiling = self
            .base
            .saturating_mul(2u32.saturating_pow(attempt.min(30)))
            .min(self.cap);
        ceiling.mul_f64(jitter.clamp(0.0, 1.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn what_is_retried() {
        for (status, yes) in [
            (429, true),
            (500, true),
            (502, true),
            (503, true),
            (504, true),
            (501, false),
            (400, false),
            (401, false),
            (403, false),
            (404, false),
            (409, false),
            (422, false),
            (200, false),
        ] {
            assert_eq!(RetryPolicy::retryable(status), yes, "{status}");
        }
    }

    #[test]
    fn waits_grow_exponentially_within_bounds() {
        let p = RetryPolicy::default();
        let s = Duration::from_secs;
        // Without jitter: the floor; with full jitter: the exponential ceiling.
        for (attempt, ceiling) in [(0, 1), (1, 2), (2, 4), (3, 8), (4, 16), (5, 30), (40, 30)] {
            assert_eq!(
                p.delay(attempt, Some(500), &none, 0, 0.0),
                s(1),
                "{attempt}"
            );
            let top = p.delay(attempt, Some(500), &none, 0, 0.999_999);
            assert!(
                top <= s(ceiling) && top + Duration::from_millis(1) >= s(ceiling),
                "{attempt}: {top:?}"
            );
        }
        let mid = p.delay(3, None, &none, 0, 0.5);
        assert_eq!(mid, Duration::from_millis(4500));
    }

    #[test]
    fn server_hints_are_honoured_and_clamped() {
        let p = RetryPolicy::default();
        let retry_after =
            |v: &'static str| move |k: &str| (k == "retry-after").then(|| v.to_string());
        assert_eq!(
            p.delay(0, Some(429), &retry_after("7"), 0, 0.9),
            Duration::from_secs(7)
        );
        assert_eq!(
            p.delay(0, Some(503), &retry_after("3600"), 0, 0.0),
            Duration::from_secs(30)
        );
        assert_eq!(
            p.delay(0, Some(429), &retry_after("0"), 0, 0.0),
            Duration::from_secs(1)
        );
        let quota = |k: &str| match k {
            "ratelimit-remaining" => Some("0".to_string()),
            "ratelimit-reset" => Some("1012".to_string()),
            _ => None,
        };
        assert_eq!(
            p.delay(0, Some(429), &quota, 1000, 0.0),
            Duration::from_secs(12)
        );
        assert_eq!(
            p.delay(0, Some(429), &quota, 2000, 0.0),
            Duration::from_secs(1)
        );
        // A reset hint without a spent quota (a burst limit) falls back to the exponential wait.
        let burst = |k: &str| (k == "ratelimit-reset").then(|| "5000".to_string());
        assert_eq!(
            p.delay(2, Some(429), &burst, 1000, 0.0),
            Duration::from_secs(1)
        );
    }

    #[test]
    fn reconnect_backoff_is_full_jitter_under_a_cap() {
        let b = Backoff::default();
        assert_eq!(b.delay(0, 0.0), Duration::ZERO);
        assert_eq!(b.delay(0, 0.5), Duration::from_millis(250));
        assert_eq!(b.delay(3, 0.5), Duration::from_secs(2));
        assert_eq!(b.delay(20, 0.5), Duration::from_secs(15));
        assert!(b.delay(20, 0.999) < Duration::from_secs(30));
        for _ in 0..100 {
            let j = jitter();
            assert!((0.0..1.0).contains(&j));
        }
    }
}
