//! The edge host's JSON API over loopback, as a client sees it (Bearer key, JSON in and out).

use serde_json::Value;

pub struct Api {
    pub http: reqwest::Client,
    /// `http://127.0.0.1:<port>`, without a trailing `/`.
    pub base: String,
}

impl Api {
    /// `method path` with `key` and an optional JSON body → status and JSON (`null` when the
    /// body is not JSON).
    pub async fn send(
        &self,
        key: &str,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut req = self
            .http
            .request(
                reqwest::Method::from_bytes(method.as_bytes()).expect("method"),
                format!("{}{path}", self.base),
            )
            .bearer_auth(key);
        if let Some(b) = body {
            req = req
                .header("content-type", "application/json")
                .body(b.to_string());
        }
        let res = req.send().await.expect("answer");
        let status = res.status().as_u16();
        let bytes = res.bytes().await.expect("body");
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    /// [`Api::send`] that must succeed (2xx), parsed into `T`.
    pub async fn ok<T: serde::de::DeserializeOwned>(
        &self,
        key: &str,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> T {
        let (status, v) = self.send(key, method, path, body).await;
        assert!(
            (200..300).contains(&status),
            "{method} {path} → {status}: {v}"
        );
        serde_json::from_value(v).expect("shape")
    }
}
