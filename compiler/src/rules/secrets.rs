//! Secrets Manager secrets and SSM parameters → Kubernetes Secrets in the appliance namespace
//! (DESIGN §3 table), injected into workloads as environment variables (`secret_key_ref`).
//!
//! Every secret-like origin object becomes one `kubernetes_secret_v1`:
//! * key `value` holds the whole value (the secret string, the parameter value);
//! * a JSON object value (`jsonencode({ username = …, password = … })`, or a static JSON
//!   string) adds one key per field, and a field that workloads select by ARN suffix
//!   (`"${aws_secretsmanager_secret.db.arn}:password::"`) is added as
//!   `jsondecode(<value>)["password"]`.
//!
//! Values stay expressions: `random_password.db.result`, `var.db_password` and resource
//! attributes are carried over (and rewritten by the reference pass). A **literal** secret
//! value is never written into the deployment stack: it becomes a sensitive variable without
//! a default, set when the appliance is deployed (F374). So does the value of a secret that
//! the stack reads but does not create (`data "aws_secretsmanager_secret_version"` of a
//! secret outside the stack). Plain `String` SSM parameters are configuration, not secrets:
//! their literal values are kept.
//!
//! Every mapped secret exports `name` (the Kubernetes Secret's name, which workload rules use
//! for `secret_key_ref`) and its value attribute (`secret_string`, `value`); ARNs have no
//! equivalent. The report lists each secret by name and keys, never by value.
//!
//! A lookup of a secret outside the stack repeated with `count` / `for_each` over a collection
//! known at compile time becomes one Secret and one sensitive variable per instance, each
//! named after its own name; the reference pass reads an index, a splat or a `for` over it per
//! instance (`State::instance_keys`). Over an unknown collection it stays one variable (F204).

use super::{Cx, Export, Phase, RuleDef, State, k8s, var_ident};
use crate::diag::{Code, Diagnostic};
use crate::eval::Eval;
use crate::hclx;
use crate::origin::{Mode, Resource};
use crate::out::OutBody;
use crate::report::SecretRef;
use hcl::expr::TraversalOperator as Op;
use hcl::template::{Element, Template};
use hcl::{Expression, Value};

pub const RULES: &[RuleDef] = &[
    RuleDef {
        ty: "aws_secretsmanager_secret",
        mode: Mode::Managed,
        phase: Phase::Primary,
        produces: &["kubernetes_secret_v1"],
        args: &[
            "name",
            "name_prefix",
            "description",
            "kms_key_id",
            "policy",
            "recovery_window_in_days",
            "replica",
            "force_overwrite_replica_secret",
        ],
        summary: "Secrets Manager secret → kubernetes_secret_v1 in the appliance namespace (key `value`, plus one key per JSON field); a literal value becomes a sensitive variable",
        map: sm_secret,
    },
    RuleDef {
        ty: "aws_secretsmanager_secret_version",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &[
            "secret_id",
            "secret_string",
            "secret_binary",
            "secret_string_wo",
            "secret_string_wo_version",
            "version_stages",
        ],
        summary: "secret version → the data of its secret's kubernetes_secret_v1",
        map: sm_version,
    },
    RuleDef {
        ty: "aws_secretsmanager_secret_rotation",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &[
            "secret_id",
            "rotation_lambda_arn",
            "rotation_rules",
            "rotate_immediately",
        ],
        summary: "secret rotation → dropped (Kubernetes Secrets do not rotate; rotate by redeploying with a new value)",
        map: rotation,
    },
    RuleDef {
        ty: "aws_secretsmanager_secret_policy",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &["secret_arn", "policy", "block_public_policy"],
        summary: "secret resource policy → dropped (the Secret is readable in the appliance namespace only)",
        map: policy,
    },
    RuleDef {
        ty: "aws_ssm_parameter",
        mode: Mode::Managed,
        phase: Phase::Primary,
        produces: &["kubernetes_secret_v1"],
        args: &[
            "name",
            "type",
            "value",
            "insecure_value",
            "value_wo",
            "value_wo_version",
            "description",
            "tier",
            "key_id",
            "overwrite",
            "allowed_pattern",
            "data_type",
        ],
        summary: "SSM parameter (String, StringList, SecureString) → kubernetes_secret_v1 (key `value`); a literal SecureString becomes a sensitive variable",
        map: ssm_parameter,
    },
    RuleDef {
        ty: "aws_secretsmanager_secret",
        mode: Mode::Data,
        phase: Phase::Attach,
        produces: &["kubernetes_secret_v1"],
        args: &["arn", "name"],
        summary: "secret lookup → the stack's own secret, or a kubernetes_secret_v1 fed by a sensitive variable",
        map: data_secret,
    },
    RuleDef {
        ty: "aws_secretsmanager_secret_version",
        mode: Mode::Data,
        phase: Phase::Attach,
        produces: &["kubernetes_secret_v1"],
        args: &["secret_id", "version_id", "version_stage"],
        summary: "secret value lookup → the stack's own secret, or a kubernetes_secret_v1 fed by a sensitive variable",
        map: data_secret,
    },
    RuleDef {
        ty: "aws_secretsmanager_random_password",
        mode: Mode::Data,
        phase: Phase::Primary,
        produces: &["random_password"],
        args: &[
            "password_length",
            "exclude_characters",
            "exclude_lowercase",
            "exclude_numbers",
            "exclude_punctuation",
            "exclude_uppercase",
            "include_space",
            "require_each_included_type",
        ],
        summary: "random password from Secrets Manager → random_password (generated once, kept in state)",
        map: random_password,
    },
    RuleDef {
        ty: "aws_ssm_parameter",
        mode: Mode::Data,
        phase: Phase::Attach,
        produces: &["kubernetes_secret_v1"],
        args: &["name", "with_decryption"],
        summary: "SSM parameter lookup → the stack's own parameter, or a kubernetes_secret_v1 fed by a sensitive variable",
        map: data_secret,
    },
];

const SM_SECRET: &str = "aws_secretsmanager_secret";
const SM_VERSION: &str = "aws_secretsmanager_secret_version";
const SSM: &str = "aws_ssm_parameter";

// ---- values and keys ---------------------------------------------------------------------------

/// A value written into the origin as a literal (no reference, no variable).
fn is_literal(e: &Expression) -> bool {
    match e {
        Expression::String(_) | Expression::Number(_) | Expression::Bool(_) => true,
        Expression::TemplateExpr(t) => Template::from_expr(t).is_ok_and(|tpl| {
            tpl.elements()
                .iter()
                .all(|el| matches!(el, Element::Literal(_)))
        }),
        _ => false,
    }
}

/// Is `e` more than a literal (a reference, a call, a template with interpolations)?
pub fn has_reference(e: &Expression) -> bool {
    !matches!(e, Expression::Null) && !is_literal(e)
}

/// A sensitive variable for a secret value that must not be written into the stack.
fn value_variable(cx: &mut Cx<'_>, name: &str, what: &str) -> Expression {
    let mut v = OutBody::new();
    v.set(
        "description",
        Expression::String(format!("{what}; set when the appliance is deployed.")),
    );
    v.set("type", hclx::path(&["string"]));
    v.set("sensitive", Expression::Bool(true));
    cx.variable(name, v)
}

/// A secret for a variable description, without naming AWS types (the output never does):
/// "the Secrets Manager secret `prod/db`", "the SSM parameter `/app/key`".
fn describe(r: &Resource) -> String {
    let kind = if r.ty == SSM {
        "the SSM parameter"
    } else {
        "the Secrets Manager secret"
    };
    let name = ["name", "name_prefix"]
        .iter()
        .find_map(|k| hclx::attr(&r.body, k))
        .map(|e| match e {
            Expression::String(v) => v.clone(),
            other => hclx::to_template_part(other),
        })
        .unwrap_or_else(|| r.name.clone());
    format!("{kind} `{name}`")
}

/// The data of a Secret for a value expression: `(key, value)` pairs and where the value
/// comes from (for the report). Literals become sensitive variables named after `var_base`.
struct Data {
    pairs: Vec<(String, Expression)>,
    source: String,
}

/// Database types whose admin password DigitalOcean generates, with their password argument.
pub(crate) const DB_PASSWORDS: &[(&str, &str)] = &[
    ("aws_db_instance", "password"),
    ("aws_rds_cluster", "master_password"),
    ("aws_docdb_cluster", "master_password"),
    ("aws_elasticache_replication_group", "auth_token"),
];

/// A value that is a database's admin password in the origin (`random_password.db.result`,
/// also passed to `aws_db_instance.main.password`) → that database's password attribute, so
/// the reference pass gives the password DigitalOcean generated for the cluster (the origin's
/// value is not used there). Applied to every sub-expression.
pub fn database_passwords(cx: &Cx<'_>, value: &Expression) -> Expression {
    let mut known: Vec<(String, Expression)> = Vec::new();
    for (ty, attr) in DB_PASSWORDS {
        for db in cx.origin_of_type(ty) {
            if let Some(p) = hclx::attr(&db.body, attr)
                && !matches!(p, Expression::Null)
                && !is_literal(p)
                && !db.meta.is_repeated()
            {
                known.push((hclx::inline(p), hclx::path(&[ty, db.name.as_str(), attr])));
            }
        }
    }
    hclx::replace_by_text(value, &known)
}

/// A generated value (`random_password.db.result`) given to a database's admin password, which
/// DigitalOcean generates itself (F305): whatever else reads the value (outputs, locals, other
/// resources) wants the database's password, so it reads the cluster's instead, and the
/// generator is left out once nothing reads it any more (known gap #33).
#[derive(Debug, Clone)]
pub struct GeneratedPassword {
    /// The generator's address (`random_password.db`).
    pub source: String,
    /// The database's address (`aws_rds_cluster.main`).
    pub database: String,
    /// What `<source>.result` becomes before the reference pass
    /// (`aws_rds_cluster.main.master_password`, which that pass maps to the cluster's password).
    pub reads: Expression,
}

