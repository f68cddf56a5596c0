//! The broker's HTTP surface through the router (no sockets): every route family, the auth
//! rules (CSRF, cookie flags, CORS, rate limits, cross-customer 404s, the vendor never
//! approves), releases compiled in the sandbox, and a failed audit write as a 503.

mod broker_support;
mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use broker_support::*;
use ferry_api::broker::{
    AccessRequest, ApiKeyInfo, Appliance, AuditRecord, AuditVerification, CreatedApiKey,
    CreatedDeploySession, DeploySession, Grant, NewGrant, Release, RequestStatus, TokenInfo,
    Whoami,
};
use ferry_api::crypto::fingerprint;
use ferry_api::grant::{GrantBody, Phase, Window};
use std::io::Read as _;

fn manual(start: i64, end: i64) -> Window {
    Window::Manual {
        starts_at_ms: start,
        ends_at_ms: end,
    }
}

fn set_cookies(a: &common::Answer) -> Vec<String> {
    a.headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().expect("ascii").to_string())
        .collect()
}

/// `name=value` of a Set-Cookie header.
fn cookie_pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().expect("pair").to_string()
}

#[tokio::test]
async fn unauthenticated_requests_are_401_and_keys_authenticate() {
    let host = Host::new().await;
    let a = host
        .send(
            Request::get("/api/v1/appliances")
                .body(Body::empty())
                .expect("req"),
        )
        .await;
    a.assert_error(StatusCode::UNAUTHORIZED, "unauthenticated");
    assert!(a.headers.contains_key("www-authenticate"));
    Client::bearer(&host, "key_0000000000000000.nope")
        .get("/api/v1/auth/whoami")
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "unauthenticated");
    let me: Whoami = host
        .vendor()
        .get("/api/v1/auth/whoami")
        .await
        .expect_status(StatusCode::OK)
        .parse();
    assert_eq!(me.role, ferry_api::broker::Role::Vendor);
    assert_eq!(me.name, "Acme Software");
    assert!(me.csrf_token.is_none());
}

#[tokio::test]
async fn dashboard_sessions_use_host_cookies_and_csrf() {
    let host = Host::new().await;
    let login = host
        .send(json_request(
            Method::POST,
            "/api/v1/auth/session",
            &serde_json::json!({ "api_key": host.vendor_key }),
        ))
        .await
        .expect_status(StatusCode::OK);
    let who: Whoami = login.parse();
    let csrf = who.csrf_token.clone().expect("csrf token in the answer");
    let cookies = set_cookies(&login);
    assert_eq!(cookies.len(), 2);
    let session = cookies
        .iter()
        .find(|c| c.starts_with("__Host-ferry_session="))
        .expect("session cookie");
    for flag in ["Path=/", "Secure", "HttpOnly", "SameSite=Strict"] {
        assert!(
            session.split("; ").any(|f| f == flag),
            "{flag} missing: {session}"
        );
    }
    assert!(
        !session.contains("Domain"),
        "__Host- cookies carry no Domain"
    );
    let csrf_cookie = cookies
        .iter()
        .find(|c| c.starts_with("__Host-ferry_csrf="))
        .expect("csrf cookie");
    for flag in ["Path=/", "Secure", "SameSite=Strict"] {
        assert!(
            csrf_cookie.split("; ").any(|f| f == flag),
            "{flag} missing: {csrf_cookie}"
        );
    }
    assert_eq!(
        cookie_pair(csrf_cookie),
        format!("__Host-ferry_csrf={csrf}")
    );
    let jar = format!("{}; {}", cookie_pair(session), cookie_pair(csrf_cookie));

    // Reads need no CSRF token; whoami gives it back from the cookie.
    let cookie_only = Client::with_headers(&host, vec![("cookie".into(), jar.clone())]);
    let me: Whoami = cookie_only
        .get("/api/v1/auth/whoami")
        .await
        .expect_status(StatusCode::OK)
        .parse();
    assert_eq!(me.csrf_token.as_deref(), Some(csrf.as_str()));
    // A state-changing request without the header, or with a wrong one: 403.
    let body = serde_json::json!({"name": "x", "instance_id": "x1", "region": "nyc3", "customer_name": "X"});
    cookie_only
        .post("/api/v1/appliances", &body)
        .await
        .assert_error(StatusCode::FORBIDDEN, "csrf");
    let wrong = Client::with_headers(
        &host,
        vec![
            ("cookie".into(), jar.clone()),
            ("x-csrf-token".into(), "forged".into()),
        ],
    );
    wrong
        .post("/api/v1/appliances", &body)
        .await
        .assert_error(StatusCode::FORBIDDEN, "csrf");
    // The header without the cookie (a cross-site form cannot set either): 403.
    let no_cookie = Client::with_headers(
        &host,
        vec![
            ("cookie".into(), cookie_pair(session)),
            ("x-csrf-token".into(), csrf.clone()),
        ],
    );
    no_cookie
        .post("/api/v1/appliances", &body)
        .await
        .assert_error(StatusCode::FORBIDDEN, "csrf");
    let dashboard = Client::with_headers(
        &host,
        vec![
            ("cookie".into(), jar.clone()),
            ("x-csrf-token".into(), csrf.clone()),
        ],
    );
    dashboard
        .post("/api/v1/appliances", &body)
        .await
        .expect_status(StatusCode::CREATED);
    // Bearer requests need no CSRF token.
    let body2 = serde_json::json!({"name": "y", "instance_id": "y1", "region": "nyc3", "customer_name": "Y"});
    host.vendor()
        .post("/api/v1/appliances", &body2)
        .await
        .expect_status(StatusCode::CREATED);
    // Sign out: cookies cleared, the session is dead.
    let out = dashboard
        .delete("/api/v1/auth/session")
        .await
        .expect_status(StatusCode::OK);
    assert!(set_cookies(&out).iter().all(|c| c.contains("Max-Age=0")));
    cookie_only
        .get("/api/v1/auth/whoami")
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "unauthenticated");
}

