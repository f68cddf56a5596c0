//! Container images and the appliance's registry (mapping facts §2 "ECR → DOCR").
//!
//! Every image the appliance runs — in ECS container definitions, in `kubernetes_*` pod specs
//! kept from the origin, in Kubernetes YAML manifests of the origin — is found here. Images in
//! private ECR repositories (`<account>.dkr.ecr.<region>.amazonaws.com/<repository>`) move to
//! the appliance's DigitalOcean Container Registry: the reference is rewritten to
//! `registry.digitalocean.com/${var.registry_name}/<repository>[:tag|@digest]`, and the report
//! lists the image as an artifact the controller copies at deploy time (DESIGN §7). Images
//! from other registries (Docker Hub, GHCR, public ECR, …) are kept and pulled from there.
//!
//! The registry. DigitalOcean allows **one** container registry per account, and registry
//! names are global, so the stack cannot simply create "its" registry: the customer's account
//! may already have one (shared with other software). The stack therefore declares
//! * `var.registry_name` — the registry's name; default: the `registry_name` compile option,
//!   else `ferry-<instance id>` when the instance id is known (no default otherwise);
//! * `var.create_registry` — whether the stack creates it (`digitalocean_container_registry`
//!   with `count`); default `true` unless the `registry_name` option names an existing one.
//!
//! Only one module of the stack declares them and creates the registry (#260, #321): the first
//! the pipeline compiles that the root reaches by single calls. Every module compiled after it
//! reads its name from that module's `registry_name` output (`xmod::Facts::registry_from`):
//! passed down as `var.registry_name`, or read as `module.<call>.registry_name` by the modules
//! that call the owner, directly or through the modules between.
//!
//! Pulling. Pods pull with explicit credentials rather than DOKS `registry_integration`: a
//! `digitalocean_container_registry_docker_credentials` (read-only) feeds a
//! `kubernetes_secret_v1` of type `kubernetes.io/dockerconfigjson` in each namespace that runs
//! a rewritten image, and the pod specs list it in `image_pull_secrets`. This works for an
//! existing registry, for a cluster the stack did not create, and for kept pod specs in other
//! namespaces; `registry_integration` would need the cluster and the registry to be set up in a
//! fixed order and patches only default service accounts.
//!
//! ECR resources: `aws_ecr_repository` is absorbed (DOCR repositories exist implicitly, on the
//! first push); its `repository_url` becomes the DOCR path. `aws_ecr_repository_policy` and
//! the registry-wide ECR settings are dropped (access to DOCR is governed by DigitalOcean
//! tokens); lifecycle policies are dropped by the catalog (DOCR garbage collection).

use super::{Cx, Export, Phase, RuleDef, k8s};
use crate::diag::{Code, Diagnostic};
use crate::facts::workload as facts;
use crate::hclx;
use crate::origin::{Meta, Mode, Resource};
use crate::out::{Emitted, Item, OutBody};
use crate::report::{Artifact, ArtifactKind, Outcome};
use crate::source::Loc;
use hcl::Expression;
use hcl::expr::ObjectKey;
use hcl::template::{Element, Template};

const KEPT_ARGS: &[&str] = &[
    "id",
    "metadata",
    "spec",
    "timeouts",
    "wait_for_rollout",
    "wait_for_completion",
    "manifest",
    "computed_fields",
    "field_manager",
    "object",
    "wait",
    "wait_for",
];

const fn kept(ty: &'static str) -> RuleDef {
    RuleDef {
        ty,
        mode: Mode::Managed,
        phase: Phase::Primary,
        produces: &["kubernetes_secret_v1"],
        args: KEPT_ARGS,
        summary: "Kubernetes workload → kept as written; every image in its pod spec moved to the appliance's registry (with an image pull secret)",
        map: kept_workload,
    }
}

pub const RULES: &[RuleDef] = &[
    RuleDef {
        ty: "aws_ecr_repository",
        mode: Mode::Managed,
        phase: Phase::Primary,
        produces: &[
            "digitalocean_container_registry",
            "digitalocean_container_registry_docker_credentials",
        ],
        args: &[
            "name",
            "image_tag_mutability",
            "image_scanning_configuration",
            "encryption_configuration",
            "force_delete",
        ],
        summary: "ECR repository → a repository of the appliance's digitalocean_container_registry (created on first push); repository_url → registry.digitalocean.com/<registry>/<name>",
        map: repository,
    },
    RuleDef {
        ty: "aws_ecr_repository",
        mode: Mode::Data,
        phase: Phase::Primary,
        produces: &[],
        args: &["name", "registry_id", "most_recent_image_tags"],
        summary: "ECR repository lookup → the repository of the same name in the appliance's registry",
        map: repository_data,
    },
    RuleDef {
        ty: "aws_ecr_repository_policy",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &["repository", "policy"],
        summary: "ECR repository policy → dropped (DOCR access is governed by DigitalOcean tokens)",
        map: dropped_policy,
    },
    RuleDef {
        ty: "aws_ecr_replication_configuration",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &["replication_configuration"],
        summary: "ECR replication → dropped (the controller copies images into each appliance's registry)",
        map: dropped_policy,
    },
    kept("kubernetes_deployment"),
    kept("kubernetes_deployment_v1"),
    kept("kubernetes_stateful_set"),
    kept("kubernetes_stateful_set_v1"),
    kept("kubernetes_daemonset"),
    kept("kubernetes_daemon_set_v1"),
    kept("kubernetes_job"),
    kept("kubernetes_job_v1"),
    kept("kubernetes_cron_job"),
    kept("kubernetes_cron_job_v1"),
    kept("kubernetes_pod"),
    kept("kubernetes_pod_v1"),
    kept("kubernetes_replication_controller"),
    kept("kubernetes_replication_controller_v1"),
    kept("kubernetes_manifest"),
];

// ---- image references ---------------------------------------------------------------------

/// An image reference split into registry host, repository and tag/digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    /// `123456789012.dkr.ecr.us-east-1.amazonaws.com`, `ghcr.io`, or `docker.io` when none.
    pub host: String,
    pub repository: String,
    /// `:tag`, `@sha256:…`, or empty.
    pub reference: String,
}

impl ImageRef {
    pub fn pinned(&self) -> bool {
        self.reference.starts_with('@')
    }

