//! `cloudposse/terraform-null-label` (registry `cloudposse/label/null`, v0.22–v0.25): the
//! naming module of the Cloud Posse ecosystem. It creates nothing; its outputs are an `id`
//! (the labels in `label_order` joined by `delimiter`, characters outside `[-a-zA-Z0-9]`
//! removed, lower-cased), the labels themselves, tags (`Name` = the id, `Namespace`, …) and a
//! `context` that other label calls inherit (`context = module.label.context`).
//!
//! Left as an unknown module (F201), every name built from its `id` became `null` and the
//! plan failed. The outputs are pure functions of the inputs, so they are written here: as a
//! value where every input they read is a literal, else as the expression the module itself
//! evaluates (`lower(replace(var.stage, "/[^-a-zA-Z0-9]/", ""))`), so that a variable set for
//! the appliance still names it. Inputs Ferry cannot read (a `delimiter`, `label_order` or
//! case not known at compile time) leave the outputs unmapped with the reason.

use super::{Builder, Prior};
use crate::hclx;
use crate::refs::ModuleOutput;
use hcl::expr::{ObjectKey, TraversalOperator};
use hcl::{Expression, Value};
use std::collections::BTreeMap;

/// The module's default character filter, the only one Ferry applies itself (others are left
/// to Terraform, in an expression).
const DEFAULT_REGEX: &str = "/[^-a-zA-Z0-9]/";
const STRING_LABELS: [&str; 5] = ["namespace", "tenant", "environment", "stage", "name"];
/// v0.25 leaves `tenant` out of the default order, for backward compatibility.
const DEFAULT_ORDER: [&str; 5] = ["namespace", "environment", "stage", "name", "attributes"];
/// Inputs read from the call or its `context`, in the order of the module's `context` output.
const CONTEXT_KEYS: [&str; 17] = [
    "enabled",
    "namespace",
    "tenant",
    "environment",
    "stage",
    "name",
    "delimiter",
    "attributes",
    "tags",
    "additional_tag_map",
    "label_order",
    "regex_replace_chars",
    "id_length_limit",
    "label_key_case",
    "label_value_case",
    "descriptor_formats",
    "labels_as_tags",
];
/// Every output of v0.25.
const OUTPUTS: [&str; 21] = [
    "id",
    "id_full",
    "enabled",
    "namespace",
    "tenant",
    "environment",
    "stage",
    "name",
    "delimiter",
    "attributes",
    "tags",
    "additional_tag_map",
    "label_order",
    "regex_replace_chars",
    "id_length_limit",
    "label_key_case",
    "label_value_case",
    "descriptors",
    "tags_as_list_of_maps",
    "context",
    "normalized_context",
];

/// `cloudposse/label/null` from the registry, or the GitHub repository.
pub(super) fn is_null_label(source: &str) -> bool {
    super::is_source(
        source,
        "cloudposse/label/null",
        "cloudposse/terraform-null-label",
    )
}

/// A string the label computes: known at compile time, or the expression Terraform evaluates.
#[derive(Clone, Debug, PartialEq)]
enum Part {
    Known(String),
    Expr(Expression),
}

impl Part {
    fn expr(&self) -> Expression {
        match self {
            Part::Known(s) => Expression::String(s.clone()),
            Part::Expr(e) => e.clone(),
        }
    }
    fn text(&self) -> String {
        hclx::inline(&self.expr())
    }
    fn is_empty(&self) -> bool {
        matches!(self, Part::Known(s) if s.is_empty())
    }
}

/// The module's `label_value_case` / `label_key_case`.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Case {
    Lower,
    Upper,
    Title,
    None,
}

impl Case {
    fn parse(s: &str) -> Option<Case> {
        Some(match s {
            "lower" => Case::Lower,
            "upper" => Case::Upper,
            "title" => Case::Title,
            "none" => Case::None,
            _ => return None,
        })
    }
    fn apply(self, s: &str) -> String {
        match self {
            Case::Lower => s.to_lowercase(),
            Case::Upper => s.to_uppercase(),
            Case::Title => crate::eval::title(&s.to_lowercase()),
            Case::None => s.to_string(),
        }
    }
    /// The expression applying the case to `inner` (HCL text).
    fn wrap(self, inner: &str) -> String {
        match self {
            Case::Lower => format!("lower({inner})"),
            Case::Upper => format!("upper({inner})"),
            Case::Title => format!("title(lower({inner}))"),
            Case::None => inner.to_string(),
        }
    }
}

