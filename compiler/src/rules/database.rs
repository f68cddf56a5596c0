//! Managed relational and document databases: RDS, Aurora and DocumentDB →
//! `digitalocean_database_cluster` (+ `_db`, `_user`, `_replica`). Cluster instances fold into
//! their cluster's node count; subnet and option groups are absorbed; parameter groups carry
//! the parameters DigitalOcean offers into `digitalocean_database_{postgresql,mysql}_config`
//! (`facts::db_params`).
//!
//! Sizes, versions and node counts come from `facts::db` (mapping facts §3, §5). The helpers at
//! the end are shared with `rules::cache` (ElastiCache).

use super::{Cx, Export, OutcomeRec, Phase, RuleDef};
use crate::diag::{Code, Diagnostic, Severity};
use crate::facts::db::{self as facts, DbSize, DoEngine, SizeChoice};
use crate::hclx;
use crate::origin::{Meta, Mode, Resource};
use crate::out::OutBody;
use crate::report::Outcome;
use crate::source::Loc;
use hcl::Expression;
use hcl::expr::TraversalOperator as Op;
use std::collections::BTreeSet;

const CLUSTER: &str = "digitalocean_database_cluster";
const DB: &str = "digitalocean_database_db";
const USER: &str = "digitalocean_database_user";
const REPLICA: &str = "digitalocean_database_replica";
const PG_CONFIG: &str = "digitalocean_database_postgresql_config";
const MYSQL_CONFIG: &str = "digitalocean_database_mysql_config";
const POOL: &str = "digitalocean_database_connection_pool";

pub const RULES: &[RuleDef] = &[
    RuleDef {
        ty: "aws_db_instance",
        mode: Mode::Managed,
        phase: Phase::Primary,
        produces: &[CLUSTER, DB, USER, REPLICA],
        args: &[
            // Carried into a database firewall by the security-group rule.
            "vpc_security_group_ids",
            "identifier",
            "identifier_prefix",
            "engine",
            "engine_version",
            "instance_class",
            "multi_az",
            "allocated_storage",
            "max_allocated_storage",
            "storage_type",
            "db_name",
            "name",
            "username",
            "password",
            "manage_master_user_password",
            "maintenance_window",
            "db_subnet_group_name",
            "parameter_group_name",
            "option_group_name",
            "replicate_source_db",
            "skip_final_snapshot",
            "apply_immediately",
            "auto_minor_version_upgrade",
            "allow_major_version_upgrade",
            "availability_zone",
            // Read: `true` keeps references to the address on the cluster's public `host`.
            "publicly_accessible",
        ],
        summary: "RDS instance → digitalocean_database_cluster (pg/mysql; multi_az → a standby node), db_name → _db, username → _user, read replica → _replica",
        map: db_instance,
    },
    RuleDef {
        ty: "aws_rds_cluster",
        mode: Mode::Managed,
        phase: Phase::Primary,
        produces: &[CLUSTER, DB, USER],
        args: &[
            // Carried into a database firewall by the security-group rule.
            "vpc_security_group_ids",
            "cluster_identifier",
            "cluster_identifier_prefix",
            "engine",
            "engine_version",
            "engine_mode",
            "database_name",
            "master_username",
            "master_password",
            "manage_master_user_password",
            "serverlessv2_scaling_configuration",
            "scaling_configuration",
            "db_cluster_instance_class",
            "allocated_storage",
            "storage_type",
            "preferred_maintenance_window",
            "db_subnet_group_name",
            "db_cluster_parameter_group_name",
            "db_instance_parameter_group_name",
            "skip_final_snapshot",
            "apply_immediately",
            "allow_major_version_upgrade",
            "availability_zones",
            // A secondary cluster of a global database becomes a read replica.
            "global_cluster_identifier",
        ],
        summary: "Aurora / Multi-AZ DB cluster → one digitalocean_database_cluster (node_count = instances, at most 3; serverless → fixed size for the maximum capacity)",
        map: rds_cluster,
    },
    RuleDef {
        ty: "aws_rds_global_cluster",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &[
            "global_cluster_identifier",
            "engine",
            "engine_version",
            "database_name",
            "storage_encrypted",
            "deletion_protection",
            "force_destroy",
            "source_db_cluster_identifier",
        ],
        summary: "Aurora global database → absorbed into its primary cluster; secondary clusters become read replicas of it",
        map: global_cluster,
    },
    RuleDef {
        ty: "aws_rds_cluster_instance",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &[
            "cluster_identifier",
            "identifier",
            "identifier_prefix",
            "instance_class",
            "engine",
            "engine_version",
            "db_subnet_group_name",
            "db_parameter_group_name",
            "apply_immediately",
            "auto_minor_version_upgrade",
            "availability_zone",
            "promotion_tier",
            "preferred_maintenance_window",
        ],
        summary: "Aurora instance → a node of its cluster's digitalocean_database_cluster",
        map: cluster_instance,
    },
    RuleDef {
        ty: "aws_docdb_cluster",
        mode: Mode::Managed,
        phase: Phase::Primary,
        produces: &[CLUSTER, USER],
        args: &[
            // Carried into a database firewall by the security-group rule.
            "vpc_security_group_ids",
            "cluster_identifier",
            "cluster_identifier_prefix",
            "engine",
            "engine_version",
            "master_username",
            "master_password",
            "manage_master_user_password",
            "preferred_maintenance_window",
            "db_subnet_group_name",
            "db_cluster_parameter_group_name",
            "skip_final_snapshot",
            "apply_immediately",
            "allow_major_version_upgrade",
            "availability_zones",
        ],
        summary: "DocumentDB cluster → digitalocean_database_cluster engine mongodb (wire-compatible, not identical)",
        map: docdb_cluster,
    },
    RuleDef {
        ty: "aws_docdb_cluster_instance",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &[
            "cluster_identifier",
            "identifier",
            "identifier_prefix",
            "instance_class",
            "engine",
            "apply_immediately",
            "auto_minor_version_upgrade",
            "availability_zone",
            "promotion_tier",
            "preferred_maintenance_window",
        ],
        summary: "DocumentDB instance → a node of its cluster's digitalocean_database_cluster",
        map: cluster_instance,
    },
    RuleDef {
        ty: "aws_db_subnet_group",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &["name", "name_prefix", "description", "subnet_ids"],
        summary: "DB subnet group → absorbed into the VPC (clusters join it with private_network_uuid)",
        map: subnet_group,
    },
    RuleDef {
        ty: "aws_docdb_subnet_group",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &["name", "name_prefix", "description", "subnet_ids"],
        summary: "DocumentDB subnet group → absorbed into the VPC (clusters join it with private_network_uuid)",
        map: subnet_group,
    },
    RuleDef {
        ty: "aws_db_parameter_group",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[PG_CONFIG, MYSQL_CONFIG],
        args: PARAMETER_GROUP_ARGS,
        summary: "DB parameter group → digitalocean_database_postgresql_config / _mysql_config per cluster using it, for the parameters DigitalOcean offers (units converted); otherwise absorbed",
        map: parameter_group,
    },
    RuleDef {
        ty: "aws_rds_cluster_parameter_group",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[PG_CONFIG, MYSQL_CONFIG],
        args: PARAMETER_GROUP_ARGS,
        summary: "Aurora cluster parameter group → the cluster's digitalocean_database_postgresql_config / _mysql_config, for the parameters DigitalOcean offers (units converted); otherwise absorbed",
        map: parameter_group,
    },
    RuleDef {
        ty: "aws_docdb_cluster_parameter_group",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: PARAMETER_GROUP_ARGS,
        summary: "DocumentDB parameter group → absorbed into the clusters using it (DigitalOcean manages engine parameters)",
        map: parameter_group,
    },
    RuleDef {
        ty: "aws_db_proxy",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[POOL],
        args: &[
            "name",
            "engine_family",
            "auth",
            "role_arn",
            "vpc_subnet_ids",
            // Carried into the database firewall by the security-group rule.
            "vpc_security_group_ids",
            "debug_logging",
            "idle_client_timeout",
            "require_tls",
        ],
        summary: "RDS Proxy → digitalocean_database_connection_pool (PgBouncer, transaction mode) on its target's PostgreSQL cluster; for MySQL, clients reach the cluster directly",
        map: db_proxy,
    },
    RuleDef {
        ty: "aws_db_proxy_default_target_group",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &["db_proxy_name", "connection_pool_config"],
        summary: "RDS Proxy target group → absorbed into its proxy's connection pool (`max_connections_percent` sizes the pool)",
        map: db_proxy_part,
    },
    RuleDef {
        ty: "aws_db_proxy_target",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &[
            "db_proxy_name",
            "target_group_name",
            "db_cluster_identifier",
            "db_instance_identifier",
        ],
        summary: "RDS Proxy target → absorbed into its proxy's connection pool (the cluster the pool is on)",
        map: db_proxy_part,
    },
    RuleDef {
        ty: "aws_db_proxy_endpoint",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &[
            "db_proxy_name",
            "db_proxy_endpoint_name",
            "vpc_subnet_ids",
            "vpc_security_group_ids",
            "target_role",
        ],
        summary: "RDS Proxy endpoint → absorbed into its proxy's connection pool (no read-only endpoint: reads go to the primary)",
        map: db_proxy_part,
    },
    RuleDef {
        ty: "aws_db_option_group",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &[
            "name",
            "name_prefix",
            "option_group_description",
            "engine_name",
            "major_engine_version",
            "option",
        ],
        summary: "DB option group → absorbed into the clusters using it (DigitalOcean manages engine options)",
        map: parameter_group,
    },
    RuleDef {
        ty: "aws_db_instance",
        mode: Mode::Data,
        phase: Phase::Primary,
        produces: &[],
        args: &["db_instance_identifier"],
        summary: "existing RDS instance (data source) → one input variable per attribute the stack reads (F311)",
        map: existing_db_instance,
    },
    RuleDef {
        ty: "aws_rds_cluster",
        mode: Mode::Data,
        phase: Phase::Primary,
        produces: &[],
        args: &["cluster_identifier"],
        summary: "existing Aurora cluster (data source) → one input variable per attribute the stack reads (F311)",
        map: existing_rds_cluster,
    },
];

pub(super) const PARAMETER_GROUP_ARGS: &[&str] =
    &["name", "name_prefix", "family", "description", "parameter"];

// ---- aws_db_instance ---------------------------------------------------------------------------

fn db_instance(r: &Resource, cx: &mut Cx<'_>) {
    if cx.expr(r, "replicate_source_db").is_some() {
        replica(r, cx);
        return;
    }
    let Some(aws_engine) = engine_of(cx, r, "engine", None) else {
        return;
    };
    let engine = match rds_engine(&aws_engine) {
        Ok(e) => e,
        Err((message, help)) => {
            cx.unsupported(
                r,
                Code::UnsupportedValue,
                format!("`{}`: {message}", r.address()),
                help,
            );
            return;
        }
    };
    let version = engine_version(cx, r, engine, &aws_engine);
    let multi_az = cx.bool(r, "multi_az").unwrap_or(false);
    let mut notes = Vec::new();
    let size = match class_size(cx, r, "instance_class", engine) {
        Some(ClassSize::Size(s)) => s,
        Some(ClassSize::Serverless) | None => default_size(engine),
    };
    let (size, node_count) = fit_nodes(
        cx,
        r,
        "multi_az",
        engine,
        size,
        if multi_az { 2 } else { 1 },
    );
    let name = cx.unique_name(
        r,
        cx.expr(r, "identifier")
            .or_else(|| cx.expr(r, "identifier_prefix")),
        &r.name,
    );
    let vpc = vpc_for(cx, r, &["db_subnet_group_name"]);
    let mut body = cluster_body(
        cx,
        name,
        &ClusterSpec {
            engine,
            version,
            size,
            node_count,
            storage_mib: storage_mib(cx, r, "allocated_storage"),
            eviction_policy: None,
        },
        vpc,
    );
    notes.extend(storage_note(&body, size));
    maintenance_window(cx, r, "maintenance_window", &mut body);
    storage_autoscale(cx, r, &mut body);
    let addr = cx.emit(r, CLUSTER, body);

    let db = database(cx, r, &addr, &["db_name", "name"]);
    master_user(cx, r, &addr, "username", engine, &mut notes);
    admin_password(cx, r, "password", engine);

    let host = if cx.bool(r, "publicly_accessible") == Some(true) {
        "host"
    } else {
        host_attr(cx, &addr)
    };
    cx.export(r, "endpoint", endpoint(&addr, host));
    attr(cx, r, "address", &addr, host);
    attr(cx, r, "port", &addr, "port");
    attr(cx, r, "username", &addr, "user");
    attr(cx, r, "password", &addr, "password");
    for key in ["db_name", "name"] {
        match &db {
            Some(db) => attr(cx, r, key, db, "name"),
            None => attr(cx, r, key, &addr, "database"),
        }
    }
    attr(cx, r, "arn", &addr, "urn");
    attr(cx, r, "id", &addr, "id");
    attr(cx, r, "resource_id", &addr, "id");
    cx.export(
        r,
        "master_user_secret",
        Export::Unmapped(NO_MASTER_SECRET.into()),
    );
    attr(cx, r, "identifier", &addr, "name");
    attr(cx, r, "engine_version_actual", &addr, "version");
    // The version DigitalOcean runs (`14.3` may have become `15`), not the origin's.
    attr(cx, r, "engine_version", &addr, "version");
    export_origin(cx, r, "engine");
    cx.export(r, "hosted_zone_id", Export::Unmapped(NO_ZONE.into()));
    if !notes.is_empty() {
        cx.note(r, notes.join("; "));
    }
}

