//! `/v2/tags`: tags, what carries them, tagging and untagging resources.
//!
//! A resource's tags live in its own document (`tags`); a tag document only says that the tag
//! exists. Counts are computed when a tag is read.

use super::{R, Routes, has_tag, id_of, s, str_list};
use crate::ctx::{Body, Ctx};
use crate::error::{DoError, Error};
use axum::extract::Path;
use serde_json::{Value, json};

pub(crate) fn routes(r: Routes) -> Routes {
    r.at("GET /v2/tags", list)
        .at("POST /v2/tags", create)
        .at("GET /v2/tags/{tag_id}", get)
        .at("DELETE /v2/tags/{tag_id}", delete)
        .at("POST /v2/tags/{tag_id}/resources", tag_resources)
        .at("DELETE /v2/tags/{tag_id}/resources", untag_resources)
}

/// The tag with the resources that carry it, in DigitalOcean's `resources` shape.
async fn describe(ctx: &Ctx, name: &str) -> Result<Value, Error> {
    let mut total = 0;
    let mut last_total: Option<String> = None;
    let mut per = serde_json::Map::new();
    for (kind, key, path) in [
        ("droplet", "droplets", "droplets"),
        ("volume", "volumes", "volumes"),
        ("database", "databases", "databases"),
    ] {
        let docs: Vec<Value> = ctx
            .store()
            .list(kind)
            .await?
            .into_iter()
            .filter(|d| has_tag(d, name))
            .collect();
        let last = docs
            .last()
            .map(|d| format!("{}/v2/{path}/{}", ctx.base, id_of(d)));
        total += docs.len();
        if last.is_some() {
            last_total.clone_from(&last);
        }
        per.insert(
            key.into(),
            json!({"count": docs.len(), "last_tagged_uri": last.unwrap_or_default()}),
        );
    }
    for key in ["images", "volume_snapshots"] {
        per.insert(key.into(), json!({"count": 0, "last_tagged_uri": ""}));
    }
    per.insert("count".into(), total.into());
    per.insert(
        "last_tagged_uri".into(),
        last_total.unwrap_or_default().into(),
    );
    Ok(json!({"name": name, "resources": per}))
}

async fn list(ctx: Ctx) -> R {
    let names: Vec<String> = ctx
        .store()
        .list("tag")
        .await?
        .iter()
        .map(|t| super::name_of(t).to_string())
        .collect();
    let mut docs = Vec::with_capacity(names.len());
    for n in names {
        docs.push(describe(&ctx, &n).await?);
    }
    Ok(ctx.list_shown("tags", docs))
}

async fn create(ctx: Ctx, Body(b): Body) -> R {
    let name = s(&b, "name").unwrap_or_default().to_string();
    super::check_tag_name(&name).map_err(|m| DoError::unprocessable(format!("`name`: {m}")))?;
    let mut tx = ctx.store().begin().await?;
    super::ensure_tags(&mut tx, std::slice::from_ref(&name)).await?;
    tx.commit().await?;
    Ok(ctx.reply("tag", describe(&ctx, &name).await?))
}

async fn get(ctx: Ctx, Path(name): Path<String>) -> R {
    if ctx.store().get("tag", &name).await?.is_none() {
        return Err(DoError::not_found());
    }
    Ok(ctx.reply("tag", describe(&ctx, &name).await?))
}

const TAGGABLE: &[&str] = &["droplet", "volume", "database", "k8s"];

async fn delete(ctx: Ctx, Path(name): Path<String>) -> R {
    let mut tx = ctx.store().begin().await?;
    if !tx.delete("tag", &name).await? {
        return Err(DoError::not_found());
    }
    for kind in TAGGABLE {
        for mut d in tx.list(kind).await? {
            if has_tag(&d, &name) {
                retag(&mut d, &name, false);
                tx.put(kind, &id_of(&d), "", &d).await?;
            }
        }
    }
    tx.commit().await?;
    Ok(ctx.no_content())
}

fn retag(doc: &mut Value, tag: &str, on: bool) {
    let mut tags = str_list(doc.get("tags"));
    tags.retain(|t| t != tag);
    if on {
        tags.push(tag.to_string());
    }
    super::set(doc, "tags", tags);
}

async fn tag_resources(ctx: Ctx, Path(name): Path<String>, body: Body) -> R {
    apply(ctx, name, body, true).await
}

async fn untag_resources(ctx: Ctx, Path(name): Path<String>, body: Body) -> R {
    apply(ctx, name, body, false).await
}

async fn apply(ctx: Ctx, name: String, Body(b): Body, on: bool) -> R {
    let mut tx = ctx.store().begin().await?;
    if tx.get("tag", &name).await?.is_none() {
        return Err(DoError::not_found());
    }
    let items = b
        .get("resources")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for (i, item) in items.iter().enumerate() {
        let id = match item.get("resource_id") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => {
                return Err(DoError::unprocessable(format!(
                    "`resources[{i}].resource_id` is required"
                )));
            }
        };
        let ty = item
            .get("resource_type")
            .and_then(Value::as_str)
            .unwrap_or("");
        let kind = match ty {
            "droplet" => "droplet",
            "volume" => "volume",
            "database" => "database",
            _ => {
                return Err(DoError::not_found_msg(format!(
                    "`resources[{i}]`: {ty} {id} could not be found (the sandbox has no images or snapshots)"
                )));
            }
        };
        let mut doc = tx.get(kind, &id).await?.ok_or_else(|| {
            DoError::not_found_msg(format!("`resources[{i}]`: {ty} {id} could not be found"))
        })?;
        retag(&mut doc, &name, on);
        tx.put(kind, &id, "", &doc).await?;
    }
    tx.commit().await?;
    Ok(ctx.no_content())
}
