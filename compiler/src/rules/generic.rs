//! The fallback for everything without a dedicated rule. It is never silent:
//!
//! * resources that are not AWS (`digitalocean_*`, `random_*`, `kubernetes_*`, …) are kept as
//!   written (their references are still rewritten);
//! * AWS types of a service in the catalog ([`super::catalog::FAMILIES`]) get the catalog's
//!   outcome: dropped with a note, unsupported with the DigitalOcean alternative, or "mapped in
//!   a later version" — so `aws_dynamodb_table_replica` is covered by `aws_dynamodb`;
//! * every other AWS type is unsupported with a generic error, and every other AWS data source
//!   with a warning (references to it become `null`).

use super::{Cx, OutcomeRec, RuleDef, catalog};
use crate::diag::{Code, Diagnostic};
use crate::origin::{Mode, Resource};
use crate::pipeline::body_from_hcl;
use crate::report::Outcome;

pub const RULES: &[RuleDef] = &[];

/// Runs for every resource without a dedicated rule.
pub fn fallback(r: &Resource, cx: &mut Cx<'_>) {
    if r.ty.starts_with("awscc_") {
        cloud_control(r, cx);
        return;
    }
    if !r.ty.starts_with("aws_") {
        keep(r, cx);
        return;
    }
    if topic_only_for_alarms(r, cx) {
        return;
    }
    if namespace_only_for_ecs(r, cx) {
        return;
    }
    if let Some(family) = catalog::lookup(&r.ty) {
        catalog::apply(family, r, cx);
        return;
    }
    match r.mode {
        Mode::Managed => cx.unsupported(
            r,
            Code::UnsupportedResource,
            format!("`{}` ({}) has no DigitalOcean mapping in Ferry", r.address(), r.ty),
            "remove it from the appliance, or replace it with a DigitalOcean resource (`digitalocean_*`) written by hand in the origin",
        ),
        Mode::Data => unsupported_data(
            r,
            cx,
            format!("data source `{}` has no DigitalOcean equivalent; references to it become `null`", r.address()),
            "replace what it provides with a variable of the appliance".into(),
        ),
    }
}

/// A Cloud Map namespace (`aws_service_discovery_http_namespace`, `_private_dns_namespace`)
/// that only ECS services read (their `service_connect_configuration`, also through the
/// registry ECS modules), or only Cloud Map services that are themselves only ECS services'
/// `service_registries`; and such a Cloud Map service (`aws_service_discovery_service`): on
/// DOKS every service already has a cluster DNS name, so they are dropped with a note rather
/// than being an error. Read by anything else (an output, a local, a local module, a Cloud
/// Map service read elsewhere), they stay unsupported (the catalog).
fn namespace_only_for_ecs(r: &Resource, cx: &mut Cx<'_>) -> bool {
    if r.mode != Mode::Managed || !cloud_map_only_for_ecs(r, cx, 0) {
        return false;
    }
    let (note, help) = if r.ty == "aws_service_discovery_service" {
        (
            "a Cloud Map service that only registers ECS tasks (`service_registries`): on DOKS each service is reached at its Kubernetes Service name (`<service>.<namespace>.svc.cluster.local`), so there is nothing to create",
            "clients that called the Cloud Map name (`<name>.<namespace name>`) call the service's Kubernetes Service name instead",
        )
    } else {
        (
            "a Cloud Map namespace that only ECS services use (Service Connect, or Cloud Map services that only register their tasks): on DOKS each service is reached at its cluster DNS name (`<service>.<namespace>.svc.cluster.local`), so there is nothing to create",
            "clients that called the Service Connect alias (`http://<dns_name>:<port>`) or a Cloud Map name call the service's Kubernetes Service name instead",
        )
    };
    catalog::drop_with(r, cx, note);
    cx.diag(
        Diagnostic::new(Code::Dropped, format!("`{}`: {note}", r.address()))
            .at(r.loc.clone())
            .resource(r.address())
            .help(help),
    );
    true
}

/// An SNS topic that only CloudWatch alarms notify (`alarm_actions`, `ok_actions`, …), and its
/// own subscriptions and policy (known gap #235): the alarms are dropped or become DigitalOcean
/// alerts, which notify by email or Slack themselves, so nothing would publish to the topic. It
/// is dropped with a note instead of being an error that stops the stack; a topic anything else
/// reads (an application, an event rule, an output) stays unsupported (the catalog).
fn topic_only_for_alarms(r: &Resource, cx: &mut Cx<'_>) -> bool {
    if r.mode != Mode::Managed {
        return false;
    }
    let (topic, what) = match r.ty.as_str() {
        "aws_sns_topic" => (r, "an SNS topic"),
        "aws_sns_topic_subscription" | "aws_sns_topic_policy" => {
            let key = if r.ty == "aws_sns_topic_policy" {
                "arn"
            } else {
                "topic_arn"
            };
            let Some(topic) = crate::hclx::attr(&r.body, key)
                .and_then(|e| cx.resolve_ref(e))
                .filter(|t| t.ty == "aws_sns_topic")
            else {
                return false;
            };
            let what = if r.ty == "aws_sns_topic_policy" {
                "the policy of an SNS topic"
            } else {
                "a subscription to an SNS topic"
            };
            (topic, what)
        }
        _ => return false,
    };
    if !topic_read_only_by_alarms(topic, cx) {
        return false;
    }
    let note = format!(
        "{what} that only CloudWatch alarms notify: DigitalOcean alerts notify by email or Slack themselves (`alerts` of `digitalocean_monitor_alert`), so nothing publishes to it"
    );
    catalog::drop_with(r, cx, &note);
    cx.diag(
        Diagnostic::new(Code::Dropped, format!("`{}`: {note}", r.address()))
            .at(r.loc.clone())
            .resource(r.address())
            .help("put the addresses the topic's subscriptions reached in the `alerts` block of the DigitalOcean alerts"),
    );
    true
}

