//! Kubernetes object builders shared by the workload rules (ECS, Lambda on Knative, secrets):
//! names Kubernetes accepts, the labels Ferry puts on workloads, and bodies of the versioned
//! `kubernetes_*_v1` resources of the `hashicorp/kubernetes` provider (schema v2.22 in
//! `shared/reference/k8s-provider-tfschema.json`). Nothing here reads the origin or touches the
//! state: callers build a [`Container`] / [`PodSpec`], get an [`OutBody`], and emit it.
//!
//! Every workload object lives in the appliance namespace (`Cx::k8s_namespace`), so names only
//! need to be unique inside it; the namespace carries the instance id.

use crate::hclx;
use crate::out::{Item, OutBlock, OutBody};
use crate::rules::State;
use hcl::Expression;
use hcl::expr::ObjectKey;

/// The label that selects a workload's pods.
pub const APP_LABEL: &str = "app.kubernetes.io/name";

/// A DNS-1123 label (container, Deployment and Service names): lower-case letters, digits and
/// `-`, starting and ending with an alphanumeric, at most 63 characters; `fallback` when
/// nothing is left.
pub fn dns_label(s: &str, fallback: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let mut out: String = out.trim_matches('-').chars().take(63).collect();
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        fallback.to_string()
    } else {
        out
    }
}

/// An IANA service name for a port (at most 15 characters, letters, digits and `-`, with a
/// letter), or `None` when the text cannot become one.
pub fn port_name(s: &str) -> Option<String> {
    let n = dns_label(s, "");
    let n: String = n.chars().take(15).collect();
    let n = n.trim_end_matches('-').to_string();
    (!n.is_empty() && n.chars().any(|c| c.is_ascii_alphabetic())).then_some(n)
}

/// A map with string keys (`{ "app.kubernetes.io/name" = "api" }`).
pub fn map<K: Into<String>>(pairs: impl IntoIterator<Item = (K, Expression)>) -> Expression {
    Expression::Object(
        pairs
            .into_iter()
            .map(|(k, v)| (ObjectKey::Expression(Expression::String(k.into())), v))
            .collect(),
    )
}

fn s(v: &str) -> Expression {
    Expression::String(v.to_string())
}

/// The labels that select a workload's pods.
pub fn selector_labels(app: &str) -> Expression {
    map([(APP_LABEL, s(app))])
}

/// The labels of a workload's objects: the selector label, the manager and the instance id.
pub fn labels(app: &str) -> Expression {
    map([
        (APP_LABEL, s(app)),
        ("app.kubernetes.io/managed-by", s("ferry")),
        ("ferry.dev/instance-id", hclx::path(&["var", "instance_id"])),
    ])
}

/// A `metadata` block.
pub fn metadata(
    body: &mut OutBody,
    name: Expression,
    namespace: Option<Expression>,
    labels: Option<Expression>,
    annotations: Option<Expression>,
) {
    let md = body.block("metadata");
    md.set("name", name);
    md.set_opt("namespace", namespace);
    md.set_opt("labels", labels);
    md.set_opt("annotations", annotations);
}

