//! Modules that create one resource each, named by their `name` input: `sqs` (v4), `sns` (v6),
//! `dynamodb-table` (v4), `kms` (v3), `ecr`, the `iam` (v5) and `cloudwatch` (v5) submodules,
//! `secrets-manager` (v1) and `ssm-parameter` (v1). What each stands for is the rules' business.

use super::{B, Builder, META, no_resources, rref, s};
use hcl::Expression;

/// A module that creates one resource of `ty` (what it stands for is the rules' business:
/// SQS, SNS and DynamoDB are reported with their alternatives, KMS and CloudWatch absorbed,
/// IAM dropped), named by the module's `name` input (or `name_input`); its outputs read that
/// resource's attributes.
pub(super) fn single(
    b: &mut Builder<'_>,
    switches: &[&str],
    ty: &str,
    name_input: Option<&str>,
    pass: &[&str],
    outputs: &[(&str, &str)],
) {
    if !b.created(switches) {
        let names: Vec<&str> = outputs.iter().map(|(o, _)| *o).collect();
        no_resources(b, &names);
        return;
    }
    let mut body = B::new();
    if let Some(n) = name_input {
        let v = b.input(n);
        body.set_opt(
            match n {
                "role_name" => "name",
                other => other,
            },
            v,
        );
    }
    b.pass(&mut body, pass);
    let r = b.resource(ty, &b.base(), body);
    b.understood(&["tags", "putin_khuylo"]);
    b.outs(&r, outputs);
}

pub(super) fn sqs(b: &mut Builder<'_>) {
    single(
        b,
        &["create"],
        "aws_sqs_queue",
        Some("name"),
        &[
            "fifo_queue",
            "visibility_timeout_seconds",
            "message_retention_seconds",
            "delay_seconds",
        ],
        &[
            ("queue_id", "id"),
            ("queue_arn", "arn"),
            ("queue_url", "url"),
            ("queue_name", "name"),
        ],
    );
}

pub(super) fn sns(b: &mut Builder<'_>) {
    single(
        b,
        &["create"],
        "aws_sns_topic",
        Some("name"),
        &["fifo_topic", "display_name"],
        &[
            ("topic_arn", "arn"),
            ("topic_id", "id"),
            ("topic_name", "name"),
            ("topic_owner", "owner"),
        ],
    );
}

pub(super) fn dynamodb_table(b: &mut Builder<'_>) {
    single(
        b,
        &["create_table"],
        "aws_dynamodb_table",
        Some("name"),
        &[
            "hash_key",
            "range_key",
            "billing_mode",
            "read_capacity",
            "write_capacity",
        ],
        &[
            ("dynamodb_table_arn", "arn"),
            ("dynamodb_table_id", "id"),
            ("dynamodb_table_stream_arn", "stream_arn"),
            ("dynamodb_table_stream_label", "stream_label"),
        ],
    );
}

pub(super) fn kms(b: &mut Builder<'_>) {
    single(
        b,
        &["create"],
        "aws_kms_key",
        None,
        &[
            "description",
            "key_usage",
            "deletion_window_in_days",
            "enable_key_rotation",
        ],
        &[("key_arn", "arn"), ("key_id", "key_id")],
    );
}

/// ecr v1–v2: a private repository, which the ECR rule makes a repository of the appliance's
/// registry (its image moves there). Lifecycle and repository policies are inputs the module
/// turns into resources of their own: not carried, so the F206 note lists them.
pub(super) fn ecr(b: &mut Builder<'_>) {
    let outputs = [
        ("repository_name", "name"),
        ("repository_arn", "arn"),
        ("repository_registry_id", "registry_id"),
        ("repository_url", "repository_url"),
    ];
    if !b.created(&["create", "create_repository"]) {
        let names: Vec<&str> = outputs.iter().map(|(o, _)| *o).collect();
        no_resources(b, &names);
        return;
    }
    let mut body = B::new();
    for (input, arg) in [
        ("repository_name", "name"),
        ("repository_image_tag_mutability", "image_tag_mutability"),
        ("repository_force_delete", "force_delete"),
    ] {
        let v = b.input(input);
        body.set_opt(arg, v);
    }
    let r = b.resource("aws_ecr_repository", &b.base(), body);
    b.understood(&["tags", "putin_khuylo"]);
    b.outs(&r, &outputs);
}

/// iam v5 submodules: roles (assumable, OIDC, service accounts), policies, users, groups.
pub(super) fn iam(b: &mut Builder<'_>, sub: &str) -> Option<()> {
    let preset = sub.strip_prefix("modules/")?;
    if preset.contains("oidc-provider") {
        single(
            b,
            &["create"],
            "aws_iam_openid_connect_provider",
            None,
            &["url", "client_id_list"],
            &[("arn", "arn"), ("url", "url")],
        );
    } else if preset == "iam-account" {
        single(
            b,
            &["create_account_password_policy", "create"],
            "aws_iam_account_alias",
            None,
            &["account_alias"],
            &[("iam_account_alias", "account_alias")],
        );
    } else if preset.contains("role") {
        single(
            b,
            &["create_role", "create"],
            "aws_iam_role",
            Some("role_name"),
            &[],
            &[
                ("iam_role_arn", "arn"),
                ("iam_role_name", "name"),
                ("iam_role_unique_id", "unique_id"),
                ("iam_role_path", "path"),
                ("arn", "arn"),
                ("name", "name"),
            ],
        );
    } else if preset.contains("policy") {
        single(
            b,
            &["create_policy", "create"],
            "aws_iam_policy",
            Some("name"),
            &["description", "policy"],
            &[
                ("arn", "arn"),
                ("id", "id"),
                ("name", "name"),
                ("policy", "policy"),
            ],
        );
    } else if preset.contains("user") {
        single(
            b,
            &["create_user", "create"],
            "aws_iam_user",
            Some("name"),
            &[],
            &[
                ("iam_user_arn", "arn"),
                ("iam_user_name", "name"),
                ("iam_user_unique_id", "unique_id"),
            ],
        );
    } else if preset.contains("group") {
        single(
            b,
            &["create_group", "create"],
            "aws_iam_group",
            Some("name"),
            &[],
            &[("group_arn", "arn"), ("group_name", "name")],
        );
    } else {
        return None;
    }
    // Whatever else the submodule reads (trust policies, OIDC providers, attached policies)
    // configures AWS identities, which have no DigitalOcean equivalent.
    b.absorb_matching(
        |k| !META.contains(&k),
        "AWS identity and access configuration",
    );
    Some(())
}

