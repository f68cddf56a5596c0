//! `/invite#<secret>`: the customer accepts the vendor's invitation. The secret is read from
//! the address's fragment (never sent as part of a URL, so no server log sees it). This
//! browser generates the Ed25519 approval key, keeps it, and sends only its public half with
//! the secret (`POST /api/v1/invitations/accept`). The answer signs the customer in and shows
//! their API key once (for the `ferry` CLI); the secret is then dropped from the address.

use super::keys::{self, KeyBackup};
use super::{ErrorLine, Nav, Session, ShownOnce, act};
use crate::api::{self, ApiError};
use crate::route::Route;
use ferry_api::broker::{AcceptInvitation, Appliance, CreatedApiKey};
use ferry_api::crypto::SigningKey;
use leptos::prelude::*;
use std::sync::Arc;

/// What accepting produced.
#[derive(Debug, Clone)]
struct Accepted {
    api_key: CreatedApiKey,
    appliance: Option<Appliance>,
    key: Arc<SigningKey>,
}

#[component]
pub fn InvitePage(secret: Option<String>) -> impl IntoView {
    let session = expect_context::<Session>();
    let nav = expect_context::<Nav>();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let accepted = RwSignal::new(None::<Accepted>);
    let secret = StoredValue::new(secret);

    let accept = move |_| {
        let Some(secret) = secret.get_value() else {
            return;
        };
        let key = Arc::new(SigningKey::generate());
        // Kept before the server hears of it: a lost answer must not lose the key.
        if let Err(e) = keys::store(&key, None) {
            error.set(Some(e));
            return;
        }
        let public = key.verifying_key();
        let fut = async move {
            let api_key = api::accept_invitation(&AcceptInvitation {
                secret,
                approval_key: public,
            })
            .await?;
            let who = api::whoami().await?;
            let appliance = api::appliances()
                .await?
                .into_iter()
                .find(|a| a.approval_key == Some(public));
            Ok::<_, ApiError>((api_key, who, appliance))
        };
        act(busy, error, fut, move |(api_key, who, appliance)| {
            session.signed_in(who);
            if let Some(a) = &appliance {
                let _ = keys::store(&key, Some(&a.id));
            }
            // The secret is spent: drop it from the address and the history.
            nav.forget_address();
            accepted.set(Some(Accepted {
                api_key,
                appliance,
                key,
            }));
        });
    };

    view! {
        <div class="page narrow">
            <section class="panel card" data-testid="invite">
                <div class="panel-head"><h2>"Accept the invitation"</h2></div>
                {move || match (accepted.get(), secret.get_value()) {
                    (Some(a), _) => view! { <AcceptedView accepted=a/> }.into_any(),
                    (None, None) => view! {
                        <p class="form-error pad">"This invitation link is incomplete: it has no secret after the `#`. Ask the vendor for a new link."</p>
                    }.into_any(),
                    (None, Some(_)) => view! {
                        <div class="form">
                            <p>"A vendor invites you to run their software as an appliance in your own DigitalOcean account. You stay in control:"</p>
                            <ul>
                                <li>"this browser now creates your "<b>"approval key"</b>" (Ed25519). Only its public half goes to the server; every access you grant is signed with it;"</li>
                                <li>"your DigitalOcean tokens are sealed in this browser to your controller's key: the server never sees them."</li>
                            </ul>
                            <ErrorLine error=error testid="invite-error"/>
                            <div class="form-actions">
                                <button class="btn primary" data-testid="accept-invitation" on:click=accept disabled=move || busy.get()>
                                    {move || if busy.get() { "Accepting…" } else { "Create my key and accept" }}
                                </button>
                            </div>
                        </div>
                    }.into_any(),
                }}
            </section>
        </div>
    }
}

#[component]
fn AcceptedView(accepted: Accepted) -> impl IntoView {
    let public = accepted.key.verifying_key();
    let backup = KeyBackup::of(
        &accepted.key,
        accepted.appliance.as_ref().map(|a| a.id.as_str()),
    );
    let file = format!(
        "ferry-approval-key-{}.json",
        accepted
            .appliance
            .as_ref()
            .map_or("appliance", |a| a.instance_id.as_str())
    );
    let saved = RwSignal::new(false);
    let download = move |_| {
        if crate::io::download(&file, "application/json", backup.to_json().as_bytes()).is_ok() {
            saved.set(true);
        }
    };
    let next = accepted
        .appliance
        .as_ref()
        .map(|a| (Route::Appliance(a.id.clone()).href(), a.name.clone()));
    view! {
        <div class="form" data-testid="invite-accepted" data-appliance=accepted.appliance.as_ref().map(|a| a.id.clone()).unwrap_or_default()>
            <p class="ok-note">"Accepted. Your approval key "<code data-testid="approval-key-fingerprint">{public.fingerprint()}</code>
               " is pinned on the appliance and kept in this browser."</p>
            <p>"Download a backup of the key now: another browser (or this one after its data is cleared) needs it to approve."</p>
            <div class="form-actions">
                <button class="btn" data-testid="export-key" on:click=download>"Download key backup"</button>
                <Show when=move || saved.get()><span class="sub">"Saved."</span></Show>
            </div>
            <ShownOnce label="Your API key (for the ferry CLI)" value=accepted.api_key.secret.clone() testid="customer-api-key"/>
            {next.map(|(href, name)| view! {
                <div class="form-actions">
                    <a class="btn primary" href=href data-testid="go-to-appliance">{format!("Continue to {name}")}</a>
                </div>
            })}
        </div>
    }
}
