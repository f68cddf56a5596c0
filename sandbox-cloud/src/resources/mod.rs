//! The DigitalOcean resources, one module per API family, and what they share: routing by the
//! spec's `METHOD /path` keys, region and tag checks, default VPCs and projects, actions, ids.

pub(crate) mod account;
pub(crate) mod admin;
pub(crate) mod certificates;
pub(crate) mod databases;
pub(crate) mod domains;
pub(crate) mod droplets;
pub(crate) mod firewalls;
pub(crate) mod kubernetes;
pub(crate) mod load_balancers;
pub(crate) mod monitoring;
pub(crate) mod nfs;
pub(crate) mod projects;
pub(crate) mod registry;
pub(crate) mod reserved_ips;
pub(crate) mod tags;
pub(crate) mod uptime;
pub(crate) mod volumes;
pub(crate) mod vpcs;

use crate::ctx::{self, Ctx};
use crate::error::{DoError, Error};
use crate::spec::SpecData;
use crate::store::Tx;
use crate::{Sandbox, clock, present};
use axum::Router;
use axum::handler::Handler;
use axum::response::Response;
use axum::routing::{MethodFilter, on};
use serde_json::{Map, Value, json};

pub(crate) type R = Result<Response, DoError>;

/// The router under construction and the operations it serves.
#[derive(Default)]
pub(crate) struct Routes {
    router: Router<Sandbox>,
    served: Vec<String>,
}

impl Routes {
    /// Serves `key` (`METHOD /path`, exactly as in the OpenAPI) with `handler`.
    pub(crate) fn at<H, T>(mut self, key: &str, handler: H) -> Self
    where
        H: Handler<T, Sandbox>,
        T: 'static,
    {
        let (method, path) = key.split_once(' ').unwrap_or(("GET", key));
        let filter = match method {
            "POST" => MethodFilter::POST,
            "PUT" => MethodFilter::PUT,
            "PATCH" => MethodFilter::PATCH,
            "DELETE" => MethodFilter::DELETE,
            _ => MethodFilter::GET,
        };
        self.router = self.router.route(path, on(filter, handler));
        self.served.push(key.to_string());
        self
    }
}

fn routes() -> Routes {
    let r = Routes::default();
    let r = account::routes(r);
    let r = vpcs::routes(r);
    let r = kubernetes::routes(r);
    let r = databases::routes(r);
    let r = volumes::routes(r);
    let r = nfs::routes(r);
    let r = load_balancers::routes(r);
    let r = domains::routes(r);
    let r = registry::routes(r);
    let r = tags::routes(r);
    let r = projects::routes(r);
    let r = droplets::routes(r);
    let r = firewalls::routes(r);
    let r = certificates::routes(r);
    let r = reserved_ips::routes(r);
    let r = monitoring::routes(r);
    uptime::routes(r)
}

pub(crate) fn served() -> Vec<String> {
    routes().served
}

pub(crate) fn router(sb: Sandbox) -> Router {
    let v2 = routes()
        .router
        .route_layer(axum::middleware::from_fn_with_state(sb.clone(), ctx::auth));
    v2.merge(admin::router())
        .fallback(|| async { DoError::not_found() })
        .method_not_allowed_fallback(|| async { DoError::method_not_allowed() })
        .with_state(sb)
}

// ---- ids, times, fields --------------------------------------------------------------------

pub(crate) fn uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

pub(crate) fn iso(ms: i64) -> String {
    clock::rfc3339(ms)
}

/// Random lowercase letters and digits (passwords, node name suffixes).
pub(crate) fn random_word(len: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let bytes = ferry_api::crypto::random_bytes::<32>();
    bytes
        .iter()
        .cycle()
        .take(len)
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect()
}

pub(crate) fn s<'a>(b: &'a Map<String, Value>, k: &str) -> Option<&'a str> {
    b.get(k).and_then(Value::as_str).filter(|v| !v.is_empty())
}

