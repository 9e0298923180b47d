//! The page's state, as a small `Copy` bundle of signals handed to components through context.

use crate::auth::discovery::ProviderMetadata;
use crate::auth::session::{AuthState, Session};
use crate::config::Config;
use crate::incidents::paging::NextPage;
use crate::queue::index::Index;
use crate::queue::view::View;
use crate::request::budget::Budget;
use leptos::prelude::*;

/// Kept here as well for `ui/queue.rs`, which names it by this path; its home is [`crate::problem`].
pub(crate) use crate::problem::Problem;

/// Where the configuration stands.
#[derive(Clone, Debug)]
pub(crate) enum ConfigState {
    /// `config.json` is being fetched.
    Loading,
    /// `config.json` is missing or wrong; the text says exactly what.
    Invalid(String),
    /// A validated configuration.
    Ready(Config),
}

/// The incident queue as loaded so far for the current server-side view.
#[derive(Clone, Debug, Default)]
pub(crate) struct Queue {
    /// Incidents as the server returned them, indexed for filtering and sorting (the page filters and
    /// sorts positions into it, never copies).
    pub items: Index,
    /// Pages are being fetched.
    pub loading: bool,
    /// At least one page arrived (distinguishes "empty" from "not yet").
    pub loaded: bool,
    /// Every page of the view has arrived (or the cap was reached).
    pub complete: bool,
    /// More pages exist.
    pub next: Option<NextPage>,
    /// The server reports this many in all (Graph `@odata.count`), when known.
    pub total: Option<u64>,
    /// Bumped for each new load; a load that finds it changed stops (the view changed under it).
    pub generation: u64,
    /// Ids that auto-refresh found new or changed, to highlight.
    pub changed: Vec<String>,
    /// Unix time of the last successful load or refresh.
    pub refreshed_at: u64,
    /// A page repeated incidents already loaded (the order moved under `$skip` paging).
    pub moved: bool,
    /// A 429 holds the load until this Unix second.
    pub paused_until: Option<u64>,
}

impl Queue {
    /// Where the load stands, for the progress line.
    pub(crate) fn load_state(&self) -> crate::incidents::paging::LoadState {
        crate::incidents::paging::LoadState {
            loading: self.loading,
            loaded: self.loaded,
            count: self.items.len(),
            total: self.total,
            more: self.next.is_some(),
            paused_until: self.paused_until,
            moved: self.moved,
        }
    }
}

/// One line of this tab's activity list; its home (and its stored form) is [`crate::actions::activity`].
pub(crate) use crate::actions::activity::Activity;

/// The last result shown next to an incident.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ActResult {
    /// The incident.
    pub id: String,
    /// The sentence.
    pub text: String,
    /// It was done.
    pub ok: bool,
    /// It ended waiting on the API's rate limit: told as a wait, not as an error.
    pub wait: bool,
}

/// What the incident page's actions show besides the incident.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Acting {
    /// Incidents with a write in flight (a second gesture on one of them sends nothing).
    pub in_flight: Vec<String>,
    /// A write in flight waits out a failure (a 5xx's backoff, a 429) until this Unix second, then goes again.
    pub retry_until: Option<u64>,
    /// The last result (one incident's).
    pub result: Option<ActResult>,
    /// An action waiting for the write permission: the permission to ask for, and the action.
    pub needs_consent: Option<(String, crate::actions::Intent)>,
    /// An action brought back from the consent redirect, waiting for the analyst's confirmation.
    pub held: Option<crate::actions::Intent>,
    /// The last 403 on a write, explained (the token panel shows it).
    pub refusal: Option<String>,
    /// The API refused a write in this tab because of the analyst's role: the write controls say so and stay
    /// off instead of inviting the same refusal.
    pub role_refused: bool,
    /// This tab's activity, newest last.
    pub log: Vec<Activity>,
}

/// The queue's bulk actions: the selection, the action waiting for consent or confirmation, the run and its
/// results. Apart from [`Acting`] (one incident's writes), so a bulk run and an incident page never write into
/// each other's state.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Bulk {
    /// Incidents selected in the queue.
    pub selection: crate::queue::selection::Selection,
    /// The current or last run: each incident, and once ended which count it goes to and how it ended.
    pub results: Vec<(String, Option<(crate::actions::Ended, String)>)>,
    /// A run is under way (a second one is not started).
    pub running: bool,
    /// The action waits for the write permission: the permission to ask for, and the action (it travels with
    /// the selection across the consent redirect).
    pub consent: Option<(String, crate::actions::Action)>,
    /// The action the confirmation names; nothing is sent until the analyst confirms it.
    pub pending: Option<BulkPending>,
    /// Consent was not given: what the bulk bar says (the selection stays).
    pub declined: Option<String>,
}

