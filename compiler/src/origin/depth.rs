//! How deep a file would make a recursive parser go, measured before `hcl-edit` reads it.
//!
//! Both of Ferry's HCL parsers recurse: into brackets, into the operand of a unary operator
//! (`!!!!a`), into the branches of a conditional (`a ? b : c ? d : …`). A hostile file of a few
//! megabytes can nest a million levels and overflow the stack, which no diagnostic survives.
//! The fast parser counts its own depth ([`super::fast::parse_checked`]); `hcl-edit` cannot, so
//! this scan bounds what it would see first, without parsing:
//!
//! * every bracket opens a level (as before, inside strings too: conservative);
//! * a run of unary operators (`!` not followed by `=`, `-`), with only spaces between them,
//!   adds one level each;
//! * each `?` adds a level until the end of the list element, object entry or top-level line it
//!   sits in (a `,`, the closing bracket, or a newline at the top level or directly inside braces).
//!
//! Comments and the text of strings and heredocs are skipped (a `----` banner or a URL's `?` is no
//! operator); the interpolations inside them are scanned as code. Real Terraform stays far
//! below [`MAX_NESTING`] by every measure.

use super::MAX_NESTING;

/// What an open level is.
#[derive(Clone, Copy, PartialEq)]
enum Level<'a> {
    /// `(`, `[` or `{`.
    Bracket(u8),
    /// `${` inside a template text: the text resumes at the interpolation's `}`.
    Interpolation(Text<'a>),
}

/// Template text, scanned up to its end or its next interpolation.
#[derive(Clone, Copy, PartialEq)]
enum Text<'a> {
    /// A quoted string: ends at its closing quote (malformed: at the end of the line).
    Quoted,
    /// A heredoc: ends at a line holding only its delimiter.
    Heredoc(&'a str),
    /// A whole template file (`templatefile()`): ends with the text.
    File,
}

/// The offset where a template file's interpolations nest deeper than [`MAX_NESTING`], if
/// they do (what hcl-edit would recurse into when it reads the template).
pub fn template_too_deep(text: &str) -> Option<usize> {
    scan(text, Some(Text::File))
}

/// The offset where the nesting first exceeds [`MAX_NESTING`], if it does.
pub fn too_deep(text: &str) -> Option<usize> {
    scan(text, None)
}

