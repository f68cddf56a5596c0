//! Small helpers over `hcl-rs` expression trees: walking, reading bodies written either as
//! blocks or as object attributes, building traversals and templates.

use hcl::expr::{Expression, ObjectKey, TemplateExpr, Traversal, TraversalOperator};
use hcl::template::{Element, Template};
use hcl::{Body, Identifier};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

// ---- parsed templates, once per compilation -------------------------------------------------------
//
// `hcl-rs` keeps template strings as text and parses them on every look inside (`Template::
// from_expr`), which costs more than parsing the whole body around them. The passes look inside
// the same templates many times (rules, references, lints), so while a compilation runs, each
// distinct template text is parsed once and shared. The cache lives as long as the outermost
// [`TemplateCache`] guard and is emptied when it drops: nothing survives a compilation, and the
// results are exactly what parsing again would give.

type Parsed = HashMap<String, Rc<Template>, foldhash::fast::FixedState>;

thread_local! {
    static TEMPLATES: RefCell<(usize, Parsed)> = RefCell::new((0, Parsed::default()));
}

/// Keeps parsed templates for reuse while it lives (see [`parse_template`]).
#[derive(Debug)]
pub struct TemplateCache(());

impl TemplateCache {
    pub fn new() -> Self {
        TEMPLATES.with(|c| c.borrow_mut().0 += 1);
        TemplateCache(())
    }
}

