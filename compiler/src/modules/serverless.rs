//! Functions and what invokes them: `lambda` (v7), `apigateway-v2` (v2–v5), `eventbridge` (v3)
//! and `step-functions` (v4).

use super::one_resource::single;
use super::{B, Builder, entries, get, no_resources, obj_block, rref, s};
use crate::hclx;
use crate::refs::ModuleOutput;
use crate::rules::sanitize_name;
use hcl::Expression;
use std::collections::BTreeMap;

/// lambda v7: one `aws_lambda_function` (the functions rule maps it), an
/// `aws_lambda_function_url` with `create_lambda_function_url`, and one
/// `aws_lambda_event_source_mapping` per `event_source_mapping` entry (reported with the
/// alternative). The package the module builds from `source_path` is the function's archive,
/// as a `filename` would be; `local_existing_package` and `s3_existing_package` likewise.
pub(super) fn lambda(b: &mut Builder<'_>) {
    if !b.created(&["create", "create_function"]) {
        no_resources(b, &["lambda_function_arn", "lambda_function_name"]);
        return;
    }
    let mut body = B::new();
    b.pass(
        &mut body,
        &[
            "function_name",
            "handler",
            "runtime",
            "description",
            "memory_size",
            "timeout",
            "image_uri",
            "package_type",
            "layers",
            "architectures",
            "reserved_concurrent_executions",
            "publish",
        ],
    );
    if let Some(path) = b.input("source_path").and_then(|p| source_path(&p)) {
        body.set("filename", path);
    } else if let Some(zip) = b.input("local_existing_package") {
        body.set("filename", zip);
    } else if let Some(s3) = b.input("s3_existing_package") {
        body.set_opt("s3_bucket", get(&s3, "bucket"));
        body.set_opt("s3_key", get(&s3, "key"));
        body.set_opt("s3_object_version", get(&s3, "version_id"));
    }
    if let Some(vars) = b.input("environment_variables") {
        let mut env = B::new();
        env.set("variables", vars);
        body.block("environment", env);
    }
    let subnets = b.input("vpc_subnet_ids");
    let groups = b.input("vpc_security_group_ids");
    if subnets.is_some() || groups.is_some() {
        let mut vpc = B::new();
        vpc.set_opt("subnet_ids", subnets);
        vpc.set_opt("security_group_ids", groups);
        body.block("vpc_config", vpc);
    }
    let f = b.resource("aws_lambda_function", &b.base(), body);
    let function_name = rref(&f, "function_name");

    let url = if b.input_bool("create_lambda_function_url") == Some(true) {
        let mut u = B::new();
        u.set("function_name", function_name.clone());
        u.set(
            "authorization_type",
            b.input("authorization_type").unwrap_or_else(|| s("NONE")),
        );
        b.understood(&["cors"]);
        Some(b.resource("aws_lambda_function_url", &b.base(), u))
    } else {
        None
    };
    if let Some(mappings) = b.input_literal("event_source_mapping") {
        for (key, m) in entries(&mappings) {
            let mut e = B::new();
            e.set("function_name", function_name.clone());
            e.set_opt("event_source_arn", get(&m, "event_source_arn"));
            e.set_opt("batch_size", get(&m, "batch_size"));
            b.resource(
                "aws_lambda_event_source_mapping",
                &format!("{}_{key}", b.base()),
                e,
            );
        }
    }
    b.understood(&["tags", "putin_khuylo", "create_package", "create_layer"]);
    b.absorb_matching(
        |k| {
            k.starts_with("attach_")
                || k.starts_with("policy")
                || k.starts_with("role")
                || k == "create_role"
                || k == "lambda_role"
                || k == "trusted_entities"
                || k == "assume_role_policy_statements"
                || k == "number_of_policies"
                || k == "number_of_policy_jsons"
        },
        "the function's IAM role: DigitalOcean has no IAM",
    );
    b.absorb_matching(
        |k| k.starts_with("cloudwatch_logs") || k == "use_existing_cloudwatch_log_group",
        "the function's logs are its pods' logs on the cluster",
    );
    b.absorb_matching(
        |k| k == "allowed_triggers" || k == "create_current_version_allowed_triggers",
        "invocation permissions: the service is reachable by what the stack routes to it",
    );
    b.absorb_matching(
        |k| {
            k.starts_with("build_in_docker")
                || k.starts_with("docker_")
                || k == "hash_extra"
                || k == "artifacts_dir"
                || k == "store_on_s3"
                || k == "s3_bucket"
                || k == "s3_prefix"
                || k == "recreate_missing_package"
                || k == "ignore_source_code_hash"
                || k == "trigger_on_package_timestamp"
        },
        "how the module packages the code: the function's image is built from `source_path`",
    );
    b.outs(
        &f,
        &[
            ("lambda_function_arn", "arn"),
            ("lambda_function_name", "function_name"),
            ("lambda_function_invoke_arn", "invoke_arn"),
            ("lambda_function_qualified_arn", "qualified_arn"),
            ("lambda_function_version", "version"),
        ],
    );
    match url {
        Some(u) => b.out("lambda_function_url", &u, "function_url"),
        None => b.out_unmapped(
            "lambda_function_url",
            "the module created no function URL (`create_lambda_function_url` is not set)",
        ),
    }
    for out in ["lambda_role_arn", "lambda_role_name"] {
        b.out_unmapped(out, "DigitalOcean has no IAM: the function has no role");
    }
    b.out_unmapped(
        "lambda_cloudwatch_log_group_name",
        "the function's logs are its pods' logs on the cluster",
    );
}

