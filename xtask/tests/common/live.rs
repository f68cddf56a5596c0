//! The appliance page's live half in headless Chromium (`broker_browser.rs` runs it): an edge
//! host with the broker *and* the relay, an appliance made ready through the HTTP API (customer,
//! controller keys, a sealed Deploy token, a release compiled in the sandbox, a signed Deploy
//! grant, a deploy session), a real `ferry-controller` dialling in, and calls driven through the
//! relay as the DigitalOcean provider makes them. The vendor's appliance page must show the
//! controller connecting and leaving, every relayed call arriving live (with counts), the relay's
//! audit trail, and the metric charts: empty, then drawn from a batch ingested through the
//! relay's `Observe` (as a controller's batch is) with its live `metrics` event.

use super::{click, present, screenshot, type_into, wait_for};
use anyhow::{Context, Result, ensure};
use fantoccini::Client;
use ferry::server::broker::{BrokerConfig, BrokerState};
use ferry::server::relay::{Relay, RelayConfig};
use ferry::server::{AppState, Limits, sandbox::Sandbox};
use ferry_api::crypto::{SealingSecretKey, SigningKey, fingerprint};
use ferry_api::grant::{GrantBody, Phase, Window};
use ferry_api::observe::{ApplianceEvent, ResourceRef, Series};
use ferry_controller::retry::{Backoff, RetryPolicy};
use ferry_controller::testing::FakeDo;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

const DEPLOY_TOKEN: &str =
    "dop_v1_d000000000000000000000000000000000000000000000000000000000000001";

pub struct LiveServer {
    pub base: String,
    pub vendor_key: String,
    http: reqwest::Client,
    relay: Relay,
}

/// `ferry serve` with the broker and the relay wired as the CLI wires them.
pub async fn serve_live(dist: PathBuf, data: &Path) -> Result<LiveServer> {
    let bytes = std::fs::read(dist.join("compiler.wasm"))?;
    let limits = Limits::default();
    let sandbox = Sandbox::new(bytes, limits.guest.clone())
        .map_err(|e| anyhow::anyhow!("the edge host refuses dist/compiler.wasm: {e}"))?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let broker = ferry_broker::Broker::open(
        &ferry_broker::Location::in_data_dir(data),
        Arc::new(ferry_broker::SystemClock),
    )
    .await
    .map_err(|e| anyhow::anyhow!("opening the broker: {e}"))?;
    let vendor_key = broker
        .bootstrap_vendor("Example Vendor", broker.now_ms())
        .await
        .map_err(|e| anyhow::anyhow!("bootstrapping the vendor: {e}"))?
        .context("a fresh store has no vendor yet")?
        .secret;
    let relay = Relay::new(Arc::new(broker.clone()), RelayConfig::default());
    let state = AppState::new(sandbox, limits, Some(dist))
        .with_broker(
            BrokerState::new(broker, BrokerConfig::new(&base))
                .with_presence(Arc::new(relay.clone())),
        )
        .with_relay(relay.clone());
    tokio::spawn(ferry::server::serve(
        listener,
        state,
        std::future::pending(),
    ));
    Ok(LiveServer {
        base,
        vendor_key,
        http: reqwest::Client::new(),
        relay,
    })
}

