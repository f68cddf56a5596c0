//! Mapping rules: one unit per AWS resource type.
//!
//! A rule is a [`RuleDef`]: the AWS type it reads, the DigitalOcean types it may produce, the
//! origin arguments it understands (anything else is reported as not carried over), a one-line
//! summary, and a function that reads the origin resource through [`Cx`] and records an outcome:
//! it emits DigitalOcean resources, folds the resource into another one, drops it, or reports it
//! unsupported. Rules never print, read files or look at other rules; they talk to the rest of
//! the compiler only through `Cx`.
//!
//! Rules run in three phases. [`Phase::Foundation`] rules create what others point at (VPCs);
//! [`Phase::Primary`] rules create resources; [`Phase::Attach`] rules
//! (S3 sub-resources, listeners, attachments, …) run afterwards and modify what a primary rule
//! emitted, found through the origin reference (`bucket = aws_s3_bucket.assets.id`).
//!
//! References are not rewritten by rules. A rule copies origin expressions as they are and
//! declares [`Export`]s — how each attribute of the origin resource is expressed on what it
//! emitted — and the reference pass (`crate::refs`) rewrites every `aws_*.x.attr` afterwards.

use crate::Options;
use crate::diag::{Code, Diagnostic};
use crate::eval::Eval;
use crate::hclx;
use crate::origin::{Meta, Mode, Module, Resource};
use crate::out::{Emitted, OutBody};
use crate::report::Outcome;
use hcl::Expression;
use hcl::expr::TraversalOperator as Op;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

pub mod acm;
pub mod cache;
pub mod catalog;
pub mod cli;
pub mod database;
pub mod dns;
pub mod ebs;
pub mod ec2;
pub mod ecr;
pub mod ecs;
pub mod efs;
pub mod eks;
pub mod generic;
pub mod k8s;
pub mod lambda;
pub mod lb;
pub mod network;
pub mod remote_state;
pub mod s3;
pub mod secrets;
pub mod security;

/// When a rule runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    /// Networks and other resources that primary rules point at (`vpc_uuid`).
    Foundation,
    /// Creates resources.
    Primary,
    /// Modifies what a primary rule created (sub-resources, attachments).
    Attach,
}

/// A self-describing mapping rule for one AWS resource or data source type.
#[derive(Debug)]
pub struct RuleDef {
    /// The AWS type, e.g. `aws_s3_bucket`.
    pub ty: &'static str,
    pub mode: Mode,
    pub phase: Phase,
    /// The DigitalOcean (or Kubernetes) types this rule may emit.
    pub produces: &'static [&'static str],
    /// Origin arguments and blocks the rule maps or deliberately ignores; every other argument
    /// is reported with [`Code::ArgumentDropped`]. `tags` and `tags_all` are always understood.
    pub args: &'static [&'static str],
    /// One line for `ferry rules` and the documentation.
    pub summary: &'static str,
    pub map: fn(&Resource, &mut Cx<'_>),
}

/// The rules of every rules file: one line per file (keeps merges of new files conflict-free).
const FILES: &[&[RuleDef]] = &[
    acm::RULES,
    cache::RULES,
    catalog::RULES,
    database::RULES,
    dns::RULES,
    ebs::RULES,
    ec2::RULES,
    ecr::RULES,
    ecs::RULES,
    efs::RULES,
    eks::RULES,
    generic::RULES,
    lambda::RULES,
    lb::RULES,
    network::RULES,
    remote_state::RULES,
    s3::RULES,
    secrets::RULES,
    security::RULES,
];

/// Every rule Ferry knows, in no particular order.
pub fn all() -> impl Iterator<Item = &'static RuleDef> {
    FILES.iter().flat_map(|f| f.iter())
}

/// Rules by (mode, type).
pub fn index() -> BTreeMap<(Mode, &'static str), &'static RuleDef> {
    all().map(|r| ((r.mode, r.ty), r)).collect()
}

/// An attribute name or a reason: nearly always a literal of a rule, so it is borrowed
/// rather than copied (there are several exports per resource).
pub type Text = std::borrow::Cow<'static, str>;

/// How an attribute of an origin resource is expressed after mapping.
#[derive(Debug, Clone, PartialEq)]
pub enum Export {
    /// `attr` of the emitted resource `target` (its index follows the origin's when the target
    /// repeats with the same `count`/`for_each`).
    Attr { target: String, attr: Text },
    /// A template over the target: `$T` stands for the (indexed) target address, e.g.
    /// `"${$T.host}:${$T.port}"`.
    Tmpl { target: String, tmpl: String },
    /// A structured value (a list or object) over the target, written like [`Export::Tmpl`]:
    /// the rest of the reference applies to it (`endpoint[0].address` picks the `address` of
    /// its first element).
    Value { target: String, tmpl: String },
    /// A fixed expression (a variable, a literal).
    Expr(Expression),
    /// No equivalent; the reason is reported where the attribute is referenced.
    Unmapped(Text),
}

/// What one origin resource exports.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Exports {
    /// The emitted resource that stands for the origin one: default target for attributes that
    /// exist under the same name, and for `depends_on`.
    pub primary: Option<String>,
    pub attrs: ExportAttrs,
}

/// The attributes one origin resource exports, by name: a handful each (dozens for a registry
/// module), so a list searched in order beats an ordered map, whose first insert allocates a
/// node for eleven entries. Insertion order is deterministic; the readers of all names (a whole
/// object in `refs`) keep it or sort it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExportAttrs(Vec<(Text, Export)>);

impl ExportAttrs {
    pub fn get(&self, attr: &str) -> Option<&Export> {
        self.0.iter().find(|(k, _)| k == attr).map(|(_, e)| e)
    }

    /// The exported attribute names, in insertion order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.as_ref())
    }

    /// The names of the attributes that have a DigitalOcean counterpart (not
    /// [`Export::Unmapped`]), in insertion order: what an object standing for the whole
    /// resource holds.
    pub fn mapped_names(&self) -> impl Iterator<Item = &str> {
        self.0
            .iter()
            .filter(|(_, e)| !matches!(e, Export::Unmapped(_)))
            .map(|(k, _)| k.as_ref())
    }

    /// Sets `attr`, replacing what it exported before.
    pub fn insert(&mut self, attr: Text, export: Export) {
        match self.0.iter_mut().find(|(k, _)| *k == attr) {
            Some(slot) => slot.1 = export,
            None => self.0.push((attr, export)),
        }
    }
}

/// A `data "terraform_remote_state"` and the input variables standing for the outputs the
/// module reads of it (`rules::remote_state`).
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteStateInputs {
    pub address: String,
    pub loc: crate::source::Loc,
    /// "the `s3` state `network.tfstate`".
    pub state: String,
    pub vars: Vec<String>,
}

/// The outcome recorded for one origin resource.
#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeRec {
    pub outcome: Outcome,
    pub targets: Vec<String>,
    pub note: Option<String>,
}

/// A map by origin address, for look-ups only: never iterated (so its order cannot reach the
/// output), and hashed with a fixed seed (no randomness; foldhash, several times faster than
/// std's SipHash on these keys). Addresses share long prefixes (`aws_security_group.db_1…`),
/// which makes an ordered map's comparisons the costly part.
pub type AddrMap<V> = std::collections::HashMap<String, V, foldhash::fast::FixedState>;

/// Origin resources by address, for look-ups only (as [`AddrMap`]); the first of equal
/// addresses, as a scan finds it.
pub type ByAddr<'a> = std::collections::HashMap<&'a str, &'a Resource, foldhash::fast::FixedState>;

/// [`ByAddr`] of `resources`.
pub fn by_addr(resources: &[Resource]) -> ByAddr<'_> {
    let mut map = ByAddr::with_capacity_and_hasher(resources.len(), Default::default());
    for r in resources {
        map.entry(r.address()).or_insert(r);
    }
    map
}

