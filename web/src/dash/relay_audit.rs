//! The audit trail of relayed calls: the appliance's audit records whose action is `relay.*`
//! (`relay.call`, `relay.refused`), newest first, a page of [`PAGE`] records at a time. Reloaded
//! shortly after live `call` events (at most every [`THROTTLE`]) and every few seconds.

use super::appliance::Current;
use super::live::Live;
use super::{Load, LoadError, Refresh, fmt_time, poll};
use crate::api;
use ferry_api::broker::AuditRecord;
use leptos::prelude::*;
use std::time::Duration;

/// Records fetched per page (before filtering to `relay.*`).
pub const PAGE: u32 = 200;
const THROTTLE: Duration = Duration::from_millis(1500);

/// Whether an audit record is the relay's record of a call.
pub fn is_relay_call(action: &str) -> bool {
    action.starts_with("relay.")
}

#[component]
pub fn RelayAuditPanel() -> impl IntoView {
    let current = expect_context::<Current>();
    let live = expect_context::<Live>();
    let refresh = Refresh::every(Duration::from_secs(10));
    // Live calls reload the trail, throttled (a deploy makes many calls a second).
    let pending = StoredValue::new(false);
    Effect::new(move |first: Option<()>| {
        live.call_tick.track();
        if first.is_some() && !pending.get_value() {
            pending.set_value(true);
            set_timeout(
                move || {
                    let _ = pending.try_set_value(false);
                    let _ = refresh.tick.try_update(|t| *t += 1);
                },
                THROTTLE,
            );
        }
    });
    let before = RwSignal::new(None::<i64>);
    let records = poll(refresh, move || {
        let id = current.id();
        let before = before.get();
        async move { api::audit_page(&id, before, PAGE).await }
    });
    let oldest = move || records.with(|r| r.ready().and_then(|l| l.iter().map(|r| r.seq).min()));
    let full_page = move || records.with(|r| r.ready().is_some_and(|l| l.len() as u32 >= PAGE));
    view! {
        <section class="panel" data-testid="relay-audit">
            <div class="panel-head">
                <h2>"Relayed calls (audit)"</h2>
                <span class="count">{move || records.with(|r| r.ready().map_or(0, |l| l.iter().filter(|r| is_relay_call(&r.action)).count()))}</span>
                <span class="sub">"What the relay let through or refused, from the hash-chained audit log"</span>
                <div class="spacer"></div>
                <Show when=move || before.with(Option::is_some)>
                    <button class="btn" data-testid="relay-audit-newest" on:click=move |_| before.set(None)>"Newest"</button>
                </Show>
                <Show when=full_page>
                    <button class="btn" data-testid="relay-audit-older"
                        on:click=move |_| before.set(oldest())>"Older"</button>
                </Show>
            </div>
            {move || match records.get() {
                Load::Loading => view! { <p class="empty">"Loading…"</p> }.into_any(),
                Load::Failed(e) => view! { <LoadError error=e/> }.into_any(),
                Load::Ready(l) => {
                    let rows: Vec<AuditRecord> = l.into_iter().filter(|r| is_relay_call(&r.action)).collect();
                    if rows.is_empty() {
                        view! { <p class="empty" data-testid="relay-audit-empty">"No relayed calls recorded here."</p> }.into_any()
                    } else {
                        view! { <RelayAuditTable records=rows/> }.into_any()
                    }
                }
            }}
        </section>
    }
}

#[component]
fn RelayAuditTable(records: Vec<AuditRecord>) -> impl IntoView {
    let rows = records
        .into_iter()
        .map(|r| {
            view! {
                <tr data-testid="relay-audit-row" data-seq=r.seq.to_string() data-action=r.action.clone()
                    data-outcome=r.outcome.clone()>
                    <td>{r.seq}</td>
                    <td>{fmt_time(r.at_ms)}</td>
                    <td><code>{r.actor.clone()}</code></td>
                    <td><span class=format!("outcome {}", r.outcome)>{r.outcome.clone()}</span></td>
                    <td class="detail" title=r.detail.clone()>{r.detail.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll audit-scroll">
            <table class="data-table" data-testid="relay-audit-table">
                <thead><tr><th>"#"</th><th>"When"</th><th>"Session"</th><th>"Outcome"</th><th>"Call"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_relay_actions_are_calls() {
        for (action, want) in [
            ("relay.call", true),
            ("relay.refused", true),
            ("controller.connected", false),
            ("grant.created", false),
            ("relay", false),
        ] {
            assert_eq!(super::is_relay_call(action), want, "{action}");
        }
    }
}
