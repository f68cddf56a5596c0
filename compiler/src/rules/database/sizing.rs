//! Engines, versions and sizes: the AWS engine and version → the nearest DigitalOcean engine and
//! offered version; instance classes, Serverless capacity and instance counts → a size slug and
//! node count (reference facts), with a warning where the match is not exact.

use super::global_str;
use crate::diag::{Code, Diagnostic, Severity};
use crate::facts::db as facts;
use crate::facts::db::{DbSize, DoEngine, SizeChoice};
use crate::hclx;
use crate::origin::Resource;
use crate::rules::Cx;
use hcl::Expression;

/// The engine of a parameter group family (`postgres16`, `aurora-mysql8.0`, `docdb5.0`,
/// `redis7`) or option group engine name.
pub(super) fn family_engine(family: &str) -> Option<DoEngine> {
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

/// The static engine name, or `default` when absent. Records an unsupported outcome and returns
/// `None` when there is neither.
pub(super) fn engine_of(
    cx: &mut Cx<'_>,
    r: &Resource,
    key: &str,
    default: Option<&str>,
) -> Option<String> {
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
pub(super) fn engine_from_version(cx: &mut Cx<'_>, r: &Resource, aws_engine: String) -> String {
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

pub(super) fn unknown_engine(engine: &str) -> (String, String) {
    (
        format!("engine `{engine}` has no DigitalOcean managed database"),
        "use PostgreSQL (`postgres`, `aurora-postgresql`) or MySQL (`mysql`, `aurora-mysql`)"
            .into(),
    )
}

/// An RDS / Aurora / DocumentDB engine → the DigitalOcean engine, or (message, help).
pub(super) fn rds_engine(engine: &str) -> Result<DoEngine, (String, String)> {
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
pub(super) fn engine_version(
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

pub(in crate::rules) fn default_size(engine: DoEngine) -> &'static DbSize {
    facts::size(engine, facts::DEFAULT_SIZE).unwrap_or(&engine.sizes()[0])
}

pub(in crate::rules) enum ClassSize {
    Size(&'static DbSize),
    Serverless,
}

/// The size for the instance class in argument `key` of `at`, with a warning when it is not a
/// documented mapping. `None` when the argument is absent.
pub(super) fn class_size(
    cx: &mut Cx<'_>,
    at: &Resource,
    key: &str,
    engine: DoEngine,
) -> Option<ClassSize> {
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
pub(in crate::rules) fn size_warning(
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
pub(in crate::rules) fn variable_note(
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

pub(super) fn fmt_num(n: f64) -> String {
    if n.fract() == 0.0 {
        format!("{n:.0}")
    } else {
        format!("{n}")
    }
}

/// The largest size among the instance classes of a cluster's instances (a DigitalOcean cluster
/// has one size for all nodes).
pub(super) fn largest_instance_size(
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
pub(super) fn serverless_size(cx: &mut Cx<'_>, r: &Resource, engine: DoEngine) -> &'static DbSize {
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
pub(in crate::rules) fn instance_count(cx: &mut Cx<'_>, i: &Resource) -> u32 {
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
pub(in crate::rules) fn fit_nodes(
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
