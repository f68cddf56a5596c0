//! The relay over the real broker, on loopback: the whole loop through the edge host's HTTP API
//! — appliance, invitation, controller keys, sealed tokens, a release compiled in the sandbox, a
//! customer-signed Deploy grant, a deploy session — then a controller dials in and the session's
//! credential drives DigitalOcean calls through the endpoint compiled into the release, until
//! the vendor revokes the session. The audit chain holds the relay's records and verifies.

mod common;

use common::http::Api;

use ferry::server::relay::{RelayConfig, now_ms};
use ferry_api::broker::{
    Appliance, AuditRecord, AuditVerification, CreatedApiKey, CreatedDeploySession, Invitation,
    Release,
};
use ferry_api::crypto::{SealingSecretKey, SigningKey, fingerprint};
use ferry_api::grant::{GrantBody, Phase, Window};
use ferry_controller::Controller;
use ferry_controller::retry::{Backoff, RetryPolicy};
use ferry_controller::testing::FakeDo;
use serde_json::{Value, json};
use std::time::Duration;

const DEPLOY_TOKEN: &str =
    "dop_v1_d000000000000000000000000000000000000000000000000000000000000001";

/// What godo does with `api_endpoint` and a relative `v2/...` path (url.Parse + ResolveReference):
/// the endpoint's last path segment is replaced unless it ends with `/`.
fn godo_url(api_endpoint: &str, relative: &str) -> String {
    match api_endpoint.strip_suffix('/') {
        Some(dir) => format!("{dir}/{relative}"),
        None => match api_endpoint.rfind('/') {
            Some(i) => format!("{}/{relative}", &api_endpoint[..i]),
            None => relative.to_string(),
        },
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deploy_session_from_the_broker_drives_digitalocean_through_the_relay() {
    let host = common::host::serve(
        RelayConfig {
            reauth_interval: Duration::from_millis(100),
            ..RelayConfig::default()
        },
        |relay| relay,
    )
    .await;
    let (vendor, public, dir) = (host.vendor, host.base, host.data);
    let api = Api {
        http: reqwest::Client::new(),
        base: public.clone(),
    };

    // The vendor creates the appliance and invites the customer.
    let appliance: Appliance = api
        .ok(&vendor, "POST", "/api/v1/appliances", Some(json!({
            "name": "Acme prod", "instance_id": "acme", "region": "nyc3", "customer_name": "Acme Inc"
        })))
        .await;
    let id = appliance.id.clone();
    let invitation: Invitation = api
        .ok(
            &vendor,
            "POST",
            &format!("/api/v1/appliances/{id}/invitations"),
            None,
        )
        .await;
    let approval = SigningKey::generate();
    let (status, accepted) = api
        .send(
            "",
            "POST",
            "/api/v1/invitations/accept",
            Some(json!({
                "secret": invitation.secret, "approval_key": approval.verifying_key()
            })),
        )
        .await;
    assert_eq!(status, 201, "{accepted}");
    let customer = serde_json::from_value::<CreatedApiKey>(accepted)
        .expect("key")
        .secret;

    // The customer registers the controller's keys (`ferry controller keygen` prints them) and
    // seals the Deploy token to it.
    let identity = SigningKey::generate();
    let sealing = SealingSecretKey::generate();
    let _: Appliance = api
        .ok(
            &customer,
            "PUT",
            &format!("/api/v1/appliances/{id}/controller"),
            Some(json!({
                "signing_key": identity.verifying_key(), "sealing_key": sealing.public_key()
            })),
        )
        .await;
    let now = now_ms();
    let _: Value = api
        .ok(
            &customer,
            "PUT",
            &format!("/api/v1/appliances/{id}/tokens/deploy"),
            Some(json!({
                "sealed": sealing.public_key().seal_token(DEPLOY_TOKEN).expect("seal"),
                "fingerprint": fingerprint(DEPLOY_TOKEN),
                "scopes": ["droplet:create", "droplet:read", "droplet:delete"],
                "expires_at_ms": now + 30 * 86_400_000i64,
            })),
        )
        .await;

    // A release, compiled in the sandbox with the appliance's relay endpoint.
    let release: Release = api
        .ok(&vendor, "POST", &format!("/api/v1/appliances/{id}/releases"), Some(json!({
            "files": {"main.tf": "provider \"aws\" {\n  region = \"us-east-1\"\n}\n\nresource \"aws_s3_bucket\" \"assets\" {\n  bucket = \"assets-${var.instance_id}\"\n}\n"}
        })))
        .await;
    let files = release.files.clone().unwrap_or_default();
    let variables = files.get("variables.tf").cloned().unwrap_or_default();
    let endpoint = format!("{public}/relay/v1/appliances/{id}/do");
    assert!(
        variables.contains(&format!("\"{endpoint}\"")),
        "{variables}"
    );

    // The customer approves a Deploy window; the vendor mints a session.
    let grant = GrantBody::new(
        id.clone(),
        Phase::Deploy,
        Window::Manual {
            starts_at_ms: now - 60_000,
            ends_at_ms: now + 3_600_000,
        },
        Some(release.digest.clone()),
    )
    .sign(&approval)
    .expect("sign");
    let _: Value = api
        .ok(
            &customer,
            "POST",
            &format!("/api/v1/appliances/{id}/grants"),
            Some(json!({"grant": grant})),
        )
        .await;
    let session: CreatedDeploySession = api
        .ok(
            &vendor,
            "POST",
            &format!("/api/v1/appliances/{id}/sessions"),
            Some(json!({"release_id": release.id})),
        )
        .await;

    // The controller dials in; the appliance shows it connected.
    let fake = FakeDo::start(&[DEPLOY_TOKEN]).await.expect("fake DO");
    let controller = Controller::spawn(ferry_controller::Config {
        relay_url: public.replace("http://", "ws://"),
        do_api: fake.url.clone(),
        appliance_id: id.clone(),
        instance_id: "acme".into(),
        identity,
        sealing,
        approval_key: approval.verifying_key(),
        state_file: Some(dir.path().join("controller.state.json")),
        retry: RetryPolicy {
            max_retries: 2,
            wait_min: Duration::from_millis(5),
            wait_max: Duration::from_millis(20),
        },
        backoff: Backoff {
            base: Duration::from_millis(20),
            cap: Duration::from_millis(200),
        },
        heartbeat: Duration::from_secs(1),
        handshake_timeout: Duration::from_secs(5),
        connect_timeout: Duration::from_secs(5),
        read_timeout: Duration::from_secs(30),
        max_body_bytes: 8 << 20,
        max_concurrent: 16,
        // Collection is tested in observe_e2e.rs; here DigitalOcean must see only relayed calls.
        metrics: ferry_controller::metrics::MetricsConfig::off(),
    })
    .expect("controller");
    assert!(
        controller.wait_connected(Duration::from_secs(10)).await,
        "connects"
    );
    let seen: Appliance = api
        .ok(&vendor, "GET", &format!("/api/v1/appliances/{id}"), None)
        .await;
    assert!(seen.controller_connected);

    // The provider's calls, at the URL godo makes of the compiled endpoint.
    let url = godo_url(&endpoint, "v2/droplets");
    assert_eq!(
        url,
        format!("{public}/relay/v1/appliances/{id}/v2/droplets")
    );
    let res = api
        .http
        .post(&url)
        .bearer_auth(&session.credential)
        .header("content-type", "application/json")
        .body(json!({"name": "web-acme", "region": "nyc3", "size": "s-1vcpu-1gb", "image": "ubuntu-24-04-x64", "tags": ["instance-id:acme"]}).to_string())
        .send()
        .await
        .expect("answer");
    assert_eq!(res.status().as_u16(), 201);
    assert_eq!(fake.objects("/v2/droplets").len(), 1);
    let res = api
        .http
        .get(&url)
        .bearer_auth(&session.credential)
        .send()
        .await
        .expect("answer");
    assert_eq!(res.status().as_u16(), 200);
    let untagged = api
        .http
        .post(&url)
        .bearer_auth(&session.credential)
        .body(
            json!({"name": "miner", "region": "nyc3", "size": "s-1vcpu-1gb", "image": "x"})
                .to_string(),
        )
        .send()
        .await
        .expect("answer");
    assert_eq!(untagged.status().as_u16(), 403);

    // The vendor revokes the session: the next call is refused.
    let _: Value = api
        .ok(
            &vendor,
            "DELETE",
            &format!("/api/v1/sessions/{}", session.session.id),
            None,
        )
        .await;
    let res = api
        .http
        .get(&url)
        .bearer_auth(&session.credential)
        .send()
        .await
        .expect("answer");
    assert_eq!(res.status().as_u16(), 401);

    // The audit chain holds the session's uses, the relay's calls and refusals, the
    // controller's connection — no secret — and verifies.
    let mut records: Vec<AuditRecord> = Vec::new();
    for _ in 0..300 {
        records = api
            .ok(
                &customer,
                "GET",
                &format!("/api/v1/appliances/{id}/audit"),
                None,
            )
            .await;
        if records
            .iter()
            .filter(|r| r.action.starts_with("relay."))
            .count()
            >= 4
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let actions: Vec<&str> = records.iter().map(|r| r.action.as_str()).collect();
    for want in [
        "controller.connected",
        "session.used",
        "relay.call",
        "relay.refused",
        "session.refused",
    ] {
        assert!(actions.contains(&want), "{want} missing from {actions:?}");
    }
    let call = records
        .iter()
        .find(|r| r.action == "relay.call" && r.detail.starts_with("POST /v2/droplets"))
        .expect("the create is audited");
    assert!(
        call.detail.contains("→ 201") && call.actor.starts_with("session:"),
        "{call:?}"
    );
    for r in &records {
        assert!(
            !r.detail.contains(DEPLOY_TOKEN) && !r.detail.contains(&session.credential),
            "{r:?}"
        );
    }
    let verified: AuditVerification = api.ok(&customer, "GET", "/api/v1/audit/verify", None).await;
    assert!(verified.ok, "{verified:?}");
    controller.shutdown().await;
}
