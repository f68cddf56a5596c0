//! A fast path for reading `.tf` files: a small hand-written parser for the common subset of
//! HCL's native syntax, producing the very `hcl::Body` that `hcl-edit`'s parser followed by
//! `hcl-rs`'s conversion produces, plus the start offsets that diagnostics point at.
//!
//! `hcl-edit` keeps every byte of decoration and reports rich errors, and that costs about
//! 300 instructions per input byte: on a large stack, reading the files took a third of the
//! compile. Ferry needs neither the decoration nor (for files that parse) the error machinery.
//!
//! The rule that keeps this safe: the fast parser either returns exactly what the full parser
//! would, or gives up (`None`), and the caller parses the file with `hcl-edit` as before. The
//! subset covers what real stacks are made of: blocks (single-line ones too), attributes,
//! literals, templates, heredocs, operators, conditionals, calls (with `...`), traversals with
//! splats and legacy indexes, and `for` expressions. It gives up on template directives and
//! strip markers, escapes other than the simple ones, comments inside expressions, carriage
//! returns, non-ASCII identifiers, duplicate keys, and on anything malformed, so errors are
//! always reported by `hcl-edit`. Tests (`fast_parser_agrees_*`) compare both parsers on every
//! file of the corpus and the examples and on each construct.
//!
//! Templates: `hcl-rs` keeps a quoted template or a heredoc as the text `hcl-edit` prints for
//! it, which is the source text itself — literal parts with their escapes decoded (markers left
//! escaped), interpolations exactly as written, spaces included. So the fast parser copies
//! interpolations from the source instead of printing them; inside one it gives up on what
//! `hcl-edit` would print differently from the source (object literals, `for` expressions,
//! heredocs). An indented heredoc (`<<-`) is dedented the way `hcl-edit` does it.

use hcl::expr::{
    BinaryOp, BinaryOperator, Conditional, Expression, ForExpr, FuncCall, FuncName, Heredoc,
    HeredocStripMode, Object, ObjectKey, TemplateExpr, Traversal, TraversalOperator, UnaryOp,
    UnaryOperator, Variable,
};
use hcl::template::{Element, Interpolation, Strip, Template};
use hcl::{Attribute, Block, BlockLabel, Body, Identifier, Structure};

/// Start offsets of what [`super::collect_spans`] records: each top-level block with the first
/// offset of each attribute or nested block name inside it, and each top-level attribute.
#[derive(Debug, Default)]
pub struct Offsets {
    pub blocks: Vec<(usize, Vec<(String, usize)>)>,
    pub attrs: Vec<usize>,
}

/// Parses a whole file, or `None` when the file is outside the fast subset (or malformed).
pub fn parse(text: &str) -> Option<(Body, Offsets)> {
    parse_checked(text).ok()
}

/// Why the fast parser did not read a file.
#[derive(Debug, PartialEq, Eq)]
pub enum GiveUp {
    /// Outside the subset, or malformed: the full parser decides.
    Outside,
    /// Brackets, blocks, unary operators or conditionals nest deeper than
    /// [`super::MAX_NESTING`] at this offset: no parser should recurse into it.
    TooDeep(usize),
}

/// [`parse`], telling a file that nests too deep from one outside the subset.
pub fn parse_checked(text: &str) -> Result<(Body, Offsets), GiveUp> {
    if text.contains('\r') {
        return Err(GiveUp::Outside);
    }
    let mut p = Parser::new(text);
    let (mut starts, mut inner) = (Vec::new(), Vec::new());
    let body = p.body(true, &mut starts, &mut inner);
    let body = match (body, p.too_deep) {
        (_, Some(at)) => return Err(GiveUp::TooDeep(at)),
        (None, None) => return Err(GiveUp::Outside),
        (Some(body), None) => body,
    };
    if p.i != p.s.len() {
        return Err(GiveUp::Outside);
    }
    let mut offsets = Offsets::default();
    let mut inner = inner.into_iter();
    for (s, start) in body.iter().zip(starts) {
        match s {
            Structure::Attribute(_) => offsets.attrs.push(start),
            Structure::Block(b) => {
                let child = inner.next().ok_or(GiveUp::Outside)?;
                let mut first: Vec<(String, usize)> = Vec::new();
                for (c, at) in b.body.iter().zip(child) {
                    let name = match c {
                        Structure::Attribute(a) => a.key.as_str(),
                        Structure::Block(b) => b.identifier.as_str(),
                    };
                    if !first.iter().any(|(k, _)| k == name) {
                        first.push((name.to_string(), at));
                    }
                }
                offsets.blocks.push((start, first));
            }
        }
    }
    Ok((body, offsets))
}

struct Parser<'a> {
    s: &'a [u8],
    text: &'a str,
    i: usize,
    /// Inside an interpolation of a template whose text is copied from the source.
    in_template: u32,
    /// Nested blocks and expression operands open now (see [`Parser::enter`]).
    depth: usize,
    /// Where the nesting first went past [`super::MAX_NESTING`].
    too_deep: Option<usize>,
}

