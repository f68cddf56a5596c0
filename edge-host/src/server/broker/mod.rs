//! The broker's HTTP surface (DESIGN §5–§6): every route of `ferry_api::broker`'s table, over
//! [`ferry_broker::Broker`]. This module does HTTP only — authentication (API keys as bearer
//! tokens, dashboard sessions in `__Host-` cookies with a CSRF token), the CORS allow-list,
//! per-IP rate limits on authentication, JSON in and out, and compiling releases in the same
//! wasmtime sandbox as `POST /api/v1/compile`. Every rule lives in the broker crate.
//!
//! | status | when |
//! |---|---|
//! | 401 `unauthenticated` | no valid API key or session |
//! | 403 `csrf` | a cookie-authenticated state-changing request without the matching CSRF token |
//! | 403 `origin_not_allowed` | a cross-origin request from an origin not in `--allowed-origin` |
//! | 403 `vendor_cannot_approve`, … | the broker refused (always audited) |
//! | 404 `not_found` | no such thing — or someone else's (a customer never learns it exists) |
//! | 429 `rate_limited` + `Retry-After` | too many authentication attempts from one IP |
//! | 503 `audit_unavailable` + `Retry-After` | the audit record could not be written: nothing changed |

mod auth;
mod handlers;
mod release;

pub(crate) use auth::Credential;
pub use auth::{CSRF_COOKIE, CSRF_HEADER, Caller, RateLimiter, SESSION_COOKIE};

use super::AppState;
use super::error::ApiError;
use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use ferry_broker::{Broker, BrokerError};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// The appliance's controller as the relay sees it (the broker does not know it).
pub trait ControllerPresence: Send + Sync + fmt::Debug {
    /// Whether it is connected now.
    fn connected(&self, appliance_id: &str) -> bool;
    /// The customer changed the Steady-state switch or token: tell the controller now rather
    /// than at the relay's next periodic look.
    fn steady_state_changed(&self, appliance_id: &str);
}

/// How the broker's HTTP surface is set up.
#[derive(Debug, Clone)]
pub struct BrokerConfig {
    /// The edge host's public base URL (`https://ferry.example`): invitation links and the
    /// relay URL compiled into releases (`<public_url>/relay/v1/appliances/<id>/do`).
    pub public_url: String,
    /// Origins allowed to call the API cross-origin (with credentials). Empty: same-origin only.
    pub allowed_origins: Vec<String>,
    /// Authentication attempts per IP: burst size …
    pub auth_burst: u32,
    /// … and how often one more attempt is allowed.
    pub auth_refill: Duration,
}

impl BrokerConfig {
    pub fn new(public_url: impl Into<String>) -> Self {
        Self {
            public_url: public_url.into().trim_end_matches('/').to_string(),
            allowed_origins: Vec::new(),
            auth_burst: 10,
            auth_refill: Duration::from_secs(6),
        }
    }

    /// The relay endpoint compiled into an appliance's releases.
    pub fn relay_url(&self, appliance_id: &str) -> String {
        // The provider's `api_endpoint`: godo resolves `v2/…` against it (so `…/do` becomes
        // `…/<id>/v2/…`, which the relay serves), and the Kubernetes provider gets
        // `trimsuffix(…, "/do")/k8s` (compiler).
        format!("{}/relay/v1/appliances/{appliance_id}/do", self.public_url)
    }
}

/// The broker and its HTTP configuration, in [`AppState::broker`]. Cheap to clone.
#[derive(Debug, Clone)]
pub struct BrokerState {
    pub broker: Broker,
    pub config: Arc<BrokerConfig>,
    pub(crate) limiter: Arc<RateLimiter>,
    presence: Option<Arc<dyn ControllerPresence>>,
}

impl BrokerState {
    pub fn new(broker: Broker, config: BrokerConfig) -> Self {
        let limiter = Arc::new(RateLimiter::new(config.auth_burst, config.auth_refill));
        Self {
            broker,
            config: Arc::new(config),
            limiter,
            presence: None,
        }
    }

    /// Lets appliance answers say whether the controller is connected (set by the relay).
    pub fn with_presence(mut self, presence: Arc<dyn ControllerPresence>) -> Self {
        self.presence = Some(presence);
        self
    }

    pub(crate) fn connected(&self, appliance_id: &str) -> bool {
        self.presence
            .as_ref()
            .is_some_and(|p| p.connected(appliance_id))
    }

