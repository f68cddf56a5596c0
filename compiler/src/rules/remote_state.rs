//! `data "terraform_remote_state"`: a stack split in layers (network → data → application, each
//! a root of its own with its own backend) reads another layer's outputs from that layer's
//! state. Kept as written, the deployment stack would read the AWS layer's state (an `s3`
//! backend in the vendor's AWS account: the plan fails without AWS credentials, and what it
//! read would be AWS ids). Each layer is compiled as an origin of its own, and its outputs keep
//! their names; so every output the stack reads becomes an input variable of the deployment
//! stack, `var.<state name>_<output>` (no default: set from the other layer's deployment outputs
//! when the appliance is deployed, F311), and the data source is left out.

use super::{Cx, Export, OutcomeRec, Phase, RemoteStateInputs, RuleDef};
use crate::hclx;
use crate::origin::{Mode, Resource};
use crate::out::OutBody;
use crate::report::Outcome;
use hcl::Expression;
use hcl::expr::TraversalOperator as Op;

pub const RULES: &[RuleDef] = &[RuleDef {
    ty: "terraform_remote_state",
    mode: Mode::Data,
    phase: Phase::Primary,
    produces: &[],
    args: &["backend", "config", "workspace", "defaults"],
    summary: "another layer's outputs (its state) → input variables of the deployment stack, one per output read",
    map: remote_state,
}];

/// The data source's own arguments, which a 0.11 reference (`data.terraform_remote_state.x.y`,
/// before `outputs` existed) never names as an output.
const OWN: &[&str] = &["backend", "config", "workspace", "defaults", "outputs"];

fn remote_state(r: &Resource, cx: &mut Cx<'_>) {
    let (modern, legacy) = outputs_read(cx, r);
    let backend = cx
        .expr(r, "backend")
        .and_then(|e| cx.eval.string(&e))
        .unwrap_or_else(|| "?".into());
    // `config = { key = … }`, or Terraform 0.11's `config { key = … }` block.
    let key_of = |k: &str| matches!(k, "key" | "path" | "prefix");
    let key = r.body.iter().find_map(|s| match s {
        hcl::Structure::Attribute(a) if a.key() == "config" => match &a.expr {
            Expression::Object(o) => o.iter().find_map(|(k, v)| {
                hclx::object_key(k)
                    .filter(|k| key_of(k))
                    .and_then(|_| cx.eval.string(v))
            }),
            _ => None,
        },
        hcl::Structure::Block(b) if b.identifier() == "config" => {
            b.body.iter().find_map(|x| match x {
                hcl::Structure::Attribute(a) if key_of(a.key()) => cx.eval.string(&a.expr),
                _ => None,
            })
        }
        _ => None,
    });
    let state = match &key {
        Some(k) => format!("the `{backend}` state `{k}`"),
        None => format!("a state of backend `{backend}`"),
    };
    let mut declared: Vec<String> = Vec::new();
    let mut declare = |cx: &mut Cx<'_>, out: &str| -> Expression {
        let name = format!("{}_{}", super::var_ident(&r.name), super::var_ident(out));
        let mut v = OutBody::new();
        v.set(
            "description",
            Expression::String(format!(
                "Output `{out}` of the layer whose state `{}` read ({state}): set it to that layer's deployment output of the same name when the appliance is deployed.",
                r.address()
            )),
        );
        v.set("type", hclx::path(&["any"]));
        let e = cx.variable(&name, v);
        if !declared.contains(&name) {
            declared.push(name);
        }
        e
    };
    let mut object = Vec::new();
    for out in &modern {
        let e = declare(cx, out);
        object.push(format!("{out} = {}", hclx::inline(&e)));
    }
    if !modern.is_empty() {
        cx.export(
            r,
            "outputs",
            Export::Value {
                target: r.address().to_string(),
                tmpl: format!("{{ {} }}", object.join(", ")),
            },
        );
    }
    for out in &legacy {
        let e = declare(cx, out);
        cx.export(r, out.clone(), Export::Expr(e));
    }
    cx.st.outcomes.insert(
        r.address().to_string(),
        OutcomeRec {
            outcome: Outcome::Absorbed,
            targets: vec![],
            note: None,
        },
    );
    // Reported by the pipeline once it knows which inputs the deployment stack still reads
    // (`pipeline::remote_state_inputs`).
    cx.st.remote_states.push(RemoteStateInputs {
        address: r.address().to_string(),
        loc: r.loc.clone(),
        state,
        vars: declared,
    });
}

/// The outputs the module reads of `r`: `outputs.<name>` (Terraform 0.12+), and `<name>`
/// directly (0.11), each in first-read order.
fn outputs_read(cx: &Cx<'_>, r: &Resource) -> (Vec<String>, Vec<String>) {
    let mut modern: Vec<String> = Vec::new();
    let mut legacy: Vec<String> = Vec::new();
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
            // `data.terraform_remote_state.x[0]`: the data source repeated; its index is spent.
            let rest: Vec<&Op> = rest
                .iter()
                .skip_while(|o| matches!(o, Op::Index(_) | Op::LegacyIndex(_)))
                .collect();
            match rest.as_slice() {
                // Read once each (`outputs` is in `OWN`: a repeated read falls through to `_`).
                [Op::GetAttr(o), Op::GetAttr(a), ..]
                    if o.as_str() == "outputs" && !modern.iter().any(|m| m == a.as_str()) =>
                {
                    modern.push(a.as_str().to_string());
                }
                [Op::GetAttr(a), ..]
                    if !OWN.contains(&a.as_str()) && !legacy.iter().any(|m| m == a.as_str()) =>
                {
                    legacy.push(a.as_str().to_string());
                }
                _ => {}
            }
        });
    };
    let refs = cx.referrers(r);
    for res in refs.resources {
        hclx::walk_body(&res.body, &mut scan);
    }
    for l in refs.locals {
        scan(&l.expr);
    }
    for n in refs.outputs.into_iter().chain(refs.calls) {
        hclx::walk_body(&n.body, &mut scan);
    }
    (modern, legacy)
}
