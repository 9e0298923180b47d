//! Saving a file the page made (exports), without a server.

use super::EdgeError;
use wasm_bindgen::JsCast;

/// Offers `content` as a download named `filename`.
pub(crate) fn save(filename: &str, mime: &str, content: &str) -> Result<(), EdgeError> {
    let fail = |_| EdgeError::SaveRefused;
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(content));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts).map_err(fail)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(fail)?;
    let doc = web_sys::window().and_then(|w| w.document()).ok_or(EdgeError::SaveRefused)?;
    let a: web_sys::HtmlAnchorElement =
        doc.create_element("a").map_err(fail)?.dyn_into().map_err(|_| EdgeError::SaveRefused)?;
    a.set_href(&url);
    a.set_download(filename);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}
