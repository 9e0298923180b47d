//! The top bar: the skip link, the product, who is signed in, the token menu, sign out.

use super::ctx;
use super::keyboard::SkipLink;
use super::token_panel::TokenPanel;
use crate::auth::session::AuthState;
use crate::flows::sign_in::sign_out;
use leptos::prelude::*;

/// The top bar.
#[component]
pub fn Header() -> impl IntoView {
    let ctx = ctx();
    super::keyboard::listen(ctx);
    // Only sign-in and sign-out rebuild the signed-in part: a renewal must not close an open token menu.
    let signed_in = Memo::new(move |_| matches!(ctx.auth.get(), AuthState::SignedIn(_)));
    let who = move || {
        let AuthState::SignedIn(s) = ctx.auth.get() else { return None };
        Some(view! {
            <span class="who" title=s.id_claims.preferred_username.clone().unwrap_or_default()>
                {s.id_claims.display_name().unwrap_or("Signed in").to_string()}
            </span>
        })
    };
    let menu = move || {
        signed_in.get().then(|| {
            view! {
                <TokenMenu/>
                <button class="ghost" data-testid="sign-out" on:click=move |_| sign_out(ctx)>"Sign out"</button>
            }
        })
    };
    view! {
        <header class="topbar">
            {move || signed_in.get().then(|| view! { <SkipLink/> })}
            <a class="brand" href="#/incidents"><span class="logo" aria-hidden="true">"◆"</span>" Onbehalf"</a>
            <span class="tagline">"Defender incidents, with your own permissions"</span>
            <a class="nav" href="#/hunt" data-testid="nav-hunt">"Hunt"</a>
            <span class="spacer"></span>
            {who}
            {menu}
        </header>
    }
}

/// The token panel, folded into the top bar: one click (or Enter) opens it over the page; Escape, or focus
/// leaving it, closes it. Folded, it is `hidden` (not a closed `<details>`): its text stays readable to scripts
/// and tests as the page's text, only out of sight.
#[component]
fn TokenMenu() -> impl IntoView {
    let open = RwSignal::new(false);
    let menu = NodeRef::<leptos::html::Div>::new();
    let button = NodeRef::<leptos::html::Button>::new();
    view! {
        <div class="token-menu" node_ref=menu
            on:keydown=move |ev| {
                if ev.key() == "Escape" && open.get_untracked() {
                    ev.stop_propagation();
                    open.set(false);
                    if let Some(b) = button.get_untracked() {
                        let _ = b.focus();
                    }
                }
            }
            on:focusout=move |ev| {
                // Focus moved outside the menu (a click elsewhere, Tab past its end): fold it.
                let inside = ev.related_target()
                    .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Node>(t).ok())
                    .zip(menu.get_untracked())
                    .is_some_and(|(t, m)| m.contains(Some(&t)));
                if !inside { open.set(false); }
            }>
            <button class="ghost menu-button" node_ref=button data-testid="token-menu" aria-controls="token-popover"
                aria-expanded=move || open.get().to_string() on:click=move |_| open.update(|o| *o = !*o)>
                "Your token"
            </button>
            // Focusable, so a click on its text keeps focus (and the menu open).
            <div class="token-popover" id="token-popover" tabindex="-1" hidden=move || !open.get()>
                <TokenPanel/>
            </div>
        </div>
    }
}
