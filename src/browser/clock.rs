//! Wall-clock time and sleeping.

/// Seconds since the Unix epoch, from the browser's clock.
pub fn now() -> u64 {
    (js_sys::Date::now() / 1000.0).max(0.0) as u64
}

/// Milliseconds since the page started, for measurements.
pub fn perf_now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

/// Waits `ms` milliseconds without blocking the page.
pub async fn sleep_ms(ms: u32) {
    gloo_timers::future::TimeoutFuture::new(ms).await;
}

/// A Unix time in the user's locale and time zone.
pub fn local_time(ts: i64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ts as f64 * 1000.0));
    d.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED).into()
}
