//! [`BrokerError`]: what can go wrong, with a stable code per case. Messages name the problem
//! and never carry a secret (credentials and tokens are never formatted anywhere).

/// Every failure of a broker action.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BrokerError {
    /// No such thing, or not visible to this principal (a customer never learns that another
    /// customer's appliance exists).
    #[error("{0}")]
    NotFound(String),
    /// No valid credential.
    #[error("{0}")]
    Unauthenticated(String),
    /// Authenticated, but this principal may not do this (a vendor approving, a customer
    /// creating a release, …).
    #[error("{message}")]
    Forbidden { code: &'static str, message: String },
    /// The input is malformed.
    #[error("{message}")]
    Invalid { code: &'static str, message: String },
    /// The input is well-formed but clashes with the state (a request that is not pending, …).
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    /// A grant or a use was refused by the phase rules (bad signature, replayed nonce, window
    /// in the past, expired, revoked). Always audited.
    #[error("{message}")]
    Refused { code: &'static str, message: String },
    /// The audit record could not be written, so the action was rolled back.
    #[error("the audit log cannot be written, so nothing was changed: {0}")]
    AuditUnavailable(String),
    /// The store failed otherwise.
    #[error("the store failed: {0}")]
    Store(String),
    /// The store cannot be opened or migrated.
    #[error("cannot open the store: {0}")]
    Open(String),
}

impl BrokerError {
    /// The stable machine-readable code (`{"error": {"code"}}`).
    pub fn code(&self) -> &'static str {
        match self {
            BrokerError::NotFound(_) => "not_found",
            BrokerError::Unauthenticated(_) => "unauthenticated",
            BrokerError::Forbidden { code, .. }
            | BrokerError::Invalid { code, .. }
            | BrokerError::Conflict { code, .. }
            | BrokerError::Refused { code, .. } => code,
            BrokerError::AuditUnavailable(_) => "audit_unavailable",
            BrokerError::Store(_) => "store_error",
            BrokerError::Open(_) => "store_open",
        }
    }

    pub(crate) fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        BrokerError::Invalid {
            code,
            message: message.into(),
        }
    }

    pub(crate) fn forbidden(code: &'static str, message: impl Into<String>) -> Self {
        BrokerError::Forbidden {
            code,
            message: message.into(),
        }
    }

    pub(crate) fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        BrokerError::Conflict {
            code,
            message: message.into(),
        }
    }

    pub(crate) fn refused(code: &'static str, message: impl Into<String>) -> Self {
        BrokerError::Refused {
            code,
            message: message.into(),
        }
    }

    pub(crate) fn store(e: sqlx::Error) -> Self {
        BrokerError::Store(describe(&e))
    }

    pub(crate) fn audit(e: sqlx::Error) -> Self {
        BrokerError::AuditUnavailable(describe(&e))
    }
}

/// A database error as text. Only the database's own message: sqlx never formats bound values,
/// and no secret is ever bound (only hashes of secrets).
pub(crate) fn describe(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Database(db) => db.message().to_string(),
        other => other.to_string(),
    }
}

impl From<sqlx::Error> for BrokerError {
    fn from(e: sqlx::Error) -> Self {
        BrokerError::store(e)
    }
}