/// Everything the rules of one module produce.
#[derive(Debug, Default)]
pub struct State {
    pub emitted: Vec<Emitted>,
    pub outcomes: AddrMap<OutcomeRec>,
    pub exports: AddrMap<Exports>,
    /// Origin resources repeated over a collection known at compile time that a rule mapped
    /// one instance at a time: their instance keys in Terraform's order (`count.index` as a
    /// number, the `for_each` key as a string). Each instance's exports are under
    /// `<address>[<key>]` (see [`instance_address`]); the reference pass reads a splat or an
    /// index it cannot resolve statically as a list (or object) of them.
    pub instance_keys: AddrMap<Vec<hcl::Value>>,
    /// Origin resources whose `count` is 0 or whose `for_each` is empty at compile time: they
    /// never exist, so no rule maps them, and a reference to one reads an empty collection
    /// (`true`: repeated by `for_each`, an empty object; else an empty list). Usually empty.
    pub never_created: BTreeMap<String, bool>,
    /// The module's variables every caller sets to an expression carrying `var.instance_id`
    /// (`pipeline::module_inputs`): a name read from one is already unique per appliance.
    pub instance_id_inputs: std::collections::BTreeSet<String>,
    pub diags: Vec<Diagnostic>,
    pub artifacts: Vec<crate::report::Artifact>,
    pub secrets: Vec<crate::report::SecretRef>,
    /// Variables rules declare for the deployment stack (registry name, secret values), in
    /// declaration order, written to `variables.tf` after Ferry's own.
    pub variables: Vec<(String, OutBody)>,
    /// Extra files of the deployment stack (rewritten Kubernetes manifests), by path relative to
    /// the module folder.
    pub files: BTreeMap<String, String>,
    /// Another layer's state the module reads (`rules::remote_state`) and the inputs declared
    /// for its outputs: the pipeline leaves out the inputs nothing emitted reads, then reports.
    pub remote_states: Vec<RemoteStateInputs>,
    /// Lookup caches (see [`EmittedIndex`], [`OriginIndex`], [`RefIndex`]); never part of
    /// the output.
    emitted_index: RefCell<EmittedIndex>,
    origin_index: OriginIndex,
    ref_index: RefCell<Option<RefIndex>>,
    /// The emitted database firewalls by the text of their `cluster_id` (see
    /// [`FirewallIndex`]).
    pub(crate) firewall_clusters: RefCell<FirewallIndex>,
}

/// Positions of the emitted `digitalocean_database_firewall`s by `hclx::inline` of their
/// `cluster_id`, so that a security group finds the firewall of a cluster without formatting
/// (or comparing) every other firewall's: that made the mapping quadratic in the number of
/// databases. Elements pushed since the last use are added on every use, a shrunk list is
/// indexed again, and a hit is checked against the element itself. Like
/// [`State::is_taken`], it trusts itself for misses: rules do not change the `cluster_id`
/// of a firewall once emitted (references are rewritten after every rule has run).
#[derive(Debug, Default)]
pub(crate) struct FirewallIndex {
    /// How many elements of `State::emitted` have been looked at.
    scanned: usize,
    by_cluster: BTreeMap<String, Vec<usize>>,
}

impl FirewallIndex {
    /// The address of the first database firewall whose `cluster_id` is `cluster` (as
    /// `hclx::inline` prints it).
    pub(crate) fn find(&mut self, emitted: &[Emitted], cluster: &str) -> Option<String> {
        const FIREWALL: &str = "digitalocean_database_firewall";
        if self.scanned > emitted.len() {
            *self = FirewallIndex::default();
        }
        for (i, e) in emitted.iter().enumerate().skip(self.scanned) {
            if e.ty == FIREWALL
                && let Some(c) = e.body.get("cluster_id")
            {
                self.by_cluster.entry(hclx::inline(c)).or_default().push(i);
            }
        }
        self.scanned = emitted.len();
        self.by_cluster
            .get(cluster)?
            .iter()
            .filter_map(|&p| emitted.get(p))
            .find(|e| {
                e.ty == FIREWALL
                    && e.body
                        .get("cluster_id")
                        .is_some_and(|c| hclx::inline(c) == cluster)
            })
            .map(Emitted::address)
    }
}

/// Where each emitted address sits in `State::emitted`, so that lookups by address do not scan
/// the whole stack. It is brought up to date on every use: elements pushed since the last use
/// are added, elements handed out by `find_mut` are re-read (a rule may rename them), and a
/// shrunk list is indexed again. A hit is always checked against the element itself.
#[derive(Debug, Default)]
struct EmittedIndex {
    /// Address of each indexed element, by position.
    keys: Vec<String>,
    /// First position of each address.
    pos: BTreeMap<String, usize>,
    /// Positions handed out mutably since the last refresh.
    touched: Vec<usize>,
    /// Where `State::is_taken` builds the address it looks up (reused, not reallocated).
    scratch: String,
}

impl EmittedIndex {
    fn refresh(&mut self, emitted: &[Emitted]) {
        if self.keys.len() > emitted.len() {
            *self = EmittedIndex::default();
        }
        for p in std::mem::take(&mut self.touched) {
            let (Some(old), Some(e)) = (self.keys.get(p), emitted.get(p)) else {
                continue;
            };
            let new = e.address();
            if *old != new {
                if self.pos.get(old) == Some(&p) {
                    self.pos.remove(old);
                    // Another element may carry the old address too.
                    if let Some(q) = emitted.iter().position(|x| is_at(x, old)) {
                        self.pos.insert(old.clone(), q);
                    }
                }
                let first = self.pos.entry(new.clone()).or_insert(p);
                *first = (*first).min(p);
                self.keys[p] = new;
            }
        }
        for e in &emitted[self.keys.len()..] {
            let addr = e.address();
            self.pos.entry(addr.clone()).or_insert(self.keys.len());
            self.keys.push(addr);
        }
    }
}

/// Does `e` have the address `addr`? (Without building the address.)
fn is_at(e: &Emitted, addr: &str) -> bool {
    let (mode, rest) = match addr.strip_prefix("data.") {
        Some(rest) => (Mode::Data, rest),
        None => (Mode::Managed, addr),
    };
    e.mode == mode
        && rest
            .strip_prefix(e.ty.as_str())
            .and_then(|r| r.strip_prefix('.'))
            == Some(e.name.as_str())
}

/// The module's origin resources by (mode, type) and by (mode, type, name), for
/// `Cx::resolve_ref` and `Cx::origin_of_type`. Built by [`State::index_origin`]; valid only for
/// a slice of the length it was built from (otherwise lookups scan).
///
/// Hashed rather than sorted: the rules look resources up a few times each, and a sorted index
/// paid for a string comparison at every step of every binary search (in compiler.wasm, whose
/// `memcmp` is not vectorised, a visible share of a compile).
#[derive(Debug, Default)]
struct OriginIndex {
    len: usize,
    /// Positions of each type's resources, in the order of the origin; managed, then data.
    by_type: [AddrMap<Vec<usize>>; 2],
    /// The first position of each (mode, type, name), by its hash; [`AMBIGUOUS`] where two
    /// different keys share a hash (lookups then scan the type's positions).
    by_name: std::collections::HashMap<u64, usize, foldhash::fast::FixedState>,
}

const AMBIGUOUS: usize = usize::MAX;

fn mode_slot(mode: Mode) -> usize {
    match mode {
        Mode::Managed => 0,
        Mode::Data => 1,
    }
}

fn name_hash(mode: Mode, ty: &str, name: &str) -> u64 {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::default().hash_one((mode_slot(mode), ty, name))
}

/// Who mentions whom in one module, built on the first [`Cx::referrers`] call: for every
/// address `root.name` / `data.type.name` mentioned anywhere (templates included), the
/// resources, outputs, locals and module calls that mention it. Valid for the resources slice
/// of the length it was built from. Keyed by the address as [`Resource::address`] writes it,
/// so that a lookup borrows the target's address.
#[derive(Debug, Default)]
struct RefIndex {
    len: usize,
    // Looked up only, never iterated: hashed (fixed seed), not ordered.
    resources: AddrMap<Vec<usize>>,
    outputs: AddrMap<Vec<usize>>,
    locals: AddrMap<Vec<usize>>,
    calls: AddrMap<Vec<usize>>,
    /// Resources that read an output of some module (`module.x.y`).
    module_users: Vec<usize>,
}

/// Records in one of [`RefIndex`]'s maps that item `i` mentions the addresses it is shown.
struct RefAdder<'m> {
    map: &'m mut AddrMap<Vec<usize>>,
    i: usize,
    module_user: bool,
    /// The address being built (reused: only a new address is copied into the map).
    buf: String,
}

impl RefAdder<'_> {
    fn expr(&mut self, e: &Expression) {
        visit(e, &mut |x| {
            let (data, ty, name) = match hclx::traversal_root(x) {
                Some(("data", [Op::GetAttr(t), Op::GetAttr(n), ..])) => (true, t.as_str(), n),
                Some(("module", _)) => {
                    self.module_user = true;
                    return;
                }
                // Resource types have an underscore (`aws_vpc`, `random_id`); `var.x`,
                // `local.x`, `each.value`, `count.index`, `path.module` are not resources.
                Some((root, [Op::GetAttr(n), ..])) if root.contains('_') => (false, root, n),
                _ => return,
            };
            self.buf.clear();
            if data {
                self.buf.push_str("data.");
            }
            self.buf.push_str(ty);
            self.buf.push('.');
            self.buf.push_str(name.as_str());
            match self.map.get_mut(self.buf.as_str()) {
                Some(list) => {
                    if list.last() != Some(&self.i) {
                        list.push(self.i);
                    }
                }
                None => {
                    self.map.insert(self.buf.clone(), vec![self.i]);
                }
            }
        });
    }
    fn body(&mut self, b: &hcl::Body) {
        for s in b.iter() {
            match s {
                hcl::Structure::Attribute(a) => self.expr(a.expr()),
                hcl::Structure::Block(b) => self.body(&b.body),
            }
        }
    }
}

