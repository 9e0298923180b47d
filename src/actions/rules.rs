//! Which values each API accepts in a write, and the normalised [`Change`] an [`Action`] becomes once checked.
//!
//! Sources (November 2026):
//! - Defender `defender-xdr/api-update-incidents.md`: status `Active`, `Resolved`, `InProgress`, `Redirected`;
//!   classification `TruePositive`, `InformationalExpectedActivity`, `FalsePositive`; determinations per
//!   classification (the table below); `tags` is "List of Incident tags"; `comment` is "Comment to be added".
//! - Graph `security-incident-update.md` (PATCH body: `assignedTo` "or null if no owner", `classification`,
//!   `determination`, `status`, `customTags`), `resources/security-incident.md` (`incidentStatus` has `inProgress`
//!   as an ordinary member; `awaitingAction` "Only Microsoft 365 Defender experts can set") and
//!   `resources/security-alert.md` (`alertDetermination` members and which classification each belongs to).

use super::{Action, ActionError};
use crate::incidents::model::{cap, Classification, Determination, Incident, Status, MAX_TEXT_CHARS};
use crate::incidents::source::Source;
use std::sync::LazyLock;

/// Longest assignee accepted (app limit; a UPN is at most 113 characters).
pub const MAX_ASSIGNEE_CHARS: usize = 256;
/// Longest tag accepted (app limit; neither API documents one).
pub const MAX_TAG_CHARS: usize = 200;
/// Most tags accepted (app limit; neither API documents one).
pub const MAX_TAGS: usize = 100;
/// Longest comment accepted (app limit, the same cap the page uses for any text it shows).
pub const MAX_COMMENT_CHARS: usize = MAX_TEXT_CHARS;

/// An action after checking: the properties to write, each already normalised. `None` = leave as is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Change {
    /// `Some(None)` clears the owner.
    pub assigned_to: Option<Option<String>>,
    /// New status.
    pub status: Option<Status>,
    /// New classification and its determination (always written together).
    pub classification: Option<(Classification, Determination)>,
    /// The whole new tag list.
    pub tags: Option<Vec<String>>,
    /// A comment to add.
    pub comment: Option<String>,
}

/// Statuses the analyst may write. Both APIs document `Redirected` as writable, but it means "merged into another
/// incident", which only Defender's correlation does; `AwaitingAction` is set by Defender Experts only.
/// Graph's update page lists `active`, `resolved`, `redirected`; `inProgress` is an ordinary member of the same
/// `incidentStatus` type (the resource page), which the PATCH property takes, so it is offered too.
/// The same for every source (`source` stays in the signature so a source that differs is one table away).
pub fn writable_statuses(_source: Source) -> &'static [Status] {
    &[Status::Active, Status::InProgress, Status::Resolved]
}

/// Classifications an analyst may set (both APIs document these three; `unknown` is the unset state).
pub fn writable_classifications() -> &'static [Classification] {
    &[Classification::TruePositive, Classification::InformationalExpectedActivity, Classification::FalsePositive]
}

fn other() -> Determination {
    Determination::Other("Other".into())
}

// Defender's update page lists the determinations per classification; Graph's alertDetermination table says the
// same in words ("A true positive alert that…", "A false alert…", "…considered OK because it's a known…"), and
// puts unwantedSoftware without a side, which Defender files under True positive. `Apt` and `SecurityPersonnel`
// were withdrawn on 29 Aug 2022 (Defender's note), so they are not offered.
static TRUE_POSITIVE: LazyLock<[Determination; 7]> = LazyLock::new(|| {
    [
        Determination::MultiStagedAttack,
        Determination::MaliciousUserActivity,
        Determination::CompromisedUser,
        Determination::Malware,
        Determination::Phishing,
        Determination::UnwantedSoftware,
        other(),
    ]
});
static EXPECTED_ACTIVITY: LazyLock<[Determination; 4]> = LazyLock::new(|| {
    [
        Determination::SecurityTesting,
        Determination::LineOfBusinessApplication,
        Determination::ConfirmedUserActivity,
        other(),
    ]
});
static FALSE_POSITIVE: LazyLock<[Determination; 3]> =
    LazyLock::new(|| [Determination::NotMalicious, Determination::InsufficientData, other()]);

/// The determinations documented for `classification`, in the portal's order; empty when it cannot be written.
/// The pairs are the same for both sources; only their spellings differ (see `request`).
pub fn valid_determinations(_source: Source, classification: &Classification) -> &'static [Determination] {
    match classification {
        Classification::TruePositive => TRUE_POSITIVE.as_slice(),
        Classification::InformationalExpectedActivity => EXPECTED_ACTIVITY.as_slice(),
        Classification::FalsePositive => FALSE_POSITIVE.as_slice(),
        Classification::Unknown | Classification::Other(_) => &[],
    }
}

