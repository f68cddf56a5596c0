//! Compute: droplets, autoscale pools, volumes and their attachments, SSH keys.

use super::*;

pub static UNITS: &[&UnitDef] = &[
    &DROPLET_DEF,
    &AUTOSCALE_DEF,
    &VOLUME_DEF,
    &ATTACH_DEF,
    &SSH_KEY_DEF,
];

// --- digitalocean_droplet ---------------------------------------------------------------------

pub static DROPLET_DEF: UnitDef = UnitDef {
    tf_type: "digitalocean_droplet",
    summary: "a droplet, found among the appliance's tagged droplets by name; waits for active",
    arguments: &[
        "name",
        "region",
        "size",
        "image",
        "ssh_keys",
        "backups",
        "ipv6",
        "monitoring",
        "tags",
        "user_data",
        "vpc_uuid",
        "droplet_agent",
        "volume_ids",
        "private_networking",
        "public_networking",
        "backup_policy",
        "resize_disk",
        "graceful_shutdown",
    ],
    exports: &[
        "id",
        "urn",
        "status",
        "ipv4_address",
        "ipv4_address_private",
        "ipv6_address",
        "memory",
        "vcpus",
        "disk",
        "created_at",
        "locked",
    ],
    endpoints: &[
        "GET /v2/droplets?tag_name=",
        "POST /v2/droplets",
        "GET /v2/droplets/{id}",
        "DELETE /v2/droplets/{id}",
    ],
    partial_lists: &[],
    handling: Handling::Api(&DROPLET),
};

pub static DROPLET: Rest = Rest {
    collection: |_| Ok("/v2/droplets".into()),
    list_key: "droplets",
    item_key: "droplet",
    list_query: tag_query,
    matches: same_name,
    id_key: "id",
    body: droplet_body,
    ready: Some(|o| status_is(o, "/status", &["active"], &["archive"])),
    compare: &[],
    update: None,
    attributes: droplet_attrs,
    delete: Delete::ById { wait_gone: true },
};

pub fn droplet_body(cx: &Cx, args: &Json) -> Result<Json, UnitError> {
    let backup_policy = match block(args, "backup_policy") {
        None => None,
        Some(b) => Some(object(vec![
            ("plan", opt_str(b, "plan").map(Json::from)),
            ("weekday", opt_str(b, "weekday").map(Json::from)),
            ("hour", opt_i64(b, "hour")?.map(Json::from)),
        ])),
    };
    let volumes = strs(args, "volume_ids")?;
    let ssh_keys = strs(args, "ssh_keys")?;
    Ok(object(vec![
        ("name", Some(req_str(args, "name")?.into())),
        ("region", opt_str(args, "region").map(Json::from)),
        ("size", Some(req_str(args, "size")?.into())),
        ("image", Some(req_str(args, "image")?.into())),
        ("ssh_keys", (!ssh_keys.is_empty()).then(|| ssh_keys.into())),
        ("backups", opt_bool(args, "backups")?.map(Json::from)),
        ("backup_policy", backup_policy),
        ("ipv6", opt_bool(args, "ipv6")?.map(Json::from)),
        ("monitoring", opt_bool(args, "monitoring")?.map(Json::from)),
        ("tags", Some(tags_with_instance(cx, args)?)),
        ("user_data", opt_str(args, "user_data").map(Json::from)),
        ("vpc_uuid", opt_str(args, "vpc_uuid").map(Json::from)),
        (
            "with_droplet_agent",
            opt_bool(args, "droplet_agent")?.map(Json::from),
        ),
        ("volumes", (!volumes.is_empty()).then(|| volumes.into())),
        (
            "public_networking",
            opt_bool(args, "public_networking")?.map(Json::from),
        ),
    ]))
}

fn network_ip(obj: &Json, version: &str, kind: &str) -> Json {
    obj.pointer(&format!("/networks/{version}"))
        .and_then(Json::as_array)
        .and_then(|nets| {
            nets.iter()
                .find(|n| n.get("type").and_then(Json::as_str) == Some(kind))
                .and_then(|n| n.get("ip_address").cloned())
        })
        .unwrap_or(Json::Null)
}

