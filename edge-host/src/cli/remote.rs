//! The API client behind the broker subcommands: `--server`, the API key (`--api-key-file` or
//! `FERRY_API_KEY`), JSON in and out, `{"error": {...}}` answers as errors. The key is sent as
//! a bearer token and never printed.

use anyhow::{Context, Result, anyhow, bail};
use clap::Args;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Args, Debug, Clone)]
pub struct RemoteArgs {
    /// The edge host.
    #[arg(
        long,
        env = "FERRY_SERVER",
        default_value = "http://127.0.0.1:8080",
        global = true
    )]
    pub server: String,
    /// A file holding the API key [default: $FERRY_API_KEY]
    #[arg(long, env = "FERRY_API_KEY_FILE", global = true)]
    pub api_key_file: Option<PathBuf>,
    /// Print the server's JSON answer instead of a summary.
    #[arg(long, global = true)]
    pub json: bool,
}

/// A connection to the edge host's API.
#[derive(Debug)]
pub struct Remote {
    base: String,
    key: Option<String>,
    client: reqwest::Client,
    runtime: tokio::runtime::Runtime,
    pub json: bool,
}

impl Remote {
    /// With the API key (required).
    pub fn new(args: &RemoteArgs) -> Result<Self> {
        let mut r = Self::anonymous(args)?;
        r.key = Some(api_key(args)?);
        Ok(r)
    }

    /// Without a key (accepting an invitation).
    pub fn anonymous(args: &RemoteArgs) -> Result<Self> {
        let base = args.server.trim_end_matches('/').to_string();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            bail!("--server must be an http:// or https:// URL, got `{base}`");
        }
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(120))
            .build()
            .context("cannot set up the HTTP client")?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("cannot start the async runtime")?;
        Ok(Self {
            base,
            key: None,
            client,
            runtime,
            json: args.json,
        })
    }

    fn send(&self, method: reqwest::Method, path: &str, body: Option<Vec<u8>>) -> Result<Vec<u8>> {
        let url = format!("{}{path}", self.base);
        let mut req = self.client.request(method.clone(), &url);
        if let Some(key) = &self.key {
            req = req.bearer_auth(key);
        }
        if let Some(body) = body {
            req = req.header("content-type", "application/json").body(body);
        }
        self.runtime.block_on(async {
            let res = req
                .send()
                .await
                .map_err(|e| anyhow!("cannot reach {url}: {}", without_url(&e)))?;
            let status = res.status();
            let bytes = res
                .bytes()
                .await
                .with_context(|| format!("reading the answer of {method} {path}"))?;
            if status.is_success() {
                return Ok(bytes.to_vec());
            }
            let detail = serde_json::from_slice::<ferry_compiler::api::ErrorBody>(&bytes)
                .map(|e| format!("{} ({})", e.error.message, e.error.code))
                .unwrap_or_else(|_| String::from_utf8_lossy(&bytes).chars().take(300).collect());
            bail!(
                "{method} {path} failed with HTTP {}: {detail}",
                status.as_u16()
            )
        })
    }

    pub fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T> {
        decode(&self.send(reqwest::Method::GET, path, None)?, path)
    }

    pub fn get_bytes(&self, path: &str) -> Result<Vec<u8>> {
        self.send(reqwest::Method::GET, path, None)
    }

    pub fn post<B: Serialize, T: DeserializeOwned>(&self, path: &str, body: &B) -> Result<T> {
        let body = serde_json::to_vec(body)?;
        decode(&self.send(reqwest::Method::POST, path, Some(body))?, path)
    }

    pub fn put<B: Serialize, T: DeserializeOwned>(&self, path: &str, body: &B) -> Result<T> {
        let body = serde_json::to_vec(body)?;
        decode(&self.send(reqwest::Method::PUT, path, Some(body))?, path)
    }

    pub fn delete<T: DeserializeOwned>(&self, path: &str) -> Result<T> {
        decode(&self.send(reqwest::Method::DELETE, path, None)?, path)
    }

    /// Prints `value` as JSON (`--json`) or the summary.
    pub fn print<T: Serialize>(&self, value: &T, summary: impl FnOnce() -> String) -> Result<()> {
        if self.json {
            println!("{}", serde_json::to_string_pretty(value)?);
        } else {
            println!("{}", summary());
        }
        Ok(())
    }
}

/// reqwest's error text without the URL (already in our message).
fn without_url(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    if let Some(url) = e.url() {
        text = text.replace(url.as_str(), "…");
    }
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(&format!(": {s}"));
        source = s.source();
    }
    text
}

fn decode<T: DeserializeOwned>(bytes: &[u8], path: &str) -> Result<T> {
    serde_json::from_slice(bytes)
        .with_context(|| format!("the answer of {path} is not what this ferry expects"))
}

fn api_key(args: &RemoteArgs) -> Result<String> {
    let key = match &args.api_key_file {
        Some(path) => std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the API key file `{}`", path.display()))?,
        None => std::env::var("FERRY_API_KEY")
            .map_err(|_| anyhow!("no API key: pass --api-key-file FILE or set FERRY_API_KEY"))?,
    };
    let key = key.trim().to_string();
    if key.is_empty() {
        bail!("the API key is empty");
    }
    Ok(key)
}

/// `90s`, `30m`, `2h`, `7d`, `1h30m` → milliseconds.
pub fn parse_duration(text: &str) -> Result<i64> {
    let bad = || anyhow!("`{text}` is not a duration like `90s`, `30m`, `2h`, `7d` or `1h30m`");
    let mut total: i64 = 0;
    let mut number = String::new();
    for c in text.trim().chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let unit: i64 = match c {
            's' => 1_000,
            'm' => 60_000,
            'h' => 3_600_000,
            'd' => 86_400_000,
            'w' => 7 * 86_400_000,
            _ => return Err(bad()),
        };
        let n: i64 = number.parse().map_err(|_| bad())?;
        total = n
            .checked_mul(unit)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(bad)?;
        number.clear();
    }
    if !number.is_empty() || total <= 0 {
        return Err(bad());
    }
    Ok(total)
}

/// `now`, `+30m` (from now) or Unix milliseconds.
pub fn parse_start(text: &str, now_ms: i64) -> Result<i64> {
    let t = text.trim();
    if t == "now" {
        return Ok(now_ms);
    }
    if let Some(offset) = t.strip_prefix('+') {
        return Ok(now_ms + parse_duration(offset)?);
    }
    t.parse::<i64>()
        .map_err(|_| anyhow!("`{t}` is not a start time: `now`, `+30m` or Unix milliseconds"))
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_starts_parse() {
        assert_eq!(parse_duration("2h").expect("2h"), 7_200_000);
        assert_eq!(parse_duration("1h30m").expect("1h30m"), 5_400_000);
        assert_eq!(parse_duration("90s").expect("90s"), 90_000);
        for bad in ["", "2", "h", "2x", "0m", "-1h"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_start("now", 5).expect("now"), 5);
        assert_eq!(parse_start("+1s", 5).expect("+1s"), 1_005);
        assert_eq!(parse_start("42", 5).expect("ms"), 42);
        assert!(parse_start("tomorrow", 5).is_err());
    }
}
