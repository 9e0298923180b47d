//! Microsoft Graph `POST /v1.0/security/runHuntingQuery` (advanced hunting) over seeded tables, with the
//! documented limits: 100,000 rows, a per-tenant call quota, a CPU quota, a time-out and a result size cap.

mod engine;
#[cfg(test)]
mod engine_tests;
mod syntax;
mod tables;
mod value;

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, OnceLock};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use serde_json::{json, Value as Json};

use crate::api::{finish, guard, Api};
use crate::clock::{iso_secs, now_ms, parse_iso};
use crate::directory::GRAPH_RESOURCE;
use crate::state::{lock, AppState};
use engine::{Context, HuntError, Table};

/// The delegated permission runHuntingQuery needs.
const PERMISSION: &str = "ThreatHunting.Read.All";
const CONTEXT: &str = "https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.security.huntingQueryResults";
/// Most rows a query returns; more are cut off.
const MAX_ROWS: usize = 100_000;
/// Per-tenant call quota: calls a minute (Defender's advanced hunting pages; Graph documents no hourly quota, so the
/// sandbox has none).
const CALLS_PER_MINUTE: usize = 45;
/// The CPU quota is measured in 15-minute cycles.
const CPU_CYCLE_MS: i64 = 15 * 60_000;
const RESULT_SIZE_MESSAGE: &str =
    "Query execution has exceeded the allowed result size. Optimize your query by limiting the number of results and try again.";

struct Hunt {
    st: AppState,
    tables: OnceLock<HashMap<String, Table>>,
    /// Times (ms) of the tenant's recent hunting calls (the sandbox has one tenant).
    calls: Mutex<VecDeque<i64>>,
}

impl Hunt {
    /// The tables, generated from the incidents on first use.
    fn tables(&self) -> &HashMap<String, Table> {
        self.tables.get_or_init(|| {
            let incidents = self.st.incidents.read().unwrap_or_else(|e| e.into_inner());
            tables::generate(&incidents, self.st.opts.seed, now_ms())
        })
    }
}

/// The hunting route of the Graph origin.
pub(crate) fn router(st: AppState) -> Router {
    let hunt = Arc::new(Hunt { st, tables: OnceLock::new(), calls: Mutex::new(VecDeque::new()) });
    Router::new().route("/v1.0/security/runHuntingQuery", post(run)).with_state(hunt)
}

/// A 429 naming the limit and when it resets, with `Retry-After` in seconds.
fn quota_exceeded(message: &str, reset_ms: i64, now: i64) -> Response {
    let mut r = Api::Graph.error(StatusCode::TOO_MANY_REQUESTS, "TooManyRequests", message);
    let secs = ((reset_ms - now).max(1000) + 999) / 1000;
    if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
        r.headers_mut().insert(header::RETRY_AFTER, v);
    }
    r
}

/// The call quota's message, in Microsoft's words too ("maximum allowed 45 per 00:01:00"), and when it resets.
fn call_quota_message(reset_ms: i64, now: i64) -> String {
    format!(
        "Advanced hunting call quota exceeded: this tenant may run 45 queries a minute (API calls quota exceeded! \
         maximum allowed {CALLS_PER_MINUTE} per 00:01:00). The quota resets at {} (in {} seconds).",
        iso_secs(reset_ms),
        ((reset_ms - now).max(1000) + 999) / 1000
    )
}

/// Takes one from a fault counter; true when the fault fires.
fn take(counter: &mut u64) -> bool {
    let fire = *counter > 0;
    *counter = counter.saturating_sub(1);
    fire
}

/// The per-tenant quotas, forced ones first; None when the call may run.
fn check_quotas(h: &Hunt, now: i64) -> Option<Response> {
    let (quota, cpu) = {
        let mut f = lock(&h.st.faults);
        // One forced limit per call: the CPU quota first, the call quota on a later call.
        let cpu = take(&mut f.hunting_cpu);
        // A forced call quota resets after the `retry_after` fault's seconds when it is a number, else a minute.
        let quota = (!cpu && take(&mut f.hunting_quota))
            .then(|| f.retry_after.as_deref().and_then(|s| s.trim().parse::<i64>().ok()).unwrap_or(60));
        (quota, cpu)
    };
    if cpu {
        let reset = (now / CPU_CYCLE_MS + 1) * CPU_CYCLE_MS;
        let message = format!(
            "You have exceeded processing resources allocated to this tenant. You can run queries again in {} \
             (at {}): the CPU quota is measured in 15-minute cycles.",
            value::span_text(((reset - now + 999) / 1000) * 1000),
            iso_secs(reset)
        );
        return Some(quota_exceeded(&message, reset, now));
    }
    if let Some(secs) = quota {
        let reset = now + secs.clamp(1, 86_400) * 1000;
        return Some(quota_exceeded(&call_quota_message(reset, now), reset, now));
    }
    let reset = call_quota(&mut lock(&h.calls), now)?;
    Some(quota_exceeded(&call_quota_message(reset, now), reset, now))
}

