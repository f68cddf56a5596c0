//! Databases the origin reads but does not create (`data "aws_db_instance"`,
//! `data "aws_rds_cluster"`): they stay where they are, and every attribute the stack reads
//! becomes an input variable of the deployment stack for the operator to set (F311).

use crate::diag::{Code, Diagnostic};
use crate::hclx;
use crate::origin::Resource;
use crate::out::OutBody;
use crate::report::Outcome;
use crate::rules::{Cx, Export, OutcomeRec};
use hcl::Expression;
use hcl::expr::TraversalOperator as Op;

/// How one attribute of an existing database (outside the stack) is read in the deployment
/// stack: an input variable of `ty` (HCL type name) described as `what`, or a template over
/// other inputs (`endpoint` is `"<address>:<port>"`).
enum Input {
    Var(&'static str, &'static str),
    Endpoint {
        host: &'static str,
        port: &'static str,
    },
}

/// `data.aws_db_instance` attributes Ferry can ask the operator for.
const DB_INSTANCE_INPUTS: &[(&str, Input)] = &[
    ("address", Input::Var("string", "Host name")),
    ("port", Input::Var("number", "Port")),
    (
        "endpoint",
        Input::Endpoint {
            host: "address",
            port: "port",
        },
    ),
    ("db_name", Input::Var("string", "Database name")),
    ("master_username", Input::Var("string", "Master user name")),
    ("engine", Input::Var("string", "Engine (e.g. `postgres`)")),
    ("engine_version", Input::Var("string", "Engine version")),
    ("db_instance_identifier", Input::Var("string", "Identifier")),
    ("id", Input::Var("string", "Identifier")),
];

/// `data.aws_rds_cluster` attributes Ferry can ask the operator for.
const RDS_CLUSTER_INPUTS: &[(&str, Input)] = &[
    ("endpoint", Input::Var("string", "Host name of the writer")),
    (
        "reader_endpoint",
        Input::Var("string", "Host name of the readers"),
    ),
    ("port", Input::Var("number", "Port")),
    ("database_name", Input::Var("string", "Database name")),
    ("master_username", Input::Var("string", "Master user name")),
    (
        "engine",
        Input::Var("string", "Engine (e.g. `aurora-postgresql`)"),
    ),
    ("engine_version", Input::Var("string", "Engine version")),
    ("cluster_identifier", Input::Var("string", "Identifier")),
    ("id", Input::Var("string", "Identifier")),
];

pub(super) fn existing_db_instance(r: &Resource, cx: &mut Cx<'_>) {
    existing_database(r, cx, "db_instance_identifier", DB_INSTANCE_INPUTS);
}

pub(super) fn existing_rds_cluster(r: &Resource, cx: &mut Cx<'_>) {
    existing_database(r, cx, "cluster_identifier", RDS_CLUSTER_INPUTS);
}