/// The folder or file of the lambda module's `source_path`: a path, the first of a list, or
/// an object's `path`.
fn source_path(e: &Expression) -> Option<Expression> {
    match e {
        Expression::Array(items) => items.first().and_then(source_path),
        Expression::Object(_) => get(e, "path"),
        Expression::Null => None,
        other => Some(other.clone()),
    }
}

pub(super) fn step_functions(b: &mut Builder<'_>) {
    single(
        b,
        &["create"],
        "aws_sfn_state_machine",
        Some("name"),
        &["definition", "type"],
        &[
            ("state_machine_arn", "arn"),
            ("state_machine_id", "id"),
            ("state_machine_name", "name"),
        ],
    );
    b.absorb_matching(
        |k| {
            k.starts_with("attach_")
                || k.starts_with("policy")
                || k.starts_with("role")
                || k.starts_with("create_role")
                || k == "service_integrations"
                || k.starts_with("cloudwatch_log")
                || k == "logging_configuration"
        },
        "the state machine's IAM role, service integrations and logs",
    );
}

/// apigateway-v2 (v2–v5): an HTTP API, and per route an integration and a route (the
/// functions rules make an Ingress per function of them). Routes come from `routes` (v5:
/// `"GET /x" = { integration = { uri = … } }`) or `integrations` (v2–v4:
/// `"GET /x" = { lambda_arn = … }`); a `$default` stage is the module's default.
pub(super) fn apigateway_v2(b: &mut Builder<'_>) {
    if !b.created(&["create", "create_api_gateway"]) {
        no_resources(b, &["api_id", "api_endpoint"]);
        return;
    }
    let mut api = B::new();
    api.set("name", b.input("name").unwrap_or_else(|| s(&b.call.name)));
    api.set(
        "protocol_type",
        b.input("protocol_type").unwrap_or_else(|| s("HTTP")),
    );
    b.pass(&mut api, &["description"]);
    if let Some(cors) = b.input_literal("cors_configuration") {
        api.block("cors_configuration", obj_block(&cors, &[]));
    }
    let api = b.resource("aws_apigatewayv2_api", &b.base(), api);
    let routes: Vec<(String, Option<Expression>, Option<Expression>)> =
        match b.input_literal("routes") {
            Some(routes) => entries(&routes)
                .into_iter()
                .map(|(key, r)| {
                    let integration = get(&r, "integration");
                    let uri = integration.as_ref().and_then(|i| get(i, "uri"));
                    let version = integration
                        .as_ref()
                        .and_then(|i| get(i, "payload_format_version"));
                    (key, uri, version)
                })
                .collect(),
            None => b
                .input_literal("integrations")
                .map(|ints| {
                    entries(&ints)
                        .into_iter()
                        .map(|(key, i)| {
                            let uri = get(&i, "lambda_arn").or_else(|| get(&i, "integration_uri"));
                            (key, uri, get(&i, "payload_format_version"))
                        })
                        .collect()
                })
                .unwrap_or_default(),
        };
    for (i, (key, uri, version)) in routes.into_iter().enumerate() {
        let label = {
            let l = sanitize_name(&key.replace(['/', ' ', '$', '{', '}'], "_"));
            if l.trim_matches('_').is_empty() {
                format!("{}_{i}", b.base())
            } else {
                format!("{}_{}", b.base(), l.trim_matches('_'))
            }
        };
        let mut int = B::new();
        int.set("api_id", rref(&api, "id"));
        int.set("integration_type", s("AWS_PROXY"));
        int.set_opt("integration_uri", uri);
        int.set(
            "payload_format_version",
            version.unwrap_or_else(|| s("2.0")),
        );
        let int = b.resource("aws_apigatewayv2_integration", &label, int);
        let mut route = B::new();
        route.set("api_id", rref(&api, "id"));
        route.set("route_key", s(&key));
        route.set(
            "target",
            hclx::template(format!(
                "integrations/${{{}}}",
                hclx::inline(&rref(&int, "id"))
            )),
        );
        b.resource("aws_apigatewayv2_route", &label, route);
    }
    if b.input_bool("create_default_stage") != Some(false)
        && b.input_bool("create_stage") != Some(false)
    {
        let mut stage = B::new();
        stage.set("api_id", rref(&api, "id"));
        stage.set("name", s("$default"));
        stage.set("auto_deploy", Expression::Bool(true));
        b.resource("aws_apigatewayv2_stage", &b.base(), stage);
    }
    b.understood(&["tags", "putin_khuylo"]);
    b.absorb_matching(
        |k| {
            k.contains("domain")
                || k.contains("certificate")
                || k.contains("access_log")
                || k.contains("stage")
                || k.contains("mutual_tls")
                || k == "create_routes_and_integrations"
        },
        "custom domains, certificates, stages and access logs of the API: the Ingress serves the routes",
    );
    b.out("api_id", &api, "id");
    b.out("api_endpoint", &api, "api_endpoint");
    b.out("api_execution_arn", &api, "execution_arn");
}

