//! Real processes for the end-to-end tests: a child whose stderr and stdout are collected (and
//! printed when a test fails), killed when dropped; `ferry serve` started on loopback ports with
//! its addresses read from what it prints; `ferry` subcommands run as a user would.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A child process, killed (and reaped) on drop; its output lines are kept.
pub struct Proc {
    pub name: String,
    child: Mutex<Child>,
    lines: Arc<Mutex<Vec<String>>>,
}

impl Proc {
    /// Spawns `cmd` with stdout and stderr captured.
    pub fn spawn(name: &str, mut cmd: Command) -> Proc {
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("{name} does not start: {e}"));
        let lines = Arc::new(Mutex::new(Vec::new()));
        for stream in [
            child
                .stderr
                .take()
                .map(|s| Box::new(s) as Box<dyn Read + Send>),
            child
                .stdout
                .take()
                .map(|s| Box::new(s) as Box<dyn Read + Send>),
        ]
        .into_iter()
        .flatten()
        {
            let seen = lines.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    seen.lock().unwrap_or_else(|p| p.into_inner()).push(line);
                }
            });
        }
        Proc {
            name: name.to_string(),
            child: Mutex::new(child),
            lines,
        }
    }

    /// Everything printed so far.
    pub fn log(&self) -> String {
        self.lines
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .join("\n")
    }

    /// The rest of the first line starting with `prefix`, waiting up to `timeout`.
    pub fn wait_line(&self, prefix: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(rest) = self
                .lines
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .iter()
                .find_map(|l| l.strip_prefix(prefix))
            {
                return rest.to_string();
            }
            if let Some(status) = self.exited() {
                panic!(
                    "{} exited ({status}) before printing `{prefix}`:\n{}",
                    self.name,
                    self.log()
                );
            }
            assert!(
                Instant::now() < deadline,
                "{} did not print `{prefix}` within {timeout:?}:\n{}",
                self.name,
                self.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The exit status, if the process has ended.
    pub fn exited(&self) -> Option<ExitStatus> {
        self.child
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .try_wait()
            .ok()
            .flatten()
    }

    pub fn kill(&self) {
        let mut child = self.child.lock().unwrap_or_else(|p| p.into_inner());
        let _ = child.kill();
        let _ = child.wait();
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        self.kill();
        if std::thread::panicking() {
            eprintln!("----- output of {} -----\n{}\n-----", self.name, self.log());
        }
    }
}

/// `ferry serve` on `127.0.0.1:0` with its embedded sandbox cloud on another ephemeral port.
pub struct Serve {
    pub proc: Proc,
    /// `http://127.0.0.1:PORT` of the edge host.
    pub base: String,
    /// `http://127.0.0.1:PORT` of the sandbox cloud.
    pub sandbox: String,
    pub data_dir: PathBuf,
}

impl Serve {
    /// Starts it with the sandbox's pending states settling after `settle_ms`.
    pub fn start(data_dir: &Path, settle_ms: u64) -> Serve {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_ferry"));
        cmd.args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--vendor-name",
            "Acme Software",
            "--sandbox-settle-ms",
            &settle_ms.to_string(),
            "--data-dir",
        ])
        .arg(data_dir)
        .arg("--compiler-wasm")
        .arg(ferry_tests::compiler_wasm(
            ferry_tests::WasmVariant::Shipped,
        ))
        .env("RUST_LOG", "ferry=info,tower_http=warn");
        let proc = Proc::spawn("ferry serve", cmd);
        let sandbox = proc.wait_line(
            "ferry serve: sandbox cloud (DigitalOcean API) on ",
            Duration::from_secs(120),
        );
        let sandbox = sandbox
            .split(',')
            .next()
            .expect("the sandbox's URL")
            .to_string();
        let base = proc.wait_line("ferry serve: listening on ", Duration::from_secs(120));
        assert!(base.starts_with("http://127.0.0.1:"), "{base}");
        assert!(sandbox.starts_with("http://127.0.0.1:"), "{sandbox}");
        Serve {
            proc,
            base,
            sandbox,
            data_dir: data_dir.to_path_buf(),
        }
    }

    pub fn vendor_key(&self) -> PathBuf {
        self.data_dir.join("vendor-api-key")
    }

    /// The bearer token of the sandbox's admin API.
    pub fn sandbox_admin_token(&self) -> String {
        read_trimmed(&self.data_dir.join("sandbox/admin-token"))
    }

    /// The sandbox's full-access demo token.
    pub fn sandbox_token(&self) -> String {
        read_trimmed(&self.data_dir.join("sandbox/token"))
    }
}

pub fn read_trimmed(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
        .trim()
        .to_string()
}

/// Runs `ferry` subcommands against one edge host from one working folder.
pub struct Cli {
    pub server: String,
    pub dir: PathBuf,
}

impl Cli {
    /// `ferry ARGS` as the holder of `key_file` (`None`: anonymous).
    pub fn run(&self, key_file: Option<&Path>, args: &[&str]) -> Output {
        let mut c = Command::new(env!("CARGO_BIN_EXE_ferry"));
        c.args(args)
            .current_dir(&self.dir)
            .env("FERRY_SERVER", &self.server)
            .env_remove("FERRY_API_KEY")
            .env_remove("FERRY_API_KEY_FILE")
            .env_remove("DIGITALOCEAN_TOKEN")
            .env_remove("FERRY_DO_API");
        if let Some(k) = key_file {
            c.env("FERRY_API_KEY_FILE", k);
        }
        c.output().expect("ferry runs")
    }

    /// Runs and expects success; returns stdout.
    #[track_caller]
    pub fn ok(&self, key_file: Option<&Path>, args: &[&str]) -> String {
        let o = self.run(key_file, args);
        let stdout = String::from_utf8_lossy(&o.stdout).into_owned();
        assert!(
            o.status.success(),
            "ferry {args:?} failed ({:?}):\n{stdout}\n{}",
            o.status.code(),
            String::from_utf8_lossy(&o.stderr)
        );
        stdout
    }

    /// Runs with `--json` and expects success; returns the parsed answer.
    #[track_caller]
    pub fn json(&self, key_file: Option<&Path>, args: &[&str]) -> serde_json::Value {
        let mut all = args.to_vec();
        all.push("--json");
        let out = self.ok(key_file, &all);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}"))
    }
}

/// Polls `check` every 20 ms until it gives a value; panics with `what` (and `context()`) after
/// `timeout`.
#[track_caller]
pub fn wait_for<T>(
    what: &str,
    timeout: Duration,
    mut check: impl FnMut() -> Option<T>,
    context: impl Fn() -> String,
) -> T {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = check() {
            return v;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {timeout:?} waiting for {what}\n{}",
            context()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}
