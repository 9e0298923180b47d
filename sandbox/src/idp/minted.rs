//! The JWTs the IdP signs: access tokens (one resource each) and ID tokens (with the ID-token faults applied).

use serde_json::{json, Map, Value};

use crate::clock::now_secs;
use crate::directory::{User, CLIENT_ID, TENANT_ID};
use crate::jwt;
use crate::pkce::s256;
use crate::state::{random_token, AppState};

/// Builds and signs an access token.
/// `cp1`: the client declared the capability, so the token says so (`xms_cc`) and resources may challenge it.
pub(crate) fn access_token(st: &AppState, user: &User, resource: &str, scp: &str, lifetime: i64, cp1: bool) -> String {
    let now = now_secs();
    let mut claims = json!({
        "aud": resource,
        "iss": st.issuer(),
        "iat": now,
        "nbf": now,
        "exp": now + lifetime,
        "aio": random_token(24),
        "app_displayname": crate::directory::APP_NAME,
        "appid": CLIENT_ID,
        "appidacr": "0",
        "azp": CLIENT_ID,
        "azpacr": "0",
        "idp": st.issuer(),
        "name": user.name,
        "oid": user.oid,
        "preferred_username": user.upn,
        "upn": user.upn,
        "unique_name": user.upn,
        "rh": "0.sandbox",
        "scp": scp,
        "sub": pairwise_sub(user, resource),
        "tid": TENANT_ID,
        "uti": random_token(16),
        "ver": "2.0",
    });
    if cp1 {
        claims["xms_cc"] = json!(["cp1"]);
    }
    st.key().sign(&claims)
}

fn pairwise_sub(user: &User, audience: &str) -> String {
    // Entra's `sub` is pairwise per application; derive it so it is stable but not the oid.
    s256(&format!("{}|{audience}", user.oid))
}

pub(crate) fn id_token(st: &AppState, user: &User, nonce: Option<&str>, lifetime: i64) -> String {
    let now = now_secs();
    let mut claims = json!({
        "aud": CLIENT_ID,
        "iss": st.issuer(),
        "iat": now,
        "nbf": now,
        "exp": now + lifetime,
        "name": user.name,
        "oid": user.oid,
        "preferred_username": user.upn,
        "rh": "0.sandbox",
        "sub": pairwise_sub(user, CLIENT_ID),
        "tid": TENANT_ID,
        "uti": random_token(16),
        "ver": "2.0",
    });
    if let (Some(n), Some(o)) = (nonce, claims.as_object_mut()) {
        o.insert("nonce".into(), Value::String(n.to_string()));
    }
    let faults = st.faults();
    if let Some(o) = claims.as_object_mut() {
        merge_claims(o, &faults.id_token_claims);
    }
    if faults.id_token_alg_none {
        jwt::sign_none(&claims)
    } else if faults.id_token_foreign_key {
        jwt::sign_foreign(&st.key().kid, &claims)
    } else {
        st.key().sign(&claims)
    }
}

fn merge_claims(o: &mut Map<String, Value>, extra: &Map<String, Value>) {
    for (k, v) in extra {
        if v.is_null() {
            o.remove(k);
        } else {
            o.insert(k.clone(), v.clone());
        }
    }
}
