//! The engine against a small in-process stand-in for the DigitalOcean API: dependency order,
//! values flowing between resources, skips with reasons, convergence, dry runs, destroy, and
//! failures that block only what depends on them. (The sandbox cloud tests in `sandbox.rs` run
//! the examples against the real local API.)

use ferry_deploy::client::{ApiRequest, ApiResponse, BoxFut, Method, TransportError};
use ferry_deploy::engine::{State, Status};
use ferry_deploy::units::WaitPolicy;
use ferry_deploy::{
    Client, Engine, Event, EventKind, Options, RetryPolicy, Stack, Transport, VarInput,
};
use serde_json::{Value as Json, json};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Collections by path; objects get ids and are ready at once.
#[derive(Default)]
struct Fake {
    colls: Mutex<BTreeMap<String, Vec<Json>>>,
    log: Mutex<Vec<(String, Option<Json>)>>,
    next: Mutex<u64>,
    /// `METHOD path` prefixes that answer 422.
    refuse: Mutex<Vec<String>>,
}

fn item_key(coll: &str) -> &'static str {
    match coll.rsplit('/').next().unwrap_or("") {
        "vpcs" => "vpc",
        "projects" => "project",
        "databases" => "database",
        "dbs" => "db",
        "users" => "user",
        "droplets" => "droplet",
        "firewalls" => "firewall",
        "domains" => "domain",
        "records" => "domain_record",
        _ => "item",
    }
}

fn list_key(coll: &str) -> String {
    match coll.rsplit('/').next().unwrap_or("") {
        "records" => "domain_records".into(),
        other => other.to_string(),
    }
}

fn respond(status: u16, body: Json) -> Result<ApiResponse, TransportError> {
    Ok(ApiResponse {
        status,
        body: if body.is_null() {
            String::new()
        } else {
            body.to_string()
        },
        retry_after: None,
        ratelimit_reset: None,
    })
}

