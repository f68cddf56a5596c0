//! HTTP APIs (API Gateway v2) and REST APIs (API Gateway v1) in front of functions of the stack:
//! their routes become NGINX Ingress rules to the functions' Knative Services.

use super::{
    INGRESS, addon_note, appliance_namespace, dns_label, function_attr, function_name_expr,
    no_cluster_warning, obj, s, target_function,
};
use crate::FunctionsStrategy;
use crate::diag::{Code, Diagnostic};
use crate::hclx;
use crate::origin::{Mode, Resource};
use crate::out::OutBody;
use crate::report::Outcome;
use crate::rules::{Cx, Export, catalog};
use hcl::expr::{ObjectKey, TraversalOperator as Op};
use hcl::{Expression, Identifier};

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
        .filter(|l| crate::rules::lb::LISTENER_TYPES.contains(&l.ty.as_str()))?;
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

pub(super) fn http_api(r: &Resource, cx: &mut Cx<'_>) {
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
pub(super) fn rest_api(r: &Resource, cx: &mut Cx<'_>) {
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
pub(super) fn rest_part(r: &Resource, cx: &mut Cx<'_>) {
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
pub(crate) fn ingress_path(path: &str) -> (String, &'static str) {
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
pub(super) fn vpc_link(r: &Resource, cx: &mut Cx<'_>) {
    if cx.st.outcomes.contains_key(r.address()) {
        return;
    }
    if let Some(family) = catalog::lookup(&r.ty) {
        catalog::apply(family, r, cx);
    }
}

/// Routes, integrations, stages, deployments and authorizers of an HTTP API.
pub(super) fn api_part(r: &Resource, cx: &mut Cx<'_>) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_paths_become_ingress_paths() {
        assert_eq!(ingress_path("$default"), ("/".into(), "Prefix"));
        assert_eq!(ingress_path("/items"), ("/items".into(), "Exact"));
        assert_eq!(ingress_path("/items/{id}"), ("/items".into(), "Prefix"));
        assert_eq!(ingress_path("/{proxy+}"), ("/".into(), "Prefix"));
        assert_eq!(ingress_path("/a/b/{c}/d"), ("/a/b".into(), "Prefix"));
    }
}
