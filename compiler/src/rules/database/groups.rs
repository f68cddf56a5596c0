//! Subnet and parameter groups: absorbed into their cluster, with the parameters DigitalOcean
//! offers carried into `digitalocean_database_postgresql_config` / `_mysql_config`.

use super::{CLUSTER, attr, family_engine, self_ref};
use crate::diag::{Code, Diagnostic};
use crate::facts::db::DoEngine;
use crate::hclx;
use crate::origin::{Meta, Mode, Resource};
use crate::out::OutBody;
use crate::report::Outcome;
use crate::rules::{Cx, Export, OutcomeRec};
use hcl::Expression;

/// A subnet group → absorbed into the VPC its subnets belong to (or the stack's VPC).
pub(in crate::rules) fn subnet_group(r: &Resource, cx: &mut Cx<'_>) {
    let via_subnet = cx
        .referenced(r, "subnet_ids")
        .and_then(|s| cx.parent(s, "vpc_id"))
        .filter(|a| a.starts_with("digitalocean_vpc."));
    let vpc = via_subnet.or_else(|| {
        cx.st
            .emitted
            .iter()
            .find(|e| e.mode == Mode::Managed && e.ty == "digitalocean_vpc")
            .map(|e| e.address())
    });
    let unmapped = || {
        Export::Unmapped(
            "DigitalOcean has no subnet groups; clusters join the VPC with `private_network_uuid`"
                .into(),
        )
    };
    match vpc {
        Some(vpc) => {
            cx.absorb(
                r,
                &vpc,
                "DigitalOcean has no subnet groups: the clusters join this VPC through `private_network_uuid`",
            );
            attr(cx, r, "vpc_id", &vpc, "id");
        }
        None => match cx.xmod.vpc_var.as_ref() {
            // The module's clusters join the VPC of another module its caller passes in.
            Some((var, vpc)) => cx.drop(
                r,
                format!(
                    "DigitalOcean has no subnet groups: the clusters join `{vpc}` (another module's VPC, read through `{}`) with `private_network_uuid`",
                    hclx::inline(var)
                ),
            ),
            None => cx.drop(
                r,
                "DigitalOcean has no subnet groups, and the stack has no VPC: the clusters use the region's default VPC",
            ),
        },
    }
    for a in ["id", "name", "arn", "subnet_ids"] {
        cx.export(r, a, unmapped());
    }
}

/// Which origin arguments point at a group of each type.
const GROUP_USERS: &[(&str, &[(&str, &str)])] = &[
    (
        "aws_db_parameter_group",
        &[
            ("aws_db_instance", "parameter_group_name"),
            ("aws_rds_cluster_instance", "db_parameter_group_name"),
            ("aws_rds_cluster", "db_instance_parameter_group_name"),
        ],
    ),
    (
        "aws_rds_cluster_parameter_group",
        &[("aws_rds_cluster", "db_cluster_parameter_group_name")],
    ),
    (
        "aws_docdb_cluster_parameter_group",
        &[("aws_docdb_cluster", "db_cluster_parameter_group_name")],
    ),
    (
        "aws_db_option_group",
        &[("aws_db_instance", "option_group_name")],
    ),
    (
        "aws_elasticache_parameter_group",
        &[
            ("aws_elasticache_cluster", "parameter_group_name"),
            ("aws_elasticache_replication_group", "parameter_group_name"),
        ],
    ),
];

