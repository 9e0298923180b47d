//! Microsoft Graph `GET /v1.0/security/incidents`, get-by-id, `PATCH` (update) and `POST …/comments`.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

use crate::clock::now_ms;
use crate::data::{self, Incident};
use crate::directory::GRAPH_RESOURCE;
use crate::odata::{self, FieldKind, FieldValue};
use crate::state::AppState;

use super::{encode_value, finish, guard, guard_write, query_pairs, update, Api};

const PERMISSIONS: [&str; 2] = ["SecurityIncident.Read.All", WRITE_PERMISSION];
/// The delegated permission updates and comments need.
const WRITE_PERMISSION: &str = "SecurityIncident.ReadWrite.All";
const ENTITY_CONTEXT: &str = "https://graph.microsoft.com/v1.0/$metadata#security/incidents/$entity";
/// Largest `$top` Graph accepts for incidents (and the default page size).
pub(crate) const MAX_TOP: usize = 50;
const FIELDS: [(&str, FieldKind); 7] = [
    ("assignedTo", FieldKind::Text),
    ("classification", FieldKind::Text),
    ("createdDateTime", FieldKind::DateTime),
    ("determination", FieldKind::Text),
    ("lastUpdateDateTime", FieldKind::DateTime),
    ("severity", FieldKind::Text),
    ("status", FieldKind::Text),
];

/// Routes of the Graph origin.
pub(crate) fn router(st: AppState) -> Router {
    Router::new()
        .route("/v1.0/security/incidents", get(list))
        .route("/v1.0/security/incidents/{id}", get(one).patch(update))
        .route("/v1.0/security/incidents/{id}/comments", post(comment))
        .with_state(st)
}

fn bad_request(message: &str) -> Response {
    Api::Graph.error(StatusCode::BAD_REQUEST, "BadRequest", message)
}

fn field(inc: &Incident, name: &str) -> FieldValue {
    let map = |v: &Option<String>, f: fn(&str) -> String| FieldValue::Text(v.as_deref().map(f));
    match name {
        "assignedTo" => FieldValue::Text(inc.assigned_to.clone()),
        "classification" => map(&inc.classification, data::graph_classification),
        "createdDateTime" => FieldValue::DateTime(Some(inc.created)),
        "determination" => map(&inc.determination, data::graph_determination),
        "lastUpdateDateTime" => FieldValue::DateTime(Some(inc.last_update)),
        "severity" => map(&inc.severity, data::graph_severity),
        _ => map(&inc.status, data::graph_status),
    }
}

