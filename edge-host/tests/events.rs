//! The appliance live-event stream (`GET /api/v1/appliances/{id}/events`, SSE) through the
//! router without sockets — authentication, someone else's appliance, event order and names,
//! the subscriber caps — and the relay feeding it: refused and relayed calls become `call`
//! events, a real controller's connection and departure become `controller` events.

mod broker_support;
mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use broker_support::*;
use common::relay::{APPLIANCE, CREDENTIAL, DEPLOY_TOKEN, Fixture, STEADY_TOKEN};
use ferry::server::app;
use ferry::server::events::{EventLimits, Events, Received};
use ferry::server::relay::{Relay, RelayConfig};
use ferry_api::grant::Phase;
use ferry_api::observe::ApplianceEvent;
use ferry_controller::testing::FakeDo;
use http_body_util::BodyExt;
use std::time::Duration;
use tower::ServiceExt;

/// An open event stream: the response body, read frame by frame.
struct Stream {
    body: Body,
    buf: String,
}

/// One server-sent event: its `event:` name and its `data:` as JSON.
#[derive(Debug)]
struct Sse {
    name: String,
    data: serde_json::Value,
}

impl Stream {
    async fn open(host: &Host, req: Request<Body>) -> Result<Self, common::Answer> {
        let res = app(host.state.clone()).oneshot(req).await.expect("router");
        if res.status() != StatusCode::OK {
            let status = res.status();
            let headers = res.headers().clone();
            let body = res.into_body().collect().await.expect("body").to_bytes();
            return Err(common::Answer {
                status,
                headers,
                body: body.to_vec(),
            });
        }
        assert_eq!(
            res.headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
            Some("text/event-stream")
        );
        Ok(Self {
            body: res.into_body(),
            buf: String::new(),
        })
    }

    /// The next event (keep-alive comments skipped); fails after 5 s.
    async fn next(&mut self) -> Sse {
        loop {
            if let Some(end) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..end + 2).collect();
                let mut name = None;
                let mut data = String::new();
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("event:") {
                        name = Some(v.trim().to_string());
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push_str(v.trim_start());
                    }
                }
                if let Some(name) = name {
                    let data = serde_json::from_str(&data).expect("data is JSON");
                    return Sse { name, data };
                }
                continue;
            }
            let frame = tokio::time::timeout(Duration::from_secs(5), self.body.frame())
                .await
                .expect("an event within 5 s")
                .expect("the stream stays open")
                .expect("frame");
            if let Ok(data) = frame.into_data() {
                self.buf
                    .push_str(std::str::from_utf8(&data).expect("utf-8"));
            }
        }
    }
}

fn events_request(id: &str, key: Option<&str>) -> Request<Body> {
    let mut r = Request::builder()
        .method(Method::GET)
        .uri(format!("/api/v1/appliances/{id}/events"))
        .header("accept", "text/event-stream");
    if let Some(k) = key {
        r = r.header("authorization", format!("Bearer {k}"));
    }
    r.body(Body::empty()).expect("request")
}

fn call_event(status: u16) -> ApplianceEvent {
    ApplianceEvent::Call {
        at_ms: T0,
        phase: Some(Phase::Deploy),
        method: "POST".into(),
        path: "/v2/vpcs".into(),
        status,
        duration_ms: 3,
        session_id: Some("ses_1".into()),
    }
}

#[tokio::test]
async fn the_stream_needs_a_caller_and_hides_someone_elses_appliance() {
    let host = Host::new().await;
    let a = host.ready_appliance("acme").await;
    let b = host.ready_appliance("globex").await;
    let err = Stream::open(&host, events_request(a.id(), None))
        .await
        .err()
        .expect("refused");
    err.assert_error(StatusCode::UNAUTHORIZED, "unauthenticated");
    // Globex's customer does not learn that Acme's appliance exists.
    let err = Stream::open(&host, events_request(a.id(), Some(&b.customer_key)))
        .await
        .err()
        .expect("refused");
    err.assert_error(StatusCode::NOT_FOUND, "not_found");
    assert_eq!(host.state.events().subscribers(), 0);
}

