//! The strict sandbox (issue 23): Defender without CORS and the app origin's `/defender-api/` relay, one set of
//! Defender determination names by flag, only documented properties and spellings, claims challenges only for
//! clients that declared `cp1`.

mod common;

use common::*;
use onbehalf_sandbox::directory::CLIENT_ID;
use onbehalf_sandbox::DeterminationNames;
use reqwest::header::{ACCESS_CONTROL_ALLOW_ORIGIN, WWW_AUTHENTICATE};
use reqwest::Method;
use serde_json::{json, Value};

const CP1: &str = r#"{"access_token":{"xms_cc":{"values":["cp1"]}}}"#;

/// The newest incident's id.
#[allow(clippy::unwrap_used)] // test helper: a bad page fails the calling test
async fn some_incident(s: &Sandbox, token: &str) -> String {
    let v: Value = s.defender("/api/incidents?$top=1", token).await.json().await.unwrap();
    v["value"][0]["incidentId"].to_string()
}

#[allow(clippy::unwrap_used)] // test helper: a failed request fails the calling test
async fn relay(
    s: &Sandbox,
    method: Method,
    path: &str,
    token: &str,
    site: Option<&str>,
    body: &str,
) -> reqwest::Response {
    let mut r =
        s.c.request(method, format!("{}/defender-api{path}", s.h.origins.app))
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "application/json")
            .header("origin", &s.h.origins.app)
            .header("cookie", "session=secret");
    if let Some(site) = site {
        r = r.header("sec-fetch-site", site);
    }
    r.body(body.to_string()).send().await.unwrap()
}

