//! This tab's activity list (issue 21): one line per write the analyst asked for, with the values written and
//! how it ended, kept in sessionStorage for the tab's lifetime (under the app's key prefix, so sign-out removes
//! it) as a JSON array; the newest [`MAX_LINES`] are kept.

use serde::{Deserialize, Serialize};

/// Where the list lives in sessionStorage.
pub const ACTIVITY_KEY: &str = "onbehalf.activity";

/// How many lines are kept (the oldest go first).
pub const MAX_LINES: usize = 200;

/// One line ("10:42 classify #2170 as True positive · Malware — done").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    /// "10:42".
    pub at: String,
    /// What was asked, with the values written ([`super::Action::describe`]).
    pub what: String,
    /// How it ended ("done", "refused: …").
    pub outcome: String,
    /// It was done.
    pub ok: bool,
}

/// The list as stored: the newest [`MAX_LINES`], oldest first.
pub fn to_json(lines: &[Activity]) -> String {
    let from = lines.len().saturating_sub(MAX_LINES);
    serde_json::to_string(lines.get(from..).unwrap_or_default()).unwrap_or_else(|_| "[]".into())
}

/// The stored list read back; anything unreadable is an empty list (the list is a convenience, not a record).
pub fn from_json(json: &str) -> Vec<Activity> {
    serde_json::from_str(json).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(n: usize) -> Activity {
        Activity {
            at: "10:42".into(), what: format!("comment on #{n}: “a \"b\"”"), outcome: "done".into(), ok: true
        }
    }

    #[test]
    fn survives_a_round_trip() {
        let lines = vec![line(1), Activity { ok: false, outcome: "failed: x".into(), ..line(2) }];
        assert_eq!(from_json(&to_json(&lines)), lines);
        assert_eq!(
            to_json(&[line(3)]),
            r#"[{"at":"10:42","what":"comment on #3: “a \"b\"”","outcome":"done","ok":true}]"#
        );
    }

    #[test]
    fn keeps_the_newest_and_reads_junk_as_empty() {
        let many: Vec<Activity> = (0..MAX_LINES + 5).map(line).collect();
        let back = from_json(&to_json(&many));
        assert_eq!(back.len(), MAX_LINES);
        assert_eq!(back.first(), Some(&line(5)));
        for junk in ["", "{}", "[1]", "null", r#"[{"at":"x"}]"#] {
            assert_eq!(from_json(junk), vec![], "{junk}");
        }
        assert!(ACTIVITY_KEY.starts_with(crate::auth::session::KEY_PREFIX));
    }
}
