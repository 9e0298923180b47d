//! Rules of the house that no compiler checks, held by a test so a change that breaks one fails `cargo test`:
//! no production file over 400 lines (a file's own `#[cfg(test)] mod tests { … }` and test files don't count),
//! and no request loop outside the one driver (a `loop` that sends with `fetch::send` in a flow).

use std::fs;
use std::path::{Path, PathBuf};

const MAX_PRODUCTION_LINES: usize = 400;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// A file's lines before its test module (`#[cfg(test)]` followed by `mod tests`), or all of them.
fn production_lines(text: &str) -> usize {
    let lines: Vec<&str> = text.lines().collect();
    let is_tests = |l: &str| {
        let l = l.trim_start().trim_start_matches("pub(crate) ").trim_start_matches("pub ");
        l.starts_with("mod tests")
    };
    lines.windows(2).position(|w| w[0].trim() == "#[cfg(test)]" && is_tests(w[1])).unwrap_or(lines.len())
}

/// Test-only files: a module the production code declares under `#[cfg(test)]` lives in `tests.rs` or
/// `*_tests.rs` by the house's habit.
fn is_test_file(p: &Path) -> bool {
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name == "tests.rs" || name.ends_with("_tests.rs") || name == "fixture.rs"
}

#[test]
fn no_production_file_is_over_400_lines() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![];
    for dir in ["src", "sandbox/src", "csp/src", "deploy/src"] {
        rust_files(&root.join(dir), &mut files);
    }
    assert!(files.len() > 50, "the walk found the sources ({} files)", files.len());
    let mut over: Vec<String> = files
        .iter()
        .filter(|p| !is_test_file(p))
        .filter_map(|p| {
            let n = production_lines(&fs::read_to_string(p).ok()?);
            (n > MAX_PRODUCTION_LINES).then(|| format!("{} ({n})", p.strip_prefix(root).unwrap_or(p).display()))
        })
        .collect();
    over.sort();
    assert!(over.is_empty(), "split these by meaning: {over:?}");
}

#[test]
fn production_lines_stop_at_the_test_module() {
    assert_eq!(production_lines("a\nb\n#[cfg(test)]\nmod tests {\n}\n"), 2);
    assert_eq!(production_lines("a\n#[cfg(test)]\npub(crate) mod tests {\n"), 1);
    assert_eq!(production_lines("a\n#[cfg(test)]\nmod fixture;\nb\n"), 4, "only a tests module ends it");
}

#[test]
fn every_api_call_goes_through_the_one_driver() {
    // Outside the driver's port, a flow sends to an API only from a function the driver calls; a loop that
    // sends and decides again by itself is the drift issue 20 removed.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![];
    rust_files(&root.join("src/flows"), &mut files);
    for p in files {
        let text = fs::read_to_string(&p).unwrap_or_default();
        let uses_retry = text.contains("Retry::new") || text.contains("retry.next(");
        assert!(!uses_retry, "{}: decides retries itself; describe the call and use flows::drive::Call", p.display());
    }
}

/// A string literal that reads as a sentence: a capital, then at least three words.
fn sentences(text: &str) -> Vec<String> {
    let mut out = vec![];
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        for (i, part) in code.split('"').enumerate() {
            let words: Vec<&str> = part.split_whitespace().collect();
            let sentence = i % 2 == 1
                && words.len() >= 4
                && part.chars().next().is_some_and(char::is_uppercase)
                && words
                    .iter()
                    .skip(1)
                    .take(3)
                    .all(|w| w.chars().filter(|c| c.is_alphabetic()).all(char::is_lowercase));
            if sentence {
                out.push(part.to_string());
            }
        }
    }
    out
}

#[test]
fn the_flows_pass_values_and_say_no_sentences() {
    assert_eq!(sentences(r#"let x = "Your session has ended. Sign in again.";"#).len(), 1);
    assert!(sentences(r#"let x = "Accept"; // "Not a sentence in a comment at all""#).is_empty());
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![];
    rust_files(&root.join("src/flows"), &mut files);
    let found: Vec<String> = files
        .iter()
        .flat_map(|p| {
            sentences(&fs::read_to_string(p).unwrap_or_default())
                .into_iter()
                .map(move |s| format!("{}: {s}", p.display()))
        })
        .collect();
    assert!(found.is_empty(), "page text belongs in problem.rs (or a text module beside it): {found:?}");
}
