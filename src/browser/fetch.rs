//! Sends the requests the core describes. Cross-origin, no cookies, no caching of tokens.

use super::EdgeError;
use crate::http::{HttpRequest, HttpResponse, Method};
use gloo_net::http::{Headers, Request};
use web_sys::{RequestCache, RequestCredentials, RequestMode, RequestRedirect};

/// Bodies larger than this are refused: before they are read when the answer declares its length, and while they
/// are read otherwise (a chunked or compressed answer declares none, or its compressed size), so a hostile API
/// cannot exhaust the tab.
pub const MAX_BODY_BYTES: u64 = 20 * 1024 * 1024;

/// Sends a token or API request and reads the whole response. `Err` only for network-level failures (CORS,
/// offline, refused) and for a redirect: a token or API endpoint that redirects is refused, never followed
/// (the browser would replay a POST body or a token-bearing request to wherever it points).
pub(crate) async fn send(req: &HttpRequest) -> Result<HttpResponse, EdgeError> {
    send_redirecting(req, RequestRedirect::Error).await
}

/// Sends a request that carries no secret (discovery, the provider's public keys), following redirects.
pub(crate) async fn send_public(req: &HttpRequest) -> Result<HttpResponse, EdgeError> {
    send_redirecting(req, RequestRedirect::Follow).await
}

async fn send_redirecting(req: &HttpRequest, redirect: RequestRedirect) -> Result<HttpResponse, EdgeError> {
    let b = match req.method {
        Method::Get => Request::get(&req.url),
        Method::Post => Request::post(&req.url),
        Method::Patch => Request::patch(&req.url),
    }
    .mode(RequestMode::Cors)
    .credentials(RequestCredentials::Omit)
    .cache(RequestCache::NoStore)
    .redirect(redirect);
    send_with(b, req).await
}

/// Fetches a file deployed next to index.html (config.json) the way `<link rel="preload" as="fetch"
/// crossorigin>` in index.html does (same-origin credentials, default cache, no extra headers), so the
/// browser hands over the preloaded response: it downloads while the wasm does, not after it.
pub(crate) async fn send_own_file(path: &str) -> Result<HttpResponse, EdgeError> {
    let req = HttpRequest { method: Method::Get, url: path.into(), headers: vec![], body: None };
    send_with(Request::get(path), &req).await
}

async fn send_with(b: gloo_net::http::RequestBuilder, req: &HttpRequest) -> Result<HttpResponse, EdgeError> {
    // Headers are set on web_sys::Headers, whose errors come back as values: gloo's `header()` would throw
    // through Rust on a value the browser refuses, leaving the caller's await hanging forever.
    let refused = |k: &str| EdgeError::BadRequest(format!("the browser refused the {k} header"));
    let headers = web_sys::Headers::new().map_err(|_| refused("request"))?;
    for (k, v) in &req.headers {
        headers.set(k, v).map_err(|_| refused(k))?;
    }
    let b = b.headers(Headers::from_raw(headers));
    let built = match &req.body {
        Some(body) => b.body(body.clone()),
        None => b.build(),
    }
    .map_err(|e| EdgeError::BadRequest(e.to_string()))?;
    let resp = built.send().await.map_err(|_| EdgeError::Unreachable)?;
    let headers: Vec<(String, String)> = ["content-type", "retry-after", "content-length", "www-authenticate"]
        .iter()
        .filter_map(|k| resp.headers().get(k).map(|v| (k.to_string(), v)))
        .collect();
    let declared = headers.iter().find(|(k, _)| k == "content-length").and_then(|(_, v)| v.trim().parse::<u64>().ok());
    if let Some(n) = declared.filter(|n| *n > MAX_BODY_BYTES) {
        return Err(EdgeError::BodyTooLarge(n));
    }
    // As bytes: copied into the wasm's memory chunk by chunk (`text()` would hand over a JS string that is
    // re-encoded character by character, ~15 ms for a 600 KB page of incidents).
    let body = read_capped(&resp).await?;
    Ok(HttpResponse { status: resp.status(), headers, body: crate::http::utf8_body(body) })
}

/// Reads the body as it arrives and stops (cancelling the stream) as soon as it passes [`MAX_BODY_BYTES`].
pub async fn read_capped(resp: &gloo_net::http::Response) -> Result<Vec<u8>, EdgeError> {
    use wasm_bindgen::JsCast;
    let Some(stream) = resp.body() else { return Ok(vec![]) };
    let reader: web_sys::ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    let field = |o: &wasm_bindgen::JsValue, k: &str| js_sys::Reflect::get(o, &k.into()).ok();
    let mut out = Vec::new();
    loop {
        let chunk = wasm_bindgen_futures::JsFuture::from(reader.read()).await.map_err(|_| EdgeError::UnreadableBody)?;
        if field(&chunk, "done").and_then(|d| d.as_bool()).unwrap_or(true) {
            return Ok(out);
        }
        let Some(bytes) = field(&chunk, "value").and_then(|v| v.dyn_into::<js_sys::Uint8Array>().ok()) else {
            return Err(EdgeError::UnreadableBody);
        };
        let total = out.len() as u64 + u64::from(bytes.length());
        if total > MAX_BODY_BYTES {
            let _ = reader.cancel();
            return Err(EdgeError::BodyTooLarge(total));
        }
        let start = out.len();
        out.resize(start + bytes.length() as usize, 0);
        if let Some(dst) = out.get_mut(start..) {
            bytes.copy_to(dst);
        }
    }
}
