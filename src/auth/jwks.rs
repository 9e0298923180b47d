//! The provider's signing keys (JWKS) and what checking an ID token's signature needs, short of the
//! cryptography itself (WebCrypto does that, in `browser::crypto`): which key, which algorithm, which bytes.

use super::jwt::{decode_unverified, JwtError};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{Map, Value};

/// A JWKS larger than this is refused (Entra's is a few kilobytes).
const MAX_JWKS_BYTES: usize = 256 * 1024;

/// The provider's public signing keys, as published (public data: nothing here is a secret).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Jwks {
    /// Each key as the minimal JWK WebCrypto imports (`kty` and its public parameters), with `kid`/`alg`/`use`.
    pub keys: Vec<Map<String, Value>>,
}

/// How WebCrypto verifies one JWS algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebCryptoAlg {
    /// `RSASSA-PKCS1-v1_5` with this hash (RS256/384/512).
    RsaPkcs1(&'static str),
    /// `RSA-PSS` with this hash and salt length (PS256/384/512).
    RsaPss(&'static str, u32),
    /// `ECDSA` on this curve with this hash (ES256/384/512).
    Ecdsa(&'static str, &'static str),
}

impl WebCryptoAlg {
    /// The WebCrypto algorithm for a JWS `alg`; None for anything WebCrypto cannot verify (refused).
    pub fn for_jws(alg: &str) -> Option<Self> {
        Some(match alg {
            "RS256" => Self::RsaPkcs1("SHA-256"),
            "RS384" => Self::RsaPkcs1("SHA-384"),
            "RS512" => Self::RsaPkcs1("SHA-512"),
            "PS256" => Self::RsaPss("SHA-256", 32),
            "PS384" => Self::RsaPss("SHA-384", 48),
            "PS512" => Self::RsaPss("SHA-512", 64),
            "ES256" => Self::Ecdsa("P-256", "SHA-256"),
            "ES384" => Self::Ecdsa("P-384", "SHA-384"),
            "ES512" => Self::Ecdsa("P-521", "SHA-512"),
            _ => return None,
        })
    }

    /// The JWK `kty` this algorithm needs.
    pub fn kty(self) -> &'static str {
        match self {
            Self::RsaPkcs1(_) | Self::RsaPss(..) => "RSA",
            Self::Ecdsa(..) => "EC",
        }
    }
}

/// Why a signature could not be checked, or did not verify. Messages name no secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The token is not a JWS we can read.
    #[error("{0}")]
    Malformed(JwtError),
    /// `alg` is one WebCrypto cannot verify.
    #[error("it is signed with \"{0}\", which this page cannot verify")]
    UnsupportedAlg(String),
    /// No published key has the token's `kid` (after one refresh of the keys).
    #[error("it was signed with a key the sign-in service does not publish (kid {0:?})")]
    UnknownKey(Option<String>),
    /// The key set could not be read.
    #[error("the sign-in service's signing keys could not be read: {0}")]
    BadJwks(String),
    /// WebCrypto says the signature is wrong.
    #[error("its signature does not verify against the sign-in service's published key")]
    BadSignature,
}

fn b64_text(v: &Value, k: &str) -> Option<String> {
    let s = v.get(k)?.as_str()?;
    // Public parameters must be base64url: WebCrypto would refuse anything else anyway.
    URL_SAFE_NO_PAD.decode(s.trim_end_matches('=')).ok().filter(|b| !b.is_empty())?;
    Some(s.trim_end_matches('=').to_string())
}

fn minimal_jwk(k: &Value) -> Option<Map<String, Value>> {
    let kty = k.get("kty")?.as_str()?;
    let params: &[&str] = match kty {
        "RSA" => &["n", "e"],
        "EC" => &["x", "y"],
        _ => return None,
    };
    let mut m = Map::new();
    m.insert("kty".into(), Value::String(kty.into()));
    if kty == "EC" {
        m.insert("crv".into(), Value::String(k.get("crv")?.as_str()?.into()));
    }
    for p in params {
        m.insert((*p).into(), Value::String(b64_text(k, p)?));
    }
    for opt in ["kid", "alg", "use"] {
        if let Some(v) = k.get(opt).and_then(Value::as_str) {
            m.insert(opt.into(), Value::String(v.into()));
        }
    }
    Some(m)
}

