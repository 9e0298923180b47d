//! Which account a thing belongs to: the tenant (`tid`), the user's object id (`oid`) and the subject (`sub`) of
//! the ID token it was obtained under. A token or a held action is only ever used by the account it came from.

use super::jwt::IdClaims;
use serde_json::{json, Value};

/// The account an ID token names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// Entra tenant id.
    pub tid: Option<String>,
    /// Entra object id of the user.
    pub oid: Option<String>,
    /// Subject.
    pub sub: String,
}

impl Account {
    /// The account of a session's ID token claims.
    pub fn of(claims: &IdClaims) -> Account {
        Account { tid: claims.tid.clone(), oid: claims.oid.clone(), sub: claims.sub.clone() }
    }

    /// `claims` name this account: the same tenant, object id and subject.
    pub fn is(&self, claims: &IdClaims) -> bool {
        *self == Account::of(claims)
    }

    /// The stored form.
    pub(crate) fn to_value(&self) -> Value {
        json!({"tid": self.tid, "oid": self.oid, "sub": self.sub})
    }

    /// A stored account, or `None` when the value is not one.
    pub(crate) fn from_value(v: &Value) -> Option<Account> {
        let opt = |k: &str| match v.get(k) {
            None | Some(Value::Null) => Some(None),
            Some(Value::String(s)) => Some(Some(s.clone())),
            Some(_) => None,
        };
        Some(Account { tid: opt("tid")?, oid: opt("oid")?, sub: v.get("sub")?.as_str()?.to_string() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_account_is_its_tenant_object_and_subject() {
        let mut a = crate::auth::stored::tests::session(None, None).id_claims;
        a.oid = Some("oid-a".into());
        let me = Account::of(&a);
        assert!(me.is(&a));
        assert_eq!(Account::from_value(&me.to_value()), Some(me.clone()));
        for change in [
            |c: &mut IdClaims| c.oid = Some("oid-b".into()),
            |c: &mut IdClaims| c.tid = Some("another-tenant".into()),
            |c: &mut IdClaims| c.sub = "another".into(),
            |c: &mut IdClaims| c.oid = None,
        ] {
            let mut b = a.clone();
            change(&mut b);
            assert!(!me.is(&b), "{b:?}");
        }
        assert_eq!(Account::from_value(&json!({"tid": 1, "sub": "s"})), None);
        assert_eq!(Account::from_value(&json!({"tid": "t"})), None);
    }
}
