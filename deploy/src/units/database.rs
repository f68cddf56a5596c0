//! Managed databases: clusters, their databases, users, firewalls and read replicas; the
//! cluster data source.

use super::*;
use crate::client::ApiError;

pub static UNITS: &[&UnitDef] = &[
    &CLUSTER_DEF,
    &DB_DEF,
    &USER_DEF,
    &DB_FIREWALL_DEF,
    &REPLICA_DEF,
    &CLUSTER_DATA_DEF,
];

// --- digitalocean_database_cluster ---------------------------------------------------------------

pub static CLUSTER_DEF: UnitDef = UnitDef {
    tf_type: "digitalocean_database_cluster",
    summary: "a managed database cluster, found among the appliance's tagged clusters by name; waits for online; resized when size or nodes differ; eviction policy and storage autoscale kept in step",
    arguments: &[
        "name",
        "engine",
        "version",
        "size",
        "region",
        "node_count",
        "private_network_uuid",
        "tags",
        "project_id",
        "storage_size_mib",
        "maintenance_window",
        "eviction_policy",
        "storage_autoscale",
        "backup_restore",
    ],
    exports: &[
        "id",
        "urn",
        "host",
        "port",
        "uri",
        "database",
        "user",
        "password",
        "private_host",
        "private_uri",
    ],
    endpoints: &[
        "GET /v2/databases?tag_name=",
        "POST /v2/databases",
        "GET /v2/databases/{id}",
        "PUT /v2/databases/{id}/resize",
        "GET|PUT /v2/databases/{id}/eviction_policy",
        "GET|PUT /v2/databases/{id}/autoscale",
        "DELETE /v2/databases/{id}",
    ],
    partial_lists: &[],
    handling: Handling::Api(&Cluster),
};

pub static CLUSTER: Rest = Rest {
    collection: |_| Ok("/v2/databases".into()),
    list_key: "databases",
    item_key: "database",
    list_query: tag_query,
    matches: same_name,
    id_key: "id",
    body: cluster_body,
    ready: Some(|o| status_is(o, "/status", &["online"], &[])),
    compare: &["size", "num_nodes", "storage_size_mib"],
    update: Some(|_, _, obj, body| {
        Ok(Update {
            method: Method::Put,
            path: format!(
                "/v2/databases/{}/resize",
                enc(&id_of(obj, "id").unwrap_or_default())
            ),
            body: object(vec![
                ("size", body.get("size").cloned()),
                ("num_nodes", body.get("num_nodes").cloned()),
                ("storage_size_mib", body.get("storage_size_mib").cloned()),
            ]),
        })
    }),
    attributes: cluster_attrs,
    delete: Delete::ById { wait_gone: true },
};

pub fn cluster_body(cx: &Cx, args: &Json) -> Result<Json, UnitError> {
    let window = match block(args, "maintenance_window") {
        None => None,
        Some(w) => {
            Some(json!({ "day": req_str(w, "day")?.to_lowercase(), "hour": req_str(w, "hour")? }))
        }
    };
    let restore = match block(args, "backup_restore") {
        None => None,
        Some(b) => Some(object(vec![
            ("database_name", Some(req_str(b, "database_name")?.into())),
            (
                "backup_created_at",
                opt_str(b, "backup_created_at").map(Json::from),
            ),
        ])),
    };
    Ok(object(vec![
        ("name", Some(req_str(args, "name")?.into())),
        ("engine", Some(req_str(args, "engine")?.into())),
        ("version", opt_str(args, "version").map(Json::from)),
        ("num_nodes", Some(req_i64(args, "node_count")?.into())),
        ("size", Some(req_str(args, "size")?.into())),
        ("region", Some(req_str(args, "region")?.into())),
        (
            "private_network_uuid",
            opt_str(args, "private_network_uuid").map(Json::from),
        ),
        ("tags", Some(tags_with_instance(cx, args)?)),
        ("project_id", opt_str(args, "project_id").map(Json::from)),
        (
            "storage_size_mib",
            opt_i64(args, "storage_size_mib")?.map(Json::from),
        ),
        ("maintenance_window", window),
        ("backup_restore", restore),
    ]))
}

