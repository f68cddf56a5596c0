//! Container secrets (`secrets` of a container definition, Secrets Manager and SSM) → `secretKeyRef`s
//! of Kubernetes Secrets, never text in a spec.

use super::{join_quoted, plain_meta, s};
use crate::diag::{Code, Diagnostic};
use crate::hclx;
use crate::origin::{Mode, Resource};
use crate::out::OutBody;
use crate::rules::Cx;
use crate::rules::k8s;
use crate::rules::k8s::{EnvSource, PodSpec};
use hcl::Expression;
use hcl::expr::TraversalOperator as Op;
use hcl::template::{Element, Template};

/// Does an environment variable's name say it holds a secret? A `_`-separated word
/// `PASSWORD`, `PASSWD`, `PASS`, `SECRET`, `TOKEN`, `CREDENTIALS` or `PRIVATE`, or a last word
/// `KEY` (`API_KEY`, `ENCRYPTION_KEY`; not `PUBLIC_KEY`, not `AWS_ACCESS_KEY_ID`).
fn secret_like(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    let words: Vec<&str> = upper
        .split(['_', '-', '.'])
        .filter(|w| !w.is_empty())
        .collect();
    if words.iter().any(|w| {
        matches!(
            *w,
            "PASSWORD" | "PASSWD" | "PASS" | "SECRET" | "TOKEN" | "CREDENTIALS" | "PRIVATE"
        )
    }) {
        return true;
    }
    words.last() == Some(&"KEY") && !words.contains(&"PUBLIC")
}

/// Environment values of the pod's containers whose names are [`secret_like`] and whose values
/// are not literals (`var.secret_key_base`, `random_password.x.result`, a template over them)
/// nor known to be `null`:
/// the values go into one Secret of the workload (`<app>-secret-env`, a key per variable name)
/// and the containers read them with `secret_key_ref`, so they are not written into the
/// Deployment's spec (where anyone who can read Deployments sees them). Values that depend on
/// the instance (`each.`, `count.index`) stay as written.
pub(super) fn secret_env(
    cx: &mut Cx<'_>,
    r: &Resource,
    app: &str,
    pod: &mut PodSpec,
    ns: Expression,
) {
    let mut data: Vec<(String, Expression)> = Vec::new();
    let mut moved: Vec<(usize, usize, String)> = Vec::new();
    for (ci, c) in pod
        .init_containers
        .iter()
        .chain(pod.containers.iter())
        .enumerate()
    {
        for (ei, e) in c.env.iter().enumerate() {
            let EnvSource::Value(v) = &e.source else {
                continue;
            };
            let Some(name) = hclx::as_str(&e.name) else {
                continue;
            };
            // A value known to be `null` (an unset optional variable) stays: a Secret's data
            // takes no null.
            if !secret_like(name) || !crate::rules::secrets::has_reference(v) || cx.eval.is_null(v)
            {
                continue;
            }
            let text = hclx::inline(v);
            if text.contains("each.") || text.contains("count.index") {
                continue;
            }
            // One key per name; the same name with another value gets its own key.
            let key = match data.iter().find(|(k, _)| k == name) {
                Some((_, same)) if same == v => name.to_string(),
                Some(_) => {
                    let mut n = 2;
                    while data.iter().any(|(k, _)| *k == format!("{name}_{n}")) {
                        n += 1;
                    }
                    format!("{name}_{n}")
                }
                None => name.to_string(),
            };
            if !data.iter().any(|(k, _)| *k == key) {
                data.push((key.clone(), v.clone()));
            }
            moved.push((ci, ei, key));
        }
    }
    if data.is_empty() {
        return;
    }
    let secret_name =
        k8s::unique_object_name(cx.st, "kubernetes_secret_v1", &format!("{app}-secret-env"));
    let keys: Vec<String> = data.iter().map(|(k, _)| k.clone()).collect();
    let body = k8s::secret(
        s(&secret_name),
        ns,
        k8s::map(data),
        None,
        Some(k8s::labels(app)),
    );
    let addr = cx.emit_as(
        r,
        Mode::Managed,
        "kubernetes_secret_v1",
        &format!("{}_secret_env", r.name),
        body,
    );
    plain_meta(cx, &addr);
    let name = k8s::name_of(&addr);
    let mut containers: Vec<&mut k8s::Container> = pod
        .init_containers
        .iter_mut()
        .chain(pod.containers.iter_mut())
        .collect();
    for (ci, ei, key) in moved {
        if let Some(e) = containers.get_mut(ci).and_then(|c| c.env.get_mut(ei)) {
            e.source = EnvSource::SecretKey {
                secret: name.clone(),
                key: s(&key),
            };
        }
    }
    cx.secret(crate::report::SecretRef {
        origin: r.address().to_string(),
        target: addr.clone(),
        keys: keys.clone(),
        source: "environment values of the task definition whose names say they are secrets".into(),
    });
    cx.diag(
        Diagnostic::new(
            Code::ValueConverted,
            format!(
                "`{}`: the environment variables {} hold secrets by their names; their values are kept in the Secret `{addr}` and read with `secret_key_ref`, not written into the Deployment's spec",
                r.address(),
                join_quoted(&keys)
            ),
        )
        .at(r.loc.clone())
        .resource(r.address())
        .help("mark the variables that feed them `sensitive = true`, or create them as `aws_secretsmanager_secret`s and pass them as `secrets` (`valueFrom`)"),
    );
}