#[tokio::test]
async fn authentication_is_rate_limited_per_ip() {
    let host = Host::with(|c| {
        c.auth_burst = 3;
        c.auth_refill = std::time::Duration::from_secs(3600);
    })
    .await;
    let attempt = |key: &str| {
        json_request(
            Method::POST,
            "/api/v1/auth/session",
            &serde_json::json!({ "api_key": key }),
        )
    };
    for _ in 0..3 {
        host.send(attempt("key_0000000000000000.wrong"))
            .await
            .assert_error(StatusCode::UNAUTHORIZED, "unauthenticated");
    }
    let a = host.send(attempt(&host.vendor_key)).await;
    a.assert_error(StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    assert!(
        a.headers["retry-after"]
            .to_str()
            .expect("ascii")
            .parse::<u32>()
            .expect("seconds")
            > 0
    );
    // Failed bearer authentications spend the same budget.
    Client::bearer(&host, "key_0000000000000000.wrong")
        .get("/api/v1/appliances")
        .await
        .assert_error(StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    // A valid key still works: only failures are limited.
    host.vendor()
        .get("/api/v1/appliances")
        .await
        .expect_status(StatusCode::OK);
}

#[tokio::test]
async fn cors_allows_only_listed_origins() {
    let host = Host::new().await;
    let with_origin = |method: Method, origin: &str| {
        let mut r = Request::builder()
            .method(method)
            .uri("/api/v1/auth/whoami")
            .header("origin", origin)
            .header("authorization", format!("Bearer {}", host.vendor_key));
        if r.method_ref() == Some(&Method::OPTIONS) {
            r = r.header("access-control-request-method", "GET");
        }
        r.body(Body::empty()).expect("req")
    };
    host.send(with_origin(Method::GET, "https://evil.test"))
        .await
        .assert_error(StatusCode::FORBIDDEN, "origin_not_allowed");
    let a = host
        .send(with_origin(Method::GET, "https://dashboard.test"))
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(
        a.headers["access-control-allow-origin"],
        "https://dashboard.test"
    );
    assert_eq!(a.headers["access-control-allow-credentials"], "true");
    let pre = host
        .send(with_origin(Method::OPTIONS, "https://dashboard.test"))
        .await;
    assert_eq!(pre.status, StatusCode::NO_CONTENT);
    assert!(
        pre.headers["access-control-allow-headers"]
            .to_str()
            .expect("ascii")
            .contains("x-csrf-token")
    );
    host.send(with_origin(Method::OPTIONS, "https://evil.test"))
        .await
        .assert_error(StatusCode::FORBIDDEN, "origin_not_allowed");
    // Same origin: the public URL, no CORS headers needed.
    let a = host
        .send(with_origin(Method::GET, PUBLIC))
        .await
        .expect_status(StatusCode::OK);
    assert!(!a.headers.contains_key("access-control-allow-origin"));
}

#[tokio::test]
async fn every_route_family_end_to_end() {
    let host = Host::new().await;
    let vendor = host.vendor();
    let r = host.ready_appliance("acme").await;
    let customer = r.customer();
    let id = r.id().to_string();
    assert_eq!(
        r.appliance.status,
        ferry_api::broker::ApplianceStatus::Ready
    );

    // Appliances: listed, shown.
    let list: Vec<Appliance> = vendor
        .get("/api/v1/appliances")
        .await
        .expect_status(StatusCode::OK)
        .parse();
    assert_eq!(list.len(), 1);
    let shown: Appliance = customer
        .get(&format!("/api/v1/appliances/{id}"))
        .await
        .expect_status(StatusCode::OK)
        .parse();
    assert_eq!(shown.phases.len(), 4);

    // Steady-state switch (customer only).
    vendor
        .put(
            &format!("/api/v1/appliances/{id}/phases/steady_state"),
            &serde_json::json!({"enabled": false}),
        )
        .await
        .assert_error(StatusCode::FORBIDDEN, "customer_only");
    let off: Appliance = customer
        .put(
            &format!("/api/v1/appliances/{id}/phases/steady_state"),
            &serde_json::json!({"enabled": false}),
        )
        .await
        .expect_status(StatusCode::OK)
        .parse();
    assert!(
        off.phases
            .iter()
            .any(|p| p.phase == Phase::SteadyState && p.disabled)
    );

    // Releases: compiled in the sandbox with the appliance's instance id, region and relay URL.
    let release: Release = vendor
        .post(
            &format!("/api/v1/appliances/{id}/releases"),
            &serde_json::json!({ "files": origin(), "note": "v1" }),
        )
        .await
        .expect_status(StatusCode::CREATED)
        .parse();
    assert!(release.deployable, "{release:?}");
    let files = release.files.clone().expect("files");
    let all: String = files.values().cloned().collect();
    assert!(
        all.contains(&format!("{PUBLIC}/relay/v1/appliances/{id}")),
        "relay URL compiled in"
    );
    assert!(all.contains("\"acme\""), "instance id compiled in");
    assert_eq!(release.digest, ferry_broker::release::files_digest(&files));
    let report = release.report.clone().expect("report");
    assert_eq!(report["instance_id"], "acme");
    customer
        .post(
            &format!("/api/v1/appliances/{id}/releases"),
            &serde_json::json!({ "files": origin() }),
        )
        .await
        .assert_error(StatusCode::FORBIDDEN, "vendor_only");
    vendor
        .post(
            &format!("/api/v1/appliances/{id}/releases"),
            &serde_json::json!({ "files": origin(), "options": {"instance_id": "other"} }),
        )
        .await
        .assert_error(StatusCode::BAD_REQUEST, "option_fixed");
    let listed: Vec<Release> = customer
        .get(&format!("/api/v1/appliances/{id}/releases"))
        .await
        .expect_status(StatusCode::OK)
        .parse();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].files.is_none());
    let full: Release = customer
        .get(&format!("/api/v1/releases/{}", release.id))
        .await
        .expect_status(StatusCode::OK)
        .parse();
    assert_eq!(full.files, release.files);
    let tar = vendor
        .get(&format!("/api/v1/releases/{}/stack.tar.gz", release.id))
        .await
        .expect_status(StatusCode::OK);
    assert_eq!(tar.headers["content-type"], "application/gzip");
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(&tar.body[..]));
    let mut names = Vec::new();
    for entry in archive.entries().expect("entries") {
        let mut entry = entry.expect("entry");
        let name = entry.path().expect("path").display().to_string();
        if name.ends_with("README.md") {
            let mut text = String::new();
            entry.read_to_string(&mut text).expect("read");
            assert!(text.contains("tofu init && tofu apply"));
        }
        names.push(name);
    }
    assert!(
        names.contains(&format!("{}/main.tf", release.id)),
        "{names:?}"
    );
    assert!(
        names.contains(&format!("{}/README.md", release.id)),
        "{names:?}"
    );

    // Access request → the customer's signed approval; the vendor can never approve.
    let req: AccessRequest = vendor
        .post(
            &format!("/api/v1/appliances/{id}/access-requests"),
            &serde_json::json!({
                "phase": "deploy",
                "window": {"kind": "manual", "starts_at_ms": T0, "ends_at_ms": T0 + 2 * HOUR},
                "release_id": release.id,
                "reason": "ship v1",
            }),
        )
        .await
        .expect_status(StatusCode::CREATED)
        .parse();
    let signed = GrantBody::new(
        id.clone(),
        Phase::Deploy,
        manual(T0, T0 + 2 * HOUR),
        Some(release.digest.clone()),
    )
    .sign(&r.approval)
    .expect("sign");
    let new = NewGrant {
        grant: signed,
        access_request_id: Some(req.id.clone()),
    };
    vendor
        .post(&format!("/api/v1/appliances/{id}/grants"), &new)
        .await
        .assert_error(StatusCode::FORBIDDEN, "vendor_cannot_approve");
    let grant: Grant = customer
        .post(&format!("/api/v1/appliances/{id}/grants"), &new)
        .await
        .expect_status(StatusCode::CREATED)
        .parse();
    customer
        .post(&format!("/api/v1/appliances/{id}/grants"), &new)
        .await
        .assert_error(StatusCode::FORBIDDEN, "nonce_reused");
    let mut forged = new.clone();
    forged.grant.body.window = manual(T0, T0 + 200 * HOUR);
    forged.access_request_id = None;
    customer
        .post(&format!("/api/v1/appliances/{id}/grants"), &forged)
        .await
        .assert_error(StatusCode::FORBIDDEN, "bad_signature");
    let reqs: Vec<AccessRequest> = vendor
        .get(&format!("/api/v1/appliances/{id}/access-requests"))
        .await
        .expect_status(StatusCode::OK)
        .parse();
    assert_eq!(reqs[0].status, RequestStatus::Approved);
    let grants: Vec<Grant> = vendor
        .get(&format!("/api/v1/appliances/{id}/grants"))
        .await
        .expect_status(StatusCode::OK)
        .parse();
    assert_eq!(grants.len(), 1);
    // Refusal of another request.
    let req2: AccessRequest = vendor
        .post(
            &format!("/api/v1/appliances/{id}/access-requests"),
            &serde_json::json!({
                "phase": "operate",
                "window": {"kind": "manual", "starts_at_ms": T0, "ends_at_ms": T0 + HOUR},
                "reason": "resize",
            }),
        )
        .await
        .expect_status(StatusCode::CREATED)
        .parse();
    let refused: AccessRequest = customer
        .post(
            &format!("/api/v1/access-requests/{}/refuse", req2.id),
            &serde_json::json!({"reason": "no"}),
        )
        .await
        .expect_status(StatusCode::OK)
        .parse();
    assert_eq!(refused.status, RequestStatus::Refused);

    // Tokens: sealed client-side, ciphertext only.
    let sealing = r.appliance.controller.clone().expect("keys").sealing_key;
    let upload = serde_json::json!({
        "sealed": sealing.seal_token(CANARY).expect("seal"),
        "fingerprint": fingerprint(CANARY),
        "scopes": ["droplet:create", "droplet:read"],
        "expires_at_ms": T0 + 30 * 24 * HOUR,
    });
    customer
        .put(&format!("/api/v1/appliances/{id}/tokens/deploy"), &upload)
        .await
        .expect_status(StatusCode::OK);
    customer
        .put(&format!("/api/v1/appliances/{id}/tokens/sideways"), &upload)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "unknown_phase");
    let tokens: Vec<TokenInfo> = vendor
        .get(&format!("/api/v1/appliances/{id}/tokens"))
        .await
        .expect_status(StatusCode::OK)
        .parse();
    assert_eq!(tokens.len(), 1);
    assert_eq!(tokens[0].fingerprint, fingerprint(CANARY));

    // Deploy sessions: minted in the window, shown once, revocable.
    let session: CreatedDeploySession = vendor
        .post(
            &format!("/api/v1/appliances/{id}/sessions"),
            &serde_json::json!({"release_id": release.id}),
        )
        .await
        .expect_status(StatusCode::CREATED)
        .parse();
    assert_eq!(session.session.grant_id, grant.id);
    assert_eq!(session.session.expires_at_ms, T0 + 2 * HOUR);
    let sg = host
        .broker()
        .authorize_deploy_session(&id, &session.credential, T0 + 1)
        .await
        .expect("usable");
    assert_eq!(sg.release_digest, release.digest);
    let sessions: Vec<DeploySession> = vendor
        .get(&format!("/api/v1/appliances/{id}/sessions"))
        .await
        .expect_status(StatusCode::OK)
        .parse();
    assert_eq!(sessions.len(), 1);
    assert!(
        !String::from_utf8_lossy(
            &vendor
                .get(&format!("/api/v1/appliances/{id}/sessions"))
                .await
                .body
        )
        .contains(&session.credential)
    );
    let revoked: DeploySession = vendor
        .delete(&format!("/api/v1/sessions/{}", session.session.id))
        .await
        .expect_status(StatusCode::OK)
        .parse();
    assert!(revoked.revoked_at_ms.is_some());

    // Grant revocation; token removal.
    let g: Grant = customer
        .delete(&format!("/api/v1/grants/{}", grant.id))
        .await
        .expect_status(StatusCode::OK)
        .parse();
    assert!(g.revoked_at_ms.is_some());
    customer
        .delete(&format!("/api/v1/appliances/{id}/tokens/deploy"))
        .await
        .expect_status(StatusCode::OK);

    // API keys.
    let k: CreatedApiKey = customer
        .post("/api/v1/auth/keys", &serde_json::json!({"label": "ci"}))
        .await
        .expect_status(StatusCode::CREATED)
        .parse();
    let keys: Vec<ApiKeyInfo> = customer
        .get("/api/v1/auth/keys")
        .await
        .expect_status(StatusCode::OK)
        .parse();
    assert_eq!(keys.len(), 2);
    customer
        .delete(&format!("/api/v1/auth/keys/{}", k.key.id))
        .await
        .expect_status(StatusCode::OK);
    Client::bearer(&host, &k.secret)
        .get("/api/v1/auth/whoami")
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "unauthenticated");

    // Audit: the appliance's log, and the chain verifies.
    let log: Vec<AuditRecord> = customer
        .get(&format!("/api/v1/appliances/{id}/audit?limit=1000"))
        .await
        .expect_status(StatusCode::OK)
        .parse();
    let actions: Vec<&str> = log.iter().map(|r| r.action.as_str()).collect();
    for want in [
        "appliance.created",
        "invitation.created",
        "invitation.accepted",
        "controller.registered",
        "steady_state.disabled",
        "release.created",
        "access.requested",
        "grant.refused",
        "grant.created",
        "access.refused",
        "token.registered",
        "session.created",
        "session.used",
        "session.revoked",
        "grant.revoked",
        "token.removed",
    ] {
        assert!(actions.contains(&want), "{want} not audited: {actions:?}");
    }
    let page: Vec<AuditRecord> = customer
        .get(&format!(
            "/api/v1/appliances/{id}/audit?limit=2&before={}",
            log[0].seq
        ))
        .await
        .expect_status(StatusCode::OK)
        .parse();
    assert_eq!(page.len(), 2);
    assert!(page.iter().all(|p| p.seq < log[0].seq));
    let v: AuditVerification = customer
        .get("/api/v1/audit/verify")
        .await
        .expect_status(StatusCode::OK)
        .parse();
    assert!(v.ok, "{v:?}");
}

