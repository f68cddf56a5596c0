//! What AWS attaches to a function: function URLs, permissions, aliases, provisioned concurrency,
//! invoke configs, layers, event source mappings and invocations, folded into the function's
//! Knative Service or reported.

use super::{
    INVOKE_PATH, archive_source, dns_label, image_repo, obj, obj_entry, okey, s, service_of,
    target_function, text_of, url_tmpl,
};
use crate::diag::{Code, Diagnostic};
use crate::origin::Resource;
use crate::report::{Artifact, ArtifactKind};
use crate::rules::{Cx, Export, catalog};
use crate::{FunctionsStrategy, hclx};
use hcl::Expression;
use hcl::expr::TraversalOperator as Op;

pub(super) fn function_url(r: &Resource, cx: &mut Cx<'_>) {
    let Some(f) = target_function(cx, r, "function_name") else {
        return orphan(r, cx, "function_name");
    };
    let auth = cx.str(r, "authorization_type").unwrap_or_default();
    match service_of(cx, f) {
        Some(svc) => {
            cx.absorb(
                r,
                &svc,
                "the Knative Service is public (not `cluster-local`); its URL is the function URL",
            );
            cx.export(
                r,
                "function_url",
                Export::Tmpl {
                    target: svc.clone(),
                    tmpl: url_tmpl(),
                },
            );
            cx.export(
                r,
                "function_name",
                Export::Tmpl {
                    target: svc,
                    tmpl: "$T.manifest.metadata.name".into(),
                },
            );
            if auth == "AWS_IAM" {
                cx.diag(
                    Diagnostic::new(
                        Code::AuthorizationNotCarried,
                        format!(
                            "`{}` requires AWS IAM (SigV4) authorization; the Knative Service's URL accepts every request",
                            r.address()
                        ),
                    )
                    .at(r.loc_of("authorization_type"))
                    .resource(r.address())
                    .help("check a token or signature in the function, or keep the service `cluster-local` and put an authenticating proxy in front"),
                );
            }
            if !hclx::blocks(&r.body, "cors").is_empty() {
                cx.diag(
                    Diagnostic::new(
                        Code::FeatureUnsupported,
                        format!(
                            "`{}`: Knative does not answer CORS preflight requests for the function",
                            r.address()
                        ),
                    )
                    .at(r.loc_of("cors"))
                    .resource(r.address())
                    .help("set the CORS headers (and answer OPTIONS) in the function"),
                );
            }
        }
        None => {
            cx.drop(
                r,
                "DigitalOcean Functions get a web URL when deployed as web functions; the controller deploys them",
            );
            cx.export(
                r,
                "function_url",
                Export::Unmapped("the web URL of a DigitalOcean Function is known once the controller has deployed it (`doctl serverless functions get <name> --url`)".into()),
            );
        }
    }
    cx.export(
        r,
        "url_id",
        Export::Unmapped("Knative and DigitalOcean Functions URLs have no id".into()),
    );
}

pub(super) fn permission(r: &Resource, cx: &mut Cx<'_>) {
    let principal = cx.str(r, "principal").unwrap_or_default();
    let why = match principal.as_str() {
        "apigateway.amazonaws.com" => {
            "the API routes Ferry carries over reach the function through an Ingress"
        }
        "events.amazonaws.com" => "schedules invoke the function from the CronJob Ferry emits",
        "s3.amazonaws.com" => "Spaces has no event notifications (see the bucket notification)",
        "sns.amazonaws.com" | "sqs.amazonaws.com" => {
            "the event source is not carried over (see its diagnostic)"
        }
        _ => "a Knative Service has no resource policy: what the stack routes to it may call it",
    };
    match target_function(cx, r, "function_name").and_then(|f| service_of(cx, f)) {
        Some(svc) => cx.absorb(r, &svc, why),
        None => cx.drop(
            r,
            format!("DigitalOcean has no resource policies for functions: {why}"),
        ),
    }
    cx.export(
        r,
        "id",
        Export::Unmapped("permissions are not carried over".into()),
    );
}