/// A parameter or option group → absorbed into the clusters that use it; DigitalOcean manages
/// engine parameters (tuned values go to typed `digitalocean_database_*_config` resources).
/// ElastiCache's `maxmemory-policy` is carried by the cache rules as `eviction_policy`.
pub(in crate::rules) fn parameter_group(r: &Resource, cx: &mut Cx<'_>) {
    let users = GROUP_USERS
        .iter()
        .find(|(ty, _)| *ty == r.ty)
        .map(|(_, u)| *u)
        .unwrap_or(&[]);
    let mut targets: Vec<String> = Vec::new();
    for (ty, key) in users {
        for user in cx.referencing(ty, key, r) {
            // Cluster instances may not have been absorbed yet: use their cluster.
            let target = cx
                .st
                .outcomes
                .get(user.address())
                .and_then(|o| o.targets.first().cloned())
                .or_else(|| cx.parent(user, "cluster_identifier"))
                .filter(|t| t.starts_with(CLUSTER));
            if let Some(t) = target
                && !targets.contains(&t)
            {
                targets.push(t);
            }
        }
    }
    let family = cx
        .str(r, "family")
        .or_else(|| cx.str(r, "engine_name"))
        .unwrap_or_default();
    if matches!(
        r.ty.as_str(),
        "aws_db_parameter_group" | "aws_rds_cluster_parameter_group"
    ) && sql_parameter_group(r, cx, &targets, &family)
    {
        return;
    }
    let config = family_engine(&family)
        .map(|e| format!("`{}`", e.config_resource()))
        .unwrap_or_else(|| "the typed `digitalocean_database_*_config` resources".into());
    let is_option_group = r.ty == "aws_db_option_group";
    let mut dropped: Vec<String> = Vec::new();
    let mut mapped: Vec<String> = Vec::new();
    let block = if is_option_group {
        "option"
    } else {
        "parameter"
    };
    let key = if is_option_group {
        "option_name"
    } else {
        "name"
    };
    for p in hclx::blocks(&r.body, block) {
        let Some(name) = hclx::attr(&p, key).and_then(|e| cx.eval.string(e)) else {
            continue;
        };
        if r.ty == "aws_elasticache_parameter_group"
            && (name == "maxmemory-policy" || name == "cluster-enabled")
        {
            mapped.push(name);
        } else {
            dropped.push(name);
        }
    }
    let what = if is_option_group {
        "options"
    } else {
        "parameters"
    };
    let mut note = format!("DigitalOcean manages engine {what}; set tuned values with {config}");
    if mapped.iter().any(|m| m == "maxmemory-policy") {
        note.push_str("; `maxmemory-policy` became the cluster's `eviction_policy`");
    }
    if mapped.iter().any(|m| m == "cluster-enabled") {
        note.push_str(
            "; `cluster-enabled` is reported with the cluster (DigitalOcean Valkey is not sharded)",
        );
    }
    if !dropped.is_empty() {
        let list = dropped
            .iter()
            .map(|d| format!("`{d}`"))
            .collect::<Vec<_>>()
            .join(", ");
        cx.diag(
            Diagnostic::new(
                Code::ArgumentDropped,
                format!("`{}`: {what} {list} not carried over", r.address()),
            )
            .at(r.loc_of(block))
            .resource(r.address())
            .help(format!(
                "DigitalOcean manages engine {what}; set the values the application needs with {config}"
            )),
        );
    }
    match targets.first().cloned() {
        Some(first) => {
            cx.absorb(r, &first, note);
            if let Some(rec) = cx.st.outcomes.get_mut(r.address()) {
                rec.targets = targets;
            }
        }
        None => cx.drop(r, format!("no cluster in this stack uses it; {note}")),
    }
    let unmapped = || {
        Export::Unmapped(
            format!(
                "DigitalOcean has no {} groups",
                if is_option_group {
                    "option"
                } else {
                    "parameter"
                }
            )
            .into(),
        )
    };
    for a in ["id", "name", "arn"] {
        cx.export(r, a, unmapped());
    }
}

