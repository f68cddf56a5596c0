//! Reading a deployment stack: files (path → text) into modules of resources, data sources,
//! variables, locals, outputs and local module calls, each with its file and line.
//!
//! Only what `tofu apply` would read matters: `*.tf` files of the root folder and of the local
//! module folders that `module` blocks name (`source = "./modules/app"`); `terraform.tfvars` and
//! `*.auto.tfvars` of the root folder; every file stays readable by `file()`. `terraform` and
//! `provider` blocks are ignored: the engine has its own API endpoint and token.

use crate::eval::{Bindings, EmptyScope, Evaluator, normalize_path};
use crate::value::Val;
use hcl::edit::Span;
use hcl::expr::Expression;
use hcl::{Block, Body, Structure};
use std::collections::BTreeMap;
use std::fmt;

/// A place in the stack: `file:line`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Loc {
    pub file: String,
    pub line: u32,
}

impl fmt::Display for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// Everything that can be wrong with a stack before anything is applied.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum StackError {
    #[error("{loc}: cannot parse: {message}")]
    Parse { loc: Loc, message: String },
    #[error("{file}: brackets nest deeper than {max} levels")]
    TooDeep { file: String, max: usize },
    #[error("the stack has no `.tf` file in its root folder")]
    Empty,
    #[error("{second}: `{address}` is declared twice (first at {first})")]
    Duplicate {
        address: String,
        first: Loc,
        second: Loc,
    },
    #[error("{loc}: module `{call}`: {reason}")]
    Module {
        call: String,
        loc: Loc,
        reason: String,
    },
    #[error("{loc}: variable `{name}` has no value: give it one with --var {name}=…")]
    MissingVariable { name: String, loc: Loc },
    #[error("variable `{name}`: {reason}")]
    BadVariable { name: String, reason: String },
    #[error("{loc}: {message}")]
    Invalid { loc: Loc, message: String },
    #[error("{loc}: unknown reference `{reference}` in `{owner}`{hint}")]
    UnknownReference {
        owner: String,
        reference: String,
        loc: Loc,
        hint: String,
    },
    #[error("dependency cycle: {}", path.join(" → "))]
    Cycle { path: Vec<String> },
}

/// Managed resource or data source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mode {
    Managed,
    Data,
}

/// One `resource` or `data` block.
#[derive(Debug, Clone)]
pub struct ResourceConfig {
    pub mode: Mode,
    pub tf_type: String,
    pub name: String,
    pub module: usize,
    pub loc: Loc,
    pub count: Option<(Expression, Loc)>,
    pub for_each: Option<(Expression, Loc)>,
    pub depends_on: Vec<(Expression, Loc)>,
    /// The block body without meta-arguments (`count`, `for_each`, `depends_on`, `lifecycle`,
    /// `provider`, `provisioner`, `connection`).
    pub body: Body,
    /// Where each top-level argument or nested block of the body starts.
    pub attr_locs: BTreeMap<String, Loc>,
}

impl ResourceConfig {
    /// `digitalocean_vpc.main`, `data.digitalocean_domain.main` (within its module).
    pub fn local_key(&self) -> String {
        match self.mode {
            Mode::Managed => format!("{}.{}", self.tf_type, self.name),
            Mode::Data => format!("data.{}.{}", self.tf_type, self.name),
        }
    }

    pub fn loc_of(&self, attr: &str) -> Loc {
        self.attr_locs
            .get(attr)
            .cloned()
            .unwrap_or_else(|| self.loc.clone())
    }
}

/// The type a variable declares, as far as converting `--var` text needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeHint {
    String,
    Number,
    Bool,
    /// Lists, maps, objects, `any`: `--var` text is parsed as an HCL expression.
    Complex,
    Unspecified,
}

#[derive(Debug, Clone)]
pub struct Variable {
    pub name: String,
    pub default: Option<Expression>,
    pub type_hint: TypeHint,
    pub sensitive: bool,
    pub loc: Loc,
}

