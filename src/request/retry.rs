//! The one place that decides whether a failed call may go again, and when: every error type says what kind
//! of fault it is ([`Failure::fault`]), every request says how insistent it may be ([`Policy`]), and
//! [`Retry`] turns the two into the next step — renew once on a refused token, wait out a 429 as the server
//! asks (a few times), back off on 5xx and network failures (1, 2, 4 s), and otherwise give up. The driver
//! (`driver.rs`) carries the steps out; nothing else decides.

use super::error::ApiError;

/// How many 429s in a row are waited out before the user is asked.
pub(crate) const MAX_RATE_LIMIT_WAITS: u32 = 5;

/// What a failure means for sending the same request again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// 401 without a claims challenge: the token was refused, so nothing was applied. A renewed token may pass.
    Token,
    /// 429: the server applied nothing and names its wait (seconds).
    Throttled {
        /// Seconds the server asked for.
        secs: u64,
    },
    /// A 5xx that may pass later, or no answer at all: the request may or may not have been applied.
    Transient,
    /// Nothing a retry can fix (4xx, 501/505, a bad body, a claims challenge, signed out).
    Final,
}

impl Fault {
    /// A later attempt may succeed (what the hunting page's Retry button offers).
    pub fn may_help_later(self) -> bool {
        matches!(self, Fault::Throttled { .. } | Fault::Transient)
    }
}

/// An error the driver can steer by: what kind of fault it is, and the error that ends a call whose analyst
/// signed out meanwhile.
pub trait Failure: Sized {
    /// What this failure means for sending again.
    fn fault(&self) -> Fault;
    /// The call stopped because the analyst signed out (or in as someone else) while it ran.
    fn signed_out() -> Self;
}

impl Failure for ApiError {
    fn fault(&self) -> Fault {
        match self {
            ApiError::Unauthorized { .. } => Fault::Token,
            ApiError::RateLimited { retry_after_secs, .. } => Fault::Throttled { secs: *retry_after_secs },
            // 501 Not Implemented and 505 HTTP Version Not Supported say the same thing every time.
            ApiError::Server { status, .. } if *status != 501 && *status != 505 => Fault::Transient,
            ApiError::Network(_) => Fault::Transient,
            _ => Fault::Final,
        }
    }

    fn signed_out() -> Self {
        ApiError::SignedOut
    }
}

/// How insistent one request may be: a property of the request, never of the loop that sends it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// 429s waited out before giving up.
    rate_waits: u32,
    /// Backoff steps (1, 2, 4 s…) after a transient fault.
    backoff: u32,
}

impl Policy {
    /// Reads and idempotent writes (a PATCH that sets properties leaves the same incident however often it
    /// arrives): renew once, wait out five 429s, back off three times on 5xx and network failures.
    pub const PATIENT: Policy = Policy { rate_waits: MAX_RATE_LIMIT_WAITS, backoff: 3 };

    /// Sent once, renewed once: a comment (a 5xx or a lost answer may hide a comment that was added, so it is
    /// never sent twice), a hunt (each one is the analyst's click; a failure waits for them), and auto-refresh
    /// (which comes round again by itself).
    pub const ONCE: Policy = Policy { rate_waits: 0, backoff: 0 };
}

/// The next step after a failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Next<E> {
    /// Renew the token, then send again; if renewal fails, the call fails with this error.
    Renew(E),
    /// Wait `secs`, then send again. `throttled`: the server asked for the wait (a 429), so every other request
    /// waits too.
    Wait {
        /// Seconds to wait.
        secs: u64,
        /// The failure being waited out.
        cause: E,
        /// The server's own wait (a 429), not a backoff.
        throttled: bool,
    },
    /// Give up with this error.
    Fail(E),
}

/// The retry state of one call: what has been tried so far decides what comes next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Retry {
    policy: Policy,
    renewed: bool,
    rate_waits: u32,
    backoffs: u32,
}

impl Retry {
    /// A call that has tried nothing yet.
    pub(crate) fn new(policy: Policy) -> Self {
        Retry { policy, renewed: false, rate_waits: 0, backoffs: 0 }
    }

    /// Before sending: an expired token is renewed first, once per call (true = renew now).
    pub(crate) fn renew_first(&mut self, token_expired: bool) -> bool {
        let renew = token_expired && !self.renewed;
        self.renewed |= renew;
        renew
    }

