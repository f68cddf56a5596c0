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

/// `--format sarif`: SARIF 2.1.0 as GitHub code scanning reads it, on stdout; the stack is
/// still written. The log is checked field by field against what code scanning requires.
#[test]
fn sarif_format_is_valid_sarif_2_1_0() {
    let work = tempfile::tempdir().expect("tmp");
    let origin = work.path().join("infra");
    write(
        &origin,
        "main.tf",
        "provider \"aws\" {\n  region = \"us-east-1\"\n}\n\nresource \"aws_s3_bucket\" \"assets\" {\n  bucket = \"acme-assets\"\n}\n\nresource \"aws_made_up_thing\" \"x\" {\n  name = \"x\"\n}\n",
    );
    write(
        &origin,
        "src/orders/app.py",
        "import boto3\n\nsm = boto3.client(\"secretsmanager\")\nsecret = sm.get_secret_value(SecretId=\"db\")\n",
    );
    write(
        &origin,
        "src/orders/node_modules/x/index.js",
        "require('aws-sdk'); new GetSecretValueCommand({})\n",
    );
    let o = Command::new(env!("CARGO_BIN_EXE_ferry"))
        .current_dir(work.path())
        .args(["compile", "infra", "-o", "out", "--format", "sarif"])
        .output()
        .expect("ferry runs");
    let (stdout, stderr) = s(&o);
    assert_eq!(o.status.code(), Some(1), "F301 is an error: {stderr}");
    assert!(
        work.path().join("out/main.tf").is_file(),
        "the stack is still written"
    );
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("stdout is JSON");

    assert_eq!(v["version"], "2.1.0");
    assert!(
        v["$schema"]
            .as_str()
            .expect("$schema")
            .contains("sarif-2.1.0")
    );
    let runs = v["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "ferry");
    assert!(
        driver["informationUri"]
            .as_str()
            .expect("informationUri")
            .starts_with("https://")
    );
    assert!(driver["version"].is_string());
    let levels = ["error", "warning", "note"];
    let mut ids = std::collections::BTreeSet::new();
    for rule in driver["rules"].as_array().expect("rules") {
        let id = rule["id"].as_str().expect("rule id");
        assert!(ids.insert(id.to_string()), "duplicate rule {id}");
        assert!(rule["name"].as_str().is_some_and(|n| !n.is_empty()));
        assert!(
            rule["shortDescription"]["text"]
                .as_str()
                .is_some_and(|t| !t.is_empty())
        );
        assert!(
            levels.contains(
                &rule["defaultConfiguration"]["level"]
                    .as_str()
                    .expect("level")
            )
        );
        assert!(
            rule["helpUri"]
                .as_str()
                .expect("helpUri")
                .starts_with("https://")
        );
    }
    assert!(ids.contains("F301") && ids.contains("F504"));

    let results = runs[0]["results"].as_array().expect("results");
    assert!(!results.is_empty());
    for r in results {
        let id = r["ruleId"].as_str().expect("ruleId");
        assert!(ids.contains(id), "{id} is not a rule");
        let index = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(driver["rules"][index]["id"], id);
        assert!(levels.contains(&r["level"].as_str().expect("level")));
        assert!(r["message"]["text"].as_str().is_some_and(|t| !t.is_empty()));
        let fp = r["partialFingerprints"]
            .as_object()
            .expect("partialFingerprints");
        assert!(!fp.is_empty() && fp.values().all(|f| f.is_string()));
        let loc = &r["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().expect("uri");
        assert!(uri.starts_with("infra/"), "relative to the checkout: {uri}");
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert!(loc["region"]["startLine"].as_u64().expect("startLine") >= 1);
        assert!(loc["region"]["startColumn"].as_u64().expect("startColumn") >= 1);
    }
    let find = |code: &str| {
        results
            .iter()
            .find(|r| r["ruleId"] == code)
            .unwrap_or_else(|| panic!("no {code} result in {stdout}"))
    };
    let f301 = find("F301");
    assert_eq!(f301["level"], "error");
    assert_eq!(
        f301["locations"][0]["physicalLocation"]["region"]["startLine"],
        9
    );
    assert!(
        f301["message"]["text"]
            .as_str()
            .expect("text")
            .contains("\nhelp: ")
    );
    // The SDK lint points into the function source, not into vendored dependencies.
    let f504: Vec<&serde_json::Value> = results.iter().filter(|r| r["ruleId"] == "F504").collect();
    assert_eq!(f504.len(), 1, "{stdout}");
    let loc = &f504[0]["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "infra/src/orders/app.py");
    assert_eq!(loc["region"]["startLine"], 4);
    // Fingerprints are stable from one run to the next.
    let again = Command::new(env!("CARGO_BIN_EXE_ferry"))
        .current_dir(work.path())
        .args([
            "compile", "infra", "-o", "out", "--force", "--format", "sarif",
        ])
        .output()
        .expect("ferry runs");
    assert_eq!(again.stdout, o.stdout);
}

#[test]
fn data_files_next_to_the_stack_are_read_and_manifests_written() {
    let origin = tempfile::tempdir().expect("tmp");
    write(
        origin.path(),
        "main.tf",
        r#"
provider "aws" {
  region = "us-east-1"
}

resource "aws_ecs_task_definition" "api" {
  family                = "api"
  cpu                   = 256
  memory                = 512
  container_definitions = file("${path.module}/defs/api.json")
}

resource "aws_ecs_service" "api" {
  name            = "api"
  task_definition = aws_ecs_task_definition.api.arn
}
"#,
    );
    write(
        origin.path(),
        "defs/api.json",
        r#"[{"name": "api", "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/api:1"}]"#,
    );
    write(
        origin.path(),
        "k8s/app.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  containers:\n    - name: x\n      image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/api:1\n",
    );
    // Not read: too large to be a definition or manifest.
    write(origin.path(), "big.json", &"x".repeat(2 * 1024 * 1024));
    let out = tempfile::tempdir().expect("tmp");
    let o = ferry(&[
        "compile",
        origin.path().to_str().expect("utf8"),
        "-o",
        out.path().to_str().expect("utf8"),
        "--force",
        "--instance-id",
        "acme",
        "--format",
        "json",
    ]);
    let (stdout, stderr) = s(&o);
    assert_eq!(o.status.code(), Some(0), "{stdout}{stderr}");
    assert!(!stdout.contains("F370"), "{stdout}");
    assert!(!stdout.contains("F105"), "{stdout}");
    let main = std::fs::read_to_string(out.path().join("main.tf")).expect("main.tf");
    assert!(
        main.contains("registry.digitalocean.com/${var.registry_name}/api:1"),
        "{main}"
    );
    let manifest = std::fs::read_to_string(out.path().join("k8s/app.yaml")).expect("manifest");
    assert!(
        manifest.contains("image: registry.digitalocean.com/ferry-acme/api:1"),
        "{manifest}"
    );
}
