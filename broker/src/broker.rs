//! [`Broker`]: the service. One method per action; every method takes the acting
//! [`Principal`] (where one acts) and `now_ms`, read by the caller from the injected
//! [`Clock`](crate::Clock).
//!
//! Shape of every state-changing method: begin a write transaction, check, write, append the
//! audit record, commit. A refusal appends its own audit record (and nothing else) and commits
//! that. If the audit append or the commit fails the transaction is dropped — rolled back — and
//! the caller gets [`BrokerError::AuditUnavailable`].

use crate::audit::{self, Entry, Outcome};
use crate::clock::Clock;
use crate::error::BrokerError;
use crate::secret::{Presented, mint};
use crate::store::{Location, Store, Tx, commit};
use ferry_api::broker::{ApiKeyInfo, CreatedApiKey, Role, Whoami};
use ferry_api::crypto::{b64, ct_eq, random_bytes, sha256_hex};
use sqlx::AnyConnection;
use std::fmt;
use std::sync::Arc;

/// How long a dashboard session lasts.
pub const DASHBOARD_SESSION_TTL_MS: i64 = 12 * 3_600_000;

/// Who is acting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub role: Role,
    /// The vendor's or customer's id.
    pub id: String,
    pub name: String,
}

impl Principal {
    /// The audit actor: `vendor:<id>` or `customer:<id>`.
    pub fn actor(&self) -> String {
        format!("{}:{}", role_str(self.role), self.id)
    }

    pub fn is_vendor(&self) -> bool {
        self.role == Role::Vendor
    }
}

pub(crate) fn role_str(role: Role) -> &'static str {
    match role {
        Role::Vendor => "vendor",
        Role::Customer => "customer",
    }
}

fn parse_role(text: &str) -> Option<Role> {
    match text {
        "vendor" => Some(Role::Vendor),
        "customer" => Some(Role::Customer),
        _ => None,
    }
}

/// A new dashboard session: the cookie value and the CSRF token, both shown once.
pub struct DashboardLogin {
    pub principal: Principal,
    pub cookie: String,
    pub csrf_token: String,
    pub expires_at_ms: i64,
}

impl fmt::Debug for DashboardLogin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DashboardLogin")
            .field("principal", &self.principal)
            .field("expires_at_ms", &self.expires_at_ms)
            .finish_non_exhaustive()
    }
}

/// An authenticated dashboard session: who, and the hash of its CSRF token.
#[derive(Debug, Clone)]
pub struct DashboardSession {
    pub principal: Principal,
    pub session_id: String,
    csrf_hash: String,
}

impl DashboardSession {
    /// Whether `presented` is this session's CSRF token (constant time).
    pub fn csrf_matches(&self, presented: &str) -> bool {
        ct_eq(
            sha256_hex(presented.as_bytes()).as_bytes(),
            self.csrf_hash.as_bytes(),
        )
    }
}

/// The broker service. Cheap to clone (a pool and a clock).
#[derive(Debug, Clone)]
pub struct Broker {
    pub(crate) store: Store,
    clock: Arc<dyn Clock>,
}

impl Broker {
    /// Opens (creating and migrating) the store at `location`.
    pub async fn open(location: &Location, clock: Arc<dyn Clock>) -> Result<Self, BrokerError> {
        Ok(Self {
            store: Store::open(location).await?,
            clock,
        })
    }

