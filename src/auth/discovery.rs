//! OpenID Provider metadata (`.well-known/openid-configuration`) parsing and issuer checks, Entra templates included.

use super::error::AuthError;
use crate::config::Config;
use crate::http::{host_name, is_secure_url, split_url, HttpRequest, HttpResponse, Method};
use serde_json::Value;

/// The parts of the discovery document the app uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderMetadata {
    /// `issuer`; for Entra multi-tenant authorities the `{tenantid}` template.
    pub issuer: String,
    /// `authorization_endpoint`.
    pub authorization_endpoint: String,
    /// `token_endpoint`.
    pub token_endpoint: String,
    /// `end_session_endpoint`, if advertised and sane.
    pub end_session_endpoint: Option<String>,
    /// `jwks_uri`, if advertised and sane.
    pub jwks_uri: Option<String>,
    /// `code_challenge_methods_supported` (empty when not advertised).
    pub code_challenge_methods: Vec<String>,
    /// `authorization_response_iss_parameter_supported` (RFC 9207).
    pub iss_parameter_supported: bool,
}

/// Why the discovery document was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DiscoveryError {
    /// Not JSON or not an object.
    #[error("the sign-in service's configuration document is not valid JSON: {0}")]
    BadJson(String),
    /// Required field absent.
    #[error("the sign-in service's configuration document has no \"{0}\"")]
    Missing(&'static str),
    /// Issuer does not belong to the configured authority (mix-up defence).
    #[error("the sign-in service says its issuer is \"{got}\", but the configured authority is \"{expected}\"")]
    IssuerMismatch {
        /// Authority from config.
        expected: String,
        /// Issuer from the document.
        got: String,
    },
    /// Endpoint insecure or on a foreign host.
    #[error("the sign-in service's \"{field}\" ({value}) is not an https URL on the authority's host")]
    BadEndpoint {
        /// Field name.
        field: &'static str,
        /// Value given.
        value: String,
    },
    /// PKCE S256 not supported.
    #[error("the sign-in service does not support PKCE with S256 (it lists: {0}); signing in without it is unsafe")]
    NoS256(String),
    /// Document too large.
    #[error("the sign-in service's configuration document is too large")]
    TooLarge,
}

const TENANT_TEMPLATE: &str = "{tenantid}";
const MULTI_TENANT: [&str; 3] = ["organizations", "common", "consumers"];

/// Microsoft's login hosts, exactly (Entra's national clouds and aliases): the discovery document of one may
/// name endpoints on another. Exact names, not domain suffixes: `anything.microsoft.com` is not a login host.
const MICROSOFT_LOGIN_HOSTS: [&str; 8] = [
    "login.microsoftonline.com",
    "login.microsoft.com",
    "login.windows.net",
    "sts.windows.net",
    "login.microsoftonline.us",
    "login.partner.microsoftonline.cn",
    "login.chinacloudapi.cn",
    "login.microsoftonline.de",
];

fn is_microsoft_login_host(h: &str) -> bool {
    MICROSOFT_LOGIN_HOSTS.contains(&h)
}

fn same_authority_host(authority: &str, url: &str) -> bool {
    let (Some((_, ah, _)), Some((_, uh, _))) = (split_url(authority), split_url(url)) else {
        return false;
    };
    let (ah, uh) = (host_name(ah), host_name(uh));
    ah == uh || (is_microsoft_login_host(&ah) && is_microsoft_login_host(&uh))
}

fn looks_like_tenant_guid(s: &str) -> bool {
    s.len() == 36
        && s.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
        && s.bytes().filter(|b| *b == b'-').count() == 4
}

/// Splits `https://host/{tenant}/v2.0` into (`https://host/`, tenant, `/v2.0`).
fn split_tenant(url: &str) -> Option<(String, String, String)> {
    let (scheme, host, rest) = split_url(url)?;
    let rest = rest.trim_end_matches('/');
    let path = rest.strip_prefix('/')?;
    let (tenant, tail) = match path.split_once('/') {
        Some((t, tail)) => (t, format!("/{tail}")),
        None => (path, String::new()),
    };
    Some((format!("{}://{}/", scheme.to_ascii_lowercase(), host.to_ascii_lowercase()), tenant.to_string(), tail))
}

