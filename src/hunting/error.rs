//! What a failed hunt means, by cause: a query error at a place, the result-size cap, a time-out, which quota a
//! 429 hit and when it resets, which side refused a 403. And what comes next: never a retry by itself (beyond
//! the one token renewal every call gets); the page shows the failure and waits for the analyst.

use super::HUNT_SCOPE;
use crate::auth::error::AuthError;
use crate::format::cap;
use crate::http::HttpResponse;
use crate::incidents::query::required_scope;
use crate::incidents::source::Source;
use crate::request::error::{body_retry_seconds, map_response, ApiError};
use crate::request::refusal::Refusal;
use crate::request::retry::{Failure, Fault};

/// The role a delegated hunt needs besides the permission (Defender: "View Data" and access to the devices'
/// device groups; Graph: an Entra security role).
const HUNT_ROLE: &str =
    "a role that can view advanced hunting data (for example Security Reader, or Defender's \"View Data\"), and access to the devices' device groups";

/// A place in the query, as the API's message names it (1-based as reported).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// Line.
    pub line: u32,
    /// Column.
    pub column: u32,
}

impl Position {
    /// The character offset of this place in `query`, clamped to the line's end; `None` past the last line.
    pub fn char_offset(&self, query: &str) -> Option<usize> {
        let line_index = usize::try_from(self.line.checked_sub(1)?).ok()?;
        let mut offset = 0usize;
        for (i, line) in query.split('\n').enumerate() {
            let len = line.chars().count();
            if i == line_index {
                let col = usize::try_from(self.column.saturating_sub(1)).unwrap_or(usize::MAX).min(len);
                return Some(offset + col);
            }
            offset += len + 1;
        }
        None
    }

    /// The quoted line of `query` this place is on, and under it a caret at the column: the column is
    /// clamped to the line's characters (it comes from the API's text, so a huge one must not allocate).
    pub fn caret_under(&self, query: &str) -> String {
        let index = usize::try_from(self.line.saturating_sub(1)).unwrap_or(usize::MAX);
        let line = query.split('\n').nth(index).unwrap_or("");
        let column = usize::try_from(self.column.saturating_sub(1)).unwrap_or(usize::MAX);
        format!("{line}\n{}^", " ".repeat(column.min(line.chars().count())))
    }
}

/// Which of the documented per-tenant limits a 429 hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuotaLimit {
    /// Calls a minute (at least 45 per tenant).
    CallsPerMinute,
    /// Calls an hour (1,500 on the older API).
    CallsPerHour,
    /// The tenant's CPU (running-time) quota: blocked until the next 15-minute cycle.
    Cpu,
    /// The body did not say.
    Unknown,
}

impl QuotaLimit {
    /// Reads the limit from a 429's message: "API calls quota exceeded! maximum allowed 45 per 00:01:00",
    /// "... per 01:00:00", or one that names CPU or running/execution time.
    fn from_message(m: &str) -> QuotaLimit {
        let m = m.to_lowercase();
        if m.contains("cpu") || m.contains("execution time") || m.contains("running time") || m.contains("resources") {
            QuotaLimit::Cpu
        } else if m.contains("per 01:00:00") || m.contains("per hour") || m.contains("an hour") {
            QuotaLimit::CallsPerHour
        } else if m.contains("call") || m.contains("request") || m.contains("per 00:01:00") || m.contains("minute") {
            QuotaLimit::CallsPerMinute
        } else {
            QuotaLimit::Unknown
        }
    }

    /// When the API names no reset time: the length of the limit's window.
    fn default_wait_secs(self) -> u64 {
        match self {
            QuotaLimit::CallsPerMinute | QuotaLimit::Unknown => 60,
            QuotaLimit::CallsPerHour => 3600,
            QuotaLimit::Cpu => 15 * 60,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            QuotaLimit::CallsPerMinute => "the tenant's number of hunting calls a minute",
            QuotaLimit::CallsPerHour => "the tenant's number of hunting calls an hour",
            QuotaLimit::Cpu => {
                "the tenant's CPU quota for hunting (queries are blocked until the next 15-minute cycle)"
            }
            QuotaLimit::Unknown => "a hunting quota of the tenant",
        }
    }
}

