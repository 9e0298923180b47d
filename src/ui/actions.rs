//! The incident page's actions (issue 14): assign, status, classify, resolve, tags, comment; the consent
//! prompt and the held action's confirmation; the result and this tab's activity list. Every write is a click.

use super::ctx;
use crate::actions::{edit_tags, valid_determinations, writable_classifications, writable_statuses, Action, Intent};
use crate::flows::act::{act, ask_consent, drop_held};
use crate::incidents::model::{Classification, Determination, Incident};
use crate::incidents::source::Source;
use leptos::prelude::*;

fn determination_from(key: &str) -> Determination {
    Determination::from_key(key).unwrap_or_else(|| Determination::parse(Some(key)))
}

/// A classification and one of the determinations documented for it, as chosen in two selects.
#[derive(Clone, Copy)]
pub(super) struct Pair {
    source: Source,
    class_key: RwSignal<String>,
    det_key: RwSignal<String>,
}

impl Pair {
    /// Starts at `current` when it can be written, else at the first classification.
    pub(super) fn new(source: Source, current: &Classification) -> Pair {
        let pair = Pair { source, class_key: RwSignal::new(String::new()), det_key: RwSignal::new(String::new()) };
        pair.start_at(current);
        pair
    }

    /// Unless a classification was chosen already, choose `current` (or the first one when it cannot be written).
    fn start_at(&self, current: &Classification) {
        if !self.class_key.get_untracked().is_empty() {
            return;
        }
        let first = writable_classifications().first().cloned().unwrap_or(Classification::TruePositive);
        let start = Some(current.clone()).filter(|c| writable_classifications().contains(c)).unwrap_or(first);
        self.class_key.set(start.key().to_string());
    }

    fn classification(&self) -> Classification {
        Classification::from_key(&self.class_key.get()).unwrap_or(Classification::Unknown)
    }

    fn determinations(&self) -> &'static [Determination] {
        valid_determinations(self.source, &self.classification())
    }

    fn determination(&self) -> Option<Determination> {
        let d = determination_from(&self.det_key.get());
        let valid = self.determinations();
        if valid.contains(&d) {
            Some(d)
        } else {
            valid.first().cloned()
        }
    }

    /// Chooses `classification` and `determination`, e.g. those of a bulk action brought back from consent.
    pub(super) fn choose(&self, classification: &Classification, determination: &Determination) {
        self.class_key.set(classification.key().to_string());
        self.det_key.set(determination.key().to_string());
    }

    /// The chosen pair (always a documented one).
    pub(super) fn picked(&self) -> Option<(Classification, Determination)> {
        Some((self.classification(), self.determination()?))
    }
}

/// The two selects of a [`Pair`]; the determinations follow the classification.
#[component]
pub(super) fn PairPicker(pair: Pair) -> impl IntoView {
    view! {
        <select name="classification" aria-label="Classification" on:change=move |ev| { pair.class_key.set(event_target_value(&ev)); pair.det_key.set(String::new()); }>
            {writable_classifications().iter().map(|c| {
                let key = c.key().to_string();
                let k2 = key.clone();
                view! { <option value=key selected=move || pair.class_key.get() == k2>{c.label().to_string()}</option> }
            }).collect_view()}
        </select>
        <select name="determination" aria-label="Determination" on:change=move |ev| pair.det_key.set(event_target_value(&ev))>
            {move || {
                let chosen = pair.determination();
                pair.determinations().iter().map(|d| {
                    let sel = Some(d) == chosen.as_ref();
                    view! { <option value=d.key().to_string() selected=sel>{d.label().to_string()}</option> }
                }).collect_view()
            }}
        </select>
    }
}

/// What the analyst has typed or chosen and not sent yet. Owned by the incident page, so a new version of the
/// incident (after a write, or a load finishing) redraws the actions without losing it.
#[derive(Clone, Copy)]
pub(super) struct Drafts {
    who: RwSignal<String>,
    pair: Pair,
    closing: RwSignal<String>,
    tag: RwSignal<String>,
    comment: RwSignal<String>,
}

