//! The incident enums. Each is described by ONE table of its known values — label, URL/filter key, the
//! Defender spelling, other API spellings, sort rank — and every module reads that table: parsing, labels,
//! filter keys, the server `$filter`, the filter chips, the index. Adding a value is one row plus its tests.
//!
//! Microsoft adds enum values without notice, so each enum also keeps values it does not know, as given.

use super::cap;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// Lowercase with only letters and digits: `In Progress`, `inProgress`, `in_progress` all become `inprogress`.
pub(crate) fn norm(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// Whether `normed` (already [`norm`]ed) is `s` normalised, without allocating.
fn same_norm(normed: &str, s: &str) -> bool {
    normed.chars().eq(s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase))
}

/// One known value of an enum and everything the app says about it.
#[derive(Debug)]
pub struct Known<T: 'static> {
    /// The value.
    pub value: T,
    /// Display label.
    pub label: &'static str,
    /// The comparable key used in the URL and the filters: the label, lowercase letters and digits only.
    pub key: &'static str,
    /// How the Defender API spells it (Graph spells statuses the same in camelCase).
    pub api: &'static str,
    /// Other spellings the APIs use, already normalised (Graph names, deprecated names).
    pub aliases: &'static [&'static str],
    /// Sort rank (higher sorts first when descending); 0 where the enum has no rank.
    pub rank: u8,
    /// Offered as a filter choice and sent in a server `$filter`: every source documents the value, and it
    /// names a state (not "not set").
    pub offered: bool,
}

/// A table row: `value`, `label`, `key`, Defender spelling, rank.
const fn known<T>(value: T, label: &'static str, key: &'static str, api: &'static str, rank: u8) -> Known<T> {
    Known { value, label, key, api, aliases: &[], rank, offered: true }
}

impl<T> Known<T> {
    /// The same row, also parsed from these (normalised) spellings.
    const fn or(mut self, aliases: &'static [&'static str]) -> Self {
        self.aliases = aliases;
        self
    }
    /// The same row, for a value not offered as a filter (only one source documents it, or it means "not set").
    const fn not_offered(mut self) -> Self {
        self.offered = false;
        self
    }
}

/// The methods every table-described enum shares, read from its table.
macro_rules! described_by {
    ($t:ident, $table:ident) => {
        impl $t {
            /// Every known value with its facts, in display order.
            pub const ALL: &'static [Known<$t>] = $table;

            /// The table row of a known value.
            pub fn known(&self) -> Option<&'static Known<$t>> {
                $table.iter().find(|k| k.value == *self)
            }

            /// The comparable key (`"In progress"` → `inprogress`); borrowed for every known value.
            pub fn key(&self) -> Cow<'static, str> {
                match self.known() {
                    Some(k) => Cow::Borrowed(k.key),
                    None => Cow::Owned(norm(self.label())),
                }
            }

            /// The known value with this key.
            pub fn from_key(key: &str) -> Option<Self> {
                $table.iter().find(|k| k.key == key).map(|k| k.value.clone())
            }

            /// The known value either API spells as `raw`, case-insensitively.
            fn from_api(raw: &str) -> Option<Self> {
                let n = norm(raw);
                $table.iter().find(|k| same_norm(&n, k.api) || k.aliases.contains(&n.as_str())).map(|k| k.value.clone())
            }
        }
    };
}

/// Incident or alert severity.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Severity {
    /// Informational.
    Informational,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Not set (Defender `UnSpecified`, Graph `unknown`, or missing).
    Unspecified,
    /// A value this app does not know yet, as given.
    Unknown(String),
}

const SEVERITIES: &[Known<Severity>] = &[
    known(Severity::High, "High", "high", "High", 4),
    known(Severity::Medium, "Medium", "medium", "Medium", 3),
    known(Severity::Low, "Low", "low", "Low", 2),
    known(Severity::Informational, "Informational", "informational", "Informational", 1),
    known(Severity::Unspecified, "Unspecified", "unspecified", "UnSpecified", 0).or(&["unknown", "none"]).not_offered(),
];
described_by!(Severity, SEVERITIES);

impl Severity {
    /// Parses either API's spelling, case-insensitively.
    pub fn parse(s: Option<&str>) -> Self {
        let Some(raw) = s.filter(|s| !s.trim().is_empty()) else { return Severity::Unspecified };
        Severity::from_api(raw).unwrap_or_else(|| Severity::Unknown(cap(raw, 100)))
    }
    /// Display label.
    pub fn label(&self) -> &str {
        match (self.known(), self) {
            (Some(k), _) => k.label,
            (None, Severity::Unknown(s)) => s,
            (None, _) => "",
        }
    }
    /// Sort rank: High 4 … Informational 1, others 0.
    pub fn rank(&self) -> u8 {
        self.known().map_or(0, |k| k.rank)
    }
}

/// Incident or alert status.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Status {
    /// Active (Defender portal "New").
    Active,
    /// In progress.
    InProgress,
    /// Resolved.
    Resolved,
    /// Merged into another incident (see `redirect_id`).
    Redirected,
    /// Graph `awaitingAction`.
    AwaitingAction,
    /// Any other value as given (alerts use `New`); empty when missing.
    Unknown(String),
}

