//! S3 buckets and their sub-resources → Spaces.
//!
//! | origin | DigitalOcean |
//! |---|---|
//! | `aws_s3_bucket` | `digitalocean_spaces_bucket` (name carries the instance id) |
//! | `_versioning`, `_lifecycle_configuration`, `_acl`, `_public_access_block`, `_server_side_encryption_configuration`, `_ownership_controls` | folded into the bucket (`versioning`, `lifecycle_rule`, `acl`) or absorbed with a note |
//! | `_cors_configuration` | `digitalocean_spaces_bucket_cors_configuration` |
//! | `_policy` | `digitalocean_spaces_bucket_policy` (S3 ARNs of buckets in the stack follow their new names) |
//! | `aws_s3_object`, `aws_s3_bucket_object` | `digitalocean_spaces_bucket_object` |
//! | `_website_configuration` | unsupported (App Platform static site or Spaces CDN) |
//! | logging, notifications, replication, tiering, object lock, acceleration, requester pays, analytics, inventory, metrics | dropped with a warning |
//!
//! Workloads (ECS tasks, Knative functions) whose environment names a bucket of the stack reached it
//! with their AWS role; on DOKS they get a `digitalocean_spaces_key` scoped to those buckets, in a
//! Secret, and the Spaces endpoint (`workload_access`, F379).
//!
//! The pre-v4 inline forms on `aws_s3_bucket` (`versioning {}`, `lifecycle_rule {}`,
//! `cors_rule {}`, `acl`, `policy`, `website {}`, `logging {}`, …) are handled by the bucket rule,
//! which is also what the `terraform-aws-modules/s3-bucket` expansion produces.
//!
//! Facts: `shared/reference/aws-to-do-mapping-facts.md` §8 (S3 row); Spaces S3 compatibility
//! (lifecycle: time-based expiration and incomplete multipart uploads only, no tag filters;
//! no bucket-level encryption setting; access logging only through the S3 API).

use super::{Cx, Export, Phase, RuleDef};
use crate::diag::{Code, Diagnostic};
use crate::hclx;
use crate::origin::{Mode, Resource};
use crate::out::{Item, OutBlock, OutBody};
use crate::pipeline::body_from_hcl;
use crate::report::Outcome;
use crate::source::Loc;
use hcl::expr::{TemplateExpr, TraversalOperator as Op};
use hcl::{Body, Expression};

mod role_access;

const BUCKET: &str = "digitalocean_spaces_bucket";
const CORS: &str = "digitalocean_spaces_bucket_cors_configuration";
const POLICY: &str = "digitalocean_spaces_bucket_policy";
const OBJECT: &str = "digitalocean_spaces_bucket_object";

/// Said on every bucket: the provider needs a Spaces key besides the API token.
const CREDENTIALS_NOTE: &str = "the provider needs a Spaces access key (`spaces_access_id`/`spaces_secret_key`, or SPACES_ACCESS_KEY_ID/SPACES_SECRET_ACCESS_KEY); the Ferry controller injects one at deploy time";

pub const RULES: &[RuleDef] = &[
    RuleDef {
        ty: "aws_s3_bucket",
        mode: Mode::Managed,
        phase: Phase::Primary,
        produces: &[BUCKET, CORS, POLICY],
        args: &[
            "bucket",
            "bucket_prefix",
            "force_destroy",
            "acl",
            "grant",
            "versioning",
            "lifecycle_rule",
            "cors_rule",
            "policy",
            "server_side_encryption_configuration",
            "website",
            "logging",
            "replication_configuration",
            "object_lock_enabled",
            "object_lock_configuration",
            "acceleration_status",
            "request_payer",
        ],
        summary: "S3 bucket → digitalocean_spaces_bucket (name carries the instance id; inline pre-v4 blocks folded in)",
        map: bucket,
    },
    RuleDef {
        ty: "aws_s3_bucket_versioning",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &[
            "bucket",
            "versioning_configuration",
            "expected_bucket_owner",
            "mfa",
        ],
        summary: "bucket versioning → `versioning` block of the Spaces bucket",
        map: versioning,
    },
    RuleDef {
        ty: "aws_s3_bucket_lifecycle_configuration",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &[
            "bucket",
            "rule",
            "expected_bucket_owner",
            "transition_default_minimum_object_size",
        ],
        summary: "lifecycle rules → `lifecycle_rule` blocks of the Spaces bucket (expiration only; no storage classes)",
        map: lifecycle,
    },
    RuleDef {
        ty: "aws_s3_bucket_cors_configuration",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[CORS],
        args: &["bucket", "cors_rule", "expected_bucket_owner"],
        summary: "CORS rules → digitalocean_spaces_bucket_cors_configuration",
        map: cors,
    },
    RuleDef {
        ty: "aws_s3_bucket_policy",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[POLICY],
        args: &["bucket", "policy"],
        summary: "bucket policy → digitalocean_spaces_bucket_policy (S3 ARNs follow the new bucket names)",
        map: policy,
    },
    RuleDef {
        ty: "aws_s3_bucket_public_access_block",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &[
            "bucket",
            "block_public_acls",
            "block_public_policy",
            "ignore_public_acls",
            "restrict_public_buckets",
            "skip_destroy",
        ],
        summary: "public access block → absorbed (a fully blocked bucket gets `acl = \"private\"`)",
        map: public_access_block,
    },
    RuleDef {
        ty: "aws_s3_bucket_acl",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &[
            "bucket",
            "acl",
            "access_control_policy",
            "expected_bucket_owner",
        ],
        summary: "canned bucket ACL → `acl` of the Spaces bucket (private or public-read)",
        map: bucket_acl,
    },
    RuleDef {
        ty: "aws_s3_bucket_server_side_encryption_configuration",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &["bucket", "rule", "expected_bucket_owner"],
        summary: "default encryption → absorbed (Spaces has no bucket-level encryption setting)",
        map: encryption,
    },
    RuleDef {
        ty: "aws_s3_bucket_ownership_controls",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &["bucket", "rule"],
        summary: "object ownership → absorbed (objects belong to the appliance's account)",
        map: ownership,
    },
    RuleDef {
        ty: "aws_s3_bucket_website_configuration",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &[
            "bucket",
            "index_document",
            "error_document",
            "redirect_all_requests_to",
            "routing_rule",
            "routing_rules",
            "expected_bucket_owner",
        ],
        summary: "bucket website → unsupported (App Platform static site, or the Spaces CDN)",
        map: website,
    },
    dropped_rule(
        "aws_s3_bucket_logging",
        &[
            "bucket",
            "target_bucket",
            "target_prefix",
            "target_grant",
            "target_object_key_format",
            "expected_bucket_owner",
        ],
    ),
    dropped_rule(
        "aws_s3_bucket_notification",
        &["bucket", "eventbridge", "lambda_function", "queue", "topic"],
    ),
    dropped_rule(
        "aws_s3_bucket_replication_configuration",
        &["bucket", "role", "rule", "token"],
    ),
    dropped_rule(
        "aws_s3_bucket_intelligent_tiering_configuration",
        &["bucket", "name", "status", "filter", "tiering"],
    ),
    dropped_rule(
        "aws_s3_bucket_object_lock_configuration",
        &[
            "bucket",
            "rule",
            "object_lock_enabled",
            "token",
            "expected_bucket_owner",
        ],
    ),
    dropped_rule(
        "aws_s3_bucket_accelerate_configuration",
        &["bucket", "status", "expected_bucket_owner"],
    ),
    dropped_rule(
        "aws_s3_bucket_request_payment_configuration",
        &["bucket", "payer", "expected_bucket_owner"],
    ),
    dropped_rule(
        "aws_s3_bucket_analytics_configuration",
        &["bucket", "name", "filter", "storage_class_analysis"],
    ),
    dropped_rule(
        "aws_s3_bucket_inventory",
        &[
            "bucket",
            "name",
            "enabled",
            "destination",
            "schedule",
            "filter",
            "included_object_versions",
            "optional_fields",
        ],
    ),
    dropped_rule("aws_s3_bucket_metric", &["bucket", "name", "filter"]),
    object_rule("aws_s3_object"),
    object_rule("aws_s3_bucket_object"),
];

const fn dropped_rule(ty: &'static str, args: &'static [&'static str]) -> RuleDef {
    RuleDef {
        ty,
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args,
        summary: "S3 feature Spaces does not offer → dropped with a warning",
        map: dropped_feature,
    }
}

const fn object_rule(ty: &'static str) -> RuleDef {
    RuleDef {
        ty,
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[OBJECT],
        args: &[
            "bucket",
            "key",
            "content",
            "content_base64",
            "source",
            "source_hash",
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
            "server_side_encryption",
            "kms_key_id",
            "bucket_key_enabled",
            "storage_class",
            "object_lock_legal_hold_status",
            "object_lock_mode",
            "object_lock_retain_until_date",
        ],
        summary: "S3 object → digitalocean_spaces_bucket_object",
        map: object,
    }
}

// ---- finding the bucket a sub-resource configures ------------------------------------------

/// How a sub-resource names its bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Via {
    /// `bucket = aws_s3_bucket.x.id` (or `module.x.s3_bucket_id` of an expanded module).
    Ref,
    /// `bucket = each.value.id` with `for_each = aws_s3_bucket.x`.
    ForEach,
    /// `bucket = "literal-name"` equal to the static name of a bucket in the stack.
    Literal,
}

/// The origin bucket a sub-resource configures, and how it is named.
fn find_bucket<'a>(r: &Resource, cx: &Cx<'a>) -> Option<(&'a Resource, Via)> {
    let e = hclx::attr(&r.body, "bucket")?;
    let is_bucket = |b: &&Resource| b.mode == Mode::Managed && b.ty == "aws_s3_bucket";
    if let Some(b) = cx.resolve_ref(e).filter(is_bucket) {
        return Some((b, Via::Ref));
    }
    // `module.<m>.s3_bucket_id`: the bucket a registry module expanded into.
    let mut module = None;
    hclx::walk(e, &mut |x| {
        if let Some(("module", [Op::GetAttr(m), ..])) = hclx::traversal_root(x) {
            module.get_or_insert_with(|| crate::rules::sanitize_name(m.as_str()));
        }
    });
    if let Some(m) = module
        && let Some(b) = cx.origin_of_type("aws_s3_bucket").find(|b| {
            b.name == m
                && !cx
                    .module
                    .resources
                    .iter()
                    .any(|o| o.address() == b.address())
        })
    {
        return Some((b, Via::Ref));
    }
    if mentions_root(e, "each")
        && let Some(b) = r
            .meta
            .for_each
            .as_ref()
            .and_then(|f| cx.resolve_ref(f))
            .filter(is_bucket)
    {
        return Some((b, Via::ForEach));
    }
    // The bucket's name written out again: the same value, or the same expression text.
    let name = cx.eval.string(e);
    let text = hclx::inline(e);
    cx.origin_of_type("aws_s3_bucket")
        .filter(|b| !b.meta.is_repeated())
        .find(|b| {
            let same_value = name.is_some() && static_bucket_name(b, cx) == name;
            let same_text = hclx::attr(&b.body, "bucket").is_some_and(|x| hclx::inline(x) == text);
            same_value || same_text
        })
        .map(|b| (b, Via::Literal))
}

