//! The relay's HTTP surface through the router, without sockets: authentication, policy
//! refusals (403, audited), the offline controller (503 + Retry-After), DigitalOcean-shaped
//! errors.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::relay::{APPLIANCE, CREDENTIAL, Fixture, audited};
use common::{Answer, send};
use ferry::server::relay::{self, RelayConfig, now_ms};

const BASE: &str = "/relay/v1/appliances/app-1/do";

fn call(method: &str, path: &str, credential: Option<&str>, body: &str) -> Request<Body> {
    let mut b = Request::builder()
        .method(method)
        .uri(format!("{BASE}{path}"))
        .header("content-type", "application/json")
        .header("user-agent", "Terraform/1.9.0 godo/1.150.0");
    if let Some(c) = credential {
        b = b.header("authorization", format!("Bearer {c}"));
    }
    b.body(Body::from(body.to_string())).expect("request")
}

fn assert_do_error(a: &Answer, status: StatusCode, id: &str) -> String {
    assert_eq!(a.status, status, "{}", String::from_utf8_lossy(&a.body));
    assert_eq!(
        a.headers.get("content-type").and_then(|v| v.to_str().ok()),
        Some("application/json")
    );
    let v = a.json();
    assert_eq!(v["id"], id, "{v}");
    let message = v["message"].as_str().unwrap_or_default().to_string();
    assert!(!message.is_empty(), "{v}");
    message
}

async fn run(f: &Fixture, req: Request<Body>) -> Answer {
    send(relay::router(f.relay.clone()), req).await
}

#[tokio::test]
async fn a_missing_or_unknown_credential_is_401_shaped_like_digitalocean() {
    let f = Fixture::new(RelayConfig::default());
    let a = run(&f, call("GET", "/v2/droplets", None, "")).await;
    assert_do_error(&a, StatusCode::UNAUTHORIZED, "unauthorized");
    let a = run(
        &f,
        call("GET", "/v2/droplets", Some("ferry_ds_not-a-session"), ""),
    )
    .await;
    let msg = assert_do_error(&a, StatusCode::UNAUTHORIZED, "unauthorized");
    assert!(
        !msg.contains("not-a-session"),
        "the credential is never echoed: {msg}"
    );
    // A session of this appliance is no credential for another.
    let other = Request::get("/relay/v1/appliances/app-2/do/v2/droplets")
        .header("authorization", format!("Bearer {CREDENTIAL}"))
        .body(Body::empty())
        .expect("request");
    assert_do_error(
        &run(&f, other).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    let e = audited(&f.gate, |e| e.action == "relay.refused").await;
    assert!(e.detail.contains("GET /v2/droplets → 401"), "{e:?}");
    assert!(
        f.gate
            .audit_log()
            .iter()
            .all(|e| !e.detail.contains(CREDENTIAL))
    );
}

#[tokio::test]
async fn a_revoked_session_is_401_at_once() {
    let f = Fixture::new(RelayConfig::default());
    // Before revocation the session is good (the controller is offline: 503).
    let a = run(&f, call("GET", "/v2/account", Some(CREDENTIAL), "")).await;
    assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(f.gate.revoke(CREDENTIAL));
    let a = run(&f, call("GET", "/v2/account", Some(CREDENTIAL), "")).await;
    let msg = assert_do_error(&a, StatusCode::UNAUTHORIZED, "unauthorized");
    assert!(msg.contains("revoked"), "{msg}");
    audited(&f.gate, |e| {
        e.action == "relay.refused" && e.actor == "session:s-1"
    })
    .await;
}

#[tokio::test]
async fn an_offline_controller_is_503_with_retry_after() {
    let f = Fixture::new(RelayConfig::default());
    let a = run(
        &f,
        call(
            "POST",
            "/v2/droplets",
            Some(CREDENTIAL),
            r#"{"name":"web-acme","tags":["instance-id:acme"]}"#,
        ),
    )
    .await;
    let msg = assert_do_error(&a, StatusCode::SERVICE_UNAVAILABLE, "service_unavailable");
    assert!(msg.contains("not connected"), "{msg}");
    assert_eq!(
        a.headers.get("retry-after").and_then(|v| v.to_str().ok()),
        Some("5")
    );
    let e = audited(&f.gate, |e| e.action == "relay.call").await;
    assert_eq!((e.outcome, e.actor.as_str()), ("error", "session:s-1"));
    assert!(e.detail.starts_with("POST /v2/droplets → 503"), "{e:?}");
}

#[tokio::test]
async fn what_the_phase_does_not_allow_is_403_and_audited() {
    let f = Fixture::new(RelayConfig::default());
    let now = now_ms();
    f.add_session(
        "ferry_ds_expired",
        "s-old",
        now - 7_200_000,
        now - 3_600_000,
    );
    let cases: &[(&str, &str, &str, &str, StatusCode, &str)] = &[
        // (credential, method, path, body, status, message contains)
        (
            CREDENTIAL,
            "POST",
            "/v2/droplets",
            r#"{"name":"web","tags":["prod"]}"#,
            StatusCode::FORBIDDEN,
            "instance-id:acme",
        ),
        (
            CREDENTIAL,
            "POST",
            "/v2/droplets",
            "not json",
            StatusCode::FORBIDDEN,
            "instance-id:acme",
        ),
        (
            CREDENTIAL,
            "POST",
            "/v2/databases",
            r#"{"name":"acmecorp-db","engine":"pg"}"#,
            StatusCode::FORBIDDEN,
            "instance id",
        ),
        (
            CREDENTIAL,
            "DELETE",
            "/v2/droplets?tag_name=prod",
            "",
            StatusCode::FORBIDDEN,
            "by tag",
        ),
        (
            CREDENTIAL,
            "POST",
            "/v2/droplets/1/launch_missiles",
            "{}",
            StatusCode::FORBIDDEN,
            "not a DigitalOcean endpoint",
        ),
        (
            CREDENTIAL,
            "DELETE",
            "/v2/droplets/1/../../account/keys/2",
            "",
            StatusCode::BAD_REQUEST,
            "`..`",
        ),
        (
            CREDENTIAL,
            "DELETE",
            "/v2/droplets/1%2F..%2Faccount",
            "",
            StatusCode::BAD_REQUEST,
            "encoded",
        ),
        (
            "ferry_ds_expired",
            "POST",
            "/v2/droplets",
            r#"{"name":"web-acme","tags":["instance-id:acme"]}"#,
            StatusCode::FORBIDDEN,
            "Steady-state",
        ),
        (
            "ferry_ds_expired",
            "DELETE",
            "/v2/droplets/1",
            "",
            StatusCode::FORBIDDEN,
            "read-only",
        ),
    ];
    for (credential, method, path, body, status, want) in cases {
        let a = run(&f, call(method, path, Some(credential), body)).await;
        let id = if *status == StatusCode::FORBIDDEN {
            "forbidden"
        } else {
            "bad_request"
        };
        let msg = assert_do_error(&a, *status, id);
        assert!(msg.contains(want), "{method} {path}: {msg}");
    }
    // Each refusal is in the audit log, with who, what and why — never the credential.
    for (_, method, path, _, status, _) in cases {
        let p = path.split('?').next().unwrap_or(path);
        let needle = format!("{method} {p} → {}", status.as_u16());
        audited(&f.gate, |e| {
            e.action == "relay.refused" && e.detail.starts_with(&needle)
        })
        .await;
    }
    let log = f.gate.audit_log();
    assert!(
        log.iter()
            .all(|e| e.outcome == "refused" && e.appliance_id == APPLIANCE)
    );
    assert!(log.iter().any(|e| e.actor == "session:s-old"));
}

#[tokio::test]
async fn reads_after_the_window_need_the_steady_state_phase_on() {
    let f = Fixture::new(RelayConfig::default());
    let now = now_ms();
    f.add_session(
        "ferry_ds_expired",
        "s-old",
        now - 7_200_000,
        now - 3_600_000,
    );
    // Steady-state on: the read passes the checks (and meets the offline controller).
    let a = run(
        &f,
        call("GET", "/v2/droplets", Some("ferry_ds_expired"), ""),
    )
    .await;
    assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE);
    f.gate.set_steady_state(APPLIANCE, false);
    let a = run(
        &f,
        call("GET", "/v2/droplets", Some("ferry_ds_expired"), ""),
    )
    .await;
    let msg = assert_do_error(&a, StatusCode::FORBIDDEN, "forbidden");
    assert!(msg.contains("switched off"), "{msg}");
}