/// Where an environment variable's value comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum EnvSource {
    Value(Expression),
    /// A key of a Secret in the pod's namespace.
    SecretKey {
        secret: Expression,
        key: Expression,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Env {
    pub name: Expression,
    pub source: EnvSource,
}

/// What a probe does.
#[derive(Debug, Clone, PartialEq)]
pub enum ProbeAction {
    /// A command run in the container (a list expression).
    Exec(Expression),
    HttpGet {
        path: Expression,
        port: Expression,
        /// `HTTPS` when the check speaks TLS.
        https: bool,
    },
    Tcp {
        port: Expression,
    },
}

/// A liveness or readiness probe.
#[derive(Debug, Clone, PartialEq)]
pub struct Probe {
    pub action: ProbeAction,
    pub initial_delay_seconds: Option<Expression>,
    pub period_seconds: Option<Expression>,
    pub timeout_seconds: Option<Expression>,
    pub failure_threshold: Option<Expression>,
    pub success_threshold: Option<Expression>,
}

impl Probe {
    pub fn new(action: ProbeAction) -> Probe {
        Probe {
            action,
            initial_delay_seconds: None,
            period_seconds: None,
            timeout_seconds: None,
            failure_threshold: None,
            success_threshold: None,
        }
    }

    fn to_body(&self) -> OutBody {
        let mut b = OutBody::new();
        b.set_opt("initial_delay_seconds", self.initial_delay_seconds.clone());
        b.set_opt("period_seconds", self.period_seconds.clone());
        b.set_opt("timeout_seconds", self.timeout_seconds.clone());
        b.set_opt("failure_threshold", self.failure_threshold.clone());
        b.set_opt("success_threshold", self.success_threshold.clone());
        match &self.action {
            ProbeAction::Exec(cmd) => {
                b.block("exec").set("command", cmd.clone());
            }
            ProbeAction::HttpGet { path, port, https } => {
                let h = b.block("http_get");
                h.set("path", path.clone());
                h.set("port", port.clone());
                if *https {
                    h.set("scheme", s("HTTPS"));
                }
            }
            ProbeAction::Tcp { port } => {
                b.block("tcp_socket").set("port", port.clone());
            }
        }
        b
    }
}

/// A container port.
#[derive(Debug, Clone, PartialEq)]
pub struct Port {
    pub container_port: Expression,
    /// `TCP` or `UDP`.
    pub protocol: &'static str,
    pub name: Option<String>,
}

/// A container of a pod.
#[derive(Debug, Clone, PartialEq)]
pub struct Container {
    pub name: String,
    pub image: Expression,
    /// The entrypoint (Docker `ENTRYPOINT`; ECS `entryPoint`), a list expression.
    pub command: Option<Expression>,
    /// Arguments (Docker `CMD`; ECS `command`), a list expression.
    pub args: Option<Expression>,
    pub working_dir: Option<Expression>,
    pub env: Vec<Env>,
    pub ports: Vec<Port>,
    /// Resource requests and limits (`cpu`, `memory`) as quantities.
    pub requests: Vec<(String, Expression)>,
    pub limits: Vec<(String, Expression)>,
    pub liveness: Option<Probe>,
    pub readiness: Option<Probe>,
    /// `security_context` attributes (`run_as_user`, `read_only_root_filesystem`, …).
    pub security: Vec<(String, Expression)>,
}

impl Container {
    pub fn new(name: impl Into<String>, image: Expression) -> Container {
        Container {
            name: name.into(),
            image,
            command: None,
            args: None,
            working_dir: None,
            env: vec![],
            ports: vec![],
            requests: vec![],
            limits: vec![],
            liveness: None,
            readiness: None,
            security: vec![],
        }
    }

    /// The `container` (or `init_container`) block body.
    pub fn to_body(&self) -> OutBody {
        let mut b = OutBody::new();
        b.set("name", s(&self.name));
        b.set("image", self.image.clone());
        b.set_opt("command", self.command.clone());
        b.set_opt("args", self.args.clone());
        b.set_opt("working_dir", self.working_dir.clone());
        for p in &self.ports {
            let pb = b.block("port");
            pb.set("container_port", p.container_port.clone());
            pb.set("protocol", s(p.protocol));
            if let Some(n) = &p.name {
                pb.set("name", s(n));
            }
        }
        for e in &self.env {
            let eb = b.block("env");
            eb.set("name", e.name.clone());
            match &e.source {
                EnvSource::Value(v) => {
                    eb.set("value", v.clone());
                }
                EnvSource::SecretKey { secret, key } => {
                    let r = eb.block("value_from").block("secret_key_ref");
                    r.set("name", secret.clone());
                    r.set("key", key.clone());
                }
            }
        }
        if !self.requests.is_empty() || !self.limits.is_empty() {
            let rb = b.block("resources");
            if !self.requests.is_empty() {
                rb.set("requests", map(self.requests.iter().cloned()));
            }
            if !self.limits.is_empty() {
                rb.set("limits", map(self.limits.iter().cloned()));
            }
        }
        if let Some(p) = &self.liveness {
            push_block(&mut b, "liveness_probe", p.to_body());
        }
        if let Some(p) = &self.readiness {
            push_block(&mut b, "readiness_probe", p.to_body());
        }
        if !self.security.is_empty() {
            let sb = b.block("security_context");
            for (k, v) in &self.security {
                sb.set(k.clone(), v.clone());
            }
        }
        b
    }
}

fn push_block(b: &mut OutBody, ident: &str, body: OutBody) {
    b.items.push(Item::Block(OutBlock {
        ident: ident.into(),
        labels: vec![],
        body,
    }));
}

/// The spec of a pod template.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PodSpec {
    pub init_containers: Vec<Container>,
    pub containers: Vec<Container>,
    /// Names of `kubernetes.io/dockerconfigjson` Secrets to pull images with.
    pub image_pull_secrets: Vec<Expression>,
    pub termination_grace_period_seconds: Option<Expression>,
}

