//! Small pure formatting helpers for the page: relative ages, countdowns, waits and clock times with their zone.

/// "just now", "5 min ago", "3 h ago", "12 d ago" for a moment `ts` seen at `now` (Unix seconds).
pub(crate) fn relative_age(ts: i64, now: i64) -> String {
    let d = now.saturating_sub(ts);
    match d {
        i64::MIN..=44 => "just now".into(),
        45..=3_599 => format!("{} min ago", (d + 30) / 60),
        3_600..=86_399 => format!("{} h ago", d / 3_600),
        86_400..=5_183_999 => format!("{} d ago", d / 86_400),
        _ => format!("{} mo ago", d / 2_592_000),
    }
}

/// "59:58" or "1:02:03" for a number of seconds; "expired" when none remain.
pub(crate) fn countdown(secs: i64) -> String {
    if secs <= 0 {
        return "expired".into();
    }
    let (h, m, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// How long a wait still lasts, in the one wording the page uses for waits: "4 s", "2 min 05 s".
pub(crate) fn wait(secs: u64) -> String {
    if secs < 60 {
        format!("{secs} s")
    } else {
        format!("{} min {:02} s", secs / 60, secs % 60)
    }
}

/// The sentence beside a wait that ends at `until` (Unix seconds), seen at `now`: "Retrying in 4 s", and once
/// the time has come (or the server's time was nonsense and already past) "Retrying now…", never a negative
/// number or "expired".
pub(crate) fn retry_text(until: u64, now: u64) -> String {
    match until.checked_sub(now) {
        Some(left) if left > 0 => format!("Retrying in {}", wait(left)),
        _ => "Retrying now…".into(),
    }
}

/// "10:07" for Unix time `ts` in a zone `offset_min` minutes east of UTC.
pub(crate) fn clock(ts: u64, offset_min: i32) -> String {
    let local = ts as i64 + offset_min as i64 * 60;
    let day = local.rem_euclid(86_400);
    format!("{:02}:{:02}", day / 3600, (day % 3600) / 60)
}

/// "UTC", "UTC+1", "UTC-3:30", "UTC+5:45" for a zone `offset_min` minutes east of UTC.
pub(crate) fn zone(offset_min: i32) -> String {
    let sign = if offset_min < 0 { '-' } else { '+' };
    let (h, m) = (offset_min.unsigned_abs() / 60, offset_min.unsigned_abs() % 60);
    match (h, m) {
        (0, 0) => "UTC".into(),
        (h, 0) => format!("UTC{sign}{h}"),
        (h, m) => format!("UTC{sign}{h}:{m:02}"),
    }
}

/// "10:07 (UTC+1)": when the data on screen was read, in the analyst's time with its offset, so a screenshot
/// shared across time zones still says when.
pub(crate) fn clock_with_zone(ts: u64, offset_min: i32) -> String {
    format!("{} ({})", clock(ts, offset_min), zone(offset_min))
}

/// Truncates to `max` characters, adding "…".
pub(crate) fn cap(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        None => s.to_string(),
        Some((i, _)) => format!("{}…", s.get(..i).unwrap_or("")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_have_one_wording_and_never_read_expired() {
        assert_eq!(wait(4), "4 s");
        assert_eq!(wait(59), "59 s");
        assert_eq!(wait(125), "2 min 05 s");
        assert_eq!(retry_text(1004, 1000), "Retrying in 4 s");
        // Issue #13: a malformed or past Retry-After gave "Retrying in expired".
        assert_eq!(retry_text(1000, 1000), "Retrying now…");
        assert_eq!(retry_text(900, 1000), "Retrying now…");
        assert_eq!(retry_text(0, u64::MAX), "Retrying now…");
        assert!(!retry_text(1000, 1001).contains("expired"));
    }

    #[test]
    fn clock_times_carry_their_zone() {
        // 2026-11-27T09:07:00Z
        let t = 1_795_770_420;
        assert_eq!(clock_with_zone(t, 60), "10:07 (UTC+1)");
        assert_eq!(clock_with_zone(t, 0), "09:07 (UTC)");
        assert_eq!(clock_with_zone(t, -210), "05:37 (UTC-3:30)");
        assert_eq!(clock_with_zone(t, 345), "14:52 (UTC+5:45)");
        // Across midnight both ways.
        assert_eq!(clock(t, 15 * 60), "00:07");
        assert_eq!(clock(t, -10 * 60), "23:07");
        assert_eq!(clock(0, -60), "23:00");
        assert_eq!(zone(-600), "UTC-10");
    }

    #[test]
    fn ages_read_naturally() {
        assert_eq!(relative_age(1000, 1010), "just now");
        assert_eq!(relative_age(0, 300), "5 min ago");
        assert_eq!(relative_age(0, 3 * 3600 + 5), "3 h ago");
        assert_eq!(relative_age(0, 12 * 86_400), "12 d ago");
        assert_eq!(relative_age(0, 200 * 86_400), "6 mo ago");
        // A clock running behind the server must not print a negative age.
        assert_eq!(relative_age(2000, 1000), "just now");
    }

    #[test]
    fn countdowns_pad_and_stop_at_zero() {
        assert_eq!(countdown(3599), "59:59");
        assert_eq!(countdown(3723), "1:02:03");
        assert_eq!(countdown(0), "expired");
        assert_eq!(countdown(-5), "expired");
    }
}