impl Default for TemplateCache {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for TemplateCache {
    fn drop(&mut self) {
        TEMPLATES.with(|c| {
            let mut c = c.borrow_mut();
            c.0 = c.0.saturating_sub(1);
            if c.0 == 0 {
                c.1 = Parsed::default();
            }
        });
    }
}

/// The parsed form of a template expression (`Template::from_expr`), shared while a
/// [`TemplateCache`] lives; `None` when it does not parse.
pub fn parse_template(t: &TemplateExpr) -> Option<Rc<Template>> {
    let text = match t {
        TemplateExpr::QuotedString(s) => s.as_str(),
        TemplateExpr::Heredoc(h) => h.template.as_str(),
    };
    let hit = TEMPLATES.with(|c| {
        let c = c.borrow();
        if c.0 == 0 {
            return Err(false);
        }
        c.1.get(text).cloned().ok_or(true)
    });
    match hit {
        Ok(t) => Some(t),
        Err(cache) => {
            // The fast path reads the common subset; it gives up (rather than differ) on the rest.
            let parsed = match crate::origin::fast::template(text) {
                Some(t) => t,
                None => Template::from_expr(t).ok()?,
            };
            let parsed = Rc::new(parsed);
            if cache {
                TEMPLATES.with(|c| c.borrow_mut().1.insert(text.to_string(), parsed.clone()));
            }
            Some(parsed)
        }
    }
}

/// Calls `f` on `expr` and every sub-expression, outermost first. Template strings are
/// visited through their interpolations (a rewritten template is re-serialised).
pub fn walk_mut(expr: &mut Expression, f: &mut dyn FnMut(&mut Expression) -> bool) {
    if !f(expr) {
        return;
    }
    match expr {
        Expression::Array(items) => items.iter_mut().for_each(|e| walk_mut(e, f)),
        Expression::Object(obj) => {
            for (k, v) in obj.iter_mut() {
                walk_mut(v, f);
                let _ = k;
            }
        }
        Expression::TemplateExpr(t) => {
            let raw = match &**t {
                TemplateExpr::QuotedString(s) => s.as_str(),
                TemplateExpr::Heredoc(h) => h.template.as_str(),
            };
            if !(raw.contains("${") || raw.contains("%{")) {
                return;
            }
            if let Some(template) = parse_template(t) {
                let mut template = (*template).clone();
                let mut changed = false;
                walk_template(&mut template, &mut |e| {
                    let before = e.clone();
                    walk_mut(e, f);
                    changed |= *e != before;
                });
                if changed {
                    **t = match &**t {
                        TemplateExpr::QuotedString(_) => {
                            TemplateExpr::QuotedString(template.to_string())
                        }
                        TemplateExpr::Heredoc(h) => {
                            let mut h = h.clone();
                            h.template = template.to_string();
                            TemplateExpr::Heredoc(h)
                        }
                    };
                }
            }
        }
        Expression::Traversal(t) => {
            walk_mut(&mut t.expr, f);
            for op in &mut t.operators {
                if let TraversalOperator::Index(e) = op {
                    walk_mut(e, f);
                }
            }
        }
        Expression::FuncCall(c) => c.args.iter_mut().for_each(|e| walk_mut(e, f)),
        Expression::Parenthesis(e) => walk_mut(e, f),
        Expression::Conditional(c) => {
            walk_mut(&mut c.cond_expr, f);
            walk_mut(&mut c.true_expr, f);
            walk_mut(&mut c.false_expr, f);
        }
        Expression::Operation(op) => match &mut **op {
            hcl::expr::Operation::Unary(u) => walk_mut(&mut u.expr, f),
            hcl::expr::Operation::Binary(b) => {
                walk_mut(&mut b.lhs_expr, f);
                walk_mut(&mut b.rhs_expr, f);
            }
        },
        Expression::ForExpr(fe) => {
            walk_mut(&mut fe.collection_expr, f);
            if let Some(k) = &mut fe.key_expr {
                walk_mut(k, f);
            }
            walk_mut(&mut fe.value_expr, f);
            if let Some(c) = &mut fe.cond_expr {
                walk_mut(c, f);
            }
        }
        _ => {}
    }
}

fn walk_template(template: &mut Template, f: &mut dyn FnMut(&mut Expression)) {
    for el in template.elements_mut() {
        match el {
            Element::Literal(_) => {}
            Element::Interpolation(i) => f(&mut i.expr),
            Element::Directive(d) => match &mut **d {
                hcl::template::Directive::If(ifd) => {
                    f(&mut ifd.cond_expr);
                    walk_template(&mut ifd.true_template, f);
                    if let Some(t) = &mut ifd.false_template {
                        walk_template(t, f);
                    }
                }
                hcl::template::Directive::For(fd) => {
                    f(&mut fd.collection_expr);
                    walk_template(&mut fd.template, f);
                }
            },
        }
    }
}

/// Rewrites the literal that follows an interpolation in the templates of `expr`
/// (`${aws_db_instance.db.address}:5432/app`): `f` gets the interpolation's expression and the
/// literal after it, and returns what replaces the literal, or `None` to keep it. Only
/// templates whose text contains `marker` (e.g. `}:`) are parsed; templates nested in
/// interpolations are not visited.
pub fn rewrite_after_interpolations(
    expr: &mut Expression,
    marker: &str,
    f: &mut dyn FnMut(&Expression, &str) -> Option<Template>,
) {
    rewrite_around_interpolations(expr, marker, &mut |_, host, rest| {
        f(host, rest).map(|t| (None, t))
    });
}

/// What replaces the literals around an interpolation: the one before it (`None`: kept) and
/// the one after it ([`rewrite_around_interpolations`]).
pub type AroundInterpolation = (Option<Template>, Template);

/// The callback of [`rewrite_around_interpolations`]: the literal before an interpolation,
/// its expression and the literal after it.
pub type AroundFn<'a> =
    dyn FnMut(Option<&str>, &Expression, &str) -> Option<AroundInterpolation> + 'a;

/// [`rewrite_after_interpolations`] that also sees, and may replace, the literal right before
/// the interpolation (`redis://` in `redis://${var.host}:6379`): `f` gets that literal (`None`
/// when the interpolation starts the template or follows another element), the
/// interpolation's expression and the literal after it, and returns what replaces the literal
/// before (`None`: kept) and the literal after.
pub fn rewrite_around_interpolations(expr: &mut Expression, marker: &str, f: &mut AroundFn<'_>) {
    walk_mut(expr, &mut |x| {
        let Expression::TemplateExpr(t) = x else {
            return true;
        };
        let raw = match &**t {
            TemplateExpr::QuotedString(s) => s.as_str(),
            TemplateExpr::Heredoc(h) => h.template.as_str(),
        };
        // The template is handled here; `walk_mut` would copy it to visit its
        // interpolations, which hold no template of their own in practice.
        if !raw.contains(marker) {
            return false;
        }
        let Some(template) = parse_template(t) else {
            return false;
        };
        let elements = template.elements();
        let mut out: Vec<Element> = Vec::with_capacity(elements.len());
        let mut changed = false;
        let mut i = 0;
        while i < elements.len() {
            let replaced = match (&elements[i], elements.get(i + 1)) {
                (Element::Interpolation(host), Some(Element::Literal(rest))) => {
                    let before = match out.last() {
                        Some(Element::Literal(b)) => Some(b.as_str()),
                        _ => None,
                    };
                    f(before, &host.expr, rest)
                }
                _ => None,
            };
            match replaced {
                Some((before, after)) => {
                    changed = true;
                    if let Some(before) = before {
                        out.pop();
                        out.extend(before.elements().iter().cloned());
                    }
                    out.push(elements[i].clone());
                    out.extend(after.elements().iter().cloned());
                    i += 2;
                }
                None => {
                    out.push(elements[i].clone());
                    i += 1;
                }
            }
        }
        if changed {
            let out = out
                .into_iter()
                .fold(Template::new(), |t, el| t.add_element(el));
            **t = match &**t {
                TemplateExpr::QuotedString(_) => TemplateExpr::QuotedString(out.to_string()),
                TemplateExpr::Heredoc(h) => {
                    let mut h = h.clone();
                    h.template = out.to_string();
                    TemplateExpr::Heredoc(h)
                }
            };
        }
        false
    });
}

/// Calls `f`, read-only, on each interpolation followed by a literal in the templates of
/// `expr` whose text contains `marker`: the literal before it (as
/// [`rewrite_around_interpolations`] gives it), its expression and the literal after it.
pub fn interpolations_between(
    expr: &Expression,
    marker: &str,
    f: &mut dyn FnMut(Option<&str>, &Expression, &str),
) {
    walk(expr, &mut |x| {
        let Expression::TemplateExpr(t) = x else {
            return;
        };
        let raw = match &**t {
            TemplateExpr::QuotedString(s) => s.as_str(),
            TemplateExpr::Heredoc(h) => h.template.as_str(),
        };
        if !raw.contains(marker) {
            return;
        }
        let Some(template) = parse_template(t) else {
            return;
        };
        let elements = template.elements();
        for (i, el) in elements.iter().enumerate() {
            if let (Element::Interpolation(host), Some(Element::Literal(rest))) =
                (el, elements.get(i + 1))
            {
                let before = match i.checked_sub(1).map(|j| &elements[j]) {
                    Some(Element::Literal(b)) => Some(b.as_str()),
                    _ => None,
                };
                f(before, &host.expr, rest);
            }
        }
    });
}

/// Calls `f` on every expression in a body, including nested blocks.
pub fn walk_body_mut(body: &mut Body, f: &mut dyn FnMut(&mut Expression) -> bool) {
    for s in body.0.iter_mut() {
        match s {
            hcl::Structure::Attribute(a) => walk_mut(&mut a.expr, f),
            hcl::Structure::Block(b) => walk_body_mut(&mut b.body, f),
        }
    }
}

/// Calls `f` on every expression in a body, nested blocks included, read-only (visits what
/// [`walk_body_mut`] would, without copying).
pub fn walk_body(body: &Body, f: &mut dyn FnMut(&Expression)) {
    for s in body.iter() {
        match s {
            hcl::Structure::Attribute(a) => walk(&a.expr, f),
            hcl::Structure::Block(b) => walk_body(&b.body, f),
        }
    }
}

/// Visits every expression read-only, outermost first, templates through their interpolations
/// (without copying the tree or re-serialising templates, unlike [`walk_mut`]).
pub fn walk(expr: &Expression, f: &mut dyn FnMut(&Expression)) {
    f(expr);
    match expr {
        Expression::Array(items) => items.iter().for_each(|e| walk(e, f)),
        Expression::Object(obj) => obj.iter().for_each(|(_, v)| walk(v, f)),
        Expression::TemplateExpr(t) => {
            // Only templates with an interpolation or directive can hold expressions.
            let raw = match &**t {
                TemplateExpr::QuotedString(s) => s.as_str(),
                TemplateExpr::Heredoc(h) => h.template.as_str(),
            };
            if (raw.contains("${") || raw.contains("%{"))
                && let Some(template) = parse_template(t)
            {
                walk_template_ref(&template, f);
            }
        }
        Expression::Traversal(t) => {
            walk(&t.expr, f);
            for op in &t.operators {
                if let TraversalOperator::Index(e) = op {
                    walk(e, f);
                }
            }
        }
        Expression::FuncCall(c) => c.args.iter().for_each(|e| walk(e, f)),
        Expression::Parenthesis(e) => walk(e, f),
        Expression::Conditional(c) => {
            walk(&c.cond_expr, f);
            walk(&c.true_expr, f);
            walk(&c.false_expr, f);
        }
        Expression::Operation(op) => match &**op {
            hcl::expr::Operation::Unary(u) => walk(&u.expr, f),
            hcl::expr::Operation::Binary(b) => {
                walk(&b.lhs_expr, f);
                walk(&b.rhs_expr, f);
            }
        },
        Expression::ForExpr(fe) => {
            walk(&fe.collection_expr, f);
            if let Some(k) = &fe.key_expr {
                walk(k, f);
            }
            walk(&fe.value_expr, f);
            if let Some(c) = &fe.cond_expr {
                walk(c, f);
            }
        }
        _ => {}
    }
}

fn walk_template_ref(template: &Template, f: &mut dyn FnMut(&Expression)) {
    for el in template.elements() {
        match el {
            Element::Literal(_) => {}
            Element::Interpolation(i) => walk(&i.expr, f),
            Element::Directive(d) => match &**d {
                hcl::template::Directive::If(ifd) => {
                    walk(&ifd.cond_expr, f);
                    walk_template_ref(&ifd.true_template, f);
                    if let Some(t) = &ifd.false_template {
                        walk_template_ref(t, f);
                    }
                }
                hcl::template::Directive::For(fd) => {
                    walk(&fd.collection_expr, f);
                    walk_template_ref(&fd.template, f);
                }
            },
        }
    }
}

/// The root name and the attribute path of a traversal: `aws_vpc.main[0].id` →
/// (`aws_vpc`, [GetAttr(main), Index(0), GetAttr(id)]).
pub fn traversal_root(expr: &Expression) -> Option<(&str, &[TraversalOperator])> {
    match expr {
        Expression::Traversal(t) => match &t.expr {
            Expression::Variable(v) => Some((v.as_str(), &t.operators)),
            _ => None,
        },
        Expression::Variable(v) => Some((v.as_str(), &[])),
        _ => None,
    }
}

/// A reference to an attribute of a resource, with the instance keys before it:
/// `aws_db_instance.db[0].address` → (`aws_db_instance`, `db`, `[Index(0)]`, `address`).
pub fn resource_attr(
    expr: &Expression,
) -> Option<(&str, &Identifier, &[TraversalOperator], &Identifier)> {
    let (root, ops) = traversal_root(expr)?;
    let (TraversalOperator::GetAttr(name), tail) = ops.split_first()? else {
        return None;
    };
    let at = tail
        .iter()
        .position(|o| matches!(o, TraversalOperator::GetAttr(_)))?;
    let TraversalOperator::GetAttr(attr) = &tail[at] else {
        return None;
    };
    Some((root, name, &tail[..at], attr))
}

/// Builds `root.a.b` from dotted segments.
pub fn path(segments: &[&str]) -> Expression {
    let (root, rest) = segments.split_first().expect("path needs a root");
    if rest.is_empty() {
        return Expression::Variable(hcl::expr::Variable::unchecked(*root));
    }
    Expression::Traversal(Box::new(Traversal::new(
        Expression::Variable(hcl::expr::Variable::unchecked(*root)),
        rest.iter()
            .map(|s| TraversalOperator::GetAttr(Identifier::unchecked(*s)))
            .collect::<Vec<_>>(),
    )))
}

/// A traversal with arbitrary operators after `root`.
pub fn traversal(root: &str, ops: Vec<TraversalOperator>) -> Expression {
    if ops.is_empty() {
        return Expression::Variable(hcl::expr::Variable::unchecked(root));
    }
    Expression::Traversal(Box::new(Traversal::new(
        Expression::Variable(hcl::expr::Variable::unchecked(root)),
        ops,
    )))
}

/// An expression from its source text, as `text.parse::<Expression>()` reads it: through
/// Ferry's fast parser (`origin::fast`, which reads it as the value of an attribute and gives
/// exactly what hcl-edit gives, or up), else through hcl-edit. Rules build expressions from
/// text in many places, and hcl-edit's parser costs ~50,000 instructions per call.
pub fn parse_expr(text: &str) -> Result<Expression, hcl::Error> {
    if !text.contains('\n') {
        let attr = format!("x = {text}\n");
        if let Some((body, _)) = crate::origin::fast::parse(&attr)
            && let Some(hcl::Structure::Attribute(a)) = body.into_iter().next()
        {
            return Ok(a.expr);
        }
    }
    text.parse()
}

/// A quoted template string such as `"myapp-${var.instance_id}"`.
pub fn template(raw: impl Into<String>) -> Expression {
    Expression::TemplateExpr(Box::new(TemplateExpr::QuotedString(raw.into())))
}

/// The literal string of an expression, when it is one.
pub fn as_str(expr: &Expression) -> Option<&str> {
    match expr {
        Expression::String(s) => Some(s),
        _ => None,
    }
}

/// Renders an expression into a template interpolation body (`var.x` → `${var.x}`), or its
/// literal text when it is a plain string. Template strings are spliced in.
pub fn to_template_part(expr: &Expression) -> String {
    match expr {
        Expression::String(s) => escape_template_literal(s),
        Expression::TemplateExpr(t) if matches!(**t, TemplateExpr::QuotedString(_)) => {
            t.to_string()
        }
        other => format!("${{{}}}", inline(other)),
    }
}

/// Escapes `${` and `%{` in literal text placed inside a template.
pub fn escape_template_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_escaped(&mut out, s, false);
    out
}