impl PodSpec {
    pub fn to_body(&self) -> OutBody {
        let mut b = OutBody::new();
        b.set_opt(
            "termination_grace_period_seconds",
            self.termination_grace_period_seconds.clone(),
        );
        for c in &self.init_containers {
            push_block(&mut b, "init_container", c.to_body());
        }
        for c in &self.containers {
            push_block(&mut b, "container", c.to_body());
        }
        for p in &self.image_pull_secrets {
            b.block("image_pull_secrets").set("name", p.clone());
        }
        b
    }
}

/// How a Deployment replaces pods.
#[derive(Debug, Clone, PartialEq)]
pub struct RollingUpdate {
    pub max_surge: Expression,
    pub max_unavailable: Expression,
}

/// A `kubernetes_deployment_v1` body for the workload `app` (its name and selector label).
pub fn deployment(
    app: &str,
    namespace: Expression,
    replicas: Option<Expression>,
    rolling: Option<RollingUpdate>,
    pod: &PodSpec,
) -> OutBody {
    let mut b = OutBody::new();
    metadata(&mut b, s(app), Some(namespace), Some(labels(app)), None);
    let spec = b.block("spec");
    spec.set_opt("replicas", replicas);
    spec.block("selector")
        .set("match_labels", selector_labels(app));
    if let Some(r) = rolling {
        let st = spec.block("strategy");
        st.set("type", s("RollingUpdate"));
        let ru = st.block("rolling_update");
        ru.set("max_surge", r.max_surge);
        ru.set("max_unavailable", r.max_unavailable);
    }
    let tpl = spec.block("template");
    tpl.block("metadata").set("labels", labels(app));
    push_block(tpl, "spec", pod.to_body());
    b
}

/// A Service port.
#[derive(Debug, Clone, PartialEq)]
pub struct ServicePort {
    pub name: String,
    pub port: Expression,
    pub target_port: Expression,
    /// `TCP` or `UDP`.
    pub protocol: &'static str,
    /// The condition of the deployment under which the port exists (a listener with
    /// `count = var.cert != "" ? 1 : 0`): a `dynamic "port"` block; `None`: always.
    pub when: Option<Expression>,
}

