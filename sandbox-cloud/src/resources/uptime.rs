//! `/v2/uptime/checks`: uptime checks and their alerts. A check's alerts live under it and go
//! with it; nothing is probed (the checks' state is not served).

use super::{R, Routes, set, str_list, uuid};
use crate::ctx::{Body, Ctx};
use crate::error::DoError;
use axum::extract::Path;
use serde_json::{Map, Value};

pub(crate) fn routes(r: Routes) -> Routes {
    r.at("GET /v2/uptime/checks", list_checks)
        .at("POST /v2/uptime/checks", create_check)
        .at("GET /v2/uptime/checks/{check_id}", get_check)
        .at("PUT /v2/uptime/checks/{check_id}", update_check)
        .at("DELETE /v2/uptime/checks/{check_id}", delete_check)
        .at("GET /v2/uptime/checks/{check_id}/alerts", list_alerts)
        .at("POST /v2/uptime/checks/{check_id}/alerts", create_alert)
        .at(
            "GET /v2/uptime/checks/{check_id}/alerts/{alert_id}",
            get_alert,
        )
        .at(
            "PUT /v2/uptime/checks/{check_id}/alerts/{alert_id}",
            update_alert,
        )
        .at(
            "DELETE /v2/uptime/checks/{check_id}/alerts/{alert_id}",
            delete_alert,
        )
}

const CHECK: &str = "uptime_check";
const ALERT: &str = "uptime_alert";

/// A check's target must fit its type: a URL of that scheme for `http` / `https`, a host
/// (name or address, no scheme or path) for `ping`.
fn check_target(b: &Map<String, Value>, old: Option<&Value>) -> Result<(), DoError> {
    let field = |k: &str| {
        b.get(k)
            .and_then(Value::as_str)
            .or_else(|| old.and_then(|o| o.get(k)).and_then(Value::as_str))
            .unwrap_or_default()
            .to_string()
    };
    let (ty, target) = (field("type"), field("target"));
    let ok = match ty.as_str() {
        "http" | "https" => target
            .strip_prefix(&format!("{ty}://"))
            .is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/')),
        _ => !target.is_empty() && !target.contains("://") && !target.contains('/'),
    };
    if ok {
        Ok(())
    } else {
        Err(DoError::unprocessable(format!(
            "`target`: `{target}` is not a valid target for a `{ty}` check"
        )))
    }
}

fn check_doc(ctx: &Ctx, id: &str, b: &Map<String, Value>, old: Option<&Value>) -> Value {
    let mut c = match old {
        Some(o) => o.clone(),
        None => ctx.spec().template("uptime_check"),
    };
    for k in ["name", "type", "target", "enabled"] {
        if let Some(v) = b.get(k).filter(|v| !v.is_null()) {
            set(&mut c, k, v.clone());
        }
    }
    if let Some(v) = b.get("regions") {
        set(&mut c, "regions", str_list(Some(v)));
    }
    set(&mut c, "id", id);
    c
}

async fn list_checks(ctx: Ctx) -> R {
    let docs = ctx.store().list(CHECK).await?;
    Ok(ctx.list("checks", docs))
}

async fn create_check(ctx: Ctx, Body(b): Body) -> R {
    check_target(&b, None)?;
    let id = uuid();
    let c = check_doc(&ctx, &id, &b, None);
    let mut tx = ctx.store().begin().await?;
    tx.put(CHECK, &id, "", &c).await?;
    tx.commit().await?;
    Ok(ctx.reply("check", c))
}

async fn get_check(ctx: Ctx, Path(id): Path<String>) -> R {
    let c = ctx
        .store()
        .get(CHECK, &id)
        .await?
        .ok_or_else(DoError::not_found)?;
    Ok(ctx.reply("check", c))
}

async fn update_check(ctx: Ctx, Path(id): Path<String>, Body(b): Body) -> R {
    let mut tx = ctx.store().begin().await?;
    let Some(old) = tx.get(CHECK, &id).await? else {
        return Err(DoError::not_found());
    };
    check_target(&b, Some(&old))?;
    let c = check_doc(&ctx, &id, &b, Some(&old));
    tx.put(CHECK, &id, "", &c).await?;
    tx.commit().await?;
    Ok(ctx.reply("check", c))
}

