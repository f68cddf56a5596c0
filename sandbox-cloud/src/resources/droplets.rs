//! `/v2/droplets`: droplets (integer ids, `new` → `active`, addresses once active), the
//! droplet limit, droplet actions and the firewalls that apply to a droplet.

use super::{
    R, RegionUse, Routes, assign_project, check_region, ensure_tags, filter_tag, id_of, iso,
    new_action, pending, public_ip, public_ipv6, quota_error, region_obj, s, set, str_list,
    tags_from, unassign,
};
use crate::ctx::{Body, Ctx};
use crate::error::{DoError, Error};
use crate::present;
use crate::spec::SpecData;
use crate::store::Tx;
use axum::extract::Path;
use serde_json::{Value, json};

pub(crate) fn routes(r: Routes) -> Routes {
    r.at("GET /v2/droplets", list)
        .at("POST /v2/droplets", create)
        .at("DELETE /v2/droplets", delete_by_tag)
        .at("GET /v2/droplets/{droplet_id}", get)
        .at("DELETE /v2/droplets/{droplet_id}", delete)
        .at("GET /v2/droplets/{droplet_id}/actions", list_actions)
        .at("POST /v2/droplets/{droplet_id}/actions", post_action)
        .at(
            "GET /v2/droplets/{droplet_id}/actions/{action_id}",
            get_action,
        )
        .at("GET /v2/droplets/{droplet_id}/firewalls", firewalls)
}

/// The `size` object of a droplet.
pub(crate) fn size_obj(spec: &SpecData, slug: &str) -> Value {
    let z = spec.droplet_size(slug);
    let vcpus = z.and_then(|z| z.vcpus).unwrap_or(1);
    let gib = z.and_then(|z| z.memory_gib).unwrap_or(1.0);
    let disk = z.and_then(|z| z.disk_gib).unwrap_or(25 * vcpus);
    let monthly = (6.0 * f64::from(vcpus) * gib.max(1.0).sqrt()).round();
    let regions: Vec<&str> = spec
        .slugs
        .regions
        .iter()
        .filter(|r| r.available)
        .map(|r| r.slug.as_str())
        .collect();
    json!({
        "slug": slug,
        "memory": (gib * 1024.0).round() as i64,
        "vcpus": vcpus,
        "disk": disk,
        "transfer": f64::from(vcpus),
        "price_monthly": monthly,
        "price_hourly": (monthly / 672.0 * 100_000.0).round() / 100_000.0,
        "regions": regions,
        "available": true,
        "description": "Droplet",
        "disk_info": [{"type": "local", "size": {"amount": disk, "unit": "gib"}}],
    })
}

pub(crate) fn check_size(spec: &SpecData, field: &str, slug: &str) -> Result<(), DoError> {
    if spec.droplet_size(slug).is_some() {
        return Ok(());
    }
    let examples: Vec<&str> = spec
        .slugs
        .droplet_sizes
        .iter()
        .take(8)
        .map(|z| z.slug.as_str())
        .collect();
    Err(DoError::unprocessable(format!(
        "`{field}`: `{slug}` is not a droplet size slug (e.g. {}, …; GET /v2/sizes lists them)",
        examples.join(", ")
    )))
}

