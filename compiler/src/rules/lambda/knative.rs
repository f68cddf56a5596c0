//! A function as a Knative Service (the default strategy): its container (image, handler,
//! memory and CPU, timeout), its environment with secrets as `secretKeyRef`s and a Spaces key for
//! buckets it reads, its concurrency annotations and the attributes other resources read.

use super::{
    EVENT_FORMAT_ENV, Function, INVOKE_PATH, MANIFEST, addon_note, appliance_namespace, dns_label,
    docr_image, docr_image_text, fnv64, mentions_ecr_repository, no_cluster_warning, obj, s,
};
use crate::diag::{Code, Diagnostic};
use crate::facts::functions as facts;
use crate::hclx;
use crate::origin::{Mode, Resource};
use crate::out::OutBody;
use crate::report::{Artifact, ArtifactKind};
use crate::rules::{Cx, Export, catalog};
use hcl::Expression;
use hcl::expr::TraversalOperator as Op;
use hcl::expr::{ObjectKey, TemplateExpr};

pub(super) fn knative(r: &Resource, cx: &mut Cx<'_>, f: &Function) {
    addon_note(
        cx,
        r,
        "Knative Serving must be installed on the appliance's cluster before the stack is planned: functions become Knative Services (`kubernetes_manifest`), which the Kubernetes provider plans against the live cluster",
        "install Knative Serving (with Kourier or another networking layer) on the cluster, e.g. with the Knative Operator; a cluster created by the same stack must be applied first (`tofu apply -target` on the cluster)",
    );
    no_cluster_warning(cx, r);
    let namespace = appliance_namespace(cx);
    let name = service_name(cx, r);
    let registry = cx.options.registry_name.clone();
    // Function images live in the appliance's registry (declares `var.registry_name`).
    crate::rules::ecr::ensure_registry(cx, r.loc.clone());

    // The image.
    let (image, command, args) = if f.image {
        let uri = cx.expr(r, "image_uri").unwrap_or(Expression::Null);
        let known = cx.eval.string(&uri).is_some() || mentions_ecr_repository(&uri);
        // `"${data.aws_caller_identity.current.account_id}.dkr.ecr.<region>.amazonaws.com/…"`:
        // an ECR host whose account id is known only at apply time, rewritten as written.
        let templated = if known {
            None
        } else {
            crate::rules::ecr::rewrite_ecr_template(cx, &uri)
        };
        let image = match &templated {
            Some((image, _)) => image.clone(),
            None => docr_image(&uri, f.source.as_deref()),
        };
        match (&templated, &f.source) {
            (Some((_, img)), _) => cx.artifact(Artifact {
                kind: ArtifactKind::Image,
                source: crate::rules::ecr::source_text(cx, &uri),
                destination: format!(
                    "registry.digitalocean.com/{}/{}{}",
                    crate::rules::ecr::default_registry_name(cx)
                        .unwrap_or_else(|| "${var.registry_name}".into()),
                    img.do_repository(),
                    img.reference
                ),
                pinned: img.pinned(),
                used_by: r.address().to_string(),
            }),
            // An image not known at compile time is not listed (F372 below), as for ECS.
            (None, Some(src)) if known => cx.artifact(Artifact {
                kind: ArtifactKind::Image,
                source: src.clone(),
                destination: docr_image_text(src, registry.as_deref()),
                pinned: src.contains("@sha256:"),
                used_by: r.address().to_string(),
            }),
            (None, _) => {}
        }
        if !known && templated.is_none() {
            // As for ECS images (`rules::ecr::rewrite_image`): the registry is not known.
            cx.diag(
                Diagnostic::new(
                    Code::ImageNotRewritten,
                    format!(
                        "the image `{}` of `{}` is not known at compile time; an ECR registry in it is replaced by the appliance's registry when the stack is applied, but Ferry cannot list the image for the controller to copy",
                        hclx::inline(&uri),
                        r.address()
                    ),
                )
                .at(r.loc_of("image_uri"))
                .resource(r.address())
                .help("build the image reference from an `aws_ecr_repository` of the stack, a literal, or variables with defaults, so Ferry can rewrite it"),
            );
        }
        let cfg = hclx::blocks(&r.body, "image_config")
            .into_iter()
            .next()
            .unwrap_or_default();
        if f.http {
            cx.diag(
                Diagnostic::new(
                    Code::FeatureUnsupported,
                    format!(
                        "`{}` is a container image reached over HTTP: Lambda images answer the Lambda Runtime API, and a Knative Service sends them HTTP requests on port 8080",
                        r.address()
                    ),
                )
                .at(r.loc_of("image_uri"))
                .resource(r.address())
                .help(format!(
                    "make the image serve HTTP on port 8080 (requests as API Gateway payload 2.0 events, `POST {INVOKE_PATH}` as a plain invoke), or package the function as a zip so Ferry's build adds its HTTP adapter"
                )),
            );
        }
        (
            image,
            hclx::attr(&cfg, "entry_point").cloned(),
            hclx::attr(&cfg, "command").cloned(),
        )
    } else {
        let runtime = f.runtime.clone().unwrap_or_default();
        let base = facts::base_image(&runtime);
        if base.is_none() && !runtime.is_empty() {
            cx.diag(
                Diagnostic::new(
                    Code::UnsupportedValue,
                    format!(
                        "`{}`: Ferry knows no base image for the runtime `{runtime}`{}",
                        r.address(),
                        if facts::retired_runtime(&runtime) {
                            " (a Lambda runtime retired before AWS published base images, so there is none to build on)"
                        } else {
                            ""
                        }
                    ),
                )
                .at(r.loc_of("runtime"))
                .resource(r.address())
                .help(if facts::retired_runtime(&runtime) {
                    "move the function to a supported version of its language (e.g. `nodejs20.x`, `python3.12`) in the origin and test it there, or package it as a container image"
                } else {
                    "use a Lambda runtime identifier (e.g. `python3.12`, `nodejs20.x`), or package the function as a container image"
                }),
            );
        }
        let repo = image_repo(cx, r);
        let tag = format!(
            "{:016x}",
            fnv64(&format!(
                "{}|{runtime}|{}|{}",
                r.address(),
                f.source.clone().unwrap_or_default(),
                cx.expr(r, "handler")
                    .map(|h| hclx::inline(&h))
                    .unwrap_or_default()
            ))
        );
        let image = hclx::template(format!(
            "registry.digitalocean.com/${{var.registry_name}}/{repo}:{tag}"
        ));
        let destination = format!(
            "registry.digitalocean.com/{}/{repo}:{tag}",
            registry.as_deref().unwrap_or("${var.registry_name}")
        );
        let source = f.source.clone().unwrap_or_else(|| r.address().to_string());
        cx.artifact(Artifact {
            kind: ArtifactKind::Archive,
            source: source.clone(),
            destination: destination.clone(),
            pinned: false,
            used_by: r.address().to_string(),
        });
        let handler = cx.str(r, "handler").unwrap_or_default();
        let base_text = base
            .clone()
            .map(|b| format!("`{b}`"))
            .unwrap_or_else(|| "the Lambda base image of its runtime (not known at compile time: see the F204 warning)".into());
        let extra = if runtime == "go1.x" {
            " (the retired `go1.x` runtime: the handler binary runs as `bootstrap`)"
        } else {
            ""
        };
        cx.diag(
            Diagnostic::new(
                Code::FunctionImageBuilt,
                format!(
                    "`{}` is a zip package: the controller builds `{destination}` from `{source}` on {base_text}{extra}, with the handler `{handler}` as its command, and pushes it to the appliance's registry before the stack is applied",
                    r.address()
                ),
            )
            .at(r.loc_of(if hclx::attr(&r.body, "filename").is_some() { "filename" } else { "s3_key" }))
            .resource(r.address())
            .help("to build the image yourself, package the function as a container image (`package_type = \"Image\"` with `image_uri`)"),
        );
        let args = cx.expr(r, "handler").map(|h| Expression::Array(vec![h]));
        (image, None, args)
    };

    // Resources: Lambda's memory, and CPU in Lambda's proportion.
    let mem = format!("{}Mi", f.memory.round() as u64);
    let cpu = format!(
        "{}m",
        ((f.memory * 1000.0 / facts::LAMBDA_MB_PER_VCPU).round() as u64).max(10)
    );
    let mut requests = vec![("cpu", s(&cpu)), ("memory", s(&mem))];
    let mut limits = vec![("memory", s(&mem))];
    if let Some(size) = hclx::blocks(&r.body, "ephemeral_storage")
        .first()
        .and_then(|b| hclx::attr(b, "size"))
        .and_then(|e| cx.eval.number(e))
    {
        let eph = format!("{}Mi", size.round() as u64);
        requests.push(("ephemeral-storage", s(&eph)));
        limits.push(("ephemeral-storage", s(&eph)));
    }
    let mut container = vec![("image", image)];
    if let Some(c) = command {
        container.push(("command", c));
    }
    if let Some(a) = args {
        container.push(("args", a));
    }
    if let Some(wd) = hclx::blocks(&r.body, "image_config")
        .first()
        .and_then(|b| hclx::attr(b, "working_directory"))
    {
        container.push(("workingDir", wd.clone()));
    }
    secret_identity_warnings(cx, r);
    let env = match (env_list(cx, r, &namespace), f.event_v1) {
        (env, false) => env,
        (None, true) => Some(Expression::Array(vec![event_format_env()])),
        (Some(Expression::Array(mut items)), true) => {
            items.push(event_format_env());
            Some(Expression::Array(items))
        }
        (Some(other), true) => Some(Expression::from(
            hcl::expr::FuncCall::builder("concat")
                .arg(other)
                .arg(Expression::Array(vec![event_format_env()]))
                .build(),
        )),
    };
    // A function that reaches a bucket of the stack with its role gets a Spaces key.
    let env = match env {
        Some(Expression::Array(mut items)) => {
            spaces_access(cx, r, &mut items, namespace.clone());
            Some(Expression::Array(items))
        }
        other => other,
    };
    if let Some(env) = env {
        container.push(("env", env));
    }
    container.push((
        "ports",
        Expression::Array(vec![obj(vec![(
            "containerPort",
            Expression::Number(8080.into()),
        )])]),
    ));
    container.push((
        "resources",
        obj(vec![("requests", obj(requests)), ("limits", obj(limits))]),
    ));

    // Timeout.
    let mut timeout = f.timeout.round() as u64;
    if timeout > u64::from(facts::KNATIVE_MAX_TIMEOUT_SECONDS) {
        cx.diag(
            Diagnostic::new(
                Code::FeatureUnsupported,
                format!(
                    "`{}` runs for up to {timeout} s; Knative allows {} s unless the cluster raises `max-revision-timeout-seconds`",
                    r.address(),
                    facts::KNATIVE_MAX_TIMEOUT_SECONDS
                ),
            )
            .at(r.loc_of("timeout"))
            .resource(r.address())
            .help(format!("set `max-revision-timeout-seconds` (ConfigMap `config-defaults` in `knative-serving`) to at least {timeout}, or shorten the function's work; Ferry emitted {} s", facts::KNATIVE_MAX_TIMEOUT_SECONDS)),
        );
        timeout = u64::from(facts::KNATIVE_MAX_TIMEOUT_SECONDS);
    }

    // Concurrency.
    let mut template_annotations: Vec<(&str, Expression)> = Vec::new();
    match cx.num(r, "reserved_concurrent_executions") {
        Some(n) if n >= 1.0 => template_annotations.push((
            "autoscaling.knative.dev/max-scale",
            s(&format!("{}", n.round() as u64)),
        )),
        Some(n) if n.abs() < f64::EPSILON => cx.diag(
            Diagnostic::new(
                Code::FeatureUnsupported,
                format!(
                    "`{}` has a reserved concurrency of 0 (the function is throttled off); Knative has no such setting and the service runs",
                    r.address()
                ),
            )
            .at(r.loc_of("reserved_concurrent_executions"))
            .resource(r.address())
            .help("remove the function from the appliance if it must not run"),
        ),
        _ => {}
    }
    let arch = cx
        .expr(r, "architectures")
        .map(|e| hclx::inline(&e))
        .unwrap_or_default();
    if arch.contains("arm64") {
        cx.diag(
            Diagnostic::new(
                Code::FeatureUnsupported,
                format!(
                    "`{}` runs on arm64; DigitalOcean Kubernetes nodes are x86-64",
                    r.address()
                ),
            )
            .at(r.loc_of("architectures"))
            .resource(r.address())
            .help("build the image (and any native dependencies or binaries in the archive) for linux/amd64"),
        );
    }

    let mut metadata = vec![("name", name.clone()), ("namespace", namespace.clone())];
    let mut labels = vec![("app.kubernetes.io/managed-by", s("ferry"))];
    if !f.public {
        labels.push(("networking.knative.dev/visibility", s("cluster-local")));
    }
    metadata.push(("labels", obj(labels)));
    if let Some(d) = cx.expr(r, "description") {
        metadata.push(("annotations", obj(vec![("ferry.dev/description", d)])));
    }
    let template_spec = vec![
        ("containerConcurrency", Expression::Number(1.into())),
        ("timeoutSeconds", Expression::Number(timeout.into())),
        ("containers", Expression::Array(vec![obj(container)])),
    ];
    let mut template = Vec::new();
    if !template_annotations.is_empty() {
        template.push((
            "metadata",
            obj(vec![("annotations", obj(template_annotations))]),
        ));
    }
    template.push(("spec", obj(template_spec)));
    let manifest = obj(vec![
        ("apiVersion", s("serving.knative.dev/v1")),
        ("kind", s("Service")),
        ("metadata", obj(metadata)),
        ("spec", obj(vec![("template", obj(template))])),
    ]);
    let mut body = OutBody::new();
    body.set("manifest", manifest);
    let cond = body.block("wait").block("condition");
    cond.set("type", s("Ready"));
    cond.set("status", s("True"));
    let target = cx.emit(r, MANIFEST, body);

    let runtime = f
        .runtime
        .clone()
        .map(|rt| format!(" ({rt})"))
        .unwrap_or_default();
    cx.note(
        r,
        format!(
            "Knative Service{runtime}: {mem} memory, {cpu} CPU requested, timeout {timeout} s, one request per container; {}{}",
            if f.public {
                "public through its function URL"
            } else {
                "reachable inside the cluster only"
            },
            if f.event_v1 {
                format!("; HTTP requests arrive as API Gateway payload 1.0 events (`{EVENT_FORMAT_ENV}`)")
            } else {
                String::new()
            }
        ),
    );
    let url = url_tmpl();
    let tmpl = |t: &str| Export::Tmpl {
        target: target.clone(),
        tmpl: t.to_string(),
    };
    for (attr, export) in [
        ("function_name", tmpl("$T.manifest.metadata.name")),
        ("id", tmpl("$T.manifest.metadata.name")),
        ("invoke_arn", tmpl(&url)),
        ("qualified_invoke_arn", tmpl(&url)),
        (
            "arn",
            Export::Unmapped(
                "a Knative Service has no ARN; use `function_name` or the service URL (`invoke_arn`)"
                    .into(),
            ),
        ),
        (
            "qualified_arn",
            Export::Unmapped("a Knative Service has no ARN".into()),
        ),
        (
            "version",
            Export::Unmapped("Knative names revisions itself (`<service>-00001`, …)".into()),
        ),
        (
            "role",
            Export::Unmapped(catalog::IAM.into()),
        ),
    ] {
        cx.export(r, attr, export);
    }
    settings_exports(cx, r, timeout);
}

