//! What a step-up sign-in holds across the consent redirect, one typed enum for every feature: the pending
//! record keeps it as JSON tagged by `kind` (`"incident-action"`, `"hunt"`), and the redirect back matches on the
//! enum, never on strings. The wire format is the one earlier pages wrote, so a sign-in started before an update
//! still comes back. `auth` keeps the JSON without knowing what it holds.

use serde::{Deserialize, Serialize};

/// An intent held across a consent redirect; it comes back only to be shown (an action waits for its
/// confirmation; a hunt runs because the analyst's gesture was Run).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum Intent {
    /// An action on one incident or on the queue's selection.
    #[serde(rename = "incident-action")]
    Action(crate::actions::Intent),
    /// A hunt the analyst ran.
    #[serde(rename = "hunt")]
    Hunt(crate::hunting::HuntView),
}

impl Intent {
    /// As the pending sign-in keeps it.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads an intent back; `None` for an unknown kind or anything unreadable. What comes back is checked
    /// again before anything is sent.
    pub fn from_json(json: &str) -> Option<Intent> {
        serde_json::from_str(json).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::{Action, Target};
    use crate::hunting::HuntView;

    #[test]
    fn every_intent_round_trips_by_its_kind() {
        let one = crate::actions::Intent::one("7", Action::Unassign);
        let bulk = crate::actions::Intent {
            target: Target::Selection(vec!["1".into(), "2".into()]),
            action: Action::Unassign,
            tags_before: None,
        };
        let hunt = HuntView::new("DeviceInfo | take 1", Some("P7D"));
        for i in [Intent::Action(one), Intent::Action(bulk), Intent::Hunt(hunt), Intent::Hunt(HuntView::new("T", None))]
        {
            assert_eq!(Intent::from_json(&i.to_json()), Some(i.clone()), "{}", i.to_json());
        }
        assert_eq!(Intent::Hunt(HuntView::new("T", None)).to_json(), r#"{"kind":"hunt","query":"T"}"#);
    }

    #[test]
    fn records_written_by_earlier_pages_still_read() {
        // As the pages before the typed intent wrote them.
        let action = r#"{"kind":"incident-action","incident":"42","action":{"type":"unassign"}}"#;
        let Some(Intent::Action(a)) = Intent::from_json(action) else { panic!("{action}") };
        assert_eq!(a.target, Target::Incident("42".into()));
        let hunt = r#"{"kind":"hunt","query":"DeviceInfo","timespan":"P1D"}"#;
        assert_eq!(Intent::from_json(hunt), Some(Intent::Hunt(HuntView::new("DeviceInfo", Some("P1D")))));
        // A hunt from a link is bounded like one: an over-long query is cut, a bad timespan dropped.
        let long = format!(r#"{{"kind":"hunt","query":"{}","timespan":"<script>"}}"#, "q".repeat(20_000));
        let Some(Intent::Hunt(h)) = Intent::from_json(&long) else { panic!() };
        assert_eq!((h.query.chars().count(), h.timespan), (crate::hunting::MAX_QUERY_CHARS, None));
    }

    #[test]
    fn nothing_else_is_an_intent() {
        for junk in [
            "",
            "{}",
            "not json",
            r#"{"query":"T"}"#,
            r#"{"kind":"other","query":"T"}"#,
            r#"{"kind":"incident-action","query":"T"}"#,
            r#"{"kind":"hunt","incident":"1"}"#,
            r#"{"kind":"incident-action","incident":"1","incidents":["2"],"action":{"type":"unassign"}}"#,
            r#"{"kind":"incident-action","incidents":[],"action":{"type":"unassign"}}"#,
        ] {
            assert_eq!(Intent::from_json(junk), None, "{junk}");
        }
    }
}