impl RefIndex {
    fn build(module: &Module, resources: &[Resource]) -> RefIndex {
        let mut ix = RefIndex {
            len: resources.len(),
            ..RefIndex::default()
        };
        let buf = String::new();
        let mut add = RefAdder {
            map: &mut ix.resources,
            i: 0,
            module_user: false,
            buf,
        };
        for (i, r) in resources.iter().enumerate() {
            add.i = i;
            add.module_user = false;
            add.body(&r.body);
            let m = &r.meta;
            for e in [&m.count, &m.for_each, &m.depends_on, &m.provider]
                .into_iter()
                .flatten()
            {
                add.expr(e);
            }
            if let Some(l) = &m.lifecycle {
                add.body(l);
            }
            if add.module_user {
                ix.module_users.push(i);
            }
        }
        let buf = add.buf;
        let mut add = RefAdder {
            map: &mut ix.outputs,
            i: 0,
            module_user: false,
            buf,
        };
        for (i, o) in module.outputs.iter().enumerate() {
            add.i = i;
            add.body(&o.body);
        }
        add.map = &mut ix.locals;
        for (i, l) in module.locals.iter().enumerate() {
            add.i = i;
            add.expr(&l.expr);
        }
        add.map = &mut ix.calls;
        for (i, c) in module.module_calls.iter().enumerate() {
            add.i = i;
            add.body(&c.body);
        }
        ix
    }
}

/// Calls `f` on `e` and every sub-expression, like `hclx::walk`, without copying `e` and
/// without parsing templates that have no interpolation or directive.
fn visit(e: &Expression, f: &mut dyn FnMut(&Expression)) {
    use hcl::template::{Directive, Element, Template};
    fn template(t: &Template, f: &mut dyn FnMut(&Expression)) {
        for el in t.elements() {
            match el {
                Element::Literal(_) => {}
                Element::Interpolation(i) => visit(&i.expr, f),
                Element::Directive(d) => match &**d {
                    Directive::If(d) => {
                        visit(&d.cond_expr, f);
                        template(&d.true_template, f);
                        if let Some(t) = &d.false_template {
                            template(t, f);
                        }
                    }
                    Directive::For(d) => {
                        visit(&d.collection_expr, f);
                        template(&d.template, f);
                    }
                },
            }
        }
    }
    f(e);
    match e {
        Expression::Array(items) => items.iter().for_each(|x| visit(x, f)),
        Expression::Object(obj) => obj.iter().for_each(|(_, v)| visit(v, f)),
        Expression::TemplateExpr(t) => {
            let text = match &**t {
                hcl::expr::TemplateExpr::QuotedString(s) => s.as_str(),
                hcl::expr::TemplateExpr::Heredoc(h) => h.template.as_str(),
            };
            if (text.contains("${") || text.contains("%{"))
                && let Some(parsed) = hclx::parse_template(t)
            {
                template(&parsed, f);
            }
        }
        Expression::Traversal(t) => {
            visit(&t.expr, f);
            for op in &t.operators {
                if let Op::Index(i) = op {
                    visit(i, f);
                }
            }
        }
        Expression::FuncCall(c) => c.args.iter().for_each(|x| visit(x, f)),
        Expression::Parenthesis(p) => visit(p, f),
        Expression::Conditional(c) => {
            visit(&c.cond_expr, f);
            visit(&c.true_expr, f);
            visit(&c.false_expr, f);
        }
        Expression::Operation(op) => match &**op {
            hcl::expr::Operation::Unary(u) => visit(&u.expr, f),
            hcl::expr::Operation::Binary(b) => {
                visit(&b.lhs_expr, f);
                visit(&b.rhs_expr, f);
            }
        },
        Expression::ForExpr(fe) => {
            visit(&fe.collection_expr, f);
            if let Some(k) = &fe.key_expr {
                visit(k, f);
            }
            visit(&fe.value_expr, f);
            if let Some(c) = &fe.cond_expr {
                visit(c, f);
            }
        }
        _ => {}
    }
}

/// What mentions an origin resource, from [`Cx::referrers`]; each list in declaration order.
#[derive(Debug, Default)]
pub struct Referrers<'a> {
    /// Resources whose body or meta-arguments mention it (itself included if it does).
    pub resources: Vec<&'a Resource>,
    pub outputs: Vec<&'a crate::origin::Named>,
    pub locals: Vec<&'a crate::origin::Local>,
    pub calls: Vec<&'a crate::origin::Named>,
    /// Resources that mention it or read some module output (`module.x.y`, which may stand
    /// for it), in origin order.
    pub resources_or_module_users: Vec<&'a Resource>,
}

impl State {
    pub fn find(&self, addr: &str) -> Option<&Emitted> {
        self.position(addr).and_then(|p| self.emitted.get(p))
    }
    pub fn find_mut(&mut self, addr: &str) -> Option<&mut Emitted> {
        let p = self.position(addr)?;
        self.emitted_index.get_mut().touched.push(p);
        self.emitted.get_mut(p)
    }

    /// Position of the first emitted element with address `addr`.
    fn position(&self, addr: &str) -> Option<usize> {
        let mut ix = self.emitted_index.borrow_mut();
        ix.refresh(&self.emitted);
        match ix.pos.get(addr) {
            Some(&p) if self.emitted.get(p).is_some_and(|e| is_at(e, addr)) => Some(p),
            // Not indexed (or changed behind the index's back): look, without allocating.
            _ => self.emitted.iter().position(|e| is_at(e, addr)),
        }
    }

    /// Is an element of that mode, type and name emitted? Trusts the index for misses (used
    /// when choosing fresh names, where misses are the common case).
    fn is_taken(&self, mode: Mode, ty: &str, name: &str) -> bool {
        let mut ix = self.emitted_index.borrow_mut();
        ix.refresh(&self.emitted);
        let EmittedIndex { pos, scratch, .. } = &mut *ix;
        scratch.clear();
        if mode == Mode::Data {
            scratch.push_str("data.");
        }
        scratch.push_str(ty);
        scratch.push('.');
        scratch.push_str(name);
        pos.contains_key(scratch.as_str())
    }

    /// Indexes the module's origin resources (the slice every `Cx` of this module is given).
    pub fn index_origin(&mut self, resources: &[Resource]) {
        let mut ix = OriginIndex {
            len: resources.len(),
            ..OriginIndex::default()
        };
        for (i, r) in resources.iter().enumerate() {
            let slot = &mut ix.by_type[mode_slot(r.mode)];
            match slot.get_mut(r.ty.as_str()) {
                Some(positions) => positions.push(i),
                None => {
                    slot.insert(r.ty.clone(), vec![i]);
                }
            }
            match ix.by_name.entry(name_hash(r.mode, &r.ty, &r.name)) {
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert(i);
                }
                std::collections::hash_map::Entry::Occupied(mut o) => {
                    let same = resources
                        .get(*o.get())
                        .is_some_and(|f| f.mode == r.mode && f.ty == r.ty && f.name == r.name);
                    if !same {
                        o.insert(AMBIGUOUS);
                    }
                }
            }
        }
        self.origin_index = ix;
    }

    /// Positions (in `resources`, in origin order) of the indexed origin resources of `(mode,
    /// ty)`; `None` when the index does not fit.
    fn origin_positions(&self, resources: &[Resource], mode: Mode, ty: &str) -> Option<&[usize]> {
        let ix = &self.origin_index;
        if ix.len != resources.len() || ix.len == 0 {
            return None;
        }
        Some(
            ix.by_type[mode_slot(mode)]
                .get(ty)
                .map_or(&[][..], Vec::as_slice),
        )
    }

    /// The position of the first indexed origin resource `(mode, ty, name)`: `Some(None)` when
    /// there is none, `None` when the index does not fit.
    fn origin_position(
        &self,
        resources: &[Resource],
        mode: Mode,
        ty: &str,
        name: &str,
    ) -> Option<Option<usize>> {
        let positions = self.origin_positions(resources, mode, ty)?;
        let same = |i: &usize| resources.get(*i).is_some_and(|r| r.name == name);
        Some(
            match self.origin_index.by_name.get(&name_hash(mode, ty, name)) {
                None => None,
                Some(&AMBIGUOUS) => positions.iter().copied().find(same),
                // A hash match is confirmed: another key may share the hash of an absent one.
                Some(&i) => Some(i).filter(|i| {
                    resources
                        .get(*i)
                        .is_some_and(|r| r.mode == mode && r.ty == ty && r.name == name)
                }),
            },
        )
    }
}

/// What a rule sees: the origin module, the evaluator, the options, and the output so far.
#[derive(Debug)]
pub struct Cx<'a> {
    pub module: &'a Module,
    /// Resources of the module including those expanded from registry modules.
    pub resources: &'a [Resource],
    pub eval: &'a Eval,
    pub options: &'a Options,
    pub st: &'a mut State,
    /// What the pass over the whole module tree learned for this module (`crate::xmod`).
    pub xmod: &'a crate::xmod::Facts,
    /// The variables each deployment may set (the root's, and inputs its callers set from
    /// them): a `count` reading one is a toggle of the appliance, not a fact of the origin.
    pub at_deploy: &'a BTreeSet<String>,
}

