//! Request URLs for both incidents APIs, OData `$filter` building, RFC 3339 time conversion, and API requests.

use crate::http::{host_name, percent_encode, split_url, HttpRequest, Method};
use crate::incidents::source::Source;
use crate::incidents::source::{api, Dialect, Paging};
use crate::secret::AccessToken;

/// One page request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentQuery {
    /// Page size (clamped per API).
    pub top: u32,
    /// Items to skip.
    pub skip: u32,
    /// OData `$filter` expression (unencoded), built with the helpers below.
    pub filter: Option<String>,
}

impl Default for IncidentQuery {
    fn default() -> Self {
        IncidentQuery { top: 50, skip: 0, filter: None }
    }
}

fn push_common(url: &mut String, top: u32, q: &IncidentQuery) {
    url.push_str(&format!("$top={top}"));
    if q.skip > 0 {
        url.push_str(&format!("&$skip={}", q.skip));
    }
    if let Some(f) = q.filter.as_deref().filter(|f| !f.trim().is_empty()) {
        url.push_str("&$filter=");
        url.push_str(&percent_encode(f));
    }
}

/// `GET {base}{incidents path}?…&$top=..[&$skip=..][&$filter=..]…` as `source` pages it (`$top` clamped to
/// 1..=the API's page limit): Defender by `$skip`; Graph with the alerts expanded and the total counted, paged by
/// its next link (so no `$skip`).
pub(crate) fn list_url(source: Source, api_base: &str, q: &IncidentQuery) -> String {
    let a = api(source);
    let (before, after, q) = match a.paging {
        Paging::Skip => ("", "", q.clone()),
        Paging::NextLink => ("$expand=alerts&", "&$count=true", IncidentQuery { skip: 0, ..q.clone() }),
    };
    let mut u = format!("{}{}?{before}", api_base.trim_end_matches('/'), a.incidents_path);
    push_common(&mut u, q.top.clamp(1, a.max_page), &q);
    u.push_str(after);
    u
}

/// Defender's list URL (the deploy tool checks a relayed `api_base` with it).
pub fn defender_url(api_base: &str, q: &IncidentQuery) -> String {
    list_url(Source::Defender, api_base, q)
}

/// An incident id as `source` spells them, the one rule for every URL that names an incident (reads, the
/// view's by-id, writes). Defender: `incidentId` is a number, so 1 to 19 ASCII digits. Graph: `id` is a
/// string (numeric in practice), so 1 to 64 letters, digits, `-` or `_`. Either way an accepted id is one
/// path segment as it stands: nothing to encode, never a dot segment, a `?` or a `/`.
pub(crate) fn is_incident_id(source: Source, id: &str) -> bool {
    match api(source).dialect {
        Dialect::Defender => (1..=19).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_digit()),
        Dialect::Graph => {
            (1..=64).contains(&id.len()) && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        }
    }
}

/// The incident's own URL, `{base}{incidents path}/{id}` (Defender `/api/incidents/{id}`, Graph
/// `/v1.0/security/incidents/{id}`): what a write PATCHes. `None` for an id [`is_incident_id`] refuses.
pub(crate) fn incident_resource_url(source: Source, api_base: &str, id: &str) -> Option<String> {
    is_incident_id(source, id).then(|| format!("{}{}/{id}", api_base.trim_end_matches('/'), api(source).incidents_path))
}

/// One incident by id, through the source's documented get-by-id: Defender `GET {base}/api/incidents/{id}`
/// ("Get incident API"), Graph `GET {base}/v1.0/security/incidents/{id}?$expand=alerts`. `None` for an id
/// that [`is_incident_id`] refuses.
pub(crate) fn incident_url(source: Source, api_base: &str, id: &str) -> Option<String> {
    let base = incident_resource_url(source, api_base, id)?;
    Some(match api(source).dialect {
        Dialect::Defender => base,
        Dialect::Graph => base + "?$expand=alerts",
    })
}