/// Parses template text (what `hcl::Template::from_str` reads: the inside of a quoted template
/// or a heredoc, where backslashes are not escapes) into the very `Template` that
/// `hcl::Template::from_str` gives, or `None` when it is outside the subset: directives, strip
/// markers, escaped markers (`$${`, `%%{`), carriage returns.
pub fn template(text: &str) -> Option<Template> {
    let mut p = Parser::new(text);
    let mut elements: Vec<Element> = Vec::new();
    let mut start = 0;
    while let Some(c) = p.peek() {
        match c {
            b'$' | b'%' if p.peek_at(1) == Some(b'{') => {
                if c == b'%' || (p.i > 0 && p.s[p.i - 1] == c) {
                    return None;
                }
                if p.i > start {
                    elements.push(Element::Literal(text[start..p.i].to_string()));
                }
                let expr = p.interpolation()?;
                elements.push(Element::Interpolation(Interpolation {
                    expr,
                    strip: Strip::None,
                }));
                start = p.i;
            }
            b'\r' => return None,
            _ => p.i += 1,
        }
    }
    if p.i > start {
        elements.push(Element::Literal(text[start..p.i].to_string()));
    }
    Some(Template::from_iter(elements))
}

/// Operator precedence, highest binds tightest (as in HCL's specification and `hcl-edit`).
fn precedence(op: BinaryOperator) -> u8 {
    use BinaryOperator::*;
    match op {
        Mul | Div | Mod => 6,
        Plus | Minus => 5,
        Less | LessEq | Greater | GreaterEq => 4,
        Eq | NotEq => 3,
        And => 2,
        Or => 1,
    }
}