impl<'a> Cx<'a> {
    // ---- reading the origin ------------------------------------------------------------

    /// Does the expression read a variable each deployment may set (directly or through
    /// locals)? Its value at the defaults is then one appliance's choice, not the origin's.
    pub fn deploy_decides(&self, e: &Expression) -> bool {
        crate::lints::carries(e, self.module, self.at_deploy)
    }

    /// The origin expression of an argument.
    pub fn expr(&self, r: &Resource, key: &str) -> Option<Expression> {
        hclx::attr(&r.body, key).cloned()
    }

    /// The static string value of an argument; warns (F204) when it is set but not static.
    pub fn str(&mut self, r: &Resource, key: &str) -> Option<String> {
        let e = hclx::attr(&r.body, key)?;
        if matches!(e, Expression::Null) {
            return None;
        }
        let v = self.eval.string(e);
        if v.is_none() {
            self.not_static(r, key);
        }
        v
    }

    pub fn num(&mut self, r: &Resource, key: &str) -> Option<f64> {
        let e = hclx::attr(&r.body, key)?;
        if matches!(e, Expression::Null) {
            return None;
        }
        let v = self.eval.number(e);
        if v.is_none() {
            self.not_static(r, key);
        }
        v
    }

    pub fn bool(&mut self, r: &Resource, key: &str) -> Option<bool> {
        let e = hclx::attr(&r.body, key)?;
        if matches!(e, Expression::Null) {
            return None;
        }
        let v = self.eval.bool(e);
        if v.is_none() {
            self.not_static(r, key);
        }
        v
    }

    fn not_static(&mut self, r: &Resource, key: &str) {
        self.diag(
            Diagnostic::new(
                Code::NotStatic,
                format!("`{key}` of `{}` is not known at compile time; Ferry used its default for the mapping", r.address()),
            )
            .at(r.loc_of(key))
            .resource(r.address())
            .help(format!("give `{key}` a literal value or a variable default (or set it in terraform.tfvars) so Ferry can choose the DigitalOcean equivalent")),
        );
    }

