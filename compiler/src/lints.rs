//! Best-practice lints over the origin stack (DESIGN §3 "Lints"). They run after mapping, on the
//! origin as written (and the function sources in the input), and say what makes an origin
//! stack hard to ship as many isolated appliances:
//!
//! | code | lint |
//! |---|---|
//! | F501 | a name that must be unique per account or region does not carry `var.instance_id` (also reported by the mapping, where Ferry appends the instance id: never twice) |
//! | F502 | a hard-coded name of something globally unique (bucket, DNS domain, registry): supersedes F501 for that resource |
//! | F503 | taggable resources without a tag carrying `var.instance_id`, and no provider `default_tags` carrying it |
//! | F504 | function sources fetching secrets at runtime through an AWS SDK |
//! | F505 | the state backend is not keyed per appliance (any other `backend` or `cloud` block: F110, not carried over, with where the state can go) |
//! | F506 | an EC2 instance whose user data only runs a container or one application |
//! | F507 | container images referenced by tag rather than by digest |
//! | F508 | a map looked up by `terraform.workspace` without a key for the appliance's workspace |
//! | F509 | user data, or a file the stack reads with `file()` / `templatefile()`, that calls the AWS CLI for anything but S3 (`aws rds describe-db-instances …`) |
//!
//! Lints never change the output; each diagnostic points at `file:line:col` with a `help`.

use crate::api::Options;
use crate::diag::{Code, Diagnostic, Severity};
use crate::eval::Eval;
use crate::hclx;
use crate::origin::{Mode, Module, Origin, Resource};
use crate::source::Loc;
use hcl::Body;
use hcl::expr::{Expression, TraversalOperator as Op};
use std::collections::{BTreeMap, BTreeSet};

/// Files that are function sources: read for lints, not reported as ignored.
pub const SOURCE_EXTENSIONS: &[&str] = &[".py", ".js", ".mjs", ".cjs", ".ts", ".go", ".java"];

/// Is this file name a function source the lints read?
pub fn is_source_file(name: &str) -> bool {
    SOURCE_EXTENSIONS.iter().any(|e| name.ends_with(e)) && !name.ends_with(".d.ts")
}

/// Files the lints read when the input has them: function sources, and the scripts and
/// templates that `file()` / `templatefile()` load as user data.
pub fn is_lint_input(name: &str) -> bool {
    is_source_file(name) || [".sh", ".tpl", ".tftpl"].iter().any(|e| name.ends_with(e))
}

/// Runs every lint; `diags` holds the diagnostics of the compilation so far (to avoid
/// reporting what a rule already reported).
pub fn run(
    origin: &Origin,
    files: &BTreeMap<String, String>,
    options: &Options,
    root_eval: Option<&Eval>,
    never_created: &BTreeMap<String, BTreeSet<String>>,
    diags: &mut Vec<Diagnostic>,
) {
    let carrying = instance_vars(origin, options);
    let set_by_callers = caller_set_vars(origin);
    let root_default_tags = origin.modules.get("").is_some_and(|m| {
        m.providers.iter().any(|p| {
            p.name == "aws"
                && hclx::blocks(&p.body, "default_tags")
                    .iter()
                    .any(|d| hclx::attr(d, "tags").is_some_and(|t| carries(t, m, &carrying[""])))
        })
    });
    let tables = Tables {
        unique: UNIQUE_NAMES.iter().rev().map(|e| (e.0, e)).collect(),
        global: GLOBAL_NAMES.iter().rev().map(|e| (e.0, e)).collect(),
    };
    let mut out = Vec::new();
    for (dir, module) in &origin.modules {
        // Resources whose `count` is 0 (`for_each` empty) never exist: nothing to say of them.
        let without;
        let module = match never_created.get(dir) {
            Some(never) => {
                let mut m = module.clone();
                m.resources.retain(|r| !never.contains(r.address()));
                without = m;
                &without
            }
            None => module,
        };
        let vars = carrying.get(dir).cloned().unwrap_or_default();
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        let built;
        let eval = match root_eval {
            Some(e) if dir.is_empty() => e,
            _ => {
                built = Eval::new(
                    module,
                    if dir.is_empty() {
                        &module.tfvars
                    } else {
                        &EMPTY
                    },
                    options.instance_id.as_deref().filter(|_| dir.is_empty()),
                );
                &built
            }
        };
        let mut managed = Lookup::default();
        for r in module.resources.iter().filter(|r| r.mode == Mode::Managed) {
            managed.entry((r.ty.as_str(), r.name.as_str())).or_insert(r);
        }
        let no_vars = BTreeSet::new();
        let cx = ModuleCx {
            module,
            vars: &vars,
            set_by_callers: set_by_callers.get(dir).unwrap_or(&no_vars),
            prefix: &prefix,
            eval,
            files,
            managed,
            tables: &tables,
        };
        names(&cx, diags, &mut out);
        if !root_default_tags {
            tags(&cx, &mut out);
        }
        if dir.is_empty() {
            backend(module, &mut out);
        }
        instances(&cx, &mut out);
        aws_cli(&cx, &mut out);
        images(&cx, &mut out);
        workspace(&cx, &mut out);
    }
    sdk_secrets(files, &mut out);
    yaml_images(files, &mut out);
    diags.extend(out);
}

static EMPTY: BTreeMap<String, Expression> = BTreeMap::new();

struct ModuleCx<'a> {
    module: &'a Module,
    /// Variables of the module that carry the instance id.
    vars: &'a BTreeSet<String>,
    /// Variables of the module a caller sets (`eval` knows only their defaults).
    set_by_callers: &'a BTreeSet<String>,
    /// `dir/` of the module, empty for the root.
    prefix: &'a str,
    eval: &'a Eval,
    files: &'a BTreeMap<String, String>,
    /// The module's managed resources by (type, name), the first of each.
    managed: Lookup<(&'a str, &'a str), &'a Resource>,
    tables: &'a Tables,
}

/// [`UNIQUE_NAMES`] and [`GLOBAL_NAMES`] by type (the first entry of a type, as a scan finds
/// it), looked up for every resource.
struct Tables {
    unique: Lookup<&'static str, &'static (&'static str, &'static str, Option<&'static str>)>,
    global: Lookup<&'static str, &'static (&'static str, &'static str, &'static str)>,
}

/// The lints' look-up tables: only looked up, never iterated, so hashed (fixed seed: no
/// randomness) rather than ordered, which compared strings with long common prefixes.
type Lookup<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;

impl ModuleCx<'_> {
    /// A name as a note shows it: its value, or the expression as written when it has none at
    /// compile time or reads an input a caller sets (the module's `eval` knows only defaults).
    fn shown(&self, e: &Expression) -> String {
        if carries(e, self.module, self.set_by_callers) {
            return hclx::inline(e);
        }
        self.eval.string(e).unwrap_or_else(|| hclx::inline(e))
    }

    /// The resource's address as the report shows it (`dir/` in a child module).
    fn addr<'r>(&self, r: &'r Resource) -> std::borrow::Cow<'r, str> {
        if self.prefix.is_empty() {
            std::borrow::Cow::Borrowed(r.address())
        } else {
            std::borrow::Cow::Owned(format!("{}{}", self.prefix, r.address()))
        }
    }
    fn carries(&self, e: &Expression) -> bool {
        carries(e, self.module, self.vars)
    }
}

