//! `/v2/projects`: projects, the account's default project, and which resources each holds.
//!
//! As on DigitalOcean, every droplet, volume, load balancer, domain, database, cluster and
//! reserved IP lands in the default project when created (or in the `project_id` it names), and
//! assigning it to another project moves it.

use super::{R, Routes, default_project, iso, name_taken, s, set, uuid};
use crate::Sandbox;
use crate::ctx::{Body, Ctx};
use crate::error::{DoError, Error};
use crate::store::Tx;
use axum::extract::Path;
use serde_json::{Map, Value, json};

/// The purposes DigitalOcean knows; any other is stored as `Other: <purpose>`.
const PURPOSES: &[&str] = &[
    "Just trying out DigitalOcean",
    "Class project / Educational purposes",
    "Website or blog",
    "Web Application",
    "Service or API",
    "Mobile Application",
    "Machine learning / AI / Data processing",
    "IoT",
    "Operational / Developer tooling",
];

pub(crate) fn routes(r: Routes) -> Routes {
    r.at("GET /v2/projects", list)
        .at("POST /v2/projects", create)
        .at("GET /v2/projects/default", get_default)
        .at("PUT /v2/projects/default", update_default)
        .at("PATCH /v2/projects/default", update_default)
        .at("GET /v2/projects/{project_id}", get)
        .at("PUT /v2/projects/{project_id}", update)
        .at("PATCH /v2/projects/{project_id}", update)
        .at("DELETE /v2/projects/{project_id}", delete)
        .at("GET /v2/projects/{project_id}/resources", list_resources)
        .at("POST /v2/projects/{project_id}/resources", assign)
        .at("GET /v2/projects/default/resources", list_default_resources)
        .at("POST /v2/projects/default/resources", assign_default)
}

/// Creates the default project and the account id on first open.
pub(crate) async fn ensure_default(sb: &Sandbox) -> Result<(), Error> {
    let mut tx = sb.0.store.begin().await?;
    if tx.meta("default_project").await?.is_some() {
        return Ok(());
    }
    let account = ferry_api::crypto::hex(&ferry_api::crypto::random_bytes::<20>());
    tx.set_meta("account_uuid", &account).await?;
    let now = sb.now_ms();
    let id = uuid();
    let mut p = sb.0.spec.template("project");
    set(&mut p, "id", id.clone());
    set(&mut p, "owner_uuid", account);
    set(&mut p, "owner_id", 1);
    set(&mut p, "name", "first-project");
    set(
        &mut p,
        "description",
        "Update this to describe what your project is for",
    );
    set(&mut p, "purpose", "Just trying out DigitalOcean");
    set(&mut p, "environment", "Development");
    set(&mut p, "created_at", iso(now));
    set(&mut p, "updated_at", iso(now));
    set(&mut p, "is_default", true);
    tx.put("project", &id, "", &p).await?;
    tx.set_meta("default_project", &id).await?;
    tx.commit().await?;
    Ok(())
}

fn purpose(p: &str) -> String {
    if PURPOSES.contains(&p) || p.starts_with("Other: ") {
        p.to_string()
    } else {
        format!("Other: {p}")
    }
}

async fn list(ctx: Ctx) -> R {
    let docs = ctx.store().list("project").await?;
    Ok(ctx.list("projects", docs))
}

async fn create(ctx: Ctx, Body(b): Body) -> R {
    let name = s(&b, "name").unwrap_or_default();
    let mut tx = ctx.store().begin().await?;
    if name_taken(&tx.list("project").await?, name, None) {
        return Err(DoError::unprocessable(format!(
            "`name`: a project named `{name}` already exists"
        )));
    }
    let owner = tx.meta("account_uuid").await?.unwrap_or_default();
    let id = uuid();
    let mut p = ctx.spec().template("project");
    set(&mut p, "id", id.clone());
    set(&mut p, "owner_uuid", owner);
    set(&mut p, "owner_id", 1);
    set(&mut p, "name", name);
    set(&mut p, "description", s(&b, "description").unwrap_or(""));
    set(&mut p, "purpose", purpose(s(&b, "purpose").unwrap_or("")));
    set(&mut p, "environment", s(&b, "environment").unwrap_or(""));
    set(&mut p, "created_at", iso(ctx.now));
    set(&mut p, "updated_at", iso(ctx.now));
    set(&mut p, "is_default", false);
    tx.put("project", &id, "", &p).await?;
    if b.get("is_default").and_then(Value::as_bool) == Some(true) {
        make_default(&mut tx, &id).await?;
        set(&mut p, "is_default", true);
    }
    tx.commit().await?;
    Ok(ctx.reply("project", p))
}

async fn make_default(tx: &mut Tx<'_>, id: &str) -> Result<(), Error> {
    let old = default_project(tx).await?;
    if old != id
        && let Some(mut o) = tx.get("project", &old).await?
    {
        set(&mut o, "is_default", false);
        tx.put("project", &old, "", &o).await?;
    }
    if let Some(mut p) = tx.get("project", id).await? {
        set(&mut p, "is_default", true);
        tx.put("project", id, "", &p).await?;
    }
    tx.set_meta("default_project", id).await?;
    Ok(())
}

async fn resolve(ctx: &Ctx, id: &str) -> Result<String, DoError> {
    if id == "default" {
        Ok(ctx
            .store()
            .meta("default_project")
            .await?
            .unwrap_or_default())
    } else {
        Ok(id.to_string())
    }
}

async fn get_default(ctx: Ctx) -> R {
    get(ctx, Path("default".into())).await
}

async fn get(ctx: Ctx, Path(id): Path<String>) -> R {
    let id = resolve(&ctx, &id).await?;
    let p = ctx
        .store()
        .get("project", &id)
        .await?
        .ok_or_else(DoError::not_found)?;
    Ok(ctx.reply("project", p))
}

