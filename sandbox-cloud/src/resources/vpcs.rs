//! `/v2/vpcs`: VPC networks, each region's default VPC, members.

use super::{R, RegionUse, Routes, check_region, id_of, iso, name_taken, s, set, uuid};
use crate::ctx::{Body, Ctx};
use crate::error::{DoError, Error};
use crate::store::Tx;
use axum::extract::Path;
use serde_json::{Value, json};

pub(crate) fn routes(r: Routes) -> Routes {
    r.at("GET /v2/vpcs", list)
        .at("POST /v2/vpcs", create)
        .at("GET /v2/vpcs/{vpc_id}", get)
        .at("PUT /v2/vpcs/{vpc_id}", update)
        .at("PATCH /v2/vpcs/{vpc_id}", update)
        .at("DELETE /v2/vpcs/{vpc_id}", delete)
        .at("GET /v2/vpcs/{vpc_id}/members", members)
}

/// `a.b.c.d/n` as (network address, prefix length).
pub(crate) fn parse_cidr(text: &str) -> Option<(u32, u8)> {
    let (addr, len) = text.split_once('/')?;
    let len: u8 = len.parse().ok().filter(|l| *l <= 32)?;
    let octets: Vec<u8> = addr
        .split('.')
        .map(|o| o.parse::<u8>().ok())
        .collect::<Option<Vec<_>>>()?;
    let [a, b, c, d] = octets.as_slice() else {
        return None;
    };
    let ip = u32::from_be_bytes([*a, *b, *c, *d]);
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
    (ip & mask == ip).then_some((ip, len))
}

fn overlaps(a: (u32, u8), b: (u32, u8)) -> bool {
    let len = a.1.min(b.1);
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
    a.0 & mask == b.0 & mask
}

fn rfc1918(net: (u32, u8)) -> bool {
    [(0x0a00_0000, 8), (0xac10_0000, 12), (0xc0a8_0000, 16)]
        .iter()
        .any(|(base, len)| net.1 >= *len && overlaps(net, (*base, *len)))
}

fn format_cidr(net: (u32, u8)) -> String {
    let [a, b, c, d] = net.0.to_be_bytes();
    format!("{a}.{b}.{c}.{d}/{}", net.1)
}

async fn ranges_in_use(tx: &mut Tx<'_>) -> Result<Vec<(String, (u32, u8))>, Error> {
    Ok(tx
        .list("vpc")
        .await?
        .iter()
        .filter_map(|v| {
            let r = v.get("ip_range")?.as_str()?;
            Some((super::name_of(v).to_string(), parse_cidr(r)?))
        })
        .collect())
}

/// A free /20 in 10.0.0.0/8 (from 10.100.0.0 on, as DigitalOcean's defaults look).
async fn free_range(tx: &mut Tx<'_>) -> Result<Option<(u32, u8)>, Error> {
    let used = ranges_in_use(tx).await?;
    for i in 0u32..4096 {
        let base = 0x0a00_0000u32 + ((0x64_0000 + (i << 12)) & 0x00ff_f000);
        let cand = (base, 20);
        if !used.iter().any(|(_, r)| overlaps(*r, cand)) {
            return Ok(Some(cand));
        }
    }
    Ok(None)
}

fn new_doc(ctx: &Ctx, name: &str, region: &str, range: (u32, u8), default: bool) -> Value {
    let id = uuid();
    let mut v = ctx.spec().template("vpc");
    set(&mut v, "id", id.clone());
    set(&mut v, "urn", format!("do:vpc:{id}"));
    set(&mut v, "name", name);
    set(&mut v, "description", "");
    set(&mut v, "region", region);
    set(&mut v, "ip_range", format_cidr(range));
    set(&mut v, "default", default);
    set(&mut v, "created_at", iso(ctx.now));
    v
}

/// The region's default VPC, created on first use.
pub(crate) async fn default_vpc(
    tx: &mut Tx<'_>,
    ctx: &Ctx,
    region: &str,
) -> Result<String, DoError> {
    if let Some(v) = tx.list("vpc").await?.into_iter().find(|v| {
        v.get("region").and_then(Value::as_str) == Some(region)
            && v.get("default").and_then(Value::as_bool) == Some(true)
    }) {
        return Ok(id_of(&v));
    }
    let range = free_range(tx)
        .await?
        .ok_or_else(|| DoError::unprocessable("no free IP range left for a default VPC"))?;
    let v = new_doc(ctx, &format!("default-{region}"), region, range, true);
    let id = id_of(&v);
    tx.put("vpc", &id, "", &v).await?;
    Ok(id)
}

async fn list(ctx: Ctx) -> R {
    let docs = ctx.store().list("vpc").await?;
    Ok(ctx.list("vpcs", docs))
}

async fn create(ctx: Ctx, Body(b): Body) -> R {
    let name = s(&b, "name").unwrap_or_default();
    let region = s(&b, "region").unwrap_or_default();
    check_region(ctx.spec(), region, RegionUse::Any)?;
    let mut tx = ctx.store().begin().await?;
    if name_taken(&tx.list("vpc").await?, name, None) {
        return Err(DoError::unprocessable(format!(
            "`name`: a VPC named `{name}` already exists"
        )));
    }
    let range = match s(&b, "ip_range") {
        Some(text) => {
            let net = parse_cidr(text).ok_or_else(|| {
                DoError::unprocessable(format!(
                    "`ip_range`: `{text}` is not a network in CIDR notation (e.g. 10.10.0.0/20)"
                ))
            })?;
            if !(16..=28).contains(&net.1) {
                return Err(DoError::unprocessable(format!(
                    "`ip_range`: /{} is not allowed: a VPC range may not be smaller than /28 nor larger than /16",
                    net.1
                )));
            }
            if !rfc1918(net) {
                return Err(DoError::unprocessable(format!(
                    "`ip_range`: {text} is not a private (RFC 1918) range"
                )));
            }
            if let Some((other, _)) = ranges_in_use(&mut tx)
                .await?
                .into_iter()
                .find(|(_, r)| overlaps(*r, net))
            {
                return Err(DoError::unprocessable(format!(
                    "`ip_range`: {text} overlaps the range of VPC `{other}`"
                )));
            }
            net
        }
        None => free_range(&mut tx)
            .await?
            .ok_or_else(|| DoError::unprocessable("no free IP range left"))?,
    };
    let mut v = new_doc(&ctx, name, region, range, false);
    if let Some(d) = s(&b, "description") {
        set(&mut v, "description", d);
    }
    tx.put("vpc", &id_of(&v), "", &v).await?;
    tx.commit().await?;
    Ok(ctx.reply("vpc", v))
}

