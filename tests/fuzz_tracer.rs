//! No-panic fuzzing of the whole pipeline (parser, tracer, graph, interp): every program
//! of the corpus is mutated deterministically and each mutant must end in success or a
//! user diagnostic, never a panic, an internal error (E9999), an abort or a hang.
//!
//! The mutations are driven by a tiny xorshift PRNG with a fixed seed, so a failure
//! reproduces exactly; the failing mutant's source is printed. Before each run the
//! mutant is also written to `$CARGO_TARGET_TMPDIR/fuzz_current.hx`, so a mutant that
//! kills the whole process (an abort cannot be caught) can still be recovered.
//!
//! Cost is bounded: about `MUTANT_BUDGET` mutants in all, numbers are replaced by huge values
//! only on lines without loops, and mutants containing `while` are skipped (a deleted
//! `i += 1` makes a legitimate infinite loop, which is not a bug to find here).

use hpxl::Code;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Total number of mutants run, spread evenly over the corpus.
const MUTANT_BUDGET: usize = 2000;
/// A mutant that runs longer than this is reported as a hang.
const HANG_TIMEOUT: Duration = Duration::from_secs(20);
const SEED: u64 = 0x9E37_79B9_7F4A_7C15;

/// Replacement numbers for lines without loops: edge cases for shapes, indices, dtypes.
const BIG_NUMBERS: &[&str] = &["0", "-1", "3", "1e308", "2**40", "-2**63", "2**64", "0.5", "-0.0", "1e-320"];
/// Replacement numbers on lines that drive a loop or recursion: small only.
const SMALL_NUMBERS: &[&str] = &["0", "-1", "2"];
/// Builtin names swapped in for identifiers.
const BUILTIN_NAMES: &[&str] = &[
    "zeros",
    "ones",
    "arange",
    "linspace",
    "array",
    "full",
    "eye",
    "empty",
    "sum",
    "max",
    "min",
    "mean",
    "std",
    "print",
    "len",
    "range",
    "reshape",
    "where",
    "concatenate",
    "stack",
    "abs",
    "sqrt",
    "exp",
    "log",
    "cumsum",
    "diff",
    "dot",
    "matmul",
    "transpose",
    "argmax",
    "argmin",
    "sort",
    "float64",
    "float32",
    "int8",
    "int32",
    "int64",
    "uint8",
    "uint64",
    "bool",
    "None",
    "True",
    "False",
    "newaxis",
    "inf",
    "nan",
    "pi",
    "shape",
    "dtype",
    "T",
    "astype",
    "any",
    "all",
    "round",
    "int",
    "float",
    "str",
    "tuple",
    "list",
    "isnan",
    "clip",
    "maximum",
    "minimum",
    "broadcast_to",
    "squeeze",
    "expand_dims",
    "flatten",
    "ravel",
    "copy",
    "realize",
    "zeros_like",
    "ones_like",
    "count_nonzero",
    "nonzero",
    "outer",
    "prod",
    "var",
    "ndim",
    "size",
];
/// Bytes inserted at random positions.
const INSERT_BYTES: &[u8] = b"()[]{}:,.=+-*/%@<>!~&|^#'\"\n\t 0123456789abexT_";

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// Uniform-ish in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn corpus() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for (dir, ext) in [("tests/conformance", "py"), ("tests/golden", "hx"), ("examples", "hx")] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).collect())
            .unwrap_or_default();
        files.retain(|p| p.extension().is_some_and(|e| e == ext));
        files.sort();
        for f in files {
            if let Ok(text) = std::fs::read_to_string(&f) {
                out.push((format!("{dir}/{}", f.file_name().unwrap_or_default().to_string_lossy()), text));
            }
        }
    }
    out
}

/// Byte ranges of number literals (digits, with `.`, `e`, `x`, `_`) not inside a name.
fn number_spans(src: &str) -> Vec<(usize, usize)> {
    let b = src.as_bytes();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let starts = b[i].is_ascii_digit() && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_'));
        if starts {
            let s = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.' || b[i] == b'_') {
                i += 1;
            }
            spans.push((s, i));
        } else {
            i += 1;
        }
    }
    spans
}

/// Byte ranges of identifiers.
fn ident_spans(src: &str) -> Vec<(usize, usize)> {
    let b = src.as_bytes();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_alphabetic() || b[i] == b'_' {
            let s = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            spans.push((s, i));
        } else if b[i].is_ascii_digit() {
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.') {
                i += 1;
            }
        } else {
            i += 1;
        }
    }
    spans
}

