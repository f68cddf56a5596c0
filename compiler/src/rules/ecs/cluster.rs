//! The cluster: an ECS cluster becomes a DOKS cluster whose node pool is sized for the demand of
//! the services that run on it (those of other modules included); capacity providers and
//! account settings are folded into it.

use super::{
    CLUSTER, SERVICE, TASK_DEF, bind_instance, bound_task, num, replicas, run_by_service, s,
    service_instances, task_count, task_demand, triggers_of,
};
use crate::diag::{Code, Diagnostic};
use crate::eval::Eval;
use crate::facts::workload as facts;
use crate::facts::workload::Demand;
use crate::hclx;
use crate::origin::{Meta, Mode, Resource};
use crate::out::{Emitted, Item, OutBlock, OutBody};
use crate::rules::k8s;
use crate::rules::{Cx, Export};
use hcl::Expression;

/// The demand of every ECS service of the module: (at desired count, at maximum count).
fn workload_demand(cx: &Cx<'_>) -> (Demand, Demand, usize, usize) {
    let mut now = Demand::default();
    let mut peak = Demand::default();
    let mut tasks = 0;
    let mut services = 0;
    // Tasks no service runs (one-off and scheduled tasks, `one_off_task`): one run each.
    for td in cx.origin_of_type(TASK_DEF) {
        if run_by_service(cx, td) {
            continue;
        }
        let Some(td) = bind_instance(cx, td, None) else {
            continue;
        };
        let (cpu, mem) = task_demand(cx, &td);
        let n = triggers_of(cx, &td)
            .iter()
            .filter_map(|t| task_count(cx, t))
            .max()
            .unwrap_or(1) as u64;
        for d in [&mut now, &mut peak] {
            d.millicores += cpu * n;
            d.mib += mem * n;
            d.pod_millicores = d.pod_millicores.max(cpu);
            d.pod_mib = d.pod_mib.max(mem);
        }
        tasks += 1;
    }
    // A service repeated over a known collection counts every instance (one workload each).
    let all: Vec<std::borrow::Cow<'_, Resource>> = cx
        .origin_of_type(SERVICE)
        .flat_map(|svc| match service_instances(cx, svc) {
            Some(v) => v
                .into_iter()
                .map(|(_, b)| std::borrow::Cow::Owned(b))
                .collect(),
            None => vec![std::borrow::Cow::Borrowed(svc)],
        })
        .collect();
    for svc in &all {
        let Some(td) = bound_task(cx, svc) else {
            continue;
        };
        services += 1;
        let (cpu, mem) = task_demand(cx, &td);
        let (desired, max) = replicas(cx, svc);
        for (d, n) in [(&mut now, desired), (&mut peak, max)] {
            d.millicores += cpu * n;
            d.mib += mem * n;
            d.pod_millicores = d.pod_millicores.max(cpu);
            d.pod_mib = d.pod_mib.max(mem);
        }
    }
    (now, peak, services, tasks)
}

/// The demand of the ECS services of a module compiled elsewhere ([`workload_demand`] over its
/// origin resources, evaluated by `eval`): `xmod` hands it to the module of the stack's
/// cluster they run on (#320).
pub fn module_demand(
    module: &crate::origin::Module,
    eval: &Eval,
) -> (Demand, Demand, usize, usize) {
    let options = crate::api::Options::default();
    let mut st = crate::rules::State::default();
    let at_deploy = std::collections::BTreeSet::new();
    let cx = Cx {
        module,
        resources: &module.resources,
        eval,
        options: &options,
        st: &mut st,
        xmod: &crate::xmod::NONE,
        at_deploy: &at_deploy,
    };
    workload_demand(&cx)
}

/// The DOKS cluster of the stack, if one was emitted (from EKS, an ECS cluster, or for the
/// services).
fn doks_cluster(cx: &Cx<'_>) -> Option<String> {
    cx.st
        .emitted
        .iter()
        .find(|e| e.mode == Mode::Managed && e.ty == "digitalocean_kubernetes_cluster")
        .map(|e| e.address())
}

