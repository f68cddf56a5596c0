//! `#/appliances`: the vendor's appliances (with the form that creates one and hands out its
//! invitation link), or the customer's own.

use super::phases::{ControllerBadge, PhaseStrip};
use super::{ErrorLine, Guard, Load, LoadError, Refresh, Session, ShownOnce, act, poll};
use crate::api;
use crate::route::Route;
use ferry_api::broker::{Appliance, ApplianceStatus, Invitation, NewAppliance, Role};
use ferry_compiler::facts::REGIONS;
use leptos::prelude::*;
use std::time::Duration;

#[component]
pub fn AppliancesPage() -> impl IntoView {
    view! {
        <div class="page">
            <Guard>
                <AppliancesBody/>
            </Guard>
        </div>
    }
}

#[component]
fn AppliancesBody() -> impl IntoView {
    let session = expect_context::<Session>();
    let refresh = Refresh::every(Duration::from_secs(3));
    provide_context(refresh);
    let list = poll(refresh, api::appliances);
    let vendor = session.role() == Some(Role::Vendor);
    view! {
        {vendor.then(|| view! { <NewAppliancePanel/> })}
        <section class="panel">
            <div class="panel-head">
                <h2>{if vendor { "Appliances" } else { "Your appliances" }}</h2>
                <span class="count">{move || list.with(|l| l.ready().map_or(0, Vec::len))}</span>
            </div>
            {move || match list.get() {
                Load::Loading => view! { <p class="empty">"Loading…"</p> }.into_any(),
                Load::Failed(e) => view! { <LoadError error=e/> }.into_any(),
                Load::Ready(l) if l.is_empty() => view! {
                    <p class="empty">{if vendor {
                        "No appliances yet: create one above and send its invitation to the customer."
                    } else {
                        "No appliances yet."
                    }}</p>
                }.into_any(),
                Load::Ready(l) => view! { <ApplianceTable list=l/> }.into_any(),
            }}
        </section>
    }
}

pub fn status_text(s: ApplianceStatus) -> &'static str {
    match s {
        ApplianceStatus::Invited => "invited",
        ApplianceStatus::AwaitingController => "awaiting controller",
        ApplianceStatus::Ready => "ready",
    }
}

