//! `/v2/nfs`: NFS shares (UUIDs), per region, reachable from the VPCs they list; actions
//! (resize, attach, detach, reassign, switch the performance tier).
//!
//! A share is `CREATING` until the settle delay has passed, then `ACTIVE` with its `host` (an
//! address of its first VPC's range, as DigitalOcean gives one) — the way droplets get their
//! addresses only once active. Every request may name the share's region (`?region=`, as
//! DigitalOcean's clients send it); a share of another region is not found. Snapshots are not
//! simulated.

use super::{
    R, RegionUse, Routes, check_hostname, check_region, id_of, iso, s, set, str_list, uuid,
};
use crate::ctx::{Body, Ctx};
use crate::error::DoError;
use crate::present;
use crate::store::Tx;
use axum::extract::Path;
use serde_json::{Map, Value, json};

/// The smallest share (DigitalOcean: "Size must be greater than or equal to 50Gib").
const MIN_GIB: i64 = 50;

/// The largest share the sandbox accepts (16 TiB, as volumes).
const MAX_GIB: i64 = 16_384;

/// The account number in mount paths (`/<account>/<share id>`).
const ACCOUNT_NUMBER: &str = "100001";

pub(crate) fn routes(r: Routes) -> Routes {
    r.at("GET /v2/nfs", list)
        .at("POST /v2/nfs", create)
        .at("GET /v2/nfs/{nfs_id}", get)
        .at("DELETE /v2/nfs/{nfs_id}", delete)
        .at("POST /v2/nfs/{nfs_id}/actions", action)
}

fn region_of(v: &Value) -> &str {
    v.get("region").and_then(Value::as_str).unwrap_or("")
}

/// `standard`, `high` (either case, or DigitalOcean's `PERFORMANCE_TIER_…` form) as answered.
fn tier(text: &str) -> Result<&'static str, DoError> {
    let t = text.to_ascii_lowercase();
    match t.strip_prefix("performance_tier_").unwrap_or(&t) {
        "standard" => Ok("PERFORMANCE_TIER_STANDARD"),
        "high" => Ok("PERFORMANCE_TIER_HIGH"),
        _ => Err(DoError::unprocessable(format!(
            "`performance_tier`: `{text}` is not one of standard, high"
        ))),
    }
}

fn check_size(field: &str, size: Option<i64>) -> Result<i64, DoError> {
    match size {
        Some(n) if n < MIN_GIB => Err(DoError::bad_request(format!(
            "The value for '{field}' must be greater than or equal to {MIN_GIB}Gib."
        ))),
        Some(n) if n > MAX_GIB => Err(DoError::unprocessable(format!(
            "`{field}`: {n} is out of range (a share has {MIN_GIB} GiB to 16 TiB)"
        ))),
        Some(n) => Ok(n),
        None => Err(DoError::unprocessable(format!("`{field}` is required"))),
    }
}

/// The VPC must exist and be in the share's region.
async fn check_vpc(tx: &mut Tx<'_>, field: &str, id: &str, region: &str) -> Result<Value, DoError> {
    let Some(vpc) = tx.get("vpc", id).await? else {
        return Err(DoError::unprocessable(format!(
            "`{field}`: VPC {id} does not exist"
        )));
    };
    let vr = vpc.get("region").and_then(Value::as_str).unwrap_or("");
    if vr != region {
        return Err(DoError::unprocessable(format!(
            "`{field}`: VPC {id} is in {vr}, not in {region}"
        )));
    }
    Ok(vpc)
}

/// The next address of the VPC's range for an NFS server (from `.2` up, wrapping in the range).
async fn host_in(tx: &mut Tx<'_>, vpc: &Value) -> Result<String, DoError> {
    let range = vpc
        .get("ip_range")
        .and_then(Value::as_str)
        .and_then(super::vpcs::parse_cidr)
        .unwrap_or((0x0a80_0000, 20));
    let n = tx.next("nfs_host", 0).await?;
    let size = 1u64 << (32 - u32::from(range.1.min(30)));
    let offset = 2 + u64::try_from(n).unwrap_or(0) % (size - 3);
    let ip = range.0.wrapping_add(u32::try_from(offset).unwrap_or(2));
    Ok(std::net::Ipv4Addr::from(ip).to_string())
}

/// A share of the request's `?region=` (any region without one), or 404.
async fn find(tx: &mut Tx<'_>, ctx: &Ctx, id: &str) -> Result<Value, DoError> {
    let v = tx.get("nfs", id).await?.ok_or_else(DoError::not_found)?;
    if ctx.q("region").is_some_and(|r| r != region_of(&v)) {
        return Err(DoError::not_found());
    }
    Ok(v)
}

