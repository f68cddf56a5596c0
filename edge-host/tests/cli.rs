//! The `ferry compile` command as a user runs it: exit codes, output folder handling, JSON
//! output, and clear errors for inputs that cannot be read.

use std::path::Path;
use std::process::{Command, Output};

fn ferry(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ferry"))
        .args(args)
        .output()
        .expect("ferry runs")
}

fn write(dir: &Path, name: &str, text: &str) {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, text).expect("write");
}

const CLEAN: &str = r#"
provider "aws" {
  region = "eu-central-1"
}

resource "aws_s3_bucket" "assets" {
  bucket = "assets-${var.instance_id}"
}
"#;

fn s(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn compiles_cleanly_with_exit_0_and_writes_the_stack() {
    let origin = tempfile::tempdir().expect("tmp");
    write(origin.path(), "main.tf", CLEAN);
    let out = tempfile::tempdir().expect("tmp");
    let o = ferry(&[
        "compile",
        origin.path().to_str().expect("utf8"),
        "-o",
        out.path().to_str().expect("utf8"),
        "--force",
    ]);
    let (stdout, stderr) = s(&o);
    assert_eq!(o.status.code(), Some(0), "{stdout}{stderr}");
    for f in [
        "main.tf",
        "variables.tf",
        "outputs.tf",
        "versions.tf",
        "ferry-report.json",
    ] {
        assert!(out.path().join(f).is_file(), "{f} missing");
    }
    let main = std::fs::read_to_string(out.path().join("main.tf")).expect("main.tf");
    assert!(
        main.contains("resource \"digitalocean_spaces_bucket\" \"assets\""),
        "{main}"
    );
    let vars = std::fs::read_to_string(out.path().join("variables.tf")).expect("variables.tf");
    assert!(
        vars.contains("default     = \"fra1\""),
        "eu-central-1 → fra1: {vars}"
    );
    assert!(
        stdout.contains("aws_s3_bucket.assets") && stdout.contains("mapped"),
        "{stdout}"
    );
}

#[test]
fn json_format_prints_the_compile_api_response() {
    let origin = tempfile::tempdir().expect("tmp");
    write(origin.path(), "main.tf", CLEAN);
    let out = tempfile::tempdir().expect("tmp");
    let o = ferry(&[
        "compile",
        origin.path().to_str().expect("utf8"),
        "-o",
        out.path().join("stack").to_str().expect("utf8"),
        "--format",
        "json",
        "--instance-id",
        "acme",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("stdout is JSON");
    let keys: Vec<&str> = v
        .as_object()
        .expect("object")
        .keys()
        .map(|k| k.as_str())
        .collect();
    assert_eq!(keys, ["files", "report"]);
    assert!(
        v["files"]["main.tf"]
            .as_str()
            .expect("main.tf")
            .contains("digitalocean_spaces_bucket")
    );
    assert_eq!(v["report"]["instance_id"], "acme");
    assert!(
        out.path().join("stack/main.tf").is_file(),
        "the stack is still written"
    );
}

#[test]
fn unsupported_resources_exit_1() {
    let origin = tempfile::tempdir().expect("tmp");
    write(
        origin.path(),
        "main.tf",
        "resource \"aws_made_up_thing\" \"x\" {\n  name = \"x\"\n}\n",
    );
    let out = tempfile::tempdir().expect("tmp");
    let o = ferry(&[
        "compile",
        origin.path().to_str().expect("utf8"),
        "-o",
        out.path().to_str().expect("utf8"),
        "--force",
    ]);
    let (stdout, _) = s(&o);
    assert_eq!(o.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("error[F301]"), "{stdout}");
    assert!(
        stdout.contains("--> main.tf:1:1"),
        "rustc-style location: {stdout}"
    );
}

#[test]
fn a_non_empty_output_folder_needs_force() {
    let origin = tempfile::tempdir().expect("tmp");
    write(origin.path(), "main.tf", CLEAN);
    let out = tempfile::tempdir().expect("tmp");
    write(out.path(), "keep.txt", "precious");
    let args = [
        "compile",
        origin.path().to_str().expect("utf8"),
        "-o",
        out.path().to_str().expect("utf8"),
    ];
    let o = ferry(&args);
    let (_, stderr) = s(&o);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr.contains("not empty") && stderr.contains("--force"),
        "{stderr}"
    );
    assert!(
        out.path().join("keep.txt").is_file(),
        "nothing was overwritten"
    );
    let mut forced = args.to_vec();
    forced.push("--force");
    assert_eq!(ferry(&forced).status.code(), Some(0));
    assert!(!out.path().join("keep.txt").exists());
}

#[test]
fn unreadable_inputs_give_clear_errors_and_exit_2() {
    let out = tempfile::tempdir().expect("tmp");
    let run = |origin: &Path| {
        let o = ferry(&[
            "compile",
            origin.to_str().expect("utf8"),
            "-o",
            out.path().to_str().expect("utf8"),
            "--force",
        ]);
        (o.status.code(), s(&o).1)
    };

    let binary = tempfile::tempdir().expect("tmp");
    std::fs::write(binary.path().join("main.tf"), b"resource \0\x01\x02").expect("write");
    let (code, err) = run(binary.path());
    assert_eq!(code, Some(2));
    assert!(err.contains("main.tf") && err.contains("binary"), "{err}");

    let latin1 = tempfile::tempdir().expect("tmp");
    std::fs::write(latin1.path().join("main.tf"), b"# caf\xe9\n").expect("write");
    let (code, err) = run(latin1.path());
    assert_eq!(code, Some(2));
    assert!(err.contains("not UTF-8"), "{err}");

    let huge = tempfile::tempdir().expect("tmp");
    let f = std::fs::File::create(huge.path().join("big.tf")).expect("create");
    f.set_len(17 * 1024 * 1024).expect("sparse file");
    let (code, err) = run(huge.path());
    assert_eq!(code, Some(2));
    assert!(err.contains("big.tf") && err.contains("16 MiB"), "{err}");

    #[cfg(unix)]
    {
        let looped = tempfile::tempdir().expect("tmp");
        write(looped.path(), "main.tf", CLEAN);
        std::fs::create_dir(looped.path().join("sub")).expect("mkdir");
        std::os::unix::fs::symlink(looped.path(), looped.path().join("sub/back")).expect("symlink");
        let (code, err) = run(looped.path());
        assert_eq!(code, Some(2));
        assert!(err.contains("symlink loop"), "{err}");
    }

    let (code, err) = run(&out.path().join("does-not-exist"));
    assert_eq!(code, Some(2));
    assert!(err.contains("cannot read origin folder"), "{err}");
}
