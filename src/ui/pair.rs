//! A classification and one of the determinations documented for it, chosen in two selects (the incident page's
//! actions and the bulk bar). It starts from what the incident holds, never from a default that differs: an
//! unclassified incident starts with nothing chosen, and nothing can be sent until the analyst picks.

use crate::actions::{valid_determinations, writable_classifications};
use crate::incidents::model::{Classification, Determination};
use crate::incidents::source::Source;
use leptos::prelude::*;

/// The choice; empty keys mean "not chosen yet".
#[derive(Clone, Copy)]
pub(super) struct Pair {
    source: Source,
    class_key: RwSignal<String>,
    det_key: RwSignal<String>,
}

impl Pair {
    /// Nothing chosen.
    pub(super) fn empty(source: Source) -> Pair {
        Pair { source, class_key: RwSignal::new(String::new()), det_key: RwSignal::new(String::new()) }
    }

    /// Unless the analyst chose already, start at the incident's own classification and determination (when
    /// they can be written); otherwise stay empty.
    pub(super) fn start_at(&self, current: &Classification, determination: &Determination) {
        if !self.class_key.get_untracked().is_empty() || !writable_classifications().contains(current) {
            return;
        }
        self.class_key.set(current.key().to_string());
        if valid_determinations(self.source, current).contains(determination) {
            self.det_key.set(determination.key().to_string());
        }
    }

    fn classification(&self) -> Option<Classification> {
        Classification::from_key(&self.class_key.get()).filter(|c| writable_classifications().contains(c))
    }

    fn determinations(&self) -> &'static [Determination] {
        self.classification().map_or(&[], |c| valid_determinations(self.source, &c))
    }

    fn determination(&self) -> Option<Determination> {
        let key = self.det_key.get();
        let d = Determination::from_key(&key).unwrap_or_else(|| Determination::parse(Some(&key)));
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

    /// The chosen pair (always a documented one), or `None` before the analyst chose.
    pub(super) fn picked(&self) -> Option<(Classification, Determination)> {
        Some((self.classification()?, self.determination()?))
    }
}

/// The two selects of a [`Pair`]; the determinations follow the classification.
#[component]
pub(super) fn PairPicker(pair: Pair) -> impl IntoView {
    let none = move || pair.classification().is_none();
    view! {
        <select name="classification" aria-label="Classification" on:change=move |ev| { pair.class_key.set(event_target_value(&ev)); pair.det_key.set(String::new()); }>
            <option value="" disabled=true selected=none>"Choose a classification"</option>
            {writable_classifications().iter().map(|c| {
                let key = c.key().to_string();
                let k2 = key.clone();
                view! { <option value=key selected=move || pair.class_key.get() == k2>{c.label().to_string()}</option> }
            }).collect_view()}
        </select>
        <select name="determination" aria-label="Determination" disabled=none on:change=move |ev| pair.det_key.set(event_target_value(&ev))>
            {move || {
                let chosen = pair.determination();
                let list = pair.determinations();
                let placeholder = list.is_empty().then(|| view! { <option value="" selected=true>"—"</option> });
                let options = list.iter().map(|d| {
                    let sel = Some(d) == chosen.as_ref();
                    view! { <option value=d.key().to_string() selected=sel>{d.label().to_string()}</option> }
                }).collect_view();
                view! { {placeholder} {options} }
            }}
        </select>
    }
}