async fn list(ctx: Ctx) -> R {
    let mut docs = ctx.store().list("nfs").await?;
    if let Some(r) = ctx.q("region") {
        docs.retain(|v| region_of(v) == r);
    }
    Ok(ctx.list("shares", docs))
}

async fn create(ctx: Ctx, Body(b): Body) -> R {
    let name = s(&b, "name").unwrap_or_default().to_string();
    check_hostname("name", &name, 64)?;
    let region = s(&b, "region").unwrap_or_default().to_string();
    check_region(ctx.spec(), &region, RegionUse::Any)?;
    let size = check_size("size_gib", super::int(&b, "size_gib"))?;
    let performance_tier = tier(s(&b, "performance_tier").unwrap_or("standard"))?;
    let vpc_ids = str_list(b.get("vpc_ids"));
    if vpc_ids.is_empty() {
        return Err(DoError::unprocessable(
            "`vpc_ids`: a share needs at least one VPC to be reachable from",
        ));
    }
    let mut tx = ctx.store().begin().await?;
    let mut first = None;
    for (i, id) in vpc_ids.iter().enumerate() {
        let vpc = check_vpc(&mut tx, &format!("vpc_ids[{i}]"), id, &region).await?;
        first.get_or_insert(vpc);
    }
    let taken = tx
        .list("nfs")
        .await?
        .iter()
        .any(|v| super::name_of(v) == name && region_of(v) == region);
    if taken {
        return Err(DoError::unprocessable(format!(
            "`name`: a share named `{name}` already exists in {region}"
        )));
    }
    let host = match &first {
        Some(vpc) => host_in(&mut tx, vpc).await?,
        None => String::new(),
    };
    let id = uuid();
    let mut v = ctx.spec().template("nfs_share");
    set(&mut v, "id", id.as_str());
    set(&mut v, "name", name.as_str());
    set(&mut v, "size_gib", size);
    set(&mut v, "region", region.as_str());
    set(&mut v, "status", "CREATING");
    set(&mut v, "created_at", iso(ctx.now));
    set(&mut v, "vpc_ids", vpc_ids);
    set(&mut v, "performance_tier", performance_tier);
    set(&mut v, "mount_path", format!("/{ACCOUNT_NUMBER}/{id}"));
    set(&mut v, "host", "");
    set(
        &mut v,
        "access_points",
        json!([{
            "id": uuid(),
            "name": "default",
            "share_id": id,
            "path": "/",
            "status": "ACCESS_POINT_ACTIVE",
            "is_default": true,
            "created_at": iso(ctx.now),
            "updated_at": iso(ctx.now),
            "access_policy": {
                "anonuid": 65534,
                "anongid": 65534,
                "protocols": ["NFS4", "NFS"],
                "squash_config": "ROOT_SQUASH",
                "identity_enforcement_enabled": false
            }
        }]),
    );
    super::pending(&ctx, &mut v, json!({"status": "ACTIVE", "host": host}));
    tx.put("nfs", &id, "", &v).await?;
    tx.commit().await?;
    Ok(ctx.reply("share", ctx.show(&v)))
}

async fn get(ctx: Ctx, Path(id): Path<String>) -> R {
    let mut tx = ctx.store().begin().await?;
    let v = find(&mut tx, &ctx, &id).await?;
    drop(tx);
    Ok(ctx.reply("share", ctx.show(&v)))
}

async fn delete(ctx: Ctx, Path(id): Path<String>) -> R {
    let mut tx = ctx.store().begin().await?;
    let v = find(&mut tx, &ctx, &id).await?;
    tx.delete("nfs", &id_of(&v)).await?;
    tx.commit().await?;
    Ok(ctx.no_content())
}

/// The share's `vpc_ids` after an attach, detach or reassign.
async fn vpcs_after(
    tx: &mut Tx<'_>,
    kind: &str,
    params: &Map<String, Value>,
    region: &str,
    mut vpcs: Vec<String>,
) -> Result<Vec<String>, DoError> {
    let param = |k: &str| {
        s(params, k)
            .map(str::to_string)
            .ok_or_else(|| DoError::unprocessable(format!("`params.{k}` is required")))
    };
    match kind {
        "attach" => {
            let id = param("vpc_id")?;
            check_vpc(tx, "params.vpc_id", &id, region).await?;
            if vpcs.contains(&id) {
                return Err(DoError::unprocessable(format!(
                    "the share is already attached to VPC {id}"
                )));
            }
            vpcs.push(id);
        }
        "detach" => {
            let id = param("vpc_id")?;
            if !vpcs.contains(&id) {
                return Err(DoError::unprocessable(format!(
                    "the share is not attached to VPC {id}"
                )));
            }
            vpcs.retain(|v| *v != id);
        }
        _ => {
            let old = param("old_vpc_id")?;
            let new = param("new_vpc_id")?;
            if !vpcs.contains(&old) {
                return Err(DoError::unprocessable(format!(
                    "the share is not attached to VPC {old}"
                )));
            }
            check_vpc(tx, "params.new_vpc_id", &new, region).await?;
            vpcs.retain(|v| *v != old && *v != new);
            vpcs.push(new);
        }
    }
    Ok(vpcs)
}