/// The `digitalocean_spaces_bucket` emitted for an origin bucket.
fn emitted_bucket(cx: &Cx<'_>, bucket: &Resource) -> Option<String> {
    cx.st
        .outcomes
        .get(bucket.address())
        .and_then(|o| o.targets.first())
        .filter(|t| t.starts_with("digitalocean_spaces_bucket."))
        .cloned()
}

/// The bucket and its emitted Spaces bucket, or an F306 error recorded for `r`.
fn parent_or_orphan<'a>(r: &Resource, cx: &mut Cx<'a>) -> Option<(&'a Resource, Via, String)> {
    let found = find_bucket(r, cx).and_then(|(b, via)| Some((b, via, emitted_bucket(cx, b)?)));
    if found.is_none() {
        cx.unsupported(
            r,
            Code::OrphanSubresource,
            format!(
                "`{}` configures a bucket that is not part of the stack",
                r.address()
            ),
            "declare the `aws_s3_bucket` in the same module (or reference it as `aws_s3_bucket.<name>.id`)",
        );
    }
    found
}

/// The `bucket` argument of a sub-resource Ferry emits as its own resource (CORS, policy,
/// object): the stack's bucket it names, or — in a child module — a bucket name the caller
/// passes in through a variable (the caller's arguments are rewritten to the Spaces name), or
/// the name of a bucket of another local module read through its outputs.
/// `None` (with an F306 error) otherwise.
fn emitted_bucket_arg(r: &Resource, cx: &mut Cx<'_>) -> Option<Expression> {
    if let Some((b, via)) = find_bucket(r, cx)
        && emitted_bucket(cx, b).is_some()
    {
        return Some(bucket_arg(r, b, via));
    }
    let e = hclx::attr(&r.body, "bucket")?;
    if !cx.module.dir.is_empty() && mentions_root(e, "var") {
        return Some(e.clone());
    }
    // A bucket of another local module, read through its outputs (`module.s3.bucket_name`):
    // that module outputs the Spaces bucket's name there (`crate::xmod`).
    if cx.xmod.bucket_names.contains_key(&hclx::inline(e)) {
        return Some(e.clone());
    }
    parent_or_orphan(r, cx).map(|(b, via, _)| bucket_arg(r, b, via))
}

/// The `bucket` argument of an emitted sub-resource. The origin expression is kept where the
/// reference pass can rewrite it (`aws_s3_bucket.x.id` → `digitalocean_spaces_bucket.x.name`).
fn bucket_arg(r: &Resource, bucket: &Resource, via: Via) -> Expression {
    match via {
        Via::Ref => hclx::attr(&r.body, "bucket")
            .cloned()
            .unwrap_or(Expression::Null),
        Via::ForEach => hclx::path(&["each", "value", "name"]),
        Via::Literal => hclx::path(&["aws_s3_bucket", &bucket.name, "id"]),
    }
}

/// The bucket name as written when it is known at compile time (without an appended id).
fn static_bucket_name(b: &Resource, cx: &Cx<'_>) -> Option<String> {
    hclx::attr(&b.body, "bucket").and_then(|e| cx.eval.string(e))
}

fn mentions_root(e: &Expression, root: &str) -> bool {
    let mut found = false;
    hclx::walk(e, &mut |x| {
        if let Some((r, _)) = hclx::traversal_root(x) {
            found |= r == root;
        }
    });
    found
}

/// For a folded sub-resource: `false` (and the resource recorded as dropped) when its own
/// `count`/`for_each` makes it absent; a warning when that cannot be known.
fn present(r: &Resource, cx: &mut Cx<'_>, parent_repeated: bool) -> bool {
    let gate = r.meta.count.as_ref().map(|c| ("count", c)).or(r
        .meta
        .for_each
        .as_ref()
        .map(|f| ("for_each", f)));
    let Some((key, e)) = gate else {
        return true;
    };
    let empty = match known(cx, e) {
        Some(hcl::Value::Number(n)) => Some(n.as_f64() == Some(0.0)),
        Some(hcl::Value::Array(a)) => Some(a.is_empty()),
        Some(hcl::Value::Object(o)) => Some(o.is_empty()),
        _ => None,
    };
    match empty {
        Some(true) => {
            cx.drop(r, format!("its `{key}` is empty, so it configures nothing"));
            false
        }
        Some(false) => true,
        None => {
            if !parent_repeated {
                cx.diag(
                    Diagnostic::new(
                        Code::NotStatic,
                        format!("`{key}` of `{}` is not known at compile time; Ferry folded it into the bucket unconditionally", r.address()),
                    )
                    .at(r.loc.clone())
                    .resource(r.address())
                    .help(format!("give `{key}` a value known at compile time (a variable default or tfvars) so Ferry can tell whether the setting applies")),
                );
            }
            true
        }
    }
}

/// The value of an expression when Ferry can rely on it. In a child module a variable's value
/// is what its callers give it: the evaluator holds it when every caller gives the same value
/// known at compile time, the default when none sets it, and leaves it unknown otherwise
/// (`pipeline::module_inputs`).
fn known(cx: &Cx<'_>, e: &Expression) -> Option<hcl::Value> {
    cx.eval.value(e)
}

