//! Read replicas (`replicate_source_db`) → `digitalocean_database_replica` of the primary's
//! cluster, in this module or another.

use super::{
    CLUSTER, ClassSize, NO_ZONE, REPLICA, attr, class_size, default_size, endpoint, export_origin,
    host_attr, quietly_unsupported, rds_engine, storage_mib, storage_note, vpc_for,
};
use crate::diag::{Code, Diagnostic};
use crate::facts::db as facts;
use crate::hclx;
use crate::origin::{Mode, Resource};
use crate::out::OutBody;
use crate::rules::{Cx, Export};
use hcl::Expression;
use hcl::expr::TraversalOperator as Op;

/// An RDS read replica → `digitalocean_database_replica` attached to the source's cluster.
pub(super) fn replica(r: &Resource, cx: &mut Cx<'_>) {
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
pub(super) struct Primary {
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
