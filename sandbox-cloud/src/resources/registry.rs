//! `/v2/registry`: the account's one container registry, its subscription, Docker credentials,
//! and an (always empty) repository list: images are not stored.

use super::{R, Routes, iso, s, set};
use crate::ctx::{Body, Ctx};
use crate::error::DoError;
use axum::extract::Path;
use base64::Engine as _;
use serde_json::{Value, json};

const KEY: &str = "registry";

pub(crate) fn routes(r: Routes) -> Routes {
    r.at("GET /v2/registry", get)
        .at("POST /v2/registry", create)
        .at("DELETE /v2/registry", delete)
        .at("GET /v2/registry/options", options)
        .at("GET /v2/registry/subscription", get_subscription)
        .at("POST /v2/registry/subscription", update_subscription)
        .at("GET /v2/registry/docker-credentials", docker_credentials)
        .at("POST /v2/registry/validate-name", validate_name)
        .at(
            "GET /v2/registry/{registry_name}/repositoriesV2",
            repositories,
        )
}

fn tier(ctx: &Ctx, slug: &str) -> Option<Value> {
    ctx.spec()
        .slugs
        .registry_tiers
        .iter()
        .find(|t| t.get("slug").and_then(Value::as_str) == Some(slug))
        .cloned()
}

fn regions(ctx: &Ctx) -> Vec<String> {
    ctx.spec()
        .op("POST", "/v2/registry")
        .and_then(|o| o.body.as_ref())
        .and_then(|b| b.enums.get("region"))
        .map(|v| {
            v.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_else(|| vec!["nyc3".into()])
}

async fn get(ctx: Ctx) -> R {
    let r = ctx
        .store()
        .get("registry", KEY)
        .await?
        .ok_or_else(DoError::not_found)?;
    Ok(ctx.reply("registry", r))
}

async fn create(ctx: Ctx, Body(b): Body) -> R {
    let name = s(&b, "name").unwrap_or_default().to_string();
    let slug = s(&b, "subscription_tier_slug").unwrap_or_default();
    let tier = tier(&ctx, slug).ok_or_else(|| {
        DoError::unprocessable(format!("`subscription_tier_slug`: `{slug}` is not a tier"))
    })?;
    let region = s(&b, "region")
        .map(str::to_string)
        .unwrap_or_else(|| regions(&ctx).into_iter().next().unwrap_or_default());
    let mut tx = ctx.store().begin().await?;
    if let Some(existing) = tx.get("registry", KEY).await? {
        return Err(DoError::unprocessable(format!(
            "this account already has a container registry (`{}`): an account has at most one",
            super::name_of(&existing)
        )));
    }
    let mut r = ctx.spec().template("registry");
    set(&mut r, "name", name.as_str());
    set(&mut r, "created_at", iso(ctx.now));
    set(&mut r, "region", region);
    set(&mut r, "storage_usage_bytes", 0);
    set(&mut r, "storage_usage_bytes_updated_at", iso(ctx.now));
    set(
        &mut r,
        "subscription",
        json!({"tier": tier, "created_at": iso(ctx.now), "updated_at": iso(ctx.now)}),
    );
    tx.put("registry", KEY, "", &r).await?;
    tx.commit().await?;
    Ok(ctx.reply("registry", r))
}

async fn delete(ctx: Ctx) -> R {
    let mut tx = ctx.store().begin().await?;
    if !tx.delete("registry", KEY).await? {
        return Err(DoError::not_found());
    }
    tx.commit().await?;
    Ok(ctx.no_content())
}

async fn options(ctx: Ctx) -> R {
    let tiers: Vec<Value> = ctx
        .spec()
        .slugs
        .registry_tiers
        .iter()
        .map(|t| {
            let mut t = t.clone();
            set(&mut t, "eligible", true);
            set(&mut t, "eligibility_reasons", json!([]));
            t
        })
        .collect();
    Ok(ctx.reply(
        "options",
        json!({"available_regions": regions(&ctx), "subscription_tiers": tiers}),
    ))
}

async fn get_subscription(ctx: Ctx) -> R {
    let r = ctx
        .store()
        .get("registry", KEY)
        .await?
        .ok_or_else(DoError::not_found)?;
    Ok(ctx.reply(
        "subscription",
        r.get("subscription").cloned().unwrap_or(Value::Null),
    ))
}

async fn update_subscription(ctx: Ctx, Body(b): Body) -> R {
    let slug = s(&b, "tier_slug").unwrap_or("starter");
    let tier = tier(&ctx, slug)
        .ok_or_else(|| DoError::unprocessable(format!("`tier_slug`: `{slug}` is not a tier")))?;
    let mut tx = ctx.store().begin().await?;
    let mut r = tx
        .get("registry", KEY)
        .await?
        .ok_or_else(DoError::not_found)?;
    let created = r
        .pointer("/subscription/created_at")
        .cloned()
        .unwrap_or(Value::Null);
    let sub = json!({"tier": tier, "created_at": created, "updated_at": iso(ctx.now)});
    set(&mut r, "subscription", sub.clone());
    tx.put("registry", KEY, "", &r).await?;
    tx.commit().await?;
    Ok(ctx.reply("subscription", sub))
}

async fn docker_credentials(ctx: Ctx) -> R {
    if ctx.store().get("registry", KEY).await?.is_none() {
        return Err(DoError::not_found());
    }
    let secret = super::random_word(40);
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("{secret}:{secret}"));
    Ok(ctx.reply_raw(json!({"auths": {"registry.digitalocean.com": {"auth": auth}}})))
}

async fn validate_name(ctx: Ctx, Body(b): Body) -> R {
    let name = s(&b, "name").unwrap_or_default();
    if let Some(r) = ctx.store().get("registry", KEY).await?
        && super::name_of(&r) == name
    {
        return Err(DoError::conflict(format!(
            "the registry name `{name}` is already taken"
        )));
    }
    Ok(ctx.no_content())
}

async fn repositories(ctx: Ctx, Path(name): Path<String>) -> R {
    let r = ctx
        .store()
        .get("registry", KEY)
        .await?
        .ok_or_else(DoError::not_found)?;
    if super::name_of(&r) != name {
        return Err(DoError::not_found());
    }
    Ok(ctx.list_shown("repositories", Vec::new()))
}
