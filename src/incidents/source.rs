//! Everything the app knows about each incidents API, in one description per [`Source`]: product name,
//! default base URL and scope, incidents path, permissions, page limit, field names, enum spelling. Every
//! module reads these; adding a source is a `Source` variant, one description here, and its tests.
//!
//! Also the one home of the link to an incident in the Microsoft Defender portal, the same for both sources.

use crate::http::percent_encode;
use crate::incidents::model::Incident;

/// Which incidents API the app reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Microsoft Defender XDR `api.security.microsoft.com/api/incidents` (`Incident.Read`).
    Defender,
    /// Microsoft Graph `/v1.0/security/incidents` (`SecurityIncident.Read.All`).
    Graph,
}

impl Source {
    /// Every source, for reading `config.json`'s `"source"` (each description names its own value).
    pub(crate) const ALL: [Source; 2] = [Source::Defender, Source::Graph];

    /// Default API base URL for this source.
    pub fn default_api_base(&self) -> &'static str {
        api(*self).default_api_base
    }

    /// Default (least-privilege) API scope for this source.
    pub(crate) fn default_scope(&self) -> &'static str {
        api(*self).default_scope
    }

    /// Human name of the API.
    pub fn label(&self) -> &'static str {
        api(*self).product
    }
}

/// How an API spells enum values given as Defender's PascalCase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// As Defender spells them: `InProgress`.
    Pascal,
    /// First letter lowercase: `inProgress`.
    Camel,
}

impl Case {
    /// `pascal` in this case.
    pub fn apply(self, pascal: &str) -> String {
        let mut c = pascal.chars();
        match (self, c.next()) {
            (Case::Pascal, _) => pascal.to_string(),
            (Case::Camel, Some(f)) => f.to_ascii_lowercase().to_string() + c.as_str(),
            (Case::Camel, None) => String::new(),
        }
    }
}

/// The JSON an API speaks: its incident shape, enum spellings, tag and comment fields. Code that differs by wire
/// format matches on this, never on [`Source`], so a new source that speaks a known dialect is one table entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Defender XDR's `/api/incidents`: PascalCase values, `tags`, a comment inside the PATCH, numeric ids.
    Defender,
    /// Microsoft Graph security: camelCase values, `customTags`, comments posted to their own endpoint.
    Graph,
}

/// How an API's list is paged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paging {
    /// `$top` + `$skip` offsets; a full page may have more after it (Defender: no total count).
    Skip,
    /// The server's `@odata.nextLink`, and `@odata.count` for the total (Graph).
    NextLink,
}

/// One incidents API.
#[derive(Debug, PartialEq, Eq)]
pub struct Api {
    /// `config.json`'s `"source"` value that picks it.
    pub config_name: &'static str,
    /// Product name, for people.
    pub product: &'static str,
    /// Base URL when `config.json` gives none.
    pub default_api_base: &'static str,
    /// The least-privilege scope to ask for when `config.json` gives none.
    pub default_scope: &'static str,
    /// Path of the incidents list under the base URL.
    pub incidents_path: &'static str,
    /// The delegated permission the incidents list needs.
    pub required_scope: &'static str,
    /// Any of these permissions lets the list work.
    pub accepted_scopes: &'static [&'static str],
    /// The largest `$top` the API accepts.
    pub max_page: u32,
    /// Field holding an incident's id.
    pub id_field: &'static str,
    /// Field holding an incident's name.
    pub name_field: &'static str,
    /// Field holding the last update time (also for `$filter`).
    pub updated_field: &'static str,
    /// Field holding the creation time (also for `$filter`).
    pub created_field: &'static str,
    /// How enum values are spelled in `$filter`.
    pub status_case: Case,
    /// Ask for evolvable enum members as they are (`Prefer: include-unknown-enum-members`).
    pub prefer_unknown_enum_members: bool,
    /// The wire format.
    pub dialect: Dialect,
    /// How the list is paged.
    pub paging: Paging,
    /// The delegated permissions that allow writes (update and comment), least privileged first.
    pub write_scopes: &'static [&'static str],
    /// The page's calls as the API's documentation writes them: list, read one, update, comment.
    pub endpoints: [&'static str; 4],
    /// The user's role a read needs (the other half of a delegated call), for people.
    pub read_role: &'static str,
    /// The user's role a write needs, for people.
    pub write_role: &'static str,
    /// The API documents a way to clear an incident's owner.
    pub can_unassign: bool,
}

