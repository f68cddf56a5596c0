//! The browser's edges: reading dropped or picked files, downloading the stack, fetching the
//! examples and the server's compiler info (gloo-net).

use crate::model::{CompilerInfo, Example, accept_path, strip_common_folder};
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(module = "/js/files.js")]
extern "C" {
    #[wasm_bindgen(js_name = readDropped)]
    fn read_dropped(data_transfer: &web_sys::DataTransfer) -> js_sys::Promise;
    #[wasm_bindgen(js_name = readPicked)]
    fn read_picked(files: &web_sys::FileList) -> js_sys::Promise;
}

#[derive(Debug, Deserialize)]
struct ReadFiles {
    folder: bool,
    files: Vec<ReadFile>,
}

#[derive(Debug, Deserialize)]
struct ReadFile {
    path: String,
    text: Option<String>,
}

/// Files read from the desktop, ready for the origin stack.
#[derive(Debug, Default)]
pub struct Loaded {
    /// A folder was dropped or picked: it replaces the stack.
    pub folder: bool,
    pub files: Vec<(String, String)>,
    /// Paths left out (binary, too large, hidden folders, state files).
    pub skipped: Vec<String>,
}

async fn loaded(promise: js_sys::Promise) -> Result<Loaded, String> {
    let value = JsFuture::from(promise)
        .await
        .map_err(|e| format!("cannot read the files: {e:?}"))?;
    let read: ReadFiles =
        serde_wasm_bindgen::from_value(value).map_err(|e| format!("cannot read the files: {e}"))?;
    let mut out = Loaded {
        folder: read.folder,
        ..Loaded::default()
    };
    let mut files = Vec::new();
    for f in read.files {
        match f.text {
            Some(text) if accept_path(&f.path) => files.push((f.path, text)),
            _ => out.skipped.push(f.path),
        }
    }
    out.files = if out.folder {
        strip_common_folder(files)
    } else {
        files
    };
    Ok(out)
}

pub async fn dropped(dt: web_sys::DataTransfer) -> Result<Loaded, String> {
    loaded(read_dropped(&dt)).await
}

pub async fn picked(files: web_sys::FileList) -> Result<Loaded, String> {
    loaded(read_picked(&files)).await
}

/// Offers `bytes` as a file download.
pub fn download(name: &str, mime: &str, bytes: &[u8]) -> Result<(), JsValue> {
    let array = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&array);
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &opts)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let document = leptos::prelude::document();
    let a: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    // Revoke after the click has been handled.
    let _ = leptos::prelude::set_timeout_with_handle(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(10),
    );
    Ok(())
}

pub async fn fetch_examples() -> Result<Vec<Example>, String> {
    let resp = gloo_net::http::Request::get("examples.json")
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !resp.ok() {
        return Err(format!("GET examples.json: HTTP {}", resp.status()));
    }
    resp.json().await.map_err(|e| e.to_string())
}

/// `GET /api/v1/compiler` from the server that served the page.
pub async fn fetch_compiler_info() -> Result<CompilerInfo, String> {
    let resp = gloo_net::http::Request::get("/api/v1/compiler")
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !resp.ok() {
        return Err(format!("HTTP {}", resp.status()));
    }
    resp.json().await.map_err(|e| e.to_string())
}