/// Does `issuer` belong to `authority`? Exact (trailing-slash-insensitive), or Entra's forms:
/// a multi-tenant authority with the `{tenantid}` template, or a domain-name tenant the issuer names by GUID.
pub fn issuer_matches_authority(issuer: &str, authority: &str) -> bool {
    let (i, a) = (issuer.trim_end_matches('/'), authority.trim_end_matches('/'));
    if i == a {
        return true;
    }
    let (Some((ib, it, itail)), Some((ab, at, atail))) = (split_tenant(i), split_tenant(a)) else {
        return false;
    };
    if ib != ab || itail != atail {
        return false;
    }
    let multi = MULTI_TENANT.iter().any(|m| at.eq_ignore_ascii_case(m));
    if multi {
        return it == TENANT_TEMPLATE;
    }
    // Entra canonicalises `contoso.onmicrosoft.com` to the tenant GUID in `issuer`; the document came
    // from the authority itself over TLS, so accept a GUID for a domain-name tenant only.
    at.contains('.') && looks_like_tenant_guid(&it)
}

fn req_str(obj: &serde_json::Map<String, Value>, f: &'static str) -> Result<String, DiscoveryError> {
    obj.get(f)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .ok_or(DiscoveryError::Missing(f))
}

/// Parses and checks a discovery document fetched from `authority`.
pub fn parse_discovery(json: &str, authority: &str) -> Result<ProviderMetadata, DiscoveryError> {
    if json.len() > 1_000_000 {
        return Err(DiscoveryError::TooLarge);
    }
    let v: Value = serde_json::from_str(json).map_err(|e| DiscoveryError::BadJson(e.to_string()))?;
    let obj = v.as_object().ok_or_else(|| DiscoveryError::BadJson("not a JSON object".into()))?;

    let issuer = req_str(obj, "issuer")?;
    if !issuer_matches_authority(&issuer, authority) {
        return Err(DiscoveryError::IssuerMismatch { expected: authority.to_string(), got: issuer });
    }
    let check = |field: &'static str, value: String| -> Result<String, DiscoveryError> {
        if is_secure_url(&value) && same_authority_host(authority, &value) && !value.contains('#') {
            Ok(value)
        } else {
            Err(DiscoveryError::BadEndpoint { field, value })
        }
    };
    let authorization_endpoint = check("authorization_endpoint", req_str(obj, "authorization_endpoint")?)?;
    let token_endpoint = check("token_endpoint", req_str(obj, "token_endpoint")?)?;
    // Optional endpoints: a bad one is dropped rather than failing sign-in (logout still clears locally).
    let end_session_endpoint =
        req_str(obj, "end_session_endpoint").ok().and_then(|v| check("end_session_endpoint", v).ok());
    let jwks_uri = req_str(obj, "jwks_uri").ok().and_then(|v| check("jwks_uri", v).ok());

    let code_challenge_methods: Vec<String> = match obj.get("code_challenge_methods_supported") {
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(str::to_string).collect(),
        _ => Vec::new(),
    };
    if obj.contains_key("code_challenge_methods_supported") && !code_challenge_methods.iter().any(|m| m == "S256") {
        return Err(DiscoveryError::NoS256(code_challenge_methods.join(", ")));
    }
    let iss_parameter_supported =
        obj.get("authorization_response_iss_parameter_supported").and_then(Value::as_bool).unwrap_or(false);

    Ok(ProviderMetadata {
        issuer,
        authorization_endpoint,
        token_endpoint,
        end_session_endpoint,
        jwks_uri,
        code_challenge_methods,
        iss_parameter_supported,
    })
}

impl ProviderMetadata {
    /// True when `issuer` is Entra's multi-tenant `{tenantid}` template.
    fn is_issuer_template(&self) -> bool {
        self.issuer.contains(TENANT_TEMPLATE)
    }

    /// The issuer an ID token must carry: the issuer itself, or the template filled with `tid`
    /// (None when the template needs a tid that is absent or not a GUID).
    pub(crate) fn expected_issuer(&self, tid: Option<&str>) -> Option<String> {
        if !self.is_issuer_template() {
            return Some(self.issuer.clone());
        }
        let tid = tid.filter(|t| looks_like_tenant_guid(t))?;
        Some(self.issuer.replace(TENANT_TEMPLATE, tid))
    }
}

/// Does `iss` match `template` (containing `{tenantid}`) with a GUID in place of the placeholder?
pub(crate) fn matches_issuer_template(template: &str, iss: &str) -> bool {
    let Some((pre, post)) = template.split_once(TENANT_TEMPLATE) else {
        return template == iss;
    };
    match iss.strip_prefix(pre).and_then(|r| r.strip_suffix(post)) {
        Some(mid) => looks_like_tenant_guid(mid),
        None => false,
    }
}