fn image_obj(ctx: &Ctx, image: &Value) -> Result<Value, DoError> {
    let slug = match image {
        Value::String(s) => s.clone(),
        Value::Number(n) => {
            return Err(DoError::unprocessable(format!(
                "`image`: image {n} could not be found (the sandbox has distribution images only: {})",
                ctx.spec().slugs.images.join(", ")
            )));
        }
        _ => String::new(),
    };
    if !ctx.spec().slugs.images.contains(&slug) {
        return Err(DoError::unprocessable(format!(
            "`image`: You specified an invalid image for Droplet creation: `{slug}` (images: {})",
            ctx.spec().slugs.images.join(", ")
        )));
    }
    let distribution = if slug.starts_with("debian") {
        "Debian"
    } else {
        "Ubuntu"
    };
    Ok(json!({
        "id": 100_000 + ctx.spec().slugs.images.iter().position(|i| *i == slug).unwrap_or(0),
        "name": slug.trim_end_matches("-x64").replace('-', " "),
        "type": "base",
        "distribution": distribution,
        "slug": slug,
        "public": true,
        "regions": ctx.spec().slugs.regions.iter().filter(|r| r.available).map(|r| r.slug.clone()).collect::<Vec<_>>(),
        "created_at": "2024-04-25T00:00:00Z",
        "min_disk_size": 7,
        "size_gigabytes": 2.5,
        "description": "",
        "tags": [],
        "status": "available",
        "error_message": "",
    }))
}

/// The next private address of a VPC (kept in the VPC document).
pub(crate) async fn private_ip(tx: &mut Tx<'_>, vpc_id: &str) -> Result<String, Error> {
    let Some(mut vpc) = tx.get("vpc", vpc_id).await? else {
        return Ok(String::new());
    };
    let net = vpc
        .get("ip_range")
        .and_then(Value::as_str)
        .and_then(super::vpcs::parse_cidr)
        .unwrap_or((0x0a00_0000, 20));
    let host = vpc.get("_next_host").and_then(Value::as_u64).unwrap_or(2);
    set(&mut vpc, "_next_host", host + 1);
    tx.put("vpc", vpc_id, "", &vpc).await?;
    let size = 1u64 << (32 - u32::from(net.1));
    let ip = net
        .0
        .wrapping_add(u32::try_from(host % size.max(1)).unwrap_or(2));
    let [a, b, c, d] = ip.to_be_bytes();
    Ok(format!("{a}.{b}.{c}.{d}"))
}

async fn list(ctx: Ctx) -> R {
    let mut docs = filter_tag(&ctx, ctx.store().list("droplet").await?);
    if let Some(n) = ctx.q("name") {
        docs.retain(|d| super::name_of(d) == n);
    }
    if ctx.q("type") == Some("gpus") {
        docs.clear();
    }
    Ok(ctx.list("droplets", docs))
}

