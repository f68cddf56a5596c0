//! Uptime checks and their alerts through the router: create, get, list, update, delete (a
//! check's alerts go with it), validation from the spec and DigitalOcean's rules, the
//! `uptime:*` token scopes.

mod common;

use common::T;
use serde_json::{Value, json};

fn check(name: &str, ty: &str, target: &str) -> Value {
    json!({"name": name, "type": ty, "target": target, "regions": ["us_east", "eu_west"], "enabled": true})
}

fn alert(name: &str) -> Value {
    json!({"name": name, "type": "down", "period": "2m", "notifications": {"email": ["oncall@example.com"], "slack": []}})
}

#[tokio::test]
async fn a_check_and_its_alert_are_created_updated_and_deleted_together() {
    let t = T::new().await;
    let created = t
        .ok(
            "/v2/uptime/checks",
            check("web-acme", "https", "https://shop.example.com/health"),
            201,
        )
        .await;
    let c = &created["check"];
    let id = c["id"].as_str().expect("id").to_string();
    assert_eq!(id.len(), 36, "checks have UUIDs");
    assert_eq!(c["name"], "web-acme");
    assert_eq!(c["type"], "https");
    assert_eq!(c["target"], "https://shop.example.com/health");
    assert_eq!(c["regions"], json!(["us_east", "eu_west"]));
    assert_eq!(c["enabled"], true);
    assert_eq!(
        t.get(&format!("/v2/uptime/checks/{id}")).await.body["check"],
        *c
    );
    let all = t.get("/v2/uptime/checks").await;
    assert_eq!(all.status, 200);
    assert_eq!(all.body["checks"].as_array().map(Vec::len), Some(1));
    assert_eq!(all.body["meta"]["total"], 1);

    // Its alerts live under it.
    let alerts = format!("/v2/uptime/checks/{id}/alerts");
    let a = t.ok(&alerts, alert("web-down-acme"), 201).await["alert"].clone();
    let aid = a["id"].as_str().expect("alert id").to_string();
    assert_eq!(a["type"], "down");
    assert_eq!(a["period"], "2m");
    assert_eq!(a["notifications"]["email"], json!(["oncall@example.com"]));
    assert_eq!(
        t.get(&alerts).await.body["alerts"].as_array().map(Vec::len),
        Some(1)
    );
    assert_eq!(t.get(&format!("{alerts}/{aid}")).await.body["alert"], a);
    // Another check does not know it.
    let other = t
        .ok(
            "/v2/uptime/checks",
            check("db-acme", "ping", "10.0.0.5"),
            201,
        )
        .await["check"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    assert_eq!(
        t.get(&format!("/v2/uptime/checks/{other}/alerts/{aid}"))
            .await
            .status,
        404
    );

    // Updates.
    let mut changed = alert("web-down-acme");
    changed["period"] = json!("5m");
    let r = t.put(&format!("{alerts}/{aid}"), changed).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["alert"]["period"], "5m");
    let r = t
        .put(
            &format!("/v2/uptime/checks/{id}"),
            json!({"enabled": false, "regions": ["se_asia"]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["check"]["enabled"], false);
    assert_eq!(r.body["check"]["regions"], json!(["se_asia"]));
    assert_eq!(r.body["check"]["target"], "https://shop.example.com/health");

    // Deleting the check deletes its alerts.
    assert_eq!(
        t.delete(&format!("/v2/uptime/checks/{id}")).await.status,
        204
    );
    assert_eq!(t.get(&format!("/v2/uptime/checks/{id}")).await.status, 404);
    assert_eq!(t.get(&alerts).await.status, 404);
    assert_eq!(t.delete(&format!("{alerts}/{aid}")).await.status, 404);
    let left = t.get("/v2/uptime/checks").await;
    assert_eq!(left.body["checks"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn checks_and_alerts_are_validated() {
    let t = T::new().await;
    let cases: Vec<(Value, &str)> = vec![
        // From the spec: the type's enum, the regions' enum, required fields.
        (check("a", "tcp", "10.0.0.5"), "type"),
        (
            json!({"name": "a", "type": "ping", "target": "10.0.0.5", "regions": ["mars"], "enabled": true}),
            "regions",
        ),
        (
            json!({"name": "a", "type": "ping", "regions": [], "enabled": true}),
            "target",
        ),
        // DigitalOcean's rule: the target fits the type.
        (check("a", "https", "http://shop.example.com"), "target"),
        (check("a", "ping", "https://shop.example.com"), "target"),
    ];
    for (body, field) in cases {
        let r = t.post("/v2/uptime/checks", body.clone()).await;
        assert_eq!(r.status, 422, "{body}: {}", r.text);
        assert!(r.text.contains(field), "{body}: {}", r.text);
    }
    // The spec's `method`, which no client sends, is not required.
    t.ok(
        "/v2/uptime/checks",
        json!({"name": "ok", "type": "ping", "target": "10.0.0.5", "regions": [], "enabled": true}),
        201,
    )
    .await;

    let id = t
        .ok(
            "/v2/uptime/checks",
            check("web-acme", "http", "http://203.0.113.9/"),
            201,
        )
        .await["check"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let alerts = format!("/v2/uptime/checks/{id}/alerts");
    let mut bad_period = alert("x");
    bad_period["period"] = json!("7m");
    let mut nowhere = alert("x");
    nowhere["notifications"] = json!({"email": [], "slack": []});
    let latency = json!({"name": "x", "type": "latency", "period": "2m", "notifications": {"email": ["a@example.com"]}});
    for (body, field) in [
        (bad_period, "period"),
        (nowhere, "notifications"),
        (latency, "threshold"),
    ] {
        let r = t.post(&alerts, body.clone()).await;
        assert_eq!(r.status, 422, "{body}: {}", r.text);
        assert!(r.text.contains(field), "{body}: {}", r.text);
    }
    // An alert of a check that does not exist.
    let r = t
        .post(
            "/v2/uptime/checks/00000000-0000-4000-8000-000000000000/alerts",
            alert("x"),
        )
        .await;
    assert_eq!(r.status, 404, "{}", r.text);
}

#[tokio::test]
#[allow(clippy::type_complexity)]
async fn checks_need_the_uptime_scopes() {
    let t = T::new().await;
    let id = t
        .ok(
            "/v2/uptime/checks",
            check("web-acme", "ping", "10.0.0.5"),
            201,
        )
        .await["check"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let reader = t.token(&["uptime:read"], None, None).await;
    let creator = t.token(&["uptime:create"], None, None).await;
    let all = t.token(&["uptime:*"], None, None).await;
    let item = format!("/v2/uptime/checks/{id}");
    let alerts = format!("{item}/alerts");
    let cases: Vec<(&str, &str, &str, Option<Value>, u16, &str)> = vec![
        ("GET", "/v2/uptime/checks", &reader, None, 200, ""),
        ("GET", &alerts, &reader, None, 200, ""),
        (
            "POST",
            "/v2/uptime/checks",
            &reader,
            Some(check("b", "ping", "10.0.0.6")),
            403,
            "uptime:create",
        ),
        ("GET", &item, &creator, None, 403, "uptime:read"),
        (
            "POST",
            &alerts,
            &creator,
            Some(alert("web-down-acme")),
            201,
            "",
        ),
        ("DELETE", &item, &reader, None, 403, "uptime:delete"),
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