#[derive(Debug, Clone)]
pub struct Output {
    pub name: String,
    pub expr: Expression,
    pub sensitive: bool,
    pub loc: Loc,
}

#[derive(Debug, Clone)]
pub struct ModuleCall {
    pub name: String,
    pub child: usize,
    pub args: BTreeMap<String, (Expression, Loc)>,
    pub loc: Loc,
}

/// A module instance: the root, or one `module` block's folder.
#[derive(Debug, Clone)]
pub struct Module {
    pub parent: Option<usize>,
    /// The `module` block in the parent that instantiates this one.
    pub call_name: Option<String>,
    /// Address prefix: `""` for the root, `module.app.` for a child.
    pub prefix: String,
    /// Folder inside the stack: `""` for the root, `modules/app`.
    pub dir: String,
    pub variables: BTreeMap<String, Variable>,
    pub locals: BTreeMap<String, (Expression, Loc)>,
    pub outputs: BTreeMap<String, Output>,
    /// Indices into [`Stack::resources`].
    pub resources: Vec<usize>,
    pub calls: BTreeMap<String, ModuleCall>,
}

/// A parsed stack with its root variable values.
#[derive(Debug, Clone)]
pub struct Stack {
    pub files: BTreeMap<String, String>,
    pub modules: Vec<Module>,
    pub resources: Vec<ResourceConfig>,
    /// Values of the root module's variables: defaults, then tfvars, then overrides.
    pub root_vars: BTreeMap<String, Val>,
    /// Root variables without a value: an error only for what reads them (a secret that only a
    /// skipped Kubernetes object uses need not be given).
    pub missing_vars: BTreeMap<String, Loc>,
    /// Things that did not stop loading but a user should see.
    pub warnings: Vec<String>,
}

/// A variable value given from outside the stack.
#[derive(Debug, Clone)]
pub enum VarInput {
    /// Text from `--var name=text`: converted by the variable's declared type.
    Text(String),
    /// A value already typed (from a tfvars file read by the caller).
    Value(Val),
}

/// The deepest bracket nesting read: the parser recurses, a hostile file must cost an error.
pub const MAX_NESTING: usize = 128;
/// Local modules may call local modules, up to this depth.
pub const MAX_MODULE_DEPTH: usize = 16;

const META_ATTRS: &[&str] = &["count", "for_each", "depends_on", "provider"];
const META_BLOCKS: &[&str] = &["lifecycle", "provisioner", "connection"];

impl Stack {
    /// Reads the stack's files and resolves the root variables: declared defaults, then the
    /// stack's own `terraform.tfvars` and `*.auto.tfvars`, then `overrides` in order.
    pub fn load(
        files: BTreeMap<String, String>,
        overrides: &[(String, VarInput)],
    ) -> Result<Stack, StackError> {
        let files: BTreeMap<String, String> = files
            .into_iter()
            .map(|(p, t)| (normalize_path(&p), t))
            .collect();
        let mut stack = Stack {
            files,
            modules: Vec::new(),
            resources: Vec::new(),
            root_vars: BTreeMap::new(),
            missing_vars: BTreeMap::new(),
            warnings: Vec::new(),
        };
        if !stack
            .files
            .keys()
            .any(|p| dir_of(p).is_empty() && p.ends_with(".tf"))
        {
            return Err(StackError::Empty);
        }
        stack.load_module(String::new(), None, None, Vec::new())?;
        stack.resolve_root_vars(overrides)?;
        Ok(stack)
    }

    /// A module's address prefix and the resource's key: `module.app.digitalocean_droplet.app`.
    pub fn address(&self, index: usize) -> String {
        let r = &self.resources[index];
        format!("{}{}", self.modules[r.module].prefix, r.local_key())
    }

