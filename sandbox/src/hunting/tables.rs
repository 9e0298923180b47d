//! The seeded advanced hunting tables: events derived from the incidents' own alerts and entities (the same
//! devices, users, addresses, files and mails), over a deterministic background of ordinary activity, all within
//! the 30 days before the sandbox clock. Column names and types follow Microsoft's advanced hunting schema
//! (a useful subset of each table).

use std::collections::HashMap;

use serde_json::Value as Json;

use super::engine::Table;
use super::value::{Type, Value};
use crate::clock::parse_iso;
use crate::data::{defender_json, Incident, HOSTS, PEOPLE};
use crate::directory::USERS;
use crate::rng::Rng;

const DAY: i64 = 86_400_000;
/// How far back the tables reach, as advanced hunting does.
pub(crate) const RETENTION_MS: i64 = 30 * DAY;
/// Incidents whose alerts feed the tables (the newest ones), so the tables stay a few thousand rows.
const INCIDENTS_USED: usize = 120;
const DOMAIN: &str = "sandbox.onbehalf.test";

use Type::{Bool, DateTime, Int, Long, String as Str};

/// Every table and its columns, in schema order.
pub(crate) const SCHEMA: [(&str, &[(&str, Type)]); 8] = [
    (
        "DeviceProcessEvents",
        &[
            ("Timestamp", DateTime),
            ("DeviceId", Str),
            ("DeviceName", Str),
            ("ActionType", Str),
            ("FileName", Str),
            ("FolderPath", Str),
            ("SHA1", Str),
            ("SHA256", Str),
            ("ProcessId", Long),
            ("ProcessCommandLine", Str),
            ("ProcessCreationTime", DateTime),
            ("AccountDomain", Str),
            ("AccountName", Str),
            ("AccountUpn", Str),
            ("InitiatingProcessFileName", Str),
            ("InitiatingProcessCommandLine", Str),
            ("InitiatingProcessId", Long),
            ("InitiatingProcessAccountName", Str),
            ("ReportId", Long),
        ],
    ),
    (
        "DeviceNetworkEvents",
        &[
            ("Timestamp", DateTime),
            ("DeviceId", Str),
            ("DeviceName", Str),
            ("ActionType", Str),
            ("RemoteIP", Str),
            ("RemotePort", Int),
            ("RemoteUrl", Str),
            ("LocalIP", Str),
            ("LocalPort", Int),
            ("Protocol", Str),
            ("InitiatingProcessFileName", Str),
            ("InitiatingProcessAccountName", Str),
            ("ReportId", Long),
        ],
    ),
    (
        "DeviceLogonEvents",
        &[
            ("Timestamp", DateTime),
            ("DeviceId", Str),
            ("DeviceName", Str),
            ("ActionType", Str),
            ("LogonType", Str),
            ("AccountDomain", Str),
            ("AccountName", Str),
            ("AccountSid", Str),
            ("RemoteIP", Str),
            ("IsLocalAdmin", Bool),
            ("InitiatingProcessFileName", Str),
            ("ReportId", Long),
        ],
    ),
    (
        "DeviceFileEvents",
        &[
            ("Timestamp", DateTime),
            ("DeviceId", Str),
            ("DeviceName", Str),
            ("ActionType", Str),
            ("FileName", Str),
            ("FolderPath", Str),
            ("SHA1", Str),
            ("SHA256", Str),
            ("FileSize", Long),
            ("InitiatingProcessFileName", Str),
            ("InitiatingProcessAccountName", Str),
            ("ReportId", Long),
        ],
    ),
    (
        "IdentityLogonEvents",
        &[
            ("Timestamp", DateTime),
            ("ActionType", Str),
            ("Application", Str),
            ("LogonType", Str),
            ("Protocol", Str),
            ("FailureReason", Str),
            ("AccountName", Str),
            ("AccountDomain", Str),
            ("AccountUpn", Str),
            ("AccountDisplayName", Str),
            ("DeviceName", Str),
            ("IPAddress", Str),
            ("Location", Str),
            ("ReportId", Str),
        ],
    ),
    (
        "EmailEvents",
        &[
            ("Timestamp", DateTime),
            ("NetworkMessageId", Str),
            ("InternetMessageId", Str),
            ("SenderFromAddress", Str),
            ("SenderFromDomain", Str),
            ("SenderIPv4", Str),
            ("RecipientEmailAddress", Str),
            ("Subject", Str),
            ("EmailDirection", Str),
            ("DeliveryAction", Str),
            ("DeliveryLocation", Str),
            ("ThreatTypes", Str),
            ("UrlCount", Int),
            ("AttachmentCount", Int),
        ],
    ),
    (
        "AlertInfo",
        &[
            ("Timestamp", DateTime),
            ("AlertId", Str),
            ("Title", Str),
            ("Category", Str),
            ("Severity", Str),
            ("ServiceSource", Str),
            ("DetectionSource", Str),
            ("AttackTechniques", Str),
        ],
    ),
    (
        "AlertEvidence",
        &[
            ("Timestamp", DateTime),
            ("AlertId", Str),
            ("Title", Str),
            ("Categories", Str),
            ("ServiceSource", Str),
            ("DetectionSource", Str),
            ("EntityType", Str),
            ("EvidenceRole", Str),
            ("FileName", Str),
            ("FolderPath", Str),
            ("SHA1", Str),
            ("SHA256", Str),
            ("RemoteIP", Str),
            ("RemoteUrl", Str),
            ("AccountName", Str),
            ("AccountDomain", Str),
            ("AccountUpn", Str),
            ("AccountObjectId", Str),
            ("DeviceId", Str),
            ("DeviceName", Str),
            ("EmailSubject", Str),
            ("ProcessCommandLine", Str),
            ("RegistryKey", Str),
            ("RegistryValueData", Str),
        ],
    ),
];

