//! RS256 JSON Web Tokens: signing key, JWKS, signing and validation.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::signature::{SignatureEncoding, Signer, Verifier};
use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;
use serde_json::{json, Value};
use sha2::Sha256;

/// One RSA signing key with its key id.
pub(crate) struct KeyPair {
    /// Key id, published in the JWKS and in every token header.
    pub(crate) kid: String,
    signer: SigningKey<Sha256>,
    verifier: VerifyingKey<Sha256>,
    jwk: Value,
}

impl KeyPair {
    /// Generates a fresh 2048-bit key (Entra's size) with a random kid.
    pub(crate) fn generate() -> Result<Self, String> {
        let mut rng = rand::thread_rng();
        let private = RsaPrivateKey::new(&mut rng, 2048).map_err(|e| e.to_string())?;
        let mut kid_bytes = [0u8; 15];
        rng.fill_bytes(&mut kid_bytes);
        let kid = URL_SAFE_NO_PAD.encode(kid_bytes);
        let public = private.to_public_key();
        let jwk = json!({
            "kty": "RSA",
            "use": "sig",
            "alg": "RS256",
            "kid": kid,
            "x5t": kid,
            "n": URL_SAFE_NO_PAD.encode(public.n().to_bytes_be()),
            "e": URL_SAFE_NO_PAD.encode(public.e().to_bytes_be()),
        });
        Ok(Self { kid, signer: SigningKey::<Sha256>::new(private), verifier: VerifyingKey::<Sha256>::new(public), jwk })
    }

    /// The public key as a JWK.
    pub(crate) fn jwk(&self) -> &Value {
        &self.jwk
    }

    /// Signs `claims` as a compact RS256 JWS.
    pub(crate) fn sign(&self, claims: &Value) -> String {
        let header = json!({"typ": "JWT", "alg": "RS256", "kid": self.kid, "x5t": self.kid});
        let input = format!("{}.{}", b64_json(&header), b64_json(claims));
        let sig = self.signer.sign(input.as_bytes());
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig.to_bytes()))
    }
}

/// A token signed by a freshly made key that no JWKS publishes, claiming the published key's `kid`.
pub(crate) fn sign_foreign(kid: &str, claims: &Value) -> String {
    match KeyPair::generate() {
        Ok(mut k) => {
            k.kid = kid.to_string();
            k.sign(claims)
        }
        // Without a key, a token with a garbage signature forges just as badly.
        Err(_) => format!(
            "{}.{}.c2lnbmF0dXJl",
            b64_json(&json!({"typ": "JWT", "alg": "RS256", "kid": kid})),
            b64_json(claims)
        ),
    }
}

/// An unsigned token (`alg: none`), served only when the fault asks for it.
pub(crate) fn sign_none(claims: &Value) -> String {
    let header = json!({"typ": "JWT", "alg": "none"});
    format!("{}.{}.", b64_json(&header), b64_json(claims))
}

fn b64_json(v: &Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap_or_default())
}

/// Why a bearer token was refused.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum JwtError {
    /// Not three base64url JSON parts.
    Malformed,
    /// Not RS256, unknown kid, or a bad signature.
    BadSignature,
    /// `exp` in the past (or `nbf` in the future).
    Expired,
    /// `aud` is not the API's resource.
    WrongAudience,
    /// `iss` is not ours.
    WrongIssuer,
}

/// Decodes the payload without checking anything (for tests and diagnostics).
pub fn decode_unverified(token: &str) -> Option<Value> {
    let payload = token.split('.').nth(1)?;
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()
}

/// Validates signature (against the current key only, so rotation invalidates old
/// tokens), lifetime, audience and issuer; returns the claims.
pub(crate) fn validate(
    key: &KeyPair,
    token: &str,
    audience: &str,
    issuer: &str,
    now_secs: i64,
) -> Result<Value, JwtError> {
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(JwtError::Malformed);
    };
    let header: Value =
        URL_SAFE_NO_PAD.decode(h).ok().and_then(|b| serde_json::from_slice(&b).ok()).ok_or(JwtError::Malformed)?;
    let claims: Value =
        URL_SAFE_NO_PAD.decode(p).ok().and_then(|b| serde_json::from_slice(&b).ok()).ok_or(JwtError::Malformed)?;
    if header.get("alg").and_then(Value::as_str) != Some("RS256")
        || header.get("kid").and_then(Value::as_str) != Some(key.kid.as_str())
    {
        return Err(JwtError::BadSignature);
    }
    let sig_bytes = URL_SAFE_NO_PAD.decode(s).map_err(|_| JwtError::BadSignature)?;
    let sig = Signature::try_from(sig_bytes.as_slice()).map_err(|_| JwtError::BadSignature)?;
    let signed = &token[..h.len() + 1 + p.len()];
    key.verifier.verify(signed.as_bytes(), &sig).map_err(|_| JwtError::BadSignature)?;
    let exp = claims.get("exp").and_then(Value::as_i64).ok_or(JwtError::Malformed)?;
    let nbf = claims.get("nbf").and_then(Value::as_i64).unwrap_or(0);
    // Entra-protected APIs allow five minutes of clock skew; the sandbox allows none so
    // tests can watch a token expire within seconds.
    if now_secs >= exp || now_secs < nbf {
        return Err(JwtError::Expired);
    }
    if claims.get("aud").and_then(Value::as_str) != Some(audience) {
        return Err(JwtError::WrongAudience);
    }
    if claims.get("iss").and_then(Value::as_str) != Some(issuer) {
        return Err(JwtError::WrongIssuer);
    }
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_and_validate() {
        let k = KeyPair::generate().expect("key");
        let t = k.sign(&json!({"aud": "a", "iss": "i", "exp": 200, "nbf": 0}));
        assert!(validate(&k, &t, "a", "i", 100).is_ok());
        assert_eq!(validate(&k, &t, "a", "i", 300), Err(JwtError::Expired));
        assert_eq!(validate(&k, &t, "b", "i", 100), Err(JwtError::WrongAudience));
        let other = KeyPair::generate().expect("key");
        assert_eq!(validate(&other, &t, "a", "i", 100), Err(JwtError::BadSignature));
        let none = sign_none(&json!({"aud": "a", "iss": "i", "exp": 200}));
        assert_eq!(validate(&k, &none, "a", "i", 100), Err(JwtError::BadSignature));
    }

    #[test]
    fn a_foreign_signature_claims_the_published_kid_but_does_not_verify() {
        let k = KeyPair::generate().expect("key");
        let t = sign_foreign(&k.kid, &json!({"aud": "a", "iss": "i", "exp": 200, "nbf": 0}));
        let header: Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(t.split('.').next().unwrap()).unwrap()).unwrap();
        assert_eq!(header["kid"], json!(k.kid));
        assert_eq!(validate(&k, &t, "a", "i", 100), Err(JwtError::BadSignature));
    }
}