/// Accepts Graph's `@odata.nextLink` only if it points at the configured API (same scheme and host):
/// the bearer token must never be sent elsewhere.
pub(crate) fn next_link_for(api_base: &str, next: &str) -> Option<String> {
    let (bs, bh, _) = split_url(api_base)?;
    let (ns, nh, _) = split_url(next)?;
    (bs.eq_ignore_ascii_case(ns)
        && host_name(bh) == host_name(nh)
        && bh.eq_ignore_ascii_case(nh)
        && !next.contains(char::is_whitespace))
    .then(|| next.to_string())
}

/// An OData string literal: single-quoted, with `'` doubled.
fn odata_string(v: &str) -> String {
    format!("'{}'", v.replace('\'', "''"))
}

/// Keeps only identifier characters in a field name (fields come from code, but never trust a string in a filter).
fn field(f: &str) -> String {
    f.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '/').collect()
}

/// `{field} ge 2024-01-01T00:00:00Z`.
pub(crate) fn filter_updated_since(field_name: &str, ts: i64) -> String {
    format!("{} ge {}", field(field_name), rfc3339(ts))
}

/// `{field} eq 'value'`.
pub(crate) fn filter_eq(field_name: &str, value: &str) -> String {
    format!("{} eq {}", field(field_name), odata_string(value))
}

/// `(status eq 'Active' or status eq 'InProgress')`; a single value has no parentheses; none gives "".
pub(crate) fn filter_status_in(field_name: &str, values: &[&str]) -> String {
    let parts: Vec<String> = values.iter().map(|v| filter_eq(field_name, v)).collect();
    match parts.len() {
        0 => String::new(),
        1 => parts.into_iter().next().unwrap_or_default(),
        _ => format!("({})", parts.join(" or ")),
    }
}

/// Joins non-empty clauses with ` and `.
pub(crate) fn filter_and(clauses: &[String]) -> Option<String> {
    let parts: Vec<&str> = clauses.iter().map(|c| c.trim()).filter(|c| !c.is_empty()).collect();
    (!parts.is_empty()).then(|| parts.join(" and "))
}

/// Field holding the last update time for this source.
pub(crate) fn updated_field(source: Source) -> &'static str {
    api(source).updated_field
}

/// The delegated permission the incidents list needs.
pub fn required_scope(source: Source) -> &'static str {
    api(source).required_scope
}

/// Any of these permissions lets the list work.
pub(crate) fn accepted_scopes(source: Source) -> &'static [&'static str] {
    api(source).accepted_scopes
}

/// GET with the bearer token, asking for JSON.
fn api_request(url: String, token: &AccessToken) -> HttpRequest {
    HttpRequest {
        method: Method::Get,
        url,
        headers: vec![
            ("Authorization".into(), format!("Bearer {}", token.secret())),
            ("Accept".into(), "application/json".into()),
        ],
        body: None,
    }
}

/// Like [`api_request`], plus Graph's `Prefer: include-unknown-enum-members` so evolvable enums arrive as-is.
pub(crate) fn api_request_for(source: Source, url: String, token: &AccessToken) -> HttpRequest {
    let mut r = api_request(url, token);
    if api(source).prefer_unknown_enum_members {
        r.headers.push(("Prefer".into(), "include-unknown-enum-members".into()));
    }
    r
}

// Howard Hinnant's days-from-civil / civil-from-days: exact for the proleptic Gregorian calendar.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

const MIN_TS: i64 = -62_135_596_800; // 0001-01-01T00:00:00Z
const MAX_TS: i64 = 253_402_300_799; // 9999-12-31T23:59:59Z

/// Unix seconds → `YYYY-MM-DDTHH:MM:SSZ` (clamped to years 1..=9999).
pub(crate) fn rfc3339(ts: i64) -> String {
    let ts = ts.clamp(MIN_TS, MAX_TS);
    let days = ts.div_euclid(86_400);
    let secs = ts.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", secs / 3600, secs % 3600 / 60, secs % 60)
}

