//! The origin stack as Ferry sees it: modules of resources, data sources, variables, locals,
//! outputs, module calls and providers, each with the location it came from.
//!
//! Parsing keeps expressions as `hcl::Expression` trees (nothing is evaluated here) and records
//! where every block and attribute starts so diagnostics can point at `file:line:col`.
//! Terraform 0.11 forms are upgraded on the way in (see [`legacy`]) and reported once per file.

use crate::diag::{Code, Diagnostic};
use crate::source::{LineIndex, Loc};
use hcl::edit::Span;
use hcl::{Body, Expression};
use std::collections::BTreeMap;

pub mod depth;
pub mod dynamic;
pub mod fast;
mod json;
pub mod legacy;

/// Whether a block is a managed resource or a data source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mode {
    Managed,
    Data,
}

/// Meta-arguments: provider-neutral, carried over unchanged.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Meta {
    pub count: Option<Expression>,
    pub for_each: Option<Expression>,
    pub depends_on: Option<Expression>,
    pub provider: Option<Expression>,
    pub lifecycle: Option<Body>,
}

impl Meta {
    pub fn is_repeated(&self) -> bool {
        self.count.is_some() || self.for_each.is_some()
    }
}

/// A `resource` or `data` block of the origin.
///
/// Built with [`Resource::new`], which computes the address once: it is asked for everywhere
/// (outcomes, exports, diagnostics), and building it on every call was a measurable share of
/// the compile. `mode`, `ty` and `name` are read-only after construction for that reason.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    pub mode: Mode,
    pub ty: String,
    pub name: String,
    /// The block body without its meta-arguments.
    pub body: Body,
    pub meta: Meta,
    pub loc: Loc,
    /// Where each top-level attribute or nested block of the body starts.
    pub attr_locs: AttrLocs,
    /// `address()`, computed by `new`.
    address: String,
}

/// Where each attribute or nested block of a block starts: the first of each name, in source
/// order. A list searched in order rather than a map: a block has a handful of attributes and
/// few look-ups (diagnostics' locations), and an ordered map allocated an eleven-entry node
/// for every resource of the origin.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AttrLocs(Vec<(String, Loc)>);

impl AttrLocs {
    pub fn get(&self, key: &str) -> Option<&Loc> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, l)| l)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Records where `key` starts, unless an earlier one of that name was recorded.
    pub fn insert_first(&mut self, key: &str, loc: impl FnOnce() -> Loc) {
        if !self.contains_key(key) {
            self.0.push((key.to_string(), loc()));
        }
    }
}

impl FromIterator<(String, Loc)> for AttrLocs {
    /// The first of each name wins.
    fn from_iter<I: IntoIterator<Item = (String, Loc)>>(iter: I) -> Self {
        let mut out = AttrLocs::default();
        for (k, l) in iter {
            if !out.contains_key(&k) {
                out.0.push((k, l));
            }
        }
        out
    }
}

impl Resource {
    pub fn new(
        mode: Mode,
        ty: String,
        name: String,
        body: Body,
        meta: Meta,
        loc: Loc,
        attr_locs: AttrLocs,
    ) -> Resource {
        let mut address = String::with_capacity(ty.len() + name.len() + 6);
        if mode == Mode::Data {
            address.push_str("data.");
        }
        address.push_str(&ty);
        address.push('.');
        address.push_str(&name);
        Resource {
            mode,
            ty,
            name,
            body,
            meta,
            loc,
            attr_locs,
            address,
        }
    }

    /// `aws_vpc.main` or `data.aws_region.current`.
    pub fn address(&self) -> &str {
        &self.address
    }
    /// The location of an attribute, or of the block when the attribute is absent.
    pub fn loc_of(&self, attr: &str) -> Loc {
        self.attr_locs
            .get(attr)
            .cloned()
            .unwrap_or_else(|| self.loc.clone())
    }
}

/// A named top-level item with a body: `variable`, `output`, `module`, `provider`.
#[derive(Debug, Clone, PartialEq)]
pub struct Named {
    pub name: String,
    pub body: Body,
    pub loc: Loc,
}

/// One attribute of a `locals` block.
#[derive(Debug, Clone, PartialEq)]
pub struct Local {
    pub name: String,
    pub expr: Expression,
    pub loc: Loc,
}

/// One module folder of the origin: the files directly in it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Module {
    /// The folder, relative to the origin root, `""` for the root module.
    pub dir: String,
    pub resources: Vec<Resource>,
    pub variables: Vec<Named>,
    pub locals: Vec<Local>,
    pub outputs: Vec<Named>,
    pub module_calls: Vec<Named>,
    pub providers: Vec<Named>,
    /// `terraform { ... }` blocks (backend, required_providers), kept for lints.
    pub terraform: Vec<Named>,
    /// Values from `terraform.tfvars` / `*.auto.tfvars` (root module only).
    pub tfvars: BTreeMap<String, Expression>,
    /// The data files of the whole origin (JSON, templates, YAML, scripts: see [`is_data_file`]) by
    /// path, shared by every module: rules read them by path (`file()`, `templatefile()`).
    pub data_files: std::sync::Arc<BTreeMap<String, String>>,
}

