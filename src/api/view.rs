//! The queue view an analyst chooses — filters, sort, page, selected incident — and everything derived
//! from it: the URL fragment it lives in, the part the server can filter, the in-page filter, the sort,
//! the severity × status summary, the incidents-over-time histogram, and CSV/JSON export.

use super::model::{Incident, Status};
use super::query::{
    created_field, filter_and, filter_eq, filter_status_in, filter_updated_since, status_value, updated_field,
};
use crate::config::Source;
use crate::http::{parse_query, percent_encode};

/// Rows per screen: enough to scan, few enough that 10,000 incidents never reach the DOM at once.
pub const PAGE_SIZE: usize = 50;

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
    fn parse(s: &str) -> Option<Self> {
        SORT_KEYS.iter().find(|(_, t)| *t == s).map(|(k, _)| *k)
    }
}

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

/// A comparable key for an enum label: "In progress" → "inprogress".
pub fn key(label: &str) -> String {
    label.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

fn list(v: &str) -> Vec<String> {
    v.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty() && *s != "all")
        .map(|s| s.chars().take(200).collect())
        .take(50)
        .collect()
}

fn join_or_all(v: &[String]) -> String {
    if v.is_empty() {
        "all".into()
    } else {
        v.join(",")
    }
}

impl View {
    /// Reads a view from a URL fragment such as `#/incidents?status=active&severity=high`.
    /// Unknown or malformed parameters fall back to the default: a link can't break the page.
    pub fn from_hash(hash: &str) -> View {
        let h = hash.trim_start_matches('#');
        let (path, query) = h.split_once('?').unwrap_or((h, ""));
        let mut v = View::default();
        if let Some(id) = path.strip_prefix("/incidents/") {
            let id = crate::http::percent_decode(id);
            if !id.is_empty() && id.len() <= 100 {
                v.incident = Some(id);
            }
        }
        for (k, val) in parse_query(query) {
            match k.as_str() {
                "status" => v.status = list(&val).iter().map(|s| key(s)).collect(),
                "severity" => v.severity = list(&val).iter().map(|s| key(s)).collect(),
                "class" => v.classification = list(&val).iter().map(|s| key(s)).collect(),
                "det" => v.determination = list(&val).iter().map(|s| key(s)).collect(),
                "tags" => v.tags = list(&val),
                "source" => v.service_source = list(&val),
                "assigned" => {
                    v.assigned = match val.as_str() {
                        "me" => Assigned::Me,
                        "unassigned" => Assigned::Unassigned,
                        _ => Assigned::Anyone,
                    }
                }
                "time" => v.time_field = if val == "created" { TimeField::Created } else { TimeField::Updated },
                "range" => {
                    v.range = match RANGES.iter().find(|(t, _, _)| *t == val) {
                        Some((_, _, secs)) => Range::Last(*secs),
                        None if val == "all" => Range::All,
                        None => v.range,
                    }
                }
                "from" | "to" => {
                    let ts = super::query::parse_rfc3339(&val)
                        .or_else(|| super::query::parse_rfc3339(&format!("{val}T00:00:00Z")));
                    let (mut from, mut to) = match v.range {
                        Range::Custom(f, t) => (f, t),
                        _ => (None, None),
                    };
                    if k == "from" {
                        from = ts
                    } else {
                        to = ts
                    }
                    if from.is_some() || to.is_some() {
                        v.range = Range::Custom(from, to);
                    }
                }
                "q" => v.text = val.chars().take(200).collect(),
                "sort" => v.sort = SortKey::parse(&val).unwrap_or(v.sort),
                "dir" => v.desc = val != "asc",
                "page" => v.page = val.parse::<usize>().unwrap_or(0).min(100_000),
                "refresh" => v.refresh = val.parse::<u32>().ok().filter(|s| *s > 0).map(|s| s.clamp(15, 3600)),
                _ => {}
            }
        }
        v
    }

