//! `digitalocean_nfs`: an NFS share (what the compiler makes of an EFS file system).
//!
//! DigitalOcean's NFS API is regional: every call names the share's region (`?region=`), and a
//! share is found by its name among the region's shares (it has no tags, so `tags` is not
//! applied, and the relay recognises it by its name, which carries the instance id). A share is
//! `CREATING` until it is `ACTIVE`; only then does it have a `host`, the address the stack's
//! droplets mount. A larger `size` grows it in place (a `resize` action) and another
//! `performance_tier` switches it (`switch_performance_tier`); a share cannot shrink, and a
//! different VPC is reported, not changed.

use super::*;

pub static UNITS: &[&UnitDef] = &[&NFS_DEF];

pub static NFS_DEF: UnitDef = UnitDef {
    tf_type: "digitalocean_nfs",
    summary: "an NFS share, found by name in its region; waits for ACTIVE (the host appears then); grows and switches tier in place",
    arguments: &["name", "region", "size", "vpc_id", "performance_tier"],
    exports: &[
        "id",
        "status",
        "host",
        "mount_path",
        "vpc_ids",
        "performance_tier",
    ],
    endpoints: &[
        "GET /v2/nfs?region=",
        "POST /v2/nfs",
        "GET /v2/nfs/{id}?region=",
        "POST /v2/nfs/{id}/actions",
        "DELETE /v2/nfs/{id}?region=",
    ],
    partial_lists: &[],
    handling: Handling::Api(&Nfs),
};

#[derive(Debug)]
pub struct Nfs;

/// The create body: `size` is `size_gib`, the one `vpc_id` is `vpc_ids`.
pub fn nfs_body(args: &Json) -> Result<Json, UnitError> {
    let size = req_i64(args, "size")?;
    if size < 50 {
        return Err(UnitError::arg(
            "size",
            format!("{size} GiB is below DigitalOcean's smallest share (50 GiB)"),
        ));
    }
    Ok(object(vec![
        ("name", Some(req_str(args, "name")?.into())),
        ("region", Some(req_str(args, "region")?.into())),
        ("size_gib", Some(size.into())),
        ("vpc_ids", Some(json!([req_str(args, "vpc_id")?]))),
        (
            "performance_tier",
            opt_str(args, "performance_tier").map(Json::from),
        ),
    ]))
}

/// `standard`, `high`, `PERFORMANCE_TIER_HIGH`: the tier's short name, lowercase.
fn tier_name(text: &str) -> String {
    let t = text.to_ascii_lowercase();
    t.strip_prefix("performance_tier_")
        .unwrap_or(&t)
        .to_string()
}

pub fn nfs_attrs(args: &Json, obj: &Json) -> Json {
    let vpc_ids = obj.get("vpc_ids").cloned().unwrap_or(json!([]));
    let vpc_id = opt_str(args, "vpc_id")
        .map(Json::from)
        .or_else(|| vpc_ids.get(0).cloned())
        .unwrap_or(Json::Null);
    json!({
        "id": id_of(obj, "id"),
        "name": obj.get("name").cloned().unwrap_or(Json::Null),
        "region": obj.get("region").cloned().unwrap_or(Json::Null),
        "size": obj.get("size_gib").cloned().unwrap_or(Json::Null),
        "vpc_id": vpc_id,
        "vpc_ids": vpc_ids,
        "performance_tier": obj.get("performance_tier").and_then(Json::as_str).map(tier_name),
        "status": obj.get("status").cloned().unwrap_or(Json::Null),
        "host": obj.get("host").cloned().unwrap_or(Json::Null),
        "mount_path": obj.get("mount_path").cloned().unwrap_or(Json::Null),
        "tags": args.get("tags").cloned().unwrap_or(Json::Null),
    })
}

/// `ACTIVE`; `INACTIVE` (attached to no VPC) is provisioned too, and the VPC is reported.
fn ready(obj: &Json) -> Ready {
    status_is(obj, "/status", &["ACTIVE", "INACTIVE"], &["FAILED"])
}

