//! Container definitions as a tree: `container_definitions` is JSON text (`jsonencode(…)`, a
//! heredoc, a `templatefile()`, a file) whose values may be expressions of the stack; [`J`] keeps
//! known values and expressions side by side so each field can be read or carried over.

use super::s;
use crate::hclx;
use crate::origin::Resource;
use crate::rules::Cx;
use crate::rules::k8s;
use hcl::expr::TraversalOperator as Op;
use hcl::template::{Element, Template};
use hcl::{Expression, Value};
use std::collections::BTreeMap;

/// A JSON-shaped value whose leaves are Terraform expressions: container definitions keep
/// references (`aws_db_instance.db.address`) so the reference pass can rewrite them.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum J {
    Obj(Vec<(String, J)>),
    Arr(Vec<J>),
    Leaf(Expression),
}

impl J {
    pub(super) fn get(&self, key: &str) -> Option<&J> {
        match self {
            J::Obj(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub(super) fn keys(&self) -> Vec<&str> {
        match self {
            J::Obj(fields) => fields.iter().map(|(k, _)| k.as_str()).collect(),
            _ => vec![],
        }
    }

    /// Back to an expression.
    pub(super) fn expr(&self) -> Expression {
        match self {
            J::Leaf(e) => e.clone(),
            J::Arr(items) => Expression::Array(items.iter().map(J::expr).collect()),
            J::Obj(fields) => k8s::map(fields.iter().map(|(k, v)| (k.clone(), v.expr()))),
        }
    }
}

fn from_value(v: &Value) -> J {
    match v {
        Value::Array(items) => J::Arr(items.iter().map(from_value).collect()),
        Value::Object(m) => J::Obj(m.iter().map(|(k, v)| (k.clone(), from_value(v))).collect()),
        other => J::Leaf(crate::eval::value_to_expr(other)),
    }
}

/// An expression as a tree, looking through `jsonencode()`, `concat()` of lists and locals.
fn to_j(cx: &Cx<'_>, e: &Expression, depth: usize) -> J {
    if depth > 16 {
        return J::Leaf(e.clone());
    }
    match e {
        Expression::Object(o) => J::Obj(
            o.iter()
                .filter_map(|(k, v)| Some((hclx::object_key(k)?, to_j(cx, v, depth + 1))))
                .collect(),
        ),
        Expression::Array(items) => J::Arr(items.iter().map(|i| to_j(cx, i, depth + 1)).collect()),
        Expression::Parenthesis(inner) => to_j(cx, inner, depth + 1),
        Expression::FuncCall(f) if f.name.name.as_str() == "jsonencode" && f.args.len() == 1 => {
            to_j(cx, &f.args[0], depth + 1)
        }
        Expression::FuncCall(f) if f.name.name.as_str() == "concat" => {
            let mut out = Vec::new();
            for a in &f.args {
                match as_arr(cx, &to_j(cx, a, depth + 1)) {
                    Some(items) => out.extend(items),
                    None => return J::Leaf(e.clone()),
                }
            }
            J::Arr(out)
        }
        // A local that is a database's user name, password or port stays itself: elsewhere it
        // reads the cluster's (`secrets::read_database_values`), so a container's user and
        // password belong to one login.
        _ => match local_of(cx, e) {
            Some(_) if crate::rules::secrets::is_database_value_source(cx.resources, e) => {
                J::Leaf(e.clone())
            }
            Some(l) => to_j(cx, &l, depth + 1),
            None => J::Leaf(e.clone()),
        },
    }
}

/// The expression of `local.<name>` (exactly, with no attribute after it).
fn local_of(cx: &Cx<'_>, e: &Expression) -> Option<Expression> {
    match hclx::traversal_root(e) {
        Some(("local", [Op::GetAttr(name)])) => cx
            .module
            .locals
            .iter()
            .find(|l| l.name == name.as_str())
            .map(|l| l.expr.clone()),
        _ => None,
    }
}

pub(super) fn as_arr(cx: &Cx<'_>, j: &J) -> Option<Vec<J>> {
    match j {
        J::Arr(items) => Some(items.clone()),
        J::Leaf(e) => match cx.eval.value(e) {
            Some(Value::Array(items)) => Some(items.iter().map(from_value).collect()),
            Some(Value::Null) => Some(vec![]),
            Some(_) => None,
            // A list whose elements read resources (`"environment": ${jsonencode(local.env)}`
            // in a heredoc, the local listing `{ name, value = aws_db_instance.x.address }`):
            // its structure, elements as written, through `jsonencode()`, `concat()` and locals.
            None => match to_j(cx, e, 0) {
                J::Arr(items) => Some(items),
                _ => None,
            },
        },
        J::Obj(_) => None,
    }
}

pub(super) fn as_obj(cx: &Cx<'_>, j: &J) -> Option<J> {
    match j {
        J::Obj(_) => Some(j.clone()),
        J::Leaf(e) => match cx.eval.value(e)? {
            v @ Value::Object(_) => Some(from_value(&v)),
            _ => None,
        },
        J::Arr(_) => None,
    }
}

pub(super) fn jstr(cx: &Cx<'_>, j: Option<&J>) -> Option<String> {
    match j? {
        J::Leaf(Expression::Null) => None,
        J::Leaf(e) => cx.eval.string(e),
        _ => None,
    }
}

pub(super) fn jnum(cx: &Cx<'_>, j: Option<&J>) -> Option<f64> {
    match j? {
        J::Leaf(Expression::Null) => None,
        J::Leaf(e) => cx.eval.number(e),
        _ => None,
    }
}

pub(super) fn jbool(cx: &Cx<'_>, j: Option<&J>) -> Option<bool> {
    match j? {
        J::Leaf(Expression::Null) => None,
        J::Leaf(e) => cx.eval.bool(e),
        _ => None,
    }
}

/// The leaf expression (or the rebuilt expression) of a field.
pub(super) fn jexpr(j: Option<&J>) -> Option<Expression> {
    match j? {
        J::Leaf(Expression::Null) => None,
        other => Some(other.expr()),
    }
}

/// A JSON text with `@@FERRY<n>@@` placeholders → a tree whose leaves are the expressions.
fn from_json(v: &serde_json::Value, exprs: &[Expression]) -> J {
    match v {
        serde_json::Value::Object(m) => J::Obj(
            m.iter()
                .map(|(k, v)| (k.clone(), from_json(v, exprs)))
                .collect(),
        ),
        serde_json::Value::Array(items) => {
            J::Arr(items.iter().map(|i| from_json(i, exprs)).collect())
        }
        serde_json::Value::String(text) => J::Leaf(placeholder_string(text, exprs)),
        serde_json::Value::Number(n) => J::Leaf(
            n.as_i64()
                .map(|i| Expression::Number(i.into()))
                .or_else(|| {
                    n.as_f64()
                        .and_then(hcl::Number::from_f64)
                        .map(Expression::Number)
                })
                .unwrap_or(Expression::Null),
        ),
        serde_json::Value::Bool(b) => J::Leaf(Expression::Bool(*b)),
        serde_json::Value::Null => J::Leaf(Expression::Null),
    }
}

const PH_OPEN: &str = "@@FERRY";

const PH_CLOSE: &str = "@@";

/// A JSON string with placeholders → the expression it stands for: the interpolated expression
/// itself when it is the whole string, a template otherwise.
pub(super) fn placeholder_string(text: &str, exprs: &[Expression]) -> Expression {
    if !text.contains(PH_OPEN) {
        return Expression::String(text.to_string());
    }
    let mut parts: Vec<Result<String, Expression>> = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(PH_OPEN) {
        let after = &rest[i + PH_OPEN.len()..];
        let digits: String = after.chars().take_while(|c| c.is_ascii_digit()).collect();
        let idx = digits.parse::<usize>().ok().and_then(|n| exprs.get(n));
        let tail = &after[digits.len()..];
        match (idx, tail.strip_prefix(PH_CLOSE)) {
            (Some(e), Some(t)) => {
                if i > 0 {
                    parts.push(Ok(rest[..i].to_string()));
                }
                parts.push(Err(e.clone()));
                rest = t;
            }
            _ => {
                parts.push(Ok(rest[..i + PH_OPEN.len()].to_string()));
                rest = after;
            }
        }
    }
    if !rest.is_empty() {
        parts.push(Ok(rest.to_string()));
    }
    if let [Err(e)] = parts.as_slice() {
        return e.clone();
    }
    let mut t = String::new();
    for p in parts {
        match p {
            Ok(lit) => t.push_str(&hclx::escape_template_literal(&lit)),
            Err(e) => t.push_str(&format!("${{{}}}", hclx::inline(&e))),
        }
    }
    hclx::template(t)
}

/// A template (heredoc, quoted string, or a `templatefile()` file) holding JSON: interpolations
/// inside JSON strings become placeholders, interpolations in value position (`"cpu": ${x}`)
/// become whole-value placeholders.
pub(super) fn template_json(
    tpl: &Template,
    subst: &dyn Fn(&Expression) -> Expression,
) -> Result<J, String> {
    let mut text = String::new();
    let mut exprs = Vec::new();
    let (mut in_str, mut esc) = (false, false);
    for el in tpl.elements() {
        match el {
            Element::Literal(l) => {
                for c in l.chars() {
                    text.push(c);
                    if esc {
                        esc = false;
                    } else if in_str && c == '\\' {
                        esc = true;
                    } else if c == '"' {
                        in_str = !in_str;
                    }
                }
            }
            Element::Interpolation(i) => {
                let n = exprs.len();
                exprs.push(subst(&i.expr));
                if in_str {
                    text.push_str(&format!("{PH_OPEN}{n}{PH_CLOSE}"));
                } else {
                    text.push_str(&format!("\"{PH_OPEN}{n}{PH_CLOSE}\""));
                }
            }
            Element::Directive(_) => {
                return Err("uses template directives (`%{ for }` / `%{ if }`), which Ferry does not expand".into());
            }
        }
    }
    let v: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("is not valid JSON ({e})"))?;
    // A value-position placeholder is the expression itself (a number, a list, …).
    Ok(from_json(&v, &exprs))
}

/// Replaces the template variables of a `templatefile()` (`${image}`, `${db.host}`) by the
/// expressions its caller passes.
fn substitute(e: &Expression, vars: &[(String, Expression)]) -> Expression {
    let mut out = e.clone();
    hclx::walk_mut(&mut out, &mut |x| {
        if let Expression::Variable(v) = x
            && let Some((_, val)) = vars.iter().find(|(k, _)| k == v.as_str())
        {
            *x = val.clone();
            return false;
        }
        true
    });
    out
}

/// `environment` written as a `for` over a map whose names are known at compile time even
/// where its values are not (`[for k, v in coalesce(var.env, { HOST = local.db_host }) : { name
/// = k, value = v }]`, in `toset()` or not): one entry per name, in Terraform's (lexical) order,
/// each with its value as written for the reference pass. `None` when the names are not known.
/// The expressions listed beside are what a deployment may set to change the names (taken at
/// their defaults).
pub(super) fn unrolled_env(cx: &Cx<'_>, e: &Expression) -> Option<(Vec<J>, Vec<Expression>)> {
    let mut e = e;
    let local;
    for _ in 0..16 {
        match e {
            Expression::Parenthesis(inner) => e = inner,
            Expression::FuncCall(f)
                if matches!(f.name.name.as_str(), "toset" | "tolist") && f.args.len() == 1 =>
            {
                e = &f.args[0]
            }
            _ => break,
        }
    }
    let f = match e {
        Expression::ForExpr(f) => f,
        other => {
            local = local_of(cx, other)?;
            match &local {
                Expression::ForExpr(f) => f,
                _ => return None,
            }
        }
    };
    if f.key_expr.is_some() || f.cond_expr.is_some() {
        return None;
    }
    let mut decided = Vec::new();
    let entries = known_entries(cx, &f.collection_expr, 0, &mut decided)?;
    let items = entries
        .into_iter()
        .map(|(k, v)| {
            let mut vars = vec![(f.value_var.to_string(), v)];
            if let Some(kv) = &f.key_var {
                vars.push((kv.to_string(), s(&k)));
            }
            // The fields as written: a local stays a local (`local.db_user` is the database's
            // user to the reference pass), not the origin's value.
            match substitute(&f.value_expr, &vars) {
                Expression::Object(o) => J::Obj(
                    o.into_iter()
                        .filter_map(|(k, v)| Some((hclx::object_key(&k)?, J::Leaf(v))))
                        .collect(),
                ),
                other => to_j(cx, &other, 0),
            }
        })
        .collect();
    Some((items, decided))
}

/// The entries of a map whose keys are known at compile time (an object literal, `merge()`,
/// `coalesce()`, `tomap()`, a local, or a value the evaluator knows), values as written.
/// `decided` collects the expressions of the deployment the keys were read from at their
/// defaults.
fn known_entries(
    cx: &Cx<'_>,
    e: &Expression,
    depth: usize,
    decided: &mut Vec<Expression>,
) -> Option<BTreeMap<String, Expression>> {
    if depth > 16 {
        return None;
    }
    match e {
        Expression::Parenthesis(inner) => known_entries(cx, inner, depth + 1, decided),
        Expression::Object(o) => o
            .iter()
            .map(|(k, v)| Some((hclx::object_key(k)?, v.clone())))
            .collect(),
        Expression::FuncCall(f) if f.name.name.as_str() == "tomap" && f.args.len() == 1 => {
            known_entries(cx, &f.args[0], depth + 1, decided)
        }
        Expression::FuncCall(f) if f.name.name.as_str() == "merge" => {
            let mut out = BTreeMap::new();
            for a in &f.args {
                out.extend(known_entries(cx, a, depth + 1, decided)?);
            }
            Some(out)
        }
        Expression::FuncCall(f) if f.name.name.as_str() == "coalesce" => {
            for a in &f.args {
                match cx.eval.value(a) {
                    Some(Value::Null) => {}
                    Some(Value::String(v)) if v.is_empty() => {}
                    _ => return known_entries(cx, a, depth + 1, decided),
                }
                // Skipped at the defaults: a deployment that sets it chooses other names.
                if cx.deploy_decides(a) {
                    decided.push(a.clone());
                }
            }
            None
        }
        other => {
            if let Some(l) = local_of(cx, other) {
                return known_entries(cx, &l, depth + 1, decided);
            }
            let Some(Value::Object(m)) = cx.eval.value(other) else {
                return None;
            };
            if cx.deploy_decides(other) {
                decided.push(other.clone());
            }
            Some(
                m.iter()
                    .map(|(k, v)| (k.clone(), crate::eval::value_to_expr(v)))
                    .collect(),
            )
        }
    }
}

/// How the container definitions were written (for notes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DefsForm {
    Structural,
    Template,
    File,
    TemplateFile,
    Static,
}

impl DefsForm {
    pub(super) fn describe(self) -> &'static str {
        match self {
            DefsForm::Structural => "jsonencode",
            DefsForm::Template => "inline JSON",
            DefsForm::File => "file()",
            DefsForm::TemplateFile => "templatefile()",
            DefsForm::Static => "a static value",
        }
    }
}

