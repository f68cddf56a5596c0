//! CloudFront distributions: one in front of a bucket of the stack → a Spaces CDN endpoint
//! (`digitalocean_cdn`); one in front of the stack's own load balancer left out (the load
//! balancer serves its aliases); the others unsupported, naming what the appliance would lose.

use super::{
    has_block, mapped_target, nested, nested_num, nested_str, num_expr, target_attr, warn,
};
use crate::diag::Code;
use crate::facts::catalog as facts;
use crate::hclx;
use crate::origin::{Mode, Resource};
use crate::out::OutBody;
use crate::rules::{Cx, Export};
use hcl::{Body, Expression};

fn cloudfront_unsupported(r: &Resource, cx: &mut Cx<'_>, why: &str) {
    cx.unsupported(
        r,
        Code::UnsupportedService,
        format!("`{}` uses CloudFront, which DigitalOcean does not offer: {why}", r.address()),
        "the Spaces CDN (`digitalocean_cdn`) serves one Spaces bucket; give the distribution a single S3-bucket origin of the stack, or put a third-party CDN in front of the load balancer",
    );
}

/// Whether the CloudFront distribution `r` can become a Spaces CDN endpoint, decided from the
/// origin alone: one `origin` whose `domain_name` reads an S3 bucket of the stack (or its
/// website configuration) that does not repeat. `Err` says why not. Rules that run before
/// this one (a Route 53 alias record to the distribution, `rules::dns`) ask it, so they agree
/// with what [`cloudfront_distribution`] will do.
pub(in crate::rules) fn cdn_origin(cx: &Cx<'_>, r: &Resource) -> Result<(), String> {
    let origins = hclx::blocks(&r.body, "origin");
    let [origin] = origins.as_slice() else {
        return Err(if origins.is_empty() {
            "its origins are not static".to_string()
        } else {
            format!(
                "it has {} origins and the Spaces CDN serves one bucket",
                origins.len()
            )
        });
    };
    // A bucket of another local module (`module.site.bucket_regional_domain_name`, or a
    // variable its caller sets to that), found by the pass over the module tree.
    if cross_module_bucket(cx, origin).is_some() {
        return Ok(());
    }
    // Any other module output: Ferry cannot follow it to a bucket.
    let mut module_output = None;
    if let Some(e) = hclx::attr(origin, "domain_name") {
        hclx::walk(e, &mut |x| {
            use hcl::expr::TraversalOperator as Op;
            if let Some(("module", [Op::GetAttr(m), Op::GetAttr(o), ..])) = hclx::traversal_root(x)
            {
                module_output.get_or_insert(format!("module.{m}.{o}"));
            }
        });
    }
    if let Some(out) = module_output {
        return Err(format!(
            "its origin is `{out}`, a module output Ferry cannot follow to an S3 bucket of the stack (it follows an output whose value is the bucket's `bucket_regional_domain_name` or `bucket_domain_name`, of a module called once); declare the distribution beside the bucket, or output the bucket's domain name as it is"
        ));
    }
    // In front of the stack's load balancer, with what the appliance would lose without it
    // (without, the distribution is left out: `load_balancer_origin`).
    if let Some(lb) = single_load_balancer(cx, r) {
        let controls = edge_controls(cx, r);
        if !controls.is_empty() {
            return Err(format!(
                "it sits in front of the load balancer `{}` with {}, which the appliance would lose without it",
                lb.address(),
                controls.join(", ")
            ));
        }
    }
    let bucket = hclx::attr(origin, "domain_name")
        .and_then(|e| cx.resolve_ref(e))
        .filter(|b| {
            b.mode == Mode::Managed
                && matches!(
                    b.ty.as_str(),
                    "aws_s3_bucket" | "aws_s3_bucket_website_configuration"
                )
        })
        .ok_or_else(|| "its origin is not an S3 bucket of the stack".to_string())?;
    if bucket.meta.is_repeated() {
        return Err("its bucket is repeated with count/for_each".into());
    }
    Ok(())
}

/// The S3 bucket of another local module the distribution's `origin` block reads
/// (`crate::xmod`): its domain name expression, as written, and the bucket's report address.
fn cross_module_bucket<'c>(cx: &Cx<'c>, origin: &Body) -> Option<(Expression, &'c str)> {
    let e = hclx::attr(origin, "domain_name")?;
    let bucket = cx.xmod.buckets.get(&hclx::inline(e))?;
    Some((e.clone(), bucket.as_str()))
}