    /// The repository inside the appliance's registry: the same path (DigitalOcean's registry
    /// takes nested paths), without Docker Hub's implicit `library/`.
    pub fn do_repository(&self) -> &str {
        match self.repository.strip_prefix("library/") {
            Some(rest) if self.host == "docker.io" => rest,
            _ => &self.repository,
        }
    }
}

/// Splits `host/repo:tag` (Docker rules: the first path component is a host when it has a
/// `.` or `:` or is `localhost`).
pub fn parse_image(s: &str) -> ImageRef {
    let s = s.trim();
    let (host, rest) = match s.split_once('/') {
        Some((h, r)) if h.contains('.') || h.contains(':') || h == "localhost" => {
            (h.to_string(), r)
        }
        _ => ("docker.io".to_string(), s),
    };
    let (repo, reference) = if let Some(i) = rest.find('@') {
        (&rest[..i], &rest[i..])
    } else {
        match rest.rfind(':') {
            Some(i) if !rest[i..].contains('/') => (&rest[..i], &rest[i..]),
            _ => (rest, ""),
        }
    };
    ImageRef {
        host,
        repository: repo.to_string(),
        reference: reference.to_string(),
    }
}

/// A private ECR registry host: `<12-digit account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]`.
pub fn is_ecr_host(host: &str) -> bool {
    let mut parts = host.split('.');
    let account = parts.next().unwrap_or_default();
    let rest: Vec<&str> = parts.collect();
    account.len() == 12
        && account.chars().all(|c| c.is_ascii_digit())
        && rest.len() >= 4
        && rest[0] == "dkr"
        && (rest[1] == "ecr" || rest[1] == "ecr-fips")
        && rest[3] == "amazonaws"
}

/// `registry.digitalocean.com/${var.registry_name}` as template text.
const DO_PREFIX: &str = "registry.digitalocean.com/${var.registry_name}";

/// The registry name the stack uses by default, when known at compile time.
pub fn default_registry_name(cx: &Cx<'_>) -> Option<String> {
    cx.options.registry_name.clone().or_else(|| {
        cx.options
            .instance_id
            .as_ref()
            .map(|id| format!("ferry-{}", k8s::dns_label(id, "appliance")))
    })
}

/// Declares the registry variables and the (conditionally created) registry; returns
/// `var.registry_name`. `r` is the origin resource that needs it (for the note's location).
pub fn ensure_registry(cx: &mut Cx<'_>, loc: Loc) -> Expression {
    const ADDR: &str = "digitalocean_container_registry.appliance";
    if cx.st.find(ADDR).is_some() {
        return hclx::path(&["var", "registry_name"]);
    }
    // Another module creates the appliance's registry (one per account, #260, #321): its name
    // is passed in from that module's output, which also orders the creates.
    if let Some(from) = cx.xmod.registry_from.clone() {
        let owner = &from.owner;
        // A module that calls the owner reads the output itself.
        if let Some(here) = from.here {
            let msg = format!(
                "container images move to the appliance's DigitalOcean Container Registry, which module `{owner}` creates (DigitalOcean allows one per account): this module reads its name from `{}`",
                hclx::inline(&here)
            );
            if !cx.st.diags.iter().any(|d| d.message == msg) {
                cx.diag(
                    Diagnostic::new(Code::ContainerRegistry, msg)
                        .at(loc)
                        .help("Ferry's controller copies the images listed in the report into it at deploy time"),
                );
            }
            return here;
        }
        if cx.st.variables.iter().any(|(n, _)| n == "registry_name") {
            return hclx::path(&["var", "registry_name"]);
        }
        let mut v = OutBody::new();
        v.set(
            "description",
            Expression::String(format!(
                "Name of the appliance's DigitalOcean Container Registry, created by module `{owner}` (one registry per account)."
            )),
        );
        v.set("type", hclx::path(&["string"]));
        let name = cx.variable("registry_name", v);
        cx.diag(
            Diagnostic::new(
                Code::ContainerRegistry,
                format!(
                    "container images move to the appliance's DigitalOcean Container Registry, which module `{owner}` creates (DigitalOcean allows one per account): its name is passed in from that module's `registry_name` output"
                ),
            )
            .at(loc)
            .help("Ferry's controller copies the images listed in the report into it at deploy time"),
        );
        return name;
    }
    let default = default_registry_name(cx);
    let mut v = OutBody::new();
    v.set(
        "description",
        Expression::String(
            "Name of the DigitalOcean Container Registry that holds the appliance's images. DigitalOcean allows one registry per account: use the account's existing registry, or let the stack create it (create_registry).".into(),
        ),
    );
    v.set("type", hclx::path(&["string"]));
    v.set_opt("default", default.clone().map(Expression::String));
    let name = cx.variable("registry_name", v);
    let creates = cx.options.registry_name.is_none();
    let mut v = OutBody::new();
    v.set(
        "description",
        Expression::String(
            "Create the container registry (false when the customer's account already has one: DigitalOcean allows one per account).".into(),
        ),
    );
    v.set("type", hclx::path(&["bool"]));
    v.set("default", Expression::Bool(creates));
    let create = cx.variable("create_registry", v);
    let repos = cx.origin_of_type("aws_ecr_repository").count();
    let tier = facts::registry_tier(repos.max(1));
    let mut body = OutBody::new();
    body.set("name", name.clone());
    body.set("subscription_tier_slug", Expression::String(tier.into()));
    cx.st.emitted.push(Emitted {
        mode: Mode::Managed,
        ty: "digitalocean_container_registry".into(),
        name: "appliance".into(),
        body,
        meta: Meta {
            count: format!("{} ? 1 : 0", hclx::inline(&create)).parse().ok(),
            ..Meta::default()
        },
        origin: None,
    });
    let which = match (&cx.options.registry_name, &default) {
        (Some(n), _) => format!(
            "the existing registry `{n}` (the `registry_name` option; set `create_registry = true` to create it)"
        ),
        (None, Some(n)) => format!(
            "a registry `{n}` the stack creates (`create_registry`); if the customer's account already has a registry, set `registry_name` to it and `create_registry = false`"
        ),
        (None, None) => "the registry named by `var.registry_name` (no default: pass the `registry_name` or `instance_id` option, or set the variable at deploy time)".into(),
    };
    cx.diag(
        Diagnostic::new(
            Code::ContainerRegistry,
            format!(
                "container images move to the appliance's DigitalOcean Container Registry: {which}; tier `{tier}`"
            ),
        )
        .at(loc)
        .help("DigitalOcean allows one container registry per account and its name is global; Ferry's controller copies the images listed in the report into it at deploy time"),
    );
    name
}

