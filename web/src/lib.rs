//! Ferry's dashboard: a Leptos client-side app. Its first page is the compile preview, which
//! runs compiler.wasm — the very bytes the edge host runs — in a Web Worker, so origin files
//! never leave the browser. It talks to the edge host only through its HTTP API (gloo-net).
//!
//! Pure parts (highlighter, zip writer, block finder, request/response handling) are plain
//! modules with native unit tests; the rest is components and browser glue.

pub mod blocks;
pub mod hcl;
pub mod model;
pub mod zip;

mod app;
mod compiler;
mod editor;
mod io;
mod report;
mod stack;
mod state;

/// Mounts the app on the page's `<body>`.
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
