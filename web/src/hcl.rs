//! A small HCL syntax highlighter: Terraform text → HTML with `<span class="tk-…">` tokens.
//!
//! It is line-oriented and forgiving (it never fails, unknown characters are passed through
//! escaped) and keeps state across lines only for block comments, heredocs and strings that
//! span an interpolation. It is fast enough to run on every compile of a large stack: one pass,
//! one output `String`.

/// Token classes, as CSS classes in `style.css`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tok {
    Comment,
    Keyword,
    BlockType,
    Attr,
    Str,
    Interp,
    Number,
    Literal,
    Func,
    Heredoc,
}

impl Tok {
    fn class(self) -> &'static str {
        match self {
            Tok::Comment => "tk-c",
            Tok::Keyword => "tk-k",
            Tok::BlockType => "tk-b",
            Tok::Attr => "tk-a",
            Tok::Str => "tk-s",
            Tok::Interp => "tk-i",
            Tok::Number => "tk-n",
            Tok::Literal => "tk-l",
            Tok::Func => "tk-f",
            Tok::Heredoc => "tk-h",
        }
    }
}

const BLOCK_KEYWORDS: &[&str] = &[
    "resource",
    "data",
    "variable",
    "output",
    "locals",
    "module",
    "provider",
    "terraform",
    "required_providers",
    "backend",
    "moved",
    "import",
    "check",
    "dynamic",
    "content",
    "lifecycle",
];
const EXPR_KEYWORDS: &[&str] = &["for", "in", "if", "else", "endif", "endfor"];
const LITERALS: &[&str] = &["true", "false", "null"];

/// Escapes text for HTML element content.
pub fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
}

pub fn escape(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    escape_into(&mut s, text);
    s
}

fn span(out: &mut String, tok: Tok, text: &str) {
    if text.is_empty() {
        return;
    }
    out.push_str("<span class=\"");
    out.push_str(tok.class());
    out.push_str("\">");
    escape_into(out, text);
    out.push_str("</span>");
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    Code,
    BlockComment,
    Heredoc { marker: String },
}

/// Highlights a whole file. Newlines are kept, so the result goes into a `<pre>`.
pub fn highlight(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let mut state = State::Code;
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        state = highlight_line(&mut out, line, state);
    }
    out
}

fn highlight_line(out: &mut String, line: &str, state: State) -> State {
    match state {
        State::Heredoc { marker } => {
            if line.trim() == marker {
                span(out, Tok::Heredoc, line);
                State::Code
            } else {
                span(out, Tok::Str, line);
                State::Heredoc { marker }
            }
        }
        State::BlockComment => match line.find("*/") {
            Some(end) => {
                span(out, Tok::Comment, &line[..end + 2]);
                code(out, &line[end + 2..])
            }
            None => {
                span(out, Tok::Comment, line);
                State::BlockComment
            }
        },
        State::Code => code(out, line),
    }
}

/// Highlights code from the start of `s` to the end of the line.
fn code(out: &mut String, s: &str) -> State {
    let bytes = s.as_bytes();
    let mut i = 0;
    // Whether only whitespace precedes `i` on this line (block keywords start a line).
    let mut line_start = true;
    while i < bytes.len() {
        let c = bytes[i];
        let rest = &s[i..];
        if c == b'#' || rest.starts_with("//") {
            span(out, Tok::Comment, rest);
            return State::Code;
        }
        if let Some(body) = rest.strip_prefix("/*") {
            return match body.find("*/") {
                Some(end) => {
                    span(out, Tok::Comment, &rest[..end + 4]);
                    code(out, &rest[end + 4..])
                }
                None => {
                    span(out, Tok::Comment, rest);
                    State::BlockComment
                }
            };
        }
        if let Some(after) = rest.strip_prefix("<<") {
            let m = after.strip_prefix('-').unwrap_or(after);
            let marker: String = m
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !marker.is_empty() {
                span(out, Tok::Heredoc, rest);
                return State::Heredoc { marker };
            }
        }
        if c == b'"' {
            let end = string_end(s, i);
            string(out, &s[i..end]);
            i = end;
            line_start = false;
            continue;
        }
        if c.is_ascii_digit() {
            let end = i + rest
                .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '.'))
                .unwrap_or(rest.len());
            span(out, Tok::Number, &s[i..end]);
            i = end;
            line_start = false;
            continue;
        }
        if c.is_ascii_alphabetic() || c == b'_' {
            let len = rest
                .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_' || ch == '-'))
                .unwrap_or(rest.len());
            let word = &s[i..i + len];
            let after = s[i + len..].trim_start();
            let tok = if line_start && BLOCK_KEYWORDS.contains(&word) {
                Some(Tok::Keyword)
            } else if LITERALS.contains(&word) {
                Some(Tok::Literal)
            } else if EXPR_KEYWORDS.contains(&word) {
                Some(Tok::Keyword)
            } else if after.starts_with('(') {
                Some(Tok::Func)
            } else if line_start && (after.starts_with('=') && !after.starts_with("==")) {
                Some(Tok::Attr)
            } else if line_start && (after.starts_with('{') || after.starts_with('"')) {
                Some(Tok::BlockType)
            } else {
                None
            };
            match tok {
                Some(t) => span(out, t, word),
                None => escape_into(out, word),
            }
            i += len;
            line_start = false;
            continue;
        }
        // Any other character (whitespace, punctuation, non-ASCII): copy it.
        let ch_len = rest.chars().next().map(char::len_utf8).unwrap_or(1);
        if !c.is_ascii_whitespace() {
            line_start = false;
        }
        escape_into(out, &s[i..i + ch_len]);
        i += ch_len;
    }
    State::Code
}