/// A database the origin reads but does not create (`data "aws_db_instance"`): it stays where
/// it is, and every attribute the stack reads becomes an input variable of the deployment
/// stack, `var.db_<name>_<attribute>` (no default: the operator sets it when the appliance is
/// deployed, F311), so a connection string keeps its shape instead of collapsing to its
/// literals. `endpoint` is composed from the address and port inputs. AWS-only attributes
/// (ARNs, security groups, hosted zones) have no value to ask for and stay `null` (F401).
///
/// Inputs are declared in the module that reads the data source; callers of a local module
/// pass them on (`pipeline`, like every input without a default that a rule declares).
fn existing_database(r: &Resource, cx: &mut Cx<'_>, id_key: &str, inputs: &[(&str, Input)]) {
    let label = cx
        .expr(r, id_key)
        .and_then(|e| cx.eval.string(&e))
        .map(|id| format!("`{id}`"))
        .unwrap_or_else(|| format!("`{}`", r.address()));
    let base = format!("db_{}", crate::rules::var_ident(&r.name));
    let read = attrs_read(cx, r);
    let mut declared: Vec<String> = Vec::new();
    let mut declare = |cx: &mut Cx<'_>, attr: &str, ty: &str, what: &str| -> Expression {
        let name = format!("{base}_{attr}");
        let mut v = OutBody::new();
        v.set(
            "description",
            Expression::String(format!(
                "{what} of the existing database {label}, which the appliance connects to; set when the appliance is deployed."
            )),
        );
        v.set("type", hclx::path(&[ty]));
        let e = cx.variable(&name, v);
        if !declared.contains(&name) {
            declared.push(name);
        }
        e
    };
    for attr in &read {
        let Some((_, input)) = inputs.iter().find(|(a, _)| a == attr) else {
            continue;
        };
        let export = match input {
            Input::Var(ty, what) => Export::Expr(declare(cx, attr, ty, what)),
            Input::Endpoint { host, port } => {
                let host_var = declare(cx, host, "string", "Host name");
                let port_var = declare(cx, port, "number", "Port");
                Export::Expr(
                    hclx::parse_expr(&format!(
                        "\"${{{}}}:${{{}}}\"",
                        hclx::inline(&host_var),
                        hclx::inline(&port_var)
                    ))
                    .unwrap_or(Expression::Null),
                )
            }
        };
        cx.export(r, attr.clone(), export);
    }
    for attr in &read {
        if !inputs.iter().any(|(a, _)| a == attr) {
            cx.export(
                r,
                attr.clone(),
                Export::Unmapped(format!(
                    "`{attr}` is an AWS property of the existing database {label}, with no value an appliance on DigitalOcean could use"
                ).into()),
            );
        }
    }
    let vars = declared
        .iter()
        .map(|n| format!("`var.{n}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let note = if declared.is_empty() {
        format!(
            "the existing database {label} stays outside the appliance; the stack reads none of its attributes that could be set"
        )
    } else {
        format!(
            "the existing database {label} stays outside the appliance; what the stack reads of it comes from inputs: {vars}"
        )
    };
    cx.st.outcomes.insert(
        r.address().to_string(),
        OutcomeRec {
            outcome: Outcome::Absorbed,
            targets: vec![],
            note: Some(note),
        },
    );
    if !declared.is_empty() {
        cx.diag(
            Diagnostic::new(
                Code::ExistingObjectInput,
                format!(
                    "`{}` reads the existing database {label}, which the stack does not create: {vars} must be set when the appliance is deployed",
                    r.address()
                ),
            )
            .at(r.loc.clone())
            .resource(r.address())
            .help("set the inputs to the database's connection details; it must be reachable from the appliance's DigitalOcean region (a public endpoint with its firewall open to the appliance, or a VPN), or move the data into a database the stack creates"),
        );
    }
}

/// Calls `f` on the expression of every attribute of `body` and of its nested blocks.
pub(super) fn body_exprs(body: &hcl::Body, f: &mut dyn FnMut(&Expression)) {
    for s in body.iter() {
        match s {
            hcl::Structure::Attribute(a) => f(a.expr()),
            hcl::Structure::Block(b) => body_exprs(&b.body, f),
        }
    }
}

/// The attributes of the data source `r` read anywhere in the module, in order of first use.
fn attrs_read(cx: &Cx<'_>, r: &Resource) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut scan = |e: &Expression| {
        hclx::walk(e, &mut |x| {
            let Some(("data", [Op::GetAttr(ty), Op::GetAttr(n), rest @ ..])) =
                hclx::traversal_root(x)
            else {
                return;
            };
            if ty.as_str() != r.ty || n.as_str() != r.name {
                return;
            }
            if let Some(Op::GetAttr(a)) = rest.iter().find(|o| matches!(o, Op::GetAttr(_)))
                && !out.iter().any(|o| o == a.as_str())
            {
                out.push(a.as_str().to_string());
            }
        });
    };
    let refs = cx.referrers(r);
    for res in refs.resources {
        body_exprs(&res.body, &mut scan);
    }
    for l in refs.locals {
        scan(&l.expr);
    }
    for n in refs.outputs.into_iter().chain(refs.calls) {
        body_exprs(&n.body, &mut scan);
    }
    out
}