/// The one value the write tables use for a determination: any casing of `Other` is the documented `Other`, and
/// Defender's `Clean` is the determination the portal calls "Not malicious".
pub(crate) fn canonical(d: &Determination) -> Determination {
    match d {
        Determination::Other(s) if s.trim().eq_ignore_ascii_case("other") => other(),
        Determination::Clean => Determination::NotMalicious,
        d => d.clone(),
    }
}

fn one_line(s: &str) -> bool {
    !s.chars().any(char::is_control)
}

fn check_pair(
    source: Source,
    c: &Classification,
    d: &Determination,
) -> Result<(Classification, Determination), ActionError> {
    if !writable_classifications().contains(c) {
        return Err(ActionError::ClassificationNotWritable(c.label().to_string()));
    }
    let d = canonical(d);
    if !valid_determinations(source, c).contains(&d) {
        return Err(ActionError::DeterminationNotValid {
            classification: c.label().to_string(),
            determination: cap(d.label(), 100),
        });
    }
    Ok((c.clone(), d))
}

fn check_status(source: Source, s: &Status) -> Result<Status, ActionError> {
    if writable_statuses(source).contains(s) {
        Ok(s.clone())
    } else {
        Err(ActionError::StatusNotWritable(cap(s.label(), 100)))
    }
}

fn check_comment(c: &str) -> Result<String, ActionError> {
    let c = c.trim();
    if c.is_empty() {
        Err(ActionError::EmptyComment)
    } else if c.chars().count() > MAX_COMMENT_CHARS {
        Err(ActionError::CommentTooLong)
    } else {
        Ok(c.to_string())
    }
}

fn check_tags(tags: &[String]) -> Result<Vec<String>, ActionError> {
    let mut out: Vec<String> = Vec::new();
    for t in tags {
        let t = t.trim();
        if t.is_empty() {
            return Err(ActionError::EmptyTag);
        }
        if t.chars().count() > MAX_TAG_CHARS || !one_line(t) {
            return Err(ActionError::BadTag);
        }
        if !out.iter().any(|o| o.to_lowercase() == t.to_lowercase()) {
            out.push(t.to_string());
        }
    }
    if out.len() > MAX_TAGS {
        return Err(ActionError::TooManyTags);
    }
    Ok(out)
}

/// Checks an action against `source`'s rules and normalises it (trimmed text, deduplicated tags, canonical
/// determination). Every request [`super::update_requests`] builds comes from a `Change` made here.
pub fn validate(source: Source, action: &Action) -> Result<Change, ActionError> {
    let mut change = Change::default();
    match action {
        Action::AssignTo(who) => {
            let who = who.trim();
            if who.is_empty() {
                return Err(ActionError::EmptyAssignee);
            }
            if who.chars().count() > MAX_ASSIGNEE_CHARS || !one_line(who) {
                return Err(ActionError::BadAssignee);
            }
            change.assigned_to = Some(Some(who.to_string()));
        }
        Action::Unassign => {
            if !action.supported_by(source) {
                return Err(ActionError::NotSupported { what: "removing the owner", api: source.label() });
            }
            change.assigned_to = Some(None);
        }
        Action::SetStatus(s) => change.status = Some(check_status(source, s)?),
        Action::Classify { classification, determination } => {
            change.classification = Some(check_pair(source, classification, determination)?);
        }
        Action::SetTags(tags) => change.tags = Some(check_tags(tags)?),
        Action::Comment(c) => change.comment = Some(check_comment(c)?),
        Action::Resolve { classification, determination, comment } => {
            change.status = Some(check_status(source, &Status::Resolved)?);
            change.classification = Some(check_pair(source, classification, determination)?);
            change.comment = match comment.as_deref().filter(|c| !c.trim().is_empty()) {
                Some(c) => Some(check_comment(c)?),
                None => None,
            };
        }
    }
    Ok(change)
}

/// The tags the analyst edits on `inc`: Graph's `customTags` (a custom tag that reads like a system tag
/// included: it is the analyst's), else the tags that are not the service's. A tag edit starts from these, so
/// it never drops one of the analyst's tags nor writes one of the service's.
pub fn own_tags(inc: &Incident) -> Vec<String> {
    if !inc.custom_tags.is_empty() {
        return inc.custom_tags.clone();
    }
    inc.tags.iter().filter(|t| !inc.system_tags.contains(t)).cloned().collect()
}