    /// The origin resource an argument refers to (`bucket = aws_s3_bucket.b.id` → that bucket).
    pub fn referenced(&self, r: &Resource, key: &str) -> Option<&'a Resource> {
        let e = hclx::attr(&r.body, key)?;
        self.resolve_ref(e).or_else(|| {
            // `for_each = aws_s3_bucket.this` with `bucket = each.value.id`.
            let mut uses_each = false;
            hclx::walk(e, &mut |x| {
                uses_each |= matches!(hclx::traversal_root(x), Some(("each", _)))
            });
            if uses_each {
                r.meta.for_each.as_ref().and_then(|fe| self.resolve_ref(fe))
            } else {
                None
            }
        })
    }

    /// The origin resource an expression refers to, looking through `"${…}"`, lists of one
    /// element, and `[0]` / `[*]` indexes.
    pub fn resolve_ref(&self, e: &Expression) -> Option<&'a Resource> {
        let mut found = None;
        hclx::walk(e, &mut |x| {
            if found.is_some() {
                return;
            }
            if let Some((root, ops)) = hclx::traversal_root(x) {
                let (mode, ty, rest) = if root == "data" {
                    match ops {
                        [hcl::expr::TraversalOperator::GetAttr(t), rest @ ..] => {
                            (Mode::Data, t.as_str(), rest)
                        }
                        _ => return,
                    }
                } else {
                    (Mode::Managed, root, ops)
                };
                if let Some(hcl::expr::TraversalOperator::GetAttr(name)) = rest.first() {
                    found = self.origin_resource(mode, ty, name.as_str());
                }
            }
        });
        found
    }

    /// The origin resource of that mode, type and name (through the module's index when it
    /// was built for these resources).
    fn origin_resource(&self, mode: Mode, ty: &str, name: &str) -> Option<&'a Resource> {
        let resources: &'a [Resource] = self.resources;
        match self.st.origin_position(resources, mode, ty, name) {
            // The first of equal keys, as a scan would find it.
            Some(hit) => hit.and_then(|i| resources.get(i)),
            None => resources
                .iter()
                .find(|r| r.mode == mode && r.ty == ty && r.name == name),
        }
    }

    /// Origin resources of a type.
    /// Origin resources and data sources of type `ty`, in the order of the origin.
    pub fn origin_of_type_any_mode(&self, ty: &str) -> Vec<&'a Resource> {
        let resources: &'a [Resource] = self.resources;
        let ranges = [Mode::Managed, Mode::Data].map(|m| {
            self.st
                .origin_positions(resources, m, ty)
                .map(<[usize]>::to_vec)
        });
        let mut positions: Vec<usize> = match ranges {
            [Some(a), Some(b)] => a.into_iter().chain(b).collect(),
            _ => (0..resources.len()).collect(),
        };
        positions.sort_unstable();
        positions
            .into_iter()
            .filter_map(|i| resources.get(i))
            .filter(|r| r.ty == ty)
            .collect()
    }

    /// Whether `e` reads an AWS attribute that its rule declared has no DigitalOcean equivalent
    /// (`Export::Unmapped`), or an attribute of a resource or data source mapped to nothing that
    /// exports nothing (as far as the rules run so far know): the reference pass will replace it
    /// by `null`. Rules that build
    /// required values from such references (a firewall rule's address) leave them out instead.
    pub fn reads_unmapped(&self, e: &Expression) -> bool {
        use hcl::expr::TraversalOperator::GetAttr;
        let mut hit = false;
        hclx::walk(e, &mut |x| {
            let Some((root, ops)) = hclx::traversal_root(x) else {
                return;
            };
            let (addr, attr) = match (root, ops) {
                ("data", [GetAttr(t), GetAttr(n), GetAttr(a), ..]) => (format!("data.{t}.{n}"), a),
                (ty, [GetAttr(n), GetAttr(a), ..]) if ty.starts_with("aws_") => {
                    (format!("{ty}.{n}"), a)
                }
                _ => return,
            };
            let exports = self.st.exports.get(&addr);
            hit |= match exports.and_then(|x| x.attrs.get(attr.as_str())) {
                Some(Export::Unmapped(_)) => true,
                Some(_) => false,
                // Mapped to nothing and exporting nothing (an unsupported data source): the
                // reference pass replaces every attribute with `null`.
                None => {
                    exports.is_none_or(|x| x.primary.is_none())
                        && self.st.outcomes.get(&addr).is_some_and(|rec| {
                            rec.targets.is_empty()
                                && matches!(rec.outcome, Outcome::Unsupported | Outcome::Dropped)
                        })
                }
            };
        });
        hit
    }

    /// The module's own copy of `r` (same mode, type and name), found through the index.
    pub fn origin(&self, r: &Resource) -> Option<&'a Resource> {
        let resources: &'a [Resource] = self.resources;
        match self.st.origin_position(resources, r.mode, &r.ty, &r.name) {
            Some(hit) => hit.and_then(|i| resources.get(i)),
            None => resources
                .iter()
                .find(|x| x.mode == r.mode && x.ty == r.ty && x.name == r.name),
        }
    }

    pub fn origin_of_type(&self, ty: &str) -> impl Iterator<Item = &'a Resource> + 'a {
        let resources: &'a [Resource] = self.resources;
        // In the order of the origin, as a scan would give them.
        let positions: Vec<usize> = match self.st.origin_positions(resources, Mode::Managed, ty) {
            Some(hits) => hits.to_vec(),
            None => (0..resources.len()).collect(),
        };
        let ty = ty.to_string();
        positions
            .into_iter()
            .filter_map(move |i| resources.get(i))
            .filter(move |r| r.mode == Mode::Managed && r.ty == ty)
    }

    /// Origin resources of type `ty` whose argument `key` refers to `target`.
    pub fn referencing(&self, ty: &str, key: &str, target: &Resource) -> Vec<&'a Resource> {
        // Candidates from the module's reference index (anything mentioning `ty.name`), then
        // the exact test.
        let resources: &'a [Resource] = self.resources;
        // The managed address `ty.name`, whatever the target's mode.
        let key_of_target = match target.mode {
            Mode::Managed => std::borrow::Cow::Borrowed(target.address()),
            Mode::Data => std::borrow::Cow::Owned(format!("{}.{}", target.ty, target.name)),
        };
        self.with_ref_index(|ix| {
            ix.resources
                .get(key_of_target.as_ref())
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .filter_map(|&i| resources.get(i))
                .filter(|r| r.mode == Mode::Managed && r.ty == ty)
                .filter(|r| {
                    let mut hit = false;
                    if let Some(e) = hclx::attr(&r.body, key) {
                        hclx::walk(e, &mut |x| {
                            if let Some((root, [hcl::expr::TraversalOperator::GetAttr(n), ..])) =
                                hclx::traversal_root(x)
                            {
                                hit |= root == target.ty && n.as_str() == target.name;
                            }
                        });
                    }
                    hit
                })
                .collect()
        })
    }

    // ---- building the output -------------------------------------------------------------

    /// Emits a resource that stands for `r` (same name and meta-arguments); records `mapped`.
    pub fn emit(&mut self, r: &Resource, ty: &str, body: OutBody) -> String {
        self.emit_as(r, Mode::Managed, ty, &r.name.clone(), body)
    }

    /// Emits a further resource for `r` under another name (e.g. a database inside a cluster).
    pub fn emit_as(
        &mut self,
        r: &Resource,
        mode: Mode,
        ty: &str,
        name: &str,
        body: OutBody,
    ) -> String {
        let mut name = sanitize_name(name);
        let taken = |st: &State, n: &str| st.is_taken(mode, ty, n);
        if taken(self.st, &name) {
            let base = format!("{name}_{}", r.ty.trim_start_matches("aws_"));
            name = base.clone();
            let mut i = 2;
            while taken(self.st, &name) {
                name = format!("{base}_{i}");
                i += 1;
            }
        }
        let emitted = Emitted {
            mode,
            ty: ty.to_string(),
            name,
            body,
            meta: r.meta.clone(),
            origin: Some(r.address().to_string()),
        };
        let addr = emitted.address();
        self.st.emitted.push(emitted);
        let mapped = || OutcomeRec {
            outcome: Outcome::Mapped,
            targets: vec![],
            note: None,
        };
        with_entry(&mut self.st.outcomes, r.address(), mapped, |rec| {
            rec.targets.push(addr.clone())
        });
        with_entry(&mut self.st.exports, r.address(), Exports::default, |ex| {
            if ex.primary.is_none() {
                ex.primary = Some(addr.clone());
            }
        });
        addr
    }

    /// Sets the note shown with `r`'s outcome in the report.
    pub fn note(&mut self, r: &Resource, note: impl Into<String>) {
        if let Some(rec) = self.st.outcomes.get_mut(r.address()) {
            rec.note = Some(note.into());
        }
    }

    /// Records that `r` was folded into the emitted resource `into`.
    pub fn absorb(&mut self, r: &Resource, into: &str, note: impl Into<String>) {
        self.st.outcomes.insert(
            r.address().to_string(),
            OutcomeRec {
                outcome: Outcome::Absorbed,
                targets: vec![into.to_string()],
                note: Some(note.into()),
            },
        );
        with_entry(&mut self.st.exports, r.address(), Exports::default, |ex| {
            ex.primary.get_or_insert_with(|| into.to_string());
        });
    }

    /// Records that `r` has no meaning on DigitalOcean.
    pub fn drop(&mut self, r: &Resource, note: impl Into<String>) {
        self.st.outcomes.insert(
            r.address().to_string(),
            OutcomeRec {
                outcome: Outcome::Dropped,
                targets: vec![],
                note: Some(note.into()),
            },
        );
    }

    /// Records that `r` cannot be mapped, with an error naming the alternative.
    pub fn unsupported(
        &mut self,
        r: &Resource,
        code: Code,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        let message = message.into();
        self.st.outcomes.insert(
            r.address().to_string(),
            OutcomeRec {
                outcome: Outcome::Unsupported,
                targets: vec![],
                note: Some(message.clone()),
            },
        );
        self.diag(
            Diagnostic::new(code, message)
                .at(r.loc.clone())
                .resource(r.address())
                .help(help),
        );
    }

    /// Declares attributes of `r` that are attributes of the emitted `target`:
    /// `(origin attribute, target attribute)` pairs.
    pub fn export_attrs(
        &mut self,
        r: &Resource,
        target: &str,
        pairs: &[(&'static str, &'static str)],
    ) {
        // One look-up of `r`'s exports for all the pairs.
        with_entry(&mut self.st.exports, r.address(), Exports::default, |ex| {
            for (attr, to) in pairs {
                let export = Export::Attr {
                    target: target.to_string(),
                    attr: Text::Borrowed(to),
                };
                set_export(ex, Text::Borrowed(attr), export);
            }
        });
    }

    /// Declares how attribute `attr` of `r` is expressed after mapping.
    pub fn export(&mut self, r: &Resource, attr: impl Into<Text>, export: Export) {
        let attr = attr.into();
        with_entry(&mut self.st.exports, r.address(), Exports::default, |ex| {
            set_export(ex, attr, export)
        });
    }

    pub fn diag(&mut self, d: Diagnostic) {
        self.st.diags.push(d);
    }

    /// The emitted resource that stands for the origin resource `key` refers to.
    pub fn parent(&self, r: &Resource, key: &str) -> Option<String> {
        let origin = self.referenced(r, key)?;
        self.st
            .outcomes
            .get(origin.address())
            .and_then(|o| o.targets.first().cloned())
    }

    pub fn emitted_mut(&mut self, addr: &str) -> Option<&mut Emitted> {
        self.st.find_mut(addr)
    }

    // ---- conventions ----------------------------------------------------------------------

    /// `var.region`.
    pub fn region(&self) -> Expression {
        hclx::path(&["var", "region"])
    }

    /// A name unique per appliance: the origin name when it already carries
    /// `var.instance_id`, otherwise the origin name (or `fallback`) with `-${var.instance_id}`.
    pub fn unique_name(
        &mut self,
        r: &Resource,
        origin: Option<Expression>,
        fallback: &str,
    ) -> Expression {
        let origin = origin.map(|e| self.drop_account_id_segments(r, e));
        // A module input every caller makes unique counts for bucket names only: S3 and Spaces
        // names share one namespace, so two origin buckets never had the same name; an RDS
        // instance and an ElastiCache cluster may (their AWS namespaces differ) and become two
        // database clusters, which the appended instance id keeps apart.
        let via_inputs = r.ty == "aws_s3_bucket";
        match origin {
            Some(e) if self.mentions_instance_id_via(&e, via_inputs) => e,
            Some(e) => {
                self.diag(
                    Diagnostic::new(
                        Code::NameWithoutInstanceId,
                        format!(
                            "the name of `{}` must be unique per appliance; Ferry appended `-${{var.instance_id}}`",
                            r.address()
                        ),
                    )
                    .at(r.loc.clone())
                    .resource(r.address())
                    .help("include `${var.instance_id}` in the origin name to choose where it goes"),
                );
                hclx::template(format!(
                    "{}-${{var.instance_id}}",
                    hclx::to_template_part(&e)
                ))
            }
            None => hclx::template(format!(
                "{}-${{var.instance_id}}",
                hclx::escape_template_literal(&fallback.replace('_', "-"))
            )),
        }
    }

    /// A name (about to be made unique by `var.instance_id`) whose template reads the AWS
    /// account id only to be unique (`"${local.account_id}-transfer-bucket"`): DigitalOcean
    /// has no account id (the reference would become `null` inside the string, which fails
    /// the plan), and the instance id already does its job. An interpolation that is a whole
    /// segment of the name — bounded by separators (`-`, `_`, `.`) or an end of the string on
    /// both sides, with a separator on at least one — is dropped with one adjacent separator
    /// (the one before it when there is one), with a warning naming what was dropped. The
    /// name may be a `local` holding such a template. Anything else (the account id as the
    /// whole name, or glued to other text) is left to the reference pass (F401).
    fn drop_account_id_segments(&mut self, r: &Resource, e: Expression) -> Expression {
        use hcl::template::{Element, Template};
        const SEPARATORS: &[char] = &['-', '_', '.'];
        // Every resource's name comes through here: leave early (no copy, no parse) when the
        // module has no caller identity to read, or the name's text names neither it nor a local.
        const IDENTITY: &str = "aws_caller_identity";
        let has_identity = match self
            .st
            .origin_positions(self.resources, Mode::Data, IDENTITY)
        {
            Some(positions) => !positions.is_empty(),
            None => self
                .resources
                .iter()
                .any(|x| x.mode == Mode::Data && x.ty == IDENTITY),
        };
        if !has_identity {
            return e;
        }
        // `bucket = local.name` where the local is such a template: its expression.
        let mut name = &e;
        for _ in 0..4 {
            let Some(("local", [Op::GetAttr(n)])) = hclx::traversal_root(name) else {
                break;
            };
            match self.module.locals.iter().find(|l| l.name == n.as_str()) {
                Some(l) => name = &l.expr,
                None => break,
            }
        }
        let Expression::TemplateExpr(t) = name else {
            return e;
        };
        let text = match t.as_ref() {
            hcl::TemplateExpr::QuotedString(s) => s.as_str(),
            hcl::TemplateExpr::Heredoc(h) => h.template.as_str(),
        };
        if !text.contains("aws_caller_identity") && !text.contains("local.") {
            return e;
        }
        let Ok(tpl) = Template::from_expr(t) else {
            return e;
        };
        let elements: Vec<Element> = tpl.elements().to_vec();
        if !elements
            .iter()
            .all(|el| matches!(el, Element::Literal(_) | Element::Interpolation(_)))
        {
            return e;
        }
        // `"${local.global_csi}-infrastructure"` where `global_csi` is itself a template
        // holding the account id: its elements take the local's place.
        let mut inlined: Vec<String> = Vec::new();
        let mut elements = self.inline_account_id_locals(elements, 4, &mut inlined);
        let mut dropped: Vec<(String, String)> = Vec::new();
        let mut i = 0;
        while i < elements.len() {
            let Element::Interpolation(interp) = &elements[i] else {
                i += 1;
                continue;
            };
            let Some(via) = self.account_id_reference(&interp.expr, 4) else {
                i += 1;
                continue;
            };
            let written = format!("${{{}}}", hclx::inline(&interp.expr));
            let before = match i.checked_sub(1).map(|j| &elements[j]) {
                None => Some(false),
                Some(Element::Literal(l)) if l.is_empty() => Some(false),
                Some(Element::Literal(l)) if l.ends_with(SEPARATORS) => Some(true),
                _ => None,
            };
            let after = match elements.get(i + 1) {
                None => Some(false),
                Some(Element::Literal(l)) if l.is_empty() => Some(false),
                Some(Element::Literal(l)) if l.starts_with(SEPARATORS) => Some(true),
                _ => None,
            };
            let (Some(sep_before), Some(sep_after)) = (before, after) else {
                i += 1;
                continue;
            };
            if !sep_before && !sep_after {
                i += 1;
                continue;
            }
            let removed = if sep_before {
                let Some(Element::Literal(l)) = elements.get_mut(i - 1) else {
                    i += 1;
                    continue;
                };
                let sep = l.pop().map(String::from).unwrap_or_default();
                format!("{sep}{written}")
            } else {
                let Some(Element::Literal(l)) = elements.get_mut(i + 1) else {
                    i += 1;
                    continue;
                };
                let sep = l.remove(0);
                format!("{written}{sep}")
            };
            dropped.push((removed, via));
            elements.remove(i);
        }
        if dropped.is_empty() {
            return e;
        }
        let mut text = String::new();
        let mut literal = String::new();
        let mut interpolated = false;
        for el in &elements {
            match el {
                Element::Literal(l) => {
                    hclx::push_escaped(&mut text, l, false);
                    literal.push_str(l);
                }
                Element::Interpolation(x) => {
                    interpolated = true;
                    text.push_str(&format!("${{{}}}", hclx::inline(&x.expr)));
                }
                Element::Directive(_) => return e,
            }
        }
        let result = if interpolated {
            hclx::template(text)
        } else {
            Expression::String(literal)
        };
        let what = dropped
            .iter()
            .map(|(d, via)| match via.is_empty() {
                true => format!("`{d}`"),
                false => format!("`{d}` ({via})"),
            })
            .collect::<Vec<_>>()
            .join(", ");
        let written_out = match inlined.is_empty() {
            true => String::new(),
            false => format!(
                " (with {} written out in it)",
                inlined
                    .iter()
                    .map(|n| format!("`local.{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        self.diag(
            Diagnostic::new(
                Code::UnmappedReference,
                format!(
                    "the name of `{}` reads the AWS account id only to be unique: DigitalOcean has no account id, so {what} was dropped from `{}`{written_out} and `var.instance_id` makes the name unique instead",
                    r.address(),
                    hclx::inline(&e),
                ),
            )
            .at(r.loc.clone())
            .resource(r.address())
            .help("write `${var.instance_id}` where the account id was, to choose where it goes"),
        );
        result
    }

    /// The elements of a name's template with every `${local.x}` whose value is a template
    /// reaching the account id (through at most `depth` locals) replaced by that template's
    /// elements, so that the account id's segment can be dropped from the name without
    /// changing the local (which other readers may read). `inlined` collects the locals
    /// written out. Adjacent literals are merged.
    fn inline_account_id_locals(
        &self,
        elements: Vec<hcl::template::Element>,
        depth: u32,
        inlined: &mut Vec<String>,
    ) -> Vec<hcl::template::Element> {
        use hcl::template::{Element, Template};
        let mut out: Vec<Element> = Vec::with_capacity(elements.len());
        let push = |out: &mut Vec<Element>, el: Element| match (out.last_mut(), el) {
            (Some(Element::Literal(prev)), Element::Literal(l)) => prev.push_str(&l),
            (_, el) => out.push(el),
        };
        for el in elements {
            let local = match &el {
                Element::Interpolation(x) if depth > 0 => match hclx::traversal_root(&x.expr) {
                    Some(("local", [Op::GetAttr(n)])) => {
                        self.module.locals.iter().find(|l| l.name == n.as_str())
                    }
                    _ => None,
                },
                _ => None,
            };
            let inner = local.and_then(|l| {
                let Expression::TemplateExpr(t) = &l.expr else {
                    return None;
                };
                let text = match t.as_ref() {
                    hcl::TemplateExpr::QuotedString(s) => s.as_str(),
                    hcl::TemplateExpr::Heredoc(h) => h.template.as_str(),
                };
                if !text.contains("aws_caller_identity") && !text.contains("local.") {
                    return None;
                }
                let tpl = Template::from_expr(t).ok()?;
                // A template that is one interpolation is a reference, read as one.
                if tpl.elements().len() < 2
                    || !tpl
                        .elements()
                        .iter()
                        .all(|el| matches!(el, Element::Literal(_) | Element::Interpolation(_)))
                {
                    return None;
                }
                let mut names = Vec::new();
                let inner = self.inline_account_id_locals(tpl.elements().to_vec(), depth - 1, &mut names);
                let reaches = inner.iter().any(|el| {
                    matches!(el, Element::Interpolation(x) if self.account_id_reference(&x.expr, 4).is_some())
                });
                reaches.then(|| {
                    inlined.push(l.name.clone());
                    inlined.append(&mut names);
                    inner
                })
            });
            match inner {
                Some(inner) => inner.into_iter().for_each(|x| push(&mut out, x)),
                None => push(&mut out, el),
            }
        }
        out
    }

    /// `data.aws_caller_identity.<name>.account_id` (or `.id`), directly or as a local whose
    /// value it is: for the warning, what a local reads (`` `local.account_id` → `data.…` ``),
    /// empty for the reference itself.
    fn account_id_reference(&self, e: &Expression, depth: u32) -> Option<String> {
        match hclx::traversal_root(e)? {
            ("data", [Op::GetAttr(ty), Op::GetAttr(n), Op::GetAttr(attr)])
                if ty.as_str() == "aws_caller_identity"
                    && matches!(attr.as_str(), "account_id" | "id") =>
            {
                Some(String::new())
            }
            ("local", [Op::GetAttr(n)]) if depth > 0 => {
                let l = self.module.locals.iter().find(|l| l.name == n.as_str())?;
                let inner = match &l.expr {
                    // `"${data.aws_caller_identity.current.account_id}"`.
                    Expression::TemplateExpr(t) => {
                        let tpl = hcl::template::Template::from_expr(t).ok()?;
                        match tpl.elements() {
                            [hcl::template::Element::Interpolation(x)] => x.expr.clone(),
                            _ => return None,
                        }
                    }
                    other => other.clone(),
                };
                let via = self.account_id_reference(&inner, depth - 1)?;
                let via = match via.is_empty() {
                    true => format!("`{}`", hclx::inline(&inner)),
                    false => via,
                };
                Some(format!("`local.{}` → {via}", n.as_str()))
            }
            _ => None,
        }
    }

    /// Does the expression carry `var.instance_id`, directly or through locals?
    pub fn mentions_instance_id(&self, e: &Expression) -> bool {
        self.mentions_instance_id_via(e, true)
    }

    /// [`Cx::mentions_instance_id`], counting module inputs that every caller makes unique
    /// only when `inputs`.
    pub fn mentions_instance_id_via(&self, e: &Expression, inputs: bool) -> bool {
        // Expressions are borrowed (from the caller and the module's locals), never copied.
        let module: &'a Module = self.module;
        let no_inputs = std::collections::BTreeSet::new();
        let carried = if inputs {
            &self.st.instance_id_inputs
        } else {
            &no_inputs
        };
        let mut seen: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();
        let mut stack = vec![e];
        while let Some(e) = stack.pop() {
            if hclx::mentions_var(e, "instance_id") {
                return true;
            }
            let mut via_input = false;
            hclx::walk(e, &mut |x| match hclx::traversal_root(x) {
                Some(("local", [hcl::expr::TraversalOperator::GetAttr(name), ..])) => {
                    if let Some(l) = module.locals.iter().find(|l| l.name == name.as_str())
                        && seen.insert(l.name.as_str())
                    {
                        stack.push(&l.expr);
                    }
                }
                // `var.bucket` that every caller sets to a name carrying the instance id.
                Some(("var", [hcl::expr::TraversalOperator::GetAttr(name), ..])) => {
                    via_input |= carried.contains(name.as_str());
                }
                _ => {}
            });
            if via_input {
                return true;
            }
        }
        false
    }

    /// The tag list every taggable resource carries: `instance-id:${var.instance_id}`.
    pub fn tags(&self) -> Expression {
        Expression::Array(vec![hclx::template("instance-id:${var.instance_id}")])
    }

    /// The `digitalocean_vpc` of the module (the one `r` refers to through `vpc_id`, or the
    /// only one), as `digitalocean_vpc.x.id`; in a module without one, the variable its caller
    /// passes the VPC of another module in (`var.vpc_id`, `xmod::Facts::vpc_var`).
    pub fn vpc_id(&self, r: &Resource) -> Option<Expression> {
        let via_ref = self
            .parent(r, "vpc_id")
            .filter(|a| a.starts_with("digitalocean_vpc."));
        let addr = via_ref.or_else(|| {
            self.st
                .emitted
                .iter()
                .find(|e| e.ty == "digitalocean_vpc" && e.mode == Mode::Managed)
                .map(|e| e.address())
        });
        // No VPC in this module: the one of another module its caller passes in (`var.vpc_id`,
        // `crate::xmod`), which that module outputs as the DigitalOcean VPC's id.
        let Some(addr) = addr else {
            return self.xmod.vpc_var.as_ref().map(|(e, _)| e.clone());
        };
        let name = addr.trim_start_matches("digitalocean_vpc.");
        let repeated = self
            .st
            .find(&addr)
            .map(|e| e.meta.is_repeated())
            .unwrap_or(false);
        if repeated {
            Some(hclx::traversal(
                "digitalocean_vpc",
                vec![
                    hcl::expr::TraversalOperator::GetAttr(hcl::Identifier::unchecked(name)),
                    hcl::expr::TraversalOperator::Index(Expression::Number(0.into())),
                    hcl::expr::TraversalOperator::GetAttr(hcl::Identifier::unchecked("id")),
                ],
            ))
        } else {
            Some(hclx::path(&["digitalocean_vpc", name, "id"]))
        }
    }

    /// Records an artifact the controller must copy into the appliance.
    pub fn artifact(&mut self, artifact: crate::report::Artifact) {
        if !self.st.artifacts.contains(&artifact) {
            self.st.artifacts.push(artifact);
        }
    }

    /// Records a secret the appliance needs (names only, never values).
    pub fn secret(&mut self, secret: crate::report::SecretRef) {
        if !self.st.secrets.contains(&secret) {
            self.st.secrets.push(secret);
        }
    }

    /// The appliance's Kubernetes namespace, created on first use: workloads, their Services
    /// and Secrets live in it. Returns `kubernetes_namespace_v1.appliance.metadata[0].name`.
    /// The namespace is `appliance-${var.instance_id}` (with the module folder appended in a
    /// child module, so two modules never claim the same namespace).
    pub fn k8s_namespace(&mut self) -> Expression {
        const NS: &str = "kubernetes_namespace_v1.appliance";
        if self.st.find(NS).is_none() {
            let suffix: String = self
                .module
                .dir
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() {
                        c.to_ascii_lowercase()
                    } else {
                        '-'
                    }
                })
                .collect();
            let name = if suffix.trim_matches('-').is_empty() {
                "appliance-${var.instance_id}".to_string()
            } else {
                format!(
                    "appliance-${{var.instance_id}}-{}",
                    suffix.trim_matches('-')
                )
            };
            let mut body = OutBody::new();
            let md = body.block("metadata");
            md.set("name", hclx::template(name));
            md.set(
                "labels",
                Expression::Object(
                    [
                        ("app.kubernetes.io/managed-by", hclx::template("ferry")),
                        ("ferry.dev/instance-id", hclx::path(&["var", "instance_id"])),
                    ]
                    .into_iter()
                    .map(|(k, v)| {
                        (
                            hcl::expr::ObjectKey::Expression(Expression::String(k.into())),
                            v,
                        )
                    })
                    .collect(),
                ),
            );
            self.st.emitted.push(Emitted {
                mode: Mode::Managed,
                ty: "kubernetes_namespace_v1".into(),
                name: "appliance".into(),
                body,
                meta: Meta::default(),
                origin: None,
            });
        }
        hclx::traversal(
            "kubernetes_namespace_v1",
            vec![
                hcl::expr::TraversalOperator::GetAttr(hcl::Identifier::unchecked("appliance")),
                hcl::expr::TraversalOperator::GetAttr(hcl::Identifier::unchecked("metadata")),
                hcl::expr::TraversalOperator::Index(Expression::Number(0.into())),
                hcl::expr::TraversalOperator::GetAttr(hcl::Identifier::unchecked("name")),
            ],
        )
    }

    /// A data file of the origin (JSON, template, YAML, script) by a path relative to this module's
    /// folder (`./task.json`, `templates/app.json.tpl`, `../shared/x.json`); `None` when the
    /// input does not hold it. Read-only: the compiler never touches the file system.
    pub fn file(&self, path: &str) -> Option<&'a str> {
        let full = crate::origin::join_dir(&self.module.dir, path)?;
        self.module.data_files.get(&full).map(|s| s.as_str())
    }

    /// Declares a variable of the deployment stack (once; a variable the origin already declares
    /// is left as the origin wrote it) and returns `var.<name>`.
    pub fn variable(&mut self, name: &str, body: OutBody) -> Expression {
        let declared = self.module.variables.iter().any(|v| v.name == name)
            || self.st.variables.iter().any(|(n, _)| n == name);
        if !declared {
            self.st.variables.push((name.to_string(), body));
        }
        hclx::path(&["var", name])
    }

    /// Adds a file to the deployment stack (a rewritten manifest), by a path relative to this
    /// module's folder. Paths that climb out of the folder are refused.
    pub fn output_file(&mut self, path: &str, text: String) -> bool {
        if path.starts_with('/') || path.split('/').any(|seg| seg == ".." || seg.is_empty()) {
            return false;
        }
        self.st.files.insert(path.to_string(), text);
        true
    }

    /// Everything in the module that mentions `target` (`aws_x.name…` or `data.aws_x.name…`,
    /// anywhere in an expression, templates included): resources, outputs, locals, module
    /// calls — from an index built once per module. Use it instead of scanning
    /// `cx.resources` / `cx.module.outputs` for references to one resource (a scan per rule
    /// makes the compile quadratic); apply any finer test (a particular argument or
    /// attribute) to what it returns.
    /// The module's locals that mention `target` (as [`Cx::referrers`]`.locals`, without
    /// collecting the rest).
    pub fn local_referrers(&self, target: &Resource) -> Vec<&'a crate::origin::Local> {
        let module: &'a Module = self.module;
        self.with_ref_index(|ix| {
            ix.locals
                .get(target.address())
                .map(|v| v.iter().filter_map(|&i| module.locals.get(i)).collect())
                .unwrap_or_default()
        })
    }

    pub fn referrers(&self, target: &Resource) -> Referrers<'a> {
        let resources: &'a [Resource] = self.resources;
        let module: &'a Module = self.module;
        self.with_ref_index(|ix| Self::referrers_in(ix, module, resources, target))
    }

    /// Runs `f` on the module's reference index, building it on first use.
    fn with_ref_index<T>(&self, f: impl FnOnce(&RefIndex) -> T) -> T {
        let mut cache = self.st.ref_index.borrow_mut();
        let ix = match cache.take() {
            Some(ix) if ix.len == self.resources.len() => ix,
            _ => RefIndex::build(self.module, self.resources),
        };
        let out = f(&ix);
        *cache = Some(ix);
        out
    }

    fn referrers_in(
        ix: &RefIndex,
        module: &'a Module,
        resources: &'a [Resource],
        target: &Resource,
    ) -> Referrers<'a> {
        let key = target.address();
        fn at<'m>(map: &'m AddrMap<Vec<usize>>, key: &str) -> &'m [usize] {
            map.get(key).map(Vec::as_slice).unwrap_or_default()
        }
        let direct = at(&ix.resources, key);
        let mut either: Vec<usize> = direct.iter().chain(&ix.module_users).copied().collect();
        either.sort_unstable();
        either.dedup();
        Referrers {
            resources: direct.iter().filter_map(|&i| resources.get(i)).collect(),
            outputs: at(&ix.outputs, key)
                .iter()
                .filter_map(|&i| module.outputs.get(i))
                .collect(),
            locals: at(&ix.locals, key)
                .iter()
                .filter_map(|&i| module.locals.get(i))
                .collect(),
            calls: at(&ix.calls, key)
                .iter()
                .filter_map(|&i| module.module_calls.get(i))
                .collect(),
            resources_or_module_users: either
                .into_iter()
                .filter_map(|i| resources.get(i))
                .collect(),
        }
    }
}

