//! CSV and JSON export of the incidents a view shows, and the one CSV writer every export uses.

use crate::incidents::model::Incident;
use crate::incidents::source::portal_link;

/// The character between a CSV file's fields. A double-clicked CSV is split by the spreadsheet at the list
/// separator of the computer's region: a comma where the decimal mark is a point, a semicolon where it is a
/// comma (Dutch, German, French… Excel opens a comma file there as one column).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Separator {
    /// `,`
    Comma,
    /// `;`
    Semicolon,
}

/// Languages whose usual decimal mark is a comma (so their spreadsheets expect `;` between fields).
const DECIMAL_COMMA_LANGUAGES: &[&str] = &[
    "af", "az", "be", "bg", "bs", "ca", "cs", "da", "de", "el", "es", "et", "eu", "fi", "fo", "fr", "gl", "hr", "hu",
    "hy", "id", "is", "it", "ka", "kk", "ky", "lt", "lv", "mk", "mn", "nb", "nl", "nn", "no", "pl", "pt", "ro", "ru",
    "sk", "sl", "sq", "sr", "sv", "tr", "uk", "uz", "vi",
];

/// Regions whose decimal mark is a point although their language's usual one is a comma.
const DECIMAL_POINT_REGIONS: &[&str] =
    &["es-mx", "es-us", "es-pr", "es-do", "es-gt", "es-hn", "es-ni", "es-pa", "es-sv"];

impl Separator {
    /// Both, in the order the page offers them.
    pub const ALL: [Separator; 2] = [Separator::Comma, Separator::Semicolon];

    /// The character.
    pub fn char(self) -> char {
        match self {
            Separator::Comma => ',',
            Separator::Semicolon => ';',
        }
    }

    /// The choice's label.
    pub fn label(self) -> &'static str {
        match self {
            Separator::Comma => "Comma (,)",
            Separator::Semicolon => "Semicolon (;)",
        }
    }

    /// The key a `<select>` carries.
    pub fn key(self) -> &'static str {
        match self {
            Separator::Comma => "comma",
            Separator::Semicolon => "semicolon",
        }
    }

    /// The separator with this key.
    pub fn from_key(key: &str) -> Option<Self> {
        Separator::ALL.into_iter().find(|s| s.key() == key)
    }

    /// The separator a spreadsheet in this locale expects (`navigator.language`, a BCP 47 tag such as `nl-NL`):
    /// a semicolon where the decimal mark is a comma, else a comma.
    pub fn for_locale(tag: &str) -> Self {
        let tag = tag.trim().to_ascii_lowercase().replace('_', "-");
        let lang = tag.split('-').next().unwrap_or("");
        let comma_decimal = DECIMAL_COMMA_LANGUAGES.contains(&lang)
            && !DECIMAL_POINT_REGIONS.iter().any(|r| tag == *r || tag.starts_with(&format!("{r}-")));
        if comma_decimal {
            Separator::Semicolon
        } else {
            Separator::Comma
        }
    }
}

/// The UTF-8 byte-order mark every CSV starts with: without it Excel reads the file in the computer's legacy
/// code page, and "Müller" or "日本" arrive garbled.
pub const BOM: char = '\u{FEFF}';

/// One CSV writer for every export (the queue's and the hunt's): the byte-order mark, the chosen separator,
/// CRLF line ends, quoting and the formula defusing of [`CsvWriter::field`].
#[derive(Debug)]
pub struct CsvWriter {
    sep: Separator,
    out: String,
}

impl CsvWriter {
    /// An empty file (the byte-order mark only).
    pub fn new(sep: Separator) -> Self {
        CsvWriter { sep, out: BOM.to_string() }
    }

    /// One text field: quoted when it holds the separator, a quote or a line break, and a leading formula
    /// character defused.
    pub fn field(&self, s: &str) -> String {
        // A leading = + - @ would make a spreadsheet run a formula from attacker-controlled text.
        let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{s}") } else { s.to_string() };
        if s.contains([self.sep.char(), '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s
        }
    }

    /// One line of fields already made safe (by [`CsvWriter::field`], or numbers the page formatted itself).
    pub fn line(&mut self, fields: impl IntoIterator<Item = String>) {
        let sep = self.sep.char().to_string();
        self.out.push_str(&fields.into_iter().collect::<Vec<_>>().join(&sep));
        self.out.push_str("\r\n");
    }

    /// The file's text.
    pub fn finish(self) -> String {
        self.out
    }
}

/// The header and rows of the CSV export.
pub fn to_csv(items: &[Incident], sep: Separator) -> String {
    csv(items, None, sep)
}

/// The JSON export: the normalised incidents as the page understood them.
pub fn to_json(items: &[Incident]) -> String {
    json(items, None)
}

/// What the export with evidence adds to each incident: its alerts, their entities and the portal link. Both
/// APIs return the alerts with the list (Defender inline, Graph with `$expand=alerts`), so this is what the page
/// loaded, not a new request.
#[derive(Clone, Copy, Debug)]
pub struct Evidence<'a> {
    /// The signed-in tenant, for Defender-API portal links (see `source::portal_link`).
    pub tenant: Option<&'a str>,
}