// ---- data.aws_db_instance, data.aws_rds_cluster ------------------------------------------------

/// How one attribute of an existing database (outside the stack) is read in the deployment
/// stack: an input variable of `ty` (HCL type name) described as `what`, or a template over
/// other inputs (`endpoint` is `"<address>:<port>"`).
enum Input {
    Var(&'static str, &'static str),
    Endpoint {
        host: &'static str,
        port: &'static str,
    },
}

/// `data.aws_db_instance` attributes Ferry can ask the operator for.
const DB_INSTANCE_INPUTS: &[(&str, Input)] = &[
    ("address", Input::Var("string", "Host name")),
    ("port", Input::Var("number", "Port")),
    (
        "endpoint",
        Input::Endpoint {
            host: "address",
            port: "port",
        },
    ),
    ("db_name", Input::Var("string", "Database name")),
    ("master_username", Input::Var("string", "Master user name")),
    ("engine", Input::Var("string", "Engine (e.g. `postgres`)")),
    ("engine_version", Input::Var("string", "Engine version")),
    ("db_instance_identifier", Input::Var("string", "Identifier")),
    ("id", Input::Var("string", "Identifier")),
];

/// `data.aws_rds_cluster` attributes Ferry can ask the operator for.
const RDS_CLUSTER_INPUTS: &[(&str, Input)] = &[
    ("endpoint", Input::Var("string", "Host name of the writer")),
    (
        "reader_endpoint",
        Input::Var("string", "Host name of the readers"),
    ),
    ("port", Input::Var("number", "Port")),
    ("database_name", Input::Var("string", "Database name")),
    ("master_username", Input::Var("string", "Master user name")),
    (
        "engine",
        Input::Var("string", "Engine (e.g. `aurora-postgresql`)"),
    ),
    ("engine_version", Input::Var("string", "Engine version")),
    ("cluster_identifier", Input::Var("string", "Identifier")),
    ("id", Input::Var("string", "Identifier")),
];

fn existing_db_instance(r: &Resource, cx: &mut Cx<'_>) {
    existing_database(r, cx, "db_instance_identifier", DB_INSTANCE_INPUTS);
}

fn existing_rds_cluster(r: &Resource, cx: &mut Cx<'_>) {
    existing_database(r, cx, "cluster_identifier", RDS_CLUSTER_INPUTS);
}

/// A database the origin reads but does not create (`data "aws_db_instance"`): it stays where
/// it is, and every attribute the stack reads becomes an input variable of the deployment
/// stack, `var.db_<name>_<attribute>` (no default: the operator sets it when the appliance is
/// deployed, F311), so a connection string keeps its shape instead of collapsing to its
/// literals. `endpoint` is composed from the address and port inputs. AWS-only attributes
/// (ARNs, security groups, hosted zones) have no value to ask for and stay `null` (F401).
///
/// Inputs are declared in the module that reads the data source; callers of a local module
/// pass them on (`pipeline`, like every input without a default that a rule declares).
fn existing_database(r: &Resource, cx: &mut Cx<'_>, id_key: &str, inputs: &[(&str, Input)]) {
    let label = cx
        .expr(r, id_key)
        .and_then(|e| cx.eval.string(&e))
        .map(|id| format!("`{id}`"))
        .unwrap_or_else(|| format!("`{}`", r.address()));
    let base = format!("db_{}", super::var_ident(&r.name));
    let read = attrs_read(cx, r);
    let mut declared: Vec<String> = Vec::new();
    let mut declare = |cx: &mut Cx<'_>, attr: &str, ty: &str, what: &str| -> Expression {
        let name = format!("{base}_{attr}");
        let mut v = OutBody::new();
        v.set(
            "description",
            Expression::String(format!(
                "{what} of the existing database {label}, which the appliance connects to; set when the appliance is deployed."
            )),
        );
        v.set("type", hclx::path(&[ty]));
        let e = cx.variable(&name, v);
        if !declared.contains(&name) {
            declared.push(name);
        }
        e
    };
    for attr in &read {
        let Some((_, input)) = inputs.iter().find(|(a, _)| a == attr) else {
            continue;
        };
        let export = match input {
            Input::Var(ty, what) => Export::Expr(declare(cx, attr, ty, what)),
            Input::Endpoint { host, port } => {
                let host_var = declare(cx, host, "string", "Host name");
                let port_var = declare(cx, port, "number", "Port");
                Export::Expr(
                    hclx::parse_expr(&format!(
                        "\"${{{}}}:${{{}}}\"",
                        hclx::inline(&host_var),
                        hclx::inline(&port_var)
                    ))
                    .unwrap_or(Expression::Null),
                )
            }
        };
        cx.export(r, attr.clone(), export);
    }
    for attr in &read {
        if !inputs.iter().any(|(a, _)| a == attr) {
            cx.export(
                r,
                attr.clone(),
                Export::Unmapped(format!(
                    "`{attr}` is an AWS property of the existing database {label}, with no value an appliance on DigitalOcean could use"
                ).into()),
            );
        }
    }
    let vars = declared
        .iter()
        .map(|n| format!("`var.{n}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let note = if declared.is_empty() {
        format!(
            "the existing database {label} stays outside the appliance; the stack reads none of its attributes that could be set"
        )
    } else {
        format!(
            "the existing database {label} stays outside the appliance; what the stack reads of it comes from inputs: {vars}"
        )
    };
    cx.st.outcomes.insert(
        r.address().to_string(),
        OutcomeRec {
            outcome: Outcome::Absorbed,
            targets: vec![],
            note: Some(note),
        },
    );
    if !declared.is_empty() {
        cx.diag(
            Diagnostic::new(
                Code::ExistingObjectInput,
                format!(
                    "`{}` reads the existing database {label}, which the stack does not create: {vars} must be set when the appliance is deployed",
                    r.address()
                ),
            )
            .at(r.loc.clone())
            .resource(r.address())
            .help("set the inputs to the database's connection details; it must be reachable from the appliance's DigitalOcean region (a public endpoint with its firewall open to the appliance, or a VPN), or move the data into a database the stack creates"),
        );
    }
}

/// Calls `f` on the expression of every attribute of `body` and of its nested blocks.
fn body_exprs(body: &hcl::Body, f: &mut dyn FnMut(&Expression)) {
    for s in body.iter() {
        match s {
            hcl::Structure::Attribute(a) => f(a.expr()),
            hcl::Structure::Block(b) => body_exprs(&b.body, f),
        }
    }
}

/// The attributes of the data source `r` read anywhere in the module, in order of first use.
fn attrs_read(cx: &Cx<'_>, r: &Resource) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut scan = |e: &Expression| {
        hclx::walk(e, &mut |x| {
            let Some(("data", [Op::GetAttr(ty), Op::GetAttr(n), rest @ ..])) =
                hclx::traversal_root(x)
            else {
                return;
            };
            if ty.as_str() != r.ty || n.as_str() != r.name {
                return;
            }
            if let Some(Op::GetAttr(a)) = rest.iter().find(|o| matches!(o, Op::GetAttr(_)))
                && !out.iter().any(|o| o == a.as_str())
            {
                out.push(a.as_str().to_string());
            }
        });
    };
    let refs = cx.referrers(r);
    for res in refs.resources {
        body_exprs(&res.body, &mut scan);
    }
    for l in refs.locals {
        scan(&l.expr);
    }
    for n in refs.outputs.into_iter().chain(refs.calls) {
        body_exprs(&n.body, &mut scan);
    }
    out
}

const NO_ZONE: &str =
    "DigitalOcean database hosts are not in a Route 53 zone; point records at the cluster's `host`";

/// An RDS read replica → `digitalocean_database_replica` attached to the source's cluster.
fn replica(r: &Resource, cx: &mut Cx<'_>) {
    let Some(source) = cx
        .referenced(r, "replicate_source_db")
        .filter(|s| s.ty == "aws_db_instance")
    else {
        if let Some(e) = hclx::attr(&r.body, "replicate_source_db")
            && let Some(primary) = cx.xmod.db_sources.get(&hclx::inline(e)).cloned()
        {
            foreign_replica(r, cx, e.clone(), &primary);
            return;
        }
        cx.unsupported(
            r,
            Code::UnsupportedValue,
            format!(
                "`{}` replicates a database that is not part of this stack",
                r.address()
            ),
            "DigitalOcean read replicas attach to a cluster of the same appliance: declare the source `aws_db_instance` in this stack, or pass the external database's endpoint in as a variable",
        );
        return;
    };
    // DigitalOcean replicas attach to a primary cluster; follow replicas of replicas to it.
    let mut root = source;
    // The index of the reference that reached `root` (`aws_db_instance.main[1].identifier`).
    let mut root_index = cx
        .expr(r, "replicate_source_db")
        .map(|e| index_ops_of(&e, &source.ty, &source.name))
        .unwrap_or_default();
    let mut hops = 0;
    while hops < 8 {
        let Some(e) = hclx::attr(&root.body, "replicate_source_db") else {
            break;
        };
        match cx.resolve_ref(e) {
            Some(up) if up.ty == "aws_db_instance" => {
                root_index = index_ops_of(e, &up.ty, &up.name);
                root = up;
                hops += 1;
            }
            _ => break,
        }
    }
    if hops > 0 {
        cx.diag(
            Diagnostic::new(
                Code::FeatureUnsupported,
                format!(
                    "`{}` replicates another replica; DigitalOcean replicas attach to the primary cluster, so it replicates `{}` directly",
                    r.address(),
                    root.address()
                ),
            )
            .at(r.loc_of("replicate_source_db"))
            .resource(r.address())
            .help("point `replicate_source_db` at the primary database"),
        );
    }
    let root_engine = hclx::attr(&root.body, "engine").and_then(|e| cx.eval.string(e));
    let root_class = hclx::attr(&root.body, "instance_class").and_then(|e| cx.eval.string(e));
    // `cluster_id = aws_db_instance.<root>[idx].id`: the reference pass turns it into the
    // source cluster's id (with its index when the cluster repeats).
    let mut ops = vec![Op::GetAttr(hcl::Identifier::unchecked(root.name.as_str()))];
    ops.extend(root_index);
    ops.push(Op::GetAttr(hcl::Identifier::unchecked("id")));
    let cluster_id = hclx::traversal("aws_db_instance", ops);
    let primary = Primary {
        addr: root.address().to_string(),
        engine: root_engine,
        instance_class: root_class,
        how: String::new(),
    };
    emit_replica(r, cx, cluster_id, &primary);
}

/// The primary a replica attaches to, as [`emit_replica`] needs it.
struct Primary {
    /// Its address (in the report, with its module folder when it is another module's).
    addr: String,
    /// Its `engine` and `instance_class` when static.
    engine: Option<String>,
    instance_class: Option<String>,
    /// How the replica reaches its cluster, for the note (empty: a reference of this module).
    how: String,
}

/// A read replica of a primary database of another local module (`replicate_source_db =
/// var.replicate_source_db`, the caller passing `module.rds.arn`; `xmod::Facts::db_sources`).
/// The primary's module outputs its cluster's `urn` (for `arn`), `id` or `name` (for
/// `identifier`) there; the replica's `cluster_id` is the id in that URN (DigitalOcean URNs are
/// `do:dbaas:<id>`), the expression itself, or the `id` of a `digitalocean_database_cluster`
/// data source finding the cluster by that name.
fn foreign_replica(
    r: &Resource,
    cx: &mut Cx<'_>,
    source: Expression,
    primary: &crate::xmod::DbSource,
) {
    let read = hclx::inline(&source);
    let (cluster_id, how) = match primary.attr.as_str() {
        "arn" => {
            let mut f = hcl::expr::FuncCall::new(hcl::Identifier::unchecked("trimprefix"));
            f.args = vec![source, Expression::String("do:dbaas:".into())];
            (
                Expression::FuncCall(Box::new(f)),
                format!("attached by the id in the cluster URN `{read}` carries"),
            )
        }
        "identifier" => {
            let mut data = OutBody::new();
            data.set("name", source);
            let data_addr = cx.emit_as(r, Mode::Data, CLUSTER, &format!("{}_source", r.name), data);
            if let Some(d) = cx.emitted_mut(&data_addr) {
                // One lookup for every instance of the replica.
                d.meta = Default::default();
            }
            let id: Vec<&str> = data_addr.split('.').chain(["id"]).collect();
            (
                hclx::path(&id),
                format!("attached to the cluster `{data_addr}` finds by the name `{read}` carries"),
            )
        }
        _ => (
            source,
            format!("attached to the cluster id `{read}` carries"),
        ),
    };
    let p = Primary {
        addr: primary.addr.clone(),
        engine: primary.engine.clone(),
        instance_class: primary.instance_class.clone(),
        how: format!(" (another module), {how}"),
    };
    emit_replica(r, cx, cluster_id, &p);
}

