//! The origin's `provider "kubernetes"` blocks after the reference pass (the root keeps them,
//! their references rewritten): arguments the provider version the stack requires rejects, and
//! connection arguments that lost their cluster.
//!
//! The stack requires `hashicorp/kubernetes ~> 2.0`; provider v2 removed `load_config_file`
//! (v1) and rejects any argument outside its schema (`shared/reference/k8s-provider-tfschema.json`
//! → `provider`). A block whose `host` / `token` / certificates read an EKS cluster Ferry could
//! not map (a cluster outside the stack, a registry module Ferry does not expand) gets `null`
//! there and would reach no cluster: it is wired to the stack's DOKS cluster when there is one,
//! and reported either way. A block that gets its token from the AWS CLI (`exec { command =
//! "aws" }`) is treated the same. So is the nested `kubernetes {}` block of a `provider "helm"`
//! (helm provider 2.x), the way Helm reaches its cluster, and its helm provider 3.x form, the
//! attribute `kubernetes = { … }` (with `exec = { … }` inside), and the community
//! `provider "kubectl"` (`gavinbunney/kubectl`), which connects with the same arguments.

use crate::diag::{Code, Diagnostic, Severity};
use crate::hclx;
use crate::origin::{Mode, Named};
use crate::out::Emitted;
use crate::source::Loc;
use hcl::{Body, Expression, Structure};
use std::collections::BTreeSet;

/// Arguments and blocks of the kubernetes provider v2 (`k8s-provider-tfschema.json`), and
/// Terraform's `alias`.
const V2_ARGS: &[&str] = &[
    "alias",
    "client_certificate",
    "client_key",
    "cluster_ca_certificate",
    "config_context",
    "config_context_auth_info",
    "config_context_cluster",
    "config_path",
    "config_paths",
    "exec",
    "experiments",
    "host",
    "ignore_annotations",
    "ignore_labels",
    "insecure",
    "password",
    "proxy_url",
    "tls_server_name",
    "token",
    "username",
];

/// Arguments that say which cluster a Kubernetes provider (or Helm's `kubernetes`, kubectl)
/// talks to and how it authenticates; `pipeline` reads them to tell whether a provider block
/// selects a cluster.
pub(crate) const SELECTS_CLUSTER: &[&str] = &[
    "host",
    "token",
    "cluster_ca_certificate",
    "client_certificate",
    "client_key",
    "username",
    "password",
    "config_path",
    "config_paths",
    "config_context",
    "config_context_auth_info",
    "config_context_cluster",
    "exec",
];

/// TLS settings of the connection, replaced with it when Ferry wires the provider.
const TLS: &[&str] = &["insecure", "tls_server_name"];

/// Every connection argument: [`SELECTS_CLUSTER`] and [`TLS`].
fn connection() -> impl Iterator<Item = &'static &'static str> {
    SELECTS_CLUSTER.iter().chain(TLS)
}

