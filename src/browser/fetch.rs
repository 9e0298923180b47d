//! Sends the requests the core describes. Cross-origin, no cookies, no caching of tokens.

use crate::http::{HttpRequest, HttpResponse, Method};
use gloo_net::http::Request;
use web_sys::{RequestCache, RequestCredentials, RequestMode};

/// Bodies larger than this are refused before they are read (a hostile API must not exhaust the tab).
pub const MAX_BODY_BYTES: u64 = 20 * 1024 * 1024;

/// Sends `req` and reads the whole response. `Err` only for network-level failures (CORS, offline, refused).
pub async fn send(req: &HttpRequest) -> Result<HttpResponse, String> {
    let b = match req.method {
        Method::Get => Request::get(&req.url),
        Method::Post => Request::post(&req.url),
    }
    .mode(RequestMode::Cors)
    .credentials(RequestCredentials::Omit)
    .cache(RequestCache::NoStore);
    send_with(b, req).await
}

/// Fetches a file deployed next to index.html (config.json) the way `<link rel="preload" as="fetch"
/// crossorigin>` in index.html does (same-origin credentials, default cache, no extra headers), so the
/// browser hands over the preloaded response: it downloads while the wasm does, not after it.
pub async fn send_own_file(path: &str) -> Result<HttpResponse, String> {
    let req = HttpRequest { method: Method::Get, url: path.into(), headers: vec![], body: None };
    send_with(Request::get(path), &req).await
}

async fn send_with(mut b: gloo_net::http::RequestBuilder, req: &HttpRequest) -> Result<HttpResponse, String> {
    for (k, v) in &req.headers {
        b = b.header(k, v);
    }
    let built = match &req.body {
        Some(body) => b.body(body.clone()),
        None => b.build(),
    }
    .map_err(|e| format!("Could not build the request: {e}"))?;
    let resp = built.send().await.map_err(|_| {
        "The request did not reach the server (network error, or the server does not allow this page's origin)."
            .to_string()
    })?;
    let headers: Vec<(String, String)> = ["content-type", "retry-after", "content-length"]
        .iter()
        .filter_map(|k| resp.headers().get(k).map(|v| (k.to_string(), v)))
        .collect();
    let declared = headers.iter().find(|(k, _)| k == "content-length").and_then(|(_, v)| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES) {
        return Err(format!(
            "The server answered with a {} MB body, more than the {} MB this page accepts.",
            declared.unwrap_or(0) / 1_000_000,
            MAX_BODY_BYTES / 1_000_000
        ));
    }
    let body = resp.text().await.map_err(|_| "The response body could not be read.".to_string())?;
    Ok(HttpResponse { status: resp.status(), headers, body })
}