fn conn(obj: &Json, which: &str, field: &str) -> Json {
    obj.pointer(&format!("/{which}/{field}"))
        .cloned()
        .unwrap_or(Json::Null)
}

pub fn cluster_attrs(_: &Json, obj: &Json) -> Json {
    let id = id_of(obj, "id").unwrap_or_default();
    json!({
        "id": id,
        "urn": format!("do:dbaas:{id}"),
        "name": obj.get("name").cloned().unwrap_or(Json::Null),
        "engine": obj.get("engine").cloned().unwrap_or(Json::Null),
        "version": obj.get("version").cloned().unwrap_or(Json::Null),
        "size": obj.get("size").cloned().unwrap_or(Json::Null),
        "region": obj.get("region").cloned().unwrap_or(Json::Null),
        "node_count": obj.get("num_nodes").cloned().unwrap_or(Json::Null),
        "private_network_uuid": obj.get("private_network_uuid").cloned().unwrap_or(Json::Null),
        "tags": obj.get("tags").cloned().unwrap_or(Json::Null),
        "host": conn(obj, "connection", "host"),
        "port": conn(obj, "connection", "port"),
        "uri": conn(obj, "connection", "uri"),
        "database": conn(obj, "connection", "database"),
        "user": conn(obj, "connection", "user"),
        "password": conn(obj, "connection", "password"),
        "private_host": conn(obj, "private_connection", "host"),
        "private_uri": conn(obj, "private_connection", "uri"),
    })
}

/// [`CLUSTER`], then the settings DigitalOcean sets through their own endpoints.
#[derive(Debug)]
pub struct Cluster;

impl Cluster {
    /// Eviction policy and storage autoscale, each compared and set through its own endpoint.
    /// Returns what changed and notes for what could not be applied (the cluster itself is
    /// fine; the note says which setting is missing and why).
    async fn settings(
        cx: &Cx,
        args: &Json,
        id: &str,
    ) -> Result<(Vec<String>, Vec<String>), UnitError> {
        let mut changed = Vec::new();
        let mut notes = Vec::new();
        if let Some(policy) = opt_str(args, "eviction_policy") {
            let path = format!("/v2/databases/{}/eviction_policy", enc(id));
            let result = async {
                let current = cx.client.get_opt(&path).await?;
                let now = current
                    .as_ref()
                    .and_then(|c| c.get("eviction_policy"))
                    .and_then(Json::as_str);
                if now == Some(policy.as_str()) {
                    return Ok::<bool, ApiError>(false);
                }
                cx.client
                    .send(
                        Method::Put,
                        &path,
                        Some(json!({ "eviction_policy": policy })),
                        None,
                    )
                    .await?;
                Ok(true)
            }
            .await;
            match result {
                Ok(true) => changed.push("eviction_policy".to_string()),
                Ok(false) => {}
                Err(e) if e.uncertain() => return Err(e.into()),
                Err(e) => notes.push(format!("`eviction_policy` not applied: {e}")),
            }
        }
        if let Some(auto) = block(args, "storage_autoscale") {
            let want = object(vec![
                (
                    "enabled",
                    Some(opt_bool(auto, "enabled")?.unwrap_or(false).into()),
                ),
                (
                    "threshold_percent",
                    opt_i64(auto, "threshold_percent")?.map(Json::from),
                ),
                (
                    "increment_gib",
                    opt_i64(auto, "increment_gib")?.map(Json::from),
                ),
            ]);
            let path = format!("/v2/databases/{}/autoscale", enc(id));
            let result = async {
                let current = cx.client.get(&path).await?;
                let now = current
                    .pointer("/autoscale/storage")
                    .cloned()
                    .unwrap_or(Json::Null);
                if subset(&want, &now) {
                    return Ok::<bool, ApiError>(false);
                }
                cx.client
                    .send(Method::Put, &path, Some(json!({ "storage": want })), None)
                    .await?;
                Ok(true)
            }
            .await;
            match result {
                Ok(true) => changed.push("storage_autoscale".to_string()),
                Ok(false) => {}
                Err(e) if e.uncertain() => return Err(e.into()),
                Err(e) => notes.push(format!("`storage_autoscale` not applied: {e}")),
            }
        }
        Ok((changed, notes))
    }
}

