//! `/v2/kubernetes`: clusters (`provisioning` → `running`), node pools and their nodes (which
//! count against the droplet limit), options, kubeconfig and credentials, registry integration.

use super::{
    R, RegionUse, Routes, assign_project, check_hostname, check_region, ensure_tags, filter_tag,
    id_of, iso, name_taken, pending, public_ip, quota_error, random_word, s, set, str_list,
    tags_from, unassign, uuid,
};
use crate::ctx::{Body, Ctx};
use crate::error::DoError;
use crate::present;
use crate::spec::SpecData;
use crate::store::Tx;
use axum::extract::Path;
use axum::http::header;
use axum::response::IntoResponse;
use base64::Engine as _;
use serde_json::{Map, Value, json};

pub(crate) fn routes(r: Routes) -> Routes {
    r.at("GET /v2/kubernetes/options", options)
        .at("GET /v2/kubernetes/clusters", list)
        .at("POST /v2/kubernetes/clusters", create)
        .at("GET /v2/kubernetes/clusters/{cluster_id}", get)
        .at("PUT /v2/kubernetes/clusters/{cluster_id}", update)
        .at("DELETE /v2/kubernetes/clusters/{cluster_id}", delete)
        .at(
            "GET /v2/kubernetes/clusters/{cluster_id}/kubeconfig",
            kubeconfig,
        )
        .at(
            "GET /v2/kubernetes/clusters/{cluster_id}/credentials",
            credentials,
        )
        .at(
            "GET /v2/kubernetes/clusters/{cluster_id}/upgrades",
            upgrades,
        )
        .at(
            "GET /v2/kubernetes/clusters/{cluster_id}/node_pools",
            list_pools,
        )
        .at(
            "POST /v2/kubernetes/clusters/{cluster_id}/node_pools",
            add_pool,
        )
        .at(
            "GET /v2/kubernetes/clusters/{cluster_id}/node_pools/{node_pool_id}",
            get_pool,
        )
        .at(
            "PUT /v2/kubernetes/clusters/{cluster_id}/node_pools/{node_pool_id}",
            update_pool,
        )
        .at(
            "DELETE /v2/kubernetes/clusters/{cluster_id}/node_pools/{node_pool_id}",
            delete_pool,
        )
        .at("POST /v2/kubernetes/registry", add_registry)
        .at("DELETE /v2/kubernetes/registry", remove_registry)
}

/// The slug a requested version means: an exact slug, `latest`, a minor (`1.31`) or a
/// version without the `-do.N` suffix (`1.31.9`) — the newest match, as DigitalOcean picks.
fn resolve_version(spec: &SpecData, v: &str) -> Result<String, DoError> {
    let versions = &spec.slugs.kubernetes_versions;
    let found = if v == "latest" {
        versions.first()
    } else {
        versions.iter().find(|s| {
            s.as_str() == v || s.starts_with(&format!("{v}.")) || s.starts_with(&format!("{v}-"))
        })
    };
    found.cloned().ok_or_else(|| {
        DoError::unprocessable(format!(
            "`version`: `{v}` is not a supported Kubernetes version (supported: {}, `latest`, or a minor version such as `1.31`)",
            versions.join(", ")
        ))
    })
}

fn kube_version(slug: &str) -> &str {
    slug.split("-do.").next().unwrap_or(slug)
}

fn k8s_tags(id: &str) -> Vec<String> {
    vec!["k8s".into(), format!("k8s:{id}")]
}

fn user_tags(tags: &[String]) -> Vec<String> {
    tags.iter()
        .filter(|t| *t != "k8s" && !t.starts_with("k8s:"))
        .cloned()
        .collect()
}

/// A node of a pool, `provisioning` until it settles.
async fn new_node(tx: &mut Tx<'_>, ctx: &Ctx, pool_name: &str) -> Result<Value, DoError> {
    let droplet_id = tx.next("droplet", 300_000_000).await?;
    let mut n = json!({
        "id": uuid(),
        "name": format!("{pool_name}-{}", random_word(5)),
        "status": {"state": "provisioning"},
        "droplet_id": droplet_id.to_string(),
        "created_at": iso(ctx.now),
        "updated_at": iso(ctx.now),
    });
    pending(ctx, &mut n, json!({"status": {"state": "running"}}));
    Ok(n)
}

/// The node count, autoscaling and labels/taints of a pool request, checked.
struct PoolSpec {
    name: String,
    size: String,
    count: usize,
    auto_scale: bool,
    min: i64,
    max: i64,
    tags: Vec<String>,
    labels: Value,
    taints: Value,
}

