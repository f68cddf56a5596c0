//! DigitalOcean Kubernetes: clusters, node pools, the versions and cluster data sources.
//!
//! The cluster's credentials (`kube_config`) are not read: the engine applies no Kubernetes
//! objects, and reading them needs the `kubernetes:access_cluster` scope a Deploy token may lack.

use super::*;

pub static UNITS: &[&UnitDef] = &[&CLUSTER_DEF, &POOL_DEF, &VERSIONS_DEF, &CLUSTER_DATA_DEF];

// --- digitalocean_kubernetes_cluster ---------------------------------------------------------------

pub static CLUSTER_DEF: UnitDef = UnitDef {
    tf_type: "digitalocean_kubernetes_cluster",
    summary: "a DOKS cluster with its default node pool, found by name; waits for running (kube_config is not read)",
    arguments: &[
        "name",
        "region",
        "version",
        "vpc_uuid",
        "ha",
        "auto_upgrade",
        "surge_upgrade",
        "tags",
        "node_pool",
        "maintenance_policy",
        "cluster_subnet",
        "service_subnet",
        "registry_integration",
        "control_plane_firewall",
    ],
    exports: &[
        "id",
        "urn",
        "endpoint",
        "ipv4_address",
        "status",
        "cluster_subnet",
        "service_subnet",
        "node_pool",
        "created_at",
        "updated_at",
    ],
    endpoints: &[
        "GET /v2/kubernetes/clusters",
        "POST /v2/kubernetes/clusters",
        "GET /v2/kubernetes/clusters/{id}",
        "DELETE /v2/kubernetes/clusters/{id}",
    ],
    partial_lists: &[],
    handling: Handling::Api(&CLUSTER),
};

pub static CLUSTER: Rest = Rest {
    collection: |_| Ok("/v2/kubernetes/clusters".into()),
    list_key: "kubernetes_clusters",
    item_key: "kubernetes_cluster",
    list_query: no_query,
    matches: same_name,
    id_key: "id",
    body: cluster_body,
    ready: Some(|o| status_is(o, "/status/state", &["running"], &["error", "degraded"])),
    compare: &[],
    update: None,
    attributes: cluster_attrs,
    delete: Delete::ById { wait_gone: true },
};

/// A node pool block (the cluster's default pool or a `digitalocean_kubernetes_node_pool`).
pub fn pool_body(cx: &Cx, pool: &Json) -> Result<Json, UnitError> {
    let auto_scale = opt_bool(pool, "auto_scale")?.unwrap_or(false);
    let min = opt_i64(pool, "min_nodes")?;
    let count = match (opt_i64(pool, "node_count")?, auto_scale, min) {
        (Some(n), _, _) => n,
        (None, true, Some(m)) => m.max(1),
        (None, _, _) => {
            return Err(UnitError::arg(
                "node_count",
                "required unless auto_scale sets min_nodes",
            ));
        }
    };
    let taints = blocks(pool, "taint")
        .into_iter()
        .map(|t| {
            Ok(json!({ "key": req_str(t, "key")?, "value": opt_str(t, "value").unwrap_or_default(), "effect": req_str(t, "effect")? }))
        })
        .collect::<Result<Vec<_>, UnitError>>()?;
    Ok(object(vec![
        ("name", Some(req_str(pool, "name")?.into())),
        ("size", Some(req_str(pool, "size")?.into())),
        ("count", Some(count.into())),
        ("auto_scale", Some(auto_scale.into())),
        ("min_nodes", min.map(Json::from)),
        ("max_nodes", opt_i64(pool, "max_nodes")?.map(Json::from)),
        ("tags", Some(tags_with_instance(cx, pool)?)),
        ("labels", opt(pool, "labels").cloned()),
        ("taints", (!taints.is_empty()).then(|| taints.into())),
    ]))
}