impl Unit for Cluster {
    fn apply<'a>(&'a self, cx: &'a Cx, args: &'a Json) -> BoxFut<'a, Result<Applied, UnitError>> {
        Box::pin(async move {
            let mut applied = CLUSTER.apply(cx, args).await?;
            let id = id_of(&applied.attrs, "id").unwrap_or_default();
            let (changed, notes) = Self::settings(cx, args, &id).await?;
            applied.notes.extend(notes);
            if !changed.is_empty() {
                applied.action = match applied.action {
                    Action::Unchanged => Action::Updated(changed),
                    Action::Updated(mut f) => {
                        f.extend(changed);
                        Action::Updated(f)
                    }
                    Action::Created => Action::Created,
                };
            }
            Ok(applied)
        })
    }
    fn read<'a>(
        &'a self,
        cx: &'a Cx,
        args: &'a Json,
    ) -> BoxFut<'a, Result<Option<Found>, UnitError>> {
        Box::pin(CLUSTER.read(cx, args))
    }
    fn delete<'a>(
        &'a self,
        cx: &'a Cx,
        args: &'a Json,
        found: &'a Found,
    ) -> BoxFut<'a, Result<(), UnitError>> {
        Box::pin(CLUSTER.delete(cx, args, found))
    }
}

// --- digitalocean_database_db ---------------------------------------------------------------------

pub static DB_DEF: UnitDef = UnitDef {
    tf_type: "digitalocean_database_db",
    summary: "a database inside a cluster, found by name (goes with its cluster on destroy)",
    arguments: &["cluster_id", "name"],
    exports: &["id"],
    endpoints: &["GET /v2/databases/{id}/dbs", "POST /v2/databases/{id}/dbs"],
    partial_lists: &[],
    handling: Handling::Api(&DB),
};

pub static DB: Rest = Rest {
    collection: |args| child_path(args, "cluster_id", "/v2/databases", "/dbs"),
    list_key: "dbs",
    item_key: "db",
    list_query: no_query,
    matches: same_name,
    id_key: "name",
    body: |_, args| Ok(json!({ "name": req_str(args, "name")? })),
    ready: None,
    compare: &[],
    update: None,
    attributes: |args, obj| {
        let cluster = opt_str(args, "cluster_id").unwrap_or_default();
        let name = obj.get("name").and_then(Json::as_str).unwrap_or("");
        json!({ "id": format!("{cluster}/database/{name}"), "name": name, "cluster_id": cluster })
    },
    delete: Delete::WithParent,
};

// --- digitalocean_database_user -------------------------------------------------------------------

pub static USER_DEF: UnitDef = UnitDef {
    tf_type: "digitalocean_database_user",
    summary: "a database user, found by name; its password is an attribute (goes with its cluster on destroy)",
    arguments: &["cluster_id", "name", "mysql_auth_plugin", "settings"],
    exports: &["id", "password", "role", "access_cert", "access_key"],
    endpoints: &[
        "GET /v2/databases/{id}/users",
        "POST /v2/databases/{id}/users",
    ],
    partial_lists: &[],
    handling: Handling::Api(&USER),
};

pub static USER: Rest = Rest {
    collection: |args| child_path(args, "cluster_id", "/v2/databases", "/users"),
    list_key: "users",
    item_key: "user",
    list_query: no_query,
    matches: same_name,
    id_key: "name",
    body: |_, args| {
        Ok(object(vec![
            ("name", Some(req_str(args, "name")?.into())),
            (
                "mysql_settings",
                opt_str(args, "mysql_auth_plugin").map(|p| json!({ "auth_plugin": p })),
            ),
        ]))
    },
    ready: None,
    compare: &[],
    update: None,
    attributes: |args, obj| {
        let cluster = opt_str(args, "cluster_id").unwrap_or_default();
        let name = obj.get("name").and_then(Json::as_str).unwrap_or("");
        json!({
            "id": format!("{cluster}/user/{name}"),
            "name": name,
            "cluster_id": cluster,
            "password": obj.get("password").cloned().unwrap_or(Json::Null),
            "role": obj.get("role").cloned().unwrap_or(Json::Null),
            "access_cert": obj.get("access_cert").cloned().unwrap_or(Json::Null),
            "access_key": obj.get("access_key").cloned().unwrap_or(Json::Null),
        })
    },
    delete: Delete::WithParent,
};

