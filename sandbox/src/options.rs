//! Command-line options (also the configuration passed to [`crate::serve`]).

use std::path::PathBuf;

use clap::{Parser, ValueEnum};

/// Which incidents API the served app's `/config.json` points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Source {
    /// Defender XDR `/api/incidents`.
    Defender,
    /// Microsoft Graph `/v1.0/security/incidents`.
    Graph,
}

/// Which of Defender's two documented sets of determination names the strict sandbox accepts on PATCH.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DeterminationNames {
    /// The incident resource page's names (`CompromisedUser`, `ConfirmedUserActivity`, `InsufficientData`), which
    /// are also what every GET returns.
    Resource,
    /// The update page's names (`CompromisedAccount`, `ConfirmedActivity`, `NoEnoughDataToValidate`).
    Update,
}

/// One of the four services, as named by `--public-url`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Service {
    /// The static app.
    App,
    /// The identity provider.
    Idp,
    /// The Defender API.
    Defender,
    /// The Graph API.
    Graph,
}

/// Local emulator of Entra ID, the Defender incidents API and Microsoft Graph security
/// incidents, plus a static server for the built app.
#[derive(Debug, Clone, Parser)]
#[command(name = "onbehalf-sandbox", version, about)]
pub struct Options {
    /// Address to bind; URLs use 127.0.0.1 when this is an unspecified address.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Port of the static app (0 picks a free one).
    #[arg(long, default_value_t = 8400)]
    pub app_port: u16,
    /// Port of the identity provider and the `/_sandbox/` control API.
    #[arg(long, default_value_t = 8401)]
    pub idp_port: u16,
    /// Port of the Defender incidents API.
    #[arg(long, default_value_t = 8402)]
    pub defender_port: u16,
    /// Port of the Microsoft Graph API.
    #[arg(long, default_value_t = 8403)]
    pub graph_port: u16,
    /// Extra registered redirect (and post-logout) URI; repeatable.
    #[arg(long = "redirect-uri", value_name = "URI")]
    pub redirect_uris: Vec<String>,
    /// Where a proxy in front of a service answers, as SERVICE=URL (e.g. `idp=https://127.0.0.1:9443`): the
    /// sandbox then names that origin (issuer, discovery, config.json, CSP, redirect URI) instead of its own.
    /// Repeatable.
    #[arg(long = "public-url", value_name = "SERVICE=URL", value_parser = parse_public_url)]
    pub public_urls: Vec<(Service, String)>,
    /// Seed of the incident generator.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Number of generated incidents.
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u32).range(0..=100_000))]
    pub incidents: u32,
    /// Add incidents carrying hostile data (HTML/script payloads, huge strings, unknown enums…).
    #[arg(long)]
    pub hostile: bool,
    /// Access-token lifetime in seconds.
    #[arg(long, default_value_t = 3600, value_name = "SECS")]
    pub token_lifetime: u64,
    /// SPA refresh-token lifetime in seconds, counted from the original sign-in (Entra: 24 h).
    #[arg(long, default_value_t = 86_400, value_name = "SECS")]
    pub refresh_lifetime: u64,
    /// API calls allowed per user per minute.
    #[arg(long, default_value_t = 50)]
    pub rate_per_minute: u32,
    /// API calls allowed per user per hour.
    #[arg(long, default_value_t = 1500)]
    pub rate_per_hour: u32,
    /// Added latency for every API call, in milliseconds.
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    /// Share of API calls answered with 500/503 (0.0–1.0).
    #[arg(long, default_value_t = 0.0, value_parser = parse_rate)]
    pub error_rate: f64,
    /// Directory of the built app to serve on the app port.
    #[arg(long, value_name = "DIR")]
    pub dist: Option<PathBuf>,
    /// Serve DIR/config.json as is instead of a generated one.
    #[arg(long)]
    pub keep_config: bool,
    /// API the generated `/config.json` points at.
    #[arg(long, value_enum, default_value = "defender")]
    pub source: Source,
    /// Defender determination names a PATCH may use (the other set is refused with 400); GETs always return the
    /// resource page's names.
    #[arg(long, value_enum, default_value = "resource")]
    pub determinations: DeterminationNames,
    /// Let browsers call the Defender origin directly (CORS), and point the generated `/config.json` at it. Without
    /// it the Defender origin sends no CORS headers (whether Microsoft's does is undocumented) and the app uses the
    /// `/defender-api/` relay on its own origin, as a deployment does.
    #[arg(long)]
    pub defender_direct: bool,
}

fn parse_rate(s: &str) -> Result<f64, String> {
    let v: f64 = s.parse().map_err(|_| format!("`{s}` is not a number"))?;
    if (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err("must be between 0.0 and 1.0".into())
    }
}

fn parse_public_url(s: &str) -> Result<(Service, String), String> {
    let (service, url) = s.split_once('=').ok_or("expected SERVICE=URL")?;
    let service = Service::from_str(service, true)?;
    let url = url.trim_end_matches('/');
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(format!("`{url}` is not an http(s) origin"));
    }
    Ok((service, url.to_string()))
}

impl Options {
    /// Options for tests: every port ephemeral, everything else default.
    pub fn ephemeral() -> Self {
        let mut o = Options::parse_from(["onbehalf-sandbox"]);
        o.app_port = 0;
        o.idp_port = 0;
        o.defender_port = 0;
        o.graph_port = 0;
        o
    }
}