pub fn cluster_body(cx: &Cx, args: &Json) -> Result<Json, UnitError> {
    let pool = block(args, "node_pool")
        .ok_or_else(|| UnitError::arg("node_pool", "a cluster needs its default node pool"))?;
    let maintenance = block(args, "maintenance_policy").map(|m| {
        object(vec![
            ("day", opt_str(m, "day").map(Json::from)),
            ("start_time", opt_str(m, "start_time").map(Json::from)),
        ])
    });
    let firewall = match block(args, "control_plane_firewall") {
        None => None,
        Some(f) => Some(object(vec![
            ("enabled", opt_bool(f, "enabled")?.map(Json::from)),
            (
                "allowed_addresses",
                Some(strs(f, "allowed_addresses")?.into()),
            ),
        ])),
    };
    Ok(object(vec![
        ("name", Some(req_str(args, "name")?.into())),
        ("region", Some(req_str(args, "region")?.into())),
        ("version", Some(req_str(args, "version")?.into())),
        ("vpc_uuid", opt_str(args, "vpc_uuid").map(Json::from)),
        ("ha", opt_bool(args, "ha")?.map(Json::from)),
        (
            "auto_upgrade",
            opt_bool(args, "auto_upgrade")?.map(Json::from),
        ),
        (
            "surge_upgrade",
            opt_bool(args, "surge_upgrade")?.map(Json::from),
        ),
        ("tags", Some(tags_with_instance(cx, args)?)),
        ("node_pools", Some(json!([pool_body(cx, pool)?]))),
        ("maintenance_policy", maintenance),
        (
            "cluster_subnet",
            opt_str(args, "cluster_subnet").map(Json::from),
        ),
        (
            "service_subnet",
            opt_str(args, "service_subnet").map(Json::from),
        ),
        (
            "registry_enabled",
            opt_bool(args, "registry_integration")?.map(Json::from),
        ),
        ("control_plane_firewall", firewall),
    ]))
}

fn pool_attrs(pool: &Json) -> Json {
    json!({
        "id": pool.get("id").cloned().unwrap_or(Json::Null),
        "name": pool.get("name").cloned().unwrap_or(Json::Null),
        "size": pool.get("size").cloned().unwrap_or(Json::Null),
        "node_count": pool.get("count").cloned().unwrap_or(Json::Null),
        "actual_node_count": pool.get("nodes").and_then(Json::as_array).map(|n| n.len()),
        "auto_scale": pool.get("auto_scale").cloned().unwrap_or(Json::Null),
        "min_nodes": pool.get("min_nodes").cloned().unwrap_or(Json::Null),
        "max_nodes": pool.get("max_nodes").cloned().unwrap_or(Json::Null),
        "tags": pool.get("tags").cloned().unwrap_or(Json::Null),
        "labels": pool.get("labels").cloned().unwrap_or(Json::Null),
        "nodes": pool.get("nodes").cloned().unwrap_or(json!([])),
    })
}

pub fn cluster_attrs(_: &Json, obj: &Json) -> Json {
    let id = id_of(obj, "id").unwrap_or_default();
    let pools: Vec<Json> = obj
        .get("node_pools")
        .and_then(Json::as_array)
        .map(|p| p.iter().take(1).map(pool_attrs).collect())
        .unwrap_or_default();
    json!({
        "id": id,
        "urn": format!("do:kubernetes:{id}"),
        "name": obj.get("name").cloned().unwrap_or(Json::Null),
        "region": obj.get("region").cloned().unwrap_or(Json::Null),
        "version": obj.get("version").cloned().unwrap_or(Json::Null),
        "vpc_uuid": obj.get("vpc_uuid").cloned().unwrap_or(Json::Null),
        "endpoint": obj.get("endpoint").cloned().unwrap_or(Json::Null),
        "ipv4_address": obj.get("ipv4").cloned().unwrap_or(Json::Null),
        "status": obj.pointer("/status/state").cloned().unwrap_or(Json::Null),
        "cluster_subnet": obj.get("cluster_subnet").cloned().unwrap_or(Json::Null),
        "service_subnet": obj.get("service_subnet").cloned().unwrap_or(Json::Null),
        "ha": obj.get("ha").cloned().unwrap_or(Json::Null),
        "tags": obj.get("tags").cloned().unwrap_or(Json::Null),
        "node_pool": pools,
        "created_at": obj.get("created_at").cloned().unwrap_or(Json::Null),
        "updated_at": obj.get("updated_at").cloned().unwrap_or(Json::Null),
    })
}

