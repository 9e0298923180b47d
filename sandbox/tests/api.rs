//! Defender and Graph incident APIs over real HTTP: auth, OData, paging, limits, faults.

mod common;

use common::*;
use reqwest::header::{ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS, CONTENT_TYPE, RETRY_AFTER};
use reqwest::Method;
use serde_json::{json, Value};

#[allow(clippy::unwrap_used)] // test helper: a bad body fails the calling test
async fn ids(r: reqwest::Response) -> Vec<Value> {
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    v["value"].as_array().unwrap().iter().map(|i| i["incidentId"].clone()).collect()
}

#[tokio::test]
async fn defender_list_shape_cors_and_auth() {
    let s = start(|_| {}).await;
    let t = s.mint("analyst", "").await;
    let r = s.defender("/api/incidents", &t).await;
    assert_eq!(r.status(), 200);
    // Whether Defender allows cross-origin calls is undocumented: by default its origin sends no CORS headers.
    assert!(r.headers().get(ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["@odata.context"], "https://api.security.microsoft.com/api/$metadata#Incidents");
    let list = v["value"].as_array().unwrap();
    assert_eq!(list.len(), 100);
    let times: Vec<&str> = list.iter().map(|i| i["lastUpdateTime"].as_str().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");
    let first = &list[0];
    for k in [
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
    ] {
        assert!(first.get(k).is_some(), "missing {k}");
    }
    let alert = &first["alerts"][0];
    for k in [
        "alertId",
        "serviceSource",
        "creationTime",
        "title",
        "category",
        "status",
        "severity",
        "investigationState",
        "mitreTechniques",
        "devices",
        "entities",
    ] {
        assert!(alert.get(k).is_some(), "missing alert.{k}");
    }

    // Preflight: answered without any Access-Control-* header (no CORS by default; `tests/strict.rs` has the relay
    // and --defender-direct).
    let pre =
        s.c.request(Method::OPTIONS, format!("{}/api/incidents", s.h.origins.defender))
            .header("origin", "http://localhost:7")
            .header("access-control-request-method", "GET")
            .header("access-control-request-headers", "authorization")
            .send()
            .await
            .unwrap();
    assert!(!pre.headers().keys().any(|k| k.as_str().starts_with("access-control-")), "{:?}", pre.headers());

    // 401: missing, garbage, wrong audience, expired; 403: no Incident.Read.
    let r = s.c.get(format!("{}/api/incidents", s.h.origins.defender)).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"]["code"], "Unauthorized");
    assert!(e["error"]["target"].is_string());
    assert_eq!(s.defender("/api/incidents", "abc.def.ghi").await.status(), 401);
    let graph_token = s.mint("analyst", "aud=graph").await;
    assert_eq!(s.defender("/api/incidents", &graph_token).await.status(), 401);
    let expired = s.mint("analyst", "lifetime=-5").await;
    assert_eq!(s.defender("/api/incidents", &expired).await.status(), 401);
    let no_scope = s.mint("analyst", "scp=User.Read").await;
    let r = s.defender("/api/incidents", &no_scope).await;
    assert_eq!(r.status(), 403);
    assert_eq!(r.json::<Value>().await.unwrap()["error"]["code"], "Forbidden");
    let rw = s.mint("analyst", "scp=Incident.ReadWrite").await;
    assert_eq!(s.defender("/api/incidents", &rw).await.status(), 200);
    // Get by id.
    let id = first["incidentId"].as_u64().unwrap();
    let r = s.defender(&format!("/api/incidents/{id}"), &t).await;
    assert_eq!(r.json::<Value>().await.unwrap()["incidentId"], id);
    assert_eq!(s.defender("/api/incidents/1", &t).await.status(), 404);
}

#[tokio::test]
async fn token_expiry_and_key_rotation_give_401() {
    let s = start(|o| o.token_lifetime = 1).await;
    let t = s.mint("analyst", "").await;
    assert_eq!(s.defender("/api/incidents?$top=1", &t).await.status(), 200);
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let r = s.defender("/api/incidents?$top=1", &t).await;
    assert_eq!(r.status(), 401);
    let t = s.mint("analyst", "lifetime=600").await;
    let old_kid: Value = s.get_json(format!("{}/{TENANT}/discovery/v2.0/keys", s.h.origins.idp)).await;
    let r = s.control(Method::POST, "rotate-keys", None).await;
    let new_kid: Value = r.json().await.unwrap();
    assert_ne!(old_kid["keys"][0]["kid"], new_kid["kid"]);
    assert_eq!(s.defender("/api/incidents?$top=1", &t).await.status(), 401);
    let t = s.mint("analyst", "lifetime=600").await;
    assert_eq!(s.defender("/api/incidents?$top=1", &t).await.status(), 200);
}

#[tokio::test]
async fn defender_odata_operators_and_errors() {
    let s = start(|o| o.rate_per_minute = 1000).await;
    let t = s.mint("analyst", "").await;
    let all: Vec<Value> = {
        let mut out = Vec::new();
        for skip in [0, 100, 200] {
            let r = s.defender(&format!("/api/incidents?$skip={skip}"), &t).await;
            let v: Value = r.json().await.unwrap();
            out.extend(v["value"].as_array().unwrap().iter().cloned());
        }
        out
    };
    assert_eq!(all.len(), 300);
    let pivot = all[150]["lastUpdateTime"].as_str().unwrap().to_string();
    let pivot_dt = pivot.split('.').next().unwrap().to_string() + "Z";
    let count = |pred: &dyn Fn(&Value) -> bool| all.iter().filter(|i| pred(i)).count();
    let ms = |v: &Value| onbehalf_sandbox::clock::parse_iso(v.as_str().unwrap()).unwrap();
    let p = onbehalf_sandbox::clock::parse_iso(&pivot_dt).unwrap();
    let ada = "ada.analyst@sandbox.onbehalf.test";
    let cases: Vec<(String, usize)> = vec![
        ("status eq 'Active'".into(), count(&|i| i["status"] == "Active")),
        ("status ne 'Active'".into(), count(&|i| i["status"] != "Active")),
        (format!("assignedTo eq '{ada}'"), count(&|i| i["assignedTo"] == ada)),
        ("assignedTo eq null".into(), count(&|i| i["assignedTo"].is_null())),
        (format!("lastUpdateTime ge {pivot_dt}"), count(&|i| ms(&i["lastUpdateTime"]) >= p)),
        (format!("lastUpdateTime gt {pivot_dt}"), count(&|i| ms(&i["lastUpdateTime"]) > p)),
        (format!("lastUpdateTime lt {pivot_dt}"), count(&|i| ms(&i["lastUpdateTime"]) < p)),
        (format!("createdTime le {pivot_dt}"), count(&|i| ms(&i["createdTime"]) <= p)),
        (
            "status eq 'Active' or status eq 'InProgress'".into(),
            count(&|i| i["status"] == "Active" || i["status"] == "InProgress"),
        ),
        (
            format!("(status eq 'Active' or status eq 'Resolved') and assignedTo eq '{ada}'"),
            count(&|i| (i["status"] == "Active" || i["status"] == "Resolved") && i["assignedTo"] == ada),
        ),
    ];
    for (filter, expected) in cases {
        let mut got = 0;
        let mut skip = 0;
        loop {
            let q = serde_urlencoded::to_string([("$filter", filter.as_str()), ("$skip", &skip.to_string())]).unwrap();
            let page = ids(s.defender(&format!("/api/incidents?{q}"), &t).await).await;
            got += page.len();
            if page.len() < 100 {
                break;
            }
            skip += 100;
        }
        assert!(expected > 0 || filter.contains("null"), "test data should exercise {filter}");
        assert_eq!(got, expected, "{filter}");
    }
    for bad in [
        "severity eq 'High'",
        "status has 'Active'",
        "status eq Active",
        "lastUpdateTime ge '2024-01-01'",
        "contains(incidentName,'x')",
        "status eq 'Active' and",
    ] {
        let q = serde_urlencoded::to_string([("$filter", bad)]).unwrap();
        let r = s.defender(&format!("/api/incidents?{q}"), &t).await;
        assert_eq!(r.status(), 400, "{bad}");
        let e: Value = r.json().await.unwrap();
        assert_eq!(e["error"]["code"], "ODataError");
        assert!(e["error"]["message"].as_str().unwrap().starts_with("Invalid OData URI query"));
    }
    for bad in ["$top=101", "$top=x", "$skip=-1", "$orderby=lastUpdateTime"] {
        assert_eq!(s.defender(&format!("/api/incidents?{bad}"), &t).await.status(), 400, "{bad}");
    }
    // Paging slices the same order.
    let page = ids(s.defender("/api/incidents?$top=10&$skip=20", &t).await).await;
    let expected: Vec<Value> = all[20..30].iter().map(|i| i["incidentId"].clone()).collect();
    assert_eq!(page, expected);
    assert_eq!(ids(s.defender("/api/incidents?$top=0", &t).await).await.len(), 0);
}

#[tokio::test]
async fn rate_limit_429_wait_in_the_body_on_defender_in_retry_after_on_graph() {
    let s = start(|o| o.rate_per_minute = 3).await;
    let t = s.mint("reader", "").await;
    for _ in 0..3 {
        assert_eq!(s.defender("/api/incidents?$top=1", &t).await.status(), 200);
    }
    let r = s.defender("/api/incidents?$top=1", &t).await;
    assert_eq!(r.status(), 429);
    // Defender: "the response body indicates the time when you can begin making new calls"; no header promised.
    assert!(r.headers().get(RETRY_AFTER).is_none());
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"]["code"], "TooManyRequests");
    let m = e["error"]["message"].as_str().unwrap();
    let secs: u64 = m
        .strip_prefix("API calls quota exceeded! Maximum allowed 3 per 00:01:00. You can send requests again in ")
        .and_then(|rest| rest.strip_suffix(" seconds."))
        .unwrap_or_else(|| panic!("{m}"))
        .parse()
        .unwrap();
    assert!((1..=60).contains(&secs));
    // Graph keeps its documented Retry-After.
    let g = s.mint("reader", "aud=graph").await;
    for _ in 0..3 {
        assert_eq!(s.graph("/v1.0/security/incidents?$top=1", &g).await.status(), 200);
    }
    let r = s.graph("/v1.0/security/incidents?$top=1", &g).await;
    assert_eq!(r.status(), 429);
    let secs: u64 = r.headers()[RETRY_AFTER].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&secs));
    assert!(r.headers()[ACCESS_CONTROL_EXPOSE_HEADERS].to_str().unwrap().contains("Retry-After"));
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"]["message"], format!("Rate limit is exceeded. Try again in {secs} seconds."));
    // Per user: another user is unaffected.
    let other = s.mint("admin", "").await;
    assert_eq!(s.defender("/api/incidents?$top=1", &other).await.status(), 200);
    // Reset clears the counters.
    s.control(Method::POST, "reset", None).await;
    assert_eq!(s.defender("/api/incidents?$top=1", &t).await.status(), 200);
}