impl Fake {
    fn handle(&self, req: &ApiRequest) -> Result<ApiResponse, TransportError> {
        let (path, query) = req.path.split_once('?').unwrap_or((req.path.as_str(), ""));
        let key = format!("{} {}", req.method.as_str(), path);
        if let Ok(mut log) = self.log.lock() {
            log.push((key.clone(), req.body.clone()));
        }
        if self
            .refuse
            .lock()
            .map(|r| r.iter().any(|p| key.starts_with(p)))
            .unwrap_or(false)
        {
            return respond(
                422,
                json!({"id": "unprocessable_entity", "message": "refused by the test"}),
            );
        }
        let mut colls = self
            .colls
            .lock()
            .map_err(|_| TransportError("poisoned".into()))?;
        // Special endpoints.
        if let Some(cluster) = path
            .strip_prefix("/v2/databases/")
            .and_then(|p| p.strip_suffix("/firewall"))
        {
            let k = format!("firewall:{cluster}");
            return match req.method {
                Method::Get => respond(
                    200,
                    json!({"rules": colls.get(&k).cloned().unwrap_or_default()}),
                ),
                _ => {
                    let rules = req
                        .body
                        .as_ref()
                        .and_then(|b| b.get("rules"))
                        .and_then(Json::as_array)
                        .cloned()
                        .unwrap_or_default();
                    colls.insert(k, rules);
                    respond(204, Json::Null)
                }
            };
        }
        if let Some(project) = path
            .strip_prefix("/v2/projects/")
            .and_then(|p| p.strip_suffix("/resources"))
        {
            let k = format!("resources:{project}");
            return match req.method {
                Method::Get => {
                    let items = colls.get(&k).cloned().unwrap_or_default();
                    respond(
                        200,
                        json!({"resources": items, "meta": {"total": items.len()}}),
                    )
                }
                _ => {
                    let urns = req
                        .body
                        .as_ref()
                        .and_then(|b| b.get("resources"))
                        .and_then(Json::as_array)
                        .cloned()
                        .unwrap_or_default();
                    let entry = colls.entry(k).or_default();
                    for u in urns {
                        entry.push(json!({"urn": u}));
                    }
                    respond(200, json!({"resources": []}))
                }
            };
        }
        if req.method == Method::Post {
            let mut obj = req.body.clone().unwrap_or(json!({}));
            let mut next = self
                .next
                .lock()
                .map_err(|_| TransportError("poisoned".into()))?;
            *next += 1;
            let id = *next;
            if let Some(o) = obj.as_object_mut() {
                if path == "/v2/droplets" {
                    o.insert("id".into(), json!(id));
                    o.insert(
                        "networks".into(),
                        json!({"v4": [{"type": "private", "ip_address": format!("10.0.0.{id}")}]}),
                    );
                } else {
                    o.insert("id".into(), json!(format!("id-{id}")));
                }
                o.insert(
                    "status".into(),
                    json!(if path == "/v2/databases" {
                        "online"
                    } else {
                        "active"
                    }),
                );
                if path == "/v2/databases" {
                    o.insert("connection".into(), json!({"host": format!("db-{id}.example"), "port": 25060, "user": "doadmin", "password": "pw"}));
                }
            }
            colls.entry(path.to_string()).or_default().push(obj.clone());
            return respond(201, json!({ item_key(path): obj }));
        }
        // A collection, or an item in one.
        if let Some(items) = colls.get(path) {
            let tag = query
                .split('&')
                .find_map(|kv| kv.strip_prefix("tag_name="))
                .map(|t| t.replace("%3A", ":"));
            let page = query
                .split('&')
                .find_map(|kv| kv.strip_prefix("page="))
                .unwrap_or("1");
            let items: Vec<Json> = items
                .iter()
                .filter(|o| match &tag {
                    Some(t) => o
                        .get("tags")
                        .and_then(Json::as_array)
                        .is_some_and(|ts| ts.iter().any(|x| x.as_str() == Some(t))),
                    None => true,
                })
                .cloned()
                .collect();
            let items = if page == "1" { items } else { Vec::new() };
            return respond(
                200,
                json!({ list_key(path): items, "links": {}, "meta": {"total": items.len()} }),
            );
        }
        let (parent, id) = path.rsplit_once('/').unwrap_or((path, ""));
        let Some(items) = colls.get_mut(parent) else {
            if req.method == Method::Get {
                return respond(200, json!({ list_key(path): [], "meta": {"total": 0} }));
            }
            return respond(404, json!({"id": "not_found", "message": "no such thing"}));
        };
        let pos = items.iter().position(|o| {
            o.get("id").map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| v.to_string())
            }) == Some(id.to_string())
                || o.get("name").and_then(Json::as_str) == Some(id)
        });
        match (req.method, pos) {
            (Method::Get, Some(p)) => respond(200, json!({ item_key(parent): items[p] })),
            (Method::Delete, Some(p)) => {
                items.remove(p);
                // Children go with their parent (a cluster's databases).
                let prefix = format!("{path}/");
                colls.retain(|k, _| !k.starts_with(&prefix));
                respond(204, Json::Null)
            }
            (Method::Put | Method::Patch, Some(p)) => {
                if let (Some(o), Some(Json::Object(b))) = (items[p].as_object_mut(), &req.body) {
                    for (k, v) in b {
                        o.insert(k.clone(), v.clone());
                    }
                }
                respond(200, json!({ item_key(parent): items[p] }))
            }
            _ => respond(404, json!({"id": "not_found", "message": "no such thing"})),
        }
    }

    fn writes(&self) -> Vec<(String, Option<Json>)> {
        self.log
            .lock()
            .map(|l| {
                l.iter()
                    .filter(|(k, _)| !k.starts_with("GET"))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    }

    fn objects(&self) -> usize {
        self.colls
            .lock()
            .map(|c| {
                c.iter()
                    .filter(|(k, _)| !k.contains(':'))
                    .map(|(_, v)| v.len())
                    .sum()
            })
            .unwrap_or(0)
    }
}

struct FakeTransport(Arc<Fake>);

impl Transport for FakeTransport {
    fn send<'a>(&'a self, req: &'a ApiRequest) -> BoxFut<'a, Result<ApiResponse, TransportError>> {
        Box::pin(async move { self.0.handle(req) })
    }
}

const STACK: &str = r#"
variable "instance_id" { type = string }
variable "region" { default = "nyc3" }
variable "cidrs" { default = ["10.1.0.0/16", "10.2.0.0/16"] }

locals { name = "shop-${var.instance_id}" }

resource "digitalocean_vpc" "main" {
  name     = local.name
  region   = var.region
  ip_range = "10.30.0.0/16"
}

resource "random_password" "db" {
  length  = 24
  special = false
}

resource "digitalocean_database_cluster" "db" {
  name                 = "${local.name}-pg"
  engine               = "pg"
  version              = "16"
  size                 = "db-s-1vcpu-2gb"
  region               = var.region
  node_count           = 1
  private_network_uuid = digitalocean_vpc.main.id
  tags                 = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_db" "app" {
  cluster_id = digitalocean_database_cluster.db.id
  name       = "shop"
}

resource "digitalocean_database_firewall" "db" {
  cluster_id = digitalocean_database_cluster.db.id
  dynamic "rule" {
    for_each = toset(var.cidrs)
    content {
      type  = "ip_addr"
      value = rule.value
    }
  }
}

module "web" {
  source      = "./modules/web"
  instance_id = var.instance_id
  vpc_id      = digitalocean_vpc.main.id
}

resource "digitalocean_spaces_bucket" "media" {
  name   = "shop-media-${var.instance_id}"
  region = var.region
}

resource "kubernetes_namespace_v1" "app" {
  metadata { name = "shop" }
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_database_cluster.db.urn], [digitalocean_spaces_bucket.media.urn], module.web.urns])
}