/// The generator whose value an admin password argument is: `random_password.x.result` (or
/// `random_string`), `data.aws_secretsmanager_random_password.x.random_password`, directly or
/// through locals and the `secret_string` of a Secrets Manager secret version that stores it
/// (`password = local.db_password`, `db_password = aws_secretsmanager_secret_version.db.secret_string`).
/// Its address (`random_password.x`, `data.aws_secretsmanager_random_password.x`); not when it
/// repeats.
fn generator_of(
    resources: &[Resource],
    locals: &[crate::origin::Local],
    e: &Expression,
    depth: u8,
) -> Option<String> {
    if depth > 4 {
        return None;
    }
    let (root, ops) = hclx::traversal_root(e)?;
    let (mode, ty, name) = match (root, ops) {
        (ty @ ("random_password" | "random_string"), [Op::GetAttr(n), Op::GetAttr(a)])
            if a.as_str() == "result" =>
        {
            (Mode::Managed, ty, n.as_str())
        }
        ("data", [Op::GetAttr(t), Op::GetAttr(n), Op::GetAttr(a)])
            if t.as_str() == "aws_secretsmanager_random_password"
                && a.as_str() == "random_password" =>
        {
            (Mode::Data, t.as_str(), n.as_str())
        }
        ("local", [Op::GetAttr(n)]) => {
            let l = locals.iter().find(|l| l.name == n.as_str())?;
            return generator_of(resources, locals, &l.expr, depth + 1);
        }
        ("aws_secretsmanager_secret_version", [Op::GetAttr(n), Op::GetAttr(a)])
            if a.as_str() == "secret_string" =>
        {
            let version = resources
                .iter()
                .find(|r| r.mode == Mode::Managed && r.ty == root && r.name == n.as_str())?;
            if version.meta.is_repeated() {
                return None;
            }
            let value = hclx::attr(&version.body, "secret_string")?;
            return generator_of(resources, locals, value, depth + 1);
        }
        _ => return None,
    };
    let generator = resources
        .iter()
        .find(|g| g.mode == mode && g.ty == ty && g.name == name)?;
    (!generator.meta.is_repeated()).then(|| generator.address().to_string())
}

/// Generators whose `result` is a mapped database's admin password: `random_password` or
/// `random_string`, neither repeated (`count`/`for_each`), read by one database only.
pub fn generated_admin_passwords(
    resources: &[Resource],
    locals: &[crate::origin::Local],
    st: &State,
) -> Vec<GeneratedPassword> {
    let mut out: Vec<GeneratedPassword> = Vec::new();
    let mut ambiguous: Vec<String> = Vec::new();
    for db in resources.iter().filter(|r| r.mode == Mode::Managed) {
        let Some((_, attr)) = DB_PASSWORDS.iter().find(|(ty, _)| *ty == db.ty) else {
            continue;
        };
        if db.meta.is_repeated() {
            continue;
        }
        // Only when the reference pass gives the cluster's password for it.
        let mapped = st
            .exports
            .get(db.address())
            .and_then(|x| x.attrs.get(attr))
            .is_some_and(|e| matches!(e, Export::Attr { .. }));
        if !mapped {
            continue;
        }
        let Some(source) =
            hclx::attr(&db.body, attr).and_then(|e| generator_of(resources, locals, e, 0))
        else {
            continue;
        };
        if out.iter().any(|g| g.source == source) {
            ambiguous.push(source);
            continue;
        }
        out.push(GeneratedPassword {
            source,
            database: db.address().to_string(),
            reads: hclx::path(&[db.ty.as_str(), db.name.as_str(), attr]),
        });
    }
    // OpenSearch's master user password, nested in `advanced_security_options`: the cluster
    // DigitalOcean generates a password for is the domain's emitted cluster.
    for db in resources.iter().filter(|r| {
        r.mode == Mode::Managed
            && matches!(
                r.ty.as_str(),
                "aws_opensearch_domain" | "aws_elasticsearch_domain"
            )
            && !r.meta.is_repeated()
    }) {
        let security = hclx::blocks(&db.body, "advanced_security_options");
        let user = security
            .first()
            .map(|b| hclx::blocks(b, "master_user_options"))
            .unwrap_or_default();
        let Some(Some((
            ty @ ("random_password" | "random_string"),
            [Op::GetAttr(name), Op::GetAttr(result)],
        ))) = user
            .first()
            .and_then(|b| hclx::attr(b, "master_user_password"))
            .map(hclx::traversal_root)
        else {
            continue;
        };
        let Some(cluster) = st
            .exports
            .get(db.address())
            .and_then(|x| x.primary.clone())
            .or_else(|| {
                st.outcomes
                    .get(db.address())
                    .and_then(|o| o.targets.first().cloned())
            })
            .filter(|t| t.starts_with("digitalocean_database_cluster."))
        else {
            continue;
        };
        let source = format!("{ty}.{}", name.as_str());
        if result.as_str() != "result"
            || resources
                .iter()
                .find(|g| g.mode == Mode::Managed && g.address() == source)
                .is_none_or(|g| g.meta.is_repeated())
        {
            continue;
        }
        if out.iter().any(|g| g.source == source) {
            ambiguous.push(source);
            continue;
        }
        let mut reads: Vec<&str> = cluster.split('.').collect();
        reads.push("password");
        out.push(GeneratedPassword {
            source,
            database: db.address().to_string(),
            reads: hclx::path(&reads),
        });
    }
    out.retain(|g| !ambiguous.contains(&g.source));
    out
}

/// Replaces `<generator>.result` inside `expr` with what it reads instead (see
/// [`GeneratedPassword`]).
pub fn read_generated_passwords(expr: &mut Expression, generated: &[GeneratedPassword]) {
    if generated.is_empty() {
        return;
    }
    // Most expressions read none: looking first costs no copy of their templates.
    let mut reads = false;
    hclx::walk(expr, &mut |x| {
        reads = reads || generated_at(x, generated).is_some();
    });
    if !reads {
        return;
    }
    hclx::walk_mut(expr, &mut |x| match generated_at(x, generated) {
        Some(g) => {
            *x = g.reads.clone();
            false
        }
        None => true,
    });
}

/// The [`GeneratedPassword`] whose plain `<generator>.result` `x` is (anything after it is not
/// a password's shape).
fn generated_at<'g>(
    x: &Expression,
    generated: &'g [GeneratedPassword],
) -> Option<&'g GeneratedPassword> {
    let (root, ops) = hclx::traversal_root(x)?;
    let source = match (root, ops) {
        (_, [Op::GetAttr(name), Op::GetAttr(result)])
            if root.starts_with("random_") && result.as_str() == "result" =>
        {
            format!("{root}.{}", name.as_str())
        }
        ("data", [Op::GetAttr(t), Op::GetAttr(name), Op::GetAttr(value)])
            if t.as_str() == "aws_secretsmanager_random_password"
                && value.as_str() == "random_password" =>
        {
            format!("data.{}.{}", t.as_str(), name.as_str())
        }
        _ => return None,
    };
    generated.iter().find(|g| g.source == source)
}
/// Database types whose `port` argument DigitalOcean does not take (it chooses the port).
const DB_PORTS: &[&str] = &[
    "aws_db_instance",
    "aws_rds_cluster",
    "aws_docdb_cluster",
    "aws_elasticache_cluster",
    "aws_elasticache_replication_group",
];

/// A variable or local (`var.db_port`) given to a mapped database's `port`, which DigitalOcean
/// chooses itself: where else the stack reads it (a secret, a container's environment, a module
/// argument), it means the database's port, so it reads the cluster's `port` instead.
/// The same holds for a variable or local given to a mapped database's admin password
/// (`password = var.password`, which DigitalOcean ignores: it generates the password): an
/// output or a secret passing it on means the database's password, so it reads the cluster's.
#[derive(Debug, Clone)]
pub struct DatabaseValue {
    /// `var.db_port` or `local.db_port` (or, for a database of another module, the plain
    /// reference its module call is given: `local.rds.master_password`).
    pub source: String,
    /// The database's address (in the report, with its folder, when it is another module's).
    pub database: String,
    /// What keeps the origin's value: the database's own resources (its address), or the
    /// call of the module that holds it (`module.aurora`).
    pub owner: String,
    /// The database's attribute the source was given to: `port`, `password`, `master_password`.
    pub attr: &'static str,
    /// What the source becomes before the reference pass (`aws_rds_cluster.main.port`).
    pub reads: Expression,
}

impl DatabaseValue {
    /// What the source was to the database, for messages: `port`, `admin password`,
    /// `admin user name`; and the cluster's attribute it now reads.
    pub fn what(&self) -> (&'static str, &'static str) {
        match self.attr {
            "port" => ("port", "port"),
            "username" | "master_username" => ("admin user name", "user"),
            _ => ("admin password", "password"),
        }
    }
}

/// The admin user name of a database whose admin password the stack reads: with the password
/// it reads the cluster's admin user (`doadmin`), so the pair stays one login.
pub(crate) const DB_USERNAMES: &[(&str, &str)] = &[
    ("aws_db_instance", "username"),
    ("aws_rds_cluster", "master_username"),
    ("aws_docdb_cluster", "master_username"),
];