/// Do only CloudWatch alarms, and the topic's own policy and subscriptions that notify people
/// (email, SMS, HTTP), read `topic`?
fn topic_read_only_by_alarms(topic: &Resource, cx: &Cx<'_>) -> bool {
    let refs = cx.referrers(topic);
    let mut alarms = 0;
    let only = refs.outputs.is_empty()
        && refs.locals.is_empty()
        && refs.calls.is_empty()
        && refs
            .resources
            .iter()
            .filter(|x| x.address() != topic.address())
            .all(|x| match x.ty.as_str() {
                "aws_cloudwatch_metric_alarm" | "aws_cloudwatch_composite_alarm" => {
                    alarms += 1;
                    true
                }
                "aws_sns_topic_policy" => true,
                // Subscriptions that notify people; one that invokes a function or feeds a
                // queue is an application reading the topic.
                "aws_sns_topic_subscription" => crate::hclx::attr(&x.body, "protocol")
                    .and_then(|e| cx.eval.string(e))
                    .is_some_and(|p| {
                        matches!(
                            p.as_str(),
                            "email" | "email-json" | "sms" | "http" | "https"
                        )
                    }),
                _ => false,
            });
    only && alarms > 0
}

/// Is `r` a Cloud Map namespace or service read only by ECS services (see
/// [`namespace_only_for_ecs`])?
fn cloud_map_only_for_ecs(r: &Resource, cx: &Cx<'_>, depth: usize) -> bool {
    let namespace = matches!(
        r.ty.as_str(),
        "aws_service_discovery_http_namespace" | "aws_service_discovery_private_dns_namespace"
    );
    if depth > 1 || !(namespace || r.ty == "aws_service_discovery_service") {
        return false;
    }
    let refs = cx.referrers(r);
    let ecs_call = |c: &crate::origin::Named| {
        crate::hclx::attr(&c.body, "source")
            .and_then(|e| cx.eval.string(e))
            .and_then(|s| crate::modules::parse_source(&s))
            .is_some_and(|(name, _)| name == "ecs")
    };
    let others: Vec<&Resource> = refs
        .resources
        .iter()
        .copied()
        .filter(|x| x.address() != r.address())
        .collect();
    refs.outputs.is_empty()
        && refs.locals.is_empty()
        && refs.calls.iter().all(|c| ecs_call(c))
        && !(others.is_empty() && refs.calls.is_empty())
        && others.iter().all(|x| {
            x.ty == "aws_ecs_service"
                || (namespace
                    && x.ty == "aws_service_discovery_service"
                    && cloud_map_only_for_ecs(x, cx, depth + 1))
        })
}

/// Records an AWS data source as unsupported: a warning (references to it become `null` and
/// are reported where they are used), with `help` naming what to do instead.
pub fn unsupported_data(r: &Resource, cx: &mut Cx<'_>, message: String, help: String) {
    cx.st.outcomes.insert(
        r.address().to_string(),
        OutcomeRec {
            outcome: Outcome::Unsupported,
            targets: vec![],
            note: Some(message.clone()),
        },
    );
    cx.diag(
        Diagnostic::new(Code::UnsupportedDataSource, message)
            .at(r.loc.clone())
            .resource(r.address())
            .help(help),
    );
}

/// Resources of the AWS Cloud Control provider (`awscc_*`): AWS all the same.
fn cloud_control(r: &Resource, cx: &mut Cx<'_>) {
    let message = format!(
        "`{}` ({}) is an AWS Cloud Control resource, which Ferry does not map",
        r.address(),
        r.ty
    );
    match r.mode {
        Mode::Managed => cx.unsupported(
            r,
            Code::UnsupportedResource,
            message,
            "write it with the `aws` provider's equivalent type (which Ferry maps), or as a DigitalOcean resource by hand",
        ),
        Mode::Data => unsupported_data(
            r,
            cx,
            message,
            "read it with the `aws` provider's equivalent data source, or replace it with a variable".into(),
        ),
    }
}

