//! Generating the compact incidents: deterministic from the seed, newest first.

use super::catalog::{Kind, ALERTS, PEOPLE, TACTICS};
use super::hostile::{apply_hostile_summary, HOSTILE_KINDS};
use super::{Incident, Origin};
use crate::directory::USERS;
use crate::rng::Rng;

/// Generates `n` incidents over the 90 days before `now_ms` (plus hostile ones), newest first.
pub(crate) fn generate(seed: u64, n: u32, now_ms: i64, hostile: bool) -> Vec<Incident> {
    const DAY: i64 = 86_400_000;
    let mut rng = Rng::new(seed);
    let mut created: Vec<i64> = (0..n).map(|_| now_ms - rng.range(60_000, 90 * DAY)).collect();
    created.sort_unstable();
    let mut out = Vec::with_capacity(n as usize + 8);
    for (i, c) in created.into_iter().enumerate() {
        let id = 1000 + i as u64 * 3 + rng.below(3);
        let mut r = Rng::new(seed.wrapping_mul(31).wrapping_add(id));
        out.push(summary(&mut r, id, c, now_ms, &out));
    }
    if hostile {
        let base = out.last().map(|i| i.id + 10).unwrap_or(1000);
        for (k, kind) in HOSTILE_KINDS.iter().enumerate() {
            let mut r = Rng::new(seed ^ 0xBAD ^ k as u64);
            let t = now_ms - (k as i64 + 1) * 60_000;
            let mut inc = summary(&mut r, base + k as u64, t, now_ms, &out);
            inc.last_update = t;
            inc.hostile = Some(*kind);
            apply_hostile_summary(&mut inc);
            inc.settle();
            out.push(inc);
        }
    }
    sort_newest_first(&mut out);
    out
}

/// Orders by `lastUpdateTime` descending, as the Defender list does.
pub(crate) fn sort_newest_first(v: &mut [Incident]) {
    v.sort_by(|a, b| b.last_update.cmp(&a.last_update).then(b.id.cmp(&a.id)));
}

fn summary(r: &mut Rng, id: u64, created: i64, now_ms: i64, earlier: &[Incident]) -> Incident {
    let status = *r.weighted(&[("Active", 45), ("InProgress", 20), ("Resolved", 30), ("Redirected", 5)]);
    let severity = *r.weighted(&[("High", 15), ("Medium", 35), ("Low", 30), ("Informational", 15), ("UnSpecified", 5)]);
    let (classification, determination) = if status == "Resolved" || status == "Redirected" || r.chance(0.1) {
        match *r.weighted(&[("TruePositive", 50), ("FalsePositive", 25), ("InformationalExpectedActivity", 25)]) {
            "TruePositive" => (
                "TruePositive",
                *r.pick(&[
                    "Apt",
                    "Malware",
                    "MultiStagedAttack",
                    "MaliciousUserActivity",
                    "CompromisedUser",
                    "Phishing",
                    "UnwantedSoftware",
                    "Other",
                ]),
            ),
            "FalsePositive" => ("FalsePositive", *r.pick(&["Clean", "InsufficientData", "Other"])),
            _ => (
                "InformationalExpectedActivity",
                *r.pick(&[
                    "SecurityTesting",
                    "SecurityPersonnel",
                    "LineOfBusinessApplication",
                    "ConfirmedUserActivity",
                    "Other",
                ]),
            ),
        }
    } else {
        ("Unknown", "NotAvailable")
    };
    let assigned_to = match r.below(10) {
        0..=3 => None,
        4 | 5 => Some(USERS[0].upn.to_string()),
        6 => Some(USERS[1].upn.to_string()),
        7 => Some(USERS[2].upn.to_string()),
        _ => Some(format!("{}@sandbox.onbehalf.test", r.pick(&PEOPLE))),
    };
    let span = (now_ms - created).min(10 * 86_400_000);
    let last_update = created + r.range(0, span.max(0));
    let redirect_id = if status == "Redirected" && !earlier.is_empty() {
        Some(earlier[r.below(earlier.len() as u64) as usize].id)
    } else {
        None
    };
    let seed = r.next_u64();
    let (name, lead) = incident_name(r);
    let mut inc = Incident {
        id,
        seed,
        created,
        last_update,
        name: Some(name),
        status: Some(status.into()),
        severity: Some(severity.into()),
        classification: Some(classification.into()),
        determination: Some(determination.into()),
        assigned_to,
        redirect_id,
        hostile: None,
        tags: None,
        comments: Vec::new(),
        origin: Origin { lead, ..Origin::default() },
    };
    inc.settle();
    inc
}

/// An incident name, and the alert template it names (its first alert), if it names one.
fn incident_name(r: &mut Rng) -> (String, Option<usize>) {
    let a = *r.pick(&TACTICS);
    let mut b = *r.pick(&TACTICS);
    if a == b {
        b = "Impact";
    }
    let lead = r.below(ALERTS.len() as u64) as usize;
    let title = ALERTS[lead].title;
    match r.below(7) {
        0 | 1 => (format!("Multi-stage incident involving {a} & {b} on one endpoint"), None),
        2 => (
            format!("Multi-stage incident involving {a} & {b} on multiple endpoints reported by multiple sources"),
            None,
        ),
        3 if ALERTS[lead].kind == Kind::Endpoint => (format!("{title} on one endpoint"), Some(lead)),
        4 => ("Email reported by user as malware or phish involving one user".into(), None),
        5 => (format!("Multi-stage incident on one endpoint involving {} users", r.range(2, 9)), None),
        _ => (format!("{title} involving one user"), Some(lead)),
    }
}

/// A freshly created incident (for `POST /_sandbox/incidents`), created and updated at `now_ms`.
pub(crate) fn fresh(seed: u64, id: u64, now_ms: i64) -> Incident {
    let mut r = Rng::new(seed ^ id.rotate_left(17));
    let mut inc = summary(&mut r, id, now_ms, now_ms, &[]);
    inc.last_update = now_ms;
    inc.settle();
    inc
}