// --- digitalocean_kubernetes_node_pool -------------------------------------------------------------

pub static POOL_DEF: UnitDef = UnitDef {
    tf_type: "digitalocean_kubernetes_node_pool",
    summary: "an extra node pool of a cluster, found by name; waits for its nodes; autoscaling bounds, labels and taints kept in step (a pool's count is left to its autoscaler)",
    arguments: &[
        "cluster_id",
        "name",
        "size",
        "node_count",
        "auto_scale",
        "min_nodes",
        "max_nodes",
        "tags",
        "labels",
        "taint",
    ],
    exports: &["id", "actual_node_count", "nodes"],
    endpoints: &[
        "GET /v2/kubernetes/clusters/{id}/node_pools",
        "POST /v2/kubernetes/clusters/{id}/node_pools",
        "GET|PUT /v2/kubernetes/clusters/{id}/node_pools/{pool}",
        "DELETE /v2/kubernetes/clusters/{id}/node_pools/{pool}",
    ],
    partial_lists: &[],
    handling: Handling::Api(&POOL),
};

pub fn pool_ready(pool: &Json) -> Ready {
    let nodes = pool
        .get("nodes")
        .and_then(Json::as_array)
        .cloned()
        .unwrap_or_default();
    match nodes
        .iter()
        .filter_map(|n| n.pointer("/status/state").and_then(Json::as_str))
        .find(|s| *s != "running")
    {
        None => Ready::Yes,
        Some("error") => Ready::Failed("a node is in error".into()),
        Some(state) => Ready::Pending(format!("nodes {state}")),
    }
}

pub static POOL: Rest = Rest {
    collection: |args| child_path(args, "cluster_id", "/v2/kubernetes/clusters", "/node_pools"),
    list_key: "node_pools",
    item_key: "node_pool",
    list_query: no_query,
    matches: same_name,
    id_key: "id",
    body: |cx, args| pool_body(cx, args),
    ready: Some(pool_ready),
    compare: &["auto_scale", "min_nodes", "max_nodes", "labels", "taints"],
    update: Some(|_, args, obj, body| {
        let mut b = body.clone();
        if let (Some(o), Some(count)) = (b.as_object_mut(), obj.get("count")) {
            o.insert("count".into(), count.clone());
        }
        Ok(Update {
            method: Method::Put,
            path: format!(
                "{}/{}",
                child_path(args, "cluster_id", "/v2/kubernetes/clusters", "/node_pools")?,
                enc(&id_of(obj, "id").unwrap_or_default())
            ),
            body: b,
        })
    }),
    attributes: |_, obj| pool_attrs(obj),
    delete: Delete::ById { wait_gone: false },
};

// --- data.digitalocean_kubernetes_versions ----------------------------------------------------------

pub static VERSIONS_DEF: UnitDef = UnitDef {
    tf_type: "digitalocean_kubernetes_versions",
    summary: "the DOKS versions offered, newest first, filtered by version_prefix",
    arguments: &["version_prefix"],
    exports: &["latest_version", "valid_versions"],
    endpoints: &["GET /v2/kubernetes/options"],
    partial_lists: &[],
    handling: Handling::Data(&Versions),
};

#[derive(Debug)]
pub struct Versions;

