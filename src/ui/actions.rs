//! The incident page's actions (issue 14): assign, status, classify, resolve, tags, comment; the consent
//! prompt and the held action's confirmation; the result and this tab's activity list. Every write is a click.

use super::consent::ConsentPrompt;
use super::ctx;
use super::pair::{Pair, PairPicker};
use super::writes::{role_seen, write_role, ActivityLog, Saving, WriteConfirm};
use crate::actions::preview::{changes_nothing, needs_confirmation};
use crate::actions::{edit_tags, own_tags, writable_statuses, Action, Intent};
use crate::flows::act::{act, act_then, ask_consent, drop_held};
use crate::incidents::model::Incident;
use crate::incidents::source::Source;
use crate::problem::ConsentFor;
use crate::writes_text as text;
use leptos::prelude::*;

/// What the analyst has typed or chosen and not sent yet. Owned by the incident page, so a new version of the
/// incident (after a write, or a load finishing) redraws the actions without losing it.
#[derive(Clone, Copy)]
pub(super) struct Drafts {
    who: RwSignal<String>,
    pair: Pair,
    closing: RwSignal<String>,
    tag: RwSignal<String>,
    comment: RwSignal<String>,
    /// A write shown for confirmation (a resolve, a classification change): nothing is sent until Confirm.
    pending: RwSignal<Option<Action>>,
}

impl Drafts {
    /// Empty drafts (created by the page, so they outlive each drawing of the actions); the classification
    /// starts at the incident's own once it is shown.
    pub(super) fn new(source: Source) -> Drafts {
        Drafts {
            who: RwSignal::new(String::new()),
            pair: Pair::empty(source),
            closing: RwSignal::new(String::new()),
            tag: RwSignal::new(String::new()),
            comment: RwSignal::new(String::new()),
            pending: RwSignal::new(None),
        }
    }
}

/// Empties `draft` once its write was done (only then: a failed or refused write keeps what was typed). The
/// page may have been left meanwhile, so a draft already gone is left alone.
fn clear(draft: RwSignal<String>) -> impl FnOnce() + 'static {
    move || {
        let _ = draft.try_set(String::new());
    }
}

