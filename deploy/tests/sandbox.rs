//! The examples' deployment stacks against the sandbox cloud on a loopback port: everything the
//! engine maps is created with the appliance's tag, a second deploy sends no write, a deploy
//! cut off after any request and run again leaves no duplicate, destroy leaves nothing tagged.
//!
//! Run with `--nocapture` to see the timings and request counts.

use ferry_deploy::client::{ApiRequest, ApiResponse, BoxFut, TransportError};
use ferry_deploy::engine::{Report, State, Status};
use ferry_deploy::units::WaitPolicy;
use ferry_deploy::{
    Client, Engine, HttpTransport, Options, RetryPolicy, Stack, Token, Transport, VarInput,
};
use ferry_sandbox_cloud::{Config, NewToken, RateLimit, Sandbox, SystemClock};
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const INSTANCE: &str = "acme";

struct Cloud {
    base: String,
    token: String,
    _stop: tokio::sync::oneshot::Sender<()>,
}

/// A sandbox on a loopback port, its states settling after `settle`.
async fn cloud(settle: Duration) -> Cloud {
    let config = Config {
        settle,
        ..Config::default()
    };
    let sb = Sandbox::open("sqlite::memory:", config, Arc::new(SystemClock))
        .await
        .expect("the sandbox opens");
    let token = "dop_v1_deploy_engine_tests".to_string();
    sb.add_token(NewToken {
        token: token.clone(),
        scopes: vec!["*".into()],
        expires_at: None,
        rate_limit: Some(RateLimit {
            per_hour: 1_000_000,
            per_minute: 1_000_000,
        }),
    })
    .await
    .expect("the token registers");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let addr = listener.local_addr().expect("has an address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(ferry_sandbox_cloud::serve(listener, sb, async {
        let _ = stopped.await;
    }));
    Cloud {
        base: format!("http://{addr}"),
        token,
        _stop: stop,
    }
}

fn http(cloud: &Cloud) -> HttpTransport {
    HttpTransport::new(
        &cloud.base,
        Token::new(cloud.token.clone()),
        Duration::from_secs(30),
    )
    .expect("a transport")
}

fn engine(transport: Arc<dyn Transport>) -> Engine {
    let client = Client::new(
        transport,
        RetryPolicy {
            retries: 2,
            base: Duration::from_millis(2),
            max: Duration::from_millis(20),
        },
    );
    let options = Options {
        instance_id: None,
        parallelism: 4,
        wait: WaitPolicy {
            first: Duration::from_millis(10),
            max_interval: Duration::from_millis(50),
            timeout: Duration::from_secs(30),
        },
    };
    Engine::new(client, Arc::new(|_| {}), options)
}

fn read_dir(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
    for entry in std::fs::read_dir(dir).expect("reads the folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            read_dir(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "tf")
            && let (Ok(text), Ok(rel)) = (std::fs::read_to_string(&path), path.strip_prefix(root))
        {
            out.insert(rel.to_string_lossy().replace('\\', "/"), text);
        }
    }
}

fn example(name: &str) -> Stack {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples")
        .join(name)
        .join("expected");
    let mut files = BTreeMap::new();
    read_dir(&dir, &dir, &mut files);
    Stack::load(
        files,
        &[("instance_id".into(), VarInput::Text(INSTANCE.into()))],
    )
    .expect("the example loads")
}

/// A stack of the compiler's corpus (its `expected` folder).
fn corpus(case: &str) -> Stack {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/corpus")
        .join(case)
        .join("expected");
    let mut files = BTreeMap::new();
    read_dir(&dir, &dir, &mut files);
    Stack::load(
        files,
        &[("instance_id".into(), VarInput::Text(INSTANCE.into()))],
    )
    .expect("the corpus case loads")
}

const EXAMPLES: &[&str] = &[
    "saas-web-app",
    "data-platform",
    "ecs-fargate-app",
    "modular-stack",
    "serverless-api",
];

