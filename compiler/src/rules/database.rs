//! Managed relational and document databases: RDS, Aurora and DocumentDB →
//! `digitalocean_database_cluster` (+ `_db`, `_user`, `_replica`). Cluster instances fold into
//! their cluster's node count; subnet and option groups are absorbed; parameter groups carry
//! the parameters DigitalOcean offers into `digitalocean_database_{postgresql,mysql}_config`
//! (`facts::db_params`).
//!
//! Sizes, versions and node counts come from `facts::db` (mapping facts §3, §5), read in
//! `sizing`; the helpers at the end of this file and `sizing` are shared with `rules::cache`
//! (ElastiCache). Replicas, global databases, lookups of databases outside the stack
//! (`existing`), subnet and parameter groups, RDS Proxy and templates logging in as the master
//! user (`logins`) have files of their own.

use super::{Cx, Export, OutcomeRec, Phase, RuleDef};
use crate::diag::{Code, Diagnostic, Severity};
use crate::facts::db::{self as facts, DbSize, DoEngine};
use crate::hclx;
use crate::origin::{Meta, Mode, Resource};
use crate::out::OutBody;
use crate::report::Outcome;
use crate::source::Loc;
use hcl::Expression;
use hcl::expr::TraversalOperator as Op;

mod existing;
mod global;
mod groups;
mod logins;
mod proxy;
mod replica;
mod sizing;

use existing::{body_exprs, existing_db_instance, existing_rds_cluster};
use global::{global_cluster, global_primary, global_secondary, global_str};
pub(super) use groups::{parameter_group, subnet_group};
pub use logins::{UserLogin, template_user_passwords, user_logins};
use proxy::{db_proxy, db_proxy_part};
use replica::replica;
pub(super) use sizing::{
    ClassSize, default_size, fit_nodes, instance_count, size_warning, variable_note,
};
use sizing::{
    class_size, engine_from_version, engine_of, engine_version, family_engine, fmt_num,
    largest_instance_size, rds_engine, serverless_size, unknown_engine,
};

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

const NO_ZONE: &str =
    "DigitalOcean database hosts are not in a Route 53 zone; point records at the cluster's `host`";

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
