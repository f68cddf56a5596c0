//! The compile preview page: header, toolbar, origin editor beside the deployment stack, then
//! the report (diagnostics, resources, side by side, token scopes).

use crate::dash::{
    AppliancePage, AppliancesPage, Clock, InvitePage, Nav, ReleasePage, Session, SignInPage,
};
use crate::editor::OriginPanel;
use crate::model::{Example, ModuleHash, archive_entries, request_json};
use crate::report::{Diagnostics, ResourceTable, SideBySide, Summary, TokenScopes};
use crate::route::Route;
use crate::stack::StackPanel;
use crate::state::{CompileOptions, ModuleInfo, Origin, Preview, Status, provide_all};
use crate::{api, compiler, io, zip};
use ferry_api::broker::Role;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;

/// Typing pauses this long before a compile starts.
const DEBOUNCE: Duration = Duration::from_millis(250);

/// The example shown when the page opens.
const DEFAULT_EXAMPLE: &str = "saas-web-app";

/// The examples from `examples.json`, and which one was loaded last.
#[derive(Debug, Clone, Copy)]
pub struct Examples {
    pub list: RwSignal<Vec<Example>>,
    pub chosen: RwSignal<String>,
}

#[component]
pub fn App() -> impl IntoView {
    provide_all();
    let examples = Examples {
        list: RwSignal::new(Vec::new()),
        chosen: RwSignal::new(String::new()),
    };
    provide_context(examples);
    let session = Session {
        who: RwSignal::new(None),
        checked: RwSignal::new(false),
    };
    provide_context(session);
    session.check();
    let nav = Nav::new();
    provide_context(nav);
    provide_context(Clock::start());

    let route = Memo::new(move |_| nav.route.get());
    let on_preview = move || route.with(|r| *r == Route::Preview);
    // The compiler starts when the preview is first shown: the other pages (an invitation, an
    // appliance) do not download compiler.wasm.
    let started = StoredValue::new(false);
    Effect::new(move |_| {
        if on_preview() && !started.get_value() {
            started.set_value(true);
            start_preview(examples);
        }
    });
    let page = move || match route.get() {
        Route::Preview => ().into_any(),
        Route::SignIn => view! { <SignInPage/> }.into_any(),
        Route::Appliances => view! { <AppliancesPage/> }.into_any(),
        Route::Appliance(id) => view! { <AppliancePage id=id/> }.into_any(),
        Route::Release(id) => view! { <ReleasePage id=id/> }.into_any(),
        Route::Invite(secret) => view! { <InvitePage secret=secret/> }.into_any(),
        Route::NotFound(hash) => view! {
            <div class="page">
                <p class="empty" data-testid="not-found">"There is no page at #"{hash}". "
                    <a href=Route::Preview.href()>"Go to the compile preview"</a></p>
            </div>
        }
        .into_any(),
    };

    // The preview stays mounted while other pages show: its files, compile and scroll
    // positions are there when the user comes back (and a release can be made from them).
    view! {
        <div class="app">
            <Header/>
            <div class="page preview" class:hidden=move || !on_preview()>
                <Toolbar/>
                <Summary/>
                <main class="workspace">
                    <OriginPanel/>
                    <StackPanel/>
                </main>
                <section class="report-grid">
                    <Diagnostics/>
                    <ResourceTable/>
                </section>
                <SideBySide/>
                <TokenScopes/>
                <footer class="footer">
                    "Compiled in your browser by compiler.wasm in a Web Worker — your files are not uploaded."
                </footer>
            </div>
            {page}
        </div>
    }
}

