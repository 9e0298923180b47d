//! The nginx `server { }` block.

use crate::headers::{comment, CACHE_HASHED, CACHE_REVALIDATE, HEADER_NOTE, RELAY_CSP};
use crate::plan::Plan;

impl Plan {
    fn nginx_headers(&self, indent: &str, cache: &str) -> String {
        let mut s = String::new();
        for (k, v) in self.headers() {
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
        if self.tls.is_some() {
            // Plain http only ever answers with the way to https (HSTS then keeps the browser there).
            s.push_str(&format!(
                "server {{\n    listen 80;\n    server_name {};\n    server_tokens off;\n    return 301 https://$host$request_uri;\n}}\n\n",
                self.site.server_name()
            ));
        }
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
            // Nothing of this server outside the app's path (and the relay) is served.
            s.push_str("    location / {\n        return 404;\n    }\n\n");
        }
        s.push_str(&format!("    location {p} {{\n"));
        s.push_str("        limit_except GET { deny all; }\n");
        s.push_str("        index index.html;\n");
        s.push_str("        # Only the types the app has; .wasm must be application/wasm for streaming compilation.\n");
        s.push_str("        types {\n            text/html html;\n            text/javascript js;\n            text/css css;\n            application/wasm wasm;\n            application/json json;\n        }\n");
        s.push_str("        default_type application/octet-stream;\n");
        s.push_str(&self.nginx_headers("        ", CACHE_REVALIDATE));
        s.push_str("\n        # Trunk's content-hashed file names never change meaning: cache them for a year.\n");
        s.push_str("        location ~ \"-[0-9a-f]{8,16}(_bg)?\\.(js|css|wasm)$\" {\n");
        s.push_str(&self.nginx_headers("            ", CACHE_HASHED));
        s.push_str("        }\n    }\n");
        if let Some(px) = &self.proxy {
            s.push_str(&format!(
                "\n    # Same-origin relay to the incidents API, for when the API refuses cross-origin calls from browsers.\n\
                 \x20   # Forwards only the user's own Authorization (their delegated token), Accept and Content-Type, and\n\
                 \x20   # only reads (GET) and incident updates (PATCH to {path}api/incidents/<id> alone); no secrets here.\n\
                 \x20   # Only the app's own calls: a browser marks them Sec-Fetch-Site: same-origin; another site's page (or a\n\
                 \x20   # client that says nothing) gets 403, so this is not an open proxy to the API.\n\
                 \x20   location {path} {{\n\
                 \x20       limit_except GET PATCH {{ deny all; }}\n\
                 \x20       if ($http_sec_fetch_site != \"same-origin\") {{ return 403; }}\n\
                 \x20       # $uri is the normalized path that goes upstream: a PATCH anywhere but one incident is refused.\n\
                 \x20       set $onbehalf_call \"$request_method $uri\";\n\
                 \x20       if ($onbehalf_call !~ \"^(GET|HEAD) |^PATCH {path}api/incidents/[0-9]+$\") {{ return 403; }}\n\
                 \x20       proxy_pass {up}/;\n\
                 \x20       proxy_http_version 1.1;\n\
                 \x20       proxy_pass_request_headers off;\n\
                 \x20       proxy_set_header Host $proxy_host;\n\
                 \x20       proxy_set_header Authorization $http_authorization;\n\
                 \x20       proxy_set_header Accept $http_accept;\n\
                 \x20       proxy_set_header Content-Type $http_content_type;\n\
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
            s.push_str(&format!("        add_header Content-Security-Policy \"{RELAY_CSP}\" always;\n"));
            s.push_str("        add_header X-Content-Type-Options \"nosniff\" always;\n        add_header Referrer-Policy \"no-referrer\" always;\n        add_header Cache-Control \"no-store\" always;\n    }\n");
        }
        s.push_str("}\n");
        s
    }
}
