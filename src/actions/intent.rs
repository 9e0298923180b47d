//! An action on the way to being sent (issue 14): whether it first needs the write permission (incremental
//! consent), how it travels across that redirect ([`Intent`], JSON in the pending sign-in's `StepUp`), and how
//! it ended ([`Outcome`], for the activity list).

use super::access::{action_call, call_info, is_granted, Refusal};
use super::{Action, ActionError};
use crate::auth::session::Session;
use crate::config::Config;
use crate::incidents::model::{Classification, Determination, Status};
use crate::request::error::ApiError;
use serde_json::{json, Map, Value};

/// The `kind` an incident action's intent carries, so another feature's step-up is never read as one (the
/// redirect back hands an intent to the feature whose kind it names).
pub const KIND: &str = "incident-action";

/// What a held action is for: one incident (its page), or the queue's selection (the bulk bar).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The incident's id.
    Incident(String),
    /// The selected incidents' ids, in the order they were selected.
    Selection(Vec<String>),
}

/// An action held for the analyst while the provider asks for consent; shown with a confirmation when back. In
/// the pending sign-in it is `crate::intent::Intent::Action`, whose `kind` tag serde adds and removes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "Map<String, Value>", into = "Map<String, Value>")]
pub struct Intent {
    /// What it acts on.
    pub target: Target,
    /// What the analyst asked for.
    pub action: Action,
    /// For a tag edit: the analyst's own tags it was computed from. Back from consent the edit is applied to the
    /// tags the server holds then ([`Intent::tags_now`]), so tags changed meanwhile are not overwritten.
    pub tags_before: Option<Vec<String>>,
}

fn status_from(key: &str) -> Status {
    Status::from_key(key).unwrap_or_else(|| Status::parse(Some(key)))
}

fn classification_from(key: &str) -> Classification {
    Classification::from_key(key).unwrap_or_else(|| Classification::parse(Some(key)))
}

fn determination_from(key: &str) -> Determination {
    Determination::from_key(key).unwrap_or_else(|| Determination::parse(Some(key)))
}

fn action_to_json(action: &Action) -> Value {
    match action {
        Action::AssignTo(who) => json!({"type": "assign", "to": who}),
        Action::Unassign => json!({"type": "unassign"}),
        Action::SetStatus(s) => json!({"type": "status", "status": s.key()}),
        Action::Classify { classification, determination } => {
            json!({"type": "classify", "classification": classification.key(), "determination": determination.key()})
        }
        Action::SetTags(tags) => json!({"type": "tags", "tags": tags}),
        Action::Comment(c) => json!({"type": "comment", "comment": c}),
        Action::Resolve { classification, determination, comment } => json!({
            "type": "resolve", "classification": classification.key(),
            "determination": determination.key(), "comment": comment,
        }),
    }
}

fn action_from_json(a: &Value) -> Option<Action> {
    let text = |k: &str| a.get(k).and_then(Value::as_str).map(str::to_string);
    Some(match a.get("type")?.as_str()? {
        "assign" => Action::AssignTo(text("to")?),
        "unassign" => Action::Unassign,
        "status" => Action::SetStatus(status_from(&text("status")?)),
        "classify" => Action::Classify {
            classification: classification_from(&text("classification")?),
            determination: determination_from(&text("determination")?),
        },
        "tags" => Action::SetTags(strings(a.get("tags")?)?),
        "comment" => Action::Comment(text("comment")?),
        "resolve" => Action::Resolve {
            classification: classification_from(&text("classification")?),
            determination: determination_from(&text("determination")?),
            comment: text("comment"),
        },
        _ => return None,
    })
}

/// A JSON array of strings, or `None`.
fn strings(v: &Value) -> Option<Vec<String>> {
    v.as_array()?.iter().map(|t| t.as_str().map(str::to_string)).collect()
}

impl Intent {
    /// An action on one incident.
    pub fn one(incident: impl Into<String>, action: Action) -> Intent {
        Intent { target: Target::Incident(incident.into()), action, tags_before: None }
    }

    /// A tag edit held across the consent redirect remembers the own tags it was computed from (`own`).
    pub fn computed_from(mut self, own: Vec<String>) -> Intent {
        if matches!(self.action, Action::SetTags(_)) {
            self.tags_before = Some(own);
        }
        self
    }

