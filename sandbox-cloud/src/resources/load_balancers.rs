//! `/v2/load_balancers`: load balancers (`new` → `active`, an address once active), forwarding
//! rules with their certificates, droplets by id or tag.

use super::{
    R, RegionUse, Routes, assign_project, check_region, id_of, iso, pending, public_ip,
    public_ipv6, region_obj, s, set, str_list, unassign, uuid,
};
use crate::ctx::{Body, Ctx};
use crate::error::DoError;
use crate::present;
use crate::store::Tx;
use axum::extract::Path;
use serde_json::{Map, Value, json};

pub(crate) fn routes(r: Routes) -> Routes {
    r.at("GET /v2/load_balancers", list)
        .at("POST /v2/load_balancers", create)
        .at("GET /v2/load_balancers/{lb_id}", get)
        .at("PUT /v2/load_balancers/{lb_id}", update)
        .at("DELETE /v2/load_balancers/{lb_id}", delete)
        .at("POST /v2/load_balancers/{lb_id}/droplets", add_droplets)
        .at(
            "DELETE /v2/load_balancers/{lb_id}/droplets",
            remove_droplets,
        )
        .at(
            "POST /v2/load_balancers/{lb_id}/forwarding_rules",
            add_rules,
        )
        .at(
            "DELETE /v2/load_balancers/{lb_id}/forwarding_rules",
            remove_rules,
        )
}

/// Forwarding rules, checked: ports, TLS needs a certificate that exists (filled in by id and
/// by name) or passthrough.
async fn rules(tx: &mut Tx<'_>, items: Option<&Value>) -> Result<Vec<Value>, DoError> {
    let items = items.and_then(Value::as_array).cloned().unwrap_or_default();
    let mut out = Vec::new();
    for (i, r) in items.iter().enumerate() {
        let Some(o) = r.as_object() else {
            return Err(DoError::bad_request(format!(
                "error parsing request body: `forwarding_rules[{i}]` must be an object"
            )));
        };
        let at = format!("forwarding_rules[{i}]");
        for port in ["entry_port", "target_port"] {
            let p = super::int(o, port).unwrap_or(0);
            if !(1..=65535).contains(&p) {
                return Err(DoError::unprocessable(format!(
                    "`{at}.{port}`: {p} is not a port (1 to 65535)"
                )));
            }
        }
        let entry = s(o, "entry_protocol")
            .ok_or_else(|| DoError::unprocessable(format!("`{at}.entry_protocol` is required")))?;
        s(o, "target_protocol")
            .ok_or_else(|| DoError::unprocessable(format!("`{at}.target_protocol` is required")))?;
        let mut rule = o.clone();
        let passthrough = o.get("tls_passthrough").and_then(Value::as_bool) == Some(true);
        let cert = match (s(o, "certificate_id"), s(o, "certificate_name")) {
            (Some(id), _) => Some(tx.get("certificate", id).await?.ok_or_else(|| {
                DoError::unprocessable(format!(
                    "`{at}.certificate_id`: certificate {id} does not exist"
                ))
            })?),
            (None, Some(name)) => Some(
                tx.list("certificate")
                    .await?
                    .into_iter()
                    .find(|c| super::name_of(c) == name)
                    .ok_or_else(|| {
                        DoError::unprocessable(format!(
                            "`{at}.certificate_name`: no certificate is named `{name}`"
                        ))
                    })?,
            ),
            (None, None) => None,
        };
        if matches!(entry, "https" | "http2" | "http3") && cert.is_none() && !passthrough {
            return Err(DoError::unprocessable(format!(
                "`{at}`: an {entry} entry needs `certificate_id` (or `certificate_name`) or `tls_passthrough`"
            )));
        }
        if let Some(c) = cert {
            rule.insert("certificate_id".into(), json!(id_of(&c)));
            rule.insert("certificate_name".into(), json!(super::name_of(&c)));
        } else {
            rule.insert("certificate_id".into(), json!(""));
        }
        rule.entry("tls_passthrough").or_insert(json!(false));
        out.push(Value::Object(rule));
    }
    Ok(out)
}

async fn droplets(tx: &mut Tx<'_>, ids: Option<&Value>, region: &str) -> Result<Vec<i64>, DoError> {
    let mut out = Vec::new();
    for (i, id) in str_list(ids).iter().enumerate() {
        let d = tx.get("droplet", id).await?.ok_or_else(|| {
            DoError::unprocessable(format!("`droplet_ids[{i}]`: droplet {id} does not exist"))
        })?;
        if d.pointer("/region/slug").and_then(Value::as_str) != Some(region) {
            return Err(DoError::unprocessable(format!(
                "`droplet_ids[{i}]`: droplet {id} is not in {region}"
            )));
        }
        out.push(id.parse().unwrap_or_default());
    }
    Ok(out)
}

