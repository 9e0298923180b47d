//! Small pure formatting helpers for the page: relative ages and countdowns.

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

#[cfg(test)]
mod tests {
    use super::*;

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