const DEFENDER: Api = Api {
    config_name: "defender",
    product: "Microsoft Defender XDR",
    default_api_base: "https://api.security.microsoft.com",
    default_scope: "https://api.security.microsoft.com/Incident.Read",
    incidents_path: "/api/incidents",
    required_scope: "Incident.Read",
    accepted_scopes: &["Incident.Read", "Incident.ReadWrite"],
    // Documented maximum.
    max_page: 100,
    id_field: "incidentId",
    name_field: "incidentName",
    updated_field: "lastUpdateTime",
    created_field: "createdTime",
    status_case: Case::Pascal,
    prefer_unknown_enum_members: false,
    dialect: Dialect::Defender,
    paging: Paging::Skip,
    // api-update-incidents.md: delegated Incident.ReadWrite.
    write_scopes: &["Incident.ReadWrite"],
    endpoints: [
        "GET /api/incidents",
        "GET /api/incidents/{id}",
        "PATCH /api/incidents/{id}",
        "PATCH /api/incidents/{id} (comment)",
    ],
    read_role: "a Defender role that can view incidents",
    write_role: "Security Operator or Security Administrator (Entra roles), or a Defender role that can manage incidents (the API allows what the portal allows)",
    // The update page documents no way to clear assignedTo.
    can_unassign: false,
};

const GRAPH: Api = Api {
    config_name: "graph",
    product: "Microsoft Graph security API",
    default_api_base: "https://graph.microsoft.com",
    default_scope: "https://graph.microsoft.com/SecurityIncident.Read.All",
    incidents_path: "/v1.0/security/incidents",
    required_scope: "SecurityIncident.Read.All",
    accepted_scopes: &["SecurityIncident.Read.All", "SecurityIncident.ReadWrite.All"],
    // Graph answers 400 above 50.
    max_page: 50,
    id_field: "id",
    name_field: "displayName",
    updated_field: "lastUpdateDateTime",
    created_field: "createdDateTime",
    status_case: Case::Camel,
    prefer_unknown_enum_members: true,
    dialect: Dialect::Graph,
    paging: Paging::NextLink,
    // security-incident-update / -post-comments permissions: least privileged, nothing lower.
    write_scopes: &["SecurityIncident.ReadWrite.All"],
    endpoints: [
        "GET /v1.0/security/incidents",
        "GET /v1.0/security/incidents/{id}",
        "PATCH /v1.0/security/incidents/{id}",
        "POST /v1.0/security/incidents/{id}/comments",
    ],
    read_role: "an Entra role such as Security Reader, Security Operator or Security Administrator",
    write_role: "an Entra role such as Security Operator or Security Administrator",
    // assignedTo: "or null if no owner is assigned".
    can_unassign: true,
};

/// The description of `source`.
pub fn api(source: Source) -> &'static Api {
    match source {
        Source::Defender => &DEFENDER,
        Source::Graph => &GRAPH,
    }
}

/// The Microsoft Defender portal: the only place incident links may point.
pub const PORTAL: &str = "https://security.microsoft.com/";

/// Only `https://security.microsoft.com/…` links survive: the UI renders them as `<a href>`.
pub fn safe_portal_url(u: &str) -> Option<String> {
    let ok = u.len() <= 2048
        && u.get(..PORTAL.len()).is_some_and(|p| p.eq_ignore_ascii_case(PORTAL))
        && !u.chars().any(|c| c.is_whitespace() || c.is_control() || c == '\\' || c == '"' || c == '<' || c == '>');
    ok.then(|| u.to_string())
}

/// `https://security.microsoft.com/incidents/{id}?tid={tenant}` with both parts percent-encoded (the pattern of
/// Graph's `incidentWebUrl`).
fn portal_incident_url(id: &str, tenant: Option<&str>) -> String {
    let mut u = format!("{PORTAL}incidents/{}", percent_encode(id));
    if let Some(t) = tenant.filter(|t| !t.is_empty()) {
        u.push_str("?tid=");
        u.push_str(&percent_encode(t));
    }
    u
}

