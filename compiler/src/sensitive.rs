//! Outputs that carry values the deployment stack's providers mark sensitive.
//!
//! Terraform refuses a root module output that carries a sensitive value unless the output is
//! declared `sensitive = true` ("Output refers to sensitive values"). AWS attributes that
//! were plain become sensitive ones on DigitalOcean: an EKS cluster's
//! `certificate_authority[0].data` is `kube_config[0].cluster_ca_certificate`, and a whole
//! `aws_eks_cluster` object is a `digitalocean_kubernetes_cluster`, whose `kube_config` is
//! sensitive. So after the reference pass, every output is checked: a child module's outputs
//! that carry a sensitive value are remembered (its callers read them through
//! `module.x.y`, which Terraform marks sensitive too), and the root's are declared
//! `sensitive = true`, with a note.
//!
//! The attributes below are those the provider schemas in `shared/reference`
//! (`do-provider-tfschema.json`, `k8s-provider-tfschema.json`, `random-provider-tfschema.json`)
//! mark `"sensitive": true`, for the types Ferry emits or keeps; resources and data sources of
//! a type share the list.

use crate::diag::{Code, Diagnostic};
use crate::hclx;
use crate::origin::Named;
use hcl::Expression;
use hcl::expr::TraversalOperator as Op;
use std::collections::{BTreeMap, BTreeSet};

/// Type → its sensitive top-level attributes (sorted by type for the binary search).
const SENSITIVE: &[(&str, &[&str])] = &[
    ("digitalocean_certificate", &["private_key"]),
    (
        "digitalocean_container_registry_docker_credentials",
        &["docker_credentials"],
    ),
    (
        "digitalocean_database_cluster",
        &["password", "private_uri", "ui_password", "ui_uri", "uri"],
    ),
    (
        "digitalocean_database_connection_pool",
        &["password", "private_uri", "uri"],
    ),
    ("digitalocean_database_metrics_credentials", &["password"]),
    (
        "digitalocean_database_replica",
        &["password", "private_uri", "uri"],
    ),
    (
        "digitalocean_database_user",
        &["access_cert", "access_key", "password"],
    ),
    ("digitalocean_kubernetes_cluster", &["kube_config"]),
    ("digitalocean_spaces_key", &["secret_key"]),
    ("kubernetes_secret", &["binary_data", "data"]),
    ("kubernetes_secret_v1", &["binary_data", "data"]),
    ("kubernetes_token_request_v1", &["token"]),
    ("random_password", &["result"]),
];

fn sensitive_attrs(ty: &str) -> Option<&'static [&'static str]> {
    SENSITIVE
        .binary_search_by(|(t, _)| (*t).cmp(ty))
        .ok()
        .and_then(|i| SENSITIVE.get(i))
        .map(|(_, attrs)| *attrs)
}

/// The first sensitive value `e` reads, as text for a message: an attribute of a type in
/// [`SENSITIVE`] (or the whole object, which holds it), or an output of a local module call
/// that carries one (`children`: call name → such outputs).
pub fn carried(e: &Expression, children: &BTreeMap<String, BTreeSet<String>>) -> Option<String> {
    let mut found = None;
    hclx::walk(e, &mut |x| {
        if found.is_some() {
            return;
        }
        let Some((root, ops)) = hclx::traversal_root(x) else {
            return;
        };
        let (ty, rest) = match (root, ops) {
            ("data", [Op::GetAttr(t), Op::GetAttr(_), rest @ ..]) => (t.as_str(), rest),
            ("module", [Op::GetAttr(m), rest @ ..]) => {
                let Some(outs) = children.get(m.as_str()) else {
                    return;
                };
                found = match rest.first() {
                    Some(Op::GetAttr(o)) if outs.contains(o.as_str()) => {
                        Some(format!("`module.{m}.{o}`"))
                    }
                    Some(Op::GetAttr(_)) => None,
                    _ => outs.first().map(|o| format!("`module.{m}.{o}`")),
                };
                return;
            }
            (ty, [Op::GetAttr(_), rest @ ..]) => (ty, rest),
            _ => return,
        };
        let Some(attrs) = sensitive_attrs(ty) else {
            return;
        };
        // The attribute read, past instance keys and splats; none: the whole object.
        let attr = rest.iter().find_map(|op| match op {
            Op::GetAttr(a) => Some(a.as_str()),
            _ => None,
        });
        found = match attr {
            Some(a) if attrs.contains(&a) => Some(format!("`{a}` of `{ty}`")),
            Some(_) => None,
            None => attrs.first().map(|a| format!("`{ty}` (its `{a}`)")),
        };
    });
    found
}

