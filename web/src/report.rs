//! The report: counts, diagnostics (click to open the line), the resource table (origin →
//! outcome → targets), the side-by-side view of one resource, and token scopes per phase.

use crate::app::first_preview_attr;
use crate::blocks::{block_at, find_emitted};
use crate::hcl::highlight;
use crate::state::{Origin, Preview, Selection};
use ferry_compiler::diag::Severity;
use ferry_compiler::report::{Outcome, ResourceReport};
use leptos::prelude::*;

/// Height of one resource row in pixels (fixed, so the table can render only what is visible).
const ROW_HEIGHT: f64 = 32.0;
/// Height of the table's scroll area in pixels.
const TABLE_HEIGHT: f64 = 384.0;
/// Diagnostics rendered at once (the rest behind "show all").
const DIAG_PAGE: usize = 300;

#[component]
pub fn Summary() -> impl IntoView {
    let preview = expect_context::<Preview>();
    let first = first_preview_attr();
    let pill = move |label: &'static str, value: usize, class: &'static str| {
        view! {
            <span class=format!("pill {class}")>
                <b>{value}</b>" "{label}
            </span>
        }
    };
    view! {
        <div class="summary" data-testid="summary" data-first-preview-ms=first>
            {move || preview.output.get().map(|out| {
                let c = out.report.counts.clone();
                let region = &out.report.region;
                let region_text = match &region.origin {
                    Some(o) => format!("{o} → {}", region.target),
                    None => region.target.clone(),
                };
                view! {
                    <span class="pill neutral" title=region.reason.clone()>"region "<b>{region_text}</b></span>
                    {pill("origin resources", c.resources, "neutral")}
                    {pill("mapped", c.mapped, "mapped")}
                    {pill("absorbed", c.absorbed, "absorbed")}
                    {pill("dropped", c.dropped, "dropped")}
                    {pill("unsupported", c.unsupported, "unsupported")}
                    {pill("kept", c.kept, "kept")}
                    {pill("emitted", c.emitted, "neutral")}
                    <span class="sep"></span>
                    {pill("errors", c.errors, "error")}
                    {pill("warnings", c.warnings, "warning")}
                    {pill("notes", c.notes, "note")}
                }
            })}
        </div>
    }
}

