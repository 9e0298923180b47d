//! Shared helpers: start a sandbox on ephemeral ports and drive the browser side by hand.
#![allow(dead_code)]
// Test plumbing outside #[test] fns: a failed step must fail the test that called it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;

use onbehalf_sandbox::directory::CLIENT_ID;
use onbehalf_sandbox::{serve, Handles, Options};
use reqwest::header::{HeaderMap, COOKIE, LOCATION, ORIGIN, SET_COOKIE};
use reqwest::redirect::Policy;
use reqwest::{Client, Response};
use serde_json::Value;

pub const TENANT: &str = onbehalf_sandbox::directory::TENANT_ID;
pub const DEFENDER_READ: &str = "https://api.security.microsoft.com/Incident.Read";

pub struct Sandbox {
    pub h: Handles,
    pub c: Client,
    /// IdP session cookie, as a browser would keep it.
    pub cookie: Option<String>,
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.h.shutdown();
    }
}

pub async fn start(configure: impl FnOnce(&mut Options)) -> Sandbox {
    let mut o = Options::ephemeral();
    configure(&mut o);
    let h = serve(o).await.expect("sandbox starts");
    let c = Client::builder().redirect(Policy::none()).build().expect("client");
    Sandbox { h, c, cookie: None }
}

pub fn redirect_uri(s: &Sandbox) -> String {
    format!("{}/", s.h.origins.app)
}

/// A fresh PKCE pair.
pub fn pkce() -> (String, String) {
    let v = format!("verifier-{}-0123456789abcdefghijklmnopqrstuvwxyz", rand_suffix());
    let c = onbehalf_sandbox::pkce::s256(&v);
    (v, c)
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0)
}

/// Value of the first `name="…" value="…"` input in a page.
pub fn input_value(html: &str, name: &str) -> Option<String> {
    let needle = format!("name=\"{name}\" value=\"");
    let start = html.find(&needle)? + needle.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_string())
}

