//! Hosting recipes for a built `dist/` + `config.json`, all derived from one [`Plan`] so none drifts:
//! nginx, Caddy, Azure Static Web Apps and GitHub Pages (which cannot set headers: a `<meta>` CSP instead).
//!
//! The CSP comes from the shared `onbehalf-csp` crate (the builder the sandbox serves and the tests exercise):
//! the SHA-256 of each inline script of this `index.html`, and `connect-src` limited to the authority's and the
//! API's origins. `config.json` is validated with the app's own parser, so a recipe is never generated for a
//! configuration the page would refuse.
//!
//! When `api_base` is on the site's own origin (`https://host/defender-api`), the nginx and Caddy recipes add a
//! reverse-proxy rule that relays that path to the real API (`--api-upstream`, default the source's API),
//! passing on only the user's own `Authorization` and `Accept` headers: no secrets, no code of ours on the server.

use onbehalf::config::{parse_config, Config, Source};
use onbehalf::http::{is_secure_url, split_url};
use onbehalf_csp::{csp, inline_scripts};

/// Deploy-time choices that are not in `config.json`.
#[derive(Debug, Clone)]
pub struct Options {
    /// Where the page is served, e.g. `https://tools.example.com/tools/onbehalf/` (the redirect URI).
    pub site_url: String,
    /// The web server's document root; the files go to `{root}{site path}`.
    pub root: String,
    /// nginx `listen` parameters; None: `443 ssl` for https, the URL's port for http.
    pub listen: Option<String>,
    /// TLS certificate and key for nginx (with an `ssl` listen).
    pub tls_cert: Option<String>,
    /// See `tls_cert`.
    pub tls_key: Option<String>,
    /// Where the same-origin API proxy relays to; None: the source's public API.
    pub api_upstream: Option<String>,
}

/// The site: scheme, `host[:port]`, and a path that starts and ends with `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    /// `https` or `http` (loopback only).
    pub scheme: String,
    /// Host and optional port, lowercase.
    pub host: String,
    /// `/` or `/tools/onbehalf/`.
    pub path: String,
}

impl Site {
    /// `scheme://host`.
    pub fn origin(&self) -> String {
        format!("{}://{}", self.scheme, self.host)
    }
    /// The page's URL, which is also its default redirect URI.
    pub fn url(&self) -> String {
        format!("{}{}", self.origin(), self.path)
    }
    /// Host without port.
    pub fn server_name(&self) -> &str {
        match self.host.rsplit_once(':') {
            Some((h, p)) if !h.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) && !self.host.starts_with('[') => h,
            _ => &self.host,
        }
    }
    /// Explicit port, if any.
    pub fn port(&self) -> Option<&str> {
        let h = self.server_name();
        self.host.get(h.len() + 1..).filter(|p| !p.is_empty())
    }
}

/// The same-origin reverse-proxy rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proxy {
    /// Path on the site, starting and ending with `/` (e.g. `/defender-api/`).
    pub path: String,
    /// Upstream origin, e.g. `https://api.security.microsoft.com`.
    pub upstream: String,
    /// Upstream host (for `Host` and SNI).
    pub upstream_host: String,
}

/// Everything every recipe is generated from.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Where the page lives.
    pub site: Site,
    /// The validated config.
    pub config: Config,
    /// Full CSP (HTTP header).
    pub csp: String,
    /// CSP for a `<meta>` element: without `frame-ancestors`, which browsers ignore there.
    pub meta_csp: String,
    /// Same-origin API proxy, when `api_base` is on the site's origin.
    pub proxy: Option<Proxy>,
    /// Document root.
    pub root: String,
    /// nginx listen parameters.
    pub listen: String,
    /// TLS certificate and key paths for nginx (when listen has `ssl`).
    pub tls: Option<(String, String)>,
    /// Things the admin should know (printed by the CLI).
    pub warnings: Vec<String>,
}

/// Security headers sent with every file of the app, in order.
pub fn security_headers(policy: &str) -> Vec<(&'static str, String)> {
    vec![
        ("Content-Security-Policy", policy.to_string()),
        ("Referrer-Policy", "no-referrer".into()),
        ("X-Content-Type-Options", "nosniff".into()),
        ("X-Frame-Options", "DENY".into()),
    ]
}