    fn load_module(
        &mut self,
        dir: String,
        parent: Option<usize>,
        call: Option<(String, Loc)>,
        chain: Vec<String>,
    ) -> Result<usize, StackError> {
        let id = self.modules.len();
        let prefix = match (parent, &call) {
            (Some(p), Some((name, _))) => format!("{}module.{name}.", self.modules[p].prefix),
            _ => String::new(),
        };
        self.modules.push(Module {
            parent,
            call_name: call.as_ref().map(|(n, _)| n.clone()),
            prefix,
            dir: dir.clone(),
            variables: BTreeMap::new(),
            locals: BTreeMap::new(),
            outputs: BTreeMap::new(),
            resources: Vec::new(),
            calls: BTreeMap::new(),
        });
        let paths: Vec<String> = self
            .files
            .keys()
            .filter(|p| dir_of(p) == dir && p.ends_with(".tf"))
            .cloned()
            .collect();
        if paths.is_empty()
            && let Some((name, loc)) = &call
        {
            return Err(StackError::Module {
                call: name.clone(),
                loc: loc.clone(),
                reason: format!("the folder `{dir}` has no `.tf` file in the stack"),
            });
        }
        let mut seen: BTreeMap<String, Loc> = BTreeMap::new();
        let module_prefix = self.modules[id].prefix.clone();
        let mut pending_calls = Vec::new();
        for path in paths {
            let text = self.files.get(&path).cloned().unwrap_or_default();
            for (block_or_attr, loc, inner) in parse_file(&path, &text)? {
                let Structure::Block(block) = block_or_attr else {
                    return Err(StackError::Invalid {
                        loc,
                        message: "a top-level argument is not valid Terraform here".into(),
                    });
                };
                let labels: Vec<String> = block
                    .labels
                    .iter()
                    .map(|l| l.as_str().to_string())
                    .collect();
                let kind = block.identifier.as_str().to_string();
                let mut declare = |key: String, loc: &Loc| -> Result<(), StackError> {
                    if let Some(first) = seen.get(&key) {
                        return Err(StackError::Duplicate {
                            address: format!("{module_prefix}{key}"),
                            first: first.clone(),
                            second: loc.clone(),
                        });
                    }
                    seen.insert(key, loc.clone());
                    Ok(())
                };
                match (kind.as_str(), labels.as_slice()) {
                    ("resource" | "data", [tf_type, name]) => {
                        let mode = if kind == "resource" {
                            Mode::Managed
                        } else {
                            Mode::Data
                        };
                        let provisioners: Vec<String> = block
                            .body
                            .iter()
                            .filter_map(|s| match s {
                                Structure::Block(b) if b.identifier.as_str() == "provisioner" => {
                                    Some(format!(
                                        "`{}`",
                                        b.labels.first().map(|l| l.as_str()).unwrap_or("?")
                                    ))
                                }
                                _ => None,
                            })
                            .collect();
                        if !provisioners.is_empty() {
                            self.warnings.push(format!(
                                "{loc}: `{tf_type}.{name}`: its provisioners ({}) are not run by ferry deploy; `tofu apply` runs them",
                                provisioners.join(", ")
                            ));
                        }
                        let r = resource_config(mode, tf_type, name, id, loc, inner, block)?;
                        declare(r.local_key(), &r.loc)?;
                        let index = self.resources.len();
                        self.resources.push(r);
                        self.modules[id].resources.push(index);
                    }
                    ("variable", [name]) => {
                        declare(format!("var.{name}"), &loc)?;
                        let v = variable(name, loc, &block);
                        self.modules[id].variables.insert(name.clone(), v);
                    }
                    ("output", [name]) => {
                        declare(format!("output.{name}"), &loc)?;
                        let expr =
                            attr(&block.body, "value").ok_or_else(|| StackError::Invalid {
                                loc: loc.clone(),
                                message: format!("output `{name}` has no `value`"),
                            })?;
                        let sensitive =
                            matches!(attr(&block.body, "sensitive"), Some(Expression::Bool(true)));
                        self.modules[id].outputs.insert(
                            name.clone(),
                            Output {
                                name: name.clone(),
                                expr,
                                sensitive,
                                loc,
                            },
                        );
                    }
                    ("locals", []) => {
                        for a in block.body.attributes() {
                            let key = a.key.as_str().to_string();
                            let aloc = inner.get(&key).cloned().unwrap_or_else(|| loc.clone());
                            declare(format!("local.{key}"), &aloc)?;
                            self.modules[id].locals.insert(key, (a.expr.clone(), aloc));
                        }
                    }
                    ("module", [name]) => {
                        declare(format!("module.{name}"), &loc)?;
                        pending_calls.push((name.clone(), loc, inner, block));
                    }
                    ("terraform" | "provider" | "moved" | "import" | "check" | "removed", _) => {}
                    _ => self.warnings.push(format!(
                        "{loc}: `{kind}` block ignored (not something ferry deploy applies)"
                    )),
                }
            }
        }
        for (name, loc, inner, block) in pending_calls {
            let fail = |reason: String| StackError::Module {
                call: name.clone(),
                loc: loc.clone(),
                reason,
            };
            if attr(&block.body, "count").is_some() || attr(&block.body, "for_each").is_some() {
                return Err(fail(
                    "`count`/`for_each` on a module call is not supported by ferry deploy".into(),
                ));
            }
            let source = match attr(&block.body, "source") {
                Some(Expression::String(s)) => s,
                _ => return Err(fail("`source` must be a literal string".into())),
            };
            if !(source.starts_with("./") || source.starts_with("../")) {
                return Err(fail(format!(
                    "source `{source}` is not a local folder; ferry deploy applies local modules only (the compiler expands registry modules)"
                )));
            }
            let child_dir = normalize_path(&format!("{dir}/{source}"));
            if chain.contains(&child_dir) || child_dir == dir {
                return Err(fail(format!("`{source}` calls itself")));
            }
            if chain.len() >= MAX_MODULE_DEPTH {
                return Err(fail(format!(
                    "local modules nest deeper than {MAX_MODULE_DEPTH} levels"
                )));
            }
            let mut args = BTreeMap::new();
            for a in block.body.attributes() {
                let key = a.key.as_str();
                if matches!(key, "source" | "version" | "providers" | "depends_on") {
                    continue;
                }
                let aloc = inner.get(key).cloned().unwrap_or_else(|| loc.clone());
                args.insert(key.to_string(), (a.expr.clone(), aloc));
            }
            let mut child_chain = chain.clone();
            child_chain.push(dir.clone());
            let child = self.load_module(
                child_dir,
                Some(id),
                Some((name.clone(), loc.clone())),
                child_chain,
            )?;
            // Every argument must name a declared variable of the child.
            for (key, (_, aloc)) in &args {
                if !self.modules[child].variables.contains_key(key) {
                    return Err(StackError::Invalid {
                        loc: aloc.clone(),
                        message: format!("module `{name}` has no variable `{key}`"),
                    });
                }
            }
            for (vname, v) in &self.modules[child].variables {
                if v.default.is_none() && !args.contains_key(vname) {
                    return Err(fail(format!(
                        "the module needs `{vname}` (declared at {}) and the call does not set it",
                        v.loc
                    )));
                }
            }
            self.modules[id].calls.insert(
                name.clone(),
                ModuleCall {
                    name,
                    child,
                    args,
                    loc,
                },
            );
        }
        Ok(id)
    }