/// Reads a JWKS document (`{"keys":[…]}`), keeping the RSA and EC keys; keys of other types, or missing a
/// parameter, are skipped. An empty result is an error: no token could verify.
pub fn parse_jwks(body: &str) -> Result<Jwks, SignatureError> {
    if body.len() > MAX_JWKS_BYTES {
        return Err(SignatureError::BadJwks("the document is too large".into()));
    }
    let v: Value = serde_json::from_str(body).map_err(|_| SignatureError::BadJwks("not JSON".into()))?;
    let keys: Vec<_> = (v.get("keys").and_then(Value::as_array))
        .ok_or_else(|| SignatureError::BadJwks("no \"keys\" list".into()))?
        .iter()
        .filter_map(minimal_jwk)
        .collect();
    if keys.is_empty() {
        return Err(SignatureError::BadJwks("no usable RSA or EC key".into()));
    }
    Ok(Jwks { keys })
}

/// What WebCrypto needs to verify a JWS: the algorithm, the key id, the signing input and the signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedParts {
    /// JWS `alg`.
    pub alg: String,
    /// WebCrypto algorithm for `alg`.
    pub webcrypto: WebCryptoAlg,
    /// JWS `kid`, if any.
    pub kid: Option<String>,
    /// `base64url(header) . base64url(payload)`, the bytes that were signed.
    pub input: Vec<u8>,
    /// The decoded signature.
    pub signature: Vec<u8>,
}

/// Splits a compact JWS into what its verification needs; refuses algorithms WebCrypto cannot verify.
pub fn signed_parts(token: &str) -> Result<SignedParts, SignatureError> {
    let (header, _) = decode_unverified(token).map_err(SignatureError::Malformed)?;
    let alg = header.get("alg").and_then(Value::as_str).unwrap_or_default().to_string();
    let webcrypto = WebCryptoAlg::for_jws(&alg).ok_or_else(|| SignatureError::UnsupportedAlg(alg.clone()))?;
    let (input, sig) = token.rsplit_once('.').ok_or(SignatureError::Malformed(JwtError::NotJwt))?;
    let signature = URL_SAFE_NO_PAD
        .decode(sig.trim_end_matches('='))
        .ok()
        .filter(|s| !s.is_empty())
        .ok_or(SignatureError::Malformed(JwtError::BadBase64("signature")))?;
    let kid = header.get("kid").and_then(Value::as_str).map(str::to_string);
    Ok(SignedParts { alg, webcrypto, kid, input: input.as_bytes().to_vec(), signature })
}

impl Jwks {
    /// The key that must verify `parts`: the one with its `kid` (or, when the token names none, the only key
    /// of the right type), of the type its `alg` needs, meant for signatures, and not pinned to another `alg`.
    pub fn key_for(&self, parts: &SignedParts) -> Option<&Map<String, Value>> {
        let s = |k: &Map<String, Value>, f: &str| k.get(f).and_then(Value::as_str).map(str::to_string);
        let fits = |k: &&Map<String, Value>| {
            s(k, "kty").as_deref() == Some(parts.webcrypto.kty())
                && s(k, "use").is_none_or(|u| u == "sig")
                && s(k, "alg").is_none_or(|a| a == parts.alg)
                && match parts.webcrypto {
                    WebCryptoAlg::Ecdsa(crv, _) => s(k, "crv").as_deref() == Some(crv),
                    _ => true,
                }
        };
        match &parts.kid {
            Some(kid) => self.keys.iter().filter(fits).find(|k| s(k, "kid").as_deref() == Some(kid.as_str())),
            None => {
                let mut candidates = self.keys.iter().filter(fits);
                match (candidates.next(), candidates.next()) {
                    (Some(only), None) => Some(only),
                    _ => None,
                }
            }
        }
    }

    /// The keys as stored in the pending sign-in.
    pub(crate) fn to_value(&self) -> Value {
        Value::Array(self.keys.iter().cloned().map(Value::Object).collect())
    }

