//! The Caddyfile site block.

use crate::headers::{comment, security_headers, CACHE_HASHED, CACHE_REVALIDATE, HEADER_NOTE};
use crate::plan::Plan;

impl Plan {
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
}