/// A raw input: its expression, and whether it may be `null` at plan time (a field of a
/// context object Ferry cannot see into).
type Raw = Option<(Expression, bool)>;

/// The `context` input.
enum Ctx {
    /// Its fields, written out, known at compile time or those of a label expanded before.
    Fields(BTreeMap<String, Expression>),
    /// An expression Ferry cannot see into (`var.context` without a default).
    Opaque(Expression),
}

impl Ctx {
    fn field(&self, name: &str) -> Raw {
        match self {
            Ctx::Fields(f) => f
                .get(name)
                .filter(|e| !matches!(e, Expression::Null))
                .map(|e| (e.clone(), false)),
            Ctx::Opaque(e) => Some((
                Expression::Traversal(Box::new(hcl::expr::Traversal::new(
                    e.clone(),
                    vec![TraversalOperator::GetAttr(hcl::Identifier::unchecked(name))],
                ))),
                true,
            )),
        }
    }
}

fn fields(e: &Expression) -> Option<BTreeMap<String, Expression>> {
    let Expression::Object(obj) = e else {
        return None;
    };
    Some(
        obj.iter()
            .filter_map(|(k, v)| hclx::object_key(k).map(|k| (k, v.clone())))
            .collect(),
    )
}

/// Does the expression read nothing (no variable, local, resource, `each`)?
fn is_static(e: &Expression) -> bool {
    let mut stat = true;
    hclx::walk(e, &mut |x| {
        stat &= !matches!(x, Expression::Variable(_) | Expression::Traversal(_));
    });
    stat
}

fn parse(text: &str) -> Option<Expression> {
    hclx::parse_expr(text).ok()
}

/// The label's settings that must be known for Ferry to write its outputs.
struct Settings {
    delimiter: String,
    order: Vec<String>,
    value_case: Case,
    key_case: Case,
    regex: String,
    id_length_limit: u64,
    labels_as_tags: Option<Vec<String>>,
}