struct Builder {
    tables: HashMap<String, Table>,
    report: i64,
}

impl Builder {
    /// Adds a row; columns not named are null. Every row gets its own `ReportId` where the table has one.
    fn push(&mut self, table: &str, cells: &[(&str, Value)]) {
        self.report += 1;
        let report = self.report;
        let Some(t) = self.tables.get_mut(table) else { return };
        let row = t
            .columns
            .iter()
            .map(|c| match cells.iter().find(|(n, _)| *n == c.name) {
                Some((_, v)) => v.clone(),
                None if c.name == "ReportId" && c.ty == Long => Value::Long(report),
                None if c.name == "ReportId" => Value::Str(report.to_string()),
                None => Value::Null,
            })
            .collect();
        t.rows.push(row);
    }
}

fn s(v: impl Into<String>) -> Value {
    Value::Str(v.into())
}

fn js(v: &Json, k: &str) -> Value {
    match v.get(k) {
        Some(Json::String(x)) => s(x.clone()),
        Some(Json::Number(n)) => n.as_i64().map_or(Value::Null, Value::Long),
        _ => Value::Null,
    }
}

fn fqdn(host: impl std::fmt::Display) -> String {
    format!("{host}.corp.{DOMAIN}")
}

/// A device id that stays the same for a host across the background events.
fn host_id(seed: u64, host: &str) -> String {
    let h = host.bytes().fold(seed ^ 0xD5_1CE5, |a, b| a.wrapping_mul(131).wrapping_add(b as u64));
    Rng::new(h).hex(40)
}

fn ip(r: &mut Rng, internal: bool) -> String {
    if internal {
        format!("10.{}.{}.{}", r.below(255), r.below(255), r.range(1, 254))
    } else {
        format!("{}.{}.{}.{}", r.pick(&[20u8, 40, 52, 104, 13]), r.below(255), r.below(255), r.range(1, 254))
    }
}

