//! Pure incidents API logic: one incident model for both sources, one description per source, OData query
//! building, error mapping and backoff, the queue view and what is derived from it.

pub mod budget;
pub mod error;
pub mod export;
pub mod index;
pub mod model;
pub mod paging;
pub mod query;
pub mod source;
pub mod stats;
pub mod view;

#[cfg(test)]
mod fixture;

pub use error::{map_response, ApiError, Backoff};
pub use model::{
    parse_defender_page, parse_graph_page, Alert, Classification, Comment, Determination, Device, Entity, Incident,
    Severity, Status,
};
pub use query::{
    accepted_scopes, api_request, defender_url, graph_url, parse_rfc3339, required_scope, rfc3339, IncidentQuery,
};
