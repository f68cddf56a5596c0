//! A bounded memo of compile answers, keyed by the SHA-256 of the request body.
//!
//! The compiler is a pure function of its request (DESIGN §4: no clock, no randomness, no I/O)
//! and one server runs one module, so the same request bytes always get the same answer. Live
//! previews, CI jobs and retries send the same origin again and again; answering those from
//! memory costs a hash instead of a guest run. Only the module's own answers are kept — a
//! compilation (200) or its `bad_request` error (400) — never a refusal of the host (busy,
//! deadline, memory cap), which depends on the moment, not on the request.
//!
//! The memo is bounded in bytes (least recently used answers go first) and per entry (an answer
//! larger than an eighth of the budget is not kept). A request body can hold secrets
//! (`.tfvars`): the answers stay in this process's memory only, are never logged, and can only
//! be found by someone who sends the very same bytes.

use axum::body::Bytes;
use axum::http::StatusCode;
use hashlink::LruCache;
use sha2::{Digest, Sha256};
use std::sync::Mutex;

/// The key of a request: SHA-256 of its body.
pub type Key = [u8; 32];

/// A kept answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cached {
    pub status: StatusCode,
    pub body: Bytes,
}

/// The memo; `budget` 0 disables it.
#[derive(Debug)]
pub struct CompileCache {
    budget: usize,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    entries: LruCache<Key, Cached>,
    bytes: usize,
}

/// What [`CompileCache::stats`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    pub entries: usize,
    pub bytes: usize,
    pub budget: usize,
}

impl CompileCache {
    pub fn new(budget_bytes: usize) -> Self {
        Self {
            budget: budget_bytes,
            state: Mutex::new(State {
                entries: LruCache::new_unbounded(),
                bytes: 0,
            }),
        }
    }

    pub fn enabled(&self) -> bool {
        self.budget > 0
    }

    pub fn key(request: &[u8]) -> Key {
        Sha256::digest(request).into()
    }

    fn with<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        // A poisoned lock means a panic mid-update elsewhere; the map itself is still sound.
        let mut guard = self.state.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard)
    }

    /// The kept answer to this request, if any (and marks it recently used).
    pub fn get(&self, key: &Key) -> Option<Cached> {
        if !self.enabled() {
            return None;
        }
        self.with(|s| s.entries.get(key).cloned())
    }

    /// Keeps an answer of the module. Answers other than 200/400 and answers over an eighth of
    /// the budget are not kept; older answers are dropped to stay within the budget.
    pub fn insert(&self, key: Key, answer: Cached) {
        let size = answer.body.len();
        let cacheable = matches!(answer.status, StatusCode::OK | StatusCode::BAD_REQUEST);
        if !self.enabled() || !cacheable || size > self.budget / 8 {
            return;
        }
        self.with(|s| {
            if let Some(old) = s.entries.insert(key, answer) {
                s.bytes -= old.body.len();
            }
            s.bytes += size;
            while s.bytes > self.budget {
                match s.entries.remove_lru() {
                    Some((_, old)) => s.bytes -= old.body.len(),
                    None => break,
                }
            }
        });
    }

    pub fn stats(&self) -> Stats {
        self.with(|s| Stats {
            entries: s.entries.len(),
            bytes: s.bytes,
            budget: self.budget,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: StatusCode, len: usize) -> Cached {
        Cached {
            status,
            body: Bytes::from(vec![b'x'; len]),
        }
    }

    #[test]
    fn keeps_answers_within_the_budget_dropping_the_least_recently_used() {
        let cache = CompileCache::new(800);
        let keys: Vec<Key> = (0..5u8).map(|i| CompileCache::key(&[i])).collect();
        for k in &keys[..4] {
            cache.insert(*k, answer(StatusCode::OK, 100));
        }
        // Touch the first: the second is now the least recently used.
        assert!(cache.get(&keys[0]).is_some());
        cache.insert(keys[4], answer(StatusCode::OK, 100));
        assert_eq!(cache.stats().bytes, 500);
        for _ in 0..4 {
            cache.insert(CompileCache::key(b"filler"), answer(StatusCode::OK, 100));
        }
        cache.insert(CompileCache::key(b"more"), answer(StatusCode::OK, 100));
        cache.insert(CompileCache::key(b"again"), answer(StatusCode::OK, 100));
        cache.insert(CompileCache::key(b"last"), answer(StatusCode::OK, 100));
        let stats = cache.stats();
        assert!(stats.bytes <= 800, "{stats:?}");
        assert_eq!(stats.entries, 8);
        assert!(cache.get(&keys[1]).is_none(), "least recently used dropped");
        assert!(cache.get(&keys[0]).is_some(), "recently used kept");
    }

    #[test]
    fn replacing_an_entry_counts_its_bytes_once() {
        let cache = CompileCache::new(800);
        let k = CompileCache::key(b"same");
        cache.insert(k, answer(StatusCode::OK, 60));
        cache.insert(k, answer(StatusCode::OK, 90));
        assert_eq!(cache.stats().bytes, 90);
        assert_eq!(cache.stats().entries, 1);
    }

    #[test]
    fn keeps_only_module_answers_of_reasonable_size() {
        let cache = CompileCache::new(800);
        cache.insert(
            CompileCache::key(b"busy"),
            answer(StatusCode::SERVICE_UNAVAILABLE, 10),
        );
        cache.insert(
            CompileCache::key(b"internal"),
            answer(StatusCode::INTERNAL_SERVER_ERROR, 10),
        );
        cache.insert(CompileCache::key(b"big"), answer(StatusCode::OK, 101));
        assert_eq!(cache.stats().entries, 0);
        cache.insert(
            CompileCache::key(b"bad"),
            answer(StatusCode::BAD_REQUEST, 10),
        );
        assert_eq!(cache.stats().entries, 1);
    }

    #[test]
    fn a_zero_budget_keeps_nothing() {
        let cache = CompileCache::new(0);
        let k = CompileCache::key(b"r");
        cache.insert(k, answer(StatusCode::OK, 0));
        assert_eq!(cache.get(&k), None);
        assert_eq!(cache.stats().entries, 0);
    }
}
