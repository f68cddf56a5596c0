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
                .and_then(|e| evaluate(e, &ctx));
            if let Some(value) = value {
                vars.insert(v.name.clone(), value);
            }
        }
        if let Some(id) = instance_id {
            vars.insert("instance_id".into(), Value::String(id.into()));
        }
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
        ctx.declare_var("local", Value::Object(locals));
        Eval { ctx }
    }

    /// The context for evaluating the body of a repeated resource: `count.index` is 0 and
    /// `each` is the first element of a static `for_each`, so that mappings see a
    /// representative instance. `None` when the resource does not repeat.
    pub fn for_instance(&self, meta: &crate::origin::Meta) -> Option<Eval> {
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
        Some(Eval { ctx })
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
            Eval { ctx }
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
        _ => expr.evaluate(ctx).ok(),
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

    #[test]
    fn instances_unknown_or_ambiguous() {
        assert!(keys(&meta(None, None), "1").is_none());
        assert!(keys(&meta(Some("var.n"), None), "1").is_none());
        assert!(keys(&meta(Some("1.5"), None), "1").is_none());
        assert!(keys(&meta(None, Some("[1, 2]")), "1").is_none());
        assert!(keys(&meta(None, Some("aws_x.y.ids")), "1").is_none());
    }
}
