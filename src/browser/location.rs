//! The page's address: reading it, cleaning it, leaving it.

fn location() -> Option<web_sys::Location> {
    web_sys::window().map(|w| w.location())
}

/// The query string including its leading `?`, or empty.
pub(crate) fn search() -> String {
    location().and_then(|l| l.search().ok()).unwrap_or_default()
}

/// The fragment including its leading `#`, or empty.
pub(crate) fn hash() -> String {
    location().and_then(|l| l.hash().ok()).unwrap_or_default()
}

/// Origin + path, without query or fragment: the default redirect URI.
pub(crate) fn page_url() -> String {
    let Some(l) = location() else { return String::new() };
    format!("{}{}", l.origin().unwrap_or_default(), l.pathname().unwrap_or_default())
}

/// Replaces the current history entry (so the code and state never stay in the address bar or history).
pub(crate) fn replace(url: &str) {
    if let Some(h) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(url));
    }
}

/// Full-page navigation to `url`.
pub(crate) fn assign(url: &str) -> Result<(), super::EdgeError> {
    location().ok_or(super::EdgeError::NavigationRefused)?.assign(url).map_err(|_| super::EdgeError::NavigationRefused)
}

/// Adds a history entry for `url` without leaving the page or firing `hashchange` (so back/forward work
/// between views, and the caller shows the new view at once instead of a task later).
pub(crate) fn push(url: &str) {
    if let Some(h) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = h.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(url));
    }
}

/// Calls `f` with the fragment whenever it may have changed: `hashchange` (links, typed URLs) and
/// `popstate` (back/forward, including between entries added by `push`, which fire no `hashchange`).
/// Both can fire for one step back; `f` must take the same fragment twice calmly.
pub(crate) fn on_hash_change(f: impl Fn(String) + 'static) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let Some(w) = web_sys::window() else { return };
    let cb = Closure::<dyn Fn()>::new(move || f(hash()));
    for event in ["hashchange", "popstate"] {
        let _ = w.add_event_listener_with_callback(event, cb.as_ref().unchecked_ref());
    }
    // The listener lives as long as the page.
    cb.forget();
}
