//! Deterministic incident data. Only a compact summary of each incident is kept in memory;
//! alerts, devices, entities and comments are re-derived from the incident's own seed when a
//! page is rendered, so 100,000 incidents cost a few megabytes and a fraction of a second.

use serde_json::{json, Map, Value};

use crate::clock::iso;
use crate::directory::{TENANT_ID, USERS};
use crate::rng::Rng;

/// Every documented Defender incident severity.
pub const SEVERITIES: [&str; 5] = ["UnSpecified", "Informational", "Low", "Medium", "High"];
/// Every documented Defender incident status.
pub const STATUSES: [&str; 4] = ["Active", "InProgress", "Resolved", "Redirected"];
/// Every documented classification (both doc variants).
pub const CLASSIFICATIONS: [&str; 4] = ["Unknown", "FalsePositive", "TruePositive", "InformationalExpectedActivity"];
/// Every documented determination (list doc and resource doc).
pub const DETERMINATIONS: [&str; 15] = [
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
/// Every documented automated-investigation state.
pub const INVESTIGATION_STATES: [&str; 18] = [
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

/// Which hostile payload an incident carries (only with `--hostile`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hostile {
    /// `<img onerror>` / `<script>` in names, tags, comments and alert text.
    Markup,
    /// `javascript:` URLs in assignedTo, URL entities and titles.
    JavascriptUrls,
    /// 100 KB strings.
    Huge,
    /// Enum values no doc lists.
    UnknownEnums,
    /// Nulls where fields are usually set.
    Nulls,
    /// A deeply nested unknown field.
    DeepNesting,
    /// Bidi overrides, zero-width and quote characters.
    Unicode,
    /// Wrong JSON types (string where an array is expected, and so on).
    WrongTypes,
}

const HOSTILE_KINDS: [Hostile; 8] = [
    Hostile::Markup,
    Hostile::JavascriptUrls,
    Hostile::Huge,
    Hostile::UnknownEnums,
    Hostile::Nulls,
    Hostile::DeepNesting,
    Hostile::Unicode,
    Hostile::WrongTypes,
];

/// Compact in-memory incident: the filterable fields plus the seed of everything else.
#[derive(Debug, Clone)]
pub struct Incident {
    /// `incidentId`.
    pub id: u64,
    /// Seed of the derived details.
    pub seed: u64,
    /// `createdTime` (epoch ms).
    pub created: i64,
    /// `lastUpdateTime` (epoch ms).
    pub last_update: i64,
    /// `incidentName`.
    pub name: Option<String>,
    /// `status`.
    pub status: Option<String>,
    /// `severity`.
    pub severity: Option<String>,
    /// `classification`.
    pub classification: Option<String>,
    /// `determination`.
    pub determination: Option<String>,
    /// `assignedTo`.
    pub assigned_to: Option<String>,
    /// `redirectIncidentId`.
    pub redirect_id: Option<u64>,
    /// Hostile payload, if any.
    pub hostile: Option<Hostile>,
}

const TACTICS: [&str; 12] = [
    "Initial access",
    "Execution",
    "Persistence",
    "Privilege escalation",
    "Defense evasion",
    "Credential access",
    "Discovery",
    "Lateral movement",
    "Collection",
    "Command and control",
    "Exfiltration",
    "Impact",
];

struct AlertTemplate {
    title: &'static str,
    category: &'static str,
    service: &'static str,
    detection: &'static str,
    techniques: &'static [&'static str],
    kind: Kind,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Endpoint,
    Email,
    Identity,
    Cloud,
}

const ALERTS: [AlertTemplate; 12] = [
    AlertTemplate {
        title: "Suspicious PowerShell command line",
        category: "Execution",
        service: "MicrosoftDefenderForEndpoint",
        detection: "EDR",
        techniques: &["T1059", "T1059.001"],
        kind: Kind::Endpoint,
    },
    AlertTemplate {
        title: "Ransomware behavior detected in the file system",
        category: "Impact",
        service: "MicrosoftDefenderATP",
        detection: "WindowsDefenderAv",
        techniques: &["T1486"],
        kind: Kind::Endpoint,
    },
    AlertTemplate {
        title: "Email messages containing malicious URL removed after delivery",
        category: "InitialAccess",
        service: "OfficeATP",
        detection: "OfficeATP",
        techniques: &["T1566.002"],
        kind: Kind::Email,
    },
    AlertTemplate {
        title: "Impossible travel activity",
        category: "InitialAccess",
        service: "MicrosoftCloudAppSecurity",
        detection: "MCAS",
        techniques: &["T1078"],
        kind: Kind::Cloud,
    },
    AlertTemplate {
        title: "Suspected pass-the-hash attack (Kerberos)",
        category: "LateralMovement",
        service: "MicrosoftDefenderForIdentity",
        detection: "AzureATP",
        techniques: &["T1550.002"],
        kind: Kind::Identity,
    },
    AlertTemplate {
        title: "Possible credential dumping from LSASS memory",
        category: "CredentialAccess",
        service: "MicrosoftDefenderForEndpoint",
        detection: "EDR",
        techniques: &["T1003", "T1003.001"],
        kind: Kind::Endpoint,
    },
    AlertTemplate {
        title: "Mass download by a single user",
        category: "Exfiltration",
        service: "MicrosoftCloudAppSecurity",
        detection: "MCAS",
        techniques: &["T1530"],
        kind: Kind::Cloud,
    },
    AlertTemplate {
        title: "Anomaly detected in ASEP registry",
        category: "Persistence",
        service: "MicrosoftDefenderForEndpoint",
        detection: "EDR",
        techniques: &["T1547.001"],
        kind: Kind::Endpoint,
    },
    AlertTemplate {
        title: "'Mimikatz' hacktool was detected",
        category: "Malware",
        service: "MicrosoftDefenderForEndpoint",
        detection: "WindowsDefenderAv",
        techniques: &[],
        kind: Kind::Endpoint,
    },
    AlertTemplate {
        title: "Connection to a custom network indicator",
        category: "CommandAndControl",
        service: "MicrosoftDefenderForEndpoint",
        detection: "CustomerTI",
        techniques: &["T1071", "T1071.001"],
        kind: Kind::Endpoint,
    },
    AlertTemplate {
        title: "Suspicious inbox manipulation rule",
        category: "DefenseEvasion",
        service: "MicrosoftCloudAppSecurity",
        detection: "MCAS",
        techniques: &["T1564.008"],
        kind: Kind::Email,
    },
    AlertTemplate {
        title: "Suspicious additions to sensitive groups",
        category: "PrivilegeEscalation",
        service: "MicrosoftDefenderForIdentity",
        detection: "AzureATP",
        techniques: &["T1098"],
        kind: Kind::Identity,
    },
];

