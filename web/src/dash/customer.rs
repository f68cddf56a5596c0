//! The customer's panels of an appliance: the approval key held by this browser (export,
//! restore), the controller's public keys, the four sealed tokens, pending access requests
//! (approve = sign a grant, or refuse), manual windows, grants (revoke) and the Steady-state
//! switch.
//!
//! A DigitalOcean token is read from its password field only when the customer presses *Seal
//! and upload*, checked (`dop_v1_` + 64 hex), sealed to the controller's X25519 key and the
//! field is cleared at once; it is never put in a signal, a log or a request. Only the sealed
//! box, the token's fingerprint, its scopes and expiry are sent.

use super::appliance::Current;
use super::format::{
    WINDOW_PHASES, length, parse_duration, parse_scopes, phase_label, short_digest, window_text,
};
use super::keys::{self, KeyBackup, check_pinned, parse_backup};
use super::vendor::{ReleaseOptions, request_status};
use super::{
    ErrorLine, Load, LoadError, Refresh, act, fmt_time, local_date, now_ms, parse_local_time, poll,
};
use crate::api;
use ferry_api::broker::{
    AccessRequest, ControllerKeys, Grant, NewGrant, RequestStatus, SealedTokenUpload, TokenInfo,
};
use ferry_api::crypto::{SealingPublicKey, SigningKey, VerifyingKey, check_do_token, fingerprint};
use ferry_api::grant::{GrantBody, Phase, Window};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The approval key for this appliance, if this browser holds it.
#[derive(Debug, Clone, Copy)]
pub struct HeldKey {
    pub key: RwSignal<Option<Arc<SigningKey>>>,
}

/// Token scopes per phase from the newest release's report: a starting point for the token
/// forms.
#[derive(Debug, Clone, Copy)]
struct ScopeHints {
    by_phase: RwSignal<BTreeMap<String, Vec<String>>>,
}

#[component]
pub fn CustomerPanels() -> impl IntoView {
    let current = expect_context::<Current>();
    let held = HeldKey {
        key: RwSignal::new(None),
    };
    provide_context(held);
    // Find the key for the pinned public key in this browser's storage.
    Effect::new(move |_| {
        let pinned = current.get().and_then(|a| a.approval_key);
        let have = held
            .key
            .with_untracked(|k| k.as_ref().map(|k| k.verifying_key()));
        if pinned != have {
            held.key
                .set(pinned.and_then(|p| keys::load(&p)).map(Arc::new));
        }
    });
    let hints = ScopeHints {
        by_phase: RwSignal::new(BTreeMap::new()),
    };
    provide_context(hints);
    Effect::new(move |_| {
        let newest = current.releases.with(|r| {
            r.ready().and_then(|l| {
                l.iter()
                    .max_by_key(|r| r.created_at_ms)
                    .map(|r| r.id.clone())
            })
        });
        if let Some(id) = newest {
            spawn_local(async move {
                if let Ok(r) = api::release(&id).await
                    && let Some(scopes) = r
                        .report
                        .as_ref()
                        .and_then(|v| v.get("token_scopes"))
                        .cloned()
                    && let Ok(map) = serde_json::from_value::<BTreeMap<String, Vec<String>>>(scopes)
                {
                    hints.by_phase.set(map);
                }
            });
        }
    });
    view! {
        <div class="two-col">
            <KeyPanel/>
            <ControllerPanel/>
        </div>
        <TokensPanel/>
        <PendingRequests/>
        <div class="two-col">
            <WindowPanel/>
            <GrantsPanel/>
        </div>
    }
}