/// Ensures the read-only registry credentials and a `kubernetes.io/dockerconfigjson` Secret in
/// `namespace` (an expression); returns the Secret's name for `image_pull_secrets`.
pub fn pull_secret(cx: &mut Cx<'_>, namespace: Expression, loc: Loc) -> Expression {
    const CREDS: &str = "digitalocean_container_registry_docker_credentials.appliance";
    let registry = ensure_registry(cx, loc);
    if cx.st.find(CREDS).is_none() {
        let mut body = OutBody::new();
        body.set("registry_name", registry);
        cx.st.emitted.push(Emitted {
            mode: Mode::Managed,
            ty: "digitalocean_container_registry_docker_credentials".into(),
            name: "appliance".into(),
            body,
            meta: Meta {
                // Without the registry here, its name (passed in) orders the creates.
                depends_on: cx
                    .st
                    .find("digitalocean_container_registry.appliance")
                    .is_some()
                    .then(|| {
                        Expression::Array(vec![hclx::path(&[
                            "digitalocean_container_registry",
                            "appliance",
                        ])])
                    }),
                ..Meta::default()
            },
            origin: None,
        });
    }
    // One Secret per namespace: `registry` for the appliance namespace, `registry_2`, … else.
    let ns_key = namespace_key(cx, &namespace);
    let existing = cx.st.emitted.iter().find(|e| {
        e.ty == "kubernetes_secret_v1"
            && e.origin.is_none()
            && e.name.starts_with("registry")
            && e.body
                .blocks("metadata")
                .any(|m| m.get("namespace").map(|n| namespace_key(cx, n)) == Some(ns_key.clone()))
    });
    if let Some(e) = existing {
        return k8s::name_of(&e.address());
    }
    let mut name = "registry".to_string();
    let mut i = 2;
    while cx
        .st
        .find(&format!("kubernetes_secret_v1.{name}"))
        .is_some()
    {
        name = format!("registry_{i}");
        i += 1;
    }
    let data = k8s::map([(
        ".dockerconfigjson",
        format!("{CREDS}.docker_credentials")
            .parse()
            .unwrap_or(Expression::Null),
    )]);
    let body = k8s::secret(
        Expression::String("registry-credentials".into()),
        namespace,
        data,
        Some("kubernetes.io/dockerconfigjson"),
        None,
    );
    cx.st.emitted.push(Emitted {
        mode: Mode::Managed,
        ty: "kubernetes_secret_v1".into(),
        name: name.clone(),
        body,
        meta: Meta::default(),
        origin: None,
    });
    k8s::name_of(&format!("kubernetes_secret_v1.{name}"))
}

/// A namespace expression, canonical: its static value, the static `metadata.name` of the
/// `kubernetes_namespace` it reads, or its text.
fn namespace_key(cx: &Cx<'_>, e: &Expression) -> String {
    if let Some(v) = cx.eval.string(e) {
        return v;
    }
    if let Some(ns) = cx
        .resolve_ref(e)
        .filter(|r| r.ty.starts_with("kubernetes_namespace"))
        && let Some(n) = ns
            .body
            .blocks()
            .filter(|b| b.identifier() == "metadata")
            .find_map(|m| hclx::attr(&m.body, "name").and_then(|x| cx.eval.string(x)))
    {
        return n;
    }
    hclx::inline(e)
}

/// What became of one image reference.
#[derive(Debug, Clone, PartialEq)]
pub struct Rewritten {
    pub image: Expression,
    /// The image now comes from the appliance's registry (the pod needs the pull secret).
    pub moved: bool,
}

/// Rewrites an image expression used by `r` (at `loc`): every image moves to the appliance's
/// registry (artifact recorded; images from registries other than ECR get a note saying they
/// are copied at deploy); references Ferry cannot read are kept with a warning.
pub fn rewrite_image(cx: &mut Cx<'_>, r: &Resource, e: &Expression, loc: Loc) -> Rewritten {
    let keep = Rewritten {
        image: e.clone(),
        moved: false,
    };
    // `"${aws_ecr_repository.api.repository_url}:${var.tag}"`: the repository's export
    // rewrites the URL; the image moves.
    if let Some(repo) = ecr_repository_ref(cx, e) {
        ensure_registry(cx, loc.clone());
        let source = source_text(cx, e);
        let name = repository_name_text(cx, repo);
        let rest = source
            .split_once("repository_url}")
            .map(|(_, rest)| rest.to_string())
            .unwrap_or_default();
        cx.artifact(Artifact {
            kind: ArtifactKind::Image,
            pinned: source.contains("@sha256:"),
            destination: format!("{}/{name}{rest}", destination_prefix(cx)),
            source,
            used_by: r.address().to_string(),
        });
        return Rewritten {
            image: inline_repository_url(cx, e),
            moved: true,
        };
    }
    // A template whose leading part is static: rewrite the registry part, keep the rest.
    if let Expression::TemplateExpr(t) = e
        && let Ok(tpl) = Template::from_expr(t)
        && let Some(new) = rewrite_template_with_locals(cx, &tpl)
    {
        return match new {
            TemplateRewrite::Moved(image, img) => {
                ensure_registry(cx, loc.clone());
                if !is_ecr_host(&img.host) {
                    copied_note(cx, r, &img, loc);
                }
                record(cx, r, &img, source_text(cx, e));
                Rewritten { image, moved: true }
            }
        };
    }
    let Some(value) = cx.eval.string(e) else {
        cx.diag(
            Diagnostic::new(
                Code::ImageNotRewritten,
                format!(
                    "the image `{}` of `{}` is not known at compile time; Ferry cannot tell whether it is in ECR, so it was not moved to the appliance's registry",
                    hclx::inline(e),
                    r.address()
                ),
            )
            .at(loc)
            .resource(r.address())
            .help("build the image reference from an `aws_ecr_repository` of the stack, a literal, or variables with defaults, so Ferry can rewrite it"),
        );
        return keep;
    };
    let img = parse_image(&value);
    ensure_registry(cx, loc.clone());
    if !is_ecr_host(&img.host) {
        copied_note(cx, r, &img, loc);
    }
    record(cx, r, &img, value.clone());
    let explicit_host = value.trim().starts_with(&format!("{}/", img.host));
    let image = match e {
        Expression::String(_) => hclx::template(format!(
            "{DO_PREFIX}/{}",
            hclx::escape_template_literal(&format!("{}{}", img.do_repository(), img.reference))
        )),
        // `var.image` with a registry host in its default: keep it overridable, replace the
        // registry part.
        other if explicit_host => format!(
            "replace({}, \"{}/\", \"{DO_PREFIX}/\")",
            hclx::inline(other),
            img.host
        )
        .parse()
        .unwrap_or_else(|_| other.clone()),
        // `var.image` = `"nginx:1.27"` (Docker Hub shorthand): prefix the appliance registry.
        other => hclx::template(format!("{DO_PREFIX}/${{{}}}", hclx::inline(other))),
    };
    Rewritten { image, moved: true }
}

