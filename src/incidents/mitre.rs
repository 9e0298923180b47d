//! MITRE ATT&CK techniques: the names of the techniques the app knows, and the link to a technique's page.

/// Technique ids the app names (Enterprise ATT&CK), sorted by id.
const NAMES: &[(&str, &str)] = &[
    ("T1003", "OS Credential Dumping"),
    ("T1003.001", "LSASS Memory"),
    ("T1003.006", "DCSync"),
    ("T1018", "Remote System Discovery"),
    ("T1021", "Remote Services"),
    ("T1021.001", "Remote Desktop Protocol"),
    ("T1021.002", "SMB/Windows Admin Shares"),
    ("T1027", "Obfuscated Files or Information"),
    ("T1036", "Masquerading"),
    ("T1047", "Windows Management Instrumentation"),
    ("T1053", "Scheduled Task/Job"),
    ("T1053.005", "Scheduled Task"),
    ("T1055", "Process Injection"),
    ("T1057", "Process Discovery"),
    ("T1059", "Command and Scripting Interpreter"),
    ("T1059.001", "PowerShell"),
    ("T1059.003", "Windows Command Shell"),
    ("T1069", "Permission Groups Discovery"),
    ("T1070", "Indicator Removal"),
    ("T1070.001", "Clear Windows Event Logs"),
    ("T1071", "Application Layer Protocol"),
    ("T1071.001", "Web Protocols"),
    ("T1078", "Valid Accounts"),
    ("T1082", "System Information Discovery"),
    ("T1083", "File and Directory Discovery"),
    ("T1087", "Account Discovery"),
    ("T1098", "Account Manipulation"),
    ("T1105", "Ingress Tool Transfer"),
    ("T1110", "Brute Force"),
    ("T1112", "Modify Registry"),
    ("T1114", "Email Collection"),
    ("T1133", "External Remote Services"),
    ("T1136", "Create Account"),
    ("T1190", "Exploit Public-Facing Application"),
    ("T1204", "User Execution"),
    ("T1204.002", "Malicious File"),
    ("T1218", "System Binary Proxy Execution"),
    ("T1218.011", "Rundll32"),
    ("T1219", "Remote Access Software"),
    ("T1486", "Data Encrypted for Impact"),
    ("T1489", "Service Stop"),
    ("T1490", "Inhibit System Recovery"),
    ("T1528", "Steal Application Access Token"),
    ("T1530", "Data from Cloud Storage"),
    ("T1534", "Internal Spearphishing"),
    ("T1543", "Create or Modify System Process"),
    ("T1543.003", "Windows Service"),
    ("T1547", "Boot or Logon Autostart Execution"),
    ("T1547.001", "Registry Run Keys / Startup Folder"),
    ("T1550", "Use Alternate Authentication Material"),
    ("T1550.002", "Pass the Hash"),
    ("T1556", "Modify Authentication Process"),
    ("T1558", "Steal or Forge Kerberos Tickets"),
    ("T1558.003", "Kerberoasting"),
    ("T1560", "Archive Collected Data"),
    ("T1562", "Impair Defenses"),
    ("T1562.001", "Disable or Modify Tools"),
    ("T1564", "Hide Artifacts"),
    ("T1564.001", "Hidden Files and Directories"),
    ("T1564.008", "Email Hiding Rules"),
    ("T1566", "Phishing"),
    ("T1566.001", "Spearphishing Attachment"),
    ("T1566.002", "Spearphishing Link"),
    ("T1567", "Exfiltration Over Web Service"),
    ("T1569.002", "Service Execution"),
    ("T1621", "Multi-Factor Authentication Request Generation"),
];

/// The technique's name, when the app knows it (ids compared case-insensitively).
pub fn technique_name(id: &str) -> Option<&'static str> {
    let id = id.trim();
    NAMES.iter().find(|(k, _)| k.eq_ignore_ascii_case(id)).map(|(_, n)| *n)
}

/// `https://attack.mitre.org/techniques/T1234/` (sub-technique `T1234.001` → `/techniques/T1234/001/`), only
/// for a well-formed id (`T` + 4 digits, optionally `.` + 3 digits); anything else gets no link.
pub fn technique_url(id: &str) -> Option<String> {
    let id = id.trim();
    let b = id.as_bytes();
    let digits = |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let head = matches!(b.first(), Some(b'T' | b't')) && digits(1..5);
    match b.len() {
        5 if head => Some(format!("https://attack.mitre.org/techniques/T{}/", id.get(1..5)?)),
        9 if head && b.get(5) == Some(&b'.') && digits(6..9) => {
            Some(format!("https://attack.mitre.org/techniques/T{}/{}/", id.get(1..5)?, id.get(6..9)?))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_names() {
        assert_eq!(technique_url("T1003").as_deref(), Some("https://attack.mitre.org/techniques/T1003/"));
        assert_eq!(technique_url("T1003.001").as_deref(), Some("https://attack.mitre.org/techniques/T1003/001/"));
        assert_eq!(technique_url("t1566.002").as_deref(), Some("https://attack.mitre.org/techniques/T1566/002/"));
        for bad in ["", "T12", "T12345", "T1003.01", "T1003/../x", "javascript:alert(1)", "T100३"] {
            assert_eq!(technique_url(bad), None, "{bad}");
        }
        assert_eq!(technique_name("T1490"), Some("Inhibit System Recovery"));
        assert_eq!(technique_name("t1059.001"), Some("PowerShell"));
        assert_eq!(technique_name("T9999"), None);
    }

    #[test]
    fn the_table_is_sorted_well_formed_and_unique() {
        for w in NAMES.windows(2) {
            assert!(w[0].0 < w[1].0, "{} before {}", w[0].0, w[1].0);
        }
        assert!(NAMES.iter().all(|(id, n)| technique_url(id).is_some() && !n.is_empty()));
    }
}
