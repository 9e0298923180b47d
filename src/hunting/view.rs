//! The hunt view ⇄ URL fragment: `#/hunt?q=<query>&t=<timespan>`, so a hunt can be shared. A link can't break
//! the page: an over-long query is cut, a timespan that is not ISO 8601-shaped is dropped.

use crate::http::{parse_query, percent_encode, query_get};

/// The longest query kept from a link (characters).
pub const MAX_QUERY_CHARS: usize = 10_000;
/// The longest timespan kept (`2024-02-01T08:00:00Z/2024-02-15T08:00:00Z` is 41).
const MAX_TIMESPAN_CHARS: usize = 64;
/// The longest `#/hunt?q=…&t=…` fragment [`HuntView::to_hash`] writes: every byte of the longest query and
/// timespan percent-encoded (4 bytes a character at most, 3 characters a byte). A sign-in keeps a return address
/// this long, so a shared hunt comes back whole.
pub const MAX_HASH_LEN: usize = "#/hunt?q=&t=".len() + (MAX_QUERY_CHARS + MAX_TIMESPAN_CHARS) * 4 * 3;

/// What the hunting page shows: the query and the optional `Timespan` sent with it. Held across a consent
/// redirect as `crate::intent::Intent::Hunt` (`{"kind": "hunt", "query", "timespan"}`); read back bounded like a
/// link ([`HuntView::new`]).
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(from = "HeldHunt")]
pub struct HuntView {
    /// KQL, at most [`MAX_QUERY_CHARS`] characters.
    pub query: String,
    /// ISO 8601 duration, interval or start (`P7D`, `start/end`, ...); `None`: the API's 30 days.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timespan: Option<String>,
}

/// A hunt as held across the redirect, before it is bounded.
#[derive(serde::Deserialize)]
struct HeldHunt {
    query: String,
    timespan: Option<String>,
}

impl From<HeldHunt> for HuntView {
    fn from(h: HeldHunt) -> Self {
        HuntView::new(&h.query, h.timespan.as_deref())
    }
}

/// Only the characters ISO 8601 durations, times and intervals use.
fn clean_timespan(t: &str) -> Option<String> {
    let t = t.trim();
    let ok = !t.is_empty()
        && t.chars().count() <= MAX_TIMESPAN_CHARS
        && t.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '.' | '-' | '+' | '/' | ','));
    ok.then(|| t.to_string())
}

impl HuntView {
    /// A view with the query cut to [`MAX_QUERY_CHARS`] and the timespan kept only when well-formed.
    pub fn new(query: &str, timespan: Option<&str>) -> HuntView {
        HuntView { query: query.chars().take(MAX_QUERY_CHARS).collect(), timespan: timespan.and_then(clean_timespan) }
    }

    /// Reads `#/hunt?q=…&t=…`; `None` when the fragment is not the hunting page.
    pub fn from_hash(hash: &str) -> Option<HuntView> {
        let h = hash.trim_start_matches('#');
        let (path, query) = h.split_once('?').unwrap_or((h, ""));
        if path.trim_end_matches('/') != "/hunt" {
            return None;
        }
        let pairs = parse_query(query);
        Some(HuntView::new(query_get(&pairs, "q").unwrap_or(""), query_get(&pairs, "t")))
    }

    /// The fragment for this view; `from_hash(to_hash(v)) == Some(v)` for every view [`HuntView::new`] makes.
    pub fn to_hash(&self) -> String {
        let mut q = vec![];
        if !self.query.is_empty() {
            q.push(format!("q={}", percent_encode(&self.query)));
        }
        if let Some(t) = &self.timespan {
            q.push(format!("t={}", percent_encode(t)));
        }
        if q.is_empty() {
            "#/hunt".into()
        } else {
            format!("#/hunt?{}", q.join("&"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_a_real_query() {
        let v = HuntView::new(
            "DeviceProcessEvents\n| where InitiatingProcessFileName =~ \"powershell.exe\" and X has 'a&b=c#d+e%'\n| take 10",
            Some("2024-02-01T08:00:00Z/P30D"),
        );
        let h = v.to_hash();
        assert!(h.starts_with("#/hunt?q=DeviceProcessEvents%0A%7C%20where"), "{h}");
        assert!(h.ends_with("&t=2024-02-01T08%3A00%3A00Z%2FP30D"), "{h}");
        assert!(!h[1..].contains('#') && !h.contains('\n') && !h.contains('"'));
        assert_eq!(HuntView::from_hash(&h), Some(v));
        assert_eq!(HuntView::from_hash("#/hunt"), Some(HuntView::default()));
        assert_eq!(HuntView::default().to_hash(), "#/hunt");
        assert_eq!(HuntView::from_hash("#/hunt/?t=P7D").unwrap().timespan.as_deref(), Some("P7D"));
    }

    #[test]
    fn other_pages_are_not_hunts() {
        for h in ["", "#", "#/incidents?q=x", "#/hunting?q=x", "#/hunt/x?q=1", "#//hunt"] {
            assert_eq!(HuntView::from_hash(h), None, "{h}");
        }
    }

    #[test]
    fn hostile_links_are_bounded() {
        let long = format!("#/hunt?q={}", "a".repeat(MAX_QUERY_CHARS + 10));
        assert_eq!(HuntView::from_hash(&long).unwrap().query.len(), MAX_QUERY_CHARS);
        let v = HuntView::from_hash("#/hunt?q=%ZZ%&t=P7D%22%3E%3Cscript%3E&q=second").unwrap();
        assert_eq!(v.query, "%ZZ%", "a bad escape is kept literally; the first q wins");
        assert_eq!(v.timespan, None, "a timespan with markup is dropped");
        assert_eq!(HuntView::from_hash(&format!("#/hunt?t={}", "P".repeat(65))).unwrap().timespan, None);
        assert_eq!(HuntView::from_hash("#/hunt?t=%FF").unwrap().timespan, None);
        let v = HuntView::new("é\u{0}\u{202e}", Some(" P1D "));
        assert_eq!(HuntView::from_hash(&v.to_hash()), Some(v.clone()));
        assert_eq!(v.timespan.as_deref(), Some("P1D"));
    }
}