    /// The URL fragment for this view; `from_hash(to_hash(v)) == v`.
    pub fn to_hash(&self) -> String {
        let d = View::default();
        let mut q: Vec<(String, String)> = vec![];
        let mut put = |k: &str, v: String| q.push((k.into(), v));
        if self.status != d.status {
            put("status", join_or_all(&self.status));
        }
        if self.severity != d.severity {
            put("severity", join_or_all(&self.severity));
        }
        match self.assigned {
            Assigned::Anyone => {}
            Assigned::Me => put("assigned", "me".into()),
            Assigned::Unassigned => put("assigned", "unassigned".into()),
        }
        if !self.classification.is_empty() {
            put("class", self.classification.join(","));
        }
        if !self.determination.is_empty() {
            put("det", self.determination.join(","));
        }
        if self.time_field == TimeField::Created {
            put("time", "created".into());
        }
        match self.range {
            Range::All => put("range", "all".into()),
            Range::Last(secs) if self.range != d.range => {
                if let Some((t, _, _)) = RANGES.iter().find(|(_, _, s)| *s == secs) {
                    put("range", (*t).into());
                }
            }
            Range::Last(_) => {}
            Range::Custom(from, to) => {
                if let Some(f) = from {
                    put("from", super::query::rfc3339(f));
                }
                if let Some(t) = to {
                    put("to", super::query::rfc3339(t));
                }
            }
        }
        if !self.tags.is_empty() {
            put("tags", self.tags.join(","));
        }
        if !self.service_source.is_empty() {
            put("source", self.service_source.join(","));
        }
        if !self.text.is_empty() {
            put("q", self.text.clone());
        }
        if self.sort != d.sort {
            put("sort", self.sort.token().into());
        }
        if self.desc != d.desc {
            put("dir", if self.desc { "desc".into() } else { "asc".into() });
        }
        if self.page != 0 {
            put("page", self.page.to_string());
        }
        if let Some(r) = self.refresh {
            put("refresh", r.to_string());
        }
        let path = match &self.incident {
            Some(id) => format!("#/incidents/{}", percent_encode(id)),
            None => "#/incidents".into(),
        };
        if q.is_empty() {
            return path;
        }
        let qs: Vec<String> = q.iter().map(|(k, v)| format!("{k}={}", percent_encode(v).replace("%2C", ","))).collect();
        format!("{path}?{}", qs.join("&"))
    }

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

    /// The OData `$filter` for what the server can filter: status, assignee and time (Defender documents
    /// `$filter` on status, assignedTo, createdTime and lastUpdateTime; severity is filtered in the page).
    pub fn server_filter(&self, source: Source, me: Option<&str>, now: i64) -> Option<String> {
        let mut clauses = vec![];
        let statuses: Vec<String> =
            self.status.iter().filter_map(|k| status_from_key(k)).map(|s| status_value(source, &s)).collect();
        // Only push when every chosen status is a known value; otherwise the page filters alone.
        if !statuses.is_empty() && statuses.len() == self.status.len() {
            let refs: Vec<&str> = statuses.iter().map(String::as_str).collect();
            clauses.push(filter_status_in("status", &refs));
        }
        if let (Assigned::Me, Some(me)) = (self.assigned, me) {
            clauses.push(filter_eq("assignedTo", me));
        }
        let field = match self.time_field {
            TimeField::Updated => updated_field(source),
            TimeField::Created => created_field(source),
        };
        let (from, to) = self.window(now);
        if let Some(f) = from {
            clauses.push(filter_updated_since(field, f));
        }
        if let Some(t) = to {
            clauses.push(format!("{field} le {}", super::query::rfc3339(t)));
        }
        filter_and(&clauses)
    }

    /// Whether `inc` belongs in this view (every filter, including those the server already applied:
    /// merged auto-refresh results and sources without server filtering go through here too).
    pub fn matches(&self, inc: &Incident, me: Option<&str>, now: i64) -> bool {
        let in_list = |list: &[String], label: &str| list.is_empty() || list.contains(&key(label));
        if !in_list(&self.status, inc.status.label()) || !in_list(&self.severity, inc.severity.label()) {
            return false;
        }
        if !in_list(&self.classification, inc.classification.label())
            || !in_list(&self.determination, inc.determination.label())
        {
            return false;
        }
        if !self.matches_others(inc, me, self.window(now)) {
            return false;
        }
        self.text.trim().is_empty() || text_matches(inc, &self.text.to_lowercase())
    }

