//! Rules for what has no dedicated mapping: resources that are not AWS (kept), AWS types with
//! no meaning on DigitalOcean (dropped), and every other AWS type (unsupported, never silent).

use super::{Cx, RuleDef};
use crate::diag::{Code, Diagnostic};
use crate::origin::{Mode, Resource};
use crate::pipeline::body_from_hcl;

pub const RULES: &[RuleDef] = &[];

/// Runs for every resource without a dedicated rule.
pub fn fallback(r: &Resource, cx: &mut Cx<'_>) {
    if !r.ty.starts_with("aws_") {
        keep(r, cx);
        return;
    }
    match r.mode {
        Mode::Managed => cx.unsupported(
            r,
            Code::UnsupportedResource,
            format!("`{}` ({}) has no DigitalOcean mapping in Ferry", r.address(), r.ty),
            "remove it from the appliance, or replace it with a DigitalOcean resource (`digitalocean_*`) written by hand in the origin",
        ),
        Mode::Data => {
            cx.st.outcomes.insert(
                r.address(),
                super::OutcomeRec {
                    outcome: crate::report::Outcome::Unsupported,
                    targets: vec![],
                    note: Some("AWS data source with no DigitalOcean equivalent".into()),
                },
            );
            cx.diag(
                Diagnostic::new(Code::UnsupportedDataSource, format!("data source `{}` has no DigitalOcean equivalent; references to it become `null`", r.address()))
                    .at(r.loc.clone())
                    .resource(r.address())
                    .help("replace what it provides with a variable of the appliance"),
            );
        }
    }
}

/// Keeps a non-AWS resource as written (its references are still rewritten).
fn keep(r: &Resource, cx: &mut Cx<'_>) {
    cx.emit_as(r, r.mode, &r.ty, &r.name, body_from_hcl(&r.body));
    if let Some(rec) = cx.st.outcomes.get_mut(&r.address()) {
        rec.outcome = crate::report::Outcome::Kept;
    }
}
