//! Data services besides relational databases: `elasticache` (v1), `memory-db` (v2),
//! `msk-kafka-cluster` (v2), `opensearch` (v1), `efs` (v1) and `redshift` (v6).

use super::one_resource::single;
use super::security_group::{aurora_like_security_group, with_own_sg};
use super::{B, Builder, get, no_resources, obj_block, s};

pub(super) fn elasticache(b: &mut Builder<'_>) {
    let engine = b.input("engine").or_else(|| Some(s("redis")));
    let port = b.input("port");
    let sg = aurora_like_security_group(b, "security_group_rules", port.clone(), engine.as_ref());
    let replication = b.input_bool("create_replication_group").unwrap_or(true)
        && b.input_bool("create") != Some(false);
    let cluster = !replication && b.input_bool("create_cluster") == Some(true);
    let sgs = b.input("security_group_ids");
    let sgs = with_own_sg(sg.as_deref(), sgs);
    let common = [
        "engine_version",
        "node_type",
        "parameter_group_name",
        "maintenance_window",
        "snapshot_retention_limit",
        "snapshot_window",
        "apply_immediately",
        "auto_minor_version_upgrade",
        "notification_topic_arn",
    ];
    let addr = if replication {
        let mut body = B::new();
        b.pass(&mut body, &["replication_group_id"]);
        body.set(
            "description",
            b.input("description")
                .unwrap_or_else(|| s("ElastiCache replication group")),
        );
        body.set_opt("engine", engine);
        body.set_opt("port", port);
        b.pass(&mut body, &common);
        b.pass(
            &mut body,
            &[
                "num_cache_clusters",
                "num_node_groups",
                "replicas_per_node_group",
                "automatic_failover_enabled",
                "multi_az_enabled",
                "transit_encryption_enabled",
                "at_rest_encryption_enabled",
                "auth_token",
                "kms_key_id",
                "data_tiering_enabled",
                "cluster_mode",
            ],
        );
        body.set_opt("security_group_ids", sgs);
        Some(b.resource("aws_elasticache_replication_group", &b.base(), body))
    } else if cluster {
        let mut body = B::new();
        b.pass(&mut body, &["cluster_id", "num_cache_nodes", "az_mode"]);
        body.set_opt("engine", engine);
        body.set_opt("port", port);
        b.pass(&mut body, &common);
        body.set_opt("security_group_ids", sgs);
        Some(b.resource("aws_elasticache_cluster", &b.base(), body))
    } else {
        None
    };
    let Some(addr) = addr else {
        no_resources(b, &["replication_group_id", "cluster_id"]);
        return;
    };
    b.understood(&[
        "tags",
        "create_replication_group",
        "create_cluster",
        "cluster_mode_enabled",
    ]);
    b.absorb_matching(
        |k| {
            k == "subnet_ids"
                || k == "vpc_id"
                || k.starts_with("subnet_group")
                || k == "create_subnet_group"
                || k.starts_with("security_group_")
                || k == "create_security_group"
        },
        "DigitalOcean databases join the VPC directly; the module's security group becomes the database firewall",
    );
    if replication {
        b.outs(
            &addr,
            &[
                ("replication_group_id", "id"),
                ("replication_group_arn", "arn"),
                (
                    "replication_group_primary_endpoint_address",
                    "primary_endpoint_address",
                ),
                (
                    "replication_group_reader_endpoint_address",
                    "reader_endpoint_address",
                ),
                (
                    "replication_group_configuration_endpoint_address",
                    "configuration_endpoint_address",
                ),
                ("replication_group_member_clusters", "member_clusters"),
                ("replication_group_port", "port"),
            ],
        );
    } else {
        b.outs(
            &addr,
            &[
                ("cluster_id", "cluster_id"),
                ("cluster_arn", "arn"),
                ("cluster_address", "cluster_address"),
                ("cluster_configuration_endpoint", "configuration_endpoint"),
                ("cluster_cache_nodes", "cache_nodes"),
            ],
        );
    }
    match sg {
        Some(sg) => b.out("security_group_id", &sg, "id"),
        None => b.out_unmapped(
            "security_group_id",
            "the module created no security group (no `security_group_rules`)",
        ),
    }
}