fn digits(b: &[u8], at: usize, n: usize) -> Option<i64> {
    let s = b.get(at..at + n)?;
    if !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(s.iter().fold(0i64, |acc, d| acc * 10 + i64::from(d - b'0')))
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

/// RFC 3339 → unix seconds (fraction truncated). Accepts `Z`/`z`/`±HH:MM`, `T`/`t`/space, any fraction length.
pub(crate) fn parse_rfc3339(s: &str) -> Option<i64> {
    let b = s.trim().as_bytes();
    let (y, mo, d) = (digits(b, 0, 4)?, digits(b, 5, 2)?, digits(b, 8, 2)?);
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') || !matches!(b.get(10), Some(b'T' | b't' | b' ')) {
        return None;
    }
    let (h, mi, se) = (digits(b, 11, 2)?, digits(b, 14, 2)?, digits(b, 17, 2)?);
    if b.get(13) != Some(&b':') || b.get(16) != Some(&b':') {
        return None;
    }
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    let mut i = 19;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    let offset = match b.get(i) {
        Some(b'Z' | b'z') if b.len() == i + 1 => 0,
        Some(sign @ (b'+' | b'-')) if b.len() == i + 6 && b.get(i + 3) == Some(&b':') => {
            let (oh, om) = (digits(b, i + 1, 2)?, digits(b, i + 4, 2)?);
            if oh > 23 || om > 59 {
                return None;
            }
            let o = oh * 3600 + om * 60;
            if *sign == b'+' {
                o
            } else {
                -o
            }
        }
        _ => return None,
    };
    Some(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + se - offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defender_urls() {
        let q =
            IncidentQuery { top: 500, skip: 100, filter: Some(filter_updated_since("lastUpdateTime", 1_704_067_200)) };
        assert_eq!(
            defender_url("https://api.security.microsoft.com/", &q),
            "https://api.security.microsoft.com/api/incidents?$top=100&$skip=100&$filter=lastUpdateTime%20ge%202024-01-01T00%3A00%3A00Z"
        );
        let q = IncidentQuery { top: 0, ..Default::default() };
        assert_eq!(defender_url("http://127.0.0.1:9", &q), "http://127.0.0.1:9/api/incidents?$top=1");
    }

    #[test]
    fn incident_by_id_urls() {
        assert_eq!(
            incident_url(Source::Defender, "https://api.security.microsoft.com/", "1874").as_deref(),
            Some("https://api.security.microsoft.com/api/incidents/1874")
        );
        assert_eq!(
            incident_url(Source::Graph, "https://graph.microsoft.com", "2972395").as_deref(),
            Some("https://graph.microsoft.com/v1.0/security/incidents/2972395?$expand=alerts")
        );
        for bad in ["", "1/../x", "1?$top=1", "a b", "1%2F", &"9".repeat(65)] {
            for source in [Source::Defender, Source::Graph] {
                assert_eq!(incident_url(source, "https://x", bad), None, "{source:?} {bad}");
            }
        }
    }

    #[test]
    fn one_id_rule_per_source() {
        // Defender's incidentId is a number; Graph's id is a string of safe characters.
        for (id, defender, graph) in [
            ("1874", true, true),
            ("0042", true, true),
            ("9999999999999999999", true, true),
            ("99999999999999999999", false, true),
            ("12a", false, true),
            ("a-b_C", false, true),
            ("-1", false, true),
            (" 42", false, false),
            ("..", false, false),
            ("4/2", false, false),
            ("é", false, false),
            ("", false, false),
        ] {
            assert_eq!(is_incident_id(Source::Defender, id), defender, "Defender {id:?}");
            assert_eq!(is_incident_id(Source::Graph, id), graph, "Graph {id:?}");
        }
        assert!(is_incident_id(Source::Graph, &"a".repeat(64)) && !is_incident_id(Source::Graph, &"a".repeat(65)));
        // The resource URL (what writes use) is the get-by-id URL without Graph's $expand.
        assert_eq!(
            incident_resource_url(Source::Graph, "https://graph.microsoft.com/", "a-1").as_deref(),
            Some("https://graph.microsoft.com/v1.0/security/incidents/a-1")
        );
        assert_eq!(incident_resource_url(Source::Defender, "https://x", "12a"), None);
    }

    #[test]
    fn graph_urls() {
        let q =
            IncidentQuery { top: 100, skip: 0, filter: Some(filter_status_in("status", &["active", "inProgress"])) };
        assert_eq!(
            list_url(Source::Graph, "https://graph.microsoft.com", &q),
            "https://graph.microsoft.com/v1.0/security/incidents?$expand=alerts&$top=50&$filter=%28status%20eq%20%27active%27%20or%20status%20eq%20%27inProgress%27%29&$count=true"
        );
    }

    #[test]
    fn odata_building() {
        assert_eq!(filter_updated_since("lastUpdateTime", 1_704_067_200), "lastUpdateTime ge 2024-01-01T00:00:00Z");
        assert_eq!(
            filter_status_in("status", &["Active", "InProgress"]),
            "(status eq 'Active' or status eq 'InProgress')"
        );
        assert_eq!(filter_status_in("status", &["Active"]), "status eq 'Active'");
        assert_eq!(filter_status_in("status", &[]), "");
        assert_eq!(filter_eq("assignedTo", "o'brien@x"), "assignedTo eq 'o''brien@x'");
        assert_eq!(filter_eq("bad field)or(1", "x"), "badfieldor1 eq 'x'");
        assert_eq!(filter_and(&["a eq 1".into(), "".into(), "b eq 2".into()]).as_deref(), Some("a eq 1 and b eq 2"));
        assert_eq!(filter_and(&[]), None);
        assert_eq!(crate::incidents::model::Status::InProgress.api_value(Source::Graph), "inProgress");
        assert_eq!(crate::incidents::model::Status::InProgress.api_value(Source::Defender), "InProgress");
        assert_eq!(updated_field(Source::Graph), "lastUpdateDateTime");
    }

    #[test]
    fn time_roundtrip() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59Z");
        assert_eq!(rfc3339(i64::MAX), "9999-12-31T23:59:59Z");
        assert_eq!(rfc3339(i64::MIN), "0001-01-01T00:00:00Z");
        for ts in [0i64, 1, 86_399, 951_782_400, 1_704_067_200, 4_102_444_800, -86_400 * 365] {
            assert_eq!(parse_rfc3339(&rfc3339(ts)), Some(ts));
        }
    }

    #[test]
    fn parse_variants() {
        assert_eq!(parse_rfc3339("2020-09-06T14:09:42.1066667Z"), Some(1_599_401_382));
        assert_eq!(parse_rfc3339("2021-08-13T08:43:35.5533333Z"), Some(1_628_844_215));
        assert_eq!(parse_rfc3339("2024-01-01T02:00:00+02:00"), Some(1_704_067_200));
        assert_eq!(parse_rfc3339("2023-12-31T19:00:00-05:00"), Some(1_704_067_200));
        assert_eq!(parse_rfc3339("2024-01-01 00:00:00z"), Some(1_704_067_200));
        for bad in [
            "",
            "2024",
            "2024-13-01T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2024-01-01T00:00:00",
            "2024-01-01T00:00:00.Z",
            "2024-01-01T25:00:00Z",
            "2024-01-01T00:00:00+2:00",
            "２０２４-01-01T00:00:00Z",
            "2024-01-01T00:00:00Zjunk",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
        assert!(parse_rfc3339("2024-02-29T00:00:00Z").is_some());
    }

    #[test]
    fn requests_and_scopes() {
        let r = api_request("https://x/api".into(), &AccessToken::new("tok".into()));
        assert_eq!(r.header("authorization"), Some("Bearer tok"));
        assert_eq!(r.header("accept"), Some("application/json"));
        assert_eq!(r.method, Method::Get);
        assert!(api_request_for(Source::Graph, "u".into(), &AccessToken::new("t".into())).header("prefer").is_some());
        assert_eq!(required_scope(Source::Defender), "Incident.Read");
        assert_eq!(accepted_scopes(Source::Graph), &["SecurityIncident.Read.All", "SecurityIncident.ReadWrite.All"]);
    }

    #[test]
    fn next_link_same_host_only() {
        let base = "https://graph.microsoft.com";
        assert!(next_link_for(base, "https://graph.microsoft.com/v1.0/security/incidents?$skip=50").is_some());
        assert!(next_link_for(base, "https://evil.example/steal").is_none());
        assert!(next_link_for(base, "http://graph.microsoft.com/x").is_none());
        assert!(next_link_for(base, "https://graph.microsoft.com.evil.example/x").is_none());
        assert!(next_link_for(base, "/relative").is_none());
    }
}
