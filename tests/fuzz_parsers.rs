//! Property tests ("fuzzing" with a fixed budget) of every parser that reads input from outside:
//! the redirect back from the provider, JWTs and ID-token claims, discovery, token responses,
//! config.json, and incident pages of both sources. Each property says "never panics" and,
//! where the parser guards something, that nothing unsafe ever comes out of it.
#![cfg(not(target_arch = "wasm32"))]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use onbehalf::auth::authorize::PendingAuth;
use onbehalf::auth::callback::{check_callback, parse_callback, Callback};
use onbehalf::auth::discovery::{issuer_matches_authority, parse_discovery, ProviderMetadata};
use onbehalf::auth::jwt::{access_claims, decode_unverified, validate_id_token};
use onbehalf::auth::secret::{AccessToken, IdToken, Nonce, PkceVerifier, State};
use onbehalf::auth::token::parse_token_response;
use onbehalf::config::parse_config;
use onbehalf::http::{is_secure_url, HttpResponse};
use onbehalf::incidents::model::{parse_defender_page, parse_graph_page};
use onbehalf::incidents::query::required_scope;
use onbehalf::incidents::Source;
use onbehalf::request::error::{map_response, retry_after};
use onbehalf::request::retry::Failure;
use proptest::prelude::*;
use serde_json::{json, Map, Value};

const CASES: u32 = 384;
const NOW: u64 = 1_700_000_000;
const ISS: &str = "https://login.example.test/5a4db0c0-0b1e-4e5a-9c7d-5a0db0c0ffee/v2.0";
const CLIENT: &str = "c1e7d0b0-4a1f-4b0e-8a11-0b0e4a1f0001";
const STATE: &str = "the-one-state-value";
const NONCE: &str = "the-one-nonce-value";

fn cfg() -> ProptestConfig {
    // No regression files in the tree: failures print the minimal case instead.
    ProptestConfig { cases: CASES, failure_persistence: None, ..ProptestConfig::default() }
}

/// Strings that look like what attackers and broken servers send: markup, URLs, escapes, unicode, numbers.
fn nasty_string() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-zA-Z0-9%&=+._~:/?#\\[\\]@!$'()*,;<>\"{} -]{0,60}",
        Just("<script>window.__pwned=1</script>".to_string()),
        Just("javascript:alert(1)".to_string()),
        Just("https://security.microsoft.com/incidents/1".to_string()),
        Just("https://security.microsoft.com.evil.example/".to_string()),
        Just("HTTPS://SECURITY.MICROSOFT.COM/x\"onmouseover=alert(1)".to_string()),
        Just("%F0%9F%92%A9%ZZ%".to_string()),
        Just("\u{202e}\u{200b}\u{0000}".to_string()),
        Just(ISS.to_string()),
        Just(CLIENT.to_string()),
        Just(STATE.to_string()),
        Just(NONCE.to_string()),
        Just("none".to_string()),
        Just("-1".to_string()),
        Just("1e309".to_string()),
    ]
}

/// Any JSON value, up to a few levels deep, with nasty strings and edge numbers.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(|f| json!(f)),
        nasty_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((field_name(), inner), 0..8)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<String, Value>>())),
        ]
    })
}

/// Field names the parsers look at, plus garbage.
fn field_name() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "value", "@odata.nextLink", "incidentId", "id", "incidentName", "displayName", "severity", "status",
            "assignedTo", "classification", "determination", "createdTime", "createdDateTime", "lastUpdateTime",
            "lastUpdateDateTime", "tags", "customTags", "systemTags", "comments", "alerts", "incidentWebUrl",
            "redirectIncidentId", "devices", "entities", "title", "description", "comment", "createdBy",
            "iss", "sub", "aud", "exp", "iat", "nonce", "tid", "oid", "name", "preferred_username", "scp", "alg",
            "error", "error_description", "access_token", "token_type", "expires_in", "id_token", "refresh_token",
            "issuer", "authorization_endpoint", "token_endpoint", "end_session_endpoint", "jwks_uri",
            "code_challenge_methods_supported", "authorization_response_iss_parameter_supported",
            "authority", "client_id", "source", "api_base", "scopes", "redirect_uri", "post_logout_redirect_uri",
        ]).prop_map(str::to_string),
        1 => any::<String>(),
    ]
}

