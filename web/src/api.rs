//! The broker's HTTP API, as the dashboard calls it: one function per route of
//! `ferry_api::broker`, typed with that crate's shapes, through gloo-net.
//!
//! The session lives in the broker's cookies (`__Host-`, HttpOnly: this code never sees it);
//! the CSRF token from [`Whoami::csrf_token`] is kept here and sent as `X-CSRF-Token` on every
//! state-changing request. Every failure is an [`ApiError`] whose text is what the user reads:
//! the server's own `{"error": {"code", "message"}}` when it answered with one.

use crate::route::encode_segment;
use ferry_api::broker::*;
use ferry_api::compile::ErrorBody;
use ferry_api::grant::Phase;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::cell::RefCell;

/// The API's prefix.
pub const BASE: &str = "/api/v1";

/// What can go wrong with a call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// The server answered with its error body.
    #[error("{message}")]
    Server {
        status: u16,
        code: String,
        message: String,
    },
    /// An error status without a readable error body (a proxy, a crash page).
    #[error("the server answered HTTP {status}{}", if .detail.is_empty() { String::new() } else { format!(": {}", .detail) })]
    Status { status: u16, detail: String },
    #[error("the server could not be reached ({0})")]
    Network(String),
    #[error("the server's answer could not be read ({0})")]
    Decode(String),
    #[error("the request could not be written ({0})")]
    Encode(String),
}

impl ApiError {
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Server { status, .. } | ApiError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The stable error code, when the server gave one.
    pub fn code(&self) -> Option<&str> {
        match self {
            ApiError::Server { code, .. } => Some(code),
            _ => None,
        }
    }

    /// Not signed in (or the session ended).
    pub fn is_unauthorized(&self) -> bool {
        self.status() == Some(401)
    }
}

/// The error for a failed answer: the server's `{"error": …}` body when it is one.
pub fn error_from(status: u16, body: &str) -> ApiError {
    match serde_json::from_str::<ErrorBody>(body) {
        Ok(b) => ApiError::Server {
            status,
            code: b.error.code,
            message: b.error.message,
        },
        Err(_) => ApiError::Status {
            status,
            detail: body.trim().chars().take(120).collect(),
        },
    }
}

thread_local! {
    static CSRF: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Remembers (or forgets) the session's CSRF token.
pub fn set_csrf(token: Option<String>) {
    CSRF.with(|c| *c.borrow_mut() = token);
}

fn csrf() -> Option<String> {
    CSRF.with(|c| c.borrow().clone())
}

#[derive(Debug, Clone, Copy)]
enum Method {
    Get,
    Post,
    Put,
    Delete,
}

/// The one place that talks HTTP. Not generic, so the fetch machinery exists once in the
/// bundle; the typed wrappers below only (de)serialise.
async fn call_raw(method: Method, path: &str, body: Option<String>) -> Result<String, ApiError> {
    use gloo_net::http::Request;
    let url = format!("{BASE}{path}");
    let mut builder = match method {
        Method::Get => Request::get(&url),
        Method::Post => Request::post(&url),
        Method::Put => Request::put(&url),
        Method::Delete => Request::delete(&url),
    }
    .header("Accept", "application/json");
    if !matches!(method, Method::Get)
        && let Some(token) = csrf()
    {
        builder = builder.header("X-CSRF-Token", &token);
    }
    let request = match body {
        Some(b) => builder.header("Content-Type", "application/json").body(b),
        None => builder.build(),
    }
    .map_err(|e| ApiError::Network(e.to_string()))?;
    let response = request
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    let status = response.status();
    let text = response
        .text()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    if !response.ok() {
        return Err(error_from(status, &text));
    }
    Ok(text)
}

/// Reads a success answer; an empty one (204) reads as JSON `null`.
fn decode<T: DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    let text = if text.trim().is_empty() { "null" } else { text };
    serde_json::from_str(text).map_err(|e| ApiError::Decode(e.to_string()))
}

