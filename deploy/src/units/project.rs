//! Account-level things: projects and their resources, tags, monitoring alerts, the container
//! registry and its Docker credentials.

use super::*;

pub static UNITS: &[&UnitDef] = &[
    &PROJECT_DEF,
    &RESOURCES_DEF,
    &TAG_DEF,
    &ALERT_DEF,
    &REGISTRY_DEF,
    &CREDENTIALS_DEF,
];

// --- digitalocean_project ---------------------------------------------------------------------------

pub static PROJECT_DEF: UnitDef = UnitDef {
    tf_type: "digitalocean_project",
    summary: "the appliance's project, found by its name; description, purpose and environment kept in step",
    arguments: &[
        "name",
        "description",
        "purpose",
        "environment",
        "is_default",
    ],
    exports: &[
        "id",
        "urn",
        "owner_uuid",
        "owner_id",
        "created_at",
        "updated_at",
    ],
    endpoints: &[
        "GET /v2/projects",
        "POST /v2/projects",
        "PATCH /v2/projects/{id}",
        "DELETE /v2/projects/{id}",
    ],
    partial_lists: &[],
    handling: Handling::Api(&PROJECT),
};

/// DigitalOcean's environments are capitalised (`Production`); the provider accepts any case.
fn environment(args: &Json) -> Option<Json> {
    opt_str(args, "environment").map(|e| {
        let mut chars = e.chars();
        let cap: String = chars
            .next()
            .map(|c| {
                c.to_uppercase()
                    .chain(chars.flat_map(char::to_lowercase))
                    .collect()
            })
            .unwrap_or_default();
        Json::from(cap)
    })
}

pub static PROJECT: Rest = Rest {
    collection: |_| Ok("/v2/projects".into()),
    list_key: "projects",
    item_key: "project",
    list_query: no_query,
    matches: same_name,
    id_key: "id",
    body: project_body,
    ready: None,
    compare: &["description", "purpose", "environment"],
    update: Some(|_, _, obj, body| {
        let mut b = body.clone();
        if let Some(o) = b.as_object_mut() {
            o.remove("name");
        }
        Ok(Update {
            method: Method::Patch,
            path: format!(
                "/v2/projects/{}",
                enc(&id_of(obj, "id").unwrap_or_default())
            ),
            body: b,
        })
    }),
    attributes: |_, obj| {
        let mut a = pick(
            obj,
            &[
                "id",
                "name",
                "description",
                "purpose",
                "environment",
                "owner_uuid",
                "owner_id",
                "is_default",
                "created_at",
                "updated_at",
            ],
        );
        if let Some(id) = id_of(obj, "id") {
            a.insert("urn".into(), format!("do:project:{id}").into());
        }
        Json::Object(a)
    },
    delete: Delete::ById { wait_gone: false },
};

pub fn project_body(_: &Cx, args: &Json) -> Result<Json, UnitError> {
    Ok(object(vec![
        ("name", Some(req_str(args, "name")?.into())),
        ("description", opt_str(args, "description").map(Json::from)),
        (
            "purpose",
            Some(
                opt_str(args, "purpose")
                    .unwrap_or_else(|| "Web Application".into())
                    .into(),
            ),
        ),
        ("environment", environment(args)),
    ]))
}

// --- digitalocean_project_resources ---------------------------------------------------------------

pub static RESOURCES_DEF: UnitDef = UnitDef {
    tf_type: "digitalocean_project_resources",
    summary: "assigns resources to the project by URN (only the missing ones); URNs of resources the engine does not create are left out and reported; on destroy they go back to the default project",
    arguments: &["project", "resources"],
    exports: &["id"],
    endpoints: &[
        "GET /v2/projects/{id}/resources",
        "POST /v2/projects/{id}/resources",
        "POST /v2/projects/default/resources",
    ],
    partial_lists: &["resources"],
    handling: Handling::Api(&ProjectResources),
};