/// Checks and repairs the root's `provider "kubernetes"` blocks. `providers` are the rewritten
/// non-AWS provider blocks, `origin` the same blocks as written (same order); `replaced`: the
/// default (unaliased) block is replaced by Ferry's own (relay wiring); `by_name`: the stack's
/// cluster when it is declared in a module the root calls (the data source finding it by name).
pub fn kubernetes(
    providers: &mut [Named],
    origin: &[Named],
    emitted: &[Emitted],
    by_name: Option<&str>,
    replaced: bool,
    diags: &mut Vec<Diagnostic>,
) {
    let cluster = emitted
        .iter()
        .find(|e| e.mode == Mode::Managed && e.ty == "digitalocean_kubernetes_cluster")
        .map(|c| {
            if c.meta.is_repeated() {
                format!("digitalocean_kubernetes_cluster.{}[0]", c.name)
            } else {
                format!("digitalocean_kubernetes_cluster.{}", c.name)
            }
        })
        // The cluster of a module the root calls, found by name (`crate::xmod`).
        .or_else(|| by_name.map(String::from));
    let has_k8s = emitted.iter().any(|e| e.ty.starts_with("kubernetes_"));
    let has_helm = emitted.iter().any(|e| e.ty.starts_with("helm_"));
    let has_kubectl = emitted.iter().any(|e| e.ty.starts_with("kubectl_"));
    for (p, o) in providers.iter_mut().zip(origin) {
        if !matches!(p.name.as_str(), "kubernetes" | "helm" | "kubectl") {
            continue;
        }
        let alias = hclx::attr(&p.body, "alias").and_then(|e| hclx::as_str(e).map(String::from));
        if p.name == "kubectl" {
            // The community kubectl provider (`gavinbunney/kubectl`, `alekc/kubectl`) connects
            // with the kubernetes provider's arguments; `load_config_file` is one of its own.
            let label = match &alias {
                Some(a) => format!("provider \"kubectl\" (alias `{a}`)"),
                None => "provider \"kubectl\"".to_string(),
            };
            let loc = p.loc.clone();
            let needed = has_kubectl.then_some("kubectl manifests");
            check(&mut p.body, &o.body, &label, &cluster, needed, &loc, diags);
            continue;
        }
        if p.name == "helm" {
            // Helm reaches its cluster through a nested `kubernetes {}` block (helm provider
            // 2.x), which the same checks apply to.
            let label = match &alias {
                Some(a) => format!("provider \"helm\" (alias `{a}`) {{ kubernetes }}"),
                None => "provider \"helm\" { kubernetes }".to_string(),
            };
            let Some(was) = hclx::blocks(&o.body, "kubernetes").into_iter().next() else {
                continue;
            };
            let loc = p.loc.clone();
            let needed = has_helm.then_some("Helm releases");
            for s in &mut p.body.0 {
                match s {
                    Structure::Block(b) if b.identifier.as_str() == "kubernetes" => {
                        check(&mut b.body, &was, &label, &cluster, needed, &loc, diags);
                    }
                    // Helm provider 3.x: `kubernetes = { … }`, an attribute holding an
                    // object (and `exec = { … }` inside it). Checked as a body, written back
                    // as the object it was.
                    Structure::Attribute(a) if a.key.as_str() == "kubernetes" => {
                        let Some(mut body) = hclx::object_to_body(&a.expr) else {
                            continue;
                        };
                        check(&mut body, &was, &label, &cluster, needed, &loc, diags);
                        a.expr = body_to_object(body);
                    }
                    _ => {}
                }
            }
            continue;
        }
        if replaced && alias.is_none() {
            continue;
        }
        let label = match &alias {
            Some(a) => format!("provider \"kubernetes\" (alias `{a}`)"),
            None => "provider \"kubernetes\"".to_string(),
        };
        drop_v1_args(p, &label, diags);
        let loc = p.loc.clone();
        let needed = has_k8s.then_some("Kubernetes resources");
        check(&mut p.body, &o.body, &label, &cluster, needed, &loc, diags);
    }
}

/// The connection of one provider block (`body`, rewritten; `origin`, as written): wired to
/// the stack's DOKS cluster when it lost its own, and reported either way. `needed`: the
/// stack's resources of that provider (e.g. "Kubernetes resources"), if it has any: they
/// cannot be applied without a cluster.
fn check(
    body: &mut Body,
    origin: &Body,
    label: &str,
    cluster: &Option<String>,
    needed: Option<&str>,
    loc: &Loc,
    diags: &mut Vec<Diagnostic>,
) {
    let lost = lost_connection(body, origin);
    if lost.is_empty() {
        return;
    }
    let read = references(origin);
    let read = if read.is_empty() {
        String::new()
    } else {
        format!(" (it read `{}`)", read.join("`, `"))
    };
    match cluster {
        Some(c) => {
            wire(body, c);
            diags.push(
                Diagnostic::new(
                    Code::UnmappedReference,
                    format!("`{label}`: {} had no counterpart in the stack{read}; Ferry wired the provider to the stack's DOKS cluster `{c}`", lost.join(", ")),
                )
                .at(loc.clone())
                .help("if the provider should reach another cluster, configure it for that cluster in the origin"),
            );
        }
        None => diags.push(
            Diagnostic::new(
                Code::UnmappedReference,
                format!("`{label}`: {} had no counterpart in the stack{read}, so the provider reaches no cluster{}", lost.join(", "), needed.map(|n| format!(" and the stack's {n} cannot be applied")).unwrap_or_default()),
            )
            .at(loc.clone())
            .severity(if needed.is_some() { Severity::Error } else { Severity::Warning })
            .help("declare the cluster in the stack (an `aws_eks_cluster`, or a registry module Ferry maps), or configure the provider for an existing cluster (e.g. `host` and `token` from variables)"),
        ),
    }
}