/// Per module folder, the variables that carry the instance id: `instance_id` everywhere (the
/// deployment stack passes it to every module), and the variables of a local module that its
/// callers set from something carrying it.
fn instance_vars(origin: &Origin, _options: &Options) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = origin
        .modules
        .keys()
        .map(|d| (d.clone(), BTreeSet::from(["instance_id".to_string()])))
        .collect();
    // Propagate along local module calls until nothing changes (bounded by the module count).
    let calls = local_calls(origin);
    for _ in 0..=origin.modules.len() {
        let mut changed = false;
        for (dir, module, call, target) in &calls {
            let vars = out.get(*dir).cloned().unwrap_or_default();
            for a in call.body.attributes() {
                if carries(a.expr(), module, &vars)
                    && let Some(set) = out.get_mut(target)
                {
                    changed |= set.insert(a.key().to_string());
                }
            }
        }
        if !changed {
            break;
        }
    }
    out
}

/// Every call of a local module (`source = "./…"` or `"../…"`): the caller's folder and module,
/// the call, and the folder it calls.
fn local_calls(origin: &Origin) -> Vec<(&str, &Module, &crate::origin::Named, String)> {
    let mut out = Vec::new();
    for (dir, module) in &origin.modules {
        for call in &module.module_calls {
            let Some(source) = hclx::attr(&call.body, "source").and_then(hclx::as_str) else {
                continue;
            };
            if !(source.starts_with("./") || source.starts_with("../")) {
                continue;
            }
            if let Some(target) = crate::origin::join_dir(dir, source) {
                out.push((dir.as_str(), module, call, target));
            }
        }
    }
    out
}

/// The variables of each child module that a local module call sets.
fn caller_set_vars(origin: &Origin) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (_, _, call, target) in local_calls(origin) {
        out.entry(target)
            .or_default()
            .extend(call.body.attributes().map(|a| a.key().to_string()));
    }
    out
}

/// Does the expression carry one of `vars`, directly or through the module's locals?
pub(crate) fn carries(e: &Expression, module: &Module, vars: &BTreeSet<String>) -> bool {
    // Expressions are borrowed (from the caller and the module's locals), never copied.
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        let mut hit = false;
        hclx::walk(e, &mut |x| match hclx::traversal_root(x) {
            Some(("var", [Op::GetAttr(v), ..])) => hit |= vars.contains(v.as_str()),
            Some(("local", [Op::GetAttr(l), ..])) => {
                if let Some(local) = module.locals.iter().find(|x| x.name == l.as_str())
                    && seen.insert(local.name.as_str())
                {
                    stack.push(&local.expr);
                }
            }
            _ => {}
        });
        if hit {
            return true;
        }
    }
    false
}

/// Is the expression the same in every appliance: literals, and locals of literals (counts and
/// `for_each` keys are the same everywhere too)?
fn hard_coded(e: &Expression, module: &Module) -> bool {
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        let mut dynamic = false;
        hclx::walk(e, &mut |x| match hclx::traversal_root(x) {
            Some(("local", [Op::GetAttr(l), ..])) => {
                match module.locals.iter().find(|x| x.name == l.as_str()) {
                    Some(local) if seen.insert(local.name.as_str()) => stack.push(&local.expr),
                    Some(_) => {}
                    None => dynamic = true,
                }
            }
            // The root of a traversal is visited on its own too (`local` of `local.x`).
            Some((_, [])) | Some(("path" | "count" | "each", _)) => {}
            Some(_) => dynamic = true,
            None => {}
        });
        if dynamic {
            return false;
        }
    }
    true
}

// ---- (a) and (b): names ------------------------------------------------------------------------

/// Types whose name must be unique in an account or region: (type, name argument, argument
/// that lets the provider choose a unique name).
const UNIQUE_NAMES: &[(&str, &str, Option<&str>)] = &[
    ("aws_s3_bucket", "bucket", Some("bucket_prefix")),
    ("aws_db_instance", "identifier", Some("identifier_prefix")),
    (
        "aws_rds_cluster",
        "cluster_identifier",
        Some("cluster_identifier_prefix"),
    ),
    (
        "aws_docdb_cluster",
        "cluster_identifier",
        Some("cluster_identifier_prefix"),
    ),
    ("aws_elasticache_cluster", "cluster_id", None),
    (
        "aws_elasticache_replication_group",
        "replication_group_id",
        None,
    ),
    ("aws_db_subnet_group", "name", Some("name_prefix")),
    ("aws_elasticache_subnet_group", "name", None),
    ("aws_db_parameter_group", "name", Some("name_prefix")),
    ("aws_lb", "name", Some("name_prefix")),
    ("aws_alb", "name", Some("name_prefix")),
    ("aws_elb", "name", Some("name_prefix")),
    ("aws_lb_target_group", "name", Some("name_prefix")),
    ("aws_eks_cluster", "name", None),
    ("aws_ecs_cluster", "name", None),
    ("aws_ecr_repository", "name", None),
    ("aws_lambda_function", "function_name", None),
    ("aws_iam_role", "name", Some("name_prefix")),
    ("aws_iam_policy", "name", Some("name_prefix")),
    ("aws_iam_user", "name", None),
    ("aws_iam_instance_profile", "name", Some("name_prefix")),
    ("aws_sqs_queue", "name", Some("name_prefix")),
    ("aws_sns_topic", "name", Some("name_prefix")),
    ("aws_dynamodb_table", "name", None),
    ("aws_kinesis_stream", "name", None),
    ("aws_secretsmanager_secret", "name", Some("name_prefix")),
    ("aws_ssm_parameter", "name", None),
    ("aws_cloudwatch_log_group", "name", Some("name_prefix")),
    ("aws_cloudwatch_event_rule", "name", Some("name_prefix")),
    ("aws_cloudwatch_metric_alarm", "alarm_name", None),
    ("aws_kms_alias", "name", Some("name_prefix")),
    ("aws_key_pair", "key_name", Some("key_name_prefix")),
    ("aws_msk_cluster", "cluster_name", None),
    ("aws_opensearch_domain", "domain_name", None),
    ("aws_elasticsearch_domain", "domain_name", None),
    ("aws_autoscaling_group", "name", Some("name_prefix")),
    ("aws_launch_template", "name", Some("name_prefix")),
    ("aws_sfn_state_machine", "name", Some("name_prefix")),
    ("aws_efs_file_system", "creation_token", None),
    ("digitalocean_vpc", "name", None),
    ("digitalocean_spaces_bucket", "name", None),
    ("digitalocean_database_cluster", "name", None),
    ("digitalocean_kubernetes_cluster", "name", None),
    ("digitalocean_loadbalancer", "name", None),
    ("digitalocean_volume", "name", None),
    ("digitalocean_certificate", "name", None),
    ("digitalocean_project", "name", None),
    ("digitalocean_container_registry", "name", None),
];