#[derive(Debug)]
pub struct ProjectResources;

impl ProjectResources {
    async fn assigned(cx: &Cx, project: &str) -> Result<Vec<String>, UnitError> {
        let items = cx
            .client
            .list(
                &format!("/v2/projects/{}/resources", enc(project)),
                "resources",
            )
            .await?;
        Ok(items
            .iter()
            .filter_map(|r| r.get("urn").and_then(Json::as_str).map(str::to_string))
            .collect())
    }

    fn attrs(project: &str, urns: &[String]) -> Json {
        json!({ "id": project, "project": project, "resources": urns })
    }
}

impl Unit for ProjectResources {
    fn apply<'a>(&'a self, cx: &'a Cx, args: &'a Json) -> BoxFut<'a, Result<Applied, UnitError>> {
        Box::pin(async move {
            let project = req_str(args, "project")?;
            let mut want = strs(args, "resources")?;
            want.dedup();
            let have = Self::assigned(cx, &project).await?;
            let missing: Vec<String> = want.iter().filter(|u| !have.contains(u)).cloned().collect();
            let attrs = Self::attrs(&project, &want);
            if missing.is_empty() {
                return Ok(Applied {
                    action: Action::Unchanged,
                    attrs,
                    notes: Vec::new(),
                });
            }
            let first = !want.iter().any(|u| have.contains(u));
            if first {
                cx.emit(EventKind::Creating);
            } else {
                cx.emit(EventKind::Updating {
                    fields: vec!["resources".into()],
                });
            }
            let path = format!("/v2/projects/{}/resources", enc(&project));
            cx.client
                .send(
                    Method::Post,
                    &path,
                    Some(json!({ "resources": missing })),
                    None,
                )
                .await?;
            let action = if first {
                Action::Created
            } else {
                Action::Updated(vec!["resources".into()])
            };
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
            let project = req_str(args, "project")?;
            let want = strs(args, "resources")?;
            let have = match Self::assigned(cx, &project).await {
                Ok(h) => h,
                Err(UnitError::Api(e)) if e.status() == Some(404) => return Ok(None),
                Err(e) => return Err(e),
            };
            if !want.is_empty() && !want.iter().any(|u| have.contains(u)) {
                return Ok(None);
            }
            let drift = if want.iter().all(|u| have.contains(u)) {
                Vec::new()
            } else {
                vec!["resources".to_string()]
            };
            Ok(Some(Found {
                obj: json!({ "resources": have }),
                attrs: Self::attrs(&project, &want),
                drift,
            }))
        })
    }
    /// As the provider does: the resources go back to the default project, so that the project
    /// is empty and can be deleted before them (they are deleted in their own order).
    fn delete<'a>(
        &'a self,
        cx: &'a Cx,
        args: &'a Json,
        found: &'a Found,
    ) -> BoxFut<'a, Result<(), UnitError>> {
        Box::pin(async move {
            let want = strs(args, "resources")?;
            let have: Vec<String> = strs(&found.obj, "resources")?;
            let moving: Vec<&String> = want.iter().filter(|u| have.contains(u)).collect();
            if moving.is_empty() {
                return Ok(());
            }
            cx.client
                .send(
                    Method::Post,
                    "/v2/projects/default/resources",
                    Some(json!({ "resources": moving })),
                    None,
                )
                .await?;
            Ok(())
        })
    }
}

// --- digitalocean_tag -------------------------------------------------------------------------------

pub static TAG_DEF: UnitDef = UnitDef {
    tf_type: "digitalocean_tag",
    summary: "a tag, found by its name",
    arguments: &["name"],
    exports: &[
        "id",
        "total_resource_count",
        "droplets_count",
        "volumes_count",
        "databases_count",
    ],
    endpoints: &["GET /v2/tags", "POST /v2/tags", "DELETE /v2/tags/{name}"],
    partial_lists: &[],
    handling: Handling::Api(&TAG),
};

