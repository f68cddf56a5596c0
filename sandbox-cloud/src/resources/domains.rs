//! `/v2/domains`: domains (by name) with their zone file, and records (integer ids).
//! A new domain gets DigitalOcean's SOA and three NS records, and an A record for `@` when
//! `ip_address` is given.

use super::{R, Routes, assign_project, iso, s, set, unassign};
use crate::ctx::{Body, Ctx};
use crate::error::{DoError, Error};
use crate::store::Tx;
use axum::extract::Path;
use serde_json::{Map, Value, json};

pub(crate) fn routes(r: Routes) -> Routes {
    r.at("GET /v2/domains", list)
        .at("POST /v2/domains", create)
        .at("GET /v2/domains/{domain_name}", get)
        .at("DELETE /v2/domains/{domain_name}", delete)
        .at("GET /v2/domains/{domain_name}/records", list_records)
        .at("POST /v2/domains/{domain_name}/records", create_record)
        .at(
            "GET /v2/domains/{domain_name}/records/{domain_record_id}",
            get_record,
        )
        .at(
            "PUT /v2/domains/{domain_name}/records/{domain_record_id}",
            update_record,
        )
        .at(
            "PATCH /v2/domains/{domain_name}/records/{domain_record_id}",
            update_record,
        )
        .at(
            "DELETE /v2/domains/{domain_name}/records/{domain_record_id}",
            delete_record,
        )
}

const TTL: i64 = 1800;

fn valid_domain(name: &str) -> bool {
    let labels: Vec<&str> = name.split('.').collect();
    name.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.chars().all(|c| c.is_ascii_alphabetic()))
}

async fn zone_file(tx: &mut Tx<'_>, name: &str) -> Result<String, Error> {
    let mut out = format!("$ORIGIN {name}.\n$TTL {TTL}\n");
    for r in tx.children("record", name).await? {
        let rname = r.get("name").and_then(Value::as_str).unwrap_or("@");
        let owner = if rname == "@" {
            format!("{name}.")
        } else {
            format!("{rname}.{name}.")
        };
        let ty = r.get("type").and_then(Value::as_str).unwrap_or("");
        let data = r.get("data").and_then(Value::as_str).unwrap_or("");
        let ttl = r.get("ttl").and_then(Value::as_i64).unwrap_or(TTL);
        let prio = match r.get("priority").and_then(Value::as_i64) {
            Some(p) => format!("{p} "),
            None => String::new(),
        };
        out.push_str(&format!("{owner} {ttl} IN {ty} {prio}{data}\n"));
    }
    Ok(out)
}

async fn with_zone(tx: &mut Tx<'_>, mut d: Value) -> Result<Value, Error> {
    let name = super::name_of(&d).to_string();
    set(&mut d, "zone_file", zone_file(tx, &name).await?);
    Ok(d)
}

async fn list(ctx: Ctx) -> R {
    let docs = ctx.store().list("domain").await?;
    let mut tx = ctx.store().begin().await?;
    let mut out = Vec::with_capacity(docs.len());
    for d in docs {
        out.push(with_zone(&mut tx, d).await?);
    }
    drop(tx);
    Ok(ctx.list("domains", out))
}

async fn add_record(
    tx: &mut Tx<'_>,
    domain: &str,
    fields: Map<String, Value>,
) -> Result<Value, Error> {
    let id = tx.next("record", 3_352_000).await?;
    let mut r = json!({"id": id, "type": "", "name": "@", "data": "", "priority": null,
        "port": null, "ttl": TTL, "weight": null, "flags": null, "tag": null});
    for (k, v) in fields {
        set(&mut r, &k, v);
    }
    tx.put("record", &id.to_string(), domain, &r).await?;
    Ok(r)
}

