//! The DigitalOcean API client the units use: one base URL (`https://api.digitalocean.com`, the
//! sandbox cloud, or the relay's `/relay/v1/appliances/<id>/do`) and one bearer token.
//!
//! * Requests go through a [`Transport`] so tests can put a fault injector (or an in-process
//!   router) in between; [`HttpTransport`] is the real one (reqwest, rustls).
//! * 429 and 5xx are retried with capped exponential backoff and jitter, honouring
//!   `Retry-After` and `ratelimit-reset` — except a create (`POST`) answered 5xx, which may have
//!   happened: the unit looks the resource up again before it sends the create once more.
//! * Creates carry an `Idempotency-Key`, so a relay or controller in between can deduplicate.
//! * Collections are read page by page (`page`, `per_page=200`) until `links.pages.next` ends.
//! * The token never appears in `Debug`, errors or events: only its fingerprint.

use serde_json::Value as Json;
use sha2::Digest;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

pub type BoxFut<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A bearer token. `Debug` and `Display` show a fingerprint, never the token.
#[derive(Clone)]
pub struct Token(Arc<str>);

impl Token {
    pub fn new(token: impl Into<String>) -> Self {
        Token(Arc::from(token.into().trim()))
    }
    /// `sha256:` and the first 12 hex digits of the token's SHA-256.
    pub fn fingerprint(&self) -> String {
        let digest = sha2::Sha256::digest(self.0.as_bytes());
        let hex: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
        format!("sha256:{hex}")
    }
    fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Token({})", self.fingerprint())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

/// One API request: a path under the base URL (`/v2/...`, with its query) and a JSON body.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiRequest {
    pub method: Method,
    pub path: String,
    pub body: Option<Json>,
    pub idempotency_key: Option<String>,
}

/// What came back: the status, the body as text, and the retry hints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiResponse {
    pub status: u16,
    pub body: String,
    /// Seconds, from `Retry-After`.
    pub retry_after: Option<u64>,
    /// Unix seconds, from `ratelimit-reset` (only used with a 429).
    pub ratelimit_reset: Option<u64>,
}

/// The request never got an answer (connection refused or dropped, timeout).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TransportError(pub String);

/// How requests reach the API.
pub trait Transport: Send + Sync {
    fn send<'a>(&'a self, req: &'a ApiRequest) -> BoxFut<'a, Result<ApiResponse, TransportError>>;
}

/// HTTPS (or HTTP on loopback) to a base URL with a bearer token.
pub struct HttpTransport {
    http: reqwest::Client,
    base: String,
    token: Token,
}

impl fmt::Debug for HttpTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpTransport")
            .field("base", &self.base)
            .field("token", &self.token)
            .finish()
    }
}

/// Largest response body read (a kubeconfig or a long list page is far below this).
pub const MAX_RESPONSE_BYTES: usize = 16 << 20;

