//! Uptime checks and their alerts (`/v2/uptime/checks`). Checks carry no tags: a check is found
//! by its name (which carries the instance id), an alert by its name among its check's alerts.

use super::*;

pub static UNITS: &[&UnitDef] = &[&CHECK_DEF, &ALERT_DEF];

// --- digitalocean_uptime_check ----------------------------------------------------------------------

pub static CHECK_DEF: UnitDef = UnitDef {
    tf_type: "digitalocean_uptime_check",
    summary: "an uptime check (ping, http, https), found by name; its type, target, regions and switch kept in step",
    arguments: &["name", "type", "target", "regions", "enabled"],
    exports: &["id"],
    endpoints: &[
        "GET /v2/uptime/checks",
        "POST /v2/uptime/checks",
        "PUT /v2/uptime/checks/{check_id}",
        "DELETE /v2/uptime/checks/{check_id}",
    ],
    partial_lists: &[],
    handling: Handling::Api(&CHECK),
};

pub static CHECK: Rest = Rest {
    collection: |_| Ok("/v2/uptime/checks".into()),
    list_key: "checks",
    item_key: "check",
    list_query: no_query,
    matches: same_name,
    id_key: "id",
    body: check_body,
    ready: None,
    compare: &["type", "target", "regions", "enabled"],
    update: Some(|_, _, obj, body| {
        Ok(Update {
            method: Method::Put,
            path: format!(
                "/v2/uptime/checks/{}",
                enc(&id_of(obj, "id").unwrap_or_default())
            ),
            body: body.clone(),
        })
    }),
    attributes: |args, obj| {
        let mut a = pick(obj, &["id", "name", "type", "target", "regions", "enabled"]);
        if !a.contains_key("name") {
            a.insert(
                "name".into(),
                args.get("name").cloned().unwrap_or(Json::Null),
            );
        }
        Json::Object(a)
    },
    delete: Delete::ById { wait_gone: false },
};

/// The provider's defaults: type `https`, enabled; regions as given (the API's own choice when
/// none are).
pub fn check_body(_: &Cx, args: &Json) -> Result<Json, UnitError> {
    Ok(json!({
        "name": req_str(args, "name")?,
        "type": opt_str(args, "type").unwrap_or_else(|| "https".into()),
        "target": req_str(args, "target")?,
        "regions": strs(args, "regions")?,
        "enabled": opt_bool(args, "enabled")?.unwrap_or(true),
    }))
}

// --- digitalocean_uptime_alert ----------------------------------------------------------------------

pub static ALERT_DEF: UnitDef = UnitDef {
    tf_type: "digitalocean_uptime_alert",
    summary: "an alert of an uptime check, found by name among the check's alerts; its settings and notifications kept in step (goes with its check)",
    arguments: &[
        "check_id",
        "name",
        "type",
        "threshold",
        "comparison",
        "period",
        "notifications",
    ],
    exports: &["id"],
    endpoints: &[
        "GET /v2/uptime/checks/{check_id}/alerts",
        "POST /v2/uptime/checks/{check_id}/alerts",
        "PUT /v2/uptime/checks/{check_id}/alerts/{alert_id}",
        "DELETE /v2/uptime/checks/{check_id}/alerts/{alert_id}",
    ],
    partial_lists: &[],
    handling: Handling::Api(&ALERT),
};

fn alerts_of(args: &Json) -> Result<String, UnitError> {
    Ok(format!(
        "/v2/uptime/checks/{}/alerts",
        enc(&req_str(args, "check_id")?)
    ))
}

pub static ALERT: Rest = Rest {
    collection: alerts_of,
    list_key: "alerts",
    item_key: "alert",
    list_query: no_query,
    matches: same_name,
    id_key: "id",
    body: alert_body,
    ready: None,
    compare: &["type", "threshold", "comparison", "period", "notifications"],
    update: Some(|_, args, obj, body| {
        Ok(Update {
            method: Method::Put,
            path: format!(
                "{}/{}",
                alerts_of(args)?,
                enc(&id_of(obj, "id").unwrap_or_default())
            ),
            body: body.clone(),
        })
    }),
    attributes: |args, obj| {
        let mut a = pick(obj, &["id", "name", "type", "period"]);
        a.insert(
            "check_id".into(),
            args.get("check_id").cloned().unwrap_or(Json::Null),
        );
        Json::Object(a)
    },
    delete: Delete::ById { wait_gone: false },
};

pub fn alert_body(_: &Cx, args: &Json) -> Result<Json, UnitError> {
    let n = block(args, "notifications")
        .ok_or_else(|| UnitError::arg("notifications", "required (one block)"))?;
    let slack = blocks(n, "slack")
        .into_iter()
        .map(|s| Ok(json!({ "channel": req_str(s, "channel")?, "url": req_str(s, "url")? })))
        .collect::<Result<Vec<_>, UnitError>>()?;
    Ok(object(vec![
        ("name", Some(json!(req_str(args, "name")?))),
        ("type", Some(json!(req_str(args, "type")?))),
        ("threshold", opt_i64(args, "threshold")?.map(Json::from)),
        ("comparison", opt_str(args, "comparison").map(Json::from)),
        (
            "period",
            Some(json!(req_str(args, "period").map_err(|_| {
                UnitError::arg(
                    "period",
                    "required by the API (2m, 3m, 5m, 10m, 15m, 30m or 1h)",
                )
            })?)),
        ),
        (
            "notifications",
            Some(json!({ "email": strs(n, "email")?, "slack": slack })),
        ),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_body_takes_the_providers_defaults() {
        let (cx, _) = crate::units::testing::cx(vec![]);
        let b = check_body(
            &cx,
            &json!({"name": "smtp-acme", "target": "203.0.113.10", "type": "ping"}),
        )
        .expect("body");
        assert_eq!(
            b,
            json!({"name": "smtp-acme", "type": "ping", "target": "203.0.113.10", "regions": [], "enabled": true})
        );
        let b =
            check_body(&cx, &json!({"name": "web", "target": "https://x.example"})).expect("body");
        assert_eq!(b["type"], "https");
        assert!(check_body(&cx, &json!({"name": "web"})).is_err());
    }

    #[test]
    fn alert_body_needs_notifications_and_a_period() {
        let (cx, _) = crate::units::testing::cx(vec![]);
        let args = json!({
            "check_id": "c-1", "name": "web-down-acme", "type": "down", "period": "2m",
            "notifications": [{"email": ["oncall@example.com"]}]
        });
        assert_eq!(
            alert_body(&cx, &args).expect("body"),
            json!({"name": "web-down-acme", "type": "down", "period": "2m",
                   "notifications": {"email": ["oncall@example.com"], "slack": []}})
        );
        let mut no_period = args.clone();
        no_period.as_object_mut().map(|o| o.remove("period"));
        let e = alert_body(&cx, &no_period).expect_err("no period");
        assert!(e.to_string().contains("period"), "{e}");
        let mut none = args;
        none.as_object_mut().map(|o| o.remove("notifications"));
        assert!(alert_body(&cx, &none).is_err());
        assert_eq!(
            alerts_of(&json!({"check_id": "c 1"})).expect("path"),
            "/v2/uptime/checks/c%201/alerts"
        );
    }
}
