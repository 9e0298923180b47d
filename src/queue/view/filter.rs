//! Which incidents a view shows: the part the server can filter (`$filter`) and the in-page filter.

use super::{Assigned, TimeField, View};
use crate::incidents::model::{Incident, Status};
use crate::incidents::query::{filter_and, filter_status_in, filter_updated_since, rfc3339};
use crate::incidents::source::api;
use crate::incidents::source::Source;

/// Who "assigned to me" is: the analyst's sign-in name (UPN) and display name. Defender's `assignedTo` holds
/// whichever the portal or API was given, so an incident assigned to either is the analyst's.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Me {
    names: Vec<String>,
}

impl Me {
    /// From the ID token's `preferred_username` and `name`; blanks and case-insensitive repeats are dropped.
    pub fn new(upn: Option<&str>, display_name: Option<&str>) -> Me {
        let mut names: Vec<String> = vec![];
        for n in [upn, display_name].into_iter().flatten().map(str::trim).filter(|n| !n.is_empty()) {
            if !names.iter().any(|k| k.eq_ignore_ascii_case(n)) {
                names.push(n.to_string());
            }
        }
        Me { names }
    }

    /// Whether `assignee` is the analyst, by either name.
    pub fn is(&self, assignee: &str) -> bool {
        self.names.iter().any(|n| n.eq_ignore_ascii_case(assignee.trim()))
    }
}

impl View {
    /// The OData `$filter` for what the server can filter: status, assignee and time (Defender documents
    /// `$filter` on status, assignedTo, createdTime and lastUpdateTime; severity is filtered in the page).
    pub fn server_filter(&self, source: Source, me: &Me, now: i64) -> Option<String> {
        let mut clauses = vec![];
        // Only offered values go to the server (every source documents them).
        let statuses: Vec<String> = (self.status.iter())
            .filter_map(|k| Status::from_key(k))
            .filter(|s| s.known().is_some_and(|k| k.offered))
            .map(|s| s.api_value(source))
            .collect();
        // Only push when every chosen status is a known value; otherwise the page filters alone.
        if !statuses.is_empty() && statuses.len() == self.status.len() {
            let refs: Vec<&str> = statuses.iter().map(String::as_str).collect();
            clauses.push(filter_status_in("status", &refs));
        }
        if self.assigned == Assigned::Me && !me.names.is_empty() {
            let names: Vec<&str> = me.names.iter().map(String::as_str).collect();
            // `field eq a or field eq b`, the same OData form as the status list.
            clauses.push(filter_status_in("assignedTo", &names));
        }
        let field = match self.time_field {
            TimeField::Updated => api(source).updated_field,
            TimeField::Created => api(source).created_field,
        };
        let (from, to) = self.window(now);
        if let Some(f) = from {
            clauses.push(filter_updated_since(field, f));
        }
        if let Some(t) = to {
            clauses.push(format!("{field} le {}", rfc3339(t)));
        }
        filter_and(&clauses)
    }

    /// Whether `inc` belongs in this view (every filter, including those the server already applied:
    /// merged auto-refresh results and sources without server filtering go through here too). The reference
    /// that `api::index`'s keyed filter is tested against.
    #[cfg(test)]
    pub fn matches(&self, inc: &Incident, me: &Me, now: i64) -> bool {
        let in_list =
            |list: &[String], label: &str| list.is_empty() || list.contains(&crate::incidents::model::norm(label));
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
    pub(crate) fn matches_others(&self, inc: &Incident, me: &Me, (from, to): (Option<i64>, Option<i64>)) -> bool {
        match self.assigned {
            Assigned::Anyone => {}
            Assigned::Me => {
                if !inc.assigned_to.as_deref().is_some_and(|a| me.is(a)) {
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
            || a.mitre_techniques.iter().any(|t| has(&crate::queue::search::technique_text(t)))
            || a.actor.as_deref().is_some_and(has)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incidents::fixture::{inc, NOW};
    use crate::incidents::model::{Alert, Classification, Determination, Entity, Severity};
    use crate::queue::view::Range;

    #[test]
    fn default_view_is_the_portals() {
        let v = View::default();
        assert_eq!(v.to_hash(), "#/incidents");
        let d = 86_400;
        assert!(v.matches(&inc("1", Severity::High, Status::Active, d), &Me::default(), NOW));
        assert!(v.matches(&inc("2", Severity::Low, Status::InProgress, d), &Me::default(), NOW));
        assert!(
            !v.matches(&inc("3", Severity::Informational, Status::Active, d), &Me::default(), NOW),
            "informational hidden"
        );
        assert!(!v.matches(&inc("4", Severity::High, Status::Resolved, d), &Me::default(), NOW), "resolved hidden");
        assert!(
            !v.matches(&inc("5", Severity::High, Status::Active, 200 * d), &Me::default(), NOW),
            "older than 6 months hidden"
        );
    }

    fn ada() -> Me {
        Me::new(Some("ada@contoso.com"), None)
    }

    #[test]
    fn assigned_to_me_matches_the_upn_or_the_display_name() {
        let me = Me::new(Some("ada@contoso.com"), Some("Ada Lovelace"));
        assert!(me.is("ADA@contoso.com") && me.is("ada lovelace") && me.is(" Ada Lovelace "));
        assert!(!me.is("Ada") && !me.is("") && !Me::default().is(""));
        assert_eq!(Me::new(Some("x@y"), Some("X@Y")), Me::new(Some("x@y"), None), "one name once");
        let v = View { assigned: Assigned::Me, status: vec![], range: Range::All, ..View::default() };
        let mut by_name = inc("20", Severity::High, Status::Active, 60);
        by_name.assigned_to = Some("Ada Lovelace".into());
        assert!(v.matches(&by_name, &me, NOW), "assignedTo holds the display name");
        assert!(!v.matches(&by_name, &ada(), NOW), "without the display name it is someone else's");
        assert_eq!(
            v.server_filter(Source::Defender, &me, NOW).unwrap(),
            "(assignedTo eq 'ada@contoso.com' or assignedTo eq 'Ada Lovelace')"
        );
    }

    #[test]
    fn server_filter_pushes_status_assignee_and_time() {
        let v = View { assigned: Assigned::Me, ..View::default() };
        let f = v.server_filter(Source::Defender, &ada(), NOW).unwrap();
        assert_eq!(
            f,
            "(status eq 'Active' or status eq 'InProgress') and assignedTo eq 'ada@contoso.com' and lastUpdateTime ge 2025-04-10T08:53:20Z"
        );
        let g = View { time_field: TimeField::Created, ..View::default() }
            .server_filter(Source::Graph, &Me::default(), NOW)
            .unwrap();
        assert!(g.contains("status eq 'active'") && g.contains("createdDateTime ge "), "{g}");
        let any = View { status: vec![], range: Range::All, ..View::default() };
        assert_eq!(any.server_filter(Source::Defender, &Me::default(), NOW), None);
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
            ..Default::default()
        }];
        let b = inc("11", Severity::Medium, Status::Active, 60);
        let base = View::default();
        let pick = |v: View| -> Vec<String> {
            [&a, &b].iter().filter(|i| v.matches(i, &ada(), NOW)).map(|i| i.id.clone()).collect()
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
}
