//! `/v2/firewalls`: cloud firewalls (`waiting` → `succeeded`), their rules, droplets and tags.

use super::{R, Routes, ensure_tags, id_of, iso, pending, s, set, str_list, tags_from, uuid};
use crate::ctx::{Body, Ctx};
use crate::error::DoError;
use crate::present;
use crate::store::Tx;
use axum::extract::Path;
use serde_json::{Map, Value, json};

pub(crate) fn routes(r: Routes) -> Routes {
    r.at("GET /v2/firewalls", list)
        .at("POST /v2/firewalls", create)
        .at("GET /v2/firewalls/{firewall_id}", get)
        .at("PUT /v2/firewalls/{firewall_id}", update)
        .at("DELETE /v2/firewalls/{firewall_id}", delete)
        .at("POST /v2/firewalls/{firewall_id}/droplets", add_droplets)
        .at(
            "DELETE /v2/firewalls/{firewall_id}/droplets",
            remove_droplets,
        )
        .at("POST /v2/firewalls/{firewall_id}/tags", add_tags)
        .at("DELETE /v2/firewalls/{firewall_id}/tags", remove_tags)
        .at("POST /v2/firewalls/{firewall_id}/rules", add_rules)
        .at("DELETE /v2/firewalls/{firewall_id}/rules", remove_rules)
}

/// `ports`: a port, a range `8000-9000`, `all`, or `0` (all, for icmp).
fn valid_ports(p: &str) -> bool {
    let port = |x: &str| x.parse::<u32>().is_ok_and(|n| (1..=65535).contains(&n));
    match p.split_once('-') {
        _ if p == "all" || p == "0" => true,
        Some((a, b)) => port(a) && port(b) && a.parse::<u32>().ok() <= b.parse::<u32>().ok(),
        None => port(p),
    }
}

/// Checks and normalises inbound or outbound rules.
async fn rules(tx: &mut Tx<'_>, key: &str, v: Option<&Value>) -> Result<Vec<Value>, DoError> {
    let side = if key == "inbound_rules" {
        "sources"
    } else {
        "destinations"
    };
    let mut out = Vec::new();
    for (i, r) in v
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let at = format!("{key}[{i}]");
        let protocol = r.get("protocol").and_then(Value::as_str).unwrap_or("");
        let ports = match r.get("ports") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ if protocol == "icmp" => "0".to_string(),
            _ => {
                return Err(DoError::unprocessable(format!(
                    "`{at}.ports` is required for {protocol}"
                )));
            }
        };
        if !valid_ports(&ports) {
            return Err(DoError::unprocessable(format!(
                "`{at}.ports`: `{ports}` is not a port, a range (8000-9000) or `all`"
            )));
        }
        let target = r.get(side).cloned().unwrap_or_else(|| json!({}));
        for (j, id) in str_list(target.get("droplet_ids")).iter().enumerate() {
            if tx.get("droplet", id).await?.is_none() {
                return Err(DoError::unprocessable(format!(
                    "`{at}.{side}.droplet_ids[{j}]`: droplet {id} does not exist"
                )));
            }
        }
        for (j, id) in str_list(target.get("kubernetes_ids")).iter().enumerate() {
            if tx.get("k8s", id).await?.is_none() {
                return Err(DoError::unprocessable(format!(
                    "`{at}.{side}.kubernetes_ids[{j}]`: cluster {id} does not exist"
                )));
            }
        }
        for (j, id) in str_list(target.get("load_balancer_uids"))
            .iter()
            .enumerate()
        {
            if tx.get("lb", id).await?.is_none() {
                return Err(DoError::unprocessable(format!(
                    "`{at}.{side}.load_balancer_uids[{j}]`: load balancer {id} does not exist"
                )));
            }
        }
        for (j, a) in str_list(target.get("addresses")).iter().enumerate() {
            let (addr, len) = a.split_once('/').unwrap_or((a, "32"));
            if addr.parse::<std::net::IpAddr>().is_err() || len.parse::<u8>().is_err() {
                return Err(DoError::unprocessable(format!(
                    "`{at}.{side}.addresses[{j}]`: `{a}` is not an address or CIDR"
                )));
            }
        }
        out.push(json!({"protocol": protocol, "ports": ports, side: target}));
    }
    Ok(out)
}

async fn droplet_ids(tx: &mut Tx<'_>, v: Option<&Value>) -> Result<Vec<i64>, DoError> {
    let mut out = Vec::new();
    for (i, id) in str_list(v).iter().enumerate() {
        if tx.get("droplet", id).await?.is_none() {
            return Err(DoError::unprocessable(format!(
                "`droplet_ids[{i}]`: droplet {id} does not exist"
            )));
        }
        out.push(id.parse().unwrap_or_default());
    }
    Ok(out)
}

async fn configure(tx: &mut Tx<'_>, fw: &mut Value, b: &Map<String, Value>) -> Result<(), DoError> {
    let inbound = rules(tx, "inbound_rules", b.get("inbound_rules")).await?;
    let outbound = rules(tx, "outbound_rules", b.get("outbound_rules")).await?;
    let ids = droplet_ids(tx, b.get("droplet_ids")).await?;
    let tags = tags_from(b, "tags")?;
    ensure_tags(tx, &tags).await?;
    set(fw, "name", s(b, "name").unwrap_or_default());
    set(fw, "inbound_rules", inbound);
    set(fw, "outbound_rules", outbound);
    set(fw, "droplet_ids", ids);
    set(fw, "tags", tags);
    Ok(())
}

fn settling(ctx: &Ctx, fw: &mut Value) {
    set(fw, "status", "waiting");
    pending(ctx, fw, json!({"status": "succeeded"}));
}