/// Whether `e` is, exactly, what a database of `resources` is given as its `port`, admin password
/// or user name (`local.db_user`): a [`DatabaseValue`] source once the database is mapped. Rules
/// that look through locals keep such a one as written, for [`read_database_values`].
pub fn is_database_value_source(resources: &[Resource], e: &Expression) -> bool {
    let Some((root @ ("var" | "local"), [Op::GetAttr(name)])) = hclx::traversal_root(e) else {
        return false;
    };
    resources
        .iter()
        .filter(|r| r.mode == Mode::Managed && DB_PORTS.contains(&r.ty.as_str()))
        .any(|db| {
            let attrs = DB_PASSWORDS
                .iter()
                .chain(DB_USERNAMES)
                .filter(|(ty, _)| *ty == db.ty)
                .map(|(_, a)| *a)
                .chain(["port"]);
            attrs.into_iter().any(|a| {
                matches!(
                    hclx::attr(&db.body, a).and_then(hclx::traversal_root),
                    Some((r, [Op::GetAttr(n)])) if r == root && n.as_str() == name.as_str()
                )
            })
        })
}

/// The [`DatabaseValue`]s of a module: one database each (a value two databases use is left).
pub fn database_values(resources: &[Resource], st: &State) -> Vec<DatabaseValue> {
    let mut out: Vec<DatabaseValue> = Vec::new();
    let mut ambiguous: Vec<String> = Vec::new();
    for db in resources.iter().filter(|r| {
        r.mode == Mode::Managed && DB_PORTS.contains(&r.ty.as_str()) && !r.meta.is_repeated()
    }) {
        let of_type = |table: &[(&str, &'static str)]| {
            table
                .iter()
                .find(|(ty, _)| *ty == db.ty)
                .map(|(_, attr)| *attr)
        };
        let login = [of_type(DB_PASSWORDS), of_type(DB_USERNAMES)];
        for attr in std::iter::once("port").chain(login.into_iter().flatten()) {
            let mapped = st
                .exports
                .get(db.address())
                .and_then(|x| x.attrs.get(attr))
                .is_some_and(|e| matches!(e, Export::Attr { .. }));
            if !mapped {
                continue;
            }
            let Some(Some((root @ ("var" | "local"), [Op::GetAttr(name)]))) =
                hclx::attr(&db.body, attr).map(hclx::traversal_root)
            else {
                continue;
            };
            let source = format!("{root}.{}", name.as_str());
            if out.iter().any(|p| p.source == source) {
                ambiguous.push(source);
                continue;
            }
            out.push(DatabaseValue {
                source,
                database: db.address().to_string(),
                owner: db.address().to_string(),
                attr,
                reads: hclx::path(&[db.ty.as_str(), db.name.as_str(), attr]),
            });
        }
    }
    out.retain(|p| !ambiguous.contains(&p.source));
    out
}

/// Replaces each [`DatabaseValue`]'s source inside `expr` with what it reads on the cluster;
/// the indexes of the values replaced are added to `hits`. In a resource emitted for the origin
/// resource `origin`, a database's own resources keep what the origin gave it (the user it
/// creates keeps its name).
pub fn read_database_values(
    expr: &mut Expression,
    values: &[DatabaseValue],
    origin: Option<&str>,
    hits: &mut std::collections::BTreeSet<usize>,
) {
    if values.is_empty() {
        return;
    }
    // Most expressions read none: looking first costs no copy of their templates.
    let mut reads = false;
    hclx::walk(expr, &mut |x| {
        reads = reads || database_value_at(x, values, origin).is_some();
    });
    if !reads {
        return;
    }
    hclx::walk_mut(expr, &mut |x| {
        let Some(i) = database_value_at(x, values, origin) else {
            return true;
        };
        *x = values[i].reads.clone();
        hits.insert(i);
        false
    });
}

/// The [`DatabaseValue`] that `x` (`var.db_password`, `local.db.port`) is, outside its owner.
fn database_value_at(
    x: &Expression,
    values: &[DatabaseValue],
    origin: Option<&str>,
) -> Option<usize> {
    let (root @ ("var" | "local"), ops) = hclx::traversal_root(x)? else {
        return None;
    };
    let mut source = root.to_string();
    for o in ops {
        let Op::GetAttr(name) = o else {
            return None;
        };
        source.push('.');
        source.push_str(name.as_str());
    }
    values
        .iter()
        .position(|p| p.source == source && origin != Some(p.owner.as_str()))
}

/// A database host written into a connection string followed by the origin's port as a literal
/// (`"postgresql://…@${aws_rds_cluster.main.endpoint}:5432/app"`): DigitalOcean chooses the
/// cluster's port (25060 for PostgreSQL), so the literal becomes the cluster's `port`.
#[derive(Debug, Clone)]
pub struct LiteralPort {
    /// The database's address (`aws_rds_cluster.main`).
    pub database: String,
    /// Its type and name, to recognise a host reference.
    ty: String,
    name: String,
    /// Attributes that are the database's host name without a port.
    hosts: &'static [&'static str],
    /// The port the origin database listens on (its `port`, or the engine's default).
    pub port: u32,
}

/// Host attributes (no port in them) by database type.
const DB_HOSTS: &[(&str, &[&str])] = &[
    ("aws_db_instance", &["address"]),
    ("aws_rds_cluster", &["endpoint", "reader_endpoint"]),
    ("aws_docdb_cluster", &["endpoint", "reader_endpoint"]),
    (
        "aws_elasticache_replication_group",
        &[
            "primary_endpoint_address",
            "reader_endpoint_address",
            "configuration_endpoint_address",
        ],
    ),
    (
        "aws_elasticache_cluster",
        &["cluster_address", "cache_nodes"],
    ),
];

/// Whether `attr` of a database of type `ty` is its host name without a port
/// (`aws_db_instance` `address`, `aws_elasticache_cluster` `cache_nodes`).
pub fn is_host_attr(ty: &str, attr: &str) -> bool {
    DB_HOSTS
        .iter()
        .any(|(t, hosts)| *t == ty && hosts.contains(&attr))
}

/// The engine's default port on AWS.
pub fn default_port(ty: &str, engine: &str) -> Option<u32> {
    match (ty, engine) {
        ("aws_docdb_cluster", _) => Some(27017),
        ("aws_elasticache_replication_group", _) => Some(6379),
        ("aws_elasticache_cluster", "memcached") => Some(11211),
        ("aws_elasticache_cluster", _) => Some(6379),
        (_, e) if e.contains("postgres") => Some(5432),
        (_, e) if e.contains("mysql") || e.contains("mariadb") || e == "aurora" => Some(3306),
        _ => None,
    }
}

/// The [`LiteralPort`]s of a module: mapped databases whose `port` reads the cluster's.
pub fn literal_ports(resources: &[Resource], st: &State, eval: &Eval) -> Vec<LiteralPort> {
    resources
        .iter()
        .filter(|r| r.mode == Mode::Managed)
        .filter_map(|db| {
            let hosts = DB_HOSTS.iter().find(|(ty, _)| *ty == db.ty)?.1;
            let mapped = st
                .exports
                .get(db.address())
                .and_then(|x| x.attrs.get("port"))
                .is_some_and(|e| matches!(e, Export::Attr { .. }));
            if !mapped {
                return None;
            }
            let port = match hclx::attr(&db.body, "port") {
                Some(e) => eval.number(e).filter(|n| n.fract() == 0.0 && *n > 0.0)? as u32,
                None => {
                    let engine = hclx::attr(&db.body, "engine")
                        .and_then(|e| eval.string(e))
                        .unwrap_or_default();
                    default_port(&db.ty, &engine)?
                }
            };
            Some(LiteralPort {
                database: db.address().to_string(),
                ty: db.ty.clone(),
                name: db.name.clone(),
                hosts,
                port,
            })
        })
        .collect()
}

/// Replaces, in the templates of `expr`, a [`LiteralPort`]'s port written right after its host
/// (`${aws_rds_cluster.main.endpoint}:5432`) with the database's `port` attribute (which the
/// reference pass maps to the cluster's); the indexes of the databases are added to `hits`.
pub fn read_literal_ports(
    expr: &mut Expression,
    ports: &[LiteralPort],
    hits: &mut std::collections::BTreeSet<usize>,
) {
    if ports.is_empty() {
        return;
    }
    // Only a template with an interpolation followed by `:` can hold one.
    hclx::rewrite_after_interpolations(expr, "}:", &mut |host, rest| {
        let (k, port, after) = port_after_host(host, rest, ports)?;
        hits.insert(k);
        let mut with = Template::new().add_literal(":").add_interpolation(port);
        if !after.is_empty() {
            with = with.add_literal(after);
        }
        Some(with)
    });
}

/// For a host interpolation and the literal after it (`:5432/app`): the database's index, its
/// `port` reference and the literal's rest (`/app`) when the literal starts with the database's
/// origin port.
fn port_after_host(
    host: &Expression,
    rest: &str,
    ports: &[LiteralPort],
) -> Option<(usize, Expression, String)> {
    let (k, port) = host_reference(host, ports)?;
    let digits = rest.strip_prefix(':')?;
    let end = digits
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(digits.len());
    if digits[..end].parse::<u32>().ok()? != ports[k].port {
        return None;
    }
    Some((k, port, digits[end..].to_string()))
}

/// A reference to the host of a [`LiteralPort`]'s database (`aws_db_instance.x.address`,
/// `aws_rds_cluster.x[0].endpoint`): the database's index and a reference to its `port`.
fn host_reference(host: &Expression, ports: &[LiteralPort]) -> Option<(usize, Expression)> {
    // A function's environment value is written `tostring(…)`.
    if let Expression::FuncCall(c) = host
        && c.name.name.as_str() == "tostring"
        && let [arg] = c.args.as_slice()
    {
        return host_reference(arg, ports);
    }
    let (root, name, keys, attr) = hclx::resource_attr(host)?;
    let k = ports.iter().position(|p| {
        p.ty == root && p.name == name.as_str() && p.hosts.contains(&attr.as_str())
    })?;
    let mut port_ops = vec![Op::GetAttr(name.clone())];
    port_ops.extend(keys.iter().cloned());
    port_ops.push(Op::GetAttr(hcl::Identifier::unchecked("port")));
    Some((k, hclx::traversal(root, port_ops)))
}