/// The end (exclusive) of the string literal starting at `start` (a `"`), on this line.
/// Interpolations may contain quotes (`"${lookup(m, "k")}"`).
fn string_end(s: &str, start: usize) -> usize {
    let bytes = s.as_bytes();
    let mut i = start + 1;
    let mut depth = 0usize;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'$' | b'%' if bytes.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 1;
            }
            b'{' if depth > 0 => depth += 1,
            b'}' if depth > 0 => depth -= 1,
            b'"' if depth == 0 => return i + 1,
            b'"' => {
                // A nested string inside an interpolation.
                i = string_end(s, i);
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    bytes.len()
}

/// A string literal with its `${…}` interpolations marked.
fn string(out: &mut String, lit: &str) {
    let bytes = lit.as_bytes();
    let mut seg = 0;
    let mut i = 0;
    while i < bytes.len() {
        if (bytes[i] == b'$' || bytes[i] == b'%') && bytes.get(i + 1) == Some(&b'{') && i > 0 {
            span(out, Tok::Str, &lit[seg..i]);
            let mut depth = 0usize;
            let mut j = i + 1;
            while j < bytes.len() {
                match bytes[j] {
                    b'{' => depth += 1,
                    b'}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            let end = (j + 1).min(bytes.len());
            span(out, Tok::Interp, &lit[i..end]);
            i = end;
            seg = end;
            continue;
        }
        i += 1;
    }
    span(out, Tok::Str, &lit[seg..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_a_resource() {
        let html = highlight(
            "resource \"digitalocean_vpc\" \"main\" {\n  name = \"app-${var.instance_id}\" # x\n  count = 2\n}",
        );
        assert!(html.starts_with("<span class=\"tk-k\">resource</span>"));
        assert!(html.contains("<span class=\"tk-s\">&quot;digitalocean_vpc&quot;</span>"));
        assert!(html.contains("<span class=\"tk-a\">name</span>"));
        assert!(html.contains("<span class=\"tk-i\">${var.instance_id}</span>"));
        assert!(html.contains("<span class=\"tk-c\"># x</span>"));
        assert!(html.contains("<span class=\"tk-n\">2</span>"));
        assert_eq!(html.matches('\n').count(), 3);
    }

    #[test]
    fn keeps_state_across_lines() {
        let html = highlight("a = <<EOT\n<b>\nEOT\n/* x\ny */ b = 1");
        assert!(html.contains("<span class=\"tk-s\">&lt;b&gt;</span>"));
        assert!(html.contains("<span class=\"tk-c\">y */</span>"));
        assert!(html.contains("<span class=\"tk-a\">b</span>"));
    }

    #[test]
    fn nested_quotes_in_interpolations() {
        let html = highlight(r#"x = "${lookup(m, "k")}-y""#);
        assert!(html.contains("tk-i"));
        assert!(html.ends_with("<span class=\"tk-s\">-y&quot;</span>"));
    }

    #[test]
    fn never_panics_on_odd_text() {
        for t in [
            "\"",
            "${",
            "\"${",
            "<<",
            "<<-",
            "/*",
            "é = \"ü${\"",
            "x = \"a\\",
            "1.2.3e",
        ] {
            let _ = highlight(t);
        }
    }
}
