//! Lambda, HTTP APIs (API Gateway v2) and scheduled invocations.
//!
//! Two strategies, chosen with the compile option `functions_strategy`:
//!
//! * **Knative** (default): every `aws_lambda_function` becomes a Knative Service
//!   (`serving.knative.dev/v1`, a `kubernetes_manifest`) in the appliance namespace on DOKS.
//!   Memory becomes the container's memory request and limit (CPU requested in Lambda's
//!   proportion, one vCPU per 1,769 MB), the timeout becomes `timeoutSeconds`, environment
//!   variables are kept (their references are rewritten by the reference pass; a value that
//!   is a secret of the stack becomes a `secretKeyRef` to its Kubernetes Secret), reserved
//!   concurrency becomes the `max-scale` annotation and provisioned concurrency `min-scale`;
//!   a container serves one request at a time (`containerConcurrency = 1`), as Lambda does.
//!   Functions without a function URL are `cluster-local`, as a Lambda function without a URL
//!   cannot be reached from the internet.
//! * **Functions**: DigitalOcean Functions. The provider has no Functions resource (mapping
//!   facts §8; `digitalocean_app` `function` components only build from a git repository), so
//!   nothing is emitted: the archive is an artifact, and the controller deploys it with
//!   `doctl serverless deploy` (F382). Runtimes DigitalOcean does not offer are errors (F383).
//!
//! | origin | Knative | Functions |
//! |---|---|---|
//! | `aws_lambda_function` | `kubernetes_manifest` (Knative Service) | artifact + F382 |
//! | `aws_lambda_function_url` | folded into the service (public), `function_url` → its URL | F382 note |
//! | `aws_lambda_alias` | a traffic tag on the latest revision | dropped |
//! | `aws_lambda_provisioned_concurrency_config` | `min-scale` annotation | dropped |
//! | `aws_lambda_permission`, `_event_invoke_config` | folded into the service | dropped |
//! | `aws_lambda_layer_version` | artifact baked into the images of its functions | artifact |
//! | `aws_lambda_event_source_mapping`, `aws_lambda_invocation` | unsupported, with the alternative | same |
//! | `aws_cloudwatch_event_rule` (schedule) + `_target` (a function) | `kubernetes_cron_job_v1` calling the service | F382 (a scheduled trigger) |
//! | `aws_apigatewayv2_api` (HTTP) + `_integration` (`AWS_PROXY` to a function) + `_route` + `_stage` | one `kubernetes_ingress_v1` per function (NGINX Ingress) | unsupported |
//! | `data.archive_file` zipping a function's sources | folded into the function's artifact | same |
//!
//! | `aws_api_gateway_rest_api` + `_resource` + `_method` + `_integration` (`AWS_PROXY` to a function) + `_deployment` / `_stage` | the same Ingress rules: paths from the resource tree under `/<stage>`; `OPTIONS` mocks → NGINX CORS | unsupported |
//!
//! WebSocket APIs and REST APIs whose methods reach no function of the stack stay unsupported
//! (catalog), with the alternative.
//!
//! **Function images** (a contract with the controller, which builds and copies them): a zip
//! function runs as the image `registry.digitalocean.com/${var.registry_name}/fn-<name>:<tag>`,
//! built from its archive on the AWS Lambda base image of its runtime
//! (`public.ecr.aws/lambda/<language>:<version>`, `facts::functions::base_image`), with the
//! handler as the image command. Function images listen on port 8080: `POST
//! /2015-03-31/functions/function/invocations` invokes the handler with the request body as the
//! event (the Lambda Runtime Interface Emulator's API, which the AWS base images include — that
//! is how CronJobs invoke a function), and Ferry's HTTP adapter, added when the image is built,
//! delivers every other request as an API Gateway HTTP API (payload 2.0) event — or, when the
//! container's environment sets `FERRY_HTTP_EVENT_FORMAT=1.0` (Ferry sets it on functions a REST
//! API reaches, and on those of HTTP API integrations with `payload_format_version = "1.0"`), as
//! a REST API (payload 1.0) event, which is what such functions read. Image functions
//! (`package_type = "Image"`) are copied from ECR to the appliance's registry.

use super::{Cx, Export, OutcomeRec, Phase, RuleDef, catalog};
use crate::FunctionsStrategy;
use crate::diag::{Code, Diagnostic};
use crate::facts::functions as facts;
use crate::hclx;
use crate::origin::{Mode, Resource};
use crate::out::OutBody;
use crate::report::{Artifact, ArtifactKind, Outcome};
use hcl::expr::{ObjectKey, TemplateExpr, TraversalOperator as Op};
use hcl::{Body, Expression, Identifier};

const MANIFEST: &str = "kubernetes_manifest";
const CRON: &str = "kubernetes_cron_job_v1";
const INGRESS: &str = "kubernetes_ingress_v1";
const NAMESPACE: &str = "kubernetes_namespace_v1";

/// The invoke path of the Lambda Runtime Interface Emulator (see the module documentation).
const INVOKE_PATH: &str = "/2015-03-31/functions/function/invocations";
/// The image the CronJobs that invoke functions run (curl with a shell).
/// Read by Ferry's HTTP adapter in a function image: `1.0` delivers requests as API Gateway
/// payload 1.0 events (REST APIs), anything else or unset as payload 2.0 (HTTP APIs).
const EVENT_FORMAT_ENV: &str = "FERRY_HTTP_EVENT_FORMAT";
const CURL_IMAGE: &str = "curlimages/curl:8.11.1";

const FUNCTION_ARGS: &[&str] = &[
    "function_name",
    "role",
    "handler",
    "runtime",
    "filename",
    "s3_bucket",
    "s3_key",
    "s3_object_version",
    "image_uri",
    "package_type",
    "source_code_hash",
    "memory_size",
    "timeout",
    "environment",
    "reserved_concurrent_executions",
    "publish",
    "layers",
    "architectures",
    "description",
    "vpc_config",
    "image_config",
    "ephemeral_storage",
    "dead_letter_config",
    "file_system_config",
    "skip_destroy",
    "replace_security_groups_on_destroy",
    "replacement_security_group_ids",
    "timeouts",
];

const fn rule(
    ty: &'static str,
    phase: Phase,
    produces: &'static [&'static str],
    args: &'static [&'static str],
    summary: &'static str,
    map: fn(&Resource, &mut Cx<'_>),
) -> RuleDef {
    RuleDef {
        ty,
        mode: Mode::Managed,
        phase,
        produces,
        args,
        summary,
        map,
    }
}

const fn data(ty: &'static str, summary: &'static str) -> RuleDef {
    RuleDef {
        ty,
        mode: Mode::Data,
        phase: Phase::Primary,
        produces: &[],
        args: &[],
        summary,
        map: lambda_data,
    }
}

pub const RULES: &[RuleDef] = &[
    // Functions come first: API routes, schedules and sub-resources point at them.
    rule(
        "aws_lambda_function",
        Phase::Foundation,
        &[MANIFEST, NAMESPACE],
        FUNCTION_ARGS,
        "Lambda function → Knative Service (kubernetes_manifest) on DOKS, or DigitalOcean Functions deployed by the controller (option `functions_strategy`)",
        function,
    ),
    rule(
        "aws_lambda_function_url",
        Phase::Attach,
        &[],
        &[
            "function_name",
            "authorization_type",
            "cors",
            "qualifier",
            "invoke_mode",
        ],
        "function URL → the Knative Service's public URL (`function_url` exported)",
        function_url,
    ),
    rule(
        "aws_lambda_permission",
        Phase::Attach,
        &[],
        &[
            "function_name",
            "action",
            "principal",
            "source_arn",
            "source_account",
            "statement_id",
            "statement_id_prefix",
            "qualifier",
            "event_source_token",
            "function_url_auth_type",
            "principal_org_id",
        ],
        "resource policy → folded into the function (Knative Services are called by what the stack routes to them)",
        permission,
    ),
    rule(
        "aws_lambda_alias",
        Phase::Attach,
        &[],
        &[
            "name",
            "function_name",
            "function_version",
            "description",
            "routing_config",
        ],
        "alias → a traffic tag on the Knative Service's latest revision",
        alias,
    ),
    rule(
        "aws_lambda_provisioned_concurrency_config",
        Phase::Attach,
        &[],
        &[
            "function_name",
            "provisioned_concurrent_executions",
            "qualifier",
            "skip_destroy",
            "timeouts",
        ],
        "provisioned concurrency → the Knative `min-scale` annotation",
        provisioned,
    ),
    rule(
        "aws_lambda_function_event_invoke_config",
        Phase::Attach,
        &[],
        &[
            "function_name",
            "qualifier",
            "maximum_event_age_in_seconds",
            "maximum_retry_attempts",
            "destination_config",
        ],
        "asynchronous invocation settings → folded into the function (retries and destinations not carried over)",
        event_invoke_config,
    ),
    rule(
        "aws_lambda_layer_version",
        Phase::Attach,
        &[],
        &[
            "layer_name",
            "filename",
            "s3_bucket",
            "s3_key",
            "s3_object_version",
            "source_code_hash",
            "compatible_runtimes",
            "compatible_architectures",
            "description",
            "license_info",
            "skip_destroy",
        ],
        "layer → an artifact baked into the images of the functions that use it",
        layer,
    ),
    rule(
        "aws_lambda_event_source_mapping",
        Phase::Attach,
        &[],
        &[],
        "event source mapping → unsupported (Knative Eventing, a KafkaSource for Managed Kafka)",
        event_source_mapping,
    ),
    rule(
        "aws_lambda_invocation",
        Phase::Attach,
        &[],
        &[],
        "invocation at apply time → unsupported (a Kubernetes Job calling the service)",
        invocation,
    ),
    rule(
        "aws_lambda_code_signing_config",
        Phase::Primary,
        &[],
        &[],
        "code signing configuration → dropped",
        dropped,
    ),
    rule(
        "aws_lambda_layer_version_permission",
        Phase::Primary,
        &[],
        &[],
        "layer permission → dropped (layers are baked into the images)",
        dropped,
    ),
    rule(
        "aws_lambda_function_recursion_config",
        Phase::Primary,
        &[],
        &[],
        "recursive loop detection → dropped",
        dropped,
    ),
    rule(
        "aws_lambda_runtime_management_config",
        Phase::Primary,
        &[],
        &[],
        "runtime update policy → dropped (the image pins the runtime)",
        dropped,
    ),
    // Schedules.
    rule(
        "aws_cloudwatch_event_rule",
        Phase::Primary,
        &[],
        &[
            "name",
            "name_prefix",
            "description",
            "schedule_expression",
            "event_pattern",
            "event_bus_name",
            "is_enabled",
            "state",
            "role_arn",
        ],
        "EventBridge schedule whose targets are functions → the CronJobs of its targets; other rules → unsupported",
        event_rule,
    ),
    rule(
        "aws_cloudwatch_event_target",
        Phase::Attach,
        &[CRON],
        &[
            "rule",
            "arn",
            "target_id",
            "input",
            "input_path",
            "input_transformer",
            "event_bus_name",
            "role_arn",
            "retry_policy",
            "dead_letter_config",
            "ecs_target",
        ],
        "EventBridge target that is a function on a schedule → kubernetes_cron_job_v1 invoking the Knative Service",
        event_target,
    ),
    // HTTP APIs.
    rule(
        "aws_apigatewayv2_api",
        Phase::Primary,
        &[INGRESS],
        &[
            "name",
            "protocol_type",
            "description",
            "cors_configuration",
            "disable_execute_api_endpoint",
            "route_selection_expression",
            "api_key_selection_expression",
            "version",
            "target",
            "route_key",
            "credentials_arn",
            "body",
            "fail_on_warnings",
        ],
        "HTTP API → one kubernetes_ingress_v1 (NGINX Ingress) per function its routes reach",
        http_api,
    ),
    rule(
        "aws_apigatewayv2_route",
        Phase::Attach,
        &[],
        &[
            "api_id",
            "route_key",
            "target",
            "authorization_type",
            "authorizer_id",
            "authorization_scopes",
            "operation_name",
            "api_key_required",
            "request_models",
            "request_parameter",
            "model_selection_expression",
            "route_response_selection_expression",
        ],
        "route → a path of the Ingress of its function",
        api_part,
    ),
    rule(
        "aws_apigatewayv2_integration",
        Phase::Attach,
        &[],
        &[
            "api_id",
            "integration_type",
            "integration_uri",
            "integration_method",
            "payload_format_version",
            "timeout_milliseconds",
            "description",
            "connection_type",
            "request_parameters",
        ],
        "Lambda proxy integration → the backend of an Ingress",
        api_part,
    ),
    rule(
        "aws_apigatewayv2_stage",
        Phase::Attach,
        &[],
        &[
            "api_id",
            "name",
            "auto_deploy",
            "description",
            "default_route_settings",
            "access_log_settings",
            "stage_variables",
            "deployment_id",
        ],
        "stage → a path prefix of the Ingress rules (none for `$default`); throttling → NGINX rate limits",
        api_part,
    ),
    rule(
        "aws_apigatewayv2_deployment",
        Phase::Attach,
        &[],
        &["api_id", "description", "triggers"],
        "deployment → folded into the Ingress (applied with the stack)",
        api_part,
    ),
    rule(
        "aws_apigatewayv2_authorizer",
        Phase::Attach,
        &[],
        &[
            "api_id",
            "name",
            "authorizer_type",
            "identity_sources",
            "jwt_configuration",
            "authorizer_uri",
            "authorizer_payload_format_version",
            "authorizer_result_ttl_in_seconds",
            "enable_simple_responses",
            "authorizer_credentials_arn",
        ],
        "authorizer → not carried over (routes become public; warned per route)",
        api_part,
    ),
    rule(
        "aws_apigatewayv2_vpc_link",
        Phase::Attach,
        &[],
        &["name", "subnet_ids", "security_group_ids"],
        "VPC link → folded into the Ingress whose route reached a load balancer through it",
        vpc_link,
    ),
    // REST APIs.
    rule(
        "aws_api_gateway_rest_api",
        Phase::Primary,
        &[INGRESS],
        &[
            "name",
            "description",
            "endpoint_configuration",
            "binary_media_types",
            "minimum_compression_size",
            "api_key_source",
            "disable_execute_api_endpoint",
            "put_rest_api_mode",
            "fail_on_warnings",
            "body",
            "policy",
        ],
        "REST API → one kubernetes_ingress_v1 (NGINX Ingress) per function its AWS_PROXY integrations reach",
        rest_api,
    ),
    rule(
        "aws_api_gateway_resource",
        Phase::Attach,
        &[],
        &["rest_api_id", "parent_id", "path_part"],
        "resource → a path of the Ingress rules",
        rest_part,
    ),
    rule(
        "aws_api_gateway_method",
        Phase::Attach,
        &[],
        &[
            "rest_api_id",
            "resource_id",
            "http_method",
            "authorization",
            "authorizer_id",
            "authorization_scopes",
            "api_key_required",
            "operation_name",
            "request_models",
            "request_parameters",
            "request_validator_id",
        ],
        "method → a path of the Ingress of its function (any verb); an OPTIONS mock → NGINX CORS",
        rest_part,
    ),
    rule(
        "aws_api_gateway_integration",
        Phase::Attach,
        &[],
        &[
            "rest_api_id",
            "resource_id",
            "http_method",
            "integration_http_method",
            "type",
            "uri",
            "connection_type",
            "connection_id",
            "credentials",
            "request_templates",
            "request_parameters",
            "passthrough_behavior",
            "cache_key_parameters",
            "cache_namespace",
            "content_handling",
            "timeout_milliseconds",
            "tls_config",
        ],
        "Lambda proxy integration → the backend of an Ingress",
        rest_part,
    ),
    rule(
        "aws_api_gateway_method_response",
        Phase::Attach,
        &[],
        &[
            "rest_api_id",
            "resource_id",
            "http_method",
            "status_code",
            "response_models",
            "response_parameters",
        ],
        "method response → folded into the Ingress (CORS headers → NGINX CORS)",
        rest_part,
    ),
    rule(
        "aws_api_gateway_integration_response",
        Phase::Attach,
        &[],
        &[
            "rest_api_id",
            "resource_id",
            "http_method",
            "status_code",
            "selection_pattern",
            "response_templates",
            "response_parameters",
            "content_handling",
        ],
        "integration response → folded into the Ingress (CORS headers → NGINX CORS)",
        rest_part,
    ),
    rule(
        "aws_api_gateway_deployment",
        Phase::Attach,
        &[],
        &[
            "rest_api_id",
            "description",
            "stage_name",
            "stage_description",
            "triggers",
            "variables",
            "canary_settings",
        ],
        "deployment → folded into the Ingress; its `stage_name` → a path prefix",
        rest_part,
    ),
    rule(
        "aws_api_gateway_stage",
        Phase::Attach,
        &[],
        &[
            "rest_api_id",
            "deployment_id",
            "stage_name",
            "description",
            "access_log_settings",
            "variables",
            "xray_tracing_enabled",
            "cache_cluster_enabled",
            "cache_cluster_size",
            "client_certificate_id",
            "documentation_version",
            "canary_settings",
        ],
        "stage → a path prefix of the Ingress rules (`invoke_url` → the Ingress address and prefix)",
        rest_part,
    ),
    rule(
        "aws_api_gateway_authorizer",
        Phase::Attach,
        &[],
        &[
            "rest_api_id",
            "name",
            "type",
            "provider_arns",
            "identity_source",
            "identity_validation_expression",
            "authorizer_uri",
            "authorizer_credentials",
            "authorizer_result_ttl_in_seconds",
        ],
        "authorizer → not carried over (methods become public; warned per method)",
        rest_part,
    ),
    rule(
        "aws_api_gateway_account",
        Phase::Attach,
        &[],
        &["cloudwatch_role_arn", "reset_on_delete"],
        "account CloudWatch role → folded into the REST API's Ingress (logs are the controller's)",
        rest_part,
    ),
    // Function archives.
    RuleDef {
        ty: "archive_file",
        mode: Mode::Data,
        phase: Phase::Primary,
        produces: &[],
        args: &[
            "type",
            "source_dir",
            "source_file",
            "source_content",
            "source_content_filename",
            "source",
            "output_path",
            "excludes",
            "output_file_mode",
        ],
        summary: "archive of a function's sources → folded into the function's artifact (other archives are kept)",
        map: archive_file,
    },
    data(
        "aws_lambda_function",
        "Lambda function lookup → unsupported (references become null)",
    ),
    data(
        "aws_lambda_functions",
        "Lambda function list → unsupported (references become null)",
    ),
    data(
        "aws_lambda_alias",
        "Lambda alias lookup → unsupported (references become null)",
    ),
    data(
        "aws_lambda_layer_version",
        "Lambda layer lookup → unsupported (references become null)",
    ),
    data(
        "aws_lambda_invocation",
        "Lambda invocation at plan time → unsupported (references become null)",
    ),
    data(
        "aws_lambda_code_signing_config",
        "code signing configuration lookup → unsupported (references become null)",
    ),
    data(
        "aws_lambda_function_url",
        "function URL lookup → unsupported (references become null)",
    ),
];