/// A bulk action waiting for the analyst's confirmation.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct BulkPending {
    /// What to do to every selected incident.
    pub action: crate::actions::Action,
    /// It came back from the consent redirect (the confirmation says the permission was granted).
    pub after_consent: bool,
}

/// Signals shared by the whole page. `Copy`, so closures take it freely.
#[derive(Clone, Copy)]
pub(crate) struct Ctx {
    /// The configuration.
    pub config: RwSignal<ConfigState>,
    /// The provider's metadata, once discovered.
    pub meta: RwSignal<Option<ProviderMetadata>>,
    /// Sign-in state; the session lives inside `SignedIn`.
    pub auth: RwSignal<AuthState>,
    /// A sign-in problem to show (`data-testid="auth-error"`).
    pub auth_error: RwSignal<Option<Problem>>,
    /// A quiet notice, not an error (`data-testid="notice"`): e.g. a stale sign-in link was ignored.
    pub notice: RwSignal<Option<String>>,
    /// The session can no longer be renewed: ask the user to sign in again, keeping the view.
    pub reauth: RwSignal<Option<String>>,
    /// The provider's signing keys, once fetched (they travel with a sign-in started on this page).
    pub jwks: StoredValue<Option<crate::auth::jwks::Jwks>>,
    /// The claims a CAE challenge asked for: the next interactive sign-in sends them.
    pub claims: StoredValue<Option<String>>,
    /// The incident queue.
    pub queue: RwSignal<Queue>,
    /// An API problem to show (`data-testid="api-error"`).
    pub api_error: RwSignal<Option<Problem>>,
    /// The clock, ticking once a second, for countdowns.
    pub now: RwSignal<u64>,
    /// One renewal in flight at most.
    pub renewing: RwSignal<bool>,
    /// What the analyst is looking at; mirrors the URL fragment.
    pub view: RwSignal<View>,
    /// The one request budget every API call goes through.
    pub budget: StoredValue<Budget>,
    /// Actions on incidents: in flight, results, consent, the activity list.
    pub acting: RwSignal<Acting>,
    /// The queue's selection and its bulk action.
    pub bulk: RwSignal<Bulk>,
    /// Bumped by sign-out: a renewal, load or sign-in that awaited across it finds it changed and writes
    /// nothing (no session may come back into sessionStorage after the analyst signed out).
    pub epoch: StoredValue<u64>,
    /// When the data was read, what changed since the analyst looked, whether renewal failed.
    pub status: super::status::Status,
    /// The hunting page: its query, the last run and result.
    pub hunt: super::hunt::Hunt,
}

impl Ctx {
    /// Fresh state at page start.
    pub(crate) fn new(now: u64) -> Self {
        Ctx {
            config: RwSignal::new(ConfigState::Loading),
            meta: RwSignal::new(None),
            auth: RwSignal::new(AuthState::Loading),
            auth_error: RwSignal::new(None),
            notice: RwSignal::new(None),
            reauth: RwSignal::new(None),
            claims: StoredValue::new(None),
            jwks: StoredValue::new(None),
            queue: RwSignal::new(Queue::default()),
            api_error: RwSignal::new(None),
            now: RwSignal::new(now),
            renewing: RwSignal::new(false),
            view: RwSignal::new(View::default()),
            budget: StoredValue::new(Budget::new(50, 1500)),
            // The activity list outlives a reload (sessionStorage, removed by sign-out).
            acting: RwSignal::new(Acting { log: super::act::stored_activity(), ..Acting::default() }),
            bulk: RwSignal::new(Bulk::default()),
            epoch: StoredValue::new(0),
            status: super::status::Status::new(),
            hunt: super::hunt::Hunt::new(),
        }
    }

    /// The validated configuration, if any (untracked: flows read it, they don't react to it).
    pub(crate) fn cfg(&self) -> Option<Config> {
        match self.config.get_untracked() {
            ConfigState::Ready(c) => Some(c),
            _ => None,
        }
    }

    /// The sign-out generation now; compare with [`Ctx::still`] after each `await`.
    pub(crate) fn epoch(&self) -> u64 {
        self.epoch.get_value()
    }

    /// No sign-out happened since `epoch` was read.
    pub(crate) fn still(&self, epoch: u64) -> bool {
        self.epoch.get_value() == epoch
    }

    /// Who "assigned to me" is, from the session's ID-token claims (untracked).
    pub(crate) fn me(&self) -> crate::queue::view::Me {
        let s = self.session();
        let claims = s.as_ref().map(|s| &s.id_claims);
        crate::queue::view::Me::new(
            claims.and_then(|c| c.preferred_username.as_deref()),
            claims.and_then(|c| c.name.as_deref()),
        )
    }

    /// The current session, if signed in (untracked).
    pub(crate) fn session(&self) -> Option<Session> {
        match self.auth.get_untracked() {
            AuthState::SignedIn(s) => Some(s),
            _ => None,
        }
    }
}