/// A setting named like a port (`DB_PORT`, `redis_port`) whose value is a [`LiteralPort`]'s
/// origin port as a literal (`"3306"`), set beside that database's host (`DB_HOST =
/// aws_db_instance.x.address`) in one environment: a container's `env` blocks, an object
/// (`variables = { … }`), a list of `{ name, value }` objects, or a module call's arguments.
/// It reads the database's `port` instead (the reference pass maps it to the cluster's, which
/// DigitalOcean chooses); the database's index and the settings' names go to `hits`.
pub fn read_literal_port_settings(
    body: &mut OutBody,
    ports: &[LiteralPort],
    hits: &mut std::collections::BTreeMap<usize, Vec<String>>,
) {
    if ports.is_empty() {
        return;
    }
    let settings = body
        .items
        .iter_mut()
        .filter_map(|i| match i {
            crate::out::Item::Block(b) => Some(&mut b.body),
            crate::out::Item::Attr(..) => None,
        })
        .filter_map(|b| {
            let name = match b.get("name") {
                Some(Expression::String(s)) => s.clone(),
                _ => return None,
            };
            Some((name, b.get_mut("value")?))
        })
        .collect();
    fix_port_settings(settings, ports, hits, false);
    for item in &mut body.items {
        match item {
            crate::out::Item::Block(b) => read_literal_port_settings(&mut b.body, ports, hits),
            crate::out::Item::Attr(_, x) => read_literal_port_settings_in_expr(x, ports, hits),
        }
    }
}

/// [`read_literal_port_settings`] over an origin body (a module call's arguments, an output).
pub fn read_literal_port_settings_in_body(
    body: &mut hcl::Body,
    ports: &[LiteralPort],
    hits: &mut std::collections::BTreeMap<usize, Vec<String>>,
) {
    if ports.is_empty() {
        return;
    }
    let settings = body
        .attributes_mut()
        .map(|a| (a.key.to_string(), &mut a.expr))
        .collect();
    fix_port_settings(settings, ports, hits, false);
    for s in body.0.iter_mut() {
        match s {
            hcl::Structure::Attribute(a) => {
                read_literal_port_settings_in_expr(&mut a.expr, ports, hits)
            }
            hcl::Structure::Block(b) => {
                read_literal_port_settings_in_body(&mut b.body, ports, hits)
            }
        }
    }
}

/// [`read_literal_port_settings`] over the objects and lists of `{ name, value }` objects of
/// an expression.
pub fn read_literal_port_settings_in_expr(
    expr: &mut Expression,
    ports: &[LiteralPort],
    hits: &mut std::collections::BTreeMap<usize, Vec<String>>,
) {
    if ports.is_empty() {
        return;
    }
    hclx::walk_mut(expr, &mut |x| {
        match x {
            Expression::Object(o) => {
                let settings = o
                    .iter_mut()
                    .filter_map(|(k, v)| Some((hclx::object_key(k)?, v)))
                    .collect();
                fix_port_settings(settings, ports, hits, true);
            }
            Expression::Array(items) => {
                let settings = items
                    .iter_mut()
                    .filter_map(|e| {
                        let Expression::Object(o) = e else {
                            return None;
                        };
                        let mut name = None;
                        let mut value = None;
                        for (k, v) in o.iter_mut() {
                            match (hclx::object_key(k).as_deref(), &*v) {
                                (Some("name"), Expression::String(s)) => name = Some(s.clone()),
                                (Some("value"), _) => value = Some(v),
                                _ => {}
                            }
                        }
                        Some((name?, value?))
                    })
                    .collect();
                fix_port_settings(settings, ports, hits, true);
            }
            _ => {}
        }
        // A template holds no environment of its own (and walking one copies it).
        !matches!(x, Expression::TemplateExpr(_))
    });
}

/// The settings of one environment: the port settings whose literal is the origin port of a
/// database whose host another setting reads. With several such databases, the one whose
/// host setting has the same prefix (`READER_DB_HOST` / `READER_DB_PORT`). `quote`: a string
/// literal becomes a string template, so a JSON document keeps its types.
fn fix_port_settings(
    mut settings: Vec<(String, &mut Expression)>,
    ports: &[LiteralPort],
    hits: &mut std::collections::BTreeMap<usize, Vec<String>>,
    quote: bool,
) {
    if settings.len() < 2 {
        return;
    }
    let hosts: Vec<(String, usize, Expression)> = settings
        .iter()
        .filter_map(|(name, v)| {
            let (k, port) = host_reference(v, ports)?;
            Some((
                setting_prefix(name, &["HOST", "ADDRESS", "ENDPOINT", "HOSTNAME", "SERVER"])?,
                k,
                port,
            ))
        })
        .collect();
    if hosts.is_empty() {
        return;
    }
    for (name, v) in settings.iter_mut() {
        let Some(prefix) = setting_prefix(name, &["PORT"]) else {
            continue;
        };
        let (literal, is_string) = match &**v {
            Expression::String(s) => (s.parse::<u32>().ok(), true),
            Expression::Number(n) => (n.as_u64().and_then(|n| u32::try_from(n).ok()), false),
            _ => continue,
        };
        let Some(literal) = literal else {
            continue;
        };
        let candidates: Vec<&(String, usize, Expression)> = hosts
            .iter()
            .filter(|(_, k, _)| ports[*k].port == literal)
            .collect();
        let chosen = match candidates.as_slice() {
            [one] => Some(*one),
            many => {
                let same: Vec<_> = many.iter().filter(|(p, ..)| *p == prefix).collect();
                match same.as_slice() {
                    [one] => Some(**one),
                    _ => None,
                }
            }
        };
        let Some((_, k, port)) = chosen else {
            continue;
        };
        **v = if quote && is_string {
            Expression::from(hcl::expr::TemplateExpr::QuotedString(format!(
                "${{{}}}",
                hclx::inline(port)
            )))
        } else {
            port.clone()
        };
        let names = hits.entry(*k).or_default();
        if !names.contains(name) {
            names.push(name.clone());
        }
    }
}

/// The prefix of a setting named `<prefix><suffix>` (`DB_HOST` → `DB`, `port` → ``), in upper
/// case without trailing separators; `None` when the name has none of the suffixes.
fn setting_prefix(name: &str, suffixes: &[&str]) -> Option<String> {
    let upper = name.to_ascii_uppercase();
    let stem = suffixes.iter().find_map(|s| upper.strip_suffix(s))?;
    Some(stem.trim_end_matches(['_', '-', '.']).to_string())
}

/// [`read_database_values`] over every attribute of a body, nested blocks included.
/// `origin`: what the body belongs to (`module.aurora` for a module call's arguments).
pub fn read_database_values_in(
    body: &mut hcl::Body,
    values: &[DatabaseValue],
    origin: Option<&str>,
    hits: &mut std::collections::BTreeSet<usize>,
) {
    if values.is_empty() {
        return;
    }
    for s in body.0.iter_mut() {
        match s {
            hcl::Structure::Attribute(a) => read_database_values(&mut a.expr, values, origin, hits),
            hcl::Structure::Block(b) => read_database_values_in(&mut b.body, values, origin, hits),
        }
    }
}

/// [`read_generated_passwords`] over every attribute of a body, nested blocks included.
pub fn read_generated_passwords_in(body: &mut hcl::Body, generated: &[GeneratedPassword]) {
    if generated.is_empty() {
        return;
    }
    for s in body.0.iter_mut() {
        match s {
            hcl::Structure::Attribute(a) => read_generated_passwords(&mut a.expr, generated),
            hcl::Structure::Block(b) => read_generated_passwords_in(&mut b.body, generated),
        }
    }
}

fn data_for_value(cx: &mut Cx<'_>, r: &Resource, value: &Expression, var_base: &str) -> Data {
    let value = &database_passwords(cx, value);
    // `jsonencode({ username = "app", password = random_password.db.result })`
    if let Expression::FuncCall(f) = value
        && f.name.name.as_str() == "jsonencode"
        && let Some(Expression::Object(obj)) = f.args.first()
    {
        let mut fields = Vec::new();
        let mut vars = Vec::new();
        let mut new_obj = obj.clone();
        for (k, v) in new_obj.iter_mut() {
            let Some(key) = hclx::object_key(k) else {
                continue;
            };
            if is_literal(v) {
                let var = value_variable(
                    cx,
                    &format!("{var_base}_{}", var_ident(&key)),
                    &format!("Field `{key}` of {}", describe(r)),
                );
                vars.push(key.clone());
                *v = var;
            }
            fields.push((key, v.clone()));
        }
        let mut whole = (**f).clone();
        whole.args = vec![Expression::Object(new_obj)];
        let mut pairs = vec![("value".to_string(), Expression::FuncCall(Box::new(whole)))];
        pairs.extend(fields);
        let source = if vars.is_empty() {
            "a JSON object built in the stack".to_string()
        } else {
            format!(
                "a JSON object built in the stack; sensitive variables for its literal fields ({})",
                vars.join(", ")
            )
        };
        if !vars.is_empty() {
            literal_note(cx, r, &vars);
        }
        return Data { pairs, source };
    }
    if is_literal(value) {
        let var = value_variable(cx, var_base, &format!("Value of {}", describe(r)));
        literal_note(cx, r, &[]);
        let mut pairs = vec![("value".to_string(), var.clone())];
        // A literal JSON object: one key per field, read from the variable.
        if let Some(s) = cx.eval.string(value)
            && let Ok(serde_json::Value::Object(m)) = serde_json::from_str(&s)
        {
            for k in m.keys() {
                pairs.push((k.clone(), json_field(&var, k)));
            }
        }
        return Data {
            pairs,
            source: format!("sensitive variable `{}`", hclx::inline(&var)),
        };
    }
    let mut pairs = vec![("value".to_string(), value.clone())];
    // A variable (or local) whose static value is a JSON object: one key per field.
    if let Some(s) = cx.eval.string(value)
        && let Ok(serde_json::Value::Object(m)) = serde_json::from_str(&s)
    {
        for k in m.keys() {
            pairs.push((k.clone(), json_field(value, k)));
        }
    }
    Data {
        pairs,
        source: source_of(value),
    }
}