    /// The filters that need no derived key or text: assignee, time window, tags and service sources.
    /// Shared by `matches` and `index::Index::filtered`, so the two cannot drift apart.
    pub(crate) fn matches_others(
        &self,
        inc: &Incident,
        me: Option<&str>,
        (from, to): (Option<i64>, Option<i64>),
    ) -> bool {
        match self.assigned {
            Assigned::Anyone => {}
            Assigned::Me => {
                let mine = match (me, &inc.assigned_to) {
                    (Some(me), Some(a)) => a.eq_ignore_ascii_case(me),
                    _ => false,
                };
                if !mine {
                    return false;
                }
            }
            Assigned::Unassigned => {
                if inc.assigned_to.as_deref().is_some_and(|a| !a.trim().is_empty()) {
                    return false;
                }
            }
        }
        let ts = match self.time_field {
            TimeField::Updated => inc.last_update_ts,
            TimeField::Created => inc.created_ts,
        };
        if from.is_some() || to.is_some() {
            let Some(ts) = ts else { return false };
            if from.is_some_and(|f| ts < f) || to.is_some_and(|t| ts > t) {
                return false;
            }
        }
        if !self.tags.iter().all(|t| inc.tags.iter().any(|it| it.eq_ignore_ascii_case(t))) {
            return false;
        }
        if !self.service_source.is_empty()
            && !inc.alerts.iter().any(|a| {
                a.service_source
                    .as_deref()
                    .is_some_and(|s| self.service_source.iter().any(|w| w.eq_ignore_ascii_case(s)))
            })
        {
            return false;
        }
        true
    }
}

fn status_from_key(k: &str) -> Option<Status> {
    match k {
        "active" | "new" => Some(Status::Active),
        "inprogress" => Some(Status::InProgress),
        "resolved" => Some(Status::Resolved),
        "redirected" => Some(Status::Redirected),
        _ => None,
    }
}

/// Search over name, id and affected entities (users, mailboxes, devices, files, IPs, URLs…).
pub(crate) fn text_matches(inc: &Incident, needle: &str) -> bool {
    let has = |s: &str| s.to_lowercase().contains(needle);
    if has(&inc.name) || has(&inc.id) || inc.assigned_to.as_deref().is_some_and(has) {
        return true;
    }
    inc.alerts.iter().any(|a| {
        has(&a.title)
            || a.devices.iter().any(|d| d.device_dns_name.as_deref().is_some_and(has))
            || a.entities.iter().any(|e| has(&e.summary()))
    })
}

/// Orders two incidents by `key`; ties fall back to newest update first, then id, so the order is stable.
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

/// Sorts in place by `key`.
pub fn sort(items: &mut [Incident], key: SortKey, desc: bool) {
    items.sort_by(|a, b| compare(a, b, key, desc));
}

/// The positions in `items` that the view shows, in the view's order (indices keep 10,000 incidents cheap
/// to re-filter on every keystroke: nothing is cloned).
pub fn visible_indices(items: &[Incident], view: &View, me: Option<&str>, now: i64) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..items.len()).filter(|&i| view.matches(&items[i], me, now)).collect();
    idx.sort_by(|&a, &b| compare(&items[a], &items[b], view.sort, view.desc));
    idx
}

/// Rows of the severity × status summary: severities high→informational, statuses as columns.
pub const SUMMARY_SEVERITIES: &[&str] = &["High", "Medium", "Low", "Informational"];
/// Columns of the summary.
pub const SUMMARY_STATUSES: &[&str] = &["Active", "In progress", "Resolved"];