#[tokio::test]
async fn graph_incidents_paging_filter_and_errors() {
    let s = start(|o| o.rate_per_minute = 1000).await;
    let t = s.mint("analyst", "aud=graph").await;
    let r = s.graph("/v1.0/security/incidents?$count=true&$top=40&$expand=alerts", &t).await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["@odata.count"], 300);
    let first = &v["value"][0];
    assert!(first["id"].is_string());
    assert_eq!(
        first["incidentWebUrl"],
        format!("https://security.microsoft.com/incidents/{}?tid={TENANT}", first["id"].as_str().unwrap())
    );
    for k in [
        "displayName",
        "createdDateTime",
        "lastUpdateDateTime",
        "customTags",
        "systemTags",
        "comments",
        "severity",
        "status",
        "classification",
        "determination",
        "alerts",
    ] {
        assert!(first.get(k).is_some(), "missing {k}");
    }
    assert!(first["alerts"][0]["evidence"].is_array());
    // Follow nextLink to the end.
    let mut seen = v["value"].as_array().unwrap().len();
    let mut next = v["@odata.nextLink"].as_str().map(str::to_string);
    while let Some(url) = next {
        assert!(url.starts_with(&s.h.origins.graph) && url.contains("$skip="), "{url}");
        let r = s.c.get(&url).header("authorization", format!("Bearer {t}")).send().await.unwrap();
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["@odata.count"], 300, "query options carried over");
        seen += v["value"].as_array().unwrap().len();
        next = v["@odata.nextLink"].as_str().map(str::to_string);
    }
    assert_eq!(seen, 300);
    // Same incidents as Defender.
    let d = s.mint("analyst", "").await;
    let dv: Value = s.defender("/api/incidents?$top=1", &d).await.json().await.unwrap();
    assert_eq!(dv["value"][0]["incidentId"].to_string(), first["id"].as_str().unwrap());
    // camelCase filter.
    let q = serde_urlencoded::to_string([("$filter", "severity eq 'high' and status ne 'resolved'"), ("$top", "50")])
        .unwrap();
    let v: Value = s.graph(&format!("/v1.0/security/incidents?{q}"), &t).await.json().await.unwrap();
    assert!(v["value"].as_array().unwrap().iter().all(|i| i["severity"] == "high" && i["status"] != "resolved"));
    assert!(!v["value"].as_array().unwrap().is_empty());
    // Errors.
    let r = s.graph("/v1.0/security/incidents?$top=51", &t).await;
    assert_eq!(r.status(), 400);
    let e: Value = r.json().await.unwrap();
    assert!(e["error"]["message"].as_str().unwrap().contains("The limit of '50' for Top query has been exceeded"));
    assert!(e["error"]["innerError"]["request-id"].is_string());
    assert_eq!(s.graph("/v1.0/security/incidents?$filter=foo%20eq%20'x'", &t).await.status(), 400);
    let wrong = s.mint("analyst", "aud=graph&scp=User.Read").await;
    let r = s.graph("/v1.0/security/incidents", &wrong).await;
    assert_eq!(r.status(), 403);
    assert_eq!(r.json::<Value>().await.unwrap()["error"]["code"], "Forbidden");
    let r = s.graph("/v1.0/security/incidents", &d).await;
    assert_eq!(r.status(), 401);
    assert_eq!(r.json::<Value>().await.unwrap()["error"]["code"], "InvalidAuthenticationToken");
}