enum TemplateRewrite {
    Moved(Expression, ImageRef),
}

/// Stands for an interpolation of the registry part that is not known at compile time.
const UNKNOWN: char = '\u{0}';
/// What an unknown part of a registry host is taken as to test its shape: a 12-digit account
/// id (ECR hosts are `<account>.dkr.ecr.<region>.amazonaws.com`; the region part may be
/// anything).
const UNKNOWN_ACCOUNT: &str = "000000000000";

/// An image template whose registry is an ECR host — also when its account id or region are
/// known only when the stack is applied (`"${data.aws_caller_identity.current.account_id}.dkr.ecr.${var.region}.amazonaws.com/app:1.0"`)
/// — rewritten to the appliance's registry: the image expression and the image reference
/// (for the artifact). `None` for anything else.
pub fn rewrite_ecr_template(cx: &Cx<'_>, e: &Expression) -> Option<(Expression, ImageRef)> {
    let Expression::TemplateExpr(t) = e else {
        return None;
    };
    let tpl = Template::from_expr(t).ok()?;
    match rewrite_template_with_locals(cx, &tpl)? {
        TemplateRewrite::Moved(image, img) if is_ecr_host(&img.host) => Some((image, img)),
        TemplateRewrite::Moved(..) => None,
    }
}

/// [`rewrite_template`], and when that cannot tell the registry, again with the locals it
/// interpolates written in place: `"${local.registry}/app:1.0"` with `local.registry =
/// "${data.aws_caller_identity.current.account_id}.dkr.ecr.${var.region}.amazonaws.com"`.
fn rewrite_template_with_locals(cx: &Cx<'_>, tpl: &Template) -> Option<TemplateRewrite> {
    rewrite_template(cx, tpl).or_else(|| {
        let mut text = String::new();
        if !inline_locals(cx, tpl, &mut text, 0)? {
            return None;
        }
        let Expression::TemplateExpr(t) = hclx::template(text) else {
            return None;
        };
        rewrite_template(cx, &Template::from_expr(&t).ok()?)
    })
}

/// Writes the template as text into `out`, with each `${local.x}` whose value is not known at
/// compile time replaced by the local's own template expression: whether anything was
/// replaced; `None` on a directive (`%{if}`), which is not rewritten.
fn inline_locals(cx: &Cx<'_>, tpl: &Template, out: &mut String, depth: u8) -> Option<bool> {
    use hcl::expr::TraversalOperator as Op;
    let mut replaced = false;
    for el in tpl.elements() {
        match el {
            Element::Literal(l) => out.push_str(&hclx::escape_template_literal(l)),
            Element::Interpolation(ip) => {
                let local = match hclx::traversal_root(&ip.expr) {
                    Some(("local", [Op::GetAttr(n)])) if depth < 4 => cx
                        .module
                        .locals
                        .iter()
                        .find(|l| l.name == n.as_str())
                        .filter(|_| cx.eval.string(&ip.expr).is_none()),
                    _ => None,
                };
                let inner = local.and_then(|l| match &l.expr {
                    Expression::TemplateExpr(t) => Template::from_expr(t).ok(),
                    _ => None,
                });
                match inner {
                    Some(t) => {
                        inline_locals(cx, &t, out, depth + 1)?;
                        replaced = true;
                    }
                    None => out.push_str(&format!("${{{}}}", hclx::inline(&ip.expr))),
                }
            }
            Element::Directive(_) => return None,
        }
    }
    Some(replaced)
}

/// Rewrites a template whose first elements evaluate to `host/…`: the host part becomes the
/// appliance's registry, later elements are kept as written (`${var.tag}` stays a variable).
fn rewrite_template(cx: &Cx<'_>, tpl: &Template) -> Option<TemplateRewrite> {
    let els = tpl.elements();
    let mut prefix = String::new();
    // An interpolation of the registry part not known at compile time (the account id from
    // `data.aws_caller_identity`, the region): fine when the literal parts make it an ECR host.
    let mut unknown = false;
    for (i, el) in els.iter().enumerate() {
        match el {
            Element::Literal(l) => prefix.push_str(l),
            Element::Interpolation(ip) => match cx.eval.string(&ip.expr) {
                Some(v) => prefix.push_str(&v),
                None => {
                    prefix.push(UNKNOWN);
                    unknown = true;
                }
            },
            Element::Directive(_) => return None,
        }
        let Some(slash) = prefix.find('/') else {
            continue;
        };
        let mut host = prefix[..slash].to_string();
        if unknown {
            host = host.replace(UNKNOWN, UNKNOWN_ACCOUNT);
            if !is_ecr_host(&host) {
                return None;
            }
        }
        // The rest of the reference, for the artifact (static where possible).
        let full = std::iter::once(prefix[slash..].to_string())
            .chain(els[i + 1..].iter().map(|el| element_text(cx, el)))
            .collect::<String>();
        let img = parse_image(&format!("{host}{full}"));
        // The repository path after the host (Docker Hub's `library/` dropped).
        let path = &prefix[slash + 1..];
        let path = if host == "docker.io" {
            path.strip_prefix("library/").unwrap_or(path)
        } else {
            path
        };
        let mut text = format!("{DO_PREFIX}/{}", hclx::escape_template_literal(path));
        for el in &els[i + 1..] {
            match el {
                Element::Literal(l) => text.push_str(&hclx::escape_template_literal(l)),
                // A literal spliced in (`${"web"}`) is written as text.
                Element::Interpolation(ip) if literal(&ip.expr) => text.push_str(
                    &hclx::escape_template_literal(&cx.eval.string(&ip.expr).unwrap_or_default()),
                ),
                Element::Interpolation(ip) => {
                    text.push_str(&format!("${{{}}}", hclx::inline(&ip.expr)))
                }
                Element::Directive(_) => return None,
            }
        }
        return Some(TemplateRewrite::Moved(hclx::template(text), img));
    }
    None
}

