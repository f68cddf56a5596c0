//! Function runtimes: Lambda runtime identifiers → the container base image Ferry builds a zip
//! function on (Knative strategy), and → the DigitalOcean Functions runtime (Functions
//! strategy), with DigitalOcean Functions limits.
//!
//! `shared/reference/` has no Functions runtime data (mapping facts §8 only says "DO Functions
//! namespaces (API only; no TF resource in this provider)"). The runtimes and limits below come
//! from DigitalOcean's public documentation, "Supported Runtimes for DigitalOcean Functions"
//! (docs.digitalocean.com/products/functions/reference/runtimes, as generated in 2026: Go 1.17,
//! 1.20, 1.24, 1.25; Node.js 14, 18, 22, 24; PHP 8.0, 8.2–8.5; Python 3.9, 3.11–3.13) and
//! "Functions Limits" (…/functions/details/limits: memory 128 MB – 1 GB, timeout ≤ 15 minutes).
//! They are an assumption to re-check against `doctl serverless status --languages`.

/// DigitalOcean Functions runtimes (`kind` values of a `project.yml`).
pub const DO_FUNCTION_RUNTIMES: &[&str] = &[
    "go:1.17",
    "go:1.20",
    "go:1.24",
    "go:1.25",
    "nodejs:14",
    "nodejs:18",
    "nodejs:22",
    "nodejs:24",
    "php:8.0",
    "php:8.2",
    "php:8.3",
    "php:8.4",
    "php:8.5",
    "python:3.9",
    "python:3.11",
    "python:3.12",
    "python:3.13",
];

/// DigitalOcean Functions memory range in MB (Functions Limits).
pub const DO_FUNCTION_MEMORY_MB: (u32, u32) = (128, 1024);

/// The Knative default for `max-revision-timeout-seconds` (Knative Serving `config-defaults`):
/// a revision's `timeoutSeconds` may not exceed it unless the cluster raises it.
pub const KNATIVE_MAX_TIMEOUT_SECONDS: u32 = 600;

/// Lambda gives a function one vCPU per 1,769 MB of memory (AWS Lambda developer guide,
/// "Configuring Lambda function memory"); the Knative CPU request follows the same ratio.
pub const LAMBDA_MB_PER_VCPU: f64 = 1769.0;

