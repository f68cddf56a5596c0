//! ACM certificates → `digitalocean_certificate` (mapping facts §6, `certificate_arn` row):
//! requested certificates become Let's Encrypt certificates, which DigitalOcean issues and
//! renews itself for domains served by DigitalOcean DNS; imported certificates become custom
//! certificates. A load balancer names its certificate by `name`, so the certificate's `arn`
//! and `id` export its name.

use super::{Cx, Export, OutcomeRec, Phase, RuleDef};
use crate::diag::{Code, Diagnostic};
use crate::hclx;
use crate::origin::{Mode, Resource};
use crate::out::OutBody;
use crate::report::Outcome;
use hcl::Expression;

pub const RULES: &[RuleDef] = &[
    RuleDef {
        ty: "aws_acm_certificate",
        mode: Mode::Managed,
        phase: Phase::Primary,
        produces: &["digitalocean_certificate"],
        args: &[
            "domain_name",
            "subject_alternative_names",
            "validation_method",
            "validation_option",
            "private_key",
            "certificate_body",
            "certificate_chain",
            "certificate_authority_arn",
        ],
        summary: "ACM certificate → digitalocean_certificate (requested: lets_encrypt with its domains; imported: custom)",
        map: certificate,
    },
    RuleDef {
        ty: "aws_acm_certificate_validation",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &["certificate_arn", "validation_record_fqdns"],
        summary: "certificate validation → absorbed (DigitalOcean validates Let's Encrypt certificates itself)",
        map: validation,
    },
];

/// Template text of an expression (for comparing names that are not static).
fn text(e: &Expression) -> String {
    match e {
        Expression::String(v) => v.trim_end_matches('.').to_string(),
        other => hclx::to_template_part(other),
    }
}

fn certificate(r: &Resource, cx: &mut Cx<'_>) {
    if cx.expr(r, "certificate_authority_arn").is_some() {
        cx.unsupported(
            r,
            Code::UnsupportedService,
            format!(
                "`{}` is issued by an AWS Private CA, which DigitalOcean does not offer",
                r.address()
            ),
            "issue the certificate with your own CA and import it (`private_key` + `certificate_body`), which Ferry maps to a custom digitalocean_certificate",
        );
        for a in ["arn", "id"] {
            cx.export(
                r,
                a,
                Export::Unmapped(
                    "the private-CA certificate has no DigitalOcean equivalent".into(),
                ),
            );
        }
        return;
    }
    let name_tag = hclx::name_tag(&r.body);
    let mut body = OutBody::new();
    let name = cx.unique_name(r, name_tag, &r.name);
    body.set("name", name);
    let imported = cx.expr(r, "certificate_body").is_some() || cx.expr(r, "private_key").is_some();
    let mut domains: Vec<Expression> = Vec::new();
    if imported {
        body.set("type", Expression::String("custom".into()));
        body.set_opt("leaf_certificate", cx.expr(r, "certificate_body"));
        body.set_opt("private_key", cx.expr(r, "private_key"));
        body.set_opt("certificate_chain", cx.expr(r, "certificate_chain"));
    } else {
        body.set("type", Expression::String("lets_encrypt".into()));
        let domain = cx.expr(r, "domain_name");
        domains.extend(domain.clone());
        let sans = cx
            .expr(r, "subject_alternative_names")
            .filter(|e| !matches!(e, Expression::Null));
        let value = match sans {
            None => Expression::Array(domains.clone()),
            Some(Expression::Array(items)) => {
                for i in items {
                    if !domains.iter().any(|d| hclx::inline(d) == hclx::inline(&i)) {
                        domains.push(i);
                    }
                }
                Expression::Array(domains.clone())
            }
            Some(list) => format!(
                "distinct(concat({}, {}))",
                hclx::inline(&Expression::Array(domains.clone())),
                hclx::inline(&list)
            )
            .parse()
            .unwrap_or(Expression::Null),
        };
        body.set("domains", value);
    }
    let addr = cx.emit(r, "digitalocean_certificate", body);
    if imported {
        cx.note(r, "imported certificate → custom certificate");
    } else {
        lets_encrypt_domains(cx, r, &addr, &domains);
    }

    let name_of = || Export::Attr {
        target: addr.clone(),
        attr: "name".into(),
    };
    // A load balancer's forwarding rule names its certificate (`certificate_name`).
    cx.export(r, "arn", name_of());
    cx.export(r, "id", name_of());
    cx.export(
        r,
        "not_after",
        Export::Attr {
            target: addr.clone(),
            attr: "not_after".into(),
        },
    );
    let mut aws_free = true;
    if let Some(d) = cx.expr(r, "domain_name") {
        hclx::walk(&d, &mut |x| {
            if let Some((root, _)) = hclx::traversal_root(x) {
                aws_free &= !(root.starts_with("aws_") || root == "data" || root == "module");
            }
        });
        cx.export(
            r,
            "domain_name",
            if aws_free {
                Export::Expr(d)
            } else {
                Export::Unmapped("write the domain name as a variable or literal".into())
            },
        );
    }
    cx.export(
        r,
        "domain_validation_options",
        Export::Unmapped(
            "DigitalOcean validates Let's Encrypt certificates itself; there are no validation records".into(),
        ),
    );
    cx.export(
        r,
        "status",
        Export::Unmapped(
            "a DigitalOcean certificate has `state` (pending, verified, error) instead of the ACM status".into(),
        ),
    );
}

