//! In front of the appliance: `acm` (v5) certificates, `route53`'s `//modules/zones` and
//! `//modules/records`, and `cloudfront` (v3–v4).

use super::{B, Builder, elements, entries, get, no_resources, obj_block, rref, s};
use crate::diag::Code;
use crate::hclx;
use crate::origin::Mode;
use crate::refs::ModuleOutput;
use hcl::Expression;
use std::collections::BTreeMap;

/// One `aws_acm_certificate` (which the ACM rule turns into a Let's Encrypt certificate); the
/// validation records and the wait for validation are DigitalOcean's business.
pub(super) fn acm(b: &mut Builder<'_>) {
    if !b.created(&["create_certificate"]) {
        no_resources(b, &["acm_certificate_arn"]);
        return;
    }
    let mut body = B::new();
    b.pass(
        &mut body,
        &["domain_name", "subject_alternative_names", "key_algorithm"],
    );
    body.set(
        "validation_method",
        b.input("validation_method").unwrap_or_else(|| s("DNS")),
    );
    let cert = b.resource("aws_acm_certificate", &b.base(), body);
    b.understood(&["tags", "putin_khuylo"]);
    b.absorb_matching(
        |k| {
            k == "zone_id"
                || k == "zones"
                || k.starts_with("validat")
                || k.starts_with("create_route53")
                || k == "wait_for_validation"
                || k == "dns_ttl"
                || k == "validation_record_fqdns"
                || k == "certificate_transparency_logging_preference"
        },
        "DigitalOcean validates Let's Encrypt certificates through its own DNS",
    );
    b.out("acm_certificate_arn", &cert, "arn");
    b.out("acm_certificate_status", &cert, "status");
    b.out_unmapped(
        "distinct_domain_names",
        "read the domain names from the module's inputs; the DigitalOcean certificate lists them as `domains`",
    );
    for out in [
        "acm_certificate_domain_validation_options",
        "acm_certificate_validation_emails",
        "validation_route53_record_fqdns",
        "validation_domains",
    ] {
        b.out_unmapped(
            out,
            "DigitalOcean validates Let's Encrypt certificates itself: there are no validation records",
        );
    }
}

/// route53 `//modules/zones` (v2–v4): one `aws_route53_zone` per `zones` entry (the key is the
/// domain unless `domain_name` says otherwise); the outputs are maps by that key.
pub(super) fn route53_zones(b: &mut Builder<'_>) {
    if !b.created(&["create"]) {
        no_resources(b, &["route53_zone_zone_id", "route53_zone_name"]);
        return;
    }
    let mut ids = BTreeMap::new();
    let mut names = BTreeMap::new();
    let mut servers = BTreeMap::new();
    let mut arns = BTreeMap::new();
    if let Some(zones) = b.input_literal("zones") {
        for (key, z) in entries(&zones) {
            let mut body = B::new();
            body.set("name", get(&z, "domain_name").unwrap_or_else(|| s(&key)));
            body.set_opt("comment", get(&z, "comment"));
            body.set_opt("force_destroy", get(&z, "force_destroy"));
            if let Some(vpc) = get(&z, "vpc") {
                for v in elements(&vpc) {
                    body.block("vpc", obj_block(&v, &[]));
                }
            }
            let zone = b.resource("aws_route53_zone", &format!("{}_{key}", b.base()), body);
            ids.insert(key.clone(), (zone.clone(), "zone_id".to_string()));
            names.insert(key.clone(), (zone.clone(), "name".to_string()));
            servers.insert(key.clone(), (zone.clone(), "name_servers".to_string()));
            arns.insert(key, (zone, "arn".to_string()));
        }
    }
    b.understood(&["tags", "putin_khuylo"]);
    b.outputs
        .insert("route53_zone_zone_id".into(), ModuleOutput::Keyed(ids));
    b.outputs
        .insert("route53_zone_name".into(), ModuleOutput::Keyed(names));
    b.outputs.insert(
        "route53_zone_name_servers".into(),
        ModuleOutput::Keyed(servers),
    );
    b.outputs
        .insert("route53_zone_zone_arn".into(), ModuleOutput::Keyed(arns));
}