    /// After a failure: renew, wait, or give up.
    pub(crate) fn next<E: Failure>(&mut self, err: E) -> Next<E> {
        match err.fault() {
            Fault::Token if !self.renewed => {
                self.renewed = true;
                Next::Renew(err)
            }
            Fault::Throttled { secs } if self.rate_waits < self.policy.rate_waits => {
                self.rate_waits += 1;
                Next::Wait { secs, cause: err, throttled: true }
            }
            Fault::Transient if self.backoffs < self.policy.backoff => {
                let secs = 1u64 << self.backoffs.min(30);
                self.backoffs += 1;
                Next::Wait { secs, cause: err, throttled: false }
            }
            _ => Next::Fail(err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(status: u16) -> ApiError {
        ApiError::Server { status, message: "oops".into() }
    }
    fn unauthorized() -> ApiError {
        ApiError::Unauthorized { message: "expired".into() }
    }
    fn rate_limited(secs: u64) -> ApiError {
        ApiError::RateLimited { retry_after_secs: secs, quota: crate::request::error::Quota::Minute, stated: true }
    }
    fn wait(secs: u64, cause: ApiError) -> Next<ApiError> {
        let throttled = matches!(cause, ApiError::RateLimited { .. });
        Next::Wait { secs, cause, throttled }
    }

    #[test]
    fn every_api_error_has_one_fault() {
        assert_eq!(unauthorized().fault(), Fault::Token);
        assert_eq!(rate_limited(9).fault(), Fault::Throttled { secs: 9 });
        for s in [500, 502, 503, 504, 599] {
            assert_eq!(server(s).fault(), Fault::Transient, "{s}");
        }
        assert_eq!(ApiError::Network("offline".into()).fault(), Fault::Transient);
        for e in [
            server(501),
            server(505),
            ApiError::NotFound,
            ApiError::BadBody("x".into()),
            ApiError::SignedOut,
            ApiError::ClaimsChallenge { claims: "{}".into() },
            ApiError::BadRequest { code: "InvalidInput".into(), message: String::new() },
            ApiError::Forbidden { message: String::new(), needed_scope: "Incident.Read" },
        ] {
            assert_eq!(e.fault(), Fault::Final, "{e:?}");
            assert!(!e.fault().may_help_later());
        }
        assert!(rate_limited(1).fault().may_help_later() && server(503).fault().may_help_later());
    }

    #[test]
    fn a_401_renews_once_then_fails_whatever_the_policy() {
        for policy in [Policy::PATIENT, Policy::ONCE] {
            let mut r = Retry::new(policy);
            assert_eq!(r.next(unauthorized()), Next::Renew(unauthorized()));
            assert_eq!(r.next(unauthorized()), Next::Fail(unauthorized()));
        }
    }

    #[test]
    fn an_expired_token_is_renewed_before_sending_and_that_counts_as_the_one_renewal() {
        let mut r = Retry::new(Policy::PATIENT);
        assert!(!r.renew_first(false));
        assert!(r.renew_first(true));
        assert!(!r.renew_first(true), "once per call");
        assert_eq!(r.next(unauthorized()), Next::Fail(unauthorized()));
    }

    #[test]
    fn a_429_waits_as_long_as_the_server_asked_five_times() {
        // map_response turns Retry-After: 12 into 12 s (and a 429 that names nothing into its window's end).
        for (secs, header) in [(12, Some("12"))] {
            let resp = crate::http::HttpResponse {
                status: 429,
                headers: header.map(|h| ("Retry-After".to_string(), h.to_string())).into_iter().collect(),
                body: String::new(),
            };
            let Err(err) = crate::request::error::map_response(&resp, "Incident.Read") else { panic!() };
            let mut r = Retry::new(Policy::PATIENT);
            for _ in 0..MAX_RATE_LIMIT_WAITS {
                assert_eq!(r.next(err.clone()), wait(secs, rate_limited(secs)));
            }
            assert_eq!(r.next(err.clone()), Next::Fail(rate_limited(secs)));
        }
        // The rate-limit waits do not use up the 5xx backoff, nor the other way round.
        let mut r = Retry::new(Policy::PATIENT);
        assert_eq!(r.next(server(503)), wait(1, server(503)));
        assert_eq!(r.next(rate_limited(7)), wait(7, rate_limited(7)));
        assert_eq!(r.next(server(503)), wait(2, server(503)));
    }

    #[test]
    fn server_errors_back_off_1_2_4_then_fail() {
        let mut r = Retry::new(Policy::PATIENT);
        for secs in [1, 2, 4] {
            assert_eq!(r.next(server(502)), wait(secs, server(502)));
        }
        assert_eq!(r.next(server(502)), Next::Fail(server(502)));
        let net = ApiError::Network("offline".into());
        assert_eq!(Retry::new(Policy::PATIENT).next(net.clone()), wait(1, net));
    }

    #[test]
    fn what_a_retry_cannot_fix_fails_at_once() {
        for e in [server(501), ApiError::NotFound, ApiError::BadBody("x".into()), ApiError::SignedOut] {
            assert_eq!(Retry::new(Policy::PATIENT).next(e.clone()), Next::Fail(e));
        }
        let forbidden = ApiError::Forbidden { message: String::new(), needed_scope: "Incident.Read" };
        assert_eq!(Retry::new(Policy::PATIENT).next(forbidden.clone()), Next::Fail(forbidden));
    }

    #[test]
    fn a_request_sent_once_only_renews() {
        assert_eq!(Retry::new(Policy::ONCE).next(rate_limited(5)), Next::Fail(rate_limited(5)));
        assert_eq!(Retry::new(Policy::ONCE).next(server(500)), Next::Fail(server(500)));
        let net = ApiError::Network("offline".into());
        assert_eq!(Retry::new(Policy::ONCE).next(net.clone()), Next::Fail(net));
    }
}
