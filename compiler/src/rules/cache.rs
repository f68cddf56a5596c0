//! ElastiCache → DigitalOcean managed Valkey (`digitalocean_database_cluster` engine `valkey`).
//!
//! Redis OSS and Valkey map to Valkey 8 (mapping facts §4, §5); Memcached has no DigitalOcean
//! engine and maps to Valkey with a warning. Node types map by the §4 table (usable cache
//! memory), node counts are capped at 3, and the parameter group's `maxmemory-policy` becomes
//! the cluster's `eviction_policy`.

use super::database::{
    self, ClusterSpec, PARAMETER_GROUP_ARGS, admin_password, attr, cluster_body, default_size,
    endpoint, export_origin, fit_nodes, host_attr, instance_count, maintenance_window,
    reader_endpoint_warning, size_warning, uses_of, variable_note, vpc_for,
};
use super::{Cx, Export, Phase, RuleDef};
use crate::diag::{Code, Diagnostic, Severity};
use crate::facts::db::{self as facts, DbSize, DoEngine};
use crate::hclx;
use crate::origin::{Mode, Resource};
use hcl::expr::{Expression, TraversalOperator as Op};
use hcl::template::Element;

const CLUSTER: &str = "digitalocean_database_cluster";

pub const RULES: &[RuleDef] = &[
    RuleDef {
        ty: "aws_elasticache_cluster",
        mode: Mode::Managed,
        phase: Phase::Primary,
        produces: &[CLUSTER],
        args: &[
            // Carried into a database firewall by the security-group rule.
            "security_group_ids",
            "cluster_id",
            "engine",
            "engine_version",
            "node_type",
            "num_cache_nodes",
            "parameter_group_name",
            "subnet_group_name",
            "maintenance_window",
            "replication_group_id",
            "transit_encryption_enabled",
            "apply_immediately",
            "auto_minor_version_upgrade",
            "availability_zone",
            "preferred_availability_zones",
            "az_mode",
        ],
        summary: "ElastiCache cluster → digitalocean_database_cluster engine valkey (Memcached → Valkey, flagged)",
        map: cache_cluster,
    },
    RuleDef {
        ty: "aws_elasticache_replication_group",
        mode: Mode::Managed,
        phase: Phase::Primary,
        produces: &[CLUSTER],
        args: &[
            // Carried into a database firewall by the security-group rule.
            "security_group_ids",
            "replication_group_id",
            "description",
            "replication_group_description",
            "engine",
            "engine_version",
            "node_type",
            "num_cache_clusters",
            "number_cache_clusters",
            "replicas_per_node_group",
            "num_node_groups",
            "cluster_mode",
            "parameter_group_name",
            "subnet_group_name",
            "maintenance_window",
            "automatic_failover_enabled",
            "multi_az_enabled",
            "auth_token",
            "transit_encryption_enabled",
            "apply_immediately",
            "auto_minor_version_upgrade",
            "preferred_cache_cluster_azs",
            "availability_zones",
        ],
        summary: "ElastiCache replication group → digitalocean_database_cluster engine valkey (replicas → standby nodes, at most 3 nodes; cluster mode flagged)",
        map: replication_group,
    },
    RuleDef {
        ty: "aws_elasticache_serverless_cache",
        mode: Mode::Managed,
        phase: Phase::Primary,
        produces: &[CLUSTER],
        args: &[
            // Carried into a database firewall by the security-group rule.
            "security_group_ids",
            "name",
            "engine",
            "major_engine_version",
            "cache_usage_limits",
            "description",
            "subnet_ids",
        ],
        summary: "ElastiCache Serverless → digitalocean_database_cluster engine valkey, one node sized for the maximum data storage",
        map: serverless_cache,
    },
    RuleDef {
        ty: "aws_elasticache_subnet_group",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &["name", "description", "subnet_ids"],
        summary: "ElastiCache subnet group → absorbed into the VPC (clusters join it with private_network_uuid)",
        map: database::subnet_group,
    },
    RuleDef {
        ty: "aws_elasticache_parameter_group",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: PARAMETER_GROUP_ARGS,
        summary: "ElastiCache parameter group → absorbed into the clusters using it (maxmemory-policy → eviction_policy)",
        map: database::parameter_group,
    },
];

