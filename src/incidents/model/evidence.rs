//! What an entity (Defender) or evidence (Graph) carries, read from ONE table per API: each documented
//! field with its label and how the page shows it. The page renders the facts in table order; whatever the
//! table does not name stays visible in the entity's "raw" leftovers.

use super::{cap, norm, MAX_TEXT_CHARS};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// How a fact is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FactKind {
    /// Plain text.
    Text,
    /// Monospace with a copy button: command lines, paths, registry keys and values, ids, URLs.
    Code,
    /// A file hash: monospace with a copy button.
    Hash,
    /// An RFC 3339 time.
    Time,
    /// An API enum value (`impairedCommunication`): shown by its label (`labels::api_label`), the value as given
    /// in a tooltip.
    Label,
}

/// One labelled fact of an entity, e.g. `Command line` → `vssadmin delete shadows /all /quiet`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fact {
    /// Label.
    pub label: String,
    /// Value as given (capped).
    pub value: String,
    /// How to show it.
    pub kind: FactKind,
}

use FactKind::{Code, Hash, Label, Text, Time};

/// Defender `entities[]`: flat objects; (field, label, kind) in display order.
pub(super) const DEFENDER_FACTS: &[(&str, &str, FactKind)] = &[
    ("userPrincipalName", "UPN", Text),
    ("accountName", "Account", Text),
    ("domainName", "Domain", Text),
    ("userSid", "SID", Code),
    ("aadUserId", "Entra user id", Code),
    ("processCommandLine", "Command line", Code),
    ("processId", "Process id", Text),
    ("processCreationTime", "Process started", Time),
    ("parentProcessId", "Parent process id", Text),
    ("parentProcessCreationTime", "Parent process started", Time),
    ("fileName", "File name", Text),
    ("filePath", "File path", Code),
    ("sha256", "SHA-256", Hash),
    ("sha1", "SHA-1", Hash),
    ("ipAddress", "IP address", Code),
    ("url", "URL", Code),
    ("mailboxDisplayName", "Mailbox name", Text),
    ("mailboxAddress", "Mailbox", Text),
    ("sender", "Sender", Text),
    ("recipient", "Recipient", Text),
    ("subject", "Subject", Text),
    ("deliveryAction", "Delivery action", Label),
    ("clusterBy", "Clustered by", Text),
    ("securityGroupName", "Security group", Text),
    ("securityGroupId", "Security group id", Code),
    ("registryHive", "Registry hive", Text),
    ("registryKey", "Registry key", Code),
    ("registryValueType", "Value type", Text),
    ("registryValue", "Registry value", Code),
    ("deviceId", "Device id", Code),
];