pub fn droplet_attrs(_: &Json, obj: &Json) -> Json {
    let id = id_of(obj, "id").unwrap_or_default();
    json!({
        "id": id,
        "urn": format!("do:droplet:{id}"),
        "name": obj.get("name").cloned().unwrap_or(Json::Null),
        "status": obj.get("status").cloned().unwrap_or(Json::Null),
        "region": obj.pointer("/region/slug").cloned().unwrap_or(Json::Null),
        "size": obj.pointer("/size/slug").or_else(|| obj.get("size_slug")).cloned().unwrap_or(Json::Null),
        "image": obj.pointer("/image/slug").cloned().unwrap_or(Json::Null),
        "ipv4_address": network_ip(obj, "v4", "public"),
        "ipv4_address_private": network_ip(obj, "v4", "private"),
        "ipv6_address": network_ip(obj, "v6", "public"),
        "memory": obj.get("memory").cloned().unwrap_or(Json::Null),
        "vcpus": obj.get("vcpus").cloned().unwrap_or(Json::Null),
        "disk": obj.get("disk").cloned().unwrap_or(Json::Null),
        "locked": obj.get("locked").cloned().unwrap_or(Json::Null),
        "vpc_uuid": obj.get("vpc_uuid").cloned().unwrap_or(Json::Null),
        "tags": obj.get("tags").cloned().unwrap_or(Json::Null),
        "created_at": obj.get("created_at").cloned().unwrap_or(Json::Null),
    })
}

// --- digitalocean_droplet_autoscale -------------------------------------------------------------

pub static AUTOSCALE_DEF: UnitDef = UnitDef {
    tf_type: "digitalocean_droplet_autoscale",
    summary: "a droplet autoscale pool, found by its name; waits for active",
    arguments: &["name", "config", "droplet_template"],
    exports: &[
        "id",
        "status",
        "created_at",
        "updated_at",
        "current_utilization",
    ],
    endpoints: &[
        "GET /v2/droplets/autoscale?name=",
        "POST /v2/droplets/autoscale",
        "GET /v2/droplets/autoscale/{id}",
        "PUT /v2/droplets/autoscale/{id}",
        "DELETE /v2/droplets/autoscale/{id}",
    ],
    partial_lists: &[],
    handling: Handling::Api(&AUTOSCALE),
};

pub static AUTOSCALE: Rest = Rest {
    collection: |_| Ok("/v2/droplets/autoscale".into()),
    list_key: "autoscale_pools",
    item_key: "autoscale_pool",
    list_query: |_, args| {
        opt_str(args, "name")
            .map(|n| format!("?name={}", enc(&n)))
            .unwrap_or_default()
    },
    matches: same_name,
    id_key: "id",
    body: autoscale_body,
    ready: Some(|o| status_is(o, "/status", &["active"], &["error"])),
    compare: &["config"],
    update: Some(|_, _, obj, body| {
        Ok(Update {
            method: Method::Put,
            path: format!(
                "/v2/droplets/autoscale/{}",
                enc(&id_of(obj, "id").unwrap_or_default())
            ),
            body: body.clone(),
        })
    }),
    attributes: |_, obj| {
        Json::Object(pick(
            obj,
            &[
                "id",
                "name",
                "status",
                "created_at",
                "updated_at",
                "current_utilization",
            ],
        ))
    },
    delete: Delete::ById { wait_gone: true },
};

