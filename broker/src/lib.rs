//! `ferry-broker`: Ferry's token broker (DESIGN §5–§6) — the store and every rule, no HTTP.
//!
//! The edge host's HTTP layer and the relay call [`Broker`]; it owns the database and nothing
//! else: it never compiles (the edge host hands it compiled releases), never listens, never
//! holds a plaintext DigitalOcean token (only ciphertext sealed to the controller's key, its
//! fingerprint, scopes and expiry), and never reads the clock itself (every action takes
//! `now_ms`; callers read it from an injected [`Clock`], so tests pause time).
//!
//! ## Decisions
//!
//! * **One query set, two databases.** sqlx's `Any` driver with `$1` placeholders (SQLite reads
//!   `$N` as positional too) and a schema of only `TEXT` and `BIGINT` columns (booleans 0/1,
//!   times in Unix ms, JSON as text, no auto-increment, no upserts), so every statement runs
//!   unchanged on SQLite — the default, one file under the data folder, WAL — and PostgreSQL
//!   (`postgres://…`). The migrations in `broker/migrations/` are shared likewise. The store test
//!   suite runs against both (`tests/store.rs`, a throwaway PostgreSQL cluster per run).
//! * **Writers are serialised by the database**, not by the process: every write transaction
//!   starts by updating the single `audit_head` row (a row lock on PostgreSQL, the write lock on
//!   SQLite). So several edge hosts can share one PostgreSQL and the audit chain stays linear.
//! * **Audit in the same transaction.** Every request, approval, refusal, use (and use refused
//!   as expired or revoked), and revocation appends its record inside the transaction of the
//!   action; if the append or the commit fails, nothing changes and the caller gets
//!   [`BrokerError::AuditUnavailable`] (503 at the HTTP surface). Records form a hash chain
//!   ([`audit`]); [`Broker::verify_audit`] names the first broken record.
//! * **Checks on every use, no sweeper.** A phase is usable only while an unrevoked grant's
//!   window is open ([`ferry_api::grant::Window::open_interval`], half-open: usable at
//!   `end − 1`, not at `end`). Steady-state is on unless the customer switched it off.
//! * **Grants** are verified against the appliance's pinned approval key; a vendor principal can
//!   never submit one; a bad signature, a reused nonce (unique per appliance, also a database
//!   constraint), a window that has ended and a grant naming another appliance are refused and
//!   audited.
//! * **Secrets** (API keys, deploy-session credentials, dashboard sessions, invitation links)
//!   are `<id>.<256-bit secret>`, shown once, stored as SHA-256, found by id and compared in
//!   constant time ([`secret`]). No secret is ever bound into audit text, logs or errors.
//! * **Releases** are stored with `sha256:` digests over a canonical length-prefixed encoding
//!   of their files ([`release`]); a compile with errors is stored but never deployable. The
//!   tarball is deterministic.

pub mod appliances;
pub mod audit;
mod broker;
pub mod clock;
pub mod error;
pub mod grants;
pub mod release;
pub mod releases;
pub mod secret;
pub mod sessions;
pub mod store;

pub use appliances::OpenGrant;
pub use audit::Outcome;
pub use broker::{Broker, DASHBOARD_SESSION_TTL_MS, DashboardLogin, DashboardSession, Principal};
pub use clock::{Clock, SystemClock, TestClock};
pub use error::BrokerError;
pub use releases::CompiledRelease;
pub use sessions::{SEALED_TOKEN_BYTES, SealedTokenRecord, SessionGrant};
pub use store::{Backend, Location, Store};
