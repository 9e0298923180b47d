//! The second token hunting needs when the incidents come from Defender: one token names one resource, and
//! hunting is a Graph API, so beside the Defender session the page keeps a Graph token, obtained with the
//! session's refresh token (Entra's refresh tokens are multi-resource) and kept in this tab's sessionStorage
//! under its own key (sign-out removes it with every other `onbehalf.` key, and a new sign-in removes it too).
//! It is bound to the account it was issued for: only that account's session reuses it.

use crate::auth::account::Account;
use crate::auth::jwt::IdClaims;
use crate::auth::secret::AccessToken;
use serde_json::{json, Value};

/// sessionStorage key of the Graph token for hunting (Defender source only).
pub const HUNT_TOKEN_KEY: &str = "onbehalf.hunt_token";

/// A Graph access token for hunting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HuntToken {
    /// The Graph access token.
    pub access_token: AccessToken,
    /// Local clock at receipt + `expires_in`.
    pub expires_at: u64,
    /// Granted scopes, as the token response named them.
    pub scopes: Vec<String>,
    /// The account (tenant, object id, subject) of the session it was obtained for; `None` in records written
    /// before it was kept, which no session reuses.
    pub account: Option<Account>,
}

/// The `scope` of the refresh-token grant for it: one resource (Graph), the hunting permission, and
/// `offline_access` so the rotated refresh token comes back.
pub fn hunt_token_scopes() -> String {
    format!("openid profile offline_access {}", super::hunt_scope_url())
}

impl HuntToken {
    /// Still worth sending at `now`, by the same rule as the session's token.
    pub fn usable(&self, now: u64) -> bool {
        !crate::auth::session::token_spent(self.expires_at, now)
    }

    /// Lets a hunt through at `now`: usable, and it names the hunting permission (the token panel's row).
    pub fn grants_hunting(&self, now: u64) -> bool {
        self.usable(now) && self.holds_hunting_scope()
    }

    /// It was issued for the account these session claims name (same tenant, object id and subject): analyst
    /// B's hunts never run with analyst A's token (A's visibility, A in the audit log, A's tenant).
    pub fn belongs_to(&self, claims: &IdClaims) -> bool {
        self.account.as_ref().is_some_and(|a| a.is(claims))
    }

    /// Worth sending for the session these claims name at `now`: its own, and usable.
    pub fn reusable_for(&self, claims: &IdClaims, now: u64) -> bool {
        self.belongs_to(claims) && self.usable(now)
    }

    /// The token names the hunting permission: a 403 is then the analyst's role, not the app's permission.
    pub fn holds_hunting_scope(&self) -> bool {
        self.scopes.iter().any(|s| crate::auth::session::scope_is(s, super::HUNT_SCOPE))
    }

    /// The stored form.
    pub fn to_json(&self) -> String {
        let account = self.account.as_ref().map_or(Value::Null, Account::to_value);
        json!({"access_token": self.access_token.secret(), "expires_at": self.expires_at, "scopes": self.scopes,
            "account": account})
        .to_string()
    }

    /// A stored token, or `None` when the record is not one.
    pub fn from_json(s: &str) -> Option<HuntToken> {
        let v: Value = serde_json::from_str(s).ok()?;
        let scopes =
            v.get("scopes")?.as_array()?.iter().map(|x| x.as_str().map(str::to_string)).collect::<Option<_>>()?;
        Some(HuntToken {
            access_token: AccessToken::new(v.get("access_token")?.as_str()?.to_string()),
            expires_at: v.get("expires_at")?.as_u64()?,
            scopes,
            account: v.get("account").and_then(Account::from_value),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_what_is_not_one() {
        let t = HuntToken {
            access_token: AccessToken::new("g-tok".into()),
            expires_at: 1_000,
            scopes: vec!["https://graph.microsoft.com/ThreatHunting.Read.All".into()],
            account: Some(Account { tid: Some("t".into()), oid: Some("a".into()), sub: "s".into() }),
        };
        assert_eq!(HuntToken::from_json(&t.to_json()), Some(t.clone()));
        assert!(!format!("{t:?}").contains("g-tok"), "the token prints redacted");
        for bad in [
            "",
            "{}",
            r#"{"access_token":"a","expires_at":"1","scopes":[]}"#,
            r#"{"access_token":"a","expires_at":1,"scopes":[1]}"#,
        ] {
            assert_eq!(HuntToken::from_json(bad), None, "{bad}");
        }
        assert!(t.usable(969) && !t.usable(970), "30 s before expiry it is not sent");
        assert!(t.grants_hunting(969) && !t.grants_hunting(970));
        let other = HuntToken { scopes: vec!["https://graph.microsoft.com/User.Read".into()], ..t.clone() };
        assert!(!other.grants_hunting(0), "a Graph token without the hunting permission lets no hunt through");
        assert!(HUNT_TOKEN_KEY.starts_with(crate::auth::session::KEY_PREFIX), "sign-out removes it");
    }

    /// Issue 23 (review, Medium): the token kept for analyst A is never reused for analyst B, nor in another
    /// tenant, nor when it does not say whose it is.
    #[test]
    fn only_the_account_it_was_issued_for_reuses_it() {
        let mut a = crate::auth::stored::tests::session(None, None).id_claims;
        a.oid = Some("oid-a".into());
        let t = HuntToken {
            access_token: AccessToken::new("g".into()),
            expires_at: 1_000,
            scopes: vec![],
            account: Some(Account::of(&a)),
        };
        assert!(t.reusable_for(&a, 0) && !t.reusable_for(&a, 999));
        let b = IdClaims { oid: Some("oid-b".into()), sub: "b".into(), ..a.clone() };
        assert!(!t.reusable_for(&b, 0), "another analyst");
        let elsewhere = IdClaims { tid: Some("other-tenant".into()), ..a.clone() };
        assert!(!t.reusable_for(&elsewhere, 0), "the same analyst in another tenant");
        let old = HuntToken::from_json(r#"{"access_token":"g","expires_at":1000,"scopes":[]}"#).unwrap();
        assert!(old.account.is_none() && !old.reusable_for(&a, 0), "a record that does not say whose");
        assert_eq!(HuntToken::from_json(&t.to_json()), Some(t));
    }

    #[test]
    fn the_grant_names_graph_only() {
        assert_eq!(
            hunt_token_scopes(),
            "openid profile offline_access https://graph.microsoft.com/ThreatHunting.Read.All"
        );
    }
}
