//! Prepared hunts from an incident's entities: for a device, user, address, file hash, URL or mailbox, the
//! queries an analyst reaches for first, over an editable window (the incident's own span when it has one,
//! see `window.rs`), with the value quoted as a KQL string literal. Tables and columns as in Microsoft's
//! advanced hunting schema reference (DeviceProcessEvents, DeviceNetworkEvents, DeviceLogonEvents,
//! DeviceFileEvents, IdentityLogonEvents, EmailEvents).

use super::window::Window;

/// The longest entity value put into a query (characters).
const MAX_VALUE_CHARS: usize = 1_000;
/// Rows a prepared query asks for: a screenful of history, well under the API's 100,000.
const PIVOT_ROWS: u32 = 1_000;

/// A kind of entity on an incident that a hunt can start from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntityKind {
    /// A device name.
    Device,
    /// A user: UPN (`ada@contoso.example`) or account name.
    User,
    /// An IP address.
    Ip,
    /// A file's SHA-256.
    Sha256,
    /// A file's SHA-1.
    Sha1,
    /// A URL or domain.
    Url,
    /// A mailbox: recipient or sender address.
    Mailbox,
}

/// How far back a prepared hunt looks, in days: 1 to 30 (advanced hunting keeps 30 days).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lookback(u8);

impl Lookback {
    /// The window the pivots start with.
    pub const DEFAULT: Lookback = Lookback(7);

    /// `days`, clamped to 1..=30.
    pub fn days(days: u32) -> Lookback {
        Lookback(u8::try_from(days.clamp(1, 30)).unwrap_or(30))
    }

    /// Days back.
    pub fn get(self) -> u8 {
        self.0
    }
}

impl From<Lookback> for Window {
    fn from(days: Lookback) -> Window {
        Window::Back(days)
    }
}

impl Default for Lookback {
    fn default() -> Self {
        Lookback::DEFAULT
    }
}

/// A prepared hunt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pivot {
    /// What it shows, for the button or menu.
    pub label: &'static str,
    /// The KQL.
    pub query: String,
}

