//! HTTP as values: the core describes requests and parses responses; the browser edge moves the bytes.

/// HTTP method of a described request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PATCH` (incident updates)
    Patch,
}

/// A request the browser layer should send. Headers may carry a bearer token, so `Debug` hides them.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// Method.
    pub method: Method,
    /// Absolute URL.
    pub url: String,
    /// Header name/value pairs.
    pub headers: Vec<(String, String)>,
    /// Body (form-encoded for the token endpoint).
    pub body: Option<String>,
}

impl HttpRequest {
    /// Value of the first header with this name (case-insensitive).
    #[cfg(test)]
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

// Requests carry authorization headers and token-endpoint bodies (codes, verifiers, refresh tokens):
// never print them.
impl std::fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("header_names", &names)
            .field("body", &self.body.as_ref().map(|_| "[redacted]"))
            .finish()
    }
}

/// A response handed back by the browser layer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HttpResponse {
    /// Status code (0 is never valid; the edge reports network failures separately).
    pub status: u16,
    /// Headers as readable by the page (CORS may hide some, e.g. `Retry-After`).
    pub headers: Vec<(String, String)>,
    /// Body text.
    pub body: String,
}

impl HttpResponse {
    /// Value of the first header with this name (case-insensitive).
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// True for 2xx.
    pub(crate) fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// A response body's bytes as text, the way `Response.text()` decodes them: UTF-8 whatever the declared
/// charset, a leading byte-order mark dropped, invalid sequences replaced by U+FFFD. The edge reads bodies as
/// bytes (one copy into the wasm) rather than as a JS string (re-encoded character by character).
pub(crate) fn utf8_body(bytes: Vec<u8>) -> String {
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}

fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

/// Percent-encodes everything except RFC 3986 unreserved characters (`A-Za-z0-9-._~`).
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(hex_digit(b >> 4));
            out.push(hex_digit(b & 0x0f));
        }
    }
    out
}

fn hex_digit(n: u8) -> char {
    match n {
        0..=9 => (b'0' + n) as char,
        _ => (b'A' + (n - 10)) as char,
    }
}

/// `application/x-www-form-urlencoded` body (or query) from pairs. Spaces become `%20`, which every
/// server accepts and which avoids the `+` ambiguity.
pub(crate) fn form_urlencode(pairs: &[(&str, &str)]) -> String {
    pairs.iter().map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v))).collect::<Vec<_>>().join("&")
}

/// `base` (its fragment dropped) with `pairs` appended as a query, after any query it already has.
pub(crate) fn with_query(base: &str, pairs: &[(&str, &str)]) -> String {
    let base = base.split('#').next().unwrap_or(base);
    let sep = match base.find('?') {
        None => "?",
        Some(_) if base.ends_with('?') || base.ends_with('&') => "",
        Some(_) => "&",
    };
    format!("{base}{sep}{}", form_urlencode(pairs))
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes `+` as space and `%XX` escapes; a bad escape is kept literally; invalid UTF-8 is replaced.
pub(crate) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'+' {
            out.push(b' ');
            i += 1;
        } else if b == b'%' {
            let hi = bytes.get(i + 1).copied().and_then(hex_val);
            let lo = bytes.get(i + 2).copied().and_then(hex_val);
            match (hi, lo) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 3;
                }
                _ => {
                    out.push(b'%');
                    i += 1;
                }
            }
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Parses a query string or fragment (leading `?` or `#` optional) into decoded pairs, in order.
/// Empty segments are skipped; a key without `=` gets an empty value.
pub fn parse_query(s: &str) -> Vec<(String, String)> {
    let s = s.strip_prefix('?').or_else(|| s.strip_prefix('#')).unwrap_or(s);
    s.split('&')
        .filter(|seg| !seg.is_empty())
        .map(|seg| match seg.split_once('=') {
            Some((k, v)) => (percent_decode(k), percent_decode(v)),
            None => (percent_decode(seg), String::new()),
        })
        .collect()
}

/// First value for `key` in parsed pairs.
pub fn query_get<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