async fn create(ctx: Ctx, Body(b): Body) -> R {
    let names: Vec<String> = match s(&b, "name") {
        Some(n) => vec![n.to_string()],
        None => str_list(b.get("names")),
    };
    if names.is_empty() || names.len() > 10 {
        return Err(DoError::unprocessable(
            "`names`: between 1 and 10 droplets can be created at once",
        ));
    }
    let size = s(&b, "size").unwrap_or_default();
    check_size(ctx.spec(), "size", size)?;
    let image = image_obj(&ctx, b.get("image").unwrap_or(&Value::Null))?;
    let region = s(&b, "region").unwrap_or("nyc3");
    check_region(ctx.spec(), region, RegionUse::Any)?;
    let tags = tags_from(&b, "tags")?;
    let mut tx = ctx.store().begin().await?;
    let in_use = super::droplets_in_use(&mut tx).await?;
    let limit = ctx.config().droplet_limit;
    if in_use + names.len() > limit as usize {
        return Err(quota_error(limit, in_use, names.len()));
    }
    let vpc = super::vpc_for(&mut tx, &ctx, "vpc_uuid", s(&b, "vpc_uuid"), region).await?;
    for (i, k) in str_list(b.get("ssh_keys")).iter().enumerate() {
        let found = if k.parse::<i64>().is_ok() {
            tx.get("ssh_key", k).await?.is_some()
        } else {
            tx.list("ssh_key")
                .await?
                .iter()
                .any(|d| d.get("fingerprint").and_then(Value::as_str) == Some(k))
        };
        if !found {
            return Err(DoError::unprocessable(format!(
                "`ssh_keys[{i}]`: SSH key {k} could not be found"
            )));
        }
    }
    let volume_ids = str_list(b.get("volumes"));
    if !volume_ids.is_empty() && names.len() > 1 {
        return Err(DoError::unprocessable(
            "`volumes` can only be attached when creating one droplet",
        ));
    }
    for (i, v) in volume_ids.iter().enumerate() {
        let vol = tx.get("volume", v).await?.ok_or_else(|| {
            DoError::unprocessable(format!("`volumes[{i}]`: volume {v} could not be found"))
        })?;
        if vol.pointer("/region/slug").and_then(Value::as_str) != Some(region) {
            return Err(DoError::unprocessable(format!(
                "`volumes[{i}]`: volume {v} is not in {region}"
            )));
        }
        if !str_list(vol.get("droplet_ids")).is_empty() {
            return Err(DoError::unprocessable(format!(
                "`volumes[{i}]`: volume {v} is already attached to a droplet"
            )));
        }
    }
    ensure_tags(&mut tx, &tags).await?;
    let mut features = vec!["private_networking"];
    for (flag, feature) in [
        ("ipv6", "ipv6"),
        ("backups", "backups"),
        ("monitoring", "monitoring"),
    ] {
        if b.get(flag).and_then(Value::as_bool) == Some(true) {
            features.push(feature);
        }
    }
    let size_obj = size_obj(ctx.spec(), size);
    let mut out = Vec::new();
    let mut actions = Vec::new();
    for name in &names {
        let id = tx.next("droplet", 300_000_000).await?;
        let mut d = ctx.spec().template("droplet");
        set(&mut d, "id", id);
        set(&mut d, "name", name.as_str());
        set(&mut d, "memory", size_obj["memory"].clone());
        set(&mut d, "vcpus", size_obj["vcpus"].clone());
        set(&mut d, "disk", size_obj["disk"].clone());
        set(&mut d, "disk_info", size_obj["disk_info"].clone());
        set(&mut d, "locked", false);
        set(&mut d, "status", "new");
        set(&mut d, "kernel", Value::Null);
        set(&mut d, "created_at", iso(ctx.now));
        set(&mut d, "features", features.clone());
        set(&mut d, "backup_ids", json!([]));
        set(&mut d, "next_backup_window", Value::Null);
        set(&mut d, "snapshot_ids", json!([]));
        set(&mut d, "image", image.clone());
        set(&mut d, "volume_ids", volume_ids.clone());
        set(&mut d, "size", size_obj.clone());
        set(&mut d, "size_slug", size);
        set(&mut d, "networks", json!({"v4": [], "v6": []}));
        set(&mut d, "region", region_obj(ctx.spec(), region));
        set(&mut d, "tags", tags.clone());
        set(&mut d, "vpc_uuid", vpc.as_str());
        set(&mut d, "gpu_info", Value::Null);
        if let Some(u) = s(&b, "user_data") {
            set(&mut d, "_user_data_bytes", u.len());
        }
        let public = public_ip(&mut tx).await?;
        let private = private_ip(&mut tx, &vpc).await?;
        let mut v6 = Vec::new();
        if features.contains(&"ipv6") {
            v6.push(json!({"ip_address": public_ipv6(&mut tx).await?, "netmask": 64, "gateway": "2001:db8::1", "type": "public"}));
        }
        let networks = json!({
            "v4": [
                {"ip_address": public, "netmask": "255.255.240.0", "gateway": gateway(&public), "type": "public"},
                {"ip_address": private, "netmask": "255.255.240.0", "gateway": "", "type": "private"},
            ],
            "v6": v6,
        });
        pending(
            &ctx,
            &mut d,
            json!({"status": "active", "networks": networks}),
        );
        tx.put("droplet", &id.to_string(), "", &d).await?;
        for v in &volume_ids {
            if let Some(mut vol) = tx.get("volume", v).await? {
                set(&mut vol, "droplet_ids", json!([id]));
                tx.put("volume", v, "", &vol).await?;
            }
        }
        assign_project(&mut tx, &ctx, &format!("do:droplet:{id}"), None).await?;
        let a = new_action(&mut tx, &ctx, "create", json!(id), "droplet", Some(region)).await?;
        actions.push(json!({
            "id": a["id"],
            "rel": "create",
            "href": format!("{}/v2/actions/{}", ctx.base, a["id"]),
        }));
        out.push(d);
    }
    tx.commit().await?;
    let links = json!({"actions": actions});
    if s(&b, "name").is_some() {
        let d = out.first().map(|d| ctx.show(d)).unwrap_or(Value::Null);
        Ok(ctx.reply_raw(json!({"droplet": d, "links": links})))
    } else {
        let ds: Vec<Value> = out.iter().map(|d| ctx.show(d)).collect();
        Ok(ctx.reply_raw(json!({"droplets": ds, "links": links})))
    }
}

