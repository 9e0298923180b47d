//! The time a prepared hunt covers. From an incident, the incident's own span: the attack is when its alerts
//! were, not the last few days (an incident whose alerts were 13 days ago showed harmless processes in a 7-day
//! look-back; its encoded PowerShell was outside it). Without alert times, days back from now.

use super::pivot::Lookback;
use crate::incidents::model::Alert;
use crate::incidents::query::{parse_rfc3339, rfc3339};

/// The margin around an incident's alerts: a day before the first activity and a day after the last, so what
/// led up to the first alert and what followed the last one are in the window too.
pub const SPAN_MARGIN_SECS: i64 = 86_400;

/// The window a prepared hunt's `where Timestamp …` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// `Timestamp > ago(<n>d)`.
    Back(Lookback),
    /// `Timestamp between (datetime(<from>) .. datetime(<to>))`, Unix seconds, `from <= to`.
    Between(i64, i64),
}

impl Default for Window {
    fn default() -> Self {
        Window::Back(Lookback::DEFAULT)
    }
}

impl Window {
    /// `from..to` in order (a reversed pair is swapped, so the window is never empty by mistake).
    pub fn between(from: i64, to: i64) -> Window {
        Window::Between(from.min(to), from.max(to))
    }

    /// Around `alerts`: from the earliest first activity (else the alert's creation) less a day, to the latest
    /// last activity (else its first activity, else its creation) plus a day. The default look-back when no
    /// alert has a time the page can read.
    pub fn around_alerts(alerts: &[Alert]) -> Window {
        let time = |s: &Option<String>| s.as_deref().and_then(parse_rfc3339);
        let starts = alerts.iter().filter_map(|a| time(&a.first_activity).or_else(|| time(&a.created)));
        let ends = alerts
            .iter()
            .filter_map(|a| time(&a.last_activity).or_else(|| time(&a.first_activity)).or_else(|| time(&a.created)));
        match (starts.min(), ends.max()) {
            (Some(first), Some(last)) => {
                Window::between(first.saturating_sub(SPAN_MARGIN_SECS), last.saturating_add(SPAN_MARGIN_SECS))
            }
            _ => Window::default(),
        }
    }

    /// The KQL condition.
    pub fn condition(self) -> String {
        match self {
            Window::Back(days) => format!("Timestamp > ago({}d)", days.get()),
            Window::Between(from, to) => {
                format!("Timestamp between (datetime({}) .. datetime({}))", rfc3339(from), rfc3339(to))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert(first: Option<&str>, last: Option<&str>, created: Option<&str>) -> Alert {
        Alert {
            first_activity: first.map(str::to_string),
            last_activity: last.map(str::to_string),
            created: created.map(str::to_string),
            ..Default::default()
        }
    }

    #[test]
    fn an_incidents_window_spans_its_alerts_with_a_day_either_side() {
        // Issue 21.3: alerts 13 days ago are inside the window whatever today is.
        let alerts = [
            alert(Some("2026-11-14T08:15:00Z"), Some("2026-11-14T09:00:00.5Z"), None),
            alert(Some("2026-11-13T22:00:00+02:00"), Some("2026-11-15T10:00:00Z"), None),
            alert(None, None, Some("2026-11-12T07:00:00Z")),
        ];
        let w = Window::around_alerts(&alerts);
        assert_eq!(
            w,
            Window::Between(
                parse_rfc3339("2026-11-11T07:00:00Z").unwrap(),
                parse_rfc3339("2026-11-16T10:00:00Z").unwrap()
            )
        );
        assert_eq!(
            w.condition(),
            "Timestamp between (datetime(2026-11-11T07:00:00Z) .. datetime(2026-11-16T10:00:00Z))"
        );
        let one = Window::around_alerts(&[alert(Some("2026-11-14T08:00:00Z"), None, None)]);
        assert_eq!(
            one.condition(),
            "Timestamp between (datetime(2026-11-13T08:00:00Z) .. datetime(2026-11-15T08:00:00Z))",
            "an alert without a last activity counts its first"
        );
    }

    #[test]
    fn without_alert_times_the_window_looks_back_from_now() {
        assert_eq!(Window::around_alerts(&[]), Window::default());
        assert_eq!(Window::around_alerts(&[alert(Some("yesterday"), None, None)]), Window::default());
        assert_eq!(Window::default().condition(), "Timestamp > ago(7d)");
        assert_eq!(Window::between(20, 10), Window::Between(10, 20));
    }
}
