//! The appliance end to end with real processes over loopback, as a vendor and a customer run
//! it (issue 6): `ferry serve` with its embedded sandbox cloud (the customer's DigitalOcean
//! account), `ferry controller` as its own process, and every step through the `ferry` CLI.
//!
//! * `deploy_window_expiry_and_revocation`: the vendor creates and invites the appliance; the
//!   customer accepts, makes the controller's key file, creates DigitalOcean tokens in the
//!   sandbox with exactly the scopes the release's report asks for (Deploy; Steady-state) and
//!   seals them; the controller connects; the vendor compiles `examples/ecs-fargate-app` into a
//!   release; the customer grants a signed Deploy window; `ferry deploy <release>` creates
//!   everything, tagged or named with the instance id; a second deploy is a no-op; a request
//!   outside the appliance's resources is refused (DigitalOcean-shaped 403) and audited; the
//!   audit chain verifies; revoking the grant cuts the open session within a second; after a
//!   short window ends, writes are refused while reads fall back to Steady-state.
//! * `killing_the_controller_at_every_call_leaves_no_duplicate`: the controller is started with
//!   the hidden test-only faults (`ferry_controller::fault`): it dies once DigitalOcean executed
//!   its N-th call (N = 1, 2, …, the deploy run again each time until one completes), then —
//!   after a `ferry destroy` — just before or just after each write; the sandbox then holds no
//!   resource twice and a clean deploy has nothing left to do.

mod common;

use common::procs::{Cli, Proc, Serve, read_trimmed, wait_for};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// The example deployed: a VPC, a Kubernetes cluster, a database cluster with its db, user and
/// firewall, a container registry, a domain and its certificate, a project (its Kubernetes
/// objects are skipped by `ferry deploy`). Its instance id is `northwind` (`options.json`): the
/// domain (`orders.northwind.example`) and the registry (`ferry-northwind`) are named with it,
/// which is what lets the relay's Deploy policy accept them.
const EXAMPLE: &str = "ecs-fargate-app";
const INSTANCE: &str = "northwind";
/// How long the sandbox keeps new resources pending.
const SETTLE_MS: u64 = 20;

/// HTTP calls from the test itself (the sandbox's admin API, relayed calls as a provider makes
/// them, the appliance's state).
struct Http {
    rt: tokio::runtime::Runtime,
    client: reqwest::Client,
}

impl Http {
    fn new() -> Self {
        Self {
            rt: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime"),
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(60))
                .build()
                .expect("client"),
        }
    }

    fn call(&self, bearer: &str, method: &str, url: &str, body: Option<Value>) -> (u16, Value) {
        self.rt.block_on(async {
            let mut req = self
                .client
                .request(
                    reqwest::Method::from_bytes(method.as_bytes()).expect("method"),
                    url,
                )
                .bearer_auth(bearer)
                .header("user-agent", "Terraform/1.9.0 godo/1.150.0");
            if let Some(b) = body {
                req = req
                    .header("content-type", "application/json")
                    .body(b.to_string());
            }
            let res = req
                .send()
                .await
                .unwrap_or_else(|e| panic!("{method} {url}: {e}"));
            let status = res.status().as_u16();
            let bytes = res.bytes().await.expect("body");
            (
                status,
                serde_json::from_slice(&bytes).unwrap_or(Value::Null),
            )
        })
    }
}