/// Steady-state is on by default; the customer can switch it off (and on again).
#[component]
pub fn SteadyStateSwitch() -> impl IntoView {
    let current = expect_context::<Current>();
    let refresh = expect_context::<Refresh>();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let enabled = move || {
        current.get().is_some_and(|a| {
            a.phases
                .iter()
                .any(|p| p.phase == Phase::SteadyState && !p.disabled)
        })
    };
    let toggle = move |ev: leptos::ev::Event| {
        let on = event_target_checked(&ev);
        act(
            busy,
            error,
            async move { api::switch_steady_state(&current.id(), on).await },
            move |a| {
                current.appliance.set(Load::Ready(a));
                refresh.bump();
            },
        );
    };
    view! {
        <label class="switch" title="Read-only access for monitoring and the appliance's tagged resources">
            <input type="checkbox" data-testid="steady-state-switch" prop:checked=enabled
                on:change=toggle disabled=move || busy.get()/>
            <span>"Steady-state (read-only monitoring) on"</span>
        </label>
        <ErrorLine error=error testid="steady-state-error"/>
    }
}

#[component]
fn KeyPanel() -> impl IntoView {
    let current = expect_context::<Current>();
    let held = expect_context::<HeldKey>();
    let restore_text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let note = RwSignal::new(None::<String>);
    let pinned = move || current.get().and_then(|a| a.approval_key);
    let export = move |_| {
        let (Some(key), Some(a)) = (
            held.key.get_untracked(),
            current.appliance.with_untracked(|a| a.ready().cloned()),
        ) else {
            return;
        };
        let json = KeyBackup::of(&key, Some(&a.id)).to_json();
        let name = format!("ferry-approval-key-{}.json", a.instance_id);
        match crate::io::download(&name, "application/json", json.as_bytes()) {
            Ok(()) => note.set(Some(format!(
                "Saved as {name}. Keep it somewhere safe: it approves access to your account."
            ))),
            Err(_) => error.set(Some("The browser refused the download.".into())),
        }
    };
    let restore = move |_| {
        error.set(None);
        let Some(pin) = pinned() else {
            error.set(Some(
                "This appliance has no approval key pinned yet.".into(),
            ));
            return;
        };
        let result = parse_backup(&restore_text.get_untracked())
            .and_then(|k| check_pinned(&k, &pin).map(|()| k))
            .and_then(|k| keys::store(&k, Some(&current.id())).map(|()| k));
        match result {
            Ok(k) => {
                restore_text.set(String::new());
                held.key.set(Some(Arc::new(k)));
                note.set(Some("Restored: this browser can approve again.".into()));
            }
            Err(e) => error.set(Some(e)),
        }
    };
    let pick = move |ev: leptos::ev::Event| {
        let input = event_target::<web_sys::HtmlInputElement>(&ev);
        if let Some(file) = input.files().and_then(|f| f.get(0)) {
            spawn_local(async move {
                match wasm_bindgen_futures::JsFuture::from(file.text()).await {
                    Ok(text) => restore_text.set(text.as_string().unwrap_or_default()),
                    Err(_) => error.set(Some("The file could not be read.".into())),
                }
                input.set_value("");
            });
        }
    };
    view! {
        <section class="panel" data-testid="approval-key">
            <div class="panel-head">
                <h2>"Approval key"</h2>
                <span class="sub">"Ed25519, made in this browser: it signs every approval"</span>
            </div>
            <div class="form">
                <p>
                    "Pinned on the appliance: "
                    <code data-testid="pinned-key">{move || pinned().map(|k| k.fingerprint()).unwrap_or_else(|| "none".into())}</code>
                </p>
                <p data-testid="approval-key-status" data-held=move || held.key.with(Option::is_some).to_string()>
                    {move || if held.key.with(Option::is_some) {
                        "✓ This browser holds the key. Download a backup: without it, a new browser cannot approve."
                    } else {
                        "This browser does not hold the key. Restore it from your backup to approve or open windows."
                    }}
                </p>
                <div class="form-actions">
                    <button class="btn" data-testid="export-key" on:click=export
                        disabled=move || held.key.with(Option::is_none)>"Download key backup"</button>
                </div>
                <details>
                    <summary>"Restore from a backup"</summary>
                    <textarea rows="4" class="mono" data-testid="import-key" placeholder="Paste the backup file's contents"
                        prop:value=move || restore_text.get() on:input=move |ev| restore_text.set(event_target_value(&ev))></textarea>
                    <div class="form-actions">
                        <input type="file" accept=".json,application/json" on:change=pick/>
                        <button class="btn" data-testid="restore-key" on:click=restore>"Restore"</button>
                    </div>
                </details>
                <ErrorLine error=error testid="key-error"/>
                {move || note.get().map(|n| view! { <p class="ok-note">{n}</p> })}
            </div>
        </section>
    }
}

