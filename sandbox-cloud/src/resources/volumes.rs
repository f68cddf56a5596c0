//! `/v2/volumes`: block storage volumes (UUIDs), attach/detach/resize actions, the volume limit.

use super::{
    R, RegionUse, Routes, assign_project, check_region, ensure_tags, filter_tag, id_of, iso,
    new_action, region_obj, s, set, str_list, tags_from, unassign, uuid,
};
use crate::ctx::{Body, Ctx};
use crate::error::DoError;
use crate::store::Tx;
use axum::extract::Path;
use serde_json::{Map, Value, json};

/// The largest volume (16 TiB).
const MAX_GIB: i64 = 16_384;

/// Volumes one droplet can have attached.
const PER_DROPLET: usize = 7;

pub(crate) fn routes(r: Routes) -> Routes {
    r.at("GET /v2/volumes", list)
        .at("POST /v2/volumes", create)
        .at("DELETE /v2/volumes", delete_by_name)
        .at("POST /v2/volumes/actions", action_by_name)
        .at("GET /v2/volumes/{volume_id}", get)
        .at("DELETE /v2/volumes/{volume_id}", delete)
        .at("GET /v2/volumes/{volume_id}/actions", list_actions)
        .at("POST /v2/volumes/{volume_id}/actions", action)
        .at(
            "GET /v2/volumes/{volume_id}/actions/{action_id}",
            get_action,
        )
}

fn region_of(v: &Value) -> &str {
    v.pointer("/region/slug")
        .and_then(Value::as_str)
        .unwrap_or("")
}

async fn list(ctx: Ctx) -> R {
    let mut docs = filter_tag(&ctx, ctx.store().list("volume").await?);
    if let Some(n) = ctx.q("name") {
        docs.retain(|v| super::name_of(v) == n);
    }
    if let Some(r) = ctx.q("region") {
        docs.retain(|v| region_of(v) == r);
    }
    Ok(ctx.list("volumes", docs))
}

async fn create(ctx: Ctx, Body(b): Body) -> R {
    let name = s(&b, "name").unwrap_or_default().to_string();
    let ok_name = !name.is_empty()
        && name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !ok_name {
        return Err(DoError::unprocessable(format!(
            "`name`: `{name}` is not a valid volume name: lowercase letters, numbers and `-`, starting with a letter, at most 64 characters"
        )));
    }
    let region = s(&b, "region").unwrap_or_default().to_string();
    check_region(ctx.spec(), &region, RegionUse::Any)?;
    let size = super::int(&b, "size_gigabytes").unwrap_or(0);
    if !(1..=MAX_GIB).contains(&size) {
        return Err(DoError::unprocessable(format!(
            "`size_gigabytes`: {size} is out of range (a volume has 1 GiB to 16 TiB)"
        )));
    }
    if let Some(fs) = s(&b, "filesystem_type")
        && !matches!(fs, "ext4" | "xfs")
    {
        return Err(DoError::unprocessable(format!(
            "`filesystem_type`: `{fs}` is not one of ext4, xfs"
        )));
    }
    if s(&b, "snapshot_id").is_some() {
        return Err(DoError::unprocessable(
            "`snapshot_id`: snapshot could not be found (the sandbox has no snapshots)",
        ));
    }
    let tags = tags_from(&b, "tags")?;
    let mut tx = ctx.store().begin().await?;
    let all = tx.list("volume").await?;
    if all
        .iter()
        .any(|v| super::name_of(v) == name && region_of(v) == region)
    {
        return Err(DoError::unprocessable(format!(
            "`name`: a volume named `{name}` already exists in {region}"
        )));
    }
    let limit = ctx.config().volume_limit as usize;
    if all.len() >= limit {
        return Err(DoError::unprocessable(format!(
            "creating this volume will exceed your volume limit ({limit})"
        )));
    }
    ensure_tags(&mut tx, &tags).await?;
    let id = uuid();
    let mut v = ctx.spec().template("volume");
    set(&mut v, "id", id.as_str());
    set(&mut v, "droplet_ids", json!([]));
    set(&mut v, "name", name.as_str());
    set(&mut v, "description", s(&b, "description").unwrap_or(""));
    set(&mut v, "size_gigabytes", size);
    set(&mut v, "created_at", iso(ctx.now));
    set(&mut v, "tags", tags);
    set(&mut v, "region", region_obj(ctx.spec(), &region));
    set(
        &mut v,
        "filesystem_type",
        s(&b, "filesystem_type").unwrap_or(""),
    );
    set(
        &mut v,
        "filesystem_label",
        s(&b, "filesystem_label").unwrap_or(""),
    );
    tx.put("volume", &id, "", &v).await?;
    assign_project(&mut tx, &ctx, &format!("do:volume:{id}"), None).await?;
    tx.commit().await?;
    Ok(ctx.reply("volume", v))
}

async fn get(ctx: Ctx, Path(id): Path<String>) -> R {
    let v = ctx
        .store()
        .get("volume", &id)
        .await?
        .ok_or_else(DoError::not_found)?;
    Ok(ctx.reply("volume", v))
}

async fn remove(tx: &mut Tx<'_>, v: &Value) -> Result<(), DoError> {
    if !str_list(v.get("droplet_ids")).is_empty() {
        return Err(DoError::conflict(
            "the volume is attached to a droplet: detach it before deleting it",
        ));
    }
    let id = id_of(v);
    tx.delete("volume", &id).await?;
    unassign(tx, &format!("do:volume:{id}")).await?;
    Ok(())
}