pub(crate) fn int(b: &Map<String, Value>, k: &str) -> Option<i64> {
    b.get(k).and_then(|v| {
        v.as_i64()
            .or_else(|| v.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
    })
}

/// Sets `key` in an object document.
pub(crate) fn set(doc: &mut Value, key: &str, v: impl Into<Value>) {
    if let Some(o) = doc.as_object_mut() {
        o.insert(key.to_string(), v.into());
    }
}

pub(crate) fn id_of(doc: &Value) -> String {
    match doc.get("id") {
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
        None => String::new(),
    }
}

pub(crate) fn name_of(doc: &Value) -> &str {
    doc.get("name").and_then(Value::as_str).unwrap_or("")
}

pub(crate) fn str_list(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| match x {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Marks a document pending for the configured settle delay.
pub(crate) fn pending(ctx: &Ctx, doc: &mut Value, settled: Value) {
    present::pending(doc, ctx.now + settle_ms(ctx), settled);
}

pub(crate) fn settle_ms(ctx: &Ctx) -> i64 {
    i64::try_from(ctx.config().settle.as_millis()).unwrap_or(i64::MAX / 2)
}

// ---- regions ----------------------------------------------------------------------------

/// What a region must offer for a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RegionUse {
    Any,
    Kubernetes,
    Databases,
}

pub(crate) fn check_region(spec: &SpecData, slug: &str, use_: RegionUse) -> Result<(), DoError> {
    let Some(r) = spec.region(slug) else {
        let all: Vec<&str> = spec.slugs.regions.iter().map(|r| r.slug.as_str()).collect();
        return Err(DoError::unprocessable(format!(
            "`region`: `{slug}` is not a DigitalOcean region (regions: {})",
            all.join(", ")
        )));
    };
    let (ok, what) = match use_ {
        RegionUse::Any => (r.available, "new resources"),
        RegionUse::Kubernetes => (r.doks, "Kubernetes clusters"),
        RegionUse::Databases => (r.managed_databases, "managed databases"),
    };
    if !ok {
        return Err(DoError::unprocessable(format!(
            "`region`: {} ({slug}) does not offer {what}",
            r.name
        )));
    }
    Ok(())
}

/// The region object DigitalOcean embeds in droplets, volumes, load balancers, actions.
pub(crate) fn region_obj(spec: &SpecData, slug: &str) -> Value {
    let r = spec.region(slug);
    let sizes: Vec<&str> = spec
        .slugs
        .droplet_sizes
        .iter()
        .map(|s| s.slug.as_str())
        .collect();
    let mut features = vec![
        "backups",
        "ipv6",
        "metadata",
        "install_agent",
        "image_transfer",
    ];
    if r.is_some_and(|r| r.doks) {
        features.push("kubernetes");
    }
    json!({
        "name": r.map_or(slug, |r| r.name.as_str()),
        "slug": slug,
        "features": features,
        "available": r.is_some_and(|r| r.available),
        "sizes": sizes,
    })
}

// ---- tags -------------------------------------------------------------------------------

/// The tags of a request field, checked as DigitalOcean does (letters, digits, `:`, `-`, `_`;
/// at most 255 characters).
pub(crate) fn tags_from(b: &Map<String, Value>, key: &str) -> Result<Vec<String>, DoError> {
    let mut out: Vec<String> = Vec::new();
    let Some(v) = b.get(key).filter(|v| !v.is_null()) else {
        return Ok(out);
    };
    let Some(items) = v.as_array() else {
        return Err(DoError::bad_request(format!(
            "error parsing request body: `{key}` must be an array of strings"
        )));
    };
    for (i, t) in items.iter().enumerate() {
        let Some(t) = t.as_str() else {
            return Err(DoError::bad_request(format!(
                "error parsing request body: `{key}[{i}]` must be a string"
            )));
        };
        check_tag_name(t).map_err(|m| DoError::unprocessable(format!("`{key}[{i}]`: {m}")))?;
        if !out.iter().any(|x| x == t) {
            out.push(t.to_string());
        }
    }
    Ok(out)
}

pub(crate) fn check_tag_name(t: &str) -> Result<(), String> {
    if t.is_empty() || t.len() > 255 {
        return Err("a tag name must be 1 to 255 characters".into());
    }
    if !t
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '-' | '_'))
    {
        return Err(format!(
            "tag `{t}` may only contain letters, numbers, colons, dashes and underscores"
        ));
    }
    Ok(())
}

