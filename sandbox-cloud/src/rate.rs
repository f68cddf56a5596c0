//! Per-token rate limits as DigitalOcean counts them: each request counts against the hourly
//! quota for a full hour after it was made (a rolling window), with a per-minute burst limit.
//!
//! Requests are counted in one-second buckets, so a token costs at most 3,600 + 60 buckets
//! whatever its limits, and a check is O(1) amortised.

use crate::tokens::RateLimit;
use std::collections::{HashMap, VecDeque};

const HOUR: i64 = 3_600_000;
const MINUTE: i64 = 60_000;

#[derive(Debug, Default)]
pub(crate) struct Limiter {
    windows: HashMap<String, Window>,
}

/// Requests per second over a rolling span, with their total.
#[derive(Debug, Default)]
struct Buckets {
    q: VecDeque<(i64, u64)>,
    total: u64,
}

impl Buckets {
    /// Drops buckets that started at or before `now - span` (ms).
    fn expire(&mut self, now: i64, span: i64) {
        while let Some(&(sec, n)) = self.q.front() {
            if sec * 1000 <= now - span {
                self.q.pop_front();
                self.total -= n;
            } else {
                break;
            }
        }
    }

    fn add(&mut self, now: i64) {
        let sec = now.div_euclid(1000);
        match self.q.back_mut() {
            Some((s, n)) if *s == sec => *n += 1,
            _ => self.q.push_back((sec, 1)),
        }
        self.total += 1;
    }

    /// Milliseconds until the oldest bucket leaves the span.
    fn wait(&self, now: i64, span: i64) -> i64 {
        self.q.front().map_or(0, |(sec, _)| sec * 1000 + span - now)
    }
}

#[derive(Debug, Default)]
struct Window {
    hour: Buckets,
    minute: Buckets,
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
        let w = self.windows.entry(key.to_owned()).or_default();
        w.hour.expire(now, HOUR);
        w.minute.expire(now, MINUTE);
        let (allowed, retry_after) = if w.hour.total >= u64::from(limit.per_hour) {
            (false, Some(ceil_secs(w.hour.wait(now, HOUR))))
        } else if w.minute.total >= u64::from(limit.per_minute) {
            (false, Some(ceil_secs(w.minute.wait(now, MINUTE))))
        } else {
            w.hour.add(now);
            w.minute.add(now);
            (true, None)
        };
        let oldest = w.hour.q.front().map_or(now.div_euclid(1000), |(s, _)| *s);
        Verdict {
            allowed,
            limit: limit.per_hour,
            remaining: u32::try_from(u64::from(limit.per_hour).saturating_sub(w.hour.total))
                .unwrap_or(0),
            reset: oldest + HOUR / 1000,
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
        assert_eq!(v.retry_after, Some(3540));
        // Other tokens are not affected; an hour later the first requests expire.
        assert!(l.check("other", t0, lim).allowed);
        assert!(l.check("k", t0 + HOUR + 5, lim).allowed);
    }

    #[test]
    fn memory_stays_bounded_under_a_flood() {
        let mut l = Limiter::default();
        let lim = RateLimit {
            per_hour: u32::MAX,
            per_minute: u32::MAX,
        };
        for i in 0..200_000 {
            assert!(l.check("k", i * 20, lim).allowed);
        }
        let w = &l.windows["k"];
        assert!(w.hour.q.len() <= 3601 && w.minute.q.len() <= 61);
        assert_eq!(w.minute.total, 3000, "20 ms apart: 3,000 in a minute");
    }
}
