//! Relational databases: `rds` (v6) and `rds-aurora` (v9), with the security group either may
//! create.

use super::security_group::{aurora_like_security_group, with_own_sg};
use super::{
    B, Builder, entries, get, is_empty_literal, no_resources, obj_block, rref, with_suffix,
};
use hcl::Expression;

pub(super) fn rds(b: &mut Builder<'_>) {
    if !b.created(&["create_db_instance"]) {
        no_resources(b, &["db_instance_endpoint", "db_instance_address"]);
        return;
    }
    let mut body = B::new();
    // identifier, or identifier_prefix with `instance_use_identifier_prefix`.
    let identifier = b.input("identifier");
    if b.input_bool("instance_use_identifier_prefix") == Some(true) {
        body.set_opt(
            "identifier_prefix",
            identifier.map(|i| with_suffix(&i, "-")),
        );
    } else {
        body.set_opt("identifier", identifier);
    }
    b.pass(
        &mut body,
        &[
            "engine",
            "engine_version",
            "instance_class",
            "allocated_storage",
            "max_allocated_storage",
            "storage_type",
            "storage_encrypted",
            "kms_key_id",
            "iops",
            "storage_throughput",
            "db_name",
            "username",
            "password",
            "manage_master_user_password",
            "port",
            "multi_az",
            "availability_zone",
            "vpc_security_group_ids",
            "publicly_accessible",
            "maintenance_window",
            "backup_window",
            "backup_retention_period",
            "deletion_protection",
            "skip_final_snapshot",
            "apply_immediately",
            "auto_minor_version_upgrade",
            "allow_major_version_upgrade",
            "snapshot_identifier",
            "replicate_source_db",
            "ca_cert_identifier",
            "iam_database_authentication_enabled",
            "performance_insights_enabled",
            "performance_insights_retention_period",
            "monitoring_interval",
            "enabled_cloudwatch_logs_exports",
            "copy_tags_to_snapshot",
            "character_set_name",
            "nchar_character_set_name",
            "timezone",
            "license_model",
            "network_type",
        ],
    );
    // Before v5 of the module the database name was `name`.
    if !b.has("db_name") && b.has("name") {
        let n = b.input("name");
        body.set_opt("db_name", n);
    }
    let db = b.resource("aws_db_instance", &b.base(), body);
    b.understood(&[
        "tags",
        "db_instance_tags",
        "create_random_password",
        "random_password_length",
    ]);
    b.absorb_matching(
        |k| {
            k == "subnet_ids"
                || k.starts_with("db_subnet_group")
                || k == "create_db_subnet_group"
                || k.ends_with("_tags")
        },
        "DigitalOcean databases join the VPC directly; there is no subnet group",
    );

    b.outs(
        &db,
        &[
            ("db_instance_address", "address"),
            ("db_instance_arn", "arn"),
            ("db_instance_availability_zone", "availability_zone"),
            ("db_instance_endpoint", "endpoint"),
            ("db_instance_engine", "engine"),
            ("db_instance_engine_version_actual", "engine_version_actual"),
            ("db_instance_hosted_zone_id", "hosted_zone_id"),
            ("db_instance_id", "id"),
            ("db_instance_identifier", "identifier"),
            ("db_instance_resource_id", "resource_id"),
            ("db_instance_status", "status"),
            ("db_instance_name", "db_name"),
            ("db_instance_username", "username"),
            ("db_instance_password", "password"),
            ("db_instance_port", "port"),
            ("db_instance_ca_cert_identifier", "ca_cert_identifier"),
        ],
    );
    b.out_unmapped(
        "db_instance_master_user_secret_arn",
        "DigitalOcean generates the database password; read it from the cluster's `password` attribute",
    );
    for o in ["db_subnet_group_id", "db_subnet_group_arn"] {
        b.out_unmapped(
            o,
            "DigitalOcean databases join the VPC directly; there is no subnet group",
        );
    }
    for o in [
        "db_parameter_group_id",
        "db_parameter_group_arn",
        "db_option_group_id",
        "db_option_group_arn",
    ] {
        b.out_unmapped(
            o,
            "DigitalOcean databases have no parameter or option groups",
        );
    }
    for o in [
        "enhanced_monitoring_iam_role_name",
        "enhanced_monitoring_iam_role_arn",
        "db_instance_cloudwatch_log_groups",
    ] {
        b.out_unmapped(o, "IAM and CloudWatch have no DigitalOcean counterpart");
    }
}

