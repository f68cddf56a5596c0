//! The observability messages of relay protocol version 2, spoken by hand over loopback: a
//! version-2 controller is told its sealed Steady-state token after `welcome` and again when it
//! is removed; its metrics batches are validated and stored under its own appliance only; a
//! version-1 controller is still served, is never sent a `steady_state` message, and a `metrics`
//! message from it is a protocol error.

mod common;

use common::relay::{APPLIANCE, Fixture, STEADY_TOKEN};
use ferry::server::relay::RelayConfig;
use ferry_api::grant::Phase;
use ferry_api::observe::{ResourceRef, Series};
use ferry_api::relay::{
    CONNECT_PATH, ControllerMessage, MetricsBatch, RelayMessage, proof_text, relay_authority,
};
use futures_util::{SinkExt as _, StreamExt as _};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn start(f: &Fixture) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let app = ferry::server::relay::router::<()>(f.relay.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("ws://{addr}{CONNECT_PATH}")
}

/// The next control message, skipping pings (answered); `None` when the connection ends.
async fn next(ws: &mut Ws) -> Option<RelayMessage> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let msg = tokio::time::timeout_at(deadline, ws.next())
            .await
            .expect("a frame within 10 s");
        match msg {
            Some(Ok(Message::Text(t))) => match RelayMessage::parse(&t).expect("relay message") {
                RelayMessage::Ping { seq } => {
                    let pong = ControllerMessage::Pong { seq }.to_text();
                    let _ = ws.send(Message::text(pong)).await;
                }
                m => return Some(m),
            },
            Some(Ok(Message::Close(_)) | Err(_)) | None => return None,
            Some(Ok(_)) => {}
        }
    }
}

async fn connect(f: &Fixture, url: &str, version: u32) -> Ws {
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.expect("dial");
    let send = |m: ControllerMessage| Message::text(m.to_text());
    ws.send(send(ControllerMessage::Hello {
        appliance_id: APPLIANCE.into(),
        protocol_version: version,
        agent: "hand/0".into(),
    }))
    .await
    .expect("hello");
    let Some(RelayMessage::Challenge { nonce }) = next(&mut ws).await else {
        panic!("expected a challenge")
    };
    let text = proof_text(APPLIANCE, &nonce, &relay_authority(url)).expect("proof text");
    ws.send(send(ControllerMessage::Proof {
        signature: f.identity().sign(text.as_bytes()),
    }))
    .await
    .expect("proof");
    let welcome = next(&mut ws).await;
    assert!(
        matches!(welcome, Some(RelayMessage::Welcome { .. })),
        "{welcome:?}"
    );
    ws
}

fn cpu(id: &str) -> Series {
    Series {
        resource: ResourceRef {
            kind: "droplet".into(),
            id: id.into(),
            name: "web-acme".into(),
        },
        metric: "cpu_percent".into(),
        unit: "%".into(),
        points: vec![(1_764_000_000_000, 12.5)],
    }
}

async fn send_batch(ws: &mut Ws, series: Vec<Series>) {
    let msg = ControllerMessage::Metrics(MetricsBatch {
        series,
        problems: Vec::new(),
    });
    ws.send(Message::text(msg.to_text())).await.expect("send");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_version_2_controller_gets_its_sealed_token_and_delivers_metrics() {
    let f = Fixture::new(RelayConfig {
        steady_state_poll: Duration::from_millis(50),
        ..RelayConfig::default()
    });
    let url = start(&f).await;
    let mut ws = connect(&f, &url, 2).await;

    // Right after welcome: the sealed Steady-state token, which only the controller opens.
    let Some(RelayMessage::SteadyState {
        sealed_token: Some(sealed),
    }) = next(&mut ws).await
    else {
        panic!("expected the Steady-state token")
    };
    assert!(!sealed.contains(STEADY_TOKEN));
    assert_eq!(
        f.sealing().open_token(&sealed).expect("opens"),
        STEADY_TOKEN
    );

    // A valid batch is stored under this appliance; an invalid one is refused, not stored.
    send_batch(&mut ws, vec![cpu("42")]).await;
    let mut bad = cpu("43");
    bad.resource.kind = "printer".into();
    send_batch(&mut ws, vec![bad]).await;
    send_batch(&mut ws, vec![cpu("44")]).await;
    let observe = f.relay.observe.clone();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let snap = loop {
        let s = observe.store.snapshot(APPLIANCE, None);
        if s.series.len() >= 2 {
            break s;
        }
        assert!(tokio::time::Instant::now() < deadline, "batches not stored");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let ids: Vec<&str> = snap.series.iter().map(|s| s.resource.id.as_str()).collect();
    assert_eq!(ids, ["42", "44"]);
    assert_eq!(
        observe
            .counters
            .batches_rejected
            .load(std::sync::atomic::Ordering::Relaxed),
        1
    );

    // The customer removes the token: the controller is told it is gone.
    f.gate.remove_token(APPLIANCE, Phase::SteadyState);
    let m = next(&mut ws).await;
    assert_eq!(m, Some(RelayMessage::SteadyState { sealed_token: None }));
    // A batch still on its way after that is not kept.
    send_batch(&mut ws, vec![cpu("45")]).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while observe
        .counters
        .batches_rejected
        .load(std::sync::atomic::Ordering::Relaxed)
        < 2
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "late batch not refused"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        observe
            .store
            .snapshot(APPLIANCE, None)
            .series
            .iter()
            .all(|s| s.resource.id != "45")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_version_1_controller_is_served_without_observability() {
    let f = Fixture::new(RelayConfig {
        steady_state_poll: Duration::from_millis(50),
        ..RelayConfig::default()
    });
    let url = start(&f).await;
    let mut ws = connect(&f, &url, 1).await;
    assert!(f.relay.controller_connected(APPLIANCE));
    // Ask for a pong: the first non-ping message must be the pong, not a `steady_state` (the
    // relay would have sent that right after welcome, many poll intervals ago).
    tokio::time::sleep(Duration::from_millis(300)).await;
    ws.send(Message::text(ControllerMessage::Ping { seq: 7 }.to_text()))
        .await
        .expect("ping");
    assert_eq!(next(&mut ws).await, Some(RelayMessage::Pong { seq: 7 }));
    // `metrics` is not version 1: the relay closes the connection.
    send_batch(&mut ws, vec![cpu("42")]).await;
    assert_eq!(next(&mut ws).await, None);
    assert!(
        f.relay
            .observe
            .store
            .snapshot(APPLIANCE, None)
            .series
            .is_empty()
    );

    // A version the relay does not speak is refused with a reason.
    let (mut ws, _) = tokio_tungstenite::connect_async(url.as_str())
        .await
        .expect("dial");
    ws.send(Message::text(
        ControllerMessage::Hello {
            appliance_id: APPLIANCE.into(),
            protocol_version: 3,
            agent: String::new(),
        }
        .to_text(),
    ))
    .await
    .expect("hello");
    match next(&mut ws).await {
        Some(RelayMessage::Refused { reason }) => {
            assert!(reason.contains("protocol version 3"), "{reason}")
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}