pub(super) fn alias(r: &Resource, cx: &mut Cx<'_>) {
    let Some(f) = target_function(cx, r, "function_name") else {
        return orphan(r, cx, "function_name");
    };
    let name = cx.str(r, "name").unwrap_or_else(|| r.name.clone());
    cx.export(r, "name", Export::Expr(Expression::String(name.clone())));
    cx.export(
        r,
        "arn",
        Export::Unmapped("a Knative revision tag has no ARN".into()),
    );
    let Some(svc) = service_of(cx, f) else {
        cx.drop(r, "DigitalOcean Functions have no versions or aliases");
        cx.export(
            r,
            "invoke_arn",
            Export::Unmapped("DigitalOcean Functions have no aliases".into()),
        );
        return;
    };
    let tag = dns_label(&name);
    if let Some(e) = cx.emitted_mut(&svc)
        && let Some(manifest) = e.body.get("manifest").cloned()
    {
        let mut manifest = manifest;
        if let Some(spec) = obj_entry(&mut manifest, "spec") {
            let traffic = obj_entry(spec, "traffic");
            if let Some(t) = traffic {
                let mut items = match t {
                    Expression::Array(items) => std::mem::take(items),
                    _ => Vec::new(),
                };
                if items.is_empty() {
                    items.push(obj(vec![
                        ("latestRevision", Expression::Bool(true)),
                        ("percent", Expression::Number(100.into())),
                    ]));
                }
                items.push(obj(vec![
                    ("tag", s(&tag)),
                    ("latestRevision", Expression::Bool(true)),
                ]));
                *t = Expression::Array(items);
            }
        }
        e.body.set("manifest", manifest);
    }
    cx.absorb(
        r,
        &svc,
        format!("a traffic tag `{tag}` on the latest revision (`http://{tag}-<service>…`)"),
    );
    cx.export(
        r,
        "invoke_arn",
        Export::Tmpl {
            target: svc,
            tmpl: url_tmpl(),
        },
    );
    if !hclx::blocks(&r.body, "routing_config").is_empty() {
        cx.diag(
            Diagnostic::new(
                Code::FeatureUnsupported,
                format!(
                    "`{}` splits traffic between versions; the Knative tag follows the latest revision",
                    r.address()
                ),
            )
            .at(r.loc_of("routing_config"))
            .resource(r.address())
            .help("split traffic with `spec.traffic` percentages on the Knative Service after the first revisions exist"),
        );
    }
}

pub(super) fn provisioned(r: &Resource, cx: &mut Cx<'_>) {
    let Some(f) = target_function(cx, r, "function_name") else {
        return orphan(r, cx, "function_name");
    };
    let n = cx
        .num(r, "provisioned_concurrent_executions")
        .unwrap_or(1.0);
    let Some(svc) = service_of(cx, f) else {
        cx.drop(
            r,
            "DigitalOcean Functions have no provisioned concurrency; expect cold starts",
        );
        return;
    };
    set_template_annotation(
        cx,
        &svc,
        "autoscaling.knative.dev/min-scale",
        &format!("{}", n.round() as u64),
    );
    cx.absorb(
        r,
        &svc,
        format!(
            "`min-scale` {}: that many containers stay warm",
            n.round() as u64
        ),
    );
}

pub(super) fn event_invoke_config(r: &Resource, cx: &mut Cx<'_>) {
    let Some(f) = target_function(cx, r, "function_name") else {
        return orphan(r, cx, "function_name");
    };
    if hclx::attr(&r.body, "maximum_retry_attempts").is_some()
        || !hclx::blocks(&r.body, "destination_config").is_empty()
    {
        cx.diag(
            Diagnostic::new(
                Code::FeatureUnsupported,
                format!(
                    "`{}`: asynchronous retries and success/failure destinations are not carried over",
                    r.address()
                ),
            )
            .at(r.loc.clone())
            .resource(r.address())
            .help("retry and report in the caller (the CronJob retries failed jobs with its backoff limit)"),
        );
    }
    match service_of(cx, f) {
        Some(svc) => cx.absorb(
            r,
            &svc,
            "Knative invokes functions synchronously; there is no asynchronous queue to configure",
        ),
        None => cx.drop(
            r,
            "DigitalOcean Functions have no asynchronous invocation settings",
        ),
    }
}