/// The compile preview's machinery: the worker, the examples, the server's module hash and the
/// live compile as the files change. Runs once, for the life of the page.
fn start_preview(examples: Examples) {
    let origin = expect_context::<Origin>();
    let preview = expect_context::<Preview>();
    let module = expect_context::<ModuleInfo>();
    let options = expect_context::<CompileOptions>();

    if let Err(e) = compiler::start(preview, module) {
        preview.status.set(Status::Failed(e));
    }

    spawn_local(async move {
        match io::fetch_examples().await {
            Ok(list) => {
                let first = list
                    .iter()
                    .find(|e| e.name == DEFAULT_EXAMPLE)
                    .or(list.first())
                    .cloned();
                examples.list.set(list);
                if let Some(ex) = first
                    && origin.files.with_untracked(|f| f.is_empty())
                {
                    examples.chosen.set(ex.name.clone());
                    origin.replace(ex.files);
                }
            }
            Err(e) => web_sys::console::warn_1(&format!("examples.json: {e}").into()),
        }
    });
    spawn_local(async move {
        let hash = match io::fetch_compiler_info().await {
            Ok(info) => ModuleHash::Known {
                sha256: info.sha256.to_ascii_lowercase(),
                abi_version: info.abi_version,
            },
            Err(e) => ModuleHash::Unavailable(e),
        };
        module.server.set(hash);
    });

    // Live compile: loading a stack compiles at once, typing waits for a pause.
    let timer = StoredValue::new(None::<TimeoutHandle>);
    let last_revision = StoredValue::new(0u64);
    Effect::new(move |_| {
        let rev = origin.revision.get();
        options.instance_id.track();
        if rev.n == 0 {
            return;
        }
        let from_typing = rev.typing || rev.n == last_revision.get_value();
        last_revision.set_value(rev.n);
        if let Some(h) = timer.get_value() {
            h.clear();
        }
        preview.status.set(Status::Compiling);
        let run = move || {
            let files = origin.files.get_untracked();
            let request = request_json(&files, &options.instance_id.get_untracked());
            compiler::submit(request, files);
        };
        if from_typing {
            timer.set_value(set_timeout_with_handle(run, DEBOUNCE).ok());
        } else {
            timer.set_value(None);
            run();
        }
    });
}

#[component]
fn Header() -> impl IntoView {
    let nav = expect_context::<Nav>();
    let session = expect_context::<Session>();
    let on_preview = move || nav.route.with(|r| *r == Route::Preview);
    let page = move || match nav.route.get() {
        Route::Preview => "Compile preview",
        Route::SignIn => "Sign in",
        Route::Appliances | Route::Appliance(_) => "Appliances",
        Route::Release(_) => "Release",
        Route::Invite(_) => "Invitation",
        Route::NotFound(_) => "Not found",
    };
    let sign_out = move |_| {
        spawn_local(async move {
            let _ = api::sign_out().await;
            session.signed_out();
            nav.go(Route::SignIn);
        });
    };
    view! {
        <header class="header">
            <div class="brand">
                <svg class="logo" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
                    <path d="M3 15h18l-2.5 5h-13z" fill="#4d9bff"/>
                    <path d="M7 14V8h10v6" fill="none" stroke="#cfe1ff" stroke-width="1.6"/>
                    <path d="M11 8V4h2v4" fill="#cfe1ff"/>
                </svg>
                <span class="name">"Ferry"</span>
                <span class="page" data-testid="page-title">{page}</span>
            </div>
            <nav class="nav">
                <a href=Route::Preview.href() class:on=on_preview data-testid="nav-preview">"Compile preview"</a>
                <a href=Route::Appliances.href() class:on=move || nav.route.with(|r| matches!(r, Route::Appliances | Route::Appliance(_) | Route::Release(_)))
                    data-testid="nav-appliances">"Appliances"</a>
            </nav>
            <div class="spacer"></div>
            <Show when=on_preview>
                <ModuleHashes/>
            </Show>
            <div class="who">
                {move || match session.who.get() {
                    Some(w) => view! {
                        <span data-testid="whoami" data-role=role_name(w.role)>{w.name.clone()}" · "{role_name(w.role)}</span>
                        <button class="btn small" data-testid="sign-out" on:click=sign_out>"Sign out"</button>
                    }.into_any(),
                    None => view! { <a href=Route::SignIn.href() data-testid="nav-sign-in">"Sign in"</a> }.into_any(),
                }}
            </div>
        </header>
    }
}

fn role_name(r: Role) -> &'static str {
    match r {
        Role::Vendor => "vendor",
        Role::Customer => "customer",
    }
}

fn short(h: &str) -> String {
    h.chars().take(12).collect()
}