const HOSTS: [&str; 10] = [
    "ws-fin-0042",
    "ws-hr-0107",
    "ws-dev-0311",
    "srv-sql-01",
    "srv-dc-02",
    "laptop-ada",
    "ws-sales-0219",
    "srv-web-03",
    "mac-design-07",
    "lnx-build-05",
];
const PEOPLE: [&str; 8] = ["jdoe", "mchen", "pgarcia", "akhan", "lnovak", "obrien", "ssato", "tmueller"];
const TAGS: [&str; 8] =
    ["Ransomware", "Phishing", "BEC", "Red team", "VIP", "Crown jewels", "Needs triage", "Credential Phish"];

/// Generates `n` incidents over the 90 days before `now_ms` (plus hostile ones), newest first.
pub fn generate(seed: u64, n: u32, now_ms: i64, hostile: bool) -> Vec<Incident> {
    const DAY: i64 = 86_400_000;
    let mut rng = Rng::new(seed);
    let mut created: Vec<i64> = (0..n).map(|_| now_ms - rng.range(60_000, 90 * DAY)).collect();
    created.sort_unstable();
    let mut out = Vec::with_capacity(n as usize + 8);
    for (i, c) in created.into_iter().enumerate() {
        let id = 1000 + i as u64 * 3 + rng.below(3);
        let mut r = Rng::new(seed.wrapping_mul(31).wrapping_add(id));
        out.push(summary(&mut r, id, c, now_ms, &out));
    }
    if hostile {
        let base = out.last().map(|i| i.id + 10).unwrap_or(1000);
        for (k, kind) in HOSTILE_KINDS.iter().enumerate() {
            let mut r = Rng::new(seed ^ 0xBAD ^ k as u64);
            let t = now_ms - (k as i64 + 1) * 60_000;
            let mut inc = summary(&mut r, base + k as u64, t, now_ms, &out);
            inc.last_update = t;
            inc.hostile = Some(*kind);
            apply_hostile_summary(&mut inc);
            out.push(inc);
        }
    }
    sort_newest_first(&mut out);
    out
}

/// Orders by `lastUpdateTime` descending, as the Defender list does.
pub fn sort_newest_first(v: &mut [Incident]) {
    v.sort_by(|a, b| b.last_update.cmp(&a.last_update).then(b.id.cmp(&a.id)));
}

fn summary(r: &mut Rng, id: u64, created: i64, now_ms: i64, earlier: &[Incident]) -> Incident {
    let status = *r.weighted(&[("Active", 45), ("InProgress", 20), ("Resolved", 30), ("Redirected", 5)]);
    let severity = *r.weighted(&[("High", 15), ("Medium", 35), ("Low", 30), ("Informational", 15), ("UnSpecified", 5)]);
    let (classification, determination) = if status == "Resolved" || status == "Redirected" || r.chance(0.1) {
        match *r.weighted(&[("TruePositive", 50), ("FalsePositive", 25), ("InformationalExpectedActivity", 25)]) {
            "TruePositive" => (
                "TruePositive",
                *r.pick(&[
                    "Apt",
                    "Malware",
                    "MultiStagedAttack",
                    "MaliciousUserActivity",
                    "CompromisedUser",
                    "Phishing",
                    "UnwantedSoftware",
                    "Other",
                ]),
            ),
            "FalsePositive" => ("FalsePositive", *r.pick(&["Clean", "InsufficientData", "Other"])),
            _ => (
                "InformationalExpectedActivity",
                *r.pick(&[
                    "SecurityTesting",
                    "SecurityPersonnel",
                    "LineOfBusinessApplication",
                    "ConfirmedUserActivity",
                    "Other",
                ]),
            ),
        }
    } else {
        ("Unknown", "NotAvailable")
    };
    let assigned_to = match r.below(10) {
        0..=3 => None,
        4 | 5 => Some(USERS[0].upn.to_string()),
        6 => Some(USERS[1].upn.to_string()),
        7 => Some(USERS[2].upn.to_string()),
        _ => Some(format!("{}@sandbox.onbehalf.test", r.pick(&PEOPLE))),
    };
    let span = (now_ms - created).min(10 * 86_400_000);
    let last_update = created + r.range(0, span.max(0));
    let redirect_id = if status == "Redirected" && !earlier.is_empty() {
        Some(earlier[r.below(earlier.len() as u64) as usize].id)
    } else {
        None
    };
    Incident {
        id,
        seed: r.next_u64(),
        created,
        last_update,
        name: Some(incident_name(r)),
        status: Some(status.into()),
        severity: Some(severity.into()),
        classification: Some(classification.into()),
        determination: Some(determination.into()),
        assigned_to,
        redirect_id,
        hostile: None,
    }
}

