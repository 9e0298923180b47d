//! The `claims` request parameter (OIDC Core 5.5): the client capabilities the page declares (`xms_cc`, Entra's
//! "this client handles claims challenges", without which Continuous Access Evaluation never challenges it),
//! merged with a CAE challenge's own claims when a sign-in answers one.

use serde_json::{json, Map, Value};

/// The `claims` parameter for a sign-in or token request: `{"access_token":{"xms_cc":{"values":[…]}}}` for
/// `capabilities`, merged with `challenge` (the decoded claims of a claims challenge, a JSON object) when there
/// is one. `None` when there is nothing to send: no capability declared and no challenge (or one that is not a
/// JSON object, which is dropped rather than sent).
pub(crate) fn claims_parameter(capabilities: &[String], challenge: Option<&str>) -> Option<String> {
    let mut out = Value::Object(Map::new());
    if !capabilities.is_empty() {
        out = json!({"access_token": {"xms_cc": {"values": capabilities}}});
    }
    if let Some(asked) = challenge.and_then(|c| serde_json::from_str::<Value>(c).ok()).filter(Value::is_object) {
        merge(&mut out, asked);
    }
    out.as_object().filter(|o| !o.is_empty()).map(|_| out.to_string())
}

/// JSON merge (RFC 7396 without deletion): objects merge member by member, anything else replaces.
fn merge(into: &mut Value, from: Value) {
    match (into, from) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                match a.get_mut(&k) {
                    Some(slot) => merge(slot, v),
                    None => {
                        a.insert(k, v);
                    }
                }
            }
        }
        (slot, v) => *slot = v,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cp1() -> Vec<String> {
        vec!["cp1".into()]
    }

    #[test]
    fn cp1_is_declared_as_entra_documents_it() {
        assert_eq!(
            claims_parameter(&cp1(), None).as_deref(),
            Some(r#"{"access_token":{"xms_cc":{"values":["cp1"]}}}"#)
        );
        assert_eq!(claims_parameter(&[], None), None, "turned off: no claims parameter at all");
    }

    #[test]
    fn a_challenge_is_merged_with_the_capabilities() {
        // Microsoft's documented challenge (claims-challenge.md).
        let challenge = r#"{"access_token":{"nbf":{"essential":true,"value":"1604106651"}}}"#;
        let merged: Value = serde_json::from_str(&claims_parameter(&cp1(), Some(challenge)).unwrap()).unwrap();
        assert_eq!(
            merged,
            json!({"access_token": {"xms_cc": {"values": ["cp1"]}, "nbf": {"essential": true, "value": "1604106651"}}})
        );
        assert_eq!(claims_parameter(&[], Some(challenge)).as_deref(), Some(challenge));
        // A challenge that is not an object is not sent.
        assert_eq!(claims_parameter(&[], Some("[1]")), None);
        assert_eq!(claims_parameter(&cp1(), Some("not json")), claims_parameter(&cp1(), None));
    }
}