fn json_object() -> impl Strategy<Value = Value> {
    prop::collection::vec((field_name(), json_value()), 0..14)
        .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<String, Value>>()))
}

fn meta() -> ProviderMetadata {
    ProviderMetadata {
        issuer: ISS.into(),
        authorization_endpoint: "https://login.example.test/t/oauth2/v2.0/authorize".into(),
        token_endpoint: "https://login.example.test/t/oauth2/v2.0/token".into(),
        end_session_endpoint: None,
        jwks_uri: None,
        code_challenge_methods: vec!["S256".into()],
        iss_parameter_supported: true,
    }
}

fn pending() -> PendingAuth {
    PendingAuth {
        state: State::new(STATE.into()),
        nonce: Nonce::new(NONCE.into()),
        verifier: PkceVerifier::new("v".repeat(43)),
        issuer: ISS.into(),
        redirect_uri: "http://127.0.0.1:8400/".into(),
        return_to: String::new(),
        created_at: NOW - 10,
        provider: None,
        authority: String::new(),
        step_up: None,
        jwks: None,
        claims: None,
    }
}

fn b64(v: &Value) -> String {
    URL_SAFE_NO_PAD.encode(v.to_string())
}

/// Callback query strings: mostly well-formed key=value pairs (so the checks after parsing get exercised).
fn callback_query() -> impl Strategy<Value = String> {
    let key = prop::sample::select(vec!["code", "state", "iss", "error", "error_description", "session_state", "x"]);
    prop_oneof![
        any::<String>(),
        prop::collection::vec((key, nasty_string()), 0..6).prop_map(|kv| {
            kv.into_iter()
                .map(|(k, v)| format!("{k}={}", onbehalf::http::percent_encode(&v)))
                .collect::<Vec<_>>()
                .join("&")
        }),
    ]
}

fn resp(status: u16, body: String, headers: Vec<(String, String)>) -> HttpResponse {
    HttpResponse { status, headers, body }
}

