//! The incidents themselves, as the two APIs speak of them: one description per source (`source`), the one
//! incident model for both (`model`), the OData requests that read and write them (`query`), paging through a
//! view (`paging`), the MITRE techniques they name (`mitre`) and an incident's timeline (`story`).
//!
//! Depends on `request` (an answer becomes an `ApiError`) and `http`; nothing here knows the queue's view,
//! actions or hunting.

pub mod mitre;
pub mod model;
pub(crate) mod paging;
pub mod query;
pub mod source;
pub mod story;

#[cfg(test)]
pub(crate) mod fixture;

pub use source::Source;
