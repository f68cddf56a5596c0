//! Auto Scaling groups behind load balancers: a load balancer targets the droplets of a group by
//! a Droplet tag the group's droplets carry.

use super::{
    ATTACHMENT_TYPES, LISTENER_RULE_TYPES, LISTENER_TYPES, TG_TYPES, body_mentions, bstr,
    fixed_response_fallback, forward_targets, origin_name, per_instance, referencing,
};
use crate::hclx;
use crate::origin::{Mode, Resource};
use crate::rules::Cx;
use hcl::{Body, Expression};

/// Resources that put an autoscaling group behind a load balancer.
pub(in crate::rules) const ASG_ATTACHMENT_TYPES: &[&str] = &[
    "aws_autoscaling_attachment",
    "aws_autoscaling_traffic_source_attachment",
];

/// Every origin resource the expression refers to (`[aws_lb_target_group.a.arn, …]`).
fn refs_in<'a>(cx: &Cx<'a>, e: &Expression) -> Vec<&'a Resource> {
    let mut out: Vec<&'a Resource> = Vec::new();
    hclx::walk(e, &mut |x| {
        if hclx::traversal_root(x).is_some()
            && let Some(t) = cx.resolve_ref(x)
            && !out.iter().any(|o| o.address() == t.address())
        {
            out.push(t);
        }
    });
    out
}

/// The load balancers whose targets are the droplets of the autoscaling group `asg` (or the nodes
/// of the EKS node group `asg`): through its `target_group_arns` (the ALB/NLB whose listeners or
/// listener rules forward to those target groups), its `load_balancers` (classic ELBs), or an
/// `aws_autoscaling_attachment`.
/// Load balancers that become Kubernetes Services of ECS workloads are left out.
pub(in crate::rules) fn pool_lbs<'a>(cx: &Cx<'a>, asg: &Resource) -> Vec<&'a Resource> {
    let mut registered: Vec<&'a Resource> = Vec::new();
    // `traffic_source { identifier }` (ASG and traffic source attachments, provider 5.x).
    let traffic_sources = |body: &Body, out: &mut Vec<&'a Resource>| {
        for t in hclx::blocks(body, "traffic_source") {
            if let Some(e) = hclx::attr(&t, "identifier") {
                out.extend(refs_in(cx, e));
            }
        }
    };
    for k in ["target_group_arns", "load_balancers"] {
        if let Some(e) = hclx::attr(&asg.body, k) {
            registered.extend(refs_in(cx, e));
        }
    }
    traffic_sources(&asg.body, &mut registered);
    for att in ASG_ATTACHMENT_TYPES
        .iter()
        .flat_map(|t| cx.referencing(t, "autoscaling_group_name", asg))
    {
        for k in [
            "lb_target_group_arn",
            "alb_target_group_arn",
            "elb",
            "load_balancer",
        ] {
            if let Some(e) = hclx::attr(&att.body, k) {
                registered.extend(refs_in(cx, e));
            }
        }
        traffic_sources(&att.body, &mut registered);
    }
    let mut out: Vec<&'a Resource> = Vec::new();
    let mut add = |lb: &'a Resource| {
        if !out.iter().any(|o| o.address() == lb.address()) {
            out.push(lb);
        }
    };
    for t in registered {
        if t.mode != Mode::Managed {
            continue;
        }
        if t.ty == "aws_elb" {
            add(t);
        } else if TG_TYPES.contains(&t.ty.as_str()) {
            // The listeners that forward to it, by default action or by rule.
            for x in cx.referrers(t).resources {
                let ty = x.ty.as_str();
                if x.mode != Mode::Managed || !body_mentions(&x.body, t) {
                    continue;
                }
                let listener = if LISTENER_TYPES.contains(&ty) {
                    Some(x)
                } else if LISTENER_RULE_TYPES.contains(&ty) {
                    cx.referenced(x, "listener_arn")
                        .filter(|l| LISTENER_TYPES.contains(&l.ty.as_str()))
                } else {
                    None
                };
                if let Some(l) = listener
                    && let Some(lb) = cx
                        .referenced(l, "load_balancer_arn")
                        .filter(|x| {
                            x.mode == Mode::Managed && matches!(x.ty.as_str(), "aws_lb" | "aws_alb")
                        })
                        .filter(|x| !targets_workloads(cx, x))
                {
                    add(lb);
                }
            }
        }
    }
    out
}

