//! Messages about sign-in and API problems. Every provider or API text is rendered as text, never as HTML.

use super::ctx;
use crate::flows::queue::reload;
use crate::flows::sign_in::{sign_in, Prompt};
use crate::problem::Problem;
use leptos::prelude::*;

/// A sign-in failure (`data-testid="auth-error"`).
#[component]
pub fn AuthErrorBanner() -> impl IntoView {
    let ctx = ctx();
    move || {
        ctx.auth_error.get().map(|p| {
            view! {
                <div class="banner error" role="alert" data-testid="auth-error">
                    <strong>"Sign-in failed. "</strong>
                    <ProblemText problem=p/>
                </div>
            }
        })
    }
}

/// A quiet notice (`data-testid="notice"`): something was ignored or only partly done, nothing failed.
#[component]
pub fn Notice() -> impl IntoView {
    let ctx = ctx();
    move || {
        ctx.notice.get().map(|msg| {
            view! {
                <div class="banner info" role="status" data-testid="notice">
                    <span>{msg}</span>
                    <button class="ghost" data-testid="notice-dismiss" on:click=move |_| ctx.notice.set(None)>"Dismiss"</button>
                </div>
            }
        })
    }
}

/// The session ended and could not be renewed: sign in again, keeping this view.
#[component]
pub fn Reauth() -> impl IntoView {
    let ctx = ctx();
    move || {
        ctx.reauth.get().map(|msg| {
            view! {
                <div class="banner warn" role="alert" data-testid="reauth">
                    <span>{msg}</span>
                    <super::status::RenewalDetails/>
                    <button class="primary" data-testid="sign-in-again" on:click=move |_| sign_in(ctx, Prompt::Default)>"Sign in again"</button>
                </div>
            }
        })
    }
}

/// An API failure (`data-testid="api-error"`), with a countdown or a retry button when they apply.
#[component]
pub fn ApiErrorBanner() -> impl IntoView {
    let ctx = ctx();
    move || {
        ctx.api_error.get().map(|p| {
            let retry_at = p.retry_at;
            let retry = p.retry && retry_at.is_none();
            view! {
                <div class="banner error" role="alert" data-testid="api-error">
                    <ProblemText problem=p/>
                    {retry_at.map(|t| view! { <super::status::RetryCountdown retry_at=t/> })}
                    {retry.then(|| view! {
                        <button class="ghost" data-testid="retry" on:click=move |_| reload(ctx)>"Retry"</button>
                    })}
                </div>
            }
        })
    }
}

#[component]
fn ProblemText(problem: Problem) -> impl IntoView {
    view! {
        <span class="problem">{problem.message}</span>
        {problem.hint.map(|h| view! { <span class="hint">" " {h}</span> })}
        {problem.link.map(|(href, text)| view! { " " <a href=href target="_blank" rel="noopener noreferrer">{text}</a> })}
        <super::status::Details text=problem.details/>
    }
}
