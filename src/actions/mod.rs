//! Acting on incidents for the analyst (issue 14), pure: what an analyst may ask for ([`Action`]), which values
//! each API accepts ([`rules`]), the exact requests that carry it out ([`request`]), and who may make them
//! ([`access`]: permissions per call, 403 diagnosis, retry decisions for writes).
//!
//! Every request here is a write made on the analyst's behalf, so it exists only as the answer to one of their
//! gestures: nothing in this module is ever sent on a timer or re-sent unless its [`WriteKind::policy`] allows it.

pub mod access;
pub mod activity;
pub mod intent;
pub mod preview;
pub mod request;
pub mod role;
pub mod rules;
pub mod spelling;

pub use access::{action_call, all_calls, call_info, calls, Call, CallInfo, Refusal};
pub use intent::{tally, Ended, Intent, Outcome, Tally, Target};
pub use request::{
    classification_wire, determination_wire, update_requests, update_requests_spelled, WriteError, WriteKind,
    WriteRequest,
};
pub use rules::{
    edit_tags, own_tags, valid_determinations, validate, writable_classifications, writable_statuses, Change,
    MAX_ASSIGNEE_CHARS, MAX_COMMENT_CHARS, MAX_TAGS, MAX_TAG_CHARS,
};
pub use spelling::{alternative_write, Spelling};

use crate::incidents::model::{Classification, Determination, Status};
use crate::incidents::source::Source;

/// One thing the analyst asks the page to do to one incident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Make this person (UPN or free text, as the APIs allow) the owner.
    AssignTo(String),
    /// Remove the owner (Graph only: Defender documents no way to clear `assignedTo`).
    Unassign,
    /// Move to a status the analyst may set (see [`writable_statuses`]).
    SetStatus(Status),
    /// Classify, with a determination documented for that classification (see [`valid_determinations`]).
    Classify {
        /// The classification.
        classification: Classification,
        /// A determination documented for it.
        determination: Determination,
    },
    /// Replace the incident's (custom) tags with exactly this list; build it with [`edit_tags`].
    SetTags(Vec<String>),
    /// Add a comment.
    Comment(String),
    /// "Resolve as…" in one step, as the portal does: status Resolved plus classification, determination and an
    /// optional comment (a blank one counts as none).
    Resolve {
        /// The classification.
        classification: Classification,
        /// A determination documented for it.
        determination: Determination,
        /// Optional closing comment.
        comment: Option<String>,
    },
}

/// Why an action cannot be sent; every variant is a sentence the page shows as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActionError {
    /// Assignee blank after trimming.
    #[error("Enter who the incident should be assigned to.")]
    EmptyAssignee,
    /// Assignee too long or with control characters.
    #[error("The assignee must be at most {MAX_ASSIGNEE_CHARS} characters, on one line.")]
    BadAssignee,
    /// The API documents no way to do this.
    #[error("The {api} does not support this: {what}.")]
    NotSupported {
        /// What was asked.
        what: &'static str,
        /// The API's name.
        api: &'static str,
    },
    /// A status the analyst cannot set through this API.
    #[error("The status \"{0}\" cannot be set here; choose Active, In progress or Resolved.")]
    StatusNotWritable(String),
    /// Not one of the documented classifications.
    #[error("Choose a classification: True positive, Informational (expected activity) or False positive.")]
    ClassificationNotWritable(String),
    /// Not a documented determination for that classification.
    #[error("\"{determination}\" is not a determination the API accepts for \"{classification}\".")]
    DeterminationNotValid {
        /// Classification label.
        classification: String,
        /// Determination label.
        determination: String,
    },
    /// A blank tag.
    #[error("Tags cannot be blank.")]
    EmptyTag,
    /// A tag too long or with control characters.
    #[error("Each tag must be at most {MAX_TAG_CHARS} characters, on one line.")]
    BadTag,
    /// Too many tags.
    #[error("An incident can carry at most {MAX_TAGS} tags here.")]
    TooManyTags,
    /// Comment blank after trimming.
    #[error("Write a comment first.")]
    EmptyComment,
    /// Comment too long.
    #[error("A comment can be at most {MAX_COMMENT_CHARS} characters.")]
    CommentTooLong,
    /// The incident id cannot be this API's id.
    #[error("\"{0}\" is not a valid incident id for this API.")]
    BadId(String),
    /// The API base is not `https://` (or loopback `http://`): the token must not travel in clear.
    #[error("The API address is not secure, so the page will not send your token to it.")]
    InsecureApiBase,
}

impl Action {
    /// It adds a comment (a comment, or a resolve with a closing comment): a lost answer may hide one that was
    /// added, so such a write is never sent twice and its failure says so.
    pub fn adds_comment(&self) -> bool {
        match self {
            Action::Comment(c) => !c.trim().is_empty(),
            Action::Resolve { comment, .. } => comment.as_deref().is_some_and(|c| !c.trim().is_empty()),
            _ => false,
        }
    }

    /// A short label for the page ("Assign", "Resolve", …).
    pub fn label(&self) -> &'static str {
        match self {
            Action::AssignTo(_) => "Assign",
            Action::Unassign => "Unassign",
            Action::SetStatus(_) => "Change status",
            Action::Classify { .. } => "Classify",
            Action::SetTags(_) => "Edit tags",
            Action::Comment(_) => "Comment",
            Action::Resolve { .. } => "Resolve",
        }
    }

    /// What the activity list says was asked, with the values written: "assign #2170 to you", "resolve #2141
    /// as False positive · Clean with the comment “…”", … `me` is the signed-in account, so assigning to it
    /// reads "to you".
    pub fn describe(&self, id: &str, me: Option<&str>) -> String {
        match self {
            Action::AssignTo(who) if me.is_some_and(|m| m.eq_ignore_ascii_case(who.trim())) => {
                format!("assign #{id} to you")
            }
            Action::AssignTo(who) => format!("assign #{id} to {}", crate::incidents::model::cap(who.trim(), 60)),
            Action::Unassign => format!("unassign #{id}"),
            Action::SetStatus(s) => format!("set #{id} to {}", s.label()),
            Action::Classify { classification, determination } => {
                format!("classify #{id} as {} · {}", classification.label(), determination.label())
            }
            Action::SetTags(tags) => format!("set the tags of #{id} to {}", preview::tag_list(tags)),
            Action::Comment(c) => format!("comment on #{id}: {}", preview::quoted(c)),
            Action::Resolve { classification, determination, comment } => {
                let said = comment.as_deref().filter(|c| !c.trim().is_empty());
                format!(
                    "resolve #{id} as {} · {}{}",
                    classification.label(),
                    determination.label(),
                    said.map(|c| format!(" with the comment {}", preview::quoted(c))).unwrap_or_default()
                )
            }
        }
    }

    /// True when the action is possible for this source at all (the UI hides it otherwise).
    pub fn supported_by(&self, source: Source) -> bool {
        !matches!(self, Action::Unassign) || crate::incidents::source::api(source).can_unassign
    }
}
