//! Pure incidents API logic: one incident model for both sources, OData query building, error mapping and backoff.

pub mod budget;
pub mod error;
pub mod index;
pub mod model;
pub mod paging;
pub mod query;
pub mod retry;
pub mod view;

pub use error::{map_response, ApiError};
pub use model::{
    parse_defender_page, parse_graph_page, sort_newest_first, Alert, Classification, Comment, Determination, Device,
    Entity, Incident, Severity, Status,
};
pub use query::{
    accepted_scopes, api_request, defender_url, graph_url, parse_rfc3339, required_scope, rfc3339, IncidentQuery,
};
