//! Deterministic incident data. Only a compact summary of each incident is kept in memory;
//! alerts, devices, entities and comments are re-derived from the incident's own seed and its [`Origin`]
//! when a page is rendered, so 100,000 incidents cost a few megabytes and a fraction of a second.
//! Nothing an update writes feeds that derivation, so an update changes only the fields it writes.

mod catalog;
mod defender;
mod endpoint;
mod generate;
mod graph;
mod hostile;
mod vocab;

pub(crate) use catalog::{HOSTS, PEOPLE};
pub(crate) use defender::defender_json;
pub(crate) use generate::{fresh, generate, sort_newest_first};
pub(crate) use graph::graph_incident;
pub(crate) use hostile::Hostile;
pub(crate) use vocab::{
    documented_pair, graph_classification, graph_determination, graph_severity, graph_status, CLASSIFICATIONS,
    DETERMINATIONS, STATUSES,
};

/// Compact in-memory incident: the filterable fields plus the seed of everything else.
#[derive(Debug, Clone)]
pub(crate) struct Incident {
    /// `incidentId`.
    pub(crate) id: u64,
    /// Seed of the derived details.
    pub(crate) seed: u64,
    /// `createdTime` (epoch ms).
    pub(crate) created: i64,
    /// `lastUpdateTime` (epoch ms).
    pub(crate) last_update: i64,
    /// `incidentName`.
    pub(crate) name: Option<String>,
    /// `status`.
    pub(crate) status: Option<String>,
    /// `severity`.
    pub(crate) severity: Option<String>,
    /// `classification`.
    pub(crate) classification: Option<String>,
    /// `determination`.
    pub(crate) determination: Option<String>,
    /// `assignedTo`.
    pub(crate) assigned_to: Option<String>,
    /// `redirectIncidentId`.
    pub(crate) redirect_id: Option<u64>,
    /// Hostile payload, if any.
    pub(crate) hostile: Option<Hostile>,
    /// `tags` once an update set them (None: the tags derived from the seed).
    pub(crate) tags: Option<Vec<String>>,
    /// Comments added through the APIs, after the derived ones.
    pub(crate) comments: Vec<Comment>,
    /// The incident as it was made, which its alerts were made from.
    pub(crate) origin: Origin,
}

/// What an incident's alerts were made from: the incident as the sandbox generated (or created) it. Updates
/// never touch it, so resolving, classifying, assigning or commenting on an incident leaves its alerts, devices,
/// evidence and seeded comments as they were (issue 21, item 11: they used to be re-derived from the current
/// status, and resolving an incident rewrote them).
#[derive(Debug, Clone, Default)]
pub(crate) struct Origin {
    /// Whether the incident was made resolved (then its alerts are resolved, with its classification).
    pub(crate) resolved: bool,
    /// When it was resolved (its first `lastUpdateTime`).
    pub(crate) resolved_at: i64,
    /// `classification` as made.
    pub(crate) classification: Option<String>,
    /// `determination` as made.
    pub(crate) determination: Option<String>,
    /// `assignedTo` as made.
    pub(crate) assigned_to: Option<String>,
    /// `severity` as made (every alert's severity).
    pub(crate) severity: Option<String>,
    /// The alert template the incident's name tells of (index into the catalog's alerts): its first alert.
    pub(crate) lead: Option<usize>,
}

impl Incident {
    /// Takes the incident as it is now as the one its alerts are made from (at generation and creation only).
    pub(crate) fn settle(&mut self) {
        self.origin = Origin {
            resolved: self.status.as_deref() == Some("Resolved"),
            resolved_at: self.last_update,
            classification: self.classification.clone(),
            determination: self.determination.clone(),
            assigned_to: self.assigned_to.clone(),
            severity: self.severity.clone(),
            lead: self.origin.lead,
        };
    }
}

/// A comment added through an API.
#[derive(Debug, Clone)]
pub(crate) struct Comment {
    /// The text.
    pub(crate) text: String,
    /// Author: the signed-in user's UPN.
    pub(crate) by: String,
    /// When (epoch ms).
    pub(crate) at: i64,
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::vocab::{CLASSIFICATIONS, DETERMINATIONS, INVESTIGATION_STATES, SEVERITIES, STATUSES};
    use super::*;

    #[test]
    fn deterministic_and_complete() {
        let now = 1_714_558_272_345;
        let a = generate(7, 300, now, false);
        let b = generate(7, 300, now, false);
        assert_eq!(a.len(), 300);
        assert_eq!(defender_json(&a[5]), defender_json(&b[5]));
        assert!(a.windows(2).all(|w| w[0].last_update >= w[1].last_update));
        let all: Vec<Value> = a.iter().map(defender_json).collect();
        let text = serde_json::to_string(&all).unwrap();
        for v in SEVERITIES
            .iter()
            .chain(&STATUSES)
            .chain(&CLASSIFICATIONS)
            .chain(&DETERMINATIONS)
            .chain(&INVESTIGATION_STATES)
        {
            assert!(text.contains(&format!("\"{v}\"")), "missing enum value {v}");
        }
        for e in [
            "User",
            "Ip",
            "Url",
            "File",
            "Process",
            "MailBox",
            "MailMessage",
            "MailCluster",
            "Registry",
            "SecurityGroup",
        ] {
            assert!(text.contains(&format!("\"entityType\":\"{e}\"")), "missing entity {e}");
        }
    }

    #[test]
    fn graph_evidence_covers_the_documented_subtypes() {
        let a = generate(7, 300, 1_714_558_272_345, false);
        let all: Vec<Value> = a.iter().map(|i| graph_incident(i, true)).collect();
        let text = serde_json::to_string(&all).unwrap();
        for t in [
            "deviceEvidence",
            "userEvidence",
            "ipEvidence",
            "urlEvidence",
            "fileEvidence",
            "processEvidence",
            "mailboxEvidence",
            "analyzedMessageEvidence",
            "mailClusterEvidence",
            "registryValueEvidence",
            "securityGroupEvidence",
            "cloudApplicationEvidence",
        ] {
            assert!(text.contains(&format!("\"#microsoft.graph.security.{t}\"")), "missing evidence {t}");
        }
        // Documented on deviceEvidence and processEvidence (issue 21.7: the app had nothing to show for them).
        for f in ["defenderAvStatus", "onboardingStatus", "rbacGroupName", "\"version\"", "parentProcessImageFile"] {
            assert!(text.contains(f), "missing {f}");
        }
    }

    #[test]
    fn hostile_incidents_render() {
        let v = generate(1, 10, 1_714_558_272_345, true);
        assert_eq!(v.len(), 18);
        for i in &v {
            assert!(serde_json::to_string(&defender_json(i)).is_ok());
            assert!(serde_json::to_string(&graph_incident(i, true)).is_ok());
        }
    }

    #[test]
    fn hundred_thousand_is_quick() {
        let t = std::time::Instant::now();
        let v = generate(42, 100_000, 1_714_558_272_345, false);
        assert_eq!(v.len(), 100_000);
        assert!(t.elapsed().as_secs() < 10);
    }
}
