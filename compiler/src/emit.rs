//! Printing the deployment stack as `tofu fmt` would: two-space indentation, `=` aligned across
//! runs of consecutive attributes, one blank line between blocks.

use crate::hclx;
use crate::out::{Item, OutBlock};
use hcl::Expression;
use hcl::expr::ObjectKey;

/// Writes top-level blocks separated by blank lines.
pub fn file(blocks: &[OutBlock]) -> String {
    let mut out = String::new();
    for (i, b) in blocks.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        block(&mut out, b, 0);
    }
    out
}

/// Puts every heredoc's closing marker on a line of its own. The expression printer writes
/// what follows a heredoc right after its marker (`EOT,` in a list, `EOT)` in a function
/// call), which Terraform does not read as the end of the heredoc ("Unterminated template
/// string"); the rest goes on the next line, indented like the line that opened the heredoc.
pub fn close_heredocs(text: &str) -> String {
    fn opening(line: &str) -> Option<&str> {
        let at = line.rfind("<<")?;
        let marker = line[at + 2..].strip_prefix('-').unwrap_or(&line[at + 2..]);
        (!marker.is_empty()
            && marker
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .then_some(marker)
    }
    if !text.contains("<<") {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 16);
    // The marker of the open heredoc, and the indentation of the line that opened it.
    let mut open: Option<(String, String)> = None;
    for line in text.split_inclusive('\n') {
        let (content, newline) = match line.strip_suffix('\n') {
            Some(c) => (c, "\n"),
            None => (line, ""),
        };
        match &open {
            None => {
                if let Some(m) = opening(content) {
                    let indent: String = content.chars().take_while(|c| *c == ' ').collect();
                    open = Some((m.to_string(), indent));
                }
                out.push_str(line);
            }
            Some((marker, indent)) => {
                let trimmed = content.trim_start();
                let Some(rest) = trimmed.strip_prefix(marker.as_str()) else {
                    out.push_str(line);
                    continue;
                };
                if rest.is_empty() {
                    out.push_str(line);
                    open = None;
                    continue;
                }
                if rest.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
                    // `EOTX`: content, not the marker.
                    out.push_str(line);
                    continue;
                }
                out.push_str(&content[..content.len() - rest.len()]);
                out.push('\n');
                out.push_str(indent);
                let rest = rest.trim_start();
                out.push_str(rest);
                out.push_str(newline);
                // What follows may open another heredoc (`EOT, <<EOT2`).
                open = opening(rest).map(|m| (m.to_string(), indent.clone()));
            }
        }
    }
    out
}

fn block(out: &mut String, b: &OutBlock, indent: usize) {
    let items: Vec<&Item> = b.body.items.iter().collect();
    let labels: Vec<&str> = b.labels.iter().map(String::as_str).collect();
    write_block(out, &b.ident, &labels, &items, indent);
}

/// Writes one block whose body items are given by reference (so that callers can print a
/// body with a few items of their own around it without copying it).
pub fn write_block(out: &mut String, ident: &str, labels: &[&str], items: &[&Item], indent: usize) {
    push_indent(out, indent);
    out.push_str(ident);
    for l in labels {
        out.push(' ');
        quote_into(out, l);
    }
    if items.is_empty() {
        out.push_str(" {}\n");
        return;
    }
    out.push_str(" {\n");
    body(out, items, indent + 1);
    push_indent(out, indent);
    out.push_str("}\n");
}

fn body(out: &mut String, items: &[&Item], indent: usize) {
    let mut i = 0;
    let mut prev_was_block = false;
    let mut rendered: Vec<(&str, String)> = Vec::new();
    while i < items.len() {
        match items[i] {
            Item::Block(b) => {
                if i > 0 {
                    out.push('\n');
                }
                block(out, b, indent);
                prev_was_block = true;
                i += 1;
            }
            Item::Attr(..) => {
                if prev_was_block {
                    out.push('\n');
                }
                // A run of attributes: up to the next block, ending after a multi-line value.
                rendered.clear();
                while i < items.len() {
                    let Item::Attr(k, v) = items[i] else { break };
                    let text = expr(v, indent);
                    let multi = text.contains('\n');
                    rendered.push((k, text));
                    i += 1;
                    if multi {
                        break;
                    }
                }
                let width = rendered
                    .iter()
                    .map(|(k, _)| key_width(k))
                    .max()
                    .unwrap_or(0);
                for (k, v) in &rendered {
                    push_indent(out, indent);
                    push_key(out, k, width);
                    out.push_str(" = ");
                    out.push_str(v);
                    out.push('\n');
                }
                prev_was_block = false;
            }
        }
    }
}

/// The printed width of an attribute key (quoted when it is not an identifier).
fn key_width(k: &str) -> usize {
    if is_ident(k) {
        k.chars().count()
    } else {
        key(k).chars().count()
    }
}

/// Writes a key padded to `width` characters.
fn push_key(out: &mut String, k: &str, width: usize) {
    let w = if is_ident(k) {
        out.push_str(k);
        k.chars().count()
    } else {
        let q = key(k);
        out.push_str(&q);
        q.chars().count()
    };
    for _ in w..width {
        out.push(' ');
    }
}

fn push_indent(out: &mut String, indent: usize) {
    for _ in 0..indent {
        out.push_str("  ");
    }
}

fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn key(k: &str) -> String {
    if is_ident(k) { k.to_string() } else { quote(k) }
}

/// A JSON-style quoted HCL string with template markers escaped.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    quote_into(&mut out, s);
    out
}

fn quote_into(out: &mut String, s: &str) {
    out.push('"');
    hclx::push_escaped(out, s, true);
    out.push('"');
}

