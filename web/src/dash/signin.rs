//! Sign-in with an API key: `POST /api/v1/auth/session` sets the session cookies and answers
//! with the CSRF token the other calls send back.

use super::{ErrorLine, Nav, Session, act};
use crate::api;
use crate::route::Route;
use leptos::prelude::*;

/// `#/sign-in`: the form, then the appliances.
#[component]
pub fn SignInPage() -> impl IntoView {
    let session = expect_context::<Session>();
    let nav = expect_context::<Nav>();
    // Already signed in (or just now): on to the appliances.
    Effect::new(move |_| {
        if session.who.with(Option::is_some) {
            nav.go(Route::Appliances);
        }
    });
    view! {
        <div class="page narrow">
            <SignInForm/>
        </div>
    }
}

/// The API key form. On success the session changes and whatever page asked for it shows.
#[component]
pub fn SignInForm() -> impl IntoView {
    let session = expect_context::<Session>();
    let key = NodeRef::<leptos::html::Input>::new();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(input) = key.get() else { return };
        let api_key = input.value().trim().to_string();
        if api_key.is_empty() {
            error.set(Some("Enter your API key.".into()));
            return;
        }
        act(busy, error, api::sign_in(api_key), move |who| {
            input.set_value("");
            session.signed_in(who);
        });
    };
    view! {
        <section class="panel card sign-in">
            <div class="panel-head"><h2>"Sign in"</h2></div>
            <form class="form" on:submit=submit>
                <p class="sub">
                    "Vendors and customers sign in with an API key (" <code>"ferry"</code>
                    " prints one when it creates an account; customers get theirs when they accept an invitation)."
                </p>
                <label class="field stacked">
                    <span>"API key"</span>
                    <input type="password" autocomplete="off" spellcheck="false" node_ref=key
                        data-testid="api-key" placeholder="ferry_…"/>
                </label>
                <ErrorLine error=error testid="sign-in-error"/>
                <div class="form-actions">
                    <button class="btn primary" type="submit" data-testid="sign-in"
                        disabled=move || busy.get()>
                        {move || if busy.get() { "Signing in…" } else { "Sign in" }}
                    </button>
                </div>
            </form>
        </section>
    }
}
