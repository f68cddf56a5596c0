//! Mapping units: one per Terraform type, from its arguments to DigitalOcean API requests and
//! from the API's answers back to the attributes other resources reference.
//!
//! A unit is a [`UnitDef`]: the type, a summary, the arguments it maps, the attributes it
//! exports, the endpoints it calls, and how it is handled — through the API ([`Unit`]),
//! locally (`random_*`), or skipped with the reason. Most API units are a [`Rest`] value: a
//! collection, how to find an existing object (tag filter, name), the create body, readiness,
//! what can be updated in place, the attributes. Units with extra steps (a database firewall is
//! one `PUT`, project resources are assigned by URN) implement [`Unit`] themselves.
//!
//! Units know the DigitalOcean API and the provider's argument names; they know nothing of the
//! stack's files, of the order of the apply or of each other.

pub mod compute;
pub mod database;
pub mod kubernetes;
pub mod local;
pub mod network;
pub mod nfs;
pub mod project;
pub mod uptime;

use crate::client::{ApiError, BoxFut, Client, Method, enc, idempotency_key};
use crate::event::{Event, EventKind, EventSink};
use serde_json::{Map, Value as Json, json};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How a Terraform type is handled.
#[derive(Debug)]
pub enum Handling {
    /// Created, found, updated and deleted through the DigitalOcean API.
    Api(&'static dyn Unit),
    /// A data source read through the API.
    Data(&'static dyn DataUnit),
    /// Computed here (`random_*`), kept in the deploy state.
    Local(local::LocalKind),
    /// Not applied by the engine, with the reason shown to the user.
    Skip(&'static str),
}

/// The self-description of a unit.
pub struct UnitDef {
    pub tf_type: &'static str,
    pub summary: &'static str,
    /// Arguments the unit maps; any other argument a resource sets is reported as not applied.
    pub arguments: &'static [&'static str],
    /// Attributes it provides beyond its arguments.
    pub exports: &'static [&'static str],
    /// Endpoints called, for the documentation and the required token scopes.
    pub endpoints: &'static [&'static str],
    /// List arguments whose unknown elements are dropped instead of skipping the resource
    /// (a project's `resources` when some of them are not created by the engine).
    pub partial_lists: &'static [&'static str],
    pub handling: Handling,
}

impl std::fmt::Debug for UnitDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UnitDef")
            .field("tf_type", &self.tf_type)
            .finish()
    }
}

/// Every unit, API ones first.
pub fn all() -> Vec<&'static UnitDef> {
    let mut out: Vec<&'static UnitDef> = Vec::new();
    out.extend(network::UNITS);
    out.extend(compute::UNITS);
    out.extend(nfs::UNITS);
    out.extend(database::UNITS);
    out.extend(kubernetes::UNITS);
    out.extend(project::UNITS);
    out.extend(uptime::UNITS);
    out.extend(local::UNITS);
    out
}

/// The unit for a type. `data` selects data sources.
pub fn find(tf_type: &str, data: bool) -> Option<&'static UnitDef> {
    all()
        .into_iter()
        .find(|u| u.tf_type == tf_type && matches!(u.handling, Handling::Data(_)) == data)
}

/// Why a type without a unit is not applied.
pub fn skip_reason(tf_type: &str, data: bool) -> String {
    let family = tf_type.split('_').next().unwrap_or("");
    match family {
        "kubernetes" | "helm" => "Kubernetes objects are applied through the cluster's API, not DigitalOcean's; apply them with `tofu apply` or kubectl once the cluster runs".into(),
        "tls" => "`tls_*` resources generate keys locally; ferry deploy does not keep private keys".into(),
        "null" | "terraform" | "time" => format!("`{tf_type}` has no effect outside Terraform"),
        "digitalocean" if tf_type.starts_with("digitalocean_spaces") => "Spaces are managed through the S3 API, which ferry deploy does not speak; the controller applies buckets".into(),
        "digitalocean" if data => format!("the data source `{tf_type}` has no mapping unit yet"),
        "digitalocean" => format!("`{tf_type}` has no mapping unit yet"),
        _ => format!("`{tf_type}` is not a DigitalOcean resource"),
    }
}