fn gateway(ip: &str) -> String {
    match ip.rsplit_once('.') {
        Some((net, _)) => format!("{net}.1"),
        None => String::new(),
    }
}

async fn get(ctx: Ctx, Path(id): Path<String>) -> R {
    let d = find(&ctx, &id).await?;
    Ok(ctx.reply("droplet", ctx.show(&d)))
}

async fn find(ctx: &Ctx, id: &str) -> Result<Value, DoError> {
    if id.parse::<i64>().is_err() {
        return Err(DoError::not_found());
    }
    ctx.store()
        .get("droplet", id)
        .await?
        .ok_or_else(DoError::not_found)
}

/// Removes a droplet and every reference to it (volumes, load balancers, firewalls, reserved
/// IPs, its project).
pub(crate) async fn remove(tx: &mut Tx<'_>, id: &str) -> Result<(), Error> {
    tx.delete("droplet", id).await?;
    let n: i64 = id.parse().unwrap_or_default();
    for (kind, field) in [
        ("volume", "droplet_ids"),
        ("lb", "droplet_ids"),
        ("firewall", "droplet_ids"),
    ] {
        for mut doc in tx.list(kind).await? {
            let ids = str_list(doc.get(field));
            if ids.iter().any(|x| x == id) {
                let keep: Vec<Value> = doc
                    .get(field)
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter(|v| v.as_i64() != Some(n))
                            .cloned()
                            .collect()
                    })
                    .unwrap_or_default();
                set(&mut doc, field, keep);
                tx.put(kind, &id_of(&doc), "", &doc).await?;
            }
        }
    }
    for mut ip in tx.list("reserved_ip").await? {
        if ip.pointer("/droplet/id").and_then(Value::as_i64) == Some(n) {
            set(&mut ip, "droplet", Value::Null);
            let key = ip
                .get("ip")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            tx.put("reserved_ip", &key, "", &ip).await?;
        }
    }
    unassign(tx, &format!("do:droplet:{id}")).await?;
    Ok(())
}

async fn delete(ctx: Ctx, Path(id): Path<String>) -> R {
    find(&ctx, &id).await?;
    let mut tx = ctx.store().begin().await?;
    remove(&mut tx, &id).await?;
    tx.commit().await?;
    Ok(ctx.no_content())
}

async fn delete_by_tag(ctx: Ctx) -> R {
    let Some(tag) = ctx.q("tag_name").map(str::to_string) else {
        return Err(DoError::unprocessable(
            "the `tag_name` query parameter is required to delete droplets by tag",
        ));
    };
    let mut tx = ctx.store().begin().await?;
    for d in tx.list("droplet").await? {
        if super::has_tag(&d, &tag) {
            remove(&mut tx, &id_of(&d)).await?;
        }
    }
    tx.commit().await?;
    Ok(ctx.no_content())
}