/// Graph `evidence[]` (every subtype of `alertEvidence`): dotted paths into nested objects.
pub(super) const GRAPH_FACTS: &[(&str, &str, FactKind)] = &[
    ("userAccount.userPrincipalName", "UPN", Text),
    ("userAccount.displayName", "User", Text),
    ("userAccount.accountName", "Account", Text),
    ("userAccount.domainName", "Domain", Text),
    ("userAccount.userSid", "SID", Code),
    ("userAccount.azureAdUserId", "Entra user id", Code),
    ("displayName", "Name", Text),
    ("primaryAddress", "Mailbox", Text),
    ("processCommandLine", "Command line", Code),
    ("processId", "Process id", Text),
    ("processCreationDateTime", "Process started", Time),
    ("imageFile.fileName", "Image file", Text),
    ("imageFile.filePath", "Image path", Code),
    ("imageFile.sha256", "SHA-256", Hash),
    ("imageFile.sha1", "SHA-1", Hash),
    ("parentProcessImageFile.fileName", "Parent process", Text),
    ("parentProcessImageFile.filePath", "Parent image path", Code),
    ("parentProcessId", "Parent process id", Text),
    ("parentProcessCreationDateTime", "Parent process started", Time),
    ("parentProcessImageFile.sha256", "Parent SHA-256", Hash),
    ("parentProcessImageFile.sha1", "Parent SHA-1", Hash),
    ("fileDetails.fileName", "File name", Text),
    ("fileDetails.filePath", "File path", Code),
    ("fileDetails.sha256", "SHA-256", Hash),
    ("fileDetails.sha1", "SHA-1", Hash),
    ("fileDetails.md5", "MD5", Hash),
    ("fileDetails.fileSize", "Size (bytes)", Text),
    ("fileDetails.signer", "Signer", Text),
    ("fileDetails.issuer", "Issuer", Text),
    ("fileDetails.filePublisher", "Publisher", Text),
    ("detectionStatus", "Detection status", Label),
    ("ipAddress", "IP address", Code),
    ("countryLetterCode", "Country", Text),
    ("url", "URL", Code),
    ("domainName", "Domain", Code),
    ("p1Sender.emailAddress", "Sender", Text),
    ("p1Sender.displayName", "Sender name", Text),
    ("p2Sender.emailAddress", "Sender (header From)", Text),
    ("senderIp", "Sender IP", Code),
    ("recipientEmailAddress", "Recipient", Text),
    ("subject", "Subject", Text),
    ("deliveryAction", "Delivery action", Label),
    ("deliveryLocation", "Delivery location", Label),
    ("antiSpamDirection", "Direction", Label),
    ("receivedDateTime", "Received", Time),
    ("threats", "Threats", Text),
    ("threatDetectionMethods", "Detected by", Text),
    ("urlCount", "URLs", Text),
    ("attachmentsCount", "Attachments", Text),
    ("internetMessageId", "Internet message id", Code),
    ("networkMessageId", "Network message id", Code),
    ("clusterBy", "Clustered by", Text),
    ("clusterByValue", "Cluster value", Code),
    ("emailCount", "E-mails", Text),
    ("query", "Query", Code),
    ("securityGroupId", "Security group id", Code),
    ("registryHive", "Registry hive", Text),
    ("registryKey", "Registry key", Code),
    ("registryValueName", "Value name", Code),
    ("registryValueType", "Value type", Text),
    ("registryValue", "Registry value", Code),
    ("appId", "App id", Code),
    ("instanceName", "Instance", Text),
    ("saasAppId", "SaaS app id", Text),
    ("publisher", "Publisher", Text),
    ("resourceName", "Resource", Text),
    ("resourceType", "Resource type", Text),
    ("resourceId", "Resource id", Code),
    ("name", "Name", Text),
    ("category", "Category", Text),
    ("mdeDeviceId", "Device id", Code),
    ("verdict", "Verdict", Label),
    ("remediationStatus", "Remediation", Label),
    ("roles", "Roles", Label),
];

/// Defender `devices[]` of an alert (api-list-incidents: the devices table and its sample); the name
/// (`deviceDnsName`) heads the card.
pub(super) const DEFENDER_DEVICE_FACTS: &[(&str, &str, FactKind)] = &[
    ("osPlatform", "OS", Label),
    ("version", "OS version", Text),
    ("osBuild", "OS build", Text),
    ("osProcessor", "Processor", Text),
    ("healthStatus", "Health", Label),
    ("defenderAvStatus", "Defender Antivirus", Label),
    ("riskScore", "Risk", Label),
    ("rbacGroupName", "Device group", Text),
    ("rbacGroupId", "Device group id", Text),
    ("onboardingStatus", "Onboarding", Label),
    ("firstSeen", "First seen", Time),
    ("loggedOnUsers.accountName", "Logged-on users", Text),
    ("tags", "Tags", Text),
    ("vmMetadata.cloudProvider", "Cloud", Label),
    ("vmMetadata.vmId", "VM id", Code),
    ("vmMetadata.resourceId", "Cloud resource id", Code),
    ("vmMetadata.subscriptionId", "Subscription id", Code),
    ("mdatpDeviceId", "Device id", Code),
    ("DeviceId", "Device id", Code),
    ("aadDeviceId", "Entra device id", Code),
];