/// Why a unit failed.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum UnitError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error("argument `{arg}`: {problem}")]
    Arg { arg: String, problem: String },
    #[error("still `{status}` after {}s (timeout)", waited.as_secs())]
    Timeout { status: String, waited: Duration },
    #[error("{0}")]
    Failed(String),
}

impl UnitError {
    pub fn arg(arg: &str, problem: impl Into<String>) -> Self {
        UnitError::Arg {
            arg: arg.to_string(),
            problem: problem.into(),
        }
    }
}

/// Provisioning state of an object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ready {
    Yes,
    Pending(String),
    Failed(String),
}

/// How long to wait for provisioning.
#[derive(Debug, Clone, Copy)]
pub struct WaitPolicy {
    pub first: Duration,
    pub max_interval: Duration,
    pub timeout: Duration,
}

impl Default for WaitPolicy {
    fn default() -> Self {
        WaitPolicy {
            first: Duration::from_secs(2),
            max_interval: Duration::from_secs(15),
            timeout: Duration::from_secs(30 * 60),
        }
    }
}

/// What a unit works with: the client, the appliance, where to report.
#[derive(Clone)]
pub struct Cx {
    pub client: Client,
    pub instance_id: Arc<str>,
    pub address: String,
    pub tf_type: String,
    pub wait: WaitPolicy,
    pub events: EventSink,
    pub started: Instant,
}

impl std::fmt::Debug for Cx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cx")
            .field("address", &self.address)
            .finish()
    }
}

impl Cx {
    /// `instance-id:<id>`, the tag every taggable resource of the appliance carries.
    pub fn tag(&self) -> String {
        format!("instance-id:{}", self.instance_id)
    }

    pub fn emit(&self, kind: EventKind) {
        (self.events)(&Event {
            address: self.address.clone(),
            tf_type: self.tf_type.clone(),
            at_ms: self.started.elapsed().as_millis() as u64,
            kind,
        });
    }

    /// `POST` a create with the resource's idempotency key.
    pub async fn create(&self, path: &str, body: Json) -> Result<Json, UnitError> {
        self.emit(EventKind::Creating);
        let key = idempotency_key(&self.instance_id, &self.address);
        Ok(self
            .client
            .send(Method::Post, path, Some(body), Some(key))
            .await?)
    }

    /// Polls `path` until `ready` says so, with backoff, up to the timeout.
    pub async fn wait_for(
        &self,
        path: &str,
        key: &str,
        mut obj: Json,
        ready: fn(&Json) -> Ready,
    ) -> Result<Json, UnitError> {
        let start = Instant::now();
        let mut interval = self.wait.first;
        let mut last_status = String::new();
        loop {
            match ready(&obj) {
                Ready::Yes => return Ok(obj),
                Ready::Failed(why) => {
                    return Err(UnitError::Failed(format!("provisioning failed: {why}")));
                }
                Ready::Pending(status) => {
                    if start.elapsed() >= self.wait.timeout {
                        return Err(UnitError::Timeout {
                            status,
                            waited: start.elapsed(),
                        });
                    }
                    if status != last_status {
                        self.emit(EventKind::Waiting {
                            status: status.clone(),
                            elapsed_ms: start.elapsed().as_millis() as u64,
                        });
                        last_status = status;
                    }
                }
            }
            tokio::time::sleep(interval).await;
            interval = (interval.mul_f64(1.5)).min(self.wait.max_interval);
            let body = self.client.get(path).await?;
            obj = body.get(key).cloned().unwrap_or(body);
        }
    }

