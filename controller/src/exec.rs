//! Executing one relayed call: policy again, the token, DigitalOcean with retries, idempotent
//! creates.
//!
//! The order is deliberate: the grant and the policy are checked *before* the sealed token is
//! opened, so a forged or stale request never touches a plaintext token, and a refused one never
//! reaches DigitalOcean.

use crate::idem::{Entry, IdemStore, MAX_RECORDED_BODY};
use crate::retry::{RetryPolicy, jitter};
use bytes::Bytes;
use ferry_api::crypto::{SealingSecretKey, VerifyingKey, fingerprint};
use ferry_api::grant::Phase;
use ferry_api::relay::policy::{self, Verdict};
use ferry_api::relay::{RESPONSE_HEADERS, RelayRequest, do_error_body, filter_headers};
use serde_json::Value;
use std::collections::HashSet;
use std::sync::Mutex;

/// A DigitalOcean token in memory. Its `Debug` shows the fingerprint only.
pub(crate) struct Token(String);

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Token({})", fingerprint(&self.0))
    }
}

/// What the controller answers for one call.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: AnswerBody,
}

#[derive(Debug)]
pub enum AnswerBody {
    Empty,
    Buffered(Bytes),
    /// DigitalOcean's answer, streamed through as it arrives.
    Stream(reqwest::Response),
}

impl Answer {
    fn buffered(status: u16, headers: Vec<(String, String)>, body: Vec<u8>) -> Self {
        Self {
            status,
            headers,
            body: AnswerBody::Buffered(Bytes::from(body)),
        }
    }

    /// A DigitalOcean-shaped error (`{"id", "message"}`), as DigitalOcean itself would answer.
    pub fn error(status: u16, id: &str, message: &str) -> Self {
        Self::buffered(
            status,
            vec![("content-type".into(), "application/json".into())],
            do_error_body(id, message),
        )
    }

    fn forbidden(message: &str) -> Self {
        Self::error(
            403,
            "forbidden",
            &format!("refused by the appliance's controller: {message}"),
        )
    }
}

/// Why a grant does not allow a call (the controller's own check, DESIGN §6).
pub fn check_grant(
    req: &RelayRequest,
    appliance_id: &str,
    approval_key: &VerifyingKey,
    now_ms: i64,
) -> Result<(), String> {
    check_grant_with(req, appliance_id, now_ms, |grant| {
        grant.verify(approval_key).map_err(|e| e.to_string())
    })
}

/// [`check_grant`] with the signature check supplied (the executor remembers grants it has
/// verified: a signature over the same canonical text verifies the same way every time; the
/// appliance, phase and window are still checked on every call).
fn check_grant_with(
    req: &RelayRequest,
    appliance_id: &str,
    now_ms: i64,
    verify: impl FnOnce(&ferry_api::grant::SignedGrant) -> Result<(), String>,
) -> Result<(), String> {
    if req.phase == Phase::SteadyState {
        // On by default and read-only; the policy below allows reads only.
        return Ok(());
    }
    let Some(grant) = &req.grant else {
        return Err(format!(
            "the {} phase needs a grant signed by the customer, and the request carries none",
            req.phase
        ));
    };
    verify(grant).map_err(|e| {
        format!("the grant is not signed by the customer's pinned approval key ({e})")
    })?;
    if grant.body.appliance_id != appliance_id {
        return Err(format!(
            "the grant is for appliance `{}`, this controller serves `{appliance_id}`",
            grant.body.appliance_id
        ));
    }
    if grant.body.phase != req.phase {
        return Err(format!(
            "the grant approves the {} phase, the request asks for {}",
            grant.body.phase, req.phase
        ));
    }
    if grant.body.window.open_interval(now_ms).is_none() {
        return Err(format!(
            "the grant's window is not open now (it runs from {} to {} ms)",
            grant.body.window.starts_at_ms(),
            grant.body.window.ends_at_ms()
        ));
    }
    Ok(())
}

/// Collections whose list endpoint filters by `tag_name` (DigitalOcean API reference).
const TAG_FILTERED: &[&str] = &["/v2/droplets", "/v2/databases", "/v2/images"];
/// Pages of a collection a lookup reads at most (200 items each).
const LOOKUP_PAGES: u32 = 10;