/// Cache-Control for Trunk's hashed assets (`name-<16 hex>.js`, `…_bg.wasm`, `….css`).
pub const CACHE_HASHED: &str = "public, max-age=31536000, immutable";
/// Cache-Control for `index.html` and `config.json`: always revalidate, so a new build or config applies at once.
pub const CACHE_REVALIDATE: &str = "no-cache";

fn origin_of(url: &str) -> Option<String> {
    let (scheme, host, _) = split_url(url)?;
    Some(format!("{}://{}", scheme.to_ascii_lowercase(), host.to_ascii_lowercase()))
}

/// Characters allowed in paths and file names written into server configs (no quoting games).
fn safe_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~/:".contains(&b))
}

/// Parses the site URL: secure (https, or http on loopback), no query or fragment, path ending in `/`.
pub fn parse_site(url: &str) -> Result<Site, String> {
    if !is_secure_url(url) {
        return Err(format!("--site-url must be an https:// URL (http:// only for localhost), got \"{url}\""));
    }
    if url.contains('?') || url.contains('#') {
        return Err("--site-url must not contain a query (?) or fragment (#)".into());
    }
    let (scheme, host, tail) = split_url(url).ok_or_else(|| format!("--site-url is not a URL: \"{url}\""))?;
    let mut path = if tail.is_empty() { "/".to_string() } else { tail.to_string() };
    if !path.ends_with('/') {
        path.push('/');
    }
    if !safe_token(&path) || path.contains("//") || path.split('/').any(|seg| seg == "." || seg == "..") {
        return Err(format!("--site-url path may use only letters, digits and - . _ ~ /, got \"{path}\""));
    }
    if !safe_token(host) {
        return Err(format!("--site-url host looks wrong: \"{host}\""));
    }
    Ok(Site { scheme: scheme.to_ascii_lowercase(), host: host.to_ascii_lowercase(), path })
}

/// Builds the plan from `dist/index.html`, `config.json` and the deploy options.
pub fn plan(index_html: &str, config_json: &str, opts: &Options) -> Result<Plan, String> {
    let config = parse_config(config_json).map_err(|e| e.to_string())?;
    let site = parse_site(&opts.site_url)?;
    let mut warnings = Vec::new();
    if !index_html.to_ascii_lowercase().contains("<script") {
        return Err("index.html has no <script>: is this Trunk's dist/index.html?".into());
    }
    if let Some(r) = &config.redirect_uri {
        if r != &site.url() {
            warnings.push(format!(
                "config.json sets redirect_uri \"{r}\", but the page is served at \"{}\": register that one, or remove redirect_uri",
                site.url()
            ));
        }
    }
    if !safe_token(&opts.root) || !opts.root.starts_with('/') {
        return Err(format!("--root must be an absolute path of letters, digits and - . _ ~ /, got \"{}\"", opts.root));
    }

    let authority_origin = origin_of(&config.authority).ok_or("config.json: authority is not a URL")?;
    let api_origin = origin_of(&config.api_base).ok_or("config.json: api_base is not a URL")?;
    let same_origin_api = api_origin == site.origin();

    let proxy = if same_origin_api {
        let (_, _, api_path) = split_url(&config.api_base).ok_or("config.json: api_base is not a URL")?;
        let api_path = api_path.trim_end_matches('/');
        if api_path.is_empty() || !safe_token(api_path) {
            return Err(format!(
                "config.json: api_base \"{}\" is this site's own origin; give it the proxy path, e.g. \"{}/defender-api\"",
                config.api_base,
                site.origin()
            ));
        }
        let proxy_path = format!("{api_path}/");
        if proxy_path.starts_with(&site.path) && site.path != "/" || proxy_path == site.path {
            // Allowed by nginx (longest prefix wins) but confusing: the app's files and the API share a folder.
            if proxy_path == site.path {
                return Err("config.json: api_base's path must differ from the page's path".into());
            }
        }
        let upstream = opts.api_upstream.clone().unwrap_or_else(|| config.source.default_api_base().to_string());
        let upstream = upstream.trim_end_matches('/').to_string();
        let (scheme, upstream_host, upath) =
            split_url(&upstream).ok_or_else(|| format!("--api-upstream is not a URL: \"{upstream}\""))?;
        if !(scheme == "https" || scheme == "http") || !upath.is_empty() || !safe_token(upstream_host) {
            return Err(format!("--api-upstream must be an http(s) origin without a path, got \"{upstream}\""));
        }
        if scheme == "http" && !is_secure_url(&upstream) {
            return Err(format!("--api-upstream must be https:// (http:// only for localhost), got \"{upstream}\""));
        }
        if config.source == Source::Graph {
            warnings.push("the same-origin proxy is meant for the Defender API; Graph allows calls from browsers, so point api_base at https://graph.microsoft.com instead".into());
        }
        warnings.push(format!(
            "Azure Static Web Apps and GitHub Pages cannot relay {proxy_path} to the API: use their recipes only with a cross-origin api_base (e.g. the Graph source)"
        ));
        Some(Proxy { path: proxy_path, upstream: upstream.clone(), upstream_host: upstream_host.to_string() })
    } else {
        if opts.api_upstream.is_some() {
            return Err(
                "--api-upstream applies only when config.json's api_base is on the site's own origin (the proxy path)"
                    .into(),
            );
        }
        None
    };

    let scripts = inline_scripts(index_html);
    let mut connect: Vec<&str> = vec![&authority_origin];
    if !same_origin_api && api_origin != authority_origin {
        connect.push(&api_origin);
    }
    let policy = csp(&scripts, &connect);
    let meta_csp = without_directive(&policy, "frame-ancestors");

    let listen = match &opts.listen {
        Some(l) => l.clone(),
        None if site.scheme == "https" => "443 ssl".into(),
        None => site.port().unwrap_or("80").to_string(),
    };
    if !listen.bytes().all(|b| b.is_ascii_alphanumeric() || b" .:[]_".contains(&b)) {
        return Err(format!("--listen looks wrong: \"{listen}\""));
    }
    let tls = if listen.split_whitespace().any(|w| w == "ssl") {
        let host = site.server_name();
        let cert = opts.tls_cert.clone().unwrap_or_else(|| format!("/etc/letsencrypt/live/{host}/fullchain.pem"));
        let key = opts.tls_key.clone().unwrap_or_else(|| format!("/etc/letsencrypt/live/{host}/privkey.pem"));
        if !safe_token(&cert) || !safe_token(&key) {
            return Err("--tls-cert/--tls-key must be paths of letters, digits and - . _ ~ /".into());
        }
        Some((cert, key))
    } else {
        None
    };

    Ok(Plan {
        site,
        config,
        csp: policy,
        meta_csp,
        proxy,
        root: opts.root.trim_end_matches('/').to_string(),
        listen,
        tls,
        warnings,
    })
}