    fn resolve_root_vars(&mut self, overrides: &[(String, VarInput)]) -> Result<(), StackError> {
        let mut values: BTreeMap<String, Val> = BTreeMap::new();
        let vars = self.modules[0].variables.clone();
        for (name, v) in &vars {
            if let Some(default) = &v.default {
                let value = Evaluator::new(&EmptyScope, Bindings::new())
                    .eval(default)
                    .map_err(|e| StackError::Invalid {
                        loc: v.loc.clone(),
                        message: format!("the default of variable `{name}`: {e}"),
                    })?;
                values.insert(name.clone(), value);
            }
        }
        // The stack's own tfvars, as `tofu apply` reads them.
        let mut tfvars: Vec<&String> = self
            .files
            .keys()
            .filter(|p| {
                dir_of(p).is_empty() && (*p == "terraform.tfvars" || p.ends_with(".auto.tfvars"))
            })
            .collect();
        tfvars.sort_by_key(|p| (*p != "terraform.tfvars", (*p).clone()));
        let mut from_files = Vec::new();
        for path in tfvars {
            let text = &self.files[path];
            for (name, value) in parse_tfvars(path, text)? {
                from_files.push((path.clone(), name, value));
            }
        }
        for (path, name, value) in from_files {
            if vars.contains_key(&name) {
                values.insert(name, value);
            } else {
                self.warnings.push(format!(
                    "{path}: `{name}` is not a variable of the stack; ignored"
                ));
            }
        }
        for (name, input) in overrides {
            let Some(decl) = vars.get(name) else {
                return Err(StackError::BadVariable {
                    name: name.clone(),
                    reason: "the stack declares no such variable".into(),
                });
            };
            let value = match input {
                VarInput::Value(v) => v.clone(),
                VarInput::Text(text) => convert_text(name, decl.type_hint, text)?,
            };
            values.insert(name.clone(), value);
        }
        for (name, v) in &vars {
            if !values.contains_key(name) {
                self.missing_vars.insert(name.clone(), v.loc.clone());
            }
        }
        self.root_vars = values;
        Ok(())
    }
}

