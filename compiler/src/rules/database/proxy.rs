//! RDS Proxy → a PgBouncer connection pool on its PostgreSQL cluster (a MySQL proxy is absorbed
//! into the cluster, with a warning), with the authentication it cannot keep reported.

use super::{CLUSTER, POOL, attr, self_ref};
use crate::diag::{Code, Diagnostic};
use crate::facts::db as facts;
use crate::hclx;
use crate::origin::{Meta, Mode, Resource};
use crate::out::OutBody;
use crate::rules::{Cx, Export};
use hcl::Expression;
use std::collections::BTreeSet;

/// A part of an RDS Proxy (target group, target, extra endpoint): the proxy's rule records its
/// outcome; one whose proxy is not in the stack is dropped with that reason (the proxy's rule,
/// run later, overwrites the outcome).
pub(super) fn db_proxy_part(r: &Resource, cx: &mut Cx<'_>) {
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
pub(super) fn db_proxy(r: &Resource, cx: &mut Cx<'_>) {
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
