//! Static evaluation of origin expressions.
//!
//! Rules need concrete values to choose a size, an engine or a version. Ferry evaluates what is
//! knowable at compile time — literals, variables (tfvars, then defaults), locals and a set of
//! pure Terraform functions — and treats everything else (resource attributes, `count.index`,
//! data sources) as unknown. Nothing here reads files, the clock or the environment.

use crate::hclx;
use crate::origin::Module;
use hcl::Value;
use hcl::eval::{Context, Evaluate, FuncArgs, FuncDef, ParamType};
use hcl::expr::Expression;
use std::collections::BTreeMap;

/// The most instances [`Eval::instances`] expands (a larger collection is treated as unknown).
pub const MAX_INSTANCES: usize = 1000;

#[derive(Debug)]
pub struct Eval {
    ctx: Context<'static>,
    /// The module's variables and locals whose value is a known `null`, so that [`Eval::is_null`]
    /// answers a plain `var.x` / `local.x` without evaluating (and copying) it.
    nulls: std::sync::Arc<Nulls>,
}

#[derive(Debug, Default)]
struct Nulls {
    vars: std::collections::BTreeSet<String>,
    locals: std::collections::BTreeSet<String>,
}

impl Eval {
    /// Builds the evaluation context of one module. `inputs` are values known for its
    /// variables from outside (tfvars of the root, or a caller's arguments).
    pub fn new(
        module: &Module,
        inputs: &BTreeMap<String, Expression>,
        instance_id: Option<&str>,
    ) -> Self {
        let mut ctx = Context::new();
        declare_functions(&mut ctx);
        let mut vars = hcl::Map::new();
        for v in &module.variables {
            let value = inputs
                .get(&v.name)
                .or_else(|| hclx::attr(&v.body, "default"))
                .and_then(|e| evaluate(e, &ctx))
                .map(|value| match hclx::attr(&v.body, "type") {
                    Some(ty) => with_type_defaults(value, ty),
                    None => value,
                });
            if let Some(value) = value {
                vars.insert(v.name.clone(), value);
            }
        }
        if let Some(id) = instance_id {
            vars.insert("instance_id".into(), Value::String(id.into()));
        }
        let mut nulls = Nulls {
            vars: null_keys(&vars),
            ..Nulls::default()
        };
        ctx.declare_var("var", Value::Object(vars));
        let mut path = hcl::Map::new();
        for k in ["module", "root", "cwd"] {
            path.insert(k.to_string(), Value::String(".".into()));
        }
        ctx.declare_var("path", Value::Object(path));
        let mut tf = hcl::Map::new();
        tf.insert("workspace".into(), Value::String("default".into()));
        ctx.declare_var("terraform", Value::Object(tf));

        // Locals may refer to each other in any order: evaluate in rounds until nothing changes.
        let mut locals = hcl::Map::new();
        loop {
            ctx.declare_var("local", Value::Object(locals.clone()));
            let mut progressed = false;
            for l in &module.locals {
                if locals.contains_key(&l.name) {
                    continue;
                }
                if let Some(v) = evaluate(&l.expr, &ctx) {
                    locals.insert(l.name.clone(), v);
                    progressed = true;
                }
            }
            if !progressed {
                break;
            }
        }
        nulls.locals = null_keys(&locals);
        ctx.declare_var("local", Value::Object(locals));
        Eval {
            ctx,
            nulls: std::sync::Arc::new(nulls),
        }
    }

    /// Is the expression's value a known `null`? A plain `var.x` / `local.x` is looked up;
    /// anything else is evaluated.
    pub fn is_null(&self, expr: &Expression) -> bool {
        use hcl::expr::TraversalOperator as Op;
        if let Expression::Traversal(t) = expr
            && let (Expression::Variable(root), [Op::GetAttr(name)]) =
                (&t.expr, t.operators.as_slice())
        {
            match root.as_str() {
                "var" => return self.nulls.vars.contains(name.as_str()),
                "local" => return self.nulls.locals.contains(name.as_str()),
                _ => {}
            }
        }
        matches!(self.value(expr), Some(Value::Null))
    }

    /// The context for evaluating the body of a repeated resource: `count.index` is 0 and
    /// `each` is the first element of a static `for_each`, so that mappings see a
    /// representative instance. `None` when the resource does not repeat.
    pub fn for_instance(&self, meta: &crate::origin::Meta) -> Option<Eval> {
        self.for_instance_key(meta, None)
    }

    /// As [`Eval::for_instance`], for the instance `key` names when given (`aws_x.y["a"]`: the
    /// `for_each` key, `aws_x.y[2]`: the `count.index`; see [`Eval::instances`]). `None` when
    /// the resource does not repeat or has no such instance.
    pub fn for_instance_key(
        &self,
        meta: &crate::origin::Meta,
        key: Option<&Value>,
    ) -> Option<Eval> {
        if let Some(key) = key {
            return self
                .instances(meta)?
                .into_iter()
                .find(|(k, _)| k == key)
                .map(|(_, ev)| ev);
        }
        let mut ctx = self.ctx.clone();
        if meta.count.is_some() {
            let mut count = hcl::Map::new();
            count.insert("index".to_string(), Value::from(0u64));
            ctx.declare_var("count", Value::Object(count));
        } else if let Some(fe) = &meta.for_each {
            let (key, value) = match self.value(fe)? {
                Value::Array(items) => {
                    let first = items.into_iter().next()?;
                    (first.clone(), first)
                }
                Value::Object(map) => {
                    let (k, v) = map.into_iter().next()?;
                    (Value::String(k), v)
                }
                _ => return None,
            };
            let mut each = hcl::Map::new();
            each.insert("key".to_string(), key);
            each.insert("value".to_string(), value);
            ctx.declare_var("each", Value::Object(each));
        } else {
            return None;
        }
        Some(Eval {
            ctx,
            nulls: self.nulls.clone(),
        })
    }

