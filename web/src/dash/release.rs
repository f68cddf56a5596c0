//! `#/releases/<id>`: a release's report and deployment stack, shown with the compile
//! preview's own components (summary, diagnostics, resource table, stack tabs, token scopes),
//! which read the release through their usual context handles, provided here for this page.

use super::format::short_digest;
use super::{Guard, LoadError, Session, fmt_time};
use crate::api::{self, ApiError};
use crate::model::CompileOutput;
use crate::report::{Diagnostics, ResourceTable, Summary, TokenScopes};
use crate::route::Route;
use crate::stack::StackPanel;
use crate::state::{Origin, Preview, Selection, Status};
use ferry_api::broker::Release;
use ferry_compiler::report::Report;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::sync::Arc;

#[component]
pub fn ReleasePage(id: String) -> impl IntoView {
    view! {
        <div class="page">
            <Guard>
                <ReleaseBody id=id.clone()/>
            </Guard>
        </div>
    }
}

#[component]
fn ReleaseBody(id: String) -> impl IntoView {
    let session = expect_context::<Session>();
    let loaded = RwSignal::new(None::<Result<Release, ApiError>>);
    spawn_local(async move {
        let r = api::release(&id).await;
        if let Err(e) = &r {
            session.note(e);
        }
        loaded.set(Some(r));
    });
    move || match loaded.get() {
        None => view! { <p class="empty">"Loading the release…"</p> }.into_any(),
        Some(Err(e)) => view! { <LoadError error=e/> }.into_any(),
        Some(Ok(r)) => view! { <ReleaseView release=r/> }.into_any(),
    }
}

/// The release as the preview's components expect a compile result.
fn as_output(r: &Release) -> Result<CompileOutput, String> {
    let report = r
        .report
        .clone()
        .ok_or("the server sent the release without its report")?;
    let report: Report = serde_json::from_value(report)
        .map_err(|e| format!("the release's report could not be read ({e})"))?;
    Ok(CompileOutput {
        files: r.files.clone().unwrap_or_default(),
        report,
        origin: Default::default(),
        ms: 0.0,
    })
}

#[component]
fn ReleaseView(release: Release) -> impl IntoView {
    let output = as_output(&release);
    // The preview's handles, for this page only: the components below read the release.
    provide_context(Origin::new());
    provide_context(Selection {
        resource: RwSignal::new(None),
    });
    let problem = output.as_ref().err().cloned();
    provide_context(Preview {
        output: RwSignal::new(output.ok().map(Arc::new)),
        status: RwSignal::new(Status::Done { ms: 0.0 }),
        first_preview_ms: RwSignal::new(None),
        stack_tab: RwSignal::new(None),
    });
    let deployable = release.deployable;
    view! {
        <a class="back" href=Route::Appliance(release.appliance_id.clone()).href()>"← Appliance"</a>
        <section class="panel" data-testid="release" data-id=release.id.clone() data-digest=release.digest.clone()
            data-deployable=deployable.to_string()>
            <div class="panel-head">
                <h2>"Release "<code title=release.digest.clone()>{short_digest(&release.digest)}</code></h2>
                <span class=format!("badge {}", if deployable { "mapped" } else { "unsupported" })>
                    {if deployable { "deployable" } else { "not deployable: the compile has errors" }}
                </span>
                <span class="sub">
                    {fmt_time(release.created_at_ms)}" by "{release.created_by.clone()}
                    {release.note.clone().map(|n| format!(" — {n}"))}
                </span>
                <div class="spacer"></div>
                <a class="btn primary" href=api::stack_tarball_url(&release.id) download="stack.tar.gz"
                    data-testid="release-download">"Download stack.tar.gz"</a>
            </div>
            <p class="sub pad">"Origin "<code>{release.origin_digest.clone()}</code>" · stack "<code>{release.digest.clone()}</code></p>
            {problem.map(|p| view! { <p class="form-error pad">{p}</p> })}
        </section>
        <div class="release-report" data-testid="release-report">
            <Summary/>
            <section class="report-grid">
                <Diagnostics/>
                <ResourceTable/>
            </section>
            <div class="release-stack"><StackPanel/></div>
            <TokenScopes/>
        </div>
    }
}
