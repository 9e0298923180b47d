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

mod headers;
mod plan;
mod recipes;
mod site;

pub use plan::{plan, Options, Plan};

#[cfg(test)]
mod tests {
    use super::*;
    use onbehalf::config::parse_config;
    use onbehalf_csp::{csp, inline_scripts};

    use crate::headers::security_headers;

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
        // Hunting beside the Defender source goes to Microsoft Graph itself.
        let connect =
            ["https://login.microsoftonline.com", "https://api.security.microsoft.com", "https://graph.microsoft.com"];
        assert_eq!(p.csp, csp(&scripts, &connect));
        assert!(p.csp.contains("form-action 'none'") && p.csp.contains("frame-ancestors 'none'"));
        assert!(!p.meta_csp.contains("frame-ancestors"));
        assert!(p
            .meta_csp
            .contains("connect-src 'self' https://login.microsoftonline.com https://api.security.microsoft.com https://graph.microsoft.com;"));
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
        let url = onbehalf::incidents::query::defender_url(
            &c.api_base,
            &onbehalf::incidents::query::IncidentQuery { top: 100, skip: 0, filter: None },
        );
        assert!(url.starts_with("https://tools.example.com/defender-api/api/incidents?"), "{url}");

        let p = plan(INDEX, &cfg, &opts("https://tools.example.com/tools/onbehalf/")).unwrap();
        let px = p.proxy.clone().unwrap();
        assert_eq!(px.path, "/defender-api/");
        assert_eq!(px.upstream, "https://api.security.microsoft.com");
        // The API goes through the relay; only the IdP and (for hunting) Graph are other origins.
        assert!(
            p.csp.contains("connect-src 'self' https://login.microsoftonline.com https://graph.microsoft.com;"),
            "{}",
            p.csp
        );
        let n = p.nginx();
        assert!(n.contains("location /defender-api/ {"));
        assert!(n.contains("proxy_pass https://api.security.microsoft.com/;"));
        assert!(
            n.contains("proxy_pass_request_headers off;")
                && n.contains("proxy_set_header Authorization $http_authorization;")
        );
        assert!(n.contains("proxy_ssl_verify on;"));
        assert!(n.contains("if ($http_sec_fetch_site != \"same-origin\") { return 403; }"), "not an open proxy");
        assert!(n.contains("add_header Content-Security-Policy \"default-src 'none'; sandbox\" always;"));
        let c = p.caddyfile();
        assert!(
            c.contains("handle_path /defender-api/* {")
                && c.contains("reverse_proxy https://api.security.microsoft.com {")
        );
        assert!(c.contains("@foreign not header Sec-Fetch-Site same-origin\n\t\t\trespond @foreign 403"));
        assert!(c.contains("header Content-Security-Policy \"default-src 'none'; sandbox\""));
        // The allow-list: every header deleted (A* … Z*), then only Authorization, Accept and Content-Type set again.
        assert_eq!(c.matches("request_header -").count(), 37);
        assert!(
            c.contains("request_header -0*") && c.contains("request_header -9*") && c.contains("request_header -_*")
        );
        // PATCH only to one incident, in both recipes.
        assert!(
            c.contains("@elsewhere {\n\t\t\t\tmethod PATCH\n\t\t\t\tnot path_regexp ^/api/incidents/[0-9]+$"),
            "{c}"
        );
        assert!(c.contains("respond @elsewhere 403"));
        assert!(
            n.contains(
                "if ($onbehalf_call !~ \"^(GET|HEAD) |^PATCH /defender-api/api/incidents/[0-9]+$\") { return 403; }"
            ),
            "{n}"
        );
        let set: Vec<&str> =
            c.lines().filter_map(|l| l.trim().strip_prefix("header_up ")).filter(|l| !l.starts_with('-')).collect();
        assert_eq!(
            set,
            [
                "Host {upstream_hostport}",
                "Authorization {vars.onbehalf_authorization}",
                "Accept {vars.onbehalf_accept}",
                "Content-Type {vars.onbehalf_content_type}"
            ]
        );
        assert!(n.contains("limit_except GET PATCH { deny all; }"), "reads and incident updates only");
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
        let headers = security_headers(&p.csp, true);
        for k in ["Strict-Transport-Security", "Cross-Origin-Opener-Policy"] {
            assert!(headers.iter().any(|(h, _)| *h == k), "an https site sends {k}");
        }
        assert_eq!(p.headers(), headers);
        for (k, v) in headers {
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
        assert!(n.contains("listen 80;") && n.contains("return 301 https://$host$request_uri;"), "port 80 redirects");
        assert!(n.contains("location / {\n        return 404;"), "nothing outside the app's path");
        assert!(c.contains("handle {\n\t\trespond 404"), "Caddy: nothing outside the app's path");
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
        assert!(!p.nginx().contains("listen 80;"), "no https to redirect to");
        assert!(!p.headers().iter().any(|(k, _)| *k == "Strict-Transport-Security"), "HSTS only over https");
        assert!(p.caddyfile().contains("http://127.0.0.1:8080 {"));
        assert_eq!(p.site.server_name(), "127.0.0.1");
    }
}
