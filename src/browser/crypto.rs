//! Randomness from `crypto.getRandomValues`, the only source the app trusts for state, nonce and verifier.

use super::EdgeError;

/// Fills `N` bytes from the browser's CSPRNG; an error when the API is missing (never a weaker fallback).
pub fn random_bytes<const N: usize>() -> Result<[u8; N], EdgeError> {
    let mut buf = [0u8; N];
    let crypto = web_sys::window().and_then(|w| w.crypto().ok()).ok_or(EdgeError::NoCrypto)?;
    crypto.get_random_values_with_u8_array(&mut buf).map_err(|_| EdgeError::CryptoFailed)?;
    Ok(buf)
}
