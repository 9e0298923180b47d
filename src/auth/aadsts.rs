//! Entra `AADSTSnnnn` codes: find them in error descriptions and explain what to fix.

/// Finds the first `AADSTS` followed by digits in an error description.
pub(crate) fn aadsts_code(description: &str) -> Option<u32> {
    let mut rest = description;
    while let Some(i) = rest.find("AADSTS") {
        let after = rest.get(i + 6..).unwrap_or("");
        let digits: String = after.chars().take_while(|c| c.is_ascii_digit()).take(9).collect();
        if !digits.is_empty() {
            return digits.parse().ok();
        }
        rest = after;
    }
    None
}

/// What an AADSTS code means and what to do, for the codes this app meets. Shown verbatim to users.
pub(crate) fn explain(code: u32) -> Option<&'static str> {
    Some(match code {
        50011 => "The redirect URI sent does not match any registered for the app. In Entra admin center → App registrations → this app → Authentication, add this page's exact URL as a Single-page application redirect URI.",
        9002326 => "The redirect URI is registered, but not as a Single-page application. In the app registration's Authentication page, move it under 'Single-page application' (or set its type to \"spa\" in the manifest).",
        9002327 => "The code was redeemed without an Origin header. Single-page-application tokens must be redeemed from the browser (cross-origin); a native test client must send an Origin header.",
        65001 => "Nobody has consented to this app's permissions yet. Sign in again and accept the consent prompt, or ask an administrator to grant consent for the organisation.",
        65004 => "You declined to consent to the app's permissions. Sign in again and accept, or ask an administrator to grant consent.",
        90094 | 90095 => "An administrator must consent to this app's permissions. Ask an admin to open the app registration → API permissions → 'Grant admin consent', or to approve your admin-consent request.",
        700016 => "The application (client) ID was not found in this tenant. Check client_id and the tenant in authority in config.json, or ask an admin to add the app to this tenant.",
        700084 => "The refresh token's fixed 24-hour lifetime for single-page apps has passed. Sign in again.",
        700022 => "The request asked for permissions of more than one API in one token. Configure scopes for a single resource (Defender or Graph).",
        70011 => "A requested scope is invalid. Check the scopes in config.json (e.g. https://api.security.microsoft.com/Incident.Read).",
        28003 => "The token request had no scope. This is a bug in the request: the scope parameter must name the API permission.",
        50058 => "No signed-in session was found for a silent request. Sign in interactively.",
        54005 => "This authorization code was already redeemed (page reloaded or tab duplicated). Sign in again.",
        70008 => "The authorization code expired before it was redeemed. Sign in again.",
        501481 => "The PKCE code verifier did not match the challenge. Sign in again; if it keeps happening, sessionStorage may be shared or cleared between tabs.",
        50076 | 50079 => "Your organisation requires multi-factor authentication. Sign in again interactively and complete MFA.",
        53003 => "Access was blocked by a Conditional Access policy. Contact your administrator.",
        50105 => "You are not assigned to this application. Ask an administrator to assign you (Enterprise applications → this app → Users and groups).",
        650057 => "The app registration does not list the API permission being requested. Add it under App registrations → API permissions (Microsoft Threat Protection → Incident.Read, or Microsoft Graph → SecurityIncident.Read.All) and grant consent.",
        700054 => "An ID token was requested through the hybrid flow, which is disabled. The app must request response_type=code only.",
        50194 => "The app is registered as single-tenant but the authority is /common or /organizations. Put your tenant ID in authority in config.json, or make the app multi-tenant.",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_codes() {
        assert_eq!(aadsts_code("AADSTS50011: The redirect URI 'x' ..."), Some(50011));
        assert_eq!(aadsts_code("Trace ID: x AADSTS9002326: Cross-origin"), Some(9002326));
        assert_eq!(aadsts_code("AADSTS then AADSTS700084"), Some(700084));
        assert_eq!(aadsts_code("nothing"), None);
        assert_eq!(aadsts_code("AADSTS"), None);
        assert_eq!(aadsts_code("AADSTS99999999999999"), Some(999999999));
    }

    #[test]
    fn explains_required_codes() {
        for c in [
            50011, 65001, 65004, 90094, 90095, 700016, 9002326, 9002327, 700084, 700022, 70011, 28003, 50058, 54005,
            501481, 50076, 50079, 53003, 50105, 650057, 700054, 50194,
        ] {
            assert!(explain(c).is_some(), "{c}");
        }
        assert!(explain(50011).unwrap().contains("Single-page application"));
        assert_eq!(explain(1), None);
    }
}
