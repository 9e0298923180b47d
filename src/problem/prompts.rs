//! The page's smaller sentences: the consent prompt every feature shares, an incident asked for by id, and the
//! session's endings. Beside `problem.rs`, so each text has one home.

use crate::request::error::ApiError;

/// A session restored at start-up whose refresh token has run out.
pub(crate) const SESSION_ENDED: &str = "Your session has ended. Sign in again to see the incident queue.";

/// A sign-in response in the address bar that this tab did not start: ignored, the session kept.
pub(crate) const STRAY_SIGN_IN_IGNORED: &str = "A sign-in response in the address bar did not belong to a sign-in \
     started in this tab; it was ignored, and you are still signed in.";

/// Signed out without ending the provider's session (its end-session address is not known yet).
pub(crate) const SIGNED_OUT_TAB_ONLY: &str = "Signed out of this tab only: the sign-in service's session was not \
     ended (its sign-out address is not known yet). Close the browser to end it.";

/// A token response without the ID token the sign-in is checked by.
pub(crate) const NO_ID_TOKEN: &str = "The token response has no ID token, so the sign-in cannot be verified.";

/// What a consent prompt asks for.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum ConsentFor {
    /// An incident's action, by its label ("Assign to me").
    Action(&'static str),
    /// A bulk action on the selection.
    Bulk,
    /// A hunt.
    Hunt,
}

/// The button that goes to the provider for a permission.
pub(crate) const ASK_FOR_PERMISSION: &str = "Ask for the permission";
/// The button that declines, for now.
pub(crate) const NOT_NOW: &str = "Not now";

/// The consent prompt's sentence, around the permission's name: (before it, after it). Said once for every
/// feature: the permission is asked for once, the sign-in stays as it is, and what happens once back.
pub(crate) fn consent_prompt(what: &ConsentFor) -> (String, &'static str) {
    let lead = match what {
        ConsentFor::Action(label) => format!("To {} this page needs the delegated permission", label.to_lowercase()),
        ConsentFor::Bulk => "Bulk actions need the delegated permission".to_string(),
        ConsentFor::Hunt => "Hunting needs the delegated permission".to_string(),
    };
    let tail = match what {
        ConsentFor::Action(_) => {
            ", which it has not asked for yet. Your sign-in stays as it is; you come back here and confirm the action."
        }
        ConsentFor::Bulk => {
            ", which this page has not asked for yet. Your sign-in stays as it is; you come back to this selection \
             and confirm the action."
        }
        ConsentFor::Hunt => {
            ", which your sign-in does not hold yet. You will be asked once, on the sign-in page; the query runs \
             when you are back."
        }
    };
    (lead, tail)
}

/// While an incident outside the loaded view is asked for by id (`id` as shown).
pub(crate) fn incident_asking(id: &str) -> String {
    format!("Incident {id} is not in the loaded view: asking the API for it by id…")
}

/// Above an incident opened by id: whether the view has loaded in full (`complete`).
pub(crate) fn opened_by_id(complete: bool) -> &'static str {
    if complete {
        "Opened by id: this incident is outside the loaded view."
    } else {
        "Opened by id while the view loads."
    }
}

/// An incident asked for by id that could not be shown (`id` as shown).
pub(crate) fn incident_unloaded(id: &str, err: &ApiError) -> String {
    match err {
        ApiError::NotFound => {
            format!("Incident {id} was not found: the API has no incident with this id that your account can see.")
        }
        e => format!("Incident {id} could not be loaded: {}", e.user_message()),
    }
}