/// What differs between the arguments and the share: (changeable in place, only reported).
fn differences(args: &Json, obj: &Json) -> Result<(Vec<String>, Vec<String>), UnitError> {
    let mut change = Vec::new();
    let mut report = Vec::new();
    let size = req_i64(args, "size")?;
    let current = obj.get("size_gib").and_then(Json::as_i64).unwrap_or(0);
    if size > current {
        change.push("size".to_string());
    } else if size < current {
        report.push(format!("size ({current} GiB; a share cannot shrink)"));
    }
    if let Some(t) = opt_str(args, "performance_tier") {
        let now = obj.get("performance_tier").and_then(Json::as_str);
        if now.map(tier_name) != Some(tier_name(&t)) {
            change.push("performance_tier".to_string());
        }
    }
    let vpc = req_str(args, "vpc_id")?;
    let attached = obj
        .get("vpc_ids")
        .and_then(Json::as_array)
        .is_some_and(|ids| ids.iter().any(|i| i.as_str() == Some(vpc.as_str())));
    if !attached {
        report.push("vpc_id".to_string());
    }
    Ok((change, report))
}

impl Nfs {
    fn region(args: &Json) -> Result<String, UnitError> {
        req_str(args, "region")
    }

    fn item_path(args: &Json, obj: &Json) -> Result<String, UnitError> {
        let id = id_of(obj, "id").ok_or_else(|| {
            UnitError::Failed("the API answered a share without `id`".to_string())
        })?;
        Ok(format!(
            "/v2/nfs/{}?region={}",
            enc(&id),
            enc(&Self::region(args)?)
        ))
    }

    async fn find(cx: &Cx, args: &Json) -> Result<Option<Json>, UnitError> {
        let path = format!("/v2/nfs?region={}", enc(&Self::region(args)?));
        let shares = cx.client.list(&path, "shares").await?;
        Ok(shares.into_iter().find(|o| same_name(cx, args, o)))
    }

    async fn wait(cx: &Cx, args: &Json, obj: Json) -> Result<Json, UnitError> {
        let path = Self::item_path(args, &obj)?;
        cx.wait_for(&path, "share", obj, ready).await
    }