/// Everything parsed from the input, keyed by module folder.
#[derive(Debug, Default)]
pub struct Origin {
    pub modules: BTreeMap<String, Module>,
    /// JSON, template, YAML, script and configuration files of the input (see [`is_data_file`]).
    pub data_files: std::sync::Arc<BTreeMap<String, String>>,
}

/// The folder part of a path (`a/b/main.tf` → `a/b`, `main.tf` → ``).
pub fn dir_of(path: &str) -> &str {
    path.rfind('/').map(|i| &path[..i]).unwrap_or("")
}

/// Joins a module folder and a relative `source`, resolving `.` and `..`.
/// Returns `None` when the path climbs above the origin root.
pub fn join_dir(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// Files Ferry keeps for rules to read by path rather than parses as Terraform: JSON
/// (container definitions, policies), templates (`templatefile()`), YAML (Kubernetes
/// manifests, cloud-init), and the scripts and configuration files that user data and
/// provisioners read (`file("user-data.sh")`, `cloud.cfg`, `nginx.conf`), and public keys
/// (`file("deployer.pub")`, never private ones): the deployment stack
/// gets a copy of each one it reads, and the user-data checks read them. `.tf.json` and
/// `.tfvars.json` are Terraform, not data.
pub fn is_data_file(file_name: &str) -> bool {
    let lower = file_name.to_ascii_lowercase();
    if lower.ends_with(".tf.json") || lower.ends_with(".tfvars.json") {
        return false;
    }
    DATA_FILE_EXTENSIONS.iter().any(|ext| lower.ends_with(ext))
}

/// The endings of [`is_data_file`]s.
pub const DATA_FILE_EXTENSIONS: &[&str] = &[
    ".json", ".tpl", ".tftpl", ".tmpl", ".yaml", ".yml", ".sh", ".bash", ".ps1", ".cfg", ".conf",
    ".ini", ".txt", ".pub",
];

/// Reads every file of the input into modules. Never fails: problems become diagnostics.
pub fn parse(files: &BTreeMap<String, String>, diags: &mut Vec<Diagnostic>) -> Origin {
    let mut origin = Origin::default();
    let mut data_files = BTreeMap::new();
    // Values files of the root that Terraform loads only with `-var-file` (`values.tfvars`).
    let mut var_files: Vec<(&String, &String)> = Vec::new();
    let mut root_tfvars = false;
    for (path, text) in files {
        let dir = dir_of(path).to_string();
        let file_name = &path[path.rfind('/').map(|i| i + 1).unwrap_or(0)..];
        let is_tf = file_name.ends_with(".tf");
        let is_json = file_name.ends_with(".tf.json");
        let is_tfvars = file_name == "terraform.tfvars"
            || file_name.ends_with(".auto.tfvars")
            || file_name == "terraform.tfvars.json"
            || file_name.ends_with(".auto.tfvars.json");
        root_tfvars |= is_tfvars && dir.is_empty();
        if !(is_tf || is_json || is_tfvars) {
            if dir.is_empty()
                && (file_name.ends_with(".tfvars") || file_name.ends_with(".tfvars.json"))
            {
                var_files.push((path, text));
                continue;
            }
            if is_data_file(file_name) {
                // Read by the rules that use it (container definitions, manifests).
                data_files.insert(path.clone(), text.clone());
                continue;
            }
            // Function sources and user-data scripts are read by the lints (`crate::lints`).
            if !file_name.starts_with('.')
                && !file_name.ends_with(".md")
                && !crate::lints::is_lint_input(file_name)
            {
                diags.push(
                    Diagnostic::new(
                        Code::IgnoredFile,
                        format!("`{path}` is not a Terraform file and was not read"),
                    )
                    .at(Loc::file(path)),
                );
            }
            continue;
        }
        let module = origin.modules.entry(dir.clone()).or_insert_with(|| Module {
            dir,
            ..Module::default()
        });
        if is_tfvars {
            read_tfvars(path, text, file_name.ends_with(".json"), module, diags);
        } else if is_json {
            if let Some(body) = json::parse(path, text, diags) {
                add_body(module, path, body, None, text.contains("resource."), diags);
            }
        } else {
            // The fast parser first: it reads nearly every real file and counts its own depth.
            let (body, offsets) = match fast::parse_checked(text) {
                Ok(parsed) => parsed,
                Err(fast::GiveUp::TooDeep(offset)) => {
                    diags.push(too_deep_diagnostic(path, text, offset));
                    continue;
                }
                Err(fast::GiveUp::Outside) => {
                    match depth::too_deep(text) {
                        Some(offset) => diags.push(too_deep_diagnostic(path, text, offset)),
                        None => full_parse(module, path, text, diags),
                    }
                    continue;
                }
            };
            let index = LineIndex::new(path, text);
            let spans = Spans {
                blocks: offsets
                    .blocks
                    .into_iter()
                    .map(|(at, inner)| {
                        // The fast parser keeps the first of each name already.
                        let locs = inner.into_iter().map(|(k, o)| (k, index.loc(o))).collect();
                        (index.loc(at), AttrLocs(locs))
                    })
                    .collect(),
                attrs: offsets.attrs.into_iter().map(|o| index.loc(o)).collect(),
            };
            add_body(
                module,
                path,
                body,
                Some(spans),
                text.contains("resource."),
                diags,
            );
        }
    }
    read_var_files(&mut origin, &var_files, root_tfvars, diags);
    let data_files = std::sync::Arc::new(data_files);
    for module in origin.modules.values_mut() {
        check_duplicates(module, diags);
        module.data_files = data_files.clone();
    }
    origin.data_files = data_files;
    origin
}

/// The deepest nesting Ferry parses (brackets, blocks, unary operators, conditionals; see
/// `depth`). The parsers are recursive: a hostile file must cost a diagnostic, not the stack.
pub const MAX_NESTING: usize = 128;

/// The diagnostic for a file that nests deeper than [`MAX_NESTING`] at `offset`.
fn too_deep_diagnostic(path: &str, text: &str, offset: usize) -> Diagnostic {
    Diagnostic::new(
        Code::HclSyntax,
        format!("`{path}` nests brackets, blocks or operators more than {MAX_NESTING} levels deep; Ferry does not read it"),
    )
    .at(LineIndex::new(path, text).loc(offset))
    .help("no real Terraform nests this deep: check that the file is what you meant to compile")
}

/// A file the fast parser does not read, read by `hcl-edit` (which also reports syntax errors).
fn full_parse(module: &mut Module, path: &str, text: &str, diags: &mut Vec<Diagnostic>) {
    let mut parsed = hcl::edit::parser::parse_body(text);
    // Terraform 0.11 (HCL 1) took a block type in quotes (`"listener" {`), which HCL 2 rejects:
    // each line the parser stops at that opens such a block is read without the quotes.
    let mut upgraded: Option<String> = None;
    let mut quoted: Vec<u32> = Vec::new();
    while let Err(err) = &parsed {
        let line = err.location().line();
        let current = upgraded.as_deref().unwrap_or(text);
        let Some(fixed) = legacy::unquote_block_type(current, line, err.location().column()) else {
            break;
        };
        quoted.push(line as u32);
        parsed = hcl::edit::parser::parse_body(&fixed);
        upgraded = Some(fixed);
    }
    let text = upgraded.as_deref().unwrap_or(text);
    if parsed.is_ok()
        && let Some(&first) = quoted.first()
    {
        let lines: Vec<String> = quoted.iter().map(u32::to_string).collect();
        let lines = if lines.len() == 1 {
            format!("line {}", lines[0])
        } else {
            format!("lines {}", lines.join(", "))
        };
        diags.push(
            Diagnostic::new(
                Code::LegacySyntax,
                format!(
                    "`{path}` writes block types in quotes (`\"listener\" {{`, {lines}), a Terraform 0.11 form that Terraform 0.12+ rejects; each was read as the unquoted block"
                ),
            )
            .at(Loc::new(path, first, 1))
            .help("run `terraform 0.12upgrade` (or write `listener {` instead of `\"listener\" {`) so the origin stays readable by current tools"),
        );
    }
    match parsed {
        Ok(edit_body) => {
            let index = LineIndex::new(path, text);
            let spans = collect_spans(&edit_body, &index);
            let body: Body = edit_body.into();
            add_body(
                module,
                path,
                body,
                Some(spans),
                text.contains("resource."),
                diags,
            );
        }
        Err(err) => {
            let loc = Loc::new(
                path,
                err.location().line() as u32,
                err.location().column() as u32,
            );
            diags.push(
                Diagnostic::new(Code::HclSyntax, format!("cannot parse `{path}`: {}", err.message()))
                    .at(loc)
                    .help(
                        "fix the syntax so that `tofu validate` accepts the origin stack, then compile again",
                    ),
            );
        }
    }
}

/// Start locations of the top-level structures of a file, and of the attributes inside each block.
struct Spans {
    blocks: Vec<(Loc, AttrLocs)>,
    attrs: Vec<Loc>,
}

fn collect_spans(body: &hcl::edit::structure::Body, index: &LineIndex<'_>) -> Spans {
    let mut spans = Spans {
        blocks: Vec::new(),
        attrs: Vec::new(),
    };
    for structure in body.iter() {
        match structure {
            hcl::edit::structure::Structure::Block(block) => {
                let loc = index.loc(block.span().map(|s| s.start).unwrap_or(0));
                let mut inner = AttrLocs::default();
                for s in block.body.iter() {
                    let (key, span) = match s {
                        hcl::edit::structure::Structure::Attribute(a) => (a.key.as_str(), a.span()),
                        hcl::edit::structure::Structure::Block(b) => (b.ident.as_str(), b.span()),
                    };
                    inner.insert_first(key, || index.loc(span.map(|s| s.start).unwrap_or(0)));
                }
                spans.blocks.push((loc, inner));
            }
            hcl::edit::structure::Structure::Attribute(attr) => {
                spans
                    .attrs
                    .push(index.loc(attr.span().map(|s| s.start).unwrap_or(0)));
            }
        }
    }
    spans
}

/// Values files at the top that Terraform reads only when named with `-var-file`
/// (`values.tfvars`, `prod.tfvars`). Without `terraform.tfvars` or `*.auto.tfvars`, the only
/// one is what the stack is applied with: it is read as `-var-file` would (F111). Several are
/// one per environment: none is chosen (F105, naming them).
fn read_var_files(
    origin: &mut Origin,
    var_files: &[(&String, &String)],
    root_tfvars: bool,
    diags: &mut Vec<Diagnostic>,
) {
    match var_files {
        [] => {}
        [(path, text)] if !root_tfvars => {
            let module = origin.modules.entry(String::new()).or_default();
            read_tfvars(path, text, path.ends_with(".json"), module, diags);
            diags.push(
                Diagnostic::new(
                    Code::VarFileRead,
                    format!("`{path}` is the root's only values file; Terraform reads it only with `-var-file={path}`, and Ferry read it as such"),
                )
                .at(Loc::file(path.as_str()))
                .help("rename it `terraform.tfvars` (or `*.auto.tfvars`) to say so, or remove it to compile without its values"),
            );
        }
        _ => {
            let names: Vec<String> = var_files.iter().map(|(p, _)| format!("`{p}`")).collect();
            let why = if root_tfvars {
                "the root has `terraform.tfvars` or `*.auto.tfvars`, which Terraform loads itself"
            } else {
                "one per environment, presumably: Ferry does not choose"
            };
            for (path, _) in var_files {
                diags.push(
                    Diagnostic::new(
                        Code::IgnoredFile,
                        format!("`{path}` is a values file Terraform reads only with `-var-file`; it was not read ({why})"),
                    )
                    .at(Loc::file(path.as_str()))
                    .help(if root_tfvars {
                        "merge the values the appliance needs into `terraform.tfvars`".to_string()
                    } else {
                        format!("to compile with one of {}, rename it `terraform.tfvars`", names.join(", "))
                    }),
                );
            }
        }
    }
}

fn read_tfvars(
    path: &str,
    text: &str,
    json: bool,
    module: &mut Module,
    diags: &mut Vec<Diagnostic>,
) {
    let parsed: Result<Body, String> = if json {
        serde_json::from_str::<serde_json::Value>(text)
            .map_err(|e| e.to_string())
            .and_then(|v| match v {
                serde_json::Value::Object(map) => Ok(map
                    .into_iter()
                    .map(|(k, v)| hcl::Attribute::new(k, json::value_to_expr(&v)))
                    .collect()),
                _ => Err("the top level must be an object".into()),
            })
    } else if depth::too_deep(text).is_some() {
        Err(format!(
            "it nests brackets or operators more than {MAX_NESTING} levels deep"
        ))
    } else {
        hcl::parse(text).map_err(|e| e.to_string())
    };
    match parsed {
        Ok(body) => {
            for attr in body.attributes() {
                module
                    .tfvars
                    .insert(attr.key().to_string(), attr.expr().clone());
            }
        }
        Err(msg) => diags.push(
            Diagnostic::new(Code::TfvarsSyntax, format!("cannot read `{path}`: {msg}"))
                .at(Loc::file(path)),
        ),
    }
}

fn add_body(
    module: &mut Module,
    path: &str,
    body: Body,
    // Each block's locations are moved out (not copied) when the block is added.
    mut spans: Option<Spans>,
    // The file mentions `resource.`: references may use the `resource.<type>.<name>` form.
    resource_prefix: bool,
    diags: &mut Vec<Diagnostic>,
) {
    let mut legacy_seen = false;
    let (mut block_i, mut attr_i) = (0usize, 0usize);
    for structure in body {
        match structure {
            hcl::Structure::Attribute(attr) => {
                let loc = spans
                    .as_mut()
                    .and_then(|s| s.attrs.get_mut(attr_i).map(std::mem::take))
                    .unwrap_or_else(|| Loc::file(path));
                attr_i += 1;
                diags.push(
                    Diagnostic::new(
                        Code::UnknownBlock,
                        format!(
                            "top-level attribute `{}` is not valid Terraform and was ignored",
                            attr.key()
                        ),
                    )
                    .at(loc),
                );
            }
            hcl::Structure::Block(mut block) => {
                let (loc, attr_locs) = spans
                    .as_mut()
                    .and_then(|s| s.blocks.get_mut(block_i).map(std::mem::take))
                    .unwrap_or_else(|| (Loc::file(path), AttrLocs::default()));
                block_i += 1;
                legacy_seen |= legacy::upgrade_body(&mut block.body);
                legacy_seen |= legacy::upgrade_map_blocks(&mut block);
                if resource_prefix {
                    strip_resource_prefix(&mut block.body);
                }
                add_block(module, block, loc, attr_locs, diags);
            }
        }
    }
    if legacy_seen {
        diags.push(
            Diagnostic::new(
                Code::LegacySyntax,
                format!("`{path}` uses Terraform 0.11 syntax (interpolation-only strings, quoted references or types); it was read as its 0.12+ equivalent"),
            )
            .at(Loc::file(path))
            .help("run `terraform 0.12upgrade` (or write `var.x` instead of `\"${var.x}\"`) so the origin stays readable by current tools"),
        );
    }
}

/// `resource.aws_x.y` (Terraform's explicit form of a managed resource reference, for a type
/// that could clash with a future reference prefix) is read as `aws_x.y`, the form every pass
/// looks for. Only files that mention `resource.` are walked.
fn strip_resource_prefix(body: &mut Body) {
    use hcl::expr::{TraversalOperator, Variable};
    for s in body.0.iter_mut() {
        match s {
            hcl::Structure::Attribute(a) => crate::hclx::walk_mut(&mut a.expr, &mut |e| {
                // `[for resource in var.list : resource.tags.Name]`: the iterator, not the prefix.
                if let Expression::ForExpr(f) = e
                    && (f.value_var.as_str() == "resource"
                        || f.key_var.as_ref().is_some_and(|k| k.as_str() == "resource"))
                {
                    return false;
                }
                if let Expression::Traversal(t) = e
                    && matches!(&t.expr, Expression::Variable(v) if v.as_str() == "resource")
                    && let Some(TraversalOperator::GetAttr(ty)) = t.operators.first()
                    && t.operators.len() >= 2
                {
                    let ty = Variable::unchecked(ty.as_str());
                    t.operators.remove(0);
                    t.expr = Expression::Variable(ty);
                }
                true
            }),
            hcl::Structure::Block(b) => strip_resource_prefix(&mut b.body),
        }
    }
}

fn label_strings(block: &hcl::Block) -> Vec<String> {
    block
        .labels
        .iter()
        .map(|l| l.as_str().to_string())
        .collect()
}

fn add_block(
    module: &mut Module,
    block: hcl::Block,
    loc: Loc,
    attr_locs: AttrLocs,
    diags: &mut Vec<Diagnostic>,
) {
    let labels = label_strings(&block);
    let ident = block.identifier.as_str().to_string();
    let want = match ident.as_str() {
        "resource" | "data" => 2,
        // `check "name" { assert { … } }` (Terraform 1.5) is named like a variable.
        "variable" | "output" | "module" | "provider" | "check" => 1,
        "locals" | "terraform" | "moved" | "import" | "removed" => 0,
        _ => {
            diags.push(
                Diagnostic::new(
                    Code::UnknownBlock,
                    format!("unknown top-level block `{ident}` was ignored"),
                )
                .at(loc),
            );
            return;
        }
    };
    if labels.len() != want {
        diags.push(
            Diagnostic::new(
                Code::MalformedBlock,
                format!(
                    "`{ident}` block needs {want} label(s), found {}",
                    labels.len()
                ),
            )
            .at(loc)
            .help(match want {
                2 => format!("write `{ident} \"<type>\" \"<name>\" {{ … }}`"),
                1 => format!("write `{ident} \"<name>\" {{ … }}`"),
                _ => format!("write `{ident} {{ … }}`"),
            }),
        );
        return;
    }
    match ident.as_str() {
        "resource" | "data" => {
            let mode = if ident == "data" {
                Mode::Data
            } else {
                Mode::Managed
            };
            let (body, meta) = split_meta(block.body);
            module.resources.push(Resource::new(
                mode,
                labels[0].clone(),
                labels[1].clone(),
                body,
                meta,
                loc,
                attr_locs,
            ));
        }
        "locals" => {
            for attr in block.body.into_attributes() {
                let loc = attr_locs
                    .get(attr.key())
                    .cloned()
                    .unwrap_or_else(|| loc.clone());
                module.locals.push(Local {
                    name: attr.key.to_string(),
                    expr: attr.expr,
                    loc,
                });
            }
        }
        _ => {
            let named = Named {
                name: labels.first().cloned().unwrap_or_default(),
                body: block.body,
                loc,
            };
            match ident.as_str() {
                "variable" => module.variables.push(named),
                "output" => module.outputs.push(named),
                "module" => module.module_calls.push(named),
                "provider" => module.providers.push(named),
                "terraform" => module.terraform.push(named),
                // A check's assertions (and its scoped data source) read the origin's AWS
                // objects after apply; they are not carried over.
                "check" => diags.push(
                    Diagnostic::new(
                        Code::StateBlockIgnored,
                        format!("`check \"{}\"` block not carried over: its assertions (and any data source scoped to it) read the origin's AWS objects", named.name),
                    )
                    .at(named.loc.clone())
                    .help("write the check again against the deployment stack's resources if the appliance needs it"),
                ),
                // moved/import/removed describe the origin's own state; a fresh appliance has
                // none.
                other => diags.push(
                    Diagnostic::new(
                        Code::StateBlockIgnored,
                        format!("`{other}` block not carried over: it refers to the origin's state, and each appliance starts with a fresh one"),
                    )
                    .at(named.loc.clone()),
                ),
            }
        }
    }
}

/// Splits the meta-arguments off a resource body.
pub fn split_meta(body: Body) -> (Body, Meta) {
    let mut meta = Meta::default();
    // Filtered in place: the body keeps its allocation.
    let rest: Vec<hcl::Structure> = body
        .0
        .into_iter()
        .filter_map(|structure| match structure {
            hcl::Structure::Attribute(attr) => {
                let slot = match attr.key() {
                    "count" => &mut meta.count,
                    "for_each" => &mut meta.for_each,
                    "depends_on" => &mut meta.depends_on,
                    "provider" => &mut meta.provider,
                    _ => return Some(hcl::Structure::Attribute(attr)),
                };
                *slot = Some(attr.expr);
                None
            }
            hcl::Structure::Block(block) if block.identifier() == "lifecycle" => {
                meta.lifecycle = Some(block.body);
                None
            }
            other => Some(other),
        })
        .collect();
    (Body(rest), meta)
}

fn check_duplicates(module: &Module, diags: &mut Vec<Diagnostic>) {
    let mut seen: BTreeMap<&str, &Loc> = BTreeMap::new();
    for r in &module.resources {
        let addr = r.address();
        if let Some(first) = seen.get(addr) {
            diags.push(
                Diagnostic::new(
                    Code::DuplicateAddress,
                    format!("`{addr}` is defined twice (first at {first})"),
                )
                .at(r.loc.clone())
                .resource(addr),
            );
        } else {
            seen.insert(addr, &r.loc);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both parsers on one text: `Some(fast result matches)` when the fast path took it.
    fn agree(text: &str) -> Option<Result<(), String>> {
        let (body, offsets) = fast::parse(text)?;
        let edit = match hcl::edit::parser::parse_body(text) {
            Ok(b) => b,
            Err(e) => {
                return Some(Err(format!(
                    "fast path accepted what hcl-edit rejects: {e}"
                )));
            }
        };
        let index = LineIndex::new("f.tf", text);
        let spans = collect_spans(&edit, &index);
        let full: Body = edit.into();
        if let Err(e) = templates_agree(&full) {
            return Some(Err(e));
        }
        if full != body {
            return Some(Err(format!(
                "bodies differ:\nfull: {full:?}\nfast: {body:?}"
            )));
        }
        let fast_blocks: Vec<(Loc, AttrLocs)> = offsets
            .blocks
            .into_iter()
            .map(|(at, inner)| {
                (
                    index.loc(at),
                    inner.into_iter().map(|(k, o)| (k, index.loc(o))).collect(),
                )
            })
            .collect();
        let fast_attrs: Vec<Loc> = offsets.attrs.into_iter().map(|o| index.loc(o)).collect();
        if fast_blocks != spans.blocks || fast_attrs != spans.attrs {
            return Some(Err(format!(
                "locations differ:\nfull: {:?} {:?}\nfast: {fast_blocks:?} {fast_attrs:?}",
                spans.blocks, spans.attrs
            )));
        }
        Some(Ok(()))
    }

    /// Every template of a body, read by the fast template parser and by `hcl-rs`.
    fn templates_agree(body: &Body) -> Result<(), String> {
        let mut bad = Vec::new();
        let mut check = |e: &Expression| {
            if let Expression::TemplateExpr(t) = e {
                let text = match &**t {
                    hcl::expr::TemplateExpr::QuotedString(s) => s.as_str(),
                    hcl::expr::TemplateExpr::Heredoc(h) => h.template.as_str(),
                };
                if let Some(fast) = fast::template(text)
                    && hcl::Template::from_expr(t).ok().as_ref() != Some(&fast)
                {
                    bad.push(format!("template {text:?}: fast {fast:?}"));
                }
            }
        };
        crate::hclx::walk_body(body, &mut check);
        if bad.is_empty() {
            Ok(())
        } else {
            Err(bad.join("\n"))
        }
    }

    #[test]
    fn fast_template_parser_agrees() {
        for text in [
            "",
            "plain",
            "a-${var.b}-${lower(c.d)}",
            "${a}${b}",
            "quote \" and back\\slash\nnew line ${x}",
            "${\"nested-${var.x}\"}-tail",
            "${a ? \"b\" : c} 100% $5",
        ] {
            let fast = fast::template(text).unwrap_or_else(|| panic!("gave up on {text:?}"));
            let full: hcl::Template = text.parse().expect("hcl-rs parses it");
            assert_eq!(fast, full, "{text:?}");
        }
        for text in [
            "%{if a}b%{endif}",
            "$${a}",
            "%%{a}",
            "${~a}",
            "${a~}",
            "${a",
            "a\r\n${b}",
        ] {
            assert!(fast::template(text).is_none(), "{text:?}");
        }
    }

    #[test]
    fn fast_parser_agrees_on_the_corpus_and_examples() {
        let files = corpus_files();
        let (mut taken, total, mut failures) = (0, files.len(), Vec::new());
        for (path, text) in &files {
            match agree(text) {
                Some(Ok(())) => taken += 1,
                Some(Err(e)) => failures.push(format!("{}: {e}", path.display())),
                None => {}
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n\n"));
        assert!(total > 100, "corpus not found ({total} files)");
        // Real files are inside the fast subset (the few left are malformed on purpose).
        assert!(
            taken * 100 >= total * 99,
            "fast path took {taken} of {total} files"
        );
    }

    /// Every `.tf` file of the corpus and the examples.
    fn corpus_files() -> Vec<(std::path::PathBuf, String)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut stack = vec![root.join("tests/corpus"), root.join("examples")];
        let mut out = Vec::new();
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "tf")
                    && let Ok(text) = std::fs::read_to_string(&path)
                {
                    out.push((path, text));
                }
            }
        }
        out.sort();
        out
    }

    /// Mutated corpus files (bytes dropped, inserted or replaced by HCL's punctuation, from a
    /// fixed seed): whatever the fast parser accepts, it reads as hcl-edit does. Run once with
    /// 4,000 mutations per file (4 M parses) when the fast parser changes; 20 keep CI quick.
    #[test]
    fn fast_parser_agrees_on_mutated_files() {
        let files = corpus_files();
        let mut seed: u64 = 0x5eed_f00d;
        let mut next = move |n: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((seed >> 33) as usize) % n.max(1)
        };
        let punct = b"\"${}[]()<>-!?:=,.*\\\n #%~";
        let (mut checked, mut failures) = (0, Vec::new());
        for (path, text) in &files {
            for _ in 0..MUTATIONS {
                let mut b = text.as_bytes().to_vec();
                for _ in 0..1 + next(3) {
                    if b.is_empty() {
                        break;
                    }
                    let at = next(b.len());
                    match next(3) {
                        0 => {
                            b.remove(at);
                        }
                        1 => b.insert(at, punct[next(punct.len())]),
                        _ => b[at] = punct[next(punct.len())],
                    }
                }
                let Ok(mutated) = String::from_utf8(b) else {
                    continue;
                };
                checked += 1;
                if let Some(Err(e)) = agree(&mutated) {
                    failures.push(format!("{} mutated:\n{mutated}\n{e}", path.display()));
                }
            }
        }
        assert!(checked > 500, "{checked}");
        assert!(
            failures.is_empty(),
            "{}",
            failures[..failures.len().min(3)].join("\n\n")
        );
    }

    /// Mutations per corpus file in [`fast_parser_agrees_on_mutated_files`].
    const MUTATIONS: usize = 20;

    #[test]
    fn fast_parser_agrees_on_every_construct_it_reads() {
        let cases = [
            "a = 1\nb = \"x\"\nc = true\nd = null\n",
            "resource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/16\" # c\n  tags = {\n    Name = \"x\"\n    \"k-1\" = var.y, z = 2\n  }\n}\n",
            "x = a + b * c - d / e % f\ny = a == b && c != d || !e\nz = a < b ? \"${x}-y\" : c >= d ? 1 : 2\n",
            "x = f(a, [1, 2,], { b = c }, (d + e))\ny = var.list[count.index].id\nz = local.m[\"k\"]\n",
            "x = \"a-${var.b}-${lower(c.d)}\"\ny = \"q\\\"\\\\\\n\\t$${x}%%{y}\"\nz = \"${a ? \"b\" : \"c\"}\"\n",
            "// comment\n/* block\ncomment */\nlocals {\n  # c\n  a = [\n    1, # one\n    2,\n  ]\n\n  b = {}\n}\nempty {}\nlabels \"a\" b {\n}\n",
            "provider \"aws\" {\n  region = \"us-east-1\"\n  default_tags {\n    tags = { a = 1 }\n  }\n}\n",
            "x = jsonencode({\n  Version = \"2012-10-17\"\n  Statement = [{ Action = \"s3:*\", Effect = \"Allow\" }]\n})",
            "x = !a == b\ny = !a.b\nz = [1, 2][0]\nw = { a = 1 }.a\nv = (a).b\n",
            "x = \"100%\"\ny = \"$5\"\nz = \"é ${var.x} ü\"\n",
            // Interpolations are kept as written, spaces and all.
            "x = \"${ var.a }\"\ny = \"${a?\"b\":\"c\"}\"\nz = \"${f( a ,b )}-${ 1.50 }-${- 1}\"\n",
            "x = \"${a}$${b}%%{c}\\n\"\ny = \"${[1, 2,][0]}\"\nz = \"${\"q\\\"${a}\"}\"\n",
            // …except around binary operators, where hcl-edit prints one space: the fast parser
            // reads none or one (and gives up on more, below).
            "x = \"w-${(count.index + 1)}\"\ny = \"${a+1}-${a == b ? c :  d}\"\n",
            "x = \"$${a}-%%{b}-\\t${c}\"\ny = \"$${a}\"\n",
            // Splats and legacy indexes.
            "x = a[*].id\ny = a.*.id\nz = a.0.b\nw = a[*]\nv = aws_subnet.private[*].id[0]\n",
            // `for` expressions.
            "x = [for i, r in a : r.x if r.y]\ny = {for k, v in m : k => v...}\nz = [for s in var.l: upper(s)]\n",
            "x = {\n  for k, v in m :\n  k => {\n    a = v\n  }\n  if v != null\n}\ny = [\n  for x in y : x\n]\n",
            // Numbers: negative, floats, exponents, beyond u64.
            "x = -1\ny = - 1.5\nz = -1 + 2\nw = -a.b\nv = -(1)\nu = 2 - -1\nt = -f(1)\n",
            "x = 1.50\ny = 1E3\nz = 18446744073709551616\nw = 2e-3\nv = [0, -0]\n",
            // Calls with an expanded last argument; single-line blocks.
            "x = f(a...)\ny = merge(var.a, [for m in l : m]...)\n",
            "b { a = 1 }\nlifecycle {\n  c { d = [1] }\n}\ne \"l\" { f = \"${g}\" }\n",
            // Heredocs.
            "x = <<EOT\nhi ${ var.a } there\n  two $${x} %%{y}\nEOT\ny = 1\n",
            "x = <<-EOT\n    hi ${var.a}\n      two\n\n    EOT\n",
            "x = <<-EOT\n${var.a}\n  two\nEOT\n",
            "x = <<-EOT\n  a \"q\" \\n $${x}\n  EOT\n",
            "x = <<-EOT\n  a ${b} c\n  d ${e}\n   \n    f\n  EOT\n",
            "x = <<-EOT\n  a\n\tb\n  EOT\n",
            // `hcl-edit`'s measure skips a part with an unindented line, yet strips it.
            "x = <<-EOT\n  a ${b}\nc\n    d\n  EOT\ny = <<-EOT\n#c\n  d\nEOT\n",
            "resource \"aws_iam_policy\" \"p\" {\n  policy = <<-POLICY\n    {\n      \"Action\": \"s3:*\"\n    }\n  POLICY\n}\n",
            "x = jsonencode(<<EOT\na\nEOT\n)\ny = <<EOT\nEOT\nEOT\n",
        ];
        for text in cases {
            match agree(text) {
                Some(Ok(())) => {}
                Some(Err(e)) => panic!("{text}\n{e}"),
                None => panic!("the fast path gave up on:\n{text}"),
            }
        }
        // Outside the subset (or malformed): left to hcl-edit.
        for text in [
            "x = <<EOT\nhi ${a\n}\nEOT\n",
            "x = <<EOT\n%{if a}b%{endif}\nEOT\n",
            "x = <<EOT\nunterminated\n",
            "x = \"${ {a = 1} }\"\n",
            "x = \"${[for a in b : a]}\"\n",
            "x = \"${f(a +  1)}\"\n",
            "x = \"${a  * 2}\"\n",
            "x = a[ * ].id\n",
            "x = a.01\n",
            "x = --1\n",
            "x = - a\n",
            "x = 1e\n",
            "x = \"$$${a}\"\n",
            "x = \"%{if a}b%{endif}\"\n",
            "x = \"${~a}\"\n",
            "b { a = 1, c = 2 }\n",
            "b { c {} }\n",
            "x = 1\nx = 2\n",
            "x = 1 y = 2\n",
            "x = \"unterminated\n",
            "x = f(a..., b)\n",
            "a = 1\r\n",
            "x = { a = 1, a = 2 }\n",
            "x = (a\n",
            "x = ! a\n",
            "x = { true = 1 }\n",
            "x = { \"${a}\" = 1 }\n",
        ] {
            assert!(fast::parse(text).is_none(), "{text}");
        }
    }

    fn parse_one(text: &str) -> (Origin, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let files = BTreeMap::from([("main.tf".to_string(), text.to_string())]);
        (parse(&files, &mut diags), diags)
    }

    #[test]
    fn hostile_nesting_is_a_diagnostic_not_a_crash() {
        let text = format!(
            "locals {{\n  x = {}1{}\n}}\n",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let (_, diags) = parse_one(&text);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, "F101");
        assert!(diags[0].message.contains("nests brackets"));
    }

    #[test]
    fn hostile_tfvars_are_a_diagnostic_not_a_crash() {
        let mut diags = Vec::new();
        let files = BTreeMap::from([
            ("main.tf".to_string(), "variable \"x\" {}\n".to_string()),
            (
                "terraform.tfvars".to_string(),
                format!("x = {}1{}\n", "[".repeat(100_000), "]".repeat(100_000)),
            ),
        ]);
        parse(&files, &mut diags);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(diags[0].message.contains("levels deep"), "{diags:?}");
    }

    #[test]
    fn hostile_operator_chains_are_a_diagnostic_not_a_crash() {
        // Within the fast subset (its own depth count) and outside it (`%{…}` sends the file
        // to hcl-edit, behind the depth scan).
        for tail in ["", "y = \"%{if a}b%{endif}\"\n"] {
            for x in [
                "!".repeat(200_000) + "a",
                "a ? b : ".repeat(100_000) + "c",
                "- ".repeat(100_000) + "1",
                format!("\"${{{}a}}\"", "!".repeat(100_000)),
                format!("<<EOT\n${{{}a}}\nEOT", "!".repeat(100_000)),
            ] {
                let (_, diags) = parse_one(&format!("{tail}x = {x}\n"));
                assert_eq!(diags.len(), 1, "{diags:?}");
                assert_eq!(diags[0].code, "F101");
                assert!(diags[0].message.contains("more than 128 levels deep"));
            }
        }
    }

    #[test]
    fn blocks_and_attributes_carry_locations() {
        let (origin, diags) =
            parse_one("\n\nresource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n");
        assert!(diags.is_empty());
        let r = &origin.modules[""].resources[0];
        assert_eq!(r.loc.to_string(), "main.tf:3:1");
        assert_eq!(r.loc_of("cidr_block").to_string(), "main.tf:4:3");
    }

    #[test]
    fn malformed_blocks_are_reported() {
        let (_, diags) = parse_one("resource \"aws_vpc\" {\n}\nfoo {}\nx = 1\n");
        let codes: Vec<&str> = diags.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(codes, ["F107", "F106", "F106"]);
    }

    #[test]
    fn module_paths_join_and_refuse_to_climb_out() {
        assert_eq!(join_dir("", "./modules/db").as_deref(), Some("modules/db"));
        assert_eq!(
            join_dir("modules/app", "../shared").as_deref(),
            Some("modules/shared")
        );
        assert_eq!(join_dir("", "../outside"), None);
    }
}