/// `latest_version` and `valid_versions` from the options answer.
pub fn versions_attrs(args: &Json, options: &Json) -> Result<Json, UnitError> {
    let prefix = opt_str(args, "version_prefix").unwrap_or_default();
    let valid: Vec<String> = options
        .pointer("/options/versions")
        .and_then(Json::as_array)
        .map(|vs| {
            vs.iter()
                .filter_map(|v| v.get("slug").and_then(Json::as_str))
                .filter(|s| s.starts_with(&prefix))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let latest = valid.first().cloned().ok_or_else(|| {
        UnitError::Failed(format!(
            "DigitalOcean offers no Kubernetes version starting with `{prefix}`"
        ))
    })?;
    Ok(
        json!({ "id": prefix, "version_prefix": prefix, "latest_version": latest, "valid_versions": valid }),
    )
}

impl DataUnit for Versions {
    fn read<'a>(&'a self, cx: &'a Cx, args: &'a Json) -> BoxFut<'a, Result<Json, UnitError>> {
        Box::pin(async move {
            let options = cx.client.get("/v2/kubernetes/options").await?;
            versions_attrs(args, &options)
        })
    }
}

// --- data.digitalocean_kubernetes_cluster ------------------------------------------------------------

/// A cluster found by name: node pools of a cluster declared in another module (the compiler's
/// `rules::eks`) read its `id` this way.
pub static CLUSTER_DATA_DEF: UnitDef = UnitDef {
    tf_type: "digitalocean_kubernetes_cluster",
    summary: "reads a DOKS cluster by name (kube_config is not read)",
    arguments: &["name"],
    exports: &[
        "id",
        "urn",
        "region",
        "version",
        "vpc_uuid",
        "endpoint",
        "ipv4_address",
        "status",
        "cluster_subnet",
        "service_subnet",
        "node_pool",
    ],
    endpoints: &["GET /v2/kubernetes/clusters"],
    partial_lists: &[],
    handling: Handling::Data(&ClusterData),
};

#[derive(Debug)]
pub struct ClusterData;

