//! Pure incidents API logic: one incident model for both sources, one description per source, OData query
//! building, error mapping and backoff, the queue view and what is derived from it.

pub mod actions;
pub mod budget;
pub(crate) mod changes;
pub mod error;
pub(crate) mod export;
pub mod hunting;
pub(crate) mod index;
pub mod mitre;
pub mod model;
pub(crate) mod paging;
pub mod query;
pub mod retry;
pub(crate) mod search;
pub(crate) mod source;
pub(crate) mod stats;
pub mod story;
pub(crate) mod view;

#[cfg(test)]
mod fixture;

pub use error::{map_response, ApiError};
pub use model::{parse_defender_page, parse_graph_page, parse_one_incident};
