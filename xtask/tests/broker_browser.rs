//! The vendor and customer pages in headless Chromium, against the real edge host router with
//! the token broker on a fresh SQLite data folder.
//!
//! Two browsers (own profiles, own cookies): the vendor signs in with the bootstrap API key,
//! makes a release from the compile preview's example, creates an appliance and copies its
//! invitation link; the customer opens the link, accepts (the approval key is generated in
//! the browser), registers controller keys made here with `ferry_api`, and seals a **canary
//! token** in the browser. The vendor asks for a Deploy window, the customer approves it (a
//! grant signed in the browser), the vendor's page shows Deploy active with a ticking
//! countdown; the vendor mints a deploy session and opens the release's report and tarball; the
//! customer revokes, the vendor's page shows Deploy inactive; Steady-state is switched off and
//! on; a weekly Operate window is requested and refused; the approval key is restored from its
//! downloaded backup after the browser lost it; the audit chain verifies.
//!
//! The canary must never reach the server in clear: every request the router received (method,
//! URI, headers, body — recorded by a layer in front of it), every file of the data folder and
//! every log line the server wrote are searched for it; the ciphertext the broker stored opens
//! with the controller's secret key to exactly the canary. Screenshots go to
//! `<target>/browser-test/broker-*.png`.

#[macro_use]
mod common;

use anyhow::{Context, Result, ensure};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use common::{
    CHROMEDRIVER, CHROMIUM, click, connect, find_tool, fresh_dir, screenshot, start_chromedriver,
    type_into, wait_for,
};
use fantoccini::Client;
use ferry_api::crypto::{SealingSecretKey, SigningKey, fingerprint};
use ferry_api::grant::Phase;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A DigitalOcean-shaped token that must never be seen by the server.
const CANARY: &str = "dop_v1_ca7a7ca7ca7a7ca7ca7a7ca7ca7a7ca7ca7a7ca7ca7a7ca7ca7a7ca7ca7a7ca7";
/// The part of the canary that is unlike anything else.
const CANARY_TAIL: &str = "ca7a7ca7ca7a7ca7ca7a7ca7";

/// One request as the router received it.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    uri: String,
    headers: String,
    body: Vec<u8>,
}

impl Seen {
    fn contains(&self, needle: &str) -> bool {
        let n = needle.as_bytes();
        self.uri.contains(needle)
            || self.headers.contains(needle)
            || self.body.windows(n.len()).any(|w| w == n)
    }
}

#[derive(Debug, Clone, Default)]
struct Recorder(Arc<Mutex<Vec<Seen>>>);

impl Recorder {
    fn all(&self) -> Vec<Seen> {
        self.0.lock().map(|v| v.clone()).unwrap_or_default()
    }
}

