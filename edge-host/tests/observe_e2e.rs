//! Observability on loopback: the edge host (real broker, relay, two test sinks), a real
//! controller and the sandbox cloud. With the customer's Steady-state token the controller reads
//! DigitalOcean monitoring for the appliance's tagged droplets; the series arrive at `GET
//! /api/v1/appliances/{id}/metrics`, at an OTLP/HTTP receiver (JSON) and at a Prometheus
//! remote-write receiver (snappy + protobuf) with the appliance's labels. Switching
//! Steady-state off stops collection; a token without `monitoring:read` is reported (audited),
//! not fatal. Every wait polls with a deadline.

mod common;

use common::http::Api;

use axum::body::Bytes;
use axum::http::HeaderMap;
use ferry::server::observe::{Observe, Sink, SinkKind};
use ferry::server::relay::{Relay, RelayConfig, now_ms};
use ferry_api::broker::{Appliance, AuditRecord, CreatedApiKey, Invitation};
use ferry_api::crypto::{SealingSecretKey, SigningKey, fingerprint};
use ferry_api::observe::MetricsSnapshot;
use ferry_controller::Controller;
use ferry_controller::metrics::MetricsConfig;
use ferry_controller::retry::{Backoff, RetryPolicy};
use ferry_sandbox_cloud::{NewToken, Sandbox};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const DEPLOY_TOKEN: &str =
    "dop_v1_d000000000000000000000000000000000000000000000000000000000000001";
const STEADY_TOKEN: &str =
    "dop_v1_5000000000000000000000000000000000000000000000000000000000000002";

/// Polls `f` every 50 ms until it gives `Some`, or fails after `secs` seconds.
async fn eventually<T, F, Fut>(secs: u64, what: &str, mut f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = f().await {
            return v;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// What the test sinks received: (metric name, labels/attributes) per sample.
type Received = Arc<Mutex<Vec<(String, BTreeMap<String, String>)>>>;

async fn serve_router(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{addr}")
}

/// An OTLP/HTTP receiver (JSON) at `/v1/metrics`.
async fn otlp_receiver() -> (String, Received) {
    let got: Received = Arc::default();
    let sink = got.clone();
    let router = axum::Router::new().route(
        "/v1/metrics",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let sink = sink.clone();
            async move {
                assert_eq!(headers["content-type"], "application/json");
                let v: Value = serde_json::from_slice(&body).expect("OTLP JSON");
                for rm in v["resourceMetrics"].as_array().expect("resourceMetrics") {
                    for sm in rm["scopeMetrics"].as_array().expect("scopeMetrics") {
                        for m in sm["metrics"].as_array().expect("metrics") {
                            for p in m["gauge"]["dataPoints"].as_array().expect("points") {
                                let mut labels: BTreeMap<String, String> = p["attributes"]
                                    .as_array()
                                    .expect("attributes")
                                    .iter()
                                    .map(|a| {
                                        (
                                            a["key"].as_str().expect("key").to_string(),
                                            a["value"]["stringValue"]
                                                .as_str()
                                                .expect("string")
                                                .to_string(),
                                        )
                                    })
                                    .collect();
                                labels
                                    .insert("unit".into(), m["unit"].as_str().unwrap_or("").into());
                                assert!(p["asDouble"].as_f64().is_some());
                                assert!(p["timeUnixNano"].as_str().expect("nanos").len() >= 19);
                                sink.lock()
                                    .expect("lock")
                                    .push((m["name"].as_str().expect("name").into(), labels));
                            }
                        }
                    }
                }
                "{}"
            }
        }),
    );
    (serve_router(router).await, got)
}

