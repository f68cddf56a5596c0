//! Sandbox cost (DESIGN §8: performance is measured here, never in timed unit tests).
//!
//! * `per_request/fresh_instance_tiny`: a fresh store + instance from the `InstancePre` and one
//!   compile of an empty request: the fixed price of isolation per request (target < 40 µs).
//! * `stack_1000/*`: a generated 1,000-resource origin compiled natively, in wasmtime with the
//!   epoch deadline (the default), and with fuel metering on top (target: wasm ≤ 1.3 × native).
//!
//! `cargo bench -p ferry --bench sandbox` (builds compiler.wasm first if needed).

use criterion::{Criterion, criterion_group, criterion_main};
use ferry::server::sandbox::{GuestLimits, Sandbox};
use ferry_tests::{WasmVariant, compiler_wasm};
use std::hint::black_box;
use std::time::Duration;

fn sandbox(fuel: Option<u64>) -> Sandbox {
    let bytes = std::fs::read(compiler_wasm(WasmVariant::Shipped)).expect("compiler.wasm");
    Sandbox::new(
        bytes,
        GuestLimits {
            fuel,
            deadline: Duration::from_secs(60),
            max_instances: 4,
            ..GuestLimits::default()
        },
    )
    .expect("module loads")
}

/// A compile request for an origin of `n` resources: VPCs with subnets, buckets with
/// versioning, in equal parts.
pub fn generated_stack(n: usize) -> Vec<u8> {
    let mut tf = String::from("provider \"aws\" {\n  region = \"us-east-1\"\n}\n\n");
    for i in 0..n / 4 {
        tf.push_str(&format!(
            "resource \"aws_vpc\" \"v{i}\" {{\n  cidr_block = \"10.{}.0.0/16\"\n  tags = {{ Name = \"vpc-{i}\" }}\n}}\n\n\
             resource \"aws_subnet\" \"s{i}\" {{\n  vpc_id     = aws_vpc.v{i}.id\n  cidr_block = \"10.{}.1.0/24\"\n}}\n\n\
             resource \"aws_s3_bucket\" \"b{i}\" {{\n  bucket = \"assets-{i}-${{var.instance_id}}\"\n}}\n\n\
             resource \"aws_s3_bucket_versioning\" \"b{i}\" {{\n  bucket = aws_s3_bucket.b{i}.id\n  versioning_configuration {{\n    status = \"Enabled\"\n  }}\n}}\n\n",
            i % 256,
            i % 256
        ));
    }
    serde_json::to_vec(&serde_json::json!({
        "files": {"main.tf": tf},
        "options": {"instance_id": "bench"}
    }))
    .expect("serialises")
}

fn per_request(c: &mut Criterion) {
    let s = sandbox(None);
    let tiny = br#"{"files":{}}"#;
    assert!(s.compile(tiny).0.is_ok());
    c.bench_function("per_request/fresh_instance_tiny", |b| {
        b.iter(|| black_box(s.compile(black_box(tiny)).0.is_ok()))
    });
}

fn stack_1000(c: &mut Criterion) {
    let request = generated_stack(1000);
    let epoch = sandbox(None);
    let fuel = sandbox(Some(u64::MAX / 2));
    let native = ferry_compiler_wasm::compile_json(&request);
    assert!(native.starts_with(b"{\"files\""), "the stack compiles");
    assert_eq!(epoch.compile(&request).0.as_deref(), Ok(native.as_slice()));
    let mut g = c.benchmark_group("stack_1000");
    g.sample_size(10).measurement_time(Duration::from_secs(15));
    g.bench_function("native", |b| {
        b.iter(|| black_box(ferry_compiler_wasm::compile_json(black_box(&request))))
    });
    g.bench_function("wasm_epoch", |b| {
        b.iter(|| black_box(epoch.compile(black_box(&request)).0.is_ok()))
    });
    g.bench_function("wasm_fuel_and_epoch", |b| {
        b.iter(|| black_box(fuel.compile(black_box(&request)).0.is_ok()))
    });
    g.finish();
}

criterion_group!(benches, per_request, stack_1000);
criterion_main!(benches);
