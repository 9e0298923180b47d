//! Identity provider over real HTTP: the sign-in flow, PKCE, codes, refresh, errors.

mod common;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use clap::Parser;
use common::*;
use onbehalf_sandbox::directory::CLIENT_ID;
use onbehalf_sandbox::{Options, Service};
use reqwest::header::{ACCESS_CONTROL_ALLOW_ORIGIN, LOCATION};
use serde_json::{json, Value};

#[test]
fn pkce_rfc7636_appendix_b() {
    assert_eq!(
        onbehalf_sandbox::pkce::s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    );
}

#[tokio::test]
async fn full_flow_then_code_reuse_is_rejected() {
    let mut s = start(|_| {}).await;
    let (v, c) = pkce();
    let scope = format!("openid profile offline_access {DEFENDER_READ}");
    // The sign-in page lists every user, then consent lists the one delegated permission.
    let page =
        s.get_idp(&s.authorize_url(&scope, &c, &[("login_hint", "ada.analyst@sandbox.onbehalf.test".into())])).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    for u in ["analyst", "reader", "admin"] {
        assert!(html.contains(&format!("data-testid=\"user-{u}\"")));
    }
    assert!(html.contains("class=\"user hinted\" data-testid=\"user-analyst\""));
    let consent = s.pick_user(&html, "analyst").await;
    assert!(s.cookie.is_some(), "session cookie set on the IdP origin");
    let consent_html = consent.text().await.unwrap();
    assert!(consent_html.contains("data-testid=\"consent-scope\""));
    assert!(consent_html.contains(&format!("value=\"{DEFENDER_READ}\" checked")));
    assert!(!consent_html.contains("value=\"openid\""));
    let redirect = s.consent(&consent_html, true, &[DEFENDER_READ]).await;
    assert_eq!(redirect.status(), 302);
    let (base, p) = location_params(&redirect);
    assert_eq!(base, redirect_uri(&s));
    assert_eq!(p["state"], "st-123 & <x>");
    assert!(!p.contains_key("iss"), "Entra sends no iss by default");
    let code = p["code"].clone();

    let (status, body, headers) = s.redeem(&code, &v).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(headers.get(ACCESS_CONTROL_ALLOW_ORIGIN).unwrap(), s.h.origins.app.as_str());
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["scope"], format!("{DEFENDER_READ} openid profile offline_access"));
    assert_eq!(body["expires_in"], 3600);
    assert!(body["refresh_token"].is_string());
    let info = URL_SAFE_NO_PAD.decode(body["client_info"].as_str().unwrap()).unwrap();
    let info: Value = serde_json::from_slice(&info).unwrap();
    assert_eq!(
        info,
        json!({"uid": "0a7a1a5e-0000-4000-8000-00000000a001", "utid": TENANT}),
        "Entra's client_info shape"
    );
    let at = claims(body["access_token"].as_str().unwrap());
    assert_eq!(at["aud"], "https://api.security.microsoft.com");
    assert_eq!(at["scp"], "Incident.Read");
    assert_eq!(at["iss"], format!("{}/{TENANT}/v2.0", s.h.origins.idp));
    assert_eq!(at["tid"], TENANT);
    assert_eq!(at["appid"], CLIENT_ID);
    assert_eq!(at["azp"], CLIENT_ID);
    assert_eq!(at["preferred_username"], "ada.analyst@sandbox.onbehalf.test");
    assert_eq!(at["name"], "Ada Analyst");
    assert_eq!(at["ver"], "2.0");
    let id = claims(body["id_token"].as_str().unwrap());
    assert_eq!(id["aud"], CLIENT_ID);
    assert_eq!(id["nonce"], "n-456");
    assert_eq!(id["oid"], at["oid"]);
    // Header carries the published kid.
    let header: Value = {
        use base64::Engine;
        let h = body["access_token"].as_str().unwrap().split('.').next().unwrap();
        serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(h).unwrap()).unwrap()
    };
    let jwks: Value = s.get_json(format!("{}/{TENANT}/discovery/v2.0/keys", s.h.origins.idp)).await;
    assert_eq!(header["kid"], jwks["keys"][0]["kid"]);
    assert_eq!(header["typ"], "JWT");

    // The token works at the Defender API.
    let r = s.defender("/api/incidents", body["access_token"].as_str().unwrap()).await;
    assert_eq!(r.status(), 200);

    // Second redemption of the same code.
    let (status, body, _) = s.redeem(&code, &v).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "invalid_grant");
    assert!(body["error_description"].as_str().unwrap().starts_with("AADSTS54005"));
    assert_eq!(body["error_codes"], json!([54005]));
    for k in ["timestamp", "trace_id", "correlation_id"] {
        assert!(body[k].is_string(), "{k}");
    }

    // With a session, a second authorize goes straight through (SSO + remembered consent).
    let (_, c2) = pkce();
    let r = s.get_idp(&s.authorize_url(&scope, &c2, &[])).await;
    assert_eq!(r.status(), 302);
    assert!(location_params(&r).1.contains_key("code"));
    // prompt=consent forces the page again; prompt=login forces the picker.
    let r = s.get_idp(&s.authorize_url(&scope, &c2, &[("prompt", "consent".into())])).await;
    assert!(r.text().await.unwrap().contains("consent-accept"));
    let r = s.get_idp(&s.authorize_url(&scope, &c2, &[("prompt", "login".into())])).await;
    assert!(r.text().await.unwrap().contains("user-reader"));
    // login_hint for another user shows the picker.
    let r = s.get_idp(&s.authorize_url(&scope, &c2, &[("login_hint", "reader".into())])).await;
    assert!(r.text().await.unwrap().contains("user hinted\" data-testid=\"user-reader\""));
}