    /// The action to send now that the server's own tags are `fresh`: a held tag edit becomes the same additions
    /// and removals applied to `fresh` (case-insensitively, as [`super::edit_tags`] does); anything else as held.
    pub fn tags_now(&self, fresh: &[String]) -> Action {
        match (&self.action, &self.tags_before) {
            (Action::SetTags(wanted), Some(before)) => {
                let missing =
                    |list: &[String], t: &String| !list.iter().any(|x| x.trim().eq_ignore_ascii_case(t.trim()));
                let add: Vec<String> = wanted.iter().filter(|t| missing(before, t)).cloned().collect();
                let remove: Vec<String> = before.iter().filter(|t| missing(wanted, t)).cloned().collect();
                Action::SetTags(super::edit_tags(fresh, &add, &remove))
            }
            (action, _) => action.clone(),
        }
    }

    /// The incident, when the intent is for one.
    pub fn incident(&self) -> Option<&str> {
        match &self.target {
            Target::Incident(id) => Some(id),
            Target::Selection(_) => None,
        }
    }

    /// As stored in the pending sign-in: `{"kind", "incident" | "incidents", "action"}`. The one-incident
    /// shape is the one stored before bulk intents existed, so a sign-in started by an older page reads back.
    pub fn to_json(&self) -> String {
        let mut o = Map::from(self.clone());
        o.insert("kind".into(), KIND.into());
        Value::Object(o).to_string()
    }

    /// Reads an intent back; `None` for another feature's intent or anything unreadable (an empty selection,
    /// or both targets at once, included). What comes back is checked again by [`super::update_requests`]
    /// before anything is sent.
    pub fn from_json(json: &str) -> Option<Intent> {
        let v: Value = serde_json::from_str(json).ok()?;
        if v.get("kind")?.as_str()? != KIND {
            return None;
        }
        let Value::Object(o) = v else { return None };
        Intent::try_from(o).ok()
    }
}

/// `{"incident" | "incidents", "action"}`: the intent's fields, without the `kind` that tags it.
impl From<Intent> for Map<String, Value> {
    fn from(i: Intent) -> Self {
        let mut o = Map::new();
        match i.target {
            Target::Incident(id) => o.insert("incident".into(), id.into()),
            Target::Selection(ids) => o.insert("incidents".into(), ids.into()),
        };
        o.insert("action".into(), action_to_json(&i.action));
        if let Some(before) = i.tags_before {
            o.insert("tags_before".into(), before.into());
        }
        o
    }
}

impl TryFrom<Map<String, Value>> for Intent {
    type Error = &'static str;

    /// Refuses an empty selection, both targets at once, and an action it cannot read.
    fn try_from(v: Map<String, Value>) -> Result<Self, Self::Error> {
        const BAD: &str = "not an incident action";
        let target = match (v.get("incident"), v.get("incidents")) {
            (Some(id), None) => Target::Incident(id.as_str().ok_or(BAD)?.to_string()),
            (None, Some(ids)) => Target::Selection(strings(ids).filter(|ids| !ids.is_empty()).ok_or(BAD)?),
            _ => return Err(BAD),
        };
        // Written only for a tag edit; intents from before it was kept have none (then sent as held).
        let tags_before = v.get("tags_before").and_then(strings);
        Ok(Intent { target, action: v.get("action").and_then(action_from_json).ok_or(BAD)?, tags_before })
    }
}

/// The full scope to ask the provider for before `action` can be sent, or `None` when the token already holds
/// a permission that allows it. The scope is the write permission on the configured API's resource.
pub(crate) fn consent_needed(cfg: &Config, session: &Session, action: &Action) -> Option<String> {
    let call = action_call(action);
    if is_granted(session, cfg.source, call) {
        return None;
    }
    Some(cfg.scope_on_resource(call_info(cfg.source, call).scope))
}

/// How one action ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The API accepted it; the page shows the server's version.
    Done,
    /// A 403: which side refused.
    Refused(Refusal),
    /// The page did not send it (the rules refuse it).
    Invalid(ActionError),
    /// Sent, and it failed otherwise.
    Failed(ApiError),
}

/// How an action ended, as the bulk results count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// Done.
    Done,
    /// Refused because of the analyst's role.
    RefusedByRole,
    /// Refused because the page lacks the permission.
    RefusedPermission,
    /// Not sent, or sent and failed otherwise.
    Failed,
}

/// A bulk action's results counted apart: done, refused (by role, by permission), failed, still waiting.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Done.
    pub done: usize,
    /// Refused by the analyst's role.
    pub refused_role: usize,
    /// Refused for the page's missing permission.
    pub refused_permission: usize,
    /// Failed or not sent.
    pub failed: usize,
    /// Not ended yet.
    pub waiting: usize,
}

/// Counts `ended` (one per incident; `None` for one not ended yet).
pub fn tally(ended: impl IntoIterator<Item = Option<Ended>>) -> Tally {
    let mut t = Tally::default();
    for e in ended {
        match e {
            None => t.waiting += 1,
            Some(Ended::Done) => t.done += 1,
            Some(Ended::RefusedByRole) => t.refused_role += 1,
            Some(Ended::RefusedPermission) => t.refused_permission += 1,
            Some(Ended::Failed) => t.failed += 1,
        }
    }
    t
}

