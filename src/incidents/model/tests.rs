//! Incident parsing tests against payloads shaped like Microsoft's documented samples.

use super::*;

/// Shaped after the Defender "List incidents API" response example (api-list-incidents).
const DEFENDER_SAMPLE: &str = r#"{
  "@odata.context": "https://api.security.microsoft.com/api/$metadata#Incidents",
  "value": [
    {
      "incidentId": 924565,
      "redirectIncidentId": null,
      "incidentName": "Ransomware activity",
      "createdTime": "2020-09-06T14:09:42.1066667Z",
      "lastUpdateTime": "2020-09-06T14:09:42.1066667Z",
      "assignedTo": null,
      "classification": "Unknown",
      "determination": "NotAvailable",
      "status": "Active",
      "severity": "Informational",
      "tags": [],
      "comments": [
        {"comment": "test comment for docs", "createdBy": "DavidS@contoso.com", "createdTime": "2021-01-26T01:00:37.8404534Z"}
      ],
      "alerts": [
        {
          "alertId": "caD70CFEE2-1F54-32DB-9988-3A868A1EBFAC",
          "incidentId": 924565,
          "serviceSource": "MicrosoftCloudAppSecurity",
          "creationTime": "2020-09-06T14:09:42.1066667Z",
          "lastUpdatedTime": "2020-09-06T14:09:42.1066667Z",
          "resolvedTime": null,
          "firstActivity": "2020-09-04T05:22:59Z",
          "lastActivity": "2020-09-04T05:22:59Z",
          "title": "Ransomware activity",
          "description": "Cloud App Security detected ransomware activity by Mathew Tompson.",
          "category": "Impact",
          "status": "New",
          "severity": "Informational",
          "investigationId": null,
          "investigationState": "UnsupportedAlertType",
          "classification": null,
          "determination": null,
          "detectionSource": "MCAS",
          "assignedTo": null,
          "actorName": null,
          "threatFamilyName": null,
          "mitreTechniques": [],
          "devices": [],
          "entities": [
            {"entityType": "User", "sha1": null, "sha256": null, "fileName": null, "filePath": null, "processId": null,
             "processCommandLine": null, "processCreationTime": null, "parentProcessId": null, "parentProcessCreationTime": null,
             "ipAddress": null, "url": null, "accountName": "Mathew Tompson", "domainName": "CONTOSO",
             "userSid": "S-1-5-21-1794059181-1419932473-3263301034-1219", "aadUserId": "8e043f0c-4f08-43ea-87e6-b8f0e5c9bcf1",
             "userPrincipalName": "temp123@microsoft.com", "mailboxDisplayName": null, "mailboxAddress": null,
             "clusterBy": null, "sender": null, "recipient": null, "subject": null, "deliveryAction": null,
             "securityGroupId": null, "securityGroupName": null, "registryHive": null, "registryKey": null,
             "registryValueType": null, "registryValue": null, "deviceId": null},
            {"entityType": "Ip", "ipAddress": "13.64.191.131"}
          ]
        }
      ]
    },
    {
      "incidentId": 924521,
      "redirectIncidentId": null,
      "incidentName": "'Mimikatz' hacktool was detected on one endpoint",
      "createdTime": "2020-09-06T12:18:03.6266667Z",
      "lastUpdateTime": "2020-09-06T12:18:03.6266667Z",
      "assignedTo": "Automation",
      "classification": "TruePositive",
      "determination": "SecurityTesting",
      "status": "Resolved",
      "severity": "Low",
      "tags": ["Pen testing"],
      "comments": [],
      "alerts": [
        {
          "alertId": "da637349914833441527_393341063",
          "incidentId": 924521,
          "serviceSource": "MicrosoftDefenderATP",
          "creationTime": "2020-09-06T12:18:03.3285366Z",
          "firstActivity": "2020-09-04T03:10:29.8903331Z",
          "lastActivity": "2020-09-04T03:10:29.8903331Z",
          "title": "'Mimikatz' hacktool was detected",
          "category": "CredentialAccess",
          "status": "Resolved",
          "severity": "Low",
          "classification": "TruePositive",
          "determination": "SecurityTesting",
          "detectionSource": "WindowsDefenderAv",
          "mitreTechniques": ["T1003"],
          "devices": [
            {"mdatpDeviceId": "f3caf2c0c5f5ac94b58fb2d4da1c18d1f1c3c1b9", "aadDeviceId": null, "deviceDnsName": "user-pc.contoso.com",
             "osPlatform": "Windows10", "version": "1709", "osProcessor": "x64", "osBuild": 16299, "healthStatus": "Active",
             "riskScore": "High", "rbacGroupName": "The-A-Team", "rbacGroupId": 75, "firstSeen": "2020-02-06T14:16:01.9330135Z"}
          ],
          "entities": [
            {"entityType": "File", "sha1": "5c8e5c6a4c8ce4b8ba4b31f5c9c7f3a2c6e9a7b1", "sha256": null, "fileName": "mimikatz.exe",
             "filePath": "C:\\Users\\user\\Desktop\\mimikatz_trunk\\x64", "processId": null, "deviceId": "f3caf2c0c5f5ac94b58fb2d4da1c18d1f1c3c1b9"}
          ]
        }
      ]
    }
  ]
}"#;

