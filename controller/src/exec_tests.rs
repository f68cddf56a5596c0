//! The executor against a loopback fake DigitalOcean: policy before any call, retries,
//! ownership checks, idempotent creates.

use crate::exec::{Answer, AnswerBody, Executor, now_ms};
use crate::idem::IdemStore;
use crate::retry::RetryPolicy;
use crate::testing::{FakeDo, Fault};
use bytes::Bytes;
use ferry_api::crypto::{SealingSecretKey, SigningKey};
use ferry_api::grant::{GrantBody, Phase, SignedGrant, Window};
use ferry_api::relay::RelayRequest;
use serde_json::{Value, json};
use std::time::Duration;

const TOKEN: &str = "dop_v1_00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

struct Setup {
    fake: FakeDo,
    exec: Executor,
    customer: SigningKey,
    sealed: String,
}

async fn setup() -> Setup {
    let fake = FakeDo::start(&[TOKEN]).await.expect("fake DO");
    let customer = SigningKey::generate();
    let sealing = SealingSecretKey::generate();
    let sealed = sealing.public_key().seal_token(TOKEN).expect("seal");
    let exec = Executor::new(
        "app-1".into(),
        "acme".into(),
        customer.verifying_key(),
        sealing,
        fake.url.clone(),
        RetryPolicy {
            max_retries: 4,
            wait_min: Duration::from_millis(1),
            wait_max: Duration::from_millis(5),
        },
        reqwest::Client::new(),
        IdemStore::open(None, 0).expect("store"),
    );
    Setup {
        fake,
        exec,
        customer,
        sealed,
    }
}

fn open_window() -> Window {
    let now = now_ms();
    Window::Manual {
        starts_at_ms: now - 60_000,
        ends_at_ms: now + 3_600_000,
    }
}

impl Setup {
    fn grant(&self, phase: Phase) -> SignedGrant {
        GrantBody::new("app-1", phase, open_window(), None)
            .sign(&self.customer)
            .expect("sign")
    }

    fn req(&self, phase: Phase, method: &str, path: &str) -> RelayRequest {
        RelayRequest {
            id: 1,
            phase,
            method: method.into(),
            path_and_query: path.into(),
            headers: vec![
                ("content-type".into(), "application/json".into()),
                ("user-agent".into(), "Terraform/1.9.0 godo/1.150.0".into()),
            ],
            grant: (phase != Phase::SteadyState).then(|| self.grant(phase)),
            sealed_token: self.sealed.clone(),
            idempotency_key: None,
            session_id: Some("s-1".into()),
            body_follows: false,
        }
    }

    async fn run(&self, req: &RelayRequest, body: &str) -> (u16, Value) {
        let answer = self
            .exec
            .execute(req, Bytes::from(body.to_string()), now_ms())
            .await;
        read(answer).await
    }
}

async fn read(answer: Answer) -> (u16, Value) {
    let bytes = match answer.body {
        AnswerBody::Empty => Bytes::new(),
        AnswerBody::Buffered(b) => b,
        AnswerBody::Stream(r) => r.bytes().await.expect("body"),
    };
    let v = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).expect("JSON")
    };
    (answer.status, v)
}

#[tokio::test]
async fn bad_grants_are_refused_without_calling_digitalocean() {
    let s = setup().await;
    let body = r#"{"name":"web-acme","tags":["instance-id:acme"]}"#;
    let mut forged = s.req(Phase::Deploy, "POST", "/v2/droplets");
    if let Some(g) = forged.grant.as_mut() {
        g.body.window = Window::Manual {
            starts_at_ms: 0,
            ends_at_ms: i64::MAX / 4,
        };
    }
    let mut other_appliance = s.req(Phase::Deploy, "POST", "/v2/droplets");
    other_appliance.grant = Some(
        GrantBody::new("app-2", Phase::Deploy, open_window(), None)
            .sign(&s.customer)
            .expect("sign"),
    );
    let mut expired = s.req(Phase::Deploy, "POST", "/v2/droplets");
    expired.grant = Some(
        GrantBody::new(
            "app-1",
            Phase::Deploy,
            Window::Manual {
                starts_at_ms: 1_000,
                ends_at_ms: 2_000,
            },
            None,
        )
        .sign(&s.customer)
        .expect("sign"),
    );
    let mut wrong_phase = s.req(Phase::Deploy, "POST", "/v2/droplets");
    wrong_phase.grant = Some(s.grant(Phase::Operate));
    let mut ungranted = s.req(Phase::Deploy, "POST", "/v2/droplets");
    ungranted.grant = None;
    for (req, want) in [
        (forged, "approval key"),
        (other_appliance, "app-2"),
        (expired, "not open"),
        (wrong_phase, "operate"),
        (ungranted, "carries none"),
    ] {
        let (status, v) = s.run(&req, body).await;
        assert_eq!(status, 403, "{v}");
        assert_eq!(v["id"], "forbidden");
        assert!(
            v["message"].as_str().is_some_and(|m| m.contains(want)),
            "{v}"
        );
    }
    assert!(s.fake.calls().is_empty(), "DigitalOcean was called");
    // A grant verified once (and remembered) is still held to its window on every call.
    let good = s.req(Phase::Deploy, "GET", "/v2/droplets");
    let (status, _) = s.run(&good, "").await;
    assert_eq!(status, 200);
    let later = now_ms() + 2 * 3_600_000;
    let (status, v) = read(s.exec.execute(&good, Bytes::new(), later).await).await;
    assert_eq!(status, 403, "{v}");
    assert!(
        v["message"]
            .as_str()
            .is_some_and(|m| m.contains("not open")),
        "{v}"
    );
}