/// `ferry controller keygen` prints the two public keys; either paste them one by one or the
/// JSON it prints.
fn read_controller_keys(signing: &str, sealing: &str) -> Result<ControllerKeys, String> {
    let signing = signing.trim();
    if signing.starts_with('{') {
        return serde_json::from_str::<ControllerKeys>(signing)
            .map_err(|e| format!("the pasted JSON is not the controller's public keys ({e})"));
    }
    let signing_key =
        VerifyingKey::parse(signing).map_err(|e| format!("Identity key (Ed25519): {e}"))?;
    let sealing_key = SealingPublicKey::parse(sealing.trim())
        .map_err(|e| format!("Sealing key (X25519): {e}"))?;
    Ok(ControllerKeys {
        signing_key,
        sealing_key,
    })
}

#[component]
fn ControllerPanel() -> impl IntoView {
    let current = expect_context::<Current>();
    let refresh = expect_context::<Refresh>();
    let signing = RwSignal::new(String::new());
    let sealing = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let registered = move || current.get().and_then(|a| a.controller);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match read_controller_keys(&signing.get_untracked(), &sealing.get_untracked()) {
            Err(e) => error.set(Some(e)),
            Ok(keys) => act(
                busy,
                error,
                async move { api::register_controller(&current.id(), &keys).await },
                move |a| {
                    signing.set(String::new());
                    sealing.set(String::new());
                    current.appliance.set(Load::Ready(a));
                    refresh.bump();
                },
            ),
        }
    };
    let form = move || {
        view! {
            <form class="form" on:submit=submit>
                <label class="field stacked"><span>"Identity key (Ed25519, or the JSON from "<code>"ferry controller keygen"</code>")"</span>
                    <input type="text" class="mono" data-testid="controller-signing-key" spellcheck="false"
                        prop:value=move || signing.get() on:input=move |ev| signing.set(event_target_value(&ev))/>
                </label>
                <label class="field stacked"><span>"Sealing key (X25519)"</span>
                    <input type="text" class="mono" data-testid="controller-sealing-key" spellcheck="false"
                        prop:value=move || sealing.get() on:input=move |ev| sealing.set(event_target_value(&ev))/>
                </label>
                <ErrorLine error=error testid="controller-error"/>
                <div class="form-actions">
                    <button class="btn primary" type="submit" data-testid="register-controller" disabled=move || busy.get()>
                        "Register controller keys"
                    </button>
                </div>
            </form>
        }
    };
    view! {
        <section class="panel" data-testid="controller-keys">
            <div class="panel-head">
                <h2>"Controller"</h2>
                <span class="sub">"The agent in your account: the only holder of usable tokens"</span>
            </div>
            {move || match registered() {
                None => form().into_any(),
                Some(k) => view! {
                    <div class="form" data-testid="controller-registered">
                        <p>"Identity "<code>{k.signing_key.fingerprint()}</code></p>
                        <p>"Sealing key "<code class="wrap">{k.sealing_key.to_string()}</code></p>
                        <details>
                            <summary>"Replace the keys (tokens sealed to the old key must be sealed again)"</summary>
                            {form()}
                        </details>
                    </div>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn TokensPanel() -> impl IntoView {
    let current = expect_context::<Current>();
    let refresh = expect_context::<Refresh>();
    let tokens = poll(refresh, move || {
        let id = current.id();
        async move { api::tokens(&id).await }
    });
    let sealing_key = Signal::derive(move || {
        current
            .get()
            .and_then(|a| a.controller)
            .map(|c| c.sealing_key)
    });
    view! {
        <section class="panel" data-testid="tokens">
            <div class="panel-head">
                <h2>"DigitalOcean tokens"</h2>
                <span class="sub">"One per phase. Sealed in this browser to the controller's key: the server stores ciphertext it cannot open."</span>
            </div>
            <Show when=move || sealing_key.with(Option::is_none)>
                <p class="empty">"Register the controller's keys first: tokens are sealed to it."</p>
            </Show>
            {move || match tokens.get() {
                Load::Failed(e) => view! { <LoadError error=e/> }.into_any(),
                _ => ().into_any(),
            }}
            <div class="token-rows">
                {Phase::ALL.into_iter().map(|p| {
                    let info = Signal::derive(move || tokens.with(|t| t.ready().and_then(|l| l.iter().find(|i| i.phase == p).cloned())));
                    view! { <TokenRow phase=p info=info sealing_key=sealing_key/> }
                }).collect_view()}
            </div>
        </section>
    }
}

/// What the form sends, from what it read. The token is checked before anything else and is
/// not part of the result: only its sealed box and fingerprint are.
pub fn seal_upload(
    token: &str,
    key: &SealingPublicKey,
    scopes: &str,
    expires_at_ms: Option<i64>,
    now_ms: i64,
) -> Result<SealedTokenUpload, String> {
    check_do_token(token).map_err(|e| capitalise(&e.to_string()))?;
    let scopes = parse_scopes(scopes).map_err(|e| capitalise(&e))?;
    if scopes.is_empty() {
        return Err("Give the scopes this token was created with (e.g. droplet:read).".into());
    }
    let expires_at_ms = expires_at_ms.ok_or("Give the date the token expires.")?;
    if expires_at_ms <= now_ms {
        return Err("The expiry date is in the past.".into());
    }
    let sealed = key
        .seal_token(token)
        .map_err(|e| capitalise(&e.to_string()))?;
    Ok(SealedTokenUpload {
        sealed,
        fingerprint: fingerprint(token),
        scopes,
        expires_at_ms,
    })
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[component]
fn TokenRow(
    phase: Phase,
    info: Signal<Option<TokenInfo>>,
    sealing_key: Signal<Option<SealingPublicKey>>,
) -> impl IntoView {
    let current = expect_context::<Current>();
    let refresh = expect_context::<Refresh>();
    let hints = expect_context::<ScopeHints>();
    let input = NodeRef::<leptos::html::Input>::new();
    let scopes = RwSignal::new(String::new());
    let touched = RwSignal::new(false);
    let expiry = RwSignal::new(local_date(now_ms() + 90 * 86_400_000));
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let done = RwSignal::new(None::<String>);
    // Suggest the scopes the newest release needs, until the customer types their own.
    Effect::new(move |_| {
        let hint = hints
            .by_phase
            .with(|m| m.get(phase.as_str()).cloned())
            .unwrap_or_default();
        if !touched.get_untracked() && !hint.is_empty() {
            scopes.set(hint.join(" "));
        }
    });
    let check = move |_| {
        if let Some(i) = input.get() {
            let v = i.value();
            error.set(match (v.is_empty(), check_do_token(&v)) {
                (false, Err(e)) => Some(capitalise(&e.to_string())),
                _ => None,
            });
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        done.set(None);
        let Some(field) = input.get() else { return };
        let Some(key) = sealing_key.get_untracked() else {
            error.set(Some(
                "Register the controller's keys first: tokens are sealed to it.".into(),
            ));
            return;
        };
        let upload = {
            let token = field.value();
            let expires = parse_local_time(&expiry.get_untracked());
            seal_upload(&token, &key, &scopes.get_untracked(), expires, now_ms())
        };
        let upload = match upload {
            Ok(u) => {
                // Sealed: the plaintext leaves the page now.
                field.set_value("");
                u
            }
            Err(e) => {
                error.set(Some(e));
                return;
            }
        };
        let fp = upload.fingerprint.clone();
        act(
            busy,
            error,
            async move { api::upload_token(&current.id(), phase, &upload).await },
            move |_t: TokenInfo| {
                done.set(Some(format!("Sealed and registered: {fp}")));
                refresh.bump();
            },
        );
    };
    let remove = move |_| {
        act(
            busy,
            error,
            async move { api::remove_token(&current.id(), phase).await },
            move |_| {
                done.set(None);
                refresh.bump();
            },
        );
    };
    view! {
        <form class="token-row" data-testid="token-row" data-phase=phase.as_str()
            data-registered=move || info.with(Option::is_some).to_string() on:submit=submit>
            <div class="token-phase">
                <b>{phase_label(phase)}</b>
                {move || match info.get() {
                    Some(t) => view! {
                        <div class="sub" data-testid="token-info">
                            <code>{t.fingerprint.clone()}</code>" · expires "{fmt_time(t.expires_at_ms)}
                            <div class="scopes">{t.scopes.iter().map(|s| view! { <code class="scope">{s.clone()}</code> }).collect_view()}</div>
                        </div>
                        <button type="button" class="btn link" on:click=remove>"remove"</button>
                    }.into_any(),
                    None => view! { <div class="sub">"no token registered"</div> }.into_any(),
                }}
            </div>
            <div class="token-form">
                <input type="password" autocomplete="off" spellcheck="false" class="mono" node_ref=input
                    data-testid="token-input" placeholder="dop_v1_…"
                    on:input=move |_| error.set(None) on:blur=check/>
                <input type="text" class="mono" data-testid="token-scopes" placeholder="scopes: droplet:read tag:read …"
                    prop:value=move || scopes.get() on:input=move |ev| { touched.set(true); scopes.set(event_target_value(&ev)) }/>
                <label class="field"><span>"expires"</span>
                    <input type="date" data-testid="token-expiry" prop:value=move || expiry.get()
                        on:input=move |ev| expiry.set(event_target_value(&ev))/>
                </label>
                <button class="btn primary" type="submit" data-testid="seal-token"
                    disabled=move || busy.get() || sealing_key.with(Option::is_none)>"Seal and upload"</button>
            </div>
            <ErrorLine error=error testid="token-error"/>
            {move || done.get().map(|d| view! { <p class="ok-note" data-testid="token-sealed">{d}</p> })}
        </form>
    }
}

/// Signs `body` with the key this browser holds for the appliance.
fn sign(held: HeldKey, body: GrantBody) -> Result<ferry_api::grant::SignedGrant, String> {
    let key = held
        .key
        .get_untracked()
        .ok_or("This browser does not hold the appliance's approval key: restore it from your backup first.")?;
    body.sign(&key).map_err(|e| capitalise(&e.to_string()))
}

#[component]
fn PendingRequests() -> impl IntoView {
    let current = expect_context::<Current>();
    let refresh = expect_context::<Refresh>();
    let requests = poll(refresh, move || {
        let id = current.id();
        async move { api::access_requests(&id).await }
    });
    view! {
        <section class="panel" data-testid="pending-requests">
            <div class="panel-head">
                <h2>"Access requests"</h2>
                <span class="sub">"Approve with your key, or refuse"</span>
            </div>
            {move || match requests.get() {
                Load::Loading => view! { <p class="empty">"Loading…"</p> }.into_any(),
                Load::Failed(e) => view! { <LoadError error=e/> }.into_any(),
                Load::Ready(l) if l.is_empty() => view! { <p class="empty">"The vendor has not asked for access."</p> }.into_any(),
                Load::Ready(mut l) => {
                    l.sort_by_key(|r| (r.status != RequestStatus::Pending, std::cmp::Reverse(r.created_at_ms)));
                    view! { <ul class="items">{l.into_iter().map(|r| view! { <RequestItem request=r/> }).collect_view()}</ul> }.into_any()
                }
            }}
        </section>
    }
}

#[component]
fn RequestItem(request: AccessRequest) -> impl IntoView {
    let current = expect_context::<Current>();
    let refresh = expect_context::<Refresh>();
    let held = expect_context::<HeldKey>();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let why = RwSignal::new(String::new());
    let status = request_status(request.status);
    let pending = request.status == RequestStatus::Pending;
    // The grant this approval signs, made once so that what is shown is what is signed.
    let body = GrantBody::new(
        current.id(),
        request.phase,
        request.window.clone(),
        request.release_digest.clone(),
    );
    let canonical = body
        .canonical()
        .unwrap_or_else(|e| format!("(cannot be signed: {e})"));
    let body = StoredValue::new(body);
    let request_id = StoredValue::new(request.id.clone());
    let approve = move |_| match sign(held, body.get_value()) {
        Err(e) => error.set(Some(e)),
        Ok(grant) => {
            let new = NewGrant {
                grant,
                access_request_id: Some(request_id.get_value()),
            };
            act(
                busy,
                error,
                async move { api::create_grant(&current.id(), &new).await },
                move |_g: Grant| refresh.bump(),
            );
        }
    };
    let refuse = move |_| {
        let reason = why.get_untracked().trim().to_string();
        let reason = (!reason.is_empty()).then_some(reason);
        act(
            busy,
            error,
            async move { api::refuse(&request_id.get_value(), reason).await },
            move |_r| refresh.bump(),
        );
    };
    view! {
        <li class="item" data-testid="request-item" data-id=request.id.clone() data-status=status data-phase=request.phase.as_str()>
            <div class="item-head">
                <b>{phase_label(request.phase)}</b>
                <span class=format!("req-status {status}")>{status}</span>
                <span class="sub">"asked "{fmt_time(request.created_at_ms)}</span>
            </div>
            <div>{request.reason.clone()}</div>
            <div class="sub">{window_text(&request.window, fmt_time)}</div>
            {request.release_digest.clone().map(|d| view! { <div class="sub">"for release "<code>{d}</code></div> })}
            {request.refusal.clone().map(|r| view! { <div class="form-error">"refused: "{r}</div> })}
            {pending.then(|| view! {
                <details>
                    <summary>"What your key signs"</summary>
                    <pre class="canonical" data-testid="canonical-grant">{canonical.clone()}</pre>
                </details>
                <div class="form-actions">
                    <input type="text" placeholder="reason (when refusing)" data-testid="refuse-reason"
                        prop:value=move || why.get() on:input=move |ev| why.set(event_target_value(&ev))/>
                    <button class="btn" data-testid="refuse-request" on:click=refuse disabled=move || busy.get()>"Refuse"</button>
                    <button class="btn primary" data-testid="approve-request" on:click=approve
                        disabled=move || busy.get() || held.key.with(Option::is_none)>"Approve and sign"</button>
                </div>
            })}
            <ErrorLine error=error testid="request-item-error"/>
        </li>
    }
}

#[component]
fn WindowPanel() -> impl IntoView {
    let current = expect_context::<Current>();
    let refresh = expect_context::<Refresh>();
    let held = expect_context::<HeldKey>();
    let phase = RwSignal::new(Phase::Operate);
    let duration = RwSignal::new("1h".to_string());
    let release = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let len = match parse_duration(&duration.get_untracked()) {
            Ok(ms) => ms,
            Err(e) => {
                error.set(Some(format!("Duration: {e}")));
                return;
            }
        };
        let rel = release.get_untracked();
        let digest = if rel.is_empty() {
            None
        } else {
            current
                .deployable()
                .into_iter()
                .find(|r| r.id == rel)
                .map(|r| r.digest)
        };
        let now = now_ms();
        let body = GrantBody::new(
            current.id(),
            phase.get_untracked(),
            Window::Manual {
                starts_at_ms: now,
                ends_at_ms: now + len,
            },
            digest,
        );
        match sign(held, body) {
            Err(e) => error.set(Some(e)),
            Ok(grant) => {
                let new = NewGrant {
                    grant,
                    access_request_id: None,
                };
                act(
                    busy,
                    error,
                    async move { api::create_grant(&current.id(), &new).await },
                    move |_g: Grant| refresh.bump(),
                );
            }
        }
    };
    view! {
        <section class="panel" data-testid="open-window">
            <div class="panel-head">
                <h2>"Open a window"</h2>
                <span class="sub">"Starts now; signed with your key"</span>
            </div>
            <form class="form" on:submit=submit>
                <div class="row">
                    <label class="field stacked"><span>"Phase"</span>
                        <select data-testid="window-phase" prop:value=move || phase.get().as_str()
                            on:change=move |ev| { if let Some(p) = Phase::parse(&event_target_value(&ev)) { phase.set(p) } }>
                            {WINDOW_PHASES.iter().map(|p| view! { <option value=p.as_str()>{phase_label(*p)}</option> }).collect_view()}
                        </select>
                    </label>
                    <label class="field stacked"><span>"For"</span>
                        <input type="text" class="short" data-testid="window-duration" placeholder="1h"
                            prop:value=move || duration.get() on:input=move |ev| duration.set(event_target_value(&ev))/>
                    </label>
                </div>
                <Show when=move || phase.get() == Phase::Deploy>
                    <label class="field stacked"><span>"Release"</span>
                        <select prop:value=move || release.get() on:change=move |ev| release.set(event_target_value(&ev))>
                            <ReleaseOptions any_label="any release"/>
                        </select>
                    </label>
                </Show>
                <ErrorLine error=error testid="window-error"/>
                <div class="form-actions">
                    <button class="btn primary" type="submit" data-testid="open-window-submit"
                        disabled=move || busy.get() || held.key.with(Option::is_none)>"Sign and open"</button>
                </div>
            </form>
        </section>
    }
}

/// A grant's state now: active (its phase runs on it), revoked, expired, or approved.
fn grant_state(g: &Grant, active_grants: &[String], now: i64) -> &'static str {
    if g.revoked_at_ms.is_some() {
        "revoked"
    } else if active_grants.contains(&g.id) {
        "active"
    } else if g.grant.body.window.ends_at_ms() <= now {
        "expired"
    } else {
        "approved"
    }
}

#[component]
fn GrantsPanel() -> impl IntoView {
    let current = expect_context::<Current>();
    let refresh = expect_context::<Refresh>();
    let clock = expect_context::<super::Clock>();
    let grants = poll(refresh, move || {
        let id = current.id();
        async move { api::grants(&id).await }
    });
    let list = move || {
        let active: Vec<String> = current
            .get()
            .map(|a| {
                a.phases
                    .iter()
                    .filter(|p| p.active)
                    .filter_map(|p| p.grant_id.clone())
                    .collect()
            })
            .unwrap_or_default();
        let now = clock.now_ms.get_untracked();
        match grants.get() {
            Load::Loading => view! { <p class="empty">"Loading…"</p> }.into_any(),
            Load::Failed(e) => view! { <LoadError error=e/> }.into_any(),
            Load::Ready(l) if l.is_empty() => {
                view! { <p class="empty">"No grants yet."</p> }.into_any()
            }
            Load::Ready(mut l) => {
                l.sort_by_key(|g| std::cmp::Reverse(g.created_at_ms));
                let rows = l
                    .into_iter()
                    .map(|g| {
                        let state = grant_state(&g, &active, now);
                        view! { <GrantItem grant=g state=state/> }
                    })
                    .collect_view();
                view! { <ul class="items">{rows}</ul> }.into_any()
            }
        }
    };
    view! {
        <section class="panel" data-testid="grants">
            <div class="panel-head">
                <h2>"Grants"</h2>
                <span class="sub">"Revocation is immediate"</span>
            </div>
            {list}
        </section>
    }
}

#[component]
fn GrantItem(grant: Grant, state: &'static str) -> impl IntoView {
    let refresh = expect_context::<Refresh>();
    let current = expect_context::<Current>();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let id = StoredValue::new(grant.id.clone());
    let revoke = move |_| {
        act(
            busy,
            error,
            async move { api::revoke_grant(&id.get_value()).await },
            move |_g: Grant| {
                refresh.bump();
                // The phase state changes at once: reload the appliance too.
                let id = current.id();
                spawn_local(async move {
                    if let Ok(a) = api::appliance(&id).await {
                        current.appliance.set(Load::Ready(a));
                    }
                });
            },
        );
    };
    let body = &grant.grant.body;
    let revocable = state == "active" || state == "approved";
    view! {
        <li class="item" data-testid="grant-row" data-id=grant.id.clone() data-phase=body.phase.as_str() data-state=state>
            <div class="item-head">
                <b>{phase_label(body.phase)}</b>
                <span class=format!("req-status {state}")>{state}</span>
                <span class="sub">{length(body.window.ends_at_ms() - body.window.starts_at_ms())}</span>
                <div class="spacer"></div>
                {revocable.then(|| view! {
                    <button class="btn danger" data-testid="revoke-grant" on:click=revoke disabled=move || busy.get()>"Revoke"</button>
                })}
            </div>
            <div class="sub">{window_text(&body.window, fmt_time)}</div>
            {body.release_digest.clone().map(|d| view! { <div class="sub">"release "<code>{short_digest(&d)}</code></div> })}
            <div class="sub">"signature "<code>{grant.grant.signature.chars().take(16).collect::<String>()}"…"</code></div>
            <ErrorLine error=error testid="grant-error"/>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferry_api::crypto::SealingSecretKey;

    const CANARY: &str = "dop_v1_c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00";

    #[test]
    fn a_token_is_checked_before_it_is_sealed() {
        let secret = SealingSecretKey::generate();
        let key = secret.public_key();
        let e = seal_upload("dop_v1_abc", &key, "droplet:read", Some(10), 0).expect_err("short");
        assert!(e.starts_with("This is not a DigitalOcean API token"), "{e}");
        assert!(!e.contains("abc"), "{e}");
        let e = seal_upload("ghp_x", &key, "droplet:read", Some(10), 0).expect_err("prefix");
        assert!(e.contains("dop_v1_"), "{e}");
    }

    #[test]
    fn the_upload_holds_no_plaintext_and_opens_to_the_token() {
        let secret = SealingSecretKey::generate();
        let up = seal_upload(
            CANARY,
            &secret.public_key(),
            "droplet:read tag:read",
            Some(10),
            0,
        )
        .expect("sealed");
        let json = serde_json::to_string(&up).expect("json");
        assert!(!json.contains("c0ffee"), "{json}");
        assert_eq!(up.fingerprint, fingerprint(CANARY));
        assert_eq!(up.scopes, ["droplet:read", "tag:read"]);
        assert_eq!(secret.open_token(&up.sealed).expect("open"), CANARY);
    }

    #[test]
    fn scopes_and_expiry_are_required() {
        let key = SealingSecretKey::generate().public_key();
        assert!(
            seal_upload(CANARY, &key, "", Some(10), 0)
                .expect_err("scopes")
                .contains("scopes")
        );
        assert!(
            seal_upload(CANARY, &key, "droplet:read", None, 0)
                .expect_err("expiry")
                .contains("expires")
        );
        assert!(
            seal_upload(CANARY, &key, "droplet:read", Some(5), 5)
                .expect_err("past")
                .contains("past")
        );
    }

    #[test]
    fn controller_keys_are_read_from_fields_or_json() {
        let sign = SigningKey::generate().verifying_key();
        let seal = SealingSecretKey::generate().public_key();
        let k = read_controller_keys(&sign.to_string(), &seal.to_string()).expect("fields");
        assert_eq!(k.signing_key, sign);
        let json = serde_json::to_string(&k).expect("json");
        assert_eq!(read_controller_keys(&json, "").expect("json"), k);
        assert!(
            read_controller_keys("nope", &seal.to_string())
                .expect_err("bad")
                .starts_with("Identity key")
        );
        assert!(
            read_controller_keys(&sign.to_string(), "")
                .expect_err("bad")
                .starts_with("Sealing key")
        );
    }
}
