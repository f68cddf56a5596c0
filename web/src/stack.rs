//! The deployment stack: emitted files in tabs, syntax-highlighted.

use crate::hcl::highlight;
use crate::model::stack_order;
use crate::state::Preview;
use leptos::prelude::*;

#[component]
pub fn StackPanel() -> impl IntoView {
    let preview = expect_context::<Preview>();
    let tabs = Memo::new(move |_| {
        preview.output.with(|o| {
            let mut names: Vec<String> = o
                .as_ref()
                .map(|o| o.files.keys().cloned().collect())
                .unwrap_or_default();
            names.sort_by(|a, b| stack_order(a).cmp(&stack_order(b)));
            names
        })
    });
    // Keep the open tab when it still exists after a compile.
    Effect::new(move |_| {
        let names = tabs.get();
        let current = preview.stack_tab.get_untracked();
        if current.as_ref().is_none_or(|c| !names.contains(c)) {
            preview.stack_tab.set(names.first().cloned());
        }
    });
    // Highlighting runs once per compile and tab; the result goes into the DOM in one piece.
    let code = Memo::new(move |_| {
        let tab = preview.stack_tab.get()?;
        preview.output.with(|o| {
            let text = o.as_ref()?.files.get(&tab)?;
            let lines = text.split('\n').count();
            let gutter = (1..=lines)
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join("\n");
            Some((tab.clone(), gutter, highlight(text)))
        })
    });

    view! {
        <section class="panel stack">
            <div class="panel-head">
                <h2>"Deployment stack"</h2>
                <span class="sub">"DigitalOcean Terraform"</span>
            </div>
            <div class="tabs" data-testid="stack-tabs">
                <For each=move || tabs.get() key=|n| n.clone() let:name>
                    {
                        let n1 = name.clone();
                        let n2 = name.clone();
                        view! {
                            <div class="tab" class:active=move || preview.stack_tab.get().as_deref() == Some(n1.as_str())
                                data-testid="stack-tab" data-file=name.clone()
                                on:click=move |_| preview.stack_tab.set(Some(n2.clone()))>
                                <span>{name.clone()}</span>
                            </div>
                        }
                    }
                </For>
            </div>
            <div class="code-view">
                {move || match code.get() {
                    Some((file, gutter, html)) => view! {
                        <pre class="gutter">{gutter}</pre>
                        <pre class="code hcl" data-testid="stack-code" data-file=file inner_html=html></pre>
                    }.into_any(),
                    None => view! { <p class="empty">"The compiled stack appears here."</p> }.into_any(),
                }}
            </div>
        </section>
    }
}
