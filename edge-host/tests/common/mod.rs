//! Shared helpers of the edge host's tests: built modules, app states, one-shot requests.
#![allow(dead_code)]

pub mod host;
pub mod http;
pub mod procs;
pub mod relay;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use ferry::server::sandbox::{GuestLimits, Sandbox};
use ferry::server::{AppState, Limits};
use ferry_tests::{WasmVariant, compiler_wasm};
use http_body_util::BodyExt;
use tower::ServiceExt;

pub fn module_bytes(variant: WasmVariant) -> Vec<u8> {
    let path = compiler_wasm(variant);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Limits for tests: small pools, a short deadline.
pub fn limits() -> Limits {
    let mut l = Limits::default();
    l.max_concurrent_compiles = 4;
    l.guest = GuestLimits {
        max_instances: 12,
        deadline: std::time::Duration::from_secs(1),
        ..l.guest
    };
    l
}

pub fn state_with(variant: WasmVariant, limits: Limits) -> AppState {
    let sandbox = Sandbox::new(module_bytes(variant), limits.guest.clone()).expect("module loads");
    AppState::new(sandbox, limits, None)
}

/// A fresh state (own metrics, own slots) around a sandbox shared by the tests of one binary:
/// compiling the module takes seconds in a debug build.
pub fn state() -> AppState {
    static SANDBOX: std::sync::OnceLock<Sandbox> = std::sync::OnceLock::new();
    let limits = limits();
    let sandbox = SANDBOX
        .get_or_init(|| {
            Sandbox::new(module_bytes(WasmVariant::Shipped), limits.guest.clone())
                .expect("module loads")
        })
        .clone();
    AppState::new(sandbox, limits, None)
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body[..self.body.len().min(500)])
            )
        })
    }

    /// Asserts a JSON error with this status and code.
    pub fn assert_error(&self, status: StatusCode, code: &str) {
        assert_eq!(
            self.status,
            status,
            "body: {}",
            String::from_utf8_lossy(&self.body)
        );
        assert_eq!(
            self.headers
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
            Some("application/json"),
            "error responses are JSON"
        );
        let v = self.json();
        assert_eq!(v["error"]["code"], code, "{v}");
        assert!(
            v["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{v}"
        );
    }
}

pub async fn send(app: Router, req: Request<Body>) -> Answer {
    let res = app.oneshot(req).await.expect("the router is infallible");
    let status = res.status();
    let headers = res.headers().clone();
    let body = res
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes()
        .to_vec();
    Answer {
        status,
        headers,
        body,
    }
}

pub fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).expect("request")
}

pub fn post_json(uri: &str, body: impl Into<Body>) -> Request<Body> {
    Request::post(uri)
        .header("content-type", "application/json")
        .body(body.into())
        .expect("request")
}

/// A small origin stack as a compile request.
pub fn small_request() -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "files": {
            "main.tf": "provider \"aws\" {\n  region = \"us-east-1\"\n}\n\nresource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n\nresource \"aws_s3_bucket\" \"assets\" {\n  bucket = \"assets-${var.instance_id}\"\n}\n"
        },
        "options": { "instance_id": "acme" }
    }))
    .expect("serialises")
}