/// Appends `s` escaped as [`escape_template_literal`] does, in one pass; with `quote`, tabs and
/// carriage returns are escaped too (a quoted string of the output, [`crate::emit::quote`]).
pub fn push_escaped(out: &mut String, s: &str, quote: bool) {
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let rep = match b {
            b'$' | b'%' if bytes.get(i + 1) == Some(&b'{') => {
                if b == b'$' {
                    "$$"
                } else {
                    "%%"
                }
            }
            b'\\' => "\\\\",
            b'"' => "\\\"",
            b'\n' => "\\n",
            b'\t' if quote => "\\t",
            b'\r' if quote => "\\r",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        out.push_str(rep);
        start = i + 1;
    }
    out.push_str(&s[start..]);
}

/// An expression in one-line HCL form (`aws_vpc.main.id`, `[1, 2]`, `{ a = 1 }`).
pub fn inline(expr: &Expression) -> String {
    use hcl::format::Format;
    // The formatter's own buffer is returned (`format_string` would copy it into a new one).
    let mut fmt = hcl::format::Formatter::builder()
        .compact(true)
        .build(Vec::with_capacity(64));
    match expr.format(&mut fmt) {
        Ok(()) => String::from_utf8(fmt.into_inner()).unwrap_or_else(|_| String::from("null")),
        Err(_) => String::from("null"),
    }
}