pub static TAG: Rest = Rest {
    collection: |_| Ok("/v2/tags".into()),
    list_key: "tags",
    item_key: "tag",
    list_query: no_query,
    matches: same_name,
    id_key: "name",
    body: |_, args| Ok(json!({ "name": req_str(args, "name")? })),
    ready: None,
    compare: &[],
    update: None,
    attributes: |_, obj| {
        let count = |k: &str| {
            obj.pointer(&format!("/resources/{k}/count"))
                .cloned()
                .unwrap_or(Json::Null)
        };
        json!({
            "id": obj.get("name").cloned().unwrap_or(Json::Null),
            "name": obj.get("name").cloned().unwrap_or(Json::Null),
            "total_resource_count": obj.pointer("/resources/count").cloned().unwrap_or(Json::Null),
            "droplets_count": count("droplets"),
            "volumes_count": count("volumes"),
            "databases_count": count("databases"),
        })
    },
    delete: Delete::ById { wait_gone: false },
};

// --- digitalocean_monitor_alert -----------------------------------------------------------------------

pub static ALERT_DEF: UnitDef = UnitDef {
    tf_type: "digitalocean_monitor_alert",
    summary: "a monitoring alert policy, found by type and description; its settings kept in step (its tags select droplets, so none is added)",
    arguments: &[
        "type",
        "description",
        "compare",
        "value",
        "window",
        "entities",
        "tags",
        "alerts",
        "enabled",
    ],
    exports: &["id", "uuid"],
    endpoints: &[
        "GET /v2/monitoring/alerts",
        "POST /v2/monitoring/alerts",
        "PUT /v2/monitoring/alerts/{uuid}",
        "DELETE /v2/monitoring/alerts/{uuid}",
    ],
    partial_lists: &[],
    handling: Handling::Api(&ALERT),
};

pub static ALERT: Rest = Rest {
    collection: |_| Ok("/v2/monitoring/alerts".into()),
    list_key: "policies",
    item_key: "policy",
    list_query: no_query,
    matches: |_, args, obj| {
        let same = |k: &str| {
            opt_str(args, k).is_some_and(|v| obj.get(k).and_then(Json::as_str) == Some(v.as_str()))
        };
        same("type") && same("description")
    },
    id_key: "uuid",
    body: alert_body,
    ready: None,
    compare: &[
        "compare", "value", "window", "entities", "tags", "alerts", "enabled",
    ],
    update: Some(|_, _, obj, body| {
        Ok(Update {
            method: Method::Put,
            path: format!(
                "/v2/monitoring/alerts/{}",
                enc(&id_of(obj, "uuid").unwrap_or_default())
            ),
            body: body.clone(),
        })
    }),
    attributes: |_, obj| json!({ "id": obj.get("uuid").cloned().unwrap_or(Json::Null), "uuid": obj.get("uuid").cloned().unwrap_or(Json::Null) }),
    delete: Delete::ById { wait_gone: false },
};

pub fn alert_body(_: &Cx, args: &Json) -> Result<Json, UnitError> {
    let alerts = match block(args, "alerts") {
        None => json!({ "email": [], "slack": [] }),
        Some(a) => {
            let slack = blocks(a, "slack")
                .into_iter()
                .map(|s| {
                    Ok(json!({ "channel": req_str(s, "channel")?, "url": req_str(s, "url")? }))
                })
                .collect::<Result<Vec<_>, UnitError>>()?;
            json!({ "email": strs(a, "email")?, "slack": slack })
        }
    };
    Ok(json!({
        "type": req_str(args, "type")?,
        "description": req_str(args, "description")?,
        "compare": req_str(args, "compare")?,
        "value": opt_f64(args, "value")?.ok_or_else(|| UnitError::arg("value", "required"))?,
        "window": req_str(args, "window")?,
        "entities": strs(args, "entities")?,
        "tags": strs(args, "tags")?,
        "alerts": alerts,
        "enabled": opt_bool(args, "enabled")?.unwrap_or(true),
    }))
}