/// The function's settings (`runtime`, `memory_size`, … as written; `timeout` as the Service's
/// `timeoutSeconds`): they still describe what the Knative Service runs, so outputs that print
/// them keep their values (the provider's defaults when absent); `layers` are baked into the
/// image.
fn settings_exports(cx: &mut Cx<'_>, r: &Resource, timeout: u64) {
    for key in ["runtime", "handler", "memory_size", "description"] {
        crate::rules::database::export_origin(cx, r, key);
    }
    if cx.expr(r, "memory_size").is_none() {
        cx.export(
            r,
            "memory_size",
            Export::Expr(Expression::Number(128.into())),
        );
    }
    // What the Service's `timeoutSeconds` says (Knative's maximum at most).
    cx.export(
        r,
        "timeout",
        Export::Expr(Expression::Number(timeout.into())),
    );
    cx.export(
        r,
        "layers",
        Export::Unmapped("the layers' files are baked into the function's image".into()),
    );
}

/// `try(<status.url>, <cluster-local URL>)`: the URL Knative reports (the provider does not
/// always return `status`), or the service's cluster-local address.
pub(super) fn url_tmpl() -> String {
    "try($T.object.status.url, \"http://${$T.manifest.metadata.name}.${$T.manifest.metadata.namespace}.svc.cluster.local\")".into()
}