    /// Polls `path` until it answers 404.
    pub async fn wait_gone(&self, path: &str) -> Result<(), UnitError> {
        let start = Instant::now();
        let mut interval = self.wait.first;
        let mut announced = false;
        loop {
            if self.client.get_opt(path).await?.is_none() {
                return Ok(());
            }
            if start.elapsed() >= self.wait.timeout {
                return Err(UnitError::Timeout {
                    status: "deleting".into(),
                    waited: start.elapsed(),
                });
            }
            if !announced {
                self.emit(EventKind::Waiting {
                    status: "deleting".into(),
                    elapsed_ms: start.elapsed().as_millis() as u64,
                });
                announced = true;
            }
            tokio::time::sleep(interval).await;
            interval = (interval.mul_f64(1.5)).min(self.wait.max_interval);
        }
    }
}

/// What applying a resource did.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Created,
    Updated(Vec<String>),
    Unchanged,
}

/// The result of an apply: what happened, the attributes, and notes for the user.
#[derive(Debug, Clone)]
pub struct Applied {
    pub action: Action,
    pub attrs: Json,
    pub notes: Vec<String>,
}

/// An existing object and its attributes.
#[derive(Debug, Clone)]
pub struct Found {
    pub obj: Json,
    pub attrs: Json,
    /// Arguments that differ from the object (`would update` in a dry run).
    pub drift: Vec<String>,
}

/// A resource type applied through the API.
pub trait Unit: Send + Sync + std::fmt::Debug {
    /// Finds the existing object, or creates it; waits until it is ready; updates what differs
    /// where the API allows.
    fn apply<'a>(&'a self, cx: &'a Cx, args: &'a Json) -> BoxFut<'a, Result<Applied, UnitError>>;
    /// Finds the existing object without changing anything.
    fn read<'a>(
        &'a self,
        cx: &'a Cx,
        args: &'a Json,
    ) -> BoxFut<'a, Result<Option<Found>, UnitError>>;
    /// When deleting sends nothing (the object goes with its parent, or there is nothing to
    /// delete): why, for the report.
    fn nothing_to_delete(&self) -> Option<&'static str> {
        None
    }
    /// Deletes what `read` found, waiting where later deletes need it gone.
    fn delete<'a>(
        &'a self,
        cx: &'a Cx,
        args: &'a Json,
        found: &'a Found,
    ) -> BoxFut<'a, Result<(), UnitError>>;
}

/// A data source read through the API.
pub trait DataUnit: Send + Sync + std::fmt::Debug {
    fn read<'a>(&'a self, cx: &'a Cx, args: &'a Json) -> BoxFut<'a, Result<Json, UnitError>>;
}

// ---------------------------------------------------------------------------------------------
// Reading arguments. Terraform converts between strings, numbers and bools by the schema; so do
// these (`storage_size_mib = "102400"` is a number to the API).

pub fn opt<'a>(obj: &'a Json, key: &str) -> Option<&'a Json> {
    obj.get(key).filter(|v| !v.is_null())
}