/// Protobuf fields of one message: (field number, varint or bytes).
fn fields(mut buf: &[u8]) -> Vec<(u64, Result<u64, Vec<u8>>)> {
    fn varint(buf: &mut &[u8]) -> u64 {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let (b, rest) = buf.split_first().expect("varint");
            *buf = rest;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                break;
            }
        }
        v
    }
    let mut out = Vec::new();
    while !buf.is_empty() {
        let key = varint(&mut buf);
        let value = match key & 7 {
            0 => Ok(varint(&mut buf)),
            1 => {
                let (v, rest) = buf.split_at(8);
                buf = rest;
                Ok(u64::from_le_bytes(v.try_into().expect("8 bytes")))
            }
            2 => {
                let n = usize::try_from(varint(&mut buf)).expect("len");
                let (v, rest) = buf.split_at(n);
                buf = rest;
                Err(v.to_vec())
            }
            w => panic!("unexpected wire type {w}"),
        };
        out.push((key >> 3, value));
    }
    out
}

/// A Prometheus remote-write 1.0 receiver at `/api/v1/write`.
async fn remote_write_receiver() -> (String, Received) {
    let got: Received = Arc::default();
    let sink = got.clone();
    let router = axum::Router::new().route(
        "/api/v1/write",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let sink = sink.clone();
            async move {
                assert_eq!(headers["content-encoding"], "snappy");
                assert_eq!(headers["content-type"], "application/x-protobuf");
                assert_eq!(headers["x-prometheus-remote-write-version"], "0.1.0");
                let raw = snap::raw::Decoder::new()
                    .decompress_vec(&body)
                    .expect("snappy");
                for (n, ts) in fields(&raw) {
                    assert_eq!(n, 1, "WriteRequest.timeseries");
                    let ts = ts.expect_err("a message");
                    let mut labels = BTreeMap::new();
                    let mut names = Vec::new();
                    let mut samples = 0;
                    for (n, v) in fields(&ts) {
                        let v = v.expect_err("a message");
                        match n {
                            1 => {
                                let l = fields(&v);
                                let text = |i: usize| {
                                    String::from_utf8(l[i].1.clone().expect_err("string"))
                                        .expect("utf-8")
                                };
                                names.push(text(0));
                                labels.insert(text(0), text(1));
                            }
                            2 => {
                                let s = fields(&v);
                                let value = f64::from_bits(*s[0].1.as_ref().expect("double"));
                                assert!(value.is_finite());
                                assert!(*s[1].1.as_ref().expect("timestamp") > 1_600_000_000_000);
                                samples += 1;
                            }
                            n => panic!("unexpected TimeSeries field {n}"),
                        }
                    }
                    let mut sorted = names.clone();
                    sorted.sort();
                    assert_eq!(names, sorted, "labels are sorted by name");
                    let name = labels.remove("__name__").expect("__name__");
                    for _ in 0..samples {
                        sink.lock()
                            .expect("lock")
                            .push((name.clone(), labels.clone()));
                    }
                }
                ""
            }
        }),
    );
    (format!("{}/api/v1/write", serve_router(router).await), got)
}

struct Env {
    api: Api,
    vendor: String,
    customer: String,
    id: String,
    relay: Relay,
    /// Set once the appliance exists (the controller needs its id).
    ctl: Option<Controller>,
    droplet_ids: Vec<String>,
    /// The broker's data folder, removed when the test ends.
    _data: tempfile::TempDir,
}

impl Env {
    fn controller(&self) -> &Controller {
        self.ctl.as_ref().expect("controller started")
    }

    async fn send(&self, key: &str, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        self.api.send(key, method, path, body).await
    }

    async fn metrics(&self, key: &str) -> MetricsSnapshot {
        let (status, v) = self
            .send(
                key,
                "GET",
                &format!("/api/v1/appliances/{}/metrics", self.id),
                None,
            )
            .await;
        assert_eq!(status, 200, "{v}");
        serde_json::from_value(v).expect("MetricsSnapshot")
    }