/// msk-kafka-cluster v2: one `aws_msk_cluster` (broker nodes, instance type, storage).
pub(super) fn msk(b: &mut Builder<'_>) {
    if !b.created(&["create"]) {
        no_resources(b, &["arn", "bootstrap_brokers"]);
        return;
    }
    let mut body = B::new();
    let name = b.input("name").unwrap_or_else(|| s(&b.call.name));
    body.set("cluster_name", name);
    b.pass(&mut body, &["kafka_version", "number_of_broker_nodes"]);
    let mut group = B::new();
    group.set(
        "instance_type",
        b.input("broker_node_instance_type")
            .unwrap_or_else(|| s("kafka.m5.large")),
    );
    let subnets = b.input("broker_node_client_subnets");
    group.set_opt("client_subnets", subnets);
    let sgs = b.input("broker_node_security_groups");
    group.set_opt("security_groups", sgs);
    let size = b
        .input("broker_node_storage_info")
        .and_then(|info| get(&info, "ebs_storage_info").and_then(|ebs| get(&ebs, "volume_size")));
    let size = size.or_else(|| b.input("broker_node_ebs_volume_size"));
    if let Some(size) = size {
        let mut ebs = B::new();
        ebs.set("volume_size", size);
        let mut storage = B::new();
        storage.block("ebs_storage_info", ebs);
        group.block("storage_info", storage);
    }
    body.block("broker_node_group_info", group);
    let c = b.resource("aws_msk_cluster", &b.base(), body);
    b.understood(&["tags", "putin_khuylo"]);
    b.absorb_matching(
        |k| {
            k.starts_with("encryption_")
                || k.starts_with("client_authentication")
                || k.contains("cloudwatch")
                || k.contains("s3_logs")
                || k.contains("firehose")
                || k.starts_with("jmx_")
                || k.starts_with("node_exporter")
                || k.starts_with("enhanced_monitoring")
                || k.starts_with("configuration_")
                || k.starts_with("create_configuration")
                || k.starts_with("scaling_")
                || k.starts_with("create_scram")
                || k.starts_with("schema_registr")
        },
        "encryption, authentication, monitoring, logging and broker configuration of MSK",
    );
    b.outs(
        &c,
        &[
            ("arn", "arn"),
            ("bootstrap_brokers", "bootstrap_brokers"),
            ("bootstrap_brokers_tls", "bootstrap_brokers_tls"),
            (
                "bootstrap_brokers_sasl_scram",
                "bootstrap_brokers_sasl_scram",
            ),
            ("bootstrap_brokers_sasl_iam", "bootstrap_brokers_sasl_iam"),
            ("zookeeper_connect_string", "zookeeper_connect_string"),
            ("current_version", "current_version"),
        ],
    );
}

/// opensearch v1: one `aws_opensearch_domain` (cluster and storage settings as blocks).
pub(super) fn opensearch(b: &mut Builder<'_>) {
    if !b.created(&["create"]) {
        no_resources(b, &["domain_arn", "domain_endpoint"]);
        return;
    }
    let mut body = B::new();
    let name = b.input("domain_name").unwrap_or_else(|| s(&b.call.name));
    body.set("domain_name", name);
    b.pass(&mut body, &["engine_version"]);
    for block in ["cluster_config", "ebs_options", "vpc_options"] {
        if let Some(v) = b.input_literal(block) {
            body.block(block, obj_block(&v, &["zone_awareness_config"]));
        }
    }
    let d = b.resource("aws_opensearch_domain", &b.base(), body);
    b.understood(&["tags", "putin_khuylo"]);
    b.absorb_matching(
        |k| {
            k.contains("access_polic")
                || k.contains("encrypt")
                || k.contains("log_publishing")
                || k.contains("cloudwatch")
                || k.starts_with("advanced_security")
                || k.starts_with("domain_endpoint_options")
                || k.starts_with("auto_tune")
                || k.starts_with("create_saml")
                || k.starts_with("saml")
                || k.starts_with("outbound_connection")
                || k.starts_with("package_associations")
                || k.starts_with("vpc_endpoints")
                || k.starts_with("security_group")
                || k.starts_with("create_security_group")
                || k.starts_with("create_access_policy")
                || k.starts_with("enable_access_policy")
        },
        "access policies, encryption, logging, fine-grained security and endpoint options of the domain",
    );
    b.outs(
        &d,
        &[
            ("domain_arn", "arn"),
            ("domain_id", "domain_id"),
            ("domain_domain_name", "domain_name"),
            ("domain_endpoint", "endpoint"),
            ("domain_dashboard_endpoint", "dashboard_endpoint"),
        ],
    );
}

pub(super) fn efs(b: &mut Builder<'_>) {
    single(
        b,
        &["create"],
        "aws_efs_file_system",
        None,
        &[
            "creation_token",
            "performance_mode",
            "throughput_mode",
            "encrypted",
        ],
        &[
            ("arn", "arn"),
            ("id", "id"),
            ("dns_name", "dns_name"),
            ("size_in_bytes", "size_in_bytes"),
        ],
    );
}

pub(super) fn redshift(b: &mut Builder<'_>) {
    single(
        b,
        &["create"],
        "aws_redshift_cluster",
        Some("cluster_identifier"),
        &[
            "node_type",
            "number_of_nodes",
            "database_name",
            "master_username",
        ],
        &[
            ("cluster_arn", "arn"),
            ("cluster_id", "id"),
            ("cluster_identifier", "cluster_identifier"),
            ("cluster_endpoint", "endpoint"),
            ("cluster_database_name", "database_name"),
        ],
    );
}

pub(super) fn memory_db(b: &mut Builder<'_>) {
    single(
        b,
        &["create", "create_cluster"],
        "aws_memorydb_cluster",
        Some("name"),
        &[
            "node_type",
            "num_shards",
            "num_replicas_per_shard",
            "engine_version",
            "port",
        ],
        &[
            ("cluster_id", "id"),
            ("cluster_arn", "arn"),
            ("cluster_endpoint_address", "cluster_endpoint"),
        ],
    );
}
