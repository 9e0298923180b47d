//! Hostile payloads (`--hostile`): markup, script URLs, huge, unknown, null and mistyped values.

use serde_json::{json, Map, Value};

use super::defender::entity;
use super::Incident;

/// Which hostile payload an incident carries (only with `--hostile`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hostile {
    /// `<img onerror>` / `<script>` in names, tags, comments and alert text.
    Markup,
    /// `javascript:` URLs in assignedTo, URL entities and titles.
    JavascriptUrls,
    /// 100 KB strings.
    Huge,
    /// Enum values no doc lists.
    UnknownEnums,
    /// Nulls where fields are usually set.
    Nulls,
    /// A deeply nested unknown field.
    DeepNesting,
    /// Bidi overrides, zero-width and quote characters.
    Unicode,
    /// Wrong JSON types (string where an array is expected, and so on).
    WrongTypes,
}

pub(crate) const HOSTILE_KINDS: [Hostile; 8] = [
    Hostile::Markup,
    Hostile::JavascriptUrls,
    Hostile::Huge,
    Hostile::UnknownEnums,
    Hostile::Nulls,
    Hostile::DeepNesting,
    Hostile::Unicode,
    Hostile::WrongTypes,
];

pub(crate) fn apply_hostile_summary(inc: &mut Incident) {
    match inc.hostile {
        Some(Hostile::Markup) => {
            inc.name = Some("<img src=x onerror=alert(1)> Multi-stage incident <script>alert('xss')</script>".into());
            inc.assigned_to = Some("\"><svg onload=alert(2)>@sandbox.onbehalf.test".into());
        }
        Some(Hostile::JavascriptUrls) => {
            inc.name = Some("javascript:alert(document.domain)".into());
            inc.assigned_to = Some("javascript:alert(1)".into());
        }
        Some(Hostile::Huge) => inc.name = Some(huge("Huge incident name ")),
        Some(Hostile::UnknownEnums) => {
            inc.severity = Some("Catastrophic".into());
            inc.status = Some("Exploding".into());
            inc.classification = Some("Maybe".into());
            inc.determination = Some("Aliens".into());
        }
        Some(Hostile::Nulls) => {
            inc.name = None;
            inc.status = None;
            inc.severity = None;
            inc.classification = None;
            inc.determination = None;
            inc.assigned_to = None;
        }
        Some(Hostile::Unicode) => {
            inc.name = Some("Ransomware \u{202E}exe.txt\u{202C} \u{200B}zero\u{200B}width 'quotes\" &amp; \\ back\nnewline 🦀 ＜script＞".into());
        }
        _ => {}
    }
}

fn huge(prefix: &str) -> String {
    let mut s = String::with_capacity(100 * 1024 + prefix.len());
    s.push_str(prefix);
    while s.len() < 100 * 1024 {
        s.push_str("AAAAAAAAAAAAAAAA<b>bold?</b>");
    }
    s
}

pub(crate) fn apply_hostile_json(v: &mut Value, h: Hostile) {
    let Some(obj) = v.as_object_mut() else { return };
    match h {
        Hostile::Markup => {
            obj.insert("tags".into(), json!(["<script>alert('tag')</script>", "<img src=x onerror=alert(3)>"]));
            obj.insert("comments".into(), json!([{"comment": "<a href=\"javascript:alert(4)\">click</a><iframe src=//evil.example>", "createdBy": "<b>mallory</b>", "createdTime": obj.get("createdTime").cloned().unwrap_or(Value::Null)}]));
            set_alert_field(obj, "title", json!("<img src=x onerror=alert('alert-title')>"));
            set_alert_field(obj, "description", json!("</script><script>alert(5)</script>"));
        }
        Hostile::JavascriptUrls => {
            set_alert_field(obj, "title", json!("javascript:alert('title')"));
            if let Some(Value::Array(alerts)) = obj.get_mut("alerts") {
                for a in alerts {
                    if let Some(Value::Array(ents)) = a.get_mut("entities") {
                        ents.push(entity(&[
                            ("entityType", json!("Url")),
                            ("url", json!("javascript:alert(document.cookie)")),
                        ]));
                    }
                }
            }
        }
        Hostile::Huge => {
            obj.insert("tags".into(), json!([huge("tag ")]));
            set_alert_field(obj, "description", json!(huge("description ")));
        }
        Hostile::UnknownEnums => {
            obj.insert("detectionSource".into(), json!("QuantumSensor"));
            set_alert_field(obj, "category", json!("TimeTravel"));
            set_alert_field(obj, "status", json!("Smouldering"));
        }
        Hostile::Nulls => {
            for k in ["createdTime", "lastUpdateTime", "tags", "comments", "alerts", "detectionSource"] {
                obj.insert(k.into(), Value::Null);
            }
        }
        Hostile::DeepNesting => {
            // 100 levels: deep enough to hurt naive recursive renderers, shallow enough that
            // serde_json's default recursion limit (128) still parses the page.
            let mut deep = json!("bottom");
            for i in 0..100 {
                deep = if i % 2 == 0 { json!([deep]) } else { json!({ "n": deep }) };
            }
            obj.insert("unknownDeepField".into(), deep);
        }
        Hostile::Unicode => {
            obj.insert("tags".into(), json!(["\u{202E}gat", "🦀", "\u{0000}nul"]));
        }
        Hostile::WrongTypes => {
            obj.insert("tags".into(), json!("not-an-array"));
            obj.insert("comments".into(), json!({"comment": "an object, not an array"}));
            obj.insert("redirectIncidentId".into(), json!("not-a-number"));
            obj.insert("assignedTo".into(), json!(42));
        }
    }
}

fn set_alert_field(obj: &mut Map<String, Value>, field: &str, value: Value) {
    if let Some(Value::Array(alerts)) = obj.get_mut("alerts") {
        for a in alerts {
            if let Some(a) = a.as_object_mut() {
                a.insert(field.into(), value.clone());
            }
        }
    }
}
