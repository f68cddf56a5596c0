//! `ferry deploy` and `ferry destroy` as a user runs them, against the sandbox cloud on a
//! loopback port: exit codes, the state file, dry runs, convergence, and the release path
//! (files from the edge host, the API through the relay path, the session credential as token),
//! here with a stand-in edge host that serves one release and mounts the sandbox under the relay
//! path.

use axum::Router;
use axum::extract::Path as UrlPath;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use ferry_sandbox_cloud::{Config, NewToken, RateLimit, Sandbox, SystemClock};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Output;
use std::sync::Arc;
use std::time::Duration;

const TOKEN: &str = "dop_v1_cli_test_token";
const API_KEY: &str = "ferry_test_api_key";

struct Env {
    base: String,
    _stop: tokio::sync::oneshot::Sender<()>,
}

/// The sandbox at `/`, and a stand-in edge host: `GET /api/v1/releases/{id}` and the sandbox
/// again under `/relay/v1/appliances/a1/do`.
async fn start(release_files: BTreeMap<String, String>) -> Env {
    let config = Config {
        settle: Duration::from_millis(20),
        ..Config::default()
    };
    let sb = Sandbox::open("sqlite::memory:", config, Arc::new(SystemClock))
        .await
        .expect("sandbox");
    sb.add_token(NewToken {
        token: TOKEN.into(),
        scopes: vec!["*".into()],
        expires_at: None,
        rate_limit: Some(RateLimit {
            per_hour: 100_000,
            per_minute: 100_000,
        }),
    })
    .await
    .expect("token");
    let release = move |deployable: bool, id: &str| {
        serde_json::json!({
            "id": id, "appliance_id": "a1", "origin_digest": "sha256:00", "digest": "sha256:11",
            "created_by": "vendor:v1", "created_at_ms": 0, "deployable": deployable,
            "errors": if deployable { 0 } else { 2 }, "warnings": 0, "files": release_files.clone(),
        })
    };
    let releases = Router::new().route(
        "/api/v1/releases/{id}",
        get(move |UrlPath(id): UrlPath<String>, headers: HeaderMap| async move {
            let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("");
            if auth != format!("Bearer {API_KEY}") {
                return (StatusCode::UNAUTHORIZED, axum::Json(serde_json::json!({"error": {"code": "unauthorized", "message": "sign in"}}))).into_response();
            }
            match id.as_str() {
                "r1" => axum::Json(release(true, "r1")).into_response(),
                "r2" => axum::Json(release(false, "r2")).into_response(),
                _ => (StatusCode::NOT_FOUND, axum::Json(serde_json::json!({"error": {"code": "not_found", "message": "no such release"}}))).into_response(),
            }
        }),
    );
    let app = releases
        .nest(
            "/relay/v1/appliances/a1/do",
            ferry_sandbox_cloud::router(sb.clone()),
        )
        .merge(ferry_sandbox_cloud::router(sb));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await;
    });
    Env {
        base: format!("http://{addr}"),
        _stop: stop,
    }
}

