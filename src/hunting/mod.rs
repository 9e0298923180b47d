//! Advanced hunting on the analyst's behalf, through Microsoft Graph whichever source the incidents come from:
//! the request, the typed result (sort, export), what a failure means, the hunt view in the URL, and the prepared
//! pivots from an incident's entities. Pure: the flows send the request and hand the answer back.
//!
//! Facts relied on (microsoft-graph-docs-contrib `security-security-runhuntingquery.md`,
//! `security-huntingqueryresults.md`, `security-singlepropertyschema.md`, and the permissions include):
//! - `POST https://graph.microsoft.com/v1.0/security/runHuntingQuery`, `Content-Type: application/json`
//!   (`; charset=utf-8` for non-ANSI text), body `{"Query": "<KQL>"}` plus an optional `"Timespan"` (ISO 8601:
//!   `P30D`, `start/end`, `P30D/end`, `start/P30D`, or one start time; 30 days when absent).
//! - Delegated `ThreatHunting.Read.All` (least privileged, nothing higher), on the Graph resource.
//! - 200 answers `{"schema": [{"name","type"}], "results": [{column: value}]}`; the page's own samples also spell
//!   them `Name`/`Type`, and the Defender API `Schema`/`Results`: every spelling is read.
//! - Limits (Graph `security-api-overview.md` "Advanced hunting", Defender `api-advanced-hunting.md`): data of
//!   the last 30 days; up to 100,000 rows; at least 45 calls a minute per tenant (and 1,500 an hour on the older
//!   API); per-tenant CPU quota, blocked "until after the next 15-minute cycle"; a request running over the time
//!   limit times out; a result over the size cap is a 400 saying "Query execution has exceeded the allowed result
//!   size"; a 429's body says which limit was hit ("API calls quota exceeded! maximum allowed 45 per 00:01:00").

mod editor;
mod error;
mod pivot;
mod result;
mod token;
mod view;
mod window;

pub use editor::{
    between_of, line_col, line_count, lookback_of, match_bracket, with_between, with_lookback, BracketMatch,
};
pub use error::{map_hunt_response, HuntError, Position, QuotaLimit};
pub use pivot::{entity_targets, kql_string, pivots, EntityKind, Lookback, Pivot, EXAMPLES, TABLES};
pub use result::{
    parse_hunt_result, row_limit, Cell, Column, ColumnType, HuntResult, MAX_CELLS, MAX_CELL_CHARS, MAX_ROWS,
};
pub use token::{hunt_token_scopes, HuntToken, HUNT_TOKEN_KEY};
pub use view::{HuntView, MAX_HASH_LEN, MAX_QUERY_CHARS};
pub use window::{Window, SPAN_MARGIN_SECS};

use crate::auth::secret::AccessToken;
use crate::http::{HttpRequest, Method};
use crate::incidents::source::Source;

/// The delegated permission a hunt needs, on Microsoft Graph, whichever source the incidents come from.
pub const HUNT_SCOPE: &str = "ThreatHunting.Read.All";
/// Any of these lets a hunt through (the docs list nothing higher than the least privileged one).
pub const HUNT_ACCEPTED: &[&str] = &[HUNT_SCOPE];
/// The hunting call as Graph's documentation writes it (for the token panel's list of calls).
pub const HUNT_ENDPOINT: &str = "POST /v1.0/security/runHuntingQuery";
/// What the call does, for people (the token panel's label).
pub const HUNT_LABEL: &str = "Run an advanced hunting query";
/// Path of the call under the Graph base URL.
const HUNT_PATH: &str = "/v1.0/security/runHuntingQuery";

/// Microsoft Graph's base URL (the Graph source's default), where hunting goes for either source.
pub fn graph_base() -> &'static str {
    crate::incidents::source::api(Source::Graph).default_api_base
}

/// Where hunts go: the configured API base with the Graph source (the same Graph, or its sandbox); beside the
/// Defender source `graph_base` (Microsoft Graph itself unless configured, e.g. the sandbox's Graph origin).
pub fn hunt_base(cfg: &crate::config::Config) -> &str {
    if cfg.source == Source::Graph {
        &cfg.api_base
    } else {
        &cfg.graph_base
    }
}