// --- digitalocean_database_firewall ---------------------------------------------------------------

pub static DB_FIREWALL_DEF: UnitDef = UnitDef {
    tf_type: "digitalocean_database_firewall",
    summary: "a cluster's trusted sources: one PUT of the whole rule set when it differs (goes with its cluster on destroy)",
    arguments: &["cluster_id", "rule"],
    exports: &["id"],
    endpoints: &[
        "GET /v2/databases/{id}/firewall",
        "PUT /v2/databases/{id}/firewall",
    ],
    partial_lists: &[],
    handling: Handling::Api(&DbFirewall),
};

#[derive(Debug)]
pub struct DbFirewall;

/// The `(type, value)` pairs of the `rule` blocks.
pub fn db_firewall_rules(args: &Json) -> Result<Vec<(String, String)>, UnitError> {
    let mut rules = blocks(args, "rule")
        .into_iter()
        .map(|r| Ok((req_str(r, "type")?, req_str(r, "value")?)))
        .collect::<Result<Vec<_>, UnitError>>()?;
    rules.sort();
    rules.dedup();
    Ok(rules)
}

fn current_rules(body: &Json) -> Vec<(String, String)> {
    let mut rules: Vec<(String, String)> = body
        .get("rules")
        .and_then(Json::as_array)
        .map(|rs| {
            rs.iter()
                .filter_map(|r| Some((opt_str(r, "type")?, opt_str(r, "value")?)))
                .collect()
        })
        .unwrap_or_default();
    rules.sort();
    rules.dedup();
    rules
}

impl Unit for DbFirewall {
    fn nothing_to_delete(&self) -> Option<&'static str> {
        Some("goes with its cluster")
    }
    fn apply<'a>(&'a self, cx: &'a Cx, args: &'a Json) -> BoxFut<'a, Result<Applied, UnitError>> {
        Box::pin(async move {
            let cluster = req_str(args, "cluster_id")?;
            let want = db_firewall_rules(args)?;
            let path = format!("/v2/databases/{}/firewall", enc(&cluster));
            let now = current_rules(&cx.client.get(&path).await?);
            let attrs = json!({ "id": cluster, "cluster_id": cluster });
            if now == want {
                return Ok(Applied {
                    action: Action::Unchanged,
                    attrs,
                    notes: Vec::new(),
                });
            }
            let body = json!({ "rules": want.iter().map(|(t, v)| json!({"type": t, "value": v})).collect::<Vec<_>>() });
            let action = if now.is_empty() {
                cx.emit(EventKind::Creating);
                Action::Created
            } else {
                cx.emit(EventKind::Updating {
                    fields: vec!["rule".into()],
                });
                Action::Updated(vec!["rule".into()])
            };
            cx.client.send(Method::Put, &path, Some(body), None).await?;
            Ok(Applied {
                action,
                attrs,
                notes: Vec::new(),
            })
        })
    }
    fn read<'a>(
        &'a self,
        cx: &'a Cx,
        args: &'a Json,
    ) -> BoxFut<'a, Result<Option<Found>, UnitError>> {
        Box::pin(async move {
            let cluster = req_str(args, "cluster_id")?;
            let path = format!("/v2/databases/{}/firewall", enc(&cluster));
            let Some(body) = cx.client.get_opt(&path).await? else {
                return Ok(None);
            };
            let now = current_rules(&body);
            if now.is_empty() {
                return Ok(None);
            }
            let drift = if now == db_firewall_rules(args)? {
                Vec::new()
            } else {
                vec!["rule".to_string()]
            };
            Ok(Some(Found {
                obj: body,
                attrs: json!({ "id": cluster, "cluster_id": cluster }),
                drift,
            }))
        })
    }
    fn delete<'a>(
        &'a self,
        _cx: &'a Cx,
        _args: &'a Json,
        _found: &'a Found,
    ) -> BoxFut<'a, Result<(), UnitError>> {
        // The rules go with the cluster, which is deleted after this.
        Box::pin(async { Ok(()) })
    }
}

// --- digitalocean_database_replica ----------------------------------------------------------------