/// The workload's Secret: `valueFrom`s that point outside the stack (`entries`, each fed by a
/// sensitive variable of the deployment stack, reported with F374) and environment values that
/// read a sensitive variable of the stack (`sensitive`: key → `var.x`), so that neither is
/// written into the Deployment's spec.
pub(super) fn external_secret(
    cx: &mut Cx<'_>,
    r: &Resource,
    app: &str,
    entries: &[(String, Expression)],
    sensitive: &[(String, Expression)],
    ns: Expression,
) -> String {
    let mut data: Vec<(String, Expression)> = sensitive.to_vec();
    let mut keys = Vec::new();
    for (key, from) in entries {
        let var_name = format!("{}_{}", app.replace('-', "_"), key.to_ascii_lowercase());
        let mut v = OutBody::new();
        v.set(
            "description",
            Expression::String(format!(
                "Value of `{}` (ECS `valueFrom` outside the stack) for the workload `{app}`; set when the appliance is deployed.",
                cx.eval
                    .string(from)
                    .unwrap_or_else(|| "a secret outside the stack".into())
            )),
        );
        v.set("type", hclx::path(&["string"]));
        v.set("sensitive", Expression::Bool(true));
        let var = cx.variable(&var_name, v);
        data.push((key.clone(), var));
        keys.push(key.clone());
    }
    let name = k8s::unique_object_name(cx.st, "kubernetes_secret_v1", &format!("{app}-env"));
    let body = k8s::secret(s(&name), ns, k8s::map(data), None, Some(k8s::labels(app)));
    let addr = cx.emit_as(
        r,
        Mode::Managed,
        "kubernetes_secret_v1",
        &format!("{}_env", r.name),
        body,
    );
    plain_meta(cx, &addr);
    if !sensitive.is_empty() {
        cx.secret(crate::report::SecretRef {
            origin: r.address().to_string(),
            target: addr.clone(),
            keys: sensitive.iter().map(|(k, _)| k.clone()).collect(),
            source: format!(
                "sensitive variables of the stack ({})",
                sensitive
                    .iter()
                    .map(|(_, v)| format!("`{}`", hclx::inline(v)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
    }
    if keys.is_empty() {
        return addr;
    }
    cx.secret(crate::report::SecretRef {
        origin: r.address().to_string(),
        target: addr.clone(),
        keys: keys.clone(),
        source: "sensitive variables (ECS `valueFrom` of secrets outside the stack)".into(),
    });
    cx.diag(
        Diagnostic::new(
            Code::SecretValueAtDeploy,
            format!(
                "`{}` reads secrets the stack does not create ({}); they are sensitive variables of the deployment stack, set when the appliance is deployed",
                r.address(),
                join_quoted(&keys)
            ),
        )
        .at(r.loc.clone())
        .resource(r.address())
        .help("create the secrets in the stack (`aws_secretsmanager_secret` or `aws_ssm_parameter`) so each appliance owns them"),
    );
    addr
}

/// The database whose RDS-managed master user secret `e` reads
/// (`aws_rds_cluster.x.master_user_secret[0].secret_arn`), directly or through locals.
fn master_secret_db<'a>(cx: &Cx<'a>, e: &Expression, depth: u8) -> Option<&'a Resource> {
    let mut found = None;
    hclx::walk(e, &mut |x| {
        if found.is_some() {
            return;
        }
        match hclx::traversal_root(x) {
            Some(("local", [Op::GetAttr(n), ..])) if depth < 4 => {
                if let Some(l) = cx.module.locals.iter().find(|l| l.name == n.as_str()) {
                    found = master_secret_db(cx, &l.expr, depth + 1);
                }
            }
            Some((ty @ ("aws_rds_cluster" | "aws_db_instance"), [Op::GetAttr(_), rest @ ..]))
                if rest
                    .iter()
                    .any(|o| matches!(o, Op::GetAttr(a) if a.as_str() == "master_user_secret")) =>
            {
                found = cx.resolve_ref(x).filter(|r| r.ty == ty);
            }
            _ => {}
        }
    });
    found
}

/// An ECS `valueFrom` of the secret RDS manages for a database's master user
/// (`manage_master_user_password = true`; `"${aws_rds_cluster.x.master_user_secret[0].secret_arn}:password::"`):
/// DigitalOcean keeps the admin user and its generated password on the cluster, so the key reads
/// a Kubernetes Secret holding them (one per database, `username` and `password` as in the
/// secret RDS writes). `None` for other values, for a key other than those two, and for a
/// database repeated with `count`/`for_each`.
pub(super) fn db_master_secret(
    cx: &mut Cx<'_>,
    from: &Expression,
) -> Option<(Expression, Expression)> {
    let db = master_secret_db(cx, from, 0)?;
    if db.meta.count.is_some() || db.meta.for_each.is_some() {
        return None;
    }
    let Expression::TemplateExpr(t) = from else {
        return None;
    };
    let tpl = Template::from_expr(t).ok()?;
    let key = match tpl.elements().get(1) {
        Some(Element::Literal(l)) => crate::rules::secrets::arn_json_key(l)?,
        _ => return None,
    };
    if key != "username" && key != "password" {
        return None;
    }
    let addr = crate::rules::secrets::master_user_secret(cx, db);
    Some((k8s::name_of(&addr), s(&key)))
}

/// The Secret name and key for an ECS `valueFrom`, when the secret is part of the stack.
pub(super) fn secret_source(
    cx: &Cx<'_>,
    td: &Resource,
    from: &Expression,
) -> Option<(Expression, Expression)> {
    // `"${aws_secretsmanager_secret.db.arn}:password::"`: the JSON key after the ARN.
    let mut key = "value".to_string();
    if let Expression::TemplateExpr(t) = from
        && let Ok(tpl) = Template::from_expr(t)
        && let Some(Element::Literal(l)) = tpl.elements().get(1)
        && let Some(k) = crate::rules::secrets::arn_json_key(l)
    {
        key = k;
    }
    let (target, path) = match secret_traversal(cx, from) {
        Some(x) => x,
        None => {
            // A literal ARN or name of a secret of the stack.
            let v = cx.eval.string(from)?;
            let (ty, rest) = if v.contains(":ssm:") || !v.contains(":secretsmanager:") {
                ("aws_ssm_parameter", v.clone())
            } else {
                ("aws_secretsmanager_secret", v.clone())
            };
            if ty == "aws_secretsmanager_secret"
                && let Some(k) = rest
                    .split_once(":secret:")
                    .and_then(|(_, r)| r.split_once(':'))
                    .and_then(|(_, r)| crate::rules::secrets::arn_json_key(&format!(":{r}")))
            {
                key = k;
            }
            let t = crate::rules::secrets::find_by_name(cx, ty, &v).or_else(|| {
                crate::rules::secrets::find_by_name(cx, "aws_secretsmanager_secret", &v)
            })?;
            (t, hclx::path(&[t.ty.as_str(), t.name.as_str()]))
        }
    };
    let _ = td;
    let _ = target;
    let mut name = path;
    if let Expression::Traversal(t) = &mut name {
        t.operators
            .push(Op::GetAttr(hcl::Identifier::unchecked("name")));
    }
    Some((name, s(&key)))
}

/// The reference to a secret-like origin object inside `from` (without its attribute), and the
/// object: `aws_secretsmanager_secret.db[0]` of `aws_secretsmanager_secret.db[0].arn`.
fn secret_traversal<'a>(cx: &Cx<'a>, from: &Expression) -> Option<(&'a Resource, Expression)> {
    const TYPES: &[&str] = &[
        "aws_secretsmanager_secret",
        "aws_secretsmanager_secret_version",
        "aws_ssm_parameter",
    ];
    let mut found = None;
    hclx::walk(from, &mut |x| {
        if found.is_some() {
            return;
        }
        let Some((root, ops)) = hclx::traversal_root(x) else {
            return;
        };
        let (mode, ty, name, idx) = match (root, ops) {
            ("data", [Op::GetAttr(t), Op::GetAttr(n), rest @ ..]) => {
                (Mode::Data, t.as_str(), n, rest)
            }
            (t, [Op::GetAttr(n), rest @ ..]) => (Mode::Managed, t, n, rest),
            _ => return,
        };
        if !TYPES.contains(&ty) {
            return;
        }
        let Some(res) = cx
            .resources
            .iter()
            .find(|r| r.mode == mode && r.ty == ty && r.name == name.as_str())
        else {
            return;
        };
        let index: Vec<Op> = idx
            .iter()
            .take_while(|o| !matches!(o, Op::GetAttr(_)))
            .cloned()
            .collect();
        // A managed version stands for its secret.
        if res.ty == "aws_secretsmanager_secret_version" && res.mode == Mode::Managed {
            if let Some(sec) = cx.referenced(res, "secret_id") {
                let e = hclx::path(&[sec.ty.as_str(), sec.name.as_str()]);
                found = Some((sec, e));
            }
            return;
        }
        let mut ops = vec![Op::GetAttr(name.clone())];
        ops.extend(index);
        let e = if mode == Mode::Data {
            let mut all = vec![Op::GetAttr(hcl::Identifier::unchecked(ty))];
            all.extend(ops);
            hclx::traversal("data", all)
        } else {
            hclx::traversal(ty, ops)
        };
        found = Some((res, e));
    });
    found
}
