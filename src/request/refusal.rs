//! Which side refused a 403, for any call: the app (its token lacks the delegated permission) or the analyst
//! (the token holds it, so their role is missing). Microsoft's point made visible: a delegated call needs both.
//! The domains say which permission and role a call needs; this only tells the two apart.

/// Which side refused a 403.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The token lacks the delegated permission: consent to it (an admin's, for these APIs) fixes it.
    AppPermission {
        /// The permission to consent to.
        needed_scope: &'static str,
    },
    /// The token holds the permission, so the API refused the user: an admin must grant a role.
    UserRole {
        /// The kind of role that allows the call.
        role_hint: &'static str,
        /// What the API said.
        message: String,
    },
}

impl Refusal {
    /// A plain sentence for the page (render as text).
    pub fn user_message(&self) -> String {
        match self {
            Refusal::AppPermission { needed_scope } => format!(
                "This page has not been granted the delegated permission {needed_scope}. An administrator can grant it (admin consent); then sign in again."
            ),
            Refusal::UserRole { role_hint, message } => format!(
                "The API refused your account: the page holds the permission, but your account needs {role_hint}. An administrator can grant it.{}",
                if message.is_empty() { String::new() } else { format!(" The API said: {message}") }
            ),
        }
    }
}