pub(super) fn aurora(b: &mut Builder<'_>) {
    if !b.created(&["create", "create_cluster"]) {
        no_resources(b, &["cluster_endpoint", "cluster_id"]);
        return;
    }
    let name = b.input("name");
    let engine = b.input("engine");
    let engine_version = b.input("engine_version");
    let port = b.input("port");

    // The security group the module creates from `security_group_rules`.
    let sg = aurora_like_security_group(b, "security_group_rules", port.clone(), engine.as_ref());

    let mut body = B::new();
    if b.input_bool("cluster_use_name_prefix") == Some(true) {
        body.set_opt(
            "cluster_identifier_prefix",
            name.as_ref().map(|n| with_suffix(n, "-")),
        );
    } else {
        body.set_opt("cluster_identifier", name.clone());
    }
    body.set_opt("engine", engine.clone());
    body.set_opt("engine_version", engine_version.clone());
    body.set_opt("port", port);
    b.pass(
        &mut body,
        &[
            "engine_mode",
            "database_name",
            "master_username",
            "master_password",
            "manage_master_user_password",
            "storage_encrypted",
            "kms_key_id",
            "apply_immediately",
            "skip_final_snapshot",
            "deletion_protection",
            "backup_retention_period",
            "preferred_backup_window",
            "preferred_maintenance_window",
            "enabled_cloudwatch_logs_exports",
            "iam_database_authentication_enabled",
            "storage_type",
            "allocated_storage",
            "iops",
            "db_cluster_instance_class",
            "copy_tags_to_snapshot",
            "snapshot_identifier",
            "global_cluster_identifier",
            "network_type",
            "enable_http_endpoint",
            "availability_zones",
        ],
    );
    let sgs = b.input("vpc_security_group_ids");
    body.set_opt("vpc_security_group_ids", with_own_sg(sg.as_deref(), sgs));
    for block in [
        "serverlessv2_scaling_configuration",
        "scaling_configuration",
    ] {
        if let Some(v) = b.input_literal(block).filter(|v| !is_empty_literal(v)) {
            body.block(block, obj_block(&v, &[]));
        }
    }
    let cluster = b.resource("aws_rds_cluster", &b.base(), body);

    // Instances: `instances = { one = {}, two = { instance_class = … } }`.
    let instance_class = b.input("instance_class");
    let publicly_accessible = b.input("publicly_accessible");
    let instances = b.input("instances");
    let instances = match &instances {
        Some(e) => b.literal("instances", e),
        None => Some(Expression::Object(hcl::Object::new())),
    };
    let list: Vec<(String, Expression)> = match &instances {
        Some(e) => entries(e),
        // Not known: one instance stands for them (a warning was given).
        None => vec![("1".to_string(), Expression::Object(hcl::Object::new()))],
    };
    for (key, inst) in list {
        let mut ib = B::new();
        let identifier = get(&inst, "identifier")
            .or_else(|| name.as_ref().map(|n| with_suffix(n, &format!("-{key}"))));
        ib.set_opt("identifier", identifier);
        ib.set("cluster_identifier", rref(&cluster, "id"));
        ib.set_opt(
            "instance_class",
            get(&inst, "instance_class").or_else(|| instance_class.clone()),
        );
        ib.set_opt("engine", engine.clone());
        ib.set_opt("engine_version", engine_version.clone());
        ib.set_opt(
            "publicly_accessible",
            get(&inst, "publicly_accessible").or_else(|| publicly_accessible.clone()),
        );
        for k in ["availability_zone", "promotion_tier"] {
            ib.set_opt(k, get(&inst, k));
        }
        b.resource(
            "aws_rds_cluster_instance",
            &format!("{}_{key}", b.base()),
            ib,
        );
    }
    b.understood(&["tags", "cluster_tags", "instances_use_identifier_prefix"]);
    b.absorb_matching(
        |k| {
            k == "subnets"
                || k == "vpc_id"
                || k.starts_with("db_subnet_group")
                || k == "create_db_subnet_group"
                || k.starts_with("security_group_")
                || k == "create_security_group"
        },
        "DigitalOcean databases join the VPC directly; the module's security group becomes the database firewall",
    );

    aurora_outputs(b, &cluster, sg.as_deref());
}

fn aurora_outputs(b: &mut Builder<'_>, cluster: &str, sg: Option<&str>) {
    for prefix in ["cluster", "rds_cluster"] {
        for (out, attr) in [
            ("arn", "arn"),
            ("id", "id"),
            ("resource_id", "cluster_resource_id"),
            ("members", "cluster_members"),
            ("endpoint", "endpoint"),
            ("reader_endpoint", "reader_endpoint"),
            ("engine_version_actual", "engine_version_actual"),
            ("engine_version", "engine_version"),
            ("database_name", "database_name"),
            ("port", "port"),
            ("master_username", "master_username"),
            ("master_password", "master_password"),
            ("hosted_zone_id", "hosted_zone_id"),
        ] {
            b.out(&format!("{prefix}_{out}"), cluster, attr);
        }
    }
    b.out_unmapped(
        "cluster_master_user_secret",
        "DigitalOcean generates the database password; read it from the cluster's `password` attribute",
    );
    b.out_unmapped(
        "cluster_instances",
        "the instances become nodes of one DigitalOcean database cluster",
    );
    b.out_unmapped(
        "db_subnet_group_name",
        "DigitalOcean databases join the VPC directly; there is no subnet group",
    );
    match sg {
        Some(sg) => b.out("security_group_id", sg, "id"),
        None => b.out_unmapped(
            "security_group_id",
            "the module created no security group (no `security_group_rules`)",
        ),
    }
}
