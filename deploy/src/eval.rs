//! Evaluation of the Terraform expressions a deployment stack uses.
//!
//! The evaluator walks hcl-rs expressions directly (rather than through `hcl::eval`) for three
//! reasons: references resolve lazily through a [`Scope`] (other resources' attributes become
//! known only as the apply proceeds), [`Val::Unknown`] must flow through lists and functions, and
//! `try`/`can` must see the errors of their arguments. The functions are the ones deployment
//! stacks use (grep the compiler's expected output), plus the common string, collection and
//! encoding functions; anything else is a clear error naming the function.

use crate::value::{Val, fmt_num};
use base64::Engine as _;
use hcl::expr::{
    BinaryOperator, Expression, ForExpr, FuncCall, ObjectKey, Operation, TemplateExpr,
    TraversalOperator, UnaryOperator,
};
use hcl::template::{Directive, Element, Strip, Template};
use sha2::Digest;
use std::collections::BTreeMap;
use std::fmt;

/// Why an expression could not be evaluated. Never carries a value, only types and names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalError(pub String);

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for EvalError {}

fn err<T>(msg: impl Into<String>) -> Result<T, EvalError> {
    Err(EvalError(msg.into()))
}

/// What names outside the expression resolve to.
pub trait Scope {
    /// Resolves a reference that starts with `root` (`var`, `local`, `module`, `data`, `path`,
    /// or a resource type) followed by `ops`. Returns the value and how many of `ops` it used
    /// (the resource name, the variable name, …); the evaluator applies the rest.
    fn lookup(&self, root: &str, ops: &[TraversalOperator]) -> Result<(Val, usize), EvalError>;
    /// A file of the stack, by its path from the stack's root (`file()`, `templatefile()`).
    fn file(&self, path: &str) -> Option<&str>;
}

/// A scope that knows nothing: for constant expressions (variable values, tfvars).
#[derive(Debug)]
pub struct EmptyScope;

impl Scope for EmptyScope {
    fn lookup(&self, root: &str, _ops: &[TraversalOperator]) -> Result<(Val, usize), EvalError> {
        err(format!("`{root}` cannot be referenced here"))
    }
    fn file(&self, _path: &str) -> Option<&str> {
        None
    }
}

/// Names bound by `count`, `for_each`, `for` expressions and `dynamic` blocks.
#[derive(Debug, Clone, Default)]
pub struct Bindings(Vec<(String, Val)>);

impl Bindings {
    pub fn new() -> Self {
        Bindings(Vec::new())
    }
    pub fn with(mut self, name: &str, value: Val) -> Self {
        self.0.push((name.to_string(), value));
        self
    }
    pub fn push(&mut self, name: &str, value: Val) {
        self.0.push((name.to_string(), value));
    }
    pub fn pop(&mut self) {
        self.0.pop();
    }
    fn get(&self, name: &str) -> Option<&Val> {
        self.0.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v)
    }
}

/// The deepest nesting of expressions (and templates within them) the evaluator follows.
const MAX_DEPTH: usize = 200;

/// Evaluates expressions against a scope and bindings.
pub struct Evaluator<'s> {
    scope: &'s dyn Scope,
    bindings: Bindings,
    depth: usize,
}

impl fmt::Debug for Evaluator<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Evaluator")
            .field("depth", &self.depth)
            .finish()
    }
}

impl<'s> Evaluator<'s> {
    pub fn new(scope: &'s dyn Scope, bindings: Bindings) -> Self {
        Evaluator {
            scope,
            bindings,
            depth: 0,
        }
    }

    pub fn bindings_mut(&mut self) -> &mut Bindings {
        &mut self.bindings
    }

