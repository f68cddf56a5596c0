//! `ANY /relay/v1/appliances/{id}/do/v2/...`: the DigitalOcean API, relayed.
//!
//! Order of checks: credential (broker) → path → policy (owner checks read through the
//! controller) → sealed token → controller online → call. Every outcome is audited.

use super::gate::{Authorization, RefusalKind, RelayEvent};
use super::hub::{Call, Link, LinkError};
use super::{Relay, now_ms};
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use ferry_api::grant::{Phase, SignedGrant};
use ferry_api::observe::ApplianceEvent;
use ferry_api::relay::policy::{self, Access, Verdict};
use ferry_api::relay::{
    REQUEST_HEADERS, RESPONSE_HEADERS, RelayRequest, ResponseHead, derived_idempotency_key,
    do_error_body, filter_headers, rewrite_links,
};
use serde_json::Value;
use std::sync::Arc;
use std::time::Instant;

/// Longest path in a live `call` event (longer ones are cut, marked with `…`).
const MAX_EVENT_PATH: usize = 256;

/// A DigitalOcean-shaped error answer.
pub fn do_error(status: StatusCode, id: &str, message: &str) -> Response {
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        do_error_body(id, message),
    )
        .into_response()
}

/// The relayed path: `/v2/...` as the client sent it (still percent-encoded), and the query.
fn relayed_path(uri: &Uri) -> Option<(String, String)> {
    let after = uri.path().strip_prefix("/relay/v1/appliances/")?;
    let (appliance, tail) = after.split_once('/')?;
    let tail = tail.strip_prefix("do/").unwrap_or(tail);
    tail.starts_with("v2/").then(|| {
        let mut pq = format!("/{tail}");
        if let Some(q) = uri.query() {
            pq.push('?');
            pq.push_str(q);
        }
        (appliance.to_string(), pq)
    })
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty() && t.len() <= 512)
}

/// Who is calling, and with which phase.
struct Caller {
    session_id: Option<String>,
    /// False for a refused credential (the phase it would have had is not known).
    phase_known: bool,
    phase: Phase,
    grant: Option<SignedGrant>,
    instance_id: String,
}

struct Ctx<'a> {
    relay: &'a Relay,
    appliance_id: &'a str,
    method: &'a str,
    path: &'a str,
    credential: &'a str,
    /// The request's `Host`, for links when no public URL is configured.
    host: Option<&'a str>,
    started: Instant,
}

impl Ctx<'_> {
    async fn audit(
        &self,
        caller: Option<&Caller>,
        action: &'static str,
        outcome: &'static str,
        status: u16,
        detail: String,
    ) {
        self.publish(caller, status);
        let (actor, phase) = match caller {
            Some(c) => (
                c.session_id
                    .as_ref()
                    .map_or_else(|| "anonymous".to_string(), |s| format!("session:{s}")),
                if c.phase_known { c.phase.as_str() } else { "-" },
            ),
            None => ("anonymous".to_string(), "-"),
        };
        self.relay
            .audit(RelayEvent {
                appliance_id: self.appliance_id.to_string(),
                actor,
                action,
                outcome,
                detail: format!("{} {} {detail} (phase {phase})", self.method, self.path),
            })
            .await;
    }

    /// The call's live event for the appliance page: method, path without query, status,
    /// phase, duration and the session's id — never a credential, token or body.
    fn publish(&self, caller: Option<&Caller>, status: u16) {
        let events = &self.relay.events;
        if events.subscribers() == 0 {
            return;
        }
        let mut path = self.path.to_string();
        if path.len() > MAX_EVENT_PATH {
            let mut cut = MAX_EVENT_PATH;
            while !path.is_char_boundary(cut) {
                cut -= 1;
            }
            path.truncate(cut);
            path.push('…');
        }
        events.publish(
            self.appliance_id,
            ApplianceEvent::Call {
                at_ms: now_ms(),
                phase: caller.filter(|c| c.phase_known).map(|c| c.phase),
                method: self.method.to_string(),
                path,
                status,
                duration_ms: u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX),
                session_id: caller.and_then(|c| c.session_id.clone()),
            },
        );
    }

    async fn refuse(
        &self,
        caller: Option<&Caller>,
        status: StatusCode,
        id: &str,
        message: &str,
    ) -> Response {
        self.audit(
            caller,
            "relay.refused",
            "refused",
            status.as_u16(),
            format!("→ {} {message}", status.as_u16()),
        )
        .await;
        do_error(status, id, message)
    }
}