    /// Every instance of a repeated resource whose `count` / `for_each` is known at compile
    /// time, in Terraform's order (`count.index` ascending; `for_each` map keys sorted, a set of
    /// strings sorted and deduplicated), each with its instance key (the index as a number, the
    /// `for_each` key as a string) and its context (`count.index` or `each.key`/`each.value`
    /// bound). `None` when the resource does not repeat, the collection is not known, or it is
    /// ambiguous (a fractional or negative count, more than [`MAX_INSTANCES`], a set of
    /// non-strings).
    pub fn instances(&self, meta: &crate::origin::Meta) -> Option<Vec<(Value, Eval)>> {
        let with = |root: &str, pairs: Vec<(&str, Value)>| {
            let mut ctx = self.ctx.clone();
            let mut obj = hcl::Map::new();
            for (k, v) in pairs {
                obj.insert(k.to_string(), v);
            }
            ctx.declare_var(root.to_string(), Value::Object(obj));
            Eval {
                ctx,
                nulls: self.nulls.clone(),
            }
        };
        if let Some(c) = &meta.count {
            let n = self.number(c)?;
            if n < 0.0 || n.fract() != 0.0 || n > MAX_INSTANCES as f64 {
                return None;
            }
            return Some(
                (0..n as u64)
                    .map(|i| {
                        (
                            Value::from(i),
                            with("count", vec![("index", Value::from(i))]),
                        )
                    })
                    .collect(),
            );
        }
        let fe = meta.for_each.as_ref()?;
        let mut pairs: Vec<(String, Value)> = match self.value(fe)? {
            Value::Array(items) => {
                let mut keys = items
                    .into_iter()
                    .map(|v| match v {
                        Value::String(s) => Some(s),
                        _ => None,
                    })
                    .collect::<Option<Vec<_>>>()?;
                keys.sort();
                keys.dedup();
                keys.into_iter()
                    .map(|k| (k.clone(), Value::String(k)))
                    .collect()
            }
            Value::Object(map) => map.into_iter().collect(),
            _ => return None,
        };
        if pairs.len() > MAX_INSTANCES {
            return None;
        }
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        Some(
            pairs
                .into_iter()
                .map(|(k, v)| {
                    let key = Value::String(k);
                    let ev = with("each", vec![("key", key.clone()), ("value", v)]);
                    (key, ev)
                })
                .collect(),
        )
    }

    /// The value of an expression, when it is known at compile time.
    pub fn value(&self, expr: &Expression) -> Option<Value> {
        evaluate(expr, &self.ctx)
    }