/// Splits an absolute URL into (scheme, host-with-port, rest). Returns None when it is not `scheme://host...`,
/// and for anything a browser's URL parser could read differently from this split: a `\` anywhere (a path
/// separator to the browser), whitespace or control characters anywhere (the browser drops or trims them),
/// and a host that is not plain ASCII `a-z 0-9 . -` (no userinfo `@`, no `%`-escapes, no IDN to be
/// punycoded, no trailing dot) with an optional numeric port, or a bracketed IPv6 address.
pub fn split_url(url: &str) -> Option<(&str, &str, &str)> {
    if url.contains('\\') || url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return None;
    }
    let (scheme, rest) = url.split_once("://")?;
    if scheme.is_empty() || !scheme.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'-' || b == b'.') {
        return None;
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (host, tail) = rest.split_at(end);
    if !is_plain_host_port(host) {
        return None;
    }
    Some((scheme, host, tail))
}

/// `name[:port]` with an ASCII DNS name or IPv4 address, or `[ipv6][:port]`.
fn is_plain_host_port(host_port: &str) -> bool {
    let (name, port) = match host_port.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((addr, after)) => {
                let ok = !addr.is_empty() && addr.bytes().all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.');
                (if ok { "v6" } else { "" }, after.strip_prefix(':').or(Some(after).filter(|a| a.is_empty())))
            }
            None => ("", None),
        },
        None => match host_port.split_once(':') {
            Some((n, p)) => (n, Some(p)),
            None => (host_port, Some("")),
        },
    };
    let name_ok = !name.is_empty()
        && !name.starts_with(['.', '-'])
        && !name.ends_with('.')
        && !name.contains("..")
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
    let port_ok = port.is_some_and(|p| p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
    name_ok && port_ok
}

/// Host without the port (`[::1]` keeps its brackets), lowercased.
pub(crate) fn host_name(host_port: &str) -> String {
    let h = if host_port.starts_with('[') {
        match host_port.find(']') {
            Some(i) => host_port.get(..=i).unwrap_or(host_port),
            None => host_port,
        }
    } else {
        host_port.split(':').next().unwrap_or(host_port)
    };
    h.to_ascii_lowercase()
}

/// True for 127.0.0.1, localhost and [::1]: the only hosts allowed over plain http.
fn is_loopback_host(host_port: &str) -> bool {
    matches!(host_name(host_port).as_str(), "127.0.0.1" | "localhost" | "[::1]")
}