/// Sets (or replaces) the export of `attr`.
fn set_export(ex: &mut Exports, attr: Text, export: Export) {
    ex.attrs.insert(attr, export);
}

/// Runs `f` on the value of `key` in `map`, inserting `new()` first when the key is absent;
/// the key is copied only then (`entry` would take an owned key for every call).
fn with_entry<V, T>(
    map: &mut AddrMap<V>,
    key: &str,
    new: impl FnOnce() -> V,
    f: impl FnOnce(&mut V) -> T,
) -> T {
    match map.get_mut(key) {
        Some(v) => f(v),
        None => f(map.entry(key.to_string()).or_insert_with(new)),
    }
}

/// The address of one instance of a repeated origin resource, as the reference pass looks it
/// up: `aws_ecs_service.svc["web"]`, `data.aws_ssm_parameter.keys[0]`.
pub fn instance_address(addr: &str, key: &hcl::Value) -> String {
    match key {
        hcl::Value::String(k) => format!("{addr}[{k:?}]"),
        other => format!("{addr}[{other}]"),
    }
}

/// A lowercase identifier for a variable name from arbitrary text: runs of other characters
/// become one `_`, none at either end; `s_` in front of a leading digit (`prod/db-creds` →
/// `prod_db_creds`).
pub fn var_ident(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let out = out.trim_matches('_').to_string();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        format!("s_{out}")
    } else {
        out
    }
}