fn cache_cluster(r: &Resource, cx: &mut Cx<'_>) {
    if let Some(group) = cx.expr(r, "replication_group_id") {
        if cx
            .resolve_ref(&group)
            .is_some_and(|g| g.ty == "aws_elasticache_replication_group")
        {
            // A member of a replication group: the group's rule counts and absorbs it.
            return;
        }
        cx.unsupported(
            r,
            Code::OrphanSubresource,
            format!(
                "`{}` joins a replication group that is not part of this stack",
                r.address()
            ),
            "declare the `aws_elasticache_replication_group` in the same module",
        );
        return;
    }
    let Some(engine_name) = cache_engine(cx, r, false) else {
        return;
    };
    let memcached = engine_name == "memcached";
    let nodes = cx
        .num(r, "num_cache_nodes")
        .map(|n| n.clamp(1.0, 1000.0) as u32)
        .unwrap_or(1);
    let mut notes = Vec::new();
    let (size, requested) = if memcached {
        // Memcached nodes are shards of one cache: one Valkey node with their memory.
        let size = node_size(cx, r, r, "node_type", nodes);
        cx.diag(
            Diagnostic::new(
                Code::FeatureUnsupported,
                format!(
                    "`{}`: DigitalOcean has no Memcached; Ferry maps it to Valkey {}, a Redis-compatible cache: {nodes} node(s) → one node of `{}` ({} GiB)",
                    r.address(),
                    facts::VALKEY_VERSION,
                    size.slug,
                    size.memory_gib
                ),
            )
            .at(r.loc_of("engine"))
            .resource(r.address())
            .help("switch the application to a Redis/Valkey client library: Valkey does not speak the Memcached protocol"),
        );
        (size, 1)
    } else {
        version_note(cx, r, &engine_name);
        (node_size(cx, r, r, "node_type", 1), nodes)
    };
    let (size, node_count) = fit_nodes(cx, r, "num_cache_nodes", DoEngine::Valkey, size, requested);
    let eviction = eviction_policy(cx, r, memcached, &mut notes);
    tls_warning(cx, r);
    let name = cx.unique_name(r, cx.expr(r, "cluster_id"), &r.name);
    let vpc = vpc_for(cx, r, &["subnet_group_name"]);
    let mut body = cluster_body(
        cx,
        name,
        &ClusterSpec {
            engine: DoEngine::Valkey,
            version: facts::VALKEY_VERSION,
            size,
            node_count,
            storage_mib: None,
            eviction_policy: Some(eviction),
        },
        vpc,
    );
    maintenance_window(cx, r, "maintenance_window", &mut body);
    let addr = cx.emit(r, CLUSTER, body);
    cache_nodes_warning(cx, r);

    // `cache_nodes[0].address` is the common read, `cache_nodes[0].port` the next: one
    // element per origin node, each the cluster's host (`private_host` when the cluster is
    // in the appliance VPC, `database::host_attr`) and port.
    let host = host_attr(cx, &addr);
    cx.export(r, "cache_nodes", cache_nodes(&addr, host, nodes));
    attr(cx, r, "cluster_address", &addr, host);
    cx.export(r, "configuration_endpoint", endpoint(&addr, host));
    // Not an attribute of an AWS cluster (Redis AUTH is a replication group's): the output a
    // caller's `redis://` URL reads the `default` user's password through (`crate::xmod`).
    attr(cx, r, "auth_token", &addr, "password");
    common_exports(cx, r, &addr, "cluster_id");
    if !notes.is_empty() {
        cx.note(r, notes.join("; "));
    }
}

fn replication_group(r: &Resource, cx: &mut Cx<'_>) {
    let Some(engine_name) = cache_engine(cx, r, true) else {
        return;
    };
    version_note(cx, r, &engine_name);
    let mut notes = Vec::new();
    let members = cx.referencing("aws_elasticache_cluster", "replication_group_id", r);
    let mode_block = hclx::blocks(&r.body, "cluster_mode").into_iter().next();
    let block_num = |cx: &Cx<'_>, k: &str| {
        mode_block
            .as_ref()
            .and_then(|b| hclx::attr(b, k))
            .and_then(|e| cx.eval.number(e))
    };
    let shards = cx
        .num(r, "num_node_groups")
        .or_else(|| block_num(cx, "num_node_groups"))
        .map(|n| n.clamp(1.0, 500.0) as u32)
        .unwrap_or(1);
    let replicas = cx
        .num(r, "replicas_per_node_group")
        .or_else(|| block_num(cx, "replicas_per_node_group"));
    let (count_key, requested) = if let Some(n) = cx.num(r, "num_cache_clusters") {
        ("num_cache_clusters", n)
    } else if let Some(n) = cx.num(r, "number_cache_clusters") {
        ("number_cache_clusters", n)
    } else if let Some(n) = replicas {
        ("replicas_per_node_group", n + 1.0)
    } else if !members.is_empty() {
        let n: u32 = members.iter().map(|m| instance_count(cx, m)).sum();
        ("replication_group_id", f64::from(n))
    } else {
        ("replication_group_id", 1.0)
    };
    let requested = requested.clamp(1.0, 1000.0) as u32;
    let mode_enabled = cx
        .expr(r, "cluster_mode")
        .and_then(|e| cx.eval.string(&e))
        .is_some_and(|m| m == "enabled");
    let group_cluster_enabled = parameter(cx, r, "cluster-enabled").is_some_and(|v| v == "yes");
    let sharded = shards > 1 || mode_enabled || group_cluster_enabled;
    // The node type of the group, or of its first member cluster.
    let (type_at, type_key) = if cx.expr(r, "node_type").is_some() {
        (r, "node_type")
    } else {
        match members.iter().find(|m| cx.expr(m, "node_type").is_some()) {
            Some(m) => (*m, "node_type"),
            None => (r, "node_type"),
        }
    };
    let size = node_size(cx, r, type_at, type_key, shards);
    if sharded {
        cx.diag(
            Diagnostic::new(
                Code::FeatureUnsupported,
                format!(
                    "`{}`: cluster mode ({shards} shard(s)) has no DigitalOcean equivalent; one unsharded Valkey primary holds the whole keyspace (`{}`, {} GiB, sized for the memory of all shards)",
                    r.address(),
                    size.slug,
                    size.memory_gib
                ),
            )
            .at(r.loc_of(if cx.expr(r, "num_node_groups").is_some() {
                "num_node_groups"
            } else {
                "cluster_mode"
            }))
            .resource(r.address())
            .help("connect with a non-cluster client (no CLUSTER commands, no MOVED redirects); keys no longer need hash tags to share a slot"),
        );
    }
    let (size, node_count) = fit_nodes(cx, r, count_key, DoEngine::Valkey, size, requested);
    let eviction = eviction_policy(cx, r, false, &mut notes);
    tls_warning(cx, r);
    admin_password(cx, r, "auth_token", DoEngine::Valkey);
    let name = cx.unique_name(r, cx.expr(r, "replication_group_id"), &r.name);
    let vpc = vpc_for(cx, r, &["subnet_group_name"]);
    let mut body = cluster_body(
        cx,
        name,
        &ClusterSpec {
            engine: DoEngine::Valkey,
            version: facts::VALKEY_VERSION,
            size,
            node_count,
            storage_mib: None,
            eviction_policy: Some(eviction),
        },
        vpc,
    );
    maintenance_window(cx, r, "maintenance_window", &mut body);
    let addr = cx.emit(r, CLUSTER, body);
    if node_count > 1 {
        notes.push(format!(
            "{} standby node(s) with automatic failover",
            node_count - 1
        ));
    }
    let host = host_attr(cx, &addr);
    for m in &members {
        cx.absorb(
            m,
            &addr,
            format!(
                "a node of the replication group `{}` (counted in its `node_count`)",
                r.address()
            ),
        );
        cx.export(m, "cache_nodes", cache_nodes(&addr, host, 1));
        common_exports(cx, m, &addr, "cluster_id");
    }
    reader_endpoint_warning(
        cx,
        r,
        "reader_endpoint_address",
        "the provider exposes no standby-node host",
        "read from the primary, or look up the standby nodes' `replica-` host names through the API",
    );

    attr(cx, r, "primary_endpoint_address", &addr, host);
    attr(cx, r, "reader_endpoint_address", &addr, host);
    attr(cx, r, "configuration_endpoint_address", &addr, host);
    attr(cx, r, "auth_token", &addr, "password");
    cx.export(
        r,
        "member_clusters",
        Export::Unmapped("DigitalOcean standby nodes are not separate resources".into()),
    );
    common_exports(cx, r, &addr, "replication_group_id");
    if !notes.is_empty() {
        cx.note(r, notes.join("; "));
    }
}