pub(super) fn expand(b: &mut Builder<'_>, prior: &Prior) {
    b.repeat_note = false;
    let ctx = context(b, prior);
    let mut raw: BTreeMap<&str, Raw> = BTreeMap::new();
    for k in CONTEXT_KEYS {
        if matches!(
            k,
            "attributes" | "tags" | "additional_tag_map" | "descriptor_formats"
        ) {
            continue;
        }
        let v = input(b, prior, k)
            .map(|e| (e, false))
            .or_else(|| ctx.field(k));
        raw.insert(k, v);
    }
    let settings = match settings(b, &raw) {
        Ok(s) => s,
        Err(why) => {
            for o in OUTPUTS {
                b.out_unmapped(o, &why);
            }
            b.understood(&[
                "attributes",
                "tags",
                "additional_tag_map",
                "descriptor_formats",
            ]);
            return;
        }
    };
    let raw_attrs = attributes(b, prior, &ctx);
    let raw_tags = merged_maps(input(b, prior, "tags"), ctx.field("tags").map(|(e, _)| e));
    let additional = merged_maps(
        input(b, prior, "additional_tag_map"),
        ctx.field("additional_tag_map").map(|(e, _)| e),
    );
    let descriptor_formats = input(b, prior, "descriptor_formats").or_else(|| {
        ctx.field("descriptor_formats")
            .map(|(e, _)| e)
            .filter(|e| !matches!(e, Expression::Object(o) if o.is_empty()))
    });

    let enabled: Part = match raw.get("enabled").cloned().flatten() {
        None => Part::Known("true".into()),
        Some((e, _)) if is_static(&e) => match b.eval.bool(&e) {
            Some(v) => Part::Known(v.to_string()),
            None => Part::Expr(e),
        },
        Some((e, _)) => Part::Expr(e),
    };

    let labels: BTreeMap<&str, Part> = STRING_LABELS
        .iter()
        .map(|k| (*k, normalize(b, raw.get(k).cloned().flatten(), &settings)))
        .collect();
    let (attrs_joined, attrs_list) = normalize_list(b, &raw_attrs, &settings);
    // `id_context` in the order asked for, empty labels left out.
    let parts: Vec<&Part> = settings
        .order
        .iter()
        .map(|l| match l.as_str() {
            "attributes" => &attrs_joined,
            l => labels.get(l).unwrap_or(&EMPTY),
        })
        .filter(|p| !p.is_empty())
        .collect();
    let id_full = join(&settings.delimiter, &parts);
    let id = limit(&id_full, &settings);

    let tags = tags(&settings, &labels, &id, &attrs_joined, raw_tags.as_ref());
    // Outputs, `""` / `[]` / `{}` when the label is disabled.
    let gate = |e: Expression, empty: &str| -> Expression {
        match &enabled {
            Part::Known(v) if v == "true" => e,
            Part::Known(_) => parse(empty).unwrap_or(Expression::Null),
            Part::Expr(c) => parse(&format!(
                "{} ? {} : {empty}",
                hclx::inline(c),
                hclx::inline(&e)
            ))
            .unwrap_or(Expression::Null),
        }
    };
    let mut outs: BTreeMap<&str, Expression> = BTreeMap::new();
    outs.insert("id", gate(id.expr(), "\"\""));
    outs.insert("id_full", gate(id_full.expr(), "\"\""));
    for k in STRING_LABELS {
        outs.insert(k, gate(labels[k].expr(), "\"\""));
    }
    outs.insert("enabled", enabled_expr(&enabled));
    outs.insert(
        "delimiter",
        gate(Expression::String(settings.delimiter.clone()), "\"\""),
    );
    outs.insert("attributes", gate(attrs_list.clone(), "[]"));
    outs.insert("tags", gate(tags.clone(), "{}"));
    outs.insert(
        "additional_tag_map",
        additional
            .clone()
            .unwrap_or_else(|| Expression::Object(Default::default())),
    );
    outs.insert(
        "label_order",
        Expression::Array(
            settings
                .order
                .iter()
                .cloned()
                .map(Expression::String)
                .collect(),
        ),
    );
    outs.insert(
        "regex_replace_chars",
        Expression::String(settings.regex.clone()),
    );
    outs.insert(
        "id_length_limit",
        Expression::Number(settings.id_length_limit.into()),
    );
    outs.insert(
        "label_key_case",
        Expression::String(case_name(settings.key_case).into()),
    );
    outs.insert(
        "label_value_case",
        Expression::String(case_name(settings.value_case).into()),
    );
    let list_of_maps = parse(&format!(
        "[for k, v in {} : merge({{ key = k, value = v }}, {})]",
        hclx::inline(&tags),
        additional
            .as_ref()
            .map(hclx::inline)
            .unwrap_or_else(|| "{}".into())
    ));
    if let Some(l) = list_of_maps {
        outs.insert("tags_as_list_of_maps", gate(l, "[]"));
    }
    if descriptor_formats.is_none() {
        outs.insert("descriptors", Expression::Object(Default::default()));
    }

    // `context`: the inputs as merged (the next label normalises them again).
    let mut context = hcl::Object::new();
    for k in CONTEXT_KEYS {
        let v = match k {
            "attributes" => raw_list_expr(&raw_attrs),
            "tags" => raw_tags
                .clone()
                .unwrap_or_else(|| Expression::Object(Default::default())),
            "additional_tag_map" => additional
                .clone()
                .unwrap_or_else(|| Expression::Object(Default::default())),
            "descriptor_formats" => descriptor_formats
                .clone()
                .unwrap_or_else(|| Expression::Object(Default::default())),
            k => raw
                .get(k)
                .cloned()
                .flatten()
                .map(|(e, _)| e)
                .unwrap_or(Expression::Null),
        };
        context.insert(ObjectKey::Identifier(hcl::Identifier::unchecked(k)), v);
    }
    outs.insert("context", Expression::Object(context));
    let mut normalized = hcl::Object::new();
    for k in CONTEXT_KEYS {
        let v = match k {
            "enabled" => Some(enabled_expr(&enabled)),
            "attributes" => Some(attrs_list.clone()),
            "tags" => Some(tags.clone()),
            "descriptor_formats" => descriptor_formats.clone(),
            k => outs.get(k).cloned(),
        };
        if let Some(v) = v {
            normalized.insert(ObjectKey::Identifier(hcl::Identifier::unchecked(k)), v);
        }
    }
    outs.insert("normalized_context", Expression::Object(normalized));

    let repeated = hclx::attr(&b.call.body, "count").is_some()
        || hclx::attr(&b.call.body, "for_each").is_some();
    for o in OUTPUTS {
        match outs.remove(o) {
            Some(e) if repeated && reads_instance(&e) => b.out_unmapped(
                o,
                "the label call repeats with `count`/`for_each` and this output differs per instance, which Ferry does not write",
            ),
            Some(e) => b.out_expr(o, e),
            None => b.out_unmapped(
                o,
                "the call sets `descriptor_formats`, which Ferry does not evaluate",
            ),
        }
    }
}