async fn delete_check(ctx: Ctx, Path(id): Path<String>) -> R {
    let mut tx = ctx.store().begin().await?;
    if !tx.delete(CHECK, &id).await? {
        return Err(DoError::not_found());
    }
    tx.delete_children(ALERT, &id).await?;
    tx.commit().await?;
    Ok(ctx.no_content())
}

// ---- alerts --------------------------------------------------------------------------------

/// An alert needs somewhere to send: an e-mail address or a Slack channel; `latency` and
/// `ssl_expiry` alerts need a threshold and, for latency, a comparison.
fn check_alert(b: &Map<String, Value>) -> Result<(), DoError> {
    let n = b.get("notifications");
    let emails = str_list(n.and_then(|n| n.get("email")));
    let slack = n
        .and_then(|n| n.get("slack"))
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    if emails.is_empty() && slack == 0 {
        return Err(DoError::unprocessable(
            "`notifications`: give at least one e-mail address or Slack channel",
        ));
    }
    let ty = b.get("type").and_then(Value::as_str).unwrap_or_default();
    if matches!(ty, "latency" | "ssl_expiry") && b.get("threshold").is_none_or(Value::is_null) {
        return Err(DoError::unprocessable(format!(
            "`threshold`: required for a `{ty}` alert"
        )));
    }
    if ty == "latency" && b.get("comparison").is_none_or(Value::is_null) {
        return Err(DoError::unprocessable(
            "`comparison`: required for a `latency` alert",
        ));
    }
    Ok(())
}

fn alert_doc(ctx: &Ctx, id: &str, b: &Map<String, Value>) -> Value {
    let mut a = ctx.spec().template("uptime_alert");
    for k in [
        "name",
        "type",
        "threshold",
        "comparison",
        "notifications",
        "period",
    ] {
        set(&mut a, k, b.get(k).cloned().unwrap_or(Value::Null));
    }
    set(&mut a, "id", id);
    a
}

/// The alert `alert_id` of check `check_id` (404 when either is missing, or the alert is
/// another check's).
async fn alert_of(ctx: &Ctx, check_id: &str, alert_id: &str) -> Result<Value, DoError> {
    ctx.store()
        .children(ALERT, check_id)
        .await?
        .into_iter()
        .find(|a| a.get("id").and_then(Value::as_str) == Some(alert_id))
        .ok_or_else(DoError::not_found)
}

async fn list_alerts(ctx: Ctx, Path(check_id): Path<String>) -> R {
    if ctx.store().get(CHECK, &check_id).await?.is_none() {
        return Err(DoError::not_found());
    }
    let docs = ctx.store().children(ALERT, &check_id).await?;
    Ok(ctx.list("alerts", docs))
}

async fn create_alert(ctx: Ctx, Path(check_id): Path<String>, Body(b): Body) -> R {
    check_alert(&b)?;
    let mut tx = ctx.store().begin().await?;
    if tx.get(CHECK, &check_id).await?.is_none() {
        return Err(DoError::not_found());
    }
    let id = uuid();
    let a = alert_doc(&ctx, &id, &b);
    tx.put(ALERT, &id, &check_id, &a).await?;
    tx.commit().await?;
    Ok(ctx.reply("alert", a))
}

async fn get_alert(ctx: Ctx, Path((check_id, alert_id)): Path<(String, String)>) -> R {
    let a = alert_of(&ctx, &check_id, &alert_id).await?;
    Ok(ctx.reply("alert", a))
}

async fn update_alert(
    ctx: Ctx,
    Path((check_id, alert_id)): Path<(String, String)>,
    Body(b): Body,
) -> R {
    check_alert(&b)?;
    alert_of(&ctx, &check_id, &alert_id).await?;
    let a = alert_doc(&ctx, &alert_id, &b);
    let mut tx = ctx.store().begin().await?;
    tx.put(ALERT, &alert_id, &check_id, &a).await?;
    tx.commit().await?;
    Ok(ctx.reply("alert", a))
}

async fn delete_alert(ctx: Ctx, Path((check_id, alert_id)): Path<(String, String)>) -> R {
    alert_of(&ctx, &check_id, &alert_id).await?;
    let mut tx = ctx.store().begin().await?;
    if !tx.delete(ALERT, &alert_id).await? {
        return Err(DoError::not_found());
    }
    tx.commit().await?;
    Ok(ctx.no_content())
}