/// What identifies a create's resource for a lookup: its collection, name and tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookup {
    pub collection: String,
    pub name: String,
    pub tag: Option<String>,
}

impl Lookup {
    /// For `POST <collection>` with a JSON body that has a `name`.
    pub fn for_create(path: &str, body: &[u8], instance_id: &str) -> Option<Self> {
        let body: Value = serde_json::from_slice(body).ok()?;
        let name = body.get("name")?.as_str()?.to_string();
        let tag = policy::instance_tag(instance_id);
        let tagged = body
            .get("tags")
            .and_then(Value::as_array)
            .is_some_and(|t| t.iter().any(|t| t.as_str() == Some(&tag)));
        Some(Self {
            collection: path.to_string(),
            name,
            tag: tagged.then_some(tag),
        })
    }

    /// The first page's path and query.
    fn page(&self, page: u32) -> String {
        let mut q = format!("{}?per_page=200&page={page}", self.collection);
        if let Some(tag) = self
            .tag
            .as_ref()
            .filter(|_| TAG_FILTERED.contains(&self.collection.as_str()))
        {
            q.push_str("&tag_name=");
            q.push_str(&tag.replace(':', "%3A"));
        }
        q
    }

    /// The matching item of a list answer, wrapped as DigitalOcean wraps a single resource
    /// (`{"droplets": [...]}` → `{"droplet": {...}}`).
    pub fn find(&self, list: &Value) -> Option<Value> {
        let map = list.as_object()?;
        let (plural, items) = map
            .iter()
            .filter(|(k, _)| k.as_str() != "links" && k.as_str() != "meta")
            .find_map(|(k, v)| Some((k, v.as_array()?)))?;
        let item = items.iter().find(|item| {
            item.get("name").and_then(Value::as_str) == Some(self.name.as_str())
                && self.tag.as_ref().is_none_or(|tag| {
                    item.get("tags")
                        .and_then(Value::as_array)
                        .is_none_or(|tags| tags.iter().any(|t| t.as_str() == Some(tag.as_str())))
                })
        })?;
        let singular = plural
            .strip_suffix("ies")
            .map(|s| format!("{s}y"))
            .or_else(|| plural.strip_suffix('s').map(str::to_string))
            .unwrap_or_else(|| plural.clone());
        let mut wrapped = serde_json::Map::new();
        wrapped.insert(singular, item.clone());
        Some(Value::Object(wrapped))
    }
}

/// The outcome of a call with retries.
enum Outcome {
    Answered(reqwest::Response),
    /// An earlier attempt's resource, found by a lookup.
    Found(Value),
    Failed(String),
}

#[derive(Debug)]
pub struct Executor {
    pub(crate) appliance_id: String,
    pub(crate) instance_id: String,
    pub(crate) approval_key: VerifyingKey,
    pub(crate) sealing: SealingSecretKey,
    pub(crate) do_api: String,
    pub(crate) retry: RetryPolicy,
    pub(crate) http: reqwest::Client,
    pub(crate) idem: IdemStore,
    /// Resources known to belong to the appliance (created through this controller or checked).
    owned: Mutex<HashSet<String>>,
    /// Grants whose signature verified (SHA-256 of canonical text and signature).
    verified: Mutex<HashSet<String>>,
    pub(crate) agent: String,
}

const MAX_OWNED: usize = 10_000;

/// Unix milliseconds now.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

