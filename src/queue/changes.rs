//! What changed in the view between two reads of the queue (a refresh or an auto-refresh): incidents that are
//! new, that changed, and that left the view (resolved elsewhere, or no longer matching it). A notice lists
//! them instead of a row vanishing or changing silently; the tab title carries the count of new ones.

use crate::incidents::model::Incident;
use std::collections::HashMap;

/// What the analyst could see of one incident in the queue, enough to say what changed.
#[derive(Clone, Debug, PartialEq)]
struct Seen {
    name: String,
    resolved: bool,
    status_label: String,
    severity: String,
    assigned_to: Option<String>,
    classification: String,
    updated: Option<i64>,
}

impl Seen {
    fn of(inc: &Incident) -> Seen {
        Seen {
            name: inc.name.clone(),
            resolved: inc.status == crate::incidents::model::Status::Resolved,
            status_label: inc.status.label().to_string(),
            severity: inc.severity.label().to_string(),
            assigned_to: inc.assigned_to.clone().filter(|a| !a.trim().is_empty()),
            classification: inc.classification.label().to_string(),
            updated: inc.last_update_ts,
        }
    }

    /// "status Active → Resolved; assigned to Ada": what differs, in the analyst's words.
    fn differences(&self, new: &Seen) -> String {
        let mut out = vec![];
        if self.status_label != new.status_label {
            out.push(format!("status {} → {}", self.status_label, new.status_label));
        }
        if self.severity != new.severity {
            out.push(format!("severity {} → {}", self.severity, new.severity));
        }
        if self.assigned_to != new.assigned_to {
            out.push(match &new.assigned_to {
                Some(a) => format!("assigned to {a}"),
                None => "unassigned".into(),
            });
        }
        if self.classification != new.classification {
            out.push(format!("classified {}", new.classification));
        }
        if self.name != new.name {
            out.push("renamed".into());
        }
        if out.is_empty() {
            // Only the update time moved: a comment, an alert or a field the queue does not show.
            out.push("updated".into());
        }
        out.join("; ")
    }
}

/// The loaded incidents at one moment, and which of them the view showed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Snapshot {
    items: HashMap<String, (Seen, bool)>,
    order: Vec<String>,
}

impl Snapshot {
    /// From every loaded incident with whether the view shows it.
    pub fn new<'a>(all: impl IntoIterator<Item = (&'a Incident, bool)>) -> Snapshot {
        let mut s = Snapshot::default();
        for (inc, shown) in all {
            if s.items.insert(inc.id.clone(), (Seen::of(inc), shown)).is_none() {
                s.order.push(inc.id.clone());
            }
        }
        s
    }

    fn shown(&self, id: &str) -> Option<&Seen> {
        self.items.get(id).filter(|(_, v)| *v).map(|(s, _)| s)
    }
}

/// How an incident changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Not loaded before, in the view now.
    New,
    /// In the view before and now, changed; or it came (back) into the view.
    Changed,
    /// In the view before, not now.
    Left,
}

/// One line of the changes notice.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    /// Incident id.
    pub id: String,
    /// Its name (the newest known).
    pub name: String,
    /// New, changed or left.
    pub kind: Kind,
    /// What happened, in words: "status Active → Resolved", "resolved elsewhere", "new".
    pub what: String,
}

/// What changed from `before` to `after`. `complete`: `after` holds the whole view, so an incident missing
/// from it is no longer returned for this view (false for a load that stopped at the cap).
pub fn diff(before: &Snapshot, after: &Snapshot, complete: bool) -> Vec<Change> {
    let mut out = vec![];
    for id in &after.order {
        let Some((now, true)) = after.items.get(id) else { continue };
        let change = match (before.items.get(id), before.shown(id)) {
            (None, _) => Some((Kind::New, "new".to_string())),
            (Some(_), Some(old)) if old != now => Some((Kind::Changed, old.differences(now))),
            (Some((old, false)), _) => Some((Kind::Changed, format!("now in this view: {}", old.differences(now)))),
            _ => None,
        };
        if let Some((kind, what)) = change {
            out.push(Change { id: id.clone(), name: now.name.clone(), kind, what });
        }
    }
    for id in &before.order {
        let Some(old) = before.shown(id) else { continue };
        let what = match after.items.get(id) {
            Some((_, true)) => continue,
            Some((now, false)) if now.resolved && !old.resolved => "resolved elsewhere; it left this view".to_string(),
            Some((now, false)) => format!("no longer matches this view ({})", old.differences(now)),
            None if complete => "no longer returned for this view".to_string(),
            None => continue,
        };
        let name = after.items.get(id).map_or(&old.name, |(s, _)| &s.name).clone();
        out.push(Change { id: id.clone(), name, kind: Kind::Left, what });
    }
    out.sort_by_key(|c| match c.kind {
        Kind::New => 0,
        Kind::Changed => 1,
        Kind::Left => 2,
    });
    out
}

