//! Mapping rules: one unit per AWS resource type.
//!
//! A rule is a [`RuleDef`]: the AWS type it reads, the DigitalOcean types it may produce, the
//! origin arguments it understands (anything else is reported as not carried over), a one-line
//! summary, and a function that reads the origin resource through [`Cx`] and records an outcome:
//! it emits DigitalOcean resources, folds the resource into another one, drops it, or reports it
//! unsupported. Rules never print, read files or look at other rules; they talk to the rest of
//! the compiler only through `Cx`.
//!
//! Rules run in three phases. [`Phase::Foundation`] rules create what others point at (VPCs);
//! [`Phase::Primary`] rules create resources; [`Phase::Attach`] rules
//! (S3 sub-resources, listeners, attachments, …) run afterwards and modify what a primary rule
//! emitted, found through the origin reference (`bucket = aws_s3_bucket.assets.id`).
//!
//! References are not rewritten by rules. A rule copies origin expressions as they are and
//! declares [`Export`]s — how each attribute of the origin resource is expressed on what it
//! emitted — and the reference pass (`crate::refs`) rewrites every `aws_*.x.attr` afterwards.

use crate::Options;
use crate::diag::{Code, Diagnostic};
use crate::eval::Eval;
use crate::hclx;
use crate::origin::{Meta, Mode, Module, Resource};
use crate::out::{Emitted, OutBody};
use crate::report::Outcome;
use hcl::Expression;
use std::collections::BTreeMap;

pub mod acm;
pub mod cache;
pub mod catalog;
pub mod database;
pub mod dns;
pub mod ebs;
pub mod ec2;
pub mod ecr;
pub mod ecs;
pub mod eks;
pub mod generic;
pub mod k8s;
pub mod lambda;
pub mod lb;
pub mod network;
pub mod s3;
pub mod secrets;
pub mod security;

/// When a rule runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    /// Networks and other resources that primary rules point at (`vpc_uuid`).
    Foundation,
    /// Creates resources.
    Primary,
    /// Modifies what a primary rule created (sub-resources, attachments).
    Attach,
}

/// A self-describing mapping rule for one AWS resource or data source type.
#[derive(Debug)]
pub struct RuleDef {
    /// The AWS type, e.g. `aws_s3_bucket`.
    pub ty: &'static str,
    pub mode: Mode,
    pub phase: Phase,
    /// The DigitalOcean (or Kubernetes) types this rule may emit.
    pub produces: &'static [&'static str],
    /// Origin arguments and blocks the rule maps or deliberately ignores; every other argument
    /// is reported with [`Code::ArgumentDropped`]. `tags` and `tags_all` are always understood.
    pub args: &'static [&'static str],
    /// One line for `ferry rules` and the documentation.
    pub summary: &'static str,
    pub map: fn(&Resource, &mut Cx<'_>),
}

/// The rules of every rules file: one line per file (keeps merges of new files conflict-free).
const FILES: &[&[RuleDef]] = &[
    acm::RULES,
    cache::RULES,
    catalog::RULES,
    database::RULES,
    dns::RULES,
    ebs::RULES,
    ec2::RULES,
    ecr::RULES,
    ecs::RULES,
    eks::RULES,
    generic::RULES,
    lambda::RULES,
    lb::RULES,
    network::RULES,
    s3::RULES,
    secrets::RULES,
    security::RULES,
];

/// Every rule Ferry knows, in no particular order.
pub fn all() -> impl Iterator<Item = &'static RuleDef> {
    FILES.iter().flat_map(|f| f.iter())
}

/// Rules by (mode, type).
pub fn index() -> BTreeMap<(Mode, &'static str), &'static RuleDef> {
    all().map(|r| ((r.mode, r.ty), r)).collect()
}

/// How an attribute of an origin resource is expressed after mapping.
#[derive(Debug, Clone, PartialEq)]
pub enum Export {
    /// `attr` of the emitted resource `target` (its index follows the origin's when the target
    /// repeats with the same `count`/`for_each`).
    Attr { target: String, attr: String },
    /// A template over the target: `$T` stands for the (indexed) target address, e.g.
    /// `"${$T.host}:${$T.port}"`.
    Tmpl { target: String, tmpl: String },
    /// A fixed expression (a variable, a literal).
    Expr(Expression),
    /// No equivalent; the reason is reported where the attribute is referenced.
    Unmapped(String),
}

/// What one origin resource exports.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Exports {
    /// The emitted resource that stands for the origin one: default target for attributes that
    /// exist under the same name, and for `depends_on`.
    pub primary: Option<String>,
    pub attrs: BTreeMap<String, Export>,
}