/// The Kubernetes Secret and key a workload's environment variable reads when its value is a
/// whole secret of the stack — the string of a Secrets Manager version
/// (`data.aws_secretsmanager_secret_version.db.secret_string`), the value of a `SecureString`
/// parameter or of a parameter lookup (key `value`) — or a field of a JSON secret that its
/// Secret holds as a key of its own (`jsondecode(….secret_string)["password"]`). Workload rules
/// then emit a `secretKeyRef` instead of writing the value into the workload's spec. The
/// Secret's name is the secret's `name` export (`<secret>.name`), which the reference pass
/// resolves like every other reference: workload rules run before the secret rules.
pub fn secret_key(cx: &Cx<'_>, v: &Expression) -> Option<(Expression, String)> {
    let Expression::Traversal(t) = v else {
        return None;
    };
    if let Expression::FuncCall(f) = &t.expr
        && f.name.name.as_str() == "jsondecode"
        && let [field] = t.operators.as_slice()
        && let [arg] = f.args.as_slice()
    {
        let key = match field {
            Op::GetAttr(k) => k.to_string(),
            Op::Index(Expression::String(k)) => k.clone(),
            _ => return None,
        };
        let Expression::Traversal(inner) = arg else {
            return None;
        };
        let (Op::GetAttr(attr), object) = inner.operators.split_last()? else {
            return None;
        };
        let version = cx.resolve_ref(arg)?;
        return (attr.as_str() == "secret_string" && holds_json_field(cx, version, &key))
            .then(|| (name_of(&inner.expr, object), key));
    }
    let (Op::GetAttr(attr), object) = t.operators.split_last()? else {
        return None;
    };
    let target = cx.resolve_ref(v)?;
    let secret = match (target.ty.as_str(), attr.as_str()) {
        (SM_VERSION, "secret_string") => true,
        (SSM, "value") => {
            target.mode == Mode::Data
                || hclx::attr(&target.body, "type")
                    .and_then(|e| cx.eval.string(e))
                    .is_some_and(|ty| ty == "SecureString")
        }
        _ => false,
    };
    secret.then(|| (name_of(&t.expr, object), "value".to_string()))
}

/// `<root><object>.name`: the `name` export of the secret `aws_ssm_parameter` + `.key[0]`.
fn name_of(root: &Expression, object: &[Op]) -> Expression {
    let mut name = hcl::expr::Traversal::new(root.clone(), object.to_vec());
    name.operators
        .push(Op::GetAttr(hcl::Identifier::unchecked("name")));
    Expression::from(name)
}

/// Whether the Kubernetes Secret of the managed secret version `version` holds the JSON field
/// `key` as a key of its own (what [`data_for_value`] adds: the fields of a `jsonencode({…})`
/// object, of a literal JSON object, of a variable whose static value is one).
fn holds_json_field(cx: &Cx<'_>, version: &Resource, key: &str) -> bool {
    if version.ty != SM_VERSION || version.mode != Mode::Managed {
        return false;
    }
    let Some(value) = hclx::attr(&version.body, "secret_string") else {
        return false;
    };
    if let Expression::FuncCall(f) = value
        && f.name.name.as_str() == "jsonencode"
    {
        return matches!(f.args.first(), Some(Expression::Object(o))
            if o.keys().any(|k| hclx::object_key(k).as_deref() == Some(key)));
    }
    cx.eval.string(value).is_some_and(|s| {
        matches!(serde_json::from_str(&s), Ok(serde_json::Value::Object(m)) if m.contains_key(key))
    })
}

