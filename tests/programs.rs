//! Programs as tests: every `tests/conformance/*.py` (expected output from NumPy),
//! `tests/golden/*.hx` (expected output or error in a header block) and
//! `examples/*.hx` (with `.expected` files) runs through hpxl and is compared.
//!
//! Every program runs on both backends: `interp`, and `cranelift` with the small-array
//! threshold at 0 so that even tiny programs go through fused, compiled kernels. A golden
//! header line `# kernels: N` asserts how many kernels the cranelift run launches.
//! Built with `--features llvm`, every program also runs on the `llvm` backend (same
//! threshold; its kernel objects go to a fresh temporary disk cache, Note [LLVM disk
//! cache]); `HPXL_PROGRAMS_BACKENDS=llvm` runs only that one (besides the interp).
//!
//! Built with `--features gpu`, every program also runs with `--device gpu` on the fake
//! device (`hpxl_runtime::gpu::fake`, launches executed by `fuse::cpu_executor`), so
//! the GPU path — PTX compilation, residency, lazy copies, the CPU fallbacks — must give
//! the same output (numbers within 8 units of the last printed digit rather than 2: GPU
//! sums add in another order, which the fake device reproduces, `fuse/gpu_model.rs`).
//! `HPXL_PROGRAMS_BACKENDS=gpu` runs only that one.
//!
//! Run one area or file: `cargo test --test programs -- golden/aliasing`.
//! `HPXL_BLESS=1` rewrites golden headers from hpxl's output (review the diff!).

use std::path::{Path, PathBuf};

/// What a program is expected to do.
struct Expectation {
    stdout: String,
    /// (error code, 1-based line).
    error: Option<(String, usize)>,
    /// Kernels the cranelift backend launches (`# kernels: N`).
    kernels: Option<u64>,
}

fn main() {
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let bless = std::env::var("HPXL_BLESS").is_ok_and(|v| v == "1");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut cases: Vec<(String, PathBuf)> = Vec::new();
    for (dir, ext) in [("tests/conformance", "py"), ("tests/golden", "hx"), ("examples", "hx")] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).collect())
            .unwrap_or_default();
        files.retain(|p| p.extension().is_some_and(|e| e == ext));
        files.sort();
        for f in files {
            let stem = f.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            let short = dir.rsplit('/').next().unwrap_or(dir);
            cases.push((format!("{short}/{stem}"), f));
        }
    }
    if let Some(f) = &filter {
        cases.retain(|(name, _)| name.contains(f.as_str()));
    }
    let mut own_cache = None;
    if cfg!(any(feature = "llvm", feature = "llvm-static")) && std::env::var_os("HPXL_CACHE_DIR").is_none() {
        // A run must not read objects another build left in the user's cache.
        let dir = std::env::temp_dir().join(format!("hpxl-programs-cache-{}", std::process::id()));
        std::env::set_var("HPXL_CACHE_DIR", &dir);
        own_cache = Some(dir);
    }
    hpxl_compiler::fuse::set_tier_threshold(0);
    #[cfg(feature = "gpu")]
    hpxl_runtime::gpu::install(std::sync::Arc::new(hpxl_runtime::gpu::fake::FakeDevice::with_executor(
        hpxl_compiler::fuse::cpu_executor(),
    )));
    let mut failures = Vec::new();
    for (name, path) in &cases {
        match run_case(name, path, bless) {
            Ok(()) => {}
            Err(msg) => failures.push(format!("--- {name} ({})\n{msg}", path.display())),
        }
    }
    if let Some(dir) = own_cache {
        let _ = std::fs::remove_dir_all(dir);
    }
    println!("programs: {} run, {} passed, {} failed", cases.len(), cases.len() - failures.len(), failures.len());
    if !failures.is_empty() {
        for f in &failures {
            println!("{f}");
        }
        println!("programs: {} of {} failed", failures.len(), cases.len());
        std::process::exit(1);
    }
}