fn incident_name(r: &mut Rng) -> String {
    let a = *r.pick(&TACTICS);
    let mut b = *r.pick(&TACTICS);
    if a == b {
        b = "Impact";
    }
    match r.below(7) {
        0 | 1 => format!("Multi-stage incident involving {a} & {b} on one endpoint"),
        2 => format!("Multi-stage incident involving {a} & {b} on multiple endpoints reported by multiple sources"),
        3 => format!("{} on one endpoint", r.pick(&ALERTS).title),
        4 => "Email reported by user as malware or phish involving one user".into(),
        5 => format!("Multi-stage incident on one endpoint involving {} users", r.range(2, 9)),
        _ => format!("{} involving one user", r.pick(&ALERTS).title),
    }
}

fn apply_hostile_summary(inc: &mut Incident) {
    match inc.hostile {
        Some(Hostile::Markup) => {
            inc.name = Some("<img src=x onerror=alert(1)> Multi-stage incident <script>alert('xss')</script>".into());
            inc.assigned_to = Some("\"><svg onload=alert(2)>@sandbox.onbehalf.test".into());
        }
        Some(Hostile::JavascriptUrls) => {
            inc.name = Some("javascript:alert(document.domain)".into());
            inc.assigned_to = Some("javascript:alert(1)".into());
        }
        Some(Hostile::Huge) => inc.name = Some(huge("Huge incident name ")),
        Some(Hostile::UnknownEnums) => {
            inc.severity = Some("Catastrophic".into());
            inc.status = Some("Exploding".into());
            inc.classification = Some("Maybe".into());
            inc.determination = Some("Aliens".into());
        }
        Some(Hostile::Nulls) => {
            inc.name = None;
            inc.status = None;
            inc.severity = None;
            inc.classification = None;
            inc.determination = None;
            inc.assigned_to = None;
        }
        Some(Hostile::Unicode) => {
            inc.name = Some("Ransomware \u{202E}exe.txt\u{202C} \u{200B}zero\u{200B}width 'quotes\" &amp; \\ back\nnewline 🦀 ＜script＞".into());
        }
        _ => {}
    }
}

fn huge(prefix: &str) -> String {
    let mut s = String::with_capacity(100 * 1024 + prefix.len());
    s.push_str(prefix);
    while s.len() < 100 * 1024 {
        s.push_str("AAAAAAAAAAAAAAAA<b>bold?</b>");
    }
    s
}

fn opt(v: &Option<String>) -> Value {
    v.as_ref().map(|s| Value::String(s.clone())).unwrap_or(Value::Null)
}

/// The full Defender `/api/incidents` representation.
pub fn defender_json(inc: &Incident) -> Value {
    let mut r = Rng::new(inc.seed);
    let n_alerts = r.range(1, 4) as usize;
    let mut alerts = Vec::with_capacity(n_alerts);
    let mut t = inc.created;
    for k in 0..n_alerts {
        let tmpl = r.pick(&ALERTS);
        alerts.push(alert_json(&mut r, inc, tmpl, t, k));
        t += r.range(1_000, 3_600_000);
    }
    let detection_source = alerts.first().and_then(|a| a.get("detectionSource").cloned()).unwrap_or(Value::Null);
    let tags: Vec<Value> = (0..r.below(3)).map(|_| json!(r.pick(&TAGS))).collect();
    let comments: Vec<Value> = (0..r.below(3))
        .map(|k| {
            json!({
                "comment": *r.pick(&[
                    "Isolated the device, collecting investigation package.",
                    "User confirmed they did not sign in from this location.",
                    "Looks like the quarterly red team exercise.",
                    "Escalated to tier 2.",
                ]),
                "createdBy": r.pick(&USERS).upn,
                "createdTime": iso(inc.created + (k as i64 + 1) * 600_000),
            })
        })
        .collect();
    let mut v = json!({
        "incidentId": inc.id,
        "redirectIncidentId": inc.redirect_id,
        "incidentName": opt(&inc.name),
        "createdTime": iso(inc.created),
        "lastUpdateTime": iso(inc.last_update),
        "assignedTo": opt(&inc.assigned_to),
        "classification": opt(&inc.classification),
        "determination": opt(&inc.determination),
        "detectionSource": detection_source,
        "status": opt(&inc.status),
        "severity": opt(&inc.severity),
        "tags": tags,
        "comments": comments,
        "alerts": alerts,
    });
    if let Some(h) = inc.hostile {
        apply_hostile_json(&mut v, h);
    }
    v
}

