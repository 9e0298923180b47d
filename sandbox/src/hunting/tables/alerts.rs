//! The rows one alert leaves behind: its AlertInfo and AlertEvidence, and the device, identity, file, network
//! and mail events its entities name.

use serde_json::Value as Json;

use super::{fqdn, ip, js, s, Builder};
use crate::clock::parse_iso;
use crate::data::HOSTS;
use crate::hunting::value::Value;
use crate::rng::Rng;

pub(super) fn from_alert(b: &mut Builder, alert: &Json, seed: u64, from: i64, now: i64) {
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
