//! The page's routes, as the URL fragment names them: `#/incidents…` (the queue, and an incident in it) and
//! `#/hunt…` (advanced hunting). The one place that knows them all: `auth` keeps a return address across the
//! sign-in without knowing what it means (it is told how long one may be), and the flows follow a route
//! without parsing fragments themselves.

use crate::hunting::{HuntView, MAX_HASH_LEN};
use crate::queue::view::View;

/// Where the page is.
#[derive(Debug, Clone, PartialEq)]
pub enum Route {
    /// The queue, or an incident with the queue's view behind it.
    Incidents(View),
    /// The hunting page with its query.
    Hunt(HuntView),
}

/// The route a return address that cannot be kept falls back to.
pub const HOME: &str = "#/incidents";

/// The longest return address kept for an ordinary view.
const MAX_VIEW_LEN: usize = 2048;

impl Route {
    /// The route `hash` names; a fragment that names none is the queue's default view.
    pub fn from_hash(hash: &str) -> Route {
        match HuntView::from_hash(hash) {
            Some(hunt) => Route::Hunt(hunt),
            None => Route::Incidents(View::from_hash(hash)),
        }
    }

    /// How long a return address for `hash` may be: a view at most 2048 bytes, a hunt as long as its query can
    /// make it (the address is kept in the pending record in sessionStorage, not sent to the provider).
    pub fn return_limit(hash: &str) -> usize {
        match Route::from_hash(hash.trim()) {
            Route::Hunt(_) => MAX_HASH_LEN,
            Route::Incidents(_) => MAX_VIEW_LEN,
        }
    }
}

/// The address a sign-in returns to for `hash`: the same-app route if the open-redirect guard keeps it
/// (`auth::authorize::sanitize_return_to`, at this route's length), else [`HOME`].
pub fn return_to(hash: &str) -> String {
    crate::auth::authorize::sanitize_return_to(hash, Route::return_limit(hash)).unwrap_or_else(|| HOME.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hunting::MAX_QUERY_CHARS;

    fn kept(hash: &str) -> String {
        return_to(hash)
    }

    #[test]
    fn each_fragment_names_one_route() {
        assert!(matches!(Route::from_hash("#/hunt?q=DeviceInfo"), Route::Hunt(h) if h.query == "DeviceInfo"));
        assert!(
            matches!(Route::from_hash("#/incidents/42?status=all"), Route::Incidents(v) if v.incident.as_deref() == Some("42"))
        );
        assert_eq!(Route::from_hash("#/nowhere"), Route::Incidents(View::default()));
    }

    #[test]
    fn a_shared_hunt_comes_back_whole_however_long_its_query() {
        // The longest query a link keeps, in characters that encode to 4 bytes each, with a timespan.
        let query = "𝔸".repeat(MAX_QUERY_CHARS);
        let hash = HuntView::new(&query, Some("2024-02-01T08:00:00Z/2024-02-15T08:00:00Z")).to_hash();
        assert!(hash.len() > 100_000 && hash.len() <= MAX_HASH_LEN, "{}", hash.len());
        assert_eq!(kept(&hash), hash);
        assert_eq!(HuntView::from_hash(&kept(&hash)).map(|v| v.query), Some(query));
        // Other views keep the short limit, and a hunt the guard's other checks.
        let long_view = format!("#/incidents?q={}", "a".repeat(MAX_VIEW_LEN));
        assert_eq!(kept(&long_view), HOME);
        assert_eq!(kept(&format!("#/hunt?q={}", "a".repeat(MAX_HASH_LEN))), HOME);
        assert_eq!(kept("#/hunt?q=a\nb"), HOME);
        assert_eq!(kept("#/hunt?q=a\\b"), HOME);
    }
}