/// A literal value (no variable, reference or function): `"web"`, `3000`.
fn literal(e: &Expression) -> bool {
    matches!(
        e,
        Expression::String(_) | Expression::Number(_) | Expression::Bool(_)
    )
}

fn element_text(cx: &Cx<'_>, el: &Element) -> String {
    match el {
        Element::Literal(l) => l.clone(),
        Element::Interpolation(ip) => cx
            .eval
            .string(&ip.expr)
            .unwrap_or_else(|| format!("${{{}}}", hclx::inline(&ip.expr))),
        Element::Directive(_) => String::new(),
    }
}

/// The text of an image expression for the report: its value when static, else the template
/// with the static parts filled in.
pub fn source_text(cx: &Cx<'_>, e: &Expression) -> String {
    if let Some(v) = cx.eval.string(e) {
        return v;
    }
    match e {
        Expression::TemplateExpr(t) => match Template::from_expr(t) {
            Ok(tpl) => tpl
                .elements()
                .iter()
                .map(|el| element_text(cx, el))
                .collect(),
            Err(_) => t.to_string(),
        },
        other => format!("${{{}}}", hclx::inline(other)),
    }
}

fn destination_prefix(cx: &Cx<'_>) -> String {
    format!(
        "{}/{}",
        facts::REGISTRY_HOST,
        default_registry_name(cx).unwrap_or_else(|| "${var.registry_name}".into())
    )
}

fn record(cx: &mut Cx<'_>, r: &Resource, img: &ImageRef, source: String) {
    let destination = format!(
        "{}/{}{}",
        destination_prefix(cx),
        img.do_repository(),
        img.reference
    );
    cx.artifact(Artifact {
        kind: ArtifactKind::Image,
        pinned: img.pinned() || source.contains("@sha256:"),
        source,
        destination,
        used_by: r.address().to_string(),
    });
}

fn copied_note(cx: &mut Cx<'_>, r: &Resource, img: &ImageRef, loc: Loc) {
    cx.diag(
        Diagnostic::new(
            Code::ImageCopied,
            format!(
                "`{}` runs `{}/{}{}` from `{}`: it is copied into the appliance's registry as `{}{}` at deploy, so the appliance never pulls from outside",
                r.address(),
                img.host,
                img.repository,
                img.reference,
                img.host,
                img.do_repository(),
                img.reference,
            ),
        )
        .at(loc)
        .resource(r.address())
        .help("the controller copies every image listed in the report's artifacts; if the source registry is private, give the controller pull credentials for it"),
    );
}

/// `"${aws_ecr_repository.api.repository_url}:${var.tag}"` →
/// `"registry.digitalocean.com/${var.registry_name}/api:${var.tag}"`: the repository URL
/// written into the template (the reference pass would splice a nested template).
fn inline_repository_url(cx: &Cx<'_>, e: &Expression) -> Expression {
    let Expression::TemplateExpr(t) = e else {
        return e.clone();
    };
    let Ok(tpl) = Template::from_expr(t) else {
        return e.clone();
    };
    let mut text = String::new();
    for el in tpl.elements() {
        match el {
            Element::Literal(l) => text.push_str(&hclx::escape_template_literal(l)),
            Element::Interpolation(ip) => {
                match ecr_repository_ref(cx, &ip.expr).filter(|_| repository_url_only(&ip.expr)) {
                    Some(repo) => {
                        let name = hclx::attr(&repo.body, "name")
                            .cloned()
                            .unwrap_or_else(|| Expression::String(repo.name.replace('_', "-")));
                        text.push_str(&format!("{DO_PREFIX}/{}", hclx::to_template_part(&name)));
                    }
                    None => text.push_str(&format!("${{{}}}", hclx::inline(&ip.expr))),
                }
            }
            Element::Directive(_) => return e.clone(),
        }
    }
    hclx::template(text)
}

/// Is the expression exactly `aws_ecr_repository.<name>.repository_url` (or the data form)?
fn repository_url_only(e: &Expression) -> bool {
    use hcl::expr::TraversalOperator as Op;
    matches!(
        hclx::traversal_root(e),
        Some(("aws_ecr_repository", [Op::GetAttr(_), Op::GetAttr(a)])) if a.as_str() == "repository_url"
    ) || matches!(
        hclx::traversal_root(e),
        Some(("data", [Op::GetAttr(t), Op::GetAttr(_), Op::GetAttr(a)]))
            if t.as_str() == "aws_ecr_repository" && a.as_str() == "repository_url"
    )
}

/// The `aws_ecr_repository` (managed or data) whose `repository_url` the expression uses.
fn ecr_repository_ref<'a>(cx: &Cx<'a>, e: &Expression) -> Option<&'a Resource> {
    let mut found = None;
    hclx::walk(e, &mut |x| {
        if found.is_some() {
            return;
        }
        let Some((root, ops)) = hclx::traversal_root(x) else {
            return;
        };
        use hcl::expr::TraversalOperator as Op;
        let (mode, name, rest) = match (root, ops) {
            ("aws_ecr_repository", [Op::GetAttr(n), rest @ ..]) => (Mode::Managed, n, rest),
            ("data", [Op::GetAttr(t), Op::GetAttr(n), rest @ ..])
                if t.as_str() == "aws_ecr_repository" =>
            {
                (Mode::Data, n, rest)
            }
            _ => return,
        };
        let url = rest
            .iter()
            .any(|o| matches!(o, Op::GetAttr(a) if a.as_str() == "repository_url"));
        if url {
            found = cx.resources.iter().find(|r| {
                r.mode == mode && r.ty == "aws_ecr_repository" && r.name == name.as_str()
            });
        }
    });
    found
}

