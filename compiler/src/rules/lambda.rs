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
//! A function's Knative Service is built in `knative`, what AWS attaches to a function (URLs,
//! permissions, aliases, layers, …) in `sub_resources`; the API Gateway rules are in `api`
//! (HTTP and REST APIs → Ingress rules), the schedules in `schedule` (EventBridge rules and
//! targets → CronJobs).
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

use super::{Cx, Export, OutcomeRec, Phase, RuleDef};
use crate::FunctionsStrategy;
use crate::diag::{Code, Diagnostic};
use crate::facts::functions as facts;
use crate::hclx;
use crate::origin::{Mode, Resource};
use crate::report::{Artifact, ArtifactKind, Outcome};
use hcl::expr::{ObjectKey, TemplateExpr, TraversalOperator as Op};
use hcl::{Body, Expression, Identifier};

mod api;
mod knative;
mod schedule;
mod sub_resources;

use knative::{image_repo, instance_label, knative, url_tmpl};
use sub_resources::{
    alias, dropped, event_invoke_config, event_source_mapping, function_url, invocation,
    lambda_data, layer, orphan, permission, provisioned,
};

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
