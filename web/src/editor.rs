//! The origin stack: files in tabs (add, rename, remove), an editor with line numbers that can
//! show and highlight a line, and file loading by drag and drop or file pickers.

use crate::app::Examples;
use crate::io::{self, Loaded};
use crate::state::Origin;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

/// Editor line height and top padding in pixels; `style.css` uses the same numbers.
const LINE_HEIGHT: f64 = 20.0;
const PAD: f64 = 10.0;

#[component]
pub fn OriginPanel() -> impl IntoView {
    let origin = expect_context::<Origin>();
    let examples = expect_context::<Examples>();
    let dragging = RwSignal::new(false);
    let notice = RwSignal::new(None::<String>);

    let apply = move |loaded: Result<Loaded, String>| match loaded {
        Err(e) => notice.set(Some(e)),
        Ok(l) if l.files.is_empty() => notice.set(Some(format!(
            "No text files to add ({} skipped).",
            l.skipped.len()
        ))),
        Ok(l) => {
            let n = l.files.len();
            let skipped = l.skipped.len();
            if l.folder {
                examples.chosen.set(String::new());
                origin.replace(l.files.into_iter().collect());
            } else {
                origin.merge(l.files);
            }
            notice.set(Some(if skipped > 0 {
                format!("Loaded {n} file(s); skipped {skipped} (binary, too large, hidden or state files).")
            } else {
                format!("Loaded {n} file(s).")
            }));
        }
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        if let Some(dt) = ev.data_transfer() {
            spawn_local(async move { apply(io::dropped(dt).await) });
        }
    };
    let on_pick = move |ev: leptos::ev::Event| {
        let input = event_target::<web_sys::HtmlInputElement>(&ev);
        if let Some(files) = input.files() {
            spawn_local(async move {
                apply(io::picked(files).await);
                input.set_value("");
            });
        }
    };
    let folder_input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(el) = folder_input.get() {
            el.set_webkitdirectory(true);
        }
    });
    let file_input = NodeRef::<leptos::html::Input>::new();

    view! {
        <section class="panel origin" class:dragging=move || dragging.get()
            on:dragover=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); dragging.set(true); }
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop>
            <div class="panel-head">
                <h2>"Origin stack"</h2>
                <span class="sub">"AWS Terraform"</span>
                <div class="spacer"></div>
                <button class="btn" on:click=move |_| { if let Some(i) = file_input.get() { i.click(); } }>"Open files"</button>
                <button class="btn" on:click=move |_| { if let Some(i) = folder_input.get() { i.click(); } }>"Open folder"</button>
                <input type="file" multiple=true class="hidden" node_ref=file_input on:change=on_pick data-testid="open-files-input"/>
                <input type="file" multiple=true class="hidden" node_ref=folder_input on:change=on_pick/>
            </div>
            <OriginTabs/>
            <Editor/>
            <div class="drop-hint">
                {move || notice.get().unwrap_or_else(|| "Drop .tf files or a stack folder here. Nothing is uploaded.".into())}
            </div>
            <div class="drop-overlay">"Drop files or a folder to load them"</div>
        </section>
    }
}

#[component]
fn OriginTabs() -> impl IntoView {
    let origin = expect_context::<Origin>();
    let names = move || origin.files.with(|f| f.keys().cloned().collect::<Vec<_>>());
    view! {
        <div class="tabs" data-testid="origin-tabs">
            <For each=names key=|n| n.clone() let:name>
                {
                    let n1 = name.clone();
                    let n2 = name.clone();
                    let n3 = name.clone();
                    let n4 = name.clone();
                    view! {
                        <div class="tab" class:active=move || origin.active.get().as_deref() == Some(n1.as_str())
                            data-testid="origin-tab" data-file=name.clone()
                            title="Double-click to rename"
                            on:click=move |_| origin.active.set(Some(n2.clone()))
                            on:dblclick=move |_| {
                                if let Ok(Some(to)) = window().prompt_with_message_and_default("Rename file", &n3) {
                                    origin.rename(&n3, &to);
                                }
                            }>
                            <span>{name.clone()}</span>
                            <button class="close" title="Remove file"
                                on:click=move |ev| { ev.stop_propagation(); origin.remove(&n4); }>"×"</button>
                        </div>
                    }
                }
            </For>
            <button class="tab add" title="New file" data-testid="add-file" on:click=move |_| origin.add_new()>"+"</button>
        </div>
    }
}