impl HttpTransport {
    /// `base` without a trailing `/v2`: `https://api.digitalocean.com`,
    /// `http://127.0.0.1:8089`, `https://ferry.example.com/relay/v1/appliances/a1/do`.
    pub fn new(base: &str, token: Token, timeout: Duration) -> Result<Self, TransportError> {
        let base = base.trim_end_matches('/').to_string();
        if !(base.starts_with("https://") || base.starts_with("http://")) {
            return Err(TransportError(format!(
                "the API URL must start with https:// or http://, not `{base}`"
            )));
        }
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .user_agent(concat!("ferry-deploy/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| TransportError(format!("cannot build the HTTP client: {e}")))?;
        Ok(HttpTransport { http, base, token })
    }
}

impl Transport for HttpTransport {
    fn send<'a>(&'a self, req: &'a ApiRequest) -> BoxFut<'a, Result<ApiResponse, TransportError>> {
        Box::pin(async move {
            let url = format!("{}{}", self.base, req.path);
            let method = match req.method {
                Method::Get => reqwest::Method::GET,
                Method::Post => reqwest::Method::POST,
                Method::Put => reqwest::Method::PUT,
                Method::Patch => reqwest::Method::PATCH,
                Method::Delete => reqwest::Method::DELETE,
            };
            let mut builder = self
                .http
                .request(method, &url)
                .bearer_auth(self.token.expose())
                .header("Accept", "application/json");
            if let Some(body) = &req.body {
                builder = builder.json(body);
            }
            if let Some(key) = &req.idempotency_key {
                builder = builder.header("Idempotency-Key", key);
            }
            let mut resp = builder
                .send()
                .await
                .map_err(|e| TransportError(describe_reqwest(&e)))?;
            let status = resp.status().as_u16();
            let header_u64 = |name: &str| {
                resp.headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<u64>().ok())
            };
            let retry_after = header_u64("retry-after");
            let ratelimit_reset = header_u64("ratelimit-reset");
            let mut body = Vec::new();
            while let Some(chunk) = resp
                .chunk()
                .await
                .map_err(|e| TransportError(describe_reqwest(&e)))?
            {
                if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
                    return Err(TransportError(format!(
                        "{} {}: the response is larger than {} MiB",
                        req.method.as_str(),
                        req.path,
                        MAX_RESPONSE_BYTES >> 20
                    )));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(ApiResponse {
                status,
                body: String::from_utf8_lossy(&body).into_owned(),
                retry_after,
                ratelimit_reset,
            })
        })
    }
}

/// reqwest's messages without the URL's query or anything else that could carry a secret.
fn describe_reqwest(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "cannot connect"
    } else if e.is_body() || e.is_decode() {
        "the response broke off"
    } else {
        "the request failed"
    };
    let host = e
        .url()
        .map(|u| format!("{}://{}", u.scheme(), u.authority()))
        .unwrap_or_default();
    let mut source = std::error::Error::source(e);
    let mut detail = String::new();
    while let Some(s) = source {
        detail = s.to_string();
        source = s.source();
    }
    if detail.is_empty() {
        format!("{kind} ({host})")
    } else {
        format!("{kind} ({host}): {detail}")
    }
}

/// An API call that did not succeed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    #[error("{method} {path}: {source}")]
    Transport {
        method: &'static str,
        path: String,
        source: TransportError,
    },
    /// DigitalOcean's error body: `{"id", "message"}`.
    #[error("{method} {path}: {status} {id}: {message}")]
    Status {
        method: &'static str,
        path: String,
        status: u16,
        id: String,
        message: String,
    },
    #[error("{method} {path}: the answer is not what the API documents: {problem}")]
    Shape {
        method: &'static str,
        path: String,
        problem: String,
    },
}

impl ApiError {
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
    /// The request may have taken effect (no answer, or a 5xx after sending).
    pub fn uncertain(&self) -> bool {
        match self {
            ApiError::Transport { .. } => true,
            ApiError::Status { status, .. } => *status >= 500,
            ApiError::Shape { .. } => false,
        }
    }
}

/// Backoff for 429/5xx.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub retries: u32,
    pub base: Duration,
    pub max: Duration,
}

impl Default for RetryPolicy {
    /// Like the official provider: 4 retries, 1 s to 30 s.
    fn default() -> Self {
        RetryPolicy {
            retries: 4,
            base: Duration::from_secs(1),
            max: Duration::from_secs(30),
        }
    }
}

/// Request counts, by method.
#[derive(Debug, Default)]
pub struct Stats {
    counts: [AtomicU64; 5],
}

impl Stats {
    fn count(&self, m: Method) {
        let i = match m {
            Method::Get => 0,
            Method::Post => 1,
            Method::Put => 2,
            Method::Patch => 3,
            Method::Delete => 4,
        };
        self.counts[i].fetch_add(1, Ordering::Relaxed);
    }
    pub fn snapshot(&self) -> RequestCounts {
        let c = |i: usize| self.counts[i].load(Ordering::Relaxed);
        RequestCounts {
            get: c(0),
            post: c(1),
            put: c(2),
            patch: c(3),
            delete: c(4),
        }
    }
}

/// Requests sent (each retry counts), by method.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RequestCounts {
    pub get: u64,
    pub post: u64,
    pub put: u64,
    pub patch: u64,
    pub delete: u64,
}

impl RequestCounts {
    pub fn total(&self) -> u64 {
        self.get + self.post + self.put + self.patch + self.delete
    }
    /// Requests that change something.
    pub fn writes(&self) -> u64 {
        self.post + self.put + self.patch + self.delete
    }
}

