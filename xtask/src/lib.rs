//! Ferry's build tasks, as a library so the browser test can build the dashboard the same way
//! `cargo xtask dist` does.
//!
//! `dist` produces one folder the edge host serves as it is (`ferry serve --web-dir`):
//!
//! | file | what |
//! |---|---|
//! | `index.html`, `style.css` | the page (from `web/static/`) |
//! | `invite/index.html` | the same page for invitation links (`/invite#<secret>` → `/invite/`), with `<base href="../">` so its files resolve to the root |
//! | `compiler-worker.js` | the Web Worker that runs `compiler.wasm` through its raw ABI |
//! | `ferry_web.js`, `ferry_web_bg.wasm`, `snippets/` | the Leptos app after wasm-bindgen (`--target web`) |
//! | `compiler.wasm` | the compiler module: the very bytes the edge host runs and serves |
//! | `examples.json` | the origin stacks of `examples/*/origin` for the example picker |
//! | `<file>.gz` | `gzip -9` of the page, its CSS, the worker, the app's JS and wasm and `examples.json`: sent instead when the browser accepts gzip |

use anyhow::{Context, Result, bail, ensure};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The size budget of compiler.wasm (raw bytes): the browser downloads it before the first
/// preview.
pub const COMPILER_WASM_BUDGET: u64 = 1024 * 1024;

/// Feature flags wasm-opt needs for a module built with `strip = true` (the target features
/// section is stripped, so binaryen cannot read them from the module).
const WASM_OPT_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-nontrapping-float-to-int",
    "--enable-reference-types",
    "--enable-multivalue",
];

const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// compiler.wasm is built with the workspace's size-tuned `wasm` profile (release, `opt-level
/// = "z"`, LTO, `panic = "abort"`, stripped); the app with `wasm-web`, the same unstripped.
const WASM_PROFILE: &str = "wasm";
const WEB_PROFILE: &str = "wasm-web";
/// The app is built with Leptos' `erase_components`: every reactive closure and component
/// resolves to one type per output instead of one per call site, so the view machinery is
/// instantiated far fewer times (about 10% less code for the dashboard; one allocation and
/// an indirect call per reactive closure at run time).
const WEB_RUSTFLAGS: &str = "--cfg erase_components";

/// The workspace root (the folder holding the workspace `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Cargo's target directory: `$CARGO_TARGET_DIR` or `<root>/target`.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(d) if !d.is_empty() => {
            let d = PathBuf::from(d);
            if d.is_absolute() {
                d
            } else {
                workspace_root().join(d)
            }
        }
        _ => workspace_root().join("target"),
    }
}

#[derive(Debug, Clone)]
pub struct DistOptions {
    /// Where the dashboard is written (replaced as a whole).
    pub out: PathBuf,
    /// Run `node_modules/.bin/wasm-opt -Oz` (npm `binaryen@132.0.0`) when it is installed.
    pub wasm_opt: bool,
    /// Fail when compiler.wasm is over [`COMPILER_WASM_BUDGET`] (otherwise only warn).
    pub enforce_budget: bool,
    /// Print progress and sizes.
    pub verbose: bool,
}

impl Default for DistOptions {
    fn default() -> Self {
        DistOptions {
            out: workspace_root().join("target").join("dist"),
            wasm_opt: true,
            enforce_budget: true,
            verbose: true,
        }
    }
}

/// Raw and gzip size of one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    pub raw: u64,
    pub gzip: u64,
}

impl std::fmt::Display for Size {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} raw, {} gzip", human(self.raw), human(self.gzip))
    }
}

fn human(n: u64) -> String {
    if n >= 1024 * 1024 {
        format!("{:.2} MiB ({n} B)", n as f64 / (1024.0 * 1024.0))
    } else {
        format!("{:.1} KiB ({n} B)", n as f64 / 1024.0)
    }
}

#[derive(Debug, Clone)]
pub struct DistReport {
    pub out: PathBuf,
    pub compiler: Size,
    /// Hex SHA-256 of `compiler.wasm` as written to `out`.
    pub compiler_sha256: String,
    /// The app: wasm-bindgen's JS and wasm, the worker, the page and its CSS.
    pub web: Size,
    pub web_wasm: Size,
    pub wasm_opt_used: bool,
}

