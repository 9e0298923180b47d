//! sessionStorage: per tab, gone when the tab closes. No cookies; localStorage only in `prefs`, for a display
//! preference.

use super::EdgeError;

fn store() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

/// Reads a key; `None` when absent or storage is unavailable.
pub fn get(key: &str) -> Option<String> {
    store()?.get_item(key).ok().flatten()
}

/// Writes a key; an error when storage is full or blocked.
pub fn set(key: &str, value: &str) -> Result<(), EdgeError> {
    store().ok_or(EdgeError::NoStorage)?.set_item(key, value).map_err(|_| EdgeError::StorageRefused)
}

/// Removes a key if present.
pub fn remove(key: &str) {
    if let Some(s) = store() {
        let _ = s.remove_item(key);
    }
}

/// Every key that starts with `prefix`, with its value.
pub fn prefixed(prefix: &str) -> Vec<(String, String)> {
    let Some(s) = store() else { return Vec::new() };
    let len = s.length().unwrap_or(0);
    (0..len)
        .filter_map(|i| s.key(i).ok().flatten())
        .filter(|k| k.starts_with(prefix))
        .filter_map(|k| s.get_item(&k).ok().flatten().map(|v| (k, v)))
        .collect()
}

/// Removes every key that starts with `prefix`.
pub fn remove_prefixed(prefix: &str) {
    for (k, _) in prefixed(prefix) {
        remove(&k);
    }
}
