//! The view ⇄ URL fragment: `#/incidents/{id}?status=…&severity=…`. A link can't break the page.

use super::{Assigned, Range, SortKey, TimeField, View, PAGE_SIZE, RANGES};
use crate::http::{parse_query, percent_decode, percent_encode};
use crate::incidents::model::norm;
use crate::incidents::query::{parse_rfc3339, rfc3339};

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
            let id = percent_decode(id);
            if !id.is_empty() && id.len() <= 100 {
                v.incident = Some(id);
            }
        }
        for (k, val) in parse_query(query) {
            match k.as_str() {
                "status" => v.status = list(&val).iter().map(|s| norm(s)).collect(),
                "severity" => v.severity = list(&val).iter().map(|s| norm(s)).collect(),
                "class" => v.classification = list(&val).iter().map(|s| norm(s)).collect(),
                "det" => v.determination = list(&val).iter().map(|s| norm(s)).collect(),
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
                    let ts = parse_rfc3339(&val).or_else(|| parse_rfc3339(&format!("{val}T00:00:00Z")));
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

    /// The link that opens incident `id` from this view: the same view, with the incident open (back then
    /// returns to it). A link is built from the view current when it is followed or drawn, never kept from an
    /// earlier one: a row that stays on screen across a filter change must open the changed view (issue 21).
    pub fn incident_hash(&self, id: &str) -> String {
        View { incident: Some(id.to_string()), ..self.clone() }.to_hash()
    }

    /// The way back from an open incident: this view, with no incident open.
    pub fn queue_hash(&self) -> String {
        View { incident: None, ..self.clone() }.to_hash()
    }

    /// A step of the incident page's walk to `id`, which stands at `index` in this view's order: the same
    /// view, its page moved along so the way back lands on that incident's row.
    pub fn walk_hash(&self, id: &str, index: usize) -> String {
        View { incident: Some(id.to_string()), page: index / PAGE_SIZE, ..self.clone() }.to_hash()
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
                    put("from", rfc3339(f));
                }
                if let Some(t) = to {
                    put("to", rfc3339(t));
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incidents::fixture::NOW;

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
        let custom =
            View { range: Range::Custom(Some(NOW - 1000), Some(NOW)), incident: Some("42".into()), ..View::default() };
        assert_eq!(View::from_hash(&custom.to_hash()), custom);
        assert!(custom.to_hash().starts_with("#/incidents/42?"));
        // Opening an incident from a view keeps the view.
        let opened = View::from_hash(&v.incident_hash("1874"));
        assert_eq!(opened, View { incident: Some("1874".into()), ..v.clone() });
    }

    #[test]
    fn links_open_and_leave_an_incident_in_the_view_they_are_built_from() {
        // The analyst narrowed the default queue to high severity, then opened a row still on screen.
        let changed = View { severity: vec!["high".into()], page: 2, ..View::default() };
        let open = changed.incident_hash("1874");
        assert_eq!(open, "#/incidents/1874?severity=high&page=2");
        let opened = View::from_hash(&open);
        assert_eq!(opened, View { incident: Some("1874".into()), ..changed.clone() });
        // Back (the link, Escape) is the changed view, with no incident.
        assert_eq!(opened.queue_hash(), changed.to_hash());
        assert_eq!(View::from_hash(&opened.queue_hash()), changed);
        // A walk step keeps the filters and moves the page to the neighbour's.
        assert_eq!(opened.walk_hash("7", 0), "#/incidents/7?severity=high");
        assert_eq!(opened.walk_hash("7", PAGE_SIZE * 3 + 1), "#/incidents/7?severity=high&page=3");
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
}
