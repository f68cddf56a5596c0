//! SQLite storage: JSON documents by (kind, id), a parent column for sub-resources, counters
//! for integer ids, registered tokens and a few account-wide values.
//!
//! Reads go straight to the pool. Writes go through [`Tx`]: one async lock (so a check and the
//! write it guards are atomic, and SQLite never sees two writers) and one transaction.

use crate::error::Error;
use crate::tokens::TokenRecord;
use serde_json::Value;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection, Row, Sqlite, SqlitePool, Transaction};
use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;
use tokio::sync::{Mutex, MutexGuard};

const SCHEMA: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS resources (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        id TEXT NOT NULL,
        parent TEXT NOT NULL DEFAULT '',
        doc TEXT NOT NULL,
        UNIQUE (kind, id)
    )",
    "CREATE INDEX IF NOT EXISTS resources_parent ON resources (kind, parent, seq)",
    "CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS tokens (
        hash TEXT PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        scopes TEXT NOT NULL,
        expires_at INTEGER,
        per_hour INTEGER,
        per_minute INTEGER
    )",
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
];

#[derive(Debug)]
pub(crate) struct Store {
    pool: SqlitePool,
    write: Mutex<()>,
}

impl Store {
    pub(crate) async fn open(url: &str) -> Result<Store, Error> {
        let memory = url.contains(":memory:") || url.contains("mode=memory");
        let opts = if url.starts_with("sqlite:") {
            SqliteConnectOptions::from_str(url)?
        } else {
            SqliteConnectOptions::new().filename(url)
        };
        let opts = opts
            .create_if_missing(true)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true);
        // WAL with `synchronous = NORMAL`: a crash cannot corrupt the file; a power cut may
        // lose the last transactions, which a sandbox can afford.
        let opts = if memory {
            opts
        } else {
            opts.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
        };
        if !memory {
            // Switching a new file to WAL takes it exclusively, and SQLite answers "database is
            // locked" at once (its busy handler does not cover that switch) when the pool's
            // connections open side by side: switch and create the schema on one connection
            // first; later connections find WAL set and change nothing.
            let mut first = opts.clone().connect().await?;
            for stmt in SCHEMA {
                sqlx::query(*stmt).execute(&mut first).await?;
            }
            first.close().await?;
        }
        // An in-memory database lives in its one connection: keep exactly one, forever.
        let pool = SqlitePoolOptions::new()
            .max_connections(if memory { 1 } else { 4 })
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(opts)
            .await?;
        if memory {
            for stmt in SCHEMA {
                sqlx::query(*stmt).execute(&pool).await?;
            }
        }
        Ok(Store {
            pool,
            write: Mutex::new(()),
        })
    }

    pub(crate) async fn begin(&self) -> Result<Tx<'_>, Error> {
        let guard = self.write.lock().await;
        let tx = self.pool.begin().await?;
        Ok(Tx { _guard: guard, tx })
    }

    pub(crate) async fn get(&self, kind: &str, id: &str) -> Result<Option<Value>, Error> {
        let row = sqlx::query("SELECT doc FROM resources WHERE kind = ? AND id = ?")
            .bind(kind)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| parse(kind, id, r.get::<String, _>(0)))
            .transpose()
    }

    /// Every document of a kind (any parent), oldest first.
    pub(crate) async fn list(&self, kind: &str) -> Result<Vec<Value>, Error> {
        let rows = sqlx::query("SELECT id, doc FROM resources WHERE kind = ? ORDER BY seq")
            .bind(kind)
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter()
            .map(|r| parse(kind, &r.get::<String, _>(0), r.get::<String, _>(1)))
            .collect()
    }

    /// Documents of a kind whose `tags` array holds `tag`, oldest first.
    pub(crate) async fn list_tagged(&self, kind: &str, tag: &str) -> Result<Vec<Value>, Error> {
        let rows = sqlx::query(
            "SELECT id, doc FROM resources WHERE kind = ? AND EXISTS
               (SELECT 1 FROM json_each(resources.doc, '$.tags') WHERE json_each.value = ?)
             ORDER BY seq",
        )
        .bind(kind)
        .bind(tag)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| parse(kind, &r.get::<String, _>(0), r.get::<String, _>(1)))
            .collect()
    }

    /// Documents of a kind under one parent, oldest first.
    pub(crate) async fn children(&self, kind: &str, parent: &str) -> Result<Vec<Value>, Error> {
        let rows =
            sqlx::query("SELECT id, doc FROM resources WHERE kind = ? AND parent = ? ORDER BY seq")
                .bind(kind)
                .bind(parent)
                .fetch_all(&self.pool)
                .await?;
        rows.into_iter()
            .map(|r| parse(kind, &r.get::<String, _>(0), r.get::<String, _>(1)))
            .collect()
    }

    /// Every (kind, id, document) of the given kinds (the admin dump, tag counts).
    pub(crate) async fn all(&self) -> Result<Vec<(String, String, Value)>, Error> {
        let rows = sqlx::query("SELECT kind, id, doc FROM resources ORDER BY seq")
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter()
            .map(|r| {
                let kind: String = r.get(0);
                let id: String = r.get(1);
                let doc = parse(&kind, &id, r.get::<String, _>(2))?;
                Ok((kind, id, doc))
            })
            .collect()
    }

    pub(crate) async fn meta(&self, key: &str) -> Result<Option<String>, Error> {
        Ok(sqlx::query_scalar("SELECT value FROM meta WHERE key = ?")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?)
    }

    pub(crate) async fn load_tokens(&self) -> Result<HashMap<String, TokenRecord>, Error> {
        let rows = sqlx::query(
            "SELECT hash, fingerprint, scopes, expires_at, per_hour, per_minute FROM tokens",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut out = HashMap::new();
        for r in rows {
            let hash: String = r.get(0);
            let scopes: String = r.get(2);
            let scopes: Vec<String> =
                serde_json::from_str(&scopes).map_err(|source| Error::Corrupt {
                    kind: "token".into(),
                    id: r.get(1),
                    source,
                })?;
            let per_hour: Option<i64> = r.get(4);
            let per_minute: Option<i64> = r.get(5);
            out.insert(
                hash,
                TokenRecord {
                    fingerprint: r.get(1),
                    scopes,
                    expires_at: r.get(3),
                    rate_limit: per_hour.zip(per_minute).map(|(h, m)| crate::RateLimit {
                        per_hour: u32::try_from(h).unwrap_or(u32::MAX),
                        per_minute: u32::try_from(m).unwrap_or(u32::MAX),
                    }),
                },
            );
        }
        Ok(out)
    }

    pub(crate) async fn save_token(&self, hash: &str, t: &TokenRecord) -> Result<(), Error> {
        let scopes = serde_json::to_string(&t.scopes).unwrap_or_else(|_| "[]".into());
        let _guard = self.write.lock().await;
        sqlx::query(
            "INSERT OR REPLACE INTO tokens (hash, fingerprint, scopes, expires_at, per_hour, per_minute)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(hash)
        .bind(&t.fingerprint)
        .bind(scopes)
        .bind(t.expires_at)
        .bind(t.rate_limit.map(|r| i64::from(r.per_hour)))
        .bind(t.rate_limit.map(|r| i64::from(r.per_minute)))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub(crate) async fn delete_token(&self, hash: &str) -> Result<(), Error> {
        let _guard = self.write.lock().await;
        sqlx::query("DELETE FROM tokens WHERE hash = ?")
            .bind(hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

fn parse(kind: &str, id: &str, text: String) -> Result<Value, Error> {
    serde_json::from_str(&text).map_err(|source| Error::Corrupt {
        kind: kind.into(),
        id: id.into(),
        source,
    })
}

/// A write: the store's lock and one transaction. Dropped without [`Tx::commit`], it rolls back.
pub(crate) struct Tx<'a> {
    _guard: MutexGuard<'a, ()>,
    tx: Transaction<'static, Sqlite>,
}

impl Tx<'_> {
    pub(crate) async fn get(&mut self, kind: &str, id: &str) -> Result<Option<Value>, Error> {
        let row = sqlx::query("SELECT doc FROM resources WHERE kind = ? AND id = ?")
            .bind(kind)
            .bind(id)
            .fetch_optional(&mut *self.tx)
            .await?;
        row.map(|r| parse(kind, id, r.get::<String, _>(0)))
            .transpose()
    }

    pub(crate) async fn list(&mut self, kind: &str) -> Result<Vec<Value>, Error> {
        let rows = sqlx::query("SELECT id, doc FROM resources WHERE kind = ? ORDER BY seq")
            .bind(kind)
            .fetch_all(&mut *self.tx)
            .await?;
        rows.into_iter()
            .map(|r| parse(kind, &r.get::<String, _>(0), r.get::<String, _>(1)))
            .collect()
    }

    pub(crate) async fn children(&mut self, kind: &str, parent: &str) -> Result<Vec<Value>, Error> {
        let rows =
            sqlx::query("SELECT id, doc FROM resources WHERE kind = ? AND parent = ? ORDER BY seq")
                .bind(kind)
                .bind(parent)
                .fetch_all(&mut *self.tx)
                .await?;
        rows.into_iter()
            .map(|r| parse(kind, &r.get::<String, _>(0), r.get::<String, _>(1)))
            .collect()
    }

    /// Inserts a new document or replaces an existing one (keeping its place in listings).
    pub(crate) async fn put(
        &mut self,
        kind: &str,
        id: &str,
        parent: &str,
        doc: &Value,
    ) -> Result<(), Error> {
        let text = doc.to_string();
        sqlx::query(
            "INSERT INTO resources (kind, id, parent, doc) VALUES (?, ?, ?, ?)
             ON CONFLICT (kind, id) DO UPDATE SET doc = excluded.doc, parent = excluded.parent",
        )
        .bind(kind)
        .bind(id)
        .bind(parent)
        .bind(text)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    pub(crate) async fn delete(&mut self, kind: &str, id: &str) -> Result<bool, Error> {
        let n = sqlx::query("DELETE FROM resources WHERE kind = ? AND id = ?")
            .bind(kind)
            .bind(id)
            .execute(&mut *self.tx)
            .await?
            .rows_affected();
        Ok(n > 0)
    }

    pub(crate) async fn delete_children(&mut self, kind: &str, parent: &str) -> Result<(), Error> {
        sqlx::query("DELETE FROM resources WHERE kind = ? AND parent = ?")
            .bind(kind)
            .bind(parent)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// The next value of a counter (integer ids), starting after `start`.
    pub(crate) async fn next(&mut self, counter: &str, start: i64) -> Result<i64, Error> {
        let v: i64 = sqlx::query_scalar(
            "INSERT INTO counters (name, value) VALUES (?, ?)
             ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value",
        )
        .bind(counter)
        .bind(start + 1)
        .fetch_one(&mut *self.tx)
        .await?;
        Ok(v)
    }

    pub(crate) async fn set_meta(&mut self, key: &str, value: &str) -> Result<(), Error> {
        sqlx::query("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)")
            .bind(key)
            .bind(value)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    pub(crate) async fn meta(&mut self, key: &str) -> Result<Option<String>, Error> {
        Ok(sqlx::query_scalar("SELECT value FROM meta WHERE key = ?")
            .bind(key)
            .fetch_optional(&mut *self.tx)
            .await?)
    }

    pub(crate) async fn commit(self) -> Result<(), Error> {
        self.tx.commit().await?;
        Ok(())
    }
}