/// ElastiCache Serverless scales its data storage between `cache_usage_limits` bounds (GB);
/// DigitalOcean caches have a fixed size: the one whose memory holds the maximum (like Aurora
/// Serverless, known gap #31), with the minimum's size named as the cheaper choice.
fn serverless_cache(r: &Resource, cx: &mut Cx<'_>) {
    let Some(engine_name) = cache_engine(cx, r, true) else {
        return;
    };
    version_note_at(cx, r, &engine_name, "major_engine_version");
    let limits = hclx::blocks(&r.body, "cache_usage_limits");
    let data = limits
        .first()
        .map(|b| hclx::blocks(b, "data_storage"))
        .unwrap_or_default();
    let storage: Option<&hcl::Body> = data.first().map(|b| &**b);
    let limit = |cx: &Cx<'_>, k: &str| {
        storage
            .and_then(|b| hclx::attr(b, k))
            .and_then(|e| cx.eval.number(e))
            .filter(|n| *n > 0.0)
    };
    let (min, max) = (limit(cx, "minimum"), limit(cx, "maximum"));
    let engine = DoEngine::Valkey;
    let size_for = |gb: f64| {
        let class = if gb <= 4.0 {
            facts::SizeClass::Shared
        } else {
            facts::SizeClass::Memory
        };
        facts::nearest(
            engine,
            facts::Shape {
                vcpus: 0.0,
                memory_gib: gb,
                class,
            },
            true,
        )
    };
    let size = match max {
        Some(gb) => size_for(gb).size,
        None => default_size(engine),
    };
    let range = match (min, max) {
        (Some(lo), Some(hi)) => format!("between {} and {} GB of data", fmt(lo), fmt(hi)),
        (None, Some(hi)) => format!("up to {} GB of data", fmt(hi)),
        _ => "without a data storage limit".to_string(),
    };
    let cheaper = min
        .map(|lo| (lo, size_for(lo).size))
        .filter(|(_, low)| low.slug != size.slug)
        .map(|(lo, low)| {
            format!(
                "for the minimum ({} GB) the size would be `{}` ({} vCPU / {} GiB), the cheaper choice if the cache rarely holds more; ",
                fmt(lo),
                low.slug,
                low.vcpus,
                low.memory_gib
            )
        })
        .unwrap_or_default();
    cx.diag(
        Diagnostic::new(
            Code::NearestMatch,
            format!(
                "`{}`: ElastiCache Serverless scales {range}; DigitalOcean has no serverless caches: one Valkey node of the fixed size `{}` ({} vCPU / {} GiB){}",
                r.address(),
                size.slug,
                size.vcpus,
                size.memory_gib,
                if max.is_some() { ", for the maximum" } else { "" }
            ),
        )
        .at(r.loc_of(if storage.is_some() { "cache_usage_limits" } else { "engine" }))
        .resource(r.address())
        .help(format!(
            "DigitalOcean bills the size around the clock: {cheaper}ElastiCache Serverless replicates across zones, a single node does not: set `node_count = 2` for a standby node with automatic failover"
        )),
    );
    let mut notes = Vec::new();
    let eviction = eviction_policy(cx, r, false, &mut notes);
    let name = cx.unique_name(r, cx.expr(r, "name"), &r.name);
    let vpc = vpc_for(cx, r, &[]);
    let body = cluster_body(
        cx,
        name,
        &ClusterSpec {
            engine,
            version: facts::VALKEY_VERSION,
            size,
            node_count: 1,
            storage_mib: None,
            eviction_policy: Some(eviction),
        },
        vpc,
    );
    let addr = cx.emit(r, CLUSTER, body);
    let host = host_attr(cx, &addr);
    let endpoint = Export::Value {
        target: addr.clone(),
        tmpl: format!("[{{ address = $T.{host}, port = $T.port }}]"),
    };
    cx.export(r, "endpoint", endpoint.clone());
    reader_endpoint_warning(
        cx,
        r,
        "reader_endpoint",
        "the provider exposes no standby-node host",
        "read from the primary, or look up the standby nodes' `replica-` host names through the API",
    );
    cx.export(r, "reader_endpoint", endpoint);
    attr(cx, r, "arn", &addr, "urn");
    attr(cx, r, "id", &addr, "id");
    attr(cx, r, "name", &addr, "name");
    attr(cx, r, "full_engine_version", &addr, "version");
    // Not an attribute of a serverless cache: what the Secret of a workload reading its host
    // reads the `default` user's password through (known gap #296).
    attr(cx, r, "auth_token", &addr, "password");
    export_origin(cx, r, "engine");
    if !notes.is_empty() {
        cx.note(r, notes.join("; "));
    }
}