    pub fn eval(&mut self, expr: &Expression) -> Result<Val, EvalError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            self.depth -= 1;
            return err(format!("expression nests deeper than {MAX_DEPTH} levels"));
        }
        let out = self.eval_inner(expr);
        self.depth -= 1;
        out
    }

    fn eval_inner(&mut self, expr: &Expression) -> Result<Val, EvalError> {
        match expr {
            Expression::Null => Ok(Val::Null),
            Expression::Bool(b) => Ok(Val::Bool(*b)),
            Expression::Number(n) => Ok(Val::from_hcl_number(n)),
            Expression::String(s) => Ok(Val::Str(s.clone())),
            Expression::Array(items) => Ok(Val::List(
                items
                    .iter()
                    .map(|e| self.eval(e))
                    .collect::<Result<_, _>>()?,
            )),
            Expression::Object(entries) => {
                let mut map = BTreeMap::new();
                for (key, value) in entries {
                    let key = match key {
                        ObjectKey::Identifier(id) => id.as_str().to_string(),
                        ObjectKey::Expression(e) => match self.eval(e)? {
                            Val::Unknown(s) => return Ok(Val::Unknown(s)),
                            k => k.to_text().ok_or_else(|| {
                                EvalError(format!(
                                    "an object key must be a string, not a {}",
                                    k.type_name()
                                ))
                            })?,
                        },
                        _ => return err("unsupported object key"),
                    };
                    let value = self.eval(value)?;
                    map.insert(key, value);
                }
                Ok(Val::Map(map))
            }
            Expression::TemplateExpr(t) => self.template_expr(t),
            Expression::Variable(v) => self.reference(v.as_str(), &[]),
            Expression::Traversal(t) => match &t.expr {
                Expression::Variable(v) => self.reference(v.as_str(), &t.operators),
                other => {
                    let base = self.eval(other)?;
                    self.apply_ops(base, &t.operators)
                }
            },
            Expression::FuncCall(call) => self.call(call),
            Expression::Parenthesis(inner) => self.eval(inner),
            Expression::Conditional(c) => match self.eval(&c.cond_expr)? {
                Val::Unknown(s) => Ok(Val::Unknown(s)),
                cond => match cond.to_bool() {
                    Some(true) => self.eval(&c.true_expr),
                    Some(false) => self.eval(&c.false_expr),
                    None => err(format!(
                        "the condition of `? :` must be a bool, not a {}",
                        cond.type_name()
                    )),
                },
            },
            Expression::Operation(op) => self.operation(op),
            Expression::ForExpr(f) => self.for_expr(f),
            _ => err("unsupported expression"),
        }
    }

    fn reference(&mut self, root: &str, ops: &[TraversalOperator]) -> Result<Val, EvalError> {
        if let Some(v) = self.bindings.get(root) {
            let v = v.clone();
            return self.apply_ops(v, ops);
        }
        let (value, used) = self.scope.lookup(root, ops)?;
        self.apply_ops(value, ops.get(used..).unwrap_or(&[]))
    }

    fn apply_ops(&mut self, mut value: Val, ops: &[TraversalOperator]) -> Result<Val, EvalError> {
        for (i, op) in ops.iter().enumerate() {
            if let Val::Unknown(_) = value {
                return Ok(value);
            }
            value = match op {
                TraversalOperator::GetAttr(name) => get_attr(value, name.as_str())?,
                TraversalOperator::Index(e) => {
                    let key = self.eval(e)?;
                    index(value, &key)?
                }
                TraversalOperator::LegacyIndex(n) => index(value, &Val::Num(*n as f64))?,
                TraversalOperator::AttrSplat | TraversalOperator::FullSplat => {
                    let rest = ops.get(i + 1..).unwrap_or(&[]);
                    let items = match value {
                        Val::Null => Vec::new(),
                        Val::List(items) => items,
                        other => vec![other],
                    };
                    let mut out = Vec::with_capacity(items.len());
                    for item in items {
                        out.push(self.apply_ops(item, rest)?);
                    }
                    return Ok(Val::List(out));
                }
            };
        }
        Ok(value)
    }

    fn template_expr(&mut self, t: &TemplateExpr) -> Result<Val, EvalError> {
        // The parser has already unescaped quoted strings and dedented `<<-` heredocs.
        let template = Template::from_expr(t)
            .map_err(|e| EvalError(format!("cannot parse a string template: {e}")))?;
        self.template(&template)
    }

    /// Renders a template; unknown interpolations make the whole string unknown.
    pub fn template(&mut self, template: &Template) -> Result<Val, EvalError> {
        let mut out = String::new();
        let mut strip_next = false;
        let elements = template.elements();
        for (i, element) in elements.iter().enumerate() {
            let strip = element_strip(element);
            if matches!(strip, Strip::Start | Strip::Both) {
                let trimmed = out.trim_end().len();
                out.truncate(trimmed);
            }
            match element {
                Element::Literal(s) => {
                    let s = if strip_next {
                        s.trim_start()
                    } else {
                        s.as_str()
                    };
                    let s = match elements.get(i + 1).map(element_strip) {
                        Some(Strip::Start | Strip::Both) => s.trim_end(),
                        _ => s,
                    };
                    out.push_str(s);
                }
                Element::Interpolation(interp) => match self.eval(&interp.expr)? {
                    Val::Unknown(s) => return Ok(Val::Unknown(s)),
                    v => match v.to_text() {
                        Some(text) => out.push_str(&text),
                        None => {
                            if let Some(u) = v.first_unknown() {
                                return Ok(Val::Unknown(u.to_string()));
                            }
                            return err(format!(
                                "cannot interpolate a {} into a string",
                                v.type_name()
                            ));
                        }
                    },
                },
                Element::Directive(d) => match d.as_ref() {
                    Directive::If(ifd) => match self.eval(&ifd.cond_expr)? {
                        Val::Unknown(s) => return Ok(Val::Unknown(s)),
                        cond => {
                            let branch = match cond.to_bool() {
                                Some(true) => Some(&ifd.true_template),
                                Some(false) => ifd.false_template.as_ref(),
                                None => return err("a template `if` needs a bool condition"),
                            };
                            if let Some(branch) = branch {
                                match self.template(branch)? {
                                    Val::Str(s) => out.push_str(&s),
                                    other => return Ok(other),
                                }
                            }
                        }
                    },
                    Directive::For(ford) => {
                        let coll = self.eval(&ford.collection_expr)?;
                        for (k, v) in iterate(coll)? {
                            if let Some(kv) = &ford.key_var {
                                self.bindings.push(kv.as_str(), k);
                            }
                            self.bindings.push(ford.value_var.as_str(), v);
                            let rendered = self.template(&ford.template);
                            self.bindings.pop();
                            if ford.key_var.is_some() {
                                self.bindings.pop();
                            }
                            match rendered? {
                                Val::Str(s) => out.push_str(&s),
                                other => return Ok(other),
                            }
                        }
                    }
                },
            }
            strip_next = matches!(strip, Strip::End | Strip::Both);
        }
        Ok(Val::Str(out))
    }

    fn operation(&mut self, op: &Operation) -> Result<Val, EvalError> {
        match op {
            Operation::Unary(u) => {
                let v = self.eval(&u.expr)?;
                if let Val::Unknown(s) = v {
                    return Ok(Val::Unknown(s));
                }
                match u.operator {
                    UnaryOperator::Not => v.to_bool().map(|b| Val::Bool(!b)).ok_or_else(|| {
                        EvalError(format!("`!` needs a bool, not a {}", v.type_name()))
                    }),
                    UnaryOperator::Neg => v.to_num().map(|n| Val::Num(-n)).ok_or_else(|| {
                        EvalError(format!("`-` needs a number, not a {}", v.type_name()))
                    }),
                }
            }
            Operation::Binary(b) => {
                // `&&` and `||` short-circuit like Terraform's do not, but the result is the same
                // for known values and saves evaluating an unknown side.
                let lhs = self.eval(&b.lhs_expr)?;
                if let Val::Unknown(s) = lhs {
                    return Ok(Val::Unknown(s));
                }
                let rhs = self.eval(&b.rhs_expr)?;
                if let Val::Unknown(s) = rhs {
                    return Ok(Val::Unknown(s));
                }
                binary(b.operator, &lhs, &rhs)
            }
        }
    }

    fn for_expr(&mut self, f: &ForExpr) -> Result<Val, EvalError> {
        let coll = self.eval(&f.collection_expr)?;
        if let Val::Unknown(s) = coll {
            return Ok(Val::Unknown(s));
        }
        let mut list = Vec::new();
        let mut map: BTreeMap<String, Val> = BTreeMap::new();
        let mut groups: BTreeMap<String, Vec<Val>> = BTreeMap::new();
        for (k, v) in iterate(coll)? {
            let pushed = if let Some(kv) = &f.key_var {
                self.bindings.push(kv.as_str(), k);
                2
            } else {
                1
            };
            self.bindings.push(f.value_var.as_str(), v);
            let step = self.for_step(f, &mut list, &mut map, &mut groups);
            for _ in 0..pushed {
                self.bindings.pop();
            }
            if let Some(unknown) = step? {
                return Ok(unknown);
            }
        }
        if f.key_expr.is_some() {
            if f.grouping {
                Ok(Val::Map(
                    groups.into_iter().map(|(k, v)| (k, Val::List(v))).collect(),
                ))
            } else {
                Ok(Val::Map(map))
            }
        } else {
            Ok(Val::List(list))
        }
    }

    fn for_step(
        &mut self,
        f: &ForExpr,
        list: &mut Vec<Val>,
        map: &mut BTreeMap<String, Val>,
        groups: &mut BTreeMap<String, Vec<Val>>,
    ) -> Result<Option<Val>, EvalError> {
        if let Some(cond) = &f.cond_expr {
            match self.eval(cond)? {
                Val::Unknown(s) => return Ok(Some(Val::Unknown(s))),
                c => match c.to_bool() {
                    Some(true) => {}
                    Some(false) => return Ok(None),
                    None => return err("the `if` of a `for` expression must be a bool"),
                },
            }
        }
        let value = self.eval(&f.value_expr)?;
        match &f.key_expr {
            None => list.push(value),
            Some(key_expr) => {
                let key = match self.eval(key_expr)? {
                    Val::Unknown(s) => return Ok(Some(Val::Unknown(s))),
                    k => k.to_text().ok_or_else(|| {
                        EvalError("a `for` expression key must be a string".into())
                    })?,
                };
                if f.grouping {
                    groups.entry(key).or_default().push(value);
                } else if map.insert(key.clone(), value).is_some() {
                    return err(format!(
                        "the `for` expression produces the key `{key}` twice (use `...` to group)"
                    ));
                }
            }
        }
        Ok(None)
    }

    fn call(&mut self, call: &FuncCall) -> Result<Val, EvalError> {
        let name = call.name.name.as_str();
        if call.name.is_namespaced() {
            return err(format!(
                "provider-defined function `{}` is not supported by ferry deploy",
                call.name.name.as_str()
            ));
        }
        // The two functions that look at their arguments' errors.
        match name {
            "try" => {
                let mut last = EvalError("`try` needs at least one argument".into());
                for arg in &call.args {
                    match self.eval(arg) {
                        Ok(v) => return Ok(v),
                        Err(e) => last = e,
                    }
                }
                return Err(last);
            }
            "can" => {
                let [arg] = call.args.as_slice() else {
                    return err("`can` takes one argument");
                };
                return Ok(match self.eval(arg) {
                    Ok(Val::Unknown(s)) => Val::Unknown(s),
                    Ok(_) => Val::Bool(true),
                    Err(_) => Val::Bool(false),
                });
            }
            _ => {}
        }
        let mut args = Vec::with_capacity(call.args.len());
        for arg in &call.args {
            args.push(self.eval(arg)?);
        }
        if call.expand_final {
            match args.pop() {
                Some(Val::List(items)) => args.extend(items),
                Some(Val::Unknown(s)) => return Ok(Val::Unknown(s)),
                Some(other) => {
                    return err(format!("`...` expands a list, not a {}", other.type_name()));
                }
                None => {}
            }
        }
        match name {
            "file" | "filebase64" | "filesha256" | "templatefile" => self.file_fn(name, args),
            _ => call_pure(name, args).map_err(|e| EvalError(format!("{name}(): {}", e.0))),
        }
    }

    fn file_fn(&mut self, name: &str, args: Vec<Val>) -> Result<Val, EvalError> {
        if let Some(u) = args.iter().find_map(Val::first_unknown) {
            return Ok(Val::Unknown(u.to_string()));
        }
        let path = match args.first() {
            Some(Val::Str(p)) => normalize_path(p),
            _ => return err(format!("{name}() needs a path string")),
        };
        let Some(text) = self.scope.file(&path) else {
            return err(format!(
                "{name}(): `{path}` is not part of the stack (only files shipped with the release can be read)"
            ));
        };
        let text = text.to_string();
        match name {
            "file" => Ok(Val::Str(text)),
            "filebase64" => Ok(Val::Str(
                base64::engine::general_purpose::STANDARD.encode(text.as_bytes()),
            )),
            "filesha256" => Ok(Val::Str(hex(&sha2::Sha256::digest(text.as_bytes())))),
            _ => {
                let vars = match args.get(1) {
                    Some(Val::Map(m)) => m.clone(),
                    None => BTreeMap::new(),
                    Some(other) => {
                        return err(format!(
                            "templatefile() takes an object of variables, not a {}",
                            other.type_name()
                        ));
                    }
                };
                let template: Template = text.parse().map_err(|e| {
                    EvalError(format!("templatefile(): cannot parse `{path}`: {e}"))
                })?;
                let scope = EmptyScope;
                let mut bindings = Bindings::new();
                for (k, v) in vars {
                    bindings.push(&k, v);
                }
                let mut inner = Evaluator::new(&scope, bindings);
                inner.depth = self.depth;
                inner.template(&template)
            }
        }
    }
}

