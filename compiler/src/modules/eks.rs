//! Kubernetes: `eks` (v20/v21), its `//modules/eks-managed-node-group`, `//modules/aws-auth` and
//! `//modules/karpenter`.

use super::{B, Builder, META, elements, entries, get, no_resources, num, obj_block, rref, s};
use crate::diag::{Code, Diagnostic};
use crate::hclx;
use hcl::Expression;

/// eks//modules/aws-auth (v20): the `aws-auth` ConfigMap, which maps IAM roles, users and
/// accounts to Kubernetes users and groups. A DOKS cluster authenticates DigitalOcean API tokens
/// (the kubeconfig `doctl` saves), so there is no IAM identity to map: the module creates
/// nothing, and a warning names the mappings that are not carried over.
pub(super) fn eks_aws_auth(b: &mut Builder<'_>) {
    b.understood(&[
        "create",
        "create_aws_auth_configmap",
        "manage_aws_auth_configmap",
    ]);
    let mapped: Vec<&str> = ["aws_auth_roles", "aws_auth_users", "aws_auth_accounts"]
        .into_iter()
        .filter(|k| b.has(k))
        .collect();
    b.understood(&mapped);
    let what = if mapped.is_empty() {
        "no IAM identity".to_string()
    } else {
        mapped
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    b.diags.push(
        Diagnostic::new(
            Code::FeatureUnsupported,
            format!(
                "`{}` maps IAM identities to Kubernetes users and groups in the `aws-auth` ConfigMap ({what}); a DOKS cluster authenticates DigitalOcean API tokens, so the module creates nothing and those identities get no access",
                b.addr()
            ),
        )
        .at(b.call.loc.clone())
        .resource(b.addr())
        .help("give the people and pipelines that need the cluster a DigitalOcean team role (or a token) and fetch its kubeconfig with `doctl kubernetes cluster kubeconfig save <cluster>`; bind Kubernetes RBAC roles to their users in the cluster if they need less than admin"),
    );
}

/// eks//modules/karpenter (v19–v21): the AWS side of Karpenter — the controller's IAM role
/// (IRSA or Pod Identity), the IAM role and instance profile of the nodes it launches, their
/// access entry, and the SQS queue with the EventBridge rules that tell it of spot
/// interruptions. Karpenter launches EC2 instances; a DOKS node pool's own autoscaler adds and
/// removes droplets (`auto_scale`, `min_nodes`, `max_nodes`), so the module creates nothing,
/// with a warning. Its outputs (`iam_role_arn`, `queue_name`, `node_iam_role_name`, …) read
/// `null` (F401), and the chart's `set`s that read them are left out.
pub(super) fn eks_karpenter(b: &mut Builder<'_>) {
    if !b.created(&["create"]) {
        no_resources(b, &["iam_role_arn", "queue_name", "node_iam_role_name"]);
        return;
    }
    b.absorb_matching(
        |k| !META.contains(&k),
        "IAM roles and policies, instance profile, access entry, SQS queue and EventBridge rules of Karpenter's AWS side",
    );
    for o in [
        "iam_role_arn",
        "iam_role_name",
        "node_iam_role_arn",
        "node_iam_role_name",
        "instance_profile_name",
        "queue_name",
        "queue_arn",
        "queue_url",
        "service_account",
    ] {
        b.out_unmapped(
            o,
            "the EKS module's karpenter submodule creates nothing on DOKS (Karpenter's IAM roles, SQS queue and instance profile have no counterpart)",
        );
    }
    b.diags.push(
        Diagnostic::new(
            Code::FeatureUnsupported,
            format!(
                "`{}` creates the AWS side of Karpenter (IAM roles for its controller and its nodes, the nodes' access entry, an SQS interruption queue and its EventBridge rules); Karpenter launches EC2 instances, so on DOKS the module creates nothing: the cluster's node pools scale themselves",
                b.addr()
            ),
        )
        .at(b.call.loc.clone())
        .resource(b.addr())
        .help("give the node pool that should grow `auto_scale = true` with `min_nodes` / `max_nodes` (an EKS managed node group's `min_size` / `max_size` become them), and remove the Karpenter chart and its `NodePool` / `EC2NodeClass` objects from the deployment stack"),
    );
}

pub(super) fn eks(b: &mut Builder<'_>) {
    if !b.created(&["create"]) {
        no_resources(b, &["cluster_name", "cluster_endpoint"]);
        return;
    }
    // v21 renamed `cluster_name` → `name`, `cluster_version` → `kubernetes_version`,
    // `cluster_endpoint_public_access` → `endpoint_public_access`, …
    let pick = |b: &mut Builder<'_>, new: &str, old: &str| b.input(new).or_else(|| b.input(old));
    let name = pick(b, "name", "cluster_name");
    let version = pick(b, "kubernetes_version", "cluster_version");
    let public = pick(
        b,
        "endpoint_public_access",
        "cluster_endpoint_public_access",
    );
    let private = pick(
        b,
        "endpoint_private_access",
        "cluster_endpoint_private_access",
    );
    let cidrs = pick(
        b,
        "endpoint_public_access_cidrs",
        "cluster_endpoint_public_access_cidrs",
    );
    let subnets = b.input("subnet_ids");
    let cp_subnets = b.input("control_plane_subnet_ids");
    let logs = pick(b, "enabled_log_types", "cluster_enabled_log_types");

    let mut body = B::new();
    body.set_opt("name", name);
    body.set_opt("version", version.clone());
    body.set_opt("enabled_cluster_log_types", logs);
    let mut vpc = B::new();
    vpc.set_opt("subnet_ids", cp_subnets.or(subnets.clone()));
    vpc.set_opt("endpoint_public_access", public);
    vpc.set_opt("endpoint_private_access", private);
    vpc.set_opt("public_access_cidrs", cidrs);
    body.block("vpc_config", vpc);
    let cluster = b.resource("aws_eks_cluster", &b.base(), body);

    // Managed node groups, with `eks_managed_node_group_defaults` (v20).
    let defaults = b
        .input_literal("eks_managed_node_group_defaults")
        .unwrap_or(Expression::Object(hcl::Object::new()));
    if let Some(groups) = b.input_literal("eks_managed_node_groups") {
        for (key, g) in entries(&groups) {
            let field = |k: &str| get(&g, k).or_else(|| get(&defaults, k));
            let name = format!("{}_{key}", b.base());
            eks_node_group(
                b,
                &name,
                &key,
                &field,
                rref(&cluster, "name"),
                version.clone(),
                subnets.clone(),
            );
        }
    }
    b.understood(&[
        "tags",
        "cluster_tags",
        "vpc_id",
        "enable_cluster_creator_admin_permissions",
        "enable_irsa",
        "authentication_mode",
        "access_entries",
        "iam_role_arn",
        "create_iam_role",
        "kms_key_administrators",
        "create_kms_key",
        "cluster_encryption_config",
        "encryption_config",
    ]);
    b.absorb_matching(
        |k| {
            k.contains("security_group")
                || k.starts_with("iam_role_")
                || k.starts_with("kms_")
                || k.starts_with("cloudwatch_log_group_")
                || k == "create_cloudwatch_log_group"
        },
        "IAM, KMS, CloudWatch and security groups of the cluster have no DOKS counterpart; DOKS manages its control plane access",
    );

    b.outs(
        &cluster,
        &[
            ("cluster_name", "name"),
            ("cluster_id", "id"),
            ("cluster_arn", "arn"),
            ("cluster_endpoint", "endpoint"),
            (
                "cluster_certificate_authority_data",
                "certificate_authority",
            ),
            ("cluster_version", "version"),
            ("cluster_platform_version", "platform_version"),
            ("cluster_status", "status"),
        ],
    );
    for o in [
        "cluster_security_group_id",
        "node_security_group_id",
        "cluster_primary_security_group_id",
    ] {
        b.out_unmapped(
            o,
            "DOKS manages the cluster's firewall; there is no security group",
        );
    }
    for o in [
        "oidc_provider",
        "oidc_provider_arn",
        "cluster_oidc_issuer_url",
        "cluster_iam_role_arn",
        "cluster_iam_role_name",
    ] {
        b.out_unmapped(o, "DOKS has no IAM roles or IAM OIDC provider");
    }
    b.out_unmapped(
        "eks_managed_node_groups",
        "node groups become DOKS node pools",
    );
}

/// One managed node group of the eks module (or its `//modules/eks-managed-node-group`), from
/// its settings (`field`).
fn eks_node_group(
    b: &mut Builder<'_>,
    name: &str,
    key: &str,
    field: &dyn Fn(&str) -> Option<Expression>,
    cluster_name: Expression,
    version: Option<Expression>,
    subnets: Option<Expression>,
) -> String {
    let mut ng = B::new();
    ng.set("cluster_name", cluster_name);
    ng.set("node_group_name", field("name").unwrap_or_else(|| s(key)));
    ng.set_opt("version", field("cluster_version").or(version));
    ng.set_opt("instance_types", field("instance_types"));
    for k in ["capacity_type", "ami_type", "disk_size", "labels"] {
        ng.set_opt(k, field(k));
    }
    ng.set_opt("subnet_ids", field("subnet_ids").or(subnets));
    // The node group submodule's defaults: min 1, max 3, desired 1.
    let mut sc = B::new();
    sc.set("min_size", field("min_size").unwrap_or(num(1)));
    sc.set("max_size", field("max_size").unwrap_or(num(3)));
    sc.set("desired_size", field("desired_size").unwrap_or(num(1)));
    ng.block("scaling_config", sc);
    // `taints = { k = { key, value, effect } }` (a map in v20, a list before).
    if let Some(t) = field("taints") {
        for taint in elements(&t) {
            ng.block("taint", obj_block(&taint, &[]));
        }
    }
    b.resource("aws_eks_node_group", name, ng)
}

/// `//modules/eks-managed-node-group`: one node group of a cluster named by `cluster_name`.
pub(super) fn eks_managed_node_group(b: &mut Builder<'_>) {
    if !b.created(&["create"]) {
        no_resources(b, &["node_group_id"]);
        return;
    }
    let Some(cluster_name) = b.input("cluster_name") else {
        b.note(
            Code::FeatureUnsupported,
            format!(
                "`{}` names no `cluster_name`: Ferry cannot tell which cluster the node group joins, so it mapped nothing",
                b.addr()
            ),
        );
        no_resources(b, &["node_group_id"]);
        return;
    };
    let call = b.call;
    let field = |k: &str| {
        hclx::attr(&call.body, k)
            .filter(|e| !matches!(e, Expression::Null))
            .cloned()
    };
    let (base, key) = (b.base(), call.name.clone());
    let ng = eks_node_group(b, &base, &key, &field, cluster_name, None, None);
    b.understood(&[
        "name",
        "cluster_version",
        "instance_types",
        "capacity_type",
        "ami_type",
        "disk_size",
        "labels",
        "subnet_ids",
        "min_size",
        "max_size",
        "desired_size",
        "taints",
        "tags",
        "putin_khuylo",
    ]);
    b.absorb_matching(
        |k| {
            k.starts_with("iam_")
                || k.starts_with("create_iam")
                || k.starts_with("launch_template")
                || k.starts_with("use_custom_launch_template")
                || k.starts_with("cluster_")
                || k.starts_with("vpc_security_group")
                || k == "cluster_service_cidr"
        },
        "node IAM roles, launch templates and cluster networking: DOKS manages the nodes",
    );
    b.outs(
        &ng,
        &[
            ("node_group_id", "id"),
            ("node_group_arn", "arn"),
            ("node_group_status", "status"),
        ],
    );
}