/// A number as the origin would write it (`10`, `0.5`).
fn fmt(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

fn common_exports(cx: &mut Cx<'_>, r: &Resource, addr: &str, name_attr: &'static str) {
    attr(cx, r, "port", addr, "port");
    attr(cx, r, "arn", addr, "urn");
    attr(cx, r, "id", addr, "id");
    attr(cx, r, name_attr, addr, "name");
    attr(cx, r, "engine_version_actual", addr, "version");
    export_origin(cx, r, "engine");
}

/// The static ElastiCache engine (`redis` when absent), or `None` after recording it as
/// unsupported.
fn cache_engine(cx: &mut Cx<'_>, r: &Resource, group: bool) -> Option<String> {
    let engine = cx
        .str(r, "engine")
        .unwrap_or_else(|| "redis".into())
        .to_ascii_lowercase();
    let ok = matches!(engine.as_str(), "redis" | "valkey") || (!group && engine == "memcached");
    if ok {
        return Some(engine);
    }
    cx.unsupported(
        r,
        Code::UnsupportedValue,
        format!(
            "`{}`: engine `{engine}` has no DigitalOcean caching equivalent",
            r.address()
        ),
        "use `redis` or `valkey`: they map to DigitalOcean Valkey",
    );
    None
}

/// A note that Redis OSS (or an older Valkey) becomes Valkey 8.
fn version_note(cx: &mut Cx<'_>, r: &Resource, engine: &str) {
    version_note_at(cx, r, engine, "engine_version");
}

/// [`version_note`] for the version in `key` (`major_engine_version` of a serverless cache).
fn version_note_at(cx: &mut Cx<'_>, r: &Resource, engine: &str, key: &str) {
    let version = cx.str(r, key);
    let from = match (engine, version.as_deref()) {
        ("redis", v) => format!(
            "Redis OSS{}",
            v.map(|v| format!(" {v}")).unwrap_or_default()
        ),
        ("valkey", Some(v)) if !v.starts_with(facts::VALKEY_VERSION) => format!("Valkey {v}"),
        _ => return,
    };
    cx.diag(
        Diagnostic::new(
            Code::NearestMatch,
            format!(
                "`{}`: {from} → Valkey {}, the Redis-compatible engine DigitalOcean offers for caching",
                r.address(),
                facts::VALKEY_VERSION
            ),
        )
        .severity(Severity::Note)
        .at(r.loc_of(if version.is_some() { key } else { "engine" }))
        .resource(r.address())
        .help("Valkey speaks the Redis protocol and commands; check modules or commands the application needs beyond Redis 7.2"),
    );
}

/// The caching size for a node type, scaled by `times` nodes of it (Memcached nodes or cluster
/// mode shards), with a warning when it is not the documented mapping.
fn node_size(
    cx: &mut Cx<'_>,
    r: &Resource,
    at: &Resource,
    key: &str,
    times: u32,
) -> &'static DbSize {
    let engine = DoEngine::Valkey;
    let Some(expr) = cx.expr(at, key) else {
        return default_size(engine);
    };
    let Some(node) = cx.str(at, key) else {
        return default_size(engine);
    };
    let choice = if times > 1 {
        facts::cache_node_shape(&node).map(|mut shape| {
            shape.memory_gib *= f64::from(times);
            shape.vcpus *= f64::from(times);
            let mut c = facts::nearest(engine, shape, true);
            // Scaling up is reported by the caller; only "smaller" needs a size warning here.
            c.documented = !c.smaller;
            c
        })
    } else {
        facts::map_cache_node(&node)
    };
    let size = match choice {
        Some(c) => {
            size_warning(cx, at, key, engine, &node, &c);
            c.size
        }
        None => {
            let size = default_size(engine);
            cx.diag(
                Diagnostic::new(
                    Code::NearestMatch,
                    format!(
                        "`{}`: `{node}` is not a node type Ferry knows; using `{}`",
                        at.address(),
                        size.slug
                    ),
                )
                .at(at.loc_of(key))
                .resource(r.address())
                .help("use an ElastiCache node type such as `cache.t3.medium` or `cache.r6g.large`, or set the DigitalOcean `size` of the emitted cluster by hand"),
            );
            size
        }
    };
    variable_note(cx, at, key, &expr, &node, size.slug);
    size
}

