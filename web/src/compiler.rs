//! The bridge to the compile worker (`static/compiler-worker.js`), which runs compiler.wasm
//! through its raw ABI. One compile is in flight at a time; while it runs, only the newest
//! request waits (older ones are dropped), so typing never builds a queue.

use crate::model::{CompileOutput, ModuleHash, parse_response};
use crate::state::{ModuleInfo, Preview, Status};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::Arc;
use wasm_bindgen::prelude::*;

/// Page → worker.
#[derive(Debug, Serialize)]
struct ToWorker<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    id: u32,
    request: &'a str,
}

/// Worker → page.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum FromWorker {
    Ready { sha256: String, abi_version: i64 },
    Result { id: u32, response: String, ms: f64 },
    Error { id: Option<u32>, message: String },
}

struct Job {
    request: String,
    origin: BTreeMap<String, String>,
}

struct Bridge {
    worker: web_sys::Worker,
    next_id: u32,
    in_flight: Option<(u32, BTreeMap<String, String>)>,
    pending: Option<Job>,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

thread_local! {
    static BRIDGE: RefCell<Option<Bridge>> = const { RefCell::new(None) };
}

impl Bridge {
    fn send(&mut self, job: Job) {
        self.next_id = self.next_id.wrapping_add(1);
        let id = self.next_id;
        let msg = ToWorker {
            kind: "compile",
            id,
            request: &job.request,
        };
        match serde_wasm_bindgen::to_value(&msg) {
            Ok(v) => {
                if self.worker.post_message(&v).is_ok() {
                    self.in_flight = Some((id, job.origin));
                }
            }
            Err(e) => log(&format!("cannot post to the compile worker: {e}")),
        }
    }

    /// The compile `id` finished: returns its origin files and starts the waiting job.
    fn finish(&mut self, id: Option<u32>) -> (Option<BTreeMap<String, String>>, bool) {
        let origin = match (&self.in_flight, id) {
            (Some((cur, _)), Some(id)) if *cur == id => self.in_flight.take().map(|(_, o)| o),
            _ => None,
        };
        if self.in_flight.is_none()
            && let Some(job) = self.pending.take()
        {
            self.send(job);
        }
        (origin, self.in_flight.is_some())
    }
}

fn log(msg: &str) {
    web_sys::console::log_1(&JsValue::from_str(msg));
}

/// The worker `index.html` started before the app loaded (so compiler.wasm downloads and
/// compiles meanwhile), with the events it sent before anyone listened, or `None`.
fn early_worker() -> Option<(web_sys::Worker, js_sys::Array)> {
    let window = web_sys::window()?;
    let key = JsValue::from_str("ferryCompileWorker");
    let worker: web_sys::Worker = js_sys::Reflect::get(&window, &key).ok()?.dyn_into().ok()?;
    let _ = js_sys::Reflect::delete_property(&window, &key);
    let early = js_sys::Reflect::get(&worker, &JsValue::from_str("ferryEarly"))
        .ok()
        .and_then(|v| v.dyn_into::<js_sys::Array>().ok())
        .unwrap_or_default();
    Some((worker, early))
}

/// Starts the worker (or adopts the one `index.html` started); results go into `preview`, the
/// module's hash into `module`.
pub fn start(preview: Preview, module: ModuleInfo) -> Result<(), String> {
    let (worker, early) = match early_worker() {
        Some(adopted) => adopted,
        None => (
            web_sys::Worker::new("compiler-worker.js")
                .map_err(|e| format!("cannot start the compile worker: {e:?}"))?,
            js_sys::Array::new(),
        ),
    };
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            match serde_wasm_bindgen::from_value::<FromWorker>(ev.data()) {
                Ok(msg) => on_message(msg, preview, module),
                Err(e) => log(&format!("unreadable message from the compile worker: {e}")),
            }
        });
    // An `ErrorEvent` for an exception in the worker; a plain `Event` when its script could not
    // be loaded at all.
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
        let why = js_sys::Reflect::get(&ev, &JsValue::from_str("message"))
            .ok()
            .and_then(|m| m.as_string())
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| "compiler-worker.js could not be loaded".into());
        let message = format!("the compile worker failed: {why}");
        module.browser.set(ModuleHash::Unavailable(message.clone()));
        preview.status.set(Status::Failed(message));
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    // What the adopted worker said before the handlers were set ("ready", or why it failed).
    for ev in early.iter() {
        let handler: &js_sys::Function = if ev.is_instance_of::<web_sys::MessageEvent>() {
            on_message.as_ref().unchecked_ref()
        } else {
            on_error.as_ref().unchecked_ref()
        };
        let _ = handler.call1(&JsValue::NULL, &ev);
    }
    BRIDGE.with(|b| {
        *b.borrow_mut() = Some(Bridge {
            worker,
            next_id: 0,
            in_flight: None,
            pending: None,
            _on_message: on_message,
            _on_error: on_error,
        });
    });
    Ok(())
}

/// Compiles `origin` (its request JSON is `request`) as soon as the worker is free.
pub fn submit(request: String, origin: BTreeMap<String, String>) {
    BRIDGE.with(|b| {
        if let Some(bridge) = b.borrow_mut().as_mut() {
            let job = Job { request, origin };
            if bridge.in_flight.is_some() {
                bridge.pending = Some(job);
            } else {
                bridge.send(job);
            }
        }
    });
}

fn on_message(msg: FromWorker, preview: Preview, module: ModuleInfo) {
    match msg {
        FromWorker::Ready {
            sha256,
            abi_version,
        } => module.browser.set(ModuleHash::Known {
            sha256,
            abi_version,
        }),
        FromWorker::Result { id, response, ms } => {
            let (origin, busy) = BRIDGE
                .with(|b| b.borrow_mut().as_mut().map(|b| b.finish(Some(id))))
                .unwrap_or((None, false));
            match parse_response(&response) {
                Ok(c) => {
                    preview.output.set(Some(Arc::new(CompileOutput {
                        files: c.files,
                        report: c.report,
                        origin: origin.unwrap_or_default(),
                        ms,
                    })));
                    if !busy {
                        preview.status.set(Status::Done { ms });
                    }
                    if preview.first_preview_ms.get_untracked().is_none() {
                        // Measured once the preview is in the DOM (effects have run by the next
                        // animation frame).
                        request_animation_frame(move || {
                            let now = window().performance().map(|p| p.now()).unwrap_or(0.0);
                            preview.first_preview_ms.set(Some(now));
                        });
                    }
                }
                Err(e) => preview.status.set(Status::Failed(e)),
            }
        }
        FromWorker::Error { id, message } => {
            BRIDGE.with(|b| {
                if let Some(b) = b.borrow_mut().as_mut() {
                    b.finish(id);
                }
            });
            if id.is_none() {
                module.browser.set(ModuleHash::Unavailable(message.clone()));
            }
            preview.status.set(Status::Failed(message));
        }
    }
}
