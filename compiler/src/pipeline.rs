//! The compile pipeline: parse → resolve → map → rewrite references → self-check → emit → lint →
//! report.

use crate::api::{Compilation, Options};
use crate::diag::{Code, Diagnostic};
use crate::eval::Eval;
use crate::origin::{self, Meta, Mode, Module, Named, Origin, Resource};
use crate::out::{Emitted, Item, OutBlock, OutBody};
use crate::refs::{ModuleExports, Rewriter};
use crate::report::{Outcome, RegionChoice, Report, ResourceReport};
use crate::rules::{self, Cx, OutcomeRec, Phase, State};
use crate::source::Loc;
use crate::{emit, facts, hclx, modules, schema, scopes};
use hcl::Expression;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

pub fn run(files: &BTreeMap<String, String>, options: &Options) -> Compilation {
    let _templates = hclx::TemplateCache::new();
    let mut diags = Vec::new();
    let origin = origin::parse(files, &mut diags);
    // A file that failed to parse is the problem to report, not the emptiness it causes.
    let unreadable = diags
        .iter()
        .any(|d| d.code == Code::HclSyntax.as_str() || d.code == Code::JsonSyntax.as_str());
    // The root module's evaluator (its `*.tfvars`, the instance id), built once: the region,
    // the module inputs, the lints and the root's rules all read the root with it.
    let root_eval = origin
        .modules
        .get("")
        .map(|m| Eval::new(m, &m.tfvars, options.instance_id.as_deref()));
    let region = choose_region(&origin, options, root_eval.as_ref(), &mut diags);
    if !unreadable
        && origin
            .modules
            .values()
            .all(|m| m.resources.is_empty() && m.module_calls.is_empty() && m.outputs.is_empty())
    {
        diags.push(
            Diagnostic::new(
                Code::NoConfiguration,
                "the origin stack has no resources, module calls or outputs",
            )
            .help("point Ferry at the folder that holds the origin's `*.tf` files"),
        );
    }

    empty_root(&origin, &mut diags);

    let mut out_files = BTreeMap::new();
    let mut artifacts = BTreeSet::new();
    let mut secrets = BTreeSet::new();
    let mut resources = Vec::new();
    let mut emitted_types = BTreeSet::new();
    let mut emitted_count = 0;
    let (inputs, instance_id_inputs, at_deploy) =
        module_inputs(&origin, options, root_eval.as_ref());
    let no_inputs = BTreeMap::new();
    let no_instance_id_inputs = BTreeSet::new();
    // What each module needs to know of the others (`crate::xmod`).
    let mut xfacts = crate::xmod::plan(&origin, &inputs);
    // The appliance's one container registry (#260, #321): the first module that emits it and
    // that the root reaches by single calls keeps it; the modules compiled after it create
    // none. Its name goes up its chain of calls as an output, to the modules that call it
    // (directly or not), which pass it down to their other calls and read it themselves.
    let chains = crate::xmod::plain_chains(&origin);
    let mut registry_owner: Option<String> = None;
    // Modules on the owner's chain that read its output (`module.<call>.registry_name`).
    let mut registry_readers: BTreeSet<String> = BTreeSet::new();
    // Outcomes of resources another module adopted: (report address, outcome).
    let mut adopted_recs: Vec<(String, OutcomeRec)> = Vec::new();
    // Module folders → their resources that are never created (for the lints).
    let mut never_created: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    // Module folders whose images name the appliance's registry (`var.registry_name`).
    let mut registry_dirs = BTreeSet::new();
    // Module folders whose DNS records need the domain of a zone outside the stack
    // (`var.dns_domain`, `rules::dns`): their callers pass it on.
    let mut dns_dirs = BTreeSet::new();
    // Module folders → the inputs set at deploy time that rules declared there (or that the
    // folder passes on from its own local modules): their callers pass them on.
    let mut deploy_inputs: DeployInputs = BTreeMap::new();
    // Module folders → their outputs whose value is sensitive for callers.
    let mut sensitive_outputs: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    // Child modules first: the root's provider configuration depends on what they emit.
    for (dir, module) in origin.modules.iter().rev() {
        // The call of this module toward the registry's owner, when it is on its chain.
        let toward = registry_owner
            .as_ref()
            .and_then(|o| chains.get(o))
            .and_then(|c| c.iter().find(|(d, _)| d == dir))
            .map(|(_, c)| c.clone());
        if let Some(owner) = &registry_owner {
            let reads = toward
                .as_ref()
                .map(|c| hclx::path(&["module", c.as_str(), "registry_name"]));
            let f = xfacts.entry(dir.clone()).or_default();
            f.registry_from = Some(crate::xmod::RegistryFrom {
                owner: owner.clone(),
                here: reads.clone(),
            });
            // Its other calls of modules that take the registry's name pass the owner's.
            if let (Some(toward), Some(reads)) = (&toward, reads) {
                for c in &module.module_calls {
                    if &c.name != toward
                        && call_dir(module, c).is_some_and(|d| registry_dirs.contains(&d))
                    {
                        f.call_args
                            .entry(c.name.clone())
                            .or_default()
                            .push(("registry_name".into(), reads.clone()));
                    }
                }
            }
        }
        let m = compile_module(
            &origin,
            dir,
            module,
            options,
            &region.target,
            &emitted_types,
            inputs.get(dir).unwrap_or(&no_inputs),
            instance_id_inputs
                .get(dir)
                .unwrap_or(&no_instance_id_inputs),
            at_deploy.get(dir).unwrap_or(&no_instance_id_inputs),
            &registry_dirs,
            &dns_dirs,
            &deploy_inputs,
            &sensitive_outputs,
            root_eval.as_ref(),
            xfacts.get(dir).unwrap_or(&crate::xmod::NONE),
        );
        let registry = m.emitted.iter().any(|e| {
            e.mode == Mode::Managed
                && e.ty == "digitalocean_container_registry"
                && e.name == "appliance"
        });
        // The modules its output goes up through must not have a `registry_name` output.
        let free = |d: &str| {
            origin
                .modules
                .get(d)
                .is_none_or(|m| m.outputs.iter().all(|o| o.name != "registry_name"))
        };
        if registry
            && registry_owner.is_none()
            && chains
                .get(dir)
                .is_some_and(|c| free(dir) && c.iter().skip(1).all(|(d, _)| free(d)))
        {
            registry_owner = Some(dir.clone());
        }
        if let Some(toward) = &toward
            && m.files
                .get("main.tf")
                .is_some_and(|t| t.contains(&format!("module.{toward}.registry_name")))
        {
            registry_readers.insert(dir.clone());
        }
        adopted_recs.extend(m.adopted);
        if !m.never_created.is_empty() {
            never_created.insert(dir.clone(), m.never_created);
        }
        if !m.sensitive_outputs.is_empty() {
            sensitive_outputs.insert(dir.clone(), m.sensitive_outputs.clone());
        }
        if !m.deploy_inputs.is_empty() {
            deploy_inputs.insert(dir.clone(), m.deploy_inputs.clone());
        }
        if m.files
            .get("variables.tf")
            .is_some_and(|t| t.contains("variable \"registry_name\""))
        {
            registry_dirs.insert(dir.clone());
        }
        if m.files
            .get("variables.tf")
            .is_some_and(|t| t.contains("variable \"dns_domain\""))
        {
            dns_dirs.insert(dir.clone());
        }
        diags.extend(m.diags);
        artifacts.extend(m.artifacts);
        secrets.extend(m.secrets);
        resources.extend(m.resources);
        for e in &m.emitted {
            let known = match e.mode {
                Mode::Managed => emitted_types.contains(&e.ty),
                Mode::Data => false,
            };
            if !known {
                emitted_types.insert(match e.mode {
                    Mode::Managed => e.ty.clone(),
                    Mode::Data => format!("data.{}", e.ty),
                });
            }
        }
        emitted_count += m.emitted.iter().filter(|e| e.mode == Mode::Managed).count();
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        for (name, text) in m.files {
            out_files.insert(format!("{prefix}{name}"), text);
        }
    }

    // The module that keeps the registry outputs its name for the others (#260), and so does
    // every module between it and the highest module that reads it (#321).
    if let Some(owner) = &registry_owner
        && let Some(chain) = chains.get(owner)
        && let Some(top) = chain.iter().position(|(d, _)| registry_readers.contains(d))
    {
        let mut outputs: Vec<(String, Expression)> = chain[top + 1..]
            .iter()
            .map(|(d, c)| {
                (
                    d.clone(),
                    hclx::path(&["module", c.as_str(), "registry_name"]),
                )
            })
            .collect();
        outputs.push((
            owner.clone(),
            hclx::parse_expr(
                "var.create_registry ? digitalocean_container_registry.appliance[0].name : var.registry_name",
            )
            .unwrap_or(Expression::Null),
        ));
        for (dir, value) in outputs {
            let mut body = OutBody::new();
            body.set("value", value);
            let block = OutBlock {
                ident: "output".into(),
                labels: vec!["registry_name".into()],
                body,
            };
            let text = out_files.entry(format!("{dir}/outputs.tf")).or_default();
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(&emit::file(&[block]));
        }
    }

    // Resources another module adopted are reported at their own address, with the outcome
    // recorded where they were mapped.
    // A load balancer split between modules (#264) has the targets of every share.
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for (addr, rec) in adopted_recs {
        if let Some(entry) = resources.iter_mut().find(|e| e.address == addr) {
            if !seen.insert(addr.clone()) {
                entry.targets.extend(rec.targets);
                if let (Some(n), Some(more)) = (entry.note.as_mut(), rec.note) {
                    n.push_str("; and ");
                    n.push_str(&more);
                }
                continue;
            }
            entry.outcome = rec.outcome;
            entry.targets = rec.targets;
            if rec.note.is_some() {
                entry.note = rec.note;
            }
        }
    }

    // Kubernetes resources Ferry wrote (secrets, workloads, functions) and the Kubernetes
    // objects, Helm releases and kubectl manifests it kept need a cluster to land on: the
    // stack's, or one the origin configures its provider for.
    let configured = |provider: &str| {
        origin
            .modules
            .values()
            .any(|m| m.providers.iter().any(|p| p.name == provider))
    };
    let has_cluster = emitted_types.contains("digitalocean_kubernetes_cluster")
        || emitted_types.contains("data.digitalocean_kubernetes_cluster");
    let kubernetes: Vec<&str> = emitted_types
        .iter()
        .map(String::as_str)
        .filter(|t| {
            ["kubernetes", "helm", "kubectl"]
                .iter()
                .any(|p| t.strip_prefix(p).is_some_and(|r| r.starts_with('_')) && !configured(p))
        })
        .collect();
    if !kubernetes.is_empty()
        && !has_cluster
        && !diags
            .iter()
            .any(|d| d.code == Code::NoClusterForWorkloads.as_str())
    {
        diags.push(
            Diagnostic::new(
                Code::NoClusterForWorkloads,
                format!(
                    "the stack emits Kubernetes resources (`{}`) but has no Kubernetes cluster and no provider configured for one: they have nowhere to go",
                    kubernetes.join("`, `")
                ),
            )
            .help("add a cluster to the origin (an `aws_eks_cluster`, which Ferry maps to DOKS, or a `digitalocean_kubernetes_cluster`), or configure the provider (`kubernetes`, `helm`, `kubectl`) for an existing cluster before applying"),
        );
    }

    // ---- lint -----------------------------------------------------------------------------------
    crate::undeclared::check(&origin, files, &mut diags);
    crate::lints::run(
        &origin,
        files,
        options,
        root_eval.as_ref(),
        &never_created,
        &mut diags,
    );

    diags.sort_by(|a, b| {
        (&a.location, &a.code, &a.message).cmp(&(&b.location, &b.code, &b.message))
    });
    diags.dedup();
    let mut report = Report {
        format_version: crate::report::FORMAT_VERSION,
        compiler_version: env!("CARGO_PKG_VERSION").to_string(),
        instance_id: options.instance_id.clone(),
        region,
        resources,
        diagnostics: diags,
        token_scopes: scopes::per_phase(&emitted_types),
        artifacts: artifacts.into_iter().collect(),
        secrets: secrets.into_iter().collect(),
        counts: Default::default(),
    };
    report.recount(emitted_count);
    Compilation {
        files: out_files,
        report,
    }
}

fn choose_region(
    origin: &Origin,
    options: &Options,
    root_eval: Option<&Eval>,
    diags: &mut Vec<Diagnostic>,
) -> RegionChoice {
    let root = origin.modules.get("");
    // Every `provider "aws"` of the root with its alias (`None` for the default one) and region.
    let providers: Vec<(Option<String>, String)> = root
        .zip(root_eval)
        .map(|(m, eval)| {
            m.providers
                .iter()
                .filter(|p| p.name == "aws")
                .filter_map(|p| {
                    let region = hclx::attr(&p.body, "region").and_then(|e| eval.string(e))?;
                    let alias = hclx::attr(&p.body, "alias").and_then(|e| eval.string(e));
                    Some((alias, region))
                })
                .collect()
        })
        .unwrap_or_default();
    // The default provider's region; without one, the first aliased provider's (a stack whose
    // every provider is aliased, modules bound with `providers = { aws = aws.x }`).
    let aws = providers
        .iter()
        .find(|(a, _)| a.is_none())
        .or_else(|| providers.first())
        .map(|(_, r)| r.clone());
    multi_region_warning(&providers, aws.as_deref(), options, diags);
    if let Some(r) = &options.region {
        if !facts::REGIONS.contains(&r.as_str()) {
            diags.push(
                Diagnostic::new(
                    Code::UnsupportedValue,
                    format!("`{r}` is not a DigitalOcean region"),
                )
                .help(format!("use one of: {}", facts::FULL_REGIONS.join(", "))),
            );
        } else {
            return RegionChoice {
                origin: aws,
                target: r.clone(),
                reason: "chosen with the `region` option".into(),
            };
        }
    }
    match aws.as_deref().map(|a| (a, facts::do_region(a))) {
        Some((a, Some(d))) => {
            if facts::region_is_lossy(a) {
                diags.push(
                    Diagnostic::new(
                        Code::NearestMatch,
                        format!(
                            "DigitalOcean has no datacenter near AWS region `{a}`; the appliance will run in `{d}`"
                        ),
                    )
                    .help("pass another region with `--region` if your customers are elsewhere"),
                );
            }
            RegionChoice {
                origin: aws.clone(),
                target: d.to_string(),
                reason: format!(
                    "nearest DigitalOcean region to `{a}` offering Spaces, Kubernetes and Managed Databases"
                ),
            }
        }
        Some((a, None)) => {
            diags.push(
                Diagnostic::new(
                    Code::NearestMatch,
                    format!(
                        "unknown AWS region `{a}`; using `{}`",
                        facts::DEFAULT_REGION
                    ),
                )
                .help("pass the region with `--region`"),
            );
            RegionChoice {
                origin: aws.clone(),
                target: facts::DEFAULT_REGION.into(),
                reason: "default region".into(),
            }
        }
        None => RegionChoice {
            origin: None,
            target: facts::DEFAULT_REGION.into(),
            reason: "the origin names no AWS region; default region".into(),
        },
    }
}

/// One warning when the origin's AWS providers name several regions: the appliance runs in one
/// DigitalOcean region, so what was spread over regions (a cross-region VPC peering, a standby
/// stack) lands in one. An alias in `us-east-1` beside a default provider elsewhere is the usual
/// home of CloudFront certificates and WAF rules (global services), not a second region, and is
/// not counted.
fn multi_region_warning(
    providers: &[(Option<String>, String)],
    chosen: Option<&str>,
    options: &Options,
    diags: &mut Vec<Diagnostic>,
) {
    let has_default = providers.iter().any(|(a, _)| a.is_none());
    let regional: Vec<&(Option<String>, String)> = providers
        .iter()
        .filter(|(a, r)| !(has_default && a.is_some() && r == "us-east-1"))
        .collect();
    let mut regions: Vec<&str> = regional.iter().map(|(_, r)| r.as_str()).collect();
    regions.sort_unstable();
    regions.dedup();
    if regions.len() < 2 {
        return;
    }
    let list = regional
        .iter()
        .map(|(a, r)| match a {
            Some(a) => format!("`{r}` (alias `{a}`)"),
            None => format!("`{r}`"),
        })
        .collect::<Vec<_>>()
        .join(", ");
    let target = match (&options.region, chosen.and_then(facts::do_region)) {
        (Some(r), _) => format!("`{r}`"),
        (None, Some(d)) => format!("`{d}`"),
        (None, None) => format!("`{}`", facts::DEFAULT_REGION),
    };
    diags.push(
        Diagnostic::new(
            Code::NearestMatch,
            format!(
                "the origin's AWS providers use several regions ({list}); an appliance runs in one DigitalOcean region, {target}: the resources of every provider are created there"
            ),
        )
        .help("to keep resources apart, deploy one appliance per region (one stack per region in the origin), or accept one region and drop what only the second region was for"),
    );
}

/// Module folder → variables without a default that the appliance is given at deploy time
/// (F311 inputs, secret values), declared by rules there or passed on from its local modules.
type DeployInputs = BTreeMap<String, Vec<(String, OutBody)>>;

/// The folder of the local module a call reads, when its `source` is a relative path.
fn call_dir(module: &Module, c: &Named) -> Option<String> {
    hclx::attr(&c.body, "source")
        .and_then(hclx::as_str)
        .and_then(|src| origin::join_dir(&module.dir, src))
}