pub(crate) async fn do_api(
    State(relay): State<Relay>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some((appliance_id, path_and_query)) = relayed_path(&uri) else {
        return do_error(
            StatusCode::NOT_FOUND,
            "not_found",
            "The resource you requested could not be found.",
        );
    };
    let (path, _) = policy::split_path_query(&path_and_query);
    let ctx = Ctx {
        relay: &relay,
        appliance_id: &appliance_id,
        method: method.as_str(),
        path,
        credential: bearer(&headers).unwrap_or_default(),
        host: headers.get(header::HOST).and_then(|h| h.to_str().ok()),
        started: Instant::now(),
    };
    if ctx.credential.is_empty() {
        return ctx
            .refuse(None, StatusCode::UNAUTHORIZED, "unauthorized", "Unable to authenticate you: send the deploy-session credential as the Bearer token.")
            .await;
    }
    let caller = match authorize(&ctx, method == Method::GET || method == Method::HEAD).await {
        Ok(c) => c,
        Err(res) => return res,
    };
    // The path exactly as DigitalOcean will see it must be canonical: what the policy judges
    // is what is touched.
    let access = match policy::classify(method.as_str(), &path_and_query) {
        Ok(a) => a,
        Err(e) => {
            return ctx
                .refuse(
                    Some(&caller),
                    StatusCode::BAD_REQUEST,
                    "bad_request",
                    &e.to_string(),
                )
                .await;
        }
    };
    let verdict = policy::decide(
        caller.phase,
        &access,
        method.as_str(),
        &body,
        &caller.instance_id,
    );
    if let Verdict::Refuse(reason) = &verdict {
        return ctx
            .refuse(Some(&caller), StatusCode::FORBIDDEN, "forbidden", reason)
            .await;
    }
    let sealed = match relay.gate.sealed_token(&appliance_id, caller.phase).await {
        Ok(Some(s)) => s,
        Ok(None) => {
            let msg = format!(
                "the customer has not registered a token for the {} phase",
                caller.phase
            );
            return ctx
                .refuse(Some(&caller), StatusCode::FORBIDDEN, "forbidden", &msg)
                .await;
        }
        Err(e) => return unavailable(&ctx, &caller, &e.to_string(), 1).await,
    };
    let Some(link) = relay.hub.get(&appliance_id) else {
        return unavailable(
            &ctx,
            &caller,
            &LinkError::Offline.to_string(),
            relay.config.offline_retry_after,
        )
        .await;
    };
    let base = RelayRequest {
        id: 0,
        phase: caller.phase,
        method: method.as_str().to_string(),
        path_and_query: path_and_query.clone(),
        headers: filter_headers(
            headers
                .iter()
                .filter_map(|(k, v)| Some((k.as_str(), v.to_str().ok()?))),
            REQUEST_HEADERS,
        ),
        grant: caller.grant.clone(),
        sealed_token: sealed,
        idempotency_key: None,
        session_id: caller.session_id.clone(),
        body_follows: false,
    };
    let roots: &[String] = match &verdict {
        Verdict::CheckOwner(root) => std::slice::from_ref(root),
        Verdict::CheckOwners(roots) => roots,
        _ => &[],
    };
    for root in roots {
        if relay.owns(&appliance_id, root) {
            continue;
        }
        match check_owner(&ctx, &caller, &link, &base, root).await {
            Ok(()) => relay.remember_owned(&appliance_id, root.clone()),
            Err(res) => return res,
        }
    }
    let mut req = base;
    req.idempotency_key = match headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .filter(|k| !k.is_empty() && k.len() <= 200)
    {
        // A client's key is scoped to its session: one session cannot replay another's answer.
        Some(k) => Some(format!(
            "{}:{k}",
            caller.session_id.as_deref().unwrap_or("-")
        )),
        // Derived keys for creates only: two identical actions (power off, later again) are
        // two actions, but two identical creates in one session are one resource.
        None if matches!(access, Access::Create) => Some(derived_idempotency_key(
            caller.session_id.as_deref().unwrap_or("-"),
            method.as_str(),
            &path_and_query,
            &body,
        )),
        None => None,
    };
    let mut call = match link.call(req, body).await {
        Ok(c) => c,
        Err(e) => return unavailable(&ctx, &caller, &e.to_string(), 1).await,
    };
    let head = match wait_head(&ctx, &caller, &mut call).await {
        Ok(h) => h,
        Err(res) => return res,
    };
    let status = StatusCode::from_u16(head.status).unwrap_or(StatusCode::BAD_GATEWAY);
    ctx.audit(
        Some(&caller),
        "relay.call",
        "ok",
        status.as_u16(),
        format!("→ {}", status.as_u16()),
    )
    .await;
    let created_in = matches!(access, Access::Create).then_some(path);
    respond(&ctx, &head, call, status, created_in).await
}

