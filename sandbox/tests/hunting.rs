//! Graph `POST /v1.0/security/runHuntingQuery` over real HTTP: shape, errors, permission, quota faults.

mod common;

use common::*;
use reqwest::header::{ACCESS_CONTROL_ALLOW_ORIGIN, RETRY_AFTER};
use reqwest::Method;
use serde_json::{json, Value};

const PATH: &str = "/v1.0/security/runHuntingQuery";

async fn hunt(s: &Sandbox, token: &str, body: Value) -> (u16, Value, reqwest::header::HeaderMap) {
    let r = s.write(Method::POST, &s.h.origins.graph.clone(), PATH, token, &body.to_string()).await;
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    (status, r.json().await.unwrap_or(Value::Null), headers)
}

async fn hunter(s: &Sandbox) -> String {
    s.mint("analyst", "aud=graph&scp=SecurityIncident.Read.All%20ThreatHunting.Read.All").await
}

#[tokio::test]
async fn results_carry_the_schema_and_rows() {
    let s = start(|_| {}).await;
    let t = hunter(&s).await;
    let q = "DeviceProcessEvents | where Timestamp > ago(30d) | project Timestamp, DeviceName, FileName, ProcessId | order by Timestamp desc | take 3";
    let r = s.write(Method::POST, &s.h.origins.graph.clone(), PATH, &t, &json!({"Query": q}).to_string()).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()[ACCESS_CONTROL_ALLOW_ORIGIN], s.h.origins.app.as_str());
    let v: Value = r.json().await.unwrap();
    assert_eq!(
        v["@odata.context"],
        "https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.security.huntingQueryResults"
    );
    assert_eq!(
        v["schema"],
        json!([
            {"name": "Timestamp", "type": "DateTime"},
            {"name": "DeviceName", "type": "String"},
            {"name": "FileName", "type": "String"},
            {"name": "ProcessId", "type": "Int64"}
        ])
    );
    let rows = v["results"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    assert!(rows[0]["Timestamp"].as_str().unwrap() >= rows[1]["Timestamp"].as_str().unwrap());
    assert!(rows[0]["DeviceName"].as_str().unwrap().ends_with(".corp.sandbox.onbehalf.test"));
    assert!(rows[0]["ProcessId"].is_i64());
    // Every documented table answers, with Timestamp first.
    for table in [
        "DeviceProcessEvents",
        "DeviceNetworkEvents",
        "DeviceLogonEvents",
        "DeviceFileEvents",
        "IdentityLogonEvents",
        "EmailEvents",
        "AlertInfo",
        "AlertEvidence",
    ] {
        let (status, v, _) = hunt(&s, &t, json!({"Query": format!("{table} | take 1"), "Timespan": "P30D"})).await;
        assert_eq!(status, 200, "{table}: {v}");
        assert_eq!(v["schema"][0]["name"], "Timestamp", "{table}");
        assert_eq!(v["results"].as_array().unwrap().len(), 1, "{table}");
    }
}