/// The policy without one directive (for `<meta>`, which cannot carry `frame-ancestors`).
pub fn without_directive(policy: &str, name: &str) -> String {
    policy
        .split(';')
        .map(str::trim)
        .filter(|d| !d.is_empty() && d.split_whitespace().next() != Some(name))
        .collect::<Vec<_>>()
        .join("; ")
}

const HEADER_NOTE: &str = "Generated by onbehalf-deploy from dist/index.html and config.json. Do not edit: rebuild, then regenerate\n(the CSP holds the hashes of this build's inline scripts and the origins in config.json).";

fn comment(prefix: &str, text: &str) -> String {
    text.lines().map(|l| format!("{prefix} {l}\n")).collect()
}

impl Plan {
    /// Directory the files go to on the server.
    pub fn files_dir(&self) -> String {
        format!("{}{}", self.root, self.site.path)
    }

    fn nginx_headers(&self, indent: &str, cache: &str) -> String {
        let mut s = String::new();
        for (k, v) in security_headers(&self.csp) {
            s.push_str(&format!("{indent}add_header {k} \"{v}\" always;\n"));
        }
        s.push_str(&format!("{indent}add_header Cache-Control \"{cache}\" always;\n"));
        s
    }

    /// An nginx `server { }` block (for `/etc/nginx/conf.d/` or `sites-enabled/`).
    pub fn nginx(&self) -> String {
        let p = &self.site.path;
        let mut s = comment("#", HEADER_NOTE);
        s.push_str(&format!(
            "# Site: {}   Files: {} (the contents of dist/ plus config.json)\n",
            self.site.url(),
            self.files_dir()
        ));
        s.push_str("server {\n");
        s.push_str(&format!("    listen {};\n", self.listen));
        s.push_str(&format!("    server_name {};\n", self.site.server_name()));
        if let Some((cert, key)) = &self.tls {
            s.push_str(&format!("    ssl_certificate {cert};\n    ssl_certificate_key {key};\n"));
        }
        s.push_str(&format!("    root {};\n", self.root));
        s.push_str("    server_tokens off;\n");
        s.push_str("    gzip on;\n    gzip_types application/wasm text/javascript application/javascript text/css application/json;\n\n");
        if p != "/" {
            let bare = p.trim_end_matches('/');
            s.push_str(&format!("    location = {bare} {{\n        return 301 {p};\n    }}\n\n"));
        }
        s.push_str(&format!("    location {p} {{\n"));
        s.push_str("        limit_except GET { deny all; }\n");
        s.push_str("        index index.html;\n");
        s.push_str("        # Only the types the app has; .wasm must be application/wasm for streaming compilation.\n");
        s.push_str("        types {\n            text/html html;\n            text/javascript js;\n            text/css css;\n            application/wasm wasm;\n            application/json json;\n        }\n");
        s.push_str("        default_type application/octet-stream;\n");
        s.push_str(&self.nginx_headers("        ", CACHE_REVALIDATE));
        s.push_str("\n        # Trunk's content-hashed file names never change meaning: cache them for a year.\n");
        s.push_str("        location ~ \"-[0-9a-f]{16}(_bg)?\\.(js|css|wasm)$\" {\n");
        s.push_str(&self.nginx_headers("            ", CACHE_HASHED));
        s.push_str("        }\n    }\n");
        if let Some(px) = &self.proxy {
            s.push_str(&format!(
                "\n    # Same-origin relay to the incidents API, for when the API refuses cross-origin calls from browsers.\n\
                 \x20   # Forwards only the user's own Authorization (their delegated token) and Accept; no secrets here.\n\
                 \x20   location {path} {{\n\
                 \x20       limit_except GET {{ deny all; }}\n\
                 \x20       proxy_pass {up}/;\n\
                 \x20       proxy_http_version 1.1;\n\
                 \x20       proxy_pass_request_headers off;\n\
                 \x20       proxy_pass_request_body off;\n\
                 \x20       proxy_set_header Host $proxy_host;\n\
                 \x20       proxy_set_header Authorization $http_authorization;\n\
                 \x20       proxy_set_header Accept $http_accept;\n\
                 \x20       proxy_set_header Content-Length \"\";\n\
                 \x20       proxy_hide_header Set-Cookie;\n\
                 \x20       proxy_hide_header Access-Control-Allow-Origin;\n\
                 \x20       proxy_hide_header Access-Control-Allow-Credentials;\n\
                 \x20       proxy_cookie_path / \"\";\n\
                 \x20       proxy_read_timeout 60s;\n",
                path = px.path,
                up = px.upstream
            ));
            if px.upstream.starts_with("https://") {
                s.push_str("        proxy_ssl_server_name on;\n        proxy_ssl_verify on;\n        proxy_ssl_verify_depth 3;\n        proxy_ssl_trusted_certificate /etc/ssl/certs/ca-certificates.crt;\n");
            }
            s.push_str("        add_header X-Content-Type-Options \"nosniff\" always;\n        add_header Referrer-Policy \"no-referrer\" always;\n        add_header Cache-Control \"no-store\" always;\n    }\n");
        }
        s.push_str("}\n");
        s
    }