/// The value of a parameter in the cluster's (in-stack) parameter group.
fn parameter(cx: &Cx<'_>, r: &Resource, name: &str) -> Option<String> {
    let group = cx
        .referenced(r, "parameter_group_name")
        .filter(|g| g.ty == "aws_elasticache_parameter_group")?;
    hclx::blocks(&group.body, "parameter").iter().find_map(|p| {
        let n = hclx::attr(p, "name").and_then(|e| cx.eval.string(e))?;
        (n == name)
            .then(|| hclx::attr(p, "value").and_then(|e| cx.eval.string(e)))
            .flatten()
    })
}

/// `eviction_policy`: the parameter group's `maxmemory-policy`, else ElastiCache's default
/// (`volatile-lru`; DigitalOcean's own default is `noeviction`). Memcached evicts the least
/// recently used keys.
fn eviction_policy(
    cx: &mut Cx<'_>,
    r: &Resource,
    memcached: bool,
    notes: &mut Vec<String>,
) -> &'static str {
    if memcached {
        notes.push(
            "eviction_policy allkeys_lru: Memcached evicts the least recently used items".into(),
        );
        return "allkeys_lru";
    }
    let (aws, from_group) = match parameter(cx, r, "maxmemory-policy") {
        Some(p) => (p, true),
        None => (facts::ELASTICACHE_DEFAULT_EVICTION.to_string(), false),
    };
    let loc = r.loc_of("parameter_group_name");
    match facts::eviction_policy(&aws) {
        Some((policy, exact)) => {
            if !exact {
                cx.diag(
                    Diagnostic::new(
                        Code::NearestMatch,
                        format!(
                            "`{}`: maxmemory-policy `{aws}` → eviction_policy `{policy}`: DigitalOcean offers no LFU eviction",
                            r.address()
                        ),
                    )
                    .at(loc)
                    .resource(r.address())
                    .help("LRU evicts by recency instead of frequency; check the cache hit rate after the move"),
                );
            }
            if !from_group {
                notes.push(format!(
                    "eviction_policy {policy}: ElastiCache's default maxmemory-policy (DigitalOcean's default is noeviction)"
                ));
            }
            policy
        }
        None => {
            let (policy, _) = facts::eviction_policy(facts::ELASTICACHE_DEFAULT_EVICTION)
                .unwrap_or(("volatile_lru", true));
            cx.diag(
                Diagnostic::new(
                    Code::NearestMatch,
                    format!(
                        "`{}`: maxmemory-policy `{aws}` is not one Ferry knows; using `{policy}`",
                        r.address()
                    ),
                )
                .at(loc)
                .resource(r.address())
                .help("DigitalOcean eviction policies: noeviction, allkeys_lru, allkeys_random, volatile_lru, volatile_random, volatile_ttl"),
            );
            policy
        }
    }
}

/// DigitalOcean Valkey takes TLS connections on its own port; a plain-text ElastiCache's clients
/// must change.
fn tls_warning(cx: &mut Cx<'_>, r: &Resource) {
    if cx
        .expr(r, "transit_encryption_enabled")
        .and_then(|e| cx.eval.bool(&e))
        == Some(true)
    {
        return;
    }
    cx.diag(
        Diagnostic::new(
            Code::FeatureUnsupported,
            format!(
                "`{}` takes plain-text connections on AWS; DigitalOcean Valkey requires TLS by default and listens on the cluster's own `port`",
                r.address()
            ),
        )
        .at(r.loc_of("transit_encryption_enabled"))
        .resource(r.address())
        .help("connect with TLS (`rediss://`, the cluster's `uri`) and read the port from the cluster; or turn TLS off with `digitalocean_database_valkey_config` (`ssl = false`)"),
    );
}

/// `cache_nodes` of an ElastiCache cluster: a list of `nodes` elements (at most 40), each with
/// the cluster's host as `address` and its port as `port` (DigitalOcean clusters have one host
/// for all their nodes), so `cache_nodes[0].port` reads the port (25061), not the host.
fn cache_nodes(addr: &str, host: &str, nodes: u32) -> Export {
    let node = format!("{{ address = $T.{host}, port = $T.port }}");
    let list = vec![node; nodes.clamp(1, 40) as usize].join(", ");
    Export::Value {
        target: addr.to_string(),
        tmpl: format!("[{list}]"),
    }
}