/// A `kubernetes_service_v1` body selecting the pods of `app`. `ty` is the Service type
/// (`ClusterIP` when `None`); `spec_extra` adds spec attributes (`external_traffic_policy`).
pub fn service(
    app: &str,
    namespace: Expression,
    ports: &[ServicePort],
    ty: Option<&str>,
    annotations: Option<Expression>,
    spec_extra: Vec<(&'static str, Expression)>,
) -> OutBody {
    let mut b = OutBody::new();
    metadata(
        &mut b,
        s(app),
        Some(namespace),
        Some(labels(app)),
        annotations,
    );
    let spec = b.block("spec");
    if let Some(t) = ty {
        spec.set("type", s(t));
    }
    spec.set("selector", selector_labels(app));
    for (k, v) in spec_extra {
        spec.set(k, v);
    }
    for p in ports {
        let mut pb = OutBody::new();
        pb.set("name", s(&p.name));
        pb.set("port", p.port.clone());
        pb.set("target_port", p.target_port.clone());
        pb.set("protocol", s(p.protocol));
        match &p.when {
            None => *spec.block("port") = pb,
            Some(cond) => spec.items.push(Item::Block(dynamic_when("port", cond, pb))),
        }
    }
    b
}

/// `dynamic "<name>" { for_each = cond ? [1] : [] content { … } }`: one block when the
/// condition holds, none otherwise.
pub fn dynamic_when(name: &str, cond: &Expression, content: OutBody) -> OutBlock {
    let each = Expression::Conditional(Box::new(hcl::expr::Conditional::new(
        cond.clone(),
        Expression::Array(vec![Expression::Number(1.into())]),
        Expression::Array(vec![]),
    )));
    let mut body = OutBody::new();
    body.set("for_each", each);
    body.items.push(Item::Block(OutBlock {
        ident: "content".into(),
        labels: vec![],
        body: content,
    }));
    OutBlock {
        ident: "dynamic".into(),
        labels: vec![name.into()],
        body,
    }
}

/// A `kubernetes_secret_v1` body. `data` maps keys to values (the provider base64-encodes
/// them); `ty` is the Secret type (`Opaque` when `None`).
pub fn secret(
    name: Expression,
    namespace: Expression,
    data: Expression,
    ty: Option<&str>,
    labels: Option<Expression>,
) -> OutBody {
    let mut b = OutBody::new();
    metadata(&mut b, name, Some(namespace), labels, None);
    b.set("type", s(ty.unwrap_or("Opaque")));
    b.set("data", data);
    b
}

/// `metadata[0].name` of an emitted Kubernetes object (`kubernetes_secret_v1.db`).
pub fn name_of(addr: &str) -> Expression {
    format!("{addr}.metadata[0].name")
        .parse()
        .unwrap_or(Expression::Null)
}

/// A `metadata.name` for an object of type `ty` that no emitted object of that type uses yet:
/// `base`, or `base-2`, `base-3`, …
pub fn unique_object_name(st: &State, ty: &str, base: &str) -> String {
    let taken = |n: &str| {
        st.emitted.iter().filter(|e| e.ty == ty).any(|e| {
            e.body
                .blocks("metadata")
                .any(|m| m.get("name") == Some(&s(n)))
        })
    };
    if !taken(base) {
        return base.to_string();
    }
    let mut i = 2;
    loop {
        let n = format!("{base}-{i}");
        if !taken(&n) {
            return n;
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_kubernetes_accepts() {
        assert_eq!(dns_label("My_API.Service", "x"), "my-api-service");
        assert_eq!(dns_label("--", "app"), "app");
        assert_eq!(dns_label(&"a".repeat(80), "x").len(), 63);
        assert_eq!(port_name("api-8080-tcp").as_deref(), Some("api-8080-tcp"));
        assert_eq!(port_name("8080"), None);
        assert_eq!(
            port_name("a-very-long-port-name-indeed").as_deref(),
            Some("a-very-long-por")
        );
    }

    #[test]
    fn container_blocks_follow_the_provider_schema() {
        let mut c = Container::new("api", s("registry.digitalocean.com/r/api:1"));
        c.env.push(Env {
            name: s("DB_PASSWORD"),
            source: EnvSource::SecretKey {
                secret: s("db"),
                key: s("password"),
            },
        });
        c.requests.push(("cpu".into(), s("250m")));
        c.liveness = Some(Probe::new(ProbeAction::Exec(Expression::Array(vec![s(
            "true",
        )]))));
        let b = c.to_body();
        let env = b.blocks("env").next().expect("env");
        let r = env
            .blocks("value_from")
            .next()
            .and_then(|v| v.blocks("secret_key_ref").next())
            .expect("secret_key_ref");
        assert_eq!(r.get("key"), Some(&s("password")));
        assert!(b.blocks("resources").next().is_some());
        assert!(
            b.blocks("liveness_probe")
                .next()
                .and_then(|p| p.blocks("exec").next())
                .is_some()
        );
    }
}
