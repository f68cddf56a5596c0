//! The dashboard's static files, or a built-in page when they are not built.

use axum::response::Html;
use std::path::Path;
use tower_http::services::ServeDir;

/// `--web-dir`: files as they are; `/` and folders serve their `index.html`. Where the build
/// left a gzip copy beside a file (`cargo xtask dist` writes `<file>.gz` for the larger ones)
/// and the client accepts gzip, that copy is sent instead (`Content-Encoding: gzip`).
pub fn files(dir: &Path) -> ServeDir {
    ServeDir::new(dir)
        .append_index_html_on_directories(true)
        .precompressed_gzip()
}

/// `/` when there is no dashboard to serve.
pub async fn builtin_page() -> Html<&'static str> {
    Html(
        r#"<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Ferry edge host</title></head>
<body>
<h1>Ferry edge host</h1>
<p>The dashboard is not built (start <code>ferry serve</code> with <code>--web-dir</code> pointing at it).
The compile API is up: <code>POST /api/v1/compile</code>.</p>
<ul>
<li><a href="/api/v1/compiler">/api/v1/compiler</a>: which compiler module this host runs</li>
<li><a href="/compiler.wasm">/compiler.wasm</a>: its bytes</li>
<li><a href="/metrics">/metrics</a>, <a href="/healthz">/healthz</a></li>
</ul>
</body>
</html>
"#,
    )
}
