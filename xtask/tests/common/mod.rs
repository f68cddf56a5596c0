//! The browser tests' harness: Debian's Chromium driven through chromedriver (fantoccini),
//! the dashboard built as `cargo xtask dist` builds it. Shared by `browser.rs` (the compile
//! preview) and `broker_browser.rs` (the vendor and customer pages).

#![allow(dead_code)]

use anyhow::{Context, Result, bail, ensure};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Prints past libtest's output capture (straight to stderr), so the timings and the
/// screenshot's path show in every `cargo test` log, not only with `--nocapture`.
macro_rules! say {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), "browser-test: {}", format!($($t)*));
    }};
}

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

pub fn find_tool(name: &str, default: &str) -> Result<PathBuf> {
    if Path::new(default).is_file() {
        return Ok(default.into());
    }
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            let p = dir.join(name);
            if p.is_file() {
                return Ok(p);
            }
        }
    }
    bail!(
        "`{name}` is not installed: the browser test needs Debian's chromium and chromium-driver \
         (run scripts/setup.sh, or apt-get install -y chromium chromium-driver)"
    )
}

pub fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// Builds the dashboard into `out` as `cargo xtask dist` does. The size budget is `dist`'s
/// concern (and is printed); the browser tests are about the page.
pub async fn build_dist(out: PathBuf) -> Result<xtask::DistReport> {
    let opts = xtask::DistOptions {
        out,
        enforce_budget: false,
        ..xtask::DistOptions::default()
    };
    tokio::task::spawn_blocking(move || xtask::dist(&opts)).await?
}

/// A fresh, empty folder.
pub fn fresh_dir(dir: &Path) -> Result<PathBuf> {
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    std::fs::create_dir_all(dir)?;
    Ok(dir.to_path_buf())
}

pub struct Driver {
    pub child: tokio::process::Child,
    pub url: String,
}

pub async fn start_chromedriver(path: &Path) -> Result<Driver> {
    let port = free_port()?;
    let child = tokio::process::Command::new(path)
        .arg(format!("--port={port}"))
        .arg("--allowed-ips=127.0.0.1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("starting {}", path.display()))?;
    let url = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(20);
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        ensure!(
            Instant::now() < deadline,
            "chromedriver did not start on port {port}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(Driver { child, url })
}

/// A headless Chromium session with its own profile (so its own cookies and storage) and
/// download folder.
pub async fn connect(
    driver: &Driver,
    chromium: &Path,
    profile: &Path,
    downloads: &Path,
) -> Result<Client> {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": chromium,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1440,1900",
                format!("--user-data-dir={}", profile.display()),
            ],
            "prefs": {
                "download.default_directory": downloads,
                "download.prompt_for_download": false,
            },
        }),
    );
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .context("opening a WebDriver session in Chromium")?;
    Ok(client)
}

/// What the page says when a wait times out: the compile status and any error lines.
const PAGE_STATE: &str = "const s = document.querySelector('[data-testid=compile-status]'); const errs = [...document.querySelectorAll('[role=alert], [data-testid=load-error]')].map(e => e.textContent.trim()).filter(Boolean); const pages = [...document.querySelectorAll('.app > .page:not(.hidden)')].map(p => p.textContent.trim().slice(0, 200)); return {url: location.href, compile: s ? s.textContent : null, errors: errs, shown: pages, panics: window.__panics || []};";

/// Runs `script` (a function body returning a value) until it returns something truthy.
pub async fn wait_for(
    client: &Client,
    what: &str,
    script: &str,
    timeout: Duration,
) -> Result<Value> {
    let deadline = Instant::now() + timeout;
    loop {
        let v = client.execute(script, vec![]).await?;
        let truthy = match &v {
            Value::Null => false,
            Value::Bool(b) => *b,
            Value::String(s) => !s.is_empty(),
            _ => true,
        };
        if truthy {
            return Ok(v);
        }
        if Instant::now() > deadline {
            let state = client
                .execute(PAGE_STATE, vec![])
                .await
                .unwrap_or(Value::Null);
            bail!("timed out after {timeout:?} waiting for {what} (page: {state})");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until the element `css` is on the page.
pub async fn present(client: &Client, css: &str) -> Result<()> {
    wait_for(
        client,
        css,
        &format!("return !!document.querySelector({css:?});"),
        Duration::from_secs(20),
    )
    .await?;
    Ok(())
}

/// Types `text` into the element `css` (real key events, so the page's input handlers run).
pub async fn type_into(client: &Client, css: &str, text: &str) -> Result<()> {
    present(client, css).await?;
    let el = client
        .find(Locator::Css(css))
        .await
        .with_context(|| format!("finding {css}"))?;
    el.clear().await.ok();
    el.send_keys(text)
        .await
        .with_context(|| format!("typing into {css}"))?;
    Ok(())
}

pub async fn click(client: &Client, css: &str) -> Result<()> {
    present(client, css).await?;
    client
        .find(Locator::Css(css))
        .await
        .with_context(|| format!("finding {css}"))?
        .click()
        .await
        .with_context(|| format!("clicking {css}"))?;
    Ok(())
}

/// Saves a screenshot of `client`'s page and checks it is a real PNG.
pub async fn screenshot(client: &Client, path: &Path) -> Result<()> {
    let png = client.screenshot().await?;
    std::fs::write(path, &png)?;
    ensure!(
        png.len() > 10_000 && png.starts_with(b"\x89PNG\r\n\x1a\n"),
        "the screenshot is empty or not a PNG ({} bytes)",
        png.len()
    );
    say!("screenshot: {} ({} bytes)", path.display(), png.len());
    Ok(())
}

pub mod live;