/// Types the sandbox cloud does not serve yet: their API calls answer 404, which the engine
/// reports as a failure of that resource (and only of it).
const NOT_IN_SANDBOX: &[(&str, &str)] = &[
    ("digitalocean_vpc_nat_gateway", "GET /v2/vpc_nat_gateways"),
    ("digitalocean_vpc_peering", "GET /v2/vpc_peerings"),
    (
        "digitalocean_droplet_autoscale",
        "GET /v2/droplets/autoscale",
    ),
    ("digitalocean_cdn", "GET /v2/cdn/endpoints"),
];

fn expected_failure(o: &ferry_deploy::Outcome) -> bool {
    NOT_IN_SANDBOX.iter().any(|(t, _)| *t == o.tf_type)
        && o.detail.as_deref().unwrap_or("").contains("404")
}

#[test]
fn the_list_of_unserved_types_is_current() {
    let served = ferry_sandbox_cloud::served_operations();
    for (tf_type, op) in NOT_IN_SANDBOX {
        assert!(
            !served.iter().any(|s| s == op),
            "the sandbox serves `{op}` now: take {tf_type} off NOT_IN_SANDBOX"
        );
    }
}

fn ok(report: &Report) -> bool {
    !report
        .resources
        .iter()
        .any(|o| o.status == Status::Failed && !expected_failure(o))
}

