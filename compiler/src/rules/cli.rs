//! AWS CLI commands that outputs print for the operator (`aws s3 sync ./dist
//! s3://${aws_s3_bucket.site.id}`, `aws lambda invoke --function-name …`), read after the
//! reference pass, when their interpolations already name DigitalOcean objects.
//!
//! * `aws s3` / `aws s3api`: Spaces speaks the S3 API, so the command keeps working once it
//!   names the Spaces endpoint: `aws --endpoint-url https://<region>.digitaloceanspaces.com s3
//!   sync …` (a global option, so its place after `aws` fits every subcommand), run with a
//!   Spaces access key. The region is the one of the Spaces bucket the command names, else of
//!   the module's only bucket, else (in the root module) `var.region`. F304 says so.
//! * Any other AWS CLI command has nothing to act on in the appliance: it is kept as written
//!   and reported (F305) with what to run instead where DigitalOcean has it (CDN cache flush,
//!   invoking a function's Knative Service).
//!
//! `aws eks update-kubeconfig` is rewritten by `eks::kubeconfig_commands`, before this.
//! Nothing here changes anything but an output's text, and only an output whose value is a
//! string or a template.

use crate::diag::{Code, Diagnostic};
use crate::origin::{Mode, Named};
use crate::out::Emitted;
use hcl::Expression;
use hcl::expr::TemplateExpr;

const SPACES: &str = "digitalocean_spaces_bucket";

/// Rewrites (`aws s3`) or reports (anything else) the AWS CLI commands `outputs` print.
pub fn aws_cli_commands(
    outputs: &mut [Named],
    emitted: &[Emitted],
    is_root: bool,
    diags: &mut Vec<Diagnostic>,
) {
    for o in outputs {
        let Some(text) = o
            .body
            .attributes_mut()
            .find(|a| a.key.as_str() == "value")
            .and_then(|a| template_text(&mut a.expr))
        else {
            continue;
        };
        // `aws eks update-kubeconfig` was rewritten by `eks::kubeconfig_commands`.
        let commands: Vec<Command> = commands(text)
            .into_iter()
            .filter(|c| c.service != "eks")
            .collect();
        if commands.is_empty() {
            continue;
        }
        let (s3, others): (Vec<_>, Vec<_>) = commands
            .into_iter()
            .partition(|c| matches!(c.service.as_str(), "s3" | "s3api"));
        if !s3.is_empty()
            && let Some(region) = spaces_region(text, emitted, is_root)
        {
            let endpoint = format!(" --endpoint-url https://{region}.digitaloceanspaces.com");
            // Back to front, so that earlier positions stay valid.
            for c in s3.iter().rev() {
                text.insert_str(c.at + "aws".len(), &endpoint);
            }
            diags.push(
                Diagnostic::new(
                    Code::NearestMatch,
                    format!(
                        "`output.{}` prints an `aws s3` command; Spaces speaks the S3 API, so it now names the Spaces endpoint (`--endpoint-url https://{region}.digitaloceanspaces.com`)",
                        o.name
                    ),
                )
                .at(o.loc.clone())
                .help("run it with a Spaces access key (`AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` from `digitalocean_spaces_key`, or the control panel), not AWS credentials"),
            );
        }
        let mut services: Vec<&str> = others.iter().map(|c| c.service.as_str()).collect();
        services.dedup();
        if services.is_empty() {
            continue;
        }
        let listed = services
            .iter()
            .map(|s| format!("`aws {s}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let help = match services.as_slice() {
            ["cloudfront"] => "flush the CDN's cache with `doctl compute cdn flush <cdn id> --files '*'`, or remove the output".to_string(),
            ["lambda"] => "a function is a Knative Service in the appliance namespace: invoke it over HTTP from inside the cluster (`kubectl run` a curl pod against `http://<service>.<namespace>.svc.cluster.local/2015-03-31/functions/function/invocations`), or remove the output".to_string(),
            _ => "replace it with the `doctl` (or `kubectl`) command for the DigitalOcean resource, or remove the output".to_string(),
        };
        diags.push(
            Diagnostic::new(
                Code::FeatureUnsupported,
                format!(
                    "`output.{}` prints an AWS CLI command ({listed}) that has nothing to act on in the appliance; it is kept as written",
                    o.name
                ),
            )
            .at(o.loc.clone())
            .help(help),
        );
    }
}

/// The text of a string or template value, to edit in place.
fn template_text(e: &mut Expression) -> Option<&mut String> {
    match e {
        Expression::String(s) => Some(s),
        Expression::TemplateExpr(t) => match &mut **t {
            TemplateExpr::QuotedString(s) => Some(s),
            TemplateExpr::Heredoc(h) => Some(&mut h.template),
        },
        _ => None,
    }
}

/// An AWS CLI command found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Command {
    /// Byte position of its `aws`.
    pub at: usize,
    /// Its service (`s3`, `lambda`), or `…` when global options come first
    /// (`aws --region x s3 ls`: reported, not rewritten).
    pub service: String,
    /// Its first three words (`aws ec2 wait`), for messages.
    pub words: String,
}