#[component]
fn ApplianceTable(list: Vec<Appliance>) -> impl IntoView {
    let rows = list
        .into_iter()
        .map(|a| {
            let href = Route::Appliance(a.id.clone()).href();
            let status = status_text(a.status);
            let phases = a.phases.clone();
            let connected = a.controller_connected;
            view! {
                <tr data-testid="appliance-row" data-id=a.id.clone() data-name=a.name.clone()>
                    <td><a href=href data-testid="appliance-link">{a.name.clone()}</a></td>
                    <td><code>{a.instance_id.clone()}</code></td>
                    <td>{a.region.clone()}</td>
                    <td>{a.customer_name.clone()}</td>
                    <td><span class=format!("appl-status {}", status.replace(' ', "-"))>{status}</span></td>
                    <td><PhaseStrip phases=Signal::derive(move || phases.clone()) compact=true/></td>
                    <td><ControllerBadge connected=Signal::derive(move || connected)/></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="data-table" data-testid="appliances">
                <thead><tr>
                    <th>"Name"</th><th>"Instance id"</th><th>"Region"</th><th>"Customer"</th>
                    <th>"Status"</th><th>"Phases"</th><th>"Controller"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// Checks an instance id as the broker does: lowercase letters, digits and `-`, 1–20.
pub fn check_instance_id(id: &str) -> Result<(), String> {
    let ok = (1..=20).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err("the instance id must be 1–20 lowercase letters, digits or `-` (it ends up in resource names)".into())
    }
}

#[component]
fn NewAppliancePanel() -> impl IntoView {
    let refresh = expect_context::<Refresh>();
    let name = RwSignal::new(String::new());
    let instance_id = RwSignal::new(String::new());
    let region = RwSignal::new("nyc3".to_string());
    let customer = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let created = RwSignal::new(None::<(Appliance, Option<Invitation>)>);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = NewAppliance {
            name: name.get_untracked().trim().to_string(),
            instance_id: instance_id.get_untracked().trim().to_string(),
            region: region.get_untracked(),
            customer_name: customer.get_untracked().trim().to_string(),
        };
        if body.name.is_empty() || body.customer_name.is_empty() {
            error.set(Some("Give the appliance and its customer a name.".into()));
            return;
        }
        if let Err(e) = check_instance_id(&body.instance_id) {
            error.set(Some(format!("Instance id: {e}.")));
            return;
        }
        // Create, then ask for the invitation link right away: it is shown once.
        let fut = async move {
            let appliance = api::create_appliance(&body).await?;
            let invitation = api::invite(&appliance.id).await;
            Ok((appliance, invitation))
        };
        act(busy, error, fut, move |(appliance, invitation)| {
            let invitation = match invitation {
                Ok(i) => Some(i),
                Err(e) => {
                    error.set(Some(format!(
                        "The appliance was created, but its invitation was not: {e}"
                    )));
                    None
                }
            };
            name.set(String::new());
            instance_id.set(String::new());
            customer.set(String::new());
            created.set(Some((appliance, invitation)));
            refresh.bump();
        });
    };

    view! {
        <section class="panel" data-testid="new-appliance">
            <div class="panel-head">
                <h2>"New appliance"</h2>
                <span class="sub">"An isolated copy of your software in one customer's DigitalOcean account"</span>
            </div>
            <form class="form row" on:submit=submit>
                <label class="field stacked"><span>"Name"</span>
                    <input type="text" data-testid="new-appliance-name" placeholder="Acme production"
                        prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                </label>
                <label class="field stacked"><span>"Instance id"</span>
                    <input type="text" data-testid="new-appliance-instance-id" placeholder="acme" maxlength="20"
                        prop:value=move || instance_id.get() on:input=move |ev| instance_id.set(event_target_value(&ev))/>
                </label>
                <label class="field stacked"><span>"Region"</span>
                    <select data-testid="new-appliance-region" prop:value=move || region.get()
                        on:change=move |ev| region.set(event_target_value(&ev))>
                        {REGIONS.iter().map(|r| view! { <option value=*r>{*r}</option> }).collect_view()}
                    </select>
                </label>
                <label class="field stacked"><span>"Customer"</span>
                    <input type="text" data-testid="new-appliance-customer" placeholder="Acme Corp"
                        prop:value=move || customer.get() on:input=move |ev| customer.set(event_target_value(&ev))/>
                </label>
                <div class="form-actions">
                    <button class="btn primary" type="submit" data-testid="create-appliance" disabled=move || busy.get()>
                        "Create and invite"
                    </button>
                </div>
            </form>
            <ErrorLine error=error testid="new-appliance-error"/>
            {move || created.get().map(|(a, inv)| view! {
                <div class="callout" data-testid="created-appliance" data-id=a.id.clone()>
                    <p>"Created "<a href=Route::Appliance(a.id.clone()).href()>{a.name.clone()}</a>
                       ". Send the customer this invitation link: it lets them pin their approval key."</p>
                    {inv.map(|i| view! { <InvitationLink invitation=i/> })}
                </div>
            })}
        </section>
    }
}

/// The invitation link, absolute, shown once.
#[component]
pub fn InvitationLink(invitation: Invitation) -> impl IntoView {
    let origin = window().location().origin().unwrap_or_default();
    let link = if invitation.link.starts_with('/') {
        format!("{origin}{}", invitation.link)
    } else {
        invitation.link.clone()
    };
    view! {
        <ShownOnce label="Invitation link" value=link testid="invitation-link"/>
        <p class="sub">"Valid until "{super::fmt_time(invitation.expires_at_ms)}"."</p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instance_ids_are_checked() {
        assert!(check_instance_id("acme-1").is_ok());
        for bad in ["", "Acme", "a_b", "abcdefghijklmnopqrstu"] {
            assert!(check_instance_id(bad).is_err(), "{bad}");
        }
    }
}
