//! The analyst's queue of incidents: the view in the URL and what the server filters (`view`), the loaded
//! incidents indexed for in-page filtering and sorting (`index`, `search`), what changed between two reads
//! (`changes`), the pictures' counts (`stats`), export (`export`), and an incident's place in the queue's
//! order (`walk`). Depends on `incidents`; knows nothing of the browser.

pub(crate) mod changes;
pub(crate) mod export;
pub(crate) mod index;
pub(crate) mod search;
pub mod selection;
pub(crate) mod stats;
pub(crate) mod view;
pub mod walk;
