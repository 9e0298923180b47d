//! The readable label of an API value the page shows as a word: service and detection sources, device health,
//! antivirus and onboarding states, risk, verdicts, OS platforms. ONE table for both APIs (Defender spells
//! `MicrosoftDefenderATP`, Graph `microsoftDefenderForEndpoint`); a value not in it is split at its capitals
//! (`noThreatsFound` → `No threats found`), so a camelCase API spelling never reaches the page's text. The raw
//! value stays available for a tooltip and the raw view.

use super::norm;
use std::borrow::Cow;

/// (value normalised with [`norm`], label). Values whose split-at-capitals reading would be wrong or unclear.
const LABELS: &[(&str, &str)] = &[
    // Service sources (Graph serviceSource; Defender spellings beside them).
    ("microsoftdefenderforendpoint", "Microsoft Defender for Endpoint"),
    ("microsoftdefenderatp", "Microsoft Defender for Endpoint"),
    ("microsoftdefenderforidentity", "Microsoft Defender for Identity"),
    ("azureatp", "Microsoft Defender for Identity"),
    ("microsoftdefenderforoffice365", "Microsoft Defender for Office 365"),
    ("officeatp", "Microsoft Defender for Office 365"),
    ("microsoftcloudappsecurity", "Microsoft Defender for Cloud Apps"),
    ("microsoftdefenderforcloudapps", "Microsoft Defender for Cloud Apps"),
    ("mcas", "Microsoft Defender for Cloud Apps"),
    ("microsoft365defender", "Microsoft Defender XDR"),
    ("microsoftdefenderxdr", "Microsoft Defender XDR"),
    ("azureadidentityprotection", "Microsoft Entra ID Protection"),
    ("aadidentityprotection", "Microsoft Entra ID Protection"),
    ("microsoftappgovernance", "App governance"),
    ("appgovernancepolicy", "App governance policy"),
    ("appgovernancedetection", "App governance detection"),
    ("datalossprevention", "Microsoft Purview Data Loss Prevention"),
    ("microsoftdefenderforcloud", "Microsoft Defender for Cloud"),
    ("azuresecuritycenter", "Microsoft Defender for Cloud"),
    ("microsoftsentinel", "Microsoft Sentinel"),
    ("microsoftinsiderriskmanagement", "Microsoft Purview Insider Risk Management"),
    // Detection sources.
    ("windowsdefenderav", "Antivirus"),
    ("antivirus", "Antivirus"),
    ("windowsdefenderatp", "EDR"),
    ("windowsdefendersmartscreen", "SmartScreen"),
    ("smartscreen", "SmartScreen"),
    ("customti", "Custom threat intelligence"),
    ("customdetection", "Custom detection"),
    ("edr", "EDR"),
    // Device health (deviceHealthStatus) and onboarding.
    ("nosensordataimpairedcommunication", "No sensor data, impaired communication"),
    ("insufficientinfo", "Insufficient information"),
    // OS platforms.
    ("windows10", "Windows 10"),
    ("windows11", "Windows 11"),
    ("windowsserver2012r2", "Windows Server 2012 R2"),
    ("windowsserver2016", "Windows Server 2016"),
    ("windowsserver2019", "Windows Server 2019"),
    ("windowsserver2022", "Windows Server 2022"),
    ("windowsserver2025", "Windows Server 2025"),
    ("macos", "macOS"),
    ("ios", "iOS"),
];

/// The label of an API value: from the table, else split at its capitals and digits, else the value as given.
/// A list (`attacker, source`) is labelled item by item.
pub fn api_label(raw: &str) -> Cow<'_, str> {
    let t = raw.trim();
    if t.contains(", ") {
        return Cow::Owned(t.split(", ").map(|p| api_label(p).into_owned()).collect::<Vec<_>>().join(", "));
    }
    let n = norm(t);
    if let Some((_, label)) = LABELS.iter().find(|(k, _)| *k == n) {
        return Cow::Borrowed(label);
    }
    match words(t) {
        Some(w) if w != raw => Cow::Owned(w),
        _ => Cow::Borrowed(raw),
    }
}

/// `impairedCommunication` → `Impaired communication`, `Windows10` → `Windows 10`, `SuccessfullyRemediated` →
/// `Successfully remediated`; acronyms stay (`MCASAlert` → `MCAS alert`). `None` unless `s` is one identifier.
fn words(s: &str) -> Option<String> {
    if s.is_empty() || !s.chars().all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    let chars: Vec<char> = s.chars().collect();
    let mut parts: Vec<String> = vec![String::new()];
    let mut prev: Option<char> = None;
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        let boundary = prev.is_some_and(|p| {
            (c.is_ascii_uppercase()
                && (p.is_ascii_lowercase()
                    || p.is_ascii_digit()
                    || (p.is_ascii_uppercase() && next.is_some_and(|n| n.is_ascii_lowercase()))))
                || (c.is_ascii_digit() && p.is_ascii_lowercase())
        });
        if boundary {
            parts.push(String::new());
        }
        if let Some(last) = parts.last_mut() {
            last.push(c);
        }
        prev = Some(c);
    }
    let shaped: Vec<String> = parts
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let acronym = w.len() > 1 && w.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
            if acronym {
                w.clone()
            } else if i == 0 {
                let mut c = w.chars();
                c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
            } else {
                w.to_ascii_lowercase()
            }
        })
        .collect();
    Some(shaped.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graph_spellings_read_as_labels() {
        // Issue 21.7: with the Graph source these leaked into the page as they are spelled on the wire.
        assert_eq!(api_label("microsoftDefenderForEndpoint"), "Microsoft Defender for Endpoint");
        assert_eq!(api_label("impairedCommunication"), "Impaired communication");
        assert_eq!(api_label("noSensorDataImpairedCommunication"), "No sensor data, impaired communication");
        assert_eq!(api_label("notUpdated"), "Not updated");
        assert_eq!(api_label("canBeOnboarded"), "Can be onboarded");
        assert_eq!(api_label("noThreatsFound"), "No threats found");
        assert_eq!(api_label("attacker, source"), "Attacker, Source");
    }

    #[test]
    fn both_apis_spell_one_source_alike_on_the_page() {
        for (defender, graph) in [
            ("MicrosoftDefenderATP", "microsoftDefenderForEndpoint"),
            ("OfficeATP", "microsoftDefenderForOffice365"),
            ("MicrosoftCloudAppSecurity", "microsoftCloudAppSecurity"),
            ("ImpairedCommunication", "impairedCommunication"),
            ("NotUpdated", "notUpdated"),
        ] {
            assert_eq!(api_label(defender), api_label(graph), "{defender} / {graph}");
        }
    }

    #[test]
    fn other_values_split_at_capitals_and_digits() {
        assert_eq!(api_label("SuccessfullyRemediated"), "Successfully remediated");
        assert_eq!(api_label("CredentialAccess"), "Credential access");
        assert_eq!(api_label("Windows10"), "Windows 10");
        assert_eq!(api_label("WindowsServer2019"), "Windows Server 2019");
        assert_eq!(api_label("macOS"), "macOS");
        assert_eq!(api_label("MCASAlert"), "MCAS alert");
        assert_eq!(api_label("active"), "Active");
        assert_eq!(api_label("Workstations"), "Workstations");
        assert_eq!(api_label("O365"), "O365");
        // Text that is not one identifier is left alone.
        assert_eq!(api_label("Ubuntu 22.04"), "Ubuntu 22.04");
        assert_eq!(api_label("C:\\Windows"), "C:\\Windows");
        assert_eq!(api_label(""), "");
    }
}
