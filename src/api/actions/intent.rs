//! An action on the way to being sent (issue 14): whether it first needs the write permission (incremental
//! consent), how it travels across that redirect ([`Intent`], JSON in the pending sign-in's `StepUp`), and how
//! it ended ([`Outcome`], for the activity list).

use super::access::{action_call, call_info, is_granted, Refusal};
use super::{Action, ActionError};
use crate::api::error::ApiError;
use crate::api::model::{Classification, Determination, Status};
use crate::auth::session::Session;
use crate::config::Config;
use serde_json::{json, Value};

/// The `kind` an incident action's intent carries, so another feature's step-up is never read as one.
const KIND: &str = "incident-action";

/// An action held for the analyst while the provider asks for consent; shown with a confirmation when back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intent {
    /// The incident's id.
    pub incident: String,
    /// What the analyst asked for.
    pub action: Action,
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

impl Intent {
    /// As stored in the pending sign-in.
    pub fn to_json(&self) -> String {
        let action = match &self.action {
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
        };
        json!({"kind": KIND, "incident": self.incident, "action": action}).to_string()
    }

    /// Reads an intent back; `None` for another feature's intent or anything unreadable. What comes back is
    /// checked again by [`super::update_requests`] before anything is sent.
    pub fn from_json(json: &str) -> Option<Intent> {
        let v: Value = serde_json::from_str(json).ok()?;
        if v.get("kind")?.as_str()? != KIND {
            return None;
        }
        let incident = v.get("incident")?.as_str()?.to_string();
        let a = v.get("action")?;
        let text = |k: &str| a.get(k).and_then(Value::as_str).map(str::to_string);
        let action = match a.get("type")?.as_str()? {
            "assign" => Action::AssignTo(text("to")?),
            "unassign" => Action::Unassign,
            "status" => Action::SetStatus(status_from(&text("status")?)),
            "classify" => Action::Classify {
                classification: classification_from(&text("classification")?),
                determination: determination_from(&text("determination")?),
            },
            "tags" => Action::SetTags(
                a.get("tags")?.as_array()?.iter().map(|t| t.as_str().map(str::to_string)).collect::<Option<_>>()?,
            ),
            "comment" => Action::Comment(text("comment")?),
            "resolve" => Action::Resolve {
                classification: classification_from(&text("classification")?),
                determination: determination_from(&text("determination")?),
                comment: text("comment"),
            },
            _ => return None,
        };
        Some(Intent { incident, action })
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

impl Outcome {
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
    use crate::api::actions::access::tests::session;
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

    #[test]
    fn every_action_survives_the_redirect() {
        for action in every_action() {
            let i = Intent { incident: "2170".into(), action };
            assert_eq!(Intent::from_json(&i.to_json()), Some(i.clone()), "{}", i.to_json());
        }
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
