//! The sandbox tenant: its users, the one app registration and the known resource APIs.

/// The fixed sandbox tenant id.
pub const TENANT_ID: &str = "5a4db0c0-0b1e-4e5a-9c7d-5a0db0c0ffee";
/// The SPA's client id.
pub const CLIENT_ID: &str = "c1e7d0b0-4a1f-4b0e-8a11-0b0e4a1f0001";
/// Display name of the app registration (shown on the consent page).
pub(crate) const APP_NAME: &str = "Onbehalf (sandbox)";
/// Defender XDR resource (audience of Defender tokens).
pub(crate) const DEFENDER_RESOURCE: &str = "https://api.security.microsoft.com";
/// Microsoft Graph resource (audience of Graph tokens).
pub(crate) const GRAPH_RESOURCE: &str = "https://graph.microsoft.com";
/// OIDC scopes: never shown as consentable permissions and never in `scp`.
pub(crate) const OIDC_SCOPES: [&str; 4] = ["openid", "profile", "email", "offline_access"];

/// What a user may do with incidents, as the services' role-based access decides (Defender's "Manage
/// incidents" permission, Entra's Security Operator / Security Administrator for Graph).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Read-only: can list and read incidents, every write is refused.
    Reader,
    /// Can read and manage incidents (status, assignment, classification, tags, comments).
    IncidentManager,
    /// Everything.
    Admin,
}

impl Role {
    /// Whether this role may update incidents and comment on them.
    pub(crate) fn manages_incidents(self) -> bool {
        matches!(self, Role::IncidentManager | Role::Admin)
    }

    /// The name shown in the banner and the README.
    pub fn label(self) -> &'static str {
        match self {
            Role::Reader => "read only",
            Role::IncidentManager => "manage incidents",
            Role::Admin => "admin: everything",
        }
    }
}

/// A sign-in-able sandbox user.
#[derive(Debug, Clone, Copy)]
pub struct User {
    /// Short id shown in the picker and used in test hooks (`user-{id}`).
    pub id: &'static str,
    /// Display name (`name` claim).
    pub name: &'static str,
    /// UPN (`preferred_username` claim).
    pub upn: &'static str,
    /// Object id (`oid` claim).
    pub oid: &'static str,
    /// What the services let this user do.
    pub role: Role,
}

/// All sandbox users, in picker order.
pub const USERS: [User; 3] = [
    User {
        id: "analyst",
        name: "Ada Analyst",
        upn: "ada.analyst@sandbox.onbehalf.test",
        oid: "0a7a1a5e-0000-4000-8000-00000000a001",
        role: Role::IncidentManager,
    },
    User {
        id: "reader",
        name: "Reed Reader",
        upn: "reed.reader@sandbox.onbehalf.test",
        oid: "0a7a1a5e-0000-4000-8000-00000000b002",
        role: Role::Reader,
    },
    User {
        id: "admin",
        name: "Avery Admin",
        upn: "avery.admin@sandbox.onbehalf.test",
        oid: "0a7a1a5e-0000-4000-8000-00000000c003",
        role: Role::Admin,
    },
];

/// Looks a user up by short id, UPN or oid (case-insensitive), as `login_hint` may be any.
pub(crate) fn find_user(key: &str) -> Option<&'static User> {
    USERS
        .iter()
        .find(|u| u.id.eq_ignore_ascii_case(key) || u.upn.eq_ignore_ascii_case(key) || u.oid.eq_ignore_ascii_case(key))
}

/// A resource API and its delegated permissions.
pub(crate) struct Resource {
    /// Application ID URI, the token audience.
    pub(crate) uri: &'static str,
    /// Delegated permissions with their consent-page descriptions.
    pub(crate) permissions: &'static [(&'static str, &'static str)],
    /// What `.default` expands to (the "statically configured" permissions).
    pub(crate) default: &'static [&'static str],
}