/// Keeps a non-AWS resource as written (its references are still rewritten), but Karpenter
/// and releases of AWS-only controllers, left out ([`karpenter`], [`aws_controller_release`]);
/// a StorageClass of an EBS provisioner and a PersistentVolume of the EFS CSI driver are
/// rewritten for DOKS ([`ebs_storage_class`], [`efs_persistent_volume`]).
fn keep(r: &Resource, cx: &mut Cx<'_>) {
    if r.mode == Mode::Managed && (karpenter(r, cx) || aws_controller_release(r, cx)) {
        return;
    }
    let mut body = body_from_hcl(&r.body);
    // Markers of AWS-only settings this rule rewrote for DOKS (no warning for them).
    let mut handled: Vec<&str> = Vec::new();
    if r.mode == Mode::Managed && ebs_storage_class(r, cx, &mut body) {
        handled.push("ebs.csi.aws.com");
    }
    if r.mode == Mode::Managed && efs_persistent_volume(r, cx, &mut body) {
        handled.push("efs.csi.aws.com");
    }
    cx.emit_as(r, r.mode, &r.ty, &r.name, body);
    if let Some(rec) = cx.st.outcomes.get_mut(r.address()) {
        rec.outcome = Outcome::Kept;
    }
    aws_kubernetes_settings(r, cx, &handled);
    alb_ingress_class(r, cx);
    aws_cli_provisioners(r, cx);
}

/// Keys that name an Ingress class: a Kubernetes object's (`ingressClassName`,
/// `ingress_class_name`, the `kubernetes.io/ingress.class` annotation) and common Helm values'
/// (`ingress.className`, `ingress.ingressClass`).
fn ingress_class_key(key: &str) -> bool {
    let key = key.trim().trim_matches(['"', '\'']);
    let last = key.rsplit('.').next().unwrap_or(key);
    key.ends_with("kubernetes.io/ingress.class")
        || matches!(
            last,
            "ingressClassName" | "ingress_class_name" | "ingressClass" | "className"
        )
}

/// Warns when a kept Kubernetes object or Helm release names the Ingress class `alb` (a Helm
/// `set` of `server.ingress.ingressClassName`, `ingress_class_name`, the
/// `kubernetes.io/ingress.class` annotation, in its arguments or the values and manifest files
/// it reads): the class of the AWS Load Balancer Controller, which no controller serves on
/// DOKS, so the Ingress never gets an address (#211).
fn alb_ingress_class(r: &Resource, cx: &mut Cx<'_>) {
    if !["helm_", "kubectl_", "kubernetes_"]
        .iter()
        .any(|p| r.ty.starts_with(p))
    {
        return;
    }
    let is_alb = |e: &hcl::Expression| cx.eval.string(e).is_some_and(|v| v.trim() == "alb");
    // Helm `set` names escape a key's dots (`kubernetes\\.io/ingress\\.class`).
    let unescape = |s: &str| s.replace("\\\\.", ".").replace("\\.", ".");
    let mut found: Vec<String> = Vec::new();
    fn blocks<'b>(body: &'b hcl::Body, out: &mut Vec<&'b hcl::Body>) {
        for b in body.blocks() {
            out.push(&b.body);
            blocks(&b.body, out);
        }
    }
    let mut bodies = vec![&r.body];
    blocks(&r.body, &mut bodies);
    for b in bodies {
        // A Helm 2.x `set { name, value }` block and any `ingress_class_name = "alb"`.
        for a in b.attributes() {
            if ingress_class_key(a.key()) && is_alb(a.expr()) {
                found.push(a.key().to_string());
            }
        }
    }
    for b in r
        .body
        .blocks()
        .filter(|b| matches!(b.identifier(), "set" | "set_sensitive"))
    {
        if let (Some(name), Some(value)) = (
            crate::hclx::attr(&b.body, "name").and_then(|e| cx.eval.string(e)),
            crate::hclx::attr(&b.body, "value"),
        ) && ingress_class_key(&unescape(&name))
            && is_alb(value)
        {
            found.push(unescape(&name));
        }
    }
    // Objects: helm 3.x `set = [{ name, value }]`, `yamlencode({ … })` values, manifests.
    crate::hclx::walk_body(&r.body, &mut |e| {
        let hcl::Expression::Object(o) = e else {
            return;
        };
        let field = |k: &str| {
            o.iter()
                .find(|(key, _)| crate::hclx::object_key(key).as_deref() == Some(k))
                .map(|(_, v)| v)
        };
        if let (Some(name), Some(value)) = (
            field("name").and_then(|n| cx.eval.string(n)),
            field("value"),
        ) && ingress_class_key(&unescape(&name))
            && is_alb(value)
        {
            found.push(unescape(&name));
        }
        for (k, v) in o.iter() {
            if let Some(k) = crate::hclx::object_key(k)
                && ingress_class_key(&k)
                && is_alb(v)
            {
                found.push(k);
            }
        }
    });
    // YAML: values files, inline manifests (`ingressClassName: alb`).
    for t in kubernetes_texts(r, cx) {
        for line in t.lines() {
            let line = line.trim().trim_start_matches("- ");
            if let Some((k, v)) = line.split_once(':')
                && ingress_class_key(k)
                && v.trim().trim_matches(['"', '\'']) == "alb"
            {
                found.push(k.trim().trim_matches(['"', '\'']).to_string());
            }
        }
    }
    found.sort();
    found.dedup();
    if found.is_empty() {
        return;
    }
    let keys = found
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    cx.diag(
        Diagnostic::new(
            Code::FeatureUnsupported,
            format!(
                "`{}` names the Ingress class `alb` ({keys}), the AWS Load Balancer Controller's: on DOKS no controller serves it (the controller has no AWS API to call there), so the Ingress gets no address",
                r.address()
            ),
        )
        .at(r.loc.clone())
        .resource(r.address())
        .help("use the class `nginx` (as Ferry's own Ingresses do) with the NGINX Ingress Controller installed on the cluster (the DigitalOcean Marketplace 1-Click or its Helm chart), and replace `alb.ingress.kubernetes.io/*` annotations with `nginx.ingress.kubernetes.io/*` ones"),
    );
}