/// Shaped after the Graph "List incidents" response example (security-list-incidents), with `$expand=alerts`.
const GRAPH_SAMPLE: &str = r##"{
  "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#security/incidents",
  "@odata.count": 2,
  "@odata.nextLink": "https://graph.microsoft.com/v1.0/security/incidents?$expand=alerts&$top=50&$skip=50",
  "value": [
    {
      "@odata.type": "#microsoft.graph.security.incident",
      "id": "2972395",
      "incidentWebUrl": "https://security.microsoft.com/incidents/2972395?tid=12f988bf-16f1-11af-11ab-1d7cd011db47",
      "redirectIncidentId": null,
      "displayName": "Multi-stage incident involving Initial access & Command and control on multiple endpoints reported by multiple sources",
      "tenantId": "b3c1b5fc-828c-45fa-a1e1-10d74f6d6e9c",
      "createdDateTime": "2021-08-13T08:43:35.5533333Z",
      "lastUpdateDateTime": "2021-09-30T09:35:45.1133333Z",
      "assignedTo": "KaiC@contoso.onmicrosoft.com",
      "classification": "truePositive",
      "determination": "multiStagedAttack",
      "status": "active",
      "severity": "medium",
      "customTags": ["Demo"],
      "systemTags": ["Defender Experts"],
      "description": "Microsoft observed Raspberry Robin worm activity spreading through infected USB on multiple devices in your environment.",
      "comments": [
        {"comment": "Demo incident", "createdByDisplayName": "DavidS@contoso.onmicrosoft.com", "createdDateTime": "2021-09-30T12:07:37.2756993Z"}
      ],
      "alerts": [
        {
          "@odata.type": "#microsoft.graph.security.alert",
          "id": "da637551227677560813_-961444813",
          "providerAlertId": "da637551227677560813_-961444813",
          "incidentId": "2972395",
          "status": "new",
          "severity": "low",
          "classification": "unknown",
          "determination": "unknown",
          "serviceSource": "microsoftDefenderForEndpoint",
          "detectionSource": "antivirus",
          "detectorId": "e0da400f-affd-43ef-b1d5-afc2eb6f2756",
          "tenantId": "b3c1b5fc-828c-45fa-a1e1-10d74f6d6e9c",
          "title": "Suspicious execution of hidden file",
          "description": "A hidden file has been launched.",
          "category": "DefenseEvasion",
          "alertWebUrl": "https://security.microsoft.com/alerts/da637551227677560813_-961444813?tid=b3c1b5fc-828c-45fa-a1e1-10d74f6d6e9c",
          "incidentWebUrl": "https://security.microsoft.com/incidents/2972395?tid=b3c1b5fc-828c-45fa-a1e1-10d74f6d6e9c",
          "firstActivityDateTime": "2021-04-26T07:45:50.116Z",
          "lastActivityDateTime": "2021-05-02T07:56:58.222Z",
          "mitreTechniques": ["T1564.001"],
          "evidence": [
            {"@odata.type": "#microsoft.graph.security.deviceEvidence", "createdDateTime": "2021-04-27T12:19:27.7211305Z",
             "verdict": "unknown", "remediationStatus": "none", "firstSeenDateTime": "2020-09-12T07:28:32.4321753Z",
             "mdeDeviceId": "73e7e2de709dff64ef64b1d0c30e67fab63279db", "azureAdDeviceId": null, "deviceDnsName": "tempDns",
             "osPlatform": "Windows10", "osBuild": 22424, "version": "Other", "healthStatus": "active", "riskScore": "medium",
             "rbacGroupId": 75, "rbacGroupName": "UnassignedGroup", "onboardingStatus": "onboarded", "defenderAvStatus": "unknown",
             "loggedOnUsers": [], "roles": ["compromised"], "tags": ["Test Machine"], "vmMetadata": null},
            {"@odata.type": "#microsoft.graph.security.fileEvidence", "verdict": "unknown", "detectionStatus": "detected",
             "mdeDeviceId": "73e7e2de709dff64ef64b1d0c30e67fab63279db",
             "fileDetails": {"sha1": "5f1e8acedc065031aad553b710838eb366cfee9a", "sha256": "8963a19fb992ad9a76576c5638fd68292cffb9aaac29eb8285f9abf6196a7dec",
                             "fileName": "MsSense.exe", "filePath": "C:\\Program Files\\temp", "fileSize": 6136392, "filePublisher": "Microsoft Corporation"}},
            {"@odata.type": "#microsoft.graph.security.userEvidence", "verdict": "unknown", "roles": [],
             "userAccount": {"accountName": "AAR", "domainName": "DOMAIN", "userSid": "S-1-5-21-5555555555-5555555555-5555555555-555",
                             "azureAdUserId": null, "userPrincipalName": "AAR@DOMAIN.com"}},
            {"@odata.type": "#microsoft.graph.security.ipEvidence", "ipAddress": "1.2.3.4"}
          ]
        }
      ]
    },
    {
      "id": "2972396",
      "incidentWebUrl": "javascript:alert(1)",
      "displayName": "<img src=x onerror=alert(1)>",
      "createdDateTime": "2021-08-14T00:00:00Z",
      "lastUpdateDateTime": null,
      "status": "awaitingAction",
      "severity": "unknownFutureValue",
      "classification": "informationalExpectedActivity",
      "determination": "notEnoughDataToValidate",
      "customTags": null,
      "systemTags": "not-an-array",
      "alerts": null
    }
  ]
}"##;

