//! Two pictures of a view: the severity × status summary and incidents over time.

use crate::incidents::model::{Incident, Severity, Status};

/// Rows of the severity × status summary: severities high→informational.
pub const SUMMARY_SEVERITIES: &[Severity] = &[Severity::High, Severity::Medium, Severity::Low, Severity::Informational];
/// Columns of the summary.
pub const SUMMARY_STATUSES: &[Status] = &[Status::Active, Status::InProgress, Status::Resolved];

/// Counts per (severity, status) cell, in the order of the two constant lists; other values go nowhere
/// (the reference `index::Index::summary` is checked against).
#[cfg(test)]
pub(crate) fn summary(items: &[&Incident]) -> Vec<Vec<usize>> {
    let mut grid = vec![vec![0usize; SUMMARY_STATUSES.len()]; SUMMARY_SEVERITIES.len()];
    for inc in items {
        let r = SUMMARY_SEVERITIES.iter().position(|s| s.key() == inc.severity.key());
        let c = SUMMARY_STATUSES.iter().position(|s| s.key() == inc.status.key());
        if let (Some(r), Some(c)) = (r, c) {
            grid[r][c] += 1;
        }
    }
    grid
}

/// Incidents created per bucket: `buckets` equal spans ending at `now`, oldest first.
pub fn histogram(items: &[&Incident], from: i64, now: i64, buckets: usize) -> Vec<usize> {
    let buckets = buckets.max(1);
    let mut out = vec![0usize; buckets];
    let span = (now - from).max(1);
    for ts in items.iter().filter_map(|i| i.created_ts) {
        if ts < from || ts > now {
            continue;
        }
        let b = (((ts - from) as i128 * buckets as i128) / span as i128) as usize;
        out[b.min(buckets - 1)] += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incidents::fixture::{inc, NOW};

    #[test]
    fn summary_and_histogram_count_what_they_should() {
        let v = [
            inc("1", Severity::High, Status::Active, 10),
            inc("2", Severity::High, Status::Active, 10),
            inc("3", Severity::Low, Status::Resolved, 10),
            inc("4", Severity::Unknown("Catastrophic".into()), Status::Active, 10),
        ];
        let refs: Vec<&Incident> = v.iter().collect();
        let s = summary(&refs);
        assert_eq!(s[0][0], 2);
        assert_eq!(s[2][2], 1);
        assert_eq!(s.iter().flatten().sum::<usize>(), 3, "unknown severities are not counted in a known cell");
        let h = histogram(&refs, NOW - 1000, NOW, 10);
        assert_eq!(h.iter().sum::<usize>(), 4);
        assert_eq!(h[8], 4, "created 110 s ago falls in the ninth of ten 100 s buckets");
    }
}
