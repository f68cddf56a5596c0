//! `GET /api/v1/appliances/{id}/metrics` through the router (no sockets): authentication, the
//! broker's visibility rule (a foreign appliance is a 404), data after an ingest, `since`.

mod broker_support;
mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use broker_support::*;
use ferry_api::observe::{MetricsSnapshot, ResourceRef, Series};

fn cpu(id: &str, points: &[(i64, f64)]) -> Series {
    Series {
        resource: ResourceRef {
            kind: "droplet".into(),
            id: id.into(),
            name: format!("web-{id}"),
        },
        metric: "cpu_percent".into(),
        unit: "%".into(),
        points: points.to_vec(),
    }
}

#[tokio::test]
async fn metrics_are_visible_to_the_vendor_and_the_customer_only() {
    let host = Host::new().await;
    let a = host.ready_appliance("acme").await;
    let b = host.ready_appliance("initech").await;
    let uri = format!("/api/v1/appliances/{}/metrics", a.id());

    // Unauthenticated.
    host.send(Request::get(&uri).body(Body::empty()).expect("req"))
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "unauthenticated");
    // Before any batch: an empty snapshot.
    let empty: MetricsSnapshot = a
        .customer()
        .get(&uri)
        .await
        .expect_status(StatusCode::OK)
        .parse();
    assert_eq!(empty.appliance_id, a.id());
    assert_eq!(empty.collected_at_ms, None);
    assert!(empty.series.is_empty());

    let observe = host.state.relay.observe.clone();
    observe.ingest(
        a.id(),
        T0,
        &[
            cpu("1", &[(T0 - 120_000, 10.0), (T0 - 60_000, 20.0)]),
            cpu("2", &[(T0 - 120_000, 5.0)]),
        ],
    );
    observe.ingest(b.id(), T0, &[cpu("9", &[(T0, 99.0)])]);

    // Both sides of the appliance see the same data.
    for client in [host.vendor(), a.customer()] {
        let snap: MetricsSnapshot = client.get(&uri).await.expect_status(StatusCode::OK).parse();
        assert_eq!(snap.collected_at_ms, Some(T0));
        assert_eq!(snap.series.len(), 2);
        assert_eq!(snap.series[0].resource.id, "1");
        assert_eq!(
            snap.series[0].points,
            [(T0 - 120_000, 10.0), (T0 - 60_000, 20.0)]
        );
        assert!(snap.series.iter().all(|s| s.resource.id != "9"));
    }

    // `since`: strictly newer points only; series without any are left out.
    let snap: MetricsSnapshot = a
        .customer()
        .get(&format!("{uri}?since={}", T0 - 120_000))
        .await
        .expect_status(StatusCode::OK)
        .parse();
    assert_eq!(snap.series.len(), 1);
    assert_eq!(snap.series[0].points, [(T0 - 60_000, 20.0)]);
    a.customer()
        .get(&format!("{uri}?since=yesterday"))
        .await
        .expect_status(StatusCode::BAD_REQUEST);

    // Another customer's appliance does not exist for this customer; an unknown id neither.
    for other in [b.id(), "app_nope"] {
        a.customer()
            .get(&format!("/api/v1/appliances/{other}/metrics"))
            .await
            .assert_error(StatusCode::NOT_FOUND, "not_found");
    }
    // The store kept b's data apart.
    let theirs: MetricsSnapshot = b
        .customer()
        .get(&format!("/api/v1/appliances/{}/metrics", b.id()))
        .await
        .expect_status(StatusCode::OK)
        .parse();
    assert_eq!(theirs.series.len(), 1);
    assert_eq!(theirs.series[0].points, [(T0, 99.0)]);

    // The counters show in /metrics.
    let text = String::from_utf8(
        host.send(Request::get("/metrics").body(Body::empty()).expect("req"))
            .await
            .expect_status(StatusCode::OK)
            .body,
    )
    .expect("utf-8");
    assert!(
        text.contains("ferry_observe_batches_received_total 2"),
        "{text}"
    );
    assert!(text.contains("ferry_observe_series 3"), "{text}");
}