    /// A Caddyfile site block (Caddy 2).
    pub fn caddyfile(&self) -> String {
        let p = &self.site.path;
        let mut s = comment("#", HEADER_NOTE);
        s.push_str(&format!("# Site: {}   Files: {}\n", self.site.url(), self.files_dir()));
        // http:// sites keep their port; https:// sites get automatic HTTPS from Caddy.
        let address = if self.site.scheme == "http" { self.site.origin() } else { self.site.host.clone() };
        s.push_str(&format!("{address} {{\n"));
        s.push_str("\tencode gzip\n");
        if p != "/" {
            s.push_str(&format!("\tredir {} {p} permanent\n", p.trim_end_matches('/')));
        }
        if let Some(px) = &self.proxy {
            s.push_str(&format!(
                "\n\t# Same-origin relay to the incidents API; only the user's own Authorization and Accept go on.\n\
                 \thandle_path {path}* {{\n\
                 \t\t@write not method GET HEAD\n\
                 \t\trespond @write 405\n\
                 \t\treverse_proxy {up} {{\n\
                 \t\t\theader_up Host {{upstream_hostport}}\n\
                 \t\t\theader_up -Cookie\n\t\t\theader_up -Origin\n\t\t\theader_up -Referer\n\
                 \t\t\theader_up -X-Forwarded-For\n\t\t\theader_up -X-Forwarded-Host\n\t\t\theader_up -X-Forwarded-Proto\n\
                 \t\t\theader_down -Set-Cookie\n\t\t\theader_down -Access-Control-Allow-Origin\n\
                 \t\t}}\n\
                 \t\theader X-Content-Type-Options nosniff\n\t\theader Referrer-Policy no-referrer\n\t\theader Cache-Control no-store\n\
                 \t}}\n",
                path = px.path,
                up = px.upstream
            ));
        }
        s.push_str(&format!("\n\thandle {p}* {{\n"));
        s.push_str("\t\t@write not method GET HEAD\n\t\trespond @write 405\n");
        s.push_str(&format!("\t\troot * {}\n", self.root));
        s.push_str("\t\theader {\n");
        for (k, v) in security_headers(&self.csp) {
            s.push_str(&format!("\t\t\t{k} \"{v}\"\n"));
        }
        s.push_str(&format!("\t\t\tCache-Control \"{CACHE_REVALIDATE}\"\n\t\t}}\n"));
        s.push_str("\t\t@hashed path_regexp -[0-9a-f]{16}(_bg)?\\.(js|css|wasm)$\n");
        s.push_str(&format!("\t\theader @hashed Cache-Control \"{CACHE_HASHED}\"\n"));
        s.push_str("\t\t@wasm path *.wasm\n\t\theader @wasm Content-Type application/wasm\n");
        s.push_str("\t\tfile_server\n\t}\n}\n");
        s
    }