/// The credential → who and which phase. Expired sessions keep reading in Steady-state.
async fn authorize(ctx: &Ctx<'_>, reads: bool) -> Result<Caller, Response> {
    let relay = ctx.relay;
    let now = now_ms();
    let answer = match relay
        .gate
        .authorize(ctx.appliance_id, ctx.credential, now)
        .await
    {
        Ok(a) => a,
        Err(e) => {
            tracing::error!(error = %e, "broker unavailable");
            return Err(do_error(
                StatusCode::SERVICE_UNAVAILABLE,
                "service_unavailable",
                "the relay cannot check the session right now; retry shortly",
            ));
        }
    };
    match answer {
        Authorization::Granted(g) => Ok(Caller {
            session_id: Some(g.session_id),
            phase_known: true,
            phase: g.phase,
            grant: Some(g.grant),
            instance_id: g.instance_id,
        }),
        Authorization::Refused(r) if r.kind == RefusalKind::Expired && reads => {
            // The window ended: the appliance is back to Steady-state, which reads.
            let steady = relay
                .gate
                .steady_state(ctx.appliance_id, now)
                .await
                .unwrap_or(false);
            let instance = relay
                .gate
                .controller_identity(ctx.appliance_id)
                .await
                .ok()
                .flatten()
                .map(|i| i.instance_id);
            let caller = Caller {
                session_id: r.session_id.clone(),
                phase_known: true,
                phase: Phase::SteadyState,
                grant: None,
                instance_id: instance.unwrap_or_default(),
            };
            if steady {
                Ok(caller)
            } else {
                let msg = format!(
                    "{}; the Steady-state phase is switched off, so reads are refused too",
                    r.message
                );
                Err(ctx
                    .refuse(Some(&caller), StatusCode::FORBIDDEN, "forbidden", &msg)
                    .await)
            }
        }
        Authorization::Refused(r) => {
            let caller = Caller {
                session_id: r.session_id.clone(),
                phase_known: false,
                phase: Phase::SteadyState,
                grant: None,
                instance_id: String::new(),
            };
            let (status, id, msg) = match r.kind {
                RefusalKind::Expired => (
                    StatusCode::FORBIDDEN,
                    "forbidden",
                    format!(
                        "{}: the appliance is back to Steady-state, which is read-only",
                        r.message
                    ),
                ),
                RefusalKind::Revoked | RefusalKind::Unknown => (
                    StatusCode::UNAUTHORIZED,
                    "unauthorized",
                    format!("Unable to authenticate you: {}.", r.message),
                ),
            };
            Err(ctx
                .refuse(r.session_id.is_some().then_some(&caller), status, id, &msg)
                .await)
        }
    }
}

