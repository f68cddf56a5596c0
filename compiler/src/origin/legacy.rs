//! Terraform 0.11 forms, upgraded to their 0.12+ meaning.
//!
//! * `"${expr}"` (an interpolation-only string) is `expr`;
//! * `depends_on = ["aws_x.y"]` (quoted references) is `depends_on = [aws_x.y]`;
//! * `type = "list"` in a variable is `type = list(any)` (handled when variables are emitted).

use crate::hclx;
use hcl::Body;
use hcl::expr::{Expression, TemplateExpr};
use hcl::template::Element;

/// Upgrades a body in place. Returns whether anything 0.11-specific was found.
pub fn upgrade_body(body: &mut Body) -> bool {
    let mut seen = false;
    for s in body.0.iter_mut() {
        match s {
            hcl::Structure::Attribute(a) => {
                if a.key() == "depends_on" {
                    seen |= unquote_references(&mut a.expr);
                }
                seen |= unwrap_interpolations(&mut a.expr);
            }
            hcl::Structure::Block(b) => seen |= upgrade_body(&mut b.body),
        }
    }
    seen
}

/// Map arguments of types Ferry keeps as written that Terraform 0.11 also accepted as a block
/// (`vars { … }`): 0.12+ rejects the block ("Unsupported block type"), so a kept data source
/// written so would fail the plan. AWS types' map blocks (`tags { … }`) are their rules' to read.
const MAP_BLOCKS: &[(&str, &str, &str)] = &[
    ("data", "template_file", "vars"),
    ("resource", "null_resource", "triggers"),
];

/// `vars { k = v }` in a top-level block of a type in [`MAP_BLOCKS`] becomes `vars = { k = v }`.
/// Returns whether it rewrote anything.
pub fn upgrade_map_blocks(block: &mut hcl::Block) -> bool {
    let kind = block.identifier().to_string();
    let Some(ty) = block.labels.first().map(|l| l.as_str().to_string()) else {
        return false;
    };
    let mut seen = false;
    for (k, t, arg) in MAP_BLOCKS {
        if *k != kind || *t != ty {
            continue;
        }
        for s in block.body.0.iter_mut() {
            let hcl::Structure::Block(b) = s else {
                continue;
            };
            if b.identifier() != *arg || !b.labels.is_empty() {
                continue;
            }
            // Only attributes (a map); a nested block is no 0.11 map, left for the plan to judge.
            if b.body.iter().any(|x| matches!(x, hcl::Structure::Block(_))) {
                continue;
            }
            let obj: hcl::Object<hcl::expr::ObjectKey, Expression> = b
                .body
                .iter()
                .filter_map(|x| match x {
                    hcl::Structure::Attribute(a) => Some((
                        hcl::expr::ObjectKey::Identifier(hcl::Identifier::unchecked(a.key())),
                        a.expr.clone(),
                    )),
                    hcl::Structure::Block(_) => None,
                })
                .collect();
            *s = hcl::Structure::Attribute(hcl::Attribute::new(*arg, Expression::Object(obj)));
            seen = true;
        }
    }
    seen
}

fn unwrap_interpolations(expr: &mut Expression) -> bool {
    let mut seen = false;
    hclx::walk_mut(expr, &mut |e| {
        // `["${split(",", var.x)}"]`: 0.11 flattened a list inside a list literal; 0.12+
        // reads a list of one list, which list-of-string arguments reject.
        if let Expression::Array(items) = e
            && let [only] = items.as_slice()
            && let Some(inner) = interpolation_only(only).filter(list_valued)
        {
            *e = inner;
            seen = true;
            return true;
        }
        if let Some(inner) = interpolation_only(e) {
            *e = inner;
            seen = true;
            return true;
        }
        // Parsing a template to look inside it is costly; a template can only hold another
        // template (the one thing this pass rewrites) inside a quoted string.
        match e {
            Expression::TemplateExpr(t) => match &**t {
                TemplateExpr::QuotedString(s) => s.contains('"'),
                TemplateExpr::Heredoc(h) => h.template.contains('"'),
            },
            _ => true,
        }
    });
    seen
}

/// `text` with the quotes around the block type removed on line `line` (1-based) when the
/// parser stopped at column `column` there and the line opens a block with a quoted type:
/// `  "listener" {` → `  listener {` (Terraform 0.11). `None` when the line is anything else.
pub fn unquote_block_type(text: &str, line: usize, column: usize) -> Option<String> {
    let start = text
        .split_inclusive('\n')
        .take(line.checked_sub(1)?)
        .map(str::len)
        .sum::<usize>();
    let rest = text.get(start..)?;
    let content = rest.split('\n').next()?;
    let indent = content.len() - content.trim_start().len();
    // The parser stops at the opening quote.
    if column != indent + 1 {
        return None;
    }
    let after = content.get(indent + 1..)?;
    let close = after.find('"')?;
    let ident = &after[..close];
    let valid = ident
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && ident
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !valid || !after[close + 1..].trim_start().starts_with('{') {
        return None;
    }
    let quote = start + indent;
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..quote]);
    out.push_str(ident);
    out.push_str(&text[quote + 1 + close + 1..]);
    Some(out)
}