/// One edge host, one customer, one appliance with its controller's keys and sealed tokens.
struct Appliance {
    serve: Serve,
    cli: Cli,
    http: Http,
    id: String,
    instance: String,
    release: String,
    vendor: PathBuf,
    customer: PathBuf,
    work: PathBuf,
    _tmp: tempfile::TempDir,
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

impl Appliance {
    /// Everything up to (not including) a running controller.
    fn set_up(instance: &str) -> Self {
        let tmp = tempfile::tempdir().expect("tmp");
        let work = tmp.path().join("work");
        std::fs::create_dir_all(&work).expect("mkdir");
        let serve = Serve::start(&tmp.path().join("data"), SETTLE_MS);
        let cli = Cli {
            server: serve.base.clone(),
            dir: work.clone(),
        };
        let vendor = serve.vendor_key();
        let v = Some(vendor.as_path());

        // Vendor: the appliance and its invitation.
        let a = cli.json(
            v,
            &[
                "appliance",
                "create",
                "--name",
                &format!("{instance} prod"),
                "--instance-id",
                instance,
                "--region",
                "nyc3",
                "--customer",
                &format!("{instance} Inc"),
            ],
        );
        let id = a["id"].as_str().expect("appliance id").to_string();
        let link = cli.ok(v, &["appliance", "invite", &id]).trim().to_string();

        // Customer: accept (the approval key is made here), the controller's key file, its keys
        // registered.
        cli.ok(
            None,
            &[
                "customer",
                "accept",
                &link,
                "--key-file",
                "approval.key",
                "--api-key-out",
                "customer.key",
            ],
        );
        let customer = work.join("customer.key");
        let c = Some(customer.as_path());
        let shown = cli.json(c, &["appliance", "show", &id]);
        let approval = shown["approval_key"]
            .as_str()
            .expect("the approval key is pinned")
            .to_string();
        let keys = cli.ok(
            None,
            &[
                "controller",
                "keygen",
                "--key-file",
                "controller.key",
                "--appliance",
                &id,
                "--instance-id",
                instance,
                "--approval-key",
                &approval,
            ],
        );
        let keys: Value = serde_json::from_str(&keys).expect("keygen prints JSON");
        cli.ok(
            c,
            &[
                "customer",
                "controller-keys",
                "--appliance",
                &id,
                "--signing-key",
                keys["signing_key"].as_str().expect("signing key"),
                "--sealing-key",
                keys["sealing_key"].as_str().expect("sealing key"),
            ],
        );

        // Vendor: the release, compiled for the appliance.
        let origin = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../examples")
            .join(EXAMPLE)
            .join("origin");
        let rel = cli.json(
            v,
            &[
                "release",
                "create",
                origin.to_str().expect("utf8"),
                "--appliance",
                &id,
                "--note",
                "v1",
            ],
        );
        assert_eq!(rel["deployable"], true, "{rel}");
        let release = rel["id"].as_str().expect("release id").to_string();

        // Customer: DigitalOcean tokens with the scopes the release's report asks for, made in
        // the sandbox (the customer's DigitalOcean account), sealed to the controller.
        let shown = cli.json(c, &["release", "show", &release]);
        let scopes = &shown["report"]["token_scopes"];
        let http = Http::new();
        let admin = serve.sandbox_admin_token();
        for (phase, key) in [("deploy", "deploy"), ("steady_state", "steady_state")] {
            let wanted = strings(&scopes[key]);
            assert!(!wanted.is_empty(), "the report names {key} scopes: {shown}");
            let (status, t) = http.call(
                &admin,
                "POST",
                &format!("{}/_sandbox/tokens", serve.sandbox),
                // DigitalOcean's own limit (250 a minute) would throttle the fault run's
                // dozens of deploys; the sandbox's 429s are tested in its own suite.
                Some(json!({"scopes": wanted, "expires_in_seconds": 86_400,
                    "rate_limit": {"per_hour": 100_000, "per_minute": 10_000}})),
            );
            assert_eq!(status, 201, "{t}");
            let file = work.join(format!("{phase}.token"));
            std::fs::write(&file, t["token"].as_str().expect("token")).expect("write");
            cli.ok(
                c,
                &[
                    "token",
                    "seal",
                    "--appliance",
                    &id,
                    "--phase",
                    phase,
                    "--token-file",
                    file.to_str().expect("utf8"),
                    "--scopes",
                    &wanted.join(","),
                    "--expires-in",
                    "1d",
                ],
            );
        }
        Self {
            serve,
            cli,
            http,
            id,
            instance: instance.to_string(),
            release,
            vendor,
            customer,
            work,
            _tmp: tmp,
        }
    }

    fn v(&self) -> Option<&Path> {
        Some(self.vendor.as_path())
    }

    fn c(&self) -> Option<&Path> {
        Some(self.customer.as_path())
    }

