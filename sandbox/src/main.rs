//! `onbehalf-sandbox` command: starts every service and prints where they are.

use clap::Parser;
use onbehalf_sandbox::directory::{CLIENT_ID, TENANT_ID, USERS};
use onbehalf_sandbox::{serve, Options};

#[tokio::main]
async fn main() {
    let opts = Options::parse();
    let incidents = opts.incidents;
    let handles = match serve(opts).await {
        Ok(h) => h,
        Err(e) => {
            eprintln!("onbehalf-sandbox: {e}");
            std::process::exit(1);
        }
    };
    // Tests parse this single stdout line; everything human goes to stderr.
    println!("{}", handles.ready_line());
    let o = &handles.origins;
    let mut banner = format!(
        "\nOnbehalf sandbox is running.\n\n  Open the app:      {}/\n  Identity provider: {}/{TENANT_ID}/v2.0\n  Defender API:      {}/api/incidents\n  Graph API:         {}/v1.0/security/incidents\n  Control API:       {}/_sandbox/\n\n  Tenant {TENANT_ID}, client {CLIENT_ID}, {incidents} incidents.\n  Users:\n",
        o.app, o.idp, o.defender, o.graph, o.idp
    );
    for u in USERS {
        banner.push_str(&format!("    {:8} {} <{}>  ({})\n", u.id, u.name, u.upn, u.role.label()));
    }
    eprintln!("{banner}\nPress Ctrl+C to stop.");
    tokio::select! {
        _ = handles.wait() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
}
