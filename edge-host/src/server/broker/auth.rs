//! Who is calling: API keys (`Authorization: Bearer key_….…`) and dashboard sessions
//! (`__Host-ferry_session` cookie, with the double-submitted CSRF token on every state-changing
//! request); the per-IP rate limit on authentication; the CORS allow-list.

use super::{BrokerState, broker_error, broker_of};
use crate::server::AppState;
use crate::server::error::ApiError;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use ferry_api::crypto::ct_eq;
use ferry_broker::{DashboardLogin, DashboardSession, Principal};
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The dashboard session cookie (`__Host-`: Secure, no Domain, Path=/).
pub const SESSION_COOKIE: &str = "__Host-ferry_session";
/// The CSRF cookie: readable by the dashboard, which sends it back as [`CSRF_HEADER`].
pub const CSRF_COOKIE: &str = "__Host-ferry_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The authenticated caller of a broker route.
#[derive(Debug, Clone)]
pub struct Caller {
    pub principal: Principal,
    /// Set when the caller came with a dashboard cookie (not an API key).
    pub session: Option<DashboardSession>,
    /// The CSRF token the browser presented (cookie sessions), to echo in `whoami`.
    pub csrf_token: Option<String>,
}

/// The client's IP, as an extractor (for the rate limit of authentication endpoints).
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(client_ip(parts)))
    }
}

/// The client's IP (tests without a socket share one bucket).
pub(crate) fn client_ip(parts: &Parts) -> IpAddr {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip())
}

/// The value of cookie `name`, from every `Cookie` header.
pub(crate) fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
}

fn bearer(headers: &HeaderMap) -> Option<Result<&str, ()>> {
    let value = headers.get(header::AUTHORIZATION)?;
    Some(
        value
            .to_str()
            .ok()
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .ok_or(()),
    )
}

fn state_changing(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn unauthenticated(message: &str) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated", message)
}

/// What a caller presented, kept by a long-lived answer (the event stream) to check it again
/// later: a revoked API key or an ended dashboard session must close what it opened. Held in
/// memory only; `Debug` never shows it.
#[derive(Clone)]
pub(crate) enum Credential {
    ApiKey(String),
    Session(String),
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Credential::ApiKey(_) => "Credential::ApiKey(..)",
            Credential::Session(_) => "Credential::Session(..)",
        })
    }
}

impl Credential {
    /// The credential `authenticate` used for these headers (Bearer first, then the cookie).
    pub(crate) fn of(headers: &HeaderMap) -> Option<Self> {
        match bearer(headers) {
            Some(Ok(key)) => Some(Credential::ApiKey(key.to_string())),
            Some(Err(())) => None,
            None => cookie(headers, SESSION_COOKIE).map(|c| Credential::Session(c.to_string())),
        }
    }

    /// Who it stands for now; an error once it was revoked, ended or expired.
    pub(crate) async fn principal(&self, b: &BrokerState, now: i64) -> Result<Principal, ApiError> {
        match self {
            Credential::ApiKey(key) => b.broker.authenticate_api_key(key, now).await,
            Credential::Session(cookie) => b
                .broker
                .authenticate_dashboard(cookie, now)
                .await
                .map(|s| s.principal),
        }
        .map_err(broker_error)
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let b = broker_of(state).map_err(IntoResponse::into_response)?;
        let now = b.broker.now_ms();
        let ip = client_ip(parts);
        let result = authenticate(b, parts, now).await;
        match result {
            Ok(caller) => Ok(caller),
            Err(e) if e.status == StatusCode::UNAUTHORIZED => {
                // Failed attempts spend the IP's budget; an exhausted budget is a 429.
                if let Err(retry) = b.limiter.take(ip) {
                    return Err(rate_limited(retry).into_response());
                }
                let mut res = e.into_response();
                res.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"ferry\""),
                );
                Err(res)
            }
            Err(e) => Err(e.into_response()),
        }
    }
}

async fn authenticate(b: &BrokerState, parts: &Parts, now: i64) -> Result<Caller, ApiError> {
    if let Some(token) = bearer(&parts.headers) {
        let token = token
            .map_err(|()| unauthenticated("the Authorization header must be `Bearer <API key>`"))?;
        let principal = b
            .broker
            .authenticate_api_key(token, now)
            .await
            .map_err(broker_error)?;
        return Ok(Caller {
            principal,
            session: None,
            csrf_token: None,
        });
    }
    let Some(cookie_value) = cookie(&parts.headers, SESSION_COOKIE) else {
        return Err(unauthenticated(
            "sign in: send an API key as `Authorization: Bearer <key>`, or a dashboard session cookie",
        ));
    };
    let session = b
        .broker
        .authenticate_dashboard(cookie_value, now)
        .await
        .map_err(broker_error)?;
    let csrf_cookie = cookie(&parts.headers, CSRF_COOKIE);
    let csrf_header = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
    if state_changing(&parts.method) {
        let ok = match (csrf_cookie, csrf_header) {
            (Some(c), Some(h)) => ct_eq(c.as_bytes(), h.as_bytes()) && session.csrf_matches(h),
            _ => false,
        };
        if !ok {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "csrf",
                format!(
                    "a state-changing request with a session cookie needs the `{CSRF_HEADER}` header equal to the `{CSRF_COOKIE}` cookie"
                ),
            ));
        }
    }
    let csrf_token = csrf_cookie
        .filter(|c| session.csrf_matches(c))
        .map(str::to_string);
    Ok(Caller {
        principal: session.principal.clone(),
        session: Some(session),
        csrf_token,
    })
}