/// The line containing byte `pos`.
fn line_at(src: &str, pos: usize) -> &str {
    let start = src[..pos].rfind('\n').map_or(0, |p| p + 1);
    let end = src[pos..].find('\n').map_or(src.len(), |p| pos + p);
    &src[start..end]
}

/// Whether a number on `line` may become huge without risking a legitimately endless
/// loop: always in straight-line programs; in programs with loops or functions (where a
/// number may become a trip count far away from its line) only on lines that build
/// arrays, and never on lines that drive a loop.
fn big_numbers_ok(src: &str, line: &str) -> bool {
    const LOOPY: &[&str] = &["for ", "while", "def ", "lambda", "range"];
    const ALLOCATING: &[&str] =
        &["zeros", "ones", "full", "empty", "arange", "linspace", "eye", "reshape", "tile", "repeat"];
    if LOOPY.iter().any(|w| line.contains(w)) {
        return false;
    }
    !LOOPY.iter().any(|w| src.contains(w)) || ALLOCATING.iter().any(|w| line.contains(w))
}

/// Snaps a byte position down to a char boundary.
fn floor_boundary(s: &str, mut pos: usize) -> usize {
    pos = pos.min(s.len());
    while !s.is_char_boundary(pos) {
        pos -= 1;
    }
    pos
}

/// Applies one random mutation.
fn mutate_once(src: &str, rng: &mut XorShift) -> String {
    let mut lines: Vec<&str> = src.lines().collect();
    match rng.below(9) {
        0 if !lines.is_empty() => {
            let i = rng.below(lines.len());
            lines.remove(i);
            lines.join("\n") + "\n"
        }
        1 if !lines.is_empty() => {
            let i = rng.below(lines.len());
            let l = lines[i];
            lines.insert(i, l);
            lines.join("\n") + "\n"
        }
        2 if lines.len() >= 2 => {
            let (i, j) = (rng.below(lines.len()), rng.below(lines.len()));
            lines.swap(i, j);
            lines.join("\n") + "\n"
        }
        3 if !src.is_empty() => {
            let at = floor_boundary(src, rng.below(src.len()));
            let end = floor_boundary(src, at + 1 + rng.below(3));
            format!("{}{}", &src[..at], &src[end..])
        }
        4 => {
            let at = floor_boundary(src, rng.below(src.len() + 1));
            // Letters and digits next to a number can make it huge (`12` -> `1e92`).
            let alnum_ok = big_numbers_ok(src, line_at(src, at));
            let mut ins = String::new();
            while ins.len() < 1 + rng.below(2) {
                let b = *rng.pick(INSERT_BYTES);
                if alnum_ok || !b.is_ascii_alphanumeric() {
                    ins.push(b as char);
                }
            }
            format!("{}{ins}{}", &src[..at], &src[at..])
        }
        5 | 6 => {
            let spans = number_spans(src);
            if spans.is_empty() {
                return src.to_string();
            }
            let (s, e) = *rng.pick(&spans);
            let repl =
                if big_numbers_ok(src, line_at(src, s)) { rng.pick(BIG_NUMBERS) } else { rng.pick(SMALL_NUMBERS) };
            format!("{}{repl}{}", &src[..s], &src[e..])
        }
        7 => {
            let spans = ident_spans(src);
            if spans.is_empty() {
                return src.to_string();
            }
            let (s, e) = *rng.pick(&spans);
            let repl = if rng.below(2) == 0 {
                let (a, b) = *rng.pick(&spans);
                src[a..b].to_string()
            } else {
                rng.pick(BUILTIN_NAMES).to_string()
            };
            format!("{}{repl}{}", &src[..s], &src[e..])
        }
        _ => {
            let at = floor_boundary(src, rng.below(src.len() + 1));
            src[..at].to_string()
        }
    }
}

fn mutate(src: &str, rng: &mut XorShift) -> String {
    let mut m = src.to_string();
    for _ in 0..1 + rng.below(3) {
        m = mutate_once(&m, rng);
    }
    m
}

/// FNV-1a hash, to derive a per-program seed from its path.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3))
}

/// Runs one program with a watchdog; `Err` describes a panic, internal error or hang.
fn run_guarded(name: &str, source: &str) -> Result<Option<Code>, String> {
    let (tx, rx) = mpsc::channel();
    let (name, source) = (name.to_string(), source.to_string());
    std::thread::spawn(move || {
        let r = std::panic::catch_unwind(|| hpxl::run_capture(&name, &source));
        let _ = tx.send(r.map(|o| (o.error.as_ref().map(|d| d.code), o.rendered)));
    });
    match rx.recv_timeout(HANG_TIMEOUT) {
        Ok(Ok((Some(Code::Internal), rendered))) => Err(format!("internal error:\n{rendered}")),
        Ok(Ok((code, _))) => Ok(code),
        Ok(Err(_)) => Err("run_capture panicked".into()),
        Err(_) => Err(format!("no result after {HANG_TIMEOUT:?} (hang)")),
    }
}