    pub fn string(&self, expr: &Expression) -> Option<String> {
        match self.value(expr)? {
            Value::String(s) => Some(s),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    pub fn number(&self, expr: &Expression) -> Option<f64> {
        match self.value(expr)? {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    pub fn bool(&self, expr: &Expression) -> Option<bool> {
        match self.value(expr)? {
            Value::Bool(b) => Some(b),
            Value::String(s) => s.parse().ok(),
            _ => None,
        }
    }
}

/// What `expr.evaluate(ctx).ok()` gives, with templates — alone or inside arrays, objects and
/// parentheses, which is where variables' defaults and locals keep them — read by
/// `hclx::parse_template` (the fast parser, once per distinct text and compilation) instead of
/// by hcl-edit on every evaluation, as `TemplateExpr::evaluate` does.
fn evaluate(expr: &Expression, ctx: &Context<'_>) -> Option<Value> {
    match expr {
        Expression::TemplateExpr(t) => {
            let template = hclx::parse_template(t)?;
            match template.elements() {
                // A lone interpolation is unwrapped: its value keeps its type.
                [hcl::template::Element::Interpolation(i)] => i.expr.evaluate(ctx).ok(),
                _ => template.evaluate(ctx).ok().map(Value::String),
            }
        }
        Expression::Array(items) => items
            .iter()
            .map(|e| evaluate(e, ctx))
            .collect::<Option<Vec<_>>>()
            .map(Value::Array),
        Expression::Object(object) => {
            let mut map = hcl::Map::new();
            for (key, value) in object {
                let key = match key {
                    hcl::expr::ObjectKey::Identifier(id) => id.to_string(),
                    // Keys that are expressions: hcl-rs's own rules (string conversion).
                    _ => return expr.evaluate(ctx).ok(),
                };
                map.insert(key, evaluate(value, ctx)?);
            }
            Some(Value::Object(map))
        }
        Expression::Parenthesis(inner) => evaluate(inner, ctx),
        Expression::FuncCall(_)
        | Expression::ForExpr(_)
        | Expression::Conditional(_)
        | Expression::Operation(_)
            if has_try(expr) =>
        {
            ev(expr, ctx).ok()
        }
        _ => expr.evaluate(ctx).ok(),
    }
}

/// Does the expression call `try` or `can` (which hcl-rs cannot evaluate: its functions get
/// evaluated arguments, and these two exist to catch an argument's failure)? A read-only walk,
/// done only for composite expressions.
fn has_try(expr: &Expression) -> bool {
    let mut found = false;
    hclx::walk(expr, &mut |e| {
        found |= matches!(e, Expression::FuncCall(c) if is_try_or_can(&c.name));
    });
    found
}

fn is_try_or_can(name: &hcl::expr::FuncName) -> bool {
    name.namespace.is_empty() && matches!(name.name.as_str(), "try" | "can")
}

/// Why an expression has no value at compile time.
#[derive(Debug, PartialEq)]
enum Miss {
    /// It reads something known only at apply time (a resource, a data source, a variable or
    /// local without a known value): `try` and `can` cannot decide either.
    Unknown,
    /// Everything it reads is known and it still fails (an attribute or key the value lacks,
    /// a type error): what `try` skips and `can` reports as `false`.
    Error,
}

/// Evaluates an expression that calls `try` / `can` somewhere: those calls, and the
/// expressions around them, are evaluated here; the parts without one go to hcl-rs.
fn ev(expr: &Expression, ctx: &Context<'_>) -> Result<Value, Miss> {
    if !has_try(expr) {
        return match evaluate(expr, ctx) {
            Some(v) => Ok(v),
            None => Err(classify(expr, ctx)),
        };
    }
    match expr {
        Expression::FuncCall(call) if is_try_or_can(&call.name) => {
            let is_try = call.name.name.as_str() == "try";
            for arg in &call.args {
                match ev(arg, ctx) {
                    Ok(v) if is_try => return Ok(v),
                    Ok(_) => return Ok(Value::Bool(true)),
                    Err(Miss::Unknown) => return Err(Miss::Unknown),
                    Err(Miss::Error) if is_try => continue,
                    Err(Miss::Error) => return Ok(Value::Bool(false)),
                }
            }
            Err(Miss::Error)
        }
        Expression::FuncCall(call) => {
            let mut literal = (**call).clone();
            for arg in &mut literal.args {
                *arg = value_to_expr(&ev(arg, ctx)?);
            }
            Expression::FuncCall(Box::new(literal))
                .evaluate(ctx)
                .map_err(|_| Miss::Error)
        }
        Expression::Parenthesis(inner) => ev(inner, ctx),
        Expression::Conditional(c) => match ev(&c.cond_expr, ctx)? {
            Value::Bool(true) => ev(&c.true_expr, ctx),
            Value::Bool(false) => ev(&c.false_expr, ctx),
            _ => Err(Miss::Error),
        },
        Expression::Operation(op) => {
            let literal = match &**op {
                hcl::expr::Operation::Unary(u) => hcl::expr::Operation::Unary(
                    hcl::expr::UnaryOp::new(u.operator, value_to_expr(&ev(&u.expr, ctx)?)),
                ),
                hcl::expr::Operation::Binary(b) => {
                    let lhs = ev(&b.lhs_expr, ctx)?;
                    // `&&` / `||` short-circuit as in Terraform's `count = var.create && ...`.
                    match (b.operator, &lhs) {
                        (hcl::expr::BinaryOperator::And, Value::Bool(false)) => {
                            return Ok(Value::Bool(false));
                        }
                        (hcl::expr::BinaryOperator::Or, Value::Bool(true)) => {
                            return Ok(Value::Bool(true));
                        }
                        _ => {}
                    }
                    hcl::expr::Operation::Binary(hcl::expr::BinaryOp::new(
                        value_to_expr(&lhs),
                        b.operator,
                        value_to_expr(&ev(&b.rhs_expr, ctx)?),
                    ))
                }
            };
            Expression::Operation(Box::new(literal))
                .evaluate(ctx)
                .map_err(|_| Miss::Error)
        }
        Expression::ForExpr(fe) => ev_for(fe, ctx),
        Expression::Array(items) => items
            .iter()
            .map(|e| ev(e, ctx))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        Expression::Object(object) => {
            let mut map = hcl::Map::new();
            for (key, value) in object {
                let key = match key {
                    hcl::expr::ObjectKey::Identifier(id) => id.to_string(),
                    hcl::expr::ObjectKey::Expression(k) => match ev(k, ctx)? {
                        Value::String(s) => s,
                        Value::Number(n) => n.to_string(),
                        Value::Bool(b) => b.to_string(),
                        _ => return Err(Miss::Error),
                    },
                    _ => return Err(Miss::Unknown),
                };
                map.insert(key, ev(value, ctx)?);
            }
            Ok(Value::Object(map))
        }
        // A `try` inside a template or an index: not evaluated here.
        _ => match evaluate(expr, ctx) {
            Some(v) => Ok(v),
            None => Err(Miss::Unknown),
        },
    }
}

/// A `for` expression whose body calls `try` / `can`: each element's key and value are put in
/// place of the iteration variables and the body evaluated by [`ev`].
fn ev_for(fe: &hcl::expr::ForExpr, ctx: &Context<'_>) -> Result<Value, Miss> {
    if fe.grouping {
        return Err(Miss::Unknown);
    }
    let pairs: Vec<(Value, Value)> = match ev(&fe.collection_expr, ctx)? {
        Value::Array(items) => items
            .into_iter()
            .enumerate()
            .map(|(i, v)| (Value::from(i as u64), v))
            .collect(),
        Value::Object(map) => map
            .into_iter()
            .map(|(k, v)| (Value::String(k), v))
            .collect(),
        _ => return Err(Miss::Error),
    };
    let bind = |e: &Expression, k: &Value, v: &Value| {
        let mut e = e.clone();
        hclx::walk_mut(&mut e, &mut |x| {
            if let Expression::Variable(id) = x {
                if id.as_str() == fe.value_var.as_str() {
                    *x = value_to_expr(v);
                    return false;
                }
                if fe
                    .key_var
                    .as_ref()
                    .is_some_and(|kv| kv.as_str() == id.as_str())
                {
                    *x = value_to_expr(k);
                    return false;
                }
            }
            true
        });
        e
    };
    let mut list = Vec::new();
    let mut map = hcl::Map::new();
    for (k, v) in &pairs {
        if let Some(cond) = &fe.cond_expr {
            match ev(&bind(cond, k, v), ctx)? {
                Value::Bool(true) => {}
                Value::Bool(false) => continue,
                _ => return Err(Miss::Error),
            }
        }
        let value = ev(&bind(&fe.value_expr, k, v), ctx)?;
        match &fe.key_expr {
            Some(key_expr) => {
                let key = match ev(&bind(key_expr, k, v), ctx)? {
                    Value::String(s) => s,
                    Value::Number(n) => n.to_string(),
                    Value::Bool(b) => b.to_string(),
                    _ => return Err(Miss::Error),
                };
                if map.insert(key, value).is_some() {
                    return Err(Miss::Error);
                }
            }
            None => list.push(value),
        }
    }
    Ok(match fe.key_expr {
        Some(_) => Value::Object(map),
        None => Value::Array(list),
    })
}

/// Why an expression without `try` failed: [`Miss::Unknown`] when it reads a root the context
/// does not hold (a resource, a data source, a module, `count`/`each` outside a repeated
/// resource) or a variable or local whose value is not known; [`Miss::Error`] otherwise.
fn classify(expr: &Expression, ctx: &Context<'_>) -> Miss {
    let mut unknown = false;
    hclx::walk(expr, &mut |e| {
        if unknown {
            return;
        }
        let (root, first) = match e {
            Expression::Variable(v) => (v.as_str(), None),
            Expression::Traversal(t) => match (&t.expr, t.operators.first()) {
                (Expression::Variable(v), Some(hcl::expr::TraversalOperator::GetAttr(a))) => {
                    (v.as_str(), Some(a.as_str()))
                }
                (Expression::Variable(v), _) => (v.as_str(), None),
                _ => return,
            },
            _ => return,
        };
        let probe = match (root, first) {
            ("var" | "local", Some(name)) => Expression::from(
                hcl::expr::Traversal::builder(Expression::Variable(
                    hcl::expr::Variable::unchecked(root),
                ))
                .attr(name)
                .build(),
            ),
            _ => Expression::Variable(hcl::expr::Variable::unchecked(root)),
        };
        unknown |= probe.evaluate(ctx).is_err();
    });
    if unknown { Miss::Unknown } else { Miss::Error }
}

/// A variable's value with the defaults of its type's `optional(...)` attributes filled in, as
/// Terraform converts it: a missing optional attribute is `null` (or the default it names),
/// inside objects, lists, sets and maps of them. Other values are returned as they are.
fn with_type_defaults(value: Value, ty: &Expression) -> Value {
    let Expression::FuncCall(call) = ty else {
        return value;
    };
    match (call.name.name.as_str(), value) {
        ("object", Value::Object(mut map)) => {
            let Some(Expression::Object(attrs)) = call.args.first() else {
                return Value::Object(map);
            };
            for (key, attr_ty) in attrs {
                let name = match key {
                    hcl::expr::ObjectKey::Identifier(id) => id.to_string(),
                    hcl::expr::ObjectKey::Expression(Expression::String(s)) => s.clone(),
                    _ => continue,
                };
                let (inner, default) = match attr_ty {
                    Expression::FuncCall(o) if o.name.name.as_str() == "optional" => {
                        (o.args.first(), Some(o.args.get(1)))
                    }
                    other => (Some(other), None),
                };
                let current = match map.swap_remove(&name) {
                    Some(Value::Null) | None => match default {
                        // `optional(T)`: null; `optional(T, d)`: d.
                        Some(d) => d
                            .and_then(|d| evaluate(d, &Context::new()))
                            .unwrap_or(Value::Null),
                        // A required attribute left out: Terraform rejects the value; keep it.
                        None => continue,
                    },
                    Some(v) => v,
                };
                let current = match inner {
                    Some(t) if !matches!(current, Value::Null) => with_type_defaults(current, t),
                    _ => current,
                };
                map.insert(name, current);
            }
            Value::Object(map)
        }
        ("list" | "set", Value::Array(items)) => match call.args.first() {
            Some(t) => Value::Array(
                items
                    .into_iter()
                    .map(|v| with_type_defaults(v, t))
                    .collect(),
            ),
            None => Value::Array(items),
        },
        ("map", Value::Object(map)) => match call.args.first() {
            Some(t) => Value::Object(
                map.into_iter()
                    .map(|(k, v)| (k, with_type_defaults(v, t)))
                    .collect(),
            ),
            None => Value::Object(map),
        },
        (_, value) => value,
    }
}

/// The value as an expression literal (for carrying known values into the output).
pub fn value_to_expr(v: &Value) -> Expression {
    match v {
        Value::Null => Expression::Null,
        Value::Bool(b) => Expression::Bool(*b),
        Value::Number(n) => Expression::Number(*n),
        Value::String(s) => Expression::String(s.clone()),
        Value::Array(items) => Expression::Array(items.iter().map(value_to_expr).collect()),
        Value::Object(map) => Expression::Object(
            map.iter()
                .map(|(k, v)| {
                    (
                        hcl::expr::ObjectKey::Expression(Expression::String(k.clone())),
                        value_to_expr(v),
                    )
                })
                .collect(),
        ),
    }
}

fn s(v: &Value) -> Result<String, String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        _ => Err("expected a string".into()),
    }
}

fn declare_functions(ctx: &mut Context<'static>) {
    macro_rules! string1 {
        ($name:literal, $f:expr) => {{
            fn func(args: FuncArgs) -> Result<Value, String> {
                let f: fn(&str) -> String = $f;
                Ok(Value::String(f(&s(&args[0])?)))
            }
            ctx.declare_func($name, FuncDef::builder().param(ParamType::Any).build(func));
        }};
    }
    string1!("lower", |x| x.to_lowercase());
    string1!("upper", |x| x.to_uppercase());
    string1!("trimspace", |x| x.trim().to_string());
    string1!("tostring", |x| x.to_string());
    ctx.declare_func(
        "format",
        FuncDef::builder()
            .param(ParamType::String)
            .variadic_param(ParamType::Any)
            .build(format),
    );
    ctx.declare_func(
        "join",
        FuncDef::builder()
            .param(ParamType::String)
            .variadic_param(ParamType::Any)
            .build(join),
    );
    ctx.declare_func(
        "concat",
        FuncDef::builder()
            .variadic_param(ParamType::Any)
            .build(concat),
    );
    ctx.declare_func(
        "merge",
        FuncDef::builder()
            .variadic_param(ParamType::Any)
            .build(merge),
    );
    ctx.declare_func(
        "coalesce",
        FuncDef::builder()
            .variadic_param(ParamType::Any)
            .build(coalesce),
    );
    ctx.declare_func(
        "length",
        FuncDef::builder().param(ParamType::Any).build(length),
    );
    ctx.declare_func(
        "tonumber",
        FuncDef::builder().param(ParamType::Any).build(tonumber),
    );
    ctx.declare_func(
        "tolist",
        FuncDef::builder().param(ParamType::Any).build(identity),
    );
    ctx.declare_func(
        "toset",
        FuncDef::builder().param(ParamType::Any).build(identity),
    );
    ctx.declare_func(
        "tomap",
        FuncDef::builder().param(ParamType::Any).build(identity),
    );
    ctx.declare_func(
        "lookup",
        FuncDef::builder()
            .param(ParamType::Any)
            .param(ParamType::String)
            .variadic_param(ParamType::Any)
            .build(lookup),
    );
    ctx.declare_func(
        "element",
        FuncDef::builder()
            .param(ParamType::Any)
            .param(ParamType::Number)
            .build(element),
    );
    ctx.declare_func(
        "replace",
        FuncDef::builder()
            .param(ParamType::String)
            .param(ParamType::String)
            .param(ParamType::String)
            .build(replace),
    );
    macro_rules! any_fn {
        ($name:literal, $n:literal, $f:expr) => {{
            let mut def = FuncDef::builder();
            for _ in 0..$n {
                def = def.param(ParamType::Any);
            }
            ctx.declare_func($name, def.build($f));
        }};
    }
    any_fn!("split", 2, split);
    any_fn!("flatten", 1, flatten);
    any_fn!("keys", 1, keys);
    any_fn!("values", 1, values);
    any_fn!("contains", 2, contains);
    any_fn!("index", 2, index_of);
    any_fn!("compact", 1, compact);
    any_fn!("distinct", 1, distinct);
    any_fn!("one", 1, one);
    any_fn!("tobool", 1, tobool);
    any_fn!("anytrue", 1, |a| all_any(a, false));
    any_fn!("alltrue", 1, |a| all_any(a, true));
    any_fn!("nonsensitive", 1, identity);
    any_fn!("sensitive", 1, identity);
    any_fn!("zipmap", 2, zipmap);
    any_fn!("startswith", 2, |a| Ok(Value::Bool(
        s(&a[0])?.starts_with(&s(&a[1])?)
    )));
    any_fn!("endswith", 2, |a| Ok(Value::Bool(
        s(&a[0])?.ends_with(&s(&a[1])?)
    )));
    any_fn!("trimprefix", 2, |a| {
        let (x, p) = (s(&a[0])?, s(&a[1])?);
        Ok(Value::String(x.strip_prefix(&p).unwrap_or(&x).to_string()))
    });
    any_fn!("trimsuffix", 2, |a| {
        let (x, p) = (s(&a[0])?, s(&a[1])?);
        Ok(Value::String(x.strip_suffix(&p).unwrap_or(&x).to_string()))
    });
    any_fn!("title", 1, |a| Ok(Value::String(title(&s(&a[0])?))));
    any_fn!("jsondecode", 1, |a| {
        serde_json::from_str::<Value>(&s(&a[0])?).map_err(|e| e.to_string())
    });
    ctx.declare_func(
        "coalescelist",
        FuncDef::builder()
            .variadic_param(ParamType::Any)
            .build(coalescelist),
    );
    ctx.declare_func(
        "max",
        FuncDef::builder()
            .variadic_param(ParamType::Number)
            .build(|a| minmax(a, true)),
    );
    ctx.declare_func(
        "min",
        FuncDef::builder()
            .variadic_param(ParamType::Number)
            .build(|a| minmax(a, false)),
    );
}

fn list(v: &Value) -> Result<&Vec<Value>, String> {
    match v {
        Value::Array(items) => Ok(items),
        _ => Err("expected a list".into()),
    }
}

fn split(args: FuncArgs) -> Result<Value, String> {
    let (sep, x) = (s(&args[0])?, s(&args[1])?);
    if x.is_empty() {
        return Ok(Value::Array(Vec::new()));
    }
    Ok(Value::Array(
        x.split(sep.as_str())
            .map(|p| Value::String(p.to_string()))
            .collect(),
    ))
}

fn flatten(args: FuncArgs) -> Result<Value, String> {
    fn go(items: &[Value], out: &mut Vec<Value>) {
        for v in items {
            match v {
                Value::Array(inner) => go(inner, out),
                other => out.push(other.clone()),
            }
        }
    }
    let mut out = Vec::new();
    go(list(&args[0])?, &mut out);
    Ok(Value::Array(out))
}

/// A map's keys and values in Terraform's order (keys sorted).
fn sorted(v: &Value) -> Result<Vec<(&String, &Value)>, String> {
    let Value::Object(map) = v else {
        return Err("expected a map".into());
    };
    let mut pairs: Vec<_> = map.iter().collect();
    pairs.sort_by(|a, b| a.0.cmp(b.0));
    Ok(pairs)
}

fn keys(args: FuncArgs) -> Result<Value, String> {
    Ok(Value::Array(
        sorted(&args[0])?
            .into_iter()
            .map(|(k, _)| Value::String(k.clone()))
            .collect(),
    ))
}

fn values(args: FuncArgs) -> Result<Value, String> {
    Ok(Value::Array(
        sorted(&args[0])?
            .into_iter()
            .map(|(_, v)| v.clone())
            .collect(),
    ))
}

fn contains(args: FuncArgs) -> Result<Value, String> {
    Ok(Value::Bool(list(&args[0])?.contains(&args[1])))
}

/// `index(list, value)`: the position of the first element equal to `value` (an error, as in
/// Terraform, when there is none).
fn index_of(args: FuncArgs) -> Result<Value, String> {
    list(&args[0])?
        .iter()
        .position(|v| *v == args[1])
        .map(|i| Value::from(i as u64))
        .ok_or_else(|| "item not found".into())
}

fn compact(args: FuncArgs) -> Result<Value, String> {
    Ok(Value::Array(
        list(&args[0])?
            .iter()
            .filter(|v| !matches!(v, Value::Null) && !matches!(v, Value::String(x) if x.is_empty()))
            .cloned()
            .collect(),
    ))
}

fn distinct(args: FuncArgs) -> Result<Value, String> {
    let mut out: Vec<Value> = Vec::new();
    for v in list(&args[0])? {
        if !out.contains(v) {
            out.push(v.clone());
        }
    }
    Ok(Value::Array(out))
}

fn one(args: FuncArgs) -> Result<Value, String> {
    match list(&args[0])?.as_slice() {
        [] => Ok(Value::Null),
        [v] => Ok(v.clone()),
        _ => Err("one: more than one element".into()),
    }
}

fn tobool(args: FuncArgs) -> Result<Value, String> {
    match &args[0] {
        Value::Bool(b) => Ok(Value::Bool(*b)),
        Value::String(x) if x == "true" => Ok(Value::Bool(true)),
        Value::String(x) if x == "false" => Ok(Value::Bool(false)),
        Value::Null => Ok(Value::Null),
        _ => Err("not a bool".into()),
    }
}

fn all_any(args: FuncArgs, all: bool) -> Result<Value, String> {
    let mut bools = list(&args[0])?.iter().map(|v| match v {
        Value::Bool(b) => Ok(*b),
        Value::String(x) if x == "true" => Ok(true),
        Value::String(x) if x == "false" => Ok(false),
        _ => Err("not a bool".to_string()),
    });
    let r = if all {
        bools.try_fold(true, |acc, b| b.map(|b| acc && b))?
    } else {
        bools.try_fold(false, |acc, b| b.map(|b| acc || b))?
    };
    Ok(Value::Bool(r))
}

fn zipmap(args: FuncArgs) -> Result<Value, String> {
    let (k, v) = (list(&args[0])?, list(&args[1])?);
    if k.len() != v.len() {
        return Err("zipmap: lists of different lengths".into());
    }
    let mut map = hcl::Map::new();
    for (k, v) in k.iter().zip(v) {
        map.insert(s(k)?, v.clone());
    }
    Ok(Value::Object(map))
}

pub(crate) fn title(x: &str) -> String {
    let mut out = String::with_capacity(x.len());
    let mut start = true;
    for c in x.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        start = !c.is_alphanumeric();
    }
    out
}

fn coalescelist(args: FuncArgs) -> Result<Value, String> {
    args.iter()
        .find(|v| matches!(v, Value::Array(items) if !items.is_empty()))
        .cloned()
        .ok_or_else(|| "no non-empty list".into())
}

fn identity(args: FuncArgs) -> Result<Value, String> {
    Ok(args[0].clone())
}

fn format(args: FuncArgs) -> Result<Value, String> {
    let fmt = s(&args[0])?;
    let mut rest = args.iter().skip(1);
    let mut out = String::new();
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('%') => out.push('%'),
            Some('s') | Some('d') | Some('v') => {
                out.push_str(&s(rest.next().ok_or("too few arguments")?)?)
            }
            _ => return Err("unsupported format verb".into()),
        }
    }
    Ok(Value::String(out))
}