async fn ferry(args: Vec<String>, env: Vec<(&'static str, String)>) -> Output {
    tokio::task::spawn_blocking(move || {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_ferry"));
        cmd.args(&args)
            .env_remove("DIGITALOCEAN_TOKEN")
            .env_remove("FERRY_API_KEY")
            .env_remove("FERRY_API_KEY_FILE")
            .env_remove("FERRY_SERVER")
            .env_remove("FERRY_DO_API");
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().expect("ferry runs")
    })
    .await
    .expect("joins")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn copy_example(name: &str, to: &Path) -> BTreeMap<String, String> {
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples")
        .join(name)
        .join("expected");
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(&from).into_iter().flatten() {
        if entry.file_type().is_file() && entry.path().extension().is_some_and(|e| e == "tf") {
            let rel = entry
                .path()
                .strip_prefix(&from)
                .expect("inside")
                .to_string_lossy()
                .replace('\\', "/");
            let target = to.join(&rel);
            std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
            std::fs::copy(entry.path(), &target).expect("copy");
            files.insert(rel, std::fs::read_to_string(entry.path()).expect("read"));
        }
    }
    files
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deploy_converge_plan_and_destroy_a_folder() {
    let env = start(BTreeMap::new()).await;
    let dir = tempfile::tempdir().expect("tmp");
    let stack = dir.path().join("stack");
    copy_example("ecs-fargate-app", &stack);
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, format!("{TOKEN}\n")).expect("write");
    let common = |cmd: &str| {
        vec![
            cmd.to_string(),
            stack.display().to_string(),
            "--api".into(),
            env.base.clone(),
            "--token-file".into(),
            token_file.display().to_string(),
            "--var".into(),
            "instance_id=acme".into(),
            "--poll-ms".into(),
            "10".into(),
        ]
    };

    let o = ferry(common("deploy"), vec![]).await;
    let out = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("digitalocean_vpc.main created"), "{out}");
    assert!(
        out.contains("kubernetes_deployment_v1.api skipped: Kubernetes objects"),
        "{out}"
    );
    assert!(!out.contains(TOKEN), "the token leaked: {out}");
    // The generated password is kept, readable by the owner only, and never printed.
    let state_path = stack.join(".ferry-deploy-state.json");
    let state = std::fs::read_to_string(&state_path).expect("state written");
    let password = serde_json::from_str::<serde_json::Value>(&state).expect("json")["random"]["random_password.session"]["result"]
        .as_str()
        .unwrap_or("")
        .to_string();
    // (The example's database password is the cluster's own, not a generated one.)
    assert_eq!(password.len(), 64);
    assert!(!out.contains(&password));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&state_path)
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "state file mode {mode:o}");
    }

    let o = ferry(common("deploy"), vec![]).await;
    let out = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(
        out.contains(" 0 created, 0 updated") || out.contains("\n0 created, 0 updated"),
        "{out}"
    );
    assert!(out.contains("(0 writes)"), "{out}");

    let mut plan = common("deploy");
    plan.push("--dry-run".into());
    let o = ferry(plan, vec![]).await;
    let out = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("would create 0, would update 0"), "{out}");

    // JSON lines: every line parses; the last is the report, without the sensitive value.
    let mut json = common("deploy");
    json.push("--json".into());
    let o = ferry(json, vec![]).await;
    let stdout = String::from_utf8_lossy(&o.stdout).to_string();
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    let report = lines.last().expect("a report");
    assert_eq!(report["instance_id"], "acme");
    assert!(!stdout.contains(&password));

    let o = ferry(common("destroy"), vec![]).await;
    let out = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(
        out.contains("digitalocean_database_cluster.main deleted"),
        "{out}"
    );
    assert!(
        !std::fs::read_to_string(&state_path)
            .expect("state")
            .contains(&password)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_codes_say_what_went_wrong() {
    let env = start(BTreeMap::new()).await;
    let dir = tempfile::tempdir().expect("tmp");
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, TOKEN).expect("write");
    let stack = dir.path().join("bad");
    std::fs::create_dir_all(&stack).expect("mkdir");
    std::fs::write(
        stack.join("main.tf"),
        "variable \"instance_id\" { default = \"acme\" }\nresource \"digitalocean_vpc\" \"a\" {\n  name   = \"a-${var.instance_id}\"\n  region = \"nowhere9\"\n}\n",
    )
    .expect("write");
    let base = |extra: &[&str]| {
        let mut a = vec![
            "deploy".to_string(),
            stack.display().to_string(),
            "--api".into(),
            env.base.clone(),
            "--token-file".into(),
            token_file.display().to_string(),
        ];
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    // The API refuses the region: the resource fails, exit 1, the API's message shown.
    let o = ferry(base(&[]), vec![]).await;
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("digitalocean_vpc.a"), "{}", text(&o));
    // Usage: a --var without `=`, an unknown variable, a missing token file, no stack.
    let o = ferry(base(&["--var", "region"]), vec![]).await;
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("--var takes NAME=VALUE"));
    let o = ferry(base(&["--var", "nope=1"]), vec![]).await;
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("variable `nope`: the stack declares no such variable"),
        "{}",
        text(&o)
    );
    let o = ferry(
        args(&[
            "deploy",
            &stack.display().to_string(),
            "--token-file",
            "/nonexistent/token",
        ]),
        vec![],
    )
    .await;
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).contains("cannot read the token file"),
        "{}",
        text(&o)
    );
    let o = ferry(args(&["deploy", "r9"]), vec![]).await;
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("--server"), "{}", text(&o));
    let o = ferry(
        args(&["destroy", &stack.display().to_string(), "--dry-run"]),
        vec![],
    )
    .await;
    assert_eq!(o.status.code(), Some(2));
    let o = ferry(args(&["deploy"]), vec![]).await;
    assert_eq!(o.status.code(), Some(2), "clap's usage error");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_release_deploys_through_the_relay_path() {
    let scratch = tempfile::tempdir().expect("tmp");
    let mut files = copy_example("modular-stack", &scratch.path().join("copy"));
    // A release is compiled for its appliance: the instance id is the variable's default.
    for text in files.values_mut() {
        *text = text.replace(
            "variable \"instance_id\" {",
            "variable \"instance_id\" {\n  default = \"acme\"",
        );
    }
    let env = start(files).await;
    let session = scratch.path().join("session");
    // The stand-in relay is the sandbox itself: the session credential is the sandbox token.
    std::fs::write(&session, TOKEN).expect("write");
    let state = scratch.path().join("release.state.json");
    let run = |id: &str, cmd: &str| {
        args(&[
            cmd,
            id,
            "--server",
            &env.base,
            "--session",
            &session.display().to_string(),
            "--state",
            &state.display().to_string(),
            "--poll-ms",
            "10",
        ])
    };
    let key = || vec![("FERRY_API_KEY", API_KEY.to_string())];
    let o = ferry(run("r1", "deploy"), key()).await;
    let out = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(
        out.contains(&format!("{}/relay/v1/appliances/a1/do", env.base)),
        "{out}"
    );
    assert!(
        out.contains("module.app.digitalocean_droplet.app[1] created"),
        "{out}"
    );
    let o = ferry(run("r1", "deploy"), key()).await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("(0 writes)"), "{}", text(&o));
    // A release whose compile failed is refused; a wrong key or id is an error from the host.
    let o = ferry(run("r2", "deploy"), key()).await;
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("not deployable"), "{}", text(&o));
    let o = ferry(run("r1", "deploy"), vec![("FERRY_API_KEY", "wrong".into())]).await;
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).contains("401") && text(&o).contains("sign in"),
        "{}",
        text(&o)
    );
    let o = ferry(run("r7", "deploy"), key()).await;
    assert!(text(&o).contains("no such release"), "{}", text(&o));
    // The key can come from a file as well.
    let key_file = scratch.path().join("api.key");
    std::fs::write(&key_file, format!("{API_KEY}\n")).expect("write");
    let mut destroy = run("r1", "destroy");
    destroy.extend(args(&["--api-key-file", &key_file.display().to_string()]));
    let o = ferry(destroy, vec![]).await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}