/// The expressions of attribute `name` in `body`.
pub fn attr<'a>(body: &'a Body, name: &str) -> Option<&'a Expression> {
    body.attributes()
        .find(|a| a.key() == name)
        .map(|a| a.expr())
}

/// Nested blocks named `name`, whether written as blocks (`rule { … }`), as an object
/// attribute (`rule = { … }`) or as a list of objects (`rule = [{ … }]`, the JSON form).
/// Blocks are borrowed; only the object forms are built.
pub fn blocks<'a>(body: &'a Body, name: &str) -> Vec<std::borrow::Cow<'a, Body>> {
    use std::borrow::Cow;
    let mut out: Vec<Cow<'a, Body>> = body
        .blocks()
        .filter(|b| b.identifier() == name)
        .map(|b| Cow::Borrowed(&b.body))
        .collect();
    if let Some(expr) = attr(body, name) {
        match expr {
            Expression::Object(_) => out.extend(object_to_body(expr).map(Cow::Owned)),
            Expression::Array(items) => {
                out.extend(items.iter().filter_map(object_to_body).map(Cow::Owned))
            }
            _ => {}
        }
    }
    out
}

/// An object expression viewed as a body of attributes (nested objects stay attributes).
pub fn object_to_body(expr: &Expression) -> Option<Body> {
    let Expression::Object(obj) = expr else {
        return None;
    };
    Some(
        obj.iter()
            .filter_map(|(k, v)| object_key(k).map(|k| hcl::Attribute::new(k, v.clone())))
            .collect(),
    )
}