/// The client the units call.
#[derive(Clone)]
pub struct Client {
    transport: Arc<dyn Transport>,
    stats: Arc<Stats>,
    retry: RetryPolicy,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("retry", &self.retry)
            .finish()
    }
}

/// The largest number of pages read from one collection (200 per page).
pub const MAX_PAGES: u32 = 500;

impl Client {
    pub fn new(transport: Arc<dyn Transport>, retry: RetryPolicy) -> Self {
        Client {
            transport,
            stats: Arc::new(Stats::default()),
            retry,
        }
    }

    pub fn requests(&self) -> RequestCounts {
        self.stats.snapshot()
    }

    /// Sends with retries; returns the answer of a 2xx, or the error.
    pub async fn call(&self, req: ApiRequest) -> Result<ApiResponse, ApiError> {
        let mut attempt = 0u32;
        loop {
            self.stats.count(req.method);
            let result = match self.transport.send(&req).await {
                Ok(r) if (200..300).contains(&r.status) => return Ok(r),
                other => other,
            };
            let retry_in = match &result {
                Ok(r) if r.status == 429 => Some(self.delay(attempt, r)),
                // A create that failed on the server may have happened: the caller decides.
                // A 503 with Retry-After is a relay whose controller is away: never forwarded.
                Ok(r)
                    if r.status >= 500
                        && (req.method != Method::Post
                            || (r.status == 503 && r.retry_after.is_some())) =>
                {
                    Some(self.delay(attempt, r))
                }
                Err(_) if req.method != Method::Post => Some(self.backoff(attempt)),
                _ => None,
            };
            match retry_in {
                Some(delay) if attempt < self.retry.retries => {
                    attempt += 1;
                    tokio::time::sleep(delay).await;
                }
                _ => {
                    return match result {
                        Ok(r) => Err(status_error(&req, &r)),
                        Err(e) => Err(ApiError::Transport {
                            method: req.method.as_str(),
                            path: req.path.clone(),
                            source: e,
                        }),
                    };
                }
            }
        }
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let exp = self
            .retry
            .base
            .saturating_mul(1u32 << attempt.min(16))
            .min(self.retry.max);
        // Jitter: up to a quarter more, from the clock's nanoseconds (no need for a real RNG).
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        exp + exp.mul_f64(f64::from(nanos % 1000) / 4000.0)
    }

