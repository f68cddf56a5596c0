//! The appliance live-event hub's cost to the relay (which publishes on every call):
//!
//! * `publish/no_subscribers`: the common case (nobody has the appliance page open): one
//!   atomic load.
//! * `publish/other_appliance`: someone follows another appliance: a lock and a map lookup.
//! * `publish/subscribers_{1,16}`: a `call` event to 1 or 16 open streams that do not read
//!   (the broadcast ring overwrites; the publisher never waits).
//! * `publish_and_receive/1`: one event through the hub to one reader (send + recv).
//!
//! `cargo bench -p ferry --bench events`.

use criterion::{Criterion, criterion_group, criterion_main};
use ferry::server::events::{Events, Received};
use ferry_api::grant::Phase;
use ferry_api::observe::ApplianceEvent;
use std::hint::black_box;

fn call() -> ApplianceEvent {
    ApplianceEvent::Call {
        at_ms: 1_795_478_400_000,
        phase: Some(Phase::Deploy),
        method: "POST".into(),
        path: "/v2/droplets".into(),
        status: 201,
        duration_ms: 42,
        session_id: Some("ses_0123456789".into()),
    }
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("publish");
    let events = Events::default();
    g.bench_function("no_subscribers", |b| {
        b.iter(|| events.publish(black_box("app-1"), call()))
    });
    let _other = events.subscribe("app-2").expect("subscribe");
    g.bench_function("other_appliance", |b| {
        b.iter(|| events.publish(black_box("app-1"), call()))
    });
    for n in [1usize, 16] {
        let subs: Vec<_> = (0..n)
            .map(|_| events.subscribe("app-1").expect("subscribe"))
            .collect();
        g.bench_function(format!("subscribers_{n}"), |b| {
            b.iter(|| events.publish(black_box("app-1"), call()))
        });
        drop(subs);
    }
    g.finish();

    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let mut sub = events.subscribe("app-3").expect("subscribe");
    c.bench_function("publish_and_receive/1", |b| {
        b.iter(|| {
            events.publish("app-3", call());
            let got = rt.block_on(sub.recv());
            assert!(matches!(got, Some(Received::Event(_))));
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
