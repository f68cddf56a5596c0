//! The vendor's panels of an appliance: invitation, releases (from the compile preview's files
//! or files picked or dropped), access requests (manual or weekly windows) and deploy sessions.

use super::appliance::Current;
use super::appliances::InvitationLink;
use super::format::{
    WINDOW_PHASES, check_hhmm, length, parse_duration, phase_label, short_digest, window_text,
};
use super::{
    ErrorLine, Load, LoadError, Refresh, ShownOnce, act, browser_time_zone, fmt_time, now_ms,
    parse_local_time, poll,
};
use crate::api;
use crate::app::Examples;
use crate::io::{self, Loaded};
use crate::route::Route;
use crate::state::Origin;
use ferry_api::broker::{
    AccessRequest, ApplianceStatus, CreatedDeploySession, DeploySession, Invitation,
    NewAccessRequest, NewDeploySession, NewRelease, Release, RequestStatus,
};
use ferry_api::grant::{Phase, Weekday, WeeklySlot, Window};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::BTreeMap;

#[component]
pub fn VendorPanels() -> impl IntoView {
    let current = expect_context::<Current>();
    let invited = move || {
        current
            .get()
            .is_some_and(|a| a.status == ApplianceStatus::Invited)
    };
    view! {
        <Show when=invited>
            <InvitePanel/>
        </Show>
        <ReleasesPanel/>
        <div class="two-col">
            <AccessRequestsPanel/>
            <SessionsPanel/>
        </div>
    }
}

/// A new invitation link (the old one stops working when the customer accepts any).
#[component]
fn InvitePanel() -> impl IntoView {
    let current = expect_context::<Current>();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let link = RwSignal::new(None::<Invitation>);
    let invite = move |_| {
        act(
            busy,
            error,
            async move { api::invite(&current.id()).await },
            move |i| link.set(Some(i)),
        );
    };
    view! {
        <section class="panel" data-testid="invite-panel">
            <div class="panel-head">
                <h2>"Invitation"</h2>
                <span class="sub">"The customer has not accepted an invitation yet."</span>
                <div class="spacer"></div>
                <button class="btn" data-testid="new-invitation" on:click=invite disabled=move || busy.get()>
                    "New invitation link"
                </button>
            </div>
            <ErrorLine error=error testid="invite-error"/>
            {move || link.get().map(|i| view! { <div class="callout"><InvitationLink invitation=i/></div> })}
        </section>
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Preview,
    Files,
}

#[component]
fn ReleasesPanel() -> impl IntoView {
    let current = expect_context::<Current>();
    let refresh = expect_context::<Refresh>();
    let origin = expect_context::<Origin>();
    let examples = expect_context::<Examples>();
    let source = RwSignal::new(Source::Preview);
    let picked = RwSignal::new(BTreeMap::<String, String>::new());
    let picked_note = RwSignal::new(None::<String>);
    let note = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let dragging = RwSignal::new(false);

    let take = move |loaded: Result<Loaded, String>| match loaded {
        Err(e) => picked_note.set(Some(e)),
        Ok(l) => {
            let skipped = l.skipped.len();
            picked.set(l.files.into_iter().collect());
            source.set(Source::Files);
            picked_note.set(Some(format!(
                "{} file(s) ready{}",
                picked.with_untracked(BTreeMap::len),
                if skipped > 0 {
                    format!(", {skipped} skipped")
                } else {
                    String::new()
                }
            )));
        }
    };
    let on_pick = move |ev: leptos::ev::Event| {
        let input = event_target::<web_sys::HtmlInputElement>(&ev);
        if let Some(files) = input.files() {
            spawn_local(async move {
                take(io::picked(files).await);
                input.set_value("");
            });
        }
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        if let Some(dt) = ev.data_transfer() {
            spawn_local(async move { take(io::dropped(dt).await) });
        }
    };
    let preview_label = move || {
        let n = origin.files.with(BTreeMap::len);
        let name = examples.chosen.get();
        if name.is_empty() {
            format!("The compile preview's files ({n})")
        } else {
            format!("The compile preview's files ({n}, from {name})")
        }
    };
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let files = match source.get_untracked() {
            Source::Preview => origin.files.get_untracked(),
            Source::Files => picked.get_untracked(),
        };
        if files.is_empty() {
            error.set(Some("There are no origin files to release: open some in the compile preview, or pick them here.".into()));
            return;
        }
        let text = note.get_untracked().trim().to_string();
        let body = NewRelease {
            files,
            options: None,
            note: (!text.is_empty()).then_some(text),
        };
        act(
            busy,
            error,
            async move { api::create_release(&current.id(), &body).await },
            move |_r: Release| {
                note.set(String::new());
                refresh.bump();
            },
        );
    };

    view! {
        <section class="panel releases" class:dragging=move || dragging.get() data-testid="releases"
            on:dragover=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); dragging.set(true); }
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop>
            <div class="panel-head">
                <h2>"Releases"</h2>
                <span class="sub">"Compiled on the server with this appliance's instance id, region and relay"</span>
            </div>
            <form class="form" on:submit=create>
                <div class="choices">
                    <label class="choice">
                        <input type="radio" name="release-source" data-testid="release-from-preview"
                            prop:checked=move || source.get() == Source::Preview
                            on:change=move |_| source.set(Source::Preview)/>
                        <span>{preview_label}</span>
                        " "<a href=Route::Preview.href()>"open the preview"</a>
                    </label>
                    <label class="choice">
                        <input type="radio" name="release-source" data-testid="release-from-files"
                            prop:checked=move || source.get() == Source::Files
                            on:change=move |_| source.set(Source::Files)/>
                        <span>"Files: "</span>
                        <input type="file" multiple=true data-testid="release-files" on:change=on_pick/>
                        <span class="sub">{move || picked_note.get().unwrap_or_else(|| "or drop files or a folder on this panel".into())}</span>
                    </label>
                </div>
                <div class="row">
                    <label class="field stacked grow"><span>"Note"</span>
                        <input type="text" data-testid="release-note" placeholder="v2.3.0"
                            prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))/>
                    </label>
                    <div class="form-actions">
                        <button class="btn primary" type="submit" data-testid="create-release" disabled=move || busy.get()>
                            {move || if busy.get() { "Compiling…" } else { "Create release" }}
                        </button>
                    </div>
                </div>
            </form>
            <ErrorLine error=error testid="release-error"/>
            <ReleaseList/>
            <div class="drop-overlay">"Drop origin files or a folder to release them"</div>
        </section>
    }
}