// ---- functions ------------------------------------------------------------------------------

/// What a function rule reads from the origin.
#[derive(Debug)]
struct Function {
    image: bool,
    runtime: Option<String>,
    memory: f64,
    timeout: f64,
    /// Where the code comes from, for the artifact: a path, `s3://…`, or the image URI.
    source: Option<String>,
    /// Is the function reached over HTTP (a function URL or an API route)?
    http: bool,
    /// Does a function URL make it public?
    public: bool,
    /// Is it reached through an API that sends payload 1.0 events (a REST API's `AWS_PROXY`
    /// integration, or an HTTP API integration with `payload_format_version = "1.0"`)?
    event_v1: bool,
}

fn function(r: &Resource, cx: &mut Cx<'_>) {
    let package = cx.str(r, "package_type");
    let image = package.as_deref() == Some("Image")
        || (package.is_none() && hclx::attr(&r.body, "image_uri").is_some());
    let runtime = cx.str(r, "runtime");
    let memory = cx.num(r, "memory_size").unwrap_or(128.0).max(1.0);
    let timeout = cx.num(r, "timeout").unwrap_or(3.0).max(1.0);
    let source = if image {
        hclx::attr(&r.body, "image_uri").map(|e| text_of(cx, e))
    } else {
        archive_source(r, cx)
    };
    let urls: Vec<&Resource> = cx
        .origin_of_type("aws_lambda_function_url")
        .filter(|u| target_function(cx, u, "function_name").is_some_and(|f| f == r))
        .collect();
    let routed = cx
        .origin_of_type("aws_apigatewayv2_integration")
        .any(|i| target_function(cx, i, "integration_uri").is_some_and(|f| f == r))
        || cx
            .origin_of_type("aws_api_gateway_integration")
            .any(|i| target_function(cx, i, "uri").is_some_and(|f| f == r));
    let event_v1 = !image
        && (cx.origin_of_type("aws_api_gateway_integration").any(|i| {
            hclx::attr(&i.body, "type")
                .and_then(|e| cx.eval.string(e))
                .is_some_and(|t| t == "AWS_PROXY")
                && target_function(cx, i, "uri").is_some_and(|f| f == r)
        }) || cx.origin_of_type("aws_apigatewayv2_integration").any(|i| {
            hclx::attr(&i.body, "payload_format_version")
                .and_then(|e| cx.eval.string(e))
                .is_some_and(|v| v == "1.0")
                && target_function(cx, i, "integration_uri").is_some_and(|f| f == r)
        }));
    // Through another module: an API there reaches this function (one call of its module).
    let remote_v1 = !image && cx.xmod.event_v1_functions.contains(r.address());
    let mixed = remote_v1 && cx.xmod.event_v2_functions.contains(r.address());
    if mixed {
        cx.diag(
            Diagnostic::new(
                Code::FeatureUnsupported,
                format!(
                    "`{}` is reached by APIs of other modules with payload 1.0 events (a REST API, or `payload_format_version = \"1.0\"`) and with payload 2.0 events, through different calls of its module; the module is compiled once, so every call's function gets 2.0 events",
                    r.address()
                ),
            )
            .at(r.loc.clone())
            .resource(r.address())
            .help(format!("set `{EVENT_FORMAT_ENV} = \"1.0\"` in the `environment` of the calls whose API sends payload 1.0 events (e.g. from a module input), or give the integrations one payload format")),
        );
    }
    let event_v1 = event_v1 || (remote_v1 && !mixed);
    let f = Function {
        event_v1,
        image,
        runtime,
        memory,
        timeout,
        source,
        http: !urls.is_empty() || routed,
        public: !urls.is_empty(),
    };
    if !image && f.runtime.is_none() && hclx::attr(&r.body, "runtime").is_none() {
        cx.diag(
            Diagnostic::new(
                Code::UnsupportedValue,
                format!(
                    "`{}` is a zip package without a `runtime`; Ferry cannot choose the image to run it on",
                    r.address()
                ),
            )
            .at(r.loc.clone())
            .resource(r.address())
            .help("set `runtime` (e.g. `python3.12`), or package the function as a container image"),
        );
    }
    for (key, what, help) in [
        (
            "dead_letter_config",
            "failed asynchronous invocations are not sent to a dead-letter queue",
            "log failures in the function, or publish them to a queue of the appliance yourself",
        ),
        (
            "file_system_config",
            "EFS file systems are not mounted",
            "keep shared files in Spaces, or mount a volume through a Kubernetes workload",
        ),
    ] {
        if hclx::attr(&r.body, key).is_some() || !hclx::blocks(&r.body, key).is_empty() {
            cx.diag(
                Diagnostic::new(
                    Code::FeatureUnsupported,
                    format!("`{}`: {what}", r.address()),
                )
                .at(r.loc_of(key))
                .resource(r.address())
                .help(help),
            );
        }
    }
    layers_outside_stack(r, cx);
    match cx.options.functions_strategy {
        FunctionsStrategy::Knative => knative(r, cx, &f),
        FunctionsStrategy::Functions => do_function(r, cx, &f),
    }
}

/// Layers given as ARNs outside the stack: their content is not available to Ferry.
fn layers_outside_stack(r: &Resource, cx: &mut Cx<'_>) {
    let Some(Expression::Array(items)) = hclx::attr(&r.body, "layers") else {
        return;
    };
    for item in items {
        if cx.resolve_ref(item).is_some() {
            continue;
        }
        let text = text_of(cx, item);
        cx.diag(
            Diagnostic::new(
                Code::FeatureUnsupported,
                format!(
                    "`{}` uses the layer `{text}`, which is not part of the stack; its files are not in the function's image",
                    r.address()
                ),
            )
            .at(r.loc_of("layers"))
            .resource(r.address())
            .help("add the layer's files to the function's package (or image), or declare the layer with `aws_lambda_layer_version` in the origin"),
        );
    }
}

/// The function's archive: `filename` (a path or `data.archive_file.x.output_path`) or
/// `s3://bucket/key`.
fn archive_source(r: &Resource, cx: &Cx<'_>) -> Option<String> {
    if let Some(e) = hclx::attr(&r.body, "filename") {
        if let Some(dir) = archive_file_source(cx, e) {
            return Some(dir);
        }
        return Some(module_path(cx, &text_of(cx, e)));
    }
    let bucket = hclx::attr(&r.body, "s3_bucket").map(|e| text_of(cx, e))?;
    let key = hclx::attr(&r.body, "s3_key")
        .map(|e| text_of(cx, e))
        .unwrap_or_default();
    let version = hclx::attr(&r.body, "s3_object_version")
        .map(|e| format!("?versionId={}", text_of(cx, e)))
        .unwrap_or_default();
    Some(format!("s3://{bucket}/{key}{version}"))
}

/// `data.archive_file.x.output_path` → the folder or file the archive is made from.
fn archive_file_source(cx: &Cx<'_>, e: &Expression) -> Option<String> {
    let archive = cx
        .resolve_ref(e)
        .filter(|a| a.mode == Mode::Data && a.ty == "archive_file")?;
    let src = ["source_dir", "source_file", "source_content_filename"]
        .iter()
        .find_map(|k| hclx::attr(&archive.body, k))
        .map(|s| module_path(cx, &text_of(cx, s)))
        .unwrap_or_else(|| archive.address().to_string());
    Some(src)
}

/// A path of the module (`./src`, `${path.module}/src`) relative to the origin root.
fn module_path(cx: &Cx<'_>, p: &str) -> String {
    // A path not known at compile time keeps its template text: `${path.module}` is the module
    // folder all the same.
    let p = p.strip_prefix("${path.module}/").unwrap_or(p);
    let p = p.trim_start_matches("./");
    crate::origin::join_dir(&cx.module.dir, p).unwrap_or_else(|| p.to_string())
}

/// The static text of an expression, or its HCL form.
fn text_of(cx: &Cx<'_>, e: &Expression) -> String {
    cx.eval.string(e).unwrap_or_else(|| match e {
        Expression::TemplateExpr(t) => t.to_string(),
        other => hclx::inline(other),
    })
}

