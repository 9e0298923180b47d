//! How a view orders incidents: the sortable columns and the comparison (`index::Index::sort` is the fast
//! path; the reference `compare` lives with the tests that check the index against it).

use crate::incidents::model::Incident;
#[cfg(test)]
use crate::queue::view::View;

/// Columns the queue sorts by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortKey {
    /// Incident id (numeric when both are numbers).
    Id,
    /// Name.
    Name,
    /// Severity rank.
    Severity,
    /// Status rank.
    Status,
    /// Assignee.
    Assigned,
    /// Classification.
    Classification,
    /// Creation time.
    Created,
    /// Last update time.
    Updated,
    /// Number of alerts.
    Alerts,
}

const SORT_KEYS: &[(SortKey, &str)] = &[
    (SortKey::Id, "id"),
    (SortKey::Name, "name"),
    (SortKey::Severity, "severity"),
    (SortKey::Status, "status"),
    (SortKey::Assigned, "assigned"),
    (SortKey::Classification, "classification"),
    (SortKey::Created, "created"),
    (SortKey::Updated, "updated"),
    (SortKey::Alerts, "alerts"),
];

impl SortKey {
    /// The URL token.
    pub fn token(self) -> &'static str {
        SORT_KEYS.iter().find(|(k, _)| *k == self).map(|(_, t)| *t).unwrap_or("updated")
    }
    pub(crate) fn parse(s: &str) -> Option<Self> {
        SORT_KEYS.iter().find(|(_, t)| *t == s).map(|(k, _)| *k)
    }
}

/// The order by `key` alone, for the keys that need nothing derived (id and name are compared on keys the
/// index derives once; `compare` derives them each time).
pub(crate) fn primary(a: &Incident, b: &Incident, key: SortKey) -> std::cmp::Ordering {
    match key {
        SortKey::Id => a.id.cmp(&b.id),
        SortKey::Name => a.name.cmp(&b.name),
        SortKey::Severity => a.severity.rank().cmp(&b.severity.rank()),
        SortKey::Status => a.status.rank().cmp(&b.status.rank()),
        SortKey::Assigned => a.assigned_to.cmp(&b.assigned_to),
        SortKey::Classification => a.classification.label().cmp(b.classification.label()),
        SortKey::Created => a.created_ts.cmp(&b.created_ts),
        SortKey::Updated => a.last_update_ts.cmp(&b.last_update_ts),
        SortKey::Alerts => a.alert_count.cmp(&b.alert_count),
    }
}

/// Applies the direction, then breaks ties: newest update first, then id.
pub(crate) fn then_ties(primary: std::cmp::Ordering, a: &Incident, b: &Incident, desc: bool) -> std::cmp::Ordering {
    let primary = if desc { primary.reverse() } else { primary };
    primary.then_with(|| b.last_update_ts.cmp(&a.last_update_ts)).then_with(|| a.id.cmp(&b.id))
}

/// The reference order: orders two incidents by `key`; ties fall back to newest update first, then id.
#[cfg(test)]
pub fn compare(a: &Incident, b: &Incident, key: SortKey, desc: bool) -> std::cmp::Ordering {
    let primary = match key {
        SortKey::Id => match (a.id.parse::<u64>(), b.id.parse::<u64>()) {
            (Ok(x), Ok(y)) => x.cmp(&y),
            _ => a.id.cmp(&b.id),
        },
        SortKey::Name => a.name.to_lowercase().cmp(&b.name.to_lowercase()),
        _ => primary(a, b, key),
    };
    then_ties(primary, a, b, desc)
}

/// Sorts in place by `key` (reference).
#[cfg(test)]
pub fn sort(items: &mut [Incident], key: SortKey, desc: bool) {
    items.sort_by(|a, b| compare(a, b, key, desc));
}

/// The positions in `items` that the view shows, in the view's order (the reference `index::Index::visible`
/// is checked against).
#[cfg(test)]
pub fn visible_indices(items: &[Incident], view: &View, me: &super::Me, now: i64) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..items.len()).filter(|&i| view.matches(&items[i], me, now)).collect();
    idx.sort_by(|&a, &b| compare(&items[a], &items[b], view.sort, view.desc));
    idx
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incidents::fixture::{inc, NOW};
    use crate::incidents::model::{Severity, Status};

    #[test]
    fn sorts_by_any_column_both_ways() {
        let mut v = vec![
            inc("9", Severity::Low, Status::Active, 10),
            inc("10", Severity::High, Status::Resolved, 30),
            inc("2", Severity::Medium, Status::InProgress, 20),
        ];
        sort(&mut v, SortKey::Id, false);
        assert_eq!(v.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(), ["2", "9", "10"], "ids sort numerically");
        sort(&mut v, SortKey::Severity, true);
        assert_eq!(v[0].id, "10");
        sort(&mut v, SortKey::Updated, true);
        assert_eq!(v[0].id, "9", "newest first");
        sort(&mut v, SortKey::Updated, false);
        assert_eq!(v[0].id, "10");
        let view = View { status: vec![], sort: SortKey::Severity, desc: true, ..View::default() };
        let idx = visible_indices(&v, &view, &super::super::Me::default(), NOW);
        assert_eq!(idx.iter().map(|&i| v[i].id.as_str()).collect::<Vec<_>>(), ["10", "2", "9"]);
    }
}
