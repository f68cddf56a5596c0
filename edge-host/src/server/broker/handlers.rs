//! One handler per route of `ferry_api::broker`'s table (releases: [`super::release`]).

use super::auth::{Caller, ClientIp, cleared_cookies, limit, session_cookies};
use super::{broker_error, broker_of, json, parse};
use crate::server::AppState;
use crate::server::error::ApiError;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ferry_api::broker::{
    AcceptInvitation, Appliance, ControllerKeys, LoginRequest, NewAccessRequest, NewApiKey,
    NewAppliance, NewDeploySession, NewGrant, Refusal, SealedTokenUpload, SteadyStateSwitch,
};
use ferry_api::grant::Phase;

type Answer = Result<Response, ApiError>;

fn ok<T: serde::Serialize>(value: &T) -> Answer {
    Ok(json(StatusCode::OK, value))
}

fn created<T: serde::Serialize>(value: &T) -> Answer {
    Ok(json(StatusCode::CREATED, value))
}

fn phase(text: &str) -> Result<Phase, ApiError> {
    Phase::parse(text).ok_or_else(|| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "unknown_phase",
            format!(
                "`{}` is not a phase: install, steady_state, deploy or operate",
                text.escape_debug()
            ),
        )
    })
}

fn with_presence(state: &AppState, mut a: Appliance) -> Appliance {
    if let Some(b) = state.broker.as_ref() {
        a.controller_connected = b.connected(&a.id);
    }
    a
}

// ---- auth ----------------------------------------------------------------------------------------