fn repository_name_text(cx: &Cx<'_>, repo: &Resource) -> String {
    hclx::attr(&repo.body, "name")
        .map(|e| source_text(cx, e))
        .unwrap_or_else(|| repo.name.replace('_', "-"))
}

// ---- ECR resources ----------------------------------------------------------------------------

fn repository_exports(cx: &mut Cx<'_>, r: &Resource) {
    let name = cx
        .expr(r, "name")
        .unwrap_or_else(|| Expression::String(r.name.replace('_', "-")));
    let url = hclx::template(format!("{DO_PREFIX}/{}", hclx::to_template_part(&name)));
    cx.export(r, "repository_url", Export::Expr(url));
    cx.export(r, "name", Export::Expr(name));
    cx.export(
        r,
        "registry_id",
        Export::Expr(hclx::path(&["var", "registry_name"])),
    );
    cx.export(r, "id", Export::Expr(hclx::path(&["var", "registry_name"])));
    cx.export(
        r,
        "arn",
        Export::Unmapped(
            "DigitalOcean Container Registry repositories have no ARN; access is governed by DigitalOcean tokens".into(),
        ),
    );
}

fn repository(r: &Resource, cx: &mut Cx<'_>) {
    ensure_registry(cx, r.loc.clone());
    let mut lost = Vec::new();
    if cx.str(r, "image_tag_mutability").as_deref() == Some("IMMUTABLE") {
        lost.push("immutable tags (DOCR tags can be overwritten; deploy by digest to pin images)");
    }
    if hclx::blocks(&r.body, "image_scanning_configuration")
        .iter()
        .any(|b| hclx::attr(b, "scan_on_push").and_then(|e| cx.eval.bool(e)) == Some(true))
    {
        lost.push("scan on push (DOCR does not scan images; scan them in CI)");
    }
    if !lost.is_empty() {
        cx.diag(
            Diagnostic::new(
                Code::FeatureUnsupported,
                format!("`{}`: {} not carried over", r.address(), lost.join("; ")),
            )
            .at(r.loc.clone())
            .resource(r.address())
            .help("the controller copies images by digest when the report marks them pinned"),
        );
    }
    cx.absorb(
        r,
        "digitalocean_container_registry.appliance",
        "a repository of the appliance's container registry (DOCR creates repositories on the first push; the controller copies the images)",
    );
    repository_exports(cx, r);
}

fn repository_data(r: &Resource, cx: &mut Cx<'_>) {
    ensure_registry(cx, r.loc.clone());
    cx.absorb(
        r,
        "digitalocean_container_registry.appliance",
        "reads the repository of the same name in the appliance's container registry",
    );
    repository_exports(cx, r);
    cx.export(
        r,
        "most_recent_image_tags",
        Export::Unmapped(
            "the appliance's registry is filled at deploy time; pin tags in the stack".into(),
        ),
    );
}

fn dropped_policy(r: &Resource, cx: &mut Cx<'_>) {
    let note = if r.ty == "aws_ecr_replication_configuration" {
        "Ferry's controller copies the images into each appliance's registry; ECR replication has no DOCR equivalent"
    } else {
        "DOCR access is governed by DigitalOcean API tokens and the pods' pull secret; repository policies have no equivalent"
    };
    cx.drop(r, note);
}

// ---- kept Kubernetes workloads --------------------------------------------------------------

fn kept_workload(r: &Resource, cx: &mut Cx<'_>) {
    // A Karpenter object (`kubernetes_manifest` of a `NodePool`) is left out, not kept.
    if super::generic::karpenter(r, cx) {
        return;
    }
    let mut body = crate::pipeline::body_from_hcl(&r.body);
    let namespace = body
        .blocks("metadata")
        .next()
        .and_then(|m| m.get("namespace").cloned())
        .unwrap_or_else(|| Expression::String("default".into()));
    let mut moved = false;
    if r.ty == "kubernetes_manifest" {
        if let Some(mut m) = body.get("manifest").cloned() {
            let ns = manifest_namespace(&m).unwrap_or_else(|| namespace.clone());
            let mut pod_specs = 0usize;
            rewrite_manifest_images(cx, r, &mut m, &mut pod_specs, &mut moved);
            if moved {
                let secret = pull_secret(cx, ns, r.loc.clone());
                add_manifest_pull_secret(&mut m, &secret);
            }
            body.set("manifest", m);
        }
    } else {
        env_passwords(cx, r, &mut body, &namespace, None);
        let mut any = false;
        rewrite_pod_specs(cx, r, &mut body, &mut any);
        moved = any;
        if moved {
            let secret = pull_secret(cx, namespace, r.loc.clone());
            add_pull_secret_blocks(&mut body, &secret);
        }
    }
    cx.emit_as(r, r.mode, &r.ty, &r.name, body);
    // Settings only EKS reads (an IRSA annotation, node labels of EKS or Karpenter nodes in a
    // node selector), warned about as on any other kept Kubernetes object.
    super::generic::aws_kubernetes_settings(r, cx, &[]);
    if let Some(rec) = cx.st.outcomes.get_mut(r.address()) {
        rec.outcome = Outcome::Kept;
        if moved {
            rec.note = Some(
                "kept as written; its images now come from the appliance's registry, pulled with the `registry-credentials` secret".into(),
            );
        }
    }
}