/// A PostgreSQL or MySQL parameter group used by mapped clusters: the parameters
/// `facts::db_params` maps become a `digitalocean_database_postgresql_config` /
/// `_mysql_config` per cluster (known gap #74); the others are listed in one F303 note with the
/// reason each is not carried. A group shared by several clusters gives each its own config (a
/// DigitalOcean config belongs to one cluster); an Aurora cluster's cluster and instance
/// parameter groups share one config, the first group's value winning where both set a
/// parameter. Returns `false` when there is nothing to carry (no cluster of these engines, or
/// no parameter the table maps): the caller absorbs the group as before.
fn sql_parameter_group(r: &Resource, cx: &mut Cx<'_>, targets: &[String], family: &str) -> bool {
    use crate::facts::db_params::{self as params, Value};
    // The engine of the emitted cluster, which saw `engine` and `engine_version`; the family
    // when the cluster does not say.
    let cluster_engine = targets.first().and_then(|t| {
        let e = cx.st.emitted.iter().find(|e| &e.address() == t)?;
        match e.body.get("engine")? {
            Expression::String(s) if s == "pg" => Some(DoEngine::Pg),
            Expression::String(s) if s == "mysql" => Some(DoEngine::Mysql),
            _ => None,
        }
    });
    let engine = match cluster_engine.or_else(|| family_engine(family)) {
        Some(e @ (DoEngine::Pg | DoEngine::Mysql)) => e,
        _ => return false,
    };
    let (table, config_ty) = match engine {
        DoEngine::Pg => (params::POSTGRES, engine.config_resource()),
        _ => (params::MYSQL, engine.config_resource()),
    };
    let mut carried: Vec<(&'static str, Expression, String)> = Vec::new();
    let mut conversions: Vec<String> = Vec::new();
    let mut dropped: Vec<String> = Vec::new();
    for p in hclx::blocks(&r.body, "parameter") {
        let Some(name) = hclx::attr(&p, "name").and_then(|e| cx.eval.string(e)) else {
            continue;
        };
        let Some(param) = params::lookup(table, &name) else {
            let reason = params::unmapped_reason(&name)
                .map(str::to_string)
                .unwrap_or_else(|| format!("`{config_ty}` has no counterpart"));
            dropped.push(format!("`{name}` ({reason})"));
            continue;
        };
        let raw = match hclx::attr(&p, "value") {
            Some(Expression::String(s)) => Ok(s.clone()),
            Some(Expression::Number(n)) => Ok(n.to_string()),
            Some(Expression::Bool(b)) => Ok(b.to_string()),
            Some(e) => Err(format!(
                "the value `{}` is an expression; set `{}` in the emitted config by hand",
                hclx::inline(e),
                param.attr
            )),
            None => Err("no value".to_string()),
        };
        let converted = raw.and_then(|raw| params::convert(param, &raw));
        match converted {
            Ok(_) if carried.iter().any(|(a, _, _)| *a == param.attr) => {
                dropped.push(format!(
                    "`{name}` (set twice in the group; the first is kept)"
                ));
            }
            Ok((value, note)) => {
                let expr = match value {
                    Value::Int(n) => Expression::Number(n.into()),
                    Value::Float(f) => {
                        Expression::Number(hcl::Number::from_f64(f).unwrap_or(0.into()))
                    }
                    Value::Bool(b) => Expression::Bool(b),
                    Value::Str(s) => Expression::String(s),
                };
                conversions.extend(note);
                carried.push((param.attr, expr, name));
            }
            Err(reason) => dropped.push(format!("`{name}` ({reason})")),
        }
    }
    if carried.is_empty() {
        return false;
    }
    let mut configs: Vec<String> = Vec::new();
    let mut overrides: Vec<String> = Vec::new();
    for target in targets {
        let Some(cluster) = cx.st.emitted.iter().find(|e| &e.address() == target) else {
            continue;
        };
        let meta = Meta {
            count: cluster.meta.count.clone(),
            for_each: cluster.meta.for_each.clone(),
            ..Meta::default()
        };
        let cluster_name = cluster.name.clone();
        let cluster_id = self_ref(target, &meta, "id");
        // An Aurora cluster's other parameter group may have written its config already.
        let existing = cx
            .st
            .emitted
            .iter_mut()
            .find(|e| e.ty == config_ty && e.body.get("cluster_id") == Some(&cluster_id));
        if let Some(e) = existing {
            let by = e.origin.clone().unwrap_or_default();
            // On Aurora a DB (instance) parameter group's value takes precedence over the
            // cluster parameter group's.
            let instance_wins = r.ty == "aws_db_parameter_group"
                && by.starts_with("aws_rds_cluster_parameter_group.");
            for (attr, expr, name) in &carried {
                if e.body.get(attr).is_none() {
                    e.body.set(*attr, expr.clone());
                } else if instance_wins {
                    e.body.set(*attr, expr.clone());
                    overrides.push(format!(
                        "`{name}` overrides the value of `{by}`, as on Aurora"
                    ));
                } else {
                    dropped.push(format!("`{name}` (set by `{by}`, whose value is kept)"));
                }
            }
            configs.push(e.address());
            continue;
        }
        let mut body = OutBody::new();
        body.set("cluster_id", cluster_id);
        for (attr, expr, _) in &carried {
            body.set(*attr, expr.clone());
        }
        let mut at = r.clone();
        at.meta = meta;
        let name = if targets.len() == 1 {
            r.name.clone()
        } else {
            format!("{}_{cluster_name}", r.name)
        };
        configs.push(cx.emit_as(&at, Mode::Managed, config_ty, &name, body));
    }
    if configs.is_empty() {
        return false;
    }
    let list = |v: &[String]| v.join(", ");
    let names: Vec<String> = carried
        .iter()
        .map(|(a, _, n)| {
            if n == a {
                format!("`{n}`")
            } else {
                format!("`{n}` → `{a}`")
            }
        })
        .collect();
    let mut note = format!(
        "parameters {} carried to {}",
        list(&names),
        configs
            .iter()
            .map(|c| format!("`{c}`"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if !conversions.is_empty() {
        note.push_str(&format!(" ({})", list(&conversions)));
    }
    if targets.len() > 1 {
        note.push_str("; each cluster using the group gets its own config");
    }
    if !overrides.is_empty() {
        note.push_str(&format!("; {}", list(&overrides)));
    }
    cx.st.outcomes.insert(
        r.address().to_string(),
        OutcomeRec {
            outcome: Outcome::Mapped,
            targets: configs.clone(),
            note: Some(note),
        },
    );
    if !dropped.is_empty() {
        cx.diag(
            Diagnostic::new(
                Code::ArgumentDropped,
                format!(
                    "`{}`: parameters not carried over: {}",
                    r.address(),
                    dropped.join("; ")
                ),
            )
            .at(r.loc_of("parameter"))
            .resource(r.address())
            .help(format!(
                "the parameters DigitalOcean takes were carried to `{}`; set any other value the application needs there, among the attributes `{config_ty}` offers",
                configs[0]
            )),
        );
    }
    for a in ["id", "name", "arn"] {
        cx.export(
            r,
            a,
            Export::Unmapped("DigitalOcean has no parameter groups".into()),
        );
    }
    true
}