#[component]
fn ReleaseList() -> impl IntoView {
    let current = expect_context::<Current>();
    move || match current.releases.get() {
        Load::Loading => view! { <p class="empty">"Loading releases…"</p> }.into_any(),
        Load::Failed(e) => view! { <LoadError error=e/> }.into_any(),
        Load::Ready(list) if list.is_empty() => {
            view! { <p class="empty">"No releases yet."</p> }.into_any()
        }
        Load::Ready(mut list) => {
            list.sort_by_key(|r| std::cmp::Reverse(r.created_at_ms));
            let rows = list
                .into_iter()
                .map(|r| {
                    let deployable = if r.deployable { "deployable" } else { "not deployable" };
                    view! {
                        <tr data-testid="release-row" data-id=r.id.clone() data-digest=r.digest.clone()
                            data-deployable=r.deployable.to_string()>
                            <td>{fmt_time(r.created_at_ms)}</td>
                            <td><code title=r.digest.clone()>{short_digest(&r.digest)}</code></td>
                            <td><span class=format!("badge {}", if r.deployable { "mapped" } else { "unsupported" })>{deployable}</span></td>
                            <td>{format!("{} errors, {} warnings", r.errors, r.warnings)}</td>
                            <td>{r.note.clone().unwrap_or_default()}</td>
                            <td class="actions">
                                <a class="btn" href=Route::Release(r.id.clone()).href() data-testid="release-report-link">"Report"</a>
                                <a class="btn" href=api::stack_tarball_url(&r.id) download="stack.tar.gz" data-testid="release-download">"stack.tar.gz"</a>
                            </td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <div class="table-scroll">
                    <table class="data-table" data-testid="release-list">
                        <thead><tr><th>"Created"</th><th>"Digest"</th><th>"State"</th><th>"Compile"</th><th>"Note"</th><th></th></tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }
            .into_any()
        }
    }
}

/// The release `<select>` options: "any release" and the deployable ones.
#[component]
pub fn ReleaseOptions(#[prop(into)] any_label: String) -> impl IntoView {
    let current = expect_context::<Current>();
    view! {
        <option value="">{any_label}</option>
        {move || current.deployable().into_iter().map(|r| {
            let label = format!("{} — {}{}", short_digest(&r.digest), fmt_time(r.created_at_ms),
                r.note.as_ref().map(|n| format!(" — {n}")).unwrap_or_default());
            view! { <option value=r.id.clone()>{label}</option> }
        }).collect_view()}
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WindowKind {
    Manual,
    Weekly,
}

/// One weekly slot as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SlotDraft {
    weekday: Weekday,
    start: String,
    minutes: String,
}

#[component]
fn AccessRequestsPanel() -> impl IntoView {
    let current = expect_context::<Current>();
    let refresh = expect_context::<Refresh>();
    let phase = RwSignal::new(Phase::Deploy);
    let kind = RwSignal::new(WindowKind::Manual);
    let start = RwSignal::new(String::new());
    let duration = RwSignal::new("2h".to_string());
    let time_zone = RwSignal::new(browser_time_zone());
    let slots = RwSignal::new(vec![SlotDraft {
        weekday: Weekday::Tue,
        start: "02:00".into(),
        minutes: "120".into(),
    }]);
    let valid_days = RwSignal::new("90".to_string());
    let release = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let requests = poll(refresh, move || {
        let id = current.id();
        async move { api::access_requests(&id).await }
    });

    let build = move || -> Result<NewAccessRequest, String> {
        let window = match kind.get_untracked() {
            WindowKind::Manual => {
                let starts = match start.get_untracked().trim() {
                    "" => now_ms(),
                    s => parse_local_time(s).ok_or_else(|| format!("`{s}` is not a start time"))?,
                };
                let len = parse_duration(&duration.get_untracked())
                    .map_err(|e| format!("Duration: {e}"))?;
                Window::Manual {
                    starts_at_ms: starts,
                    ends_at_ms: starts + len,
                }
            }
            WindowKind::Weekly => {
                let tz = time_zone.get_untracked().trim().to_string();
                if tz.is_empty() {
                    return Err("Give the time zone the slots are in (e.g. Europe/Berlin).".into());
                }
                let mut out = Vec::new();
                for (i, s) in slots.get_untracked().into_iter().enumerate() {
                    let start = check_hhmm(&s.start).map_err(|e| format!("Slot {}: {e}", i + 1))?;
                    let minutes: u32 = s
                        .minutes
                        .trim()
                        .parse()
                        .ok()
                        .filter(|m| (1..=10_080).contains(m))
                        .ok_or_else(|| format!("Slot {}: minutes must be 1–10080", i + 1))?;
                    out.push(WeeklySlot {
                        weekday: s.weekday,
                        start,
                        minutes,
                    });
                }
                if out.is_empty() {
                    return Err("Add at least one weekly slot.".into());
                }
                let days: i64 = valid_days
                    .get_untracked()
                    .trim()
                    .parse()
                    .ok()
                    .filter(|d| (1..=366).contains(d))
                    .ok_or("Valid for: 1–366 days")?;
                let now = now_ms();
                Window::Weekly {
                    time_zone: tz,
                    slots: out,
                    starts_at_ms: now,
                    ends_at_ms: now + days * 86_400_000,
                }
            }
        };
        let why = reason.get_untracked().trim().to_string();
        if why.is_empty() {
            return Err("Say why: the customer reads this before approving.".into());
        }
        let rel = release.get_untracked();
        Ok(NewAccessRequest {
            phase: phase.get_untracked(),
            window,
            release_id: (!rel.is_empty()).then_some(rel),
            reason: why,
        })
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match build() {
            Err(e) => error.set(Some(e)),
            Ok(body) => act(
                busy,
                error,
                async move { api::request_access(&current.id(), &body).await },
                move |_r: AccessRequest| {
                    reason.set(String::new());
                    refresh.bump();
                },
            ),
        }
    };

    view! {
        <section class="panel" data-testid="access-requests">
            <div class="panel-head">
                <h2>"Access requests"</h2>
                <span class="sub">"Ask the customer to open a phase"</span>
            </div>
            <form class="form" on:submit=submit>
                <div class="row">
                    <label class="field stacked"><span>"Phase"</span>
                        <select data-testid="request-phase" on:change=move |ev| {
                            if let Some(p) = Phase::parse(&event_target_value(&ev)) { phase.set(p) }
                        } prop:value=move || phase.get().as_str()>
                            {WINDOW_PHASES.iter().map(|p| view! { <option value=p.as_str()>{phase_label(*p)}</option> }).collect_view()}
                        </select>
                    </label>
                    <label class="field stacked"><span>"Window"</span>
                        <select data-testid="request-window-kind" on:change=move |ev| {
                            kind.set(if event_target_value(&ev) == "weekly" { WindowKind::Weekly } else { WindowKind::Manual })
                        }>
                            <option value="manual">"Manual: one interval"</option>
                            <option value="weekly">"Weekly maintenance slots"</option>
                        </select>
                    </label>
                    <label class="field stacked grow"><span>"Release"</span>
                        <select data-testid="request-release" prop:value=move || release.get()
                            on:change=move |ev| release.set(event_target_value(&ev))>
                            <ReleaseOptions any_label="any release"/>
                        </select>
                    </label>
                </div>
                <Show when=move || kind.get() == WindowKind::Manual>
                    <div class="row">
                        <label class="field stacked"><span>"Starts (empty: now)"</span>
                            <input type="datetime-local" data-testid="request-start"
                                prop:value=move || start.get() on:input=move |ev| start.set(event_target_value(&ev))/>
                        </label>
                        <label class="field stacked"><span>"Duration"</span>
                            <input type="text" data-testid="request-duration" placeholder="2h, 90m, 1d"
                                prop:value=move || duration.get() on:input=move |ev| duration.set(event_target_value(&ev))/>
                        </label>
                    </div>
                </Show>
                <Show when=move || kind.get() == WindowKind::Weekly>
                    <WeeklySlots time_zone=time_zone slots=slots valid_days=valid_days/>
                </Show>
                <label class="field stacked"><span>"Reason"</span>
                    <input type="text" data-testid="request-reason" placeholder="Deploy v2.3.0"
                        prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))/>
                </label>
                <ErrorLine error=error testid="request-error"/>
                <div class="form-actions">
                    <button class="btn primary" type="submit" data-testid="create-request" disabled=move || busy.get()>
                        "Request access"
                    </button>
                </div>
            </form>
            {move || match requests.get() {
                Load::Loading => view! { <p class="empty">"Loading…"</p> }.into_any(),
                Load::Failed(e) => view! { <LoadError error=e/> }.into_any(),
                Load::Ready(list) => view! { <RequestList list=list/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn WeeklySlots(
    time_zone: RwSignal<String>,
    slots: RwSignal<Vec<SlotDraft>>,
    valid_days: RwSignal<String>,
) -> impl IntoView {
    let rows = move || {
        slots
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, s)| {
                let set = move |f: Box<dyn Fn(&mut SlotDraft)>| slots.update(|l| { if let Some(s) = l.get_mut(i) { f(s) } });
                view! {
                    <div class="slot" data-testid="weekly-slot">
                        <select prop:value=s.weekday.as_str() on:change=move |ev| {
                            let v = event_target_value(&ev);
                            if let Some(d) = Weekday::ALL.into_iter().find(|d| d.as_str() == v) {
                                set(Box::new(move |s| s.weekday = d));
                            }
                        }>
                            {Weekday::ALL.iter().map(|d| view! { <option value=d.as_str()>{d.as_str()}</option> }).collect_view()}
                        </select>
                        <input type="text" class="short" placeholder="02:00" prop:value=s.start.clone()
                            on:change=move |ev| { let v = event_target_value(&ev); set(Box::new(move |s| s.start = v.clone())); }/>
                        <input type="text" class="short" placeholder="minutes" prop:value=s.minutes.clone()
                            on:change=move |ev| { let v = event_target_value(&ev); set(Box::new(move |s| s.minutes = v.clone())); }/>
                        <span class="sub">"min"</span>
                        <button type="button" class="btn link" on:click=move |_| slots.update(|l| { if i < l.len() { l.remove(i); } })>"remove"</button>
                    </div>
                }
            })
            .collect_view()
    };
    view! {
        <div class="weekly">
            <div class="row">
                <label class="field stacked"><span>"Time zone"</span>
                    <input type="text" data-testid="request-tz" prop:value=move || time_zone.get()
                        on:input=move |ev| time_zone.set(event_target_value(&ev))/>
                </label>
                <label class="field stacked"><span>"Valid for (days)"</span>
                    <input type="text" class="short" prop:value=move || valid_days.get()
                        on:input=move |ev| valid_days.set(event_target_value(&ev))/>
                </label>
            </div>
            <div class="slots">{rows}</div>
            <button type="button" class="btn link" on:click=move |_| slots.update(|l| l.push(SlotDraft {
                weekday: Weekday::Sat, start: "02:00".into(), minutes: "120".into(),
            }))>"+ slot"</button>
        </div>
    }
}

pub fn request_status(s: RequestStatus) -> &'static str {
    match s {
        RequestStatus::Pending => "pending",
        RequestStatus::Approved => "approved",
        RequestStatus::Refused => "refused",
    }
}

#[component]
fn RequestList(list: Vec<AccessRequest>) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="empty">"No access requests yet."</p> }.into_any();
    }
    let mut list = list;
    list.sort_by_key(|r| std::cmp::Reverse(r.created_at_ms));
    let rows = list
        .into_iter()
        .map(|r| {
            let status = request_status(r.status);
            view! {
                <li class="item" data-testid="access-request-row" data-id=r.id.clone()
                    data-status=status data-phase=r.phase.as_str()>
                    <div class="item-head">
                        <b>{phase_label(r.phase)}</b>
                        <span class=format!("req-status {status}")>{status}</span>
                        <span class="sub">{fmt_time(r.created_at_ms)}</span>
                    </div>
                    <div class="sub">{window_text(&r.window, fmt_time)}</div>
                    <div>{r.reason.clone()}</div>
                    {r.release_digest.clone().map(|d| view! { <div class="sub">"release "<code>{short_digest(&d)}</code></div> })}
                    {r.refusal.clone().map(|why| view! { <div class="form-error">"refused: "{why}</div> })}
                </li>
            }
        })
        .collect_view();
    view! { <ul class="items">{rows}</ul> }.into_any()
}