async fn list(State(st): State<AppState>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    if let Err(r) = guard(&st, Api::Graph, &headers, GRAPH_RESOURCE, &PERMISSIONS).await {
        return r;
    }
    let pairs = match query_pairs(q.as_deref()) {
        Ok(p) => p,
        Err(e) => return bad_request(&format!("Invalid query: {e}")),
    };
    let (mut top, mut skip, mut filter, mut count, mut expand) = (MAX_TOP, 0usize, None, false, false);
    let mut keep: Vec<(String, String)> = Vec::new();
    for (k, v) in &pairs {
        if keep.iter().any(|(x, _)| x == k) {
            return bad_request(&format!(
                "Query option '{k}' was specified more than once, but it must be specified at most once."
            ));
        }
        match k.as_str() {
            "$top" => match v.trim().parse::<usize>() {
                Ok(n) if n <= MAX_TOP => top = n,
                Ok(n) => return bad_request(&format!("The limit of '{MAX_TOP}' for Top query has been exceeded. The value from the incoming request is '{n}'.")),
                Err(_) => return bad_request(&format!("Invalid value '{v}' for $top query option found.")),
            },
            "$skip" => match v.trim().parse::<usize>() {
                Ok(n) => skip = n,
                Err(_) => return bad_request(&format!("Invalid value '{v}' for $skip query option found.")),
            },
            "$filter" => match odata::parse(v, &FIELDS) {
                Ok(e) => filter = Some(e),
                Err(e) => return bad_request(&format!("Invalid filter clause: {e}")),
            },
            "$count" => match v.as_str() {
                "true" => count = true,
                "false" => count = false,
                _ => return bad_request(&format!("Invalid value '{v}' for $count query option found.")),
            },
            "$expand" => match v.as_str() {
                "alerts" => expand = true,
                _ => return bad_request(&format!("Parsing OData Select and Expand failed: Could not find a property named '{v}' on type 'microsoft.graph.security.incident'.")),
            },
            other if other.starts_with('$') => return bad_request(&format!("Query option '{other}' is not allowed.")),
            _ => {}
        }
        keep.push((k.clone(), v.clone()));
    }
    let incidents = st.incidents.read().unwrap_or_else(|e| e.into_inner());
    let matching: Vec<&Incident> =
        incidents.iter().filter(|i| filter.as_ref().is_none_or(|f| odata::eval(f, &|n| field(i, n)))).collect();
    let total = matching.len();
    let page: Vec<Value> = matching.iter().skip(skip).take(top).map(|i| data::graph_incident(i, expand)).collect();
    drop(incidents);
    let context = if expand {
        "https://graph.microsoft.com/v1.0/$metadata#security/incidents(alerts())"
    } else {
        "https://graph.microsoft.com/v1.0/$metadata#security/incidents"
    };
    let mut body = json!({ "@odata.context": context });
    if count {
        body["@odata.count"] = json!(total);
    }
    if top > 0 && skip + top < total {
        let mut q: Vec<String> = keep
            .iter()
            .filter(|(k, _)| k != "$top" && k != "$skip")
            .map(|(k, v)| format!("{}={}", encode_value(k).replace("%24", "$"), encode_value(v)))
            .collect();
        q.push(format!("$top={top}"));
        q.push(format!("$skip={}", skip + top));
        body["@odata.nextLink"] = json!(format!("{}/v1.0/security/incidents?{}", st.origins.graph, q.join("&")));
    }
    body["value"] = Value::Array(page);
    finish(&st, &body)
}

async fn one(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    if let Err(r) = guard(&st, Api::Graph, &headers, GRAPH_RESOURCE, &PERMISSIONS).await {
        return r;
    }
    let expand = q.as_deref().is_some_and(|q| q.contains("expand=alerts"));
    let found = id.parse::<u64>().ok().and_then(|id| {
        let incidents = st.incidents.read().unwrap_or_else(|e| e.into_inner());
        incidents.iter().find(|i| i.id == id).map(|i| data::graph_incident(i, expand))
    });
    match found {
        Some(mut v) => {
            v["@odata.context"] = json!(ENTITY_CONTEXT);
            finish(&st, &v)
        }
        None => Api::Graph.not_found(&id),
    }
}

/// `PATCH /v1.0/security/incidents/{id}` ("Update incident"): 200 with the updated incident.
async fn update(State(st): State<AppState>, headers: HeaderMap, Path(id): Path<String>, body: Bytes) -> Response {
    let render = |inc: &Incident| {
        let mut v = data::graph_incident(inc, false);
        v["@odata.context"] = json!(ENTITY_CONTEXT);
        v
    };
    update::patch(&st, Api::Graph, &headers, &id, &body, (GRAPH_RESOURCE, WRITE_PERMISSION), render).await
}

/// `POST /v1.0/security/incidents/{id}/comments` ("Create comment for incident"): 200 with all the comments.
async fn comment(State(st): State<AppState>, headers: HeaderMap, Path(id): Path<String>, body: Bytes) -> Response {
    let user = match guard_write(&st, Api::Graph, &headers, GRAPH_RESOURCE, WRITE_PERMISSION).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let text = match update::parse_comment(&body) {
        Ok(t) => t,
        Err(e) => return Api::Graph.bad_body(&e),
    };
    match st.update_incident(&id, |inc| {
        update::add_comment(inc, text, user.upn, now_ms());
        Ok::<(), ()>(())
    }) {
        Some(Ok(inc)) => {
            let comments = match data::graph_incident(&inc, false).get("comments") {
                Some(Value::Array(cs)) => cs.clone(),
                _ => Vec::new(),
            };
            finish(&st, &update::comments_page(inc.id, comments))
        }
        _ => Api::Graph.not_found(&id),
    }
}
