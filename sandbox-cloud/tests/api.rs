//! The sandbox cloud through its router: every resource type's lifecycle, DigitalOcean's
//! envelopes and status codes, tokens and scopes, validation, settling over time, rate limits,
//! pagination, tag filtering, persistence.

mod common;

use common::{ADMIN, T, config};
use ferry_sandbox_cloud::RateLimit;
use serde_json::{Value, json};
use std::time::Duration;

fn region() -> &'static str {
    "nyc3"
}

fn pool(name: &str, count: u32) -> Value {
    json!({"name": name, "size": "s-2vcpu-4gb", "count": count})
}

fn lb_body(name: &str, vpc: &str) -> Value {
    json!({"name": name, "region": region(), "vpc_uuid": vpc,
        "forwarding_rules": [{"entry_protocol": "http", "entry_port": 80, "target_protocol": "http", "target_port": 8080}]})
}

/// Every resource type: create, get, list (envelope + meta), update where DigitalOcean has it,
/// delete, and 404 afterwards.
#[tokio::test]
async fn lifecycle_of_every_resource_type() {
    let t = T::new().await;
    let tag = "instance-id:acme";

    // VPC
    let vpc = t
        .ok(
            "/v2/vpcs",
            json!({"name": "acme-vpc", "region": region(), "ip_range": "10.20.0.0/16"}),
            201,
        )
        .await;
    let vpc_id = vpc["vpc"]["id"].as_str().expect("vpc id").to_string();
    assert_eq!(vpc["vpc"]["urn"], format!("do:vpc:{vpc_id}"));
    assert_eq!(vpc["vpc"]["default"], false);
    let r = t
        .req(
            "PATCH",
            &format!("/v2/vpcs/{vpc_id}"),
            Some(&t.token),
            Some(json!({"description": "d"})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["vpc"]["description"], "d");

    // Droplet (integer id) with a volume, ssh key, tags
    let key = t
        .ok("/v2/account/keys", json!({"name": "k", "public_key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHh1c2VyIGtleSBmb3IgdGVzdHM= me"}), 201)
        .await;
    let key_id = key["ssh_key"]["id"].as_i64().expect("key id");
    let d = t
        .ok(
            "/v2/droplets",
            json!({"name": "web-1", "region": region(), "size": "s-1vcpu-1gb",
            "image": "ubuntu-24-04-x64", "vpc_uuid": vpc_id, "ssh_keys": [key_id], "tags": [tag]}),
            202,
        )
        .await;
    let droplet = d["droplet"]["id"]
        .as_i64()
        .expect("droplet id is an integer");
    assert_eq!(d["droplet"]["status"], "new");
    assert_eq!(d["links"]["actions"][0]["rel"], "create");
    let vol = t
        .ok("/v2/volumes", json!({"name": "data", "region": region(), "size_gigabytes": 10, "tags": [tag], "filesystem_type": "ext4"}), 201)
        .await;
    let vol_id = vol["volume"]["id"].as_str().expect("volume id").to_string();
    assert_eq!(vol_id.len(), 36, "volumes have UUIDs");
    let a = t
        .ok(
            &format!("/v2/volumes/{vol_id}/actions"),
            json!({"type": "attach", "droplet_id": droplet, "region": region()}),
            202,
        )
        .await;
    assert_eq!(a["action"]["type"], "attach_volume");
    assert_eq!(a["action"]["status"], "in-progress");
    let r = t.get(&format!("/v2/droplets/{droplet}")).await;
    assert_eq!(r.body["droplet"]["volume_ids"], json!([vol_id]));

    // Kubernetes cluster + node pool
    let k = t
        .ok(
            "/v2/kubernetes/clusters",
            json!({"name": "acme-k8s", "region": region(), "version": "1.31",
            "vpc_uuid": vpc_id, "tags": [tag], "node_pools": [pool("general", 2)]}),
            201,
        )
        .await;
    let cluster = k["kubernetes_cluster"]["id"]
        .as_str()
        .expect("cluster id")
        .to_string();
    assert!(
        k["kubernetes_cluster"]["version"]
            .as_str()
            .expect("v")
            .starts_with("1.31.")
    );
    assert_eq!(
        k["kubernetes_cluster"]["node_pools"][0]["nodes"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    let np = t
        .ok(
            &format!("/v2/kubernetes/clusters/{cluster}/node_pools"),
            pool("jobs", 1),
            201,
        )
        .await;
    let np_id = np["node_pool"]["id"].as_str().expect("pool id").to_string();
    let r = t
        .put(
            &format!("/v2/kubernetes/clusters/{cluster}/node_pools/{np_id}"),
            json!({"name": "jobs", "count": 3}),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.text);
    assert_eq!(
        r.body["node_pool"]["nodes"].as_array().map(Vec::len),
        Some(3)
    );
    let r = t
        .get(&format!("/v2/kubernetes/clusters/{cluster}/kubeconfig"))
        .await;
    assert_eq!(r.status, 200);
    assert!(
        r.text.contains("kind: Config") && r.text.contains("server: https://"),
        "{}",
        r.text
    );
    let r = t
        .get(&format!("/v2/kubernetes/clusters/{cluster}/credentials"))
        .await;
    assert!(r.body["token"].as_str().is_some_and(|s| !s.is_empty()));
    let r = t.get("/v2/kubernetes/options").await;
    assert!(
        r.body["options"]["versions"]
            .as_array()
            .is_some_and(|v| !v.is_empty())
    );

    // Database cluster with db, user, pool, firewall; a valkey cluster with eviction policy
    let db = t
        .ok("/v2/databases", json!({"name": "acme-db", "engine": "pg", "version": "16", "region": region(),
            "size": "db-s-2vcpu-4gb", "num_nodes": 2, "private_network_uuid": vpc_id, "tags": [tag]}), 201)
        .await;
    let db_id = db["database"]["id"].as_str().expect("db id").to_string();
    assert_eq!(db["database"]["status"], "creating");
    assert_eq!(db["database"]["db_names"], json!(["defaultdb"]));
    t.ok(
        &format!("/v2/databases/{db_id}/dbs"),
        json!({"name": "app"}),
        201,
    )
    .await;
    let u = t
        .ok(
            &format!("/v2/databases/{db_id}/users"),
            json!({"name": "app"}),
            201,
        )
        .await;
    assert!(
        u["user"]["password"]
            .as_str()
            .is_some_and(|p| p.len() >= 16)
    );
    let p = t
        .ok(
            &format!("/v2/databases/{db_id}/pools"),
            json!({"name": "p1", "mode": "transaction", "size": 10, "db": "app", "user": "app"}),
            201,
        )
        .await;
    assert_eq!(p["pool"]["connection"]["database"], "p1");
    let r = t
        .put(&format!("/v2/databases/{db_id}/firewall"), json!({"rules": [{"type": "k8s", "value": cluster}, {"type": "ip_addr", "value": "10.0.0.0/8"}]}))
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    let r = t.get(&format!("/v2/databases/{db_id}/firewall")).await;
    assert_eq!(r.body["rules"].as_array().map(Vec::len), Some(2));
    assert_eq!(r.body["rules"][0]["cluster_uuid"], db_id);
    let r = t.get("/v2/databases/options").await;
    assert!(r.body["options"]["pg"]["versions"].as_array().is_some());
    let cache = t
        .ok("/v2/databases", json!({"name": "acme-cache", "engine": "valkey", "region": region(), "size": "db-s-1vcpu-1gb", "num_nodes": 1}), 201)
        .await;
    let cache_id = cache["database"]["id"].as_str().expect("id").to_string();
    let r = t
        .put(
            &format!("/v2/databases/{cache_id}/eviction_policy"),
            json!({"eviction_policy": "allkeys_lru"}),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    let r = t
        .get(&format!("/v2/databases/{cache_id}/eviction_policy"))
        .await;
    assert_eq!(r.body["eviction_policy"], "allkeys_lru");
    let r = t
        .post(
            &format!("/v2/databases/{cache_id}/dbs"),
            json!({"name": "x"}),
        )
        .await;
    assert_eq!(r.status, 422, "valkey has no databases: {}", r.text);

    // Domain, records, Let's Encrypt certificate (needs the domain), load balancer using it
    let dom = t
        .ok("/v2/domains", json!({"name": "acme.example.com"}), 201)
        .await;
    assert_eq!(dom["domain"]["name"], "acme.example.com");
    let rec = t
        .ok(
            "/v2/domains/acme.example.com/records",
            json!({"type": "A", "name": "www", "data": "198.18.0.10", "ttl": 300}),
            201,
        )
        .await;
    let rec_id = rec["domain_record"]["id"]
        .as_i64()
        .expect("record ids are integers");
    let r = t
        .put(
            &format!("/v2/domains/acme.example.com/records/{rec_id}"),
            json!({"type": "A", "data": "198.18.0.11"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["domain_record"]["data"], "198.18.0.11");
    let r = t.get("/v2/domains/acme.example.com").await;
    assert!(
        r.body["domain"]["zone_file"]
            .as_str()
            .is_some_and(|z| z.contains("www.acme.example.com. 300 IN A 198.18.0.11")),
        "{}",
        r.text
    );
    let cert = t
        .ok("/v2/certificates", json!({"name": "acme-cert", "type": "lets_encrypt", "dns_names": ["acme.example.com", "*.acme.example.com"]}), 201)
        .await;
    let cert_id = cert["certificate"]["id"]
        .as_str()
        .expect("cert id")
        .to_string();
    let mut lb = lb_body("acme-lb", &vpc_id);
    lb["forwarding_rules"]
        .as_array_mut()
        .expect("rules")
        .push(json!({"entry_protocol": "https", "entry_port": 443, "target_protocol": "http", "target_port": 8080, "certificate_name": "acme-cert"}));
    lb["droplet_ids"] = json!([droplet]);
    let l = t.ok("/v2/load_balancers", lb, 202).await;
    let lb_id = l["load_balancer"]["id"]
        .as_str()
        .expect("lb id")
        .to_string();
    assert_eq!(
        l["load_balancer"]["forwarding_rules"][1]["certificate_id"],
        cert_id
    );

    // Registry, project with resources, firewall, reserved IP, tag, alert policy
    let reg = t
        .ok(
            "/v2/registry",
            json!({"name": "acme", "subscription_tier_slug": "basic"}),
            201,
        )
        .await;
    assert_eq!(reg["registry"]["subscription"]["tier"]["slug"], "basic");
    let r = t.get("/v2/registry/docker-credentials").await;
    assert!(r.body["auths"]["registry.digitalocean.com"]["auth"].is_string());
    let proj = t
        .ok(
            "/v2/projects",
            json!({"name": "acme", "purpose": "Web Application", "environment": "Production"}),
            201,
        )
        .await;
    let proj_id = proj["project"]["id"]
        .as_str()
        .expect("project id")
        .to_string();
    let urns = json!([
        format!("do:droplet:{droplet}"),
        format!("do:dbaas:{db_id}"),
        format!("do:kubernetes:{cluster}"),
        format!("do:loadbalancer:{lb_id}"),
        format!("do:volume:{vol_id}"),
        "do:domain:acme.example.com",
        "do:space:acme-assets"
    ]);
    let r = t
        .ok(
            &format!("/v2/projects/{proj_id}/resources"),
            json!({"resources": urns}),
            200,
        )
        .await;
    assert_eq!(r["resources"].as_array().map(Vec::len), Some(7));
    let r = t.get(&format!("/v2/projects/{proj_id}/resources")).await;
    assert_eq!(r.body["meta"]["total"], 7);
    let fw = t
        .ok("/v2/firewalls", json!({"name": "acme-web", "droplet_ids": [droplet],
            "inbound_rules": [{"protocol": "tcp", "ports": "443", "sources": {"addresses": ["0.0.0.0/0"]}}],
            "outbound_rules": [{"protocol": "tcp", "ports": "all", "destinations": {"addresses": ["0.0.0.0/0"]}}]}), 202)
        .await;
    let fw_id = fw["firewall"]["id"].as_str().expect("fw id").to_string();
    assert_eq!(fw["firewall"]["status"], "waiting");
    let r = t.get(&format!("/v2/droplets/{droplet}/firewalls")).await;
    assert_eq!(r.body["firewalls"][0]["id"], fw_id);
    let ip = t
        .ok("/v2/reserved_ips", json!({"region": region()}), 202)
        .await;
    let addr = ip["reserved_ip"]["ip"].as_str().expect("ip").to_string();
    let r = t.get(&format!("/v2/reserved_ips/{addr}")).await;
    assert_eq!(r.status, 200);
    t.ok("/v2/tags", json!({"name": "extra"}), 201).await;
    let r = t
        .post("/v2/tags/extra/resources", json!({"resources": [{"resource_id": droplet.to_string(), "resource_type": "droplet"}]}))
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    let alert = t
        .ok("/v2/monitoring/alerts", json!({"type": "v1/insights/droplet/cpu", "description": "cpu", "compare": "GreaterThan",
            "value": 80, "window": "5m", "entities": [droplet.to_string()], "tags": [], "alerts": {"email": ["ops@example.com"]}, "enabled": true}), 200)
        .await;
    let alert_id = alert["policy"]["uuid"]
        .as_str()
        .expect("alert uuid")
        .to_string();

    // Once everything settled: reserved IP assignment, lists carry meta.total
    t.advance(2_000);
    let r = t
        .post(
            &format!("/v2/reserved_ips/{addr}/actions"),
            json!({"type": "assign", "droplet_id": droplet}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    for (path, key, n) in [
        ("/v2/droplets", "droplets", 1),
        ("/v2/volumes", "volumes", 1),
        ("/v2/kubernetes/clusters", "kubernetes_clusters", 1),
        ("/v2/load_balancers", "load_balancers", 1),
        ("/v2/domains", "domains", 1),
        ("/v2/certificates", "certificates", 1),
        ("/v2/firewalls", "firewalls", 1),
        ("/v2/reserved_ips", "reserved_ips", 1),
        ("/v2/monitoring/alerts", "policies", 1),
        ("/v2/account/keys", "ssh_keys", 1),
        ("/v2/projects", "projects", 2),
    ] {
        let r = t.get(path).await;
        assert_eq!(r.status, 200, "{path}: {}", r.text);
        assert_eq!(
            r.body[key].as_array().map(Vec::len),
            Some(n),
            "{path}: {}",
            r.text
        );
        assert_eq!(r.body["meta"]["total"], n, "{path}");
        assert_eq!(r.body["links"], json!({"pages": {}}), "{path}");
    }
    let r = t.get("/v2/databases").await;
    assert_eq!(r.body["databases"].as_array().map(Vec::len), Some(2));

    // Deleting: a VPC with members is refused; then everything goes, and is gone.
    let r = t.delete(&format!("/v2/vpcs/{vpc_id}")).await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert_eq!(r.body["id"], "forbidden");
    let r = t.delete(&format!("/v2/volumes/{vol_id}")).await;
    assert_eq!(
        r.status, 409,
        "an attached volume cannot be deleted: {}",
        r.text
    );
    t.ok(
        &format!("/v2/volumes/{vol_id}/actions"),
        json!({"type": "detach", "droplet_id": droplet}),
        202,
    )
    .await;
    let r = t.delete(&format!("/v2/certificates/{cert_id}")).await;
    assert_eq!(
        r.status, 422,
        "a certificate in use by a load balancer: {}",
        r.text
    );
    let r = t.delete(&format!("/v2/projects/{proj_id}")).await;
    assert_eq!(r.status, 412, "a project with resources: {}", r.text);
    // The bucket (not simulated) goes back to the default project; the rest is deleted below.
    t.ok(
        "/v2/projects/default/resources",
        json!({"resources": ["do:space:acme-assets"]}),
        200,
    )
    .await;
    for path in [
        format!("/v2/monitoring/alerts/{alert_id}"),
        format!("/v2/reserved_ips/{addr}"),
        format!("/v2/firewalls/{fw_id}"),
        format!("/v2/load_balancers/{lb_id}"),
        format!("/v2/certificates/{cert_id}"),
        format!("/v2/domains/acme.example.com/records/{rec_id}"),
        "/v2/domains/acme.example.com".to_string(),
        format!("/v2/databases/{db_id}/pools/p1"),
        format!("/v2/databases/{db_id}/users/app"),
        format!("/v2/databases/{db_id}/dbs/app"),
        format!("/v2/databases/{db_id}"),
        format!("/v2/databases/{cache_id}"),
        format!("/v2/kubernetes/clusters/{cluster}/node_pools/{np_id}"),
        format!("/v2/kubernetes/clusters/{cluster}"),
        format!("/v2/volumes/{vol_id}"),
        format!("/v2/droplets/{droplet}"),
        format!("/v2/account/keys/{key_id}"),
        "/v2/tags/extra".to_string(),
        "/v2/registry".to_string(),
        format!("/v2/projects/{proj_id}"),
        format!("/v2/vpcs/{vpc_id}"),
    ] {
        let r = t.delete(&path).await;
        assert_eq!(r.status, 204, "DELETE {path}: {}", r.text);
        assert!(r.text.is_empty(), "204 has no body");
        let r = t.get(&path).await;
        assert_eq!(r.status, 404, "GET {path} after delete: {}", r.text);
        assert_eq!(r.body["id"], "not_found");
        assert!(r.body["request_id"].is_string());
    }
}

#[tokio::test]
async fn account_regions_sizes() {
    let t = T::new().await;
    let r = t.get("/v2/account").await;
    assert_eq!(r.body["account"]["droplet_limit"], 25);
    assert_eq!(r.body["account"]["status"], "active");
    let r = t.get("/v2/regions?per_page=200").await;
    assert!(
        r.body["regions"]
            .as_array()
            .is_some_and(|a| a.iter().any(|x| x["slug"] == "nyc3"))
    );
    let r = t.get("/v2/sizes?per_page=200").await;
    let sizes = r.body["sizes"].as_array().expect("sizes");
    assert!(
        sizes
            .iter()
            .any(|x| x["slug"] == "s-2vcpu-4gb" && x["memory"] == 4096 && x["vcpus"] == 2)
    );
}

#[tokio::test]
#[allow(clippy::type_complexity)]
async fn tokens_expiry_and_scopes() {
    let t = T::new().await;
    let reader = t.token(&["vpc:read"], None, None).await;
    let read_only = t.token(&["read"], None, None).await;
    let short = t.token(&["*"], Some(Duration::from_secs(60)), None).await;
    let body = json!({"name": "v", "region": "nyc3"});
    let cases: Vec<(&str, &str, Option<&str>, Option<Value>, u16, &str)> = vec![
        ("GET", "/v2/vpcs", None, None, 401, "unauthorized"),
        (
            "GET",
            "/v2/vpcs",
            Some("dop_v1_unknown"),
            None,
            401,
            "unauthorized",
        ),
        ("GET", "/v2/vpcs", Some(&reader), None, 200, ""),
        (
            "POST",
            "/v2/vpcs",
            Some(&reader),
            Some(body.clone()),
            403,
            "forbidden",
        ),
        ("GET", "/v2/droplets", Some(&reader), None, 403, "forbidden"),
        ("GET", "/v2/droplets", Some(&read_only), None, 200, ""),
        (
            "POST",
            "/v2/vpcs",
            Some(&read_only),
            Some(body.clone()),
            403,
            "forbidden",
        ),
        ("GET", "/v2/vpcs", Some(&short), None, 200, ""),
    ];
    for (m, p, tok, b, status, id) in cases {
        let r = t.req(m, p, tok, b).await;
        assert_eq!(r.status.as_u16(), status, "{m} {p}: {}", r.text);
        if !id.is_empty() {
            assert_eq!(r.body["id"], id, "{m} {p}");
            assert!(r.body["message"].is_string() && r.body["request_id"].is_string());
        }
    }
    let r = t.req("POST", "/v2/vpcs", Some(&reader), Some(body)).await;
    assert!(
        r.body["message"]
            .as_str()
            .is_some_and(|m| m.contains("vpc:create")),
        "{}",
        r.text
    );
    // The short token expires; the error never echoes the token.
    t.advance(60_000);
    let r = t.req("GET", "/v2/vpcs", Some(&short), None).await;
    assert_eq!(r.status, 401);
    assert_eq!(r.body["id"], "unauthorized");
    assert!(!r.text.contains(&short));
}

#[tokio::test]
async fn validation_from_the_spec_and_the_slugs() {
    let t = T::new().await;
    t.ok("/v2/vpcs", json!({"name": "taken", "region": "nyc3"}), 201)
        .await;
    t.ok("/v2/databases", json!({"name": "db-taken", "engine": "pg", "region": "nyc3", "size": "db-s-1vcpu-1gb", "num_nodes": 1}), 201).await;
    let k8s = |over: Value| {
        let mut b = json!({"name": "k", "region": "nyc3", "version": "latest", "node_pools": [pool("p", 1)]});
        if let (Some(o), Some(v)) = (b.as_object_mut(), over.as_object()) {
            for (k, x) in v {
                o.insert(k.clone(), x.clone());
            }
        }
        b
    };
    let cases: Vec<(&str, Value, u16, &str)> = vec![
        (
            "/v2/vpcs",
            json!({"name": "a"}),
            422,
            "`region` is required",
        ),
        (
            "/v2/vpcs",
            json!({"name": "a", "region": "mars1"}),
            422,
            "`mars1` is not a DigitalOcean region",
        ),
        (
            "/v2/vpcs",
            json!({"name": "taken", "region": "nyc3"}),
            422,
            "already exists",
        ),
        (
            "/v2/vpcs",
            json!({"name": "bad name", "region": "nyc3"}),
            422,
            "does not match the pattern",
        ),
        (
            "/v2/vpcs",
            json!({"name": "o", "region": "nyc3", "ip_range": "8.8.0.0/16"}),
            422,
            "not a private",
        ),
        (
            "/v2/databases",
            json!({"name": "d", "engine": "oracle", "region": "nyc3", "size": "db-s-1vcpu-1gb", "num_nodes": 1}),
            422,
            "\"oracle\" is not one of",
        ),
        (
            "/v2/databases",
            json!({"name": "d", "engine": "pg", "version": "9", "region": "nyc3", "size": "db-s-1vcpu-1gb", "num_nodes": 1}),
            422,
            "pg 9 is not offered",
        ),
        (
            "/v2/databases",
            json!({"name": "d", "engine": "pg", "region": "nyc3", "size": "db-s-1vcpu-1gb", "num_nodes": 2}),
            422,
            "`num_nodes`",
        ),
        (
            "/v2/databases",
            json!({"name": "db-taken", "engine": "pg", "region": "nyc3", "size": "db-s-1vcpu-1gb", "num_nodes": 1}),
            422,
            "already exists",
        ),
        (
            "/v2/databases",
            json!({"name": "d", "engine": "pg", "region": "nyc3", "size": "db-s-1vcpu-1gb"}),
            422,
            "`num_nodes` is required",
        ),
        (
            "/v2/kubernetes/clusters",
            k8s(json!({"version": "1.12"})),
            422,
            "not a supported Kubernetes version",
        ),
        (
            "/v2/kubernetes/clusters",
            k8s(json!({"region": "nyc2"})),
            422,
            "does not offer Kubernetes",
        ),
        (
            "/v2/kubernetes/clusters",
            k8s(json!({"node_pools": [{"name": "p", "size": "huge", "count": 1}]})),
            422,
            "not a droplet size slug",
        ),
        (
            "/v2/kubernetes/clusters",
            k8s(json!({"node_pools": []})),
            422,
            "at least one node pool",
        ),
        (
            "/v2/droplets",
            json!({"name": "d", "size": "s-1vcpu-1gb", "image": "windows-11"}),
            422,
            "invalid image",
        ),
        (
            "/v2/droplets",
            json!({"name": "d", "size": 1, "image": "ubuntu-24-04-x64"}),
            400,
            "`size` must be a string",
        ),
        (
            "/v2/load_balancers",
            json!({"region": "nyc3", "forwarding_rules": [{"entry_protocol": "https", "entry_port": 443, "target_protocol": "http", "target_port": 80}]}),
            422,
            "needs `certificate_id`",
        ),
        (
            "/v2/load_balancers",
            json!({"region": "nyc3", "forwarding_rules": [{"entry_protocol": "ftp", "entry_port": 21, "target_protocol": "tcp", "target_port": 21}]}),
            422,
            "is not one of",
        ),
        (
            "/v2/certificates",
            json!({"name": "c", "type": "lets_encrypt", "dns_names": ["not-ours.example.org"]}),
            422,
            "not in a domain managed by DigitalOcean DNS",
        ),
        (
            "/v2/registry",
            json!({"name": "r", "subscription_tier_slug": "platinum"}),
            422,
            "is not one of",
        ),
        (
            "/v2/domains/nope.example.com/records",
            json!({"type": "A", "name": "x", "data": "1.2.3.4"}),
            404,
            "",
        ),
        (
            "/v2/volumes",
            json!({"name": "v", "region": "nyc3", "size_gigabytes": 100000}),
            422,
            "out of range",
        ),
        (
            "/v2/projects/default/resources",
            json!({"resources": ["do:droplet:1"]}),
            404,
            "could not be found",
        ),
        (
            "/v2/tags",
            json!({"name": "bad tag"}),
            422,
            "does not match the pattern",
        ),
    ];
    for (path, body, status, frag) in cases {
        let r = t.post(path, body.clone()).await;
        assert_eq!(r.status.as_u16(), status, "POST {path} {body}: {}", r.text);
        let message = r.body["message"].as_str().unwrap_or_default();
        assert!(message.contains(frag), "POST {path} {body}: {}", r.text);
        if status == 422 {
            assert_eq!(r.body["id"], "unprocessable_entity");
        }
    }
    // Not JSON, not an object, too large.
    let r = t
        .req("POST", "/v2/vpcs", Some(&t.token.clone()), None)
        .await;
    assert_eq!(
        r.status, 422,
        "an empty body lacks the required fields: {}",
        r.text
    );
    let mut big = String::from("{\"name\": \"");
    big.push_str(&"x".repeat(2 << 20));
    big.push_str("\"}");
    let r = t
        .req(
            "POST",
            "/v2/vpcs",
            Some(&t.token.clone()),
            Some(Value::String(big)),
        )
        .await;
    assert!(r.status == 413 || r.status == 400, "{}", r.status);
    let r = t
        .req(
            "POST",
            "/v2/vpcs",
            Some(&t.token.clone()),
            Some(json!([1, 2])),
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.body["id"], "bad_request");
}

#[tokio::test]
async fn droplet_limit_counts_droplets_and_kubernetes_nodes() {
    let mut c = config();
    c.droplet_limit = 4;
    let t = T::with(c, "sqlite::memory:").await;
    let droplet = |n: &str| json!({"name": n, "region": "nyc3", "size": "s-1vcpu-1gb", "image": "debian-12-x64"});
    t.ok("/v2/droplets", droplet("a"), 202).await;
    t.ok(
        "/v2/kubernetes/clusters",
        json!({"name": "k", "region": "nyc3", "version": "latest", "node_pools": [pool("p", 2)]}),
        201,
    )
    .await;
    let r = t.post("/v2/droplets", json!({"names": ["b", "c"], "region": "nyc3", "size": "s-1vcpu-1gb", "image": "debian-12-x64"})).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.text.contains("droplet limit"), "{}", r.text);
    t.ok("/v2/droplets", droplet("b"), 202).await;
    let r = t.post("/v2/droplets", droplet("c")).await;
    assert_eq!(r.status, 422);
    let r = t.get("/v2/account").await;
    assert_eq!(r.body["account"]["droplet_limit"], 4);
}

#[tokio::test]
async fn provisioning_settles_with_the_clock() {
    let t = T::new().await;
    let d = t.ok("/v2/droplets", json!({"name": "d", "region": "nyc3", "size": "s-1vcpu-1gb", "image": "ubuntu-24-04-x64"}), 202).await;
    let id = d["droplet"]["id"].as_i64().expect("id");
    let action = d["links"]["actions"][0]["id"].as_i64().expect("action");
    let k = t.ok("/v2/kubernetes/clusters", json!({"name": "k", "region": "nyc3", "version": "latest", "node_pools": [pool("p", 1)]}), 201).await;
    let kid = k["kubernetes_cluster"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let db = t.ok("/v2/databases", json!({"name": "db", "engine": "mysql", "region": "nyc3", "size": "db-s-1vcpu-1gb", "num_nodes": 1}), 201).await;
    let dbid = db["database"]["id"].as_str().expect("id").to_string();
    let lb = t
        .ok(
            "/v2/load_balancers",
            lb_body(
                "lb",
                k["kubernetes_cluster"]["vpc_uuid"]
                    .as_str()
                    .unwrap_or_default(),
            ),
            202,
        )
        .await;
    let lbid = lb["load_balancer"]["id"].as_str().expect("id").to_string();

    let state = async |t: &T| {
        let d = t.get(&format!("/v2/droplets/{id}")).await.body;
        let k = t.get(&format!("/v2/kubernetes/clusters/{kid}")).await.body;
        let db = t.get(&format!("/v2/databases/{dbid}")).await.body;
        let lb = t.get(&format!("/v2/load_balancers/{lbid}")).await.body;
        let a = t.get(&format!("/v2/actions/{action}")).await.body;
        (d, k, db, lb, a)
    };
    let (d, k, db, lb, a) = state(&t).await;
    assert_eq!(d["droplet"]["status"], "new");
    assert_eq!(
        d["droplet"]["networks"]["v4"],
        json!([]),
        "no address before active"
    );
    assert_eq!(k["kubernetes_cluster"]["status"]["state"], "provisioning");
    assert_eq!(
        k["kubernetes_cluster"]["node_pools"][0]["nodes"][0]["status"]["state"],
        "provisioning"
    );
    assert_eq!(k["kubernetes_cluster"]["endpoint"], "");
    assert_eq!(db["database"]["status"], "creating");
    assert_eq!(lb["load_balancer"]["status"], "new");
    assert_eq!(lb["load_balancer"]["ip"], "");
    assert_eq!(a["action"]["status"], "in-progress");
    // While pending, a droplet refuses actions and a load balancer refuses changes.
    let r = t
        .post(
            &format!("/v2/droplets/{id}/actions"),
            json!({"type": "power_off"}),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    let r = t
        .post(
            &format!("/v2/load_balancers/{lbid}/droplets"),
            json!({"droplet_ids": [id]}),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.text);

    t.advance(1_999);
    assert_eq!(
        state(&t).await.0["droplet"]["status"],
        "new",
        "not before the delay"
    );
    t.advance(1);
    let (d, k, db, lb, a) = state(&t).await;
    assert_eq!(d["droplet"]["status"], "active");
    let v4 = d["droplet"]["networks"]["v4"].as_array().expect("v4");
    assert!(v4.iter().any(|n| n["type"] == "public") && v4.iter().any(|n| n["type"] == "private"));
    assert_eq!(k["kubernetes_cluster"]["status"]["state"], "running");
    assert_eq!(
        k["kubernetes_cluster"]["node_pools"][0]["nodes"][0]["status"]["state"],
        "running"
    );
    assert!(
        k["kubernetes_cluster"]["endpoint"]
            .as_str()
            .is_some_and(|e| e.starts_with("https://"))
    );
    assert_eq!(db["database"]["status"], "online");
    assert_eq!(lb["load_balancer"]["status"], "active");
    assert!(
        lb["load_balancer"]["ip"]
            .as_str()
            .is_some_and(|ip| !ip.is_empty())
    );
    assert_eq!(a["action"]["status"], "completed");
    assert!(a["action"]["completed_at"].is_string());
    let r = t
        .post(
            &format!("/v2/droplets/{id}/actions"),
            json!({"type": "power_off"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    t.advance(2_000);
    let r = t
        .post(
            &format!("/v2/droplets/{id}/actions"),
            json!({"type": "resize", "size": "s-2vcpu-4gb"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(
        t.get(&format!("/v2/droplets/{id}")).await.body["droplet"]["size_slug"],
        "s-2vcpu-4gb"
    );
    let r = t.get(&format!("/v2/droplets/{id}/actions")).await;
    assert_eq!(
        r.body["meta"]["total"], 3,
        "create, power_off, resize: {}",
        r.text
    );
}

#[tokio::test]
async fn rate_limits_answer_429_with_headers() {
    let t = T::new().await;
    let tok = t
        .token(
            &["*"],
            None,
            Some(RateLimit {
                per_hour: 3,
                per_minute: 100,
            }),
        )
        .await;
    for remaining in [2, 1, 0] {
        let r = t.req("GET", "/v2/vpcs", Some(&tok), None).await;
        assert_eq!(r.status, 200);
        assert_eq!(r.headers["ratelimit-limit"], "3");
        assert_eq!(
            r.headers["ratelimit-remaining"],
            remaining.to_string().as_str()
        );
        let reset: i64 = r.headers["ratelimit-reset"]
            .to_str()
            .expect("ascii")
            .parse()
            .expect("int");
        assert_eq!(reset, 1_800_000_000 + 3600);
    }
    let r = t.req("GET", "/v2/vpcs", Some(&tok), None).await;
    assert_eq!(r.status, 429);
    assert_eq!(r.body["id"], "too_many_requests");
    assert_eq!(r.headers["ratelimit-remaining"], "0");
    assert_eq!(r.headers["retry-after"], "3600");
    t.advance(3_600_000);
    let r = t.req("GET", "/v2/vpcs", Some(&tok), None).await;
    assert_eq!(r.status, 200, "the hour rolled over");

    let burst = t
        .token(
            &["*"],
            None,
            Some(RateLimit {
                per_hour: 100,
                per_minute: 2,
            }),
        )
        .await;
    for _ in 0..2 {
        assert_eq!(
            t.req("GET", "/v2/vpcs", Some(&burst), None).await.status,
            200
        );
    }
    let r = t.req("GET", "/v2/vpcs", Some(&burst), None).await;
    assert_eq!(r.status, 429);
    assert_eq!(r.headers["retry-after"], "60");
    assert_eq!(r.headers["ratelimit-remaining"], "98");
    // Every authenticated answer carries the headers, errors included.
    let r = t
        .req("GET", "/v2/vpcs/nope", Some(&t.token.clone()), None)
        .await;
    assert_eq!(r.status, 404);
    assert!(r.headers.contains_key("ratelimit-remaining"));
}

#[tokio::test]
async fn pagination_links_are_absolute_and_follow_digitalocean_rules() {
    let t = T::new().await;
    for i in 0..5 {
        t.ok(
            "/v2/vpcs",
            json!({"name": format!("v{i}"), "region": "nyc3"}),
            201,
        )
        .await;
    }
    let r = t.get("/v2/vpcs?per_page=2").await;
    assert_eq!(r.body["meta"]["total"], 5);
    assert_eq!(r.body["vpcs"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        r.body["links"]["pages"],
        json!({"next": "http://sandbox.test/v2/vpcs?page=2&per_page=2", "last": "http://sandbox.test/v2/vpcs?page=3&per_page=2"})
    );
    let r = t.get("/v2/vpcs?page=2&per_page=2").await;
    assert_eq!(r.body["vpcs"][0]["name"], "v2", "oldest first");
    assert!(
        r.body["links"]["pages"]["prev"].is_string()
            && r.body["links"]["pages"]["next"].is_string()
    );
    let r = t.get("/v2/vpcs?page=3&per_page=2").await;
    assert_eq!(
        r.body["links"]["pages"],
        json!({"first": "http://sandbox.test/v2/vpcs?page=1&per_page=2", "prev": "http://sandbox.test/v2/vpcs?page=2&per_page=2"})
    );
    assert_eq!(r.body["vpcs"].as_array().map(Vec::len), Some(1));
    let r = t.get("/v2/vpcs?per_page=500").await;
    assert_eq!(
        r.body["vpcs"].as_array().map(Vec::len),
        Some(5),
        "per_page is capped at 200, not refused"
    );
    let r = t.get("/v2/vpcs?page=0").await;
    assert_eq!(r.status, 400);
    // The query is repeated in the links, encoded.
    for n in 0..3 {
        t.ok("/v2/droplets", json!({"name": format!("d{n}"), "region": "nyc3", "size": "s-1vcpu-1gb", "image": "ubuntu-24-04-x64", "tags": ["instance-id:a"]}), 202).await;
    }
    let r = t
        .get("/v2/droplets?tag_name=instance-id%3Aa&per_page=1")
        .await;
    assert_eq!(
        r.body["links"]["pages"]["next"],
        "http://sandbox.test/v2/droplets?tag_name=instance-id:a&page=2&per_page=1"
    );
}

#[tokio::test]
async fn resources_are_found_by_their_instance_tag() {
    let t = T::new().await;
    let (a, b) = ("instance-id:a", "instance-id:b");
    for (n, tag) in [("a1", a), ("a2", a), ("b1", b)] {
        t.ok("/v2/droplets", json!({"name": n, "region": "nyc3", "size": "s-1vcpu-1gb", "image": "ubuntu-24-04-x64", "tags": [tag]}), 202).await;
        t.ok(
            "/v2/volumes",
            json!({"name": format!("v-{n}"), "region": "nyc3", "size_gigabytes": 5, "tags": [tag]}),
            201,
        )
        .await;
    }
    t.ok("/v2/databases", json!({"name": "db-a", "engine": "pg", "region": "nyc3", "size": "db-s-1vcpu-1gb", "num_nodes": 1, "tags": [a]}), 201).await;
    t.ok("/v2/kubernetes/clusters", json!({"name": "k-b", "region": "nyc3", "version": "latest", "tags": [b], "node_pools": [pool("p", 1)]}), 201).await;
    let count =
        async |path: &str, key: &str| t.get(path).await.body[key].as_array().map_or(0, Vec::len);
    assert_eq!(
        count("/v2/droplets?tag_name=instance-id:a", "droplets").await,
        2
    );
    assert_eq!(
        count("/v2/droplets?tag_name=instance-id:b", "droplets").await,
        1
    );
    assert_eq!(
        count("/v2/volumes?tag_name=instance-id:a", "volumes").await,
        2
    );
    assert_eq!(
        count("/v2/databases?tag_name=instance-id:a", "databases").await,
        1
    );
    assert_eq!(
        count("/v2/databases?tag_name=instance-id:b", "databases").await,
        0
    );
    assert_eq!(
        count(
            "/v2/kubernetes/clusters?tag_name=instance-id:b",
            "kubernetes_clusters"
        )
        .await,
        1
    );
    let r = t.get("/v2/tags/instance-id:a").await;
    assert_eq!(r.status, 200, "tags named on resources exist: {}", r.text);
    assert_eq!(r.body["tag"]["resources"]["count"], 5);
    assert_eq!(r.body["tag"]["resources"]["droplets"]["count"], 2);
    assert_eq!(r.body["tag"]["resources"]["databases"]["count"], 1);
    assert!(
        r.body["tag"]["resources"]["last_tagged_uri"]
            .as_str()
            .is_some_and(|u| u.starts_with("http://sandbox.test/v2/"))
    );
    // Deleting the tag untags; deleting droplets by tag removes only those.
    let r = t.delete("/v2/droplets?tag_name=instance-id:b").await;
    assert_eq!(r.status, 204);
    assert_eq!(count("/v2/droplets", "droplets").await, 2);
    assert_eq!(t.delete("/v2/tags/instance-id:a").await.status, 204);
    assert_eq!(
        count("/v2/droplets?tag_name=instance-id:a", "droplets").await,
        0
    );
}

#[tokio::test]
async fn database_credentials_need_view_credentials() {
    let t = T::new().await;
    let db = t.ok("/v2/databases", json!({"name": "db", "engine": "pg", "region": "nyc3", "size": "db-s-1vcpu-1gb", "num_nodes": 1}), 201).await;
    let id = db["database"]["id"].as_str().expect("id").to_string();
    let pw = db["database"]["connection"]["password"]
        .as_str()
        .expect("pw")
        .to_string();
    assert!(!pw.is_empty());
    let reader = t.token(&["database:read"], None, None).await;
    let r = t
        .req("GET", &format!("/v2/databases/{id}"), Some(&reader), None)
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["database"]["connection"]["password"], "");
    assert!(!r.text.contains(&pw), "no password anywhere: {}", r.text);
    let viewer = t
        .token(&["database:read", "database:view_credentials"], None, None)
        .await;
    let r = t
        .req("GET", &format!("/v2/databases/{id}"), Some(&viewer), None)
        .await;
    assert_eq!(r.body["database"]["connection"]["password"], pw.as_str());
}

#[tokio::test]
async fn state_persists_across_a_reopen() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("sandbox.db");
    let url = path.to_str().expect("utf-8 path").to_string();
    let (token, vpc) = {
        let t = T::with(config(), &url).await;
        let v = t
            .ok("/v2/vpcs", json!({"name": "kept", "region": "fra1"}), 201)
            .await;
        let d = t.ok("/v2/droplets", json!({"name": "d", "region": "fra1", "size": "s-1vcpu-1gb", "image": "ubuntu-24-04-x64"}), 202).await;
        assert!(d["droplet"]["id"].is_i64());
        (
            t.token.clone(),
            v["vpc"]["id"].as_str().expect("id").to_string(),
        )
    };
    let t = T::with(config(), &url).await;
    let r = t
        .req("GET", &format!("/v2/vpcs/{vpc}"), Some(&token), None)
        .await;
    assert_eq!(
        r.status, 200,
        "the old token and the VPC survive: {}",
        r.text
    );
    assert_eq!(r.body["vpc"]["name"], "kept");
    let r = t.get("/v2/droplets").await;
    assert_eq!(r.body["meta"]["total"], 1);
    let d2 = t.ok("/v2/droplets", json!({"name": "e", "region": "fra1", "size": "s-1vcpu-1gb", "image": "ubuntu-24-04-x64"}), 202).await;
    let ids: Vec<i64> = t.get("/v2/droplets").await.body["droplets"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|d| d["id"].as_i64())
        .collect();
    assert_eq!(ids.len(), 2);
    assert_ne!(
        ids[0],
        d2["droplet"]["id"].as_i64().unwrap_or_default(),
        "ids keep counting after a reopen"
    );
    let r = t.get("/v2/projects").await;
    assert_eq!(
        r.body["meta"]["total"], 1,
        "one default project, not one per open"
    );
}

#[tokio::test]
async fn admin_api_mints_revokes_and_lists() {
    let t = T::new().await;
    let r = t
        .req(
            "POST",
            "/_sandbox/tokens",
            Some("wrong"),
            Some(json!({"scopes": ["*"]})),
        )
        .await;
    assert_eq!(r.status, 401);
    let r = t
        .req(
            "POST",
            "/_sandbox/tokens",
            Some(ADMIN),
            Some(json!({"scopes": ["droplet:read", "tag:read"], "expires_in_seconds": 30})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let tok = r.body["token"].as_str().expect("token").to_string();
    assert!(tok.starts_with("dop_v1_"));
    let fp = r.body["fingerprint"].as_str().expect("fp").to_string();
    assert_eq!(
        t.req("GET", "/v2/droplets", Some(&tok), None).await.status,
        200
    );
    let r = t
        .req(
            "POST",
            "/_sandbox/tokens",
            Some(ADMIN),
            Some(json!({"scopes": ["droplets:read"]})),
        )
        .await;
    assert_eq!(r.status, 422, "unknown scope: {}", r.text);
    let r = t
        .req(
            "DELETE",
            &format!("/_sandbox/tokens/{fp}"),
            Some(ADMIN),
            None,
        )
        .await;
    assert_eq!(r.status, 204);
    assert_eq!(
        t.req("GET", "/v2/droplets", Some(&tok), None).await.status,
        401
    );
    t.ok("/v2/droplets", json!({"name": "d", "region": "nyc3", "size": "s-1vcpu-1gb", "image": "ubuntu-24-04-x64", "tags": ["instance-id:x"]}), 202).await;
    let r = t.req("GET", "/_sandbox/resources", Some(ADMIN), None).await;
    let list = r.body["resources"].as_array().expect("resources");
    assert!(
        list.iter().any(|x| x["kind"] == "droplet"
            && x["tags"] == json!(["instance-id:x"])
            && x["status"] == "new"),
        "{}",
        r.text
    );
}

#[tokio::test]
async fn metrics_are_prometheus_matrices() {
    let t = T::new().await;
    let d = t.ok("/v2/droplets", json!({"name": "d", "region": "nyc3", "size": "s-2vcpu-4gb", "image": "ubuntu-24-04-x64"}), 202).await;
    let id = d["droplet"]["id"].as_i64().expect("id");
    let q = |m: &str, extra: &str| {
        format!(
            "/v2/monitoring/metrics/droplet/{m}?host_id={id}&start=1800000000&end=1800003600{extra}"
        )
    };
    let r = t.get(&q("cpu", "")).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["status"], "success");
    assert_eq!(r.body["data"]["resultType"], "matrix");
    let result = r.body["data"]["result"].as_array().expect("result");
    assert_eq!(result.len(), 8, "one series per CPU mode");
    assert_eq!(result[0]["metric"]["host_id"], id.to_string());
    let values = result[0]["values"].as_array().expect("values");
    assert_eq!(values.len(), 61, "one point a minute over an hour");
    assert!(values[0][0].is_i64() && values[0][1].is_string());
    let again = t.get(&q("cpu", "")).await;
    assert_eq!(again.body, r.body, "deterministic");
    let r = t.get(&q("memory_total", "")).await;
    assert_eq!(r.body["data"]["result"][0]["values"][0][1], "4294967296");
    let r = t
        .get(&q("bandwidth", "&interface=public&direction=outbound"))
        .await;
    assert_eq!(r.body["data"]["result"][0]["metric"]["interface"], "public");
    let r = t.get(&q("bandwidth", "")).await;
    assert_eq!(r.status, 400, "interface and direction are required");
    let r = t
        .get("/v2/monitoring/metrics/droplet/cpu?host_id=999&start=1800000000&end=1800003600")
        .await;
    assert_eq!(r.body["data"]["result"], json!([]), "unknown host: empty");
    let r = t
        .get(&format!(
            "/v2/monitoring/metrics/droplet/cpu?host_id={id}&start=5&end=1"
        ))
        .await;
    assert_eq!(r.status, 400);
    // DOKS nodes report as droplets; load balancers and databases have their own series.
    let k = t.ok("/v2/kubernetes/clusters", json!({"name": "k", "region": "nyc3", "version": "latest", "node_pools": [pool("p", 1)]}), 201).await;
    let node = k["kubernetes_cluster"]["node_pools"][0]["nodes"][0]["droplet_id"]
        .as_str()
        .expect("node droplet id")
        .to_string();
    let r = t.get(&format!("/v2/monitoring/metrics/droplet/memory_available?host_id={node}&start=1800000000&end=1800000600")).await;
    assert_eq!(
        r.body["data"]["result"].as_array().map(Vec::len),
        Some(1),
        "{}",
        r.text
    );
    let vpc = k["kubernetes_cluster"]["vpc_uuid"]
        .as_str()
        .expect("vpc")
        .to_string();
    let lb = t.ok("/v2/load_balancers", lb_body("lb", &vpc), 202).await;
    let lb_id = lb["load_balancer"]["id"].as_str().expect("id").to_string();
    let r = t.get(&format!("/v2/monitoring/metrics/load_balancer/frontend_cpu_utilization?lb_id={lb_id}&start=1800000000&end=1800000600")).await;
    assert_eq!(
        r.body["data"]["result"][0]["metric"]["lb_id"],
        lb_id.as_str()
    );
    let db = t.ok("/v2/databases", json!({"name": "m", "engine": "mysql", "region": "nyc3", "size": "db-s-1vcpu-1gb", "num_nodes": 1}), 201).await;
    let db_id = db["database"]["id"].as_str().expect("id").to_string();
    let r = t.get(&format!("/v2/monitoring/metrics/database/mysql/cpu_usage?db_id={db_id}&aggregate=avg&start=1800000000&end=1800000600")).await;
    assert_eq!(
        r.body["data"]["result"].as_array().map(Vec::len),
        Some(1),
        "{}",
        r.text
    );
    let reader = t.token(&["droplet:read"], None, None).await;
    let r = t.req("GET", &q("cpu", ""), Some(&reader), None).await;
    assert_eq!(r.status, 403, "metrics need monitoring:read");
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_in_digitalocean_form() {
    let t = T::new().await;
    let r = t.get("/v2/nothing-here").await;
    assert_eq!(r.status, 404);
    assert_eq!(r.body["id"], "not_found");
    let r = t
        .req("PATCH", "/v2/droplets", Some(&t.token.clone()), None)
        .await;
    assert_eq!(r.status, 405);
    assert_eq!(r.body["id"], "method_not_allowed");
}

/// The deployment stacks the compiler emits use sizes, engines and versions the sandbox accepts:
/// every literal database cluster and droplet of the examples and the corpus is created.
#[tokio::test]
async fn the_compilers_literal_slugs_are_accepted() {
    let mut c = config();
    c.droplet_limit = 1000;
    let t = T::with(c, "sqlite::memory:").await;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for dir in [root.join("examples"), root.join("tests/corpus")] {
        collect(&dir, &mut files);
    }
    assert!(!files.is_empty(), "expected main.tf files");
    let block = regex::Regex::new(r#"(?s)resource "(digitalocean_database_cluster|digitalocean_droplet)" "[^"]+" \{(.*?)\n\}"#).expect("re");
    let attr = |body: &str, k: &str| -> Option<String> {
        let re = regex::Regex::new(&format!(r#"(?m)^  {k}\s*=\s*"?([^"\n]+)"?$"#)).ok()?;
        re.captures(body).map(|c| c[1].trim().to_string())
    };
    let mut checked = 0;
    for f in files {
        let text = std::fs::read_to_string(&f).expect("read");
        for cap in block.captures_iter(&text) {
            let body = &cap[2];
            let name = format!("c{checked}");
            let r = if &cap[1] == "digitalocean_database_cluster" {
                let (engine, size, nodes) = (
                    attr(body, "engine"),
                    attr(body, "size"),
                    attr(body, "node_count"),
                );
                let version = attr(body, "version")
                    .filter(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'));
                let (Some(engine), Some(size), Some(nodes)) = (engine, size, nodes) else {
                    continue;
                };
                if size.contains("var.") || size.contains("local.") || engine.contains("var.") {
                    continue;
                }
                let mut b = json!({"name": name, "engine": engine, "size": size, "region": "nyc3",
                    "num_nodes": nodes.parse::<i64>().unwrap_or(1)});
                if let Some(v) = version {
                    b["version"] = json!(v);
                }
                t.post("/v2/databases", b).await
            } else {
                let Some(size) =
                    attr(body, "size").filter(|s| !s.contains("var.") && !s.contains("local."))
                else {
                    continue;
                };
                t.post("/v2/droplets", json!({"name": name, "size": size, "region": "nyc3", "image": "ubuntu-24-04-x64"})).await
            };
            assert!(
                r.status.is_success(),
                "{}: {} → {}",
                f.display(),
                &cap[0],
                r.text
            );
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} literal resources found");
}

fn collect(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else if p.file_name().is_some_and(|n| n == "main.tf")
            && p.parent().is_some_and(|d| d.ends_with("expected"))
        {
            out.push(p);
        }
    }
}