proptest! {
    #![proptest_config(cfg())]

    /// The redirect back: never panics; a code is accepted only with exactly our state and a matching iss.
    #[test]
    fn callback_parser(q in callback_query(), with_pending in any::<bool>(), iss_supported in any::<bool>()) {
        let cb = parse_callback(&q);
        let _ = cb.state();
        let parsed = onbehalf::http::parse_query(&q);
        let get = |k: &str| onbehalf::http::query_get(&parsed, k).map(str::to_string);
        let had_error = matches!(cb, Callback::Error { .. });
        let result = check_callback(cb, with_pending.then(pending), iss_supported, NOW);
        if let Ok((code, p)) = result {
            prop_assert!(with_pending, "accepted without a pending request");
            prop_assert!(!had_error, "an error response became a code");
            let got_state = get("state");
            prop_assert_eq!(got_state.as_deref(), Some(STATE));
            prop_assert_eq!(p.state.secret(), STATE);
            prop_assert!(!code.secret().is_empty());
            match get("iss").filter(|s| !s.is_empty()) {
                Some(iss) => prop_assert_eq!(iss, ISS),
                None => prop_assert!(!iss_supported, "iss missing although the provider advertises it"),
            }
        }
    }

    /// JWT decoding of arbitrary text never panics.
    #[test]
    fn jwt_decode_arbitrary(s in any::<String>(), dots in "[A-Za-z0-9_=.-]{0,200}") {
        let _ = decode_unverified(&s);
        let _ = decode_unverified(&dots);
        let _ = access_claims(&AccessToken::new(s));
        let _ = access_claims(&AccessToken::new(dots));
    }

    /// ID tokens with arbitrary headers and claims: never panics; accepted only when every OIDC Core check holds.
    #[test]
    fn id_token_claims(header in json_object(), alg in prop::option::of(nasty_string()), claims in json_object(),
                       good_base in any::<bool>()) {
        let mut header = header;
        if let (Some(a), Some(h)) = (alg, header.as_object_mut()) { h.insert("alg".into(), Value::String(a)); }
        // Half the cases start from a valid claim set and get fuzzed fields merged over it.
        let mut c = if good_base {
            json!({"iss": ISS, "sub": "s", "aud": CLIENT, "exp": NOW + 600, "iat": NOW, "nonce": NONCE})
        } else { json!({}) };
        if let (Some(base), Some(extra)) = (c.as_object_mut(), claims.as_object()) {
            for (k, v) in extra { base.insert(k.clone(), v.clone()); }
        }
        let token = format!("{}.{}.sig", b64(&header), b64(&c));
        let _ = access_claims(&AccessToken::new(token.clone()));
        if let Ok(ok) = validate_id_token(&IdToken::new(token), &meta(), CLIENT, &Nonce::new(NONCE.into()), NOW) {
            let alg = header.get("alg").and_then(Value::as_str).unwrap_or("");
            prop_assert!(!alg.is_empty() && !alg.eq_ignore_ascii_case("none"), "accepted alg {alg:?}");
            prop_assert_eq!(ok.iss.as_str(), ISS);
            prop_assert_eq!(ok.aud, vec![CLIENT.to_string()]);
            prop_assert!(!ok.sub.is_empty());
            prop_assert!(ok.exp + 300 > NOW);
            prop_assert!(ok.iat <= NOW + 300);
            prop_assert_eq!(ok.nonce.as_deref(), Some(NONCE));
            prop_assert_eq!(c.get("nonce").and_then(Value::as_str), Some(NONCE));
        }
    }

    /// Discovery documents: never panics; accepted only when the issuer belongs to the authority
    /// and the endpoints are secure.
    #[test]
    fn discovery(doc in json_object(), raw in any::<String>()) {
        let authority = ISS;
        let _ = parse_discovery(&raw, authority);
        let mut d = json!({
            "issuer": ISS,
            "authorization_endpoint": "https://login.example.test/t/authorize",
            "token_endpoint": "https://login.example.test/t/token",
        });
        if let (Some(base), Some(extra)) = (d.as_object_mut(), doc.as_object()) {
            for (k, v) in extra { base.insert(k.clone(), v.clone()); }
        }
        if let Ok(m) = parse_discovery(&d.to_string(), authority) {
            prop_assert!(issuer_matches_authority(&m.issuer, authority));
            prop_assert!(is_secure_url(&m.authorization_endpoint) && is_secure_url(&m.token_endpoint));
            if let Some(e) = &m.end_session_endpoint { prop_assert!(is_secure_url(e)); }
            if d.get("code_challenge_methods_supported").is_some() {
                prop_assert!(m.code_challenge_methods.iter().any(|x| x == "S256"));
            }
        }
    }

    /// Token endpoint answers: never panics; success only for a Bearer answer with an access token.
    #[test]
    fn token_response(status in prop::sample::select(vec![200u16, 201, 400, 401, 429, 500, 502]),
                      body in prop_oneof![json_object().prop_map(|v| v.to_string()), any::<String>()]) {
        if let Ok(t) = parse_token_response(&resp(status, body, vec![])) {
            prop_assert!((200..300).contains(&status));
            prop_assert!(t.token_type.eq_ignore_ascii_case("bearer"));
            prop_assert!(!t.access_token.secret().is_empty());
        }
    }

    /// config.json: never panics; an accepted config has a secure authority and API base and a GUID client id.
    #[test]
    fn config(obj in json_object(), raw in any::<String>(), good_base in any::<bool>()) {
        let _ = parse_config(&raw);
        let mut c = if good_base {
            json!({"authority": ISS, "client_id": CLIENT})
        } else { json!({}) };
        if let (Some(base), Some(extra)) = (c.as_object_mut(), obj.as_object()) {
            for (k, v) in extra { base.insert(k.clone(), v.clone()); }
        }
        if let Ok(cfg) = parse_config(&c.to_string()) {
            prop_assert!(is_secure_url(&cfg.authority), "authority {}", cfg.authority);
            prop_assert!(is_secure_url(&cfg.api_base), "api_base {}", cfg.api_base);
            prop_assert_eq!(cfg.client_id.len(), 36);
            prop_assert!(!cfg.scopes.is_empty());
            if let Some(r) = &cfg.redirect_uri { prop_assert!(is_secure_url(r) && !r.contains('#')); }
        }
    }

    /// Incident pages of both sources: never panic; links only ever point at the Defender portal; text is capped.
    #[test]
    fn incident_pages(items in prop::collection::vec(json_object(), 0..6), raw in any::<String>(),
                      next in json_value()) {
        let _ = parse_defender_page(&raw);
        let _ = parse_graph_page(&raw);
        let body = json!({"value": items, "@odata.nextLink": next}).to_string();
        for (incidents, _) in [
            (parse_defender_page(&body).unwrap_or_default(), None::<String>),
            parse_graph_page(&body).unwrap_or_default(),
        ] {
            for i in incidents {
                if let Some(u) = &i.web_url {
                    prop_assert!(u.starts_with("https://security.microsoft.com/"), "unsafe link {u}");
                }
                prop_assert!(i.name.chars().count() <= onbehalf::incidents::model::MAX_TEXT_CHARS + 1);
                let _ = (i.severity.label(), i.status.label(), i.classification.label(), i.determination.label());
            }
        }
    }

    /// Hostile incident fields built to hit every typed field with every JSON type.
    #[test]
    fn incident_fields(fields in prop::collection::vec((field_name(), json_value()), 0..24)) {
        let mut o: Map<String, Value> = fields.into_iter().collect();
        o.entry("incidentId".to_string()).or_insert(json!(1));
        o.entry("id".to_string()).or_insert(json!("1"));
        let body = json!({"value": [Value::Object(o)]}).to_string();
        let _ = parse_defender_page(&body);
        if let Ok((v, _)) = parse_graph_page(&body) {
            for i in v {
                if let Some(u) = i.web_url { prop_assert!(u.starts_with("https://security.microsoft.com/")); }
            }
        }
    }

    /// API error mapping and Retry-After: never panics, whatever the status, headers and body.
    #[test]
    fn api_errors(status in 100u16..600, ra in nasty_string(), body in prop_oneof![json_object().prop_map(|v| v.to_string()), any::<String>()],
                  graph in any::<bool>()) {
        let r = resp(status, body, vec![("Retry-After".into(), ra)]);
        let _ = retry_after(&r);
        let _ = map_response(&r, required_scope(if graph { Source::Graph } else { Source::Defender })).map_err(|e| (e.fault(), e.user_message()));
    }
}