async fn list(ctx: Ctx) -> R {
    let docs = ctx.store().list("firewall").await?;
    Ok(ctx.list("firewalls", docs))
}

async fn create(ctx: Ctx, Body(b): Body) -> R {
    let mut tx = ctx.store().begin().await?;
    let id = uuid();
    let mut fw = ctx.spec().template("firewall");
    set(&mut fw, "id", id.as_str());
    set(&mut fw, "created_at", iso(ctx.now));
    set(&mut fw, "pending_changes", json!([]));
    configure(&mut tx, &mut fw, &b).await?;
    settling(&ctx, &mut fw);
    tx.put("firewall", &id, "", &fw).await?;
    tx.commit().await?;
    Ok(ctx.reply("firewall", ctx.show(&fw)))
}

async fn get(ctx: Ctx, Path(id): Path<String>) -> R {
    let fw = ctx
        .store()
        .get("firewall", &id)
        .await?
        .ok_or_else(DoError::not_found)?;
    Ok(ctx.reply("firewall", ctx.show(&fw)))
}

async fn update(ctx: Ctx, Path(id): Path<String>, Body(b): Body) -> R {
    let mut tx = ctx.store().begin().await?;
    let mut fw = tx
        .get("firewall", &id)
        .await?
        .ok_or_else(DoError::not_found)?;
    present::settle(&mut fw, ctx.now);
    configure(&mut tx, &mut fw, &b).await?;
    settling(&ctx, &mut fw);
    tx.put("firewall", &id, "", &fw).await?;
    tx.commit().await?;
    Ok(ctx.reply("firewall", ctx.show(&fw)))
}

async fn delete(ctx: Ctx, Path(id): Path<String>) -> R {
    let mut tx = ctx.store().begin().await?;
    if !tx.delete("firewall", &id).await? {
        return Err(DoError::not_found());
    }
    tx.commit().await?;
    Ok(ctx.no_content())
}

/// A change to one list of the firewall (droplets, tags, rules), then `waiting` again.
async fn change(
    ctx: Ctx,
    id: String,
    f: impl AsyncFnOnce(&mut Tx<'_>, &mut Value) -> Result<(), DoError>,
) -> R {
    let mut tx = ctx.store().begin().await?;
    let mut fw = tx
        .get("firewall", &id)
        .await?
        .ok_or_else(DoError::not_found)?;
    present::settle(&mut fw, ctx.now);
    f(&mut tx, &mut fw).await?;
    settling(&ctx, &mut fw);
    tx.put("firewall", &id_of(&fw), "", &fw).await?;
    tx.commit().await?;
    Ok(ctx.no_content())
}

async fn add_droplets(ctx: Ctx, Path(id): Path<String>, Body(b): Body) -> R {
    change(ctx, id, async move |tx, fw| {
        let ids = droplet_ids(tx, b.get("droplet_ids")).await?;
        let mut cur: Vec<i64> = str_list(fw.get("droplet_ids"))
            .iter()
            .filter_map(|x| x.parse().ok())
            .collect();
        for i in ids {
            if !cur.contains(&i) {
                cur.push(i);
            }
        }
        set(fw, "droplet_ids", cur);
        Ok(())
    })
    .await
}

async fn remove_droplets(ctx: Ctx, Path(id): Path<String>, Body(b): Body) -> R {
    change(ctx, id, async move |_tx, fw| {
        let ids = str_list(b.get("droplet_ids"));
        let cur: Vec<i64> = str_list(fw.get("droplet_ids"))
            .iter()
            .filter(|x| !ids.contains(x))
            .filter_map(|x| x.parse().ok())
            .collect();
        set(fw, "droplet_ids", cur);
        Ok(())
    })
    .await
}

async fn add_tags(ctx: Ctx, Path(id): Path<String>, Body(b): Body) -> R {
    change(ctx, id, async move |tx, fw| {
        let tags = tags_from(&b, "tags")?;
        ensure_tags(tx, &tags).await?;
        let mut cur = str_list(fw.get("tags"));
        for t in tags {
            if !cur.contains(&t) {
                cur.push(t);
            }
        }
        set(fw, "tags", cur);
        Ok(())
    })
    .await
}

async fn remove_tags(ctx: Ctx, Path(id): Path<String>, Body(b): Body) -> R {
    change(ctx, id, async move |_tx, fw| {
        let gone = str_list(b.get("tags"));
        let cur: Vec<String> = str_list(fw.get("tags"))
            .into_iter()
            .filter(|t| !gone.contains(t))
            .collect();
        set(fw, "tags", cur);
        Ok(())
    })
    .await
}

async fn change_rules(ctx: Ctx, id: String, b: Map<String, Value>, add: bool) -> R {
    change(ctx, id, async move |tx, fw| {
        for key in ["inbound_rules", "outbound_rules"] {
            let given = rules(tx, key, b.get(key)).await?;
            let mut cur = fw
                .get(key)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            for r in given {
                cur.retain(|x| *x != r);
                if add {
                    cur.push(r);
                }
            }
            set(fw, key, cur);
        }
        Ok(())
    })
    .await
}

async fn add_rules(ctx: Ctx, Path(id): Path<String>, Body(b): Body) -> R {
    change_rules(ctx, id, b, true).await
}

async fn remove_rules(ctx: Ctx, Path(id): Path<String>, Body(b): Body) -> R {
    change_rules(ctx, id, b, false).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports() {
        for (p, ok) in [
            ("80", true),
            ("8000-9000", true),
            ("all", true),
            ("0", true),
            ("9000-8000", false),
            ("70000", false),
            ("http", false),
        ] {
            assert_eq!(valid_ports(p), ok, "{p}");
        }
    }
}