/// Whether `c` may continue an identifier (ASCII; other bytes make the caller give up).
fn ident_continue(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Self {
        Parser {
            s: text.as_bytes(),
            text,
            i: 0,
            in_template: 0,
            depth: 0,
            too_deep: None,
        }
    }

    /// One level deeper (a nested block, an expression, or an operand: every bracket, unary
    /// operator and conditional branch passes through [`Parser::expr`] or [`Parser::unary`]); `false`, recording where, past
    /// [`super::MAX_NESTING`]. The caller gives up, and calls [`Parser::leave`] otherwise.
    fn enter(&mut self) -> bool {
        if self.depth >= super::MAX_NESTING {
            self.too_deep.get_or_insert(self.i);
            return false;
        }
        self.depth += 1;
        true
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    /// The keyword `kw` followed by a character that cannot continue it; consumed if there.
    fn keyword(&mut self, kw: &[u8]) -> bool {
        let ok = self.starts_with(kw)
            && !matches!(self.peek_at(kw.len()), Some(c) if ident_continue(c) || c >= 0x80);
        if ok {
            self.i += kw.len();
        }
        ok
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn peek_at(&self, n: usize) -> Option<u8> {
        self.s.get(self.i + n).copied()
    }

    fn starts_with(&self, pat: &[u8]) -> bool {
        self.s[self.i..].starts_with(pat)
    }

    /// Spaces and tabs.
    fn sp(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.i += 1;
        }
    }

    /// A `#` or `//` comment up to (not including) the end of the line.
    fn line_comment(&mut self) -> bool {
        if self.peek() == Some(b'#') || self.starts_with(b"//") {
            self.i = memchr::memchr(b'\n', &self.s[self.i..]).map_or(self.s.len(), |n| self.i + n);
            true
        } else {
            false
        }
    }

    /// A `/* … */` comment; `None` when unterminated.
    fn block_comment(&mut self) -> Option<bool> {
        if !self.starts_with(b"/*") {
            return Some(false);
        }
        let end = self.text[self.i + 2..].find("*/")?;
        self.i += 2 + end + 2;
        Some(true)
    }

    /// Whitespace, newlines and comments of every kind.
    fn ws(&mut self) -> Option<()> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\n') => self.i += 1,
                Some(b'#') => {
                    self.line_comment();
                }
                Some(b'/') if self.peek_at(1) == Some(b'/') => {
                    self.line_comment();
                }
                Some(b'/') if self.peek_at(1) == Some(b'*') => {
                    self.block_comment()?;
                }
                _ => return Some(()),
            }
        }
    }

    /// Whitespace inside an expression: newlines too where the expression is nested in
    /// brackets, else spaces only. Comments inside expressions are left to the full parser.
    fn expr_ws(&mut self, multiline: bool) {
        if multiline {
            while matches!(self.peek(), Some(b' ' | b'\t' | b'\n')) {
                self.i += 1;
            }
        } else {
            self.sp();
        }
    }

    fn ident(&mut self) -> Option<&'a str> {
        let start = self.i;
        match self.peek() {
            Some(c) if c.is_ascii_alphabetic() || c == b'_' => self.i += 1,
            _ => return None,
        }
        while matches!(self.peek(), Some(c) if c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
        {
            self.i += 1;
        }
        // A non-ASCII character continuing an identifier: not in the subset.
        if matches!(self.peek(), Some(c) if c >= 0x80) {
            return None;
        }
        Some(&self.text[start..self.i])
    }

    /// The end of a structure: spaces, an optional line comment, then a newline or the end.
    fn end_of_line(&mut self) -> Option<()> {
        self.sp();
        if self.starts_with(b"/*") {
            return None;
        }
        self.line_comment();
        match self.peek() {
            None => Some(()),
            Some(b'\n') => {
                self.i += 1;
                Some(())
            }
            _ => None,
        }
    }

    /// A body: structures up to the end of input (`top`) or up to a `}` (left unconsumed).
    /// The start of each structure goes to `starts`; at the top, the starts of the structures
    /// inside each block go to `inner`, one list per block.
    fn body(
        &mut self,
        top: bool,
        starts: &mut Vec<usize>,
        inner: &mut Vec<Vec<usize>>,
    ) -> Option<Body> {
        let mut structures: Vec<Structure> = Vec::new();
        loop {
            self.ws()?;
            match self.peek() {
                None if top => break,
                Some(b'}') if !top => break,
                None | Some(b'}') => return None,
                _ => {}
            }
            let start = self.i;
            let ident = self.ident()?;
            self.sp();
            match self.peek()? {
                b'=' => {
                    // A duplicate key is left to the full parser (checked against the
                    // attributes so far: no list of keys to allocate per body).
                    let duplicate = structures
                        .iter()
                        .any(|s| matches!(s, Structure::Attribute(a) if a.key.as_str() == ident));
                    if self.peek_at(1) == Some(b'=') || duplicate {
                        return None;
                    }
                    self.i += 1;
                    self.sp();
                    let expr = self.expr(false)?;
                    self.end_of_line()?;
                    starts.push(start);
                    structures.push(Structure::Attribute(Attribute {
                        key: Identifier::unchecked(ident),
                        expr,
                    }));
                }
                _ => {
                    let mut labels = Vec::new();
                    loop {
                        match self.peek()? {
                            b'"' => {
                                let s = self.plain_string()?;
                                labels.push(BlockLabel::String(s));
                            }
                            b'{' => break,
                            _ => {
                                let l = self.ident()?;
                                labels.push(BlockLabel::Identifier(Identifier::unchecked(l)));
                            }
                        }
                        self.sp();
                    }
                    self.i += 1; // `{`
                    self.sp();
                    let mut child = Vec::new();
                    let body = if self.peek() == Some(b'}') {
                        Body(Vec::new())
                    } else if matches!(self.peek(), Some(c) if c.is_ascii_alphabetic() || c == b'_')
                    {
                        // A single-line block: one attribute (all that HCL allows there).
                        let at = self.i;
                        let key = self.ident()?;
                        self.sp();
                        if self.peek() != Some(b'=') || self.peek_at(1) == Some(b'=') {
                            return None;
                        }
                        self.i += 1;
                        self.sp();
                        let expr = self.expr(false)?;
                        self.sp();
                        child.push(at);
                        Body(vec![Structure::Attribute(Attribute {
                            key: Identifier::unchecked(key),
                            expr,
                        })])
                    } else {
                        // A multi-line block: the rest of the line is empty.
                        if self.starts_with(b"/*") {
                            return None;
                        }
                        self.line_comment();
                        if self.peek() != Some(b'\n') {
                            return None;
                        }
                        if !self.enter() {
                            return None;
                        }
                        let body = self.body(false, &mut child, &mut Vec::new());
                        self.leave();
                        let body = body?;
                        // The closing brace stands on a line of its own.
                        let before = &self.text[..self.i];
                        let line_start = before.rfind('\n').map(|p| p + 1).unwrap_or(0);
                        if !before[line_start..]
                            .bytes()
                            .all(|c| c == b' ' || c == b'\t')
                        {
                            return None;
                        }
                        body
                    };
                    if self.peek() != Some(b'}') {
                        return None;
                    }
                    self.i += 1;
                    self.end_of_line()?;
                    starts.push(start);
                    if top {
                        inner.push(child);
                    }
                    structures.push(Structure::Block(Block {
                        identifier: Identifier::unchecked(ident),
                        labels,
                        body,
                    }));
                }
            }
        }
        Some(Body(structures))
    }

    // ---- expressions -----------------------------------------------------------------------

    /// An expression: terms joined by binary operators, optionally a conditional (whose
    /// branches nest: one level each, see [`Parser::enter`]).
    fn expr(&mut self, multiline: bool) -> Option<Expression> {
        if !self.enter() {
            return None;
        }
        let e = self.conditional(multiline);
        self.leave();
        e
    }

    fn conditional(&mut self, multiline: bool) -> Option<Expression> {
        let first = self.unary(multiline)?;
        let save = self.i;
        self.expr_ws(multiline);
        let spaced = self.i;
        let cond = match self.binary_operator() {
            None => {
                self.i = save;
                first
            }
            Some(op) => {
                self.operator_space(save, spaced)?;
                self.binary(first, op, multiline)?
            }
        };
        let save = self.i;
        self.expr_ws(multiline);
        if self.peek() == Some(b'?') {
            self.i += 1;
            self.expr_ws(multiline);
            let t = self.expr(multiline)?;
            self.expr_ws(multiline);
            if self.peek() != Some(b':') {
                return None;
            }
            self.i += 1;
            self.expr_ws(multiline);
            let f = self.expr(multiline)?;
            return Some(Expression::Conditional(Box::new(Conditional::new(
                cond, t, f,
            ))));
        }
        self.i = save;
        self.check_end(multiline)?;
        Some(cond)
    }

    /// The rest of a chain of binary operations after `first op`, by precedence (left
    /// associative).
    fn binary(
        &mut self,
        first: Expression,
        first_op: BinaryOperator,
        multiline: bool,
    ) -> Option<Expression> {
        fn reduce(operands: &mut Vec<Expression>, op: BinaryOperator) -> Option<()> {
            let r = operands.pop()?;
            let l = operands.pop()?;
            operands.push(Expression::Operation(Box::new(
                hcl::expr::Operation::Binary(BinaryOp::new(l, op, r)),
            )));
            Some(())
        }
        let mut operands = vec![first];
        let mut operators: Vec<BinaryOperator> = Vec::new();
        let mut op = first_op;
        loop {
            let before = self.i;
            self.expr_ws(multiline);
            self.operator_space(before, self.i)?;
            let rhs = self.unary(multiline)?;
            while let Some(&top) = operators.last() {
                if precedence(top) < precedence(op) {
                    break;
                }
                operators.pop();
                reduce(&mut operands, top)?;
            }
            operators.push(op);
            operands.push(rhs);
            let save = self.i;
            self.expr_ws(multiline);
            let spaced = self.i;
            match self.binary_operator() {
                Some(next) => {
                    self.operator_space(save, spaced)?;
                    op = next
                }
                None => {
                    self.i = save;
                    break;
                }
            }
        }
        while let Some(top) = operators.pop() {
            reduce(&mut operands, top)?;
        }
        let e = operands.pop()?;
        operands.is_empty().then_some(e)
    }

    /// The whitespace `from..to` beside a binary operator. Inside an interpolation of a
    /// template copied from the source, `hcl-edit` prints a run of whitespace there as one
    /// space: only none or one space reads the same (else give up).
    fn operator_space(&self, from: usize, to: usize) -> Option<()> {
        if self.in_template == 0 {
            return Some(());
        }
        match self.s.get(from..to)? {
            [] | [b' '] => Some(()),
            _ => None,
        }
    }

    /// After an expression: give up when what follows could continue it in a way this parser
    /// does not read.
    fn check_end(&mut self, multiline: bool) -> Option<()> {
        let save = self.i;
        self.expr_ws(multiline);
        let (next, after) = (self.peek(), self.peek_at(1));
        // `...`: the expansion of a call's last argument or a `for` expression's grouping.
        let ellipsis = self.starts_with(b"...");
        self.i = save;
        match next {
            Some(b'.') if ellipsis => Some(()),
            Some(b'.' | b'[' | b'?' | b'!' | b'<' | b'>' | b'+' | b'-' | b'*' | b'%' | b'&')
            | Some(b'|' | b'~') => None,
            Some(b'/') if !matches!(after, Some(b'/' | b'*')) => None,
            Some(b'=') if after == Some(b'=') => None,
            _ => Some(()),
        }
    }

    fn binary_operator(&mut self) -> Option<BinaryOperator> {
        use BinaryOperator::*;
        let (op, len) = match (self.peek()?, self.peek_at(1)) {
            (b'=', Some(b'=')) => (Eq, 2),
            (b'!', Some(b'=')) => (NotEq, 2),
            (b'<', Some(b'=')) => (LessEq, 2),
            (b'>', Some(b'=')) => (GreaterEq, 2),
            (b'&', Some(b'&')) => (And, 2),
            (b'|', Some(b'|')) => (Or, 2),
            (b'<', Some(b'<')) | (b'>', Some(b'>')) => return None,
            (b'<', _) => (Less, 1),
            (b'>', _) => (Greater, 1),
            (b'+', _) => (Plus, 1),
            (b'-', _) => (Minus, 1),
            (b'*', _) => (Mul, 1),
            (b'/', Some(b'/' | b'*')) => return None,
            (b'/', _) => (Div, 1),
            (b'%', _) => (Mod, 1),
            _ => return None,
        };
        self.i += len;
        Some(op)
    }

    fn unary(&mut self, multiline: bool) -> Option<Expression> {
        if !self.enter() {
            return None;
        }
        let e = self.operand(multiline);
        self.leave();
        e
    }

    /// A term, negated or not (see [`Parser::unary`]).
    fn operand(&mut self, multiline: bool) -> Option<Expression> {
        match self.peek()? {
            b'!' => {
                // The operand follows at once (whitespace after `!` is left to the full parser).
                self.i += 1;
                let e = self.unary(multiline)?;
                Some(Expression::Operation(Box::new(
                    hcl::expr::Operation::Unary(UnaryOp::new(UnaryOperator::Not, e)),
                )))
            }
            b'-' => {
                self.i += 1;
                // `-` then a number (spaces between allowed) is a negative number literal.
                let save = self.i;
                self.sp();
                if matches!(self.peek(), Some(b'0'..=b'9')) {
                    return Some(Expression::Number(-self.number()?));
                }
                // Else negation of the term that follows at once (no `--`, `-!`, `- x`).
                self.i = save;
                if matches!(self.peek(), None | Some(b'-' | b'!' | b' ' | b'\t' | b'\n')) {
                    return None;
                }
                let e = self.term(multiline)?;
                Some(Expression::Operation(Box::new(
                    hcl::expr::Operation::Unary(UnaryOp::new(UnaryOperator::Neg, e)),
                )))
            }
            _ => self.term(multiline),
        }
    }

    /// A term with its traversal operators.
    fn term(&mut self, multiline: bool) -> Option<Expression> {
        let base = match self.peek()? {
            b'"' => self.string_expr()?,
            b'[' => self.array()?,
            b'{' => self.object()?,
            b'(' => {
                self.i += 1;
                self.expr_ws(true);
                let inner = self.expr(true)?;
                self.expr_ws(true);
                if self.peek() != Some(b')') {
                    return None;
                }
                self.i += 1;
                Expression::Parenthesis(Box::new(inner))
            }
            b'0'..=b'9' => Expression::Number(self.number()?),
            b'<' if self.starts_with(b"<<") => self.heredoc()?,
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let name = self.ident()?;
                match self.peek() {
                    Some(b'(') => return self.call(name, multiline),
                    Some(b':') if self.peek_at(1) == Some(b':') => return None,
                    _ => {}
                }
                match name {
                    "true" => Expression::Bool(true),
                    "false" => Expression::Bool(false),
                    "null" => Expression::Null,
                    _ => Expression::Variable(Variable::unchecked(name)),
                }
            }
            _ => return None,
        };
        self.traversal(base, multiline)
    }

    fn traversal(&mut self, base: Expression, multiline: bool) -> Option<Expression> {
        let mut ops = Vec::new();
        loop {
            let save = self.i;
            self.expr_ws(multiline);
            // In a template, hcl-edit prints operators without the spaces before them.
            if self.i != save && self.in_template > 0 && matches!(self.peek(), Some(b'.' | b'[')) {
                return None;
            }
            match self.peek() {
                Some(b'.') if self.peek_at(1) != Some(b'.') => {
                    self.i += 1;
                    match self.peek()? {
                        b'*' => {
                            self.i += 1;
                            ops.push(TraversalOperator::AttrSplat);
                        }
                        b'0'..=b'9' => {
                            // A legacy index (`.0`): plain digits, not followed by more.
                            let start = self.i;
                            while matches!(self.peek(), Some(b'0'..=b'9')) {
                                self.i += 1;
                            }
                            let digits = &self.text[start..self.i];
                            if (digits.len() > 1 && digits.starts_with('0'))
                                || matches!(self.peek(), Some(c) if ident_continue(c) || c >= 0x80)
                                || (self.peek() == Some(b'.')
                                    && matches!(self.peek_at(1), Some(b'0'..=b'9')))
                            {
                                return None;
                            }
                            ops.push(TraversalOperator::LegacyIndex(digits.parse().ok()?));
                        }
                        _ => {
                            let name = self.ident()?;
                            ops.push(TraversalOperator::GetAttr(Identifier::unchecked(name)));
                        }
                    }
                }
                Some(b'[') if self.s[self.i..].starts_with(b"[*]") => {
                    self.i += 3;
                    ops.push(TraversalOperator::FullSplat);
                }
                Some(b'[') => {
                    self.i += 1;
                    self.expr_ws(true);
                    if self.peek() == Some(b'*') {
                        return None;
                    }
                    let index = self.expr(true)?;
                    self.expr_ws(true);
                    if self.peek() != Some(b']') {
                        return None;
                    }
                    self.i += 1;
                    ops.push(TraversalOperator::Index(index));
                }
                _ => {
                    self.i = save;
                    break;
                }
            }
        }
        if ops.is_empty() {
            return Some(base);
        }
        // Keywords are not traversable in this subset.
        if matches!(base, Expression::Bool(_) | Expression::Null) {
            return None;
        }
        Some(Expression::Traversal(Box::new(Traversal::new(base, ops))))
    }

    fn call(&mut self, name: &str, _multiline: bool) -> Option<Expression> {
        self.i += 1; // `(`
        let mut args = Vec::new();
        let mut expand_final = false;
        loop {
            self.expr_ws(true);
            if self.peek() == Some(b')') {
                break;
            }
            args.push(self.expr(true)?);
            self.expr_ws(true);
            if self.starts_with(b"...") {
                // The last argument, expanded.
                self.i += 3;
                self.expr_ws(true);
                if self.peek() != Some(b')') {
                    return None;
                }
                expand_final = true;
                break;
            }
            match self.peek()? {
                b',' => self.i += 1,
                b')' => break,
                _ => return None,
            }
        }
        self.i += 1; // `)`
        let call = FuncCall {
            name: FuncName::new(Identifier::unchecked(name)),
            args,
            expand_final,
        };
        self.traversal(Expression::FuncCall(Box::new(call)), _multiline)
    }

    fn array(&mut self) -> Option<Expression> {
        self.i += 1; // `[`
        self.ws_in_brackets()?;
        if self.keyword(b"for") {
            return self.for_expr(b']');
        }
        let mut items = Vec::new();
        loop {
            self.ws_in_brackets()?;
            if self.peek() == Some(b']') {
                break;
            }
            items.push(self.expr(true)?);
            self.ws_in_brackets()?;
            match self.peek()? {
                b',' => self.i += 1,
                b']' => break,
                _ => return None,
            }
        }
        self.i += 1; // `]`
        Some(Expression::Array(items))
    }

    /// Whitespace and line comments between the elements of an array or object.
    fn ws_in_brackets(&mut self) -> Option<()> {
        loop {
            self.expr_ws(true);
            if self.starts_with(b"/*") {
                return None;
            }
            if !self.line_comment() {
                return Some(());
            }
        }
    }

    fn object(&mut self) -> Option<Expression> {
        // Printed differently from the source inside a template (see the module docs).
        if self.in_template > 0 {
            return None;
        }
        self.i += 1; // `{`
        self.ws_in_brackets()?;
        if self.keyword(b"for") {
            return self.for_expr(b'}');
        }
        let mut obj: Object<ObjectKey, Expression> = Object::new();
        loop {
            self.ws_in_brackets()?;
            if self.peek() == Some(b'}') {
                break;
            }
            // Plain identifiers and plain strings; keywords, templates and expressions as keys
            // are left to the full parser.
            let key = match self.peek()? {
                b'"' => match self.string_expr()? {
                    e @ Expression::String(_) => ObjectKey::Expression(e),
                    _ => return None,
                },
                c if c.is_ascii_alphabetic() || c == b'_' => {
                    let name = self.ident()?;
                    if matches!(name, "true" | "false" | "null" | "for") {
                        return None;
                    }
                    ObjectKey::Identifier(Identifier::unchecked(name))
                }
                _ => return None,
            };
            self.sp();
            if self.peek() != Some(b'=') || self.peek_at(1) == Some(b'=') {
                return None;
            }
            self.i += 1;
            // The value starts on the line of its `=` and ends at a line break (inside its own
            // brackets it may span lines).
            self.sp();
            let value = self.expr(false)?;
            if obj.contains_key(&key) {
                return None;
            }
            obj.insert(key, value);
            // Separated by a comma or a newline.
            self.sp();
            if self.starts_with(b"/*") {
                return None;
            }
            self.line_comment();
            match self.peek()? {
                b',' => self.i += 1,
                b'\n' | b'}' => {}
                _ => return None,
            }
        }
        self.i += 1; // `}`
        Some(Expression::Object(obj))
    }

    /// A number literal as `hcl-edit` reads it: an integer that fits a `u64`, else (a fraction,
    /// an exponent or a larger integer) a float.
    fn number(&mut self) -> Option<hcl::Number> {
        let start = self.i;
        let digits = |p: &mut Self| {
            let from = p.i;
            while matches!(p.peek(), Some(b'0'..=b'9')) {
                p.i += 1;
            }
            p.i > from
        };
        digits(self);
        let mut float = false;
        if self.peek() == Some(b'.') && matches!(self.peek_at(1), Some(b'0'..=b'9')) {
            self.i += 1;
            digits(self);
            float = true;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if !digits(self) {
                return None;
            }
            float = true;
        }
        if matches!(self.peek(), Some(c) if ident_continue(c) || c == b'.' || c >= 0x80) {
            return None;
        }
        let text = &self.text[start..self.i];
        match text.parse::<u64>() {
            Ok(n) if !float => Some(hcl::Number::from(n)),
            _ => hcl::Number::from_f64(text.parse().ok()?),
        }
    }

    /// The expression of an interpolation, from `${` to `}` (both consumed). Strip markers and
    /// line breaks around the expression are left to the full parser.
    fn interpolation(&mut self) -> Option<Expression> {
        self.i += 2; // `${`
        if self.peek() == Some(b'~') {
            return None;
        }
        self.sp();
        let expr = self.expr(false)?;
        self.sp();
        if self.peek() != Some(b'}') {
            return None;
        }
        self.i += 1;
        Some(expr)
    }

    /// A quoted string without interpolations (a block label).
    fn plain_string(&mut self) -> Option<String> {
        match self.string_expr()? {
            Expression::String(s) => Some(s),
            _ => None,
        }
    }

    /// A quoted string: a plain string, or a template when it interpolates. `lit` is the value
    /// of a plain string (escapes decoded, escaped markers unescaped); from the first
    /// interpolation on, `tmpl` is the text of the template instead (escapes decoded, markers
    /// left escaped, interpolations copied as written).
    fn string_expr(&mut self) -> Option<Expression> {
        self.i += 1; // `"`
        let mut lit = String::new();
        let mut tmpl: Option<String> = None;
        loop {
            let c = self.peek()?;
            match c {
                b'"' => {
                    self.i += 1;
                    break;
                }
                b'\\' => {
                    let ch = match self.peek_at(1)? {
                        b'n' => '\n',
                        b't' => '\t',
                        b'r' => '\r',
                        b'"' => '"',
                        b'\\' => '\\',
                        _ => return None,
                    };
                    tmpl.as_mut().unwrap_or(&mut lit).push(ch);
                    self.i += 2;
                }
                b'$' | b'%' if self.peek_at(1) == Some(c) && self.peek_at(2) == Some(b'{') => {
                    // `$$${`: which `$` escapes what is `hcl-edit`'s business.
                    if self.i > 0 && self.s[self.i - 1] == c {
                        return None;
                    }
                    let (raw, value) = (
                        &self.text[self.i..self.i + 3],
                        &self.text[self.i + 1..self.i + 3],
                    );
                    match tmpl.as_mut() {
                        Some(t) => t.push_str(raw),
                        None => lit.push_str(value),
                    }
                    self.i += 3;
                }
                b'%' if self.peek_at(1) == Some(b'{') => return None,
                b'$' if self.peek_at(1) == Some(b'{') => {
                    let start = self.i;
                    self.template_interpolation()?;
                    // The literal so far, its markers escaped again (the only `${`/`%{` in it
                    // came from escaped markers), then the interpolation as written.
                    tmpl.get_or_insert_with(|| lit.replace("${", "$${").replace("%{", "%%{"))
                        .push_str(&self.text[start..self.i]);
                }
                c if c < 0x20 || c == 0x7f => return None,
                _ => {
                    // A run of ordinary characters (UTF-8 continuation bytes included).
                    let start = self.i;
                    while matches!(self.peek(), Some(c) if c >= 0x20 && c != 0x7f && c != b'"' && c != b'\\' && c != b'$' && c != b'%')
                    {
                        self.i += 1;
                    }
                    if self.i == start {
                        // A lone `$` or `%`.
                        self.i += 1;
                    }
                    tmpl.as_mut()
                        .unwrap_or(&mut lit)
                        .push_str(&self.text[start..self.i]);
                }
            }
        }
        Some(match tmpl {
            Some(t) => Expression::TemplateExpr(Box::new(TemplateExpr::QuotedString(t))),
            None => Expression::String(lit),
        })
    }

    /// An interpolation of a template whose text is copied from the source (checked, not kept).
    fn template_interpolation(&mut self) -> Option<()> {
        self.in_template += 1;
        let ok = self.interpolation().is_some();
        self.in_template -= 1;
        ok.then_some(())
    }

    /// A heredoc, `<<DELIM` or `<<-DELIM` (indented), up to the first line that holds only the
    /// delimiter (after spaces or tabs). As in `hcl-edit`, the line right after the opening
    /// never closes it.
    fn heredoc(&mut self) -> Option<Expression> {
        if self.in_template > 0 {
            return None;
        }
        self.i += 2; // `<<`
        let indented = self.peek() == Some(b'-');
        if indented {
            self.i += 1;
        }
        let delim = self.ident()?;
        if self.peek() != Some(b'\n') {
            return None;
        }
        self.i += 1;
        // (literal?, text): literal runs and interpolations as written.
        let mut parts: Vec<(bool, &'a str)> = Vec::new();
        let mut start = self.i;
        loop {
            match self.peek()? {
                b'\n' => {
                    let mut j = self.i + 1;
                    while matches!(self.s.get(j), Some(b' ' | b'\t')) {
                        j += 1;
                    }
                    let after = j + delim.len();
                    if self.s[j..].starts_with(delim.as_bytes())
                        && !matches!(self.s.get(after), Some(&c) if ident_continue(c) || c >= 0x80)
                    {
                        parts.push((true, &self.text[start..=self.i]));
                        self.i = after;
                        break;
                    }
                    self.i += 1;
                }
                c @ (b'$' | b'%') if self.peek_at(1) == Some(c) => {
                    if self.peek_at(2) == Some(c) {
                        return None;
                    }
                    self.i += 2;
                }
                b'%' if self.peek_at(1) == Some(b'{') => return None,
                b'$' if self.peek_at(1) == Some(b'{') => {
                    if self.i > start {
                        parts.push((true, &self.text[start..self.i]));
                    }
                    let at = self.i;
                    self.template_interpolation()?;
                    parts.push((false, &self.text[at..self.i]));
                    start = self.i;
                }
                c if (c < 0x20 && c != b'\t') || c == 0x7f => return None,
                _ => self.i += 1,
            }
        }
        let indent = if indented { dedent_width(&parts) } else { None };
        let mut template = String::new();
        let mut skip_first = false;
        for (literal, text) in parts {
            match indent {
                Some(n) if literal => {
                    dedent_by(&mut template, text, n, skip_first);
                    skip_first = !text.ends_with('\n');
                }
                _ => {
                    template.push_str(text);
                    skip_first = !literal || !text.ends_with('\n');
                }
            }
        }
        Some(Expression::TemplateExpr(Box::new(TemplateExpr::Heredoc(
            Heredoc {
                delimiter: Identifier::unchecked(delim),
                template,
                strip: if indent.is_some() {
                    HeredocStripMode::Indent
                } else {
                    HeredocStripMode::None
                },
            },
        ))))
    }

    /// A `for` expression after `[for` or `{for` (`close` is the closing bracket).
    fn for_expr(&mut self, close: u8) -> Option<Expression> {
        if self.in_template > 0 {
            return None;
        }
        // Line breaks may separate the parts, but end an expression (outside its own brackets).
        self.expr_ws(true);
        let first = self.ident()?;
        self.expr_ws(true);
        let (key_var, value_var) = if self.peek() == Some(b',') {
            self.i += 1;
            self.expr_ws(true);
            let value = self.ident()?;
            self.expr_ws(true);
            (Some(first), value)
        } else {
            (None, first)
        };
        if !self.keyword(b"in") {
            return None;
        }
        self.expr_ws(true);
        let collection_expr = self.expr(false)?;
        self.expr_ws(true);
        if self.peek() != Some(b':') {
            return None;
        }
        self.i += 1;
        self.expr_ws(true);
        let key_expr = if close == b'}' {
            let key = self.expr(false)?;
            self.expr_ws(true);
            if !self.starts_with(b"=>") {
                return None;
            }
            self.i += 2;
            self.expr_ws(true);
            Some(key)
        } else {
            None
        };
        let value_expr = self.expr(false)?;
        self.expr_ws(true);
        let grouping = close == b'}' && self.starts_with(b"...");
        if grouping {
            self.i += 3;
            self.expr_ws(true);
        }
        let cond_expr = if self.keyword(b"if") {
            self.expr_ws(true);
            let cond = self.expr(false)?;
            self.expr_ws(true);
            Some(cond)
        } else {
            None
        };
        if self.peek() != Some(close) {
            return None;
        }
        self.i += 1;
        Some(Expression::ForExpr(Box::new(ForExpr {
            key_var: key_var.map(Identifier::unchecked),
            value_var: Identifier::unchecked(value_var),
            collection_expr,
            key_expr,
            value_expr,
            grouping,
            cond_expr,
        })))
    }
}