/// Where a value comes from, for the report: the objects it reads (`random_password.db`,
/// `var.db_password`), never its text (literal parts of a template may be secret).
fn source_of(value: &Expression) -> String {
    let mut refs: Vec<String> = Vec::new();
    hclx::walk(value, &mut |x| {
        if let Some((root, ops)) = hclx::traversal_root(x)
            && !ops.is_empty()
        {
            let mut name = root.to_string();
            for op in ops.iter().take(if root == "data" { 2 } else { 1 }) {
                if let Op::GetAttr(a) = op {
                    name.push('.');
                    name.push_str(a.as_str());
                }
            }
            if !refs.contains(&name) {
                refs.push(name);
            }
        }
    });
    if refs.is_empty() {
        "a value computed in the stack".into()
    } else {
        format!(
            "computed in the stack from {}",
            refs.iter()
                .map(|r| format!("`{r}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

/// `jsondecode(<value>)["key"]`.
fn json_field(value: &Expression, key: &str) -> Expression {
    format!(
        "jsondecode({})[{}]",
        hclx::inline(value),
        crate::emit::quote(key)
    )
    .parse()
    .unwrap_or(Expression::Null)
}

fn literal_note(cx: &mut Cx<'_>, r: &Resource, fields: &[String]) {
    let what = if fields.is_empty() {
        "its value".to_string()
    } else {
        format!("the literal fields {}", fields.join(", "))
    };
    cx.diag(
        Diagnostic::new(
            Code::SecretValueAtDeploy,
            format!(
                "`{}` writes {what} into the origin; the deployment stack never holds literal secrets, so they are sensitive variables set when the appliance is deployed",
                r.address()
            ),
        )
        .at(r.loc.clone())
        .resource(r.address())
        .help("generate the value in the stack (`random_password`) or pass it as a sensitive variable in the origin too"),
    );
}

/// JSON keys that workloads select from the secret `target` with an ARN suffix
/// (`"${aws_secretsmanager_secret.db.arn}:password::"`), anywhere in the module.
fn selected_keys(cx: &Cx<'_>, target: &Resource) -> Vec<String> {
    let mut keys = Vec::new();
    // Only resources that mention the secret can select from it (the module's reference index).
    for r in cx.referrers(target).resources {
        hclx::walk_body(&r.body, &mut |e| {
            if let Expression::TemplateExpr(t) = e
                && let Ok(tpl) = Template::from_expr(t)
            {
                let els = tpl.elements();
                for w in els.windows(2) {
                    if let (Element::Interpolation(i), Element::Literal(l)) = (&w[0], &w[1])
                        && refers_to(&i.expr, target)
                        && let Some(k) = arn_json_key(l)
                        && !keys.contains(&k)
                    {
                        keys.push(k);
                    }
                }
            }
        });
    }
    keys
}

/// The JSON key of a Secrets Manager ARN suffix (`:password::` → `password`).
pub fn arn_json_key(suffix: &str) -> Option<String> {
    let rest = suffix.strip_prefix(':')?;
    let key = rest.split(':').next()?;
    (!key.is_empty()).then(|| key.to_string())
}

fn refers_to(e: &Expression, target: &Resource) -> bool {
    let mut hit = false;
    hclx::walk(e, &mut |x| {
        let Some((root, ops)) = hclx::traversal_root(x) else {
            return;
        };
        hit |= match (target.mode, root, ops) {
            (Mode::Managed, r, [Op::GetAttr(n), ..]) => r == target.ty && n.as_str() == target.name,
            (Mode::Data, "data", [Op::GetAttr(t), Op::GetAttr(n), ..]) => {
                t.as_str() == target.ty && n.as_str() == target.name
            }
            _ => false,
        };
    });
    hit
}

/// The Kubernetes name of a secret (`db_credentials` → `db-credentials`).
fn k8s_name(cx: &Cx<'_>, r: &Resource) -> String {
    // The Terraform name: stable and readable. The origin's secret name often carries the
    // instance id, which the appliance namespace already does.
    let base = k8s::dns_label(&r.name, "secret");
    k8s::unique_object_name(cx.st, "kubernetes_secret_v1", &base)
}

/// The `metadata.name` expression: the name, with the instance's index for a repeated secret.
fn name_expr(r: &Resource, name: &str) -> Expression {
    if r.meta.count.is_some() {
        hclx::template(format!("{name}-${{count.index}}"))
    } else if r.meta.for_each.is_some() {
        hclx::template(format!("{name}-${{each.key}}"))
    } else {
        Expression::String(name.to_string())
    }
}

/// The `lifecycle` of an AWS secret or parameter on its Kubernetes Secret: `ignore_changes` of
/// its value (`value`, `insecure_value`, `secret_string`, `secret_binary` — a value the
/// application rewrites at run time, which an apply must not reset) becomes `data`, `all` stays
/// `all`; `prevent_destroy` and `create_before_destroy` are kept. Returns what else there was.
fn secret_lifecycle(l: Option<hcl::Body>) -> (Option<hcl::Body>, Vec<String>) {
    let Some(l) = l else {
        return (None, Vec::new());
    };
    let mut out = hcl::Body::builder();
    let mut kept = false;
    let mut dropped = Vec::new();
    for st in l.into_iter() {
        match st {
            hcl::Structure::Attribute(a)
                if matches!(a.key.as_str(), "prevent_destroy" | "create_before_destroy") =>
            {
                out = out.add_attribute(a);
                kept = true;
            }
            hcl::Structure::Attribute(a) if a.key.as_str() == "ignore_changes" => {
                let items = match &a.expr {
                    Expression::Array(items) => items.iter().map(hclx::inline).collect(),
                    other => vec![hclx::inline(other)],
                };
                let mut data = false;
                for item in items {
                    match item.as_str() {
                        "all" => {
                            out = out.add_attribute(("ignore_changes", hclx::path(&["all"])));
                            kept = true;
                        }
                        "value" | "insecure_value" | "secret_string" | "secret_binary" => {
                            data = true
                        }
                        _ => dropped.push(format!("`ignore_changes` entry `{item}`")),
                    }
                }
                if data {
                    out = out.add_attribute((
                        "ignore_changes",
                        Expression::Array(vec![hclx::path(&["data"])]),
                    ));
                    kept = true;
                }
            }
            hcl::Structure::Attribute(a) => dropped.push(format!("`{}`", a.key.as_str())),
            hcl::Structure::Block(b) => dropped.push(format!("`{}`", b.identifier.as_str())),
        }
    }
    (kept.then(|| out.build()), dropped)
}

/// Emits the Secret for `r` with `data`; records the report entry and the `name` export.
fn emit_secret(cx: &mut Cx<'_>, r: &Resource, name: &str, data: Data) -> String {
    let ns = cx.k8s_namespace();
    let keys: Vec<String> = data.pairs.iter().map(|(k, _)| k.clone()).collect();
    let body = k8s::secret(
        name_expr(r, name),
        ns,
        k8s::map(data.pairs),
        None,
        Some(k8s::map([
            (
                "app.kubernetes.io/managed-by",
                Expression::String("ferry".into()),
            ),
            ("ferry.dev/instance-id", hclx::path(&["var", "instance_id"])),
        ])),
    );
    let addr = cx.emit_as(r, Mode::Managed, "kubernetes_secret_v1", &r.name, body);
    let mut dropped = Vec::new();
    if let Some(e) = cx.emitted_mut(&addr) {
        // A `lifecycle` of the AWS secret names AWS arguments: its value is the Secret's `data`.
        let (lifecycle, lost) = secret_lifecycle(e.meta.lifecycle.take());
        e.meta.lifecycle = lifecycle;
        dropped = lost;
    }
    if !dropped.is_empty() {
        cx.diag(
            Diagnostic::new(
                Code::ArgumentDropped,
                format!(
                    "`{}`: `lifecycle` settings with no counterpart on `kubernetes_secret_v1` are not carried over: {}",
                    r.address(),
                    dropped.join(", ")
                ),
            )
            .at(r.loc.clone())
            .resource(r.address()),
        );
    }
    cx.secret(SecretRef {
        origin: r.address().to_string(),
        target: addr.clone(),
        keys,
        source: data.source,
    });
    name_export(cx, r, &addr);
    addr
}

fn name_export(cx: &mut Cx<'_>, r: &Resource, addr: &str) {
    cx.export(
        r,
        "name",
        Export::Tmpl {
            target: addr.to_string(),
            tmpl: "$T.metadata[0].name".into(),
        },
    );
}

fn value_export(cx: &mut Cx<'_>, r: &Resource, attr: &'static str, addr: &str) {
    cx.export(
        r,
        attr,
        Export::Tmpl {
            target: addr.to_string(),
            tmpl: "$T.data[\"value\"]".into(),
        },
    );
}

/// `arn` and `id` → the Secret's identity in the appliance (`<namespace>/<name>`): what
/// identifies the secret there. An application that calls AWS with it must read its
/// environment instead (the lints flag SDK calls).
fn identity_exports(cx: &mut Cx<'_>, r: &Resource, addr: &str) {
    for a in ["arn", "id"] {
        cx.export(
            r,
            a,
            Export::Attr {
                target: addr.to_string(),
                attr: "id".into(),
            },
        );
    }
}

// ---- Secrets Manager --------------------------------------------------------------------------

fn sm_secret(r: &Resource, cx: &mut Cx<'_>) {
    let name = k8s_name(cx, r);
    let versions = cx.referencing(SM_VERSION, "secret_id", r);
    let value = versions.first().and_then(|v| {
        ["secret_string", "secret_string_wo", "secret_binary"]
            .iter()
            .find_map(|k| hclx::attr(&v.body, k).map(|e| (*k, e.clone())))
    });
    let var_base = format!("secret_{}", var_ident(&r.name));
    let mut data = match &value {
        Some((_, v)) => data_for_value(cx, r, v, &var_base),
        None => {
            let var = value_variable(
                cx,
                &var_base,
                &format!(
                    "Value of {} (the origin stores it outside Terraform)",
                    describe(r)
                ),
            );
            cx.diag(
                Diagnostic::new(
                    Code::SecretValueAtDeploy,
                    format!(
                        "`{}` has no `aws_secretsmanager_secret_version` in the stack; its value becomes the sensitive variable `{}`, set when the appliance is deployed",
                        r.address(),
                        hclx::inline(&var)
                    ),
                )
                .at(r.loc.clone())
                .resource(r.address())
                .help("add an `aws_secretsmanager_secret_version` (e.g. from a `random_password`) to generate the value in the stack"),
            );
            Data {
                pairs: vec![("value".into(), var.clone())],
                source: format!("sensitive variable `{}`", hclx::inline(&var)),
            }
        }
    };
    // Keys workloads select by ARN suffix.
    let whole = data
        .pairs
        .first()
        .map(|(_, v)| v.clone())
        .unwrap_or(Expression::Null);
    for k in selected_keys(cx, r) {
        if !data.pairs.iter().any(|(x, _)| *x == k) {
            data.pairs.push((k.clone(), json_field(&whole, &k)));
        }
    }
    let binary = matches!(&value, Some(("secret_binary", _)));
    let addr = emit_secret(cx, r, &name, data);
    if binary && let Some(e) = cx.emitted_mut(&addr) {
        // `secret_binary` is base64 already: it goes to `binary_data`.
        if let Some(d) = e.body.remove("data") {
            e.body.set("binary_data", d);
        }
    }
    cx.note(
        r,
        format!(
            "Kubernetes Secret `{name}` in the appliance namespace; workloads read it as environment variables"
        ),
    );
    identity_exports(cx, r, &addr);
}

fn sm_version(r: &Resource, cx: &mut Cx<'_>) {
    let parent = cx
        .referenced(r, "secret_id")
        .filter(|p| p.ty == SM_SECRET && p.mode == Mode::Managed);
    match parent.and_then(|_| cx.parent(r, "secret_id")) {
        Some(addr) => {
            cx.absorb(
                r,
                &addr,
                "its value is the data of the secret's Kubernetes Secret",
            );
            value_export(cx, r, "secret_string", &addr);
            cx.export(
                r,
                "secret_binary",
                Export::Tmpl {
                    target: addr.clone(),
                    tmpl: "$T.binary_data[\"value\"]".into(),
                },
            );
            name_export(cx, r, &addr);
            for a in ["arn", "id", "version_id"] {
                cx.export(
                    r,
                    a,
                    Export::Unmapped("Kubernetes Secrets have no versions or ARNs".into()),
                );
            }
        }
        None => {
            // A version of a secret outside the stack: the appliance gets its own Secret.
            let value = ["secret_string", "secret_string_wo", "secret_binary"]
                .iter()
                .find_map(|k| hclx::attr(&r.body, k).cloned())
                .unwrap_or(Expression::Null);
            let var_base = format!("secret_{}", var_ident(&r.name));
            let data = data_for_value(cx, r, &value, &var_base);
            let name = k8s::dns_label(&r.name, "secret");
            let name = k8s::unique_object_name(cx.st, "kubernetes_secret_v1", &name);
            let addr = emit_secret(cx, r, &name, data);
            cx.note(
                r,
                "its secret is not part of the stack; the appliance keeps the value in its own Kubernetes Secret",
            );
            value_export(cx, r, "secret_string", &addr);
            name_export(cx, r, &addr);
        }
    }
}

fn rotation(r: &Resource, cx: &mut Cx<'_>) {
    cx.diag(
        Diagnostic::new(
            Code::FeatureUnsupported,
            format!(
                "`{}` rotates a secret with a Lambda function; Kubernetes Secrets do not rotate themselves",
                r.address()
            ),
        )
        .at(r.loc.clone())
        .resource(r.address())
        .help("rotate by deploying a new value (a new `random_password` keeper), or run the rotation as a Kubernetes CronJob"),
    );
    cx.drop(
        r,
        "Kubernetes Secrets have no rotation; a new value is deployed with a new release",
    );
}

fn policy(r: &Resource, cx: &mut Cx<'_>) {
    cx.drop(
        r,
        "Kubernetes Secrets are readable inside the appliance namespace only; resource policies have no equivalent",
    );
}

// ---- SSM parameters ---------------------------------------------------------------------------

fn ssm_parameter(r: &Resource, cx: &mut Cx<'_>) {
    let ty = cx.str(r, "type").unwrap_or_else(|| "String".into());
    let secure = ty == "SecureString";
    let name = k8s_name(cx, r);
    let value = ["value", "value_wo", "insecure_value"]
        .iter()
        .find_map(|k| hclx::attr(&r.body, k).cloned());
    let var_base = format!("ssm_{}", var_ident(&r.name));
    let data = match &value {
        Some(v) if secure => data_for_value(cx, r, v, &var_base),
        Some(v) => Data {
            pairs: vec![("value".into(), v.clone())],
            source: if is_literal(v) {
                format!("the {ty} parameter's value (configuration, not a secret)")
            } else {
                source_of(v)
            },
        },
        None => {
            let var = value_variable(cx, &var_base, &format!("Value of {}", describe(r)));
            Data {
                pairs: vec![("value".into(), var.clone())],
                source: format!("sensitive variable `{}`", hclx::inline(&var)),
            }
        }
    };
    let addr = emit_secret(cx, r, &name, data);
    let plain = value.as_ref().filter(|v| !secure && is_literal(v)).cloned();
    match plain {
        // A plain configuration value: references read it directly.
        Some(v) => cx.export(r, "value", Export::Expr(v)),
        None => value_export(cx, r, "value", &addr),
    }
    match hclx::attr(&r.body, "insecure_value") {
        Some(v) => cx.export(r, "insecure_value", Export::Expr(v.clone())),
        None => value_export(cx, r, "insecure_value", &addr),
    }
    cx.note(
        r,
        format!(
            "Kubernetes Secret `{name}` (key `value`) in the appliance namespace; workloads read it as an environment variable"
        ),
    );
    identity_exports(cx, r, &addr);
    cx.export(
        r,
        "version",
        Export::Unmapped("Kubernetes Secrets have no versions".into()),
    );
}

// ---- lookups ----------------------------------------------------------------------------------

/// The origin secret a lookup reads, when it is part of the stack: by reference, or by a
/// static name (SSM names and Secrets Manager names or ARNs).
fn stack_target<'a>(cx: &Cx<'a>, r: &Resource) -> Option<&'a Resource> {
    let keys: &[&str] = match r.ty.as_str() {
        SM_VERSION => &["secret_id"],
        SSM => &["name"],
        _ => &["arn", "name"],
    };
    for k in keys {
        if let Some(t) = cx.referenced(r, k) {
            return match (t.ty.as_str(), t.mode) {
                (SM_SECRET | SSM, Mode::Managed) => Some(t),
                (SM_SECRET, Mode::Data) => stack_target(cx, t),
                _ => None,
            };
        }
        if let Some(v) = hclx::attr(&r.body, k).and_then(|e| cx.eval.string(e)) {
            let want_ty = if r.ty == SSM { SSM } else { SM_SECRET };
            if let Some(t) = find_by_name(cx, want_ty, &v) {
                return Some(t);
            }
        }
    }
    None
}

/// A managed secret or parameter of the stack whose static name matches `name_or_arn`.
pub fn find_by_name<'a>(cx: &Cx<'a>, ty: &str, name_or_arn: &str) -> Option<&'a Resource> {
    let wanted = if ty == SSM {
        let n = name_or_arn
            .split_once(":parameter")
            .map(|(_, n)| n)
            .unwrap_or(name_or_arn);
        n.trim_start_matches('/').to_string()
    } else {
        // `arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 chars>[:<json key>:…]`
        match name_or_arn.split_once(":secret:") {
            Some((_, rest)) => rest.split(':').next().unwrap_or(rest).to_string(),
            None => name_or_arn.to_string(),
        }
    };
    cx.origin_of_type(ty).find(|t| {
        hclx::attr(&t.body, "name")
            .and_then(|e| cx.eval.string(e))
            .is_some_and(|n| {
                let n = n.trim_start_matches('/');
                wanted == n
                    || (ty == SM_SECRET
                        && wanted.len() == n.len() + 7
                        && wanted.starts_with(n)
                        && wanted.as_bytes().get(n.len()) == Some(&b'-'))
            })
    })
}

/// The name of a secret outside the stack that a lookup reads (`platform/db`, `/shared/x`),
/// following a version lookup to the secret lookup it names; the lookup's name otherwise.
fn external_label(cx: &Cx<'_>, ev: &Eval, r: &Resource, depth: usize) -> String {
    let key = match r.ty.as_str() {
        SM_VERSION => "secret_id",
        SSM => "name",
        _ => {
            if hclx::attr(&r.body, "name").is_some() {
                "name"
            } else {
                "arn"
            }
        }
    };
    if depth < 4
        && let Some(t) = cx
            .referenced(r, key)
            .filter(|t| t.mode == Mode::Data && t.ty == SM_SECRET)
    {
        return external_label(cx, cx.eval, t, depth + 1);
    }
    hclx::attr(&r.body, key)
        .and_then(|e| ev.string(e))
        .map(|v| {
            v.split_once(":secret:")
                .map(|(_, n)| n.split(':').next().unwrap_or(n).to_string())
                .or_else(|| v.split_once(":parameter").map(|(_, n)| n.to_string()))
                .unwrap_or(v)
        })
        .unwrap_or_else(|| r.name.clone())
}

/// The punctuation Secrets Manager draws random passwords from (`GetRandomPassword`).
const AWS_PUNCTUATION: &str = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

/// `data "aws_secretsmanager_random_password"` → a `random_password` resource: the same length
/// and character classes, the excluded punctuation left out of `override_special`. The data
/// source drew a new password at every plan (stacks ignore its changes where they store it); the
/// resource draws one and keeps it in state, which is what those stacks meant.
fn random_password(r: &Resource, cx: &mut Cx<'_>) {
    let mut body = OutBody::new();
    let length = cx.num(r, "password_length").unwrap_or(32.0).round() as i64;
    body.set("length", Expression::Number(length.into()));
    let mut flag = |key: &str| cx.bool(r, key).unwrap_or(false);
    let (no_lower, no_upper, no_numbers, no_punctuation, each) = (
        flag("exclude_lowercase"),
        flag("exclude_uppercase"),
        flag("exclude_numbers"),
        flag("exclude_punctuation"),
        flag("require_each_included_type"),
    );
    let excluded = cx.str(r, "exclude_characters").unwrap_or_default();
    for (off, key) in [
        (no_lower, "lower"),
        (no_upper, "upper"),
        (no_numbers, "number"),
        (no_punctuation, "special"),
    ] {
        if off {
            body.set(key, Expression::Bool(false));
        }
    }
    if !no_punctuation && !excluded.is_empty() {
        let allowed: String = AWS_PUNCTUATION
            .chars()
            .filter(|c| !excluded.contains(*c))
            .collect();
        if allowed.is_empty() {
            body.set("special", Expression::Bool(false));
        } else {
            body.set("override_special", Expression::String(allowed));
        }
    }
    if each {
        for (off, key) in [
            (no_lower, "min_lower"),
            (no_upper, "min_upper"),
            (no_numbers, "min_numeric"),
            (no_punctuation, "min_special"),
        ] {
            if !off {
                body.set(key, Expression::Number(1.into()));
            }
        }
    }
    let addr = cx.emit_as(r, Mode::Managed, "random_password", &r.name, body);
    cx.export_attrs(r, &addr, &[("random_password", "result")]);
    let mut lost = Vec::new();
    if excluded.chars().any(|c| c.is_ascii_alphanumeric()) {
        lost.push("letters and digits in `exclude_characters`");
    }
    if cx.bool(r, "include_space") == Some(true) {
        lost.push("`include_space`");
    }
    let lost = if lost.is_empty() {
        String::new()
    } else {
        format!(
            "; {} cannot be expressed and are left out",
            lost.join(" and ")
        )
    };
    cx.note(
        r,
        format!("a `random_password` drawn once and kept in state (the data source drew a new one at every plan){lost}"),
    );
}

fn data_secret(r: &Resource, cx: &mut Cx<'_>) {
    if r.meta.is_repeated() && stack_target(cx, r).is_none() {
        match cx.eval.instances(&r.meta) {
            Some(all) if !all.is_empty() => {
                data_secret_instances(r, cx, all);
                return;
            }
            Some(_) => {}
            None => {
                let label = external_label(cx, cx.eval, r, 0);
                cx.diag(
                    Diagnostic::new(
                        Code::NotStatic,
                        format!(
                            "`{}` is repeated with `{}` over a collection not known at compile time: its instances become one Kubernetes Secret fed by one sensitive variable (named after `{label}`), so every instance reads the same value and a splat of it is that one value, not a list",
                            r.address(),
                            if r.meta.count.is_some() { "count" } else { "for_each" },
                        ),
                    )
                    .at(r.loc.clone())
                    .resource(r.address())
                    .help("give the collection a default or a value in a .tfvars file, so that each name becomes a sensitive variable of its own"),
                );
            }
        }
    }
    let ev = cx.eval;
    data_secret_one(r, cx, ev);
}

/// A lookup repeated over a collection known at compile time, outside the stack: one Secret
/// and one sensitive variable per instance (each named after its own name), its exports under
/// the instance's address (`data.aws_ssm_parameter.x[0]`, `…["key"]`), the keys recorded so
/// that the reference pass reads a splat or a computed index as a list (object) of them.
fn data_secret_instances(r: &Resource, cx: &mut Cx<'_>, all: Vec<(Value, Eval)>) {
    let addr = r.address().to_string();
    let before = cx.st.exports.remove(&addr);
    let mut combined: Option<crate::rules::OutcomeRec> = cx.st.outcomes.remove(&addr);
    let mut first: Option<crate::rules::Exports> = None;
    let mut notes = Vec::new();
    let mut keys = Vec::with_capacity(all.len());
    for (key, ev) in &all {
        let mut bound = r.clone();
        bound.meta.count = None;
        bound.meta.for_each = None;
        let suffix = match key {
            Value::String(k) => var_ident(k),
            other => other.to_string(),
        };
        bound.name = format!("{}_{suffix}", r.name);
        data_secret_one(&bound, cx, ev);
        let inst = crate::rules::instance_address(&addr, key);
        if let Some(x) = cx.st.exports.remove(&addr) {
            first.get_or_insert_with(|| x.clone());
            cx.st.exports.insert(inst.clone(), x);
        }
        if let Some(rec) = cx.st.outcomes.remove(&addr) {
            if let Some(n) = &rec.note {
                notes.push(format!("{}: {n}", inst.trim_start_matches(addr.as_str())));
            }
            match &mut combined {
                Some(c) => {
                    for t in rec.targets {
                        if !c.targets.contains(&t) {
                            c.targets.push(t);
                        }
                    }
                    if rec.outcome == crate::report::Outcome::Mapped {
                        c.outcome = rec.outcome;
                    }
                }
                None => combined = Some(rec),
            }
        }
        keys.push(key.clone());
    }
    // `data.x.value` without an index (which Terraform rejects for a repeated block) reads the
    // first instance, as before.
    if let Some(x) = first.or(before) {
        cx.st.exports.insert(addr.clone(), x);
    }
    if let Some(mut c) = combined {
        c.note = Some(format!(
            "repeated with `{}` over {} instances known at compile time, one each: {}",
            if r.meta.count.is_some() {
                "count"
            } else {
                "for_each"
            },
            keys.len(),
            notes.join("; ")
        ));
        cx.st.outcomes.insert(addr.clone(), c);
    }
    cx.st.instance_keys.insert(addr, keys);
}

/// One lookup (or one instance of a repeated one), its arguments evaluated in `ev`.
fn data_secret_one(r: &Resource, cx: &mut Cx<'_>, ev: &Eval) {
    let value_attr = match r.ty.as_str() {
        SM_VERSION => "secret_string",
        SSM => "value",
        _ => "",
    };
    if let Some(t) = stack_target(cx, r) {
        let target = cx
            .st
            .outcomes
            .get(t.address())
            .and_then(|o| o.targets.first().cloned());
        if let Some(addr) = target {
            cx.absorb(r, &addr, format!("reads the stack's own `{}`", t.address()));
            name_export(cx, r, &addr);
            if !value_attr.is_empty() {
                value_export(cx, r, value_attr, &addr);
            }
            if r.ty == SSM {
                value_export(cx, r, "insecure_value", &addr);
            }
            identity_exports(cx, r, &addr);
            return;
        }
    }
    // A secret the stack reads but does not create: one Secret per external name, fed by a
    // sensitive variable.
    let label = external_label(cx, ev, r, 0);
    let prefix = if r.ty == SSM { "ssm" } else { "secret" };
    let var_name = format!("{prefix}_{}", var_ident(&label));
    let existing = cx.st.emitted.iter().find(|e| {
        e.ty == "kubernetes_secret_v1"
            && e.body
                .get("data")
                .map(hclx::inline)
                .is_some_and(|d| d.contains(&format!("var.{var_name}")))
    });
    let addr = match existing {
        Some(e) => {
            let a = e.address();
            cx.absorb(r, &a, format!("the same external secret as `{a}`"));
            a
        }
        None => {
            let var = value_variable(
                cx,
                &var_name,
                &format!("Value of `{label}`, a secret the origin reads but does not create"),
            );
            cx.diag(
                Diagnostic::new(
                    Code::SecretValueAtDeploy,
                    format!(
                        "`{}` reads `{label}`, which is not part of the stack; its value becomes the sensitive variable `{}`, set when the appliance is deployed",
                        r.address(),
                        hclx::inline(&var)
                    ),
                )
                .at(r.loc.clone())
                .resource(r.address())
                .help("create the secret in the stack (with a `random_password` or a sensitive variable) so each appliance owns it"),
            );
            let name = k8s::dns_label(&label, "secret");
            let name = k8s::unique_object_name(cx.st, "kubernetes_secret_v1", &name);
            let addr = emit_secret(
                cx,
                r,
                &name,
                Data {
                    pairs: vec![("value".into(), var.clone())],
                    source: format!("sensitive variable `{}`", hclx::inline(&var)),
                },
            );
            cx.note(
                r,
                format!(
                    "Kubernetes Secret `{name}` (key `value`) fed by the sensitive variable `{}`",
                    hclx::inline(&var)
                ),
            );
            addr
        }
    };
    name_export(cx, r, &addr);
    if !value_attr.is_empty() {
        // References read the variable directly (no round trip through the cluster).
        cx.export(
            r,
            value_attr,
            Export::Expr(hclx::path(&["var", var_name.as_str()])),
        );
    }
    identity_exports(cx, r, &addr);
}

/// The Kubernetes Secret holding a database's admin user and password (`username`,
/// `password`), emitted once per database: DigitalOcean keeps both on the cluster, and the
/// reference pass gives the cluster's for the origin's attributes. Returns its address.
pub fn master_user_secret(cx: &mut Cx<'_>, db: &Resource) -> String {
    let ns = cx.k8s_namespace();
    master_user_secret_in(cx, db, ns)
}

/// [`master_user_secret`] in the namespace `ns` (a kept workload's, which can read Secrets of
/// its own namespace only): one per database and namespace.
pub fn master_user_secret_in(cx: &mut Cx<'_>, db: &Resource, ns: Expression) -> String {
    let (user, pass) = if db.ty == "aws_db_instance" {
        ("username", "password")
    } else {
        ("master_username", "master_password")
    };
    let origin = db.address().to_string();
    let existing = cx
        .st
        .emitted
        .iter()
        .find(|e| {
            e.ty == "kubernetes_secret_v1"
                && e.origin.as_deref() == Some(origin.as_str())
                && e.name.contains("_master_user_secret")
                && e.body
                    .blocks("metadata")
                    .any(|m| m.get("namespace") == Some(&ns))
        })
        .map(|e| e.address());
    if let Some(a) = existing {
        return a;
    }
    let data = k8s::map([
        (
            "username",
            hclx::path(&[db.ty.as_str(), db.name.as_str(), user]),
        ),
        (
            "password",
            hclx::path(&[db.ty.as_str(), db.name.as_str(), pass]),
        ),
    ]);
    let name = k8s::unique_object_name(
        cx.st,
        "kubernetes_secret_v1",
        &format!("{}-master-user", k8s::dns_label(&db.name, "db")),
    );
    let body = k8s::secret(Expression::String(name), ns, data, None, None);
    let addr = cx.emit_as(
        db,
        Mode::Managed,
        "kubernetes_secret_v1",
        &format!("{}_master_user_secret", db.name),
        body,
    );
    if let Some(e) = cx.emitted_mut(&addr) {
        e.meta = crate::origin::Meta::default();
    }
    cx.secret(crate::report::SecretRef {
        origin,
        target: addr.clone(),
        keys: vec!["username".into(), "password".into()],
        source: "the database cluster's admin user and generated password".into(),
    });
    addr
}

/// A database's admin password as a whole environment value (`aws_db_instance.db.password`,
/// `aws_rds_cluster.main.master_password`, or what `secrets::database_passwords` turned a
/// generated or passed-in password into): the database, not repeated.
pub fn admin_password_of<'a>(cx: &Cx<'a>, v: &Expression) -> Option<&'a Resource> {
    let (ty, [Op::GetAttr(name), Op::GetAttr(attr)]) = hclx::traversal_root(v)? else {
        return None;
    };
    let pass = match ty {
        "aws_db_instance" => "password",
        "aws_rds_cluster" | "aws_docdb_cluster" => "master_password",
        _ => return None,
    };
    if attr.as_str() != pass {
        return None;
    }
    cx.origin_of_type(ty)
        .find(|d| d.name == name.as_str() && !d.meta.is_repeated())
}