/// Parses a tfvars file (`name = value` lines of constant expressions).
pub fn parse_tfvars(path: &str, text: &str) -> Result<Vec<(String, Val)>, StackError> {
    let mut out = Vec::new();
    for (s, loc, _) in parse_file(path, text)? {
        match s {
            Structure::Attribute(a) => {
                let value = Evaluator::new(&EmptyScope, Bindings::new())
                    .eval(&a.expr)
                    .map_err(|e| StackError::Invalid {
                        loc: loc.clone(),
                        message: format!("`{}`: {e}", a.key.as_str()),
                    })?;
                out.push((a.key.as_str().to_string(), value));
            }
            Structure::Block(_) => {
                return Err(StackError::Invalid {
                    loc,
                    message: "a tfvars file holds `name = value` lines only".into(),
                });
            }
        }
    }
    Ok(out)
}

fn convert_text(name: &str, hint: TypeHint, text: &str) -> Result<Val, StackError> {
    let bad = |reason: String| StackError::BadVariable {
        name: name.to_string(),
        reason,
    };
    match hint {
        TypeHint::String | TypeHint::Unspecified => Ok(Val::Str(text.to_string())),
        TypeHint::Number => text
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .map(Val::Num)
            .ok_or_else(|| bad(format!("`{text}` is not a number"))),
        TypeHint::Bool => match text.trim() {
            "true" => Ok(Val::Bool(true)),
            "false" => Ok(Val::Bool(false)),
            _ => Err(bad(format!("`{text}` is not `true` or `false`"))),
        },
        TypeHint::Complex => {
            if too_deep(text).is_some() {
                return Err(bad(format!("nests deeper than {MAX_NESTING} levels")));
            }
            let expr: Expression = text
                .parse()
                .map_err(|e| bad(format!("not an HCL value: {e}")))?;
            Evaluator::new(&EmptyScope, Bindings::new())
                .eval(&expr)
                .map_err(|e| bad(e.to_string()))
        }
    }
}