/// A Terraform name from arbitrary text.
pub fn sanitize_name(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !out.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        out.insert(0, '_');
    }
    out
}

#[cfg(test)]
mod index_tests {
    use super::*;
    use crate::source::Loc;

    fn emitted(mode: Mode, ty: &str, name: &str) -> Emitted {
        Emitted {
            mode,
            ty: ty.into(),
            name: name.into(),
            body: OutBody::new(),
            meta: Meta::default(),
            origin: None,
        }
    }

    fn resource(mode: Mode, ty: &str, name: &str, body: &str) -> Resource {
        Resource::new(
            mode,
            ty.into(),
            name.into(),
            hcl::parse(body).expect("test body parses"),
            Meta::default(),
            Loc::file("main.tf"),
            Default::default(),
        )
    }

    #[test]
    fn emitted_index_follows_pushes_renames_and_removals() {
        let mut st = State::default();
        st.emitted
            .push(emitted(Mode::Managed, "digitalocean_vpc", "a"));
        st.emitted
            .push(emitted(Mode::Data, "digitalocean_vpc", "a"));
        assert_eq!(
            st.find("digitalocean_vpc.a").map(|e| e.mode),
            Some(Mode::Managed)
        );
        assert_eq!(
            st.find("data.digitalocean_vpc.a").map(|e| e.mode),
            Some(Mode::Data)
        );
        assert!(st.find("digitalocean_vpc.b").is_none());
        // Pushed after the index was built.
        st.emitted
            .push(emitted(Mode::Managed, "digitalocean_vpc", "b"));
        assert!(st.find("digitalocean_vpc.b").is_some());
        assert!(st.is_taken(Mode::Managed, "digitalocean_vpc", "b"));
        assert!(!st.is_taken(Mode::Managed, "digitalocean_vpc", "c"));
        // Renamed through find_mut.
        if let Some(e) = st.find_mut("digitalocean_vpc.b") {
            e.name = "c".into();
        }
        assert!(st.find("digitalocean_vpc.b").is_none());
        assert!(!st.is_taken(Mode::Managed, "digitalocean_vpc", "b"));
        assert!(st.is_taken(Mode::Managed, "digitalocean_vpc", "c"));
        assert_eq!(
            st.find("digitalocean_vpc.c").map(|e| e.name.as_str()),
            Some("c")
        );
        // Removed.
        st.emitted.remove(0);
        assert!(st.find("digitalocean_vpc.a").is_none());
        assert!(st.find("data.digitalocean_vpc.a").is_some());
        // Duplicates: the first one wins, as a scan would.
        let mut dup = emitted(Mode::Managed, "digitalocean_vpc", "c");
        dup.origin = Some("second".into());
        st.emitted.push(dup);
        assert_eq!(
            st.find("digitalocean_vpc.c").and_then(|e| e.origin.clone()),
            None
        );
    }