/// Names that are global (across all accounts): a fixed one collides in the second appliance.
const GLOBAL_NAMES: &[(&str, &str, &str)] = &[
    ("aws_s3_bucket", "bucket", "bucket names are global"),
    (
        "aws_route53_zone",
        "name",
        "a public domain can be served by one account only",
    ),
    (
        "aws_cognito_user_pool_domain",
        "domain",
        "Cognito domain prefixes are global",
    ),
    (
        "aws_elastic_beanstalk_environment",
        "cname_prefix",
        "Beanstalk CNAME prefixes are global",
    ),
    (
        "aws_apigatewayv2_domain_name",
        "domain_name",
        "a custom domain can be attached to one API only",
    ),
    (
        "aws_api_gateway_domain_name",
        "domain_name",
        "a custom domain can be attached to one API only",
    ),
    (
        "digitalocean_spaces_bucket",
        "name",
        "Spaces bucket names are global within a region",
    ),
    (
        "digitalocean_domain",
        "name",
        "a DigitalOcean domain can exist in one account only",
    ),
    (
        "digitalocean_container_registry",
        "name",
        "registry names are global",
    ),
];

fn names(cx: &ModuleCx<'_>, diags: &mut Vec<Diagnostic>, out: &mut Vec<Diagnostic>) {
    // What the mapping already reported, per resource: looked up once per resource instead of
    // scanning every diagnostic (the stack can hold tens of thousands of both).
    // Borrowed from `diags`, which changes only after the loop.
    let mut reported_set: BTreeSet<(&'static str, &str)> = BTreeSet::new();
    // Resources whose mapping F501 is superseded by an F502 (removed from `diags` at the end,
    // and no longer counted as reported).
    let mut superseded: BTreeSet<String> = BTreeSet::new();
    for d in diags.iter() {
        for code in [Code::DomainNotPerAppliance, Code::NameWithoutInstanceId] {
            if d.code == code.as_str()
                && let Some(res) = &d.resource
            {
                reported_set.insert((code.as_str(), res.as_str()));
            }
        }
    }
    for r in cx
        .module
        .resources
        .iter()
        .filter(|r| r.mode == Mode::Managed)
    {
        let addr = cx.addr(r);
        let reported = |code: Code, superseded: &BTreeSet<String>| {
            reported_set.contains(&(code.as_str(), &*addr))
                && !(code == Code::NameWithoutInstanceId && superseded.contains(&*addr))
        };
        // (b) hard-coded global names.
        if let Some((_, key, why)) = cx.tables.global.get(r.ty.as_str()).copied()
            && let Some(e) = hclx::attr(&r.body, key)
            && hard_coded(e, cx.module)
            && !reported(Code::DomainNotPerAppliance, &superseded)
            // A private hosted zone is visible in its VPCs only.
            && (r.ty != "aws_route53_zone" || hclx::blocks(&r.body, "vpc").is_empty())
        {
            let shown = cx.shown(e);
            let renamed = reported(Code::NameWithoutInstanceId, &superseded);
            // F502 supersedes the mapping's F501 for this resource.
            if renamed {
                superseded.insert(addr.to_string());
            }
            out.push(
                Diagnostic::new(
                    Code::HardCodedGlobalName,
                    format!(
                        "`{addr}` has the hard-coded {key} `{shown}`: {why}, so every appliance after the first fails to create it{}",
                        if renamed {
                            " (Ferry appended `-${var.instance_id}` in the deployment stack)"
                        } else {
                            ""
                        }
                    ),
                )
                .at(r.loc_of(key))
                .resource(addr.clone())
                .help(format!(
                    "derive it from the instance id (e.g. `\"{}-${{var.instance_id}}\"`){}",
                    hclx::escape_template_literal(&shown),
                    match cx.tables.unique.get(r.ty.as_str()).copied() {
                        Some((_, _, Some(prefix))) => format!(", or let the provider choose it with `{prefix}`"),
                        _ => ", or make it an input of the appliance".into(),
                    }
                )),
            );
            continue;
        }
        // (a) unique names without the instance id.
        let Some((_, key, _)) = cx.tables.unique.get(r.ty.as_str()).copied() else {
            continue;
        };
        let Some(e) = hclx::attr(&r.body, key) else {
            continue;
        };
        if name_carries(cx, r, e, 3) || reported(Code::NameWithoutInstanceId, &superseded) {
            continue;
        }
        let kept = !r.ty.starts_with("aws_");
        let shown = cx.shown(e);
        let d = Diagnostic::new(
            Code::NameWithoutInstanceId,
            if kept {
                format!(
                    "`{addr}` is kept as written, and its name `{shown}` does not carry `var.instance_id`: a second appliance in the same account cannot create it"
                )
            } else {
                format!(
                    "the {key} of `{addr}` (`{shown}`) does not carry `var.instance_id`: two appliances in one account or region would collide"
                )
            },
        )
        .at(r.loc_of(key))
        .resource(addr.clone())
        .help("include `${var.instance_id}` in the name (e.g. `\"myapp-${var.instance_id}\"`)");
        out.push(if kept {
            d.severity(Severity::Warning)
        } else {
            d
        });
    }
    if !superseded.is_empty() {
        diags.retain(|d| {
            !(d.code == Code::NameWithoutInstanceId.as_str()
                && d.resource.as_ref().is_some_and(|r| superseded.contains(r)))
        });
    }
}

/// Does a name carry the instance id, also through `each` (the resource's `for_each`) or through
/// the name of another resource of the module (`"/aws/lambda/${aws_lambda_function.x.function_name}"`)?
fn name_carries(cx: &ModuleCx<'_>, r: &Resource, e: &Expression, depth: u8) -> bool {
    if cx.carries(e) {
        return true;
    }
    if depth == 0 {
        return false;
    }
    let mut hit = false;
    hclx::walk(e, &mut |x| {
        if hit {
            return;
        }
        match hclx::traversal_root(x) {
            Some(("each", [_, ..])) => {
                hit |= r
                    .meta
                    .for_each
                    .as_ref()
                    .is_some_and(|fe| name_carries(cx, r, fe, depth - 1));
            }
            Some((ty, [Op::GetAttr(name), ..])) if ty.starts_with("aws_") => {
                if let Some(other) = cx.managed.get(&(ty, name.as_str())).copied()
                    && let Some((_, key, _)) = cx.tables.unique.get(ty).copied()
                    && let Some(n) = hclx::attr(&other.body, key)
                {
                    hit |= name_carries(cx, other, n, depth - 1);
                }
            }
            _ => {}
        }
    });
    hit
}

// ---- (c) tags ------------------------------------------------------------------------------------

/// AWS types that take tags (the common ones; any resource written with `tags` counts too).
const TAGGABLE: &[&str] = &[
    "aws_instance",
    "aws_launch_template",
    "aws_autoscaling_group",
    "aws_ebs_volume",
    "aws_eip",
    "aws_vpc",
    "aws_subnet",
    "aws_security_group",
    "aws_internet_gateway",
    "aws_nat_gateway",
    "aws_route_table",
    "aws_lb",
    "aws_alb",
    "aws_lb_target_group",
    "aws_elb",
    "aws_db_instance",
    "aws_rds_cluster",
    "aws_rds_cluster_instance",
    "aws_docdb_cluster",
    "aws_elasticache_cluster",
    "aws_elasticache_replication_group",
    "aws_s3_bucket",
    "aws_eks_cluster",
    "aws_eks_node_group",
    "aws_ecs_cluster",
    "aws_ecs_service",
    "aws_ecs_task_definition",
    "aws_ecr_repository",
    "aws_lambda_function",
    "aws_apigatewayv2_api",
    "aws_sqs_queue",
    "aws_sns_topic",
    "aws_dynamodb_table",
    "aws_kms_key",
    "aws_secretsmanager_secret",
    "aws_ssm_parameter",
    "aws_cloudwatch_log_group",
    "aws_cloudwatch_metric_alarm",
    "aws_acm_certificate",
    "aws_route53_zone",
    "aws_cloudfront_distribution",
    "aws_efs_file_system",
    "aws_msk_cluster",
    "aws_opensearch_domain",
    "aws_iam_role",
    "aws_key_pair",
];

fn tags(cx: &ModuleCx<'_>, out: &mut Vec<Diagnostic>) {
    let mut missing: Vec<&Resource> = Vec::new();
    for r in cx
        .module
        .resources
        .iter()
        .filter(|r| r.mode == Mode::Managed && r.ty.starts_with("aws_"))
    {
        let tags = hclx::attr(&r.body, "tags");
        let tag_blocks = hclx::blocks(&r.body, "tag");
        if tags.is_none() && tag_blocks.is_empty() && !TAGGABLE.contains(&r.ty.as_str()) {
            continue;
        }
        let carried = tags.is_some_and(|t| cx.carries(t))
            || tag_blocks
                .iter()
                .any(|b| hclx::attr(b, "value").is_some_and(|v| cx.carries(v)))
            || r.body.blocks().any(|b| {
                b.identifier() == "dynamic"
                    && b.labels.first().map(|l| l.as_str()) == Some("tag")
                    && body_carries(cx, &b.body)
            });
        if !carried {
            missing.push(r);
        }
    }
    let Some(first) = missing.first() else {
        return;
    };
    let provider = cx
        .module
        .providers
        .iter()
        .find(|p| p.name == "aws")
        .filter(|_| cx.prefix.is_empty());
    let loc = provider.map(|p| p.loc.clone()).unwrap_or(first.loc.clone());
    let mut list: Vec<String> = missing
        .iter()
        .take(8)
        .map(|r| format!("`{}`", cx.addr(r)))
        .collect();
    if missing.len() > 8 {
        list.push(format!("and {} more", missing.len() - 8));
    }
    out.push(
        Diagnostic::new(
            Code::MissingInstanceTag,
            format!(
                "{} taggable resource(s) carry no tag with `var.instance_id`: {}",
                missing.len(),
                list.join(", ")
            ),
        )
        .at(loc)
        .resource(cx.addr(first))
        .help("add `default_tags { tags = { \"instance-id\" = var.instance_id } }` to `provider \"aws\"` so every resource carries it (Ferry tags the DigitalOcean resources itself)"),
    );
}

fn body_carries(cx: &ModuleCx<'_>, body: &Body) -> bool {
    body.iter().any(|s| match s {
        hcl::Structure::Attribute(a) => cx.carries(a.expr()),
        hcl::Structure::Block(b) => body_carries(cx, &b.body),
    })
}

// ---- (e) backend ----------------------------------------------------------------------------------

/// Backends and the argument that names the state.
const BACKEND_KEYS: &[(&str, &str)] = &[
    ("s3", "key"),
    ("gcs", "prefix"),
    ("azurerm", "key"),
    ("consul", "path"),
    ("kubernetes", "secret_suffix"),
    ("pg", "schema_name"),
    ("oss", "key"),
    ("cos", "key"),
];

/// Where the deployment stack's state can go instead: Ferry emits no backend (the origin's
/// lives in AWS, or in a place of the vendor's choosing that every appliance would share), and
/// Spaces speaks the `s3` backend's protocol once the AWS-only checks are switched off
/// (Terraform 1.6+ / OpenTofu argument names).
const BACKEND_HELP: &str = "the deployment stack has no `backend` block, so its state stays where `tofu` runs; to keep one state per appliance in a Spaces bucket, add `backend \"s3\" { bucket = \"<state bucket>\", endpoints = { s3 = \"https://<region>.digitaloceanspaces.com\" }, region = \"us-east-1\", skip_credentials_validation = true, skip_requesting_account_id = true, skip_metadata_api_check = true, skip_region_validation = true, skip_s3_checksum = true }` to `versions.tf`, pass a Spaces access key as `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY`, and name each appliance's state at init (`tofu init -backend-config=\"key=appliances/<instance-id>/terraform.tfstate\"`), or select one workspace per appliance (`tofu workspace select <instance-id>`); backend blocks read no variables in Terraform (OpenTofu 1.8+ accepts `var.instance_id` there)";

/// The root's `backend` and `cloud` blocks. None is carried over (F110, with where the state
/// can go instead); one that names its state with a fixed key is the DESIGN §3 lint (F505):
/// the vendor's habit of one state per stack would make every appliance share, and overwrite,
/// one state.
fn backend(module: &Module, out: &mut Vec<Diagnostic>) {
    let vars = BTreeSet::from(["instance_id".to_string()]);
    for t in &module.terraform {
        for b in t.body.blocks() {
            let kind = match b.identifier() {
                "backend" => b.labels.first().map(|l| l.as_str()).unwrap_or_default(),
                "cloud" => "cloud",
                _ => continue,
            };
            let fixed = match kind {
                "cloud" => hclx::blocks(&b.body, "workspaces")
                    .into_iter()
                    .next()
                    .and_then(|ws| {
                        hclx::attr(&ws, "name")
                            .filter(|e| !carries(e, module, &vars))
                            .map(|e| format!("the workspace `name = {}`", hclx::inline(e)))
                    }),
                _ => BACKEND_KEYS
                    .iter()
                    .find(|(k, _)| *k == kind)
                    .filter(|_| hclx::attr(&b.body, "workspace_key_prefix").is_none())
                    .and_then(|(_, key)| {
                        hclx::attr(&b.body, key)
                            .filter(|e| !carries(e, module, &vars))
                            .map(|e| format!("`{key} = {}`", hclx::inline(e)))
                    }),
            };
            let what = match kind {
                "cloud" => "the `cloud` block".to_string(),
                _ => format!("the `{kind}` backend"),
            };
            let locks = match hclx::attr(&b.body, "dynamodb_table") {
                Some(e) => format!(
                    " (its lock table `{}` is a DynamoDB table, which DigitalOcean does not offer)",
                    hclx::as_str(e).map_or_else(|| hclx::inline(e), String::from)
                ),
                None => String::new(),
            };
            let diagnostic = match fixed {
                Some(fixed) => Diagnostic::new(
                    Code::BackendNotPerAppliance,
                    format!(
                        "{what} keeps the state under the fixed {fixed}: every appliance would share (and overwrite) one state; the block is not carried over{locks}, and the backend you give the deployment stack needs a state per appliance"
                    ),
                ),
                None => Diagnostic::new(
                    Code::StateBlockIgnored,
                    format!("{what} is not carried over{locks}"),
                ),
            };
            out.push(diagnostic.at(t.loc.clone()).help(BACKEND_HELP));
        }
    }
}

// ---- `terraform.workspace` ------------------------------------------------------------------------

/// Calls the visitor it is given on every expression of one place of a module.
type Walker<'w> = dyn FnMut(&mut dyn FnMut(&Expression)) + 'w;

/// Is `e` `terraform.workspace`?
fn is_workspace(e: &Expression) -> bool {
    matches!(hclx::traversal_root(e), Some(("terraform", [Op::GetAttr(a)])) if a.as_str() == "workspace")
}

/// Maps the origin looks up by `terraform.workspace` (`lookup(var.cidrs, terraform.workspace)`
/// with keys `dev` / `prod`): the vendor applied it in workspaces of their own, an appliance is
/// applied in its own (`default`, or the one its deploy selects), which such a map has no key
/// for, so the plan fails. One warning per module, naming where. (Names and tags that only
/// interpolate the workspace read `default` and are left alone.)
fn workspace(cx: &ModuleCx<'_>, out: &mut Vec<Diagnostic>) {
    let mut reads: Vec<(String, Loc)> = Vec::new();
    let mut failing: BTreeSet<String> = BTreeSet::new();
    // Visits every expression of one place (a resource, a local, an output, a module call).
    let mut place = |what: String, loc: &Loc, walk: &mut Walker<'_>| {
        let mut found = false;
        walk(&mut |x: &Expression| {
            if let Expression::FuncCall(c) = x
                && c.name.name.as_str() == "lookup"
                && c.args.len() == 2
                && is_workspace(&c.args[1])
                && let Some(hcl::Value::Object(map)) = cx.eval.value(&c.args[0])
                && !map.contains_key("default")
            {
                found = true;
                failing.insert(format!(
                    "`{}` (keys {})",
                    hclx::inline(x),
                    map.keys()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        });
        if found {
            reads.push((what, loc.clone()));
        }
    };
    for r in &cx.module.resources {
        place(format!("`{}`", cx.addr(r)), &r.loc, &mut |f| {
            hclx::walk_body(&r.body, f);
            for e in [&r.meta.count, &r.meta.for_each].into_iter().flatten() {
                hclx::walk(e, f);
            }
        });
    }
    for l in &cx.module.locals {
        place(format!("`local.{}`", l.name), &l.loc, &mut |f| {
            hclx::walk(&l.expr, f)
        });
    }
    for o in &cx.module.outputs {
        place(format!("output `{}`", o.name), &o.loc, &mut |f| {
            hclx::walk_body(&o.body, f)
        });
    }
    for c in &cx.module.module_calls {
        place(format!("`module.{}`", c.name), &c.loc, &mut |f| {
            hclx::walk_body(&c.body, f)
        });
    }
    let Some((_, loc)) = reads.first().cloned() else {
        return;
    };
    let places: Vec<String> = reads.into_iter().map(|(w, _)| w).collect();
    out.push(
        Diagnostic::new(
            Code::WorkspaceKeyed,
            format!(
                "{} look up a map by `terraform.workspace`: {}; the origin was applied in the vendor's workspaces, an appliance in a workspace of its own (`default`, or the one its deploy selects), which the map has no key for, so the plan fails",
                places.join(", "),
                failing.into_iter().collect::<Vec<_>>().join(", "),
            ),
        )
        .at(loc)
        .help("key these values on a variable with a default for the appliance (`lookup(var.vpc_cidr_prefix, var.environment)`), or give each map a `default` entry"),
    );
}

// ---- (f) EC2 where a container would serve ----------------------------------------------------------

const CONTAINER_MARKERS: &[&str] = &[
    "docker run",
    "docker container run",
    "docker-compose up",
    "docker compose up",
    "podman run",
];
const APP_MARKERS: &[&str] = &[
    "java -jar",
    "pm2 start",
    "gunicorn ",
    "uvicorn ",
    "npm start",
    "npm run start",
    "dotnet run",
    "rails server",
    "bundle exec puma",
];

fn instances(cx: &ModuleCx<'_>, out: &mut Vec<Diagnostic>) {
    for r in cx.module.resources.iter().filter(|r| {
        r.mode == Mode::Managed
            && matches!(
                r.ty.as_str(),
                "aws_instance" | "aws_launch_template" | "aws_launch_configuration"
            )
    }) {
        let Some((key, e)) = ["user_data", "user_data_base64"]
            .iter()
            .find_map(|k| hclx::attr(&r.body, k).map(|e| (*k, e)))
        else {
            continue;
        };
        let Some(text) = user_data_text(cx, e) else {
            continue;
        };
        let lower = text.to_ascii_lowercase();
        let (what, marker) = if let Some(m) = CONTAINER_MARKERS.iter().find(|m| lower.contains(**m))
        {
            ("only starts a container", *m)
        } else if let Some(m) = APP_MARKERS.iter().find(|m| lower.contains(**m)) {
            if lower.contains("docker") {
                continue;
            }
            ("installs and starts one application", *m)
        } else {
            continue;
        };
        out.push(
            Diagnostic::new(
                Code::InstanceCouldBeContainer,
                format!(
                    "`{}`'s user data {what} (`{}`): a virtual machine is more to patch and scale than the workload needs",
                    cx.addr(r),
                    marker.trim()
                ),
            )
            .at(r.loc_of(key))
            .resource(cx.addr(r))
            .help("run it as a container: a Kubernetes Deployment on DOKS (or an ECS service, which Ferry maps to one), or a function if it handles requests or events; Ferry maps the instance to a droplet meanwhile"),
        );
    }
}

/// The text of user data: a literal or template (variables as written), or the file read by
/// `file()` / `templatefile()` when the input holds it.
fn user_data_text(cx: &ModuleCx<'_>, e: &Expression) -> Option<String> {
    let mut path = None;
    hclx::walk(e, &mut |x| {
        if path.is_none()
            && let Expression::FuncCall(f) = x
            && matches!(f.name.name.as_str(), "file" | "templatefile")
            && let Some(arg) = f.args.first()
        {
            path = cx.eval.string(arg);
        }
    });
    if let Some(p) = path {
        let rel =
            crate::origin::join_dir(cx.prefix.trim_end_matches('/'), p.trim_start_matches("./"))?;
        return cx.files.get(&rel).cloned();
    }
    match e {
        Expression::String(s) => Some(s.clone()),
        Expression::TemplateExpr(t) => Some(cx.eval.string(e).unwrap_or_else(|| t.to_string())),
        Expression::FuncCall(_) => {
            let mut text = None;
            hclx::walk(e, &mut |x| {
                if text.is_none()
                    && let Expression::TemplateExpr(t) = x
                {
                    text = Some(t.to_string());
                }
            });
            text
        }
        _ => None,
    }
}

// ---- AWS CLI at boot (#270) ----------------------------------------------------------------------

/// What the stack could pass instead of what `aws <service>` looks up on the machine.
fn aws_cli_instead(service: &str) -> &'static str {
    match service {
        "rds" | "docdb" | "neptune" => {
            "pass the database's host into the template (`templatefile(…, { db_host = aws_db_instance.x.address })`): Ferry maps it to the cluster's `private_host`"
        }
        "elasticache" => {
            "pass the cache's host into the template (`cache_nodes[0].address`, `primary_endpoint_address`): Ferry maps it to the Valkey cluster's `private_host`"
        }
        "secretsmanager" | "ssm" | "kms" => {
            "pass the value into the template as a variable (Ferry maps the stack's secrets and parameters to deployment variables and Kubernetes Secrets)"
        }
        "ecr" => {
            "log in to the appliance's registry (`registry.digitalocean.com`) with the credentials of `digitalocean_container_registry_docker_credentials` passed into the template"
        }
        "ec2" | "autoscaling" => {
            "read the droplet's own facts from DigitalOcean's metadata service (`http://169.254.169.254/metadata/v1/`), or pass them into the template"
        }
        _ => {
            "pass the value the command looks up into the template from the stack, or run the command from the deployment side"
        }
    }
}

/// User data (of instances, launch templates and configurations: the text, or the file its
/// `file()` / `templatefile()` reads) and every other file the module reads with `file()` /
/// `templatefile()` (a script passed to a module as user data), that call the AWS CLI for
/// anything but S3 (`aws s3` works against Spaces with its endpoint): on a droplet the command
/// has no credentials and finds nothing, and what the script reads from it falls back or is
/// empty (F509, once per command line).
fn aws_cli(cx: &ModuleCx<'_>, out: &mut Vec<Diagnostic>) {
    // (text, the file it is, or the resource and argument whose text it is).
    type Text<'r> = (String, Option<String>, Option<(&'r Resource, &'static str)>);
    let mut texts: Vec<Text<'_>> = Vec::new();
    let mut paths: BTreeSet<String> = BTreeSet::new();
    let mut read_file = |e: &Expression, texts: &mut Vec<_>| {
        hclx::walk(e, &mut |x| {
            if let Expression::FuncCall(f) = x
                && matches!(f.name.name.as_str(), "file" | "templatefile")
                && let Some(p) = f.args.first().and_then(|a| cx.eval.string(a))
                && let Some(rel) = crate::origin::join_dir(
                    cx.prefix.trim_end_matches('/'),
                    p.trim_start_matches("./"),
                )
                && let Some(text) = cx.files.get(&rel)
                && paths.insert(rel.clone())
            {
                texts.push((text.clone(), Some(rel), None));
            }
        });
    };
    for r in &cx.module.resources {
        let user_data = matches!(
            r.ty.as_str(),
            "aws_instance" | "aws_launch_template" | "aws_launch_configuration"
        )
        .then(|| {
            ["user_data", "user_data_base64"]
                .iter()
                .find_map(|k| hclx::attr(&r.body, k).map(|e| (*k, e)))
        })
        .flatten();
        if let Some((key, e)) = user_data
            && !has_file_call(e)
            && let Some(text) = user_data_text(cx, e)
        {
            texts.push((text, None, Some((r, key))));
        }
        hclx::walk_body(&r.body, &mut |x| read_file(x, &mut texts));
    }
    for l in &cx.module.locals {
        read_file(&l.expr, &mut texts);
    }
    for c in &cx.module.module_calls {
        hclx::walk_body(&c.body, &mut |x| read_file(x, &mut texts));
    }
    for (text, path, at) in texts {
        for (i, line) in text.lines().enumerate() {
            if line.trim_start().starts_with('#') {
                continue;
            }
            let commands = crate::rules::cli::commands(line);
            let Some(c) = commands
                .iter()
                .find(|c| !matches!(c.service.as_str(), "s3" | "s3api"))
            else {
                continue;
            };
            let (loc, place) = match (&path, at) {
                (Some(p), _) => (
                    Loc::new(p.as_str(), i as u32 + 1, c.at as u32 + 1),
                    format!("`{p}`"),
                ),
                (None, Some((r, key))) => {
                    (r.loc_of(key), format!("the user data of `{}`", cx.addr(r)))
                }
                (None, None) => continue,
            };
            let mut d = Diagnostic::new(
                Code::AwsCliAtBoot,
                format!(
                    "{place} calls the AWS CLI (`{}`): on a droplet it has no AWS credentials or instance role and the AWS object is not there, so the command fails and what the script reads from it is empty or its fallback",
                    c.words
                ),
            )
            .at(loc)
            .help(aws_cli_instead(&c.service));
            if let Some((r, _)) = at {
                d = d.resource(cx.addr(r));
            }
            out.push(d);
        }
    }
}

/// Whether `e` reads a file (`file()` / `templatefile()`), which [`aws_cli`] reads by path.
fn has_file_call(e: &Expression) -> bool {
    let mut found = false;
    hclx::walk(e, &mut |x| {
        found |= matches!(x, Expression::FuncCall(f) if matches!(f.name.name.as_str(), "file" | "templatefile"));
    });
    found
}

// ---- (g) images ---------------------------------------------------------------------------------------

/// Kubernetes resource types whose pod specs hold containers.
const POD_TYPES: &[&str] = &[
    "kubernetes_deployment",
    "kubernetes_deployment_v1",
    "kubernetes_stateful_set",
    "kubernetes_stateful_set_v1",
    "kubernetes_daemonset",
    "kubernetes_daemon_set_v1",
    "kubernetes_job",
    "kubernetes_job_v1",
    "kubernetes_cron_job",
    "kubernetes_cron_job_v1",
    "kubernetes_pod",
    "kubernetes_pod_v1",
    "kubernetes_replication_controller",
    "kubernetes_replication_controller_v1",
];

fn images(cx: &ModuleCx<'_>, out: &mut Vec<Diagnostic>) {
    for r in cx
        .module
        .resources
        .iter()
        .filter(|r| r.mode == Mode::Managed)
    {
        let mut found: Vec<(String, &str)> = Vec::new();
        match r.ty.as_str() {
            "aws_lambda_function" => {
                if let Some(e) = hclx::attr(&r.body, "image_uri") {
                    found.extend(image_text(cx, e).map(|t| (t, "image_uri")));
                }
            }
            "aws_ecs_task_definition" => {
                if let Some(e) = hclx::attr(&r.body, "container_definitions") {
                    for t in container_images(cx, e) {
                        found.push((t, "container_definitions"));
                    }
                }
            }
            "kubernetes_manifest" => {
                if let Some(e) = hclx::attr(&r.body, "manifest") {
                    let mut list = Vec::new();
                    object_images(cx, e, &mut list);
                    found.extend(list.into_iter().map(|t| (t, "manifest")));
                }
            }
            t if POD_TYPES.contains(&t) => {
                let mut list = Vec::new();
                pod_images(cx, &r.body, &mut list);
                found.extend(list.into_iter().map(|t| (t, "spec")));
            }
            _ => continue,
        }
        let mut seen = BTreeSet::new();
        for (image, key) in found {
            if image.contains("@sha256:") || !seen.insert(image.clone()) {
                continue;
            }
            out.push(unpinned(&image, r.loc_of(key)).resource(cx.addr(r)));
        }
    }
}

fn unpinned(image: &str, loc: Loc) -> Diagnostic {
    let last = image.rsplit('/').next().unwrap_or(image);
    let how = if last.contains(':') {
        "by tag"
    } else {
        "without a tag (`latest`)"
    };
    Diagnostic::new(
        Code::ImageNotPinned,
        format!(
            "the image `{image}` is referenced {how}: a tag can move, so appliances deployed at different times may run different code"
        ),
    )
    .at(loc)
    .help("pin it by digest (`<image>@sha256:<digest>`, e.g. from `docker buildx imagetools inspect`); Ferry's controller copies the pinned image into each appliance's registry")
}

/// The text of an image reference: its static value, or its template form; `None` when nothing
/// is known (a bare variable without a default).
fn image_text(cx: &ModuleCx<'_>, e: &Expression) -> Option<String> {
    if let Some(s) = cx.eval.string(e) {
        return Some(s);
    }
    match e {
        Expression::TemplateExpr(t) => Some(t.to_string()),
        _ => None,
    }
}

/// Images in `container_definitions`: `jsonencode([{ image = … }])`, a JSON string, or a JSON
/// file read with `file()` / `templatefile()`.
fn container_images(cx: &ModuleCx<'_>, e: &Expression) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(json) = cx.eval.string(e) {
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(&json) {
            json_images(&v, &mut out);
        }
        return out;
    }
    object_images(cx, e, &mut out);
    if out.is_empty()
        && let Some(text) = user_data_text(cx, e)
        && let Ok(v) = serde_json::from_str::<serde_json::Value>(&text)
    {
        json_images(&v, &mut out);
    }
    out
}

fn json_images(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, v) in m {
                match (k.as_str(), v) {
                    ("image", serde_json::Value::String(s)) => out.push(s.clone()),
                    _ => json_images(v, out),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|i| json_images(i, out)),
        _ => {}
    }
}