    /// Opens an existing store without creating or migrating anything.
    pub async fn open_existing(
        location: &Location,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, BrokerError> {
        Ok(Self {
            store: Store::open_existing(location).await?,
            clock,
        })
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// The injected clock's time.
    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    pub(crate) async fn conn(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Any>, BrokerError> {
        self.store
            .pool()
            .acquire()
            .await
            .map_err(BrokerError::store)
    }

    /// Appends `entry` and commits: the end of every successful action.
    pub(crate) async fn finish(
        &self,
        mut tx: Tx,
        entry: Entry,
        now_ms: i64,
    ) -> Result<(), BrokerError> {
        audit::append(&mut tx, &entry, now_ms).await?;
        commit(tx).await
    }

    /// Records a refusal (nothing else was written in `tx`) and returns `err` — or the audit
    /// failure if the record could not be written.
    pub(crate) async fn refuse(
        &self,
        tx: Tx,
        entry: Entry,
        err: BrokerError,
        now_ms: i64,
    ) -> BrokerError {
        match self.finish(tx, entry, now_ms).await {
            Ok(()) => err,
            Err(audit_err) => audit_err,
        }
    }

    // ---- principals, API keys, dashboard sessions ------------------------------------------

    /// First start: when there is no vendor yet, creates one named `name` and an API key for
    /// it (returned, shown once). `None` when a vendor exists.
    pub async fn bootstrap_vendor(
        &self,
        name: &str,
        now_ms: i64,
    ) -> Result<Option<CreatedApiKey>, BrokerError> {
        let name = check_text("vendor name", name, 100)?;
        let mut tx = self.store.write().await?;
        let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM vendors")
            .fetch_one(&mut *tx)
            .await?;
        if count > 0 {
            return Ok(None);
        }
        let vendor = Principal {
            role: Role::Vendor,
            id: crate::secret::new_id("vnd"),
            name: name.to_string(),
        };
        sqlx::query("INSERT INTO vendors (id, name, created_at_ms) VALUES ($1, $2, $3)")
            .bind(&vendor.id)
            .bind(&vendor.name)
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
        let key = insert_api_key(&mut tx, &vendor, "bootstrap", now_ms).await?;
        let entry = Entry::new(
            "system",
            None,
            "vendor.bootstrapped",
            Outcome::Ok,
            format!(
                "vendor {} ({}) created with API key {}",
                vendor.id, vendor.name, key.key.id
            ),
        );
        self.finish(tx, entry, now_ms).await?;
        Ok(Some(key))
    }

    /// Resolves an API key (`Authorization: Bearer key_….…`).
    pub async fn authenticate_api_key(
        &self,
        credential: &str,
        now_ms: i64,
    ) -> Result<Principal, BrokerError> {
        let invalid = || BrokerError::Unauthenticated("the API key is not valid".into());
        let presented = Presented::parse(credential, "key").ok_or_else(invalid)?;
        let mut conn = self.conn().await?;
        let row: Option<(String, String, String, Option<i64>)> = sqlx::query_as(
            "SELECT role, principal_id, secret_hash, revoked_at_ms FROM api_keys WHERE id = $1",
        )
        .bind(presented.id)
        .fetch_optional(&mut *conn)
        .await?;
        drop(conn);
        let Some((role, principal_id, hash, revoked)) = row else {
            return Err(invalid());
        };
        if !presented.matches(&hash) || revoked.is_some() {
            // Someone holds a real key id: worth a record.
            let why = if revoked.is_some() {
                "revoked"
            } else {
                "wrong secret"
            };
            let tx = self.store.write().await?;
            let entry = Entry::new(
                "anonymous",
                None,
                "auth.refused",
                Outcome::Refused,
                format!("API key {} refused: {why}", presented.id),
            );
            return Err(self.refuse(tx, entry, invalid(), now_ms).await);
        }
        let role = parse_role(&role).ok_or_else(invalid)?;
        let mut conn = self.conn().await?;
        load_principal(&mut conn, role, &principal_id)
            .await?
            .ok_or_else(invalid)
    }

    pub fn whoami(&self, p: &Principal, csrf_token: Option<String>) -> Whoami {
        Whoami {
            role: p.role,
            principal_id: p.id.clone(),
            name: p.name.clone(),
            csrf_token,
        }
    }

    pub async fn create_api_key(
        &self,
        p: &Principal,
        label: &str,
        now_ms: i64,
    ) -> Result<CreatedApiKey, BrokerError> {
        let label = check_text("label", label, 100)?;
        let mut tx = self.store.write().await?;
        let key = insert_api_key(&mut tx, p, label, now_ms).await?;
        let entry = Entry::new(
            p.actor(),
            None,
            "api_key.created",
            Outcome::Ok,
            format!("API key {} ({label})", key.key.id),
        );
        self.finish(tx, entry, now_ms).await?;
        Ok(key)
    }

    pub async fn list_api_keys(&self, p: &Principal) -> Result<Vec<ApiKeyInfo>, BrokerError> {
        let mut conn = self.conn().await?;
        let rows: Vec<(String, String, String, i64, Option<i64>)> = sqlx::query_as(
            "SELECT id, label, role, created_at_ms, revoked_at_ms FROM api_keys \
             WHERE principal_id = $1 AND role = $2 ORDER BY created_at_ms, id",
        )
        .bind(&p.id)
        .bind(role_str(p.role))
        .fetch_all(&mut *conn)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, label, _, created_at_ms, revoked_at_ms)| ApiKeyInfo {
                id,
                label,
                role: p.role,
                created_at_ms,
                revoked_at_ms,
            })
            .collect())
    }

