//! Compiles one generated stack (the benchmark's) a few times and prints the wall time of each
//! run: a target for profilers, which criterion's harness is not.
//!
//! `cargo run --release -p ferry-compiler --example profile -- 10000 3 [one-file]`, or under
//! callgrind: `valgrind --tool=callgrind target/release/examples/profile 10000 1`. With
//! `one-file`, the stack is the edge host's sandbox benchmark's instead: VPCs, subnets, buckets
//! and bucket versionings in one `main.tf`. With a directory instead of a count, the `.tf`
//! files directly in it (e.g. `examples/saas-web-app/origin`). With `json` as the third
//! argument, each run goes through the compile API's JSON the way compiler.wasm does: the
//! request parsed from JSON, the compilation written as JSON. `FERRY_INSTANCE_ID` sets the
//! instance id of a directory's compile (as `guest_cost` does).

// The `ferry` binary's allocator, as in the benchmark.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "../benches/stack/mod.rs"]
mod stack;

fn main() {
    let mut args = std::env::args().skip(1);
    let first = args.next().unwrap_or_else(|| "10000".into());
    let runs: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let n: usize = first.parse().unwrap_or(0);
    let mode = args.next();
    let request = if std::path::Path::new(&first).is_dir() {
        directory(&first)
    } else if mode.as_deref() == Some("one-file") {
        one_file(n)
    } else {
        stack::stack(n)
    };
    if mode.as_deref() == Some("json") {
        let body = serde_json::to_vec(&request).expect("a request serialises");
        for _ in 0..runs {
            let start = std::time::Instant::now();
            let req: ferry_compiler::CompileRequest =
                serde_json::from_slice(std::hint::black_box(&body))
                    .expect("the request reads back");
            let out = ferry_compiler::compile(&req).to_json();
            println!(
                "{first} (json): {:?} ({} bytes)",
                start.elapsed(),
                out.len()
            );
        }
        return;
    }
    for _ in 0..runs {
        let start = std::time::Instant::now();
        let out = ferry_compiler::compile(std::hint::black_box(&request));
        println!(
            "{first}: {:?} ({} files, {} diagnostics)",
            start.elapsed(),
            out.files.len(),
            out.report.diagnostics.len()
        );
    }
}

/// The `.tf` and `.tfvars` files directly in `dir`.
fn directory(dir: &str) -> ferry_compiler::CompileRequest {
    let mut files = std::collections::BTreeMap::new();
    for entry in std::fs::read_dir(dir).expect("readable directory") {
        let path = entry.expect("directory entry").path();
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        if name.ends_with(".tf") || name.ends_with(".tfvars") {
            files.insert(name, std::fs::read_to_string(&path).expect("UTF-8 file"));
        }
    }
    ferry_compiler::CompileRequest {
        files,
        options: ferry_compiler::Options {
            instance_id: std::env::var("FERRY_INSTANCE_ID").ok(),
            ..Default::default()
        },
    }
}

/// The stack of `edge-host/benches/sandbox.rs`: `n` resources in one file.
fn one_file(n: usize) -> ferry_compiler::CompileRequest {
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
    ferry_compiler::CompileRequest {
        files: [("main.tf".to_string(), tf)].into(),
        options: ferry_compiler::Options {
            instance_id: Some("bench".into()),
            ..Default::default()
        },
    }
}