#[test]
fn defender_sample() {
    let v = parse_defender_page(DEFENDER_SAMPLE).unwrap();
    assert_eq!(v.len(), 2);
    let a = &v[0];
    assert_eq!(a.id, "924565");
    assert_eq!(a.name, "Ransomware activity");
    assert_eq!(a.severity, Severity::Informational);
    assert_eq!(a.status, Status::Active);
    assert_eq!(a.classification, Classification::Unknown);
    assert_eq!(a.determination, Determination::NotAvailable);
    assert_eq!(a.assigned_to, None);
    assert_eq!(a.redirect_id, None);
    assert_eq!(a.created_ts, Some(1_599_401_382));
    assert_eq!(a.alert_count, 1);
    assert_eq!(a.comments[0].created_by.as_deref(), Some("DavidS@contoso.com"));
    let al = &a.alerts[0];
    assert_eq!(al.status, Status::Unknown("New".into()));
    assert_eq!(al.status.label(), "New");
    assert_eq!(al.detection_source.as_deref(), Some("MCAS"));
    assert_eq!(al.entities.len(), 2);
    assert_eq!(al.entities[0].user_principal_name.as_deref(), Some("temp123@microsoft.com"));
    assert_eq!(al.entities[0].summary(), "User: temp123@microsoft.com");
    assert_eq!(al.entities[1].summary(), "Ip: 13.64.191.131");
    let b = &v[1];
    assert_eq!(b.classification, Classification::TruePositive);
    assert_eq!(b.determination, Determination::SecurityTesting);
    assert_eq!(b.status, Status::Resolved);
    assert_eq!(b.tags, vec!["Pen testing"]);
    let d = &b.alerts[0].devices[0];
    assert_eq!(d.device_id.as_deref(), Some("f3caf2c0c5f5ac94b58fb2d4da1c18d1f1c3c1b9"));
    assert_eq!(d.risk_score.as_deref(), Some("High"));
    assert_eq!(b.alerts[0].mitre_techniques, vec!["T1003"]);
    assert_eq!(b.alerts[0].entities[0].file_path.as_deref(), Some("C:\\Users\\user\\Desktop\\mimikatz_trunk\\x64"));
}

#[test]
fn graph_sample() {
    let (v, next) = parse_graph_page(GRAPH_SAMPLE).unwrap();
    assert_eq!(
        next.as_deref(),
        Some("https://graph.microsoft.com/v1.0/security/incidents?$expand=alerts&$top=50&$skip=50")
    );
    assert_eq!(v.len(), 2);
    let a = &v[0];
    assert_eq!(a.id, "2972395");
    assert_eq!(a.severity, Severity::Medium);
    assert_eq!(a.status, Status::Active);
    assert_eq!(a.classification, Classification::TruePositive);
    assert_eq!(a.determination, Determination::MultiStagedAttack);
    assert_eq!(a.tags, vec!["Demo", "Defender Experts"]);
    assert_eq!(a.tenant_id.as_deref(), Some("b3c1b5fc-828c-45fa-a1e1-10d74f6d6e9c"));
    assert!(a.web_url.as_deref().unwrap().starts_with("https://security.microsoft.com/incidents/2972395"));
    assert_eq!(a.last_update_ts, Some(1_632_994_545));
    assert_eq!(a.comments[0].created_by.as_deref(), Some("DavidS@contoso.onmicrosoft.com"));
    let al = &a.alerts[0];
    assert_eq!(al.severity, Severity::Low);
    assert_eq!(al.first_activity.as_deref(), Some("2021-04-26T07:45:50.116Z"));
    assert_eq!(al.devices.len(), 1);
    assert_eq!(al.devices[0].device_dns_name.as_deref(), Some("tempDns"));
    assert_eq!(al.entities.len(), 3);
    assert_eq!(al.entities[0].entity_type.as_deref(), Some("File"));
    assert_eq!(al.entities[0].file_name.as_deref(), Some("MsSense.exe"));
    assert_eq!(al.entities[1].entity_type.as_deref(), Some("User"));
    assert_eq!(al.entities[1].user_principal_name.as_deref(), Some("AAR@DOMAIN.com"));
    assert_eq!(al.entities[2].ip_address.as_deref(), Some("1.2.3.4"));

    let b = &v[1];
    assert_eq!(b.web_url, None, "javascript: URL dropped");
    assert_eq!(b.name, "<img src=x onerror=alert(1)>", "HTML kept verbatim as text");
    assert_eq!(b.status, Status::AwaitingAction);
    assert_eq!(b.severity, Severity::Unknown("unknownFutureValue".into()));
    assert_eq!(b.severity.rank(), 0);
    assert_eq!(b.classification, Classification::InformationalExpectedActivity);
    assert_eq!(b.determination, Determination::InsufficientData);
    assert_eq!(b.last_update_ts, None);
    assert!(b.tags.is_empty() || b.tags == vec!["not-an-array"]);
    assert_eq!(b.alert_count, 0);
}