    /// Revokes one of the principal's own keys, immediately.
    pub async fn revoke_api_key(
        &self,
        p: &Principal,
        key_id: &str,
        now_ms: i64,
    ) -> Result<ApiKeyInfo, BrokerError> {
        let mut tx = self.store.write().await?;
        let row: Option<(String, i64, Option<i64>)> = sqlx::query_as(
            "SELECT label, created_at_ms, revoked_at_ms FROM api_keys \
             WHERE id = $1 AND principal_id = $2 AND role = $3",
        )
        .bind(key_id)
        .bind(&p.id)
        .bind(role_str(p.role))
        .fetch_optional(&mut *tx)
        .await?;
        let Some((label, created_at_ms, revoked)) = row else {
            return Err(BrokerError::NotFound(format!("no API key `{key_id}`")));
        };
        let mut info = ApiKeyInfo {
            id: key_id.to_string(),
            label,
            role: p.role,
            created_at_ms,
            revoked_at_ms: revoked,
        };
        if revoked.is_some() {
            return Ok(info);
        }
        sqlx::query("UPDATE api_keys SET revoked_at_ms = $1 WHERE id = $2")
            .bind(now_ms)
            .bind(key_id)
            .execute(&mut *tx)
            .await?;
        info.revoked_at_ms = Some(now_ms);
        let entry = Entry::new(
            p.actor(),
            None,
            "api_key.revoked",
            Outcome::Ok,
            format!("API key {key_id} revoked"),
        );
        self.finish(tx, entry, now_ms).await?;
        Ok(info)
    }

    /// Signs in to the dashboard with an API key: a session cookie and a CSRF token.
    pub async fn login(&self, api_key: &str, now_ms: i64) -> Result<DashboardLogin, BrokerError> {
        let principal = self.authenticate_api_key(api_key, now_ms).await?;
        self.open_dashboard_session(principal, now_ms).await
    }

