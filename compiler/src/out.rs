//! The deployment stack being built: resources, data sources and their bodies, in the order
//! they will be written. Rules build these; the reference pass rewrites them; `emit` prints them.

use crate::origin::{Meta, Mode};
use hcl::Expression;

/// An attribute key: nearly always a literal of a rule, so it is borrowed, not copied.
pub type Key = std::borrow::Cow<'static, str>;

/// One item of a body, kept in insertion order.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Attr(Key, Expression),
    Block(OutBlock),
}

#[derive(Debug, Clone, PartialEq)]
pub struct OutBlock {
    pub ident: String,
    pub labels: Vec<String>,
    pub body: OutBody,
}

/// An ordered body of attributes and nested blocks.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OutBody {
    pub items: Vec<Item>,
}

impl OutBody {
    pub fn new() -> Self {
        OutBody::default()
    }

    /// Sets an attribute, replacing an earlier value in place.
    pub fn set(&mut self, key: impl Into<Key>, value: impl Into<Expression>) -> &mut Self {
        let (key, value) = (key.into(), value.into());
        for item in &mut self.items {
            if let Item::Attr(k, v) = item
                && *k == key
            {
                *v = value;
                return self;
            }
        }
        self.items.push(Item::Attr(key, value));
        self
    }

    /// Sets an attribute when the value is present.
    pub fn set_opt(&mut self, key: impl Into<Key>, value: Option<Expression>) -> &mut Self {
        if let Some(v) = value {
            self.set(key, v);
        }
        self
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Expression> {
        self.items.iter_mut().find_map(|i| match i {
            Item::Attr(k, v) if k == key => Some(v),
            _ => None,
        })
    }

    pub fn get(&self, key: &str) -> Option<&Expression> {
        self.items.iter().find_map(|i| match i {
            Item::Attr(k, v) if k == key => Some(v),
            _ => None,
        })
    }

    pub fn remove(&mut self, key: &str) -> Option<Expression> {
        let pos = self
            .items
            .iter()
            .position(|i| matches!(i, Item::Attr(k, _) if k == key))?;
        match self.items.remove(pos) {
            Item::Attr(_, v) => Some(v),
            Item::Block(_) => None,
        }
    }

    /// Appends a nested block and returns its body.
    pub fn block(&mut self, ident: &str) -> &mut OutBody {
        self.items.push(Item::Block(OutBlock {
            ident: ident.to_string(),
            labels: vec![],
            body: OutBody::new(),
        }));
        match self.items.last_mut() {
            Some(Item::Block(b)) => &mut b.body,
            _ => unreachable!("just pushed a block"),
        }
    }

    /// The first nested block named `ident`, created when absent.
    pub fn block_once(&mut self, ident: &str) -> &mut OutBody {
        let pos = self
            .items
            .iter()
            .position(|i| matches!(i, Item::Block(b) if b.ident == ident));
        match pos {
            Some(p) => match &mut self.items[p] {
                Item::Block(b) => &mut b.body,
                Item::Attr(..) => unreachable!("position matched a block"),
            },
            None => self.block(ident),
        }
    }

    pub fn blocks<'a>(&'a self, ident: &'a str) -> impl Iterator<Item = &'a OutBody> + 'a {
        self.items.iter().filter_map(move |i| match i {
            Item::Block(b) if b.ident == ident => Some(&b.body),
            _ => None,
        })
    }

    pub fn remove_blocks(&mut self, ident: &str) {
        self.items
            .retain(|i| !matches!(i, Item::Block(b) if b.ident == ident));
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Every expression in the body, nested blocks included, read-only.
    pub fn exprs(&self, f: &mut dyn FnMut(&Expression)) {
        for item in &self.items {
            match item {
                Item::Attr(_, v) => f(v),
                Item::Block(b) => b.body.exprs(f),
            }
        }
    }

    /// Every expression in the body, nested blocks included.
    pub fn exprs_mut(&mut self, f: &mut dyn FnMut(&mut Expression)) {
        for item in &mut self.items {
            match item {
                Item::Attr(_, v) => f(v),
                Item::Block(b) => b.body.exprs_mut(f),
            }
        }
    }
}

/// A resource or data source of the deployment stack.
#[derive(Debug, Clone, PartialEq)]
pub struct Emitted {
    pub mode: Mode,
    pub ty: String,
    pub name: String,
    pub body: OutBody,
    /// Meta-arguments, carried from the origin resource this was mapped from.
    pub meta: Meta,
    /// The origin address this came from (None for resources Ferry adds itself).
    pub origin: Option<String>,
}

impl Emitted {
    pub fn address(&self) -> String {
        // Built by hand: `format!` costs several times more, and addresses are built often.
        let mut a = String::with_capacity(self.ty.len() + self.name.len() + 6);
        if self.mode == Mode::Data {
            a.push_str("data.");
        }
        a.push_str(&self.ty);
        a.push('.');
        a.push_str(&self.name);
        a
    }
}