pub(super) fn layer(r: &Resource, cx: &mut Cx<'_>) {
    let source = archive_source(r, cx).unwrap_or_else(|| r.address().to_string());
    let users: Vec<&Resource> = cx
        .origin_of_type("aws_lambda_function")
        .filter(|f| {
            let mut hit = false;
            if let Some(e) = hclx::attr(&f.body, "layers") {
                hclx::walk(e, &mut |x| {
                    if let Some((root, [Op::GetAttr(n), ..])) = hclx::traversal_root(x) {
                        hit |= root == r.ty && n.as_str() == r.name;
                    }
                });
            }
            hit
        })
        .collect();
    let registry = cx.options.registry_name.clone();
    let mut into = None;
    for f in &users {
        let destination = match service_of(cx, f) {
            Some(svc) => {
                into.get_or_insert(svc);
                format!(
                    "registry.digitalocean.com/{}/{} (baked in)",
                    registry.as_deref().unwrap_or("${var.registry_name}"),
                    image_repo(cx, f)
                )
            }
            None => format!("the package of `{}` (baked in)", f.address()),
        };
        cx.artifact(Artifact {
            kind: ArtifactKind::Archive,
            source: source.clone(),
            destination,
            pinned: false,
            used_by: r.address().to_string(),
        });
    }
    let unmapped = "layers are baked into the function images; they have no ARN of their own";
    for attr in ["arn", "layer_arn", "version", "id"] {
        cx.export(r, attr, Export::Unmapped(unmapped.into()));
    }
    match into {
        Some(svc) => cx.absorb(
            r,
            &svc,
            format!(
                "the layer's files (`{source}`) are baked into the image of every function that uses it"
            ),
        ),
        None if users.is_empty() => cx.drop(r, "no function of the stack uses the layer"),
        None => {
            cx.diag(
                Diagnostic::new(
                    Code::FeatureUnsupported,
                    format!(
                        "`{}`: DigitalOcean Functions have no layers; the layer's files must be part of each function's package",
                        r.address()
                    ),
                )
                .at(r.loc.clone())
                .resource(r.address())
                .help("copy the layer's files into the functions' packages (the `lib` folder of a `doctl serverless` project)"),
            );
            cx.drop(r, "DigitalOcean Functions have no layers");
        }
    }
}