pub static REPLICA_DEF: UnitDef = UnitDef {
    tf_type: "digitalocean_database_replica",
    summary: "a read-only replica of a cluster, found by name; waits for online",
    arguments: &[
        "cluster_id",
        "name",
        "size",
        "region",
        "tags",
        "private_network_uuid",
        "storage_size_mib",
    ],
    exports: &[
        "id",
        "uuid",
        "host",
        "port",
        "uri",
        "database",
        "user",
        "password",
        "private_host",
        "private_uri",
    ],
    endpoints: &[
        "GET /v2/databases/{id}/replicas",
        "POST /v2/databases/{id}/replicas",
        "GET /v2/databases/{id}/replicas/{name}",
        "DELETE /v2/databases/{id}/replicas/{name}",
    ],
    partial_lists: &[],
    handling: Handling::Api(&REPLICA),
};

pub static REPLICA: Rest = Rest {
    collection: |args| child_path(args, "cluster_id", "/v2/databases", "/replicas"),
    list_key: "replicas",
    item_key: "replica",
    list_query: no_query,
    matches: same_name,
    id_key: "name",
    body: |cx, args| {
        Ok(object(vec![
            ("name", Some(req_str(args, "name")?.into())),
            ("size", opt_str(args, "size").map(Json::from)),
            ("region", opt_str(args, "region").map(Json::from)),
            ("tags", Some(tags_with_instance(cx, args)?)),
            (
                "private_network_uuid",
                opt_str(args, "private_network_uuid").map(Json::from),
            ),
            (
                "storage_size_mib",
                opt_i64(args, "storage_size_mib")?.map(Json::from),
            ),
        ]))
    },
    ready: Some(|o| status_is(o, "/status", &["online"], &[])),
    compare: &[],
    update: None,
    attributes: |args, obj| {
        let mut a = cluster_attrs(args, obj);
        if let Some(m) = a.as_object_mut() {
            m.insert("uuid".into(), obj.get("id").cloned().unwrap_or(Json::Null));
            m.insert(
                "cluster_id".into(),
                opt_str(args, "cluster_id").map_or(Json::Null, Json::from),
            );
            m.remove("urn");
        }
        a
    },
    delete: Delete::ById { wait_gone: true },
};

// --- data.digitalocean_database_cluster ----------------------------------------------------------