/// The text of an object key, when it is static.
pub fn object_key(k: &ObjectKey) -> Option<String> {
    match k {
        ObjectKey::Identifier(i) => Some(i.to_string()),
        ObjectKey::Expression(Expression::String(s)) => Some(s.clone()),
        ObjectKey::Expression(Expression::Variable(v)) => Some(v.to_string()),
        _ => None,
    }
}

/// The `Name` tag of an AWS resource body: `tags = { Name = … }`, or the last object literal
/// of `tags = merge(local.tags, { Name = … })` that sets it.
pub fn name_tag(body: &Body) -> Option<Expression> {
    fn find(e: &Expression) -> Option<Expression> {
        match e {
            Expression::Object(_) => object_to_body(e).and_then(|b| attr(&b, "Name").cloned()),
            Expression::FuncCall(c) if c.name.name.as_str() == "merge" => {
                c.args.iter().rev().find_map(find)
            }
            Expression::Parenthesis(inner) => find(inner),
            _ => None,
        }
    }
    attr(body, "tags").and_then(find)
}

/// `value` with every sub-expression whose text (as [`inline`] prints it) is one of `known`'s
/// replaced by its expression, outermost first (a replaced expression is not looked into).
pub fn replace_by_text(value: &Expression, known: &[(String, Expression)]) -> Expression {
    if known.is_empty() {
        return value.clone();
    }
    let mut out = value.clone();
    walk_mut(&mut out, &mut |x| {
        let text = inline(x);
        match known.iter().find(|(k, _)| *k == text) {
            Some((_, with)) => {
                *x = with.clone();
                false
            }
            None => true,
        }
    });
    out
}

