//! The site URL: parsed, checked, and the parts the recipes need.

use onbehalf::http::{is_secure_url, split_url};

/// The site: scheme, `host[:port]`, and a path that starts and ends with `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Site {
    /// `https` or `http` (loopback only).
    pub(crate) scheme: String,
    /// Host and optional port, lowercase.
    pub(crate) host: String,
    /// `/` or `/tools/onbehalf/`.
    pub(crate) path: String,
}

impl Site {
    /// `scheme://host`.
    pub(crate) fn origin(&self) -> String {
        format!("{}://{}", self.scheme, self.host)
    }
    /// The page's URL, which is also its default redirect URI.
    pub(crate) fn url(&self) -> String {
        format!("{}{}", self.origin(), self.path)
    }
    /// Host without port.
    pub(crate) fn server_name(&self) -> &str {
        match self.host.rsplit_once(':') {
            Some((h, p)) if !h.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) && !self.host.starts_with('[') => h,
            _ => &self.host,
        }
    }
    /// Explicit port, if any.
    pub(crate) fn port(&self) -> Option<&str> {
        let h = self.server_name();
        self.host.get(h.len() + 1..).filter(|p| !p.is_empty())
    }
}

pub(crate) fn origin_of(url: &str) -> Option<String> {
    let (scheme, host, _) = split_url(url)?;
    Some(format!("{}://{}", scheme.to_ascii_lowercase(), host.to_ascii_lowercase()))
}

/// Characters allowed in paths and file names written into server configs (no quoting games).
pub(crate) fn safe_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~/:".contains(&b))
}

/// Parses the site URL: secure (https, or http on loopback), no query or fragment, path ending in `/`.
pub(crate) fn parse_site(url: &str) -> Result<Site, String> {
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
