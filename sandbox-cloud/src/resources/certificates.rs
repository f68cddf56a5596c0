//! `/v2/certificates`: custom certificates and Let's Encrypt ones (`pending` → `verified`),
//! which DigitalOcean issues only for domains it serves DNS for.

use super::{R, Routes, iso, name_taken, pending, s, set, str_list, uuid};
use crate::ctx::{Body, Ctx};
use crate::error::DoError;
use axum::extract::Path;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

pub(crate) fn routes(r: Routes) -> Routes {
    r.at("GET /v2/certificates", list)
        .at("POST /v2/certificates", create)
        .at("GET /v2/certificates/{certificate_id}", get)
        .at("DELETE /v2/certificates/{certificate_id}", delete)
}

async fn list(ctx: Ctx) -> R {
    let mut docs = ctx.store().list("certificate").await?;
    if let Some(n) = ctx.q("name") {
        docs.retain(|c| super::name_of(c) == n);
    }
    Ok(ctx.list("certificates", docs))
}

async fn create(ctx: Ctx, Body(b): Body) -> R {
    let name = s(&b, "name").unwrap_or_default().to_string();
    let ty = s(&b, "type").unwrap_or(if b.contains_key("private_key") {
        "custom"
    } else {
        "lets_encrypt"
    });
    let mut tx = ctx.store().begin().await?;
    if name_taken(&tx.list("certificate").await?, &name, None) {
        return Err(DoError::unprocessable(format!(
            "`name`: a certificate named `{name}` already exists"
        )));
    }
    let id = uuid();
    let mut c = ctx.spec().template("certificate");
    set(&mut c, "id", id.as_str());
    set(&mut c, "name", name.as_str());
    set(&mut c, "created_at", iso(ctx.now));
    set(&mut c, "not_after", iso(ctx.now + 90 * 86_400_000));
    set(&mut c, "type", ty);
    let fingerprint_of: String;
    if ty == "custom" {
        let key = s(&b, "private_key").unwrap_or_default();
        let leaf = s(&b, "leaf_certificate").unwrap_or_default();
        if !key.contains("-----BEGIN") || !key.contains("PRIVATE KEY-----") {
            return Err(DoError::unprocessable(
                "`private_key`: not a PEM-encoded private key",
            ));
        }
        if !leaf.contains("-----BEGIN CERTIFICATE-----") {
            return Err(DoError::unprocessable(
                "`leaf_certificate`: not a PEM-encoded certificate",
            ));
        }
        fingerprint_of = leaf.to_string();
        set(&mut c, "dns_names", json!([]));
        set(&mut c, "state", "verified");
    } else {
        let names = str_list(b.get("dns_names"));
        if names.is_empty() {
            return Err(DoError::unprocessable(
                "`dns_names`: a Let's Encrypt certificate needs at least one DNS name",
            ));
        }
        let domains: Vec<String> = tx
            .list("domain")
            .await?
            .iter()
            .map(|d| super::name_of(d).to_string())
            .collect();
        for (i, n) in names.iter().enumerate() {
            let bare = n.trim_start_matches("*.");
            let managed = domains
                .iter()
                .any(|d| bare == d || bare.ends_with(&format!(".{d}")));
            if !managed {
                return Err(DoError::unprocessable(format!(
                    "`dns_names[{i}]`: `{n}` is not in a domain managed by DigitalOcean DNS: add the domain (POST /v2/domains) first"
                )));
            }
        }
        fingerprint_of = names.join(",");
        set(&mut c, "dns_names", names);
        set(&mut c, "state", "pending");
        pending(&ctx, &mut c, json!({"state": "verified"}));
    }
    let fp = Sha256::digest(format!("{id}{fingerprint_of}").as_bytes());
    set(
        &mut c,
        "sha1_fingerprint",
        ferry_api::crypto::hex(&fp[..20]),
    );
    tx.put("certificate", &id, "", &c).await?;
    tx.commit().await?;
    Ok(ctx.reply("certificate", ctx.show(&c)))
}

async fn get(ctx: Ctx, Path(id): Path<String>) -> R {
    let c = ctx
        .store()
        .get("certificate", &id)
        .await?
        .ok_or_else(DoError::not_found)?;
    Ok(ctx.reply("certificate", ctx.show(&c)))
}

async fn delete(ctx: Ctx, Path(id): Path<String>) -> R {
    let mut tx = ctx.store().begin().await?;
    if tx.get("certificate", &id).await?.is_none() {
        return Err(DoError::not_found());
    }
    for lb in tx.list("lb").await? {
        let uses = lb
            .get("forwarding_rules")
            .and_then(Value::as_array)
            .is_some_and(|rs| {
                rs.iter()
                    .any(|r| r.get("certificate_id").and_then(Value::as_str) == Some(&id))
            });
        if uses {
            return Err(DoError::unprocessable(format!(
                "the certificate is in use by load balancer `{}`",
                super::name_of(&lb)
            )));
        }
    }
    tx.delete("certificate", &id).await?;
    tx.commit().await?;
    Ok(ctx.no_content())
}