/// Does the expression mention `var.<name>` anywhere (including inside templates)?
pub fn mentions_var(expr: &Expression, name: &str) -> bool {
    let mut found = false;
    walk(expr, &mut |e| {
        if let Some(("var", [TraversalOperator::GetAttr(id), ..])) = traversal_root(e) {
            found |= id.as_str() == name;
        }
    });
    found
}

/// Removes `${null}` interpolations from the template strings inside `expr`, quoted or heredoc
/// (an IRSA role ARN in a Helm chart's values, `role-arn: ${aws_iam_role.x.arn}`).
pub fn drop_null_interpolations(expr: &mut Expression) {
    walk_mut(expr, &mut |e| {
        // `templatefile(path, { X = null })`: the template interpolates `X`, and a null there
        // fails the plan like `"${null}"` does; it becomes an empty string.
        if let Expression::FuncCall(c) = e
            && c.name.name.as_str() == "templatefile"
            && let Some(Expression::Object(vars)) = c.args.get_mut(1)
        {
            for (_, v) in vars.iter_mut() {
                if nullish(v) {
                    *v = Expression::String(String::new());
                }
            }
            return true;
        }
        let Expression::TemplateExpr(t) = e else {
            return true;
        };
        if let TemplateExpr::Heredoc(h) = &**t {
            let Some(template) = parse_template(t) else {
                return true;
            };
            let has_null = template
                .elements()
                .iter()
                .any(|el| matches!(el, Element::Interpolation(i) if nullish(&i.expr)));
            if has_null {
                let kept = template
                    .elements()
                    .iter()
                    .filter(|el| !matches!(el, Element::Interpolation(i) if nullish(&i.expr)))
                    .cloned()
                    .fold(Template::new(), |t, el| t.add_element(el));
                let mut h = h.clone();
                h.template = kept.to_string();
                **t = TemplateExpr::Heredoc(h);
            }
            return false;
        }
        let Some(template) = parse_template(t) else {
            return true;
        };
        let has_null = template
            .elements()
            .iter()
            .any(|el| matches!(el, Element::Interpolation(i) if nullish(&i.expr)));
        if has_null {
            let kept = template
                .elements()
                .iter()
                .filter(|el| !matches!(el, Element::Interpolation(i) if nullish(&i.expr)))
                .cloned()
                .fold(Template::new(), |t, el| t.add_element(el));
            *e = template_or_string(kept);
        }
        false
    });
}

