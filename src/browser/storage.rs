//! sessionStorage: per tab, gone when the tab closes. The app never touches localStorage or cookies.

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

/// Removes every key that starts with `prefix`.
pub fn remove_prefixed(prefix: &str) {
    let Some(s) = store() else { return };
    let len = s.length().unwrap_or(0);
    let keys: Vec<String> =
        (0..len).filter_map(|i| s.key(i).ok().flatten()).filter(|k| k.starts_with(prefix)).collect();
    for k in keys {
        let _ = s.remove_item(&k);
    }
}