/// Warns when a kept resource (`null_resource`, `terraform_data`) has a provisioner that runs
/// the AWS CLI: the command acts on AWS objects the appliance does not have, so it fails (or
/// does nothing useful) when the deployment stack is applied. The resource is kept as written:
/// its other steps may still be wanted.
fn aws_cli_provisioners(r: &Resource, cx: &mut Cx<'_>) {
    for s in r.body.iter() {
        let hcl::Structure::Block(b) = s else {
            continue;
        };
        if b.identifier() != "provisioner" {
            continue;
        }
        let Some(command) = super::ec2::aws_cli_command(&b.body) else {
            continue;
        };
        let kind = b.labels.first().map(|l| l.as_str()).unwrap_or_default();
        let help = if command.starts_with("aws eks") {
            "fetch the DOKS cluster's credentials with `doctl kubernetes cluster kubeconfig save <cluster>` instead (doctl authenticates with a DigitalOcean token)"
        } else if command.starts_with("aws s3") {
            "Spaces speaks the S3 API: point the command at `--endpoint-url https://<region>.digitaloceanspaces.com` with a Spaces access key"
        } else if command.starts_with("aws rds") {
            "run the SQL with the database's own client (`psql`, `mysql`) against the cluster's `host`, `port`, `user` and `password`"
        } else {
            "run the step with `doctl` or the service's own client, or remove the provisioner"
        };
        cx.diag(
            Diagnostic::new(
                Code::FeatureUnsupported,
                format!(
                    "`{}`: the `{kind}` provisioner runs the AWS CLI (`{command}`), which acts on AWS objects the appliance does not have; the command fails when the stack is applied",
                    r.address()
                ),
            )
            .at(r.loc_of("provisioner"))
            .resource(r.address())
            .help(help),
        );
    }
}

/// What node labels of EKS and Karpenter nodes mean on DOKS (several markers share it).
const NODE_LABELS: &str = "node labels only EKS or Karpenter nodes carry (`karpenter.sh/nodepool`, `karpenter.k8s.aws/instance-*`, `eks.amazonaws.com/nodegroup`, …): a pod that requires them (a `nodeSelector`, a required node affinity) is never scheduled on DOKS, whose nodes carry `doks.digitalocean.com/node-pool` and the node pool's own `labels`";

/// Settings of Kubernetes objects and Helm values that only mean something on EKS: marker
/// (as written in manifests, values files and annotations) → what it is there.
const AWS_KUBERNETES: &[(&str, &str)] = &[
    (
        "eks.amazonaws.com/role-arn",
        "an IAM role for a service account (`eks.amazonaws.com/role-arn`): DOKS pods assume no IAM role",
    ),
    (
        "service.beta.kubernetes.io/aws-load-balancer",
        "AWS load balancer annotations (`service.beta.kubernetes.io/aws-load-balancer-*`): DOKS reads `service.beta.kubernetes.io/do-loadbalancer-*`",
    ),
    (
        "alb.ingress.kubernetes.io/",
        "AWS Load Balancer Controller annotations (`alb.ingress.kubernetes.io/*`)",
    ),
    (
        "route53",
        "a Route 53 setting (`route53`: a cert-manager DNS-01 solver, an external-dns provider), which cannot reach DigitalOcean DNS",
    ),
    (
        "ebs.csi.aws.com",
        "the EBS CSI driver (`ebs.csi.aws.com`): DOKS volumes use the `do-block-storage` storage class",
    ),
    (
        "efs.csi.aws.com",
        "the EFS CSI driver (`efs.csi.aws.com`): DOKS has no EFS driver; an NFS share (`digitalocean_nfs`) is mounted with a PersistentVolume's `nfs` source",
    ),
    (
        "karpenter.k8s.aws/v1",
        "Karpenter objects (`karpenter.k8s.aws`: an `EC2NodeClass`, or a `NodePool` of one), which launch EC2 instances: on DOKS the node pool's own autoscaler adds nodes (`auto_scale`, `min_nodes`, `max_nodes`)",
    ),
    ("karpenter.sh/nodepool", NODE_LABELS),
    ("karpenter.sh/capacity-type", NODE_LABELS),
    ("karpenter.k8s.aws/instance-", NODE_LABELS),
    ("eks.amazonaws.com/nodegroup", NODE_LABELS),
    ("eks.amazonaws.com/capacityType", NODE_LABELS),
    ("eks.amazonaws.com/compute-type", NODE_LABELS),
    (
        "public.ecr.aws/karpenter",
        "the Karpenter controller (`public.ecr.aws/karpenter`), which launches EC2 instances and cannot run on DOKS: the node pool's own autoscaler adds nodes (`auto_scale`, `min_nodes`, `max_nodes`)",
    ),
    (
        "aws.github.io/eks-charts",
        "a chart of AWS's EKS charts (`aws.github.io/eks-charts`: the AWS Load Balancer Controller, the node termination handler, …), which manages AWS resources through the AWS API and has nothing to manage on DOKS: the cloud controller gives Services of type LoadBalancer a DigitalOcean load balancer",
    ),
];

