//! Focus and scroll position outside Leptos' view tree: the skip link, row-to-row keys and "keep your place".
//! Nothing here decides which key does what (`crate::shortcuts` does).

use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlElement};

fn document() -> Option<Document> {
    web_sys::window()?.document()
}

fn focus_element(el: Element) -> bool {
    el.dyn_into::<HtmlElement>().is_ok_and(|h| h.focus().is_ok())
}

/// Focuses the first element matching the first selector that matches anything; whether one took focus.
pub(crate) fn focus_first(selectors: &[&str]) -> bool {
    let Some(d) = document() else { return false };
    selectors.iter().any(|s| d.query_selector(s).ok().flatten().is_some_and(focus_element))
}

/// Clicks the first element matching `selector` (as a user's click would); whether there was one.
pub(crate) fn click(selector: &str) -> bool {
    let el = document().and_then(|d| d.query_selector(selector).ok().flatten());
    el.and_then(|e| e.dyn_into::<HtmlElement>().ok()).map(|h| h.click()).is_some()
}

/// Whether anything matches `selector`.
pub(crate) fn exists(selector: &str) -> bool {
    document().is_some_and(|d| d.query_selector(selector).ok().flatten().is_some())
}

/// The element with focus, if it is not the body.
fn active() -> Option<Element> {
    let d = document()?;
    d.active_element().filter(|e| d.body().is_none_or(|b| **b != **e))
}

/// Focus is where keys type: a text-like input, a text area, a select or editable content.
pub(crate) fn typing() -> bool {
    active().is_some_and(|e| match e.tag_name().as_str() {
        "INPUT" => crate::shortcuts::input_types_text(&e.get_attribute("type").unwrap_or_default()),
        "TEXTAREA" | "SELECT" => true,
        _ => e.get_attribute("contenteditable").is_some_and(|v| v != "false"),
    })
}

/// The closest ancestor of the focused element (itself included) matching `selector`.
pub(crate) fn focused_within(selector: &str) -> Option<Element> {
    active()?.closest(selector).ok().flatten()
}

/// Moves focus from the item (matching `item`) that holds it to the next (`forward`) or previous sibling
/// item, to that item's element matching `target`; with no item focused, to the first item's. Whether focus
/// moved.
pub(crate) fn step(item: &str, target: &str, forward: bool) -> bool {
    let Some(current) = focused_within(item) else {
        return focus_first(&[&format!("{item} {target}")]);
    };
    let mut next = if forward { current.next_element_sibling() } else { current.previous_element_sibling() };
    while let Some(el) = next {
        if el.matches(item).unwrap_or(false) {
            return el.query_selector(target).ok().flatten().is_some_and(focus_element);
        }
        next = if forward { el.next_element_sibling() } else { el.previous_element_sibling() };
    }
    false
}

/// How far the page is scrolled down, in CSS pixels.
pub(crate) fn scroll_y() -> f64 {
    web_sys::window().and_then(|w| w.scroll_y().ok()).unwrap_or(0.0)
}

/// Scrolls the page to `y` at once.
pub(crate) fn scroll_to_y(y: f64) {
    if let Some(w) = web_sys::window() {
        w.scroll_to_with_x_and_y(0.0, y);
    }
}