/// eventbridge v3: per `rules` entry an `aws_cloudwatch_event_rule`, per entry of its
/// `targets` list an `aws_cloudwatch_event_target` (schedules that invoke a function or run a
/// task become CronJobs; other rules are reported). A bus of its own (`create_bus`, not the
/// `default` bus) is an `aws_cloudwatch_event_bus`.
pub(super) fn eventbridge(b: &mut Builder<'_>) {
    if !b.created(&["create"]) {
        no_resources(b, &["eventbridge_bus_arn", "eventbridge_rule_arns"]);
        return;
    }
    let bus_name = b.input("bus_name");
    let own_bus = b.input_bool("create_bus") != Some(false)
        && bus_name
            .as_ref()
            .is_some_and(|n| b.eval.string(n).as_deref() != Some("default"));
    let bus = if own_bus {
        let mut body = B::new();
        body.set_opt("name", bus_name.clone());
        Some(b.resource("aws_cloudwatch_event_bus", &b.base(), body))
    } else {
        None
    };
    let targets = b.input_literal("targets");
    let mut rule_arns = BTreeMap::new();
    if let Some(rules) = b.input_literal("rules") {
        for (key, r) in entries(&rules) {
            let label = format!("{}_{key}", b.base());
            let mut body = B::new();
            // The module names rules `<key>-rule` unless `name` is given.
            body.set(
                "name",
                get(&r, "name").unwrap_or_else(|| s(&format!("{key}-rule"))),
            );
            for k in [
                "description",
                "schedule_expression",
                "event_pattern",
                "state",
            ] {
                body.set_opt(k, get(&r, k));
            }
            match (&bus, &bus_name) {
                (Some(bus), _) => {
                    body.set("event_bus_name", rref(bus, "name"));
                }
                (None, Some(name)) => {
                    body.set("event_bus_name", name.clone());
                }
                (None, None) => {}
            }
            let rule = b.resource("aws_cloudwatch_event_rule", &label, body);
            rule_arns.insert(key.clone(), (rule.clone(), "arn".to_string()));
            let list = targets.as_ref().and_then(|t| get(t, &key));
            if let Some(Expression::Array(items)) = list {
                for (i, t) in items.iter().enumerate() {
                    let mut tb = B::new();
                    tb.set("rule", rref(&rule, "name"));
                    tb.set_opt("arn", get(t, "arn"));
                    tb.set_opt("target_id", get(t, "name"));
                    tb.set_opt("input", get(t, "input"));
                    let tname = get(t, "name")
                        .and_then(|n| b.eval.string(&n))
                        .map(|n| format!("{label}_{n}"))
                        .unwrap_or_else(|| format!("{label}_{i}"));
                    b.resource("aws_cloudwatch_event_target", &tname, tb);
                }
            }
        }
    }
    b.understood(&[
        "tags",
        "putin_khuylo",
        "create_bus",
        "create_rules",
        "create_targets",
    ]);
    b.absorb_matching(
        |k| {
            k.starts_with("attach_")
                || k.starts_with("policy")
                || k.starts_with("role")
                || k.starts_with("create_role")
                || k.contains("archive")
                || k.contains("permission")
                || k.contains("schedule_group")
        },
        "the bus's IAM role, archives and permissions",
    );
    match &bus {
        Some(bus) => b.outs(
            bus,
            &[
                ("eventbridge_bus_arn", "arn"),
                ("eventbridge_bus_name", "name"),
            ],
        ),
        None => b.out_unmapped("eventbridge_bus_arn", "the module uses an existing bus"),
    }
    b.outputs.insert(
        "eventbridge_rule_arns".into(),
        ModuleOutput::Keyed(rule_arns),
    );
}