    fn delay(&self, attempt: u32, r: &ApiResponse) -> Duration {
        if let Some(s) = r.retry_after {
            return Duration::from_secs(s).min(self.retry.max);
        }
        if r.status == 429
            && let Some(reset) = r.ratelimit_reset
        {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0);
            if reset > now {
                return Duration::from_secs(reset - now).min(self.retry.max);
            }
        }
        self.backoff(attempt)
    }

    async fn json(&self, req: ApiRequest) -> Result<Json, ApiError> {
        let method = req.method.as_str();
        let path = req.path.clone();
        let resp = self.call(req).await?;
        if resp.body.trim().is_empty() {
            return Ok(Json::Null);
        }
        match serde_json::from_str(&resp.body) {
            Ok(j) => Ok(j),
            // Not JSON (a kubeconfig is YAML): the text itself.
            Err(_) if !resp.body.trim_start().starts_with(['{', '[']) => {
                Ok(Json::String(resp.body))
            }
            Err(e) => Err(ApiError::Shape {
                method,
                path,
                problem: format!("invalid JSON: {e}"),
            }),
        }
    }

    pub async fn get(&self, path: &str) -> Result<Json, ApiError> {
        self.json(ApiRequest {
            method: Method::Get,
            path: path.to_string(),
            body: None,
            idempotency_key: None,
        })
        .await
    }

    /// `None` on 404.
    pub async fn get_opt(&self, path: &str) -> Result<Option<Json>, ApiError> {
        match self.get(path).await {
            Ok(j) => Ok(Some(j)),
            Err(e) if e.status() == Some(404) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Every item of a collection (`{"<key>": [...], "links": …, "meta": …}`), all pages.
    pub async fn list(&self, path: &str, key: &str) -> Result<Vec<Json>, ApiError> {
        let mut out = Vec::new();
        let sep = if path.contains('?') { '&' } else { '?' };
        for page in 1..=MAX_PAGES {
            let page_path = format!("{path}{sep}page={page}&per_page=200");
            let body = self.get(&page_path).await?;
            let items = match body.get(key) {
                Some(Json::Array(items)) => items.clone(),
                Some(Json::Null) | None => Vec::new(),
                Some(_) => {
                    return Err(ApiError::Shape {
                        method: "GET",
                        path: page_path,
                        problem: format!("`{key}` is not a list"),
                    });
                }
            };
            let n = items.len();
            out.extend(items);
            let has_next = body
                .pointer("/links/pages/next")
                .is_some_and(|v| v.is_string());
            let total = body.pointer("/meta/total").and_then(Json::as_u64);
            let more = match total {
                Some(t) => (out.len() as u64) < t && n > 0,
                None => has_next,
            };
            if !more {
                return Ok(out);
            }
        }
        Err(ApiError::Shape {
            method: "GET",
            path: path.to_string(),
            problem: format!("more than {MAX_PAGES} pages"),
        })
    }

    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<Json>,
        idempotency_key: Option<String>,
    ) -> Result<Json, ApiError> {
        self.json(ApiRequest {
            method,
            path: path.to_string(),
            body,
            idempotency_key,
        })
        .await
    }

    /// `false` when it was already gone (404).
    pub async fn delete(&self, path: &str) -> Result<bool, ApiError> {
        match self.send(Method::Delete, path, None, None).await {
            Ok(_) => Ok(true),
            Err(e) if e.status() == Some(404) => Ok(false),
            Err(e) => Err(e),
        }
    }
}

fn status_error(req: &ApiRequest, r: &ApiResponse) -> ApiError {
    let parsed: Option<Json> = serde_json::from_str(&r.body).ok();
    let field = |k: &str| {
        parsed
            .as_ref()
            .and_then(|j| j.get(k))
            .and_then(Json::as_str)
            .map(str::to_string)
    };
    let message = field("message").unwrap_or_else(|| {
        let text: String = r.body.chars().take(200).collect();
        if text.trim().is_empty() {
            "(no message)".to_string()
        } else {
            text
        }
    });
    ApiError::Status {
        method: req.method.as_str(),
        path: req.path.clone(),
        status: r.status,
        id: field("id").unwrap_or_else(|| "error".into()),
        message,
    }
}

