//! Randomness from `crypto.getRandomValues`, the only source the app trusts for state, nonce and verifier.

/// Fills `N` bytes from the browser's CSPRNG; an error when the API is missing (never a weaker fallback).
pub fn random_bytes<const N: usize>() -> Result<[u8; N], String> {
    let mut buf = [0u8; N];
    let crypto = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .ok_or("This browser has no crypto.getRandomValues; sign-in cannot be made safe here.")?;
    crypto.get_random_values_with_u8_array(&mut buf).map_err(|_| "crypto.getRandomValues failed.".to_string())?;
    Ok(buf)
}