/// In every `container` / `init_container` block under `body` (a kept workload in namespace
/// `ns`): an `env` whose `value` is a database's admin password (the cluster's, or a value the
/// origin also gave the database) reads it from the database's Secret in the workload's
/// namespace (`value_from.secret_key_ref`) instead of writing it into the spec, readable by
/// whoever may read the workload; a value that holds the password inside a template (a
/// connection URL) is kept as written, with a warning (known gap #307).
fn env_passwords(
    cx: &mut Cx<'_>,
    r: &Resource,
    body: &mut OutBody,
    ns: &Expression,
    container: Option<&str>,
) {
    for item in &mut body.items {
        let Item::Block(b) = item else { continue };
        if b.ident == "container" || b.ident == "init_container" {
            let name = b
                .body
                .get("name")
                .and_then(|n| cx.eval.string(n))
                .unwrap_or_else(|| b.ident.clone());
            env_passwords(cx, r, &mut b.body, ns, Some(&name));
            continue;
        }
        let Some(container) = container.filter(|_| b.ident == "env") else {
            env_passwords(cx, r, &mut b.body, ns, container);
            continue;
        };
        let Some(value) = b.body.get("value") else {
            continue;
        };
        let read = super::secrets::database_passwords(cx, value);
        let var = b
            .body
            .get("name")
            .map(|n| cx.eval.string(n).unwrap_or_else(|| hclx::inline(n)))
            .unwrap_or_default();
        if let Some(db) = super::secrets::admin_password_of(cx, &read) {
            let secret = super::secrets::master_user_secret_in(cx, db, ns.clone());
            b.body.remove("value");
            b.body
                .block("value_from")
                .block("secret_key_ref")
                .set("name", k8s::name_of(&secret))
                .set("key", Expression::String("password".into()));
            cx.diag(
                Diagnostic::new(
                    Code::ValueConverted,
                    format!(
                        "`{var}` of container `{container}` in `{}` is the admin password of `{}`: it reads the database's Kubernetes Secret `{}` (`secret_key_ref`) instead of being written into the spec",
                        r.address(),
                        db.address(),
                        secret
                    ),
                )
                .at(r.loc_of("spec"))
                .resource(r.address()),
            );
            continue;
        }
        let mut inside: Option<&Resource> = None;
        hclx::walk(&read, &mut |x| {
            if inside.is_none() {
                inside = super::secrets::admin_password_of(cx, x);
            }
        });
        if let Some(db) = inside {
            cx.diag(
                Diagnostic::new(
                    Code::FeatureUnsupported,
                    format!(
                        "`{var}` of container `{container}` in `{}` holds the admin password of `{}` inside its value: the password is written into the workload's spec in plain text, readable by whoever may read the workload",
                        r.address(),
                        db.address()
                    ),
                )
                .at(r.loc_of("spec"))
                .resource(r.address())
                .help(format!(
                    "read the password into its own variable first (`value_from {{ secret_key_ref {{ … }} }}` of a Secret holding `{}.password`), listed before `{var}`, and write `$(THAT_VARIABLE)` in the value: Kubernetes expands it",
                    db.address()
                )),
            );
        }
    }
}

/// Rewrites `image` in every `container` / `init_container` block under `body`.
fn rewrite_pod_specs(cx: &mut Cx<'_>, r: &Resource, body: &mut OutBody, moved: &mut bool) {
    for item in &mut body.items {
        let Item::Block(b) = item else { continue };
        if b.ident == "container" || b.ident == "init_container" {
            if let Some(img) = b.body.get("image").cloned() {
                let new = rewrite_image(cx, r, &img, r.loc_of("spec"));
                *moved |= new.moved;
                b.body.set("image", new.image);
            }
        } else {
            rewrite_pod_specs(cx, r, &mut b.body, moved);
        }
    }
}

/// Adds `image_pull_secrets { name = … }` to every pod spec (a body with `container` blocks).
fn add_pull_secret_blocks(body: &mut OutBody, secret: &Expression) {
    let is_pod = body.blocks("container").next().is_some();
    if is_pod {
        let already = body
            .blocks("image_pull_secrets")
            .any(|b| b.get("name") == Some(secret));
        if !already {
            body.block("image_pull_secrets").set("name", secret.clone());
        }
        return;
    }
    for item in &mut body.items {
        if let Item::Block(b) = item {
            add_pull_secret_blocks(&mut b.body, secret);
        }
    }
}

fn obj_get<'e>(e: &'e Expression, key: &str) -> Option<&'e Expression> {
    let Expression::Object(o) = e else {
        return None;
    };
    o.iter()
        .find(|(k, _)| hclx::object_key(k).as_deref() == Some(key))
        .map(|(_, v)| v)
}

fn manifest_namespace(m: &Expression) -> Option<Expression> {
    obj_get(obj_get(m, "metadata")?, "namespace").cloned()
}

/// Rewrites `image` of the objects in `containers` / `initContainers` arrays of a manifest.
fn rewrite_manifest_images(
    cx: &mut Cx<'_>,
    r: &Resource,
    e: &mut Expression,
    pod_specs: &mut usize,
    moved: &mut bool,
) {
    let Expression::Object(o) = e else {
        if let Expression::Array(items) = e {
            for i in items {
                rewrite_manifest_images(cx, r, i, pod_specs, moved);
            }
        }
        return;
    };
    for (k, v) in o.iter_mut() {
        let key = hclx::object_key(k).unwrap_or_default();
        if (key == "containers" || key == "initContainers")
            && let Expression::Array(items) = v
        {
            *pod_specs += 1;
            for c in items.iter_mut() {
                if let Expression::Object(co) = c {
                    for (ck, cv) in co.iter_mut() {
                        if hclx::object_key(ck).as_deref() == Some("image") {
                            let new = rewrite_image(cx, r, cv, r.loc_of("manifest"));
                            *moved |= new.moved;
                            *cv = new.image;
                        }
                    }
                }
            }
        } else {
            rewrite_manifest_images(cx, r, v, pod_specs, moved);
        }
    }
}

/// Adds `imagePullSecrets = [{ name = … }]` next to every `containers` list of a manifest.
fn add_manifest_pull_secret(e: &mut Expression, secret: &Expression) {
    match e {
        Expression::Object(o) => {
            let is_pod = o
                .iter()
                .any(|(k, _)| hclx::object_key(k).as_deref() == Some("containers"));
            if is_pod
                && !o
                    .iter()
                    .any(|(k, _)| hclx::object_key(k).as_deref() == Some("imagePullSecrets"))
            {
                o.insert(
                    ObjectKey::Identifier(hcl::Identifier::unchecked("imagePullSecrets")),
                    Expression::Array(vec![k8s::map([("name", secret.clone())])]),
                );
            }
            for (_, v) in o.iter_mut() {
                add_manifest_pull_secret(v, secret);
            }
        }
        Expression::Array(items) => {
            for i in items {
                add_manifest_pull_secret(i, secret);
            }
        }
        _ => {}
    }
}

// ---- Kubernetes YAML manifests -----------------------------------------------------------------