pub async fn login(State(state): State<AppState>, ClientIp(ip): ClientIp, body: Bytes) -> Answer {
    let b = broker_of(&state)?;
    limit(b, ip)?;
    let req: LoginRequest = parse(&body)?;
    let now = b.broker.now_ms();
    let login = b
        .broker
        .login(&req.api_key, now)
        .await
        .map_err(broker_error)?;
    let whoami = b
        .broker
        .whoami(&login.principal, Some(login.csrf_token.clone()));
    let mut res = json(StatusCode::OK, &whoami);
    for c in session_cookies(&login, now) {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    Ok(res)
}

pub async fn logout(State(state): State<AppState>, caller: Caller) -> Answer {
    let b = broker_of(&state)?;
    if let Some(session) = &caller.session {
        b.broker
            .logout(session, b.broker.now_ms())
            .await
            .map_err(broker_error)?;
    }
    let mut res = json(StatusCode::OK, &b.broker.whoami(&caller.principal, None));
    for c in cleared_cookies() {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    Ok(res)
}

pub async fn whoami(State(state): State<AppState>, caller: Caller) -> Answer {
    let b = broker_of(&state)?;
    ok(&b
        .broker
        .whoami(&caller.principal, caller.csrf_token.clone()))
}

pub async fn create_key(State(state): State<AppState>, caller: Caller, body: Bytes) -> Answer {
    let b = broker_of(&state)?;
    let req: NewApiKey = parse(&body)?;
    let key = b
        .broker
        .create_api_key(&caller.principal, &req.label, b.broker.now_ms())
        .await
        .map_err(broker_error)?;
    created(&key)
}

pub async fn list_keys(State(state): State<AppState>, caller: Caller) -> Answer {
    let b = broker_of(&state)?;
    ok(&b
        .broker
        .list_api_keys(&caller.principal)
        .await
        .map_err(broker_error)?)
}

pub async fn revoke_key(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Answer {
    let b = broker_of(&state)?;
    ok(&b
        .broker
        .revoke_api_key(&caller.principal, &id, b.broker.now_ms())
        .await
        .map_err(broker_error)?)
}

// ---- appliances ------------------------------------------------------------------------------------

pub async fn list_appliances(State(state): State<AppState>, caller: Caller) -> Answer {
    let b = broker_of(&state)?;
    let list = b
        .broker
        .list_appliances(&caller.principal, b.broker.now_ms())
        .await
        .map_err(broker_error)?;
    let list: Vec<Appliance> = list.into_iter().map(|a| with_presence(&state, a)).collect();
    ok(&list)
}

pub async fn create_appliance(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> Answer {
    let b = broker_of(&state)?;
    let req: NewAppliance = parse(&body)?;
    let a = b
        .broker
        .create_appliance(&caller.principal, &req, b.broker.now_ms())
        .await
        .map_err(broker_error)?;
    created(&with_presence(&state, a))
}

pub async fn appliance(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Answer {
    let b = broker_of(&state)?;
    let a = b
        .broker
        .appliance(&caller.principal, &id, b.broker.now_ms())
        .await
        .map_err(broker_error)?;
    ok(&with_presence(&state, a))
}

pub async fn invite(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Answer {
    let b = broker_of(&state)?;
    let inv = b
        .broker
        .invite(
            &caller.principal,
            &id,
            &b.config.public_url,
            b.broker.now_ms(),
        )
        .await
        .map_err(broker_error)?;
    created(&inv)
}

pub async fn accept_invitation(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    body: Bytes,
) -> Answer {
    let b = broker_of(&state)?;
    limit(b, ip)?;
    let req: AcceptInvitation = parse(&body)?;
    let now = b.broker.now_ms();
    let (key, login) = b
        .broker
        .accept_invitation(&req, now)
        .await
        .map_err(broker_error)?;
    let mut res = json(StatusCode::CREATED, &key);
    for c in session_cookies(&login, now) {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    Ok(res)
}

pub async fn controller_keys(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> Answer {
    let b = broker_of(&state)?;
    let keys: ControllerKeys = parse(&body)?;
    let a = b
        .broker
        .set_controller_keys(&caller.principal, &id, &keys, b.broker.now_ms())
        .await
        .map_err(broker_error)?;
    ok(&with_presence(&state, a))
}

pub async fn steady_state(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> Answer {
    let b = broker_of(&state)?;
    let s: SteadyStateSwitch = parse(&body)?;
    let a = b
        .broker
        .set_steady_state(&caller.principal, &id, s.enabled, b.broker.now_ms())
        .await
        .map_err(broker_error)?;
    b.steady_state_changed(&id);
    ok(&with_presence(&state, a))
}

// ---- releases ----------------------------------------------------------------------------------------

pub async fn list_releases(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Answer {
    let b = broker_of(&state)?;
    ok(&b
        .broker
        .list_releases(&caller.principal, &id)
        .await
        .map_err(broker_error)?)
}

pub async fn release(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Answer {
    let b = broker_of(&state)?;
    ok(&b
        .broker
        .release(&caller.principal, &id)
        .await
        .map_err(broker_error)?)
}

pub async fn tarball(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Answer {
    let b = broker_of(&state)?;
    let (name, bytes) = b
        .broker
        .release_tarball(&caller.principal, &id)
        .await
        .map_err(broker_error)?;
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/gzip"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

// ---- access requests and grants ---------------------------------------------------------------------

pub async fn request_access(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> Answer {
    let b = broker_of(&state)?;
    let req: NewAccessRequest = parse(&body)?;
    created(
        &b.broker
            .request_access(&caller.principal, &id, &req, b.broker.now_ms())
            .await
            .map_err(broker_error)?,
    )
}

pub async fn list_access_requests(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Answer {
    let b = broker_of(&state)?;
    ok(&b
        .broker
        .list_access_requests(&caller.principal, &id)
        .await
        .map_err(broker_error)?)
}

pub async fn refuse(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> Answer {
    let b = broker_of(&state)?;
    let r: Refusal = if body.is_empty() {
        Refusal { reason: None }
    } else {
        parse(&body)?
    };
    ok(&b
        .broker
        .refuse_request(
            &caller.principal,
            &id,
            r.reason.as_deref(),
            b.broker.now_ms(),
        )
        .await
        .map_err(broker_error)?)
}

pub async fn create_grant(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> Answer {
    let b = broker_of(&state)?;
    let g: NewGrant = parse(&body)?;
    created(
        &b.broker
            .create_grant(&caller.principal, &id, &g, b.broker.now_ms())
            .await
            .map_err(broker_error)?,
    )
}

pub async fn list_grants(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Answer {
    let b = broker_of(&state)?;
    ok(&b
        .broker
        .list_grants(&caller.principal, &id)
        .await
        .map_err(broker_error)?)
}

pub async fn revoke_grant(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Answer {
    let b = broker_of(&state)?;
    ok(&b
        .broker
        .revoke_grant(&caller.principal, &id, b.broker.now_ms())
        .await
        .map_err(broker_error)?)
}

// ---- tokens ------------------------------------------------------------------------------------------

pub async fn list_tokens(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Answer {
    let b = broker_of(&state)?;
    ok(&b
        .broker
        .list_tokens(&caller.principal, &id)
        .await
        .map_err(broker_error)?)
}

pub async fn put_token(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, phase_text)): Path<(String, String)>,
    body: Bytes,
) -> Answer {
    let b = broker_of(&state)?;
    let phase = phase(&phase_text)?;
    let upload: SealedTokenUpload = parse(&body)?;
    let token = b
        .broker
        .put_sealed_token(&caller.principal, &id, phase, &upload, b.broker.now_ms())
        .await
        .map_err(broker_error)?;
    if phase == Phase::SteadyState {
        b.steady_state_changed(&id);
    }
    ok(&token)
}

pub async fn delete_token(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, phase_text)): Path<(String, String)>,
) -> Answer {
    let b = broker_of(&state)?;
    let phase = phase(&phase_text)?;
    let token = b
        .broker
        .delete_token(&caller.principal, &id, phase, b.broker.now_ms())
        .await
        .map_err(broker_error)?;
    if phase == Phase::SteadyState {
        b.steady_state_changed(&id);
    }
    ok(&token)
}

// ---- deploy sessions ---------------------------------------------------------------------------------

pub async fn create_session(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> Answer {
    let b = broker_of(&state)?;
    let req: NewDeploySession = parse(&body)?;
    created(
        &b.broker
            .create_deploy_session(&caller.principal, &id, &req, b.broker.now_ms())
            .await
            .map_err(broker_error)?,
    )
}

pub async fn list_sessions(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Answer {
    let b = broker_of(&state)?;
    ok(&b
        .broker
        .list_deploy_sessions(&caller.principal, &id)
        .await
        .map_err(broker_error)?)
}

pub async fn revoke_session(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Answer {
    let b = broker_of(&state)?;
    ok(&b
        .broker
        .revoke_deploy_session(&caller.principal, &id, b.broker.now_ms())
        .await
        .map_err(broker_error)?)
}

// ---- audit ---------------------------------------------------------------------------------------------

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// Records with a sequence number below this (paging backwards).
    pub before: Option<i64>,
    /// At most this many (default 500, at most 5000).
    pub limit: Option<u32>,
}

pub async fn audit_log(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(q): Query<AuditQuery>,
) -> Answer {
    let b = broker_of(&state)?;
    ok(&b
        .broker
        .audit_log(&caller.principal, &id, q.before, q.limit.unwrap_or(500))
        .await
        .map_err(broker_error)?)
}

pub async fn verify_audit(State(state): State<AppState>, _caller: Caller) -> Answer {
    let b = broker_of(&state)?;
    ok(&b.broker.verify_audit().await.map_err(broker_error)?)
}