/// The autoscaling groups whose droplets are the targets of `lb` (see [`pool_lbs`]): groups
/// the EC2 rule maps to a droplet autoscale pool (with a launch template), and EKS managed node
/// groups (whose Auto Scaling group an `aws_autoscaling_attachment` registers: the nodes of
/// the DOKS node pool they become).
pub(super) fn pools_behind<'a>(cx: &Cx<'a>, lb: &Resource) -> Vec<&'a Resource> {
    let behind = |g: &&'a Resource| pool_lbs(cx, g).iter().any(|l| l.address() == lb.address());
    cx.origin_of_type("aws_autoscaling_group")
        .filter(|asg| crate::rules::ec2::launch_template_of(cx, asg).is_some())
        .filter(behind)
        .chain(
            cx.origin_of_type("aws_eks_node_group")
                .filter(|ng| ng.mode == Mode::Managed)
                // Only an attachment registers a node group's Auto Scaling group.
                .filter(|ng| {
                    ASG_ATTACHMENT_TYPES
                        .iter()
                        .any(|t| !cx.referencing(t, "autoscaling_group_name", ng).is_empty())
                })
                .filter(behind),
        )
        .collect()
}

/// The Droplet tag that joins a load balancer and the autoscale pools behind it: the pools'
/// droplet templates carry it, the load balancer targets it (`droplet_tag`). Built from the
/// load balancer's name (unique per appliance, and per module instance where the name comes
/// from a variable); DigitalOcean tags are lowercase letters, digits, `:`, `-` and `_`.
pub(in crate::rules) fn pool_tag(cx: &Cx<'_>, lb: &Resource) -> Expression {
    // Pools of other modules target it too: the tag the cross-module pass decided for both.
    if let Some(t) = cx.xmod.lb_tags.get(lb.address()) {
        return t.clone();
    }
    name_tag(cx, lb, "lb")
}

/// A Droplet tag `<prefix>:<name of r>-<instance id>`, lowercase (see [`pool_tag`]).
pub(in crate::rules) fn name_tag(cx: &Cx<'_>, lb: &Resource, prefix: &str) -> Expression {
    let label = |v: &str| {
        v.to_ascii_lowercase()
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '-'
                }
            })
            .collect::<String>()
    };
    let name = origin_name(cx, lb).filter(|e| !per_instance(e));
    let text = match name {
        Some(Expression::String(v)) => format!("{}-${{var.instance_id}}", label(&v)),
        Some(e) if cx.mentions_instance_id(&e) => hclx::to_template_part(&e),
        Some(e) => format!("{}-${{var.instance_id}}", hclx::to_template_part(&e)),
        None => format!("{}-${{var.instance_id}}", label(&lb.name.replace('_', "-"))),
    };
    let text = format!("{prefix}:{text}");
    if text.replace("${var.instance_id}", "").contains("${") {
        // Other values spliced in: lowercased when the stack is applied.
        format!("lower(\"{text}\")")
            .parse()
            .unwrap_or_else(|_| hclx::template(text))
    } else {
        hclx::template(text.to_ascii_lowercase())
    }
}

/// Does the load balancer serve only ECS services? True when its listeners forward to at least
/// one target group and every such target group is registered by an `aws_ecs_service`
/// (`load_balancer { target_group_arn }`) and has no attachments. Such a load balancer
/// becomes a Kubernetes Service of type LoadBalancer of the workload (`rules::ecs`), because
/// the DOKS cloud controller owns the load balancers of Services and a `digitalocean_loadbalancer`
/// cannot target pods; this rule then leaves it to the ECS rule.
pub fn targets_workloads(cx: &Cx<'_>, lb: &Resource) -> bool {
    let mut tgs: Vec<&Resource> = Vec::new();
    for l in referencing(cx, LISTENER_TYPES, "load_balancer_arn", lb) {
        for a in hclx::blocks(&l.body, "default_action") {
            for e in forward_targets(&a) {
                if let Some(tg) = cx
                    .resolve_ref(&e)
                    .filter(|t| TG_TYPES.contains(&t.ty.as_str()))
                {
                    tgs.push(tg);
                }
            }
            // A fixed response in front of routing rules forwards to the first rule's target.
            if bstr(cx, &a, "type").as_deref() == Some("fixed-response")
                && let Some(tg) = fixed_response_fallback(cx, l)
            {
                tgs.push(tg);
            }
        }
    }
    !tgs.is_empty()
        && tgs.iter().all(|tg| {
            referencing(cx, ATTACHMENT_TYPES, "target_group_arn", tg).is_empty()
                && cx.origin_of_type("aws_ecs_service").any(|svc| {
                    crate::rules::ecs::load_balancer_blocks(svc)
                        .iter()
                        .any(|b| {
                            hclx::attr(b, "target_group_arn")
                                .and_then(|e| cx.resolve_ref(e))
                                .is_some_and(|t| t.address() == tg.address())
                        })
                })
        })
}