/// The link to `inc` in the Defender portal: Graph's own `incidentWebUrl` when it gave one, else built from the
/// id and the signed-in tenant. Only links to the portal's own https host are returned: an API or a hostile
/// payload can't plant another.
pub fn portal_link(inc: &Incident, tenant: Option<&str>) -> Option<String> {
    let url = match &inc.web_url {
        Some(u) => u.clone(),
        None => portal_incident_url(&inc.id, tenant),
    };
    url.starts_with(PORTAL).then_some(url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incidents::model::{Severity, Status};

    fn incident(id: &str, web_url: Option<&str>) -> Incident {
        Incident {
            web_url: web_url.map(str::to_string),
            ..crate::incidents::fixture::inc(id, Severity::High, Status::Active, 0)
        }
    }

    #[test]
    fn portal_link_is_built_encoded_or_taken_from_graph() {
        assert_eq!(
            portal_link(&incident("42/x", None), Some("t-1")).as_deref(),
            Some("https://security.microsoft.com/incidents/42%2Fx?tid=t-1")
        );
        assert_eq!(
            portal_link(&incident("42", None), None).as_deref(),
            Some("https://security.microsoft.com/incidents/42")
        );
        assert_eq!(
            portal_link(&incident("42", None), Some("")).as_deref(),
            Some("https://security.microsoft.com/incidents/42")
        );
        let g = "https://security.microsoft.com/incidents/7?tid=abc";
        assert_eq!(portal_link(&incident("7", Some(g)), Some("other")).as_deref(), Some(g), "Graph's own link wins");
        assert_eq!(portal_link(&incident("7", Some("https://evil.example/x")), None), None);
        assert_eq!(
            portal_link(&incident("7", Some("HTTPS://SECURITY.MICROSOFT.COM/x")), None),
            None,
            "exact host only"
        );
        let hostile = portal_link(&incident("1?tid=x#\"><script>", None), None).unwrap_or_default();
        assert!(!hostile.contains(['"', '<', '#']) && hostile.starts_with(PORTAL), "{hostile}");
    }

    #[test]
    fn portal_url_filter() {
        assert!(safe_portal_url("https://security.microsoft.com/incidents/1?tid=x").is_some());
        assert!(safe_portal_url("HTTPS://SECURITY.MICROSOFT.COM/incidents/1").is_some());
        assert!(safe_portal_url("https://security.microsoft.com.evil.example/x").is_none());
        assert!(safe_portal_url("https://security.microsoft.com@evil.example/x").is_none());
        assert!(safe_portal_url("http://security.microsoft.com/x").is_none());
        assert!(safe_portal_url("").is_none());
    }

    #[test]
    fn each_source_is_described_once_and_consistently() {
        let names: Vec<_> = Source::ALL.iter().map(|s| api(*s).config_name).collect();
        assert!(names.iter().enumerate().all(|(i, n)| !names[i + 1..].contains(n)), "config names are unique");
        for s in Source::ALL {
            let a = api(s);
            assert!(a.write_scopes.iter().all(|w| a.accepted_scopes.contains(w)), "{s:?}: writes can also read");
            assert!(a.endpoints[0].ends_with(a.incidents_path), "{s:?}: the list endpoint is the incidents path");
            let a = api(s);
            assert!(a.default_scope.starts_with(a.default_api_base), "{s:?}: the scope is the API's resource");
            assert!(a.default_scope.ends_with(a.required_scope), "{s:?}: the default scope is the required one");
            assert!(a.accepted_scopes.contains(&a.required_scope));
            assert!(a.incidents_path.starts_with('/') && a.max_page > 0);
            assert!(a.product.starts_with("Microsoft "));
        }
        assert_ne!(api(Source::Defender), api(Source::Graph));
        assert_eq!(api(Source::Defender).product, "Microsoft Defender XDR");
        assert_eq!((api(Source::Defender).max_page, api(Source::Graph).max_page), (100, 50));
        assert_eq!(Case::Camel.apply("InProgress"), "inProgress");
        assert_eq!(Case::Pascal.apply("InProgress"), "InProgress");
        assert_eq!(Case::Camel.apply(""), "");
    }
}
