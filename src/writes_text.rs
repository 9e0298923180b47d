//! What the page says about writes on the analyst's behalf (issue 21), beside [`crate::problem`]: the preview a
//! confirmation shows, the bulk results, the role half of "scope ∩ role", and a write in flight. The UI passes
//! values; every sentence is here.

use crate::actions::preview::Field;
use crate::actions::role::RoleSeen;
use crate::actions::Tally;
use crate::format::cap;

/// One field as the preview writes it: "status Active → Resolved", "comment “…” (added)".
pub(crate) fn field_change(f: &Field) -> String {
    match &f.old {
        Some(old) if *old == f.new => format!("{} {} (unchanged)", f.name, f.new),
        Some(old) => format!("{} {old} → {}", f.name, f.new),
        None => format!("{} {} (added)", f.name, f.new),
    }
}

/// The confirmation's sentence: "Resolve incident #7 'Title': status Active → Resolved, classification …".
pub(crate) fn write_preview(label: &str, id: &str, title: &str, fields: &[Field]) -> String {
    let changes: Vec<String> = fields.iter().map(field_change).collect();
    format!("{label} incident #{id} '{}': {}", cap(title, 80), changes.join(", "))
}

/// The question under the preview.
pub(crate) const CONFIRM_QUESTION: &str = "Nothing is sent until you confirm.";

/// A bulk action's results, counted apart: "0 done, 3 refused by your role, 0 failed".
pub(crate) fn bulk_tally(t: &Tally) -> String {
    let mut s = format!("{} done, {} refused by your role", t.done, t.refused_role);
    if t.refused_permission > 0 {
        s.push_str(&format!(", {} refused: the page lacks the permission", t.refused_permission));
    }
    s.push_str(&format!(", {} failed", t.failed));
    if t.waiting > 0 {
        s.push_str(&format!(", {} waiting", t.waiting));
    }
    s
}

/// The token menu's line for a write the token holds the permission for: the role half, as far as it is known.
pub(crate) fn role_state(role_hint: &str, seen: &RoleSeen) -> String {
    match seen {
        RoleSeen::Unknown => {
            format!("permission granted; needs also a role: {role_hint}; not known until the API answers")
        }
        RoleSeen::Refused => {
            format!("permission granted, but the API refused your role in this tab: needs {role_hint}")
        }
        RoleSeen::Holds(name) => format!("permission granted; your token names the role {name}"),
        RoleSeen::OnlyReads(names) => format!(
            "permission granted; your token names only {} (reading); writing needs {role_hint}",
            names.join(", ")
        ),
    }
}

/// The token menu's line for a write the token lacks the permission for: both halves.
pub(crate) fn role_and_permission_missing(role_hint: &str) -> String {
    format!("permission missing; needs also a role: {role_hint}")
}

/// The consent prompt's second half: the permission alone is not enough.
pub(crate) fn consent_role_note(role_hint: &str, seen: &RoleSeen) -> String {
    let known = match seen {
        RoleSeen::Unknown => "The page cannot tell your role before the API answers.".to_string(),
        RoleSeen::Holds(name) => format!("Your token names the role {name}."),
        RoleSeen::OnlyReads(names) => {
            format!("Your token names only {}, which reads; a custom role may still allow it.", names.join(", "))
        }
        RoleSeen::Refused => "The API already refused your role in this tab.".to_string(),
    };
    format!("The API also checks your role: writing needs {role_hint}. {known}")
}

/// Why the write controls are off after a role refusal.
pub(crate) fn blocked_by_role(role_hint: &str) -> String {
    format!(
        "Writes are off in this tab: the API refused your account, which needs {role_hint}. An administrator can \
         grant it; then sign in again."
    )
}

/// A write on its way.
pub(crate) const SAVING: &str = "Saving…";

/// A write waiting for the API's rate limit before it is sent again.
pub(crate) fn retrying(secs: u64) -> String {
    format!("Retrying… the API asked to wait ({}).", crate::format::wait(secs))
}

/// The activity list's title.
pub(crate) fn activity_title(n: usize) -> String {
    format!("Activity in this tab ({n})")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_preview_names_the_incident_old_and_new() {
        let fields = vec![
            Field { name: "status", old: Some("Active".into()), new: "Resolved".into() },
            Field { name: "classification", old: Some("Not classified".into()), new: "True positive".into() },
            Field { name: "comment", old: None, new: "“done”".into() },
        ];
        assert_eq!(
            write_preview("Resolve", "7", "Impossible travel", &fields),
            "Resolve incident #7 'Impossible travel': status Active → Resolved, classification Not classified → \
             True positive, comment “done” (added)"
        );
    }

    #[test]
    fn bulk_counts_are_apart() {
        assert_eq!(
            bulk_tally(&Tally { refused_role: 3, ..Tally::default() }),
            "0 done, 3 refused by your role, 0 failed"
        );
        let t = Tally { done: 1, refused_role: 0, refused_permission: 2, failed: 1, waiting: 4 };
        assert_eq!(
            bulk_tally(&t),
            "1 done, 0 refused by your role, 2 refused: the page lacks the permission, 1 failed, 4 waiting"
        );
    }

    #[test]
    fn the_role_is_stated_before_any_refusal() {
        let s = role_state("Security Operator or Security Administrator", &RoleSeen::Unknown);
        assert!(s.contains("needs also a role: Security Operator") && s.contains("not known until the API answers"));
        assert!(role_state("x", &RoleSeen::Refused).contains("refused"));
        assert!(consent_role_note("x", &RoleSeen::Unknown).contains("also checks your role"));
    }
}