/// The outcome recorded for one origin resource.
#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeRec {
    pub outcome: Outcome,
    pub targets: Vec<String>,
    pub note: Option<String>,
}

/// Everything the rules of one module produce.
#[derive(Debug, Default)]
pub struct State {
    pub emitted: Vec<Emitted>,
    pub outcomes: BTreeMap<String, OutcomeRec>,
    pub exports: BTreeMap<String, Exports>,
    pub diags: Vec<Diagnostic>,
    pub artifacts: Vec<crate::report::Artifact>,
    pub secrets: Vec<crate::report::SecretRef>,
    /// Variables rules declare for the deployment stack (registry name, secret values), in
    /// declaration order, written to `variables.tf` after Ferry's own.
    pub variables: Vec<(String, OutBody)>,
    /// Extra files of the deployment stack (rewritten Kubernetes manifests), by path relative to
    /// the module folder.
    pub files: BTreeMap<String, String>,
}

impl State {
    pub fn find(&self, addr: &str) -> Option<&Emitted> {
        self.emitted.iter().find(|e| e.address() == addr)
    }
    pub fn find_mut(&mut self, addr: &str) -> Option<&mut Emitted> {
        self.emitted.iter_mut().find(|e| e.address() == addr)
    }
}

/// What a rule sees: the origin module, the evaluator, the options, and the output so far.
#[derive(Debug)]
pub struct Cx<'a> {
    pub module: &'a Module,
    /// Resources of the module including those expanded from registry modules.
    pub resources: &'a [Resource],
    pub eval: &'a Eval,
    pub options: &'a Options,
    pub st: &'a mut State,
}

impl<'a> Cx<'a> {
    // ---- reading the origin ------------------------------------------------------------

    /// The origin expression of an argument.
    pub fn expr(&self, r: &Resource, key: &str) -> Option<Expression> {
        hclx::attr(&r.body, key).cloned()
    }

    /// The static string value of an argument; warns (F204) when it is set but not static.
    pub fn str(&mut self, r: &Resource, key: &str) -> Option<String> {
        let e = hclx::attr(&r.body, key)?;
        if matches!(e, Expression::Null) {
            return None;
        }
        let v = self.eval.string(e);
        if v.is_none() {
            self.not_static(r, key);
        }
        v
    }

    pub fn num(&mut self, r: &Resource, key: &str) -> Option<f64> {
        let e = hclx::attr(&r.body, key)?;
        if matches!(e, Expression::Null) {
            return None;
        }
        let v = self.eval.number(e);
        if v.is_none() {
            self.not_static(r, key);
        }
        v
    }

    pub fn bool(&mut self, r: &Resource, key: &str) -> Option<bool> {
        let e = hclx::attr(&r.body, key)?;
        if matches!(e, Expression::Null) {
            return None;
        }
        let v = self.eval.bool(e);
        if v.is_none() {
            self.not_static(r, key);
        }
        v
    }

    fn not_static(&mut self, r: &Resource, key: &str) {
        self.diag(
            Diagnostic::new(
                Code::NotStatic,
                format!("`{key}` of `{}` is not known at compile time; Ferry used its default for the mapping", r.address()),
            )
            .at(r.loc_of(key))
            .resource(r.address())
            .help(format!("give `{key}` a literal value or a variable default (or set it in terraform.tfvars) so Ferry can choose the DigitalOcean equivalent")),
        );
    }