#[tokio::test]
async fn defender_sends_no_cors_unless_direct() {
    let s = start(|_| {}).await;
    let t = s.mint("analyst", "").await;
    let r = s.defender("/api/incidents?$top=1", &t).await;
    assert_eq!(r.status(), 200);
    assert!(r.headers().get(ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
    let pre =
        s.c.request(Method::OPTIONS, format!("{}/api/incidents/1", s.h.origins.defender))
            .header("origin", &s.h.origins.app)
            .header("access-control-request-method", "PATCH")
            .header("access-control-request-headers", "authorization, content-type")
            .send()
            .await
            .unwrap();
    assert!(!pre.headers().keys().any(|k| k.as_str().starts_with("access-control-")), "{:?}", pre.headers());
    // Graph keeps CORS (Microsoft documents browser apps calling it).
    let g = s.mint("analyst", "aud=graph").await;
    assert_eq!(
        s.graph("/v1.0/security/incidents?$top=1", &g).await.headers()[ACCESS_CONTROL_ALLOW_ORIGIN],
        s.h.origins.app.as_str()
    );
    drop(s);

    let s = start(|o| o.defender_direct = true).await;
    let t = s.mint("analyst", "").await;
    let r = s.defender("/api/incidents?$top=1", &t).await;
    assert_eq!(r.headers()[ACCESS_CONTROL_ALLOW_ORIGIN], s.h.origins.app.as_str());
    let pre =
        s.c.request(Method::OPTIONS, format!("{}/api/incidents/1", s.h.origins.defender))
            .header("origin", &s.h.origins.app)
            .header("access-control-request-method", "PATCH")
            .send()
            .await
            .unwrap();
    assert!(pre.headers()["access-control-allow-methods"].to_str().unwrap().contains("PATCH"));
    let cfg = s.get_json(format!("{}/config.json", s.h.origins.app)).await;
    assert_eq!(cfg["api_base"], s.h.origins.defender.as_str(), "--defender-direct points the app at Defender");
}

#[tokio::test]
async fn the_app_origin_relays_defender_as_the_deploy_recipes_do() {
    let s = start(|_| {}).await;
    let app = s.h.origins.app.clone();
    let cfg = s.get_json(format!("{app}/config.json")).await;
    assert_eq!(cfg["api_base"], format!("{app}/defender-api"));
    let t = s.mint("analyst", "scp=Incident.ReadWrite").await;
    let id = some_incident(&s, &t).await;
    s.control(Method::DELETE, "requests", None).await;

    let r = relay(&s, Method::GET, "/api/incidents?$top=2", &t, Some("same-origin"), "").await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-security-policy"], "default-src 'none'; sandbox");
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert!(r.headers().get("set-cookie").is_none() && r.headers().get(ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["value"].as_array().unwrap().len(), 2);
    let r = relay(
        &s,
        Method::PATCH,
        &format!("/api/incidents/{id}"),
        &t,
        Some("same-origin"),
        r#"{"status":"InProgress"}"#,
    )
    .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "InProgress");

    // Only the page's own calls, only reads and incident updates.
    for site in [None, Some("cross-site"), Some("same-site"), Some("none")] {
        assert_eq!(relay(&s, Method::GET, "/api/incidents", &t, site, "").await.status(), 403, "{site:?}");
    }
    for path in ["/api/alerts/1", "/api/incidents", "/api/incidents/1/x", "/api/incidents/x1"] {
        let r = relay(&s, Method::PATCH, path, &t, Some("same-origin"), r#"{"status":"Active"}"#).await;
        assert_eq!(r.status(), 403, "PATCH {path}");
    }
    assert_eq!(relay(&s, Method::POST, "/api/incidents", &t, Some("same-origin"), "{}").await.status(), 403);

    // The log shows the relayed calls as the API's own, with the API path, and no Origin went on.
    let log: Value = s.control(Method::GET, "requests", None).await.json().await.unwrap();
    let api: Vec<&Value> = log.as_array().unwrap().iter().filter(|e| e["service"] == "defender").collect();
    assert_eq!(api.len(), 2, "only the two allowed calls reached the API: {api:?}");
    assert_eq!(
        (api[0]["method"].as_str(), api[0]["path"].as_str(), api[0]["query"].as_str()),
        (Some("GET"), Some("/api/incidents"), Some("$top=2"))
    );
    assert_eq!(
        (api[1]["method"].as_str(), api[1]["path"].as_str()),
        (Some("PATCH"), Some(format!("/api/incidents/{id}").as_str()))
    );
    assert!(api.iter().all(|e| e["origin"].is_null() && e["status"] == 200));
}

#[tokio::test]
async fn defender_takes_one_set_of_determination_names_by_flag() {
    for (names, accepted, refused) in [
        (DeterminationNames::Resource, "ConfirmedUserActivity", "ConfirmedActivity"),
        (DeterminationNames::Update, "ConfirmedActivity", "ConfirmedUserActivity"),
    ] {
        let s = start(|o| o.determinations = names).await;
        let t = s.mint("analyst", "scp=Incident.ReadWrite").await;
        let id = some_incident(&s, &t).await;
        let patch =
            |d: &str| json!({"classification": "InformationalExpectedActivity", "determination": d}).to_string();
        let r =
            s.write(Method::PATCH, &s.h.origins.defender, &format!("/api/incidents/{id}"), &t, &patch(refused)).await;
        assert_eq!(r.status(), 400, "{names:?}");
        let e: Value = r.json().await.unwrap();
        assert_eq!(e["error"]["code"], "InvalidRequestBody");
        assert_eq!(e["error"]["message"], format!("Invalid value '{refused}' for property 'determination'."));
        let r =
            s.write(Method::PATCH, &s.h.origins.defender, &format!("/api/incidents/{id}"), &t, &patch(accepted)).await;
        assert_eq!(r.status(), 200, "{names:?}");
        // Reads always spell it as the resource page does.
        assert_eq!(r.json::<Value>().await.unwrap()["determination"], "ConfirmedUserActivity");
        let one: Value = s.defender(&format!("/api/incidents/{id}"), &t).await.json().await.unwrap();
        assert_eq!(one["determination"], "ConfirmedUserActivity");
    }
}

#[tokio::test]
async fn only_documented_properties_and_parameter_names() {
    let s = start(|_| {}).await;
    let d = s.mint("analyst", "scp=Incident.ReadWrite").await;
    let id = some_incident(&s, &d).await;
    let r = s
        .write(Method::PATCH, &s.h.origins.defender, &format!("/api/incidents/{id}"), &d, r#"{"assignedTo":null}"#)
        .await;
    assert_eq!(r.status(), 400, "clearing assignedTo is not documented for Defender");
    let g = s.mint("analyst", "aud=graph&scp=SecurityIncident.ReadWrite.All%20ThreatHunting.Read.All").await;
    for b in [r#"{"resolvingComment":"x"}"#, r#"{"summary":"x"}"#, r#"{"status":"Resolved"}"#] {
        let r = s.write(Method::PATCH, &s.h.origins.graph, &format!("/v1.0/security/incidents/{id}"), &g, b).await;
        assert_eq!(r.status(), 400, "{b}");
        assert_eq!(r.json::<Value>().await.unwrap()["error"]["code"], "BadRequest");
    }
    let r = s
        .write(
            Method::PATCH,
            &s.h.origins.graph,
            &format!("/v1.0/security/incidents/{id}"),
            &g,
            r#"{"assignedTo":null}"#,
        )
        .await;
    assert_eq!(r.status(), 200, "Graph documents null as no owner");
    for (b, status) in [
        (json!({"query": "AlertInfo | take 1"}), 400),
        (json!({"Query": "AlertInfo | take 1", "timespan": "P1D"}), 400),
        (json!({"Query": "AlertInfo | take 1", "Timespan": "P1D"}), 200),
    ] {
        let r = s.write(Method::POST, &s.h.origins.graph, "/v1.0/security/runHuntingQuery", &g, &b.to_string()).await;
        assert_eq!(r.status(), status, "{b}");
    }
}

/// A code from an authorize request (the user signed in and consented before) carrying `claims` when given.
async fn code_with(s: &Sandbox, scope: &str, claims: Option<&str>) -> (String, String) {
    let (verifier, challenge) = pkce();
    let mut extra = vec![("prompt", "none".to_string())];
    if let Some(c) = claims {
        extra.push(("claims", c.to_string()));
    }
    let r = s.get_idp(&s.authorize_url(scope, &challenge, &extra)).await;
    assert_eq!(r.status(), 302);
    let (_, p) = location_params(&r);
    (p["code"].clone(), verifier)
}

#[tokio::test]
async fn claims_challenges_only_for_clients_that_declared_cp1() {
    let mut s = start(|_| {}).await;
    let scope = format!("openid offline_access {DEFENDER_READ}");
    let first = s.sign_in("analyst", &scope).await;
    let plain = first["access_token"].as_str().unwrap().to_string();
    assert!(claims(&plain).get("xms_cc").is_none(), "no capability declared, none in the token");

    // Declared on the authorize request (merged with a challenge's own claims): the token says cp1.
    let merged = r#"{"access_token":{"nbf":{"essential":true,"value":"1"},"xms_cc":{"values":["cp1"]}}}"#;
    let (code, verifier) = code_with(&s, &scope, Some(merged)).await;
    let (status, body, _) = s.redeem(&code, &verifier).await;
    assert_eq!(status, 200, "{body}");
    let capable = body["access_token"].as_str().unwrap().to_string();
    assert_eq!(claims(&capable)["xms_cc"], json!(["cp1"]));
    // Declared on the token request only.
    let (code, verifier) = code_with(&s, &scope, None).await;
    let ru = redirect_uri(&s);
    let form = [
        ("client_id", CLIENT_ID),
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", ru.as_str()),
        ("code_verifier", verifier.as_str()),
        ("claims", CP1),
    ];
    let (status, body, _) = s.token(&form, Some(&s.h.origins.app.clone())).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(claims(body["access_token"].as_str().unwrap())["xms_cc"], json!(["cp1"]));
    // A refresh carries it only when that request declares it.
    let rt = body["refresh_token"].as_str().unwrap().to_string();
    let refresh = |rt: String, with: bool| {
        let s = &s;
        async move {
            let mut form = vec![
                ("client_id", CLIENT_ID),
                ("grant_type", "refresh_token"),
                ("refresh_token", rt.as_str()),
                ("scope", DEFENDER_READ),
            ];
            if with {
                form.push(("claims", CP1));
            }
            let (status, body, _) = s.token(&form, Some(&s.h.origins.app.clone())).await;
            assert_eq!(status, 200, "{body}");
            body
        }
    };
    let b = refresh(rt, false).await;
    assert!(claims(b["access_token"].as_str().unwrap()).get("xms_cc").is_none());
    let b = refresh(b["refresh_token"].as_str().unwrap().to_string(), true).await;
    assert_eq!(claims(b["access_token"].as_str().unwrap())["xms_cc"], json!(["cp1"]));

    // The challenge fault waits for a cp1 token: the others keep working (as a non-CAE token does until it expires).
    s.control(Method::POST, "faults", Some(json!({"claims_challenge": 1}))).await;
    assert_eq!(s.defender("/api/incidents?$top=1", &plain).await.status(), 200);
    let r = s.defender("/api/incidents?$top=1", &capable).await;
    assert_eq!(r.status(), 401);
    let www = r.headers()[WWW_AUTHENTICATE].to_str().unwrap().to_string();
    assert!(www.contains(r#"error="insufficient_claims""#) && www.contains("claims=\""), "{www}");
    assert_eq!(s.defender("/api/incidents?$top=1", &capable).await.status(), 200, "one challenge");
    let minted = s.mint("analyst", "cp1=true").await;
    s.control(Method::POST, "faults", Some(json!({"claims_challenge": 1}))).await;
    assert_eq!(s.defender("/api/incidents?$top=1", &minted).await.status(), 401, "minted with cp1=true");
}