/// The container definitions of a task definition, or why they cannot be read.
pub(super) fn container_defs(cx: &Cx<'_>, td: &Resource) -> Result<(Vec<J>, DefsForm), String> {
    let e = hclx::attr(&td.body, "container_definitions")
        .ok_or_else(|| "has no `container_definitions`".to_string())?
        .clone();
    let (j, form) = defs_tree(cx, &e, 0)?;
    let items = as_arr(cx, &j).ok_or_else(|| {
        format!(
            "`container_definitions` (`{}`) is not a list of containers Ferry can read at compile time",
            hclx::inline(&e)
        )
    })?;
    if items.is_empty() {
        return Err("is an empty list".into());
    }
    Ok((items, form))
}

fn defs_tree(cx: &Cx<'_>, e: &Expression, depth: usize) -> Result<(J, DefsForm), String> {
    if depth > 8 {
        return Err("nests locals too deeply".into());
    }
    match e {
        Expression::FuncCall(f) if f.name.name.as_str() == "jsonencode" && f.args.len() == 1 => {
            Ok((to_j(cx, &f.args[0], 0), DefsForm::Structural))
        }
        Expression::FuncCall(f) if f.name.name.as_str() == "file" && f.args.len() == 1 => {
            let text = read_file(cx, &f.args[0])?;
            let v: serde_json::Value = serde_json::from_str(&text)
                .map_err(|err| format!("reads a file that is not valid JSON ({err})"))?;
            Ok((from_json(&v, &[]), DefsForm::File))
        }
        Expression::FuncCall(f) if f.name.name.as_str() == "templatefile" && f.args.len() == 2 => {
            let text = read_file(cx, &f.args[0])?;
            if crate::origin::depth::template_too_deep(&text).is_some() {
                return Err(format!(
                    "reads a template that nests more than {} levels deep",
                    crate::origin::MAX_NESTING
                ));
            }
            let tpl: Template = text
                .parse()
                .map_err(|err| format!("reads a template that does not parse ({err})"))?;
            let vars_expr = local_of(cx, &f.args[1]).unwrap_or_else(|| f.args[1].clone());
            let vars: Vec<(String, Expression)> = match to_j(cx, &vars_expr, 0) {
                J::Obj(fields) => fields.into_iter().map(|(k, v)| (k, v.expr())).collect(),
                _ => {
                    return Err(format!(
                        "passes `{}` to templatefile(), which Ferry cannot read at compile time",
                        hclx::inline(&f.args[1])
                    ));
                }
            };
            let j = template_json(&tpl, &|x| substitute(x, &vars))?;
            Ok((j, DefsForm::TemplateFile))
        }
        Expression::TemplateExpr(t) => {
            let tpl = Template::from_expr(t).map_err(|err| format!("does not parse ({err})"))?;
            Ok((template_json(&tpl, &|x| x.clone())?, DefsForm::Template))
        }
        Expression::String(text) => {
            let v: serde_json::Value =
                serde_json::from_str(text).map_err(|err| format!("is not valid JSON ({err})"))?;
            Ok((from_json(&v, &[]), DefsForm::Template))
        }
        other => {
            if let Some(l) = local_of(cx, other) {
                return defs_tree(cx, &l, depth + 1);
            }
            match cx.eval.value(other) {
                Some(Value::String(text)) => {
                    let v: serde_json::Value = serde_json::from_str(&text)
                        .map_err(|err| format!("is not valid JSON ({err})"))?;
                    Ok((from_json(&v, &[]), DefsForm::Static))
                }
                Some(v @ Value::Array(_)) => Ok((from_value(&v), DefsForm::Static)),
                _ => Err(format!(
                    "is `{}`, which is only known when the stack is applied",
                    hclx::inline(other)
                )),
            }
        }
    }
}

