//! Human output of `ferry compile`: diagnostics like rustc's, then a summary table.

use ferry_compiler::{Compilation, Diagnostic, Severity};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;
use std::time::Duration;

pub fn render(
    c: &Compilation,
    sources: &BTreeMap<String, String>,
    out: &Path,
    elapsed: Duration,
) -> String {
    let mut s = String::new();
    for d in &c.report.diagnostics {
        diagnostic(&mut s, d, sources);
    }
    let rows: Vec<[String; 3]> = c
        .report
        .resources
        .iter()
        .map(|r| {
            [
                r.address.clone(),
                r.outcome.as_str().to_string(),
                r.targets.join(", "),
            ]
        })
        .collect();
    let w0 = rows
        .iter()
        .map(|r| r[0].len())
        .max()
        .unwrap_or(0)
        .max("origin resource".len());
    let w1 = "unsupported".len();
    let _ = writeln!(s, "{:<w0$}  {:<w1$}  targets", "origin resource", "outcome");
    for r in &rows {
        let _ = writeln!(s, "{:<w0$}  {:<w1$}  {}", r[0], r[1], r[2]);
    }
    let n = &c.report.counts;
    let _ = writeln!(
        s,
        "\n{} origin resources: {} mapped, {} absorbed, {} dropped, {} unsupported, {} kept → {} DigitalOcean resources in {} (region {})",
        n.resources,
        n.mapped,
        n.absorbed,
        n.dropped,
        n.unsupported,
        n.kept,
        n.emitted,
        out.display(),
        c.report.region.target
    );
    let _ = writeln!(
        s,
        "{} error(s), {} warning(s), {} note(s); compiled in {:.1} ms",
        n.errors,
        n.warnings,
        n.notes,
        elapsed.as_secs_f64() * 1000.0
    );
    s
}

fn diagnostic(s: &mut String, d: &Diagnostic, sources: &BTreeMap<String, String>) {
    let sev = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    };
    let _ = writeln!(s, "{sev}[{}]: {}", d.code, d.message);
    if let Some(loc) = &d.location {
        let line_text = sources
            .get(&loc.file)
            .and_then(|t| t.lines().nth(loc.line.saturating_sub(1) as usize));
        let num = loc.line.to_string();
        let pad = " ".repeat(num.len());
        let _ = writeln!(s, "{pad}--> {loc}");
        if let Some(text) = line_text {
            let _ = writeln!(s, "{pad} |");
            let _ = writeln!(s, "{num} | {text}");
            let caret_pad: String = text
                .chars()
                .take(loc.col.saturating_sub(1) as usize)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let _ = writeln!(s, "{pad} | {caret_pad}^");
        }
        if let Some(help) = &d.help {
            let _ = writeln!(s, "{pad} = help: {help}");
        }
    } else if let Some(help) = &d.help {
        let _ = writeln!(s, "  = help: {help}");
    }
    s.push('\n');
}