/// The `digitalocean_database_replica` of `r`, attached to the cluster `cluster_id` names.
fn emit_replica(r: &Resource, cx: &mut Cx<'_>, cluster_id: Expression, primary: &Primary) {
    let engine = match rds_engine(primary.engine.as_deref().unwrap_or("postgres")) {
        Ok(e) => e,
        Err(_) => {
            quietly_unsupported(
                cx,
                r,
                format!("its source database `{}` cannot be mapped", primary.addr),
            );
            return;
        }
    };
    let size = match class_size(cx, r, "instance_class", engine) {
        Some(ClassSize::Size(s)) => s,
        Some(ClassSize::Serverless) | None => {
            match primary
                .instance_class
                .as_deref()
                .and_then(|c| facts::map_rds_class(engine, c))
            {
                Some(c) => c.size,
                None => default_size(engine),
            }
        }
    };
    if cx.bool(r, "multi_az") == Some(true) {
        cx.diag(
            Diagnostic::new(
                Code::FeatureUnsupported,
                format!(
                    "`{}`: DigitalOcean read replicas have no standby node; `multi_az` is not carried over",
                    r.address()
                ),
            )
            .at(r.loc_of("multi_az"))
            .resource(r.address())
            .help("rely on the primary cluster's standby nodes for failover"),
        );
    }
    let name = cx.unique_name(
        r,
        cx.expr(r, "identifier")
            .or_else(|| cx.expr(r, "identifier_prefix")),
        &r.name,
    );
    let mut body = OutBody::new();
    body.set("cluster_id", cluster_id);
    body.set("name", name);
    body.set("size", Expression::String(size.slug.into()));
    body.set("region", cx.region());
    body.set_opt("storage_size_mib", storage_mib(cx, r, "allocated_storage"));
    body.set_opt(
        "private_network_uuid",
        vpc_for(cx, r, &["db_subnet_group_name"]),
    );
    body.set("tags", cx.tags());
    let storage = storage_note(&body, size);
    let addr = cx.emit(r, REPLICA, body);
    let mut note = format!(
        "read replica of `{}`{}; DigitalOcean replicas are read-only and share the source cluster's users and databases",
        primary.addr, primary.how
    );
    if let Some(s) = storage {
        note = format!("{note}; {s}");
    }
    cx.note(r, note);
    let host = host_attr(cx, &addr);
    cx.export(r, "endpoint", endpoint(&addr, host));
    attr(cx, r, "address", &addr, host);
    attr(cx, r, "port", &addr, "port");
    attr(cx, r, "username", &addr, "user");
    attr(cx, r, "password", &addr, "password");
    attr(cx, r, "db_name", &addr, "database");
    attr(cx, r, "name", &addr, "database");
    attr(cx, r, "id", &addr, "id");
    attr(cx, r, "resource_id", &addr, "uuid");
    attr(cx, r, "identifier", &addr, "name");
    export_origin(cx, r, "engine");
    cx.export(
        r,
        "arn",
        Export::Unmapped("DigitalOcean read replicas have no URN; use the replica's `id`".into()),
    );
    cx.export(r, "hosted_zone_id", Export::Unmapped(NO_ZONE.into()));
}

/// The index operators that follow `ty.name` in a reference (`aws_db_instance.main[0].id` →
/// `[0]`).
fn index_ops_of(e: &Expression, ty: &str, name: &str) -> Vec<Op> {
    let mut out = Vec::new();
    hclx::walk(e, &mut |x| {
        if !out.is_empty() {
            return;
        }
        if let Some((root, [Op::GetAttr(n), rest @ ..])) = hclx::traversal_root(x)
            && root == ty
            && n.as_str() == name
        {
            out = rest
                .iter()
                .take_while(|o| matches!(o, Op::Index(_) | Op::LegacyIndex(_)))
                .cloned()
                .collect();
        }
    });
    out
}

// ---- aws_rds_cluster / aws_docdb_cluster -------------------------------------------------------

fn rds_cluster(r: &Resource, cx: &mut Cx<'_>) {
    if let Some(primary) = global_primary(cx, r).filter(|p| *p != r) {
        global_secondary(r, primary, cx);
        return;
    }
    let Some(aws_engine) = global_str(cx, r, "engine")
        .map(Some)
        .unwrap_or_else(|| engine_of(cx, r, "engine", Some("aurora")))
    else {
        return;
    };
    let aws_engine = engine_from_version(cx, r, aws_engine);
    let engine = match rds_engine(&aws_engine) {
        Ok(DoEngine::Mongodb) => Err(unknown_engine(&aws_engine)),
        other => other,
    };
    let engine = match engine {
        Ok(e) => e,
        Err((message, help)) => {
            cx.unsupported(
                r,
                Code::UnsupportedValue,
                format!("`{}`: {message}", r.address()),
                help,
            );
            return;
        }
    };
    let version = engine_version(cx, r, engine, &aws_engine);
    let instances = cx.referencing("aws_rds_cluster_instance", "cluster_identifier", r);
    let multi_az_db_cluster = !aws_engine.starts_with("aurora");
    let mut requested: u32 = instances.iter().map(|i| instance_count(cx, i)).sum();
    if instances.is_empty()
        && multi_az_db_cluster
        && cx.expr(r, "db_cluster_instance_class").is_some()
    {
        // A Multi-AZ DB cluster: one writer and two readable standbys.
        requested = 3;
    }
    let serverless = cx.str(r, "engine_mode").as_deref() == Some("serverless")
        || instances.iter().any(|i| {
            hclx::attr(&i.body, "instance_class")
                .and_then(|e| cx.eval.string(e))
                .is_some_and(|c| c == "db.serverless")
        })
        || (instances.is_empty()
            && !hclx::blocks(&r.body, "serverlessv2_scaling_configuration").is_empty());
    let size = if serverless {
        serverless_size(cx, r, engine)
    } else {
        let mut size = largest_instance_size(cx, r, &instances, engine);
        if size.is_none()
            && let Some(ClassSize::Size(s)) = class_size(cx, r, "db_cluster_instance_class", engine)
        {
            size = Some(s);
        }
        size.unwrap_or_else(|| default_size(engine))
    };
    if requested == 0 && !serverless {
        cx.diag(
            Diagnostic::new(
                Code::NearestMatch,
                format!(
                    "`{}` has no cluster instances in this stack; the DigitalOcean cluster gets one node",
                    r.address()
                ),
            )
            .at(r.loc.clone())
            .resource(r.address())
            .help("declare the `aws_rds_cluster_instance` resources in the same module so Ferry can count them and read their instance class"),
        );
        requested = 1;
    }
    let requested = requested.max(1);
    let (size, node_count) = fit_nodes(cx, r, "cluster_identifier", engine, size, requested);
    let name = cx.unique_name(
        r,
        cx.expr(r, "cluster_identifier")
            .or_else(|| cx.expr(r, "cluster_identifier_prefix")),
        &r.name,
    );
    let vpc = vpc_for(cx, r, &["db_subnet_group_name"]);
    let mut body = cluster_body(
        cx,
        name,
        &ClusterSpec {
            engine,
            version,
            size,
            node_count,
            storage_mib: storage_mib(cx, r, "allocated_storage"),
            eviction_policy: None,
        },
        vpc,
    );
    maintenance_window(cx, r, "preferred_maintenance_window", &mut body);
    let mut notes: Vec<String> = storage_note(&body, size).into_iter().collect();
    let addr = cx.emit(r, CLUSTER, body);
    if !instances.is_empty() {
        notes.push(if node_count > 1 {
            format!(
                "{requested} cluster instance(s) → node_count {node_count} (a primary and {} standby node(s); DigitalOcean standby nodes serve failover, not reads)",
                node_count - 1
            )
        } else {
            format!("{requested} cluster instance(s) → node_count {node_count}")
        });
    }
    let db = database(cx, r, &addr, &["database_name"]);
    master_user(cx, r, &addr, "master_username", engine, &mut notes);
    admin_password(cx, r, "master_password", engine);
    reader_endpoint_warning(cx, r, "reader_endpoint", NO_READER, READER_HELP);

    let host = host_attr(cx, &addr);
    attr(cx, r, "endpoint", &addr, host);
    attr(cx, r, "reader_endpoint", &addr, host);
    attr(cx, r, "port", &addr, "port");
    attr(cx, r, "master_username", &addr, "user");
    attr(cx, r, "master_password", &addr, "password");
    match &db {
        Some(db) => attr(cx, r, "database_name", db, "name"),
        None => attr(cx, r, "database_name", &addr, "database"),
    }
    attr(cx, r, "arn", &addr, "urn");
    attr(cx, r, "id", &addr, "id");
    attr(cx, r, "cluster_resource_id", &addr, "id");
    attr(cx, r, "cluster_identifier", &addr, "name");
    attr(cx, r, "engine_version_actual", &addr, "version");
    cx.export(
        r,
        "master_user_secret",
        Export::Unmapped(NO_MASTER_SECRET.into()),
    );
    // The version DigitalOcean runs (`14.3` may have become `15`), not the origin's.
    attr(cx, r, "engine_version", &addr, "version");
    export_origin(cx, r, "engine");
    cx.export(r, "hosted_zone_id", Export::Unmapped(NO_ZONE.into()));
    cx.export(
        r,
        "cluster_members",
        Export::Unmapped("DigitalOcean standby nodes are not separate resources".into()),
    );
    if !notes.is_empty() {
        cx.note(r, notes.join("; "));
    }
}

fn docdb_cluster(r: &Resource, cx: &mut Cx<'_>) {
    let engine = DoEngine::Mongodb;
    let aws_version = cx.str(r, "engine_version");
    cx.diag(
        Diagnostic::new(
            Code::FeatureUnsupported,
            format!(
                "`{}`: Amazon DocumentDB{} → DigitalOcean MongoDB {}: wire-compatible, not identical",
                r.address(),
                aws_version
                    .as_deref()
                    .map(|v| format!(" {v}"))
                    .unwrap_or_default(),
                facts::MONGODB_VERSION
            ),
        )
        .at(r.loc_of("engine_version"))
        .resource(r.address())
        .help("test the application against MongoDB 7.0: DocumentDB implements a subset of the MongoDB API and differs in index types, transactions and some operators; connection strings need DigitalOcean's `uri` (TLS, replica set)"),
    );
    let instances = cx.referencing("aws_docdb_cluster_instance", "cluster_identifier", r);
    let mut requested: u32 = instances.iter().map(|i| instance_count(cx, i)).sum();
    let size =
        largest_instance_size(cx, r, &instances, engine).unwrap_or_else(|| default_size(engine));
    if requested == 0 {
        cx.diag(
            Diagnostic::new(
                Code::NearestMatch,
                format!(
                    "`{}` has no cluster instances in this stack; the DigitalOcean cluster gets one node",
                    r.address()
                ),
            )
            .at(r.loc.clone())
            .resource(r.address())
            .help("declare the `aws_docdb_cluster_instance` resources in the same module so Ferry can count them and read their instance class"),
        );
        requested = 1;
    }
    let (size, node_count) = fit_nodes(cx, r, "cluster_identifier", engine, size, requested);
    let name = cx.unique_name(
        r,
        cx.expr(r, "cluster_identifier")
            .or_else(|| cx.expr(r, "cluster_identifier_prefix")),
        &r.name,
    );
    let vpc = vpc_for(cx, r, &["db_subnet_group_name"]);
    let mut body = cluster_body(
        cx,
        name,
        &ClusterSpec {
            engine,
            version: facts::MONGODB_VERSION,
            size,
            node_count,
            storage_mib: None,
            eviction_policy: None,
        },
        vpc,
    );
    maintenance_window(cx, r, "preferred_maintenance_window", &mut body);
    let addr = cx.emit(r, CLUSTER, body);
    let mut notes = Vec::new();
    if !instances.is_empty() {
        notes.push(format!(
            "{requested} cluster instance(s) → node_count {node_count} (a MongoDB replica set)"
        ));
    }
    master_user(cx, r, &addr, "master_username", engine, &mut notes);
    admin_password(cx, r, "master_password", engine);
    reader_endpoint_warning(cx, r, "reader_endpoint", NO_READER, READER_HELP);

    let host = host_attr(cx, &addr);
    attr(cx, r, "endpoint", &addr, host);
    attr(cx, r, "reader_endpoint", &addr, host);
    attr(cx, r, "port", &addr, "port");
    attr(cx, r, "master_username", &addr, "user");
    attr(cx, r, "master_password", &addr, "password");
    attr(cx, r, "arn", &addr, "urn");
    attr(cx, r, "id", &addr, "id");
    attr(cx, r, "cluster_resource_id", &addr, "id");
    attr(cx, r, "cluster_identifier", &addr, "name");
    export_origin(cx, r, "engine");
    cx.export(r, "hosted_zone_id", Export::Unmapped(NO_ZONE.into()));
    cx.export(
        r,
        "cluster_members",
        Export::Unmapped("DigitalOcean MongoDB nodes are not separate resources".into()),
    );
    if !notes.is_empty() {
        cx.note(r, notes.join("; "));
    }
}

