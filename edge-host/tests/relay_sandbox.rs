//! The relay in front of the sandbox cloud (a DigitalOcean API validated against DigitalOcean's
//! published OpenAPI, with scoped tokens): the provider's requests pass through the relay and
//! the controller unchanged and are accepted; pagination links come back pointing at the
//! relay; DigitalOcean's own refusals (a token without the scope) come back as they are.

mod common;

use common::relay::{APPLIANCE, CREDENTIAL, DEPLOY_TOKEN, Fixture, STEADY_TOKEN};
use ferry::server::relay::{RelayConfig, now_ms};
use ferry_controller::Controller;
use ferry_sandbox_cloud::{NewToken, Sandbox};
use serde_json::{Value, json};
use std::time::Duration;

async fn call(
    http: &reqwest::Client,
    credential: &str,
    method: &str,
    url: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = http
        .request(
            reqwest::Method::from_bytes(method.as_bytes()).expect("method"),
            url,
        )
        .bearer_auth(credential)
        .header("accept", "application/json")
        .header("user-agent", "Terraform/1.9.0 godo/1.150.0");
    if let Some(b) = body {
        req = req
            .header("content-type", "application/json")
            .body(b.to_string());
    }
    let res = req.send().await.expect("answer");
    let status = res.status().as_u16();
    let bytes = res.bytes().await.expect("body");
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sandbox_cloud_accepts_relayed_calls_unchanged() {
    let sandbox = Sandbox::in_memory().await.expect("sandbox");
    for (token, scopes) in [
        (
            DEPLOY_TOKEN,
            vec![
                "vpc:create",
                "vpc:read",
                "droplet:create",
                "droplet:read",
                "droplet:delete",
                "actions:read",
            ],
        ),
        (STEADY_TOKEN, vec!["read"]),
    ] {
        sandbox
            .add_token(NewToken {
                token: token.into(),
                scopes: scopes.into_iter().map(str::to_string).collect(),
                expires_at: None,
                rate_limit: None,
            })
            .await
            .expect("token");
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let sandbox_url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(ferry_sandbox_cloud::serve(
        listener,
        sandbox,
        std::future::pending(),
    ));

    let f = Fixture::new(RelayConfig::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(ferry::server::serve(
        listener,
        common::state().with_relay(f.relay.clone()),
        std::future::pending(),
    ));
    let controller = Controller::spawn(f.controller(&format!("ws://{addr}"), &sandbox_url, None))
        .expect("spawn");
    assert!(controller.wait_connected(Duration::from_secs(10)).await);
    let http = reqwest::Client::new();
    // What godo makes of `api_endpoint = ".../do"`.
    let base = format!("http://{addr}/relay/v1/appliances/{APPLIANCE}/v2");

    let (status, vpc) = call(
        &http,
        CREDENTIAL,
        "POST",
        &format!("{base}/vpcs"),
        Some(json!({"name": "net-acme", "region": "nyc3"})),
    )
    .await;
    assert_eq!(status, 201, "{vpc}");
    let vpc_id = vpc["vpc"]["id"].as_str().expect("vpc id").to_string();
    for name in ["web-1-acme", "web-2-acme"] {
        let (status, d) = call(
            &http,
            CREDENTIAL,
            "POST",
            &format!("{base}/droplets"),
            Some(json!({
                "name": name, "region": "nyc3", "size": "s-1vcpu-1gb", "image": "ubuntu-24-04-x64",
                "vpc_uuid": vpc_id, "tags": ["instance-id:acme"]
            })),
        )
        .await;
        assert_eq!(status, 202, "{d}");
    }
    // Validation errors are the sandbox's (DigitalOcean's) own, passed through.
    let (status, bad) = call(&http, CREDENTIAL, "POST", &format!("{base}/droplets"), Some(json!({
        "name": "web-3-acme", "region": "nyc3", "size": "no-such-size", "image": "ubuntu-24-04-x64", "tags": ["instance-id:acme"]
    }))).await;
    assert_eq!(status, 422, "{bad}");
    // A scope the Deploy token lacks: DigitalOcean's 403, not retried, not rewritten.
    let (status, denied) = call(&http, CREDENTIAL, "POST", &format!("{base}/volumes"), Some(json!({
        "name": "data-acme", "region": "nyc3", "size_gigabytes": 10, "tags": ["instance-id:acme"]
    }))).await;
    assert_eq!(status, 403, "{denied}");
    assert_eq!(denied["id"], "forbidden");

    let (status, page) = call(
        &http,
        CREDENTIAL,
        "GET",
        &format!("{base}/droplets?per_page=1&tag_name=instance-id:acme"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["meta"]["total"], 2);
    let next = page["links"]["pages"]["next"]
        .as_str()
        .expect("next")
        .to_string();
    assert!(
        next.starts_with(&format!(
            "http://{addr}/relay/v1/appliances/{APPLIANCE}/do/v2/droplets?"
        )),
        "{next}"
    );
    let (status, page2) = call(&http, CREDENTIAL, "GET", &next, None).await;
    assert_eq!(status, 200, "{page2}");
    assert_ne!(page2["droplets"][0]["id"], page["droplets"][0]["id"]);

    // After the window, reads go on with the Steady-state token (read-only scopes).
    let now = now_ms();
    f.add_session(
        "ferry_ds_expired",
        "s-old",
        now - 7_200_000,
        now - 3_600_000,
    );
    let (status, list) = call(
        &http,
        "ferry_ds_expired",
        "GET",
        &format!("{base}/droplets"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{list}");
    let id = list["droplets"][0]["id"].clone();
    let (status, _) = call(
        &http,
        "ferry_ds_expired",
        "DELETE",
        &format!("{base}/droplets/{id}"),
        None,
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = call(
        &http,
        CREDENTIAL,
        "DELETE",
        &format!("{base}/droplets/{id}"),
        None,
    )
    .await;
    assert_eq!(status, 204);
    controller.shutdown().await;
}
