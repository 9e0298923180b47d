//! An incident's story in time order: its creation, each alert's activity and resolution, and every comment
//! (on the incident and on its alerts).

use crate::incidents::model::Incident;
use crate::incidents::query::parse_rfc3339;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// The incident was created.
    Created,
    /// An alert's first activity (or its creation when no activity time is given).
    Alert,
    /// An alert was resolved.
    Resolved,
    /// A comment.
    Comment,
}

/// One line of the timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Unix seconds, when the time parses.
    pub at: Option<i64>,
    /// What happened.
    pub kind: EventKind,
    /// The line's text (the alert's title, the comment).
    pub text: String,
    /// Who (a comment's author).
    pub by: Option<String>,
}

/// The events of `inc`, oldest first; events without a readable time come last, in the order given.
pub fn timeline(inc: &Incident) -> Vec<Event> {
    let ev = |at: Option<&String>, kind, text: &str, by: Option<&String>| Event {
        at: at.and_then(|s| parse_rfc3339(s)),
        kind,
        text: text.to_string(),
        by: by.cloned(),
    };
    let mut out = vec![ev(inc.created.as_ref(), EventKind::Created, &inc.name, None)];
    for a in &inc.alerts {
        out.push(ev(a.first_activity.as_ref().or(a.created.as_ref()), EventKind::Alert, &a.title, None));
        if a.resolved.is_some() {
            out.push(ev(a.resolved.as_ref(), EventKind::Resolved, &a.title, None));
        }
    }
    let comments = inc.comments.iter().chain(inc.alerts.iter().flat_map(|a| a.comments.iter()));
    for c in comments {
        out.push(ev(
            c.created_time.as_ref(),
            EventKind::Comment,
            c.comment.as_deref().unwrap_or(""),
            c.created_by.as_ref(),
        ));
    }
    // Stable: equal times keep the order above.
    out.sort_by_key(|e| (e.at.is_none(), e.at.unwrap_or(0)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incidents::model::{Alert, Comment};

    #[test]
    fn events_in_time_order_with_untimed_last() {
        let mut inc = crate::incidents::fixture::inc(
            "1",
            crate::incidents::model::Severity::High,
            crate::incidents::model::Status::Active,
            60,
        );
        inc.created = Some("2024-03-01T10:00:00Z".into());
        inc.alerts = vec![Alert {
            title: "Shadow copies deleted".into(),
            first_activity: Some("2024-03-01T09:59:00Z".into()),
            resolved: Some("2024-03-01T12:00:00.5Z".into()),
            comments: vec![Comment { comment: Some("alert note".into()), created_by: None, created_time: None }],
            ..Default::default()
        }];
        inc.comments = vec![Comment {
            comment: Some("looked".into()),
            created_by: Some("ada".into()),
            created_time: Some("2024-03-01T10:30:57.29Z".into()),
        }];
        let events = timeline(&inc);
        let t: Vec<(EventKind, &str)> = events.iter().map(|e| (e.kind, e.text.as_str())).collect();
        assert_eq!(
            t,
            [
                (EventKind::Alert, "Shadow copies deleted"),
                (EventKind::Created, "Incident 1"),
                (EventKind::Comment, "looked"),
                (EventKind::Resolved, "Shadow copies deleted"),
                (EventKind::Comment, "alert note"),
            ]
        );
        assert_eq!(events[2].by.as_deref(), Some("ada"));
    }
}
