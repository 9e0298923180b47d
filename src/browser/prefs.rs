//! localStorage, for display preferences only (whether the pictures are folded): they outlive the tab, and
//! hold nothing about the analyst, their token or their incidents. Session data stays in `storage`.

fn store() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// A remembered yes/no; `None` when never set, unreadable or storage is unavailable.
pub(crate) fn flag(key: &str) -> Option<bool> {
    match store()?.get_item(key).ok().flatten()?.as_str() {
        "1" => Some(true),
        "0" => Some(false),
        _ => None,
    }
}

/// Remembers a yes/no; a blocked or full storage just forgets it (the page works the same, unremembered).
pub(crate) fn set_flag(key: &str, on: bool) {
    if let Some(s) = store() {
        let _ = s.set_item(key, if on { "1" } else { "0" });
    }
}