/// Creates the tags that do not exist yet (DigitalOcean creates tags named on a resource).
pub(crate) async fn ensure_tags(tx: &mut Tx<'_>, tags: &[String]) -> Result<(), Error> {
    for t in tags {
        if tx.get("tag", t).await?.is_none() {
            tx.put("tag", t, "", &json!({"name": t})).await?;
        }
    }
    Ok(())
}

pub(crate) fn has_tag(doc: &Value, tag: &str) -> bool {
    doc.get("tags")
        .and_then(Value::as_array)
        .is_some_and(|a| a.iter().any(|t| t.as_str() == Some(tag)))
}

/// The documents of a kind, only those carrying the `tag_name` query parameter's tag when one
/// is given (filtered in SQLite, so untagged documents are never parsed).
pub(crate) async fn list_tagged(ctx: &Ctx, kind: &str) -> Result<Vec<Value>, Error> {
    match ctx.q("tag_name") {
        Some(t) => ctx.store().list_tagged(kind, t).await,
        None => ctx.store().list(kind).await,
    }
}

// ---- VPCs, projects, actions, addresses ---------------------------------------------------

/// The VPC a new resource joins: the one asked for (it must exist, in the same region), or the
/// region's default VPC (created on first use, as DigitalOcean does).
pub(crate) async fn vpc_for(
    tx: &mut Tx<'_>,
    ctx: &Ctx,
    field: &str,
    requested: Option<&str>,
    region: &str,
) -> Result<String, DoError> {
    if let Some(id) = requested {
        let Some(vpc) = tx.get("vpc", id).await? else {
            return Err(DoError::unprocessable(format!(
                "`{field}`: VPC {id} does not exist"
            )));
        };
        let vr = vpc.get("region").and_then(Value::as_str).unwrap_or("");
        if vr != region {
            return Err(DoError::unprocessable(format!(
                "`{field}`: VPC {id} is in {vr}, not in {region}"
            )));
        }
        return Ok(id.to_string());
    }
    vpcs::default_vpc(tx, ctx, region).await
}

/// The default project's id.
pub(crate) async fn default_project(tx: &mut Tx<'_>) -> Result<String, Error> {
    Ok(tx.meta("default_project").await?.unwrap_or_default())
}

/// Puts a resource into a project (the default one when none is named).
pub(crate) async fn assign_project(
    tx: &mut Tx<'_>,
    ctx: &Ctx,
    urn: &str,
    project_id: Option<&str>,
) -> Result<(), DoError> {
    let project = match project_id {
        Some(p) => {
            if tx.get("project", p).await?.is_none() {
                return Err(DoError::unprocessable(format!(
                    "`project_id`: project {p} does not exist"
                )));
            }
            p.to_string()
        }
        None => default_project(tx).await?,
    };
    let doc = json!({"urn": urn, "assigned_at": iso(ctx.now), "_project": project});
    tx.put("project_resource", urn, &project, &doc).await?;
    Ok(())
}

pub(crate) async fn unassign(tx: &mut Tx<'_>, urn: &str) -> Result<(), Error> {
    tx.delete("project_resource", urn).await?;
    Ok(())
}

/// Records an action (droplet, volume, reserved IP) that completes after the settle delay.
pub(crate) async fn new_action(
    tx: &mut Tx<'_>,
    ctx: &Ctx,
    kind: &str,
    resource_id: Value,
    resource_type: &str,
    region: Option<&str>,
) -> Result<Value, Error> {
    let id = tx.next("action", 1_000_000_000).await?;
    let mut a = ctx.spec().template("action");
    set(&mut a, "id", id);
    set(&mut a, "status", "in-progress");
    set(&mut a, "type", kind);
    set(&mut a, "started_at", iso(ctx.now));
    set(&mut a, "completed_at", Value::Null);
    set(&mut a, "resource_id", resource_id.clone());
    set(&mut a, "resource_type", resource_type);
    match region {
        Some(r) => {
            set(&mut a, "region", region_obj(ctx.spec(), r));
            set(&mut a, "region_slug", r);
        }
        None => {
            set(&mut a, "region", Value::Null);
            set(&mut a, "region_slug", Value::Null);
        }
    }
    let done = ctx.now + settle_ms(ctx);
    present::pending(
        &mut a,
        done,
        json!({"status": "completed", "completed_at": iso(done)}),
    );
    let rid = match &resource_id {
        Value::String(s) => s.clone(),
        v => v.to_string(),
    };
    let parent = format!("{resource_type}:{rid}");
    tx.put("action", &id.to_string(), &parent, &a).await?;
    Ok(a)
}

