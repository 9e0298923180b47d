//! `config.json` → a validated [`Config`]: which tenant, which app registration, which incidents API.

use crate::http::{is_secure_url, split_url, with_query, HttpResponse};
use crate::incidents::source::Source;
use serde_json::Value;

/// Validated application configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Entra authority, e.g. `https://login.microsoftonline.com/{tenant}/v2.0`; no trailing slash.
    pub authority: String,
    /// Application (client) ID of the SPA registration.
    pub client_id: String,
    /// Which incidents API to call.
    pub source: Source,
    /// API base URL; no trailing slash.
    pub api_base: String,
    /// API scopes (all for one resource).
    pub scopes: Vec<String>,
    /// Fixed redirect URI; None means "this page's own URL".
    pub redirect_uri: Option<String>,
    /// Fixed post-logout redirect URI; None means "this page's own URL".
    pub post_logout_redirect_uri: Option<String>,
    /// The API's per-user limit of calls a minute (Defender documents 50); the page stays under it.
    pub rate_limit_per_minute: u32,
    /// The API's per-user limit of calls an hour (Defender documents 1,500).
    pub rate_limit_per_hour: u32,
    /// Where hunts go beside the Defender source: Microsoft Graph (`https://graph.microsoft.com`), or the
    /// sandbox's Graph origin; no trailing slash. (With the Graph source hunts go to `api_base`.)
    pub graph_base: String,
    /// Offer actions on incidents (assign, status, classify, tag, comment). The write permission is asked for
    /// only when the analyst first acts (incremental consent); `false` shows no action and never asks for it.
    pub actions: bool,
    /// Client capabilities declared on every sign-in and token request (`xms_cc` in the `claims` parameter):
    /// `cp1` (the default) tells Entra the page handles Continuous Access Evaluation's claims challenges, so a
    /// revoked session is refused at once instead of when its token expires. `[]` sends no `claims` parameter
    /// (for providers that refuse it).
    pub client_capabilities: Vec<String>,
}

/// What is wrong with `config.json`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// Not JSON at all.
    #[error("config.json is not valid JSON: {0}")]
    NotJson(String),
    /// JSON but not an object.
    #[error("config.json must be a JSON object like {{\"authority\": …, \"client_id\": …}}")]
    NotObject,
    /// Required field absent or empty.
    #[error("config.json: field \"{0}\" is missing or empty")]
    Missing(&'static str),
    /// Field has the wrong JSON type.
    #[error("config.json: field \"{field}\" must be {expected}")]
    WrongType {
        /// Field name.
        field: &'static str,
        /// What it should be.
        expected: &'static str,
    },
    /// The example placeholder was left in.
    #[error("config.json: field \"{field}\" still holds the placeholder \"{value}\"; replace it with your {what}")]
    Placeholder {
        /// Field name.
        field: &'static str,
        /// The placeholder found.
        value: String,
        /// What to put instead.
        what: &'static str,
    },
    /// URL not https (or http on loopback), or malformed.
    #[error("config.json: field \"{field}\" must be an https:// URL (http:// only for localhost), got \"{value}\"")]
    InsecureUrl {
        /// Field name.
        field: &'static str,
        /// Value given.
        value: String,
    },
    /// URL with `?` or `#`.
    #[error("config.json: field \"{field}\" must not contain a query (?) or fragment (#)")]
    QueryOrFragment {
        /// Field name.
        field: &'static str,
    },
    /// Unknown source.
    #[error("config.json: field \"source\" must be \"defender\" or \"graph\", got \"{0}\"")]
    UnknownSource(String),
    /// Scopes for several resources (Entra answers AADSTS700022).
    #[error("config.json: field \"scopes\" names more than one resource ({0}); a token covers one resource only (Entra would answer AADSTS700022)")]
    MultipleResources(String),
    /// A client capability that is not a short name.
    #[error("config.json: field \"client_capabilities\" must be an array of short names like [\"cp1\"] (or [] to declare none), got \"{0}\"")]
    BadCapability(String),
    /// client_id not a GUID-looking value.
    #[error("config.json: field \"client_id\" must be the Application (client) ID GUID from the app registration, got \"{0}\"")]
    BadClientId(String),
}