fn flatten_args(args: &FuncArgs) -> Vec<Value> {
    let mut out = Vec::new();
    for a in args.iter() {
        match a {
            Value::Array(items) => out.extend(items.iter().cloned()),
            other => out.push(other.clone()),
        }
    }
    out
}

fn join(args: FuncArgs) -> Result<Value, String> {
    let sep = s(&args[0])?;
    let items: Result<Vec<String>, String> = flatten_args(&args).iter().skip(1).map(s).collect();
    Ok(Value::String(items?.join(&sep)))
}

fn concat(args: FuncArgs) -> Result<Value, String> {
    Ok(Value::Array(flatten_args(&args)))
}

fn merge(args: FuncArgs) -> Result<Value, String> {
    let mut out = hcl::Map::new();
    for a in args.iter() {
        match a {
            Value::Object(m) => out.extend(m.clone()),
            Value::Null => {}
            _ => return Err("merge takes objects".into()),
        }
    }
    Ok(Value::Object(out))
}

fn coalesce(args: FuncArgs) -> Result<Value, String> {
    args.iter()
        .find(|v| !matches!(v, Value::Null) && !matches!(v, Value::String(s) if s.is_empty()))
        .cloned()
        .ok_or_else(|| "no non-null argument".into())
}

fn length(args: FuncArgs) -> Result<Value, String> {
    let n = match &args[0] {
        Value::Array(a) => a.len(),
        Value::Object(o) => o.len(),
        Value::String(s) => s.chars().count(),
        _ => return Err("length of a scalar".into()),
    };
    Ok(Value::Number((n as u64).into()))
}

