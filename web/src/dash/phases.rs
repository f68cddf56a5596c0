//! The four phases of an appliance at a glance: active or not, a live countdown to the end of
//! the open window, whether a sealed token is registered; and the controller's connection.

use super::Clock;
use super::format::{countdown, phase_label};
use ferry_api::broker::PhaseState;
use ferry_api::grant::Phase;
use leptos::prelude::*;

/// One chip per phase, in the order a customer meets them.
#[component]
pub fn PhaseStrip(
    #[prop(into)] phases: Signal<Vec<PhaseState>>,
    #[prop(optional)] compact: bool,
) -> impl IntoView {
    let chips = move || {
        let states = phases.get();
        Phase::ALL
            .into_iter()
            .map(|p| {
                let state = states.iter().find(|s| s.phase == p).cloned();
                view! { <PhaseChip phase=p state=state compact=compact/> }
            })
            .collect_view()
    };
    view! {
        <div class="phase-strip" class:compact=compact data-testid="phase-strip">{chips}</div>
    }
}

#[component]
fn PhaseChip(phase: Phase, state: Option<PhaseState>, compact: bool) -> impl IntoView {
    let clock = expect_context::<Clock>();
    let active = state.as_ref().is_some_and(|s| s.active);
    let disabled = state.as_ref().is_some_and(|s| s.disabled);
    let token = state.as_ref().is_some_and(|s| s.token_registered);
    let until = state.as_ref().and_then(|s| s.until_ms).filter(|_| active);
    let word = match (active, disabled) {
        (_, true) => "off",
        (true, _) => "active",
        (false, _) => "inactive",
    };
    let remaining = move || until.map(|u| u - clock.now_ms.get());
    view! {
        <div class=format!("phase-state {word}") data-testid="phase-state" data-phase=phase.as_str()
            data-active=active.to_string() data-token=token.to_string()
            title=if token { "a sealed token is registered for this phase" } else { "no token registered for this phase" }>
            <span class="phase-name">{phase_label(phase)}</span>
            <span class="phase-word">{word}</span>
            {until.map(|_| view! {
                <span class="countdown" data-testid="countdown"
                    data-remaining-ms=move || remaining().unwrap_or(0).max(0).to_string()>
                    {move || format!("{} left", countdown(remaining().unwrap_or(0)))}
                </span>
            })}
            {(!compact).then(|| view! {
                <span class=if token { "token yes" } else { "token no" }>
                    {if token { "token ✓" } else { "no token" }}
                </span>
            })}
        </div>
    }
}

/// The controller's connection to the relay.
#[component]
pub fn ControllerBadge(#[prop(into)] connected: Signal<bool>) -> impl IntoView {
    view! {
        <span class=move || if connected.get() { "conn on" } else { "conn off" }
            data-testid="controller-connected" data-connected=move || connected.get().to_string()>
            {move || if connected.get() { "controller connected" } else { "controller offline" }}
        </span>
    }
}
