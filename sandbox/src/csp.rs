//! The CSP builder lives in the shared `onbehalf-csp` crate (also used by `onbehalf-deploy`).

pub use onbehalf_csp::csp;
pub(crate) use onbehalf_csp::inline_scripts;
