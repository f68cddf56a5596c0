//! The relay end to end on loopback: the edge host's router on a real port, a real controller
//! task dialling it over WebSocket, and a fake DigitalOcean API (`ferry_controller::testing`).
//! Calls go through; refusals are audited; a create lost with its controller is not made twice;
//! revocation cuts an open session within a second; an offline controller is a 503 until it
//! reconnects.

mod common;

use common::relay::{APPLIANCE, CREDENTIAL, DEPLOY_TOKEN, Fixture, STEADY_TOKEN, audited};
use ferry::server::relay::{RelayConfig, now_ms};
use ferry_controller::testing::{FakeDo, Fault};
use ferry_controller::{ConnState, Controller};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

struct Env {
    f: Fixture,
    fake: FakeDo,
    addr: SocketAddr,
    http: reqwest::Client,
    _dir: tempfile::TempDir,
    state_file: std::path::PathBuf,
}

impl Env {
    async fn start(config: RelayConfig) -> Self {
        let f = Fixture::new(config);
        let fake = FakeDo::start(&[DEPLOY_TOKEN, STEADY_TOKEN])
            .await
            .expect("fake DO");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let state = common::state().with_relay(f.relay.clone());
        tokio::spawn(ferry::server::serve(
            listener,
            state,
            std::future::pending(),
        ));
        let dir = tempfile::tempdir().expect("tempdir");
        Self {
            state_file: dir.path().join("controller.state.json"),
            f,
            fake,
            addr,
            http: reqwest::Client::new(),
            _dir: dir,
        }
    }

    fn controller(&self) -> Controller {
        let config = self.f.controller(
            &format!("ws://{}", self.addr),
            &self.fake.url,
            Some(self.state_file.clone()),
        );
        Controller::spawn(config).expect("controller starts")
    }

    async fn connected_controller(&self) -> Controller {
        let c = self.controller();
        assert!(
            c.wait_connected(Duration::from_secs(10)).await,
            "the controller connects"
        );
        c
    }

    fn url(&self, path: &str) -> String {
        format!(
            "http://{}/relay/v1/appliances/{APPLIANCE}/do{path}",
            self.addr
        )
    }

    async fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> (u16, reqwest::header::HeaderMap, Value) {
        self.call_as(CREDENTIAL, method, path, body).await
    }

    async fn call_as(
        &self,
        credential: &str,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> (u16, reqwest::header::HeaderMap, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut req = self
            .http
            .request(method, self.url(path))
            .bearer_auth(credential)
            .header("user-agent", "Terraform/1.9.0 godo/1.150.0")
            .header("accept", "application/json");
        if let Some(b) = body {
            req = req
                .header("content-type", "application/json")
                .body(b.to_string());
        }
        let res = req.send().await.expect("the relay answers");
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let bytes = res.bytes().await.expect("body");
        let v = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| json!(String::from_utf8_lossy(&bytes)))
        };
        (status, headers, v)
    }

    async fn wait_offline(&self) {
        for _ in 0..500 {
            if !self.f.relay.controller_connected(APPLIANCE) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("the relay still sees the controller");
    }
}

