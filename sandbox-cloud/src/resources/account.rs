//! `/v2/account`, `/v2/account/keys`, `/v2/regions`, `/v2/sizes`, `/v2/actions`.

use super::{R, Routes, region_obj, s, set};
use crate::ctx::{Body, Ctx};
use crate::error::DoError;
use axum::extract::Path;
use base64::Engine as _;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

pub(crate) fn routes(r: Routes) -> Routes {
    r.at("GET /v2/account", account)
        .at("GET /v2/account/keys", list_keys)
        .at("POST /v2/account/keys", create_key)
        .at("GET /v2/account/keys/{ssh_key_identifier}", get_key)
        .at("PUT /v2/account/keys/{ssh_key_identifier}", update_key)
        .at("DELETE /v2/account/keys/{ssh_key_identifier}", delete_key)
        .at("GET /v2/regions", regions)
        .at("GET /v2/sizes", sizes)
        .at("GET /v2/actions", list_actions)
        .at("GET /v2/actions/{action_id}", get_action)
}

async fn account(ctx: Ctx) -> R {
    let uuid = ctx.store().meta("account_uuid").await?.unwrap_or_default();
    let mut a = ctx.spec().template("account");
    set(&mut a, "droplet_limit", ctx.config().droplet_limit);
    set(&mut a, "volume_limit", ctx.config().volume_limit);
    set(&mut a, "email", "sandbox@ferry.invalid");
    set(&mut a, "name", "Ferry sandbox");
    set(&mut a, "uuid", uuid.clone());
    set(&mut a, "status", "active");
    set(&mut a, "status_message", "");
    set(
        &mut a,
        "team",
        json!({"uuid": uuid, "name": "Ferry sandbox"}),
    );
    Ok(ctx.reply("account", a))
}

async fn regions(ctx: Ctx) -> R {
    let spec = ctx.spec();
    let docs: Vec<Value> = spec
        .slugs
        .regions
        .iter()
        .map(|r| region_obj(spec, &r.slug))
        .collect();
    Ok(ctx.list_shown("regions", docs))
}

async fn sizes(ctx: Ctx) -> R {
    let spec = ctx.spec();
    let regions: Vec<&str> = spec
        .slugs
        .regions
        .iter()
        .filter(|r| r.available)
        .map(|r| r.slug.as_str())
        .collect();
    let docs: Vec<Value> = spec
        .slugs
        .droplet_sizes
        .iter()
        .map(|z| {
            let vcpus = z.vcpus.unwrap_or(1);
            let memory_mb = (z.memory_gib.unwrap_or(1.0) * 1024.0).round() as i64;
            let disk = z.disk_gib.unwrap_or(25 * vcpus);
            let monthly = 6.0 * f64::from(vcpus) * z.memory_gib.unwrap_or(1.0).max(1.0).sqrt();
            json!({
                "slug": z.slug,
                "memory": memory_mb,
                "vcpus": vcpus,
                "disk": disk,
                "transfer": f64::from(vcpus),
                "price_monthly": monthly.round(),
                "price_hourly": (monthly / 672.0 * 100_000.0).round() / 100_000.0,
                "regions": regions,
                "available": true,
                "description": family(&z.slug),
            })
        })
        .collect();
    Ok(ctx.list_shown("sizes", docs))
}

fn family(slug: &str) -> &'static str {
    match slug.split('-').next().unwrap_or("") {
        "s" => "Basic",
        "c" | "c2" => "CPU-Optimized",
        "g" | "gd" => "General Purpose",
        "m" | "m3" | "m6" => "Memory-Optimized",
        "so" | "so1_5" => "Storage-Optimized",
        _ => "Droplet",
    }
}

// ---- SSH keys -------------------------------------------------------------------------

async fn list_keys(ctx: Ctx) -> R {
    let docs = ctx.store().list("ssh_key").await?;
    Ok(ctx.list("ssh_keys", docs))
}

/// The key's fingerprint: colon-separated hex of the first 16 bytes of the SHA-256 of its
/// decoded body (the MD5 form DigitalOcean shows, computed with a hash Ferry already has).
fn fingerprint(public_key: &str) -> Result<String, DoError> {
    let parts: Vec<&str> = public_key.split_whitespace().collect();
    let valid_type = parts
        .first()
        .is_some_and(|t| t.starts_with("ssh-") || t.starts_with("ecdsa-") || t.starts_with("sk-"));
    let body = parts
        .get(1)
        .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok());
    match (valid_type, body) {
        (true, Some(bytes)) if !bytes.is_empty() => {
            let d = Sha256::digest(&bytes);
            Ok(d[..16]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<Vec<_>>()
                .join(":"))
        }
        _ => Err(DoError::unprocessable(
            "`public_key`: Key invalid, key should be of the format `type key [comment]`",
        )),
    }
}

