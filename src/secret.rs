//! Secret newtypes: they print `[redacted]` and are read only through `.secret()`.

macro_rules! secret_type {
    ($(#[$doc:meta])* $name:ident $(, $derive:ident)*) => {
        $(#[$doc])*
        #[derive($($derive),*)]
        pub struct $name(String);

        impl $name {
            /// Wraps a raw value.
            pub fn new(value: String) -> Self {
                Self(value)
            }
            /// The raw value: call only where it is sent or compared.
            pub fn secret(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, concat!(stringify!($name), "([redacted])"))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("[redacted]")
            }
        }
    };
}

secret_type!(
    /// OAuth access token for the incidents API.
    AccessToken, Clone, PartialEq, Eq
);
secret_type!(
    /// Refresh token (24 h fixed lifetime for SPA registrations).
    RefreshToken, Clone, PartialEq, Eq
);
secret_type!(
    /// Raw ID token (a JWT).
    IdToken, Clone, PartialEq, Eq
);
secret_type!(
    /// Authorization code from the redirect; single use, never stored.
    AuthCode, PartialEq, Eq
);
secret_type!(
    /// PKCE code verifier; deliberately not `Clone` so it cannot be copied around by accident.
    PkceVerifier
);
secret_type!(
    /// OAuth `state` (CSRF binding of the redirect to this tab).
    State, Clone, PartialEq, Eq
);
secret_type!(
    /// OIDC `nonce` (binds the ID token to this request).
    Nonce, Clone, PartialEq, Eq
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacted_everywhere() {
        let t = AccessToken::new("eyJ.secret.value".into());
        assert_eq!(format!("{t}"), "[redacted]");
        assert_eq!(format!("{t:?}"), "AccessToken([redacted])");
        assert_eq!(t.secret(), "eyJ.secret.value");
        let v = PkceVerifier::new("v".into());
        assert!(!format!("{v:?}").contains('v') || format!("{v:?}") == "PkceVerifier([redacted])");
        assert_eq!(format!("{:?}", AuthCode::new("c".into())), "AuthCode([redacted])");
    }
}
