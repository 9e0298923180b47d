//! Acting on incidents: Defender `PATCH /api/incidents/{id}`, Graph `PATCH /v1.0/security/incidents/{id}` and
//! `POST …/comments`, their validation, the users' roles, and consenting to the write permission later.

mod common;

use common::*;
use reqwest::Method;
use serde_json::{json, Value};

const DEFENDER_WRITE: &str = "https://api.security.microsoft.com/Incident.ReadWrite";

#[allow(clippy::unwrap_used)] // test helper: a bad body fails the calling test
async fn body(r: reqwest::Response, status: u16) -> Value {
    assert_eq!(r.status(), status);
    r.json().await.unwrap()
}

/// The id and lastUpdateTime of the oldest incident on the first page (so an update visibly moves it).
#[allow(clippy::unwrap_used)] // test helper: a bad page fails the calling test
async fn oldest(s: &Sandbox, token: &str) -> (String, String) {
    let v = body(s.defender("/api/incidents?$top=100", token).await, 200).await;
    let last = v["value"].as_array().unwrap().last().unwrap().clone();
    (last["incidentId"].to_string(), last["lastUpdateTime"].as_str().unwrap().to_string())
}

async fn defender_patch(s: &Sandbox, id: &str, token: &str, b: &str) -> reqwest::Response {
    s.write(Method::PATCH, &s.h.origins.defender, &format!("/api/incidents/{id}"), token, b).await
}

async fn graph_patch(s: &Sandbox, id: &str, token: &str, b: &str) -> reqwest::Response {
    s.write(Method::PATCH, &s.h.origins.graph, &format!("/v1.0/security/incidents/{id}"), token, b).await
}

async fn graph_comment(s: &Sandbox, id: &str, token: &str, b: &str) -> reqwest::Response {
    s.write(Method::POST, &s.h.origins.graph, &format!("/v1.0/security/incidents/{id}/comments"), token, b).await
}

