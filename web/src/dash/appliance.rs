//! `#/appliances/<id>`: one appliance. The head (phases, countdowns, controller) is shared;
//! below it the live activity ([`super::live`]), the metric charts ([`super::charts`]), the
//! vendor's panels ([`super::vendor`]) or the customer's ([`super::customer`]), the relay's audit trail
//! ([`super::relay_audit`]) and the whole audit log.

use super::appliances::status_text;
use super::audit::AuditPanel;
use super::phases::{ControllerBadge, PhaseStrip};
use super::{Guard, Load, LoadError, Refresh, Session, poll};
use crate::api;
use crate::route::Route;
use ferry_api::broker::{Appliance, Release, Role};
use leptos::prelude::*;
use std::time::Duration;

/// The appliance a page is about, and its latest state from the server.
#[derive(Debug, Clone, Copy)]
pub struct Current {
    pub id: StoredValue<String>,
    pub appliance: RwSignal<Load<Appliance>>,
    /// The appliance's releases (vendor and customer pages both use them).
    pub releases: RwSignal<Load<Vec<Release>>>,
}

impl Current {
    pub fn id(&self) -> String {
        self.id.get_value()
    }

    /// The appliance, when loaded (tracked).
    pub fn get(&self) -> Option<Appliance> {
        self.appliance.with(|a| a.ready().cloned())
    }

    /// Deployable releases, newest first (tracked).
    pub fn deployable(&self) -> Vec<Release> {
        self.releases.with(|r| {
            let mut list: Vec<Release> = r
                .ready()
                .map(|l| l.iter().filter(|r| r.deployable).cloned().collect())
                .unwrap_or_default();
            list.sort_by_key(|r| std::cmp::Reverse(r.created_at_ms));
            list
        })
    }
}

#[component]
pub fn AppliancePage(id: String) -> impl IntoView {
    view! {
        <div class="page">
            <Guard>
                <ApplianceBody id=id.clone()/>
            </Guard>
        </div>
    }
}

#[component]
fn ApplianceBody(id: String) -> impl IntoView {
    let session = expect_context::<Session>();
    let refresh = Refresh::every(Duration::from_secs(3));
    provide_context(refresh);
    let stored = StoredValue::new(id.clone());
    let appliance = poll(refresh, move || {
        let id = stored.get_value();
        async move { api::appliance(&id).await }
    });
    let releases = poll(refresh, move || {
        let id = stored.get_value();
        async move { api::releases(&id).await }
    });
    let current = Current {
        id: stored,
        appliance,
        releases,
    };
    provide_context(current);
    provide_context(super::live::Live::start(id));
    let vendor = session.role() == Some(Role::Vendor);
    view! {
        <a class="back" href=Route::Appliances.href()>"← Appliances"</a>
        {move || match appliance.get() {
            Load::Loading => view! { <p class="empty">"Loading the appliance…"</p> }.into_any(),
            Load::Failed(e) => view! { <LoadError error=e/> }.into_any(),
            Load::Ready(_) => ().into_any(),
        }}
        <Show when=move || appliance.with(|a| a.ready().is_some())>
            <ApplianceHead/>
            <super::live::ActivityPanel/>
            <super::charts::MetricsPanel/>
            {if vendor {
                view! { <super::vendor::VendorPanels/> }.into_any()
            } else {
                view! { <super::customer::CustomerPanels/> }.into_any()
            }}
            <super::relay_audit::RelayAuditPanel/>
            <AuditPanel/>
        </Show>
    }
}

#[component]
fn ApplianceHead() -> impl IntoView {
    let current = expect_context::<Current>();
    let session = expect_context::<Session>();
    let field =
        move |f: fn(&Appliance) -> String| move || current.get().map(|a| f(&a)).unwrap_or_default();
    let phases = Signal::derive(move || current.get().map(|a| a.phases).unwrap_or_default());
    let live = expect_context::<super::live::Live>();
    // Live from the event stream; the polled appliance answer while the stream has not said.
    let connected = Signal::derive(move || {
        live.controller(current.get().is_some_and(|a| a.controller_connected))
    });
    let customer = session.role() == Some(Role::Customer);
    view! {
        <section class="panel appliance-head" data-testid="appliance-head"
            data-id=move || current.id()
            data-status=move || current.get().map(|a| status_text(a.status)).unwrap_or_default()>
            <div class="panel-head">
                <h2 data-testid="appliance-name">{field(|a| a.name.clone())}</h2>
                <span class="sub">
                    <code>{field(|a| a.instance_id.clone())}</code>" · "{field(|a| a.region.clone())}
                    " · customer "{field(|a| a.customer_name.clone())}
                </span>
                <span class="appl-status">{move || current.get().map(|a| status_text(a.status)).unwrap_or_default()}</span>
                <div class="spacer"></div>
                <ControllerBadge connected=connected/>
            </div>
            <div class="head-body">
                <PhaseStrip phases=phases/>
                {customer.then(|| view! { <super::customer::SteadyStateSwitch/> })}
            </div>
        </section>
    }
}