#[tokio::test]
async fn vendor_and_customer_get_the_events_in_order_with_their_names() {
    let host = Host::new().await;
    let a = host.ready_appliance("acme").await;
    let mut vendor = Stream::open(&host, events_request(a.id(), Some(&host.vendor_key)))
        .await
        .map_err(|a| a.status)
        .expect("vendor stream");
    let mut customer = Stream::open(&host, events_request(a.id(), Some(&a.customer_key)))
        .await
        .map_err(|a| a.status)
        .expect("customer stream");
    assert_eq!(host.state.events().subscribers_of(a.id()), 2);
    let published = [
        ApplianceEvent::Controller {
            at_ms: T0,
            connected: true,
            agent: Some("ferry-controller/0.1.0".into()),
        },
        call_event(201),
        call_event(403),
        ApplianceEvent::Metrics {
            at_ms: T0 + 1,
            series: 4,
        },
        ApplianceEvent::Controller {
            at_ms: T0 + 2,
            connected: false,
            agent: None,
        },
    ];
    for e in &published {
        host.state.publish(a.id(), e.clone());
    }
    // Another appliance's events do not leak in.
    host.state.publish("app-other", call_event(500));
    for s in [&mut vendor, &mut customer] {
        // The stream opens with the controller's state now (no relay here: disconnected).
        let first = s.next().await;
        assert_eq!(first.name, "controller");
        assert_eq!(first.data["connected"], false);
        for e in &published {
            let got = s.next().await;
            assert_eq!(got.name, e.name());
            assert_eq!(
                serde_json::from_value::<ApplianceEvent>(got.data).expect("shape"),
                *e
            );
        }
    }
    drop(vendor);
    drop(customer);
    assert_eq!(
        host.state.events().subscribers(),
        0,
        "closed streams free their place"
    );
}

#[tokio::test]
async fn subscribers_beyond_the_cap_get_503_with_retry_after() {
    let mut host = Host::new().await;
    let events = Events::new(EventLimits {
        per_appliance: 2,
        total: 3,
        ..EventLimits::default()
    });
    host.state = host
        .state
        .clone()
        .with_relay(Relay::default().with_events(events.clone()));
    let a = host.ready_appliance("acme").await;
    let b = host.ready_appliance("globex").await;
    let first = Stream::open(&host, events_request(a.id(), Some(&a.customer_key)))
        .await
        .map_err(|a| a.status)
        .expect("1");
    let _second = Stream::open(&host, events_request(a.id(), Some(&host.vendor_key)))
        .await
        .map_err(|a| a.status)
        .expect("2");
    let refused = Stream::open(&host, events_request(a.id(), Some(&a.customer_key)))
        .await
        .err()
        .expect("over the per-appliance cap");
    refused.assert_error(StatusCode::SERVICE_UNAVAILABLE, "busy");
    assert!(refused.headers.contains_key("retry-after"));
    let _third = Stream::open(&host, events_request(b.id(), Some(&b.customer_key)))
        .await
        .map_err(|a| a.status)
        .expect("3");
    let refused = Stream::open(&host, events_request(b.id(), Some(&b.customer_key)))
        .await
        .err()
        .expect("over the total cap");
    refused.assert_error(StatusCode::SERVICE_UNAVAILABLE, "busy");
    drop(first);
    assert!(
        Stream::open(&host, events_request(a.id(), Some(&a.customer_key)))
            .await
            .is_ok(),
        "a closed stream frees its place"
    );
}

