//! The role half of "scope ∩ role" (issue 21): a delegated write needs the app's permission AND a role of the
//! analyst's, and the page can tell only a little about the role before the API answers. This module says what
//! it can tell: a refusal seen in this tab, or the Entra directory roles a token names in `wids` (present only
//! when the app registration asks for them; Defender's own roles are never in a token).

/// Entra role template ids (the `wids` claim) that allow writing incidents, with their names: Security
/// Operator, Security Administrator and Global Administrator (incidents-apis-and-entra.md, actions-and-hunting.md).
pub const WRITE_ROLES: &[(&str, &str)] = &[
    ("5f2222b1-57c3-48ba-8ad5-d4759f1fde6f", "Security Operator"),
    ("194ae4cb-b126-40b2-bd5b-6091b380977d", "Security Administrator"),
    ("62e90394-69f5-4237-9190-012177145e10", "Global Administrator"),
];

/// Entra role template ids that only read incidents: Security Reader and Global Reader.
pub const READ_ROLES: &[(&str, &str)] = &[
    ("5d6b6bb7-de71-4623-b4af-96380a352509", "Security Reader"),
    ("f2ef992c-3afb-46b9-b7cf-a126ee74c451", "Global Reader"),
];

/// What the page knows of the analyst's role for writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoleSeen {
    /// Nothing yet: the API decides when it answers.
    Unknown,
    /// The API refused a write in this tab because of the role.
    Refused,
    /// The token names a role that allows writes.
    Holds(&'static str),
    /// The token names directory roles, none of them one that writes (a custom or Defender role may still).
    OnlyReads(Vec<&'static str>),
}

fn names(wids: &[String], table: &[(&'static str, &'static str)]) -> Vec<&'static str> {
    table.iter().filter(|(id, _)| wids.iter().any(|w| w.eq_ignore_ascii_case(id))).map(|(_, n)| *n).collect()
}

/// What can be told about the write role from a refusal seen in this tab and the token's `wids` claim. A
/// refusal wins: it is the API's own answer.
pub fn write_role_seen(refused: bool, wids: &[String]) -> RoleSeen {
    if refused {
        return RoleSeen::Refused;
    }
    if let Some(n) = names(wids, WRITE_ROLES).first() {
        return RoleSeen::Holds(n);
    }
    let reads = names(wids, READ_ROLES);
    if reads.is_empty() {
        RoleSeen::Unknown
    } else {
        RoleSeen::OnlyReads(reads)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_is_the_apis_answer_and_wins() {
        let op = vec!["5F2222B1-57C3-48BA-8AD5-D4759F1FDE6F".to_string()];
        assert_eq!(write_role_seen(true, &op), RoleSeen::Refused);
        assert_eq!(write_role_seen(false, &op), RoleSeen::Holds("Security Operator"));
    }

    #[test]
    fn without_claims_nothing_is_known() {
        assert_eq!(write_role_seen(false, &[]), RoleSeen::Unknown);
        assert_eq!(write_role_seen(false, &["b79fbf4d-3ef9-4689-8143-76b194e85509".into()]), RoleSeen::Unknown);
    }

    #[test]
    fn reader_roles_are_named() {
        let w = vec!["5d6b6bb7-de71-4623-b4af-96380a352509".to_string()];
        assert_eq!(write_role_seen(false, &w), RoleSeen::OnlyReads(vec!["Security Reader"]));
    }
}
