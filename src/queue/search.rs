//! What the queue's search box searches in an incident, and why a row matched when the match is not in what the
//! row shows ("matched: user ada.analyst@…").

use crate::incidents::mitre::technique_name;
use crate::incidents::model::{cap, Incident};

/// Where a searched text comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Place {
    /// The incident's name (shown in the row).
    Name,
    /// The id (shown in the row).
    Id,
    /// The assignee (shown in the row).
    Assigned,
    /// An alert's title.
    Alert,
    /// A device's DNS name.
    Device,
    /// An entity, with its readable type name ("user", "IP address").
    Entity(String),
    /// A MITRE technique id or name.
    Technique,
    /// An alert's actor.
    Actor,
}

impl Place {
    /// The row already shows this field: the match needs no explanation.
    fn in_row(&self) -> bool {
        matches!(self, Place::Name | Place::Id | Place::Assigned)
    }

    fn label(&self) -> String {
        match self {
            Place::Name => "name".into(),
            Place::Id => "id".into(),
            Place::Assigned => "assigned to".into(),
            Place::Alert => "alert".into(),
            Place::Device => "device".into(),
            Place::Entity(t) => t.clone(),
            Place::Technique => "technique".into(),
            Place::Actor => "actor".into(),
        }
    }
}

/// Every text the search box looks in, with where it comes from, name first: name, id, assignee, and per alert
/// its title, device names, entity summaries, MITRE technique ids and names ("T1059.001 PowerShell"), and actor.
pub(crate) fn fields(inc: &Incident) -> Vec<(Place, String)> {
    let mut out = vec![(Place::Name, inc.name.clone()), (Place::Id, inc.id.clone())];
    out.extend(inc.assigned_to.clone().map(|a| (Place::Assigned, a)));
    for a in &inc.alerts {
        out.push((Place::Alert, a.title.clone()));
        out.extend(a.devices.iter().filter_map(|d| d.device_dns_name.clone()).map(|d| (Place::Device, d)));
        for e in &a.entities {
            out.push((Place::Entity(e.type_names().0.to_lowercase()), e.summary()));
        }
        out.extend(a.mitre_techniques.iter().map(|t| (Place::Technique, technique_text(t))));
        out.extend(a.actor.clone().map(|x| (Place::Actor, x)));
    }
    out
}

/// "T1059.001 PowerShell": a technique as searched, by its id and (when the app knows it) its name.
pub(crate) fn technique_text(id: &str) -> String {
    match technique_name(id) {
        Some(n) => format!("{id} {n}"),
        None => id.to_string(),
    }
}

/// Why `inc` matched the search `text`, when the row does not show it: the first field outside the row that
/// holds it, as ("user", "User: ada.analyst@contoso.com"), the text capped for one line. `None` when the name,
/// id or assignee already shows the match, when the search is empty, or when nothing matches.
pub(crate) fn why_matched(inc: &Incident, text: &str) -> Option<(String, String)> {
    let needle = text.trim().to_lowercase();
    if needle.is_empty() {
        return None;
    }
    let found = fields(inc);
    let has = |s: &str| s.to_lowercase().contains(&needle);
    if found.iter().any(|(p, s)| p.in_row() && has(s)) {
        return None;
    }
    let (place, text) = found.into_iter().find(|(_, s)| has(s))?;
    // An entity's summary starts with its raw type ("User: ada@…"), which the label already says.
    let text = match (&place, text.split_once(": ")) {
        (Place::Entity(_), Some((_, main))) if has(main) => main.to_string(),
        _ => text,
    };
    Some((place.label(), cap(&text, 80)))
}

/// "matched: user ada.analyst@contoso.com".
pub(crate) fn hint_text(label: &str, text: &str) -> String {
    format!("matched: {label} {text}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incidents::fixture::inc;
    use crate::incidents::model::{Alert, Device, Entity, Severity, Status};
    use crate::queue::view::text_matches;

    fn rich() -> Incident {
        let mut i = inc("1874", Severity::High, Status::Active, 10);
        i.name = "Multi-stage incident on one endpoint".into();
        i.assigned_to = Some("Grace Hopper".into());
        i.alerts = vec![Alert {
            id: "da1".into(),
            title: "Suspicious PowerShell command line".into(),
            mitre_techniques: vec!["T1059.001".into(), "T9999".into()],
            actor: Some("Storm-0501".into()),
            devices: vec![Device { device_dns_name: Some("ws-17.contoso.com".into()), ..Default::default() }],
            entities: vec![Entity {
                entity_type: Some("User".into()),
                user_principal_name: Some("ada.analyst@contoso.com".into()),
                ..Default::default()
            }],
            ..Default::default()
        }];
        i
    }

    #[test]
    fn the_hint_names_the_field_the_row_does_not_show() {
        let i = rich();
        assert_eq!(why_matched(&i, "ADA"), Some(("user".into(), "ada.analyst@contoso.com".into())));
        assert_eq!(hint_text("user", "ada.analyst@contoso.com"), "matched: user ada.analyst@contoso.com");
        assert_eq!(why_matched(&i, "user: ada"), Some(("user".into(), "User: ada.analyst@contoso.com".into())));
        assert_eq!(why_matched(&i, "t1059"), Some(("technique".into(), "T1059.001 PowerShell".into())));
        assert_eq!(why_matched(&i, "powershell"), Some(("alert".into(), "Suspicious PowerShell command line".into())));
        assert_eq!(why_matched(&i, "storm-05"), Some(("actor".into(), "Storm-0501".into())));
        assert_eq!(why_matched(&i, "ws-17"), Some(("device".into(), "ws-17.contoso.com".into())));
        assert_eq!(why_matched(&i, "t9999"), Some(("technique".into(), "T9999".into())), "unknown ids by id");
        // What the row shows needs no hint.
        for shown in ["endpoint", "1874", "grace", "  "] {
            assert_eq!(why_matched(&i, shown), None, "{shown}");
        }
        assert_eq!(why_matched(&i, "nowhere"), None);
        assert_eq!(hint_text("technique", "T1059.001 PowerShell"), "matched: technique T1059.001 PowerShell");
    }

    #[test]
    fn a_hint_exactly_when_the_reference_matches_outside_the_row() {
        let i = rich();
        for n in
            ["ada", "t1059", "command and", "storm", "ws-", "user:", "grace", "endpoint", "x", "1874", "powershell"]
        {
            let outside = fields(&i).iter().any(|(p, s)| !p.in_row() && s.to_lowercase().contains(n));
            let in_row = fields(&i).iter().any(|(p, s)| p.in_row() && s.to_lowercase().contains(n));
            assert_eq!(text_matches(&i, n), outside || in_row, "{n}");
            assert_eq!(why_matched(&i, n).is_some(), outside && !in_row, "{n}");
        }
    }

    #[test]
    fn a_long_value_is_capped_for_one_line() {
        let mut i = rich();
        if let Some(a) = i.alerts.first_mut() {
            a.actor = Some(format!("needle{}", "x".repeat(500)));
        }
        let (_, text) = why_matched(&i, "needle").unwrap();
        assert_eq!(text.chars().count(), 81);
        assert!(text.ends_with('…'));
    }
}