pub fn opt_str(obj: &Json, key: &str) -> Option<String> {
    match opt(obj, key)? {
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => Some(n.to_string()),
        Json::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

pub fn req_str(obj: &Json, key: &str) -> Result<String, UnitError> {
    opt_str(obj, key).ok_or_else(|| UnitError::arg(key, "required, and must be a string"))
}

pub fn opt_i64(obj: &Json, key: &str) -> Result<Option<i64>, UnitError> {
    match opt(obj, key) {
        None => Ok(None),
        Some(Json::Number(n)) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
            .map(Some)
            .ok_or_else(|| UnitError::arg(key, "must be a whole number")),
        Some(Json::String(s)) => s
            .trim()
            .parse::<i64>()
            .map(Some)
            .map_err(|_| UnitError::arg(key, "must be a whole number")),
        Some(_) => Err(UnitError::arg(key, "must be a number")),
    }
}

pub fn req_i64(obj: &Json, key: &str) -> Result<i64, UnitError> {
    opt_i64(obj, key)?.ok_or_else(|| UnitError::arg(key, "required"))
}

pub fn opt_f64(obj: &Json, key: &str) -> Result<Option<f64>, UnitError> {
    match opt(obj, key) {
        None => Ok(None),
        Some(Json::Number(n)) => Ok(n.as_f64()),
        Some(Json::String(s)) => s
            .trim()
            .parse::<f64>()
            .map(Some)
            .map_err(|_| UnitError::arg(key, "must be a number")),
        Some(_) => Err(UnitError::arg(key, "must be a number")),
    }
}

pub fn opt_bool(obj: &Json, key: &str) -> Result<Option<bool>, UnitError> {
    match opt(obj, key) {
        None => Ok(None),
        Some(Json::Bool(b)) => Ok(Some(*b)),
        Some(Json::String(s)) if s == "true" => Ok(Some(true)),
        Some(Json::String(s)) if s == "false" => Ok(Some(false)),
        Some(_) => Err(UnitError::arg(key, "must be true or false")),
    }
}

/// A list of strings (numbers are converted).
pub fn strs(obj: &Json, key: &str) -> Result<Vec<String>, UnitError> {
    match opt(obj, key) {
        None => Ok(Vec::new()),
        Some(Json::Array(items)) => items
            .iter()
            .map(|v| match v {
                Json::String(s) => Ok(s.clone()),
                Json::Number(n) => Ok(n.to_string()),
                _ => Err(UnitError::arg(key, "must be a list of strings")),
            })
            .collect(),
        Some(_) => Err(UnitError::arg(key, "must be a list")),
    }
}

/// A list of integers (ids given as strings are converted).
pub fn ints(obj: &Json, key: &str) -> Result<Vec<i64>, UnitError> {
    strs(obj, key)?
        .into_iter()
        .map(|s| {
            s.parse::<i64>()
                .map_err(|_| UnitError::arg(key, format!("`{s}` is not a numeric id")))
        })
        .collect()
}

/// The nested blocks of that name (Terraform blocks become lists of objects).
pub fn blocks<'a>(obj: &'a Json, key: &str) -> Vec<&'a Json> {
    match opt(obj, key) {
        Some(Json::Array(items)) => items.iter().collect(),
        Some(o @ Json::Object(_)) => vec![o],
        _ => Vec::new(),
    }
}

pub fn block<'a>(obj: &'a Json, key: &str) -> Option<&'a Json> {
    blocks(obj, key).into_iter().next()
}

/// Builds a JSON object from the entries that have a value.
pub fn object(entries: Vec<(&str, Option<Json>)>) -> Json {
    let mut map = Map::new();
    for (k, v) in entries {
        if let Some(v) = v
            && !v.is_null()
        {
            map.insert(k.to_string(), v);
        }
    }
    Json::Object(map)
}

/// Copies `keys` from `from` (the object the API answered) into a new attribute object.
pub fn pick(from: &Json, keys: &[&str]) -> Map<String, Json> {
    keys.iter()
        .filter_map(|k| from.get(*k).map(|v| (k.to_string(), v.clone())))
        .collect()
}

