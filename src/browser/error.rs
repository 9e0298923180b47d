//! What can go wrong at the browser edge, by cause; the text is what the page shows.

use super::fetch::MAX_BODY_BYTES;

/// A browser API refused or is missing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EdgeError {
    /// fetch rejected: offline, DNS, or a CORS refusal (browsers do not say which).
    #[error("The request did not reach the server (network error, or the server does not allow this page's origin).")]
    Unreachable,
    /// The request could not be built (a header or URL the browser refuses).
    #[error("Could not build the request: {0}")]
    BadRequest(String),
    /// The declared body is larger than the page accepts.
    #[error("The server answered with a {} MB body, more than the {} MB this page accepts.", .0 / 1_000_000, MAX_BODY_BYTES / 1_000_000)]
    BodyTooLarge(u64),
    /// The body could not be read.
    #[error("The response body could not be read.")]
    UnreadableBody,
    /// sessionStorage is missing (disabled, or a sandboxed frame).
    #[error("sessionStorage is not available in this browser.")]
    NoStorage,
    /// sessionStorage refused the write.
    #[error("Could not write to sessionStorage (full or blocked).")]
    StorageRefused,
    /// No `crypto.getRandomValues`: sign-in refuses to use weaker randomness.
    #[error("This browser has no crypto.getRandomValues; sign-in cannot be made safe here.")]
    NoCrypto,
    /// `crypto.getRandomValues` threw.
    #[error("crypto.getRandomValues failed.")]
    CryptoFailed,
    /// The page could not navigate.
    #[error("The browser refused to navigate.")]
    NavigationRefused,
    /// The browser refused to save a file.
    #[error("The browser refused to save the file.")]
    SaveRefused,
}
