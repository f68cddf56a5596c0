//! The edge host's router, driven without sockets (`tower::ServiceExt::oneshot` on `app()`).

mod common;

use axum::http::{Request, StatusCode};
use common::*;
use ferry::server::app;
use ferry::server::sandbox::sha256_hex;
use std::time::Duration;

#[tokio::test]
async fn compiles_a_small_origin() {
    let app = app(state());
    let a = send(app, post_json("/api/v1/compile", small_request())).await;
    assert_eq!(
        a.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&a.body)
    );
    assert_eq!(a.headers["content-type"], "application/json");
    let v = a.json();
    let main = v["files"]["main.tf"].as_str().expect("main.tf");
    assert!(
        main.contains("resource \"digitalocean_vpc\" \"main\""),
        "{main}"
    );
    assert!(main.contains("digitalocean_spaces_bucket"), "{main}");
    assert!(v["report"].is_object());
}

#[tokio::test]
async fn the_answer_is_the_modules_bytes_as_they_are() {
    let req = small_request();
    let a = send(app(state()), post_json("/api/v1/compile", req.clone())).await;
    assert_eq!(a.body, ferry_compiler_wasm::compile_json(&req));
}

#[tokio::test]
async fn bad_json_is_a_400_json_error() {
    let a = send(app(state()), post_json("/api/v1/compile", "{not json")).await;
    a.assert_error(StatusCode::BAD_REQUEST, "bad_request");
    let a = send(
        app(state()),
        post_json(
            "/api/v1/compile",
            r#"{"files":{},"options":{"colour":"red"}}"#,
        ),
    )
    .await;
    a.assert_error(StatusCode::BAD_REQUEST, "bad_request");
    assert!(
        a.json()["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("colour")
    );
}

#[tokio::test]
async fn an_oversized_body_is_a_413_json_error() {
    let mut limits = limits();
    limits.max_body_bytes = 4096;
    limits.guest.max_request_bytes = 4096;
    let state = state_with(ferry_tests::WasmVariant::Shipped, limits);
    let big = format!(r#"{{"files":{{"main.tf":"{}"}}}}"#, "#".repeat(10_000));
    // With a Content-Length: refused before the body is read.
    let a = send(
        app(state.clone()),
        post_json("/api/v1/compile", big.clone()),
    )
    .await;
    a.assert_error(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
    // Streamed without a length: refused while reading.
    let stream = futures_body(big);
    let req = Request::post("/api/v1/compile")
        .header("content-type", "application/json")
        .body(stream)
        .expect("request");
    let a = send(app(state.clone()), req).await;
    a.assert_error(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
    let metrics = String::from_utf8(send(app(state), get("/metrics")).await.body).expect("utf-8");
    assert!(
        metrics.contains("ferry_compile_rejections_total{reason=\"payload_too_large\"} 2"),
        "{metrics}"
    );
}

/// A body without a Content-Length: chunks of 1000 bytes, no size hint.
fn futures_body(text: String) -> axum::body::Body {
    axum::body::Body::new(Chunked(text.into_bytes()))
}

struct Chunked(Vec<u8>);

impl hyper::body::Body for Chunked {
    type Data = axum::body::Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<Self::Data>, Self::Error>>> {
        let this = self.get_mut();
        if this.0.is_empty() {
            return std::task::Poll::Ready(None);
        }
        let rest = this.0.split_off(this.0.len().min(1000));
        let chunk = std::mem::replace(&mut this.0, rest);
        std::task::Poll::Ready(Some(Ok(hyper::body::Frame::data(chunk.into()))))
    }
}

#[tokio::test]
async fn unknown_routes_and_methods_are_json_errors() {
    let state = state();
    for uri in [
        "/nope",
        "/api/v1/nope",
        "/api/v2/compile",
        "/compiler/0000.wasm",
    ] {
        send(app(state.clone()), get(uri))
            .await
            .assert_error(StatusCode::NOT_FOUND, "not_found");
    }
    let a = send(app(state.clone()), get("/api/v1/compile")).await;
    a.assert_error(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
    assert_eq!(a.headers["allow"], "POST");
    let a = send(app(state), post_json("/api/v1/compiler", "{}")).await;
    a.assert_error(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
}

#[tokio::test]
async fn the_compiler_info_names_the_served_bytes() {
    let state = state();
    let info = send(app(state.clone()), get("/api/v1/compiler")).await;
    assert_eq!(info.status, StatusCode::OK);
    let info = info.json();
    let wasm = send(app(state.clone()), get("/compiler.wasm")).await;
    assert_eq!(wasm.status, StatusCode::OK);
    assert_eq!(wasm.headers["content-type"], "application/wasm");
    assert_eq!(wasm.headers["cache-control"], "no-cache");
    let sha = sha256_hex(&wasm.body);
    assert_eq!(info["sha256"], sha.as_str());
    assert_eq!(info["abi_version"], ferry_compiler_wasm::ABI_VERSION);
    assert_eq!(wasm.headers["etag"], format!("\"{sha}\"").as_str());
    assert_eq!(wasm.body, module_bytes(ferry_tests::WasmVariant::Shipped));

    // The advertised URL is content-addressed and immutable.
    let url = info["url"].as_str().expect("url");
    assert_eq!(url, format!("/compiler/{sha}.wasm"));
    let pinned = send(app(state.clone()), get(url)).await;
    assert_eq!(pinned.status, StatusCode::OK);
    assert_eq!(pinned.body, wasm.body);
    assert!(
        pinned.headers["cache-control"]
            .to_str()
            .expect("ascii")
            .contains("immutable")
    );

    // Revalidation: 304 without a body.
    let req = Request::get("/compiler.wasm")
        .header("if-none-match", format!("\"{sha}\""))
        .body(axum::body::Body::empty())
        .expect("request");
    let a = send(app(state), req).await;
    assert_eq!(a.status, StatusCode::NOT_MODIFIED);
    assert!(a.body.is_empty());
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .expect("a gzip stream");
    out
}

fn get_with(uri: &str, headers: &[(&str, &str)]) -> Request<axum::body::Body> {
    let mut req = Request::get(uri);
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    req.body(axum::body::Body::empty()).expect("request")
}

#[tokio::test]
async fn the_module_goes_gzip_encoded_to_clients_that_accept_it() {
    let state = state();
    let raw = module_bytes(ferry_tests::WasmVariant::Shipped);
    let sha = sha256_hex(&raw);
    // What Chromium sends.
    let a = send(
        app(state.clone()),
        get_with(
            "/compiler.wasm",
            &[("accept-encoding", "gzip, deflate, br, zstd")],
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.headers["content-encoding"], "gzip");
    assert_eq!(a.headers["vary"], "accept-encoding");
    assert_eq!(a.headers["etag"], format!("\"{sha}-gzip\"").as_str());
    assert!(
        a.body.len() * 2 < raw.len(),
        "gzip {} bytes of {}",
        a.body.len(),
        raw.len()
    );
    assert_eq!(
        gunzip(&a.body),
        raw,
        "the encoded body is the module's bytes"
    );
    // The immutable URL too.
    let a = send(
        app(state.clone()),
        get_with(
            &format!("/compiler/{sha}.wasm"),
            &[("accept-encoding", "gzip")],
        ),
    )
    .await;
    assert_eq!(a.headers["content-encoding"], "gzip");
    assert_eq!(gunzip(&a.body), raw);

    // Refused (q=0), not offered, or only other codings: the raw bytes.
    for accept in ["gzip;q=0, br", "br, zstd", "identity", "*;q=0"] {
        let a = send(
            app(state.clone()),
            get_with("/compiler.wasm", &[("accept-encoding", accept)]),
        )
        .await;
        assert_eq!(a.status, StatusCode::OK, "{accept}");
        assert!(!a.headers.contains_key("content-encoding"), "{accept}");
        assert_eq!(a.headers["etag"], format!("\"{sha}\"").as_str(), "{accept}");
        assert_eq!(a.body, raw, "{accept}");
    }
    // `*` stands for gzip.
    let a = send(
        app(state.clone()),
        get_with("/compiler.wasm", &[("accept-encoding", "*")]),
    )
    .await;
    assert_eq!(a.headers["content-encoding"], "gzip");

    // Revalidation with either representation's tag (or a weak one): 304.
    for tag in [
        format!("\"{sha}-gzip\""),
        format!("W/\"{sha}\""),
        format!("\"other\", \"{sha}\""),
    ] {
        let a = send(
            app(state.clone()),
            get_with(
                "/compiler.wasm",
                &[("accept-encoding", "gzip"), ("if-none-match", &tag)],
            ),
        )
        .await;
        assert_eq!(a.status, StatusCode::NOT_MODIFIED, "{tag}");
        assert!(a.body.is_empty());
    }
    let a = send(
        app(state),
        get_with("/compiler.wasm", &[("if-none-match", "\"other\"")]),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
}

#[tokio::test]
async fn metrics_count_requests() {
    let state = state();
    send(app(state.clone()), get("/healthz")).await;
    send(
        app(state.clone()),
        post_json("/api/v1/compile", small_request()),
    )
    .await;
    send(app(state.clone()), post_json("/api/v1/compile", "nope")).await;
    send(app(state.clone()), get("/nope")).await;
    let a = send(app(state), get("/metrics")).await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(
        a.headers["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("text/plain")
    );
    let text = String::from_utf8(a.body).expect("utf-8");
    for line in [
        "ferry_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"} 1",
        "ferry_http_requests_total{route=\"/api/v1/compile\",method=\"POST\",status=\"200\"} 1",
        "ferry_http_requests_total{route=\"/api/v1/compile\",method=\"POST\",status=\"400\"} 1",
        "ferry_http_requests_total{route=\"fallback\",method=\"GET\",status=\"404\"} 1",
        "ferry_compile_rejections_total{reason=\"bad_request\"} 1",
        "ferry_guest_duration_seconds_count 2",
        "ferry_http_request_duration_seconds_count{route=\"/api/v1/compile\"} 2",
    ] {
        assert!(text.contains(line), "missing `{line}` in\n{text}");
    }
    assert!(text.contains("ferry_compiler_info{sha256=\""));
}

#[tokio::test]
async fn a_repeated_request_is_answered_from_the_compile_cache() {
    let state = state();
    let req = small_request();
    let compile = |body: Vec<u8>| send(app(state.clone()), post_json("/api/v1/compile", body));
    let first = compile(req.clone()).await;
    let second = compile(req.clone()).await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.headers["x-ferry-cache"], "miss");
    assert_eq!(second.status, StatusCode::OK);
    assert_eq!(second.headers["x-ferry-cache"], "hit");
    assert_eq!(second.headers["content-type"], "application/json");
    assert_eq!(first.body, second.body);
    // Any other byte is another request: compiled, not looked up by meaning.
    let mut other = req.clone();
    other.push(b' ');
    assert_eq!(compile(other).await.headers["x-ferry-cache"], "miss");
    // The module's own errors are answers too; refusals of the host are not kept.
    assert_eq!(
        compile(b"nope".to_vec()).await.status,
        StatusCode::BAD_REQUEST
    );
    let again = compile(b"nope".to_vec()).await;
    again.assert_error(StatusCode::BAD_REQUEST, "bad_request");
    assert_eq!(again.headers["x-ferry-cache"], "hit");
    assert_eq!(state.compile_cache.stats().entries, 3);

    let text =
        String::from_utf8(send(app(state.clone()), get("/metrics")).await.body).expect("utf-8");
    for line in [
        "ferry_compile_cache_requests_total{result=\"hit\"} 2",
        "ferry_compile_cache_requests_total{result=\"miss\"} 3",
        "ferry_guest_duration_seconds_count 3",
        "ferry_compile_rejections_total{reason=\"bad_request\"} 2",
    ] {
        assert!(text.contains(line), "missing `{line}` in\n{text}");
    }
}

#[tokio::test]
async fn without_a_compile_cache_every_request_runs_the_module() {
    let mut limits = limits();
    limits.compile_cache_bytes = 0;
    let state = state_with(ferry_tests::WasmVariant::Shipped, limits);
    for _ in 0..2 {
        let a = send(
            app(state.clone()),
            post_json("/api/v1/compile", small_request()),
        )
        .await;
        assert_eq!(a.status, StatusCode::OK);
        assert_eq!(a.headers["x-ferry-cache"], "miss");
    }
    let text = String::from_utf8(send(app(state), get("/metrics")).await.body).expect("utf-8");
    assert!(
        text.contains("ferry_guest_duration_seconds_count 2"),
        "{text}"
    );
}

#[tokio::test]
async fn a_full_house_is_a_503_with_retry_after() {
    let mut limits = limits();
    limits.max_concurrent_compiles = 1;
    limits.queue_wait = Duration::ZERO;
    let state = state_with(ferry_tests::WasmVariant::Shipped, limits);
    let held = state
        .compile_slots()
        .clone()
        .try_acquire_owned()
        .expect("a free slot");
    let a = send(
        app(state.clone()),
        post_json("/api/v1/compile", small_request()),
    )
    .await;
    a.assert_error(StatusCode::SERVICE_UNAVAILABLE, "busy");
    assert_eq!(a.headers["retry-after"], "1");
    // Other routes are not affected.
    assert_eq!(
        send(app(state.clone()), get("/healthz")).await.status,
        StatusCode::OK
    );
    drop(held);
    let a = send(
        app(state.clone()),
        post_json("/api/v1/compile", small_request()),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    let text = String::from_utf8(send(app(state), get("/metrics")).await.body).expect("utf-8");
    assert!(
        text.contains("ferry_compile_rejections_total{reason=\"busy\"} 1"),
        "{text}"
    );
}

#[tokio::test]
async fn a_queued_compile_waits_for_a_slot() {
    let mut limits = limits();
    limits.max_concurrent_compiles = 1;
    limits.queue_wait = Duration::from_secs(5);
    let state = state_with(ferry_tests::WasmVariant::Shipped, limits);
    let held = state
        .compile_slots()
        .clone()
        .try_acquire_owned()
        .expect("a free slot");
    let pending = tokio::spawn(send(
        app(state.clone()),
        post_json("/api/v1/compile", small_request()),
    ));
    tokio::time::sleep(Duration::from_millis(100)).await;
    drop(held);
    let a = pending.await.expect("task");
    assert_eq!(a.status, StatusCode::OK);
}

#[tokio::test]
async fn health_and_the_built_in_page() {
    let state = state();
    let a = send(app(state.clone()), get("/healthz")).await;
    assert_eq!(
        (a.status, a.body.as_slice()),
        (StatusCode::OK, b"ok\n".as_slice())
    );
    let a = send(app(state), get("/")).await;
    assert_eq!(a.status, StatusCode::OK);
    let page = String::from_utf8(a.body).expect("utf-8");
    assert!(page.contains("dashboard is not built"), "{page}");
    assert!(page.contains("/api/v1/compiler"), "{page}");
}

#[tokio::test]
async fn serves_the_web_dir() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("index.html"), "<h1>dashboard</h1>").expect("write");
    std::fs::create_dir(dir.path().join("assets")).expect("mkdir");
    std::fs::write(dir.path().join("assets/app.js"), "console.log(1)").expect("write");
    let limits = limits();
    let sandbox = ferry::server::sandbox::Sandbox::new(
        module_bytes(ferry_tests::WasmVariant::Shipped),
        limits.guest.clone(),
    )
    .expect("module loads");
    let state = ferry::server::AppState::new(sandbox, limits, Some(dir.path().to_path_buf()));
    let a = send(app(state.clone()), get("/")).await;
    assert_eq!(
        (a.status, a.body.as_slice()),
        (StatusCode::OK, b"<h1>dashboard</h1>".as_slice())
    );
    let a = send(app(state.clone()), get("/assets/app.js")).await;
    assert_eq!(a.status, StatusCode::OK);
    send(app(state.clone()), get("/assets/missing.js"))
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
    // A gzip copy beside a file goes to clients that accept gzip, the file to the others.
    let js = "console.log('dashboard');".repeat(100);
    std::fs::write(dir.path().join("assets/big.js"), &js).expect("write");
    std::fs::write(dir.path().join("assets/big.js.gz"), {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(js.as_bytes()).expect("gzip");
        enc.finish().expect("gzip")
    })
    .expect("write");
    let a = send(
        app(state.clone()),
        get_with("/assets/big.js", &[("accept-encoding", "gzip, br")]),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.headers["content-encoding"], "gzip");
    assert_eq!(gunzip(&a.body), js.as_bytes());
    let a = send(app(state.clone()), get("/assets/big.js")).await;
    assert!(!a.headers.contains_key("content-encoding"));
    assert_eq!(a.body, js.as_bytes());
    // The API wins over files of the same name.
    let a = send(app(state), get("/api/v1/compiler")).await;
    assert_eq!(a.status, StatusCode::OK);
}