/// What a CloudFront distribution does beyond caching that the appliance would lose without it:
/// edge functions, the WAF web ACL, a geo restriction, signed URLs or cookies. Empty when it only
/// caches (and forwards) in front of its origins.
fn edge_controls(cx: &Cx<'_>, r: &Resource) -> Vec<&'static str> {
    let mut out = Vec::new();
    let behaviors: Vec<Body> = ["default_cache_behavior", "ordered_cache_behavior"]
        .iter()
        .flat_map(|b| hclx::blocks(&r.body, b))
        .map(std::borrow::Cow::into_owned)
        .collect();
    let dynamic_behaviors = r.body.blocks().any(|b| {
        b.identifier() == "dynamic"
            && b.labels.first().is_some_and(|l| {
                matches!(
                    l.as_str(),
                    "default_cache_behavior" | "ordered_cache_behavior"
                )
            })
    });
    if dynamic_behaviors
        || behaviors.iter().any(|b| {
            has_block(b, "lambda_function_association") || has_block(b, "function_association")
        })
    {
        out.push("edge functions (Lambda@Edge, CloudFront Functions)");
    }
    if hclx::attr(&r.body, "web_acl_id").is_some_and(|e| !matches!(e, Expression::Null)) {
        out.push("the WAF web ACL (`web_acl_id`)");
    }
    let geo = nested(r, &["restrictions", "geo_restriction"]);
    if geo.as_ref().is_some_and(|g| {
        hclx::attr(g, "restriction_type")
            .is_some_and(|e| cx.eval.string(e).as_deref() != Some("none"))
    }) {
        out.push("the geo restriction");
    }
    if behaviors.iter().any(|b| {
        ["trusted_key_groups", "trusted_signers"].iter().any(|k| {
            hclx::attr(b, k).is_some_and(|e| match e {
                Expression::Null => false,
                Expression::Array(a) => !a.is_empty(),
                _ => true,
            })
        })
    }) {
        out.push("signed URLs or cookies (`trusted_key_groups`)");
    }
    out
}

/// The load balancer of the stack a CloudFront distribution only caches in front of (known gap
/// #295): every `origin` reads that one load balancer (`aws_lb`, `aws_alb` or `aws_elb` of the
/// module, not repeated) and the distribution has no [`edge_controls`]. DigitalOcean has no CDN
/// for a load balancer, so the distribution is left out and the load balancer serves directly:
/// what read the distribution's `domain_name` reads the load balancer's address, and Route 53
/// aliases to it become records of the load balancer (`rules::dns`, which asks this too).
/// Decided from the origin alone.
pub(in crate::rules) fn load_balancer_origin<'a>(
    cx: &Cx<'a>,
    r: &Resource,
) -> Option<&'a Resource> {
    let lb = single_load_balancer(cx, r)?;
    (!r.meta.is_repeated() && edge_controls(cx, r).is_empty()).then_some(lb)
}

/// The one load balancer of the module (`aws_lb`, `aws_alb` or `aws_elb`, not repeated) every
/// `origin` of the distribution `r` reads.
fn single_load_balancer<'a>(cx: &Cx<'a>, r: &Resource) -> Option<&'a Resource> {
    let origins = hclx::blocks(&r.body, "origin");
    if origins.is_empty() || has_block_dynamic(&r.body, "origin") {
        return None;
    }
    let mut lb: Option<&'a Resource> = None;
    for o in &origins {
        let t = hclx::attr(o, "domain_name").and_then(|e| cx.resolve_ref(e))?;
        if t.mode != Mode::Managed
            || !matches!(t.ty.as_str(), "aws_lb" | "aws_alb" | "aws_elb")
            || t.meta.is_repeated()
            || lb.is_some_and(|l| l.address() != t.address())
        {
            return None;
        }
        lb = Some(t);
    }
    lb
}

/// Whether `body` has a `dynamic "<name>"` block.
fn has_block_dynamic(body: &Body, name: &str) -> bool {
    body.blocks().any(|b| {
        b.identifier() == "dynamic" && b.labels.first().is_some_and(|l| l.as_str() == name)
    })
}