/// Why a hunt failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HuntError {
    /// 400 about the query itself; `at` when the message names a place.
    #[error("the query was not accepted: {message}")]
    Query {
        /// What the API said.
        message: String,
        /// Where, when the message says so.
        at: Option<Position>,
        /// The text the message quotes at that place (`at 'wher'`), when it does.
        near: Option<String>,
    },
    /// 400 "Query execution has exceeded the allowed result size".
    #[error("the result is larger than the API returns: {message}")]
    TooLarge {
        /// What the API said.
        message: String,
    },
    /// The query ran longer than the API allows.
    #[error("the query timed out: {message}")]
    Timeout {
        /// What the API said.
        message: String,
    },
    /// 429: a quota was reached.
    #[error("a hunting quota was reached; it resets in {retry_after_secs} s")]
    Quota {
        /// Which limit.
        limit: QuotaLimit,
        /// Seconds until it resets (1..=86400): `Retry-After`, else the body, else the limit's window.
        retry_after_secs: u64,
        /// What the API said.
        message: String,
    },
    /// 403: the token lacks `ThreatHunting.Read.All`, or it holds it and the user's role is missing.
    #[error("{}", .0.user_message())]
    Refused(Refusal),
    /// Anything else (401, 404, 5xx, network, unreadable answer), as for every API call.
    #[error(transparent)]
    Api(ApiError),
    /// Beside a Defender session, the second (Graph) token for hunting could not be had: the provider's
    /// refusal, or `None` while the session's renewal held the refresh token.
    #[error("no Graph token for hunting")]
    NoGraphToken(Option<AuthError>),
}

/// `(line, column)` named in a message: `line [2,14]`, `[2,14]`, `(2,14)`, `line 2, column 14`,
/// `Line: 2, Position: 14`, `line:position=2:14`. Lines and columns start at 1; anything else is no place.
fn find_position(message: &str) -> Option<Position> {
    let m: String = message.chars().take(4_000).collect::<String>().to_lowercase();
    let num = |s: &str| -> Option<(u32, usize)> {
        let digits: String = s.chars().take_while(char::is_ascii_digit).take(7).collect();
        Some((digits.parse().ok()?, digits.len()))
    };
    let ok = |line: u32, column: u32| (line >= 1 && column >= 1).then_some(Position { line, column });
    // `[2,14]` / `(2,14)` / `line:position=2:14`.
    for (open, sep) in [('[', ','), ('(', ','), ('=', ':')] {
        for (i, _) in m.match_indices(open) {
            let rest = m.get(i + 1..).unwrap_or("").trim_start();
            let Some((line, n)) = num(rest) else { continue };
            let rest = rest.get(n..).unwrap_or("").trim_start();
            let Some(rest) = rest.strip_prefix(sep) else { continue };
            let Some((column, _)) = num(rest.trim_start()) else { continue };
            if let Some(p) = ok(line, column) {
                return Some(p);
            }
        }
    }
    // `line 2, column 14` and friends.
    for (i, _) in m.match_indices("line") {
        let rest = m.get(i + 4..).unwrap_or("").trim_start_matches([' ', ':']);
        let Some((line, n)) = num(rest) else { continue };
        let rest = rest.get(n..).unwrap_or("").trim_start_matches([' ', ',', ';']);
        let Some(rest) = ["column", "col", "position", "pos", "char"].iter().find_map(|k| rest.strip_prefix(k)) else {
            continue;
        };
        let Some((column, _)) = num(rest.trim_start_matches([' ', ':', '.'])) else { continue };
        if let Some(p) = ok(line, column) {
            return Some(p);
        }
    }
    None
}

/// The text a message quotes at the place: Kusto's "Query could not be parsed at 'wher' on line [1,22]".
fn find_near(message: &str) -> Option<String> {
    let i = message.find(" at '")?;
    let rest = message.get(i + 5..)?;
    let end = rest.find('\'')?;
    Some(cap(rest.get(..end)?, 100)).filter(|s| !s.is_empty())
}

fn is_timeout(status: u16, message: &str) -> bool {
    let m = message.to_lowercase();
    matches!(status, 408 | 504) || m.contains("timed out") || m.contains("timeout") || m.contains("time out")
}

