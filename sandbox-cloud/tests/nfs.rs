//! NFS shares through the router: create (`CREATING` → `ACTIVE` with the clock, the host from
//! the VPC's range), list and get by region, validation from the spec and DigitalOcean's rules,
//! the `nfs:*` token scopes, actions, delete.

mod common;

use common::T;
use serde_json::{Value, json};

async fn vpc(t: &T, name: &str, region: &str) -> String {
    let v = t
        .ok("/v2/vpcs", json!({"name": name, "region": region}), 201)
        .await;
    v["vpc"]["id"].as_str().expect("vpc id").to_string()
}

fn share(name: &str, region: &str, size: i64, vpc: &str) -> Value {
    json!({"name": name, "region": region, "size_gib": size, "vpc_ids": [vpc], "performance_tier": "standard"})
}

#[tokio::test]
async fn a_share_is_created_settles_is_found_by_region_and_deleted() {
    let t = T::new().await;
    let net = vpc(&t, "net-acme", "nyc3").await;
    let range = t.get(&format!("/v2/vpcs/{net}")).await.body["vpc"]["ip_range"]
        .as_str()
        .expect("range")
        .to_string();

    let created = t
        .ok("/v2/nfs", share("files-acme", "nyc3", 100, &net), 201)
        .await;
    let s = &created["share"];
    let id = s["id"].as_str().expect("id").to_string();
    assert_eq!(id.len(), 36, "shares have UUIDs");
    assert_eq!(s["status"], "CREATING");
    assert_eq!(s["host"], "", "no address before the share is active");
    assert_eq!(s["size_gib"], 100);
    assert_eq!(s["region"], "nyc3");
    assert_eq!(s["vpc_ids"], json!([net]));
    assert_eq!(s["performance_tier"], "PERFORMANCE_TIER_STANDARD");
    assert_eq!(s["mount_path"], format!("/100001/{id}"));
    assert_eq!(s["access_points"][0]["is_default"], true);
    assert!(
        s.as_object()
            .is_some_and(|o| o.keys().all(|k| !k.starts_with('_'))),
        "no internal field leaks: {s}"
    );

    // Actions wait until the share is active.
    let r = t
        .post(
            &format!("/v2/nfs/{id}/actions"),
            json!({"type": "resize", "params": {"size_gib": 200}}),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.text.contains("CREATING"), "{}", r.text);

    t.advance(2_000);
    let got = t.get(&format!("/v2/nfs/{id}?region=nyc3")).await;
    assert_eq!(got.status, 200, "{}", got.text);
    let s = &got.body["share"];
    assert_eq!(s["status"], "ACTIVE");
    let host = s["host"].as_str().expect("host");
    let prefix = range.split('.').take(2).collect::<Vec<_>>().join(".");
    assert!(
        host.starts_with(&format!("{prefix}.")),
        "{host} is not in {range}"
    );

    // Another region does not know it; the list filters by region.
    assert_eq!(
        t.get(&format!("/v2/nfs/{id}?region=ams3")).await.status,
        404
    );
    let all = t.get("/v2/nfs").await;
    assert_eq!(all.status, 200);
    assert_eq!(all.body["shares"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        t.get("/v2/nfs?region=nyc3").await.body["shares"][0]["id"],
        id.as_str()
    );
    assert_eq!(t.get("/v2/nfs?region=ams3").await.body["shares"], json!([]));

    // Resize grows; shrinking is refused.
    let r = t
        .post(
            &format!("/v2/nfs/{id}/actions"),
            json!({"type": "resize", "region": "nyc3", "params": {"size_gib": 200}}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["action"]["type"], "RESIZE_SHARE");
    assert_eq!(r.body["action"]["status"], "IN_PROGRESS");
    assert_eq!(r.body["action"]["resource_type"], "SHARE");
    assert_eq!(
        t.get(&format!("/v2/nfs/{id}")).await.body["share"]["size_gib"],
        200
    );
    let r = t
        .post(
            &format!("/v2/nfs/{id}/actions"),
            json!({"type": "resize", "params": {"size_gib": 150}}),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.text.contains("can only grow"), "{}", r.text);

    // Attach a second VPC, detach it, switch the tier; snapshots are not simulated.
    let other = vpc(&t, "other-acme", "nyc3").await;
    let act = |body: Value| {
        let path = format!("/v2/nfs/{id}/actions");
        let t = &t;
        async move { t.post(&path, body).await }
    };
    let r = act(json!({"type": "attach", "params": {"vpc_id": other}})).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(
        t.get(&format!("/v2/nfs/{id}")).await.body["share"]["vpc_ids"],
        json!([net, other])
    );
    let r = act(json!({"type": "detach", "params": {"vpc_id": other}})).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let r = act(json!({"type": "switch_performance_tier", "params": {"performance_tier": "high"}}))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let s = t.get(&format!("/v2/nfs/{id}")).await.body["share"].clone();
    assert_eq!(s["vpc_ids"], json!([net]));
    assert_eq!(s["performance_tier"], "PERFORMANCE_TIER_HIGH");
    let r = act(json!({"type": "snapshot", "params": {"name": "daily"}})).await;
    assert_eq!(r.status, 422, "{}", r.text);
    let r = act(json!({"params": {"size_gib": 300}})).await;
    assert_eq!(r.status, 422, "the type is required: {}", r.text);

    // The admin listing shows it; delete by id (with its region), then 404.
    let admin = t
        .req("GET", "/_sandbox/resources", Some(common::ADMIN), None)
        .await;
    assert!(
        admin.body["resources"].as_array().is_some_and(|r| r
            .iter()
            .any(|x| x["kind"] == "nfs" && x["id"] == id.as_str())),
        "{}",
        admin.text
    );
    assert_eq!(
        t.delete(&format!("/v2/nfs/{id}?region=ams3")).await.status,
        404,
        "a delete naming another region finds nothing"
    );
    assert_eq!(
        t.delete(&format!("/v2/nfs/{id}?region=nyc3")).await.status,
        204
    );
    assert_eq!(t.get(&format!("/v2/nfs/{id}")).await.status, 404);
    assert_eq!(t.delete(&format!("/v2/nfs/{id}")).await.status, 404);
}

#[tokio::test]
async fn share_requests_are_validated() {
    let t = T::new().await;
    let net = vpc(&t, "net-acme", "nyc3").await;
    let elsewhere = vpc(&t, "net-acme-ams", "ams3").await;
    t.ok("/v2/nfs", share("taken", "nyc3", 50, &net), 201).await;
    let cases: Vec<(Value, u16, &str)> = vec![
        (
            json!({"name": "a", "region": "nyc3", "size_gib": 100}),
            422,
            "`vpc_ids` is required",
        ),
        (
            json!({"name": "a", "region": "nyc3", "size_gib": "big", "vpc_ids": [net]}),
            400,
            "`size_gib` must be an integer",
        ),
        (
            share("a", "nyc3", 49, &net),
            400,
            "greater than or equal to 50Gib",
        ),
        (share("a", "nyc3", 20_000, &net), 422, "out of range"),
        (
            share("a", "atlantis1", 100, &net),
            422,
            "is not a DigitalOcean region",
        ),
        (
            share("bad name!", "nyc3", 100, &net),
            422,
            "is not a valid name",
        ),
        (
            share("a", "nyc3", 100, &elsewhere),
            422,
            "is in ams3, not in nyc3",
        ),
        (
            share("a", "nyc3", 100, "no-such-vpc"),
            422,
            "does not exist",
        ),
        (
            json!({"name": "a", "region": "nyc3", "size_gib": 100, "vpc_ids": []}),
            422,
            "at least one VPC",
        ),
        (
            json!({"name": "a", "region": "nyc3", "size_gib": 100, "vpc_ids": [net], "performance_tier": "turbo"}),
            422,
            "not one of standard, high",
        ),
        (
            share("taken", "nyc3", 100, &net),
            422,
            "already exists in nyc3",
        ),
    ];
    for (body, status, frag) in cases {
        let r = t.post("/v2/nfs", body.clone()).await;
        assert_eq!(r.status.as_u16(), status, "{body}: {}", r.text);
        assert!(
            r.body["message"].as_str().unwrap_or("").contains(frag),
            "{body}: {}",
            r.text
        );
    }
    // The same name in another region is another share.
    t.ok("/v2/nfs", share("taken", "ams3", 50, &elsewhere), 201)
        .await;
}

#[tokio::test]
#[allow(clippy::type_complexity)]
async fn shares_need_the_nfs_scopes() {
    let t = T::new().await;
    let net = vpc(&t, "net-acme", "nyc3").await;
    let id = t
        .ok("/v2/nfs", share("files-acme", "nyc3", 50, &net), 201)
        .await["share"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let reader = t.token(&["nfs:read"], None, None).await;
    let lister = t.token(&["nfs:list"], None, None).await;
    let all = t.token(&["nfs:*"], None, None).await;
    let item = format!("/v2/nfs/{id}");
    let body = share("more-acme", "nyc3", 50, &net);
    let cases: Vec<(&str, &str, &str, Option<Value>, u16, &str)> = vec![
        ("GET", &item, &reader, None, 200, ""),
        ("GET", "/v2/nfs", &reader, None, 403, "nfs:list"),
        ("GET", "/v2/nfs", &lister, None, 200, ""),
        (
            "POST",
            "/v2/nfs",
            &reader,
            Some(body.clone()),
            403,
            "nfs:create",
        ),
        ("DELETE", &item, &lister, None, 403, "nfs:delete"),
        ("POST", "/v2/nfs", &all, Some(body), 201, ""),
        ("DELETE", &item, &all, None, 204, ""),
    ];
    for (m, p, tok, b, status, scope) in cases {
        let r = t.req(m, p, Some(tok), b).await;
        assert_eq!(r.status.as_u16(), status, "{m} {p}: {}", r.text);
        if !scope.is_empty() {
            assert_eq!(r.body["id"], "forbidden");
            assert!(r.text.contains(scope), "{m} {p}: {}", r.text);
        }
    }
}
