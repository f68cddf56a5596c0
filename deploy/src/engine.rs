//! The apply: resources in dependency order (independent ones in parallel), each through its
//! mapping unit, with arguments evaluated once everything they reference is known.
//!
//! * `deploy` finds or creates every resource, waits for provisioning, updates what the API can
//!   change in place. It is convergent: a second run finds everything and sends no write; a run
//!   interrupted anywhere and started again finds what the first one created.
//! * `plan` (`--dry-run`) only reads: what would be created, updated or left alone.
//! * `destroy` finds everything the stack describes (forward order, as `plan`), deletes it in
//!   reverse order, waiting where a later delete needs the earlier one gone, then deletes what
//!   still carries the appliance's tag (left over by an older release).

use crate::client::{Client, RequestCounts, enc};
use crate::eval::{Bindings, EmptyScope, EvalError, Evaluator, Scope};
use crate::event::{Event, EventKind, EventSink};
use crate::graph::{self, Graph};
use crate::stack::{Mode, Stack, StackError};
use crate::units::{self, Action, Cx, Found, Handling, UnitDef, UnitError, WaitPolicy, local};
use crate::value::{Val, obj};
use hcl::expr::{Expression, TraversalOperator};
use hcl::{Body, Structure};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Instant;
use tokio::task::JoinSet;

/// What can stop a run before it applies anything.
#[derive(Debug, thiserror::Error)]
pub enum DeployError {
    #[error(transparent)]
    Stack(#[from] StackError),
    #[error(
        "the instance id is unknown: the stack has no `instance_id` variable with a value and none was given"
    )]
    NoInstanceId,
    #[error(
        "the instance id `{0}` is not valid: lowercase letters, digits and `-`, 1 to 63 characters"
    )]
    BadInstanceId(String),
}

/// How the engine runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// The appliance's instance id; by default `var.instance_id`.
    pub instance_id: Option<String>,
    /// Resources applied at the same time.
    pub parallelism: usize,
    pub wait: WaitPolicy,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            instance_id: None,
            parallelism: 4,
            wait: WaitPolicy::default(),
        }
    }
}

/// What the engine keeps between runs: the values it generated (`random_*`). Everything else is
/// found again through the API. Holds secrets: callers store it like a Terraform state.
#[derive(Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct State {
    #[serde(default)]
    pub random: BTreeMap<String, Json>,
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State")
            .field("random", &self.random.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// How one resource instance ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Created,
    Updated,
    Unchanged,
    /// Read (a data source).
    Read,
    /// Generated or kept locally (`random_*`).
    Local,
    Skipped,
    Failed,
    Deleted,
    Absent,
    WouldCreate,
    WouldUpdate,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Outcome {
    pub address: String,
    #[serde(rename = "type")]
    pub tf_type: String,
    pub status: Status,
    /// Why (skipped, failed) or what (updated fields, notes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    pub duration_ms: u64,
}

/// An output of the root module. Sensitive values are kept but callers must not print them.
#[derive(Clone, Serialize, Deserialize)]
pub struct OutputValue {
    pub value: Option<Json>,
    /// Why the value is not known (it depends on something not applied).
    pub unknown: Option<String>,
    pub sensitive: bool,
}

impl std::fmt::Debug for OutputValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutputValue")
            .field("known", &self.value.is_some())
            .field("sensitive", &self.sensitive)
            .finish()
    }
}

/// The result of a run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    pub instance_id: String,
    pub resources: Vec<Outcome>,
    pub outputs: BTreeMap<String, OutputValue>,
    pub requests: RequestCounts,
    pub duration_ms: u64,
    pub warnings: Vec<String>,
}

impl Report {
    pub fn ok(&self) -> bool {
        !self.resources.iter().any(|o| o.status == Status::Failed)
    }
    pub fn count(&self, status: Status) -> usize {
        self.resources.iter().filter(|o| o.status == status).count()
    }
}