/// Ranks: open work first.
const STATUSES: &[Known<Status>] = &[
    known(Status::Active, "Active", "active", "Active", 4),
    known(Status::InProgress, "In progress", "inprogress", "InProgress", 2),
    known(Status::Resolved, "Resolved", "resolved", "Resolved", 0),
    known(Status::Redirected, "Redirected", "redirected", "Redirected", 0),
    known(Status::AwaitingAction, "Awaiting action", "awaitingaction", "AwaitingAction", 3).not_offered(), // Graph only
];
described_by!(Status, STATUSES);

impl Status {
    /// Parses either API's spelling, case-insensitively.
    pub fn parse(s: Option<&str>) -> Self {
        let raw = s.unwrap_or("").trim();
        Status::from_api(raw).unwrap_or_else(|| Status::Unknown(cap(raw, 100)))
    }
    /// Display label.
    pub fn label(&self) -> &str {
        match (self.known(), self) {
            (Some(k), _) => k.label,
            (None, Status::Unknown(s)) if s.is_empty() => "Unknown",
            (None, Status::Unknown(s)) => s,
            (None, _) => "",
        }
    }
    /// Sort rank: open work first; values not known here between open and closed.
    pub fn rank(&self) -> u8 {
        self.known().map_or(1, |k| k.rank)
    }
    /// How `source` spells this status in a `$filter`: Defender PascalCase, Graph camelCase.
    pub fn api_value(&self, source: crate::incidents::source::Source) -> String {
        let pascal = match (self.known(), self) {
            (Some(k), _) => k.api,
            (None, Status::Unknown(x)) => x.as_str(),
            (None, _) => "",
        };
        crate::incidents::source::api(source).status_case.apply(pascal)
    }
}

/// Analyst classification.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Classification {
    /// Not classified (Defender `Unknown`, Graph `unknown`, null).
    Unknown,
    /// False positive.
    FalsePositive,
    /// True positive.
    TruePositive,
    /// "Informational, expected activity" (Graph `informationalExpectedActivity`).
    InformationalExpectedActivity,
    /// Any other value as given.
    Other(String),
}

const CLASSIFICATIONS: &[Known<Classification>] = &[
    known(Classification::Unknown, "Not classified", "notclassified", "Unknown", 0).or(&["", "notset"]),
    known(Classification::FalsePositive, "False positive", "falsepositive", "FalsePositive", 0),
    known(Classification::TruePositive, "True positive", "truepositive", "TruePositive", 0),
    known(
        Classification::InformationalExpectedActivity,
        "Informational, expected activity",
        "informationalexpectedactivity",
        "InformationalExpectedActivity",
        0,
    )
    .or(&["benignpositive"]),
];
described_by!(Classification, CLASSIFICATIONS);

impl Classification {
    /// Parses either API's spelling, case-insensitively.
    pub fn parse(s: Option<&str>) -> Self {
        let raw = s.unwrap_or("").trim();
        Classification::from_api(raw).unwrap_or_else(|| Classification::Other(cap(raw, 100)))
    }
    /// Display label.
    pub fn label(&self) -> &str {
        match (self.known(), self) {
            (Some(k), _) => k.label,
            (None, Classification::Other(s)) => s,
            (None, _) => "",
        }
    }
}

/// Analyst determination (union of both APIs' documented values).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Determination {
    /// Not set (Defender `NotAvailable`, Graph `unknown`, null).
    NotAvailable,
    /// APT (deprecated 2022).
    Apt,
    /// Malware.
    Malware,
    /// Security personnel (deprecated 2022).
    SecurityPersonnel,
    /// Security testing.
    SecurityTesting,
    /// Unwanted software.
    UnwantedSoftware,
    /// Multi-staged attack.
    MultiStagedAttack,
    /// Malicious user activity.
    MaliciousUserActivity,
    /// Compromised user (Graph `compromisedAccount`).
    CompromisedUser,
    /// Phishing.
    Phishing,
    /// Line-of-business application.
    LineOfBusinessApplication,
    /// Confirmed user activity (Graph `confirmedActivity`).
    ConfirmedUserActivity,
    /// Clean.
    Clean,
    /// Not malicious (Graph).
    NotMalicious,
    /// Insufficient data (Graph `notEnoughDataToValidate`).
    InsufficientData,
    /// The documented value `Other`, or any value not known here, as given.
    Other(String),
}