static EMPTY: Part = Part::Known(String::new());

fn case_name(c: Case) -> &'static str {
    match c {
        Case::Lower => "lower",
        Case::Upper => "upper",
        Case::Title => "title",
        Case::None => "none",
    }
}

fn quote(s: &str) -> String {
    hclx::inline(&Expression::String(s.to_string()))
}

fn enabled_expr(enabled: &Part) -> Expression {
    match enabled {
        Part::Known(v) => Expression::Bool(v == "true"),
        Part::Expr(e) => e.clone(),
    }
}

/// Does the expression read `each` or `count` (an output that differs per instance)?
fn reads_instance(e: &Expression) -> bool {
    let mut hit = false;
    hclx::walk(e, &mut |x| {
        hit |= matches!(hclx::traversal_root(x), Some(("each" | "count", _)));
    });
    hit
}

/// An input as written (marked as used), with the outputs of labels expanded before it read
/// in place (`name = module.base.id`): a label's outputs are expressions of its own inputs,
/// and the reference pass does not look into them again.
fn input(b: &mut Builder<'_>, prior: &Prior, name: &str) -> Option<Expression> {
    let mut e = b.input(name)?;
    hclx::walk_mut(&mut e, &mut |x| {
        let Some((
            "module",
            [
                TraversalOperator::GetAttr(m),
                TraversalOperator::GetAttr(out),
                rest @ ..,
            ],
        )) = hclx::traversal_root(x)
        else {
            return true;
        };
        let Some(ModuleOutput::Expr(v)) = prior.get(m.as_str()).and_then(|o| o.get(out.as_str()))
        else {
            return true;
        };
        let mut v = v.clone();
        // `module.base.context.stage`: the field of the object it stands for.
        for op in rest {
            v = match (&v, op) {
                (Expression::Object(_), TraversalOperator::GetAttr(k)) => {
                    match fields(&v).and_then(|mut f| f.remove(k.as_str())) {
                        Some(field) => field,
                        None => return true,
                    }
                }
                _ => return true,
            };
        }
        *x = v;
        false
    });
    Some(e)
}

/// The `context` input, resolved as far as Ferry can.
fn context(b: &mut Builder<'_>, prior: &Prior) -> Ctx {
    let Some(e) = b.input("context") else {
        return Ctx::Fields(BTreeMap::new());
    };
    if let Some((
        "module",
        [
            TraversalOperator::GetAttr(m),
            TraversalOperator::GetAttr(out),
        ],
    )) = hclx::traversal_root(&e)
        && matches!(out.as_str(), "context" | "normalized_context")
        && let Some(ModuleOutput::Expr(obj)) =
            prior.get(m.as_str()).and_then(|o| o.get(out.as_str()))
        && let Some(f) = fields(obj)
    {
        return Ctx::Fields(f);
    }
    if let Some(f) = fields(&e) {
        return Ctx::Fields(f);
    }
    if let Some(v @ Value::Object(_)) = b.eval.value(&e)
        && let Some(f) = fields(&crate::eval::value_to_expr(&v))
    {
        return Ctx::Fields(f);
    }
    Ctx::Opaque(e)
}

/// A setting as a known string, or the default; `Err` names a setting Ferry cannot read.
fn known_string(b: &Builder<'_>, raw: &Raw, name: &str, default: &str) -> Result<String, String> {
    match raw {
        None => Ok(default.to_string()),
        Some((e, _)) if b.eval.is_null(e) => Ok(default.to_string()),
        Some((e, _)) => b.eval.string(e).ok_or_else(|| {
            format!("the label's `{name}` is not known at compile time, so Ferry cannot write its outputs")
        }),
    }
}