/// Rewrites the images of the Kubernetes YAML manifests among `paths` (data files of this
/// module, by origin path) and adds each rewritten manifest to the deployment stack at the
/// same place (so `file()` / `templatefile()` in the stack read the rewritten copy). Lines are
/// edited in place (`image: …` scalars), so comments and layout survive.
pub fn manifests(cx: &mut Cx<'_>, paths: &[String]) {
    for path in paths {
        let lower = path.to_ascii_lowercase();
        if !(lower.ends_with(".yaml") || lower.ends_with(".yml")) {
            continue;
        }
        let Some(text) = cx.module.data_files.get(path).cloned() else {
            continue;
        };
        if !(text.contains("apiVersion:") && text.contains("kind:")) {
            continue;
        }
        let rel = path
            .strip_prefix(&format!("{}/", cx.module.dir))
            .filter(|_| !cx.module.dir.is_empty())
            .unwrap_or(path)
            .to_string();
        let registry = default_registry_name(cx);
        let mut out = String::with_capacity(text.len());
        let mut changed = false;
        for (i, line) in text.split_inclusive('\n').enumerate() {
            let loc = Loc::new(path.as_str(), i as u32 + 1, 1);
            match image_line(line) {
                Some((start, end, value)) => {
                    let img = parse_image(&value);
                    if value.contains("${") || value.contains("{{") {
                        out.push_str(line);
                        continue;
                    }
                    let Some(reg) = &registry else {
                        cx.diag(
                            Diagnostic::new(
                                Code::ImageNotRewritten,
                                format!("`{path}` runs the image `{value}`; the manifest was not rewritten because the registry name is not known at compile time"),
                            )
                            .at(loc)
                            .help("compile with the `registry_name` (or `instance_id`) option so Ferry can write the appliance's registry into the manifest"),
                        );
                        out.push_str(line);
                        continue;
                    };
                    if !is_ecr_host(&img.host) {
                        manifest_note(cx, path, &img, loc);
                    }
                    let new = format!(
                        "{}/{reg}/{}{}",
                        facts::REGISTRY_HOST,
                        img.do_repository(),
                        img.reference
                    );
                    cx.artifact(Artifact {
                        kind: ArtifactKind::Image,
                        source: value.clone(),
                        destination: new.clone(),
                        pinned: img.pinned(),
                        used_by: path.clone(),
                    });
                    out.push_str(&line[..start]);
                    out.push_str(&new);
                    out.push_str(&line[end..]);
                    changed = true;
                }
                None => out.push_str(line),
            }
        }
        if changed {
            ensure_registry(cx, Loc::file(path.as_str()));
            cx.output_file(&rel, out);
            cx.diag(
                Diagnostic::new(
                    Code::ContainerRegistry,
                    format!("`{path}`: images rewritten to the appliance's registry; the rewritten manifest is part of the deployment stack (`{rel}`)"),
                )
                .at(Loc::file(path.as_str()))
                .help("pods of this manifest pull from a private registry: give them `imagePullSecrets: [{name: registry-credentials}]` in the appliance namespace, or enable `registry_integration` on the DOKS cluster"),
            );
        }
    }
}

fn manifest_note(cx: &mut Cx<'_>, path: &str, img: &ImageRef, loc: Loc) {
    cx.diag(
        Diagnostic::new(
            Code::ImageCopied,
            format!(
                "`{path}` runs `{}/{}{}`: it is copied into the appliance's registry as `{}{}` at deploy",
                img.host, img.repository, img.reference, img.do_repository(), img.reference
            ),
        )
        .at(loc)
        .help("the controller copies every image listed in the report's artifacts; if the source registry is private, give the controller pull credentials for it"),
    );
}

/// An `image: <scalar>` line of YAML: the byte range of the value (without quotes) and the
/// value. Block scalars, empty values and nested mappings are not images.
fn image_line(line: &str) -> Option<(usize, usize, String)> {
    let trimmed = line.trim_start();
    let mut offset = line.len() - trimmed.len();
    let mut rest = trimmed;
    if let Some(r) = rest.strip_prefix("- ") {
        let r2 = r.trim_start();
        offset += 2 + (r.len() - r2.len());
        rest = r2;
    }
    let after = rest.strip_prefix("image:")?;
    offset += "image:".len();
    let value_part = after.trim_start();
    offset += after.len() - value_part.len();
    let value_part = value_part.trim_end_matches(['\n', '\r']);
    if value_part.is_empty() || value_part.starts_with(['|', '>', '#', '{', '[', '&', '*']) {
        return None;
    }
    let (start, end, value) = match value_part.chars().next() {
        Some(q @ ('"' | '\'')) => {
            let inner = &value_part[1..];
            let close = inner.find(q)?;
            (offset + 1, offset + 1 + close, inner[..close].to_string())
        }
        _ => {
            let v = match value_part.find(" #") {
                Some(i) => &value_part[..i],
                None => value_part,
            }
            .trim_end();
            (offset, offset + v.len(), v.to_string())
        }
    };
    (!value.is_empty()).then_some((start, end, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_references_split() {
        let i = parse_image("123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/api:1.4.2");
        assert_eq!(i.host, "123456789012.dkr.ecr.us-east-1.amazonaws.com");
        assert_eq!(i.repository, "shop/api");
        assert_eq!(i.reference, ":1.4.2");
        assert!(is_ecr_host(&i.host));
        let i = parse_image("123456789012.dkr.ecr.eu-west-1.amazonaws.com/api@sha256:abc");
        assert!(i.pinned());
        assert_eq!(i.repository, "api");
        let i = parse_image("nginx:1.25");
        assert_eq!(i.host, "docker.io");
        assert!(!is_ecr_host(&i.host));
        let i = parse_image("localhost:5000/app");
        assert_eq!(i.host, "localhost:5000");
        assert_eq!(i.reference, "");
        assert!(!is_ecr_host("public.ecr.aws"));
        assert!(is_ecr_host(
            "123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com"
        ));
    }

    #[test]
    fn yaml_image_lines() {
        let l = "      - image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/api:1 # app\n";
        let (s, e, v) = image_line(l).expect("image");
        assert_eq!(v, "123456789012.dkr.ecr.us-east-1.amazonaws.com/api:1");
        assert_eq!(&l[s..e], v);
        let l = "    image: \"nginx:1.25\"\n";
        let (s, e, v) = image_line(l).expect("image");
        assert_eq!(v, "nginx:1.25");
        assert_eq!(&l[s..e], "nginx:1.25");
        assert_eq!(image_line("  image:\n"), None);
        assert_eq!(image_line("  imagePullPolicy: Always\n"), None);
        assert_eq!(image_line("  # image: x\n"), None);
    }
}