impl Executor {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        appliance_id: String,
        instance_id: String,
        approval_key: VerifyingKey,
        sealing: SealingSecretKey,
        do_api: String,
        retry: RetryPolicy,
        http: reqwest::Client,
        idem: IdemStore,
    ) -> Self {
        Self {
            appliance_id,
            instance_id,
            approval_key,
            sealing,
            do_api: do_api.trim_end_matches('/').to_string(),
            retry,
            http,
            idem,
            owned: Mutex::new(HashSet::new()),
            verified: Mutex::new(HashSet::new()),
            agent: format!("ferry-controller/{}", env!("CARGO_PKG_VERSION")),
        }
    }

    /// Verifies a grant's signature with the pinned key, once per distinct grant.
    fn verify_grant(&self, grant: &ferry_api::grant::SignedGrant) -> Result<(), String> {
        let canonical = grant.body.canonical().map_err(|e| e.to_string())?;
        let key =
            ferry_api::crypto::sha256_hex(format!("{canonical}{}", grant.signature).as_bytes());
        let mut verified = self.verified.lock().unwrap_or_else(|p| p.into_inner());
        if verified.contains(&key) {
            return Ok(());
        }
        grant
            .verify(&self.approval_key)
            .map_err(|e| e.to_string())?;
        if verified.len() >= MAX_OWNED {
            verified.clear();
        }
        verified.insert(key);
        Ok(())
    }

    fn owns(&self, root: &str) -> bool {
        self.owned
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains(root)
    }

    fn remember_owned(&self, root: String) {
        let mut owned = self.owned.lock().unwrap_or_else(|p| p.into_inner());
        if owned.len() >= MAX_OWNED {
            owned.clear();
        }
        owned.insert(root);
    }

    /// Executes one relayed call and answers it. Never panics; every failure is an answer.
    pub async fn execute(&self, req: &RelayRequest, body: Bytes, now_ms: i64) -> Answer {
        use tracing::Instrument as _;
        let span = tracing::info_span!(
            "relayed",
            id = req.id,
            phase = %req.phase,
            method = %req.method,
            path = %policy::split_path_query(&req.path_and_query).0,
        );
        self.execute_inner(req, body, now_ms).instrument(span).await
    }

    async fn execute_inner(&self, req: &RelayRequest, body: Bytes, now_ms: i64) -> Answer {
        if let Err(reason) =
            check_grant_with(req, &self.appliance_id, now_ms, |g| self.verify_grant(g))
        {
            tracing::warn!(%reason, "refused: grant");
            return Answer::forbidden(&reason);
        }
        let access = match policy::classify(&req.method, &req.path_and_query) {
            Ok(a) => a,
            Err(e) => return Answer::error(400, "bad_request", &e.to_string()),
        };
        let verdict = policy::decide(req.phase, &access, &req.method, &body, &self.instance_id);
        if let Verdict::Refuse(reason) = &verdict {
            tracing::warn!(%reason, "refused: policy");
            return Answer::forbidden(reason);
        }
        let token = match self.sealing.open_token(&req.sealed_token) {
            Ok(t) => Token(t),
            Err(e) => {
                tracing::warn!(error = %e, "cannot open the phase's token");
                return Answer::forbidden(&format!(
                    "the {} token cannot be opened by this controller ({e}); re-seal it to this controller's key",
                    req.phase
                ));
            }
        };
        tracing::debug!(token = ?token, "token opened");
        let roots: &[String] = match &verdict {
            Verdict::CheckOwner(root) => std::slice::from_ref(root),
            Verdict::CheckOwners(roots) => roots,
            _ => &[],
        };
        for root in roots {
            if self.owns(root) {
                continue;
            }
            match self.check_owner(root, &token).await {
                Ok(()) => self.remember_owned(root.clone()),
                Err(answer) => return answer,
            }
        }
        let (path, _) = policy::split_path_query(&req.path_and_query);
        let creates = matches!(access, policy::Access::Create);
        let answer = match (&req.idempotency_key, req.method.as_str()) {
            (Some(key), "POST") => self.idempotent_post(req, key, &body, &token).await,
            _ => {
                let lookup = None;
                match self
                    .call(req, &req.path_and_query, &body, &token, lookup)
                    .await
                {
                    Outcome::Answered(resp) => {
                        self.answer_from(resp, creates.then_some(path)).await
                    }
                    Outcome::Found(v) => found_answer(&v),
                    Outcome::Failed(msg) => Answer::error(502, "bad_gateway", &msg),
                }
            }
        };
        tracing::info!(status = answer.status, "relayed call answered");
        answer
    }

    /// Reads `root` and checks that it belongs to the appliance. A non-2xx answer (404 for a
    /// resource already gone) is passed back as it is: nothing was written.
    async fn check_owner(&self, root: &str, token: &Token) -> Result<(), Answer> {
        let get = RelayRequest::steady_state_get(root, "");
        match self.call(&get, root, &[], token, None).await {
            Outcome::Answered(resp) if resp.status().is_success() => {
                let body = resp.bytes().await.unwrap_or_default();
                let marked = serde_json::from_slice::<Value>(&body)
                    .is_ok_and(|v| policy::object_marks(&v, &self.instance_id));
                if marked {
                    Ok(())
                } else {
                    Err(Answer::forbidden(&format!(
                        "`{root}` does not belong to this appliance (it is not tagged `{}` and its name does not contain the instance id)",
                        policy::instance_tag(&self.instance_id)
                    )))
                }
            }
            Outcome::Answered(resp) => Err(self.answer_from(resp, None).await),
            Outcome::Found(_) => Err(Answer::error(502, "bad_gateway", "unexpected lookup")),
            Outcome::Failed(msg) => Err(Answer::error(502, "bad_gateway", &msg)),
        }
    }

    /// A keyed POST: replay, look up, or send — see [`crate::idem`].
    async fn idempotent_post(
        &self,
        req: &RelayRequest,
        key: &str,
        body: &[u8],
        token: &Token,
    ) -> Answer {
        let _turn = self.idem.lock(key).await;
        let (path, _) = policy::split_path_query(&req.path_and_query);
        let lookup = Lookup::for_create(path, body, &self.instance_id);
        match self.idem.get(key) {
            Some(Entry::Done {
                status,
                mut headers,
                body,
                ..
            }) => {
                // A recorded create is replayed only while its resource exists: after a destroy
                // in the same session, the same create makes it again.
                let root = (200..300)
                    .contains(&status)
                    .then(|| serde_json::from_slice::<Value>(body.as_bytes()).ok())
                    .flatten()
                    .and_then(|v| policy::created_root(path, &v));
                let gone = match &root {
                    Some(root) => self.is_gone(root, token).await,
                    None => false,
                };
                if !gone {
                    tracing::info!(key, "replaying the recorded answer of an earlier attempt");
                    headers.push(("idempotent-replayed".into(), "true".into()));
                    return Answer::buffered(status, headers, body.into_bytes());
                }
                tracing::info!(
                    key,
                    "the recorded create's resource is gone; creating it again"
                );
            }
            Some(Entry::Started { .. }) => {
                // The earlier attempt's outcome is unknown: look before sending again.
                if let Some(l) = &lookup {
                    match self.lookup(l, token).await {
                        Ok(Some(found)) => {
                            tracing::info!(
                                key,
                                "found the resource of an earlier attempt; not creating it again"
                            );
                            return self.record_found(key, path, &found);
                        }
                        Ok(None) => {}
                        Err(msg) => return Answer::error(502, "bad_gateway", &msg),
                    }
                }
            }
            None => {}
        }
        if let Err(e) = self.idem.put(key, Entry::Started { at_ms: now_ms() }) {
            tracing::error!(error = %e, "cannot record the create before sending it");
            return Answer::error(
                503,
                "service_unavailable",
                "the controller cannot record the create in its state file; nothing was sent",
            );
        }
        match self
            .call(req, &req.path_and_query, body, token, lookup.as_ref())
            .await
        {
            Outcome::Found(found) => self.record_found(key, path, &found),
            Outcome::Failed(msg) => Answer::error(502, "bad_gateway", &msg),
            Outcome::Answered(resp) => {
                let status = resp.status().as_u16();
                let headers = response_headers(&resp);
                let definitive = !RetryPolicy::retryable(status);
                let bytes = match read_capped(resp, MAX_RECORDED_BODY).await {
                    Ok(b) => b,
                    Err(msg) => return Answer::error(502, "bad_gateway", &msg),
                };
                if definitive {
                    if (200..300).contains(&status)
                        && let Some(root) = serde_json::from_slice::<Value>(&bytes)
                            .ok()
                            .and_then(|v| policy::created_root(path, &v))
                    {
                        self.remember_owned(root);
                    }
                    let entry = Entry::Done {
                        at_ms: now_ms(),
                        status,
                        headers: headers.clone(),
                        body: String::from_utf8_lossy(&bytes).into_owned(),
                    };
                    if let Err(e) = self.idem.put(key, entry) {
                        tracing::error!(error = %e, "cannot record the create's answer");
                    }
                }
                Answer::buffered(status, headers, bytes.to_vec())
            }
        }
    }

    /// Whether DigitalOcean says `root` does not exist (404). Any other answer: not gone.
    async fn is_gone(&self, root: &str, token: &Token) -> bool {
        let get = RelayRequest::steady_state_get(root, "");
        matches!(
            self.call(&get, root, &[], token, None).await,
            Outcome::Answered(r) if r.status().as_u16() == 404
        )
    }

    fn record_found(&self, key: &str, path: &str, found: &Value) -> Answer {
        if let Some(root) = policy::created_root(path, found) {
            self.remember_owned(root);
        }
        let answer = found_answer(found);
        if let AnswerBody::Buffered(b) = &answer.body {
            let entry = Entry::Done {
                at_ms: now_ms(),
                status: answer.status,
                headers: answer.headers.clone(),
                body: String::from_utf8_lossy(b).into_owned(),
            };
            if let Err(e) = self.idem.put(key, entry) {
                tracing::error!(error = %e, "cannot record the found resource");
            }
        }
        answer
    }

    /// Looks a create's resource up by tag and name.
    async fn lookup(&self, l: &Lookup, token: &Token) -> Result<Option<Value>, String> {
        for page in 1..=LOOKUP_PAGES {
            let get = RelayRequest::steady_state_get(l.page(page), "");
            let resp = match self.call(&get, &get.path_and_query, &[], token, None).await {
                Outcome::Answered(r) if r.status().is_success() => r,
                // A singular resource that does not exist (`GET /v2/registry` before any
                // registry was made) answers 404: nothing was created.
                Outcome::Answered(r) if r.status().as_u16() == 404 => return Ok(None),
                Outcome::Answered(r) => {
                    return Err(format!(
                        "looking up an earlier create failed: DigitalOcean answered {}",
                        r.status().as_u16()
                    ));
                }
                Outcome::Found(_) => return Err("unexpected lookup".into()),
                Outcome::Failed(msg) => return Err(msg),
            };
            let bytes = read_capped(resp, 16 << 20).await?;
            let Ok(list) = serde_json::from_slice::<Value>(&bytes) else {
                return Err("looking up an earlier create: the list is not JSON".into());
            };
            if let Some(found) = l.find(&list) {
                return Ok(Some(found));
            }
            if list.pointer("/links/pages/next").is_none() {
                break;
            }
        }
        Ok(None)
    }

    /// One call with retries (429, 5xx except 501, failed connections). For a keyed create,
    /// `lookup` is consulted before every re-send whose predecessor's outcome is unknown (a
    /// failed connection or a 5xx).
    async fn call(
        &self,
        req: &RelayRequest,
        path_and_query: &str,
        body: &[u8],
        token: &Token,
        lookup: Option<&Lookup>,
    ) -> Outcome {
        let url = format!("{}{path_and_query}", self.do_api);
        let method = match reqwest::Method::from_bytes(req.method.as_bytes()) {
            Ok(m) => m,
            Err(_) => return Outcome::Failed(format!("`{}` is not an HTTP method", req.method)),
        };
        let mut attempt = 0u32;
        loop {
            let mut builder = self
                .http
                .request(method.clone(), &url)
                .bearer_auth(&token.0);
            for (k, v) in &req.headers {
                if k == "user-agent" {
                    builder = builder.header(k, format!("{v} {}", self.agent));
                } else if k != "idempotency-key" {
                    builder = builder.header(k, v);
                }
            }
            if !req.headers.iter().any(|(k, _)| k == "user-agent") {
                builder = builder.header("user-agent", &self.agent);
            }
            if !body.is_empty() {
                builder = builder.body(body.to_vec());
            }
            let path = policy::split_path_query(path_and_query).0;
            let n = crate::fault::before_call(&req.method, path);
            let sent = builder.send().await;
            crate::fault::after_call(n, &req.method, path);
            let (status, unknown, wait_hint) = match sent {
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    if !RetryPolicy::retryable(status) || attempt >= self.retry.max_retries {
                        return Outcome::Answered(resp);
                    }
                    let headers = resp.headers().clone();
                    drop(resp);
                    (Some(status), status >= 500, Some(headers))
                }
                Err(e) => {
                    if attempt >= self.retry.max_retries {
                        return Outcome::Failed(format!(
                            "DigitalOcean could not be reached after {} attempts: {}",
                            attempt + 1,
                            e.without_url_string()
                        ));
                    }
                    (None, true, None)
                }
            };
            let header = |name: &str| {
                wait_hint
                    .as_ref()
                    .and_then(|h| h.get(name))
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string)
            };
            let delay = self
                .retry
                .delay(attempt, status, &header, now_ms() / 1000, jitter());
            tracing::info!(
                attempt = attempt + 1,
                status = status.unwrap_or(0),
                delay_ms = delay.as_millis() as u64,
                "retrying DigitalOcean call"
            );
            tokio::time::sleep(delay).await;
            attempt += 1;
            if unknown && let Some(l) = lookup {
                // Boxed: a lookup makes calls of its own (without a lookup).
                match Box::pin(self.lookup(l, token)).await {
                    Ok(Some(found)) => return Outcome::Found(found),
                    Ok(None) => {}
                    Err(msg) => return Outcome::Failed(msg),
                }
            }
        }
    }

    /// The answer to send back for DigitalOcean's response; remembers what a create made.
    async fn answer_from(&self, resp: reqwest::Response, created_in: Option<&str>) -> Answer {
        let status = resp.status().as_u16();
        let headers = response_headers(&resp);
        if let Some(collection) = created_in.filter(|_| (200..300).contains(&status)) {
            // Creates answer small JSON: read it to learn the new resource's id.
            return match read_capped(resp, MAX_RECORDED_BODY).await {
                Ok(bytes) => {
                    if let Some(root) = serde_json::from_slice::<Value>(&bytes)
                        .ok()
                        .and_then(|v| policy::created_root(collection, &v))
                    {
                        self.remember_owned(root);
                    }
                    Answer::buffered(status, headers, bytes.to_vec())
                }
                Err(msg) => Answer::error(502, "bad_gateway", &msg),
            };
        }
        Answer {
            status,
            headers,
            body: if status == 204 || status == 304 {
                AnswerBody::Empty
            } else {
                AnswerBody::Stream(resp)
            },
        }
    }
}