/// Values of `image` keys anywhere in an object expression.
fn object_images(cx: &ModuleCx<'_>, e: &Expression, out: &mut Vec<String>) {
    hclx::walk(e, &mut |x| {
        if let Expression::Object(o) = x {
            for (k, v) in o.iter() {
                if hclx::object_key(k).as_deref() == Some("image")
                    && let Some(t) = image_text(cx, v)
                {
                    out.push(t);
                }
            }
        }
    });
}

/// `image` of every `container` / `init_container` block of a pod spec.
fn pod_images(cx: &ModuleCx<'_>, body: &Body, out: &mut Vec<String>) {
    for b in body.blocks() {
        if matches!(b.identifier(), "container" | "init_container")
            && let Some(t) = hclx::attr(&b.body, "image").and_then(|e| image_text(cx, e))
        {
            out.push(t);
        }
        pod_images(cx, &b.body, out);
    }
}

/// `image:` lines of Kubernetes YAML files in the input.
fn yaml_images(files: &BTreeMap<String, String>, out: &mut Vec<Diagnostic>) {
    for (path, text) in files {
        if !(path.ends_with(".yaml") || path.ends_with(".yml")) || skipped_path(path) {
            continue;
        }
        if !text.contains("kind:") {
            continue;
        }
        for (i, line) in text.lines().enumerate() {
            let trimmed = line.trim_start().trim_start_matches("- ");
            let Some(rest) = trimmed.strip_prefix("image:") else {
                continue;
            };
            let image = rest
                .split('#')
                .next()
                .unwrap_or_default()
                .trim()
                .trim_matches(|c| c == '"' || c == '\'');
            if image.is_empty() || image.contains("@sha256:") || image.contains("{{") {
                continue;
            }
            let col = line.find("image:").unwrap_or(0);
            out.push(unpinned(
                image,
                Loc::new(path.as_str(), i as u32 + 1, col as u32 + 1),
            ));
        }
    }
}