/// `Idempotency-Key` of a create: the same for the same resource of the same appliance, on
/// every run, so a relay in between can tell a retry from a new create.
pub fn idempotency_key(instance_id: &str, address: &str) -> String {
    let digest = sha2::Sha256::digest(format!("ferry-deploy\0{instance_id}\0{address}").as_bytes());
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// Percent-encodes a query or path component.
pub fn enc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// Answers from a script, and records what was asked.
    struct Script {
        answers: Mutex<Vec<Result<ApiResponse, TransportError>>>,
        seen: Mutex<Vec<ApiRequest>>,
    }

    impl Transport for Script {
        fn send<'a>(
            &'a self,
            req: &'a ApiRequest,
        ) -> BoxFut<'a, Result<ApiResponse, TransportError>> {
            Box::pin(async move {
                self.seen.lock().map(|mut s| s.push(req.clone())).ok();
                let mut answers = self
                    .answers
                    .lock()
                    .map_err(|_| TransportError("poisoned".into()))?;
                if answers.is_empty() {
                    return Err(TransportError("script exhausted".into()));
                }
                answers.remove(0)
            })
        }
    }

    fn ok(status: u16, body: &str) -> Result<ApiResponse, TransportError> {
        Ok(ApiResponse {
            status,
            body: body.to_string(),
            retry_after: None,
            ratelimit_reset: None,
        })
    }

    fn client(answers: Vec<Result<ApiResponse, TransportError>>) -> (Client, Arc<Script>) {
        let script = Arc::new(Script {
            answers: Mutex::new(answers),
            seen: Mutex::new(Vec::new()),
        });
        let retry = RetryPolicy {
            retries: 3,
            base: Duration::from_millis(1),
            max: Duration::from_millis(5),
        };
        (Client::new(script.clone(), retry), script)
    }

    #[tokio::test]
    async fn pages_until_the_total_is_read() {
        let (c, script) = client(vec![
            ok(
                200,
                r#"{"vpcs":[{"id":"a"},{"id":"b"}],"links":{"pages":{"next":"x"}},"meta":{"total":3}}"#,
            ),
            ok(
                200,
                r#"{"vpcs":[{"id":"c"}],"links":{},"meta":{"total":3}}"#,
            ),
        ]);
        let items = c.list("/v2/vpcs", "vpcs").await.expect("lists");
        assert_eq!(items.len(), 3);
        let seen = script.seen.lock().map(|s| s.clone()).unwrap_or_default();
        assert_eq!(seen[0].path, "/v2/vpcs?page=1&per_page=200");
        assert_eq!(seen[1].path, "/v2/vpcs?page=2&per_page=200");
        assert_eq!(c.requests().get, 2);
    }

    #[tokio::test]
    async fn retries_429_and_5xx_but_not_a_failed_create() {
        let (c, _) = client(vec![ok(429, "{}"), ok(500, "{}"), ok(200, r#"{"a":1}"#)]);
        assert_eq!(c.get("/v2/x").await, Ok(serde_json::json!({"a": 1})));
        assert_eq!(c.requests().get, 3);

        let (c, _) = client(vec![
            ok(500, r#"{"id":"server_error","message":"boom"}"#),
            ok(201, "{}"),
        ]);
        let e = c
            .send(Method::Post, "/v2/x", Some(serde_json::json!({})), None)
            .await;
        let e = e.expect_err("fails");
        assert!(e.uncertain());
        assert_eq!(e.to_string(), "POST /v2/x: 500 server_error: boom");
        assert_eq!(c.requests().post, 1);

        // A relay that says its controller is away (503 + Retry-After) never forwarded it.
        let (c, _) = client(vec![
            Ok(ApiResponse {
                status: 503,
                body: "{}".into(),
                retry_after: Some(0),
                ratelimit_reset: None,
            }),
            ok(201, r#"{"ok":true}"#),
        ]);
        assert!(c.send(Method::Post, "/v2/x", None, None).await.is_ok());

        let (c, _) = client(vec![ok(
            422,
            r#"{"id":"unprocessable_entity","message":"name taken"}"#,
        )]);
        let e = c.get("/v2/x").await.expect_err("fails");
        assert_eq!(e.status(), Some(422));
        assert!(!e.uncertain());
        assert_eq!(c.requests().get, 1);
    }

    #[tokio::test]
    async fn not_found_is_none_and_text_bodies_are_strings() {
        let (c, _) = client(vec![
            ok(404, r#"{"id":"not_found","message":"nope"}"#),
            ok(200, "apiVersion: v1\n"),
        ]);
        assert_eq!(c.get_opt("/v2/x").await, Ok(None));
        assert_eq!(
            c.get("/v2/k").await,
            Ok(Json::String("apiVersion: v1\n".into()))
        );
    }

    #[test]
    fn secrets_stay_out_of_debug() {
        let t = Token::new("dop_v1_supersecret");
        assert!(!format!("{t:?}").contains("supersecret"));
        assert!(t.fingerprint().starts_with("sha256:"));
        let h =
            HttpTransport::new("http://127.0.0.1:1", t, Duration::from_secs(1)).expect("builds");
        assert!(!format!("{h:?}").contains("supersecret"));
        assert!(HttpTransport::new("ftp://x", Token::new("a"), Duration::from_secs(1)).is_err());
    }

    #[test]
    fn idempotency_keys_are_stable_and_distinct() {
        let a = idempotency_key("acme", "digitalocean_vpc.main");
        assert_eq!(a, idempotency_key("acme", "digitalocean_vpc.main"));
        assert_ne!(a, idempotency_key("acme2", "digitalocean_vpc.main"));
        assert_ne!(a, idempotency_key("acme", "digitalocean_vpc.other"));
        assert_eq!(a.len(), 32);
        assert_eq!(enc("instance-id:acme"), "instance-id%3Aacme");
    }
}