#[component]
fn SessionsPanel() -> impl IntoView {
    let current = expect_context::<Current>();
    let refresh = expect_context::<Refresh>();
    let release = RwSignal::new(String::new());
    let ttl = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let created = RwSignal::new(None::<CreatedDeploySession>);
    let sessions = poll(refresh, move || {
        let id = current.id();
        async move { api::sessions(&id).await }
    });
    let deploy_open = move || {
        current.get().is_some_and(|a| {
            a.phases
                .iter()
                .any(|p| p.phase == Phase::Deploy && p.active)
        })
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let rel = release.get_untracked();
        let rel = if rel.is_empty() {
            match current.deployable().first() {
                Some(r) => r.id.clone(),
                None => {
                    error.set(Some(
                        "There is no deployable release to bind the session to.".into(),
                    ));
                    return;
                }
            }
        } else {
            rel
        };
        let ttl_ms = match ttl.get_untracked().trim() {
            "" => None,
            t => match parse_duration(t) {
                Ok(ms) => Some(ms),
                Err(e) => {
                    error.set(Some(format!("Lifetime: {e}")));
                    return;
                }
            },
        };
        let body = NewDeploySession {
            release_id: rel,
            ttl_ms,
        };
        act(
            busy,
            error,
            async move { api::create_session(&current.id(), &body).await },
            move |s| {
                created.set(Some(s));
                refresh.bump();
            },
        );
    };
    view! {
        <section class="panel" data-testid="deploy-sessions">
            <div class="panel-head">
                <h2>"Deploy sessions"</h2>
                <span class="sub">"The credential tofu's provider sends through the relay"</span>
            </div>
            <form class="form" on:submit=submit>
                <div class="row">
                    <label class="field stacked grow"><span>"Release"</span>
                        <select data-testid="session-release" prop:value=move || release.get()
                            on:change=move |ev| release.set(event_target_value(&ev))>
                            <ReleaseOptions any_label="the newest deployable release"/>
                        </select>
                    </label>
                    <label class="field stacked"><span>"Lifetime (empty: the window)"</span>
                        <input type="text" class="short" data-testid="session-ttl" placeholder="1h"
                            prop:value=move || ttl.get() on:input=move |ev| ttl.set(event_target_value(&ev))/>
                    </label>
                </div>
                <Show when=move || !deploy_open()>
                    <p class="sub">"Deploy is not active: a session needs an approved, open Deploy window."</p>
                </Show>
                <ErrorLine error=error testid="session-error"/>
                <div class="form-actions">
                    <button class="btn primary" type="submit" data-testid="create-session" disabled=move || busy.get()>
                        "Create deploy session"
                    </button>
                </div>
            </form>
            {move || created.get().map(|s| view! {
                <div class="callout" data-testid="created-session">
                    <ShownOnce label="Session credential (ferry_session_token)" value=s.credential.clone() testid="session-credential"/>
                    <p class="sub">"Expires "{fmt_time(s.session.expires_at_ms)}". Give it to tofu as "<code>"TF_VAR_ferry_session_token"</code>"."</p>
                </div>
            })}
            {move || match sessions.get() {
                Load::Loading => view! { <p class="empty">"Loading…"</p> }.into_any(),
                Load::Failed(e) => view! { <LoadError error=e/> }.into_any(),
                Load::Ready(list) => view! { <SessionList list=list/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn SessionList(list: Vec<DeploySession>) -> impl IntoView {
    let refresh = expect_context::<Refresh>();
    if list.is_empty() {
        return view! { <p class="empty">"No deploy sessions."</p> }.into_any();
    }
    let mut list = list;
    list.sort_by_key(|s| std::cmp::Reverse(s.created_at_ms));
    let rows = list
        .into_iter()
        .map(|s| {
            let id = s.id.clone();
            let busy = RwSignal::new(false);
            let error = RwSignal::new(None::<String>);
            let revoke = move |_| {
                let id = id.clone();
                act(busy, error, async move { api::revoke_session(&id).await }, move |_| refresh.bump());
            };
            let live = s.revoked_at_ms.is_none();
            view! {
                <li class="item" data-testid="session-row" data-id=s.id.clone() data-revoked=(!live).to_string()>
                    <div class="item-head">
                        <b>{phase_label(s.phase)}</b>
                        <code>{short_digest(&s.release_digest)}</code>
                        <span class="sub">"until "{fmt_time(s.expires_at_ms)}" ("{length(s.expires_at_ms - s.created_at_ms)}")"</span>
                        <div class="spacer"></div>
                        {if live {
                            view! { <button class="btn" data-testid="revoke-session" on:click=revoke disabled=move || busy.get()>"Revoke"</button> }.into_any()
                        } else {
                            view! { <span class="req-status refused">"revoked"</span> }.into_any()
                        }}
                    </div>
                    <ErrorLine error=error testid="session-row-error"/>
                </li>
            }
        })
        .collect_view();
    view! { <ul class="items">{rows}</ul> }.into_any()
}