#[tokio::test]
async fn a_customer_sees_only_their_appliances() {
    let host = Host::new().await;
    let a = host.ready_appliance("acme").await;
    let b = host.ready_appliance("initech").await;
    let mine: Vec<Appliance> = a
        .customer()
        .get("/api/v1/appliances")
        .await
        .expect_status(StatusCode::OK)
        .parse();
    assert_eq!(
        mine.iter().map(|x| x.id.as_str()).collect::<Vec<_>>(),
        [a.id()]
    );
    let other = b.id();
    for uri in [
        format!("/api/v1/appliances/{other}"),
        format!("/api/v1/appliances/{other}/releases"),
        format!("/api/v1/appliances/{other}/grants"),
        format!("/api/v1/appliances/{other}/tokens"),
        format!("/api/v1/appliances/{other}/sessions"),
        format!("/api/v1/appliances/{other}/access-requests"),
        format!("/api/v1/appliances/{other}/audit"),
    ] {
        a.customer()
            .get(&uri)
            .await
            .assert_error(StatusCode::NOT_FOUND, "not_found");
    }
    a.customer()
        .put(
            &format!("/api/v1/appliances/{other}/phases/steady_state"),
            &serde_json::json!({"enabled": false}),
        )
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
    let grant = NewGrant {
        grant: GrantBody::new(other, Phase::Operate, manual(T0, T0 + HOUR), None)
            .sign(&a.approval)
            .expect("sign"),
        access_request_id: None,
    };
    a.customer()
        .post(&format!("/api/v1/appliances/{other}/grants"), &grant)
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
    // Nothing of it leaked into the other customer's appliance.
    assert!(
        host.broker()
            .active_grant(other, Phase::Operate, T0)
            .await
            .expect("a")
            .is_none()
    );
}