/// Deep nesting beyond serde_json's recursion limit is an error, not a stack overflow.
#[test]
fn deeply_nested_bodies_are_errors_not_crashes() {
    let deep = format!("{{\"value\":[{{\"incidentId\":1,\"x\":{}{}}}]}}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(parse_defender_page(&deep).is_err());
    assert!(parse_graph_page(&deep).is_err());
    assert!(parse_config(&deep).is_err());
    assert!(parse_discovery(&deep, ISS).is_err());
    let tok = format!("{}.{}.s", URL_SAFE_NO_PAD.encode("{\"alg\":\"RS256\"}"), URL_SAFE_NO_PAD.encode(&deep));
    assert!(decode_unverified(&tok).is_err());
}

/// Writes on the analyst's behalf (issue 14): whatever the action, id and source, nothing panics, and every
/// request that is built carries only what the validity rules accept, in the documented names and spellings.
mod actions {
    use super::*;
    use onbehalf::actions::{
        classification_wire, determination_wire, update_requests, valid_determinations, validate,
        writable_classifications, writable_statuses, Action, MAX_TAGS,
    };
    use onbehalf::http::Method;
    use onbehalf::incidents::model::{Classification, Determination, Status};

    fn status() -> impl Strategy<Value = Status> {
        prop_oneof![
            Just(Status::Active),
            Just(Status::InProgress),
            Just(Status::Resolved),
            Just(Status::Redirected),
            Just(Status::AwaitingAction),
            nasty_string().prop_map(Status::Unknown),
        ]
    }

    fn classification() -> impl Strategy<Value = Classification> {
        prop_oneof![
            Just(Classification::Unknown),
            Just(Classification::TruePositive),
            Just(Classification::FalsePositive),
            Just(Classification::InformationalExpectedActivity),
            nasty_string().prop_map(Classification::Other),
        ]
    }

    fn determination() -> impl Strategy<Value = Determination> {
        prop_oneof![
            prop::sample::select(vec![
                Determination::NotAvailable,
                Determination::Apt,
                Determination::Malware,
                Determination::SecurityPersonnel,
                Determination::SecurityTesting,
                Determination::UnwantedSoftware,
                Determination::MultiStagedAttack,
                Determination::MaliciousUserActivity,
                Determination::CompromisedUser,
                Determination::Phishing,
                Determination::LineOfBusinessApplication,
                Determination::ConfirmedUserActivity,
                Determination::Clean,
                Determination::NotMalicious,
                Determination::InsufficientData,
            ]),
            prop_oneof![Just("Other".to_string()), Just(" oTHER ".to_string()), nasty_string()]
                .prop_map(Determination::Other),
        ]
    }

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![nasty_string(), Just(String::new()), Just("  \n\t ".to_string()), "[ a-z]{0,12}"]
    }

    fn action() -> impl Strategy<Value = Action> {
        prop_oneof![
            text().prop_map(Action::AssignTo),
            Just(Action::Unassign),
            status().prop_map(Action::SetStatus),
            (classification(), determination())
                .prop_map(|(classification, determination)| Action::Classify { classification, determination }),
            prop::collection::vec(text(), 0..8).prop_map(Action::SetTags),
            text().prop_map(Action::Comment),
            (classification(), determination(), prop::option::of(text())).prop_map(
                |(classification, determination, comment)| Action::Resolve { classification, determination, comment }
            ),
        ]
    }

    fn clean_text(v: &Value) -> bool {
        v.as_str().is_some_and(|s| !s.is_empty() && s.trim() == s)
    }

    proptest! {
        #![proptest_config(cfg())]

        #[test]
        fn every_built_write_is_valid(a in action(), graph in any::<bool>(),
                                      id in prop_oneof![nasty_string(), "[0-9]{1,20}", Just("..".to_string())],
                                      base in prop_oneof![Just("https://api.example.test".to_string()), nasty_string()]) {
            let source = if graph { Source::Graph } else { Source::Defender };
            let token = AccessToken::new("t".into());
            let Ok(reqs) = update_requests(source, &base, &id, &a, &token) else { return Ok(()) };
            prop_assert!(validate(source, &a).is_ok(), "built a request the rules refuse: {a:?}");
            prop_assert!(is_secure_url(&base));
            let most = if graph { 2 } else { 1 };
            prop_assert!(!reqs.is_empty() && reqs.len() <= most, "{} requests", reqs.len());
            for r in &reqs {
                prop_assert!(r.http.url.starts_with(base.trim_end_matches('/')));
                let path = r.http.url.get(base.trim_end_matches('/').len()..).unwrap_or("");
                prop_assert!(!path.contains("/../") && !path.ends_with("/..") && !path.contains(['?', '#', ' ']), "{path}");
                let body: Value = serde_json::from_str(r.http.body.as_deref().unwrap_or_default()).expect("body is JSON");
                let o = body.as_object().expect("body is an object");
                prop_assert!(!o.is_empty());
                if r.http.method == Method::Post {
                    prop_assert!(graph && r.http.url.ends_with("/comments"));
                    prop_assert_eq!(o.get("@odata.type"), Some(&json!("microsoft.graph.security.alertComment")));
                    prop_assert!(o.get("comment").is_some_and(clean_text));
                    prop_assert_eq!(o.len(), 2);
                    continue;
                }
                for (k, v) in o {
                    match k.as_str() {
                        "status" => prop_assert!(writable_statuses(source).iter()
                            .any(|s| v.as_str() == Some(s.api_value(source).as_str())), "status {v}"),
                        "assignedTo" => prop_assert!(clean_text(v) || (graph && v.is_null()), "assignee {v}"),
                        "classification" => {
                            let c = writable_classifications().iter()
                                .find(|c| v.as_str() == classification_wire(source, c));
                            prop_assert!(c.is_some(), "classification {v}");
                            let d = o.get("determination").and_then(Value::as_str);
                            prop_assert!(c.is_some_and(|c| valid_determinations(source, c).iter()
                                .any(|x| determination_wire(source, x) == d)), "pair {v} {d:?}");
                        }
                        "determination" => prop_assert!(o.contains_key("classification")),
                        "tags" | "customTags" => {
                            prop_assert_eq!(k == "customTags", graph);
                            let tags = v.as_array().expect("tags are an array");
                            prop_assert!(tags.len() <= MAX_TAGS && tags.iter().all(clean_text));
                            let mut lower: Vec<String> = tags.iter().filter_map(Value::as_str).map(str::to_lowercase).collect();
                            lower.sort();
                            lower.dedup();
                            prop_assert_eq!(lower.len(), tags.len());
                        }
                        "comment" => prop_assert!(!graph && clean_text(v)),
                        other => prop_assert!(false, "unexpected property {other}"),
                    }
                }
            }
        }
    }
}