/// Emits a DOKS cluster sized for the ECS services (`r`: the ECS cluster it stands for, or
/// `None` when the stack has no cluster of its own). Returns its address.
fn create_cluster(cx: &mut Cx<'_>, r: Option<&Resource>) -> String {
    let (mut now, mut peak, services, tasks) = workload_demand(cx);
    // The services of other modules that run on this cluster (`xmod`, #320).
    let guests = cx.xmod.guests.as_ref().filter(|_| r.is_some());
    if let Some(g) = guests {
        for (sum, d) in [(&mut now, g.now), (&mut peak, g.peak)] {
            sum.millicores += d.millicores;
            sum.mib += d.mib;
            sum.pod_millicores = sum.pod_millicores.max(d.pod_millicores);
            sum.pod_mib = sum.pod_mib.max(d.pod_mib);
        }
    }
    let base = facts::pool_for(now);
    let top = facts::pool_for(Demand {
        pod_millicores: now.pod_millicores.max(peak.pod_millicores),
        pod_mib: now.pod_mib.max(peak.pod_mib),
        ..peak
    });
    let size = if top.size != base.size {
        top.size
    } else {
        base.size
    };
    // Node counts on the chosen size.
    let nodes_for = |d: Demand| -> u64 {
        let (cpu, mib) = facts::allocatable(size).unwrap_or((1, 1));
        let need_cpu = (d.millicores as f64 * facts::HEADROOM).ceil() as u64;
        let need_mib = (d.mib as f64 * facts::HEADROOM).ceil() as u64;
        need_cpu
            .div_ceil(cpu.max(1))
            .max(need_mib.div_ceil(mib.max(1)))
            .max(facts::MIN_NODES)
    };
    let (min_nodes, max_nodes) = (nodes_for(now), nodes_for(peak));
    let mut pool = OutBody::new();
    pool.set("name", s("workloads"));
    pool.set("size", s(size));
    if max_nodes > min_nodes {
        pool.set("auto_scale", Expression::Bool(true));
        pool.set("min_nodes", num(min_nodes as i64));
        pool.set("max_nodes", num(max_nodes as i64));
    } else {
        pool.set("node_count", num(min_nodes as i64));
    }
    pool.set("tags", cx.tags());

    let mut body = OutBody::new();
    let name = match r {
        // DOKS cluster names are lower-case letters, digits and `-`.
        Some(r) => {
            let origin = cx.expr(r, "name").map(|e| match e {
                Expression::String(v) => s(&k8s::dns_label(&v, "cluster")),
                other => other,
            });
            cx.unique_name(r, origin, &r.name.replace('_', "-").to_ascii_lowercase())
        }
        None => hclx::template("workloads-${var.instance_id}"),
    };
    body.set("name", name);
    body.set("region", cx.region());
    body.set("version", Expression::Null);
    let vpc = match r {
        Some(r) => cx.vpc_id(r),
        None => cx
            .st
            .emitted
            .iter()
            .find(|e| e.ty == "digitalocean_vpc" && e.mode == Mode::Managed)
            .and_then(|e| format!("{}.id", e.address()).parse().ok()),
    };
    body.set_opt("vpc_uuid", vpc);
    body.set("ha", Expression::Bool(true));
    body.set("tags", cx.tags());
    body.items.push(Item::Block(OutBlock {
        ident: "node_pool".into(),
        labels: vec![],
        body: pool,
    }));
    let (addr, data) = match r {
        Some(r) => {
            let addr = cx.emit(r, "digitalocean_kubernetes_cluster", body);
            let data = cx.emit_as(
                r,
                Mode::Data,
                "digitalocean_kubernetes_versions",
                &r.name,
                OutBody::new(),
            );
            if let Some(d) = cx.emitted_mut(&data) {
                d.meta = Meta::default();
            }
            (addr, data)
        }
        None => {
            for (mode, ty, b) in [
                (Mode::Managed, "digitalocean_kubernetes_cluster", body),
                (
                    Mode::Data,
                    "digitalocean_kubernetes_versions",
                    OutBody::new(),
                ),
            ] {
                cx.st.emitted.push(Emitted {
                    mode,
                    ty: ty.into(),
                    name: "workloads".into(),
                    body: b,
                    meta: Meta::default(),
                    origin: None,
                });
            }
            (
                "digitalocean_kubernetes_cluster.workloads".to_string(),
                "data.digitalocean_kubernetes_versions.workloads".to_string(),
            )
        }
    };
    if let Some(c) = cx.emitted_mut(&addr) {
        c.body.set(
            "version",
            format!("{data}.latest_version")
                .parse::<Expression>()
                .unwrap_or(s("latest")),
        );
    }
    let count = if max_nodes > min_nodes {
        format!("{min_nodes}–{max_nodes} nodes (autoscaling)")
    } else {
        format!("{min_nodes} nodes")
    };
    let own = if tasks > 0 {
        format!("{services} service(s) and {tasks} task(s) run by no service (one run each)")
    } else {
        format!("{services} service(s)")
    };
    let who = match guests {
        Some(g) => {
            let others = g
                .modules
                .iter()
                .map(|(dir, services, tasks)| {
                    let tasks = if *tasks > 0 {
                        format!(" and {tasks} task(s) run by no service")
                    } else {
                        String::new()
                    };
                    format!("{services} service(s){tasks} of `{dir}`")
                })
                .collect::<Vec<_>>()
                .join(", ");
            format!("{own} of this module and {others}, which run on it, together")
        }
        None => own,
    };
    let msg = format!(
        "the ECS services run on a new DOKS cluster: {who} ask for {:.2} vCPU and {} MiB at their desired count ({:.2} vCPU, {} MiB at their maximum); with {}% headroom and room for the system on every node, the node pool is {count} of `{size}`",
        now.millicores as f64 / 1000.0,
        now.mib,
        peak.millicores as f64 / 1000.0,
        peak.mib,
        ((facts::HEADROOM - 1.0) * 100.0).round()
    );
    let mut d = Diagnostic::new(Code::NodePoolFromWorkloads, msg)
        .help("edit `node_pool` of the cluster in the deployment stack to choose another size or count; DOKS nodes are shared by every workload of the appliance");
    if let Some(r) = r {
        d = d.at(r.loc.clone()).resource(r.address());
    }
    cx.diag(d);
    cx.diag(
        Diagnostic::new(
            Code::KubernetesVersionAtApply,
            format!("the DOKS cluster `{addr}` runs the newest Kubernetes release, looked up by `{data}` when the stack is applied"),
        )
        .at_opt(r.map(|r| r.loc.clone()))
        .help("pin `version_prefix` on the data source to stay on one minor version"),
    );
    addr
}