/// Turns a hunt's answer into its result body or a [`HuntError`] by cause. `holds_scope`: the session's token
/// holds `ThreatHunting.Read.All` (`session.has_any_scope(HUNT_ACCEPTED)`), which tells the two sides of a 403
/// apart.
pub fn map_hunt_response(resp: &HttpResponse, holds_scope: bool) -> Result<&HttpResponse, HuntError> {
    // The general mapping first (error body shapes, Retry-After, content type); hunting refines what it knows.
    let err = match map_response(resp, required_scope(Source::Graph)) {
        Ok(r) => return Ok(r),
        Err(e) => e,
    };
    Err(match err {
        ApiError::Forbidden { message, .. } => HuntError::Refused(if holds_scope {
            Refusal::UserRole { role_hint: HUNT_ROLE, message }
        } else {
            Refusal::AppPermission { needed_scope: HUNT_SCOPE }
        }),
        ApiError::RateLimited { .. } => {
            // The general mapping drops a 429's message; read it with the same body reader a 400 gets.
            let message =
                match map_response(&HttpResponse { status: 400, ..resp.clone() }, required_scope(Source::Graph)) {
                    Err(ApiError::BadRequest { message, .. }) => message,
                    _ => String::new(),
                };
            let limit = QuotaLimit::from_message(&format!("{message} {}", cap(&resp.body, 2_000)));
            // The body first, as for every 429 (request::error::retry_after), but up to a day: a CPU quota's cycle.
            let secs = body_retry_seconds(&resp.body)
                .or_else(|| resp.header("retry-after").and_then(|v| v.trim().parse::<u64>().ok()))
                .unwrap_or_else(|| limit.default_wait_secs())
                .clamp(1, 86_400);
            HuntError::Quota { limit, retry_after_secs: secs, message }
        }
        ApiError::BadRequest { message, .. } | ApiError::Server { message, .. }
            if is_timeout(resp.status, &message) =>
        {
            HuntError::Timeout { message }
        }
        ApiError::BadRequest { message, .. } if message.to_lowercase().contains("exceeded the allowed result size") => {
            HuntError::TooLarge { message }
        }
        ApiError::BadRequest { message, .. } if resp.status == 400 => {
            HuntError::Query { at: find_position(&message), near: find_near(&message), message }
        }
        e => HuntError::Api(e),
    })
}

impl HuntError {
    /// A plain sentence for the page (render as text).
    pub fn user_message(&self) -> String {
        let said = |m: &str| if m.is_empty() { String::new() } else { format!(" The API said: {m}") };
        match self {
            HuntError::Query { message, at: Some(p), .. } => {
                format!("The query has an error at line {}, column {}: {message}", p.line, p.column)
            }
            HuntError::Query { message, at: None, .. } => format!("The query was not accepted: {message}"),
            HuntError::TooLarge { message } => format!(
                "The result is larger than advanced hunting returns in one answer. Narrow the query (fewer columns with project, fewer rows with where, take or summarize) and run it again.{}",
                said(message)
            ),
            HuntError::Timeout { message } => format!(
                "The query ran longer than advanced hunting allows and was stopped. Narrow the time window or the tables, then run it again.{}",
                said(message)
            ),
            // The wait itself is said once, live, beside this sentence (the page's "Run is available again in …").
            HuntError::Quota { limit, message, .. } => format!(
                "The query was not run: it would exceed {}. Run becomes available again when it resets.{}",
                limit.describe(),
                said(message)
            ),
            HuntError::Refused(r) => r.user_message(),
            HuntError::Api(e) => e.user_message(),
            // The page words this one with the provider's answer (`problem::hunt_token_unavailable`).
            HuntError::NoGraphToken(_) => "No Microsoft Graph token for hunting could be had.".into(),
        }
    }

    /// Seconds until running again can help (a quota's reset), if there is such a wait.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            HuntError::Quota { retry_after_secs, .. } => Some(*retry_after_secs),
            _ => None,
        }
    }

    /// Running the same query again may succeed (after [`Self::retry_after_secs`]): a quota, a time-out, a
    /// server or network failure. A query error, the size cap and a refusal need a change first.
    pub fn can_retry(&self) -> bool {
        self.fault().may_help_later()
    }
}

/// A hunt is sent once (each one is the analyst's click; the driver renews its token once and nothing more):
/// these faults decide that renewal and what the Retry button offers.
impl Failure for HuntError {
    fn fault(&self) -> Fault {
        match self {
            HuntError::Quota { retry_after_secs, .. } => Fault::Throttled { secs: *retry_after_secs },
            HuntError::Timeout { .. } => Fault::Transient,
            HuntError::Api(e) => e.fault(),
            HuntError::Query { .. } | HuntError::TooLarge { .. } | HuntError::Refused(_) => Fault::Final,
            // Asking again for the second token is the analyst's Run, not the driver's.
            HuntError::NoGraphToken(_) => Fault::Final,
        }
    }