/// The instance id for report text: the option's value, or `${var.instance_id}`.
pub(super) fn instance_label(cx: &Cx<'_>) -> String {
    cx.options
        .instance_id
        .clone()
        .unwrap_or_else(|| "${var.instance_id}".into())
}

/// The repository of a zip function's image: `fn-<name>` (with the module folder).
pub(super) fn image_repo(cx: &Cx<'_>, r: &Resource) -> String {
    let dir = cx.module.dir.rsplit('/').next().unwrap_or_default();
    if dir.is_empty() {
        format!("fn-{}", dns_label(&r.name))
    } else {
        format!("fn-{}-{}", dns_label(dir), dns_label(&r.name))
    }
}

/// A warning per environment variable that hands the function the identity of a Secrets
/// Manager secret of the stack (`SECRET_ARN = aws_secretsmanager_secret.db.arn`): the function
/// fetches the value itself with `GetSecretValue`, and in the appliance it gets the Kubernetes
/// Secret's `<namespace>/<name>`, which no Secrets Manager answers.
fn secret_identity_warnings(cx: &mut Cx<'_>, r: &Resource) {
    let Some(env) = hclx::blocks(&r.body, "environment").into_iter().next() else {
        return;
    };
    let Some(Expression::Object(vars)) = hclx::attr(&env, "variables").cloned() else {
        return;
    };
    for (k, v) in &vars {
        let Expression::Traversal(t) = v else {
            continue;
        };
        let Some(Op::GetAttr(attr)) = t.operators.last() else {
            continue;
        };
        if !matches!(attr.as_str(), "arn" | "id" | "name") {
            continue;
        }
        let Some(secret) = cx.resolve_ref(v) else {
            continue;
        };
        if secret.mode != Mode::Managed {
            continue;
        }
        let name = hclx::object_key(k).unwrap_or_default();
        if matches!(secret.ty.as_str(), "aws_rds_cluster" | "aws_db_instance")
            && attr.as_str() == "arn"
        {
            let db = secret.address().to_string();
            let data_api = hclx::attr(&secret.body, "enable_http_endpoint")
                .and_then(|e| cx.eval.bool(e))
                == Some(true);
            let api = if data_api {
                "the RDS Data API (`enable_http_endpoint`), which the function queries with it"
            } else {
                "RDS's own API"
            };
            cx.diag(
                Diagnostic::new(
                    Code::FeatureUnsupported,
                    format!(
                        "`{}`: `{name}` hands the function the arn of `{db}`, for {api}; in the appliance `{name}` reads the DigitalOcean cluster's `urn`, and no DigitalOcean API runs SQL statements: the function cannot reach the database that way",
                        r.address()
                    ),
                )
                .at(r.loc_of("environment"))
                .resource(r.address())
                .help(format!(
                    "connect with the engine's driver instead: pass {} (Ferry reads them from the DigitalOcean cluster) and open a connection in the function",
                    if secret.ty == "aws_rds_cluster" {
                        format!("`{db}.endpoint`, `.port`, `.database_name`, `.master_username` and `.master_password`")
                    } else {
                        format!("`{db}.address`, `.port`, `.db_name`, `.username` and `.password`")
                    }
                )),
            );
            continue;
        }
        if secret.ty != "aws_secretsmanager_secret" {
            continue;
        }
        let secret = secret.address().to_string();
        let reads = if attr.as_str() == "name" {
            "its name"
        } else {
            "its `<namespace>/<name>`"
        };
        cx.diag(
            Diagnostic::new(
                Code::FeatureUnsupported,
                format!(
                    "`{}`: `{name}` hands the function the {attr} of `{secret}`, which it fetches from Secrets Manager at run time; in the appliance the secret is a Kubernetes Secret and `{name}` reads {reads}, which no Secrets Manager answers",
                    r.address()
                ),
            )
            .at(r.loc_of("environment"))
            .resource(r.address())
            .help(format!(
                "pass the secret's value instead (`aws_secretsmanager_secret_version`'s `secret_string`, or `jsondecode(…)[\"key\"]` of it), which Ferry reads from the Kubernetes Secret, and read `{name}`'s value from the environment in the function"
            )),
        );
    }
}