impl Outcome {
    /// Which count it goes to.
    pub fn ended(&self) -> Ended {
        match self {
            Outcome::Done => Ended::Done,
            Outcome::Refused(Refusal::UserRole { .. }) => Ended::RefusedByRole,
            Outcome::Refused(Refusal::AppPermission { .. }) => Ended::RefusedPermission,
            Outcome::Invalid(_) | Outcome::Failed(_) => Ended::Failed,
        }
    }

    /// The short form for the activity list: "done", "refused: your role does not allow it", …
    pub fn short(&self) -> String {
        match self {
            Outcome::Done => "done".into(),
            Outcome::Refused(Refusal::UserRole { .. }) => "refused: your role does not allow it".into(),
            Outcome::Refused(Refusal::AppPermission { needed_scope }) => {
                format!("refused: this page lacks the permission {needed_scope}")
            }
            Outcome::Invalid(e) => format!("not sent: {e}"),
            Outcome::Failed(e) => format!("failed: {}", e.user_message()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::access::tests::session;
    use crate::config::parse_config;

    fn every_action() -> Vec<Action> {
        vec![
            Action::AssignTo("ada@contoso.com".into()),
            Action::Unassign,
            Action::SetStatus(Status::InProgress),
            Action::SetStatus(Status::Resolved),
            Action::Classify { classification: Classification::TruePositive, determination: Determination::Malware },
            Action::Classify {
                classification: Classification::FalsePositive,
                determination: Determination::Other("Other".into()),
            },
            Action::SetTags(vec!["a".into(), "B c".into()]),
            Action::SetTags(vec![]),
            Action::Comment("looked \"at\" it\n".into()),
            Action::Resolve {
                classification: Classification::InformationalExpectedActivity,
                determination: Determination::SecurityTesting,
                comment: Some("pen test".into()),
            },
            Action::Resolve {
                classification: Classification::FalsePositive,
                determination: Determination::InsufficientData,
                comment: None,
            },
        ]
    }

    /// Issue 23 (review, Info): a tag edit computed before the consent redirect is applied to the tags the
    /// server holds when it is confirmed, not written over them.
    #[test]
    fn a_held_tag_edit_is_applied_to_the_tags_the_server_holds_now() {
        let own = |v: &[&str]| v.iter().map(|t| t.to_string()).collect::<Vec<_>>();
        // Before the redirect: tags A, B; the analyst removed B and added C.
        let held = Intent::one("7", Action::SetTags(own(&["A", "C"]))).computed_from(own(&["A", "B"]));
        let back = Intent::from_json(&held.to_json()).unwrap();
        assert_eq!(back.tags_before, Some(own(&["A", "B"])));
        // Meanwhile someone added D (and B is still there): D stays, B goes, C comes.
        assert_eq!(back.tags_now(&own(&["A", "B", "D"])), Action::SetTags(own(&["A", "D", "C"])));
        // Someone removed A meanwhile: it is not written back.
        assert_eq!(back.tags_now(&own(&["b"])), Action::SetTags(own(&["C"])));
        // Without a base (an older record) or for another action: as held.
        let old = Intent::one("7", Action::SetTags(own(&["A"])));
        assert_eq!(old.tags_now(&own(&["Z"])), Action::SetTags(own(&["A"])));
        let other = Intent::one("7", Action::Unassign).computed_from(own(&["A"]));
        assert_eq!(other.tags_before, None);
    }

    #[test]
    fn every_action_survives_the_redirect() {
        for action in every_action() {
            let i = Intent::one("2170", action.clone());
            assert_eq!(Intent::from_json(&i.to_json()), Some(i.clone()), "{}", i.to_json());
            let bulk = Intent {
                target: Target::Selection(vec!["7".into(), "12".into(), "3".into()]),
                action,
                tags_before: None,
            };
            assert_eq!(Intent::from_json(&bulk.to_json()), Some(bulk.clone()), "{}", bulk.to_json());
        }
    }

    #[test]
    fn a_selection_travels_in_order_and_an_old_record_still_reads() {
        let bulk = Intent {
            target: Target::Selection(vec!["7".into(), "12".into()]),
            action: Action::SetStatus(Status::InProgress),
            tags_before: None,
        };
        let v: Value = serde_json::from_str(&bulk.to_json()).unwrap();
        assert_eq!(
            v,
            json!({"kind": "incident-action", "incidents": ["7", "12"], "action": {"type": "status", "status": Status::InProgress.key()}})
        );
        assert_eq!(bulk.incident(), None);
        // Written by the page before selections travelled (a pending sign-in survives a deploy).
        let old = r#"{"kind":"incident-action","incident":"2170","action":{"type":"assign","to":"ada@contoso.com"}}"#;
        let back = Intent::from_json(old).unwrap();
        assert_eq!(back, Intent::one("2170", Action::AssignTo("ada@contoso.com".into())));
        assert_eq!(back.incident(), Some("2170"));
    }

    #[test]
    fn another_features_intent_or_junk_is_not_an_action() {
        for junk in [
            "",
            "{}",
            r#"{"kind":"hunting-query","incident":"1","action":{"type":"unassign"}}"#,
            r#"{"kind":"incident-action","incident":1,"action":{"type":"unassign"}}"#,
            r#"{"kind":"incident-action","incident":"1","action":{"type":"delete"}}"#,
            r#"{"kind":"incident-action","incident":"1","action":{"type":"tags","tags":[1]}}"#,
            r#"{"kind":"incident-action","incident":"1","action":{"type":"assign"}}"#,
            r#"{"kind":"incident-action","incidents":[],"action":{"type":"unassign"}}"#,
            r#"{"kind":"incident-action","incidents":["1",2],"action":{"type":"unassign"}}"#,
            r#"{"kind":"incident-action","incidents":"1","action":{"type":"unassign"}}"#,
            r#"{"kind":"incident-action","incident":"1","incidents":["1"],"action":{"type":"unassign"}}"#,
            r#"{"kind":"incident-action","action":{"type":"unassign"}}"#,
        ] {
            assert_eq!(Intent::from_json(junk), None, "{junk}");
        }
    }

    #[test]
    fn consent_is_asked_only_without_the_write_permission() {
        let cfg = parse_config(
            r#"{"authority":"https://login.microsoftonline.com/organizations/v2.0","client_id":"11111111-2222-3333-4444-555555555555"}"#,
        )
        .unwrap();
        let read = session(&["https://api.security.microsoft.com/Incident.Read"]);
        let write = session(&["https://api.security.microsoft.com/Incident.Read", "Incident.ReadWrite"]);
        for a in every_action() {
            assert_eq!(
                consent_needed(&cfg, &read, &a).as_deref(),
                Some("https://api.security.microsoft.com/Incident.ReadWrite"),
                "{a:?}"
            );
            assert_eq!(consent_needed(&cfg, &write, &a), None, "{a:?}");
        }
        let g = parse_config(
            r#"{"authority":"https://login.microsoftonline.com/organizations/v2.0","client_id":"11111111-2222-3333-4444-555555555555","source":"graph"}"#,
        )
        .unwrap();
        assert_eq!(
            consent_needed(&g, &session(&["SecurityIncident.Read.All"]), &Action::Comment("x".into())).as_deref(),
            Some("https://graph.microsoft.com/SecurityIncident.ReadWrite.All")
        );
    }

    #[test]
    fn bulk_results_count_refusals_apart_from_done() {
        // Issue 21: three writes all refused by the role were reported as "3 of 3 done".
        let role = Outcome::Refused(Refusal::UserRole { role_hint: "a role", message: String::new() });
        let t = tally([Some(role.ended()), Some(role.ended()), Some(role.ended())]);
        assert_eq!(t, Tally { refused_role: 3, ..Tally::default() });
        let app = Outcome::Refused(Refusal::AppPermission { needed_scope: "Incident.ReadWrite" });
        let mixed = [
            Some(Outcome::Done.ended()),
            Some(app.ended()),
            Some(Outcome::Failed(ApiError::NotFound).ended()),
            Some(Outcome::Invalid(ActionError::EmptyComment).ended()),
            None,
        ];
        assert_eq!(tally(mixed), Tally { done: 1, refused_role: 0, refused_permission: 1, failed: 2, waiting: 1 });
    }

    #[test]
    fn outcomes_say_which_side_refused() {
        assert_eq!(Outcome::Done.short(), "done");
        let role = Outcome::Refused(Refusal::UserRole { role_hint: "a role", message: "no".into() });
        assert_eq!(role.short(), "refused: your role does not allow it");
        let app = Outcome::Refused(Refusal::AppPermission { needed_scope: "Incident.ReadWrite" });
        assert_eq!(app.short(), "refused: this page lacks the permission Incident.ReadWrite");
        assert_eq!(Outcome::Invalid(ActionError::EmptyComment).short(), "not sent: Write a comment first.");
        assert!(Outcome::Failed(ApiError::NotFound).short().starts_with("failed: "));
    }
}
