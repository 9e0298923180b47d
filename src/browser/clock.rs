//! Wall-clock time and sleeping.

/// Seconds since the Unix epoch, from the browser's clock.
pub(crate) fn now() -> u64 {
    (js_sys::Date::now() / 1000.0).max(0.0) as u64
}

/// Milliseconds since the Unix epoch (for records that outlive the page, like the request budget).
pub(crate) fn wall_ms() -> f64 {
    js_sys::Date::now()
}

/// Waits `ms` milliseconds without blocking the page.
pub(crate) async fn sleep_ms(ms: u32) {
    gloo_timers::future::TimeoutFuture::new(ms).await;
}

/// Resolves once the next frame has been painted, so work started after it can't delay that frame; in a
/// hidden tab, where frames don't run, after 100 ms instead.
pub(crate) async fn after_paint() {
    use wasm_bindgen::{closure::Closure, JsCast, JsValue};
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let Some(w) = web_sys::window() else {
            let _ = resolve.call0(&JsValue::NULL);
            return;
        };
        let (r, w2) = (resolve.clone(), w.clone());
        // requestAnimationFrame runs just before the paint; a task queued from it runs after.
        let after_frame = Closure::once_into_js(move || {
            let _ = w2.set_timeout_with_callback(r.unchecked_ref());
        });
        let _ = w.request_animation_frame(after_frame.unchecked_ref());
        let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(resolve.unchecked_ref(), 100);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

thread_local! {
    /// One formatter for the page: `Date.toLocaleString` builds a new one per call, which at 50 rows a screen
    /// was a visible part of every sort and keystroke.
    static LOCAL_TIME: js_sys::Function = {
        let opts = js_sys::Object::new();
        for part in ["year", "month", "day", "hour", "minute", "second"] {
            let _ = js_sys::Reflect::set(&opts, &part.into(), &"numeric".into());
        }
        js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &opts).format()
    };
}

/// A Unix time in the user's locale and time zone (as `toLocaleString` shows it); empty if out of range.
pub fn local_time(ts: i64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ts as f64 * 1000.0));
    LOCAL_TIME
        .with(|format| format.call1(&wasm_bindgen::JsValue::NULL, &d))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

/// "10:42": the hour and minute of a Unix time in the user's time zone (for the activity list).
pub(crate) fn hh_mm(ts: u64) -> String {
    crate::format::clock(ts, utc_offset_min(ts))
}

/// How many minutes the user's time zone is east of UTC at Unix time `ts` (daylight saving included).
pub(crate) fn utc_offset_min(ts: u64) -> i32 {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ts as f64 * 1000.0));
    -(d.get_timezone_offset() as i32)
}

/// "10:07 (UTC+1)": Unix time `ts` as the user's clock time, with its zone.
pub(crate) fn clock_with_zone(ts: u64) -> String {
    crate::format::clock_with_zone(ts, utc_offset_min(ts))
}