/// Lambda environment variables as a container's `env` list.
/// The environment variable that tells Ferry's HTTP adapter to deliver requests as API Gateway
/// payload 1.0 events (what REST APIs send), not 2.0.
fn event_format_env() -> Expression {
    obj(vec![("name", s(EVENT_FORMAT_ENV)), ("value", s("1.0"))])
}

fn env_list(cx: &mut Cx<'_>, r: &Resource, ns: &Expression) -> Option<Expression> {
    let env = hclx::blocks(&r.body, "environment").into_iter().next()?;
    let vars = hclx::attr(&env, "variables")?.clone();
    match vars {
        Expression::Object(o) => {
            let mut items: Vec<Expression> = Vec::new();
            // Values of `sensitive = true` variables, by environment name: they go into one
            // Kubernetes Secret of the function (known gap #265).
            let mut sensitive: Vec<(String, Expression)> = Vec::new();
            let mut tf_name = format!("{}_env", crate::rules::sanitize_name(&r.name));
            let mut i = 2;
            while cx
                .st
                .is_taken(Mode::Managed, "kubernetes_secret_v1", &tf_name)
            {
                tf_name = format!("{}_env_{i}", crate::rules::sanitize_name(&r.name));
                i += 1;
            }
            let secret_addr = format!("kubernetes_secret_v1.{tf_name}");
            // Every name the function sets, for the settings beside a cache's host.
            let declared_names: Vec<String> =
                o.iter().filter_map(|(k, _)| hclx::object_key(k)).collect();
            // Variables set to a cache's `auth_token` (known gap #328): the cluster's own
            // password, from its Secret.
            let token_of: Vec<Option<&Resource>> = o
                .iter()
                .map(|(_, v)| crate::rules::cache::auth_token_of(cx, v))
                .collect();
            let tokens: Vec<(String, &Resource)> = o
                .iter()
                .zip(&token_of)
                .filter_map(|((k, _), cache)| Some((hclx::object_key(k)?, (*cache)?)))
                .collect();
            let mut told: Vec<String> = Vec::new();
            for ((k, v), token) in o.iter().zip(&token_of) {
                let name = match hclx::object_key(k) {
                    Some(t) => s(&t),
                    None => match k {
                        ObjectKey::Expression(e) => e.clone(),
                        _ => Expression::Null,
                    },
                };
                // A secret of the stack (or a database's admin password) is read from its
                // Kubernetes Secret, not written into the Service's spec (readable by whoever
                // may read Services).
                let token = token.map(|cache| {
                    let addr = crate::rules::cache::password_secret(cx, cache);
                    (crate::rules::k8s::name_of(&addr), "password".to_string())
                });
                let from_secret = token
                    .or_else(|| crate::rules::secrets::secret_key(cx, v))
                    .or_else(|| {
                        let db = crate::rules::secrets::admin_password_of(
                            cx,
                            &crate::rules::secrets::database_passwords(cx, v),
                        )?;
                        let addr = crate::rules::secrets::master_user_secret(cx, db);
                        Some((crate::rules::k8s::name_of(&addr), "password".to_string()))
                    });
                if from_secret.is_none()
                    && let Some(key) = hclx::object_key(k)
                    && crate::rules::secrets::sensitive_variable(cx, v)
                {
                    let key_ref = obj(vec![
                        ("name", crate::rules::k8s::name_of(&secret_addr)),
                        ("key", s(&key)),
                    ]);
                    let from = obj(vec![("secretKeyRef", key_ref)]);
                    items.push(obj(vec![("name", s(&key)), ("valueFrom", from)]));
                    sensitive.push((key, v.clone()));
                    continue;
                }
                let from_key = |secret: Expression, key: &str| {
                    let key_ref = obj(vec![("name", secret), ("key", s(key))]);
                    obj(vec![("secretKeyRef", key_ref)])
                };
                // A password inside a connection string: read into a variable listed before
                // it, which Kubernetes expands (`$(NAME)`).
                let embedded = match from_secret {
                    Some(_) => None,
                    None => crate::rules::secrets::embedded_admin_passwords(
                        cx,
                        &crate::rules::secrets::database_passwords(cx, v),
                    ),
                };
                let item = match (from_secret, embedded) {
                    (Some((secret, key)), _) => {
                        obj(vec![("name", name), ("valueFrom", from_key(secret, &key))])
                    }
                    (None, Some((with_refs, dbs))) => {
                        for (var, db) in dbs {
                            let declared = items.iter().any(|i| {
                                matches!(i, Expression::Object(o) if o.iter().any(|(k, v)| hclx::object_key(k).as_deref() == Some("name") && *v == s(&var)))
                            });
                            if declared {
                                continue;
                            }
                            let addr = crate::rules::secrets::password_secret_of(cx, db);
                            let secret = crate::rules::k8s::name_of(&addr);
                            items.push(obj(vec![
                                ("name", s(&var)),
                                ("valueFrom", from_key(secret, "password")),
                            ]));
                        }
                        obj(vec![("name", name), ("value", env_value(&with_refs))])
                    }
                    (None, None) => obj(vec![("name", name), ("value", env_value(v))]),
                };
                items.push(item);
                // A Valkey cluster's host: its password beside it, from the cluster's Secret,
                // and a warning that the client must use TLS (known gap #296).
                if let Some(host_var) = hclx::object_key(k)
                    && let Some(cache) = crate::rules::cache::host_of(cx, v)
                {
                    let pass = crate::rules::cache::password_name(&host_var);
                    let set_already = |items: &[Expression]| {
                        declared_names.contains(&pass)
                            || items.iter().any(|i| {
                                matches!(i, Expression::Object(o) if o.iter().any(|(k, v)| hclx::object_key(k).as_deref() == Some("name") && *v == s(&pass)))
                            })
                    };
                    let replaced = tokens
                        .iter()
                        .any(|(n, t)| *n == pass && t.address() == cache.address());
                    let given = if replaced {
                        told.push(pass.clone());
                        crate::rules::cache::Password::Replaced(&pass)
                    } else if set_already(&items) {
                        crate::rules::cache::Password::Own
                    } else {
                        let secret = crate::rules::k8s::name_of(
                            &crate::rules::cache::password_secret(cx, cache),
                        );
                        items.push(obj(vec![
                            ("name", s(&pass)),
                            ("valueFrom", from_key(secret, "password")),
                        ]));
                        crate::rules::cache::Password::Given(&pass)
                    };
                    let tls = crate::rules::cache::tls_settings(&host_var, &declared_names);
                    crate::rules::cache::client_warning(
                        cx,
                        r,
                        "environment",
                        &format!("function `{}`", r.address()),
                        &host_var,
                        cache,
                        given,
                        &tls,
                    );
                }
            }
            for (var, cache) in &tokens {
                if !told.contains(var) {
                    crate::rules::cache::replaced_note(
                        cx,
                        r,
                        "environment",
                        &format!("function `{}`", r.address()),
                        var,
                        cache,
                    );
                }
            }
            if !sensitive.is_empty() {
                env_secret(cx, r, ns, &tf_name, sensitive);
            }
            (!items.is_empty()).then_some(Expression::Array(items))
        }
        Expression::Null => None,
        other => format!(
            "[for k, v in {} : {{ name = k, value = tostring(v) }}]",
            hclx::inline(&other)
        )
        .parse()
        .ok(),
    }
}

