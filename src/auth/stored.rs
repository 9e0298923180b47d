//! The JSON this tab keeps in sessionStorage (the session, a pending sign-in), written and read through
//! `serde_json::Value`.
//!
//! The format is the one `#[derive(Serialize, Deserialize)]` gave `Session` and `PendingAuth` when they had
//! it (sessions already stored use it; the tests below hold it as golden JSON). The wasm goes through
//! `Value`, whose parser it has anyway: each derived struct would add its own copy of serde_json's parser
//! and writer to the download. A missing or mistyped required field refuses the whole record, an `Option`
//! may be missing or null, and unknown fields are ignored.

use super::account::Account;
use super::authorize::{PendingAuth, StepUp};
use super::discovery::ProviderMetadata;
use super::jwks::Jwks;
use super::jwt::IdClaims;
use super::secret::{AccessToken, Nonce, PkceVerifier, RefreshToken, State};
use super::session::Session;
use serde_json::{Map, Value};

type Obj = Map<String, Value>;

fn s(v: &str) -> Value {
    Value::String(v.to_string())
}

fn opt(v: Option<&str>) -> Value {
    v.map_or(Value::Null, s)
}

fn list(v: &[String]) -> Value {
    Value::Array(v.iter().map(|x| s(x)).collect())
}

fn object(fields: Vec<(&str, Value)>) -> Value {
    // Inserted one by one: collecting into the map would sort first (one more copy of the stable sort).
    let mut m = Map::new();
    for (k, v) in fields {
        m.insert(k.to_string(), v);
    }
    Value::Object(m)
}

fn get_str(o: &Obj, k: &str) -> Option<String> {
    o.get(k)?.as_str().map(str::to_string)
}

fn get_u64(o: &Obj, k: &str) -> Option<u64> {
    o.get(k)?.as_u64()
}

/// `Some(None)` for missing or null, `None` for another type (the record is refused).
fn get_opt(o: &Obj, k: &str) -> Option<Option<String>> {
    match o.get(k) {
        None | Some(Value::Null) => Some(None),
        Some(Value::String(v)) => Some(Some(v.clone())),
        Some(_) => None,
    }
}

fn get_list(o: &Obj, k: &str) -> Option<Vec<String>> {
    o.get(k)?.as_array()?.iter().map(|v| v.as_str().map(str::to_string)).collect()
}