// ---- (d) secrets fetched through an AWS SDK --------------------------------------------------------

/// Function sources larger than this are not scanned.
const MAX_SOURCE_BYTES: usize = 1024 * 1024;

/// (extensions, a marker the file must contain, call patterns, service, what to use instead).
struct SdkPattern {
    extensions: &'static [&'static str],
    requires: &'static [&'static str],
    calls: &'static [(&'static str, &'static str)],
    help: &'static str,
}

const SDK_PATTERNS: &[SdkPattern] = &[
    SdkPattern {
        extensions: &[".py"],
        requires: &["boto3", "botocore", "aws_lambda_powertools"],
        calls: &[
            ("get_secret_value(", "Secrets Manager"),
            ("get_parameters_by_path(", "SSM Parameter Store"),
            ("get_parameters(", "SSM Parameter Store"),
            ("get_parameter(", "SSM Parameter Store"),
            ("parameters.get_secret(", "Secrets Manager"),
        ],
        help: "read it from the environment (`os.environ[\"DB_PASSWORD\"]`)",
    },
    SdkPattern {
        extensions: &[".js", ".mjs", ".cjs", ".ts"],
        requires: &["@aws-sdk/", "aws-sdk"],
        calls: &[
            ("new GetSecretValueCommand", "Secrets Manager"),
            ("new GetParametersByPathCommand", "SSM Parameter Store"),
            ("new GetParametersCommand", "SSM Parameter Store"),
            ("new GetParameterCommand", "SSM Parameter Store"),
            (".getSecretValue(", "Secrets Manager"),
            (".getParameters(", "SSM Parameter Store"),
            (".getParameter(", "SSM Parameter Store"),
        ],
        help: "read it from the environment (`process.env.DB_PASSWORD`)",
    },
    SdkPattern {
        extensions: &[".go"],
        requires: &["service/secretsmanager", "service/ssm"],
        calls: &[
            ("GetSecretValue(", "Secrets Manager"),
            ("GetSecretValueWithContext(", "Secrets Manager"),
            ("GetParametersByPath(", "SSM Parameter Store"),
            ("GetParameters(", "SSM Parameter Store"),
            ("GetParameter(", "SSM Parameter Store"),
            ("GetParameterWithContext(", "SSM Parameter Store"),
        ],
        help: "read it from the environment (`os.Getenv(\"DB_PASSWORD\")`)",
    },
    SdkPattern {
        extensions: &[".java"],
        requires: &["secretsmanager", "services.ssm"],
        calls: &[
            ("GetSecretValueRequest.builder(", "Secrets Manager"),
            ("new GetSecretValueRequest(", "Secrets Manager"),
            (".getSecretValue(", "Secrets Manager"),
            ("GetParameterRequest.builder(", "SSM Parameter Store"),
            ("new GetParameterRequest(", "SSM Parameter Store"),
            (".getParameter(", "SSM Parameter Store"),
        ],
        help: "read it from the environment (`System.getenv(\"DB_PASSWORD\")`)",
    },
];

