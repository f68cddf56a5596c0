//! A small in-memory DigitalOcean API on loopback, for the controller's and the relay's tests
//! (feature `testing`). It is not the sandbox cloud: no validation, no provisioning states —
//! just generic collections (`POST /v2/<collection>` creates, `GET` lists with `tag_name`,
//! `page`/`per_page` and absolute `links`, `GET`/`PUT`/`DELETE /v2/<collection>/<id>`), a bearer
//! token check, a record of every call, and injectable faults (statuses, creates that succeed
//! but answer 5xx, delays).

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::collections::{BTreeMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One call as the fake saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub method: String,
    pub path_and_query: String,
    /// The bearer token (tests compare it with the token they sealed).
    pub token: Option<String>,
    pub user_agent: Option<String>,
    pub body: String,
}

/// What to do to the next call that matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer this status with a DigitalOcean error body (and `Retry-After` if given).
    Status {
        status: u16,
        retry_after: Option<u64>,
    },
    /// Do the create, then answer this status as if it failed.
    CreateThenFail(u16),
    /// Wait this long before handling the call.
    Delay(Duration),
    /// Do the create, then wait this long before answering (a lost answer, when the caller
    /// dies meanwhile).
    CreateThenDelay(Duration),
}

#[derive(Debug, Default)]
struct Inner {
    /// collection path (`/v2/droplets`) → id → object
    collections: BTreeMap<String, BTreeMap<String, Value>>,
    calls: Vec<Call>,
    faults: VecDeque<(Option<String>, Fault)>,
    next_id: u64,
}

/// A running fake DigitalOcean API.
#[derive(Debug, Clone)]
pub struct FakeDo {
    pub url: String,
    pub addr: SocketAddr,
    tokens: Arc<Vec<String>>,
    inner: Arc<Mutex<Inner>>,
}

fn singular(plural: &str) -> String {
    plural
        .strip_suffix("ies")
        .map(|s| format!("{s}y"))
        .or_else(|| plural.strip_suffix('s').map(str::to_string))
        .unwrap_or_else(|| plural.to_string())
}

fn error(status: StatusCode, id: &str, message: &str) -> Response {
    (
        status,
        [("content-type", "application/json")],
        json!({"id": id, "message": message}).to_string(),
    )
        .into_response()
}

fn ok_json(status: StatusCode, v: &Value) -> Response {
    let mut res = (
        status,
        [("content-type", "application/json")],
        v.to_string(),
    )
        .into_response();
    let h = res.headers_mut();
    h.insert("ratelimit-limit", HeaderValue::from_static("5000"));
    h.insert("ratelimit-remaining", HeaderValue::from_static("4999"));
    res
}

impl FakeDo {
    /// Starts the fake on `127.0.0.1:0`; calls must carry `Authorization: Bearer <token>` with
    /// one of `tokens`.
    pub async fn start(tokens: &[&str]) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let fake = Self {
            url: format!("http://{addr}"),
            addr,
            tokens: Arc::new(tokens.iter().map(|t| t.to_string()).collect()),
            inner: Arc::default(),
        };
        let app = Router::new().fallback(handle).with_state(fake.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(fake)
    }

    /// Queues a fault for the next call whose `METHOD /path` starts with `matching` (any call
    /// when `None`).
    pub fn fault(&self, matching: Option<&str>, fault: Fault) {
        self.lock()
            .faults
            .push_back((matching.map(str::to_string), fault));
    }

    pub fn calls(&self) -> Vec<Call> {
        self.lock().calls.clone()
    }

    /// The objects of a collection (`/v2/droplets`).
    pub fn objects(&self, collection: &str) -> Vec<Value> {
        self.lock()
            .collections
            .get(collection)
            .map(|c| c.values().cloned().collect())
            .unwrap_or_default()
    }