/// Adds `k` only when `v` is present: fields added after the format was fixed, so records without them
/// stay byte-for-byte what older versions wrote and read.
fn push_some(fields: &mut Vec<(&'static str, Value)>, k: &'static str, v: Option<&str>) {
    if let Some(v) = v {
        fields.push((k, s(v)));
    }
}

fn id_claims_value(c: &IdClaims) -> Value {
    let mut fields = vec![
        ("iss", s(&c.iss)),
        ("sub", s(&c.sub)),
        ("aud", list(&c.aud)),
        ("exp", c.exp.into()),
        ("iat", c.iat.into()),
        ("nonce", opt(c.nonce.as_deref())),
        ("tid", opt(c.tid.as_deref())),
        ("oid", opt(c.oid.as_deref())),
        ("name", opt(c.name.as_deref())),
        ("preferred_username", opt(c.preferred_username.as_deref())),
    ];
    push_some(&mut fields, "login_hint", c.login_hint.as_deref());
    object(fields)
}

fn id_claims_from(o: &Obj) -> Option<IdClaims> {
    Some(IdClaims {
        iss: get_str(o, "iss")?,
        sub: get_str(o, "sub")?,
        aud: get_list(o, "aud")?,
        exp: get_u64(o, "exp")?,
        iat: get_u64(o, "iat")?,
        nonce: get_opt(o, "nonce")?,
        tid: get_opt(o, "tid")?,
        oid: get_opt(o, "oid")?,
        name: get_opt(o, "name")?,
        preferred_username: get_opt(o, "preferred_username")?,
        login_hint: get_opt(o, "login_hint")?,
    })
}

/// The session as stored.
pub(crate) fn session_to_json(x: &Session) -> String {
    let mut fields = vec![
        ("access_token", s(x.access_token.secret())),
        ("expires_at", x.expires_at.into()),
        ("granted_scopes", list(&x.granted_scopes)),
        ("id_claims", id_claims_value(&x.id_claims)),
        ("refresh_token", opt(x.refresh_token.as_ref().map(RefreshToken::secret))),
        ("signed_in_at", x.signed_in_at.into()),
        ("issuer", s(&x.issuer)),
        ("token_received_at", x.token_received_at.into()),
    ];
    push_some(&mut fields, "end_session_endpoint", x.end_session_endpoint.as_deref());
    object(fields).to_string()
}

/// A stored session, or None if it is not one (not JSON, a field missing or of the wrong type).
pub(crate) fn session_from_json(json: &str) -> Option<Session> {
    let v: Value = serde_json::from_str(json).ok()?;
    let o = v.as_object()?;
    Some(Session {
        access_token: AccessToken::new(get_str(o, "access_token")?),
        expires_at: get_u64(o, "expires_at")?,
        granted_scopes: get_list(o, "granted_scopes")?,
        id_claims: id_claims_from(o.get("id_claims")?.as_object()?)?,
        refresh_token: get_opt(o, "refresh_token")?.map(RefreshToken::new),
        signed_in_at: get_u64(o, "signed_in_at")?,
        issuer: get_str(o, "issuer")?,
        // Written by every version that renews; absent in older sessions (then 0).
        token_received_at: match o.get("token_received_at") {
            None => 0,
            Some(v) => v.as_u64()?,
        },
        end_session_endpoint: get_opt(o, "end_session_endpoint")?,
    })
}

/// A pending sign-in as stored.
pub(crate) fn pending_to_json(p: &PendingAuth) -> String {
    let mut fields = vec![
        ("state", s(p.state.secret())),
        ("nonce", s(p.nonce.secret())),
        ("verifier", s(p.verifier.secret())),
        ("issuer", s(&p.issuer)),
        ("redirect_uri", s(&p.redirect_uri)),
        ("return_to", s(&p.return_to)),
        ("created_at", p.created_at.into()),
        ("provider", p.provider.as_ref().map_or(Value::Null, provider_value)),
        ("authority", s(&p.authority)),
    ];
    // Written only when fetched, so a record without keys is what older versions wrote.
    if let Some(k) = &p.jwks {
        fields.push(("jwks", k.to_value()));
    }
    // Written only when present, so a plain sign-in's record is exactly what it always was.
    if let Some(u) = &p.step_up {
        let mut up = vec![("scopes", list(&u.scopes)), ("intent", s(&u.intent))];
        if let Some(a) = &u.account {
            up.push(("account", a.to_value()));
        }
        fields.push(("step_up", object(up)));
    }
    push_some(&mut fields, "claims", p.claims.as_deref());
    object(fields).to_string()
}

fn step_up_from(o: &Obj) -> Option<StepUp> {
    Some(StepUp {
        scopes: get_list(o, "scopes")?,
        intent: get_str(o, "intent")?,
        // Records from before it was kept have none (then the return is not checked against it).
        account: o.get("account").and_then(Account::from_value),
    })
}

fn provider_value(m: &ProviderMetadata) -> Value {
    object(vec![
        ("issuer", s(&m.issuer)),
        ("authorization_endpoint", s(&m.authorization_endpoint)),
        ("token_endpoint", s(&m.token_endpoint)),
        ("end_session_endpoint", opt(m.end_session_endpoint.as_deref())),
        ("jwks_uri", opt(m.jwks_uri.as_deref())),
        ("code_challenge_methods", list(&m.code_challenge_methods)),
        ("iss_parameter_supported", Value::Bool(m.iss_parameter_supported)),
    ])
}

fn provider_from(o: &Obj) -> Option<ProviderMetadata> {
    Some(ProviderMetadata {
        issuer: get_str(o, "issuer")?,
        authorization_endpoint: get_str(o, "authorization_endpoint")?,
        token_endpoint: get_str(o, "token_endpoint")?,
        end_session_endpoint: get_opt(o, "end_session_endpoint")?,
        jwks_uri: get_opt(o, "jwks_uri")?,
        code_challenge_methods: get_list(o, "code_challenge_methods")?,
        iss_parameter_supported: o.get("iss_parameter_supported")?.as_bool()?,
    })
}

/// A stored pending sign-in, or None if it is not one.
pub(crate) fn pending_from_json(json: &str) -> Option<PendingAuth> {
    let v: Value = serde_json::from_str(json).ok()?;
    let o = v.as_object()?;
    Some(PendingAuth {
        state: State::new(get_str(o, "state")?),
        nonce: Nonce::new(get_str(o, "nonce")?),
        verifier: PkceVerifier::new(get_str(o, "verifier")?),
        issuer: get_str(o, "issuer")?,
        redirect_uri: get_str(o, "redirect_uri")?,
        return_to: get_str(o, "return_to")?,
        created_at: get_u64(o, "created_at")?,
        // Only a shortcut: when absent or unreadable, the redirect back
        // discovers again instead of refusing the sign-in.
        provider: o.get("provider").and_then(Value::as_object).and_then(provider_from),
        authority: get_str(o, "authority").unwrap_or_default(),
        // Only a shortcut too: records without keys (older versions, a failed fetch) fetch them on the way back.
        jwks: o.get("jwks").and_then(Jwks::from_value),
        // Records from before incremental consent have none; an unreadable one is dropped (the sign-in still
        // completes, without the held intent).
        step_up: o.get("step_up").and_then(Value::as_object).and_then(step_up_from),
        claims: get_opt(o, "claims").flatten(),
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use serde_json::json;

    pub(crate) fn session(rt: Option<&str>, nonce: Option<&str>) -> Session {
        Session {
            access_token: AccessToken::new("at".into()),
            expires_at: 1_700_003_600,
            granted_scopes: vec!["Incident.Read".into(), "openid".into()],
            id_claims: IdClaims {
                iss: "https://login.example/t/v2.0".into(),
                sub: "s\"ub\n".into(),
                aud: vec!["cid".into()],
                exp: 1_700_003_600,
                iat: 1_700_000_000,
                nonce: nonce.map(str::to_string),
                tid: Some("t".into()),
                oid: None,
                name: Some("Ada <b>Analyst</b> é".into()),
                preferred_username: Some("ada@contoso.com".into()),
                login_hint: None,
            },
            refresh_token: rt.map(|r| RefreshToken::new(r.into())),
            signed_in_at: 1_700_000_000,
            issuer: "https://login.example/t/v2.0".into(),
            token_received_at: 1_700_000_010,
            end_session_endpoint: None,
        }
    }

    fn pending() -> PendingAuth {
        PendingAuth {
            state: State::new("st".into()),
            nonce: Nonce::new("n0nce+/=".into()),
            verifier: PkceVerifier::new("v".repeat(43)),
            issuer: "https://login.example/t/v2.0".into(),
            redirect_uri: "https://app.example/spa/".into(),
            return_to: "#/incidents?status=active".into(),
            created_at: 1_700_000_000,
            provider: None,
            authority: String::new(),
            jwks: None,
            step_up: None,
            claims: None,
        }
    }

    /// The records as this tab has always written them (the format the serde derive gave, which sessions
    /// already in sessionStorage use): a change to the format fails here, not in a user's tab.
    const SESSION_JSON: &str = r#"{"access_token":"at","expires_at":1700003600,"granted_scopes":["Incident.Read","openid"],
        "id_claims":{"iss":"https://login.example/t/v2.0","sub":"s\"ub\n","aud":["cid"],"exp":1700003600,"iat":1700000000,
        "nonce":"n","tid":"t","oid":null,"name":"Ada <b>Analyst</b> é","preferred_username":"ada@contoso.com"},
        "refresh_token":"rt","signed_in_at":1700000000,"issuer":"https://login.example/t/v2.0","token_received_at":1700000010}"#;
    const PENDING_JSON: &str = r##"{"state":"st","nonce":"n0nce+/=","verifier":"vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv",
        "issuer":"https://login.example/t/v2.0","redirect_uri":"https://app.example/spa/","return_to":"#/incidents?status=active",
        "created_at":1700000000,"provider":{"issuer":"https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0",
        "authorization_endpoint":"https://login.microsoftonline.com/t/oauth2/v2.0/authorize",
        "token_endpoint":"https://login.microsoftonline.com/t/oauth2/v2.0/token","end_session_endpoint":null,"jwks_uri":null,
        "code_challenge_methods":[],"iss_parameter_supported":false},"authority":"https://login.example/t/v2.0"}"##;

    fn value(json: &str) -> Value {
        serde_json::from_str(json).unwrap()
    }

    fn with_provider() -> PendingAuth {
        let mut p = pending();
        p.provider = Some(crate::auth::authorize::tests::meta());
        p.authority = "https://login.example/t/v2.0".into();
        p
    }

    #[test]
    fn the_stored_format_stays_the_same_both_ways() {
        let s = session(Some("rt"), Some("n"));
        assert_eq!(value(&session_to_json(&s)), value(SESSION_JSON));
        assert_eq!(session_from_json(SESSION_JSON), Some(s));
        let p = with_provider();
        assert_eq!(value(&pending_to_json(&p)), value(PENDING_JSON));
        let back = pending_from_json(PENDING_JSON).unwrap();
        assert_eq!(back.verifier.secret(), p.verifier.secret());
        assert_eq!(back.provider, p.provider);
        assert_eq!(pending_to_json(&back), pending_to_json(&p));
        // Absent options are written as null, and read back as None.
        let mut v = value(SESSION_JSON);
        v["refresh_token"] = Value::Null;
        v["id_claims"]["nonce"] = Value::Null;
        assert_eq!(value(&session_to_json(&session(None, None))), v);
        assert_eq!(session_from_json(&v.to_string()), Some(session(None, None)));
        let mut v = value(PENDING_JSON);
        v["provider"] = Value::Null;
        v["authority"] = json!("");
        assert_eq!(value(&pending_to_json(&pending())), v);
    }

    #[test]
    fn the_end_session_endpoint_and_login_hint_travel_with_the_session_when_known() {
        let mut s = session(Some("rt"), Some("n"));
        s.end_session_endpoint = Some("https://login.example/t/oauth2/v2.0/logout".into());
        s.id_claims.login_hint = Some("O.CiQ…hint".into());
        let json = session_to_json(&s);
        let v = value(&json);
        assert_eq!(v["end_session_endpoint"], json!("https://login.example/t/oauth2/v2.0/logout"));
        assert_eq!(v["id_claims"]["login_hint"], json!("O.CiQ…hint"));
        assert_eq!(session_from_json(&json), Some(s));
        // Sessions written before these fields existed still load, without them.
        let old = session_from_json(SESSION_JSON).unwrap();
        assert!(old.end_session_endpoint.is_none() && old.id_claims.login_hint.is_none());
        let mut bad = v.clone();
        bad["end_session_endpoint"] = json!(5);
        assert!(session_from_json(&bad.to_string()).is_none());
    }

    #[test]
    fn the_signing_keys_travel_in_the_pending_record_and_older_records_still_read() {
        let keys = json!([{"kty":"RSA","kid":"k1","use":"sig","n":"sXch","e":"AQAB"}]);
        let mut p = with_provider();
        p.jwks = Jwks::from_value(&keys);
        assert!(p.jwks.is_some());
        let json = pending_to_json(&p);
        assert_eq!(value(&json)["jwks"], keys);
        assert_eq!(pending_from_json(&json).unwrap().jwks, p.jwks);
        // A record from before the keys travelled, or with unreadable keys: the sign-in still reads.
        assert!(pending_from_json(PENDING_JSON).unwrap().jwks.is_none());
        let mut v = value(&json);
        v["jwks"] = json!("junk");
        let back = pending_from_json(&v.to_string()).expect("still a sign-in");
        assert!(back.jwks.is_none() && back.provider.is_some());
    }

    #[test]
    fn an_unreadable_remembered_provider_only_costs_a_discovery() {
        let mut v: Value = serde_json::from_str(&pending_to_json(&pending())).unwrap();
        let o = v.as_object_mut().unwrap();
        o.remove("authority");
        o.insert("provider".into(), json!({"issuer": 5}));
        let back = pending_from_json(&v.to_string()).expect("the sign-in itself is still readable");
        assert!(back.provider.is_none() && back.authority.is_empty());
    }

    #[test]
    fn a_missing_or_mistyped_required_field_refuses_the_record() {
        let good: Value = serde_json::from_str(&session_to_json(&session(Some("rt"), None))).unwrap();
        // Older sessions without token_received_at still load; unknown fields are ignored.
        let mut older = good.clone();
        older.as_object_mut().unwrap().remove("token_received_at");
        older.as_object_mut().unwrap().insert("extra".into(), json!(1));
        assert_eq!(session_from_json(&older.to_string()).unwrap().token_received_at, 0);
        for (field, bad) in [
            ("access_token", json!(null)),
            ("expires_at", json!("1700003600")),
            ("expires_at", json!(-1)),
            ("expires_at", json!(1.5)),
            ("granted_scopes", json!("Incident.Read")),
            ("granted_scopes", json!([1])),
            ("id_claims", json!({})),
            ("refresh_token", json!(7)),
            ("token_received_at", json!(null)),
        ] {
            let mut v = good.clone();
            v.as_object_mut().unwrap().insert(field.into(), bad.clone());
            let json = v.to_string();
            assert!(session_from_json(&json).is_none(), "{field}: {bad}");
        }
        for junk in ["", "null", "[]", "{", "\"x\"", "{\"access_token\":\"at\"}"] {
            assert!(session_from_json(junk).is_none(), "{junk}");
            assert!(pending_from_json(junk).is_none(), "{junk}");
        }
    }

    /// Issue 14: the step-up travels in the pending record; records written before it existed still parse.
    #[test]
    fn a_step_up_round_trips_and_old_records_still_parse() {
        let old = pending_from_json(PENDING_JSON).expect("an old record parses");
        assert_eq!(old.step_up, None);
        let mut p = with_provider();
        p.step_up = Some(StepUp {
            scopes: vec!["https://graph.microsoft.com/SecurityIncident.ReadWrite.All".into()],
            intent: r#"{"kind":"incident-action","incident":"7"}"#.into(),
            account: Some(Account { tid: Some("t".into()), oid: Some("o".into()), sub: "s".into() }),
        });
        p.claims = Some(r#"{"access_token":{"xms_cc":{"values":["cp1"]}}}"#.into());
        let json = pending_to_json(&p);
        assert_eq!(
            value(&json)["step_up"]["scopes"],
            json!(["https://graph.microsoft.com/SecurityIncident.ReadWrite.All"])
        );
        assert_eq!(pending_from_json(&json).unwrap().step_up, p.step_up);
        assert_eq!(pending_from_json(&json).unwrap().claims, p.claims);
        // Issue 23: a step-up written before the account was kept reads back without one.
        let mut v = value(&json);
        v["step_up"].as_object_mut().unwrap().remove("account");
        assert_eq!(pending_from_json(&v.to_string()).unwrap().step_up.unwrap().account, None);
        let mut v = value(&json);
        v["step_up"] = json!({"scopes": "x"});
        let back = pending_from_json(&v.to_string()).expect("the sign-in itself is still readable");
        assert_eq!(back.step_up, None);
    }
}