/// Counts per (severity, status) cell, in the order of the two constant lists; other values go nowhere.
pub fn summary(items: &[&Incident]) -> Vec<Vec<usize>> {
    let mut grid = vec![vec![0usize; SUMMARY_STATUSES.len()]; SUMMARY_SEVERITIES.len()];
    for inc in items {
        let (sk, tk) = (key(inc.severity.label()), key(inc.status.label()));
        let r = SUMMARY_SEVERITIES.iter().position(|s| key(s) == sk);
        let c = SUMMARY_STATUSES.iter().position(|s| key(s) == tk);
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

fn csv_field(s: &str) -> String {
    // A leading = + - @ would make a spreadsheet run a formula from attacker-controlled text.
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{s}") } else { s.to_string() };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// The header and rows of the CSV export.
pub fn to_csv(items: &[Incident]) -> String {
    let mut out = String::from(
        "id,name,severity,status,assignedTo,classification,determination,createdTime,lastUpdateTime,alerts,tags\r\n",
    );
    for i in items {
        let cols = [
            i.id.clone(),
            i.name.clone(),
            i.severity.label().to_string(),
            i.status.label().to_string(),
            i.assigned_to.clone().unwrap_or_default(),
            i.classification.label().to_string(),
            i.determination.label().to_string(),
            i.created.clone().unwrap_or_default(),
            i.last_update.clone().unwrap_or_default(),
            i.alert_count.to_string(),
            i.tags.join(";"),
        ];
        out.push_str(&cols.iter().map(|c| csv_field(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

/// The JSON export: the normalised incidents as the page understood them.
pub fn to_json(items: &[Incident]) -> String {
    let rows: Vec<serde_json::Value> = items
        .iter()
        .map(|i| {
            serde_json::json!({
                "id": i.id, "name": i.name, "severity": i.severity.label(), "status": i.status.label(),
                "assignedTo": i.assigned_to, "classification": i.classification.label(),
                "determination": i.determination.label(), "createdTime": i.created, "lastUpdateTime": i.last_update,
                "alertCount": i.alert_count, "tags": i.tags,
            })
        })
        .collect();
    serde_json::to_string_pretty(&rows).unwrap_or_else(|_| "[]".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::model::{Alert, Classification, Determination, Entity, Severity};

    const NOW: i64 = 1_760_000_000;

    fn inc(id: &str, sev: Severity, status: Status, updated_ago: i64) -> Incident {
        Incident {
            id: id.into(),
            name: format!("Incident {id}"),
            severity: sev,
            status,
            assigned_to: None,
            classification: Classification::Unknown,
            determination: Determination::NotAvailable,
            created: None,
            last_update: None,
            created_ts: Some(NOW - updated_ago - 100),
            last_update_ts: Some(NOW - updated_ago),
            alert_count: 1,
            tags: vec![],
            redirect_id: None,
            web_url: None,
            tenant_id: None,
            detection_source: None,
            description: None,
            alerts: vec![],
            comments: vec![],
        }
    }

    #[test]
    fn default_view_is_the_portals() {
        let v = View::default();
        assert_eq!(v.to_hash(), "#/incidents");
        let d = 86_400;
        assert!(v.matches(&inc("1", Severity::High, Status::Active, d), None, NOW));
        assert!(v.matches(&inc("2", Severity::Low, Status::InProgress, d), None, NOW));
        assert!(!v.matches(&inc("3", Severity::Informational, Status::Active, d), None, NOW), "informational hidden");
        assert!(!v.matches(&inc("4", Severity::High, Status::Resolved, d), None, NOW), "resolved hidden");
        assert!(
            !v.matches(&inc("5", Severity::High, Status::Active, 200 * d), None, NOW),
            "older than 6 months hidden"
        );
    }

    #[test]
    fn hash_round_trips_every_field() {
        let v = View {
            status: vec!["resolved".into()],
            severity: vec![],
            assigned: Assigned::Me,
            classification: vec!["truepositive".into()],
            determination: vec!["malware".into(), "phishing".into()],
            time_field: TimeField::Created,
            range: Range::Last(7 * 86_400),
            tags: vec!["Ransomware".into()],
            service_source: vec!["MicrosoftDefenderForEndpoint".into()],
            text: "ada & bob, \"quoted\"".into(),
            sort: SortKey::Severity,
            desc: false,
            page: 3,
            refresh: Some(60),
            incident: None,
        };
        let h = v.to_hash();
        assert!(h.starts_with("#/incidents?status=resolved&severity=all&assigned=me"), "{h}");
        assert_eq!(View::from_hash(&h), v);
        let mut custom = View::default();
        custom.range = Range::Custom(Some(NOW - 1000), Some(NOW));
        custom.incident = Some("42".into());
        assert_eq!(View::from_hash(&custom.to_hash()), custom);
        assert!(custom.to_hash().starts_with("#/incidents/42?"));
    }

    #[test]
    fn hostile_or_garbled_fragments_fall_back_to_defaults() {
        for h in ["", "#", "#/nowhere", "#/incidents?sort=evil&page=-1&range=forever&refresh=1", "#/incidents?%ZZ=%"] {
            let v = View::from_hash(h);
            assert_eq!(v.sort, SortKey::Updated, "{h}");
            assert_eq!(v.page, 0);
        }
        assert_eq!(
            View::from_hash("#/incidents?refresh=1").refresh,
            Some(15),
            "refresh is clamped to protect the rate limit"
        );
    }

    #[test]
    fn server_filter_pushes_status_assignee_and_time() {
        let v = View { assigned: Assigned::Me, ..View::default() };
        let f = v.server_filter(Source::Defender, Some("ada@contoso.com"), NOW).unwrap();
        assert_eq!(
            f,
            "(status eq 'Active' or status eq 'InProgress') and assignedTo eq 'ada@contoso.com' and lastUpdateTime ge 2025-04-10T08:53:20Z"
        );
        let g =
            View { time_field: TimeField::Created, ..View::default() }.server_filter(Source::Graph, None, NOW).unwrap();
        assert!(g.contains("status eq 'active'") && g.contains("createdDateTime ge "), "{g}");
        let any = View { status: vec![], range: Range::All, ..View::default() };
        assert_eq!(any.server_filter(Source::Defender, None, NOW), None);
    }

    #[test]
    fn in_page_filters_cover_what_the_server_cannot() {
        let mut a = inc("10", Severity::High, Status::Active, 60);
        a.assigned_to = Some("Ada@Contoso.com".into());
        a.tags = vec!["Ransomware".into()];
        a.classification = Classification::TruePositive;
        a.determination = Determination::Malware;
        a.alerts = vec![Alert {
            id: "da1".into(),
            title: "Suspicious sign-in".into(),
            severity: Severity::High,
            status: Status::Active,
            category: None,
            service_source: Some("MicrosoftDefenderForEndpoint".into()),
            detection_source: None,
            mitre_techniques: vec![],
            first_activity: None,
            last_activity: None,
            devices: vec![],
            entities: vec![Entity {
                ip_address: Some("203.0.113.7".into()),
                entity_type: Some("Ip".into()),
                ..Default::default()
            }],
        }];
        let b = inc("11", Severity::Medium, Status::Active, 60);
        let base = View::default();
        let pick = |v: View| -> Vec<String> {
            [&a, &b].iter().filter(|i| v.matches(i, Some("ada@contoso.com"), NOW)).map(|i| i.id.clone()).collect()
        };
        assert_eq!(pick(View { assigned: Assigned::Me, ..base.clone() }), ["10"]);
        assert_eq!(pick(View { assigned: Assigned::Unassigned, ..base.clone() }), ["11"]);
        assert_eq!(pick(View { severity: vec!["medium".into()], ..base.clone() }), ["11"]);
        assert_eq!(pick(View { tags: vec!["ransomware".into()], ..base.clone() }), ["10"]);
        assert_eq!(pick(View { classification: vec!["truepositive".into()], ..base.clone() }), ["10"]);
        assert_eq!(pick(View { determination: vec!["malware".into()], ..base.clone() }), ["10"]);
        assert_eq!(pick(View { service_source: vec!["microsoftdefenderforendpoint".into()], ..base.clone() }), ["10"]);
        assert_eq!(pick(View { text: "203.0.113".into(), ..base.clone() }), ["10"], "entities are searched");
        assert_eq!(pick(View { text: "incident 11".into(), ..base.clone() }), ["11"]);
        assert_eq!(pick(View { range: Range::Last(30), ..base.clone() }), Vec::<String>::new());
    }

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
        let idx = visible_indices(&v, &view, None, NOW);
        assert_eq!(idx.iter().map(|&i| v[i].id.as_str()).collect::<Vec<_>>(), ["10", "2", "9"]);
    }

    #[test]
    fn summary_and_histogram_count_what_they_should() {
        let v = vec![
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

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        let mut a = inc("1", Severity::High, Status::Active, 10);
        a.name = "=HYPERLINK(\"http://evil\",\"x\"), with comma".into();
        let csv = to_csv(&[a]);
        let line = csv.lines().nth(1).unwrap();
        assert!(line.starts_with("1,\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\"), with comma\",High,Active"), "{line}");
        let json: serde_json::Value =
            serde_json::from_str(&to_json(&[inc("7", Severity::Low, Status::Active, 1)])).unwrap();
        assert_eq!(json[0]["id"], "7");
        assert_eq!(json[0]["severity"], "Low");
    }
}