async fn create(ctx: Ctx, Body(b): Body) -> R {
    let name = s(&b, "name")
        .unwrap_or_default()
        .trim_end_matches('.')
        .to_ascii_lowercase();
    if !valid_domain(&name) {
        return Err(DoError::unprocessable(format!(
            "`name`: `{name}` is not a valid domain name"
        )));
    }
    let ip = s(&b, "ip_address").map(str::to_string);
    if let Some(ip) = &ip
        && ip.parse::<std::net::Ipv4Addr>().is_err()
    {
        return Err(DoError::unprocessable(format!(
            "`ip_address`: `{ip}` is not an IPv4 address"
        )));
    }
    let mut tx = ctx.store().begin().await?;
    if tx.get("domain", &name).await?.is_some() {
        return Err(DoError::unprocessable(format!(
            "`name`: the domain `{name}` already exists"
        )));
    }
    let d = json!({"name": name, "ttl": TTL, "zone_file": "", "_created_at": iso(ctx.now)});
    tx.put("domain", &name, "", &d).await?;
    let serial = ctx.now / 1000;
    let soa =
        format!("1800 ns1.digitalocean.com. hostmaster.{name}. {serial} 10800 3600 604800 1800");
    let mut base = vec![Map::from_iter([
        ("type".into(), json!("SOA")),
        ("data".into(), json!(soa)),
        ("ttl".into(), json!(1800)),
    ])];
    for ns in ["ns1", "ns2", "ns3"] {
        base.push(Map::from_iter([
            ("type".into(), json!("NS")),
            ("data".into(), json!(format!("{ns}.digitalocean.com"))),
        ]));
    }
    if let Some(ip) = &ip {
        base.push(Map::from_iter([
            ("type".into(), json!("A")),
            ("data".into(), json!(ip)),
        ]));
    }
    for fields in base {
        add_record(&mut tx, &name, fields).await?;
    }
    assign_project(&mut tx, &ctx, &format!("do:domain:{name}"), None).await?;
    let d = with_zone(&mut tx, d).await?;
    tx.commit().await?;
    let mut shown = d;
    if let Some(o) = shown.as_object_mut() {
        o.remove("zone_file");
    }
    Ok(ctx.reply("domain", ctx.show(&shown)))
}

async fn get(ctx: Ctx, Path(name): Path<String>) -> R {
    let mut tx = ctx.store().begin().await?;
    let d = tx
        .get("domain", &name)
        .await?
        .ok_or_else(DoError::not_found)?;
    let d = with_zone(&mut tx, d).await?;
    drop(tx);
    Ok(ctx.reply("domain", ctx.show(&d)))
}

async fn delete(ctx: Ctx, Path(name): Path<String>) -> R {
    let mut tx = ctx.store().begin().await?;
    if !tx.delete("domain", &name).await? {
        return Err(DoError::not_found());
    }
    tx.delete_children("record", &name).await?;
    unassign(&mut tx, &format!("do:domain:{name}")).await?;
    tx.commit().await?;
    Ok(ctx.no_content())
}

async fn list_records(ctx: Ctx, Path(name): Path<String>) -> R {
    if ctx.store().get("domain", &name).await?.is_none() {
        return Err(DoError::not_found());
    }
    let mut docs = ctx.store().children("record", &name).await?;
    if let Some(t) = ctx.q("type") {
        docs.retain(|r| r.get("type").and_then(Value::as_str) == Some(t));
    }
    if let Some(fqdn) = ctx.q("name") {
        let fqdn = fqdn.trim_end_matches('.');
        docs.retain(|r| {
            let n = r.get("name").and_then(Value::as_str).unwrap_or("@");
            let full = if n == "@" {
                name.clone()
            } else {
                format!("{n}.{name}")
            };
            full == fqdn
        });
    }
    Ok(ctx.list("domain_records", docs))
}