/// cloudwatch v5 submodules: log groups and metric alarms.
pub(super) fn cloudwatch(b: &mut Builder<'_>, sub: &str) -> Option<()> {
    match sub.strip_prefix("modules/")? {
        "log-group" => single(
            b,
            &["create"],
            "aws_cloudwatch_log_group",
            Some("name"),
            &["retention_in_days"],
            &[
                ("cloudwatch_log_group_name", "name"),
                ("cloudwatch_log_group_arn", "arn"),
            ],
        ),
        "metric-alarm" => single(
            b,
            &["create_metric_alarm", "create"],
            "aws_cloudwatch_metric_alarm",
            Some("alarm_name"),
            &[
                "comparison_operator",
                "evaluation_periods",
                "metric_name",
                "namespace",
                "period",
                "statistic",
                "threshold",
            ],
            &[
                ("cloudwatch_metric_alarm_arn", "arn"),
                ("cloudwatch_metric_alarm_id", "id"),
            ],
        ),
        _ => return None,
    }
    b.absorb_matching(|k| !META.contains(&k), "CloudWatch configuration");
    Some(())
}

/// secrets-manager v1: the secret and, with a value, its version (the secrets rule makes a
/// Kubernetes Secret of them; a literal value becomes a deploy-time input).
pub(super) fn secrets_manager(b: &mut Builder<'_>) {
    if !b.created(&["create"]) {
        no_resources(b, &["secret_arn", "secret_id"]);
        return;
    }
    let mut body = B::new();
    b.pass(&mut body, &["name", "name_prefix", "description"]);
    let secret = b.resource("aws_secretsmanager_secret", &b.base(), body);
    let value = b
        .input("secret_string")
        .or_else(|| b.input("secret_binary"));
    let version = value.map(|v| {
        let mut ver = B::new();
        ver.set("secret_id", rref(&secret, "id"));
        ver.set("secret_string", v);
        b.resource("aws_secretsmanager_secret_version", &b.base(), ver)
    });
    b.understood(&["tags", "putin_khuylo", "ignore_secret_changes"]);
    b.absorb_matching(
        |k| {
            k.contains("rotation")
                || k.contains("policy")
                || k == "kms_key_id"
                || k == "recovery_window_in_days"
                || k.starts_with("replica")
                || k == "force_overwrite_replica_secret"
                || k == "block_public_policy"
        },
        "rotation, resource policies, KMS keys and replicas of AWS secrets",
    );
    b.outs(
        &secret,
        &[
            ("secret_arn", "arn"),
            ("secret_id", "id"),
            ("secret_name", "name"),
        ],
    );
    match version {
        Some(v) => {
            b.out("secret_version_id", &v, "version_id");
            b.out("secret_string", &v, "secret_string");
        }
        None => b.out_unmapped("secret_version_id", "the module was given no secret value"),
    }
}

/// ssm-parameter v1: one `aws_ssm_parameter` (the secrets rule maps parameters).
pub(super) fn ssm_parameter(b: &mut Builder<'_>) {
    if !b.created(&["create"]) {
        no_resources(b, &["ssm_parameter_arn", "ssm_parameter_name"]);
        return;
    }
    let mut body = B::new();
    b.pass(&mut body, &["name", "description", "tier", "data_type"]);
    let value = b.input("value").or_else(|| b.input("insecure_value"));
    let values = b.input("values");
    let ty = b.input("type").unwrap_or_else(|| {
        if values.is_some() {
            s("StringList")
        } else {
            s("SecureString")
        }
    });
    body.set("type", ty);
    match (value, values) {
        (Some(v), _) => {
            body.set("value", v);
        }
        (None, Some(list)) => {
            let mut join = hcl::FuncCall::new(hcl::Identifier::unchecked("join"));
            join.args = vec![s(","), list];
            body.set("value", Expression::FuncCall(Box::new(join)));
        }
        (None, None) => {}
    }
    let p = b.resource("aws_ssm_parameter", &b.base(), body);
    b.understood(&["tags", "putin_khuylo", "ignore_value_changes"]);
    b.outs(
        &p,
        &[
            ("ssm_parameter_arn", "arn"),
            ("ssm_parameter_name", "name"),
            ("ssm_parameter_type", "type"),
            ("ssm_parameter_version", "version"),
            ("ssm_parameter_value", "value"),
        ],
    );
}
