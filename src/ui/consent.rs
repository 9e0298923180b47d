//! The one prompt before a consent redirect, for every feature that asks for a permission the sign-in does not
//! hold yet (an incident's action, a bulk action, a hunt): which permission, that the sign-in stays, what
//! happens once back. Its words are `problem::consent_prompt`'s; the places differ only in their test hooks.

use crate::problem::{consent_prompt, ConsentFor, ASK_FOR_PERMISSION};
use leptos::prelude::*;

/// The prompt: `testid` on the banner, `testid`-scope on the permission, `go_testid` on the button that goes to
/// the provider (`on_go`), a Cancel that calls `on_cancel`; `extra` is a note under the sentence.
#[component]
pub(super) fn ConsentPrompt(
    what: ConsentFor,
    scope: String,
    testid: &'static str,
    go_testid: &'static str,
    #[prop(optional)] cancel_testid: Option<&'static str>,
    #[prop(optional)] extra: Option<String>,
    #[prop(optional)] extra_testid: Option<&'static str>,
    on_go: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let (lead, tail) = consent_prompt(&what);
    let scope_testid = format!("{testid}-scope");
    view! {
        <div class="banner info consent" data-testid=testid>
            <p>{lead} <span class="mono" data-testid=scope_testid>{scope}</span> {tail}</p>
            {extra.map(|e| view! { <p data-testid=extra_testid>{e}</p> })}
            <button class="primary" data-testid=go_testid on:click=move |_| on_go.run(())>{ASK_FOR_PERMISSION}</button>
            " "
            <button class="ghost" data-testid=cancel_testid on:click=move |_| on_cancel.run(())>{crate::problem::NOT_NOW}</button>
        </div>
    }
}
