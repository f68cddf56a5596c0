//! The admin API (`/_sandbox/...`), not DigitalOcean's: register and revoke tokens, list every
//! resource (for end-to-end checks such as "no duplicates"). It needs
//! `Authorization: Bearer <admin token>` ([`crate::Config::admin_token`]) and is absent without
//! one.
//!
//! * `POST /_sandbox/tokens` `{"scopes": [...], "expires_at": RFC 3339 | Unix seconds,
//!   "expires_in_seconds": n, "rate_limit": {"per_hour", "per_minute"}, "token": optional}` →
//!   201 `{"token", "fingerprint", "scopes", "expires_at"}` (a `dop_v1_…` token is minted when
//!   none is given);
//! * `DELETE /_sandbox/tokens/{fingerprint}` → 204 (later requests with it: 401);
//! * `GET /_sandbox/resources` → `{"resources": [{"kind", "id", "name", "tags", "status"}]}`.

use crate::error::DoError;
use crate::tokens::{self, NewToken, RateLimit};
use crate::{Sandbox, clock, present};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use serde_json::{Value, json};
use std::time::{Duration, UNIX_EPOCH};

pub(crate) fn router() -> Router<Sandbox> {
    Router::new()
        .route("/_sandbox/tokens", post(add_token))
        .route("/_sandbox/tokens/{fingerprint}", delete(revoke))
        .route("/_sandbox/resources", get(resources))
}

fn authorize(sb: &Sandbox, headers: &HeaderMap) -> Result<(), DoError> {
    let Some(admin) = &sb.0.config.admin_token else {
        return Err(DoError::not_found());
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if ferry_api::crypto::ct_eq(given.as_bytes(), admin.as_bytes()) {
        Ok(())
    } else {
        Err(DoError::unauthorized())
    }
}

async fn add_token(State(sb): State<Sandbox>, headers: HeaderMap, body: String) -> Response {
    match add_token_inner(&sb, &headers, &body).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn add_token_inner(
    sb: &Sandbox,
    headers: &HeaderMap,
    body: &str,
) -> Result<Response, DoError> {
    authorize(sb, headers)?;
    let b: Value = serde_json::from_str(body)
        .map_err(|e| DoError::bad_request(format!("error parsing request body: {e}")))?;
    let scopes: Vec<String> = b
        .get("scopes")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let now = sb.now_ms();
    let expires_ms = match (b.get("expires_at"), b.get("expires_in_seconds")) {
        (Some(Value::String(s)), _) => Some(clock::parse_rfc3339(s).ok_or_else(|| {
            DoError::unprocessable(format!(
                "`expires_at`: `{s}` is not an RFC 3339 UTC time (2030-01-01T00:00:00Z)"
            ))
        })?),
        (Some(Value::Number(n)), _) => n.as_i64().map(|s| s * 1000),
        (_, Some(n)) => n.as_i64().map(|s| now + s * 1000),
        _ => None,
    };
    let rate_limit = match b.get("rate_limit") {
        Some(v) if !v.is_null() => Some(
            serde_json::from_value::<RateLimit>(v.clone())
                .map_err(|e| DoError::unprocessable(format!("`rate_limit`: {e}")))?,
        ),
        _ => None,
    };
    let token = b
        .get("token")
        .and_then(Value::as_str)
        .map_or_else(tokens::generate, str::to_string);
    let info = sb
        .add_token(NewToken {
            token: token.clone(),
            scopes,
            expires_at: expires_ms
                .map(|ms| UNIX_EPOCH + Duration::from_millis(u64::try_from(ms).unwrap_or(0))),
            rate_limit,
        })
        .await
        .map_err(|e| match e {
            crate::Error::Token(m) => DoError::unprocessable(m),
            e => DoError::from(e),
        })?;
    let body = json!({
        "token": token,
        "fingerprint": info.fingerprint,
        "scopes": info.scopes,
        "expires_at": info.expires_at,
    });
    Ok((StatusCode::CREATED, axum::Json(body)).into_response())
}

async fn revoke(
    State(sb): State<Sandbox>,
    headers: HeaderMap,
    Path(fingerprint): Path<String>,
) -> Result<StatusCode, DoError> {
    authorize(&sb, &headers)?;
    if sb.revoke_token(&fingerprint).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(DoError::not_found())
    }
}

/// Kinds that are resources a user created (not bookkeeping).
const KINDS: &[&str] = &[
    "vpc",
    "k8s",
    "database",
    "db_replica",
    "droplet",
    "volume",
    "nfs",
    "lb",
    "domain",
    "record",
    "registry",
    "tag",
    "project",
    "firewall",
    "certificate",
    "reserved_ip",
    "ssh_key",
    "alert",
];

async fn resources(State(sb): State<Sandbox>, headers: HeaderMap) -> Result<Response, DoError> {
    authorize(&sb, &headers)?;
    let now = sb.now_ms();
    let mut out = Vec::new();
    for (kind, id, doc) in sb.0.store.all().await? {
        if !KINDS.contains(&kind.as_str()) {
            continue;
        }
        let doc = present::present(&doc, now);
        let status = doc
            .get("status")
            .map(|s| s.get("state").unwrap_or(s).clone())
            .unwrap_or(Value::Null);
        out.push(json!({
            "kind": kind,
            "id": id,
            "name": doc.get("name").cloned().unwrap_or(Value::Null),
            "tags": doc.get("tags").cloned().unwrap_or(json!([])),
            "status": status,
        }));
    }
    Ok(axum::Json(json!({"resources": out})).into_response())
}
