//! One file per host: each is an `impl Plan` that renders that host's configuration.

mod caddy;
mod github_pages;
mod nginx;
mod static_web_app;