/// A cluster found by name: read replicas of a database declared in another module (the
/// compiler's `rules::database`, a source given by its `identifier`) read its `id` this way.
pub static CLUSTER_DATA_DEF: UnitDef = UnitDef {
    tf_type: "digitalocean_database_cluster",
    summary: "reads a database cluster of the appliance by name",
    arguments: &["name"],
    exports: &[
        "id",
        "urn",
        "engine",
        "version",
        "size",
        "region",
        "node_count",
        "private_network_uuid",
        "host",
        "port",
        "uri",
        "database",
        "user",
        "password",
        "private_host",
        "private_uri",
    ],
    endpoints: &["GET /v2/databases?tag_name="],
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
                    "no database cluster named `{}`",
                    opt_str(args, "name").unwrap_or_default()
                ))),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::testing::{cx, pure_cx, requests};

    #[tokio::test]
    async fn the_cluster_data_source_finds_a_cluster_by_name() {
        let (cx, script) = cx(vec![
            (
                "GET /v2/databases",
                200,
                json!({"databases": [
                    {"id": "d-other", "name": "other-acme", "engine": "pg"},
                    {"id": "d-1", "name": "shop-acme", "engine": "pg", "num_nodes": 1,
                     "connection": {"host": "h", "port": 25060}}
                ], "meta": {"total": 2}}),
            ),
            (
                "GET /v2/databases",
                200,
                json!({"databases": [], "meta": {"total": 0}}),
            ),
        ]);
        let found = ClusterData
            .read(&cx, &json!({"name": "shop-acme"}))
            .await
            .expect("found");
        assert_eq!(found["id"], "d-1");
        assert_eq!(found["urn"], "do:dbaas:d-1");
        assert_eq!(found["host"], "h");
        assert_eq!(found["node_count"], 1);
        let missing = ClusterData
            .read(&cx, &json!({"name": "shop-acme"}))
            .await
            .expect_err("none left");
        assert!(missing.to_string().contains("shop-acme"), "{missing}");
        assert_eq!(requests(&script).len(), 2);
    }

    fn saas_app_args() -> Json {
        json!({"name": "acme-acme-pg", "engine": "pg", "version": "16", "size": "gd-2vcpu-8gb", "region": "nyc3",
            "node_count": 2, "storage_size_mib": "102400", "private_network_uuid": "vpc-1", "tags": ["instance-id:acme"],
            "maintenance_window": [{"day": "Sunday", "hour": "04:00"}], "storage_autoscale": [{"enabled": true}]})
    }

    #[test]
    fn cluster_body_follows_the_api() {
        let body = cluster_body(&pure_cx(), &saas_app_args()).expect("maps");
        assert_eq!(
            body,
            json!({"name": "acme-acme-pg", "engine": "pg", "version": "16", "num_nodes": 2, "size": "gd-2vcpu-8gb", "region": "nyc3",
                "private_network_uuid": "vpc-1", "tags": ["instance-id:acme"], "storage_size_mib": 102400,
                "maintenance_window": {"day": "sunday", "hour": "04:00"}})
        );
        assert!(cluster_body(&pure_cx(), &json!({"name": "x", "engine": "pg"})).is_err());
    }

    #[test]
    fn cluster_attributes_from_the_openapi_example() {
        let obj = json!({"id": "9cc10173-e9ea-4176-9dbc-a4cee4c4ff30", "name": "backend", "engine": "pg", "version": "14", "num_nodes": 1,
            "size": "db-s-2vcpu-4gb", "region": "nyc3", "status": "creating",
            "connection": {"uri": "postgres://doadmin:wv78n3zpz42xezdk@backend-do-user-19081923-0.db.ondigitalocean.com:25060/defaultdb?sslmode=require",
                "database": "", "host": "backend-do-user-19081923-0.db.ondigitalocean.com", "port": 25060, "user": "doadmin", "password": "wv78n3zpz42xezdk", "ssl": true},
            "private_connection": {"uri": "postgres://doadmin:wv78n3zpz42xezdk@private-backend-do-user-19081923-0.db.ondigitalocean.com:25060/defaultdb?sslmode=require",
                "host": "private-backend-do-user-19081923-0.db.ondigitalocean.com", "port": 25060}});
        let a = cluster_attrs(&json!({}), &obj);
        assert_eq!(a["urn"], "do:dbaas:9cc10173-e9ea-4176-9dbc-a4cee4c4ff30");
        assert_eq!(
            a["host"],
            "backend-do-user-19081923-0.db.ondigitalocean.com"
        );
        assert_eq!(a["port"], 25060);
        assert_eq!(a["user"], "doadmin");
        assert_eq!(
            a["private_host"],
            "private-backend-do-user-19081923-0.db.ondigitalocean.com"
        );
        assert_eq!(
            (CLUSTER.ready.expect("waits"))(&obj),
            Ready::Pending("creating".into())
        );
    }

    #[tokio::test]
    async fn cluster_create_waits_then_sets_autoscale() {
        let (c, script) = cx(vec![
            (
                "GET /v2/databases?tag_name=instance-id%3Aacme",
                200,
                json!({"databases": [], "meta": {"total": 0}}),
            ),
            (
                "POST /v2/databases",
                201,
                json!({"database": {"id": "db1", "name": "acme-acme-pg", "status": "creating"}}),
            ),
            (
                "GET /v2/databases/db1",
                200,
                json!({"database": {"id": "db1", "name": "acme-acme-pg", "status": "online", "connection": {"host": "h", "port": 25060}}}),
            ),
            (
                "GET /v2/databases/db1/autoscale",
                200,
                json!({"autoscale": {"storage": {"enabled": false}}}),
            ),
            ("PUT /v2/databases/db1/autoscale", 204, Json::Null),
        ]);
        let applied = Cluster.apply(&c, &saas_app_args()).await.expect("applies");
        assert_eq!(applied.action, Action::Created);
        assert_eq!(applied.attrs["host"], "h");
        let reqs = requests(&script);
        assert_eq!(
            reqs.last().map(|r| r.1.clone()),
            Some(Some(json!({"storage": {"enabled": true}})))
        );
        // The create carried an idempotency key.
        let seen = script
            .seen
            .lock()
            .map(|s| s[1].idempotency_key.clone())
            .ok()
            .flatten();
        assert_eq!(seen.map(|k| k.len()), Some(32));
    }

    #[tokio::test]
    async fn a_setting_the_api_refuses_is_a_note_not_a_failure() {
        let (c, _) = cx(vec![
            (
                "GET /v2/databases?tag_name=",
                200,
                json!({"databases": [{"id": "db1", "name": "acme-acme-pg", "status": "online"}], "meta": {"total": 1}}),
            ),
            (
                "GET /v2/databases/db1/autoscale",
                404,
                json!({"id": "not_found", "message": "no autoscale here"}),
            ),
        ]);
        let applied = Cluster.apply(&c, &saas_app_args()).await.expect("applies");
        assert_eq!(applied.action, Action::Unchanged);
        assert!(
            applied
                .notes
                .iter()
                .any(|n| n.contains("`storage_autoscale` not applied") && n.contains("404")),
            "{:?}",
            applied.notes
        );
    }

    #[tokio::test]
    async fn a_resized_cluster_is_updated_in_place() {
        let (c, script) = cx(vec![
            (
                "GET /v2/databases?tag_name=",
                200,
                json!({"databases": [{"id": "db1", "name": "acme-acme-pg", "status": "online", "size": "db-s-1vcpu-1gb", "num_nodes": 2}], "meta": {"total": 1}}),
            ),
            ("PUT /v2/databases/db1/resize", 202, Json::Null),
            (
                "GET /v2/databases/db1/autoscale",
                200,
                json!({"autoscale": {"storage": {"enabled": true}}}),
            ),
        ]);
        let applied = Cluster.apply(&c, &saas_app_args()).await.expect("applies");
        assert_eq!(applied.action, Action::Updated(vec!["size".into()]));
        assert_eq!(
            requests(&script)[1].1,
            Some(json!({"size": "gd-2vcpu-8gb", "num_nodes": 2, "storage_size_mib": 102400}))
        );
    }

    #[tokio::test]
    async fn database_firewall_is_put_once_and_then_left_alone() {
        let args =
            json!({"cluster_id": "db1", "rule": [{"type": "ip_addr", "value": "10.20.0.0/16"}]});
        let (c, script) = cx(vec![
            ("GET /v2/databases/db1/firewall", 200, json!({"rules": []})),
            ("PUT /v2/databases/db1/firewall", 204, Json::Null),
        ]);
        assert_eq!(
            DbFirewall.apply(&c, &args).await.map(|a| a.action).ok(),
            Some(Action::Created)
        );
        assert_eq!(
            requests(&script)[1].1,
            Some(json!({"rules": [{"type": "ip_addr", "value": "10.20.0.0/16"}]}))
        );
        let (c, script) = cx(vec![(
            "GET /v2/databases/db1/firewall",
            200,
            json!({"rules": [{"uuid": "u", "cluster_uuid": "db1", "type": "ip_addr", "value": "10.20.0.0/16", "created_at": "x"}]}),
        )]);
        assert_eq!(
            DbFirewall.apply(&c, &args).await.map(|a| a.action).ok(),
            Some(Action::Unchanged)
        );
        assert_eq!(requests(&script).len(), 1);
    }

    #[test]
    fn db_user_and_replica_shapes() {
        let args = json!({"cluster_id": "db1", "name": "acme_admin"});
        assert_eq!(
            (DB.collection)(&args).ok(),
            Some("/v2/databases/db1/dbs".to_string())
        );
        let user = (USER.attributes)(
            &args,
            &json!({"name": "acme_admin", "role": "normal", "password": "pw"}),
        );
        assert_eq!(user["id"], "db1/user/acme_admin");
        assert_eq!(user["password"], "pw");
        let body = (REPLICA.body)(
            &pure_cx(),
            &json!({"cluster_id": "db1", "name": "r", "size": "s", "storage_size_mib": "102400"}),
        )
        .expect("maps");
        assert_eq!(
            body,
            json!({"name": "r", "size": "s", "tags": ["instance-id:acme"], "storage_size_mib": 102400})
        );
        assert!((DB.collection)(&json!({"name": "x"})).is_err());
    }
}
