//! The compile preview in headless Chromium (WebDriver via chromedriver and fantoccini).
//!
//! Builds the dashboard with the same code as `cargo xtask dist` (into
//! `<target>/browser-test/dist`), serves it on loopback with the real edge host router (the
//! dashboard from the dist folder, the dist compiler.wasm in wasmtime, `GET /api/v1/compiler`
//! reporting its SHA-256), then drives the page like a user: pick an example, wait for the
//! compile, read the emitted `main.tf`, click a diagnostic, compare the module hashes. It saves
//! a screenshot to `<target>/browser-test/preview.png` and prints the time to the first preview.
//!
//! Chromium and chromedriver are installed by `scripts/setup.sh`; without them this test fails
//! (it never skips).

#[macro_use]
mod common;

use anyhow::{Context, Result, ensure};
use common::{CHROMEDRIVER, CHROMIUM, connect, find_tool, start_chromedriver, wait_for};
use fantoccini::{Client, Locator};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The real edge host (`ferry serve`'s router): the dist folder as the dashboard, and the very
/// compiler.wasm bytes of the dist folder in its wasmtime sandbox, so the hash the browser
/// computes is compared with the one the server reports for the module it runs.
async fn serve(dist: PathBuf) -> Result<String> {
    use ferry::server::{AppState, Limits, app, sandbox::Sandbox};
    let bytes = std::fs::read(dist.join("compiler.wasm"))?;
    let limits = Limits::default();
    let sandbox = Sandbox::new(bytes, limits.guest.clone())
        .map_err(|e| anyhow::anyhow!("the edge host refuses dist/compiler.wasm: {e}"))?;
    let state = AppState::new(sandbox, limits, Some(dist));
    // `ferry serve` compresses compiler.wasm for browsers as it starts; a server that has just
    // started is not what the time to the first preview should measure.
    state.compiler_wasm_gzip().await;
    let router = app(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    Ok(format!("http://{addr}/"))
}

async fn choose_example(client: &Client, name: &str) -> Result<()> {
    client
        .find(Locator::Css("[data-testid=example-picker]"))
        .await?
        .select_by_value(name)
        .await?;
    Ok(())
}

/// Entries of a store-only zip, read through its local headers (what the page writes).
fn read_stored_zip(bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>> {
    let u16_at = |i: usize| -> Result<usize> {
        let b = bytes.get(i..i + 2).context("truncated zip")?;
        Ok(usize::from(u16::from_le_bytes([b[0], b[1]])))
    };
    let u32_at = |i: usize| -> Result<usize> {
        let b = bytes.get(i..i + 4).context("truncated zip")?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    };
    let mut out = Vec::new();
    let mut pos = 0;
    while u32_at(pos)? == 0x0403_4b50 {
        ensure!(u16_at(pos + 8)? == 0, "entry is not stored");
        let size = u32_at(pos + 18)?;
        let (name_len, extra) = (u16_at(pos + 26)?, u16_at(pos + 28)?);
        let name_at = pos + 30;
        let data_at = name_at + name_len + extra;
        let name = String::from_utf8(
            bytes
                .get(name_at..name_at + name_len)
                .context("name")?
                .to_vec(),
        )?;
        let data = bytes.get(data_at..data_at + size).context("data")?.to_vec();
        out.push((name, data));
        pos = data_at + size;
    }
    ensure!(
        u32_at(pos)? == 0x0201_4b50,
        "no central directory after the entries"
    );
    Ok(out)
}

const STACK_MAIN_TF: &str = "const c = document.querySelector('[data-testid=stack-code][data-file=\"main.tf\"]'); return c ? c.textContent : null;";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compile_preview_in_headless_chromium() -> Result<()> {
    let chromium = find_tool("chromium", CHROMIUM)?;
    let chromedriver = find_tool("chromedriver", CHROMEDRIVER)?;
    let root = xtask::workspace_root();
    let work = xtask::target_dir().join("browser-test");
    std::fs::create_dir_all(&work)?;

    // The dashboard, built as `cargo xtask dist` builds it.
    let report = common::build_dist(work.join("dist")).await?;
    let base = serve(report.out.clone()).await?;

    let profile = work.join("chromium-profile");
    if profile.exists() {
        std::fs::remove_dir_all(&profile)?;
    }
    let downloads = work.join("downloads");
    if downloads.exists() {
        std::fs::remove_dir_all(&downloads)?;
    }
    std::fs::create_dir_all(&downloads)?;
    let mut driver = start_chromedriver(&chromedriver).await?;
    let client = connect(&driver, &chromium, &profile, &downloads).await?;
    let result = drive(&client, &base, &root, &report, &work).await;
    let _ = client.close().await;
    let _ = driver.child.kill().await;
    result
}

async fn drive(
    client: &Client,
    base: &str,
    root: &Path,
    report: &xtask::DistReport,
    work: &Path,
) -> Result<()> {
    let long = Duration::from_secs(60);
    let started = Instant::now();
    client.goto(base).await?;

    // 1. The page opens on an example and compiles it in the worker.
    let first = wait_for(
        client,
        "the first compiled preview",
        "return document.querySelector('[data-testid=summary]')?.dataset.firstPreviewMs || null;",
        long,
    )
    .await?;
    let wall = started.elapsed();
    say!(
        "time to first compiled preview: {} ms after navigation start (page clock); {} ms from goto() (test clock)",
        first.as_str().unwrap_or("?"),
        wall.as_millis()
    );

    // The dashboard's large files come gzip-encoded (the `.gz` copies `dist` writes): what the
    // page's resource timing saw on the wire against what it decoded.
    let sizes = client
        .execute(
            "return performance.getEntriesByType('resource')
               .filter(e => /\\.(wasm|js|json)$/.test(new URL(e.name).pathname))
               .map(e => [new URL(e.name).pathname, e.encodedBodySize, e.decodedBodySize]);",
            vec![],
        )
        .await?;
    let sizes: Vec<(String, u64, u64)> = serde_json::from_value(sizes)?;
    say!("transferred (encoded / decoded bytes): {sizes:?}");
    let app = sizes
        .iter()
        .find(|(path, ..)| path.ends_with("/ferry_web_bg.wasm"))
        .context("the page loaded no ferry_web_bg.wasm")?;
    ensure!(
        app.1 > 0 && app.1 * 2 < app.2,
        "ferry_web_bg.wasm was not sent compressed: {app:?}"
    );

    // 2. Choose another example, then saas-web-app, through the picker.
    choose_example(client, "modular-stack").await?;
    wait_for(
        client,
        "modular-stack's files",
        "return !!document.querySelector('[data-testid=origin-tab][data-file=\"modules/app/main.tf\"]') && !!document.querySelector('[data-testid=compile-status][data-state=done]') && !!document.querySelector('[data-testid=stack-tab][data-file=\"modules/app/main.tf\"]');",
        long,
    )
    .await?;
    let t = Instant::now();
    choose_example(client, "saas-web-app").await?;
    wait_for(
        client,
        "saas-web-app compiled with a Kubernetes cluster in main.tf",
        "const tab = document.querySelector('[data-testid=origin-tab][data-file=\"eks.tf\"]'); const done = document.querySelector('[data-testid=compile-status][data-state=done]'); const c = document.querySelector('[data-testid=stack-code][data-file=\"main.tf\"]'); return !!(tab && done && c && c.textContent.includes('resource \"digitalocean_kubernetes_cluster\"') && !document.querySelector('[data-testid=stack-tab][data-file=\"modules/app/main.tf\"]'));",
        long,
    )
    .await?;
    say!(
        "example switch to compiled preview: {} ms",
        t.elapsed().as_millis()
    );

    // The browser ran compiler.wasm on the example: its main.tf is the expected one, byte for
    // byte (the golden file of examples/saas-web-app, compiled natively).
    let main_tf = client.execute(STACK_MAIN_TF, vec![]).await?;
    let expected = std::fs::read_to_string(root.join("examples/saas-web-app/expected/main.tf"))?;
    ensure!(
        main_tf.as_str() == Some(expected.as_str()),
        "main.tf compiled in the browser differs from examples/saas-web-app/expected/main.tf"
    );

    // The stack downloads as a zip holding the same files and the report.
    client
        .find(Locator::Css("[data-testid=download-zip]"))
        .await?
        .click()
        .await?;
    let zip_path = work.join("downloads").join("saas-web-app-digitalocean.zip");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !zip_path.is_file() {
        ensure!(
            Instant::now() < deadline,
            "the zip was not downloaded to {}",
            zip_path.display()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let entries = read_stored_zip(&std::fs::read(&zip_path)?)?;
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    ensure!(
        names.contains(&"saas-web-app-digitalocean/ferry-report.json"),
        "zip entries: {names:?}"
    );
    let zipped_main = entries
        .iter()
        .find(|(n, _)| n == "saas-web-app-digitalocean/main.tf")
        .context("main.tf in the zip")?;
    ensure!(
        zipped_main.1 == expected.as_bytes(),
        "main.tf in the zip differs"
    );
    say!(
        "downloaded {} ({} entries)",
        zip_path.display(),
        entries.len()
    );

    // 3. A diagnostic: click it and the origin editor opens its file at its line.
    let diag = wait_for(
        client,
        "a diagnostic with a location",
        "const active = document.querySelector('[data-testid=origin-tab].active')?.dataset.file; const all = [...document.querySelectorAll('[data-testid=diagnostic].clickable')]; const d = all.find(d => d.dataset.file !== active && Number(d.dataset.line) > 20) || all[0]; if (!d) return null; d.id = 'diag-under-test'; return {file: d.dataset.file, line: Number(d.dataset.line), text: d.textContent};",
        long,
    )
    .await?;
    let file = diag["file"]
        .as_str()
        .context("diagnostic file")?
        .to_string();
    let line = diag["line"].as_u64().context("diagnostic line")?;
    say!("clicking diagnostic at {file}:{line}");
    client
        .find(Locator::Id("diag-under-test"))
        .await?
        .click()
        .await?;
    let check = format!(
        "const tab = document.querySelector('[data-testid=origin-tab].active'); const hl = document.querySelector('[data-testid=editor-highlight]'); const ed = document.querySelector('[data-testid=origin-editor]'); const ta = document.querySelector('[data-testid=origin-textarea]'); if (!tab || !hl || !ed || !ta) return null; if (tab.dataset.file !== {file:?} || hl.dataset.line !== '{line}') return null; const e = ed.getBoundingClientRect(), h = hl.getBoundingClientRect(); const visible = h.top >= e.top && h.bottom <= e.bottom; const lineText = ta.value.split('\\n')[{line} - 1]; const sel = ta.value.substring(ta.selectionStart, ta.selectionEnd); return visible && sel === lineText ? lineText : null;"
    );
    let line_text = wait_for(
        client,
        "the diagnostic's line highlighted and in view",
        &check,
        long,
    )
    .await?;
    say!(
        "editor shows {file}:{line}: {}",
        line_text.as_str().unwrap_or("").trim()
    );

    // 4. The module hash the browser computed equals the server's.
    let hashes = wait_for(
        client,
        "both module hashes",
        "const b = document.querySelector('[data-testid=sha-browser]')?.dataset.sha; const s = document.querySelector('[data-testid=sha-server]')?.dataset.sha; return b && s ? {browser: b, server: s, verdict: document.querySelector('[data-testid=sha-verdict]').textContent} : null;",
        long,
    )
    .await?;
    ensure!(
        hashes["browser"] == hashes["server"],
        "the browser's compiler.wasm hash differs from the server's: {hashes}"
    );
    ensure!(
        hashes["browser"].as_str() == Some(report.compiler_sha256.as_str()),
        "the browser hashed other bytes than dist/compiler.wasm: {hashes}"
    );
    say!(
        "compiler.wasm sha256 (browser = server): {}",
        report.compiler_sha256
    );

    // 5. Select a resource to fill the side-by-side view, then take the screenshot.
    client
        .execute(
            "const f = document.querySelector('[data-testid=resource-filter]'); f.value = 'aws_eks_cluster.main'; f.dispatchEvent(new Event('input', {bubbles: true})); window.scrollTo(0, 0);",
            vec![],
        )
        .await?;
    wait_for(
        client,
        "the filtered resource table",
        "const r = [...document.querySelectorAll('[data-testid=resource-row]')].find(r => r.textContent.includes('aws_eks_cluster.main')); if (r) r.click(); return !!r;",
        long,
    )
    .await?;
    wait_for(
        client,
        "the side-by-side view",
        "return document.querySelector('[data-testid=side-by-side]')?.textContent.includes('digitalocean_kubernetes_cluster.main');",
        long,
    )
    .await?;
    common::screenshot(client, &work.join("preview.png")).await?;

    large_stack(client, work).await
}

/// A 1,000-resource stack, loaded through the file picker: it compiles in the worker while the
/// page keeps painting. Timings are printed, not asserted (they belong to benchmarks).
async fn large_stack(client: &Client, work: &Path) -> Result<()> {
    let mut tf = String::from(
        "provider \"aws\" {\n  region = \"us-east-1\"\n}\n\nvariable \"instance_id\" {\n  type = string\n}\n",
    );
    for i in 0..1000 {
        if i % 10 == 9 {
            tf.push_str(&format!("\nresource \"aws_sqs_queue\" \"q{i}\" {{\n  name = \"queue-{i}-${{var.instance_id}}\"\n}}\n"));
        } else {
            tf.push_str(&format!("\nresource \"aws_s3_bucket\" \"b{i}\" {{\n  bucket = \"bucket-{i}-${{var.instance_id}}\"\n}}\n"));
        }
    }
    let path = work.join("large").join("large.tf");
    std::fs::create_dir_all(path.parent().context("folder")?)?;
    std::fs::write(&path, &tf)?;

    // Watch the main thread: long tasks (> 50 ms) while the stack loads and compiles.
    client
        .execute(
            "const f = document.querySelector('[data-testid=resource-filter]'); f.value = ''; f.dispatchEvent(new Event('input', {bubbles: true})); window.__long = []; new PerformanceObserver((l) => window.__long.push(...l.getEntries().map((e) => Math.round(e.duration)))).observe({type: 'longtask'});",
            vec![],
        )
        .await?;
    let t = Instant::now();
    let input = client
        .find(Locator::Css("[data-testid=open-files-input]"))
        .await?;
    input.send_keys(&path.display().to_string()).await?;
    let rows = wait_for(
        client,
        "the 1,000-resource stack compiled",
        "const s = document.querySelector('[data-testid=compile-status][data-state=done]'); const n = document.querySelector('[data-testid=resource-count]'); return s && n && Number(n.textContent) >= 1000 ? Number(n.textContent) : null;",
        Duration::from_secs(120),
    )
    .await?;
    let loaded = t.elapsed();
    let stats = client
        .execute(
            "const r = {long: window.__long, status: document.querySelector('[data-testid=compile-status]').textContent, dom_rows: document.querySelectorAll('[data-testid=resource-row]').length}; window.__long = []; return r;",
            vec![],
        )
        .await?;
    say!(
        "1,000-resource stack: {rows} report rows, compiled and rendered {} ms after the file was picked ({}); main-thread long tasks (ms): {}; {} table rows in the DOM",
        loaded.as_millis(),
        stats["status"].as_str().unwrap_or("?"),
        stats["long"],
        stats["dom_rows"]
    );
    ensure!(
        stats["dom_rows"].as_u64().unwrap_or(0) < 200,
        "the resource table renders every row instead of the visible ones: {stats}"
    );

    // Typing in the large file: a keystroke, the debounced compile, the re-render.
    let t = Instant::now();
    client
        .execute(
            "const ta = document.querySelector('[data-testid=origin-textarea]'); ta.value = ta.value + '\\n# edited\\n'; ta.dispatchEvent(new Event('input', {bubbles: true}));",
            vec![],
        )
        .await?;
    wait_for(
        client,
        "the edit compiled",
        "return document.querySelector('[data-testid=compile-status][data-state=compiling]') ? null : !!document.querySelector('[data-testid=compile-status][data-state=done]');",
        Duration::from_secs(60),
    )
    .await?;
    let edit = client.execute("return window.__long;", vec![]).await?;
    say!(
        "edit in the 1,000-resource stack → compiled preview: {} ms (incl. 250 ms debounce); main-thread long tasks (ms): {edit}",
        t.elapsed().as_millis()
    );
    Ok(())
}