    fn signed_out() -> Self {
        HuntError::Api(ApiError::SignedOut)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(status: u16, headers: &[(&str, &str)], body: &str) -> HttpResponse {
        HttpResponse {
            status,
            headers: headers.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect(),
            body: body.into(),
        }
    }

    fn graph_error(status: u16, message: &str) -> HttpResponse {
        r(status, &[], &serde_json::json!({"error": {"code": "BadRequest", "message": message}}).to_string())
    }

    #[test]
    fn a_success_passes() {
        let ok = r(200, &[("Content-Type", "application/json")], "{}");
        assert_eq!(map_hunt_response(&ok, true).unwrap(), &ok);
    }

    #[test]
    fn a_query_error_names_its_place_in_every_spelling() {
        let cases = [
            ("Query could not be parsed at 'wher' on line [2,14]", Some((2, 14)), Some("wher")),
            ("Syntax error (2,14): expected an expression", Some((2, 14)), None),
            ("Syntax error at line 2, column 14.", Some((2, 14)), None),
            ("Line: 3, Position: 1: unknown operator", Some((3, 1)), None),
            ("SYN0002: A recognition error occurred. [line:position=1:9]", Some((1, 9)), None),
            ("'where' operator: Failed to resolve column or scalar expression named 'Foo'", None, None),
            ("line [0,0] is no place; nor (x,1) nor line 2 column", None, None),
        ];
        for (msg, at, near) in cases {
            let e = map_hunt_response(&graph_error(400, msg), true).unwrap_err();
            let HuntError::Query { message, at: got, near: got_near } = &e else { panic!("{msg}: {e:?}") };
            assert_eq!(message, msg);
            assert_eq!(got.map(|p| (p.line, p.column)), at, "{msg}");
            assert_eq!(got_near.as_deref(), near, "{msg}");
            assert!(!e.can_retry());
            if let Some((l, c)) = at {
                assert!(e.user_message().starts_with(&format!("The query has an error at line {l}, column {c}: ")));
            }
        }
    }

    #[test]
    fn a_position_is_a_character_offset_in_the_query() {
        let q = "DeviceProcessEvents\n| wher x\n";
        let p = |line, column| Position { line, column };
        assert_eq!(p(2, 3).char_offset(q), Some(22));
        assert_eq!(q.chars().nth(22), Some('w'));
        assert_eq!(p(1, 1).char_offset(q), Some(0));
        assert_eq!(p(1, 999).char_offset(q), Some(19), "clamped to the line's end");
        assert_eq!(p(9, 1).char_offset(q), None);
        assert_eq!(p(0, 1).char_offset(q), None);
        assert_eq!(p(1, 2).char_offset("é|x"), Some(1), "characters, not bytes");
    }

    #[test]
    fn the_caret_stays_within_the_quoted_line() {
        let q = "DeviceProcessEvents\n| wher x\n";
        let p = |line, column| Position { line, column };
        assert_eq!(p(2, 3).caret_under(q), "| wher x\n  ^");
        assert_eq!(p(1, 1).caret_under("é|x"), "é|x\n^");
        assert_eq!(p(1, 3).caret_under("é|x"), "é|x\n  ^", "characters, not bytes");
        // A column from the API's text can be anything: clamped to the line, never gigabytes of spaces.
        assert_eq!(p(2, u32::MAX).caret_under(q), "| wher x\n        ^");
        assert_eq!(p(u32::MAX, u32::MAX).caret_under(q), "\n^", "past the last line: nothing to point into");
    }

    #[test]
    fn the_size_cap_and_time_outs_are_named() {
        let size = "Query execution has exceeded the allowed result size. Optimize your query by limiting the number of results and try again.";
        let e = map_hunt_response(&graph_error(400, size), true).unwrap_err();
        assert!(matches!(&e, HuntError::TooLarge { message } if message == size));
        assert!(e.user_message().contains("Narrow the query") && !e.can_retry());
        for resp in [
            graph_error(400, "Query execution timed out"),
            r(504, &[], "<html>Gateway Timeout</html>"),
            r(408, &[], ""),
        ] {
            let e = map_hunt_response(&resp, true).unwrap_err();
            assert!(matches!(e, HuntError::Timeout { .. }), "{resp:?} → {e:?}");
            assert!(e.can_retry() && e.user_message().contains("time window"));
        }
    }

    #[test]
    fn a_403_says_which_side_refused() {
        let resp = graph_error(403, "Insufficient privileges");
        let e = map_hunt_response(&resp, false).unwrap_err();
        assert_eq!(e, HuntError::Refused(Refusal::AppPermission { needed_scope: "ThreatHunting.Read.All" }));
        assert!(e.user_message().contains("ThreatHunting.Read.All"));
        let e = map_hunt_response(&resp, true).unwrap_err();
        assert!(
            matches!(&e, HuntError::Refused(Refusal::UserRole { message, .. }) if message == "Insufficient privileges")
        );
        assert!(e.user_message().contains("View Data") && !e.can_retry());
    }

    #[test]
    fn a_429_says_which_limit_and_when_it_resets() {
        let quota = |resp: HttpResponse| match map_hunt_response(&resp, true).unwrap_err() {
            HuntError::Quota { limit, retry_after_secs, .. } => (limit, retry_after_secs),
            e => panic!("{e:?}"),
        };
        // The body Defender's hunting API answers (MicrosoftDocs/microsoft-365-docs#4616).
        let minute = r#"{"error":{"code":"429","message":"API calls quota exceeded! maximum allowed 45 per 00:01:00","target":"x"}}"#;
        let hour =
            r#"{"error":{"code":"429","message":"API calls quota exceeded! maximum allowed 1500 per 01:00:00"}}"#;
        assert_eq!(quota(r(429, &[], minute)), (QuotaLimit::CallsPerMinute, 60));
        assert_eq!(quota(r(429, &[("Retry-After", "17")], minute)), (QuotaLimit::CallsPerMinute, 17));
        assert_eq!(quota(r(429, &[], hour)), (QuotaLimit::CallsPerHour, 3600));
        let cpu = r#"{"error":{"code":"TooManyRequests","message":"CPU resources quota exceeded. Try again in 420 seconds."}}"#;
        assert_eq!(quota(r(429, &[], cpu)), (QuotaLimit::Cpu, 420));
        assert_eq!(quota(r(429, &[], "")), (QuotaLimit::Unknown, 60));
        assert_eq!(quota(r(429, &[("Retry-After", "0")], "")).1, 1);
        assert_eq!(quota(r(429, &[("Retry-After", "9999999")], "")).1, 86_400);
        let e = map_hunt_response(&r(429, &[], minute), true).unwrap_err();
        let m = e.user_message();
        assert!(m.contains("calls a minute") && m.contains("maximum allowed 45"), "{m}");
        // One voice for the wait: the page's live "Run is available again in …" is the only countdown.
        let ours = m.split(" The API said:").next().unwrap_or_default();
        assert!(ours.ends_with("Run becomes available again when it resets."), "{m}");
        assert!(!ours.contains("1:00") && !ours.contains("60 s") && !ours.contains("resets in"), "{m}");
    }

    #[test]
    fn never_a_retry_by_itself() {
        use crate::request::retry::{Next, Policy, Retry};
        let unauth = HuntError::Api(ApiError::Unauthorized { message: String::new() });
        let mut run = Retry::new(Policy::ONCE);
        assert_eq!(run.next(unauth.clone()), Next::Renew(unauth.clone()));
        assert_eq!(run.next(unauth.clone()), Next::Fail(unauth.clone()));
        let quota = HuntError::Quota { limit: QuotaLimit::Cpu, retry_after_secs: 900, message: String::new() };
        assert_eq!(Retry::new(Policy::ONCE).next(quota.clone()), Next::Fail(quota.clone()));
        assert_eq!((quota.can_retry(), quota.retry_after_secs()), (true, Some(900)));
        let server = HuntError::Api(ApiError::Server { status: 503, message: String::new() });
        assert_eq!(Retry::new(Policy::ONCE).next(server.clone()), Next::Fail(server.clone()));
        assert!(server.can_retry());
        let bad = HuntError::Query { message: "x".into(), at: None, near: None };
        assert!(!bad.can_retry() && !HuntError::NoGraphToken(None).can_retry());
    }
}
