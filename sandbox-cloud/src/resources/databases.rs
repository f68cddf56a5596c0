//! `/v2/databases`: clusters (`creating` → `online`) with their databases, users, connection
//! pools, firewall (trusted sources), configuration, eviction policy and read replicas.
//!
//! Passwords (and the password part of connection URIs) are blanked for tokens without
//! `database:view_credentials`, as DigitalOcean does.

use super::{
    R, RegionUse, Routes, assign_project, check_region, ensure_tags, filter_tag, iso, name_taken,
    pending, random_word, s, set, str_list, tags_from, unassign, uuid,
};
use crate::ctx::{Body, Ctx};
use crate::error::DoError;
use crate::present;
use crate::spec::SpecData;
use crate::store::Tx;
use axum::extract::Path;
use base64::Engine as _;
use serde_json::{Map, Value, json};

pub(crate) fn routes(r: Routes) -> Routes {
    const C: &str = "/v2/databases/{database_cluster_uuid}";
    let at = |m: &str, tail: &str| format!("{m} {C}{tail}");
    r.at("GET /v2/databases/options", options)
        .at("GET /v2/databases", list)
        .at("POST /v2/databases", create)
        .at(&at("GET", ""), get)
        .at(&at("DELETE", ""), delete)
        .at(&at("PUT", "/resize"), resize)
        .at(&at("PUT", "/maintenance"), maintenance)
        .at(&at("GET", "/config"), get_config)
        .at(&at("PATCH", "/config"), patch_config)
        .at(&at("GET", "/ca"), ca)
        .at(&at("GET", "/firewall"), get_firewall)
        .at(&at("PUT", "/firewall"), put_firewall)
        .at(&at("GET", "/replicas"), list_replicas)
        .at(&at("POST", "/replicas"), create_replica)
        .at(&at("GET", "/replicas/{replica_name}"), get_replica)
        .at(&at("DELETE", "/replicas/{replica_name}"), delete_replica)
        .at(&at("GET", "/users"), list_users)
        .at(&at("POST", "/users"), add_user)
        .at(&at("GET", "/users/{username}"), get_user)
        .at(&at("PUT", "/users/{username}"), update_user)
        .at(&at("DELETE", "/users/{username}"), delete_user)
        .at(&at("POST", "/users/{username}/reset_auth"), reset_auth)
        .at(&at("GET", "/dbs"), list_dbs)
        .at(&at("POST", "/dbs"), add_db)
        .at(&at("GET", "/dbs/{database_name}"), get_db)
        .at(&at("DELETE", "/dbs/{database_name}"), delete_db)
        .at(&at("GET", "/pools"), list_pools)
        .at(&at("POST", "/pools"), add_pool)
        .at(&at("GET", "/pools/{pool_name}"), get_pool)
        .at(&at("PUT", "/pools/{pool_name}"), update_pool)
        .at(&at("DELETE", "/pools/{pool_name}"), delete_pool)
        .at(&at("GET", "/eviction_policy"), get_eviction)
        .at(&at("PUT", "/eviction_policy"), put_eviction)
}

// ---- engines --------------------------------------------------------------------------

/// (URI scheme, port, default database, admin user) per engine.
fn engine_facts(engine: &str) -> (&'static str, u16, &'static str, &'static str) {
    match engine {
        "pg" | "advanced_pg" => ("postgresql", 25060, "defaultdb", "doadmin"),
        "mysql" | "advanced_mysql" => ("mysql", 25060, "defaultdb", "doadmin"),
        "redis" | "valkey" => ("rediss", 25061, "", "default"),
        "mongodb" => ("mongodb+srv", 27017, "admin", "doadmin"),
        "kafka" => ("kafka", 25073, "", "doadmin"),
        _ => ("https", 25060, "", "doadmin"),
    }
}

fn has_dbs(engine: &str) -> bool {
    matches!(
        engine,
        "pg" | "advanced_pg" | "mysql" | "advanced_mysql" | "mongodb"
    )
}

fn has_users(engine: &str) -> bool {
    !matches!(engine, "redis" | "valkey")
}

fn connection(engine: &str, host: &str, user: &str, password: &str, db: &str) -> Value {
    let (scheme, port, default_db, _) = engine_facts(engine);
    let db = if db.is_empty() { default_db } else { db };
    let path = if db.is_empty() {
        String::new()
    } else {
        format!("/{db}")
    };
    let query = match engine {
        "pg" | "advanced_pg" | "mysql" | "advanced_mysql" => "?sslmode=require",
        "mongodb" => "?tls=true&authSource=admin",
        _ => "",
    };
    json!({
        "uri": format!("{scheme}://{user}:{password}@{host}:{port}{path}{query}"),
        "database": db,
        "host": host,
        "port": port,
        "user": user,
        "password": password,
        "ssl": true,
    })
}

