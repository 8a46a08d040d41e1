//! `stdlib/docs/builtins.toml` (the REPL's `:help`) documents every registered builtin:
//! each function and method has an entry with a signature naming it, a summary and an
//! example that runs without error; no entry documents something that is not registered.

use std::collections::BTreeSet;

fn docs() -> Vec<hpxl_repl::docs::Doc> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("stdlib/docs/builtins.toml");
    let text = std::fs::read_to_string(&path).expect("read builtins.toml");
    hpxl_repl::docs::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Registry names as the docs key them: functions by name, methods as `ndarray.NAME`
/// (string methods keep their `str.` prefix).
fn registered() -> BTreeSet<String> {
    let r = hpxl_stdlib::registry();
    let mut names: BTreeSet<String> = r.functions.keys().cloned().collect();
    names.extend(r.methods.keys().map(|m| if m.starts_with("str.") { m.clone() } else { format!("ndarray.{m}") }));
    names
}

#[test]
fn every_builtin_has_an_entry_and_no_entry_is_stale() {
    let documented: BTreeSet<String> = docs().into_iter().map(|d| d.name).collect();
    let registered = registered();
    let missing: Vec<&String> = registered.difference(&documented).collect();
    let stale: Vec<&String> = documented.difference(&registered).collect();
    assert!(missing.is_empty(), "{} builtins have no entry: {missing:?}", missing.len());
    assert!(stale.is_empty(), "entries for unregistered names: {stale:?}");
}

#[test]
fn every_entry_is_complete_and_its_example_runs() {
    let mut failures = Vec::new();
    let docs = docs();
    let mut seen = BTreeSet::new();
    for d in &docs {
        assert!(seen.insert(d.name.clone()), "duplicate entry {}", d.name);
        let short = d.name.strip_prefix("ndarray.").unwrap_or(&d.name);
        let short = short.rsplit('.').next().unwrap_or(short);
        if !d.signature.contains(&format!("{short}(")) {
            failures.push(format!("{}: signature `{}` does not name it", d.name, d.signature));
        }
        if d.summary.trim().is_empty() || d.example.trim().is_empty() {
            failures.push(format!("{}: empty summary or example", d.name));
            continue;
        }
        let outcome = hpxl::run_capture(&format!("<help {}>", d.name), &format!("{}\n", d.example));
        // A known gap documents itself: its example shows the E0950 it gives.
        let known_gap = d.summary.starts_with("Not supported")
            && outcome.error.as_ref().is_some_and(|e| e.code == hpxl::Code::Unsupported);
        if outcome.error.is_some() && !known_gap {
            failures.push(format!("{}: example fails:\n{}", d.name, outcome.rendered));
        }
    }
    assert!(failures.is_empty(), "{} problems:\n{}", failures.len(), failures.join("\n"));
}