/// A release of the Karpenter chart (`chart = "karpenter"`, `karpenter-crd`) or a Karpenter
/// object (`apiVersion: karpenter.sh/…` / `karpenter.k8s.aws/…`: a `NodePool`, an
/// `EC2NodeClass`) is left out of the deployment stack, with a warning: Karpenter launches EC2
/// instances, its controller cannot run on DOKS (a release waits for its pods, so the apply
/// would fail), and without it its objects have no CRD to be created as. The DOKS node pools
/// scale themselves. Returns whether `r` was such a resource (and is recorded as dropped).
pub(super) fn karpenter(r: &Resource, cx: &mut Cx<'_>) -> bool {
    let what = if r.ty == "helm_release" {
        let chart = crate::hclx::attr(&r.body, "chart").and_then(|e| cx.eval.string(e));
        if !chart.is_some_and(|c| {
            let c = c.rsplit('/').next().unwrap_or_default();
            c == "karpenter" || c == "karpenter-crd"
        }) {
            return false;
        }
        "a release of the Karpenter chart"
    } else if r.ty.starts_with("kubectl_") || r.ty.starts_with("kubernetes_") {
        let karpenter_api = |v: &str| {
            let v = v.trim().trim_matches('"');
            v.starts_with("karpenter.sh/") || v.starts_with("karpenter.k8s.aws/")
        };
        // A manifest written as HCL (`manifest = { apiVersion = "karpenter.sh/v1", … }`), or
        // as YAML, inline or in the file it reads (`apiVersion: karpenter.k8s.aws/v1`).
        let in_hcl = crate::hclx::attr(&r.body, "manifest").is_some_and(|m| {
            let mut found = false;
            crate::hclx::walk(m, &mut |e| {
                if let hcl::Expression::Object(o) = e {
                    found |= o.iter().any(|(k, v)| {
                        crate::hclx::object_key(k).as_deref() == Some("apiVersion")
                            && cx.eval.string(v).is_some_and(|s| karpenter_api(&s))
                    });
                }
            });
            found
        });
        let is_object = in_hcl
            || kubernetes_texts(r, cx).iter().any(|t| {
                t.lines()
                    .filter_map(|l| l.trim_start().strip_prefix("apiVersion:"))
                    .any(karpenter_api)
            });
        if !is_object {
            return false;
        }
        "a Karpenter object (`karpenter.sh` / `karpenter.k8s.aws`)"
    } else {
        return false;
    };
    cx.diag(
        Diagnostic::new(
            Code::FeatureUnsupported,
            format!(
                "`{}` is {what}: Karpenter launches EC2 instances and its controller cannot run on DOKS (the release would wait for pods that never get ready, and its objects have no CRD without it), so it is left out of the deployment stack",
                r.address()
            ),
        )
        .at(r.loc.clone())
        .resource(r.address())
        .help("let the DOKS node pool scale itself: `auto_scale = true` with `min_nodes` / `max_nodes` (an EKS managed node group's `min_size` / `max_size` become them); node labels and taints of a `NodePool` belong on a `digitalocean_kubernetes_node_pool`"),
    );
    cx.drop(
        r,
        "Karpenter launches EC2 instances; the DOKS node pools scale themselves",
    );
    true
}

/// DOKS's block-storage CSI driver, the provisioner of its `do-block-storage` class.
const DOKS_BLOCK_STORAGE: &str = "dobs.csi.digitalocean.com";

/// The provisioners of EBS volumes: the EBS CSI driver, EKS Auto Mode's and the in-tree one.
const EBS_PROVISIONERS: &[&str] = &[
    "ebs.csi.aws.com",
    "ebs.csi.eks.amazonaws.com",
    "kubernetes.io/aws-ebs",
];