/// Builds compiler.wasm and the dashboard into `opts.out`.
pub fn dist(opts: &DistOptions) -> Result<DistReport> {
    let root = workspace_root();
    let target = target_dir();
    let say = |msg: &str| {
        if opts.verbose {
            eprintln!("xtask: {msg}");
        }
    };
    let wasm_opt = root.join("node_modules").join(".bin").join("wasm-opt");
    let use_wasm_opt = opts.wasm_opt && wasm_opt.is_file();
    if opts.wasm_opt && !use_wasm_opt {
        say(
            "wasm-opt not installed (npm binaryen@132.0.0); modules are shipped as cargo built them",
        );
    }

    // 1. compiler.wasm — built on its own so that no feature of the web crate's dependencies is
    //    unified into it: it is the same module `cargo build -p ferry-compiler-wasm` gives.
    say("building compiler.wasm (profile wasm)");
    cargo_build_wasm(
        &root,
        &target,
        WASM_PROFILE,
        "ferry-compiler-wasm",
        None,
        None,
    )?;
    let built = target
        .join(WASM_TARGET)
        .join(WASM_PROFILE)
        .join("ferry_compiler_wasm.wasm");
    let mut compiler =
        std::fs::read(&built).with_context(|| format!("reading {}", built.display()))?;
    if use_wasm_opt {
        say("wasm-opt -Oz compiler.wasm");
        compiler = run_wasm_opt(&wasm_opt, &compiler, &target)?;
    }
    let imports = count_imports(&compiler)?;
    ensure!(
        imports == 0,
        "compiler.wasm must have no imports (DESIGN §4), it has {imports}"
    );
    let compiler_size = Size {
        raw: compiler.len() as u64,
        gzip: gzip_len(&compiler),
    };
    eprintln!(
        "xtask: compiler.wasm: {compiler_size} (budget {})",
        human(COMPILER_WASM_BUDGET)
    );
    if compiler_size.raw > COMPILER_WASM_BUDGET {
        let msg = format!(
            "compiler.wasm is over its size budget: {} raw ({} gzip) > {} raw",
            human(compiler_size.raw),
            human(compiler_size.gzip),
            human(COMPILER_WASM_BUDGET)
        );
        if opts.enforce_budget {
            bail!("{msg}");
        }
        eprintln!("xtask: WARNING: {msg}");
    }
    let compiler_sha256 = hex(&Sha256::digest(&compiler));

    // 2. The Leptos app → wasm-bindgen (--target web).
    say("building the web app (profile wasm-web)");
    cargo_build_wasm(
        &root,
        &target,
        WEB_PROFILE,
        "ferry-web",
        Some("ferry-web"),
        Some(WEB_RUSTFLAGS),
    )?;
    let app = target
        .join(WASM_TARGET)
        .join(WEB_PROFILE)
        .join("ferry-web.wasm");

    let staging = staging_dir(&opts.out)?;
    say("wasm-bindgen --target web");
    let mut bindgen = wasm_bindgen_cli_support::Bindgen::new();
    bindgen
        .input_path(&app)
        .out_name("ferry_web")
        .web(true)?
        .typescript(false)
        .omit_default_module_path(false)
        .remove_producers_section(true)
        .remove_name_section(true)
        .generate(&staging)
        .context("wasm-bindgen")?;
    let app_wasm = staging.join("ferry_web_bg.wasm");
    if use_wasm_opt {
        say("wasm-opt -Oz ferry_web_bg.wasm");
        let bytes = std::fs::read(&app_wasm)?;
        std::fs::write(&app_wasm, run_wasm_opt(&wasm_opt, &bytes, &target)?)?;
    }

    // 3. Static files, compiler.wasm, examples.json.
    copy_dir(&root.join("web").join("static"), &staging)?;
    let index = std::fs::read_to_string(staging.join("index.html"))?;
    std::fs::create_dir_all(staging.join("invite"))?;
    std::fs::write(
        staging.join("invite").join("index.html"),
        invite_page(&index)?,
    )?;
    std::fs::write(staging.join("compiler.wasm"), &compiler)?;
    std::fs::write(
        staging.join("compiler.wasm.sha256"),
        format!("{compiler_sha256}  compiler.wasm\n"),
    )?;
    std::fs::write(
        staging.join("examples.json"),
        examples_json(&root.join("examples"))?,
    )?;

    let web_wasm = file_size(&app_wasm)?;
    let mut web = Size { raw: 0, gzip: 0 };
    for f in [
        "index.html",
        "style.css",
        "compiler-worker.js",
        "ferry_web.js",
        "ferry_web_bg.wasm",
        "examples.json",
    ] {
        // The gzip copy `ferry serve` sends to browsers that accept it (`ServeDir`'s
        // precompressed files); compiler.wasm has its own route, which encodes it in memory.
        let path = staging.join(f);
        let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        let packed = gzip(&bytes);
        std::fs::write(staging.join(format!("{f}.gz")), &packed)?;
        if f != "examples.json" {
            web.raw += bytes.len() as u64;
            web.gzip += packed.len() as u64;
        }
    }
    replace_dir(&staging, &opts.out)?;
    eprintln!("xtask: web app wasm: {web_wasm}");
    eprintln!("xtask: web bundle (html, css, js, worker, app wasm): {web}");
    eprintln!("xtask: compiler.wasm sha256 {compiler_sha256}");
    eprintln!("xtask: dashboard written to {}", opts.out.display());
    Ok(DistReport {
        out: opts.out.clone(),
        compiler: compiler_size,
        compiler_sha256,
        web,
        web_wasm,
        wasm_opt_used: use_wasm_opt,
    })
}