    /// Puts an object into a collection directly (as if someone else created it); returns its id.
    pub fn insert(&self, collection: &str, mut object: Value) -> String {
        let mut inner = self.lock();
        inner.next_id += 1;
        let id = inner.next_id.to_string();
        if let Some(o) = object.as_object_mut() {
            o.entry("id")
                .or_insert_with(|| json!(id.parse::<u64>().unwrap_or(0)));
        }
        inner
            .collections
            .entry(collection.to_string())
            .or_default()
            .insert(id.clone(), object);
        id
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

async fn handle(State(fake): State<FakeDo>, req: Request) -> Response {
    let method = req.method().as_str().to_string();
    let path_and_query = req
        .uri()
        .path_and_query()
        .map_or_else(|| req.uri().path().to_string(), |p| p.as_str().to_string());
    let headers: HeaderMap = req.headers().clone();
    let body: Bytes = axum::body::to_bytes(req.into_body(), 8 << 20)
        .await
        .unwrap_or_default();
    let header = |k: &str| {
        headers
            .get(k)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let token = header("authorization").and_then(|a| a.strip_prefix("Bearer ").map(str::to_string));
    let call = Call {
        method: method.clone(),
        path_and_query: path_and_query.clone(),
        token: token.clone(),
        user_agent: header("user-agent"),
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    let fault = {
        let mut inner = fake.lock();
        inner.calls.push(call);
        let key = format!("{method} {path_and_query}");
        let pos = inner
            .faults
            .iter()
            .position(|(m, _)| m.as_ref().is_none_or(|m| key.starts_with(m.as_str())));
        pos.and_then(|i| inner.faults.remove(i)).map(|(_, f)| f)
    };
    if !token.as_ref().is_some_and(|t| fake.tokens.contains(t)) {
        return error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Unable to authenticate you.",
        );
    }
    let mut fail_after_create = None;
    let mut delay_after = None;
    match fault {
        Some(Fault::Status {
            status,
            retry_after,
        }) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut res = error(status, "injected", "injected fault");
            if let Some(secs) = retry_after {
                res.headers_mut()
                    .insert("retry-after", HeaderValue::from(secs));
            }
            return res;
        }
        Some(Fault::CreateThenFail(status)) => fail_after_create = Some(status),
        Some(Fault::Delay(d)) => tokio::time::sleep(d).await,
        Some(Fault::CreateThenDelay(d)) => delay_after = Some(d),
        None => {}
    }
    let (path, query) = path_and_query
        .split_once('?')
        .map_or((path_and_query.as_str(), None), |(p, q)| (p, Some(q)));
    let res = route(&fake, &method, path, query, &body);
    if let Some(d) = delay_after {
        tokio::time::sleep(d).await;
    }
    match fail_after_create {
        Some(status) => error(
            StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            "server_error",
            "Unexpected server-side error",
        ),
        None => res,
    }
}

fn query_param(query: Option<&str>, name: &str) -> Option<String> {
    ferry_api::relay::policy::query_param(query, name)
}

fn route(fake: &FakeDo, method: &str, path: &str, query: Option<&str>, body: &[u8]) -> Response {
    let Some(rest) = path.strip_prefix("/v2/") else {
        return error(
            StatusCode::NOT_FOUND,
            "not_found",
            "The resource you requested could not be found.",
        );
    };
    let segs: Vec<&str> = rest.split('/').collect();
    // `kubernetes/clusters` is a two-segment collection; everything else here is one segment.
    let coll_len = if segs.first() == Some(&"kubernetes") {
        2
    } else {
        1
    };
    if segs.len() < coll_len {
        return error(
            StatusCode::NOT_FOUND,
            "not_found",
            "The resource you requested could not be found.",
        );
    }
    let collection = format!("/v2/{}", segs[..coll_len].join("/"));
    let plural = segs[..coll_len].join("_");
    let one = singular(&plural);
    let id = segs.get(coll_len).copied();
    let mut inner = fake.lock();
    match (method, id) {
        ("POST", None) => {
            let Ok(Value::Object(mut obj)) = serde_json::from_slice::<Value>(body) else {
                return error(
                    StatusCode::BAD_REQUEST,
                    "bad_request",
                    "error parsing request body",
                );
            };
            let name = obj.get("name").and_then(Value::as_str).map(str::to_string);
            if let Some(name) = &name
                && collection != "/v2/droplets"
                && inner
                    .collections
                    .get(&collection)
                    .is_some_and(|c| c.values().any(|o| o["name"].as_str() == Some(name)))
            {
                return error(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "unprocessable_entity",
                    &format!("name {name} is already in use"),
                );
            }
            inner.next_id += 1;
            let id = inner.next_id.to_string();
            obj.insert("id".into(), json!(inner.next_id));
            obj.entry("tags").or_insert_with(|| json!([]));
            let obj = Value::Object(obj);
            inner
                .collections
                .entry(collection)
                .or_default()
                .insert(id, obj.clone());
            let mut answer = serde_json::Map::new();
            answer.insert(one, obj);
            ok_json(StatusCode::CREATED, &Value::Object(answer))
        }
        ("GET", None) => {
            let tag = query_param(query, "tag_name");
            let per_page: usize = query_param(query, "per_page")
                .and_then(|p| p.parse().ok())
                .unwrap_or(20)
                .clamp(1, 200);
            let page: usize = query_param(query, "page")
                .and_then(|p| p.parse().ok())
                .unwrap_or(1)
                .max(1);
            let items: Vec<Value> = inner
                .collections
                .get(&collection)
                .map(|c| c.values().cloned().collect())
                .unwrap_or_default();
            let items: Vec<Value> = items
                .into_iter()
                .filter(|o| {
                    tag.as_ref().is_none_or(|t| {
                        o["tags"]
                            .as_array()
                            .is_some_and(|tags| tags.iter().any(|x| x.as_str() == Some(t)))
                    })
                })
                .collect();
            let total = items.len();
            let last = total.div_ceil(per_page).max(1);
            let shown: Vec<Value> = items
                .into_iter()
                .skip((page - 1) * per_page)
                .take(per_page)
                .collect();
            let mut pages = serde_json::Map::new();
            let link = |p: usize| {
                json!(format!(
                    "https://api.digitalocean.com{collection}?page={p}&per_page={per_page}"
                ))
            };
            if page < last {
                pages.insert("next".into(), link(page + 1));
                pages.insert("last".into(), link(last));
            }
            if page > 1 {
                pages.insert("first".into(), link(1));
                pages.insert("prev".into(), link(page - 1));
            }
            let mut answer = serde_json::Map::new();
            answer.insert(plural, Value::Array(shown));
            answer.insert("links".into(), json!({ "pages": pages }));
            answer.insert("meta".into(), json!({ "total": total }));
            ok_json(StatusCode::OK, &Value::Object(answer))
        }
        (_, Some(id)) => {
            let Some(obj) = inner
                .collections
                .get_mut(&collection)
                .and_then(|c| c.get_mut(id))
            else {
                return error(
                    StatusCode::NOT_FOUND,
                    "not_found",
                    "The resource you requested could not be found.",
                );
            };
            match method {
                "GET" | "HEAD" => {
                    let mut answer = serde_json::Map::new();
                    answer.insert(one, obj.clone());
                    ok_json(StatusCode::OK, &Value::Object(answer))
                }
                "PUT" | "PATCH" | "POST" => {
                    if let (Some(o), Ok(Value::Object(patch))) =
                        (obj.as_object_mut(), serde_json::from_slice::<Value>(body))
                    {
                        for (k, v) in patch {
                            if k != "id" {
                                o.insert(k, v);
                            }
                        }
                    }
                    let mut answer = serde_json::Map::new();
                    answer.insert(one, obj.clone());
                    ok_json(StatusCode::OK, &Value::Object(answer))
                }
                "DELETE" => {
                    if let Some(c) = inner.collections.get_mut(&collection) {
                        c.remove(id);
                    }
                    StatusCode::NO_CONTENT.into_response()
                }
                _ => error(
                    StatusCode::METHOD_NOT_ALLOWED,
                    "method_not_allowed",
                    "method not allowed",
                ),
            }
        }
        _ => error(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "method not allowed",
        ),
    }
}
