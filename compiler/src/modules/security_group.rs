//! `security-group` (v5) and its preset submodules (`//modules/http-80`, …).

use super::{B, Builder, entries, get, no_resources, num, rref, s, with_suffix};
use crate::diag::Code;
use crate::hclx;
use hcl::Expression;

pub(super) mod sg_rules {
    //! Named rules and preset groups of terraform-aws-modules/security-group (`rules.tf`).

    /// `(name, from, to, protocol, description)`.
    pub const RULES: &[(&str, i64, i64, &str, &str)] = &[
        ("http-80-tcp", 80, 80, "tcp", "HTTP"),
        ("http-8080-tcp", 8080, 8080, "tcp", "HTTP"),
        ("https-443-tcp", 443, 443, "tcp", "HTTPS"),
        ("https-8443-tcp", 8443, 8443, "tcp", "HTTPS"),
        ("ssh-tcp", 22, 22, "tcp", "SSH"),
        ("postgresql-tcp", 5432, 5432, "tcp", "PostgreSQL"),
        ("mysql-tcp", 3306, 3306, "tcp", "MySQL/Aurora"),
        ("redis-tcp", 6379, 6379, "tcp", "Redis"),
        ("memcached-tcp", 11211, 11211, "tcp", "Memcached"),
        ("mongodb-27017-tcp", 27017, 27017, "tcp", "MongoDB"),
        ("mongodb-27018-tcp", 27018, 27018, "tcp", "MongoDB shard"),
        (
            "mongodb-27019-tcp",
            27019,
            27019,
            "tcp",
            "MongoDB config server",
        ),
        (
            "kubernetes-api-tcp",
            6443,
            6443,
            "tcp",
            "Kubernetes API Server",
        ),
        ("grafana-tcp", 3000, 3000, "tcp", "Grafana Dashboard"),
        ("prometheus-http-tcp", 9090, 9090, "tcp", "Prometheus"),
        ("nfs-tcp", 2049, 2049, "tcp", "NFS/EFS"),
        ("dns-udp", 53, 53, "udp", "DNS"),
        ("dns-tcp", 53, 53, "tcp", "DNS"),
        (
            "elasticsearch-rest-tcp",
            9200,
            9200,
            "tcp",
            "Elasticsearch REST interface",
        ),
        (
            "elasticsearch-java-tcp",
            9300,
            9300,
            "tcp",
            "Elasticsearch Java interface",
        ),
        ("rabbitmq-5671-tcp", 5671, 5671, "tcp", "RabbitMQ"),
        ("rabbitmq-5672-tcp", 5672, 5672, "tcp", "RabbitMQ"),
        ("rabbitmq-15672-tcp", 15672, 15672, "tcp", "RabbitMQ"),
        ("smtp-tcp", 25, 25, "tcp", "SMTP"),
        (
            "smtp-submission-587-tcp",
            587,
            587,
            "tcp",
            "SMTP Submission",
        ),
        ("smtps-465-tcp", 465, 465, "tcp", "SMTPS"),
        ("web-jmx-tcp", 1099, 1099, "tcp", "JMX"),
        ("ntp-udp", 123, 123, "udp", "NTP"),
        ("all-all", -1, -1, "-1", "All protocols"),
        ("all-tcp", 0, 65535, "tcp", "All TCP ports"),
        ("all-udp", 0, 65535, "udp", "All UDP ports"),
        ("all-icmp", -1, -1, "icmp", "All IPV4 ICMP"),
    ];

    pub fn rule(name: &str) -> Option<(i64, i64, &'static str, &'static str)> {
        RULES
            .iter()
            .find(|r| r.0 == name)
            .map(|r| (r.1, r.2, r.3, r.4))
    }

    /// A preset submodule (`//modules/<name>`): its ingress rules; every preset also allows
    /// all traffic from itself and all egress.
    pub fn group(name: &str) -> Option<&'static [&'static str]> {
        Some(match name {
            "http-80" => &["http-80-tcp"],
            "http-8080" => &["http-8080-tcp"],
            "https-443" => &["https-443-tcp"],
            "https-8443" => &["https-8443-tcp"],
            "ssh" => &["ssh-tcp"],
            "postgresql" => &["postgresql-tcp"],
            "mysql" => &["mysql-tcp"],
            "redis" => &["redis-tcp"],
            "memcached" => &["memcached-tcp"],
            "mongodb" => &[
                "mongodb-27017-tcp",
                "mongodb-27018-tcp",
                "mongodb-27019-tcp",
            ],
            "kubernetes-api" => &["kubernetes-api-tcp"],
            "grafana" => &["grafana-tcp"],
            "nfs" => &["nfs-tcp"],
            "web" => &[
                "http-80-tcp",
                "http-8080-tcp",
                "https-443-tcp",
                "web-jmx-tcp",
            ],
            "elasticsearch" => &["elasticsearch-rest-tcp", "elasticsearch-java-tcp"],
            _ => return None,
        })
    }
}

