//! The documented enum values and how each Defender value is spelled in Graph.

/// Every documented Defender incident severity.
#[cfg(test)]
pub(crate) const SEVERITIES: [&str; 5] = ["UnSpecified", "Informational", "Low", "Medium", "High"];
/// Every documented Defender incident status.
pub(crate) const STATUSES: [&str; 4] = ["Active", "InProgress", "Resolved", "Redirected"];
/// Every documented classification (both doc variants).
pub(crate) const CLASSIFICATIONS: [&str; 4] =
    ["Unknown", "FalsePositive", "TruePositive", "InformationalExpectedActivity"];
/// Every documented determination (list doc and resource doc).
pub(crate) const DETERMINATIONS: [&str; 15] = [
    "NotAvailable",
    "Apt",
    "Malware",
    "SecurityPersonnel",
    "SecurityTesting",
    "UnwantedSoftware",
    "Other",
    "MultiStagedAttack",
    "MaliciousUserActivity",
    "CompromisedUser",
    "Phishing",
    "LineOfBusinessApplication",
    "ConfirmedUserActivity",
    "Clean",
    "InsufficientData",
];
/// The classification/determination pairs the update APIs accept (Defender's incident resource and Update incident
/// pages; `Apt` and `SecurityPersonnel` were retired from the API in August 2022). `NotAvailable` (Graph `unknown`)
/// goes with any classification: it means "not determined yet".
const PAIRS: [(&str, &[&str]); 3] = [
    (
        "TruePositive",
        &[
            "MultiStagedAttack",
            "MaliciousUserActivity",
            "CompromisedUser",
            "Malware",
            "Phishing",
            "UnwantedSoftware",
            "Other",
        ],
    ),
    (
        "InformationalExpectedActivity",
        &["SecurityTesting", "LineOfBusinessApplication", "ConfirmedUserActivity", "Other"],
    ),
    ("FalsePositive", &["Clean", "InsufficientData", "Other"]),
];

/// Whether `determination` may go with `classification` (Defender spellings).
pub(crate) fn documented_pair(classification: &str, determination: &str) -> bool {
    determination == "NotAvailable" || PAIRS.iter().any(|(c, ds)| *c == classification && ds.contains(&determination))
}

/// Every documented automated-investigation state.
pub(crate) const INVESTIGATION_STATES: [&str; 18] = [
    "Unknown",
    "Terminated",
    "SuccessfullyRemediated",
    "Benign",
    "Failed",
    "PartiallyRemediated",
    "Running",
    "PendingApproval",
    "PendingResource",
    "PartiallyInvestigated",
    "TerminatedByUser",
    "TerminatedBySystem",
    "Queued",
    "InnerFailure",
    "PreexistingAlert",
    "UnsupportedOs",
    "UnsupportedAlertType",
    "SuppressedAlert",
];

/// Lower-camel-cases a PascalCase value (`InProgress` → `inProgress`).
pub(crate) fn camel(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Graph severity for a Defender severity (unknown values pass through camel-cased).
pub(crate) fn graph_severity(s: &str) -> String {
    match s {
        "UnSpecified" => "unknown".into(),
        other => camel(other),
    }
}

/// Graph status for a Defender status.
pub(crate) fn graph_status(s: &str) -> String {
    camel(s)
}

/// Graph classification for a Defender classification.
pub(crate) fn graph_classification(s: &str) -> String {
    camel(s)
}

/// Graph determination for a Defender determination.
pub(crate) fn graph_determination(s: &str) -> String {
    match s {
        "NotAvailable" => "unknown".into(),
        "CompromisedUser" => "compromisedAccount".into(),
        "Clean" => "notMalicious".into(),
        "InsufficientData" => "notEnoughDataToValidate".into(),
        "ConfirmedUserActivity" => "confirmedActivity".into(),
        other => camel(other),
    }
}