    #[test]
    fn origin_index_resolves_like_a_scan() {
        let resources = vec![
            resource(Mode::Managed, "aws_s3_bucket", "b", "bucket = \"x\""),
            resource(Mode::Managed, "aws_vpc", "main", ""),
            resource(Mode::Data, "aws_vpc", "main", ""),
            resource(Mode::Managed, "aws_s3_bucket", "a", ""),
            resource(
                Mode::Managed,
                "aws_s3_bucket_versioning",
                "b",
                "bucket = aws_s3_bucket.b.id",
            ),
        ];
        let module = Module::default();
        let eval = Eval::new(&module, &BTreeMap::new(), None);
        let options = Options::default();
        for indexed in [false, true] {
            let mut st = State::default();
            if indexed {
                st.index_origin(&resources);
            }
            let cx = Cx {
                module: &module,
                resources: &resources,
                eval: &eval,
                options: &options,
                st: &mut st,
                xmod: &crate::xmod::NONE,
                at_deploy: &BTreeSet::new(),
            };
            let names: Vec<&str> = cx
                .origin_of_type("aws_s3_bucket")
                .map(|r| r.name.as_str())
                .collect();
            assert_eq!(names, ["b", "a"], "origin order (indexed: {indexed})");
            assert_eq!(cx.origin_of_type("aws_vpc").count(), 1);
            assert_eq!(cx.origin_of_type("aws_nothing").count(), 0);
            let parent = cx.referenced(&resources[4], "bucket").map(|r| r.address());
            assert_eq!(parent, Some("aws_s3_bucket.b"));
            let data: Expression = "data.aws_vpc.main.id".parse().expect("expr");
            assert_eq!(
                cx.resolve_ref(&data).map(|r| r.mode),
                Some(Mode::Data),
                "indexed: {indexed}"
            );
            let missing: Expression = "aws_vpc.other.id".parse().expect("expr");
            assert!(cx.resolve_ref(&missing).is_none());
        }
    }

    #[test]
    fn referrers_find_every_mention() {
        let mut x = resource(
            Mode::Managed,
            "aws_instance",
            "web",
            "subnet_id = aws_subnet.a.id\ntags = { Name = \"web-${aws_vpc.main.id}\" }\nebs_block_device {\n  kms_key_id = data.aws_kms_key.k.arn\n}\n",
        );
        x.meta.depends_on = Some("[aws_s3_bucket.logs]".parse().expect("expr"));
        let resources = vec![
            resource(Mode::Managed, "aws_vpc", "main", ""),
            resource(Mode::Managed, "aws_subnet", "a", "vpc_id = aws_vpc.main.id"),
            x,
            resource(
                Mode::Managed,
                "aws_security_group",
                "sg",
                "vpc_id = module.vpc.vpc_id",
            ),
            resource(Mode::Data, "aws_kms_key", "k", ""),
            resource(Mode::Managed, "aws_s3_bucket", "logs", ""),
        ];
        let text = "locals {\n  v = aws_vpc.main.id\n}\noutput \"o\" {\n  value = \"${aws_vpc.main.cidr_block}\"\n}\nmodule \"m\" {\n  source = \"./m\"\n  id = aws_subnet.a.id\n}\n";
        let mut files = BTreeMap::new();
        files.insert("main.tf".to_string(), text.to_string());
        let origin = crate::origin::parse(&files, &mut Vec::new());
        let module = origin.modules.get("").expect("root module");
        let eval = Eval::new(module, &BTreeMap::new(), None);
        let options = Options::default();
        let mut st = State::default();
        let cx = Cx {
            module,
            resources: &resources,
            eval: &eval,
            options: &options,
            st: &mut st,
            xmod: &crate::xmod::NONE,
            at_deploy: &BTreeSet::new(),
        };
        let addrs = |v: Vec<&Resource>| {
            v.iter()
                .map(|r| r.address().to_string())
                .collect::<Vec<_>>()
        };
        let vpc = cx.referrers(&resources[0]);
        assert_eq!(addrs(vpc.resources), ["aws_subnet.a", "aws_instance.web"]);
        assert_eq!(vpc.outputs.len(), 1);
        assert_eq!(vpc.locals.len(), 1);
        assert!(vpc.calls.is_empty());
        assert_eq!(
            addrs(vpc.resources_or_module_users),
            ["aws_subnet.a", "aws_instance.web", "aws_security_group.sg"]
        );
        let subnet = cx.referrers(&resources[1]);
        assert_eq!(addrs(subnet.resources), ["aws_instance.web"]);
        assert_eq!(subnet.calls.len(), 1);
        assert_eq!(
            addrs(cx.referrers(&resources[4]).resources),
            ["aws_instance.web"]
        );
        assert_eq!(
            addrs(cx.referrers(&resources[5]).resources),
            ["aws_instance.web"]
        );
        assert!(cx.referrers(&resources[2]).resources.is_empty());
    }
}