    pub(crate) fn steady_state_changed(&self, appliance_id: &str) {
        if let Some(p) = &self.presence {
            p.steady_state_changed(appliance_id);
        }
    }
}

/// The broker of the state, or 503 when this edge host runs without one.
pub(crate) fn broker_of(state: &AppState) -> Result<&BrokerState, ApiError> {
    state.broker.as_ref().ok_or_else(|| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "broker_disabled",
            "this edge host runs without the broker",
        )
    })
}

/// Every broker route. Merged into [`super::app`]; the CORS check wraps them all.
pub fn routes(state: &AppState) -> Router<AppState> {
    use handlers as h;
    Router::new()
        .route("/api/v1/auth/session", post(h::login).delete(h::logout))
        .route("/api/v1/auth/whoami", get(h::whoami))
        .route("/api/v1/auth/keys", post(h::create_key).get(h::list_keys))
        .route("/api/v1/auth/keys/{id}", delete(h::revoke_key))
        .route(
            "/api/v1/appliances",
            get(h::list_appliances).post(h::create_appliance),
        )
        .route("/api/v1/appliances/{id}", get(h::appliance))
        .route("/api/v1/appliances/{id}/invitations", post(h::invite))
        .route("/api/v1/invitations/accept", post(h::accept_invitation))
        .route(
            "/api/v1/appliances/{id}/controller",
            put(h::controller_keys),
        )
        .route(
            "/api/v1/appliances/{id}/phases/steady_state",
            put(h::steady_state),
        )
        .route(
            "/api/v1/appliances/{id}/releases",
            post(release::create).get(h::list_releases),
        )
        .route("/api/v1/releases/{id}", get(h::release))
        .route("/api/v1/releases/{id}/stack.tar.gz", get(h::tarball))
        .route(
            "/api/v1/appliances/{id}/access-requests",
            post(h::request_access).get(h::list_access_requests),
        )
        .route("/api/v1/access-requests/{id}/refuse", post(h::refuse))
        .route(
            "/api/v1/appliances/{id}/grants",
            post(h::create_grant).get(h::list_grants),
        )
        .route("/api/v1/grants/{id}", delete(h::revoke_grant))
        .route("/api/v1/appliances/{id}/tokens", get(h::list_tokens))
        .route(
            "/api/v1/appliances/{id}/tokens/{phase}",
            put(h::put_token).delete(h::delete_token),
        )
        .route(
            "/api/v1/appliances/{id}/sessions",
            post(h::create_session).get(h::list_sessions),
        )
        .route("/api/v1/sessions/{id}", delete(h::revoke_session))
        .route("/api/v1/appliances/{id}/audit", get(h::audit_log))
        .route(
            "/api/v1/appliances/{id}/events",
            get(crate::server::events::stream),
        )
        .route(
            "/api/v1/appliances/{id}/metrics",
            get(crate::server::observe::metrics),
        )
        .route("/api/v1/audit/verify", get(h::verify_audit))
        .layer(from_fn_with_state(state.clone(), auth::cors))
}

/// How a broker error leaves the server.
pub(crate) fn broker_error(e: BrokerError) -> ApiError {
    let status = match &e {
        BrokerError::NotFound(_) => StatusCode::NOT_FOUND,
        BrokerError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
        BrokerError::Forbidden { .. } | BrokerError::Refused { .. } => StatusCode::FORBIDDEN,
        BrokerError::Invalid { .. } => StatusCode::BAD_REQUEST,
        BrokerError::Conflict { .. } => StatusCode::CONFLICT,
        BrokerError::AuditUnavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        BrokerError::Store(_) | BrokerError::Open(_) => StatusCode::INTERNAL_SERVER_ERROR,
    };
    if status.is_server_error() {
        tracing::error!(code = e.code(), "broker: {e}");
    }
    let mut api = ApiError::new(status, e.code(), e.to_string());
    if status == StatusCode::SERVICE_UNAVAILABLE {
        api.retry_after = Some(1);
    }
    api
}

/// Parses a JSON request body, naming what is wrong.
pub(crate) fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            format!("the request body is not what this endpoint takes: {e}"),
        )
    })
}

/// A JSON answer.
pub(crate) fn json<T: Serialize>(status: StatusCode, value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => (
            status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            body,
        )
            .into_response(),
        Err(e) => ApiError::internal(e.to_string()).into_response(),
    }
}
