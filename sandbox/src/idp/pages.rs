//! HTML of the sign-in, consent, error and signed-out pages. Every reflected value goes
//! through [`escape`].

use crate::directory::{describe, User, APP_NAME, TENANT_ID, USERS};

/// Escapes text for HTML element content and quoted attribute values.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = "
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;
 background:#eef1f5;font:15px/1.45 'Segoe UI',system-ui,-apple-system,sans-serif;color:#1b1b1b}
main{background:#fff;width:440px;max-width:94vw;padding:36px 40px 28px;box-shadow:0 2px 8px rgba(0,0,0,.18)}
.brand{font-weight:600;color:#5e5e5e;letter-spacing:.02em;margin-bottom:18px}
.brand b{color:#0067b8}
h1{font-size:22px;font-weight:600;margin:0 0 14px}
p{margin:0 0 12px}
.muted{color:#616161;font-size:13px}
form{margin:0}
.user{display:flex;width:100%;align-items:center;gap:12px;text-align:left;padding:10px 8px;margin:0 0 6px;
 border:1px solid transparent;background:#fff;cursor:pointer;font:inherit}
.user:hover,.user:focus{background:#f2f2f2;outline:none}
.user.hinted{border-color:#0067b8;background:#f3f8fd}
.avatar{width:36px;height:36px;border-radius:50%;background:#0067b8;color:#fff;display:flex;
 align-items:center;justify-content:center;font-weight:600}
.who small{display:block;color:#616161}
.tag{margin-left:auto;font-size:12px;color:#107c10}
ul.scopes{list-style:none;padding:0;margin:8px 0 16px}
ul.scopes li{padding:6px 0;border-bottom:1px solid #eee}
ul.scopes label{display:flex;gap:10px;align-items:flex-start;cursor:pointer}
ul.scopes code{display:block;font-size:12px;color:#616161;word-break:break-all}
.fixed{color:#444;font-size:13px;padding:4px 0}
.buttons{display:flex;justify-content:flex-end;gap:8px;margin-top:18px}
button.primary,button.secondary{min-width:108px;padding:7px 12px;font:inherit;cursor:pointer;border:1px solid #8a8a8a}
button.primary{background:#0067b8;border-color:#0067b8;color:#fff}
button.secondary{background:#fff;color:#1b1b1b}
.error{border-left:4px solid #d13438;background:#fdf3f4;padding:10px 12px;word-break:break-word}
footer{margin-top:22px;font-size:12px;color:#767676}
";

/// Wraps a page body in the shared layout.
pub(crate) fn layout(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{}</title><link rel=\"icon\" href=\"data:,\"><style>{CSS}</style></head><body><main>\
         <div class=\"brand\"><b>&#9632;</b> Sandbox identity platform</div>{body}\
         <footer>Onbehalf sandbox tenant {TENANT_ID}. Not Microsoft Entra ID.</footer></main></body></html>",
        escape(title)
    )
}

fn initials(u: &User) -> String {
    u.name.split(' ').filter_map(|w| w.chars().next()).collect()
}

/// The account picker.
pub(crate) fn sign_in(action: &str, txn: &str, hint: Option<&User>, current: Option<&User>) -> String {
    let mut buttons = String::new();
    for u in USERS.iter() {
        let hinted = hint.is_some_and(|h| h.id == u.id);
        let signed_in = current.is_some_and(|c| c.id == u.id);
        buttons.push_str(&format!(
            "<button type=\"submit\" name=\"user\" value=\"{id}\" class=\"user{cls}\" data-testid=\"user-{id}\"{af}>\
             <span class=\"avatar\">{ini}</span><span class=\"who\">{name}<small>{upn}</small></span>{tag}</button>",
            id = escape(u.id),
            cls = if hinted { " hinted" } else { "" },
            af = if hinted { " autofocus" } else { "" },
            ini = escape(&initials(u)),
            name = escape(u.name),
            upn = escape(u.upn),
            tag = if signed_in { "<span class=\"tag\">Signed in</span>" } else { "" },
        ));
    }
    layout(
        "Sign in to your account",
        &format!(
            "<h1>Pick an account</h1><p class=\"muted\">to continue to {app}</p>\
             <form method=\"post\" action=\"{action}\"><input type=\"hidden\" name=\"txn\" value=\"{txn}\">{buttons}</form>",
            app = escape(APP_NAME),
            action = escape(action),
            txn = escape(txn),
        ),
    )
}

/// The consent page: one checkbox per requested delegated permission.
pub(crate) fn consent(action: &str, txn: &str, user: &User, scopes: &[String], oidc: &[String]) -> String {
    let mut items = String::new();
    for s in scopes {
        items.push_str(&format!(
            "<li><label><input type=\"checkbox\" name=\"scope\" value=\"{v}\" checked data-testid=\"consent-scope\">\
             <span>{d}<code>{v}</code></span></label></li>",
            v = escape(s),
            d = escape(describe(s)),
        ));
    }
    let mut fixed = String::new();
    if oidc.iter().any(|s| s == "openid" || s == "profile" || s == "email") {
        fixed.push_str("<div class=\"fixed\">&#10003; View your basic profile</div>");
    }
    if oidc.iter().any(|s| s == "offline_access") {
        fixed.push_str("<div class=\"fixed\">&#10003; Maintain access to data you have given it access to</div>");
    }
    layout(
        "Permissions requested",
        &format!(
            "<p class=\"muted\">{upn}</p><h1>Permissions requested</h1>\
             <p><b>{app}</b><br><span class=\"muted\">unverified &middot; sandbox app registration</span></p>\
             <p>This app would like to:</p>\
             <form method=\"post\" action=\"{action}\"><input type=\"hidden\" name=\"txn\" value=\"{txn}\">\
             <ul class=\"scopes\">{items}</ul>{fixed}\
             <p class=\"muted\">Accepting these permissions means that you allow this app to use your data as \
             specified in their terms of service and privacy statement.</p>\
             <div class=\"buttons\">\
             <button type=\"submit\" name=\"action\" value=\"decline\" class=\"secondary\" data-testid=\"consent-decline\">Cancel</button>\
             <button type=\"submit\" name=\"action\" value=\"accept\" class=\"primary\" data-testid=\"consent-accept\">Accept</button>\
             </div></form>",
            upn = escape(user.upn),
            app = escape(APP_NAME),
            action = escape(action),
            txn = escape(txn),
        ),
    )
}

/// An error page (used whenever redirecting back would be unsafe).
pub(crate) fn error(description: &str) -> String {
    layout(
        "Sign in",
        &format!(
            "<h1>Sorry, but we’re having trouble signing you in.</h1>\
             <p class=\"error\" data-testid=\"idp-error\">{}</p>\
             <p class=\"muted\">Request Id: {}<br>Timestamp: {}</p>",
            escape(description),
            crate::state::random_guid(),
            crate::clock::iso_secs(crate::clock::now_ms()),
        ),
    )
}

/// Shown after logout when there is no registered place to go back to.
pub(crate) fn signed_out(note: Option<&str>) -> String {
    let note = note.map(|n| format!("<p class=\"muted\">{}</p>", escape(n))).unwrap_or_default();
    layout(
        "Signed out",
        &format!(
            "<h1 data-testid=\"signed-out\">You signed out of your account</h1>\
             <p>It’s a good idea to close all browser windows.</p>{note}"
        ),
    )
}