/// The module's workloads (`r`: a service or a task run by none) need a cluster: the module's
/// own (its EKS or ECS cluster, mapped later, or one emitted already), the stack's cluster of
/// another module ([`crate::xmod::Facts::ecs_cluster`], #260: a note, once, with the
/// module's demand), or a stand-in sized for them.
pub(super) fn ensure_cluster(cx: &mut Cx<'_>, r: &Resource) {
    let has_cluster = cx.origin_of_type("aws_eks_cluster").next().is_some()
        || cx.origin_of_type(CLUSTER).next().is_some();
    if has_cluster || doks_cluster(cx).is_some() {
        return;
    }
    let Some((addr, via)) = cx.xmod.ecs_cluster.clone() else {
        create_cluster(cx, None);
        return;
    };
    let (now, peak, services, tasks) = workload_demand(cx);
    let msg = format!(
        "{services} ECS service(s){} of this module run on the stack's DOKS cluster, of `{addr}`{}, not on a cluster of their own; they ask for {:.2} vCPU and {} MiB at their desired count ({:.2} vCPU, {} MiB at their maximum)",
        if tasks > 0 {
            format!(" and {tasks} task(s) run by no service")
        } else {
            String::new()
        },
        match &via {
            Some(e) => format!(" (their `cluster` reads it through `{e}`)"),
            None => String::new(),
        },
        now.millicores as f64 / 1000.0,
        now.mib,
        peak.millicores as f64 / 1000.0,
        peak.mib,
    );
    if cx.st.diags.iter().any(|d| d.message == msg) {
        return;
    }
    cx.diag(
        Diagnostic::new(Code::NodePoolFromWorkloads, msg)
            .at(r.loc.clone())
            .resource(r.address())
            .help(if cx.xmod.ecs_cluster_sized {
                format!("the node pool of `{addr}` is sized for these workloads too (its F373 note gives the total)")
            } else {
                format!("the node pool of `{addr}` is sized in its own module, without these workloads: check that it has room for them")
            }),
    );
}

fn cluster_exports(cx: &mut Cx<'_>, r: &Resource, addr: &str) {
    cx.export_attrs(
        r,
        addr,
        &[
            ("id", "id"),
            ("arn", "urn"),
            ("name", "name"),
            ("cluster_name", "name"),
        ],
    );
}

pub(super) fn cluster(r: &Resource, cx: &mut Cx<'_>) {
    for st in hclx::blocks(&r.body, "setting") {
        let name = hclx::attr(&st, "name").and_then(|e| cx.eval.string(e));
        if name.as_deref() == Some("containerInsights") {
            cx.diag(
                Diagnostic::new(
                    Code::ProvidedByDefault,
                    format!("`{}`: Container Insights → DOKS metrics (DigitalOcean Monitoring and the cluster's metrics server); Ferry's controller forwards them", r.address()),
                )
                .at(r.loc_of("setting"))
                .resource(r.address()),
            );
        }
    }
    let eks = cx
        .origin_of_type("aws_eks_cluster")
        .next()
        .map(|c| c.address());
    match doks_cluster(cx) {
        Some(addr) => {
            let why = match &eks {
                Some(e) => format!(
                    "the ECS services run as Deployments on the DOKS cluster of `{e}` (`{addr}`); check that its node pools have room for them"
                ),
                None => format!(
                    "the ECS services run as Deployments on `{addr}` (one DOKS cluster per appliance)"
                ),
            };
            if eks.is_some() {
                let (now, _, services, tasks) = workload_demand(cx);
                cx.diag(
                    Diagnostic::new(
                        Code::NodePoolFromWorkloads,
                        format!(
                            "`{}`: {services} ECS service(s){} move onto the DOKS cluster `{addr}` and ask for {:.2} vCPU and {} MiB there",
                            r.address(),
                            if tasks > 0 {
                                format!(" and {tasks} task(s) run by no service")
                            } else {
                                String::new()
                            },
                            now.millicores as f64 / 1000.0,
                            now.mib
                        ),
                    )
                    .at(r.loc.clone())
                    .resource(r.address())
                    .help("size the node groups of the EKS cluster for the ECS workloads too (DOKS node pools follow them)"),
                );
            }
            cx.absorb(r, &addr, why);
            cluster_exports(cx, r, &addr);
        }
        None => {
            let addr = create_cluster(cx, Some(r));
            cx.note(
                r,
                "became a DOKS cluster; its node pool is sized from the Fargate demand of the services (see F373)",
            );
            cluster_exports(cx, r, &addr);
        }
    }
}