fn pool_spec(spec: &SpecData, b: &Map<String, Value>, at: &str) -> Result<PoolSpec, DoError> {
    let name = s(b, "name")
        .ok_or_else(|| DoError::unprocessable(format!("`{at}name` is required")))?
        .to_string();
    check_hostname(&format!("{at}name"), &name, 255)?;
    let size = s(b, "size")
        .ok_or_else(|| DoError::unprocessable(format!("`{at}size` is required")))?
        .to_string();
    super::droplets::check_size(spec, &format!("{at}size"), &size)?;
    let auto_scale = b.get("auto_scale").and_then(Value::as_bool) == Some(true);
    let count = super::int(b, "count");
    let (min, max) = (
        super::int(b, "min_nodes").unwrap_or(0),
        super::int(b, "max_nodes").unwrap_or(0),
    );
    let count = if auto_scale {
        if max < 1 || min > max || min < 0 {
            return Err(DoError::unprocessable(format!(
                "`{at}min_nodes`/`{at}max_nodes`: an autoscaling pool needs 0 <= min_nodes <= max_nodes and max_nodes >= 1 (got {min} and {max})"
            )));
        }
        let c = count.filter(|c| *c > 0).unwrap_or(min.max(1));
        if c < min || c > max {
            return Err(DoError::unprocessable(format!(
                "`{at}count`: {c} is outside min_nodes..max_nodes ({min}..{max})"
            )));
        }
        c
    } else {
        match count {
            Some(c) if c >= 1 => c,
            _ => {
                return Err(DoError::unprocessable(format!(
                    "`{at}count`: a node pool needs at least 1 node"
                )));
            }
        }
    };
    let tags = tags_from(b, "tags")?;
    Ok(PoolSpec {
        name,
        size,
        count: usize::try_from(count).unwrap_or(1),
        auto_scale,
        min,
        max,
        tags,
        labels: b.get("labels").cloned().unwrap_or_else(|| json!({})),
        taints: b.get("taints").cloned().unwrap_or_else(|| json!([])),
    })
}

async fn build_pool(
    tx: &mut Tx<'_>,
    ctx: &Ctx,
    cluster_id: &str,
    p: &PoolSpec,
) -> Result<Value, DoError> {
    let mut pool = ctx.spec().template("node_pool");
    let mut tags = p.tags.clone();
    tags.extend(k8s_tags(cluster_id));
    tags.push("k8s:worker".into());
    let mut nodes = Vec::new();
    for _ in 0..p.count {
        nodes.push(new_node(tx, ctx, &p.name).await?);
    }
    set(&mut pool, "id", uuid());
    set(&mut pool, "name", p.name.as_str());
    set(&mut pool, "size", p.size.as_str());
    set(&mut pool, "count", p.count);
    set(&mut pool, "tags", tags);
    set(&mut pool, "labels", p.labels.clone());
    set(&mut pool, "taints", p.taints.clone());
    set(&mut pool, "auto_scale", p.auto_scale);
    set(&mut pool, "min_nodes", if p.auto_scale { p.min } else { 0 });
    set(&mut pool, "max_nodes", if p.auto_scale { p.max } else { 0 });
    set(&mut pool, "nodes", nodes);
    Ok(pool)
}

async fn options(ctx: Ctx) -> R {
    let spec = ctx.spec();
    let regions: Vec<Value> = spec
        .slugs
        .regions
        .iter()
        .filter(|r| r.doks)
        .map(|r| json!({"name": r.name, "slug": r.slug}))
        .collect();
    let versions: Vec<Value> = spec
        .slugs
        .kubernetes_versions
        .iter()
        .map(|v| json!({
            "slug": v,
            "kubernetes_version": kube_version(v),
            "supported_features": ["cluster-autoscaler", "docr-integration", "ha-control-plane", "token-authentication"],
        }))
        .collect();
    let sizes: Vec<Value> = spec
        .slugs
        .droplet_sizes
        .iter()
        .map(|z| json!({"name": z.slug, "slug": z.slug}))
        .collect();
    Ok(ctx
        .reply_raw(json!({"options": {"regions": regions, "versions": versions, "sizes": sizes}})))
}

async fn list(ctx: Ctx) -> R {
    let docs = filter_tag(&ctx, ctx.store().list("k8s").await?);
    Ok(ctx.list("kubernetes_clusters", docs))
}

