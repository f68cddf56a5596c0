//! For wasm32 only: compiles `memops.rs` (fast `memcmp`/`bcmp`, see that file) into an object
//! file and links it into compiler.wasm. Natively libc provides the same routines.

use std::path::PathBuf;
use std::process::Command;

fn main() {
    println!("cargo::rerun-if-changed=memops.rs");
    let target = std::env::var("TARGET").unwrap_or_default();
    if !target.starts_with("wasm32") {
        return;
    }
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let object = out.join("ferry_memops.o");
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let status = Command::new(rustc)
        .args([
            "--target",
            &target,
            "--crate-type=lib",
            "--crate-name=ferry_memops",
        ])
        .args(["--edition=2024", "-C", "opt-level=3", "-C", "panic=abort"])
        .arg("--emit")
        .arg(format!("obj={}", object.display()))
        .arg("memops.rs")
        .status()
        .expect("rustc runs");
    assert!(status.success(), "compiling memops.rs for {target} failed");
    println!("cargo::rustc-link-arg={}", object.display());
}
