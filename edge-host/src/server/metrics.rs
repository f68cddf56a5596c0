//! Prometheus text exposition (format 0.0.4), written by hand: a few counters and histograms
//! behind one mutex each, which is plenty at the request rates one edge host sees.

use super::sandbox::RunStats;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

/// Bucket upper bounds in seconds: HTTP latency and guest time share them.
const BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Debug, Clone, Default)]
struct Histogram {
    counts: Vec<u64>,
    sum: f64,
    count: u64,
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        if self.counts.is_empty() {
            self.counts = vec![0; BUCKETS.len()];
        }
        if let Some(i) = BUCKETS.iter().position(|b| seconds <= *b) {
            self.counts[i] += 1;
        }
        self.sum += seconds;
        self.count += 1;
    }

    fn render(&self, out: &mut String, name: &str, labels: &str) {
        let sep = if labels.is_empty() { "" } else { "," };
        let mut cumulative = 0;
        for (i, bound) in BUCKETS.iter().enumerate() {
            cumulative += self.counts.get(i).copied().unwrap_or(0);
            let _ = writeln!(
                out,
                "{name}_bucket{{{labels}{sep}le=\"{bound}\"}} {cumulative}"
            );
        }
        let _ = writeln!(
            out,
            "{name}_bucket{{{labels}{sep}le=\"+Inf\"}} {}",
            self.count
        );
        let braces = if labels.is_empty() {
            String::new()
        } else {
            format!("{{{labels}}}")
        };
        let _ = writeln!(out, "{name}_sum{braces} {}", self.sum);
        let _ = writeln!(out, "{name}_count{braces} {}", self.count);
    }
}

#[derive(Debug, Default)]
struct State {
    /// (route, method, status) → count.
    requests: BTreeMap<(String, String, u16), u64>,
    /// route → latency.
    latency: BTreeMap<String, Histogram>,
    guest_time: Histogram,
    guest_fuel: u64,
    /// The largest linear memory any guest run reached, in bytes.
    guest_memory_max: usize,
    /// reason → count.
    rejections: BTreeMap<&'static str, u64>,
    cache_hits: u64,
    cache_misses: u64,
}

/// The server's metrics.
#[derive(Debug, Default)]
pub struct Metrics {
    state: Mutex<State>,
}

impl Metrics {
    fn with<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        // A poisoned lock only means a panic elsewhere mid-update; the counters are still usable.
        let mut guard = self.state.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard)
    }

    /// One HTTP request answered. `route` is the matched route template (bounded cardinality).
    pub fn request(&self, route: &str, method: &str, status: u16, latency: Duration) {
        self.with(|s| {
            *s.requests
                .entry((route.to_string(), method.to_string(), status))
                .or_default() += 1;
            s.latency
                .entry(route.to_string())
                .or_default()
                .observe(latency.as_secs_f64());
        });
    }

    /// One guest run (successful or not).
    pub fn guest_run(&self, stats: &RunStats) {
        self.with(|s| {
            s.guest_time.observe(stats.guest_time.as_secs_f64());
            if let Some(f) = stats.fuel {
                s.guest_fuel = s.guest_fuel.saturating_add(f);
            }
            s.guest_memory_max = s.guest_memory_max.max(stats.memory_peak);
        });
    }

    /// A compile request answered from the compile cache (`hit`) or by the module.
    pub fn compile_cache(&self, hit: bool) {
        self.with(|s| {
            if hit {
                s.cache_hits += 1;
            } else {
                s.cache_misses += 1;
            }
        });
    }

    /// A compile refused or stopped, by reason (the error code).
    pub fn rejection(&self, reason: &'static str) {
        self.with(|s| *s.rejections.entry(reason).or_default() += 1);
    }

    /// The exposition text. `info` labels describe the running compiler module.
    pub fn render(&self, compiler_sha256: &str, abi_version: i32) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP ferry_compiler_info The compiler module this host runs.\n# TYPE ferry_compiler_info gauge\nferry_compiler_info{{sha256=\"{compiler_sha256}\",abi_version=\"{abi_version}\"}} 1"
        );
        self.with(|s| {
            out.push_str("# HELP ferry_http_requests_total HTTP requests answered, by route, method and status.\n# TYPE ferry_http_requests_total counter\n");
            for ((route, method, status), n) in &s.requests {
                let _ = writeln!(
                    out,
                    "ferry_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{status}\"}} {n}",
                    escape(route),
                    escape(method)
                );
            }
            out.push_str("# HELP ferry_http_request_duration_seconds HTTP request latency, by route.\n# TYPE ferry_http_request_duration_seconds histogram\n");
            for (route, h) in &s.latency {
                h.render(
                    &mut out,
                    "ferry_http_request_duration_seconds",
                    &format!("route=\"{}\"", escape(route)),
                );
            }
            out.push_str("# HELP ferry_guest_duration_seconds Time spent in the compiler sandbox per compile (instantiation included).\n# TYPE ferry_guest_duration_seconds histogram\n");
            s.guest_time
                .render(&mut out, "ferry_guest_duration_seconds", "");
            let _ = writeln!(
                out,
                "# HELP ferry_guest_fuel_consumed_total Fuel the compiler sandbox consumed (0 when fuel metering is off).\n# TYPE ferry_guest_fuel_consumed_total counter\nferry_guest_fuel_consumed_total {}",
                s.guest_fuel
            );
            let _ = writeln!(
                out,
                "# HELP ferry_guest_memory_max_bytes The largest linear memory a compile has used (the cap: `ferry serve --guest-memory-mib`).\n# TYPE ferry_guest_memory_max_bytes gauge\nferry_guest_memory_max_bytes {}",
                s.guest_memory_max
            );
            let _ = writeln!(
                out,
                "# HELP ferry_compile_cache_requests_total Compile requests by compile-cache result (off when the cache is disabled).\n# TYPE ferry_compile_cache_requests_total counter\nferry_compile_cache_requests_total{{result=\"hit\"}} {}\nferry_compile_cache_requests_total{{result=\"miss\"}} {}",
                s.cache_hits, s.cache_misses
            );
            out.push_str("# HELP ferry_compile_rejections_total Compiles refused or stopped, by reason.\n# TYPE ferry_compile_rejections_total counter\n");
            for (reason, n) in &s.rejections {
                let _ = writeln!(
                    out,
                    "ferry_compile_rejections_total{{reason=\"{reason}\"}} {n}"
                );
            }
        });
        out
    }
}

fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}