struct ModuleOut {
    /// What callers of this module must pass on (see [`DeployInputs`]).
    deploy_inputs: Vec<(String, OutBody)>,
    files: BTreeMap<String, String>,
    resources: Vec<ResourceReport>,
    diags: Vec<Diagnostic>,
    emitted: Vec<Emitted>,
    artifacts: Vec<crate::report::Artifact>,
    secrets: Vec<crate::report::SecretRef>,
    /// Outputs whose value is sensitive for callers (`crate::sensitive`).
    sensitive_outputs: BTreeSet<String>,
    /// Outcomes of the resources this module adopted from others (`crate::xmod`), by their
    /// report address; targets carry this module's folder.
    adopted: Vec<(String, OutcomeRec)>,
    /// Addresses of the resources that are never created (`count` 0, `for_each` empty):
    /// the lints leave them alone.
    never_created: BTreeSet<String>,
}

/// A root module with nothing in it while folders below hold configuration (a multi-environment
/// layout: `environments/prod` calling `../../modules/db`): Ferry compiles the top folder as the
/// root, so the folders that no module calls are named as the likely roots, with what to do.
fn empty_root(origin: &Origin, diags: &mut Vec<Diagnostic>) {
    let has_config = |m: &origin::Module| {
        !(m.resources.is_empty() && m.module_calls.is_empty() && m.outputs.is_empty())
    };
    if origin.modules.get("").is_some_and(has_config) {
        return;
    }
    let mut called: BTreeSet<String> = BTreeSet::new();
    for (dir, m) in &origin.modules {
        for call in &m.module_calls {
            if let Some(Expression::String(source)) = hclx::attr(&call.body, "source")
                && let Some(target) = origin::join_dir(dir, source)
            {
                called.insert(target);
            }
        }
    }
    let entries: Vec<&str> = origin
        .modules
        .iter()
        .filter(|(dir, m)| !dir.is_empty() && has_config(m) && !called.contains(*dir))
        .map(|(dir, _)| dir.as_str())
        .collect();
    let Some(first) = entries.first() else {
        return;
    };
    let named: Vec<String> = entries.iter().take(5).map(|d| format!("`{d}`")).collect();
    diags.push(
        Diagnostic::new(
            Code::NoConfiguration,
            format!(
                "the top of the origin folder holds no configuration, so the deployment stack has no root module; no module calls {}{}: {} (one per environment?)",
                named.join(", "),
                if entries.len() > named.len() { ", …" } else { "" },
                if entries.len() == 1 { "it looks like the root module" } else { "they look like root modules" }
            ),
        )
        .help(format!(
            "Ferry compiles the folder it is given as the root module, with its local modules inside it: copy one environment's files (`{first}/*.tf`, `terraform.tfvars`) to the top of the folder and make its module sources relative to it (`../../modules/x` → `./modules/x`)"
        )),
    );
}

/// `providers = { aws = aws.frankfurt }` on a kept local module call: the deployment stack has
/// no `provider "aws"` (nor its aliases), so Terraform would reject the binding
/// (`Reference to undeclared provider`). The AWS entries are left out (the whole argument when
/// nothing else is bound), with a note; bindings of other providers stay.
fn drop_aws_provider_bindings(call: &mut Named, diags: &mut Vec<Diagnostic>) {
    fn is_aws(e: &Expression) -> bool {
        match e {
            Expression::Variable(v) => v.as_str() == "aws",
            Expression::Traversal(t) => {
                matches!(&t.expr, Expression::Variable(v) if v.as_str() == "aws")
            }
            Expression::Parenthesis(inner) => is_aws(inner),
            _ => false,
        }
    }
    let Some(Expression::Object(map)) = hclx::attr(&call.body, "providers") else {
        return;
    };
    let key_is_aws = |k: &hcl::expr::ObjectKey| match k {
        hcl::expr::ObjectKey::Identifier(i) => i.as_str() == "aws",
        hcl::expr::ObjectKey::Expression(e) => is_aws(e),
        _ => false,
    };
    let (aws, kept): (Vec<_>, Vec<_>) = map
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .partition(|(k, v)| key_is_aws(k) || is_aws(v));
    if aws.is_empty() {
        return;
    }
    let kept: hcl::Object<hcl::expr::ObjectKey, Expression> = kept.into_iter().collect();
    call.body = std::mem::take(&mut call.body)
        .into_iter()
        .filter_map(|s| match s {
            hcl::Structure::Attribute(a) if a.key.as_str() == "providers" => (!kept.is_empty())
                .then(|| {
                    hcl::Structure::Attribute(hcl::Attribute::new(
                        "providers",
                        Expression::Object(kept.clone()),
                    ))
                }),
            other => Some(other),
        })
        .collect();
    diags.push(
        Diagnostic::new(
            Code::ArgumentDropped,
            format!(
                "module `{}`: its `providers` binding of the AWS provider is left out; the deployment stack has no `provider \"aws\"`, and its resources use the appliance's DigitalOcean provider (one region)",
                call.name
            ),
        )
        .at(call.loc.clone())
        .resource(format!("module.{}", call.name))
        .help("nothing to do; to place resources in another DigitalOcean region, set their `region` in the deployment stack"),
    );
}

/// The values each module's variables receive: the root's from `*.tfvars`, a local module's
/// from the arguments of its callers, when they are known at compile time and every caller
/// agrees (a module called with different values keeps them unknown).
/// What callers give each local module folder: the values of its variables known at compile
/// time, and the variables every caller sets to an expression that carries
/// `var.instance_id` (a bucket name the caller already made unique; `Cx::mentions_instance_id`).
/// The third: per folder, the variables whose value the deployment chooses — every root
/// variable (the deployment stack declares it, and each appliance's deploy may set it), and
/// the variables of a local module that a caller sets from one of its own.
type Inputs = (
    BTreeMap<String, BTreeMap<String, Expression>>,
    BTreeMap<String, BTreeSet<String>>,
    BTreeMap<String, BTreeSet<String>>,
);

fn module_inputs(origin: &Origin, options: &Options, root_eval: Option<&Eval>) -> Inputs {
    let mut inputs: BTreeMap<String, BTreeMap<String, Expression>> = BTreeMap::new();
    let mut conflicting: BTreeSet<(String, String)> = BTreeSet::new();
    let mut carry: BTreeMap<(String, String), bool> = BTreeMap::new();
    let mut at_deploy: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let Some(root) = origin.modules.get("") else {
        return (inputs, BTreeMap::new(), at_deploy);
    };
    at_deploy.insert(
        String::new(),
        root.variables.iter().map(|v| v.name.clone()).collect(),
    );
    inputs.insert(String::new(), root.tfvars.clone());
    // Breadth-first from the root; each folder is expanded once (cycles end here).
    let mut queue = vec![String::new()];
    let mut visited = BTreeSet::new();
    while let Some(dir) = queue.pop() {
        if !visited.insert(dir.clone()) {
            continue;
        }
        let Some(module) = origin.modules.get(&dir) else {
            continue;
        };
        let own = inputs.get(&dir).cloned().unwrap_or_default();
        let built;
        let eval = match root_eval {
            // The root is visited first, with its `*.tfvars` as inputs.
            Some(e) if dir.is_empty() && own == module.tfvars => e,
            _ => {
                built = Eval::new(
                    module,
                    &own,
                    options.instance_id.as_deref().filter(|_| dir.is_empty()),
                );
                &built
            }
        };
        let mut own_carried: BTreeSet<String> = carry
            .range((dir.clone(), String::new())..)
            .take_while(|((d, _), _)| *d == dir)
            .filter(|(_, c)| **c)
            .map(|((_, k), _)| k.clone())
            .collect();
        own_carried.insert("instance_id".into());
        for call in &module.module_calls {
            let Some(source) = hclx::attr(&call.body, "source").and_then(|e| eval.string(e)) else {
                continue;
            };
            if !(source.starts_with("./") || source.starts_with("../")) {
                continue;
            }
            let Some(target) = origin::join_dir(&dir, &source) else {
                continue;
            };
            let mut carried: Vec<(String, bool)> = Vec::new();
            let entry = inputs.entry(target.clone()).or_default();
            for attr in call.body.attributes() {
                let key = attr.key().to_string();
                if matches!(
                    key.as_str(),
                    "source" | "version" | "count" | "for_each" | "providers" | "depends_on"
                ) {
                    continue;
                }
                carried.push((
                    key.clone(),
                    crate::lints::carries(attr.expr(), module, &own_carried),
                ));
                if let Some(own) = at_deploy.get(&dir)
                    && crate::lints::carries(attr.expr(), module, own)
                {
                    at_deploy
                        .entry(target.clone())
                        .or_default()
                        .insert(key.clone());
                }
                let Some(value) = eval
                    .value(attr.expr())
                    .map(|v| crate::eval::value_to_expr(&v))
                else {
                    conflicting.insert((target.clone(), key));
                    continue;
                };
                match entry.get(&key) {
                    Some(existing) if *existing != value => {
                        conflicting.insert((target.clone(), key));
                    }
                    _ => {
                        entry.insert(key, value);
                    }
                }
            }
            for (key, c) in carried {
                carry
                    .entry((target.clone(), key))
                    .and_modify(|all| *all &= c)
                    .or_insert(c);
            }
            queue.push(target);
        }
    }
    // A value not known at compile time (or callers that disagree) leaves the variable unknown
    // in the module, not at its default: `bucket = var.bucket` with a `null` default is not
    // "no bucket name" when the caller names it from something Ferry cannot evaluate.
    for (dir, key) in conflicting {
        if let Some(m) = inputs.get_mut(&dir) {
            m.insert(key, unknown_input());
        }
    }
    let mut carried: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for ((dir, key), all) in carry {
        if all {
            carried.entry(dir).or_default().insert(key);
        }
    }
    (inputs, carried, at_deploy)
}

/// The input of a variable a caller sets to a value not known at compile time: an expression
/// that never evaluates (the name cannot be declared in HCL), so the variable stays unknown.
fn unknown_input() -> Expression {
    Expression::Variable(hcl::expr::Variable::unchecked("ferry unknown input"))
}

/// Every argument expression (not its sub-expressions: callers walk those) of the emitted
/// resources, meta-arguments included, and of the named blocks (outputs, module calls,
/// providers), for the passes that ask what the stack still reads.
fn stack_reads(emitted: &[Emitted], named: &[&[Named]], f: &mut dyn FnMut(&Expression)) {
    fn body(b: &hcl::Body, f: &mut dyn FnMut(&Expression)) {
        for s in b.iter() {
            match s {
                hcl::Structure::Attribute(a) => f(&a.expr),
                hcl::Structure::Block(blk) => body(&blk.body, f),
            }
        }
    }
    for e in emitted {
        e.body.exprs(&mut |x| f(x));
        for x in [&e.meta.count, &e.meta.for_each, &e.meta.depends_on]
            .into_iter()
            .flatten()
        {
            f(x);
        }
        if let Some(l) = &e.meta.lifecycle {
            body(l, f);
        }
    }
    for n in named.iter().flat_map(|n| n.iter()) {
        body(&n.body, f);
    }
}

/// A generator whose value was a database's admin password and that nothing reads any more
/// (its readers now read the cluster's password) is left out: absorbed into the database, with
/// a note (known gap #33).
fn drop_unread_generators(
    generated: &[rules::secrets::GeneratedPassword],
    st: &mut State,
    emitted: &mut Vec<Emitted>,
    locals: &[origin::Local],
    named: &[&[Named]],
    by_addr: &rules::ByAddr<'_>,
    diags: &mut Vec<Diagnostic>,
) {
    if generated.is_empty() {
        return;
    }
    let mut read: BTreeSet<String> = BTreeSet::new();
    {
        use hcl::expr::TraversalOperator::GetAttr;
        let mut note = |x: &Expression| match hclx::traversal_root(x) {
            Some((root, [GetAttr(n), ..])) if root.starts_with("random_") => {
                read.insert(format!("{root}.{}", n.as_str()));
            }
            Some(("data", [GetAttr(t), GetAttr(n), ..])) => {
                read.insert(format!("data.{}.{}", t.as_str(), n.as_str()));
            }
            _ => {}
        };
        // The generator's own body does not count.
        for e in emitted.iter() {
            if generated
                .iter()
                .any(|g| e.origin.as_deref() == Some(g.source.as_str()))
            {
                continue;
            }
            stack_reads(std::slice::from_ref(e), &[], &mut |x| {
                hclx::walk(x, &mut note)
            });
        }
        stack_reads(&[], named, &mut |x| hclx::walk(x, &mut note));
        for l in locals {
            hclx::walk(&l.expr, &mut note);
        }
    }
    for g in generated {
        // Read as written, or as what it became (`random_password.x` for a Secrets Manager
        // random password).
        let became = emitted
            .iter()
            .find(|e| e.origin.as_deref() == Some(g.source.as_str()))
            .map(Emitted::address);
        if read.contains(&g.source) || became.is_some_and(|a| read.contains(&a)) {
            continue;
        }
        let before = emitted.len();
        emitted.retain(|e| e.origin.as_deref() != Some(g.source.as_str()));
        if emitted.len() == before {
            continue;
        }
        let target = st
            .exports
            .get(&g.database)
            .and_then(|x| x.primary.clone())
            .or_else(|| {
                st.outcomes
                    .get(&g.database)
                    .and_then(|r| r.targets.first().cloned())
            });
        let note = format!(
            "was the admin password of `{}`, which DigitalOcean generates: what read it reads the cluster's `password`",
            g.database
        );
        st.outcomes.insert(
            g.source.clone(),
            OutcomeRec {
                outcome: Outcome::Absorbed,
                targets: target.into_iter().collect(),
                note: Some(note.clone()),
            },
        );
        diags.push(
            Diagnostic::new(Code::Absorbed, format!("`{}` {note}; it is not carried over", g.source))
                .at_opt(by_addr.get(g.source.as_str()).map(|r| r.loc.clone()))
                .resource(g.source.clone())
                .help("remove the generator and the password argument from the origin; the application reads the password DigitalOcean generated"),
        );
    }
}

/// The path a file function reads, relative to the module's folder, when it is written out.
fn read_path(e: &Expression, is_root: bool) -> Option<String> {
    let text = match e {
        Expression::String(s) => s.clone(),
        Expression::TemplateExpr(t) => match &**t {
            hcl::expr::TemplateExpr::QuotedString(s) => s.clone(),
            hcl::expr::TemplateExpr::Heredoc(_) => return None,
        },
        _ => return None,
    };
    let rel = text
        .strip_prefix("${path.module}/")
        .or_else(|| text.strip_prefix("${path.root}/").filter(|_| is_root))
        // The deployment stack is applied from its root folder, which is the working
        // directory `path.cwd` names (sweep 13 #225).
        .or_else(|| text.strip_prefix("${path.cwd}/").filter(|_| is_root))
        .unwrap_or(&text);
    let rel = rel.strip_prefix("./").unwrap_or(rel);
    (!rel.is_empty()
        && !rel.starts_with('/')
        && !rel.contains("${")
        && !rel.contains("%{")
        && !rel.split('/').any(|seg| seg == ".." || seg.is_empty()))
    .then(|| rel.to_string())
}

/// The files the deployment stack reads by path (`file("values.yaml")`,
/// `templatefile("${path.module}/user-data.tpl", …)`): a data file of the origin (JSON,
/// template, YAML, script, configuration) is copied into the stack at the same place; any other
/// (an archive, a file the input does not carry) is listed in the report as a file artifact to
/// copy, since the plan fails on a path that does not exist.
#[allow(clippy::too_many_arguments)]
fn files_read(
    module: &Module,
    is_root: bool,
    emitted: &[Emitted],
    locals: &[origin::Local],
    named: &[&[Named]],
    by_addr: &rules::ByAddr<'_>,
    st: &mut State,
    diags: &mut Vec<Diagnostic>,
) {
    const FILE_FUNCTIONS: &[&str] = &[
        "file",
        "filebase64",
        "filebase64sha256",
        "filebase64sha512",
        "filemd5",
        "filesha1",
        "filesha256",
        "filesha512",
        "templatefile",
    ];
    let path_of = |e: &Expression| read_path(e, is_root);
    let mut wanted: BTreeMap<String, String> = BTreeMap::new();
    let mut note = |e: &Expression, used_by: &str| {
        hclx::walk(e, &mut |x| {
            if let Expression::FuncCall(c) = x
                && FILE_FUNCTIONS.contains(&c.name.name.as_str())
                && let Some(p) = c.args.first().and_then(&path_of)
            {
                wanted.entry(p).or_insert_with(|| used_by.to_string());
            }
        });
    };
    for e in emitted {
        let by = e.origin.clone().unwrap_or_else(|| e.address());
        e.body.exprs(&mut |x| note(x, &by));
    }
    for l in locals {
        note(&l.expr, &format!("local.{}", l.name));
    }
    for n in named.iter().flat_map(|n| n.iter()) {
        hclx::walk_body(&n.body, &mut |x| {
            if let Expression::FuncCall(c) = x
                && FILE_FUNCTIONS.contains(&c.name.name.as_str())
                && let Some(p) = c.args.first().and_then(&path_of)
            {
                wanted.entry(p).or_insert_with(|| n.name.clone());
            }
        });
    }
    for (rel, used_by) in wanted {
        // `file("~/.ssh/id_rsa.pub")`: a file of the deploying machine, not of the stack.
        if rel.starts_with("~/") {
            diags.push(
                Diagnostic::new(
                    Code::IgnoredFile,
                    format!(
                        "`{rel}` is read by `{used_by}` from the home folder of whoever runs `tofu`, not from the stack: every appliance's deploy needs that file on the machine that applies it"
                    ),
                )
                .at_opt(by_addr.get(used_by.as_str()).map(|r| r.loc.clone()))
                .resource(used_by.clone())
                .help("pass the file's content as a variable of the deployment stack (a public key: `var.ssh_public_key`), or keep the file next to the stack's .tf files and read it by a relative path"),
            );
            continue;
        }
        let Some(full) = origin::join_dir(&module.dir, &rel) else {
            continue;
        };
        match module.data_files.get(&full) {
            Some(text) => {
                st.files.entry(rel).or_insert_with(|| text.clone());
            }
            None => {
                diags.push(
                    Diagnostic::new(
                        Code::IgnoredFile,
                        format!(
                            "`{full}` is read by `{used_by}` but is not part of the input (Ferry carries JSON, template, YAML, script and configuration text files): it is listed as a file artifact, to be copied into the deployment stack at the same path"
                        ),
                    )
                    .at_opt(by_addr.get(used_by.as_str()).map(|r| r.loc.clone()))
                    .resource(used_by.clone())
                    .help("copy the file next to the deployment stack's .tf files before `tofu plan`, or inline it in the origin"),
                );
                st.artifacts.push(crate::report::Artifact {
                    kind: crate::report::ArtifactKind::File,
                    source: full.clone(),
                    destination: full,
                    pinned: false,
                    used_by,
                });
            }
        }
    }
}