/// `https://` anywhere, or `http://` to a loopback host (local sandbox). Fails on anything else.
pub fn is_secure_url(url: &str) -> bool {
    match split_url(url) {
        Some((scheme, host, _)) => {
            scheme.eq_ignore_ascii_case("https") || (scheme.eq_ignore_ascii_case("http") && is_loopback_host(host))
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// As `Response.text()`: UTF-8 kept, a BOM dropped (only a leading one), bad bytes become U+FFFD.
    #[test]
    fn body_bytes_decode_like_response_text() {
        assert_eq!(utf8_body("{\"a\":\"é ✓\"}".as_bytes().to_vec()), "{\"a\":\"é ✓\"}");
        assert_eq!(utf8_body(b"\xEF\xBB\xBF{}".to_vec()), "{}");
        assert_eq!(utf8_body(b"x\xEF\xBB\xBF".to_vec()), "x\u{FEFF}");
        assert_eq!(utf8_body(b"a\xFFb\xE2\x9Cc".to_vec()), "a\u{FFFD}b\u{FFFD}c");
        assert_eq!(utf8_body(Vec::new()), "");
    }

    #[test]
    fn encode_unreserved_only() {
        assert_eq!(percent_encode("a b&c=d/é~"), "a%20b%26c%3Dd%2F%C3%A9~");
    }

    #[test]
    fn form_pairs() {
        assert_eq!(form_urlencode(&[("a", "1 2"), ("b", "x+y")]), "a=1%202&b=x%2By");
    }

    /// The authorize and logout URLs both go through here (they used to join queries two ways).
    #[test]
    fn with_query_appends_after_what_is_there() {
        let q = [("a", "1 2"), ("b", "x")];
        assert_eq!(with_query("https://h/p", &q), "https://h/p?a=1%202&b=x");
        assert_eq!(with_query("https://h/p?tenant=t", &q), "https://h/p?tenant=t&a=1%202&b=x");
        assert_eq!(with_query("https://h/p?", &q), "https://h/p?a=1%202&b=x");
        assert_eq!(with_query("https://h/p?t=1&", &q), "https://h/p?t=1&a=1%202&b=x");
        assert_eq!(with_query("https://h/p#frag?x", &q), "https://h/p?a=1%202&b=x");
    }

    #[test]
    fn parse_query_variants() {
        let q = parse_query("?code=a%2Bb&state=x+y&bad=%zz%4&flag");
        assert_eq!(query_get(&q, "code"), Some("a+b"));
        assert_eq!(query_get(&q, "state"), Some("x y"));
        assert_eq!(query_get(&q, "bad"), Some("%zz%4"));
        assert_eq!(query_get(&q, "flag"), Some(""));
        assert_eq!(parse_query("#a=1").len(), 1);
        assert!(parse_query("").is_empty());
        assert_eq!(query_get(&parse_query("%FF=%FE"), "\u{FFFD}"), Some("\u{FFFD}"));
    }

    #[test]
    fn header_case_insensitive() {
        let r = HttpResponse { status: 200, headers: vec![("Retry-After".into(), "5".into())], body: String::new() };
        assert_eq!(r.header("retry-after"), Some("5"));
        assert_eq!(r.header("x"), None);
    }

    #[test]
    fn urls() {
        assert!(is_secure_url("https://login.microsoftonline.com/x"));
        assert!(is_secure_url("http://127.0.0.1:8080/x"));
        assert!(is_secure_url("http://[::1]:80"));
        assert!(is_secure_url("http://localhost"));
        assert!(!is_secure_url("http://example.com"));
        assert!(!is_secure_url("http://localhost.evil.com"));
        assert!(!is_secure_url("https://user@host"));
        assert!(!is_secure_url("javascript:alert(1)"));
        assert!(!is_secure_url("https://"));
    }

    #[test]
    fn urls_a_browser_would_read_differently_are_refused() {
        for ok in [
            "https://login.microsoftonline.com/t/v2.0",
            "https://login.microsoftonline.com:443/t",
            "http://[::1]:8080/x",
            "http://127.0.0.1/x?a=%20b#f",
            "https://a-b.example/%2F",
        ] {
            assert!(split_url(ok).is_some() && is_secure_url(ok), "{ok}");
        }
        for bad in [
            // The browser reads `\` as `/`: the host would be evil.example.
            "https://evil.example\\.login.microsoftonline.com/t/v2.0",
            "https://login.microsoftonline.com\\@evil.example/",
            "https://evil.example%2elogin.microsoftonline.com/",
            "https://login.microsoftonline.com%2F@evil.example/",
            "https://user:pw@login.microsoftonline.com/",
            "https://login.microsoftonline.com@evil.example/",
            "https://login.micro\tsoftonline.com/",
            "https://login.microsoftonline.com\n/",
            " https://login.microsoftonline.com/",
            "https://logín.microsoftonline.com/",
            "https://login.microsoftonline.com./t",
            "https://login..microsoftonline.com/t",
            "https://login.microsoftonline.com:44a3/t",
            "http://[::1/x",
            "https://[]/x",
        ] {
            assert!(split_url(bad).is_none(), "{bad:?}");
            assert!(!is_secure_url(bad), "{bad:?}");
        }
    }

    #[test]
    fn debug_hides_body() {
        let r = HttpRequest {
            method: Method::Post,
            url: "u".into(),
            headers: vec![("Authorization".into(), "Bearer abc".into())],
            body: Some("code=secret".into()),
        };
        let d = format!("{r:?}");
        assert!(!d.contains("abc") && !d.contains("secret"));
    }
}