const DETERMINATIONS: &[Known<Determination>] = &[
    known(Determination::NotAvailable, "Not available", "notavailable", "NotAvailable", 0).or(&["", "unknown"]),
    known(Determination::Apt, "APT", "apt", "Apt", 0),
    known(Determination::Malware, "Malware", "malware", "Malware", 0),
    known(Determination::SecurityPersonnel, "Security personnel", "securitypersonnel", "SecurityPersonnel", 0),
    known(Determination::SecurityTesting, "Security testing", "securitytesting", "SecurityTesting", 0),
    known(Determination::UnwantedSoftware, "Unwanted software", "unwantedsoftware", "UnwantedSoftware", 0),
    known(Determination::MultiStagedAttack, "Multi-staged attack", "multistagedattack", "MultiStagedAttack", 0),
    known(
        Determination::MaliciousUserActivity,
        "Malicious user activity",
        "malicioususeractivity",
        "MaliciousUserActivity",
        0,
    ),
    known(Determination::CompromisedUser, "Compromised user", "compromiseduser", "CompromisedUser", 0)
        .or(&["compromisedaccount"]),
    known(Determination::Phishing, "Phishing", "phishing", "Phishing", 0),
    known(
        Determination::LineOfBusinessApplication,
        "Line-of-business application",
        "lineofbusinessapplication",
        "LineOfBusinessApplication",
        0,
    ),
    known(
        Determination::ConfirmedUserActivity,
        "Confirmed user activity",
        "confirmeduseractivity",
        "ConfirmedUserActivity",
        0,
    )
    .or(&["confirmedactivity"]),
    known(Determination::Clean, "Clean", "clean", "Clean", 0),
    known(Determination::NotMalicious, "Not malicious", "notmalicious", "NotMalicious", 0).not_offered(), // Graph only
    known(Determination::InsufficientData, "Insufficient data", "insufficientdata", "InsufficientData", 0)
        .or(&["notenoughdatatovalidate", "noenoughdatatovalidate"]),
];
described_by!(Determination, DETERMINATIONS);

impl Determination {
    /// Parses either API's spelling, case-insensitively.
    pub fn parse(s: Option<&str>) -> Self {
        let raw = s.unwrap_or("").trim();
        match Determination::from_api(raw) {
            Some(d) => d,
            None if norm(raw) == "other" => Determination::Other("Other".into()),
            None => Determination::Other(cap(raw, 100)),
        }
    }
    /// Display label.
    pub fn label(&self) -> &str {
        match (self.known(), self) {
            (Some(k), _) => k.label,
            (None, Determination::Other(s)) => s,
            (None, _) => "",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks one enum's table: keys are the normalised labels, unique, and parse back; API spellings parse.
    fn check_table<T: Clone + PartialEq + std::fmt::Debug>(
        all: &[Known<T>],
        from_key: fn(&str) -> Option<T>,
        parse: fn(Option<&str>) -> T,
        label: fn(&T) -> String,
        key: fn(&T) -> String,
    ) {
        assert!(!all.is_empty());
        for (i, k) in all.iter().enumerate() {
            assert_eq!(k.key, norm(k.label), "{:?}: the key is the normalised label", k.value);
            assert_eq!(from_key(k.key).as_ref(), Some(&k.value), "{:?}: its key parses back", k.value);
            assert_eq!(parse(Some(k.api)), k.value, "{:?}: the Defender spelling parses", k.value);
            assert_eq!(label(&k.value), k.label);
            assert_eq!(key(&k.value), k.key);
            for a in k.aliases {
                assert_eq!(norm(a), *a, "aliases are stored normalised");
                assert_eq!(parse(Some(a)), k.value, "{a}");
            }
            assert!(
                all.iter().skip(i + 1).all(|o| o.key != k.key && o.value != k.value),
                "{:?} is listed once",
                k.value
            );
        }
        assert_eq!(from_key("no such key"), None);
    }

    #[test]
    fn every_table_round_trips() {
        check_table(Severity::ALL, Severity::from_key, Severity::parse, |v| v.label().into(), |v| v.key().into());
        check_table(Status::ALL, Status::from_key, Status::parse, |v| v.label().into(), |v| v.key().into());
        check_table(
            Classification::ALL,
            Classification::from_key,
            Classification::parse,
            |v| v.label().into(),
            |v| v.key().into(),
        );
        check_table(
            Determination::ALL,
            Determination::from_key,
            Determination::parse,
            |v| v.label().into(),
            |v| v.key().into(),
        );
    }

    #[test]
    fn unknown_values_keep_their_text_and_key() {
        let s = Status::parse(Some("New"));
        assert_eq!((s.label(), s.key().as_ref(), s.rank()), ("New", "new", 1));
        assert!(s.known().is_none());
        assert_eq!(Status::parse(None).key(), "unknown");
        assert_eq!(Severity::parse(Some("Catastrophic")).key(), "catastrophic");
        assert_eq!(Determination::parse(Some("OTHER")).key(), "other");
        assert!(matches!(Status::Active.key(), Cow::Borrowed("active")), "known keys are not allocated");
    }

    #[test]
    fn status_filter_spelling_follows_the_source() {
        use crate::incidents::source::Source;
        assert_eq!(Status::AwaitingAction.api_value(Source::Graph), "awaitingAction");
        assert_eq!(Status::InProgress.api_value(Source::Defender), "InProgress");
        assert_eq!(Status::Unknown("Closed".into()).api_value(Source::Graph), "closed");
        assert!(!Status::AwaitingAction.known().is_some_and(|k| k.offered), "Defender does not document it");
    }
}