/// `value` as a KQL double-quoted string literal: `\` and `"` escaped, newline and tab as `\n` and `\t` (the
/// escapes Kusto's string type documents), other control characters dropped, at most 1,000 characters. Nothing
/// in `value` can end the literal.
pub fn kql_string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars().take(MAX_VALUE_CHARS) {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// One table's rows for `condition` over `window`, newest first.
fn hunt(table: &str, window: Window, condition: &str, columns: &str) -> String {
    format!(
        "{table}\n| where {}\n| where {condition}\n| project {columns}\n| order by Timestamp desc\n| take {PIVOT_ROWS}",
        window.condition()
    )
}

/// The prepared hunts for an entity, the one to open first leading; empty when `value` is blank.
pub fn pivots(kind: EntityKind, value: &str, window: impl Into<Window>) -> Vec<Pivot> {
    let window = window.into();
    let value = value.trim();
    if value.is_empty() {
        return vec![];
    }
    let v = kql_string(value);
    let p = |label, query| Pivot { label, query };
    match kind {
        EntityKind::Device => vec![
            p("Processes", hunt("DeviceProcessEvents", window, &format!("DeviceName =~ {v}"),
                "Timestamp, DeviceName, AccountName, FileName, ProcessCommandLine, InitiatingProcessFileName, SHA256")),
            p("Network connections", hunt("DeviceNetworkEvents", window, &format!("DeviceName =~ {v}"),
                "Timestamp, DeviceName, ActionType, RemoteIP, RemotePort, RemoteUrl, InitiatingProcessFileName")),
            p("Sign-ins", hunt("DeviceLogonEvents", window, &format!("DeviceName =~ {v}"),
                "Timestamp, DeviceName, AccountDomain, AccountName, LogonType, ActionType, RemoteIP")),
        ],
        EntityKind::User => {
            // DeviceLogonEvents has no UPN: its AccountName is the part before the @.
            let account = kql_string(value.split('@').next().unwrap_or(value));
            let identity = if value.contains('@') { format!("AccountUpn =~ {v}") } else { format!("AccountName =~ {v}") };
            vec![
                p("Sign-ins", hunt("IdentityLogonEvents", window, &identity,
                    "Timestamp, AccountUpn, AccountName, ActionType, LogonType, Application, DeviceName, IPAddress")),
                p("Device sign-ins", hunt("DeviceLogonEvents", window, &format!("AccountName =~ {account}"),
                    "Timestamp, DeviceName, AccountDomain, AccountName, LogonType, ActionType, RemoteIP")),
            ]
        }
        EntityKind::Ip => vec![
            p("Network connections", hunt("DeviceNetworkEvents", window, &format!("RemoteIP == {v} or LocalIP == {v}"),
                "Timestamp, DeviceName, ActionType, LocalIP, RemoteIP, RemotePort, RemoteUrl, InitiatingProcessFileName")),
            p("Sign-ins from it", hunt("IdentityLogonEvents", window, &format!("IPAddress == {v}"),
                "Timestamp, AccountUpn, ActionType, LogonType, Application, DeviceName, IPAddress")),
        ],
        EntityKind::Sha256 | EntityKind::Sha1 => {
            let column = if kind == EntityKind::Sha256 { "SHA256" } else { "SHA1" };
            vec![
                p("File events", hunt("DeviceFileEvents", window, &format!("{column} =~ {v}"),
                    "Timestamp, DeviceName, ActionType, FolderPath, FileName, SHA1, SHA256, InitiatingProcessFileName")),
                p("Processes", hunt("DeviceProcessEvents", window, &format!("{column} =~ {v}"),
                    "Timestamp, DeviceName, AccountName, FileName, ProcessCommandLine, SHA1, SHA256")),
            ]
        }
        EntityKind::Url => vec![p("Network connections", hunt("DeviceNetworkEvents", window,
            &format!("RemoteUrl contains {v}"),
            "Timestamp, DeviceName, ActionType, RemoteIP, RemotePort, RemoteUrl, InitiatingProcessFileName"))],
        EntityKind::Mailbox => vec![p("Mail", hunt("EmailEvents", window,
            &format!("RecipientEmailAddress =~ {v} or SenderFromAddress =~ {v}"),
            "Timestamp, SenderFromAddress, RecipientEmailAddress, Subject, DeliveryAction, ThreatTypes, NetworkMessageId"))],
    }
}

/// What a hunt can start from in an evidence entity: (kind, value), the identity the hunting tables key on
/// first (a user's UPN before the account name, a file's SHA-256 before its SHA-1). Empty when nothing fits.
pub fn entity_targets(e: &crate::incidents::model::Entity) -> Vec<(EntityKind, String)> {
    let present = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
    let mut out = vec![];
    let mut push = |kind, v: Option<String>| {
        if let Some(v) = v {
            if !out.iter().any(|(k, x)| *k == kind && *x == v) {
                out.push((kind, v));
            }
        }
    };
    push(EntityKind::User, present(&e.user_principal_name).or_else(|| present(&e.account_name)));
    push(EntityKind::Ip, present(&e.ip_address));
    push(EntityKind::Url, present(&e.url));
    match present(&e.sha256) {
        Some(h) => push(EntityKind::Sha256, Some(h)),
        None => push(EntityKind::Sha1, present(&e.sha1)),
    }
    push(EntityKind::Mailbox, present(&e.mailbox_address));
    push(EntityKind::Mailbox, present(&e.sender));
    push(EntityKind::Mailbox, present(&e.recipient));
    out
}

impl EntityKind {
    /// What the value is, for a link's accessible name ("Hunt for this device").
    pub fn noun(self) -> &'static str {
        match self {
            EntityKind::Device => "device",
            EntityKind::User => "user",
            EntityKind::Ip => "address",
            EntityKind::Sha256 | EntityKind::Sha1 => "file",
            EntityKind::Url => "URL",
            EntityKind::Mailbox => "mailbox",
        }
    }
}

/// The tables advanced hunting offers that the page lists (Microsoft's schema reference names; their columns
/// come from `getschema`).
pub const TABLES: &[&str] = &[
    "DeviceProcessEvents",
    "DeviceNetworkEvents",
    "DeviceLogonEvents",
    "DeviceFileEvents",
    "IdentityLogonEvents",
    "EmailEvents",
    "AlertInfo",
    "AlertEvidence",
];