/// `null`, or an expression that is `null` whenever its argument is: a conversion of `null`
/// (`tostring(null)`), a template of nothing but `${null}`, `(null)`. Interpolated into a
/// template, each fails the plan ("the expression result is null").
fn nullish(e: &Expression) -> bool {
    match e {
        Expression::Null => true,
        Expression::Parenthesis(inner) => nullish(inner),
        Expression::FuncCall(c) => {
            matches!(c.name.name.as_str(), "tostring" | "tonumber" | "tobool")
                && matches!(c.args.as_slice(), [a] if nullish(a))
        }
        Expression::TemplateExpr(t) if matches!(**t, TemplateExpr::QuotedString(_)) => {
            parse_template(t).is_some_and(|tpl| {
                !tpl.elements().is_empty()
                    && tpl
                        .elements()
                        .iter()
                        .all(|el| matches!(el, Element::Interpolation(i) if nullish(&i.expr)))
            })
        }
        _ => false,
    }
}

/// Splices templates and strings interpolated into templates: `"a-${"b-${var.x}"}"` →
/// `"a-b-${var.x}"` (what the reference pass leaves when an export is itself a template).
pub fn flatten_templates(expr: &mut Expression) {
    walk_mut(expr, &mut |e| {
        let Expression::TemplateExpr(t) = e else {
            return true;
        };
        let TemplateExpr::QuotedString(_) = **t else {
            return true;
        };
        let Some(outer) = parse_template(t) else {
            return true;
        };
        let nested = outer.elements().iter().any(|el| {
            matches!(el, Element::Interpolation(i)
                if matches!(&i.expr, Expression::String(_) | Expression::Number(_) | Expression::Bool(_))
                    || matches!(&i.expr, Expression::TemplateExpr(x) if matches!(**x, TemplateExpr::QuotedString(_))))
        });
        if !nested {
            return true;
        }
        // Rendered by hand: `Template`'s Display does not escape quotes in literals.
        let mut raw = String::new();
        let lit = |raw: &mut String, l: &str| raw.push_str(&escape_template_literal(l));
        let interp =
            |raw: &mut String, x: &Expression| raw.push_str(&format!("${{{}}}", inline(x)));
        for el in outer.elements() {
            match el {
                Element::Literal(l) => lit(&mut raw, l),
                Element::Interpolation(i) => match &i.expr {
                    Expression::String(s) => lit(&mut raw, s),
                    Expression::Number(n) => lit(&mut raw, &n.to_string()),
                    Expression::Bool(b) => lit(&mut raw, if *b { "true" } else { "false" }),
                    Expression::TemplateExpr(x) if matches!(**x, TemplateExpr::QuotedString(_)) => {
                        let Some(inner) = parse_template(x) else {
                            return false;
                        };
                        for iel in inner.elements() {
                            match iel {
                                Element::Literal(l) => lit(&mut raw, l),
                                Element::Interpolation(ii) => interp(&mut raw, &ii.expr),
                                Element::Directive(_) => return false,
                            }
                        }
                    }
                    other => interp(&mut raw, other),
                },
                Element::Directive(_) => return false,
            }
        }
        *e = template(raw);
        if let Expression::TemplateExpr(t) = e
            && let Some(tpl) = parse_template(t)
            && tpl
                .elements()
                .iter()
                .all(|el| matches!(el, Element::Literal(_)))
        {
            *e = template_or_string((*tpl).clone());
        }
        false
    });
}