/// Let's Encrypt on DigitalOcean needs the names on DigitalOcean DNS: flags names whose domain
/// is not a domain of the stack, and makes the certificate wait for the domains it needs.
fn lets_encrypt_domains(cx: &mut Cx<'_>, r: &Resource, addr: &str, domains: &[Expression]) {
    let zones: Vec<&Resource> = cx
        .origin_of_type_any_mode("aws_route53_zone")
        .into_iter()
        .filter(|z| hclx::blocks(&z.body, "vpc").is_empty())
        .filter(|z| hclx::attr(&z.body, "private_zone").and_then(|e| cx.eval.bool(e)) != Some(true))
        .collect();
    let mut needed: Vec<&Resource> = Vec::new();
    let mut uncovered: Vec<String> = Vec::new();
    for d in domains {
        let dv = cx
            .eval
            .string(d)
            .map(|v| v.trim_end_matches('.').to_string());
        let dt = text(d);
        let covering = zones.iter().find(|z| {
            let Some(ze) = hclx::attr(&z.body, "name") else {
                return false;
            };
            let zv = cx
                .eval
                .string(ze)
                .map(|v| v.trim_end_matches('.').to_string());
            let zt = text(ze);
            let by_value = match (&dv, &zv) {
                (Some(d), Some(z)) => d == z || d.ends_with(&format!(".{z}")),
                _ => false,
            };
            by_value || dt == zt || dt.ends_with(&format!(".{zt}"))
        });
        match covering {
            Some(z) => {
                if z.mode == Mode::Managed && !needed.iter().any(|n| n.address() == z.address()) {
                    needed.push(z);
                }
            }
            None => uncovered.push(dv.unwrap_or_else(|| hclx::inline(d))),
        }
    }
    if !uncovered.is_empty() {
        cx.diag(
            Diagnostic::new(
                Code::CertificateDomainNotInStack,
                format!(
                    "`{}` becomes a Let's Encrypt certificate, which DigitalOcean issues only for domains it serves; {} not under a domain of the stack",
                    r.address(),
                    uncovered
                        .iter()
                        .map(|u| format!("`{u}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                        + if uncovered.len() == 1 { " is" } else { " are" }
                ),
            )
            .at(r.loc_of("domain_name"))
            .resource(r.address())
            .help("declare the hosted zone in the origin (it becomes a digitalocean_domain), or make sure the domain is on DigitalOcean DNS in the customer's account; otherwise import the certificate (`private_key` + `certificate_body`) as a custom certificate"),
        );
    }
    if !needed.is_empty()
        && let Some(e) = cx.emitted_mut(addr)
    {
        let mut deps = match e.meta.depends_on.take() {
            Some(Expression::Array(items)) => items,
            Some(other) => vec![other],
            None => vec![],
        };
        for z in &needed {
            deps.push(hclx::path(&[z.ty.as_str(), z.name.as_str()]));
        }
        e.meta.depends_on = Some(Expression::Array(deps));
    }
    cx.note(
        r,
        "Let's Encrypt certificate: DigitalOcean validates and renews it through its own DNS",
    );
}

fn validation(r: &Resource, cx: &mut Cx<'_>) {
    match cx.parent(r, "certificate_arn") {
        Some(cert) => {
            cx.absorb(
                r,
                &cert,
                "DigitalOcean validates Let's Encrypt certificates itself; there is nothing to wait for",
            );
            for a in ["certificate_arn", "id"] {
                cx.export(
                    r,
                    a,
                    Export::Attr {
                        target: cert.clone(),
                        attr: "name".into(),
                    },
                );
            }
        }
        None => match cx.referenced(r, "certificate_arn") {
            Some(c) => {
                let note = format!(
                    "its certificate `{}` has no DigitalOcean equivalent (see there)",
                    c.address()
                );
                cx.st.outcomes.insert(
                    r.address().to_string(),
                    OutcomeRec {
                        outcome: Outcome::Unsupported,
                        targets: vec![],
                        note: Some(note),
                    },
                );
            }
            None => cx.unsupported(
                r,
                Code::OrphanSubresource,
                format!(
                    "`{}` validates a certificate that is not part of the stack",
                    r.address()
                ),
                "declare the `aws_acm_certificate` in the same module",
            ),
        },
    }
}