/// Fills and checks every updatable field of a load balancer from a request.
async fn configure(
    tx: &mut Tx<'_>,
    ctx: &Ctx,
    lb: &mut Value,
    b: &Map<String, Value>,
    id: &str,
) -> Result<(), DoError> {
    let region = s(b, "region").unwrap_or_default().to_string();
    check_region(ctx.spec(), &region, RegionUse::Any)?;
    let name = s(b, "name")
        .map(str::to_string)
        .unwrap_or_else(|| format!("lb-{}", &uuid()[..8]));
    super::check_hostname("name", &name, 255)?;
    let taken = tx.list("lb").await?.iter().any(|o| {
        super::name_of(o) == name
            && o.pointer("/region/slug").and_then(Value::as_str) == Some(region.as_str())
            && id_of(o) != id
    });
    if taken {
        return Err(DoError::unprocessable(format!(
            "`name`: a load balancer named `{name}` already exists in {region}"
        )));
    }
    let (lo, hi) = ctx.spec().slugs.load_balancer_size_unit;
    if let Some(u) = super::int(b, "size_unit") {
        if u < i64::from(lo) || u > i64::from(hi) {
            return Err(DoError::unprocessable(format!(
                "`size_unit`: {u} is out of range ({lo} to {hi})"
            )));
        }
        if matches!(region.as_str(), "ams2" | "nyc2" | "sfo1") {
            return Err(DoError::unprocessable(format!(
                "`size_unit` is not available in {region}: use `size`"
            )));
        }
    }
    let forwarding = rules(tx, b.get("forwarding_rules")).await?;
    if forwarding.is_empty() {
        return Err(DoError::unprocessable(
            "`forwarding_rules`: a load balancer needs at least one forwarding rule",
        ));
    }
    let droplet_ids = droplets(tx, b.get("droplet_ids"), &region).await?;
    let tag = s(b, "tag").unwrap_or("");
    if !droplet_ids.is_empty() && !tag.is_empty() {
        return Err(DoError::unprocessable(
            "`droplet_ids` and `tag` cannot both be set",
        ));
    }
    let vpc = super::vpc_for(tx, ctx, "vpc_uuid", s(b, "vpc_uuid"), &region).await?;
    let mut hc = json!({"protocol": "http", "port": 80, "path": "/", "check_interval_seconds": 10,
        "response_timeout_seconds": 5, "unhealthy_threshold": 3, "healthy_threshold": 5});
    if let (Some(dst), Some(src)) = (hc.as_object_mut(), b.get("health_check")) {
        present::merge(dst, src.clone());
    }
    let sticky = b
        .get("sticky_sessions")
        .cloned()
        .unwrap_or_else(|| json!({"type": "none"}));
    set(lb, "name", name.as_str());
    set(lb, "region", region_obj(ctx.spec(), &region));
    set(lb, "size_unit", super::int(b, "size_unit").unwrap_or(1));
    set(lb, "size", s(b, "size").unwrap_or("lb-small"));
    set(lb, "algorithm", s(b, "algorithm").unwrap_or("round_robin"));
    set(lb, "forwarding_rules", forwarding);
    set(lb, "health_check", hc);
    set(lb, "sticky_sessions", sticky);
    for (k, default) in [
        ("redirect_http_to_https", false),
        ("enable_proxy_protocol", false),
        ("enable_backend_keepalive", false),
        ("disable_lets_encrypt_dns_records", false),
    ] {
        set(lb, k, b.get(k).and_then(Value::as_bool).unwrap_or(default));
    }
    set(
        lb,
        "http_idle_timeout_seconds",
        super::int(b, "http_idle_timeout_seconds").unwrap_or(60),
    );
    set(lb, "vpc_uuid", vpc);
    set(
        lb,
        "firewall",
        b.get("firewall")
            .cloned()
            .unwrap_or_else(|| json!({"deny": [], "allow": []})),
    );
    set(lb, "network", s(b, "network").unwrap_or("EXTERNAL"));
    set(lb, "network_stack", s(b, "network_stack").unwrap_or("IPV4"));
    set(lb, "type", s(b, "type").unwrap_or("REGIONAL"));
    set(
        lb,
        "domains",
        b.get("domains").cloned().unwrap_or(json!([])),
    );
    set(
        lb,
        "glb_settings",
        b.get("glb_settings").cloned().unwrap_or(Value::Null),
    );
    set(
        lb,
        "target_load_balancer_ids",
        b.get("target_load_balancer_ids")
            .cloned()
            .unwrap_or(json!([])),
    );
    set(
        lb,
        "tls_cipher_policy",
        s(b, "tls_cipher_policy").unwrap_or("DEFAULT"),
    );
    set(lb, "droplet_ids", droplet_ids);
    set(lb, "tag", tag);
    Ok(())
}

async fn list(ctx: Ctx) -> R {
    let docs = ctx.store().list("lb").await?;
    Ok(ctx.list("load_balancers", docs))
}

