//! Source locations: every diagnostic points at `file:line:col`.

use serde::{Deserialize, Serialize};

/// A position in an origin file. Lines and columns are 1-based; columns count characters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Default)]
pub struct Loc {
    pub file: String,
    pub line: u32,
    pub col: u32,
}

impl Loc {
    pub fn new(file: impl Into<String>, line: u32, col: u32) -> Self {
        Loc {
            file: file.into(),
            line,
            col,
        }
    }
    /// The start of a file, for problems that concern the file as a whole.
    pub fn file(file: impl Into<String>) -> Self {
        Loc::new(file, 1, 1)
    }
}

impl std::fmt::Display for Loc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.col)
    }
}

/// Maps byte offsets of one file to line/column positions.
#[derive(Debug)]
pub struct LineIndex<'a> {
    file: &'a str,
    text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(file: &'a str, text: &'a str) -> Self {
        // memchr reads a word (natively a vector) at a time; `match_indices('\n')` and a
        // byte loop cost several instructions per byte.
        let mut line_starts = Vec::with_capacity(text.len() / 32 + 1);
        line_starts.push(0);
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex {
            file,
            text,
            line_starts,
        }
    }

    pub fn loc(&self, offset: usize) -> Loc {
        let offset = offset.min(self.text.len());
        let line = self
            .line_starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let start = self.line_starts[line];
        let col = self
            .text
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(0);
        Loc::new(self.file, line as u32 + 1, col as u32 + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_lines_and_columns() {
        let idx = LineIndex::new("a.tf", "ab\ncdé\nf");
        assert_eq!(idx.loc(0).to_string(), "a.tf:1:1");
        assert_eq!(idx.loc(4).to_string(), "a.tf:2:2");
        assert_eq!(idx.loc(8).to_string(), "a.tf:3:1");
        assert_eq!(idx.loc(999).to_string(), "a.tf:3:2");
    }
}