/// Mutants the fuzzer once found crashing (panic, abort or E9999), reduced, with the
/// outcome now expected: `Ok(stdout)` or `Err(code)`. Cases NumPy agrees with also live
/// in `tests/golden/err_alloc_*.hx` and `err_repeat_float.hx`; these two differ from
/// NumPy on purpose (Python's `round` on a Python float; an E0950 gap) so they are here.
const REGRESSIONS: &[(&str, Result<&str, &str>)] = &[
    ("print(round(7.25, 2**40), round(7.25, -2**40), round(-7.25, -400))", Ok("7.25 0.0 -0.0\n")),
    ("print(mean(arange(4), dtype=uint8))", Err("E0950")),
    ("print(var(arange(4), dtype=int64))", Err("E0950")),
    ("print(\"ab\" * 2**40)", Err("E0900")),
    ("print(ones(2**40, dtype=bool))", Err("E0900")),
    ("print(zeros((0, 2**40)).sum(axis=0))", Err("E0900")),
    ("print(tile(array([[1, 2], [3, 4]]), (2**40, 3)))", Err("E0900")),
    ("print(repeat(arange(3), 1e308))", Err("E0400")),
    ("print(range(2**40)[-1])", Ok("1099511627775\n")),
];

#[test]
fn found_crashes_stay_fixed() {
    let mut problems = Vec::new();
    for (k, (source, expected)) in REGRESSIONS.iter().enumerate() {
        let outcome = hpxl::run_capture(&format!("regression#{k}"), source);
        let actual = match &outcome.error {
            None => Ok(outcome.stdout.as_str()),
            Some(d) => Err(d.code.as_str()),
        };
        if actual != *expected {
            problems.push(format!("{source}\n  expected {expected:?}, got {actual:?}\n{}", outcome.rendered));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn mutants_never_panic() {
    let corpus = corpus();
    assert!(!corpus.is_empty(), "no programs found");
    let scratch = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("fuzz_current.hx");
    // `HPXL_FUZZ_SEED` / `HPXL_FUZZ_BUDGET` explore further without changing the default run.
    let env_num = |k: &str| std::env::var(k).ok().and_then(|v| v.parse::<u64>().ok());
    let budget = env_num("HPXL_FUZZ_BUDGET").map_or(MUTANT_BUDGET, |b| b as usize);
    let per_program = budget.div_ceil(corpus.len());
    let seed = env_num("HPXL_FUZZ_SEED").unwrap_or(SEED);
    let (mut ran, mut skipped) = (0usize, 0usize);
    let mut failures: Vec<String> = Vec::new();
    let mut slowest: Vec<(Duration, String)> = Vec::new();
    let mut by_code: std::collections::BTreeMap<&'static str, usize> = Default::default();
    let start = Instant::now();
    'programs: for (name, src) in &corpus {
        // Each program has its own stream, so adding a program does not change the
        // mutants of the others.
        let mut rng = XorShift(fnv1a(name.as_bytes()) ^ seed | 1);
        for k in 0..per_program {
            let mutant = mutate(src, &mut rng);
            if mutant.contains("while") {
                skipped += 1;
                continue;
            }
            let _ = std::fs::write(&scratch, &mutant);
            let t = Instant::now();
            let result = run_guarded(&format!("{name}#{k}"), &mutant);
            slowest.push((t.elapsed(), format!("{name}#{k}")));
            ran += 1;
            if let Ok(code) = &result {
                *by_code.entry(code.map_or("ok", |c| c.as_str())).or_default() += 1;
            }
            if let Err(why) = result {
                failures.push(format!("=== mutant {name}#{k}: {why}\n--- source:\n{mutant}\n---"));
                if why.contains("hang") {
                    break 'programs;
                }
            }
        }
    }
    slowest.sort_by(|a, b| b.0.cmp(&a.0));
    println!(
        "fuzz: {ran} mutants run, {skipped} skipped (contain `while`), {} failed, {:.1?} total",
        failures.len(),
        start.elapsed()
    );
    println!("  outcomes: {by_code:?}");
    for (d, n) in slowest.iter().take(5) {
        println!("  slow: {n} {d:.1?}");
    }
    let _ = std::fs::remove_file(&scratch);
    assert!(failures.is_empty(), "{} mutants failed:\n{}", failures.len(), failures.join("\n"));
}
