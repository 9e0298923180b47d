//! What a write will change, field by field, against what the incident holds now (issue 21): the analyst sees
//! this before a resolve or a classification change is sent, and on the held action's confirmation after the
//! consent redirect. The sentence is built in [`crate::problem::write_preview`]; this module only decides the
//! fields and their old and new values (as the page's labels).

use super::Action;
use crate::incidents::model::{cap, Incident, Status};

/// How much of a comment the preview and the activity list repeat.
pub const COMMENT_PREVIEW_CHARS: usize = 120;

/// One property a write sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The property, for people ("status", "classification", …).
    pub name: &'static str,
    /// What the incident holds now; `None` when the write adds rather than replaces (a comment).
    pub old: Option<String>,
    /// What the write sets.
    pub new: String,
}

/// A list of tags as the page writes it ("a, b", or "none").
pub fn tag_list(tags: &[String]) -> String {
    if tags.is_empty() {
        "none".into()
    } else {
        tags.join(", ")
    }
}

/// A comment as the preview repeats it: quoted, on one line, capped.
pub fn quoted(comment: &str) -> String {
    let one_line = comment.split_whitespace().collect::<Vec<_>>().join(" ");
    format!("“{}”", cap(&one_line, COMMENT_PREVIEW_CHARS))
}

fn owner(who: Option<&str>) -> String {
    who.map(str::trim).filter(|w| !w.is_empty()).unwrap_or("nobody").to_string()
}

fn field(name: &'static str, old: impl Into<String>, new: impl Into<String>) -> Field {
    Field { name, old: Some(old.into()), new: new.into() }
}

/// The fields `action` writes to `inc`, each with the value it holds now. `own_tags` are the tags the analyst
/// edits (Graph's system tags are the service's and are not written).
pub fn preview(action: &Action, inc: &Incident) -> Vec<Field> {
    let own = super::rules::own_tags(inc);
    match action {
        Action::AssignTo(who) => vec![field("owner", owner(inc.assigned_to.as_deref()), owner(Some(who)))],
        Action::Unassign => vec![field("owner", owner(inc.assigned_to.as_deref()), "nobody")],
        Action::SetStatus(s) => vec![field("status", inc.status.label(), s.label())],
        Action::Classify { classification, determination } => vec![
            field("classification", inc.classification.label(), classification.label()),
            field("determination", inc.determination.label(), determination.label()),
        ],
        Action::SetTags(tags) => vec![field("tags", tag_list(&own), tag_list(tags))],
        Action::Comment(c) => vec![Field { name: "comment", old: None, new: quoted(c) }],
        Action::Resolve { classification, determination, comment } => {
            let mut f = vec![
                field("status", inc.status.label(), Status::Resolved.label()),
                field("classification", inc.classification.label(), classification.label()),
                field("determination", inc.determination.label(), determination.label()),
            ];
            if let Some(c) = comment.as_deref().filter(|c| !c.trim().is_empty()) {
                f.push(Field { name: "comment", old: None, new: quoted(c) });
            }
            f
        }
    }
}

/// Does `action` need the analyst's explicit confirmation (naming the incident, old and new values) before it
/// is sent? A resolve and a classification change do: they are what an analyst cannot take back unseen.
pub fn needs_confirmation(action: &Action) -> bool {
    matches!(action, Action::Resolve { .. } | Action::Classify { .. } | Action::SetStatus(Status::Resolved))
}

/// Would `action` change nothing on `inc` (a classification equal to the one held)? The page then offers no
/// button to send it.
pub fn changes_nothing(action: &Action, inc: &Incident) -> bool {
    preview(action, inc).iter().all(|f| f.old.as_deref() == Some(f.new.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incidents::fixture;
    use crate::incidents::model::{Classification, Determination, Severity};

    fn incident() -> Incident {
        let mut inc = fixture::inc("7", Severity::High, Status::Active, 10);
        inc.tags = vec!["vip".into(), "Defender Experts".into()];
        inc.system_tags = vec!["Defender Experts".into()];
        inc
    }

    #[test]
    fn resolve_names_every_old_and_new_value() {
        let a = Action::Resolve {
            classification: Classification::TruePositive,
            determination: Determination::Malware,
            comment: Some("  contained\n on host  ".into()),
        };
        let f = preview(&a, &incident());
        let lines: Vec<String> =
            f.iter().map(|f| format!("{} {:?} {}", f.name, f.old.as_deref().unwrap_or("-"), f.new)).collect();
        assert_eq!(
            lines,
            [
                "status \"Active\" Resolved",
                "classification \"Not classified\" True positive",
                "determination \"Not available\" Malware",
                "comment \"-\" “contained on host”",
            ]
        );
        assert!(needs_confirmation(&a));
    }

    #[test]
    fn a_blank_closing_comment_is_not_written() {
        let a = Action::Resolve {
            classification: Classification::FalsePositive,
            determination: Determination::Other("Other".into()),
            comment: Some("  ".into()),
        };
        assert_eq!(preview(&a, &incident()).len(), 3);
    }

    #[test]
    fn classify_against_the_held_values() {
        let mut inc = incident();
        inc.classification = Classification::TruePositive;
        inc.determination = Determination::Phishing;
        let same =
            Action::Classify { classification: Classification::TruePositive, determination: Determination::Phishing };
        assert!(changes_nothing(&same, &inc));
        let other = Action::Classify {
            classification: Classification::TruePositive,
            determination: Determination::MultiStagedAttack,
        };
        assert!(!changes_nothing(&other, &inc));
        assert_eq!(preview(&other, &inc)[1], field("determination", "Phishing", "Multi-staged attack"));
        assert!(needs_confirmation(&other));
    }

    #[test]
    fn tags_owner_status_and_comments() {
        let inc = incident();
        assert_eq!(preview(&Action::SetTags(vec!["vip".into(), "x".into()]), &inc), [field("tags", "vip", "vip, x")]);
        assert_eq!(preview(&Action::SetTags(vec![]), &inc), [field("tags", "vip", "none")]);
        assert_eq!(preview(&Action::AssignTo(" ada@x ".into()), &inc), [field("owner", "nobody", "ada@x")]);
        assert_eq!(preview(&Action::SetStatus(Status::InProgress), &inc), [field("status", "Active", "In progress")]);
        assert!(!needs_confirmation(&Action::SetStatus(Status::InProgress)));
        assert!(needs_confirmation(&Action::SetStatus(Status::Resolved)));
        assert!(!needs_confirmation(&Action::Comment("x".into())));
        let long = "word ".repeat(100);
        let c = &preview(&Action::Comment(long), &inc)[0];
        assert_eq!(c.old, None);
        assert!(c.new.chars().count() <= COMMENT_PREVIEW_CHARS + 3, "{}", c.new);
    }
}
