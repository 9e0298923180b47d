//! In-browser unit tests of the browser edge (run with `cargo test --target wasm32-unknown-unknown --test web`).
#![cfg(target_arch = "wasm32")]
// clippy's allow-unwrap-in-tests knows #[test], not #[wasm_bindgen_test]: these are tests all the same.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use onbehalf::browser::{crypto, storage};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn session_storage_round_trips_and_sign_out_clears_only_our_keys() {
    storage::set("onbehalf.test.a", "1").unwrap();
    storage::set("onbehalf.test.b", "2").unwrap();
    storage::set("someone-else", "keep").unwrap();
    assert_eq!(storage::get("onbehalf.test.a").as_deref(), Some("1"));
    storage::remove_prefixed("onbehalf.");
    assert_eq!(storage::get("onbehalf.test.a"), None);
    assert_eq!(storage::get("onbehalf.test.b"), None);
    assert_eq!(storage::get("someone-else").as_deref(), Some("keep"));
    storage::remove("someone-else");
}

#[wasm_bindgen_test]
fn random_bytes_come_from_the_browser_csprng() {
    let a = crypto::random_bytes::<32>().unwrap();
    let b = crypto::random_bytes::<32>().unwrap();
    assert_ne!(a, b, "two draws of 256 bits must differ");
    assert_ne!(a, [0u8; 32]);
}

#[wasm_bindgen_test]
fn pkce_verifier_from_browser_randomness_is_rfc7636_shaped() {
    use onbehalf::auth::pkce::challenge_s256;
    use onbehalf::auth::secret::PkceVerifier;
    let v = PkceVerifier::from_random(&crypto::random_bytes::<32>().unwrap());
    assert_eq!(v.secret().len(), 43);
    assert!(v.secret().chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    assert_eq!(challenge_s256(&v).len(), 43);
}

#[wasm_bindgen_test]
fn local_time_formats_with_the_shared_formatter_and_survives_out_of_range() {
    use onbehalf::browser::clock::local_time;
    // 2024-01-15T12:00:00Z is 2024-01-15 in every time zone.
    let t = local_time(1_705_320_000);
    assert!(t.contains("2024") && t.contains("15"), "{t}");
    assert_eq!(local_time(1_705_320_000), t, "the cached formatter gives the same text again");
    // Past the range of a JS Date: the formatter throws; the page gets an empty title, not a panic.
    assert_eq!(local_time(i64::MAX / 1000), "");
}

#[wasm_bindgen_test]
async fn a_body_past_the_cap_is_refused_while_it_is_read() {
    use onbehalf::browser::fetch::{read_capped, MAX_BODY_BYTES};
    // A constructed response declares no Content-Length, as a chunked or compressed answer does not either.
    let small = web_sys::Response::new_with_opt_str(Some("{\"value\":[]}")).unwrap();
    let bytes = read_capped(&gloo_net::http::Response::from(small)).await.unwrap();
    assert_eq!(bytes, b"{\"value\":[]}");
    let mut huge = vec![b' '; MAX_BODY_BYTES as usize + 1];
    let big = web_sys::Response::new_with_opt_u8_array(Some(&mut huge)).unwrap();
    assert!(big.headers().get("content-length").unwrap().is_none());
    let refused = read_capped(&gloo_net::http::Response::from(big)).await;
    assert!(matches!(refused, Err(onbehalf::browser::EdgeError::BodyTooLarge(n)) if n > MAX_BODY_BYTES), "{refused:?}");
}