/// The CSV export with three more columns: the portal link, the alerts ("title [severity, techniques]") and the
/// entities ("User: ada@…"), several values in one cell separated by " | ".
pub fn to_csv_with_evidence(items: &[Incident], ev: Evidence, sep: Separator) -> String {
    csv(items, Some(ev), sep)
}

/// The JSON export with each incident's portal link and its alerts with their entities and devices.
pub fn to_json_with_evidence(items: &[Incident], ev: Evidence) -> String {
    json(items, Some(ev))
}

fn csv(items: &[Incident], ev: Option<Evidence>, sep: Separator) -> String {
    let mut w = CsvWriter::new(sep);
    let mut head = vec![
        "id",
        "name",
        "severity",
        "status",
        "assignedTo",
        "classification",
        "determination",
        "createdTime",
        "lastUpdateTime",
        "alerts",
        "tags",
    ];
    if ev.is_some() {
        head.extend(["portalLink", "alertDetails", "entities"]);
    }
    w.line(head.into_iter().map(String::from));
    for i in items {
        let mut cols = vec![
            i.id.clone(),
            i.name.clone(),
            i.severity.label().to_string(),
            i.status.label().to_string(),
            i.assigned_to.clone().unwrap_or_default(),
            i.classification.label().to_string(),
            i.determination.label().to_string(),
            i.created.clone().unwrap_or_default(),
            i.last_update.clone().unwrap_or_default(),
            i.alert_count.to_string(),
            i.tags.join(";"),
        ];
        if let Some(ev) = ev {
            cols.push(portal_link(i, ev.tenant).unwrap_or_default());
            let alerts: Vec<String> = i
                .alerts
                .iter()
                .map(|a| {
                    let mut facts = vec![a.severity.label().to_string()];
                    facts.extend(a.mitre_techniques.iter().cloned());
                    format!("{} [{}]", a.title, facts.join(", "))
                })
                .collect();
            cols.push(alerts.join(" | "));
            cols.push(entities(i).join(" | "));
        }
        let fields: Vec<String> = cols.iter().map(|c| w.field(c)).collect();
        w.line(fields);
    }
    w.finish()
}

/// Each entity of the incident once, as its one-line summary.
fn entities(i: &Incident) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    i.alerts.iter().flat_map(|a| a.entities.iter().map(|e| e.summary())).filter(|s| seen.insert(s.clone())).collect()
}

fn alert_json(a: &crate::incidents::model::Alert) -> serde_json::Value {
    let devices: Vec<String> =
        a.devices.iter().filter_map(|d| d.device_dns_name.clone().or(d.device_id.clone())).collect();
    let entities: Vec<serde_json::Value> = a
        .entities
        .iter()
        .map(|e| {
            let facts: Vec<serde_json::Value> =
                e.facts.iter().map(|f| serde_json::json!({ "label": f.label, "value": f.value })).collect();
            serde_json::json!({ "type": e.entity_type, "summary": e.summary(), "facts": facts })
        })
        .collect();
    serde_json::json!({
        "id": a.id, "title": a.title, "severity": a.severity.label(), "status": a.status.label(),
        "serviceSource": a.service_source, "detectionSource": a.detection_source,
        "mitreTechniques": a.mitre_techniques, "firstActivity": a.first_activity,
        "lastActivity": a.last_activity, "threatFamily": a.threat_family, "actor": a.actor,
        "devices": devices, "entities": entities,
    })
}

fn json(items: &[Incident], ev: Option<Evidence>) -> String {
    let rows: Vec<serde_json::Value> = items
        .iter()
        .map(|i| {
            let mut row = serde_json::json!({
                "id": i.id, "name": i.name, "severity": i.severity.label(), "status": i.status.label(),
                "assignedTo": i.assigned_to, "classification": i.classification.label(),
                "determination": i.determination.label(), "createdTime": i.created, "lastUpdateTime": i.last_update,
                "alertCount": i.alert_count, "tags": i.tags,
            });
            if let (Some(ev), Some(o)) = (ev, row.as_object_mut()) {
                o.insert("portalLink".into(), portal_link(i, ev.tenant).into());
                o.insert("alerts".into(), i.alerts.iter().map(alert_json).collect::<Vec<_>>().into());
            }
            row
        })
        .collect();
    serde_json::to_string_pretty(&rows).unwrap_or_else(|_| "[]".into())
}