    /// `ferry controller` as its own process (`extra`: more flags), once the relay says it is
    /// connected.
    fn controller(&self, extra: &[&str]) -> Proc {
        let relay = self.serve.base.replace("http://", "ws://");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_ferry"));
        cmd.current_dir(&self.work)
            .args([
                "controller",
                "--relay",
                &relay,
                "--key-file",
                "controller.key",
                "--do-api",
                &self.serve.sandbox,
            ])
            .args(extra)
            .env("RUST_LOG", "ferry_controller=warn");
        let proc = Proc::spawn("ferry controller", cmd);
        wait_for(
            "the controller to connect",
            Duration::from_secs(30),
            || {
                if let Some(s) = proc.exited() {
                    panic!("the controller exited ({s}):\n{}", proc.log());
                }
                self.connected().then_some(())
            },
            || self.serve.proc.log(),
        );
        proc
    }

    /// Whether the appliance reports its controller connected.
    fn connected(&self) -> bool {
        let (status, a) = self.http.call(
            &read_trimmed(&self.vendor),
            "GET",
            &format!("{}/api/v1/appliances/{}", self.serve.base, self.id),
            None,
        );
        assert_eq!(status, 200, "{a}");
        a["controller_connected"] == true
    }

    /// A signed Deploy window of `duration`; returns the grant's id.
    fn grant(&self, duration: &str) -> String {
        let g = self.cli.json(
            self.c(),
            &[
                "grant",
                "--appliance",
                &self.id,
                "--phase",
                "deploy",
                "--duration",
                duration,
                "--key-file",
                "approval.key",
            ],
        );
        g["id"].as_str().expect("grant id").to_string()
    }

    /// A deploy session for the release; returns (credential file, credential).
    fn session(&self, name: &str) -> (PathBuf, String) {
        let credential = self
            .cli
            .ok(
                self.v(),
                &["session", "create", "--release", &self.release, "--quiet"],
            )
            .trim()
            .to_string();
        let file = self.work.join(name);
        std::fs::write(&file, format!("{credential}\n")).expect("write");
        (file, credential)
    }