async fn create_key(ctx: Ctx, Body(b): Body) -> R {
    let name = s(&b, "name").unwrap_or_default().to_string();
    let public_key = s(&b, "public_key").unwrap_or_default().trim().to_string();
    let fp = fingerprint(&public_key)?;
    let mut tx = ctx.store().begin().await?;
    if tx
        .list("ssh_key")
        .await?
        .iter()
        .any(|k| k.get("fingerprint").and_then(Value::as_str) == Some(fp.as_str()))
    {
        return Err(DoError::unprocessable(
            "SSH Key is already in use on your account",
        ));
    }
    let id = tx.next("ssh_key", 512_188).await?;
    let doc = json!({"id": id, "fingerprint": fp, "public_key": public_key, "name": name});
    tx.put("ssh_key", &id.to_string(), "", &doc).await?;
    tx.commit().await?;
    Ok(ctx.reply("ssh_key", doc))
}

/// A key by id or fingerprint, as the API accepts both.
pub(crate) async fn find_key(ctx: &Ctx, ident: &str) -> Result<Option<Value>, DoError> {
    if ident.parse::<i64>().is_ok() {
        return Ok(ctx.store().get("ssh_key", ident).await?);
    }
    Ok(ctx
        .store()
        .list("ssh_key")
        .await?
        .into_iter()
        .find(|k| k.get("fingerprint").and_then(Value::as_str) == Some(ident)))
}

async fn get_key(ctx: Ctx, Path(ident): Path<String>) -> R {
    let k = find_key(&ctx, &ident)
        .await?
        .ok_or_else(DoError::not_found)?;
    Ok(ctx.reply("ssh_key", k))
}

async fn update_key(ctx: Ctx, Path(ident): Path<String>, Body(b): Body) -> R {
    let mut k = find_key(&ctx, &ident)
        .await?
        .ok_or_else(DoError::not_found)?;
    if let Some(n) = s(&b, "name") {
        set(&mut k, "name", n);
    }
    let id = super::id_of(&k);
    let mut tx = ctx.store().begin().await?;
    tx.put("ssh_key", &id, "", &k).await?;
    tx.commit().await?;
    Ok(ctx.reply("ssh_key", k))
}

async fn delete_key(ctx: Ctx, Path(ident): Path<String>) -> R {
    let k = find_key(&ctx, &ident)
        .await?
        .ok_or_else(DoError::not_found)?;
    let mut tx = ctx.store().begin().await?;
    tx.delete("ssh_key", &super::id_of(&k)).await?;
    tx.commit().await?;
    Ok(ctx.no_content())
}

// ---- actions ----------------------------------------------------------------------------

async fn list_actions(ctx: Ctx) -> R {
    let docs = ctx.store().list("action").await?;
    Ok(ctx.list("actions", docs))
}

async fn get_action(ctx: Ctx, Path(id): Path<String>) -> R {
    let a = ctx
        .store()
        .get("action", &id)
        .await?
        .ok_or_else(DoError::not_found)?;
    Ok(ctx.reply("action", ctx.show(&a)))
}

/// Actions of one resource (`droplet:123`, `volume:<uuid>`, …).
pub(crate) async fn actions_of(ctx: &Ctx, parent: &str) -> Result<Vec<Value>, DoError> {
    Ok(ctx.store().children("action", parent).await?)
}

/// One action of one resource.
pub(crate) async fn action_of(ctx: &Ctx, parent: &str, id: &str) -> Result<Value, DoError> {
    let a = ctx
        .store()
        .get("action", id)
        .await?
        .ok_or_else(DoError::not_found)?;
    let rid = a.get("resource_id").map(|v| match v {
        Value::String(s) => s.clone(),
        v => v.to_string(),
    });
    let rt = a.get("resource_type").and_then(Value::as_str).unwrap_or("");
    if Some(format!("{rt}:{}", rid.unwrap_or_default())) != Some(parent.to_string()) {
        return Err(DoError::not_found());
    }
    Ok(ctx.show(&a))
}
