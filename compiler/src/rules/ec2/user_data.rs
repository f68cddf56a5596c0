//! User data written for an AWS instance: kept (decoded when base64-encoded), and checked for what
//! fails on a droplet (EFS mounts, `yum` on Ubuntu, the EC2 metadata service).

use crate::diag::{Code, Diagnostic};
use crate::hclx;
use crate::origin::{Mode, Resource};
use crate::rules::Cx;
use hcl::expr::FuncCall;
use hcl::expr::TraversalOperator as Op;
use hcl::{Expression, Identifier};

/// The text of base64-encoded user data: `base64encode(x)` → `x`, `filebase64(p)` →
/// `file(p)`, anything else → `base64decode(…)` (the `bool` says so).
pub(in crate::rules) fn decode_base64(e: &Expression) -> (Expression, bool) {
    if let Expression::FuncCall(c) = e
        && c.args.len() == 1
        && !c.name.is_namespaced()
    {
        match c.name.name.as_str() {
            "base64encode" => return (c.args[0].clone(), false),
            "filebase64" => {
                let mut f = FuncCall::new(Identifier::unchecked("file"));
                f.args = c.args.clone();
                return (Expression::FuncCall(Box::new(f)), false);
            }
            _ => {}
        }
    }
    let mut call = FuncCall::new(Identifier::unchecked("base64decode"));
    call.args = vec![e.clone()];
    (Expression::FuncCall(Box::new(call)), true)
}