// --- digitalocean_container_registry ----------------------------------------------------------------

pub static REGISTRY_DEF: UnitDef = UnitDef {
    tf_type: "digitalocean_container_registry",
    summary: "the account's container registry (one per account): created when absent, reused when it has the stack's name, an error when another exists; its tier kept in step",
    arguments: &["name", "subscription_tier_slug", "region"],
    exports: &[
        "id",
        "endpoint",
        "server_url",
        "storage_usage_bytes",
        "created_at",
    ],
    endpoints: &[
        "GET /v2/registry",
        "POST /v2/registry",
        "POST /v2/registry/subscription",
        "DELETE /v2/registry",
    ],
    partial_lists: &[],
    handling: Handling::Api(&Registry),
};

#[derive(Debug)]
pub struct Registry;

pub fn registry_attrs(obj: &Json) -> Json {
    let name = obj.get("name").and_then(Json::as_str).unwrap_or("");
    json!({
        "id": name,
        "name": name,
        "endpoint": format!("registry.digitalocean.com/{name}"),
        "server_url": "registry.digitalocean.com",
        "region": obj.get("region").cloned().unwrap_or(Json::Null),
        "subscription_tier_slug": obj.pointer("/subscription/tier/slug").cloned().unwrap_or(Json::Null),
        "storage_usage_bytes": obj.get("storage_usage_bytes").cloned().unwrap_or(Json::Null),
        "created_at": obj.get("created_at").cloned().unwrap_or(Json::Null),
    })
}

impl Registry {
    async fn current(cx: &Cx) -> Result<Option<Json>, UnitError> {
        Ok(cx
            .client
            .get_opt("/v2/registry")
            .await?
            .and_then(|b| b.get("registry").cloned()))
    }
}

impl Unit for Registry {
    fn apply<'a>(&'a self, cx: &'a Cx, args: &'a Json) -> BoxFut<'a, Result<Applied, UnitError>> {
        Box::pin(async move {
            let name = req_str(args, "name")?;
            let tier = req_str(args, "subscription_tier_slug")?;
            match Self::current(cx).await? {
                Some(reg) => {
                    let existing = reg.get("name").and_then(Json::as_str).unwrap_or("");
                    if existing != name {
                        return Err(UnitError::Failed(format!(
                            "the account already has the registry `{existing}` and DigitalOcean allows one per account; set the registry name to `{existing}` or delete it"
                        )));
                    }
                    let now_tier = reg
                        .pointer("/subscription/tier/slug")
                        .and_then(Json::as_str);
                    if now_tier.is_some_and(|t| t != tier) {
                        cx.emit(EventKind::Updating {
                            fields: vec!["subscription_tier_slug".into()],
                        });
                        cx.client
                            .send(
                                Method::Post,
                                "/v2/registry/subscription",
                                Some(json!({ "tier_slug": tier })),
                                None,
                            )
                            .await?;
                        return Ok(Applied {
                            action: Action::Updated(vec!["subscription_tier_slug".into()]),
                            attrs: registry_attrs(&reg),
                            notes: Vec::new(),
                        });
                    }
                    Ok(Applied {
                        action: Action::Unchanged,
                        attrs: registry_attrs(&reg),
                        notes: Vec::new(),
                    })
                }
                None => {
                    let body = object(vec![
                        ("name", Some(name.clone().into())),
                        ("subscription_tier_slug", Some(tier.into())),
                        ("region", opt_str(args, "region").map(Json::from)),
                    ]);
                    let answer = match cx.create("/v2/registry", body).await {
                        Ok(a) => a,
                        Err(UnitError::Api(e)) if e.uncertain() => {
                            json!({ "registry": Self::current(cx).await?.ok_or(UnitError::Api(e))? })
                        }
                        Err(e) => return Err(e),
                    };
                    let reg = answer
                        .get("registry")
                        .cloned()
                        .unwrap_or(json!({ "name": name }));
                    Ok(Applied {
                        action: Action::Created,
                        attrs: registry_attrs(&reg),
                        notes: Vec::new(),
                    })
                }
            }
        })
    }
    fn read<'a>(
        &'a self,
        cx: &'a Cx,
        args: &'a Json,
    ) -> BoxFut<'a, Result<Option<Found>, UnitError>> {
        Box::pin(async move {
            let name = req_str(args, "name")?;
            Ok(Self::current(cx)
                .await?
                .filter(|r| r.get("name").and_then(Json::as_str) == Some(name.as_str()))
                .map(|obj| Found {
                    attrs: registry_attrs(&obj),
                    obj,
                    drift: Vec::new(),
                }))
        })
    }
    fn delete<'a>(
        &'a self,
        cx: &'a Cx,
        _args: &'a Json,
        _found: &'a Found,
    ) -> BoxFut<'a, Result<(), UnitError>> {
        Box::pin(async move {
            cx.client.delete("/v2/registry").await?;
            Ok(())
        })
    }
}