#[tokio::test]
async fn defender_update_persists_and_a_delta_refresh_sees_it() {
    let s = start(|_| {}).await;
    let t = s.mint("analyst", "scp=Incident.ReadWrite").await;
    let (id, before) = oldest(&s, &t).await;
    let change = json!({
        "status": "Resolved", "assignedTo": "secop2@contoso.com", "classification": "TruePositive",
        "determination": "Malware", "tags": ["Yossi's playground"], "comment": "pen testing"
    });
    let v = body(defender_patch(&s, &id, &t, &change.to_string()).await, 200).await;
    assert_eq!(v["@odata.context"], "https://api.security.microsoft.com/api/$metadata#Incidents/$entity");
    assert_eq!(v["incidentId"].to_string(), id);
    for k in ["status", "assignedTo", "classification", "determination", "tags"] {
        assert_eq!(v[k], change[k], "{k}");
    }
    let last = v["comments"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["comment"], "pen testing");
    assert_eq!(last["createdBy"], "ada.analyst@sandbox.onbehalf.test");
    assert_eq!(last["createdTime"], v["lastUpdateTime"]);
    let after = v["lastUpdateTime"].as_str().unwrap().to_string();
    assert!(after > before, "{after} > {before}");

    // By default the resource page's determination names (tests/strict.rs has the update page's, by flag).
    let v = body(defender_patch(&s, &id, &t, r#"{"determination":"CompromisedUser"}"#).await, 200).await;
    assert_eq!(v["determination"], "CompromisedUser");

    // A refresh (by id, and a delta list on lastUpdateTime) shows the change.
    let one = body(s.defender(&format!("/api/incidents/{id}"), &t).await, 200).await;
    assert_eq!(one["status"], "Resolved");
    assert_eq!(one["tags"], json!(["Yossi's playground"]));
    let delta = body(s.defender(&format!("/api/incidents?$filter=lastUpdateTime+gt+{before}"), &t).await, 200).await;
    assert_eq!(delta["value"][0]["incidentId"].to_string(), id, "newest first");
    // Graph serves the same incident with the change, in its spelling.
    let g = s.mint("analyst", "aud=graph").await;
    let gv = body(s.graph(&format!("/v1.0/security/incidents/{id}"), &g).await, 200).await;
    assert_eq!((gv["status"].as_str(), gv["determination"].as_str()), (Some("resolved"), Some("compromisedAccount")));
    assert_eq!(gv["customTags"], json!(["Yossi's playground"]));
    let gc = gv["comments"].as_array().unwrap().iter().find(|c| c["comment"] == "pen testing").unwrap().clone();
    assert_eq!(gc["createdByDisplayName"], "ada.analyst@sandbox.onbehalf.test");
}

#[tokio::test]
async fn defender_refusals() {
    let s = start(|_| {}).await;
    let t = s.mint("admin", "scp=Incident.ReadWrite").await;
    let (id, _) = oldest(&s, &t).await;
    for (b, needle) in [
        (r#"{"status":"Exploding"}"#, "Invalid value 'Exploding' for property 'status'."),
        (
            r#"{"classification":"FalsePositive","determination":"Malware"}"#,
            "'Malware' is not valid with the classification 'FalsePositive'",
        ),
        (
            r#"{"determination":"Apt","classification":"TruePositive"}"#,
            "Invalid value 'Apt' for property 'determination'.",
        ),
        (r#"{"customTags":["x"]}"#, "'customTags' does not exist"),
        (r#"{"tags":"x"}"#, "'tags' must be an array"),
        (r#"{"assignedTo":7}"#, "'assignedTo' must be a string"),
        ("not json", "not valid JSON"),
    ] {
        let v = body(defender_patch(&s, &id, &t, b).await, 400).await;
        assert_eq!(v["error"]["code"], "InvalidRequestBody", "{b}");
        assert!(v["error"]["message"].as_str().unwrap().contains(needle), "{b}: {v}");
    }
    let v = body(defender_patch(&s, "999999999", &t, r#"{"status":"Active"}"#).await, 404).await;
    assert_eq!(v["error"]["code"], "ResourceNotFound");

    // The token lacks the write permission: 403 naming the permission.
    let read = s.mint("admin", "scp=Incident.Read").await;
    let v = body(defender_patch(&s, &id, &read, r#"{"status":"Active"}"#).await, 403).await;
    assert_eq!(v["error"]["code"], "Forbidden");
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("Missing permissions on the request. API requires one of 'Incident.ReadWrite'."));
    // The token has it but the user's role is read-only: 403 about the user's privileges.
    let reed = s.mint("reader", "scp=Incident.ReadWrite").await;
    let v = body(defender_patch(&s, &id, &reed, r#"{"status":"Active"}"#).await, 403).await;
    assert_eq!(v["error"]["code"], "Forbidden");
    assert!(v["error"]["message"].as_str().unwrap().starts_with("Insufficient privileges"), "{v}");
    // Reading stays allowed for Reed.
    assert_eq!(s.defender(&format!("/api/incidents/{id}"), &reed).await.status(), 200);
}

#[tokio::test]
async fn graph_update_get_by_id_and_comments() {
    let s = start(|_| {}).await;
    let d = s.mint("analyst", "").await;
    let (id, _) = oldest(&s, &d).await;
    let t = s.mint("analyst", "aud=graph&scp=SecurityIncident.ReadWrite.All").await;
    let before = body(s.graph(&format!("/v1.0/security/incidents/{id}"), &t).await, 200).await;
    // camelCase, as the enum types spell it (the page's own example sends PascalCase: see sandbox/README.md).
    let change = r#"{"classification":"truePositive","determination":"multiStagedAttack","customTags":["Demo"],
        "status":"inProgress","assignedTo":null}"#;
    let v = body(graph_patch(&s, &id, &t, change).await, 200).await;
    assert_eq!(v["@odata.context"], "https://graph.microsoft.com/v1.0/$metadata#security/incidents/$entity");
    assert_eq!(v["id"], id.as_str());
    assert_eq!(
        (v["classification"].as_str(), v["determination"].as_str()),
        (Some("truePositive"), Some("multiStagedAttack"))
    );
    assert_eq!((v["status"].as_str(), v["assignedTo"].clone()), (Some("inProgress"), Value::Null));
    assert_eq!(v["customTags"], json!(["Demo"]));
    assert!(v["lastUpdateDateTime"].as_str().unwrap() > before["lastUpdateDateTime"].as_str().unwrap());

    // Get by id, with and without alerts.
    let one = body(s.graph(&format!("/v1.0/security/incidents/{id}?$expand=alerts"), &t).await, 200).await;
    assert!(!one["alerts"].as_array().unwrap().is_empty());
    let plain = body(s.graph(&format!("/v1.0/security/incidents/{id}"), &t).await, 200).await;
    assert!(plain.get("alerts").is_none());

    // Create comment: 200 with every comment of the incident, the new one last.
    let n = plain["comments"].as_array().unwrap().len();
    let c = body(
        graph_comment(
            &s,
            &id,
            &t,
            r#"{"@odata.type":"microsoft.graph.security.alertComment","comment":"Demo for docs"}"#,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        c["@odata.context"],
        format!("https://graph.microsoft.com/v1.0/$metadata#security/incidents('{id}')/comments")
    );
    let all = c["value"].as_array().unwrap();
    assert_eq!(all.len(), n + 1);
    let last = all.last().unwrap();
    assert_eq!(last["comment"], "Demo for docs");
    assert_eq!(last["createdByDisplayName"], "ada.analyst@sandbox.onbehalf.test");
    assert!(last["createdDateTime"].as_str().unwrap().ends_with('Z'));
    // The list shows it after a refresh.
    let list = body(s.graph("/v1.0/security/incidents?$top=1", &t).await, 200).await;
    assert_eq!(list["value"][0]["id"], id.as_str());
    assert_eq!(list["value"][0]["comments"].as_array().unwrap().len(), n + 1);
}

#[tokio::test]
async fn graph_refusals() {
    let s = start(|_| {}).await;
    let d = s.mint("analyst", "").await;
    let (id, _) = oldest(&s, &d).await;
    let t = s.mint("admin", "aud=graph&scp=SecurityIncident.ReadWrite.All").await;
    for (b, needle) in [
        (r#"{"status":"unknownFutureValue"}"#, "Invalid value 'unknownFutureValue' for property 'status'."),
        (
            r#"{"classification":"informationalExpectedActivity","determination":"malware"}"#,
            "'malware' is not valid with the classification 'informationalExpectedActivity'",
        ),
        (r#"{"tags":["x"]}"#, "'tags' does not exist"),
        (r#"{"customTags":[1]}"#, "must be a string"),
        (r#"{"severity":"high"}"#, "'severity' does not exist"),
    ] {
        let v = body(graph_patch(&s, &id, &t, b).await, 400).await;
        assert_eq!(v["error"]["code"], "BadRequest", "{b}");
        assert!(v["error"]["message"].as_str().unwrap().contains(needle), "{b}: {v}");
        assert!(v["error"]["innerError"]["request-id"].is_string());
    }
    for b in
        [r#"{"comment":""}"#, r#"{"comment":"x","createdByDisplayName":"me"}"#, r#"{"@odata.type":"x","comment":"y"}"#]
    {
        let v = body(graph_comment(&s, &id, &t, b).await, 400).await;
        assert_eq!(v["error"]["code"], "BadRequest", "{b}");
    }
    let v = body(graph_patch(&s, "nope", &t, r#"{"status":"active"}"#).await, 404).await;
    assert_eq!(v["error"]["code"], "NotFound");
    assert_eq!(graph_comment(&s, "999999999", &t, r#"{"comment":"x"}"#).await.status(), 404);

    let read = s.mint("admin", "aud=graph&scp=SecurityIncident.Read.All").await;
    let v = body(graph_patch(&s, &id, &read, r#"{"status":"active"}"#).await, 403).await;
    assert!(v["error"]["message"].as_str().unwrap().contains("'SecurityIncident.ReadWrite.All'"));
    assert_eq!(graph_comment(&s, &id, &read, r#"{"comment":"x"}"#).await.status(), 403);
    let reed = s.mint("reader", "aud=graph&scp=SecurityIncident.ReadWrite.All").await;
    for r in [
        graph_patch(&s, &id, &reed, r#"{"status":"active"}"#).await,
        graph_comment(&s, &id, &reed, r#"{"comment":"x"}"#).await,
    ] {
        let v = body(r, 403).await;
        assert!(v["error"]["message"].as_str().unwrap().starts_with("Insufficient privileges"), "{v}");
    }
}

/// Incremental consent: adding the write permission later asks only about it, and the token carries both.
#[tokio::test]
async fn consent_to_the_added_write_scope() {
    let mut s = start(|_| {}).await;
    let first = s.sign_in("analyst", &format!("openid offline_access {DEFENDER_READ}")).await;
    assert_eq!(claims(first["access_token"].as_str().unwrap())["scp"], "Incident.Read");

    let (v, c) = pkce();
    let both = format!("openid offline_access {DEFENDER_READ} {DEFENDER_WRITE}");
    let page = s.get_idp(&s.authorize_url(&both, &c, &[])).await.text().await.unwrap();
    assert_eq!(page.matches("data-testid=\"consent-scope\"").count(), 1, "only the new permission: {page}");
    assert!(page.contains(&format!("value=\"{DEFENDER_WRITE}\" checked")));
    assert!(page.contains("Read and write incidents"));
    let r = s.consent(&page, true, &[DEFENDER_WRITE]).await;
    let (_, token, _) = s.redeem(&location_params(&r).1["code"], &v).await;
    let at = token["access_token"].as_str().unwrap().to_string();
    assert_eq!(claims(&at)["scp"], "Incident.Read Incident.ReadWrite");
    let (id, _) = oldest(&s, &at).await;
    assert_eq!(defender_patch(&s, &id, &at, r#"{"status":"InProgress"}"#).await.status(), 200);

    // Asking for the write permission alone now goes straight through, with the union in scp.
    let (v2, c2) = pkce();
    let r = s.get_idp(&s.authorize_url(&format!("openid {DEFENDER_WRITE}"), &c2, &[])).await;
    assert_eq!(r.status(), 302, "nothing new to consent to");
    let (_, token, _) = s.redeem(&location_params(&r).1["code"], &v2).await;
    assert_eq!(claims(token["access_token"].as_str().unwrap())["scp"], "Incident.Read Incident.ReadWrite");
}