async fn delete(ctx: Ctx, Path(id): Path<String>) -> R {
    let mut tx = ctx.store().begin().await?;
    let v = tx
        .get("volume", &id)
        .await?
        .ok_or_else(DoError::not_found)?;
    remove(&mut tx, &v).await?;
    tx.commit().await?;
    Ok(ctx.no_content())
}

async fn delete_by_name(ctx: Ctx) -> R {
    let (Some(name), Some(region)) = (ctx.q("name"), ctx.q("region")) else {
        return Err(DoError::unprocessable(
            "`name` and `region` query parameters are required to delete a volume by name",
        ));
    };
    let mut tx = ctx.store().begin().await?;
    let v = tx
        .list("volume")
        .await?
        .into_iter()
        .find(|v| super::name_of(v) == name && region_of(v) == region)
        .ok_or_else(DoError::not_found)?;
    remove(&mut tx, &v).await?;
    tx.commit().await?;
    Ok(ctx.no_content())
}

async fn list_actions(ctx: Ctx, Path(id): Path<String>) -> R {
    if ctx.store().get("volume", &id).await?.is_none() {
        return Err(DoError::not_found());
    }
    let docs = super::account::actions_of(&ctx, &format!("volume:{id}")).await?;
    Ok(ctx.list("actions", docs))
}

async fn get_action(ctx: Ctx, Path((id, action)): Path<(String, String)>) -> R {
    let a = super::account::action_of(&ctx, &format!("volume:{id}"), &action).await?;
    Ok(ctx.reply("action", a))
}

async fn action(ctx: Ctx, Path(id): Path<String>, Body(b): Body) -> R {
    let mut tx = ctx.store().begin().await?;
    let v = tx
        .get("volume", &id)
        .await?
        .ok_or_else(DoError::not_found)?;
    let a = apply(&mut tx, &ctx, v, &b).await?;
    tx.commit().await?;
    Ok(ctx.reply("action", ctx.show(&a)))
}

async fn action_by_name(ctx: Ctx, Body(b): Body) -> R {
    let name = s(&b, "volume_name").unwrap_or_default().to_string();
    let region = s(&b, "region").unwrap_or_default().to_string();
    let mut tx = ctx.store().begin().await?;
    let v = tx
        .list("volume")
        .await?
        .into_iter()
        .find(|v| super::name_of(v) == name && region_of(v) == region)
        .ok_or_else(|| {
            DoError::not_found_msg(format!("volume `{name}` in `{region}` could not be found"))
        })?;
    let a = apply(&mut tx, &ctx, v, &b).await?;
    tx.commit().await?;
    Ok(ctx.reply("action", ctx.show(&a)))
}

/// Attach, detach or resize; the effect is immediate, the action completes after the delay.
async fn apply(tx: &mut Tx<'_>, ctx: &Ctx, mut v: Value, b: &Map<String, Value>) -> R2 {
    let id = id_of(&v);
    let region = region_of(&v).to_string();
    let kind = s(b, "type").unwrap_or_default().to_string();
    match kind.as_str() {
        "attach" | "detach" => {
            let droplet_id = super::int(b, "droplet_id").unwrap_or(0);
            let key = droplet_id.to_string();
            let mut d = tx.get("droplet", &key).await?.ok_or_else(|| {
                DoError::not_found_msg(format!("droplet {droplet_id} could not be found"))
            })?;
            let attached = str_list(v.get("droplet_ids"));
            let mut vols = str_list(d.get("volume_ids"));
            if kind == "attach" {
                if d.pointer("/region/slug").and_then(Value::as_str) != Some(region.as_str()) {
                    return Err(DoError::unprocessable(format!(
                        "droplet {droplet_id} is not in {region}, the volume's region"
                    )));
                }
                if !attached.is_empty() {
                    return Err(DoError::unprocessable(format!(
                        "the volume is already attached to droplet {}",
                        attached.join(", ")
                    )));
                }
                if vols.len() >= PER_DROPLET {
                    return Err(DoError::unprocessable(format!(
                        "droplet {droplet_id} already has {PER_DROPLET} volumes attached"
                    )));
                }
                vols.push(id.clone());
                set(&mut v, "droplet_ids", json!([droplet_id]));
            } else {
                if !attached.contains(&key) {
                    return Err(DoError::unprocessable(format!(
                        "the volume is not attached to droplet {droplet_id}"
                    )));
                }
                vols.retain(|x| *x != id);
                set(&mut v, "droplet_ids", json!([]));
            }
            set(&mut d, "volume_ids", vols);
            tx.put("droplet", &key, "", &d).await?;
        }
        "resize" => {
            let size = super::int(b, "size_gigabytes").unwrap_or(0);
            let current = v.get("size_gigabytes").and_then(Value::as_i64).unwrap_or(0);
            if size <= current {
                return Err(DoError::unprocessable(format!(
                    "`size_gigabytes`: a volume can only grow ({current} GiB now, {size} asked)"
                )));
            }
            set(&mut v, "size_gigabytes", size);
        }
        _ => {}
    }
    tx.put("volume", &id, "", &v).await?;
    let action_type = match kind.as_str() {
        "attach" => "attach_volume",
        "detach" => "detach_volume",
        _ => "resize_volume",
    };
    Ok(new_action(tx, ctx, action_type, json!(id), "volume", Some(&region)).await?)
}

type R2 = Result<Value, DoError>;
