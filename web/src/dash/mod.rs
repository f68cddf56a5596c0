//! The dashboard pages beyond the compile preview: sign-in, the vendor's appliances, releases,
//! access requests and deploy sessions, and the customer's approval pages (invitation, approval
//! key, controller keys, sealed tokens, approvals, windows, revocation, audit).
//!
//! They know the broker only through its HTTP API ([`crate::api`], shapes from `ferry_api`).
//! Secrets made in the browser — the approval key, the DigitalOcean tokens — are handled here
//! and nowhere else: the key signs grants ([`keys`]), a token is read from its password field
//! when the customer seals it, checked, sealed to the controller's key and cleared; only the
//! sealed box, its fingerprint, scopes and expiry are sent.
//!
//! Shared handles, as the preview's: [`Session`] (who is signed in), [`Nav`] (the page),
//! [`Clock`] (a one-second tick for countdowns) and, per appliance page, [`Refresh`] and
//! `live::Live` (the appliance's event stream: controller state, relayed calls, metric ticks).

pub mod format;
pub mod keys;

mod appliance;
mod appliances;
mod audit;
mod charts;
mod customer;
mod invite;
mod live;
mod phases;
mod relay_audit;
mod release;
mod signin;
mod vendor;

pub use appliance::AppliancePage;
pub use appliances::AppliancesPage;
pub use invite::InvitePage;
pub use release::ReleasePage;
pub use signin::{SignInForm, SignInPage};

use crate::api::{self, ApiError};
use crate::route::{Route, app_root};
use ferry_api::broker::{Role, Whoami};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::future::Future;
use std::time::Duration;

/// Who is signed in. `checked` turns true once the first `whoami` answered.
#[derive(Debug, Clone, Copy)]
pub struct Session {
    pub who: RwSignal<Option<Whoami>>,
    pub checked: RwSignal<bool>,
}

impl Session {
    /// Takes a fresh `Whoami`: remembers its CSRF token for state-changing calls.
    pub fn signed_in(&self, who: Whoami) {
        api::set_csrf(who.csrf_token.clone());
        self.who.set(Some(who));
        self.checked.set(true);
    }

    pub fn signed_out(&self) {
        api::set_csrf(None);
        self.who.set(None);
        self.checked.set(true);
    }

    pub fn role(&self) -> Option<Role> {
        self.who.with(|w| w.as_ref().map(|w| w.role))
    }

    /// Asks the server who this browser is (the session cookie, if any).
    pub fn check(self) {
        spawn_local(async move {
            match api::whoami().await {
                Ok(who) => self.signed_in(who),
                Err(_) => self.signed_out(),
            }
        });
    }

    /// A call failed: a 401 means the session is over.
    pub fn note(&self, e: &ApiError) {
        if e.is_unauthorized() {
            self.signed_out();
        }
    }
}

/// The page shown.
#[derive(Debug, Clone, Copy)]
pub struct Nav {
    pub route: RwSignal<Route>,
}

impl Nav {
    /// Follows the location: now and on every `hashchange`.
    pub fn new() -> Self {
        let nav = Nav {
            route: RwSignal::new(current_route()),
        };
        let listener = window_event_listener(leptos::ev::hashchange, move |_| {
            nav.route.set(current_route());
        });
        // The listener lives as long as the page.
        std::mem::forget(listener);
        nav
    }

    /// Opens `route` (a new history entry).
    pub fn go(&self, route: Route) {
        let _ = window().location().set_hash(&route.to_string());
        self.route.set(route);
    }

    /// Replaces the address with the dashboard's root, without a new history entry and
    /// without changing the page shown: the invitation page drops its spent secret this way.
    pub fn forget_address(&self) {
        let root = window()
            .location()
            .pathname()
            .map(|p| app_root(&p))
            .unwrap_or_else(|_| "/".into());
        if let Ok(history) = window().history() {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&root));
        }
    }
}

impl Default for Nav {
    fn default() -> Self {
        Self::new()
    }
}

fn current_route() -> Route {
    let location = window().location();
    Route::parse(
        &location.pathname().unwrap_or_default(),
        &location.hash().unwrap_or_default(),
    )
}

/// The time now, in Unix milliseconds, ticking once a second (countdowns).
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    pub now_ms: RwSignal<i64>,
}

impl Clock {
    pub fn start() -> Self {
        let clock = Clock {
            now_ms: RwSignal::new(now_ms()),
        };
        if let Ok(handle) =
            set_interval_with_handle(move || clock.now_ms.set(now_ms()), Duration::from_secs(1))
        {
            // Ticks as long as the page lives.
            let _ = handle;
        }
        clock
    }
}

/// The browser's clock in Unix milliseconds.
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// A Unix-millisecond time in the browser's locale and time zone.
pub fn fmt_time(ms: i64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    String::from(d.to_locale_string("en-GB", &wasm_bindgen::JsValue::UNDEFINED))
}

/// The browser's IANA time zone (`Europe/Berlin`), `UTC` if it does not say.
pub fn browser_time_zone() -> String {
    let options = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new())
        .resolved_options();
    js_sys::Reflect::get(&options, &"timeZone".into())
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_else(|| "UTC".into())
}

/// Parses an `<input type=date|datetime-local>` value in the browser's time zone.
pub fn parse_local_time(value: &str) -> Option<i64> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    // A bare date is read by `Date` as UTC; with a time of day, as local time.
    let text = if value.len() == 10 {
        format!("{value}T23:59")
    } else {
        value.to_string()
    };
    let ms = js_sys::Date::new(&text.into()).get_time();
    (!ms.is_nan()).then_some(ms as i64)
}