/// Parameters of a redirect `Location` (query or fragment).
pub fn location_params(resp: &Response) -> (String, HashMap<String, String>) {
    let loc = resp.headers().get(LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let (base, q) = loc.split_once(['?', '#']).unwrap_or((&loc, ""));
    let map = serde_urlencoded::from_str::<Vec<(String, String)>>(q).unwrap_or_default().into_iter().collect();
    (base.to_string(), map)
}

pub struct AuthParams<'a> {
    pub scope: &'a str,
    pub challenge: String,
    pub extra: Vec<(&'a str, String)>,
}

impl Sandbox {
    pub fn authorize_url(&self, scope: &str, challenge: &str, extra: &[(&str, String)]) -> String {
        let mut p: Vec<(&str, String)> = vec![
            ("client_id", CLIENT_ID.to_string()),
            ("response_type", "code".into()),
            ("redirect_uri", redirect_uri(self)),
            ("scope", scope.to_string()),
            ("state", "st-123 & <x>".into()),
            ("nonce", "n-456".into()),
            ("code_challenge", challenge.to_string()),
            ("code_challenge_method", "S256".into()),
        ];
        for (k, v) in extra {
            p.retain(|(x, _)| x != k);
            if !v.is_empty() {
                p.push((k, v.clone()));
            }
        }
        format!("{}/{TENANT}/oauth2/v2.0/authorize?{}", self.h.origins.idp, serde_urlencoded::to_string(&p).unwrap())
    }

    pub async fn get_idp(&self, url: &str) -> Response {
        let mut r = self.c.get(url);
        if let Some(c) = &self.cookie {
            r = r.header(COOKIE, c);
        }
        r.send().await.expect("GET")
    }

    pub async fn post_form(&mut self, path: &str, form: &[(&str, &str)]) -> Response {
        let mut r = self
            .c
            .post(format!("{}{path}", self.h.origins.idp))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(serde_urlencoded::to_string(form).unwrap());
        if let Some(c) = &self.cookie {
            r = r.header(COOKIE, c);
        }
        let resp = r.send().await.expect("POST");
        self.keep_cookie(resp.headers());
        resp
    }

    fn keep_cookie(&mut self, h: &HeaderMap) {
        for v in h.get_all(SET_COOKIE) {
            if let Ok(s) = v.to_str() {
                let pair = s.split(';').next().unwrap_or("").to_string();
                if pair.ends_with('=') {
                    self.cookie = None;
                } else {
                    self.cookie = Some(pair);
                }
            }
        }
    }

    /// Picks `user` on the sign-in page shown by `page` and returns the next response.
    pub async fn pick_user(&mut self, page: &str, user: &str) -> Response {
        let txn = input_value(page, "txn").expect("txn on sign-in page");
        assert!(page.contains(&format!("data-testid=\"user-{user}\"")));
        self.post_form(&format!("/{TENANT}/oauth2/v2.0/authorize/signin"), &[("txn", &txn), ("user", user)]).await
    }

    /// Submits the consent page with the given scopes checked.
    pub async fn consent(&mut self, page: &str, accept: bool, checked: &[&str]) -> Response {
        let txn = input_value(page, "txn").expect("txn on consent page");
        let mut form: Vec<(&str, &str)> = vec![("txn", &txn), ("action", if accept { "accept" } else { "decline" })];
        for s in checked {
            form.push(("scope", s));
        }
        self.post_form(&format!("/{TENANT}/oauth2/v2.0/authorize/consent"), &form).await
    }

    /// Runs authorize → pick user → consent (accept all) and returns the code.
    pub async fn code_for(&mut self, user: &str, scope: &str, challenge: &str) -> String {
        let resp = self.get_idp(&self.authorize_url(scope, challenge, &[])).await;
        let mut resp = if resp.status() == 200 {
            let page = resp.text().await.unwrap();
            if page.contains("data-testid=\"user-") {
                self.pick_user(&page, user).await
            } else {
                panic!("unexpected page")
            }
        } else {
            resp
        };
        if resp.status() == 200 {
            let page = resp.text().await.unwrap();
            assert!(page.contains("data-testid=\"consent-accept\""), "consent page expected: {page}");
            let scopes: Vec<String> = scope.split(' ').filter(|s| s.starts_with("http")).map(str::to_string).collect();
            let refs: Vec<&str> = scopes.iter().map(String::as_str).collect();
            resp = self.consent(&page, true, &refs).await;
        }
        assert_eq!(resp.status(), 302);
        let (_, p) = location_params(&resp);
        assert_eq!(p.get("state").map(String::as_str), Some("st-123 & <x>"));
        p.get("code").cloned().unwrap_or_else(|| panic!("no code: {p:?}"))
    }

    pub async fn token(&self, form: &[(&str, &str)], origin: Option<&str>) -> (u16, Value, HeaderMap) {
        let mut r = self
            .c
            .post(format!("{}/{TENANT}/oauth2/v2.0/token", self.h.origins.idp))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(serde_urlencoded::to_string(form).unwrap());
        if let Some(o) = origin {
            r = r.header(ORIGIN, o);
        }
        let resp = r.send().await.expect("token POST");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        (status, resp.json().await.unwrap_or(Value::Null), headers)
    }

    pub async fn redeem(&self, code: &str, verifier: &str) -> (u16, Value, HeaderMap) {
        let ru = redirect_uri(self);
        self.token(
            &[
                ("client_id", CLIENT_ID),
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", &ru),
                ("code_verifier", verifier),
            ],
            Some(&self.h.origins.app),
        )
        .await
    }

    /// Full interactive sign-in; returns the token response.
    pub async fn sign_in(&mut self, user: &str, scope: &str) -> Value {
        let (v, c) = pkce();
        let code = self.code_for(user, scope, &c).await;
        let (status, body, _) = self.redeem(&code, &v).await;
        assert_eq!(status, 200, "{body}");
        body
    }

    pub async fn api(&self, base: &str, path_and_query: &str, token: &str) -> Response {
        self.c
            .get(format!("{base}{path_and_query}"))
            .header("authorization", format!("Bearer {token}"))
            .header(ORIGIN, &self.h.origins.app)
            .send()
            .await
            .expect("API GET")
    }

    /// A write (`PATCH`/`POST`) with a JSON body to an API origin.
    pub async fn write(&self, method: reqwest::Method, base: &str, path: &str, token: &str, body: &str) -> Response {
        self.c
            .request(method, format!("{base}{path}"))
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "application/json")
            .header(ORIGIN, &self.h.origins.app)
            .body(body.to_string())
            .send()
            .await
            .expect("API write")
    }

    pub async fn defender(&self, pq: &str, token: &str) -> Response {
        self.api(&self.h.origins.defender.clone(), pq, token).await
    }

    pub async fn graph(&self, pq: &str, token: &str) -> Response {
        self.api(&self.h.origins.graph.clone(), pq, token).await
    }

    /// GET `url` and parse its JSON body.
    pub async fn get_json(&self, url: impl reqwest::IntoUrl) -> Value {
        self.c.get(url).send().await.unwrap().json().await.unwrap()
    }

    /// A signed token from the control API.
    pub async fn mint(&self, user: &str, query: &str) -> String {
        let v: Value = self
            .c
            .get(format!("{}/_sandbox/tokens/{user}?{query}", self.h.origins.idp))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        v["access_token"].as_str().unwrap().to_string()
    }

    pub async fn control(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Response {
        let mut r = self.c.request(method, format!("{}/_sandbox/{path}", self.h.origins.idp));
        if let Some(b) = body {
            r = r.json(&b);
        }
        r.send().await.unwrap()
    }
}

pub fn claims(token: &str) -> Value {
    onbehalf_sandbox::jwt::decode_unverified(token).expect("JWT payload")
}
