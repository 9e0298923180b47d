//! PKCE (RFC 7636, S256 only) and random state/nonce values from caller-supplied random bytes.

use super::secret::PkceVerifier;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

impl PkceVerifier {
    /// A 43-character verifier: base64url (no padding) of 32 random octets, as RFC 7636 §4.1 recommends.
    pub fn from_random(bytes: &[u8; 32]) -> Self {
        PkceVerifier::new(URL_SAFE_NO_PAD.encode(bytes))
    }
}

/// `BASE64URL(SHA256(ASCII(verifier)))` — the S256 challenge (plain is never used: RFC 7636 §7.2).
pub fn challenge_s256(v: &PkceVerifier) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(v.secret().as_bytes()))
}

/// Base64url (no padding) of random bytes, for `state` and `nonce`. Pass at least 16 bytes (128 bits).
pub(crate) fn random_token(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7636_appendix_b() {
        let octets: [u8; 32] = [
            116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105, 214, 191,
            240, 91, 88, 5, 88, 83, 132, 141, 121,
        ];
        let v = PkceVerifier::from_random(&octets);
        assert_eq!(v.secret(), "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        assert_eq!(challenge_s256(&v), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }

    #[test]
    fn verifier_charset_and_length() {
        let v = PkceVerifier::from_random(&[255u8; 32]);
        assert_eq!(v.secret().len(), 43);
        assert!(v.secret().bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    }

    #[test]
    fn random_token_len() {
        assert_eq!(random_token(&[0u8; 16]).len(), 22);
        assert_eq!(random_token(&[]), "");
    }
}