fn settings(b: &Builder<'_>, raw: &BTreeMap<&str, Raw>) -> Result<Settings, String> {
    let get = |k: &str| raw.get(k).cloned().flatten();
    let delimiter = known_string(b, &get("delimiter"), "delimiter", "-")?;
    let regex = known_string(
        b,
        &get("regex_replace_chars"),
        "regex_replace_chars",
        DEFAULT_REGEX,
    )?;
    let regex = if regex.is_empty() {
        DEFAULT_REGEX.to_string()
    } else {
        regex
    };
    let case = |k: &str, default: &str| -> Result<Case, String> {
        let s = known_string(b, &get(k), k, default)?;
        Case::parse(&s)
            .ok_or_else(|| format!("the label's `{k}` is `{s}`, which the module does not accept"))
    };
    let value_case = case("label_value_case", "lower")?;
    let key_case = case("label_key_case", "title")?;
    let order = match get("label_order") {
        None => DEFAULT_ORDER.iter().map(|s| s.to_string()).collect(),
        Some((e, _)) => match b.eval.value(&e) {
            Some(Value::Null) => DEFAULT_ORDER.iter().map(|s| s.to_string()).collect(),
            Some(Value::Array(items)) if items.is_empty() => {
                DEFAULT_ORDER.iter().map(|s| s.to_string()).collect()
            }
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| v.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()
                .ok_or("the label's `label_order` is not a list of label names")?,
            _ => return Err("the label's `label_order` is not known at compile time, so Ferry cannot write its outputs".into()),
        },
    };
    let id_length_limit = match get("id_length_limit") {
        None => 0,
        Some((e, _)) if b.eval.is_null(&e) => 0,
        Some((e, _)) => b
            .eval
            .number(&e)
            .filter(|n| *n >= 0.0 && n.fract() == 0.0)
            .ok_or("the label's `id_length_limit` is not known at compile time, so Ferry cannot write its outputs")?
            as u64,
    };
    let labels_as_tags = match get("labels_as_tags") {
        None => None,
        Some((e, _)) => match b.eval.value(&e) {
            Some(Value::Null) => None,
            Some(Value::Array(items)) => {
                let names: Vec<String> = items
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect();
                (!names.iter().any(|n| n == "unset" || n == "default")).then_some(names)
            }
            _ => return Err("the label's `labels_as_tags` is not known at compile time, so Ferry cannot write its outputs".into()),
        },
    };
    Ok(Settings {
        delimiter,
        order,
        value_case,
        key_case,
        regex,
        id_length_limit,
        labels_as_tags,
    })
}

/// One label, normalised the module's way: characters the filter matches removed, the case
/// applied.
fn normalize(b: &Builder<'_>, raw: Raw, s: &Settings) -> Part {
    let Some((e, maybe_null)) = raw else {
        return Part::Known(String::new());
    };
    if b.eval.is_null(&e) {
        return Part::Known(String::new());
    }
    if s.regex == DEFAULT_REGEX
        && is_static(&e)
        && let Some(v) = b.eval.value(&e)
        && let Some(text) = scalar(&v)
    {
        return Part::Known(s.value_case.apply(&filter(&text)));
    }
    let inner = format!("replace({}, {}, \"\")", hclx::inline(&e), quote(&s.regex));
    let mut text = s.value_case.wrap(&inner);
    if maybe_null {
        text = format!("try({text}, \"\")");
    }
    parse(&text)
        .map(Part::Expr)
        .unwrap_or(Part::Known(String::new()))
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null => Some(String::new()),
        _ => None,
    }
}

/// The default filter: keeps `-`, ASCII letters and digits.
fn filter(s: &str) -> String {
    s.chars()
        .filter(|c| *c == '-' || c.is_ascii_alphanumeric())
        .collect()
}

/// The attributes: the context's, then the call's. Each element as written, or a whole list
/// Ferry cannot see into.
#[derive(Clone, Debug)]
enum Attrs {
    One(Expression, bool),
    Many(Expression),
}

fn attributes(b: &mut Builder<'_>, prior: &Prior, ctx: &Ctx) -> Vec<Attrs> {
    let mut out = Vec::new();
    let from_ctx = ctx.field("attributes");
    let from_call = input(b, prior, "attributes").map(|e| (e, false));
    for (e, maybe_null) in [from_ctx, from_call].into_iter().flatten() {
        if b.eval.is_null(&e) {
            continue;
        }
        match &e {
            Expression::Array(items) => {
                out.extend(items.iter().map(|i| Attrs::One(i.clone(), false)))
            }
            _ => match b.eval.value(&e) {
                Some(Value::Array(items)) if is_static(&e) => out.extend(
                    items
                        .iter()
                        .map(|v| Attrs::One(crate::eval::value_to_expr(v), false)),
                ),
                _ if maybe_null => out.push(Attrs::Many(
                    parse(&format!("coalesce({}, [])", hclx::inline(&e))).unwrap_or(e),
                )),
                _ => out.push(Attrs::Many(e)),
            },
        }
    }
    out
}