trait WithoutUrl {
    fn without_url_string(&self) -> String;
}

impl WithoutUrl for reqwest::Error {
    fn without_url_string(&self) -> String {
        let kind = if self.is_timeout() {
            "timed out"
        } else if self.is_connect() {
            "connection failed"
        } else {
            "request failed"
        };
        let mut msg = kind.to_string();
        let mut source = std::error::Error::source(self);
        while let Some(s) = source {
            msg.push_str(": ");
            msg.push_str(&s.to_string());
            source = s.source();
        }
        msg
    }
}

fn response_headers(resp: &reqwest::Response) -> Vec<(String, String)> {
    filter_headers(
        resp.headers()
            .iter()
            .filter_map(|(k, v)| Some((k.as_str(), v.to_str().ok()?))),
        RESPONSE_HEADERS,
    )
}

async fn read_capped(mut resp: reqwest::Response, cap: usize) -> Result<Bytes, String> {
    let mut out = Vec::new();
    loop {
        match resp.chunk().await {
            Ok(Some(chunk)) => {
                if out.len() + chunk.len() > cap {
                    return Err(format!("DigitalOcean's answer is over {cap} bytes"));
                }
                out.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(Bytes::from(out)),
            Err(e) => {
                return Err(format!(
                    "DigitalOcean's answer broke off: {}",
                    e.without_url_string()
                ));
            }
        }
    }
}

fn found_answer(found: &Value) -> Answer {
    // DigitalOcean answers creates with 201 or 202; godo and the provider accept any 2xx.
    Answer::buffered(
        201,
        vec![
            ("content-type".into(), "application/json".into()),
            ("idempotent-replayed".into(), "true".into()),
        ],
        serde_json::to_vec(found).unwrap_or_default(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferry_api::crypto::SigningKey;
    use ferry_api::grant::{GrantBody, Window};
    use serde_json::json;

    fn request(phase: Phase, grant: Option<ferry_api::grant::SignedGrant>) -> RelayRequest {
        RelayRequest {
            id: 1,
            phase,
            method: "POST".into(),
            path_and_query: "/v2/droplets".into(),
            headers: vec![],
            grant,
            sealed_token: String::new(),
            idempotency_key: None,
            session_id: None,
            body_follows: true,
        }
    }

    fn window(start: i64, end: i64) -> Window {
        Window::Manual {
            starts_at_ms: start,
            ends_at_ms: end,
        }
    }

    #[test]
    fn grants_are_checked_for_signature_appliance_phase_and_window() {
        let customer = SigningKey::generate();
        let pinned = customer.verifying_key();
        let good = GrantBody::new("app-1", Phase::Deploy, window(1_000, 2_000), None)
            .sign(&customer)
            .expect("sign");
        let check = |req: &RelayRequest, now| check_grant(req, "app-1", &pinned, now);
        assert_eq!(
            check(&request(Phase::Deploy, Some(good.clone())), 1_500),
            Ok(())
        );
        // Steady-state needs no grant.
        assert_eq!(check(&request(Phase::SteadyState, None), 0), Ok(()));
        let cases: Vec<(RelayRequest, i64, &str)> = vec![
            (request(Phase::Deploy, None), 1_500, "carries none"),
            (
                request(
                    Phase::Deploy,
                    Some(
                        GrantBody::new("app-1", Phase::Deploy, window(1_000, 2_000), None)
                            .sign(&SigningKey::generate())
                            .expect("sign"),
                    ),
                ),
                1_500,
                "approval key",
            ),
            (
                request(Phase::Deploy, {
                    let mut forged = good.clone();
                    forged.body.window = window(1_000, 9_000);
                    Some(forged)
                }),
                1_500,
                "approval key",
            ),
            (
                request(
                    Phase::Deploy,
                    Some(
                        GrantBody::new("app-2", Phase::Deploy, window(1_000, 2_000), None)
                            .sign(&customer)
                            .expect("sign"),
                    ),
                ),
                1_500,
                "appliance `app-2`",
            ),
            (
                request(Phase::Install, Some(good.clone())),
                1_500,
                "approves the deploy phase",
            ),
            (
                request(Phase::Deploy, Some(good.clone())),
                2_000,
                "not open",
            ),
            (request(Phase::Deploy, Some(good)), 999, "not open"),
        ];
        for (req, now, want) in cases {
            let err = check(&req, now).expect_err(want);
            assert!(err.contains(want), "{err} (wanted {want})");
        }
    }

    #[test]
    fn lookups_match_by_name_and_tag_and_wrap_like_digitalocean() {
        let body = br#"{"name":"web-acme","region":"nyc3","tags":["instance-id:acme"]}"#;
        let l = Lookup::for_create("/v2/droplets", body, "acme").expect("lookup");
        assert_eq!(l.tag.as_deref(), Some("instance-id:acme"));
        assert_eq!(
            l.page(1),
            "/v2/droplets?per_page=200&page=1&tag_name=instance-id%3Aacme"
        );
        let list = json!({
            "droplets": [
                {"id": 1, "name": "web-acme", "tags": ["other"]},
                {"id": 2, "name": "web-acme", "tags": ["instance-id:acme"]}
            ],
            "links": {}, "meta": {"total": 2}
        });
        assert_eq!(
            l.find(&list),
            Some(json!({"droplet": {"id": 2, "name": "web-acme", "tags": ["instance-id:acme"]}}))
        );
        assert_eq!(l.find(&json!({"droplets": []})), None);
        // A collection without a tag filter lists everything; tags are still matched.
        let vpc = Lookup::for_create("/v2/vpcs", br#"{"name":"net-acme"}"#, "acme").expect("vpc");
        assert_eq!(vpc.page(2), "/v2/vpcs?per_page=200&page=2");
        assert_eq!(
            vpc.find(&json!({"vpcs": [{"id": "v", "name": "net-acme"}]})),
            Some(json!({"vpc": {"id": "v", "name": "net-acme"}}))
        );
        let reg = Lookup::for_create("/v2/registries", br#"{"name":"r-acme"}"#, "acme").expect("r");
        assert_eq!(
            reg.find(&json!({"registries": [{"name": "r-acme"}]})),
            Some(json!({"registry": {"name": "r-acme"}}))
        );
        assert_eq!(Lookup::for_create("/v2/droplets", b"{}", "acme"), None);
        assert_eq!(Lookup::for_create("/v2/droplets", b"nope", "acme"), None);
    }

    #[test]
    fn tokens_never_show_in_debug_output() {
        let secret = "dop_v1_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        let shown = format!("{:?}", Token(secret.into()));
        assert!(!shown.contains("0123456789abcdef"), "{shown}");
        assert!(shown.contains("sha256:"), "{shown}");
    }
}