async fn unavailable(ctx: &Ctx<'_>, caller: &Caller, message: &str, retry_after: u32) -> Response {
    ctx.audit(
        Some(caller),
        "relay.call",
        "error",
        503,
        format!("→ 503 {message}"),
    )
    .await;
    let mut res = do_error(
        StatusCode::SERVICE_UNAVAILABLE,
        "service_unavailable",
        message,
    );
    res.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
    res
}

/// Waits for the head, re-authorizing the session while it waits: a revoked session is cut.
async fn wait_head(
    ctx: &Ctx<'_>,
    caller: &Caller,
    call: &mut Call,
) -> Result<ResponseHead, Response> {
    let relay = ctx.relay;
    let interval = relay.config.reauth_interval;
    let reads = ctx.method == "GET" || ctx.method == "HEAD";
    let mut reauth = tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
    reauth.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let deadline = tokio::time::sleep(relay.config.call_timeout);
    tokio::pin!(deadline);
    let head = {
        let head_fut = call.head();
        tokio::pin!(head_fut);
        loop {
            tokio::select! {
                h = &mut head_fut => break Ok(h),
                () = &mut deadline => break Err(None),
                _ = reauth.tick() => {
                    match relay.gate.authorize(ctx.appliance_id, ctx.credential, now_ms()).await {
                        Ok(Authorization::Granted(_)) => {}
                        Ok(Authorization::Refused(r)) if r.kind == RefusalKind::Expired && reads => {}
                        Ok(Authorization::Refused(r)) => break Err(Some(r.message)),
                        Err(_) => {}
                    }
                }
            }
        }
    };
    match head {
        Ok(Ok(h)) => Ok(h),
        Ok(Err(e)) => {
            ctx.audit(
                Some(caller),
                "relay.call",
                "error",
                502,
                format!("→ 502 {e}"),
            )
            .await;
            Err(do_error(
                StatusCode::BAD_GATEWAY,
                "bad_gateway",
                &format!("{e}; the outcome is unknown, a retry is safe"),
            ))
        }
        Err(None) => {
            ctx.audit(
                Some(caller),
                "relay.call",
                "error",
                504,
                "→ 504 the controller did not answer in time".into(),
            )
            .await;
            Err(do_error(
                StatusCode::GATEWAY_TIMEOUT,
                "gateway_timeout",
                "the appliance's controller did not answer in time",
            ))
        }
        Err(Some(reason)) => {
            ctx.audit(
                Some(caller),
                "relay.refused",
                "refused",
                401,
                format!("→ 401 cut mid-call: {reason}"),
            )
            .await;
            Err(do_error(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                &format!("Unable to authenticate you: {reason}."),
            ))
        }
    }
}

