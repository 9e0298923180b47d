//! Faults injected on demand (flags and `POST /_sandbox/faults`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Current fault settings. Every field is optional in the control API and merged.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct Faults {
    /// Delay before answering each API call.
    pub(crate) latency_ms: u64,
    /// Share of API calls answered 500/503.
    pub(crate) error_rate: f64,
    /// The next n API calls get 429.
    pub(crate) force_429: u64,
    /// The next n API calls get Entra's Continuous Access Evaluation claims challenge: 401 with
    /// `WWW-Authenticate: Bearer … error="insufficient_claims", claims="<base64>"`.
    pub(crate) claims_challenge: u64,
    /// Verbatim `Retry-After` value for every 429 (may be garbage on purpose).
    pub(crate) retry_after: Option<String>,
    /// Successful API bodies are replaced by invalid JSON.
    pub(crate) malformed_json: bool,
    /// Successful API bodies are cut in half.
    pub(crate) truncate_body: bool,
    /// Successful API bodies are labelled `text/html`.
    pub(crate) wrong_content_type: bool,
    /// Successful API bodies are padded to this many megabytes (valid JSON, a `Content-Length` is sent).
    pub(crate) huge_body_mb: Option<u64>,
    /// Delay before the token endpoint answers a refresh-token grant (holds a silent renewal open).
    pub(crate) refresh_latency_ms: u64,
    /// Overrides the access-token lifetime at the token endpoint.
    pub(crate) token_lifetime_secs: Option<u64>,
    /// Send RFC 9207 `iss` in authorize responses and advertise it in discovery.
    pub(crate) iss_in_authorize_response: bool,
    /// Value sent as `iss` in authorize responses (implies sending it).
    pub(crate) authorize_response_iss: Option<String>,
    /// Overrides the discovery `issuer`.
    pub(crate) discovery_issuer: Option<String>,
    /// Merged into ID-token claims; a null value removes the claim.
    pub(crate) id_token_claims: Map<String, Value>,
    /// Issue ID tokens with `alg: none` and no signature.
    pub(crate) id_token_alg_none: bool,
    /// The next n hunting queries get 429: the tenant's call quota (45 a minute) is used up.
    pub(crate) hunting_quota: u64,
    /// The next n hunting queries get 429: the tenant's CPU quota (per 15-minute cycle) is used up.
    pub(crate) hunting_cpu: u64,
    /// The next n hunting queries time out (504).
    pub(crate) hunting_timeout: u64,
    /// The next n hunting queries exceed the result size cap (400).
    pub(crate) hunting_result_size: u64,
    /// Sign ID tokens with a key the JWKS does not publish, under the published key's `kid` (a forgery).
    pub(crate) id_token_foreign_key: bool,
}

impl Faults {
    /// Merges a partial JSON object into the current faults, validating the result.
    pub(crate) fn merge(&self, patch: &Value) -> Result<Faults, String> {
        let Value::Object(patch) = patch else {
            return Err("body must be a JSON object".into());
        };
        let mut current = serde_json::to_value(self).map_err(|e| e.to_string())?;
        if let Value::Object(cur) = &mut current {
            for (k, v) in patch {
                if k == "id_token_claims" {
                    let Value::Object(extra) = v else {
                        return Err("id_token_claims must be an object".into());
                    };
                    let claims = cur.entry(k.clone()).or_insert_with(|| Value::Object(Map::new()));
                    if let Value::Object(c) = claims {
                        for (ck, cv) in extra {
                            c.insert(ck.clone(), cv.clone());
                        }
                    }
                } else {
                    cur.insert(k.clone(), v.clone());
                }
            }
        }
        let merged: Faults = serde_json::from_value(current).map_err(|e| e.to_string())?;
        if !(0.0..=1.0).contains(&merged.error_rate) {
            return Err("error_rate must be between 0.0 and 1.0".into());
        }
        Ok(merged)
    }

    /// Whether authorize responses carry `iss`.
    pub(crate) fn sends_iss(&self) -> bool {
        self.iss_in_authorize_response || self.authorize_response_iss.is_some()
    }
}