/// The per-minute call quota over the tenant's recent calls: when it resets if used up, else counts this call.
fn call_quota(calls: &mut VecDeque<i64>, now: i64) -> Option<i64> {
    while calls.front().is_some_and(|t| now - t >= 60_000) {
        calls.pop_front();
    }
    if calls.len() >= CALLS_PER_MINUTE {
        return calls.front().map(|t| t + 60_000);
    }
    calls.push_back(now);
    None
}

/// An ISO 8601 duration (`P30D`, `PT12H`, `P1DT2H30M`, `P2W`) in milliseconds.
fn duration_ms(s: &str) -> Option<i64> {
    let rest = s.strip_prefix('P')?;
    let (date, time) = rest.split_once('T').unwrap_or((rest, ""));
    let mut total = 0i64;
    let mut read = |part: &str, units: &[(char, i64)]| -> Option<()> {
        let mut num = String::new();
        for c in part.chars() {
            if c.is_ascii_digit() || c == '.' {
                num.push(c);
            } else {
                let unit = units.iter().find(|(u, _)| *u == c)?.1;
                total = total.saturating_add((num.parse::<f64>().ok()? * unit as f64) as i64);
                num.clear();
            }
        }
        num.is_empty().then_some(())
    };
    read(date, &[('W', 7 * 86_400_000), ('D', 86_400_000)])?;
    read(time, &[('H', 3_600_000), ('M', 60_000), ('S', 1000)])?;
    (total > 0 || rest == "T0S").then_some(total)
}

/// The query window from `Timespan` (the forms runHuntingQuery documents); 30 days before now without one.
fn window(timespan: Option<&str>, now: i64) -> Result<(i64, i64), String> {
    let Some(ts) = timespan.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok((now - tables::RETENTION_MS, now));
    };
    let bad = || {
        format!(
            "Invalid Timespan '{ts}': expected an ISO 8601 duration (P30D), a start date, or start/end, \
             duration/end or start/duration."
        )
    };
    let range = match ts.split_once('/') {
        None => match duration_ms(ts) {
            Some(d) => (now.saturating_sub(d), now),
            None => (parse_iso(ts).ok_or_else(bad)?, now),
        },
        Some((a, b)) => match (duration_ms(a), parse_iso(a), duration_ms(b), parse_iso(b)) {
            (_, Some(start), _, Some(end)) => (start, end),
            (Some(d), _, _, Some(end)) => (end.saturating_sub(d), end),
            (_, Some(start), Some(d), _) => (start, start.saturating_add(d)),
            _ => return Err(bad()),
        },
    };
    if range.0 > range.1 {
        return Err(bad());
    }
    Ok(range)
}

/// Reads `Query` and `Timespan`, named exactly as the page does; any other parameter (`query` too) is refused in
/// OData's words for an action's unknown parameter.
fn read_body(body: &[u8]) -> Result<(String, Option<String>), String> {
    let v: Json = serde_json::from_slice(body).map_err(|e| format!("The request body is not valid JSON: {e}"))?;
    let Json::Object(map) = v else {
        return Err("The request body must be a JSON object with a 'Query' parameter.".into());
    };
    if let Some(k) = map.keys().find(|k| !["Query", "Timespan"].contains(&k.as_str())) {
        return Err(format!(
            "The parameter '{k}' in the request payload is not a valid parameter for the operation 'runHuntingQuery'."
        ));
    }
    let get = |name: &str| map.get(name);
    let query = match get("Query") {
        Some(Json::String(q)) if !q.trim().is_empty() => q.clone(),
        Some(Json::String(_)) | None | Some(Json::Null) => return Err("The 'Query' parameter is required.".into()),
        Some(_) => return Err("The 'Query' parameter must be a string.".into()),
    };
    let timespan = match get("Timespan") {
        None | Some(Json::Null) => None,
        Some(Json::String(t)) => Some(t.clone()),
        Some(_) => return Err("The 'Timespan' parameter must be a string.".into()),
    };
    Ok((query, timespan))
}

/// The huntingQueryResults body of a result table.
fn results_json(t: &Table) -> Json {
    let schema: Vec<Json> = t.columns.iter().map(|c| json!({"name": c.name, "type": c.ty.schema_name()})).collect();
    let results: Vec<Json> = t
        .rows
        .iter()
        .take(MAX_ROWS)
        .map(|r| {
            let o: serde_json::Map<String, Json> =
                t.columns.iter().zip(r).map(|(c, v)| (c.name.clone(), v.to_json())).collect();
            Json::Object(o)
        })
        .collect();
    json!({"@odata.context": CONTEXT, "schema": schema, "results": results})
}

