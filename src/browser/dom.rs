//! The document itself, outside Leptos' view tree.

/// Removes the element with this id, if there is one.
pub fn remove_by_id(id: &str) {
    if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(id)) {
        el.remove();
    }
}
