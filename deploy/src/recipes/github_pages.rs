//! GitHub Pages: no headers, so the policy goes into `index.html` as a `<meta>`, and a note says what is lost.

use crate::headers::HEADER_NOTE;
use crate::plan::Plan;

impl Plan {
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