/// [`too_deep`] of a file of HCL (`within` `None`) or of template text.
fn scan(text: &str, within: Option<Text<'_>>) -> Option<usize> {
    let b = text.as_bytes();
    // Open levels, with the `?` count of each; `top` counts the top level's.
    let mut levels: Vec<(Level<'_>, usize)> = Vec::new();
    let mut top = 0usize;
    let mut run = 0usize;
    let mut i = 0usize;
    if let Some(t) = within {
        match text_end(text, 0, t) {
            TextEnd::Interpolation(at) => {
                levels.push((Level::Interpolation(t), 0));
                i = at + 2;
            }
            TextEnd::Closed(_) => return None,
        }
    }
    let deep = |levels: &Vec<(Level<'_>, usize)>, top: usize, run: usize| {
        levels.len() + top + levels.iter().map(|l| l.1).sum::<usize>() + run > MAX_NESTING
    };
    while i < b.len() {
        let c = b[i];
        match c {
            b'#' => {
                i = line_end(b, i);
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i = line_end(b, i);
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = text[i + 2..].find("*/").map_or(b.len(), |e| i + 2 + e + 2);
                continue;
            }
            b'"' | b'<' => {
                run = 0;
                let (end, within) = if c == b'"' {
                    (text_end(text, i + 1, Text::Quoted), Text::Quoted)
                } else if let Some((start, delim)) = heredoc_start(text, i) {
                    let t = Text::Heredoc(delim);
                    (text_end(text, start, t), t)
                } else {
                    i += 1;
                    continue;
                };
                i = match end {
                    // Inside an interpolation: scan it as code.
                    TextEnd::Interpolation(at) => {
                        levels.push((Level::Interpolation(within), 0));
                        if deep(&levels, top, 0) {
                            return Some(at);
                        }
                        at + 2
                    }
                    TextEnd::Closed(after) => after,
                };
                continue;
            }
            b'(' | b'[' | b'{' => {
                run = 0;
                levels.push((Level::Bracket(c), 0));
                if deep(&levels, top, 0) {
                    return Some(i);
                }
            }
            b')' | b']' => {
                run = 0;
                levels.pop();
            }
            b'}' => {
                run = 0;
                if let Some((Level::Interpolation(within), _)) = levels.pop() {
                    // Back inside the string or heredoc the interpolation was in.
                    i = match text_end(text, i + 1, within) {
                        TextEnd::Interpolation(at) => {
                            levels.push((Level::Interpolation(within), 0));
                            at + 2
                        }
                        TextEnd::Closed(after) => after,
                    };
                    continue;
                }
            }
            b'?' => {
                run = 0;
                match levels.last_mut() {
                    Some(l) => l.1 += 1,
                    None => top += 1,
                }
                if deep(&levels, top, 0) {
                    return Some(i);
                }
            }
            b',' => {
                run = 0;
                if let Some(l) = levels.last_mut() {
                    l.1 = 0;
                }
            }
            b'\n' => match levels.last_mut() {
                None => top = 0,
                Some((Level::Bracket(b'{'), n)) => *n = 0,
                _ => {}
            },
            b'!' if b.get(i + 1) != Some(&b'=') => {
                run += 1;
                if deep(&levels, top, run) {
                    return Some(i);
                }
            }
            b'-' => {
                run += 1;
                if deep(&levels, top, run) {
                    return Some(i);
                }
            }
            b' ' | b'\t' | b'\r' => {}
            _ => run = 0,
        }
        i += 1;
    }
    None
}

/// The offset of the newline ending the line that `i` is on (or the end of the text).
fn line_end(b: &[u8], i: usize) -> usize {
    b[i..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(b.len(), |p| i + p)
}

enum TextEnd {
    /// The offset just after the closing quote or delimiter line (or the end of the text).
    Closed(usize),
    /// The offset of a `${` that opens an interpolation.
    Interpolation(usize),
}

/// Scans template text from `i` to its end or its next interpolation.
fn text_end(text: &str, mut i: usize, within: Text<'_>) -> TextEnd {
    let b = text.as_bytes();
    let quoted = within == Text::Quoted;
    while i < b.len() {
        if let Text::Heredoc(d) = within
            && i > 0
            && b[i - 1] == b'\n'
        {
            let line = &text[i..line_end(b, i)];
            if line.trim() == d {
                return TextEnd::Closed((i + line.len() + 1).min(b.len()));
            }
        }
        match b[i] {
            b'\\' if quoted => i += 2,
            b'"' | b'\n' if quoted => return TextEnd::Closed(i + 1),
            b'$' | b'%' if b.get(i + 1) == Some(&b[i]) && b.get(i + 2) == Some(&b'{') => i += 3,
            b'$' if b.get(i + 1) == Some(&b'{') => return TextEnd::Interpolation(i),
            _ => i += 1,
        }
    }
    TextEnd::Closed(b.len())
}

/// Where the text of a heredoc starting at `i` (`<<ID` or `<<-ID`, then a newline) begins, and
/// its delimiter; `None` when `i` does not start one.
fn heredoc_start(text: &str, i: usize) -> Option<(usize, &str)> {
    let rest = text.get(i + 2..)?;
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    let id_len = rest
        .bytes()
        .position(|c| !(c.is_ascii_alphanumeric() || c == b'_'))
        .unwrap_or(rest.len());
    let (id, after) = rest.split_at(id_len);
    if id.is_empty() || !after.starts_with('\n') {
        return None;
    }
    Some((text.len() - after.len() + 1, id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_terraform_is_never_too_deep() {
        let banner = format!("# {}\n", "-".repeat(400));
        let cases = [
            "locals {\n  a = [for x in var.l : x ? 1 : 2]\n}\n".to_string(),
            format!(
                "{banner}x = \"{}\"\ny = <<EOT\n{}\n???\nEOT\n",
                "-".repeat(300),
                "!".repeat(300)
            ),
            format!("x = \"https://a/b?c=d&{}\"\n", "?e".repeat(200)),
            format!(
                "locals {{\n{}}}\n",
                (0..300)
                    .map(|i| format!("  a{i} = var.x ? {i} : -{i}\n"))
                    .collect::<String>()
            ),
            format!(
                "x = [{}]\n",
                (0..300).map(|_| "a ? 1 : 2").collect::<Vec<_>>().join(", ")
            ),
            format!("x = \"${{a ? b : c}}-{}\"\n", "-".repeat(200)),
            format!(
                "x = <<EOT\n{}${{a}}{}\n  EOT\ny = {}\n",
                "-".repeat(200),
                "?".repeat(200),
                "[1]"
            ),
        ];
        for text in &cases {
            assert_eq!(too_deep(text), None, "{text}");
        }
    }

    #[test]
    fn hostile_chains_and_brackets_are_caught() {
        let n = MAX_NESTING + 10;
        let cases = [
            format!("x = {}a\n", "!".repeat(n)),
            format!("x = {}1\n", "- ".repeat(n)),
            format!("x = {}c\n", "a ? b : ".repeat(n)),
            format!("x = (\n{}c)\n", "a ? b :\n".repeat(n)),
            format!("x = \"${{{}a}}\"\n", "!".repeat(n)),
            format!("x = {}1{}\n", "[".repeat(n), "]".repeat(n)),
            format!("x = \"${{\"${{{}\"\n", "(".repeat(n)),
            format!(
                "x = <<-EOT\n  a ${{b}} c\n  ${{{}a}}\n  EOT\n",
                "!".repeat(n)
            ),
        ];
        for text in &cases {
            assert!(too_deep(text).is_some(), "{text}");
        }
        let template = format!("{{\"a\": \"${{x}}\", \"b\": ${{{}y}}}}", "!".repeat(n));
        assert!(template_too_deep(&template).is_some());
        assert_eq!(
            template_too_deep("{\"a\": \"${x ? 1 : 2}\", \"b\": \"----\"}"),
            None
        );
    }
}
