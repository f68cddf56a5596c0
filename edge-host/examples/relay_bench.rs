//! Relay overhead per proxied call, on loopback: the same DigitalOcean call made directly to a
//! fake DigitalOcean API and through the edge host's relay and a connected controller (all in
//! this process; an in-memory broker gate).
//!
//! `cargo run --release -p ferry --example relay_bench -- [--calls 3000] [--concurrency 16]`
//!
//! Prints p50/p90/p99 latency of sequential calls both ways and their difference (the relay's
//! overhead: client → relay → WebSocket → controller → DigitalOcean and back, with the session
//! check, the policy, the sealed token opened per call and the audit record), then throughput
//! with `--concurrency` calls in flight.

use anyhow::{Context, Result, bail};
use ferry::server::relay::gate::{
    ControllerIdentity, MemoryAppliance, MemoryGate, MemorySession, SessionGrant,
};
use ferry::server::relay::{Relay, RelayConfig, now_ms};
use ferry_api::crypto::{SealingSecretKey, SigningKey};
use ferry_api::grant::{GrantBody, Phase, Window};
use ferry_controller::testing::FakeDo;
use serde_json::json;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

const TOKEN: &str = "dop_v1_d000000000000000000000000000000000000000000000000000000000000001";
const CREDENTIAL: &str = "ferry_ds_bench";

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

async fn sequential(
    http: &reqwest::Client,
    url: &str,
    auth: &str,
    calls: usize,
) -> Result<Vec<Duration>> {
    let mut out = Vec::with_capacity(calls);
    for _ in 0..calls {
        let t = Instant::now();
        let res = http.get(url).bearer_auth(auth).send().await?;
        if !res.status().is_success() {
            bail!("{url} answered {}", res.status());
        }
        res.bytes().await?;
        out.push(t.elapsed());
    }
    out.sort();
    Ok(out)
}

async fn throughput(
    http: &reqwest::Client,
    url: &str,
    auth: &str,
    calls: usize,
    concurrency: usize,
) -> Result<f64> {
    let started = Instant::now();
    let per = calls / concurrency;
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let http = http.clone();
        let url = url.to_string();
        let auth = auth.to_string();
        tasks.push(tokio::spawn(async move {
            for _ in 0..per {
                let res = http.get(&url).bearer_auth(&auth).send().await?;
                res.bytes().await?;
            }
            anyhow::Ok(())
        }));
    }
    for t in tasks {
        t.await??;
    }
    Ok((per * concurrency) as f64 / started.elapsed().as_secs_f64())
}

#[tokio::main]
async fn main() -> Result<()> {
    let mut calls = 3000usize;
    let mut concurrency = 16usize;
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().with_context(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--calls" => calls = value.parse()?,
            "--concurrency" => concurrency = value.parse::<usize>()?.clamp(1, 256),
            other => bail!("unknown flag {other}"),
        }
    }
    let calls = calls.clamp(100, 100_000);

    let fake = FakeDo::start(&[TOKEN]).await?;
    let id = fake.insert(
        "/v2/droplets",
        json!({"name": "web-acme", "region": "nyc3", "tags": ["instance-id:acme"], "status": "active"}),
    );

    let customer = SigningKey::generate();
    let identity = SigningKey::generate();
    let sealing = SealingSecretKey::generate();
    let gate = MemoryGate::default();
    let mut tokens = HashMap::new();
    tokens.insert(Phase::Deploy, sealing.public_key().seal_token(TOKEN)?);
    gate.add_appliance(
        "app-1",
        MemoryAppliance {
            controller: Some(ControllerIdentity {
                signing_key: identity.verifying_key(),
                instance_id: "acme".into(),
            }),
            steady_state: true,
            tokens,
        },
    );
    let now = now_ms();
    let grant = GrantBody::new(
        "app-1",
        Phase::Deploy,
        Window::Manual {
            starts_at_ms: now - 60_000,
            ends_at_ms: now + 3_600_000,
        },
        None,
    )
    .sign(&customer)?;
    gate.add_session(
        CREDENTIAL,
        MemorySession {
            appliance_id: "app-1".into(),
            grant: SessionGrant {
                session_id: "s-bench".into(),
                phase: Phase::Deploy,
                grant,
                instance_id: "acme".into(),
                expires_at_ms: now + 3_600_000,
            },
            revoked: false,
        },
    );
    let relay = Relay::new(Arc::new(gate), RelayConfig::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let app = ferry::server::relay::router::<()>(relay.clone());
    let nodelay = std::env::var_os("BENCH_NAGLE").is_none();
    tokio::spawn(async move {
        use axum::serve::ListenerExt as _;
        let listener = listener.tap_io(move |tcp| {
            let _ = tcp.set_nodelay(nodelay);
        });
        axum::serve(listener, app).await
    });

    let mut config = ferry_controller::Config {
        relay_url: format!("ws://{addr}"),
        do_api: fake.url.clone(),
        appliance_id: "app-1".into(),
        instance_id: "acme".into(),
        identity,
        sealing,
        approval_key: customer.verifying_key(),
        state_file: None,
        retry: Default::default(),
        backoff: Default::default(),
        heartbeat: Duration::from_secs(15),
        handshake_timeout: Duration::from_secs(5),
        connect_timeout: Duration::from_secs(5),
        read_timeout: Duration::from_secs(30),
        max_body_bytes: 8 << 20,
        max_concurrent: 64,
        metrics: Default::default(),
    };
    config.retry.max_retries = 0;
    let controller = ferry_controller::Controller::spawn(config)?;
    if !controller.wait_connected(Duration::from_secs(10)).await {
        bail!("the controller did not connect");
    }

    let http = reqwest::Client::new();
    let direct = format!("{}/v2/droplets/{id}", fake.url);
    let relayed = format!("http://{addr}/relay/v1/appliances/app-1/do/v2/droplets/{id}");
    // Warm up both paths (connections, caches).
    sequential(&http, &direct, TOKEN, 200).await?;
    sequential(&http, &relayed, CREDENTIAL, 200).await?;

    let d = sequential(&http, &direct, TOKEN, calls).await?;
    let r = sequential(&http, &relayed, CREDENTIAL, calls).await?;
    println!("GET /v2/droplets/{{id}}, {calls} sequential calls each, loopback");
    println!("                 p50        p90        p99");
    for (name, v) in [("direct  ", &d), ("relayed ", &r)] {
        println!(
            "{name}   {:>8.1?}   {:>8.1?}   {:>8.1?}",
            percentile(v, 0.5),
            percentile(v, 0.9),
            percentile(v, 0.99)
        );
    }
    println!(
        "overhead p50: {:.1?}  (p90 {:.1?})",
        percentile(&r, 0.5).saturating_sub(percentile(&d, 0.5)),
        percentile(&r, 0.9).saturating_sub(percentile(&d, 0.9))
    );
    let td = throughput(&http, &direct, TOKEN, calls, concurrency).await?;
    let tr = throughput(&http, &relayed, CREDENTIAL, calls, concurrency).await?;
    println!(
        "throughput at {concurrency} in flight: direct {td:.0} calls/s, relayed {tr:.0} calls/s"
    );
    controller.shutdown().await;
    Ok(())
}