/// A string field of an API object: ids are numbers for droplets and strings elsewhere.
pub fn id_of(obj: &Json, key: &str) -> Option<String> {
    match obj.get(key)? {
        Json::String(s) if !s.is_empty() => Some(s.clone()),
        Json::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Is every part of `desired` present and equal in `actual`? Objects may carry more keys, lists
/// of primitives compare as sets, lists of objects match element by element in any order, and
/// numbers compare with numeric strings.
pub fn subset(desired: &Json, actual: &Json) -> bool {
    match (desired, actual) {
        (Json::Null, _) => true,
        (Json::Object(d), Json::Object(a)) => d
            .iter()
            .all(|(k, v)| subset(v, a.get(k).unwrap_or(&Json::Null))),
        (Json::Object(d), Json::Null) => d.values().all(|v| subset(v, &Json::Null)),
        (Json::Array(d), Json::Null) => d.is_empty(),
        (Json::Array(d), Json::Array(a)) => {
            if d.len() != a.len() {
                return false;
            }
            let mut used = vec![false; a.len()];
            d.iter().all(|dv| {
                let hit = a
                    .iter()
                    .enumerate()
                    .find(|(i, av)| !used[*i] && subset(dv, av));
                match hit {
                    Some((i, _)) => {
                        used[i] = true;
                        true
                    }
                    None => false,
                }
            })
        }
        (Json::Number(d), Json::Number(a)) => d.as_f64() == a.as_f64(),
        (Json::Number(d), Json::String(a)) | (Json::String(a), Json::Number(d)) => {
            a.parse::<f64>().ok() == d.as_f64()
        }
        (Json::Bool(false), Json::Null) => true,
        (Json::String(d), Json::Null) => d.is_empty(),
        (d, a) => d == a,
    }
}

/// Top-level keys of `body` (limited to `keys`) whose values differ from `obj`. A key the API
/// does not answer with cannot be compared and is not drift.
pub fn drift(body: &Json, obj: &Json, keys: &[&str]) -> Vec<String> {
    keys.iter()
        .filter(|k| match (body.get(**k), obj.get(**k)) {
            (Some(d), Some(a)) => !subset(d, a),
            _ => false,
        })
        .map(|k| k.to_string())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The common shape: a REST collection.

/// How an object is deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delete {
    /// `DELETE <collection>/<id>`; wait until it answers 404 when `wait_gone`.
    ById { wait_gone: bool },
    /// Goes away with its parent (a database's `db`): nothing to do.
    WithParent,
}

/// An in-place update: method, path and body.
#[derive(Debug)]
pub struct Update {
    pub method: Method,
    pub path: String,
    pub body: Json,
}

/// Builds an update from the context, the arguments, the object and the desired body.
pub type UpdateFn = fn(&Cx, &Json, &Json, &Json) -> Result<Update, UnitError>;

/// A resource that lives in a REST collection.
pub struct Rest {
    /// The collection's path for these arguments: `/v2/vpcs`, `/v2/databases/<id>/dbs`.
    pub collection: fn(&Json) -> Result<String, UnitError>,
    /// Key of the list in a collection answer (`vpcs`) and of the object in others (`vpc`).
    pub list_key: &'static str,
    pub item_key: &'static str,
    /// Query for the lookup: the tag filter where the API has one, a name filter.
    pub list_query: fn(&Cx, &Json) -> String,
    /// Is this object the one these arguments describe? (By name, mostly.)
    pub matches: fn(&Cx, &Json, &Json) -> bool,
    /// The id used in the object's path.
    pub id_key: &'static str,
    pub body: fn(&Cx, &Json) -> Result<Json, UnitError>,
    pub ready: Option<fn(&Json) -> Ready>,
    /// Keys of the body compared with the object to detect drift.
    pub compare: &'static [&'static str],
    /// The update to send when compared keys differ; `None`: differences are only reported.
    pub update: Option<UpdateFn>,
    /// Attributes from the arguments and the object.
    pub attributes: fn(&Json, &Json) -> Json,
    pub delete: Delete,
}

impl std::fmt::Debug for Rest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rest")
            .field("item_key", &self.item_key)
            .finish()
    }
}

impl Rest {
    pub async fn find(&self, cx: &Cx, args: &Json) -> Result<Option<Json>, UnitError> {
        let collection = (self.collection)(args)?;
        let path = format!("{collection}{}", (self.list_query)(cx, args));
        let items = cx.client.list(&path, self.list_key).await?;
        Ok(items.into_iter().find(|o| (self.matches)(cx, args, o)))
    }

    fn item_path(&self, args: &Json, obj: &Json) -> Result<String, UnitError> {
        let id = id_of(obj, self.id_key).ok_or_else(|| {
            UnitError::Failed(format!(
                "the API answered an object without `{}`",
                self.id_key
            ))
        })?;
        Ok(format!("{}/{}", (self.collection)(args)?, enc(&id)))
    }

    async fn ready(&self, cx: &Cx, args: &Json, obj: Json) -> Result<Json, UnitError> {
        match self.ready {
            None => Ok(obj),
            Some(ready) => {
                let path = self.item_path(args, &obj)?;
                cx.wait_for(&path, self.item_key, obj, ready).await
            }
        }
    }