fn known_str(cx: &Cx<'_>, e: &Expression) -> Option<String> {
    match known(cx, e)? {
        hcl::Value::String(s) => Some(s),
        hcl::Value::Bool(b) => Some(b.to_string()),
        hcl::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn known_bool(cx: &Cx<'_>, e: &Expression) -> Option<bool> {
    match known(cx, e)? {
        hcl::Value::Bool(b) => Some(b),
        hcl::Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// `(<e>) == "Enabled"`, for a status known only when the stack is applied.
fn is_enabled_expr(e: &Expression) -> Expression {
    let text = hclx::inline(e);
    let simple = matches!(
        e,
        Expression::Variable(_) | Expression::Traversal(_) | Expression::FuncCall(_)
    );
    let text = if simple { text } else { format!("({text})") };
    hclx::parse_expr(&format!("{text} == \"Enabled\"")).unwrap_or(Expression::Bool(true))
}

fn feature(r: &Resource, at: Loc, message: String, help: &str) -> Diagnostic {
    Diagnostic::new(Code::FeatureUnsupported, message)
        .at(at)
        .resource(r.address())
        .help(help)
}

// ---- aws_s3_bucket ---------------------------------------------------------------------------

fn bucket(r: &Resource, cx: &mut Cx<'_>) {
    let mut body = OutBody::new();
    let name = bucket_name(r, cx);
    check_bucket_name(r, cx, &name);
    body.set("name", name);
    body.set("region", cx.region());

    // Inline ACL and grants (pre-v4).
    let mut acl = cx
        .str(r, "acl")
        .map(|a| canned_acl(r, cx, &a, r.loc_of("acl")));
    if acl == Some("public-read") && public_acls_blocked(cx, r) {
        cx.diag(
            feature(
                r,
                r.loc_of("acl"),
                format!("`{}` is public-read, but its public access block blocks public ACLs; the Spaces bucket stays private", r.address()),
                "drop the public access block (or the public ACL) in the origin to say which one the appliance should follow",
            ),
        );
        acl = Some("private");
    }
    if !hclx::blocks(&r.body, "grant").is_empty() {
        cx.diag(feature(
            r,
            r.loc_of("grant"),
            format!("`{}`: per-grantee ACL grants have no Spaces equivalent (only `private` and `public-read`)", r.address()),
            "grant access with a bucket policy, or use Spaces access keys for the other party",
        ));
    }
    if let Some(acl) = acl {
        body.set("acl", Expression::String(acl.into()));
    }
    body.set_opt("force_destroy", cx.expr(r, "force_destroy"));

    // Inline versioning (pre-v4).
    for v in hclx::blocks(&r.body, "versioning") {
        if let Some(enabled) = hclx::attr(&v, "enabled") {
            body.block_once("versioning")
                .set("enabled", enabled.clone());
        }
        if hclx::attr(&v, "mfa_delete").is_some_and(|e| cx.eval.bool(e) != Some(false)) {
            cx.diag(feature(
                r,
                r.loc_of("versioning"),
                format!("`{}`: MFA delete has no Spaces equivalent", r.address()),
                "protect deletes with a bucket policy instead",
            ));
        }
    }

    // Inline lifecycle rules (pre-v4, and the s3-bucket registry module).
    let rules = lifecycle_rules(r, cx, &r.body, "lifecycle_rule");
    body.items.extend(rules);

    // Inline features Spaces does not offer.
    inline_unsupported(r, cx);

    let addr = cx.emit(r, BUCKET, body);
    let self_ref = self_reference(r);

    // Inline CORS rules → a CORS configuration (the bucket's own `cors_rule` is deprecated).
    let cors_rules = cors_rule_items(&r.body);
    if !cors_rules.is_empty() {
        let mut c = OutBody::new();
        c.set("bucket", self_ref.clone());
        c.set("region", cx.region());
        c.items.extend(cors_rules);
        cx.emit_as(r, Mode::Managed, CORS, &r.name, c);
    }

    // Inline policy → a bucket policy.
    if let Some(p) = cx
        .expr(r, "policy")
        .filter(|p| !matches!(p, Expression::Null))
        && let Some(p) = policy_expr(r, cx, p, r.loc_of("policy"), Some(r))
    {
        let mut b = OutBody::new();
        b.set("region", cx.region());
        b.set("bucket", self_ref);
        b.set("policy", p);
        let paddr = cx.emit_as(r, Mode::Managed, POLICY, &r.name, b);
        cx.export(
            r,
            "policy",
            Export::Attr {
                target: paddr,
                attr: "policy".into(),
            },
        );
    }

    cx.export_attrs(
        r,
        &addr,
        &[
            ("id", "name"),
            ("bucket", "name"),
            ("arn", "urn"),
            ("bucket_domain_name", "bucket_domain_name"),
            ("bucket_regional_domain_name", "bucket_domain_name"),
            ("region", "region"),
        ],
    );
    for attr in ["website_endpoint", "website_domain"] {
        cx.export(
            r,
            attr,
            Export::Unmapped(
                "Ferry does not configure Spaces bucket websites; serve the site from App Platform or the Spaces CDN".into(),
            ),
        );
    }
    cx.export(
        r,
        "hosted_zone_id",
        Export::Unmapped(
            "Spaces buckets have no Route 53 hosted zone; point a CNAME record at `bucket_domain_name`".into(),
        ),
    );
    cx.note(r, CREDENTIALS_NOTE);
}

/// `aws_s3_bucket.<name>.id` with the index of the current instance, for resources Ferry emits
/// beside a repeated bucket (rewritten to the Spaces bucket's name by the reference pass).
fn self_reference(r: &Resource) -> Expression {
    let mut ops = vec![Op::GetAttr(hcl::Identifier::unchecked(r.name.as_str()))];
    if r.meta.for_each.is_some() {
        ops.push(Op::Index(hclx::path(&["each", "key"])));
    } else if r.meta.count.is_some() {
        ops.push(Op::Index(hclx::path(&["count", "index"])));
    }
    ops.push(Op::GetAttr(hcl::Identifier::unchecked("id")));
    hclx::traversal("aws_s3_bucket", ops)
}

/// The Spaces bucket name: the origin `bucket` (with the instance id appended when it has none),
/// `bucket_prefix` followed by the instance id, or the resource name.
fn bucket_name(r: &Resource, cx: &mut Cx<'_>) -> Expression {
    if let Some(b) = cx
        .expr(r, "bucket")
        .filter(|e| !matches!(e, Expression::Null))
    {
        // `bucket = local.name` where the local carries the instance id: the local's
        // expression, so the name visibly carries it.
        let mut b = b;
        for _ in 0..4 {
            let Some(("local", [Op::GetAttr(n)])) = hclx::traversal_root(&b) else {
                break;
            };
            match cx.module.locals.iter().find(|l| l.name == n.as_str()) {
                Some(l) if mentions_instance_id(cx, &l.expr, 4) => b = l.expr.clone(),
                _ => break,
            }
        }
        return cx.unique_name(r, Some(b), &r.name);
    }
    if let Some(p) = cx
        .expr(r, "bucket_prefix")
        .filter(|e| !matches!(e, Expression::Null))
    {
        if hclx::mentions_var(&p, "instance_id") {
            return p;
        }
        // AWS appends a random suffix to the prefix; the instance id plays that part.
        let part = match cx.eval.string(&p) {
            Some(s) => hclx::escape_template_literal(s.trim_end_matches('-')),
            None => hclx::to_template_part(&p),
        };
        return hclx::template(format!("{part}-${{var.instance_id}}"));
    }
    cx.unique_name(r, None, &r.name)
}

/// Does the expression mention `var.instance_id`, directly or through the module's locals?
fn mentions_instance_id(cx: &Cx<'_>, e: &Expression, depth: u32) -> bool {
    if hclx::mentions_var(e, "instance_id") {
        return true;
    }
    if depth == 0 {
        return false;
    }
    let mut locals = Vec::new();
    hclx::walk(e, &mut |x| {
        if let Some(("local", [Op::GetAttr(n), ..])) = hclx::traversal_root(x) {
            locals.push(n.as_str().to_string());
        }
    });
    locals.iter().any(|n| {
        cx.module
            .locals
            .iter()
            .find(|l| &l.name == n)
            .is_some_and(|l| mentions_instance_id(cx, &l.expr, depth - 1))
    })
}

/// Warns (F360) when the bucket name cannot be a Spaces name: 3–63 characters of lowercase
/// letters, digits and hyphens, starting and ending with a letter or digit. With a known
/// instance id the whole name is checked; otherwise the part without the id.
fn check_bucket_name(r: &Resource, cx: &mut Cx<'_>, name: &Expression) {
    let (text, exact) = match cx.eval.string(name) {
        Some(s) => (s, true),
        None => {
            let without_id = hclx::inline(name).replace("${var.instance_id}", "");
            match hclx::parse_expr(&without_id)
                .ok()
                .and_then(|e| cx.eval.string(&e))
            {
                Some(s) => (s, false),
                None => return,
            }
        }
    };
    let mut problems = Vec::new();
    let len = text.chars().count();
    if len > 63 {
        problems.push(if exact {
            format!("is {len} characters long (at most 63)")
        } else {
            format!("is {len} characters long before the instance id is added (at most 63)")
        });
    } else if exact && len < 3 {
        problems.push(format!("is {len} characters long (at least 3)"));
    }
    if text
        .chars()
        .any(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'))
    {
        problems
            .push("has characters other than lowercase letters, digits and hyphens".to_string());
    }
    if exact && (text.starts_with('-') || text.ends_with('-')) {
        problems.push("starts or ends with a hyphen".to_string());
    }
    if problems.is_empty() {
        return;
    }
    cx.diag(
        Diagnostic::new(
            Code::SpacesBucketName,
            format!(
                "the Spaces bucket name of `{}` (`{text}{}`) {}",
                r.address(),
                if exact { "" } else { "…" },
                problems.join(" and ")
            ),
        )
        .at(r.loc_of("bucket"))
        .resource(r.address())
        .help("Spaces names must be DNS-compatible: 3–63 lowercase letters, digits and hyphens, including the `-<instance id>` Ferry appends; shorten or rename the origin bucket"),
    );
}

/// A canned S3 ACL as one Spaces offers (`private` or `public-read`), warning on the rest.
fn canned_acl(r: &Resource, cx: &mut Cx<'_>, acl: &str, at: Loc) -> &'static str {
    let (mapped, why) = match acl {
        "private" => ("private", None),
        "public-read" => ("public-read", None),
        "public-read-write" => (
            "public-read",
            Some("anonymous writes are not possible on Spaces; the bucket is public-read"),
        ),
        "authenticated-read" => (
            "private",
            Some("Spaces has no grant to \"any authenticated AWS user\"; the bucket is private"),
        ),
        "log-delivery-write" => (
            "private",
            Some("Spaces has no S3 log-delivery group; the bucket is private"),
        ),
        "bucket-owner-read" | "bucket-owner-full-control" | "aws-exec-read" => ("private", None),
        _ => (
            "private",
            Some("this is not a canned ACL Spaces knows; the bucket is private"),
        ),
    };
    if let Some(why) = why {
        cx.diag(feature(
            r,
            at,
            format!("`{}`: ACL `{acl}`: {why}", r.address()),
            "use `private` or `public-read`, or grant access with a bucket policy",
        ));
    }
    mapped
}

/// Does a public access block in the stack stop public ACLs on this bucket?
fn public_acls_blocked(cx: &Cx<'_>, bucket: &Resource) -> bool {
    cx.origin_of_type("aws_s3_bucket_public_access_block")
        .filter(|p| find_bucket(p, cx).is_some_and(|(b, _)| b.address() == bucket.address()))
        .any(|p| {
            ["block_public_acls", "ignore_public_acls"]
                .iter()
                .any(|k| hclx::attr(&p.body, k).and_then(|e| known_bool(cx, e)) == Some(true))
        })
}

/// Diagnostics for inline bucket settings Spaces does not offer.
fn inline_unsupported(r: &Resource, cx: &mut Cx<'_>) {
    if let Some(site) = hclx::blocks(&r.body, "website").first() {
        cx.diag(
            Diagnostic::new(
                Code::UnsupportedService,
                format!(
                    "`{}` hosts a website ({}); Ferry does not configure Spaces bucket websites, so the bucket serves objects by their exact keys only: {}",
                    r.address(),
                    website_settings(cx, site),
                    WEBSITE_LOST
                ),
            )
            .at(r.loc_of("website"))
            .resource(r.address())
            .help(WEBSITE_HELP),
        );
    }
    let checks: [(&str, &str, &str); 5] = [
        (
            "logging",
            "server access logging cannot be configured through the DigitalOcean provider",
            "enable it after deploy with `PutBucketLogging` against the Spaces endpoint (source and target buckets must differ), or drop it",
        ),
        (
            "replication_configuration",
            "Spaces has no bucket replication",
            "copy objects with a scheduled job (e.g. `rclone sync`) if a second copy is needed",
        ),
        (
            "object_lock_configuration",
            "Ferry cannot configure object lock (WORM retention) on Spaces; objects can be overwritten or deleted",
            "keep versioning on and restrict deletes with a bucket policy",
        ),
        (
            "acceleration_status",
            "Spaces has no transfer acceleration",
            "serve downloads through the Spaces CDN (`digitalocean_cdn`)",
        ),
        (
            "request_payer",
            "Spaces has no requester-pays; the appliance's account pays for all requests",
            "remove `request_payer`",
        ),
    ];
    for (key, what, help) in checks {
        let present = r.attr_locs.contains_key(key)
            || !hclx::blocks(&r.body, key).is_empty()
            || hclx::attr(&r.body, key).is_some();
        let trivial = match key {
            "acceleration_status" => cx.str(r, key).is_some_and(|s| s != "Enabled"),
            "request_payer" => cx.str(r, key).is_some_and(|s| s == "BucketOwner"),
            _ => false,
        };
        if present && !trivial {
            cx.diag(feature(
                r,
                r.loc_of(key),
                format!("`{}`: {what}", r.address()),
                help,
            ));
        }
    }
    if hclx::attr(&r.body, "object_lock_enabled").is_some_and(|e| cx.eval.bool(e) != Some(false))
        && !r.attr_locs.contains_key("object_lock_configuration")
    {
        cx.diag(feature(
            r,
            r.loc_of("object_lock_enabled"),
            format!("`{}`: Ferry cannot configure object lock (WORM retention) on Spaces; objects can be overwritten or deleted", r.address()),
            "keep versioning on and restrict deletes with a bucket policy",
        ));
    }
    for sse in hclx::blocks(&r.body, "server_side_encryption_configuration") {
        encryption_kms_warning(
            r,
            cx,
            &sse,
            r.loc_of("server_side_encryption_configuration"),
        );
    }
}

// ---- versioning ------------------------------------------------------------------------------

fn versioning(r: &Resource, cx: &mut Cx<'_>) {
    let Some((b, _, parent)) = parent_or_orphan(r, cx) else {
        return;
    };
    if !present(r, cx, b.meta.is_repeated()) {
        return;
    }
    let conf = hclx::blocks(&r.body, "versioning_configuration");
    let conf = conf.first();
    let status = conf.and_then(|b| hclx::attr(b, "status").cloned());
    let enabled = match status.as_ref().and_then(|s| known_str(cx, s)) {
        Some(s) => Expression::Bool(s == "Enabled"),
        None => match status {
            Some(expr) => is_enabled_expr(&expr),
            None => Expression::Bool(false),
        },
    };
    if conf
        .and_then(|c| hclx::attr(c, "mfa_delete"))
        .and_then(|e| cx.eval.string(e))
        .is_some_and(|s| s == "Enabled")
        || hclx::attr(&r.body, "mfa").is_some()
    {
        cx.diag(feature(
            r,
            r.loc_of("versioning_configuration"),
            format!("`{}`: MFA delete has no Spaces equivalent", r.address()),
            "protect deletes with a bucket policy instead",
        ));
    }
    if let Some(e) = cx.emitted_mut(&parent) {
        e.body.block_once("versioning").set("enabled", enabled);
    }
    cx.absorb(
        r,
        &parent,
        "folded into the Spaces bucket's `versioning` block",
    );
}

// ---- lifecycle -------------------------------------------------------------------------------

fn lifecycle(r: &Resource, cx: &mut Cx<'_>) {
    let Some((b, _, parent)) = parent_or_orphan(r, cx) else {
        return;
    };
    if !present(r, cx, b.meta.is_repeated()) {
        return;
    }
    let items = lifecycle_rules(r, cx, &r.body, "rule");
    let n = items.len();
    if let Some(e) = cx.emitted_mut(&parent) {
        e.body.items.extend(items);
    }
    cx.absorb(
        r,
        &parent,
        format!("folded into {n} `lifecycle_rule` block(s) of the Spaces bucket"),
    );
}

/// Spaces `lifecycle_rule` blocks (static and `dynamic`) from the rule blocks named `key` of
/// `body`: v4 `rule` blocks or the pre-v4 inline `lifecycle_rule` form (either shape is read).
fn lifecycle_rules(r: &Resource, cx: &mut Cx<'_>, body: &Body, key: &str) -> Vec<Item> {
    let at = r.loc_of(key);
    let mut out = Vec::new();
    for (i, rule) in hclx::blocks(body, key).iter().enumerate() {
        if let Some(b) = lifecycle_rule(r, cx, rule, &at, &format!("rule {}", i + 1)) {
            out.push(Item::Block(OutBlock {
                ident: "lifecycle_rule".into(),
                labels: vec![],
                body: b,
            }));
        }
    }
    for d in body.blocks().filter(|b| {
        b.identifier() == "dynamic" && b.labels.first().map(|l| l.as_str()) == Some(key)
    }) {
        let iterator = hclx::attr(&d.body, "iterator")
            .cloned()
            .unwrap_or_else(|| hclx::path(&[key]));
        let content = d
            .body
            .blocks()
            .find(|b| b.identifier() == "content")
            .map(|b| b.body.clone())
            .unwrap_or_default();
        let Some(translated) = lifecycle_rule(r, cx, &content, &at, &format!("dynamic \"{key}\""))
        else {
            continue;
        };
        let mut db = OutBody::new();
        db.set_opt("for_each", hclx::attr(&d.body, "for_each").cloned());
        db.set("iterator", iterator);
        db.items.push(Item::Block(OutBlock {
            ident: "content".into(),
            labels: vec![],
            body: translated,
        }));
        out.push(Item::Block(OutBlock {
            ident: "dynamic".into(),
            labels: vec!["lifecycle_rule".into()],
            body: db,
        }));
    }
    out
}

/// One Spaces lifecycle rule, or `None` (with a warning) when nothing of it can be expressed
/// or when carrying it over would widen what it applies to.
fn lifecycle_rule(
    r: &Resource,
    cx: &mut Cx<'_>,
    rule: &Body,
    at: &Loc,
    label: &str,
) -> Option<OutBody> {
    let name = hclx::attr(rule, "id")
        .and_then(|e| cx.eval.string(e))
        .map(|s| format!("lifecycle rule `{s}`"))
        .unwrap_or_else(|| format!("lifecycle {label}"));
    let warn = |cx: &mut Cx<'_>, what: String, help: &str| {
        cx.diag(feature(
            r,
            at.clone(),
            format!("`{}`: {name}: {what}", r.address()),
            help,
        ));
    };

    // Scope: a key prefix is all Spaces can filter on.
    let mut prefix = hclx::attr(rule, "prefix").cloned();
    let mut narrowing = Vec::new();
    if hclx::attr(rule, "tags").is_some_and(|t| !is_empty_collection(cx, t)) {
        narrowing.push("object tags");
    }
    for f in hclx::blocks(rule, "filter") {
        if let Some(p) = hclx::attr(&f, "prefix") {
            prefix = Some(p.clone());
        }
        // The s3-bucket registry module writes `filter = { tags = {…} }`.
        if hclx::attr(&f, "tags").is_some_and(|t| !is_empty_collection(cx, t)) {
            narrowing.push("object tags");
        }
        if !hclx::blocks(&f, "tag").is_empty() {
            narrowing.push("an object tag");
        }
        if hclx::attr(&f, "object_size_greater_than").is_some()
            || hclx::attr(&f, "object_size_less_than").is_some()
        {
            narrowing.push("object size");
        }
        for and in hclx::blocks(&f, "and") {
            if let Some(p) = hclx::attr(&and, "prefix") {
                prefix = Some(p.clone());
            }
            if hclx::attr(&and, "tags").is_some_and(|t| !is_empty_collection(cx, t)) {
                narrowing.push("object tags");
            }
            if hclx::attr(&and, "object_size_greater_than").is_some()
                || hclx::attr(&and, "object_size_less_than").is_some()
            {
                narrowing.push("object size");
            }
        }
    }
    if !narrowing.is_empty() {
        narrowing.dedup();
        warn(
            cx,
            format!(
                "filters on {}, which Spaces lifecycle rules cannot express; the rule was left out rather than applied to more objects",
                narrowing.join(" and ")
            ),
            "scope the rule by key prefix only, or expire those objects from the application",
        );
        return None;
    }

    let mut out = OutBody::new();
    out.set_opt("id", hclx::attr(rule, "id").cloned());
    out.set("enabled", rule_enabled(cx, rule));
    if let Some(p) = prefix.filter(|p| !matches!(p, Expression::Null)) {
        out.set("prefix", p);
    }

    let mut actions = 0;
    let abort = hclx::attr(rule, "abort_incomplete_multipart_upload_days")
        .cloned()
        .or_else(|| {
            hclx::blocks(rule, "abort_incomplete_multipart_upload")
                .first()
                .and_then(|b| hclx::attr(b, "days_after_initiation").cloned())
        });
    if let Some(a) = abort {
        out.set("abort_incomplete_multipart_upload_days", a);
        actions += 1;
    }
    if let Some(exp) = hclx::blocks(rule, "expiration").first() {
        let mut e = OutBody::new();
        if let Some(d) = hclx::attr(exp, "date") {
            e.set("date", expiration_date(cx, d));
        }
        e.set_opt("days", hclx::attr(exp, "days").cloned());
        e.set_opt(
            "expired_object_delete_marker",
            hclx::attr(exp, "expired_object_delete_marker").cloned(),
        );
        if !e.is_empty() {
            out.items.push(Item::Block(OutBlock {
                ident: "expiration".into(),
                labels: vec![],
                body: e,
            }));
            actions += 1;
        }
    }
    if let Some(nve) = hclx::blocks(rule, "noncurrent_version_expiration").first() {
        let days = hclx::attr(nve, "noncurrent_days").or_else(|| hclx::attr(nve, "days"));
        if let Some(days) = days {
            out.block("noncurrent_version_expiration")
                .set("days", days.clone());
            actions += 1;
        }
        if hclx::attr(nve, "newer_noncurrent_versions").is_some() {
            warn(
                cx,
                "`newer_noncurrent_versions` has no Spaces equivalent: every noncurrent version expires after the given days".into(),
                "check that the expiration period alone keeps enough old versions",
            );
        }
    }
    let transitions = ["transition", "noncurrent_version_transition"]
        .iter()
        .any(|k| !hclx::blocks(rule, k).is_empty() || has_dynamic(rule, k));
    if transitions {
        warn(
            cx,
            format!(
                "storage-class transitions are not carried over: Spaces has one storage class{}",
                if actions == 0 {
                    "; the rule has no other action and was left out"
                } else {
                    ""
                }
            ),
            "objects stay in standard Spaces storage; expire them instead if the transition was meant to save cost",
        );
    }
    let dynamic: Vec<&str> = rule
        .blocks()
        .filter(|b| b.identifier() == "dynamic")
        .filter_map(|b| b.labels.first().map(|l| l.as_str()))
        .filter(|l| !["transition", "noncurrent_version_transition"].contains(l))
        .collect();
    if !dynamic.is_empty() {
        warn(
            cx,
            format!(
                "`dynamic` blocks inside the rule ({}) were not carried over",
                dynamic.join(", ")
            ),
            "write those blocks statically",
        );
    }
    if actions == 0 {
        if !transitions {
            warn(
                cx,
                "no action Spaces supports (expiration, noncurrent version expiration, incomplete upload cleanup); the rule was left out".into(),
                "remove the rule, or give it an expiration",
            );
        }
        return None;
    }
    Some(out)
}

fn has_dynamic(body: &Body, label: &str) -> bool {
    body.blocks()
        .any(|b| b.identifier() == "dynamic" && b.labels.first().map(|l| l.as_str()) == Some(label))
}

fn is_empty_collection(cx: &Cx<'_>, e: &Expression) -> bool {
    match e {
        Expression::Null => true,
        Expression::Object(o) => o.is_empty(),
        Expression::Array(a) => a.is_empty(),
        other => match cx.eval.value(other) {
            Some(hcl::Value::Object(o)) => o.is_empty(),
            Some(hcl::Value::Null) => true,
            _ => false,
        },
    }
}

/// `enabled` of a Spaces rule from `enabled` (pre-v4, module) or `status` (v4).
fn rule_enabled(cx: &Cx<'_>, rule: &Body) -> Expression {
    if let Some(e) = hclx::attr(rule, "enabled") {
        return e.clone();
    }
    match hclx::attr(rule, "status") {
        Some(s) => match known(cx, s) {
            Some(hcl::Value::String(v)) => Expression::Bool(v.eq_ignore_ascii_case("enabled")),
            Some(hcl::Value::Bool(b)) => Expression::Bool(b),
            _ => is_enabled_expr(s),
        },
        None => Expression::Bool(true),
    }
}

/// Spaces wants `YYYY-MM-DD`; the v4 resource takes an RFC 3339 timestamp.
fn expiration_date(cx: &Cx<'_>, d: &Expression) -> Expression {
    match known_str(cx, d) {
        Some(s) => Expression::String(s.chars().take(10).collect()),
        None => hclx::parse_expr(&format!("substr({}, 0, 10)", hclx::inline(d)))
            .unwrap_or_else(|_| d.clone()),
    }
}

// ---- CORS ------------------------------------------------------------------------------------

/// `cors_rule` blocks (static and `dynamic`) as written: the Spaces CORS configuration uses the
/// same attribute names (`allowed_headers`, `allowed_methods`, `allowed_origins`,
/// `expose_headers`, `max_age_seconds`, `id`).
fn cors_rule_items(body: &Body) -> Vec<Item> {
    let mut out: Vec<Item> = hclx::blocks(body, "cors_rule")
        .iter()
        .map(|b| {
            Item::Block(OutBlock {
                ident: "cors_rule".into(),
                labels: vec![],
                body: body_from_hcl(b),
            })
        })
        .collect();
    for d in body.blocks().filter(|b| {
        b.identifier() == "dynamic" && b.labels.first().map(|l| l.as_str()) == Some("cors_rule")
    }) {
        out.push(Item::Block(OutBlock {
            ident: "dynamic".into(),
            labels: vec!["cors_rule".into()],
            body: body_from_hcl(&d.body),
        }));
    }
    out
}

fn cors(r: &Resource, cx: &mut Cx<'_>) {
    let Some(bucket) = emitted_bucket_arg(r, cx) else {
        return;
    };
    let mut body = OutBody::new();
    body.set("bucket", bucket);
    body.set("region", cx.region());
    body.items.extend(cors_rule_items(&r.body));
    cx.emit(r, CORS, body);
}

// ---- policy ----------------------------------------------------------------------------------

fn policy(r: &Resource, cx: &mut Cx<'_>) {
    let Some(bucket) = emitted_bucket_arg(r, cx) else {
        return;
    };
    let Some(p) = cx.expr(r, "policy") else {
        cx.drop(r, "it has no policy");
        return;
    };
    let Some(p) = policy_expr(r, cx, p, r.loc_of("policy"), None) else {
        return;
    };
    let mut body = OutBody::new();
    body.set("region", cx.region());
    body.set("bucket", bucket);
    body.set("policy", p);
    cx.emit(r, POLICY, body);
}

/// The policy text for Spaces: S3 ARNs of buckets in the stack follow their new names; IAM
/// principals and AWS-only condition keys are kept and reported. `None` (and `r` recorded as
/// unsupported) when the policy comes from an AWS data source with no equivalent.
fn policy_expr(
    r: &Resource,
    cx: &mut Cx<'_>,
    mut p: Expression,
    at: Loc,
    inline_of: Option<&Resource>,
) -> Option<Expression> {
    // A static policy document is written inline, where Spaces can take it.
    if let Some((doc, inline)) = inline_policy_document(cx, &p) {
        cx.diag(
            Diagnostic::new(
                Code::Absorbed,
                format!(
                    "the policy of `{}` comes from `{}`; Ferry wrote the same document inline with `jsonencode`",
                    r.address(),
                    doc.address()
                ),
            )
            .at(at.clone())
            .resource(r.address()),
        );
        cx.absorb(
            doc,
            &format!("{POLICY}.{}", r.name),
            "its document was written inline into the Spaces bucket policy",
        );
        p = inline;
    }
    // A policy document data source that nothing maps would leave `policy = null`.
    let mut from_data = None;
    hclx::walk(&p, &mut |x| {
        if let Some(("data", [Op::GetAttr(ty), Op::GetAttr(n), ..])) = hclx::traversal_root(x)
            && ty.as_str().starts_with("aws_")
        {
            from_data.get_or_insert(format!("data.{}.{}", ty.as_str(), n.as_str()));
        }
    });
    if let Some(d) = from_data {
        let mapped = cx
            .st
            .outcomes
            .get(&d)
            .is_some_and(|o| matches!(o.outcome, Outcome::Mapped | Outcome::Kept));
        if !mapped {
            let message = format!(
                "the policy of `{}` comes from `{d}`, which has no DigitalOcean equivalent",
                r.address()
            );
            let help = "write the policy inline with `jsonencode({ Version = \"2012-10-17\", Statement = [...] })` so Ferry can carry it over";
            if inline_of.is_some() {
                cx.diag(
                    Diagnostic::new(Code::UnsupportedValue, message)
                        .at(at)
                        .resource(r.address())
                        .help(help),
                );
            } else {
                cx.unsupported(r, Code::UnsupportedValue, message, help);
            }
            return None;
        }
    }

    // S3 ARNs of buckets in the stack: `aws_s3_bucket.x.arn` and literal `arn:aws:s3:::name`.
    // How a stack bucket's name can appear after `arn:aws:s3:::` in the policy text: its
    // static value, or its expression written into the template (`${local.name}`).
    let mut named: Vec<(String, String)> = Vec::new();
    for b in cx
        .origin_of_type("aws_s3_bucket")
        .filter(|b| !b.meta.is_repeated())
    {
        if let Some(n) = static_bucket_name(b, cx) {
            named.push((hclx::escape_template_literal(&n), b.name.clone()));
        }
        if let Some(e) = hclx::attr(&b.body, "bucket")
            && !matches!(e, Expression::String(_))
        {
            let part = hclx::to_template_part(e);
            let part = part
                .strip_prefix('"')
                .and_then(|p| p.strip_suffix('"'))
                .unwrap_or(&part)
                .to_string();
            named.push((part, b.name.clone()));
        }
    }
    rewrite_arns(&mut p, &named);

    // What has no meaning on Spaces.
    let text = hclx::inline(&p);
    let mut aws_only = Vec::new();
    for (needle, what) in [
        ("arn:aws:iam::", "IAM principals"),
        ("aws_iam_", "IAM principals"),
        ("cloudfront", "CloudFront principals"),
        (".amazonaws.com", "AWS service principals"),
        ("CanonicalUser", "canonical-user principals"),
        ("aws:SourceVpce", "the `aws:SourceVpce` condition"),
        ("aws:SourceVpc\"", "the `aws:SourceVpc` condition"),
        ("aws:PrincipalOrgID", "the `aws:PrincipalOrgID` condition"),
        ("aws:PrincipalArn", "the `aws:PrincipalArn` condition"),
        ("aws:SourceArn", "the `aws:SourceArn` condition"),
        ("aws:SourceAccount", "the `aws:SourceAccount` condition"),
        (
            "aws:PrincipalAccount",
            "the `aws:PrincipalAccount` condition",
        ),
    ] {
        if text.contains(needle) && !aws_only.contains(&what) {
            aws_only.push(what);
        }
    }
    if !aws_only.is_empty() {
        cx.diag(feature(
            r,
            at.clone(),
            format!(
                "the policy of `{}` uses {}, which mean nothing on Spaces; the text was kept as written",
                r.address(),
                aws_only.join(", ")
            ),
            "on Spaces, access is by Spaces access keys and by public/IP conditions; rewrite those statements (e.g. `Principal = \"*\"` with an `aws:SourceIp` condition) or remove them",
        ));
    }
    let foreign = foreign_bucket_arns(&text);
    if !foreign.is_empty() {
        cx.diag(feature(
            r,
            at,
            format!(
                "the policy of `{}` names bucket(s) that are not part of the stack: {}",
                r.address(),
                foreign
                    .iter()
                    .map(|b| format!("`{b}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            "reference the bucket (`aws_s3_bucket.<name>.arn`) so the ARN follows the appliance's bucket name",
        ));
    }
    Some(p)
}

/// `data.aws_iam_policy_document.x.json` of a document made only of `version` and `statement`
/// blocks (sid, effect, actions, resources, principals, conditions and their `not_` forms, with
/// static principal types and condition keys) → the same policy as `jsonencode({ Version,
/// Statement })`, whose references the reference pass rewrites like any inline policy.
/// `None` for anything else (dynamic blocks, source or override documents, repeated data
/// sources), which stays an error.
fn inline_policy_document<'a>(cx: &Cx<'a>, p: &Expression) -> Option<(&'a Resource, Expression)> {
    use hcl::Structure;
    let Some(("data", [Op::GetAttr(ty), Op::GetAttr(_), Op::GetAttr(attr)])) =
        hclx::traversal_root(p)
    else {
        return None;
    };
    if ty.as_str() != "aws_iam_policy_document" || attr.as_str() != "json" {
        return None;
    }
    let doc = cx.resolve_ref(p)?;
    if doc.mode != Mode::Data || doc.meta.is_repeated() {
        return None;
    }
    let mut version = "\"2012-10-17\"".to_string();
    let mut statements = Vec::new();
    for s in doc.body.iter() {
        match s {
            Structure::Attribute(a) if a.key.as_str() == "version" => {
                version = hclx::inline(&a.expr);
            }
            Structure::Block(b) if b.identifier.as_str() == "statement" => {
                statements.push(statement(&b.body)?);
            }
            _ => return None,
        }
    }
    let text = format!(
        "jsonencode({{ Version = {version}, Statement = [{}] }})",
        statements.join(", ")
    );
    hclx::parse_expr(&text).ok().map(|e| (doc, e))
}

/// One `statement` block as the text of a policy statement object.
fn statement(body: &Body) -> Option<String> {
    use hcl::Structure;
    use std::collections::BTreeMap;
    let mut attrs: BTreeMap<&str, String> = BTreeMap::new();
    let mut principals: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut conditions: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for s in body.iter() {
        match s {
            Structure::Attribute(a) => {
                let key = match a.key.as_str() {
                    "sid" => "Sid",
                    "effect" => "Effect",
                    "actions" => "Action",
                    "not_actions" => "NotAction",
                    "resources" => "Resource",
                    "not_resources" => "NotResource",
                    _ => return None,
                };
                attrs.insert(key, hclx::inline(&a.expr));
            }
            Structure::Block(b) => match b.identifier.as_str() {
                k @ ("principals" | "not_principals") => {
                    let ty = hclx::attr(&b.body, "type").and_then(hclx::as_str)?;
                    let ids = hclx::attr(&b.body, "identifiers")?;
                    let key = if k == "principals" {
                        "Principal"
                    } else {
                        "NotPrincipal"
                    };
                    principals.entry(key).or_default().push(format!(
                        "{} = {}",
                        hcl_key(ty),
                        hclx::inline(ids)
                    ));
                }
                "condition" => {
                    let test = hclx::attr(&b.body, "test").and_then(hclx::as_str)?;
                    let var = hclx::attr(&b.body, "variable").and_then(hclx::as_str)?;
                    let values = hclx::attr(&b.body, "values")?;
                    conditions.entry(hcl_key(test)).or_default().push(format!(
                        "{} = {}",
                        hcl_key(var),
                        hclx::inline(values)
                    ));
                }
                _ => return None,
            },
        }
    }
    let mut fields = vec![];
    if let Some(v) = attrs.remove("Sid") {
        fields.push(format!("Sid = {v}"));
    }
    fields.push(format!(
        "Effect = {}",
        attrs.remove("Effect").unwrap_or_else(|| "\"Allow\"".into())
    ));
    for (k, v) in &principals {
        fields.push(format!("{k} = {{ {} }}", v.join(", ")));
    }
    for k in ["Action", "NotAction", "Resource", "NotResource"] {
        if let Some(v) = attrs.remove(k) {
            fields.push(format!("{k} = {v}"));
        }
    }
    if !conditions.is_empty() {
        let tests: Vec<String> = conditions
            .iter()
            .map(|(t, vars)| format!("{t} = {{ {} }}", vars.join(", ")))
            .collect();
        fields.push(format!("Condition = {{ {} }}", tests.join(", ")));
    }
    Some(format!("{{ {} }}", fields.join(", ")))
}

/// An object key as HCL text: quoted (policy keys such as `aws:SourceIp` are not identifiers).
fn hcl_key(k: &str) -> String {
    let mut out = String::from('"');
    hclx::push_escaped(&mut out, k, true);
    out.push('"');
    out
}

/// Rewrites S3 ARNs of stack buckets so they name the appliance's bucket:
/// `aws_s3_bucket.x.arn` → `"arn:aws:s3:::${aws_s3_bucket.x.id}"` (then rewritten to the
/// Spaces name), `each.value.arn` → `"arn:aws:s3:::${each.value.name}"`, and a literal
/// `arn:aws:s3:::<static name of x>` likewise.
fn rewrite_arns(p: &mut Expression, named: &[(String, String)]) {
    hclx::walk_mut(p, &mut |e| match e {
        Expression::String(s) => {
            let raw = hclx::escape_template_literal(s);
            let new = rewrite_template_text(&raw, named);
            if new != raw {
                *e = hclx::template(new);
            }
            false
        }
        Expression::TemplateExpr(t) => {
            match &mut **t {
                TemplateExpr::QuotedString(s) => *s = rewrite_template_text(s, named),
                TemplateExpr::Heredoc(h) => h.template = rewrite_template_text(&h.template, named),
            }
            false
        }
        other => {
            if let Some(inner) = arn_interpolation(&hclx::inline(other)) {
                *other = hclx::template(format!("arn:aws:s3:::${{{inner}}}"));
                return false;
            }
            true
        }
    });
}

/// For `aws_s3_bucket.x[..].arn` → `aws_s3_bucket.x[..].id`; `each.value.arn` → `each.value.name`.
fn arn_interpolation(text: &str) -> Option<String> {
    let t = text.trim();
    let base = t.strip_suffix(".arn")?;
    if base == "each.value" {
        return Some("each.value.name".into());
    }
    let rest = base.strip_prefix("aws_s3_bucket.")?;
    if rest
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "_-[].\"".contains(c))
    {
        Some(format!("{base}.id"))
    } else {
        None
    }
}

/// The template-text form of [`rewrite_arns`].
fn rewrite_template_text(raw: &str, named: &[(String, String)]) -> String {
    // Interpolations `${aws_s3_bucket.x.arn}`.
    let mut out = String::new();
    let mut rest = raw;
    while let Some(start) = rest.find("${") {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        let inner = &rest[start + 2..start + len];
        out.push_str(&rest[..start]);
        match arn_interpolation(inner) {
            Some(id) => out.push_str(&format!("arn:aws:s3:::${{{id}}}")),
            None => out.push_str(&rest[start..start + len + 1]),
        }
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    // Literal ARNs of stack buckets.
    for (name, res) in named {
        let needle = format!("arn:aws:s3:::{name}");
        let mut result = String::new();
        let mut rest = out.as_str();
        while let Some(i) = rest.find(&needle) {
            let after = &rest[i + needle.len()..];
            let boundary = !after
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
            result.push_str(&rest[..i]);
            if boundary {
                result.push_str(&format!("arn:aws:s3:::${{aws_s3_bucket.{res}.id}}"));
            } else {
                result.push_str(&needle);
            }
            rest = after;
        }
        result.push_str(rest);
        out = result;
    }
    out
}

/// Bucket names in literal `arn:aws:s3:::<name>` ARNs (not interpolated ones).
fn foreign_bucket_arns(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, _) in text.match_indices("arn:aws:s3:::") {
        let name: String = text[i + 13..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '.' || *c == '_')
            .collect();
        if !name.is_empty() && !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

// ---- public access, ACL, encryption, ownership ------------------------------------------------------

fn public_access_block(r: &Resource, cx: &mut Cx<'_>) {
    let Some((b, _, parent)) = parent_or_orphan(r, cx) else {
        return;
    };
    if !present(r, cx, b.meta.is_repeated()) {
        return;
    }
    let flags = [
        "block_public_acls",
        "block_public_policy",
        "ignore_public_acls",
        "restrict_public_buckets",
    ];
    let all = flags
        .iter()
        .all(|k| hclx::attr(&r.body, k).and_then(|e| known_bool(cx, e)) == Some(true));
    let note = if all {
        if let Some(e) = cx.emitted_mut(&parent) {
            set_before_blocks(&mut e.body, "acl", Expression::String("private".into()));
        }
        "Spaces has no public access block; the bucket is kept `private` (public policies are not blocked by Spaces: review the bucket policy)"
    } else {
        "Spaces has no public access block; what is public follows the bucket's ACL and policy"
    };
    cx.absorb(r, &parent, note);
}

fn bucket_acl(r: &Resource, cx: &mut Cx<'_>) {
    let Some((b, _, parent)) = parent_or_orphan(r, cx) else {
        return;
    };
    if !present(r, cx, b.meta.is_repeated()) {
        return;
    }
    let mut acl = cx
        .str(r, "acl")
        .map(|a| canned_acl(r, cx, &a, r.loc_of("acl")));
    if !hclx::blocks(&r.body, "access_control_policy").is_empty() {
        cx.diag(feature(
            r,
            r.loc_of("access_control_policy"),
            format!("`{}`: per-grantee ACL grants have no Spaces equivalent (only `private` and `public-read`); the bucket is private", r.address()),
            "grant access with a bucket policy, or use Spaces access keys for the other party",
        ));
        acl.get_or_insert("private");
    }
    if acl == Some("public-read") && public_acls_blocked(cx, b) {
        cx.diag(feature(
            r,
            r.loc_of("acl"),
            format!("`{}` makes the bucket public-read, but its public access block blocks public ACLs; the Spaces bucket stays private", r.address()),
            "drop the public access block (or the public ACL) in the origin to say which one the appliance should follow",
        ));
        acl = Some("private");
    }
    if let Some(acl) = acl
        && let Some(e) = cx.emitted_mut(&parent)
    {
        set_before_blocks(&mut e.body, "acl", Expression::String(acl.into()));
    }
    cx.absorb(r, &parent, "folded into the Spaces bucket's `acl`");
}

fn encryption(r: &Resource, cx: &mut Cx<'_>) {
    let Some((b, _, parent)) = parent_or_orphan(r, cx) else {
        return;
    };
    if !present(r, cx, b.meta.is_repeated()) {
        return;
    }
    encryption_kms_warning(r, cx, &r.body, r.loc_of("rule"));
    cx.absorb(
        r,
        &parent,
        "Spaces has no bucket-level default encryption setting (clients may use SSE-C per request); SSE-S3/SSE-KMS defaults and KMS keys do not carry over",
    );
}

/// Sets an attribute of an emitted body, placing a new one before the nested blocks (where
/// `tofu fmt` users expect arguments).
fn set_before_blocks(body: &mut OutBody, key: &'static str, value: Expression) {
    if body.get(key).is_some() {
        body.set(key, value);
        return;
    }
    let at = body
        .items
        .iter()
        .position(|i| matches!(i, Item::Block(_)))
        .unwrap_or(body.items.len());
    body.items.insert(at, Item::Attr(key.into(), value));
}

/// A warning when a default-encryption configuration names a customer-managed KMS key.
fn encryption_kms_warning(r: &Resource, cx: &mut Cx<'_>, conf: &Body, at: Loc) {
    let kms = hclx::blocks(conf, "rule").iter().any(|rule| {
        hclx::blocks(rule, "apply_server_side_encryption_by_default")
            .iter()
            .any(|d| {
                hclx::attr(d, "kms_master_key_id").is_some_and(|k| !matches!(k, Expression::Null))
            })
    });
    if kms {
        cx.diag(feature(
            r,
            at,
            format!("`{}` encrypts with a customer-managed KMS key; Spaces has no KMS and no bucket-level encryption setting", r.address()),
            "if the key's control matters (compliance, crypto-shredding), encrypt on the client or with SSE-C keys held by the appliance",
        ));
    }
}

fn ownership(r: &Resource, cx: &mut Cx<'_>) {
    let Some((_, _, parent)) = parent_or_orphan(r, cx) else {
        return;
    };
    cx.absorb(
        r,
        &parent,
        "Spaces has no object ownership setting: every object belongs to the appliance's account",
    );
}

// ---- website and other features Spaces lacks -------------------------------------------------------

const WEBSITE_HELP: &str = "serve the site as an App Platform static site (`digitalocean_app` with a `static_site` component), or from the bucket through the Spaces CDN (`digitalocean_cdn`); Spaces bucket websites can only be configured through the S3 API";

/// What a visitor loses when the bucket no longer serves a website.
const WEBSITE_LOST: &str = "`/` and folder paths get no index document, missing pages no error document, and redirects and routing rules are gone";

fn website(r: &Resource, cx: &mut Cx<'_>) {
    let settings = website_settings(cx, &r.body);
    cx.unsupported(
        r,
        Code::UnsupportedService,
        format!(
            "`{}` hosts a website on the bucket ({settings}); Ferry does not configure Spaces bucket websites, so the bucket serves objects by their exact keys only: {WEBSITE_LOST}",
            r.address()
        ),
        WEBSITE_HELP,
    );
}

/// The website settings of a bucket's `website {}` block or `aws_s3_bucket_website_configuration`
/// (`index document `index.html`, error document `404.html``), for the diagnostic.
fn website_settings(cx: &Cx<'_>, body: &Body) -> String {
    let text = |e: &Expression| {
        cx.eval
            .string(e)
            .map(|s| format!("`{s}`"))
            .unwrap_or_else(|| format!("`{}`", hclx::inline(e)))
    };
    // Inline (`index_document = "index.html"`) or nested (`index_document { suffix = … }`).
    let setting = |key: &str, nested: &str| {
        hclx::attr(body, key).map(text).or_else(|| {
            hclx::blocks(body, key)
                .first()
                .and_then(|b| hclx::attr(b, nested).map(text))
        })
    };
    let mut parts = Vec::new();
    if let Some(i) = setting("index_document", "suffix") {
        parts.push(format!("index document {i}"));
    }
    if let Some(e) = setting("error_document", "key") {
        parts.push(format!("error document {e}"));
    }
    if let Some(to) = setting("redirect_all_requests_to", "host_name") {
        parts.push(format!("every request redirected to {to}"));
    }
    if hclx::attr(body, "routing_rules").is_some() || !hclx::blocks(body, "routing_rule").is_empty()
    {
        parts.push("routing rules".to_string());
    }
    if parts.is_empty() {
        "no index document".to_string()
    } else {
        parts.join(", ")
    }
}

fn dropped_feature(r: &Resource, cx: &mut Cx<'_>) {
    // Notifications that invoke functions: the function no longer runs on uploads.
    if r.ty == "aws_s3_bucket_notification" && !hclx::blocks(&r.body, "lambda_function").is_empty()
    {
        cx.unsupported(
            r,
            Code::UnsupportedService,
            format!(
                "`{}` invokes a function on object events; Spaces has no event notifications",
                r.address()
            ),
            "have the uploader call the function after writing (POST the event to its Knative Service), or scan the bucket for new objects from a scheduled function (a CronJob); then remove the notification from the origin stack",
        );
        return;
    }
    let (what, help) = match r.ty.as_str() {
        "aws_s3_bucket_logging" => (
            "server access logging cannot be configured through the DigitalOcean provider",
            "enable it after deploy with `PutBucketLogging` against the Spaces endpoint (source and target buckets must differ), or drop it",
        ),
        "aws_s3_bucket_notification" => (
            "Spaces has no event notifications",
            "have the writer publish an event itself (e.g. to a queue on the appliance), or poll the bucket",
        ),
        "aws_s3_bucket_replication_configuration" => (
            "Spaces has no bucket replication",
            "copy objects with a scheduled job (e.g. `rclone sync`) if a second copy is needed",
        ),
        "aws_s3_bucket_intelligent_tiering_configuration" => (
            "Spaces has one storage class; objects stay in standard storage",
            "remove the tiering configuration",
        ),
        "aws_s3_bucket_object_lock_configuration" => (
            "Ferry cannot configure object lock (WORM retention) on Spaces; objects can be overwritten or deleted",
            "keep versioning on and restrict deletes with a bucket policy",
        ),
        "aws_s3_bucket_accelerate_configuration" => (
            "Spaces has no transfer acceleration",
            "serve downloads through the Spaces CDN (`digitalocean_cdn`)",
        ),
        "aws_s3_bucket_request_payment_configuration" => (
            "Spaces has no requester-pays; the appliance's account pays for all requests",
            "remove the request payment configuration",
        ),
        "aws_s3_bucket_analytics_configuration" => (
            "Spaces has no storage class analytics",
            "remove the analytics configuration",
        ),
        "aws_s3_bucket_inventory" => (
            "Spaces has no inventory reports",
            "list objects with `ListObjectsV2` when an inventory is needed",
        ),
        _ => (
            "Spaces has no request metrics configuration; bucket usage appears in the DigitalOcean control panel",
            "remove the metrics configuration",
        ),
    };
    cx.diag(feature(
        r,
        r.loc.clone(),
        format!("`{}`: {what}", r.address()),
        help,
    ));
    cx.drop(r, what);
}

// ---- objects -----------------------------------------------------------------------------------------

fn object(r: &Resource, cx: &mut Cx<'_>) {
    let Some(bucket) = emitted_bucket_arg(r, cx) else {
        return;
    };
    let mut body = OutBody::new();
    body.set("region", cx.region());
    body.set("bucket", bucket);
    body.set_opt("key", cx.expr(r, "key"));
    for k in [
        "content",
        "content_base64",
        "source",
        "content_type",
        "content_disposition",
        "content_encoding",
        "content_language",
        "cache_control",
        "metadata",
        "etag",
        "website_redirect",
        "force_destroy",
    ] {
        body.set_opt(k, cx.expr(r, k));
    }
    if let Some(acl) = cx.str(r, "acl") {
        let acl = canned_acl(r, cx, &acl, r.loc_of("acl"));
        body.set("acl", Expression::String(acl.into()));
    }
    if [
        "object_lock_mode",
        "object_lock_legal_hold_status",
        "object_lock_retain_until_date",
    ]
    .iter()
    .any(|k| hclx::attr(&r.body, k).is_some())
    {
        cx.diag(feature(
            r,
            r.loc_of("object_lock_mode"),
            format!("`{}`: object lock (retention, legal hold) has no Spaces equivalent in the provider", r.address()),
            "remove the object lock settings",
        ));
    }
    if cx.str(r, "storage_class").is_some_and(|s| s != "STANDARD") {
        cx.diag(feature(
            r,
            r.loc_of("storage_class"),
            format!(
                "`{}`: Spaces has one storage class; the object is stored in standard storage",
                r.address()
            ),
            "remove `storage_class`",
        ));
    }
    if hclx::attr(&r.body, "kms_key_id").is_some() {
        cx.diag(feature(
            r,
            r.loc_of("kms_key_id"),
            format!(
                "`{}` is encrypted with a KMS key; Spaces has no KMS",
                r.address()
            ),
            "encrypt on the client if the key's control matters",
        ));
    }
    cx.emit(r, OBJECT, body);
    if hclx::attr(&r.body, "source").is_some() {
        cx.note(
            r,
            "`source` is a file read when the stack is applied: ship it beside the deployment stack at the same relative path",
        );
    }
    cx.export(
        r,
        "arn",
        Export::Unmapped("Spaces objects have no ARN".into()),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arn_interpolations_follow_the_bucket_name() {
        assert_eq!(
            arn_interpolation("aws_s3_bucket.assets.arn").as_deref(),
            Some("aws_s3_bucket.assets.id")
        );
        assert_eq!(
            arn_interpolation("aws_s3_bucket.logs[0].arn").as_deref(),
            Some("aws_s3_bucket.logs[0].id")
        );
        assert_eq!(
            arn_interpolation("each.value.arn").as_deref(),
            Some("each.value.name")
        );
        assert_eq!(arn_interpolation("aws_iam_role.x.arn"), None);
        assert_eq!(arn_interpolation("aws_s3_bucket.x.id"), None);
    }

    #[test]
    fn template_text_rewrites_interpolated_and_literal_arns() {
        let named = vec![("acme-assets".to_string(), "assets".to_string())];
        assert_eq!(
            rewrite_template_text("${aws_s3_bucket.assets.arn}/*", &named),
            "arn:aws:s3:::${aws_s3_bucket.assets.id}/*"
        );
        assert_eq!(
            rewrite_template_text("arn:aws:s3:::acme-assets/*", &named),
            "arn:aws:s3:::${aws_s3_bucket.assets.id}/*"
        );
        // A longer name that merely starts the same is another bucket.
        assert_eq!(
            rewrite_template_text("arn:aws:s3:::acme-assets-logs/*", &named),
            "arn:aws:s3:::acme-assets-logs/*"
        );
    }

    #[test]
    fn foreign_arns_are_listed_once() {
        assert_eq!(
            foreign_bucket_arns(
                r#"["arn:aws:s3:::other/*", "arn:aws:s3:::other", "arn:aws:s3:::${x}"]"#
            ),
            vec!["other".to_string()]
        );
    }
}

/// A value naming a bucket of the stack with the expression its `bucket` argument has
/// (`S3_BUCKET = var.bucket_name` beside `bucket = var.bucket_name`) → that bucket's name
/// (`aws_s3_bucket.x.id`), which the reference pass turns into the emitted one: Spaces bucket
/// names carry the instance id, so the origin's expression no longer names the bucket the
/// appliance creates. A literal name (`"media"`) is replaced only where it is the whole value;
/// an expression anywhere in it (`"s3://${var.bucket_name}/"`). Buckets that repeat are left
/// as written. Also marks the value as reading the bucket for [`buckets_read`].
pub fn bucket_names(cx: &Cx<'_>, value: &Expression) -> Expression {
    let mut literal: Vec<(String, Expression)> = Vec::new();
    let mut known: Vec<(String, Expression)> = Vec::new();
    for b in cx.origin_of_type("aws_s3_bucket") {
        if b.meta.is_repeated() {
            continue;
        }
        let Some(name) = hclx::attr(&b.body, "bucket") else {
            continue;
        };
        let id = hclx::path(&["aws_s3_bucket", b.name.as_str(), "id"]);
        match name {
            Expression::Null => {}
            Expression::String(n) if !n.is_empty() => literal.push((n.clone(), id)),
            Expression::String(_) | Expression::Number(_) | Expression::Bool(_) => {}
            e => known.push((hclx::inline(e), id)),
        }
    }
    if let Some(n) = hclx::as_str(value)
        && let Some((_, id)) = literal.iter().find(|(l, _)| l == n)
    {
        return id.clone();
    }
    hclx::replace_by_text(value, &known)
}

/// Environment variables that already give a container S3 credentials or an endpoint.
pub const S3_CREDENTIAL_ENV: &[&str] = &["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"];
pub const S3_ENDPOINT_ENV: &[&str] = &["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"];

/// The buckets of the module that environment values read (`aws_s3_bucket.x.arn`,
/// `"s3://${aws_s3_bucket.x[0].bucket}/"`), each as a reference to its name
/// (`aws_s3_bucket.x.id`, `aws_s3_bucket.x[0].id`), in the order first read.
pub fn buckets_read<'e>(
    cx: &Cx<'_>,
    values: impl IntoIterator<Item = &'e Expression>,
) -> Vec<Expression> {
    let buckets: Vec<&str> = cx
        .origin_of_type("aws_s3_bucket")
        .map(|b| b.name.as_str())
        .collect();
    let mut found: Vec<Expression> = Vec::new();
    if buckets.is_empty() {
        return found;
    }
    for v in values {
        hclx::walk(v, &mut |x| {
            let Some(("aws_s3_bucket", [Op::GetAttr(n), rest @ ..])) = hclx::traversal_root(x)
            else {
                return;
            };
            if !buckets.contains(&n.as_str()) {
                return;
            }
            let mut ops = vec![Op::GetAttr(n.clone())];
            ops.extend(
                rest.iter()
                    .take_while(|o| !matches!(o, Op::GetAttr(_)))
                    .cloned(),
            );
            ops.push(Op::GetAttr(hcl::Identifier::unchecked("id")));
            let bucket = hclx::traversal("aws_s3_bucket", ops);
            if !found.contains(&bucket) {
                found.push(bucket);
            }
        });
    }
    found
}

/// What a workload's containers get to reach their buckets: see [`workload_access`].
#[derive(Debug, Clone)]
pub struct SpacesAccess {
    /// `kubernetes_secret_v1.<name>.metadata[0].name`: the Secret holding the key under the
    /// names of [`S3_CREDENTIAL_ENV`].
    pub secret: Expression,
    /// The Spaces endpoint of the (first) bucket's region, for `AWS_ENDPOINT_URL_S3`.
    pub endpoint: Expression,
}

/// Workloads whose environment names a bucket of the stack (`AWS_BUCKET =
/// aws_s3_bucket.files.id`) reached it with their task or function role's credentials and
/// AWS's endpoint; pods have neither (known gap #181). `r` (run as `app`, in the namespace
/// `ns`) gets a Spaces access key scoped to the `granted` buckets (`digitalocean_spaces_key`,
/// `read` where the `role`'s policies only read the bucket, else `readwrite`: see
/// [`role_access`]) in a Secret, whatever its count or for_each; the
/// caller puts the Secret's keys in the environment of `containers` (named in the note) as
/// `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY`, and the endpoint as `AWS_ENDPOINT_URL_S3`,
/// which the AWS SDKs read.
pub fn workload_access(
    cx: &mut Cx<'_>,
    r: &Resource,
    app: &str,
    granted: &[Expression],
    role: Option<&Expression>,
    containers: &[String],
    ns: Expression,
) -> Option<SpacesAccess> {
    let region = match granted.first()? {
        Expression::Traversal(t) => {
            let mut t = (**t).clone();
            t.operators.pop();
            t.operators
                .push(Op::GetAttr(hcl::Identifier::unchecked("region")));
            hclx::inline(&Expression::Traversal(Box::new(t)))
        }
        _ => return None,
    };
    let mut key = OutBody::new();
    key.set(
        "name",
        hclx::template(format!("{app}-${{var.instance_id}}")),
    );
    let mut permissions: Vec<String> = Vec::new();
    for b in granted {
        let access = cx
            .resolve_ref(b)
            .map(|bucket| role_access::of_role(cx, role, bucket))
            .unwrap_or(role_access::Access::ReadWrite);
        let g = key.block("grant");
        g.set("bucket", b.clone());
        g.set("permission", Expression::String(access.permission().into()));
        permissions.push(format!(
            "`{}` {}",
            hclx::inline(b).trim_end_matches(".id"),
            access.permission()
        ));
    }
    let key_addr = cx.emit_as(
        r,
        Mode::Managed,
        "digitalocean_spaces_key",
        &format!("{}_spaces", r.name),
        key,
    );
    let secret_name =
        super::k8s::unique_object_name(cx.st, "kubernetes_secret_v1", &format!("{app}-spaces"));
    let data = super::k8s::map(
        S3_CREDENTIAL_ENV
            .iter()
            .zip(["access_key", "secret_key"])
            .map(|(k, attr)| {
                (
                    *k,
                    hclx::parse_expr(&format!("{key_addr}.{attr}")).unwrap_or(Expression::Null),
                )
            }),
    );
    let body = super::k8s::secret(
        Expression::String(secret_name),
        ns,
        data,
        None,
        Some(super::k8s::labels(app)),
    );
    let secret_addr = cx.emit_as(
        r,
        Mode::Managed,
        "kubernetes_secret_v1",
        &format!("{}_spaces", r.name),
        body,
    );
    for addr in [&key_addr, &secret_addr] {
        if let Some(e) = cx.emitted_mut(addr) {
            e.meta = crate::origin::Meta::default();
        }
    }
    let buckets_named = granted
        .iter()
        .map(|b| format!("`{}`", hclx::inline(b).trim_end_matches(".id")))
        .collect::<Vec<_>>()
        .join(", ");
    let permissions = permissions.join(", ");
    cx.secret(crate::report::SecretRef {
        origin: r.address().to_string(),
        target: secret_addr.clone(),
        keys: S3_CREDENTIAL_ENV.iter().map(|k| k.to_string()).collect(),
        source: format!("`{key_addr}`, a Spaces access key Ferry creates"),
    });
    let containers = containers
        .iter()
        .map(|c| format!("`{c}`"))
        .collect::<Vec<_>>()
        .join(", ");
    cx.diag(
        Diagnostic::new(
            Code::WorkloadSpacesKey,
            format!(
                "container(s) {containers} of `{}` read {buckets_named} with the AWS role's credentials, which pods do not have: they get a Spaces access key scoped to the bucket(s) (`{key_addr}`: {permissions}) from the Secret `{secret_addr}` (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`) and the Spaces endpoint in `AWS_ENDPOINT_URL_S3`",
                r.address()
            ),
        )
        .at(r.loc.clone())
        .resource(r.address())
        .help("the application's S3 client must use the endpoint (AWS SDKs read `AWS_ENDPOINT_URL_S3`; older clients need it configured) and path- or virtual-host-style addressing Spaces accepts; a bucket the role only reads (every S3 action of its policies on it `s3:Get…`/`s3:List…`) is granted `read`, any other `readwrite`"),
    );
    Some(SpacesAccess {
        secret: super::k8s::name_of(&secret_addr),
        endpoint: hclx::template(format!("https://${{{region}}}.digitaloceanspaces.com")),
    })
}

/// [`workload_access`] for the containers of a pod (an ECS task's): the containers that set
/// their own keys keep them; an endpoint a container sets is kept.
pub fn pod_access(
    cx: &mut Cx<'_>,
    r: &Resource,
    app: &str,
    pod: &mut super::k8s::PodSpec,
    role: Option<&Expression>,
    ns: Expression,
) {
    use super::k8s::{Env, EnvSource};
    let env_names = |c: &super::k8s::Container, cx: &Cx<'_>| -> Vec<String> {
        c.env
            .iter()
            .filter_map(|e| cx.eval.string(&e.name))
            .collect()
    };
    let mut reading: Vec<usize> = Vec::new();
    let mut granted: Vec<Expression> = Vec::new();
    let mut own_keys: Vec<(String, Vec<Expression>)> = Vec::new();
    for (i, c) in pod
        .init_containers
        .iter()
        .chain(pod.containers.iter())
        .enumerate()
    {
        let values = c.env.iter().filter_map(|e| match &e.source {
            EnvSource::Value(v) => Some(v),
            EnvSource::SecretKey { .. } => None,
        });
        if env_names(c, cx)
            .iter()
            .any(|n| S3_CREDENTIAL_ENV.contains(&n.as_str()))
        {
            // Keys of its own (an IAM user's, from variables) reach AWS, not Spaces.
            let found = buckets_read(cx, values);
            if !found.is_empty() {
                own_keys.push((c.name.clone(), found));
            }
            continue;
        }
        let found = buckets_read(cx, values);
        if found.is_empty() {
            continue;
        }
        reading.push(i);
        for b in found {
            if !granted.contains(&b) {
                granted.push(b);
            }
        }
    }
    for (container, buckets) in own_keys {
        let named = buckets
            .iter()
            .map(|b| format!("`{}`", hclx::inline(b).trim_end_matches(".id")))
            .collect::<Vec<_>>()
            .join(", ");
        cx.diag(
            Diagnostic::new(
                Code::FeatureUnsupported,
                format!(
                    "container `{container}` of `{}` reads {named} with keys it sets itself (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`): in the appliance the bucket is a Spaces bucket, which an AWS key cannot reach, and the container gets no Spaces endpoint",
                    r.address()
                ),
            )
            .at(r.loc.clone())
            .resource(r.address())
            .help("set the keys to a Spaces access key of the bucket (or drop them: a workload without keys of its own gets one scoped to its buckets) and point the application's S3 client at `https://<region>.digitaloceanspaces.com`"),
        );
    }
    let mut containers: Vec<&mut super::k8s::Container> = pod
        .init_containers
        .iter_mut()
        .chain(pod.containers.iter_mut())
        .collect();
    let names: Vec<String> = reading
        .iter()
        .filter_map(|i| containers.get(*i).map(|c| c.name.clone()))
        .collect();
    let Some(access) = workload_access(cx, r, app, &granted, role, &names, ns) else {
        return;
    };
    for i in reading {
        let Some(c) = containers.get_mut(i) else {
            continue;
        };
        let has_endpoint = env_names(c, cx)
            .iter()
            .any(|n| S3_ENDPOINT_ENV.contains(&n.as_str()));
        for key in S3_CREDENTIAL_ENV {
            c.env.push(Env {
                name: Expression::String((*key).into()),
                source: EnvSource::SecretKey {
                    secret: access.secret.clone(),
                    key: Expression::String((*key).into()),
                },
            });
        }
        if !has_endpoint {
            c.env.push(Env {
                name: Expression::String(S3_ENDPOINT_ENV[0].into()),
                source: EnvSource::Value(access.endpoint.clone()),
            });
        }
    }
}
