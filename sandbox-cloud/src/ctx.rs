//! The request pipeline: authentication, rate limit and scope check (one middleware), the
//! per-request context and the validated body (extractors), answers and pagination.

use crate::error::DoError;
use crate::spec::Operation;
use crate::tokens::{self, TokenRecord};
use crate::{Sandbox, present, validate};
use axum::extract::{FromRequest, FromRequestParts, MatchedPath, OriginalUri, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use std::sync::Arc;

/// What the auth middleware established for a request.
#[derive(Clone)]
pub(crate) struct Principal {
    pub token: Arc<TokenRecord>,
    pub op: &'static Operation,
}

/// The part of a matched route after any prefix the router is nested under.
fn spec_path(matched: &str) -> Option<&str> {
    matched.find("/v2/").map(|i| &matched[i..])
}

/// Authentication (401), rate limit (429, `ratelimit-*` headers), scope (403), in that order.
pub(crate) async fn auth(State(sb): State<Sandbox>, mut req: Request, next: Next) -> Response {
    let op = req
        .extensions()
        .get::<MatchedPath>()
        .and_then(|m| spec_path(m.as_str()))
        .and_then(|p| sb.0.spec.op(req.method().as_str(), p));
    let Some(op) = op else {
        return DoError::not_found().into_response();
    };
    let Some((hash, record)) = bearer(req.headers()).and_then(|t| tokens::lookup(&sb, t)) else {
        return DoError::unauthorized().into_response();
    };
    let now = sb.now_ms();
    if record.expires_at.is_some_and(|e| e <= now) {
        return DoError::unauthorized().into_response();
    }
    let limit = record.rate_limit.unwrap_or(sb.0.config.rate_limit);
    let verdict = match sb.0.limiter.lock() {
        Ok(mut l) => l.check(&hash, now, limit),
        Err(_) => return DoError::server_error("rate limiter unavailable").into_response(),
    };
    let mut res = if !verdict.allowed {
        DoError::too_many_requests(verdict.retry_after).into_response()
    } else if !op.scopes.is_empty() && !op.scopes.iter().any(|s| record.allows(s)) {
        DoError::forbidden(format!(
            "You are not authorized to perform this operation: it needs a token with the scope {}",
            op.scopes.join(" or ")
        ))
        .into_response()
    } else {
        req.extensions_mut().insert(Principal {
            token: Arc::new(record),
            op,
        });
        next.run(req).await
    };
    let h = res.headers_mut();
    h.insert("ratelimit-limit", HeaderValue::from(verdict.limit));
    h.insert("ratelimit-remaining", HeaderValue::from(verdict.remaining));
    h.insert("ratelimit-reset", HeaderValue::from(verdict.reset));
    res
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// Everything a handler needs about its request.
pub(crate) struct Ctx {
    pub sb: Sandbox,
    pub now: i64,
    pub token: Arc<TokenRecord>,
    pub op: &'static Operation,
    /// Decoded query parameters, in order.
    pub query: Vec<(String, String)>,
    /// Scheme, host and any prefix before `/v2` (for links), e.g. `http://127.0.0.1:8090`.
    pub base: String,
    /// The request path as the client sent it.
    pub path: String,
}

impl FromRequestParts<Sandbox> for Ctx {
    type Rejection = DoError;

    async fn from_request_parts(parts: &mut Parts, sb: &Sandbox) -> Result<Self, DoError> {
        let Some(p) = parts.extensions.get::<Principal>().cloned() else {
            return Err(DoError::server_error(
                "request reached a handler unauthenticated",
            ));
        };
        let uri = parts
            .extensions
            .get::<OriginalUri>()
            .map_or_else(|| parts.uri.clone(), |u| u.0.clone());
        let query = parse_query(uri.query().unwrap_or(""));
        validate::query(&p.op.query, &query)?;
        let path = uri.path().to_string();
        let prefix = path.find("/v2/").map_or("", |i| &path[..i]);
        let base = match &sb.0.config.public_url {
            Some(u) => format!("{}{prefix}", u.trim_end_matches('/')),
            None => {
                let host = parts
                    .headers
                    .get(header::HOST)
                    .and_then(|h| h.to_str().ok())
                    .unwrap_or("localhost");
                format!("http://{host}{prefix}")
            }
        };
        Ok(Ctx {
            sb: sb.clone(),
            now: sb.now_ms(),
            token: p.token,
            op: p.op,
            query,
            base,
            path,
        })
    }
}

impl Ctx {
    pub fn q(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn spec(&self) -> &'static crate::spec::SpecData {
        self.sb.0.spec
    }

    pub fn config(&self) -> &crate::Config {
        &self.sb.0.config
    }

    pub fn store(&self) -> &crate::store::Store {
        &self.sb.0.store
    }

    /// The success status the spec gives this operation, with `{key: doc}` (or no body on 204).
    pub fn reply(&self, key: &str, doc: Value) -> Response {
        let status = StatusCode::from_u16(self.op.success).unwrap_or(StatusCode::OK);
        if status == StatusCode::NO_CONTENT {
            return status.into_response();
        }
        let mut o = Map::new();
        o.insert(key.to_string(), doc);
        (status, axum::Json(Value::Object(o))).into_response()
    }

    /// The success status with a body built by the caller.
    pub fn reply_raw(&self, body: Value) -> Response {
        let status = StatusCode::from_u16(self.op.success).unwrap_or(StatusCode::OK);
        if status == StatusCode::NO_CONTENT {
            return status.into_response();
        }
        (status, axum::Json(body)).into_response()
    }

    pub fn no_content(&self) -> Response {
        StatusCode::NO_CONTENT.into_response()
    }

    /// A stored document as answered now.
    pub fn show(&self, doc: &Value) -> Value {
        present::present(doc, self.now)
    }

    /// A list answer: `{key: [...]}`, paginated (`links`, `meta`) when the spec says so.
    pub fn list(&self, key: &str, docs: Vec<Value>) -> Response {
        let docs: Vec<Value> = docs.iter().map(|d| self.show(d)).collect();
        self.list_shown(key, docs)
    }

    /// As [`Ctx::list`], for documents already presented.
    pub fn list_shown(&self, key: &str, docs: Vec<Value>) -> Response {
        let mut body = Map::new();
        if !self.op.paginated {
            body.insert(key.into(), Value::Array(docs));
            return self.reply_raw(Value::Object(body));
        }
        let per_page = self
            .q("per_page")
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(20)
            .clamp(1, 200);
        let page = self
            .q("page")
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(1)
            .max(1);
        let total = docs.len();
        let pages = total.div_ceil(per_page).max(1);
        let items: Vec<Value> = docs
            .into_iter()
            .skip((page - 1).saturating_mul(per_page))
            .take(per_page)
            .collect();
        let mut links = Map::new();
        if page > 1 {
            links.insert("first".into(), self.page_url(1, per_page).into());
            links.insert(
                "prev".into(),
                self.page_url((page - 1).min(pages), per_page).into(),
            );
        }
        if page < pages {
            links.insert("next".into(), self.page_url(page + 1, per_page).into());
            links.insert("last".into(), self.page_url(pages, per_page).into());
        }
        body.insert(key.into(), Value::Array(items));
        body.insert("links".into(), json!({"pages": links}));
        body.insert("meta".into(), json!({"total": total}));
        self.reply_raw(Value::Object(body))
    }

    fn page_url(&self, page: usize, per_page: usize) -> String {
        let path = self
            .path
            .find("/v2/")
            .map_or(self.path.as_str(), |i| &self.path[i..]);
        let mut q: Vec<String> = self
            .query
            .iter()
            .filter(|(k, _)| k != "page" && k != "per_page")
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect();
        q.push(format!("page={page}"));
        q.push(format!("per_page={per_page}"));
        format!("{}{path}?{}", self.base, q.join("&"))
    }

    /// Whether the token may see database credentials.
    pub fn sees_credentials(&self) -> bool {
        self.token.allows("database:view_credentials")
    }
}

/// The request body: a JSON object, validated against the operation's summary. An empty body
/// counts as `{}` (and fails if the operation requires fields).
pub(crate) struct Body(pub Map<String, Value>);

impl FromRequest<Sandbox> for Body {
    type Rejection = DoError;

    async fn from_request(req: Request, sb: &Sandbox) -> Result<Self, DoError> {
        let op = req.extensions().get::<Principal>().map(|p| p.op);
        let limit = sb.0.config.max_body_bytes;
        let bytes = axum::body::to_bytes(req.into_body(), limit)
            .await
            .map_err(|_| DoError::payload_too_large(limit))?;
        let map = if bytes.iter().all(u8::is_ascii_whitespace) {
            Map::new()
        } else {
            match serde_json::from_slice::<Value>(&bytes) {
                Ok(Value::Object(m)) => m,
                Ok(_) => {
                    return Err(DoError::bad_request(
                        "error parsing request body: expected a JSON object",
                    ));
                }
                Err(e) => {
                    return Err(DoError::bad_request(format!(
                        "error parsing request body: {e}"
                    )));
                }
            }
        };
        if let Some(spec) = op.and_then(|o| o.body.as_ref()) {
            validate::body(spec, &map)?;
        }
        Ok(Body(map))
    }
}

fn parse_query(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|s| !s.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                match u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("zz"), 16)
                {
                    Ok(v) => {
                        out.push(v);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b':') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_round_trip() {
        let q = parse_query("tag_name=instance-id%3Aacme&name=a+b&x=%zz&page=2");
        assert_eq!(q[0], ("tag_name".into(), "instance-id:acme".into()));
        assert_eq!(q[1], ("name".into(), "a b".into()));
        assert_eq!(q[2], ("x".into(), "%zz".into()));
        assert_eq!(encode("instance-id:acme b"), "instance-id:acme%20b");
    }
}
