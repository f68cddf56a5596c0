//! The appliance's audit log (a hash chain) as a table, and the chain's verification by the
//! server (`GET /api/v1/audit/verify`): ok, or the first broken record and why.

use super::appliance::Current;
use super::{ErrorLine, Load, LoadError, Refresh, act, fmt_time, poll};
use crate::api;
use ferry_api::broker::{AuditRecord, AuditVerification};
use leptos::prelude::*;

#[component]
pub fn AuditPanel() -> impl IntoView {
    let current = expect_context::<Current>();
    let refresh = expect_context::<Refresh>();
    let records = poll(refresh, move || {
        let id = current.id();
        async move { api::audit(&id).await }
    });
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let verdict = RwSignal::new(None::<AuditVerification>);
    let verify = move |_| {
        verdict.set(None);
        act(busy, error, api::verify_audit(), move |v| {
            verdict.set(Some(v))
        });
    };
    view! {
        <section class="panel" data-testid="audit">
            <div class="panel-head">
                <h2>"Audit log"</h2>
                <span class="count">{move || records.with(|r| r.ready().map_or(0, Vec::len))}</span>
                <span class="sub">"Every request, approval, refusal, use and revocation; each record carries the hash of the one before"</span>
                <div class="spacer"></div>
                {move || verdict.get().map(|v| view! { <Verdict v=v/> })}
                <button class="btn" data-testid="verify-audit" on:click=verify disabled=move || busy.get()>
                    "Verify the chain"
                </button>
            </div>
            <ErrorLine error=error testid="audit-error"/>
            {move || match records.get() {
                Load::Loading => view! { <p class="empty">"Loading…"</p> }.into_any(),
                Load::Failed(e) => view! { <LoadError error=e/> }.into_any(),
                Load::Ready(l) if l.is_empty() => view! { <p class="empty">"No records yet."</p> }.into_any(),
                Load::Ready(l) => view! { <AuditTable records=l/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn Verdict(v: AuditVerification) -> impl IntoView {
    let text = if v.ok {
        format!("✓ chain verified ({} records)", v.records)
    } else {
        format!(
            "✗ broken at record {}: {}",
            v.first_broken
                .map(|s| s.to_string())
                .unwrap_or_else(|| "?".into()),
            v.problem
                .clone()
                .unwrap_or_else(|| "the chain does not verify".into())
        )
    };
    view! {
        <span class=if v.ok { "verdict match" } else { "verdict mismatch" } data-testid="audit-verdict"
            data-ok=v.ok.to_string() data-first-broken=v.first_broken.map(|s| s.to_string()).unwrap_or_default()>
            {text}
        </span>
    }
}

#[component]
fn AuditTable(records: Vec<AuditRecord>) -> impl IntoView {
    let mut records = records;
    records.sort_by_key(|r| std::cmp::Reverse(r.seq));
    let rows = records
        .into_iter()
        .map(|r| {
            view! {
                <tr data-testid="audit-row" data-seq=r.seq.to_string() data-action=r.action.clone() data-outcome=r.outcome.clone()>
                    <td>{r.seq}</td>
                    <td>{fmt_time(r.at_ms)}</td>
                    <td><code>{r.actor.clone()}</code></td>
                    <td><code>{r.action.clone()}</code></td>
                    <td><span class=format!("outcome {}", r.outcome)>{r.outcome.clone()}</span></td>
                    <td class="detail" title=r.detail.clone()>{r.detail.clone()}</td>
                    <td><code title=r.hash.clone()>{r.hash.chars().take(10).collect::<String>()}</code></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll audit-scroll">
            <table class="data-table" data-testid="audit-table">
                <thead><tr>
                    <th>"#"</th><th>"When"</th><th>"Actor"</th><th>"Action"</th><th>"Outcome"</th><th>"Detail"</th><th>"Hash"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