/// The resources the sandbox knows.
pub(crate) const RESOURCES: [Resource; 2] = [
    Resource {
        uri: DEFENDER_RESOURCE,
        permissions: &[
            ("Incident.Read", "Read incidents (Microsoft Threat Protection)"),
            ("Incident.ReadWrite", "Read and write incidents (Microsoft Threat Protection)"),
        ],
        default: &["Incident.Read"],
    },
    Resource {
        uri: GRAPH_RESOURCE,
        permissions: &[
            ("SecurityIncident.Read.All", "Read incidents (Microsoft Graph)"),
            ("SecurityIncident.ReadWrite.All", "Read and write to incidents (Microsoft Graph)"),
            ("ThreatHunting.Read.All", "Run hunting queries (Microsoft Graph)"),
            ("User.Read", "Sign you in and read your profile"),
        ],
        default: &["SecurityIncident.Read.All", "User.Read"],
    },
];

/// Finds a resource by its URI.
pub(crate) fn resource(uri: &str) -> Option<&'static Resource> {
    RESOURCES.iter().find(|r| r.uri == uri)
}

/// A parsed `scope` parameter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ScopeRequest {
    /// The one resource the delegated scopes belong to, if any.
    pub(crate) resource: Option<&'static str>,
    /// Delegated permission names (short form, e.g. `Incident.Read`), de-duplicated.
    pub(crate) permissions: Vec<String>,
    /// Requested OIDC scopes (`openid`, `offline_access`, …).
    pub(crate) oidc: Vec<String>,
    /// Full permission strings of other resources, asked at `/authorize` for consent only (Entra: "the scope
    /// can cover multiple resources" there; the token names one). Empty on the token endpoint.
    pub(crate) also: Vec<String>,
}

impl ScopeRequest {
    /// Full scope strings (`https://…/Incident.Read`) of the delegated permissions.
    pub(crate) fn full_permissions(&self) -> Vec<String> {
        let r = self.resource.unwrap_or(GRAPH_RESOURCE);
        self.permissions.iter().map(|p| format!("{r}/{p}")).chain(self.also.iter().cloned()).collect()
    }
}

/// Scope errors with their Entra codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ScopeError {
    /// AADSTS700022: more than one resource.
    MultipleResources,
    /// AADSTS70011: a scope no known resource offers.
    Unknown(String),
}

impl ScopeError {
    /// `error_description` text, starting with the AADSTS code as Entra's does.
    pub(crate) fn description(&self) -> String {
        match self {
            ScopeError::MultipleResources => "AADSTS700022: The provided value for the input parameter scope is not valid because it contains more than one resource. Scope the request to a single resource.".into(),
            ScopeError::Unknown(s) => format!("AADSTS70011: The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope '{s}' does not exist."),
        }
    }
}

/// Parses a space-separated `scope`. Bare permission names belong to Graph, as in Entra.
pub(crate) fn parse_scopes(scope: &str) -> Result<ScopeRequest, ScopeError> {
    let mut req = ScopeRequest::default();
    for s in scope.split(' ').filter(|s| !s.is_empty()) {
        if OIDC_SCOPES.contains(&s) {
            if !req.oidc.iter().any(|o| o == s) {
                req.oidc.push(s.to_string());
            }
            continue;
        }
        let (res_uri, perm) = match s.rsplit_once('/') {
            Some((r, p)) if r.starts_with("http") => (r.trim_end_matches('/'), p),
            Some(_) => return Err(ScopeError::Unknown(s.to_string())),
            None => (GRAPH_RESOURCE, s),
        };
        let res = resource(res_uri).ok_or_else(|| ScopeError::Unknown(s.to_string()))?;
        if req.resource.is_some_and(|r| r != res.uri) {
            return Err(ScopeError::MultipleResources);
        }
        req.resource = Some(res.uri);
        let perms: Vec<&str> = if perm == ".default" {
            res.default.to_vec()
        } else if let Some((p, _)) = res.permissions.iter().find(|(p, _)| p.eq_ignore_ascii_case(perm)) {
            vec![*p]
        } else {
            return Err(ScopeError::Unknown(s.to_string()));
        };
        for p in perms {
            if !req.permissions.iter().any(|x| x == p) {
                req.permissions.push(p.to_string());
            }
        }
    }
    Ok(req)
}