    /// Keys read back from the pending sign-in; None when unreadable (then they are fetched again).
    pub(crate) fn from_value(v: &Value) -> Option<Jwks> {
        let keys: Vec<_> = v.as_array()?.iter().filter_map(minimal_jwk).collect();
        (!keys.is_empty()).then_some(Jwks { keys })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::jwt::tests::jwt;
    use serde_json::json;

    const N: &str = "sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw";
    const E: &str = "AQAB";

    fn rsa(kid: &str, alg: Option<&str>) -> Value {
        let mut k = json!({"kty":"RSA","use":"sig","kid":kid,"n":N,"e":E,"x5t":kid,"x5c":["MIIC…"],"issuer":"i"});
        if let Some(a) = alg {
            k["alg"] = json!(a);
        }
        k
    }

    fn token(header: Value) -> String {
        format!("{}.c2ln", jwt(header, json!({"sub":"s"})).rsplit_once('.').unwrap().0)
    }

    #[test]
    fn a_jwks_keeps_the_public_parameters_webcrypto_imports() {
        let body = json!({"keys":[rsa("k1", None), {"kty":"oct","k":"c2VjcmV0"}, {"kty":"RSA","kid":"no-n","e":E},
            {"kty":"EC","crv":"P-256","kid":"ec","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]})
        .to_string();
        let jwks = parse_jwks(&body).unwrap();
        assert_eq!(jwks.keys.len(), 2, "the oct key and the RSA key without n are skipped");
        let k1 = &jwks.keys[0];
        let mut names: Vec<&str> = k1.keys().map(String::as_str).collect();
        names.sort();
        assert_eq!(names, ["e", "kid", "kty", "n", "use"], "x5c, x5t and issuer are not passed to WebCrypto");
        assert_eq!(Jwks::from_value(&jwks.to_value()), Some(jwks.clone()));
        for bad in ["", "[]", "{}", r#"{"keys":[]}"#, r#"{"keys":[{"kty":"oct","k":"x"}]}"#] {
            assert!(matches!(parse_jwks(bad), Err(SignatureError::BadJwks(_))), "{bad}");
        }
        assert!(parse_jwks(&format!(r#"{{"keys":[{{"kty":"RSA","n":"{N}","e":"not base64!"}}]}}"#)).is_err());
    }

    #[test]
    fn the_signing_input_and_signature_come_from_the_compact_form() {
        let t = token(json!({"alg":"RS256","kid":"k1"}));
        let p = signed_parts(&t).unwrap();
        assert_eq!(p.input, t.rsplit_once('.').unwrap().0.as_bytes());
        assert_eq!(p.signature, b"sig");
        assert_eq!(
            (p.alg.as_str(), p.webcrypto, p.kid.as_deref()),
            ("RS256", WebCryptoAlg::RsaPkcs1("SHA-256"), Some("k1"))
        );
        for alg in ["HS256", "none", "EdDSA", ""] {
            assert!(
                matches!(signed_parts(&token(json!({"alg":alg}))), Err(SignatureError::UnsupportedAlg(_))),
                "{alg}"
            );
        }
        let unsigned = format!("{}.", t.rsplit_once('.').unwrap().0);
        assert!(matches!(signed_parts(&unsigned), Err(SignatureError::Malformed(_))));
        assert_eq!(WebCryptoAlg::for_jws("PS384"), Some(WebCryptoAlg::RsaPss("SHA-384", 48)));
        assert_eq!(WebCryptoAlg::for_jws("ES256").map(WebCryptoAlg::kty), Some("EC"));
    }

    #[test]
    fn the_key_is_chosen_by_kid_type_use_and_alg() {
        let jwks = parse_jwks(&json!({"keys":[rsa("k1", Some("RS256")), rsa("k2", None)]}).to_string()).unwrap();
        let parts = |h: Value| signed_parts(&token(h)).unwrap();
        let kid = |k: Option<&Map<String, Value>>| k.and_then(|k| k["kid"].as_str()).map(str::to_string);
        assert_eq!(kid(jwks.key_for(&parts(json!({"alg":"RS256","kid":"k1"})))).as_deref(), Some("k1"));
        assert_eq!(kid(jwks.key_for(&parts(json!({"alg":"RS384","kid":"k2"})))).as_deref(), Some("k2"));
        // k1 is pinned to RS256; an unknown kid; no kid with two candidate keys; an EC alg with RSA keys.
        assert_eq!(jwks.key_for(&parts(json!({"alg":"RS384","kid":"k1"}))), None);
        assert_eq!(jwks.key_for(&parts(json!({"alg":"RS256","kid":"k3"}))), None);
        assert_eq!(jwks.key_for(&parts(json!({"alg":"RS256"}))), None);
        assert_eq!(jwks.key_for(&parts(json!({"alg":"ES256","kid":"k1"}))), None);
        // No kid and exactly one key that fits: that key.
        let one = parse_jwks(&json!({"keys":[rsa("only", None)]}).to_string()).unwrap();
        assert_eq!(kid(one.key_for(&parts(json!({"alg":"RS256"})))).as_deref(), Some("only"));
        // A key for encryption never verifies a signature.
        let mut enc = rsa("k1", None);
        enc["use"] = json!("enc");
        let enc = parse_jwks(&json!({"keys":[enc]}).to_string()).unwrap();
        assert_eq!(enc.key_for(&parts(json!({"alg":"RS256","kid":"k1"}))), None);
    }
}