async fn call<B: Serialize + ?Sized, T: DeserializeOwned>(
    method: Method,
    path: &str,
    body: Option<&B>,
) -> Result<T, ApiError> {
    let body = match body {
        Some(b) => Some(serde_json::to_string(b).map_err(|e| ApiError::Encode(e.to_string()))?),
        None => None,
    };
    decode(&call_raw(method, path, body).await?)
}

async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    call::<(), T>(Method::Get, path, None).await
}

async fn post<B: Serialize + ?Sized, T: DeserializeOwned>(
    path: &str,
    body: &B,
) -> Result<T, ApiError> {
    call(Method::Post, path, Some(body)).await
}

async fn put<B: Serialize + ?Sized, T: DeserializeOwned>(
    path: &str,
    body: &B,
) -> Result<T, ApiError> {
    call(Method::Put, path, Some(body)).await
}

async fn delete<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    call::<(), T>(Method::Delete, path, None).await
}

fn seg(id: &str) -> String {
    encode_segment(id)
}

// Auth

pub async fn sign_in(api_key: String) -> Result<Whoami, ApiError> {
    post("/auth/session", &LoginRequest { api_key }).await
}

pub async fn sign_out() -> Result<serde_json::Value, ApiError> {
    delete("/auth/session").await
}

pub async fn whoami() -> Result<Whoami, ApiError> {
    get("/auth/whoami").await
}

// Appliances

pub async fn appliances() -> Result<Vec<Appliance>, ApiError> {
    get("/appliances").await
}

pub async fn appliance(id: &str) -> Result<Appliance, ApiError> {
    get(&format!("/appliances/{}", seg(id))).await
}

pub async fn create_appliance(body: &NewAppliance) -> Result<Appliance, ApiError> {
    post("/appliances", body).await
}

pub async fn invite(appliance: &str) -> Result<Invitation, ApiError> {
    post(
        &format!("/appliances/{}/invitations", seg(appliance)),
        &serde_json::json!({}),
    )
    .await
}

pub async fn accept_invitation(body: &AcceptInvitation) -> Result<CreatedApiKey, ApiError> {
    post("/invitations/accept", body).await
}

pub async fn register_controller(
    appliance: &str,
    keys: &ControllerKeys,
) -> Result<Appliance, ApiError> {
    put(&format!("/appliances/{}/controller", seg(appliance)), keys).await
}

pub async fn switch_steady_state(appliance: &str, enabled: bool) -> Result<Appliance, ApiError> {
    put(
        &format!("/appliances/{}/phases/steady_state", seg(appliance)),
        &SteadyStateSwitch { enabled },
    )
    .await
}

// Releases

pub async fn releases(appliance: &str) -> Result<Vec<Release>, ApiError> {
    get(&format!("/appliances/{}/releases", seg(appliance))).await
}

pub async fn create_release(appliance: &str, body: &NewRelease) -> Result<Release, ApiError> {
    post(&format!("/appliances/{}/releases", seg(appliance)), body).await
}

pub async fn release(id: &str) -> Result<Release, ApiError> {
    get(&format!("/releases/{}", seg(id))).await
}

/// The tarball's address (a plain link: the browser downloads it with the session cookie).
pub fn stack_tarball_url(release: &str) -> String {
    format!("{BASE}/releases/{}/stack.tar.gz", seg(release))
}

// Access requests and grants

pub async fn access_requests(appliance: &str) -> Result<Vec<AccessRequest>, ApiError> {
    get(&format!("/appliances/{}/access-requests", seg(appliance))).await
}

pub async fn request_access(
    appliance: &str,
    body: &NewAccessRequest,
) -> Result<AccessRequest, ApiError> {
    post(
        &format!("/appliances/{}/access-requests", seg(appliance)),
        body,
    )
    .await
}

pub async fn refuse(request: &str, reason: Option<String>) -> Result<AccessRequest, ApiError> {
    post(
        &format!("/access-requests/{}/refuse", seg(request)),
        &Refusal { reason },
    )
    .await
}