#[tokio::test]
async fn a_release_with_compile_errors_is_stored_but_not_deployable() {
    let host = Host::new().await;
    let r = host.ready_appliance("acme").await;
    let id = r.id();
    let broken =
        serde_json::json!({ "main.tf": "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \n" });
    let release: Release = host
        .vendor()
        .post(
            &format!("/api/v1/appliances/{id}/releases"),
            &serde_json::json!({ "files": broken }),
        )
        .await
        .expect_status(StatusCode::CREATED)
        .parse();
    assert!(!release.deployable && release.errors > 0, "{release:?}");
    let signed = GrantBody::new(id, Phase::Deploy, manual(T0, T0 + HOUR), None)
        .sign(&r.approval)
        .expect("sign");
    r.customer()
        .post(
            &format!("/api/v1/appliances/{id}/grants"),
            &NewGrant {
                grant: signed,
                access_request_id: None,
            },
        )
        .await
        .expect_status(StatusCode::CREATED);
    host.vendor()
        .post(
            &format!("/api/v1/appliances/{id}/sessions"),
            &serde_json::json!({"release_id": release.id}),
        )
        .await
        .assert_error(StatusCode::FORBIDDEN, "release_not_deployable");
}

#[tokio::test]
async fn a_failed_audit_write_is_a_503_and_changes_nothing() {
    let host = Host::new().await;
    let r = host.ready_appliance("acme").await;
    sqlx::raw_sql(
        "CREATE TRIGGER audit_fail BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'disk full'); END",
    )
    .execute(host.broker().store().pool())
    .await
    .expect("trigger");
    let a = r
        .customer()
        .put(
            &format!("/api/v1/appliances/{}/phases/steady_state", r.id()),
            &serde_json::json!({"enabled": false}),
        )
        .await;
    a.assert_error(StatusCode::SERVICE_UNAVAILABLE, "audit_unavailable");
    assert!(a.headers.contains_key("retry-after"));
    let now: Appliance = r
        .customer()
        .get(&format!("/api/v1/appliances/{}", r.id()))
        .await
        .expect_status(StatusCode::OK)
        .parse();
    assert!(
        now.phases
            .iter()
            .any(|p| p.phase == Phase::SteadyState && p.active),
        "unchanged"
    );
}

#[tokio::test]
async fn bad_bodies_and_unknown_routes_are_json_errors() {
    let host = Host::new().await;
    host.vendor()
        .post("/api/v1/appliances", &serde_json::json!({"name": 1}))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "bad_request");
    host.vendor()
        .post("/api/v1/appliances", &serde_json::json!({"name": "x", "instance_id": "BAD!", "region": "nyc3", "customer_name": "c"}))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "invalid_instance_id");
    host.vendor()
        .get("/api/v1/appliances/app_0000000000000000")
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
    host.vendor()
        .get("/api/v1/nothing-here")
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
    // Without a broker the routes say so.
    let bare = common::state();
    common::send(
        ferry::server::app(bare),
        Request::get("/api/v1/appliances")
            .body(Body::empty())
            .expect("req"),
    )
    .await
    .assert_error(StatusCode::SERVICE_UNAVAILABLE, "broker_disabled");
}