/// The Kubernetes Secret (`kubernetes_secret_v1.<tf_name>`) holding a function's environment values that read sensitive
/// variables, so that they stay out of the Knative Service's spec (readable by whoever may
/// read Services).
fn env_secret(
    cx: &mut Cx<'_>,
    r: &Resource,
    ns: &Expression,
    tf_name: &str,
    values: Vec<(String, Expression)>,
) {
    let app = dns_label(&r.name);
    let name =
        crate::rules::k8s::unique_object_name(cx.st, "kubernetes_secret_v1", &format!("{app}-env"));
    let keys: Vec<String> = values.iter().map(|(k, _)| k.clone()).collect();
    let source = values
        .iter()
        .map(|(_, v)| format!("`{}`", hclx::inline(v)))
        .collect::<Vec<_>>()
        .join(", ");
    let body = crate::rules::k8s::secret(
        s(&name),
        ns.clone(),
        crate::rules::k8s::map(values.iter().map(|(k, v)| (k.clone(), env_value(v)))),
        None,
        Some(crate::rules::k8s::labels(&app)),
    );
    // `tf_name` is free (see `env_list`), so the address is the one the env refers to.
    let emitted = cx.emit_as(r, Mode::Managed, "kubernetes_secret_v1", tf_name, body);
    if let Some(e) = cx.emitted_mut(&emitted) {
        e.meta = crate::origin::Meta::default();
    }
    cx.secret(crate::report::SecretRef {
        origin: r.address().to_string(),
        target: emitted,
        keys,
        source: format!("sensitive variables of the origin ({source})"),
    });
}