/// A kept StorageClass (`kubernetes_storage_class`, `_v1`) whose `storage_provisioner` is an
/// EBS one provisions DOKS volumes instead: on DOKS nothing serves the EBS provisioner, so
/// every claim of the class would stay `Pending` and the workloads mounting it never start
/// (a Helm release waiting for them fails the apply). The class keeps its name, so the claims
/// and Helm values that name it (`storageClass: "ebs-sc"`) still find it; its EBS parameters
/// (`type = "gp3"`, `iops`, `throughput`, `encrypted`, `kmsKeyId`) have no counterpart in the
/// DigitalOcean driver and are left out (a file system type is kept), and so are topology
/// constraints on AWS availability zones. Returns whether the class was rewritten.
fn ebs_storage_class(r: &Resource, cx: &mut Cx<'_>, body: &mut crate::out::OutBody) -> bool {
    if !matches!(
        r.ty.as_str(),
        "kubernetes_storage_class" | "kubernetes_storage_class_v1"
    ) {
        return false;
    }
    let provisioner =
        crate::hclx::attr(&r.body, "storage_provisioner").and_then(|e| cx.eval.string(e));
    let Some(provisioner) = provisioner.filter(|p| EBS_PROVISIONERS.contains(&p.as_str())) else {
        return false;
    };
    body.set(
        "storage_provisioner",
        hcl::Expression::String(DOKS_BLOCK_STORAGE.into()),
    );
    let mut left_out: Vec<String> = Vec::new();
    if let Some(hcl::Expression::Object(params)) = body.get_mut("parameters") {
        params.retain(|k, _| {
            let name = crate::hclx::object_key(k).unwrap_or_default();
            let keep = matches!(
                name.to_ascii_lowercase().as_str(),
                "fstype" | "csi.storage.k8s.io/fstype"
            );
            if !keep {
                left_out.push(format!("`{name}`"));
            }
            keep
        });
        if params.is_empty() {
            body.remove("parameters");
        }
    } else if body.remove("parameters").is_some() {
        left_out.push("`parameters`".into());
    }
    let zones = body.blocks("allowed_topologies").next().is_some();
    if zones {
        body.remove_blocks("allowed_topologies");
        left_out.push("`allowed_topologies`".into());
    }
    let dropped = if left_out.is_empty() {
        String::new()
    } else {
        format!(
            "; {} left out (EBS volume settings and AWS zones have no counterpart in the DigitalOcean driver)",
            left_out.join(", ")
        )
    };
    cx.diag(
        Diagnostic::new(
            Code::ValueConverted,
            format!(
                "`{}`: the storage class of the EBS provisioner `{provisioner}` provisions DigitalOcean volumes on DOKS (`storage_provisioner = \"{DOKS_BLOCK_STORAGE}\"`, the driver of the cluster's `do-block-storage` class) and keeps its name, so the claims and Helm values naming it still find it{dropped}",
                r.address()
            ),
        )
        .at(r.loc_of("storage_provisioner"))
        .resource(r.address())
        .help("DigitalOcean volumes are attached to one node at a time (`ReadWriteOnce`); a claim that needs `ReadWriteMany` needs an NFS share (`digitalocean_nfs`) instead"),
    );
    true
}

/// A kept PersistentVolume (`kubernetes_persistent_volume`, `_v1`) of the EFS CSI driver
/// (`csi { driver = "efs.csi.aws.com", volume_handle = "${aws_efs_file_system.x.id}::…" }`)
/// whose handle names a file system of the stack mounts its NFS share instead: DOKS has no
/// EFS driver, so the volume would never mount and the pods using it never start. The `csi`
/// block becomes `nfs { server = <share host>, path = <share mount_path> }` (DOKS nodes mount
/// NFS natively); an access point in the handle has no counterpart (its rule warns), so the
/// volume is the share's root. Returns whether a volume was rewritten.
fn efs_persistent_volume(r: &Resource, cx: &mut Cx<'_>, body: &mut crate::out::OutBody) -> bool {
    if !matches!(
        r.ty.as_str(),
        "kubernetes_persistent_volume" | "kubernetes_persistent_volume_v1"
    ) {
        return false;
    }
    let mut rewritten = false;
    for spec in body.items.iter_mut() {
        let crate::out::Item::Block(spec) = spec else {
            continue;
        };
        if spec.ident != "spec" {
            continue;
        }
        for source in spec.body.items.iter_mut() {
            let crate::out::Item::Block(source) = source else {
                continue;
            };
            if source.ident != "persistent_volume_source" {
                continue;
            }
            let Some(csi) = source.body.blocks("csi").next() else {
                continue;
            };
            let driver = csi.get("driver").and_then(|e| cx.eval.string(e));
            if driver.as_deref() != Some("efs.csi.aws.com") {
                continue;
            }
            let Some(handle) = csi.get("volume_handle") else {
                continue;
            };
            let mut file_system: Option<String> = None;
            let mut access_point = false;
            crate::hclx::walk(handle, &mut |e| {
                if let hcl::Expression::Traversal(t) = e
                    && let hcl::Expression::Variable(root) = &t.expr
                    && let Some(hcl::expr::TraversalOperator::GetAttr(name)) = t.operators.first()
                {
                    match root.as_str() {
                        "aws_efs_file_system" => {
                            file_system.get_or_insert_with(|| name.as_str().to_string());
                        }
                        "aws_efs_access_point" => access_point = true,
                        _ => {}
                    }
                }
            });
            let Some(fs) = file_system else {
                continue;
            };
            let mut nfs = crate::out::OutBody::new();
            nfs.set(
                "server",
                crate::hclx::path(&["aws_efs_file_system", &fs, "dns_name"]),
            );
            nfs.set(
                "path",
                crate::hclx::path(&["aws_efs_file_system", &fs, "mount_path"]),
            );
            source.body.remove_blocks("csi");
            source
                .body
                .items
                .push(crate::out::Item::Block(crate::out::OutBlock {
                    ident: "nfs".into(),
                    labels: vec![],
                    body: nfs,
                }));
            rewritten = true;
            let ap = if access_point {
                "; the access point in its handle has no counterpart, so the volume is the share's root"
            } else {
                ""
            };
            cx.diag(
                Diagnostic::new(
                    Code::ValueConverted,
                    format!(
                        "`{}`: the EFS CSI volume (`efs.csi.aws.com`) of `aws_efs_file_system.{fs}` mounts its DigitalOcean NFS share (`nfs {{ server = host, path = mount_path }}`): DOKS has no EFS driver, and its nodes mount NFS natively{ap}",
                        r.address()
                    ),
                )
                .at(r.loc.clone())
                .resource(r.address()),
            );
        }
    }
    rewritten
}

