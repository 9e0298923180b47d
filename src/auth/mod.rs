//! Pure sign-in logic: secrets, PKCE, discovery, the authorize URL, callback checks, token and ID-token handling, session timing.

pub mod aadsts;
pub mod account;
pub mod authorize;
pub mod callback;
pub mod claims;
pub mod discovery;
pub mod error;
pub mod jwks;
pub mod jwt;
pub mod pkce;
/// The secrets' newtypes live below every room (`crate::secret`): the incidents' requests carry a token too.
pub use crate::secret;
pub mod session;
pub mod stored;
pub mod token;

/// Garbage in, no panic out: every parser in the core sees arbitrary strings from the network or URL.
#[cfg(test)]
mod no_panic {
    use crate::{auth, config, http};

    /// Deterministic pseudo-random strings over a hostile alphabet (xorshift; no dev-dependency needed).
    fn inputs() -> Vec<String> {
        let alphabet: Vec<char> =
            "%+&=?#/:.-_~{}[]\"',\\ 0123456789aAzZéü\u{0}\u{202e}TZ+-AADSTS.eyJ".chars().collect();
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut out = vec![String::new(), "%".into(), "%F".into(), "&&==".into(), "{\"value\":[{}]}".into()];
        for _ in 0..3000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let len = (x % 40) as usize;
            let mut s = String::new();
            let mut y = x;
            for _ in 0..len {
                y = y.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                s.push(alphabet[(y >> 33) as usize % alphabet.len()]);
            }
            out.push(s);
        }
        out
    }

    #[test]
    fn parsers_never_panic() {
        let m = auth::authorize::tests::meta();
        for s in inputs() {
            let _ = http::parse_query(&s);
            let _ = http::is_secure_url(&s);
            let _ = auth::callback::parse_callback(&s);
            let _ = auth::jwt::decode_unverified(&s);
            let _ = auth::jwt::validate_id_token(
                &auth::secret::IdToken::new(s.clone()),
                &m,
                "c",
                &auth::secret::Nonce::new("n".into()),
                0,
            );
            let _ = auth::jwt::access_claims(&auth::secret::AccessToken::new(s.clone()));
            let _ = auth::aadsts::aadsts_code(&s);
            let _ = auth::authorize::sanitize_return_to(&s, 2048);
            let _ = auth::discovery::parse_discovery(&s, &s);
            let _ =
                auth::discovery::issuer_matches_authority(&s, "https://login.microsoftonline.com/organizations/v2.0");
            let _ = config::parse_config(&s);
            let _ = config::parse_config(&format!(
                r#"{{"authority":"{}","client_id":"{}"}}"#,
                s.replace('"', ""),
                s.replace('"', "")
            ));
            let _ = crate::incidents::query::parse_rfc3339(&s);
            let _ = crate::request::error::body_retry_seconds(&s);
            let _ = crate::incidents::query::next_link_for("https://graph.microsoft.com", &s);
            let _ = crate::incidents::model::parse_defender_page(&s);
            let _ = crate::incidents::model::parse_graph_page(&s);
            let r =
                http::HttpResponse { status: 429, headers: vec![("Retry-After".into(), s.clone())], body: s.clone() };
            let _ = crate::request::error::map_response(&r, "SecurityIncident.Read.All");
            let _ = auth::token::parse_token_response(&http::HttpResponse {
                status: 400,
                headers: vec![],
                body: s.clone(),
            });
        }
    }
}