async fn run(State(h): State<Arc<Hunt>>, headers: HeaderMap, body: Bytes) -> Response {
    let st = &h.st;
    if let Err(r) = guard(st, Api::Graph, &headers, GRAPH_RESOURCE, &[PERMISSION]).await {
        return r;
    }
    let now = now_ms();
    if let Some(r) = check_quotas(&h, now) {
        return r;
    }
    let (query, timespan) = match read_body(&body) {
        Ok(q) => q,
        Err(e) => return Api::Graph.bad_body(&e),
    };
    let window = match window(timespan.as_deref(), now) {
        Ok(w) => w,
        Err(e) => return Api::Graph.bad_body(&e),
    };
    let (timeout, too_large) = {
        let mut f = lock(&st.faults);
        let timeout = take(&mut f.hunting_timeout);
        (timeout, !timeout && take(&mut f.hunting_result_size))
    };
    if timeout {
        return Api::Graph.error(StatusCode::GATEWAY_TIMEOUT, "GatewayTimeout", "Query exceeded the timeout period.");
    }
    let cx = Context { tables: h.tables(), now_ms: now, window };
    match engine::run(&query, &cx) {
        Ok(_) if too_large => Api::Graph.bad_body(RESULT_SIZE_MESSAGE),
        Ok(t) => finish(st, &results_json(&t)),
        Err(HuntError::TooLarge) => Api::Graph.bad_body(RESULT_SIZE_MESSAGE),
        Err(HuntError::Query(e)) => Api::Graph.bad_body(&e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timespans_as_documented() {
        let now = parse_iso("2024-02-15T08:00:00Z").unwrap();
        let day = 86_400_000;
        assert_eq!(window(None, now), Ok((now - 30 * day, now)));
        assert_eq!(window(Some("P30D"), now), Ok((now - 30 * day, now)));
        assert_eq!(window(Some("PT12H"), now), Ok((now - day / 2, now)));
        let start = parse_iso("2024-02-01T08:00:00Z").unwrap();
        assert_eq!(window(Some("2024-02-01T08:00:00Z/2024-02-15T08:00:00Z"), now), Ok((start, now)));
        assert_eq!(window(Some("P14D/2024-02-15T08:00:00Z"), now), Ok((start, now)));
        assert_eq!(window(Some("2024-02-01T08:00:00Z/P14D"), now), Ok((start, now)));
        assert_eq!(window(Some("2024-02-01T08:00:00Z"), now), Ok((start, now)));
        assert!(window(Some("yesterday"), now).unwrap_err().contains("Invalid Timespan 'yesterday'"));
        assert!(window(Some("2024-02-15T08:00:00Z/2024-02-01T08:00:00Z"), now).is_err());
    }

    #[test]
    fn body_parameters() {
        assert_eq!(read_body(br#"{"Query":"T","Timespan":"P1D"}"#), Ok(("T".into(), Some("P1D".into()))));
        // Parameter names are exact, as Graph's action parameters are.
        for body in [&br#"{"query":"T"}"#[..], br#"{"Query":"T","timespan":"P1D"}"#, br#"{"Query":"T","Top":1}"#] {
            let e = read_body(body).unwrap_err();
            assert!(e.contains("is not a valid parameter for the operation 'runHuntingQuery'"), "{e}");
        }
        assert_eq!(read_body(br#"{"Timespan":"P1D"}"#), Err("The 'Query' parameter is required.".into()));
        assert!(read_body(b"not json").unwrap_err().starts_with("The request body is not valid JSON"));
    }

    #[test]
    fn only_the_documented_per_minute_quota() {
        let mut calls = VecDeque::new();
        // 1,600 calls in an hour, 30 a minute: under 45 a minute, so every one runs (Graph documents no hourly cap).
        for i in 0..1_600 {
            assert_eq!(call_quota(&mut calls, i * 2_000), None, "call {i}");
        }
        let mut burst = VecDeque::new();
        for _ in 0..45 {
            assert_eq!(call_quota(&mut burst, 5_000), None);
        }
        assert_eq!(call_quota(&mut burst, 6_000), Some(65_000), "the 46th call in a minute waits for the first to age");
    }

    #[test]
    fn the_call_quota_message_names_its_window_as_microsofts_does() {
        let m = call_quota_message(61_000, 1_000);
        assert!(m.starts_with("Advanced hunting call quota exceeded: this tenant may run 45 queries a minute"), "{m}");
        assert!(m.contains("maximum allowed 45 per 00:01:00") && !m.contains("hour"), "{m}");
        assert!(m.ends_with("(in 60 seconds)."), "{m}");
    }
}
