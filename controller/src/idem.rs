//! What the controller remembers about creates that carried an idempotency key, so that a retry
//! of the same create — after a dropped relay connection, a killed controller, a timeout — never
//! makes a second resource (DESIGN §7).
//!
//! Before a keyed `POST` leaves for DigitalOcean its key is recorded as `started` (and the state
//! file written); when a definitive answer comes back (2xx or 4xx) the answer is recorded as
//! `done`. A later request with the same key:
//! * `done` → gets the recorded answer again (`Idempotent-Replayed: true`), nothing is sent;
//! * `started` → the first attempt's outcome is unknown: the resource is looked up by its tag
//!   and name first (see `exec`), and only re-created when it is not there;
//! * unknown key → sent.
//!
//! Requests with the same key are serialised ([`IdemStore::lock`]), so a retry that overtakes a
//! still-running first attempt waits for it. Entries live 24 hours; at most [`MAX_ENTRIES`] are
//! kept (oldest dropped). The state file is JSON, mode 0600, replaced atomically on each change.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

pub const MAX_ENTRIES: usize = 10_000;
pub const TTL_MS: i64 = 24 * 3600 * 1000;
/// Larger recorded answers are not kept (the key stays `started`; a retry looks the resource up).
pub const MAX_RECORDED_BODY: usize = 256 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case", deny_unknown_fields)]
pub enum Entry {
    Started {
        at_ms: i64,
    },
    Done {
        at_ms: i64,
        status: u16,
        headers: Vec<(String, String)>,
        /// The answer's body (DigitalOcean answers creates with JSON text).
        body: String,
    },
}

impl Entry {
    fn at_ms(&self) -> i64 {
        match self {
            Entry::Started { at_ms } | Entry::Done { at_ms, .. } => *at_ms,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("cannot read the controller state file `{path}`: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the controller state file `{path}` is not valid: {message}; move it away to start afresh"
    )]
    Format { path: PathBuf, message: String },
    #[error("cannot write the controller state file `{path}`: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Stored {
    entries: BTreeMap<String, Entry>,
}

#[derive(Debug)]
pub struct IdemStore {
    path: Option<PathBuf>,
    entries: Mutex<BTreeMap<String, Entry>>,
    locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl IdemStore {
    /// Opens the store (a missing file is an empty store; `None` keeps it in memory only).
    pub fn open(path: Option<PathBuf>, now_ms: i64) -> Result<Self, StateError> {
        let mut entries = BTreeMap::new();
        if let Some(path) = &path {
            match std::fs::read_to_string(path) {
                Ok(text) => {
                    let stored: Stored =
                        serde_json::from_str(&text).map_err(|e| StateError::Format {
                            path: path.clone(),
                            message: e.to_string(),
                        })?;
                    entries = stored.entries;
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(source) => {
                    return Err(StateError::Read {
                        path: path.clone(),
                        source,
                    });
                }
            }
        }
        entries.retain(|_, e| now_ms - e.at_ms() < TTL_MS);
        Ok(Self {
            path,
            entries: Mutex::new(entries),
            locks: Mutex::new(HashMap::new()),
        })
    }

    /// Serialises requests with the same key: hold the guard while handling one.
    pub async fn lock(&self, key: &str) -> tokio::sync::OwnedMutexGuard<()> {
        let lock = {
            let mut locks = self.locks.lock().unwrap_or_else(|p| p.into_inner());
            if locks.len() > 1024 {
                locks.retain(|_, l| Arc::strong_count(l) > 1);
            }
            locks.entry(key.to_string()).or_default().clone()
        };
        lock.lock_owned().await
    }

    pub fn get(&self, key: &str) -> Option<Entry> {
        self.entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(key)
            .cloned()
    }

    /// Records `entry` for `key` and writes the state file.
    pub fn put(&self, key: &str, entry: Entry) -> Result<(), StateError> {
        let snapshot = {
            let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
            entries.insert(key.to_string(), entry);
            while entries.len() > MAX_ENTRIES {
                let oldest = entries
                    .iter()
                    .min_by_key(|(_, e)| e.at_ms())
                    .map(|(k, _)| k.clone());
                match oldest {
                    Some(k) => entries.remove(&k),
                    None => break,
                };
            }
            self.path.as_ref().map(|_| Stored {
                entries: entries.clone(),
            })
        };
        if let (Some(path), Some(stored)) = (&self.path, snapshot) {
            let text = serde_json::to_vec(&stored).unwrap_or_default();
            crate::keyfile::write_private(path, &text).map_err(|source| StateError::Write {
                path: path.clone(),
                source,
            })?;
        }
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.entries.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn entries_survive_a_restart_and_expire() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("state.json");
        let store = IdemStore::open(Some(path.clone()), 0).expect("open");
        assert!(store.is_empty());
        store.put("k1", Entry::Started { at_ms: 10 }).expect("put");
        let done = Entry::Done {
            at_ms: 20,
            status: 201,
            headers: vec![("content-type".into(), "application/json".into())],
            body: r#"{"droplet":{"id":1}}"#.into(),
        };
        store.put("k2", done.clone()).expect("put");
        let reopened = IdemStore::open(Some(path.clone()), 1_000).expect("reopen");
        assert_eq!(reopened.get("k1"), Some(Entry::Started { at_ms: 10 }));
        assert_eq!(reopened.get("k2"), Some(done));
        let later = IdemStore::open(Some(path), 20 + TTL_MS).expect("reopen");
        assert_eq!(later.get("k1"), None);
        assert_eq!(later.len(), 0);
    }

    #[tokio::test]
    async fn a_broken_state_file_is_an_error_that_says_what_to_do() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("state.json");
        std::fs::write(&path, "{not json").expect("write");
        let err = IdemStore::open(Some(path), 0)
            .expect_err("broken")
            .to_string();
        assert!(err.contains("move it away"), "{err}");
    }

    #[tokio::test]
    async fn same_key_requests_take_turns() {
        let store = Arc::new(IdemStore::open(None, 0).expect("open"));
        let guard = store.lock("k").await;
        let other = store.clone();
        let waiter = tokio::spawn(async move {
            let _g = other.lock("k").await;
            other.get("k")
        });
        tokio::task::yield_now().await;
        assert!(!waiter.is_finished());
        store.put("k", Entry::Started { at_ms: 1 }).expect("put");
        drop(guard);
        assert_eq!(
            waiter.await.expect("joins"),
            Some(Entry::Started { at_ms: 1 })
        );
        // A different key is not held up.
        let _g = store.lock("k").await;
        let _h = store.lock("other").await;
    }
}