/// Checks engine, version, size, node count and region against the slugs; returns the version.
fn check_layout(
    spec: &SpecData,
    engine: &str,
    version: Option<&str>,
    size: &str,
    num_nodes: i64,
    region: Option<&str>,
) -> Result<String, DoError> {
    let Some(e) = spec.slugs.database_engines.get(engine) else {
        return Err(DoError::unprocessable(format!(
            "`engine`: `{engine}` is not offered"
        )));
    };
    let version = match version {
        Some(v) => {
            if !e.versions.iter().any(|x| x == v) {
                return Err(DoError::unprocessable(format!(
                    "`version`: {engine} {v} is not offered (versions: {})",
                    e.versions.join(", ")
                )));
            }
            v.to_string()
        }
        None => e.versions.last().cloned().unwrap_or_default(),
    };
    let Some(z) = spec.database_size(size) else {
        return Err(DoError::unprocessable(format!(
            "`size`: `{size}` is not a database size slug (GET /v2/databases/options lists them)"
        )));
    };
    if !z.engines.iter().any(|x| x == engine) {
        return Err(DoError::unprocessable(format!(
            "`size`: {size} is not offered for {engine} (it is for {})",
            z.engines.join(", ")
        )));
    }
    let n = u32::try_from(num_nodes).unwrap_or(0);
    if !z.node_counts.is_empty() && !z.node_counts.contains(&n) {
        return Err(DoError::unprocessable(format!(
            "`num_nodes`: {size} runs with {} node(s), not {num_nodes}",
            join_nums(&z.node_counts)
        )));
    }
    if !e.layouts.is_empty() && !e.layouts.contains(&n) {
        return Err(DoError::unprocessable(format!(
            "`num_nodes`: {engine} runs with {} node(s), not {num_nodes}",
            join_nums(&e.layouts)
        )));
    }
    if let Some(region) = region {
        check_region(spec, region, RegionUse::Databases)?;
        if !e.regions.is_empty() && !e.regions.iter().any(|r| r == region) {
            return Err(DoError::unprocessable(format!(
                "`region`: {engine} is not offered in {region}"
            )));
        }
    }
    Ok(version)
}

fn join_nums(v: &[u32]) -> String {
    v.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
}

fn semantic(engine: &str, version: &str) -> String {
    match engine {
        "pg" | "advanced_pg" => format!("{version}.4"),
        "mysql" => "8.0.39".into(),
        "redis" => "7.2.4".into(),
        "valkey" => "8.0.1".into(),
        "mongodb" => format!("{version}.14"),
        "kafka" => format!("{version}.0"),
        _ => format!("{version}.0"),
    }
}

/// Blanks passwords for tokens without `database:view_credentials`.
fn creds(ctx: &Ctx, mut v: Value) -> Value {
    if !ctx.sees_credentials() {
        redact(&mut v);
    }
    v
}