#[tokio::test]
async fn a_stream_ends_once_its_key_is_revoked() {
    let mut host = Host::new().await;
    let events = Events::new(EventLimits {
        reauthorize: Duration::from_millis(100),
        ..EventLimits::default()
    });
    host.state = host
        .state
        .clone()
        .with_relay(Relay::default().with_events(events.clone()));
    let a = host.ready_appliance("acme").await;
    let created = a
        .customer()
        .post(
            "/api/v1/auth/keys",
            &serde_json::json!({"label": "wall screen"}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let created = created.json();
    let secret = created["secret"].as_str().expect("secret").to_string();
    let key_id = created["key"]["id"].as_str().expect("id").to_string();

    let mut stream = Stream::open(&host, events_request(a.id(), Some(&secret)))
        .await
        .map_err(|a| a.status)
        .expect("open");
    assert_eq!(stream.next().await.name, "controller");
    // Several checks pass while the key is good: events keep coming.
    tokio::time::sleep(Duration::from_millis(350)).await;
    events.publish(a.id(), call_event(201));
    assert_eq!(stream.next().await.name, "call");
    assert_eq!(events.subscribers_of(a.id()), 1);

    let revoked = a
        .customer()
        .delete(&format!("/api/v1/auth/keys/{key_id}"))
        .await;
    assert_eq!(revoked.status, StatusCode::OK);
    let last = stream.next().await;
    assert_eq!(last.name, "closed");
    assert_eq!(last.data, serde_json::json!({"reason": "unauthorized"}));
    assert_eq!(
        events.subscribers_of(a.id()),
        0,
        "its place is freed at once"
    );
    let end = tokio::time::timeout(Duration::from_secs(5), stream.body.frame())
        .await
        .expect("the stream ends");
    assert!(end.is_none(), "nothing after `closed`");
    // Events published now reach nobody.
    events.publish(a.id(), call_event(201));
    assert_eq!(events.subscribers(), 0);
}

#[tokio::test]
async fn a_slow_subscriber_gets_a_lagged_notice() {
    let mut host = Host::new().await;
    let events = Events::new(EventLimits {
        buffer: 2,
        ..EventLimits::default()
    });
    host.state = host
        .state
        .clone()
        .with_relay(Relay::default().with_events(events));
    let a = host.ready_appliance("acme").await;
    let mut s = Stream::open(&host, events_request(a.id(), Some(&a.customer_key)))
        .await
        .map_err(|a| a.status)
        .expect("stream");
    assert_eq!(s.next().await.name, "controller");
    for i in 0..5 {
        host.state.publish(
            a.id(),
            ApplianceEvent::Metrics {
                at_ms: T0 + i,
                series: 1,
            },
        );
    }
    let lagged = s.next().await;
    assert_eq!(lagged.name, "lagged");
    assert_eq!(lagged.data["missed"], 3);
    assert_eq!(s.next().await.data["at_ms"], T0 + 3);
}

// ---- the relay feeds the hub ---------------------------------------------------------------------

async fn next_event(sub: &mut ferry::server::events::Subscription) -> ApplianceEvent {
    match tokio::time::timeout(Duration::from_secs(10), sub.recv())
        .await
        .expect("an event within 10 s")
        .expect("open")
    {
        Received::Event(e) => (*e).clone(),
        Received::Lagged(n) => panic!("lagged by {n}"),
    }
}

#[tokio::test]
async fn refused_and_failed_relay_calls_are_call_events_without_credentials() {
    let f = Fixture::new(RelayConfig::default());
    let mut sub = f.relay.events.subscribe(APPLIANCE).expect("subscribe");
    let router = ferry::server::relay::router(f.relay.clone());
    let req = |credential: Option<&str>, path: &str| {
        let mut b = Request::get(format!("/relay/v1/appliances/{APPLIANCE}/do{path}"));
        if let Some(c) = credential {
            b = b.header("authorization", format!("Bearer {c}"));
        }
        b.body(Body::empty()).expect("request")
    };
    let a = common::send(router.clone(), req(None, "/v2/droplets?page=2")).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    let e = next_event(&mut sub).await;
    let ApplianceEvent::Call {
        phase,
        method,
        path,
        status,
        session_id,
        ..
    } = &e
    else {
        panic!("{e:?}")
    };
    assert_eq!(
        (phase, method.as_str(), path.as_str(), *status, session_id),
        (&None, "GET", "/v2/droplets", 401, &None)
    );
    // With the session but no controller: 503, the session's id and phase, never its credential.
    let a = common::send(router, req(Some(CREDENTIAL), "/v2/droplets?per_page=1")).await;
    assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE);
    let e = next_event(&mut sub).await;
    let text = serde_json::to_string(&e).expect("json");
    assert!(!text.contains(CREDENTIAL), "{text}");
    assert!(!text.contains("per_page"), "no query: {text}");
    let ApplianceEvent::Call {
        phase,
        status,
        session_id,
        path,
        ..
    } = e
    else {
        panic!("{e:?}")
    };
    assert_eq!(
        (phase, status, session_id.as_deref(), path.as_str()),
        (Some(Phase::Deploy), 503, Some("s-1"), "/v2/droplets")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_controller_and_a_relayed_call_are_published() {
    let f = Fixture::new(RelayConfig::default());
    let fake = FakeDo::start(&[DEPLOY_TOKEN, STEADY_TOKEN])
        .await
        .expect("fake DO");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(ferry::server::serve(
        listener,
        common::state().with_relay(f.relay.clone()),
        std::future::pending(),
    ));
    let mut sub = f.relay.events.subscribe(APPLIANCE).expect("subscribe");
    let dir = tempfile::tempdir().expect("tempdir");
    let controller = ferry_controller::Controller::spawn(f.controller(
        &format!("ws://{addr}"),
        &fake.url,
        Some(dir.path().join("state.json")),
    ))
    .expect("controller");
    let e = next_event(&mut sub).await;
    assert!(
        matches!(&e, ApplianceEvent::Controller { connected: true, agent: Some(a), .. } if a.starts_with("ferry-controller/")),
        "{e:?}"
    );
    let res = reqwest::Client::new()
        .get(format!(
            "http://{addr}/relay/v1/appliances/{APPLIANCE}/do/v2/droplets?per_page=5"
        ))
        .bearer_auth(CREDENTIAL)
        .send()
        .await
        .expect("relay answers");
    assert_eq!(res.status(), 200);
    let e = next_event(&mut sub).await;
    assert!(
        matches!(&e, ApplianceEvent::Call { method, path, status: 200, phase: Some(Phase::Deploy), .. } if method == "GET" && path == "/v2/droplets"),
        "{e:?}"
    );
    controller.shutdown().await;
    let e = next_event(&mut sub).await;
    assert!(
        matches!(
            e,
            ApplianceEvent::Controller {
                connected: false,
                ..
            }
        ),
        "{e:?}"
    );
}
