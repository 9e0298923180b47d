//! `/_sandbox/` control API: faults, key rotation, reset, request log, data edits, test tokens.
//! Unauthenticated on purpose: it only ever listens on loopback for tests.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::clock::now_ms;
use crate::data::{defender_json, fresh, sort_newest_first, Incident};
use crate::directory::{find_user, DEFENDER_RESOURCE, GRAPH_RESOURCE};
use crate::jwt::KeyPair;
use crate::state::{lock, AppState};

/// Routes under `/_sandbox/`.
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/_sandbox/faults", get(get_faults).post(set_faults).delete(reset_faults))
        .route("/_sandbox/rotate-keys", post(rotate_keys))
        .route("/_sandbox/reset", post(reset))
        .route("/_sandbox/requests", get(requests).delete(clear_requests))
        .route("/_sandbox/incidents", post(add_incident))
        .route("/_sandbox/incidents/{id}", patch(patch_incident))
        .route("/_sandbox/tokens/{user}", get(mint_token))
        .layer(axum::middleware::map_response(|mut r: Response| async move {
            r.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
            r
        }))
}

fn bad(msg: impl Into<String>) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({"error": msg.into()}))).into_response()
}

fn json_body(body: &Bytes) -> Result<Value, String> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    serde_json::from_slice(body).map_err(|e| format!("invalid JSON: {e}"))
}

/// Faults the sandbox starts with (from the command-line flags).
pub(crate) fn initial_faults(st: &crate::options::Options) -> crate::faults::Faults {
    crate::faults::Faults { latency_ms: st.latency_ms, error_rate: st.error_rate, ..Default::default() }
}

async fn get_faults(State(st): State<AppState>) -> Response {
    Json(st.faults()).into_response()
}

async fn set_faults(State(st): State<AppState>, body: Bytes) -> Response {
    let patch = match json_body(&body) {
        Ok(v) => v,
        Err(e) => return bad(e),
    };
    let mut f = lock(&st.faults);
    match f.merge(&patch) {
        Ok(merged) => {
            *f = merged.clone();
            Json(merged).into_response()
        }
        Err(e) => bad(e),
    }
}

async fn reset_faults(State(st): State<AppState>) -> Response {
    let f = initial_faults(&st.opts);
    *lock(&st.faults) = f.clone();
    Json(f).into_response()
}

async fn rotate_keys(State(st): State<AppState>) -> Response {
    match tokio::task::spawn_blocking(KeyPair::generate).await {
        Ok(Ok(k)) => {
            let kid = k.kid.clone();
            *st.key.write().unwrap_or_else(|e| e.into_inner()) = std::sync::Arc::new(k);
            Json(json!({"kid": kid})).into_response()
        }
        _ => (StatusCode::INTERNAL_SERVER_ERROR, Json(json!({"error": "key generation failed"}))).into_response(),
    }
}

async fn reset(State(st): State<AppState>) -> Response {
    *lock(&st.faults) = initial_faults(&st.opts);
    lock(&st.sessions).clear();
    lock(&st.consents).clear();
    lock(&st.pending).clear();
    lock(&st.codes).clear();
    lock(&st.refresh).clear();
    lock(&st.rate).clear();
    lock(&st.log).clear();
    Json(json!({"reset": true})).into_response()
}

async fn requests(State(st): State<AppState>) -> Response {
    let log: Vec<_> = lock(&st.log).iter().cloned().collect();
    Json(log).into_response()
}

async fn clear_requests(State(st): State<AppState>) -> Response {
    lock(&st.log).clear();
    StatusCode::NO_CONTENT.into_response()
}

fn apply_fields(inc: &mut Incident, body: &Value) -> Result<(), String> {
    let Value::Object(m) = body else {
        return Err("body must be a JSON object".into());
    };
    for (k, v) in m {
        let val = match v {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            _ => return Err(format!("'{k}' must be a string or null")),
        };
        match k.as_str() {
            "status" => inc.status = val,
            "severity" => inc.severity = val,
            "assignedTo" => inc.assigned_to = val,
            "incidentName" => inc.name = val,
            "classification" => inc.classification = val,
            "determination" => inc.determination = val,
            other => return Err(format!("field '{other}' cannot be changed (allowed: status, severity, assignedTo, incidentName, classification, determination)")),
        }
    }
    Ok(())
}

async fn patch_incident(State(st): State<AppState>, Path(id): Path<String>, body: Bytes) -> Response {
    let Ok(id) = id.parse::<u64>() else {
        return bad("incidentId must be a number");
    };
    let body = match json_body(&body) {
        Ok(v) => v,
        Err(e) => return bad(e),
    };
    let edited = st.update_incident(&id.to_string(), |inc| {
        apply_fields(inc, &body)?;
        inc.last_update = now_ms().max(inc.last_update + 1);
        Ok::<(), String>(())
    });
    match edited {
        None => (StatusCode::NOT_FOUND, Json(json!({"error": format!("incident {id} not found")}))).into_response(),
        Some(Err(e)) => bad(e),
        Some(Ok(inc)) => Json(defender_json(&inc)).into_response(),
    }
}

async fn add_incident(State(st): State<AppState>, body: Bytes) -> Response {
    let body = match json_body(&body) {
        Ok(v) => v,
        Err(e) => return bad(e),
    };
    let mut incidents = st.incidents.write().unwrap_or_else(|e| e.into_inner());
    let id = incidents.iter().map(|i| i.id).max().unwrap_or(999) + 1;
    let mut inc = fresh(st.opts.seed, id, now_ms());
    if let Err(e) = apply_fields(&mut inc, &body) {
        return bad(e);
    }
    // Created as asked: its alerts are made from these fields (a later edit leaves them alone).
    inc.settle();
    incidents.push(inc.clone());
    sort_newest_first(&mut incidents);
    (StatusCode::CREATED, Json(defender_json(&inc))).into_response()
}

#[derive(Deserialize)]
struct TokenQuery {
    scp: Option<String>,
    aud: Option<String>,
    lifetime: Option<i64>,
    cp1: Option<bool>,
}

async fn mint_token(
    State(st): State<AppState>,
    Path(user): Path<String>,
    q: Result<Query<TokenQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(Query(q)) = q else {
        return bad("invalid query: scp (string), aud (string), lifetime (integer seconds)");
    };
    let Some(user) = find_user(&user) else {
        return (StatusCode::NOT_FOUND, Json(json!({"error": "unknown user (analyst, reader, admin)"})))
            .into_response();
    };
    let aud = match q.aud.as_deref() {
        None | Some("defender") => DEFENDER_RESOURCE.to_string(),
        Some("graph") => GRAPH_RESOURCE.to_string(),
        Some(other) => other.to_string(),
    };
    let scp = q.scp.unwrap_or_else(|| {
        if aud == GRAPH_RESOURCE {
            "SecurityIncident.Read.All".into()
        } else {
            "Incident.Read".into()
        }
    });
    let lifetime = q.lifetime.unwrap_or(st.opts.token_lifetime as i64);
    let token = crate::idp::minted::access_token(&st, user, &aud, &scp, lifetime, q.cp1.unwrap_or(false));
    Json(json!({"access_token": token, "token_type": "Bearer", "expires_in": lifetime, "aud": aud, "scp": scp}))
        .into_response()
}
