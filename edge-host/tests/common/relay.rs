//! The relay's test fixture: an in-memory broker gate with one appliance, its controller's
//! keys, its tokens sealed to them, and a Deploy session.

use ferry::server::relay::gate::{
    ControllerIdentity, MemoryAppliance, MemoryGate, MemorySession, RelayEvent, SessionGrant,
};
use ferry::server::relay::{Relay, RelayConfig, now_ms};
use ferry_api::crypto::{SealingSecretKey, SigningKey};
use ferry_api::grant::{GrantBody, Phase, Window};
use ferry_controller::retry::{Backoff, RetryPolicy};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

pub const APPLIANCE: &str = "app-1";
pub const INSTANCE: &str = "acme";
pub const DEPLOY_TOKEN: &str =
    "dop_v1_d000000000000000000000000000000000000000000000000000000000000001";
pub const STEADY_TOKEN: &str =
    "dop_v1_5000000000000000000000000000000000000000000000000000000000000002";
/// The vendor's deploy-session credential (what the provider sends as its token).
pub const CREDENTIAL: &str = "ferry_ds_0123456789abcdef0123456789abcdef";

pub struct Fixture {
    pub gate: MemoryGate,
    pub relay: Relay,
    pub customer: SigningKey,
    identity_seed: String,
    sealing_secret: String,
}

impl Fixture {
    pub fn new(config: RelayConfig) -> Self {
        let customer = SigningKey::generate();
        let identity = SigningKey::generate();
        let sealing = SealingSecretKey::generate();
        let gate = MemoryGate::default();
        let public = sealing.public_key();
        let mut tokens = HashMap::new();
        tokens.insert(
            Phase::Deploy,
            public.seal_token(DEPLOY_TOKEN).expect("seal"),
        );
        tokens.insert(
            Phase::SteadyState,
            public.seal_token(STEADY_TOKEN).expect("seal"),
        );
        gate.add_appliance(
            APPLIANCE,
            MemoryAppliance {
                controller: Some(ControllerIdentity {
                    signing_key: identity.verifying_key(),
                    instance_id: INSTANCE.into(),
                }),
                steady_state: true,
                tokens,
            },
        );
        let now = now_ms();
        let fixture = Self {
            relay: Relay::new(Arc::new(gate.clone()), config),
            gate,
            customer,
            identity_seed: identity.to_b64(),
            sealing_secret: sealing.to_b64(),
        };
        fixture.add_session(CREDENTIAL, "s-1", now - 60_000, now + 3_600_000);
        fixture
    }

    /// The controller's identity key (tests that speak the protocol by hand).
    pub fn identity(&self) -> SigningKey {
        SigningKey::from_b64(&self.identity_seed).expect("seed")
    }

    /// The controller's sealing secret.
    pub fn sealing(&self) -> SealingSecretKey {
        SealingSecretKey::from_b64(&self.sealing_secret).expect("secret")
    }

    /// A Deploy session whose grant's window is `[start, end)`.
    pub fn add_session(&self, credential: &str, session_id: &str, start: i64, end: i64) {
        let grant = GrantBody::new(
            APPLIANCE,
            Phase::Deploy,
            Window::Manual {
                starts_at_ms: start,
                ends_at_ms: end,
            },
            None,
        )
        .sign(&self.customer)
        .expect("sign");
        self.gate.add_session(
            credential,
            MemorySession {
                appliance_id: APPLIANCE.into(),
                grant: SessionGrant {
                    session_id: session_id.into(),
                    phase: Phase::Deploy,
                    grant,
                    instance_id: INSTANCE.into(),
                    expires_at_ms: end,
                },
                revoked: false,
            },
        );
    }

    /// A controller configuration for this appliance (fast heartbeats, backoff and retries).
    pub fn controller(
        &self,
        relay_url: &str,
        do_api: &str,
        state_file: Option<PathBuf>,
    ) -> ferry_controller::Config {
        ferry_controller::Config {
            relay_url: relay_url.to_string(),
            do_api: do_api.to_string(),
            appliance_id: APPLIANCE.into(),
            instance_id: INSTANCE.into(),
            identity: SigningKey::from_b64(&self.identity_seed).expect("seed"),
            sealing: SealingSecretKey::from_b64(&self.sealing_secret).expect("secret"),
            approval_key: self.customer.verifying_key(),
            state_file,
            retry: RetryPolicy {
                max_retries: 4,
                wait_min: Duration::from_millis(5),
                wait_max: Duration::from_millis(50),
            },
            backoff: Backoff {
                base: Duration::from_millis(20),
                cap: Duration::from_millis(200),
            },
            heartbeat: Duration::from_secs(1),
            handshake_timeout: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(5),
            read_timeout: Duration::from_secs(30),
            max_body_bytes: 8 << 20,
            max_concurrent: 64,
            // Collection is tested in observe_e2e.rs; here DigitalOcean must see only relayed calls.
            metrics: ferry_controller::metrics::MetricsConfig::off(),
        }
    }
}

/// Waits (up to 5 s) for an audit record that satisfies `pred` — records are written by a
/// queue, after the answer.
pub async fn audited(gate: &MemoryGate, pred: impl Fn(&RelayEvent) -> bool) -> RelayEvent {
    for _ in 0..500 {
        if let Some(e) = gate.audit_log().into_iter().find(|e| pred(e)) {
            return e;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("no such audit record; log: {:#?}", gate.audit_log());
}
