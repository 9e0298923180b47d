//! Onbehalf: a static page that signs an analyst in with Microsoft Entra ID (authorization code + PKCE,
//! public client) and lists their organisation's Microsoft Defender incidents with their own delegated token.
//!
//! The pure core (`config`, `http`, `auth`, `request`, `incidents`, `queue`, `actions`, `hunting`, `format`, `problem`) has no browser dependency and is tested natively;
//! `browser` is the thin edge, `flows` joins the two, `ui` renders.
#![warn(missing_docs)]
// Natively only the core is compiled, without the wasm-only flows and UI that call most of it; dead code is
// checked by the wasm build (`cargo clippy --target wasm32-unknown-unknown`), where every caller is present.
#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]

pub mod actions;
pub mod auth;
pub mod config;
pub mod format;
pub mod http;
pub mod hunting;
pub mod incidents;
pub mod intent;
pub(crate) mod problem;
pub mod queue;
pub mod request;
pub mod route;
pub mod secret;
pub mod shortcuts;
pub(crate) mod writes_text;

#[cfg(target_arch = "wasm32")]
pub mod browser;
#[cfg(target_arch = "wasm32")]
pub mod flows;
#[cfg(target_arch = "wasm32")]
pub mod ui;

/// Starts the page: the first request first, then the app mounted into `<body>`.
///
/// The requests don't need the DOM, so `boot` starts before anything is mounted and mounts the page as soon as
/// the first request is on its way (the token request on the redirect back, the incidents on a restored
/// session), or as soon as it knows there is none to send. Until then `index.html`'s frame stays painted; the
/// mount replaces it in one task, so the browser never paints the page without a frame.
#[cfg(target_arch = "wasm32")]
pub fn mount() {
    // The executor that runs spawned futures; mounting would set it too, but boot spawns before the mount.
    let _ = any_spawner::Executor::init_wasm_bindgen();
    let ctx = flows::state::Ctx::new(browser::clock::now());
    flows::boot::start(ctx, move || {
        browser::dom::remove_by_id("prepaint-top");
        browser::dom::remove_by_id("prepaint-main");
        leptos::mount::mount_to_body(move || ui::app(ctx));
    });
}