pub fn autoscale_body(cx: &Cx, args: &Json) -> Result<Json, UnitError> {
    let c = block(args, "config").ok_or_else(|| UnitError::arg("config", "required"))?;
    let t = block(args, "droplet_template")
        .ok_or_else(|| UnitError::arg("droplet_template", "required"))?;
    let config = object(vec![
        (
            "min_instances",
            opt_i64(c, "min_instances")?.map(Json::from),
        ),
        (
            "max_instances",
            opt_i64(c, "max_instances")?.map(Json::from),
        ),
        (
            "target_cpu_utilization",
            opt_f64(c, "target_cpu_utilization")?.map(Json::from),
        ),
        (
            "target_memory_utilization",
            opt_f64(c, "target_memory_utilization")?.map(Json::from),
        ),
        (
            "cooldown_minutes",
            opt_i64(c, "cooldown_minutes")?.map(Json::from),
        ),
        (
            "target_number_instances",
            opt_i64(c, "target_number_instances")?.map(Json::from),
        ),
    ]);
    let template = object(vec![
        ("size", Some(req_str(t, "size")?.into())),
        ("region", Some(req_str(t, "region")?.into())),
        ("image", Some(req_str(t, "image")?.into())),
        ("ssh_keys", Some(strs(t, "ssh_keys")?.into())),
        ("tags", Some(tags_with_instance(cx, t)?)),
        ("vpc_uuid", opt_str(t, "vpc_uuid").map(Json::from)),
        (
            "with_droplet_agent",
            opt_bool(t, "with_droplet_agent")?.map(Json::from),
        ),
        ("project_id", opt_str(t, "project_id").map(Json::from)),
        ("ipv6", opt_bool(t, "ipv6")?.map(Json::from)),
        ("user_data", opt_str(t, "user_data").map(Json::from)),
        (
            "public_networking",
            opt_bool(t, "public_networking")?.map(Json::from),
        ),
    ]);
    Ok(json!({ "name": req_str(args, "name")?, "config": config, "droplet_template": template }))
}

// --- digitalocean_volume ------------------------------------------------------------------------

pub static VOLUME_DEF: UnitDef = UnitDef {
    tf_type: "digitalocean_volume",
    summary: "a block storage volume, found by name and region",
    arguments: &[
        "name",
        "region",
        "size",
        "description",
        "snapshot_id",
        "initial_filesystem_type",
        "initial_filesystem_label",
        "filesystem_type",
        "tags",
    ],
    exports: &[
        "id",
        "urn",
        "droplet_ids",
        "filesystem_type",
        "filesystem_label",
    ],
    endpoints: &[
        "GET /v2/volumes?name=&region=",
        "POST /v2/volumes",
        "DELETE /v2/volumes/{id}",
    ],
    partial_lists: &[],
    handling: Handling::Api(&VOLUME),
};

pub static VOLUME: Rest = Rest {
    collection: |_| Ok("/v2/volumes".into()),
    list_key: "volumes",
    item_key: "volume",
    list_query: |_, args| match (opt_str(args, "name"), opt_str(args, "region")) {
        (Some(n), Some(r)) => format!("?name={}&region={}", enc(&n), enc(&r)),
        (Some(n), None) => format!("?name={}", enc(&n)),
        _ => String::new(),
    },
    matches: same_name,
    id_key: "id",
    body: volume_body,
    ready: None,
    compare: &[],
    update: None,
    attributes: volume_attrs,
    delete: Delete::ById { wait_gone: false },
};

pub fn volume_body(cx: &Cx, args: &Json) -> Result<Json, UnitError> {
    Ok(object(vec![
        ("name", Some(req_str(args, "name")?.into())),
        ("region", Some(req_str(args, "region")?.into())),
        ("size_gigabytes", Some(req_i64(args, "size")?.into())),
        ("description", opt_str(args, "description").map(Json::from)),
        ("snapshot_id", opt_str(args, "snapshot_id").map(Json::from)),
        (
            "filesystem_type",
            opt_str(args, "initial_filesystem_type")
                .or_else(|| opt_str(args, "filesystem_type"))
                .map(Json::from),
        ),
        (
            "filesystem_label",
            opt_str(args, "initial_filesystem_label").map(Json::from),
        ),
        ("tags", Some(tags_with_instance(cx, args)?)),
    ]))
}

pub fn volume_attrs(_: &Json, obj: &Json) -> Json {
    let id = id_of(obj, "id").unwrap_or_default();
    json!({
        "id": id,
        "urn": format!("do:volume:{id}"),
        "name": obj.get("name").cloned().unwrap_or(Json::Null),
        "region": obj.pointer("/region/slug").cloned().unwrap_or(Json::Null),
        "size": obj.get("size_gigabytes").cloned().unwrap_or(Json::Null),
        "droplet_ids": obj.get("droplet_ids").cloned().unwrap_or(json!([])),
        "filesystem_type": obj.get("filesystem_type").cloned().unwrap_or(Json::Null),
        "filesystem_label": obj.get("filesystem_label").cloned().unwrap_or(Json::Null),
        "tags": obj.get("tags").cloned().unwrap_or(Json::Null),
    })
}