pub(super) fn security_group(b: &mut Builder<'_>, preset: Option<&[&str]>) {
    if !b.created(&["create", "create_sg"]) {
        no_resources(b, &["security_group_id"]);
        return;
    }
    let mut body = B::new();
    let name = b.input("name");
    // `use_name_prefix` defaults to true: the group is named `<name>-<random>`.
    if b.input_bool("use_name_prefix") == Some(false) {
        body.set_opt("name", name);
    } else {
        body.set_opt("name_prefix", name.map(|n| with_suffix(&n, "-")));
    }
    b.pass(
        &mut body,
        &["description", "vpc_id", "revoke_rules_on_delete"],
    );
    let mut unknown_rules = Vec::new();
    for dir in ["ingress", "egress"] {
        let mut named: Vec<Expression> = Vec::new();
        for input in [format!("{dir}_rules"), format!("computed_{dir}_rules")] {
            if let Some(Expression::Array(items)) = b.input_literal(&input) {
                named.extend(items);
            }
        }
        if let Some(p) = preset {
            if dir == "ingress" {
                named.extend(p.iter().map(|r| s(r)));
            } else if named.is_empty() && !b.has("egress_rules") {
                named.push(s("all-all"));
            }
        }
        let cidrs = b
            .input(&format!("{dir}_cidr_blocks"))
            .or_else(|| (dir == "egress").then(|| Expression::Array(vec![s("0.0.0.0/0")])));
        let ipv6 = b.input(&format!("{dir}_ipv6_cidr_blocks"));
        for rule in named {
            let Some(rn) = b.eval.string(&rule) else {
                continue;
            };
            let Some((from, to, proto, desc)) = sg_rules::rule(&rn) else {
                unknown_rules.push(rn);
                continue;
            };
            let mut rb = B::new();
            rb.set("from_port", num(from.max(0)));
            rb.set("to_port", num(to.max(0)));
            rb.set("protocol", s(proto));
            rb.set_opt("cidr_blocks", cidrs.clone());
            rb.set_opt("ipv6_cidr_blocks", ipv6.clone());
            rb.set("description", s(desc));
            body.block(dir, rb);
        }
        // `{dir}_with_cidr_blocks`, `_with_source_security_group_id`, `_with_self` (and
        // their `computed_` forms): lists of `{ rule | from_port, to_port, protocol, … }`.
        for kind in [
            "with_cidr_blocks",
            "with_ipv6_cidr_blocks",
            "with_source_security_group_id",
            "with_self",
        ] {
            let mut items = Vec::new();
            for input in [format!("{dir}_{kind}"), format!("computed_{dir}_{kind}")] {
                if let Some(Expression::Array(list)) = b.input_literal(&input) {
                    items.extend(list);
                }
            }
            if preset.is_some()
                && kind == "with_self"
                && dir == "ingress"
                && !b.has("ingress_with_self")
            {
                items.push(Expression::Object(hcl::Object::from_iter([(
                    hcl::expr::ObjectKey::Identifier(hcl::Identifier::unchecked("rule")),
                    s("all-all"),
                )])));
            }
            for item in items {
                let mut rb = B::new();
                let named = get(&item, "rule").and_then(|r| b.eval.string(&r));
                match named.as_deref().map(|n| (n, sg_rules::rule(n))) {
                    Some((_, Some((from, to, proto, desc)))) => {
                        rb.set("from_port", num(from.max(0)));
                        rb.set("to_port", num(to.max(0)));
                        rb.set("protocol", s(proto));
                        rb.set(
                            "description",
                            get(&item, "description").unwrap_or_else(|| s(desc)),
                        );
                    }
                    Some((n, None)) => {
                        unknown_rules.push(n.to_string());
                        continue;
                    }
                    None => {
                        rb.set("from_port", get(&item, "from_port").unwrap_or(num(0)));
                        rb.set("to_port", get(&item, "to_port").unwrap_or(num(0)));
                        rb.set(
                            "protocol",
                            get(&item, "protocol").unwrap_or_else(|| s("tcp")),
                        );
                        rb.set_opt("description", get(&item, "description"));
                    }
                }
                match kind {
                    "with_cidr_blocks" => {
                        // The module takes a comma-separated string.
                        let c = get(&item, "cidr_blocks").map(|c| match b.eval.string(&c) {
                            Some(text) => {
                                Expression::Array(text.split(',').map(|p| s(p.trim())).collect())
                            }
                            None => format!("split(\",\", {})", hclx::inline(&c))
                                .parse()
                                .unwrap_or(c),
                        });
                        rb.set_opt("cidr_blocks", c);
                    }
                    "with_ipv6_cidr_blocks" => {
                        let c = get(&item, "ipv6_cidr_blocks").map(|c| match b.eval.string(&c) {
                            Some(text) => {
                                Expression::Array(text.split(',').map(|p| s(p.trim())).collect())
                            }
                            None => c,
                        });
                        rb.set_opt("ipv6_cidr_blocks", c);
                    }
                    "with_source_security_group_id" => {
                        rb.set_opt(
                            "security_groups",
                            get(&item, "source_security_group_id")
                                .map(|g| Expression::Array(vec![g])),
                        );
                    }
                    _ => {
                        rb.set("self", Expression::Bool(true));
                    }
                }
                body.block(dir, rb);
            }
        }
    }
    let sg = b.resource("aws_security_group", &b.base(), body);
    if !unknown_rules.is_empty() {
        unknown_rules.dedup();
        b.note(
            Code::ModuleInputIgnored,
            format!(
                "`{}`: named rule(s) {} are not in Ferry's table of the module's rules and were not carried over",
                b.addr(),
                unknown_rules
                    .iter()
                    .map(|r| format!("`{r}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    }
    b.understood(&["tags", "create_timeout", "delete_timeout", "putin_khuylo"]);
    b.absorb_matching(
        |k| k.starts_with("number_of_computed_"),
        "counts of computed rules only size the module's own loops",
    );
    b.outs(
        &sg,
        &[
            ("security_group_id", "id"),
            ("security_group_arn", "arn"),
            ("security_group_vpc_id", "vpc_id"),
            ("security_group_owner_id", "owner_id"),
            ("security_group_name", "name"),
            ("security_group_description", "description"),
        ],
    );
}

/// `vpc_security_group_ids` with the module's own group first.
pub(super) fn with_own_sg(sg: Option<&str>, given: Option<Expression>) -> Option<Expression> {
    match (sg, given) {
        (Some(sg), Some(g)) => Some(Expression::FuncCall(Box::new(
            hcl::expr::FuncCall::builder("concat")
                .arg(Expression::Array(vec![rref(sg, "id")]))
                .arg(g)
                .build(),
        ))),
        (Some(sg), None) => Some(Expression::Array(vec![rref(sg, "id")])),
        (None, g) => g,
    }
}

/// The security group that rds-aurora and elasticache create from a map of ingress rules
/// `{ key = { cidr_blocks = [...] } | { source_security_group_id = ... }, type = "ingress" }`
/// on the database port.
pub(super) fn aurora_like_security_group(
    b: &mut Builder<'_>,
    rules_input: &str,
    port: Option<Expression>,
    engine: Option<&Expression>,
) -> Option<String> {
    if b.input_bool("create_security_group") == Some(false) {
        return None;
    }
    let rules = b.input_literal(rules_input)?;
    let port = port.or_else(|| {
        let engine = engine.and_then(|e| b.eval.string(e)).unwrap_or_default();
        Some(num(if engine.contains("mysql") {
            3306
        } else if engine.contains("redis") || engine.contains("valkey") {
            6379
        } else if engine.contains("memcached") {
            11211
        } else {
            5432
        }))
    });
    let mut body = B::new();
    let name = b.input("security_group_name").or_else(|| b.input("name"));
    if let Some(n) = name {
        body.set("name_prefix", with_suffix(&n, "-"));
    }
    let vpc = b.input("vpc_id");
    body.set_opt("vpc_id", vpc);
    let mut any = false;
    for (_, rule) in entries(&rules) {
        let ty = get(&rule, "type").and_then(|t| b.eval.string(&t));
        if ty.as_deref().is_some_and(|t| t != "ingress") {
            continue;
        }
        let mut ing = B::new();
        ing.set(
            "from_port",
            get(&rule, "from_port")
                .or_else(|| port.clone())
                .unwrap_or(num(0)),
        );
        ing.set(
            "to_port",
            get(&rule, "to_port")
                .or_else(|| port.clone())
                .unwrap_or(num(0)),
        );
        // rds-aurora writes `aws_security_group_rule` fields, elasticache
        // `aws_vpc_security_group_ingress_rule` ones (`ip_protocol`, `cidr_ipv4`).
        ing.set(
            "protocol",
            get(&rule, "protocol")
                .or_else(|| get(&rule, "ip_protocol"))
                .unwrap_or_else(|| s("tcp")),
        );
        ing.set_opt(
            "cidr_blocks",
            get(&rule, "cidr_blocks")
                .or_else(|| get(&rule, "cidr_ipv4").map(|c| Expression::Array(vec![c]))),
        );
        ing.set_opt(
            "security_groups",
            get(&rule, "source_security_group_id")
                .or_else(|| get(&rule, "referenced_security_group_id"))
                .map(|g| Expression::Array(vec![g])),
        );
        ing.set_opt("description", get(&rule, "description"));
        body.block("ingress", ing);
        any = true;
    }
    if !any {
        return None;
    }
    Some(b.resource("aws_security_group", &b.base(), body))
}