/// Charts of controllers that manage AWS resources through the AWS API and cannot start on
/// DOKS (no instance metadata, no IAM role for their service account): repository or chart
/// name → what they do and what takes their place.
const AWS_CONTROLLER_CHARTS: &[(&str, &str)] = &[
    (
        "aws-load-balancer-controller",
        "the AWS Load Balancer Controller, which creates ALBs and NLBs for Ingresses and Services: on DOKS the cloud controller gives Services of type LoadBalancer a DigitalOcean load balancer, and Ingresses need an Ingress controller (the NGINX Ingress Controller) behind one",
    ),
    (
        "aws-node-termination-handler",
        "the AWS Node Termination Handler, which drains EC2 instances before Spot interruptions and maintenance events: DOKS drains its nodes itself when it replaces them",
    ),
];

/// A release of a chart that only works against AWS is left out of the deployment stack, with
/// a warning, like Karpenter's ([`karpenter`]): its pods cannot start on DOKS, so the release
/// (which waits for them by default, or rolls back with `atomic`) fails the apply.
/// * the charts of [`AWS_CONTROLLER_CHARTS`] (`aws-load-balancer-controller`, from AWS's EKS
///   charts, `aws.github.io/eks-charts`);
/// * the Cluster Autoscaler (`cluster-autoscaler`, from `kubernetes.github.io/autoscaler`) on
///   its AWS cloud provider (the chart's default; a `cloudProvider` set to anything else keeps
///   it): it resizes Auto Scaling groups through the AWS API, while a DOKS node pool scales
///   itself (`auto_scale`, `min_nodes`, `max_nodes`).
///
/// Returns whether `r` was such a release (and is recorded as dropped).
fn aws_controller_release(r: &Resource, cx: &mut Cx<'_>) -> bool {
    if r.ty != "helm_release" {
        return false;
    }
    let Some(chart) = crate::hclx::attr(&r.body, "chart").and_then(|e| cx.eval.string(e)) else {
        return false;
    };
    let chart = chart
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_string();
    let what = if let Some((_, what)) = AWS_CONTROLLER_CHARTS.iter().find(|(c, _)| *c == chart) {
        what.to_string()
    } else if chart == "cluster-autoscaler" && !cluster_autoscaler_off_aws(r, cx) {
        "the Cluster Autoscaler on its AWS cloud provider, which resizes Auto Scaling groups through the AWS API: a DOKS node pool scales itself (`auto_scale`, `min_nodes`, `max_nodes`; an EKS node group's `min_size` / `max_size` become them)".to_string()
    } else {
        return false;
    };
    cx.diag(
        Diagnostic::new(
            Code::FeatureUnsupported,
            format!(
                "`{}` installs {what}; its pods cannot start on DOKS (no AWS API, no IAM role for their service account), so the release would fail the apply: it is left out of the deployment stack",
                r.address()
            ),
        )
        .at(r.loc.clone())
        .resource(r.address())
        .help("if the appliance needs what the chart did, install the DigitalOcean counterpart named above in the origin"),
    );
    cx.drop(
        r,
        "the chart manages AWS resources through the AWS API; DOKS does that work itself",
    );
    true
}

/// Whether a Cluster Autoscaler release names a cloud provider other than AWS
/// (`cloudProvider`, in a `set`, a helm 3.x `set` list or its values).
fn cluster_autoscaler_off_aws(r: &Resource, cx: &Cx<'_>) -> bool {
    let mut provider: Option<String> = None;
    for b in r.body.blocks().filter(|b| b.identifier() == "set") {
        if crate::hclx::attr(&b.body, "name")
            .and_then(|e| cx.eval.string(e))
            .as_deref()
            == Some("cloudProvider")
        {
            provider = crate::hclx::attr(&b.body, "value").and_then(|e| cx.eval.string(e));
        }
    }
    if provider.is_none() {
        for t in kubernetes_texts(r, cx) {
            let t = t.replace(['"', '\''], "");
            for needle in [
                "cloudProvider: ",
                "cloudProvider = ",
                "name = cloudProvider, value = ",
            ] {
                if let Some(rest) = t.split(needle).nth(1) {
                    provider = rest
                        .split(|c: char| c.is_whitespace() || c == ',' || c == '}')
                        .next()
                        .map(str::to_string);
                    break;
                }
            }
            if provider.is_some() {
                break;
            }
        }
    }
    provider.is_some_and(|p| !p.is_empty() && p != "aws")
}

/// The text of a kept Kubernetes object or Helm release: its arguments as written, and the
/// values and manifest files it reads (`file("values.yaml")`, `templatefile(…)`), with Helm's
/// escaped dots (`eks\\.amazonaws\\.com`) unescaped.
fn kubernetes_texts(r: &Resource, cx: &Cx<'_>) -> Vec<String> {
    fn body_texts(body: &hcl::Body, out: &mut Vec<String>) {
        for a in body.attributes() {
            out.push(crate::hclx::inline(a.expr()));
        }
        for b in body.blocks() {
            body_texts(&b.body, out);
        }
    }
    let mut texts: Vec<String> = Vec::new();
    body_texts(&r.body, &mut texts);
    crate::hclx::walk_body(&r.body, &mut |e| {
        if let hcl::Expression::FuncCall(c) = e
            && matches!(c.name.name.as_str(), "file" | "templatefile")
            && let Some(path) = c.args.first().and_then(literal_path)
            && let Some(text) = cx.file(&path)
        {
            texts.push(text.to_string());
        }
    });
    // Helm `set` names escape the dots of a key (`eks\\.amazonaws\\.com/role-arn`).
    for t in &mut texts {
        if t.contains("\\.") {
            *t = t.replace("\\\\.", ".").replace("\\.", ".");
        }
    }
    texts
}

