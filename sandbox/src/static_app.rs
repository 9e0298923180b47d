//! The app origin: the built SPA (from `--dist`), a generated `/config.json`, and the
//! production security headers.

use std::path::{Component, Path, PathBuf};

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use serde_json::json;

use crate::csp::{csp, inline_scripts};
use crate::directory::{CLIENT_ID, TENANT_ID};
use crate::options::Source;
use crate::state::AppState;

/// Routes of the app origin (everything is a GET fallback).
pub(crate) fn router(st: AppState) -> Router {
    Router::new().fallback(serve_path).with_state(st)
}

/// Where `/config.json` points the app: Graph's origin; for Defender the relay on the app's own origin, as a
/// deployment's is, or with `--defender-direct` the Defender origin.
fn api_base(st: &AppState) -> String {
    match st.opts.source {
        Source::Defender if st.opts.defender_direct => st.origins.defender.clone(),
        Source::Defender => format!("{}{}", st.origins.app, crate::relay::PREFIX),
        Source::Graph => st.origins.graph.clone(),
    }
}

/// The other origins the page connects to (its own, the relay's, is `'self'`).
fn connect_origins(st: &AppState) -> Vec<&str> {
    let mut origins = vec![st.origins.idp.as_str()];
    match st.opts.source {
        Source::Defender if st.opts.defender_direct => origins.push(&st.origins.defender),
        Source::Defender => {}
        Source::Graph => {}
    }
    // Graph: the API, or beside Defender where hunts go (a deployment allows Graph's the same way).
    origins.push(&st.origins.graph);
    origins
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        "webmanifest" => "application/manifest+json",
        _ => "application/octet-stream",
    }
}

/// Maps a URL path into DIR, refusing anything that could climb out of it.
fn resolve(dist: &Path, url_path: &str) -> Option<PathBuf> {
    let rel = url_path.trim_start_matches('/');
    let rel = if rel.is_empty() { "index.html" } else { rel };
    let rel_path = Path::new(rel);
    if rel.contains('\\') || rel_path.components().any(|c| !matches!(c, Component::Normal(_))) {
        return None;
    }
    Some(dist.join(rel_path))
}

async fn serve_path(State(st): State<AppState>, req: Request) -> Response {
    let path = req.uri().path().to_string();
    let policy = {
        let index =
            st.opts.dist.as_ref().and_then(|d| std::fs::read_to_string(d.join("index.html")).ok()).unwrap_or_default();
        csp(&inline_scripts(&index), &connect_origins(&st))
    };
    let mut resp = if req.method() != axum::http::Method::GET && req.method() != axum::http::Method::HEAD {
        StatusCode::METHOD_NOT_ALLOWED.into_response()
    } else if path == "/config.json" && !st.opts.keep_config {
        Json(json!({
            "authority": format!("{}/{TENANT_ID}/v2.0", st.origins.idp),
            "client_id": CLIENT_ID,
            "source": match st.opts.source { Source::Defender => "defender", Source::Graph => "graph" },
            "api_base": api_base(&st),
            // Where hunts go beside the Defender source: the sandbox's Graph, not graph.microsoft.com.
            "graph_base": st.origins.graph,
            // A deployer states the API's limits the same way; the page keeps under them.
            "rate_limit_per_minute": st.opts.rate_per_minute,
            "rate_limit_per_hour": st.opts.rate_per_hour,
        }))
        .into_response()
    } else if let Some(dist) = &st.opts.dist {
        file_response(dist, &path).await
    } else if path == "/" {
        (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            format!(
                "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Onbehalf sandbox</title></head>\
                 <body><h1>Onbehalf sandbox</h1><p>No app is being served. Build it and point the sandbox at the output:</p>\
                 <pre>trunk build --release\ncargo run -p onbehalf-sandbox -- --dist dist</pre>\
                 <p>Identity provider: {idp}<br>Defender API: {def}<br>Graph API: {gr}</p></body></html>",
                idp = st.origins.idp,
                def = st.origins.defender,
                gr = st.origins.graph
            ),
        )
            .into_response()
    } else {
        StatusCode::NOT_FOUND.into_response()
    };
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&policy) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-cache"));
    resp
}

async fn file_response(dist: &Path, url_path: &str) -> Response {
    let Some(mut file) = resolve(dist, url_path) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let last = url_path.rsplit('/').next().unwrap_or("");
    if !file.is_file() && !last.contains('.') {
        // Client-side routes fall back to the SPA shell.
        file = dist.join("index.html");
    }
    match std::fs::read(&file) {
        Ok(bytes) => ([(header::CONTENT_TYPE, content_type(&file))], bytes).into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::resolve;
    use std::path::Path;

    #[test]
    fn no_traversal() {
        let d = Path::new("/srv/dist");
        assert_eq!(resolve(d, "/"), Some(d.join("index.html")));
        assert_eq!(resolve(d, "/pkg/app.wasm"), Some(d.join("pkg/app.wasm")));
        assert_eq!(resolve(d, "/../etc/passwd"), None);
        assert_eq!(resolve(d, "/a/../../x"), None);
    }
}