fn variable(name: &str, loc: Loc, block: &Block) -> Variable {
    let type_hint = match attr(&block.body, "type") {
        None => TypeHint::Unspecified,
        Some(Expression::Variable(v)) => match v.as_str() {
            "string" => TypeHint::String,
            "number" => TypeHint::Number,
            "bool" => TypeHint::Bool,
            _ => TypeHint::Complex,
        },
        Some(_) => TypeHint::Complex,
    };
    Variable {
        name: name.to_string(),
        default: attr(&block.body, "default"),
        type_hint,
        sensitive: matches!(attr(&block.body, "sensitive"), Some(Expression::Bool(true))),
        loc,
    }
}

fn resource_config(
    mode: Mode,
    tf_type: &str,
    name: &str,
    module: usize,
    loc: Loc,
    attr_locs: BTreeMap<String, Loc>,
    block: Block,
) -> Result<ResourceConfig, StackError> {
    let at = |key: &str| attr_locs.get(key).cloned().unwrap_or_else(|| loc.clone());
    let count = attr(&block.body, "count").map(|e| (e, at("count")));
    let for_each = attr(&block.body, "for_each").map(|e| (e, at("for_each")));
    if count.is_some() && for_each.is_some() {
        return Err(StackError::Invalid {
            loc,
            message: format!("`{tf_type}.{name}` sets both `count` and `for_each`"),
        });
    }
    let depends_on = match attr(&block.body, "depends_on") {
        None => Vec::new(),
        Some(Expression::Array(items)) => {
            items.into_iter().map(|e| (e, at("depends_on"))).collect()
        }
        Some(_) => {
            return Err(StackError::Invalid {
                loc: at("depends_on"),
                message: "`depends_on` must be a list of references".into(),
            });
        }
    };
    let body: Body = block
        .body
        .into_iter()
        .filter(|s| match s {
            Structure::Attribute(a) => !META_ATTRS.contains(&a.key.as_str()),
            Structure::Block(b) => !META_BLOCKS.contains(&b.identifier.as_str()),
        })
        .collect();
    Ok(ResourceConfig {
        mode,
        tf_type: tf_type.to_string(),
        name: name.to_string(),
        module,
        loc,
        count,
        for_each,
        depends_on,
        body,
        attr_locs,
    })
}

/// The expression of a top-level attribute of a body.
pub fn attr(body: &Body, key: &str) -> Option<Expression> {
    body.attributes()
        .find(|a| a.key.as_str() == key)
        .map(|a| a.expr.clone())
}

fn dir_of(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..i])
}

type Parsed = Vec<(Structure, Loc, BTreeMap<String, Loc>)>;

/// Parses one file into its top-level structures, each with its location and the locations of
/// the arguments and blocks directly inside it.
fn parse_file(path: &str, text: &str) -> Result<Parsed, StackError> {
    if too_deep(text).is_some() {
        return Err(StackError::TooDeep {
            file: path.to_string(),
            max: MAX_NESTING,
        });
    }
    let body = hcl::edit::parser::parse_body(text).map_err(|e| StackError::Parse {
        loc: Loc {
            file: path.to_string(),
            line: e.location().line() as u32,
        },
        message: e.message().to_string(),
    })?;
    let lines = LineIndex::new(text);
    let loc = |offset: Option<usize>| Loc {
        file: path.to_string(),
        line: lines.line(offset.unwrap_or(0)),
    };
    let mut out = Vec::new();
    for s in body.iter() {
        let (here, inner) = match s {
            hcl::edit::structure::Structure::Block(b) => {
                let mut inner = BTreeMap::new();
                for i in b.body.iter() {
                    let (key, span) = match i {
                        hcl::edit::structure::Structure::Attribute(a) => {
                            (a.key.as_str().to_string(), a.span())
                        }
                        hcl::edit::structure::Structure::Block(b) => {
                            (b.ident.as_str().to_string(), b.span())
                        }
                    };
                    inner
                        .entry(key)
                        .or_insert_with(|| loc(span.map(|s| s.start)));
                }
                (loc(b.span().map(|s| s.start)), inner)
            }
            hcl::edit::structure::Structure::Attribute(a) => {
                (loc(a.span().map(|s| s.start)), BTreeMap::new())
            }
        };
        out.push((Structure::from(s.clone()), here, inner));
    }
    Ok(out)
}