/// `aws_rds_cluster_instance` / `aws_docdb_cluster_instance` → absorbed into its cluster.
/// `engine = aws_rds_global_cluster.x.engine` (and `engine_version`): the global cluster's own
/// value, which is static where the reference is not.
fn global_str(cx: &Cx<'_>, r: &Resource, key: &str) -> Option<String> {
    let e = hclx::attr(&r.body, key)?;
    let (root, ops) = hclx::traversal_root(e)?;
    let named = matches!(ops, [Op::GetAttr(_), Op::GetAttr(a)] if a.as_str() == key);
    if root != "aws_rds_global_cluster" || !named {
        return None;
    }
    let global = cx.resolve_ref(e)?;
    hclx::attr(&global.body, key).and_then(|v| cx.eval.string(v))
}

/// The primary cluster of the global database `r` joins: the first `aws_rds_cluster` of the
/// stack joining it that sets the master credentials (secondaries take them from the primary),
/// else the first that joins it.
fn global_primary<'a>(cx: &Cx<'a>, r: &Resource) -> Option<&'a Resource> {
    let global = cx
        .referenced(r, "global_cluster_identifier")
        .filter(|g| g.ty == "aws_rds_global_cluster")?;
    let members = cx.referencing("aws_rds_cluster", "global_cluster_identifier", global);
    let credentials = |c: &&&Resource| {
        [
            "master_username",
            "master_password",
            "manage_master_user_password",
        ]
        .iter()
        .any(|k| hclx::attr(&c.body, k).is_some())
    };
    members
        .iter()
        .find(credentials)
        .or_else(|| members.first())
        .copied()
}

/// A secondary cluster of an Aurora global database: a read-only copy of the primary in another
/// region → a `digitalocean_database_replica` of the primary's cluster, in the appliance's
/// region (an appliance has one; the F304 region warning says so when the providers differ).
fn global_secondary(r: &Resource, primary: &Resource, cx: &mut Cx<'_>) {
    let engine = global_str(cx, r, "engine")
        .or_else(|| global_str(cx, primary, "engine"))
        .or_else(|| hclx::attr(&primary.body, "engine").and_then(|e| cx.eval.string(e)))
        .and_then(|e| rds_engine(&e).ok())
        .unwrap_or(DoEngine::Pg);
    let instances = cx.referencing("aws_rds_cluster_instance", "cluster_identifier", r);
    let size =
        largest_instance_size(cx, r, &instances, engine).unwrap_or_else(|| default_size(engine));
    let name = cx.unique_name(
        r,
        cx.expr(r, "cluster_identifier")
            .or_else(|| cx.expr(r, "cluster_identifier_prefix")),
        &r.name,
    );
    let cluster_id = hclx::traversal(
        "aws_rds_cluster",
        vec![
            Op::GetAttr(hcl::Identifier::unchecked(primary.name.as_str())),
            Op::GetAttr(hcl::Identifier::unchecked("id")),
        ],
    );
    let mut body = OutBody::new();
    body.set("cluster_id", cluster_id);
    body.set("name", name);
    body.set("size", Expression::String(size.slug.into()));
    body.set("region", cx.region());
    body.set_opt(
        "private_network_uuid",
        vpc_for(cx, r, &["db_subnet_group_name"]),
    );
    body.set("tags", cx.tags());
    let addr = cx.emit(r, REPLICA, body);
    cx.note(
        r,
        format!(
            "secondary cluster of an Aurora global database → a read replica of `{}`, in the appliance's region; it is read-only, like the secondary, and shares the primary's users and databases",
            primary.address()
        ),
    );
    if instances.len() > 1 {
        cx.diag(
            Diagnostic::new(
                Code::NearestMatch,
                format!(
                    "`{}`: its {} instances become one read replica; DigitalOcean replicas have one node",
                    r.address(),
                    instances.len()
                ),
            )
            .at(r.loc.clone())
            .resource(r.address())
            .help("add `digitalocean_database_replica` resources for more read capacity"),
        );
    }
    let host = host_attr(cx, &addr);
    attr(cx, r, "endpoint", &addr, host);
    attr(cx, r, "reader_endpoint", &addr, host);
    attr(cx, r, "port", &addr, "port");
    attr(cx, r, "id", &addr, "id");
    attr(cx, r, "cluster_identifier", &addr, "name");
    attr(cx, r, "arn", &addr, "urn");
    for a in ["master_username", "database_name"] {
        cx.export(
            r,
            a,
            Export::Unmapped(
                format!(
                    "a read replica has no users or databases of its own; read them from `{}`",
                    primary.address()
                )
                .into(),
            ),
        );
    }
}

/// An Aurora global database: absorbed into its primary cluster (whose engine and version it
/// gave); its secondaries are read replicas of that cluster.
fn global_cluster(r: &Resource, cx: &mut Cx<'_>) {
    let members = cx.referencing("aws_rds_cluster", "global_cluster_identifier", r);
    let primary = members
        .first()
        .and_then(|m| global_primary(cx, m))
        .and_then(|p| cx.st.outcomes.get(p.address()))
        .and_then(|o| o.targets.first().cloned())
        .filter(|t| t.starts_with(CLUSTER));
    match primary {
        Some(cluster) => {
            let secondaries = members.len().saturating_sub(1);
            cx.absorb(
                r,
                &cluster,
                format!(
                    "a global database: its primary cluster is `{cluster}`{}",
                    if secondaries > 0 {
                        format!(
                            "; its {secondaries} secondary cluster(s) are read replicas of it in the appliance's region"
                        )
                    } else {
                        String::new()
                    }
                ),
            );
            attr(cx, r, "engine_version", &cluster, "version");
            attr(cx, r, "id", &cluster, "id");
        }
        None => cx.drop(r, "no cluster of this stack joins the global database"),
    }
    for a in [
        "arn",
        "global_cluster_resource_id",
        "global_cluster_members",
    ] {
        cx.export(
            r,
            a,
            Export::Unmapped("DigitalOcean has no global databases".into()),
        );
    }
}

fn cluster_instance(r: &Resource, cx: &mut Cx<'_>) {
    match cx.parent(r, "cluster_identifier") {
        Some(cluster) => {
            cx.absorb(
                r,
                &cluster,
                "a node of the DigitalOcean cluster (counted in its `node_count`; its class chose the cluster's `size`)",
            );
            let host = host_attr(cx, &cluster);
            attr(cx, r, "endpoint", &cluster, host);
            attr(cx, r, "address", &cluster, host);
            attr(cx, r, "port", &cluster, "port");
            attr(cx, r, "identifier", &cluster, "name");
            attr(cx, r, "cluster_identifier", &cluster, "name");
            attr(cx, r, "arn", &cluster, "urn");
            attr(cx, r, "id", &cluster, "id");
            export_origin(cx, r, "instance_class");
            cx.export(
                r,
                "writer",
                Export::Unmapped("DigitalOcean decides which node is the primary".into()),
            );
        }
        None => match cx.referenced(r, "cluster_identifier") {
            Some(c) => quietly_unsupported(
                cx,
                r,
                format!("its cluster `{}` could not be mapped", c.address()),
            ),
            None => cx.unsupported(
                r,
                Code::OrphanSubresource,
                format!(
                    "`{}` belongs to a cluster that is not part of this stack",
                    r.address()
                ),
                "declare the cluster in the same module",
            ),
        },
    }
}

// ---- subnet, parameter and option groups -------------------------------------------------------