/// The changes the analyst has not looked at yet, since `since` (Unix seconds: the read before the first).
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// When the data the changes are counted from was read.
    pub since: u64,
    /// One line per incident, newest news per incident.
    pub changes: Vec<Change>,
}

impl Report {
    /// Adds a later refresh's changes: one line per incident, saying where it ended up since `since`.
    pub fn absorb(&mut self, more: Vec<Change>) {
        for c in more {
            match self.changes.iter().position(|x| x.id == c.id) {
                None => self.changes.push(c),
                Some(p) => {
                    let Some(old) = self.changes.get(p) else { continue };
                    match (old.kind, c.kind) {
                        // Came and went before anyone looked: nothing to tell.
                        (Kind::New, Kind::Left) => {
                            self.changes.remove(p);
                        }
                        // Still new to the analyst, with its latest name.
                        (Kind::New, _) => {
                            if let Some(x) = self.changes.get_mut(p) {
                                x.name = c.name;
                            }
                        }
                        (_, _) => {
                            if let Some(x) = self.changes.get_mut(p) {
                                *x = c;
                            }
                        }
                    }
                }
            }
        }
    }

    /// How many incidents are new (the tab title's count).
    pub fn new_count(&self) -> usize {
        self.changes.iter().filter(|c| c.kind == Kind::New).count()
    }

    /// "3 changes since 09:53" (`since_clock` is `since` as the analyst's clock time).
    pub fn headline(&self, since_clock: &str) -> String {
        match self.changes.len() {
            1 => format!("1 change since {since_clock}"),
            n => format!("{n} changes since {since_clock}"),
        }
    }
}