async fn create(ctx: Ctx, Body(b): Body) -> R {
    let spec = ctx.spec();
    let name = s(&b, "name").unwrap_or_default().to_string();
    check_hostname("name", &name, 255)?;
    let region = s(&b, "region").unwrap_or_default().to_string();
    check_region(spec, &region, RegionUse::Kubernetes)?;
    let version = resolve_version(spec, s(&b, "version").unwrap_or_default())?;
    let tags = tags_from(&b, "tags")?;
    let pool_reqs = b
        .get("node_pools")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if pool_reqs.is_empty() {
        return Err(DoError::unprocessable(
            "`node_pools`: a cluster needs at least one node pool",
        ));
    }
    let mut pools = Vec::new();
    for (i, p) in pool_reqs.iter().enumerate() {
        let Some(o) = p.as_object() else {
            return Err(DoError::bad_request(format!(
                "error parsing request body: `node_pools[{i}]` must be an object"
            )));
        };
        let ps = pool_spec(spec, o, &format!("node_pools[{i}]."))?;
        if pools.iter().any(|q: &PoolSpec| q.name == ps.name) {
            return Err(DoError::unprocessable(format!(
                "`node_pools[{i}].name`: two node pools are named `{}`",
                ps.name
            )));
        }
        pools.push(ps);
    }
    let mut tx = ctx.store().begin().await?;
    if name_taken(&tx.list("k8s").await?, &name, None) {
        return Err(DoError::unprocessable(format!(
            "`name`: a Kubernetes cluster named `{name}` already exists"
        )));
    }
    let want: usize = pools.iter().map(|p| p.count).sum();
    let in_use = super::droplets_in_use(&mut tx).await?;
    let limit = ctx.config().droplet_limit;
    if in_use + want > limit as usize {
        return Err(quota_error(limit, in_use, want));
    }
    let vpc = super::vpc_for(&mut tx, &ctx, "vpc_uuid", s(&b, "vpc_uuid"), &region).await?;
    ensure_tags(&mut tx, &tags).await?;
    let id = uuid();
    let mut pool_docs = Vec::new();
    for p in &pools {
        pool_docs.push(build_pool(&mut tx, &ctx, &id, p).await?);
    }
    let mut all_tags = tags.clone();
    all_tags.extend(k8s_tags(&id));
    let mut c = spec.template("kubernetes_cluster");
    set(&mut c, "id", id.as_str());
    set(&mut c, "name", name.as_str());
    set(&mut c, "region", region.as_str());
    set(&mut c, "version", version.as_str());
    set(
        &mut c,
        "cluster_subnet",
        s(&b, "cluster_subnet").unwrap_or("10.244.0.0/16"),
    );
    set(
        &mut c,
        "service_subnet",
        s(&b, "service_subnet").unwrap_or("10.245.0.0/16"),
    );
    set(&mut c, "vpc_uuid", vpc.as_str());
    set(&mut c, "worker_subnet_uuid", Value::Null);
    set(&mut c, "ipv4", "");
    set(&mut c, "endpoint", "");
    set(&mut c, "tags", all_tags);
    set(&mut c, "node_pools", pool_docs);
    let mut mp = json!({"start_time": "00:00", "duration": "4h0m0s", "day": "any"});
    if let (Some(dst), Some(m)) = (
        mp.as_object_mut(),
        b.get("maintenance_policy").and_then(Value::as_object),
    ) {
        present::merge(dst, Value::Object(m.clone()));
    }
    set(&mut c, "maintenance_policy", mp);
    for (k, default) in [
        ("auto_upgrade", false),
        ("surge_upgrade", true),
        ("ha", false),
        ("isolated_workers", false),
    ] {
        set(
            &mut c,
            k,
            b.get(k).and_then(Value::as_bool).unwrap_or(default),
        );
    }
    set(
        &mut c,
        "status",
        json!({"state": "provisioning", "message": "provisioning"}),
    );
    set(&mut c, "created_at", iso(ctx.now));
    set(&mut c, "updated_at", iso(ctx.now));
    set(&mut c, "registry_enabled", false);
    set(&mut c, "registries", json!([]));
    set(
        &mut c,
        "control_plane_firewall",
        b.get("control_plane_firewall")
            .cloned()
            .unwrap_or_else(|| json!({"enabled": false, "allowed_addresses": []})),
    );
    set(
        &mut c,
        "cluster_autoscaler_configuration",
        b.get("cluster_autoscaler_configuration")
            .cloned()
            .unwrap_or(Value::Null),
    );
    for k in [
        "sso",
        "routing_agent",
        "amd_gpu_device_plugin",
        "amd_gpu_device_metrics_exporter_plugin",
        "nvidia_gpu_device_plugin",
        "rdma_shared_dev_plugin",
        "coredns_autoscaler",
        "p2p_oci_registry_plugin",
    ] {
        set(
            &mut c,
            k,
            b.get(k)
                .cloned()
                .unwrap_or_else(|| json!({"enabled": false})),
        );
    }
    set(&mut c, "_token", format!("doks_{}", random_word(40)));
    let ip = public_ip(&mut tx).await?;
    pending(
        &ctx,
        &mut c,
        json!({
            "status": {"state": "running", "message": ""},
            "ipv4": ip,
            "endpoint": format!("https://{id}.k8s.ondigitalocean.com"),
        }),
    );
    tx.put("k8s", &id, "", &c).await?;
    assign_project(&mut tx, &ctx, &format!("do:kubernetes:{id}"), None).await?;
    tx.commit().await?;
    Ok(ctx.reply("kubernetes_cluster", ctx.show(&c)))
}