pub(super) fn cluster_data(r: &Resource, cx: &mut Cx<'_>) {
    match doks_cluster(cx) {
        Some(addr) => {
            cx.absorb(r, &addr, format!("reads the stack's DOKS cluster `{addr}`"));
            cluster_exports(cx, r, &addr);
        }
        None => crate::rules::generic::unsupported_data(
            r,
            cx,
            format!(
                "data source `{}` reads an ECS cluster, and the stack has no cluster for it; references to it become `null`",
                r.address()
            ),
            "declare the cluster (`aws_ecs_cluster`) in the stack".into(),
        ),
    }
}

/// The `aws_ecs_capacity_provider` whose Auto Scaling group is `asg`: its instances are ECS
/// container instances.
pub(in crate::rules) fn capacity_provider_of<'a>(
    cx: &Cx<'a>,
    asg: &Resource,
) -> Option<&'a Resource> {
    cx.origin_of_type("aws_ecs_capacity_provider").find(|cp| {
        hclx::blocks(&cp.body, "auto_scaling_group_provider")
            .iter()
            .filter_map(|b| hclx::attr(b, "auto_scaling_group_arn"))
            .filter_map(|e| cx.resolve_ref(e))
            .any(|a| a.address() == asg.address())
    })
}

/// The DOKS cluster the module's ECS services will run on, before the ECS cluster rule (phase
/// Attach) has run: the stack's DOKS cluster, or the one the module's first `aws_ecs_cluster`
/// becomes ([`create_cluster`] names it after the origin resource). `None` when an EKS
/// cluster, mapped later, may be the one.
pub(in crate::rules) fn planned_cluster(cx: &Cx<'_>) -> Option<String> {
    if let Some(addr) = doks_cluster(cx) {
        return Some(addr);
    }
    if cx.origin_of_type("aws_eks_cluster").next().is_some() {
        return None;
    }
    cx.origin_of_type(CLUSTER)
        .find(|c| c.mode == Mode::Managed && !c.meta.is_repeated())
        .map(|c| format!("digitalocean_kubernetes_cluster.{}", c.name))
}

pub(super) fn capacity(r: &Resource, cx: &mut Cx<'_>) {
    let asg = hclx::blocks(&r.body, "auto_scaling_group_provider")
        .first()
        .and_then(|b| hclx::attr(b, "auto_scaling_group_arn").cloned())
        .and_then(|e| cx.resolve_ref(&e))
        .map(|a| a.address());
    // An Auto Scaling group that became the node pool (`ec2::asg`) needs no word here.
    let became_droplets = |a: &str| {
        cx.st.outcomes.get(a).is_some_and(|o| {
            o.targets
                .iter()
                .any(|t| t.starts_with("digitalocean_droplet"))
        })
    };
    if let Some(asg) = asg.filter(|a| became_droplets(a)) {
        cx.diag(
            Diagnostic::new(
                Code::FeatureUnsupported,
                format!(
                    "`{}` runs ECS tasks on the instances of `{asg}`; on DigitalOcean the tasks run on the DOKS node pool, and `{asg}` still becomes Droplets of its own",
                    r.address()
                ),
            )
            .at(r.loc.clone())
            .resource(r.address())
            .help("remove the Auto Scaling group of ECS container instances from the origin (the node pool replaces it), or keep it if it runs something else"),
        );
    }
    match doks_cluster(cx) {
        Some(addr) => cx.absorb(
            r,
            &addr,
            "pods run on the DOKS node pool, which the cluster autoscaler sizes",
        ),
        None => cx.drop(
            r,
            "pods run on the DOKS node pool; capacity providers have no equivalent",
        ),
    }
    cx.export(
        r,
        "arn",
        Export::Unmapped("DOKS has no capacity providers".into()),
    );
}

pub(super) fn account_setting(r: &Resource, cx: &mut Cx<'_>) {
    cx.drop(
        r,
        "ECS account settings and tags have no meaning on DOKS; Kubernetes objects carry Ferry's labels",
    );
}