/// The tab title with the count of new incidents in front, "(3) Onbehalf · Defender incidents", or without it
/// for 0; a count already there is replaced, never stacked.
pub fn title_with_count(title: &str, new: usize) -> String {
    let bare = match title.strip_prefix('(').and_then(|r| r.split_once(") ")) {
        Some((n, rest)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => rest,
        _ => title,
    };
    if new == 0 {
        bare.to_string()
    } else {
        format!("({new}) {bare}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incidents::fixture::inc;
    use crate::incidents::model::{Severity, Status};

    fn snap(items: &[(&Incident, bool)]) -> Snapshot {
        Snapshot::new(items.iter().copied())
    }

    fn lines(c: &[Change]) -> Vec<(String, Kind, String)> {
        c.iter().map(|c| (c.id.clone(), c.kind, c.what.clone())).collect()
    }

    #[test]
    fn new_changed_and_left_are_told_apart() {
        let a = inc("1", Severity::High, Status::Active, 10);
        let b = inc("2", Severity::Low, Status::Active, 10);
        let c = inc("3", Severity::Medium, Status::InProgress, 10);
        let d = inc("4", Severity::Medium, Status::Active, 10);
        let before = snap(&[(&a, true), (&b, true), (&c, true), (&d, true)]);
        let mut b2 = b.clone();
        b2.status = Status::InProgress;
        b2.assigned_to = Some("Ada Analyst".into());
        b2.last_update_ts = b.last_update_ts.map(|t| t + 60);
        let mut c2 = c.clone();
        c2.status = Status::Resolved;
        let e = inc("5", Severity::High, Status::Active, 1);
        // a: unchanged; b: changed; c: resolved elsewhere, filtered out by the view; d: gone; e: new.
        let after = snap(&[(&e, true), (&a, true), (&b2, true), (&c2, false)]);
        assert_eq!(
            lines(&diff(&before, &after, true)),
            [
                ("5".into(), Kind::New, "new".into()),
                ("2".into(), Kind::Changed, "status Active → In progress; assigned to Ada Analyst".into()),
                ("3".into(), Kind::Left, "resolved elsewhere; it left this view".into()),
                ("4".into(), Kind::Left, "no longer returned for this view".into()),
            ]
        );
        // A load that stopped at the cap cannot say an absent incident left.
        assert_eq!(diff(&before, &after, false).len(), 3);
        assert!(diff(&before, &before, true).is_empty(), "nothing changed, nothing to say");
    }

    #[test]
    fn an_update_the_queue_cannot_show_still_counts_and_a_hidden_one_does_not() {
        let a = inc("1", Severity::High, Status::Active, 10);
        let mut a2 = a.clone();
        a2.last_update_ts = Some(a.last_update_ts.unwrap_or(0) + 5);
        assert_eq!(
            lines(&diff(&snap(&[(&a, true)]), &snap(&[(&a2, true)]), true)),
            [("1".into(), Kind::Changed, "updated".into())]
        );
        // Hidden before and after (e.g. informational): not the analyst's news.
        assert!(diff(&snap(&[(&a, false)]), &snap(&[(&a2, false)]), true).is_empty());
        // Hidden before, shown now: it came into the view.
        let mut a3 = a.clone();
        a3.severity = Severity::Medium;
        let d = diff(&snap(&[(&a, false)]), &snap(&[(&a3, true)]), true);
        assert_eq!(lines(&d), [("1".into(), Kind::Changed, "now in this view: severity High → Medium".into())]);
        // Shown before, filtered out now for another reason than resolving.
        let d = diff(&snap(&[(&a, true)]), &snap(&[(&a3, false)]), true);
        assert_eq!(
            lines(&d),
            [("1".into(), Kind::Left, "no longer matches this view (severity High → Medium)".into())]
        );
        // A new incident the view hides is not news either.
        assert!(diff(&snap(&[]), &snap(&[(&a, false)]), true).is_empty());
    }

    #[test]
    fn a_report_keeps_one_line_per_incident_until_seen() {
        let a = inc("1", Severity::High, Status::Active, 10);
        let b = inc("2", Severity::High, Status::Active, 10);
        let ch = |id: &str, kind, what: &str| Change { id: id.into(), name: format!("n{id}"), kind, what: what.into() };
        let mut r = Report { since: 100, changes: vec![] };
        r.absorb(vec![ch(&a.id, Kind::New, "new"), ch(&b.id, Kind::Changed, "renamed"), ch("3", Kind::New, "new")]);
        assert_eq!((r.new_count(), r.changes.len()), (2, 3));
        r.absorb(vec![
            ch("1", Kind::Changed, "status Active → In progress"),
            ch("2", Kind::Left, "resolved elsewhere"),
        ]);
        r.absorb(vec![ch("3", Kind::Left, "no longer returned for this view")]);
        assert_eq!(
            lines(&r.changes),
            [("1".into(), Kind::New, "new".into()), ("2".into(), Kind::Left, "resolved elsewhere".into()),]
        );
        assert_eq!(r.headline("09:53"), "2 changes since 09:53");
        r.changes.pop();
        assert_eq!(r.headline("09:53"), "1 change since 09:53");
    }

    #[test]
    fn the_tab_title_carries_the_count_once() {
        let t = "Onbehalf · Defender incidents";
        assert_eq!(title_with_count(t, 3), "(3) Onbehalf · Defender incidents");
        assert_eq!(title_with_count(&title_with_count(t, 3), 5), "(5) Onbehalf · Defender incidents");
        assert_eq!(title_with_count("(3) Onbehalf · Defender incidents", 0), t);
        assert_eq!(title_with_count("(x) y", 0), "(x) y", "only a number is a count");
        assert_eq!(title_with_count("", 1), "(1) ");
    }
}