fn read_file(cx: &Cx<'_>, path: &Expression) -> Result<String, String> {
    let p = cx.eval.string(path).ok_or_else(|| {
        format!(
            "reads a file whose path (`{}`) is not known at compile time",
            hclx::inline(path)
        )
    })?;
    cx.file(&p).map(str::to_string).ok_or_else(|| {
        format!(
            "reads `{p}`, which is not part of the input (Ferry reads JSON, template, YAML, script and configuration text files up to 1 MiB next to the .tf files)"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(t: &str) -> Expression {
        t.parse().expect("expression")
    }

    #[test]
    fn placeholders_rebuild_expressions() {
        let exprs = vec![e("aws_db_instance.db.address"), e("var.tag")];
        assert_eq!(placeholder_string("@@FERRY0@@", &exprs), exprs[0]);
        assert_eq!(
            hclx::inline(&placeholder_string("repo:@@FERRY1@@", &exprs)),
            "\"repo:${var.tag}\""
        );
        assert_eq!(placeholder_string("plain", &exprs), s("plain"));
    }

    #[test]
    fn heredoc_json_with_interpolations() {
        let tpl: Template = r#"[{"name": "api", "cpu": ${var.cpu}, "image": "${var.repo}:1"}]"#
            .parse()
            .expect("template");
        let j = template_json(&tpl, &|x| x.clone()).expect("json");
        let J::Arr(items) = j else { panic!("array") };
        assert_eq!(items[0].get("cpu"), Some(&J::Leaf(e("var.cpu"))));
        assert_eq!(
            items[0].get("image").map(J::expr).map(|x| hclx::inline(&x)),
            Some("\"${var.repo}:1\"".to_string())
        );
    }
}