async fn create(ctx: Ctx, Body(b): Body) -> R {
    let mut tx = ctx.store().begin().await?;
    let id = uuid();
    let mut lb = ctx.spec().template("load_balancer");
    set(&mut lb, "id", id.as_str());
    configure(&mut tx, &ctx, &mut lb, &b, &id).await?;
    set(&mut lb, "created_at", iso(ctx.now));
    set(&mut lb, "status", "new");
    set(&mut lb, "ip", "");
    set(&mut lb, "ipv6", "");
    let ip = public_ip(&mut tx).await?;
    let ipv6 = if lb.get("network_stack").and_then(Value::as_str) == Some("DUALSTACK") {
        public_ipv6(&mut tx).await?
    } else {
        String::new()
    };
    let project = match s(&b, "project_id") {
        Some(p) => p.to_string(),
        None => super::default_project(&mut tx).await?,
    };
    set(&mut lb, "project_id", project.as_str());
    pending(
        &ctx,
        &mut lb,
        json!({"status": "active", "ip": ip, "ipv6": ipv6}),
    );
    tx.put("lb", &id, "", &lb).await?;
    assign_project(
        &mut tx,
        &ctx,
        &format!("do:loadbalancer:{id}"),
        Some(&project),
    )
    .await?;
    tx.commit().await?;
    Ok(ctx.reply("load_balancer", ctx.show(&lb)))
}

async fn get(ctx: Ctx, Path(id): Path<String>) -> R {
    let lb = ctx
        .store()
        .get("lb", &id)
        .await?
        .ok_or_else(DoError::not_found)?;
    Ok(ctx.reply("load_balancer", ctx.show(&lb)))
}

/// The load balancer, once active (changes to one still being created are refused).
async fn active(tx: &mut Tx<'_>, ctx: &Ctx, id: &str) -> Result<Value, DoError> {
    let mut lb = tx.get("lb", id).await?.ok_or_else(DoError::not_found)?;
    if present::is_pending(&lb, ctx.now) {
        return Err(DoError::unprocessable(
            "the load balancer is still being created: try again once its status is active",
        ));
    }
    present::settle(&mut lb, ctx.now);
    Ok(lb)
}

async fn update(ctx: Ctx, Path(id): Path<String>, Body(b): Body) -> R {
    let mut tx = ctx.store().begin().await?;
    let mut lb = active(&mut tx, &ctx, &id).await?;
    configure(&mut tx, &ctx, &mut lb, &b, &id).await?;
    tx.put("lb", &id, "", &lb).await?;
    tx.commit().await?;
    Ok(ctx.reply("load_balancer", ctx.show(&lb)))
}

async fn delete(ctx: Ctx, Path(id): Path<String>) -> R {
    let mut tx = ctx.store().begin().await?;
    if !tx.delete("lb", &id).await? {
        return Err(DoError::not_found());
    }
    unassign(&mut tx, &format!("do:loadbalancer:{id}")).await?;
    tx.commit().await?;
    Ok(ctx.no_content())
}

async fn change_droplets(ctx: Ctx, id: String, b: Map<String, Value>, add: bool) -> R {
    let mut tx = ctx.store().begin().await?;
    let mut lb = active(&mut tx, &ctx, &id).await?;
    let region = lb
        .pointer("/region/slug")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if !lb
        .get("tag")
        .and_then(Value::as_str)
        .unwrap_or("")
        .is_empty()
    {
        return Err(DoError::unprocessable(
            "this load balancer selects droplets by tag: droplets cannot be added or removed by id",
        ));
    }
    let ids = droplets(&mut tx, b.get("droplet_ids"), &region).await?;
    let mut current: Vec<i64> = lb
        .get("droplet_ids")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_i64).collect())
        .unwrap_or_default();
    for i in ids {
        current.retain(|x| *x != i);
        if add {
            current.push(i);
        }
    }
    set(&mut lb, "droplet_ids", current);
    tx.put("lb", &id, "", &lb).await?;
    tx.commit().await?;
    Ok(ctx.no_content())
}

async fn add_droplets(ctx: Ctx, Path(id): Path<String>, Body(b): Body) -> R {
    change_droplets(ctx, id, b, true).await
}

async fn remove_droplets(ctx: Ctx, Path(id): Path<String>, Body(b): Body) -> R {
    change_droplets(ctx, id, b, false).await
}

fn same_rule(a: &Value, b: &Value) -> bool {
    [
        "entry_protocol",
        "entry_port",
        "target_protocol",
        "target_port",
    ]
    .iter()
    .all(|k| a.get(*k) == b.get(*k))
}

async fn change_rules(ctx: Ctx, id: String, b: Map<String, Value>, add: bool) -> R {
    let mut tx = ctx.store().begin().await?;
    let mut lb = active(&mut tx, &ctx, &id).await?;
    let given = rules(&mut tx, b.get("forwarding_rules")).await?;
    let mut current = lb
        .get("forwarding_rules")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for r in given {
        current.retain(|x| !same_rule(x, &r));
        if add {
            current.push(r);
        }
    }
    if current.is_empty() {
        return Err(DoError::unprocessable(
            "a load balancer needs at least one forwarding rule",
        ));
    }
    set(&mut lb, "forwarding_rules", current);
    tx.put("lb", &id, "", &lb).await?;
    tx.commit().await?;
    Ok(ctx.no_content())
}

async fn add_rules(ctx: Ctx, Path(id): Path<String>, Body(b): Body) -> R {
    change_rules(ctx, id, b, true).await
}

async fn remove_rules(ctx: Ctx, Path(id): Path<String>, Body(b): Body) -> R {
    change_rules(ctx, id, b, false).await
}