    /// Starts everything. `steady_scopes`: the scopes of the Steady-state token in the sandbox.
    async fn start(steady_scopes: &[&str], sinks: Vec<Sink>) -> Self {
        // The sandbox cloud, with two droplets tagged for the appliance and one that is not.
        let sandbox = Sandbox::in_memory().await.expect("sandbox");
        for (token, scopes) in [
            (DEPLOY_TOKEN, vec!["*"]),
            (STEADY_TOKEN, steady_scopes.to_vec()),
        ] {
            sandbox
                .add_token(NewToken {
                    token: token.into(),
                    scopes: scopes.into_iter().map(str::to_string).collect(),
                    expires_at: None,
                    rate_limit: None,
                })
                .await
                .expect("token");
        }
        let sandbox_url = serve_router_sandbox(sandbox).await;
        let http = reqwest::Client::new();
        let mut droplet_ids = Vec::new();
        for (name, tag) in [
            ("web-1-acme", "instance-id:acme"),
            ("web-2-acme", "instance-id:acme"),
            ("other", "instance-id:other"),
        ] {
            let res = http
                .post(format!("{sandbox_url}/v2/droplets"))
                .bearer_auth(DEPLOY_TOKEN)
                .json(&json!({
                    "name": name, "region": "nyc3", "size": "s-1vcpu-1gb",
                    "image": "ubuntu-24-04-x64", "tags": [tag]
                }))
                .send()
                .await
                .expect("create droplet");
            assert_eq!(res.status(), 202);
            let v: Value = res.json().await.expect("json");
            droplet_ids.push(v["droplet"]["id"].to_string());
        }

        // The edge host: broker, relay, sinks. The relay's periodic look at the Steady-state
        // switch is an hour away: every change below reaches the controller because the
        // customer's request tells the relay at once.
        let host = common::host::serve(
            RelayConfig {
                steady_state_poll: Duration::from_secs(3600),
                ..RelayConfig::default()
            },
            |relay| relay.with_observe(Observe::default().with_sinks(sinks)),
        )
        .await;

        let mut env = Self {
            api: Api {
                http,
                base: host.base,
            },
            vendor: host.vendor,
            customer: String::new(),
            id: String::new(),
            relay: host.relay,
            ctl: None,
            droplet_ids,
            _data: host.data,
        };
        // The vendor's appliance, the customer's acceptance, keys and Steady-state token.
        let (s, a) = env
            .send(&env.vendor, "POST", "/api/v1/appliances", Some(json!({
                "name": "Acme prod", "instance_id": "acme", "region": "nyc3", "customer_name": "Acme Inc"
            })))
            .await;
        assert_eq!(s, 201, "{a}");
        let a: Appliance = serde_json::from_value(a).expect("appliance");
        env.id = a.id.clone();
        let (_, inv) = env
            .send(
                &env.vendor,
                "POST",
                &format!("/api/v1/appliances/{}/invitations", env.id),
                None,
            )
            .await;
        let inv: Invitation = serde_json::from_value(inv).expect("invitation");
        let approval = SigningKey::generate();
        let (s, key) = env
            .send(
                "",
                "POST",
                "/api/v1/invitations/accept",
                Some(json!({
                    "secret": inv.secret, "approval_key": approval.verifying_key()
                })),
            )
            .await;
        assert_eq!(s, 201, "{key}");
        env.customer = serde_json::from_value::<CreatedApiKey>(key)
            .expect("key")
            .secret;
        let identity = SigningKey::generate();
        let sealing = SealingSecretKey::generate();
        let (s, v) = env
            .send(
                &env.customer,
                "PUT",
                &format!("/api/v1/appliances/{}/controller", env.id),
                Some(json!({
                    "signing_key": identity.verifying_key(), "sealing_key": sealing.public_key()
                })),
            )
            .await;
        assert_eq!(s, 200, "{v}");
        let (s, v) = env
            .send(
                &env.customer,
                "PUT",
                &format!("/api/v1/appliances/{}/tokens/steady_state", env.id),
                Some(json!({
                    "sealed": sealing.public_key().seal_token(STEADY_TOKEN).expect("seal"),
                    "fingerprint": fingerprint(STEADY_TOKEN),
                    "scopes": steady_scopes,
                    "expires_at_ms": now_ms() + 30 * 86_400_000i64,
                })),
            )
            .await;
        assert_eq!(s, 200, "{v}");

        env.ctl = Some(
            Controller::spawn(ferry_controller::Config {
                relay_url: env.api.base.replace("http://", "ws://"),
                do_api: sandbox_url,
                appliance_id: env.id.clone(),
                instance_id: "acme".into(),
                identity,
                sealing,
                approval_key: approval.verifying_key(),
                state_file: None,
                retry: RetryPolicy {
                    max_retries: 1,
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
                metrics: MetricsConfig {
                    enabled: true,
                    interval: Duration::from_millis(200),
                    window: Duration::from_secs(600),
                },
            })
            .expect("controller"),
        );
        assert!(
            env.controller()
                .wait_connected(Duration::from_secs(10))
                .await
        );
        env
    }
}

async fn serve_router_sandbox(sandbox: Sandbox) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(ferry_sandbox_cloud::serve(
        listener,
        sandbox,
        std::future::pending(),
    ));
    url
}

