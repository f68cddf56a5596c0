//! The canary: a DigitalOcean token sealed client-side (as the dashboard and `ferry token seal`
//! do) never reaches the server in clear — not in any request or response body, not in the
//! database file, not in the logs, not in the audit log. Only its ciphertext travels, and only
//! the controller's key opens it.

mod broker_support;
mod common;

use axum::http::StatusCode;
use broker_support::*;
use ferry_api::broker::{CreatedDeploySession, NewGrant, Release};
use ferry_api::crypto::fingerprint;
use ferry_api::grant::{GrantBody, Phase, Window};
use std::io::Write;
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn a_sealed_canary_token_never_reaches_the_server_in_clear() {
    let logs = Capture::default();
    let writer = logs.clone();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("trace"))
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();

    let host = Host::new().await;
    let r = host.ready_appliance("acme").await;
    let id = r.id().to_string();
    let mut sent: Vec<Vec<u8>> = Vec::new();
    let mut received: Vec<Vec<u8>> = Vec::new();

    // Client side: check the shape, seal to the controller's key, upload the ciphertext.
    ferry_api::crypto::check_do_token(CANARY).expect("the canary looks like a token");
    let sealing = r.appliance.controller.clone().expect("keys").sealing_key;
    for phase in ["steady_state", "deploy"] {
        let upload = serde_json::json!({
            "sealed": sealing.seal_token(CANARY).expect("seal"),
            "fingerprint": fingerprint(CANARY),
            "scopes": ["droplet:read"],
            "expires_at_ms": T0 + 30 * 24 * HOUR,
        });
        sent.push(serde_json::to_vec(&upload).expect("json"));
        let a = r
            .customer()
            .put(&format!("/api/v1/appliances/{id}/tokens/{phase}"), &upload)
            .await
            .expect_status(StatusCode::OK);
        received.push(a.body);
    }
    // Everything else a deploy does: a release, a grant, a session, its use, the listings.
    let release_req = serde_json::json!({ "files": origin() });
    sent.push(serde_json::to_vec(&release_req).expect("json"));
    let release = host
        .vendor()
        .post(&format!("/api/v1/appliances/{id}/releases"), &release_req)
        .await
        .expect_status(StatusCode::CREATED);
    let release_id = release.parse::<Release>().id;
    received.push(release.body);
    let grant = NewGrant {
        grant: GrantBody::new(
            id.clone(),
            Phase::Deploy,
            Window::Manual {
                starts_at_ms: T0,
                ends_at_ms: T0 + HOUR,
            },
            None,
        )
        .sign(&r.approval)
        .expect("sign"),
        access_request_id: None,
    };
    sent.push(serde_json::to_vec(&grant).expect("json"));
    received.push(
        r.customer()
            .post(&format!("/api/v1/appliances/{id}/grants"), &grant)
            .await
            .expect_status(StatusCode::CREATED)
            .body,
    );
    let s = host
        .vendor()
        .post(
            &format!("/api/v1/appliances/{id}/sessions"),
            &serde_json::json!({"release_id": release_id}),
        )
        .await
        .expect_status(StatusCode::CREATED);
    let session: CreatedDeploySession = s.parse();
    received.push(s.body);
    host.broker()
        .authorize_deploy_session(&id, &session.credential, T0 + 1)
        .await
        .expect("session usable");
    for uri in [
        format!("/api/v1/appliances/{id}"),
        format!("/api/v1/appliances/{id}/tokens"),
        format!("/api/v1/appliances/{id}/audit?limit=5000"),
        "/api/v1/audit/verify".to_string(),
    ] {
        received.push(
            r.customer()
                .get(&uri)
                .await
                .expect_status(StatusCode::OK)
                .body,
        );
    }

    // What the relay hands the controller is ciphertext that only the controller opens.
    let rec = host
        .broker()
        .sealed_token(&id, Phase::Deploy)
        .await
        .expect("get")
        .expect("registered");
    assert_eq!(r.controller.open_token(&rec.sealed).expect("open"), CANARY);

    // Now look everywhere: the full token and its secret part (the 64 hex digits).
    let needles = [CANARY, &CANARY[7..]];
    for (i, body) in sent.iter().enumerate() {
        for n in needles {
            assert!(!contains(body, n), "request body {i} carries the token");
        }
    }
    for (i, body) in received.iter().enumerate() {
        for n in needles {
            assert!(!contains(body, n), "response body {i} carries the token");
        }
    }
    let audit = &received[received.len() - 2];
    assert!(
        contains(audit, &fingerprint(CANARY)),
        "the audit names the token by fingerprint"
    );
    let mut db_bytes = 0;
    for entry in std::fs::read_dir(host.dir.path()).expect("data dir") {
        let path = entry.expect("entry").path();
        let bytes = std::fs::read(&path).expect("read");
        db_bytes += bytes.len();
        for n in needles {
            assert!(!contains(&bytes, n), "{} carries the token", path.display());
        }
    }
    assert!(db_bytes > 0, "the database files were read");
    let logs = logs.0.lock().expect("lock").clone();
    assert!(
        contains(&logs, "/api/v1/appliances"),
        "the log capture works"
    );
    for n in needles {
        assert!(!contains(&logs, n), "the logs carry the token");
    }
    // Secrets minted by the server are not in the logs either.
    assert!(!contains(
        &logs,
        session.credential.split_once('.').expect("dot").1
    ));
    assert!(!contains(
        &logs,
        host.vendor_key.split_once('.').expect("dot").1
    ));
}