/// `"${x}"` → `x`.
pub fn interpolation_only(expr: &Expression) -> Option<Expression> {
    let Expression::TemplateExpr(t) = expr else {
        return None;
    };
    let TemplateExpr::QuotedString(text) = &**t else {
        return None;
    };
    // A lone interpolation is `${…}` from end to end; anything else is not worth parsing.
    if !(text.starts_with("${") && text.ends_with('}')) {
        return None;
    }
    let template = crate::hclx::parse_template(t)?;
    match template.elements() {
        [Element::Interpolation(i)] => Some(i.expr.clone()),
        _ => None,
    }
}

/// Whether `e` is certainly a list in Terraform 0.11, whose list literals flattened it: a splat
/// (`aws_x.y.*.id`) or a call of a function that returns a list. Variables and other
/// references are left alone: their type is not known here.
pub fn list_valued(e: &Expression) -> bool {
    use hcl::expr::TraversalOperator as Op;
    match e {
        Expression::Traversal(t) => t
            .operators
            .iter()
            .any(|op| matches!(op, Op::AttrSplat | Op::FullSplat)),
        Expression::FuncCall(c) => matches!(
            c.name.name.as_str(),
            "split"
                | "concat"
                | "compact"
                | "distinct"
                | "flatten"
                | "keys"
                | "values"
                | "list"
                | "slice"
                | "sort"
                | "reverse"
                | "formatlist"
                | "matchkeys"
                | "coalescelist"
                | "cidrsubnets"
                | "tolist"
        ),
        Expression::Parenthesis(p) => list_valued(p),
        _ => false,
    }
}

fn unquote_references(expr: &mut Expression) -> bool {
    let Expression::Array(items) = expr else {
        return false;
    };
    let mut seen = false;
    for item in items.iter_mut() {
        if let Expression::String(s) = item {
            let segments: Vec<&str> = s.split('.').collect();
            let plain = segments.iter().all(|p| {
                !p.is_empty()
                    && p.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            });
            if segments.len() >= 2 && plain {
                *item = hclx::path(&segments);
                seen = true;
            }
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upgrades_interpolation_only_strings_and_quoted_depends_on() {
        let mut body =
            hcl::parse("a = \"${var.x}\"\nb = \"pre-${var.x}\"\nc = [\"${var.l}\"]\ndepends_on = [\"aws_vpc.main\"]\n")
                .expect("parses");
        assert!(upgrade_body(&mut body));
        let out = hcl::format::to_string(&body).expect("formats");
        assert!(out.contains("a = var.x"), "{out}");
        assert!(out.contains("b = \"pre-${var.x}\""), "{out}");
        assert!(out.contains("var.l"), "{out}");
        assert!(!out.contains("\"aws_vpc.main\""), "{out}");
    }

    #[test]
    fn nested_interpolations_are_unwrapped() {
        let mut body = hcl::parse(
            "a = \"${lookup(var.m, \"${var.k}\")}\"\nb = \"x-${lookup(var.m, \"${var.k}\")}\"\n",
        )
        .expect("parses");
        assert!(upgrade_body(&mut body));
        let out = hcl::format::to_string(&body).expect("formats");
        assert!(out.contains("a = lookup(var.m, var.k)"), "{out}");
        assert!(out.contains("b = \"x-${lookup(var.m, var.k)}\""), "{out}");
    }

    #[test]
    fn list_interpolations_in_list_literals_are_flattened() {
        let mut body = hcl::parse(
            "a = [\"${split(\",\", var.ips)}\"]\nb = [\"${aws_subnet.x.*.id}\"]\nc = [\"${var.l}\"]\nd = [\"${var.s}\", \"x\"]\n",
        )
        .expect("parses");
        assert!(upgrade_body(&mut body));
        let out = hcl::format::to_string(&body).expect("formats");
        assert!(out.contains("a = split(\",\", var.ips)"), "{out}");
        assert!(out.contains("b = aws_subnet.x.*.id"), "{out}");
        assert!(out.contains("c = [\n  var.l\n]"), "{out}");
        assert!(out.contains("d = [\n  var.s,\n  \"x\"\n]"), "{out}");
    }

    #[test]
    fn quoted_block_types_are_unquoted_where_the_parser_stopped() {
        let text = "resource \"aws_elb\" \"e\" {\n  \"listener\" {\n    lb_port = 80\n  }\n}\n";
        assert_eq!(
            unquote_block_type(text, 2, 3).as_deref(),
            Some("resource \"aws_elb\" \"e\" {\n  listener {\n    lb_port = 80\n  }\n}\n")
        );
        // Elsewhere on the line, another line, or not a block: left alone.
        assert_eq!(unquote_block_type(text, 2, 4), None);
        assert_eq!(unquote_block_type(text, 3, 5), None);
        assert_eq!(unquote_block_type("  \"a b\" {\n", 1, 3), None);
        assert_eq!(unquote_block_type("  \"key\" = 1\n", 1, 3), None);
    }

    #[test]
    fn modern_syntax_is_not_flagged() {
        let mut body = hcl::parse("a = var.x\nb = \"pre-${var.x}\"\n").expect("parses");
        assert!(!upgrade_body(&mut body));
    }
}