/// Checks a record's fields as DigitalOcean does for its type.
fn check_record(domain: &str, r: &Map<String, Value>) -> Result<Map<String, Value>, DoError> {
    let ty = s(r, "type").unwrap_or_default();
    let mut out = Map::new();
    out.insert("type".into(), json!(ty));
    let mut name = s(r, "name").unwrap_or("@").to_string();
    // A fully qualified name inside the zone is stored relative to it, as DigitalOcean does.
    let suffix = format!(".{domain}");
    let trimmed = name.trim_end_matches('.').to_string();
    if trimmed == domain {
        name = "@".into();
    } else if let Some(rel) = trimmed.strip_suffix(&suffix) {
        name = rel.to_string();
    }
    let name_ok = name == "@"
        || name.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '*')
        });
    if !name_ok {
        return Err(DoError::unprocessable(format!(
            "`name`: `{name}` is not a valid record name"
        )));
    }
    out.insert("name".into(), json!(name));
    let data = s(r, "data").unwrap_or_default();
    let data_ok = match ty {
        "A" => data.parse::<std::net::Ipv4Addr>().is_ok(),
        "AAAA" => data.parse::<std::net::Ipv6Addr>().is_ok(),
        "CNAME" | "MX" | "NS" | "SRV" => data == "@" || valid_domain(data.trim_end_matches('.')),
        _ => true,
    };
    if !data_ok {
        return Err(DoError::unprocessable(format!(
            "`data`: `{data}` is not valid for a {ty} record"
        )));
    }
    out.insert("data".into(), json!(data));
    let ttl = super::int(r, "ttl").unwrap_or(TTL);
    if ttl < 30 {
        return Err(DoError::unprocessable(format!(
            "`ttl`: {ttl} is below the minimum of 30 seconds"
        )));
    }
    out.insert("ttl".into(), json!(ttl));
    for k in ["priority", "port", "weight", "flags"] {
        if let Some(n) = super::int(r, k) {
            if !(0..=65535).contains(&n) {
                return Err(DoError::unprocessable(format!(
                    "`{k}`: {n} is out of range (0 to 65535)"
                )));
            }
            out.insert(k.into(), json!(n));
        }
    }
    if let Some(t) = s(r, "tag") {
        out.insert("tag".into(), json!(t));
    }
    Ok(out)
}

async fn create_record(ctx: Ctx, Path(name): Path<String>, Body(b): Body) -> R {
    let fields = check_record(&name, &b)?;
    let mut tx = ctx.store().begin().await?;
    if tx.get("domain", &name).await?.is_none() {
        return Err(DoError::not_found());
    }
    if fields.get("type") == Some(&json!("CNAME")) {
        let clash =
            tx.children("record", &name).await?.iter().any(|r| {
                r.get("name") == fields.get("name") && r.get("type") != Some(&json!("CNAME"))
            });
        if clash {
            return Err(DoError::unprocessable(
                "CNAME records cannot share a name with other records",
            ));
        }
    }
    let r = add_record(&mut tx, &name, fields).await?;
    tx.commit().await?;
    Ok(ctx.reply("domain_record", r))
}

async fn find_record(ctx: &Ctx, domain: &str, id: &str) -> Result<Value, DoError> {
    ctx.store()
        .children("record", domain)
        .await?
        .into_iter()
        .find(|r| super::id_of(r) == id)
        .ok_or_else(DoError::not_found)
}

async fn get_record(ctx: Ctx, Path((name, id)): Path<(String, String)>) -> R {
    let r = find_record(&ctx, &name, &id).await?;
    Ok(ctx.reply("domain_record", r))
}

async fn update_record(ctx: Ctx, Path((name, id)): Path<(String, String)>, Body(b): Body) -> R {
    let r = find_record(&ctx, &name, &id).await?;
    let mut merged = r.as_object().cloned().unwrap_or_default();
    for (k, v) in b {
        merged.insert(k, v);
    }
    let fields = check_record(&name, &merged)?;
    let mut r = r;
    for (k, v) in fields {
        set(&mut r, &k, v);
    }
    let mut tx = ctx.store().begin().await?;
    tx.put("record", &id, &name, &r).await?;
    tx.commit().await?;
    Ok(ctx.reply("domain_record", r))
}

async fn delete_record(ctx: Ctx, Path((name, id)): Path<(String, String)>) -> R {
    find_record(&ctx, &name, &id).await?;
    let mut tx = ctx.store().begin().await?;
    tx.delete("record", &id).await?;
    tx.commit().await?;
    Ok(ctx.no_content())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_and_records() {
        assert!(valid_domain("shop.example.com"));
        assert!(!valid_domain("localhost"));
        assert!(!valid_domain("-a.example.com"));
        let rec = |v: Value| check_record("example.com", v.as_object().expect("obj"));
        assert_eq!(
            rec(json!({"type": "A", "name": "www.example.com.", "data": "1.2.3.4"})).expect("ok")["name"],
            "www"
        );
        assert!(rec(json!({"type": "A", "name": "www", "data": "not-ip"})).is_err());
        assert!(rec(json!({"type": "CNAME", "name": "w", "data": "lb.example.net."})).is_ok());
        assert!(rec(json!({"type": "TXT", "name": "@", "data": "v=spf1", "ttl": 5})).is_err());
    }
}
