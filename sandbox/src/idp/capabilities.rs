//! Client capabilities: a client opts into Continuous Access Evaluation by declaring `cp1` in the `claims` request
//! parameter (Entra's "claims challenge" page: `{"access_token":{"xms_cc":{"values":["cp1"]}}}`, on the authorize
//! and the token requests; MSAL's `clientCapabilities`). Only then does a resource send it claims challenges.

use serde_json::Value;

/// Whether a `claims` parameter declares the `cp1` capability, alone or merged with other claims (a challenge's
/// own `nbf`, say). Anything that is not such JSON declares nothing.
pub(crate) fn declares_cp1(claims: Option<&str>) -> bool {
    let Some(Ok(v)) = claims.map(serde_json::from_str::<Value>) else {
        return false;
    };
    v.pointer("/access_token/xms_cc/values")
        .and_then(Value::as_array)
        .is_some_and(|vals| vals.iter().any(|x| x.as_str() == Some("cp1")))
}

/// Whether an access token's claims carry `xms_cc: ["cp1"]`, i.e. its client said it handles claims challenges.
pub(crate) fn token_has_cp1(claims: &Value) -> bool {
    claims.get("xms_cc").and_then(Value::as_array).is_some_and(|v| v.iter().any(|x| x.as_str() == Some("cp1")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn cp1_alone_or_merged() {
        assert!(declares_cp1(Some(r#"{"access_token":{"xms_cc":{"values":["cp1"]}}}"#)));
        assert!(declares_cp1(Some(
            r#"{"access_token":{"nbf":{"essential":true,"value":"1700000000"},"xms_cc":{"values":["cp2","cp1"]}}}"#
        )));
        assert!(!declares_cp1(None));
        assert!(!declares_cp1(Some("cp1")));
        assert!(!declares_cp1(Some(r#"{"id_token":{"xms_cc":{"values":["cp1"]}}}"#)));
        assert!(!declares_cp1(Some(r#"{"access_token":{"nbf":{"essential":true,"value":"1"}}}"#)));
        assert!(token_has_cp1(&json!({"xms_cc": ["cp1"]})));
        assert!(!token_has_cp1(&json!({"xms_cc": "cp1"})) && !token_has_cp1(&json!({})));
    }
}