/// Graph `deviceEvidence` (security-deviceevidence, with `alertEvidence`'s own fields).
pub(super) const GRAPH_DEVICE_FACTS: &[(&str, &str, FactKind)] = &[
    ("osPlatform", "OS", Label),
    ("version", "OS version", Text),
    ("osBuild", "OS build", Text),
    ("healthStatus", "Health", Label),
    ("defenderAvStatus", "Defender Antivirus", Label),
    ("riskScore", "Risk", Label),
    ("rbacGroupName", "Device group", Text),
    ("rbacGroupId", "Device group id", Text),
    ("onboardingStatus", "Onboarding", Label),
    ("firstSeenDateTime", "First seen", Time),
    ("hostName", "Host name", Text),
    ("dnsDomain", "DNS domain", Text),
    ("ntDomain", "NT domain", Text),
    ("ipInterfaces", "IP interfaces", Code),
    ("loggedOnUsers.accountName", "Logged-on users", Text),
    ("vmMetadata.cloudProvider", "Cloud", Label),
    ("vmMetadata.vmId", "VM id", Code),
    ("vmMetadata.resourceId", "Cloud resource id", Code),
    ("vmMetadata.subscriptionId", "Subscription id", Code),
    ("verdict", "Verdict", Label),
    ("remediationStatus", "Remediation", Label),
    ("roles", "Roles", Label),
    ("tags", "Tags", Text),
    ("mdeDeviceId", "Device id", Code),
    ("azureAdDeviceId", "Entra device id", Code),
];

/// Readable names of every documented entity type (Defender `entityType`) and evidence type (Graph
/// `@odata.type` without `#microsoft.graph.security.` and `Evidence`), normalised: (type, singular, group).
const TYPES: &[(&str, &str, &str)] = &[
    ("user", "User", "Users"),
    ("ip", "IP address", "IP addresses"),
    ("url", "URL", "URLs"),
    ("file", "File", "Files"),
    ("filehash", "File hash", "File hashes"),
    ("process", "Process", "Processes"),
    ("mailbox", "Mailbox", "Mailboxes"),
    ("mailboxconfiguration", "Mailbox configuration", "Mailbox configurations"),
    ("mailmessage", "Mail message", "Mail messages"),
    ("analyzedmessage", "Mail message", "Mail messages"),
    ("submissionmail", "Submitted mail", "Submitted mail"),
    ("mailcluster", "Mail cluster", "Mail clusters"),
    ("registry", "Registry value", "Registry"),
    ("registrykey", "Registry key", "Registry"),
    ("registryvalue", "Registry value", "Registry"),
    ("securitygroup", "Security group", "Security groups"),
    ("cloudapplication", "Cloud application", "Cloud applications"),
    ("oauthapplication", "OAuth application", "OAuth applications"),
    ("serviceprincipal", "Service principal", "Service principals"),
    ("device", "Device", "Devices"),
    ("iotdevice", "IoT device", "IoT devices"),
    ("dns", "DNS domain", "DNS domains"),
    ("networkconnection", "Network connection", "Network connections"),
    ("hostlogonsession", "Logon session", "Logon sessions"),
    ("cloudlogonsession", "Cloud logon session", "Cloud logon sessions"),
    ("cloudlogonrequest", "Cloud logon request", "Cloud logon requests"),
    ("malware", "Malware", "Malware"),
    ("azureresource", "Azure resource", "Cloud resources"),
    ("amazonresource", "AWS resource", "Cloud resources"),
    ("googlecloudresource", "Google Cloud resource", "Cloud resources"),
    ("blob", "Storage blob", "Storage"),
    ("blobcontainer", "Blob container", "Storage"),
    ("container", "Container", "Containers"),
    ("containerimage", "Container image", "Containers"),
    ("containerregistry", "Container registry", "Containers"),
    ("kubernetescluster", "Kubernetes cluster", "Kubernetes"),
    ("kubernetescontroller", "Kubernetes controller", "Kubernetes"),
    ("kubernetesnamespace", "Kubernetes namespace", "Kubernetes"),
    ("kubernetespod", "Kubernetes pod", "Kubernetes"),
    ("kubernetessecret", "Kubernetes secret", "Kubernetes"),
    ("kubernetesservice", "Kubernetes service", "Kubernetes"),
    ("kubernetesserviceaccount", "Kubernetes service account", "Kubernetes"),
    ("nic", "Network interface", "Network interfaces"),
    ("sastoken", "SAS token", "SAS tokens"),
    ("githubrepo", "GitHub repository", "GitHub repositories"),
    ("githuborganization", "GitHub organization", "GitHub organizations"),
    ("githubuser", "GitHub user", "GitHub users"),
    ("devopsrepository", "DevOps repository", "DevOps repositories"),
];