/// [`crate::rules::s3::workload_access`] for a function's environment (`{ name, value }` objects):
/// a function whose variables name a bucket of the stack, and that sets no keys of its own,
/// gets the Secret's keys and the Spaces endpoint (unless it sets one).
fn spaces_access(cx: &mut Cx<'_>, r: &Resource, items: &mut Vec<Expression>, ns: Expression) {
    use crate::rules::s3::{S3_CREDENTIAL_ENV, S3_ENDPOINT_ENV};
    let field = |item: &Expression, key: &str| -> Option<Expression> {
        let Expression::Object(o) = item else {
            return None;
        };
        o.iter()
            .find(|(k, _)| hclx::object_key(k).as_deref() == Some(key))
            .map(|(_, v)| v.clone())
    };
    let names: Vec<String> = items
        .iter()
        .filter_map(|i| field(i, "name").and_then(|n| cx.eval.string(&n)))
        .collect();
    if names
        .iter()
        .any(|n| S3_CREDENTIAL_ENV.contains(&n.as_str()))
    {
        return;
    }
    let values: Vec<Expression> = items.iter().filter_map(|i| field(i, "value")).collect();
    let granted = crate::rules::s3::buckets_read(cx, &values);
    if granted.is_empty() {
        return;
    }
    // Named after the resource: the function's name may hold the instance id at compile time.
    let app = dns_label(&r.name);
    let Some(access) = crate::rules::s3::workload_access(
        cx,
        r,
        &app,
        &granted,
        hclx::attr(&r.body, "role"),
        &["user-container".to_string()],
        ns,
    ) else {
        return;
    };
    for key in S3_CREDENTIAL_ENV {
        let key_ref = obj(vec![("name", access.secret.clone()), ("key", s(key))]);
        let from = obj(vec![("secretKeyRef", key_ref)]);
        items.push(obj(vec![("name", s(key)), ("valueFrom", from)]));
    }
    if !names.iter().any(|n| S3_ENDPOINT_ENV.contains(&n.as_str())) {
        items.push(obj(vec![
            ("name", s(S3_ENDPOINT_ENV[0])),
            ("value", access.endpoint),
        ]));
    }
}