fn too_deep(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, b) in text.bytes().enumerate() {
        match b {
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(i);
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }
    fn line(&self, offset: usize) -> u32 {
        match self.starts.binary_search(&offset) {
            Ok(i) => i as u32 + 1,
            Err(i) => i as u32,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(list: &[(&str, &str)]) -> BTreeMap<String, String> {
        list.iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect()
    }

    #[test]
    fn provisioners_are_named_in_a_warning() {
        let stack = Stack::load(
            files(&[(
                "main.tf",
                "resource \"digitalocean_droplet\" \"b\" {\n  name = \"b\"\n  provisioner \"remote-exec\" {\n    inline = [\"true\"]\n  }\n  provisioner \"file\" {\n    source = \"x\"\n    destination = \"/tmp/x\"\n  }\n  connection {\n    host = self.ipv4_address\n  }\n}\n",
            )]),
            &[],
        )
        .expect("loads");
        assert_eq!(
            stack.warnings,
            vec![
                "main.tf:1: `digitalocean_droplet.b`: its provisioners (`remote-exec`, `file`) are not run by ferry deploy; `tofu apply` runs them"
                    .to_string()
            ]
        );
        // Neither the provisioners nor the connection are arguments of the droplet.
        assert!(
            stack.resources[0]
                .body
                .iter()
                .all(|s| matches!(s, Structure::Attribute(_)))
        );
    }

    #[test]
    fn reads_resources_modules_and_variables_with_lines() {
        let stack = Stack::load(
            files(&[
                (
                    "main.tf",
                    "variable \"instance_id\" {\n  type = string\n}\n\nresource \"digitalocean_vpc\" \"main\" {\n  name = \"x-${var.instance_id}\"\n  count = 1\n  lifecycle {\n    prevent_destroy = true\n  }\n}\n\nmodule \"app\" {\n  source = \"./modules/app\"\n  n = 2\n}\n",
                ),
                ("modules/app/main.tf", "variable \"n\" {\n  type = number\n}\nresource \"digitalocean_droplet\" \"web\" {\n  count = var.n\n  name = \"w\"\n}\n"),
                ("terraform.tfvars", "instance_id = \"from-file\"\n"),
            ]),
            &[],
        )
        .expect("loads");
        assert_eq!(stack.resources.len(), 2);
        assert_eq!(stack.address(0), "digitalocean_vpc.main");
        assert_eq!(stack.address(1), "module.app.digitalocean_droplet.web");
        assert_eq!(stack.resources[0].loc.to_string(), "main.tf:5");
        assert_eq!(stack.resources[0].loc_of("name").to_string(), "main.tf:6");
        assert_eq!(stack.resources[1].loc.to_string(), "modules/app/main.tf:4");
        // Meta-arguments are taken out of the body.
        assert!(stack.resources[0].count.is_some());
        assert!(attr(&stack.resources[0].body, "count").is_none());
        assert_eq!(stack.resources[0].body.blocks().count(), 0);
        assert_eq!(stack.root_vars["instance_id"], Val::str("from-file"));
    }

    #[test]
    fn overrides_win_and_are_typed() {
        let stack = Stack::load(
            files(&[(
                "v.tf",
                "variable \"a\" {\n  type = number\n  default = 1\n}\nvariable \"b\" {\n  type = list(string)\n  default = []\n}\nvariable \"c\" {\n  default = true\n}\n",
            )]),
            &[
                ("a".into(), VarInput::Text("5".into())),
                ("b".into(), VarInput::Text("[\"x\", \"y\"]".into())),
            ],
        )
        .expect("loads");
        assert_eq!(stack.root_vars["a"], Val::Num(5.0));
        assert_eq!(
            stack.root_vars["b"],
            Val::List(vec![Val::str("x"), Val::str("y")])
        );
        assert_eq!(stack.root_vars["c"], Val::Bool(true));
        let stack =
            Stack::load(files(&[("main.tf", "variable \"secret\" {}\n")]), &[]).expect("loads");
        assert_eq!(stack.missing_vars["secret"].to_string(), "main.tf:1");
    }

    #[test]
    fn bad_stacks_get_clear_errors() {
        type Files<'a> = &'a [(&'a str, &'a str)];
        let cases: &[(Files, Files, &str)] = &[
            (&[("a.md", "x")], &[], "no `.tf` file"),
            (
                &[("main.tf", "resource \"x\" {")],
                &[],
                "main.tf:1: cannot parse",
            ),
            (
                &[
                    ("main.tf", "resource \"t_a\" \"b\" {}\n"),
                    ("b.tf", "\n\nresource \"t_a\" \"b\" {}\n"),
                ],
                &[],
                "main.tf:1: `t_a.b` is declared twice (first at b.tf:3)",
            ),
            (
                &[("main.tf", "variable \"n\" {\n type = number\n}\n")],
                &[("n", "x")],
                "variable `n`: `x` is not a number",
            ),
            (
                &[("main.tf", "resource \"t_a\" \"b\" {}\n")],
                &[("zz", "1")],
                "variable `zz`: the stack declares no such variable",
            ),
            (
                &[(
                    "main.tf",
                    "module \"m\" {\n  source = \"terraform-aws-modules/vpc/aws\"\n}\n",
                )],
                &[],
                "main.tf:1: module `m`: source `terraform-aws-modules/vpc/aws` is not a local folder",
            ),
            (
                &[("main.tf", "module \"m\" {\n  source = \"./nowhere\"\n}\n")],
                &[],
                "has no `.tf` file",
            ),
            (
                &[("main.tf", "module \"m\" {\n  source = \"./\"\n}\n")],
                &[],
                "calls itself",
            ),
            (
                &[(
                    "main.tf",
                    "resource \"t_a\" \"b\" {\n  count = 1\n  for_each = {}\n}\n",
                )],
                &[],
                "sets both",
            ),
            (&[("main.tf", &"[".repeat(200))], &[], "nest deeper"),
        ];
        for (fs, vars, want) in cases {
            let overrides: Vec<(String, VarInput)> = vars
                .iter()
                .map(|(k, v)| (k.to_string(), VarInput::Text(v.to_string())))
                .collect();
            match Stack::load(files(fs), &overrides) {
                Err(e) => assert!(e.to_string().contains(want), "want {want:?}, got {e}"),
                Ok(_) => panic!("expected an error containing {want:?}"),
            }
        }
    }

    #[test]
    fn the_examples_load() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples");
        let mut n = 0;
        for entry in std::fs::read_dir(root).expect("examples folder") {
            let dir = entry.expect("entry").path().join("expected");
            let mut fs = BTreeMap::new();
            collect(&dir, &dir, &mut fs);
            let stack = Stack::load(fs, &[("instance_id".into(), VarInput::Text("acme".into()))]);
            assert!(stack.is_ok(), "{}: {:?}", dir.display(), stack.err());
            n += 1;
        }
        assert!(n >= 5);
    }

    fn collect(root: &std::path::Path, dir: &std::path::Path, out: &mut BTreeMap<String, String>) {
        for entry in std::fs::read_dir(dir).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                collect(root, &path, out);
            } else if let Ok(text) = std::fs::read_to_string(&path) {
                let rel = path
                    .strip_prefix(root)
                    .expect("inside")
                    .to_string_lossy()
                    .to_string();
                out.insert(rel, text);
            }
        }
    }
}