pub(crate) fn rate_limited(retry_after: u32) -> ApiError {
    ApiError {
        retry_after: Some(retry_after),
        ..ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            format!("too many authentication attempts from this address; retry in {retry_after} s"),
        )
    }
}

/// The `Set-Cookie` headers of a new dashboard session.
pub(crate) fn session_cookies(login: &DashboardLogin, now_ms: i64) -> [HeaderValue; 2] {
    let max_age = ((login.expires_at_ms - now_ms) / 1000).max(0);
    let session = format!(
        "{SESSION_COOKIE}={}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age={max_age}",
        login.cookie
    );
    let csrf = format!(
        "{CSRF_COOKIE}={}; Path=/; Secure; SameSite=Strict; Max-Age={max_age}",
        login.csrf_token
    );
    [session, csrf].map(|c| HeaderValue::from_str(&c).unwrap_or(HeaderValue::from_static("")))
}

/// The `Set-Cookie` headers that end a dashboard session.
pub(crate) fn cleared_cookies() -> [HeaderValue; 2] {
    [
        HeaderValue::from_static(
            "__Host-ferry_session=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0",
        ),
        HeaderValue::from_static("__Host-ferry_csrf=; Path=/; Secure; SameSite=Strict; Max-Age=0"),
    ]
}

/// A token bucket per client IP for authentication attempts.
#[derive(Debug)]
pub struct RateLimiter {
    burst: f64,
    refill: Duration,
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

/// Buckets kept at most; beyond, full ones are forgotten.
const MAX_BUCKETS: usize = 100_000;

impl RateLimiter {
    pub fn new(burst: u32, refill: Duration) -> Self {
        Self {
            burst: f64::from(burst.max(1)),
            refill: refill.max(Duration::from_millis(1)),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one attempt from `ip`'s bucket, or says in how many seconds one is available.
    pub fn take(&self, ip: IpAddr) -> Result<(), u32> {
        let now = Instant::now();
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if buckets.len() >= MAX_BUCKETS {
            let (burst, refill) = (self.burst, self.refill);
            buckets.retain(|_, (tokens, at)| {
                *tokens + now.duration_since(*at).as_secs_f64() / refill.as_secs_f64() < burst
            });
        }
        let (tokens, at) = buckets.entry(ip).or_insert((self.burst, now));
        let refilled = now.duration_since(*at).as_secs_f64() / self.refill.as_secs_f64();
        *tokens = (*tokens + refilled).min(self.burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            let wait = (1.0 - *tokens) * self.refill.as_secs_f64();
            Err(wait.ceil().max(1.0) as u32)
        }
    }
}

/// Takes an attempt for an authentication endpoint, or answers 429.
pub(crate) fn limit(b: &BrokerState, parts_ip: IpAddr) -> Result<(), ApiError> {
    b.limiter.take(parts_ip).map_err(rate_limited)
}

/// The CORS allow-list. Same-origin requests (no `Origin`, or the edge host's own origin) pass
/// untouched; an allowed origin gets the CORS headers (with credentials) and its preflights are
/// answered; any other cross-origin request is refused with 403 before a handler runs.
pub(crate) async fn cors(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(origin) = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
    else {
        return next.run(req).await;
    };
    let Some(b) = state.broker.as_ref() else {
        return next.run(req).await;
    };
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let same_origin = origin == b.config.public_url
        || (!host.is_empty()
            && (origin == format!("http://{host}") || origin == format!("https://{host}")));
    if same_origin {
        return next.run(req).await;
    }
    if !b.config.allowed_origins.iter().any(|o| o == &origin) {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "origin_not_allowed",
            format!("cross-origin requests from `{origin}` are not allowed (see `ferry serve --allowed-origin`)"),
        )
        .into_response();
    }
    let preflight = req.method() == Method::OPTIONS
        && req
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    let mut res = if preflight {
        let mut res = StatusCode::NO_CONTENT.into_response();
        let h = res.headers_mut();
        h.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("GET, POST, PUT, DELETE"),
        );
        h.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static("authorization, content-type, x-csrf-token"),
        );
        h.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from(600));
        res
    } else {
        next.run(req).await
    };
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&origin) {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, v);
    }
    h.insert(
        header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
        HeaderValue::from_static("true"),
    );
    h.append(header::VARY, HeaderValue::from_static("Origin"));
    res
}