pub(super) fn event_source_mapping(r: &Resource, cx: &mut Cx<'_>) {
    let arn_ref = cx.referenced(r, "event_source_arn");
    let arn_text = hclx::attr(&r.body, "event_source_arn")
        .map(|e| text_of(cx, e))
        .unwrap_or_default();
    let kind = match arn_ref.map(|a| a.ty.as_str()) {
        Some("aws_sqs_queue") => "sqs",
        Some("aws_kinesis_stream") => "kinesis",
        Some("aws_dynamodb_table") => "dynamodb",
        Some("aws_msk_cluster" | "aws_msk_serverless_cluster") => "msk",
        Some("aws_mq_broker") => "mq",
        Some("aws_docdb_cluster") => "docdb",
        _ if arn_text.contains(":sqs:") => "sqs",
        _ if arn_text.contains(":kinesis:") => "kinesis",
        _ if arn_text.contains(":dynamodb:") => "dynamodb",
        _ if arn_text.contains(":kafka:") => "msk",
        _ if arn_text.contains(":mq:") => "mq",
        _ if !hclx::blocks(&r.body, "self_managed_event_source").is_empty() => "kafka",
        _ => "other",
    };
    let f = target_function(cx, r, "function_name");
    let svc = f
        .map(|f| {
            cx.str(f, "function_name")
                .map(|n| dns_label(&n))
                .unwrap_or_else(|| dns_label(&f.name))
        })
        .unwrap_or_else(|| "<function>".into());
    let topics = match hclx::attr(&r.body, "topics").and_then(|e| cx.eval.value(e)) {
        Some(hcl::Value::Array(items)) if !items.is_empty() => format!(
            "the topic(s) {}",
            items
                .iter()
                .map(|i| format!("`{}`", i.as_str().unwrap_or_default()))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        _ => "the topics".into(),
    };
    let kafka = format!(
        "deliver {topics} to the function with a Knative Eventing `KafkaSource` (`sources.knative.dev/v1beta1`: `bootstrapServers` = the Kafka cluster's private host and port, `sink.ref` = the Knative Service `{svc}`); install Knative Eventing with its Kafka source"
    );
    let (what, help) = match kind {
        "sqs" => (
            "an SQS queue",
            format!("SQS has no DigitalOcean equivalent: move the queue to Managed Kafka (`digitalocean_database_cluster` engine `kafka`) and {kafka}"),
        ),
        "kinesis" => (
            "a Kinesis stream",
            format!("Kinesis has no DigitalOcean equivalent: write the stream to Managed Kafka and {kafka}"),
        ),
        "dynamodb" => (
            "a DynamoDB stream",
            format!("DynamoDB has no DigitalOcean equivalent: publish change events from the writer (or a PostgreSQL logical replication slot) to Managed Kafka and {kafka}"),
        ),
        "msk" => (
            "an MSK topic",
            format!("Ferry maps MSK to Managed Kafka (`digitalocean_database_cluster` engine `kafka`): {kafka}"),
        ),
        "kafka" => ("a Kafka cluster", kafka.clone()),
        "mq" => (
            "an Amazon MQ broker",
            "run the broker in the appliance (e.g. RabbitMQ on DOKS) and consume it with a Knative Eventing source (RabbitmqSource) whose sink is the function's Knative Service".into(),
        ),
        "docdb" => (
            "a DocumentDB change stream",
            "read the MongoDB change stream of the Managed MongoDB cluster in the function's own worker, or publish changes to Managed Kafka".into(),
        ),
        _ => (
            "an event source",
            "deliver the events with a Knative Eventing source whose sink is the function's Knative Service".into(),
        ),
    };
    let help = if cx.options.functions_strategy == FunctionsStrategy::Functions {
        format!(
            "DigitalOcean Functions have no event sources besides schedules: compile with `--functions knative` and {}",
            lower_first(&help)
        )
    } else {
        help
    };
    cx.unsupported(
        r,
        Code::UnsupportedService,
        format!(
            "`{}` invokes the function from {what}; DigitalOcean has no event source mappings",
            r.address()
        ),
        format!(
            "{help}; then remove `{}` from the origin stack",
            r.address()
        ),
    );
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

pub(super) fn invocation(r: &Resource, cx: &mut Cx<'_>) {
    cx.unsupported(
        r,
        Code::UnsupportedService,
        format!(
            "`{}` invokes the function while the stack is applied; Ferry does not carry invocations over",
            r.address()
        ),
        format!(
            "run it as a Kubernetes Job (`kubernetes_job_v1`) that POSTs the input to the function's service (`http://<service>.<namespace>.svc.cluster.local{INVOKE_PATH}`), or invoke the function after deploy; then remove `{}`",
            r.address()
        ),
    );
    cx.export(
        r,
        "result",
        Export::Unmapped("invocations at apply time are not carried over".into()),
    );
}

pub(super) fn dropped(r: &Resource, cx: &mut Cx<'_>) {
    let note = match r.ty.as_str() {
        "aws_lambda_code_signing_config" => {
            "the controller copies images and archives from the vendor's release; DigitalOcean does not verify code signatures"
        }
        "aws_lambda_layer_version_permission" => {
            "layers are baked into the appliance's function images; there is nothing to share"
        }
        "aws_lambda_runtime_management_config" => {
            "the function's image pins its runtime; updates come with a new release"
        }
        _ => "DigitalOcean has no recursive loop detection setting",
    };
    catalog::drop_with(r, cx, note);
}

pub(super) fn lambda_data(r: &Resource, cx: &mut Cx<'_>) {
    crate::rules::generic::unsupported_data(
        r,
        cx,
        format!(
            "data source `{}` reads Lambda, which DigitalOcean does not offer; references to it become `null`",
            r.address()
        ),
        "declare the function in the stack (Ferry maps it), or pass what you need as a variable of the appliance".into(),
    );
}

pub(super) fn orphan(r: &Resource, cx: &mut Cx<'_>, key: &str) {
    cx.unsupported(
        r,
        Code::OrphanSubresource,
        format!(
            "`{}` names a function that is not part of the stack (`{key}`)",
            r.address()
        ),
        "declare the function in the same module, or remove this resource",
    );
}

/// Sets an annotation of a Knative Service's revision template.
fn set_template_annotation(cx: &mut Cx<'_>, svc: &str, key: &str, value: &str) {
    let Some(e) = cx.emitted_mut(svc) else {
        return;
    };
    let Some(mut manifest) = e.body.get("manifest").cloned() else {
        return;
    };
    if let Some(spec) = obj_entry(&mut manifest, "spec")
        && let Some(template) = obj_entry(spec, "template")
    {
        // `metadata` goes before `spec` in the template.
        if let Expression::Object(t) = template
            && !t
                .keys()
                .any(|k| hclx::object_key(k).as_deref() == Some("metadata"))
        {
            t.insert_at(0, okey("metadata"), Expression::Object(hcl::Object::new()));
        }
        if let Some(meta) = obj_entry(template, "metadata")
            && let Some(ann) = obj_entry(meta, "annotations")
            && let Expression::Object(a) = ann
        {
            a.insert(okey(key), s(value));
        }
    }
    e.body.set("manifest", manifest);
}