/// "incidents-2026-11-27T1007Z.csv", "hunt-2026-11-27T1007Z.json": an export's name, `prefix` saying what it
/// holds and then the UTC minute it was made, so two exports never overwrite each other and the file says when
/// its data was read. Every export of the page (the queue's and the hunt's) is named here.
pub fn file_name(prefix: &str, ext: &str, now: i64) -> String {
    let t = crate::incidents::query::rfc3339(now);
    // 2026-11-27T10:07:00Z → 2026-11-27T1007Z
    let stamp: String = match (t.get(..11), t.get(11..13), t.get(14..16)) {
        (Some(day), Some(h), Some(m)) => format!("{day}{h}{m}Z"),
        _ => "undated".into(),
    };
    format!("{prefix}-{stamp}.{ext}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incidents::fixture::inc;
    use crate::incidents::model::{Severity, Status};

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        let mut a = inc("1", Severity::High, Status::Active, 10);
        a.name = "=HYPERLINK(\"http://evil\",\"x\"), with comma".into();
        let csv = to_csv(&[a], Separator::Comma);
        let line = csv.lines().nth(1).unwrap();
        assert!(line.starts_with("1,\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\"), with comma\",High,Active"), "{line}");
        let json: serde_json::Value =
            serde_json::from_str(&to_json(&[inc("7", Severity::Low, Status::Active, 1)])).unwrap();
        assert_eq!(json[0]["id"], "7");
        assert_eq!(json[0]["severity"], "Low");
        assert!(json[0].get("alerts").is_none() && json[0].get("portalLink").is_none(), "the plain export stays plain");
    }

    #[test]
    fn export_names_carry_the_utc_minute() {
        // 2026-11-27T10:07:42Z
        assert_eq!(file_name("incidents", "csv", 1_795_774_062), "incidents-2026-11-27T1007Z.csv");
        assert_eq!(file_name("incidents", "json", 0), "incidents-1970-01-01T0000Z.json");
        assert_eq!(file_name("hunt", "json", 1_795_774_062), "hunt-2026-11-27T1007Z.json");
    }

    #[test]
    fn the_export_with_evidence_adds_alerts_entities_and_the_portal_link() {
        use crate::incidents::model::{Alert, Entity};
        let mut a = inc("42", Severity::High, Status::Active, 10);
        let user = Entity {
            entity_type: Some("User".into()),
            user_principal_name: Some("ada.analyst@contoso.com".into()),
            ..Default::default()
        };
        a.alerts = vec![
            Alert {
                id: "da1".into(),
                title: "Suspicious, PowerShell".into(),
                severity: Severity::High,
                mitre_techniques: vec!["T1059.001".into()],
                entities: vec![user.clone()],
                ..Default::default()
            },
            Alert {
                id: "da2".into(),
                title: "Second".into(),
                severity: Severity::Low,
                entities: vec![user],
                ..Default::default()
            },
        ];
        let ev = Evidence { tenant: Some("t-1") };
        let csv = to_csv_with_evidence(std::slice::from_ref(&a), ev, Separator::Comma);
        let mut lines = csv.lines();
        assert!(lines.next().unwrap().ends_with(",tags,portalLink,alertDetails,entities"));
        let row = lines.next().unwrap();
        assert!(
            row.ends_with(
                ",https://security.microsoft.com/incidents/42?tid=t-1,\"Suspicious, PowerShell [High, T1059.001] | Second [Low]\",User: ada.analyst@contoso.com"
            ),
            "{row}"
        );
        let json: serde_json::Value = serde_json::from_str(&to_json_with_evidence(&[a], ev)).unwrap();
        assert_eq!(json[0]["portalLink"], "https://security.microsoft.com/incidents/42?tid=t-1");
        assert_eq!(json[0]["alerts"][0]["mitreTechniques"][0], "T1059.001");
        assert_eq!(json[0]["alerts"][1]["entities"][0]["summary"], "User: ada.analyst@contoso.com");
    }

    /// Issue 21.12: a Dutch or German Excel opened a double-clicked export as one column.
    #[test]
    fn csv_follows_the_locale_separator_and_starts_with_a_bom() {
        for (tag, sep) in [
            ("nl-NL", Separator::Semicolon),
            ("de", Separator::Semicolon),
            ("fr-FR", Separator::Semicolon),
            ("pt_BR", Separator::Semicolon),
            ("en-US", Separator::Comma),
            ("en-GB", Separator::Comma),
            ("ja-JP", Separator::Comma),
            ("es-ES", Separator::Semicolon),
            ("es-MX", Separator::Comma),
            ("", Separator::Comma),
        ] {
            assert_eq!(Separator::for_locale(tag), sep, "{tag}");
        }
        let mut a = inc("1", Severity::High, Status::Active, 10);
        a.name = "Müller; 1,5 million".into();
        let csv = to_csv(&[a], Separator::Semicolon);
        assert!(csv.starts_with("\u{FEFF}id;name;severity;"), "{csv}");
        let line = csv.lines().nth(1).unwrap();
        assert!(line.starts_with("1;\"Müller; 1,5 million\";High;Active"), "{line}");
        let comma = to_csv(&[inc("2", Severity::Low, Status::Active, 1)], Separator::Comma);
        assert!(comma.starts_with("\u{FEFF}id,name,"));
        assert_eq!(Separator::from_key(Separator::Semicolon.key()), Some(Separator::Semicolon));
    }
}
