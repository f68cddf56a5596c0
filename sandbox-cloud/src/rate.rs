//! Per-token rate limits as DigitalOcean counts them: each request counts against the hourly
//! quota for a full hour after it was made (a rolling window), with a per-minute burst limit.

use crate::tokens::RateLimit;
use std::collections::{HashMap, VecDeque};

const HOUR: i64 = 3_600_000;
const MINUTE: i64 = 60_000;

#[derive(Debug, Default)]
pub(crate) struct Limiter {
    windows: HashMap<String, VecDeque<i64>>,
}

/// The outcome of one request: the `ratelimit-*` header values, and whether it may proceed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Verdict {
    pub allowed: bool,
    pub limit: u32,
    pub remaining: u32,
    /// Unix seconds when the oldest counted request stops counting.
    pub reset: i64,
    /// Seconds to wait, when refused.
    pub retry_after: Option<u64>,
}

impl Limiter {
    pub(crate) fn check(&mut self, key: &str, now: i64, limit: RateLimit) -> Verdict {
        let q = self.windows.entry(key.to_owned()).or_default();
        while q.front().is_some_and(|t| *t <= now - HOUR) {
            q.pop_front();
        }
        let in_minute = q.iter().rev().take_while(|t| **t > now - MINUTE).count();
        let per_hour = limit.per_hour as usize;
        let per_minute = limit.per_minute as usize;
        let (allowed, retry_after) = if q.len() >= per_hour {
            let oldest = q.front().copied().unwrap_or(now);
            (false, Some(ceil_secs(oldest + HOUR - now)))
        } else if in_minute >= per_minute {
            let idx = q.len() - in_minute;
            let oldest_in_minute = q.get(idx).copied().unwrap_or(now);
            (false, Some(ceil_secs(oldest_in_minute + MINUTE - now)))
        } else {
            q.push_back(now);
            (true, None)
        };
        let oldest = q.front().copied().unwrap_or(now);
        Verdict {
            allowed,
            limit: limit.per_hour,
            remaining: u32::try_from(per_hour.saturating_sub(q.len())).unwrap_or(0),
            reset: (oldest + HOUR).div_euclid(1000),
            retry_after,
        }
    }
}

fn ceil_secs(ms: i64) -> u64 {
    u64::try_from((ms + 999).div_euclid(1000))
        .unwrap_or(0)
        .max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hourly_quota_and_burst() {
        let mut l = Limiter::default();
        let lim = RateLimit {
            per_hour: 5,
            per_minute: 3,
        };
        let t0 = 10 * HOUR;
        for i in 0..3 {
            let v = l.check("k", t0 + i, lim);
            assert!(v.allowed);
            assert_eq!(v.remaining, 5 - 1 - i as u32);
        }
        let v = l.check("k", t0 + 10, lim);
        assert!(!v.allowed, "burst");
        assert_eq!(v.retry_after, Some(60));
        // A minute later the burst window is free; the hour still counts three.
        assert!(l.check("k", t0 + MINUTE + 1, lim).allowed);
        assert!(l.check("k", t0 + MINUTE + 2, lim).allowed);
        let v = l.check("k", t0 + MINUTE + 3, lim);
        assert!(!v.allowed, "hour");
        assert_eq!(v.remaining, 0);
        assert_eq!(v.reset, (t0 + HOUR) / 1000);
        // Other tokens are not affected; an hour later the first requests expire.
        assert!(l.check("other", t0, lim).allowed);
        assert!(l.check("k", t0 + HOUR + 5, lim).allowed);
    }
}