output "db" { value = "${digitalocean_database_cluster.db.host}:${digitalocean_database_cluster.db.port}" }
output "password" {
  value     = random_password.db.result
  sensitive = true
}
output "bucket" { value = digitalocean_spaces_bucket.media.name }
output "ips" { value = module.web.ips }
"#;

const MODULE: &str = r#"
variable "instance_id" {}
variable "vpc_id" {}
variable "n" { default = 2 }
resource "digitalocean_droplet" "web" {
  count    = var.n
  name     = "web-${count.index}-${var.instance_id}"
  region   = "nyc3"
  size     = "s-1vcpu-1gb"
  image    = "ubuntu-24-04-x64"
  vpc_uuid = var.vpc_id
  tags     = ["instance-id:${var.instance_id}"]
}
resource "digitalocean_firewall" "web" {
  name        = "web-${var.instance_id}"
  droplet_ids = digitalocean_droplet.web[*].id
  inbound_rule {
    protocol         = "tcp"
    port_range       = "443"
    source_addresses = ["0.0.0.0/0"]
  }
}
output "urns" { value = digitalocean_droplet.web[*].urn }
output "ips" { value = [for d in digitalocean_droplet.web : d.ipv4_address_private] }
"#;

fn stack() -> Stack {
    let files = BTreeMap::from([
        ("main.tf".to_string(), STACK.to_string()),
        ("modules/web/main.tf".to_string(), MODULE.to_string()),
    ]);
    Stack::load(
        files,
        &[("instance_id".into(), VarInput::Text("acme".into()))],
    )
    .expect("the stack loads")
}

fn engine(fake: &Arc<Fake>, parallelism: usize) -> (Engine, Arc<Mutex<Vec<Event>>>) {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink_events = events.clone();
    let sink: ferry_deploy::EventSink = Arc::new(move |e: &Event| {
        if let Ok(mut v) = sink_events.lock() {
            v.push(e.clone());
        }
    });
    let client = Client::new(
        Arc::new(FakeTransport(fake.clone())),
        RetryPolicy {
            retries: 0,
            base: Duration::from_millis(1),
            max: Duration::from_millis(1),
        },
    );
    let options = Options {
        instance_id: None,
        parallelism,
        wait: WaitPolicy {
            first: Duration::from_millis(1),
            max_interval: Duration::from_millis(5),
            timeout: Duration::from_secs(5),
        },
    };
    (Engine::new(client, sink, options), events)
}

