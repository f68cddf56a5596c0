//! The database: one sqlx `Any` pool over SQLite (default: one file, WAL) or PostgreSQL, the
//! embedded migrations, and write transactions that serialise on the audit head row.

use crate::error::{BrokerError, describe};
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{Any, AnyPool, Transaction};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The migrations in `broker/migrations/`, embedded in the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Where the store lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A SQLite database file (created on first start).
    Sqlite(PathBuf),
    /// A PostgreSQL URL (`postgres://…` or `postgresql://…`). Kept whole: it may hold a
    /// password, so it is never printed (see [`Location::describe`]).
    Postgres(String),
}

impl Location {
    /// The default file under a data folder.
    pub fn in_data_dir(dir: &Path) -> Self {
        Location::Sqlite(dir.join("ferry.db"))
    }

    /// `--database-url`: a PostgreSQL URL, or `sqlite:PATH`.
    pub fn parse_url(url: &str) -> Result<Self, BrokerError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Location::Postgres(url.to_string()))
        } else if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            Ok(Location::Sqlite(PathBuf::from(path)))
        } else {
            Err(BrokerError::Open(
                "the database URL must start with `postgres://`, `postgresql://` or `sqlite:`"
                    .into(),
            ))
        }
    }

    /// For logs: the file, or the PostgreSQL host and database without credentials.
    pub fn describe(&self) -> String {
        match self {
            Location::Sqlite(p) => format!("SQLite {}", p.display()),
            Location::Postgres(url) => {
                let rest = url.split_once("://").map_or("", |(_, r)| r);
                let rest = rest.rsplit_once('@').map_or(rest, |(_, r)| r);
                let rest = rest.split_once('?').map_or(rest, |(r, _)| r);
                format!("PostgreSQL {rest}")
            }
        }
    }

    fn url(&self, create: bool) -> Result<String, BrokerError> {
        match self {
            Location::Postgres(url) => Ok(url.clone()),
            Location::Sqlite(path) => {
                let text = path.to_str().ok_or_else(|| {
                    BrokerError::Open(format!("`{}` is not a UTF-8 path", path.display()))
                })?;
                let mut encoded = String::with_capacity(text.len());
                for c in text.chars() {
                    match c {
                        ' ' | '"' | '#' | '<' | '>' | '?' | '`' | '{' | '}' | '%' => {
                            let mut buf = [0u8; 4];
                            for b in c.encode_utf8(&mut buf).bytes() {
                                encoded.push_str(&format!("%{b:02X}"));
                            }
                        }
                        c if c.is_control() => {
                            return Err(BrokerError::Open(format!(
                                "`{}` has a control character",
                                path.display()
                            )));
                        }
                        c => encoded.push(c),
                    }
                }
                let mode = if create { "rwc" } else { "rw" };
                Ok(format!("sqlite://{encoded}?mode={mode}"))
            }
        }
    }
}

/// Which database the pool talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The pool and what it is connected to.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

/// A write transaction: holds the audit head row until commit or drop (drop rolls back).
pub(crate) type Tx = Transaction<'static, Any>;

impl Store {
    /// Opens (creating a SQLite file if needed) and migrates.
    pub async fn open(location: &Location) -> Result<Self, BrokerError> {
        let store = Self::connect(location, true).await?;
        MIGRATOR
            .run(&store.pool)
            .await
            .map_err(|e| BrokerError::Open(format!("migrating {}: {e}", location.describe())))?;
        Ok(store)
    }

    /// Opens an existing store without creating or migrating anything (offline audit checks).
    pub async fn open_existing(location: &Location) -> Result<Self, BrokerError> {
        if let Location::Sqlite(p) = location
            && !p.is_file()
        {
            return Err(BrokerError::Open(format!(
                "there is no Ferry database at `{}`",
                p.display()
            )));
        }
        Self::connect(location, false).await
    }

    async fn connect(location: &Location, create: bool) -> Result<Self, BrokerError> {
        install_default_drivers();
        let (backend, max) = match location {
            Location::Sqlite(path) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(|e| {
                        BrokerError::Open(format!("cannot create `{}`: {e}", dir.display()))
                    })?;
                }
                (Backend::Sqlite, 8)
            }
            Location::Postgres(_) => (Backend::Postgres, 16),
        };
        let pool = AnyPoolOptions::new()
            .max_connections(max)
            .acquire_timeout(Duration::from_secs(10))
            .connect(&location.url(create)?)
            .await
            .map_err(|e| {
                BrokerError::Open(format!(
                    "connecting to {}: {}",
                    location.describe(),
                    describe(&e)
                ))
            })?;
        if backend == Backend::Sqlite {
            // Persistent for the file: readers do not block the writer.
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&pool)
                .await
                .map_err(|e| BrokerError::Open(format!("enabling WAL: {}", describe(&e))))?;
        }
        Ok(Self { pool, backend })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The pool (reads; tests and tools).
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Begins a write transaction. Its first statement updates the audit head row: on
    /// PostgreSQL a row lock, on SQLite the database's write lock, so writers (and therefore
    /// audit appends) are serialised across processes.
    pub(crate) async fn write(&self) -> Result<Tx, BrokerError> {
        let mut tx = self.pool.begin().await.map_err(BrokerError::audit)?;
        sqlx::query("UPDATE audit_head SET writes = writes + 1 WHERE id = 1")
            .execute(&mut *tx)
            .await
            .map_err(BrokerError::audit)?;
        Ok(tx)
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// SQL assembled only from constant fragments of this crate (column lists, `WHERE` clauses
/// chosen by the code): never from input, which is always bound as a parameter.
pub(crate) fn trusted(sql: String) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(sql)
}

/// Commits; a failed commit means the audit record was not written either.
pub(crate) async fn commit(tx: Tx) -> Result<(), BrokerError> {
    tx.commit().await.map_err(BrokerError::audit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_parse_and_never_show_passwords() {
        let pg =
            Location::parse_url("postgres://ferry:s3cret@db.example:5432/ferry?sslmode=require")
                .expect("pg");
        assert_eq!(pg.describe(), "PostgreSQL db.example:5432/ferry");
        assert!(!pg.describe().contains("s3cret"));
        assert_eq!(
            Location::parse_url("sqlite:/tmp/x.db").expect("sqlite"),
            Location::Sqlite("/tmp/x.db".into())
        );
        assert!(Location::parse_url("mysql://x").is_err());
        let odd = Location::Sqlite("/tmp/a b?#%/ferry.db".into());
        assert_eq!(
            odd.url(true).expect("url"),
            "sqlite:///tmp/a%20b%3F%23%25/ferry.db?mode=rwc"
        );
    }
}
