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