// --- digitalocean_volume_attachment -------------------------------------------------------------

pub static ATTACH_DEF: UnitDef = UnitDef {
    tf_type: "digitalocean_volume_attachment",
    summary: "attaches a volume to a droplet (an attach action, waited for), unless the volume already lists the droplet",
    arguments: &["droplet_id", "volume_id"],
    exports: &["id"],
    endpoints: &[
        "GET /v2/volumes/{id}",
        "POST /v2/volumes/{id}/actions",
        "GET /v2/volumes/{id}/actions/{action_id}",
    ],
    partial_lists: &[],
    handling: Handling::Api(&Attach),
};

#[derive(Debug)]
pub struct Attach;

fn attachment_attrs(args: &Json) -> Json {
    let droplet = opt_str(args, "droplet_id").unwrap_or_default();
    let volume = opt_str(args, "volume_id").unwrap_or_default();
    json!({ "id": format!("{droplet}-{volume}"), "droplet_id": droplet, "volume_id": volume })
}

fn attached(volume: &Json, droplet: i64) -> bool {
    volume
        .get("droplet_ids")
        .and_then(Json::as_array)
        .is_some_and(|ids| {
            ids.iter()
                .any(|i| i.as_i64() == Some(droplet) || i.as_str() == Some(&droplet.to_string()))
        })
}

/// Starts a volume action and waits until it completes.
async fn volume_action(cx: &Cx, volume: &str, body: Json) -> Result<(), UnitError> {
    let path = format!("/v2/volumes/{}/actions", enc(volume));
    let answer = cx
        .client
        .send(Method::Post, &path, Some(body), None)
        .await?;
    let action = answer.get("action").cloned().unwrap_or(Json::Null);
    let Some(id) = id_of(&action, "id") else {
        return Ok(());
    };
    let action_path = format!("{path}/{id}");
    cx.wait_for(&action_path, "action", action, |a| {
        status_is(a, "/status", &["completed"], &["errored"])
    })
    .await?;
    Ok(())
}

impl Attach {
    async fn volume(cx: &Cx, args: &Json) -> Result<Option<Json>, UnitError> {
        let volume = req_str(args, "volume_id")?;
        let body = cx
            .client
            .get_opt(&format!("/v2/volumes/{}", enc(&volume)))
            .await?;
        Ok(body.and_then(|b| b.get("volume").cloned()))
    }
}

impl Unit for Attach {
    fn apply<'a>(&'a self, cx: &'a Cx, args: &'a Json) -> BoxFut<'a, Result<Applied, UnitError>> {
        Box::pin(async move {
            let droplet = req_i64(args, "droplet_id")?;
            let volume_id = req_str(args, "volume_id")?;
            let Some(volume) = Self::volume(cx, args).await? else {
                return Err(UnitError::Failed(format!(
                    "volume `{volume_id}` does not exist"
                )));
            };
            if attached(&volume, droplet) {
                return Ok(Applied {
                    action: Action::Unchanged,
                    attrs: attachment_attrs(args),
                    notes: Vec::new(),
                });
            }
            cx.emit(EventKind::Creating);
            let region = volume.pointer("/region/slug").cloned();
            let body = object(vec![
                ("type", Some("attach".into())),
                ("droplet_id", Some(droplet.into())),
                ("region", region),
            ]);
            volume_action(cx, &volume_id, body).await?;
            Ok(Applied {
                action: Action::Created,
                attrs: attachment_attrs(args),
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
            let droplet = req_i64(args, "droplet_id")?;
            Ok(Self::volume(cx, args)
                .await?
                .filter(|v| attached(v, droplet))
                .map(|obj| Found {
                    obj,
                    attrs: attachment_attrs(args),
                    drift: Vec::new(),
                }))
        })
    }
    fn delete<'a>(
        &'a self,
        cx: &'a Cx,
        args: &'a Json,
        found: &'a Found,
    ) -> BoxFut<'a, Result<(), UnitError>> {
        Box::pin(async move {
            let droplet = req_i64(args, "droplet_id")?;
            let volume_id = req_str(args, "volume_id")?;
            let body = object(vec![
                ("type", Some("detach".into())),
                ("droplet_id", Some(droplet.into())),
                ("region", found.obj.pointer("/region/slug").cloned()),
            ]);
            match volume_action(cx, &volume_id, body).await {
                Err(UnitError::Api(e)) if e.status() == Some(404) => Ok(()),
                other => other,
            }
        })
    }
}

