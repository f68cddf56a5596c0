//! MSK → Managed Kafka and OpenSearch (or Elasticsearch) domains → Managed OpenSearch
//! (`digitalocean_database_cluster`).

use super::{drop_with, nested, nested_bool, nested_num, nested_str, num_expr, warn};
use crate::diag::{Code, Diagnostic};
use crate::facts::catalog as facts;
use crate::hclx;
use crate::origin::Resource;
use crate::out::OutBody;
use crate::rules::{Cx, Export};
use hcl::Expression;

pub(super) const OPENSEARCH_ARGS: &[&str] = &[
    "domain_name",
    "engine_version",
    "elasticsearch_version",
    "cluster_config",
    "vpc_options",
    "encrypt_at_rest",
    "node_to_node_encryption",
    "domain_endpoint_options",
    "advanced_security_options",
    "access_policies",
    "log_publishing_options",
    "snapshot_options",
    "auto_tune_options",
    "software_update_options",
];

/// `(vCPU, GiB)` of an MSK broker or OpenSearch node type (`kafka.m5.large`, `r6g.large.search`).
fn service_shape(instance_type: &str) -> Option<(u32, u32)> {
    let t = instance_type
        .trim_start_matches("kafka.")
        .trim_end_matches(".search")
        .trim_end_matches(".elasticsearch");
    let (family, size) = t.split_once('.')?;
    facts::aws_shape(family, size)
}

/// No size fits (the size tables are empty for the node count): say so rather than lose `r`.
fn no_size(r: &Resource, cx: &mut Cx<'_>, product: &str) {
    cx.unsupported(
        r,
        Code::UnsupportedValue,
        format!("no {product} size fits `{}`", r.address()),
        format!("write the `digitalocean_database_cluster` for {product} by hand in the origin"),
    );
}

fn database_exports(r: &Resource, cx: &mut Cx<'_>, addr: &str) {
    cx.export(
        r,
        "arn",
        Export::Attr {
            target: addr.to_string(),
            attr: "urn".into(),
        },
    );
    cx.export(
        r,
        "id",
        Export::Attr {
            target: addr.to_string(),
            attr: "id".into(),
        },
    );
}

