//! Finding a resource's block in Terraform text, for the side-by-side view: the origin block at
//! the report's location, and the emitted blocks of its targets in the deployment stack.

use std::collections::BTreeMap;

/// A block's text and where it starts (1-based line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub file: String,
    pub line: u32,
    pub text: String,
}

/// The block that starts on `line` (1-based) of `text`: from that line to the line holding its
/// closing brace. Strings, interpolations, comments and heredocs are skipped while counting
/// braces. Returns the rest of the file (at most 400 lines) if the block never closes.
pub fn block_at(text: &str, line: u32) -> Option<String> {
    let lines: Vec<&str> = text.split('\n').collect();
    let start = usize::try_from(line).ok()?.checked_sub(1)?;
    if start >= lines.len() {
        return None;
    }
    let mut depth = 0i64;
    let mut opened = false;
    let mut heredoc: Option<String> = None;
    let mut in_comment = false;
    for (i, l) in lines.iter().enumerate().skip(start) {
        if let Some(marker) = &heredoc {
            if l.trim() == marker {
                heredoc = None;
            }
            continue;
        }
        let b = l.as_bytes();
        let mut j = 0;
        let mut in_str = false;
        let mut interp = 0i64;
        while j < b.len() {
            let c = b[j];
            if in_comment {
                if c == b'*' && b.get(j + 1) == Some(&b'/') {
                    in_comment = false;
                    j += 1;
                }
            } else if in_str {
                match c {
                    b'\\' => j += 1,
                    b'$' | b'%' if b.get(j + 1) == Some(&b'{') => {
                        interp += 1;
                        j += 1;
                    }
                    b'}' if interp > 0 => interp -= 1,
                    b'"' if interp == 0 => in_str = false,
                    _ => {}
                }
            } else {
                match c {
                    b'"' => in_str = true,
                    b'#' => break,
                    b'/' if b.get(j + 1) == Some(&b'/') => break,
                    b'/' if b.get(j + 1) == Some(&b'*') => {
                        in_comment = true;
                        j += 1;
                    }
                    b'<' if b.get(j + 1) == Some(&b'<') => {
                        let rest = &l[j + 2..];
                        let rest = rest.strip_prefix('-').unwrap_or(rest);
                        let marker: String = rest
                            .chars()
                            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                            .collect();
                        if !marker.is_empty() {
                            heredoc = Some(marker);
                            break;
                        }
                    }
                    b'{' => {
                        depth += 1;
                        opened = true;
                    }
                    b'}' => depth -= 1,
                    _ => {}
                }
            }
            j += 1;
        }
        if opened && depth <= 0 {
            return Some(lines[start..=i].join("\n"));
        }
        if i - start >= 400 {
            break;
        }
    }
    let end = lines.len().min(start + 400);
    Some(lines[start..end].join("\n"))
}

/// Splits an emitted address (`digitalocean_vpc.main`, `data.digitalocean_x.y`,
/// `modules/app/digitalocean_droplet.app`, `module.x.…`) into (folder prefix, block keyword,
/// type, name).
fn parse_address(address: &str) -> Option<(&str, &str, &str, &str)> {
    let (dir, addr) = match address.rfind('/') {
        Some(i) => (&address[..=i], &address[i + 1..]),
        None => ("", address),
    };
    // Drop a `module.<name>.` path and an index (`x.y[0]`).
    let mut parts: Vec<&str> = addr.split('.').collect();
    while parts.len() > 2 && parts[0] == "module" {
        parts.drain(..2);
    }
    let (kw, ty, name) = match parts.as_slice() {
        ["data", ty, name] => ("data", *ty, *name),
        [ty, name] => ("resource", *ty, *name),
        _ => return None,
    };
    let name = name.split('[').next().unwrap_or(name);
    Some((dir, kw, ty, name))
}

/// The emitted block of `address` in the deployment stack `files`.
pub fn find_emitted(files: &BTreeMap<String, String>, address: &str) -> Option<Block> {
    let (dir, kw, ty, name) = parse_address(address)?;
    let header = format!("{kw} \"{ty}\" \"{name}\"");
    for (path, text) in files {
        let in_dir = path
            .strip_prefix(dir)
            .is_some_and(|rest| !rest.contains('/'));
        if !in_dir || !path.ends_with(".tf") {
            continue;
        }
        for (i, l) in text.split('\n').enumerate() {
            if l.starts_with(&header) {
                let line = u32::try_from(i + 1).ok()?;
                return Some(Block {
                    file: path.clone(),
                    line,
                    text: block_at(text, line)?,
                });
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const TF: &str = r#"# head
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
  tags = { Name = "x-${var.a}}" } # }
  policy = <<EOF
{ "unbalanced": {
EOF
}

resource "aws_subnet" "a" {
  vpc_id = aws_vpc.main.id
}
"#;

    #[test]
    fn finds_the_block_at_a_line() {
        let b = block_at(TF, 2).expect("block");
        assert!(b.starts_with("resource \"aws_vpc\""));
        assert!(b.ends_with("EOF\n}"));
        assert_eq!(block_at(TF, 10).expect("block").lines().count(), 3);
        assert_eq!(block_at(TF, 0), None);
        assert_eq!(block_at(TF, 99), None);
    }

    #[test]
    fn finds_emitted_blocks() {
        let mut files = BTreeMap::new();
        files.insert("main.tf".to_string(), "resource \"digitalocean_vpc\" \"main\" {\n  name = \"a\"\n}\n\ndata \"digitalocean_kubernetes_versions\" \"main\" {\n}\n".to_string());
        files.insert(
            "modules/app/main.tf".to_string(),
            "resource \"digitalocean_droplet\" \"app\" {\n}\n".to_string(),
        );
        let b = find_emitted(&files, "digitalocean_vpc.main").expect("vpc");
        assert_eq!((b.file.as_str(), b.line), ("main.tf", 1));
        assert_eq!(b.text.lines().count(), 3);
        let d = find_emitted(&files, "data.digitalocean_kubernetes_versions.main").expect("data");
        assert_eq!(d.line, 5);
        let m = find_emitted(&files, "modules/app/digitalocean_droplet.app").expect("module");
        assert_eq!(m.file, "modules/app/main.tf");
        assert!(find_emitted(&files, "digitalocean_droplet.app").is_none());
        assert!(find_emitted(&files, "nonsense").is_none());
    }
}