/// How much `hcl-edit` strips from the lines of an indented heredoc made of `parts` (see
/// [`Parser::heredoc`]): the least leading whitespace of the non-empty lines of its literal
/// parts (the rest of a line after an interpolation does not count), or `None` (nothing
/// stripped) when an interpolation starts a line. As in `hcl-edit`, a literal part with a
/// counted line that has no leading whitespace does not count at all (and is still stripped).
fn dedent_width(parts: &[(bool, &str)]) -> Option<usize> {
    let mut indent: Option<usize> = None;
    let mut skip_first = false;
    for &(literal, text) in parts {
        if literal {
            let mut least: Option<usize> = None;
            for (i, line) in text.lines().enumerate() {
                if (i == 0 && skip_first) || line.is_empty() {
                    continue;
                }
                let ws = line.chars().take_while(|c| c.is_whitespace()).count();
                if ws == 0 {
                    least = None;
                    break;
                }
                least = Some(least.map_or(ws, |n| n.min(ws)));
            }
            if let Some(ws) = least {
                indent = Some(indent.map_or(ws, |n| n.min(ws)));
            }
            skip_first = !text.ends_with('\n');
        } else if !skip_first {
            return None;
        }
    }
    indent
}

/// `text` with `n` characters taken from the start of each non-empty line (but the first, when
/// `skip_first`), appended to `out`: `hcl-edit`'s dedent of one literal part.
fn dedent_by(out: &mut String, text: &str, n: usize, skip_first: bool) {
    let from = out.len();
    for (i, line) in text.lines().enumerate() {
        if i == 0 && skip_first {
            out.push_str(line);
        } else if !line.is_empty() {
            out.extend(line.chars().skip(n));
        }
        out.push('\n');
    }
    if out.len() > from && out.ends_with('\n') && !text.ends_with('\n') {
        out.pop();
    }
}