pub(super) fn msk_cluster(r: &Resource, cx: &mut Cx<'_>) {
    let instance_type = nested_str(cx, r, &["broker_node_group_info"], "instance_type");
    let shape = instance_type.as_deref().and_then(service_shape);
    let (vcpus, mem) = shape.unwrap_or((2, 8));
    let Some((size, exact)) =
        facts::nearest_db_size(facts::KAFKA_SIZES, vcpus, mem, facts::KAFKA_NODES)
    else {
        no_size(r, cx, "Managed Kafka");
        return;
    };
    match (&instance_type, shape) {
        (Some(t), Some(_)) if !exact => warn(
            cx,
            r,
            "broker_node_group_info",
            Code::NearestMatch,
            format!(
                "MSK broker type `{t}` ({vcpus} vCPU / {mem} GiB) → Managed Kafka size `{}` ({} vCPU / {} GiB)",
                size.slug, size.vcpus, size.memory_gib
            ),
            "Managed Kafka offers a few sizes per node; review the size against the brokers' load",
        ),
        (Some(t), None) => warn(
            cx,
            r,
            "broker_node_group_info",
            Code::NearestMatch,
            format!(
                "MSK broker type `{t}` has no known shape; Managed Kafka size `{}` was used",
                size.slug
            ),
            "set the size of the emitted cluster by hand if it does not fit",
        ),
        _ => {}
    }
    if let Some(v) = cx.str(r, "kafka_version")
        && !v.starts_with(&format!("{}.", facts::KAFKA_VERSION))
        && v != facts::KAFKA_VERSION
    {
        warn(
            cx,
            r,
            "kafka_version",
            Code::NearestMatch,
            format!(
                "Kafka `{v}` → `{}`, the Managed Kafka version in Ferry's reference data",
                facts::KAFKA_VERSION
            ),
            "check client compatibility with the new broker version",
        );
    }
    if facts::KAFKA_END_OF_AVAILABILITY < crate::facts::FACTS_DATE {
        warn(
            cx,
            r,
            "kafka_version",
            Code::NearestMatch,
            format!(
                "`{}`: Managed Kafka `{}`, the only Kafka version in Ferry's reference data, is past its end of availability there ({}): DigitalOcean may no longer create clusters of it",
                r.address(),
                facts::KAFKA_VERSION,
                facts::KAFKA_END_OF_AVAILABILITY
            ),
            "look up the Kafka versions DigitalOcean offers now (`GET /v2/databases/options`) and set the emitted `version` to one of them",
        );
    }
    if let Some(n) = cx.num(r, "number_of_broker_nodes")
        && n as u32 != facts::KAFKA_NODES
    {
        warn(
            cx,
            r,
            "number_of_broker_nodes",
            Code::NearestMatch,
            format!(
                "{n} MSK brokers → {} Managed Kafka nodes",
                facts::KAFKA_NODES
            ),
            "Managed Kafka clusters have 3 nodes in Terraform; size them up instead of out",
        );
    }
    if nested_bool(cx, r, &["client_authentication", "sasl"], "iam") == Some(true) {
        warn(
            cx,
            r,
            "client_authentication",
            Code::FeatureUnsupported,
            format!(
                "`{}` authenticates clients with IAM; Managed Kafka authenticates with SASL/SCRAM users over TLS",
                r.address()
            ),
            "switch the clients to SASL/SCRAM with the cluster's user and password (`digitalocean_database_user`)",
        );
    }
    let mut body = OutBody::new();
    let name = cx.unique_name(r, cx.expr(r, "cluster_name"), &r.name);
    body.set("name", name);
    body.set("engine", Expression::String("kafka".into()));
    body.set("version", Expression::String(facts::KAFKA_VERSION.into()));
    body.set("size", Expression::String(size.slug.into()));
    body.set("region", cx.region());
    body.set("node_count", num_expr(facts::KAFKA_NODES));
    body.set_opt("private_network_uuid", cx.vpc_id(r));
    body.set("tags", cx.tags());
    let addr = cx.emit(r, "digitalocean_database_cluster", body);
    database_exports(r, cx, &addr);
    // Inside the VPC the brokers are read on the cluster's `private_host`
    // (`database::host_attr`); the `_public_` bootstrap strings keep the public `host`.
    let private =
        crate::rules::database::endpoint(&addr, crate::rules::database::host_attr(cx, &addr));
    for attr in [
        "bootstrap_brokers",
        "bootstrap_brokers_tls",
        "bootstrap_brokers_sasl_scram",
        "bootstrap_brokers_sasl_iam",
    ] {
        cx.export(r, attr, private.clone());
    }
    let public = crate::rules::database::endpoint(&addr, "host");
    for attr in [
        "bootstrap_brokers_public_tls",
        "bootstrap_brokers_public_sasl_scram",
        "bootstrap_brokers_public_sasl_iam",
    ] {
        cx.export(r, attr, public.clone());
    }
    cx.export(
        r,
        "cluster_name",
        Export::Attr {
            target: addr.clone(),
            attr: "name".into(),
        },
    );
    cx.export(
        r,
        "current_version",
        Export::Attr {
            target: addr,
            attr: "version".into(),
        },
    );
    for attr in ["zookeeper_connect_string", "zookeeper_connect_string_tls"] {
        cx.export(
            r,
            attr,
            Export::Unmapped(
                "Managed Kafka gives no ZooKeeper access; clients use the bootstrap servers".into(),
            ),
        );
    }
}

pub(super) fn msk_configuration(r: &Resource, cx: &mut Cx<'_>) {
    drop_with(
        r,
        cx,
        "Kafka server properties are set per cluster on DigitalOcean (`digitalocean_database_kafka_config`)",
    );
    if hclx::attr(&r.body, "server_properties").is_some() {
        warn(
            cx,
            r,
            "server_properties",
            Code::FeatureUnsupported,
            format!(
                "the server properties of `{}` are not carried over",
                r.address()
            ),
            "set the ones Managed Kafka supports with a `digitalocean_database_kafka_config` for the cluster",
        );
    }
}