/// The attributes as Terraform's `compact(distinct(…))` of them, known when every element is.
fn known_attrs(b: &Builder<'_>, raw: &[Attrs], s: &Settings) -> Option<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for a in raw {
        let Attrs::One(e, false) = a else {
            return None;
        };
        match normalize(b, Some((e.clone(), false)), s) {
            Part::Known(v) => {
                if !v.is_empty() && !out.contains(&v) {
                    out.push(v)
                }
            }
            Part::Expr(_) => return None,
        }
    }
    Some(out)
}

/// The normalised attributes, joined by the delimiter (the `attributes` label of the id) and
/// as a list (the `attributes` output): values when every one is known, else expressions.
fn normalize_list(b: &Builder<'_>, raw: &[Attrs], s: &Settings) -> (Part, Expression) {
    if let Some(known) = known_attrs(b, raw, s) {
        let list = known.iter().cloned().map(Expression::String).collect();
        return (
            Part::Known(known.join(&s.delimiter)),
            Expression::Array(list),
        );
    }
    // One attribute needs neither `distinct` nor a join of its own.
    if let [Attrs::One(e, n)] = raw {
        let p = normalize(b, Some((e.clone(), *n)), s);
        let list = parse(&format!("compact([{}])", p.text())).unwrap_or(Expression::Null);
        return (p, list);
    }
    let mut groups: Vec<String> = Vec::new();
    let mut singles: Vec<String> = Vec::new();
    for a in raw {
        match a {
            Attrs::One(e, n) => {
                let p = normalize(b, Some((e.clone(), *n)), s);
                if !p.is_empty() {
                    singles.push(p.text());
                }
            }
            Attrs::Many(list) => {
                if !singles.is_empty() {
                    groups.push(format!("[{}]", singles.join(", ")));
                    singles.clear();
                }
                let each = s
                    .value_case
                    .wrap(&format!("replace(a, {}, \"\")", quote(&s.regex)));
                groups.push(format!("[for a in {} : {each}]", hclx::inline(list)));
            }
        }
    }
    if !singles.is_empty() {
        groups.push(format!("[{}]", singles.join(", ")));
    }
    let list = match groups.len() {
        0 => "[]".to_string(),
        1 => groups.remove(0),
        _ => format!("concat({})", groups.join(", ")),
    };
    let list = parse(&format!("compact(distinct({list}))")).unwrap_or(Expression::Null);
    let joined = parse(&format!(
        "join({}, {})",
        quote(&s.delimiter),
        hclx::inline(&list)
    ))
    .map(Part::Expr)
    .unwrap_or(Part::Known(String::new()));
    (joined, list)
}

/// The attributes as the `context` output carries them (before normalisation).
fn raw_list_expr(raw: &[Attrs]) -> Expression {
    if raw.iter().all(|a| matches!(a, Attrs::One(..))) {
        return Expression::Array(
            raw.iter()
                .filter_map(|a| match a {
                    Attrs::One(e, _) => Some(e.clone()),
                    Attrs::Many(_) => None,
                })
                .collect(),
        );
    }
    let groups: Vec<String> = raw
        .iter()
        .map(|a| match a {
            Attrs::One(e, _) => format!("[{}]", hclx::inline(e)),
            Attrs::Many(l) => hclx::inline(l),
        })
        .collect();
    parse(&format!("concat({})", groups.join(", "))).unwrap_or(Expression::Array(Vec::new()))
}

/// `join(delimiter, [labels])`, known when every label is.
fn join(delimiter: &str, parts: &[&Part]) -> Part {
    if parts.iter().all(|p| matches!(p, Part::Known(_))) {
        let known: Vec<String> = parts
            .iter()
            .filter_map(|p| match p {
                Part::Known(s) => Some(s.clone()),
                Part::Expr(_) => None,
            })
            .collect();
        return Part::Known(known.join(delimiter));
    }
    let list: Vec<String> = parts.iter().map(|p| p.text()).collect();
    parse(&format!(
        "join({}, compact([{}]))",
        quote(delimiter),
        list.join(", ")
    ))
    .map(Part::Expr)
    .unwrap_or(Part::Known(String::new()))
}