#[tokio::test]
async fn a_query_outside_the_subset_is_a_bad_request_that_names_the_place() {
    let s = start(|_| {}).await;
    let t = hunter(&s).await;
    let (status, v, _) = hunt(&s, &t, json!({"Query": "DeviceProcessEvents\n| where FileName == \n| take 5"})).await;
    assert_eq!(status, 400);
    assert_eq!(v["error"]["code"], "BadRequest");
    assert_eq!(v["error"]["message"], "Syntax error at line 3, column 1: unexpected '|'; expected an expression");
    assert!(v["error"]["innerError"]["request-id"].is_string());
    let (status, v, _) = hunt(&s, &t, json!({"Query": "DeviceProcessEvents | where Nope == 1"})).await;
    assert_eq!(status, 400);
    assert_eq!(
        v["error"]["message"],
        "Semantic error at line 1, column 29: 'where' operator: Failed to resolve scalar expression named 'Nope'"
    );
    let (status, v, _) = hunt(&s, &t, json!({"Timespan": "P1D"})).await;
    assert_eq!((status, v["error"]["message"].as_str()), (400, Some("The 'Query' parameter is required.")));
    let (status, _, _) = hunt(&s, &t, json!({"Query": "AlertInfo", "Timespan": "soon"})).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn without_the_hunting_scope_the_answer_is_403() {
    let s = start(|_| {}).await;
    let t = s.mint("analyst", "aud=graph&scp=SecurityIncident.Read.All").await;
    let (status, v, _) = hunt(&s, &t, json!({"Query": "AlertInfo | take 1"})).await;
    assert_eq!(status, 403);
    assert_eq!(v["error"]["code"], "Forbidden");
    assert!(v["error"]["message"].as_str().unwrap().contains("ThreatHunting.Read.All"));
}

#[tokio::test]
async fn quota_faults_say_which_limit_and_when_it_resets() {
    let s = start(|_| {}).await;
    let t = hunter(&s).await;
    s.control(Method::POST, "faults", Some(json!({"hunting_quota": 1, "hunting_cpu": 1}))).await;
    let (status, v, h) = hunt(&s, &t, json!({"Query": "AlertInfo | take 1"})).await;
    assert_eq!(status, 429);
    assert_eq!(v["error"]["code"], "TooManyRequests");
    let m = v["error"]["message"].as_str().unwrap();
    assert!(m.starts_with("You have exceeded processing resources allocated to this tenant."), "{m}");
    let secs: u64 = h[RETRY_AFTER].to_str().unwrap().parse().unwrap();
    assert!((1..=900).contains(&secs));
    let (status, v, h) = hunt(&s, &t, json!({"Query": "AlertInfo | take 1"})).await;
    assert_eq!(status, 429);
    let m = v["error"]["message"].as_str().unwrap();
    assert!(m.starts_with("Advanced hunting call quota exceeded: this tenant may run 45 queries a minute"), "{m}");
    assert!(m.contains("(in 60 seconds)"), "{m}");
    assert_eq!(h[RETRY_AFTER], "60");
    let (status, _, _) = hunt(&s, &t, json!({"Query": "AlertInfo | take 1"})).await;
    assert_eq!(status, 200, "the faults were used up");
    s.control(Method::POST, "faults", Some(json!({"hunting_timeout": 1, "hunting_result_size": 1}))).await;
    let (status, v, _) = hunt(&s, &t, json!({"Query": "AlertInfo"})).await;
    assert_eq!((status, v["error"]["message"].as_str()), (504, Some("Query exceeded the timeout period.")));
    let (status, v, _) = hunt(&s, &t, json!({"Query": "AlertInfo"})).await;
    assert_eq!(status, 400);
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("Query execution has exceeded the allowed result size."));
}

#[tokio::test]
async fn the_tenant_call_quota_is_45_a_minute() {
    let s = start(|o| o.rate_per_minute = 1000).await;
    let t = hunter(&s).await;
    for _ in 0..45 {
        let (status, _, _) = hunt(&s, &t, json!({"Query": "AlertInfo | count"})).await;
        assert_eq!(status, 200);
    }
    let (status, v, h) = hunt(&s, &t, json!({"Query": "AlertInfo | count"})).await;
    assert_eq!(status, 429);
    assert!(v["error"]["message"].as_str().unwrap().contains("45 queries a minute"));
    assert!(h.get(RETRY_AFTER).is_some());
}

#[tokio::test]
async fn the_tables_know_the_incidents_alerts_devices_and_preflight_passes() {
    let s = start(|_| {}).await;
    let t = hunter(&s).await;
    let d = s.mint("analyst", "").await;
    let page: Value = s.defender("/api/incidents", &d).await.json().await.unwrap();
    let now_ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64;
    let recent = |c: &str| onbehalf_sandbox::clock::parse_iso(c).is_some_and(|t| t > now_ms - 29 * 86_400_000);
    let alert = page["value"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|i| i["alerts"].as_array().cloned().unwrap_or_default())
        .find(|a| {
            a["creationTime"].as_str().is_some_and(recent) && a["devices"].as_array().is_some_and(|d| !d.is_empty())
        })
        .expect("a recent alert on a device");
    let q = format!("AlertInfo | where AlertId == \"{}\" | project Title", alert["alertId"].as_str().unwrap());
    let (status, v, _) = hunt(&s, &t, json!({"Query": q})).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["results"], json!([{"Title": alert["title"]}]));
    let device = &alert["devices"][0];
    let q = format!(
        "DeviceLogonEvents | where DeviceId == \"{}\" | summarize count() by DeviceName",
        device["mdatpDeviceId"].as_str().unwrap()
    );
    let (_, v, _) = hunt(&s, &t, json!({"Query": q})).await;
    assert_eq!(v["results"][0]["DeviceName"], device["deviceDnsName"]);
    assert!(v["results"][0]["count_"].as_i64().unwrap() >= 1);
    // The browser's preflight for the POST.
    let r =
        s.c.request(Method::OPTIONS, format!("{}{PATH}", s.h.origins.graph))
            .header("origin", &s.h.origins.app)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "authorization, content-type")
            .send()
            .await
            .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(r.headers()[ACCESS_CONTROL_ALLOW_ORIGIN], s.h.origins.app.as_str());
}
