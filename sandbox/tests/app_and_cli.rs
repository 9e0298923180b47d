//! The app origin (static files, config, CSP) and the command line.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::*;
use serde_json::Value;

#[tokio::test]
async fn serves_dist_with_config_and_security_headers() {
    let dir = std::env::temp_dir().join(format!("sbx-dist-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("index.html"), "<!doctype html><script type=\"module\">import init from '/app.js';init();</script><script src=\"/x.js\"></script>").unwrap();
    std::fs::write(dir.join("app_bg.wasm"), b"\0asm").unwrap();
    std::fs::write(dir.join("config.json"), "{\"mine\":true}").unwrap();
    let d = dir.clone();
    let s = start(move |o| o.dist = Some(d)).await;
    let app = s.h.origins.app.clone();
    let r = s.c.get(format!("{app}/")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let csp = r.headers()["content-security-policy"].to_str().unwrap().to_string();
    let expected =
        // Defender goes through the relay on the app's own origin ('self'); beside it, hunts go to the sandbox's Graph.
        onbehalf_sandbox::csp::csp(&["import init from '/app.js';init();"], &[&s.h.origins.idp, &s.h.origins.graph]);
    assert_eq!(csp, expected);
    assert!(csp.contains("'sha256-"));
    assert_eq!(r.headers()["referrer-policy"], "no-referrer");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    let r = s.c.get(format!("{app}/app_bg.wasm")).send().await.unwrap();
    assert_eq!(r.headers()["content-type"], "application/wasm");
    let cfg: Value = s.get_json(format!("{app}/config.json")).await;
    assert_eq!(cfg["authority"], format!("{}/{TENANT}/v2.0", s.h.origins.idp));
    assert_eq!(cfg["client_id"], onbehalf_sandbox::directory::CLIENT_ID);
    assert_eq!(cfg["source"], "defender");
    assert_eq!(cfg["api_base"], format!("{app}/defender-api"), "Defender through the same-origin relay");
    assert_eq!(cfg["graph_base"], s.h.origins.graph.as_str(), "hunts beside Defender go to the sandbox's Graph");
    // Encoded traversal is not decoded into a path: it falls back to the SPA shell.
    let body = s.c.get(format!("{app}/..%2f..%2fetc/passwd")).send().await.unwrap().text().await.unwrap();
    assert!(body.contains("<script type=\"module\">") && !body.contains("root:"));
    assert!(s.c.get(format!("{app}/deep/client/route")).send().await.unwrap().status().is_success());
    assert_eq!(s.c.get(format!("{app}/missing.js")).send().await.unwrap().status(), 404);
    drop(s);
    let d = dir.clone();
    let s = start(move |o| {
        o.dist = Some(d);
        o.keep_config = true;
    })
    .await;
    let cfg: Value = s.get_json(format!("{}/config.json", s.h.origins.app)).await;
    assert_eq!(cfg["mine"], true);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn cli_help_bad_flags_and_ready_line() {
    let exe = env!("CARGO_BIN_EXE_onbehalf-sandbox");
    let out = Command::new(exe).arg("--help").output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("--token-lifetime"));
    let out = Command::new(exe).args(["--error-rate", "2"]).output().unwrap();
    assert!(!out.status.success());
    let out = Command::new(exe).arg("--no-such-flag").output().unwrap();
    assert!(!out.status.success());

    let mut child = Command::new(exe)
        .args(["--app-port", "0", "--idp-port", "0", "--defender-port", "0", "--graph-port", "0", "--incidents", "5"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    let v: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(v["ready"], true);
    assert_eq!(v["tenant"], TENANT);
    for k in ["app", "idp", "defender", "graph"] {
        let url = v[k].as_str().unwrap();
        assert!(url.starts_with("http://127.0.0.1:") && !url.ends_with(":0"), "{url}");
    }
}