/// A valid example `config.json`; the `<…>` placeholders must be replaced (parse_config rejects them).
pub(crate) const EXAMPLE_CONFIG: &str = r#"{
  "_comment": "authority: https://login.microsoftonline.com/<tenant-id>/v2.0 (your Directory (tenant) ID; use 'organizations' for a multi-tenant app). client_id: the Application (client) ID of an app registration with a Single-page application redirect URI equal to this page's URL. source: 'defender' (api.security.microsoft.com, delegated Incident.Read) or 'graph' (graph.microsoft.com, delegated SecurityIncident.Read.All, admin consent). actions (optional, default true): offer assign/status/classify/tag/comment; the write permission is asked for only when the analyst first acts; false hides every action and never asks for it.",
  "authority": "https://login.microsoftonline.com/<tenant-id>/v2.0",
  "client_id": "<application-id>",
  "source": "graph",
  "scopes": ["https://graph.microsoft.com/SecurityIncident.Read.All"]
}"#;

fn get_str(obj: &serde_json::Map<String, Value>, field: &'static str) -> Result<Option<String>, ConfigError> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => {
            let t = s.trim();
            Ok(if t.is_empty() { None } else { Some(t.to_string()) })
        }
        Some(_) => Err(ConfigError::WrongType { field, expected: "a string" }),
    }
}

fn check_placeholder(field: &'static str, value: &str, what: &'static str) -> Result<(), ConfigError> {
    if value.contains('<')
        || value.contains('>')
        || value.contains("{tenant")
        || value.eq_ignore_ascii_case("your-client-id")
    {
        return Err(ConfigError::Placeholder { field, value: value.to_string(), what });
    }
    Ok(())
}

/// https (or http on loopback), without query or fragment.
fn check_uri(field: &'static str, value: &str) -> Result<(), ConfigError> {
    if !is_secure_url(value) {
        return Err(ConfigError::InsecureUrl { field, value: value.to_string() });
    }
    if value.contains('?') || value.contains('#') {
        return Err(ConfigError::QueryOrFragment { field });
    }
    Ok(())
}

/// A base URL (authority, API): checked, trailing slashes dropped so paths can be appended.
fn check_url(field: &'static str, value: &str) -> Result<String, ConfigError> {
    check_uri(field, value)?;
    Ok(value.trim_end_matches('/').to_string())
}

/// An optional redirect URI, kept exactly as written: Entra compares it character for character with the
/// registration.
fn redirect_field(
    obj: &serde_json::Map<String, Value>,
    field: &'static str,
    what: &'static str,
) -> Result<Option<String>, ConfigError> {
    let Some(s) = get_str(obj, field)? else { return Ok(None) };
    check_placeholder(field, &s, what)?;
    check_uri(field, &s)?;
    Ok(Some(s))
}

fn looks_like_guid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8usize, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The resource part of a scope: `https://graph.microsoft.com/X` → `https://graph.microsoft.com`; bare
/// scopes (`User.Read`) belong to Graph, as Entra reads them.
fn scope_resource(scope: &str) -> String {
    if let Some((scheme, host, _)) = split_url(scope) {
        return format!("{}://{}", scheme.to_ascii_lowercase(), host.to_ascii_lowercase());
    }
    if let Some(rest) = scope.strip_prefix("api://") {
        // api://{guid}/scope
        return format!("api://{}", rest.split('/').next().unwrap_or(rest).to_ascii_lowercase());
    }
    "https://graph.microsoft.com".to_string()
}

