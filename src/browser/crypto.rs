//! Randomness from `crypto.getRandomValues`, the only source the app trusts for state, nonce and verifier.

use super::EdgeError;

/// Fills `N` bytes from the browser's CSPRNG; an error when the API is missing (never a weaker fallback).
pub fn random_bytes<const N: usize>() -> Result<[u8; N], EdgeError> {
    let mut buf = [0u8; N];
    let crypto = web_sys::window().and_then(|w| w.crypto().ok()).ok_or(EdgeError::NoCrypto)?;
    crypto.get_random_values_with_u8_array(&mut buf).map_err(|_| EdgeError::CryptoFailed)?;
    Ok(buf)
}

/// Verifies a JWS signature with WebCrypto (`crypto.subtle.importKey("jwk", …)` then `verify`). `Ok(false)`:
/// the signature is wrong; `Err`: WebCrypto is missing or refused the key (treated as a refusal by the caller).
pub(crate) async fn verify_jws(
    alg: crate::auth::jwks::WebCryptoAlg,
    jwk: &serde_json::Map<String, serde_json::Value>,
    input: &[u8],
    signature: &[u8],
) -> Result<bool, EdgeError> {
    use crate::auth::jwks::WebCryptoAlg;
    use js_sys::{Array, Object, Reflect};
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    let fail = |_| EdgeError::CryptoFailed;
    let subtle = web_sys::window().and_then(|w| w.crypto().ok()).ok_or(EdgeError::NoCrypto)?.subtle();
    let obj = |pairs: &[(&str, JsValue)]| -> Result<Object, EdgeError> {
        let o = Object::new();
        for (k, v) in pairs {
            Reflect::set(&o, &JsValue::from_str(k), v).map_err(fail)?;
        }
        Ok(o)
    };
    let (import, verify) = match alg {
        WebCryptoAlg::RsaPkcs1(hash) => {
            let a = obj(&[("name", "RSASSA-PKCS1-v1_5".into()), ("hash", hash.into())])?;
            (a.clone(), a)
        }
        WebCryptoAlg::RsaPss(hash, salt) => (
            obj(&[("name", "RSA-PSS".into()), ("hash", hash.into())])?,
            obj(&[("name", "RSA-PSS".into()), ("saltLength", salt.into())])?,
        ),
        WebCryptoAlg::Ecdsa(crv, hash) => (
            obj(&[("name", "ECDSA".into()), ("namedCurve", crv.into())])?,
            obj(&[("name", "ECDSA".into()), ("hash", hash.into())])?,
        ),
    };
    // Only the key's type and public parameters: kid/alg/use were already matched in the core.
    let mut key_data = jwk.clone();
    for f in ["kid", "alg", "use"] {
        key_data.remove(f);
    }
    let key_data: Object = js_sys::JSON::parse(&serde_json::Value::Object(key_data).to_string())
        .map_err(fail)?
        .dyn_into()
        .map_err(|_| EdgeError::CryptoFailed)?;
    let usages = Array::of1(&JsValue::from_str("verify"));
    let key = JsFuture::from(subtle.import_key_with_object("jwk", &key_data, &import, false, &usages).map_err(fail)?)
        .await
        .map_err(fail)?
        .dyn_into::<web_sys::CryptoKey>()
        .map_err(|_| EdgeError::CryptoFailed)?;
    let ok = JsFuture::from(
        subtle.verify_with_object_and_u8_array_and_u8_array(&verify, &key, signature, input).map_err(fail)?,
    )
    .await
    .map_err(fail)?;
    Ok(ok.as_bool() == Some(true))
}