// --- digitalocean_ssh_key -----------------------------------------------------------------------

pub static SSH_KEY_DEF: UnitDef = UnitDef {
    tf_type: "digitalocean_ssh_key",
    summary: "an account SSH key, found by its name (or its public key, which DigitalOcean keeps unique)",
    arguments: &["name", "public_key"],
    exports: &["id", "fingerprint"],
    endpoints: &[
        "GET /v2/account/keys",
        "POST /v2/account/keys",
        "DELETE /v2/account/keys/{id}",
    ],
    partial_lists: &[],
    handling: Handling::Api(&SSH_KEY),
};

pub static SSH_KEY: Rest = Rest {
    collection: |_| Ok("/v2/account/keys".into()),
    list_key: "ssh_keys",
    item_key: "ssh_key",
    list_query: no_query,
    matches: |cx, args, obj| {
        same_name(cx, args, obj)
            || opt_str(args, "public_key").is_some_and(|k| {
                obj.get("public_key").and_then(Json::as_str).map(str::trim) == Some(k.trim())
            })
    },
    id_key: "id",
    body: |_, args| {
        Ok(
            json!({ "name": req_str(args, "name")?, "public_key": req_str(args, "public_key")?.trim() }),
        )
    },
    ready: None,
    compare: &[],
    update: None,
    attributes: |_, obj| {
        json!({
            "id": id_of(obj, "id"),
            "name": obj.get("name").cloned().unwrap_or(Json::Null),
            "fingerprint": obj.get("fingerprint").cloned().unwrap_or(Json::Null),
            "public_key": obj.get("public_key").cloned().unwrap_or(Json::Null),
        })
    },
    delete: Delete::ById { wait_gone: false },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::testing::{cx, pure_cx, requests};

    #[test]
    fn droplet_body_carries_the_appliance_tag() {
        let args = json!({"name": "dp-acme-ingest-0", "region": "nyc3", "size": "c-4", "image": "ubuntu-24-04-x64",
            "vpc_uuid": "v1", "ssh_keys": ["3b:16:bf"], "user_data": "#!/bin/bash\n", "monitoring": true, "tags": ["instance-id:acme"]});
        let body = droplet_body(&pure_cx(), &args).expect("maps");
        assert_eq!(
            body,
            json!({"name": "dp-acme-ingest-0", "region": "nyc3", "size": "c-4", "image": "ubuntu-24-04-x64", "ssh_keys": ["3b:16:bf"],
                "monitoring": true, "tags": ["instance-id:acme"], "user_data": "#!/bin/bash\n", "vpc_uuid": "v1"})
        );
        let untagged = droplet_body(&pure_cx(), &json!({"name": "a", "size": "s", "image": "i"}))
            .expect("maps");
        assert_eq!(untagged["tags"], json!(["instance-id:acme"]));
    }

    #[test]
    fn droplet_attributes_from_the_openapi_example() {
        let obj = json!({"id": 3164444, "name": "example.com", "memory": 1024, "vcpus": 1, "disk": 25, "locked": false, "status": "active",
            "networks": {"v4": [{"ip_address": "10.128.192.124", "netmask": "255.255.0.0", "gateway": "nil", "type": "private"},
                                 {"ip_address": "192.241.165.154", "netmask": "255.255.255.0", "gateway": "192.241.165.1", "type": "public"}],
                         "v6": [{"ip_address": "2604:a880:0:1010::18a:a001", "netmask": 64, "gateway": "2604:a880:0:1010::1", "type": "public"}]},
            "region": {"slug": "nyc3"}, "size_slug": "s-1vcpu-1gb", "image": {"slug": "ubuntu-20-04-x64"}, "vpc_uuid": "760e09ef", "tags": ["web"]});
        let a = droplet_attrs(&json!({}), &obj);
        assert_eq!(a["id"], "3164444");
        assert_eq!(a["urn"], "do:droplet:3164444");
        assert_eq!(a["ipv4_address"], "192.241.165.154");
        assert_eq!(a["ipv4_address_private"], "10.128.192.124");
        assert_eq!(a["ipv6_address"], "2604:a880:0:1010::18a:a001");
        assert_eq!(a["size"], "s-1vcpu-1gb");
        assert_eq!(
            (DROPLET.ready.expect("waits"))(&json!({"status": "new"})),
            Ready::Pending("new".into())
        );
    }

    #[test]
    fn volume_body_and_lookup() {
        let args = json!({"name": "dp-acme-spool-0", "region": "nyc3", "size": 200});
        assert_eq!(
            volume_body(&pure_cx(), &args).ok(),
            Some(
                json!({"name": "dp-acme-spool-0", "region": "nyc3", "size_gigabytes": 200, "tags": ["instance-id:acme"]})
            )
        );
        assert_eq!(
            (VOLUME.list_query)(&pure_cx(), &args),
            "?name=dp-acme-spool-0&region=nyc3"
        );
        assert_eq!(
            volume_attrs(
                &args,
                &json!({"id": "506f78a4", "region": {"slug": "nyc1"}, "size_gigabytes": 10})
            )["urn"],
            "do:volume:506f78a4"
        );
    }

    #[tokio::test]
    async fn attaching_waits_for_the_action_and_is_skipped_when_attached() {
        let (c, script) = cx(vec![
            (
                "GET /v2/volumes/vol1",
                200,
                json!({"volume": {"id": "vol1", "droplet_ids": [], "region": {"slug": "nyc3"}}}),
            ),
            (
                "POST /v2/volumes/vol1/actions",
                202,
                json!({"action": {"id": 72531856, "status": "in-progress", "type": "attach_volume"}}),
            ),
            (
                "GET /v2/volumes/vol1/actions/72531856",
                200,
                json!({"action": {"id": 72531856, "status": "completed"}}),
            ),
        ]);
        let args = json!({"droplet_id": "42", "volume_id": "vol1"});
        let applied = Attach.apply(&c, &args).await.expect("attaches");
        assert_eq!(applied.action, Action::Created);
        assert_eq!(applied.attrs["id"], "42-vol1");
        let reqs = requests(&script);
        assert_eq!(
            reqs[1].1,
            Some(json!({"type": "attach", "droplet_id": 42, "region": "nyc3"}))
        );

        let (c, script) = cx(vec![(
            "GET /v2/volumes/vol1",
            200,
            json!({"volume": {"id": "vol1", "droplet_ids": [42]}}),
        )]);
        assert_eq!(
            Attach.apply(&c, &args).await.map(|a| a.action).ok(),
            Some(Action::Unchanged)
        );
        assert_eq!(requests(&script).len(), 1);
    }

    #[test]
    fn autoscale_pool_body() {
        let args = json!({"name": "app-acme", "config": [{"min_instances": 2, "max_instances": 8, "target_cpu_utilization": 0.6, "cooldown_minutes": 5}],
            "droplet_template": [{"size": "g-4vcpu-16gb", "region": "nyc3", "image": "ubuntu-24-04-x64", "ssh_keys": ["fp"], "with_droplet_agent": true, "tags": ["instance-id:acme"]}]});
        let body = autoscale_body(&pure_cx(), &args).expect("maps");
        assert_eq!(
            body["config"],
            json!({"min_instances": 2, "max_instances": 8, "target_cpu_utilization": 0.6, "cooldown_minutes": 5})
        );
        assert_eq!(
            body["droplet_template"]["tags"],
            json!(["instance-id:acme"])
        );
        assert!(autoscale_body(&pure_cx(), &json!({"name": "x"})).is_err());
    }

    #[test]
    fn ssh_keys_match_by_name_or_key() {
        let args =
            json!({"name": "dp-acme-ops", "public_key": "ssh-ed25519 AAAA ops@example.com\n"});
        assert!((SSH_KEY.matches)(
            &pure_cx(),
            &args,
            &json!({"name": "other", "public_key": "ssh-ed25519 AAAA ops@example.com"})
        ));
        assert!(!(SSH_KEY.matches)(
            &pure_cx(),
            &args,
            &json!({"name": "other", "public_key": "ssh-ed25519 BBBB"})
        ));
    }
}
