//! The document as a whole: its title, scrolling to the top, and the clipboard.

/// Sets the tab title.
pub(crate) fn set_title(title: &str) {
    if let Some(d) = web_sys::window().and_then(|w| w.document()) {
        d.set_title(title);
    }
}

/// Scrolls the page to its top.
pub(crate) fn scroll_to_top() {
    if let Some(w) = web_sys::window() {
        w.scroll_to_with_x_and_y(0.0, 0.0);
    }
}

/// Copies `text` to the clipboard (`navigator.clipboard.writeText`); whether the browser accepted it.
pub(crate) async fn copy(text: &str) -> bool {
    let Some(w) = web_sys::window() else { return false };
    let promise = w.navigator().clipboard().write_text(text);
    wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
}

/// The tab title now.
pub(crate) fn title() -> String {
    web_sys::window().and_then(|w| w.document()).map(|d| d.title()).unwrap_or_default()
}

/// The browser's language (`navigator.language`, e.g. `nl-NL`), or "" when it has none.
pub(crate) fn language() -> String {
    web_sys::window().and_then(|w| w.navigator().language()).unwrap_or_default()
}