#[tokio::test]
async fn policy_refusals_never_reach_digitalocean() {
    let s = setup().await;
    let cases = [
        (
            s.req(Phase::SteadyState, "POST", "/v2/droplets"),
            r#"{"name":"web-acme","tags":["instance-id:acme"]}"#,
            "read-only",
        ),
        (
            s.req(Phase::Deploy, "POST", "/v2/droplets"),
            r#"{"name":"web","tags":["prod"]}"#,
            "instance-id:acme",
        ),
        (
            s.req(Phase::Deploy, "DELETE", "/v2/droplets?tag_name=prod"),
            "",
            "by tag",
        ),
        (
            s.req(Phase::Deploy, "POST", "/v2/droplets/1/launch"),
            "{}",
            "not a DigitalOcean endpoint",
        ),
    ];
    for (req, body, want) in cases {
        let (status, v) = s.run(&req, body).await;
        assert_eq!(status, 403, "{v}");
        assert!(
            v["message"].as_str().is_some_and(|m| m.contains(want)),
            "{want}: {v}"
        );
    }
    let (status, v) = s
        .run(&s.req(Phase::Deploy, "GET", "/v2/droplets/../account"), "")
        .await;
    assert_eq!((status, v["id"].as_str()), (400, Some("bad_request")));
    assert!(s.fake.calls().is_empty());
}

#[tokio::test]
async fn calls_carry_the_opened_token_and_the_callers_agent() {
    let s = setup().await;
    let (status, v) = s
        .run(
            &s.req(Phase::Deploy, "POST", "/v2/droplets"),
            r#"{"name":"web-acme","region":"nyc3","tags":["instance-id:acme"]}"#,
        )
        .await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(v["droplet"]["name"], "web-acme");
    let calls = s.fake.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].token.as_deref(), Some(TOKEN));
    let agent = calls[0].user_agent.as_deref().unwrap_or_default();
    assert!(
        agent.starts_with("Terraform/1.9.0 godo/1.150.0 ferry-controller/"),
        "{agent}"
    );
    // A wrong seal is refused before any call.
    let mut bad = s.req(Phase::SteadyState, "GET", "/v2/droplets");
    bad.sealed_token = SealingSecretKey::generate()
        .public_key()
        .seal_token(TOKEN)
        .expect("seal");
    let (status, v) = s.run(&bad, "").await;
    assert_eq!(status, 403);
    assert!(!v.to_string().contains("00112233"), "{v}");
    assert_eq!(s.fake.calls().len(), 1);
}

#[tokio::test]
async fn rate_limits_and_server_errors_are_retried_other_4xx_are_not() {
    let s = setup().await;
    s.fake.fault(
        Some("GET /v2/droplets"),
        Fault::Status {
            status: 429,
            retry_after: Some(0),
        },
    );
    s.fake.fault(
        Some("GET /v2/droplets"),
        Fault::Status {
            status: 500,
            retry_after: None,
        },
    );
    s.fake.fault(
        Some("GET /v2/droplets"),
        Fault::Status {
            status: 503,
            retry_after: None,
        },
    );
    let (status, v) = s
        .run(&s.req(Phase::SteadyState, "GET", "/v2/droplets"), "")
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(s.fake.calls().len(), 4, "three failures, then the answer");

    // 404 and 422 come back as they are, after one call.
    let before = s.fake.calls().len();
    let (status, v) = s
        .run(&s.req(Phase::SteadyState, "GET", "/v2/droplets/999"), "")
        .await;
    assert_eq!((status, v["id"].as_str()), (404, Some("not_found")));
    s.fake.fault(
        Some("GET /v2/vpcs"),
        Fault::Status {
            status: 422,
            retry_after: None,
        },
    );
    let (status, _) = s
        .run(&s.req(Phase::SteadyState, "GET", "/v2/vpcs"), "")
        .await;
    assert_eq!(status, 422);
    assert_eq!(s.fake.calls().len(), before + 2);

    // 501 is not retried either; five 502s exhaust the four retries and the last is returned.
    s.fake.fault(
        Some("GET /v2/vpcs"),
        Fault::Status {
            status: 501,
            retry_after: None,
        },
    );
    let (status, _) = s
        .run(&s.req(Phase::SteadyState, "GET", "/v2/vpcs"), "")
        .await;
    assert_eq!(status, 501);
    for _ in 0..5 {
        s.fake.fault(
            Some("GET /v2/vpcs"),
            Fault::Status {
                status: 502,
                retry_after: None,
            },
        );
    }
    let before = s.fake.calls().len();
    let (status, _) = s
        .run(&s.req(Phase::SteadyState, "GET", "/v2/vpcs"), "")
        .await;
    assert_eq!(status, 502);
    assert_eq!(s.fake.calls().len(), before + 5, "1 call + 4 retries");
}