/// The engine: a client, where events go, options.
pub struct Engine {
    client: Client,
    events: EventSink,
    options: Options,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("options", &self.options)
            .finish()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RunMode {
    Apply,
    /// Read only: `plan`, and the first half of `destroy`.
    Read,
}

/// One instance to run through its unit.
struct Job {
    address: String,
    args: Json,
    notes: Vec<String>,
}

/// What a task brings back for one instance.
enum Done {
    Applied { attrs: Json },
    Found(Box<Found>, Json),
    Absent,
    Failed,
}

/// A resource's instances, as evaluated.
enum Instances {
    Single,
    Count(usize),
    Keys(Vec<String>),
}

impl Engine {
    pub fn new(client: Client, events: EventSink, options: Options) -> Self {
        Engine {
            client,
            events,
            options,
        }
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Creates, finds and converges every resource of the stack.
    pub async fn deploy(&self, stack: &Stack, state: &mut State) -> Result<Report, DeployError> {
        self.run(stack, state, RunMode::Apply).await.map(|(r, _)| r)
    }

    /// Reads only: what a deploy would do.
    pub async fn plan(&self, stack: &Stack, state: &mut State) -> Result<Report, DeployError> {
        self.run(stack, state, RunMode::Read).await.map(|(r, _)| r)
    }

    /// Deletes everything the stack describes that exists, then what still carries the tag.
    pub async fn destroy(&self, stack: &Stack, state: &mut State) -> Result<Report, DeployError> {
        let started = Instant::now();
        let (mut report, run) = self.run_quiet(stack, state, RunMode::Read).await?;
        let found = run.found;
        let graph = run.graph;
        report.resources.clear();
        let instance_id: Arc<str> = Arc::from(report.instance_id.as_str());
        // Reverse order: a resource goes once everything that depends on it is gone.
        let n = stack.resources.len();
        let mut waiting_on: Vec<usize> = (0..n).map(|i| graph.dependents(i).count()).collect();
        let mut done = vec![false; n];
        let mut running: JoinSet<(usize, Vec<Outcome>)> = JoinSet::new();
        let mut outcomes: Vec<Outcome> = Vec::new();
        loop {
            let ready: Vec<usize> = (0..n)
                .rev()
                .filter(|&i| !done[i] && waiting_on[i] == 0)
                .collect();
            for i in ready {
                if running.len() >= self.options.parallelism.max(1) {
                    break;
                }
                done[i] = true;
                let r = &stack.resources[i];
                let jobs: Vec<(String, Json, Found)> = found
                    .iter()
                    .filter(|(idx, ..)| *idx == i)
                    .map(|(_, a, args, f)| (a.clone(), args.clone(), f.clone()))
                    .rev()
                    .collect();
                let unit = if r.mode == Mode::Managed {
                    units::find(&r.tf_type, false)
                } else {
                    None
                };
                let base = self.cx(&instance_id, stack.address(i), &r.tf_type, started);
                match unit.map(|u| &u.handling) {
                    Some(Handling::Api(u)) => {
                        let u: &'static dyn units::Unit = *u;
                        running.spawn(async move {
                            let mut out = Vec::new();
                            for (address, args, f) in jobs {
                                let cx = Cx {
                                    address: address.clone(),
                                    ..base.clone()
                                };
                                let t = Instant::now();
                                cx.emit(EventKind::Deleting);
                                let result = u.delete(&cx, &args, &f).await;
                                let ms = t.elapsed().as_millis() as u64;
                                let (status, detail) = match result {
                                    Ok(()) => {
                                        cx.emit(EventKind::Deleted { duration_ms: ms });
                                        (Status::Deleted, u.nothing_to_delete().map(str::to_string))
                                    }
                                    Err(e) => {
                                        cx.emit(EventKind::Failed {
                                            error: e.to_string(),
                                        });
                                        (Status::Failed, Some(e.to_string()))
                                    }
                                };
                                out.push(Outcome {
                                    address,
                                    tf_type: cx.tf_type.clone(),
                                    status,
                                    detail,
                                    duration_ms: ms,
                                });
                            }
                            (i, out)
                        });
                    }
                    Some(Handling::Local(_)) => {
                        let addr = stack.address(i);
                        let keys: Vec<String> = state
                            .random
                            .keys()
                            .filter(|k| *k == &addr || k.starts_with(&format!("{addr}[")))
                            .cloned()
                            .collect();
                        for k in keys {
                            state.random.remove(&k);
                            let cx = Cx {
                                address: k.clone(),
                                ..base.clone()
                            };
                            cx.emit(EventKind::Deleted { duration_ms: 0 });
                            outcomes.push(Outcome {
                                address: k,
                                tf_type: r.tf_type.clone(),
                                status: Status::Deleted,
                                detail: None,
                                duration_ms: 0,
                            });
                        }
                        for d in graph.deps[i].iter() {
                            waiting_on[*d] = waiting_on[*d].saturating_sub(1);
                        }
                    }
                    _ => {
                        if r.mode == Mode::Managed && jobs.is_empty() {
                            let absent = run.absent.iter().filter(|(idx, _)| *idx == i);
                            for (_, a) in absent {
                                let cx = Cx {
                                    address: a.clone(),
                                    ..base.clone()
                                };
                                cx.emit(EventKind::Absent);
                                outcomes.push(Outcome {
                                    address: a.clone(),
                                    tf_type: r.tf_type.clone(),
                                    status: Status::Absent,
                                    detail: None,
                                    duration_ms: 0,
                                });
                            }
                        }
                        if let Some(reason) = run.skipped.get(&i) {
                            outcomes.push(Outcome {
                                address: stack.address(i),
                                tf_type: r.tf_type.clone(),
                                status: Status::Skipped,
                                detail: Some(reason.clone()),
                                duration_ms: 0,
                            });
                            base.emit(EventKind::Skipped {
                                reason: reason.clone(),
                            });
                        }
                        for d in graph.deps[i].iter() {
                            waiting_on[*d] = waiting_on[*d].saturating_sub(1);
                        }
                    }
                }
            }
            if running.is_empty() {
                if done.iter().all(|d| *d) {
                    break;
                }
                continue;
            }
            if let Some(Ok((i, out))) = running.join_next().await {
                if stack.resources[i].mode == Mode::Managed {
                    // Absent instances of an API resource.
                    for (_, a) in run.absent.iter().filter(|(idx, _)| *idx == i) {
                        let cx = self.cx(
                            &instance_id,
                            a.clone(),
                            &stack.resources[i].tf_type,
                            started,
                        );
                        cx.emit(EventKind::Absent);
                        outcomes.push(Outcome {
                            address: a.clone(),
                            tf_type: stack.resources[i].tf_type.clone(),
                            status: Status::Absent,
                            detail: None,
                            duration_ms: 0,
                        });
                    }
                }
                outcomes.extend(out);
                for d in graph.deps[i].iter() {
                    waiting_on[*d] = waiting_on[*d].saturating_sub(1);
                }
            }
        }
        // Absent instances of resources that had no found instance were reported above; those of
        // resources with found instances are reported when their task ends.
        outcomes.extend(self.sweep(&instance_id, started).await);
        report.resources = outcomes;
        report.outputs.clear();
        report.requests = self.client.requests();
        report.duration_ms = started.elapsed().as_millis() as u64;
        Ok(report)
    }

    /// Deletes what still carries `instance-id:<id>` after the stack's resources are gone.
    async fn sweep(&self, instance_id: &Arc<str>, started: Instant) -> Vec<Outcome> {
        let tag = format!("instance-id:{instance_id}");
        let q = format!("?tag_name={}", enc(&tag));
        let kinds: [(&str, String, &str, bool); 4] = [
            (
                "digitalocean_droplet",
                format!("/v2/droplets{q}"),
                "droplets",
                true,
            ),
            (
                "digitalocean_database_cluster",
                format!("/v2/databases{q}"),
                "databases",
                true,
            ),
            (
                "digitalocean_kubernetes_cluster",
                "/v2/kubernetes/clusters".to_string(),
                "kubernetes_clusters",
                true,
            ),
            (
                "digitalocean_volume",
                "/v2/volumes".to_string(),
                "volumes",
                false,
            ),
        ];
        let mut out = Vec::new();
        for (tf_type, list, key, wait) in kinds {
            let base_path = list.split('?').next().unwrap_or("").to_string();
            let items = match self.client.list(&list, key).await {
                Ok(items) => items,
                // A token scoped to the stack's own kinds may not read this one (the compiler's
                // scopes cover what the stack declares): nothing of it can be swept, which is
                // not the destroy's failure.
                Err(e) if e.status() == Some(403) => {
                    out.push(Outcome {
                        address: format!("sweep:{tf_type}"),
                        tf_type: tf_type.into(),
                        status: Status::Skipped,
                        detail: Some(format!(
                            "left-overs of this kind cannot be looked for: the token may not read them ({e})"
                        )),
                        duration_ms: 0,
                    });
                    continue;
                }
                Err(e) => {
                    out.push(Outcome {
                        address: format!("sweep:{tf_type}"),
                        tf_type: tf_type.into(),
                        status: Status::Failed,
                        detail: Some(e.to_string()),
                        duration_ms: 0,
                    });
                    continue;
                }
            };
            for item in items {
                let tagged = item
                    .get("tags")
                    .and_then(Json::as_array)
                    .is_some_and(|t| t.iter().any(|v| v.as_str() == Some(tag.as_str())));
                let Some(id) = units::id_of(&item, "id") else {
                    continue;
                };
                if !tagged {
                    continue;
                }
                let name = item.get("name").and_then(Json::as_str).unwrap_or("?");
                let cx = self.cx(
                    instance_id,
                    format!("sweep:{tf_type}/{name}"),
                    tf_type,
                    started,
                );
                let t = Instant::now();
                cx.emit(EventKind::Deleting);
                let path = format!("{base_path}/{}", enc(&id));
                let result = async {
                    if cx.client.delete(&path).await? && wait {
                        cx.wait_gone(&path).await?;
                    }
                    Ok::<(), UnitError>(())
                }
                .await;
                let ms = t.elapsed().as_millis() as u64;
                let (status, detail) = match result {
                    Ok(()) => {
                        cx.emit(EventKind::Deleted { duration_ms: ms });
                        (
                            Status::Deleted,
                            Some("left over, carried the appliance's tag".to_string()),
                        )
                    }
                    Err(e) => {
                        cx.emit(EventKind::Failed {
                            error: e.to_string(),
                        });
                        (Status::Failed, Some(e.to_string()))
                    }
                };
                out.push(Outcome {
                    address: cx.address.clone(),
                    tf_type: tf_type.into(),
                    status,
                    detail,
                    duration_ms: ms,
                });
            }
        }
        out
    }

    fn cx(&self, instance_id: &Arc<str>, address: String, tf_type: &str, started: Instant) -> Cx {
        Cx {
            client: self.client.clone(),
            instance_id: instance_id.clone(),
            address,
            tf_type: tf_type.to_string(),
            wait: self.options.wait,
            events: self.events.clone(),
            started,
        }
    }

    async fn run(
        &self,
        stack: &Stack,
        state: &mut State,
        mode: RunMode,
    ) -> Result<(Report, RunResult), DeployError> {
        self.run_inner(stack, state, mode, true).await
    }

    async fn run_quiet(
        &self,
        stack: &Stack,
        state: &mut State,
        mode: RunMode,
    ) -> Result<(Report, RunResult), DeployError> {
        self.run_inner(stack, state, mode, false).await
    }

    /// The forward pass shared by deploy, plan and destroy's discovery. `announce`: emit the
    /// plan's events (destroy emits its own).
    async fn run_inner(
        &self,
        stack: &Stack,
        state: &mut State,
        mode: RunMode,
        announce: bool,
    ) -> Result<(Report, RunResult), DeployError> {
        let started = Instant::now();
        let graph = graph::build(stack)?;
        let instance_id = self.instance_id(stack)?;
        let iid: Arc<str> = Arc::from(instance_id.as_str());
        let n = stack.resources.len();
        let sink = |address: String, tf_type: &str, kind: EventKind| {
            (self.events)(&Event {
                address,
                tf_type: tf_type.to_string(),
                at_ms: started.elapsed().as_millis() as u64,
                kind,
            })
        };
        let quiet: EventSink = Arc::new(|_| {});
        let events = if announce { self.events.clone() } else { quiet };
        if announce {
            for (position, &i) in graph.order.iter().enumerate() {
                let r = &stack.resources[i];
                let action =
                    match units::find(&r.tf_type, r.mode == Mode::Data).map(|u| &u.handling) {
                        Some(Handling::Api(_)) if mode == RunMode::Apply => "apply",
                        Some(Handling::Api(_)) => "read",
                        Some(Handling::Data(_)) => "read",
                        Some(Handling::Local(_)) => "local",
                        Some(Handling::Skip(_)) | None => "skip",
                    };
                sink(
                    stack.address(i),
                    &r.tf_type,
                    EventKind::Planned {
                        action: action.into(),
                        position: Some(position),
                    },
                );
            }
        }
        let mut values: Vec<Option<Val>> = vec![None; n];
        let mut failed = vec![false; n];
        let mut why: BTreeMap<String, String> = BTreeMap::new();
        let mut outcomes: Vec<Outcome> = Vec::new();
        let mut result = RunResult {
            graph: graph.clone(),
            found: Vec::new(),
            absent: Vec::new(),
            skipped: BTreeMap::new(),
        };
        let mut remaining: Vec<usize> = graph.deps.iter().map(BTreeSet::len).collect();
        let mut started_set = vec![false; n];
        type TaskOut = (usize, Vec<(String, Done, Json)>, Vec<Outcome>);
        let mut running: JoinSet<TaskOut> = JoinSet::new();
        let mut finished = 0usize;
        let mut pending_args: BTreeMap<usize, Vec<(String, Val)>> = BTreeMap::new();
        let mut shapes: BTreeMap<usize, Instances> = BTreeMap::new();
        // Read mode: addresses a deploy would create (and whose attributes are therefore unknown).
        let mut later: BTreeSet<String> = BTreeSet::new();
        while finished < n {
            // Start everything whose dependencies are done, in the graph's order.
            let mut progressed = false;
            for &i in &graph.order {
                if started_set[i] || remaining[i] != 0 {
                    continue;
                }
                if running.len() >= self.options.parallelism.max(1) {
                    break;
                }
                started_set[i] = true;
                progressed = true;
                let r = &stack.resources[i];
                let address = stack.address(i);
                let emit = |kind: EventKind| sink(address.clone(), &r.tf_type, kind);
                let unit = units::find(&r.tf_type, r.mode == Mode::Data);
                let skip = |reason: String,
                            values: &mut Vec<Option<Val>>,
                            why: &mut BTreeMap<String, String>,
                            outcomes: &mut Vec<Outcome>,
                            result: &mut RunResult| {
                    if announce {
                        emit(EventKind::Skipped {
                            reason: reason.clone(),
                        });
                    }
                    values[i] = Some(Val::Unknown(address.clone()));
                    why.insert(address.clone(), reason.clone());
                    result.skipped.insert(i, reason.clone());
                    outcomes.push(Outcome {
                        address: address.clone(),
                        tf_type: r.tf_type.clone(),
                        status: Status::Skipped,
                        detail: Some(reason),
                        duration_ms: 0,
                    });
                };
                // A failed dependency blocks.
                if let Some(&d) = graph.deps[i].iter().find(|&&d| failed[d]) {
                    let reason =
                        format!("not applied: it needs `{}`, which failed", stack.address(d));
                    skip(reason, &mut values, &mut why, &mut outcomes, &mut result);
                    failed[i] = true;
                    finished += 1;
                    release(&graph, i, &mut remaining);
                    continue;
                }
                let handling = unit.map(|u| &u.handling);
                let unit: &'static UnitDef = match (unit, handling) {
                    (Some(u), Some(Handling::Api(_) | Handling::Data(_) | Handling::Local(_))) => u,
                    (_, Some(Handling::Skip(reason))) => {
                        skip(
                            reason.to_string(),
                            &mut values,
                            &mut why,
                            &mut outcomes,
                            &mut result,
                        );
                        finished += 1;
                        release(&graph, i, &mut remaining);
                        continue;
                    }
                    _ => {
                        let reason = units::skip_reason(&r.tf_type, r.mode == Mode::Data);
                        skip(reason, &mut values, &mut why, &mut outcomes, &mut result);
                        finished += 1;
                        release(&graph, i, &mut remaining);
                        continue;
                    }
                };
                // Evaluate the instances and their arguments.
                let prepared = prepare(stack, i, &values, &why, unit);
                let (shape, instances) = match prepared {
                    Err(Prep::Skip { source, reason }) => {
                        if mode == RunMode::Read && later.contains(&source) {
                            // It waits for something a deploy would create: it would be created too.
                            let detail = format!("after `{source}` is created");
                            if announce {
                                emit(EventKind::Planned {
                                    action: "create".into(),
                                    position: None,
                                });
                            }
                            values[i] = Some(Val::Unknown(address.clone()));
                            why.insert(address.clone(), "it does not exist yet".into());
                            later.insert(address.clone());
                            result.absent.push((i, address.clone()));
                            outcomes.push(Outcome {
                                address: address.clone(),
                                tf_type: r.tf_type.clone(),
                                status: Status::WouldCreate,
                                detail: Some(detail),
                                duration_ms: 0,
                            });
                        } else {
                            skip(reason, &mut values, &mut why, &mut outcomes, &mut result);
                        }
                        finished += 1;
                        release(&graph, i, &mut remaining);
                        continue;
                    }
                    Err(Prep::Fail(error)) => {
                        if announce || mode == RunMode::Apply {
                            emit(EventKind::Failed {
                                error: error.clone(),
                            });
                        }
                        values[i] = Some(Val::Unknown(address.clone()));
                        why.insert(address.clone(), format!("it failed: {error}"));
                        failed[i] = true;
                        outcomes.push(Outcome {
                            address: address.clone(),
                            tf_type: r.tf_type.clone(),
                            status: Status::Failed,
                            detail: Some(error),
                            duration_ms: 0,
                        });
                        finished += 1;
                        release(&graph, i, &mut remaining);
                        continue;
                    }
                    Ok(p) => p,
                };
                let mut jobs = Vec::new();
                let mut arg_vals = Vec::new();
                for inst in instances {
                    match inst {
                        InstanceArgs::Skip {
                            address, source, ..
                        } if mode == RunMode::Read && later.contains(&source) => {
                            if announce {
                                sink(
                                    address.clone(),
                                    &r.tf_type,
                                    EventKind::Planned {
                                        action: "create".into(),
                                        position: None,
                                    },
                                );
                            }
                            outcomes.push(Outcome {
                                address: address.clone(),
                                tf_type: r.tf_type.clone(),
                                status: Status::WouldCreate,
                                detail: Some(format!("after `{source}` is created")),
                                duration_ms: 0,
                            });
                            why.insert(address.clone(), "it does not exist yet".into());
                            later.insert(address.clone());
                            result.absent.push((i, address.clone()));
                            arg_vals.push((address.clone(), Val::Unknown(address)));
                        }
                        InstanceArgs::Skip {
                            address, reason, ..
                        } => {
                            if announce {
                                sink(
                                    address.clone(),
                                    &r.tf_type,
                                    EventKind::Skipped {
                                        reason: reason.clone(),
                                    },
                                );
                            }
                            outcomes.push(Outcome {
                                address: address.clone(),
                                tf_type: r.tf_type.clone(),
                                status: Status::Skipped,
                                detail: Some(reason.clone()),
                                duration_ms: 0,
                            });
                            why.insert(address.clone(), reason.clone());
                            result.skipped.insert(i, reason);
                            arg_vals.push((address.clone(), Val::Unknown(address)));
                        }
                        InstanceArgs::Ready {
                            address,
                            args,
                            json,
                            notes,
                        } => {
                            arg_vals.push((address.clone(), args));
                            jobs.push(Job {
                                address,
                                args: json,
                                notes,
                            });
                        }
                    }
                }
                shapes.insert(i, shape);
                pending_args.insert(i, arg_vals);
                let base = || Cx {
                    client: self.client.clone(),
                    instance_id: iid.clone(),
                    address: address.clone(),
                    tf_type: r.tf_type.clone(),
                    wait: self.options.wait,
                    events: events.clone(),
                    started,
                };
                match &unit.handling {
                    Handling::Local(kind) => {
                        let mut done = Vec::new();
                        for job in jobs {
                            let t = Instant::now();
                            let (status, attrs) = match state.random.get(&job.address) {
                                Some(kept) => (Status::Unchanged, Ok(kept.clone())),
                                None if mode == RunMode::Read => (Status::WouldCreate, Err(None)),
                                None => {
                                    match local::generate(*kind, &job.args, &mut rand_core::OsRng) {
                                        Ok(a) => {
                                            state.random.insert(job.address.clone(), a.clone());
                                            (Status::Created, Ok(a))
                                        }
                                        Err(e) => (Status::Failed, Err(Some(e.to_string()))),
                                    }
                                }
                            };
                            let ms = t.elapsed().as_millis() as u64;
                            let ev = |kind: EventKind| {
                                if announce {
                                    sink(job.address.clone(), &r.tf_type, kind)
                                }
                            };
                            match (&status, attrs) {
                                (_, Ok(a)) => {
                                    ev(if status == Status::Created {
                                        EventKind::Created { duration_ms: ms }
                                    } else {
                                        EventKind::Unchanged { duration_ms: ms }
                                    });
                                    outcomes.push(Outcome {
                                        address: job.address.clone(),
                                        tf_type: r.tf_type.clone(),
                                        status: Status::Local,
                                        detail: Some(
                                            if status == Status::Created {
                                                "generated"
                                            } else {
                                                "kept from the deploy state"
                                            }
                                            .into(),
                                        ),
                                        duration_ms: ms,
                                    });
                                    done.push((
                                        job.address.clone(),
                                        Done::Applied { attrs: a },
                                        job.args,
                                    ));
                                }
                                (Status::WouldCreate, Err(_)) => {
                                    ev(EventKind::Planned {
                                        action: "create".into(),
                                        position: None,
                                    });
                                    outcomes.push(Outcome {
                                        address: job.address.clone(),
                                        tf_type: r.tf_type.clone(),
                                        status: Status::WouldCreate,
                                        detail: None,
                                        duration_ms: 0,
                                    });
                                    done.push((job.address.clone(), Done::Absent, job.args));
                                }
                                (_, Err(e)) => {
                                    let e = e.unwrap_or_default();
                                    ev(EventKind::Failed { error: e.clone() });
                                    outcomes.push(Outcome {
                                        address: job.address.clone(),
                                        tf_type: r.tf_type.clone(),
                                        status: Status::Failed,
                                        detail: Some(e),
                                        duration_ms: ms,
                                    });
                                    done.push((job.address.clone(), Done::Failed, job.args));
                                }
                            }
                        }
                        // Recorded here, as if a task had finished.
                        for (address, d, _) in &done {
                            if matches!(d, Done::Absent) {
                                later.insert(address.clone());
                            }
                        }
                        let outs = Vec::new();
                        record(
                            stack,
                            i,
                            done,
                            outs,
                            &mut values,
                            &mut failed,
                            &mut why,
                            &mut outcomes,
                            &mut result,
                            &mut pending_args,
                            &mut shapes,
                            mode,
                        );
                        finished += 1;
                        release(&graph, i, &mut remaining);
                    }
                    Handling::Api(u) => {
                        let u: &'static dyn units::Unit = *u;
                        running.spawn(run_api(i, u, base(), jobs, mode));
                    }
                    Handling::Data(u) => {
                        let u: &'static dyn units::DataUnit = *u;
                        running.spawn(run_data(i, u, base(), jobs));
                    }
                    Handling::Skip(_) => {}
                }
            }
            if finished >= n {
                break;
            }
            if running.is_empty() {
                if !progressed {
                    // Nothing runs and nothing can start: only possible with a graph bug.
                    break;
                }
                continue;
            }
            match running.join_next().await {
                Some(Ok((i, done, outs))) => {
                    for (address, d, _) in &done {
                        if matches!(d, Done::Absent) {
                            later.insert(address.clone());
                        }
                    }
                    record(
                        stack,
                        i,
                        done,
                        outs,
                        &mut values,
                        &mut failed,
                        &mut why,
                        &mut outcomes,
                        &mut result,
                        &mut pending_args,
                        &mut shapes,
                        mode,
                    );
                    finished += 1;
                    release(&graph, i, &mut remaining);
                }
                Some(Err(join)) => {
                    // A task panicked: a bug, reported rather than lost.
                    outcomes.push(Outcome {
                        address: "engine".into(),
                        tf_type: String::new(),
                        status: Status::Failed,
                        detail: Some(format!("an apply task stopped: {join}")),
                        duration_ms: 0,
                    });
                    break;
                }
                None => break,
            }
        }
        // Outputs of the root module.
        let mut outputs = BTreeMap::new();
        if mode == RunMode::Apply {
            for (name, o) in &stack.modules[0].outputs {
                let scope = EngineScope::new(stack, 0, &values);
                let value = Evaluator::new(&scope, Bindings::new()).eval(&o.expr);
                let (value, unknown) = match value {
                    Ok(v) => match v.to_json() {
                        Ok(j) => (Some(j), None),
                        Err(u) => (None, Some(format!("needs `{u}`, which is not applied"))),
                    },
                    Err(e) => (None, Some(format!("{}: {e}", o.loc))),
                };
                outputs.insert(
                    name.clone(),
                    OutputValue {
                        value,
                        unknown,
                        sensitive: o.sensitive,
                    },
                );
            }
        }
        let report = Report {
            instance_id,
            resources: outcomes,
            outputs,
            requests: self.client.requests(),
            duration_ms: started.elapsed().as_millis() as u64,
            warnings: stack.warnings.clone(),
        };
        Ok((report, result))
    }