/// `YYYY-MM-DD` of a time in the browser's time zone (for date inputs).
pub fn local_date(ms: i64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    format!(
        "{:04}-{:02}-{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date()
    )
}

/// Reloads an appliance page's lists: now, every few seconds, and after every action.
#[derive(Debug, Clone, Copy)]
pub struct Refresh {
    pub tick: RwSignal<u64>,
}

impl Refresh {
    /// Polls every `every` while the page is open.
    pub fn every(every: Duration) -> Self {
        let refresh = Refresh {
            tick: RwSignal::new(0),
        };
        if let Ok(handle) = set_interval_with_handle(move || refresh.bump(), every) {
            on_cleanup(move || handle.clear());
        }
        refresh
    }

    pub fn bump(&self) {
        self.tick.update(|t| *t += 1);
    }
}

/// A list or object from the server.
#[derive(Debug, Clone, PartialEq)]
pub enum Load<T> {
    Loading,
    Ready(T),
    Failed(ApiError),
}

impl<T> Load<T> {
    pub fn ready(&self) -> Option<&T> {
        match self {
            Load::Ready(v) => Some(v),
            _ => None,
        }
    }
}

/// Fetches with `fetch` now and on every `refresh`; the signal changes only when the answer
/// does (so forms and lists do not flicker while polling).
pub fn poll<T, Fut>(refresh: Refresh, fetch: impl Fn() -> Fut + 'static) -> RwSignal<Load<T>>
where
    T: PartialEq + Send + Sync + 'static,
    Fut: Future<Output = Result<T, ApiError>> + 'static,
{
    let session = expect_context::<Session>();
    let signal = RwSignal::new(Load::Loading);
    Effect::new(move |_| {
        refresh.tick.track();
        let fut = fetch();
        spawn_local(async move {
            let next = match fut.await {
                Ok(v) => Load::Ready(v),
                Err(e) => {
                    session.note(&e);
                    Load::Failed(e)
                }
            };
            signal.maybe_update(|cur| {
                if *cur == next {
                    false
                } else {
                    *cur = next;
                    true
                }
            });
        });
    });
    signal
}

/// Runs an action against the API: `busy` while it runs, its error into `error`, `done` with
/// the answer.
pub fn act<T, Fut>(
    busy: RwSignal<bool>,
    error: RwSignal<Option<String>>,
    fut: Fut,
    done: impl FnOnce(T) + 'static,
) where
    T: 'static,
    Fut: Future<Output = Result<T, ApiError>> + 'static,
{
    let session = expect_context::<Session>();
    busy.set(true);
    error.set(None);
    spawn_local(async move {
        let result = fut.await;
        busy.set(false);
        match result {
            Ok(v) => done(v),
            Err(e) => {
                session.note(&e);
                error.set(Some(e.to_string()));
            }
        }
    });
}

/// A line under a form: the error, when there is one.
#[component]
pub fn ErrorLine(error: RwSignal<Option<String>>, #[prop(into)] testid: String) -> impl IntoView {
    view! {
        <Show when=move || error.with(Option::is_some)>
            <p class="form-error" role="alert" data-testid=testid.clone()>
                {move || error.get().unwrap_or_default()}
            </p>
        </Show>
    }
}

/// A failed load, in words.
#[component]
pub fn LoadError(error: ApiError) -> impl IntoView {
    let code = error.code().unwrap_or_default().to_string();
    view! { <p class="form-error" data-testid="load-error" data-code=code>{error.to_string()}</p> }
}

/// A secret shown once (invitation link, API key, session credential) with a copy button.
#[component]
pub fn ShownOnce(
    #[prop(into)] label: String,
    #[prop(into)] value: String,
    #[prop(into)] testid: String,
) -> impl IntoView {
    let input = NodeRef::<leptos::html::Input>::new();
    let copied = RwSignal::new(None::<&'static str>);
    let text = value.clone();
    let copy = move |_| {
        // Select it first: a fallback for browsers without clipboard access.
        if let Some(i) = input.get() {
            i.select();
        }
        let promise = window().navigator().clipboard().write_text(&text);
        spawn_local(async move {
            let ok = wasm_bindgen_futures::JsFuture::from(promise).await.is_ok();
            copied.set(Some(if ok {
                "Copied"
            } else {
                "Selected: press Ctrl+C"
            }));
        });
    };
    view! {
        <div class="shown-once">
            <div class="shown-once-head">
                <b>{label}</b>
                <span class="sub">"Shown this once: copy it now."</span>
            </div>
            <div class="shown-once-row">
                <input type="text" readonly=true class="mono" node_ref=input prop:value=value.clone()
                    data-testid=testid
                    on:focus=move |ev| { event_target::<web_sys::HtmlInputElement>(&ev).select(); }/>
                <button class="btn" data-testid="copy" on:click=copy>"Copy"</button>
                <span class="sub">{move || copied.get().unwrap_or_default()}</span>
            </div>
        </div>
    }
}

/// Requires a signed-in user (of `role`, when given); otherwise the sign-in form.
#[component]
pub fn Guard(#[prop(optional)] role: Option<Role>, children: ChildrenFn) -> impl IntoView {
    let session = expect_context::<Session>();
    move || {
        if !session.checked.get() {
            return view! { <p class="empty">"Checking your session…"</p> }.into_any();
        }
        match session.role() {
            None => view! { <SignInForm/> }.into_any(),
            Some(r) if role.is_some_and(|want| want != r) => view! {
                <p class="empty">"This page is for the other side of the appliance."</p>
            }
            .into_any(),
            Some(_) => children().into_any(),
        }
    }
}
