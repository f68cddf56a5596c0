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
//! The API Gateway rules are in `api` (HTTP and REST APIs → Ingress rules), the schedules in
//! `schedule` (EventBridge rules and targets → CronJobs).
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

mod api;
mod schedule;

pub(crate) use api::ingress_path;
use api::{api_part, http_api, rest_api, rest_part, vpc_link};
pub use schedule::schedule_to_cron;
use schedule::{event_rule, event_target};

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