    /// `POST`; when the answer is lost (or a 5xx), look again before sending it once more.
    async fn create(cx: &Cx, args: &Json, body: Json) -> Result<Json, UnitError> {
        let mut attempts = 0;
        loop {
            match cx.create("/v2/nfs", body.clone()).await {
                Ok(answer) => {
                    return answer
                        .get("share")
                        .cloned()
                        .filter(Json::is_object)
                        .ok_or_else(|| {
                            UnitError::Failed("the create answer has no `share` object".into())
                        });
                }
                Err(UnitError::Api(e)) if e.uncertain() && attempts < 2 => {
                    attempts += 1;
                    if let Some(obj) = Self::find(cx, args).await? {
                        return Ok(obj);
                    }
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Sends one share action (its effect is immediate; the share stays active).
    async fn action(cx: &Cx, obj: &Json, body: Json) -> Result<(), UnitError> {
        let id = id_of(obj, "id").unwrap_or_default();
        let path = format!("/v2/nfs/{}/actions", enc(&id));
        cx.client
            .send(Method::Post, &path, Some(body), None)
            .await?;
        Ok(())
    }

    async fn apply(cx: &Cx, args: &Json) -> Result<Applied, UnitError> {
        let body = nfs_body(args)?;
        let mut notes = Vec::new();
        let (obj, action) = match Self::find(cx, args).await? {
            None => {
                let obj = Self::create(cx, args, body).await?;
                (Self::wait(cx, args, obj).await?, Action::Created)
            }
            Some(obj) => {
                let obj = Self::wait(cx, args, obj).await?;
                let (change, report) = differences(args, &obj)?;
                if !report.is_empty() {
                    notes.push(format!(
                        "differs from the stack in {} (the API cannot change that in place; left as it is)",
                        report.join(", ")
                    ));
                }
                if change.is_empty() {
                    (obj, Action::Unchanged)
                } else {
                    cx.emit(EventKind::Updating {
                        fields: change.clone(),
                    });
                    let region = Self::region(args)?;
                    if change.iter().any(|c| c == "size") {
                        let size = req_i64(args, "size")?;
                        let body = json!({"type": "resize", "region": region, "params": {"size_gib": size}});
                        Self::action(cx, &obj, body).await?;
                    }
                    if let Some(t) = opt_str(args, "performance_tier")
                        && change.iter().any(|c| c == "performance_tier")
                    {
                        let body = json!({"type": "switch_performance_tier", "region": region, "params": {"performance_tier": t}});
                        Self::action(cx, &obj, body).await?;
                    }
                    let path = Self::item_path(args, &obj)?;
                    let fresh = cx.client.get(&path).await?;
                    let fresh = fresh.get("share").cloned().unwrap_or(obj);
                    (Self::wait(cx, args, fresh).await?, Action::Updated(change))
                }
            }
        };
        Ok(Applied {
            action,
            attrs: nfs_attrs(args, &obj),
            notes,
        })
    }
}

impl Unit for Nfs {
    fn apply<'a>(&'a self, cx: &'a Cx, args: &'a Json) -> BoxFut<'a, Result<Applied, UnitError>> {
        Box::pin(Nfs::apply(cx, args))
    }
    fn read<'a>(
        &'a self,
        cx: &'a Cx,
        args: &'a Json,
    ) -> BoxFut<'a, Result<Option<Found>, UnitError>> {
        Box::pin(async move {
            let Some(obj) = Self::find(cx, args).await? else {
                return Ok(None);
            };
            let (change, report) = differences(args, &obj)?;
            let drift = change
                .into_iter()
                .chain(report.into_iter().filter(|r| r == "vpc_id"))
                .collect();
            Ok(Some(Found {
                attrs: nfs_attrs(args, &obj),
                drift,
                obj,
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
            let path = Self::item_path(args, &found.obj)?;
            if cx.client.delete(&path).await? {
                cx.wait_gone(&path).await?;
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::testing::{cx, requests};

    fn args() -> Json {
        json!({"name": "wordpress-efs-acme", "region": "nyc3", "size": 100, "vpc_id": "vpc-1",
            "tags": ["instance-id:acme"]})
    }

    /// The OpenAPI's example share, as a fixture in this stack's terms.
    fn share(status: &str, size: i64) -> Json {
        json!({"id": "baf4827c-6fa9-456f-9dbd-9ddfcacd0720", "name": "wordpress-efs-acme", "size_gib": size,
            "region": "nyc3", "status": status, "created_at": "2023-01-01T00:00:00Z", "vpc_ids": ["vpc-1"],
            "performance_tier": "PERFORMANCE_TIER_STANDARD", "mount_path": "/123456/baf4827c",
            "host": if status == "ACTIVE" { "10.128.32.2" } else { "" }})
    }

    #[test]
    fn the_body_maps_size_and_the_vpc() {
        assert_eq!(
            nfs_body(&args()).ok(),
            Some(
                json!({"name": "wordpress-efs-acme", "region": "nyc3", "size_gib": 100, "vpc_ids": ["vpc-1"]})
            )
        );
        let mut high = args();
        high["performance_tier"] = json!("high");
        high["size"] = json!("2048");
        let body = nfs_body(&high).expect("maps");
        assert_eq!(body["performance_tier"], "high");
        assert_eq!(body["size_gib"], 2048);
        let mut small = args();
        small["size"] = json!(10);
        assert!(matches!(nfs_body(&small), Err(UnitError::Arg { ref arg, .. }) if arg == "size"));
        assert!(nfs_body(&json!({"name": "x", "region": "nyc3", "size": 50})).is_err());
    }

    #[test]
    fn attributes_from_the_openapi_example() {
        let a = nfs_attrs(&args(), &share("ACTIVE", 1024));
        assert_eq!(a["id"], "baf4827c-6fa9-456f-9dbd-9ddfcacd0720");
        assert_eq!(a["host"], "10.128.32.2");
        assert_eq!(a["mount_path"], "/123456/baf4827c");
        assert_eq!(a["size"], 1024);
        assert_eq!(a["vpc_id"], "vpc-1");
        assert_eq!(a["performance_tier"], "standard");
        assert_eq!(
            ready(&share("CREATING", 1)),
            Ready::Pending("CREATING".into())
        );
        assert_eq!(ready(&share("FAILED", 1)), Ready::Failed("FAILED".into()));
    }

    #[tokio::test]
    async fn created_in_its_region_and_waited_for() {
        let (c, script) = cx(vec![
            ("GET /v2/nfs?region=nyc3", 200, json!({"shares": []})),
            (
                "POST /v2/nfs",
                201,
                json!({"share": share("CREATING", 100)}),
            ),
            (
                "GET /v2/nfs/baf4827c-6fa9-456f-9dbd-9ddfcacd0720?region=nyc3",
                200,
                json!({"share": share("ACTIVE", 100)}),
            ),
        ]);
        let applied = Nfs.apply(&c, &args()).await.expect("creates");
        assert_eq!(applied.action, Action::Created);
        assert_eq!(applied.attrs["host"], "10.128.32.2");
        let reqs = requests(&script);
        assert_eq!(reqs.len(), 3, "{reqs:?}");
        assert_eq!(
            reqs[1].1,
            Some(
                json!({"name": "wordpress-efs-acme", "region": "nyc3", "size_gib": 100, "vpc_ids": ["vpc-1"]})
            )
        );
    }

    #[tokio::test]
    async fn a_larger_size_resizes_a_smaller_one_is_reported() {
        let mut bigger = args();
        bigger["size"] = json!(200);
        let (c, script) = cx(vec![
            (
                "GET /v2/nfs?region=nyc3",
                200,
                json!({"shares": [share("ACTIVE", 100)]}),
            ),
            (
                "POST /v2/nfs/baf4827c-6fa9-456f-9dbd-9ddfcacd0720/actions",
                201,
                json!({"action": {"type": "RESIZE_SHARE", "status": "IN_PROGRESS"}}),
            ),
            (
                "GET /v2/nfs/baf4827c-6fa9-456f-9dbd-9ddfcacd0720?region=nyc3",
                200,
                json!({"share": share("ACTIVE", 200)}),
            ),
        ]);
        let applied = Nfs.apply(&c, &bigger).await.expect("resizes");
        assert_eq!(applied.action, Action::Updated(vec!["size".into()]));
        assert_eq!(applied.attrs["size"], 200);
        assert_eq!(
            requests(&script)[1].1,
            Some(json!({"type": "resize", "region": "nyc3", "params": {"size_gib": 200}}))
        );

        let (c, script) = cx(vec![(
            "GET /v2/nfs?region=nyc3",
            200,
            json!({"shares": [share("ACTIVE", 500)]}),
        )]);
        let applied = Nfs.apply(&c, &args()).await.expect("finds");
        assert_eq!(applied.action, Action::Unchanged);
        assert!(
            applied.notes[0].contains("cannot shrink"),
            "{:?}",
            applied.notes
        );
        assert_eq!(requests(&script).len(), 1, "nothing is written");
    }

    #[tokio::test]
    async fn deleted_with_its_region_and_waited_for() {
        let (c, script) = cx(vec![
            (
                "DELETE /v2/nfs/baf4827c-6fa9-456f-9dbd-9ddfcacd0720?region=nyc3",
                204,
                Json::Null,
            ),
            (
                "GET /v2/nfs/baf4827c-6fa9-456f-9dbd-9ddfcacd0720?region=nyc3",
                404,
                json!({"id": "not_found", "message": "The resource you were accessing could not be found."}),
            ),
        ]);
        let obj = share("ACTIVE", 100);
        let found = Found {
            attrs: nfs_attrs(&args(), &obj),
            drift: Vec::new(),
            obj,
        };
        Nfs.delete(&c, &args(), &found).await.expect("deletes");
        assert_eq!(requests(&script).len(), 2);
    }
}
