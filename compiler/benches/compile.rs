//! Compile throughput on generated origin stacks of 100, 1,000 and 10,000 resources.
//!
//! `cargo bench -p ferry-compiler --bench compile -- --warm-up-time 1 --measurement-time 3`
//!
//! The stacks are generated deterministically: repeated "cells" of a realistic mix — a VPC with
//! subnets, an S3 bucket with versioning and a random suffix (kept), an IAM role (dropped), a
//! security group, a DynamoDB table (unsupported), a database, a cache, an EC2 instance with
//! a volume, a load balancer with listener, target group and certificate, a Route 53 record, a
//! log group — with references between them, outputs reading their attributes, and shared
//! variables and locals; about 100 resources per file.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use ferry_compiler::compile;
use std::hint::black_box;

mod stack;
use stack::stack;

// The allocator the `ferry` binary ships with (see edge-host/src/main.rs): the benchmark
// measures the compile `ferry compile` runs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("compile");
    for n in [100, 1_000, 10_000] {
        let request = stack(n);
        let report = compile(&request).report;
        // The generated stack is realistic enough that Ferry's own output must conform.
        let internal: Vec<&str> = report
            .diagnostics
            .iter()
            .filter(|d| d.code == "F901")
            .map(|d| d.message.as_str())
            .collect();
        assert!(internal.is_empty(), "schema violations: {internal:?}");
        let resources = report.counts.resources;
        group.throughput(Throughput::Elements(resources as u64));
        if n >= 10_000 {
            group.sample_size(10);
        }
        group.bench_with_input(BenchmarkId::from_parameter(n), &request, |b, r| {
            b.iter(|| compile(black_box(r)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