/// What user data written for an AWS instance does that fails on the droplet (known gap
/// #208): mounting EFS (`mount -t efs`, `amazon-efs-utils`; the stack's file systems are
/// DigitalOcean NFS shares, mounted as NFS), and installing packages with `yum` / `dnf` /
/// `amazon-linux-extras` on the Ubuntu or Debian image the AMI was replaced by. Reads the
/// script as written and the files it renders (`file()`, `templatefile()`, a
/// `data.template_file`'s template).
pub(super) fn user_data_checks(
    cx: &mut Cx<'_>,
    r: &Resource,
    key: &str,
    ud: &Expression,
    image: Option<&Expression>,
) {
    let mut texts = vec![hclx::inline(ud)];
    let read_files = |e: &Expression, texts: &mut Vec<String>| {
        hclx::walk(e, &mut |x| {
            if let Expression::FuncCall(c) = x
                && matches!(c.name.name.as_str(), "file" | "templatefile")
                && let Some(path) = c.args.first().and_then(crate::rules::generic::literal_path)
                && let Some(text) = cx.file(&path)
            {
                texts.push(text.to_string());
            }
        });
    };
    read_files(ud, &mut texts);
    // `data.template_file.init.rendered`: the template it renders.
    let mut rendered: Vec<Expression> = Vec::new();
    hclx::walk(ud, &mut |x| {
        if let Some(("data", [Op::GetAttr(t), Op::GetAttr(n), ..])) = hclx::traversal_root(x)
            && t.as_str() == "template_file"
            && let Some(d) = cx
                .origin_of_type_any_mode("template_file")
                .into_iter()
                .find(|d| d.mode == Mode::Data && d.name == n.as_str())
            && let Some(tpl) = hclx::attr(&d.body, "template")
        {
            rendered.push(tpl.clone());
        }
    });
    for tpl in &rendered {
        texts.push(hclx::inline(tpl));
        read_files(tpl, &mut texts);
    }
    fn has(texts: &[String], needles: &[&'static str]) -> Option<&'static str> {
        needles
            .iter()
            .find(|n| texts.iter().any(|t| t.contains(**n)))
            .copied()
    }
    if let Some(found) = has(
        &texts,
        &["mount -t efs", "amazon-efs-utils", "efs-utils", ".efs."],
    ) {
        cx.diag(
            Diagnostic::new(
                Code::FeatureUnsupported,
                format!(
                    "`{}`: its user data mounts an EFS file system (`{found}`); the stack's file systems are DigitalOcean NFS shares (`digitalocean_nfs`), which mount as NFS, not with the EFS mount helper",
                    r.address()
                ),
            )
            .at(r.loc_of(key))
            .resource(r.address())
            .help("mount the share with `mount -t nfs <host>:<mount_path> <dir>` (the `host` and `mount_path` attributes of `digitalocean_nfs`, passed into the script); the droplet must be in the share's VPC"),
        );
    }
    metadata_service_warning(cx, r, key, &texts);
    let debian_like = image
        .and_then(hclx::as_str)
        .is_some_and(|slug| slug.starts_with("ubuntu") || slug.starts_with("debian"));
    if debian_like
        && let Some(found) = has(
            &texts,
            &["yum ", "dnf ", "amazon-linux-extras", "rpm -i", "rpm -U"],
        )
    {
        cx.diag(
            Diagnostic::new(
                Code::NearestMatch,
                format!(
                    "`{}`: its user data installs packages with `{}` (Amazon Linux, RHEL), but the droplets run `{}`, which has `apt-get`",
                    r.address(),
                    found.trim(),
                    image.and_then(hclx::as_str).unwrap_or_default()
                ),
            )
            .at(r.loc_of(key))
            .resource(r.address())
            .help("rewrite the script for Ubuntu/Debian (`apt-get install -y`, Debian package names, `ubuntu` as the default user), or pick an RPM-based DigitalOcean image (`rockylinux-9-x64`, `fedora-*`) for the droplets"),
        );
    }
}

/// The EC2 instance metadata paths user data reads (`curl http://169.254.169.254/latest/meta-data/instance-id`),
/// each with what a droplet serves at the same address instead (DigitalOcean's metadata API:
/// `/metadata/v1/…`, plain GETs, no IMDSv2 token), or `None` where a droplet has no counterpart.
/// The longest AWS path that starts the one read wins.
const METADATA_PATHS: &[(&str, Option<&str>)] = &[
    ("meta-data/instance-id", Some("/metadata/v1/id")),
    (
        "meta-data/local-ipv4",
        Some("/metadata/v1/interfaces/private/0/ipv4/address"),
    ),
    (
        "meta-data/public-ipv4",
        Some("/metadata/v1/interfaces/public/0/ipv4/address"),
    ),
    ("meta-data/local-hostname", Some("/metadata/v1/hostname")),
    ("meta-data/public-hostname", Some("/metadata/v1/hostname")),
    ("meta-data/hostname", Some("/metadata/v1/hostname")),
    ("meta-data/placement/region", Some("/metadata/v1/region")),
    (
        "meta-data/placement/availability-zone",
        Some("/metadata/v1/region"),
    ),
    ("meta-data/public-keys", Some("/metadata/v1/public-keys")),
    ("meta-data/tags", Some("/metadata/v1/tags/")),
    ("meta-data/iam", None),
    ("user-data", Some("/metadata/v1/user-data")),
    ("dynamic/instance-identity", Some("/metadata/v1.json")),
    ("api/token", None),
];

/// The EC2 instance metadata paths `text` reads (`/latest/meta-data/local-ipv4`), in order of
/// appearance, without repeats.
pub(super) fn metadata_reads(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("169.254.169.254/latest/") {
        rest = &rest[i + "169.254.169.254/latest/".len()..];
        let path: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/' | '.'))
            .collect();
        let path = path.trim_end_matches(['/', '.']).to_string();
        if !path.is_empty() && !out.contains(&path) {
            out.push(path);
        }
    }
    out
}

/// User data that reads the EC2 instance metadata service: a droplet answers at the same
/// address, under other paths, so the script reads a 404 page where it expected the instance's
/// id or address. One warning per resource, naming each path read and what replaces it.
fn metadata_service_warning(cx: &mut Cx<'_>, r: &Resource, key: &str, texts: &[String]) {
    let mut reads: Vec<String> = Vec::new();
    for t in texts {
        for p in metadata_reads(t) {
            if !reads.contains(&p) {
                reads.push(p);
            }
        }
    }
    if reads.is_empty() {
        return;
    }
    let mapped: Vec<String> = reads
        .iter()
        .map(|p| {
            let replacement = METADATA_PATHS
                .iter()
                .filter(|(aws, _)| p == aws || p.starts_with(&format!("{aws}/")))
                .max_by_key(|(aws, _)| aws.len())
                .map(|(_, d)| *d);
            match replacement {
                Some(Some(d)) => format!("`/latest/{p}` → `{d}`"),
                None if p == "meta-data" => {
                    format!("`/latest/{p}/` (the index) → `/metadata/v1/`")
                }
                Some(None) if p.starts_with("api/token") => {
                    format!(
                        "`/latest/{p}` (IMDSv2 token): not needed, a droplet answers plain GETs"
                    )
                }
                _ => format!("`/latest/{p}`: no counterpart on a droplet"),
            }
        })
        .collect();
    cx.diag(
        Diagnostic::new(
            Code::NearestMatch,
            format!(
                "`{}`: its user data reads the EC2 instance metadata service at `169.254.169.254/latest/…`; a droplet's metadata service answers at the same address under `/metadata/v1/`, so these reads get a 404 page: {}",
                r.address(),
                mapped.join("; ")
            ),
        )
        .at(r.loc_of(key))
        .resource(r.address())
        .help("change the paths in the script (`curl -s http://169.254.169.254/metadata/v1/id`); credentials from an instance role (`meta-data/iam/…`) have no counterpart: pass a DigitalOcean token or Spaces key into the script instead"),
    );
}

pub(super) fn converted_user_data(cx: &mut Cx<'_>, r: &Resource, key: &str) {
    cx.diag(
        Diagnostic::new(
            Code::ValueConverted,
            format!(
                "`{}`: DigitalOcean takes user data as text; `{key}` is decoded with `base64decode()` (gzip-compressed cloud-init cannot be decoded: render it uncompressed)",
                r.address()
            ),
        )
        .at(r.loc_of(key))
        .resource(r.address()),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_reads_are_found_in_scripts() {
        let script = "TOKEN=$(curl -X PUT \"http://169.254.169.254/latest/api/token\" -H 'X-aws-ec2-metadata-token-ttl-seconds: 60')\nID=$(curl -s http://169.254.169.254/latest/meta-data/instance-id)\nIP=`curl http://169.254.169.254/latest/meta-data/local-ipv4/`\ncurl http://169.254.169.254/latest/meta-data/instance-id -o id.html\n";
        assert_eq!(
            metadata_reads(script),
            ["api/token", "meta-data/instance-id", "meta-data/local-ipv4"]
        );
        assert!(metadata_reads("curl http://169.254.169.254/metadata/v1/id").is_empty());
    }
}
