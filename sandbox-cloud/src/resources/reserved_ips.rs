//! `/v2/reserved_ips`: reserved IPv4 addresses (by address), assign/unassign actions.

use super::{
    R, RegionUse, Routes, assign_project, check_region, new_action, public_ip, s, set, unassign,
};
use crate::ctx::{Body, Ctx};
use crate::error::DoError;
use crate::present;
use axum::extract::Path;
use serde_json::{Value, json};

pub(crate) fn routes(r: Routes) -> Routes {
    r.at("GET /v2/reserved_ips", list)
        .at("POST /v2/reserved_ips", create)
        .at("GET /v2/reserved_ips/{reserved_ip}", get)
        .at("DELETE /v2/reserved_ips/{reserved_ip}", delete)
        .at("GET /v2/reserved_ips/{reserved_ip}/actions", list_actions)
        .at("POST /v2/reserved_ips/{reserved_ip}/actions", action)
        .at(
            "GET /v2/reserved_ips/{reserved_ip}/actions/{action_id}",
            get_action,
        )
}

/// The address as an integer, as DigitalOcean gives it in actions' `resource_id`.
fn ip_int(ip: &str) -> i64 {
    ip.parse::<std::net::Ipv4Addr>()
        .map(|a| i64::from(u32::from(a)))
        .unwrap_or_default()
}

fn droplet_ref(ctx: &Ctx, d: &Value) -> Value {
    ctx.show(d)
}

async fn list(ctx: Ctx) -> R {
    let docs = ctx.store().list("reserved_ip").await?;
    Ok(ctx.list("reserved_ips", docs))
}

async fn create(ctx: Ctx, Body(b): Body) -> R {
    let mut tx = ctx.store().begin().await?;
    let (region, droplet) = match super::int(&b, "droplet_id") {
        Some(id) => {
            let d = tx.get("droplet", &id.to_string()).await?.ok_or_else(|| {
                DoError::unprocessable(format!("`droplet_id`: droplet {id} does not exist"))
            })?;
            let region = d
                .pointer("/region/slug")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            (region, Some(d))
        }
        None => {
            let region = s(&b, "region").unwrap_or_default().to_string();
            check_region(ctx.spec(), &region, RegionUse::Any)?;
            (region, None)
        }
    };
    let ip = public_ip(&mut tx).await?;
    let project = match s(&b, "project_id") {
        Some(p) => p.to_string(),
        None => super::default_project(&mut tx).await?,
    };
    let mut r = ctx.spec().template("reserved_ip");
    set(&mut r, "ip", ip.as_str());
    set(&mut r, "region", super::region_obj(ctx.spec(), &region));
    set(
        &mut r,
        "droplet",
        droplet
            .as_ref()
            .map_or(Value::Null, |d| droplet_ref(&ctx, d)),
    );
    set(&mut r, "locked", false);
    set(&mut r, "project_id", project.as_str());
    tx.put("reserved_ip", &ip, "", &r).await?;
    assign_project(
        &mut tx,
        &ctx,
        &format!("do:floatingip:{ip}"),
        Some(&project),
    )
    .await?;
    let mut actions = Vec::new();
    let mut droplets = Vec::new();
    if let Some(d) = &droplet {
        let a = new_action(
            &mut tx,
            &ctx,
            "assign_ip",
            json!(ip_int(&ip)),
            "reserved_ip",
            Some(&region),
        )
        .await?;
        actions.push(json!({"id": a["id"], "rel": "assign_ip", "href": format!("{}/v2/actions/{}", ctx.base, a["id"])}));
        droplets.push(json!({"id": d["id"], "rel": "droplet", "href": format!("{}/v2/droplets/{}", ctx.base, d["id"])}));
    }
    tx.commit().await?;
    Ok(ctx
        .reply_raw(json!({"reserved_ip": r, "links": {"droplets": droplets, "actions": actions}})))
}

async fn get(ctx: Ctx, Path(ip): Path<String>) -> R {
    let r = ctx
        .store()
        .get("reserved_ip", &ip)
        .await?
        .ok_or_else(DoError::not_found)?;
    Ok(ctx.reply("reserved_ip", r))
}

async fn delete(ctx: Ctx, Path(ip): Path<String>) -> R {
    let mut tx = ctx.store().begin().await?;
    if !tx.delete("reserved_ip", &ip).await? {
        return Err(DoError::not_found());
    }
    unassign(&mut tx, &format!("do:floatingip:{ip}")).await?;
    tx.commit().await?;
    Ok(ctx.no_content())
}

async fn list_actions(ctx: Ctx, Path(ip): Path<String>) -> R {
    if ctx.store().get("reserved_ip", &ip).await?.is_none() {
        return Err(DoError::not_found());
    }
    let docs = super::account::actions_of(&ctx, &format!("reserved_ip:{}", ip_int(&ip))).await?;
    Ok(ctx.list("actions", docs))
}

async fn get_action(ctx: Ctx, Path((ip, id)): Path<(String, String)>) -> R {
    let a = super::account::action_of(&ctx, &format!("reserved_ip:{}", ip_int(&ip)), &id).await?;
    Ok(ctx.reply("action", a))
}

async fn action(ctx: Ctx, Path(ip): Path<String>, Body(b): Body) -> R {
    let kind = s(&b, "type").unwrap_or_default().to_string();
    let mut tx = ctx.store().begin().await?;
    let mut r = tx
        .get("reserved_ip", &ip)
        .await?
        .ok_or_else(DoError::not_found)?;
    let region = r
        .pointer("/region/slug")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let busy = tx
        .children("action", &format!("reserved_ip:{}", ip_int(&ip)))
        .await?
        .iter()
        .any(|a| present::is_pending(a, ctx.now));
    if busy {
        return Err(DoError::unprocessable(
            "the reserved IP has an action in progress: try again when it completes",
        ));
    }
    let action_type = if kind == "assign" {
        let id = super::int(&b, "droplet_id").unwrap_or(0);
        let d = tx.get("droplet", &id.to_string()).await?.ok_or_else(|| {
            DoError::unprocessable(format!("`droplet_id`: droplet {id} does not exist"))
        })?;
        if d.pointer("/region/slug").and_then(Value::as_str) != Some(region.as_str()) {
            return Err(DoError::unprocessable(format!(
                "droplet {id} is not in {region}, the reserved IP's region"
            )));
        }
        set(&mut r, "droplet", droplet_ref(&ctx, &d));
        "assign_ip"
    } else {
        if r.get("droplet").is_none_or(Value::is_null) {
            return Err(DoError::unprocessable(
                "the reserved IP is not assigned to a droplet",
            ));
        }
        set(&mut r, "droplet", Value::Null);
        "unassign_ip"
    };
    tx.put("reserved_ip", &ip, "", &r).await?;
    let a = new_action(
        &mut tx,
        &ctx,
        action_type,
        json!(ip_int(&ip)),
        "reserved_ip",
        Some(&region),
    )
    .await?;
    tx.commit().await?;
    Ok(ctx.reply("action", ctx.show(&a)))
}
