//! Throughput of the sandbox cloud: one iteration is create + get + delete of a VPC (three
//! authenticated, validated requests and two SQLite transactions), through the router
//! in-process (memory and WAL file databases) and over loopback TCP with keep-alive; plus a
//! tag-filtered list of 500 droplets.
//!
//! `cargo bench -p ferry-sandbox-cloud` (requests/s = 3 × iterations/s).

use axum::body::Body;
use axum::http::Request;
use criterion::{Criterion, criterion_group, criterion_main};
use ferry_sandbox_cloud::{Config, Sandbox, SystemClock, router};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tower::ServiceExt;

static N: AtomicU64 = AtomicU64::new(0);

fn request(method: &str, uri: &str, token: &str, body: Option<&Value>) -> Request<Body> {
    let b = Request::builder()
        .method(method)
        .uri(uri)
        .header("host", "127.0.0.1")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json");
    b.body(body.map_or_else(Body::empty, |v| Body::from(v.to_string())))
        .expect("request")
}

async fn call(app: &axum::Router, req: Request<Body>) -> Value {
    let res = app.clone().oneshot(req).await.expect("infallible");
    let bytes = res.into_body().collect().await.expect("body").to_bytes();
    serde_json::from_slice(&bytes).unwrap_or(Value::Null)
}

async fn cycle(app: &axum::Router, token: &str) {
    let n = N.fetch_add(1, Ordering::Relaxed);
    let created = call(
        app,
        request(
            "POST",
            "/v2/vpcs",
            token,
            Some(&json!({"name": format!("bench-{n}"), "region": "nyc3"})),
        ),
    )
    .await;
    let id = created["vpc"]["id"].as_str().expect("created").to_string();
    let got = call(app, request("GET", &format!("/v2/vpcs/{id}"), token, None)).await;
    assert_eq!(got["vpc"]["id"], id.as_str());
    call(
        app,
        request("DELETE", &format!("/v2/vpcs/{id}"), token, None),
    )
    .await;
}

async fn sandbox(url: &str) -> (Sandbox, String) {
    let config = Config {
        rate_limit: ferry_sandbox_cloud::RateLimit {
            per_hour: u32::MAX,
            per_minute: u32::MAX,
        },
        ..Config::default()
    };
    let sb = Sandbox::open(url, config, Arc::new(SystemClock))
        .await
        .expect("open");
    let token = sb.mint_token(vec!["*".into()], None).await.expect("token");
    (sb, token)
}

fn benches(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut g = c.benchmark_group("create_get_delete_vpc");

    let (sb, token) = rt.block_on(sandbox("sqlite::memory:"));
    let app = router(sb);
    g.bench_function("router/memory", |b| {
        b.to_async(&rt).iter(|| cycle(&app, &token));
    });

    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("bench.db");
    let (sb, token) = rt.block_on(sandbox(file.to_str().expect("utf-8")));
    let app = router(sb.clone());
    g.bench_function("router/file", |b| {
        b.to_async(&rt).iter(|| cycle(&app, &token));
    });

    // Over loopback: the same file-backed sandbox served by axum, a keep-alive hyper client.
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    rt.spawn(ferry_sandbox_cloud::serve(
        listener,
        sb,
        std::future::pending(),
    ));
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<Body>();
    let base = format!("http://{addr}");
    let tcp = async |req: Request<Body>| -> Value {
        let (parts, body) = req.into_parts();
        let mut req = Request::from_parts(parts, body);
        *req.uri_mut() = format!("{base}{}", req.uri()).parse().expect("uri");
        let res = client.request(req).await.expect("loopback");
        let bytes = res.into_body().collect().await.expect("body").to_bytes();
        serde_json::from_slice(&bytes).unwrap_or(Value::Null)
    };
    g.bench_function("loopback/file", |b| {
        b.to_async(&rt).iter(|| async {
            let n = N.fetch_add(1, Ordering::Relaxed);
            let body = json!({"name": format!("tcp-{n}"), "region": "nyc3"});
            let created = tcp(request("POST", "/v2/vpcs", &token, Some(&body))).await;
            let id = created["vpc"]["id"].as_str().expect("created").to_string();
            tcp(request("GET", &format!("/v2/vpcs/{id}"), &token, None)).await;
            tcp(request("DELETE", &format!("/v2/vpcs/{id}"), &token, None)).await;
        });
    });
    g.finish();

    // A tag-filtered list over 500 droplets (the deploy engine's lookup by instance tag).
    let (sb, token) = rt.block_on(async {
        let config = Config {
            droplet_limit: 1000,
            rate_limit: ferry_sandbox_cloud::RateLimit {
                per_hour: u32::MAX,
                per_minute: u32::MAX,
            },
            ..Config::default()
        };
        let sb = Sandbox::open("sqlite::memory:", config, Arc::new(SystemClock))
            .await
            .expect("open");
        let token = sb.mint_token(vec!["*".into()], None).await.expect("token");
        let app = router(sb.clone());
        for i in 0..500 {
            let tag = if i % 2 == 0 {
                "instance-id:a"
            } else {
                "instance-id:b"
            };
            let body = json!({"name": format!("d{i}"), "region": "nyc3", "size": "s-1vcpu-1gb",
                "image": "ubuntu-24-04-x64", "tags": [tag]});
            call(&app, request("POST", "/v2/droplets", &token, Some(&body))).await;
        }
        (sb, token)
    });
    let app = router(sb);
    c.bench_function("list_droplets_by_tag/500", |b| {
        b.to_async(&rt).iter(|| async {
            let v = call(
                &app,
                request(
                    "GET",
                    "/v2/droplets?tag_name=instance-id:a&per_page=200",
                    &token,
                    None,
                ),
            )
            .await;
            assert_eq!(v["meta"]["total"], 250);
        });
    });
}

criterion_group!(benches_group, benches);
criterion_main!(benches_group);
