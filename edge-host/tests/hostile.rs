//! Hostile inputs: a compile that never ends, one that eats memory, deep nesting, giant strings.
//! Each costs a bounded slice of one request; the server answers JSON and keeps serving.
//!
//! The looping and memory-eating modules are compiler.wasm built with the `test-hooks` feature
//! (see `ferry_compiler_wasm::hooks`), which the shipped module never has.

mod common;

use axum::http::StatusCode;
use common::*;
use ferry::server::app;
use ferry_tests::WasmVariant;
use std::time::{Duration, Instant};

fn hook_request(marker: &str) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "files": {"main.tf": "resource \"aws_vpc\" \"m\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n"},
        "options": {"instance_id": marker}
    }))
    .expect("serialises")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endless_compile_is_stopped_by_the_deadline() {
    let state = state_with(WasmVariant::TestHooks, limits()); // deadline: 1 s
    let started = Instant::now();
    let hostile = tokio::spawn(send(
        app(state.clone()),
        post_json("/api/v1/compile", hook_request("ferry-test-hook:loop")),
    ));
    // While the guest spins, the server answers other requests promptly.
    let mut probes = 0;
    while !hostile.is_finished() && started.elapsed() < Duration::from_secs(3) {
        let t = Instant::now();
        let a = send(app(state.clone()), get("/healthz")).await;
        assert_eq!(a.status, StatusCode::OK);
        assert!(
            t.elapsed() < Duration::from_millis(250),
            "/healthz took {:?} during a hostile compile",
            t.elapsed()
        );
        probes += 1;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let a = hostile.await.expect("task");
    let elapsed = started.elapsed();
    a.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "compile_timeout");
    assert!(elapsed < Duration::from_secs(2), "took {elapsed:?}");
    assert!(probes >= 5, "only {probes} health probes ran");

    // The same server (and sandbox) compiles the next request normally.
    let a = send(
        app(state.clone()),
        post_json("/api/v1/compile", small_request()),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    let metrics = String::from_utf8(send(app(state), get("/metrics")).await.body).expect("utf-8");
    assert!(
        metrics.contains("ferry_compile_rejections_total{reason=\"compile_timeout\"} 1"),
        "{metrics}"
    );
}

#[tokio::test]
async fn fuel_also_stops_an_endless_compile() {
    let mut limits = limits();
    limits.guest.fuel = Some(50_000_000);
    limits.guest.deadline = Duration::from_secs(10);
    let state = state_with(WasmVariant::TestHooks, limits);
    let started = Instant::now();
    let a = send(
        app(state.clone()),
        post_json("/api/v1/compile", hook_request("ferry-test-hook:loop")),
    )
    .await;
    a.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "compile_timeout");
    assert!(
        a.json()["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("fuel")
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    // Fuel is metered on ordinary compiles too.
    let a = send(
        app(state.clone()),
        post_json("/api/v1/compile", small_request()),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    let metrics = String::from_utf8(send(app(state), get("/metrics")).await.body).expect("utf-8");
    assert!(
        !metrics.contains("ferry_guest_fuel_consumed_total 0\n"),
        "{metrics}"
    );
}

#[tokio::test]
async fn a_memory_bomb_hits_the_memory_cap() {
    let mut limits = limits();
    limits.guest.max_memory_bytes = 64 << 20;
    let state = state_with(WasmVariant::TestHooks, limits);
    let a = send(
        app(state.clone()),
        post_json(
            "/api/v1/compile",
            hook_request("ferry-test-hook:memory-bomb"),
        ),
    )
    .await;
    a.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "compile_out_of_memory");
    let a = send(
        app(state.clone()),
        post_json("/api/v1/compile", small_request()),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    // The largest memory a guest reached is reported, and the bomb stayed under the cap.
    let metrics = String::from_utf8(send(app(state), get("/metrics")).await.body).expect("utf-8");
    let peak: usize = metrics
        .lines()
        .find_map(|l| l.strip_prefix("ferry_guest_memory_max_bytes "))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no guest memory gauge in {metrics}"));
    assert!(peak > 1 << 20 && peak <= 64 << 20, "peak {peak}");
}

/// Runs a request through the real module and returns the JSON answer.
async fn through_real_module(body: Vec<u8>) -> (StatusCode, serde_json::Value) {
    let mut limits = limits();
    limits.guest.deadline = Duration::from_secs(10);
    let state = state_with(WasmVariant::Shipped, limits);
    let a = send(app(state.clone()), post_json("/api/v1/compile", body)).await;
    // The server is still fine afterwards.
    assert_eq!(
        send(app(state), get("/healthz")).await.status,
        StatusCode::OK
    );
    let v = a.json();
    (a.status, v)
}

#[tokio::test]
async fn deep_nesting_gets_a_json_answer() {
    // Deeply nested HCL inside a file.
    let depth = 100_000;
    let tf = format!(
        "locals {{\n  x = {}1{}\n}}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let body = serde_json::to_vec(&serde_json::json!({"files": {"main.tf": tf}})).expect("json");
    let (status, v) = through_real_module(body).await;
    assert!(
        status == StatusCode::OK && v["report"].is_object() || v["error"].is_object(),
        "{status}: {v}"
    );
    // Operator chains nest as deep without a bracket: each is a diagnostic, not a dead guest.
    for x in ["!".repeat(depth) + "a", "a ? b : ".repeat(depth) + "c"] {
        let tf = format!("locals {{\n  x = {x}\n}}\n");
        let body =
            serde_json::to_vec(&serde_json::json!({"files": {"main.tf": tf}})).expect("json");
        let (status, v) = through_real_module(body).await;
        assert_eq!(status, StatusCode::OK, "{v}");
        assert_eq!(v["report"]["diagnostics"][0]["code"], "F101", "{v}");
    }
    // Deeply nested request JSON.
    let body = format!(
        "{{\"files\":{{}},\"options\":{}{}}}",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let (status, v) = through_real_module(body.into_bytes()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(v["error"]["code"], "bad_request");
}

#[tokio::test]
async fn a_giant_string_gets_a_json_answer() {
    let giant = "x".repeat(6 << 20);
    let tf = format!("resource \"aws_s3_bucket\" \"b\" {{\n  bucket = \"{giant}\"\n}}\n");
    let body = serde_json::to_vec(&serde_json::json!({"files": {"main.tf": tf}})).expect("json");
    let (status, v) = through_real_module(body).await;
    assert!(
        status == StatusCode::OK && v["report"].is_object() || v["error"].is_object(),
        "{status}"
    );
}