    fn deploy_args(&self, session: &Path) -> Vec<String> {
        [
            "deploy",
            &self.release,
            "--server",
            &self.serve.base,
            "--session",
            session.to_str().expect("utf8"),
            "--api-key-file",
            self.vendor.to_str().expect("utf8"),
            "--poll-ms",
            "20",
            "--json",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }

    /// `ferry deploy <release>` to its end; returns the final report (the last JSON line).
    fn deploy(&self, session: &Path) -> Value {
        let args = self.deploy_args(session);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = self.cli.run(None, &args);
        let stdout = String::from_utf8_lossy(&o.stdout).into_owned();
        assert!(
            o.status.success(),
            "ferry deploy failed ({:?}):\n{stdout}\n{}",
            o.status.code(),
            String::from_utf8_lossy(&o.stderr)
        );
        let last = stdout.lines().last().unwrap_or("");
        serde_json::from_str(last).unwrap_or_else(|e| panic!("no report ({e}):\n{stdout}"))
    }

    /// Every resource in the sandbox: (kind, name, tags, id).
    fn resources(&self) -> Vec<(String, String, Vec<String>, String)> {
        let (status, v) = self.http.call(
            &self.serve.sandbox_admin_token(),
            "GET",
            &format!("{}/_sandbox/resources", self.serve.sandbox),
            None,
        );
        assert_eq!(status, 200, "{v}");
        v["resources"]
            .as_array()
            .expect("resources")
            .iter()
            .map(|r| {
                (
                    r["kind"].as_str().unwrap_or("").to_string(),
                    r["name"].as_str().unwrap_or("").to_string(),
                    strings(&r["tags"]),
                    match &r["id"] {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    },
                )
            })
            .collect()
    }

    /// The appliance's endpoint for a DigitalOcean path (`/v2/...`).
    fn relay(&self, path: &str) -> String {
        format!(
            "{}/relay/v1/appliances/{}/do{path}",
            self.serve.base, self.id
        )
    }

    fn audit_log(&self) -> String {
        self.cli.ok(
            self.c(),
            &["audit", "log", "--appliance", &self.id, "--limit", "1000"],
        )
    }
}

fn count(report: &Value, status: &str) -> usize {
    report["resources"]
        .as_array()
        .map(|a| a.iter().filter(|o| o["status"] == status).count())
        .unwrap_or(0)
}

fn requests(report: &Value) -> (u64, u64) {
    let r = &report["requests"];
    let n = |k: &str| r[k].as_u64().unwrap_or(0);
    let writes = n("post") + n("put") + n("patch") + n("delete");
    (n("get") + writes, writes)
}

/// Resources that belong to the instance: tagged `instance-id:<id>` or named with it.
fn belongs(instance: &str, name: &str, tags: &[String]) -> bool {
    tags.iter().any(|t| t == &format!("instance-id:{instance}")) || name.contains(instance)
}

/// Kinds DigitalOcean can tag (and the compiler tags).
const TAGGED_KINDS: &[&str] = &["droplet", "database", "k8s", "volume", "firewall"];

/// (kind, name) pairs that occur more than once. DNS records are left out: a domain's NS
/// records share the name `@` (the sandbox's listing has no record type or data to tell them
/// apart).
fn duplicates(resources: &[(String, String, Vec<String>, String)]) -> Vec<String> {
    let mut seen: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (kind, name, _, _) in resources.iter().filter(|r| r.0 != "record") {
        *seen.entry((kind.clone(), name.clone())).or_default() += 1;
    }
    seen.into_iter()
        .filter(|(_, n)| *n > 1)
        .map(|((k, n), c)| format!("{k} `{n}` ×{c}"))
        .collect()
}

#[test]
fn deploy_window_expiry_and_revocation() {
    let t0 = Instant::now();
    let app = Appliance::set_up(INSTANCE);
    let before: Vec<_> = app.resources();
    // Metrics are read with the Steady-state token every second.
    let _controller = app.controller(&["--metrics-interval", "1s"]);
    eprintln!("set up and connected in {:?}", t0.elapsed());

    // Deploy: a signed window, a session, `ferry deploy <release>`.
    let grant = app.grant("30m");
    let (session, credential) = app.session("session.cred");
    let t = Instant::now();
    let first = app.deploy(&session);
    let deploy_time = t.elapsed();
    let created = count(&first, "created");
    assert!(created >= 5, "the example's resources are created: {first}");
    assert_eq!(count(&first, "failed"), 0, "{first}");
    let (calls, writes) = requests(&first);
    eprintln!(
        "first deploy: {created} created, {calls} relayed calls ({writes} writes) in {deploy_time:?}"
    );

    // Everything it made is in the sandbox, tagged (where DigitalOcean tags) or named with the
    // instance id; nothing twice.
    let after = app.resources();
    let new: Vec<_> = after.iter().filter(|r| !before.contains(r)).collect();
    assert!(new.len() >= created, "{new:#?}");
    for (kind, name, tags, _) in &new {
        if kind == "record" {
            // The domain's own records (SOA, NS): inside the appliance's domain.
            continue;
        }
        assert!(
            belongs(&app.instance, name, tags),
            "{kind} `{name}` {tags:?} is not the appliance's"
        );
        if TAGGED_KINDS.contains(&kind.as_str()) {
            assert!(
                tags.contains(&format!("instance-id:{INSTANCE}")),
                "{kind} `{name}` lacks the tag: {tags:?}"
            );
        }
    }
    assert!(duplicates(&after).is_empty(), "{:?}", duplicates(&after));

    // A second deploy changes nothing and writes nothing.
    let second = app.deploy(&session);
    assert_eq!(count(&second, "created"), 0, "{second}");
    assert_eq!(count(&second, "updated"), 0, "{second}");
    assert_eq!(requests(&second).1, 0, "the second deploy wrote: {second}");
    assert_eq!(
        app.resources(),
        after,
        "the second deploy changed the sandbox"
    );

    // Outside the appliance's resources: a VPC named without the instance id, and a delete of a
    // droplet the customer made themselves — refused at the relay, DigitalOcean-shaped, audited.
    let (status, v) = app.http.call(
        &credential,
        "POST",
        &app.relay("/v2/vpcs"),
        Some(json!({"name": "rogue-net", "region": "nyc3", "ip_range": "10.99.0.0/16"})),
    );
    assert_eq!(status, 403, "{v}");
    assert_eq!(v["id"], "forbidden", "{v}");
    assert!(v["message"].as_str().is_some_and(|m| !m.is_empty()), "{v}");
    let (status, theirs) = app.http.call(
        &app.serve.sandbox_token(),
        "POST",
        &format!("{}/v2/droplets", app.serve.sandbox),
        Some(
            json!({"name": "billing", "region": "nyc3", "size": "s-1vcpu-1gb",
            "image": "ubuntu-24-04-x64", "tags": ["prod"]}),
        ),
    );
    assert_eq!(status, 202, "{theirs}");
    let theirs = theirs["droplet"]["id"].as_u64().expect("droplet id");
    let (status, v) = app.http.call(
        &credential,
        "DELETE",
        &app.relay(&format!("/v2/droplets/{theirs}")),
        None,
    );
    assert_eq!(status, 403, "{v}");
    assert_eq!(v["id"], "forbidden", "{v}");
    assert!(
        app.resources()
            .iter()
            .any(|(k, n, _, _)| k == "droplet" && n == "billing"),
        "the customer's droplet is still there"
    );
    assert!(
        !app.resources().iter().any(|(_, n, _, _)| n == "rogue-net"),
        "no rogue VPC"
    );
    let log = wait_for(
        "the refusals in the audit log",
        Duration::from_secs(10),
        || {
            let log = app.audit_log();
            (log.contains("POST /v2/vpcs")
                && log.contains(&format!("DELETE /v2/droplets/{theirs}")))
            .then_some(log)
        },
        String::new,
    );
    assert!(log.contains("relay.refused"), "{log}");
    assert!(
        log.lines()
            .any(|l| l.contains("relay.refused") && l.contains("POST /v2/vpcs")),
        "{log}"
    );
    assert!(
        app.cli
            .ok(app.v(), &["audit", "verify"])
            .contains("verified")
    );

    // Revocation: reads go on through the open session until the customer revokes the grant;
    // measured from the revoke's completion to the first refused relayed call.
    let (status, v) = app
        .http
        .call(&credential, "GET", &app.relay("/v2/vpcs"), None);
    assert_eq!(status, 200, "{v}");
    app.cli.ok(app.c(), &["revoke", &grant]);
    let revoked_at = Instant::now();
    let refused = wait_for(
        "a relayed call refused after the revocation",
        Duration::from_secs(5),
        || {
            let (status, v) = app
                .http
                .call(&credential, "GET", &app.relay("/v2/vpcs"), None);
            (status != 200).then_some((status, v))
        },
        String::new,
    );
    let cut = revoked_at.elapsed();
    assert_eq!(refused.0, 401, "{}", refused.1);
    assert_eq!(refused.1["id"], "unauthorized");
    eprintln!("revocation cut-off: {cut:?} from `ferry revoke` returning to the first 401");
    assert!(cut < Duration::from_secs(1), "cut after {cut:?}");

    // Expiry: a short window; once it ends, writes are refused and reads fall back to the
    // Steady-state token.
    let window = Duration::from_secs(12);
    let _short = app.grant("12s");
    let granted_at = Instant::now();
    let (_, late) = app.session("late.cred");
    let (status, v) = app.http.call(&late, "GET", &app.relay("/v2/vpcs"), None);
    assert_eq!(status, 200, "inside the window: {v}");
    std::thread::sleep(window.saturating_sub(granted_at.elapsed()) + Duration::from_millis(500));
    let (status, v) = app.http.call(
        &late,
        "POST",
        &app.relay("/v2/vpcs"),
        Some(json!({"name": "late-northwind", "region": "nyc3", "ip_range": "10.98.0.0/16"})),
    );
    assert_eq!(status, 403, "a write after the window: {v}");
    assert_eq!(v["id"], "forbidden");
    let (status, v) = app.http.call(&late, "GET", &app.relay("/v2/vpcs"), None);
    assert_eq!(status, 200, "a read after the window (Steady-state): {v}");
    assert!(
        v["vpcs"].as_array().is_some_and(|a| a
            .iter()
            .any(|x| x["name"].as_str().is_some_and(|n| n.contains(INSTANCE)))),
        "{v}"
    );
    // Metrics keep arriving after the window: the controller's Steady-state collection does not
    // depend on a Deploy window.
    let collected = |app: &Appliance| {
        let (status, m) = app.http.call(
            &read_trimmed(&app.vendor),
            "GET",
            &format!("{}/api/v1/appliances/{}/metrics", app.serve.base, app.id),
            None,
        );
        assert_eq!(status, 200, "{m}");
        m["collected_at_ms"].as_i64()
    };
    let first = wait_for(
        "metrics after the window",
        Duration::from_secs(20),
        || collected(&app),
        || app.serve.proc.log(),
    );
    let later = wait_for(
        "newer metrics after the window",
        Duration::from_secs(20),
        || collected(&app).filter(|t| *t > first),
        || app.serve.proc.log(),
    );
    eprintln!(
        "metrics after the window: collected at {first}, then {later} (+{} ms)",
        later - first
    );
    let log = app.audit_log();
    assert!(log.contains("POST /v2/vpcs → 403"), "{log}");
    assert!(
        app.cli
            .ok(app.v(), &["audit", "verify"])
            .contains("verified")
    );
    eprintln!("whole run: {:?}", t0.elapsed());
}

/// Runs `ferry deploy` (with `args`) again and again, each time with a controller started with
/// the fault flags `fault(run)` (run = 0, 1, …), killing the deploy when its controller dies,
/// until a deploy completes. Returns its report and where each controller died.
fn until_deployed(
    app: &Appliance,
    args: &[String],
    fault: impl Fn(usize) -> Vec<String>,
) -> (Value, Vec<String>) {
    let mut killed_at: Vec<String> = Vec::new();
    for run in 0..400 {
        // No metrics collection: its reads would move the fault's call count.
        let mut flags = fault(run);
        flags.extend(["--metrics-interval".to_string(), "off".to_string()]);
        let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
        let t = Instant::now();
        let controller = app.controller(&flags);
        let connected_in = t.elapsed();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_ferry"));
        cmd.current_dir(&app.work)
            .args(args)
            .env_remove("FERRY_API_KEY")
            .env_remove("FERRY_API_KEY_FILE");
        let deploy = Proc::spawn("ferry deploy", cmd);
        let outcome = wait_for(
            "the deploy to end or the controller to die",
            Duration::from_secs(120),
            || {
                if let Some(s) = controller.exited() {
                    return Some(Err(s));
                }
                match deploy.exited() {
                    // The controller may have died just before: look again.
                    Some(s) if !s.success() => {
                        std::thread::sleep(Duration::from_millis(100));
                        Some(controller.exited().map_or(Ok(s), Err))
                    }
                    other => other.map(Ok),
                }
            },
            || format!("{}\n{}", controller.log(), deploy.log()),
        );
        match outcome {
            Err(status) => {
                // The controller died where it was told to: the deploy is cut off too.
                assert_eq!(status.code(), Some(86), "{}", controller.log());
                deploy.kill();
                // The exit can be seen before the reader thread has taken the last log lines.
                let point = wait_for(
                    "the controller's fault message",
                    Duration::from_secs(5),
                    || {
                        controller
                            .log()
                            .lines()
                            .find_map(|l| l.split_once("injected fault: exiting "))
                            .map(|(_, at)| at.to_string())
                    },
                    || controller.log(),
                );
                eprintln!(
                    "run {run}: connected in {connected_in:?}, killed at {:?}: {point}",
                    t.elapsed()
                );
                killed_at.push(point);
                wait_for(
                    "the relay to notice the controller is gone",
                    Duration::from_secs(10),
                    || (!app.connected()).then_some(()),
                    || app.serve.proc.log(),
                );
            }
            Ok(status) => {
                assert!(
                    status.success(),
                    "the deploy failed while its controller lived ({status}):\n{}\n{}",
                    deploy.log(),
                    controller.log()
                );
                let log = deploy.log();
                let last = log
                    .lines()
                    .rev()
                    .find(|l| l.starts_with("{\"instance_id\""))
                    .unwrap_or("")
                    .to_string();
                let report = serde_json::from_str::<Value>(&last)
                    .unwrap_or_else(|e| panic!("no report ({e}):\n{log}"));
                return (report, killed_at);
            }
        }
    }
    panic!("no deploy completed after 400 faults: {killed_at:#?}");
}

/// No resource twice; every one of the instance's taggable resources tagged.
fn assert_no_duplicates(app: &Appliance, after: &str) -> usize {
    let resources = app.resources();
    assert!(
        duplicates(&resources).is_empty(),
        "duplicates after {after}: {:?}",
        duplicates(&resources)
    );
    let mine: Vec<_> = resources
        .iter()
        .filter(|(kind, name, tags, _)| kind != "record" && belongs(INSTANCE, name, tags))
        .collect();
    assert!(mine.len() >= 5, "{resources:#?}");
    for (kind, name, tags, _) in &mine {
        if TAGGED_KINDS.contains(&kind.as_str()) {
            assert!(
                tags.contains(&format!("instance-id:{INSTANCE}")),
                "{kind} `{name}` lacks the tag: {tags:?}"
            );
        }
    }
    mine.len()
}

#[test]
fn killing_the_controller_at_every_call_leaves_no_duplicate() {
    let t0 = Instant::now();
    let app = Appliance::set_up(INSTANCE);
    app.grant("30m");
    let (session, _) = app.session("session.cred");

    // 1. Every call: run N's controller dies once DigitalOcean has executed its N-th call (its
    //    own ownership reads and look-ups count), one call at a time so that "the N-th call" is
    //    one point of the deploy's progress.
    let mut args = app.deploy_args(&session);
    args.extend(["--parallelism".to_string(), "1".to_string()]);
    let (report, by_call) = until_deployed(&app, &args, |run| {
        vec!["--exit-after-call".into(), (run + 1).to_string()]
    });
    assert!(by_call.len() >= 5, "{by_call:#?}");
    assert_eq!(count(&report, "failed"), 0, "{report}");
    let made = assert_no_duplicates(&app, &format!("{} kills at calls", by_call.len()));
    eprintln!("fault run by calls done at {:?}", t0.elapsed());

    // `ferry destroy` through the relay leaves nothing of the appliance.
    let _clean = app.controller(&["--metrics-interval", "off"]);
    let mut destroy = app.deploy_args(&session);
    destroy[0] = "destroy".into();
    let destroy: Vec<&str> = destroy.iter().map(String::as_str).collect();
    let o = app.cli.run(None, &destroy);
    assert!(
        o.status.success(),
        "ferry destroy failed:\n{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    let left: Vec<_> = app
        .resources()
        .into_iter()
        .filter(|(kind, name, tags, _)| {
            kind != "record" && kind != "tag" && belongs(INSTANCE, name, tags)
        })
        .collect();
    assert!(left.is_empty(), "left after destroy: {left:#?}");
    drop(_clean);
    wait_for(
        "the clean controller to be gone",
        Duration::from_secs(10),
        || (!app.connected()).then_some(()),
        String::new,
    );

    eprintln!("destroyed at {:?}", t0.elapsed());
    // 2. Every write, on both sides: each run dies just before its first write (nothing
    //    changes) or just after DigitalOcean executed it (its answer lost); the next run resumes
    //    from whatever happened. Four at a time, as a deploy runs by default.
    let args = app.deploy_args(&session);
    let (report, by_write) = until_deployed(&app, &args, |run| {
        let side = if run % 2 == 0 {
            "--exit-before-write"
        } else {
            "--exit-after-write"
        };
        vec![side.into(), "1".into()]
    });
    assert_eq!(count(&report, "failed"), 0, "{report}");
    let lost: Vec<&String> = by_write
        .iter()
        .filter(|p| p.starts_with("after DigitalOcean write"))
        .collect();
    let creates = lost.iter().filter(|p| p.contains("(POST ")).count();
    assert!(
        creates >= 5,
        "too few creates were cut off after they happened: {by_write:#?}"
    );
    let made_again = assert_no_duplicates(&app, &format!("{} kills at writes", by_write.len()));
    assert_eq!(made, made_again, "the same resources, once each");

    // And a clean deploy afterwards has nothing to do.
    let _controller = app.controller(&["--metrics-interval", "off"]);
    let again = app.deploy(&session);
    assert_eq!(count(&again, "created"), 0, "{again}");
    assert_eq!(requests(&again).1, 0, "{again}");
    eprintln!("killed at calls: {by_call:#?}\nkilled at writes: {by_write:#?}");
    eprintln!(
        "fault run: {} kills after a call (deploy completed on run {}), destroy, {} kills around \
         writes ({} creates lost after DigitalOcean made them); {made} resources, no duplicate; {:?}",
        by_call.len(),
        by_call.len() + 1,
        by_write.len(),
        creates,
        t0.elapsed()
    );
}