impl DataUnit for ClusterData {
    fn read<'a>(&'a self, cx: &'a Cx, args: &'a Json) -> BoxFut<'a, Result<Json, UnitError>> {
        Box::pin(async move {
            match CLUSTER.find(cx, args).await? {
                Some(obj) => Ok(cluster_attrs(args, &obj)),
                None => Err(UnitError::Failed(format!(
                    "no Kubernetes cluster named `{}`",
                    opt_str(args, "name").unwrap_or_default()
                ))),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::testing::pure_cx;

    #[tokio::test]
    async fn the_cluster_data_source_finds_a_cluster_by_name() {
        let (cx, script) = crate::units::testing::cx(vec![
            (
                "GET /v2/kubernetes/clusters",
                200,
                json!({"kubernetes_clusters": [
                    {"id": "c-other", "name": "other-acme", "region": "nyc3"},
                    {"id": "c-1", "name": "monitoring-acme", "region": "nyc3", "vpc_uuid": "v1", "status": {"state": "running"}}
                ], "meta": {"total": 2}}),
            ),
            (
                "GET /v2/kubernetes/clusters",
                200,
                json!({"kubernetes_clusters": [], "meta": {"total": 0}}),
            ),
        ]);
        let found = ClusterData
            .read(&cx, &json!({"name": "monitoring-acme"}))
            .await
            .expect("found");
        assert_eq!(found["id"], "c-1");
        assert_eq!(found["urn"], "do:kubernetes:c-1");
        assert_eq!(found["vpc_uuid"], "v1");
        let missing = ClusterData
            .read(&cx, &json!({"name": "monitoring-acme"}))
            .await
            .expect_err("none left");
        assert!(missing.to_string().contains("monitoring-acme"), "{missing}");
        assert_eq!(crate::units::testing::requests(&script).len(), 2);
    }

    #[test]
    fn cluster_body_carries_its_default_pool() {
        let args = json!({"name": "acme-acme", "region": "nyc3", "version": "1.30.1-do.0", "vpc_uuid": "v1", "ha": true, "tags": ["instance-id:acme"],
            "node_pool": [{"name": "general", "size": "g-4vcpu-16gb", "auto_scale": true, "min_nodes": 2, "max_nodes": 6,
                "labels": {"workload": "general"}, "tags": ["instance-id:acme"]}]});
        let body = cluster_body(&pure_cx(), &args).expect("maps");
        assert_eq!(
            body["node_pools"],
            json!([{"name": "general", "size": "g-4vcpu-16gb", "count": 2, "auto_scale": true, "min_nodes": 2, "max_nodes": 6,
                "tags": ["instance-id:acme"], "labels": {"workload": "general"}}])
        );
        assert_eq!(body["ha"], true);
        assert!(
            cluster_body(
                &pure_cx(),
                &json!({"name": "x", "region": "nyc3", "version": "1"})
            )
            .is_err()
        );
    }

    #[test]
    fn cluster_attributes_and_readiness() {
        let obj = json!({"id": "bd5f5959-5e1e-4205-a714-a914373942af", "name": "prod-cluster-01", "region": "nyc1", "version": "1.18.6-do.0",
            "endpoint": "https://bd5f5959.k8s.ondigitalocean.com", "ipv4": "68.183.121.157", "status": {"state": "provisioning"},
            "node_pools": [{"id": "cdda885e", "name": "frontend-pool", "size": "s-1vcpu-2gb", "count": 3, "nodes": [{"status": {"state": "provisioning"}}]}]});
        let a = cluster_attrs(&json!({}), &obj);
        assert_eq!(
            a["urn"],
            "do:kubernetes:bd5f5959-5e1e-4205-a714-a914373942af"
        );
        assert_eq!(a["endpoint"], "https://bd5f5959.k8s.ondigitalocean.com");
        assert_eq!(a["node_pool"][0]["node_count"], 3);
        assert_eq!(
            (CLUSTER.ready.expect("waits"))(&obj),
            Ready::Pending("provisioning".into())
        );
        assert_eq!(
            pool_ready(&obj["node_pools"][0]),
            Ready::Pending("nodes provisioning".into())
        );
        assert_eq!(
            pool_ready(&json!({"nodes": [{"status": {"state": "running"}}]})),
            Ready::Yes
        );
    }

    #[test]
    fn node_pool_body_with_taints() {
        let args = json!({"cluster_id": "c1", "name": "batch", "size": "c-8", "auto_scale": true, "min_nodes": 1, "max_nodes": 4,
            "tags": ["instance-id:acme"], "taint": [{"key": "batch", "value": "true", "effect": "NoSchedule"}]});
        let body = (POOL.body)(&pure_cx(), &args).expect("maps");
        assert_eq!(
            body["taints"],
            json!([{"key": "batch", "value": "true", "effect": "NoSchedule"}])
        );
        assert_eq!(body["count"], 1);
        assert!((POOL.body)(&pure_cx(), &json!({"name": "x", "size": "s"})).is_err());
    }

    #[test]
    fn versions_pick_the_newest_matching() {
        let options = json!({"options": {"versions": [{"slug": "1.31.1-do.0"}, {"slug": "1.30.5-do.0"}, {"slug": "1.30.4-do.0"}]}});
        let a = versions_attrs(&json!({"version_prefix": "1.30."}), &options).expect("finds");
        assert_eq!(a["latest_version"], "1.30.5-do.0");
        assert_eq!(a["valid_versions"], json!(["1.30.5-do.0", "1.30.4-do.0"]));
        assert_eq!(
            versions_attrs(&json!({}), &options)
                .map(|a| a["latest_version"].clone())
                .ok(),
            Some(json!("1.31.1-do.0"))
        );
        assert!(versions_attrs(&json!({"version_prefix": "9."}), &options).is_err());
    }
}
