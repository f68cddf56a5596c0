//! AMIs → DigitalOcean images: a `data "aws_ami"` lookup becomes the image slug of its
//! distribution and release, an AMI id the default image with a warning, and an
//! `aws_ami_from_instance` of the stack a snapshot of its droplet.

use super::{body_mentions, eventual_target};
use crate::diag::{Code, Diagnostic};
use crate::facts::droplet;
use crate::hclx;
use crate::origin::{Mode, Resource};
use crate::out::OutBody;
use crate::rules::{Cx, Export};
use hcl::Expression;

/// What an AMI lookup becomes.
struct AmiImage {
    slug: &'static str,
    /// The distribution and release were recognised.
    exact: bool,
    recognised: bool,
    arm: bool,
    text: String,
}

fn ami_image(cx: &Cx<'_>, ami: &Resource) -> AmiImage {
    let mut parts = Vec::new();
    let mut push = |v: Option<hcl::Value>| match v {
        Some(hcl::Value::String(s)) => parts.push(s),
        Some(hcl::Value::Array(items)) => {
            for i in items {
                if let hcl::Value::String(s) = i {
                    parts.push(s);
                }
            }
        }
        _ => {}
    };
    for f in hclx::blocks(&ami.body, "filter") {
        push(hclx::attr(&f, "values").and_then(|e| cx.eval.value(e)));
    }
    push(hclx::attr(&ami.body, "name_regex").and_then(|e| cx.eval.value(e)));
    push(hclx::attr(&ami.body, "owners").and_then(|e| cx.eval.value(e)));
    let text = parts.join(" ");
    let arm = droplet::ami_text_is_arm(&text);
    match droplet::image_for_ami_text(&text) {
        Some((slug, exact)) => AmiImage {
            slug,
            exact,
            recognised: true,
            arm,
            text,
        },
        None => AmiImage {
            slug: droplet::DEFAULT_IMAGE,
            exact: false,
            recognised: false,
            arm,
            text,
        },
    }
}

pub(super) fn ami_lookup(r: &Resource, cx: &mut Cx<'_>) {
    let img = ami_image(cx, r);
    let described = if img.text.is_empty() {
        "no name filter".to_string()
    } else {
        format!("`{}`", img.text)
    };
    if !img.recognised {
        cx.diag(
            Diagnostic::new(
                Code::NearestMatch,
                format!(
                    "`{}` ({described}) names no distribution DigitalOcean offers; droplets use `{}`",
                    r.address(),
                    img.slug
                ),
            )
            .at(r.loc.clone())
            .resource(r.address())
            .help("filter on an Ubuntu or Debian AMI name so Ferry picks the matching image, and check that user data written for this AMI (e.g. yum/dnf on Amazon Linux) works on it"),
        );
    } else if !img.exact {
        cx.diag(
            Diagnostic::new(
                Code::NearestMatch,
                format!(
                    "`{}` ({described}) → `{}`, the nearest release DigitalOcean offers",
                    r.address(),
                    img.slug
                ),
            )
            .at(r.loc.clone())
            .resource(r.address())
            .help("name the release in the AMI filter (e.g. `ubuntu-noble-24.04`) to choose it"),
        );
    }
    if img.arm {
        cx.diag(
            Diagnostic::new(
                Code::FeatureUnsupported,
                format!(
                    "`{}` looks up an arm64 image; droplets are x86_64, so Ferry uses the amd64 build `{}`",
                    r.address(),
                    img.slug
                ),
            )
            .at(r.loc.clone())
            .resource(r.address())
            .help("make sure the software installed on the droplet has amd64 builds"),
        );
    }
    let slug = Expression::String(img.slug.into());
    for attr in ["id", "image_id", "name"] {
        cx.export(r, attr, Export::Expr(slug.clone()));
    }
    cx.export(
        r,
        "architecture",
        Export::Expr(Expression::String("x86_64".into())),
    );
    // The droplets (or pools) that use it.
    let user = cx
        .resources
        .iter()
        .filter(|u| u.mode == Mode::Managed)
        .filter(|u| body_mentions(&u.body, &["ami", "image_id"], r))
        .find_map(|u| eventual_target(cx, u));
    let note = format!("the AMI lookup became the droplet image `{}`", img.slug);
    match user {
        Some(t) => cx.absorb(r, &t, note),
        None => cx.drop(r, format!("{note}; no mapped resource uses it")),
    }
}

