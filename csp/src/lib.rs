//! Content-Security-Policy for the static app: the one builder behind the sandbox's headers and every
//! generated hosting recipe (`onbehalf-deploy`), so none drifts from what the tests exercise.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sha2::{Digest, Sha256};

/// Builds the production CSP: only our own scripts (plus the hashes of the given inline
/// script bodies, exactly as they appear between the tags), wasm compilation, and
/// network access limited to `'self'` and the given origins. The app posts no forms (sign-in and sign-out
/// are navigations, the token request is a `fetch`), so `form-action 'none'`.
pub fn csp(inline_scripts: &[&str], connect: &[&str]) -> String {
    let mut script_src = String::from("'self' 'wasm-unsafe-eval'");
    for s in inline_scripts {
        script_src.push_str(&format!(" 'sha256-{}'", STANDARD.encode(Sha256::digest(s.as_bytes()))));
    }
    let mut connect_src = String::from("'self'");
    for c in connect {
        connect_src.push(' ');
        connect_src.push_str(c);
    }
    format!(
        "default-src 'none'; script-src {script_src}; style-src 'self'; img-src 'self' data:; \
         connect-src {connect_src}; frame-ancestors 'none'; base-uri 'none'; object-src 'none'; form-action 'none'"
    )
}

/// Bodies of the `<script>` elements without a `src` attribute, in document order.
/// A deliberately small scanner: index.html is our own build output, not hostile input.
pub fn inline_scripts(html: &str) -> Vec<&str> {
    let lower = html.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(rel) = lower[pos..].find("<script") {
        let tag_start = pos + rel;
        let Some(tag_end_rel) = lower[tag_start..].find('>') else { break };
        let tag_end = tag_start + tag_end_rel;
        let attrs = &lower[tag_start + 7..tag_end];
        let Some(close_rel) = lower[tag_end..].find("</script") else { break };
        let close = tag_end + close_rel;
        let has_src = attrs.split(|c: char| c.is_whitespace()).any(|a| a.starts_with("src=") || a == "src");
        if !has_src && !attrs.ends_with('/') {
            out.push(&html[tag_end + 1..close]);
        }
        pos = close + 8;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_inline_scripts_only() {
        let html = "<html><script src=\"/a.js\"></script><script type=\"module\">alert(1)</script></html>";
        let scripts = inline_scripts(html);
        assert_eq!(scripts, vec!["alert(1)"]);
        let policy = csp(&scripts, &["http://127.0.0.1:8401"]);
        // sha256("alert(1)") base64
        assert!(policy.contains("'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"), "{policy}");
        assert!(policy.contains("connect-src 'self' http://127.0.0.1:8401;"));
        assert!(policy.starts_with("default-src 'none'; script-src 'self' 'wasm-unsafe-eval'"));
        assert!(
            policy.ends_with("frame-ancestors 'none'; base-uri 'none'; object-src 'none'; form-action 'none'"),
            "{policy}"
        );
    }
}