async fn find(ctx: &Ctx, id: &str) -> Result<Value, DoError> {
    ctx.store()
        .get("k8s", id)
        .await?
        .ok_or_else(DoError::not_found)
}

async fn get(ctx: Ctx, Path(id): Path<String>) -> R {
    let c = find(&ctx, &id).await?;
    Ok(ctx.reply("kubernetes_cluster", ctx.show(&c)))
}

async fn update(ctx: Ctx, Path(id): Path<String>, Body(b): Body) -> R {
    let mut tx = ctx.store().begin().await?;
    let mut c = tx.get("k8s", &id).await?.ok_or_else(DoError::not_found)?;
    present::settle(&mut c, ctx.now);
    let name = s(&b, "name").unwrap_or_default();
    check_hostname("name", name, 255)?;
    if name_taken(&tx.list("k8s").await?, name, Some(&id)) {
        return Err(DoError::unprocessable(format!(
            "`name`: a Kubernetes cluster named `{name}` already exists"
        )));
    }
    set(&mut c, "name", name);
    if b.contains_key("tags") {
        let tags = tags_from(&b, "tags")?;
        ensure_tags(&mut tx, &tags).await?;
        let mut all = user_tags(&tags);
        all.extend(k8s_tags(&id));
        set(&mut c, "tags", all);
    }
    if b.get("ha").and_then(Value::as_bool) == Some(false)
        && c.get("ha").and_then(Value::as_bool) == Some(true)
    {
        return Err(DoError::unprocessable(
            "`ha`: high availability cannot be disabled once enabled",
        ));
    }
    for k in ["auto_upgrade", "surge_upgrade", "ha"] {
        if let Some(v) = b.get(k).and_then(Value::as_bool) {
            set(&mut c, k, v);
        }
    }
    if let Some(m) = b.get("maintenance_policy").and_then(Value::as_object)
        && let Some(mp) = c
            .get_mut("maintenance_policy")
            .and_then(Value::as_object_mut)
    {
        present::merge(mp, Value::Object(m.clone()));
    }
    for k in ["control_plane_firewall", "cluster_autoscaler_configuration"] {
        if let Some(v) = b.get(k) {
            set(&mut c, k, v.clone());
        }
    }
    set(&mut c, "updated_at", iso(ctx.now));
    tx.put("k8s", &id, "", &c).await?;
    tx.commit().await?;
    Ok(ctx.reply("kubernetes_cluster", ctx.show(&c)))
}

async fn delete(ctx: Ctx, Path(id): Path<String>) -> R {
    let mut tx = ctx.store().begin().await?;
    if !tx.delete("k8s", &id).await? {
        return Err(DoError::not_found());
    }
    unassign(&mut tx, &format!("do:kubernetes:{id}")).await?;
    tx.commit().await?;
    Ok(ctx.no_content())
}

fn ca_data() -> String {
    let pem = "-----BEGIN CERTIFICATE-----\nU2FuZGJveCBjbHVzdGVyIENBIChub3QgYSByZWFsIGNlcnRpZmljYXRlKQ==\n-----END CERTIFICATE-----\n";
    base64::engine::general_purpose::STANDARD.encode(pem)
}