fn position(writes: &[(String, Option<Json>)], prefix: &str) -> usize {
    writes
        .iter()
        .position(|(k, _)| k.starts_with(prefix))
        .unwrap_or(usize::MAX)
}

#[tokio::test]
async fn deploys_in_order_with_values_flowing_and_skips_named() {
    for parallelism in [1, 4] {
        let fake = Arc::new(Fake::default());
        let (engine, events) = engine(&fake, parallelism);
        let mut state = State::default();
        let report = engine.deploy(&stack(), &mut state).await.expect("runs");
        assert!(report.ok(), "{:#?}", report.resources);
        let writes = fake.writes();
        // Dependency order.
        assert!(position(&writes, "POST /v2/vpcs") < position(&writes, "POST /v2/databases"));
        assert!(
            position(&writes, "POST /v2/databases") < position(&writes, "POST /v2/databases/id-")
        );
        assert!(position(&writes, "POST /v2/droplets") < position(&writes, "POST /v2/firewalls"));
        assert!(position(&writes, "POST /v2/projects/") > position(&writes, "POST /v2/droplets"));
        // Values flow: the cluster is in the VPC, droplets too, the firewall names both droplets.
        let body = |prefix: &str| {
            writes
                .iter()
                .find(|(k, _)| k == prefix)
                .and_then(|(_, b)| b.clone())
                .unwrap_or(Json::Null)
        };
        let vpc_id = "id-1";
        assert_eq!(body("POST /v2/databases")["private_network_uuid"], vpc_id);
        assert_eq!(body("POST /v2/droplets")["vpc_uuid"], vpc_id);
        assert_eq!(
            body("POST /v2/firewalls")["droplet_ids"]
                .as_array()
                .map(Vec::len),
            Some(2)
        );
        // The dynamic block became two rules.
        let fw = writes
            .iter()
            .find(|(k, _)| k.ends_with("/firewall"))
            .and_then(|(_, b)| b.clone())
            .unwrap_or(Json::Null);
        assert_eq!(fw["rules"].as_array().map(Vec::len), Some(2));
        // The project gets the cluster and the droplets, not the bucket.
        let assigned = writes
            .iter()
            .find(|(k, _)| k.ends_with("/resources"))
            .and_then(|(_, b)| b.clone())
            .unwrap_or(Json::Null);
        let urns: Vec<&str> = assigned["resources"]
            .as_array()
            .map(|a| a.iter().filter_map(Json::as_str).collect())
            .unwrap_or_default();
        assert_eq!(urns.len(), 3, "{urns:?}");
        assert!(
            urns.iter()
                .all(|u| u.starts_with("do:dbaas:") || u.starts_with("do:droplet:"))
        );
        let pr = report
            .resources
            .iter()
            .find(|o| o.address == "digitalocean_project_resources.appliance")
            .expect("reported");
        assert!(
            pr.detail
                .as_deref()
                .unwrap_or("")
                .contains("leaves out `digitalocean_spaces_bucket.media`"),
            "{:?}",
            pr.detail
        );
        // Skips are reported with their reason.
        let skipped: BTreeMap<&str, &str> = report
            .resources
            .iter()
            .filter(|o| o.status == Status::Skipped)
            .map(|o| (o.address.as_str(), o.detail.as_deref().unwrap_or("")))
            .collect();
        assert!(skipped["digitalocean_spaces_bucket.media"].contains("S3 API"));
        assert!(skipped["kubernetes_namespace_v1.app"].contains("cluster's API"));
        assert_eq!(skipped.len(), 2);
        // Outputs: known ones computed, the bucket's unknown with the reason, the secret kept.
        assert!(
            report.outputs["db"]
                .value
                .as_ref()
                .and_then(Json::as_str)
                .is_some_and(|v| v.ends_with(":25060"))
        );
        assert!(
            report.outputs["bucket"]
                .unknown
                .as_deref()
                .unwrap_or("")
                .contains("digitalocean_spaces_bucket.media")
        );
        assert!(report.outputs["password"].sensitive);
        assert_eq!(
            report.outputs["ips"]
                .value
                .as_ref()
                .and_then(Json::as_array)
                .map(Vec::len),
            Some(2)
        );
        assert_eq!(state.random.len(), 1);
        // Every resource was planned, and the events carry no secret.
        let events = events.lock().map(|e| e.clone()).unwrap_or_default();
        let planned = events
            .iter()
            .filter(|e| matches!(e.kind, EventKind::Planned { .. }))
            .count();
        assert_eq!(planned, stack().resources.len());
        let text = serde_json::to_string(&events).unwrap_or_default();
        assert!(!text.contains("\"pw\""));
        let password = state.random["random_password.db"]["result"]
            .as_str()
            .unwrap_or("none")
            .to_string();
        assert!(!text.contains(&password));

        // A second run finds everything: no write at all, the password kept.
        let before = fake.writes().len();
        let (engine, _) = self::engine(&fake, parallelism);
        let again = engine.deploy(&stack(), &mut state).await.expect("runs");
        assert!(again.ok());
        assert_eq!(
            fake.writes().len(),
            before,
            "{:?}",
            &fake.writes()[before..]
        );
        assert_eq!(
            again.count(Status::Created) + again.count(Status::Updated),
            0
        );
        assert_eq!(again.requests.writes(), 0);
        assert_eq!(state.random["random_password.db"]["result"], password);
    }
}