impl LiveServer {
    async fn send(
        &self,
        key: &str,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value> {
        let mut req = self
            .http
            .request(
                reqwest::Method::from_bytes(method.as_bytes())?,
                format!("{}{path}", self.base),
            )
            .bearer_auth(key);
        if let Some(b) = body {
            req = req
                .header("content-type", "application/json")
                .body(b.to_string());
        }
        let res = req.send().await?;
        let status = res.status().as_u16();
        let v: Value = serde_json::from_slice(&res.bytes().await?).unwrap_or(Value::Null);
        ensure!(
            (200..300).contains(&status),
            "{method} {path} → {status}: {v}"
        );
        Ok(v)
    }

    /// A relayed DigitalOcean call with the session's credential; its status.
    async fn relayed(
        &self,
        credential: &str,
        id: &str,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> Result<u16> {
        let url = format!("{}/relay/v1/appliances/{id}/do{path}", self.base);
        let mut req = self
            .http
            .request(reqwest::Method::from_bytes(method.as_bytes())?, url)
            .bearer_auth(credential);
        if let Some(b) = body {
            req = req
                .header("content-type", "application/json")
                .body(b.to_string());
        }
        Ok(req.send().await?.status().as_u16())
    }
}

/// An appliance ready to deploy: its id, the session credential, the controller's config.
struct Ready {
    id: String,
    /// The customer's API key.
    customer: String,
    credential: String,
    identity: SigningKey,
    sealing: SealingSecretKey,
    approval: SigningKey,
}

async fn ready_appliance(s: &LiveServer) -> Result<Ready> {
    let vendor = &s.vendor_key;
    let a = s
        .send(vendor, "POST", "/api/v1/appliances", Some(json!({
            "name": "Acme live", "instance_id": "acme", "region": "nyc3", "customer_name": "Acme Inc"
        })))
        .await?;
    let id = a["id"].as_str().context("appliance id")?.to_string();
    let inv = s
        .send(
            vendor,
            "POST",
            &format!("/api/v1/appliances/{id}/invitations"),
            None,
        )
        .await?;
    let approval = SigningKey::generate();
    let key = s
        .send(
            "",
            "POST",
            "/api/v1/invitations/accept",
            Some(json!({
                "secret": inv["secret"], "approval_key": approval.verifying_key()
            })),
        )
        .await?;
    let customer = key["secret"].as_str().context("customer key")?.to_string();
    let identity = SigningKey::generate();
    let sealing = SealingSecretKey::generate();
    s.send(
        &customer,
        "PUT",
        &format!("/api/v1/appliances/{id}/controller"),
        Some(json!({
            "signing_key": identity.verifying_key(), "sealing_key": sealing.public_key()
        })),
    )
    .await?;
    let now = ferry::server::relay::now_ms();
    s.send(
        &customer,
        "PUT",
        &format!("/api/v1/appliances/{id}/tokens/deploy"),
        Some(json!({
            "sealed": sealing.public_key().seal_token(DEPLOY_TOKEN)?,
            "fingerprint": fingerprint(DEPLOY_TOKEN),
            "scopes": ["droplet:create", "droplet:read", "droplet:delete"],
            "expires_at_ms": now + 30 * 86_400_000i64,
        })),
    )
    .await?;
    let release = s
        .send(vendor, "POST", &format!("/api/v1/appliances/{id}/releases"), Some(json!({
            "files": {"main.tf": "provider \"aws\" {\n  region = \"us-east-1\"\n}\n\nresource \"aws_s3_bucket\" \"assets\" {\n  bucket = \"assets-${var.instance_id}\"\n}\n"}
        })))
        .await?;
    let grant = GrantBody::new(
        id.clone(),
        Phase::Deploy,
        Window::Manual {
            starts_at_ms: now - 60_000,
            ends_at_ms: now + 3_600_000,
        },
        Some(release["digest"].as_str().context("digest")?.to_string()),
    )
    .sign(&approval)?;
    s.send(
        &customer,
        "POST",
        &format!("/api/v1/appliances/{id}/grants"),
        Some(json!({"grant": grant})),
    )
    .await?;
    let session = s
        .send(
            vendor,
            "POST",
            &format!("/api/v1/appliances/{id}/sessions"),
            Some(json!({"release_id": release["id"]})),
        )
        .await?;
    Ok(Ready {
        id,
        customer,
        credential: session["credential"]
            .as_str()
            .context("credential")?
            .to_string(),
        identity,
        sealing,
        approval,
    })
}

fn controller_config(
    s: &LiveServer,
    r: &Ready,
    fake: &FakeDo,
    state: &Path,
) -> ferry_controller::Config {
    ferry_controller::Config {
        relay_url: s.base.replace("http://", "ws://"),
        do_api: fake.url.clone(),
        appliance_id: r.id.clone(),
        instance_id: "acme".into(),
        identity: SigningKey::from_b64(&r.identity.to_b64()).expect("own seed"),
        sealing: SealingSecretKey::from_b64(&r.sealing.to_b64()).expect("own secret"),
        approval_key: r.approval.verifying_key(),
        state_file: Some(state.to_path_buf()),
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
        metrics: Default::default(),
    }
}

fn attr_js(css: &str, attr: &str, want: &str) -> String {
    format!("return document.querySelector({css:?})?.getAttribute({attr:?}) === {want:?};")
}

/// Signs in on the sign-in form with `key` (as `role`), opens the appliance's page and waits
/// for its live stream.
async fn open_appliance_page(
    browser: &Client,
    s: &LiveServer,
    id: &str,
    key: &str,
    role: &str,
) -> Result<()> {
    let short = Duration::from_secs(20);
    type_into(browser, "[data-testid=api-key]", key).await?;
    click(browser, "[data-testid=sign-in]").await?;
    wait_for(
        browser,
        &format!("signed in as the {role}"),
        &format!(
            "return document.querySelector('[data-testid=whoami]')?.dataset.role === {role:?};"
        ),
        short,
    )
    .await?;
    browser
        .goto(&format!("{}/#/appliances/{id}", s.base))
        .await?;
    wait_for(
        browser,
        &format!("the {role}'s live stream open"),
        &attr_js("[data-testid=live-stream]", "data-state", "open"),
        short,
    )
    .await?;
    Ok(())
}

/// The vendor's appliance page follows the controller and the relayed calls live.
pub async fn drive_live(browser: &Client, s: &LiveServer, work: &Path) -> Result<()> {
    let short = Duration::from_secs(20);
    let r = ready_appliance(s).await?;
    say!(
        "appliance {} ready: release, grant and deploy session",
        r.id
    );

    browser.goto(&format!("{}/", s.base)).await?;
    click(browser, "[data-testid=nav-sign-in]").await?;
    open_appliance_page(browser, s, &r.id, &s.vendor_key, "vendor").await?;
    wait_for(
        browser,
        "the controller offline",
        &attr_js(
            "[data-testid=controller-connected]",
            "data-connected",
            "false",
        ),
        short,
    )
    .await?;
    present(browser, "[data-testid=live-empty]").await?;
    present(browser, "[data-testid=metrics-empty]").await?;
    present(browser, "[data-testid=relay-audit-empty]").await?;

    // The controller dials in: the badge turns live.
    let dir = tempfile::tempdir()?;
    let fake = FakeDo::start(&[DEPLOY_TOKEN]).await?;
    let controller = ferry_controller::Controller::spawn(controller_config(
        s,
        &r,
        &fake,
        &dir.path().join("state.json"),
    ))
    .map_err(|e| anyhow::anyhow!("controller: {e}"))?;
    ensure!(
        controller.wait_connected(Duration::from_secs(10)).await,
        "the controller connects"
    );
    wait_for(
        browser,
        "the controller connected",
        &attr_js(
            "[data-testid=controller-connected]",
            "data-connected",
            "true",
        ),
        short,
    )
    .await?;
    say!("controller connected: the page shows it");

    // Calls through the relay, as the provider makes them: a create, a read, a refusal.
    let droplet = json!({"name": "web-acme", "region": "nyc3", "size": "s-1vcpu-1gb", "image": "ubuntu-24-04-x64", "tags": ["instance-id:acme"]});
    ensure!(
        s.relayed(&r.credential, &r.id, "POST", "/v2/droplets", Some(droplet))
            .await?
            == 201,
        "create"
    );
    ensure!(
        s.relayed(&r.credential, &r.id, "GET", "/v2/droplets?per_page=5", None)
            .await?
            == 200,
        "read"
    );
    let untagged = json!({"name": "miner", "region": "nyc3", "size": "s-1vcpu-1gb", "image": "x"});
    ensure!(
        s.relayed(&r.credential, &r.id, "POST", "/v2/droplets", Some(untagged))
            .await?
            == 403,
        "refused"
    );
    let rows = wait_for(
        browser,
        "three live calls",
        "const r = [...document.querySelectorAll('[data-testid=live-call]')].map(e => ({m: e.dataset.method, p: e.dataset.path, s: e.dataset.status, ph: e.dataset.phase, k: e.dataset.kind})); return r.length >= 3 ? r : null;",
        short,
    )
    .await?;
    say!("live calls: {rows}");
    let want = [
        ("POST", "403", "refusals"),
        ("GET", "200", "reads"),
        ("POST", "201", "creates"),
    ];
    for (i, (m, st, k)) in want.iter().enumerate() {
        let row = &rows[i];
        ensure!(
            row["m"] == *m
                && row["s"] == *st
                && row["k"] == *k
                && row["p"] == "/v2/droplets"
                && row["ph"] == "deploy",
            "live call {i} (newest first) is not {m} {st} {k}: {rows}"
        );
    }
    for (kind, n) in [
        ("creates", "1"),
        ("reads", "1"),
        ("refusals", "1"),
        ("errors", "0"),
    ] {
        wait_for(
            browser,
            &format!("{kind} = {n}"),
            &attr_js(
                &format!("[data-testid=live-count][data-kind={kind}]"),
                "data-count",
                n,
            ),
            short,
        )
        .await?;
    }
    // The relay's audit trail, reloaded after the calls.
    let audit = wait_for(
        browser,
        "the relay's audit trail",
        "const r = [...document.querySelectorAll('[data-testid=relay-audit-row]')].map(e => e.dataset.action); return r.includes('relay.refused') && r.filter(a => a === 'relay.call').length >= 2 ? r : null;",
        short,
    )
    .await?;
    say!("relay audit trail: {audit}");
    let non_relay = browser
        .execute("return [...document.querySelectorAll('[data-testid=relay-audit-row]')].filter(e => !e.dataset.action.startsWith('relay.')).length;", vec![])
        .await?;
    ensure!(
        non_relay == json!(0),
        "the relay trail shows other records: {non_relay}"
    );
    // A metrics batch arrives (as the relay ingests a controller's batch): the chart draws it.
    let now = ferry::server::relay::now_ms();
    let series = vec![Series {
        resource: ResourceRef {
            kind: "droplet".into(),
            id: "4242".into(),
            name: "web-acme".into(),
        },
        metric: "cpu_percent".into(),
        unit: "%".into(),
        points: (0..6)
            .map(|i| {
                (
                    now - (5 - i) * 60_000,
                    [12.0, 20.0, 35.5, 80.0, 64.0, 42.5][i as usize],
                )
            })
            .collect(),
    }];
    s.relay.observe.ingest(&r.id, now, &series);
    s.relay.events.publish(
        &r.id,
        ApplianceEvent::Metrics {
            at_ms: now,
            series: series.len(),
        },
    );
    let chart = wait_for(
        browser,
        "the cpu chart",
        "const c = document.querySelector('[data-testid=metric-chart][data-metric=cpu_percent]'); return c ? {resource: c.dataset.resource, points: c.dataset.points, line: c.querySelector('[data-testid=chart-line]')?.getAttribute('points'), min: c.querySelector('[data-testid=chart-min]')?.textContent, max: c.querySelector('[data-testid=chart-max]')?.textContent, last: c.querySelector('[data-testid=chart-last]')?.textContent} : null;",
        short,
    )
    .await?;
    say!("chart: {chart}");
    ensure!(
        chart["resource"] == "droplet:4242"
            && chart["points"] == "6"
            && chart["min"] == "12 %"
            && chart["max"] == "80 %"
            && chart["last"] == "42.5 %",
        "the chart does not show the batch: {chart}"
    );
    let line = chart["line"].as_str().unwrap_or_default();
    ensure!(
        line.split(' ').count() == 6 && line.starts_with("0.0,") && line.contains("240.0,"),
        "the line: {line}"
    );
    ensure!(
        browser
            .execute(
                "return !document.querySelector('[data-testid=metrics-empty]');",
                vec![]
            )
            .await?
            == json!(true),
        "the empty state stayed"
    );
    screenshot(browser, &work.join("appliance-live.png")).await?;

    // The controller leaves: the badge follows.
    controller.shutdown().await;
    wait_for(
        browser,
        "the controller offline again",
        &attr_js(
            "[data-testid=controller-connected]",
            "data-connected",
            "false",
        ),
        short,
    )
    .await?;
    say!("controller gone: the page shows it offline");

    // The customer's view of the same appliance: their own sign-in, the same live stream, the
    // relay's trail and the metrics; a call refused for want of a controller arrives live.
    click(browser, "[data-testid=sign-out]").await?;
    wait_for(
        browser,
        "the sign-in form",
        "return !!document.querySelector('[data-testid=api-key]');",
        short,
    )
    .await?;
    open_appliance_page(browser, s, &r.id, &r.customer, "customer").await?;
    wait_for(
        browser,
        "the controller offline for the customer",
        &attr_js(
            "[data-testid=controller-connected]",
            "data-connected",
            "false",
        ),
        short,
    )
    .await?;
    let audit = wait_for(
        browser,
        "the customer's relay trail",
        "const r = [...document.querySelectorAll('[data-testid=relay-audit-row]')].map(e => e.dataset.action); return r.includes('relay.refused') && r.filter(a => a === 'relay.call').length >= 2 ? r : null;",
        short,
    )
    .await?;
    say!("customer's relay audit trail: {audit}");
    wait_for(
        browser,
        "the customer's cpu chart",
        "return document.querySelector('[data-testid=metric-chart][data-metric=cpu_percent]')?.dataset.points === '6';",
        short,
    )
    .await?;
    ensure!(
        s.relayed(&r.credential, &r.id, "GET", "/v2/droplets", None)
            .await?
            == 503,
        "no controller: 503"
    );
    let row = wait_for(
        browser,
        "the 503 live on the customer's page",
        "const e = document.querySelector('[data-testid=live-call]'); return e ? {s: e.dataset.status, k: e.dataset.kind, m: e.dataset.method} : null;",
        short,
    )
    .await?;
    ensure!(
        row["s"] == "503" && row["k"] == "errors" && row["m"] == "GET",
        "the customer's live call: {row}"
    );
    wait_for(
        browser,
        "errors = 1 for the customer",
        &attr_js(
            "[data-testid=live-count][data-kind=errors]",
            "data-count",
            "1",
        ),
        short,
    )
    .await?;
    screenshot(browser, &work.join("appliance-live-customer.png")).await?;
    say!("the customer's appliance page: stream, trail, chart and a live 503");
    Ok(())
}