/// The request for the configured authority's discovery document.
pub(crate) fn discovery_request(cfg: &Config) -> HttpRequest {
    HttpRequest {
        method: Method::Get,
        url: cfg.discovery_url(),
        headers: vec![("Accept".into(), "application/json".into())],
        body: None,
    }
}

/// The answer to [`discovery_request`]: `Err(reason)` when the request did not complete, else the response.
pub(crate) fn read_discovery(
    req: &HttpRequest,
    answer: Result<HttpResponse, impl std::fmt::Display>,
    authority: &str,
) -> Result<ProviderMetadata, AuthError> {
    let url = &req.url;
    let resp = answer.map_err(|e| {
        AuthError::Discovery(format!("Could not load the sign-in service's discovery document from {url}: {e}"))
    })?;
    if !resp.is_success() {
        return Err(AuthError::Discovery(format!(
            "The sign-in service's discovery document at {url} answered HTTP {}. Check \"authority\" in config.json.",
            resp.status
        )));
    }
    parse_discovery(&resp.body, authority).map_err(|e| AuthError::Discovery(e.to_string()))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";

    fn entra_doc(tenant_in_issuer: &str) -> String {
        format!(
            r#"{{"token_endpoint":"https://login.microsoftonline.com/{tenant_in_issuer}/oauth2/v2.0/token",
            "token_endpoint_auth_methods_supported":["client_secret_post","private_key_jwt","client_secret_basic"],
            "jwks_uri":"https://login.microsoftonline.com/{tenant_in_issuer}/discovery/v2.0/keys",
            "response_modes_supported":["query","fragment","form_post"],
            "response_types_supported":["code","id_token","code id_token","id_token token"],
            "scopes_supported":["openid","profile","email","offline_access"],
            "issuer":"https://login.microsoftonline.com/{tenant_in_issuer}/v2.0",
            "request_uri_parameter_supported":false,
            "authorization_endpoint":"https://login.microsoftonline.com/{tenant_in_issuer}/oauth2/v2.0/authorize",
            "end_session_endpoint":"https://login.microsoftonline.com/{tenant_in_issuer}/oauth2/v2.0/logout",
            "http_logout_supported":true,"frontchannel_logout_supported":true,
            "tenant_region_scope":"WW","cloud_instance_name":"microsoftonline.com"}}"#
        )
    }

    #[test]
    fn endpoints_must_be_on_exactly_a_microsoft_login_host() {
        let a = "https://login.microsoftonline.com/t/v2.0";
        assert!(same_authority_host(a, "https://login.microsoftonline.com/t/oauth2/v2.0/token"));
        assert!(same_authority_host(a, "https://login.microsoft.com/t/oauth2/v2.0/token"));
        for bad in [
            "https://evil.microsoft.com/t/oauth2/v2.0/token",
            "https://attacker.login.microsoftonline.com/t/token",
            "https://evil.example\\.login.microsoftonline.com/t/token",
            "https://login.microsoftonline.com@evil.example/t/token",
            "https://evil.example%2elogin.microsoftonline.com/t/token",
        ] {
            assert!(!same_authority_host(a, bad), "{bad}");
        }
    }

    #[test]
    fn discovery_answers_by_cause() {
        let cfg = crate::config::parse_config(&format!(
            r#"{{"authority":"https://login.microsoftonline.com/{TENANT}/v2.0","client_id":"11111111-2222-3333-4444-555555555555"}}"#
        ))
        .unwrap();
        let req = discovery_request(&cfg);
        assert_eq!(
            req.url,
            format!("https://login.microsoftonline.com/{TENANT}/v2.0/.well-known/openid-configuration")
        );
        let ok = HttpResponse { status: 200, headers: vec![], body: entra_doc(TENANT) };
        assert_eq!(read_discovery(&req, Ok::<_, &str>(ok.clone()), &cfg.authority).unwrap().issuer, cfg.authority);
        let AuthError::Discovery(m) = read_discovery(&req, Err("offline"), &cfg.authority).unwrap_err() else {
            panic!()
        };
        assert!(m.contains(&req.url) && m.ends_with(": offline"), "{m}");
        let gone = HttpResponse { status: 404, ..ok.clone() };
        let AuthError::Discovery(m) = read_discovery(&req, Ok::<_, &str>(gone), &cfg.authority).unwrap_err() else {
            panic!()
        };
        assert!(m.contains("HTTP 404") && m.contains("\"authority\""), "{m}");
        let other = read_discovery(&req, Ok::<_, &str>(ok), "https://login.microsoftonline.com/other/v2.0");
        assert!(matches!(other, Err(AuthError::Discovery(_))));
    }

    #[test]
    fn single_tenant_ok() {
        let a = format!("https://login.microsoftonline.com/{TENANT}/v2.0");
        let m = parse_discovery(&entra_doc(TENANT), &a).unwrap();
        assert_eq!(m.expected_issuer(None), Some(a.clone()));
        assert!(m.end_session_endpoint.is_some());
        assert!(!m.iss_parameter_supported);
        // trailing slash on the authority is not a mismatch
        assert!(parse_discovery(&entra_doc(TENANT), &format!("{a}/")).is_ok());
    }

    #[test]
    fn organizations_template() {
        let m =
            parse_discovery(&entra_doc("{tenantid}"), "https://login.microsoftonline.com/organizations/v2.0").unwrap();
        assert!(m.is_issuer_template());
        assert_eq!(m.expected_issuer(Some(TENANT)), Some(format!("https://login.microsoftonline.com/{TENANT}/v2.0")));
        assert_eq!(m.expected_issuer(None), None);
        assert_eq!(m.expected_issuer(Some("../evil")), None);
        assert!(matches_issuer_template(&m.issuer, &format!("https://login.microsoftonline.com/{TENANT}/v2.0")));
        assert!(!matches_issuer_template(&m.issuer, "https://login.microsoftonline.com/evil/v2.0"));
    }

    #[test]
    fn template_refused_for_single_tenant_authority() {
        let e = parse_discovery(&entra_doc("{tenantid}"), &format!("https://login.microsoftonline.com/{TENANT}/v2.0"))
            .unwrap_err();
        assert!(matches!(e, DiscoveryError::IssuerMismatch { .. }));
    }

    #[test]
    fn issuer_mismatch() {
        let e = parse_discovery(
            &entra_doc(TENANT),
            "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0",
        )
        .unwrap_err();
        assert!(e.to_string().contains("issuer"));
        let doc = entra_doc(TENANT).replace(
            "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0",
            "https://evil.example/v2.0",
        );
        assert!(parse_discovery(&doc, &format!("https://login.microsoftonline.com/{TENANT}/v2.0")).is_err());
    }

    #[test]
    fn domain_tenant_accepts_guid_issuer() {
        assert!(parse_discovery(&entra_doc(TENANT), "https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0")
            .is_ok());
    }

    #[test]
    fn bad_endpoints_and_pkce() {
        let a = format!("https://login.microsoftonline.com/{TENANT}/v2.0");
        let doc = entra_doc(TENANT).replace(
            "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/token",
            "http://login.microsoftonline.com/x",
        );
        assert!(matches!(
            parse_discovery(&doc, &a).unwrap_err(),
            DiscoveryError::BadEndpoint { field: "token_endpoint", .. }
        ));
        let doc = entra_doc(TENANT).replace(
            "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/authorize",
            "https://evil.example/authorize",
        );
        assert!(parse_discovery(&doc, &a).is_err());
        let doc = entra_doc(TENANT).replacen('{', r#"{"code_challenge_methods_supported":["plain"],"#, 1);
        assert!(matches!(parse_discovery(&doc, &a).unwrap_err(), DiscoveryError::NoS256(_)));
        let doc = entra_doc(TENANT).replacen(
            '{',
            r#"{"code_challenge_methods_supported":["S256"],"authorization_response_iss_parameter_supported":true,"#,
            1,
        );
        let m = parse_discovery(&doc, &a).unwrap();
        assert!(m.iss_parameter_supported);
        assert!(parse_discovery("[]", &a).is_err());
        assert!(parse_discovery("{}", &a).is_err());
        assert!(parse_discovery("<html>", &a).is_err());
    }

    #[test]
    fn loopback_sandbox() {
        let doc = r#"{"issuer":"http://127.0.0.1:8081/t/v2.0","authorization_endpoint":"http://127.0.0.1:8081/t/oauth2/v2.0/authorize","token_endpoint":"http://127.0.0.1:8081/t/oauth2/v2.0/token"}"#;
        assert!(parse_discovery(doc, "http://127.0.0.1:8081/t/v2.0").is_ok());
    }
}