#[tokio::test]
async fn a_dry_run_writes_nothing_and_destroy_removes_everything() {
    let fake = Arc::new(Fake::default());
    let (engine, _) = engine(&fake, 2);
    let mut state = State::default();
    let plan = engine.plan(&stack(), &mut state).await.expect("plans");
    assert!(fake.writes().is_empty());
    assert!(
        plan.count(Status::WouldCreate) >= 8,
        "{:#?}",
        plan.resources
    );
    assert!(state.random.is_empty());

    engine.deploy(&stack(), &mut state).await.expect("deploys");
    let objects = fake.objects();
    assert!(objects >= 7, "{objects}");
    // Someone changed the firewall: a dry run says so, a deploy puts it back.
    if let Ok(mut colls) = fake.colls.lock()
        && let Some(fw) = colls.get_mut("/v2/firewalls").and_then(|v| v.first_mut())
    {
        fw["droplet_ids"] = json!([]);
    }
    let (engine, _) = self::engine(&fake, 2);
    let plan = engine.plan(&stack(), &mut state).await.expect("plans");
    let fw = plan
        .resources
        .iter()
        .find(|o| o.address == "module.web.digitalocean_firewall.web")
        .expect("planned");
    assert_eq!(fw.status, Status::WouldUpdate);
    let fixed = engine.deploy(&stack(), &mut state).await.expect("deploys");
    assert_eq!(fixed.count(Status::Updated), 1, "{:#?}", fixed.resources);

    let (engine, _) = self::engine(&fake, 2);
    let gone = engine
        .destroy(&stack(), &mut state)
        .await
        .expect("destroys");
    assert!(gone.ok(), "{:#?}", gone.resources);
    assert_eq!(
        fake.objects(),
        0,
        "{:?}",
        fake.colls.lock().map(|c| c.clone()).ok()
    );
    assert!(state.random.is_empty());
    let db = gone
        .resources
        .iter()
        .find(|o| o.address == "digitalocean_database_db.app")
        .expect("reported");
    assert_eq!(db.status, Status::Deleted);
    assert_eq!(db.detail.as_deref(), Some("goes with its parent"));
    let deletes = fake
        .writes()
        .iter()
        .filter(|(k, _)| k.starts_with("DELETE"))
        .cloned()
        .collect::<Vec<_>>();
    // Dependents first: droplets before the VPC, the cluster before the VPC.
    assert!(position(&deletes, "DELETE /v2/droplets") < position(&deletes, "DELETE /v2/vpcs"));
    assert!(position(&deletes, "DELETE /v2/databases") < position(&deletes, "DELETE /v2/vpcs"));
    // A second destroy finds nothing.
    let (engine, _) = self::engine(&fake, 2);
    let again = engine
        .destroy(&stack(), &mut state)
        .await
        .expect("destroys");
    assert_eq!(again.count(Status::Deleted), 0);
    assert!(again.count(Status::Absent) >= 7);
}