async fn get(ctx: Ctx, Path(id): Path<String>) -> R {
    let v = ctx
        .store()
        .get("vpc", &id)
        .await?
        .ok_or_else(DoError::not_found)?;
    Ok(ctx.reply("vpc", v))
}

async fn update(ctx: Ctx, Path(id): Path<String>, Body(b): Body) -> R {
    let mut tx = ctx.store().begin().await?;
    let mut v = tx.get("vpc", &id).await?.ok_or_else(DoError::not_found)?;
    if let Some(name) = s(&b, "name") {
        if name_taken(&tx.list("vpc").await?, name, Some(&id)) {
            return Err(DoError::unprocessable(format!(
                "`name`: a VPC named `{name}` already exists"
            )));
        }
        set(&mut v, "name", name);
    }
    if let Some(d) = b.get("description").and_then(Value::as_str) {
        set(&mut v, "description", d);
    }
    match b.get("default").and_then(Value::as_bool) {
        Some(true) => {
            let region = v.get("region").cloned().unwrap_or(Value::Null);
            for mut other in tx.list("vpc").await? {
                if other.get("region") == Some(&region)
                    && other.get("default") == Some(&Value::Bool(true))
                    && id_of(&other) != id
                {
                    set(&mut other, "default", false);
                    tx.put("vpc", &id_of(&other), "", &other).await?;
                }
            }
            set(&mut v, "default", true);
        }
        Some(false) if v.get("default") == Some(&Value::Bool(true)) => {
            return Err(DoError::unprocessable(
                "`default` cannot be unset: make another VPC of the region the default instead",
            ));
        }
        _ => {}
    }
    tx.put("vpc", &id, "", &v).await?;
    tx.commit().await?;
    Ok(ctx.reply("vpc", v))
}

/// Resources in a VPC: `(urn, name, created_at)`.
pub(crate) async fn member_list(tx: &mut Tx<'_>, id: &str) -> Result<Vec<Value>, Error> {
    let mut out = Vec::new();
    let kinds = [
        ("droplet", "vpc_uuid", "droplet"),
        ("k8s", "vpc_uuid", "kubernetes"),
        ("database", "private_network_uuid", "dbaas"),
        ("lb", "vpc_uuid", "loadbalancer"),
    ];
    for (kind, field, urn) in kinds {
        for d in tx.list(kind).await? {
            if d.get(field).and_then(Value::as_str) == Some(id) {
                out.push(json!({
                    "urn": format!("do:{urn}:{}", id_of(&d)),
                    "name": super::name_of(&d),
                    "created_at": d.get("created_at").cloned().unwrap_or(Value::Null),
                }));
            }
        }
    }
    Ok(out)
}

async fn members(ctx: Ctx, Path(id): Path<String>) -> R {
    let mut tx = ctx.store().begin().await?;
    if tx.get("vpc", &id).await?.is_none() {
        return Err(DoError::not_found());
    }
    let mut docs = member_list(&mut tx, &id).await?;
    drop(tx);
    if let Some(t) = ctx.q("resource_type") {
        let prefix = format!("do:{t}:");
        docs.retain(|m| {
            m.get("urn")
                .and_then(Value::as_str)
                .is_some_and(|u| u.starts_with(&prefix))
        });
    }
    Ok(ctx.list_shown("members", docs))
}

async fn delete(ctx: Ctx, Path(id): Path<String>) -> R {
    let mut tx = ctx.store().begin().await?;
    let v = tx.get("vpc", &id).await?.ok_or_else(DoError::not_found)?;
    if v.get("default").and_then(Value::as_bool) == Some(true) {
        return Err(DoError::forbidden(
            "The default VPC of a region can not be deleted",
        ));
    }
    let members = member_list(&mut tx, &id).await?;
    if !members.is_empty() {
        return Err(DoError::forbidden(format!(
            "This VPC still has {} member resource(s) and can not be deleted",
            members.len()
        )));
    }
    tx.delete("vpc", &id).await?;
    tx.commit().await?;
    Ok(ctx.no_content())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr() {
        assert_eq!(parse_cidr("10.10.0.0/20"), Some((0x0a0a_0000, 20)));
        assert_eq!(parse_cidr("10.10.0.1/20"), None, "host bits set");
        assert_eq!(parse_cidr("10.10.0/20"), None);
        let a = parse_cidr("10.10.0.0/16").expect("a");
        let b = parse_cidr("10.10.128.0/20").expect("b");
        assert!(overlaps(a, b));
        assert!(!overlaps(b, parse_cidr("10.11.0.0/20").expect("c")));
        assert!(rfc1918(parse_cidr("172.20.0.0/16").expect("d")));
        assert!(!rfc1918(parse_cidr("8.8.0.0/16").expect("e")));
    }
}