fn server(c: &Value, now: i64) -> String {
    present::present(c, now)
        .get("endpoint")
        .and_then(Value::as_str)
        .filter(|e| !e.is_empty())
        .map_or_else(
            || format!("https://{}.k8s.ondigitalocean.com", id_of(c)),
            str::to_string,
        )
}

async fn kubeconfig(ctx: Ctx, Path(id): Path<String>) -> R {
    let c = find(&ctx, &id).await?;
    let name = format!(
        "do-{}-{}",
        c["region"].as_str().unwrap_or(""),
        super::name_of(&c)
    );
    let token = c.get("_token").and_then(Value::as_str).unwrap_or("");
    let yaml = format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    certificate-authority-data: {ca}\n    server: {server}\n  name: {name}\ncontexts:\n- context:\n    cluster: {name}\n    user: {name}-admin\n  name: {name}\ncurrent-context: {name}\nusers:\n- name: {name}-admin\n  user:\n    token: {token}\n",
        ca = ca_data(),
        server = server(&c, ctx.now),
    );
    Ok(([(header::CONTENT_TYPE, "application/yaml")], yaml).into_response())
}

async fn credentials(ctx: Ctx, Path(id): Path<String>) -> R {
    let c = find(&ctx, &id).await?;
    let expiry = ctx
        .q("expiry_seconds")
        .and_then(|v| v.parse::<i64>().ok())
        .filter(|v| *v > 0)
        .unwrap_or(7 * 86_400);
    Ok(ctx.reply_raw(json!({
        "server": server(&c, ctx.now),
        "certificate_authority_data": ca_data(),
        "client_certificate_data": Value::Null,
        "client_key_data": Value::Null,
        "token": c.get("_token").cloned().unwrap_or(Value::Null),
        "expires_at": iso(ctx.now + expiry * 1000),
    })))
}

async fn upgrades(ctx: Ctx, Path(id): Path<String>) -> R {
    let c = find(&ctx, &id).await?;
    let current = c.get("version").and_then(Value::as_str).unwrap_or("");
    let versions = &ctx.spec().slugs.kubernetes_versions;
    let newer: Vec<Value> = versions
        .iter()
        .take_while(|v| v.as_str() != current)
        .map(|v| json!({"slug": v, "kubernetes_version": kube_version(v)}))
        .collect();
    Ok(ctx.reply_raw(json!({"available_upgrade_versions": newer})))
}

