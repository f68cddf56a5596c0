//! Aurora global databases: absorbed into the primary cluster; each secondary region's cluster
//! becomes a read replica of it.

use super::{
    CLUSTER, REPLICA, attr, default_size, host_attr, largest_instance_size, rds_engine, vpc_for,
};
use crate::diag::{Code, Diagnostic};
use crate::facts::db::DoEngine;
use crate::hclx;
use crate::origin::Resource;
use crate::out::OutBody;
use crate::rules::{Cx, Export};
use hcl::Expression;
use hcl::expr::TraversalOperator as Op;

/// `aws_rds_cluster_instance` / `aws_docdb_cluster_instance` → absorbed into its cluster.
/// `engine = aws_rds_global_cluster.x.engine` (and `engine_version`): the global cluster's own
/// value, which is static where the reference is not.
pub(super) fn global_str(cx: &Cx<'_>, r: &Resource, key: &str) -> Option<String> {
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
pub(super) fn global_primary<'a>(cx: &Cx<'a>, r: &Resource) -> Option<&'a Resource> {
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
pub(super) fn global_secondary(r: &Resource, primary: &Resource, cx: &mut Cx<'_>) {
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
pub(super) fn global_cluster(r: &Resource, cx: &mut Cx<'_>) {
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