/// The compiler module's SHA-256 as this browser computed it, next to the server's.
#[component]
fn ModuleHashes() -> impl IntoView {
    let module = expect_context::<ModuleInfo>();
    let browser = move || match module.browser.get() {
        ModuleHash::Pending => "loading…".to_string(),
        ModuleHash::Known { sha256, .. } => short(&sha256),
        ModuleHash::Unavailable(e) => format!("failed: {e}"),
    };
    let server = move || match module.server.get() {
        ModuleHash::Pending => "asking…".to_string(),
        ModuleHash::Known { sha256, .. } => short(&sha256),
        ModuleHash::Unavailable(_) => "server unavailable".to_string(),
    };
    let verdict = move || {
        let (b, s) = (module.browser.get(), module.server.get());
        match (b.sha256(), s.sha256()) {
            (Some(b), Some(s)) if b == s => ("match", "✓ same module"),
            (Some(_), Some(_)) => ("mismatch", "✗ different modules"),
            _ => ("unknown", ""),
        }
    };
    view! {
        <div class="hashes" title="SHA-256 of compiler.wasm: the bytes this page runs, and the bytes the server runs">
            <span class="hash-label">"compiler.wasm"</span>
            <span class="hash">
                "browser "
                <code data-testid="sha-browser"
                    data-sha=move || module.browser.with(|h| h.sha256().unwrap_or_default().to_string())
                    title=move || module.browser.with(|h| h.sha256().unwrap_or_default().to_string())>
                    {browser}
                </code>
            </span>
            <span class="hash">
                "server "
                <code data-testid="sha-server"
                    data-sha=move || module.server.with(|h| h.sha256().unwrap_or_default().to_string())
                    title=move || module.server.with(|h| h.sha256().unwrap_or_default().to_string())>
                    {server}
                </code>
            </span>
            <span class=move || format!("verdict {}", verdict().0) data-testid="sha-verdict">
                {move || verdict().1}
            </span>
        </div>
    }
}

#[component]
fn Toolbar() -> impl IntoView {
    let examples = expect_context::<Examples>();
    let origin = expect_context::<Origin>();
    let options = expect_context::<CompileOptions>();
    let preview = expect_context::<Preview>();

    let choose = move |ev: leptos::ev::Event| {
        let name = event_target_value(&ev);
        let files = examples
            .list
            .with_untracked(|l| l.iter().find(|e| e.name == name).map(|e| e.files.clone()));
        if let Some(files) = files {
            examples.chosen.set(name);
            origin.replace(files);
        }
    };
    let download = move |_| {
        let Some(out) = preview.output.get_untracked() else {
            return;
        };
        let name = match examples.chosen.get_untracked() {
            n if n.is_empty() => "ferry-stack".to_string(),
            n => format!("{n}-digitalocean"),
        };
        let bytes = zip::store(&archive_entries(&out, &name));
        if let Err(e) = io::download(&format!("{name}.zip"), "application/zip", &bytes) {
            web_sys::console::error_1(&e);
        }
    };
    let status = move || match preview.status.get() {
        Status::Loading => ("loading", "Loading compiler…".to_string()),
        Status::Compiling => ("compiling", "Compiling…".to_string()),
        Status::Done { ms } => ("done", format!("Compiled in {ms:.0} ms")),
        Status::Failed(e) => ("failed", e),
    };

    view! {
        <div class="toolbar">
            <label class="field">
                <span>"Example"</span>
                <select data-testid="example-picker" on:change=choose
                    prop:value=move || examples.chosen.get()>
                    <option value="" disabled=true>"Choose an example…"</option>
                    <For each=move || examples.list.get() key=|e| e.name.clone() let:ex>
                        <option value=ex.name.clone()>{ex.name.clone()}</option>
                    </For>
                </select>
            </label>
            <label class="field">
                <span>"Instance id"</span>
                <input type="text" placeholder="var.instance_id" data-testid="instance-id"
                    prop:value=move || options.instance_id.get()
                    on:input=move |ev| options.instance_id.set(event_target_value(&ev))/>
            </label>
            <div class="spacer"></div>
            <span class=move || format!("status {}", status().0) data-testid="compile-status"
                data-state=move || status().0>
                {move || status().1}
            </span>
            <button class="btn primary" data-testid="download-zip" on:click=download
                disabled=move || preview.output.with(Option::is_none)>
                "Download stack (.zip)"
            </button>
        </div>
    }
}

/// Milliseconds from navigation start to the first rendered preview, for tests and the curious.
pub fn first_preview_attr() -> impl Fn() -> String + Send + Sync + 'static {
    let preview = expect_context::<Preview>();
    move || {
        preview
            .first_preview_ms
            .get()
            .map(|ms| format!("{ms:.0}"))
            .unwrap_or_default()
    }
}