fn failures(report: &Report) -> String {
    report
        .resources
        .iter()
        .filter(|o| o.status == Status::Failed && !expected_failure(o))
        .map(|o| format!("{}: {}", o.address, o.detail.as_deref().unwrap_or("")))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Everything of the account that the duplicate and leftover checks look at: (kind, key, tags).
async fn inventory(client: &Client) -> Vec<(String, String, Vec<String>)> {
    let lists: &[(&str, &str, &str)] = &[
        ("/v2/vpcs", "vpcs", "name"),
        ("/v2/projects", "projects", "name"),
        ("/v2/databases", "databases", "name"),
        ("/v2/droplets", "droplets", "name"),
        ("/v2/volumes", "volumes", "name"),
        ("/v2/nfs", "shares", "name"),
        ("/v2/load_balancers", "load_balancers", "name"),
        ("/v2/certificates", "certificates", "name"),
        ("/v2/domains", "domains", "name"),
        ("/v2/firewalls", "firewalls", "name"),
        ("/v2/kubernetes/clusters", "kubernetes_clusters", "name"),
        ("/v2/account/keys", "ssh_keys", "name"),
        ("/v2/reserved_ips", "reserved_ips", "ip"),
        ("/v2/monitoring/alerts", "policies", "description"),
        ("/v2/uptime/checks", "checks", "name"),
    ];
    let mut out = Vec::new();
    for (path, key, name) in lists {
        let items = client
            .list(path, key)
            .await
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        for item in &items {
            let tags = item
                .get("tags")
                .and_then(Json::as_array)
                .map(|t| {
                    t.iter()
                        .filter_map(Json::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            let label = ferry_deploy::units::id_of(item, name).unwrap_or_default();
            out.push((path.to_string(), label, tags));
            if *key == "databases" {
                let id = ferry_deploy::units::id_of(item, "id").unwrap_or_default();
                for (sub, subkey) in [("dbs", "dbs"), ("users", "users")] {
                    let p = format!("/v2/databases/{id}/{sub}");
                    for x in client.list(&p, subkey).await.unwrap_or_default() {
                        out.push((
                            format!("/v2/databases/{sub}"),
                            format!("{}/{}", item["name"], x["name"]),
                            Vec::new(),
                        ));
                    }
                }
            }
            if *key == "domains" {
                let d = item["name"].as_str().unwrap_or("");
                for r in client
                    .list(&format!("/v2/domains/{d}/records"), "domain_records")
                    .await
                    .unwrap_or_default()
                {
                    if matches!(r["type"].as_str(), Some("NS" | "SOA")) {
                        continue;
                    }
                    out.push((
                        "records".into(),
                        format!("{d}/{}/{}/{}", r["type"], r["name"], r["data"]),
                        Vec::new(),
                    ));
                }
            }
            if *key == "kubernetes_clusters" {
                let id = ferry_deploy::units::id_of(item, "id").unwrap_or_default();
                for p in client
                    .list(
                        &format!("/v2/kubernetes/clusters/{id}/node_pools"),
                        "node_pools",
                    )
                    .await
                    .unwrap_or_default()
                {
                    out.push((
                        "node_pools".into(),
                        format!("{}/{}", item["name"], p["name"]),
                        Vec::new(),
                    ));
                }
            }
        }
    }
    if let Ok(Some(reg)) = client.get_opt("/v2/registry").await {
        out.push((
            "registry".into(),
            reg["registry"]["name"].as_str().unwrap_or("").to_string(),
            Vec::new(),
        ));
    }
    out
}

fn duplicates(inv: &[(String, String, Vec<String>)]) -> Vec<String> {
    let mut seen: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (kind, key, _) in inv {
        *seen.entry((kind.clone(), key.clone())).or_default() += 1;
    }
    seen.into_iter()
        .filter(|(_, n)| *n > 1)
        .map(|((k, v), n)| format!("{k} {v} ×{n}"))
        .collect()
}

fn raw_client(cloud: &Cloud) -> Client {
    Client::new(
        Arc::new(http(cloud)),
        RetryPolicy {
            retries: 1,
            base: Duration::from_millis(1),
            max: Duration::from_millis(5),
        },
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_example_deploys_converges_and_is_destroyed() {
    let mut numbers = Vec::new();
    for name in EXAMPLES {
        let cloud = cloud(Duration::from_millis(50)).await;
        let stack = example(name);
        let mut state = State::default();

        let t = Instant::now();
        let first = engine(Arc::new(http(&cloud)))
            .deploy(&stack, &mut state)
            .await
            .expect("runs");
        let first_time = t.elapsed();
        assert!(
            ok(&first),
            "{name}: first deploy failed:\n{}",
            failures(&first)
        );
        let created = first.count(Status::Created);
        assert!(created > 0, "{name}: nothing created");

        // Everything the engine created exists, and carries the tag where DigitalOcean has tags.
        let raw = raw_client(&cloud);
        let inv = inventory(&raw).await;
        assert!(
            duplicates(&inv).is_empty(),
            "{name}: duplicates {:?}",
            duplicates(&inv)
        );
        for o in first
            .resources
            .iter()
            .filter(|o| o.status == Status::Created)
        {
            let tagged_kind = match o.tf_type.as_str() {
                "digitalocean_droplet" => Some("/v2/droplets"),
                "digitalocean_database_cluster" => Some("/v2/databases"),
                "digitalocean_volume" => Some("/v2/volumes"),
                "digitalocean_kubernetes_cluster" => Some("/v2/kubernetes/clusters"),
                _ => None,
            };
            if let Some(kind) = tagged_kind {
                let tag = format!("instance-id:{INSTANCE}");
                let n = inv
                    .iter()
                    .filter(|(k, _, tags)| k == kind && tags.contains(&tag))
                    .count();
                assert!(n > 0, "{name}: {} has no tagged {kind}", o.address);
            }
        }
        // A read-only pass finds every applied resource as it is.
        let plan = engine(Arc::new(http(&cloud)))
            .plan(&stack, &mut state)
            .await
            .expect("plans");
        let changed: Vec<_> = plan
            .resources
            .iter()
            .filter(|o| {
                matches!(
                    o.status,
                    Status::WouldCreate | Status::WouldUpdate | Status::Failed
                ) && !expected_failure(o)
            })
            .map(|o| {
                format!(
                    "{} {:?} {}",
                    o.address,
                    o.status,
                    o.detail.as_deref().unwrap_or("")
                )
            })
            .collect();
        assert!(
            changed.is_empty(),
            "{name}: after a deploy a plan still sees changes: {changed:#?}"
        );

        // A second deploy creates and changes nothing, and sends no write.
        let t = Instant::now();
        let second = engine(Arc::new(http(&cloud)))
            .deploy(&stack, &mut state)
            .await
            .expect("runs");
        let second_time = t.elapsed();
        assert!(
            ok(&second),
            "{name}: second deploy failed:\n{}",
            failures(&second)
        );
        let changes: Vec<_> = second
            .resources
            .iter()
            .filter(|o| matches!(o.status, Status::Created | Status::Updated))
            .map(|o| {
                format!(
                    "{} {:?} {}",
                    o.address,
                    o.status,
                    o.detail.as_deref().unwrap_or("")
                )
            })
            .collect();
        assert!(
            changes.is_empty(),
            "{name}: the second deploy changed {changes:#?}"
        );
        assert_eq!(
            second.requests.writes(),
            0,
            "{name}: the second deploy wrote"
        );

        // Destroy leaves nothing of the appliance.
        let gone = engine(Arc::new(http(&cloud)))
            .destroy(&stack, &mut state)
            .await
            .expect("runs");
        if !ok(&gone) {
            for p in raw
                .list("/v2/projects", "projects")
                .await
                .unwrap_or_default()
            {
                let id = p["id"].as_str().unwrap_or("");
                eprintln!(
                    "project {} {:?}",
                    p["name"],
                    raw.list(&format!("/v2/projects/{id}/resources"), "resources")
                        .await
                );
            }
            eprintln!("{:#?}", gone.resources);
        }
        assert!(ok(&gone), "{name}: destroy failed:\n{}", failures(&gone));
        let left: Vec<_> = inventory(&raw)
            .await
            .into_iter()
            .filter(|(kind, key, tags)| {
                tags.iter().any(|t| t == "instance-id:acme")
                    || (key.contains(INSTANCE) && kind != "records")
                    || kind == "registry"
            })
            .collect();
        assert!(left.is_empty(), "{name}: left after destroy: {left:?}");
        numbers.push(format!(
            "{name:16} deploy {:>4.0} ms, {:>3} requests ({:>2} writes), {:>2} created, {:>2} skipped, {} failed (not in the sandbox) | second deploy {:>4.0} ms, {:>2} requests, 0 writes | destroy {:>2} requests",
            first_time.as_secs_f64() * 1000.0,
            first.requests.total(),
            first.requests.writes(),
            created,
            first.count(Status::Skipped),
            first.count(Status::Failed),
            second_time.as_secs_f64() * 1000.0,
            second.requests.total(),
            gone.requests.total(),
        ));
    }
    eprintln!("\nsandbox settle 50 ms, poll from 10 ms, 4 at a time:");
    for line in numbers {
        eprintln!("  {line}");
    }
}

/// Passes requests through until `limit` have been sent, then fails everything: as if the
/// process died. `deliver_last`: the request at the limit reaches the API, its answer is lost.
struct CutOff {
    inner: HttpTransport,
    limit: usize,
    sent: AtomicUsize,
    deliver_last: bool,
}

impl Transport for CutOff {
    fn send<'a>(&'a self, req: &'a ApiRequest) -> BoxFut<'a, Result<ApiResponse, TransportError>> {
        Box::pin(async move {
            let n = self.sent.fetch_add(1, Ordering::SeqCst) + 1;
            if n < self.limit {
                return self.inner.send(req).await;
            }
            if n == self.limit && self.deliver_last {
                let _ = self.inner.send(req).await;
            }
            Err(TransportError(
                "cut off (the test stops the run here)".into(),
            ))
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deploy_cut_off_after_any_request_then_run_again_leaves_no_duplicate() {
    // Every request boundary of the largest example and of the compiled EFS case (its NFS
    // share); every third of another example (test time).
    for (name, step) in [
        ("saas-web-app", 1),
        ("data-platform", 3),
        ("efs/wordpress_shared_files", 1),
    ] {
        let stack = if name.contains('/') {
            corpus(name)
        } else {
            example(name)
        };
        // How many requests a whole deploy takes.
        let total = {
            let cloud = cloud(Duration::from_millis(5)).await;
            let report = engine(Arc::new(http(&cloud)))
                .deploy(&stack, &mut State::default())
                .await
                .expect("runs");
            assert!(ok(&report), "{name}: {}", failures(&report));
            report.requests.total() as usize
        };
        let t = Instant::now();
        let mut runs = 0;
        for limit in (1..=total).step_by(step) {
            for deliver_last in [false, true] {
                let cloud = cloud(Duration::from_millis(5)).await;
                let mut state = State::default();
                let cut = CutOff {
                    inner: http(&cloud),
                    limit,
                    sent: AtomicUsize::new(0),
                    deliver_last,
                };
                let interrupted = engine(Arc::new(cut))
                    .deploy(&stack, &mut state)
                    .await
                    .expect("runs");
                let again = engine(Arc::new(http(&cloud)))
                    .deploy(&stack, &mut state)
                    .await
                    .expect("runs");
                assert!(
                    ok(&again),
                    "{name}: cut after request {limit} (delivered: {deliver_last}), the re-run failed:\n{}",
                    failures(&again)
                );
                let dupes = duplicates(&inventory(&raw_client(&cloud)).await);
                assert!(
                    dupes.is_empty(),
                    "{name}: cut after request {limit} (delivered: {deliver_last}; first run {} created): duplicates {dupes:?}",
                    interrupted.count(Status::Created)
                );
                runs += 1;
            }
        }
        eprintln!(
            "{name}: {total} requests per deploy; cut after every {step}. of them (answer lost, or request dropped), then re-run: {runs} runs, no duplicate, {:.1} s",
            t.elapsed().as_secs_f64()
        );
    }
}

/// The compiled EFS case: its `digitalocean_nfs` is created in the stack's region and VPC with
/// the stack's size, waited for until it has a host (which the outputs and the droplet
/// template's mount command read), found unchanged by a second deploy, and gone after destroy.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_efs_case_deploys_an_nfs_share_and_destroys_it() {
    let cloud = cloud(Duration::from_millis(50)).await;
    let stack = corpus("efs/wordpress_shared_files");
    let mut state = State::default();
    let first = engine(Arc::new(http(&cloud)))
        .deploy(&stack, &mut state)
        .await
        .expect("runs");
    assert!(ok(&first), "first deploy failed:\n{}", failures(&first));
    let share_outcome = first
        .resources
        .iter()
        .find(|o| o.tf_type == "digitalocean_nfs")
        .expect("the share is in the report");
    assert_eq!(
        share_outcome.status,
        Status::Created,
        "{:?}",
        share_outcome.detail
    );

    let raw = raw_client(&cloud);
    let vpcs = raw.list("/v2/vpcs", "vpcs").await.expect("lists VPCs");
    let vpc = vpcs
        .iter()
        .find(|v| v["name"] == "main-acme")
        .expect("the stack's VPC");
    let shares = raw
        .list("/v2/nfs?region=fra1", "shares")
        .await
        .expect("lists shares");
    assert_eq!(shares.len(), 1, "{shares:?}");
    let share = &shares[0];
    assert_eq!(share["name"], "wordpress-efs-acme");
    assert_eq!(share["region"], "fra1", "the stack's default region");
    assert_eq!(share["size_gib"], 50, "var.wp_nfs_size_gib's default");
    assert_eq!(share["vpc_ids"], serde_json::json!([vpc["id"]]));
    assert_eq!(share["status"], "ACTIVE");
    let host = share["host"].as_str().expect("a host");
    assert!(
        host.starts_with("10.0."),
        "{host} is in the VPC's 10.0.0.0/16"
    );
    let out = first
        .outputs
        .get("efs_mount_ip")
        .and_then(|o| o.value.clone());
    assert_eq!(out, Some(Json::from(host)), "the output reads the host");

    // A second deploy finds it as it is and writes nothing to it.
    let second = engine(Arc::new(http(&cloud)))
        .deploy(&stack, &mut state)
        .await
        .expect("runs");
    assert!(ok(&second), "second deploy failed:\n{}", failures(&second));
    let again = second
        .resources
        .iter()
        .find(|o| o.tf_type == "digitalocean_nfs")
        .expect("the share is in the report");
    assert_eq!(again.status, Status::Unchanged, "{:?}", again.detail);
    assert_eq!(second.requests.writes(), 0, "the second deploy wrote");

    // Destroy deletes it (and then the VPC it was in).
    let gone = engine(Arc::new(http(&cloud)))
        .destroy(&stack, &mut state)
        .await
        .expect("runs");
    assert!(ok(&gone), "destroy failed:\n{}", failures(&gone));
    assert!(
        raw.list("/v2/nfs", "shares")
            .await
            .expect("lists shares")
            .is_empty(),
        "the share is left after destroy"
    );
    assert!(
        !raw.list("/v2/vpcs", "vpcs")
            .await
            .expect("lists VPCs")
            .iter()
            .any(|v| v["name"] == "main-acme"),
        "the VPC is left after destroy"
    );
}

/// The compiled Route 53 health-check case: its uptime checks (an HTTP check of the load
/// balancer's address, a ping check) and the alert of the first are created, found unchanged by
/// a second deploy, and gone after destroy (the alert with its check).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_health_check_case_deploys_uptime_checks_and_alerts() {
    let cloud = cloud(Duration::from_millis(50)).await;
    let stack = corpus("route53/health_check");
    let mut state = State::default();
    let first = engine(Arc::new(http(&cloud)))
        .deploy(&stack, &mut state)
        .await
        .expect("runs");
    assert!(ok(&first), "first deploy failed:\n{}", failures(&first));
    for t in ["digitalocean_uptime_check", "digitalocean_uptime_alert"] {
        let of_type: Vec<_> = first.resources.iter().filter(|o| o.tf_type == t).collect();
        assert!(!of_type.is_empty(), "no {t} in the report");
        for o in of_type {
            assert_eq!(o.status, Status::Created, "{}: {:?}", o.address, o.detail);
        }
    }

    let raw = raw_client(&cloud);
    let lbs = raw
        .list("/v2/load_balancers", "load_balancers")
        .await
        .expect("lists load balancers");
    let lb = lbs
        .iter()
        .find(|l| l["name"] == "web-acme")
        .expect("the stack's load balancer");
    let ip = lb["ip"].as_str().expect("the load balancer has an address");
    let mut checks = raw
        .list("/v2/uptime/checks", "checks")
        .await
        .expect("lists checks");
    checks.sort_by_key(|c| c["name"].as_str().unwrap_or("").to_string());
    let names: Vec<&str> = checks.iter().filter_map(|c| c["name"].as_str()).collect();
    assert_eq!(names, ["smtp-acme", "web-health-acme"]);
    let (smtp, web) = (&checks[0], &checks[1]);
    assert_eq!(smtp["type"], "ping");
    assert_eq!(smtp["target"], "203.0.113.10");
    assert_eq!(smtp["enabled"], true, "the provider's default");
    assert_eq!(web["type"], "http");
    assert_eq!(
        web["target"],
        format!("http://{ip}/health"),
        "reads the load balancer's ip"
    );
    assert_eq!(
        web["regions"],
        serde_json::json!(["us_east", "eu_west", "se_asia"])
    );
    let web_id = web["id"].as_str().expect("an id");
    let alerts = raw
        .list(&format!("/v2/uptime/checks/{web_id}/alerts"), "alerts")
        .await
        .expect("lists the web check's alerts");
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(alerts[0]["name"], "web-down-acme");
    assert_eq!(alerts[0]["type"], "down");
    assert_eq!(alerts[0]["period"], "2m");
    assert_eq!(
        alerts[0]["notifications"]["email"],
        serde_json::json!(["oncall@example.com"])
    );
    let smtp_id = smtp["id"].as_str().expect("an id");
    assert!(
        raw.list(&format!("/v2/uptime/checks/{smtp_id}/alerts"), "alerts")
            .await
            .expect("lists the ping check's alerts")
            .is_empty(),
        "the ping check has no alert"
    );

    // A second deploy finds them as they are and writes nothing.
    let second = engine(Arc::new(http(&cloud)))
        .deploy(&stack, &mut state)
        .await
        .expect("runs");
    assert!(ok(&second), "second deploy failed:\n{}", failures(&second));
    for o in second
        .resources
        .iter()
        .filter(|o| o.tf_type.starts_with("digitalocean_uptime_"))
    {
        assert_eq!(o.status, Status::Unchanged, "{}: {:?}", o.address, o.detail);
    }
    assert_eq!(second.requests.writes(), 0, "the second deploy wrote");

    // Destroy deletes them.
    let gone = engine(Arc::new(http(&cloud)))
        .destroy(&stack, &mut state)
        .await
        .expect("runs");
    assert!(ok(&gone), "destroy failed:\n{}", failures(&gone));
    assert!(
        raw.list("/v2/uptime/checks", "checks")
            .await
            .expect("lists checks")
            .is_empty(),
        "a check is left after destroy"
    );
}