/// UTF-16 offsets of the start and end of `line` (1-based), for `setSelectionRange`.
fn line_range_utf16(text: &str, line: u32) -> Option<(u32, u32)> {
    let mut offset = 0u32;
    for (i, l) in text.split('\n').enumerate() {
        let len = l.encode_utf16().count() as u32;
        if i + 1 == line as usize {
            return Some((offset, offset + len));
        }
        offset += len + 1;
    }
    None
}

#[component]
fn Editor() -> impl IntoView {
    let origin = expect_context::<Origin>();
    let scroller = NodeRef::<leptos::html::Div>::new();
    let textarea = NodeRef::<leptos::html::Textarea>::new();
    let text = move || {
        origin
            .active
            .get()
            .and_then(|a| origin.files.with(|f| f.get(&a).cloned()))
            .unwrap_or_default()
    };
    let lines = Memo::new(move |_| {
        origin
            .active
            .get()
            .map(|a| {
                origin
                    .files
                    .with(|f| f.get(&a).map_or(1, |t| t.split('\n').count()))
            })
            .unwrap_or(1)
    });
    let gutter = move || {
        (1..=lines.get())
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let highlighted = move || {
        let active = origin.active.get();
        origin
            .focus
            .get()
            .filter(|f| active.as_deref() == Some(f.file.as_str()))
            .map(|f| f.line)
    };

    // Scroll to and select a line a diagnostic or resource pointed at.
    Effect::new(move |_| {
        let Some(focus) = origin.focus.get() else {
            return;
        };
        request_animation_frame(move || {
            if let Some(el) = scroller.get_untracked() {
                let top = f64::from(focus.line.saturating_sub(1)) * LINE_HEIGHT + PAD;
                let h = f64::from(el.client_height());
                el.set_scroll_top((top - h / 3.0).max(0.0) as i32);
            }
            if let Some(ta) = textarea.get_untracked() {
                if let Some((a, b)) = line_range_utf16(&ta.value(), focus.line) {
                    let _ = ta.set_selection_range(a, b);
                }
                let opts = web_sys::FocusOptions::new();
                opts.set_prevent_scroll(true);
                let _ = ta
                    .unchecked_ref::<web_sys::HtmlElement>()
                    .focus_with_options(&opts);
            }
        });
    });

    let on_input = move |ev: leptos::ev::Event| {
        if let Some(active) = origin.active.get_untracked() {
            origin.edit(&active, event_target_value(&ev));
        }
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        // Tab inserts two spaces instead of leaving the editor.
        if ev.key() == "Tab" && !ev.shift_key() {
            ev.prevent_default();
            if let Some(ta) = textarea.get_untracked() {
                let (Ok(Some(a)), Ok(Some(b))) = (ta.selection_start(), ta.selection_end()) else {
                    return;
                };
                let _ = ta.set_range_text_with_start_and_end("  ", a, b);
                let _ = ta.set_selection_range(a + 2, a + 2);
                if let Some(active) = origin.active.get_untracked() {
                    origin.edit(&active, ta.value());
                }
            }
        }
    };

    view! {
        <div class="editor" node_ref=scroller data-testid="origin-editor">
            <Show when=move || origin.active.with(Option::is_some)
                fallback=|| view! { <p class="empty">"No origin files. Choose an example, drop a folder, or add a file with +."</p> }>
                <div class="editor-inner">
                    <pre class="gutter">{gutter}</pre>
                    <div class="code-area">
                        {move || highlighted().map(|line| view! {
                            <div class="line-highlight" data-testid="editor-highlight" data-line=line.to_string()
                                style=format!("top:{}px", f64::from(line - 1) * LINE_HEIGHT + PAD)></div>
                        })}
                        <textarea node_ref=textarea spellcheck="false" wrap="off" data-testid="origin-textarea"
                            style=move || format!("height:{}px", (lines.get() + 1) as f64 * LINE_HEIGHT + 2.0 * PAD)
                            prop:value=text on:input=on_input on:keydown=on_keydown></textarea>
                    </div>
                </div>
            </Show>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_ranges_count_utf16() {
        let t = "ab\né😀x\nlast";
        assert_eq!(line_range_utf16(t, 1), Some((0, 2)));
        assert_eq!(line_range_utf16(t, 2), Some((3, 7)));
        assert_eq!(line_range_utf16(t, 3), Some((8, 12)));
        assert_eq!(line_range_utf16(t, 4), None);
    }
}