/// Removes what the v2 provider rejects (`load_config_file`, …), with F303.
fn drop_v1_args(p: &mut Named, label: &str, diags: &mut Vec<Diagnostic>) {
    let mut dropped = Vec::new();
    p.body.0.retain(|s| {
        let key = match s {
            Structure::Attribute(a) => a.key.as_str(),
            Structure::Block(b) => b.identifier.as_str(),
        };
        let keep = V2_ARGS.contains(&key);
        if !keep {
            dropped.push(format!("`{key}`"));
        }
        keep
    });
    if !dropped.is_empty() {
        diags.push(
            Diagnostic::new(
                Code::ArgumentDropped,
                format!(
                    "`{label}`: {} not carried over: the kubernetes provider 2.x the stack requires no longer accepts it",
                    dropped.join(", ")
                ),
            )
            .at(p.loc.clone())
            .help("provider 2.x reads no kubeconfig unless `config_path` is set"),
        );
    }
}

/// The connection arguments that became `null` in the rewrite (or an `exec` block running the
/// AWS CLI), as `` `host` `` etc.
fn lost_connection(body: &Body, origin: &Body) -> Vec<String> {
    let mut lost = Vec::new();
    for key in connection() {
        let (Some(now), Some(was)) = (hclx::attr(body, key), hclx::attr(origin, key)) else {
            continue;
        };
        if has_null(now) && !has_null(was) {
            lost.push(format!("`{key}`"));
        }
    }
    for exec in hclx::blocks(body, "exec") {
        let cmd = hclx::attr(&exec, "command").and_then(hclx::as_str);
        if matches!(cmd, Some("aws" | "aws-iam-authenticator")) {
            lost.push(format!(
                "the AWS CLI token (`exec {{ command = \"{}\" }}`)",
                cmd.unwrap_or_default()
            ));
        }
    }
    lost
}

fn has_null(e: &Expression) -> bool {
    let mut hit = false;
    hclx::walk(e, &mut |x| hit |= matches!(x, Expression::Null));
    hit
}

/// The data sources and modules the block reads, as written.
fn references(body: &Body) -> Vec<String> {
    use hcl::expr::TraversalOperator::GetAttr;
    let mut out = BTreeSet::new();
    hclx::walk_body(body, &mut |e| match hclx::traversal_root(e) {
        Some(("data", [GetAttr(t), GetAttr(n), ..])) => {
            out.insert(format!("data.{t}.{n}"));
        }
        Some(("module", [GetAttr(m), GetAttr(o), ..])) => {
            out.insert(format!("module.{m}.{o}"));
        }
        _ => {}
    });
    out.into_iter().collect()
}

/// A body of attributes (what [`hclx::object_to_body`] made of an object) as an object again.
fn body_to_object(body: Body) -> Expression {
    let obj: hcl::Object<hcl::expr::ObjectKey, Expression> = body
        .into_attributes()
        .map(|a| (hcl::expr::ObjectKey::from(a.key), a.expr))
        .collect();
    Expression::Object(obj)
}

/// The connection of `body` replaced by the DOKS cluster's endpoint, token and CA.
fn wire(body: &mut Body, cluster: &str) {
    body.0.retain(|s| {
        let key = match s {
            Structure::Attribute(a) => a.key.as_str(),
            Structure::Block(b) => b.identifier.as_str(),
        };
        !connection().any(|k| *k == key)
    });
    let parse = |t: String| t.parse::<Expression>().unwrap_or(Expression::Null);
    let attrs = [
        ("host", parse(format!("{cluster}.endpoint"))),
        ("token", parse(format!("{cluster}.kube_config[0].token"))),
        (
            "cluster_ca_certificate",
            parse(format!(
                "base64decode({cluster}.kube_config[0].cluster_ca_certificate)"
            )),
        ),
    ];
    for (i, (k, v)) in attrs.into_iter().enumerate() {
        body.0.insert(
            i.min(body.0.len()),
            Structure::Attribute(hcl::Attribute::new(k, v)),
        );
    }
}