/// `cache_nodes[i].<attr>` other than `address` and `port` has no counterpart: say so.
fn cache_nodes_warning(cx: &mut Cx<'_>, r: &Resource) {
    let other = uses_of(cx, r, "cache_nodes").into_iter().find(|(_, tail)| {
        let last = tail.iter().rev().find_map(|o| match o {
            Op::GetAttr(a) => Some(a.as_str().to_string()),
            _ => None,
        });
        !matches!(last.as_deref(), Some("address" | "port"))
    });
    if let Some((loc, tail)) = other {
        let shown = hclx::inline(&hclx::traversal(
            "cache_nodes",
            tail.into_iter().collect::<Vec<_>>(),
        ));
        cx.diag(
            Diagnostic::new(
                Code::UnmappedReference,
                format!(
                    "`{}.{shown}`: DigitalOcean clusters have no node list; each element of `cache_nodes` has only the cluster's `address` and `port`, so this reads `null`",
                    r.address()
                ),
            )
            .at(loc)
            .resource(r.address())
            .help(format!(
                "reference `{}.port` for the port and `cache_nodes[0].address` for the host",
                r.address()
            )),
        );
    }
}

// ---- workloads that read a cache's host (known gap #296) -----------------------------------

/// The words that end an environment variable naming a host (`REDIS_HOST`, `CACHE_ENDPOINT`).
const HOST_WORDS: &[&str] = &["HOST", "HOSTNAME", "ADDRESS", "ADDR", "ENDPOINT", "SERVER"];

/// The cache of the stack (an ElastiCache cluster, replication group or serverless cache with an
/// engine Ferry maps, not repeated) whose host `v` is, whole: `cache_nodes[0].address` (or
/// `.0.address`), `cluster_address`, `configuration_endpoint`, a replication group's
/// `*_endpoint_address`, a serverless cache's `endpoint[0].address`; also written as
/// `"${…}"`, `tostring(…)` or a local holding one of these.
pub fn host_of<'a>(cx: &Cx<'a>, v: &Expression) -> Option<&'a Resource> {
    host_of_at(cx, v, 0)
}

fn host_of_at<'a>(cx: &Cx<'a>, v: &Expression, depth: u8) -> Option<&'a Resource> {
    if depth > 4 {
        return None;
    }
    match v {
        Expression::Parenthesis(inner) => return host_of_at(cx, inner, depth + 1),
        Expression::FuncCall(c) if c.name.name.as_str() == "tostring" => {
            let [arg] = c.args.as_slice() else {
                return None;
            };
            return host_of_at(cx, arg, depth + 1);
        }
        Expression::TemplateExpr(t) => {
            let template = hclx::parse_template(t)?;
            let [Element::Interpolation(i)] = template.elements() else {
                return None;
            };
            return host_of_at(cx, &i.expr, depth + 1);
        }
        _ => {}
    }
    let (root, ops) = hclx::traversal_root(v)?;
    if let ("local", [Op::GetAttr(name)]) = (root, ops) {
        let local = cx.module.locals.iter().find(|l| l.name == name.as_str())?;
        return host_of_at(cx, &local.expr, depth + 1);
    }
    let [Op::GetAttr(name), Op::GetAttr(attr), rest @ ..] = ops else {
        return None;
    };
    let first_address = || matches!(rest, [Op::Index(_) | Op::LegacyIndex(_), Op::GetAttr(a)] if a.as_str() == "address");
    let host = match (root, attr.as_str()) {
        ("aws_elasticache_cluster", "cache_nodes") => first_address(),
        ("aws_elasticache_cluster", "cluster_address" | "configuration_endpoint") => {
            rest.is_empty()
        }
        (
            "aws_elasticache_replication_group",
            "primary_endpoint_address"
            | "configuration_endpoint_address"
            | "reader_endpoint_address",
        ) => rest.is_empty(),
        ("aws_elasticache_serverless_cache", "endpoint") => first_address(),
        _ => false,
    };
    if !host {
        return None;
    }
    let cache = cx
        .origin_of_type(root)
        .find(|c| c.name == name.as_str() && !c.meta.is_repeated())?;
    let engine = hclx::attr(&cache.body, "engine")
        .map(|e| cx.eval.string(e).map(|s| s.to_ascii_lowercase()));
    match engine {
        None => Some(cache),
        Some(Some(e)) if matches!(e.as_str(), "redis" | "valkey" | "memcached") => Some(cache),
        Some(_) => None,
    }
}

/// `e` with the locals, parentheses and whole-value templates (`"${…}"`) around it taken off:
/// what the value is, for comparing two writings of it.
fn unwrapped<'e>(cx: &Cx<'e>, e: &'e Expression, depth: u8) -> std::borrow::Cow<'e, Expression> {
    use std::borrow::Cow;
    if depth > 4 {
        return Cow::Borrowed(e);
    }
    match e {
        Expression::Parenthesis(inner) => return unwrapped(cx, inner, depth + 1),
        Expression::TemplateExpr(t) => {
            if let Some(template) = hclx::parse_template(t)
                && let [Element::Interpolation(i)] = template.elements()
            {
                let inner = i.expr.clone();
                return Cow::Owned(unwrapped(cx, &inner, depth + 1).into_owned());
            }
        }
        _ => {}
    }
    if let Some(("local", [Op::GetAttr(name)])) = hclx::traversal_root(e)
        && let Some(local) = cx.module.locals.iter().find(|l| l.name == name.as_str())
    {
        return unwrapped(cx, &local.expr, depth + 1);
    }
    Cow::Borrowed(e)
}