fn droplet(name: &str) -> Value {
    json!({"name": name, "region": "nyc3", "size": "s-1vcpu-1gb", "image": "ubuntu-24-04-x64", "tags": ["instance-id:acme"]})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_go_through_the_controller_with_the_phase_token() {
    let env = Env::start(RelayConfig::default()).await;
    let controller = env.connected_controller().await;
    assert_eq!(controller.state(), ConnState::Connected);
    audited(&env.f.gate, |e| e.action == "controller.connected").await;

    let (status, _, created) = env
        .call("POST", "/v2/droplets", Some(droplet("web-1-acme")))
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["droplet"]["id"].as_u64().expect("id");
    env.call("POST", "/v2/droplets", Some(droplet("web-2-acme")))
        .await;

    // Pagination links point back at the relay, and following them works.
    let (status, headers, page1) = env.call("GET", "/v2/droplets?per_page=1", None).await;
    assert_eq!(status, 200, "{page1}");
    assert_eq!(
        headers.get("ratelimit-limit").and_then(|v| v.to_str().ok()),
        Some("5000")
    );
    let next = page1["links"]["pages"]["next"]
        .as_str()
        .expect("next link")
        .to_string();
    assert_eq!(next, env.url("/v2/droplets?page=2&per_page=1"));
    let res = env
        .http
        .get(&next)
        .bearer_auth(CREDENTIAL)
        .send()
        .await
        .expect("next page");
    let page2: Value = serde_json::from_slice(&res.bytes().await.expect("body")).expect("JSON");
    assert_eq!(page2["droplets"][0]["name"], "web-2-acme");

    // A write on an existing resource of the appliance (read first through the controller).
    let (status, _, _) = env
        .call(
            "POST",
            &format!("/v2/droplets/{id}/actions"),
            Some(json!({"type": "reboot"})),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _, _) = env
        .call("DELETE", &format!("/v2/droplets/{id}"), None)
        .await;
    assert_eq!(status, 204);
    assert_eq!(env.fake.objects("/v2/droplets").len(), 1);

    // DigitalOcean saw the Deploy token, the caller's agent and the controller's.
    let calls = env.fake.calls();
    assert!(
        calls
            .iter()
            .all(|c| c.token.as_deref() == Some(DEPLOY_TOKEN)),
        "{calls:#?}"
    );
    let agent = calls[0].user_agent.clone().unwrap_or_default();
    assert!(
        agent.starts_with("Terraform/1.9.0 godo/1.150.0 ferry-controller/"),
        "{agent}"
    );

    // Every call is audited; no record holds a token or the credential.
    let e = audited(&env.f.gate, |e| {
        e.action == "relay.call" && e.detail.starts_with("DELETE")
    })
    .await;
    assert_eq!(e.actor, "session:s-1");
    assert!(
        e.detail.contains("→ 204") && e.detail.contains("phase deploy"),
        "{e:?}"
    );
    for e in env.f.gate.audit_log() {
        for secret in [DEPLOY_TOKEN, STEADY_TOKEN, CREDENTIAL] {
            assert!(!e.detail.contains(secret), "{e:?}");
        }
    }
    controller.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_outside_the_appliance_are_refused_and_audited() {
    let env = Env::start(RelayConfig::default()).await;
    let controller = env.connected_controller().await;
    let theirs = env.fake.insert(
        "/v2/droplets",
        json!({"name": "billing-db", "tags": ["prod"]}),
    );
    let (status, _, v) = env
        .call("DELETE", &format!("/v2/droplets/{theirs}"), None)
        .await;
    assert_eq!(status, 403, "{v}");
    assert_eq!(v["id"], "forbidden");
    assert!(
        v["message"]
            .as_str()
            .is_some_and(|m| m.contains("does not belong")),
        "{v}"
    );
    assert_eq!(env.fake.objects("/v2/droplets").len(), 1, "still there");
    let e = audited(&env.f.gate, |e| e.action == "relay.refused").await;
    assert!(
        e.detail
            .starts_with(&format!("DELETE /v2/droplets/{theirs} → 403")),
        "{e:?}"
    );
    // The only call DigitalOcean saw was the read.
    let calls = env.fake.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].method, "GET");
    // A resource named with the instance id may be changed.
    let named = env.fake.insert("/v2/vpcs", json!({"name": "net-acme"}));
    let (status, _, _) = env
        .call(
            "PUT",
            &format!("/v2/vpcs/{named}"),
            Some(json!({"name": "net-acme", "description": "x"})),
        )
        .await;
    assert_eq!(status, 200);
    controller.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_the_window_reads_use_the_steady_state_token_and_writes_are_refused() {
    let env = Env::start(RelayConfig::default()).await;
    let controller = env.connected_controller().await;
    let now = now_ms();
    env.f.add_session(
        "ferry_ds_expired",
        "s-old",
        now - 7_200_000,
        now - 3_600_000,
    );
    let (status, _, v) = env
        .call_as("ferry_ds_expired", "GET", "/v2/droplets", None)
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        env.fake
            .calls()
            .last()
            .and_then(|c| c.token.clone())
            .as_deref(),
        Some(STEADY_TOKEN)
    );
    let (status, _, v) = env
        .call_as(
            "ferry_ds_expired",
            "POST",
            "/v2/droplets",
            Some(droplet("late-acme")),
        )
        .await;
    assert_eq!(status, 403, "{v}");
    assert_eq!(env.fake.calls().len(), 1, "the write never left the relay");
    controller.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revocation_cuts_an_open_session_within_a_second() {
    let config = RelayConfig {
        reauth_interval: Duration::from_millis(100),
        ..RelayConfig::default()
    };
    let env = Env::start(config).await;
    let controller = env.connected_controller().await;
    // A call that DigitalOcean takes 10 s to answer is in flight when the customer revokes.
    env.fake.fault(
        Some("GET /v2/kubernetes/clusters"),
        Fault::Delay(Duration::from_secs(10)),
    );
    let slow = {
        let http = env.http.clone();
        let url = env.url("/v2/kubernetes/clusters");
        tokio::spawn(async move {
            let res = http
                .get(url)
                .bearer_auth(CREDENTIAL)
                .send()
                .await
                .expect("answer");
            (res.status().as_u16(), Instant::now())
        })
    };
    for _ in 0..500 {
        if !env.fake.calls().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(
        env.fake.calls().len(),
        1,
        "the slow call reached DigitalOcean"
    );
    let revoked_at = Instant::now();
    assert!(env.f.gate.revoke(CREDENTIAL));
    let (status, _, v) = env.call("GET", "/v2/droplets", None).await;
    assert_eq!(status, 401, "the next call is refused: {v}");
    let (status, answered_at) = slow.await.expect("joins");
    assert_eq!(status, 401);
    let cut = answered_at.duration_since(revoked_at);
    assert!(
        cut < Duration::from_secs(1),
        "the open call was cut after {cut:?}"
    );
    audited(&env.f.gate, |e| e.detail.contains("cut mid-call")).await;
    controller.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_offline_controller_is_503_until_it_reconnects() {
    let env = Env::start(RelayConfig::default()).await;
    let controller = env.connected_controller().await;
    let (status, _, _) = env.call("GET", "/v2/droplets", None).await;
    assert_eq!(status, 200);
    controller.kill();
    env.wait_offline().await;
    let (status, headers, v) = env.call("GET", "/v2/droplets", None).await;
    assert_eq!(status, 503, "{v}");
    assert_eq!(v["id"], "service_unavailable");
    assert!(headers.contains_key("retry-after"));
    audited(&env.f.gate, |e| e.action == "controller.disconnected").await;
    let again = env.connected_controller().await;
    let (status, _, v) = env.call("GET", "/v2/droplets", None).await;
    assert_eq!(status, 200, "{v}");
    again.shutdown().await;
}

/// Retries a create until the relay answers something other than "unknown, retry" (502) or
/// "controller offline" (503), as the provider's retrying client would.
async fn create_until_answered(
    env: &Env,
    body: &Value,
) -> (u16, reqwest::header::HeaderMap, Value) {
    for _ in 0..200 {
        let (status, headers, v) = env.call("POST", "/v2/droplets", Some(body.clone())).await;
        if status != 502 && status != 503 {
            return (status, headers, v);
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the create never got an answer");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_create_lost_with_its_controller_is_not_made_twice() {
    let env = Env::start(RelayConfig::default()).await;
    let controller = env.connected_controller().await;
    // DigitalOcean creates the droplet, but the controller dies before the answer comes back.
    env.fake.fault(
        Some("POST /v2/droplets"),
        Fault::CreateThenDelay(Duration::from_secs(5)),
    );
    let body = droplet("web-acme");
    let first = {
        let http = env.http.clone();
        let url = env.url("/v2/droplets");
        let body = body.to_string();
        tokio::spawn(async move {
            let res = http
                .post(url)
                .bearer_auth(CREDENTIAL)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .expect("answer");
            res.status().as_u16()
        })
    };
    for _ in 0..500 {
        if env.fake.objects("/v2/droplets").len() == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(
        env.fake.objects("/v2/droplets").len(),
        1,
        "created at DigitalOcean"
    );
    controller.kill();
    assert_eq!(
        first.await.expect("joins"),
        502,
        "the outcome is unknown to the client"
    );

    // The provider retries the same create; a new controller (same key file, same state file)
    // finds the droplet instead of making a second.
    let controller = env.connected_controller().await;
    let (status, headers, v) = create_until_answered(&env, &body).await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(v["droplet"]["name"], "web-acme");
    assert_eq!(
        headers
            .get("idempotent-replayed")
            .and_then(|h| h.to_str().ok()),
        Some("true")
    );
    assert_eq!(env.fake.objects("/v2/droplets").len(), 1, "no duplicate");

    // Killed before DigitalOcean created anything: the retry creates it, once.
    env.fake.fault(
        Some("POST /v2/droplets"),
        Fault::Delay(Duration::from_secs(5)),
    );
    let body = droplet("worker-acme");
    let pending = {
        let http = env.http.clone();
        let url = env.url("/v2/droplets");
        let body = body.to_string();
        tokio::spawn(async move {
            http.post(url)
                .bearer_auth(CREDENTIAL)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .map(|r| r.status().as_u16())
        })
    };
    let reached = |env: &Env| {
        env.fake
            .calls()
            .iter()
            .any(|c| c.method == "POST" && c.body.contains("worker-acme"))
    };
    for _ in 0..500 {
        if reached(&env) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(reached(&env), "the create reached DigitalOcean");
    controller.kill();
    assert_eq!(pending.await.expect("joins").expect("answer"), 502);
    let controller = env.connected_controller().await;
    let (status, _, v) = create_until_answered(&env, &body).await;
    assert_eq!(status, 201, "{v}");
    let workers = env
        .fake
        .objects("/v2/droplets")
        .into_iter()
        .filter(|d| d["name"] == "worker-acme")
        .count();
    assert_eq!(workers, 1, "created exactly once");
    controller.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_controller_with_the_wrong_key_is_refused() {
    let env = Env::start(RelayConfig::default()).await;
    let mut config = env
        .f
        .controller(&format!("ws://{}", env.addr), &env.fake.url, None);
    config.identity = ferry_api::crypto::SigningKey::generate();
    let impostor = Controller::spawn(config).expect("spawn");
    let e = audited(&env.f.gate, |e| e.action == "controller.refused").await;
    assert!(e.detail.contains("does not verify"), "{e:?}");
    assert!(!impostor.wait_connected(Duration::from_millis(300)).await);
    assert_eq!(impostor.connections(), 0);
    assert!(!env.f.relay.controller_connected(APPLIANCE));
    impostor.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_connection_replaces_the_old_one() {
    let env = Env::start(RelayConfig::default()).await;
    let first = env.connected_controller().await;
    let generation = env.f.relay.hub.get(APPLIANCE).expect("link").generation;
    first.shutdown().await;
    let second = env.connected_controller().await;
    let link = env.f.relay.hub.get(APPLIANCE).expect("link");
    assert!(link.generation > generation);
    assert_eq!(env.f.relay.hub.len(), 1);
    second.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_answers_stream_and_gone_clients_cancel() {
    let env = Env::start(RelayConfig::default()).await;
    let controller = env.connected_controller().await;
    let blob = "x".repeat(4000);
    for i in 0..200 {
        env.fake.insert(
            "/v2/droplets",
            json!({"name": format!("d{i}-acme"), "tags": ["instance-id:acme"], "user_data": blob}),
        );
    }
    let (status, _, v) = env.call("GET", "/v2/droplets?per_page=200", None).await;
    assert_eq!(status, 200);
    let direct = env
        .http
        .get(format!("{}/v2/droplets?per_page=200", env.fake.url))
        .bearer_auth(DEPLOY_TOKEN)
        .send()
        .await
        .expect("direct")
        .bytes()
        .await
        .expect("body");
    let direct: Value = serde_json::from_slice(&direct).expect("JSON");
    assert_eq!(
        v["droplets"], direct["droplets"],
        "800 KB through 64 KiB chunks, intact"
    );

    // A client that gives up: the relay cancels the call at the controller.
    env.fake.fault(
        Some("GET /v2/volumes"),
        Fault::Delay(Duration::from_secs(5)),
    );
    let quick = reqwest::Client::builder()
        .timeout(Duration::from_millis(300))
        .build()
        .expect("client");
    assert!(
        quick
            .get(env.url("/v2/volumes"))
            .bearer_auth(CREDENTIAL)
            .send()
            .await
            .is_err()
    );
    let link = env.f.relay.hub.get(APPLIANCE).expect("link");
    for _ in 0..500 {
        if link.in_flight() == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(link.in_flight(), 0, "the abandoned call is forgotten");
    controller.shutdown().await;
}
