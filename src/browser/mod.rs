//! The browser edge: thin wrappers over sessionStorage, location/history, fetch, crypto and the clock.
//! Nothing here decides anything; the pure core in `config`, `auth` and `api` does.

pub mod clock;
pub mod crypto;
pub mod dom;
pub mod download;
mod error;
pub mod fetch;
pub mod focus;
pub mod location;
pub mod page;
pub mod prefs;
pub mod storage;

pub use error::EdgeError;