/// Parses and validates `config.json`. Unknown fields are ignored.
pub fn parse_config(json: &str) -> Result<Config, ConfigError> {
    let v: Value = serde_json::from_str(json).map_err(|e| ConfigError::NotJson(e.to_string()))?;
    let obj = v.as_object().ok_or(ConfigError::NotObject)?;

    let authority = get_str(obj, "authority")?.ok_or(ConfigError::Missing("authority"))?;
    check_placeholder("authority", &authority, "Directory (tenant) ID")?;
    let authority = check_url("authority", &authority)?;

    let client_id = get_str(obj, "client_id")?.ok_or(ConfigError::Missing("client_id"))?;
    check_placeholder("client_id", &client_id, "Application (client) ID")?;
    if !looks_like_guid(&client_id) {
        return Err(ConfigError::BadClientId(client_id));
    }

    let source = match get_str(obj, "source")? {
        None => Source::Defender,
        Some(s) => Source::ALL
            .into_iter()
            .find(|src| crate::incidents::source::api(*src).config_name.eq_ignore_ascii_case(&s))
            .ok_or(ConfigError::UnknownSource(s))?,
    };

    let api_base = match get_str(obj, "api_base")? {
        None => source.default_api_base().to_string(),
        Some(s) => {
            check_placeholder("api_base", &s, "API base URL")?;
            check_url("api_base", &s)?
        }
    };

    let graph_base = match get_str(obj, "graph_base")? {
        None => crate::incidents::source::api(Source::Graph).default_api_base.to_string(),
        Some(s) => {
            check_placeholder("graph_base", &s, "Microsoft Graph base URL")?;
            check_url("graph_base", &s)?
        }
    };

    let scopes = match obj.get("scopes") {
        None | Some(Value::Null) => vec![source.default_scope().to_string()],
        Some(Value::Array(items)) => {
            let mut out = Vec::new();
            for it in items {
                match it {
                    Value::String(s) if !s.trim().is_empty() => out.push(s.trim().to_string()),
                    _ => {
                        return Err(ConfigError::WrongType {
                            field: "scopes",
                            expected: "an array of non-empty strings",
                        })
                    }
                }
            }
            if out.is_empty() {
                return Err(ConfigError::Missing("scopes"));
            }
            out
        }
        Some(Value::String(s)) => {
            let out: Vec<String> = s.split_whitespace().map(str::to_string).collect();
            if out.is_empty() {
                return Err(ConfigError::Missing("scopes"));
            }
            out
        }
        Some(_) => return Err(ConfigError::WrongType { field: "scopes", expected: "an array of strings" }),
    };
    for s in &scopes {
        check_placeholder("scopes", s, "API scope")?;
    }
    // OIDC scopes are added by request_scopes(); only API scopes decide the resource.
    let api_only: Vec<&String> = scopes.iter().filter(|s| !is_oidc_scope(s)).collect();
    let mut resources: Vec<String> = api_only.iter().map(|s| scope_resource(s)).collect();
    resources.sort();
    resources.dedup();
    if resources.len() > 1 {
        return Err(ConfigError::MultipleResources(resources.join(", ")));
    }

    let redirect_uri = redirect_field(obj, "redirect_uri", "redirect URI")?;
    let post_logout_redirect_uri = redirect_field(obj, "post_logout_redirect_uri", "post-logout redirect URI")?;

    let limit = |field: &str, default: u32| -> u32 {
        obj.get(field).and_then(Value::as_u64).map(|n| n.clamp(1, 1_000_000) as u32).unwrap_or(default)
    };
    let rate_limit_per_minute = limit("rate_limit_per_minute", 50);
    let rate_limit_per_hour = limit("rate_limit_per_hour", 1500);
    let actions = match obj.get("actions") {
        None | Some(Value::Null) => true,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(ConfigError::WrongType { field: "actions", expected: "true or false" }),
    };
    let client_capabilities = capabilities(obj)?;
    Ok(Config {
        authority,
        client_id,
        source,
        api_base,
        graph_base,
        scopes,
        redirect_uri,
        post_logout_redirect_uri,
        rate_limit_per_minute,
        rate_limit_per_hour,
        actions,
        client_capabilities,
    })
}