/// Every AWS CLI command in `text` (an output's text, a provisioner's command line): `aws` at the
/// start of a shell command — the text's, a line's, or after `;`, `&&`, `|`, `$(`, a backquote, a
/// quote or `: ` (spaces between allowed; an escaped `\n` of HCL text too) — followed by a
/// service name. `aws_s3_bucket`, `jaws s3`, `echo install aws cli` and `aws --version` are not
/// commands.
pub(crate) fn commands(text: &str) -> Vec<Command> {
    let mut found = Vec::new();
    for (at, _) in text.match_indices("aws ") {
        let before = text[..at].trim_end_matches([' ', '\t']);
        let starts = before.is_empty()
            || before.ends_with("\\n")
            || (before.len() < at && before.ends_with(':'))
            || matches!(
                before.as_bytes().last(),
                Some(b'\n' | b';' | b'&' | b'|' | b'(' | b'`' | b'"' | b'\'')
            );
        if !starts {
            continue;
        }
        let words: Vec<&str> = text[at..]
            .split(|c: char| c.is_whitespace() || matches!(c, '"' | ';' | ')' | '`'))
            .filter(|w| !w.is_empty())
            .take(3)
            .collect();
        let Some(second) = words.get(1) else {
            continue;
        };
        let service = if second.starts_with("--") {
            // Global options first: a command only when something follows them.
            if words.len() < 3 || matches!(*second, "--version" | "--help") {
                continue;
            }
            "…".to_string()
        } else if !second.is_empty()
            && second
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !second.starts_with('-')
        {
            second.to_string()
        } else {
            continue;
        };
        found.push(Command {
            at,
            service,
            words: words.join(" "),
        });
    }
    found
}

/// The region expression (as template text) of the Spaces endpoint for a command in `text`.
fn spaces_region(text: &str, emitted: &[Emitted], is_root: bool) -> Option<String> {
    let named = text
        .match_indices(&format!("{SPACES}."))
        .find_map(|(at, _)| {
            let name: String = text[at + SPACES.len() + 1..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                .collect();
            emitted
                .iter()
                .find(|e| e.mode == Mode::Managed && e.ty == SPACES && e.name == name)
        });
    let mut buckets = emitted
        .iter()
        .filter(|e| e.mode == Mode::Managed && e.ty == SPACES);
    let only = match (buckets.next(), buckets.next()) {
        (Some(b), None) => Some(b),
        _ => None,
    };
    match named.or(only) {
        Some(b) if !b.meta.is_repeated() => Some(format!("${{{SPACES}.{}.region}}", b.name)),
        Some(b) => Some(format!("${{{SPACES}.{}[0].region}}", b.name)),
        None => is_root.then(|| "${var.region}".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn services(text: &str) -> Vec<(usize, String)> {
        commands(text)
            .into_iter()
            .map(|c| (c.at, c.service))
            .collect()
    }

    #[test]
    fn finds_commands_at_the_start_of_a_shell_command_only() {
        let text =
            "aws s3 sync ./dist s3://${x} && aws cloudfront create-invalidation --paths '/*'";
        assert_eq!(
            services(text),
            vec![(0, "s3".to_string()), (32, "cloudfront".to_string())]
        );
        assert_eq!(
            services("Upload the site with: aws s3 sync ./dist s3://b"),
            vec![(22, "s3".to_string())]
        );
        assert!(commands("jaws s3 ls").is_empty());
        assert!(commands("${aws_s3_bucket.x.id}").is_empty());
        assert_eq!(
            services("aws eks update-kubeconfig --name x"),
            vec![(0, "eks".to_string())]
        );
        assert!(commands("the aws s3 bucket is ${x}").is_empty());
        assert_eq!(
            services("aws --profile p s3 ls"),
            vec![(0, "…".to_string())]
        );
    }

    #[test]
    fn names_provisioner_commands_by_their_first_words() {
        for (text, want) in [
            (
                "\"aws ec2 wait instance-status-ok --instance-ids ${self.id}\"",
                Some("aws ec2 wait"),
            ),
            ("\"sleep 5 && aws s3 cp x s3://b/x\"", Some("aws s3 cp")),
            (
                "\"echo $(aws sts get-caller-identity)\"",
                Some("aws sts get-caller-identity"),
            ),
            ("\"echo install aws cli\"", None),
            (
                "\"set -e\\naws ecr get-login-password\"",
                Some("aws ecr get-login-password"),
            ),
            ("\"apt-get install -y awscli\"", None),
            ("\"echo the aws --version\"", None),
            ("\"laws ec2\"", None),
            ("\"aws\"", None),
        ] {
            let first = commands(text).into_iter().next().map(|c| c.words);
            assert_eq!(first.as_deref(), want, "{text}");
        }
    }
}
