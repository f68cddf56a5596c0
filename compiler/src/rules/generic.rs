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

/// Keeps a non-AWS resource as written (its references are still rewritten).
fn keep(r: &Resource, cx: &mut Cx<'_>) {
    cx.emit_as(r, r.mode, &r.ty, &r.name, body_from_hcl(&r.body));
    if let Some(rec) = cx.st.outcomes.get_mut(r.address()) {
        rec.outcome = Outcome::Kept;
    }
}