/// `client_capabilities`: absent means `["cp1"]` (CAE); else at most 10 short names of letters, digits, `-`, `_`
/// (they travel inside the `claims` JSON).
fn capabilities(obj: &serde_json::Map<String, Value>) -> Result<Vec<String>, ConfigError> {
    let wrong = ConfigError::WrongType { field: "client_capabilities", expected: "an array of strings" };
    let items = match obj.get("client_capabilities") {
        None | Some(Value::Null) => return Ok(vec!["cp1".into()]),
        Some(Value::Array(items)) => items,
        Some(_) => return Err(wrong),
    };
    let mut out: Vec<String> = Vec::new();
    for it in items {
        let c = it.as_str().ok_or(wrong.clone())?.trim();
        let short = !c.is_empty() && c.len() <= 32 && c.chars().all(|x| x.is_ascii_alphanumeric() || "-_".contains(x));
        if !short || out.len() >= 10 {
            return Err(ConfigError::BadCapability(crate::format::cap(c, 40)));
        }
        if !out.iter().any(|o| o == c) {
            out.push(c.to_string());
        }
    }
    Ok(out)
}

/// The answer to fetching `config.json` (`Err(reason)` when the request did not complete), as the sentence
/// the page shows when it is unusable.
pub(crate) fn read_config(answer: Result<HttpResponse, impl std::fmt::Display>) -> Result<Config, String> {
    let resp = answer.map_err(|e| format!("config.json could not be loaded: {e}"))?;
    match resp.status {
        200..=299 => parse_config(&resp.body).map_err(|e| format!("config.json is not valid: {e}")),
        404 => Err("config.json was not found next to index.html. Every deployment needs one.".into()),
        s => Err(format!("config.json could not be loaded (HTTP {s}).")),
    }
}

fn is_oidc_scope(s: &str) -> bool {
    matches!(s, "openid" | "profile" | "offline_access" | "email")
}

/// Strips query and fragment from a page URL.
fn page_base(page: &str) -> String {
    let end = page.find(['?', '#']).unwrap_or(page.len());
    page.get(..end).unwrap_or(page).to_string()
}

impl Config {
    /// The API scopes (one resource) as configured.
    pub(crate) fn api_scopes(&self) -> &[String] {
        &self.scopes
    }

    /// The full scope string for the permission `short` on the configured API's resource (the resource of the
    /// first API scope): `Incident.ReadWrite` → `https://api.security.microsoft.com/Incident.ReadWrite`.
    pub(crate) fn scope_on_resource(&self, short: &str) -> String {
        let resource = self
            .scopes
            .iter()
            .find(|s| !is_oidc_scope(s))
            .map(|s| scope_resource(s))
            .unwrap_or_else(|| scope_resource(self.source.default_scope()));
        format!("{resource}/{short}")
    }

    /// The `scope` parameter: `openid profile offline_access` plus the API scopes.
    pub(crate) fn request_scopes(&self) -> String {
        self.request_scopes_with(&[])
    }

    /// The sign-in's scopes plus `extra` (incremental consent: the same resource, one more permission).
    pub(crate) fn request_scopes_with(&self, extra: &[String]) -> String {
        let mut out: Vec<&str> = vec!["openid", "profile", "offline_access"];
        for s in self.scopes.iter().chain(extra) {
            if !out.contains(&s.as_str()) {
                out.push(s);
            }
        }
        out.join(" ")
    }

    /// The redirect URI: configured, or the page's own URL without query/fragment.
    pub(crate) fn redirect_uri_for(&self, page_url_without_query: &str) -> String {
        self.redirect_uri.clone().unwrap_or_else(|| page_base(page_url_without_query))
    }

    /// The post-logout redirect URI: configured, or the page's own URL without query/fragment.
    pub(crate) fn post_logout_uri_for(&self, page: &str) -> String {
        self.post_logout_redirect_uri.clone().unwrap_or_else(|| page_base(page))
    }

    /// Entra's admin-consent endpoint for this app and its configured permissions; `page` is this page's URL.
    pub(crate) fn admin_consent_url(&self, page: &str) -> String {
        with_query(
            &format!("{}/adminconsent", self.authority),
            &[
                ("client_id", &self.client_id),
                ("scope", &self.api_scopes().join(" ")),
                ("redirect_uri", &self.redirect_uri_for(page)),
            ],
        )
    }

