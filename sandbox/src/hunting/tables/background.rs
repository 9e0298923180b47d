//! Ordinary activity around the alerts: processes, logons, connections and mail on every host and for every
//! person, so a hunt finds the alerts' rows among others.

use super::{fqdn, host_id, ip, s, Builder, DAY, DOMAIN};
use crate::data::{HOSTS, PEOPLE};
use crate::directory::USERS;
use crate::hunting::value::Value;
use crate::rng::Rng;

/// Ordinary activity on every host and for every person, a few events a day.
pub(super) fn background(b: &mut Builder, seed: u64, from: i64, now: i64) {
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
