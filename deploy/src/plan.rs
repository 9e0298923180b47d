//! The one [`Plan`] every recipe is generated from: the site, the validated config, the CSP, the proxy.

use onbehalf::config::parse_config;
use onbehalf::http::{is_secure_url, split_url};
use onbehalf::incidents::Source;
use onbehalf_csp::{csp, inline_scripts};

use crate::headers::without_directive;
use crate::site::{origin_of, parse_site, safe_token, Site};

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

/// The same-origin reverse-proxy rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Proxy {
    /// Path on the site, starting and ending with `/` (e.g. `/defender-api/`).
    pub(crate) path: String,
    /// Upstream origin, e.g. `https://api.security.microsoft.com`.
    pub(crate) upstream: String,
    /// Upstream host (for `Host` and SNI).
    pub(crate) upstream_host: String,
}

/// Everything every recipe is generated from.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Where the page lives.
    pub(crate) site: Site,
    /// Full CSP (HTTP header).
    pub csp: String,
    /// CSP for a `<meta>` element: without `frame-ancestors`, which browsers ignore there.
    pub(crate) meta_csp: String,
    /// Same-origin API proxy, when `api_base` is on the site's origin.
    pub(crate) proxy: Option<Proxy>,
    /// Document root.
    pub(crate) root: String,
    /// nginx listen parameters.
    pub(crate) listen: String,
    /// TLS certificate and key paths for nginx (when listen has `ssl`).
    pub(crate) tls: Option<(String, String)>,
    /// Things the admin should know (printed by the CLI).
    pub warnings: Vec<String>,
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
    // Hunting is a Graph API: beside the Defender source the page calls Microsoft Graph itself for it.
    let hunt_origin = origin_of(onbehalf::hunting::hunt_base(&config)).unwrap_or_default();
    if !hunt_origin.is_empty() && hunt_origin != site.origin() && !connect.contains(&hunt_origin.as_str()) {
        connect.push(&hunt_origin);
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
        csp: policy,
        meta_csp,
        proxy,
        root: opts.root.trim_end_matches('/').to_string(),
        listen,
        tls,
        warnings,
    })
}

impl Plan {
    /// The security headers every recipe sends with the app's files.
    pub(crate) fn headers(&self) -> Vec<(&'static str, String)> {
        crate::headers::security_headers(&self.csp, self.site.scheme == "https")
    }

    /// Directory the files go to on the server.
    pub fn files_dir(&self) -> String {
        format!("{}{}", self.root, self.site.path)
    }
}