#[tokio::test]
async fn redirect_uri_mismatch_shows_error_page_and_never_redirects() {
    let s = start(|_| {}).await;
    let (_, c) = pkce();
    let r =
        s.get_idp(&s.authorize_url(DEFENDER_READ, &c, &[("redirect_uri", "https://evil.example/<b>".into())])).await;
    assert_eq!(r.status(), 400);
    assert!(r.headers().get(LOCATION).is_none());
    let html = r.text().await.unwrap();
    assert!(html.contains("data-testid=\"idp-error\""));
    assert!(html.contains("AADSTS50011"));
    assert!(html.contains("https://evil.example/&lt;b&gt;"), "reflected value escaped");
    let r = s.get_idp(&s.authorize_url(DEFENDER_READ, &c, &[("client_id", "nope".into())])).await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("AADSTS700016"));
}

#[tokio::test]
async fn extra_redirect_uri_flag_and_fragment_mode() {
    let mut s = start(|o| o.redirect_uris.push("http://127.0.0.1:9999/callback".into())).await;
    let (_, c) = pkce();
    let url = s.authorize_url(
        DEFENDER_READ,
        &c,
        &[("redirect_uri", "http://127.0.0.1:9999/callback".into()), ("response_mode", "fragment".into())],
    );
    let page = s.get_idp(&url).await.text().await.unwrap();
    let consent = s.pick_user(&page, "admin").await.text().await.unwrap();
    let r = s.consent(&consent, true, &[DEFENDER_READ]).await;
    let loc = r.headers()[LOCATION].to_str().unwrap().to_string();
    assert!(loc.starts_with("http://127.0.0.1:9999/callback#code="), "{loc}");
}