    /// Create, or find and converge.
    pub async fn apply(&self, cx: &Cx, args: &Json) -> Result<Applied, UnitError> {
        let body = (self.body)(cx, args)?;
        let mut notes = Vec::new();
        let (obj, action) = match self.find(cx, args).await? {
            Some(obj) => {
                let obj = self.ready(cx, args, obj).await?;
                let fields = drift(&body, &obj, self.compare);
                if fields.is_empty() {
                    (obj, Action::Unchanged)
                } else if let Some(update) = self.update {
                    cx.emit(EventKind::Updating {
                        fields: fields.clone(),
                    });
                    let u = update(cx, args, &obj, &body)?;
                    let answer = cx
                        .client
                        .send(u.method, &u.path, Some(u.body), None)
                        .await?;
                    let updated = answer
                        .get(self.item_key)
                        .cloned()
                        .filter(|o| o.is_object())
                        .unwrap_or(obj);
                    let updated = self.ready(cx, args, updated).await?;
                    (updated, Action::Updated(fields))
                } else {
                    notes.push(format!(
                        "differs from the stack in {} (the API cannot change that in place; left as it is)",
                        fields.join(", ")
                    ));
                    (obj, Action::Unchanged)
                }
            }
            None => {
                let obj = self.create(cx, args, body).await?;
                (self.ready(cx, args, obj).await?, Action::Created)
            }
        };
        Ok(Applied {
            action,
            attrs: (self.attributes)(args, &obj),
            notes,
        })
    }

    /// `POST`; when the answer is lost (or a 5xx), look again before sending it once more.
    async fn create(&self, cx: &Cx, args: &Json, body: Json) -> Result<Json, UnitError> {
        let collection = (self.collection)(args)?;
        let mut attempts = 0;
        loop {
            match cx.create(&collection, body.clone()).await {
                Ok(answer) => {
                    return answer
                        .get(self.item_key)
                        .cloned()
                        .filter(Json::is_object)
                        .ok_or_else(|| {
                            UnitError::Failed(format!(
                                "the create answer has no `{}` object",
                                self.item_key
                            ))
                        });
                }
                Err(UnitError::Api(e)) if e.uncertain() && attempts < 2 => {
                    attempts += 1;
                    if let Some(obj) = self.find(cx, args).await? {
                        return Ok(obj);
                    }
                }
                Err(e) => return Err(e),
            }
        }
    }

    pub async fn read(&self, cx: &Cx, args: &Json) -> Result<Option<Found>, UnitError> {
        let Some(obj) = self.find(cx, args).await? else {
            return Ok(None);
        };
        let body = (self.body)(cx, args)?;
        Ok(Some(Found {
            attrs: (self.attributes)(args, &obj),
            drift: drift(&body, &obj, self.compare),
            obj,
        }))
    }

    pub async fn delete(&self, cx: &Cx, args: &Json, found: &Found) -> Result<(), UnitError> {
        match self.delete {
            Delete::WithParent => Ok(()),
            Delete::ById { wait_gone } => {
                let path = self.item_path(args, &found.obj)?;
                if cx.client.delete(&path).await? && wait_gone {
                    cx.wait_gone(&path).await?;
                }
                Ok(())
            }
        }
    }
}

impl Unit for Rest {
    fn nothing_to_delete(&self) -> Option<&'static str> {
        (self.delete == Delete::WithParent).then_some("goes with its parent")
    }
    fn apply<'a>(&'a self, cx: &'a Cx, args: &'a Json) -> BoxFut<'a, Result<Applied, UnitError>> {
        Box::pin(Rest::apply(self, cx, args))
    }
    fn read<'a>(
        &'a self,
        cx: &'a Cx,
        args: &'a Json,
    ) -> BoxFut<'a, Result<Option<Found>, UnitError>> {
        Box::pin(Rest::read(self, cx, args))
    }
    fn delete<'a>(
        &'a self,
        cx: &'a Cx,
        args: &'a Json,
        found: &'a Found,
    ) -> BoxFut<'a, Result<(), UnitError>> {
        Box::pin(Rest::delete(self, cx, args, found))
    }
}