/// How a Lambda runtime maps to DigitalOcean Functions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DoRuntime {
    /// Offered as it is.
    Same(&'static str),
    /// The nearest runtime of the same language (a different version).
    Nearest(&'static str),
    /// DigitalOcean Functions have no runtime for the language; the nearest language Ferry
    /// suggests porting to.
    Unsupported {
        language: &'static str,
        suggestion: &'static str,
    },
}

/// The DigitalOcean Functions runtime for a Lambda runtime identifier.
pub fn do_runtime(lambda: &str) -> DoRuntime {
    use DoRuntime::*;
    if let Some(v) = lambda
        .strip_prefix("nodejs")
        .and_then(|v| v.strip_suffix(".x"))
    {
        return match v.parse::<u32>().unwrap_or(0) {
            14 => Same("nodejs:14"),
            18 => Same("nodejs:18"),
            22 => Same("nodejs:22"),
            24 => Same("nodejs:24"),
            0..=14 => Nearest("nodejs:14"),
            15..=18 => Nearest("nodejs:18"),
            19..=22 => Nearest("nodejs:22"),
            _ => Nearest("nodejs:24"),
        };
    }
    if let Some(minor) = lambda.strip_prefix("python3.") {
        return match minor.parse::<u32>().unwrap_or(0) {
            9 => Same("python:3.9"),
            11 => Same("python:3.11"),
            12 => Same("python:3.12"),
            13 => Same("python:3.13"),
            0..=9 => Nearest("python:3.9"),
            10 => Nearest("python:3.11"),
            _ => Nearest("python:3.13"),
        };
    }
    if lambda == "go1.x" {
        return Nearest("go:1.25");
    }
    let (language, suggestion) = if lambda.starts_with("java") {
        ("Java", "go:1.25")
    } else if lambda.starts_with("dotnet") {
        (".NET", "go:1.25")
    } else if lambda.starts_with("ruby") {
        ("Ruby", "python:3.13")
    } else if lambda.starts_with("provided") {
        ("a custom runtime", "go:1.25")
    } else {
        ("an unknown runtime", "nodejs:22")
    };
    Unsupported {
        language,
        suggestion,
    }
}

/// The base image a zip function is built on (Knative strategy): the AWS Lambda base images
/// published on the public ECR gallery (`public.ecr.aws/lambda/<language>:<version>`), which run
/// a handler unchanged. `go1.x` (retired by AWS) and `provided` build on `provided:al2023`, where
/// the archive's `bootstrap` binary is the function. `None` for an unknown runtime.
pub fn base_image(lambda: &str) -> Option<String> {
    let img = |lang: &str, tag: &str| format!("public.ecr.aws/lambda/{lang}:{tag}");
    if let Some(v) = lambda
        .strip_prefix("nodejs")
        .and_then(|v| v.strip_suffix(".x"))
    {
        return v.parse::<u32>().ok().map(|n| img("nodejs", &n.to_string()));
    }
    if let Some(v) = lambda.strip_prefix("python") {
        return valid_version(v).then(|| img("python", v));
    }
    if let Some(v) = lambda.strip_prefix("ruby") {
        return valid_version(v).then(|| img("ruby", v));
    }
    if let Some(v) = lambda.strip_prefix("java") {
        return match v {
            "8.al2" => Some(img("java", "8.al2")),
            _ => valid_version(v).then(|| img("java", v)),
        };
    }
    if let Some(v) = lambda.strip_prefix("dotnetcore") {
        return valid_version(v).then(|| img("dotnet", &format!("core{v}")));
    }
    if let Some(v) = lambda.strip_prefix("dotnet") {
        return valid_version(v).then(|| img("dotnet", v));
    }
    match lambda {
        "provided.al2" => Some(img("provided", "al2")),
        "provided.al2023" | "provided" | "go1.x" => Some(img("provided", "al2023")),
        _ => None,
    }
}

/// Node.js Lambda runtimes retired before AWS published Lambda base images (December 2020):
/// `nodejs` (0.10), `nodejs4.3`, `nodejs6.10`, `nodejs8.10`. No `public.ecr.aws/lambda/nodejs`
/// tag exists for them.
pub fn retired_runtime(lambda: &str) -> bool {
    matches!(
        lambda,
        "nodejs" | "nodejs4.3" | "nodejs4.3-edge" | "nodejs6.10" | "nodejs8.10"
    )
}

fn valid_version(v: &str) -> bool {
    !v.is_empty() && v.chars().all(|c| c.is_ascii_digit() || c == '.') && !v.starts_with('.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn do_runtimes_are_offered_or_nearest() {
        assert_eq!(do_runtime("python3.12"), DoRuntime::Same("python:3.12"));
        assert_eq!(do_runtime("python3.10"), DoRuntime::Nearest("python:3.11"));
        assert_eq!(do_runtime("python3.8"), DoRuntime::Nearest("python:3.9"));
        assert_eq!(do_runtime("nodejs18.x"), DoRuntime::Same("nodejs:18"));
        assert_eq!(do_runtime("nodejs20.x"), DoRuntime::Nearest("nodejs:22"));
        assert_eq!(do_runtime("nodejs16.x"), DoRuntime::Nearest("nodejs:18"));
        assert_eq!(do_runtime("go1.x"), DoRuntime::Nearest("go:1.25"));
        assert!(matches!(
            do_runtime("java17"),
            DoRuntime::Unsupported {
                language: "Java",
                ..
            }
        ));
        assert!(matches!(
            do_runtime("ruby3.2"),
            DoRuntime::Unsupported {
                suggestion: "python:3.13",
                ..
            }
        ));
        assert!(matches!(
            do_runtime("dotnet8"),
            DoRuntime::Unsupported { .. }
        ));
        // Every runtime Ferry names is one DigitalOcean offers.
        for rt in [
            "nodejs14.x",
            "nodejs16.x",
            "nodejs20.x",
            "nodejs26.x",
            "python3.7",
            "python3.14",
            "go1.x",
            "java21",
            "ruby3.3",
            "provided.al2023",
            "cobol",
        ] {
            let slug = match do_runtime(rt) {
                DoRuntime::Same(s) | DoRuntime::Nearest(s) => s,
                DoRuntime::Unsupported { suggestion, .. } => suggestion,
            };
            assert!(DO_FUNCTION_RUNTIMES.contains(&slug), "{rt} → {slug}");
        }
    }

    #[test]
    fn retired_node_runtimes_have_no_base_image() {
        for r in ["nodejs8.10", "nodejs6.10", "nodejs4.3", "nodejs"] {
            assert!(retired_runtime(r), "{r}");
            assert_eq!(base_image(r), None, "{r}");
        }
        assert!(!retired_runtime("nodejs20.x"));
    }

    #[test]
    fn base_images_follow_the_lambda_convention() {
        assert_eq!(
            base_image("python3.12").as_deref(),
            Some("public.ecr.aws/lambda/python:3.12")
        );
        assert_eq!(
            base_image("nodejs20.x").as_deref(),
            Some("public.ecr.aws/lambda/nodejs:20")
        );
        assert_eq!(
            base_image("java8.al2").as_deref(),
            Some("public.ecr.aws/lambda/java:8.al2")
        );
        assert_eq!(
            base_image("dotnet8").as_deref(),
            Some("public.ecr.aws/lambda/dotnet:8")
        );
        assert_eq!(
            base_image("go1.x").as_deref(),
            Some("public.ecr.aws/lambda/provided:al2023")
        );
        assert_eq!(
            base_image("provided.al2").as_deref(),
            Some("public.ecr.aws/lambda/provided:al2")
        );
        assert_eq!(base_image("python"), None);
        assert_eq!(base_image("cobol"), None);
        assert_eq!(base_image("ruby3.2/../x"), None);
    }
}