/// The replication group (Redis or Valkey, not repeated) whose `auth_token` the environment
/// value `v` is: `aws_elasticache_replication_group.x.auth_token` itself, or the same
/// expression its `auth_token` argument is (`var.redis_password`), directly or through locals
/// on either side. DigitalOcean's cluster has its own `default` user password, which a
/// workload reads instead (known gap #328).
pub fn auth_token_of<'a>(cx: &Cx<'a>, v: &Expression) -> Option<&'a Resource> {
    let value = unwrapped(cx, v, 0);
    let mapped_engine = |c: &Resource| {
        !c.meta.is_repeated()
            && match hclx::attr(&c.body, "engine") {
                None => true,
                Some(e) => cx
                    .eval
                    .string(e)
                    .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "redis" | "valkey")),
            }
    };
    const GROUP: &str = "aws_elasticache_replication_group";
    if let Some((GROUP, [Op::GetAttr(name), Op::GetAttr(attr)])) = hclx::traversal_root(&value)
        && attr.as_str() == "auth_token"
    {
        return cx
            .origin_of_type(GROUP)
            .find(|c| c.name == name.as_str() && mapped_engine(c));
    }
    if !super::secrets::has_reference(&value) {
        return None;
    }
    let text = hclx::inline(&value);
    cx.origin_of_type(GROUP).find(|c| {
        mapped_engine(c)
            && hclx::attr(&c.body, "auth_token")
                .is_some_and(|t| hclx::inline(&unwrapped(cx, t, 0)) == text)
    })
}

/// The environment variable for the password beside a host's (`REDIS_HOST` → `REDIS_PASSWORD`,
/// `QUEUE_BULL_REDIS_HOST` → `QUEUE_BULL_REDIS_PASSWORD`; a name not ending in a host word gets
/// `_PASSWORD` added).
pub fn password_name(host_var: &str) -> String {
    format!("{}_PASSWORD", setting_prefix(host_var).unwrap_or(host_var))
}

/// The name of a host variable without its last word when that names a host (`REDIS_HOST` →
/// `REDIS`); `None` when it does not, or nothing is left.
fn setting_prefix(host_var: &str) -> Option<&str> {
    let (prefix, last) = host_var.rsplit_once('_')?;
    (!prefix.is_empty() && HOST_WORDS.contains(&last.to_ascii_uppercase().as_str()))
        .then_some(prefix)
}

/// The settings among `names` that turn TLS on or off for the client of `host_var`: the same
/// prefix (`REDIS_` for `REDIS_HOST`) and a word `TLS` or `SSL` (`REDIS_TLS`, `REDIS_USE_SSL`).
pub fn tls_settings<'n>(host_var: &str, names: &'n [String]) -> Vec<&'n str> {
    let Some(prefix) = setting_prefix(host_var) else {
        return Vec::new();
    };
    names
        .iter()
        .filter(|n| {
            n.strip_prefix(prefix)
                .and_then(|rest| rest.strip_prefix('_'))
                .is_some_and(|rest| {
                    rest.split('_')
                        .any(|w| w.eq_ignore_ascii_case("TLS") || w.eq_ignore_ascii_case("SSL"))
                })
        })
        .map(String::as_str)
        .collect()
}

/// Whether the origin's clients of `cache` connect without TLS (`transit_encryption_enabled`
/// not `true`; a serverless cache always encrypts in transit).
pub fn plain_text_clients(cx: &Cx<'_>, cache: &Resource) -> bool {
    cache.ty != "aws_elasticache_serverless_cache"
        && hclx::attr(&cache.body, "transit_encryption_enabled").and_then(|e| cx.eval.bool(e))
            != Some(true)
}

/// The Kubernetes Secret holding the `default` user's password of the Valkey cluster `cache`
/// becomes (key `password`), emitted once per cache: workloads that read the cache's host read
/// the password from it by `secretKeyRef`, never as text. Returns its address.
pub fn password_secret(cx: &mut Cx<'_>, cache: &Resource) -> String {
    let origin = cache.address().to_string();
    let existing = cx
        .st
        .emitted
        .iter()
        .find(|e| {
            e.ty == "kubernetes_secret_v1"
                && e.origin.as_deref() == Some(origin.as_str())
                && e.name.ends_with("_valkey_password")
        })
        .map(|e| e.address());
    if let Some(a) = existing {
        return a;
    }
    let data = super::k8s::map([(
        "password",
        hclx::path(&[cache.ty.as_str(), cache.name.as_str(), "auth_token"]),
    )]);
    let name = super::k8s::unique_object_name(
        cx.st,
        "kubernetes_secret_v1",
        &format!("{}-valkey", super::k8s::dns_label(&cache.name, "cache")),
    );
    let ns = cx.k8s_namespace();
    let body = super::k8s::secret(Expression::String(name), ns, data, None, None);
    let addr = cx.emit_as(
        cache,
        Mode::Managed,
        "kubernetes_secret_v1",
        &format!("{}_valkey_password", cache.name),
        body,
    );
    if let Some(e) = cx.emitted_mut(&addr) {
        e.meta = crate::origin::Meta::default();
    }
    cx.secret(crate::report::SecretRef {
        origin,
        target: addr.clone(),
        keys: vec!["password".into()],
        source: "the Valkey cluster's `default` user password".into(),
    });
    addr
}