#[tokio::test]
async fn public_url_flag_names_the_proxy_origin() {
    let (app, idp) = ("https://127.0.0.1:9443", "https://127.0.0.1:9444");
    let flags = ["sbx", "--public-url", "app=https://127.0.0.1:9443/", "--public-url", "idp=https://127.0.0.1:9444"];
    let parsed = Options::try_parse_from(flags).unwrap().public_urls;
    assert_eq!(parsed, [(Service::App, app.to_string()), (Service::Idp, idp.to_string())]);
    assert!(Options::try_parse_from(["sbx", "--public-url", "api=https://x"]).is_err());
    assert!(Options::try_parse_from(["sbx", "--public-url", "idp=127.0.0.1:9444"]).is_err());
    let s = start(|o| o.public_urls = parsed).await;
    // Served where it listens, named as the proxy.
    let disco: Value = s
        .get_idp(&format!("{}/{TENANT}/v2.0/.well-known/openid-configuration", s.h.origins.idp))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(disco["issuer"], format!("{idp}/{TENANT}/v2.0"));
    assert_eq!(disco["token_endpoint"], format!("{idp}/{TENANT}/oauth2/v2.0/token"));
    let (_, c) = pkce();
    let page = s.get_idp(&s.authorize_url(DEFENDER_READ, &c, &[("redirect_uri", format!("{app}/"))])).await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("user-analyst"), "the proxy's app origin is a redirect URI");
    let page =
        s.get_idp(&s.authorize_url(DEFENDER_READ, &c, &[("redirect_uri", "https://127.0.0.1:9445/".into())])).await;
    assert!(page.text().await.unwrap().contains("AADSTS50011"), "only the named origin is registered");
    let at = s.mint("analyst", "").await;
    assert_eq!(claims(&at)["iss"], format!("{idp}/{TENANT}/v2.0"));
    assert!(s.defender("/api/incidents?$top=1", &at).await.status().is_success(), "the API accepts that issuer");
}

#[tokio::test]
async fn token_endpoint_requires_origin_and_answers_preflight() {
    let mut s = start(|_| {}).await;
    let (v, c) = pkce();
    let code = s.code_for("analyst", DEFENDER_READ, &c).await;
    let ru = redirect_uri(&s);
    let form = [
        ("client_id", CLIENT_ID),
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("redirect_uri", &ru),
        ("code_verifier", &v),
    ];
    let (status, body, _) = s.token(&form, None).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "invalid_request");
    assert!(body["error_description"].as_str().unwrap().starts_with("AADSTS9002327"));
    let pre =
        s.c.request(reqwest::Method::OPTIONS, format!("{}/{TENANT}/oauth2/v2.0/token", s.h.origins.idp))
            .header("origin", "http://localhost:1234")
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
            .send()
            .await
            .unwrap();
    assert!(pre.status().is_success());
    assert_eq!(pre.headers()[ACCESS_CONTROL_ALLOW_ORIGIN], "http://localhost:1234");
    // The code was not burnt by the refused attempt.
    let (status, _, _) = s.redeem(&code, &v).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn pkce_is_required_and_verified() {
    let mut s = start(|_| {}).await;
    let (_, c) = pkce();
    for extra in [vec![("code_challenge", String::new())], vec![("code_challenge_method", "plain".to_string())]] {
        let r = s.get_idp(&s.authorize_url(DEFENDER_READ, &c, &extra)).await;
        assert_eq!(r.status(), 302);
        let (_, p) = location_params(&r);
        assert_eq!(p["error"], "invalid_request");
        assert!(p["error_description"].starts_with("AADSTS501491"), "{p:?}");
        assert_eq!(p["state"], "st-123 & <x>");
    }
    let code = s.code_for("analyst", DEFENDER_READ, &c).await;
    let (status, body, _) = s.redeem(&code, "wrong-verifier-wrong-verifier-wrong-verifier-00").await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "invalid_grant");
    assert!(body["error_description"].as_str().unwrap().starts_with("AADSTS501481"));
}

