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
        let commands = commands(text);
        if commands.is_empty() {
            continue;
        }
        let (s3, others): (Vec<_>, Vec<_>) = commands
            .into_iter()
            .partition(|(_, service)| matches!(service.as_str(), "s3" | "s3api"));
        if !s3.is_empty()
            && let Some(region) = spaces_region(text, emitted, is_root)
        {
            let endpoint = format!(" --endpoint-url https://{region}.digitaloceanspaces.com");
            // Back to front, so that earlier positions stay valid.
            for (at, _) in s3.iter().rev() {
                text.insert_str(at + "aws".len(), &endpoint);
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
        let mut services: Vec<&str> = others.iter().map(|(_, s)| s.as_str()).collect();
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

/// Every AWS CLI command in `text`: the position of its `aws` and its service (`s3`,
/// `lambda`). `aws` must start a word of the command line (after a separator or at the start)
/// and be followed by a service name: `aws_s3_bucket` or `jaws s3` are not commands.
fn commands(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (at, _) in text.match_indices("aws ") {
        let starts_word = text[..at]
            .chars()
            .next_back()
            .is_none_or(|c| c.is_whitespace() || matches!(c, ';' | '&' | '|' | '(' | '`' | '\''));
        if !starts_word {
            continue;
        }
        let rest = text[at + "aws ".len()..].trim_start();
        let service: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        // `aws --region x s3 …`: global options first; not rewritten, still reported.
        let service = if service.starts_with('-') {
            "…".to_string()
        } else {
            service
        };
        if !service.is_empty() && service != "eks" {
            found.push((at, service));
        }
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

    #[test]
    fn finds_commands_at_word_starts_only() {
        let text =
            "aws s3 sync ./dist s3://${x} && aws cloudfront create-invalidation --paths '/*'";
        let found = commands(text);
        assert_eq!(
            found,
            vec![(0, "s3".to_string()), (32, "cloudfront".to_string())]
        );
        assert!(commands("jaws s3 ls").is_empty());
        assert!(commands("${aws_s3_bucket.x.id}").is_empty());
        assert!(commands("aws eks update-kubeconfig --name x").is_empty());
        assert_eq!(
            commands("aws --profile p s3 ls"),
            vec![(0, "…".to_string())]
        );
    }
}