/// A subnet group → absorbed into the VPC its subnets belong to (or the stack's VPC).
pub(super) fn subnet_group(r: &Resource, cx: &mut Cx<'_>) {
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
pub(super) fn parameter_group(r: &Resource, cx: &mut Cx<'_>) {
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

/// A part of an RDS Proxy (target group, target, extra endpoint): the proxy's rule records its
/// outcome; one whose proxy is not in the stack is dropped with that reason (the proxy's rule,
/// run later, overwrites the outcome).
fn db_proxy_part(r: &Resource, cx: &mut Cx<'_>) {
    if cx.st.outcomes.contains_key(r.address()) {
        return;
    }
    cx.drop(r, "its RDS Proxy is not part of this stack");
    if r.ty == "aws_db_proxy_endpoint" {
        cx.export(
            r,
            "endpoint",
            Export::Unmapped("its RDS Proxy is not part of this stack".into()),
        );
    }
}

/// A warning when the proxy requires IAM authentication (`auth { iam_auth = "REQUIRED" }`):
/// its clients log in with a token from `rds:GenerateDbAuthToken`, which DigitalOcean does not
/// accept; `reached` names what the clients now connect to.
fn iam_auth_warning(cx: &mut Cx<'_>, r: &Resource, reached: &str) {
    let iam = hclx::blocks(&r.body, "auth").into_iter().any(|a| {
        hclx::attr(&a, "iam_auth")
            .and_then(|e| cx.eval.string(e))
            .is_some_and(|v| v.eq_ignore_ascii_case("REQUIRED"))
    });
    if !iam {
        return;
    }
    cx.diag(
        Diagnostic::new(
            Code::FeatureUnsupported,
            format!(
                "`{}`: the proxy requires IAM authentication (`iam_auth = \"REQUIRED\"`); DigitalOcean databases take no IAM token, so clients that log in to {reached} with one from `rds:GenerateDbAuthToken` are refused",
                r.address()
            ),
        )
        .at(r.loc_of("auth"))
        .resource(r.address())
        .help("give the clients a user name and password of the cluster (its `user` and `password`, or a `digitalocean_database_user`'s) instead of an IAM token"),
    );
}

/// How many RDS Proxies of the module have a target naming the database `origin_db` (by
/// address): DigitalOcean shares a cluster's backend connections among all its pools, so their
/// sizes together must stay within the cluster's limit.
fn proxies_of(cx: &Cx<'_>, origin_db: &str) -> u32 {
    let Some(db) = cx
        .origin_of_type_any_mode("aws_rds_cluster")
        .into_iter()
        .chain(cx.origin_of_type_any_mode("aws_db_instance"))
        .find(|d| d.mode == Mode::Managed && d.address() == origin_db)
    else {
        return 1;
    };
    let mut proxies: BTreeSet<&str> = BTreeSet::new();
    for k in ["db_cluster_identifier", "db_instance_identifier"] {
        for t in cx.referencing("aws_db_proxy_target", k, db) {
            if let Some(p) = cx.referenced(t, "db_proxy_name") {
                proxies.insert(p.address());
            }
        }
    }
    u32::try_from(proxies.len()).unwrap_or(1)
}

/// RDS Proxy → a PgBouncer `digitalocean_database_connection_pool` on the PostgreSQL cluster its
/// `aws_db_proxy_target` names (mapping facts §3), in transaction mode (RDS Proxy multiplexes
/// client connections per transaction). The pool's size is the share of the cluster's backend
/// connections the target group allows (`max_connections_percent`, default 100): 25 per GiB of
/// the primary's memory, less 3 reserved (`digitalocean-openapi.yaml`, connection pool `size`).
/// The proxy's `endpoint` (and its endpoints') read the pool's host. DigitalOcean pools exist
/// for PostgreSQL only: a MySQL proxy is absorbed into the cluster, whose host clients then
/// reach directly, with a warning.
fn db_proxy(r: &Resource, cx: &mut Cx<'_>) {
    let targets: Vec<&Resource> = cx.referencing("aws_db_proxy_target", "db_proxy_name", r);
    let groups: Vec<&Resource> =
        cx.referencing("aws_db_proxy_default_target_group", "db_proxy_name", r);
    let endpoints: Vec<&Resource> = cx.referencing("aws_db_proxy_endpoint", "db_proxy_name", r);
    // The emitted cluster of the first target that names a mapped cluster or instance.
    let cluster = targets.iter().find_map(|t| {
        ["db_cluster_identifier", "db_instance_identifier"]
            .iter()
            .find_map(|k| {
                let origin = cx.referenced(t, k)?;
                let target = cx
                    .st
                    .outcomes
                    .get(origin.address())?
                    .targets
                    .first()
                    .filter(|a| a.starts_with(CLUSTER))?
                    .clone();
                Some((origin.address().to_string(), target))
            })
    });
    let Some((origin_db, cluster)) = cluster else {
        cx.unsupported(
            r,
            Code::UnsupportedResource,
            format!(
                "`{}`: no `aws_db_proxy_target` of this stack connects the proxy to a database Ferry maps",
                r.address()
            ),
            "add an `aws_db_proxy_target` naming the `aws_rds_cluster` or `aws_db_instance` of the stack (it becomes a DigitalOcean connection pool on that cluster), or point clients at the database directly",
        );
        for a in ["endpoint", "arn", "id", "name"] {
            cx.export(
                r,
                a,
                Export::Unmapped("the RDS Proxy has no DigitalOcean counterpart".into()),
            );
        }
        return;
    };
    let (engine, size, in_vpc, meta) = match cx.st.emitted.iter().find(|e| e.address() == cluster) {
        Some(e) => (
            match e.body.get("engine") {
                Some(Expression::String(s)) => s.clone(),
                _ => String::new(),
            },
            match e.body.get("size") {
                Some(Expression::String(s)) => facts::SQL_SIZES.iter().find(|z| z.slug == s),
                _ => None,
            },
            e.body.get("private_network_uuid").is_some(),
            Meta {
                count: e.meta.count.clone(),
                for_each: e.meta.for_each.clone(),
                ..Meta::default()
            },
        ),
        None => (String::new(), None, false, Meta::default()),
    };
    let host = if in_vpc { "private_host" } else { "host" };
    if engine != "pg" {
        let note = format!(
            "DigitalOcean connection pools are PostgreSQL only: clients of the proxy connect to `{cluster}` directly"
        );
        cx.absorb(r, &cluster, note.clone());
        cx.diag(
            Diagnostic::new(
                Code::FeatureUnsupported,
                format!(
                    "`{}`: DigitalOcean pools connections for PostgreSQL only, not for {}; the proxy's endpoint reads the cluster's `{host}`",
                    r.address(),
                    match engine.as_str() {
                        "mysql" => "MySQL",
                        "" => "this engine",
                        other => other,
                    }
                ),
            )
            .at(r.loc.clone())
            .resource(r.address())
            .help("clients open their connections to the cluster itself: keep their pools small (the cluster's connection limit follows its size), or run a pooler such as ProxySQL beside the application"),
        );
        for part in targets.iter().chain(&groups).chain(&endpoints) {
            cx.absorb(part, &cluster, note.clone());
        }
        attr(cx, r, "endpoint", &cluster, host);
        for e in &endpoints {
            attr(cx, e, "endpoint", &cluster, host);
        }
        iam_auth_warning(cx, r, &format!("the cluster `{cluster}`"));
        return;
    }
    // Which share of the cluster's connections the pool may take.
    let percent = groups
        .iter()
        .find_map(|g| {
            let c = hclx::blocks(&g.body, "connection_pool_config")
                .into_iter()
                .next()?;
            let e = hclx::attr(&c, "max_connections_percent")?;
            cx.eval.number(e)
        })
        .filter(|p| (1.0..=100.0).contains(p))
        .unwrap_or(100.0);
    // The cluster's backend connections are shared by all its pools: proxies of the stack
    // whose targets name the same database split them.
    let sharing = proxies_of(cx, &origin_db).max(1);
    let (pool_size, size_note) = match size {
        Some(z) => {
            let limit = (25 * z.memory_gib).saturating_sub(3).max(1);
            let n = ((f64::from(limit) * percent / 100.0 / f64::from(sharing)).floor() as u32)
                .max(1);
            let shared = if sharing > 1 {
                format!(", shared by the {sharing} proxies of this database")
            } else {
                String::new()
            };
            (
                n,
                format!(
                    "size {n}: {percent}% of the {limit} backend connections of `{}` (25 per GiB of memory, 3 reserved{shared})",
                    z.slug
                ),
            )
        }
        None => (
            10,
            "size 10: the cluster's size is not known here (DigitalOcean allows 25 backend connections per GiB of the primary's memory, 3 reserved)".to_string(),
        ),
    };
    // The database and user of the cluster, when the stack creates them.
    let (db_name, user) = {
        let outs = cx
            .st
            .outcomes
            .get(&origin_db)
            .map(|o| o.targets.clone())
            .unwrap_or_default();
        let db = outs
            .iter()
            .find(|t| t.starts_with("digitalocean_database_db."));
        let user = outs
            .iter()
            .find(|t| t.starts_with("digitalocean_database_user."));
        (
            db.map(|d| self_ref(d, &meta, "name"))
                .unwrap_or_else(|| Expression::String("defaultdb".into())),
            user.map(|u| self_ref(u, &meta, "name")),
        )
    };
    let mut body = OutBody::new();
    body.set("cluster_id", self_ref(&cluster, &meta, "id"));
    body.set(
        "name",
        cx.expr(r, "name")
            .unwrap_or_else(|| Expression::String(r.name.replace('_', "-"))),
    );
    body.set("mode", Expression::String("transaction".into()));
    body.set("size", Expression::Number(pool_size.into()));
    body.set("db_name", db_name);
    body.set_opt("user", user);
    let mut at = r.clone();
    at.meta = meta;
    let pool = cx.emit(&at, POOL, body);
    cx.note(
        r,
        format!("PgBouncer pool in transaction mode on `{cluster}`; {size_note}"),
    );
    iam_auth_warning(cx, r, &format!("the pool `{pool}`"));
    let part_note = format!("part of the RDS Proxy, now the connection pool `{pool}`");
    for part in targets.iter().chain(&groups) {
        cx.absorb(part, &pool, part_note.clone());
    }
    let pool_host = if in_vpc { "private_host" } else { "host" };
    attr(cx, r, "endpoint", &pool, pool_host);
    attr(cx, r, "name", &pool, "name");
    for a in ["arn", "id"] {
        cx.export(
            r,
            a,
            Export::Unmapped("a DigitalOcean connection pool has no ARN".into()),
        );
    }
    for e in &endpoints {
        cx.absorb(e, &pool, part_note.clone());
        attr(cx, e, "endpoint", &pool, pool_host);
        let read_only = cx
            .expr(e, "target_role")
            .and_then(|x| cx.eval.string(&x))
            .is_some_and(|v| v == "READ_ONLY");
        if read_only {
            cx.diag(
                Diagnostic::new(
                    Code::FeatureUnsupported,
                    format!(
                        "`{}`: a read-only proxy endpoint has no DigitalOcean counterpart; it reads the pool's `{pool_host}`, so its reads go to the primary",
                        e.address()
                    ),
                )
                .at(e.loc_of("target_role"))
                .resource(e.address())
                .help("to spread reads, add a read replica (`digitalocean_database_replica`) and point read-only clients at its `host`"),
            );
        }
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

/// The engine of a parameter group family (`postgres16`, `aurora-mysql8.0`, `docdb5.0`,
/// `redis7`) or option group engine name.
fn family_engine(family: &str) -> Option<DoEngine> {
    let f = family.to_ascii_lowercase();
    if f.starts_with("postgres") || f.starts_with("aurora-postgresql") {
        Some(DoEngine::Pg)
    } else if f.starts_with("mysql") || f.starts_with("aurora") {
        Some(DoEngine::Mysql)
    } else if f.starts_with("docdb") {
        Some(DoEngine::Mongodb)
    } else if f.starts_with("redis") || f.starts_with("valkey") || f.starts_with("memcached") {
        Some(DoEngine::Valkey)
    } else {
        None
    }
}

// ---- engines, versions, sizes ------------------------------------------------------------------

/// The static engine name, or `default` when absent. Records an unsupported outcome and returns
/// `None` when there is neither.
fn engine_of(cx: &mut Cx<'_>, r: &Resource, key: &str, default: Option<&str>) -> Option<String> {
    if cx.expr(r, key).is_some() {
        // Not static: `cx.str` warned; PostgreSQL is Ferry's default.
        return Some(cx.str(r, key).unwrap_or_else(|| "postgres".into()));
    }
    if let Some(d) = default {
        return Some(d.to_string());
    }
    cx.unsupported(
        r,
        Code::UnsupportedValue,
        format!(
            "`{}` sets no `{key}`; Ferry cannot tell which database to create",
            r.address()
        ),
        format!("set `{key}` (e.g. \"postgres\" or \"mysql\")"),
    );
    None
}

/// An `aws_rds_cluster` without `engine` defaults to `aurora` (MySQL-compatible; AWS provider
/// 5.x requires the argument). With an `engine_version` only Aurora PostgreSQL has (a major of
/// 9 or more without `mysql_aurora`, e.g. `16.1`), the origin is inconsistent and AWS would
/// reject it; the version says what the author meant, so the cluster is PostgreSQL, with a
/// warning naming the missing argument.
fn engine_from_version(cx: &mut Cx<'_>, r: &Resource, aws_engine: String) -> String {
    if cx.expr(r, "engine").is_some() {
        return aws_engine;
    }
    let Some(v) = cx.str(r, "engine_version") else {
        return aws_engine;
    };
    let major: Option<u32> = v
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .ok();
    if v.contains("mysql_aurora") || major.is_none_or(|m| m < 9) {
        return aws_engine;
    }
    cx.diag(
        Diagnostic::new(
            Code::NearestMatch,
            format!(
                "`{}` sets no `engine` (the AWS provider's default is `aurora`, MySQL-compatible), but `engine_version = \"{v}\"` is an Aurora PostgreSQL version: Ferry created a PostgreSQL cluster",
                r.address()
            ),
        )
        .at(r.loc_of("engine_version"))
        .resource(r.address())
        .help("set `engine = \"aurora-postgresql\"` in the origin (AWS provider 5.x requires `engine`); for MySQL, set `engine = \"aurora-mysql\"` and an Aurora MySQL version"),
    );
    "aurora-postgresql".into()
}

fn unknown_engine(engine: &str) -> (String, String) {
    (
        format!("engine `{engine}` has no DigitalOcean managed database"),
        "use PostgreSQL (`postgres`, `aurora-postgresql`) or MySQL (`mysql`, `aurora-mysql`)"
            .into(),
    )
}

/// An RDS / Aurora / DocumentDB engine → the DigitalOcean engine, or (message, help).
fn rds_engine(engine: &str) -> Result<DoEngine, (String, String)> {
    let e = engine.to_ascii_lowercase();
    match e.as_str() {
        "postgres" | "aurora-postgresql" => Ok(DoEngine::Pg),
        "mysql" | "aurora-mysql" | "aurora" => Ok(DoEngine::Mysql),
        "docdb" => Ok(DoEngine::Mongodb),
        "mariadb" => Err((
            "DigitalOcean has no managed MariaDB".into(),
            "switch to MySQL 8 (`engine = \"mysql\"`, `engine_version = \"8.0\"`): most MariaDB applications run on it with few changes; or run MariaDB yourself on a droplet".into(),
        )),
        _ if e.starts_with("oracle") || e.starts_with("custom-oracle") => Err((
            format!("engine `{engine}`: DigitalOcean has no managed Oracle Database"),
            "migrate the schema to PostgreSQL (`engine = \"postgres\"`), or keep the database outside the appliance and pass its endpoint in as a variable".into(),
        )),
        _ if e.starts_with("sqlserver") || e.starts_with("custom-sqlserver") => Err((
            format!("engine `{engine}`: DigitalOcean has no managed SQL Server"),
            "migrate to PostgreSQL or MySQL, or keep the database outside the appliance and pass its endpoint in as a variable".into(),
        )),
        _ if e.starts_with("db2") => Err((
            format!("engine `{engine}`: DigitalOcean has no managed Db2"),
            "migrate to PostgreSQL or MySQL, or keep the database outside the appliance and pass its endpoint in as a variable".into(),
        )),
        _ => Err(unknown_engine(engine)),
    }
}

/// The DigitalOcean version for the origin's `engine_version`; warns when it differs.
fn engine_version(
    cx: &mut Cx<'_>,
    r: &Resource,
    engine: DoEngine,
    aws_engine: &str,
) -> &'static str {
    let aws = global_str(cx, r, "engine_version").or_else(|| cx.str(r, "engine_version"));
    let choice = match engine {
        DoEngine::Pg => facts::pg_version(aws.as_deref()),
        DoEngine::Mysql => {
            let compat = match (aws_engine, aws.as_deref()) {
                ("aurora", None) => Some("5.6".to_string()),
                (e, Some(v)) if e.starts_with("aurora") => Some(facts::aurora_mysql_compat(v)),
                (_, v) => v.map(str::to_string),
            };
            facts::mysql_version(compat.as_deref())
        }
        DoEngine::Mongodb => facts::VersionChoice {
            version: facts::MONGODB_VERSION,
            change: None,
        },
        DoEngine::Valkey => facts::VersionChoice {
            version: facts::VALKEY_VERSION,
            change: None,
        },
    };
    if let Some(change) = choice.change {
        let aurora = if aws_engine.starts_with("aurora") {
            format!(" (`{aws_engine}` {})", aws.as_deref().unwrap_or("default"))
        } else {
            String::new()
        };
        cx.diag(
            Diagnostic::new(
                Code::NearestMatch,
                format!("`{}`: {change}{aurora}", r.address()),
            )
            .at(r.loc_of("engine_version"))
            .resource(r.address())
            .help(format!(
                "test the application against {} {} before moving data; DigitalOcean offers {}",
                engine.label(),
                choice.version,
                offered_versions(engine)
            )),
        );
    }
    choice.version
}

fn offered_versions(engine: DoEngine) -> String {
    match engine {
        DoEngine::Pg => facts::pg_available().collect::<Vec<_>>().join(", "),
        DoEngine::Mysql => facts::MYSQL_VERSION.into(),
        DoEngine::Mongodb => facts::MONGODB_VERSION.into(),
        DoEngine::Valkey => facts::VALKEY_VERSION.into(),
    }
}

pub(super) fn default_size(engine: DoEngine) -> &'static DbSize {
    facts::size(engine, facts::DEFAULT_SIZE).unwrap_or(&engine.sizes()[0])
}

pub(super) enum ClassSize {
    Size(&'static DbSize),
    Serverless,
}

/// The size for the instance class in argument `key` of `at`, with a warning when it is not a
/// documented mapping. `None` when the argument is absent.
fn class_size(cx: &mut Cx<'_>, at: &Resource, key: &str, engine: DoEngine) -> Option<ClassSize> {
    let expr = cx.expr(at, key)?;
    let Some(class) = cx.str(at, key) else {
        return Some(ClassSize::Size(default_size(engine)));
    };
    if class == "db.serverless" {
        return Some(ClassSize::Serverless);
    }
    let size = match facts::map_rds_class(engine, &class) {
        Some(choice) => {
            size_warning(cx, at, key, engine, &class, &choice);
            choice.size
        }
        None => {
            let size = default_size(engine);
            cx.diag(
                Diagnostic::new(
                    Code::NearestMatch,
                    format!(
                        "`{}`: `{class}` is not an instance class Ferry knows; using `{}`",
                        at.address(),
                        size.slug
                    ),
                )
                .at(at.loc_of(key))
                .resource(at.address())
                .help("use an RDS instance class such as `db.t3.medium` or `db.m5.large`, or set the DigitalOcean `size` of the emitted cluster by hand"),
            );
            size
        }
    };
    variable_note(cx, at, key, &expr, &class, size.slug);
    Some(ClassSize::Size(size))
}

/// A `NearestMatch` warning when a class/node type maps to a size that is not the documented one
/// (or the documented one is smaller).
pub(super) fn size_warning(
    cx: &mut Cx<'_>,
    at: &Resource,
    key: &str,
    engine: DoEngine,
    class: &str,
    choice: &SizeChoice,
) {
    if choice.documented && !choice.smaller {
        return;
    }
    let shape = choice
        .shape
        .map(|s| {
            format!(
                " ({} vCPU / {} GiB)",
                fmt_num(s.vcpus),
                fmt_num(s.memory_gib)
            )
        })
        .unwrap_or_default();
    let target = format!(
        "`{}` ({} vCPU / {} GiB)",
        choice.size.slug, choice.size.vcpus, choice.size.memory_gib
    );
    let message = if choice.smaller {
        format!(
            "`{}`: `{class}`{shape} is larger than any DigitalOcean {} size; using the largest, {target}",
            at.address(),
            engine.label()
        )
    } else {
        format!(
            "`{}`: `{class}`{shape} is not in Ferry's size table; nearest DigitalOcean size with at least its {}: {target}",
            at.address(),
            if engine == DoEngine::Valkey {
                "memory"
            } else {
                "vCPUs and memory"
            }
        )
    };
    cx.diag(
        Diagnostic::new(Code::NearestMatch, message)
            .at(at.loc_of(key))
            .resource(at.address())
            .help(if choice.smaller {
                "check that the workload fits, or split it across clusters"
            } else {
                "check the size against the workload; change the emitted `size` if another fits better"
            }),
    );
}

/// A note when the class comes from a variable or local: its compile-time value chose the size.
pub(super) fn variable_note(
    cx: &mut Cx<'_>,
    at: &Resource,
    key: &str,
    expr: &Expression,
    value: &str,
    slug: &str,
) {
    if matches!(expr, Expression::String(_)) {
        return;
    }
    cx.diag(
        Diagnostic::new(
            Code::NearestMatch,
            format!(
                "`{}`: `{key}` = `{}` was `{value}` at compile time and chose `{slug}`; changing it at deploy time does not resize the DigitalOcean cluster",
                at.address(),
                hclx::inline(expr)
            ),
        )
        .severity(Severity::Note)
        .at(at.loc_of(key))
        .resource(at.address())
        .help("set the value for the appliance in terraform.tfvars before compiling, or edit the emitted `size`"),
    );
}

fn fmt_num(n: f64) -> String {
    if n.fract() == 0.0 {
        format!("{n:.0}")
    } else {
        format!("{n}")
    }
}

/// The largest size among the instance classes of a cluster's instances (a DigitalOcean cluster
/// has one size for all nodes).
fn largest_instance_size(
    cx: &mut Cx<'_>,
    r: &Resource,
    instances: &[&Resource],
    engine: DoEngine,
) -> Option<&'static DbSize> {
    let mut sizes: Vec<(&Resource, &'static DbSize)> = Vec::new();
    for i in instances {
        if let Some(ClassSize::Size(s)) = class_size(cx, i, "instance_class", engine) {
            sizes.push((i, s));
        }
    }
    let largest = sizes
        .iter()
        .max_by_key(|(_, s)| (s.memory_gib, s.vcpus))
        .map(|(_, s)| *s)?;
    if sizes.iter().any(|(_, s)| s.slug != largest.slug) {
        cx.diag(
            Diagnostic::new(
                Code::NearestMatch,
                format!(
                    "`{}`: its instances have different classes; all nodes of a DigitalOcean cluster have one size, `{}` (the largest)",
                    r.address(),
                    largest.slug
                ),
            )
            .at(r.loc.clone())
            .resource(r.address())
            .help("give the instances one class, or accept the larger size for every node"),
        );
    }
    Some(largest)
}

/// Aurora Serverless (v2 `serverlessv2_scaling_configuration`, v1 `scaling_configuration`) →
/// the fixed size for its maximum capacity.
fn serverless_size(cx: &mut Cx<'_>, r: &Resource, engine: DoEngine) -> &'static DbSize {
    let (block, key) = if !hclx::blocks(&r.body, "serverlessv2_scaling_configuration").is_empty() {
        ("serverlessv2_scaling_configuration", "max_capacity")
    } else {
        ("scaling_configuration", "max_capacity")
    };
    let conf = hclx::blocks(&r.body, block);
    let num = |k: &str| {
        conf.first()
            .and_then(|b| hclx::attr(b, k))
            .and_then(|e| cx.eval.number(e))
    };
    let max = num(key);
    let min = num("min_capacity");
    let acu = max.unwrap_or(4.0);
    let choice = facts::serverless_size(engine, acu);
    let range = match (min, max) {
        (Some(lo), Some(hi)) => format!("{} to {} ACU", fmt_num(lo), fmt_num(hi)),
        (None, Some(hi)) => format!("up to {} ACU", fmt_num(hi)),
        _ => "an unknown capacity (Ferry assumed 4 ACU)".into(),
    };
    cx.diag(
        Diagnostic::new(
            Code::NearestMatch,
            format!(
                "`{}`: Aurora Serverless scales over {range}; DigitalOcean has no serverless databases: fixed size `{}` ({} vCPU / {} GiB) for the maximum (1 ACU ≈ 2 GiB){}",
                r.address(),
                choice.size.slug,
                choice.size.vcpus,
                choice.size.memory_gib,
                if choice.smaller { ", smaller than the maximum" } else { "" }
            ),
        )
        .at(r.loc_of(block))
        .resource(r.address())
        .help(serverless_help(engine, min, choice.size)),
    );
    choice.size
}

/// The help of the Aurora Serverless warning: the size stays the one for the maximum (what the
/// application was allowed to use), and the size for `min_capacity` is named as the cheaper
/// alternative when it differs.
fn serverless_help(engine: DoEngine, min: Option<f64>, chosen: &DbSize) -> String {
    let low = min.map(|lo| (lo, facts::serverless_size(engine, lo).size));
    match low {
        Some((lo, low)) if low.slug != chosen.slug => format!(
            "DigitalOcean bills the size around the clock: for `min_capacity` ({} ACU) the size would be `{}` ({} vCPU / {} GiB), the cheaper choice if the cluster rarely needs more; set the emitted `size` to it, or lower `max_capacity` in the origin",
            fmt_num(lo),
            low.slug,
            low.vcpus,
            low.memory_gib
        ),
        _ => "DigitalOcean bills the size around the clock: choose a smaller `size` if the cluster rarely reaches its maximum".into(),
    }
}

/// How many instances an instance resource stands for (its static `count` / `for_each`).
pub(super) fn instance_count(cx: &mut Cx<'_>, i: &Resource) -> u32 {
    if let Some(c) = &i.meta.count {
        return match cx.eval.number(c) {
            Some(n) if n >= 0.0 => n.min(1000.0) as u32,
            _ => {
                not_static_count(cx, i, "count");
                1
            }
        };
    }
    if let Some(f) = &i.meta.for_each {
        return match cx.eval.value(f) {
            Some(hcl::Value::Array(a)) => a.len() as u32,
            Some(hcl::Value::Object(o)) => o.len() as u32,
            _ => {
                not_static_count(cx, i, "for_each");
                1
            }
        };
    }
    1
}

fn not_static_count(cx: &mut Cx<'_>, i: &Resource, key: &str) {
    cx.diag(
        Diagnostic::new(
            Code::NotStatic,
            format!(
                "`{key}` of `{}` is not known at compile time; Ferry counted one instance",
                i.address()
            ),
        )
        .at(i.loc.clone())
        .resource(i.address())
        .help(format!("give `{key}` a literal value or a variable default so Ferry can set the cluster's node count")),
    );
}

/// Fits a requested node count to what DigitalOcean offers for the engine (1–3 nodes; MongoDB 1
/// or 3) and the size (`db-s-1vcpu-1gb` serves single-node clusters only).
pub(super) fn fit_nodes(
    cx: &mut Cx<'_>,
    r: &Resource,
    key: &str,
    engine: DoEngine,
    size: &'static DbSize,
    requested: u32,
) -> (&'static DbSize, u32) {
    let requested = requested.max(1);
    let allowed = engine.node_counts();
    let max = allowed.iter().copied().max().unwrap_or(1);
    let n = allowed
        .iter()
        .copied()
        .find(|&a| a >= requested)
        .unwrap_or(max);
    if n != requested {
        let why = if requested > max {
            format!(
                "the most DigitalOcean offers for {} (a primary and {} standby nodes)",
                engine.label(),
                max - 1
            )
        } else {
            format!(
                "DigitalOcean {} clusters have {} nodes",
                engine.label(),
                allowed
                    .iter()
                    .map(|a| a.to_string())
                    .collect::<Vec<_>>()
                    .join(" or ")
            )
        };
        cx.diag(
            Diagnostic::new(
                Code::NearestMatch,
                format!("`{}`: {requested} nodes → {n}, {why}", r.address()),
            )
            .at(r.loc_of(key))
            .resource(r.address())
            .help(if requested > max {
                "scale reads with `digitalocean_database_replica` resources if the extra nodes served reads"
            } else {
                "check the cost of the extra node, or use a single node"
            }),
        );
    }
    let mut size = size;
    if n > 1
        && size.slug == facts::SINGLE_NODE_ONLY
        && let Some(bigger) = facts::size(engine, facts::SINGLE_NODE_BUMP)
    {
        cx.diag(
            Diagnostic::new(
                Code::NearestMatch,
                format!(
                    "`{}`: `{}` serves single-node clusters only; with {n} nodes Ferry uses `{}`",
                    r.address(),
                    facts::SINGLE_NODE_ONLY,
                    bigger.slug
                ),
            )
            .at(r.loc_of(key))
            .resource(r.address())
            .help("DigitalOcean standby nodes need at least 2 GiB of memory"),
        );
        size = bigger;
    }
    (size, n)
}

// ---- building the cluster ----------------------------------------------------------------------

pub(super) struct ClusterSpec {
    pub engine: DoEngine,
    pub version: &'static str,
    pub size: &'static DbSize,
    pub node_count: u32,
    pub storage_mib: Option<Expression>,
    pub eviction_policy: Option<&'static str>,
}

/// The body of a `digitalocean_database_cluster`.
pub(super) fn cluster_body(
    cx: &Cx<'_>,
    name: Expression,
    spec: &ClusterSpec,
    vpc: Option<Expression>,
) -> OutBody {
    let mut body = OutBody::new();
    body.set("name", name);
    body.set("engine", Expression::String(spec.engine.slug().into()));
    body.set("version", Expression::String(spec.version.into()));
    body.set("size", Expression::String(spec.size.slug.into()));
    body.set("region", cx.region());
    body.set("node_count", Expression::Number(spec.node_count.into()));
    body.set_opt("storage_size_mib", spec.storage_mib.clone());
    body.set_opt("private_network_uuid", vpc);
    body.set_opt(
        "eviction_policy",
        spec.eviction_policy.map(|p| Expression::String(p.into())),
    );
    body.set("tags", cx.tags());
    body
}

/// The VPC for a resource: the one its subnet group's subnets belong to (argument `keys` name
/// the subnet group), otherwise `cx.vpc_id`.
pub(super) fn vpc_for(cx: &Cx<'_>, r: &Resource, keys: &[&str]) -> Option<Expression> {
    for key in keys {
        if let Some(group) = cx.referenced(r, key)
            && let Some(subnet) = cx.referenced(group, "subnet_ids")
            && cx
                .parent(subnet, "vpc_id")
                .is_some_and(|a| a.starts_with("digitalocean_vpc."))
        {
            return cx.vpc_id(subnet);
        }
    }
    cx.vpc_id(r)
}

/// What the report says about a `storage_size_mib` Ferry could not check.
///
/// DigitalOcean accepts, for each size, only storage within a range of its own, and a size
/// without `storage_size_mib` gets its base storage (reference `digitalocean-openapi.yaml`:
/// `databases_create_cluster` — "the available sizes for the `storage_size_mib` field depends
/// on the cluster's size" — and the `storage_size_mib` schema — "if null, no additional storage
/// is added … beyond what is provided as a base amount from the 'size'"). Neither that file
/// nor `do-slugs.json` lists the ranges, so no value is raised or lowered here: the note names
/// the value and the size, and what to do if DigitalOcean refuses it.
fn storage_note(body: &OutBody, size: &DbSize) -> Option<String> {
    let storage = body.get("storage_size_mib")?;
    let shown = match storage {
        Expression::String(mib) => match mib.parse::<u64>() {
            Ok(n) if n % 1024 == 0 => format!("`storage_size_mib = \"{mib}\"` ({} GiB)", n / 1024),
            _ => format!("`storage_size_mib = \"{mib}\"`"),
        },
        other => format!("`storage_size_mib = {}`", hclx::inline(other)),
    };
    Some(format!(
        "{shown} must lie within the storage range DigitalOcean allows for `{}` (each size has its own; Ferry's reference data does not list them, so it is not checked): if the plan or apply refuses it, remove `storage_size_mib` to get the size's base storage, or set a value the size allows",
        size.slug
    ))
}

/// `allocated_storage` (GiB) → `storage_size_mib` (a string of MiB in the provider schema).
fn storage_mib(cx: &Cx<'_>, r: &Resource, key: &str) -> Option<Expression> {
    let e = cx.expr(r, key)?;
    match cx.eval.number(&e) {
        Some(gib) if gib > 0.0 => Some(Expression::String(format!(
            "{}",
            (gib * 1024.0).round() as u64
        ))),
        Some(_) => None,
        None => format!("tostring(({}) * 1024)", hclx::inline(&e))
            .parse()
            .ok(),
    }
}

/// `max_allocated_storage` above `allocated_storage` → `storage_autoscale`.
fn storage_autoscale(cx: &mut Cx<'_>, r: &Resource, body: &mut OutBody) {
    let Some(max) = cx.num(r, "max_allocated_storage") else {
        return;
    };
    let allocated = cx
        .expr(r, "allocated_storage")
        .and_then(|e| cx.eval.number(&e))
        .unwrap_or(0.0);
    if max <= 0.0 || max <= allocated {
        return;
    }
    body.block("storage_autoscale")
        .set("enabled", Expression::Bool(true));
    cx.diag(
        Diagnostic::new(
            Code::FeatureUnsupported,
            format!(
                "`{}`: storage autoscaling is on, but DigitalOcean has no upper limit like `max_allocated_storage` ({} GiB)",
                r.address(),
                fmt_num(max)
            ),
        )
        .severity(Severity::Note)
        .at(r.loc_of("max_allocated_storage"))
        .resource(r.address())
        .help("watch the cluster's disk with a `digitalocean_monitor_alert` if growth must stay bounded"),
    );
}

/// `ddd:hh:mm-ddd:hh:mm` (UTC) → `maintenance_window { day, hour }`.
pub(super) fn maintenance_window(cx: &mut Cx<'_>, r: &Resource, key: &str, body: &mut OutBody) {
    let Some(window) = cx.str(r, key) else {
        return;
    };
    match parse_window(&window) {
        Some((day, hour, minute)) => {
            let w = body.block("maintenance_window");
            w.set("day", Expression::String(day.into()));
            w.set("hour", Expression::String(format!("{hour:02}:00")));
            if minute != 0 {
                cx.diag(
                    Diagnostic::new(
                        Code::NearestMatch,
                        format!(
                            "`{}`: the maintenance window starts at {hour:02}:{minute:02}; DigitalOcean windows start on the hour ({hour:02}:00)",
                            r.address()
                        ),
                    )
                    .severity(Severity::Note)
                    .at(r.loc_of(key))
                    .resource(r.address()),
                );
            }
        }
        None => cx.diag(
            Diagnostic::new(
                Code::FeatureUnsupported,
                format!(
                    "`{}`: `{key}` = \"{window}\" is not a window Ferry can read; DigitalOcean chooses the maintenance window",
                    r.address()
                ),
            )
            .at(r.loc_of(key))
            .resource(r.address())
            .help("write it as `ddd:hh24:mi-ddd:hh24:mi` in UTC, e.g. \"sun:05:00-sun:06:00\""),
        ),
    }
}

/// `sun:05:00-sun:06:00` → ("Sunday", 5, 0).
pub(super) fn parse_window(w: &str) -> Option<(&'static str, u32, u32)> {
    let start = w.split('-').next()?;
    let mut parts = start.trim().split(':');
    let day = match parts.next()?.to_ascii_lowercase().as_str() {
        "mon" => "Monday",
        "tue" => "Tuesday",
        "wed" => "Wednesday",
        "thu" => "Thursday",
        "fri" => "Friday",
        "sat" => "Saturday",
        "sun" => "Sunday",
        _ => return None,
    };
    let hour: u32 = parts.next()?.parse().ok()?;
    let minute: u32 = parts.next()?.parse().ok()?;
    (hour < 24 && minute < 60 && parts.next().is_none()).then_some((day, hour, minute))
}

/// `db_name` → `digitalocean_database_db` (`<name>_db`) in the cluster.
fn database(cx: &mut Cx<'_>, r: &Resource, cluster: &str, keys: &[&str]) -> Option<String> {
    let name = keys.iter().find_map(|k| cx.expr(r, k))?;
    let mut body = OutBody::new();
    body.set("cluster_id", self_ref(cluster, &r.meta, "id"));
    body.set("name", name);
    Some(cx.emit_as(r, Mode::Managed, DB, &format!("{}_db", r.name), body))
}

/// The master user: DigitalOcean creates its own admin (`doadmin`); another name becomes a
/// `digitalocean_database_user` (`<name>_user`). References to the master user and password
/// resolve to the admin user, which has the master user's privileges.
fn master_user(
    cx: &mut Cx<'_>,
    r: &Resource,
    cluster: &str,
    key: &str,
    engine: DoEngine,
    notes: &mut Vec<String>,
) -> Option<String> {
    let expr = cx.expr(r, key)?;
    let value = cx.eval.string(&expr);
    if value.as_deref() == Some(engine.admin_user()) {
        return None;
    }
    let mut body = OutBody::new();
    body.set("cluster_id", self_ref(cluster, &r.meta, "id"));
    body.set("name", expr);
    let old_mysql = engine == DoEngine::Mysql
        && cx
            .expr(r, "engine_version")
            .and_then(|e| cx.eval.string(&e))
            .is_some_and(|v| {
                let compat = facts::aurora_mysql_compat(&v);
                compat.starts_with('5')
            });
    if old_mysql {
        // Clients written for MySQL 5.x may not speak caching_sha2_password, MySQL 8's default.
        body.set(
            "mysql_auth_plugin",
            Expression::String("mysql_native_password".into()),
        );
    }
    let addr = cx.emit_as(r, Mode::Managed, USER, &format!("{}_user", r.name), body);
    notes.push(format!(
        "master user{} → `{addr}` (a regular user{}); references to the master user and password resolve to DigitalOcean's admin user `{}` and its generated password",
        value.map(|v| format!(" `{v}`")).unwrap_or_default(),
        if old_mysql {
            " with `mysql_native_password` for MySQL 5.x clients"
        } else {
            ""
        },
        engine.admin_user()
    ));
    Some(addr)
}

/// DigitalOcean generates the admin password; a password given in the origin is not used.
pub(super) fn admin_password(cx: &mut Cx<'_>, r: &Resource, key: &str, engine: DoEngine) {
    if cx.expr(r, key).is_none() {
        return;
    }
    cx.diag(
        Diagnostic::new(
            Code::FeatureUnsupported,
            format!(
                "`{}`: DigitalOcean generates the password of `{}`; `{key}` is not used",
                r.address(),
                engine.admin_user()
            ),
        )
        .at(r.loc_of(key))
        .resource(r.address())
        .help(format!(
            "read the password from the resource (`{}.{key}` now resolves to the cluster's generated `password`) instead of passing the input value to the application",
            r.address()
        )),
    );
}

/// A warning when the origin reads a reader endpoint: DigitalOcean standby nodes take no reads.
pub(super) fn reader_endpoint_warning(
    cx: &mut Cx<'_>,
    r: &Resource,
    attr_name: &str,
    why: &str,
    help: &str,
) {
    let Some((loc, _)) = uses_of(cx, r, attr_name).into_iter().next() else {
        return;
    };
    cx.diag(
        Diagnostic::new(
            Code::FeatureUnsupported,
            format!(
                "`{}.{attr_name}`: DigitalOcean has no reader endpoint ({why}); it resolves to the primary's host",
                r.address()
            ),
        )
        .at(loc)
        .resource(r.address())
        .help(help),
    );
}

/// Why `master_user_secret` (the secret RDS manages with `manage_master_user_password`) has no
/// counterpart.
const NO_MASTER_SECRET: &str = "DigitalOcean keeps the admin user and its generated password on the cluster (`user`, `password`) instead of a managed secret; ECS `secrets` that read its `username` or `password` get a Kubernetes Secret holding them";

const NO_READER: &str = "standby nodes take no reads";
const READER_HELP: &str = "to spread reads, add a read replica (`digitalocean_database_replica`) and point readers at its `host`";

/// Where `r.<attr>` is referenced in the module (outputs, locals, module arguments, resources),
/// with the operators that follow the attribute.
pub(super) fn uses_of(cx: &Cx<'_>, r: &Resource, attr_name: &str) -> Vec<(Loc, Vec<Op>)> {
    let mut out = Vec::new();
    let scan = |e: &Expression, loc: &Loc, out: &mut Vec<(Loc, Vec<Op>)>| {
        hclx::walk(e, &mut |x| {
            let Some((root, [Op::GetAttr(n), rest @ ..])) = hclx::traversal_root(x) else {
                return;
            };
            if root != r.ty || n.as_str() != r.name {
                return;
            }
            let mut it = rest.iter().skip_while(|o| !matches!(o, Op::GetAttr(_)));
            if let Some(Op::GetAttr(a)) = it.next()
                && a.as_str() == attr_name
            {
                out.push((loc.clone(), it.cloned().collect()));
            }
        });
    };
    // Only what mentions `r` at all (from the module's reference index), in declaration order.
    let refs = cx.referrers(r);
    for o in refs.outputs {
        body_exprs(&o.body, &mut |e| scan(e, &o.loc, &mut out));
    }
    for l in refs.locals {
        scan(&l.expr, &l.loc, &mut out);
    }
    for c in refs.calls {
        body_exprs(&c.body, &mut |e| scan(e, &c.loc, &mut out));
    }
    for other in refs.resources {
        if other.address() == r.address() {
            continue;
        }
        body_exprs(&other.body, &mut |e| scan(e, &other.loc, &mut out));
    }
    out
}

// ---- small helpers ---------------------------------------------------------------------------------

/// `digitalocean_database_cluster.x[count.index].<attr>`: a sibling resource emitted with the same
/// meta-arguments refers to the cluster of its own instance.
pub(super) fn self_ref(target: &str, meta: &Meta, attr_name: &str) -> Expression {
    let mut parts = target.split('.');
    let root = parts.next().unwrap_or(target).to_string();
    let mut ops: Vec<Op> = parts
        .map(|p| Op::GetAttr(hcl::Identifier::unchecked(p)))
        .collect();
    if meta.count.is_some() {
        ops.push(Op::Index(hclx::path(&["count", "index"])));
    } else if meta.for_each.is_some() {
        ops.push(Op::Index(hclx::path(&["each", "key"])));
    }
    ops.push(Op::GetAttr(hcl::Identifier::unchecked(attr_name)));
    hclx::traversal(&root, ops)
}

pub(super) fn attr(
    cx: &mut Cx<'_>,
    r: &Resource,
    origin_attr: &'static str,
    target: &str,
    target_attr: &'static str,
) {
    cx.export(
        r,
        origin_attr,
        Export::Attr {
            target: target.to_string(),
            attr: target_attr.into(),
        },
    );
}

/// The host attribute that references to a data store's address read on `target` (an emitted
/// `digitalocean_database_cluster` or `_replica`).
///
/// A cluster in the appliance VPC (`private_network_uuid` set) is read through `private_host`:
/// the workloads that read it (Knative functions and Kubernetes workloads on DOKS, droplets)
/// sit in the same VPC, and the origin's address (ElastiCache, DocumentDB, an RDS instance that
/// is not `publicly_accessible`) was reachable only inside the VPC, too. Outputs read the same
/// export: an output of the origin gave the operator a VPC-internal address as well, and the
/// public `host` stays on the cluster for whoever needs it. A cluster outside any VPC keeps the
/// public `host` (its only one).
pub(super) fn host_attr(cx: &Cx<'_>, target: &str) -> &'static str {
    let in_vpc = cx
        .st
        .find(target)
        .is_some_and(|e| e.body.get("private_network_uuid").is_some());
    if in_vpc { "private_host" } else { "host" }
}

/// Outputs of the root module read a data store's public `host`, as [`host_attr`] explains
/// for references: `digitalocean_database_cluster.x.private_host` (and a replica's) in an
/// output becomes `….host`. The operator who reads `terraform output` connects from outside the
/// VPC (the cluster's trusted sources permitting), as the design's worked example shows
/// (DESIGN §3). Outputs of local modules keep `private_host`: their parent module passes them
/// on to workloads; a local shared by an output and a workload keeps it, too.
pub fn public_hosts(body: &mut hcl::Body) {
    hclx::walk_body_mut(body, &mut |e| {
        let store = is_data_store(e);
        match e {
            Expression::Traversal(t) if store => public_host_ops(&mut t.operators),
            // `[for i in digitalocean_database_cluster.x : "${i.private_host}:${i.port}"]`
            Expression::ForExpr(fe) if is_data_store(&fe.collection_expr) => {
                let var = fe.value_var.as_str().to_string();
                hclx::walk_mut(&mut fe.value_expr, &mut |x| {
                    if let Expression::Traversal(t) = x
                        && matches!(&t.expr, Expression::Variable(v) if v.as_str() == var)
                    {
                        public_host_ops(&mut t.operators);
                    }
                    true
                });
            }
            _ => {}
        }
        true
    });
}

fn is_data_store(e: &Expression) -> bool {
    let root = match e {
        Expression::Traversal(t) => match &t.expr {
            Expression::Variable(v) => v.as_str(),
            _ => return false,
        },
        _ => return false,
    };
    root == CLUSTER || root == REPLICA
}

fn public_host_ops(ops: &mut [Op]) {
    for op in ops {
        if let Op::GetAttr(a) = op
            && a.as_str() == "private_host"
        {
            *a = hcl::Identifier::unchecked("host");
        }
    }
}

/// `"<host>:<port>"` of `target`, `host` as [`host_attr`] chose it.
pub(super) fn endpoint(target: &str, host: &str) -> Export {
    tmpl(target, &format!("\"${{$T.{host}}}:${{$T.port}}\""))
}

pub(super) fn tmpl(target: &str, t: &str) -> Export {
    Export::Tmpl {
        target: target.to_string(),
        tmpl: t.to_string(),
    }
}

/// Exports an origin argument as its own (AWS) value: `engine` stays `"postgres"` for the
/// code that reads it.
pub(super) fn export_origin(cx: &mut Cx<'_>, r: &Resource, key: &'static str) {
    let Some(e) = cx.expr(r, key) else {
        return;
    };
    // A fixed export is not rewritten again: carry only values free of resource references.
    let mut refers = false;
    hclx::walk(&e, &mut |x| {
        if let Some((root, _)) = hclx::traversal_root(x) {
            refers |= !matches!(root, "var" | "local" | "path" | "terraform");
        }
    });
    if !refers {
        cx.export(r, key, Export::Expr(e));
    }
}

/// Records `r` as unsupported without a diagnostic of its own (the resource it depends on
/// already has one).
pub(super) fn quietly_unsupported(cx: &mut Cx<'_>, r: &Resource, note: String) {
    cx.st.outcomes.insert(
        r.address().to_string(),
        OutcomeRec {
            outcome: Outcome::Unsupported,
            targets: vec![],
            note: Some(note),
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_outputs_read_public_hosts() {
        let src = r#"
a = digitalocean_database_cluster.db.private_host
b = "${digitalocean_database_cluster.db.private_host}:${digitalocean_database_cluster.db.port}"
c = [for i in digitalocean_database_cluster.db : "${i.private_host}:${i.port}"]
d = digitalocean_database_replica.r[0].private_host
e = kubernetes_service_v1.x.private_host
f = [for i in kubernetes_service_v1.x : i.private_host]
"#;
        let mut body: hcl::Body = hcl::from_str(src).expect("test input parses");
        public_hosts(&mut body);
        let got = |k: &str| hclx::inline(hclx::attr(&body, k).expect("attribute kept"));
        assert_eq!(got("a"), "digitalocean_database_cluster.db.host");
        assert!(
            got("b").contains("digitalocean_database_cluster.db.host}"),
            "{}",
            got("b")
        );
        assert!(!got("b").contains("private_host"), "{}", got("b"));
        assert!(got("c").contains("i.host"), "{}", got("c"));
        assert_eq!(got("d"), "digitalocean_database_replica.r[0].host");
        // Other resources' attributes of the same name are left alone.
        assert_eq!(got("e"), "kubernetes_service_v1.x.private_host");
        assert!(got("f").contains("i.private_host"), "{}", got("f"));
    }

    #[test]
    fn input_identifiers() {
        assert_eq!(crate::rules::var_ident("orders-db"), "orders_db");
        assert_eq!(crate::rules::var_ident("Legacy.DB"), "legacy_db");
        assert_eq!(crate::rules::var_ident("-x-"), "x");
    }

    #[test]
    fn maintenance_windows() {
        assert_eq!(parse_window("sun:05:00-sun:06:00"), Some(("Sunday", 5, 0)));
        assert_eq!(
            parse_window("Mon:23:30-Tue:00:30"),
            Some(("Monday", 23, 30))
        );
        assert_eq!(parse_window("xyz:05:00-sun:06:00"), None);
        assert_eq!(parse_window("sun:25:00-sun:26:00"), None);
        assert_eq!(parse_window(""), None);
    }

    #[test]
    fn engines() {
        assert_eq!(rds_engine("postgres"), Ok(DoEngine::Pg));
        assert_eq!(rds_engine("aurora-postgresql"), Ok(DoEngine::Pg));
        assert_eq!(rds_engine("aurora-mysql"), Ok(DoEngine::Mysql));
        assert_eq!(rds_engine("aurora"), Ok(DoEngine::Mysql));
        assert_eq!(rds_engine("docdb"), Ok(DoEngine::Mongodb));
        assert!(rds_engine("mariadb").is_err_and(|(_, help)| help.contains("MySQL 8")));
        assert!(rds_engine("oracle-se2").is_err());
        assert!(rds_engine("sqlserver-ex").is_err());
        assert!(rds_engine("neptune").is_err());
        assert_eq!(family_engine("postgres16"), Some(DoEngine::Pg));
        assert_eq!(family_engine("aurora-mysql8.0"), Some(DoEngine::Mysql));
        assert_eq!(family_engine("redis7"), Some(DoEngine::Valkey));
        assert_eq!(family_engine("docdb5.0"), Some(DoEngine::Mongodb));
    }
}

// ---- templates logging in as the master user (known gap #224) ----------------------------------

/// A database whose master user name is a literal the rule made a regular user of the cluster
/// (`digitalocean_database_user`, see [`master_user`]), while its master password reads the
/// admin's (`doadmin`) password: a template that logs in as that name with the master password
/// would pair the user with another user's password.
#[derive(Debug, Clone)]
pub struct UserLogin {
    /// The origin database (`aws_db_instance.main`).
    pub database: String,
    /// The user name (`admin`).
    pub name: String,
    /// The emitted user (`digitalocean_database_user.main_user`).
    pub user: String,
    /// The generators of its master password (`random_password.db`).
    pub generators: Vec<String>,
    /// The database's password attribute (`password`, `master_password`).
    pub attr: &'static str,
}

/// The databases of the module whose master user became a regular user of the cluster.
pub fn user_logins(
    resources: &[Resource],
    st: &super::State,
    eval: &crate::eval::Eval,
    generated: &[super::secrets::GeneratedPassword],
) -> Vec<UserLogin> {
    let mut out = Vec::new();
    for db in resources
        .iter()
        .filter(|r| r.mode == Mode::Managed && !r.meta.is_repeated())
    {
        let Some((_, attr)) = super::secrets::DB_PASSWORDS
            .iter()
            .find(|(ty, _)| *ty == db.ty)
        else {
            continue;
        };
        let key = if db.ty == "aws_db_instance" {
            "username"
        } else {
            "master_username"
        };
        let Some(name) = hclx::attr(&db.body, key).and_then(|e| eval.string(e)) else {
            continue;
        };
        let Some(user) = st.outcomes.get(db.address()).and_then(|o| {
            o.targets
                .iter()
                .find(|t| t.starts_with("digitalocean_database_user."))
                .cloned()
        }) else {
            continue;
        };
        if name.is_empty() {
            continue;
        }
        out.push(UserLogin {
            database: db.address().to_string(),
            name,
            user,
            generators: generated
                .iter()
                .filter(|g| g.database == db.address())
                .map(|g| g.source.clone())
                .collect(),
            attr,
        });
    }
    out
}

/// Whether `text` logs in as `name`: the name as a whole word that is quoted (`'admin'`,
/// `"admin"`) or follows `=`, `:`, `-u` or `--user` (`DB_USER=admin`, `user: admin`,
/// `mysql -u admin`).
fn logs_in_as(text: &str, name: &str) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || "_-./@$".contains(c);
    text.match_indices(name).any(|(i, _)| {
        let before = &text[..i];
        let after = &text[i + name.len()..];
        let (b, a) = (before.chars().next_back(), after.chars().next());
        if b.is_some_and(word) || a.is_some_and(word) {
            // `-uadmin`: the flag glued to the name.
            return before.ends_with(" -u") && !a.is_some_and(word);
        }
        if matches!((b, a), (Some('\''), Some('\'')) | (Some('"'), Some('"'))) {
            return true;
        }
        let lead = before.trim_end_matches([' ', '\t']);
        lead.ends_with('=')
            || lead.ends_with(':')
            || lead.ends_with(" -u")
            || lead.ends_with("--user")
            || lead.ends_with("--username")
    })
}

/// In a `templatefile(path, { … })` call whose template logs in as the literal master user of a
/// [`UserLogin`], a variable holding that database's master password (its generator's `result`,
/// or the database's password attribute) reads the user's own password instead, which is the
/// one the cluster gives that user (the master password now reads the admin's). `template` gives
/// the path (relative to the module) and text of the file a path expression reads. Returns, per
/// call rewritten, the template's path, the user name, the variables and the user's address.
pub fn template_user_passwords(
    x: &mut Expression,
    logins: &[UserLogin],
    template: &dyn Fn(&Expression) -> Option<(String, String)>,
) -> Vec<(String, String, Vec<String>, String)> {
    let mut done = Vec::new();
    if logins.is_empty() {
        return done;
    }
    let login_of = |v: &Expression| -> Option<&UserLogin> {
        let (root, ops) = hclx::traversal_root(v)?;
        logins.iter().find(|l| match ops {
            [Op::GetAttr(n), Op::GetAttr(a)] if a.as_str() == "result" => {
                l.generators.contains(&format!("{root}.{}", n.as_str()))
            }
            [Op::GetAttr(n), Op::GetAttr(a)] => {
                a.as_str() == l.attr && l.database == format!("{root}.{}", n.as_str())
            }
            _ => false,
        })
    };
    hclx::walk_mut(x, &mut |e| {
        let Expression::FuncCall(c) = e else {
            return true;
        };
        if c.name.name.as_str() != "templatefile" || c.args.len() != 2 {
            return true;
        }
        let Some((path, text)) = template(&c.args[0]) else {
            return true;
        };
        let Expression::Object(vars) = &mut c.args[1] else {
            return true;
        };
        let mut hits: Vec<(String, String, String)> = Vec::new();
        for (k, v) in vars.iter_mut() {
            let key = match k {
                hcl::expr::ObjectKey::Identifier(i) => i.as_str().to_string(),
                hcl::expr::ObjectKey::Expression(Expression::String(s)) => s.clone(),
                _ => continue,
            };
            let Some(l) = login_of(v) else { continue };
            let uses =
                text.contains(&format!("${{{key}}}")) || text.contains(&format!("${{ {key} }}"));
            if !uses || !logs_in_as(&text, &l.name) {
                continue;
            }
            let (ty, name) = l.user.split_once('.').unwrap_or_default();
            *v = hclx::path(&[ty, name, "password"]);
            hits.push((key, l.name.clone(), l.user.clone()));
        }
        for (key, name, user) in hits {
            match done.iter_mut().find(
                |(p, n, _, u): &&mut (String, String, Vec<String>, String)| {
                    *p == path && *n == name && *u == user
                },
            ) {
                Some((_, _, keys, _)) => keys.push(key),
                None => done.push((path.clone(), name, vec![key], user)),
            }
        }
        true
    });
    done
}

#[cfg(test)]
mod login_tests {
    use super::logs_in_as;

    #[test]
    fn logins_are_told_from_other_words() {
        assert!(logs_in_as("define( 'DB_USER', 'admin' );", "admin"));
        assert!(logs_in_as("DB_USER=admin\n", "admin"));
        assert!(logs_in_as("DB_USERNAME = admin", "admin"));
        assert!(logs_in_as("mysql -u admin -p", "admin"));
        assert!(logs_in_as("mysql -uadmin -p", "admin"));
        assert!(logs_in_as("user: \"admin\"", "admin"));
        assert!(!logs_in_as("location /wp-admin/ {", "admin"));
        assert!(!logs_in_as("the admin panel", "admin"));
        assert!(!logs_in_as("administrator=1", "admin"));
        assert!(!logs_in_as("", "admin"));
    }
}