fn run_case(name: &str, path: &Path, bless: bool) -> Result<(), String> {
    let source = std::fs::read_to_string(path).map_err(|e| format!("cannot read: {e}"))?;
    let expected = if path.extension().is_some_and(|e| e == "py") || name.starts_with("examples/") {
        let exp_path = path.with_extension("expected");
        let text =
            std::fs::read_to_string(&exp_path).map_err(|e| format!("cannot read {}: {e}", exp_path.display()))?;
        parse_expected_file(&text)
    } else {
        parse_header(&source).ok_or("golden file lacks an `# expect-stdout:` header")?
    };
    let display = path.display().to_string();
    let outcome = hpxl::run_capture_with(&display, &source, hpxl::Backend::Interp, 0);
    if bless && path.extension().is_some_and(|e| e == "hx") && !name.starts_with("examples/") {
        let error = outcome.error.as_ref().map(|d| (d.code.as_str().to_string(), outcome.error_line.unwrap_or(0)));
        let blessed = rewrite_header(&source, &outcome.stdout, error.as_ref());
        std::fs::write(path, blessed).map_err(|e| format!("bless failed: {e}"))?;
        return Ok(());
    }
    let mut problems = Vec::new();
    check_outcome("interp", &expected, &outcome, &mut problems);
    let only = std::env::var("HPXL_PROGRAMS_BACKENDS").ok();
    let mut backends = vec![hpxl::Backend::Cranelift];
    if cfg!(any(feature = "llvm", feature = "llvm-static")) {
        // Tiered runs after llvm, so it starts many kernels on llvm's cached objects; the
        // rest are queued for LLVM at their first launch (threshold 0, set in `main`) and
        // switch whenever the background compile is done (Note [Tiered compilation]).
        backends.extend([hpxl::Backend::Llvm, hpxl::Backend::Tiered]);
    }
    if let Some(only) = &only {
        backends.retain(|b| only.split(',').any(|o| o == b.name()));
    }
    if cfg!(feature = "gpu") && only.as_ref().is_none_or(|o| o.split(',').any(|o| o == "gpu")) {
        let outcome = hpxl::run_capture_on(&display, &source, hpxl::Backend::Cranelift, 0, hpxl::Device::Gpu);
        check_outcome("gpu (fake device)", &expected, &outcome, &mut problems);
    }
    for backend in backends {
        let before = hpxl::telemetry::snapshot();
        let outcome = hpxl::run_capture_with(&display, &source, backend, 0);
        let launched = hpxl::telemetry::snapshot().since(&before).kernel_launches;
        check_outcome(backend.name(), &expected, &outcome, &mut problems);
        if let Some(k) = expected.kernels {
            if launched != k {
                problems.push(format!("[{}] expected {k} kernel launches, got {launched}", backend.name()));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

fn check_outcome(backend: &str, expected: &Expectation, outcome: &hpxl::Outcome, problems: &mut Vec<String>) {
    // The GPU's reductions add in a tree order fixed by the length, not NumPy's pairwise
    // one (Note [Deterministic GPU reductions], Note [GPU row reductions]): a few ulp.
    let units = if backend.starts_with("gpu") { 8.0 } else { 2.0 };
    if let Err(diff) = compare_output(&expected.stdout, &outcome.stdout, units) {
        problems.push(format!("[{backend}] stdout differs:\n{diff}"));
    }
    match (&expected.error, &outcome.error) {
        (None, None) => {}
        (None, Some(_)) => problems.push(format!("[{backend}] unexpected error:\n{}", outcome.rendered)),
        (Some((code, line)), None) => {
            problems.push(format!("[{backend}] expected error {code} at line {line}, but the program succeeded"))
        }
        (Some((code, line)), Some(d)) => {
            if d.code.as_str() != code || outcome.error_line != Some(*line) {
                problems.push(format!(
                    "[{backend}] expected error {code} at line {line}, got {} at line {}:\n{}",
                    d.code.as_str(),
                    outcome.error_line.map_or("?".into(), |l| l.to_string()),
                    outcome.rendered
                ));
            }
        }
    }
}

/// `.expected` files: stdout, then optionally `#! error <Class> line <N> code <E....>`.
fn parse_expected_file(text: &str) -> Expectation {
    let mut stdout = text.to_string();
    let mut error = None;
    if let Some(pos) = text.rfind("#! error ") {
        if text[pos..].lines().count() == 1 && (pos == 0 || text.as_bytes()[pos - 1] == b'\n') {
            let trailer: Vec<&str> = text[pos..].split_whitespace().collect();
            let line =
                trailer.iter().position(|w| *w == "line").and_then(|i| trailer.get(i + 1)).and_then(|s| s.parse().ok());
            let code =
                trailer.iter().position(|w| *w == "code").and_then(|i| trailer.get(i + 1)).map(|s| s.to_string());
            if let (Some(line), Some(code)) = (line, code) {
                error = Some((code, line));
                stdout = text[..pos].to_string();
            }
        }
    }
    Expectation { stdout, error, kernels: None }
}

/// Golden header: `# expect-stdout:` followed by `# | line` rows, optional
/// `# expect-error: E0300 line 7`.
fn parse_header(source: &str) -> Option<Expectation> {
    let mut stdout = String::new();
    let mut error = None;
    let mut kernels = None;
    let mut seen = false;
    for line in source.lines() {
        if line.starts_with("# expect-stdout:") {
            seen = true;
        } else if let Some(rest) = line.strip_prefix("# |") {
            stdout.push_str(rest.strip_prefix(' ').unwrap_or(rest));
            stdout.push('\n');
        } else if let Some(rest) = line.strip_prefix("# expect-error:") {
            let w: Vec<&str> = rest.split_whitespace().collect();
            if let (Some(code), Some(l)) = (w.first(), w.iter().position(|x| *x == "line").and_then(|i| w.get(i + 1))) {
                error = Some((code.to_string(), l.parse().ok()?));
            }
        } else if let Some(rest) = line.strip_prefix("# kernels:") {
            kernels = Some(rest.trim().parse().ok()?);
        } else if !line.starts_with("# test:") && !line.starts_with("# expect") {
            break;
        }
    }
    seen.then_some(Expectation { stdout, error, kernels })
}

fn rewrite_header(source: &str, stdout: &str, error: Option<&(String, usize)>) -> String {
    let mut desc = None;
    let mut kernels = None;
    let mut body_start = 0;
    for (i, line) in source.lines().enumerate() {
        if let Some(d) = line.strip_prefix("# test:") {
            desc = Some(d.trim().to_string());
        } else if line.starts_with("# kernels:") {
            kernels = Some(line.to_string());
        } else if !(line.starts_with("# expect") || line.starts_with("# |")) {
            body_start = i;
            break;
        }
    }
    let body: Vec<&str> = source.lines().skip(body_start).collect();
    let mut header = vec![format!("# test: {}", desc.unwrap_or_default())];
    header.extend(kernels);
    header.push("# expect-stdout:".to_string());
    for l in stdout.lines() {
        header.push(if l.is_empty() { "# |".into() } else { format!("# | {l}") });
    }
    let header_len = header.len() + usize::from(error.is_some());
    if let Some((code, line)) = error {
        // Lines shift when the header changes size.
        let shifted = line + header_len - body_start;
        header.push(format!("# expect-error: {code} line {shifted}"));
    }
    format!("{}\n{}\n", header.join("\n"), body.join("\n"))
}

/// Compares outputs: exact text, except that numbers may differ by `units` in their last
/// printed significant digit.
fn compare_output(expected: &str, actual: &str, units: f64) -> Result<(), String> {
    if expected == actual {
        return Ok(());
    }
    let el: Vec<&str> = expected.lines().collect();
    let al: Vec<&str> = actual.lines().collect();
    for i in 0..el.len().max(al.len()) {
        let (e, a) = (el.get(i).copied().unwrap_or("<missing>"), al.get(i).copied().unwrap_or("<missing>"));
        if e != a && !lines_match_numerically(e, a, units) {
            return Err(format!("  line {}:\n    expected: {e}\n    actual:   {a}", i + 1));
        }
    }
    if expected.ends_with('\n') != actual.ends_with('\n') {
        return Err("  trailing newline differs".into());
    }
    Ok(())
}

#[derive(Debug, PartialEq)]
enum Tok {
    Num(f64, usize),
    Text(String),
}

/// Splits a line into numbers (with their count of significant digits) and text runs,
/// with whitespace runs collapsed (column alignment follows the digits printed).
fn tokenize(line: &str) -> Vec<Tok> {
    let b = line.as_bytes();
    let mut out = Vec::new();
    let mut text = String::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let starts_num = c.is_ascii_digit() || (c == b'.' && b.get(i + 1).is_some_and(|d| d.is_ascii_digit()));
        if starts_num {
            let start = i;
            while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
                i += 1;
            }
            if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
                let mut j = i + 1;
                if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
                    j += 1;
                }
                if j < b.len() && b[j].is_ascii_digit() {
                    while j < b.len() && b[j].is_ascii_digit() {
                        j += 1;
                    }
                    i = j;
                }
            }
            let s = &line[start..i];
            let mantissa = s.split(['e', 'E']).next().unwrap_or("");
            let digits = mantissa.trim_start_matches(['0', '.']).chars().filter(|c| c.is_ascii_digit()).count();
            if let Ok(v) = s.parse::<f64>() {
                let neg = text.ends_with('-') && !text.ends_with("--");
                if neg {
                    text.pop();
                }
                flush_text(&mut text, &mut out);
                out.push(Tok::Num(if neg { -v } else { v }, digits.max(1)));
                continue;
            }
            text.push_str(s);
            continue;
        }
        text.push(c as char);
        i += 1;
    }
    flush_text(&mut text, &mut out);
    out
}

fn flush_text(text: &mut String, out: &mut Vec<Tok>) {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let lead = text.starts_with(char::is_whitespace) && !collapsed.is_empty();
    let trail = text.ends_with(char::is_whitespace) && !collapsed.is_empty();
    let t = format!("{}{}{}", if lead { " " } else { "" }, collapsed, if trail { " " } else { "" });
    if !text.is_empty() {
        out.push(Tok::Text(if collapsed.is_empty() { " ".into() } else { t }));
    }
    text.clear();
}

fn lines_match_numerically(expected: &str, actual: &str, units: f64) -> bool {
    let (e, a) = (tokenize(expected), tokenize(actual));
    if e.len() != a.len() {
        return false;
    }
    e.iter().zip(&a).all(|(x, y)| match (x, y) {
        (Tok::Num(p, digits), Tok::Num(q, _)) => {
            let tol = units * 10f64.powi(-(*digits as i32 - 1)) * p.abs().max(q.abs()) + 1e-300;
            (p - q).abs() <= tol
        }
        (Tok::Text(s), Tok::Text(t)) => s == t,
        _ => false,
    })
}