fn redact(v: &mut Value) {
    match v {
        Value::Object(o) => {
            for (k, x) in o.iter_mut() {
                match (k.as_str(), x) {
                    ("password", x @ Value::String(_)) => *x = Value::String(String::new()),
                    ("uri" | "private_uri", Value::String(u)) => *u = strip_password(u),
                    (_, x) => redact(x),
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(redact),
        _ => {}
    }
}

fn strip_password(uri: &str) -> String {
    let Some(scheme_end) = uri.find("://") else {
        return uri.to_string();
    };
    let rest = &uri[scheme_end + 3..];
    match (rest.find('@'), rest.find(':')) {
        (Some(at), Some(colon)) if colon < at => {
            format!(
                "{}{}:{}",
                &uri[..scheme_end + 3],
                &rest[..colon],
                &rest[at..]
            )
        }
        _ => uri.to_string(),
    }
}

// ---- clusters -------------------------------------------------------------------------

async fn options(ctx: Ctx) -> R {
    let spec = ctx.spec();
    let mut opts = Map::new();
    let mut versions = Map::new();
    for (name, e) in &spec.slugs.database_engines {
        let sizes: Vec<&str> = spec
            .slugs
            .database_sizes
            .iter()
            .filter(|z| z.engines.iter().any(|x| x == name))
            .map(|z| z.slug.as_str())
            .collect();
        let layouts: Vec<Value> = e
            .layouts
            .iter()
            .map(|n| json!({"num_nodes": n, "sizes": sizes}))
            .collect();
        opts.insert(
            name.clone(),
            json!({"regions": e.regions, "versions": e.versions, "layouts": layouts}),
        );
        let avail: Vec<Value> = e
            .versions
            .iter()
            .map(|v| json!({"version": v, "end_of_life": Value::Null, "end_of_availability": Value::Null}))
            .collect();
        versions.insert(name.clone(), Value::Array(avail));
    }
    Ok(ctx.reply_raw(json!({"options": opts, "version_availability": versions})))
}

async fn list(ctx: Ctx) -> R {
    let docs = filter_tag(&ctx, ctx.store().list("database").await?);
    let shown: Vec<Value> = docs.iter().map(|d| creds(&ctx, ctx.show(d))).collect();
    Ok(ctx.list_shown("databases", shown))
}

async fn create(ctx: Ctx, Body(b): Body) -> R {
    let spec = ctx.spec();
    let name = s(&b, "name").unwrap_or_default().to_string();
    super::check_hostname("name", &name, 63)?;
    let engine = s(&b, "engine").unwrap_or_default().to_string();
    let size = s(&b, "size").unwrap_or_default().to_string();
    let region = s(&b, "region").unwrap_or_default().to_string();
    let num_nodes = super::int(&b, "num_nodes").unwrap_or(0);
    let version = check_layout(
        spec,
        &engine,
        s(&b, "version"),
        &size,
        num_nodes,
        Some(&region),
    )?;
    let tags = tags_from(&b, "tags")?;
    if let Some(mib) = super::int(&b, "storage_size_mib")
        && (mib < 10_240 || mib % 1024 != 0)
    {
        return Err(DoError::unprocessable(format!(
            "`storage_size_mib`: {mib} is not a storage size the plan allows (a multiple of 1024, at least 10240)"
        )));
    }
    let mut tx = ctx.store().begin().await?;
    if name_taken(&tx.list("database").await?, &name, None) {
        return Err(DoError::unprocessable(format!(
            "`name`: a database cluster named `{name}` already exists"
        )));
    }
    let vpc = super::vpc_for(
        &mut tx,
        &ctx,
        "private_network_uuid",
        s(&b, "private_network_uuid"),
        &region,
    )
    .await?;
    let rules = firewall_rules(&mut tx, &ctx, b.get("rules"), "").await?;
    ensure_tags(&mut tx, &tags).await?;
    let id = uuid();
    let (_, _, default_db, admin) = engine_facts(&engine);
    let password = random_word(16);
    let short = random_word(6);
    let host = format!("{name}-{short}.db.ondigitalocean.com");
    let private_host = format!("private-{host}");
    let mut d = spec.template("database");
    set(&mut d, "id", id.as_str());
    set(&mut d, "name", name.as_str());
    set(&mut d, "engine", engine.as_str());
    set(&mut d, "version", version.as_str());
    set(&mut d, "semantic_version", semantic(&engine, &version));
    set(&mut d, "num_nodes", num_nodes);
    set(&mut d, "size", size.as_str());
    set(&mut d, "region", region.as_str());
    set(&mut d, "status", "creating");
    set(&mut d, "created_at", iso(ctx.now));
    set(&mut d, "private_network_uuid", vpc.as_str());
    set(&mut d, "tags", tags);
    let db_names: Value = if has_dbs(&engine) {
        json!([default_db])
    } else {
        Value::Null
    };
    set(&mut d, "db_names", db_names);
    set(
        &mut d,
        "connection",
        connection(&engine, &host, admin, &password, ""),
    );
    set(
        &mut d,
        "private_connection",
        connection(&engine, &private_host, admin, &password, ""),
    );
    for k in [
        "ui_connection",
        "schema_registry_connection",
        "standby_connection",
        "standby_private_connection",
    ] {
        set(&mut d, k, Value::Null);
    }
    set(
        &mut d,
        "users",
        json!([{"name": admin, "role": "primary", "password": password}]),
    );
    set(
        &mut d,
        "maintenance_window",
        json!({"day": "tuesday", "hour": "08:00:00", "pending": false, "description": []}),
    );
    set(&mut d, "project_id", s(&b, "project_id").unwrap_or(""));
    set(&mut d, "rules", Value::Null);
    set(&mut d, "version_end_of_life", Value::Null);
    set(&mut d, "version_end_of_availability", Value::Null);
    set(
        &mut d,
        "storage_size_mib",
        super::int(&b, "storage_size_mib").unwrap_or(10_240 * num_nodes.max(1)),
    );
    set(
        &mut d,
        "metrics_endpoints",
        json!([{"host": host, "port": 9273}]),
    );
    set(
        &mut d,
        "do_settings",
        b.get("do_settings")
            .cloned()
            .unwrap_or(json!({"service_cnames": []})),
    );
    set(&mut d, "_firewall", rules);
    set(&mut d, "_pools", json!([]));
    set(&mut d, "_config", json!({}));
    if matches!(engine.as_str(), "redis" | "valkey") {
        set(&mut d, "_eviction_policy", "noeviction");
    }
    pending(&ctx, &mut d, json!({"status": "online"}));
    tx.put("database", &id, "", &d).await?;
    assign_project(
        &mut tx,
        &ctx,
        &format!("do:dbaas:{id}"),
        s(&b, "project_id"),
    )
    .await?;
    tx.commit().await?;
    Ok(ctx.reply("database", creds(&ctx, ctx.show(&d))))
}

async fn find(ctx: &Ctx, id: &str) -> Result<Value, DoError> {
    ctx.store()
        .get("database", id)
        .await?
        .ok_or_else(DoError::not_found)
}

async fn find_tx(tx: &mut Tx<'_>, id: &str) -> Result<Value, DoError> {
    tx.get("database", id).await?.ok_or_else(DoError::not_found)
}

async fn get(ctx: Ctx, Path(id): Path<String>) -> R {
    let d = find(&ctx, &id).await?;
    Ok(ctx.reply("database", creds(&ctx, ctx.show(&d))))
}

async fn delete(ctx: Ctx, Path(id): Path<String>) -> R {
    let mut tx = ctx.store().begin().await?;
    if !tx.delete("database", &id).await? {
        return Err(DoError::not_found());
    }
    for r in tx.children("db_replica", &id).await? {
        tx.delete("db_replica", &format!("{id}/{}", super::name_of(&r)))
            .await?;
    }
    unassign(&mut tx, &format!("do:dbaas:{id}")).await?;
    tx.commit().await?;
    Ok(ctx.no_content())
}

fn engine_of(d: &Value) -> String {
    d.get("engine")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

async fn resize(ctx: Ctx, Path(id): Path<String>, Body(b): Body) -> R {
    let mut tx = ctx.store().begin().await?;
    let mut d = find_tx(&mut tx, &id).await?;
    present::settle(&mut d, ctx.now);
    if d.get("status").and_then(Value::as_str) != Some("online") {
        return Err(DoError::unprocessable(
            "the database cluster is not online yet: try again when it is",
        ));
    }
    let size = s(&b, "size").unwrap_or_default();
    let n = super::int(&b, "num_nodes").unwrap_or(0);
    check_layout(
        ctx.spec(),
        &engine_of(&d),
        d.get("version").and_then(Value::as_str),
        size,
        n,
        None,
    )?;
    set(&mut d, "size", size);
    set(&mut d, "num_nodes", n);
    if let Some(mib) = super::int(&b, "storage_size_mib") {
        set(&mut d, "storage_size_mib", mib);
    }
    set(&mut d, "status", "resizing");
    pending(&ctx, &mut d, json!({"status": "online"}));
    tx.put("database", &id, "", &d).await?;
    tx.commit().await?;
    Ok(ctx.reply_raw(json!({})))
}

async fn maintenance(ctx: Ctx, Path(id): Path<String>, Body(b): Body) -> R {
    const DAYS: &[&str] = &[
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    let day = s(&b, "day").unwrap_or_default().to_ascii_lowercase();
    if !DAYS.contains(&day.as_str()) {
        return Err(DoError::unprocessable(format!(
            "`day`: `{day}` is not a day of the week"
        )));
    }
    let hour = s(&b, "hour").unwrap_or_default();
    let parts: Vec<&str> = hour.split(':').collect();
    let valid = (2..=3).contains(&parts.len())
        && parts[0].parse::<u8>().is_ok_and(|h| h < 24)
        && parts[1].parse::<u8>().is_ok_and(|m| m < 60);
    if !valid {
        return Err(DoError::unprocessable(format!(
            "`hour`: `{hour}` is not a time of day (HH:MM)"
        )));
    }
    let mut tx = ctx.store().begin().await?;
    let mut d = find_tx(&mut tx, &id).await?;
    set(
        &mut d,
        "maintenance_window",
        json!({"day": day, "hour": format!("{}:{}:00", parts[0], parts[1]), "pending": false, "description": []}),
    );
    tx.put("database", &id, "", &d).await?;
    tx.commit().await?;
    Ok(ctx.no_content())
}

async fn get_config(ctx: Ctx, Path(id): Path<String>) -> R {
    let d = find(&ctx, &id).await?;
    Ok(ctx.reply("config", d.get("_config").cloned().unwrap_or(json!({}))))
}

async fn patch_config(ctx: Ctx, Path(id): Path<String>, Body(b): Body) -> R {
    let mut tx = ctx.store().begin().await?;
    let mut d = find_tx(&mut tx, &id).await?;
    let mut config = d
        .get("_config")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    if let Some(c) = b.get("config") {
        present::merge(&mut config, c.clone());
    }
    set(&mut d, "_config", Value::Object(config.clone()));
    tx.put("database", &id, "", &d).await?;
    tx.commit().await?;
    Ok(ctx.reply("config", Value::Object(config)))
}

async fn ca(ctx: Ctx, Path(id): Path<String>) -> R {
    find(&ctx, &id).await?;
    let pem = format!(
        "-----BEGIN CERTIFICATE-----\nU2FuZGJveCBkYXRhYmFzZSBDQSBmb3Ig{}\n-----END CERTIFICATE-----\n",
        base64::engine::general_purpose::STANDARD.encode(id.as_bytes())
    );
    Ok(ctx.reply(
        "ca",
        json!({"certificate": base64::engine::general_purpose::STANDARD.encode(pem)}),
    ))
}

// ---- firewall ---------------------------------------------------------------------------

/// Trusted-source rules, checked: a droplet, cluster or tag must exist, an address must parse.
async fn firewall_rules(
    tx: &mut Tx<'_>,
    ctx: &Ctx,
    rules: Option<&Value>,
    cluster: &str,
) -> Result<Value, DoError> {
    let mut out = Vec::new();
    let items = rules.and_then(Value::as_array).cloned().unwrap_or_default();
    for (i, r) in items.iter().enumerate() {
        let ty = r.get("type").and_then(Value::as_str).unwrap_or("");
        let value = match r.get("value") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => {
                return Err(DoError::unprocessable(format!(
                    "`rules[{i}].value` is required"
                )));
            }
        };
        let ok = match ty {
            "droplet" => tx.get("droplet", &value).await?.is_some(),
            "k8s" => tx.get("k8s", &value).await?.is_some(),
            "tag" => super::check_tag_name(&value).is_ok(),
            "ip_addr" => ip_or_cidr(&value),
            "app" => !value.is_empty(),
            _ => false,
        };
        if !ok {
            return Err(DoError::unprocessable(format!(
                "`rules[{i}]`: {ty} `{value}` is not a valid trusted source (it must exist, or be an IP address or CIDR)"
            )));
        }
        out.push(json!({
            "uuid": r.get("uuid").and_then(Value::as_str).filter(|u| !u.is_empty()).map_or_else(uuid, str::to_string),
            "cluster_uuid": cluster,
            "type": ty,
            "value": value,
            "created_at": iso(ctx.now),
        }));
    }
    Ok(Value::Array(out))
}

fn ip_or_cidr(v: &str) -> bool {
    let (addr, len) = v.split_once('/').unwrap_or((v, "32"));
    addr.parse::<std::net::IpAddr>().is_ok() && len.parse::<u8>().is_ok_and(|l| l <= 128)
}

async fn get_firewall(ctx: Ctx, Path(id): Path<String>) -> R {
    let d = find(&ctx, &id).await?;
    Ok(ctx.reply("rules", d.get("_firewall").cloned().unwrap_or(json!([]))))
}

async fn put_firewall(ctx: Ctx, Path(id): Path<String>, Body(b): Body) -> R {
    let mut tx = ctx.store().begin().await?;
    let mut d = find_tx(&mut tx, &id).await?;
    let rules = firewall_rules(&mut tx, &ctx, b.get("rules"), &id).await?;
    set(&mut d, "_firewall", rules);
    tx.put("database", &id, "", &d).await?;
    tx.commit().await?;
    Ok(ctx.no_content())
}

// ---- replicas ---------------------------------------------------------------------------

async fn list_replicas(ctx: Ctx, Path(id): Path<String>) -> R {
    find(&ctx, &id).await?;
    let docs = ctx.store().children("db_replica", &id).await?;
    let shown: Vec<Value> = docs.iter().map(|d| creds(&ctx, ctx.show(d))).collect();
    Ok(ctx.list_shown("replicas", shown))
}

async fn create_replica(ctx: Ctx, Path(id): Path<String>, Body(b): Body) -> R {
    let name = s(&b, "name").unwrap_or_default().to_string();
    super::check_hostname("name", &name, 63)?;
    let size = s(&b, "size").unwrap_or_default().to_string();
    let tags = tags_from(&b, "tags")?;
    let mut tx = ctx.store().begin().await?;
    let mut primary = find_tx(&mut tx, &id).await?;
    present::settle(&mut primary, ctx.now);
    if primary.get("status").and_then(Value::as_str) != Some("online") {
        return Err(DoError::unprocessable(
            "a read replica can only be added to an online cluster",
        ));
    }
    let engine = engine_of(&primary);
    if !matches!(
        engine.as_str(),
        "pg" | "mysql" | "advanced_pg" | "advanced_mysql"
    ) {
        return Err(DoError::unprocessable(format!(
            "{engine} clusters do not support read replicas"
        )));
    }
    let region = s(&b, "region")
        .map(str::to_string)
        .or_else(|| {
            primary
                .get("region")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .unwrap_or_default();
    check_layout(
        ctx.spec(),
        &engine,
        primary.get("version").and_then(Value::as_str),
        &size,
        1,
        Some(&region),
    )?;
    let key = format!("{id}/{name}");
    if tx.get("db_replica", &key).await?.is_some() {
        return Err(DoError::unprocessable(format!(
            "`name`: the cluster already has a replica named `{name}`"
        )));
    }
    let vpc = super::vpc_for(
        &mut tx,
        &ctx,
        "private_network_uuid",
        s(&b, "private_network_uuid"),
        &region,
    )
    .await?;
    ensure_tags(&mut tx, &tags).await?;
    let (_, _, _, admin) = engine_facts(&engine);
    let password = primary
        .pointer("/connection/password")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let host = format!("replica-{name}-{}.db.ondigitalocean.com", random_word(6));
    let mut r = ctx.spec().template("database_replica");
    set(&mut r, "id", uuid());
    set(&mut r, "name", name.as_str());
    set(&mut r, "region", region.as_str());
    set(&mut r, "size", size.as_str());
    set(&mut r, "status", "forking");
    set(&mut r, "tags", tags);
    set(&mut r, "created_at", iso(ctx.now));
    set(&mut r, "private_network_uuid", vpc);
    set(
        &mut r,
        "connection",
        connection(&engine, &host, admin, &password, ""),
    );
    set(
        &mut r,
        "private_connection",
        connection(&engine, &format!("private-{host}"), admin, &password, ""),
    );
    set(
        &mut r,
        "storage_size_mib",
        super::int(&b, "storage_size_mib").unwrap_or(10_240),
    );
    set(&mut r, "do_settings", json!({"service_cnames": []}));
    pending(&ctx, &mut r, json!({"status": "online"}));
    tx.put("db_replica", &key, &id, &r).await?;
    tx.commit().await?;
    Ok(ctx.reply("replica", creds(&ctx, ctx.show(&r))))
}

async fn get_replica(ctx: Ctx, Path((id, name)): Path<(String, String)>) -> R {
    let r = ctx
        .store()
        .get("db_replica", &format!("{id}/{name}"))
        .await?
        .ok_or_else(DoError::not_found)?;
    Ok(ctx.reply("replica", creds(&ctx, ctx.show(&r))))
}

async fn delete_replica(ctx: Ctx, Path((id, name)): Path<(String, String)>) -> R {
    let mut tx = ctx.store().begin().await?;
    if !tx.delete("db_replica", &format!("{id}/{name}")).await? {
        return Err(DoError::not_found());
    }
    tx.commit().await?;
    Ok(ctx.no_content())
}

// ---- users ------------------------------------------------------------------------------

fn users_of(d: &Value) -> Vec<Value> {
    d.get("users")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

fn check_engine(d: &Value, what: &str, ok: fn(&str) -> bool) -> Result<(), DoError> {
    let engine = engine_of(d);
    if ok(&engine) {
        Ok(())
    } else {
        Err(DoError::unprocessable(format!(
            "{engine} clusters do not support {what}"
        )))
    }
}

async fn list_users(ctx: Ctx, Path(id): Path<String>) -> R {
    let d = find(&ctx, &id).await?;
    check_engine(&d, "users", has_users)?;
    let users = creds(&ctx, Value::Array(users_of(&d)));
    Ok(ctx.reply("users", users))
}

async fn add_user(ctx: Ctx, Path(id): Path<String>, Body(b): Body) -> R {
    let name = s(&b, "name").unwrap_or_default().to_string();
    let mut tx = ctx.store().begin().await?;
    let mut d = find_tx(&mut tx, &id).await?;
    check_engine(&d, "users", has_users)?;
    let mut users = users_of(&d);
    if users.iter().any(|u| super::name_of(u) == name) {
        return Err(DoError::unprocessable(format!(
            "`name`: a user named `{name}` already exists"
        )));
    }
    let mut u = json!({"name": name, "role": "normal", "password": random_word(16)});
    for k in ["mysql_settings", "settings"] {
        if let Some(v) = b.get(k).filter(|v| !v.is_null()) {
            set(&mut u, k, v.clone());
        }
    }
    users.push(u.clone());
    set(&mut d, "users", users);
    tx.put("database", &id, "", &d).await?;
    tx.commit().await?;
    Ok(ctx.reply("user", creds(&ctx, u)))
}

async fn get_user(ctx: Ctx, Path((id, name)): Path<(String, String)>) -> R {
    let d = find(&ctx, &id).await?;
    let u = users_of(&d)
        .into_iter()
        .find(|u| super::name_of(u) == name)
        .ok_or_else(DoError::not_found)?;
    Ok(ctx.reply("user", creds(&ctx, u)))
}

async fn update_user(ctx: Ctx, Path((id, name)): Path<(String, String)>, Body(b): Body) -> R {
    user_change(ctx, id, name, |u, _| {
        if let Some(st) = b.get("settings") {
            set(u, "settings", st.clone());
        }
    })
    .await
}

async fn reset_auth(ctx: Ctx, Path((id, name)): Path<(String, String)>, Body(b): Body) -> R {
    user_change(ctx, id, name, |u, pw| {
        set(u, "password", pw);
        if let Some(m) = b.get("mysql_settings") {
            set(u, "mysql_settings", m.clone());
        }
    })
    .await
}

async fn user_change(ctx: Ctx, id: String, name: String, f: impl FnOnce(&mut Value, String)) -> R {
    let mut tx = ctx.store().begin().await?;
    let mut d = find_tx(&mut tx, &id).await?;
    let mut users = users_of(&d);
    let u = users
        .iter_mut()
        .find(|u| super::name_of(u) == name)
        .ok_or_else(DoError::not_found)?;
    f(u, random_word(16));
    let out = u.clone();
    if out.get("role").and_then(Value::as_str) == Some("primary")
        && let Some(pw) = out.get("password").cloned()
    {
        for k in ["connection", "private_connection"] {
            if let Some(c) = d.get_mut(k).and_then(Value::as_object_mut) {
                c.insert("password".into(), pw.clone());
            }
        }
    }
    set(&mut d, "users", users);
    tx.put("database", &id, "", &d).await?;
    tx.commit().await?;
    Ok(ctx.reply("user", creds(&ctx, out)))
}

async fn delete_user(ctx: Ctx, Path((id, name)): Path<(String, String)>) -> R {
    let mut tx = ctx.store().begin().await?;
    let mut d = find_tx(&mut tx, &id).await?;
    let mut users = users_of(&d);
    let before = users.len();
    if users.iter().any(|u| {
        super::name_of(u) == name && u.get("role").and_then(Value::as_str) == Some("primary")
    }) {
        return Err(DoError::unprocessable("the admin user cannot be deleted"));
    }
    users.retain(|u| super::name_of(u) != name);
    if users.len() == before {
        return Err(DoError::not_found());
    }
    set(&mut d, "users", users);
    tx.put("database", &id, "", &d).await?;
    tx.commit().await?;
    Ok(ctx.no_content())
}

// ---- databases --------------------------------------------------------------------------

fn db_names(d: &Value) -> Vec<String> {
    str_list(d.get("db_names"))
}

async fn list_dbs(ctx: Ctx, Path(id): Path<String>) -> R {
    let d = find(&ctx, &id).await?;
    check_engine(&d, "databases", has_dbs)?;
    let dbs: Vec<Value> = db_names(&d).iter().map(|n| json!({"name": n})).collect();
    Ok(ctx.reply("dbs", Value::Array(dbs)))
}

async fn add_db(ctx: Ctx, Path(id): Path<String>, Body(b): Body) -> R {
    let name = s(&b, "name").unwrap_or_default().to_string();
    let mut tx = ctx.store().begin().await?;
    let mut d = find_tx(&mut tx, &id).await?;
    check_engine(&d, "databases", has_dbs)?;
    let mut names = db_names(&d);
    if names.contains(&name) {
        return Err(DoError::unprocessable(format!(
            "`name`: a database named `{name}` already exists"
        )));
    }
    names.push(name.clone());
    set(&mut d, "db_names", names);
    tx.put("database", &id, "", &d).await?;
    tx.commit().await?;
    Ok(ctx.reply("db", json!({"name": name})))
}

async fn get_db(ctx: Ctx, Path((id, name)): Path<(String, String)>) -> R {
    let d = find(&ctx, &id).await?;
    if !db_names(&d).contains(&name) {
        return Err(DoError::not_found());
    }
    Ok(ctx.reply("db", json!({"name": name})))
}

async fn delete_db(ctx: Ctx, Path((id, name)): Path<(String, String)>) -> R {
    let mut tx = ctx.store().begin().await?;
    let mut d = find_tx(&mut tx, &id).await?;
    let mut names = db_names(&d);
    if !names.contains(&name) {
        return Err(DoError::not_found());
    }
    names.retain(|n| *n != name);
    set(&mut d, "db_names", names);
    tx.put("database", &id, "", &d).await?;
    tx.commit().await?;
    Ok(ctx.no_content())
}

// ---- connection pools --------------------------------------------------------------------

fn pools_of(d: &Value) -> Vec<Value> {
    d.get("_pools")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

fn pool_doc(d: &Value, b: &Map<String, Value>, name: &str) -> Result<Value, DoError> {
    let mode = s(b, "mode").unwrap_or_default();
    if !matches!(mode, "session" | "transaction" | "statement") {
        return Err(DoError::unprocessable(format!(
            "`mode`: `{mode}` is not one of session, transaction, statement"
        )));
    }
    let size = super::int(b, "size").unwrap_or(0);
    if !(1..=100).contains(&size) {
        return Err(DoError::unprocessable(format!(
            "`size`: a pool has 1 to 100 connections, not {size}"
        )));
    }
    let db = s(b, "db").unwrap_or_default();
    if !db_names(d).iter().any(|n| n == db) {
        return Err(DoError::unprocessable(format!(
            "`db`: the cluster has no database named `{db}`"
        )));
    }
    let users = users_of(d);
    let user = match s(b, "user") {
        Some(u) => users
            .iter()
            .find(|x| super::name_of(x) == u)
            .ok_or_else(|| {
                DoError::unprocessable(format!("`user`: the cluster has no user named `{u}`"))
            })?,
        None => users
            .first()
            .ok_or_else(|| DoError::unprocessable("no user"))?,
    };
    let uname = super::name_of(user);
    let pw = user.get("password").and_then(Value::as_str).unwrap_or("");
    let engine = engine_of(d);
    let host = d
        .pointer("/connection/host")
        .and_then(Value::as_str)
        .unwrap_or("");
    Ok(json!({
        "name": name,
        "mode": mode,
        "size": size,
        "db": db,
        "user": uname,
        "connection": connection(&engine, host, uname, pw, name),
        "private_connection": connection(&engine, &format!("private-{host}"), uname, pw, name),
        "standby_connection": Value::Null,
        "standby_private_connection": Value::Null,
    }))
}

async fn list_pools(ctx: Ctx, Path(id): Path<String>) -> R {
    let d = find(&ctx, &id).await?;
    check_engine(&d, "connection pools", |e| {
        matches!(e, "pg" | "advanced_pg")
    })?;
    Ok(ctx.reply("pools", creds(&ctx, Value::Array(pools_of(&d)))))
}

async fn add_pool(ctx: Ctx, Path(id): Path<String>, Body(b): Body) -> R {
    let name = s(&b, "name").unwrap_or_default().to_string();
    let mut tx = ctx.store().begin().await?;
    let mut d = find_tx(&mut tx, &id).await?;
    check_engine(&d, "connection pools", |e| {
        matches!(e, "pg" | "advanced_pg")
    })?;
    let mut pools = pools_of(&d);
    if pools.iter().any(|p| super::name_of(p) == name) {
        return Err(DoError::unprocessable(format!(
            "`name`: a pool named `{name}` already exists"
        )));
    }
    let p = pool_doc(&d, &b, &name)?;
    pools.push(p.clone());
    set(&mut d, "_pools", pools);
    tx.put("database", &id, "", &d).await?;
    tx.commit().await?;
    Ok(ctx.reply("pool", creds(&ctx, p)))
}

async fn get_pool(ctx: Ctx, Path((id, name)): Path<(String, String)>) -> R {
    let d = find(&ctx, &id).await?;
    let p = pools_of(&d)
        .into_iter()
        .find(|p| super::name_of(p) == name)
        .ok_or_else(DoError::not_found)?;
    Ok(ctx.reply("pool", creds(&ctx, p)))
}

async fn update_pool(ctx: Ctx, Path((id, name)): Path<(String, String)>, Body(b): Body) -> R {
    let mut tx = ctx.store().begin().await?;
    let mut d = find_tx(&mut tx, &id).await?;
    let mut pools = pools_of(&d);
    let idx = pools
        .iter()
        .position(|p| super::name_of(p) == name)
        .ok_or_else(DoError::not_found)?;
    pools[idx] = pool_doc(&d, &b, &name)?;
    set(&mut d, "_pools", pools);
    tx.put("database", &id, "", &d).await?;
    tx.commit().await?;
    Ok(ctx.no_content())
}

async fn delete_pool(ctx: Ctx, Path((id, name)): Path<(String, String)>) -> R {
    let mut tx = ctx.store().begin().await?;
    let mut d = find_tx(&mut tx, &id).await?;
    let mut pools = pools_of(&d);
    let before = pools.len();
    pools.retain(|p| super::name_of(p) != name);
    if pools.len() == before {
        return Err(DoError::not_found());
    }
    set(&mut d, "_pools", pools);
    tx.put("database", &id, "", &d).await?;
    tx.commit().await?;
    Ok(ctx.no_content())
}

// ---- eviction policy ---------------------------------------------------------------------

fn caching(e: &str) -> bool {
    matches!(e, "redis" | "valkey")
}

async fn get_eviction(ctx: Ctx, Path(id): Path<String>) -> R {
    let d = find(&ctx, &id).await?;
    check_engine(&d, "eviction policies", caching)?;
    Ok(ctx.reply(
        "eviction_policy",
        d.get("_eviction_policy")
            .cloned()
            .unwrap_or(json!("noeviction")),
    ))
}

async fn put_eviction(ctx: Ctx, Path(id): Path<String>, Body(b): Body) -> R {
    let mut tx = ctx.store().begin().await?;
    let mut d = find_tx(&mut tx, &id).await?;
    check_engine(&d, "eviction policies", caching)?;
    set(
        &mut d,
        "_eviction_policy",
        b.get("eviction_policy").cloned().unwrap_or(Value::Null),
    );
    tx.put("database", &id, "", &d).await?;
    tx.commit().await?;
    Ok(ctx.no_content())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_blanked() {
        let mut v = json!({"connection": {"uri": "postgresql://doadmin:secret@h:25060/defaultdb", "password": "secret"},
            "users": [{"name": "u", "password": "p2"}]});
        redact(&mut v);
        assert_eq!(
            v["connection"]["uri"],
            "postgresql://doadmin:@h:25060/defaultdb"
        );
        assert_eq!(v["connection"]["password"], "");
        assert_eq!(v["users"][0]["password"], "");
        assert!(!v.to_string().contains("secret"));
    }

    #[test]
    #[allow(clippy::type_complexity)]
    fn layouts() {
        let spec = SpecData::get().expect("spec");
        let cases: &[(&str, Option<&str>, &str, i64, Option<&str>, bool)] = &[
            ("pg", Some("16"), "db-s-2vcpu-4gb", 2, Some("nyc3"), true),
            ("pg", Some("12"), "db-s-2vcpu-4gb", 2, Some("nyc3"), false),
            ("pg", None, "m-2vcpu-16gb", 1, Some("nyc3"), false),
            ("valkey", Some("8"), "m-2vcpu-16gb", 1, Some("nyc3"), true),
            ("valkey", Some("8"), "m-2vcpu-16gb", 1, Some("nyc2"), false),
            ("kafka", Some("3.8"), "gd-2vcpu-8gb", 3, Some("nyc3"), true),
            ("kafka", Some("3.8"), "gd-2vcpu-8gb", 1, Some("nyc3"), false),
            ("pg", Some("16"), "db-s-1vcpu-1gb", 2, None, false),
        ];
        for (engine, version, size, n, region, ok) in cases {
            let got = check_layout(spec, engine, *version, size, *n, *region);
            assert_eq!(
                got.is_ok(),
                *ok,
                "{engine} {version:?} {size} {n} {region:?}: {got:?}"
            );
        }
    }
}