async fn update_default(ctx: Ctx, body: Body) -> R {
    update(ctx, Path("default".into()), body).await
}

async fn update(ctx: Ctx, Path(id): Path<String>, Body(b): Body) -> R {
    let id = resolve(&ctx, &id).await?;
    let mut tx = ctx.store().begin().await?;
    let mut p = tx
        .get("project", &id)
        .await?
        .ok_or_else(DoError::not_found)?;
    if let Some(name) = s(&b, "name") {
        if name_taken(&tx.list("project").await?, name, Some(&id)) {
            return Err(DoError::unprocessable(format!(
                "`name`: a project named `{name}` already exists"
            )));
        }
        set(&mut p, "name", name);
    }
    if let Some(d) = b.get("description").and_then(Value::as_str) {
        set(&mut p, "description", d);
    }
    if let Some(x) = s(&b, "purpose") {
        set(&mut p, "purpose", purpose(x));
    }
    if let Some(x) = b.get("environment").and_then(Value::as_str) {
        set(&mut p, "environment", x);
    }
    set(&mut p, "updated_at", iso(ctx.now));
    tx.put("project", &id, "", &p).await?;
    match b.get("is_default").and_then(Value::as_bool) {
        Some(true) => {
            make_default(&mut tx, &id).await?;
            set(&mut p, "is_default", true);
        }
        Some(false) if p.get("is_default") == Some(&Value::Bool(true)) => {
            return Err(DoError::unprocessable(
                "`is_default` cannot be unset: make another project the default instead",
            ));
        }
        _ => {}
    }
    tx.commit().await?;
    Ok(ctx.reply("project", p))
}

async fn delete(ctx: Ctx, Path(id): Path<String>) -> R {
    let mut tx = ctx.store().begin().await?;
    if tx.get("project", &id).await?.is_none() {
        return Err(DoError::not_found());
    }
    if default_project(&mut tx).await? == id {
        return Err(DoError::precondition_failed(
            "cannot delete the default project",
        ));
    }
    let n = tx.children("project_resource", &id).await?.len();
    if n > 0 {
        return Err(DoError::precondition_failed(format!(
            "cannot delete a project with resources: move or delete its {n} resource(s) first"
        )));
    }
    tx.delete("project", &id).await?;
    tx.commit().await?;
    Ok(ctx.no_content())
}

/// The kind a URN's type is stored as, and its API collection (for `links.self`).
fn urn_kind(ty: &str) -> Option<(&'static str, &'static str)> {
    Some(match ty {
        "droplet" => ("droplet", "droplets"),
        "volume" => ("volume", "volumes"),
        "loadbalancer" => ("lb", "load_balancers"),
        "domain" => ("domain", "domains"),
        "dbaas" => ("database", "databases"),
        "kubernetes" => ("k8s", "kubernetes/clusters"),
        "floatingip" | "reservedip" => ("reserved_ip", "reserved_ips"),
        "vpc" => ("vpc", "vpcs"),
        _ => return None,
    })
}

fn resource_doc(ctx: &Ctx, r: &Value, status: &str) -> Value {
    let urn = r.get("urn").and_then(Value::as_str).unwrap_or("");
    let mut parts = urn.splitn(3, ':').skip(1);
    let ty = parts.next().unwrap_or("");
    let id = parts.next().unwrap_or("");
    let coll = urn_kind(ty).map_or(ty, |(_, c)| c);
    json!({
        "urn": urn,
        "assigned_at": r.get("assigned_at").cloned().unwrap_or(Value::Null),
        "links": {"self": format!("{}/v2/{coll}/{id}", ctx.base)},
        "status": status,
    })
}

async fn list_default_resources(ctx: Ctx) -> R {
    list_resources(ctx, Path("default".into())).await
}

async fn list_resources(ctx: Ctx, Path(id): Path<String>) -> R {
    let id = resolve(&ctx, &id).await?;
    if ctx.store().get("project", &id).await?.is_none() {
        return Err(DoError::not_found());
    }
    let docs: Vec<Value> = ctx
        .store()
        .children("project_resource", &id)
        .await?
        .iter()
        .map(|r| resource_doc(&ctx, r, "ok"))
        .collect();
    Ok(ctx.list_shown("resources", docs))
}

async fn assign_default(ctx: Ctx, body: Body) -> R {
    assign(ctx, Path("default".into()), body).await
}

async fn assign(ctx: Ctx, Path(id): Path<String>, Body(b): Body) -> R {
    let id = resolve(&ctx, &id).await?;
    let urns = super::str_list(b.get("resources"));
    let mut tx = ctx.store().begin().await?;
    if tx.get("project", &id).await?.is_none() {
        return Err(DoError::not_found());
    }
    let mut out = Vec::new();
    for urn in urns {
        let mut parts = urn.splitn(3, ':').skip(1);
        let ty = parts.next().unwrap_or("");
        let rid = parts.next().unwrap_or("");
        // Spaces buckets are not simulated: their URNs are accepted as they are.
        if let Some((kind, _)) = urn_kind(ty)
            && tx.get(kind, rid).await?.is_none()
        {
            return Err(DoError::not_found_msg(format!(
                "resource {urn} could not be found"
            )));
        }
        let mut doc = Map::new();
        doc.insert("urn".into(), urn.clone().into());
        doc.insert("assigned_at".into(), iso(ctx.now).into());
        let doc = Value::Object(doc);
        tx.put("project_resource", &urn, &id, &doc).await?;
        out.push(resource_doc(&ctx, &doc, "assigned"));
    }
    tx.commit().await?;
    Ok(ctx.reply("resources", Value::Array(out)))
}