    /// Azure Static Web Apps' `staticwebapp.config.json` (put it in the app's output root).
    pub fn static_web_app(&self) -> String {
        let p = &self.site.path;
        let headers: serde_json::Map<String, serde_json::Value> =
            security_headers(&self.csp).into_iter().map(|(k, v)| (k.to_string(), v.into())).collect();
        let v = serde_json::json!({
            "globalHeaders": headers,
            "mimeTypes": { ".wasm": "application/wasm", ".json": "application/json", ".js": "text/javascript", ".css": "text/css" },
            "routes": [
                { "route": format!("{p}index.html"), "headers": { "Cache-Control": CACHE_REVALIDATE } },
                { "route": format!("{p}config.json"), "headers": { "Cache-Control": CACHE_REVALIDATE } },
                { "route": format!("{p}*.{{js,css,wasm}}"), "headers": { "Cache-Control": CACHE_HASHED } },
                { "route": format!("{p}*"), "methods": ["POST", "PUT", "PATCH", "DELETE"], "statusCode": 405 }
            ]
        });
        serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
    }

    /// `index.html` with the policy in a `<meta http-equiv>` as the first element of `<head>` (before any script).
    pub fn index_with_meta_csp(&self, index_html: &str) -> Result<String, String> {
        let lower = index_html.to_ascii_lowercase();
        let head = lower.find("<head").ok_or("index.html has no <head>")?;
        let end = head + lower[head..].find('>').ok_or("index.html: <head> is not closed")? + 1;
        let attr = self.meta_csp.replace('&', "&amp;").replace('"', "&quot;");
        Ok(format!(
            "{}\n    <meta http-equiv=\"Content-Security-Policy\" content=\"{attr}\" />{}",
            &index_html[..end],
            &index_html[end..]
        ))
    }