// --- digitalocean_container_registry_docker_credentials ----------------------------------------------

pub static CREDENTIALS_DEF: UnitDef = UnitDef {
    tf_type: "digitalocean_container_registry_docker_credentials",
    summary: "reads Docker credentials for the registry (a read on every run; nothing to create or delete)",
    arguments: &["registry_name", "write", "expiry_seconds"],
    exports: &["id", "docker_credentials", "credential_expiration_time"],
    endpoints: &["GET /v2/registry/docker-credentials"],
    partial_lists: &[],
    handling: Handling::Api(&Credentials),
};

#[derive(Debug)]
pub struct Credentials;

impl Unit for Credentials {
    fn nothing_to_delete(&self) -> Option<&'static str> {
        Some("nothing to delete: credentials are issued on demand")
    }
    fn apply<'a>(&'a self, cx: &'a Cx, args: &'a Json) -> BoxFut<'a, Result<Applied, UnitError>> {
        Box::pin(async move {
            let registry = req_str(args, "registry_name")?;
            let write = opt_bool(args, "write")?.unwrap_or(false);
            let mut path = format!("/v2/registry/docker-credentials?read_write={write}");
            if let Some(expiry) = opt_i64(args, "expiry_seconds")? {
                path.push_str(&format!("&expiry_seconds={expiry}"));
            }
            let creds = cx.client.get(&path).await?;
            Ok(Applied {
                action: Action::Unchanged,
                attrs: json!({
                    "id": registry,
                    "registry_name": registry,
                    "write": write,
                    "docker_credentials": creds.to_string(),
                }),
                notes: vec!["read fresh registry credentials".into()],
            })
        })
    }
    fn read<'a>(
        &'a self,
        _cx: &'a Cx,
        args: &'a Json,
    ) -> BoxFut<'a, Result<Option<Found>, UnitError>> {
        // Credentials are issued on demand: there is always "one", and reading it here would
        // only issue a new credential. Its value is unknown to a read-only pass.
        Box::pin(async move {
            let registry = req_str(args, "registry_name")?;
            Ok(Some(Found {
                obj: Json::Null,
                attrs: json!({ "id": registry, "registry_name": registry }),
                drift: Vec::new(),
            }))
        })
    }
    fn delete<'a>(
        &'a self,
        _cx: &'a Cx,
        _args: &'a Json,
        _found: &'a Found,
    ) -> BoxFut<'a, Result<(), UnitError>> {
        Box::pin(async { Ok(()) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::testing::{cx, pure_cx, requests};

    #[test]
    fn project_body_capitalises_the_environment() {
        let args = json!({"name": "ferry-acme", "description": "Ferry appliance", "purpose": "Web Application", "environment": "production"});
        assert_eq!(
            project_body(&pure_cx(), &args).ok(),
            Some(
                json!({"name": "ferry-acme", "description": "Ferry appliance", "purpose": "Web Application", "environment": "Production"})
            )
        );
        let obj = json!({"id": "4e1bfbc3-dc3e-41f2-a18f-1b4d7ba71679", "name": "ferry-acme", "description": "Ferry appliance", "purpose": "Web Application", "environment": "Production"});
        assert_eq!(
            (PROJECT.attributes)(&args, &obj)["urn"],
            "do:project:4e1bfbc3-dc3e-41f2-a18f-1b4d7ba71679"
        );
        assert!(
            drift(
                &project_body(&pure_cx(), &args).expect("maps"),
                &obj,
                PROJECT.compare
            )
            .is_empty()
        );
    }

    #[tokio::test]
    async fn project_resources_assigns_only_what_is_missing() {
        let args = json!({"project": "p1", "resources": ["do:droplet:1", "do:dbaas:2"]});
        let (c, script) = cx(vec![
            (
                "GET /v2/projects/p1/resources",
                200,
                json!({"resources": [{"urn": "do:droplet:1"}], "meta": {"total": 1}}),
            ),
            (
                "POST /v2/projects/p1/resources",
                200,
                json!({"resources": [{"urn": "do:dbaas:2", "status": "ok"}]}),
            ),
        ]);
        let applied = ProjectResources.apply(&c, &args).await.expect("assigns");
        assert_eq!(applied.action, Action::Updated(vec!["resources".into()]));
        assert_eq!(
            requests(&script)[1].1,
            Some(json!({"resources": ["do:dbaas:2"]}))
        );
        let (c, script) = cx(vec![(
            "GET /v2/projects/p1/resources",
            200,
            json!({"resources": [{"urn": "do:droplet:1"}, {"urn": "do:dbaas:2"}], "meta": {"total": 2}}),
        )]);
        assert_eq!(
            ProjectResources
                .apply(&c, &args)
                .await
                .map(|a| a.action)
                .ok(),
            Some(Action::Unchanged)
        );
        assert_eq!(requests(&script).len(), 1);
    }

    #[tokio::test]
    async fn one_registry_per_account() {
        let args = json!({"name": "acme-registry", "subscription_tier_slug": "basic"});
        let (c, _) = cx(vec![(
            "GET /v2/registry",
            200,
            json!({"registry": {"name": "someone-else", "subscription": {"tier": {"slug": "basic"}}}}),
        )]);
        let err = Registry
            .apply(&c, &args)
            .await
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.contains("already has the registry `someone-else`"),
            "{err}"
        );
        let (c, script) = cx(vec![
            (
                "GET /v2/registry",
                404,
                json!({"id": "not_found", "message": "x"}),
            ),
            (
                "POST /v2/registry",
                201,
                json!({"registry": {"name": "acme-registry", "region": "nyc3"}}),
            ),
        ]);
        let applied = Registry.apply(&c, &args).await.expect("creates");
        assert_eq!(
            applied.attrs["endpoint"],
            "registry.digitalocean.com/acme-registry"
        );
        assert_eq!(
            requests(&script)[1].1,
            Some(json!({"name": "acme-registry", "subscription_tier_slug": "basic"}))
        );
    }

    #[test]
    fn alert_body_has_every_required_field() {
        let args = json!({"description": "Worker CPU above 80% for 10 minutes", "type": "v1/insights/droplet/cpu", "compare": "GreaterThan",
            "value": 80, "window": "10m", "entities": ["42"], "tags": ["instance-id:acme"], "alerts": [{"email": []}]});
        assert_eq!(
            alert_body(&pure_cx(), &args).ok(),
            Some(
                json!({"type": "v1/insights/droplet/cpu", "description": "Worker CPU above 80% for 10 minutes", "compare": "GreaterThan",
                "value": 80.0, "window": "10m", "entities": ["42"], "tags": ["instance-id:acme"], "alerts": {"email": [], "slack": []}, "enabled": true})
            )
        );
    }
}