#[tokio::test]
async fn scope_rules() {
    let s = start(|_| {}).await;
    let (_, c) = pkce();
    // Two resources are refused at the token endpoint (AADSTS700022, see refresh_rotates_and_expires), not at
    // /authorize, where one consent may cover several (a_refresh_token_redeems_for_another_resources_…).
    let cases = [
        ("openid https://api.security.microsoft.com/Machine.Isolate".to_string(), "AADSTS70011"),
        ("openid https://unknown.example/.default".to_string(), "AADSTS70011"),
        (format!("openid {DEFENDER_READ} https://graph.microsoft.com/Mail.Send"), "AADSTS70011"),
    ];
    for (scope, code) in cases {
        let r = s.get_idp(&s.authorize_url(&scope, &c, &[])).await;
        let (_, p) = location_params(&r);
        assert_eq!(p["error"], "invalid_scope");
        assert!(p["error_description"].starts_with(code), "{scope}: {p:?}");
    }
    let r = s.get_idp(&s.authorize_url(DEFENDER_READ, &c, &[("response_type", "token".into())])).await;
    assert_eq!(location_params(&r).1["error"], "unsupported_response_type");
}

#[tokio::test]
async fn consent_decline_and_partial_consent() {
    let mut s = start(|_| {}).await;
    let (v, c) = pkce();
    let both = format!("openid {DEFENDER_READ} https://api.security.microsoft.com/Incident.ReadWrite");
    let page = s.get_idp(&s.authorize_url(&both, &c, &[])).await.text().await.unwrap();
    let consent = s.pick_user(&page, "reader").await.text().await.unwrap();
    assert_eq!(consent.matches("data-testid=\"consent-scope\"").count(), 2);
    let r = s.consent(&consent, false, &[]).await;
    let (_, p) = location_params(&r);
    assert_eq!(p["error"], "access_denied");
    assert_eq!(p["error_description"], "AADSTS65004: User declined to consent to access the app.");
    assert_eq!(p["state"], "st-123 & <x>");

    // Partially unchecked: only what was granted lands in scp; nothing granted → empty scp.
    let page = s.get_idp(&s.authorize_url(&both, &c, &[])).await.text().await.unwrap();
    assert!(page.contains("consent-accept"), "session exists, so consent comes next");
    let r = s.consent(&page, true, &["https://api.security.microsoft.com/Incident.ReadWrite"]).await;
    let code = location_params(&r).1["code"].clone();
    let (_, body, _) = s.redeem(&code, &v).await;
    assert_eq!(claims(body["access_token"].as_str().unwrap())["scp"], "Incident.ReadWrite");

    let (v2, c2) = pkce();
    let page = s.get_idp(&s.authorize_url(&both, &c2, &[("prompt", "consent".into())])).await.text().await.unwrap();
    let r = s.consent(&page, true, &[]).await;
    let code = location_params(&r).1["code"].clone();
    let (_, body, _) = s.redeem(&code, &v2).await;
    let token = body["access_token"].as_str().unwrap().to_string();
    assert_eq!(claims(&token)["scp"], "");
    let r = s.defender("/api/incidents", &token).await;
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn prompt_none() {
    let mut s = start(|_| {}).await;
    let (_, c) = pkce();
    let r = s.get_idp(&s.authorize_url(DEFENDER_READ, &c, &[("prompt", "none".into())])).await;
    let (_, p) = location_params(&r);
    assert_eq!(p["error"], "login_required");
    assert!(p["error_description"].starts_with("AADSTS50058"));
    s.code_for("analyst", DEFENDER_READ, &c).await;
    let r = s
        .get_idp(&s.authorize_url(
            "https://graph.microsoft.com/SecurityIncident.Read.All",
            &c,
            &[("prompt", "none".into())],
        ))
        .await;
    let (_, p) = location_params(&r);
    assert_eq!(p["error"], "consent_required");
    assert!(p["error_description"].starts_with("AADSTS65001"));
    let r = s.get_idp(&s.authorize_url(DEFENDER_READ, &c, &[("prompt", "none".into())])).await;
    assert!(location_params(&r).1.contains_key("code"));
}

#[tokio::test]
async fn refresh_rotates_and_expires() {
    let mut s = start(|o| o.refresh_lifetime = 2).await;
    let scope = format!("openid offline_access {DEFENDER_READ}");
    let body = s.sign_in("analyst", &scope).await;
    let rt1 = body["refresh_token"].as_str().unwrap().to_string();
    let origin = s.h.origins.app.clone();
    let refresh = |rt: String, scope: String| {
        let s = &s;
        let origin = origin.clone();
        async move {
            s.token(
                &[("client_id", CLIENT_ID), ("grant_type", "refresh_token"), ("refresh_token", &rt), ("scope", &scope)],
                Some(&origin),
            )
            .await
        }
    };
    let (status, b2, _) = refresh(rt1.clone(), scope.clone()).await;
    assert_eq!(status, 200, "{b2}");
    let rt2 = b2["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(rt1, rt2);
    assert_eq!(claims(b2["access_token"].as_str().unwrap())["scp"], "Incident.Read");
    let (status, b, _) = refresh(rt1, scope.clone()).await;
    assert_eq!(status, 400);
    assert_eq!(b["error"], "invalid_grant");
    // Scope must name one resource.
    let (status, b, _) = refresh(rt2.clone(), String::new()).await;
    assert_eq!(status, 400, "{b}");
    let (status, b, _) = refresh(rt2.clone(), format!("{DEFENDER_READ} https://graph.microsoft.com/User.Read")).await;
    assert_eq!((status, b["error"].as_str()), (400, Some("invalid_scope")));
    // Missing scope did not burn rt2, but time does.
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let (status, b, _) = refresh(rt2, scope).await;
    assert_eq!(status, 400);
    assert_eq!(b["error"], "invalid_grant");
    assert!(b["error_description"].as_str().unwrap().starts_with("AADSTS700084"), "{b}");
}

#[tokio::test]
async fn discovery_keys_and_logout() {
    let mut s = start(|_| {}).await;
    let idp = s.h.origins.idp.clone();
    let d: Value = s.get_json(format!("{idp}/organizations/v2.0/.well-known/openid-configuration")).await;
    assert_eq!(d["issuer"], format!("{idp}/{{tenantid}}/v2.0"));
    assert_eq!(d["code_challenge_methods_supported"], json!(["S256"]));
    assert_eq!(d["authorization_response_iss_parameter_supported"], false);
    assert_eq!(d["id_token_signing_alg_values_supported"], json!(["RS256"]));
    assert!(d["end_session_endpoint"].as_str().unwrap().ends_with("/organizations/oauth2/v2.0/logout"));
    let d: Value = s.get_json(format!("{idp}/{TENANT}/v2.0/.well-known/openid-configuration")).await;
    assert_eq!(d["issuer"], format!("{idp}/{TENANT}/v2.0"));
    let r = s.c.get(format!("{idp}/not-a-tenant/v2.0/.well-known/openid-configuration")).send().await.unwrap();
    assert_eq!(r.status(), 400);

    // iss fault: discovery advertises it and the authorize response carries it.
    s.control(reqwest::Method::POST, "faults", Some(json!({"iss_in_authorize_response": true}))).await;
    let d: Value = s.get_json(format!("{idp}/{TENANT}/v2.0/.well-known/openid-configuration")).await;
    assert_eq!(d["authorization_response_iss_parameter_supported"], true);
    let (_, c) = pkce();
    let page = s.get_idp(&s.authorize_url(DEFENDER_READ, &c, &[])).await.text().await.unwrap();
    let consent = s.pick_user(&page, "analyst").await.text().await.unwrap();
    let r = s.consent(&consent, true, &[DEFENDER_READ]).await;
    assert_eq!(location_params(&r).1["iss"], format!("{idp}/{TENANT}/v2.0"));

    // Logout clears the session; only registered URIs are redirected to.
    let ru = redirect_uri(&s);
    let r = s.get_idp(&format!("{idp}/{TENANT}/oauth2/v2.0/logout?post_logout_redirect_uri={}", ru)).await;
    assert_eq!(r.status(), 302);
    assert_eq!(r.headers()[LOCATION], ru.as_str());
    assert!(r.headers()["set-cookie"].to_str().unwrap().contains("Max-Age=0"));
    let r =
        s.get_idp(&format!("{idp}/{TENANT}/oauth2/v2.0/logout?post_logout_redirect_uri=https://evil.example/")).await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("You signed out"));
    s.cookie = None;
    let r = s.get_idp(&s.authorize_url(DEFENDER_READ, &c, &[("prompt", "none".into())])).await;
    assert_eq!(location_params(&r).1["error"], "login_required");
}

#[tokio::test]
async fn id_token_faults() {
    let mut s = start(|_| {}).await;
    s.control(
        reqwest::Method::POST,
        "faults",
        Some(json!({"id_token_claims": {"iss": "https://evil.example", "nonce": null}, "id_token_alg_none": true})),
    )
    .await;
    let body = s.sign_in("analyst", &format!("openid {DEFENDER_READ}")).await;
    let idt = body["id_token"].as_str().unwrap();
    assert!(idt.ends_with('.'), "alg none has an empty signature");
    let c = claims(idt);
    assert_eq!(c["iss"], "https://evil.example");
    assert!(c.get("nonce").is_none());
    let r = s.control(reqwest::Method::DELETE, "faults", None).await;
    let f: Value = r.json().await.unwrap();
    assert_eq!(f["id_token_alg_none"], false);
}

/// Issue 21.8: beside a Defender sign-in, the refresh token redeems for Graph's hunting permission once the user
/// has consented to it — asked on the same consent page, one authorize request naming both resources (Entra:
/// "the scope can cover multiple resources" at /authorize); until then Entra's AADSTS65001, which leaves the
/// refresh token good.
#[tokio::test]
async fn a_refresh_token_redeems_for_another_resources_consented_permission() {
    let mut s = start(|_| {}).await;
    let scope = format!("openid offline_access {DEFENDER_READ}");
    let body = s.sign_in("analyst", &scope).await;
    let rt = body["refresh_token"].as_str().unwrap().to_string();
    let origin = s.h.origins.app.clone();
    let hunt = "openid offline_access https://graph.microsoft.com/ThreatHunting.Read.All";
    let (status, b, _) = refresh(&s, &origin, &rt, hunt).await;
    assert_eq!(status, 400);
    assert!(b["error_description"].as_str().unwrap().starts_with("AADSTS65001"), "{b}");
    let (status, b, _) = refresh(&s, &origin, &rt, &scope).await;
    assert_eq!(status, 200, "the refused grant did not burn the refresh token: {b}");

    // One consent page for both resources; the code's token is for the first one named.
    let (v, c) = pkce();
    let both = format!("{scope} https://graph.microsoft.com/ThreatHunting.Read.All");
    let page = s.get_idp(&s.authorize_url(&both, &c, &[])).await.text().await.unwrap();
    assert!(page.contains("consent-accept") && page.contains("https://graph.microsoft.com/ThreatHunting.Read.All"));
    assert!(!page.contains("value=\"https://api.security.microsoft.com/Incident.Read\""), "asked only what is new");
    let r = s.consent(&page, true, &["https://graph.microsoft.com/ThreatHunting.Read.All"]).await;
    let code = location_params(&r).1["code"].clone();
    let (status, body, _) = s.redeem(&code, &v).await;
    assert_eq!(status, 200, "{body}");
    let token = claims(body["access_token"].as_str().unwrap());
    assert_eq!(
        (token["aud"].as_str(), token["scp"].as_str()),
        (Some("https://api.security.microsoft.com"), Some("Incident.Read"))
    );
    let (status, b, _) = refresh(&s, &origin, body["refresh_token"].as_str().unwrap(), hunt).await;
    assert_eq!(status, 200, "{b}");
    let token = claims(b["access_token"].as_str().unwrap());
    assert_eq!(token["aud"], "https://graph.microsoft.com");
    assert_eq!(token["scp"], "ThreatHunting.Read.All");
}

async fn refresh(s: &Sandbox, origin: &str, rt: &str, scope: &str) -> (u16, Value, reqwest::header::HeaderMap) {
    s.token(
        &[("client_id", CLIENT_ID), ("grant_type", "refresh_token"), ("refresh_token", rt), ("scope", scope)],
        Some(origin),
    )
    .await
}
