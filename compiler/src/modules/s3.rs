//! Buckets: `s3-bucket` (v4) and its `//modules/object`.

use super::{B, Builder, get, is_empty_literal, no_resources, rref};
use crate::hclx;
use hcl::Expression;

pub(super) fn s3_bucket(b: &mut Builder<'_>) {
    if !b.created(&["create_bucket"]) {
        no_resources(b, &["s3_bucket_id", "s3_bucket_arn"]);
        return;
    }
    let mut body = B::new();
    b.pass(
        &mut body,
        &[
            "bucket",
            "bucket_prefix",
            "force_destroy",
            "acl",
            "object_lock_enabled",
            "acceleration_status",
            "request_payer",
        ],
    );
    // versioning = { enabled = true } / { status = "Enabled" | true } / { mfa_delete = … }
    if let Some(v) = b
        .input_literal("versioning")
        .filter(|v| !is_empty_literal(v))
    {
        let mut vb = B::new();
        let enabled = get(&v, "enabled").or_else(|| {
            get(&v, "status").map(|st| match b.eval.value(&st) {
                Some(hcl::Value::Bool(x)) => Expression::Bool(x),
                Some(hcl::Value::String(x)) => Expression::Bool(x.eq_ignore_ascii_case("enabled")),
                _ => format!("{} == \"Enabled\"", hclx::inline(&st))
                    .parse()
                    .unwrap_or(Expression::Bool(true)),
            })
        });
        vb.set_opt("enabled", enabled);
        vb.set_opt("mfa_delete", get(&v, "mfa_delete"));
        body.block("versioning", vb);
    }
    for (input, key) in [
        ("lifecycle_rule", "lifecycle_rule"),
        ("cors_rule", "cors_rule"),
        ("grant", "grant"),
        (
            "server_side_encryption_configuration",
            "server_side_encryption_configuration",
        ),
        ("website", "website"),
        ("logging", "logging"),
        ("replication_configuration", "replication_configuration"),
        ("object_lock_configuration", "object_lock_configuration"),
    ] {
        if let Some(v) = b.input_literal(input).filter(|v| !is_empty_literal(v)) {
            body.set(key, v);
        }
    }
    // The module attaches `policy` only with `attach_policy = true`.
    let attach = b.input_bool("attach_policy").unwrap_or(false);
    let policy = b.input("policy");
    if attach && let Some(p) = policy {
        body.set("policy", p);
    }
    let bucket = b.resource("aws_s3_bucket", &b.base(), body);

    // Public access block: created unless `attach_public_policy = false`; its flags default to
    // true from v4 of the module (false before).
    if b.input_bool("attach_public_policy") != Some(false) {
        let default = b.major_version().is_none_or(|m| m >= 4);
        let mut pab = B::new();
        pab.set("bucket", rref(&bucket, "id"));
        for k in [
            "block_public_acls",
            "block_public_policy",
            "ignore_public_acls",
            "restrict_public_buckets",
        ] {
            pab.set(k, b.input(k).unwrap_or(Expression::Bool(default)));
        }
        b.resource("aws_s3_bucket_public_access_block", &b.base(), pab);
    }
    b.understood(&[
        "tags",
        "control_object_ownership",
        "object_ownership",
        "expected_bucket_owner",
        "owner",
        "putin_khuylo",
    ]);
    for attach_input in [
        "attach_deny_insecure_transport_policy",
        "attach_require_latest_tls_policy",
        "attach_elb_log_delivery_policy",
        "attach_lb_log_delivery_policy",
        "attach_deny_incorrect_encryption_headers",
        "attach_deny_incorrect_kms_key_sse",
        "attach_deny_unencrypted_object_uploads",
        "attach_deny_ssec_encrypted_object_uploads",
        "attach_access_log_delivery_policy",
        "attach_inventory_destination_policy",
        "attach_analytics_destination_policy",
        "attach_waf_log_delivery_policy",
        "attach_cloudtrail_log_delivery_policy",
    ] {
        // Switched-off policies are understood; switched-on ones are reported as not carried.
        if b.has(attach_input)
            && hclx::attr(&b.call.body, attach_input).and_then(|e| b.eval.bool(e)) == Some(false)
        {
            b.understood(&[attach_input]);
        }
    }

    b.out("s3_bucket_id", &bucket, "id");
    b.out("s3_bucket_arn", &bucket, "arn");
    b.out(
        "s3_bucket_bucket_domain_name",
        &bucket,
        "bucket_domain_name",
    );
    b.out(
        "s3_bucket_bucket_regional_domain_name",
        &bucket,
        "bucket_regional_domain_name",
    );
    b.out("s3_bucket_region", &bucket, "region");
    b.out("s3_bucket_hosted_zone_id", &bucket, "hosted_zone_id");
    b.out("s3_bucket_website_endpoint", &bucket, "website_endpoint");
    b.out("s3_bucket_website_domain", &bucket, "website_domain");
    b.out("s3_bucket_policy", &bucket, "policy");
    b.out_unmapped(
        "s3_bucket_lifecycle_configuration_rules",
        "the lifecycle rules are blocks of the Spaces bucket",
    );
    b.out_unmapped(
        "aws_s3_bucket_versioning_status",
        "read `versioning` of the Spaces bucket",
    );
    b.out_unmapped(
        "s3_bucket_tags",
        "Spaces buckets carry no tags (Ferry tags them through the S3 API at deploy time)",
    );
}

pub(super) fn s3_object(b: &mut Builder<'_>) {
    if !b.created(&["create"]) {
        no_resources(
            b,
            &["s3_object_id", "s3_object_etag", "s3_object_version_id"],
        );
        return;
    }
    let mut body = B::new();
    b.pass(&mut body, &["bucket", "key"]);
    let src = b.input("file_source");
    body.set_opt("source", src);
    b.pass(
        &mut body,
        &[
            "content",
            "content_base64",
            "content_type",
            "content_disposition",
            "content_encoding",
            "content_language",
            "cache_control",
            "metadata",
            "etag",
            "acl",
            "force_destroy",
            "website_redirect",
            "storage_class",
            "server_side_encryption",
            "kms_key_id",
            "source_hash",
            "object_lock_mode",
            "object_lock_legal_hold_status",
            "object_lock_retain_until_date",
        ],
    );
    let obj = b.resource("aws_s3_object", &b.base(), body);
    b.understood(&["tags", "putin_khuylo"]);
    b.out("s3_object_id", &obj, "id");
    b.out("s3_object_etag", &obj, "etag");
    b.out("s3_object_version_id", &obj, "version_id");
}
