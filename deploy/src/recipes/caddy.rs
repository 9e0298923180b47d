//! The Caddyfile site block.

use crate::headers::{comment, CACHE_HASHED, CACHE_REVALIDATE, HEADER_NOTE, RELAY_CSP};
use crate::plan::Plan;

/// First characters of the request header names the relay deletes (case does not matter to Caddy's prefix match).
/// Header names may also start with other token characters (`!#$%&'*+.^`|~`), which no client of the API sends.
const HEADER_INITIALS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";

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
            // An allow-list, as the nginx recipe has: Caddy passes every request header on by default, and its
            // header_up deletes run after its sets, so the two allowed values are kept in vars, every header is
            // deleted (one prefix wildcard per first character a name may start with: letters, digits and `_`, since
            // Caddy 2.6 has no `-*`), and only they are set again. `route` keeps this order (Caddy would otherwise
            // sort the directives).
            let deletes: String = HEADER_INITIALS.chars().map(|c| format!("\t\t\trequest_header -{c}*\n")).collect();
            s.push_str(&format!(
                "\n\t# Same-origin relay to the incidents API: only the app's own calls (Sec-Fetch-Site: same-origin, which\n\
                 \t# browsers set) and only the user's own Authorization, Accept and Content-Type go on (reads and incident updates).\n\
                 \thandle_path {path}* {{\n\
                 \t\theader Content-Security-Policy \"{RELAY_CSP}\"\n\
                 \t\theader X-Content-Type-Options nosniff\n\t\theader Referrer-Policy no-referrer\n\t\theader Cache-Control no-store\n\
                 \t\troute {{\n\
                 \t\t\t@other not method GET HEAD PATCH\n\
                 \t\t\trespond @other 405\n\
                 \t\t\t@foreign not header Sec-Fetch-Site same-origin\n\
                 \t\t\trespond @foreign 403\n\
                 \t\t\t@elsewhere {{\n\t\t\t\tmethod PATCH\n\t\t\t\tnot path_regexp ^/api/incidents/[0-9]+$\n\t\t\t}}\n\
                 \t\t\trespond @elsewhere 403\n\
                 \t\t\tvars onbehalf_authorization {{http.request.header.Authorization}}\n\
                 \t\t\tvars onbehalf_accept {{http.request.header.Accept}}\n\
                 \t\t\tvars onbehalf_content_type {{http.request.header.Content-Type}}\n\
                 {deletes}\
                 \t\t\treverse_proxy {up} {{\n\
                 \t\t\t\theader_up Host {{upstream_hostport}}\n\
                 \t\t\t\theader_up Authorization {{vars.onbehalf_authorization}}\n\
                 \t\t\t\theader_up Accept {{vars.onbehalf_accept}}\n\
                 \t\t\t\theader_up Content-Type {{vars.onbehalf_content_type}}\n\
                 \t\t\t\theader_up -X-Forwarded-*\n\
                 \t\t\t\theader_down -Set-Cookie\n\t\t\t\theader_down -Access-Control-Allow-Origin\n\
                 \t\t\t}}\n\
                 \t\t}}\n\
                 \t}}\n",
                path = px.path,
                up = px.upstream
            ));
        }
        s.push_str(&format!("\n\thandle {p}* {{\n"));
        s.push_str("\t\t@write not method GET HEAD\n\t\trespond @write 405\n");
        s.push_str(&format!("\t\troot * {}\n", self.root));
        s.push_str("\t\theader {\n");
        for (k, v) in self.headers() {
            s.push_str(&format!("\t\t\t{k} \"{v}\"\n"));
        }
        s.push_str("\t\t}\n");
        // Two matchers that exclude each other, so the order Caddy runs its header handlers in cannot matter.
        // 8 or more hex digits, spelled without braces: Caddy would read `{8,16}` as a placeholder.
        let hashed = "-[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]+(_bg)?\\.(js|css|wasm)$";
        s.push_str(&format!("\t\t@hashed path_regexp {hashed}\n"));
        s.push_str(&format!("\t\theader @hashed Cache-Control \"{CACHE_HASHED}\"\n"));
        s.push_str(&format!("\t\t@plain not path_regexp {hashed}\n"));
        s.push_str(&format!("\t\theader @plain Cache-Control \"{CACHE_REVALIDATE}\"\n"));
        s.push_str("\t\t@wasm path *.wasm\n\t\theader @wasm Content-Type application/wasm\n");
        s.push_str("\t\tfile_server\n\t}\n");
        if p != "/" {
            // Nothing of this site outside the app's path (and the relay) is served.
            s.push_str("\n\thandle {\n\t\trespond 404\n\t}\n");
        }
        // An https:// site gets Caddy's automatic HTTPS, which also redirects port 80 to https.
        s.push_str("}\n");
        s
    }
}