fn alert_json(r: &mut Rng, inc: &Incident, tmpl: &AlertTemplate, t: i64, k: usize) -> Value {
    let prefix = match tmpl.kind {
        Kind::Endpoint => "da",
        Kind::Email => "fa",
        Kind::Identity => "aa",
        Kind::Cloud => "ca",
    };
    let alert_id = format!(
        "{prefix}{}_{}",
        637_000_000_000_000_000u64 + r.below(999_999_999_999_999),
        -(r.below(2_000_000_000) as i64)
    );
    let resolved = inc.status.as_deref() == Some("Resolved");
    let status = if resolved { "Resolved" } else { *r.pick(&["New", "InProgress", "Active", "New"]) };
    let host = *r.pick(&HOSTS);
    let person = *r.pick(&PEOPLE);
    let mut devices = Vec::new();
    if matches!(tmpl.kind, Kind::Endpoint | Kind::Identity) {
        for d in 0..r.range(1, 2) {
            let name = if d == 0 { host } else { *r.pick(&HOSTS) };
            devices.push(device_json(r, name, t));
        }
    }
    let entities = entities_json(r, tmpl.kind, host, person, t, devices.first());
    json!({
        "alertId": alert_id,
        "incidentId": inc.id,
        "serviceSource": tmpl.service,
        "creationTime": iso(t),
        "lastUpdatedTime": iso(t + 120_000),
        "resolvedTime": if resolved { Value::String(iso(inc.last_update)) } else { Value::Null },
        "firstActivity": iso(t - 300_000),
        "lastActivity": iso(t - 60_000),
        "title": tmpl.title,
        "description": format!("{} was observed on {host}. Review the process tree and the user's recent activity.", tmpl.title),
        "category": tmpl.category,
        "status": status,
        "severity": inc.severity.clone().unwrap_or_else(|| "Medium".into()),
        "investigationId": if tmpl.kind == Kind::Endpoint { json!(r.range(1, 99_999)) } else { Value::Null },
        "investigationState": INVESTIGATION_STATES[(inc.seed as usize + k) % INVESTIGATION_STATES.len()],
        "classification": if resolved { opt(&inc.classification) } else { Value::Null },
        "determination": if resolved { opt(&inc.determination) } else { Value::Null },
        "detectionSource": tmpl.detection,
        "detectorId": r.guid(),
        "assignedTo": if r.chance(0.3) { json!("Automation") } else { opt(&inc.assigned_to) },
        "actorName": if r.chance(0.2) { json!(*r.pick(&["Storm-0501", "Midnight Blizzard", "Octo Tempest"])) } else { Value::Null },
        "threatFamilyName": if tmpl.category == "Malware" || tmpl.category == "Impact" { json!(*r.pick(&["Mimikatz", "LockBit", "Qakbot"])) } else { Value::Null },
        "mitreTechniques": tmpl.techniques,
        "devices": devices,
        "entities": entities,
    })
}

fn device_json(r: &mut Rng, host: &str, t: i64) -> Value {
    let (platform, version, build) = match host {
        h if h.starts_with("srv") => ("WindowsServer2019", "1809", 17763),
        h if h.starts_with("mac") => ("macOS", "14.4", 0),
        h if h.starts_with("lnx") => ("Linux", "Ubuntu 22.04", 0),
        _ => *r.pick(&[("Windows10", "22H2", 19045), ("Windows11", "23H2", 22631)]),
    };
    json!({
        "mdatpDeviceId": r.hex(40),
        "aadDeviceId": if r.chance(0.7) { json!(r.guid()) } else { Value::Null },
        "deviceDnsName": format!("{host}.corp.sandbox.onbehalf.test"),
        "osPlatform": platform,
        "version": version,
        "osProcessor": "x64",
        "osBuild": if build == 0 { Value::Null } else { json!(build) },
        "healthStatus": *r.pick(&["Active", "Active", "Inactive", "ImpairedCommunication", "NoSensorData"]),
        "riskScore": *r.pick(&["None", "Low", "Medium", "High"]),
        "rbacGroupName": *r.pick(&["Workstations", "Servers", "Finance"]),
        "rbacGroupId": r.range(1, 40),
        "firstSeen": iso(t - r.range(30, 900) * 86_400_000),
        "tags": [],
        "defenderAvStatus": *r.pick(&["Updated", "NotUpdated", "Disabled"]),
        "onboardingStatus": "Onboarded",
        "loggedOnUsers": [],
    })
}

const ENTITY_FIELDS: [&str; 31] = [
    "entityType",
    "sha1",
    "sha256",
    "fileName",
    "filePath",
    "processId",
    "processCommandLine",
    "processCreationTime",
    "parentProcessId",
    "parentProcessCreationTime",
    "ipAddress",
    "url",
    "accountName",
    "domainName",
    "userSid",
    "aadUserId",
    "userPrincipalName",
    "mailboxDisplayName",
    "mailboxAddress",
    "clusterBy",
    "sender",
    "recipient",
    "subject",
    "deliveryAction",
    "securityGroupId",
    "securityGroupName",
    "registryHive",
    "registryKey",
    "registryValueType",
    "registryValue",
    "deviceId",
];

fn entity(pairs: &[(&str, Value)]) -> Value {
    let mut m = Map::new();
    for f in ENTITY_FIELDS {
        m.insert(f.to_string(), Value::Null);
    }
    for (k, v) in pairs {
        m.insert(k.to_string(), v.clone());
    }
    Value::Object(m)
}

fn ip(r: &mut Rng) -> String {
    if r.chance(0.5) {
        format!("10.{}.{}.{}", r.below(255), r.below(255), r.range(1, 254))
    } else {
        format!("{}.{}.{}.{}", r.pick(&[20u8, 40, 52, 104, 185, 193]), r.below(255), r.below(255), r.range(1, 254))
    }
}