/// The full scope to request: `https://graph.microsoft.com/ThreatHunting.Read.All`.
pub fn hunt_scope_url() -> String {
    format!("{}/{HUNT_SCOPE}", graph_base())
}

/// The hunt as a request: `POST {graph_base}/v1.0/security/runHuntingQuery` with `{"Query", "Timespan"?}`.
/// The body is JSON written by serde, so any text in the query travels as data.
pub fn hunt_request(graph_base: &str, query: &str, timespan: Option<&str>, token: &AccessToken) -> HttpRequest {
    let mut body = serde_json::Map::new();
    body.insert("Query".into(), query.into());
    if let Some(t) = timespan.map(str::trim).filter(|t| !t.is_empty()) {
        body.insert("Timespan".into(), t.into());
    }
    HttpRequest {
        method: Method::Post,
        url: format!("{}{HUNT_PATH}", graph_base.trim_end_matches('/')),
        headers: vec![
            ("Authorization".into(), format!("Bearer {}", token.secret())),
            ("Accept".into(), "application/json".into()),
            // The page's note: non-ANSI text in a query needs the charset named.
            ("Content-Type".into(), "application/json; charset=utf-8".into()),
        ],
        body: Some(serde_json::Value::Object(body).to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn the_request_is_graphs_documented_post() {
        let t = AccessToken::new("tok-1".into());
        let r = hunt_request("https://graph.microsoft.com/", "DeviceProcessEvents | take 2", Some(" P7D "), &t);
        assert_eq!(r.method, Method::Post);
        assert_eq!(r.url, "https://graph.microsoft.com/v1.0/security/runHuntingQuery");
        assert_eq!(r.header("authorization"), Some("Bearer tok-1"));
        assert_eq!(r.header("content-type"), Some("application/json; charset=utf-8"));
        let body: Value = serde_json::from_str(r.body.as_deref().unwrap()).unwrap();
        assert_eq!(body, serde_json::json!({"Query": "DeviceProcessEvents | take 2", "Timespan": "P7D"}));
        assert!(!format!("{r:?}").contains("tok-1"));
    }

    #[test]
    fn no_timespan_means_the_documented_default_and_hostile_text_is_data() {
        let t = AccessToken::new("t".into());
        let q = "T | where X == \"a\\\"}, \\\"Timespan\\\": \\\"P999D\" // é\n";
        for ts in [None, Some(""), Some("  ")] {
            let r = hunt_request("http://127.0.0.1:8080", q, ts, &t);
            assert_eq!(r.url, "http://127.0.0.1:8080/v1.0/security/runHuntingQuery");
            let body: Value = serde_json::from_str(r.body.as_deref().unwrap()).unwrap();
            let o = body.as_object().unwrap();
            assert_eq!(o.len(), 1, "no Timespan key: {body}");
            assert_eq!(o["Query"], q);
        }
    }

    #[test]
    fn the_permission_is_graphs_whichever_source() {
        assert_eq!(graph_base(), "https://graph.microsoft.com");
        assert_eq!(hunt_scope_url(), "https://graph.microsoft.com/ThreatHunting.Read.All");
        assert!(HUNT_ENDPOINT.ends_with(HUNT_PATH) && HUNT_ACCEPTED.contains(&HUNT_SCOPE));
        let mut cfg = crate::config::parse_config(
            r#"{"authority":"https://login.microsoftonline.com/contoso.example/v2.0","client_id":"11111111-2222-4333-8444-555555555555","source":"graph","api_base":"http://127.0.0.1:8403"}"#,
        )
        .unwrap();
        assert_eq!(hunt_base(&cfg), "http://127.0.0.1:8403", "the Graph source's own base (a sandbox here)");
        cfg.source = Source::Defender;
        assert_eq!(hunt_base(&cfg), "https://graph.microsoft.com", "beside Defender: Graph itself");
        cfg.graph_base = "http://127.0.0.1:8403".into();
        assert_eq!(hunt_base(&cfg), "http://127.0.0.1:8403", "or the configured Graph (the sandbox's)");
    }
}
