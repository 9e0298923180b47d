//! Test fixtures shared by the api modules' tests.

use crate::incidents::model::{Classification, Determination, Incident, Severity, Status};

/// "Now" in the tests.
pub(crate) const NOW: i64 = 1_760_000_000;

/// An incident with these facts, updated `updated_ago` seconds before [`NOW`] and created 100 s earlier.
pub(crate) fn inc(id: &str, sev: Severity, status: Status, updated_ago: i64) -> Incident {
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
        system_tags: vec![],
        custom_tags: vec![],
        redirect_id: None,
        web_url: None,
        tenant_id: None,
        detection_source: None,
        description: None,
        alerts: vec![],
        comments: vec![],
        summary: None,
        resolving_comment: None,
        last_modified_by: None,
        raw: None,
    }
}
