//! Test harness: a sandbox on `sqlite::memory:` (or a file) with a paused clock, driven through
//! the router with `oneshot` (no sockets).

#![allow(dead_code)]

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use ferry_sandbox_cloud::{Config, ManualClock, NewToken, RateLimit, Sandbox, router};
use http_body_util::BodyExt;
use serde_json::Value;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tower::ServiceExt;

pub const ADMIN: &str = "admin-secret-for-tests";

pub struct T {
    pub sb: Sandbox,
    pub app: Router,
    pub clock: Arc<ManualClock>,
    /// A full-access token.
    pub token: String,
}

pub struct Res {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

pub fn start_time() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_800_000_000)
}

pub fn config() -> Config {
    Config {
        settle: Duration::from_secs(2),
        public_url: Some("http://sandbox.test".into()),
        admin_token: Some(ADMIN.into()),
        ..Config::default()
    }
}

impl T {
    pub async fn new() -> T {
        Self::with(config(), "sqlite::memory:").await
    }

    pub async fn with(config: Config, url: &str) -> T {
        let clock = Arc::new(ManualClock::new(start_time()));
        let sb = Sandbox::open(url, config, clock.clone())
            .await
            .expect("sandbox opens");
        let token = sb.mint_token(vec!["*".into()], None).await.expect("token");
        T {
            app: router(sb.clone()),
            sb,
            clock,
            token,
        }
    }

    /// A token with these scopes (and optional expiry / rate limit).
    pub async fn token(
        &self,
        scopes: &[&str],
        expires_in: Option<Duration>,
        rate: Option<RateLimit>,
    ) -> String {
        let token = format!("dop_v1_{}", uuid_hex());
        self.sb
            .add_token(NewToken {
                token: token.clone(),
                scopes: scopes.iter().map(|s| s.to_string()).collect(),
                expires_at: expires_in.map(|d| start_time() + d),
                rate_limit: rate,
            })
            .await
            .expect("token registers");
        token
    }

    pub fn advance(&self, ms: u64) {
        self.clock.advance(Duration::from_millis(ms));
    }

    pub async fn req(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Res {
        let mut b = Request::builder()
            .method(Method::from_bytes(method.as_bytes()).expect("method"))
            .uri(path)
            .header("host", "sandbox.test");
        if let Some(t) = token {
            b = b.header("authorization", format!("Bearer {t}"));
        }
        let req = match body {
            Some(v) => b
                .header("content-type", "application/json")
                .body(Body::from(v.to_string())),
            None => b.body(Body::empty()),
        }
        .expect("request");
        let res = self.app.clone().oneshot(req).await.expect("infallible");
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.expect("body").to_bytes();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Res {
            status,
            headers,
            body,
            text,
        }
    }

    pub async fn get(&self, path: &str) -> Res {
        self.req("GET", path, Some(&self.token.clone()), None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Res {
        self.req("POST", path, Some(&self.token.clone()), Some(body))
            .await
    }

    pub async fn put(&self, path: &str, body: Value) -> Res {
        self.req("PUT", path, Some(&self.token.clone()), Some(body))
            .await
    }

    pub async fn delete(&self, path: &str) -> Res {
        self.req("DELETE", path, Some(&self.token.clone()), None)
            .await
    }

    /// POSTs and asserts the status; returns the body.
    pub async fn ok(&self, path: &str, body: Value, status: u16) -> Value {
        let r = self.post(path, body).await;
        assert_eq!(r.status.as_u16(), status, "POST {path}: {}", r.text);
        r.body
    }
}

pub fn uuid_hex() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(1);
    format!("{:064x}", N.fetch_add(1, Ordering::SeqCst))
}