/// The tables for these incidents, deterministic for (`seed`, incidents, `now_ms`).
pub(crate) fn generate(incidents: &[Incident], seed: u64, now_ms: i64) -> HashMap<String, Table> {
    let tables = SCHEMA.iter().map(|(name, cols)| (name.to_string(), Table::new(cols))).collect();
    let mut b = Builder { tables, report: 1000 };
    let from = now_ms - RETENTION_MS;
    let mut recent: Vec<&Incident> = incidents.iter().filter(|i| i.created >= from && i.created <= now_ms).collect();
    recent.sort_by_key(|i| std::cmp::Reverse(i.created));
    for inc in recent.into_iter().take(INCIDENTS_USED) {
        let d = defender_json(inc);
        for alert in d.get("alerts").and_then(Json::as_array).into_iter().flatten() {
            from_alert(&mut b, alert, inc.seed, from, now_ms);
        }
    }
    background(&mut b, seed, from, now_ms);
    for t in b.tables.values_mut() {
        t.rows.sort_by(|x, y| y[0].sort_cmp(&x[0]));
    }
    b.tables
}

fn from_alert(b: &mut Builder, alert: &Json, seed: u64, from: i64, now: i64) {
    let Some(t) = alert.get("creationTime").and_then(Json::as_str).and_then(parse_iso) else { return };
    if t < from || t > now {
        return;
    }
    let mut r = Rng::new(seed ^ t as u64);
    let at = |ms: i64| Value::Date(ms.clamp(from, now));
    let id = js(alert, "alertId");
    let techniques = alert.get("mitreTechniques").map_or_else(|| "[]".to_string(), Json::to_string);
    let common = |b: &mut Builder, extra: &[(&str, Value)]| {
        let mut cells = vec![
            ("Timestamp", at(t)),
            ("AlertId", id.clone()),
            ("Title", js(alert, "title")),
            ("Categories", s(format!("[\"{}\"]", js(alert, "category").text()))),
            ("ServiceSource", js(alert, "serviceSource")),
            ("DetectionSource", js(alert, "detectionSource")),
        ];
        cells.extend(extra.iter().cloned());
        b.push("AlertEvidence", &cells);
    };
    b.push(
        "AlertInfo",
        &[
            ("Timestamp", at(t)),
            ("AlertId", id.clone()),
            ("Title", js(alert, "title")),
            ("Category", js(alert, "category")),
            ("Severity", js(alert, "severity")),
            ("ServiceSource", js(alert, "serviceSource")),
            ("DetectionSource", js(alert, "detectionSource")),
            ("AttackTechniques", s(techniques)),
        ],
    );
    let device = alert.get("devices").and_then(Json::as_array).and_then(|d| d.first());
    let (device_id, device_name) = match device {
        Some(d) => (js(d, "mdatpDeviceId"), js(d, "deviceDnsName")),
        None => (Value::Null, Value::Null),
    };
    for d in alert.get("devices").and_then(Json::as_array).into_iter().flatten() {
        common(
            b,
            &[
                ("EntityType", s("Machine")),
                ("EvidenceRole", s("Impacted")),
                ("DeviceId", js(d, "mdatpDeviceId")),
                ("DeviceName", js(d, "deviceDnsName")),
            ],
        );
    }
    let entities: Vec<&Json> = alert.get("entities").and_then(Json::as_array).into_iter().flatten().collect();
    let person = entities
        .iter()
        .find(|e| e.get("entityType").and_then(Json::as_str) == Some("User"))
        .map(|e| (js(e, "accountName"), js(e, "userPrincipalName"), js(e, "aadUserId")))
        .unwrap_or((Value::Null, Value::Null, Value::Null));
    let on_device = device_id != Value::Null;
    let dev = |extra: &[(&'static str, Value)]| {
        let mut cells = vec![("DeviceId", device_id.clone()), ("DeviceName", device_name.clone())];
        cells.extend(extra.iter().cloned());
        cells
    };
    if on_device {
        b.push(
            "DeviceLogonEvents",
            &dev(&[
                ("Timestamp", at(t - 3_600_000)),
                ("ActionType", s("LogonSuccess")),
                ("LogonType", s("Interactive")),
                ("AccountDomain", s("corp")),
                ("AccountName", person.0.clone()),
                ("IsLocalAdmin", Value::Bool(r.chance(0.3))),
                ("InitiatingProcessFileName", s("winlogon.exe")),
            ]),
        );
    }
    for e in entities {
        let kind = e.get("entityType").and_then(Json::as_str).unwrap_or("");
        let (entity_type, role) = match kind {
            "User" => ("User", "Impacted"),
            "Ip" => ("Ip", "Related"),
            "Url" => ("Url", "Related"),
            "File" => ("File", "Impacted"),
            "Process" => ("Process", "Related"),
            "MailBox" => ("Mailbox", "Impacted"),
            "MailMessage" => ("MailMessage", "Impacted"),
            "MailCluster" => ("MailCluster", "Related"),
            "Registry" => ("RegistryValue", "Related"),
            other => (other, "Related"),
        };
        let folder = |e: &Json| match (js(e, "filePath"), js(e, "fileName")) {
            (Value::Str(p), Value::Str(f)) => s(format!("{p}\\{f}")),
            _ => Value::Null,
        };
        common(
            b,
            &[
                ("EntityType", s(entity_type)),
                ("EvidenceRole", s(role)),
                ("FileName", js(e, "fileName")),
                ("FolderPath", folder(e)),
                ("SHA1", js(e, "sha1")),
                ("SHA256", js(e, "sha256")),
                ("RemoteIP", js(e, "ipAddress")),
                ("RemoteUrl", js(e, "url")),
                ("AccountName", js(e, "accountName")),
                ("AccountDomain", js(e, "domainName")),
                ("AccountUpn", js(e, "userPrincipalName")),
                ("AccountObjectId", js(e, "aadUserId")),
                ("DeviceId", if on_device && kind != "User" { device_id.clone() } else { Value::Null }),
                ("DeviceName", if on_device && kind != "User" { device_name.clone() } else { Value::Null }),
                ("EmailSubject", js(e, "subject")),
                ("ProcessCommandLine", js(e, "processCommandLine")),
                ("RegistryKey", js(e, "registryKey")),
                ("RegistryValueData", js(e, "registryValue")),
            ],
        );
        match kind {
            "Process" if on_device => {
                let created = e.get("processCreationTime").and_then(Json::as_str).and_then(parse_iso).unwrap_or(t);
                b.push(
                    "DeviceProcessEvents",
                    &dev(&[
                        ("Timestamp", at(created)),
                        ("ActionType", s("ProcessCreated")),
                        ("FileName", js(e, "fileName")),
                        ("FolderPath", folder(e)),
                        ("SHA1", js(e, "sha1")),
                        ("SHA256", js(e, "sha256")),
                        ("ProcessId", js(e, "processId")),
                        ("ProcessCommandLine", js(e, "processCommandLine")),
                        ("ProcessCreationTime", at(created)),
                        ("AccountDomain", s("corp")),
                        ("AccountName", person.0.clone()),
                        ("AccountUpn", person.1.clone()),
                        ("InitiatingProcessFileName", s(*r.pick(&["cmd.exe", "explorer.exe", "wscript.exe"]))),
                        ("InitiatingProcessId", js(e, "parentProcessId")),
                        ("InitiatingProcessAccountName", person.0.clone()),
                    ]),
                );
            }
            "File" if on_device => {
                b.push(
                    "DeviceFileEvents",
                    &dev(&[
                        ("Timestamp", at(t - 400_000)),
                        ("ActionType", s("FileCreated")),
                        ("FileName", js(e, "fileName")),
                        ("FolderPath", folder(e)),
                        ("SHA1", js(e, "sha1")),
                        ("SHA256", js(e, "sha256")),
                        ("FileSize", Value::Long(r.range(20_000, 4_000_000))),
                        ("InitiatingProcessFileName", s(*r.pick(&["msedge.exe", "outlook.exe", "powershell.exe"]))),
                        ("InitiatingProcessAccountName", person.0.clone()),
                    ]),
                );
            }
            "Ip" | "Url" if on_device => {
                let url = js(e, "url");
                let host = url.text().split('/').nth(2).unwrap_or("").to_string();
                let remote = if kind == "Ip" { js(e, "ipAddress") } else { s(ip(&mut r, false)) };
                b.push(
                    "DeviceNetworkEvents",
                    &dev(&[
                        ("Timestamp", at(t - r.range(10_000, 300_000))),
                        ("ActionType", s("ConnectionSuccess")),
                        ("RemoteIP", remote),
                        ("RemotePort", Value::Long(if url.text().starts_with("http:") { 80 } else { 443 })),
                        ("RemoteUrl", if host.is_empty() { Value::Null } else { s(host) }),
                        ("LocalIP", s(ip(&mut r, true))),
                        ("LocalPort", Value::Long(r.range(49_152, 65_535))),
                        ("Protocol", s("Tcp")),
                        ("InitiatingProcessFileName", s("powershell.exe")),
                        ("InitiatingProcessAccountName", person.0.clone()),
                    ]),
                );
            }
            "Ip" => {
                for k in 0..r.range(1, 4) {
                    let failed = k > 0 || r.chance(0.5);
                    b.push(
                        "IdentityLogonEvents",
                        &[
                            ("Timestamp", at(t - (k + 1) * 120_000)),
                            ("ActionType", s(if failed { "LogonFailed" } else { "LogonSuccess" })),
                            ("Application", s(*r.pick(&["Active Directory", "Microsoft 365"]))),
                            ("LogonType", s(*r.pick(&["Resource access", "Credentials validation"]))),
                            ("Protocol", s(*r.pick(&["Kerberos", "Ntlm"]))),
                            ("FailureReason", if failed { s("WrongPassword") } else { Value::Null }),
                            ("AccountName", person.0.clone()),
                            ("AccountDomain", s("corp")),
                            ("AccountUpn", person.1.clone()),
                            ("AccountDisplayName", person.0.clone()),
                            ("DeviceName", s(fqdn(r.pick(&HOSTS)))),
                            ("IPAddress", js(e, "ipAddress")),
                            ("Location", s(*r.pick(&["NL", "US", "BR", "SG"]))),
                        ],
                    );
                }
            }
            "MailMessage" => {
                let sender = js(e, "sender").text();
                let domain = sender.split('@').nth(1).unwrap_or("").to_string();
                b.push(
                    "EmailEvents",
                    &[
                        ("Timestamp", at(t - 900_000)),
                        ("NetworkMessageId", s(r.guid())),
                        ("InternetMessageId", s(format!("<{}@{domain}>", r.hex(16)))),
                        ("SenderFromAddress", s(sender)),
                        ("SenderFromDomain", s(domain)),
                        ("SenderIPv4", s(ip(&mut r, false))),
                        ("RecipientEmailAddress", js(e, "recipient")),
                        ("Subject", js(e, "subject")),
                        ("EmailDirection", s("Inbound")),
                        ("DeliveryAction", js(e, "deliveryAction")),
                        ("DeliveryLocation", s("Inbox/folder")),
                        ("ThreatTypes", s("Phish")),
                        ("UrlCount", Value::Long(1)),
                        ("AttachmentCount", Value::Long(0)),
                    ],
                );
            }
            _ => {}
        }
    }
}

/// Ordinary activity on every host and for every person, a few events a day.
fn background(b: &mut Builder, seed: u64, from: i64, now: i64) {
    let mut r = Rng::new(seed ^ 0x4855_4E54);
    let people: Vec<(String, String)> = PEOPLE
        .iter()
        .map(|p| (p.to_string(), format!("{p}@{DOMAIN}")))
        .chain(USERS.iter().map(|u| (u.upn.split('@').next().unwrap_or(u.id).to_string(), u.upn.to_string())))
        .collect();
    const PROCESSES: [(&str, &str, &str); 6] = [
        ("chrome.exe", "C:\\Program Files\\Google\\Chrome\\Application", "explorer.exe"),
        ("Teams.exe", "C:\\Users\\Public\\AppData\\Local\\Microsoft\\Teams", "explorer.exe"),
        ("svchost.exe", "C:\\Windows\\System32", "services.exe"),
        ("OUTLOOK.EXE", "C:\\Program Files\\Microsoft Office\\root\\Office16", "explorer.exe"),
        ("powershell.exe", "C:\\Windows\\System32\\WindowsPowerShell\\v1.0", "cmd.exe"),
        ("notepad.exe", "C:\\Windows\\System32", "explorer.exe"),
    ];
    const SITES: [&str; 5] =
        ["login.microsoftonline.com", "graph.microsoft.com", "www.bing.com", "teams.microsoft.com", "github.com"];
    for host in HOSTS {
        let id = s(host_id(seed, host));
        let name = s(fqdn(host));
        let dev = |extra: &[(&'static str, Value)]| {
            let mut cells = vec![("DeviceId", id.clone()), ("DeviceName", name.clone())];
            cells.extend(extra.iter().cloned());
            cells
        };
        for day in 0..30 {
            let day_start = now - (day + 1) * DAY;
            let when = |r: &mut Rng| Value::Date((day_start + r.range(0, DAY - 1)).clamp(from, now));
            let (person, upn) = r.pick(&people).clone();
            for _ in 0..2 {
                let (file, folder, parent) = *r.pick(&PROCESSES);
                let ts = when(&mut r);
                b.push(
                    "DeviceProcessEvents",
                    &dev(&[
                        ("Timestamp", ts.clone()),
                        ("ActionType", s("ProcessCreated")),
                        ("FileName", s(file)),
                        ("FolderPath", s(format!("{folder}\\{file}"))),
                        ("SHA1", s(r.hex(40))),
                        ("SHA256", s(r.hex(64))),
                        ("ProcessId", Value::Long(r.range(1000, 30_000))),
                        ("ProcessCommandLine", s(file)),
                        ("ProcessCreationTime", ts),
                        ("AccountDomain", s("corp")),
                        ("AccountName", s(person.clone())),
                        ("AccountUpn", s(upn.clone())),
                        ("InitiatingProcessFileName", s(parent)),
                        ("InitiatingProcessId", Value::Long(r.range(500, 1000))),
                        ("InitiatingProcessAccountName", s(person.clone())),
                    ]),
                );
                let site = *r.pick(&SITES);
                b.push(
                    "DeviceNetworkEvents",
                    &dev(&[
                        ("Timestamp", when(&mut r)),
                        ("ActionType", s(if r.chance(0.9) { "ConnectionSuccess" } else { "ConnectionFailed" })),
                        ("RemoteIP", s(ip(&mut r, false))),
                        ("RemotePort", Value::Long(443)),
                        ("RemoteUrl", s(site)),
                        ("LocalIP", s(ip(&mut r, true))),
                        ("LocalPort", Value::Long(r.range(49_152, 65_535))),
                        ("Protocol", s("Tcp")),
                        ("InitiatingProcessFileName", s(*r.pick(&["chrome.exe", "Teams.exe", "svchost.exe"]))),
                        ("InitiatingProcessAccountName", s(person.clone())),
                    ]),
                );
            }
            let failed = r.chance(0.1);
            b.push(
                "DeviceLogonEvents",
                &dev(&[
                    ("Timestamp", when(&mut r)),
                    ("ActionType", s(if failed { "LogonFailed" } else { "LogonSuccess" })),
                    ("LogonType", s(*r.pick(&["Interactive", "Network", "RemoteInteractive"]))),
                    ("AccountDomain", s("corp")),
                    ("AccountName", s(person.clone())),
                    ("AccountSid", s(format!("S-1-5-21-1004336348-1177238915-682003330-{}", r.range(1000, 9999)))),
                    ("RemoteIP", s(ip(&mut r, true))),
                    ("IsLocalAdmin", Value::Bool(r.chance(0.2))),
                    ("InitiatingProcessFileName", s("lsass.exe")),
                ]),
            );
            let file = *r.pick(&["report.xlsx", "notes.docx", "setup.msi", "photo.png"]);
            b.push(
                "DeviceFileEvents",
                &dev(&[
                    ("Timestamp", when(&mut r)),
                    ("ActionType", s(*r.pick(&["FileCreated", "FileModified", "FileRenamed", "FileDeleted"]))),
                    ("FileName", s(file)),
                    ("FolderPath", s(format!("C:\\Users\\{person}\\Documents\\{file}"))),
                    ("SHA1", s(r.hex(40))),
                    ("SHA256", s(r.hex(64))),
                    ("FileSize", Value::Long(r.range(1_000, 9_000_000))),
                    ("InitiatingProcessFileName", s(*r.pick(&["explorer.exe", "EXCEL.EXE", "WINWORD.EXE"]))),
                    ("InitiatingProcessAccountName", s(person.clone())),
                ]),
            );
        }
    }
    for (person, upn) in &people {
        for day in 0..30 {
            let ts = Value::Date((now - (day + 1) * DAY + r.range(0, DAY - 1)).clamp(from, now));
            b.push(
                "IdentityLogonEvents",
                &[
                    ("Timestamp", ts.clone()),
                    ("ActionType", s("LogonSuccess")),
                    ("Application", s("Active Directory")),
                    ("LogonType", s("Credentials validation")),
                    ("Protocol", s("Kerberos")),
                    ("AccountName", s(person.clone())),
                    ("AccountDomain", s("corp")),
                    ("AccountUpn", s(upn.clone())),
                    ("AccountDisplayName", s(person.clone())),
                    ("DeviceName", s(fqdn(r.pick(&HOSTS)))),
                    ("IPAddress", s(ip(&mut r, true))),
                    ("Location", s("NL")),
                ],
            );
            if day % 3 == 0 {
                let sender =
                    *r.pick(&["newsletter@contoso.example", "it-support@fabrikam.example", "hr@sandbox.onbehalf.test"]);
                let domain = sender.split('@').nth(1).unwrap_or("");
                b.push(
                    "EmailEvents",
                    &[
                        ("Timestamp", ts),
                        ("NetworkMessageId", s(r.guid())),
                        ("InternetMessageId", s(format!("<{}@{domain}>", r.hex(16)))),
                        ("SenderFromAddress", s(sender)),
                        ("SenderFromDomain", s(domain)),
                        ("SenderIPv4", s(ip(&mut r, false))),
                        ("RecipientEmailAddress", s(upn.clone())),
                        ("Subject", s(*r.pick(&["Weekly update", "Lunch on Friday", "Your parcel is on its way"]))),
                        ("EmailDirection", s(if domain == DOMAIN { "Intra-org" } else { "Inbound" })),
                        ("DeliveryAction", s("Delivered")),
                        ("DeliveryLocation", s("Inbox/folder")),
                        ("ThreatTypes", Value::Null),
                        ("UrlCount", Value::Long(r.range(0, 4))),
                        ("AttachmentCount", Value::Long(r.range(0, 2))),
                    ],
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::generate as incidents;

    #[test]
    fn deterministic_recent_and_consistent_with_the_incidents() {
        let now = 1_714_558_272_345;
        let inc = incidents(7, 300, now, false);
        let a = generate(&inc, 7, now);
        let b = generate(&inc, 7, now);
        assert_eq!(a, b);
        let total: usize = a.values().map(|t| t.rows.len()).sum();
        assert!((1000..12_000).contains(&total), "{total} rows");
        for (name, t) in &a {
            assert!(!t.rows.is_empty(), "{name} is empty");
            assert_eq!(t.columns[0].name, "Timestamp");
            for r in &t.rows {
                let Value::Date(d) = r[0] else { panic!("{name}: Timestamp {:?}", r[0]) };
                assert!(d >= now - RETENTION_MS && d <= now, "{name}: {d}");
                assert_eq!(r.len(), t.columns.len());
            }
        }
        // An alert's evidence names a device that has events in the device tables.
        let ev = &a["AlertEvidence"];
        let dn = ev.columns.iter().position(|c| c.name == "DeviceName").unwrap();
        let device = ev
            .rows
            .iter()
            .find_map(|r| match &r[dn] {
                Value::Str(s) => Some(s.clone()),
                _ => None,
            })
            .unwrap();
        let procs = &a["DeviceProcessEvents"];
        assert!(procs.rows.iter().any(|r| r[2] == Value::Str(device.clone())), "{device}");
    }

    #[test]
    fn hostile_incidents_feed_the_tables_without_harm() {
        let now = 1_714_558_272_345;
        let t = generate(&incidents(3, 50, now, true), 3, now);
        assert!(t.values().all(|t| t.rows.iter().all(|r| r.len() == t.columns.len())));
        assert!(!t["AlertInfo"].rows.is_empty());
    }
}