/// The resource a scope names (bare names are Graph's); `None` for OIDC scopes.
fn resource_of(s: &str) -> Option<&str> {
    if OIDC_SCOPES.contains(&s) {
        return None;
    }
    Some(match s.rsplit_once('/') {
        Some((r, _)) if r.starts_with("http") => r.trim_end_matches('/'),
        _ => GRAPH_RESOURCE,
    })
}

/// Parses `/authorize`'s `scope`, which may name several resources (Entra lets one consent cover them; the
/// Defender source asks Graph's hunting permission that way): the first resource named is the one the code's
/// token is for, the others' permissions go to [`ScopeRequest::also`], for the consent page only.
pub(crate) fn parse_authorize_scopes(scope: &str) -> Result<ScopeRequest, ScopeError> {
    let mut first: Option<&str> = None;
    let (mut main, mut others) = (vec![], vec![]);
    for s in scope.split(' ').filter(|s| !s.is_empty()) {
        match resource_of(s) {
            Some(r) if first.is_some_and(|f| f != r) => others.push(s),
            r => {
                first = first.or(r);
                main.push(s);
            }
        }
    }
    let mut req = parse_scopes(&main.join(" "))?;
    for s in others {
        for p in parse_scopes(s)?.full_permissions() {
            if !req.also.contains(&p) {
                req.also.push(p);
            }
        }
    }
    Ok(req)
}

/// Consent-page description of a full scope string.
pub(crate) fn describe(full_scope: &str) -> &'static str {
    full_scope
        .rsplit_once('/')
        .and_then(|(r, p)| resource(r).and_then(|res| res.permissions.iter().find(|(n, _)| *n == p)))
        .map(|(_, d)| *d)
        .unwrap_or("Access the API")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes() {
        let r = parse_scopes("openid offline_access https://api.security.microsoft.com/Incident.Read").unwrap();
        assert_eq!(r.resource, Some(DEFENDER_RESOURCE));
        assert_eq!(r.permissions, vec!["Incident.Read"]);
        assert!(r.oidc.iter().any(|s| s == "openid"));
        assert_eq!(
            parse_scopes("https://api.security.microsoft.com/.default").unwrap().permissions,
            vec!["Incident.Read"]
        );
        assert_eq!(
            parse_scopes("https://api.security.microsoft.com/Incident.Read User.Read"),
            Err(ScopeError::MultipleResources)
        );
        assert!(matches!(parse_scopes("https://evil.example/Foo"), Err(ScopeError::Unknown(_))));
        // At /authorize several resources may be consented at once; the first names the token.
        let r = parse_authorize_scopes(
            "openid offline_access https://api.security.microsoft.com/Incident.Read https://graph.microsoft.com/ThreatHunting.Read.All",
        )
        .unwrap();
        assert_eq!((r.resource, r.permissions.clone()), (Some(DEFENDER_RESOURCE), vec!["Incident.Read".to_string()]));
        assert_eq!(r.also, ["https://graph.microsoft.com/ThreatHunting.Read.All"]);
        assert_eq!(
            r.full_permissions(),
            ["https://api.security.microsoft.com/Incident.Read", "https://graph.microsoft.com/ThreatHunting.Read.All"]
        );
        assert!(parse_authorize_scopes("https://api.security.microsoft.com/Incident.Read Mail.Read").is_err());
        assert!(parse_authorize_scopes("openid User.Read").unwrap().also.is_empty());
        assert!(matches!(parse_scopes("Mail.Read"), Err(ScopeError::Unknown(_))));
    }
}
