//! The queue view an analyst chooses — filters, sort, page, selected incident. The URL fragment it lives in
//! (`url`), which incidents it shows (`filter`), their order (`order`).

mod filter;
mod order;
mod url;

pub(crate) use filter::text_matches;
pub use filter::Me;
#[cfg(test)]
pub(crate) use order::visible_indices;
pub use order::SortKey;
pub(crate) use order::{primary, then_ties};

/// Rows per screen: enough to scan, few enough that 10,000 incidents never reach the DOM at once (the first
/// request asks for exactly one screen, so the constant lives with the paging).
pub use crate::incidents::paging::PAGE_SIZE;

/// Who an incident is assigned to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Assigned {
    /// Anyone or no one.
    #[default]
    Anyone,
    /// The signed-in user.
    Me,
    /// No one.
    Unassigned,
}

/// Which timestamp the time range applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum TimeField {
    /// Last update (the portal's default).
    #[default]
    Updated,
    /// Creation.
    Created,
}

/// The time range of the view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Range {
    /// No limit.
    All,
    /// The last N seconds.
    Last(i64),
    /// From..to, Unix seconds (either may be open).
    Custom(Option<i64>, Option<i64>),
}

/// The named ranges the page offers, as (URL token, label, seconds).
pub const RANGES: &[(&str, &str, i64)] = &[
    ("24h", "Last 24 hours", 86_400),
    ("7d", "Last 7 days", 7 * 86_400),
    ("30d", "Last 30 days", 30 * 86_400),
    ("6m", "Last 6 months", 182 * 86_400),
];

/// Everything that defines what the queue shows. Lives in the URL fragment.
#[derive(Clone, Debug, PartialEq)]
pub struct View {
    /// Status keys to include; empty = any.
    pub status: Vec<String>,
    /// Severity keys to include; empty = any.
    pub severity: Vec<String>,
    /// Assignment.
    pub assigned: Assigned,
    /// Classification keys; empty = any.
    pub classification: Vec<String>,
    /// Determination keys; empty = any.
    pub determination: Vec<String>,
    /// Which timestamp the range applies to.
    pub time_field: TimeField,
    /// The time range.
    pub range: Range,
    /// Tags that must all be present; empty = any.
    pub tags: Vec<String>,
    /// Service sources (any alert from one of them); empty = any.
    pub service_source: Vec<String>,
    /// Free-text search over name, id and affected entities.
    pub text: String,
    /// Sort column.
    pub sort: SortKey,
    /// Descending sort.
    pub desc: bool,
    /// Zero-based screen of `PAGE_SIZE` rows.
    pub page: usize,
    /// Auto-refresh period in seconds, if on.
    pub refresh: Option<u32>,
    /// The incident page being shown, if any.
    pub incident: Option<String>,
}

impl Default for View {
    /// The Defender portal's default queue: last 6 months, active and in progress, high/medium/low.
    fn default() -> Self {
        View {
            status: vec!["active".into(), "inprogress".into()],
            severity: vec!["high".into(), "medium".into(), "low".into()],
            assigned: Assigned::Anyone,
            classification: vec![],
            determination: vec![],
            time_field: TimeField::Updated,
            range: Range::Last(182 * 86_400),
            tags: vec![],
            service_source: vec![],
            text: String::new(),
            sort: SortKey::Updated,
            desc: true,
            page: 0,
            refresh: None,
            incident: None,
        }
    }
}

impl View {
    /// The same view without the parts that don't change which incidents the server is asked for.
    pub fn server_part(&self) -> (Vec<String>, Assigned, TimeField, Range) {
        (self.status.clone(), self.assigned, self.time_field, self.range)
    }

    /// The time window as (from, to) Unix seconds at `now`.
    pub fn window(&self, now: i64) -> (Option<i64>, Option<i64>) {
        match self.range {
            Range::All => (None, None),
            Range::Last(s) => (Some(now - s), None),
            Range::Custom(f, t) => (f, t),
        }
    }
}