/// The next public IPv4 address (from 198.18.0.0/15, the benchmarking range: never routable).
pub(crate) async fn public_ip(tx: &mut Tx<'_>) -> Result<String, Error> {
    let n = tx.next("public_ip", 9).await?;
    let n = u32::try_from(n).unwrap_or(0) % (1 << 17);
    Ok(format!(
        "198.{}.{}.{}",
        18 + (n >> 16),
        (n >> 8) & 0xff,
        n & 0xff
    ))
}

/// The next IPv6 address (documentation prefix 2001:db8::/32).
pub(crate) async fn public_ipv6(tx: &mut Tx<'_>) -> Result<String, Error> {
    let n = tx.next("public_ipv6", 0).await?;
    Ok(format!(
        "2001:db8:{:x}::{:x}",
        (n >> 16) & 0xffff,
        n & 0xffff
    ))
}

/// Droplets plus Kubernetes nodes: what counts against the droplet limit.
pub(crate) async fn droplets_in_use(tx: &mut Tx<'_>) -> Result<usize, Error> {
    let droplets = tx.list("droplet").await?.len();
    let nodes: usize = tx
        .list("k8s")
        .await?
        .iter()
        .flat_map(|c| {
            c.get("node_pools")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        })
        .map(|p| p.get("nodes").and_then(Value::as_array).map_or(0, Vec::len))
        .sum();
    Ok(droplets + nodes)
}

pub(crate) fn quota_error(limit: u32, in_use: usize, more: usize) -> DoError {
    DoError::unprocessable(format!(
        "creating this/these droplet(s) will exceed your droplet limit: {in_use} in use (DOKS nodes included) + {more} requested > {limit}"
    ))
}

/// A DigitalOcean-style name: letters, digits, `.`, `-` (droplets, clusters, …).
pub(crate) fn check_hostname(field: &str, name: &str, max: usize) -> Result<(), DoError> {
    let ok = !name.is_empty()
        && name.len() <= max
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        && !name.starts_with(['-', '.'])
        && !name.ends_with(['-', '.']);
    if ok {
        Ok(())
    } else {
        Err(DoError::unprocessable(format!(
            "`{field}`: `{name}` is not a valid name: use at most {max} letters, numbers, `.` and `-`, not at either end"
        )))
    }
}

/// Case-insensitively, whether `name` is taken among `docs`.
pub(crate) fn name_taken(docs: &[Value], name: &str, except: Option<&str>) -> bool {
    docs.iter()
        .any(|d| name_of(d).eq_ignore_ascii_case(name) && Some(id_of(d).as_str()) != except)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_served_operation_is_in_the_spec_and_every_spec_operation_is_served() {
        let spec = SpecData::get().expect("spec");
        let served = served();
        for key in &served {
            assert!(
                spec.operations.contains_key(key),
                "served but not in spec: {key}"
            );
        }
        for key in spec.operations.keys() {
            assert!(served.contains(key), "in spec.json but not served: {key}");
        }
        let mut dedup = served.clone();
        dedup.sort();
        dedup.dedup();
        assert_eq!(dedup.len(), served.len(), "an operation is routed twice");
    }

    #[test]
    fn names_and_tags() {
        assert!(check_hostname("name", "web-1.example", 255).is_ok());
        assert!(check_hostname("name", "-web", 255).is_err());
        assert!(check_hostname("name", "we b", 255).is_err());
        assert!(check_tag_name("instance-id:acme_1").is_ok());
        assert!(check_tag_name("bad tag").is_err());
        assert!(check_tag_name("").is_err());
    }
}
