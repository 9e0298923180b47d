//! The one request driver: every call to Microsoft's APIs — a queue page, an incident by id, an auto-refresh, a
//! write, a comment, a hunt, a table's columns — goes through [`drive`]. It asks its [`Port`] (the flows' thin
//! adapter to the browser, or a script in the tests) for a token, the budget's go-ahead, a send, a renewal or a
//! wait, in the order [`Retry`] decides, and checks the sign-out fence before every send and after every await,
//! so a call that outlived its analyst's session sends nothing more and brings nothing back.
//!
//! The port's futures are the only effects; the order of things is here, so native tests answer each step with
//! scripted responses (like oauth2-rs's mock HTTP client, or crux's effects resolved in tests).

use super::retry::{Failure, Fault, Next, Policy, Retry};

/// What one call needs from the outside world. Each method is one effect; [`drive`] decides when each happens.
#[allow(async_fn_in_trait)] // the app's futures are single-threaded (wasm); nothing needs them `Send`
pub trait Port {
    /// The bearer token the call carries.
    type Token;
    /// A successful answer, already read.
    type Answer;
    /// A failure, which says what kind of fault it is.
    type Error: Failure;

    /// The analyst who started the call is still signed in (no sign-out, no other account since).
    fn still(&self) -> bool;
    /// The token to send with, and whether it has (nearly) expired. After [`Port::renew`] it is the new one.
    async fn token(&mut self) -> Result<(Self::Token, bool), Self::Error>;
    /// Renews the token; false when renewal failed.
    async fn renew(&mut self) -> bool;
    /// Waits until the request budget lets one more request go, and counts it.
    async fn budget(&mut self);
    /// Sends the request once with `token` and reads the answer.
    async fn send(&mut self, token: Self::Token) -> Result<Self::Answer, Self::Error>;
    /// The server answered 429 and asked for `secs`: every request that shares its budget waits as well.
    fn throttled(&mut self, secs: u64);
    /// Waits `secs` before the next attempt, telling the analyst why (`cause`; `throttled`: the server's wait).
    async fn wait(&mut self, secs: u64, cause: &Self::Error, throttled: bool);
}