/// How a workload that reads a cache's host gets the cluster's password.
#[derive(Debug, Clone, Copy)]
pub enum Password<'p> {
    /// Ferry gave it in this variable, from the cluster's Kubernetes Secret.
    Given(&'p str),
    /// The workload's own variable of this name set it to the origin's `auth_token`; Ferry
    /// reads the cluster's Secret there instead (known gap #328).
    Replaced(&'p str),
    /// The workload sets the password variable itself, to something else.
    Own,
}

/// The warning for a workload that reads `cache`'s host in `host_var`: DigitalOcean Valkey
/// takes TLS connections with the `default` user's password only. `password` says how the
/// workload gets it, `tls` names the workload's own TLS settings ([`tls_settings`]). When the
/// origin's clients already used TLS: nothing if Ferry gave the password, a note if it replaced
/// the workload's own value.
#[allow(clippy::too_many_arguments)]
pub fn client_warning(
    cx: &mut Cx<'_>,
    at: &Resource,
    key: &str,
    workload: &str,
    host_var: &str,
    cache: &Resource,
    password: Password<'_>,
    tls: &[&str],
) {
    let plain = plain_text_clients(cx, cache);
    let told = match password {
        Password::Given(p) => format!(
            "Ferry gives it the `default` user's password in `{p}` (from the cluster's Kubernetes Secret)"
        ),
        Password::Replaced(p) => format!(
            "its own `{p}` was the origin's `auth_token`, which the cluster does not use: Ferry reads the `default` user's password there instead (from the cluster's Kubernetes Secret)"
        ),
        Password::Own => format!(
            "it sets `{}` itself, which must be the cluster's `default` user password",
            password_name(host_var)
        ),
    };
    if !plain {
        match password {
            Password::Given(_) => return,
            Password::Replaced(_) => {
                cx.diag(
                    Diagnostic::new(
                        Code::ValueConverted,
                        format!(
                            "{workload} reads the host of `{}` (a DigitalOcean Valkey cluster) in `{host_var}`; {told}",
                            cache.address()
                        ),
                    )
                    .at(at.loc_of(key))
                    .resource(at.address()),
                );
                return;
            }
            Password::Own => {}
        }
    }
    let help = if !plain {
        format!(
            "set `{}` from the cluster's password (`{}.auth_token` reads it)",
            password_name(host_var),
            cache.address()
        )
    } else if tls.is_empty() {
        "turn TLS on in the application's cache client (a `REDIS_TLS`-style setting, or a `rediss://` URL): without it the connection is refused".to_string()
    } else {
        format!(
            "set {} so that the client uses TLS: without it the connection is refused",
            tls.iter()
                .map(|t| format!("`{t}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    cx.diag(
        Diagnostic::new(
            Code::FeatureUnsupported,
            format!(
                "{workload} reads the host of `{}` (a DigitalOcean Valkey cluster) in `{host_var}`: DigitalOcean Valkey takes {}connections with the `default` user's password only; {told}{}",
                cache.address(),
                if plain { "TLS " } else { "" },
                if plain {
                    ", but the application must turn TLS on"
                } else {
                    ""
                }
            ),
        )
        .at(at.loc_of(key))
        .resource(at.address())
        .help(help),
    );
}

/// The note for a workload's own variable that was `cache`'s `auth_token` and now reads the
/// cluster's password from its Secret, when the workload reads no host of the cache beside it
/// (otherwise [`client_warning`] says so).
pub fn replaced_note(
    cx: &mut Cx<'_>,
    at: &Resource,
    key: &str,
    workload: &str,
    var: &str,
    cache: &Resource,
) {
    cx.diag(
        Diagnostic::new(
            Code::ValueConverted,
            format!(
                "{workload} sets `{var}` to the `auth_token` of `{}`, which the DigitalOcean Valkey cluster does not use: `{var}` reads the cluster's `default` user password from its Kubernetes Secret instead",
                cache.address()
            ),
        )
        .at(at.loc_of(key))
        .resource(at.address()),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_beside_the_host() {
        assert_eq!(password_name("REDIS_HOST"), "REDIS_PASSWORD");
        assert_eq!(
            password_name("QUEUE_BULL_REDIS_HOST"),
            "QUEUE_BULL_REDIS_PASSWORD"
        );
        assert_eq!(password_name("CACHE_ENDPOINT"), "CACHE_PASSWORD");
        assert_eq!(password_name("REDIS"), "REDIS_PASSWORD");
        assert_eq!(password_name("HOST"), "HOST_PASSWORD");
    }

    #[test]
    fn tls_settings_of_the_same_client() {
        let names: Vec<String> = [
            "REDIS_HOST",
            "REDIS_TLS",
            "REDIS_USE_SSL",
            "SMTP_SSL",
            "REDISTLS",
            "QUEUE_REDIS_TLS",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(
            tls_settings("REDIS_HOST", &names),
            ["REDIS_TLS", "REDIS_USE_SSL"]
        );
        assert!(tls_settings("HOST", &names).is_empty());
    }
}
