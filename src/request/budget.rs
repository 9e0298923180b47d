//! One client-side request budget for the incidents API, so paging and auto-refresh together never break
//! the documented limits (Defender: 50 calls a minute, 1,500 an hour) and a 429 pauses everything.

/// Sliding-window limits and the times of recent requests (milliseconds on any monotonic clock).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Budget {
    per_minute: usize,
    per_hour: usize,
    sent: Vec<f64>,
    paused_until: f64,
}

/// sessionStorage key of this tab's budget (the times of recent requests and any 429 pause).
pub(crate) const BUDGET_KEY: &str = "onbehalf.budget";

const MINUTE: f64 = 60_000.0;
const HOUR: f64 = 3_600_000.0;

impl Budget {
    /// A budget a little under the given limits, leaving room for another tab or a retry.
    pub(crate) fn new(per_minute: u32, per_hour: u32) -> Self {
        let margin = |n: u32| ((n as f64 * 0.9).floor() as usize).max(1);
        Budget { per_minute: margin(per_minute), per_hour: margin(per_hour), sent: vec![], paused_until: 0.0 }
    }

    /// How long to wait before the next request may go, at `now` (0 = go now).
    pub(crate) fn wait_ms(&self, now: f64) -> f64 {
        let mut wait = (self.paused_until - now).max(0.0);
        let in_window = |w: f64| self.sent.iter().filter(|t| now - **t < w).count();
        if in_window(MINUTE) >= self.per_minute {
            let oldest = self.sent.iter().rev().take(self.per_minute).fold(f64::MAX, |a, b| a.min(*b));
            wait = wait.max(oldest + MINUTE - now);
        }
        if in_window(HOUR) >= self.per_hour {
            let oldest = self.sent.iter().rev().take(self.per_hour).fold(f64::MAX, |a, b| a.min(*b));
            wait = wait.max(oldest + HOUR - now);
        }
        wait.max(0.0)
    }

    /// Records a request sent at `now`.
    pub(crate) fn record(&mut self, now: f64) {
        self.sent.retain(|t| now - *t < HOUR);
        self.sent.push(now);
    }

    /// How much longer a 429's pause holds every request, at `now` (0 = not paused).
    pub(crate) fn paused_ms(&self, now: f64) -> f64 {
        (self.paused_until - now).max(0.0)
    }

    /// The recent requests and pause, as kept in sessionStorage (times in ms on the wall clock).
    pub(crate) fn to_json(&self) -> String {
        serde_json::json!({"sent": self.sent, "paused_until": self.paused_until}).to_string()
    }

    /// Takes over the requests and pause a previous page in this tab recorded; the limits stay this
    /// configuration's. Times outside the last hour, or in the future (a clock turned back), are dropped;
    /// anything unreadable is ignored.
    pub(crate) fn restore(&mut self, json: &str, now: f64) {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(json) else { return };
        let fresh = |t: &f64| t.is_finite() && now - *t < HOUR && *t <= now;
        if let Some(sent) = v.get("sent").and_then(|s| s.as_array()) {
            self.sent = sent.iter().filter_map(serde_json::Value::as_f64).filter(fresh).collect();
        }
        if let Some(p) = v.get("paused_until").and_then(serde_json::Value::as_f64) {
            // A pause is never longer than the hour a Retry-After is clamped to.
            if p.is_finite() && p > now && p - now <= HOUR {
                self.paused_until = p;
            }
        }
    }

    /// After a 429 that named no wait: seconds until the oldest request recorded in `quota`'s window leaves it (the
    /// window's whole length when none of this tab's is in it: the requests that filled it were another's).
    pub(crate) fn window_end_secs(&self, now: f64, quota: super::error::Quota) -> u64 {
        let window = quota.window_secs() as f64 * 1000.0;
        let oldest = self.sent.iter().filter(|t| now - **t < window).fold(f64::MAX, |a, b| a.min(*b));
        let ms = if oldest == f64::MAX { window } else { oldest + window - now };
        (ms / 1000.0).ceil().max(1.0) as u64
    }

    /// After a 429: nothing goes until the server's wait has passed.
    pub(crate) fn pause(&mut self, now: f64, secs: u64) {
        self.paused_until = self.paused_until.max(now + secs as f64 * 1000.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::error::Quota;

    #[test]
    fn a_429_without_a_wait_lasts_until_the_oldest_request_leaves_its_window() {
        let mut b = Budget::new(50, 1500);
        assert_eq!(b.window_end_secs(0.0, Quota::Minute), 60, "none of ours in it: the whole window");
        b.record(1_000.0);
        b.record(20_000.0);
        assert_eq!(b.window_end_secs(30_000.0, Quota::Minute), 31);
        assert_eq!(b.window_end_secs(30_000.0, Quota::Hour), 3571);
        assert_eq!(b.window_end_secs(61_000.0, Quota::Minute), 19, "the first one has left the minute");
    }

    #[test]
    fn stays_under_the_per_minute_limit() {
        let mut b = Budget::new(50, 1500);
        let mut now = 0.0;
        let mut sent = 0;
        while now < MINUTE {
            if b.wait_ms(now) == 0.0 {
                b.record(now);
                sent += 1;
            }
            now += 10.0;
        }
        assert_eq!(sent, 45, "90% of 50 in any minute");
        assert!(b.wait_ms(MINUTE - 10.0) > 0.0);
        assert_eq!(b.wait_ms(MINUTE + 10.0), 0.0, "the window slides");
    }

    #[test]
    fn stays_under_the_per_hour_limit() {
        let mut b = Budget::new(10_000, 100);
        for i in 0..90 {
            assert_eq!(b.wait_ms(i as f64), 0.0);
            b.record(i as f64);
        }
        let w = b.wait_ms(100.0);
        assert!(w > HOUR - 200.0 && w <= HOUR, "{w}");
    }

    #[test]
    fn the_budget_survives_a_reload() {
        let now = 10_000_000.0;
        let mut spent = Budget::new(50, 1500);
        for i in 0..45 {
            spent.record(now - 30_000.0 + i as f64);
        }
        spent.pause(now, 18);
        let mut reloaded = Budget::new(50, 1500);
        assert_eq!(reloaded.wait_ms(now), 0.0, "a fresh budget would send at once");
        reloaded.restore(&spent.to_json(), now);
        assert_eq!(reloaded.wait_ms(now), 30_000.0, "the minute's 45 requests still count, and the wait is the longer");
        assert_eq!(reloaded.paused_ms(now), 18_000.0);
        assert_eq!(reloaded, spent);
        // Old, future and unreadable entries are dropped; garbage changes nothing.
        let mut b = Budget::new(50, 1500);
        b.restore(r#"{"sent":[1, 9999999, 20000000, "x", null], "paused_until": 1e300}"#, now);
        assert_eq!(b.to_json(), r#"{"paused_until":0.0,"sent":[9999999.0]}"#);
        for junk in ["", "null", "[]", "{\"sent\":5}"] {
            let mut b = Budget::new(50, 1500);
            b.restore(junk, now);
            assert_eq!(b, Budget::new(50, 1500), "{junk}");
        }
        assert!(BUDGET_KEY.starts_with(crate::auth::session::KEY_PREFIX));
    }

    #[test]
    fn a_429_pauses_everything() {
        let mut b = Budget::new(50, 1500);
        b.pause(1000.0, 30);
        assert_eq!(b.wait_ms(1000.0), 30_000.0);
        assert_eq!(b.wait_ms(31_000.0), 0.0);
    }
}