#[tokio::test]
async fn a_phase_without_a_registered_token_is_refused() {
    let f = Fixture::new(RelayConfig::default());
    f.gate
        .remove_token(APPLIANCE, ferry_api::grant::Phase::Deploy);
    let a = run(&f, call("GET", "/v2/droplets", Some(CREDENTIAL), "")).await;
    let msg = assert_do_error(&a, StatusCode::FORBIDDEN, "forbidden");
    assert!(msg.contains("deploy phase"), "{msg}");
}

#[tokio::test]
async fn the_path_without_the_do_segment_is_the_same_endpoint() {
    // godo resolves `v2/...` against its base URL: `api_endpoint = ".../do"` (no trailing
    // slash) sends `/relay/v1/appliances/app-1/v2/...`.
    let f = Fixture::new(RelayConfig::default());
    let req = Request::get("/relay/v1/appliances/app-1/v2/droplets")
        .header("authorization", format!("Bearer {CREDENTIAL}"))
        .body(Body::empty())
        .expect("request");
    let a = run(&f, req).await;
    assert_do_error(&a, StatusCode::SERVICE_UNAVAILABLE, "service_unavailable");
}

#[tokio::test]
async fn connect_without_a_websocket_upgrade_is_refused() {
    let f = Fixture::new(RelayConfig::default());
    let a = run(
        &f,
        Request::get("/relay/v1/connect")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert!(a.status.is_client_error(), "{}", a.status);
    assert!(f.relay.hub.is_empty());
}

#[tokio::test]
async fn the_relay_is_part_of_the_edge_host_router() {
    let f = Fixture::new(RelayConfig::default());
    let app = ferry::server::app(common::state().with_relay(f.relay.clone()));
    let a = send(
        app.clone(),
        call("GET", "/v2/droplets", Some(CREDENTIAL), ""),
    )
    .await;
    assert_do_error(&a, StatusCode::SERVICE_UNAVAILABLE, "service_unavailable");
    // The WebSocket endpoint without an upgrade: a JSON error like every other.
    let a = send(
        app.clone(),
        Request::get("/relay/v1/connect")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert!(a.status.is_client_error());
    assert!(a.json()["error"]["code"].is_string(), "{}", a.json());
    // Calls are counted by route template.
    let metrics = send(app, common::get("/metrics")).await;
    let text = String::from_utf8_lossy(&metrics.body);
    assert!(
        text.contains("/relay/v1/appliances/{appliance}/do/v2/{*rest}"),
        "{text}"
    );
}