/// Folders of dependencies, never the function's own code.
fn skipped_path(path: &str) -> bool {
    path.split('/').any(|seg| {
        matches!(
            seg,
            "node_modules" | ".venv" | "venv" | "vendor" | "site-packages"
        )
    })
}

fn sdk_secrets(files: &BTreeMap<String, String>, out: &mut Vec<Diagnostic>) {
    for (path, text) in files {
        if !is_source_file(path) || skipped_path(path) || text.len() > MAX_SOURCE_BYTES {
            continue;
        }
        let Some(p) = SDK_PATTERNS
            .iter()
            .find(|p| p.extensions.iter().any(|e| path.ends_with(e)))
        else {
            continue;
        };
        if !p.requires.iter().any(|m| text.contains(m)) {
            continue;
        }
        for (i, line) in text.lines().enumerate() {
            let t = line.trim_start();
            if t.starts_with('#')
                || t.starts_with("//")
                || t.starts_with('*')
                || t.starts_with("/*")
                || t.starts_with("import ")
            {
                continue;
            }
            let Some((col, call, service)) = p
                .calls
                .iter()
                .find_map(|(c, s)| line.find(c).map(|col| (col, c, s)))
            else {
                continue;
            };
            let call = call
                .trim_start_matches("new ")
                .trim_start_matches('.')
                .trim_end_matches('(');
            out.push(
                Diagnostic::new(
                    Code::RuntimeSecretFetch,
                    format!(
                        "`{path}` fetches a secret from AWS {service} at runtime (`{call}`): an appliance has neither {service} nor AWS credentials"
                    ),
                )
                .at(Loc::new(path.as_str(), i as u32 + 1, col as u32 + 1))
                .help(format!(
                    "{}: Ferry turns the stack's secrets into Kubernetes Secrets in the appliance namespace and injects them as environment variables; pass the value to the function through its `environment` block",
                    p.help
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_on(files: &[(&str, &str)]) -> Vec<Diagnostic> {
        let files: BTreeMap<String, String> = files
            .iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect();
        let mut diags = Vec::new();
        let origin = crate::origin::parse(&files, &mut diags);
        let mut out = Vec::new();
        run(
            &origin,
            &files,
            &Options::default(),
            None,
            &BTreeMap::new(),
            &mut out,
        );
        out
    }

    fn codes(d: &[Diagnostic]) -> Vec<&str> {
        d.iter().map(|d| d.code.as_str()).collect()
    }

    #[test]
    fn sdk_fetches_are_found_per_line() {
        let d = run_on(&[(
            "src/app.py",
            "import boto3\n# client.get_secret_value(SecretId='x')\nsm = boto3.client('secretsmanager')\nv = sm.get_secret_value(SecretId='db')\n",
        )]);
        assert_eq!(codes(&d), ["F504"]);
        assert_eq!(d[0].location.as_ref().map(|l| l.line), Some(4));
        let d = run_on(&[(
            "fn/index.mjs",
            "import { SSMClient, GetParameterCommand } from \"@aws-sdk/client-ssm\";\nconst r = await ssm.send(new GetParameterCommand({ Name: \"/x\" }));\n",
        )]);
        assert_eq!(codes(&d), ["F504"]);
        assert!(d[0].message.contains("SSM Parameter Store"));
        // Not an AWS SDK file, or vendored code: silent.
        assert!(run_on(&[("x.py", "def get_parameter(x): pass\nget_parameter(1)\n")]).is_empty());
        assert!(
            run_on(&[(
                "node_modules/a/index.js",
                "require('aws-sdk'); new GetSecretValueCommand({})"
            )])
            .is_empty()
        );
    }

    #[test]
    fn hard_coded_global_names_supersede_f501() {
        let d = run_on(&[(
            "main.tf",
            "resource \"aws_s3_bucket\" \"a\" {\n  bucket = \"acme-assets\"\n}\nresource \"aws_sqs_queue\" \"q\" {\n  name = var.queue\n}\nvariable \"queue\" {}\n",
        )]);
        assert_eq!(codes(&d), ["F502", "F501", "F503"]);
    }

    #[test]
    fn kept_digitalocean_names_are_warnings_and_yaml_images_are_checked() {
        let d = run_on(&[
            (
                "main.tf",
                "provider \"aws\" {\n  default_tags {\n    tags = { id = var.instance_id }\n  }\n}\nresource \"digitalocean_volume\" \"v\" {\n  name   = \"data\"\n  region = \"nyc3\"\n  size   = 10\n}\n",
            ),
            (
                "k8s/web.yaml",
                "kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27 # pinned later\n        - name: side\n          image: \"busybox@sha256:abc\"\n",
            ),
        ]);
        assert_eq!(codes(&d), ["F501", "F507"]);
        assert_eq!(d[0].severity, Severity::Warning);
        let loc = d[1].location.as_ref().expect("location");
        assert_eq!(
            (loc.file.as_str(), loc.line, loc.col),
            ("k8s/web.yaml", 7, 11)
        );
    }

    #[test]
    fn backend_keys_must_vary_per_appliance() {
        let d = run_on(&[(
            "main.tf",
            "terraform {\n  backend \"s3\" {\n    bucket = \"state\"\n    key    = \"prod/terraform.tfstate\"\n  }\n}\n",
        )]);
        assert_eq!(codes(&d), ["F505"]);
        assert!(
            d[0].message.contains("not carried over"),
            "{}",
            d[0].message
        );
        // Keyed at init, or per workspace: only the note that the block is not carried over.
        for backend in [
            "backend \"s3\" {\n    bucket = \"state\"\n    dynamodb_table = \"locks\"\n  }",
            "backend \"s3\" {\n    bucket = \"state\"\n    key = \"app.tfstate\"\n    workspace_key_prefix = \"apps\"\n  }",
            "cloud {\n    organization = \"acme\"\n    workspaces {\n      tags = [\"app\"]\n    }\n  }",
        ] {
            let d = run_on(&[("main.tf", &format!("terraform {{\n  {backend}\n}}\n"))]);
            assert_eq!(codes(&d), ["F110"], "{backend}");
            assert!(
                d[0].help
                    .as_deref()
                    .unwrap_or_default()
                    .contains("digitaloceanspaces.com")
            );
        }
        let d = run_on(&[(
            "main.tf",
            "terraform {\n  backend \"s3\" {\n    dynamodb_table = \"tf-locks\"\n  }\n}\n",
        )]);
        assert!(
            d[0].message.contains("lock table `tf-locks`"),
            "{}",
            d[0].message
        );
    }
}