/// Renders an expression at the given indentation: arrays of simple values on one line,
/// objects and arrays of objects over several lines with aligned keys.
pub fn expr(e: &Expression, indent: usize) -> String {
    match e {
        Expression::String(s) => quote(s),
        Expression::Array(items) if items.is_empty() => "[]".into(),
        Expression::Array(items) => {
            let parts: Vec<String> = items.iter().map(|i| expr(i, indent + 1)).collect();
            let one_line = format!("[{}]", parts.join(", "));
            if !one_line.contains('\n')
                && one_line.len() <= 100
                && !items.iter().any(|i| matches!(i, Expression::Object(_)))
            {
                one_line
            } else {
                let mut s = String::from("[\n");
                for p in parts {
                    push_indent(&mut s, indent + 1);
                    s.push_str(&p);
                    s.push_str(",\n");
                }
                push_indent(&mut s, indent);
                s.push(']');
                s
            }
        }
        Expression::Object(obj) if obj.is_empty() => "{}".into(),
        Expression::Object(obj) => {
            let rendered: Vec<(String, String)> = obj
                .iter()
                .map(|(k, v)| {
                    let k = match k {
                        ObjectKey::Identifier(i) => i.to_string(),
                        ObjectKey::Expression(Expression::String(s)) => key(s),
                        ObjectKey::Expression(other) => format!("({})", expr(other, indent + 1)),
                        _ => hclx::inline(&Expression::Null),
                    };
                    (k, expr(v, indent + 1))
                })
                .collect();
            let mut s = String::from("{\n");
            // Align keys across runs that end after a multi-line value, as for attributes.
            let mut i = 0;
            while i < rendered.len() {
                let start = i;
                while i < rendered.len() {
                    let multi = rendered[i].1.contains('\n');
                    i += 1;
                    if multi {
                        break;
                    }
                }
                let width = rendered[start..i]
                    .iter()
                    .map(|(k, _)| k.chars().count())
                    .max()
                    .unwrap_or(0);
                for (k, v) in &rendered[start..i] {
                    push_indent(&mut s, indent + 1);
                    s.push_str(&format!("{k:width$} = {v}\n"));
                }
            }
            push_indent(&mut s, indent);
            s.push('}');
            s
        }
        Expression::Parenthesis(inner) => format!("({})", expr(inner, indent)),
        // `merge({ … }, c ? { … } : {})` (annotations some of which hold only under a
        // condition of the deployment): one argument a line, objects laid out as objects are.
        Expression::FuncCall(f)
            if f.name.name.as_str() == "merge"
                && f.name.namespace.is_empty()
                && !f.expand_final
                && f.args.iter().any(chooses_object) =>
        {
            let mut s = String::from("merge(\n");
            for a in &f.args {
                push_indent(&mut s, indent + 1);
                match a {
                    Expression::Conditional(c) if chooses_object(a) => s.push_str(&format!(
                        "{} ? {} : {}",
                        hclx::inline(&c.cond_expr),
                        expr(&c.true_expr, indent + 1),
                        expr(&c.false_expr, indent + 1)
                    )),
                    other => s.push_str(&expr(other, indent + 1)),
                }
                s.push_str(",\n");
            }
            push_indent(&mut s, indent);
            s.push(')');
            s
        }
        other => hclx::inline(other),
    }
}

/// A conditional choosing a non-empty object literal.
fn chooses_object(e: &Expression) -> bool {
    let nonempty = |e: &Expression| matches!(e, Expression::Object(o) if !o.is_empty());
    matches!(e, Expression::Conditional(c) if nonempty(&c.true_expr) || nonempty(&c.false_expr))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heredoc_markers_end_their_line() {
        let text = "  values = [\n    <<YAML\na: 1\nYAML,\n    <<-EOT\nb: EOT,\nEOT,\n  ]\n  x = trimspace(<<EOT\nhi\nEOTX)\nEOT)\n  y = <<EOF\nz\nEOF\n";
        assert_eq!(
            close_heredocs(text),
            "  values = [\n    <<YAML\na: 1\nYAML\n    ,\n    <<-EOT\nb: EOT,\nEOT\n    ,\n  ]\n  x = trimspace(<<EOT\nhi\nEOTX)\nEOT\n  )\n  y = <<EOF\nz\nEOF\n"
        );
        assert_eq!(close_heredocs("a = \"<<b\"\n"), "a = \"<<b\"\n");
    }
    use crate::out::OutBody;

    #[test]
    fn aligns_attribute_runs_like_tofu_fmt() {
        let mut b = OutBody::new();
        b.set("name", Expression::String("x".into()));
        b.set("node_count", Expression::Number(2.into()));
        b.block("versioning").set("enabled", Expression::Bool(true));
        b.set(
            "tags",
            Expression::Array(vec![Expression::String("a".into())]),
        );
        let text = file(&[OutBlock {
            ident: "resource".into(),
            labels: vec!["t".into(), "n".into()],
            body: b,
        }]);
        assert_eq!(
            text,
            "resource \"t\" \"n\" {\n  name       = \"x\"\n  node_count = 2\n\n  versioning {\n    enabled = true\n  }\n\n  tags = [\"a\"]\n}\n"
        );
    }

    #[test]
    fn objects_are_multi_line_with_aligned_keys() {
        let e: Expression = hcl::parse("x = { a = 1, bbb = \"two\" }")
            .expect("parses")
            .attributes()
            .next()
            .expect("attr")
            .expr()
            .clone();
        assert_eq!(expr(&e, 0), "{\n  a   = 1\n  bbb = \"two\"\n}");
    }
}
