//! A small load generator for the compile API (loopback only, bounded in count and time).
//!
//! `cargo run --release -p ferry --example load -- --url http://127.0.0.1:8080 --origin
//! examples/saas-web-app/origin [--concurrency 16] [--seconds 10] [--max-requests 200000]
//! [--unique]`
//!
//! Prints requests/s and latency percentiles of `POST /api/v1/compile`, and how many answers
//! came from the server's compile cache. Every request is the same by default (what a client
//! re-sending an origin does: mostly cache hits); with `--unique` each request carries its own
//! `instance_id`, so every one is compiled by the module. `scripts/load.sh` runs it
//! against a fresh `ferry serve`.

use anyhow::{Context, Result, bail};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use std::path::PathBuf;
use std::time::{Duration, Instant};

struct Args {
    url: String,
    origin: PathBuf,
    instance_id: String,
    concurrency: usize,
    seconds: u64,
    max_requests: usize,
    unique: bool,
}

fn args() -> Result<Args> {
    let mut a = Args {
        url: "http://127.0.0.1:8080".into(),
        origin: PathBuf::from("examples/saas-web-app/origin"),
        instance_id: "load".into(),
        concurrency: 16,
        seconds: 10,
        max_requests: 200_000,
        unique: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().with_context(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--url" => a.url = value()?,
            "--origin" => a.origin = value()?.into(),
            "--instance-id" => a.instance_id = value()?,
            "--concurrency" => a.concurrency = value()?.parse()?,
            "--seconds" => a.seconds = value()?.parse()?,
            "--max-requests" => a.max_requests = value()?.parse()?,
            "--unique" => a.unique = true,
            other => bail!("unknown flag {other}"),
        }
    }
    let host = a
        .url
        .strip_prefix("http://")
        .and_then(|r| r.split(['/', ':']).next())
        .unwrap_or_default();
    if !(host == "localhost" || host == "[" || host.starts_with("127.")) {
        bail!("the load generator only targets loopback (127.0.0.0/8, localhost), not `{host}`");
    }
    a.seconds = a.seconds.min(300);
    a.concurrency = a.concurrency.clamp(1, 256);
    Ok(a)
}

#[tokio::main]
async fn main() -> Result<()> {
    let a = args()?;
    let files = ferry_tests::read_tree(&a.origin);
    if files.is_empty() {
        bail!("no files under {}", a.origin.display());
    }
    let files = serde_json::to_string(&files)?;
    let request = move |instance_id: &str| -> Result<Bytes> {
        Ok(Bytes::from(format!(
            r#"{{"files":{files},"options":{{"instance_id":{}}}}}"#,
            serde_json::to_string(instance_id)?
        )))
    };
    let body = request(&a.instance_id)?;
    let request = std::sync::Arc::new(request);
    let unique = a.unique;
    let sent = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let url = format!("{}/api/v1/compile", a.url.trim_end_matches('/'));
    let client = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(a.concurrency)
        .build_http::<Full<Bytes>>();

    // Warm-up: one request, checked.
    let res = client
        .request(
            hyper::Request::post(&url)
                .header("content-type", "application/json")
                .body(Full::new(body.clone()))?,
        )
        .await
        .context("the server does not answer")?;
    let status = res.status();
    let answer = res.into_body().collect().await?.to_bytes();
    if status != 200 {
        bail!(
            "warm-up compile answered {status}: {}",
            String::from_utf8_lossy(&answer)
        );
    }

    let deadline = Instant::now() + Duration::from_secs(a.seconds);
    let budget = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(a.max_requests));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..a.concurrency {
        let client = client.clone();
        let url = url.clone();
        let body = body.clone();
        let budget = budget.clone();
        let request = request.clone();
        let sent = sent.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0usize;
            let mut hits = 0usize;
            while Instant::now() < deadline
                && budget
                    .fetch_update(
                        std::sync::atomic::Ordering::Relaxed,
                        std::sync::atomic::Ordering::Relaxed,
                        |n| n.checked_sub(1),
                    )
                    .is_ok()
            {
                let body = if unique {
                    let n = sent.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    request(&format!("load-{n}")).expect("serialisable")
                } else {
                    body.clone()
                };
                let t = Instant::now();
                let req = hyper::Request::post(&url)
                    .header("content-type", "application/json")
                    .body(Full::new(body))
                    .expect("request");
                let ok = match client.request(req).await {
                    Ok(res) => {
                        hits += usize::from(
                            res.headers()
                                .get("x-ferry-cache")
                                .is_some_and(|v| v == "hit"),
                        );
                        let ok = res.status() == 200;
                        ok && res.into_body().collect().await.is_ok()
                    }
                    Err(_) => false,
                };
                if ok {
                    latencies.push(t.elapsed());
                } else {
                    errors += 1;
                }
            }
            (latencies, errors, hits)
        }));
    }
    let mut latencies = Vec::new();
    let mut errors = 0;
    let mut hits = 0;
    for t in tasks {
        let (l, e, h) = t.await?;
        latencies.extend(l);
        errors += e;
        hits += h;
    }
    let wall = started.elapsed();
    latencies.sort_unstable();
    let pct = |p: f64| {
        latencies
            .get(((latencies.len() as f64 * p) as usize).min(latencies.len().saturating_sub(1)))
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    println!(
        "origin {} ({} bytes request, {} bytes answer), {} connections, {:.1} s",
        a.origin.display(),
        body.len(),
        answer.len(),
        a.concurrency,
        wall.as_secs_f64()
    );
    println!(
        "{} ok ({hits} from the compile cache), {} errors: {:.0} req/s; latency ms p50 {:.2}, p90 {:.2}, p99 {:.2}, max {:.2}",
        latencies.len(),
        errors,
        latencies.len() as f64 / wall.as_secs_f64(),
        pct(0.50),
        pct(0.90),
        pct(0.99),
        latencies.last().map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    );
    Ok(())
}