// Common pieces of `Rest` values.

/// No query.
pub fn no_query(_: &Cx, _: &Json) -> String {
    String::new()
}

/// `?tag_name=instance-id:<id>`.
pub fn tag_query(cx: &Cx, _: &Json) -> String {
    format!("?tag_name={}", enc(&cx.tag()))
}

/// The object's `name` equals the `name` argument.
pub fn same_name(_: &Cx, args: &Json, obj: &Json) -> bool {
    opt_str(args, "name")
        .is_some_and(|n| obj.get("name").and_then(Json::as_str) == Some(n.as_str()))
}

/// `tags` of the arguments plus the appliance tag, deduplicated (the compiler adds it already;
/// the engine makes sure).
pub fn tags_with_instance(cx: &Cx, args: &Json) -> Result<Json, UnitError> {
    let mut tags = strs(args, "tags")?;
    let tag = cx.tag();
    if !tags.contains(&tag) {
        tags.push(tag);
    }
    Ok(json!(tags))
}

/// `status` field readiness: `want` is ready, `errors` failed, anything else pending.
pub fn status_is(obj: &Json, key: &str, want: &[&str], errors: &[&str]) -> Ready {
    let status = obj
        .pointer(key)
        .and_then(Json::as_str)
        .unwrap_or("")
        .to_string();
    if want.iter().any(|w| w.eq_ignore_ascii_case(&status)) {
        Ready::Yes
    } else if errors.iter().any(|e| e.eq_ignore_ascii_case(&status)) {
        Ready::Failed(status)
    } else if status.is_empty() {
        Ready::Pending("unknown".into())
    } else {
        Ready::Pending(status)
    }
}

/// Collection path for a child of a parent given by an argument (`cluster_id`).
pub fn child_path(
    args: &Json,
    parent_arg: &str,
    prefix: &str,
    suffix: &str,
) -> Result<String, UnitError> {
    let parent = req_str(args, parent_arg)?;
    Ok(format!("{prefix}/{}{suffix}", enc(&parent)))
}

#[cfg(test)]
pub(crate) mod testing {
    //! A scripted API for unit tests: answers recorded from the OpenAPI examples.
    use super::*;
    use crate::client::{ApiRequest, ApiResponse, RetryPolicy, Transport, TransportError};
    use std::sync::Mutex;

    pub struct Script {
        pub answers: Mutex<Vec<(String, u16, Json)>>,
        pub seen: Mutex<Vec<ApiRequest>>,
    }