/// Records every request (its body read in full, then handed on unchanged).
async fn record(State(rec): State<Recorder>, req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, 64 << 20)
        .await
        .unwrap_or_default();
    let headers = parts
        .headers
        .iter()
        .map(|(k, v)| format!("{k}: {}\n", String::from_utf8_lossy(v.as_bytes())))
        .collect();
    if let Ok(mut v) = rec.0.lock() {
        v.push(Seen {
            method: parts.method.to_string(),
            uri: parts.uri.to_string(),
            headers,
            body: bytes.to_vec(),
        });
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// The server's log lines, captured.
#[derive(Debug, Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut v) = self.0.lock() {
            v.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Logs {
    fn text(&self) -> String {
        self.0
            .lock()
            .map(|v| String::from_utf8_lossy(&v).into_owned())
            .unwrap_or_default()
    }
}

struct Server {
    base: String,
    broker: ferry_broker::Broker,
    vendor_key: String,
    recorder: Recorder,
}

/// `ferry serve` as the tests know it: the dist dashboard and compiler.wasm, the broker on a
/// SQLite file in `data`, behind a request recorder.
async fn serve(dist: PathBuf, data: &Path) -> Result<Server> {
    use ferry::server::broker::{BrokerConfig, BrokerState};
    use ferry::server::{AppState, Limits, app, sandbox::Sandbox};
    let bytes = std::fs::read(dist.join("compiler.wasm"))?;
    let limits = Limits::default();
    let sandbox = Sandbox::new(bytes, limits.guest.clone())
        .map_err(|e| anyhow::anyhow!("the edge host refuses dist/compiler.wasm: {e}"))?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let base = format!("http://{addr}");
    let broker = ferry_broker::Broker::open(
        &ferry_broker::Location::in_data_dir(data),
        Arc::new(ferry_broker::SystemClock),
    )
    .await
    .map_err(|e| anyhow::anyhow!("opening the broker: {e}"))?;
    let now = broker.now_ms();
    let vendor_key = broker
        .bootstrap_vendor("Example Vendor", now)
        .await
        .map_err(|e| anyhow::anyhow!("bootstrapping the vendor: {e}"))?
        .context("a fresh store has no vendor yet")?
        .secret;
    let state = AppState::new(sandbox, limits, Some(dist))
        .with_broker(BrokerState::new(broker.clone(), BrokerConfig::new(&base)));
    let recorder = Recorder::default();
    let router = app(state).layer(axum::middleware::from_fn_with_state(
        recorder.clone(),
        record,
    ));
    tokio::spawn(async move {
        let _ = axum::serve(
            listener,
            router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await;
    });
    Ok(Server {
        base,
        broker,
        vendor_key,
        recorder,
    })
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// Every file under `dir`, with its bytes.
fn files_under(dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) -> Result<()> {
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        if e.file_type()?.is_dir() {
            files_under(&e.path(), out)?;
        } else {
            out.push((e.path(), std::fs::read(e.path())?));
        }
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vendor_and_customer_pages_in_headless_chromium() -> Result<()> {
    let logs = Logs::default();
    let writer = logs.clone();
    let _ = tracing_subscriber::fmt()
        .with_env_filter("trace")
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .try_init();

    let chromium = find_tool("chromium", CHROMIUM)?;
    let chromedriver = find_tool("chromedriver", CHROMEDRIVER)?;
    let work = xtask::target_dir().join("browser-test");
    std::fs::create_dir_all(&work)?;
    let report = common::build_dist(work.join("broker-dist")).await?;
    let data = tempfile::tempdir()?;
    let server = serve(report.out.clone(), data.path()).await?;

    let mut driver = start_chromedriver(&chromedriver).await?;
    let vendor = connect(
        &driver,
        &chromium,
        &fresh_dir(&work.join("broker-vendor-profile"))?,
        &fresh_dir(&work.join("broker-vendor-downloads"))?,
    )
    .await?;
    let customer_downloads = fresh_dir(&work.join("broker-customer-downloads"))?;
    let customer = match connect(
        &driver,
        &chromium,
        &fresh_dir(&work.join("broker-customer-profile"))?,
        &customer_downloads,
    )
    .await
    {
        Ok(c) => c,
        Err(e) => {
            let _ = vendor.close().await;
            return Err(e);
        }
    };
    let result = drive(&vendor, &customer, &server, &work, &customer_downloads).await;
    let _ = vendor.close().await;
    let _ = customer.close().await;
    let _ = driver.child.kill().await;
    result?;

    // The canary never reached the server in clear.
    let seen = server.recorder.all();
    ensure!(
        seen.iter()
            .any(|s| s.method == "PUT" && s.uri.contains("/tokens/deploy")),
        "the sealed token upload was not among the recorded requests"
    );
    for needle in [CANARY, CANARY_TAIL] {
        if let Some(s) = seen.iter().find(|s| s.contains(needle)) {
            anyhow::bail!(
                "the canary token reached the server in clear: {} {}",
                s.method,
                s.uri
            );
        }
    }
    let mut files = Vec::new();
    files_under(data.path(), &mut files)?;
    ensure!(!files.is_empty(), "the data folder is empty");
    for (path, bytes) in &files {
        ensure!(
            !contains(bytes, CANARY_TAIL),
            "the canary token is in {}",
            path.display()
        );
    }
    let log = logs.text();
    ensure!(!log.is_empty(), "no server logs were captured");
    ensure!(
        !log.contains(CANARY_TAIL),
        "the canary token is in the server's logs"
    );
    say!(
        "canary absent from {} requests, {} data files ({} bytes), {} bytes of server logs",
        seen.len(),
        files.len(),
        files.iter().map(|(_, b)| b.len()).sum::<usize>(),
        log.len()
    );
    Ok(())
}

/// Shared between the steps: what the vendor made.
struct Made {
    appliance_id: String,
    controller: SealingSecretKey,
}

async fn drive(
    vendor: &Client,
    customer: &Client,
    server: &Server,
    work: &Path,
    customer_downloads: &Path,
) -> Result<()> {
    let long = Duration::from_secs(60);
    let short = Duration::from_secs(20);
    let base = format!("{}/", server.base);

    // 1. The vendor opens the compile preview (the example loads), then signs in.
    vendor.goto(&base).await?;
    wait_for(
        vendor,
        "the example in the preview",
        "return !!document.querySelector('[data-testid=origin-tab][data-file=\"eks.tf\"]');",
        long,
    )
    .await?;
    click(vendor, "[data-testid=nav-sign-in]").await?;
    type_into(vendor, "[data-testid=api-key]", "not-a-key").await?;
    click(vendor, "[data-testid=sign-in]").await?;
    let refused = wait_for(
        vendor,
        "the refused sign-in",
        "return document.querySelector('[data-testid=sign-in-error]')?.textContent;",
        short,
    )
    .await?;
    say!("a bad API key: {refused}");
    type_into(vendor, "[data-testid=api-key]", &server.vendor_key).await?;
    click(vendor, "[data-testid=sign-in]").await?;
    wait_for(
        vendor,
        "the vendor's appliances page",
        "return document.querySelector('[data-testid=whoami]')?.dataset.role === 'vendor' && !!document.querySelector('[data-testid=new-appliance]');",
        short,
    )
    .await?;

    // 2. A new appliance and its invitation link (shown once).
    type_into(
        vendor,
        "[data-testid=new-appliance-name]",
        "Acme production",
    )
    .await?;
    type_into(vendor, "[data-testid=new-appliance-instance-id]", "acme").await?;
    type_into(vendor, "[data-testid=new-appliance-customer]", "Acme Corp").await?;
    click(vendor, "[data-testid=create-appliance]").await?;
    let created = wait_for(
        vendor,
        "the invitation link",
        "const c = document.querySelector('[data-testid=created-appliance]'); const l = document.querySelector('[data-testid=invitation-link]'); return c && l && l.value ? {id: c.dataset.id, link: l.value} : null;",
        short,
    )
    .await?;
    let appliance_id = created["id"].as_str().context("appliance id")?.to_string();
    let link = created["link"].as_str().context("link")?.to_string();
    ensure!(
        link.contains("/invite#"),
        "the invitation link keeps its secret in the fragment: {link}"
    );
    wait_for(
        vendor,
        "the appliance in the list",
        &format!("return !!document.querySelector('[data-testid=appliance-row][data-id={appliance_id:?}]');"),
        short,
    )
    .await?;
    say!("appliance {appliance_id} created; invitation link received");

    // 3. The customer accepts: the approval key is generated in the browser.
    customer.goto(&link).await?;
    wait_for(
        customer,
        "the accept button",
        "const b = document.querySelector('[data-testid=accept-invitation]'); if (b && !b.disabled) { b.click(); return true; } return !!document.querySelector('[data-testid=invite-accepted]');",
        short,
    )
    .await?;
    let accepted = wait_for(
        customer,
        "the accepted invitation",
        "const a = document.querySelector('[data-testid=invite-accepted]'); return a && a.dataset.appliance ? {appliance: a.dataset.appliance, url: location.href, keys: Object.keys(localStorage).filter(k => k.startsWith('ferry.approval-key.'))} : null;",
        short,
    )
    .await?;
    ensure!(
        accepted["appliance"].as_str() == Some(appliance_id.as_str()),
        "the customer landed on another appliance: {accepted}"
    );
    ensure!(
        !accepted["url"].as_str().unwrap_or("#").contains('#'),
        "the spent secret stays in the address: {accepted}"
    );
    let stored_keys = accepted["keys"].as_array().map_or(0, Vec::len);
    ensure!(
        stored_keys == 1,
        "approval keys in localStorage: {accepted}"
    );
    click(customer, "[data-testid=export-key]").await?;
    let backup = customer_downloads.join("ferry-approval-key-acme.json");
    let deadline = Instant::now() + short;
    while !backup.is_file() {
        ensure!(
            Instant::now() < deadline,
            "the key backup was not downloaded"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let backup_text = std::fs::read_to_string(&backup)?;
    let backup: Value = serde_json::from_str(&backup_text)?;
    let secret_seed = backup["secret_key"].as_str().context("backup secret")?;
    let approval = SigningKey::from_b64(secret_seed)?;
    ensure!(
        backup["public_key"].as_str() == Some(approval.verifying_key().to_string().as_str()),
        "the backup's keys do not belong together"
    );
    say!(
        "customer accepted; approval key {} generated in the browser and backed up",
        approval.verifying_key().fingerprint()
    );
    click(customer, "[data-testid=go-to-appliance]").await?;
    let pinned = wait_for(
        customer,
        "the customer's appliance page",
        "return document.querySelector('[data-testid=approval-key-status]')?.dataset.held === 'true' && document.querySelector('[data-testid=pinned-key]').textContent;",
        short,
    )
    .await?;
    ensure!(
        pinned.as_str() == Some(approval.verifying_key().fingerprint().as_str()),
        "the appliance pinned another key than the browser's: {pinned}"
    );

    // 4. Controller keys, made here as `ferry controller keygen` would.
    let controller_identity = SigningKey::generate();
    let made = Made {
        appliance_id: appliance_id.clone(),
        controller: SealingSecretKey::generate(),
    };
    type_into(
        customer,
        "[data-testid=controller-signing-key]",
        &controller_identity.verifying_key().to_string(),
    )
    .await?;
    type_into(
        customer,
        "[data-testid=controller-sealing-key]",
        &made.controller.public_key().to_string(),
    )
    .await?;
    click(customer, "[data-testid=register-controller]").await?;
    wait_for(
        customer,
        "the registered controller",
        "return !!document.querySelector('[data-testid=controller-registered]');",
        short,
    )
    .await?;

    // 5. The canary token, sealed in the browser. A malformed token first: refused inline,
    //    before anything is sent.
    let deploy_row = "[data-testid=token-row][data-phase=deploy]";
    let puts_before = server
        .recorder
        .all()
        .iter()
        .filter(|s| s.uri.contains("/tokens/"))
        .count();
    type_into(
        customer,
        &format!("{deploy_row} [data-testid=token-input]"),
        "dop_v1_nothex!",
    )
    .await?;
    type_into(
        customer,
        &format!("{deploy_row} [data-testid=token-scopes]"),
        "droplet:read droplet:create tag:create",
    )
    .await?;
    click(customer, &format!("{deploy_row} [data-testid=seal-token]")).await?;
    let inline = wait_for(
        customer,
        "the inline token message",
        &format!(
            "return document.querySelector('{deploy_row} [data-testid=token-error]')?.textContent;"
        ),
        short,
    )
    .await?;
    ensure!(
        inline
            .as_str()
            .is_some_and(|t| t.contains("dop_v1_") && t.contains("64 hexadecimal")),
        "unexpected inline message: {inline}"
    );
    ensure!(
        server
            .recorder
            .all()
            .iter()
            .filter(|s| s.uri.contains("/tokens/"))
            .count()
            == puts_before,
        "a malformed token was sent"
    );
    say!("malformed token refused in the browser: {inline}");
    type_into(
        customer,
        &format!("{deploy_row} [data-testid=token-input]"),
        CANARY,
    )
    .await?;
    click(customer, &format!("{deploy_row} [data-testid=seal-token]")).await?;
    let sealed = wait_for(
        customer,
        "the sealed token registered",
        &format!("const d = document.querySelector('{deploy_row} [data-testid=token-sealed]'); const i = document.querySelector('{deploy_row} [data-testid=token-input]'); return d ? {{note: d.textContent, input: i.value, registered: document.querySelector('{deploy_row}').dataset.registered}} : null;"),
        short,
    )
    .await?;
    ensure!(
        sealed["input"].as_str() == Some(""),
        "the token field was not cleared after sealing: {sealed}"
    );
    ensure!(
        sealed["note"]
            .as_str()
            .is_some_and(|n| n.contains(&fingerprint(CANARY))),
        "the page shows another fingerprint: {sealed}"
    );
    let stored = server
        .broker
        .sealed_token(&made.appliance_id, Phase::Deploy)
        .await
        .map_err(|e| anyhow::anyhow!("reading the sealed token: {e}"))?
        .context("no sealed token stored for Deploy")?;
    ensure!(
        !stored.sealed.contains(CANARY_TAIL),
        "the stored token is not sealed"
    );
    ensure!(
        made.controller.open_token(&stored.sealed)? == CANARY,
        "the stored ciphertext does not open to the canary"
    );
    ensure!(stored.fingerprint == fingerprint(CANARY), "fingerprint");
    say!(
        "canary sealed in the browser; the stored ciphertext ({} chars) opens with the controller's key to exactly the canary",
        stored.sealed.len()
    );

    // 6. The vendor makes a release from the preview's files and asks for a Deploy window.
    vendor
        .goto(&format!("{base}#/appliances/{appliance_id}"))
        .await?;
    wait_for(
        vendor,
        "the vendor's appliance page",
        "return document.querySelector('[data-testid=appliance-head]')?.dataset.status === 'ready';",
        long,
    )
    .await?;
    type_into(vendor, "[data-testid=release-note]", "v1 from the preview").await?;
    click(vendor, "[data-testid=create-release]").await?;
    let release = wait_for(
        vendor,
        "the release in the list",
        "const r = document.querySelector('[data-testid=release-row]'); return r ? {id: r.dataset.id, digest: r.dataset.digest, deployable: r.dataset.deployable} : null;",
        long,
    )
    .await?;
    ensure!(
        release["deployable"] == "true",
        "the example's release is not deployable: {release}"
    );
    let release_id = release["id"].as_str().context("release id")?.to_string();
    wait_for(
        vendor,
        "the release in the request form",
        &format!("const s = document.querySelector('[data-testid=request-release]'); if (!s || ![...s.options].some(o => o.value === {release_id:?})) return false; s.value = {release_id:?}; s.dispatchEvent(new Event('change', {{bubbles: true}})); return true;"),
        short,
    )
    .await?;
    type_into(vendor, "[data-testid=request-duration]", "2h").await?;
    type_into(vendor, "[data-testid=request-reason]", "Deploy v1").await?;
    click(vendor, "[data-testid=create-request]").await?;
    wait_for(
        vendor,
        "the pending request",
        "return !!document.querySelector('[data-testid=access-request-row][data-status=pending][data-phase=deploy]');",
        short,
    )
    .await?;
    say!(
        "release {} made from the preview's files; Deploy requested",
        release["digest"]
    );

    // 7. The customer approves: a grant signed in the browser with the approval key.
    let canonical = wait_for(
        customer,
        "the request on the customer's page",
        "return document.querySelector('[data-testid=request-item][data-status=pending] [data-testid=canonical-grant]')?.textContent;",
        short,
    )
    .await?;
    ensure!(
        canonical
            .as_str()
            .is_some_and(|c| c.starts_with("ferry-grant-v1\n")
                && c.contains("phase=deploy")
                && c.contains(release["digest"].as_str().unwrap_or("?"))),
        "what the key signs: {canonical}"
    );
    click(
        customer,
        "[data-testid=request-item][data-status=pending] [data-testid=approve-request]",
    )
    .await?;
    wait_for(
        customer,
        "the active Deploy grant",
        "return !!document.querySelector('[data-testid=grant-row][data-phase=deploy][data-state=active]');",
        short,
    )
    .await?;

    // 8. The vendor's page: Deploy active, with a countdown that ticks.
    let countdown = "const p = document.querySelector('[data-testid=phase-state][data-phase=deploy]'); const c = p && p.querySelector('[data-testid=countdown]'); return p && p.dataset.active === 'true' && c ? {ms: Number(c.dataset.remainingMs), text: c.textContent} : null;";
    let first = wait_for(
        vendor,
        "Deploy active on the vendor's page",
        countdown,
        short,
    )
    .await?;
    let ms = first["ms"].as_i64().unwrap_or(0);
    ensure!(
        ms > 7_100_000 && ms <= 7_200_000,
        "the countdown should show about 2 h: {first}"
    );
    tokio::time::sleep(Duration::from_millis(2200)).await;
    let later = wait_for(vendor, "the countdown", countdown, short).await?;
    let ms2 = later["ms"].as_i64().unwrap_or(0);
    ensure!(
        ms - ms2 >= 1000 && later["text"] != first["text"],
        "the countdown does not tick: {first} then {later}"
    );
    say!(
        "vendor sees Deploy active: {} → {}",
        first["text"],
        later["text"]
    );

    // A deploy session while the window is open: the credential is shown once.
    click(vendor, "[data-testid=create-session]").await?;
    wait_for(
        vendor,
        "the session credential",
        "return document.querySelector('[data-testid=session-credential]')?.value;",
        short,
    )
    .await?;
    screenshot(vendor, &work.join("broker-vendor.png")).await?;

    // The release's report, with the preview's table, and its tarball.
    vendor
        .goto(&format!("{base}#/releases/{release_id}"))
        .await?;
    let rows = wait_for(
        vendor,
        "the release's report table",
        "const t = document.querySelector('[data-testid=release-report] [data-testid=resource-count]'); return t && Number(t.textContent) > 0 ? Number(t.textContent) : null;",
        short,
    )
    .await?;
    let tarball = vendor
        .execute_async(
            "const done = arguments[0]; const a = document.querySelector('[data-testid=release] [data-testid=release-download]'); fetch(a.href).then(r => r.arrayBuffer().then(b => { const u = new Uint8Array(b); done({status: r.status, gzip: u[0] === 0x1f && u[1] === 0x8b, bytes: u.length}); })).catch(e => done({error: String(e)}));",
            vec![],
        )
        .await?;
    ensure!(
        tarball["status"] == 200 && tarball["gzip"] == true,
        "stack.tar.gz: {tarball}"
    );
    say!(
        "release report: {rows} rows; stack.tar.gz {} bytes",
        tarball["bytes"]
    );
    screenshot(vendor, &work.join("broker-release.png")).await?;

    // 9. The customer revokes; the vendor's page shows Deploy inactive.
    screenshot(customer, &work.join("broker-customer.png")).await?;
    click(
        customer,
        "[data-testid=grant-row][data-phase=deploy][data-state=active] [data-testid=revoke-grant]",
    )
    .await?;
    wait_for(
        customer,
        "the revoked grant",
        "return !!document.querySelector('[data-testid=grant-row][data-phase=deploy][data-state=revoked]');",
        short,
    )
    .await?;
    vendor
        .goto(&format!("{base}#/appliances/{appliance_id}"))
        .await?;
    wait_for(
        vendor,
        "Deploy inactive on the vendor's page",
        "const p = document.querySelector('[data-testid=phase-state][data-phase=deploy]'); return p && p.dataset.active === 'false' && !p.querySelector('[data-testid=countdown]');",
        short,
    )
    .await?;
    say!("after revocation the vendor sees Deploy inactive");

    // 10. Steady-state off and on again, by the customer; the vendor sees it.
    let steady = |state: &str| {
        format!(
            "const p = document.querySelector('[data-testid=phase-state][data-phase=steady_state]'); return !!p && p.classList.contains({state:?});"
        )
    };
    click(customer, "[data-testid=steady-state-switch]").await?;
    wait_for(
        vendor,
        "Steady-state off on the vendor's page",
        &steady("off"),
        short,
    )
    .await?;
    click(customer, "[data-testid=steady-state-switch]").await?;
    wait_for(vendor, "Steady-state on again", &steady("active"), short).await?;
    say!("Steady-state switched off and on by the customer; the vendor's page followed");

    // 11. A weekly maintenance window for Operate, refused with a reason.
    vendor
        .execute(
            "const set = (id, v) => { const s = document.querySelector(`[data-testid=${id}]`); s.value = v; s.dispatchEvent(new Event('change', {bubbles: true})); }; set('request-phase', 'operate'); set('request-window-kind', 'weekly'); set('request-release', '');",
            vec![],
        )
        .await?;
    wait_for(
        vendor,
        "the weekly slots",
        "return !!document.querySelector('[data-testid=weekly-slot]') && !!document.querySelector('[data-testid=request-tz]')?.value;",
        short,
    )
    .await?;
    type_into(vendor, "[data-testid=request-tz]", "Europe/Berlin").await?;
    type_into(
        vendor,
        "[data-testid=request-reason]",
        "Monthly maintenance",
    )
    .await?;
    click(vendor, "[data-testid=create-request]").await?;
    wait_for(
        vendor,
        "the weekly request",
        "return !!document.querySelector('[data-testid=access-request-row][data-status=pending][data-phase=operate]');",
        short,
    )
    .await?;
    let operate = "[data-testid=request-item][data-status=pending][data-phase=operate]";
    let text = wait_for(
        customer,
        "the weekly request on the customer's page",
        &format!("return document.querySelector('{operate}')?.textContent;"),
        short,
    )
    .await?;
    ensure!(
        text.as_str()
            .is_some_and(|t| t.contains("weekly (Europe/Berlin): tue 02:00 for 2h")),
        "the weekly window in words: {text}"
    );
    type_into(
        customer,
        &format!("{operate} [data-testid=refuse-reason]"),
        "not this month",
    )
    .await?;
    click(customer, &format!("{operate} [data-testid=refuse-request]")).await?;
    wait_for(
        vendor,
        "the refusal on the vendor's page",
        "return document.querySelector('[data-testid=access-request-row][data-status=refused][data-phase=operate]')?.textContent.includes('not this month');",
        short,
    )
    .await?;
    say!("a weekly Operate window was requested and refused with a reason");

    // 12. The key restored from its backup in a browser that lost it.
    customer
        .execute("localStorage.clear(); location.reload();", vec![])
        .await?;
    wait_for(
        customer,
        "the page without the key",
        "return document.querySelector('[data-testid=approval-key-status]')?.dataset.held === 'false';",
        short,
    )
    .await?;
    customer
        .execute(
            "document.querySelector('[data-testid=approval-key] details').open = true;",
            vec![],
        )
        .await?;
    type_into(customer, "[data-testid=import-key]", &backup_text).await?;
    click(customer, "[data-testid=restore-key]").await?;
    wait_for(
        customer,
        "the restored key",
        "return document.querySelector('[data-testid=approval-key-status]')?.dataset.held === 'true' && !document.querySelector('[data-testid=open-window-submit]').disabled;",
        short,
    )
    .await?;
    say!("approval key restored from the downloaded backup");

    // 13. The audit chain verifies.
    click(customer, "[data-testid=verify-audit]").await?;
    let verdict = wait_for(
        customer,
        "the audit verdict",
        "const v = document.querySelector('[data-testid=audit-verdict]'); return v ? {ok: v.dataset.ok, text: v.textContent, rows: document.querySelectorAll('[data-testid=audit-row]').length} : null;",
        short,
    )
    .await?;
    ensure!(verdict["ok"] == "true", "audit: {verdict}");
    say!(
        "audit: {} ({} records shown)",
        verdict["text"],
        verdict["rows"]
    );
    let audit_text = customer
        .execute(
            "return [...document.querySelectorAll('[data-testid=audit-row]')].map(r => r.textContent).join('\\n');",
            vec![],
        )
        .await?;
    ensure!(
        !audit_text.as_str().unwrap_or("").contains(CANARY_TAIL),
        "the canary is in the audit log"
    );
    screenshot(customer, &work.join("broker-revoked.png")).await?;
    Ok(())
}

/// The appliance page live: controller state, relayed calls as they happen, the relay's audit
/// trail, the metric charts' empty state (`common/live.rs`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_appliance_page_follows_the_relay_live() -> Result<()> {
    let chromium = find_tool("chromium", CHROMIUM)?;
    let chromedriver = find_tool("chromedriver", CHROMEDRIVER)?;
    let work = xtask::target_dir().join("browser-test");
    std::fs::create_dir_all(&work)?;
    let report = common::build_dist(work.join("live-dist")).await?;
    let data = tempfile::tempdir()?;
    let server = common::live::serve_live(report.out.clone(), data.path()).await?;
    let mut driver = start_chromedriver(&chromedriver).await?;
    let browser = connect(
        &driver,
        &chromium,
        &fresh_dir(&work.join("live-profile"))?,
        &fresh_dir(&work.join("live-downloads"))?,
    )
    .await?;
    let result = common::live::drive_live(&browser, &server, &work).await;
    let _ = browser.close().await;
    let _ = driver.child.kill().await;
    result
}