fn element_strip(element: &Element) -> Strip {
    match element {
        Element::Literal(_) => Strip::None,
        Element::Interpolation(i) => i.strip,
        Element::Directive(d) => match d.as_ref() {
            Directive::If(i) => Strip::from((i.if_strip.strip_start(), i.endif_strip.strip_end())),
            Directive::For(f) => {
                Strip::from((f.for_strip.strip_start(), f.endfor_strip.strip_end()))
            }
        },
    }
}

/// Joins `a/./b/../c` into `a/c`; a leading `./` goes.
pub fn normalize_path(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn get_attr(value: Val, name: &str) -> Result<Val, EvalError> {
    match value {
        Val::Map(mut map) => map
            .remove(name)
            .ok_or_else(|| EvalError(format!("the object has no attribute `{name}`"))),
        Val::Unknown(s) => Ok(Val::Unknown(s)),
        Val::List(_) => err(format!(
            "cannot read `.{name}` of a list (a resource with `count` or `for_each` needs an index or `[*]`)"
        )),
        other => err(format!("cannot read `.{name}` of a {}", other.type_name())),
    }
}

fn index(value: Val, key: &Val) -> Result<Val, EvalError> {
    if let Val::Unknown(s) = key {
        return Ok(Val::Unknown(s.clone()));
    }
    match value {
        Val::List(mut items) => {
            let Some(i) = key.to_num() else {
                return err(format!(
                    "a list index must be a number, not a {}",
                    key.type_name()
                ));
            };
            if i < 0.0 || i.fract() != 0.0 || i as usize >= items.len() {
                return err(format!(
                    "index {} is out of range for a list of {} element(s)",
                    fmt_num(i),
                    items.len()
                ));
            }
            Ok(items.swap_remove(i as usize))
        }
        Val::Map(mut map) => {
            let Some(k) = key.to_text() else {
                return err(format!(
                    "a map key must be a string, not a {}",
                    key.type_name()
                ));
            };
            map.remove(&k)
                .ok_or_else(|| EvalError(format!("the map has no key `{k}`")))
        }
        Val::Unknown(s) => Ok(Val::Unknown(s)),
        other => err(format!("cannot index a {}", other.type_name())),
    }
}

/// `(key, value)` pairs of a collection: index/element for lists, key/value for maps.
fn iterate(coll: Val) -> Result<Vec<(Val, Val)>, EvalError> {
    match coll {
        Val::List(items) => Ok(items
            .into_iter()
            .enumerate()
            .map(|(i, v)| (Val::Num(i as f64), v))
            .collect()),
        Val::Map(map) => Ok(map.into_iter().map(|(k, v)| (Val::Str(k), v)).collect()),
        Val::Null => Ok(Vec::new()),
        other => err(format!("cannot iterate over a {}", other.type_name())),
    }
}

fn binary(op: BinaryOperator, lhs: &Val, rhs: &Val) -> Result<Val, EvalError> {
    use BinaryOperator as B;
    let nums = || -> Result<(f64, f64), EvalError> {
        match (lhs.to_num(), rhs.to_num()) {
            (Some(a), Some(b)) => Ok((a, b)),
            _ => err(format!(
                "`{}` needs numbers, not {} and {}",
                op.as_str(),
                lhs.type_name(),
                rhs.type_name()
            )),
        }
    };
    let bools = || -> Result<(bool, bool), EvalError> {
        match (lhs.to_bool(), rhs.to_bool()) {
            (Some(a), Some(b)) => Ok((a, b)),
            _ => err(format!("`{}` needs bools", op.as_str())),
        }
    };
    Ok(match op {
        B::Eq => Val::Bool(lhs == rhs),
        B::NotEq => Val::Bool(lhs != rhs),
        B::Less => nums().map(|(a, b)| Val::Bool(a < b))?,
        B::LessEq => nums().map(|(a, b)| Val::Bool(a <= b))?,
        B::Greater => nums().map(|(a, b)| Val::Bool(a > b))?,
        B::GreaterEq => nums().map(|(a, b)| Val::Bool(a >= b))?,
        B::Plus => nums().map(|(a, b)| Val::Num(a + b))?,
        B::Minus => nums().map(|(a, b)| Val::Num(a - b))?,
        B::Mul => nums().map(|(a, b)| Val::Num(a * b))?,
        B::Div => {
            let (a, b) = nums()?;
            if b == 0.0 {
                return err("division by zero");
            }
            Val::Num(a / b)
        }
        B::Mod => {
            let (a, b) = nums()?;
            if b == 0.0 {
                return err("modulo by zero");
            }
            Val::Num(a % b)
        }
        B::And => bools().map(|(a, b)| Val::Bool(a && b))?,
        B::Or => bools().map(|(a, b)| Val::Bool(a || b))?,
    })
}

/// Functions that pass unknown *elements* through (they only move values around).
const STRUCTURAL: &[&str] = &[
    "flatten",
    "concat",
    "tolist",
    "length",
    "values",
    "merge",
    "slice",
    "element",
    "compact",
    "coalescelist",
    "one",
    "reverse",
];

/// Calls a function that needs nothing but its arguments.
pub fn call_pure(name: &str, args: Vec<Val>) -> Result<Val, EvalError> {
    if let Some(Val::Unknown(s)) = args.iter().find(|a| matches!(a, Val::Unknown(_))) {
        return Ok(Val::Unknown(s.clone()));
    }
    if !STRUCTURAL.contains(&name)
        && let Some(u) = args.iter().find_map(Val::first_unknown)
    {
        return Ok(Val::Unknown(u.to_string()));
    }
    let arity = |n: usize| -> Result<(), EvalError> {
        if args.len() == n {
            Ok(())
        } else {
            err(format!("takes {n} argument(s), got {}", args.len()))
        }
    };
    let text = |i: usize| -> Result<String, EvalError> {
        args.get(i).and_then(Val::to_text).ok_or_else(|| {
            EvalError(format!(
                "argument {} must be a string, not {}",
                i + 1,
                args.get(i).map_or("nothing", Val::type_name)
            ))
        })
    };
    let num = |i: usize| -> Result<f64, EvalError> {
        args.get(i).and_then(Val::to_num).ok_or_else(|| {
            EvalError(format!(
                "argument {} must be a number, not {}",
                i + 1,
                args.get(i).map_or("nothing", Val::type_name)
            ))
        })
    };
    let list = |i: usize| -> Result<Vec<Val>, EvalError> {
        match args.get(i) {
            Some(Val::List(items)) => Ok(items.clone()),
            Some(other) => err(format!(
                "argument {} must be a list, not a {}",
                i + 1,
                other.type_name()
            )),
            None => err(format!("argument {} is missing", i + 1)),
        }
    };
    let map = |i: usize| -> Result<BTreeMap<String, Val>, EvalError> {
        match args.get(i) {
            Some(Val::Map(m)) => Ok(m.clone()),
            Some(other) => err(format!(
                "argument {} must be a map, not a {}",
                i + 1,
                other.type_name()
            )),
            None => err(format!("argument {} is missing", i + 1)),
        }
    };
    Ok(match name {
        // Strings.
        "lower" => {
            arity(1)?;
            Val::Str(text(0)?.to_lowercase())
        }
        "upper" => {
            arity(1)?;
            Val::Str(text(0)?.to_uppercase())
        }
        "title" => {
            arity(1)?;
            let mut out = String::new();
            let mut start = true;
            for c in text(0)?.chars() {
                if start {
                    out.extend(c.to_uppercase());
                } else {
                    out.push(c);
                }
                start = !c.is_alphanumeric();
            }
            Val::Str(out)
        }
        "replace" => {
            arity(3)?;
            let (s, from, to) = (text(0)?, text(1)?, text(2)?);
            if from.len() > 1 && from.starts_with('/') && from.ends_with('/') {
                return err(
                    "regular-expression patterns (`/…/`) are not supported by ferry deploy",
                );
            }
            if from.is_empty() {
                Val::Str(s)
            } else {
                Val::Str(s.replace(&from, &to))
            }
        }
        "trimspace" => {
            arity(1)?;
            Val::Str(text(0)?.trim().to_string())
        }
        "trimprefix" => {
            arity(2)?;
            let (s, p) = (text(0)?, text(1)?);
            Val::Str(s.strip_prefix(p.as_str()).unwrap_or(&s).to_string())
        }
        "trimsuffix" => {
            arity(2)?;
            let (s, p) = (text(0)?, text(1)?);
            Val::Str(s.strip_suffix(p.as_str()).unwrap_or(&s).to_string())
        }
        "trim" => {
            arity(2)?;
            let (s, cut) = (text(0)?, text(1)?);
            Val::Str(s.trim_matches(|c| cut.contains(c)).to_string())
        }
        "chomp" => {
            arity(1)?;
            Val::Str(text(0)?.trim_end_matches(['\n', '\r']).to_string())
        }
        "startswith" => {
            arity(2)?;
            Val::Bool(text(0)?.starts_with(&text(1)?))
        }
        "endswith" => {
            arity(2)?;
            Val::Bool(text(0)?.ends_with(&text(1)?))
        }
        "strcontains" => {
            arity(2)?;
            Val::Bool(text(0)?.contains(&text(1)?))
        }
        "substr" => {
            arity(3)?;
            let s: Vec<char> = text(0)?.chars().collect();
            let (offset, length) = (num(1)?, num(2)?);
            let start = if offset < 0.0 {
                s.len().saturating_sub((-offset) as usize)
            } else {
                (offset as usize).min(s.len())
            };
            let end = if length < 0.0 {
                s.len()
            } else {
                (start + length as usize).min(s.len())
            };
            Val::Str(s.get(start..end).unwrap_or(&[]).iter().collect())
        }
        "split" => {
            arity(2)?;
            let (sep, s) = (text(0)?, text(1)?);
            if sep.is_empty() {
                return err("the separator must not be empty");
            }
            Val::List(s.split(sep.as_str()).map(Val::str).collect())
        }
        "join" => {
            if args.len() < 2 {
                return err("takes a separator and at least one list");
            }
            let sep = text(0)?;
            let mut parts = Vec::new();
            for i in 1..args.len() {
                for item in list(i)? {
                    parts.push(
                        item.to_text().ok_or_else(|| {
                            EvalError(format!("cannot join a {}", item.type_name()))
                        })?,
                    );
                }
            }
            Val::Str(parts.join(&sep))
        }
        "format" => {
            if args.is_empty() {
                return err("needs a format string");
            }
            Val::Str(format_fn(&text(0)?, args.get(1..).unwrap_or(&[]))?)
        }
        "formatlist" => {
            if args.is_empty() {
                return err("needs a format string");
            }
            let spec = text(0)?;
            let rest = args.get(1..).unwrap_or(&[]);
            let n = rest
                .iter()
                .filter_map(|a| match a {
                    Val::List(l) => Some(l.len()),
                    _ => None,
                })
                .max()
                .unwrap_or(0);
            let mut out = Vec::new();
            for i in 0..n {
                let row: Vec<Val> = rest
                    .iter()
                    .map(|a| match a {
                        Val::List(l) => l.get(i).cloned().unwrap_or(Val::Null),
                        other => other.clone(),
                    })
                    .collect();
                out.push(Val::Str(format_fn(&spec, &row)?));
            }
            Val::List(out)
        }
        // Numbers.
        "abs" => {
            arity(1)?;
            Val::Num(num(0)?.abs())
        }
        "ceil" => {
            arity(1)?;
            Val::Num(num(0)?.ceil())
        }
        "floor" => {
            arity(1)?;
            Val::Num(num(0)?.floor())
        }
        "max" | "min" => {
            if args.is_empty() {
                return err("needs at least one number");
            }
            let mut acc = num(0)?;
            for i in 1..args.len() {
                let n = num(i)?;
                acc = if name == "max" {
                    acc.max(n)
                } else {
                    acc.min(n)
                };
            }
            Val::Num(acc)
        }
        "parseint" => {
            arity(2)?;
            let base = num(1)? as u32;
            if !(2..=36).contains(&base) {
                return err("the base must be between 2 and 36");
            }
            let n = i64::from_str_radix(&text(0)?, base)
                .map_err(|_| EvalError("not an integer in that base".into()))?;
            Val::Num(n as f64)
        }
        // Collections.
        "length" => {
            arity(1)?;
            match &args[0] {
                Val::List(l) => Val::Num(l.len() as f64),
                Val::Map(m) => Val::Num(m.len() as f64),
                Val::Str(s) => Val::Num(s.chars().count() as f64),
                other => return err(format!("cannot take the length of a {}", other.type_name())),
            }
        }
        "flatten" => {
            arity(1)?;
            fn flat(items: Vec<Val>, out: &mut Vec<Val>) {
                for item in items {
                    match item {
                        Val::List(inner) => flat(inner, out),
                        other => out.push(other),
                    }
                }
            }
            let mut out = Vec::new();
            flat(list(0)?, &mut out);
            Val::List(out)
        }
        "concat" => {
            let mut out = Vec::new();
            for i in 0..args.len() {
                out.extend(list(i)?);
            }
            Val::List(out)
        }
        "tolist" => {
            arity(1)?;
            Val::List(list(0)?)
        }
        "toset" => {
            arity(1)?;
            Val::List(to_set(list(0)?))
        }
        "distinct" => {
            arity(1)?;
            let mut out: Vec<Val> = Vec::new();
            for item in list(0)? {
                if !out.contains(&item) {
                    out.push(item);
                }
            }
            Val::List(out)
        }
        "compact" => {
            arity(1)?;
            Val::List(
                list(0)?
                    .into_iter()
                    .filter(|v| !matches!(v, Val::Null) && v.as_str() != Some(""))
                    .collect(),
            )
        }
        "contains" => {
            arity(2)?;
            Val::Bool(list(0)?.contains(&args[1]))
        }
        "element" => {
            arity(2)?;
            let items = list(0)?;
            if items.is_empty() {
                return err("cannot take an element of an empty list");
            }
            let i = num(1)?.max(0.0) as usize;
            items[i % items.len()].clone()
        }
        "index" => {
            arity(2)?;
            let pos = list(0)?.iter().position(|v| v == &args[1]);
            Val::Num(pos.ok_or_else(|| EvalError("the value is not in the list".into()))? as f64)
        }
        "slice" => {
            arity(3)?;
            let items = list(0)?;
            let (start, end) = (num(1)?, num(2)?);
            if start < 0.0 || end < start || end as usize > items.len() {
                return err("the slice is out of range");
            }
            Val::List(items[start as usize..end as usize].to_vec())
        }
        "reverse" => {
            arity(1)?;
            let mut items = list(0)?;
            items.reverse();
            Val::List(items)
        }
        "sort" => {
            arity(1)?;
            let mut items = list(0)?
                .into_iter()
                .map(|v| {
                    v.to_text()
                        .ok_or_else(|| EvalError("sort() sorts strings".into()))
                })
                .collect::<Result<Vec<_>, _>>()?;
            items.sort();
            Val::List(items.into_iter().map(Val::Str).collect())
        }
        "range" => {
            let (start, end, step) = match args.len() {
                1 => (0.0, num(0)?, 1.0),
                2 => (num(0)?, num(1)?, 1.0),
                3 => (num(0)?, num(1)?, num(2)?),
                _ => return err("takes 1 to 3 numbers"),
            };
            if step == 0.0 {
                return err("the step must not be zero");
            }
            let mut out = Vec::new();
            let mut x = start;
            while (step > 0.0 && x < end) || (step < 0.0 && x > end) {
                if out.len() >= 1024 {
                    return err("range() is limited to 1024 elements");
                }
                out.push(Val::Num(x));
                x += step;
            }
            Val::List(out)
        }
        "keys" => {
            arity(1)?;
            Val::List(map(0)?.into_keys().map(Val::Str).collect())
        }
        "values" => {
            arity(1)?;
            Val::List(map(0)?.into_values().collect())
        }
        "lookup" => {
            if !(2..=3).contains(&args.len()) {
                return err("takes a map, a key and an optional default");
            }
            let m = map(0)?;
            let key = text(1)?;
            match m.get(&key) {
                Some(v) => v.clone(),
                None => match args.get(2) {
                    Some(d) => d.clone(),
                    None => {
                        return err(format!(
                            "the map has no key `{key}` and no default was given"
                        ));
                    }
                },
            }
        }
        "merge" => {
            let mut out = BTreeMap::new();
            for (i, a) in args.iter().enumerate() {
                match a {
                    Val::Map(m) => out.extend(m.clone()),
                    Val::Null => {}
                    other => {
                        return err(format!(
                            "argument {} must be a map, not a {}",
                            i + 1,
                            other.type_name()
                        ));
                    }
                }
            }
            Val::Map(out)
        }
        "zipmap" => {
            arity(2)?;
            let (ks, vs) = (list(0)?, list(1)?);
            if ks.len() != vs.len() {
                return err("the key and value lists differ in length");
            }
            let mut out = BTreeMap::new();
            for (k, v) in ks.into_iter().zip(vs) {
                let k = k
                    .to_text()
                    .ok_or_else(|| EvalError("keys must be strings".into()))?;
                out.insert(k, v);
            }
            Val::Map(out)
        }
        "tomap" => {
            arity(1)?;
            Val::Map(map(0)?)
        }
        "coalesce" => args
            .into_iter()
            .find(|v| !v.is_null() && v.as_str() != Some(""))
            .ok_or_else(|| EvalError("no non-null, non-empty argument".into()))?,
        "coalescelist" => args
            .into_iter()
            .find(|v| matches!(v, Val::List(l) if !l.is_empty()))
            .unwrap_or(Val::List(Vec::new())),
        "one" => {
            arity(1)?;
            let items = list(0)?;
            match items.len() {
                0 => Val::Null,
                1 => items.into_iter().next().unwrap_or(Val::Null),
                n => return err(format!("the list has {n} elements, not 0 or 1")),
            }
        }
        // Conversions and encodings.
        "tostring" => {
            arity(1)?;
            match &args[0] {
                Val::Null => Val::Null,
                v => Val::Str(v.to_text().ok_or_else(|| {
                    EvalError(format!("cannot convert a {} to a string", v.type_name()))
                })?),
            }
        }
        "tonumber" => {
            arity(1)?;
            match &args[0] {
                Val::Null => Val::Null,
                v => Val::Num(v.to_num().ok_or_else(|| EvalError("not a number".into()))?),
            }
        }
        "tobool" => {
            arity(1)?;
            match &args[0] {
                Val::Null => Val::Null,
                v => Val::Bool(v.to_bool().ok_or_else(|| EvalError("not a bool".into()))?),
            }
        }
        "jsonencode" => {
            arity(1)?;
            let json = args[0]
                .to_json()
                .map_err(|u| EvalError(format!("unknown value from {u}")))?;
            Val::Str(json.to_string())
        }
        "jsondecode" => {
            arity(1)?;
            let parsed: serde_json::Value =
                serde_json::from_str(&text(0)?).map_err(|e| EvalError(format!("not JSON: {e}")))?;
            Val::from_json(&parsed)
        }
        "base64encode" => {
            arity(1)?;
            Val::Str(base64::engine::general_purpose::STANDARD.encode(text(0)?.as_bytes()))
        }
        "base64decode" => {
            arity(1)?;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(text(0)?.as_bytes())
                .map_err(|_| EvalError("not valid base64".into()))?;
            Val::Str(
                String::from_utf8(bytes)
                    .map_err(|_| EvalError("the decoded bytes are not UTF-8".into()))?,
            )
        }
        "sha256" => {
            arity(1)?;
            Val::Str(hex(&sha2::Sha256::digest(text(0)?.as_bytes())))
        }
        other => {
            return err(format!(
                "the function `{other}` is not supported by ferry deploy"
            ));
        }
    })
}

/// Terraform sets of primitives are ordered: strings lexically, numbers numerically.
fn to_set(items: Vec<Val>) -> Vec<Val> {
    let mut out: Vec<Val> = Vec::new();
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    if out.iter().all(|v| matches!(v, Val::Str(_))) {
        out.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
    } else if out.iter().all(|v| matches!(v, Val::Num(_))) {
        out.sort_by(|a, b| {
            a.to_num()
                .partial_cmp(&b.to_num())
                .unwrap_or(std::cmp::Ordering::Equal)
        });
    }
    out
}

/// `format()`: `%s`, `%d`, `%v`, `%q`, `%f`, `%%`, with an optional width.
fn format_fn(spec: &str, args: &[Val]) -> Result<String, EvalError> {
    let mut out = String::new();
    let mut chars = spec.chars().peekable();
    let mut next = 0usize;
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut width = String::new();
        while let Some(d) = chars
            .peek()
            .copied()
            .filter(|d| d.is_ascii_digit() || *d == '-' || *d == '.')
        {
            width.push(d);
            chars.next();
        }
        let Some(verb) = chars.next() else {
            return err("the format string ends with `%`");
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let arg = args
            .get(next)
            .ok_or_else(|| EvalError("not enough arguments for the format string".into()))?;
        next += 1;
        let piece = match verb {
            's' | 'v' => arg
                .to_text()
                .or_else(|| arg.to_json().ok().map(|j| j.to_string()))
                .ok_or_else(|| EvalError(format!("cannot format a {}", arg.type_name())))?,
            'd' => fmt_num(
                arg.to_num()
                    .ok_or_else(|| EvalError("%d needs a number".into()))?
                    .trunc(),
            ),
            'f' => {
                let n = arg
                    .to_num()
                    .ok_or_else(|| EvalError("%f needs a number".into()))?;
                let precision = width
                    .split_once('.')
                    .and_then(|(_, p)| p.parse::<usize>().ok())
                    .unwrap_or(6);
                format!("{n:.precision$}")
            }
            'q' => serde_json::Value::String(
                arg.to_text()
                    .ok_or_else(|| EvalError("%q needs a string".into()))?,
            )
            .to_string(),
            other => return err(format!("the format verb `%{other}` is not supported")),
        };
        let w = width
            .split('.')
            .next()
            .unwrap_or("")
            .trim_start_matches('-')
            .parse::<usize>()
            .unwrap_or(0);
        if width.starts_with('-') {
            out.push_str(&format!("{piece:<w$}"));
        } else if verb == 'd' && width.starts_with('0') {
            out.push_str(&format!("{piece:0>w$}"));
        } else {
            out.push_str(&format!("{piece:>w$}"));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::obj;

    struct MapScope(BTreeMap<String, Val>, BTreeMap<String, String>);

    impl Scope for MapScope {
        fn lookup(&self, root: &str, ops: &[TraversalOperator]) -> Result<(Val, usize), EvalError> {
            let Some(TraversalOperator::GetAttr(name)) = ops.first() else {
                return err(format!("`{root}` alone"));
            };
            let key = format!("{root}.{}", name.as_str());
            self.0
                .get(&key)
                .map(|v| (v.clone(), 1))
                .ok_or_else(|| EvalError(format!("unknown `{key}`")))
        }
        fn file(&self, path: &str) -> Option<&str> {
            self.1.get(path).map(String::as_str)
        }
    }

    fn scope() -> MapScope {
        let mut m = BTreeMap::new();
        m.insert("var.instance_id".into(), Val::str("acme"));
        m.insert("var.region".into(), Val::str("nyc3"));
        m.insert("var.create".into(), Val::Bool(true));
        m.insert(
            "var.cidrs".into(),
            Val::List(vec![
                Val::str("10.0.0.0/8"),
                Val::str("1.2.3.4/32"),
                Val::str("10.0.0.0/8"),
            ]),
        );
        m.insert("local.name".into(), Val::str("acme-x"));
        m.insert(
            "digitalocean_droplet.app".into(),
            Val::List(vec![
                obj([("id", Val::str("1")), ("urn", Val::str("do:droplet:1"))]),
                obj([("id", Val::str("2")), ("urn", Val::str("do:droplet:2"))]),
            ]),
        );
        m.insert(
            "digitalocean_spaces_bucket.b".into(),
            Val::Unknown("digitalocean_spaces_bucket.b".into()),
        );
        m.insert(
            "digitalocean_vpc.main".into(),
            obj([
                ("id", Val::str("vpc-1")),
                ("ip_range", Val::str("10.1.0.0/16")),
            ]),
        );
        let mut files = BTreeMap::new();
        files.insert(
            "scripts/init.sh.tpl".to_string(),
            "port=${port} name=%{ if on }yes%{ else }no%{ endif }".to_string(),
        );
        files.insert("ops.pub".to_string(), "ssh-ed25519 AAAA".to_string());
        MapScope(m, files)
    }

    fn ev(src: &str) -> Result<Val, EvalError> {
        let expr: Expression = src.parse().map_err(|e| EvalError(format!("parse: {e}")))?;
        let s = scope();
        Evaluator::new(
            &s,
            Bindings::new().with("count", obj([("index", Val::Num(1.0))])),
        )
        .eval(&expr)
    }

    fn ok(src: &str) -> serde_json::Value {
        match ev(src) {
            Ok(v) => v
                .to_json()
                .unwrap_or_else(|u| serde_json::json!({"unknown": u})),
            Err(e) => serde_json::json!({"error": e.0}),
        }
    }

    #[test]
    fn the_expressions_deployment_stacks_use() {
        use serde_json::json;
        let cases: &[(&str, serde_json::Value)] = &[
            (r#""${local.name}-pg""#, json!("acme-x-pg")),
            (
                r#""instance-id:${var.instance_id}""#,
                json!("instance-id:acme"),
            ),
            ("var.create ? 1 : 0", json!(1)),
            ("digitalocean_droplet.app[count.index].id", json!("2")),
            ("digitalocean_droplet.app[*].id", json!(["1", "2"])),
            (
                "digitalocean_droplet.app.*.urn",
                json!(["do:droplet:1", "do:droplet:2"]),
            ),
            (
                "flatten([[digitalocean_vpc.main.id], digitalocean_droplet.app[*].urn])",
                json!(["vpc-1", "do:droplet:1", "do:droplet:2"]),
            ),
            ("toset(var.cidrs)", json!(["1.2.3.4/32", "10.0.0.0/8"])),
            ("lower(\"ABC\")", json!("abc")),
            ("replace(\"a.b.c\", \".\", \"-\")", json!("a-b-c")),
            ("format(\"%s-%03d\", \"db\", 7)", json!("db-007")),
            ("join(\",\", [\"a\", \"b\"])", json!("a,b")),
            (
                "jsonencode({ a = 1, b = [true] })",
                json!("{\"a\":1,\"b\":[true]}"),
            ),
            ("lookup({ a = 1 }, \"b\", 2)", json!(2)),
            (
                "try(digitalocean_vpc.main.nope, \"fallback\")",
                json!("fallback"),
            ),
            ("can(digitalocean_vpc.main.nope)", json!(false)),
            ("length(digitalocean_droplet.app)", json!(2)),
            (
                "[for d in digitalocean_droplet.app : d.id if d.id != \"1\"]",
                json!(["2"]),
            ),
            (
                "{for i, d in digitalocean_droplet.app : d.id => i}",
                json!({"1": 0, "2": 1}),
            ),
            ("values({ b = 2, a = 1 })", json!([1, 2])),
            ("merge({ a = 1 }, { b = 2 })", json!({"a": 1, "b": 2})),
            ("concat([1], [2, 3])", json!([1, 2, 3])),
            ("slice([1, 2, 3], 1, 3)", json!([2, 3])),
            ("split(\",\", \"a,b\")", json!(["a", "b"])),
            ("trimsuffix(\"name.\", \".\")", json!("name")),
            ("base64decode(base64encode(\"hi\"))", json!("hi")),
            ("tostring(3)", json!("3")),
            ("1 + 2 * 3 == 7 && !false", json!(true)),
            ("\"${1 + 1}\"", json!("2")),
            ("file(\"./ops.pub\")", json!("ssh-ed25519 AAAA")),
            (
                "templatefile(\"scripts/init.sh.tpl\", { port = 80, on = true })",
                json!("port=80 name=yes"),
            ),
            ("[for k, v in { a = 1 } : \"${k}=${v}\"]", json!(["a=1"])),
            (
                "\"%{ for c in var.cidrs }${c};%{ endfor }\"",
                json!("10.0.0.0/8;1.2.3.4/32;10.0.0.0/8;"),
            ),
            ("coalesce(\"\", \"x\")", json!("x")),
            ("element([\"a\", \"b\"], 3)", json!("b")),
            ("max(1, 5, 3)", json!(5)),
        ];
        for (src, want) in cases {
            assert_eq!(&ok(src), want, "{src}");
        }
    }

    #[test]
    fn unknown_values_flow_through_lists_but_not_strings() {
        use serde_json::json;
        // A list keeps its known elements; the unknown one is still there, marked.
        let v = ev("flatten([[digitalocean_vpc.main.id], [digitalocean_spaces_bucket.b.urn]])");
        let Ok(Val::List(items)) = v else {
            panic!("expected a list");
        };
        assert_eq!(items.len(), 2);
        assert_eq!(items[0], Val::str("vpc-1"));
        assert_eq!(
            items[1].first_unknown(),
            Some("digitalocean_spaces_bucket.b")
        );
        // Strings and string functions become unknown.
        assert_eq!(
            ok("\"x-${digitalocean_spaces_bucket.b.name}\""),
            json!({"unknown": "digitalocean_spaces_bucket.b"})
        );
        assert_eq!(
            ok("lower(digitalocean_spaces_bucket.b.name)"),
            json!({"unknown": "digitalocean_spaces_bucket.b"})
        );
        assert_eq!(
            ok("jsonencode([digitalocean_spaces_bucket.b.name])"),
            json!({"unknown": "digitalocean_spaces_bucket.b"})
        );
    }

    #[test]
    fn errors_name_the_problem() {
        let cases: &[(&str, &str)] = &[
            ("digitalocean_droplet.app.id", "needs an index"),
            ("digitalocean_droplet.app[5].id", "out of range"),
            ("nosuch(1)", "`nosuch` is not supported"),
            ("lower(1, 2)", "lower(): takes 1 argument"),
            ("file(\"secret.pem\")", "not part of the stack"),
            ("replace(\"a\", \"/a/\", \"b\")", "regular-expression"),
            ("1 / 0", "division by zero"),
            ("var.nope", "unknown `var.nope`"),
            ("{for k in [1, 1] : k => k}", "twice"),
        ];
        for (src, want) in cases {
            match ev(src) {
                Err(e) => assert!(e.0.contains(want), "{src}: {}", e.0),
                Ok(v) => panic!("{src}: expected an error, got {v:?}"),
            }
        }
    }

    #[test]
    fn normalizes_paths() {
        assert_eq!(
            normalize_path("./modules/app/../app/x.sh"),
            "modules/app/x.sh"
        );
        assert_eq!(normalize_path("./ops.pub"), "ops.pub");
    }
}