    /// The origin resource an argument refers to (`bucket = aws_s3_bucket.b.id` → that bucket).
    pub fn referenced(&self, r: &Resource, key: &str) -> Option<&'a Resource> {
        let e = hclx::attr(&r.body, key)?;
        self.resolve_ref(e).or_else(|| {
            // `for_each = aws_s3_bucket.this` with `bucket = each.value.id`.
            let mut uses_each = false;
            hclx::walk(e, &mut |x| {
                uses_each |= matches!(hclx::traversal_root(x), Some(("each", _)))
            });
            if uses_each {
                r.meta.for_each.as_ref().and_then(|fe| self.resolve_ref(fe))
            } else {
                None
            }
        })
    }

    /// The origin resource an expression refers to, looking through `"${…}"`, lists of one
    /// element, and `[0]` / `[*]` indexes.
    pub fn resolve_ref(&self, e: &Expression) -> Option<&'a Resource> {
        let mut found = None;
        hclx::walk(e, &mut |x| {
            if found.is_some() {
                return;
            }
            if let Some((root, ops)) = hclx::traversal_root(x) {
                let (mode, ty, rest) = if root == "data" {
                    match ops {
                        [hcl::expr::TraversalOperator::GetAttr(t), rest @ ..] => {
                            (Mode::Data, t.as_str(), rest)
                        }
                        _ => return,
                    }
                } else {
                    (Mode::Managed, root, ops)
                };
                if let Some(hcl::expr::TraversalOperator::GetAttr(name)) = rest.first() {
                    found = self
                        .resources
                        .iter()
                        .find(|r| r.mode == mode && r.ty == ty && r.name == name.as_str());
                }
            }
        });
        found
    }

    /// Origin resources of a type.
    pub fn origin_of_type(&self, ty: &str) -> impl Iterator<Item = &'a Resource> + 'a {
        let ty = ty.to_string();
        self.resources
            .iter()
            .filter(move |r| r.mode == Mode::Managed && r.ty == ty)
    }

    /// Origin resources of type `ty` whose argument `key` refers to `target`.
    pub fn referencing(&self, ty: &str, key: &str, target: &Resource) -> Vec<&'a Resource> {
        self.origin_of_type(ty)
            .filter(|r| {
                let mut hit = false;
                if let Some(e) = hclx::attr(&r.body, key) {
                    hclx::walk(e, &mut |x| {
                        if let Some((root, [hcl::expr::TraversalOperator::GetAttr(n), ..])) =
                            hclx::traversal_root(x)
                        {
                            hit |= root == target.ty && n.as_str() == target.name;
                        }
                    });
                }
                hit
            })
            .collect()
    }

    // ---- building the output -------------------------------------------------------------

    /// Emits a resource that stands for `r` (same name and meta-arguments); records `mapped`.
    pub fn emit(&mut self, r: &Resource, ty: &str, body: OutBody) -> String {
        self.emit_as(r, Mode::Managed, ty, &r.name.clone(), body)
    }

    /// Emits a further resource for `r` under another name (e.g. a database inside a cluster).
    pub fn emit_as(
        &mut self,
        r: &Resource,
        mode: Mode,
        ty: &str,
        name: &str,
        body: OutBody,
    ) -> String {
        let mut name = sanitize_name(name);
        let taken = |st: &State, n: &str| {
            st.emitted
                .iter()
                .any(|e| e.mode == mode && e.ty == ty && e.name == n)
        };
        if taken(self.st, &name) {
            let base = format!("{name}_{}", r.ty.trim_start_matches("aws_"));
            name = base.clone();
            let mut i = 2;
            while taken(self.st, &name) {
                name = format!("{base}_{i}");
                i += 1;
            }
        }
        let emitted = Emitted {
            mode,
            ty: ty.to_string(),
            name,
            body,
            meta: Meta {
                lifecycle: r.meta.lifecycle.clone(),
                ..r.meta.clone()
            },
            origin: Some(r.address()),
        };
        let addr = emitted.address();
        self.st.emitted.push(emitted);
        let rec = self.st.outcomes.entry(r.address()).or_insert(OutcomeRec {
            outcome: Outcome::Mapped,
            targets: vec![],
            note: None,
        });
        rec.targets.push(addr.clone());
        let ex = self.st.exports.entry(r.address()).or_default();
        if ex.primary.is_none() {
            ex.primary = Some(addr.clone());
        }
        addr
    }

    /// Sets the note shown with `r`'s outcome in the report.
    pub fn note(&mut self, r: &Resource, note: impl Into<String>) {
        if let Some(rec) = self.st.outcomes.get_mut(&r.address()) {
            rec.note = Some(note.into());
        }
    }

    /// Records that `r` was folded into the emitted resource `into`.
    pub fn absorb(&mut self, r: &Resource, into: &str, note: impl Into<String>) {
        self.st.outcomes.insert(
            r.address(),
            OutcomeRec {
                outcome: Outcome::Absorbed,
                targets: vec![into.to_string()],
                note: Some(note.into()),
            },
        );
        let ex = self.st.exports.entry(r.address()).or_default();
        ex.primary.get_or_insert_with(|| into.to_string());
    }

    /// Records that `r` has no meaning on DigitalOcean.
    pub fn drop(&mut self, r: &Resource, note: impl Into<String>) {
        self.st.outcomes.insert(
            r.address(),
            OutcomeRec {
                outcome: Outcome::Dropped,
                targets: vec![],
                note: Some(note.into()),
            },
        );
    }

    /// Records that `r` cannot be mapped, with an error naming the alternative.
    pub fn unsupported(
        &mut self,
        r: &Resource,
        code: Code,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        let message = message.into();
        self.st.outcomes.insert(
            r.address(),
            OutcomeRec {
                outcome: Outcome::Unsupported,
                targets: vec![],
                note: Some(message.clone()),
            },
        );
        self.diag(
            Diagnostic::new(code, message)
                .at(r.loc.clone())
                .resource(r.address())
                .help(help),
        );
    }

    /// Declares how attribute `attr` of `r` is expressed after mapping.
    pub fn export(&mut self, r: &Resource, attr: &str, export: Export) {
        self.st
            .exports
            .entry(r.address())
            .or_default()
            .attrs
            .insert(attr.to_string(), export);
    }

    pub fn diag(&mut self, d: Diagnostic) {
        self.st.diags.push(d);
    }

    /// The emitted resource that stands for the origin resource `key` refers to.
    pub fn parent(&self, r: &Resource, key: &str) -> Option<String> {
        let origin = self.referenced(r, key)?;
        self.st
            .outcomes
            .get(&origin.address())
            .and_then(|o| o.targets.first().cloned())
    }

    pub fn emitted_mut(&mut self, addr: &str) -> Option<&mut Emitted> {
        self.st.find_mut(addr)
    }

    // ---- conventions ----------------------------------------------------------------------

    /// `var.region`.
    pub fn region(&self) -> Expression {
        hclx::path(&["var", "region"])
    }

    /// A name unique per appliance: the origin name when it already carries
    /// `var.instance_id`, otherwise the origin name (or `fallback`) with `-${var.instance_id}`.
    pub fn unique_name(
        &mut self,
        r: &Resource,
        origin: Option<Expression>,
        fallback: &str,
    ) -> Expression {
        match origin {
            Some(e) if self.mentions_instance_id(&e) => e,
            Some(e) => {
                self.diag(
                    Diagnostic::new(
                        Code::NameWithoutInstanceId,
                        format!(
                            "the name of `{}` must be unique per appliance; Ferry appended `-${{var.instance_id}}`",
                            r.address()
                        ),
                    )
                    .at(r.loc.clone())
                    .resource(r.address())
                    .help("include `${var.instance_id}` in the origin name to choose where it goes"),
                );
                hclx::template(format!(
                    "{}-${{var.instance_id}}",
                    hclx::to_template_part(&e)
                ))
            }
            None => hclx::template(format!(
                "{}-${{var.instance_id}}",
                hclx::escape_template_literal(&fallback.replace('_', "-"))
            )),
        }
    }

    /// Does the expression carry `var.instance_id`, directly or through locals?
    pub fn mentions_instance_id(&self, e: &Expression) -> bool {
        let mut seen = std::collections::BTreeSet::new();
        let mut stack = vec![e.clone()];
        while let Some(e) = stack.pop() {
            if hclx::mentions_var(&e, "instance_id") {
                return true;
            }
            hclx::walk(&e, &mut |x| {
                if let Some(("local", [hcl::expr::TraversalOperator::GetAttr(name), ..])) =
                    hclx::traversal_root(x)
                    && seen.insert(name.to_string())
                    && let Some(l) = self.module.locals.iter().find(|l| l.name == name.as_str())
                {
                    stack.push(l.expr.clone());
                }
            });
        }
        false
    }

    /// The tag list every taggable resource carries: `instance-id:${var.instance_id}`.
    pub fn tags(&self) -> Expression {
        Expression::Array(vec![hclx::template("instance-id:${var.instance_id}")])
    }

    /// The `digitalocean_vpc` of the module (the one `r` refers to through `vpc_id`, or the
    /// only one), as `digitalocean_vpc.x.id`.
    pub fn vpc_id(&self, r: &Resource) -> Option<Expression> {
        let via_ref = self
            .parent(r, "vpc_id")
            .filter(|a| a.starts_with("digitalocean_vpc."));
        let addr = via_ref.or_else(|| {
            self.st
                .emitted
                .iter()
                .find(|e| e.ty == "digitalocean_vpc" && e.mode == Mode::Managed)
                .map(|e| e.address())
        })?;
        let name = addr.trim_start_matches("digitalocean_vpc.");
        let repeated = self
            .st
            .find(&addr)
            .map(|e| e.meta.is_repeated())
            .unwrap_or(false);
        if repeated {
            Some(hclx::traversal(
                "digitalocean_vpc",
                vec![
                    hcl::expr::TraversalOperator::GetAttr(hcl::Identifier::unchecked(name)),
                    hcl::expr::TraversalOperator::Index(Expression::Number(0.into())),
                    hcl::expr::TraversalOperator::GetAttr(hcl::Identifier::unchecked("id")),
                ],
            ))
        } else {
            Some(hclx::path(&["digitalocean_vpc", name, "id"]))
        }
    }

    /// Records an artifact the controller must copy into the appliance.
    pub fn artifact(&mut self, artifact: crate::report::Artifact) {
        if !self.st.artifacts.contains(&artifact) {
            self.st.artifacts.push(artifact);
        }
    }

    /// Records a secret the appliance needs (names only, never values).
    pub fn secret(&mut self, secret: crate::report::SecretRef) {
        if !self.st.secrets.contains(&secret) {
            self.st.secrets.push(secret);
        }
    }

    /// The appliance's Kubernetes namespace, created on first use: workloads, their Services
    /// and Secrets live in it. Returns `kubernetes_namespace_v1.appliance.metadata[0].name`.
    /// The namespace is `appliance-${var.instance_id}` (with the module folder appended in a
    /// child module, so two modules never claim the same namespace).
    pub fn k8s_namespace(&mut self) -> Expression {
        const NS: &str = "kubernetes_namespace_v1.appliance";
        if self.st.find(NS).is_none() {
            let suffix: String = self
                .module
                .dir
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() {
                        c.to_ascii_lowercase()
                    } else {
                        '-'
                    }
                })
                .collect();
            let name = if suffix.trim_matches('-').is_empty() {
                "appliance-${var.instance_id}".to_string()
            } else {
                format!(
                    "appliance-${{var.instance_id}}-{}",
                    suffix.trim_matches('-')
                )
            };
            let mut body = OutBody::new();
            let md = body.block("metadata");
            md.set("name", hclx::template(name));
            md.set(
                "labels",
                Expression::Object(
                    [
                        ("app.kubernetes.io/managed-by", hclx::template("ferry")),
                        ("ferry.dev/instance-id", hclx::path(&["var", "instance_id"])),
                    ]
                    .into_iter()
                    .map(|(k, v)| {
                        (
                            hcl::expr::ObjectKey::Expression(Expression::String(k.into())),
                            v,
                        )
                    })
                    .collect(),
                ),
            );
            self.st.emitted.push(Emitted {
                mode: Mode::Managed,
                ty: "kubernetes_namespace_v1".into(),
                name: "appliance".into(),
                body,
                meta: Meta::default(),
                origin: None,
            });
        }
        hclx::traversal(
            "kubernetes_namespace_v1",
            vec![
                hcl::expr::TraversalOperator::GetAttr(hcl::Identifier::unchecked("appliance")),
                hcl::expr::TraversalOperator::GetAttr(hcl::Identifier::unchecked("metadata")),
                hcl::expr::TraversalOperator::Index(Expression::Number(0.into())),
                hcl::expr::TraversalOperator::GetAttr(hcl::Identifier::unchecked("name")),
            ],
        )
    }

    /// A data file of the origin (JSON, template, YAML) by a path relative to this module's
    /// folder (`./task.json`, `templates/app.json.tpl`, `../shared/x.json`); `None` when the
    /// input does not hold it. Read-only: the compiler never touches the file system.
    pub fn file(&self, path: &str) -> Option<&'a str> {
        let full = crate::origin::join_dir(&self.module.dir, path)?;
        self.module.data_files.get(&full).map(|s| s.as_str())
    }

    /// Declares a variable of the deployment stack (once; a variable the origin already declares
    /// is left as the origin wrote it) and returns `var.<name>`.
    pub fn variable(&mut self, name: &str, body: OutBody) -> Expression {
        let declared = self.module.variables.iter().any(|v| v.name == name)
            || self.st.variables.iter().any(|(n, _)| n == name);
        if !declared {
            self.st.variables.push((name.to_string(), body));
        }
        hclx::path(&["var", name])
    }

    /// Adds a file to the deployment stack (a rewritten manifest), by a path relative to this
    /// module's folder. Paths that climb out of the folder are refused.
    pub fn output_file(&mut self, path: &str, text: String) -> bool {
        if path.starts_with('/') || path.split('/').any(|seg| seg == ".." || seg.is_empty()) {
            return false;
        }
        self.st.files.insert(path.to_string(), text);
        true
    }
}

/// A Terraform name from arbitrary text.
pub fn sanitize_name(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !out.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        out.insert(0, '_');
    }
    out
}