/// Reads `root` through the controller and checks that it is the appliance's.
async fn check_owner(
    ctx: &Ctx<'_>,
    caller: &Caller,
    link: &Arc<Link>,
    base: &RelayRequest,
    root: &str,
) -> Result<(), Response> {
    let get = RelayRequest {
        method: "GET".into(),
        path_and_query: root.to_string(),
        headers: vec![("accept".into(), "application/json".into())],
        idempotency_key: None,
        ..base.clone()
    };
    let mut call = match link.call(get, Bytes::new()).await {
        Ok(c) => c,
        Err(e) => return Err(unavailable(ctx, caller, &e.to_string(), 1).await),
    };
    let head = wait_head(ctx, caller, &mut call).await?;
    let body = collect(&mut call, 1 << 20).await;
    let status = StatusCode::from_u16(head.status).unwrap_or(StatusCode::BAD_GATEWAY);
    if !status.is_success() {
        // Gone already (404), or the controller refused: nothing is written; say so as it was said.
        ctx.audit(
            Some(caller),
            "relay.refused",
            "refused",
            status.as_u16(),
            format!("→ {} reading `{root}` first", status.as_u16()),
        )
        .await;
        let mut res = Response::new(Body::from(body.unwrap_or_default()));
        *res.status_mut() = status;
        copy_headers(&head, res.headers_mut());
        return Err(res);
    }
    let marked = body
        .ok()
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
        .is_some_and(|v| policy::object_marks(&v, &caller.instance_id));
    if marked {
        Ok(())
    } else {
        let msg = format!(
            "`{root}` does not belong to this appliance: it is not tagged `{}` and its name does not contain the instance id",
            policy::instance_tag(&caller.instance_id)
        );
        Err(ctx
            .refuse(Some(caller), StatusCode::FORBIDDEN, "forbidden", &msg)
            .await)
    }
}

/// Reads a whole body (up to `cap` bytes).
async fn collect(call: &mut Call, cap: usize) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    while let Some(chunk) = call.chunk().await {
        let chunk = chunk.map_err(|e| e.to_string())?;
        if out.len() + chunk.len() > cap {
            return Err(format!("the answer is over {cap} bytes"));
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

fn copy_headers(head: &ResponseHead, out: &mut HeaderMap) {
    for (k, v) in filter_headers(
        head.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        RESPONSE_HEADERS,
    ) {
        if let (Ok(name), Ok(value)) = (
            header::HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::from_str(&v),
        ) {
            out.append(name, value);
        }
    }
}

/// The relay's own DigitalOcean base URL for this appliance (links point back at it).
fn link_base(ctx: &Ctx<'_>) -> String {
    let origin = ctx
        .relay
        .config
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", ctx.host.unwrap_or("localhost")));
    format!(
        "{}/relay/v1/appliances/{}/do",
        origin.trim_end_matches('/'),
        ctx.appliance_id
    )
}

async fn respond(
    ctx: &Ctx<'_>,
    head: &ResponseHead,
    mut call: Call,
    status: StatusCode,
    created_in: Option<&str>,
) -> Response {
    let mut headers = HeaderMap::new();
    copy_headers(head, &mut headers);
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let rewrite = head.body_follows && status.is_success() && json;
    let body = if !head.body_follows {
        Body::empty()
    } else if rewrite {
        // Small JSON answers are read whole to point their links back at the relay (and, for
        // creates, to learn the new resource's id); a body over the cap streams unchanged.
        match collect(&mut call, ctx.relay.config.max_rewrite_bytes).await {
            Ok(bytes) => match serde_json::from_slice::<Value>(&bytes) {
                Ok(mut v) => {
                    if let Some(collection) = created_in
                        && let Some(root) = policy::created_root(collection, &v)
                    {
                        ctx.relay.remember_owned(ctx.appliance_id, root);
                    }
                    if rewrite_links(&mut v, &link_base(ctx)) {
                        Body::from(serde_json::to_vec(&v).unwrap_or(bytes))
                    } else {
                        Body::from(bytes)
                    }
                }
                Err(_) => Body::from(bytes),
            },
            Err(e) => {
                return do_error(StatusCode::BAD_GATEWAY, "bad_gateway", &e);
            }
        }
    } else {
        let timeout = ctx.relay.config.call_timeout;
        Body::from_stream(futures_util::stream::unfold(
            call,
            move |mut call| async move {
                match tokio::time::timeout(timeout, call.chunk()).await {
                    Ok(Some(item)) => Some((item, call)),
                    Ok(None) => None,
                    Err(_) => Some((
                        Err(std::io::Error::other(
                            "the controller stopped sending the answer",
                        )),
                        call,
                    )),
                }
            },
        ))
    };
    let mut res = Response::new(body);
    *res.status_mut() = status;
    *res.headers_mut() = headers;
    res
}
