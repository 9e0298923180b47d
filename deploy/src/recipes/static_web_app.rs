//! Azure Static Web Apps' `staticwebapp.config.json`.

use crate::headers::{CACHE_HASHED, CACHE_REVALIDATE};
use crate::plan::Plan;

impl Plan {
    /// Azure Static Web Apps' `staticwebapp.config.json` (put it in the app's output root).
    pub fn static_web_app(&self) -> String {
        let p = &self.site.path;
        let headers: serde_json::Map<String, serde_json::Value> =
            self.headers().into_iter().map(|(k, v)| (k.to_string(), v.into())).collect();
        let v = serde_json::json!({
            "globalHeaders": headers,
            "mimeTypes": { ".wasm": "application/wasm", ".json": "application/json", ".js": "text/javascript", ".css": "text/css" },
            "routes": [
                { "route": format!("{p}index.html"), "headers": { "Cache-Control": CACHE_REVALIDATE } },
                { "route": format!("{p}config.json"), "headers": { "Cache-Control": CACHE_REVALIDATE } },
                { "route": format!("{p}*.{{js,css,wasm}}"), "headers": { "Cache-Control": CACHE_HASHED } },
                { "route": format!("{p}*"), "methods": ["POST", "PUT", "PATCH", "DELETE"], "statusCode": 405 }
            ]
        });
        serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
    }
}