#[tokio::test]
async fn faults_and_request_log() {
    let s = start(|_| {}).await;
    let t = s.mint("analyst", "").await;
    s.control(Method::DELETE, "requests", None).await;
    let f: Value = s
        .control(Method::POST, "faults", Some(json!({"force_429": 2, "retry_after": "garbage"})))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(f["force_429"], 2);
    for _ in 0..2 {
        let r = s.defender("/api/incidents?$top=1", &t).await;
        assert_eq!(r.status(), 429);
        // Defender's wait is in the body only, the fault's value verbatim.
        assert!(r.headers().get(RETRY_AFTER).is_none());
        let e: Value = r.json().await.unwrap();
        assert!(e["error"]["message"].as_str().unwrap().ends_with("You can send requests again in garbage seconds."));
    }
    assert_eq!(s.defender("/api/incidents?$top=1", &t).await.status(), 200);

    s.control(Method::POST, "faults", Some(json!({"malformed_json": true, "wrong_content_type": true}))).await;
    let r = s.defender("/api/incidents?$top=1", &t).await;
    assert!(r.headers()[CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));
    assert!(serde_json::from_str::<Value>(&r.text().await.unwrap()).is_err());
    s.control(
        Method::POST,
        "faults",
        Some(json!({"malformed_json": false, "wrong_content_type": false, "truncate_body": true})),
    )
    .await;
    let r = s.defender("/api/incidents?$top=3", &t).await;
    assert!(serde_json::from_str::<Value>(&r.text().await.unwrap()).is_err());
    s.control(Method::POST, "faults", Some(json!({"truncate_body": false, "error_rate": 1.0}))).await;
    let st = s.defender("/api/incidents?$top=1", &t).await.status().as_u16();
    assert!(st == 500 || st == 503);
    let r = s.control(Method::POST, "faults", Some(json!({"error_rate": 7}))).await;
    assert_eq!(r.status(), 400);
    let r = s.control(Method::POST, "faults", Some(json!({"no_such_fault": 1}))).await;
    assert_eq!(r.status(), 400);
    s.control(Method::DELETE, "faults", None).await;

    let log: Value = s.control(Method::GET, "requests", None).await.json().await.unwrap();
    let log = log.as_array().unwrap();
    assert!(log.iter().all(|e| e["service"] == "defender"), "control calls are not logged");
    assert_eq!(log[0]["path"], "/api/incidents");
    assert_eq!(log[0]["query"], "$top=1");
    assert_eq!(log[0]["status"], 429);
    assert_eq!(log[0]["origin"], s.h.origins.app.as_str());
    assert!(!log.iter().any(|e| e["path"].as_str().unwrap().ends_with("/token")));
}