fn pools_of(c: &Value) -> Vec<Value> {
    c.get("node_pools")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

async fn list_pools(ctx: Ctx, Path(id): Path<String>) -> R {
    let c = ctx.show(&find(&ctx, &id).await?);
    Ok(ctx.list_shown("node_pools", pools_of(&c)))
}

async fn get_pool(ctx: Ctx, Path((id, pool)): Path<(String, String)>) -> R {
    let c = ctx.show(&find(&ctx, &id).await?);
    let p = pools_of(&c)
        .into_iter()
        .find(|p| id_of(p) == pool)
        .ok_or_else(DoError::not_found)?;
    Ok(ctx.reply("node_pool", p))
}

async fn add_pool(ctx: Ctx, Path(id): Path<String>, Body(b): Body) -> R {
    let ps = pool_spec(ctx.spec(), &b, "")?;
    let mut tx = ctx.store().begin().await?;
    let mut c = tx.get("k8s", &id).await?.ok_or_else(DoError::not_found)?;
    let mut pools = pools_of(&c);
    if pools.iter().any(|p| super::name_of(p) == ps.name) {
        return Err(DoError::unprocessable(format!(
            "`name`: the cluster already has a node pool named `{}`",
            ps.name
        )));
    }
    let in_use = super::droplets_in_use(&mut tx).await?;
    let limit = ctx.config().droplet_limit;
    if in_use + ps.count > limit as usize {
        return Err(quota_error(limit, in_use, ps.count));
    }
    ensure_tags(&mut tx, &ps.tags).await?;
    let pool = build_pool(&mut tx, &ctx, &id, &ps).await?;
    pools.push(pool.clone());
    set(&mut c, "node_pools", pools);
    tx.put("k8s", &id, "", &c).await?;
    tx.commit().await?;
    Ok(ctx.reply("node_pool", ctx.show(&pool)))
}

async fn update_pool(ctx: Ctx, Path((id, pool_id)): Path<(String, String)>, Body(b): Body) -> R {
    let mut tx = ctx.store().begin().await?;
    let mut c = tx.get("k8s", &id).await?.ok_or_else(DoError::not_found)?;
    let mut pools = pools_of(&c);
    let idx = pools
        .iter()
        .position(|p| id_of(p) == pool_id)
        .ok_or_else(DoError::not_found)?;
    let mut merged = pools[idx].as_object().cloned().unwrap_or_default();
    for (k, v) in &b {
        merged.insert(k.clone(), v.clone());
    }
    merged.insert(
        "tags".into(),
        json!(
            user_tags(&str_list(merged.get("tags")))
                .into_iter()
                .filter(|t| t != "k8s:worker")
                .collect::<Vec<_>>()
        ),
    );
    let ps = pool_spec(ctx.spec(), &merged, "")?;
    if pools
        .iter()
        .enumerate()
        .any(|(i, p)| i != idx && super::name_of(p) == ps.name)
    {
        return Err(DoError::unprocessable(format!(
            "`name`: the cluster already has a node pool named `{}`",
            ps.name
        )));
    }
    let mut nodes = pools[idx]
        .get("nodes")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if ps.count > nodes.len() {
        let more = ps.count - nodes.len();
        let in_use = super::droplets_in_use(&mut tx).await?;
        let limit = ctx.config().droplet_limit;
        if in_use + more > limit as usize {
            return Err(quota_error(limit, in_use, more));
        }
        for _ in 0..more {
            nodes.push(new_node(&mut tx, &ctx, &ps.name).await?);
        }
    } else {
        nodes.truncate(ps.count);
    }
    ensure_tags(&mut tx, &ps.tags).await?;
    let mut p = build_pool(&mut tx, &ctx, &id, &PoolSpec { count: 0, ..ps }).await?;
    set(&mut p, "id", pool_id.as_str());
    set(&mut p, "count", nodes.len());
    set(&mut p, "nodes", nodes);
    pools[idx] = p.clone();
    set(&mut c, "node_pools", pools);
    tx.put("k8s", &id, "", &c).await?;
    tx.commit().await?;
    Ok(ctx.reply("node_pool", ctx.show(&p)))
}

async fn delete_pool(ctx: Ctx, Path((id, pool_id)): Path<(String, String)>) -> R {
    let mut tx = ctx.store().begin().await?;
    let mut c = tx.get("k8s", &id).await?.ok_or_else(DoError::not_found)?;
    let mut pools = pools_of(&c);
    let before = pools.len();
    pools.retain(|p| id_of(p) != pool_id);
    if pools.len() == before {
        return Err(DoError::not_found());
    }
    if pools.is_empty() {
        return Err(DoError::unprocessable(
            "a cluster needs at least one node pool: delete the cluster instead",
        ));
    }
    set(&mut c, "node_pools", pools);
    tx.put("k8s", &id, "", &c).await?;
    tx.commit().await?;
    Ok(ctx.no_content())
}

async fn registry(ctx: Ctx, b: Map<String, Value>, on: bool) -> R {
    let ids = str_list(b.get("cluster_uuids"));
    let mut tx = ctx.store().begin().await?;
    if on && tx.get("registry", "registry").await?.is_none() {
        return Err(DoError::unprocessable(
            "the account has no container registry to integrate",
        ));
    }
    for (i, id) in ids.iter().enumerate() {
        let mut c = tx.get("k8s", id).await?.ok_or_else(|| {
            DoError::not_found_msg(format!(
                "`cluster_uuids[{i}]`: cluster {id} could not be found"
            ))
        })?;
        set(&mut c, "registry_enabled", on);
        tx.put("k8s", id, "", &c).await?;
    }
    tx.commit().await?;
    Ok(ctx.no_content())
}

async fn add_registry(ctx: Ctx, Body(b): Body) -> R {
    registry(ctx, b, true).await
}

async fn remove_registry(ctx: Ctx, Body(b): Body) -> R {
    registry(ctx, b, false).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_resolve_like_digitalocean() {
        let spec = SpecData::get().expect("spec");
        let newest = spec.slugs.kubernetes_versions[0].clone();
        assert_eq!(resolve_version(spec, "latest").expect("latest"), newest);
        let minor = resolve_version(spec, "1.31").expect("minor");
        assert!(minor.starts_with("1.31."), "{minor}");
        assert_eq!(resolve_version(spec, &minor).expect("exact"), minor);
        assert!(resolve_version(spec, "1.12").is_err());
        assert!(resolve_version(spec, "1.3").is_err(), "1.3 is not 1.31");
    }
}