    impl Transport for Script {
        fn send<'a>(
            &'a self,
            req: &'a ApiRequest,
        ) -> BoxFut<'a, Result<ApiResponse, TransportError>> {
            Box::pin(async move {
                if let Ok(mut s) = self.seen.lock() {
                    s.push(req.clone());
                }
                let mut answers = self
                    .answers
                    .lock()
                    .map_err(|_| TransportError("poisoned".into()))?;
                let key = format!("{} {}", req.method.as_str(), req.path);
                let pos = answers
                    .iter()
                    .position(|(k, _, _)| key.starts_with(k.as_str()));
                match pos {
                    Some(i) => {
                        let (_, status, body) = answers.remove(i);
                        Ok(ApiResponse {
                            status,
                            body: if body.is_null() {
                                String::new()
                            } else {
                                body.to_string()
                            },
                            retry_after: None,
                            ratelimit_reset: None,
                        })
                    }
                    None => Err(TransportError(format!("unscripted request {key}"))),
                }
            })
        }
    }

    /// A context whose API answers `(method + path prefix, status, body)` in order of use.
    pub fn cx(answers: Vec<(&str, u16, Json)>) -> (Cx, Arc<Script>) {
        let script = Arc::new(Script {
            answers: Mutex::new(
                answers
                    .into_iter()
                    .map(|(k, s, b)| (k.to_string(), s, b))
                    .collect(),
            ),
            seen: Mutex::new(Vec::new()),
        });
        let client = Client::new(
            script.clone(),
            RetryPolicy {
                retries: 0,
                base: Duration::from_millis(1),
                max: Duration::from_millis(1),
            },
        );
        let cx = Cx {
            client,
            instance_id: Arc::from("acme"),
            address: "test.resource".into(),
            tf_type: "test".into(),
            wait: WaitPolicy {
                first: Duration::from_millis(1),
                max_interval: Duration::from_millis(2),
                timeout: Duration::from_secs(5),
            },
            events: Arc::new(|_| {}),
            started: Instant::now(),
        };
        (cx, script)
    }

    pub fn requests(script: &Script) -> Vec<(String, Option<Json>)> {
        script
            .seen
            .lock()
            .map(|s| {
                s.iter()
                    .map(|r| (format!("{} {}", r.method.as_str(), r.path), r.body.clone()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A pure test context for body builders.
    pub fn pure_cx() -> Cx {
        cx(Vec::new()).0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subset_compares_what_the_stack_sets() {
        assert!(subset(&json!({"a": 1}), &json!({"a": 1, "b": 2})));
        assert!(subset(&json!({"a": "102400"}), &json!({"a": 102400})));
        assert!(subset(&json!({"t": ["b", "a"]}), &json!({"t": ["a", "b"]})));
        assert!(!subset(&json!({"t": ["a"]}), &json!({"t": ["a", "b"]})));
        assert!(subset(
            &json!([{"p": "tcp", "x": 1}, {"p": "udp"}]),
            &json!([{"p": "udp", "y": 0}, {"p": "tcp", "x": 1}])
        ));
        assert!(!subset(&json!({"a": 2}), &json!({"a": 1})));
        assert!(subset(&json!({"a": null}), &json!({})));
        assert!(subset(&json!({"a": false}), &json!({})));
        assert!(!subset(&json!({"a": true}), &json!({})));
    }

    #[test]
    fn every_unit_is_described_once() {
        let units = all();
        let mut seen = std::collections::BTreeSet::new();
        for u in &units {
            let key = (u.tf_type, matches!(u.handling, Handling::Data(_)));
            assert!(seen.insert(key), "{} twice", u.tf_type);
            assert!(!u.summary.is_empty(), "{} has no summary", u.tf_type);
            if let Handling::Api(_) | Handling::Data(_) = u.handling {
                assert!(!u.endpoints.is_empty(), "{} lists no endpoint", u.tf_type);
            }
        }
        // The types the compiler emits most have units.
        for t in [
            "digitalocean_project",
            "digitalocean_project_resources",
            "digitalocean_vpc",
            "digitalocean_kubernetes_cluster",
            "digitalocean_kubernetes_node_pool",
            "digitalocean_database_cluster",
            "digitalocean_database_db",
            "digitalocean_database_user",
            "digitalocean_database_firewall",
            "digitalocean_database_replica",
            "digitalocean_record",
            "digitalocean_domain",
            "digitalocean_container_registry",
            "digitalocean_container_registry_docker_credentials",
            "digitalocean_loadbalancer",
            "digitalocean_certificate",
            "digitalocean_droplet",
            "digitalocean_firewall",
            "digitalocean_volume",
            "digitalocean_volume_attachment",
            "digitalocean_nfs",
            "digitalocean_reserved_ip",
            "digitalocean_vpc_nat_gateway",
            "digitalocean_tag",
            "digitalocean_monitor_alert",
            "digitalocean_uptime_check",
            "digitalocean_uptime_alert",
            "digitalocean_cdn",
            "digitalocean_ssh_key",
            "random_password",
            "random_id",
        ] {
            assert!(find(t, false).is_some(), "no unit for {t}");
        }
        assert!(find("digitalocean_kubernetes_versions", true).is_some());
        assert!(find("digitalocean_kubernetes_cluster", true).is_some());
        assert!(find("digitalocean_database_cluster", true).is_some());
        assert!(skip_reason("kubernetes_deployment_v1", false).contains("cluster's API"));
        assert!(skip_reason("digitalocean_spaces_bucket", false).contains("S3 API"));
    }
}
