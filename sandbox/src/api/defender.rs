//! Defender XDR `GET /api/incidents`, get-by-id and `PATCH` (update).

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use crate::data::{defender_json, Incident};
use crate::directory::DEFENDER_RESOURCE;
use crate::odata::{self, FieldKind, FieldValue};
use crate::state::AppState;

use super::{finish, guard, query_pairs, update, Api};

const PERMISSIONS: [&str; 2] = ["Incident.Read", WRITE_PERMISSION];
/// The delegated permission updates need.
const WRITE_PERMISSION: &str = "Incident.ReadWrite";
const ENTITY_CONTEXT: &str = "https://api.security.microsoft.com/api/$metadata#Incidents/$entity";
/// Documented maximum (and default) page size.
pub(crate) const MAX_TOP: usize = 100;
const FIELDS: [(&str, FieldKind); 4] = [
    ("lastUpdateTime", FieldKind::DateTime),
    ("createdTime", FieldKind::DateTime),
    ("status", FieldKind::Text),
    ("assignedTo", FieldKind::Text),
];

/// Routes of the Defender origin.
pub(crate) fn router(st: AppState) -> Router {
    Router::new().route("/api/incidents", get(list)).route("/api/incidents/{id}", get(one).patch(update)).with_state(st)
}

fn odata_error(message: &str) -> Response {
    Api::Defender.error(StatusCode::BAD_REQUEST, "ODataError", &format!("Invalid OData URI query: {message}"))
}

fn field(inc: &Incident, name: &str) -> FieldValue {
    match name {
        "lastUpdateTime" => FieldValue::DateTime(Some(inc.last_update)),
        "createdTime" => FieldValue::DateTime(Some(inc.created)),
        "status" => FieldValue::Text(inc.status.clone()),
        _ => FieldValue::Text(inc.assigned_to.clone()),
    }
}

async fn list(State(st): State<AppState>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    if let Err(r) = guard(&st, Api::Defender, &headers, DEFENDER_RESOURCE, &PERMISSIONS).await {
        return r;
    }
    let pairs = match query_pairs(q.as_deref()) {
        Ok(p) => p,
        Err(e) => return odata_error(&e),
    };
    let (mut top, mut skip, mut filter) = (MAX_TOP, 0usize, None);
    let mut seen = Vec::new();
    for (k, v) in &pairs {
        if seen.contains(k) {
            return odata_error(&format!("query option '{k}' was specified more than once."));
        }
        seen.push(k.clone());
        match k.as_str() {
            "$top" => match v.trim().parse::<usize>() {
                Ok(n) if n <= MAX_TOP => top = n,
                Ok(n) => {
                    return odata_error(&format!("the $top value {n} exceeds the maximum page size of {MAX_TOP}."))
                }
                Err(_) => return odata_error(&format!("'{v}' is not a valid value for $top.")),
            },
            "$skip" => match v.trim().parse::<usize>() {
                Ok(n) => skip = n,
                Err(_) => return odata_error(&format!("'{v}' is not a valid value for $skip.")),
            },
            "$filter" => match odata::parse(v, &FIELDS) {
                Ok(e) => filter = Some(e),
                Err(e) => return odata_error(&e),
            },
            other if other.starts_with('$') => {
                return odata_error(&format!("the query option '{other}' is not supported."))
            }
            _ => {}
        }
    }
    let incidents = st.incidents.read().unwrap_or_else(|e| e.into_inner());
    let page: Vec<Value> = incidents
        .iter()
        .filter(|i| filter.as_ref().is_none_or(|f| odata::eval(f, &|n| field(i, n))))
        .skip(skip)
        .take(top)
        .map(defender_json)
        .collect();
    drop(incidents);
    finish(
        &st,
        &json!({
            "@odata.context": "https://api.security.microsoft.com/api/$metadata#Incidents",
            "value": page,
        }),
    )
}

async fn one(State(st): State<AppState>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    if let Err(r) = guard(&st, Api::Defender, &headers, DEFENDER_RESOURCE, &PERMISSIONS).await {
        return r;
    }
    let found = id.parse::<u64>().ok().and_then(|id| {
        let incidents = st.incidents.read().unwrap_or_else(|e| e.into_inner());
        incidents.iter().find(|i| i.id == id).map(defender_json)
    });
    match found {
        Some(mut v) => {
            v["@odata.context"] = json!(ENTITY_CONTEXT);
            finish(&st, &v)
        }
        None => Api::Defender.not_found(&id),
    }
}

/// `PATCH /api/incidents/{id}` ("Update incidents API"): 200 with the updated incident.
async fn update(State(st): State<AppState>, headers: HeaderMap, Path(id): Path<String>, body: Bytes) -> Response {
    let render = |inc: &Incident| {
        let mut v = defender_json(inc);
        v["@odata.context"] = json!(ENTITY_CONTEXT);
        v
    };
    update::patch(&st, Api::Defender, &headers, &id, &body, (DEFENDER_RESOURCE, WRITE_PERMISSION), render).await
}