/// Is `v` a variable of the module declared `sensitive = true` (`var.api_key`)?
pub fn sensitive_variable(cx: &Cx<'_>, v: &Expression) -> bool {
    let Some(("var", [Op::GetAttr(name)])) = hclx::traversal_root(v) else {
        return false;
    };
    cx.module.variables.iter().any(|x| {
        x.name == name.as_str()
            && hclx::attr(&x.body, "sensitive").and_then(|e| cx.eval.bool(e)) == Some(true)
    })
}

/// The Kubernetes Secret (key `password`) of a database's admin password, or of a cache's
/// `default` user password (a replication group, known gap #350): its address.
pub fn password_secret_of(cx: &mut Cx<'_>, db: &Resource) -> String {
    if db.ty.starts_with("aws_elasticache_") {
        super::cache::password_secret(cx, db)
    } else {
        master_user_secret(cx, db)
    }
}

/// A template value that embeds databases' admin passwords
/// (`"postgres://app:${aws_db_instance.app.password}@…"`, after [`database_passwords`]) or a
/// cache's `auth_token` (`"rediss://:${var.redis_password}@…"`, [`super::cache::auth_token_of`]): the
/// template with each such interpolation replaced by `$(NAME)`, which Kubernetes expands from
/// a variable listed before it in the same container, and those variables (`NAME`, the
/// database), to be read from the database's admin Secret. So a connection string keeps the
/// password out of the Deployment's or Service's spec. `None` when it embeds none (or has
/// directives, which are left as written).
pub fn embedded_admin_passwords<'a>(
    cx: &Cx<'a>,
    v: &Expression,
) -> Option<(Expression, Vec<(String, &'a Resource)>)> {
    let Expression::TemplateExpr(t) = v else {
        return None;
    };
    let template = hclx::parse_template(t)?;
    let mut out = Template::new();
    let mut vars: Vec<(String, &'a Resource)> = Vec::new();
    for el in template.elements() {
        match el {
            Element::Interpolation(i) => match admin_password_of(cx, &i.expr)
                .map(|db| (db, "DB"))
                .or_else(|| super::cache::auth_token_of(cx, &i.expr).map(|c| (c, "CACHE")))
            {
                Some((db, kind)) => {
                    let name = format!(
                        "FERRY_{}_{kind}_PASSWORD",
                        var_ident(&db.name).to_uppercase()
                    );
                    out = out.add_element(Element::Literal(format!("$({name})")));
                    if !vars.iter().any(|(n, _)| *n == name) {
                        vars.push((name, db));
                    }
                }
                None => out = out.add_element(el.clone()),
            },
            Element::Literal(_) => out = out.add_element(el.clone()),
            Element::Directive(_) => return None,
        }
    }
    if vars.is_empty() {
        return None;
    }
    let text = out.to_string();
    Some((
        Expression::TemplateExpr(Box::new(hcl::expr::TemplateExpr::QuotedString(text))),
        vars,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_and_arn_keys() {
        assert_eq!(var_ident("prod/app/db-creds"), "prod_app_db_creds");
        assert_eq!(var_ident("1st"), "s_1st");
        assert_eq!(arn_json_key(":password::").as_deref(), Some("password"));
        assert_eq!(arn_json_key("::"), None);
        assert_eq!(arn_json_key("password"), None);
    }

    #[test]
    fn literals() {
        assert!(is_literal(&Expression::String("x".into())));
        assert!(!is_literal(&hclx::path(&["var", "x"])));
        assert!(!is_literal(&hclx::template("a-${var.x}")));
    }
}