    /// OpenID discovery document URL.
    pub(crate) fn discovery_url(&self) -> String {
        format!("{}/.well-known/openid-configuration", self.authority)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_capabilities_default_to_cp1_and_can_be_turned_off() {
        let with = |extra: &str| {
            parse_config(&format!(
                r#"{{"authority":"https://login.microsoftonline.com/t/v2.0","client_id":"00000000-0000-0000-0000-000000000001"{extra}}}"#
            ))
        };
        assert_eq!(with("").unwrap().client_capabilities, ["cp1"]);
        assert_eq!(with(r#","client_capabilities":null"#).unwrap().client_capabilities, ["cp1"]);
        assert!(with(r#","client_capabilities":[]"#).unwrap().client_capabilities.is_empty());
        assert_eq!(
            with(r#","client_capabilities":[" cp1 ","cp1","x_2"]"#).unwrap().client_capabilities,
            ["cp1", "x_2"]
        );
        for bad in [r#""cp1""#, "[1]", "true"] {
            let e = with(&format!(r#","client_capabilities":{bad}"#)).unwrap_err();
            assert!(matches!(e, ConfigError::WrongType { field: "client_capabilities", .. }), "{bad}: {e:?}");
        }
        for bad in [r#"[""]"#, r#"["c\"p"]"#, r#"["a b"]"#, &format!(r#"["{}"]"#, "x".repeat(33))] {
            let e = with(&format!(r#","client_capabilities":{bad}"#)).unwrap_err();
            assert!(matches!(e, ConfigError::BadCapability(_)), "{bad}: {e:?}");
            assert!(e.to_string().contains("client_capabilities"), "{e}");
        }
    }

    const CID: &str = "11111111-2222-3333-4444-555555555555";

    fn cfg(extra: &str) -> Result<Config, ConfigError> {
        parse_config(&format!(
            r#"{{"authority":"https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0/","client_id":"{CID}"{extra}}}"#
        ))
    }

    #[test]
    fn defaults_defender() {
        let c = cfg("").unwrap();
        assert_eq!(c.authority, "https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0");
        assert_eq!(c.source, Source::Defender);
        assert_eq!(c.api_base, "https://api.security.microsoft.com");
        assert_eq!(c.scopes, vec!["https://api.security.microsoft.com/Incident.Read"]);
        assert_eq!(
            c.request_scopes(),
            "openid profile offline_access https://api.security.microsoft.com/Incident.Read"
        );
        assert_eq!(
            c.discovery_url(),
            "https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration"
        );
    }

    #[test]
    fn hunts_beside_defender_go_to_graph_or_the_configured_graph_base() {
        assert_eq!(cfg("").unwrap().graph_base, "https://graph.microsoft.com");
        assert_eq!(cfg(r#","graph_base":"http://127.0.0.1:8403/""#).unwrap().graph_base, "http://127.0.0.1:8403");
        assert!(cfg(r#","graph_base":"http://graph.example""#).unwrap_err().to_string().contains("\"graph_base\""));
    }

    #[test]
    fn defaults_graph_and_unknown_fields_ignored() {
        let c = cfg(r#","source":"Graph","whatever":{"x":1}"#).unwrap();
        assert_eq!(c.api_base, "https://graph.microsoft.com");
        assert_eq!(c.scopes, vec!["https://graph.microsoft.com/SecurityIncident.Read.All"]);
    }

    #[test]
    fn example_is_rejected_for_placeholders() {
        let e = parse_config(EXAMPLE_CONFIG).unwrap_err();
        assert!(e.to_string().contains("authority"), "{e}");
        let fixed = EXAMPLE_CONFIG.replace("<tenant-id>", "organizations").replace("<application-id>", CID);
        assert!(parse_config(&fixed).is_ok());
    }

    #[test]
    fn errors_name_the_field() {
        assert_eq!(parse_config("[]").unwrap_err(), ConfigError::NotObject);
        assert!(matches!(parse_config("nope").unwrap_err(), ConfigError::NotJson(_)));
        let e = parse_config(&format!(r#"{{"client_id":"{CID}"}}"#)).unwrap_err();
        assert!(e.to_string().contains("\"authority\""));
        let e = parse_config(r#"{"authority":"https://login.microsoftonline.com/x/v2.0","client_id":""}"#).unwrap_err();
        assert!(e.to_string().contains("\"client_id\""));
        let e =
            parse_config(r#"{"authority":"https://login.microsoftonline.com/x/v2.0","client_id":"<application-id>"}"#)
                .unwrap_err();
        assert!(e.to_string().contains("client_id") && e.to_string().contains("placeholder"));
        let e =
            parse_config(r#"{"authority":"https://login.microsoftonline.com/x/v2.0","client_id":"abc"}"#).unwrap_err();
        assert!(e.to_string().contains("client_id"));
        let e =
            parse_config(&format!(r#"{{"authority":"http://login.microsoftonline.com/x/v2.0","client_id":"{CID}"}}"#))
                .unwrap_err();
        assert!(e.to_string().contains("\"authority\"") && e.to_string().contains("https"));
        let e = parse_config(&format!(
            r#"{{"authority":"https://login.microsoftonline.com/x/v2.0?x=1","client_id":"{CID}"}}"#
        ))
        .unwrap_err();
        assert!(e.to_string().contains("\"authority\""));
        let e = cfg(r#","api_base":"ftp://x""#).unwrap_err();
        assert!(e.to_string().contains("\"api_base\""));
        let e = cfg(r#","source":"sentinel""#).unwrap_err();
        assert!(e.to_string().contains("\"source\""));
        let e = cfg(r#","scopes":["https://graph.microsoft.com/SecurityIncident.Read.All","https://api.security.microsoft.com/Incident.Read"]"#).unwrap_err();
        assert!(e.to_string().contains("\"scopes\"") && e.to_string().contains("AADSTS700022"));
        let e = cfg(r#","scopes":7"#).unwrap_err();
        assert!(e.to_string().contains("\"scopes\""));
        let e = cfg(r#","scopes":[]"#).unwrap_err();
        assert!(e.to_string().contains("\"scopes\""));
        let e = cfg(r#","authority":5"#);
        assert!(e.is_ok() || e.unwrap_err().to_string().contains("authority"));
        let e = cfg(r#","redirect_uri":"https://app.example/#x""#).unwrap_err();
        assert!(e.to_string().contains("\"redirect_uri\""));
    }

    /// Both redirect URIs go through one check; `post_logout_redirect_uri` used to skip the `?`/`#` one.
    #[test]
    fn both_redirect_uris_are_checked_the_same_way() {
        for field in ["redirect_uri", "post_logout_redirect_uri"] {
            let with = |v: &str| cfg(&format!(r#","{field}":"{v}""#));
            let c = with("https://app.example/spa/").unwrap();
            let kept = if field == "redirect_uri" { &c.redirect_uri } else { &c.post_logout_redirect_uri };
            assert_eq!(kept.as_deref(), Some("https://app.example/spa/"), "kept exactly, trailing slash too");
            assert_eq!(with("  ").unwrap(), cfg("").unwrap(), "blank means this page's own URL");
            assert_eq!(with("https://app.example/?x=1").unwrap_err(), ConfigError::QueryOrFragment { field });
            assert_eq!(with("https://app.example/#/x").unwrap_err(), ConfigError::QueryOrFragment { field });
            assert_eq!(
                with("http://app.example/").unwrap_err(),
                ConfigError::InsecureUrl { field, value: "http://app.example/".into() }
            );
            assert!(
                matches!(with("https://<your-host>/").unwrap_err(), ConfigError::Placeholder { field: f, .. } if f == field)
            );
            assert!(with("http://localhost:8080/").is_ok());
            assert_eq!(
                cfg(&format!(r#","{field}":7"#)).unwrap_err(),
                ConfigError::WrongType { field, expected: "a string" }
            );
        }
    }

    #[test]
    fn admin_consent_url_names_the_app_its_scopes_and_where_to_come_back() {
        let c = cfg(r#","source":"graph""#).unwrap();
        assert_eq!(
            c.admin_consent_url("https://app.example/spa/#/incidents"),
            format!(
                "https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0/adminconsent?client_id={CID}\
                 &scope=https%3A%2F%2Fgraph.microsoft.com%2FSecurityIncident.Read.All&redirect_uri=https%3A%2F%2Fapp.example%2Fspa%2F"
            )
        );
    }

    #[test]
    fn reading_config_json_says_what_went_wrong() {
        let answer =
            |status: u16, body: &str| Ok::<_, &str>(HttpResponse { status, headers: vec![], body: body.into() });
        let good = format!(r#"{{"authority":"https://login.microsoftonline.com/x/v2.0","client_id":"{CID}"}}"#);
        assert_eq!(read_config(answer(200, &good)), Ok(parse_config(&good).unwrap()));
        assert!(read_config(answer(200, "nope")).unwrap_err().starts_with("config.json is not valid: "));
        assert!(read_config(answer(404, "")).unwrap_err().contains("not found next to index.html"));
        assert_eq!(read_config(answer(500, "")).unwrap_err(), "config.json could not be loaded (HTTP 500).");
        assert_eq!(
            read_config(Err::<HttpResponse, _>("offline")).unwrap_err(),
            "config.json could not be loaded: offline"
        );
    }

    #[test]
    fn loopback_http_allowed() {
        let c = parse_config(&format!(r#"{{"authority":"http://127.0.0.1:9000/tenant/v2.0","client_id":"{CID}","api_base":"http://localhost:9000/"}}"#)).unwrap();
        assert_eq!(c.api_base, "http://localhost:9000");
    }

    #[test]
    fn uris_and_portal() {
        let c = cfg("").unwrap();
        assert_eq!(c.redirect_uri_for("https://app.example/spa/?code=1#x"), "https://app.example/spa/");
        assert_eq!(c.post_logout_uri_for("https://app.example/spa/#/incidents"), "https://app.example/spa/");
        let c = cfg(r#","redirect_uri":"https://app.example/cb""#).unwrap();
        assert_eq!(c.redirect_uri_for("https://other/"), "https://app.example/cb");
    }

    /// Issue 14: actions are on unless a deployment says `"actions": false`, and the sign-in never asks for a
    /// write permission by itself: it is requested (same resource) only when the analyst first acts.
    #[test]
    fn actions_default_on_and_the_sign_in_asks_only_to_read() {
        assert!(cfg("").unwrap().actions);
        assert!(!cfg(r#","actions":false"#).unwrap().actions);
        assert!(cfg(r#","actions":null"#).unwrap().actions);
        assert_eq!(
            cfg(r#","actions":"no""#).unwrap_err(),
            ConfigError::WrongType { field: "actions", expected: "true or false" }
        );
        for source in ["defender", "graph"] {
            let c = cfg(&format!(r#","source":"{source}""#)).unwrap();
            let write = crate::incidents::source::api(c.source).write_scopes;
            assert!(!write.is_empty());
            for w in write {
                assert!(!c.request_scopes().to_lowercase().contains(&w.to_lowercase()), "{source}: {w}");
            }
        }
        let c = cfg("").unwrap();
        let up = c.scope_on_resource("Incident.ReadWrite");
        assert_eq!(up, "https://api.security.microsoft.com/Incident.ReadWrite");
        assert_eq!(
            c.request_scopes_with(&[up]),
            "openid profile offline_access https://api.security.microsoft.com/Incident.Read https://api.security.microsoft.com/Incident.ReadWrite"
        );
        let g = cfg(r#","source":"graph","scopes":["SecurityIncident.Read.All"]"#).unwrap();
        assert_eq!(
            g.scope_on_resource("SecurityIncident.ReadWrite.All"),
            "https://graph.microsoft.com/SecurityIncident.ReadWrite.All"
        );
    }
}
