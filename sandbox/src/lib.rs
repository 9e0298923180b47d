//! `onbehalf-sandbox`: a local, loopback-only emulator of Microsoft Entra ID (v2.0
//! endpoints, auth code + PKCE for a SPA), the Defender XDR incidents API and Microsoft
//! Graph security incidents, plus a static server for the built Onbehalf app. Each part
//! listens on its own port so that CORS is exercised for real.
#![warn(missing_docs)]

mod api;
pub mod clock;
pub mod csp;
mod data;
pub mod directory;
mod faults;
mod hunting;
mod idp;
pub mod jwt;
mod odata;
mod options;
pub mod pkce;
mod relay;
mod rng;
mod state;
mod static_app;

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, RwLock};

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub use options::{DeterminationNames, Options, Service, Source};
pub use state::Origins;
use state::{lock, AppState, LogEntry, Shared, LOG_CAPACITY};

/// Error type of [`serve`].
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// A running sandbox.
pub struct Handles {
    /// Where each service listens.
    pub origins: Origins,
    tasks: Vec<JoinHandle<()>>,
}

impl Handles {
    /// The machine-readable line printed on stdout once everything listens.
    pub fn ready_line(&self) -> String {
        // Built by hand so "ready" comes first, as documented (serde_json sorts keys).
        let q = |s: &str| serde_json::Value::String(s.to_string()).to_string();
        format!(
            "{{\"ready\":true,\"app\":{},\"idp\":{},\"defender\":{},\"graph\":{},\"tenant\":{},\"client_id\":{}}}",
            q(&self.origins.app),
            q(&self.origins.idp),
            q(&self.origins.defender),
            q(&self.origins.graph),
            q(directory::TENANT_ID),
            q(directory::CLIENT_ID),
        )
    }

    /// Waits until a server stops (normally never).
    pub async fn wait(self) {
        for t in self.tasks {
            let _ = t.await;
        }
    }

    /// Stops all four servers.
    pub fn shutdown(&self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

fn url_host(host: &str) -> String {
    match host {
        "0.0.0.0" | "::" | "[::]" => "127.0.0.1".into(),
        h if h.contains(':') && !h.starts_with('[') => format!("[{h}]"),
        h => h.into(),
    }
}

async fn bind(host: &str, port: u16) -> Result<(TcpListener, u16), Error> {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    let l = TcpListener::bind((h, port)).await.map_err(|e| format!("cannot listen on {host}:{port}: {e}"))?;
    let p = l.local_addr()?.port();
    Ok((l, p))
}

async fn log_requests(State((st, service)): State<(AppState, &'static str)>, req: Request, next: Next) -> Response {
    let method = req.method().to_string();
    let path = req.uri().path().to_string();
    let query = req.uri().query().map(str::to_string);
    let origin = req.headers().get(header::ORIGIN).and_then(|v| v.to_str().ok()).map(str::to_string);
    let resp = next.run(req).await;
    // The control API is test plumbing, not traffic the app under test produced.
    if !path.starts_with("/_sandbox/") {
        let mut log = lock(&st.log);
        if log.len() >= LOG_CAPACITY {
            log.pop_front();
        }
        log.push_back(LogEntry { service, method, path, query, status: resp.status().as_u16(), origin });
    }
    resp
}

/// `router` with its requests logged as `service`'s.
fn logged(router: Router, st: &AppState, service: &'static str) -> Router {
    router.layer(middleware::from_fn_with_state((st.clone(), service), log_requests))
}

fn spawn(listener: TcpListener, router: Router, st: &AppState, service: &'static str) -> JoinHandle<()> {
    let app = logged(router, st, service);
    tokio::spawn(async move {
        let svc = app.into_make_service_with_connect_info::<SocketAddr>();
        if let Err(e) = axum::serve(listener, svc).await {
            eprintln!("onbehalf-sandbox: {service} server stopped: {e}");
        }
    })
}

/// Binds all four ports, generates the key and the data, and starts serving.
pub async fn serve(opts: Options) -> Result<Handles, Error> {
    if let Some(d) = &opts.dist {
        if !d.is_dir() {
            return Err(format!("--dist {}: not a directory", d.display()).into());
        }
    }
    let (app_l, app_p) = bind(&opts.host, opts.app_port).await?;
    let (idp_l, idp_p) = bind(&opts.host, opts.idp_port).await?;
    let (def_l, def_p) = bind(&opts.host, opts.defender_port).await?;
    let (gr_l, gr_p) = bind(&opts.host, opts.graph_port).await?;
    let host = url_host(&opts.host);
    let origins = Origins {
        app: format!("http://{host}:{app_p}"),
        idp: format!("http://{host}:{idp_p}"),
        defender: format!("http://{host}:{def_p}"),
        graph: format!("http://{host}:{gr_p}"),
    };
    // What the services call themselves: where they listen, unless a proxy in front of one is named.
    let mut public = origins.clone();
    for (service, url) in &opts.public_urls {
        let slot = match service {
            Service::App => &mut public.app,
            Service::Idp => &mut public.idp,
            Service::Defender => &mut public.defender,
            Service::Graph => &mut public.graph,
        };
        url.clone_into(slot);
    }
    let mut redirect_uris = vec![format!("http://127.0.0.1:{app_p}/"), format!("http://localhost:{app_p}/")];
    let public_app = format!("{}/", public.app);
    for u in opts.redirect_uris.iter().chain([&public_app]) {
        if !redirect_uris.contains(u) {
            redirect_uris.push(u.clone());
        }
    }
    let key = tokio::task::spawn_blocking(jwt::KeyPair::generate).await??;
    let (seed, n, hostile) = (opts.seed, opts.incidents, opts.hostile);
    let incidents = tokio::task::spawn_blocking(move || data::generate(seed, n, clock::now_ms(), hostile)).await?;
    let st: AppState = Arc::new(Shared {
        faults: Mutex::new(idp::control::initial_faults(&opts)),
        opts,
        origins: public,
        redirect_uris,
        cookie_name: format!("sbx_idp_session_{idp_p}"),
        key: RwLock::new(Arc::new(key)),
        sessions: Mutex::new(HashMap::new()),
        consents: Mutex::new(HashMap::new()),
        pending: Mutex::new(HashMap::new()),
        codes: Mutex::new(HashMap::new()),
        refresh: Mutex::new(HashMap::new()),
        rate: Mutex::new(HashMap::new()),
        log: Mutex::new(VecDeque::new()),
        incidents: RwLock::new(incidents),
    });
    let api_layer = || middleware::from_fn(api::cors);
    // The app origin's relay hands calls to the same Defender API, logged as Defender's own requests are.
    let relay = relay::router(logged(api::defender::router(st.clone()), &st, "defender"));
    let defender = if st.opts.defender_direct {
        api::defender::router(st.clone()).layer(api_layer())
    } else {
        api::defender::router(st.clone())
    };
    let tasks = vec![
        spawn(app_l, relay.merge(static_app::router(st.clone())), &st, "app"),
        spawn(idp_l, idp::router(st.clone()), &st, "idp"),
        spawn(def_l, defender, &st, "defender"),
        spawn(gr_l, api::graph::router(st.clone()).merge(hunting::router(st.clone())).layer(api_layer()), &st, "graph"),
    ];
    Ok(Handles { origins, tasks })
}
