//! The pools generated incidents draw their names, alerts, hosts, people and tags from.

pub(crate) const TACTICS: [&str; 12] = [
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

pub(crate) struct AlertTemplate {
    pub(crate) title: &'static str,
    pub(crate) category: &'static str,
    pub(crate) service: &'static str,
    pub(crate) detection: &'static str,
    pub(crate) techniques: &'static [&'static str],
    pub(crate) kind: Kind,
}

#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Kind {
    Endpoint,
    Email,
    Identity,
    Cloud,
}

pub(crate) const ALERTS: [AlertTemplate; 12] = [
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

pub(crate) const HOSTS: [&str; 10] = [
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
pub(crate) const PEOPLE: [&str; 8] = ["jdoe", "mchen", "pgarcia", "akhan", "lnovak", "obrien", "ssato", "tmueller"];
pub(crate) const TAGS: [&str; 8] =
    ["Ransomware", "Phishing", "BEC", "Red team", "VIP", "Crown jewels", "Needs triage", "Credential Phish"];