#[test]
fn nulls_wrong_types_and_skips() {
    let body = r#"{"value":[
        {"incidentId": "77", "incidentName": 42, "severity": 3, "status": null, "tags": [1, null, "x", {"a":1}],
         "createdTime": "not a date", "alerts": {"not":"array"}, "comments": [null, 5, {"comment": ["x"]}], "assignedTo": true},
        {"incidentName": "no id"},
        5, null, "str",
        {"incidentId": 78, "severity": "HIGH", "status": "inProgress", "classification": "Informational, expected activity",
         "determination": "Other", "extra": {"deep": [[[[1]]]]}}
    ]}"#;
    let v = parse_defender_page(body).unwrap();
    assert_eq!(v.len(), 2);
    assert_eq!(v[0].id, "77");
    assert_eq!(v[0].name, "42");
    assert_eq!(v[0].severity, Severity::Unspecified);
    assert_eq!(v[0].status, Status::Unknown(String::new()));
    assert_eq!(v[0].status.label(), "Unknown");
    assert_eq!(v[0].tags, vec!["1", "x"]);
    assert_eq!(v[0].created.as_deref(), Some("not a date"));
    assert_eq!(v[0].created_ts, None);
    assert_eq!(v[0].alerts.len(), 0);
    assert_eq!(v[0].comments.len(), 1);
    assert_eq!(v[0].comments[0].comment, None);
    assert_eq!(v[1].severity, Severity::High);
    assert_eq!(v[1].status, Status::InProgress);
    assert_eq!(v[1].classification, Classification::InformationalExpectedActivity);
    assert_eq!(v[1].determination, Determination::Other("Other".into()));
    assert_eq!(v[1].name, "Incident 78");
}

#[test]
fn unknown_enum_values_kept() {
    assert_eq!(Severity::parse(Some("Critical")), Severity::Unknown("Critical".into()));
    assert_eq!(Severity::parse(Some("UnSpecified")), Severity::Unspecified);
    assert_eq!(Status::parse(Some("Closed")).label(), "Closed");
    assert_eq!(Classification::parse(Some("benignPositive")), Classification::InformationalExpectedActivity);
    assert_eq!(Classification::parse(Some("Weird")), Classification::Other("Weird".into()));
    assert_eq!(Determination::parse(Some("compromisedAccount")), Determination::CompromisedUser);
    assert_eq!(Determination::parse(Some("ConfirmedUserActivity")), Determination::ConfirmedUserActivity);
    assert_eq!(Determination::parse(Some("newThing")).label(), "newThing");
    assert!(Severity::High.rank() > Severity::Medium.rank() && Severity::Low.rank() > Severity::Informational.rank());
}