/// route53 `//modules/records` (v2–v4): one `aws_route53_record` per `records` entry, in the
/// zone `zone_id` names (or the zone of the stack whose name is `zone_name`). Record names are
/// relative to the zone, as the module writes them.
pub(super) fn route53_records(b: &mut Builder<'_>) {
    if !b.created(&["create"]) {
        no_resources(b, &["route53_record_name", "route53_record_fqdn"]);
        return;
    }
    let zone_id = b.input("zone_id").or_else(|| {
        let name = b.input("zone_name")?;
        let name = b.eval.string(&name)?;
        let want = name.trim_end_matches('.');
        // A zone of the calling module (or an expansion before this one) with that name.
        b.existing
            .iter()
            .find(|r| {
                r.mode == Mode::Managed
                    && r.ty == "aws_route53_zone"
                    && hclx::attr(&r.body, "name")
                        .and_then(|e| b.eval.string(e))
                        .is_some_and(|n| n.trim_end_matches('.') == want)
            })
            .map(|z| rref(z.address(), "zone_id"))
    });
    let Some(zone_id) = zone_id else {
        b.note(
            Code::FeatureUnsupported,
            format!(
                "`{}` names its zone by `zone_name` only, and no zone of the stack has that name: Ferry cannot tell which domain the records belong to, so it mapped none",
                b.addr()
            ),
        );
        b.understood(&["records", "private_zone", "tags"]);
        no_resources(b, &["route53_record_name", "route53_record_fqdn"]);
        return;
    };
    b.understood(&["zone_name", "private_zone", "tags", "putin_khuylo"]);
    let records = b.input_literal("records");
    for (i, r) in records.iter().flat_map(elements).enumerate() {
        let mut body = B::new();
        body.set("zone_id", zone_id.clone());
        let name = get(&r, "name").unwrap_or_else(|| s(""));
        let ty = get(&r, "type");
        body.set("name", name.clone());
        body.set_opt("type", ty.clone());
        body.set_opt("ttl", get(&r, "ttl"));
        body.set_opt("records", get(&r, "records"));
        if let Some(alias) = get(&r, "alias") {
            let mut a = B::new();
            a.set_opt("name", get(&alias, "name"));
            a.set_opt("zone_id", get(&alias, "zone_id"));
            a.set(
                "evaluate_target_health",
                get(&alias, "evaluate_target_health").unwrap_or(Expression::Bool(false)),
            );
            body.block("alias", a);
        }
        // Named after the record where its name and type are literals, else by position.
        let label = match (&name, &ty) {
            (Expression::String(n), Some(Expression::String(t))) => {
                let n = if n.is_empty() { "apex" } else { n.as_str() };
                format!("{}_{n}_{}", b.base(), t.to_ascii_lowercase())
            }
            _ => format!("{}_{i}", b.base()),
        };
        b.resource("aws_route53_record", &label, body);
    }
    b.out_unmapped(
        "route53_record_name",
        "read the records' names from the module's inputs (DigitalOcean records are named relative to their domain)",
    );
    b.out_unmapped(
        "route53_record_fqdn",
        "read the records' names from the module's inputs (DigitalOcean records are named relative to their domain)",
    );
}

/// cloudfront v3–v4: one `aws_cloudfront_distribution` (the CloudFront rule makes a Spaces CDN
/// endpoint of a distribution in front of one bucket, and reports the others). `origin` is a
/// map by origin id; the cache behaviours and the certificate are objects in the module.
pub(super) fn cloudfront(b: &mut Builder<'_>) {
    if !b.created(&["create_distribution", "create"]) {
        no_resources(
            b,
            &[
                "cloudfront_distribution_id",
                "cloudfront_distribution_domain_name",
            ],
        );
        return;
    }
    let mut body = B::new();
    b.pass(
        &mut body,
        &[
            "aliases",
            "comment",
            "price_class",
            "is_ipv6_enabled",
            "http_version",
            "default_root_object",
            "web_acl_id",
        ],
    );
    body.set(
        "enabled",
        b.input("enabled").unwrap_or(Expression::Bool(true)),
    );
    const ORIGIN_BLOCKS: &[&str] = &["s3_origin_config", "custom_origin_config", "custom_header"];
    if let Some(origins) = b.input_literal("origin") {
        for (key, o) in entries(&origins) {
            let mut block = obj_block(&o, ORIGIN_BLOCKS);
            if get(&o, "origin_id").is_none() {
                block.set("origin_id", s(&key));
            }
            // The module's `origin_access_control = "<key>"` names an OAC it creates: kept as
            // the distribution's `origin_access_control_id`, so the CloudFront rule says that
            // private-bucket access does not carry over (the Spaces CDN serves public objects).
            for st in block.items.iter_mut() {
                if let hcl::Structure::Attribute(a) = st
                    && a.key() == "origin_access_control"
                {
                    *a = hcl::Attribute::new("origin_access_control_id", a.expr.clone());
                }
            }
            body.block("origin", block);
        }
    }
    if let Some(dcb) = b.input_literal("default_cache_behavior") {
        body.block("default_cache_behavior", obj_block(&dcb, &[]));
    }
    if let Some(Expression::Array(items)) = b.input_literal("ordered_cache_behavior") {
        for i in items {
            body.block("ordered_cache_behavior", obj_block(&i, &[]));
        }
    }
    if let Some(cert) = b.input_literal("viewer_certificate") {
        body.block("viewer_certificate", obj_block(&cert, &[]));
    }
    // Geo restrictions, which the CloudFront rule reports as not carried over.
    if let Some(geo) = b.input_literal("geo_restriction") {
        let mut restrictions = B::new();
        restrictions.block("geo_restriction", obj_block(&geo, &[]));
        body.block("restrictions", restrictions);
    }
    let d = b.resource("aws_cloudfront_distribution", &b.base(), body);
    b.understood(&[
        "tags",
        "putin_khuylo",
        "wait_for_deployment",
        "retain_on_delete",
    ]);
    b.absorb_matching(
        |k| {
            k.contains("origin_access")
                || k == "logging_config"
                || k == "custom_error_response"
                || k.starts_with("create_monitoring")
        },
        "origin access identities and controls, logging and error pages of the distribution",
    );
    b.outs(
        &d,
        &[
            ("cloudfront_distribution_id", "id"),
            ("cloudfront_distribution_arn", "arn"),
            ("cloudfront_distribution_domain_name", "domain_name"),
            ("cloudfront_distribution_hosted_zone_id", "hosted_zone_id"),
            ("cloudfront_distribution_status", "status"),
        ],
    );
}
