//! Memory per idle connected controller: the relay on loopback in this process, N controllers
//! (real `ferry_controller` instances, one per appliance, each with its own keys) in a child
//! process. Prints the relay process's resident memory before and after all N are connected
//! and authenticated, and the difference per connection.
//!
//! `cargo run --release -p ferry --example relay_idle -- [--controllers 1000]`

use anyhow::{Context, Result, bail};
use ferry::server::relay::gate::{ControllerIdentity, MemoryAppliance, MemoryGate};
use ferry::server::relay::{Relay, RelayConfig};
use ferry_api::crypto::{SealingSecretKey, SigningKey};
use std::io::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Resident set size of a process, in KiB (`/proc/<pid>/status`).
fn rss_kib(pid: &str) -> Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .context("reading /proc (this example needs Linux)")?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .context("no VmRSS line")
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    if args.get(1).map(String::as_str) == Some("--child") {
        let url = args.get(2).context("--child URL KEYS")?.clone();
        let keys = args.get(3).context("--child URL KEYS")?.clone();
        return runtime.block_on(child(url, keys));
    }
    let mut n = 1000usize;
    let mut it = args.iter().skip(1);
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--controllers" => n = it.next().context("--controllers N")?.parse()?,
            other => bail!("unknown flag {other}"),
        }
    }
    let n = n.clamp(1, 10_000);
    runtime.block_on(parent(n))
}

async fn parent(n: usize) -> Result<()> {
    let gate = MemoryGate::default();
    let dir = tempfile::tempdir()?;
    let keys_path = dir.path().join("keys.txt");
    let mut keys = std::fs::File::create(&keys_path)?;
    for i in 0..n {
        let identity = SigningKey::generate();
        let sealing = SealingSecretKey::generate();
        gate.add_appliance(
            &format!("app-{i}"),
            MemoryAppliance {
                controller: Some(ControllerIdentity {
                    signing_key: identity.verifying_key(),
                    instance_id: format!("i{i}"),
                }),
                steady_state: true,
                tokens: Default::default(),
            },
        );
        writeln!(
            keys,
            "app-{i} i{i} {} {}",
            identity.to_b64(),
            sealing.to_b64()
        )?;
    }
    drop(keys);
    let relay = Relay::new(
        Arc::new(gate),
        RelayConfig {
            handshake_timeout: Duration::from_secs(60),
            ..RelayConfig::default()
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let app = ferry::server::relay::router::<()>(relay.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = rss_kib("self")?;

    let exe = std::env::current_exe()?;
    let mut child = std::process::Command::new(exe)
        .arg("--child")
        .arg(format!("ws://{addr}"))
        .arg(&keys_path)
        .env("RUST_LOG", "error")
        .stdin(std::process::Stdio::piped())
        .spawn()
        .context("starting the controllers' process")?;
    let started = Instant::now();
    while relay.hub.len() < n {
        if started.elapsed() > Duration::from_secs(180) {
            let _ = child.kill();
            bail!("only {} of {n} controllers connected", relay.hub.len());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let connected_in = started.elapsed();
    // Let the handshakes' garbage settle and a heartbeat round pass.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let after = rss_kib("self")?;
    let child_rss = rss_kib(&child.id().to_string()).unwrap_or(0);
    let _ = child.kill();
    let _ = child.wait();
    println!("{n} controllers connected and authenticated in {connected_in:.1?}");
    println!(
        "relay process RSS: {:.1} MiB before, {:.1} MiB after",
        before as f64 / 1024.0,
        after as f64 / 1024.0
    );
    println!(
        "per idle connection: {:.1} KiB",
        after.saturating_sub(before) as f64 / n as f64
    );
    println!(
        "(the controllers' process: {:.1} MiB for {n} controllers, {:.1} KiB each)",
        child_rss as f64 / 1024.0,
        child_rss as f64 / n as f64
    );
    Ok(())
}

async fn child(url: String, keys: String) -> Result<()> {
    let text = std::fs::read_to_string(keys)?;
    let approval = SigningKey::generate().verifying_key();
    let mut controllers = Vec::new();
    for line in text.lines() {
        let parts: Vec<&str> = line.split(' ').collect();
        let [appliance, instance, seed, secret] = parts[..] else {
            bail!("bad key line");
        };
        let config = ferry_controller::Config {
            relay_url: url.clone(),
            do_api: "http://127.0.0.1:9".into(),
            appliance_id: appliance.into(),
            instance_id: instance.into(),
            identity: SigningKey::from_b64(seed)?,
            sealing: SealingSecretKey::from_b64(secret)?,
            approval_key: approval,
            state_file: None,
            retry: Default::default(),
            backoff: Default::default(),
            heartbeat: Duration::from_secs(15),
            handshake_timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(5),
            read_timeout: Duration::from_secs(30),
            max_body_bytes: 8 << 20,
            max_concurrent: 4,
            metrics: Default::default(),
        };
        controllers.push(ferry_controller::Controller::spawn(config)?);
    }
    // Until the parent kills this process (or closes stdin).
    tokio::task::spawn_blocking(|| {
        let mut sink = String::new();
        let _ = std::io::stdin().read_line(&mut sink);
    })
    .await?;
    drop(controllers);
    Ok(())
}