#[tokio::test]
async fn unreachable_digitalocean_is_a_502_after_the_retries() {
    let s = setup().await;
    // A port nothing listens on.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind")
        .local_addr()
        .expect("addr");
    let exec = Executor::new(
        "app-1".into(),
        "acme".into(),
        s.customer.verifying_key(),
        SealingSecretKey::generate(),
        format!("http://{closed}"),
        s.exec.retry.clone(),
        reqwest::Client::new(),
        IdemStore::open(None, 0).expect("store"),
    );
    let mut req = s.req(Phase::SteadyState, "GET", "/v2/droplets");
    req.sealed_token = exec.sealing.public_key().seal_token(TOKEN).expect("seal");
    let (status, v) = read(exec.execute(&req, Bytes::new(), now_ms()).await).await;
    assert_eq!(status, 502, "{v}");
    let msg = v["message"].as_str().unwrap_or_default();
    assert!(msg.contains("after 5 attempts"), "{msg}");
    assert!(!msg.contains(TOKEN));
}

#[tokio::test]
async fn writes_to_existing_resources_need_an_owned_resource() {
    let s = setup().await;
    let mine = s.fake.insert(
        "/v2/droplets",
        json!({"name": "web", "tags": ["instance-id:acme"]}),
    );
    let theirs = s
        .fake
        .insert("/v2/droplets", json!({"name": "db", "tags": ["prod"]}));
    let named = s.fake.insert("/v2/vpcs", json!({"name": "net-acme"}));

    let (status, v) = s
        .run(
            &s.req(Phase::Deploy, "DELETE", &format!("/v2/droplets/{theirs}")),
            "",
        )
        .await;
    assert_eq!(status, 403, "{v}");
    assert!(
        v["message"]
            .as_str()
            .is_some_and(|m| m.contains("does not belong")),
        "{v}"
    );
    assert_eq!(s.fake.objects("/v2/droplets").len(), 2, "nothing deleted");

    let (status, _) = s
        .run(
            &s.req(
                Phase::Deploy,
                "POST",
                &format!("/v2/droplets/{mine}/actions"),
            ),
            r#"{"type":"reboot"}"#,
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = s
        .run(
            &s.req(Phase::Deploy, "PUT", &format!("/v2/vpcs/{named}")),
            r#"{"description":"x"}"#,
        )
        .await;
    assert_eq!(status, 200);
    let calls = s.fake.calls().len();
    // The droplet is known to be the appliance's now: no second read.
    let (status, _) = s
        .run(
            &s.req(Phase::Deploy, "DELETE", &format!("/v2/droplets/{mine}")),
            "",
        )
        .await;
    assert_eq!(status, 204);
    assert_eq!(s.fake.calls().len(), calls + 1);
    // A resource that is already gone: the 404 is the answer, nothing is written.
    let (status, _) = s
        .run(&s.req(Phase::Deploy, "DELETE", "/v2/droplets/424242"), "")
        .await;
    assert_eq!(status, 404);
    // A resource this controller created is known without a read.
    let (status, v) = s
        .run(
            &s.req(Phase::Deploy, "POST", "/v2/volumes"),
            r#"{"name":"data-acme","size_gigabytes":10}"#,
        )
        .await;
    assert_eq!(status, 201);
    let id = v["volume"]["id"].clone();
    let calls = s.fake.calls().len();
    let (status, _) = s
        .run(
            &s.req(Phase::Deploy, "DELETE", &format!("/v2/volumes/{id}")),
            "",
        )
        .await;
    assert_eq!(status, 204);
    assert_eq!(s.fake.calls().len(), calls + 1);
}

#[tokio::test]
async fn a_replayed_create_answers_from_the_record() {
    let s = setup().await;
    let mut req = s.req(Phase::Deploy, "POST", "/v2/droplets");
    req.idempotency_key = Some("create-web".into());
    let body = r#"{"name":"web-acme","tags":["instance-id:acme"]}"#;
    let (status, first) = s.run(&req, body).await;
    assert_eq!(status, 201);
    let (status, again) = s.run(&req, body).await;
    assert_eq!(status, 201);
    assert_eq!(first, again);
    let writes = |s: &Setup| s.fake.calls().iter().filter(|c| c.method != "GET").count();
    assert_eq!(writes(&s), 1, "the replay created nothing");
    assert_eq!(s.fake.objects("/v2/droplets").len(), 1);
    // Destroyed in the same session, then the same create again: a new droplet.
    let id = first["droplet"]["id"].clone();
    let (status, _) = s
        .run(
            &s.req(Phase::Deploy, "DELETE", &format!("/v2/droplets/{id}")),
            "",
        )
        .await;
    assert_eq!(status, 204);
    let (status, third) = s.run(&req, body).await;
    assert_eq!(status, 201);
    assert_ne!(third["droplet"]["id"], id);
    assert_eq!(s.fake.objects("/v2/droplets").len(), 1);
}

#[tokio::test]
async fn a_create_whose_answer_was_lost_is_found_not_repeated() {
    let s = setup().await;
    let mut req = s.req(Phase::Deploy, "POST", "/v2/droplets");
    req.idempotency_key = Some("create-web".into());
    // DigitalOcean creates the droplet but answers 500; the retry must not create a second.
    s.fake
        .fault(Some("POST /v2/droplets"), Fault::CreateThenFail(500));
    let (status, v) = s
        .run(&req, r#"{"name":"web-acme","tags":["instance-id:acme"]}"#)
        .await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(v["droplet"]["name"], "web-acme");
    assert_eq!(s.fake.objects("/v2/droplets").len(), 1, "no duplicate");
    let kinds: Vec<String> = s
        .fake
        .calls()
        .iter()
        .map(|c| format!("{} {}", c.method, c.path_and_query))
        .collect();
    assert_eq!(
        kinds,
        vec![
            "POST /v2/droplets".to_string(),
            "GET /v2/droplets?per_page=200&page=1&tag_name=instance-id%3Aacme".to_string(),
        ]
    );

    // A controller that died after recording `started` (the state file says so): the next
    // attempt looks first, for a collection without a tag filter too.
    let mut vpc = s.req(Phase::Deploy, "POST", "/v2/vpcs");
    vpc.idempotency_key = Some("create-vpc".into());
    s.exec
        .idem
        .put(
            "create-vpc",
            crate::idem::Entry::Started { at_ms: now_ms() },
        )
        .expect("put");
    s.fake
        .insert("/v2/vpcs", json!({"name": "net-acme", "region": "nyc3"}));
    let (status, v) = s.run(&vpc, r#"{"name":"net-acme","region":"nyc3"}"#).await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(v["vpc"]["name"], "net-acme");
    assert_eq!(s.fake.objects("/v2/vpcs").len(), 1);
    // Not there: it is created.
    let mut other = s.req(Phase::Deploy, "POST", "/v2/vpcs");
    other.idempotency_key = Some("create-vpc-2".into());
    s.exec
        .idem
        .put(
            "create-vpc-2",
            crate::idem::Entry::Started { at_ms: now_ms() },
        )
        .expect("put");
    let (status, _) = s
        .run(&other, r#"{"name":"net2-acme","region":"nyc3"}"#)
        .await;
    assert_eq!(status, 201);
    assert_eq!(s.fake.objects("/v2/vpcs").len(), 2);
}

#[tokio::test]
async fn a_lookup_that_finds_nothing_because_the_list_is_404_creates() {
    // `GET /v2/registry` answers 404 while the account has no registry: an earlier attempt that
    // died before sending made nothing, and the create goes ahead (once).
    let s = setup().await;
    let mut req = s.req(Phase::Deploy, "POST", "/v2/registry");
    req.idempotency_key = Some("create-registry".into());
    s.exec
        .idem
        .put(
            "create-registry",
            crate::idem::Entry::Started { at_ms: now_ms() },
        )
        .expect("put");
    s.fake.fault(
        Some("GET /v2/registry"),
        Fault::Status {
            status: 404,
            retry_after: None,
        },
    );
    let (status, v) = s
        .run(
            &req,
            r#"{"name":"ferry-acme","subscription_tier_slug":"basic"}"#,
        )
        .await;
    assert!((200..300).contains(&status), "{status} {v}");
    let posts = s.fake.calls().iter().filter(|c| c.method == "POST").count();
    assert_eq!(posts, 1);
}