/// A template, or a plain string when only literals remain.
fn template_or_string(t: Template) -> Expression {
    if t.elements()
        .iter()
        .all(|el| matches!(el, Element::Literal(_)))
    {
        let s: String = t
            .elements()
            .iter()
            .map(|el| match el {
                Element::Literal(l) => l.as_str(),
                _ => "",
            })
            .collect();
        Expression::String(s)
    } else {
        Expression::TemplateExpr(Box::new(TemplateExpr::QuotedString(t.to_string())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_expr_reads_what_hcl_edit_reads() {
        let cases = [
            "var.x",
            "aws_lb.web_1.dns_name",
            "trimsuffix(var.name, \".\") == var.zone ? \"@\" : trimsuffix(trimsuffix(var.name, \".\"), \".${var.zone}\")",
            "length(var.list)",
            "var.list[count.index]",
            "concat(a.b, [c], { d = 1 })",
            "\"${var.a}-${lower(b.c)}\"",
            "!(a.b)",
            "a.b[0].c",
            "1 + 2 * 3",
            // Outside the fast subset or malformed: hcl-edit decides.
            "[for x in var.l : x]",
            "a[*].id",
            "x = 1",
            "a b",
            "",
        ];
        for text in cases {
            let fast = parse_expr(text).map_err(|e| e.to_string());
            let full = text.parse::<Expression>().map_err(|e| e.to_string());
            assert_eq!(fast, full, "{text}");
        }
    }

    #[test]
    fn nested_templates_are_spliced() {
        let mut e = template("postgres://u@${\"${var.h}:${var.p}\"}/db");
        flatten_templates(&mut e);
        assert_eq!(inline(&e), "\"postgres://u@${var.h}:${var.p}/db\"");
        let mut e = template("${\"registry/x\"}:${var.tag}");
        flatten_templates(&mut e);
        assert_eq!(inline(&e), "\"registry/x:${var.tag}\"");
        // Quotes and template markers in spliced literals stay escaped.
        let mut e = template("a${\"q\\\"x$${y}\"}b${var.z}");
        flatten_templates(&mut e);
        let text = inline(&e);
        assert!(hcl::parse(&format!("x = {text}")).is_ok(), "{text}");
        assert_eq!(text, "\"aq\\\"x$${y}b${var.z}\"");
        // Numbers and booleans (a `dynamic` block's iterator values) are spliced as text.
        let mut e = template("port-${8080}-${true}-${var.z}");
        flatten_templates(&mut e);
        assert_eq!(inline(&e), "\"port-8080-true-${var.z}\"");
        let mut e = template("${\"dev\"}-retention");
        flatten_templates(&mut e);
        assert_eq!(e, Expression::String("dev-retention".into()));
    }

    #[test]
    fn null_interpolations_are_dropped_from_strings() {
        let mut e = template("arn:${null}:x-${var.a}");
        drop_null_interpolations(&mut e);
        assert_eq!(inline(&e), "\"arn::x-${var.a}\"");
        let mut e = template("${null}-suffix");
        drop_null_interpolations(&mut e);
        assert_eq!(e, Expression::String("-suffix".into()));
    }

    #[test]
    fn null_interpolations_are_dropped_from_heredocs() {
        let body =
            hcl::parse("x = <<EOT\nrole-arn: ${null}\nname: ${var.b}\nEOT\n").expect("parses");
        let mut e = attr(&body, "x").expect("x").clone();
        drop_null_interpolations(&mut e);
        let Expression::TemplateExpr(t) = &e else {
            panic!("still a template: {e:?}");
        };
        let TemplateExpr::Heredoc(h) = &**t else {
            panic!("still a heredoc: {t:?}");
        };
        assert_eq!(h.template, "role-arn: \nname: ${var.b}\n");
    }
}