// ---- Advanced hunting (api::hunting): the answer, its failures, the hunt view, the KQL the pivots write. ----

mod hunting {
    use super::*;
    use onbehalf::hunting::{
        hunt_request, kql_string, map_hunt_response, parse_hunt_result, pivots, Cell, EntityKind, HuntError, HuntView,
        Lookback, MAX_CELL_CHARS, MAX_QUERY_CHARS,
    };

    fn column_name() -> impl Strategy<Value = String> {
        prop_oneof![
            3 => prop::sample::select(vec!["Timestamp", "DeviceName", "N", "R", "B", "D", "G", "S", ""]).prop_map(str::to_string),
            1 => nasty_string(),
        ]
    }

    fn type_name() -> impl Strategy<Value = Value> {
        prop_oneof![
            4 => prop::sample::select(vec![
                "String", "string", "DateTime", "datetime", "Int64", "long", "Int32", "int", "Double", "real",
                "Boolean", "bool", "Object", "dynamic", "Guid", "TimeSpan", "SByte", "Decimal", "",
            ]).prop_map(|t| json!(t)),
            1 => json_value(),
        ]
    }

    /// Answers shaped like runHuntingQuery's (in both documented spellings), with hostile values and damage.
    fn hunt_body() -> impl Strategy<Value = String> {
        let columns = prop::collection::vec((column_name(), type_name(), any::<bool>()), 0..8);
        let answer = columns.prop_flat_map(|cols| {
            let names: Vec<String> = cols.iter().map(|(n, _, _)| n.clone()).collect();
            let row = prop::collection::vec(
                (
                    prop::sample::select(names.clone().into_iter().chain(["x".to_string()]).collect::<Vec<_>>()),
                    json_value(),
                ),
                0..10,
            )
            .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<String, Value>>()));
            let rows = prop::collection::vec(prop_oneof![8 => row, 1 => json_value()], 0..12);
            (Just(cols), rows, any::<bool>())
        });
        prop_oneof![
            4 => answer.prop_map(|(cols, rows, pascal)| {
                let (s, r, n, t) = if pascal { ("Schema", "Results", "Name", "Type") } else { ("schema", "results", "name", "type") };
                let schema: Vec<Value> = cols.into_iter().map(|(name, ty, keep)| if keep { json!({n: name, t: ty}) } else { json!({n: name}) }).collect();
                json!({s: schema, r: rows}).to_string()
            }),
            1 => json_object().prop_map(|v| v.to_string()),
            1 => any::<String>(),
        ]
    }

    proptest! {
        #![proptest_config(cfg())]

        /// Any answer: no panic; on success every row has one cell per column, cells are capped, sorting any
        /// column keeps the rows and puts empty cells last, and the JSON export reads back as the same table.
        #[test]
        fn a_hunt_answer_never_breaks_the_table(body in hunt_body(), desc in any::<bool>()) {
            let Ok(mut r) = parse_hunt_result(&body) else { return Ok(()) };
            prop_assert!(r.rows.iter().all(|row| row.len() == r.columns.len()));
            prop_assert!(r.rows.iter().flatten().all(|c| c.display().chars().count() <= MAX_CELL_CHARS + 1));
            let cut = r.rows.iter().flatten().any(|c| c.display().chars().count() > MAX_CELL_CHARS);
            if !cut {
                // serde_json (without float_roundtrip) may read a float back a few ulps off (seen: 2 ulps at
                // 1e-90 and 1e-231): numbers compare within 16 ulps, and a dynamic value (which may hold floats)
                // stays dynamic.
                let same = |a: &Cell, b: &Cell| match (a, b) {
                    (Cell::Real(x), Cell::Real(y)) => (x - y).abs() <= 16.0 * f64::EPSILON * x.abs().max(y.abs()),
                    (Cell::Dynamic(_), Cell::Dynamic(_)) => true,
                    _ => a == b,
                };
                let back = parse_hunt_result(&r.to_json()).expect("export reads back");
                prop_assert_eq!(&back.columns, &r.columns);
                prop_assert_eq!(back.rows.len(), r.rows.len());
                for (x, y) in back.rows.iter().flatten().zip(r.rows.iter().flatten()) {
                    prop_assert!(same(x, y), "{x:?} vs {y:?}");
                }
            }
            let csv = r.to_csv();
            prop_assert!(csv.matches("\r\n").count() > r.rows.len(), "a header and a line per row");
            for col in 0..r.columns.len() {
                let before = r.rows.len();
                r.sort_by_column(col, desc);
                prop_assert_eq!(r.rows.len(), before);
                let first_null = r.rows.iter().position(|row| row[col] == Cell::Null).unwrap_or(r.rows.len());
                prop_assert!(r.rows[first_null..].iter().all(|row| row[col] == Cell::Null), "empty cells last");
            }
        }

        /// Any failure: no panic, a sentence to show, a bounded reset, places that exist.
        #[test]
        fn a_hunt_failure_is_always_explained(status in prop_oneof![Just(400u16), Just(403), Just(408), Just(429), Just(500), Just(504), 100u16..600],
                                              body in prop_oneof![json_object().prop_map(|v| v.to_string()), nasty_string(),
                                                  nasty_string().prop_map(|m| json!({"error": {"code": "BadRequest", "message": format!("{m} line [{m}] (3,{m}) line 2, column {m}")}}).to_string())],
                                              retry_after in proptest::option::of(nasty_string()), holds in any::<bool>()) {
            let headers = retry_after.map(|v| ("Retry-After".to_string(), v)).into_iter().collect();
            let resp = HttpResponse { status, headers, body };
            let Err(e) = map_hunt_response(&resp, holds) else { prop_assert!((200..300).contains(&status)); return Ok(()) };
            prop_assert!(!e.user_message().is_empty());
            match &e {
                HuntError::Quota { retry_after_secs, .. } => prop_assert!((1..=86_400).contains(retry_after_secs)),
                HuntError::Query { at: Some(p), .. } => prop_assert!(p.line >= 1 && p.column >= 1),
                _ => {}
            }
            prop_assert_eq!(status == 429, matches!(e, HuntError::Quota { .. }));
        }

        /// Any fragment: no panic, bounded, and what is read writes back to itself.
        #[test]
        fn a_hunt_link_is_bounded_and_round_trips(hash in prop_oneof![nasty_string(), nasty_string().prop_map(|s| format!("#/hunt?q={s}&t={s}")),
                                                                       any::<String>().prop_map(|s| format!("#/hunt?q={}", onbehalf::http::percent_encode(&s)))]) {
            if let Some(v) = HuntView::from_hash(&hash) {
                prop_assert!(v.query.chars().count() <= MAX_QUERY_CHARS);
                prop_assert!(v.timespan.as_deref().is_none_or(|t| t.chars().all(|c| c.is_ascii_alphanumeric() || ":.-+/,".contains(c))));
                prop_assert_eq!(HuntView::from_hash(&v.to_hash()), Some(v));
            }
        }

        /// Any entity value stays one string literal: every prepared query keeps its template's lines, and the
        /// literal holds no unescaped quote. The request carries the query as JSON data.
        #[test]
        fn an_entity_value_cannot_escape_its_literal(value in prop_oneof![any::<String>(), nasty_string(), Just("\\\"\n| take 1 //".to_string())]) {
            let lit = kql_string(&value);
            let inner = &lit[1..lit.len() - 1];
            let mut escaped = false;
            for c in inner.chars() {
                prop_assert!(escaped || c != '"', "unescaped quote in {lit}");
                prop_assert!(!c.is_control(), "raw control character in {lit:?}");
                escaped = !escaped && c == '\\';
            }
            prop_assert!(!escaped, "a trailing backslash would escape the closing quote");
            for kind in [EntityKind::Device, EntityKind::User, EntityKind::Ip, EntityKind::Sha256, EntityKind::Sha1, EntityKind::Url, EntityKind::Mailbox] {
                for p in pivots(kind, &value, Lookback::DEFAULT) {
                    prop_assert_eq!(p.query.lines().count(), 6);
                    let req = hunt_request("https://graph.microsoft.com", &p.query, Some("P7D"), &AccessToken::new("t".into()));
                    let body: Value = serde_json::from_str(req.body.as_deref().unwrap_or("")).expect("JSON body");
                    prop_assert_eq!(body["Query"].as_str(), Some(p.query.as_str()));
                }
            }
        }
    }
}