fn tonumber(args: FuncArgs) -> Result<Value, String> {
    match &args[0] {
        Value::Number(n) => Ok(Value::Number(*n)),
        Value::String(s) => s
            .parse::<f64>()
            .ok()
            .and_then(hcl::Number::from_f64)
            .map(Value::Number)
            .ok_or_else(|| "not a number".into()),
        _ => Err("not a number".into()),
    }
}

fn lookup(args: FuncArgs) -> Result<Value, String> {
    let key = s(&args[1])?;
    match &args[0] {
        Value::Object(m) => m
            .get(&key)
            .cloned()
            .or_else(|| args.get(2).cloned())
            .ok_or_else(|| "missing key".into()),
        _ => Err("lookup needs a map".into()),
    }
}

fn element(args: FuncArgs) -> Result<Value, String> {
    let Value::Array(items) = &args[0] else {
        return Err("element needs a list".into());
    };
    let Value::Number(n) = &args[1] else {
        return Err("index".into());
    };
    let i = n.as_u64().ok_or("index")? as usize;
    if items.is_empty() {
        return Err("empty list".into());
    }
    Ok(items[i % items.len()].clone())
}

fn replace(args: FuncArgs) -> Result<Value, String> {
    let pattern = s(&args[1])?;
    if pattern.len() > 1 && pattern.starts_with('/') && pattern.ends_with('/') {
        // A regular expression (`"/^t(2|3)\\..*$/"`): not evaluated, rather than replaced
        // as literal text, which would give a wrong value.
        return Err("regular expressions are not evaluated".into());
    }
    Ok(Value::String(
        s(&args[0])?.replace(&s(&args[1])?, &s(&args[2])?),
    ))
}

