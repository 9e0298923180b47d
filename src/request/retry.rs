//! What to do after a failed API call, as a value: renew once on 401, wait out a 429 as the server asks
//! (a few times), back off on 5xx and network failures (1, 2, 4 s), and otherwise give up. The flows only
//! carry the decision out, so every rule here is tested natively.

use crate::request::error::ApiError;

/// How many 429s in a row are waited out before the user is asked.
pub(crate) const MAX_RATE_LIMIT_WAITS: u32 = 5;

/// The next step after a failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Next {
    /// Renew the token, then send again; if renewal fails, the call fails with this error.
    Renew(ApiError),
    /// Show `cause` with a countdown, wait `secs`, then send again.
    Wait {
        /// Seconds to wait.
        secs: u64,
        /// The failure being waited out.
        cause: ApiError,
    },
    /// Give up with this error.
    Fail(ApiError),
}

/// Bounded exponential backoff for 5xx and network failures: 1, 2, 4 s, then give up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Backoff {
    attempt: u32,
    max_attempts: u32,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff { attempt: 0, max_attempts: 3 }
    }
}

impl Backoff {
    fn none() -> Self {
        Backoff { max_attempts: 0, ..Self::default() }
    }

    /// The next delay, or None when retries are used up.
    fn next_delay_secs(&mut self) -> Option<u64> {
        if self.attempt >= self.max_attempts {
            return None;
        }
        let d = 1u64 << self.attempt.min(30);
        self.attempt += 1;
        Some(d)
    }
}

/// The retry state of one call: what has been tried so far decides what comes next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Retry {
    renewed: bool,
    rate_waits: u32,
    max_rate_waits: u32,
    backoff: Backoff,
}

impl Retry {
    /// Loading a view: renew once, wait out up to five 429s, back off three times on 5xx/network.
    pub(crate) fn patient() -> Self {
        Retry { renewed: false, rate_waits: 0, max_rate_waits: MAX_RATE_LIMIT_WAITS, backoff: Backoff::default() }
    }

    /// Auto-refresh, which comes round again by itself: renew once, nothing else.
    pub(crate) fn renew_only() -> Self {
        Retry { max_rate_waits: 0, backoff: Backoff::none(), ..Self::patient() }
    }

    /// Before sending: an expired token is renewed first, once per call (true = renew now).
    pub(crate) fn renew_first(&mut self, token_expired: bool) -> bool {
        let renew = token_expired && !self.renewed;
        self.renewed |= renew;
        renew
    }

    /// After a failure: renew, wait, or give up.
    pub(crate) fn next(&mut self, err: ApiError) -> Next {
        match err {
            ApiError::Unauthorized { .. } if !self.renewed => {
                self.renewed = true;
                Next::Renew(err)
            }
            ApiError::RateLimited { retry_after_secs } if self.rate_waits < self.max_rate_waits => {
                self.rate_waits += 1;
                Next::Wait { secs: retry_after_secs, cause: err }
            }
            ApiError::RateLimited { .. } => Next::Fail(err),
            e if e.is_retryable() => match self.backoff.next_delay_secs() {
                Some(secs) => Next::Wait { secs, cause: e },
                None => Next::Fail(e),
            },
            e => Next::Fail(e),
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
        ApiError::RateLimited { retry_after_secs: secs }
    }

    #[test]
    fn backoff_is_bounded() {
        let mut b = Backoff::default();
        let v: Vec<u64> = std::iter::from_fn(|| b.next_delay_secs()).take(10).collect();
        assert_eq!(v, vec![1, 2, 4]);
        assert_eq!(Backoff::none().next_delay_secs(), None);
    }

    #[test]
    fn a_401_renews_once_then_asks_to_sign_in() {
        let mut r = Retry::patient();
        assert_eq!(r.next(unauthorized()), Next::Renew(unauthorized()));
        assert_eq!(r.next(unauthorized()), Next::Fail(unauthorized()));
        let mut r = Retry::renew_only();
        assert_eq!(r.next(unauthorized()), Next::Renew(unauthorized()));
        assert_eq!(r.next(unauthorized()), Next::Fail(unauthorized()));
    }

    #[test]
    fn an_expired_token_is_renewed_before_sending_and_that_counts_as_the_one_renewal() {
        let mut r = Retry::patient();
        assert!(!r.renew_first(false));
        assert!(r.renew_first(true));
        assert!(!r.renew_first(true), "once per call");
        assert_eq!(r.next(unauthorized()), Next::Fail(unauthorized()));
    }

    #[test]
    fn a_429_waits_as_long_as_the_server_asked_five_times() {
        // map_response turns Retry-After: 12 into 12 s, and a 429 without it into the 30 s default.
        for (secs, header) in [(12, Some("12")), (crate::request::error::DEFAULT_RETRY_AFTER_SECS, None)] {
            let resp = crate::http::HttpResponse {
                status: 429,
                headers: header.map(|h| ("Retry-After".to_string(), h.to_string())).into_iter().collect(),
                body: String::new(),
            };
            let Err(err) = crate::request::error::map_response(&resp, "Incident.Read") else { panic!() };
            let mut r = Retry::patient();
            for _ in 0..MAX_RATE_LIMIT_WAITS {
                assert_eq!(r.next(err.clone()), Next::Wait { secs, cause: rate_limited(secs) });
            }
            assert_eq!(r.next(err.clone()), Next::Fail(rate_limited(secs)));
        }
        // The rate-limit waits do not use up the 5xx backoff, nor the other way round.
        let mut r = Retry::patient();
        assert_eq!(r.next(server(503)), Next::Wait { secs: 1, cause: server(503) });
        assert_eq!(r.next(rate_limited(7)), Next::Wait { secs: 7, cause: rate_limited(7) });
        assert_eq!(r.next(server(503)), Next::Wait { secs: 2, cause: server(503) });
    }

    #[test]
    fn server_errors_back_off_1_2_4_then_fail() {
        let mut r = Retry::patient();
        for secs in [1, 2, 4] {
            assert_eq!(r.next(server(502)), Next::Wait { secs, cause: server(502) });
        }
        assert_eq!(r.next(server(502)), Next::Fail(server(502)));
        let net = ApiError::Network("offline".into());
        assert_eq!(Retry::patient().next(net.clone()), Next::Wait { secs: 1, cause: net });
    }

    #[test]
    fn what_a_retry_cannot_fix_fails_at_once() {
        for e in [server(501), ApiError::NotFound, ApiError::BadBody("x".into())] {
            assert_eq!(Retry::patient().next(e.clone()), Next::Fail(e));
        }
        let forbidden = ApiError::Forbidden { message: String::new(), needed_scope: "Incident.Read" };
        assert_eq!(Retry::patient().next(forbidden.clone()), Next::Fail(forbidden));
    }

    #[test]
    fn auto_refresh_only_renews() {
        assert_eq!(Retry::renew_only().next(rate_limited(5)), Next::Fail(rate_limited(5)));
        assert_eq!(Retry::renew_only().next(server(500)), Next::Fail(server(500)));
    }
}
