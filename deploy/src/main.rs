//! `onbehalf-deploy`: reads a built dist/index.html and a config.json, writes the hosting recipes.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use onbehalf_deploy::{plan, Options};

/// Writes nginx.conf, Caddyfile, staticwebapp.config.json, github-pages.md and github-pages/index.html
/// for one deployment, all with the same security headers (CSP hashes of this build's inline scripts).
#[derive(Parser, Debug)]
#[command(name = "onbehalf-deploy", version)]
struct Cli {
    /// The page's URL, as registered as the redirect URI (e.g. https://tools.example.com/tools/onbehalf/).
    #[arg(long)]
    site_url: String,
    /// The built app (scripts/build output).
    #[arg(long, default_value = "dist")]
    dist: PathBuf,
    /// The config.json to deploy [default: DIST/config.json].
    #[arg(long)]
    config: Option<PathBuf>,
    /// Where to write the recipes.
    #[arg(long, default_value = "deploy/out")]
    out: PathBuf,
    /// The web server's document root; the files go to ROOT + the site's path.
    #[arg(long, default_value = "/srv/www")]
    root: String,
    /// nginx `listen` parameters [default: "443 ssl" for https, the URL's port for http].
    #[arg(long)]
    listen: Option<String>,
    /// TLS certificate for nginx [default: /etc/letsencrypt/live/HOST/fullchain.pem].
    #[arg(long)]
    tls_cert: Option<String>,
    /// TLS key for nginx [default: /etc/letsencrypt/live/HOST/privkey.pem].
    #[arg(long)]
    tls_key: Option<String>,
    /// Upstream of the same-origin API proxy (when api_base is on the site's origin) [default: the source's API].
    #[arg(long)]
    api_upstream: Option<String>,
}

fn run(cli: Cli) -> Result<(), String> {
    let index_path = cli.dist.join("index.html");
    let index = std::fs::read_to_string(&index_path)
        .map_err(|e| format!("cannot read {}: {e} (run scripts/build first)", index_path.display()))?;
    let config_path = cli.config.clone().unwrap_or_else(|| cli.dist.join("config.json"));
    let config = std::fs::read_to_string(&config_path)
        .map_err(|e| format!("cannot read {}: {e} (scripts/register-app prints one)", config_path.display()))?;
    let opts = Options {
        site_url: cli.site_url,
        root: cli.root,
        listen: cli.listen,
        tls_cert: cli.tls_cert,
        tls_key: cli.tls_key,
        api_upstream: cli.api_upstream,
    };
    let p = plan(&index, &config, &opts)?;
    let out = &cli.out;
    std::fs::create_dir_all(out.join("github-pages")).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let files = [
        ("nginx.conf", p.nginx()),
        ("Caddyfile", p.caddyfile()),
        ("staticwebapp.config.json", p.static_web_app()),
        ("github-pages.md", p.github_pages_md()),
        ("github-pages/index.html", p.index_with_meta_csp(&index)?),
        ("csp.txt", format!("{}\n", p.csp)),
    ];
    for (name, text) in files {
        let path = out.join(name);
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    for w in &p.warnings {
        eprintln!("note: {w}");
    }
    eprintln!("copy dist/ and config.json to {} on the server", p.files_dir());
    Ok(())
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("onbehalf-deploy: {e}");
            ExitCode::from(2)
        }
    }
}
