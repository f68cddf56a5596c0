//! Ferry's dashboard: a Leptos client-side app. Its first page is the compile preview, which
//! runs compiler.wasm — the very bytes the edge host runs — in a Web Worker, so origin files
//! never leave the browser. The other pages (`dash`) are the vendor's appliances, releases,
//! access requests and deploy sessions, and the customer's approval pages: they talk to the edge
//! host only through its HTTP API (gloo-net, shapes from `ferry_api`), and seal tokens and sign
//! grants in the browser with `ferry_api::crypto`, the code the controller opens and verifies
//! with.
//!
//! Routing is a small hash router (`route`): one `index.html`, pages in the fragment, no
//! server-side routes, and no router crate in the bundle.
//!
//! Pure parts (highlighter, zip writer, block finder, request/response handling, routes,
//! formats, the token sealing form's logic) are plain modules with native unit tests; the rest
//! is components and browser glue.

pub mod blocks;
pub mod hcl;
pub mod model;
pub mod route;
pub mod zip;

mod api;
mod app;
mod compiler;
mod dash;
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