/// A readable name for an entity or evidence type: (singular, group heading). Types not in the table are
/// split at their capitals (`fooBarEvidence` → `Foo bar`) and kept, never dropped.
pub fn type_names(raw: Option<&str>) -> (String, String) {
    let raw = raw.unwrap_or("").trim();
    let n = norm(raw);
    let n = n.strip_suffix("evidence").unwrap_or(&n);
    if let Some((_, one, group)) = TYPES.iter().find(|(t, _, _)| norm(t) == n) {
        return ((*one).into(), (*group).into());
    }
    if raw.is_empty() {
        return ("Other".into(), "Other".into());
    }
    let mut words = String::new();
    for (i, c) in raw.trim_end_matches("Evidence").chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            words.push(' ');
            words.extend(c.to_lowercase());
        } else if i == 0 {
            words.extend(c.to_uppercase());
        } else {
            words.push(c);
        }
    }
    let words = cap(&words, 60);
    (words.clone(), words)
}

/// A value at a dotted path, as text: strings (capped), numbers, booleans, and arrays of those joined; a path
/// through an array of objects (`loggedOnUsers.accountName`) gathers the field of each.
pub(super) fn at_path(o: &Map<String, Value>, path: &str) -> Option<String> {
    let (first, rest) = path.split_once('.').map_or((path, None), |(a, b)| (a, Some(b)));
    let cur = o.get(first)?;
    match (rest, cur) {
        (Some(rest), Value::Object(inner)) => at_path(inner, rest),
        (Some(rest), Value::Array(items)) => {
            let got: Vec<String> = items.iter().filter_map(Value::as_object).filter_map(|x| at_path(x, rest)).collect();
            (!got.is_empty()).then(|| cap(&got.join(", "), MAX_TEXT_CHARS))
        }
        (Some(_), _) => None,
        (None, cur) => scalar(cur).or_else(|| {
            let items: Vec<String> = cur.as_array()?.iter().filter_map(scalar).collect();
            (!items.is_empty()).then(|| cap(&items.join(", "), MAX_TEXT_CHARS))
        }),
    }
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(cap(s, MAX_TEXT_CHARS)),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Every fact of the table present in `o`, in table order; a value shown under an earlier label is not
/// repeated (Graph's `displayName` is a group's or an app's name, and the user's name lives elsewhere).
pub(super) fn facts(o: &Map<String, Value>, table: &[(&str, &str, FactKind)]) -> Vec<Fact> {
    let mut out: Vec<Fact> = Vec::new();
    for (path, label, kind) in table {
        if let Some(value) = at_path(o, path) {
            if !out.iter().any(|f| f.value == value && f.label == *label) {
                out.push(Fact { label: (*label).into(), value, kind: *kind });
            }
        }
    }
    out
}

/// A device with its facts from `table` and the leftovers; `name_fields` are shown as its heading.
pub(super) fn device(
    d: &Map<String, Value>,
    table: &[(&str, &str, FactKind)],
    name_fields: &[&str],
    named: super::Device,
) -> super::Device {
    let shown = table.iter().map(|(p, _, _)| *p).chain(name_fields.iter().copied());
    super::Device { facts: facts(d, table), raw: leftovers(d, shown), ..named }
}

/// Largest leftover JSON kept per object, in characters.
pub const MAX_RAW_CHARS: usize = 4_000;

/// The fields of `o` the page does not show (not in `shown`, not null, not empty), as compact JSON capped at
/// [`MAX_RAW_CHARS`]; `None` when nothing is left. A dotted entry in `shown` names its top-level field.
pub(super) fn leftovers<'a>(o: &Map<String, Value>, shown: impl IntoIterator<Item = &'a str>) -> Option<String> {
    // `@odata.type` is a key with a dot in it, not a path.
    let shown: Vec<&str> =
        shown.into_iter().map(|p| if o.contains_key(p) { p } else { p.split('.').next().unwrap_or(p) }).collect();
    let rest: Map<String, Value> = o
        .iter()
        .filter(|(k, v)| !shown.contains(&k.as_str()) && !is_empty(v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if rest.is_empty() {
        return None;
    }
    serde_json::to_string(&Value::Object(rest)).ok().map(|s| cap(&s, MAX_RAW_CHARS))
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

/// Control, format (bidi overrides, zero-width) and other invisible characters made visible as `⟨U+202E⟩`,
/// so `exe.txt` with a right-to-left override cannot read as `txt.exe`. Ordinary whitespace is kept.
pub fn visible(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if is_invisible(c) {
            out.push_str(&format!("⟨U+{:04X}⟩", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

fn is_invisible(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c as u32,
            0x00AD | 0x061C | 0x115F | 0x1160 | 0x180E | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F
            | 0x3164 | 0xFE00..=0xFE0F | 0xFEFF | 0xFFA0 | 0xFFF9..=0xFFFB | 0xE0000..=0xE007F)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_documented_type_has_a_readable_name() {
        let documented = [
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
            "CloudApplication",
        ];
        for t in documented {
            assert!(TYPES.iter().any(|(k, _, _)| *k == norm(t)), "{t} is in the table");
        }
        for t in [
            "analyzedMessageEvidence",
            "mailboxEvidence",
            "registryKeyEvidence",
            "registryValueEvidence",
            "securityGroupEvidence",
            "cloudApplicationEvidence",
            "mailClusterEvidence",
            "oauthApplicationEvidence",
            "processEvidence",
            "fileEvidence",
            "ipEvidence",
            "urlEvidence",
            "userEvidence",
            "deviceEvidence",
            "kubernetesPodEvidence",
            "azureResourceEvidence",
            "hostLogonSessionEvidence",
            "dnsEvidence",
        ] {
            let (one, group) = type_names(Some(t));
            assert!(!one.contains("Evidence") && !one.is_empty() && !group.is_empty(), "{t} → {one}");
            assert!(TYPES.iter().any(|(_, o, _)| *o == one), "{t} is in the table");
        }
        assert_eq!(type_names(Some("SecurityGroup")).0, "Security group");
        assert_eq!(type_names(Some("analyzedMessageEvidence")).1, "Mail messages");
        assert_eq!(type_names(Some("MailCluster")).0, "Mail cluster");
        assert_eq!(type_names(Some("quantumWidgetEvidence")), ("Quantum widget".into(), "Quantum widget".into()));
        assert_eq!(type_names(None).0, "Other");
    }

    #[test]
    fn facts_follow_the_table_and_join_arrays() {
        let o = json!({"processCommandLine": "vssadmin delete shadows /all /quiet", "processId": 4242,
            "imageFile": {"fileName": "vssadmin.exe", "sha256": "ab12"}, "roles": ["attacker", "source"],
            "verdict": null, "detectionStatus": ""});
        let f = facts(o.as_object().unwrap(), GRAPH_FACTS);
        let labels: Vec<&str> = f.iter().map(|f| f.label.as_str()).collect();
        assert_eq!(labels, ["Command line", "Process id", "Image file", "SHA-256", "Roles"]);
        assert_eq!(f[0].kind, Code);
        assert_eq!(f[1].value, "4242");
        assert_eq!(f[3].kind, Hash);
        assert_eq!(f[4].value, "attacker, source");
    }

    #[test]
    fn leftovers_keep_unknown_fields_only() {
        let o = json!({"a": 1, "b": null, "c": [], "title": "x", "newField": {"k": "v"}});
        assert_eq!(leftovers(o.as_object().unwrap(), ["title"]).as_deref(), Some(r#"{"a":1,"newField":{"k":"v"}}"#));
        assert_eq!(leftovers(json!({"title": "x"}).as_object().unwrap(), ["title"]), None);
        let big = json!({"x": "y".repeat(50_000)});
        assert!(leftovers(big.as_object().unwrap(), []).unwrap().chars().count() <= MAX_RAW_CHARS + 1);
    }

    #[test]
    fn invisible_characters_are_shown() {
        assert_eq!(visible("invoice\u{202E}txt.exe"), "invoice⟨U+202E⟩txt.exe");
        assert_eq!(visible("a\u{0}b\u{200B}c\u{FEFF}"), "a⟨U+0000⟩b⟨U+200B⟩c⟨U+FEFF⟩");
        assert_eq!(visible("plain text, ünïcode 日本\nnext\tline"), "plain text, ünïcode 日本\nnext\tline");
        assert_eq!(visible("\u{1b}[31m"), "⟨U+001B⟩[31m");
    }
}