    pub(crate) async fn open_dashboard_session(
        &self,
        principal: Principal,
        now_ms: i64,
    ) -> Result<DashboardLogin, BrokerError> {
        let session = mint("web");
        let csrf_token = b64::encode(&random_bytes::<32>());
        let expires_at_ms = now_ms.saturating_add(DASHBOARD_SESSION_TTL_MS);
        let mut tx = self.store.write().await?;
        sqlx::query(
            "INSERT INTO web_sessions (id, role, principal_id, secret_hash, csrf_hash, created_at_ms, expires_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&session.id)
        .bind(role_str(principal.role))
        .bind(&principal.id)
        .bind(&session.secret_hash)
        .bind(sha256_hex(csrf_token.as_bytes()))
        .bind(now_ms)
        .bind(expires_at_ms)
        .execute(&mut *tx)
        .await?;
        let entry = Entry::new(
            principal.actor(),
            None,
            "dashboard.login",
            Outcome::Ok,
            format!("dashboard session {} opened", session.id),
        );
        self.finish(tx, entry, now_ms).await?;
        Ok(DashboardLogin {
            principal,
            cookie: session.credential,
            csrf_token,
            expires_at_ms,
        })
    }

    /// Resolves a dashboard session cookie.
    pub async fn authenticate_dashboard(
        &self,
        cookie: &str,
        now_ms: i64,
    ) -> Result<DashboardSession, BrokerError> {
        let invalid = || {
            BrokerError::Unauthenticated("the dashboard session is not valid; sign in again".into())
        };
        let presented = Presented::parse(cookie, "web").ok_or_else(invalid)?;
        let mut conn = self.conn().await?;
        let row: Option<(String, String, String, String, i64, Option<i64>)> = sqlx::query_as(
            "SELECT role, principal_id, secret_hash, csrf_hash, expires_at_ms, revoked_at_ms \
             FROM web_sessions WHERE id = $1",
        )
        .bind(presented.id)
        .fetch_optional(&mut *conn)
        .await?;
        let Some((role, principal_id, hash, csrf_hash, expires, revoked)) = row else {
            return Err(invalid());
        };
        if !presented.matches(&hash) || revoked.is_some() || now_ms >= expires {
            return Err(invalid());
        }
        let role = parse_role(&role).ok_or_else(invalid)?;
        let principal = load_principal(&mut conn, role, &principal_id)
            .await?
            .ok_or_else(invalid)?;
        Ok(DashboardSession {
            principal,
            session_id: presented.id.to_string(),
            csrf_hash,
        })
    }

    /// Ends a dashboard session.
    pub async fn logout(&self, session: &DashboardSession, now_ms: i64) -> Result<(), BrokerError> {
        let mut tx = self.store.write().await?;
        sqlx::query(
            "UPDATE web_sessions SET revoked_at_ms = $1 WHERE id = $2 AND revoked_at_ms IS NULL",
        )
        .bind(now_ms)
        .bind(&session.session_id)
        .execute(&mut *tx)
        .await?;
        let entry = Entry::new(
            session.principal.actor(),
            None,
            "dashboard.logout",
            Outcome::Ok,
            format!("dashboard session {} closed", session.session_id),
        );
        self.finish(tx, entry, now_ms).await
    }

    // ---- audit -------------------------------------------------------------------------------

    /// Appends a record on its own (the relay's calls, controller events).
    pub async fn append_audit(
        &self,
        actor: &str,
        appliance_id: Option<&str>,
        action: &str,
        outcome: Outcome,
        detail: &str,
        now_ms: i64,
    ) -> Result<ferry_api::broker::AuditRecord, BrokerError> {
        let mut tx = self.store.write().await?;
        let record = audit::append(
            &mut tx,
            &Entry::new(actor, appliance_id, action, outcome, detail),
            now_ms,
        )
        .await?;
        commit(tx).await?;
        Ok(record)
    }

    /// Walks the whole chain.
    pub async fn verify_audit(&self) -> Result<ferry_api::broker::AuditVerification, BrokerError> {
        let mut conn = self.conn().await?;
        audit::verify(&mut conn).await
    }
}

async fn insert_api_key(
    conn: &mut AnyConnection,
    p: &Principal,
    label: &str,
    now_ms: i64,
) -> Result<CreatedApiKey, BrokerError> {
    let key = mint("key");
    sqlx::query(
        "INSERT INTO api_keys (id, role, principal_id, label, secret_hash, created_at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&key.id)
    .bind(role_str(p.role))
    .bind(&p.id)
    .bind(label)
    .bind(&key.secret_hash)
    .bind(now_ms)
    .execute(&mut *conn)
    .await?;
    Ok(CreatedApiKey {
        key: ApiKeyInfo {
            id: key.id.clone(),
            label: label.to_string(),
            role: p.role,
            created_at_ms: now_ms,
            revoked_at_ms: None,
        },
        secret: key.credential,
    })
}

pub(crate) async fn insert_customer_key(
    conn: &mut AnyConnection,
    p: &Principal,
    label: &str,
    now_ms: i64,
) -> Result<CreatedApiKey, BrokerError> {
    insert_api_key(conn, p, label, now_ms).await
}

async fn load_principal(
    conn: &mut AnyConnection,
    role: Role,
    id: &str,
) -> Result<Option<Principal>, BrokerError> {
    let sql = match role {
        Role::Vendor => "SELECT name FROM vendors WHERE id = $1",
        Role::Customer => "SELECT name FROM customers WHERE id = $1",
    };
    let name: Option<(String,)> = sqlx::query_as(sql)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(name.map(|(name,)| Principal {
        role,
        id: id.to_string(),
        name,
    }))
}

/// Trims and checks a human text field: 1..=`max` characters, no control characters.
pub(crate) fn check_text<'a>(
    what: &str,
    text: &'a str,
    max: usize,
) -> Result<&'a str, BrokerError> {
    let t = text.trim();
    if t.is_empty() || t.chars().count() > max || t.chars().any(char::is_control) {
        return Err(BrokerError::invalid(
            "invalid_text",
            format!("{what} must be 1 to {max} characters without control characters"),
        ));
    }
    Ok(t)
}
