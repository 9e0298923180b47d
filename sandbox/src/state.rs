//! Shared in-memory state of all four services.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use serde::Serialize;

use crate::data::{sort_newest_first, Incident};
use crate::directory::{ScopeRequest, User};
use crate::faults::Faults;
use crate::jwt::KeyPair;
use crate::options::Options;

/// The origins the services are reachable at (`http://127.0.0.1:PORT`).
#[derive(Debug, Clone, Serialize)]
pub struct Origins {
    /// Static app.
    pub app: String,
    /// Identity provider and control API.
    pub idp: String,
    /// Defender API.
    pub defender: String,
    /// Graph API.
    pub graph: String,
}

/// Parameters of an `/authorize` request that survive the sign-in and consent pages.
#[derive(Debug, Clone)]
pub(crate) struct AuthRequest {
    /// Tenant path segment used.
    pub(crate) tenant: String,
    /// `client_id`.
    pub(crate) client_id: String,
    /// Registered `redirect_uri`.
    pub(crate) redirect_uri: String,
    /// `query` or `fragment`.
    pub(crate) fragment: bool,
    /// `state`, echoed verbatim.
    pub(crate) state: Option<String>,
    /// `nonce`, put in the ID token.
    pub(crate) nonce: Option<String>,
    /// S256 `code_challenge`.
    pub(crate) code_challenge: String,
    /// `prompt`.
    pub(crate) prompt: Option<String>,
    /// `login_hint`.
    pub(crate) login_hint: Option<String>,
    /// Parsed `scope`.
    pub(crate) scopes: ScopeRequest,
    /// The `claims` parameter declared the `cp1` client capability (CAE).
    pub(crate) cp1: bool,
}

/// An authorize request waiting on the sign-in or consent page.
#[derive(Debug, Clone)]
pub(crate) struct Pending {
    /// The request.
    pub(crate) req: AuthRequest,
    /// Chosen user, once signed in.
    pub(crate) user: Option<&'static User>,
    /// Sign-in time of that user (epoch ms).
    pub(crate) signed_in_ms: i64,
    /// Created (epoch ms), for expiry.
    pub(crate) created_ms: i64,
}

/// An issued authorization code.
#[derive(Debug, Clone)]
pub(crate) struct CodeGrant {
    /// The request it answers.
    pub(crate) req: AuthRequest,
    /// Signed-in user.
    pub(crate) user: &'static User,
    /// Granted delegated permissions (short names).
    pub(crate) granted: Vec<String>,
    /// Issued (epoch ms).
    pub(crate) issued_ms: i64,
    /// Already redeemed.
    pub(crate) used: bool,
}

/// A live refresh token.
#[derive(Debug, Clone)]
pub(crate) struct RefreshGrant {
    /// Client it was issued to.
    pub(crate) client_id: String,
    /// Its user.
    pub(crate) user: &'static User,
    /// Tenant segment of the original request.
    pub(crate) tenant: String,
    /// When the chain started (first redemption); SPA tokens die a fixed time after it.
    pub(crate) chain_start_ms: i64,
}

/// One served request, for `GET /_sandbox/requests`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct LogEntry {
    /// `idp`, `defender`, `graph` or `app`.
    pub(crate) service: &'static str,
    /// HTTP method.
    pub(crate) method: String,
    /// Path.
    pub(crate) path: String,
    /// Raw query string (or null).
    pub(crate) query: Option<String>,
    /// Response status.
    pub(crate) status: u16,
    /// `Origin` request header (or null).
    pub(crate) origin: Option<String>,
}

/// Log entries kept; older ones are dropped so a long session cannot grow without bound.
pub(crate) const LOG_CAPACITY: usize = 10_000;

/// Everything the handlers share.
pub(crate) struct Shared {
    /// Options the sandbox was started with.
    pub(crate) opts: Options,
    /// Service origins as the services name them (a `--public-url` where given, else where they listen).
    pub(crate) origins: Origins,
    /// Registered redirect (and post-logout) URIs.
    pub(crate) redirect_uris: Vec<String>,
    /// Name of the IdP session cookie (per IdP port, since cookies ignore ports).
    pub(crate) cookie_name: String,
    /// Current signing key.
    pub(crate) key: RwLock<Arc<KeyPair>>,
    /// Current faults.
    pub(crate) faults: Mutex<Faults>,
    /// Sign-in sessions: session id → (user, sign-in time ms).
    pub(crate) sessions: Mutex<HashMap<String, (&'static User, i64)>>,
    /// Consent decisions per (user id, client id): full scope → granted.
    pub(crate) consents: Mutex<HashMap<(String, String), HashMap<String, bool>>>,
    /// Authorize requests in progress.
    pub(crate) pending: Mutex<HashMap<String, Pending>>,
    /// Authorization codes.
    pub(crate) codes: Mutex<HashMap<String, CodeGrant>>,
    /// Refresh tokens.
    pub(crate) refresh: Mutex<HashMap<String, RefreshGrant>>,
    /// API call timestamps (ms) per (service, oid), for the rate limit.
    pub(crate) rate: Mutex<HashMap<(&'static str, String), VecDeque<i64>>>,
    /// Request log.
    pub(crate) log: Mutex<VecDeque<LogEntry>>,
    /// Incidents, newest first.
    pub(crate) incidents: RwLock<Vec<Incident>>,
}

/// Handle shared by all routers.
pub(crate) type AppState = Arc<Shared>;

/// Locks a mutex, recovering from poisoning (a panicked handler must not wedge the sandbox).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
    /// The current signing key.
    pub(crate) fn key(&self) -> Arc<KeyPair> {
        self.key.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// A snapshot of the current faults.
    pub(crate) fn faults(&self) -> Faults {
        lock(&self.faults).clone()
    }

    /// Issuer of tokens for the sandbox tenant (`{idp}/{tid}/v2.0`).
    pub(crate) fn issuer(&self) -> String {
        format!("{}/{}/v2.0", self.origins.idp, crate::directory::TENANT_ID)
    }

    /// Runs `edit` on a copy of incident `id` and stores the copy when `edit` succeeds, keeping the list newest
    /// first; None when there is no such incident.
    pub(crate) fn update_incident<E>(
        &self,
        id: &str,
        edit: impl FnOnce(&mut Incident) -> Result<(), E>,
    ) -> Option<Result<Incident, E>> {
        let id = id.parse::<u64>().ok()?;
        let mut incidents = self.incidents.write().unwrap_or_else(|e| e.into_inner());
        let slot = incidents.iter_mut().find(|i| i.id == id)?;
        let mut edited = slot.clone();
        if let Err(e) = edit(&mut edited) {
            return Some(Err(e));
        }
        *slot = edited.clone();
        sort_newest_first(&mut incidents);
        Some(Ok(edited))
    }

    /// Whether `uri` is exactly a registered redirect URI.
    pub(crate) fn is_registered(&self, uri: &str) -> bool {
        self.redirect_uris.iter().any(|u| u == uri)
    }
}

/// A random URL-safe token of `bytes` random bytes.
pub(crate) fn random_token(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut b);
    URL_SAFE_NO_PAD.encode(b)
}

/// A random GUID-shaped id (trace ids, error targets).
pub(crate) fn random_guid() -> String {
    let mut b = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut b);
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}