fn has(got: &Received, metric: &str, id: &str, appliance: &str) -> bool {
    got.lock().expect("lock").iter().any(|(name, l)| {
        name == metric
            && l.get("resource_id").map(String::as_str) == Some(id)
            && l.get("resource_kind").map(String::as_str) == Some("droplet")
            && l.get("resource_name").is_some_and(|n| n.ends_with("-acme"))
            && l.get("appliance_id").map(String::as_str) == Some(appliance)
            && l.get("unit").map(String::as_str) == Some("%")
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_flow_to_the_api_and_both_sinks_and_stop_with_steady_state() {
    let (otlp_url, otlp) = otlp_receiver().await;
    let (rw_url, rw) = remote_write_receiver().await;
    let sinks = vec![
        Sink::spawn(SinkKind::Otlp, &otlp_url).expect("otlp sink"),
        Sink::spawn(SinkKind::RemoteWrite, &rw_url).expect("remote-write sink"),
    ];
    let env = Env::start(&["read"], sinks).await;
    let (mine, other) = (env.droplet_ids[0].clone(), &env.droplet_ids[2]);

    // The API: every metric of both tagged droplets, none of the untagged one.
    let snap = eventually(20, "metrics at the API", || async {
        let s = env.metrics(&env.customer).await;
        (s.series.len() >= 8).then_some(s)
    })
    .await;
    assert!(snap.collected_at_ms.is_some());
    for id in &env.droplet_ids[..2] {
        for (metric, unit) in [
            ("cpu_percent", "%"),
            ("memory_percent", "%"),
            ("disk_percent", "%"),
            ("load_1", "load"),
        ] {
            let s = snap
                .series
                .iter()
                .find(|s| &s.resource.id == id && s.metric == metric)
                .unwrap_or_else(|| panic!("{metric} of droplet {id}: {snap:#?}"));
            assert_eq!(s.unit, unit);
            assert_eq!(s.resource.kind, "droplet");
            assert!(!s.points.is_empty());
            if unit == "%" {
                assert!(
                    s.points.iter().all(|(_, v)| (0.0..=100.0).contains(v)),
                    "{s:?}"
                );
            }
        }
    }
    assert!(snap.series.iter().all(|s| &s.resource.id != other));
    // The vendor sees the same appliance's metrics.
    assert!(!env.metrics(&env.vendor).await.series.is_empty());

    // Both sinks, with the labels.
    eventually(20, "the OTLP sink", || async {
        has(&otlp, "cpu_percent", &mine, &env.id).then_some(())
    })
    .await;
    eventually(20, "the remote-write sink", || async {
        has(&rw, "ferry_cpu_percent", &mine, &env.id).then_some(())
    })
    .await;
    let text = env
        .api
        .http
        .get(format!("{}/metrics", env.api.base))
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    assert!(
        text.contains("ferry_observe_sink_sent_total{sink=\"otlp\"}"),
        "{text}"
    );
    assert!(
        !text.contains("ferry_observe_batches_received_total 0\n"),
        "{text}"
    );

    // The customer switches Steady-state off: the relay withdraws the token, the controller
    // stops collecting, the series stop growing; relayed calls are unaffected (still connected).
    let (s, v) = env
        .send(
            &env.customer,
            "PUT",
            &format!("/api/v1/appliances/{}/phases/steady_state", env.id),
            Some(json!({"enabled": false})),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    eventually(10, "collection to stop", || async {
        (!env.controller().metrics_status().collecting).then_some(())
    })
    .await;
    let rounds = env.controller().metrics_status().rounds;
    let received = env
        .relay
        .observe
        .counters
        .batches_received
        .load(std::sync::atomic::Ordering::Relaxed);
    // Several collection intervals (200 ms) later nothing more was collected or stored.
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(env.controller().metrics_status().rounds, rounds);
    assert_eq!(
        env.relay
            .observe
            .counters
            .batches_received
            .load(std::sync::atomic::Ordering::Relaxed),
        received
    );
    assert!(env.controller().state() == ferry_controller::ConnState::Connected);

    // On again: collection resumes.
    let (s, _) = env
        .send(
            &env.customer,
            "PUT",
            &format!("/api/v1/appliances/{}/phases/steady_state", env.id),
            Some(json!({"enabled": true})),
        )
        .await;
    assert_eq!(s, 200);
    eventually(10, "collection to resume", || async {
        (env.controller().metrics_status().rounds > rounds).then_some(())
    })
    .await;
    if let Some(c) = env.ctl {
        c.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_without_the_monitoring_scope_is_reported_not_fatal() {
    let env = Env::start(
        &[
            "droplet:read",
            "kubernetes:read",
            "database:read",
            "load_balancer:read",
        ],
        Vec::new(),
    )
    .await;
    let status = eventually(20, "a reported problem", || async {
        let s = env.controller().metrics_status();
        (!s.last_problems.is_empty()).then_some(s)
    })
    .await;
    assert!(
        status
            .last_problems
            .iter()
            .any(|p| p.contains("/v2/monitoring/metrics/droplet/")
                && p.contains("403")
                && p.contains("monitoring:read")),
        "{status:?}"
    );
    assert!(
        status
            .last_problems
            .iter()
            .all(|p| !p.contains(STEADY_TOKEN))
    );
    // The customer sees it in the appliance's audit log, once per change, not every round.
    let record = eventually(10, "the audit record", || async {
        let (_, v) = env
            .send(
                &env.customer,
                "GET",
                &format!("/api/v1/appliances/{}/audit", env.id),
                None,
            )
            .await;
        let log: Vec<AuditRecord> = serde_json::from_value(v).ok()?;
        log.into_iter().find(|r| r.action == "observe.problem")
    })
    .await;
    assert!(record.detail.contains("403"), "{record:?}");
    assert!(!record.detail.contains(STEADY_TOKEN));
    // Not fatal: still connected, still collecting (and still reporting) round after round.
    let rounds = status.rounds;
    eventually(10, "more rounds", || async {
        (env.controller().metrics_status().rounds > rounds + 2).then_some(())
    })
    .await;
    assert!(env.controller().state() == ferry_controller::ConnState::Connected);
    assert!(env.metrics(&env.customer).await.series.is_empty());
    let (_, v) = env
        .send(
            &env.customer,
            "GET",
            &format!("/api/v1/appliances/{}/audit", env.id),
            None,
        )
        .await;
    let log: Vec<AuditRecord> = serde_json::from_value(v).expect("audit");
    assert_eq!(
        log.iter().filter(|r| r.action == "observe.problem").count(),
        1,
        "audited once, not every round"
    );
    if let Some(c) = env.ctl {
        c.shutdown().await;
    }
}
