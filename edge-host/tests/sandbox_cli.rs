//! The sandbox cloud as processes over loopback: `ferry sandbox` alone, and the copy `ferry
//! serve` embeds on its second port, each answering DigitalOcean's API with the token it wrote.

use ferry_tests::{WasmVariant, compiler_wasm};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Kills the process when the test ends, however it ends.
struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `ferry <args>` and waits for a stderr line starting with `prefix`; returns the rest.
/// When the process ends first, the panic carries its exit status and everything it printed.
fn spawn(args: &[&std::ffi::OsStr], prefix: &'static str) -> (Proc, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ferry"))
        .args(args)
        .env("RUST_LOG", "warn")
        .stderr(Stdio::piped())
        .spawn()
        .expect("ferry starts");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = std::sync::mpsc::channel();
    let printed = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let seen = printed.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(rest) = line.strip_prefix(prefix) {
                let _ = tx.send(rest.to_string());
            }
            if let Ok(mut v) = seen.lock() {
                v.push(line);
            }
        }
    });
    match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(rest) => (Proc(child), rest),
        Err(e) => {
            let status = child.try_wait();
            let _ = child.kill();
            let lines = printed.lock().map(|v| v.join("\n")).unwrap_or_default();
            panic!(
                "`ferry {args:?}` did not announce `{prefix}…` ({e}; exit: {status:?}); it printed:\n{lines}"
            )
        }
    }
}

async fn get(url: &str, token: Option<&str>) -> (u16, serde_json::Value) {
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let mut req = hyper::Request::get(url);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let res = client
        .request(req.body(Full::new(Bytes::new())).expect("request"))
        .await
        .expect("answer");
    let status = res.status().as_u16();
    let body = res.into_body().collect().await.expect("body").to_bytes();
    (status, serde_json::from_slice(&body).unwrap_or_default())
}

#[tokio::test]
async fn ferry_sandbox_serves_digitalocean_api_with_its_token() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("sb");
    let (_p, url) = spawn(
        &[
            "sandbox".as_ref(),
            "--listen".as_ref(),
            "127.0.0.1:0".as_ref(),
            "--data-dir".as_ref(),
            data.as_os_str(),
        ],
        "ferry sandbox: listening on ",
    );
    let token = std::fs::read_to_string(data.join("token")).expect("token file");
    let (status, body) = get(&format!("{url}/v2/account"), Some(token.trim())).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["account"]["status"], "active");
    let (status, body) = get(&format!("{url}/v2/droplets"), None).await;
    assert_eq!(status, 401);
    assert_eq!(body["id"], "unauthorized");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(data.join("token"))
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "the token file is private");
    }
}

#[tokio::test]
async fn ferry_serve_embeds_the_sandbox_on_a_second_port() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("state");
    let wasm = compiler_wasm(WasmVariant::Shipped);
    let (_p, rest) = spawn(
        &[
            "serve".as_ref(),
            "--listen".as_ref(),
            "127.0.0.1:0".as_ref(),
            "--data-dir".as_ref(),
            data.as_os_str(),
            "--compiler-wasm".as_ref(),
            wasm.as_os_str(),
        ],
        "ferry serve: sandbox cloud (DigitalOcean API) on ",
    );
    let (url, token_file) = rest.split_once(", token in ").expect("url and token file");
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let token = std::fs::read_to_string(token_file).expect("token file");
    assert!(
        token_file.starts_with(data.to_str().expect("utf-8")),
        "{token_file}"
    );
    let (status, body) = get(&format!("{url}/v2/regions"), Some(token.trim())).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["meta"]["total"].as_u64().is_some_and(|n| n > 0));
}
