//! A whole edge host on loopback: the broker (SQLite in a temporary folder, a vendor
//! bootstrapped), the relay asking that broker, and the server around them.

use ferry::server::broker::{BrokerConfig, BrokerState};
use ferry::server::relay::{Relay, RelayConfig, now_ms};
use ferry_broker::{Broker, Location, SystemClock};
use std::sync::Arc;

pub struct Host {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// The bootstrapped vendor's API key.
    pub vendor: String,
    pub relay: Relay,
    /// The broker's data folder, removed when the host is dropped.
    pub data: tempfile::TempDir,
}

/// Starts the host; `configure` finishes the relay (sinks, …) before the server takes it.
pub async fn serve(config: RelayConfig, configure: impl FnOnce(Relay) -> Relay) -> Host {
    let data = tempfile::tempdir().expect("tempdir");
    let broker = Broker::open(&Location::in_data_dir(data.path()), Arc::new(SystemClock))
        .await
        .expect("broker");
    let vendor = broker
        .bootstrap_vendor("Acme Software", now_ms())
        .await
        .expect("bootstrap")
        .expect("first start")
        .secret;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let relay = configure(Relay::new(Arc::new(broker.clone()), config));
    let broker_state = BrokerState::new(broker, BrokerConfig::new(base.clone()))
        .with_presence(Arc::new(relay.clone()));
    let state = super::state()
        .with_broker(broker_state)
        .with_relay(relay.clone());
    tokio::spawn(ferry::server::serve(
        listener,
        state,
        std::future::pending(),
    ));
    Host {
        base,
        vendor,
        relay,
        data,
    }
}