/// A template file given a database cluster's host (`templatefile(path, { rds_db_endpoint = … })`,
/// or a kept `template_file` data source's `template = file(path)` with `vars`) that writes the
/// origin engine's default port (`DB_PORT=3306`) or a literal user name or password
/// (`DB_PASSWORD=…`) itself: Ferry does not rewrite a file's text, so the application would
/// connect on AWS's port with the origin's login. A warning names the file, the lines and what
/// the cluster has instead (#232).
fn template_db_literals(
    module: &Module,
    is_root: bool,
    emitted: &[Emitted],
    locals: &[origin::Local],
    named: &[&[Named]],
    diags: &mut Vec<Diagnostic>,
) {
    use hcl::expr::TraversalOperator as Op;
    const CLUSTER: &str = "digitalocean_database_cluster";
    // The clusters of the module: name → (engine slug, origin address).
    let clusters: BTreeMap<&str, (&str, Option<&str>)> = emitted
        .iter()
        .filter(|e| e.mode == Mode::Managed && e.ty == CLUSTER)
        .filter_map(|e| match e.body.get("engine") {
            Some(Expression::String(engine)) => {
                Some((e.name.as_str(), (engine.as_str(), e.origin.as_deref())))
            }
            _ => None,
        })
        .collect();
    if clusters.is_empty() {
        return;
    }
    // The cluster whose host `x` reads.
    let host_of = |x: &Expression| -> Option<&str> {
        let (CLUSTER, [Op::GetAttr(n), Op::GetAttr(a), ..]) = hclx::traversal_root(x)? else {
            return None;
        };
        let (name, _) = clusters.get_key_value(n.as_str())?;
        matches!(a.as_str(), "host" | "private_host").then_some(*name)
    };
    // (path, the variables given, who renders it)
    let mut found: Vec<(String, Expression, String)> = Vec::new();
    // Kept `template_file` data sources.
    let mut kept: Vec<(String, Expression, String)> = Vec::new();
    let mut look = |x: &Expression, by: &str| {
        hclx::walk(x, &mut |c| {
            if let Expression::FuncCall(c) = c
                && c.name.name.as_str() == "templatefile"
                && let [path, vars, ..] = c.args.as_slice()
                && let Some(p) = read_path(path, is_root)
            {
                found.push((p, vars.clone(), by.to_string()));
            }
        });
    };
    for e in emitted {
        let by = e.origin.clone().unwrap_or_else(|| e.address());
        e.body.exprs(&mut |x| look(x, &by));
        if e.mode == Mode::Data
            && e.ty == "template_file"
            && let (Some(Expression::FuncCall(f)), Some(vars)) =
                (e.body.get("template"), e.body.get("vars"))
            && f.name.name.as_str() == "file"
            && let Some(p) = f.args.first().and_then(|a| read_path(a, is_root))
        {
            kept.push((p, vars.clone(), by.clone()));
        }
    }
    for l in locals {
        look(&l.expr, &format!("local.{}", l.name));
    }
    for n in named.iter().flat_map(|n| n.iter()) {
        hclx::walk_body(&n.body, &mut |x| look(x, &n.name));
    }
    found.extend(kept);
    let mut warned: BTreeSet<String> = BTreeSet::new();
    for (rel, vars, by) in found {
        // The cluster whose host the template gets (one), and the variable it is given as.
        let mut hosts: Vec<(&str, String)> = Vec::new();
        if let Expression::Object(o) = &vars {
            for (k, v) in o.iter() {
                let mut hit = None;
                hclx::walk(v, &mut |x| hit = hit.or_else(|| host_of(x)));
                if let (Some(c), Some(k)) = (hit, hclx::object_key(k)) {
                    hosts.push((c, k));
                }
            }
        }
        let [(cluster, host_var)] = hosts.as_slice() else {
            continue;
        };
        let Some(full) = origin::join_dir(&module.dir, &rel) else {
            continue;
        };
        if !warned.insert(full.clone()) {
            continue;
        }
        let Some(text) = module.data_files.get(&full) else {
            continue;
        };
        let Some((engine, db_origin)) = clusters.get(cluster) else {
            continue;
        };
        let (label, port, do_port, admin) = match *engine {
            "mysql" => ("MySQL", "3306", "25060", "doadmin"),
            "pg" => ("PostgreSQL", "5432", "25060", "doadmin"),
            "valkey" => ("Redis", "6379", "25061", "default"),
            // MongoDB listens on 27017 on both clouds.
            "mongodb" => ("MongoDB", "", "27017", "doadmin"),
            _ => continue,
        };
        let mut port_lines = Vec::new();
        let mut logins = Vec::new();
        for (i, line) in text.lines().enumerate() {
            if !port.is_empty() && has_number(line, port) {
                port_lines.push(i + 1);
            }
            for key in literal_logins(line) {
                logins.push((i + 1, key));
            }
        }
        if port_lines.is_empty() && logins.is_empty() {
            continue;
        }
        let lines = |ls: &[usize]| {
            ls.iter()
                .map(|l| l.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut what = Vec::new();
        if !port_lines.is_empty() {
            what.push(format!(
                "the origin's {label} port `{port}` (line {})",
                lines(&port_lines)
            ));
        }
        if !logins.is_empty() {
            what.push(format!(
                "a literal login ({})",
                logins
                    .iter()
                    .map(|(l, k)| format!("`{k}` on line {l}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        let first = port_lines
            .iter()
            .chain(logins.iter().map(|(l, _)| l))
            .min()
            .copied()
            .unwrap_or(1);
        let db = db_origin.unwrap_or(cluster);
        // A user the origin's login became (`digitalocean_database_user`): its password.
        let users: Vec<&Emitted> = emitted
            .iter()
            .filter(|e| e.mode == Mode::Managed && e.ty == "digitalocean_database_user")
            .filter(|e| {
                e.body.get("cluster_id").is_some_and(|x| {
                    matches!(hclx::traversal_root(x), Some((CLUSTER, [Op::GetAttr(n), ..])) if n.as_str() == *cluster)
                })
            })
            .collect();
        let user_help = match users.as_slice() {
            [u] => format!(
                "; for the user the origin created, `{}.{}.name` and `.password`",
                u.ty, u.name
            ),
            _ => String::new(),
        };
        diags.push(
            Diagnostic::new(
                Code::FeatureUnsupported,
                format!(
                    "`{full}`, rendered by `{by}` with the host of `{db}` (`{host_var}`), writes {}: Ferry does not rewrite template files, and `{CLUSTER}.{cluster}` listens on its own `port` ({do_port} on DigitalOcean) and logs in as `{admin}` (or a `digitalocean_database_user`) with a password DigitalOcean generates",
                    what.join(" and ")
                ),
            )
            .at(Loc::new(full.clone(), first as u32, 1))
            .resource(by.clone())
            .help(format!(
                "pass them to the template and write them there: `db_port = {CLUSTER}.{cluster}.port`, `db_user = {CLUSTER}.{cluster}.user`, `db_password = {CLUSTER}.{cluster}.password` (`${{db_port}}` … in the file){user_help}"
            )),
        );
    }
}

/// Whether `line` holds the number `n` on its own (not inside a longer number).
fn has_number(line: &str, n: &str) -> bool {
    line.match_indices(n).any(|(i, _)| {
        let before = line[..i].chars().next_back();
        let after = line[i + n.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_digit()) && !after.is_some_and(|c| c.is_ascii_digit())
    })
}

/// The settings of `line` that give a user name or password as a literal (`DB_PASSWORD=secret`,
/// `"db_user": "admin"`, `user = app`): their names. A value that is a template or shell
/// variable (`${…}`, `$DB_PASSWORD`, `%{…}`) is not a literal.
fn literal_logins(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let bytes = line.as_bytes();
    let is_key = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'-' || c == b'.';
    let mut i = 0;
    while i < bytes.len() {
        if !is_key(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && is_key(bytes[i]) {
            i += 1;
        }
        let key = &line[start..i];
        let mut j = i;
        while j < bytes.len() && matches!(bytes[j], b'"' | b'\'' | b' ' | b'\t') {
            j += 1;
        }
        if j >= bytes.len() || !matches!(bytes[j], b'=' | b':') {
            continue;
        }
        j += 1;
        while j < bytes.len() && matches!(bytes[j], b'"' | b'\'' | b' ' | b'\t') {
            j += 1;
        }
        let value_start = j;
        while j < bytes.len() && !matches!(bytes[j], b'"' | b'\'' | b' ' | b'\t' | b';') {
            j += 1;
        }
        let value = &line[value_start..j];
        let upper = key.to_ascii_uppercase();
        let login = upper.contains("PASSWORD")
            || upper.ends_with("_PASS")
            || upper.ends_with("PWD")
            || upper.ends_with("USERNAME")
            || upper.ends_with("_USER")
            || upper == "USER";
        let literal = !value.is_empty()
            && !value.starts_with(['$', '%', '<', '{', '(', '`'])
            && !value.contains("${");
        if login && literal {
            out.push(key.to_string());
        }
        i = j.max(i);
    }
    out
}

/// Leaves out the kept data sources (`tls_certificate`, `template_file`, …) that were fed by
/// AWS objects in the origin and that nothing in the deployment stack reads any more: their
/// readers were AWS resources that were dropped or are unsupported (an IAM OIDC provider, a
/// Step Functions state machine), and their own arguments lost the AWS values (`url = null`),
/// which fails the plan. They are reported as dropped, with a note.
fn drop_orphaned_kept_data(
    emitted: &mut Vec<Emitted>,
    locals: &[origin::Local],
    named: &[&[Named]],
    by_addr: &rules::ByAddr<'_>,
    outcomes: &mut rules::AddrMap<OutcomeRec>,
    diags: &mut Vec<Diagnostic>,
) {
    use hcl::expr::TraversalOperator as Op;
    let reads_aws = |r: &Resource| {
        let mut hit = false;
        hclx::walk_body(&r.body, &mut |x| {
            hit |= match hclx::traversal_root(x) {
                Some(("data", [Op::GetAttr(t), ..])) => t.starts_with("aws_"),
                Some((root, [Op::GetAttr(_), ..])) => root.starts_with("aws_"),
                _ => false,
            };
        });
        hit
    };
    let data_read = |e: &Expression, out: &mut BTreeSet<String>| {
        hclx::walk(e, &mut |x| {
            if let Some(("data", [Op::GetAttr(t), Op::GetAttr(n), ..])) = hclx::traversal_root(x) {
                out.insert(format!("data.{t}.{n}"));
            }
        });
    };
    let candidate = |e: &Emitted, outcomes: &rules::AddrMap<OutcomeRec>| -> Option<String> {
        let origin = e.origin.as_deref()?;
        let r = by_addr.get(origin)?;
        (e.mode == Mode::Data
            && origin == e.address()
            && outcomes.get(origin).map(|o| o.outcome) == Some(Outcome::Kept)
            && reads_aws(r))
        .then(|| origin.to_string())
    };
    // Most stacks keep no data source that read AWS objects: nothing to look for then.
    if !emitted.iter().any(|e| candidate(e, outcomes).is_some()) {
        return;
    }
    loop {
        let mut read = BTreeSet::new();
        stack_reads(emitted, named, &mut |x| data_read(x, &mut read));
        for l in locals {
            data_read(&l.expr, &mut read);
        }
        let orphans: BTreeSet<String> = emitted
            .iter()
            .filter_map(|e| candidate(e, outcomes))
            .filter(|a| !read.contains(a))
            .collect();
        if orphans.is_empty() {
            return;
        }
        emitted.retain(|e| !orphans.contains(&e.address()));
        for addr in orphans {
            let note = format!(
                "`{addr}` read AWS objects for resources that are not part of the deployment stack; nothing reads it any more, so it is left out"
            );
            if let Some(rec) = outcomes.get_mut(&addr) {
                rec.outcome = Outcome::Dropped;
                rec.targets.clear();
                rec.note = Some(note.clone());
            }
            let r = by_addr.get(addr.as_str());
            diags.push(
                Diagnostic::new(Code::Dropped, note)
                    .at_opt(r.map(|r| r.loc.clone()))
                    .resource(addr.clone())
                    .help("remove it from the origin if no other deployment needs it"),
            );
        }
    }
}

/// The inputs standing for another layer's outputs (`rules::remote_state`): those nothing in
/// the deployment stack reads any more (what read them was not carried over: subnets, security
/// groups) are left out, since each would be one more value the operator must set for nothing;
/// the rest are reported (F311), and the data source's outcome says which.
fn remote_state_inputs(
    st: &mut rules::State,
    emitted: &[Emitted],
    locals: &[origin::Local],
    named: &[&[Named]],
    diags: &mut Vec<Diagnostic>,
) {
    if st.remote_states.is_empty() {
        return;
    }
    let read = vars_read(emitted, locals, named);
    for rs in std::mem::take(&mut st.remote_states) {
        let (kept, unread): (Vec<String>, Vec<String>) =
            rs.vars.into_iter().partition(|v| read.contains(v));
        st.variables.retain(|(n, _)| !unread.contains(n));
        let list = |vs: &[String]| {
            vs.iter()
                .map(|n| format!("`var.{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let note = if kept.is_empty() {
            format!(
                "reads the outputs of another layer ({}), which the appliance does not have; nothing in the deployment stack reads them, so it is left out",
                rs.state
            )
        } else {
            format!(
                "reads the outputs of another layer ({}), which the appliance does not have: what the stack reads of it comes from inputs: {}",
                rs.state,
                list(&kept)
            )
        };
        if let Some(rec) = st.outcomes.get_mut(&rs.address) {
            rec.note = Some(note.clone());
            if kept.is_empty() {
                rec.outcome = Outcome::Dropped;
            }
        }
        let diag = if kept.is_empty() {
            Diagnostic::new(Code::Dropped, format!("`{}` {note}", rs.address))
                .help("remove it from the origin if no other deployment needs it")
        } else {
            Diagnostic::new(
                Code::ExistingObjectInput,
                format!(
                    "`{}` reads the outputs of another layer ({}), which the deployment stack cannot read: {} must be set when the appliance is deployed",
                    rs.address,
                    rs.state,
                    list(&kept)
                ),
            )
            .help("compile that layer with Ferry too (its outputs keep their names) and deploy it first, then pass its outputs to these inputs (`tofu output -json` in its deployment stack)")
        };
        diags.push(diag.at(rs.loc).resource(rs.address));
    }
}

/// Takes out (and returns) the locals nothing emitted reads any more, directly or through other
/// locals: those that only AWS resources read (`tags`, availability zones, a map of ECS
/// services now expanded one Deployment each). Terraform evaluates every local, read or not,
/// so one left behind could only fail the plan (a `null` where an unmapped reference was, in a
/// string template) or draw linters' unused-declaration warnings.
fn prune_dead_locals(
    locals: &mut Vec<origin::Local>,
    emitted: &[Emitted],
    named: &[&[Named]],
) -> Vec<origin::Local> {
    use hcl::expr::TraversalOperator as Op;
    let refs = |e: &Expression, out: &mut BTreeSet<String>| {
        hclx::walk(e, &mut |x| {
            if let Some(("local", [Op::GetAttr(n), ..])) = hclx::traversal_root(x) {
                out.insert(n.to_string());
            }
        });
    };
    // Read by the emitted stack, directly or through other locals.
    let mut live = BTreeSet::new();
    stack_reads(emitted, named, &mut |x| refs(x, &mut live));
    loop {
        let mut more = BTreeSet::new();
        for l in locals.iter().filter(|l| live.contains(&l.name)) {
            refs(&l.expr, &mut more);
        }
        let before = live.len();
        live.extend(more);
        if live.len() == before {
            break;
        }
    }
    let dead: Vec<origin::Local> = locals.extract_if(.., |l| !live.contains(&l.name)).collect();
    dead
}

/// The variables the deployment stack reads (`var.x` in the emitted resources, in the `named`
/// blocks, in the locals).
fn vars_read(
    emitted: &[Emitted],
    locals: &[origin::Local],
    named: &[&[Named]],
) -> BTreeSet<String> {
    use hcl::expr::TraversalOperator as Op;
    let mut read = BTreeSet::new();
    let mut note = |x: &Expression| {
        if let Some(("var", [Op::GetAttr(n), ..])) = hclx::traversal_root(x) {
            read.insert(n.to_string());
        }
    };
    stack_reads(emitted, named, &mut |x| hclx::walk(x, &mut note));
    for l in locals {
        hclx::walk(&l.expr, &mut note);
    }
    read
}

/// The module's required variables (no `default`) that nothing emitted reads: not the
/// resources and data sources, the locals, outputs, module calls or providers. Left out: those
/// with `validation` blocks or `nullable = false` (a null default would break them), and
/// `instance_id`.
fn unread_required_variables(
    module: &Module,
    emitted: &[Emitted],
    locals: &[origin::Local],
    named: &[&[Named]],
) -> BTreeSet<String> {
    let read = vars_read(emitted, locals, named);
    module
        .variables
        .iter()
        .filter(|v| {
            v.name != "instance_id"
                && !read.contains(&v.name)
                && hclx::attr(&v.body, "default").is_none()
                && hclx::blocks(&v.body, "validation").is_empty()
                && !matches!(
                    hclx::attr(&v.body, "nullable"),
                    Some(Expression::Bool(false))
                )
        })
        .map(|v| v.name.clone())
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn compile_module(
    origin: &Origin,
    dir: &str,
    module: &Module,
    options: &Options,
    region: &str,
    child_types: &BTreeSet<String>,
    inputs: &BTreeMap<String, Expression>,
    instance_id_inputs: &BTreeSet<String>,
    at_deploy: &BTreeSet<String>,
    registry_dirs: &BTreeSet<String>,
    dns_dirs: &BTreeSet<String>,
    deploy_inputs: &DeployInputs,
    sensitive_outputs: &BTreeMap<String, BTreeSet<String>>,
    root_eval: Option<&Eval>,
    xfacts: &crate::xmod::Facts,
) -> ModuleOut {
    let is_root = dir.is_empty();
    // Reads of other modules' outputs redirected and outputs added (`crate::xmod`).
    let redirected;
    let module = match crate::xmod::apply(module, xfacts) {
        Some(m) => {
            redirected = m;
            &redirected
        }
        None => module,
    };
    let built;
    let eval = match root_eval {
        Some(e) if is_root && *inputs == module.tfvars => e,
        _ => {
            built = Eval::new(
                module,
                inputs,
                options.instance_id.as_deref().filter(|_| is_root),
            );
            &built
        }
    };
    let mut diags = Vec::new();

    // ---- resources that are never created ---------------------------------------------------
    // `count = var.create ? 1 : 0` with `create` false, `for_each = {}`: an AWS resource whose
    // collection is known to be empty never exists. No rule maps it (nor reports on it), and
    // other rules do not see it; references to it read an empty collection (`refs`). Only
    // repeated resources are evaluated, and only a collection the deployment cannot change:
    // one that reads a variable chosen at deploy time (`at_deploy`: a root variable's default
    // is a toggle each appliance may flip) keeps the resource, with its `count`.
    let never: Vec<(usize, bool)> = module
        .resources
        .iter()
        .enumerate()
        .filter(|(_, r)| r.meta.is_repeated() && r.ty.starts_with("aws_"))
        .filter_map(|(i, r)| never_created(r, eval, module, at_deploy).map(|keyed| (i, keyed)))
        .collect();
    // The module's resources, copied only when something changes them (registry modules
    // expanded into resources, dynamic blocks expanded, resources never created left out).
    let mut resources: Cow<'_, [Resource]> = Cow::Borrowed(module.resources.as_slice());
    let mut never_created: BTreeMap<String, bool> = BTreeMap::new();
    if !never.is_empty() {
        for &(i, keyed) in &never {
            never_created.insert(module.resources[i].address().to_string(), keyed);
        }
        resources = Cow::Owned(
            module
                .resources
                .iter()
                .filter(|r| !never_created.contains_key(r.address()))
                .cloned()
                .collect(),
        );
    }

    // ---- resolve module calls -------------------------------------------------------------
    let mut module_exports = ModuleExports::new();
    let mut expansions: Vec<(Named, String, Vec<String>)> = Vec::new();
    // Calls of local modules, kept in the output.
    let mut kept_calls: Vec<Named> = Vec::new();
    let sources: Vec<String> = module
        .module_calls
        .iter()
        .map(|call| {
            hclx::attr(&call.body, "source")
                .and_then(|e| eval.string(e))
                .unwrap_or_default()
        })
        .collect();
    for i in modules::expansion_order(&module.module_calls, &sources) {
        let (call, source) = (&module.module_calls[i], sources[i].clone());
        if source.starts_with("./") || source.starts_with("../") {
            match origin::join_dir(dir, &source) {
                Some(target) if origin.modules.contains_key(&target) => {
                    kept_calls.push(call.clone())
                }
                joined => {
                    // References to its outputs become `null` with a warning.
                    module_exports.insert(call.name.clone(), BTreeMap::new());
                    // `None`: the source climbs above the compiled folder (`../../modules/db`
                    // from an environment folder); else the folder is missing.
                    let help = if joined.is_none() {
                        "the module lies outside the folder Ferry was given, which becomes the root module with its local modules inside it: copy this folder's files to the folder that holds the modules and point the source there (`../../modules/x` → `./modules/x`)"
                    } else {
                        "compile the folder that contains both the root module and its local modules"
                    };
                    diags.push(
                    Diagnostic::new(
                        Code::ModuleNotFound,
                        format!("module `{}` uses `{source}`, which is not part of the origin stack", call.name),
                    )
                    .at(call.loc.clone())
                    .resource(format!("module.{}", call.name))
                    .help(help),
                    );
                }
            }
            continue;
        }
        match modules::expand(call, &source, eval, &resources, &module_exports) {
            Some(exp) => {
                diags.extend(exp.diags);
                let addrs = exp
                    .resources
                    .iter()
                    .map(|r| r.address().to_string())
                    .collect();
                resources.to_mut().extend(exp.resources);
                module_exports.insert(call.name.clone(), exp.outputs);
                expansions.push((call.clone(), source.clone(), addrs));
            }
            None => {
                module_exports.insert(call.name.clone(), BTreeMap::new());
                diags.push(
                    Diagnostic::new(
                        Code::UnknownRegistryModule,
                        format!("module `{}` comes from `{source}`, which Ferry does not know how to map", call.name),
                    )
                    .at(call.loc.clone())
                    .resource(format!("module.{}", call.name))
                    .help(format!(
                        "vendor the module into the origin (e.g. `./modules/{}`) so Ferry compiles its resources, or replace it with resources or a module Ferry maps (terraform-aws-modules: {})",
                        call.name,
                        modules::known_short().join(", ")
                    )),
                );
            }
        }
    }

    // AWS resources reading outputs of expanded registry modules read the module's resources.
    if module_exports.values().any(|o| !o.is_empty()) {
        let reading: Vec<usize> = resources
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                let mut hit = false;
                hclx::walk_body(&r.body, &mut |e| {
                    hit |= matches!(hclx::traversal_root(e), Some(("module", _)));
                });
                hit
            })
            .map(|(i, _)| i)
            .collect();
        for i in reading {
            if let Some(r) = resources.to_mut().get_mut(i) {
                crate::refs::inline_module_outputs(&mut r.body, &module_exports);
            }
        }
    }

    // ---- resources of other modules (`crate::xmod`) -----------------------------------------
    // Load balancers, security groups and launch templates adopted from another module, and
    // the services' `var.x` that read their target groups, the members' expressions that read
    // their groups, the Auto Scaling groups' `var.x` that read their launch templates.
    if !xfacts.adopted.is_empty() {
        let rs = resources.to_mut();
        for r in rs.iter_mut() {
            if let Some(vars) = xfacts.tg_vars.get(r.address()) {
                crate::xmod::read_target_groups(&mut r.body, vars);
            }
            if let Some(vars) = xfacts.lt_vars.get(r.address()) {
                crate::xmod::read_launch_template(&mut r.body, vars);
            }
            if let Some(reads) = xfacts.sg_reads.get(r.address()) {
                crate::xmod::read_adopted_groups(&mut r.body, reads);
            }
        }
        rs.extend(xfacts.adopted.iter().map(|(_, r)| r.clone()));
    }

    // ---- dynamic blocks ---------------------------------------------------------------------
    let with_dynamic: Vec<usize> = resources
        .iter()
        .enumerate()
        .filter(|(_, r)| r.ty.starts_with("aws_") && has_dynamic(&r.body))
        .map(|(i, _)| i)
        .collect();
    let mut expanded: Vec<&mut Resource> = Vec::new();
    if !with_dynamic.is_empty() {
        expanded = resources
            .to_mut()
            .iter_mut()
            .enumerate()
            .filter(|(i, _)| with_dynamic.contains(i))
            .map(|(_, r)| r)
            .collect();
    }
    for r in expanded {
        let unexpanded = origin::dynamic::expand(&mut r.body, eval);
        // An ECS service repeated over a known collection whose dynamic blocks read `each`
        // (`for_each = each.value.public ? [1] : []`): the ECS rule binds every instance and
        // expands them there, so they are not lost.
        if !unexpanded.is_empty()
            && r.ty == "aws_ecs_service"
            && r.meta.is_repeated()
            && eval.instances(&r.meta).is_some_and(|all| {
                all.iter()
                    .all(|(_, ev)| origin::dynamic::expand(&mut r.body.clone(), ev).is_empty())
            })
        {
            continue;
        }
        for name in unexpanded {
            diags.push(
                Diagnostic::new(
                    Code::DynamicBlock,
                    format!(
                        "`dynamic \"{name}\"` in `{}` iterates over a value not known at compile time; its blocks were not mapped",
                        r.address()
                    ),
                )
                .at(r.loc_of("dynamic"))
                .resource(r.address())
                .help("iterate over a variable or local with a static default so Ferry can expand the blocks"),
            );
        }
    }
    // ---- arguments that are `null` ---------------------------------------------------------
    // `engine = var.engine` with a `null` default, `x = local.in_group ? null : var.x`,
    // `y = try(var.opts["y"], null)`: Terraform treats an argument whose value is `null` as
    // not set, and so do the rules (vendored modules pass every argument this way).
    let nulls: Vec<(usize, Vec<Vec<usize>>)> = resources
        .iter()
        .enumerate()
        .filter(|(_, r)| r.ty.starts_with("aws_"))
        .filter_map(|(i, r)| {
            let mut paths = Vec::new();
            null_args(&r.body, eval, &mut Vec::new(), &mut paths);
            (!paths.is_empty()).then_some((i, paths))
        })
        .collect();
    if !nulls.is_empty() {
        let rs = resources.to_mut();
        for (i, paths) in nulls {
            if let Some(r) = rs.get_mut(i) {
                // Deepest and last first, so that earlier indexes stay valid.
                for path in paths.iter().rev() {
                    remove_at(&mut r.body, path);
                }
            }
        }
    }
    // Repeated resources are evaluated at a representative instance (`count.index` = 0, the
    // first `for_each` element). That context depends only on the meta-argument, so resources
    // with the same one share it (building one clones the whole evaluation context).
    let mut instance_evals: BTreeMap<String, Option<Eval>> = BTreeMap::new();
    let instance_keys: Vec<Option<String>> = resources
        .iter()
        .map(|r| {
            let key = match (&r.meta.count, &r.meta.for_each) {
                (Some(_), _) => "count".to_string(),
                (None, Some(fe)) => format!("for_each {}", hclx::inline(fe)),
                (None, None) => return None,
            };
            instance_evals
                .entry(key.clone())
                .or_insert_with(|| eval.for_instance(&r.meta));
            Some(key)
        })
        .collect();

    // ---- map ------------------------------------------------------------------------------
    let mut st = State::default();
    st.index_origin(&resources);
    for (addr, &keyed) in &never_created {
        let what = match keyed {
            true => "`for_each` is empty",
            false => "`count` is 0",
        };
        st.outcomes.insert(
            addr.clone(),
            OutcomeRec {
                outcome: Outcome::Dropped,
                targets: vec![],
                note: Some(format!(
                    "{what} whatever the deployment sets (no root variable decides it): never created, so nothing is emitted; references to it read an empty collection"
                )),
            },
        );
    }
    st.never_created = never_created;
    st.instance_id_inputs = instance_id_inputs.clone();
    let index = rules::index();
    // Each resource's rule, looked up once for the three phases.
    let rule_of: Vec<Option<&rules::RuleDef>> = resources
        .iter()
        .map(|r| index.get(&(r.mode, r.ty.as_str())).copied())
        .collect();
    for phase in [Phase::Foundation, Phase::Primary, Phase::Attach] {
        for (i, r) in resources.iter().enumerate() {
            let rule = rule_of.get(i).copied().flatten();
            let eval = instance_keys[i]
                .as_ref()
                .and_then(|k| instance_evals.get(k))
                .and_then(|e| e.as_ref())
                .unwrap_or(eval);
            if xfacts.given.contains_key(r.address()) {
                continue;
            }
            let mut cx = Cx {
                module,
                resources: &resources,
                eval,
                options,
                st: &mut st,
                xmod: xfacts,
                at_deploy,
            };
            match rule {
                Some(rule) if rule.phase == phase => {
                    (rule.map)(r, &mut cx);
                    report_dropped_args(r, rule, &mut cx);
                }
                None if phase == Phase::Primary => rules::generic::fallback(r, &mut cx),
                _ => {}
            }
        }
    }
    // Kubernetes manifests among the module's data files: images moved to the appliance's
    // registry (rules::ecr).
    {
        let mut cx = Cx {
            module,
            resources: &resources,
            eval,
            options,
            st: &mut st,
            xmod: xfacts,
            at_deploy,
        };
        let owned: Vec<String> = module
            .data_files
            .keys()
            .filter(|p| owning_module(origin, p) == dir)
            .cloned()
            .collect();
        rules::ecr::manifests(&mut cx, &owned);
    }
    // Load balancers split between the modules registering in them (#264): one warning.
    for (addr, why) in &xfacts.split {
        if let Some(r) = resources.iter().find(|r| r.address() == addr) {
            st.diags.push(
                Diagnostic::new(
                    Code::FeatureUnsupported,
                    format!("`{addr}`: {why}"),
                )
                .at(r.loc.clone())
                .resource(addr.clone())
                .help("point the DNS names of the split listeners at the load balancer of their module (its Service's address), or move the services into one module to keep one load balancer"),
            );
        }
    }
    // Resources another module adopted: what reads them here reads `null` (F401, with why).
    for (addr, why) in &xfacts.given {
        st.outcomes.insert(
            addr.clone(),
            OutcomeRec {
                outcome: Outcome::Absorbed,
                targets: vec![],
                note: Some(why.clone()),
            },
        );
        let mut exports = rules::Exports::default();
        for a in [
            "arn",
            "id",
            "arn_suffix",
            "name",
            "dns_name",
            "zone_id",
            "latest_version",
            "default_version",
        ] {
            exports
                .attrs
                .insert(a.into(), rules::Export::Unmapped(why.clone().into()));
        }
        st.exports.insert(addr.clone(), exports);
    }
    let adopted: Vec<(String, OutcomeRec)> = xfacts
        .adopted
        .iter()
        .filter_map(|(sdir, r)| {
            let mut rec = st.outcomes.get(r.address())?.clone();
            rec.targets = rec
                .targets
                .iter()
                .map(|t| {
                    if is_root {
                        t.clone()
                    } else {
                        format!("{dir}/{t}")
                    }
                })
                .collect();
            let addr = if sdir.is_empty() {
                r.address().to_string()
            } else {
                format!("{sdir}/{}", r.address())
            };
            Some((addr, rec))
        })
        .collect();
    for r in resources.iter() {
        if !st.outcomes.contains_key(r.address()) {
            // A rule that records nothing is a Ferry bug; say so rather than lose the resource.
            st.outcomes.insert(
                r.address().to_string(),
                OutcomeRec {
                    outcome: Outcome::Unsupported,
                    targets: vec![],
                    note: Some("no outcome recorded".into()),
                },
            );
            st.diags.push(
                Diagnostic::new(
                    Code::SchemaViolation,
                    format!("internal: the rule for `{}` recorded no outcome", r.ty),
                )
                .at(r.loc.clone())
                .resource(r.address()),
            );
        }
    }

    // ---- the appliance project ----------------------------------------------------------------
    distinct_cluster_names(&mut st, &resources, &mut diags);
    ensure_instance_tags(&mut st);
    add_project(&mut st, is_root);

    // ---- rewrite references ------------------------------------------------------------------
    let by_addr = rules::by_addr(&resources);
    // A generated database admin password (`random_password.db.result`) is read as the
    // cluster's own password everywhere (DigitalOcean generates it; rules::secrets).
    let generated = rules::secrets::generated_admin_passwords(&resources, &module.locals, &st);
    // A variable that is a database's `port`, admin password or user name reads the cluster's
    // (DigitalOcean chooses them).
    let mut db_values = rules::secrets::database_values(&resources, &st);
    // ... and so does a reference this module passes to a database's login in another module
    // (`crate::xmod`), outside that module's call.
    for l in &xfacts.db_logins {
        if !db_values.iter().any(|v| v.source == l.source) {
            db_values.push(rules::secrets::DatabaseValue {
                source: l.source.clone(),
                database: l.database.clone(),
                owner: format!("module.{}", l.call),
                attr: l.attr,
                reads: l.reads.clone(),
            });
        }
    }
    let mut values_read: BTreeSet<usize> = BTreeSet::new();
    // The origin's port written after a database's host in a connection string reads the
    // cluster's port.
    let db_ports = rules::secrets::literal_ports(&resources, &st, eval);
    let mut ports_read: BTreeSet<usize> = BTreeSet::new();
    // A mount of a file system's root after its host (`${…dns_name}:/`) reads the share's
    // `mount_path`.
    let share_hosts = rules::efs::share_hosts(&resources, &st);
    let mut shares_read: BTreeSet<usize> = BTreeSet::new();
    // ... and so does a port setting beside its host (`DB_PORT = "3306"` next to `DB_HOST`).
    let mut port_settings: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    // A template that logs in as a database's literal master user, now a regular user of the
    // cluster, gets that user's password rather than the admin's (known gap #224).
    let logins = rules::database::user_logins(&resources, &st, eval, &generated);
    let template_text = |p: &Expression| -> Option<(String, String)> {
        let rel = read_path(p, is_root)?;
        let full = origin::join_dir(&module.dir, &rel)?;
        Some((rel, module.data_files.get(&full)?.clone()))
    };
    let mut emitted = std::mem::take(&mut st.emitted);
    let mut rw = Rewriter::with_emitted(&st, &module_exports, &by_addr, &emitted);
    // Reads of a Kubernetes Service's or Ingress's load-balancer `hostname` (published URLs in
    // secrets, parameters, kept objects' values) read its `ip` on DOKS, as outputs and records
    // do; only modules that declare such an object are walked.
    let reads_k8s_lb = module.resources.iter().any(|r| {
        matches!(
            r.ty.as_str(),
            "kubernetes_service"
                | "kubernetes_service_v1"
                | "kubernetes_ingress"
                | "kubernetes_ingress_v1"
        )
    });
    for e in &mut emitted {
        let loc = e
            .origin
            .as_ref()
            .and_then(|o| by_addr.get(o.as_str()))
            .map(|r| r.loc.clone())
            .unwrap_or_else(|| {
                Loc::file(format!(
                    "{}main.tf",
                    if is_root {
                        String::new()
                    } else {
                        format!("{dir}/")
                    }
                ))
            });
        let origin = e.origin.as_deref();
        rules::secrets::read_literal_port_settings(&mut e.body, &db_ports, &mut port_settings);
        let mut logins_read = Vec::new();
        let mut lb_hostnames = 0usize;
        e.body.exprs_mut(&mut |x| {
            logins_read.extend(rules::database::template_user_passwords(
                x,
                &logins,
                &template_text,
            ));
            rules::secrets::read_generated_passwords(x, &generated);
            rules::secrets::read_database_values(x, &db_values, origin, &mut values_read);
            rules::secrets::read_literal_ports(x, &db_ports, &mut ports_read);
            rules::efs::read_share_paths(x, &share_hosts, &mut shares_read);
            if reads_k8s_lb {
                hclx::walk_mut(x, &mut |y| rules::dns::read_lb_ip(y, &mut lb_hostnames));
            }
            rw.rewrite(x, &loc)
        });
        if lb_hostnames > 0 {
            let by = e.origin.clone().unwrap_or_else(|| e.address());
            diags.push(
                Diagnostic::new(
                    Code::ValueConverted,
                    format!(
                        "`{by}` reads a Kubernetes Service's or Ingress's load-balancer `hostname`, which DOKS leaves empty; it reads the load balancer's `ip`"
                    ),
                )
                .at(loc.clone())
                .resource(by),
            );
        }
        for (path, name, vars, user) in logins_read {
            let by = e.origin.clone().unwrap_or_else(|| e.address());
            diags.push(
                Diagnostic::new(
                    Code::ValueConverted,
                    format!(
                        "`{by}`: the template `{path}` logs in as `{name}`, the origin database's master user, which is now the cluster's regular user `{user}`; {} the master password, which now reads the admin's, so it reads `{user}.password` instead",
                        vars.iter()
                            .map(|v| format!("`{v}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                            + if vars.len() == 1 { " was" } else { " were" }
                    ),
                )
                .at(loc.clone())
                .resource(by.clone())
                .help("DigitalOcean's admin user is `doadmin`, with its own generated password; a template that logs in as the user the origin named needs that user's password"),
            );
        }
        for x in [&mut e.meta.count, &mut e.meta.for_each]
            .into_iter()
            .flatten()
        {
            rw.rewrite(x, &loc);
        }
        if let Some(d) = &mut e.meta.depends_on {
            rw.rewrite_depends_on(d, &loc);
        }
        if let Some(Expression::Traversal(t)) = &e.meta.provider
            && matches!(&t.expr, Expression::Variable(v) if v.as_str() == "aws")
        {
            e.meta.provider = None;
        }
    }
    // An origin `depends_on` on what became part of the resource itself (a security group
    // that is now the database's own firewall) would be a cycle; any cycle left is reported.
    let origin_loc = |e: &Emitted| {
        e.origin
            .as_ref()
            .and_then(|o| by_addr.get(o.as_str()))
            .map(|r| r.loc.clone())
            .unwrap_or_else(|| Loc::file("main.tf"))
    };
    crate::cycles::check(&mut emitted, &origin_loc, &mut diags);
    let mut locals = module.locals.clone();
    for l in &mut locals {
        rules::secrets::read_generated_passwords(&mut l.expr, &generated);
        rules::secrets::read_database_values(&mut l.expr, &db_values, None, &mut values_read);
        rules::secrets::read_literal_ports(&mut l.expr, &db_ports, &mut ports_read);
        rules::efs::read_share_paths(&mut l.expr, &share_hosts, &mut shares_read);
        rules::secrets::read_literal_port_settings_in_expr(
            &mut l.expr,
            &db_ports,
            &mut port_settings,
        );
        rw.rewrite(&mut l.expr, &l.loc);
    }
    // Outputs, local module calls and non-AWS provider blocks (`provider "kubernetes" { host =
    // aws_eks_cluster.x.endpoint }`) are rewritten the same way.
    let mut outputs = module.outputs.clone();
    // Terraform 0.11 allowed any text as an output name (`output "Bucket Name"`); since 0.12 a
    // name is an identifier.
    for o in &mut outputs {
        let name = rules::sanitize_name(&o.name);
        if name != o.name {
            diags.push(
                Diagnostic::new(
                    Code::LegacySyntax,
                    format!(
                        "output `{}` is not a valid name since Terraform 0.12; it is emitted as `{name}`",
                        o.name
                    ),
                )
                .at(o.loc.clone())
                .help("whatever reads this output (`terraform output`, a parent module) must use the new name"),
            );
            o.name = name;
        }
    }
    let mut calls = kept_calls;
    for c in &mut calls {
        drop_aws_provider_bindings(c, &mut diags);
    }
    let mut providers: Vec<Named> = module
        .providers
        .iter()
        .filter(|p| p.name != "aws")
        .cloned()
        .collect();
    for o in &mut outputs {
        if let Some(a) = o.body.attributes_mut().find(|a| a.key.as_str() == "value") {
            rw.whole_object_output(&mut a.expr);
        }
    }
    let call_addrs: Vec<String> = calls.iter().map(|c| format!("module.{}", c.name)).collect();
    for (n, owner) in outputs
        .iter_mut()
        .map(|n| (n, None))
        .chain(
            calls
                .iter_mut()
                .zip(&call_addrs)
                .map(|(n, a)| (n, Some(a.as_str()))),
        )
        .chain(providers.iter_mut().map(|n| (n, None)))
    {
        let loc = n.loc.clone();
        rules::secrets::read_generated_passwords_in(&mut n.body, &generated);
        rules::secrets::read_database_values_in(&mut n.body, &db_values, owner, &mut values_read);
        hclx::walk_body_mut(&mut n.body, &mut |x| {
            rules::secrets::read_literal_ports(x, &db_ports, &mut ports_read);
            rules::efs::read_share_paths(x, &share_hosts, &mut shares_read);
            false
        });
        rules::secrets::read_literal_port_settings_in_body(
            &mut n.body,
            &db_ports,
            &mut port_settings,
        );
        rewrite_body(&mut rw, &mut n.body, &loc);
    }
    if is_root {
        for o in &mut outputs {
            rules::database::public_hosts(&mut o.body);
        }
    }
    rules::eks::kubeconfig_commands(&mut outputs, &emitted, &mut diags);
    rules::cli::aws_cli_commands(&mut outputs, &emitted, is_root, &mut diags);
    // An output reading a local that became `null` (`local.arn.partition`, the local a call of
    // an AWS provider function) reads `null` itself: an attribute of `null` fails the plan.
    let null_locals: BTreeSet<&str> = locals
        .iter()
        .filter(|l| matches!(l.expr, Expression::Null))
        .map(|l| l.name.as_str())
        .collect();
    if !null_locals.is_empty() {
        for o in &mut outputs {
            hclx::walk_body_mut(&mut o.body, &mut |e| {
                let null = matches!(
                    hclx::traversal_root(e),
                    Some(("local", [hcl::expr::TraversalOperator::GetAttr(name), ..]))
                        if null_locals.contains(name.as_str())
                );
                if null {
                    *e = Expression::Null;
                }
                !null
            });
        }
    }
    // An output all of whose references had no DigitalOcean equivalent (F401 says so) is
    // `null`: what is left would hand `null` to a function (`replace(null, "https://", "")`),
    // which fails the plan.
    for (o, was) in outputs.iter_mut().zip(&module.outputs) {
        let refs_in = |e: &Expression| {
            let mut n = 0usize;
            hclx::walk(e, &mut |x| {
                n += usize::from(hclx::traversal_root(x).is_some())
            });
            n
        };
        let (Some(now), Some(before)) =
            (hclx::attr(&o.body, "value"), hclx::attr(&was.body, "value"))
        else {
            continue;
        };
        if !matches!(now, Expression::Null) && refs_in(before) > 0 && refs_in(now) == 0 {
            let mut has_null = false;
            hclx::walk(now, &mut |x| has_null |= matches!(x, Expression::Null));
            if has_null {
                for s in o.body.0.iter_mut() {
                    if let hcl::Structure::Attribute(a) = s
                        && a.key() == "value"
                    {
                        a.expr = Expression::Null;
                    }
                }
            }
        }
    }
    // An ingress controller's load-balancer `hostname` is empty on DOKS: outputs read its `ip`
    // (records already do, `rules::dns`).
    for o in &mut outputs {
        let mut changed = 0usize;
        hclx::walk_body_mut(&mut o.body, &mut |e| {
            rules::dns::read_lb_ip(e, &mut changed)
        });
        if changed > 0 {
            diags.push(
                Diagnostic::new(
                    Code::ValueConverted,
                    format!(
                        "output `{}` reads a Kubernetes Service's or Ingress's load-balancer `hostname`, which DOKS leaves empty; it reads the load balancer's `ip`",
                        o.name
                    ),
                )
                .at(o.loc.clone())
                .resource(format!("output.{}", o.name)),
            );
        }
    }
    // Outputs carrying values DigitalOcean's providers mark sensitive (a kubeconfig).
    let children: BTreeMap<String, BTreeSet<String>> = module
        .module_calls
        .iter()
        .filter_map(|c| {
            let outs = sensitive_outputs.get(&call_dir(module, c)?)?;
            Some((c.name.clone(), outs.clone()))
        })
        .collect();
    let sensitive_outputs = crate::sensitive::outputs(&mut outputs, is_root, &children, &mut diags);
    let rw_diags = std::mem::take(&mut rw.diags);
    diags.extend(rw_diags);
    if is_root {
        let as_written: Vec<Named> = module
            .providers
            .iter()
            .filter(|p| p.name != "aws")
            .cloned()
            .collect();
        let replaced = options.relay_url.is_some()
            && emitted
                .iter()
                .map(|e| e.ty.as_str())
                .chain(child_types.iter().map(String::as_str))
                .any(|t| t.starts_with("kubernetes_"));
        // The cluster of a module the root calls, found by name (added below).
        let by_name = stack_cluster_by_name(options, xfacts, &emitted, child_types)
            .then_some("data.digitalocean_kubernetes_cluster.stack");
        crate::providers::kubernetes(
            &mut providers,
            &as_written,
            &emitted,
            by_name,
            replaced,
            &mut diags,
        );
    }
    diags.append(&mut st.diags);
    drop_orphaned_kept_data(
        &mut emitted,
        &locals,
        &[&outputs, &calls, &providers],
        &by_addr,
        &mut st.outcomes,
        &mut diags,
    );
    let dead = prune_dead_locals(&mut locals, &emitted, &[&outputs, &calls, &providers]);
    remote_state_inputs(
        &mut st,
        &emitted,
        &locals,
        &[&outputs, &calls, &providers],
        &mut diags,
    );
    if let Some(first) = dead.first() {
        let names = dead
            .iter()
            .map(|l| format!("`local.{}`", l.name))
            .collect::<Vec<_>>()
            .join(", ");
        let (them, they) = match dead.len() {
            1 => ("it", "it is"),
            _ => ("them", "they are"),
        };
        diags.push(
            Diagnostic::new(
                Code::ArgumentDropped,
                format!(
                    "nothing in the deployment stack reads {names} any more (what read {them} was mapped without {them} or not carried over); {they} left out"
                ),
            )
            .at(first.loc.clone())
            .help("Terraform evaluates every local, read or not: an AWS-only value left behind could only fail the plan or draw an unused-declaration warning"),
        );
    }
    for p in ports_read.iter().filter_map(|i| db_ports.get(*i)) {
        diags.push(
            Diagnostic::new(
                Code::ValueConverted,
                format!(
                    "`{}`: a connection string writes the origin's port `{}` after the database's host; DigitalOcean chooses the cluster's port, so it reads the cluster's `port` instead",
                    p.database, p.port
                ),
            )
            .at_opt(by_addr.get(p.database.as_str()).map(|r| r.loc.clone()))
            .resource(p.database.clone())
            .help("clients must connect on the cluster's port (25060 for PostgreSQL and MySQL, 25061 for Valkey on DigitalOcean)"),
        );
    }
    for p in &xfacts.foreign_ports {
        let tls = match &p.password {
            Some(pw) => format!(
                "; DigitalOcean Valkey requires TLS and the `default` user's password, so `redis://` becomes `rediss://default:${{{}}}@`",
                hclx::inline(pw)
            ),
            None => String::new(),
        };
        for (what, loc) in &p.at {
            diags.push(
                Diagnostic::new(
                    Code::ValueConverted,
                    format!(
                        "`{what}` writes the origin's port `{}` after `{}`, the host of `{}` in another module; DigitalOcean chooses the cluster's port, so it reads `{}` (the cluster's `port`) instead{tls}",
                        p.port,
                        p.source,
                        p.database,
                        hclx::inline(&p.reads)
                    ),
                )
                .at(loc.clone())
                .resource(what.clone())
                .help("clients must connect on the cluster's port (25060 for PostgreSQL and MySQL, 25061 for Valkey on DigitalOcean); the database's module outputs it and the caller passes it in"),
            );
        }
    }
    for h in shares_read.iter().filter_map(|i| share_hosts.get(*i)) {
        diags.push(
            Diagnostic::new(
                Code::ValueConverted,
                format!(
                    "`{}`: a mount writes the file system's root (`:/`) after its host; the NFS share is exported at its `mount_path`, so the path reads it instead",
                    h.origin
                ),
            )
            .at_opt(by_addr.get(h.origin.as_str()).map(|r| r.loc.clone()))
            .resource(h.origin.clone())
            .help("mount the share with the standard NFS client (`mount -t nfs4 <host>:<mount_path> <dir>`); `amazon-efs-utils` does not work with it"),
        );
    }
    for (p, settings) in port_settings
        .iter()
        .filter_map(|(i, s)| Some((db_ports.get(*i)?, s)))
    {
        let setting = settings
            .iter()
            .map(|s| format!("`{s}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let is = if settings.len() == 1 { "is" } else { "are" };
        diags.push(
            Diagnostic::new(
                Code::ValueConverted,
                format!(
                    "`{}`: {setting} {is} set to the origin's port `{}` beside the database's host; DigitalOcean chooses the cluster's port, so it reads the cluster's `port` instead",
                    p.database, p.port
                ),
            )
            .at_opt(by_addr.get(p.database.as_str()).map(|r| r.loc.clone()))
            .resource(p.database.clone())
            .help("clients must connect on the cluster's port (25060 for PostgreSQL and MySQL, 25061 for Valkey on DigitalOcean)"),
        );
    }
    for p in values_read.iter().filter_map(|i| db_values.get(*i)) {
        let (what, attr) = p.what();
        let (chooses, help) = match attr {
            "user" => (
                "sets",
                "the application must log in as the cluster's admin user with the password DigitalOcean generated, not with the ones the origin configured",
            ),
            "port" => (
                "chooses",
                "clients must connect on the cluster's port, not the one the origin configured",
            ),
            _ => (
                "generates",
                "the application must log in as the cluster's admin user with the password DigitalOcean generated, not with the ones the origin configured",
            ),
        };
        diags.push(
            Diagnostic::new(
                Code::ValueConverted,
                format!(
                    "`{}` is the {what} of `{}`; DigitalOcean {chooses} the cluster's {what}, so where else the stack reads `{}` it reads the cluster's `{}`",
                    p.source, p.database, p.source, attr
                ),
            )
            .at_opt(
                by_addr
                    .get(p.database.as_str())
                    .map(|r| r.loc_of(p.attr))
                    // A database of another module: the call passing the value to it.
                    .or_else(|| {
                        calls
                            .iter()
                            .zip(&call_addrs)
                            .find(|(_, a)| **a == p.owner)
                            .map(|(c, _)| c.loc.clone())
                    }),
            )
            .resource(p.database.clone())
            .help(help),
        );
    }
    drop_unread_generators(
        &generated,
        &mut st,
        &mut emitted,
        &locals,
        &[&outputs, &calls, &providers],
        &by_addr,
        &mut diags,
    );
    files_read(
        module,
        is_root,
        &emitted,
        &locals,
        &[&outputs, &calls, &providers],
        &by_addr,
        &mut st,
        &mut diags,
    );
    template_db_literals(
        module,
        is_root,
        &emitted,
        &locals,
        &[&outputs, &calls, &providers],
        &mut diags,
    );

    // A nested block that lost a required value to an unmapped reference is left out (with
    // the reference's own F401 saying why), rather than failing when the stack is applied.
    for e in &mut emitted {
        let origin = e.origin.clone().unwrap_or_else(|| e.address());
        for what in schema::prune_null_blocks(e) {
            diags.push(
                Diagnostic::new(
                    Code::UnmappedReference,
                    format!("`{}`: {what} is left out", e.address()),
                )
                .at_opt(by_addr.get(origin.as_str()).map(|r| r.loc.clone()))
                .resource(origin.clone())
                .help("give it a value that exists on DigitalOcean (e.g. the appliance VPC's `ip_range`) in the origin, or add the rule after deploying"),
            );
        }
    }

    // A kept Helm release whose `set` value had no DigitalOcean counterpart (an IRSA role ARN):
    // a `set` without a value fails the plan; without the `set`, the chart's default applies.
    for e in &mut emitted {
        if e.ty != "helm_release" {
            continue;
        }
        let origin = e.origin.clone().unwrap_or_else(|| e.address());
        for name in prune_null_helm_sets(&mut e.body) {
            diags.push(
                Diagnostic::new(
                    Code::UnmappedReference,
                    format!(
                        "`{}`: the `set` of `{name}` is left out: its value has no DigitalOcean counterpart, and Helm rejects a `set` without one; the chart's default applies",
                        e.address()
                    ),
                )
                .at_opt(by_addr.get(origin.as_str()).map(|r| r.loc.clone()))
                .resource(origin.clone())
                .help("set a value that means something on DigitalOcean in the origin, or leave the setting out"),
            );
        }
    }

    // A kept Kubernetes object whose annotation or label value had no DigitalOcean counterpart
    // (the IRSA annotation `eks.amazonaws.com/role-arn` of a service account): the entry is left
    // out, as a Helm `set` is; a `null` in the map fails the plan or writes an empty value that
    // still claims the annotation.
    for e in &mut emitted {
        if !e.ty.starts_with("kubernetes_") && !e.ty.starts_with("kubectl_") {
            continue;
        }
        let origin = e.origin.clone().unwrap_or_else(|| e.address());
        for (map, key) in prune_null_metadata_entries(&mut e.body) {
            diags.push(
                Diagnostic::new(
                    Code::UnmappedReference,
                    format!(
                        "`{}`: the {map} entry `{key}` is left out: its value has no DigitalOcean counterpart",
                        e.address()
                    ),
                )
                .at_opt(by_addr.get(origin.as_str()).map(|r| r.loc.clone()))
                .resource(origin.clone())
                .help("set a value that means something on DigitalOcean in the origin, or leave the entry out"),
            );
        }
    }

    // One note per origin resource and list of entries, naming every emitted type that lost
    // them (an RDS cluster's `_db` and `_user` carry its lifecycle too).
    let mut ignored: Vec<(String, Vec<String>, Vec<String>)> = Vec::new();
    for e in &mut emitted {
        let dropped = schema::filter_ignore_changes(e);
        if dropped.is_empty() {
            continue;
        }
        let origin = e.origin.clone().unwrap_or_else(|| e.address());
        match ignored
            .iter_mut()
            .find(|(o, d, _)| *o == origin && *d == dropped)
        {
            Some((_, _, tys)) => {
                if !tys.contains(&e.ty) {
                    tys.push(e.ty.clone());
                }
            }
            None => ignored.push((origin, dropped, vec![e.ty.clone()])),
        }
    }
    for (origin, dropped, tys) in ignored {
        diags.push(
            Diagnostic::new(
                Code::ArgumentDropped,
                format!(
                    "`{}`: `lifecycle.ignore_changes` entries with no counterpart on {} are not carried over: {}",
                    origin,
                    tys.iter()
                        .map(|t| format!("`{t}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    dropped.join(", ")
                ),
            )
            .at_opt(by_addr.get(origin.as_str()).map(|r| r.loc.clone()))
            .resource(origin),
        );
    }

    // ---- self-check -----------------------------------------------------------------------------
    for e in &emitted {
        let problems = schema::check(e);
        if problems.is_empty() {
            continue;
        }
        let at = e
            .origin
            .as_ref()
            .and_then(|o| by_addr.get(o.as_str()))
            .map(|r| r.loc.clone());
        for problem in problems {
            let d = match schema::author(e) {
                schema::Author::Ferry => Diagnostic::new(
                    Code::SchemaViolation,
                    format!("internal: Ferry's output `{}` {problem}", e.address()),
                )
                .help("this is a bug in Ferry; please report it with the origin stack"),
                schema::Author::Origin => Diagnostic::new(
                    Code::KeptSchemaViolation,
                    format!("`{}`, kept from the origin as written, {problem}", e.address()),
                )
                .help("fix the resource in the origin stack: the DigitalOcean provider will reject it as written"),
            };
            diags.push(
                d.at_opt(at.clone())
                    .resource(e.origin.clone().unwrap_or_else(|| e.address())),
            );
        }
    }

    // The origin's own `variable "region"` (the AWS region, in most stacks) would silently
    // replace the appliance's DigitalOcean region, which every emitted `region` reads: Ferry's
    // declaration takes its place (`emit_module`), and whatever else read it is told.
    if let Some(v) = module.variables.iter().find(|v| v.name == "region") {
        diags.push(
            Diagnostic::new(
                Code::NearestMatch,
                format!(
                    "the origin's `variable \"region\"` becomes the appliance's DigitalOcean region{}: every `var.region` in the stack now reads a DigitalOcean region slug, not an AWS region",
                    if is_root { format!(" (default `{region}`)") } else { String::new() }
                ),
            )
            .at(v.loc.clone())
            .help("where the origin used the AWS region for something else (an image URL, a log option), use a value of its own there"),
        );
    }

    // Variables nothing in the deployment stack reads any more (they fed arguments that were
    // not carried over: security group ids, instance profiles, subnet ids) would still be
    // required inputs: the appliance would ask for AWS ids it never uses.
    let unread =
        unread_required_variables(module, &emitted, &locals, &[&outputs, &calls, &providers]);
    for v in module.variables.iter().filter(|v| unread.contains(&v.name)) {
        diags.push(
            Diagnostic::new(
                Code::ArgumentDropped,
                format!(
                    "`var.{}` is read only by arguments that were not carried over; it is optional in the deployment stack (`default = null`)",
                    v.name
                ),
            )
            .at(v.loc.clone())
            .help("remove the variable from the origin if no other deployment needs it"),
        );
    }

    // ---- emit ------------------------------------------------------------------------------------
    // The stack's cluster declared in a module the root calls (`crate::xmod`): the root's
    // `provider "kubernetes"` reads it by the name that module outputs.
    if is_root
        && stack_cluster_by_name(options, xfacts, &emitted, child_types)
        && let Some(crate::xmod::KubeCluster {
            name: Some(name),
            addr,
            call,
        }) = &xfacts.kubernetes_cluster
    {
        let mut body = OutBody::new();
        body.set("name", name.clone());
        emitted.push(Emitted {
            mode: Mode::Data,
            ty: "digitalocean_kubernetes_cluster".into(),
            name: "stack".into(),
            body,
            meta: Default::default(),
            origin: None,
        });
        diags.push(
            Diagnostic::new(
                Code::ClusterFromAnotherModule,
                format!(
                    "the stack's Kubernetes objects go to the DOKS cluster of `{addr}`: the root's `provider \"kubernetes\"` finds it by name (`data.digitalocean_kubernetes_cluster.stack`, `{}`)",
                    hclx::inline(name)
                ),
            )
            .at(call.clone())
            .help("the provider is read once the cluster exists; `tofu apply` creates it first"),
        );
    }
    let mut stack_types: BTreeSet<&str> = emitted.iter().map(|e| e.ty.as_str()).collect();
    stack_types.extend(child_types.iter().map(|t| t.as_str()));
    // Inputs set at deploy time: the ones rules declared here (the registry and the DNS domain
    // have their own passing), then those of the local modules called here, passed on.
    let mut own_inputs: Vec<(String, OutBody)> = st
        .variables
        .iter()
        .filter(|(n, b)| {
            b.get("default").is_none() && n != "registry_name" && n != rules::dns::DNS_DOMAIN
        })
        .cloned()
        .collect();
    let mut passed: Vec<(String, OutBody)> = Vec::new();
    for c in &calls {
        for (n, b) in call_dir(module, c)
            .and_then(|d| deploy_inputs.get(&d))
            .into_iter()
            .flatten()
        {
            let taken = module.variables.iter().any(|v| &v.name == n)
                || st.variables.iter().any(|(x, _)| x == n)
                || passed.iter().any(|(x, _)| x == n);
            if !taken {
                passed.push((n.clone(), b.clone()));
            }
        }
    }
    own_inputs.extend(passed.iter().cloned());
    let mut files = emit_module(
        module,
        is_root,
        &emitted,
        &locals,
        &outputs,
        &calls,
        &providers,
        options,
        region,
        &stack_types,
        registry_dirs,
        dns_dirs,
        &st.variables,
        &unread,
        deploy_inputs,
        &passed,
    );
    for (path, text) in std::mem::take(&mut st.files) {
        files.entry(path).or_insert(text);
    }

    // ---- report entries ----------------------------------------------------------------------------
    let prefix = if is_root {
        String::new()
    } else {
        format!("{dir}/")
    };
    let mut entries = Vec::new();
    for r in &module.resources {
        let rec = &st.outcomes[r.address()];
        entries.push(ResourceReport {
            address: format!("{prefix}{}", r.address()),
            ty: r.ty.clone(),
            outcome: rec.outcome,
            targets: rec.targets.iter().map(|t| format!("{prefix}{t}")).collect(),
            location: r.loc.clone(),
            note: rec.note.clone(),
        });
    }
    for (call, source, addrs) in &expansions {
        let recs: Vec<&OutcomeRec> = addrs.iter().filter_map(|a| st.outcomes.get(a)).collect();
        let outcome = if recs.iter().any(|r| r.outcome == Outcome::Mapped) {
            Outcome::Mapped
        } else if recs.iter().any(|r| r.outcome == Outcome::Unsupported) {
            Outcome::Unsupported
        } else {
            Outcome::Absorbed
        };
        entries.push(ResourceReport {
            address: format!("{prefix}module.{}", call.name),
            ty: format!("module:{source}"),
            outcome,
            targets: recs
                .iter()
                .flat_map(|r| r.targets.iter())
                .map(|t| format!("{prefix}{t}"))
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect(),
            location: call.loc.clone(),
            note: Some(if addrs.is_empty() {
                "registry module that creates no resources: Ferry computes its outputs".into()
            } else {
                format!("registry module expanded into {} resource(s)", addrs.len())
            }),
        });
    }
    for d in &mut diags {
        // What a rule says of an adopted resource is said of it in its own module.
        if let Some(res) = &d.resource
            && let Some((sdir, _)) = xfacts.adopted.iter().find(|(_, r)| r.address() == res)
        {
            if !sdir.is_empty() {
                d.resource = Some(format!("{sdir}/{res}"));
            }
            continue;
        }
        if let Some(res) = &d.resource
            && !prefix.is_empty()
            && !res.starts_with(&prefix)
        {
            d.resource = Some(format!("{prefix}{res}"));
        }
    }
    ModuleOut {
        deploy_inputs: own_inputs,
        files,
        resources: entries,
        diags,
        emitted,
        artifacts: std::mem::take(&mut st.artifacts),
        secrets: std::mem::take(&mut st.secrets),
        sensitive_outputs,
        adopted,
        never_created: st.never_created.keys().cloned().collect(),
    }
}

/// Rewrites every expression of a body, nested blocks included; `depends_on` lists drop what
/// has no counterpart.
fn rewrite_body(rw: &mut Rewriter<'_>, body: &mut hcl::Body, loc: &Loc) {
    for s in body.0.iter_mut() {
        match s {
            hcl::Structure::Attribute(a) if a.key() == "depends_on" => {
                rw.rewrite_depends_on(&mut a.expr, loc)
            }
            hcl::Structure::Attribute(a) => rw.rewrite(&mut a.expr, loc),
            hcl::Structure::Block(b) => rewrite_body(rw, &mut b.body, loc),
        }
    }
}

/// The paths (indexes of structures, block by block) of the arguments whose value is a known
/// `null`. Only expressions that can be `null` are evaluated ([`may_be_null`]).
fn null_args(body: &hcl::Body, eval: &Eval, at: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
    for (i, s) in body.iter().enumerate() {
        at.push(i);
        match s {
            hcl::Structure::Attribute(a) => {
                // The literal: `id = try(rule.value.id, null)` of an expanded dynamic block.
                let e = a.expr();
                if matches!(e, Expression::Null) || (may_be_null(e) && eval.is_null(e)) {
                    out.push(at.clone());
                }
            }
            hcl::Structure::Block(b) => null_args(&b.body, eval, at, out),
        }
        at.pop();
    }
}

/// Whether an argument's value can be a known `null` without being the literal: a variable or
/// local, a conditional with such a branch, or one of the functions that give `null` back
/// (`try(x, null)`, `lookup(m, k, null)`, `one([])`, …). Anything else (literals, templates,
/// resource references, `merge`, `concat`, …) is not evaluated.
fn may_be_null(e: &Expression) -> bool {
    match e {
        Expression::Null => true,
        Expression::Traversal(t) => {
            matches!(&t.expr, Expression::Variable(v) if matches!(v.as_str(), "var" | "local"))
        }
        Expression::Conditional(c) => may_be_null(&c.true_expr) || may_be_null(&c.false_expr),
        Expression::Parenthesis(inner) => may_be_null(inner),
        Expression::FuncCall(f) => {
            f.name.namespace.is_empty()
                && matches!(
                    f.name.name.as_str(),
                    "try" | "lookup" | "one" | "element" | "coalesce" | "jsondecode"
                )
        }
        _ => false,
    }
}

/// Removes the structure at `path` (see [`null_args`]).
fn remove_at(body: &mut hcl::Body, path: &[usize]) {
    match path {
        [i] if *i < body.0.len() => {
            body.0.remove(*i);
        }
        [i, rest @ ..] => {
            if let Some(hcl::Structure::Block(b)) = body.0.get_mut(*i) {
                remove_at(&mut b.body, rest);
            }
        }
        [] => {}
    }
}

/// Database clusters take their names from several AWS namespaces (an RDS instance and an
/// ElastiCache cluster may both be `shop-${var.instance_id}`), while a DigitalOcean cluster name
/// is unique in the account: a cluster whose name is written exactly as an earlier one's gets
/// its Terraform name appended (F304), so the apply does not fail on the second.
fn distinct_cluster_names(st: &mut State, resources: &[Resource], diags: &mut Vec<Diagnostic>) {
    const CLUSTER: &str = "digitalocean_database_cluster";
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for e in st
        .emitted
        .iter_mut()
        .filter(|e| e.mode == Mode::Managed && e.ty == CLUSTER)
    {
        let Some(name) = e.body.get("name").cloned() else {
            continue;
        };
        let text = hclx::inline(&name);
        let origin = e.origin.clone().unwrap_or_else(|| e.address());
        if let Some(first) = seen.get(&text) {
            let renamed = hclx::template(format!(
                "{}-{}",
                hclx::to_template_part(&name),
                e.name.replace('_', "-")
            ));
            diags.push(
                Diagnostic::new(
                    Code::NearestMatch,
                    format!(
                        "`{origin}` and `{first}` become database clusters named alike ({text}); a DigitalOcean cluster name is unique in the account, so this one is named {}",
                        hclx::inline(&renamed)
                    ),
                )
                .at_opt(
                    resources
                        .iter()
                        .find(|r| r.address() == origin)
                        .map(|r| r.loc.clone()),
                )
                .resource(origin.clone())
                .help("give the two a name of their own in the origin"),
            );
            e.body.set("name", renamed);
            continue;
        }
        seen.insert(text, origin);
    }
}

/// Is `r` repeated over a collection known to be empty (`count` 0, `for_each` an empty list,
/// set or map) that reads no variable chosen at deploy time (`at_deploy`, directly or through
/// the module's locals)? `Some(true)` for `for_each`, `Some(false)` for `count`.
fn never_created(
    r: &Resource,
    eval: &Eval,
    module: &Module,
    at_deploy: &BTreeSet<String>,
) -> Option<bool> {
    let collection = r.meta.count.as_ref().or(r.meta.for_each.as_ref())?;
    if crate::lints::carries(collection, module, at_deploy) {
        return None;
    }
    if let Some(c) = &r.meta.count {
        return (eval.number(c)? == 0.0).then_some(false);
    }
    let empty = match eval.value(r.meta.for_each.as_ref()?)? {
        hcl::Value::Array(a) => a.is_empty(),
        hcl::Value::Object(o) => o.is_empty(),
        _ => false,
    };
    empty.then_some(true)
}

/// Does a body hold a `dynamic` block (at any depth)?
fn has_dynamic(body: &hcl::Body) -> bool {
    body.iter().any(|s| match s {
        hcl::Structure::Block(b) => b.identifier() == "dynamic" || has_dynamic(&b.body),
        hcl::Structure::Attribute(_) => false,
    })
}

fn report_dropped_args(r: &Resource, rule: &rules::RuleDef, cx: &mut Cx<'_>) {
    let mut dropped: Vec<&str> = Vec::new();
    for s in r.body.iter() {
        let key = match s {
            hcl::Structure::Attribute(a) => a.key(),
            hcl::Structure::Block(b) if b.identifier() == "dynamic" => {
                b.labels.first().map(|l| l.as_str()).unwrap_or("dynamic")
            }
            hcl::Structure::Block(b) => b.identifier(),
        };
        if !rule.args.contains(&key)
            && key != "tags"
            && key != "tags_all"
            && !dropped.contains(&key)
        {
            dropped.push(key);
        }
    }
    if dropped.is_empty()
        || matches!(
            cx.st.outcomes.get(r.address()).map(|o| o.outcome),
            Some(Outcome::Dropped | Outcome::Unsupported)
        )
    {
        return;
    }
    let list = dropped
        .iter()
        .map(|d| format!("`{d}`"))
        .collect::<Vec<_>>()
        .join(", ");
    cx.diag(
        Diagnostic::new(
            Code::ArgumentDropped,
            format!(
                "`{}`: {list} not carried over (no DigitalOcean equivalent)",
                r.address()
            ),
        )
        .at(r.loc_of(dropped[0]))
        .resource(r.address()),
    );
}

/// Resource types a DigitalOcean project can hold (OpenAPI, "Projects": resource URNs).
const PROJECT_TYPES: &[&str] = &[
    "digitalocean_app",
    "digitalocean_database_cluster",
    "digitalocean_domain",
    "digitalocean_droplet",
    "digitalocean_reserved_ip",
    "digitalocean_kubernetes_cluster",
    "digitalocean_loadbalancer",
    "digitalocean_spaces_bucket",
    "digitalocean_volume",
];

/// Every taggable DigitalOcean resource carries `instance-id:${var.instance_id}` (DESIGN §3),
/// whichever rule emitted it and whether or not the origin wrote it by hand.
fn ensure_instance_tags(st: &mut State) {
    let tag = hclx::template("instance-id:${var.instance_id}");
    for e in st.emitted.iter_mut().filter(|e| e.mode == Mode::Managed) {
        if !e.ty.starts_with("digitalocean_") || !schema::has_attribute(&e.ty, "tags") {
            continue;
        }
        // A firewall's `tags` choose the droplets it applies to (OpenAPI `firewalls_add_tags`):
        // the appliance tag would apply its rules to every droplet and Kubernetes node of the
        // appliance. Firewalls carry the instance id in their name instead.
        if e.ty == "digitalocean_firewall" {
            continue;
        }
        // Changed in place (a copy of every resource's tags used to be taken and set back).
        let tags = match e.body.get_mut("tags") {
            None | Some(Expression::Null) => Expression::Array(vec![tag.clone()]),
            Some(Expression::Array(items)) => {
                if !items.contains(&tag) {
                    items.insert(0, tag.clone());
                }
                continue;
            }
            Some(other) => {
                let text = hclx::inline(other);
                if text.contains("instance-id:${var.instance_id}") {
                    continue;
                }
                format!("concat([\"instance-id:${{var.instance_id}}\"], {text})")
                    .parse()
                    .unwrap_or_else(|_| other.clone())
            }
        };
        e.body.set("tags", tags);
    }
}

/// One `digitalocean_project` per appliance (root) and `digitalocean_project_resources`
/// attaching every emitted resource that has a URN.
fn add_project(st: &mut State, is_root: bool) {
    // One list per resource, flattened: `[x.urn]`, `x[*].urn` (count), `values(x)[*].urn`
    // (for_each). The plain case is built directly (it is what parsing its text gives); the
    // others are parsed from their text. Any text that fails to parse empties the list, as
    // parsing the whole `flatten([…])` at once would.
    let mut urns: Option<Vec<Expression>> = Some(Vec::new());
    for e in st.emitted.iter().filter(|e| e.mode == Mode::Managed) {
        if !PROJECT_TYPES.contains(&e.ty.as_str()) {
            continue;
        }
        let base = hclx::path(&[e.ty.as_str(), e.name.as_str()]);
        let urn = if e.meta.count.is_some() {
            format!("{}[*].urn", hclx::inline(&base)).parse().ok()
        } else if e.meta.for_each.is_some() {
            format!("values({})[*].urn", hclx::inline(&base))
                .parse()
                .ok()
        } else {
            Some(Expression::Array(vec![hclx::path(&[
                e.ty.as_str(),
                e.name.as_str(),
                "urn",
            ])]))
        };
        match (urn, urns.as_mut()) {
            (Some(u), Some(list)) => list.push(u),
            _ => urns = None,
        }
    }
    let project_id = if is_root {
        let mut body = OutBody::new();
        body.set("name", hclx::template("ferry-${var.instance_id}"));
        body.set(
            "description",
            Expression::String("Ferry appliance (compiled by Ferry)".into()),
        );
        body.set("purpose", Expression::String("Web Application".into()));
        body.set("environment", Expression::String("production".into()));
        st.emitted.push(Emitted {
            mode: Mode::Managed,
            ty: "digitalocean_project".into(),
            name: "appliance".into(),
            body,
            meta: Meta::default(),
            origin: None,
        });
        hclx::path(&["digitalocean_project", "appliance", "id"])
    } else {
        hclx::path(&["var", "project_id"])
    };
    if urns.as_ref().is_some_and(|u| u.is_empty()) {
        return;
    }
    let resources = match urns {
        Some(items) => Expression::FuncCall(Box::new(hcl::expr::FuncCall {
            name: hcl::expr::FuncName::new(hcl::Identifier::unchecked("flatten")),
            args: vec![Expression::Array(items)],
            expand_final: false,
        })),
        None => Expression::Array(vec![]),
    };
    let mut body = OutBody::new();
    body.set("project", project_id);
    body.set("resources", resources);
    st.emitted.push(Emitted {
        mode: Mode::Managed,
        ty: "digitalocean_project_resources".into(),
        name: "appliance".into(),
        body,
        meta: Meta::default(),
        origin: None,
    });
}

/// A body from an origin HCL body, unchanged.
pub fn body_from_hcl(body: &hcl::Body) -> OutBody {
    let mut out = OutBody::new();
    for s in body.iter() {
        match s {
            hcl::Structure::Attribute(a) => out
                .items
                .push(Item::Attr(a.key().to_string().into(), a.expr().clone())),
            hcl::Structure::Block(b) => out.items.push(Item::Block(OutBlock {
                ident: b.identifier().to_string(),
                labels: b.labels.iter().map(|l| l.as_str().to_string()).collect(),
                body: body_from_hcl(&b.body),
            })),
        }
    }
    out
}

/// Writes a resource or data block: meta-arguments first, the body, then `depends_on` and
/// `lifecycle`; printed from the body in place rather than copied into an [`OutBlock`].
fn write_resource_block(out: &mut String, e: &Emitted) {
    let mut before = OutBody::new();
    if let Some(c) = &e.meta.count {
        before.set("count", c.clone());
    }
    if let Some(f) = &e.meta.for_each {
        before.set("for_each", f.clone());
    }
    if let Some(p) = &e.meta.provider {
        before.set("provider", p.clone());
    }
    let mut after = OutBody::new();
    if let Some(d) = &e.meta.depends_on
        && !matches!(d, Expression::Array(a) if a.is_empty())
    {
        after.set("depends_on", d.clone());
    }
    if let Some(l) = &e.meta.lifecycle {
        after.items.push(Item::Block(OutBlock {
            ident: "lifecycle".into(),
            labels: vec![],
            body: body_from_hcl(l),
        }));
    }
    let items: Vec<&Item> = before
        .items
        .iter()
        .chain(&e.body.items)
        .chain(&after.items)
        .collect();
    let ident = if e.mode == Mode::Data {
        "data"
    } else {
        "resource"
    };
    emit::write_block(out, ident, &[&e.ty, &e.name], &items, 0);
}

fn named_block(ident: &str, n: &Named) -> OutBlock {
    OutBlock {
        ident: ident.into(),
        labels: vec![n.name.clone()],
        body: body_from_hcl(&n.body),
    }
}

#[allow(clippy::too_many_arguments)]
fn emit_module(
    module: &Module,
    is_root: bool,
    emitted: &[Emitted],
    locals: &[origin::Local],
    outputs: &[Named],
    calls: &[Named],
    providers: &[Named],
    options: &Options,
    region: &str,
    stack_types: &BTreeSet<&str>,
    registry_dirs: &BTreeSet<String>,
    dns_dirs: &BTreeSet<String>,
    rule_vars: &[(String, OutBody)],
    unread: &BTreeSet<String>,
    deploy_inputs: &DeployInputs,
    passed: &[(String, OutBody)],
) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();

    // main.tf: locals, module calls, data sources, resources.
    let mut main = Vec::new();
    if !locals.is_empty() {
        let mut body = OutBody::new();
        for l in locals {
            body.set(l.name.clone(), l.expr.clone());
        }
        main.push(OutBlock {
            ident: "locals".into(),
            labels: vec![],
            body,
        });
    }
    // Local modules whose images name the appliance's registry get it passed on.
    let calls_into = |c: &Named, dirs: &BTreeSet<String>| {
        hclx::attr(&c.body, "source")
            .and_then(hclx::as_str)
            .and_then(|src| origin::join_dir(&module.dir, src))
            .is_some_and(|d| dirs.contains(&d))
    };
    let calls_registry = |c: &Named| calls_into(c, registry_dirs);
    let calls_dns = |c: &Named| calls_into(c, dns_dirs);
    for c in calls {
        let mut b = named_block("module", c);
        if calls_registry(c) && b.body.get("registry_name").is_none() {
            b.body
                .set("registry_name", hclx::path(&["var", "registry_name"]));
        }
        if calls_dns(c) && b.body.get("dns_domain").is_none() {
            b.body.set("dns_domain", hclx::path(&["var", "dns_domain"]));
        }
        for (n, _) in call_dir(module, c)
            .and_then(|d| deploy_inputs.get(&d))
            .into_iter()
            .flatten()
        {
            if b.body.get(n).is_none() {
                b.body.set(n.clone(), hclx::path(&["var", n]));
            }
        }
        for (k, v) in [
            ("instance_id", hclx::path(&["var", "instance_id"])),
            ("region", hclx::path(&["var", "region"])),
            (
                "project_id",
                if is_root {
                    hclx::path(&["digitalocean_project", "appliance", "id"])
                } else {
                    hclx::path(&["var", "project_id"])
                },
            ),
        ] {
            // `region` is always the appliance's: a module's own `region` variable gave way to
            // it, so an AWS region the origin passed must not reach it.
            if k == "region" || b.body.get(k).is_none() {
                b.body.set(k, v);
            }
        }
        main.push(b);
    }
    // Resources are printed from their bodies in place rather than copied into blocks first.
    let mut main_tf = emit::file(&main);
    let data = emitted.iter().filter(|e| e.mode == Mode::Data);
    let managed = emitted.iter().filter(|e| e.mode == Mode::Managed);
    for e in data.chain(managed) {
        if !main_tf.is_empty() {
            main_tf.push('\n');
        }
        write_resource_block(&mut main_tf, e);
    }
    files.insert("main.tf".to_string(), main_tf);

    // variables.tf: the origin's variables plus the appliance's own.
    let mut vars: Vec<OutBlock> = Vec::new();
    let declared: BTreeSet<&str> = module.variables.iter().map(|v| v.name.as_str()).collect();
    let mut injected = vec![(
        "instance_id",
        "Identifier of this appliance; part of every name and tag that must be unique per customer account.",
        if is_root {
            options.instance_id.clone().map(Expression::String)
        } else {
            None
        },
    )];
    injected.push((
        "region",
        "DigitalOcean region of the appliance.",
        if is_root {
            Some(Expression::String(region.to_string()))
        } else {
            None
        },
    ));
    if !is_root {
        injected.push(("project_id", "The appliance's DigitalOcean project.", None));
    }
    // A module that passes the registry on to local modules (or whose images use it) declares
    // it, unless the registry rule (`rules::ecr::ensure_registry`) already did.
    let rule_declared = rule_vars.iter().any(|(n, _)| n == "registry_name");
    let uses_registry = !rule_declared
        && (calls.iter().any(calls_registry)
            || emitted.iter().any(|e| {
                let mut hit = false;
                e.body
                    .exprs(&mut |x| hit = hit || hclx::mentions_var(x, "registry_name"));
                hit
            }));
    if uses_registry {
        injected.push((
            "registry_name",
            "Name of the appliance's DigitalOcean Container Registry (images are pulled from registry.digitalocean.com/<name>).",
            options
                .registry_name
                .clone()
                .filter(|_| is_root)
                .map(Expression::String),
        ));
    }
    // Likewise the domain of a hosted zone outside the stack (`rules::dns`).
    if calls.iter().any(calls_dns) && !rule_vars.iter().any(|(n, _)| n == "dns_domain") {
        injected.push(("dns_domain", rules::dns::DNS_DOMAIN_DESCRIPTION, None));
    }
    let uses_spaces = is_root
        && stack_types
            .iter()
            .any(|t| t.starts_with("digitalocean_spaces_"));
    for (name, description, default) in injected {
        // The origin's `region` gives way to the appliance's (see `compile_module`).
        if declared.contains(name) && name != "region" {
            continue;
        }
        let mut body = OutBody::new();
        body.set("description", Expression::String(description.into()));
        body.set("type", hclx::path(&["string"]));
        body.set_opt("default", default);
        vars.push(OutBlock {
            ident: "variable".into(),
            labels: vec![name.into()],
            body,
        });
    }
    if is_root && options.relay_url.is_some() {
        for (name, description, sensitive) in [
            (
                "ferry_relay_url",
                "Ferry relay endpoint: every DigitalOcean API call goes through it.",
                false,
            ),
            (
                "ferry_session_token",
                "Short-lived Ferry deploy-session credential (not a DigitalOcean token).",
                true,
            ),
        ] {
            let mut body = OutBody::new();
            body.set("description", Expression::String(description.into()));
            body.set("type", hclx::path(&["string"]));
            if !sensitive {
                body.set_opt("default", options.relay_url.clone().map(Expression::String));
            } else {
                body.set("sensitive", Expression::Bool(true));
            }
            vars.push(OutBlock {
                ident: "variable".into(),
                labels: vec![name.into()],
                body,
            });
        }
    }
    if uses_spaces {
        for (name, description) in [
            (
                "spaces_access_id",
                "Spaces access key id (Spaces buckets are managed through the S3 API).",
            ),
            (
                "spaces_secret_key",
                "Spaces secret key; Ferry's controller injects it at deploy time.",
            ),
        ] {
            let mut body = OutBody::new();
            body.set("description", Expression::String(description.into()));
            body.set("type", hclx::path(&["string"]));
            body.set("default", Expression::Null);
            body.set("sensitive", Expression::Bool(true));
            vars.push(OutBlock {
                ident: "variable".into(),
                labels: vec![name.into()],
                body,
            });
        }
    }
    for (name, body) in rule_vars.iter().chain(passed) {
        vars.push(OutBlock {
            ident: "variable".into(),
            labels: vec![name.clone()],
            body: body.clone(),
        });
    }
    for v in module.variables.iter().filter(|v| v.name != "region") {
        let mut b = named_block("variable", v);
        if let Some(Expression::String(t)) = b.body.get("type").cloned() {
            // Terraform 0.11 quoted type names.
            let upgraded = match t.as_str() {
                "string" => "string",
                "list" => "list(any)",
                "map" => "map(any)",
                _ => "any",
            };
            b.body.set(
                "type",
                upgraded.parse::<Expression>().unwrap_or(Expression::Null),
            );
        }
        // The origin's own `instance_id` takes the appliance's id when compiling for one, as
        // the injected declaration would: the stack then applies without `TF_VAR_instance_id`.
        if is_root
            && v.name == "instance_id"
            && let Some(id) = &options.instance_id
        {
            b.body.set("default", Expression::String(id.clone()));
        }
        if unread.contains(&v.name) {
            b.body.set("default", Expression::Null);
        }
        vars.push(b);
    }
    files.insert("variables.tf".to_string(), emit::file(&vars));

    let outs: Vec<OutBlock> = outputs.iter().map(|o| named_block("output", o)).collect();
    files.insert("outputs.tf".to_string(), emit::file(&outs));

    // versions.tf: required providers (and provider configuration in the root).
    let types: BTreeSet<&str> = emitted.iter().map(|e| e.ty.as_str()).collect();
    let k8s_provider = if is_root {
        kubernetes_provider(emitted, providers, options, stack_types)
    } else {
        None
    };
    // Helm releases and kubectl manifests the origin applied with the operator's kubeconfig
    // get providers wired to the stack's cluster (known gap #207).
    let helm_major = required_major(module, "helm").unwrap_or(2);
    let (helm_provider, kubectl_provider) = if is_root {
        (
            helm_provider(emitted, providers, options, stack_types, helm_major),
            kubectl_provider(emitted, providers, options, stack_types),
        )
    } else {
        (None, None)
    };
    let kept = kept_requirements(module, &types, providers);
    let mut required = OutBody::new();
    let known_providers: [(&str, &str, &str); 9] = [
        ("digitalocean", "digitalocean/digitalocean", "~> 2.0"),
        ("kubernetes", "hashicorp/kubernetes", "~> 2.0"),
        ("helm", "hashicorp/helm", "~> 2.0"),
        ("kubectl", "gavinbunney/kubectl", "~> 1.14"),
        ("random", "hashicorp/random", "~> 3.0"),
        ("tls", "hashicorp/tls", "~> 4.0"),
        ("null", "hashicorp/null", "~> 3.0"),
        ("time", "hashicorp/time", "~> 0.9"),
        // Archived, but what a kept `data "template_file"` needs (2.2.0 is its last release).
        ("template", "hashicorp/template", "~> 2.2"),
    ];
    for (name, source, version) in known_providers {
        // The origin's own requirement of helm or kubectl is kept as written (below): its
        // provider configuration is written for that version.
        if matches!(name, "helm" | "kubectl") && kept.iter().any(|(n, _)| n == name) {
            continue;
        }
        let used = name == "digitalocean"
            || (name == "kubernetes" && k8s_provider.is_some())
            || (name == "helm" && helm_provider.is_some())
            || (name == "kubectl" && kubectl_provider.is_some())
            // Helm only with Ferry's own provider block: an origin's block may be written for
            // another major version than the one pinned here.
            || (name != "helm" && types.iter().any(|t| t.starts_with(&format!("{name}_"))));
        if used {
            let obj = format!("{{ source = \"{source}\", version = \"{version}\" }}")
                .parse::<Expression>()
                .unwrap_or(Expression::Null);
            required.set(name, obj);
        }
    }
    // Other providers the stack keeps (`helm`, …) keep the origin's requirement as written:
    // their configuration is the origin's, and the newest major version may reject it (helm
    // provider 3.x refuses the `kubernetes {}` block form of 2.x).
    for (name, req) in kept {
        if required.get(&name).is_none() {
            required.set(name, req);
        }
    }
    let mut tf = OutBody::new();
    tf.set("required_version", Expression::String(">= 1.5".into()));
    tf.items.push(Item::Block(OutBlock {
        ident: "required_providers".into(),
        labels: vec![],
        body: required,
    }));
    let mut versions = vec![OutBlock {
        ident: "terraform".into(),
        labels: vec![],
        body: tf,
    }];
    if is_root {
        let mut p = OutBody::new();
        if options.relay_url.is_some() {
            p.set("api_endpoint", hclx::path(&["var", "ferry_relay_url"]));
            p.set("token", hclx::path(&["var", "ferry_session_token"]));
        }
        if uses_spaces {
            p.set("spaces_access_id", hclx::path(&["var", "spaces_access_id"]));
            p.set(
                "spaces_secret_key",
                hclx::path(&["var", "spaces_secret_key"]),
            );
        }
        versions.push(OutBlock {
            ident: "provider".into(),
            labels: vec!["digitalocean".into()],
            body: p,
        });
        let replaces_origin_k8s = k8s_provider.is_some();
        if let Some(p) = k8s_provider {
            versions.push(OutBlock {
                ident: "provider".into(),
                labels: vec!["kubernetes".into()],
                body: p,
            });
        }
        for (name, p) in [("helm", helm_provider), ("kubectl", kubectl_provider)] {
            if let Some(p) = p {
                versions.push(OutBlock {
                    ident: "provider".into(),
                    labels: vec![name.into()],
                    body: p,
                });
            }
        }
        for prov in providers.iter().filter(|p| p.name != "aws") {
            let default = hclx::attr(&prov.body, "alias").is_none();
            let default_k8s = prov.name == "kubernetes" && default;
            // A default block of the origin that selected no cluster: Ferry's block, wired to
            // the stack's cluster, stands for it and takes its other settings.
            let wired = default
                && matches!(prov.name.as_str(), "kubernetes" | "helm" | "kubectl")
                && !selects_cluster(prov);
            if wired
                && let Some(ours) = versions.iter_mut().find(|b| {
                    b.ident == "provider" && b.labels.first().is_some_and(|l| *l == prov.name)
                })
            {
                for item in named_block("provider", prov).body.items {
                    let taken = match &item {
                        Item::Attr(k, _) => ours.body.get(k).is_some(),
                        Item::Block(b) => ours.body.blocks(&b.ident).next().is_some(),
                    };
                    if !taken {
                        ours.body.items.push(item);
                    }
                }
                continue;
            }
            if default_k8s && replaces_origin_k8s {
                continue;
            }
            versions.push(named_block("provider", prov));
        }
    }
    files.insert("versions.tf".to_string(), emit::file(&versions));
    for (name, text) in files.iter_mut() {
        if name.ends_with(".tf") && text.contains("<<") {
            *text = emit::close_heredocs(text);
        }
    }
    files
}

/// The origin's `required_providers` entries of the providers the stack keeps as they are:
/// not AWS's, and used by a kept resource type (`helm_release`) or a kept provider block.
fn kept_requirements(
    module: &Module,
    types: &BTreeSet<&str>,
    providers: &[Named],
) -> Vec<(String, Expression)> {
    let mut out = Vec::new();
    for t in &module.terraform {
        for rp in hclx::blocks(&t.body, "required_providers") {
            for a in rp.attributes() {
                let name = a.key();
                let aws = matches!(name, "aws" | "awscc" | "archive");
                let used = types.iter().any(|t| {
                    t.strip_prefix(name)
                        .is_some_and(|rest| rest.starts_with('_'))
                }) || providers.iter().any(|p| p.name == name);
                if !aws && used && matches!(a.expr(), Expression::Object(_) | Expression::String(_))
                {
                    out.push((name.to_string(), a.expr().clone()));
                }
            }
        }
    }
    out
}

/// The root's `provider "kubernetes"` when the stack has Kubernetes resources (DESIGN §3,
/// provider wiring): see [`cluster_connection`]. `None` when nothing needs it, or when the
/// origin configures the provider itself and no relay is used (the origin's block is kept, its
/// references rewritten).
fn kubernetes_provider(
    emitted: &[Emitted],
    providers: &[Named],
    options: &Options,
    stack_types: &BTreeSet<&str>,
) -> Option<OutBody> {
    if !stack_types.iter().any(|t| t.starts_with("kubernetes_")) {
        return None;
    }
    if options.relay_url.is_none() && has_default_provider(providers, "kubernetes") {
        return None;
    }
    let mut p = OutBody::new();
    for (k, v) in cluster_connection(emitted, options)? {
        p.set(k, v);
    }
    Some(p)
}

/// The root's `provider "helm"` when the stack keeps Helm releases and the origin configures
/// no provider for them (it applied with the operator's kubeconfig, known gap #207): wired to
/// the stack's cluster like [`kubernetes_provider`], in the form of the helm provider version
/// the stack requires (2.x: a `kubernetes {}` block; 3.x: a `kubernetes = { … }` attribute).
fn helm_provider(
    emitted: &[Emitted],
    providers: &[Named],
    options: &Options,
    stack_types: &BTreeSet<&str>,
    major: u32,
) -> Option<OutBody> {
    if !stack_types.iter().any(|t| t.starts_with("helm_"))
        || has_default_provider(providers, "helm")
    {
        return None;
    }
    let connection = cluster_connection(emitted, options)?;
    let mut p = OutBody::new();
    if major >= 3 {
        let object = connection
            .into_iter()
            .map(|(k, v)| (hcl::ObjectKey::from(hcl::Identifier::unchecked(k)), v))
            .collect::<hcl::Object<_, _>>();
        p.set("kubernetes", Expression::Object(object));
    } else {
        let k8s = p.block("kubernetes");
        for (k, v) in connection {
            k8s.set(k, v);
        }
    }
    Some(p)
}

/// The root's `provider "kubectl"` (`gavinbunney/kubectl`) when the stack keeps kubectl
/// manifests and the origin configures no provider for them (known gap #207), wired like
/// [`kubernetes_provider`]; `load_config_file = false` keeps it from reading a local kubeconfig.
fn kubectl_provider(
    emitted: &[Emitted],
    providers: &[Named],
    options: &Options,
    stack_types: &BTreeSet<&str>,
) -> Option<OutBody> {
    if !stack_types.iter().any(|t| t.starts_with("kubectl_"))
        || has_default_provider(providers, "kubectl")
    {
        return None;
    }
    let mut p = OutBody::new();
    for (k, v) in cluster_connection(emitted, options)? {
        p.set(k, v);
    }
    p.set("load_config_file", Expression::Bool(false));
    Some(p)
}

/// Does the origin configure the default (unaliased) block of this provider with a
/// connection to a cluster? A block that selects none (`provider "helm" {}`, a block with only
/// registry or debug settings) leaves the provider on the operator's local kubeconfig: Ferry
/// wires it like a missing one, keeping the block's other settings (sweep 13 #219).
fn has_default_provider(providers: &[Named], name: &str) -> bool {
    default_provider(providers, name).is_some_and(selects_cluster)
}

/// The origin's default (unaliased) block of this provider.
fn default_provider<'p>(providers: &'p [Named], name: &str) -> Option<&'p Named> {
    providers
        .iter()
        .find(|p| p.name == name && hclx::attr(&p.body, "alias").is_none())
}

/// Whether a Kubernetes, Helm or kubectl provider block says which cluster it reaches: Helm
/// through its `kubernetes` block (2.x) or attribute (3.x), the others through their own
/// connection arguments.
fn selects_cluster(p: &Named) -> bool {
    let keys: &[&str] = if p.name == "helm" {
        &["kubernetes"]
    } else {
        crate::providers::SELECTS_CLUSTER
    };
    p.body.0.iter().any(|s| match s {
        hcl::Structure::Attribute(a) => keys.contains(&a.key.as_str()),
        hcl::Structure::Block(b) => keys.contains(&b.identifier.as_str()),
    })
}

/// How the root's Kubernetes providers reach the appliance's cluster: through the relay's
/// Kubernetes path when a relay URL is given (the relay URL is the DigitalOcean API path
/// `/relay/v1/appliances/{id}/do`; its sibling `/relay/v1/appliances/{id}/k8s` is the
/// Kubernetes API of the appliance's cluster, DESIGN §5), otherwise from the DOKS cluster of
/// the stack (endpoint, token and CA of its kubeconfig). `None` without either.
fn cluster_connection(
    emitted: &[Emitted],
    options: &Options,
) -> Option<Vec<(&'static str, Expression)>> {
    if options.relay_url.is_some() {
        return Some(vec![
            (
                "host",
                hclx::template("${trimsuffix(var.ferry_relay_url, \"/do\")}/k8s"),
            ),
            ("token", hclx::path(&["var", "ferry_session_token"])),
        ]);
    }
    let cluster = emitted
        .iter()
        .find(|e| e.mode == Mode::Managed && e.ty == "digitalocean_kubernetes_cluster")
        // The cluster of a module the root calls, found by name (`crate::xmod`).
        .or_else(|| {
            emitted.iter().find(|e| {
                e.mode == Mode::Data
                    && e.ty == "digitalocean_kubernetes_cluster"
                    && e.name == "stack"
            })
        })?;
    let data = if cluster.mode == Mode::Data {
        "data."
    } else {
        ""
    };
    let base = if cluster.meta.is_repeated() {
        format!("{data}digitalocean_kubernetes_cluster.{}[0]", cluster.name)
    } else {
        format!("{data}digitalocean_kubernetes_cluster.{}", cluster.name)
    };
    let parse = |t: String| t.parse::<Expression>().unwrap_or(Expression::Null);
    Some(vec![
        ("host", parse(format!("{base}.endpoint"))),
        ("token", parse(format!("{base}.kube_config[0].token"))),
        (
            "cluster_ca_certificate",
            parse(format!(
                "base64decode({base}.kube_config[0].cluster_ca_certificate)"
            )),
        ),
    ])
}

/// The major version a module's `required_providers` asks of a provider (`"~> 3.0"`,
/// `">= 2.12"` → 3, 2): the first number of its constraint.
fn required_major(module: &Module, name: &str) -> Option<u32> {
    for t in &module.terraform {
        for rp in hclx::blocks(&t.body, "required_providers") {
            let Some(a) = rp.attributes().find(|a| a.key() == name) else {
                continue;
            };
            let version = match a.expr() {
                Expression::String(s) => Some(s.clone()),
                e @ Expression::Object(_) => hclx::object_to_body(e).and_then(|b| {
                    hclx::attr(&b, "version")
                        .and_then(hclx::as_str)
                        .map(String::from)
                }),
                _ => None,
            }?;
            let digits: String = version
                .chars()
                .skip_while(|c| !c.is_ascii_digit())
                .take_while(|c| c.is_ascii_digit())
                .collect();
            return digits.parse().ok();
        }
    }
    None
}

/// Does the root find the stack's DOKS cluster by the name a module it calls outputs
/// (`data.digitalocean_kubernetes_cluster.stack`, [`crate::xmod::Facts::kubernetes_cluster`])?
/// When the root declares none and the stack has Kubernetes objects or Helm releases.
fn stack_cluster_by_name(
    options: &Options,
    xfacts: &crate::xmod::Facts,
    emitted: &[Emitted],
    child_types: &BTreeSet<String>,
) -> bool {
    options.relay_url.is_none()
        && xfacts
            .kubernetes_cluster
            .as_ref()
            .is_some_and(|c| c.name.is_some())
        && emitted
            .iter()
            .map(|e| e.ty.as_str())
            .chain(child_types.iter().map(String::as_str))
            .any(|t| {
                t.starts_with("kubernetes_") || t.starts_with("helm_") || t.starts_with("kubectl_")
            })
        && !emitted
            .iter()
            .any(|e| e.ty == "digitalocean_kubernetes_cluster")
}

/// The module folder a data file belongs to: the nearest folder above it that is a module.
fn owning_module<'o>(origin: &'o Origin, path: &str) -> &'o str {
    let mut dir = origin::dir_of(path);
    loop {
        if let Some((k, _)) = origin.modules.get_key_value(dir) {
            return k.as_str();
        }
        if dir.is_empty() {
            return "";
        }
        dir = origin::dir_of(dir);
    }
}

/// Removes the `set` / `set_sensitive` blocks (and the elements of a helm 3.x `set = [...]`
/// list) of a Helm release whose `value` is a literal `null`; returns their names.
fn prune_null_helm_sets(body: &mut crate::out::OutBody) -> Vec<String> {
    use crate::out::Item;
    let name_of = |e: Option<&Expression>| match e {
        Some(Expression::String(s)) => s.clone(),
        Some(other) => crate::hclx::inline(other),
        None => String::new(),
    };
    let mut removed = Vec::new();
    body.items.retain(|i| match i {
        Item::Block(b) if matches!(b.ident.as_str(), "set" | "set_sensitive") => {
            if matches!(b.body.get("value"), Some(Expression::Null)) {
                removed.push(name_of(b.body.get("name")));
                false
            } else {
                true
            }
        }
        _ => true,
    });
    for key in ["set", "set_sensitive"] {
        if let Some(Expression::Array(items)) = body.get_mut(key) {
            items.retain(|item| {
                let Expression::Object(o) = item else {
                    return true;
                };
                let field = |k: &str| {
                    o.iter()
                        .find(|(ok, _)| crate::hclx::object_key(ok).as_deref() == Some(k))
                        .map(|(_, v)| v)
                };
                if matches!(field("value"), Some(Expression::Null)) {
                    removed.push(name_of(field("name")));
                    false
                } else {
                    true
                }
            });
        }
    }
    removed
}

/// Removes the entries of `annotations` / `labels` maps in the `metadata` blocks of a
/// Kubernetes object (at any depth: a Deployment's pod template too) whose value is a literal
/// `null`; returns (map, key) of each.
fn prune_null_metadata_entries(body: &mut crate::out::OutBody) -> Vec<(&'static str, String)> {
    use crate::out::Item;
    let mut removed = Vec::new();
    for item in &mut body.items {
        let Item::Block(b) = item else {
            continue;
        };
        if b.ident == "metadata" {
            for (key, map) in [("annotations", "annotation"), ("labels", "label")] {
                if let Some(Expression::Object(o)) = b.body.get_mut(key) {
                    o.retain(|k, v| {
                        let null = matches!(v, Expression::Null);
                        if null {
                            removed.push((map, crate::hclx::object_key(k).unwrap_or_default()));
                        }
                        !null
                    });
                }
            }
        }
        removed.extend(prune_null_metadata_entries(&mut b.body));
    }
    removed
}

#[cfg(test)]
mod template_tests {
    use super::{has_number, literal_logins};

    #[test]
    fn a_port_is_a_number_of_its_own() {
        assert!(has_number("export DB_PORT=3306", "3306"));
        assert!(has_number("host:3306/app", "3306"));
        assert!(!has_number("timeout=33060", "3306"));
        assert!(!has_number("id=13306", "3306"));
    }

    #[test]
    fn literal_logins_are_settings_with_literal_values() {
        assert_eq!(
            literal_logins("export DB_PASSWORD=dbpassword11"),
            ["DB_PASSWORD"]
        );
        assert_eq!(
            literal_logins("export DB_USERNAME=dbadmin"),
            ["DB_USERNAME"]
        );
        assert_eq!(literal_logins(r#"  "db_user": "admin","#), ["db_user"]);
        assert_eq!(literal_logins("user = app"), ["user"]);
        // Variables, templates and other settings are not literal logins.
        assert!(literal_logins("export DB_PASSWORD=${db_password}").is_empty());
        assert!(literal_logins("export DB_PASSWORD=$PASS").is_empty());
        assert!(literal_logins("export DB_NAME=webappdb").is_empty());
        assert!(literal_logins("DB_PASSWORD=").is_empty());
        assert!(literal_logins("export USER_HOME=/home/app").is_empty());
    }
}