/// Leaves out a distribution that only caches in front of the load balancer `lb` (see
/// [`load_balancer_origin`]), with a warning naming what is lost.
fn served_by_load_balancer(r: &Resource, cx: &mut Cx<'_>, lb: &Resource) {
    let Some(dns) = cx
        .st
        .exports
        .get(lb.address())
        .and_then(|x| x.attrs.get("dns_name"))
        .filter(|e| !matches!(e, Export::Unmapped(_)))
        .cloned()
    else {
        cloudfront_unsupported(
            r,
            cx,
            &format!(
                "its origin is the load balancer `{}`, which has no DigitalOcean address in the deployment stack",
                lb.address()
            ),
        );
        return;
    };
    let mut lost = vec!["its caching"];
    if has_block(&r.body, "ordered_cache_behavior") {
        lost.push("its path-based cache behaviors");
    }
    if has_block(&r.body, "custom_error_response") {
        lost.push("its custom error responses");
    }
    if hclx::blocks(&r.body, "origin")
        .iter()
        .any(|o| has_block(o, "custom_header"))
    {
        lost.push("the headers it added to requests (`custom_header`)");
    }
    // The certificate the distribution served its aliases with must now be the load
    // balancer's.
    let https = crate::rules::lb::referencing(
        cx,
        crate::rules::lb::LISTENER_TYPES,
        "load_balancer_arn",
        lb,
    )
    .iter()
    .any(|l| {
        hclx::attr(&l.body, "protocol")
            .and_then(|e| cx.eval.string(e))
            .is_some_and(|p| p.eq_ignore_ascii_case("HTTPS"))
    });
    let certificate = nested(r, &["viewer_certificate"])
        .and_then(|v| hclx::attr(&v, "acm_certificate_arn").cloned())
        .filter(|e| !matches!(e, Expression::Null));
    if !https && certificate.is_some() {
        lost.push("HTTPS on its aliases (the load balancer has no HTTPS listener)");
    }
    let aliases = match hclx::attr(&r.body, "aliases") {
        Some(Expression::Array(a)) if a.is_empty() => String::new(),
        Some(e) => format!(
            "; its aliases (`{}`) must point at the load balancer: Route 53 aliases to the distribution become records of the load balancer's address",
            hclx::inline(e)
        ),
        None => String::new(),
    };
    warn(
        cx,
        r,
        "origin",
        Code::FeatureUnsupported,
        format!(
            "`{}` only caches in front of the load balancer `{}`; DigitalOcean has no CDN for a load balancer, so the distribution is left out and the load balancer serves directly: {} {} lost{aliases}",
            r.address(),
            lb.address(),
            lost.join(", "),
            if lost.len() == 1 { "is" } else { "are" }
        ),
        "if the load balancer cannot take the traffic uncached, put a third-party CDN in front of it; an application that read a header the distribution added must do without it (the load balancer sets `X-Forwarded-Proto`)",
    );
    cx.drop(
        r,
        format!(
            "left out: it only cached in front of `{}`, which serves directly (see the warning)",
            lb.address()
        ),
    );
    cx.export(r, "domain_name", dns);
    for attr in ["id", "arn", "hosted_zone_id", "status", "etag"] {
        cx.export(
            r,
            attr,
            Export::Unmapped(
                format!(
                    "the distribution was left out: the load balancer `{}` serves directly",
                    lb.address()
                )
                .into(),
            ),
        );
    }
}

