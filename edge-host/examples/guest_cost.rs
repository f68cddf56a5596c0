//! What one compile costs natively and in the wasm sandbox, with deterministic fuel counts: the
//! measuring stick for guest-side optimisations (allocator, opt-level, mem* routines), where
//! wall-clock time on a shared machine is too noisy to compare builds.
//!
//! `cargo run --release -p ferry --example guest_cost -- <compiler.wasm> <origin-dir | N> [runs]`
//!
//! With a number, the origin is the sandbox benchmark's generated stack of `N` resources;
//! with a directory, the files under it. Prints the median native and
//! wasm (epoch deadline) times of `runs` compiles, their ratio, and the guest's fuel.
//!
//! With `wasm-only` after `runs`, only the epoch sandbox runs (compiled once, no fuel sandbox,
//! no native compiles): a target for callgrind, whose instruction counts of the machine code
//! wasmtime generated are exact where wall-clock times are noise —
//! `valgrind --tool=callgrind --toggle-collect='*Sandbox*compile*' guest_cost <wasm> <origin> 3 wasm-only`.

use anyhow::{Context, Result, bail};
use ferry::server::sandbox::{GuestLimits, Sandbox};
use std::time::{Duration, Instant};

fn request(origin: &str) -> Result<Vec<u8>> {
    if let Ok(n) = origin.parse::<usize>() {
        return Ok(generated(n));
    }
    let files = ferry_tests::read_tree(std::path::Path::new(origin));
    if files.is_empty() {
        bail!("no files under {origin}");
    }
    Ok(serde_json::to_vec(
        &serde_json::json!({"files": files, "options": {"instance_id": "bench"}}),
    )?)
}

/// The stack of `benches/sandbox.rs`: VPCs with subnets, buckets with versioning.
fn generated(n: usize) -> Vec<u8> {
    let mut tf = String::new();
    for i in 0..n / 4 {
        let a = i % 256;
        tf.push_str(&format!(
            "resource \"aws_vpc\" \"v{i}\" {{\n  cidr_block = \"10.{a}.0.0/16\"\n  tags = {{ Name = \"vpc-{i}\" }}\n}}\n\n\
             resource \"aws_subnet\" \"s{i}\" {{\n  vpc_id     = aws_vpc.v{i}.id\n  cidr_block = \"10.{a}.1.0/24\"\n}}\n\n\
             resource \"aws_s3_bucket\" \"b{i}\" {{\n  bucket = \"assets-{i}-${{var.instance_id}}\"\n}}\n\n\
             resource \"aws_s3_bucket_versioning\" \"b{i}\" {{\n  bucket = aws_s3_bucket.b{i}.id\n  versioning_configuration {{\n    status = \"Enabled\"\n  }}\n}}\n\n"
        ));
    }
    serde_json::to_vec(
        &serde_json::json!({"files": {"main.tf": tf}, "options": {"instance_id": "bench"}}),
    )
    .expect("serialises")
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(wasm), Some(origin)) = (args.next(), args.next()) else {
        bail!("usage: guest_cost <compiler.wasm> <origin-dir | N> [runs]");
    };
    let runs: usize = args.next().map(|r| r.parse()).transpose()?.unwrap_or(20);
    let wasm_only = args.next().as_deref() == Some("wasm-only");
    let request = request(&origin)?;
    let bytes = std::fs::read(&wasm).with_context(|| format!("reading {wasm}"))?;
    let limits = |fuel| GuestLimits {
        fuel,
        deadline: Duration::from_secs(60),
        max_instances: 2,
        ..GuestLimits::default()
    };
    let epoch = Sandbox::new(bytes.clone(), limits(None))?;
    if wasm_only {
        for _ in 0..runs {
            let (r, _) = epoch.compile(&request);
            r.map_err(|e| anyhow::anyhow!("{e}"))?;
        }
        return Ok(());
    }
    let fuel = Sandbox::new(bytes, limits(Some(u64::MAX / 2)))?;

    let native_out = ferry_compiler_wasm::compile_json(&request);
    let (out, stats) = fuel.compile(&request);
    let out = out.map_err(|e| anyhow::anyhow!("{e}"))?;
    if out != native_out {
        bail!("wasm and native outputs differ");
    }
    let mut native = Vec::new();
    let mut guest = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        std::hint::black_box(ferry_compiler_wasm::compile_json(&request));
        native.push(start.elapsed());
        let start = Instant::now();
        let (r, _) = epoch.compile(&request);
        r.map_err(|e| anyhow::anyhow!("{e}"))?;
        guest.push(start.elapsed());
    }
    let (n, g) = (median(native), median(guest));
    println!(
        "{origin}: native {n:.2?}  wasm {g:.2?}  ratio {:.2}  fuel {}  guest memory {:.1} MiB",
        g.as_secs_f64() / n.as_secs_f64(),
        stats.fuel.unwrap_or(0),
        stats.memory_peak as f64 / (1 << 20) as f64
    );
    Ok(())
}
