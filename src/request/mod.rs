//! How any call to Microsoft's APIs goes and comes back, whatever it asks: an answer becomes an [`ApiError`] by
//! cause (`error`), the one decision of what comes next after a failure (`retry`), the per-minute and per-hour
//! request budget (`budget`), and the driver that turns those decisions into the steps one call takes
//! (`driver`). Knows no domain: the incidents, actions and hunting rooms describe their requests and read
//! their answers; this room decides how often and when they are sent.

pub mod budget;
pub mod driver;
pub mod error;
pub mod refusal;
pub mod retry;

pub use error::ApiError;