fn minmax(args: FuncArgs, max: bool) -> Result<Value, String> {
    let nums: Vec<f64> = args
        .iter()
        .filter_map(|v| {
            if let Value::Number(n) = v {
                n.as_f64()
            } else {
                None
            }
        })
        .collect();
    let r = if max {
        nums.iter().cloned().fold(f64::MIN, f64::max)
    } else {
        nums.iter().cloned().fold(f64::MAX, f64::min)
    };
    hcl::Number::from_f64(r)
        .map(Value::Number)
        .ok_or_else(|| "no numbers".into())
}

/// The keys of `map` whose value is `null`.
fn null_keys(map: &hcl::Map<String, Value>) -> std::collections::BTreeSet<String> {
    map.iter()
        .filter(|(_, v)| v.is_null())
        .map(|(k, _)| k.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(count: Option<&str>, for_each: Option<&str>) -> crate::origin::Meta {
        crate::origin::Meta {
            count: count.map(|c| c.parse().expect("count")),
            for_each: for_each.map(|c| c.parse().expect("for_each")),
            ..Default::default()
        }
    }

    fn keys(m: &crate::origin::Meta, expr: &str) -> Option<Vec<(Value, Value)>> {
        let ev = Eval::new(&Module::default(), &BTreeMap::new(), None);
        let e: Expression = expr.parse().expect("expression");
        ev.instances(m).map(|all| {
            all.iter()
                .map(|(k, ev)| (k.clone(), ev.value(&e).expect("known")))
                .collect()
        })
    }

    #[test]
    fn instance_by_key() {
        let ev = Eval::new(&Module::default(), &BTreeMap::new(), None);
        let port: Expression = "each.value.port".parse().expect("expression");
        let m = meta(
            None,
            Some(r#"{ http = { port = 80 }, ssh = { port = 22 } }"#),
        );
        let at = |k: Option<Value>| {
            ev.for_instance_key(&m, k.as_ref())
                .and_then(|ev| ev.value(&port))
        };
        assert_eq!(at(None), Some(Value::from(80u64)));
        assert_eq!(at(Some(Value::from("ssh"))), Some(Value::from(22u64)));
        assert_eq!(at(Some(Value::from("ftp"))), None);
        let index: Expression = "count.index * 10".parse().expect("expression");
        let c = meta(Some("3"), None);
        let at = |k: Value| {
            ev.for_instance_key(&c, Some(&k))
                .and_then(|ev| ev.value(&index))
        };
        assert_eq!(at(Value::from(2u64)), Some(Value::from(20u64)));
        assert_eq!(at(Value::from(3u64)), None);
    }

    #[test]
    fn instances_in_terraform_order() {
        let m = meta(None, Some(r#"{ b = 2, a = 1, c = 3 }"#));
        assert_eq!(
            keys(&m, "each.value").expect("instances"),
            vec![
                (Value::from("a"), Value::from(1u64)),
                (Value::from("b"), Value::from(2u64)),
                (Value::from("c"), Value::from(3u64)),
            ]
        );
        let m = meta(None, Some(r#"toset(["y", "x", "y"])"#));
        assert_eq!(
            keys(&m, "each.key").expect("instances"),
            vec![
                (Value::from("x"), Value::from("x")),
                (Value::from("y"), Value::from("y")),
            ]
        );
        let m = meta(Some("3"), None);
        assert_eq!(
            keys(&m, "count.index").expect("instances"),
            (0..3u64)
                .map(|i| (Value::from(i), Value::from(i)))
                .collect::<Vec<_>>()
        );
    }

    /// The value of `expr` in a module declaring `vars` (HCL of `variable` blocks).
    fn value_in(vars: &str, expr: &str) -> Option<Value> {
        let files = BTreeMap::from([("variables.tf".to_string(), vars.to_string())]);
        let origin = crate::origin::parse(&files, &mut Vec::new());
        let module = origin.modules.get("").cloned().unwrap_or_default();
        let ev = Eval::new(&module, &BTreeMap::new(), None);
        ev.value(&expr.parse().expect("expression"))
    }

    #[test]
    fn try_and_can_skip_failures_but_not_unknowns() {
        let vars = r#"
            variable "versioning" { default = { enabled = true } }
            variable "rules" {
              default = {
                a = { cidr = "10.0.0.0/16" }
                b = { type = "egress", cidr = "0.0.0.0/0" }
              }
            }
        "#;
        let v = |e: &str| value_in(vars, e);
        assert_eq!(v(r#"try(var.versioning["mfa"], null)"#), Some(Value::Null));
        assert_eq!(
            v(r#"try(var.versioning["enabled"] ? "Enabled" : "Suspended", "x")"#),
            Some(Value::from("Enabled"))
        );
        assert_eq!(v("can(var.versioning.status)"), Some(Value::Bool(false)));
        assert_eq!(v("can(var.versioning.enabled)"), Some(Value::Bool(true)));
        // A resource attribute is unknown, not an error: `try` cannot pick the fallback.
        assert_eq!(v(r#"try(aws_s3_bucket.this[0].id, "")"#), None);
        assert_eq!(v("can(aws_s3_bucket.this[0].id)"), None);
        // Inside a `for` with a condition, and nested in other calls.
        assert_eq!(
            v(r#"keys({ for k, r in var.rules : k => r if try(r.type, "ingress") == "ingress" })"#),
            Some(Value::Array(vec![Value::from("a")]))
        );
        assert_eq!(
            v(r#"length(try(flatten([var.versioning.transition]), []))"#),
            Some(Value::from(0u64))
        );
        assert_eq!(
            v("true && try(var.versioning.nope, false)"),
            Some(Value::Bool(false))
        );
        // A variable without a known value is unknown, not an error.
        assert_eq!(v("try(var.undeclared, false)"), None);
    }

    #[test]
    fn optional_attributes_take_their_defaults() {
        let vars = r#"
            variable "sse" {
              type = object({
                rule = optional(object({
                  bucket_key_enabled = optional(bool, true)
                  algorithm          = optional(string)
                }))
                enabled = optional(bool, false)
              })
              default = { rule = {} }
            }
            variable "rules" {
              type    = list(object({ id = string, days = optional(number, 30) }))
              default = [{ id = "a" }, { id = "b", days = 7 }]
            }
        "#;
        let v = |e: &str| value_in(vars, e);
        assert_eq!(
            v("var.sse.rule.bucket_key_enabled"),
            Some(Value::Bool(true))
        );
        assert_eq!(v("var.sse.rule.algorithm"), Some(Value::Null));
        assert_eq!(v("var.sse.enabled"), Some(Value::Bool(false)));
        assert_eq!(v("var.sse.rule != null"), Some(Value::Bool(true)));
        assert_eq!(
            v("[for r in var.rules : r.days]"),
            Some(Value::Array(vec![Value::from(30u64), Value::from(7u64)]))
        );
    }

    #[test]
    fn collection_and_string_functions() {
        let v = |e: &str| value_in("", e);
        assert_eq!(
            v(r#"element(split("-", "sqlserver-ex"), 0) == "sqlserver""#),
            Some(Value::Bool(true))
        );
        assert_eq!(
            v(r#"flatten([["a"], [["b"]], "c"])"#),
            v(r#"["a", "b", "c"]"#)
        );
        assert_eq!(v(r#"keys({ b = 1, a = 2 })"#), v(r#"["a", "b"]"#));
        assert_eq!(v(r#"values({ b = 1, a = 2 })"#), v("[2, 1]"));
        assert_eq!(v(r#"one([])"#), Some(Value::Null));
        assert_eq!(v(r#"one(["x"])"#), Some(Value::from("x")));
        assert_eq!(v(r#"one(["x", "y"])"#), None);
        assert_eq!(v(r#"compact(["a", "", null])"#), v(r#"["a"]"#));
        assert_eq!(v(r#"contains(["a"], "a")"#), Some(Value::Bool(true)));
        assert_eq!(v(r#"index(["a", "b"], "b")"#), Some(Value::from(1u64)));
        assert_eq!(v(r#"index(["a"], "c")"#), None);
        assert_eq!(
            v(r#"title(lower("ENABLED"))"#),
            Some(Value::from("Enabled"))
        );
        assert_eq!(v(r#"coalescelist([], ["x"])"#), v(r#"["x"]"#));
        assert_eq!(v(r#"anytrue([false, true])"#), Some(Value::Bool(true)));
        assert_eq!(v(r#"jsondecode("[1]")"#), v("[1]"));
        // A regular expression is not replaced as literal text.
        assert_eq!(v(r#"replace("t3.micro", "/^t3\\..*$/", "1")"#), None);
        assert_eq!(v(r#"replace("a.b", ".", "-")"#), Some(Value::from("a-b")));
    }

    #[test]
    fn instances_unknown_or_ambiguous() {
        assert!(keys(&meta(None, None), "1").is_none());
        assert!(keys(&meta(Some("var.n"), None), "1").is_none());
        assert!(keys(&meta(Some("1.5"), None), "1").is_none());
        assert!(keys(&meta(None, Some("[1, 2]")), "1").is_none());
        assert!(keys(&meta(None, Some("aws_x.y.ids")), "1").is_none());
    }
}