impl Drafts {
    /// Empty drafts (created by the page, so they outlive each drawing of the actions); the classification
    /// starts at the incident's own once it is shown.
    pub(super) fn new(source: Source) -> Drafts {
        Drafts {
            who: RwSignal::new(String::new()),
            pair: Pair { source, class_key: RwSignal::new(String::new()), det_key: RwSignal::new(String::new()) },
            closing: RwSignal::new(String::new()),
            tag: RwSignal::new(String::new()),
            comment: RwSignal::new(String::new()),
        }
    }
}

/// The text of `draft`, which is emptied: a sent comment or tag is not offered for sending again.
fn take(draft: RwSignal<String>) -> String {
    let t = draft.get_untracked();
    draft.set(String::new());
    t
}

/// The actions for `inc`.
#[component]
pub fn Actions(inc: Incident, drafts: StoredValue<Drafts>) -> impl IntoView {
    let ctx = ctx();
    let Some(cfg) = ctx.cfg() else { return ().into_any() };
    let source = cfg.source;
    let id = StoredValue::new(inc.id.clone());
    let me = ctx.session().and_then(|s| s.id_claims.preferred_username.clone());
    let busy = Memo::new(move |_| ctx.acting.with(|a| a.in_flight.contains(&id.get_value())));
    let go = move |a: Action| act(ctx, id.get_value(), a);

    // Assign.
    let Drafts { who, closing, tag: new_tag, comment, .. } = drafts.get_value();
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
        view! { <button class="ghost" data-testid="action-unassign" disabled=move || busy.get() on:click=move |_| go(Action::Unassign)>"Unassign"</button> }
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
                    disabled=move || busy.get() || is_current on:click=move |_| go(Action::SetStatus(s.clone()))>{label}</button>
            }
        })
        .collect_view();

    // Classification and determination: only documented pairs are offered.
    let pair = drafts.get_value().pair;
    pair.start_at(&inc.classification);
    let classify = move |resolve: bool| {
        let Some((c, d)) = pair.picked() else { return };
        if resolve {
            let comment = Some(take(closing)).filter(|t| !t.trim().is_empty());
            go(Action::Resolve { classification: c, determination: d, comment });
        } else {
            go(Action::Classify { classification: c, determination: d });
        }
    };

    // Tags: only the analyst's own (Graph's system tags are the service's).
    let own_tags: Vec<String> = inc.tags.iter().filter(|t| !inc.system_tags.contains(t)).cloned().collect();
    let own = StoredValue::new(own_tags.clone());
    let tag_items = own_tags
        .into_iter()
        .map(|t| {
            let t2 = t.clone();
            view! {
                <li class="tag">{t.clone()}
                    <button class="tag-remove" data-remove=t.clone() aria-label=format!("Remove tag {t}") disabled=move || busy.get()
                        on:click=move |_| go(Action::SetTags(edit_tags(&own.get_value(), &[], std::slice::from_ref(&t2))))>"×"</button>
                </li>
            }
        })
        .collect_view();

    let result = move || {
        ctx.acting.with(|a| a.result.clone()).filter(|(i, _, _)| *i == id.get_value()).map(|(_, text, ok)| {
            view! { <p class=if ok { "action-result ok" } else { "action-result bad" } role="status" data-testid="action-result" data-ok=ok.to_string()>{text}</p> }
        })
    };
    let consent = move || {
        ctx.acting.with(|a| a.needs_consent.clone()).filter(|(_, i)| i.incident() == Some(id.get_value().as_str())).map(|(scope, i)| {
            view! {
                <div class="banner info consent" data-testid="action-consent">
                    <p>{format!("To {} this page needs the delegated permission ", i.action.label().to_lowercase())}
                        <span class="mono" data-testid="action-consent-scope">{scope}</span>
                        ", which it has not asked for yet. Your sign-in stays as it is; you come back here and confirm the action."</p>
                    <button data-testid="action-consent-go" on:click=move |_| ask_consent(ctx)>"Ask for the permission"</button>
                    <button class="ghost" on:click=move |_| drop_held(ctx)>"Cancel"</button>
                </div>
            }
        })
    };
    let held = move || {
        ctx.acting.with(|a| a.held.clone()).filter(|i| i.incident() == Some(id.get_value().as_str())).map(
            |Intent { action, .. }| {
                let incident = id.get_value();
                let text =
                    action.describe(&incident, ctx.session().and_then(|s| s.id_claims.preferred_username).as_deref());
                view! {
                    <div class="banner info held" data-testid="action-held">
                        <p>"The permission was granted. Still want to " <strong>{text}</strong> "?"</p>
                        <button data-testid="action-confirm" disabled=move || busy.get()
                            on:click=move |_| act(ctx, incident.clone(), action.clone())>"Confirm"</button>
                        <button class="ghost" on:click=move |_| drop_held(ctx)>"Cancel"</button>
                    </div>
                }
            },
        )
    };

    view! {
        <section class="incident-actions" aria-labelledby="actions-title" data-testid="incident-actions" aria-busy=move || busy.get().to_string()>
            <h2 id="actions-title">"Act on this incident"</h2>
            {consent}
            {held}
            {result}
            <div class="action-row">
                <span class="action-label">"Owner"</span>
                <button data-testid="action-assign-me" disabled=move || busy.get() || me.is_none()
                    on:click=move |_| if let Some(m) = me_for_click.clone() { go(Action::AssignTo(m)) }>"Assign to me"</button>
                <form class="inline" data-testid="action-assign" on:submit=move |ev| { ev.prevent_default(); go(Action::AssignTo(who.get_untracked())); }>
                    <input type="text" name="assignee" list="assignees" placeholder="someone@contoso.com" aria-label="Assign to"
                        prop:value=move || who.get() on:input=move |ev| who.set(event_target_value(&ev))/>
                    <datalist id="assignees">{assignees}</datalist>
                    <button type="submit" disabled=move || busy.get()>"Assign"</button>
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
                <button data-do="classify" disabled=move || busy.get() on:click=move |_| classify(false)>"Classify"</button>
                <input type="text" name="resolve-comment" placeholder="Closing comment (optional)" aria-label="Closing comment"
                    prop:value=move || closing.get() on:input=move |ev| closing.set(event_target_value(&ev))/>
                <button data-do="resolve" disabled=move || busy.get() on:click=move |_| classify(true)>"Resolve as…"</button>
            </div>
            <div class="action-row" data-testid="action-tag">
                <span class="action-label">"Tags"</span>
                <ul class="tags">{tag_items}</ul>
                <form class="inline" on:submit=move |ev| {
                    ev.prevent_default();
                    let t = take(new_tag);
                    if !t.trim().is_empty() { go(Action::SetTags(edit_tags(&own.get_value(), &[t], &[]))); }
                }>
                    <input type="text" name="tag" placeholder="New tag" aria-label="New tag"
                        prop:value=move || new_tag.get() on:input=move |ev| new_tag.set(event_target_value(&ev))/>
                    <button type="submit" disabled=move || busy.get()>"Add tag"</button>
                </form>
            </div>
            <form class="action-row" data-testid="action-comment" on:submit=move |ev| { ev.prevent_default(); go(Action::Comment(take(comment))); }>
                <span class="action-label">"Comment"</span>
                <textarea name="comment" rows="2" aria-label="Comment" prop:value=move || comment.get()
                    on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
                <button type="submit" disabled=move || busy.get()>"Add comment"</button>
            </form>
            <ActivityLog/>
        </section>
    }
    .into_any()
}

/// This tab's activity, newest first.
#[component]
pub fn ActivityLog() -> impl IntoView {
    let ctx = ctx();
    let lines = move || {
        ctx.acting.with(|a| {
            a.log
                .iter()
                .rev()
                .map(|l| {
                    view! { <li class=if l.ok { "ok" } else { "bad" }>{format!("{} {} — {}", l.at, l.what, l.outcome)}</li> }
                })
                .collect_view()
        })
    };
    view! {
        <details class="activity" open>
            <summary>"Activity in this tab"</summary>
            <ul class="plain activity-log" data-testid="activity-log" aria-live="polite">{lines}</ul>
        </details>
    }
}