fn knative(r: &Resource, cx: &mut Cx<'_>, f: &Function) {
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
    super::ecr::ensure_registry(cx, r.loc.clone());

    // The image.
    let (image, command, args) = if f.image {
        let uri = cx.expr(r, "image_uri").unwrap_or(Expression::Null);
        let known = cx.eval.string(&uri).is_some() || mentions_ecr_repository(&uri);
        // `"${data.aws_caller_identity.current.account_id}.dkr.ecr.<region>.amazonaws.com/…"`:
        // an ECR host whose account id is known only at apply time, rewritten as written.
        let templated = if known {
            None
        } else {
            super::ecr::rewrite_ecr_template(cx, &uri)
        };
        let image = match &templated {
            Some((image, _)) => image.clone(),
            None => docr_image(&uri, f.source.as_deref()),
        };
        match (&templated, &f.source) {
            (Some((_, img)), _) => cx.artifact(Artifact {
                kind: ArtifactKind::Image,
                source: super::ecr::source_text(cx, &uri),
                destination: format!(
                    "registry.digitalocean.com/{}/{}{}",
                    super::ecr::default_registry_name(cx)
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
        super::database::export_origin(cx, r, key);
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
fn url_tmpl() -> String {
    "try($T.object.status.url, \"http://${$T.manifest.metadata.name}.${$T.manifest.metadata.namespace}.svc.cluster.local\")".into()
}

fn do_function(r: &Resource, cx: &mut Cx<'_>, f: &Function) {
    let runtime = f.runtime.clone().unwrap_or_default();
    let slug = if f.image {
        cx.diag(
            Diagnostic::new(
                Code::FunctionRuntimeUnsupported,
                format!(
                    "`{}` is a container image; DigitalOcean Functions run source code, not images",
                    r.address()
                ),
            )
            .at(r.loc_of("image_uri"))
            .resource(r.address())
            .help(
                "compile with `--functions knative` to run the image as a Knative Service on DOKS",
            ),
        );
        None
    } else {
        match facts::do_runtime(&runtime) {
            facts::DoRuntime::Same(s) => Some(s),
            facts::DoRuntime::Nearest(s) => {
                cx.diag(
                    Diagnostic::new(
                        Code::NearestMatch,
                        format!("`{}`: DigitalOcean Functions do not offer `{runtime}`; Ferry chose `{s}`", r.address()),
                    )
                    .at(r.loc_of("runtime"))
                    .resource(r.address())
                    .help(format!("test the function on `{s}` (DigitalOcean Functions runtimes: {})", facts::DO_FUNCTION_RUNTIMES.join(", "))),
                );
                Some(s)
            }
            facts::DoRuntime::Unsupported {
                language,
                suggestion,
            } => {
                cx.diag(
                    Diagnostic::new(
                        Code::FunctionRuntimeUnsupported,
                        format!(
                            "`{}` runs on `{runtime}` ({language}), which DigitalOcean Functions do not offer",
                            r.address()
                        ),
                    )
                    .at(r.loc_of("runtime"))
                    .resource(r.address())
                    .help(format!(
                        "compile with `--functions knative` (any runtime runs as a container), or port the function to `{suggestion}`, the nearest runtime DigitalOcean offers ({})",
                        facts::DO_FUNCTION_RUNTIMES.join(", ")
                    )),
                );
                None
            }
        }
    };
    let (lo, hi) = facts::DO_FUNCTION_MEMORY_MB;
    let mut memory = f.memory.round() as u32;
    if memory > hi || memory < lo {
        let chosen = memory.clamp(lo, hi);
        cx.diag(
            Diagnostic::new(
                Code::NearestMatch,
                format!(
                    "`{}` has {memory} MB of memory; DigitalOcean Functions offer {lo}–{hi} MB, so it gets {chosen} MB",
                    r.address()
                ),
            )
            .at(r.loc_of("memory_size"))
            .resource(r.address())
            .help("check the function's memory use, or compile with `--functions knative`"),
        );
        memory = chosen;
    }
    let name = cx.str(r, "function_name").unwrap_or_else(|| r.name.clone());
    let source = f.source.clone().unwrap_or_else(|| r.address().to_string());
    let unmapped =
        "DigitalOcean Functions are deployed by the controller, outside the Terraform stack";
    for attr in [
        "id",
        "arn",
        "invoke_arn",
        "qualified_arn",
        "qualified_invoke_arn",
        "version",
        "role",
    ] {
        cx.export(r, attr, Export::Unmapped(unmapped.into()));
    }
    let Some(slug) = slug else {
        cx.st.outcomes.insert(
            r.address().to_string(),
            OutcomeRec {
                outcome: Outcome::Unsupported,
                targets: vec![],
                note: Some("DigitalOcean Functions cannot run it (see the F383 error)".into()),
            },
        );
        cx.export(r, "function_name", Export::Unmapped(unmapped.into()));
        return;
    };
    // The function's name as written (it keeps `var.instance_id`), unless it refers to AWS.
    let name_expr = match cx.expr(r, "function_name") {
        Some(e) if !hclx::inline(&e).contains("aws_") => e,
        _ => Expression::String(dns_label(&name)),
    };
    cx.export(r, "function_name", Export::Expr(name_expr));
    cx.artifact(Artifact {
        kind: ArtifactKind::Archive,
        source: source.clone(),
        destination: format!(
            "functions:ferry-{}/{}",
            instance_label(cx),
            dns_label(&name)
        ),
        pinned: false,
        used_by: r.address().to_string(),
    });
    let timeout_ms = (f.timeout * 1000.0).round() as u64;
    cx.diag(
        Diagnostic::new(
            Code::FunctionDeployedByController,
            format!(
                "`{}` becomes the DigitalOcean Function `{}` (runtime `{slug}`, {memory} MB, timeout {timeout_ms} ms); the provider has no Functions resource, so the controller deploys `{source}` with `doctl serverless deploy` into the appliance's Functions namespace",
                r.address(),
                dns_label(&name)
            ),
        )
        .at(r.loc.clone())
        .resource(r.address())
        .help("DigitalOcean Functions call `main(args)` rather than a Lambda `handler(event, context)`: wrap the handler; to manage the function with Terraform instead, compile with `--functions knative`"),
    );
    cx.st.outcomes.insert(
        r.address().to_string(),
        OutcomeRec {
            outcome: Outcome::Mapped,
            targets: vec![],
            note: Some(format!(
                "DigitalOcean Function deployed by the controller (no Terraform resource); runtime `{slug}`"
            )),
        },
    );
}

/// The instance id for report text: the option's value, or `${var.instance_id}`.
fn instance_label(cx: &Cx<'_>) -> String {
    cx.options
        .instance_id
        .clone()
        .unwrap_or_else(|| "${var.instance_id}".into())
}

/// The repository of a zip function's image: `fn-<name>` (with the module folder).
fn image_repo(cx: &Cx<'_>, r: &Resource) -> String {
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
            let mut tf_name = format!("{}_env", super::sanitize_name(&r.name));
            let mut i = 2;
            while cx
                .st
                .is_taken(Mode::Managed, "kubernetes_secret_v1", &tf_name)
            {
                tf_name = format!("{}_env_{i}", super::sanitize_name(&r.name));
                i += 1;
            }
            let secret_addr = format!("kubernetes_secret_v1.{tf_name}");
            // Every name the function sets, for the settings beside a cache's host.
            let declared_names: Vec<String> =
                o.iter().filter_map(|(k, _)| hclx::object_key(k)).collect();
            // Variables set to a cache's `auth_token` (known gap #328): the cluster's own
            // password, from its Secret.
            let tokens: Vec<(String, &Resource)> = o
                .iter()
                .filter_map(|(k, v)| {
                    let cache = super::cache::auth_token_of(cx, v)?;
                    Some((hclx::object_key(k)?, cache))
                })
                .collect();
            let mut told: Vec<String> = Vec::new();
            for (k, v) in o.iter() {
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
                let token = super::cache::auth_token_of(cx, v).map(|cache| {
                    let addr = super::cache::password_secret(cx, cache);
                    (super::k8s::name_of(&addr), "password".to_string())
                });
                let from_secret =
                    token
                        .or_else(|| super::secrets::secret_key(cx, v))
                        .or_else(|| {
                            let db = super::secrets::admin_password_of(
                                cx,
                                &super::secrets::database_passwords(cx, v),
                            )?;
                            let addr = super::secrets::master_user_secret(cx, db);
                            Some((super::k8s::name_of(&addr), "password".to_string()))
                        });
                if from_secret.is_none()
                    && let Some(key) = hclx::object_key(k)
                    && super::secrets::sensitive_variable(cx, v)
                {
                    let key_ref = obj(vec![
                        ("name", super::k8s::name_of(&secret_addr)),
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
                    None => super::secrets::embedded_admin_passwords(
                        cx,
                        &super::secrets::database_passwords(cx, v),
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
                            let addr = super::secrets::password_secret_of(cx, db);
                            let secret = super::k8s::name_of(&addr);
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
                    && let Some(cache) = super::cache::host_of(cx, v)
                {
                    let pass = super::cache::password_name(&host_var);
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
                        super::cache::Password::Replaced(&pass)
                    } else if set_already(&items) {
                        super::cache::Password::Own
                    } else {
                        let secret = super::k8s::name_of(&super::cache::password_secret(cx, cache));
                        items.push(obj(vec![
                            ("name", s(&pass)),
                            ("valueFrom", from_key(secret, "password")),
                        ]));
                        super::cache::Password::Given(&pass)
                    };
                    let tls = super::cache::tls_settings(&host_var, &declared_names);
                    super::cache::client_warning(
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
                    super::cache::replaced_note(
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
    let name = super::k8s::unique_object_name(cx.st, "kubernetes_secret_v1", &format!("{app}-env"));
    let keys: Vec<String> = values.iter().map(|(k, _)| k.clone()).collect();
    let source = values
        .iter()
        .map(|(_, v)| format!("`{}`", hclx::inline(v)))
        .collect::<Vec<_>>()
        .join(", ");
    let body = super::k8s::secret(
        s(&name),
        ns.clone(),
        super::k8s::map(values.iter().map(|(k, v)| (k.clone(), env_value(v)))),
        None,
        Some(super::k8s::labels(&app)),
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

/// [`super::s3::workload_access`] for a function's environment (`{ name, value }` objects):
/// a function whose variables name a bucket of the stack, and that sets no keys of its own,
/// gets the Secret's keys and the Spaces endpoint (unless it sets one).
fn spaces_access(cx: &mut Cx<'_>, r: &Resource, items: &mut Vec<Expression>, ns: Expression) {
    use super::s3::{S3_CREDENTIAL_ENV, S3_ENDPOINT_ENV};
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
    let granted = super::s3::buckets_read(cx, &values);
    if granted.is_empty() {
        return;
    }
    // Named after the resource: the function's name may hold the instance id at compile time.
    let app = dns_label(&r.name);
    let Some(access) = super::s3::workload_access(
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

/// A DNS-1035 label: lowercase letters, digits and hyphens, starting with a letter, ≤ 63.
pub fn dns_label(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| match c {
            'A'..='Z' => c.to_ascii_lowercase(),
            'a'..='z' | '0'..='9' => c,
            _ => '-',
        })
        .collect();
    while out.contains("--") {
        out = out.replace("--", "-");
    }
    let mut out = out.trim_matches('-').to_string();
    if !out.starts_with(|c: char| c.is_ascii_lowercase()) {
        out.insert_str(0, "fn-");
    }
    out.truncate(63);
    out.trim_end_matches('-').to_string()
}

// ---- what refers to a function ---------------------------------------------------------------

/// The function an argument names: a reference to the function (or to an alias of it), or its
/// name as written on the function.
fn target_function<'a>(cx: &Cx<'a>, r: &Resource, key: &str) -> Option<&'a Resource> {
    let e = hclx::attr(&r.body, key)?;
    match cx.referenced(r, key) {
        Some(f) if f.ty == "aws_lambda_function" && f.mode == Mode::Managed => Some(f),
        Some(a) if a.ty == "aws_lambda_alias" => cx
            .referenced(a, "function_name")
            .filter(|f| f.ty == "aws_lambda_function" && f.mode == Mode::Managed),
        Some(_) => None,
        None => {
            let wanted = cx.eval.string(e)?;
            let wanted = wanted.rsplit(':').next().unwrap_or(&wanted).to_string();
            cx.origin_of_type("aws_lambda_function").find(|f| {
                hclx::attr(&f.body, "function_name")
                    .and_then(|n| cx.eval.string(n))
                    .is_some_and(|n| n == wanted)
            })
        }
    }
}

/// The Knative Service emitted for a function, if any.
fn service_of(cx: &Cx<'_>, f: &Resource) -> Option<String> {
    cx.st
        .outcomes
        .get(f.address())
        .and_then(|o| {
            o.targets
                .iter()
                .find(|t| t.starts_with("kubernetes_manifest."))
        })
        .cloned()
}

/// `aws_lambda_function.x[0].arn` → `aws_lambda_function.x[0].<attr>` (the reference pass
/// rewrites it); also through an alias (`aws_lambda_alias.live.arn` → the alias's function).
fn function_attr(cx: &Cx<'_>, e: &Expression, attr: &str) -> Option<Expression> {
    let mut found = None;
    hclx::walk(e, &mut |x| {
        if found.is_some() {
            return;
        }
        if let Some((root, ops)) = hclx::traversal_root(x) {
            if root == "aws_lambda_function"
                && let Some(Op::GetAttr(_)) = ops.first()
            {
                let mut kept: Vec<Op> = vec![ops[0].clone()];
                kept.extend(
                    ops[1..]
                        .iter()
                        .take_while(|o| !matches!(o, Op::GetAttr(_)))
                        .cloned(),
                );
                kept.push(Op::GetAttr(Identifier::unchecked(attr)));
                found = Some(hclx::traversal(root, kept));
            } else if root == "aws_lambda_alias"
                && let Some(Op::GetAttr(name)) = ops.first()
                && let Some(alias) = cx
                    .resources
                    .iter()
                    .find(|a| a.ty == "aws_lambda_alias" && a.name == name.as_str())
                && let Some(fe) = hclx::attr(&alias.body, "function_name")
            {
                found = function_attr(cx, fe, attr);
            }
        }
    });
    found
}

/// An expression for a function's service name, for a resource that names the function in
/// `key`.
fn function_name_expr(cx: &Cx<'_>, r: &Resource, key: &str, f: &Resource) -> Expression {
    hclx::attr(&r.body, key)
        .and_then(|e| function_attr(cx, e, "function_name"))
        .unwrap_or_else(|| hclx::path(&["aws_lambda_function", f.name.as_str(), "function_name"]))
}

// ---- sub-resources of functions ----------------------------------------------------------------

fn function_url(r: &Resource, cx: &mut Cx<'_>) {
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

fn permission(r: &Resource, cx: &mut Cx<'_>) {
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

fn alias(r: &Resource, cx: &mut Cx<'_>) {
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

fn provisioned(r: &Resource, cx: &mut Cx<'_>) {
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

fn event_invoke_config(r: &Resource, cx: &mut Cx<'_>) {
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

fn layer(r: &Resource, cx: &mut Cx<'_>) {
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

fn event_source_mapping(r: &Resource, cx: &mut Cx<'_>) {
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

fn invocation(r: &Resource, cx: &mut Cx<'_>) {
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

fn dropped(r: &Resource, cx: &mut Cx<'_>) {
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

fn lambda_data(r: &Resource, cx: &mut Cx<'_>) {
    super::generic::unsupported_data(
        r,
        cx,
        format!(
            "data source `{}` reads Lambda, which DigitalOcean does not offer; references to it become `null`",
            r.address()
        ),
        "declare the function in the stack (Ferry maps it), or pass what you need as a variable of the appliance".into(),
    );
}

fn orphan(r: &Resource, cx: &mut Cx<'_>, key: &str) {
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

// ---- archives --------------------------------------------------------------------------------

fn archive_file(r: &Resource, cx: &mut Cx<'_>) {
    let root = format!("data.archive_file.{}", r.name);
    let mut users = Vec::new();
    let mut others = false;
    for o in cx.resources {
        if o.address() == r.address() {
            continue;
        }
        let mentions = body_mentions(&o.body, &root)
            || o.meta
                .depends_on
                .as_ref()
                .is_some_and(|d| expr_mentions(d, &root));
        if !mentions {
            continue;
        }
        if o.ty == "aws_lambda_function" || o.ty == "aws_lambda_layer_version" {
            users.push(o);
        } else {
            others = true;
        }
    }
    let m = cx.module;
    others |= m.outputs.iter().any(|n| body_mentions(&n.body, &root))
        || m.locals.iter().any(|l| expr_mentions(&l.expr, &root))
        || m.module_calls.iter().any(|n| body_mentions(&n.body, &root));
    if users.is_empty() || others {
        // Not (only) a function's archive: kept as written, like any non-AWS data source.
        cx.emit_as(
            r,
            r.mode,
            &r.ty,
            &r.name,
            crate::pipeline::body_from_hcl(&r.body),
        );
        if let Some(rec) = cx.st.outcomes.get_mut(r.address()) {
            rec.outcome = Outcome::Kept;
        }
        return;
    }
    let note = "the archive of a function's sources: the controller builds the function from the same sources";
    cx.st.outcomes.insert(
        r.address().to_string(),
        OutcomeRec {
            outcome: Outcome::Absorbed,
            targets: vec![],
            note: Some(format!(
                "{note} (used by {})",
                users
                    .iter()
                    .map(|u| format!("`{}`", u.address()))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        },
    );
}

fn body_mentions(body: &Body, root: &str) -> bool {
    body.iter().any(|s| match s {
        hcl::Structure::Attribute(a) => expr_mentions(a.expr(), root),
        hcl::Structure::Block(b) => body_mentions(&b.body, root),
    })
}

fn expr_mentions(e: &Expression, root: &str) -> bool {
    let mut hit = false;
    hclx::walk(e, &mut |x| {
        if let Some(("data", [Op::GetAttr(t), Op::GetAttr(n), ..])) = hclx::traversal_root(x) {
            hit |= format!("data.{}.{}", t.as_str(), n.as_str()) == root;
        }
    });
    hit
}

// ---- schedules ---------------------------------------------------------------------------------

/// Is this event rule a schedule whose targets are all functions of the stack?
fn schedule_targets<'a>(cx: &Cx<'a>, rule: &Resource) -> Option<Vec<&'a Resource>> {
    hclx::attr(&rule.body, "schedule_expression")?;
    let targets: Vec<&Resource> = cx
        .origin_of_type("aws_cloudwatch_event_target")
        .filter(|t| cx.referenced(t, "rule").is_some_and(|x| x == rule))
        .collect();
    let all_functions = !targets.is_empty()
        && targets
            .iter()
            .all(|t| target_function(cx, t, "arn").is_some());
    all_functions.then_some(targets)
}

fn event_rule(r: &Resource, cx: &mut Cx<'_>) {
    // A schedule of ECS tasks: folded into their CronJobs by `rules::ecs`.
    let mut targets = cx
        .origin_of_type("aws_cloudwatch_event_target")
        .filter(|t| cx.referenced(t, "rule").is_some_and(|x| x == r))
        .peekable();
    if targets.peek().is_some() && targets.all(|t| super::ecs::scheduled_task(cx, t).is_some()) {
        return;
    }
    let Some(targets) = schedule_targets(cx, r) else {
        if let Some(family) = catalog::lookup(&r.ty) {
            catalog::apply(family, r, cx);
        }
        return;
    };
    let _ = targets;
    let expr = cx.str(r, "schedule_expression").unwrap_or_default();
    if let Err(why) = schedule_to_cron(&expr) {
        cx.unsupported(
            r,
            Code::UnsupportedValue,
            format!(
                "the schedule `{expr}` of `{}` cannot be written as a Kubernetes cron schedule: {why}",
                r.address()
            ),
            "use a `rate(...)` expression, or a `cron(...)` expression without `L`, `W` or `#` (e.g. run daily and check the date in the function)",
        );
        return;
    }
    // Absorbed into the CronJobs its targets emit (they add themselves to `targets`).
    cx.st.outcomes.insert(
        r.address().to_string(),
        OutcomeRec {
            outcome: Outcome::Absorbed,
            targets: vec![],
            note: Some("the schedule of the CronJobs that invoke its target functions".into()),
        },
    );
    for attr in ["arn", "id", "name"] {
        cx.export(
            r,
            attr,
            Export::Unmapped("the schedule is part of the CronJobs that invoke its targets".into()),
        );
    }
}

fn event_target(r: &Resource, cx: &mut Cx<'_>) {
    if super::ecs::scheduled_task(cx, r).is_some() {
        // Runs an ECS task: folded into its CronJob by `rules::ecs`.
        return;
    }
    let rule = cx.referenced(r, "rule");
    let schedule = rule.and_then(|x| schedule_targets(cx, x).map(|_| x));
    let (Some(rule), Some(f)) = (schedule, target_function(cx, r, "arn")) else {
        if let Some(family) = catalog::lookup(&r.ty) {
            catalog::apply(family, r, cx);
        }
        return;
    };
    let expr = hclx::attr(&rule.body, "schedule_expression")
        .and_then(|e| cx.eval.string(e))
        .unwrap_or_default();
    let Ok(cron) = schedule_to_cron(&expr) else {
        // The rule carries the error.
        cx.st.outcomes.insert(
            r.address().to_string(),
            OutcomeRec {
                outcome: Outcome::Unsupported,
                targets: vec![],
                note: Some(format!(
                    "the schedule of `{}` cannot be converted (see its error)",
                    rule.address()
                )),
            },
        );
        return;
    };
    // Disabled rules: a suspended CronJob (kept as an expression when not a literal).
    let suspend = suspended(&rule.body);
    if expr != cron.0 {
        cx.diag(
            Diagnostic::new(
                Code::ValueConverted,
                format!(
                    "`{}`: the schedule `{expr}` runs as the cron schedule `{}` (UTC){}",
                    rule.address(),
                    cron.0,
                    cron.1
                ),
            )
            .at(rule.loc_of("schedule_expression"))
            .resource(rule.address()),
        );
    }
    if hclx::attr(&r.body, "input_path").is_some()
        || !hclx::blocks(&r.body, "input_transformer").is_empty()
    {
        cx.diag(
            Diagnostic::new(
                Code::FeatureUnsupported,
                format!(
                    "`{}`: `input_path` and `input_transformer` are not carried over; the function receives the scheduled event",
                    r.address()
                ),
            )
            .at(r.loc.clone())
            .resource(r.address())
            .help("give the target a constant `input`, or read what you need in the function"),
        );
    }
    let input = cx.expr(r, "input").unwrap_or_else(|| {
        s("{\"version\":\"0\",\"source\":\"aws.events\",\"detail-type\":\"Scheduled Event\",\"detail\":{}}")
    });
    if cx.options.functions_strategy == FunctionsStrategy::Functions {
        cx.diag(
            Diagnostic::new(
                Code::FunctionDeployedByController,
                format!(
                    "`{}` runs `{}` on the schedule `{}`: the controller deploys it as a scheduled trigger of the DigitalOcean Function (`triggers` in the `doctl serverless` project)",
                    r.address(),
                    f.address(),
                    cron.0
                ),
            )
            .at(r.loc.clone())
            .resource(r.address())
            .help("scheduled triggers of DigitalOcean Functions are limited (3 per namespace while in preview); compile with `--functions knative` for Kubernetes CronJobs"),
        );
        cx.st.outcomes.insert(
            r.address().to_string(),
            OutcomeRec {
                outcome: Outcome::Mapped,
                targets: vec![],
                note: Some(format!(
                    "a scheduled trigger (`{}`) of the DigitalOcean Function, deployed by the controller",
                    cron.0
                )),
            },
        );
        return;
    }
    if service_of(cx, f).is_none() {
        return orphan(r, cx, "arn");
    }
    let namespace = appliance_namespace(cx);
    let svc = function_name_expr(cx, r, "arn", f);
    let url = hclx::template(format!(
        "http://{}.{}.svc.cluster.local{INVOKE_PATH}",
        hclx::to_template_part(&svc),
        hclx::to_template_part(&namespace)
    ));
    let timeout = cx.num(f, "timeout").unwrap_or(3.0).round() as u64;
    let rule_name = if rule.name == r.name {
        dns_label(&r.name)
    } else {
        dns_label(&format!("{}-{}", rule.name, r.name))
    };

    let mut body = OutBody::new();
    let meta = body.block("metadata");
    meta.set("name", s(&rule_name));
    meta.set("namespace", namespace);
    meta.set(
        "labels",
        obj(vec![("app.kubernetes.io/managed-by", s("ferry"))]),
    );
    let spec = body.block("spec");
    spec.set("schedule", s(&cron.0));
    spec.set("timezone", s("Etc/UTC"));
    spec.set("concurrency_policy", s("Allow"));
    spec.set_opt("suspend", suspend);
    let job = spec.block("job_template");
    job.block("metadata");
    let job_spec = job.block("spec");
    job_spec.set("backoff_limit", Expression::Number(2.into()));
    let pod = job_spec.block("template");
    pod.block("metadata");
    let pod_spec = pod.block("spec");
    pod_spec.set("restart_policy", s("Never"));
    let c = pod_spec.block("container");
    c.set("name", s("invoke"));
    c.set("image", s(CURL_IMAGE));
    c.set("command", Expression::Array(vec![s("sh"), s("-c")]));
    c.set(
        "args",
        Expression::Array(vec![s(&format!(
            "curl -fsS --max-time {} -X POST -H 'Content-Type: application/json' --data \"$EVENT\" \"$FUNCTION_URL\"",
            timeout + 10
        ))]),
    );
    let env = c.block("env");
    env.set("name", s("FUNCTION_URL"));
    env.set("value", url);
    let env = c.block("env");
    env.set("name", s("EVENT"));
    env.set("value", input);
    let addr = cx.emit(r, CRON, body);
    cx.note(
        r,
        format!(
            "a CronJob (`{}`, UTC) that POSTs the event to the function's Knative Service",
            cron.0
        ),
    );
    if let Some(rec) = cx.st.outcomes.get_mut(rule.address())
        && !rec.targets.contains(&addr)
    {
        rec.targets.push(addr);
    }
}

/// An EventBridge schedule expression as a Kubernetes cron schedule (5 fields, UTC), with a
/// remark on what changed; `Err` with the reason when it cannot be expressed.
pub fn schedule_to_cron(expr: &str) -> Result<(String, &'static str), String> {
    let expr = expr.trim();
    if let Some(inner) = expr.strip_prefix("rate(").and_then(|x| x.strip_suffix(')')) {
        let mut parts = inner.split_whitespace();
        let n: u64 = parts
            .next()
            .and_then(|n| n.parse().ok())
            .filter(|n| *n > 0)
            .ok_or_else(|| format!("`{inner}` is not a positive rate"))?;
        let unit = parts.next().unwrap_or_default().trim_end_matches('s');
        let (max, cron): (u64, fn(&str) -> String) = match unit {
            "minute" => (60, |e| format!("{e} * * * *")),
            "hour" => (24, |e| format!("0 {e} * * *")),
            "day" => (31, |e| format!("0 0 {e} * *")),
            other => return Err(format!("unknown rate unit `{other}`")),
        };
        let every = if n == 1 {
            "*".to_string()
        } else {
            format!("*/{n}")
        };
        let remark = if n > 1 && max % n != 0 {
            "; the interval restarts at each hour/day boundary"
        } else {
            ""
        };
        if n >= max {
            return Err(format!(
                "an interval of {n} {unit}s is longer than a cron field can repeat"
            ));
        }
        return Ok((cron(&every), remark));
    }
    let inner = expr
        .strip_prefix("cron(")
        .and_then(|x| x.strip_suffix(')'))
        .ok_or_else(|| "it is neither `rate(...)` nor `cron(...)`".to_string())?;
    let f: Vec<&str> = inner.split_whitespace().collect();
    let [min, hour, dom, month, dow, year] = f.as_slice() else {
        return Err("an EventBridge cron expression has six fields".into());
    };
    if !matches!(*year, "*" | "?") {
        return Err("Kubernetes cron schedules have no year field".into());
    }
    for field in [min, hour, dom, month, dow] {
        // Month and weekday names may contain the letters; the special characters may not.
        let mut rest = field.to_ascii_uppercase();
        for name in NAMES {
            rest = rest.replace(name, "");
        }
        if rest.contains(['L', 'W', '#']) {
            return Err(format!("`{field}` uses `L`, `W` or `#`"));
        }
    }
    let q = |x: &str| {
        if x == "?" {
            "*".to_string()
        } else {
            x.to_string()
        }
    };
    // EventBridge numbers weekdays 1–7 from Sunday; cron 0–6.
    let dow = q(dow);
    let dow_shifted: String = shift_weekdays(&dow)?;
    let remark = if dow_shifted != dow {
        "; weekdays renumbered from 1–7 to 0–6"
    } else {
        ""
    };
    Ok((
        format!("{min} {hour} {} {month} {dow_shifted}", q(dom)),
        remark,
    ))
}

const NAMES: &[&str] = &[
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC", "SUN",
    "MON", "TUE", "WED", "THU", "FRI", "SAT",
];

/// `2-6` (EventBridge, Sunday = 1) → `1-5` (cron, Sunday = 0); names are kept.
fn shift_weekdays(dow: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut num = String::new();
    let flush = |num: &mut String, out: &mut String| -> Result<(), String> {
        if num.is_empty() {
            return Ok(());
        }
        let n: u32 = num
            .parse()
            .map_err(|_| format!("`{num}` is not a weekday"))?;
        if !(1..=7).contains(&n) {
            return Err(format!("weekday `{n}` is outside 1–7"));
        }
        out.push_str(&(n - 1).to_string());
        num.clear();
        Ok(())
    };
    let mut after_slash = false;
    for c in dow.chars() {
        if c.is_ascii_digit() && !after_slash {
            num.push(c);
        } else {
            flush(&mut num, &mut out)?;
            if c == '/' {
                after_slash = true;
            } else if c == ',' {
                after_slash = false;
            }
            out.push(c);
        }
    }
    flush(&mut num, &mut out)?;
    Ok(out)
}

// ---- HTTP APIs ---------------------------------------------------------------------------------

/// One route of an HTTP API to (an instance of) a function.
#[derive(Debug)]
struct Route<'a> {
    /// `None` for the quick-create route of the API itself.
    route: Option<&'a Resource>,
    integration: Option<&'a Resource>,
    key: String,
    function: &'a Resource,
    /// The function's service name: an origin reference the reference pass rewrites.
    svc: Expression,
    /// The instance of a repeated function (`"list"`), empty otherwise.
    instance: String,
    /// The backend's Service port: 80 for a function's Knative Service, the load balancer's
    /// listener port for an ECS service reached through a VPC link.
    port: u16,
    /// A Knative Service (the Ingress sets its host header), not a plain Service.
    knative: bool,
    /// A function of another local module, reached through the Knative Service URL its module
    /// exports (`invoke_arn`): (the expression read, as written; the function's report
    /// address). `function` is then the integration, standing in for it.
    remote: Option<(Expression, String)>,
}

/// The Ingress group of a route: its function (instance), or the expression a function of
/// another module is read through.
fn group_key(rt: &Route<'_>) -> String {
    match &rt.remote {
        Some((e, _)) => hclx::inline(e),
        None => format!("{}{}", rt.function.address(), rt.instance),
    }
}

/// `split(".", split("://", <url>)[1])[i]`: the Knative Service name (0) or namespace (1) of a
/// function's URL, `http://<name>.<namespace>.svc.cluster.local`.
fn url_part(url: &Expression, i: u64) -> Expression {
    format!(
        "split(\".\", split(\"://\", {})[1])[{i}]",
        hclx::inline(url)
    )
    .parse()
    .unwrap_or(Expression::Null)
}

/// A route whose integration reaches, through a module input, a function of another local
/// module (`Facts::functions`): (the expression, the function's address).
fn remote_function(cx: &Cx<'_>, integration: &Resource, key: &str) -> Option<(Expression, String)> {
    let e = hclx::attr(&integration.body, key)?;
    let f = cx.xmod.functions.get(&hclx::inline(e))?;
    Some((e.clone(), f.clone()))
}

/// The index (`["k"]`, `[0]`) with which `e` refers to the resource `target`.
fn ref_index(e: &Expression, target: &Resource) -> Option<Expression> {
    let mut found = None;
    hclx::walk(e, &mut |x| {
        if found.is_none()
            && let Some((root, [Op::GetAttr(n), Op::Index(i), ..])) = hclx::traversal_root(x)
            && root == target.ty
            && n.as_str() == target.name
        {
            found = Some(i.clone());
        }
    });
    found
}

/// The function a route's integration reaches, with its service name and instance.
fn route_function<'a>(
    cx: &Cx<'a>,
    route_target: Option<&Expression>,
    integration: &'a Resource,
    uri_key: &str,
) -> Option<(&'a Resource, Expression, String)> {
    let f = target_function(cx, integration, uri_key)?;
    let uri = hclx::attr(&integration.body, uri_key)?;
    if let Some(svc) = function_attr(cx, uri, "function_name") {
        let instance = ref_index(uri, f)
            .map(|i| hclx::inline(&i))
            .unwrap_or_default();
        if f.meta.is_repeated() && instance.is_empty() {
            return None;
        }
        return Some((f, svc, instance));
    }
    // `for_each = aws_lambda_function.x` with `integration_uri = each.value.invoke_arn`: the
    // route names the integration's instance, which is the function's.
    let over_function = integration
        .meta
        .for_each
        .as_ref()
        .and_then(|fe| cx.resolve_ref(fe))
        .is_some_and(|x| x == f);
    let index = route_target.and_then(|t| ref_index(t, integration))?;
    if !over_function {
        return None;
    }
    let svc = hclx::traversal(
        "aws_lambda_function",
        vec![
            Op::GetAttr(Identifier::unchecked(f.name.as_str())),
            Op::Index(index.clone()),
            Op::GetAttr(Identifier::unchecked("function_name")),
        ],
    );
    Some((f, svc, hclx::inline(&index)))
}

/// An `HTTP_PROXY` integration to an ALB/NLB listener (usually through a VPC link) whose target
/// group an `aws_ecs_service` of the stack registers with: the ECS service (which becomes a
/// Deployment and a Service of the same name), its Service name as an origin reference the
/// reference pass rewrites, and the listener's port (the Service's port).
fn route_service<'a>(
    cx: &Cx<'a>,
    integration: &Resource,
) -> Option<(&'a Resource, Expression, u16)> {
    let ty = hclx::attr(&integration.body, "integration_type").and_then(|e| cx.eval.string(e));
    if ty.as_deref() != Some("HTTP_PROXY") {
        return None;
    }
    let listener = cx
        .referenced(integration, "integration_uri")
        .filter(|l| super::lb::LISTENER_TYPES.contains(&l.ty.as_str()))?;
    let tg = hclx::blocks(&listener.body, "default_action")
        .iter()
        .find_map(|a| hclx::attr(a, "target_group_arn").and_then(|e| cx.resolve_ref(e)))?;
    let service = cx
        .origin_of_type("aws_ecs_service")
        .filter(|svc| !svc.meta.is_repeated())
        .find(|svc| {
            hclx::blocks(&svc.body, "load_balancer").iter().any(|lb| {
                hclx::attr(lb, "target_group_arn")
                    .and_then(|e| cx.resolve_ref(e))
                    .is_some_and(|t| t == tg)
            })
        })?;
    let port = hclx::attr(&listener.body, "port")
        .and_then(|e| cx.eval.number(e))
        .filter(|p| (1.0..=65535.0).contains(p))
        .map(|p| p as u16)
        .unwrap_or(80);
    let svc = hclx::traversal(
        "aws_ecs_service",
        vec![
            Op::GetAttr(Identifier::unchecked(service.name.as_str())),
            Op::GetAttr(Identifier::unchecked("name")),
        ],
    );
    Some((service, svc, port))
}

fn http_api(r: &Resource, cx: &mut Cx<'_>) {
    let protocol = cx.str(r, "protocol_type").unwrap_or_else(|| "HTTP".into());
    let alternative = "route HTTP with a Kubernetes Ingress on DOKS to the functions (Ferry does this for HTTP APIs whose routes reach Lambda functions of the stack), App Platform routes, or a DigitalOcean load balancer";
    if protocol != "HTTP" {
        cx.unsupported(
            r,
            Code::UnsupportedService,
            format!("`{}` is a {protocol} API; DigitalOcean has no managed WebSocket APIs", r.address()),
            "run the WebSocket server as a Kubernetes Deployment behind an Ingress (NGINX Ingress proxies WebSockets); then remove the API from the origin stack",
        );
        return;
    }
    if no_router_with_functions(r, cx) {
        return;
    }
    // Routes that reach functions.
    let mut routes: Vec<Route<'_>> = Vec::new();
    for route in cx.referencing("aws_apigatewayv2_route", "api_id", r) {
        let Some(key) = cx.str(route, "route_key") else {
            continue;
        };
        let Some(integration) = cx
            .referenced(route, "target")
            .filter(|i| i.ty == "aws_apigatewayv2_integration")
        else {
            continue;
        };
        if let Some((function, svc, instance)) = route_function(
            cx,
            hclx::attr(&route.body, "target"),
            integration,
            "integration_uri",
        ) {
            routes.push(Route {
                route: Some(route),
                integration: Some(integration),
                key,
                function,
                svc,
                instance,
                port: 80,
                knative: true,
                remote: None,
            });
        } else if let Some((service, svc, port)) = route_service(cx, integration) {
            routes.push(Route {
                route: Some(route),
                integration: Some(integration),
                key,
                function: service,
                svc,
                instance: String::new(),
                port,
                knative: false,
                remote: None,
            });
        } else if let Some((e, addr)) = remote_function(cx, integration, "integration_uri") {
            routes.push(Route {
                route: Some(route),
                integration: Some(integration),
                key,
                function: integration,
                svc: url_part(&e, 0),
                instance: String::new(),
                port: 80,
                knative: true,
                remote: Some((e, addr)),
            });
        }
    }
    // Quick create: `target` on the API is a `$default` route to a function.
    let quick = hclx::attr(&r.body, "target").is_some();
    if let Some(f) = target_function(cx, r, "target").filter(|f| !f.meta.is_repeated()) {
        routes.push(Route {
            route: None,
            integration: None,
            key: cx.str(r, "route_key").unwrap_or_else(|| "$default".into()),
            function: f,
            svc: function_name_expr(cx, r, "target", f),
            instance: String::new(),
            port: 80,
            knative: true,
            remote: None,
        });
    }
    if routes.is_empty() {
        let why = if quick {
            "its quick-create target is not a Lambda function of the stack"
        } else {
            "none of its routes reaches a Lambda function of the stack or, through a load balancer, an ECS service of it"
        };
        cx.unsupported(
            r,
            Code::UnsupportedService,
            format!(
                "`{}` uses API Gateway, which DigitalOcean does not offer, and {why}",
                r.address()
            ),
            format!(
                "{alternative}; then remove `{}` from the origin stack",
                r.address()
            ),
        );
        return;
    }
    api_prelude(r, cx);

    // Stages: path prefixes; throttling of the first stage.
    let stages: Vec<&Resource> = cx.referencing("aws_apigatewayv2_stage", "api_id", r);
    let mut prefixes: Vec<String> = stages
        .iter()
        .filter_map(|st| cx.str(st, "name"))
        .map(|n| {
            if n == "$default" {
                String::new()
            } else {
                format!("/{n}")
            }
        })
        .collect();
    prefixes.sort();
    prefixes.dedup();
    if prefixes.is_empty() {
        prefixes.push(String::new());
    }
    let annotations = api_annotations(r, cx, stages.first().copied());

    let Some(first) = api_ingresses(r, cx, &routes, prefixes, annotations) else {
        return;
    };
    let endpoint = "\"http://${$T.status[0].load_balancer[0].ingress[0].ip}\"";
    cx.export(
        r,
        "api_endpoint",
        Export::Tmpl {
            target: first.clone(),
            tmpl: endpoint.into(),
        },
    );
    for attr in ["execution_arn", "arn"] {
        cx.export(
            r,
            attr,
            Export::Unmapped("an Ingress has no ARN; permissions are not carried over".into()),
        );
    }
    cx.export(
        r,
        "id",
        Export::Unmapped("the API became Ingress rules, which have no API id".into()),
    );
}

// ---- REST APIs (API Gateway v1) ---------------------------------------------------------------

/// The path of a REST API resource (`aws_api_gateway_resource` chain up to the API's
/// `root_resource_id`), e.g. `/certificates/{certificateId}`; `None` when a part is not known
/// at compile time or the chain leaves the API.
fn rest_resource_path(cx: &Cx<'_>, api: &Resource, res: &Resource) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    let mut cur = res;
    // API Gateway allows deep trees, but a chain longer than this is a reference loop.
    for _ in 0..64 {
        if cur == api {
            parts.reverse();
            return Some(format!("/{}", parts.join("/")));
        }
        if cur.ty != "aws_api_gateway_resource" || cur.meta.is_repeated() {
            return None;
        }
        let part = hclx::attr(&cur.body, "path_part").and_then(|e| cx.eval.string(e))?;
        parts.push(part);
        cur = cx.referenced(cur, "parent_id")?;
    }
    None
}

/// A REST API integration's resource (through `aws_api_gateway_method.x.resource_id` too): the
/// API itself for its root resource.
fn rest_integration_resource<'a>(cx: &Cx<'a>, i: &'a Resource) -> Option<&'a Resource> {
    let res = cx.referenced(i, "resource_id")?;
    if res.ty == "aws_api_gateway_method" {
        return cx.referenced(res, "resource_id");
    }
    Some(res)
}

/// The method resource of a REST API integration (its `http_method` reference, else the method
/// of the same resource and verb).
fn rest_method<'a>(
    cx: &Cx<'a>,
    i: &'a Resource,
    res: &'a Resource,
    verb: Option<&str>,
) -> Option<&'a Resource> {
    if let Some(m) = cx
        .referenced(i, "http_method")
        .filter(|m| m.ty == "aws_api_gateway_method")
    {
        return Some(m);
    }
    let verb = verb?;
    cx.origin_of_type("aws_api_gateway_method").find(|m| {
        cx.referenced(m, "resource_id").is_some_and(|x| x == res)
            && hclx::attr(&m.body, "http_method")
                .and_then(|e| cx.eval.string(e))
                .is_some_and(|v| v == verb)
    })
}

/// The verb of a REST API integration: its own `http_method`, else its method's.
fn rest_verb(cx: &Cx<'_>, i: &Resource, method: Option<&Resource>) -> Option<String> {
    hclx::attr(&i.body, "http_method")
        .and_then(|e| cx.eval.string(e))
        .or_else(|| {
            method.and_then(|m| hclx::attr(&m.body, "http_method").and_then(|e| cx.eval.string(e)))
        })
}

/// A stage's `access_log_settings`: the NGINX Ingress Controller writes the access logs now,
/// not CloudWatch.
fn access_logs_note(r: &Resource, cx: &mut Cx<'_>) {
    if hclx::blocks(&r.body, "access_log_settings").is_empty() {
        return;
    }
    cx.diag(
        Diagnostic::new(
            Code::FeatureUnsupported,
            format!(
                "`{}`: access logs are written by the NGINX Ingress Controller, not to CloudWatch",
                r.address()
            ),
        )
        .at(r.loc_of("access_log_settings"))
        .resource(r.address())
        .help("read the controller's logs (Ferry's controller forwards cluster logs to the appliance's sinks)"),
    );
}
/// With `--functions functions` an API has nothing to route to (each DigitalOcean Function has
/// its own URL): the API is unsupported, with what to do instead. True when that was said.
fn no_router_with_functions(r: &Resource, cx: &mut Cx<'_>) -> bool {
    if cx.options.functions_strategy != FunctionsStrategy::Functions {
        return false;
    }
    cx.unsupported(
        r,
        Code::UnsupportedService,
        format!(
            "`{}` routes to functions; with DigitalOcean Functions each web function has its own URL and there is no API router",
            r.address()
        ),
        "call the functions' web URLs directly, route a domain to them with App Platform, or compile with `--functions knative` to get an Ingress",
    );
    true
}

/// REST API → the same Ingress rules as an HTTP API: every `AWS_PROXY` integration to a
/// function of the stack is a route `VERB /path` (the path from the resource tree), each stage
/// (`aws_api_gateway_stage`, or a deployment's `stage_name`) a path prefix, as the stage is in
/// a REST API's invoke URL. The CORS answers of `OPTIONS` methods with `MOCK` integrations
/// become NGINX CORS annotations.
fn rest_api(r: &Resource, cx: &mut Cx<'_>) {
    if no_router_with_functions(r, cx) {
        return;
    }
    let mut routes: Vec<Route<'_>> = Vec::new();
    for i in cx.referencing("aws_api_gateway_integration", "rest_api_id", r) {
        if hclx::attr(&i.body, "type")
            .and_then(|e| cx.eval.string(e))
            .as_deref()
            != Some("AWS_PROXY")
            || i.meta.is_repeated()
        {
            continue;
        }
        let Some(res) = rest_integration_resource(cx, i) else {
            continue;
        };
        let Some(path) = rest_resource_path(cx, r, res) else {
            continue;
        };
        let literal_verb = hclx::attr(&i.body, "http_method").and_then(|e| cx.eval.string(e));
        let method = rest_method(cx, i, res, literal_verb.as_deref());
        let Some(verb) = rest_verb(cx, i, method) else {
            continue;
        };
        let key = format!("{verb} {path}");
        if let Some((function, svc, instance)) = route_function(cx, None, i, "uri") {
            routes.push(Route {
                route: method,
                integration: Some(i),
                key,
                function,
                svc,
                instance,
                port: 80,
                knative: true,
                remote: None,
            });
        } else if let Some((e, addr)) = remote_function(cx, i, "uri") {
            routes.push(Route {
                route: method,
                integration: Some(i),
                key,
                function: i,
                svc: url_part(&e, 0),
                instance: String::new(),
                port: 80,
                knative: true,
                remote: Some((e, addr)),
            });
        }
    }
    if routes.is_empty() {
        let why = if hclx::attr(&r.body, "body").is_some() {
            "its routes are an OpenAPI `body`, which Ferry does not read"
        } else {
            "none of its methods has an `AWS_PROXY` integration to a Lambda function of the stack"
        };
        cx.unsupported(
            r,
            Code::UnsupportedService,
            format!(
                "`{}` uses API Gateway, which DigitalOcean does not offer, and {why}",
                r.address()
            ),
            format!(
                "route HTTP with a Kubernetes Ingress on DOKS to the backends (Ferry does this for REST APIs whose methods reach Lambda functions of the stack through `AWS_PROXY` integrations), App Platform routes, or a DigitalOcean load balancer; then remove `{}` from the origin stack",
                r.address()
            ),
        );
        return;
    }
    api_prelude(r, cx);
    let mut prefixes: Vec<String> = rest_stages(cx, r)
        .into_iter()
        .map(|(_, n)| format!("/{n}"))
        .collect();
    prefixes.sort();
    prefixes.dedup();
    if prefixes.is_empty() {
        prefixes.push(String::new());
    }
    let annotations = rest_cors(cx, r);
    let Some(first) = api_ingresses(r, cx, &routes, prefixes, annotations) else {
        return;
    };
    for attr in ["execution_arn", "arn"] {
        cx.export(
            r,
            attr,
            Export::Unmapped("an Ingress has no ARN; permissions are not carried over".into()),
        );
    }
    for attr in ["id", "root_resource_id"] {
        cx.export(
            r,
            attr,
            Export::Unmapped("the API became Ingress rules, which have no API id".into()),
        );
    }
    let _ = first;
}

/// The stages of a REST API: `aws_api_gateway_stage.stage_name`, and a deployment's own
/// `stage_name` (the provider's older form), with the resource that names each.
fn rest_stages<'a>(cx: &Cx<'a>, api: &Resource) -> Vec<(&'a Resource, String)> {
    let mut out = Vec::new();
    for ty in ["aws_api_gateway_stage", "aws_api_gateway_deployment"] {
        for st in cx.referencing(ty, "rest_api_id", api) {
            if let Some(n) = hclx::attr(&st.body, "stage_name").and_then(|e| cx.eval.string(e))
                && !n.is_empty()
            {
                out.push((st, n));
            }
        }
    }
    out
}

/// The CORS answers of a REST API's `OPTIONS` methods (`MOCK` integrations whose integration
/// responses set `Access-Control-Allow-*` headers) as NGINX CORS annotations: NGINX answers
/// the preflight itself, as API Gateway did. The origin and headers of the first response
/// that names them; the methods of all.
fn rest_cors(cx: &Cx<'_>, api: &Resource) -> Vec<(String, Expression)> {
    let mut origin: Option<String> = None;
    let mut headers: Option<String> = None;
    let mut methods: Vec<String> = Vec::new();
    for ir in cx.referencing("aws_api_gateway_integration_response", "rest_api_id", api) {
        let Some(Expression::Object(params)) = hclx::attr(&ir.body, "response_parameters") else {
            continue;
        };
        for (k, v) in params {
            let key = match k {
                ObjectKey::Identifier(i) => i.to_string(),
                ObjectKey::Expression(e) => cx.eval.string(e).unwrap_or_default(),
                _ => continue,
            };
            let Some(value) = cx.eval.string(v) else {
                continue;
            };
            // Header values of integration responses are quoted literals: `'*'`.
            let value = value.trim_matches('\'').to_string();
            match key.as_str() {
                "method.response.header.Access-Control-Allow-Origin" => {
                    origin.get_or_insert(value);
                }
                "method.response.header.Access-Control-Allow-Headers" => {
                    headers.get_or_insert(value);
                }
                "method.response.header.Access-Control-Allow-Methods" => {
                    for m in value.split(',').map(str::trim).filter(|m| !m.is_empty()) {
                        if !methods.iter().any(|x| x == m) {
                            methods.push(m.to_string());
                        }
                    }
                }
                _ => {}
            }
        }
    }
    let Some(origin) = origin else {
        return Vec::new();
    };
    let mut out = vec![
        (
            "nginx.ingress.kubernetes.io/enable-cors".to_string(),
            s("true"),
        ),
        (
            "nginx.ingress.kubernetes.io/cors-allow-origin".to_string(),
            s(&origin),
        ),
    ];
    if !methods.is_empty() {
        out.push((
            "nginx.ingress.kubernetes.io/cors-allow-methods".to_string(),
            s(&methods.join(", ")),
        ));
    }
    if let Some(h) = headers {
        out.push((
            "nginx.ingress.kubernetes.io/cors-allow-headers".to_string(),
            s(&h),
        ));
    }
    out
}

/// Resources, methods, integrations, responses, deployments, stages and authorizers of a REST
/// API: folded into its Ingress when the API became one, else what the catalog says.
fn rest_part(r: &Resource, cx: &mut Cx<'_>) {
    if cx.st.outcomes.contains_key(r.address()) {
        return;
    }
    let api = cx
        .referenced(r, "rest_api_id")
        .filter(|a| a.ty == "aws_api_gateway_rest_api");
    let first: Option<String> = match api {
        Some(a) => cx
            .st
            .outcomes
            .get(a.address())
            .filter(|o| o.outcome == Outcome::Mapped)
            .and_then(|o| o.targets.first().cloned()),
        // The account's CloudWatch role: folded into the module's first mapped REST API.
        None if r.ty == "aws_api_gateway_account" => cx
            .origin_of_type("aws_api_gateway_rest_api")
            .filter_map(|a| cx.st.outcomes.get(a.address()))
            .find(|o| o.outcome == Outcome::Mapped)
            .and_then(|o| o.targets.first().cloned()),
        None => None,
    };
    let Some(first) = first else {
        if let Some(family) = catalog::lookup(&r.ty) {
            catalog::apply(family, r, cx);
        }
        return;
    };
    let api = api.unwrap_or(r);
    let cors = !rest_cors(cx, api).is_empty();
    let verb = |cx: &Cx<'_>, x: &Resource| {
        hclx::attr(&x.body, "http_method")
            .and_then(|e| cx.eval.string(e))
            .or_else(|| {
                cx.referenced(x, "http_method")
                    .and_then(|m| hclx::attr(&m.body, "http_method"))
                    .and_then(|e| cx.eval.string(e))
            })
            .unwrap_or_default()
    };
    match r.ty.as_str() {
        "aws_api_gateway_integration" | "aws_api_gateway_method" => {
            let v = verb(cx, r);
            if v == "OPTIONS" && cors {
                cx.absorb(
                    r,
                    &first,
                    "a CORS preflight: NGINX answers it (the Ingress's CORS annotations)",
                );
                return;
            }
            let what = if r.ty == "aws_api_gateway_method" {
                format!("`{}` (`{v}`) has no `AWS_PROXY` integration", r.address())
            } else {
                let ty = hclx::attr(&r.body, "type")
                    .and_then(|e| cx.eval.string(e))
                    .unwrap_or_default();
                format!("`{}` (an integration of type `{ty}`)", r.address())
            };
            cx.unsupported(
                r,
                Code::UnsupportedService,
                format!("{what} to a Lambda function of the stack; it is not carried over"),
                "run the backend in the appliance (a Kubernetes Deployment) and add an Ingress rule for it, or answer the request in a function",
            );
        }
        "aws_api_gateway_method_response" | "aws_api_gateway_integration_response" => {
            let v = verb(cx, r);
            let note = if v == "OPTIONS" && cors {
                "a CORS preflight answer: NGINX sends these headers (the Ingress's CORS annotations)"
            } else {
                "the function's proxy response is returned as it is"
            };
            cx.absorb(r, &first, note);
        }
        "aws_api_gateway_resource" => {
            let path = rest_resource_path(cx, api, r).unwrap_or_default();
            cx.absorb(r, &first, format!("the path `{path}` of the Ingress rules"));
        }
        "aws_api_gateway_stage" | "aws_api_gateway_deployment" => {
            access_logs_note(r, cx);
            let stage = hclx::attr(&r.body, "stage_name")
                .and_then(|e| cx.eval.string(e))
                .filter(|n| !n.is_empty());
            let (note, url) = match &stage {
                Some(n) => (
                    format!("the stage `{n}`: Ingress paths start with `/{n}`"),
                    format!("\"http://${{$T.status[0].load_balancer[0].ingress[0].ip}}/{n}\""),
                ),
                None => (
                    "applied with the stack".to_string(),
                    "\"http://${$T.status[0].load_balancer[0].ingress[0].ip}\"".to_string(),
                ),
            };
            cx.absorb(r, &first, note);
            cx.export(
                r,
                "invoke_url",
                Export::Tmpl {
                    target: first,
                    tmpl: url,
                },
            );
            cx.export(
                r,
                "execution_arn",
                Export::Unmapped("an Ingress has no ARN; permissions are not carried over".into()),
            );
        }
        "aws_api_gateway_authorizer" => {
            cx.absorb(
                r,
                &first,
                "not carried over: the methods it protected are public (see the F385 warnings)",
            );
        }
        "aws_api_gateway_account" => {
            cx.absorb(
                r,
                &first,
                "the CloudWatch role of API Gateway: request logs are the NGINX Ingress Controller's",
            );
        }
        _ => cx.absorb(r, &first, "applied with the stack"),
    }
}

/// What every API that becomes Ingress rules needs: the NGINX Ingress Controller (F380), a
/// cluster, and a warning when several APIs now share one address.
fn api_prelude(r: &Resource, cx: &mut Cx<'_>) {
    addon_note(
        cx,
        r,
        "The NGINX Ingress Controller must run on the appliance's cluster: API routes become Ingress rules of the class `nginx`, reached through the DigitalOcean load balancer of the controller's Service",
        "install the NGINX Ingress Controller (e.g. the DigitalOcean Marketplace 1-Click or its Helm chart) on the cluster",
    );
    no_cluster_warning(cx, r);
    let earlier: Vec<String> = cx
        .origin_of_type("aws_apigatewayv2_api")
        .chain(cx.origin_of_type("aws_api_gateway_rest_api"))
        .filter(|a| {
            a != &r
                && cx
                    .st
                    .outcomes
                    .get(a.address())
                    .is_some_and(|o| o.outcome == Outcome::Mapped)
        })
        .map(|a| format!("`{}`", a.address()))
        .collect();
    if !earlier.is_empty() {
        cx.diag(
            Diagnostic::new(
                Code::FeatureUnsupported,
                format!(
                    "`{}` and {} become Ingress rules behind one address (the NGINX Ingress Controller's load balancer): API Gateway gave each API its own endpoint, and overlapping paths now meet",
                    r.address(),
                    earlier.join(", ")
                ),
            )
            .at(r.loc.clone())
            .resource(r.address())
            .help("give each API its own host name (a custom domain on the API, set as the `host` of its Ingress rules) or distinct path prefixes"),
        );
    }
}

/// The Ingress rules of an API (HTTP API or REST API) whose routes reach functions or ECS
/// services: one `kubernetes_ingress_v1` per backend, each route's path under every stage
/// prefix; routes and integrations are folded into their Ingress. Returns the first Ingress.
fn api_ingresses(
    r: &Resource,
    cx: &mut Cx<'_>,
    routes: &[Route<'_>],
    prefixes: Vec<String>,
    annotations: Vec<(String, Expression)>,
) -> Option<String> {
    // The appliance namespace of this module, unless every backend is a function of another
    // module (whose Ingress goes to that function's namespace).
    let namespace = if routes.iter().any(|rt| rt.remote.is_none()) {
        appliance_namespace(cx)
    } else {
        Expression::Null
    };
    // Group paths by function instance; the first route wins a path.
    let mut groups: Vec<Group> = Vec::new();
    // (path and type, group, route key): an Exact and a Prefix rule for one path coexist (the
    // exact one wins for the path itself, as API Gateway's literal route does).
    let mut taken: Vec<(String, String, String)> = Vec::new();
    // Routes whose every path went to another function: (route, the winning group, its key).
    let mut lost: Vec<(usize, String, String)> = Vec::new();
    for (i, rt) in routes.iter().enumerate() {
        let group_key = group_key(rt);
        let path = rt
            .key
            .split_whitespace()
            .last()
            .unwrap_or("$default")
            .to_string();
        let (p, kind) = ingress_path(&path);
        let mut placed = false;
        let mut winner = None;
        for prefix in &prefixes {
            let full = if p == "/" && !prefix.is_empty() {
                prefix.clone()
            } else {
                format!("{prefix}{p}")
            };
            let kind = if p == "/" { "Prefix" } else { kind };
            let slot = format!("{kind} {full}");
            if let Some((_, other, other_key)) = taken.iter().find(|(tp, _, _)| *tp == slot) {
                if *other != group_key {
                    let loc = rt
                        .route
                        .map(|x| x.loc_of("route_key"))
                        .unwrap_or(r.loc.clone());
                    cx.diag(
                        Diagnostic::new(
                            Code::FeatureUnsupported,
                            format!(
                                "`{}` and `{other_key}` of `{}` share the path `{full}` but reach different functions; an Ingress routes by path only, so `{full}` goes to the function of `{other_key}`",
                                rt.key,
                                r.address()
                            ),
                        )
                        .at(loc)
                        .resource(r.address())
                        .help("give the functions distinct paths, or dispatch on the method in one function"),
                    );
                    winner.get_or_insert((other.clone(), other_key.clone()));
                } else {
                    placed = true;
                }
                continue;
            }
            placed = true;
            taken.push((slot, group_key.clone(), rt.key.clone()));
            match groups.iter_mut().find(|g| g.key == group_key) {
                Some(g) => g.paths.push((full, kind)),
                None => groups.push(Group {
                    key: group_key.clone(),
                    route: i,
                    paths: vec![(full, kind)],
                }),
            }
        }
        if let (false, Some((g, k))) = (placed, winner) {
            lost.push((i, g, k));
        }
    }
    // Methods and path parameters are widened; say so once per API.
    let widened: Vec<&str> = routes
        .iter()
        .map(|rt| rt.key.as_str())
        .filter(|k| {
            let mut parts = k.split_whitespace();
            let method = parts.next().unwrap_or_default();
            let path = parts.next().unwrap_or_default();
            (method != "ANY" && method != "$default") || path.contains('{')
        })
        .collect();
    if !widened.is_empty() {
        cx.diag(
            Diagnostic::new(
                Code::FeatureUnsupported,
                format!(
                    "`{}`: Ingress rules match paths only: {} reach their function with any method, and routes with a path parameter with any path below it",
                    r.address(),
                    widened.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
                ),
            )
            .at(r.loc.clone())
            .resource(r.address())
            .help("check the method and path in the function (API Gateway passes both in the event, and so does Ferry's adapter)"),
        );
    }

    // A Prefix rule covers the Exact rule of the same path to the same function.
    for g in &mut groups {
        let prefixes: Vec<String> = g
            .paths
            .iter()
            .filter(|(_, k)| *k == "Prefix")
            .map(|(p, _)| p.clone())
            .collect();
        g.paths
            .retain(|(p, k)| *k == "Prefix" || !prefixes.contains(p));
    }
    let mut emitted: Vec<(String, String)> = Vec::new(); // (group key, address)
    for g in &groups {
        let rt = &routes[g.route];
        let suffix = if rt.instance.is_empty() {
            String::new()
        } else {
            format!("_{}", rt.instance.trim_matches('"'))
        };
        // A function of another module: named after the expression it is read through (one
        // module may be called several times, its function having one name).
        let backend = match &rt.remote {
            Some((e, _)) => hclx::inline(e)
                .rsplit('.')
                .next()
                .unwrap_or_default()
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect(),
            None => rt.function.name.clone(),
        };
        let tf_name = format!("{}_{backend}{suffix}", r.name);
        // An Ingress routes to Services of its own namespace: the function's module's.
        let namespace = match &rt.remote {
            Some((e, _)) => url_part(e, 1),
            None => namespace.clone(),
        };
        let mut body = OutBody::new();
        let meta = body.block("metadata");
        meta.set("name", s(&dns_label(&tf_name)));
        meta.set("namespace", namespace.clone());
        let mut ann = annotations.clone();
        if rt.knative {
            ann.insert(
                0,
                (
                    "nginx.ingress.kubernetes.io/upstream-vhost".into(),
                    hclx::template(format!(
                        "{}.{}.svc.cluster.local",
                        hclx::to_template_part(&rt.svc),
                        hclx::to_template_part(&namespace)
                    )),
                ),
            );
        }
        if !ann.is_empty() {
            meta.set(
                "annotations",
                obj(ann.iter().map(|(k, v)| (k.as_str(), v.clone())).collect()),
            );
        }
        let spec = body.block("spec");
        spec.set("ingress_class_name", s("nginx"));
        let http = spec.block("rule").block("http");
        for (p, kind) in &g.paths {
            let path = http.block("path");
            path.set("path", s(p));
            path.set("path_type", s(kind));
            let service = path.block("backend").block("service");
            service.set("name", rt.svc.clone());
            service
                .block("port")
                .set("number", Expression::Number(rt.port.into()));
        }
        body.set("wait_for_load_balancer", Expression::Bool(true));
        let addr = cx.emit_as(r, Mode::Managed, INGRESS, &tf_name, body);
        emitted.push((g.key.clone(), addr));
    }
    let first = emitted.first().map(|(_, a)| a.clone())?;
    // Routes and integrations are folded into the Ingress of their function (a route that lost
    // its path to another function's route, into that one's).
    for (i, rt) in routes.iter().enumerate() {
        let own = group_key(rt);
        let lost_to = lost.iter().find(|(l, _, _)| *l == i);
        let key = lost_to.map(|(_, g, _)| g.clone()).unwrap_or(own);
        let Some(into) = emitted
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, a)| a.clone())
        else {
            continue;
        };
        if let Some(route) = rt.route {
            route_auth(route, cx, &rt.key);
            let note = match lost_to {
                Some((_, _, other)) => format!(
                    "its path is also `{other}`'s; the Ingress sends it to that route's function"
                ),
                None => format!("the path of `{}` in the Ingress", rt.key),
            };
            cx.absorb(route, &into, note);
        }
        if let Some(i) = rt.integration
            && !cx.st.outcomes.contains_key(i.address())
        {
            let note = if lost_to.is_some() {
                "its route's path goes to another function (see the F305 warning)"
            } else if rt.knative {
                "the Ingress backend: the function's Knative Service"
            } else {
                "the Ingress backend: the Kubernetes Service of the ECS service behind the load balancer"
            };
            cx.absorb(i, &into, note);
            // The VPC link the integration went through: the Ingress controller reaches the
            // Service inside the cluster.
            if let Some(link) = cx
                .referenced(i, "connection_id")
                .filter(|l| l.ty == "aws_apigatewayv2_vpc_link")
                && !cx.st.outcomes.contains_key(link.address())
            {
                cx.absorb(
                    link,
                    &into,
                    "the Ingress controller reaches the Service inside the cluster; no VPC link is needed",
                );
            }
        }
    }
    cx.note(
        r,
        "Ingress rules (class `nginx`) in the appliance namespace, one per function, reached through the NGINX Ingress Controller's load balancer",
    );
    Some(first)
}

/// NGINX annotations for the API's CORS configuration and the stage's throttling.
fn api_annotations(
    r: &Resource,
    cx: &mut Cx<'_>,
    stage: Option<&Resource>,
) -> Vec<(String, Expression)> {
    let mut annotations: Vec<(String, Expression)> = Vec::new();
    if let Some(st) = stage
        && let Some(settings) = hclx::blocks(&st.body, "default_route_settings").first()
        && let Some(rate) =
            hclx::attr(settings, "throttling_rate_limit").and_then(|e| cx.eval.number(e))
        && rate >= 1.0
    {
        annotations.push((
            "nginx.ingress.kubernetes.io/limit-rps".into(),
            s(&format!("{}", rate.round() as u64)),
        ));
        if let Some(burst) =
            hclx::attr(settings, "throttling_burst_limit").and_then(|e| cx.eval.number(e))
        {
            annotations.push((
                "nginx.ingress.kubernetes.io/limit-burst-multiplier".into(),
                s(&format!("{}", ((burst / rate).ceil() as u64).max(1))),
            ));
        }
    }
    if let Some(cors) = hclx::blocks(&r.body, "cors_configuration").first() {
        annotations.push(("nginx.ingress.kubernetes.io/enable-cors".into(), s("true")));
        for (k, a) in [
            ("allow_origins", "cors-allow-origin"),
            ("allow_methods", "cors-allow-methods"),
            ("allow_headers", "cors-allow-headers"),
            ("expose_headers", "cors-expose-headers"),
        ] {
            if let Some(v) = hclx::attr(cors, k) {
                // A literal list is joined here; a variable stays a variable.
                let literal = matches!(v, Expression::Array(items) if items.iter().all(|i| matches!(i, Expression::String(_))));
                let value = match cx.eval.value(v).filter(|_| literal) {
                    Some(hcl::Value::Array(items)) => s(&items
                        .iter()
                        .filter_map(|i| i.as_str().map(str::to_string))
                        .collect::<Vec<_>>()
                        .join(", ")),
                    _ => format!("join(\", \", {})", hclx::inline(v))
                        .parse()
                        .unwrap_or(Expression::Null),
                };
                annotations.push((format!("nginx.ingress.kubernetes.io/{a}"), value));
            }
        }
        if let Some(v) = hclx::attr(cors, "allow_credentials").and_then(|e| cx.eval.bool(e)) {
            annotations.push((
                "nginx.ingress.kubernetes.io/cors-allow-credentials".into(),
                s(&v.to_string()),
            ));
        }
        if let Some(v) = hclx::attr(cors, "max_age").and_then(|e| cx.eval.number(e)) {
            annotations.push((
                "nginx.ingress.kubernetes.io/cors-max-age".into(),
                s(&format!("{}", v.round() as u64)),
            ));
        }
    }
    annotations
}

/// A route that required authorization becomes public: say so.
fn route_auth(route: &Resource, cx: &mut Cx<'_>, key: &str) {
    // A REST API method names it `authorization`.
    let field = if route.ty == "aws_api_gateway_method" {
        "authorization"
    } else {
        "authorization_type"
    };
    let auth = cx.str(route, field).unwrap_or_default();
    if matches!(
        auth.as_str(),
        "JWT" | "AWS_IAM" | "CUSTOM" | "COGNITO_USER_POOLS"
    ) || hclx::attr(&route.body, "authorizer_id").is_some()
    {
        cx.diag(
            Diagnostic::new(
                Code::AuthorizationNotCarried,
                format!(
                    "route `{key}` requires {} authorization; its Ingress path is public",
                    if auth.is_empty() { "an authorizer's" } else { auth.as_str() }
                ),
            )
            .at(route.loc_of(field))
            .resource(route.address())
            .help("verify the token in the function, or put an authenticating proxy in front with NGINX external auth (`nginx.ingress.kubernetes.io/auth-url`, e.g. oauth2-proxy)"),
        );
    }
}

/// The Ingress of one function (instance): its key, the route that named it first, its paths.
#[derive(Debug)]
struct Group {
    key: String,
    route: usize,
    paths: Vec<(String, &'static str)>,
}

/// An API Gateway route path as an Ingress path: literal paths match exactly; a path parameter
/// (`{id}`, `{proxy+}`) widens the match to the prefix before it.
pub(super) fn ingress_path(path: &str) -> (String, &'static str) {
    if path == "$default" || path == "/" || path.is_empty() {
        return ("/".into(), "Prefix");
    }
    let mut kept = Vec::new();
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        if seg.contains('{') {
            let p = format!("/{}", kept.join("/"));
            return (
                if p == "/" {
                    p
                } else {
                    p.trim_end_matches('/').to_string()
                },
                "Prefix",
            );
        }
        kept.push(seg);
    }
    (format!("/{}", kept.join("/")), "Exact")
}

/// A VPC link: absorbed by the API's rule when a route reaches an ECS service through it;
/// otherwise what the catalog says of API Gateway.
fn vpc_link(r: &Resource, cx: &mut Cx<'_>) {
    if cx.st.outcomes.contains_key(r.address()) {
        return;
    }
    if let Some(family) = catalog::lookup(&r.ty) {
        catalog::apply(family, r, cx);
    }
}

/// Routes, integrations, stages, deployments and authorizers of an HTTP API.
fn api_part(r: &Resource, cx: &mut Cx<'_>) {
    // Routes and integrations that reach functions were folded in by the API's rule.
    if cx.st.outcomes.contains_key(r.address()) {
        return;
    }
    let api = cx.referenced(r, "api_id");
    let ingresses: Vec<String> = api
        .and_then(|a| cx.st.outcomes.get(a.address()))
        .filter(|o| o.outcome == Outcome::Mapped)
        .map(|o| o.targets.clone())
        .unwrap_or_default();
    let Some(first) = ingresses.first().cloned() else {
        if let Some(family) = catalog::lookup(&r.ty) {
            catalog::apply(family, r, cx);
        }
        return;
    };
    match r.ty.as_str() {
        "aws_apigatewayv2_route" => {
            let key = cx.str(r, "route_key").unwrap_or_default();
            cx.unsupported(
                r,
                Code::UnsupportedService,
                format!(
                    "route `{key}` of `{}` does not reach a Lambda function of the stack; only such routes are carried over",
                    r.address()
                ),
                "run the backend in the appliance (a Kubernetes Deployment) and add an Ingress rule for it, or call it directly",
            );
        }
        "aws_apigatewayv2_integration" => {
            let ty = cx.str(r, "integration_type").unwrap_or_default();
            cx.unsupported(
                r,
                Code::UnsupportedService,
                format!(
                    "`{}` (an integration of type `{ty}`) does not reach a Lambda function of the stack; it is not carried over",
                    r.address()
                ),
                "run the backend in the appliance and route to it with an Ingress rule",
            );
        }
        "aws_apigatewayv2_stage" => {
            access_logs_note(r, cx);
            let name = cx.str(r, "name").unwrap_or_default();
            let note = if name == "$default" {
                "the `$default` stage: Ingress paths have no prefix".to_string()
            } else {
                format!("the stage `{name}`: Ingress paths start with `/{name}`")
            };
            cx.absorb(r, &first, note);
            let url = if name == "$default" {
                "\"http://${$T.status[0].load_balancer[0].ingress[0].ip}/\"".to_string()
            } else {
                format!("\"http://${{$T.status[0].load_balancer[0].ingress[0].ip}}/{name}\"")
            };
            cx.export(
                r,
                "invoke_url",
                Export::Tmpl {
                    target: first,
                    tmpl: url,
                },
            );
        }
        "aws_apigatewayv2_authorizer" => {
            cx.absorb(
                r,
                &first,
                "not carried over: the routes it protected are public (see the F385 warnings)",
            );
        }
        _ => cx.absorb(r, &first, "applied with the stack"),
    }
}

// ---- cluster prerequisites -----------------------------------------------------------------------

/// One note per module about a cluster add-on the emitted resources need (the message starts
/// with the add-on's name).
pub(super) fn addon_note(cx: &mut Cx<'_>, r: &Resource, message: &str, help: &str) {
    let addon: String = message
        .split(" must ")
        .next()
        .unwrap_or(message)
        .to_string();
    if cx
        .st
        .diags
        .iter()
        .any(|d| d.code == Code::ClusterAddonRequired.as_str() && d.message.starts_with(&addon))
    {
        return;
    }
    cx.diag(
        Diagnostic::new(Code::ClusterAddonRequired, message)
            .at(r.loc.clone())
            .resource(r.address())
            .help(help),
    );
}

/// One warning per module when the stack has no Kubernetes cluster to run functions on.
fn no_cluster_warning(cx: &mut Cx<'_>, r: &Resource) {
    let has_cluster = cx.resources.iter().any(|x| {
        matches!(
            x.ty.as_str(),
            // An ECS cluster becomes a DOKS cluster (`rules::ecs`).
            "aws_eks_cluster" | "aws_ecs_cluster" | "digitalocean_kubernetes_cluster"
        )
    }) || cx.module.providers.iter().any(|p| p.name == "kubernetes")
        // The cluster of another module, to which the root's provider goes (`crate::xmod`).
        || cx.xmod.kubernetes_cluster.is_some();
    if has_cluster
        || cx
            .st
            .diags
            .iter()
            .any(|d| d.code == Code::NoClusterForWorkloads.as_str())
    {
        return;
    }
    cx.diag(
        Diagnostic::new(
            Code::NoClusterForWorkloads,
            "the functions run as Kubernetes resources, but the stack has no Kubernetes cluster and no `provider \"kubernetes\"`",
        )
        .at(r.loc.clone())
        .resource(r.address())
        .help("add a cluster to the origin (an `aws_eks_cluster`, which Ferry maps to DOKS, or a `digitalocean_kubernetes_cluster`) with a `provider \"kubernetes\"` for it, or compile with `--functions functions` for DigitalOcean Functions"),
    );
}

// ---- stand-ins for rules/k8s.rs and rules/ecr.rs ----------------------------------------------
//
// The appliance namespace and registry belong to the workload rules (`Cx::k8s_namespace`,
// `rules::ecr`); Lambda images are rewritten with the same registry variable.

/// The appliance namespace, `kubernetes_namespace_v1.appliance` (emitted once per module; a
/// child module gets its own, suffixed with its folder), as `….metadata[0].name`.
pub fn appliance_namespace(cx: &mut Cx<'_>) -> Expression {
    cx.k8s_namespace()
}

/// The ECR registry host pattern (a Terraform regex, for `replace`).
const ECR_HOST_RE: &str = "/^[0-9]+\\.dkr\\.ecr\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?\\//";

/// An image reference with its ECR registry replaced by the appliance's DigitalOcean registry
/// (`registry.digitalocean.com/${var.registry_name}/`): literal parts are rewritten in place,
/// other expressions through `replace()`. References to `aws_ecr_repository` are left to the
/// reference pass.
pub fn docr_image(e: &Expression, value: Option<&str>) -> Expression {
    // A known value that is not in ECR (a public image) stays as it is.
    if value.is_some_and(|v| ecr_host(v).is_none()) {
        return e.clone();
    }
    match e {
        Expression::String(t) => match ecr_host(t) {
            Some(host) => hclx::template(format!(
                "registry.digitalocean.com/${{var.registry_name}}/{}",
                hclx::escape_template_literal(&t[host.len()..])
            )),
            None => e.clone(),
        },
        Expression::TemplateExpr(t) => match &**t {
            TemplateExpr::QuotedString(inner) if ecr_host(inner).is_some() => {
                let host = ecr_host(inner).unwrap_or_default();
                hclx::template(inner.replacen(
                    host,
                    "registry.digitalocean.com/${var.registry_name}/",
                    1,
                ))
            }
            _ => replace_ecr(e),
        },
        other => replace_ecr(other),
    }
}

/// `replace(<image>, <ECR host regex>, <appliance registry>/)`, evaluated at apply time;
/// references to `aws_ecr_repository` are left to the reference pass.
fn replace_ecr(e: &Expression) -> Expression {
    match e {
        other if mentions_ecr_repository(other) => other.clone(),
        other => format!(
            "replace({}, \"{}\", \"registry.digitalocean.com/${{var.registry_name}}/\")",
            hclx::inline(other),
            ECR_HOST_RE.replace('\\', "\\\\")
        )
        .parse()
        .unwrap_or_else(|_| other.clone()),
    }
}

fn mentions_ecr_repository(e: &Expression) -> bool {
    let mut hit = false;
    hclx::walk(e, &mut |x| {
        hit |= matches!(hclx::traversal_root(x), Some(("aws_ecr_repository", _)));
    });
    hit
}

/// The `<account>.dkr.ecr.<region>.amazonaws.com/` prefix of an image reference.
fn ecr_host(s: &str) -> Option<&str> {
    let slash = s.find('/')?;
    let host = &s[..slash];
    let mut parts = host.split('.');
    let account = parts.next()?;
    let ok = !account.is_empty()
        && account.chars().all(|c| c.is_ascii_digit())
        && parts.next() == Some("dkr")
        && parts.next() == Some("ecr")
        && parts.next().is_some()
        && parts.next() == Some("amazonaws")
        && parts.next() == Some("com");
    ok.then(|| &s[..=slash])
}

/// The text of an image reference in the appliance's registry (for the report).
pub fn docr_image_text(s: &str, registry: Option<&str>) -> String {
    match ecr_host(s) {
        Some(host) => s.replacen(
            host,
            &format!(
                "registry.digitalocean.com/{}/",
                registry.unwrap_or("${var.registry_name}")
            ),
            1,
        ),
        None => s.to_string(),
    }
}

// ---- small builders --------------------------------------------------------------------------------

fn s(t: &str) -> Expression {
    Expression::String(t.to_string())
}

fn okey(k: &str) -> ObjectKey {
    let ident = k
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ident {
        ObjectKey::Identifier(Identifier::unchecked(k))
    } else {
        ObjectKey::Expression(Expression::String(k.to_string()))
    }
}

fn obj(pairs: Vec<(&str, Expression)>) -> Expression {
    let mut o = hcl::Object::new();
    for (k, v) in pairs {
        o.insert(okey(k), v);
    }
    Expression::Object(o)
}

/// The value under `key` of an object expression, created (as an empty object, or an empty
/// list for `traffic`) when absent.
fn obj_entry<'a>(e: &'a mut Expression, key: &str) -> Option<&'a mut Expression> {
    let Expression::Object(o) = e else {
        return None;
    };
    let pos = o
        .iter()
        .position(|(k, _)| hclx::object_key(k).as_deref() == Some(key));
    let i = match pos {
        Some(i) => i,
        None => {
            let empty = if key == "traffic" {
                Expression::Array(vec![])
            } else {
                Expression::Object(hcl::Object::new())
            };
            o.insert_full(okey(key), empty).0
        }
    };
    o.get_index_mut(i).map(|(_, v)| v)
}

/// FNV-1a, 64 bits: a stable tag for images built from archives.
fn fnv64(text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// `suspend` of the CronJob an EventBridge rule (`state`, `is_enabled`) or a Scheduler
/// schedule (`state`) becomes: `true` when it is disabled, an expression when that is known
/// only at deploy time, `None` when it is enabled.
pub(crate) fn suspended(body: &hcl::Body) -> Option<Expression> {
    match (hclx::attr(body, "state"), hclx::attr(body, "is_enabled")) {
        (Some(Expression::String(s)), _) => (s == "DISABLED").then_some(Expression::Bool(true)),
        (Some(e), _) => hclx::parse_expr(&format!("({}) == \"DISABLED\"", hclx::inline(e))).ok(),
        (None, Some(Expression::Bool(b))) => (!b).then_some(Expression::Bool(true)),
        (None, Some(e)) => hclx::parse_expr(&format!("!({})", hclx::inline(e))).ok(),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_become_cron() {
        let c = |e: &str| schedule_to_cron(e).map(|x| x.0);
        assert_eq!(c("rate(5 minutes)").as_deref(), Ok("*/5 * * * *"));
        assert_eq!(c("rate(1 minute)").as_deref(), Ok("* * * * *"));
        assert_eq!(c("rate(2 hours)").as_deref(), Ok("0 */2 * * *"));
        assert_eq!(c("rate(1 day)").as_deref(), Ok("0 0 * * *"));
        assert_eq!(c("cron(0 3 * * ? *)").as_deref(), Ok("0 3 * * *"));
        assert_eq!(c("cron(15 10 ? * 2-6 *)").as_deref(), Ok("15 10 * * 1-5"));
        assert_eq!(
            c("cron(0 8 ? * MON-FRI *)").as_deref(),
            Ok("0 8 * * MON-FRI")
        );
        assert_eq!(c("cron(0 8 ? * 1,7 *)").as_deref(), Ok("0 8 * * 0,6"));
        assert!(c("cron(0 8 L * ? *)").is_err());
        assert!(c("cron(0 8 ? * 6#3 *)").is_err());
        assert!(c("cron(0 8 * * ? 2030)").is_err());
        assert!(c("rate(0 minutes)").is_err());
        assert!(c("rate(90 minutes)").is_err());
        assert!(c("every day").is_err());
        assert!(c("cron(1 2 3)").is_err());
    }

    #[test]
    fn route_paths_become_ingress_paths() {
        assert_eq!(ingress_path("$default"), ("/".into(), "Prefix"));
        assert_eq!(ingress_path("/items"), ("/items".into(), "Exact"));
        assert_eq!(ingress_path("/items/{id}"), ("/items".into(), "Prefix"));
        assert_eq!(ingress_path("/{proxy+}"), ("/".into(), "Prefix"));
        assert_eq!(ingress_path("/a/b/{c}/d"), ("/a/b".into(), "Prefix"));
    }

    #[test]
    fn ecr_images_move_to_the_appliance_registry() {
        assert_eq!(
            docr_image_text(
                "123456789012.dkr.ecr.us-east-1.amazonaws.com/api:1.4",
                Some("acme")
            ),
            "registry.digitalocean.com/acme/api:1.4"
        );
        assert_eq!(docr_image_text("nginx:1.27", Some("acme")), "nginx:1.27");
        let e = docr_image(
            &s("123456789012.dkr.ecr.eu-west-1.amazonaws.com/fn/thumb@sha256:abc"),
            None,
        );
        assert_eq!(
            hclx::inline(&e),
            "\"registry.digitalocean.com/${var.registry_name}/fn/thumb@sha256:abc\""
        );
        let e = docr_image(&hclx::path(&["var", "image"]), None);
        assert!(
            hclx::inline(&e).starts_with("replace(var.image,"),
            "{}",
            hclx::inline(&e)
        );
        let e = docr_image(&hclx::path(&["var", "image"]), Some("nginx:1.27"));
        assert_eq!(hclx::inline(&e), "var.image");
        let e = docr_image(&hclx::template("${local.ecr}/api:${var.tag}"), None);
        assert!(
            hclx::inline(&e).starts_with("replace(\"${local.ecr}/api:${var.tag}\","),
            "{}",
            hclx::inline(&e)
        );
    }

    #[test]
    fn labels_are_dns_safe() {
        assert_eq!(dns_label("Thumbnail_Resizer"), "thumbnail-resizer");
        assert_eq!(dns_label("9lives"), "fn-9lives");
        assert_eq!(dns_label("a--b__c"), "a-b-c");
        assert!(dns_label(&"x".repeat(100)).len() <= 63);
    }
}