/// Warns when a kept Kubernetes object or Helm release (`helm_*`, `kubectl_*`,
/// `kubernetes_*`) carries settings that only mean something on EKS, in its arguments or in
/// the values and manifest files it reads (`file("values.yaml")`, `templatefile(…)`).
pub(super) fn aws_kubernetes_settings(r: &Resource, cx: &mut Cx<'_>, handled: &[&str]) {
    if !["helm_", "kubectl_", "kubernetes_"]
        .iter()
        .any(|p| r.ty.starts_with(p))
    {
        return;
    }
    let texts = kubernetes_texts(r, cx);
    external_dns_on_aws(r, cx, &texts);
    // References to the stack's Route 53 resources (`aws_route53_zone.main.name`) are rewritten
    // like any other: they are not Route 53 settings.
    let texts: Vec<String> = texts
        .into_iter()
        .map(|t| {
            if t.contains("aws_route53_") {
                t.replace("aws_route53_", "")
            } else {
                t
            }
        })
        .collect();
    let mut found: Vec<&str> = Vec::new();
    for (marker, what) in AWS_KUBERNETES {
        // Settings `keep` rewrote for DOKS (an EBS storage class, an EFS volume).
        if handled.contains(marker) || found.contains(what) {
            continue;
        }
        if texts.iter().any(|t| t.contains(marker)) {
            found.push(what);
        }
    }
    if found.is_empty() {
        return;
    }
    cx.diag(
        Diagnostic::new(
            Code::FeatureUnsupported,
            format!(
                "`{}` is kept as written, with settings that only mean something on AWS: {}",
                r.address(),
                found.join("; ")
            ),
        )
        .at(r.loc.clone())
        .resource(r.address())
        .help("replace them with their DigitalOcean counterparts or remove them, in the origin or in the deployment stack"),
    );
}

/// Warns when a kept release of external-dns (`chart = "external-dns"`) keeps its AWS provider
/// (`provider = aws`, in a `set`, `values` or a values file): it writes Route 53 records with
/// the pod's IAM role, which DOKS pods do not have, so the appliance's DNS names are never
/// created (known gap #212). On DigitalOcean it would need `provider = digitalocean` and a
/// token with write access to the domain living in the cluster, which the appliance's token
/// model does not leave there (writes happen in Deploy windows, through the relay): the records
/// belong in the stack.
fn external_dns_on_aws(r: &Resource, cx: &mut Cx<'_>, texts: &[String]) {
    if r.ty != "helm_release" {
        return;
    }
    let chart = crate::hclx::attr(&r.body, "chart").and_then(|e| cx.eval.string(e));
    if chart.is_none_or(|c| c.trim_end_matches('/').rsplit('/').next() != Some("external-dns")) {
        return;
    }
    let set_to_aws = r.body.blocks().any(|b| {
        b.identifier() == "set"
            && crate::hclx::attr(&b.body, "name")
                .and_then(|e| cx.eval.string(e))
                .is_some_and(|n| n == "provider" || n == "provider.name")
            && crate::hclx::attr(&b.body, "value")
                .and_then(|e| cx.eval.string(e))
                .is_some_and(|v| v == "aws")
    });
    let written_aws = texts.iter().any(|t| {
        let t = t.replace(['"', '\''], "");
        t.contains("provider: aws")
            || t.contains("provider = aws")
            || t.contains("provider = { name = aws")
            || (t.contains("provider:") && t.contains("name: aws"))
    });
    if !set_to_aws && !written_aws {
        return;
    }
    cx.diag(
        Diagnostic::new(
            Code::FeatureUnsupported,
            format!(
                "`{}` runs external-dns with its AWS provider: it writes Route 53 records with the pod's IAM role, which DOKS pods do not have, so the DNS names it manages are never created in the appliance",
                r.address()
            ),
        )
        .at(r.loc.clone())
        .resource(r.address())
        .help("declare the records in the stack instead (`aws_route53_record` aliases of the load balancer become `digitalocean_record`s pointing at it), or run external-dns with `provider = digitalocean` and a DigitalOcean token of its own in a Secret (`DO_TOKEN`): Ferry's tokens write only in Deploy windows, through the relay"),
    );
}

/// The path a `file()` / `templatefile()` call reads, relative to the module, when it is
/// written out (`"values.yaml"`, `"${path.module}/values.yaml"`).
pub(super) fn literal_path(e: &hcl::Expression) -> Option<String> {
    let text = match e {
        hcl::Expression::String(s) => s.as_str(),
        hcl::Expression::TemplateExpr(t) => match &**t {
            hcl::expr::TemplateExpr::QuotedString(s) => s.as_str(),
            hcl::expr::TemplateExpr::Heredoc(_) => return None,
        },
        _ => return None,
    };
    let rel = text.strip_prefix("${path.module}/").unwrap_or(text);
    (!rel.contains("${")).then(|| rel.to_string())
}