fn severity_class(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

#[component]
pub fn Diagnostics() -> impl IntoView {
    let preview = expect_context::<Preview>();
    let origin = expect_context::<Origin>();
    let show_all = RwSignal::new(false);
    let count = move || {
        preview
            .output
            .with(|o| o.as_ref().map_or(0, |o| o.report.diagnostics.len()))
    };
    let items = move || {
        let out = preview.output.get()?;
        let limit = if show_all.get() {
            usize::MAX
        } else {
            DIAG_PAGE
        };
        let views = out
            .report
            .diagnostics
            .iter()
            .take(limit)
            .map(|d| {
                let loc = d.location.clone();
                let clickable = loc
                    .as_ref()
                    .is_some_and(|l| out.origin.contains_key(&l.file));
                let where_ = loc
                    .as_ref()
                    .map(|l| format!("{}:{}:{}", l.file, l.line, l.col))
                    .unwrap_or_default();
                let (file, line) = loc
                    .as_ref()
                    .map(|l| (l.file.clone(), l.line))
                    .unwrap_or_default();
                let sev = severity_class(d.severity);
                let open = {
                    let file = file.clone();
                    move |_| {
                        if clickable {
                            origin.open_at(&file, line);
                        }
                    }
                };
                let is_focus = {
                    let file = file.clone();
                    move || {
                        origin
                            .focus
                            .with(|f| f.as_ref().is_some_and(|f| f.file == file && f.line == line))
                    }
                };
                view! {
                    <li class=format!("diag {sev}") class:clickable=clickable class:focused=is_focus
                        data-testid="diagnostic" data-file=file data-line=line.to_string()
                        on:click=open>
                        <div class="diag-head">
                            <span class=format!("sev {sev}")>{sev}</span>
                            <code class="code">{d.code.clone()}</code>
                            <span class="loc">{where_}</span>
                        </div>
                        <div class="msg">{d.message.clone()}</div>
                        {d.help.clone().map(|h| view! { <div class="help">"help: "{h}</div> })}
                    </li>
                }
            })
            .collect_view();
        Some(views)
    };
    view! {
        <section class="panel diagnostics">
            <div class="panel-head">
                <h2>"Diagnostics"</h2>
                <span class="count">{count}</span>
            </div>
            <ul class="diag-list" data-testid="diagnostics">
                {items}
            </ul>
            <Show when=move || { count() > DIAG_PAGE && !show_all.get() }>
                <button class="btn link" on:click=move |_| show_all.set(true)>
                    {move || format!("Show all {}", count())}
                </button>
            </Show>
            <Show when=move || preview.output.with(|o| o.as_ref().is_some_and(|o| o.report.diagnostics.is_empty()))>
                <p class="empty">"No diagnostics: the stack compiled cleanly."</p>
            </Show>
        </section>
    }
}

const OUTCOMES: [Outcome; 5] = [
    Outcome::Mapped,
    Outcome::Absorbed,
    Outcome::Dropped,
    Outcome::Unsupported,
    Outcome::Kept,
];

#[component]
pub fn ResourceTable() -> impl IntoView {
    let preview = expect_context::<Preview>();
    let origin = expect_context::<Origin>();
    let selection = expect_context::<Selection>();
    let filter = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Outcome>);
    let scroll_top = RwSignal::new(0.0f64);

    // Indices of the rows that pass the filters.
    let rows = Memo::new(move |_| {
        let q = filter.get().to_lowercase();
        let want = outcome.get();
        preview.output.with(|o| {
            o.as_ref()
                .map(|o| {
                    o.report
                        .resources
                        .iter()
                        .enumerate()
                        .filter(|(_, r)| want.is_none_or(|w| r.outcome == w))
                        .filter(|(_, r)| {
                            q.is_empty()
                                || r.address.to_lowercase().contains(&q)
                                || r.targets.iter().any(|t| t.to_lowercase().contains(&q))
                        })
                        .map(|(i, _)| i)
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    // Only the rows in view (plus a margin) are in the DOM.
    let window = move || {
        let n = rows.with(Vec::len);
        let first = ((scroll_top.get() / ROW_HEIGHT) as usize)
            .saturating_sub(8)
            .min(n);
        let last = (first + (TABLE_HEIGHT / ROW_HEIGHT) as usize + 16).min(n);
        (first, last, n)
    };
    let body = move || {
        let (first, last, n) = window();
        let out = preview.output.get()?;
        let selected = selection.resource.get();
        let idx = rows.get();
        let views = idx[first..last]
            .iter()
            .filter_map(|&i| out.report.resources.get(i))
            .map(|r: &ResourceReport| {
                let address = r.address.clone();
                let is_sel = selected.as_deref() == Some(address.as_str());
                let loc = r.location.clone();
                let targets = r.targets.join(", ");
                let outcome = r.outcome.as_str();
                let select = {
                    let address = address.clone();
                    move |_| {
                        selection.resource.set(Some(address.clone()));
                        origin.open_at(&loc.file, loc.line);
                    }
                };
                view! {
                    <tr class:selected=is_sel on:click=select data-testid="resource-row">
                        <td class="addr" title=address.clone()><code>{address.clone()}</code></td>
                        <td><span class=format!("badge {outcome}")>{outcome}</span></td>
                        <td class="targets" title=targets.clone()><code>{targets.clone()}</code></td>
                    </tr>
                }
            })
            .collect_view();
        let top = first as f64 * ROW_HEIGHT;
        let bottom = (n - last) as f64 * ROW_HEIGHT;
        Some(view! {
            <tr class="spacer" style=format!("height:{top}px")></tr>
            {views}
            <tr class="spacer" style=format!("height:{bottom}px")></tr>
        })
    };
    let count_of = move |o: Outcome| {
        preview.output.with(|out| {
            out.as_ref().map_or(0, |out| {
                out.report
                    .resources
                    .iter()
                    .filter(|r| r.outcome == o)
                    .count()
            })
        })
    };

    view! {
        <section class="panel resources">
            <div class="panel-head">
                <h2>"Resources"</h2>
                <span class="count" data-testid="resource-count">{move || rows.with(Vec::len)}</span>
                <div class="spacer"></div>
                <div class="chips">
                    <button class="chip" class:on=move || outcome.get().is_none()
                        on:click=move |_| outcome.set(None)>"all"</button>
                    {OUTCOMES.iter().map(|&o| view! {
                        <button class=format!("chip {}", o.as_str()) class:on=move || outcome.get() == Some(o)
                            on:click=move |_| outcome.set(Some(o))>
                            {o.as_str()}" "<span class="n">{move || count_of(o)}</span>
                        </button>
                    }).collect_view()}
                </div>
                <input class="filter" type="search" placeholder="Filter by address…" data-testid="resource-filter"
                    on:input=move |ev| filter.set(event_target_value(&ev))/>
            </div>
            <div class="table-scroll" style=format!("max-height:{TABLE_HEIGHT}px")
                on:scroll=move |ev| {
                    let top = event_target::<web_sys::Element>(&ev).scroll_top();
                    scroll_top.set(f64::from(top));
                }>
                <table class="res-table" data-testid="resource-table">
                    <thead>
                        <tr><th>"Origin resource"</th><th>"Outcome"</th><th>"DigitalOcean targets"</th></tr>
                    </thead>
                    <tbody>{body}</tbody>
                </table>
            </div>
        </section>
    }
}

/// Code with its line numbers, highlighted.
#[component]
pub fn CodeBlock(#[prop(into)] text: String, first_line: u32) -> impl IntoView {
    let lines = text.split('\n').count();
    let gutter: String = (0..lines)
        .map(|i| (first_line as usize + i).to_string())
        .collect::<Vec<_>>()
        .join("\n");
    let html = highlight(&text);
    view! {
        <div class="code-view small">
            <pre class="gutter">{gutter}</pre>
            <pre class="code hcl" inner_html=html></pre>
        </div>
    }
}

#[component]
pub fn SideBySide() -> impl IntoView {
    let preview = expect_context::<Preview>();
    let selection = expect_context::<Selection>();
    let content = move || {
        let out = preview.output.get()?;
        let address = selection.resource.get()?;
        let r = out
            .report
            .resources
            .iter()
            .find(|r| r.address == address)?
            .clone();
        let origin_text = out
            .origin
            .get(&r.location.file)
            .and_then(|t| block_at(t, r.location.line))
            .unwrap_or_else(|| "# (the origin block was not found)".into());
        let targets = r
            .targets
            .iter()
            .map(|t| match find_emitted(&out.files, t) {
                Some(b) => view! {
                    <div class="block-title"><code>{t.clone()}</code>" — "{b.file.clone()}":"{b.line}</div>
                    <CodeBlock text=b.text first_line=b.line/>
                }
                .into_any(),
                None => view! {
                    <div class="block-title"><code>{t.clone()}</code>" (inside another resource)"</div>
                }
                .into_any(),
            })
            .collect_view();
        let note = r.note.clone();
        let outcome = r.outcome.as_str();
        Some(view! {
            <div class="sbs-head">
                <code>{r.address.clone()}</code>
                <span class=format!("badge {outcome}")>{outcome}</span>
                {note.map(|n| view! { <span class="note">{n}</span> })}
            </div>
            <div class="sbs">
                <div class="sbs-col">
                    <div class="block-title">"origin — "{r.location.file.clone()}":"{r.location.line}</div>
                    <CodeBlock text=origin_text first_line=r.location.line/>
                </div>
                <div class="sbs-col">
                    {if r.targets.is_empty() {
                        view! { <p class="empty">"No DigitalOcean resource: "{outcome}"."</p> }.into_any()
                    } else {
                        targets.into_any()
                    }}
                </div>
            </div>
        })
    };
    view! {
        <section class="panel side-by-side" data-testid="side-by-side">
            <div class="panel-head"><h2>"Side by side"</h2></div>
            {move || content().map(IntoAny::into_any).unwrap_or_else(|| view! {
                <p class="empty">"Select a resource in the table to compare its origin with what it compiles to."</p>
            }.into_any())}
        </section>
    }
}

/// Phases in the order a customer meets them (DESIGN §6).
const PHASES: [(&str, &str); 4] = [
    ("install", "Install"),
    ("steady_state", "Steady-state"),
    ("deploy", "Deploy"),
    ("operate", "Operate"),
];

#[component]
pub fn TokenScopes() -> impl IntoView {
    let preview = expect_context::<Preview>();
    let content = move || {
        let out = preview.output.get()?;
        let scopes = &out.report.token_scopes;
        if scopes.values().all(Vec::is_empty) {
            return Some(
                view! { <p class="empty">"The compiler reported no token scopes for this stack."</p> }
                    .into_any(),
            );
        }
        let mut known: Vec<(String, String)> = PHASES
            .iter()
            .map(|(k, l)| (k.to_string(), l.to_string()))
            .collect();
        for k in scopes.keys() {
            if !known.iter().any(|(p, _)| p == k) {
                known.push((k.clone(), k.clone()));
            }
        }
        Some(
            known
                .into_iter()
                .map(|(key, label)| {
                    let list = scopes.get(&key).cloned().unwrap_or_default();
                    view! {
                        <div class="phase" data-testid="phase" data-phase=key.clone()>
                            <div class="phase-head">{label}<span class="count">{list.len()}</span></div>
                            <div class="scopes">
                                {list.into_iter().map(|s| view! { <code class="scope">{s}</code> }).collect_view()}
                            </div>
                        </div>
                    }
                })
                .collect_view()
                .into_any(),
        )
    };
    view! {
        <section class="panel token-scopes" data-testid="token-scopes">
            <div class="panel-head">
                <h2>"Token scopes per phase"</h2>
                <span class="sub">"DigitalOcean custom scopes each phase token needs for this stack"</span>
            </div>
            <div class="phases">{content}</div>
        </section>
    }
}