#[tokio::test]
async fn control_edits_incidents() {
    let s = start(|_| {}).await;
    let t = s.mint("analyst", "").await;
    let v: Value = s.defender("/api/incidents", &t).await.json().await.unwrap();
    let last = v["value"][99]["incidentId"].as_u64().unwrap();
    let r = s
        .control(
            Method::PATCH,
            &format!("incidents/{last}"),
            Some(json!({"status": "Resolved", "assignedTo": null, "severity": "High"})),
        )
        .await;
    assert_eq!(r.status(), 200);
    let v: Value = s.defender("/api/incidents?$top=1", &t).await.json().await.unwrap();
    let top = &v["value"][0];
    assert_eq!(top["incidentId"], last, "bumped to newest");
    assert_eq!(top["status"], "Resolved");
    assert!(top["assignedTo"].is_null());
    assert_eq!(s.control(Method::PATCH, &format!("incidents/{last}"), Some(json!({"alerts": []}))).await.status(), 400);
    assert_eq!(s.control(Method::PATCH, "incidents/1", Some(json!({"status": "Active"}))).await.status(), 404);
    let created: Value = s
        .control(Method::POST, "incidents", Some(json!({"incidentName": "Fresh one", "severity": "Low"})))
        .await
        .json()
        .await
        .unwrap();
    let v: Value = s.defender("/api/incidents?$top=1", &t).await.json().await.unwrap();
    assert_eq!(v["value"][0]["incidentId"], created["incidentId"]);
    assert_eq!(v["value"][0]["incidentName"], "Fresh one");
}

#[tokio::test]
async fn hostile_data_is_served() {
    let s = start(|o| {
        o.hostile = true;
        o.incidents = 20;
    })
    .await;
    let t = s.mint("analyst", "").await;
    let text = s.defender("/api/incidents", &t).await.text().await.unwrap();
    assert!(text.contains("<img src=x onerror=alert(1)>"));
    assert!(text.contains("javascript:alert(1)"));
    assert!(text.contains("\"Catastrophic\""));
    assert!(text.len() > 200_000, "huge strings present");
    let v: Value = serde_json::from_str(&text).expect("still valid JSON");
    assert_eq!(v["value"].as_array().unwrap().len(), 28);
    let g = s.mint("analyst", "aud=graph").await;
    let r = s.graph("/v1.0/security/incidents?$expand=alerts", &g).await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert!(v["value"].as_array().unwrap().iter().any(|i| i["severity"] == "catastrophic"));
}