#[test]
fn bad_bodies() {
    let msg = |r: Result<Vec<Incident>, ApiError>| match r {
        Err(ApiError::BadBody(m)) => m,
        other => panic!("{other:?}"),
    };
    assert!(msg(parse_defender_page("[]")).contains("not a JSON object"));
    assert!(msg(parse_defender_page("{}")).contains("value"));
    assert!(msg(parse_defender_page(r#"{"value": {}}"#)).contains("value"));
    assert!(msg(parse_defender_page("<html>")).contains("not valid JSON"));
    assert!(msg(parse_defender_page("")).contains("not valid JSON"));
    let deep = "[".repeat(100_000);
    assert!(parse_graph_page(&format!(r#"{{"value":{deep}"#)).is_err());
    let big = format!(r#"{{"value":[],"x":"{}"}}"#, "a".repeat(MAX_BODY_BYTES));
    assert_eq!(msg(parse_defender_page(&big)), "response too large");
    assert!(parse_graph_page(r#"{"value":[]}"#).unwrap().0.is_empty());
}

#[test]
fn long_text_is_capped() {
    let long = "é".repeat(MAX_TEXT_CHARS + 5);
    let body = format!(r#"{{"value":[{{"id":"1","displayName":"{long}"}}]}}"#);
    let (v, _) = parse_graph_page(&body).unwrap();
    assert_eq!(v[0].name.chars().count(), MAX_TEXT_CHARS + 1);
    assert!(v[0].name.ends_with('…'));
    assert_eq!(cap("abc", 3), "abc");
    assert_eq!(cap("abcd", 3), "abc…");
}

#[test]
fn newest_first() {
    let (mut v, _) = parse_graph_page(GRAPH_SAMPLE).unwrap();
    let mut d = parse_defender_page(DEFENDER_SAMPLE).unwrap();
    v.append(&mut d);
    sort_newest_first(&mut v);
    let ids: Vec<&str> = v.iter().map(|i| i.id.as_str()).collect();
    // 2972395 (2021-09-30), 924565 (2020-09-06 14:09), 924521 (12:18), then the one with no last update.
    assert_eq!(ids, vec!["2972395", "924565", "924521", "2972396"]);
}

/// Newest first by last update, then creation time, then id (the order `newest_first` pins down).
fn sort_newest_first(v: &mut [Incident]) {
    v.sort_by(|a, b| {
        b.last_update_ts
            .cmp(&a.last_update_ts)
            .then(b.created_ts.cmp(&a.created_ts))
            .then_with(|| b.id.len().cmp(&a.id.len()).then_with(|| b.id.cmp(&a.id)))
    });
}

/// Alert and entity fields shaped after the list-incidents example (api-list-incidents: the Process, File,
/// Registry, MailBox, MailCluster and SecurityGroup entities of its response) with short timestamp forms.
const DEFENDER_EVIDENCE: &str = r#"{"value": [{
  "incidentId": 1874, "incidentName": "Ransomware on WS-7", "createdTime": "2024-03-01T10:15:57.29Z",
  "lastUpdateTime": "2024-03-01T11:00:59Z", "status": "Resolved", "severity": "High",
  "determination": "NoEnoughDataToValidate", "classification": "FalsePositive", "someNewField": {"x": 1},
  "comments": [{"comment": "looked", "createdBy": "ada@contoso.com", "createTime": "2024-03-01T10:20:00Z"}],
  "alerts": [{
    "alertId": "da1", "title": "Shadow copies deleted", "description": "A process deleted shadow copies.",
    "creationTime": "2024-03-01T10:15:57.29Z", "resolvedTime": "2024-03-01T11:00:59Z",
    "firstActivity": "2024-03-01T10:10:00Z", "lastActivity": "2024-03-01T10:12:00.5Z",
    "threatFamilyName": "Mimikatz", "actorName": "STRONTIUM", "assignedTo": "Automation",
    "investigationState": "PendingApproval", "determination": "Malware", "classification": "TruePositive",
    "serviceSource": "MicrosoftDefenderForEndpoint", "detectionSource": "WindowsDefenderAtp",
    "mitreTechniques": ["T1490", "T1003.001"], "detectorId": "abc",
    "devices": [],
    "entities": [
      {"entityType": "Process", "processId": 4242, "processCommandLine": "vssadmin delete shadows /all /quiet",
       "fileName": "vssadmin.exe", "filePath": "C:\\Windows\\System32", "sha256": "2b2c", "parentProcessId": 1, "userSid": null},
      {"entityType": "Registry", "registryHive": "HKEY_LOCAL_MACHINE", "registryKey": "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run",
       "registryValueType": "String", "registryValue": "C:\\Users\\Public\\evil.exe"},
      {"entityType": "MailCluster", "clusterBy": "Subject;SenderIp", "mailboxAddress": null},
      {"entityType": "MailMessage", "sender": "billing@fabrikam.example", "recipient": "ada@contoso.com",
       "subject": "Invoice overdue", "deliveryAction": "Delivered"},
      {"entityType": "SecurityGroup", "securityGroupName": "Domain Admins", "securityGroupId": "S-1-5-21-1-512",
       "futureField": "kept"}
    ]
  }]
}]}"#;

#[test]
fn defender_alert_fields_and_entities_are_read() {
    let v = parse_defender_page(DEFENDER_EVIDENCE).unwrap();
    let i = &v[0];
    assert_eq!(i.created_ts, Some(1_709_288_157), "short fraction `:57.29Z`");
    assert_eq!(i.last_update_ts, Some(1_709_290_859), "no fraction `:59Z`");
    assert_eq!(i.determination, Determination::InsufficientData, "Defender's NoEnoughDataToValidate");
    assert_eq!(i.comments[0].created_time.as_deref(), Some("2024-03-01T10:20:00Z"), "createTime");
    assert_eq!(i.raw.as_deref(), Some(r#"{"someNewField":{"x":1}}"#), "unknown incident fields stay visible");
    let a = &i.alerts[0];
    assert_eq!(a.description.as_deref(), Some("A process deleted shadow copies."));
    assert_eq!(a.resolved.as_deref(), Some("2024-03-01T11:00:59Z"));
    assert_eq!(a.created.as_deref(), Some("2024-03-01T10:15:57.29Z"));
    assert_eq!(a.threat_family.as_deref(), Some("Mimikatz"));
    assert_eq!(a.actor.as_deref(), Some("STRONTIUM"));
    assert_eq!(a.assigned_to.as_deref(), Some("Automation"));
    assert_eq!(a.investigation_state.as_deref(), Some("PendingApproval"));
    assert_eq!(
        (a.classification.clone(), a.determination.clone()),
        (Classification::TruePositive, Determination::Malware)
    );
    assert_eq!(a.mitre_techniques, ["T1490", "T1003.001"]);
    assert_eq!(a.raw.as_deref(), Some(r#"{"detectorId":"abc"}"#));
    let fact = |e: usize, label: &str| {
        a.entities[e].facts.iter().find(|f| f.label == label).map(|f| (f.value.clone(), f.kind))
    };
    assert_eq!(fact(0, "Command line"), Some(("vssadmin delete shadows /all /quiet".into(), FactKind::Code)));
    assert_eq!(fact(0, "SHA-256"), Some(("2b2c".into(), FactKind::Hash)));
    assert_eq!(fact(0, "Process id"), Some(("4242".into(), FactKind::Text)));
    assert_eq!(fact(1, "Registry value"), Some(("C:\\Users\\Public\\evil.exe".into(), FactKind::Code)));
    assert_eq!(fact(1, "Registry hive"), Some(("HKEY_LOCAL_MACHINE".into(), FactKind::Text)));
    assert_eq!(fact(2, "Clustered by"), Some(("Subject;SenderIp".into(), FactKind::Text)));
    assert_eq!(fact(3, "Delivery action"), Some(("Delivered".into(), FactKind::Label)));
    assert_eq!(fact(3, "Sender"), Some(("billing@fabrikam.example".into(), FactKind::Text)));
    assert_eq!(fact(4, "Security group"), Some(("Domain Admins".into(), FactKind::Text)));
    assert_eq!(a.entities[4].type_names().0, "Security group");
    assert_eq!(a.entities[4].summary(), "SecurityGroup: Domain Admins", "searchable by the group's name");
    assert_eq!(a.entities[4].raw.as_deref(), Some(r#"{"futureField":"kept"}"#));
    assert_eq!(a.entities[0].raw, None, "nulls are not leftovers");
}

/// Evidence subtypes shaped after Graph's resource pages (processEvidence, analyzedMessageEvidence,
/// registryValueEvidence, securityGroupEvidence, cloudApplicationEvidence, mailClusterEvidence).
const GRAPH_EVIDENCE: &str = r##"{"value": [{
  "id": "77", "displayName": "Phish", "createdDateTime": "2024-03-01T10:15:57.29Z", "status": "resolved",
  "summary": "Defender Experts summary", "resolvingComment": "Blocked sender", "lastModifiedBy": "KaiC@contoso.com",
  "customTags": ["Demo"], "systemTags": ["Defender Experts"], "tags": ["Demo", "VIP"],
  "determination": "notEnoughDataToValidate",
  "comments": [{"comment": "c", "createdByDisplayName": "Kai", "createdDateTime": "2024-03-01T10:16:00Z"}],
  "alerts": [{
    "id": "a1", "title": "Phish delivered", "description": "A phishing mail was delivered.",
    "actorDisplayName": "Storm-0000", "threatFamilyName": "Qakbot", "threatDisplayName": "Qakbot loader",
    "recommendedActions": "Purge the message.", "resolvedDateTime": "2024-03-01T12:00:00Z",
    "createdDateTime": "2024-03-01T10:15:57.29Z", "firstActivityDateTime": "2024-03-01T10:00:00Z",
    "comments": [{"comment": "alert note", "createdByDisplayName": "Ada", "createdDateTime": "2024-03-01T10:30:00Z"}],
    "evidence": [
      {"@odata.type": "#microsoft.graph.security.processEvidence", "processId": 4780,
       "processCommandLine": "powershell.exe -EncodedCommand SQBFAFgA", "verdict": "malicious",
       "imageFile": {"fileName": "powershell.exe", "filePath": "C:\\Windows\\System32\\WindowsPowerShell\\v1.0", "sha256": "de96"}},
      {"@odata.type": "#microsoft.graph.security.analyzedMessageEvidence", "subject": "Invoice",
       "p1Sender": {"emailAddress": "billing@fabrikam.example", "displayName": "Billing"},
       "recipientEmailAddress": "ada@contoso.com", "deliveryAction": "delivered", "deliveryLocation": "inbox",
       "threats": ["Phish", "Malware"]},
      {"@odata.type": "#microsoft.graph.security.registryValueEvidence", "registryHive": "HKEY_CURRENT_USER",
       "registryKey": "Software\\Run", "registryValueName": "updater", "registryValue": "C:\\evil.exe", "registryValueType": "String"},
      {"@odata.type": "#microsoft.graph.security.securityGroupEvidence", "displayName": "Domain Admins", "securityGroupId": "g1"},
      {"@odata.type": "#microsoft.graph.security.cloudApplicationEvidence", "displayName": "Dropbox", "appId": 11161, "instanceName": "Dropbox"},
      {"@odata.type": "#microsoft.graph.security.mailClusterEvidence", "clusterBy": "Subject", "clusterByValue": "Invoice", "emailCount": 12}
    ]
  }]
}]}"##;

#[test]
fn graph_alert_fields_and_evidence_are_read() {
    let (v, _) = parse_graph_page(GRAPH_EVIDENCE).unwrap();
    let i = &v[0];
    assert_eq!(i.summary.as_deref(), Some("Defender Experts summary"));
    assert_eq!(i.resolving_comment.as_deref(), Some("Blocked sender"));
    assert_eq!(i.last_modified_by.as_deref(), Some("KaiC@contoso.com"));
    assert_eq!(i.tags, ["Demo", "Defender Experts", "VIP"], "customTags, systemTags and tags, each once");
    assert_eq!(i.determination, Determination::InsufficientData);
    assert_eq!(i.created_ts, Some(1_709_288_157));
    assert_eq!(i.comments[0].created_by.as_deref(), Some("Kai"));
    let a = &i.alerts[0];
    assert_eq!(a.actor.as_deref(), Some("Storm-0000"));
    assert_eq!(a.threat_name.as_deref(), Some("Qakbot loader"));
    assert_eq!(a.recommended_actions.as_deref(), Some("Purge the message."));
    assert_eq!(a.resolved.as_deref(), Some("2024-03-01T12:00:00Z"));
    assert_eq!(a.comments[0].comment.as_deref(), Some("alert note"));
    let names: Vec<String> = a.entities.iter().map(|e| e.type_names().0).collect();
    assert_eq!(
        names,
        ["Process", "Mail message", "Registry value", "Security group", "Cloud application", "Mail cluster"]
    );
    let fact = |e: usize, label: &str| a.entities[e].facts.iter().find(|f| f.label == label).map(|f| f.value.clone());
    assert_eq!(fact(0, "Image file").as_deref(), Some("powershell.exe"));
    assert_eq!(fact(0, "Command line").as_deref(), Some("powershell.exe -EncodedCommand SQBFAFgA"));
    assert_eq!(fact(1, "Sender").as_deref(), Some("billing@fabrikam.example"));
    assert_eq!(fact(1, "Threats").as_deref(), Some("Phish, Malware"));
    assert_eq!(fact(2, "Value name").as_deref(), Some("updater"));
    assert_eq!(fact(3, "Name").as_deref(), Some("Domain Admins"));
    assert_eq!(fact(4, "App id").as_deref(), Some("11161"));
    assert_eq!(fact(5, "Clustered by").as_deref(), Some("Subject"));
    assert_eq!(fact(5, "E-mails").as_deref(), Some("12"));
    assert_eq!(a.entities[3].summary(), "SecurityGroup: Domain Admins");
}

#[test]
fn every_documented_determination_spelling_parses() {
    for (raw, want) in [
        ("NoEnoughDataToValidate", Determination::InsufficientData),
        ("notEnoughDataToValidate", Determination::InsufficientData),
        ("InsufficientData", Determination::InsufficientData),
        ("compromisedAccount", Determination::CompromisedUser),
        ("confirmedActivity", Determination::ConfirmedUserActivity),
        ("notMalicious", Determination::NotMalicious),
        ("unknown", Determination::NotAvailable),
        ("other", Determination::Other("Other".into())),
    ] {
        assert_eq!(Determination::parse(Some(raw)), want, "{raw}");
    }
}

#[test]
fn one_incident_by_id() {
    let one = r#"{"@odata.context": "x", "incidentId": 1874, "incidentName": "n", "alerts": [{"alertId": "a", "title": "t"}]}"#;
    let i = parse_one_incident(Source::Defender, one).unwrap();
    assert_eq!((i.id.as_str(), i.alerts.len()), ("1874", 1));
    let g = r#"{"id": "77", "displayName": "g", "alerts": []}"#;
    assert_eq!(parse_one_incident(Source::Graph, g).unwrap().name, "g");
    assert!(parse_one_incident(Source::Graph, r#"{"displayName": "no id"}"#).is_err());
    assert!(parse_one_incident(Source::Defender, "[]").is_err());
}

/// Issue 21.7: the device facts the APIs return (antivirus, device group, OS version, health) were read into
/// nothing, not even "raw".
#[test]
fn defender_device_facts_are_read() {
    let body = r#"{"value": [{"incidentId": 7, "alerts": [{"alertId": "da1", "devices": [{
        "mdatpDeviceId": "30a8fa2826abf24d24379b23f8a44d471f00feab", "aadDeviceId": null,
        "deviceDnsName": "ws-17.contoso.com", "osPlatform": "Windows10", "version": "1709", "osProcessor": "x64",
        "osBuild": 16299, "healthStatus": "ImpairedCommunication", "riskScore": "High", "rbacGroupName": "Gold",
        "rbacGroupId": 4, "firstSeen": "2020-02-06T14:16:01.9330135Z", "defenderAvStatus": "NotUpdated",
        "onboardingStatus": "Onboarded", "loggedOnUsers": [{"accountName": "ada", "domainName": "CORP"}],
        "futureField": "kept"}]}]}]}"#;
    let inc = parse_defender_page(body).unwrap().remove(0);
    let d = &inc.alerts[0].devices[0];
    let fact = |label: &str| d.facts.iter().find(|f| f.label == label).map(|f| (f.value.as_str(), f.kind));
    assert_eq!(fact("OS"), Some(("Windows10", FactKind::Label)));
    assert_eq!(fact("OS version"), Some(("1709", FactKind::Text)));
    assert_eq!(fact("OS build"), Some(("16299", FactKind::Text)));
    assert_eq!(fact("Health"), Some(("ImpairedCommunication", FactKind::Label)));
    assert_eq!(fact("Defender Antivirus"), Some(("NotUpdated", FactKind::Label)));
    assert_eq!(fact("Device group"), Some(("Gold", FactKind::Text)));
    assert_eq!(fact("Risk"), Some(("High", FactKind::Label)));
    assert_eq!(fact("Onboarding"), Some(("Onboarded", FactKind::Label)));
    assert_eq!(fact("Logged-on users"), Some(("ada", FactKind::Text)));
    assert_eq!(fact("Device id"), Some(("30a8fa2826abf24d24379b23f8a44d471f00feab", FactKind::Code)));
    assert_eq!(d.name(), Some("ws-17.contoso.com"));
    assert_eq!(d.raw.as_deref(), Some(r#"{"futureField":"kept"}"#), "an undocumented field stays in raw");
}

#[test]
fn graph_device_and_parent_process_facts_are_read() {
    let body = r##"{"value": [{"id": "g1", "alerts": [{"id": "a1", "serviceSource": "microsoftDefenderForEndpoint",
        "evidence": [
        {"@odata.type": "#microsoft.graph.security.deviceEvidence", "mdeDeviceId": "abc", "deviceDnsName": "ws-17",
         "osPlatform": "Windows11", "version": "23H2", "osBuild": 22631, "healthStatus": "impairedCommunication",
         "defenderAvStatus": "notUpdated", "rbacGroupName": "Finance", "rbacGroupId": 4, "riskScore": "high",
         "onboardingStatus": "onboarded", "vmMetadata": {"cloudProvider": "azure", "vmId": "vm-1"},
         "createdDateTime": "2024-01-01T00:00:00Z", "verdict": "suspicious"},
        {"@odata.type": "#microsoft.graph.security.processEvidence", "processId": 4242,
         "parentProcessId": 4000, "parentProcessCreationDateTime": "2024-01-01T00:00:00Z",
         "parentProcessImageFile": {"fileName": "explorer.exe", "filePath": "C:\\Windows"},
         "imageFile": {"fileName": "powershell.exe", "sha256": "ab12"}}]}]}]}"##;
    let (mut incs, _) = parse_graph_page(body).unwrap();
    let a = &incs.remove(0).alerts[0];
    let d = &a.devices[0];
    let fact = |facts: &[Fact], label: &str| facts.iter().find(|f| f.label == label).map(|f| f.value.clone());
    assert_eq!(fact(&d.facts, "Health").as_deref(), Some("impairedCommunication"));
    assert_eq!(fact(&d.facts, "Defender Antivirus").as_deref(), Some("notUpdated"));
    assert_eq!(fact(&d.facts, "OS version").as_deref(), Some("23H2"));
    assert_eq!(fact(&d.facts, "Device group").as_deref(), Some("Finance"));
    assert_eq!(fact(&d.facts, "Cloud").as_deref(), Some("azure"));
    assert_eq!(d.raw.as_deref(), Some(r#"{"createdDateTime":"2024-01-01T00:00:00Z"}"#));
    let p = &a.entities[0].facts;
    let labels: Vec<&str> = p.iter().map(|f| f.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "Process id",
            "Image file",
            "SHA-256",
            "Parent process",
            "Parent image path",
            "Parent process id",
            "Parent process started"
        ]
    );
    assert_eq!(fact(p, "Parent process").as_deref(), Some("explorer.exe"));
}