pub(super) fn cloudfront_distribution(r: &Resource, cx: &mut Cx<'_>) {
    if let Some(lb) = load_balancer_origin(cx, r) {
        served_by_load_balancer(r, cx, lb);
        return;
    }
    if let Err(why) = cdn_origin(cx, r) {
        cloudfront_unsupported(r, cx, &why);
        return;
    }
    let origins = hclx::blocks(&r.body, "origin");
    let [origin] = origins.as_slice() else {
        return;
    };
    // A bucket of another module: the expression stays, and the module's output (kept, and
    // rewritten there) carries the Spaces bucket's domain name.
    let elsewhere = cross_module_bucket(cx, origin);
    let origin_expr = match &elsewhere {
        Some((e, _)) => e.clone(),
        None => {
            let bucket = hclx::attr(origin, "domain_name")
                .and_then(|e| mapped_target(cx, e, "digitalocean_spaces_bucket."));
            let Some((_, bucket)) = bucket else {
                cloudfront_unsupported(r, cx, "its origin is not an S3 bucket of the stack");
                return;
            };
            let Some(origin_expr) = target_attr(cx, &bucket, "bucket_domain_name") else {
                cloudfront_unsupported(r, cx, "its bucket is repeated with count/for_each");
                return;
            };
            origin_expr
        }
    };
    let mut body = OutBody::new();
    body.set("origin", origin_expr);
    let ttl = nested_num(cx, r, &["default_cache_behavior"], "default_ttl");
    body.set(
        "ttl",
        num_expr(
            ttl.map(|t| t.clamp(0.0, u32::MAX as f64) as u32)
                .unwrap_or(facts::CDN_DEFAULT_TTL),
        ),
    );
    // A custom domain needs a DigitalOcean certificate: the mapped ACM certificate.
    let aliases = hclx::attr(&r.body, "aliases").cloned();
    let cert = nested(r, &["viewer_certificate"])
        .and_then(|v| hclx::attr(&v, "acm_certificate_arn").cloned())
        .and_then(|e| mapped_target(cx, &e, "digitalocean_certificate."))
        .and_then(|(_, t)| target_attr(cx, &t, "name"));
    let first_alias = match &aliases {
        Some(Expression::Array(items)) => {
            if items.len() > 1 {
                warn(
                    cx,
                    r,
                    "aliases",
                    Code::FeatureUnsupported,
                    format!(
                        "`{}` has {} aliases; a Spaces CDN endpoint has one custom domain, so only the first is kept",
                        r.address(),
                        items.len()
                    ),
                    "point the other names at the CDN endpoint with CNAME records, or add CDN endpoints by hand",
                );
            }
            items.first().cloned()
        }
        Some(e) => Some(
            format!("{}[0]", hclx::inline(e))
                .parse()
                .unwrap_or(Expression::Null),
        ),
        None => None,
    };
    match (first_alias, cert) {
        (Some(alias), Some(cert)) if !matches!(alias, Expression::Null) => {
            body.set("custom_domain", alias);
            body.set("certificate_name", cert);
        }
        (Some(_), _) => warn(
            cx,
            r,
            "aliases",
            Code::FeatureUnsupported,
            format!(
                "`{}` serves a custom domain whose certificate is not a mapped ACM certificate of the stack; the CDN endpoint is served on its DigitalOcean hostname only",
                r.address()
            ),
            "issue the certificate with `aws_acm_certificate` in the stack (it becomes a `digitalocean_certificate`), or add `custom_domain` and `certificate_name` after compiling",
        ),
        _ => {}
    }
    // What the Spaces CDN cannot express.
    let mut lost = Vec::new();
    if has_block(&r.body, "ordered_cache_behavior") {
        lost.push("path-based cache behaviors (`ordered_cache_behavior`)");
    }
    if nested(r, &["default_cache_behavior"]).is_some_and(|b| {
        has_block(&b, "lambda_function_association") || has_block(&b, "function_association")
    }) {
        lost.push("edge functions");
    }
    if hclx::attr(&r.body, "web_acl_id").is_some() {
        lost.push("the WAF web ACL (`web_acl_id`)");
    }
    if hclx::attr(&r.body, "default_root_object").is_some() {
        lost.push("the default root object");
    }
    if has_block(&r.body, "custom_error_response") {
        lost.push("custom error responses");
    }
    if nested_str(
        cx,
        r,
        &["restrictions", "geo_restriction"],
        "restriction_type",
    )
    .is_some_and(|t| t != "none")
    {
        lost.push("geo restrictions");
    }
    if hclx::attr(origin, "origin_access_control_id").is_some()
        || !hclx::blocks(origin, "s3_origin_config").is_empty()
    {
        lost.push("private-bucket access (origin access identity/control): the CDN serves only objects uploaded with a `public-read` ACL");
    }
    if !lost.is_empty() {
        warn(
            cx,
            r,
            "origin",
            Code::FeatureUnsupported,
            format!(
                "the Spaces CDN endpoint for `{}` does not carry over: {}",
                r.address(),
                lost.join("; ")
            ),
            "review the CDN's behaviour; the Spaces CDN caches one bucket with one TTL",
        );
    }
    let addr = cx.emit(r, "digitalocean_cdn", body);
    if let Some((e, bucket)) = &elsewhere {
        cx.note(
            r,
            format!(
                "its bucket `{bucket}` is declared in another module; the CDN endpoint reads the Spaces bucket's domain name through `{}`",
                hclx::inline(e)
            ),
        );
    }
    cx.export(
        r,
        "domain_name",
        Export::Attr {
            target: addr.clone(),
            attr: "endpoint".into(),
        },
    );
    cx.export(
        r,
        "id",
        Export::Attr {
            target: addr.clone(),
            attr: "id".into(),
        },
    );
    cx.export(
        r,
        "arn",
        Export::Unmapped("a Spaces CDN endpoint has no ARN".into()),
    );
    cx.export(
        r,
        "hosted_zone_id",
        Export::Unmapped(
            "DigitalOcean DNS has no alias zones; point a CNAME record at the CDN endpoint".into(),
        ),
    );
    cx.export(
        r,
        "status",
        Export::Unmapped("a Spaces CDN endpoint has no deployment status".into()),
    );
    cx.export(
        r,
        "etag",
        Export::Unmapped("a Spaces CDN endpoint has no etag".into()),
    );
}