fn entities_json(r: &mut Rng, kind: Kind, host: &str, person: &str, t: i64, device: Option<&Value>) -> Vec<Value> {
    let upn = format!("{person}@sandbox.onbehalf.test");
    let device_id = device.and_then(|d| d.get("mdatpDeviceId").cloned()).unwrap_or(Value::Null);
    let user = entity(&[
        ("entityType", json!("User")),
        ("accountName", json!(person)),
        ("domainName", json!("CORP")),
        ("userSid", json!(format!("S-1-5-21-1004336348-1177238915-682003330-{}", r.range(1000, 9999)))),
        ("aadUserId", json!(r.guid())),
        ("userPrincipalName", json!(upn)),
    ]);
    let mut out = vec![user];
    match kind {
        Kind::Endpoint => {
            let file = *r.pick(&["invoice_2024.exe", "update.ps1", "svch0st.exe", "mimikatz.exe", "payload.dll"]);
            let pid = r.range(1000, 30000);
            out.push(entity(&[
                ("entityType", json!("Process")),
                ("processId", json!(pid)),
                ("processCommandLine", json!(*r.pick(&[
                    "powershell.exe -NoProfile -ExecutionPolicy Bypass -EncodedCommand SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQA",
                    "rundll32.exe C:\\Users\\Public\\payload.dll,DllRegisterServer",
                    "cmd.exe /c vssadmin delete shadows /all /quiet",
                    "\"C:\\Windows\\System32\\rundll32.exe\" C:\\Windows\\System32\\comsvcs.dll, MiniDump 624 C:\\Temp\\lsass.dmp full",
                ]))),
                ("processCreationTime", json!(iso(t - 200_000))),
                ("parentProcessId", json!(pid - r.range(1, 900))),
                ("parentProcessCreationTime", json!(iso(t - 900_000))),
                ("fileName", json!("powershell.exe")),
                ("filePath", json!("C:\\Windows\\System32\\WindowsPowerShell\\v1.0")),
                ("sha1", json!(r.hex(40))),
                ("sha256", json!(r.hex(64))),
                ("deviceId", device_id.clone()),
            ]));
            out.push(entity(&[
                ("entityType", json!("File")),
                ("fileName", json!(file)),
                ("filePath", json!(format!("C:\\Users\\{person}\\Downloads"))),
                ("sha1", json!(r.hex(40))),
                ("sha256", json!(r.hex(64))),
                ("deviceId", device_id.clone()),
            ]));
            if r.chance(0.5) {
                out.push(entity(&[
                    ("entityType", json!("Registry")),
                    ("registryHive", json!("HKEY_CURRENT_USER")),
                    ("registryKey", json!("SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run")),
                    ("registryValueType", json!("String")),
                    ("registryValue", json!(format!("C:\\Users\\{person}\\AppData\\Roaming\\{file}"))),
                    ("deviceId", device_id.clone()),
                ]));
            }
            out.push(entity(&[("entityType", json!("Ip")), ("ipAddress", json!(ip(r)))]));
            if r.chance(0.4) {
                out.push(entity(&[
                    ("entityType", json!("Url")),
                    ("url", json!(format!("http://{}.example/{}", r.hex(8), r.hex(6)))),
                ]));
            }
        }
        Kind::Email => {
            let subject = *r.pick(&[
                "Your invoice is overdue",
                "Action required: password expiry",
                "Shared document: Q3 bonus plan",
            ]);
            out.push(entity(&[
                ("entityType", json!("MailBox")),
                ("mailboxDisplayName", json!(person)),
                ("mailboxAddress", json!(upn)),
                ("userPrincipalName", json!(upn)),
            ]));
            out.push(entity(&[
                ("entityType", json!("MailMessage")),
                ("sender", json!(format!("billing@{}.example", r.hex(6)))),
                ("recipient", json!(upn)),
                ("subject", json!(subject)),
                ("deliveryAction", json!(*r.pick(&["Delivered", "Blocked", "Replaced"]))),
            ]));
            out.push(entity(&[
                ("entityType", json!("MailCluster")),
                ("clusterBy", json!("Subject;P2SenderDomain")),
                ("subject", json!(subject)),
            ]));
            out.push(entity(&[
                ("entityType", json!("Url")),
                ("url", json!(format!("https://login-{}.example/auth", r.hex(6)))),
            ]));
        }
        Kind::Identity => {
            out.push(entity(&[("entityType", json!("Ip")), ("ipAddress", json!(ip(r)))]));
            out.push(entity(&[
                ("entityType", json!("SecurityGroup")),
                ("securityGroupId", json!(r.guid())),
                ("securityGroupName", json!(*r.pick(&["Domain Admins", "Enterprise Admins", "Backup Operators"]))),
            ]));
        }
        Kind::Cloud => {
            out.push(entity(&[("entityType", json!("Ip")), ("ipAddress", json!(ip(r)))]));
            out.push(entity(&[("entityType", json!("Ip")), ("ipAddress", json!(ip(r)))]));
            out.push(entity(&[
                ("entityType", json!("Url")),
                ("url", json!("https://contoso-my.sharepoint.com/personal")),
            ]));
        }
    }
    let _ = host;
    out
}