/// The tag list after adding `add` and removing `remove` (case-insensitively; removal wins over addition of the
/// same tag), keeping the current order, for [`Action::SetTags`]. For Graph pass the incident's *custom* tags:
/// system tags are not the analyst's to write.
pub fn edit_tags(current: &[String], add: &[String], remove: &[String]) -> Vec<String> {
    let removed = |t: &str| remove.iter().any(|r| r.trim().to_lowercase() == t.trim().to_lowercase());
    let mut out: Vec<String> = Vec::new();
    for t in current.iter().chain(add) {
        let t = t.trim();
        if !t.is_empty() && !removed(t) && !out.iter().any(|o| o.to_lowercase() == t.to_lowercase()) {
            out.push(t.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOTH: [Source; 2] = [Source::Defender, Source::Graph];

    fn classify(c: Classification, d: Determination) -> Action {
        Action::Classify { classification: c, determination: d }
    }

    #[test]
    fn documented_pairs_per_classification() {
        for s in BOTH {
            let tp = valid_determinations(s, &Classification::TruePositive);
            assert_eq!(tp.len(), 7);
            assert!(tp.contains(&Determination::Malware) && tp.contains(&Determination::CompromisedUser));
            let ie = valid_determinations(s, &Classification::InformationalExpectedActivity);
            assert_eq!(
                ie,
                &[
                    Determination::SecurityTesting,
                    Determination::LineOfBusinessApplication,
                    Determination::ConfirmedUserActivity,
                    Determination::Other("Other".into())
                ]
            );
            let fp = valid_determinations(s, &Classification::FalsePositive);
            assert_eq!(
                fp,
                &[Determination::NotMalicious, Determination::InsufficientData, Determination::Other("Other".into())]
            );
            assert!(valid_determinations(s, &Classification::Unknown).is_empty());
            assert!(valid_determinations(s, &Classification::Other("BenignPositive2".into())).is_empty());
        }
    }

    #[test]
    fn every_offered_pair_validates_and_cross_pairs_do_not() {
        for s in BOTH {
            for c in writable_classifications() {
                for d in valid_determinations(s, c) {
                    assert!(validate(s, &classify(c.clone(), d.clone())).is_ok(), "{c:?} {d:?}");
                }
            }
            assert_eq!(
                validate(s, &classify(Classification::FalsePositive, Determination::Malware)),
                Err(ActionError::DeterminationNotValid {
                    classification: "False positive".into(),
                    determination: "Malware".into()
                })
            );
            assert!(validate(s, &classify(Classification::TruePositive, Determination::SecurityTesting)).is_err());
            assert!(
                validate(s, &classify(Classification::InformationalExpectedActivity, Determination::Phishing)).is_err()
            );
        }
    }

    #[test]
    fn deprecated_unset_and_unknown_determinations_are_refused() {
        for d in [
            Determination::Apt,
            Determination::SecurityPersonnel,
            Determination::NotAvailable,
            Determination::Other("Ransomware".into()),
        ] {
            assert!(validate(Source::Graph, &classify(Classification::TruePositive, d)).is_err());
        }
        assert_eq!(
            validate(Source::Defender, &classify(Classification::Unknown, Determination::Malware)),
            Err(ActionError::ClassificationNotWritable("Not classified".into()))
        );
    }

    #[test]
    fn other_in_any_case_and_clean_are_canonical() {
        let c = validate(Source::Defender, &classify(Classification::FalsePositive, Determination::Clean)).unwrap();
        assert_eq!(c.classification, Some((Classification::FalsePositive, Determination::NotMalicious)));
        let c = validate(
            Source::Graph,
            &classify(Classification::InformationalExpectedActivity, Determination::Other(" oTHer ".into())),
        )
        .unwrap();
        assert_eq!(c.classification.map(|(_, d)| d), Some(Determination::Other("Other".into())));
    }

    #[test]
    fn statuses_analysts_can_write() {
        for s in BOTH {
            for st in [Status::Active, Status::InProgress, Status::Resolved] {
                assert_eq!(validate(s, &Action::SetStatus(st.clone())).unwrap().status, Some(st));
            }
            for st in [Status::Redirected, Status::AwaitingAction, Status::Unknown("New".into())] {
                assert!(matches!(validate(s, &Action::SetStatus(st)), Err(ActionError::StatusNotWritable(_))));
            }
        }
    }

    #[test]
    fn assignee_trimmed_non_empty_one_line() {
        let c = validate(Source::Defender, &Action::AssignTo("  secop2@contoso.com \n".into())).unwrap();
        assert_eq!(c.assigned_to, Some(Some("secop2@contoso.com".into())));
        assert_eq!(validate(Source::Graph, &Action::AssignTo(" \t ".into())), Err(ActionError::EmptyAssignee));
        assert_eq!(validate(Source::Graph, &Action::AssignTo("a\u{0}b".into())), Err(ActionError::BadAssignee));
        let long = "a".repeat(MAX_ASSIGNEE_CHARS + 1);
        assert_eq!(validate(Source::Graph, &Action::AssignTo(long)), Err(ActionError::BadAssignee));
    }

    #[test]
    fn unassign_only_where_documented() {
        assert_eq!(validate(Source::Graph, &Action::Unassign).unwrap().assigned_to, Some(None));
        assert!(matches!(validate(Source::Defender, &Action::Unassign), Err(ActionError::NotSupported { .. })));
        assert!(!Action::Unassign.supported_by(Source::Defender));
    }

    #[test]
    fn comments_refuse_blank_and_overlong() {
        assert_eq!(validate(Source::Graph, &Action::Comment("  \n ".into())), Err(ActionError::EmptyComment));
        let long = "x".repeat(MAX_COMMENT_CHARS + 1);
        assert_eq!(validate(Source::Graph, &Action::Comment(long)), Err(ActionError::CommentTooLong));
        assert_eq!(validate(Source::Defender, &Action::Comment(" ok ".into())).unwrap().comment, Some("ok".into()));
    }

    #[test]
    fn tags_trimmed_deduplicated_and_bounded() {
        let c = validate(Source::Defender, &Action::SetTags(vec![" a ".into(), "A".into(), "b".into()])).unwrap();
        assert_eq!(c.tags, Some(vec!["a".to_string(), "b".to_string()]));
        assert_eq!(validate(Source::Defender, &Action::SetTags(vec![])).unwrap().tags, Some(vec![]));
        assert_eq!(validate(Source::Graph, &Action::SetTags(vec![" ".into()])), Err(ActionError::EmptyTag));
        assert_eq!(validate(Source::Graph, &Action::SetTags(vec!["a\nb".into()])), Err(ActionError::BadTag));
        let many: Vec<String> = (0..=MAX_TAGS).map(|i| format!("t{i}")).collect();
        assert_eq!(validate(Source::Graph, &Action::SetTags(many)), Err(ActionError::TooManyTags));
    }

    #[test]
    fn resolve_sets_status_pair_and_optional_comment() {
        let r = |comment: Option<&str>| Action::Resolve {
            classification: Classification::TruePositive,
            determination: Determination::Phishing,
            comment: comment.map(str::to_string),
        };
        let c = validate(Source::Graph, &r(Some(" done "))).unwrap();
        assert_eq!(c.status, Some(Status::Resolved));
        assert_eq!(c.classification, Some((Classification::TruePositive, Determination::Phishing)));
        assert_eq!(c.comment, Some("done".into()));
        assert_eq!(validate(Source::Graph, &r(Some("  "))).unwrap().comment, None);
        assert_eq!(validate(Source::Graph, &r(None)).unwrap().comment, None);
        let bad = Action::Resolve {
            classification: Classification::FalsePositive,
            determination: Determination::Phishing,
            comment: None,
        };
        assert!(validate(Source::Defender, &bad).is_err());
    }

    /// Issue 23: a custom tag whose text equals a system tag was dropped on the next tag edit (Graph).
    #[test]
    fn a_custom_tag_named_like_a_system_tag_survives_the_next_edit() {
        let json = r#"{"id":"7","displayName":"x","status":"active","severity":"high",
            "customTags":["Phishing","Demo"],"systemTags":["Phishing","Defender Experts"]}"#;
        let inc = crate::incidents::model::parse_one_incident(Source::Graph, json).unwrap();
        assert_eq!(own_tags(&inc), ["Phishing", "Demo"]);
        assert_eq!(edit_tags(&own_tags(&inc), &["new".into()], &[]), ["Phishing", "Demo", "new"]);
        // Without customTags (Defender, or an answer that lists only tags): every tag but the service's.
        let mut d = inc.clone();
        d.custom_tags = vec![];
        d.tags = vec!["Phishing".into(), "Defender Experts".into(), "Mine".into()];
        d.system_tags = vec!["Defender Experts".into()];
        assert_eq!(own_tags(&d), ["Phishing", "Mine"]);
    }

    #[test]
    fn edit_tags_adds_and_removes_case_insensitively() {
        let cur = vec!["Demo".to_string(), "pen test".to_string()];
        assert_eq!(
            edit_tags(&cur, &["demo".into(), " new ".into()], &["PEN TEST".into()]),
            vec!["Demo".to_string(), "new".to_string()]
        );
        assert_eq!(edit_tags(&cur, &["x".into()], &["x".into()]), cur);
        assert!(edit_tags(&[], &[" ".into()], &[]).is_empty());
    }
}