/// The droplet image for an AMI: the snapshot of an `aws_ami_from_instance` of the stack (the
/// reference, which the reference pass points at the snapshot's id), else the image slug of
/// [`image_for`].
pub(super) fn image_expr(
    cx: &mut Cx<'_>,
    r: &Resource,
    key: &str,
    ami: Option<&Expression>,
) -> Expression {
    if let Some(e) = ami
        && cx
            .resolve_ref(e)
            .is_some_and(|a| a.mode == Mode::Managed && a.ty == "aws_ami_from_instance")
    {
        return e.clone();
    }
    Expression::String(image_for(cx, r, key, ami).into())
}

/// An image baked from an instance of the stack → a snapshot of its droplet.
pub(super) fn ami_from_instance(r: &Resource, cx: &mut Cx<'_>) {
    let source = cx.expr(r, "source_instance_id");
    let droplet = cx
        .referenced(r, "source_instance_id")
        .filter(|i| i.ty == "aws_instance")
        .and_then(|i| cx.st.outcomes.get(i.address()))
        .is_some_and(|o| {
            o.targets
                .iter()
                .any(|t| t.starts_with("digitalocean_droplet."))
        });
    let Some(source) = source.filter(|_| droplet) else {
        cx.unsupported(
            r,
            Code::UnsupportedResource,
            format!(
                "`{}`: the image is baked from an instance that is not a droplet of the stack; DigitalOcean snapshots droplets (`digitalocean_droplet_snapshot`)",
                r.address()
            ),
            "bake the image from an `aws_instance` of the stack (Ferry snapshots its droplet), or build it with Packer's DigitalOcean builder and pass its id as a variable",
        );
        return;
    };
    let mut body = OutBody::new();
    let name = cx.unique_name(r, cx.expr(r, "name"), &r.name);
    body.set("name", name);
    body.set("droplet_id", source);
    let addr = cx.emit(r, "digitalocean_droplet_snapshot", body);
    cx.export_attrs(r, &addr, &[("id", "id"), ("name", "name")]);
    cx.diag(
        Diagnostic::new(
            Code::FeatureUnsupported,
            format!(
                "`{}`: a droplet snapshot stands for the AMI; it is taken once, when it is created, of the droplet as it is then (as soon as the droplet is active, possibly before its user data has finished, as with an AMI; taken while the droplet runs, like `snapshot_without_reboot = true`), holds the droplet's disk only (not its volumes), stays in the droplet's region and is billed per GiB stored",
                r.address()
            ),
        )
        .at(r.loc.clone())
        .resource(r.address())
        .help("the droplets and autoscale pools that booted the AMI boot the snapshot (`image = <snapshot>.id`); to refresh it after changing the source droplet, replace the snapshot (`tofu apply -replace=...`)"),
    );
}

/// The droplet image for an `ami` expression: the slug of a `data "aws_ami"` lookup, or the
/// default image with a warning for AMI ids.
fn image_for(cx: &mut Cx<'_>, r: &Resource, key: &str, ami: Option<&Expression>) -> &'static str {
    if let Some(data) = ami
        .and_then(|e| cx.resolve_ref(e))
        .filter(|d| d.mode == Mode::Data && d.ty == "aws_ami")
    {
        return ami_image(cx, data).slug;
    }
    let shown = match ami {
        Some(e) => cx
            .eval
            .string(e)
            .unwrap_or_else(|| hclx::inline(e))
            .to_string(),
        None => "no AMI".into(),
    };
    cx.diag(
        Diagnostic::new(
            Code::NearestMatch,
            format!(
                "`{}`: the AMI ({shown}) does not exist on DigitalOcean; Ferry used the image `{}`",
                r.address(),
                droplet::DEFAULT_IMAGE
            ),
        )
        .at(r.loc_of(key))
        .resource(r.address())
        .help("look the AMI up with a `data \"aws_ami\"` name filter (Ferry maps Ubuntu and Debian filters to the matching DigitalOcean image), or replace the image with a DigitalOcean snapshot or custom image after compiling"),
    );
    droplet::DEFAULT_IMAGE
}