    fn instance_id(&self, stack: &Stack) -> Result<String, DeployError> {
        let id = match (
            &self.options.instance_id,
            stack.root_vars.get("instance_id"),
        ) {
            (Some(id), _) => id.clone(),
            (None, Some(Val::Str(id))) => id.clone(),
            _ => return Err(DeployError::NoInstanceId),
        };
        let valid = !id.is_empty()
            && id.len() <= 63
            && id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if valid {
            Ok(id)
        } else {
            Err(DeployError::BadInstanceId(id))
        }
    }
}

/// What the forward pass leaves for destroy.
struct RunResult {
    graph: Graph,
    /// (resource, instance address, arguments, what was found).
    found: Vec<(usize, String, Json, Found)>,
    /// Instances looked for and not found.
    absent: Vec<(usize, String)>,
    skipped: BTreeMap<usize, String>,
}

fn release(graph: &Graph, i: usize, remaining: &mut [usize]) {
    for (j, deps) in graph.deps.iter().enumerate() {
        if deps.contains(&i) {
            remaining[j] = remaining[j].saturating_sub(1);
        }
    }
}

async fn run_api(
    i: usize,
    u: &'static dyn units::Unit,
    base: Cx,
    jobs: Vec<Job>,
    mode: RunMode,
) -> (usize, Vec<(String, Done, Json)>, Vec<Outcome>) {
    let mut done = Vec::new();
    let mut outs = Vec::new();
    for job in jobs {
        let cx = Cx {
            address: job.address.clone(),
            ..base.clone()
        };
        for note in &job.notes {
            cx.emit(EventKind::Note {
                message: note.clone(),
            });
        }
        let t = Instant::now();
        let mut detail_notes = job.notes.clone();
        let (status, d) = match mode {
            RunMode::Apply => match u.apply(&cx, &job.args).await {
                Ok(applied) => {
                    let ms = t.elapsed().as_millis() as u64;
                    for note in &applied.notes {
                        cx.emit(EventKind::Note {
                            message: note.clone(),
                        });
                    }
                    detail_notes.extend(applied.notes.clone());
                    let status = match &applied.action {
                        Action::Created => {
                            cx.emit(EventKind::Created { duration_ms: ms });
                            Status::Created
                        }
                        Action::Updated(fields) => {
                            cx.emit(EventKind::Updated {
                                fields: fields.clone(),
                                duration_ms: ms,
                            });
                            detail_notes.insert(0, format!("updated {}", fields.join(", ")));
                            Status::Updated
                        }
                        Action::Unchanged => {
                            cx.emit(EventKind::Unchanged { duration_ms: ms });
                            Status::Unchanged
                        }
                    };
                    (
                        status,
                        Done::Applied {
                            attrs: applied.attrs,
                        },
                    )
                }
                Err(e) => {
                    cx.emit(EventKind::Failed {
                        error: e.to_string(),
                    });
                    detail_notes.insert(0, e.to_string());
                    (Status::Failed, Done::Failed)
                }
            },
            RunMode::Read => match u.read(&cx, &job.args).await {
                Ok(Some(found)) => {
                    let status = if found.drift.is_empty() {
                        Status::Unchanged
                    } else {
                        detail_notes.insert(0, format!("would update {}", found.drift.join(", ")));
                        Status::WouldUpdate
                    };
                    let attrs = found.attrs.clone();
                    (status, Done::Found(Box::new(found), attrs))
                }
                Ok(None) => (Status::WouldCreate, Done::Absent),
                Err(e) => {
                    cx.emit(EventKind::Failed {
                        error: e.to_string(),
                    });
                    detail_notes.insert(0, e.to_string());
                    (Status::Failed, Done::Failed)
                }
            },
        };
        if mode == RunMode::Read && status != Status::Failed {
            let action = match status {
                Status::WouldCreate => "create",
                Status::WouldUpdate => "update",
                _ => "unchanged",
            };
            cx.emit(EventKind::Planned {
                action: action.into(),
                position: None,
            });
        }
        outs.push(Outcome {
            address: job.address.clone(),
            tf_type: cx.tf_type.clone(),
            status,
            detail: (!detail_notes.is_empty()).then(|| detail_notes.join("; ")),
            duration_ms: t.elapsed().as_millis() as u64,
        });
        done.push((job.address, d, job.args));
    }
    (i, done, outs)
}

async fn run_data(
    i: usize,
    u: &'static dyn units::DataUnit,
    base: Cx,
    jobs: Vec<Job>,
) -> (usize, Vec<(String, Done, Json)>, Vec<Outcome>) {
    let mut done = Vec::new();
    let mut outs = Vec::new();
    for job in jobs {
        let cx = Cx {
            address: job.address.clone(),
            ..base.clone()
        };
        let t = Instant::now();
        let (status, d, detail) = match u.read(&cx, &job.args).await {
            Ok(attrs) => (Status::Read, Done::Applied { attrs }, None),
            Err(e) => {
                cx.emit(EventKind::Failed {
                    error: e.to_string(),
                });
                (Status::Failed, Done::Failed, Some(e.to_string()))
            }
        };
        outs.push(Outcome {
            address: job.address.clone(),
            tf_type: cx.tf_type.clone(),
            status,
            detail,
            duration_ms: t.elapsed().as_millis() as u64,
        });
        done.push((job.address, d, job.args));
    }
    (i, done, outs)
}

/// Records a finished resource: its value for the references of others.
#[allow(clippy::too_many_arguments)]
fn record(
    stack: &Stack,
    i: usize,
    done: Vec<(String, Done, Json)>,
    outs: Vec<Outcome>,
    values: &mut [Option<Val>],
    failed: &mut [bool],
    why: &mut BTreeMap<String, String>,
    outcomes: &mut Vec<Outcome>,
    result: &mut RunResult,
    pending_args: &mut BTreeMap<usize, Vec<(String, Val)>>,
    shapes: &mut BTreeMap<usize, Instances>,
    mode: RunMode,
) {
    outcomes.extend(outs);
    let args = pending_args.remove(&i).unwrap_or_default();
    let mut by_address: BTreeMap<String, Val> = BTreeMap::new();
    for (address, d, json_args) in done {
        let arg_val = args
            .iter()
            .find(|(a, _)| *a == address)
            .map(|(_, v)| v.clone())
            .unwrap_or(Val::Null);
        let value = match d {
            Done::Applied { attrs } => merge(arg_val, &attrs),
            Done::Found(found, attrs) => {
                result.found.push((i, address.clone(), json_args, *found));
                merge(arg_val, &attrs)
            }
            Done::Absent => {
                result.absent.push((i, address.clone()));
                let reason = if mode == RunMode::Read {
                    "it does not exist yet"
                } else {
                    "it was not created"
                };
                why.insert(address.clone(), reason.to_string());
                Val::Unknown(address.clone())
            }
            Done::Failed => {
                failed[i] = true;
                why.insert(address.clone(), "it failed".to_string());
                Val::Unknown(address.clone())
            }
        };
        by_address.insert(address, value);
    }
    // Instances that were skipped keep their unknown value.
    for (address, v) in &args {
        by_address
            .entry(address.clone())
            .or_insert_with(|| v.clone());
    }
    let base = stack.address(i);
    let shape = shapes.remove(&i).unwrap_or(Instances::Single);
    let value = match shape {
        Instances::Single => by_address
            .remove(&base)
            .unwrap_or(Val::Unknown(base.clone())),
        Instances::Count(k) => Val::List(
            (0..k)
                .map(|n| {
                    let a = format!("{base}[{n}]");
                    by_address.remove(&a).unwrap_or(Val::Unknown(a))
                })
                .collect(),
        ),
        Instances::Keys(keys) => Val::Map(
            keys.into_iter()
                .map(|k| {
                    let a = format!("{base}[{}]", serde_json::Value::String(k.clone()));
                    let v = by_address.remove(&a).unwrap_or(Val::Unknown(a));
                    (k, v)
                })
                .collect(),
        ),
    };
    values[i] = Some(value);
}

/// Arguments overlaid with the attributes the API answered (`id`, `urn`, `host`, …).
fn merge(args: Val, attrs: &Json) -> Val {
    let mut map = match args {
        Val::Map(m) => m,
        _ => BTreeMap::new(),
    };
    if let Json::Object(a) = attrs {
        for (k, v) in a {
            if !v.is_null() || !map.contains_key(k) {
                map.insert(k.clone(), Val::from_json(v));
            }
        }
    }
    Val::Map(map)
}

enum Prep {
    /// Waits for `source`, which is not known: the reason says why.
    Skip {
        source: String,
        reason: String,
    },
    Fail(String),
}

enum InstanceArgs {
    Skip {
        address: String,
        source: String,
        reason: String,
    },
    Ready {
        address: String,
        args: Val,
        json: Json,
        notes: Vec<String>,
    },
}

/// Evaluates `count`/`for_each` and the arguments of each instance.
fn prepare(
    stack: &Stack,
    i: usize,
    values: &[Option<Val>],
    why: &BTreeMap<String, String>,
    unit: &UnitDef,
) -> Result<(Instances, Vec<InstanceArgs>), Prep> {
    let r = &stack.resources[i];
    let base = stack.address(i);
    let scope = EngineScope::new(stack, r.module, values);
    let unknown_reason = |u: &str| -> String {
        let reason = why
            .get(u)
            .cloned()
            .unwrap_or_else(|| "it is not applied".into());
        format!("not applied: it needs `{u}`, and {reason}")
    };
    let mut instances: Vec<(String, Bindings)> = Vec::new();
    let shape = if let Some((expr, loc)) = &r.count {
        let v = Evaluator::new(&scope, Bindings::new())
            .eval(expr)
            .map_err(|e| Prep::Fail(format!("{loc}: `count`: {e}")))?;
        if let Some(u) = v.first_unknown() {
            return Err(Prep::Skip {
                source: u.to_string(),
                reason: unknown_reason(u),
            });
        }
        let n = v
            .to_num()
            .filter(|n| *n >= 0.0 && n.fract() == 0.0 && *n <= 10_000.0)
            .ok_or_else(|| {
                Prep::Fail(format!(
                    "{loc}: `count` must be a whole number from 0 to 10000, not a {}",
                    v.type_name()
                ))
            })? as usize;
        for k in 0..n {
            let b = Bindings::new().with("count", obj([("index", Val::Num(k as f64))]));
            instances.push((format!("{base}[{k}]"), b));
        }
        Instances::Count(n)
    } else if let Some((expr, loc)) = &r.for_each {
        let v = Evaluator::new(&scope, Bindings::new())
            .eval(expr)
            .map_err(|e| Prep::Fail(format!("{loc}: `for_each`: {e}")))?;
        if let Some(u) = v.first_unknown() {
            return Err(Prep::Skip {
                source: u.to_string(),
                reason: unknown_reason(u),
            });
        }
        let pairs: Vec<(String, Val)> = match v {
            Val::Map(m) => m.into_iter().collect(),
            Val::List(items) => items
                .into_iter()
                .map(|x| match x.to_text() {
                    Some(s) => Ok((s.clone(), Val::Str(s))),
                    None => Err(Prep::Fail(format!(
                        "{loc}: `for_each` over a list needs strings (a set of strings)"
                    ))),
                })
                .collect::<Result<_, _>>()?,
            other => {
                return Err(Prep::Fail(format!(
                    "{loc}: `for_each` needs a map or a set of strings, not a {}",
                    other.type_name()
                )));
            }
        };
        let keys = pairs.iter().map(|(k, _)| k.clone()).collect();
        for (k, v) in pairs {
            let b = Bindings::new().with("each", obj([("key", Val::Str(k.clone())), ("value", v)]));
            instances.push((format!("{base}[{}]", serde_json::Value::String(k)), b));
        }
        Instances::Keys(keys)
    } else {
        instances.push((base.clone(), Bindings::new()));
        Instances::Single
    };
    let mut out = Vec::new();
    for (address, bindings) in instances {
        let mut ev = Evaluator::new(&scope, bindings);
        let args = eval_body(&mut ev, &r.body)
            .map_err(|(key, e)| Prep::Fail(format!("{}: `{key}`: {e}", r.loc_of(&key))))?;
        let (args, mut notes) = drop_partial(args, unit.partial_lists, why);
        if let Some(u) = args.first_unknown() {
            out.push(InstanceArgs::Skip {
                reason: unknown_reason(u),
                source: u.to_string(),
                address,
            });
            continue;
        }
        let json = match args.to_json() {
            Ok(j) => j,
            Err(u) => {
                out.push(InstanceArgs::Skip {
                    reason: unknown_reason(&u),
                    source: u,
                    address,
                });
                continue;
            }
        };
        if let Val::Map(m) = &args {
            let unmapped: Vec<&String> = m
                .iter()
                .filter(|(k, v)| !v.is_null() && !unit.arguments.contains(&k.as_str()))
                .map(|(k, _)| k)
                .collect();
            if !unmapped.is_empty() && !unit.arguments.is_empty() {
                notes.push(format!(
                    "not applied by ferry deploy: {}",
                    unmapped
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
        out.push(InstanceArgs::Ready {
            address,
            args,
            json,
            notes,
        });
    }
    Ok((shape, out))
}

/// Takes unknown elements out of the lists that may be partial, noting what was left out.
fn drop_partial(args: Val, partial: &[&str], why: &BTreeMap<String, String>) -> (Val, Vec<String>) {
    let mut notes = Vec::new();
    let Val::Map(mut m) = args else {
        return (args, notes);
    };
    for key in partial {
        if let Some(Val::List(items)) = m.remove(*key) {
            let mut kept = Vec::new();
            for item in items {
                match item.first_unknown() {
                    Some(u) => {
                        let reason = why
                            .get(u)
                            .cloned()
                            .unwrap_or_else(|| "it is not applied".into());
                        notes.push(format!("`{key}` leaves out `{u}`: {reason}"));
                    }
                    None => kept.push(item),
                }
            }
            m.insert(key.to_string(), Val::List(kept));
        } else if let Some(v) = m.get(*key).cloned() {
            m.insert(key.to_string(), v);
        }
    }
    (Val::Map(m), notes)
}

/// A body as an object: attributes are values, nested blocks lists of objects; `dynamic`
/// blocks expand into the blocks they generate.
fn eval_body(ev: &mut Evaluator<'_>, body: &Body) -> Result<Val, (String, EvalError)> {
    let mut map: BTreeMap<String, Val> = BTreeMap::new();
    for s in body.iter() {
        match s {
            Structure::Attribute(a) => {
                let key = a.key.as_str().to_string();
                let v = ev.eval(&a.expr).map_err(|e| (key.clone(), e))?;
                map.insert(key, v);
            }
            Structure::Block(b) if b.identifier.as_str() == "dynamic" => {
                let label = b
                    .labels
                    .first()
                    .map(|l| l.as_str().to_string())
                    .unwrap_or_default();
                let iterator = crate::stack::attr(&b.body, "iterator")
                    .and_then(|e| match e {
                        Expression::Variable(v) => Some(v.as_str().to_string()),
                        _ => None,
                    })
                    .unwrap_or_else(|| label.clone());
                let for_each = crate::stack::attr(&b.body, "for_each").ok_or_else(|| {
                    (
                        label.clone(),
                        EvalError("a `dynamic` block needs `for_each`".into()),
                    )
                })?;
                let coll = ev.eval(&for_each).map_err(|e| (label.clone(), e))?;
                let content = b
                    .body
                    .blocks()
                    .find(|c| c.identifier.as_str() == "content")
                    .ok_or_else(|| {
                        (
                            label.clone(),
                            EvalError("a `dynamic` block needs `content`".into()),
                        )
                    })?;
                let entry = map
                    .entry(label.clone())
                    .or_insert_with(|| Val::List(Vec::new()));
                let mut generated = Vec::new();
                let pairs: Vec<(Val, Val)> = match coll {
                    Val::List(items) => items
                        .into_iter()
                        .enumerate()
                        .map(|(k, v)| (Val::Num(k as f64), v))
                        .collect(),
                    Val::Map(m) => m.into_iter().map(|(k, v)| (Val::Str(k), v)).collect(),
                    Val::Null => Vec::new(),
                    Val::Unknown(u) => {
                        *entry = Val::Unknown(u);
                        continue;
                    }
                    other => {
                        return Err((
                            label,
                            EvalError(format!(
                                "`for_each` of a `dynamic` block needs a collection, not a {}",
                                other.type_name()
                            )),
                        ));
                    }
                };
                for (k, v) in pairs {
                    ev.bindings_mut()
                        .push(&iterator, obj([("key", k), ("value", v)]));
                    let item = eval_body(ev, &content.body);
                    ev.bindings_mut().pop();
                    generated.push(item.map_err(|(inner, e)| (format!("{label}.{inner}"), e))?);
                }
                if let Val::List(list) = entry {
                    list.extend(generated);
                }
            }
            Structure::Block(b) => {
                let key = b.identifier.as_str().to_string();
                let item =
                    eval_body(ev, &b.body).map_err(|(inner, e)| (format!("{key}.{inner}"), e))?;
                match map.entry(key).or_insert_with(|| Val::List(Vec::new())) {
                    Val::List(list) => list.push(item),
                    other => *other = Val::List(vec![item]),
                }
            }
        }
    }
    Ok(Val::Map(map))
}

/// References as the engine resolves them: variables, locals, module outputs, and the values
/// of resources already applied.
struct EngineScope<'a> {
    stack: &'a Stack,
    module: usize,
    values: &'a [Option<Val>],
    depth: Cell<u32>,
}

const MAX_SCOPE_DEPTH: u32 = 64;

impl<'a> EngineScope<'a> {
    fn new(stack: &'a Stack, module: usize, values: &'a [Option<Val>]) -> Self {
        EngineScope {
            stack,
            module,
            values,
            depth: Cell::new(0),
        }
    }

    fn in_module(&self, module: usize) -> EngineScope<'a> {
        EngineScope {
            stack: self.stack,
            module,
            values: self.values,
            depth: Cell::new(self.depth.get() + 1),
        }
    }

    fn eval_in(&self, module: usize, expr: &Expression) -> Result<Val, EvalError> {
        if self.depth.get() >= MAX_SCOPE_DEPTH {
            return Err(EvalError("references nest too deep".into()));
        }
        let scope = self.in_module(module);
        Evaluator::new(&scope, Bindings::new()).eval(expr)
    }

    fn resource(&self, mode: Mode, tf_type: &str, name: &str) -> Option<usize> {
        self.stack.modules[self.module]
            .resources
            .iter()
            .copied()
            .find(|&i| {
                let r = &self.stack.resources[i];
                r.mode == mode && r.tf_type == tf_type && r.name == name
            })
    }

    fn value_of(&self, i: usize) -> Val {
        self.values[i]
            .clone()
            .unwrap_or_else(|| Val::Unknown(self.stack.address(i)))
    }
}

fn name_at(ops: &[TraversalOperator], k: usize) -> Option<&str> {
    match ops.get(k) {
        Some(TraversalOperator::GetAttr(n)) => Some(n.as_str()),
        _ => None,
    }
}

impl Scope for EngineScope<'_> {
    fn lookup(&self, root: &str, ops: &[TraversalOperator]) -> Result<(Val, usize), EvalError> {
        let stack = self.stack;
        let module = &stack.modules[self.module];
        let missing = |what: String| EvalError(format!("unknown reference `{what}`"));
        match root {
            "var" => {
                let name = name_at(ops, 0).ok_or_else(|| missing("var".into()))?;
                let Some(decl) = module.variables.get(name) else {
                    return Err(missing(format!("var.{name}")));
                };
                let value = match (module.parent, &module.call_name) {
                    (Some(parent), Some(call)) => {
                        let arg = stack.modules[parent]
                            .calls
                            .get(call)
                            .and_then(|c| c.args.get(name));
                        match (arg, &decl.default) {
                            (Some((expr, _)), _) => self.eval_in(parent, expr)?,
                            (None, Some(default)) => {
                                Evaluator::new(&EmptyScope, Bindings::new()).eval(default)?
                            }
                            (None, None) => Val::Null,
                        }
                    }
                    _ => match stack.root_vars.get(name) {
                        Some(v) => v.clone(),
                        None => {
                            let loc = stack
                                .missing_vars
                                .get(name)
                                .map(|l| l.to_string())
                                .unwrap_or_default();
                            return Err(EvalError(format!(
                                "variable `{name}` ({loc}) has no value: give it one with --var {name}=…"
                            )));
                        }
                    },
                };
                Ok((value, 1))
            }
            "local" => {
                let name = name_at(ops, 0).ok_or_else(|| missing("local".into()))?;
                let (expr, _) = module
                    .locals
                    .get(name)
                    .ok_or_else(|| missing(format!("local.{name}")))?;
                Ok((self.eval_in(self.module, expr)?, 1))
            }
            "module" => {
                let call = name_at(ops, 0).ok_or_else(|| missing("module".into()))?;
                let c = module
                    .calls
                    .get(call)
                    .ok_or_else(|| missing(format!("module.{call}")))?;
                let child = &stack.modules[c.child];
                match name_at(ops, 1) {
                    Some(out) => {
                        let o = child
                            .outputs
                            .get(out)
                            .ok_or_else(|| missing(format!("module.{call}.{out}")))?;
                        Ok((self.eval_in(c.child, &o.expr)?, 2))
                    }
                    None => {
                        let mut all = BTreeMap::new();
                        for (k, o) in &child.outputs {
                            all.insert(k.clone(), self.eval_in(c.child, &o.expr)?);
                        }
                        Ok((Val::Map(all), 1))
                    }
                }
            }
            "data" => {
                let (Some(t), Some(n)) = (name_at(ops, 0), name_at(ops, 1)) else {
                    return Err(missing("data".into()));
                };
                let i = self
                    .resource(Mode::Data, t, n)
                    .ok_or_else(|| missing(format!("data.{t}.{n}")))?;
                Ok((self.value_of(i), 2))
            }
            "path" => {
                let which = name_at(ops, 0).unwrap_or("");
                let v = match which {
                    "module" if !module.dir.is_empty() => module.dir.clone(),
                    "module" | "root" | "cwd" => ".".to_string(),
                    other => return Err(missing(format!("path.{other}"))),
                };
                Ok((Val::Str(v), 1))
            }
            "terraform" => match name_at(ops, 0) {
                Some("workspace") => Ok((Val::str("default"), 1)),
                other => Err(missing(format!("terraform.{}", other.unwrap_or("")))),
            },
            "count" | "each" | "self" => Err(EvalError(format!("`{root}` is not available here"))),
            tf_type => {
                let n = name_at(ops, 0).ok_or_else(|| missing(tf_type.to_string()))?;
                let i = self
                    .resource(Mode::Managed, tf_type, n)
                    .ok_or_else(|| missing(format!("{tf_type}.{n}")))?;
                Ok((self.value_of(i), 1))
            }
        }
    }

    fn file(&self, path: &str) -> Option<&str> {
        self.stack.files.get(path).map(String::as_str)
    }
}