/// The actions for `inc`.
#[component]
pub fn Actions(inc: Incident, drafts: StoredValue<Drafts>) -> impl IntoView {
    let ctx = ctx();
    let Some(cfg) = ctx.cfg() else { return ().into_any() };
    let source = cfg.source;
    let id = StoredValue::new(inc.id.clone());
    let held_inc = StoredValue::new(inc.clone());
    let me = ctx.session().and_then(|s| s.id_claims.preferred_username.clone());
    let busy = Memo::new(move |_| ctx.acting.with(|a| a.in_flight.contains(&id.get_value())));
    // A role refusal proved every write useless in this tab: the controls say so instead of inviting another.
    let blocked = Memo::new(move |_| ctx.acting.with(|a| a.role_refused));
    let off = move || busy.get() || blocked.get();
    let Drafts { who, closing, tag: new_tag, comment, pending, .. } = drafts.get_value();
    // A resolve or a classification change is shown first, old → new, and sent only on Confirm.
    let go = move |a: Action| {
        if needs_confirmation(&a) {
            pending.set(Some(a));
        } else {
            act(ctx, id.get_value(), a);
        }
    };
    let confirmed = Callback::new(move |a: Action| {
        pending.set(None);
        let resolves = matches!(a, Action::Resolve { .. });
        act_then(ctx, id.get_value(), a, move || {
            if resolves {
                clear(closing)();
            }
        });
    });

    // Assign.
    let assignees = move || {
        ctx.queue.with(|q| {
            let mut seen: Vec<String> = vec![];
            for a in q.items.items().iter().filter_map(|i| i.assigned_to.clone()) {
                if !seen.iter().any(|s| s.eq_ignore_ascii_case(&a)) {
                    seen.push(a);
                }
            }
            seen.into_iter().map(|a| view! { <option value=a/> }).collect_view()
        })
    };
    let me_for_click = me.clone();
    let unassign = Action::Unassign.supported_by(source).then(|| {
        view! { <button class="ghost" data-testid="action-unassign" disabled=off on:click=move |_| go(Action::Unassign)>"Unassign"</button> }
    });

    // Status.
    let current = inc.status.clone();
    let statuses = writable_statuses(source)
        .iter()
        .map(|s| {
            let s = s.clone();
            let label = s.label().to_string();
            let key = s.key().to_string();
            let is_current = s == current;
            view! {
                <button class="chip" data-value=key aria-pressed=is_current.to_string()
                    disabled=move || off() || is_current on:click=move |_| go(Action::SetStatus(s.clone()))>{label}</button>
            }
        })
        .collect_view();

    // Classification and determination: only documented pairs, starting from the incident's own.
    let pair = drafts.get_value().pair;
    pair.start_at(&inc.classification, &inc.determination);
    let closing_comment = move || Some(closing.get_untracked()).filter(|t| !t.trim().is_empty());
    let classify = move |resolve: bool| {
        let Some((c, d)) = pair.picked() else { return };
        if resolve {
            go(Action::Resolve { classification: c, determination: d, comment: closing_comment() });
        } else {
            go(Action::Classify { classification: c, determination: d });
        }
    };
    // Classify is off until the analyst picks, and while the pick is what the incident holds (nothing to write).
    let same_as_held = move || {
        pair.picked().is_none_or(|(classification, determination)| {
            changes_nothing(&Action::Classify { classification, determination }, &held_inc.get_value())
        })
    };

    // Tags: only the analyst's own (Graph's system tags are the service's).
    let own_tags: Vec<String> = own_tags(&inc);
    let own = StoredValue::new(own_tags.clone());
    let tag_items = own_tags
        .into_iter()
        .map(|t| {
            let t2 = t.clone();
            view! {
                <li class="tag">{t.clone()}
                    <button class="tag-remove" data-remove=t.clone() aria-label=format!("Remove tag {t}") disabled=off
                        on:click=move |_| go(Action::SetTags(edit_tags(&own.get_value(), &[], std::slice::from_ref(&t2))))>"×"</button>
                </li>
            }
        })
        .collect_view();

    // While a write is on its way, "Saving…" replaces the previous result.
    let result = move || {
        if busy.get() {
            return Some(view! { <Saving/> }.into_any());
        }
        ctx.acting.with(|a| a.result.clone()).filter(|r| r.id == id.get_value()).map(|r| {
            let class = if r.ok {
                "action-result ok"
            } else if r.wait {
                "action-result wait"
            } else {
                "action-result bad"
            };
            view! { <p class=class role="status" data-testid="action-result" data-ok=r.ok.to_string()>{r.text}</p> }
                .into_any()
        })
    };
    let blocked_note = move || {
        blocked.get().then(|| view! { <p class="banner warn small" data-testid="actions-blocked">{text::blocked_by_role(write_role(ctx))}</p> })
    };
    let consent = move || {
        ctx.acting.with(|a| a.needs_consent.clone()).filter(|(_, i)| i.incident() == Some(id.get_value().as_str())).map(|(scope, i)| {
            view! {
                <ConsentPrompt what=ConsentFor::Action(i.action.label()) scope=scope testid="action-consent"
                    go_testid="action-consent-go" extra=text::consent_role_note(write_role(ctx), &role_seen(ctx))
                    extra_testid="action-consent-role"
                    on_go=Callback::new(move |_| ask_consent(ctx)) on_cancel=Callback::new(move |_| drop_held(ctx))/>
            }
        })
    };
    // Back from consent: the held action is shown with exactly what it will write, then sent only on Confirm.
    let held = move || {
        ctx.acting.with(|a| a.held.clone()).filter(|i| i.incident() == Some(id.get_value().as_str())).map(
            |Intent { action, .. }| {
                let incident = id.get_value();
                let send = Callback::new(move |a: Action| act(ctx, incident.clone(), a));
                view! {
                    <div data-testid="action-held">
                        <WriteConfirm action=action inc=held_inc.get_value() busy=Signal::derive(off) granted=true
                            confirm_testid="action-confirm" on_confirm=send on_cancel=Callback::new(move |_| drop_held(ctx))/>
                    </div>
                }
            },
        )
    };
    let confirm = move || {
        pending.get().map(|action| {
            view! {
                <WriteConfirm action=action inc=held_inc.get_value() busy=Signal::derive(off)
                    on_confirm=confirmed on_cancel=Callback::new(move |_| pending.set(None))/>
            }
        })
    };

    view! {
        <section class="incident-actions" aria-labelledby="actions-title" data-testid="incident-actions" aria-busy=move || busy.get().to_string()>
            <h2 id="actions-title">"Act on this incident"</h2>
            {blocked_note}
            {consent}
            {held}
            {confirm}
            {result}
            <div class="action-row">
                <span class="action-label">"Owner"</span>
                <button data-testid="action-assign-me" disabled=move || off() || me.is_none()
                    on:click=move |_| if let Some(m) = me_for_click.clone() { go(Action::AssignTo(m)) }>"Assign to me"</button>
                <form class="inline" data-testid="action-assign" on:submit=move |ev| { ev.prevent_default(); go(Action::AssignTo(who.get_untracked())); }>
                    <input type="text" name="assignee" list="assignees" placeholder="someone@contoso.com" aria-label="Assign to"
                        prop:value=move || who.get() on:input=move |ev| who.set(event_target_value(&ev))/>
                    <datalist id="assignees">{assignees}</datalist>
                    <button type="submit" disabled=off>"Assign"</button>
                </form>
                {unassign}
            </div>
            <div class="action-row" data-testid="action-status">
                <span class="action-label">"Status"</span>
                {statuses}
            </div>
            <div class="action-row" data-testid="action-classify">
                <span class="action-label">"Classification"</span>
                <PairPicker pair=pair/>
                <button data-do="classify" disabled=move || off() || same_as_held() on:click=move |_| classify(false)>"Classify"</button>
                <input type="text" name="resolve-comment" placeholder="Closing comment (optional)" aria-label="Closing comment"
                    prop:value=move || closing.get() on:input=move |ev| closing.set(event_target_value(&ev))/>
                <button data-do="resolve" disabled=move || off() || pair.picked().is_none() on:click=move |_| classify(true)>"Resolve as…"</button>
            </div>
            <div class="action-row" data-testid="action-tag">
                <span class="action-label">"Tags"</span>
                <ul class="tags">{tag_items}</ul>
                <form class="inline" on:submit=move |ev| {
                    ev.prevent_default();
                    let t = new_tag.get_untracked();
                    if !t.trim().is_empty() {
                        act_then(ctx, id.get_value(), Action::SetTags(edit_tags(&own.get_value(), &[t], &[])), clear(new_tag));
                    }
                }>
                    <input type="text" name="tag" placeholder="New tag" aria-label="New tag"
                        prop:value=move || new_tag.get() on:input=move |ev| new_tag.set(event_target_value(&ev))/>
                    <button type="submit" disabled=off>"Add tag"</button>
                </form>
            </div>
            <form class="action-row" data-testid="action-comment" on:submit=move |ev| {
                ev.prevent_default();
                act_then(ctx, id.get_value(), Action::Comment(comment.get_untracked()), clear(comment));
            }>
                <span class="action-label">"Comment"</span>
                <textarea name="comment" rows="2" aria-label="Comment" prop:value=move || comment.get()
                    on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
                <button type="submit" disabled=off>"Add comment"</button>
            </form>
            <ActivityLog/>
        </section>
    }
    .into_any()
}
