//! Helpers of the broker's router tests: an edge host with a broker on a temporary SQLite file
//! and a paused clock, a client that speaks as one principal (API key or dashboard cookies).
#![allow(dead_code)]

use crate::common::{Answer, send, state};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use ferry::server::broker::{BrokerConfig, BrokerState};
use ferry::server::{AppState, app};
use ferry_api::broker::{AcceptInvitation, Appliance, ControllerKeys, CreatedApiKey, Invitation};
use ferry_api::crypto::{SealingSecretKey, SigningKey};
use ferry_broker::{Broker, Location, TestClock};
use serde::Serialize;
use std::sync::Arc;

/// 2026-11-24T00:00:00Z.
pub const T0: i64 = 1_795_478_400_000;
pub const HOUR: i64 = 3_600_000;
pub const PUBLIC: &str = "https://ferry.test";

pub struct Host {
    pub state: AppState,
    pub clock: TestClock,
    pub dir: tempfile::TempDir,
    pub vendor_key: String,
}

impl Host {
    pub async fn new() -> Self {
        Self::with(|_| {}).await
    }

    pub async fn with(configure: impl FnOnce(&mut BrokerConfig)) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let clock = TestClock::new(T0);
        let broker = Broker::open(&Location::in_data_dir(dir.path()), Arc::new(clock.clone()))
            .await
            .expect("broker");
        let key = broker
            .bootstrap_vendor("Acme Software", T0)
            .await
            .expect("bootstrap")
            .expect("first");
        let mut config = BrokerConfig::new(PUBLIC);
        config.allowed_origins = vec!["https://dashboard.test".into()];
        configure(&mut config);
        let state = state().with_broker(BrokerState::new(broker, config));
        Self {
            state,
            clock,
            dir,
            vendor_key: key.secret,
        }
    }

    pub fn broker(&self) -> &Broker {
        &self.state.broker.as_ref().expect("broker").broker
    }

    pub async fn send(&self, req: Request<Body>) -> Answer {
        send(app(self.state.clone()), req).await
    }

    pub fn vendor(&self) -> Client<'_> {
        Client::bearer(self, &self.vendor_key)
    }

    /// A vendor appliance whose customer accepted (with `approval`) and registered keys.
    pub async fn ready_appliance(&self, instance: &str) -> Ready<'_> {
        let vendor = self.vendor();
        let a: Appliance = vendor
            .post(
                "/api/v1/appliances",
                &serde_json::json!({
                    "name": format!("{instance} prod"),
                    "instance_id": instance,
                    "region": "nyc3",
                    "customer_name": format!("{instance} Inc"),
                }),
            )
            .await
            .expect_status(StatusCode::CREATED)
            .parse();
        let inv: Invitation = vendor
            .post_empty(&format!("/api/v1/appliances/{}/invitations", a.id))
            .await
            .expect_status(StatusCode::CREATED)
            .parse();
        assert_eq!(inv.link, format!("{PUBLIC}/invite#{}", inv.secret));
        let approval = SigningKey::generate();
        let accepted = self
            .send(json_request(
                Method::POST,
                "/api/v1/invitations/accept",
                &AcceptInvitation {
                    secret: inv.secret.clone(),
                    approval_key: approval.verifying_key(),
                },
            ))
            .await
            .expect_status(StatusCode::CREATED);
        let key: CreatedApiKey = accepted.parse();
        let controller = SealingSecretKey::generate();
        let customer_key = key.secret.clone();
        let appliance: Appliance = Client::bearer(self, &customer_key)
            .put(
                &format!("/api/v1/appliances/{}/controller", a.id),
                &ControllerKeys {
                    signing_key: SigningKey::generate().verifying_key(),
                    sealing_key: controller.public_key(),
                },
            )
            .await
            .expect_status(StatusCode::OK)
            .parse();
        Ready {
            host: self,
            appliance,
            approval,
            controller,
            customer_key,
        }
    }
}

pub struct Ready<'a> {
    pub host: &'a Host,
    pub appliance: Appliance,
    pub approval: SigningKey,
    pub controller: SealingSecretKey,
    pub customer_key: String,
}

impl Ready<'_> {
    pub fn id(&self) -> &str {
        &self.appliance.id
    }

    pub fn customer(&self) -> Client<'_> {
        Client::bearer(self.host, &self.customer_key)
    }
}

pub fn json_request(method: Method, uri: &str, body: &impl Serialize) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", "application/json")
        .body(Body::from(serde_json::to_vec(body).expect("json")))
        .expect("request")
}

/// Speaks as one principal.
pub struct Client<'a> {
    host: &'a Host,
    headers: Vec<(String, String)>,
}

impl<'a> Client<'a> {
    pub fn bearer(host: &'a Host, key: &str) -> Self {
        Self {
            host,
            headers: vec![("authorization".into(), format!("Bearer {key}"))],
        }
    }

    pub fn with_headers(host: &'a Host, headers: Vec<(String, String)>) -> Self {
        Self { host, headers }
    }

    pub fn request(&self, method: Method, uri: &str, body: Body) -> Request<Body> {
        let mut r = Request::builder()
            .method(method)
            .uri(uri)
            .header("content-type", "application/json");
        for (k, v) in &self.headers {
            r = r.header(k.as_str(), v.as_str());
        }
        r.body(body).expect("request")
    }

    pub async fn get(&self, uri: &str) -> Answer {
        self.host
            .send(self.request(Method::GET, uri, Body::empty()))
            .await
    }

    pub async fn delete(&self, uri: &str) -> Answer {
        self.host
            .send(self.request(Method::DELETE, uri, Body::empty()))
            .await
    }

    pub async fn post(&self, uri: &str, body: &impl Serialize) -> Answer {
        let body = Body::from(serde_json::to_vec(body).expect("json"));
        self.host.send(self.request(Method::POST, uri, body)).await
    }

    pub async fn post_empty(&self, uri: &str) -> Answer {
        self.host
            .send(self.request(Method::POST, uri, Body::empty()))
            .await
    }

    pub async fn put(&self, uri: &str, body: &impl Serialize) -> Answer {
        let body = Body::from(serde_json::to_vec(body).expect("json"));
        self.host.send(self.request(Method::PUT, uri, body)).await
    }
}

pub trait AnswerExt {
    fn expect_status(self, status: StatusCode) -> Self;
    fn parse<T: serde::de::DeserializeOwned>(&self) -> T;
}

impl AnswerExt for Answer {
    #[track_caller]
    fn expect_status(self, status: StatusCode) -> Self {
        assert_eq!(
            self.status,
            status,
            "body: {}",
            String::from_utf8_lossy(&self.body)
        );
        self
    }

    fn parse<T: serde::de::DeserializeOwned>(&self) -> T {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "unexpected body ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }
}

/// A small origin stack.
pub fn origin() -> serde_json::Value {
    serde_json::json!({
        "main.tf": "provider \"aws\" {\n  region = \"us-east-1\"\n}\n\nresource \"aws_s3_bucket\" \"assets\" {\n  bucket = \"assets-${var.instance_id}\"\n}\n"
    })
}

/// A real-looking DigitalOcean token that must never reach the server in clear.
pub const CANARY: &str = "dop_v1_ca4a27ca4a27ca4a27ca4a27ca4a27ca4a27ca4a27ca4a27ca4a27ca4a27ca4a";