fn declared_sensitive(o: &Named) -> bool {
    matches!(
        hclx::attr(&o.body, "sensitive"),
        Some(Expression::Bool(true))
    )
}

/// Checks the module's outputs after the reference pass. Returns the names of those whose
/// value is sensitive for callers (declared so, or carrying a sensitive value); in the root
/// module, the ones that carry a sensitive value without saying so are declared
/// `sensitive = true`, each with a note.
pub fn outputs(
    outputs: &mut [Named],
    is_root: bool,
    children: &BTreeMap<String, BTreeSet<String>>,
    diags: &mut Vec<Diagnostic>,
) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for o in outputs.iter_mut() {
        let what = hclx::attr(&o.body, "value").and_then(|v| carried(v, children));
        if declared_sensitive(o) {
            names.insert(o.name.clone());
            continue;
        }
        let Some(what) = what else {
            continue;
        };
        names.insert(o.name.clone());
        if !is_root {
            continue;
        }
        o.body
            .0
            .retain(|s| !matches!(s, hcl::Structure::Attribute(a) if a.key() == "sensitive"));
        o.body.0.push(hcl::Structure::Attribute(hcl::Attribute::new(
            "sensitive",
            true,
        )));
        diags.push(
            Diagnostic::new(
                Code::ValueConverted,
                format!(
                    "output `{}` reads {what}, which is sensitive on DigitalOcean; it is declared `sensitive = true`, since Terraform refuses a root output that carries a sensitive value otherwise",
                    o.name
                ),
            )
            .at(o.loc.clone())
            .resource(format!("output.{}", o.name))
            .help(format!(
                "read it with `tofu output -raw {}` (or `-json`); the plan and apply logs show it as (sensitive value)",
                o.name
            )),
        );
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expr(s: &str) -> Expression {
        s.parse().expect("expression")
    }

    #[test]
    fn the_table_is_sorted() {
        assert!(SENSITIVE.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn sensitive_attributes_objects_and_module_outputs_are_found() {
        let none = BTreeMap::new();
        let c = |s: &str| carried(&expr(s), &none);
        assert!(
            c("digitalocean_kubernetes_cluster.x.kube_config[0].cluster_ca_certificate").is_some()
        );
        assert!(c("digitalocean_kubernetes_cluster.x").is_some());
        assert!(c("digitalocean_kubernetes_cluster.x[0]").is_some());
        assert!(c("digitalocean_kubernetes_cluster.x.endpoint").is_none());
        assert!(c("\"${digitalocean_database_cluster.db.uri}\"").is_some());
        assert!(c("digitalocean_database_cluster.db.host").is_none());
        assert!(c("data.digitalocean_kubernetes_cluster.x.kube_config").is_some());
        assert!(c("digitalocean_vpc.x").is_none());
        let mut children = BTreeMap::new();
        children.insert("eks".to_string(), BTreeSet::from(["cluster".to_string()]));
        assert!(carried(&expr("module.eks.cluster"), &children).is_some());
        assert!(carried(&expr("module.eks"), &children).is_some());
        assert!(carried(&expr("module.eks.vpc_id"), &children).is_none());
    }
}