fn apply_hostile_json(v: &mut Value, h: Hostile) {
    let Some(obj) = v.as_object_mut() else { return };
    match h {
        Hostile::Markup => {
            obj.insert("tags".into(), json!(["<script>alert('tag')</script>", "<img src=x onerror=alert(3)>"]));
            obj.insert("comments".into(), json!([{"comment": "<a href=\"javascript:alert(4)\">click</a><iframe src=//evil.example>", "createdBy": "<b>mallory</b>", "createdTime": obj.get("createdTime").cloned().unwrap_or(Value::Null)}]));
            set_alert_field(obj, "title", json!("<img src=x onerror=alert('alert-title')>"));
            set_alert_field(obj, "description", json!("</script><script>alert(5)</script>"));
        }
        Hostile::JavascriptUrls => {
            set_alert_field(obj, "title", json!("javascript:alert('title')"));
            if let Some(Value::Array(alerts)) = obj.get_mut("alerts") {
                for a in alerts {
                    if let Some(Value::Array(ents)) = a.get_mut("entities") {
                        ents.push(entity(&[
                            ("entityType", json!("Url")),
                            ("url", json!("javascript:alert(document.cookie)")),
                        ]));
                    }
                }
            }
        }
        Hostile::Huge => {
            obj.insert("tags".into(), json!([huge("tag ")]));
            set_alert_field(obj, "description", json!(huge("description ")));
        }
        Hostile::UnknownEnums => {
            obj.insert("detectionSource".into(), json!("QuantumSensor"));
            set_alert_field(obj, "category", json!("TimeTravel"));
            set_alert_field(obj, "status", json!("Smouldering"));
        }
        Hostile::Nulls => {
            for k in ["createdTime", "lastUpdateTime", "tags", "comments", "alerts", "detectionSource"] {
                obj.insert(k.into(), Value::Null);
            }
        }
        Hostile::DeepNesting => {
            // 100 levels: deep enough to hurt naive recursive renderers, shallow enough that
            // serde_json's default recursion limit (128) still parses the page.
            let mut deep = json!("bottom");
            for i in 0..100 {
                deep = if i % 2 == 0 { json!([deep]) } else { json!({ "n": deep }) };
            }
            obj.insert("unknownDeepField".into(), deep);
        }
        Hostile::Unicode => {
            obj.insert("tags".into(), json!(["\u{202E}gat", "🦀", "\u{0000}nul"]));
        }
        Hostile::WrongTypes => {
            obj.insert("tags".into(), json!("not-an-array"));
            obj.insert("comments".into(), json!({"comment": "an object, not an array"}));
            obj.insert("redirectIncidentId".into(), json!("not-a-number"));
            obj.insert("assignedTo".into(), json!(42));
        }
    }
}

fn set_alert_field(obj: &mut Map<String, Value>, field: &str, value: Value) {
    if let Some(Value::Array(alerts)) = obj.get_mut("alerts") {
        for a in alerts {
            if let Some(a) = a.as_object_mut() {
                a.insert(field.into(), value.clone());
            }
        }
    }
}