/// Example queries for the hunting page: (label, KQL).
pub const EXAMPLES: &[(&str, &str)] = &[
    (
        "PowerShell started by Office",
        "DeviceProcessEvents\n| where Timestamp > ago(7d)\n| where FileName =~ \"powershell.exe\" and InitiatingProcessFileName in~ (\"winword.exe\", \"excel.exe\", \"outlook.exe\")\n| project Timestamp, DeviceName, AccountName, ProcessCommandLine, InitiatingProcessFileName\n| order by Timestamp desc\n| take 100",
    ),
    (
        "Connections per remote address",
        "DeviceNetworkEvents\n| where Timestamp > ago(1d)\n| summarize Connections = count(), Devices = dcount(DeviceName) by RemoteIP\n| order by Connections desc\n| take 50",
    ),
    (
        "Failed sign-ins by account",
        "IdentityLogonEvents\n| where Timestamp > ago(7d)\n| where ActionType == \"LogonFailed\"\n| summarize Failures = count() by AccountUpn, bin(Timestamp, 1h)\n| order by Failures desc",
    ),
    (
        "Mail with a threat",
        "EmailEvents\n| where Timestamp > ago(7d)\n| where ThreatTypes != \"\"\n| project Timestamp, SenderFromAddress, RecipientEmailAddress, Subject, ThreatTypes, DeliveryAction\n| order by Timestamp desc\n| take 100",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads a double-quoted KQL literal back as Kusto would (the documented escapes); None if it is not one
    /// literal exactly.
    fn unquote(lit: &str) -> Option<String> {
        let inner = lit.strip_prefix('"')?.strip_suffix('"')?;
        let mut out = String::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => out.push(match chars.next()? {
                    'n' => '\n',
                    't' => '\t',
                    c @ ('\\' | '"' | '\'') => c,
                    _ => return None,
                }),
                '"' => return None,
                c => out.push(c),
            }
        }
        Some(out)
    }

    #[test]
    fn a_value_cannot_end_its_literal() {
        for v in ["plain", "a\"b", "a\\", "\\\"; DeviceLogonEvents | take 1 //", "line\nbreak\ttab", "é ü 漢"] {
            assert_eq!(unquote(&kql_string(v)).as_deref(), Some(v), "{v}");
        }
        assert_eq!(kql_string("a\\\"b"), r#""a\\\"b""#);
        assert_eq!(unquote(&kql_string("a\r\u{0}\u{1b}b")).as_deref(), Some("ab"), "other control characters go");
        assert_eq!(kql_string(&"x".repeat(5_000)).len(), MAX_VALUE_CHARS + 2);
    }

    #[test]
    fn a_device_pivot_looks_at_its_processes_first() {
        let ps = pivots(EntityKind::Device, " WS-ADA-01 ", Lookback::DEFAULT);
        assert_eq!(ps.iter().map(|p| p.label).collect::<Vec<_>>(), ["Processes", "Network connections", "Sign-ins"]);
        assert_eq!(
            ps[0].query,
            "DeviceProcessEvents\n| where Timestamp > ago(7d)\n| where DeviceName =~ \"WS-ADA-01\"\n| project Timestamp, DeviceName, AccountName, FileName, ProcessCommandLine, InitiatingProcessFileName, SHA256\n| order by Timestamp desc\n| take 1000"
        );
        assert!(ps[1].query.starts_with("DeviceNetworkEvents\n") && ps[2].query.starts_with("DeviceLogonEvents\n"));
    }

    #[test]
    fn each_kind_hunts_its_tables_with_the_value_quoted() {
        let first = |k, v: &str| pivots(k, v, Lookback::days(3)).into_iter().map(|p| p.query).collect::<Vec<_>>();
        let user = first(EntityKind::User, "ada@contoso.example");
        assert!(user[0].starts_with(
            "IdentityLogonEvents\n| where Timestamp > ago(3d)\n| where AccountUpn =~ \"ada@contoso.example\"\n"
        ));
        assert!(user[1].contains("| where AccountName =~ \"ada\"\n"), "{}", user[1]);
        assert!(first(EntityKind::User, "CONTOSO\\ada")[0].contains("AccountName =~ \"CONTOSO\\\\ada\""));
        let ip = first(EntityKind::Ip, "10.0.0.5");
        assert!(ip[0].contains("| where RemoteIP == \"10.0.0.5\" or LocalIP == \"10.0.0.5\"\n"));
        assert!(ip[1].starts_with("IdentityLogonEvents") && ip[1].contains("IPAddress == \"10.0.0.5\""));
        let h = "a".repeat(64);
        let sha = first(EntityKind::Sha256, &h);
        assert!(sha[0].starts_with("DeviceFileEvents") && sha[0].contains(&format!("SHA256 =~ \"{h}\"")));
        assert!(sha[1].starts_with("DeviceProcessEvents"));
        assert!(first(EntityKind::Sha1, "ab")[0].contains("SHA1 =~ \"ab\""));
        assert!(first(EntityKind::Url, "evil.example/x")[0].contains("RemoteUrl contains \"evil.example/x\""));
        let mail = first(EntityKind::Mailbox, "ada@contoso.example");
        assert!(mail[0].starts_with("EmailEvents") && mail[0].contains("SenderFromAddress =~ \"ada@contoso.example\""));
        assert!(pivots(EntityKind::Device, "  ", Lookback::DEFAULT).is_empty());
    }

    #[test]
    fn a_hostile_value_stays_inside_its_literal() {
        let evil = "x\" or 1==1 | union DeviceLogonEvents | take 100000 //\n| project \\\"";
        for kind in [
            EntityKind::Device,
            EntityKind::User,
            EntityKind::Ip,
            EntityKind::Sha256,
            EntityKind::Url,
            EntityKind::Mailbox,
        ] {
            for p in pivots(kind, evil, Lookback::DEFAULT) {
                // Every line of the prepared query is the template's: the value added none.
                assert_eq!(p.query.lines().count(), 6, "{}", p.query);
                let template = p.query.replace(&kql_string(evil), "<v>");
                assert!(template.contains("<v>") && !template.contains("union"), "{template}");
            }
        }
    }

    #[test]
    fn a_pivot_from_an_incident_covers_its_alerts_time() {
        let w = Window::between(1_795_000_000, 1_795_200_000);
        for p in pivots(EntityKind::Device, "ws-1", w) {
            assert!(p.query.contains(&format!("\n| where {}\n", w.condition())), "{}", p.query);
            assert!(!p.query.contains("ago("), "no look-back from now: {}", p.query);
        }
    }

    #[test]
    fn the_window_is_clamped_to_the_data_advanced_hunting_keeps() {
        assert_eq!(Lookback::days(0).get(), 1);
        assert_eq!(Lookback::days(90).get(), 30);
        assert_eq!(Lookback::days(14).get(), 14);
        assert_eq!(Lookback::default(), Lookback::days(7));
        assert!(pivots(EntityKind::Ip, "1.2.3.4", Lookback::days(30))[0].query.contains("ago(30d)"));
    }

    #[test]
    fn examples_look_back_within_30_days_and_name_documented_tables() {
        for (label, q) in EXAMPLES {
            assert!(!label.is_empty());
            assert!(q.contains("| where Timestamp > ago("), "{q}");
            let table = q.lines().next().unwrap();
            assert!(
                ["DeviceProcessEvents", "DeviceNetworkEvents", "IdentityLogonEvents", "EmailEvents"].contains(&table)
            );
        }
    }

    #[test]
    fn an_entity_offers_each_identity_once_strongest_first() {
        use crate::incidents::model::Entity;
        let e = Entity {
            user_principal_name: Some(" ada@contoso.example ".into()),
            account_name: Some("ada".into()),
            sha1: Some("ab".into()),
            sha256: Some("cd".into()),
            sender: Some("x@y.example".into()),
            recipient: Some("x@y.example".into()),
            ip_address: Some("  ".into()),
            ..Default::default()
        };
        assert_eq!(
            entity_targets(&e),
            [
                (EntityKind::User, "ada@contoso.example".to_string()),
                (EntityKind::Sha256, "cd".to_string()),
                (EntityKind::Mailbox, "x@y.example".to_string()),
            ]
        );
        let e = Entity {
            account_name: Some("ada".into()),
            sha1: Some("ab".into()),
            url: Some("u".into()),
            ..Default::default()
        };
        assert_eq!(
            entity_targets(&e),
            [
                (EntityKind::User, "ada".to_string()),
                (EntityKind::Url, "u".to_string()),
                (EntityKind::Sha1, "ab".to_string())
            ]
        );
        assert!(entity_targets(&Entity::default()).is_empty());
        assert_eq!(TABLES.len(), 8);
    }
}