/// Carries one call through to its result: renew an expired token first, then send through the budget; after a
/// failure renew once, wait, or give up as [`Retry`] decides under `policy`.
pub async fn drive<P: Port>(port: &mut P, policy: Policy) -> Result<P::Answer, P::Error> {
    let mut retry = Retry::new(policy);
    let fenced = |port: &P| if port.still() { Ok(()) } else { Err(P::Error::signed_out()) };
    loop {
        fenced(port)?;
        let (token, expired) = port.token().await?;
        fenced(port)?;
        if retry.renew_first(expired) {
            // If the renewal fails the request still goes, and its 401 ends the call with the API's own words.
            let _ = port.renew().await;
            continue;
        }
        port.budget().await;
        fenced(port)?;
        let sent = port.send(token).await;
        fenced(port)?;
        let err = match sent {
            Ok(answer) => return Ok(answer),
            Err(err) => err,
        };
        if let Fault::Throttled { secs } = err.fault() {
            port.throttled(secs);
        }
        match retry.next(err) {
            Next::Renew(err) => {
                let renewed = port.renew().await;
                fenced(port)?;
                if !renewed {
                    return Err(err);
                }
            }
            Next::Wait { secs, cause, throttled } => port.wait(secs, &cause, throttled).await,
            Next::Fail(err) => return Err(err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::error::ApiError;
    use std::collections::VecDeque;
    use std::future::Future;
    use std::pin::pin;
    use std::task::{Context, Poll, Waker};

    /// Runs a future whose every await is ready at once (the scripted port never pends).
    fn block_on<F: Future>(f: F) -> F::Output {
        let mut f = pin!(f);
        let mut cx = Context::from_waker(Waker::noop());
        loop {
            if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
                return v;
            }
        }
    }

    /// A port that answers each send from a script and logs every effect in order.
    #[derive(Default)]
    struct Script {
        answers: VecDeque<Result<&'static str, ApiError>>,
        /// Token expiry as each `token()` sees it, in order (then: not expired).
        expired: VecDeque<bool>,
        renewals_fail: bool,
        /// Sign out after this many effects have been logged.
        sign_out_after: Option<usize>,
        log: Vec<String>,
        token_version: u32,
    }

    impl Script {
        fn answering(answers: Vec<Result<&'static str, ApiError>>) -> Self {
            Script { answers: answers.into(), ..Self::default() }
        }
        fn sends(&self) -> Vec<&str> {
            self.log.iter().filter(|l| l.starts_with("send")).map(String::as_str).collect()
        }
    }

    impl Port for Script {
        type Token = u32;
        type Answer = &'static str;
        type Error = ApiError;
        fn still(&self) -> bool {
            self.sign_out_after.is_none_or(|n| self.log.len() < n)
        }
        async fn token(&mut self) -> Result<(u32, bool), ApiError> {
            Ok((self.token_version, self.expired.pop_front().unwrap_or(false)))
        }
        async fn renew(&mut self) -> bool {
            self.log.push("renew".into());
            if !self.renewals_fail {
                self.token_version += 1;
            }
            !self.renewals_fail
        }
        async fn budget(&mut self) {
            self.log.push("budget".into());
        }
        async fn send(&mut self, token: u32) -> Result<&'static str, ApiError> {
            self.log.push(format!("send t{token}"));
            self.answers.pop_front().unwrap_or(Ok("ok"))
        }
        fn throttled(&mut self, secs: u64) {
            self.log.push(format!("pause budget {secs}"));
        }
        async fn wait(&mut self, secs: u64, _cause: &ApiError, throttled: bool) {
            self.log.push(format!("wait {secs}{}", if throttled { " (429)" } else { "" }));
        }
    }

    fn server(status: u16) -> ApiError {
        ApiError::Server { status, message: String::new() }
    }
    fn unauthorized() -> ApiError {
        ApiError::Unauthorized { message: String::new() }
    }

    #[test]
    fn a_good_answer_is_one_budgeted_send() {
        let mut p = Script::answering(vec![Ok("page")]);
        assert_eq!(block_on(drive(&mut p, Policy::PATIENT)), Ok("page"));
        assert_eq!(p.log, ["budget", "send t0"]);
    }

    #[test]
    fn an_expired_token_is_renewed_first_and_the_request_goes_exactly_once() {
        let mut p = Script { expired: [true].into(), ..Script::default() };
        assert_eq!(block_on(drive(&mut p, Policy::ONCE)), Ok("ok"));
        assert_eq!(p.log, ["renew", "budget", "send t1"], "a comment too: renewing first sends it once");
        // A renewal that fails still lets the request go: its 401 is the API's own answer.
        let mut p =
            Script { expired: [true].into(), renewals_fail: true, ..Script::answering(vec![Err(unauthorized())]) };
        assert_eq!(block_on(drive(&mut p, Policy::PATIENT)), Err(unauthorized()));
        assert_eq!(p.log, ["renew", "budget", "send t0"], "the expiry renewal was the call's one renewal");
    }

    #[test]
    fn a_401_renews_once_and_sends_again_with_the_new_token() {
        let mut p = Script::answering(vec![Err(unauthorized())]);
        assert_eq!(block_on(drive(&mut p, Policy::ONCE)), Ok("ok"));
        assert_eq!(p.log, ["budget", "send t0", "renew", "budget", "send t1"]);
        let mut p = Script::answering(vec![Err(unauthorized()), Err(unauthorized())]);
        assert_eq!(block_on(drive(&mut p, Policy::PATIENT)), Err(unauthorized()));
        assert_eq!(p.sends().len(), 2, "renewed once only");
        let mut p = Script { renewals_fail: true, ..Script::answering(vec![Err(unauthorized())]) };
        assert_eq!(block_on(drive(&mut p, Policy::PATIENT)), Err(unauthorized()));
        assert_eq!(p.log, ["budget", "send t0", "renew"]);
    }

    #[test]
    fn a_429_pauses_the_budget_and_waits_the_servers_time() {
        let limited =
            ApiError::RateLimited { retry_after_secs: 42, quota: crate::request::error::Quota::Minute, stated: true };
        let mut p = Script::answering(vec![Err(limited.clone())]);
        assert_eq!(block_on(drive(&mut p, Policy::PATIENT)), Ok("ok"));
        assert_eq!(p.log, ["budget", "send t0", "pause budget 42", "wait 42 (429)", "budget", "send t0"]);
        // Sent once: the budget still pauses (the server said so), but the call ends.
        let mut p = Script::answering(vec![Err(limited.clone())]);
        assert_eq!(block_on(drive(&mut p, Policy::ONCE)), Err(limited));
        assert_eq!(p.log, ["budget", "send t0", "pause budget 42"]);
    }

    #[test]
    fn transient_faults_back_off_and_final_ones_end_the_call() {
        let mut p = Script::answering(vec![Err(server(503)), Err(ApiError::Network("x".into())), Err(server(502))]);
        assert_eq!(block_on(drive(&mut p, Policy::PATIENT)), Ok("ok"));
        assert_eq!(p.log.iter().filter(|l| l.starts_with("wait")).collect::<Vec<_>>(), ["wait 1", "wait 2", "wait 4"]);
        assert_eq!(p.sends().len(), 4);
        for e in [server(501), ApiError::NotFound, ApiError::BadRequest { code: "x".into(), message: String::new() }] {
            let mut p = Script::answering(vec![Err(e.clone())]);
            assert_eq!(block_on(drive(&mut p, Policy::PATIENT)), Err(e));
            assert_eq!(p.sends().len(), 1);
        }
    }

    #[test]
    fn a_comment_is_never_sent_twice() {
        for e in [
            server(503),
            ApiError::Network("lost".into()),
            ApiError::RateLimited { retry_after_secs: 1, quota: crate::request::error::Quota::Minute, stated: true },
        ] {
            let mut p = Script::answering(vec![Err(e.clone())]);
            assert_eq!(block_on(drive(&mut p, Policy::ONCE)), Err(e));
            assert_eq!(p.sends(), ["send t0"]);
        }
    }

    #[test]
    fn a_sign_out_stops_the_call_wherever_it_is() {
        // Signed out while waiting out a 503 (the wait is the fourth effect): no second send.
        let mut p = Script { sign_out_after: Some(3), ..Script::answering(vec![Err(server(503))]) };
        assert_eq!(block_on(drive(&mut p, Policy::PATIENT)), Err(ApiError::SignedOut));
        assert_eq!(p.log, ["budget", "send t0", "wait 1"]);
        // While waiting for the budget: nothing is sent.
        let mut p = Script { sign_out_after: Some(1), ..Script::default() };
        assert_eq!(block_on(drive(&mut p, Policy::PATIENT)), Err(ApiError::SignedOut));
        assert_eq!(p.sends().len(), 0);
        // While the answer was on its way: it is not handed back.
        let mut p = Script { sign_out_after: Some(2), ..Script::default() };
        assert_eq!(block_on(drive(&mut p, Policy::PATIENT)), Err(ApiError::SignedOut));
        // While renewing after a 401: the old request is not sent again.
        let mut p = Script { sign_out_after: Some(3), ..Script::answering(vec![Err(unauthorized())]) };
        assert_eq!(block_on(drive(&mut p, Policy::PATIENT)), Err(ApiError::SignedOut));
        assert_eq!(p.sends().len(), 1);
        // Already signed out: nothing at all.
        let mut p = Script { sign_out_after: Some(0), ..Script::default() };
        assert_eq!(block_on(drive(&mut p, Policy::PATIENT)), Err(ApiError::SignedOut));
        assert!(p.log.is_empty());
    }
}