    /// What GitHub Pages can and cannot do for this app.
    pub fn github_pages_md(&self) -> String {
        let mut s = String::from("# GitHub Pages\n\n");
        s.push_str(&format!("<!-- {} -->\n\n", HEADER_NOTE.replace('\n', " ")));
        s.push_str(&format!(
            "Site: `{}`. Publish the contents of `dist/` plus `config.json`, but use **`github-pages/index.html`** from this\n\
             folder instead of `dist/index.html`: it carries the Content-Security-Policy in a `<meta http-equiv>` element,\n\
             because GitHub Pages cannot send response headers.\n\n",
            self.site.url()
        ));
        s.push_str("```\n");
        s.push_str(&self.meta_csp);
        s.push_str("\n```\n\n");
        s.push_str(
            "What is lost without headers:\n\n\
             - **`frame-ancestors 'none'` and `X-Frame-Options: DENY`**: a `<meta>` CSP cannot carry `frame-ancestors`, so any\n\
             \x20 site can put the page in a frame (clickjacking). The sign-in itself happens on Microsoft's page, which refuses\n\
             \x20 framing, but the signed-in incident list can be framed.\n\
             - **`X-Content-Type-Options: nosniff`** and the `Cache-Control` choices (GitHub Pages sets its own, about 10 minutes):\n\
             \x20 after a new build or config, users may see the old one for a while.\n\
             - `Referrer-Policy` is kept: `index.html` has `<meta name=\"referrer\" content=\"no-referrer\">`.\n\
             - The `<meta>` policy applies from where it appears; it is the first element of `<head>`, before any script.\n\
             - **No reverse proxy**: only an API that accepts cross-origin calls from browsers works. Use `\"source\": \"graph\"`\n\
             \x20 (Microsoft Graph allows it); the Defender API's `/defender-api/` relay needs nginx or Caddy.\n\n\
             GitHub Pages serves `.wasm` as `application/wasm`; check with `curl -sI <site>/<name>_bg.wasm`.\n\
             Register the page's URL (with its trailing slash) as the Single-page application redirect URI.\n",
        );
        if self.proxy.is_some() {
            s.push_str("\n**This config.json uses the same-origin proxy path, which GitHub Pages cannot provide: it will not work there.**\n");
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CID: &str = "11111111-2222-3333-4444-555555555555";
    const INDEX: &str = "<!doctype html><html><head><meta charset=\"utf-8\"/>\n<script type=\"module\">import init from './a-0123456789abcdef.js';</script></head><body></body></html>";

    fn config(api_base: &str, source: &str) -> String {
        format!(
            r#"{{"authority":"https://login.microsoftonline.com/tid/v2.0","client_id":"{CID}","source":"{source}","api_base":"{api_base}"}}"#
        )
    }

    fn opts(site: &str) -> Options {
        Options {
            site_url: site.into(),
            root: "/srv/www".into(),
            listen: None,
            tls_cert: None,
            tls_key: None,
            api_upstream: None,
        }
    }

    #[test]
    fn cross_origin_api_in_connect_src_and_hash_of_inline_script() {
        let p = plan(
            INDEX,
            &config("https://api.security.microsoft.com", "defender"),
            &opts("https://tools.example.com/tools/onbehalf"),
        )
        .unwrap();
        assert_eq!(p.site.path, "/tools/onbehalf/");
        let scripts = inline_scripts(INDEX);
        assert_eq!(p.csp, csp(&scripts, &["https://login.microsoftonline.com", "https://api.security.microsoft.com"]));
        assert!(p.csp.contains("form-action 'none'") && p.csp.contains("frame-ancestors 'none'"));
        assert!(!p.meta_csp.contains("frame-ancestors"));
        assert!(p
            .meta_csp
            .contains("connect-src 'self' https://login.microsoftonline.com https://api.security.microsoft.com"));
        assert!(p.proxy.is_none());
        assert_eq!(p.listen, "443 ssl");
        assert_eq!(p.files_dir(), "/srv/www/tools/onbehalf/");
    }

    #[test]
    fn same_origin_api_base_with_a_path_makes_a_proxy_and_the_app_accepts_it() {
        let cfg = config("https://tools.example.com/defender-api", "defender");
        // The app's own parser keeps the path, and builds its URLs under it.
        let c = parse_config(&cfg).unwrap();
        assert_eq!(c.api_base, "https://tools.example.com/defender-api");
        let url = onbehalf::api::query::defender_url(
            &c.api_base,
            &onbehalf::api::query::IncidentQuery { top: 100, skip: 0, filter: None },
        );
        assert!(url.starts_with("https://tools.example.com/defender-api/api/incidents?"), "{url}");

        let p = plan(INDEX, &cfg, &opts("https://tools.example.com/tools/onbehalf/")).unwrap();
        let px = p.proxy.clone().unwrap();
        assert_eq!(px.path, "/defender-api/");
        assert_eq!(px.upstream, "https://api.security.microsoft.com");
        assert!(p.csp.contains("connect-src 'self' https://login.microsoftonline.com;"), "{}", p.csp);
        let n = p.nginx();
        assert!(n.contains("location /defender-api/ {"));
        assert!(n.contains("proxy_pass https://api.security.microsoft.com/;"));
        assert!(
            n.contains("proxy_pass_request_headers off;")
                && n.contains("proxy_set_header Authorization $http_authorization;")
        );
        assert!(n.contains("proxy_ssl_verify on;"));
        let c = p.caddyfile();
        assert!(
            c.contains("handle_path /defender-api/* {")
                && c.contains("reverse_proxy https://api.security.microsoft.com {")
        );
        assert!(p.github_pages_md().contains("will not work there"));

        let mut o = opts("https://tools.example.com/tools/onbehalf/");
        o.api_upstream = Some("http://127.0.0.1:9999".into());
        let p = plan(INDEX, &cfg, &o).unwrap();
        assert!(p.nginx().contains("proxy_pass http://127.0.0.1:9999/;"));
        assert!(!p.nginx().contains("proxy_ssl_verify"));
    }

    #[test]
    fn refuses_what_would_not_work() {
        let site = opts("https://tools.example.com/x/");
        // invalid config (the app's own message)
        assert!(plan(INDEX, "{}", &site).unwrap_err().contains("authority"));
        // proxy without a path
        assert!(plan(INDEX, &config("https://tools.example.com", "defender"), &site)
            .unwrap_err()
            .contains("proxy path"));
        // upstream without a proxy
        let mut o = site.clone();
        o.api_upstream = Some("https://api.security.microsoft.com".into());
        assert!(plan(INDEX, &config("https://api.security.microsoft.com", "defender"), &o)
            .unwrap_err()
            .contains("--api-upstream"));
        // insecure or odd site URLs
        assert!(
            plan(INDEX, &config("https://graph.microsoft.com", "graph"), &opts("http://tools.example.com/")).is_err()
        );
        assert!(plan(INDEX, &config("https://graph.microsoft.com", "graph"), &opts("https://t.example/a b/")).is_err());
        assert!(
            plan(INDEX, &config("https://graph.microsoft.com", "graph"), &opts("https://t.example/a/../b/")).is_err()
        );
        let mut o = site.clone();
        o.root = "relative/dir".into();
        assert!(plan(INDEX, &config("https://graph.microsoft.com", "graph"), &o).is_err());
        // not a Trunk index.html
        assert!(plan("<html></html>", &config("https://graph.microsoft.com", "graph"), &site).is_err());
    }

    #[test]
    fn every_recipe_carries_the_same_headers() {
        let p = plan(
            INDEX,
            &config("https://graph.microsoft.com", "graph"),
            &opts("https://tools.example.com/tools/onbehalf/"),
        )
        .unwrap();
        let n = p.nginx();
        let c = p.caddyfile();
        let swa: serde_json::Value = serde_json::from_str(&p.static_web_app()).unwrap();
        for (k, v) in security_headers(&p.csp) {
            assert!(n.contains(&format!("add_header {k} \"{v}\" always;")), "nginx lacks {k}");
            assert!(c.contains(&format!("{k} \"{v}\"")), "Caddy lacks {k}");
            assert_eq!(swa["globalHeaders"][k], v.as_str(), "SWA lacks {k}");
        }
        assert!(
            n.contains("application/wasm wasm;")
                && n.contains("location = /tools/onbehalf {")
                && n.contains("root /srv/www;")
        );
        assert!(n.contains("ssl_certificate /etc/letsencrypt/live/tools.example.com/fullchain.pem;"));
        assert!(c.contains("header @wasm Content-Type application/wasm"));
        assert_eq!(swa["mimeTypes"][".wasm"], "application/wasm");
        let html = p.index_with_meta_csp(INDEX).unwrap();
        let meta = html.find("http-equiv=\"Content-Security-Policy\"").unwrap();
        assert!(meta < html.find("<script").unwrap(), "meta CSP before the first script");
        assert!(html.contains(&p.meta_csp));
        // the inline script is unchanged, so its hash still matches
        assert_eq!(inline_scripts(&html), inline_scripts(INDEX));
    }

    #[test]
    fn http_loopback_site_listens_on_its_port() {
        let p =
            plan(INDEX, &config("https://graph.microsoft.com", "graph"), &opts("http://127.0.0.1:8080/app/")).unwrap();
        assert_eq!(p.listen, "8080");
        assert!(p.tls.is_none());
        assert!(p.caddyfile().contains("http://127.0.0.1:8080 {"));
        assert_eq!(p.site.server_name(), "127.0.0.1");
    }
}