#[tokio::test]
async fn a_failure_blocks_only_what_depends_on_it() {
    let fake = Arc::new(Fake::default());
    if let Ok(mut r) = fake.refuse.lock() {
        r.push("POST /v2/databases".into());
    }
    let (engine, _) = engine(&fake, 3);
    let mut state = State::default();
    let report = engine.deploy(&stack(), &mut state).await.expect("runs");
    assert!(!report.ok());
    let status: BTreeMap<&str, Status> = report
        .resources
        .iter()
        .map(|o| (o.address.as_str(), o.status))
        .collect();
    assert_eq!(status["digitalocean_database_cluster.db"], Status::Failed);
    assert_eq!(status["digitalocean_database_db.app"], Status::Skipped);
    assert_eq!(status["digitalocean_database_firewall.db"], Status::Skipped);
    assert_eq!(
        status["digitalocean_project_resources.appliance"],
        Status::Skipped
    );
    assert_eq!(status["digitalocean_vpc.main"], Status::Created);
    assert_eq!(
        status["module.web.digitalocean_droplet.web[1]"],
        Status::Created
    );
    let failed = report
        .resources
        .iter()
        .find(|o| o.status == Status::Failed)
        .and_then(|o| o.detail.clone())
        .unwrap_or_default();
    assert!(
        failed.contains("422") && failed.contains("refused by the test"),
        "{failed}"
    );
    let blocked = report
        .resources
        .iter()
        .find(|o| o.address == "digitalocean_database_db.app")
        .and_then(|o| o.detail.clone())
        .unwrap_or_default();
    assert!(
        blocked.contains("digitalocean_database_cluster.db"),
        "{blocked}"
    );
}

#[tokio::test]
async fn bad_references_and_missing_values_fail_before_anything_is_sent() {
    let fake = Arc::new(Fake::default());
    let (engine, _) = engine(&fake, 1);
    let files = BTreeMap::from([(
        "main.tf".to_string(),
        "variable \"instance_id\" { default = \"acme\" }\nresource \"digitalocean_vpc\" \"a\" {\n  name   = \"a\"\n  region = digitalocean_vpc.b.region\n}\n".to_string(),
    )]);
    let stack = Stack::load(files, &[]).expect("loads");
    let err = engine
        .deploy(&stack, &mut State::default())
        .await
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        err.contains(
            "main.tf:4: unknown reference `digitalocean_vpc.b.region` in `digitalocean_vpc.a`"
        ),
        "{err}"
    );
    assert!(fake.log.lock().map(|l| l.is_empty()).unwrap_or(false));

    // A secret variable only a skipped resource reads need not be given; one an applied
    // resource reads fails that resource, naming the variable.
    let files = BTreeMap::from([(
        "main.tf".to_string(),
        "variable \"instance_id\" { default = \"acme\" }\nvariable \"secret\" {}\nvariable \"vpc_name\" {}\nresource \"kubernetes_secret_v1\" \"s\" {\n  data = { v = var.secret }\n}\nresource \"digitalocean_vpc\" \"a\" {\n  name   = var.vpc_name\n  region = \"nyc3\"\n}\n".to_string(),
    )]);
    let stack = Stack::load(files, &[]).expect("loads");
    let report = engine
        .deploy(&stack, &mut State::default())
        .await
        .expect("runs");
    let vpc = report
        .resources
        .iter()
        .find(|o| o.address == "digitalocean_vpc.a")
        .expect("reported");
    assert_eq!(vpc.status, Status::Failed);
    assert!(
        vpc.detail
            .as_deref()
            .unwrap_or("")
            .contains("main.tf:8: `name`: variable `vpc_name` (main.tf:3) has no value"),
        "{:?}",
        vpc.detail
    );
    let secret = report
        .resources
        .iter()
        .find(|o| o.address == "kubernetes_secret_v1.s")
        .expect("reported");
    assert_eq!(secret.status, Status::Skipped);
}