/// The dashboard's page for `/invite/`: the broker's invitation links are `/invite#<secret>`
/// (the secret stays in the fragment), which a static file server answers from this folder.
/// `<base href="../">` makes the page's relative files (script, wasm, CSS, worker) the root's.
pub fn invite_page(index: &str) -> Result<String> {
    let Some(at) = index.find("<head>") else {
        bail!("web/static/index.html has no <head>");
    };
    let at = at + "<head>".len();
    Ok(format!(
        "{}\n  <base href=\"../\">{}",
        &index[..at],
        &index[at..]
    ))
}

fn cargo_build_wasm(
    root: &Path,
    target: &Path,
    profile: &str,
    package: &str,
    bin: Option<&str>,
    rustflags: Option<&str>,
) -> Result<()> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(root)
        .args([
            "build",
            "--profile",
            profile,
            "--target",
            WASM_TARGET,
            "-p",
            package,
        ])
        .env("CARGO_TARGET_DIR", target)
        // Flags meant for the host build (e.g. from an outer `cargo test`) must not leak in.
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS");
    if let Some(flags) = rustflags {
        cmd.env("RUSTFLAGS", flags);
    }
    if let Some(bin) = bin {
        cmd.args(["--bin", bin]);
    }
    let status = cmd
        .status()
        .with_context(|| format!("running cargo build -p {package}"))?;
    ensure!(
        status.success(),
        "cargo build -p {package} --target {WASM_TARGET} failed"
    );
    Ok(())
}

/// `wasm-opt -Oz` of `input`. Its output depends only on its input and flags, so results are
/// kept by the input's SHA-256 and an unchanged module is not optimised again.
///
/// Several builds may run at once (the browser tests build their dashboards in parallel): each
/// run works on files of its own and the result enters the cache by an atomic rename, so no
/// run ever reads another's half-written file.
fn run_wasm_opt(wasm_opt: &Path, input: &[u8], target: &Path) -> Result<Vec<u8>> {
    static RUN: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let dir = target.join("xtask-wasm-opt");
    std::fs::create_dir_all(&dir)?;
    let key = hex(&Sha256::digest(input));
    let cached = dir.join(format!("{key}.wasm"));
    if let Ok(bytes) = std::fs::read(&cached) {
        return Ok(bytes);
    }
    let run = format!(
        "{}-{}",
        std::process::id(),
        RUN.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    let (i, o) = (
        dir.join(format!("{key}.{run}.in.wasm")),
        dir.join(format!("{key}.{run}.out.wasm")),
    );
    std::fs::write(&i, input)?;
    let status = Command::new(wasm_opt)
        .arg("-Oz")
        .args(WASM_OPT_FEATURES)
        .arg(&i)
        .arg("-o")
        .arg(&o)
        .status()
        .with_context(|| format!("running {}", wasm_opt.display()))?;
    let _ = std::fs::remove_file(&i);
    ensure!(status.success(), "wasm-opt failed");
    let out = std::fs::read(&o)?;
    std::fs::rename(&o, &cached)?;
    Ok(out)
}

/// A fresh sibling folder of `out` to build into, so that `out` is replaced only by a complete
/// dashboard.
fn staging_dir(out: &Path) -> Result<PathBuf> {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "dist".into());
    let staging = out.with_file_name(format!(".{name}.staging"));
    if staging.exists() {
        std::fs::remove_dir_all(&staging)?;
    }
    std::fs::create_dir_all(&staging).with_context(|| format!("creating {}", staging.display()))?;
    Ok(staging)
}