pub(super) fn opensearch_domain(r: &Resource, cx: &mut Cx<'_>) {
    let is_es = r.ty == "aws_elasticsearch_domain";
    let instance_type = nested_str(cx, r, &["cluster_config"], "instance_type");
    let shape = instance_type.as_deref().and_then(service_shape);
    let (vcpus, mem) = shape.unwrap_or((2, 8));
    let count = nested_num(cx, r, &["cluster_config"], "instance_count")
        .map(|n| n.clamp(1.0, 100.0) as u32)
        .unwrap_or(1);
    let nodes = facts::at_least(facts::OPENSEARCH_NODE_COUNTS, count);
    if nodes != count {
        warn(
            cx,
            r,
            "cluster_config",
            Code::NearestMatch,
            format!("{count} OpenSearch data nodes → {nodes} Managed OpenSearch nodes"),
            "Managed OpenSearch clusters have 1, 3, 6, 9 or 15 nodes",
        );
    }
    let Some((size, exact)) = facts::nearest_db_size(facts::OPENSEARCH_SIZES, vcpus, mem, nodes)
    else {
        no_size(r, cx, "Managed OpenSearch");
        return;
    };
    match (&instance_type, shape) {
        (Some(t), Some(_)) if !exact => warn(
            cx,
            r,
            "cluster_config",
            Code::NearestMatch,
            format!(
                "OpenSearch node type `{t}` ({vcpus} vCPU / {mem} GiB) → Managed OpenSearch size `{}` ({} vCPU / {} GiB)",
                size.slug, size.vcpus, size.memory_gib
            ),
            "review the size against the domain's load",
        ),
        (Some(t), None) => warn(
            cx,
            r,
            "cluster_config",
            Code::NearestMatch,
            format!(
                "OpenSearch node type `{t}` has no known shape; Managed OpenSearch size `{}` was used",
                size.slug
            ),
            "set the size of the emitted cluster by hand if it does not fit",
        ),
        _ => {}
    }
    // Parts of `cluster_config` with no Managed OpenSearch setting, named rather than lost.
    let mut lost: Vec<String> = Vec::new();
    if nested_bool(cx, r, &["cluster_config"], "dedicated_master_enabled") == Some(true) {
        let masters = nested_num(cx, r, &["cluster_config"], "dedicated_master_count")
            .map(|n| format!("{} ", n.max(0.0) as u64))
            .unwrap_or_default();
        let of = nested(r, &["cluster_config"])
            .and_then(|b| hclx::attr(&b, "dedicated_master_type").and_then(|e| cx.eval.string(e)))
            .map(|t| format!(" (`{t}`)"))
            .unwrap_or_default();
        lost.push(format!("{masters}dedicated master node(s){of}"));
    }
    for (key, what) in [
        ("zone_awareness_enabled", "zone awareness"),
        (
            "multi_az_with_standby_enabled",
            "a standby availability zone",
        ),
        ("warm_enabled", "UltraWarm nodes"),
    ] {
        if nested_bool(cx, r, &["cluster_config"], key) == Some(true) {
            lost.push(what.to_string());
        }
    }
    if !lost.is_empty() {
        cx.diag(
            Diagnostic::new(
                Code::ArgumentDropped,
                format!(
                    "`{}`: {} not carried over: Managed OpenSearch has no such setting; its {nodes} node(s) are sized for the data nodes",
                    r.address(),
                    lost.join(", ")
                ),
            )
            .at(r.loc_of("cluster_config"))
            .resource(r.address()),
        );
    }
    let version_key = if is_es {
        "elasticsearch_version"
    } else {
        "engine_version"
    };
    let version = cx.str(r, version_key);
    let upgraded = match version.as_deref() {
        Some(v) if v.starts_with("OpenSearch_2.") => None,
        None if !is_es => None,
        Some(v) => Some(v.to_string()),
        None => Some("Elasticsearch".to_string()),
    };
    if let Some(v) = upgraded {
        warn(
            cx,
            r,
            version_key,
            Code::NearestMatch,
            format!(
                "`{v}` → OpenSearch {}, the version Managed OpenSearch offers",
                facts::OPENSEARCH_VERSION
            ),
            "check that the clients and index mappings work with OpenSearch 2",
        );
    }
    warn(
        cx,
        r,
        "domain_name",
        Code::FeatureUnsupported,
        format!(
            "Managed OpenSearch requires authentication; clients of `{}` must use the cluster's user and password on port 25060",
            r.address()
        ),
        "read the connection string from the cluster's `uri` (the `endpoint` reference now carries host:port)",
    );
    let mut body = OutBody::new();
    let name = cx.unique_name(r, cx.expr(r, "domain_name"), &r.name);
    body.set("name", name);
    body.set("engine", Expression::String("opensearch".into()));
    body.set(
        "version",
        Expression::String(facts::OPENSEARCH_VERSION.into()),
    );
    body.set("size", Expression::String(size.slug.into()));
    body.set("region", cx.region());
    body.set("node_count", num_expr(nodes));
    if nested(r, &["vpc_options"]).is_some() {
        body.set_opt("private_network_uuid", cx.vpc_id(r));
    }
    body.set("tags", cx.tags());
    let addr = cx.emit(r, "digitalocean_database_cluster", body);
    database_exports(r, cx, &addr);
    // A domain with `vpc_options` is read on the cluster's `private_host`.
    let host = crate::rules::database::host_attr(cx, &addr);
    cx.export(r, "endpoint", crate::rules::database::endpoint(&addr, host));
    for attr in ["dashboard_endpoint", "kibana_endpoint"] {
        cx.export(
            r,
            attr,
            Export::Tmpl {
                target: addr.clone(),
                tmpl: "\"${$T.ui_host}:${$T.ui_port}\"".into(),
            },
        );
    }
    cx.export(
        r,
        "domain_name",
        Export::Attr {
            target: addr.clone(),
            attr: "name".into(),
        },
    );
    cx.export(
        r,
        "domain_id",
        Export::Attr {
            target: addr,
            attr: "id".into(),
        },
    );
}