/// Resize (grow only), attach, detach, reassign, switch the performance tier: the effect is
/// immediate, the action completes after the settle delay.
async fn action(ctx: Ctx, Path(id): Path<String>, Body(b): Body) -> R {
    let mut tx = ctx.store().begin().await?;
    let mut v = find(&mut tx, &ctx, &id).await?;
    if present::is_pending(&v, ctx.now) {
        return Err(DoError::unprocessable(
            "the share is still being created (CREATING): wait until it is ACTIVE",
        ));
    }
    present::settle(&mut v, ctx.now);
    if let Some(r) = s(&b, "region")
        && r != region_of(&v)
    {
        return Err(DoError::unprocessable(format!(
            "`region`: the share is in {}, not in {r}",
            region_of(&v)
        )));
    }
    let empty = Map::new();
    let params = b.get("params").and_then(Value::as_object).unwrap_or(&empty);
    let region = region_of(&v).to_string();
    let kind = s(&b, "type").unwrap_or_default().to_string();
    let action_type = match kind.as_str() {
        "resize" => {
            let size = check_size("params.size_gib", super::int(params, "size_gib"))?;
            let current = v.get("size_gib").and_then(Value::as_i64).unwrap_or(0);
            if size <= current {
                return Err(DoError::unprocessable(format!(
                    "`params.size_gib`: a share can only grow ({current} GiB now, {size} asked)"
                )));
            }
            set(&mut v, "size_gib", size);
            "RESIZE_SHARE"
        }
        "attach" | "detach" | "reassign" => {
            let vpcs = str_list(v.get("vpc_ids"));
            let vpcs = vpcs_after(&mut tx, &kind, params, &region, vpcs).await?;
            let status = if vpcs.is_empty() {
                "INACTIVE"
            } else {
                "ACTIVE"
            };
            set(&mut v, "vpc_ids", vpcs);
            set(&mut v, "status", status);
            match kind.as_str() {
                "attach" => "ATTACH_SHARE",
                "detach" => "DETACH_SHARE",
                _ => "REASSIGN_SHARE",
            }
        }
        "switch_performance_tier" => {
            let t = s(params, "performance_tier")
                .ok_or_else(|| DoError::unprocessable("`params.performance_tier` is required"))?;
            set(&mut v, "performance_tier", tier(t)?);
            "SWITCH_PERFORMANCE_TIER"
        }
        other => {
            return Err(DoError::unprocessable(format!(
                "`type`: `{other}` is not simulated by the sandbox (resize, attach, detach, reassign, switch_performance_tier are)"
            )));
        }
    };
    tx.put("nfs", &id, "", &v).await?;
    tx.commit().await?;
    let mut a = json!({
        "id": uuid(),
        "region_slug": region,
        "resource_id": id,
        "resource_type": "SHARE",
        "type": action_type,
        "status": "IN_PROGRESS",
        "started_at": iso(ctx.now),
    });
    super::pending(&ctx, &mut a, json!({"status": "COMPLETED"}));
    Ok(ctx.reply("action", ctx.show(&a)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn performance_tiers_in_either_form() {
        assert_eq!(tier("standard").ok(), Some("PERFORMANCE_TIER_STANDARD"));
        assert_eq!(tier("HIGH").ok(), Some("PERFORMANCE_TIER_HIGH"));
        assert_eq!(
            tier("PERFORMANCE_TIER_HIGH").ok(),
            Some("PERFORMANCE_TIER_HIGH")
        );
        assert!(tier("turbo").is_err());
    }

    #[test]
    fn sizes_from_50_gib() {
        assert_eq!(check_size("size_gib", Some(50)).ok(), Some(50));
        let e = check_size("size_gib", Some(49)).expect_err("too small");
        assert_eq!(e.status.as_u16(), 400);
        assert!(check_size("size_gib", Some(MAX_GIB + 1)).is_err());
        assert!(check_size("size_gib", None).is_err());
    }
}