fn replace_dir(staging: &Path, out: &Path) -> Result<()> {
    if out.exists() {
        std::fs::remove_dir_all(out).with_context(|| format!("removing {}", out.display()))?;
    }
    std::fs::rename(staging, out).with_context(|| format!("writing {}", out.display()))?;
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let dest = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            std::fs::create_dir_all(&dest)?;
            copy_dir(&entry.path(), &dest)?;
        } else {
            std::fs::copy(entry.path(), dest)?;
        }
    }
    Ok(())
}

/// `[{"name": "saas-web-app", "files": {"main.tf": "…", …}}, …]` from `examples/*/origin`,
/// sorted by name, paths relative to `origin/` with `/` separators.
pub fn examples_json(examples: &Path) -> Result<String> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(examples)
        .with_context(|| format!("reading {}", examples.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("origin").is_dir())
        .collect();
    names.sort();
    let mut list = Vec::new();
    for dir in names {
        let mut files = BTreeMap::new();
        collect_files(&dir.join("origin"), "", &mut files)?;
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        list.push(serde_json::json!({ "name": name, "files": files }));
    }
    Ok(serde_json::to_string(&list)?)
}

fn collect_files(dir: &Path, prefix: &str, files: &mut BTreeMap<String, String>) -> Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel = format!("{prefix}{name}");
        if entry.file_type()?.is_dir() {
            collect_files(&entry.path(), &format!("{rel}/"), files)?;
        } else {
            let text = std::fs::read_to_string(entry.path())
                .with_context(|| format!("reading {}", entry.path().display()))?;
            files.insert(rel, text);
        }
    }
    Ok(())
}

fn file_size(path: &Path) -> Result<Size> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(Size {
        raw: bytes.len() as u64,
        gzip: gzip_len(&bytes),
    })
}

/// `gzip -9` of `bytes`: what `ferry serve` sends to a browser that accepts gzip.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing into a Vec cannot fail.
    let _ = enc.write_all(bytes);
    enc.finish().unwrap_or_default()
}

/// Size after `gzip -9`, which is what a server would send.
pub fn gzip_len(bytes: &[u8]) -> u64 {
    gzip(bytes).len() as u64
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Number of entries in a core module's import section.
pub fn count_imports(module: &[u8]) -> Result<u32> {
    ensure!(
        module.len() >= 8 && module[..4] == *b"\0asm",
        "not a WebAssembly module"
    );
    let mut pos = 8;
    while pos < module.len() {
        let id = module[pos];
        pos += 1;
        let size = leb_u32(module, &mut pos)? as usize;
        let end = pos.checked_add(size).filter(|&e| e <= module.len());
        let Some(end) = end else {
            bail!("truncated section {id}");
        };
        if id == 2 {
            return leb_u32(module, &mut pos);
        }
        pos = end;
    }
    Ok(0)
}

fn leb_u32(bytes: &[u8], pos: &mut usize) -> Result<u32> {
    let mut result: u32 = 0;
    for shift in (0..35).step_by(7) {
        let Some(&b) = bytes.get(*pos) else {
            bail!("truncated LEB128");
        };
        *pos += 1;
        result |= u32::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Ok(result);
        }
    }
    bail!("LEB128 too long")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_imports() {
        // (module) and (module (import "a" "b" (func)))
        let empty = b"\0asm\x01\0\0\0";
        assert_eq!(count_imports(empty).expect("module"), 0);
        let with_import = [
            0, b'a', b's', b'm', 1, 0, 0, 0, // header
            1, 4, 1, 0x60, 0, 0, // type section: one func type () -> ()
            2, 7, 1, 1, b'a', 1, b'b', 0, 0, // import section: a.b func 0
        ];
        assert_eq!(count_imports(&with_import).expect("module"), 1);
        assert!(count_imports(b"nope").is_err());
    }

    #[test]
    fn the_invite_page_resolves_files_from_the_root() {
        let page = invite_page("<html><head>\n<title>x</title></head></html>").expect("page");
        assert_eq!(
            page,
            "<html><head>\n  <base href=\"../\">\n<title>x</title></head></html>"
        );
        assert!(invite_page("<html></html>").is_err());
    }

    #[test]
    fn examples_are_collected() {
        let json = examples_json(&workspace_root().join("examples")).expect("examples");
        let list: serde_json::Value = serde_json::from_str(&json).expect("JSON");
        let saas = list
            .as_array()
            .expect("array")
            .iter()
            .find(|e| e["name"] == "saas-web-app")
            .expect("saas-web-app");
        assert!(saas["files"]["eks.tf"].as_str().is_some());
    }
}
