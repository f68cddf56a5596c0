//! One real run over loopback: `ferry serve --listen 127.0.0.1:0` as a process, a compile posted
//! with an HTTP client, the answer checked.

use ferry_tests::{WasmVariant, compiler_wasm, repo_root, request_for};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Kills the server when the test ends, however it ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn serve_and_compile_over_loopback() {
    let data = tempfile::tempdir().expect("tempdir");
    let data_dir = data.path().join("state");
    let mut child = Command::new(env!("CARGO_BIN_EXE_ferry"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(&data_dir)
        .arg("--compiler-wasm")
        .arg(compiler_wasm(WasmVariant::Shipped))
        .env("RUST_LOG", "warn")
        .stderr(Stdio::piped())
        .spawn()
        .expect("ferry serve starts");
    let stderr = child.stderr.take().expect("stderr");
    let server = Server(child);
    // `ferry serve: listening on http://127.0.0.1:PORT`
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(url) = line.strip_prefix("ferry serve: listening on ") {
                let _ = tx.send(url.to_string());
            }
        }
    });
    let base = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("the server announces its address");
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    assert!(data_dir.is_dir(), "--data-dir is created");

    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let request = serde_json::to_vec(&request_for(&repo_root().join("examples/saas-web-app")))
        .expect("serialises");
    let req = hyper::Request::post(format!("{base}/api/v1/compile"))
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(request.clone())))
        .expect("request");
    let res = client.request(req).await.expect("answer");
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/json");
    let body = res.into_body().collect().await.expect("body").to_bytes();
    // Byte for byte what the compiler answers natively.
    assert_eq!(
        body.as_ref(),
        ferry_compiler_wasm::compile_json(&request).as_slice()
    );
    let v: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
    assert!(
        v["files"]["main.tf"]
            .as_str()
            .is_some_and(|m| m.contains("digitalocean_")),
        "{v}"
    );

    let req = hyper::Request::get(format!("{base}/healthz"))
        .body(Full::new(Bytes::new()))
        .expect("request");
    let res = client.request(req).await.expect("answer");
    assert_eq!(res.status(), 200);
    drop(server);
}