pub async fn grants(appliance: &str) -> Result<Vec<Grant>, ApiError> {
    get(&format!("/appliances/{}/grants", seg(appliance))).await
}

pub async fn create_grant(appliance: &str, body: &NewGrant) -> Result<Grant, ApiError> {
    post(&format!("/appliances/{}/grants", seg(appliance)), body).await
}

pub async fn revoke_grant(id: &str) -> Result<Grant, ApiError> {
    delete(&format!("/grants/{}", seg(id))).await
}

// Sealed tokens

pub async fn tokens(appliance: &str) -> Result<Vec<TokenInfo>, ApiError> {
    get(&format!("/appliances/{}/tokens", seg(appliance))).await
}

pub async fn upload_token(
    appliance: &str,
    phase: Phase,
    body: &SealedTokenUpload,
) -> Result<TokenInfo, ApiError> {
    put(
        &format!("/appliances/{}/tokens/{}", seg(appliance), phase.as_str()),
        body,
    )
    .await
}

pub async fn remove_token(appliance: &str, phase: Phase) -> Result<serde_json::Value, ApiError> {
    delete(&format!(
        "/appliances/{}/tokens/{}",
        seg(appliance),
        phase.as_str()
    ))
    .await
}

// Deploy sessions

pub async fn sessions(appliance: &str) -> Result<Vec<DeploySession>, ApiError> {
    get(&format!("/appliances/{}/sessions", seg(appliance))).await
}

pub async fn create_session(
    appliance: &str,
    body: &NewDeploySession,
) -> Result<CreatedDeploySession, ApiError> {
    post(&format!("/appliances/{}/sessions", seg(appliance)), body).await
}

pub async fn revoke_session(id: &str) -> Result<serde_json::Value, ApiError> {
    delete(&format!("/sessions/{}", seg(id))).await
}

// Audit

pub async fn audit(appliance: &str) -> Result<Vec<AuditRecord>, ApiError> {
    get(&format!("/appliances/{}/audit", seg(appliance))).await
}

pub async fn verify_audit() -> Result<AuditVerification, ApiError> {
    get("/audit/verify").await
}

/// At most `limit` audit records of the appliance, newest first, below sequence `before`.
pub async fn audit_page(
    appliance: &str,
    before: Option<i64>,
    limit: u32,
) -> Result<Vec<AuditRecord>, ApiError> {
    let before = before.map(|b| format!("&before={b}")).unwrap_or_default();
    get(&format!(
        "/appliances/{}/audit?limit={limit}{before}",
        seg(appliance)
    ))
    .await
}

// Observing a running appliance (`ferry_api::observe`)

/// The appliance's live events (`text/event-stream`), for an `EventSource`.
pub fn events_url(appliance: &str) -> String {
    format!("{BASE}/appliances/{}/events", seg(appliance))
}

pub async fn metrics(appliance: &str) -> Result<ferry_api::observe::MetricsSnapshot, ApiError> {
    get(&format!("/appliances/{}/metrics", seg(appliance))).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_errors_show_the_servers_message() {
        let e = error_from(
            403,
            r#"{"error":{"code":"csrf","message":"the CSRF token is missing"}}"#,
        );
        assert_eq!(e.to_string(), "the CSRF token is missing");
        assert_eq!(e.code(), Some("csrf"));
        assert_eq!(e.status(), Some(403));
        assert!(!e.is_unauthorized());
        let e = error_from(
            401,
            r#"{"error":{"code":"unauthorized","message":"sign in"}}"#,
        );
        assert!(e.is_unauthorized());
    }

    #[test]
    fn other_error_bodies_are_named_by_status() {
        let e = error_from(502, "<html>Bad Gateway</html>");
        assert_eq!(
            e.to_string(),
            "the server answered HTTP 502: <html>Bad Gateway</html>"
        );
        assert_eq!(e.code(), None);
        assert_eq!(
            error_from(500, "").to_string(),
            "the server answered HTTP 500"
        );
    }
}