async fn list_actions(ctx: Ctx, Path(id): Path<String>) -> R {
    find(&ctx, &id).await?;
    let docs = super::account::actions_of(&ctx, &format!("droplet:{id}")).await?;
    Ok(ctx.list("actions", docs))
}

async fn get_action(ctx: Ctx, Path((id, action)): Path<(String, String)>) -> R {
    let a = super::account::action_of(&ctx, &format!("droplet:{id}"), &action).await?;
    Ok(ctx.reply("action", a))
}

async fn post_action(ctx: Ctx, Path(id): Path<String>, Body(b): Body) -> R {
    let kind = s(&b, "type").unwrap_or_default().to_string();
    let mut tx = ctx.store().begin().await?;
    let Some(mut d) = (match id.parse::<i64>() {
        Ok(_) => tx.get("droplet", &id).await?,
        Err(_) => None,
    }) else {
        return Err(DoError::not_found());
    };
    let busy = present::is_pending(&d, ctx.now)
        || tx
            .children("action", &format!("droplet:{id}"))
            .await?
            .iter()
            .any(|a| present::is_pending(a, ctx.now));
    if busy {
        return Err(DoError::unprocessable(
            "Droplet already has a pending event.",
        ));
    }
    present::settle(&mut d, ctx.now);
    match kind.as_str() {
        "power_off" | "shutdown" => set(&mut d, "status", "off"),
        "power_on" | "reboot" | "power_cycle" => set(&mut d, "status", "active"),
        "rename" => {
            let name = s(&b, "name")
                .ok_or_else(|| DoError::unprocessable("`name` is required to rename"))?;
            super::check_hostname("name", name, 255)?;
            set(&mut d, "name", name);
        }
        "resize" => {
            let size = s(&b, "size")
                .ok_or_else(|| DoError::unprocessable("`size` is required to resize"))?;
            check_size(ctx.spec(), "size", size)?;
            if d.get("status").and_then(Value::as_str) != Some("off") {
                return Err(DoError::unprocessable(
                    "Droplet must be powered off before it can be resized",
                ));
            }
            let z = size_obj(ctx.spec(), size);
            for k in ["memory", "vcpus"] {
                set(&mut d, k, z[k].clone());
            }
            if b.get("disk").and_then(Value::as_bool) == Some(true) {
                set(&mut d, "disk", z["disk"].clone());
            }
            set(&mut d, "size", z);
            set(&mut d, "size_slug", size);
        }
        "enable_ipv6" | "enable_backups" | "disable_backups" => {
            let feature = if kind == "enable_ipv6" {
                "ipv6"
            } else {
                "backups"
            };
            let mut f = str_list(d.get("features"));
            f.retain(|x| x != feature);
            if kind != "disable_backups" {
                f.push(feature.into());
            }
            set(&mut d, "features", f);
        }
        _ => {}
    }
    tx.put("droplet", &id, "", &d).await?;
    let region = d
        .pointer("/region/slug")
        .and_then(Value::as_str)
        .map(str::to_string);
    let rid = id.parse::<i64>().map_or_else(|_| json!(id), |n| json!(n));
    let a = new_action(&mut tx, &ctx, &kind, rid, "droplet", region.as_deref()).await?;
    tx.commit().await?;
    Ok(ctx.reply("action", ctx.show(&a)))
}

async fn firewalls(ctx: Ctx, Path(id): Path<String>) -> R {
    let d = find(&ctx, &id).await?;
    let tags = str_list(d.get("tags"));
    let n: i64 = id.parse().unwrap_or_default();
    let docs: Vec<Value> = ctx
        .store()
        .list("firewall")
        .await?
        .into_iter()
        .filter(|f| {
            f.get("droplet_ids")
                .and_then(Value::as_array)
                .is_some_and(|a| a.iter().any(|v| v.as_i64() == Some(n)))
                || str_list(f.get("tags")).iter().any(|t| tags.contains(t))
        })
        .collect();
    Ok(ctx.list("firewalls", docs))
}