/// An environment value as a string (Kubernetes env values are strings).
fn env_value(v: &Expression) -> Expression {
    match v {
        Expression::String(_) => v.clone(),
        Expression::TemplateExpr(_) => v.clone(),
        Expression::Number(n) => Expression::String(n.to_string()),
        Expression::Bool(b) => Expression::String(b.to_string()),
        other => format!("tostring({})", hclx::inline(other))
            .parse()
            .unwrap_or_else(|_| other.clone()),
    }
}

/// The Knative Service name: `function_name` as a DNS label (literal parts lower-cased,
/// underscores to hyphens; interpolations kept).
fn service_name(cx: &Cx<'_>, r: &Resource) -> Expression {
    match cx.expr(r, "function_name") {
        Some(Expression::String(t)) => Expression::String(dns_label(&t)),
        Some(Expression::TemplateExpr(t)) => match hcl::template::Template::from_expr(&t) {
            Ok(mut template) => {
                for el in template.elements_mut() {
                    if let hcl::template::Element::Literal(l) = el {
                        *l = l
                            .chars()
                            .map(|c| match c {
                                'A'..='Z' => c.to_ascii_lowercase(),
                                'a'..='z' | '0'..='9' | '-' => c,
                                _ => '-',
                            })
                            .collect();
                    }
                }
                Expression::TemplateExpr(Box::new(TemplateExpr::QuotedString(template.to_string())))
            }
            Err(_) => Expression::TemplateExpr(t),
        },
        Some(other) => format!("replace(lower({}), \"_\", \"-\")", hclx::inline(&other))
            .parse()
            .unwrap_or(other),
        None => Expression::String(dns_label(&r.name)),
    }
}