/// Lower-camel-cases a PascalCase value (`InProgress` → `inProgress`).
fn camel(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Graph severity for a Defender severity (unknown values pass through camel-cased).
pub fn graph_severity(s: &str) -> String {
    match s {
        "UnSpecified" => "unknown".into(),
        other => camel(other),
    }
}

/// Graph status for a Defender status.
pub fn graph_status(s: &str) -> String {
    camel(s)
}

/// Graph classification for a Defender classification.
pub fn graph_classification(s: &str) -> String {
    camel(s)
}

/// Graph determination for a Defender determination.
pub fn graph_determination(s: &str) -> String {
    match s {
        "NotAvailable" => "unknown".into(),
        "CompromisedUser" => "compromisedAccount".into(),
        "Clean" => "notMalicious".into(),
        "InsufficientData" => "notEnoughDataToValidate".into(),
        "ConfirmedUserActivity" => "confirmedActivity".into(),
        other => camel(other),
    }
}

fn map_str(v: Option<&Value>, f: fn(&str) -> String) -> Value {
    match v {
        Some(Value::String(s)) => Value::String(f(s)),
        Some(other) => other.clone(),
        None => Value::Null,
    }
}

fn graph_service_source(s: &str) -> String {
    match s {
        "MicrosoftDefenderATP" => "microsoftDefenderForEndpoint".into(),
        "MicrosoftCloudAppSecurity" => "microsoftDefenderForCloudApps".into(),
        "OfficeATP" => "microsoftDefenderForOffice365".into(),
        other => camel(other),
    }
}

fn graph_detection_source(s: &str) -> String {
    match s {
        "WindowsDefenderAv" => "antivirus".into(),
        "EDR" => "microsoftDefenderForEndpoint".into(),
        "CustomerTI" => "customTi".into(),
        "MCAS" => "cloudAppSecurity".into(),
        "OfficeATP" => "microsoftDefenderForOffice365".into(),
        "AzureATP" => "microsoftDefenderForIdentity".into(),
        other => camel(other),
    }
}

/// Incident portal link, as Graph returns it.
pub fn incident_web_url(id: &Value) -> String {
    let id = match id {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    format!("https://security.microsoft.com/incidents/{id}?tid={TENANT_ID}")
}

const DEFENDER_INCIDENT_FIELDS: [&str; 14] = [
    "incidentId",
    "redirectIncidentId",
    "incidentName",
    "createdTime",
    "lastUpdateTime",
    "assignedTo",
    "classification",
    "determination",
    "detectionSource",
    "status",
    "severity",
    "tags",
    "comments",
    "alerts",
];

/// Converts a Defender-shaped incident to the Graph `microsoft.graph.security.incident`
/// shape; unknown fields are carried over as they are.
pub fn graph_json(d: &Value, expand_alerts: bool) -> Value {
    let g = |k: &str| d.get(k).cloned().unwrap_or(Value::Null);
    let id = match d.get("incidentId") {
        Some(Value::Number(n)) => Value::String(n.to_string()),
        Some(other) => other.clone(),
        None => Value::Null,
    };
    let comments = match d.get("comments") {
        Some(Value::Array(cs)) => Value::Array(
            cs.iter()
                .map(|c| {
                    json!({
                        "comment": c.get("comment").cloned().unwrap_or(Value::Null),
                        "createdBy": {"user": {"displayName": c.get("createdBy").cloned().unwrap_or(Value::Null)}},
                        "createdDateTime": c.get("createdTime").cloned().unwrap_or(Value::Null),
                    })
                })
                .collect(),
        ),
        Some(other) => other.clone(),
        None => Value::Null,
    };
    let first_title = d
        .get("alerts")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .and_then(|a| a.get("description"))
        .cloned()
        .unwrap_or(Value::Null);
    let mut out = json!({
        "id": id,
        "tenantId": TENANT_ID,
        "status": map_str(d.get("status"), graph_status),
        "incidentWebUrl": incident_web_url(&id),
        "redirectIncidentId": match d.get("redirectIncidentId") { Some(Value::Number(n)) => Value::String(n.to_string()), Some(o) => o.clone(), None => Value::Null },
        "displayName": g("incidentName"),
        "description": first_title,
        "createdDateTime": g("createdTime"),
        "lastUpdateDateTime": g("lastUpdateTime"),
        "assignedTo": g("assignedTo"),
        "classification": map_str(d.get("classification"), graph_classification),
        "determination": map_str(d.get("determination"), graph_determination),
        "severity": map_str(d.get("severity"), graph_severity),
        "customTags": g("tags"),
        "systemTags": if d.get("alerts").and_then(Value::as_array).is_some_and(|a| a.len() > 1) { json!(["Multi-stage"]) } else { json!([]) },
        "comments": comments,
        "resolvingComment": Value::Null,
        "summary": Value::Null,
        "lastModifiedBy": "API-App:sandbox",
    });
    if let (Some(o), Some(src)) = (out.as_object_mut(), d.as_object()) {
        for (k, v) in src {
            if !DEFENDER_INCIDENT_FIELDS.contains(&k.as_str()) {
                o.insert(k.clone(), v.clone());
            }
        }
        if expand_alerts {
            let alerts = match d.get("alerts") {
                Some(Value::Array(a)) => Value::Array(a.iter().map(|x| graph_alert(x, &id)).collect()),
                Some(other) => other.clone(),
                None => Value::Null,
            };
            o.insert("alerts".into(), alerts);
        }
    }
    out
}

fn graph_alert(a: &Value, incident_id: &Value) -> Value {
    let g = |k: &str| a.get(k).cloned().unwrap_or(Value::Null);
    let alert_id = g("alertId");
    let mut evidence: Vec<Value> = Vec::new();
    for d in a.get("devices").and_then(Value::as_array).into_iter().flatten() {
        evidence.push(json!({
            "@odata.type": "#microsoft.graph.security.deviceEvidence",
            "createdDateTime": g("creationTime"),
            "verdict": "suspicious",
            "remediationStatus": "none",
            "roles": [],
            "tags": [],
            "mdeDeviceId": d.get("mdatpDeviceId").cloned().unwrap_or(Value::Null),
            "azureAdDeviceId": d.get("aadDeviceId").cloned().unwrap_or(Value::Null),
            "deviceDnsName": d.get("deviceDnsName").cloned().unwrap_or(Value::Null),
            "osPlatform": d.get("osPlatform").cloned().unwrap_or(Value::Null),
            "osBuild": d.get("osBuild").cloned().unwrap_or(Value::Null),
            "healthStatus": map_str(d.get("healthStatus"), camel),
            "riskScore": map_str(d.get("riskScore"), camel),
            "rbacGroupId": d.get("rbacGroupId").cloned().unwrap_or(Value::Null),
            "rbacGroupName": d.get("rbacGroupName").cloned().unwrap_or(Value::Null),
            "firstSeenDateTime": d.get("firstSeen").cloned().unwrap_or(Value::Null),
        }));
    }
    for e in a.get("entities").and_then(Value::as_array).into_iter().flatten() {
        let f = |k: &str| e.get(k).cloned().unwrap_or(Value::Null);
        let common = json!({"createdDateTime": g("creationTime"), "verdict": "suspicious", "remediationStatus": "none", "roles": [], "tags": []});
        let mut ev = match e.get("entityType").and_then(Value::as_str) {
            Some("User") => json!({"@odata.type": "#microsoft.graph.security.userEvidence", "userAccount": {
                "accountName": f("accountName"), "domainName": f("domainName"), "userSid": f("userSid"),
                "azureAdUserId": f("aadUserId"), "userPrincipalName": f("userPrincipalName"), "displayName": f("accountName")}}),
            Some("Ip") => json!({"@odata.type": "#microsoft.graph.security.ipEvidence", "ipAddress": f("ipAddress")}),
            Some("Url") => json!({"@odata.type": "#microsoft.graph.security.urlEvidence", "url": f("url")}),
            Some("File") => {
                json!({"@odata.type": "#microsoft.graph.security.fileEvidence", "detectionStatus": "detected",
                "fileDetails": {"fileName": f("fileName"), "filePath": f("filePath"), "sha1": f("sha1"), "sha256": f("sha256")},
                "mdeDeviceId": f("deviceId")})
            }
            Some("Process") => {
                json!({"@odata.type": "#microsoft.graph.security.processEvidence", "processId": f("processId"),
                "processCommandLine": f("processCommandLine"), "processCreationDateTime": f("processCreationTime"),
                "parentProcessId": f("parentProcessId"), "parentProcessCreationDateTime": f("parentProcessCreationTime"),
                "imageFile": {"fileName": f("fileName"), "filePath": f("filePath"), "sha1": f("sha1"), "sha256": f("sha256")},
                "mdeDeviceId": f("deviceId")})
            }
            Some("MailBox") => {
                json!({"@odata.type": "#microsoft.graph.security.mailboxEvidence", "displayName": f("mailboxDisplayName"),
                "primaryAddress": f("mailboxAddress"), "userAccount": {"userPrincipalName": f("userPrincipalName")}})
            }
            Some("MailMessage") => json!({"@odata.type": "#microsoft.graph.security.analyzedMessageEvidence",
                "senderIp": Value::Null, "p1Sender": {"emailAddress": f("sender")}, "recipientEmailAddress": f("recipient"),
                "subject": f("subject"), "deliveryAction": map_str(e.get("deliveryAction"), camel)}),
            Some("MailCluster") => {
                json!({"@odata.type": "#microsoft.graph.security.mailClusterEvidence", "clusterBy": f("clusterBy"), "query": f("subject")})
            }
            Some("Registry") => {
                json!({"@odata.type": "#microsoft.graph.security.registryValueEvidence", "registryHive": f("registryHive"),
                "registryKey": f("registryKey"), "registryValueType": f("registryValueType"), "registryValue": f("registryValue"), "mdeDeviceId": f("deviceId")})
            }
            Some("SecurityGroup") => {
                json!({"@odata.type": "#microsoft.graph.security.securityGroupEvidence", "securityGroupId": f("securityGroupId"), "displayName": f("securityGroupName")})
            }
            _ => json!({"@odata.type": "#microsoft.graph.security.alertEvidence"}),
        };
        if let (Some(o), Some(c)) = (ev.as_object_mut(), common.as_object()) {
            for (k, v) in c {
                o.insert(k.clone(), v.clone());
            }
        }
        evidence.push(ev);
    }
    let alert_id_str = match &alert_id {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    json!({
        "id": alert_id,
        "providerAlertId": alert_id_str.get(2..).unwrap_or(""),
        "incidentId": incident_id,
        "status": map_str(a.get("status"), camel),
        "severity": map_str(a.get("severity"), graph_severity),
        "classification": map_str(a.get("classification"), graph_classification),
        "determination": map_str(a.get("determination"), graph_determination),
        "serviceSource": map_str(a.get("serviceSource"), graph_service_source),
        "detectionSource": map_str(a.get("detectionSource"), graph_detection_source),
        "detectorId": g("detectorId"),
        "tenantId": TENANT_ID,
        "title": g("title"),
        "description": g("description"),
        "recommendedActions": "Isolate the device, reset the user's credentials and review related activity.",
        "category": g("category"),
        "assignedTo": g("assignedTo"),
        "alertWebUrl": format!("https://security.microsoft.com/alerts/{alert_id_str}?tid={TENANT_ID}"),
        "incidentWebUrl": incident_web_url(incident_id),
        "actorDisplayName": g("actorName"),
        "threatDisplayName": g("threatFamilyName"),
        "threatFamilyName": g("threatFamilyName"),
        "mitreTechniques": g("mitreTechniques"),
        "createdDateTime": g("creationTime"),
        "lastUpdateDateTime": g("lastUpdatedTime"),
        "resolvedDateTime": g("resolvedTime"),
        "firstActivityDateTime": g("firstActivity"),
        "lastActivityDateTime": g("lastActivity"),
        "comments": [],
        "evidence": evidence,
        "systemTags": [],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_complete() {
        let now = 1_714_558_272_345;
        let a = generate(7, 300, now, false);
        let b = generate(7, 300, now, false);
        assert_eq!(a.len(), 300);
        assert_eq!(defender_json(&a[5]), defender_json(&b[5]));
        assert!(a.windows(2).all(|w| w[0].last_update >= w[1].last_update));
        let all: Vec<Value> = a.iter().map(defender_json).collect();
        let text = serde_json::to_string(&all).unwrap();
        for v in SEVERITIES
            .iter()
            .chain(&STATUSES)
            .chain(&CLASSIFICATIONS)
            .chain(&DETERMINATIONS)
            .chain(&INVESTIGATION_STATES)
        {
            assert!(text.contains(&format!("\"{v}\"")), "missing enum value {v}");
        }
        for e in [
            "User",
            "Ip",
            "Url",
            "File",
            "Process",
            "MailBox",
            "MailMessage",
            "MailCluster",
            "Registry",
            "SecurityGroup",
        ] {
            assert!(text.contains(&format!("\"entityType\":\"{e}\"")), "missing entity {e}");
        }
    }

    #[test]
    fn hostile_incidents_render() {
        let v = generate(1, 10, 1_714_558_272_345, true);
        assert_eq!(v.len(), 18);
        for i in &v {
            let d = defender_json(i);
            let g = graph_json(&d, true);
            assert!(serde_json::to_string(&g).is_ok());
        }
    }

    #[test]
    fn hundred_thousand_is_quick() {
        let t = std::time::Instant::now();
        let v = generate(42, 100_000, 1_714_558_272_345, false);
        assert_eq!(v.len(), 100_000);
        assert!(t.elapsed().as_secs() < 10);
    }
}

/// A freshly created incident (for `POST /_sandbox/incidents`), created and updated at `now_ms`.
pub fn fresh(seed: u64, id: u64, now_ms: i64) -> Incident {
    let mut r = Rng::new(seed ^ id.rotate_left(17));
    let mut inc = summary(&mut r, id, now_ms, now_ms, &[]);
    inc.last_update = now_ms;
    inc
}
