//! One real run over loopback: `ferry serve --listen 127.0.0.1:0` as a process, a compile posted
//! with an HTTP client, the answer checked.

mod common;

use common::procs::Serve;
use ferry_tests::{repo_root, request_for};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

#[tokio::test]
async fn serve_and_compile_over_loopback() {
    let data = tempfile::tempdir().expect("tempdir");
    let data_dir = data.path().join("state");
    let server = Serve::start(&data_dir, 1000);
    let base = server.base.clone();
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