/// `id`: the full id, or past `id_length_limit` its truncation with an md5 suffix (written for
/// Terraform, which computes the hash).
fn limit(full: &Part, s: &Settings) -> Part {
    let l = s.id_length_limit;
    if l == 0 {
        return full.clone();
    }
    if let Part::Known(f) = full
        && f.chars().count() as u64 <= l
    {
        return full.clone();
    }
    let f = full.text();
    let keep = l as i64 - (5 + s.delimiter.chars().count() as i64);
    let truncated = if keep <= 0 {
        String::new()
    } else {
        format!(
            "${{trimsuffix(substr({f}, 0, {keep}), {})}}{}",
            quote(&s.delimiter),
            hclx::escape_template_literal(&s.delimiter)
        )
    };
    let hash = match s.value_case {
        Case::Upper => format!("${{upper(md5({f}))}}QRSTUVWXYZ"),
        Case::Title => format!("${{title(\"${{md5({f})}}qrstuvwxyz\")}}"),
        Case::Lower | Case::None => format!("${{md5({f})}}qrstuvwxyz"),
    };
    parse(&format!(
        "length({f}) > {l} ? substr(\"{truncated}{hash}\", 0, {l}) : {f}"
    ))
    .map(Part::Expr)
    .unwrap_or_else(|| full.clone())
}

/// `tags`: the labels as tags (`Name` = the id), then the context's and the call's tags.
fn tags(
    s: &Settings,
    labels: &BTreeMap<&str, Part>,
    id: &Part,
    attrs: &Part,
    input: Option<&Expression>,
) -> Expression {
    let context: [(&str, &Part); 6] = [
        ("namespace", &labels["namespace"]),
        ("tenant", &labels["tenant"]),
        ("environment", &labels["environment"]),
        ("stage", &labels["stage"]),
        ("name", id),
        ("attributes", attrs),
    ];
    let chosen: Vec<(String, &Part)> = context
        .iter()
        .filter(|(k, _)| {
            s.labels_as_tags
                .as_ref()
                .is_none_or(|l| l.iter().any(|x| x == k))
        })
        .map(|(k, p)| (s.key_case.apply(k), *p))
        .filter(|(_, p)| !p.is_empty())
        .collect();
    let dynamic = chosen.iter().any(|(_, p)| matches!(p, Part::Expr(_)));
    let mut generated = hcl::Object::new();
    for (k, p) in &chosen {
        generated.insert(
            ObjectKey::Expression(Expression::String(k.clone())),
            p.expr(),
        );
    }
    let generated = Expression::Object(generated);
    let generated = if dynamic {
        parse(&format!(
            "{{ for k, v in {} : k => v if length(v) > 0 }}",
            hclx::inline(&generated)
        ))
        .unwrap_or(generated)
    } else {
        generated
    };
    match input {
        None => generated,
        Some(t) => merged_maps(Some(t.clone()), Some(generated)).unwrap_or(Expression::Null),
    }
}

/// `merge(first, second)` with `second` read first (the module's order: context, then call);
/// folded when both are written out.
fn merged_maps(call: Option<Expression>, ctx: Option<Expression>) -> Option<Expression> {
    match (ctx, call) {
        (None, None) => None,
        (Some(e), None) | (None, Some(e)) => Some(e),
        (Some(Expression::Object(mut a)), Some(Expression::Object(b))) => {
            for (k, v) in b {
                a.insert(k, v);
            }
            Some(Expression::Object(a))
        }
        (Some(a), Some(b)) => parse(&format!(
            "merge({}, {})",
            hclx::inline(&a),
            hclx::inline(&b)
        ))
        .or(Some(b)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources() {
        assert!(is_null_label("cloudposse/label/null"));
        assert!(is_null_label("registry.terraform.io/cloudposse/label/null"));
        assert!(is_null_label(
            "git::https://github.com/cloudposse/terraform-null-label.git?ref=0.25.0"
        ));
        assert!(is_null_label("github.com/cloudposse/terraform-null-label"));
        assert!(!is_null_label("cloudposse/key-pair/aws"));
        assert!(!is_null_label(
            "git::https://github.com/cloudposse/terraform-null-label-x.git"
        ));
    }

    #[test]
    fn cases_and_filter() {
        assert_eq!(filter("Dev_App.1 x-y"), "DevApp1x-y");
        assert_eq!(Case::Title.apply("my-APP"), "My-App");
        assert_eq!(Case::Upper.apply("a-b"), "A-B");
        assert_eq!(Case::None.apply("Ab"), "Ab");
    }
}
