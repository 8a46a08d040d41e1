//! `hpxl bench`: the built-in benchmark suite. Each case is an hpxl program run through a
//! `Session`; its median time is reported with the bandwidth it achieves and the ratio of
//! that bandwidth to a STREAM-style probe (copy, triad, read) measured in the same run on
//! the same number of threads. `benches/compare.py` runs the same cases in NumPy and
//! numexpr and reads the `--json` output; `benches/README.md` documents both.
//!
//! Note [Logical bytes]: a case's GB/s counts the bytes a program *must* move: every
//! input array read once and every output array written once, whatever the backend does
//! (an unfused backend moves more, a fused one may move less). Reductions count only
//! their inputs. Per case, `bytes` below says what is counted. Where a case reads nothing
//! from memory (the linspace pipeline generates its input), the figure is a throughput
//! in float64 values per second times 8, not a bandwidth, and the probe ratio only says
//! how it compares with streaming the same values from memory.
//!
//! Note [Forcing work]: realisation is lazy, so every timed statement ends by observing
//! its result (`realize(r)` for arrays, `realize(s)` for the 0-d results of reductions).
//! The small-array loops call `realize(r)` once per iteration: it is the cheapest
//! observation that still makes every iteration compute `r` (`s = s + r[0]` would build
//! a pending chain that is evaluated only every `MAX_PENDING_DEPTH` iterations).

mod io;
mod linalg;
mod order;
mod random;
mod rolling;

use anyhow::{bail, Context, Result};
use clap::Parser;
use hpxl::{Backend, Session, Telemetry};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use serde_json::json;
use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// `println!` that returns a closed stdout (`hpxl bench | head`) as an error instead of
/// panicking.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout(), $($arg)*).context("cannot write to stdout")?
    }};
}

const DEFAULT_REPS: usize = 5;
/// Default repetitions for cases that take seconds on the interp backend.
const DEFAULT_REPS_HEAVY: usize = 3;
/// The suite's base sizes at scale 1.
const N_VECTOR: f64 = 10_000_000.0;
const N_OUTER: f64 = 4000.0;
const N_STENCIL: f64 = 2000.0;
const STENCIL_STEPS: usize = 100;
const SMALL_N: usize = 100;
const SMALL_ITERS: f64 = 10_000.0;

#[derive(Parser, Debug)]
#[command(name = "hpxl bench", about = "Run hpxl's benchmark suite (see benches/README.md)")]
struct BenchArgs {
    /// Run only cases whose name or expression contains one of these strings.
    filter: Vec<String>,
    /// Print one JSON object per case (and a final summary object) instead of a table.
    #[arg(long)]
    json: bool,
    /// Timed repetitions per case (default 5; 3 for the stencil), after one warm-up run.
    #[arg(long)]
    reps: Option<usize>,
    /// Problem-size factor (default `HPXL_BENCH_SCALE`, else 1): vectors have 10M*scale
    /// elements, 2-D cases sqrt(scale) times the side, the small loops scale*10000 iterations.
    #[arg(long)]
    scale: Option<f64>,
    /// List the cases and exit.
    #[arg(long)]
    list: bool,
    /// Execution backend (also accepted before `bench`).
    #[arg(long)]
    backend: Option<String>,
    /// Worker threads (also accepted before `bench`).
    #[arg(long)]
    threads: Option<usize>,
}

/// Which probe a case's bandwidth is compared with: the one with its access pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ProbeKind {
    /// One stream in, one stream out.
    Copy,
    /// Several streams in, one out.
    Triad,
    /// Streams in, a scalar out (reductions).
    Read,
}

impl ProbeKind {
    fn name(self) -> &'static str {
        match self {
            ProbeKind::Copy => "copy",
            ProbeKind::Triad => "triad",
            ProbeKind::Read => "read",
        }
    }
}

/// One benchmark: `setup` runs once (untimed), `timed` runs once to warm the kernel cache
/// and then `reps` times under the clock.
struct Case {
    name: &'static str,
    /// What the case computes, for the table.
    expr: &'static str,
    setup: String,
    timed: String,
    /// The logical bytes of one run of `timed` (Note [Logical bytes]).
    bytes: u64,
    probe: ProbeKind,
    /// The shape of the arrays the case works on (for `compare.py`).
    shape: Vec<usize>,
    /// Units of work in one run of `timed` (loop iterations or time steps); times are
    /// reported per unit when this is more than 1 and `per_iteration` is set.
    iterations: usize,
    per_iteration: bool,
    heavy: bool,
    /// Small-array threshold for this case (`None`: the session default).
    small_threshold: Option<usize>,
}

impl Case {
    /// A case whose `timed` code runs once per repetition over arrays of `shape`, with
    /// the session's default small-array threshold.
    fn once(
        name: &'static str,
        expr: &'static str,
        setup: String,
        timed: String,
        bytes: u64,
        probe: ProbeKind,
        shape: Vec<usize>,
    ) -> Case {
        Case {
            name,
            expr,
            setup,
            timed,
            bytes,
            probe,
            shape,
            iterations: 1,
            per_iteration: false,
            heavy: false,
            small_threshold: None,
        }
    }
}

/// Sizes derived from the scale factor.
struct Sizes {
    n: usize,
    outer: usize,
    stencil: usize,
    small_iters: usize,
}

impl Sizes {
    fn new(scale: f64) -> Sizes {
        let side = scale.sqrt();
        Sizes {
            n: ((N_VECTOR * scale).round() as usize).max(1000),
            outer: ((N_OUTER * side).round() as usize).max(8),
            stencil: ((N_STENCIL * side).round() as usize).max(8),
            small_iters: ((SMALL_ITERS * scale).round() as usize).max(10),
        }
    }
}

/// Deterministic, irregular data in [0, 1): fractional parts of multiples of irrational
/// numbers (`random` is not available in hpxl yet). `compare.py` builds the same arrays.
fn vectors(n: usize, names: &[&str]) -> String {
    const MULTIPLIERS: [f64; 4] = [0.6180339887498949, 0.7548776662466927, 0.5698402909980532, 0.414213562373095];
    let mut s = format!("i = arange({n})\n");
    for (name, m) in names.iter().zip(MULTIPLIERS) {
        s += &format!("{name} = (i * {m:?}) % 1.0\n");
    }
    s += &format!("realize({})\n", names.join(", "));
    s
}

fn cases(sz: &Sizes) -> Vec<Case> {
    let n = sz.n;
    let nb = n as u64 * 8;
    let vector = |name, expr, setup: String, timed: &str, bytes, probe| {
        Case::once(name, expr, setup, timed.to_string(), bytes, probe, vec![n])
    };
    // x in [-10, 10) for sin/cos, [-5, 5) for exp.
    let x_sin = vectors(n, &["a"]) + "x = a * 20.0 - 10.0\nrealize(x)\n";
    let x_exp = vectors(n, &["a"]) + "x = a * 10.0 - 5.0\nx32 = x.astype(float32)\nrealize(x, x32)\n";
    let reduction = |name, expr, timed| vector(name, expr, vectors(n, &["a"]), timed, nb, ProbeKind::Read);
    let mut all = vec![
        // Reads a, b, c, d; writes r.
        vector(
            "abcd",
            "a*b + c*d",
            vectors(n, &["a", "b", "c", "d"]),
            "r = a*b + c*d\nrealize(r)\n",
            5 * nb,
            ProbeKind::Triad,
        ),
        // Reads x; writes r.
        vector(
            "sincos",
            "sin(x)**2 + cos(x)**2",
            x_sin,
            "r = sin(x)**2 + cos(x)**2\nrealize(r)\n",
            2 * nb,
            ProbeKind::Copy,
        ),
        // Reads x32; writes r (4 bytes each).
        vector("exp_f32", "exp(x) float32", x_exp.clone(), "r = exp(x32)\nrealize(r)\n", nb, ProbeKind::Copy),
        // Reads x; writes r.
        vector("exp_f64", "exp(x) float64", x_exp, "r = exp(x)\nrealize(r)\n", 2 * nb, ProbeKind::Copy),
        // Reads a, b; writes r.
        vector(
            "where",
            "where(a > 0.5, a*2, b-1)",
            vectors(n, &["a", "b"]),
            "r = where(a > 0.5, a*2, b-1)\nrealize(r)\n",
            3 * nb,
            ProbeKind::Triad,
        ),
        // Reductions read a once (std logically too: two passes are the backend's choice).
        reduction("sum", "sum(a)", "s = sum(a)\nrealize(s)\n"),
        reduction("mean", "mean(a)", "s = mean(a)\nrealize(s)\n"),
        reduction("std", "std(a)", "s = std(a)\nrealize(s)\n"),
        reduction("min", "min(a)", "s = min(a)\nrealize(s)\n"),
        reduction("max", "max(a)", "s = max(a)\nrealize(s)\n"),
        // Reads a, b.
        vector(
            "hypot_sum",
            "sum(sqrt(a*a + b*b))",
            vectors(n, &["a", "b"]),
            "s = sum(sqrt(a*a + b*b))\nrealize(s)\n",
            2 * nb,
            ProbeKind::Read,
        ),
        // Generates x (nothing read, Note [Logical bytes]): counted as one float64 stream.
        vector(
            "linspace",
            "linspace(0,10,n) -> sin(x)*exp(-x) -> sum(y*y)",
            String::new(),
            &format!("x = linspace(0, 10, {n})\ny = sin(x)*exp(-x)\ns = sum(y*y)\nrealize(s)\n"),
            nb,
            ProbeKind::Read,
        ),
    ];
    // Reads x and y (m each); writes r (m*m).
    let m = sz.outer;
    all.push(Case {
        name: "outer",
        expr: "x[:, None] * y[None, :] + 1",
        setup: format!("x = linspace(0, 1, {m})\ny = linspace(1, 2, {m})\nrealize(x, y)\n"),
        timed: "r = x[:, None] * y[None, :] + 1\nrealize(r)\n".to_string(),
        bytes: (m as u64 * m as u64 + 2 * m as u64) * 8,
        probe: ProbeKind::Copy,
        shape: vec![m, m],
        iterations: 1,
        per_iteration: false,
        heavy: false,
        small_threshold: None,
    });
    // Per step: reads u (k*k), writes the interior ((k-2)^2).
    let k = sz.stencil;
    let step =
        "    u[1:-1, 1:-1] += 0.1 * (u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:] - 4 * u[1:-1, 1:-1])\n";
    all.push(Case {
        name: "stencil",
        expr: "5-point stencil, 100 steps",
        setup: format!("u = ((arange({k} * {k}) * 0.6180339887498949) % 1.0).reshape({k}, {k})\nrealize(u)\n"),
        timed: format!("for step in range({STENCIL_STEPS}):\n{step}realize(u)\n"),
        bytes: STENCIL_STEPS as u64 * (k as u64 * k as u64 + (k as u64 - 2) * (k as u64 - 2)) * 8,
        probe: ProbeKind::Copy,
        shape: vec![k, k],
        iterations: STENCIL_STEPS,
        per_iteration: false,
        heavy: true,
        small_threshold: None,
    });
    // Per iteration: reads a, b, c; writes r (100 elements each).
    let small = |name, expr, small_threshold: Option<usize>| Case {
        name,
        expr,
        setup: vectors(SMALL_N, &["a", "b", "c"]),
        timed: format!("for it in range({}):\n    r = a*b + c\n    realize(r)\n", sz.small_iters),
        bytes: sz.small_iters as u64 * 4 * SMALL_N as u64 * 8,
        probe: ProbeKind::Triad,
        shape: vec![SMALL_N],
        iterations: sz.small_iters,
        per_iteration: true,
        heavy: false,
        small_threshold,
    };
    all.push(small("small_loop", "a*b + c, n=100, per iteration", None));
    // The same loop with every kernel compiled: the cost of re-running a cached kernel.
    all.push(small("small_loop_jit", "a*b + c, n=100, JIT forced, per iteration", Some(0)));
    // The standard library's routines (issue 4), one module per area.
    all.extend(order::cases(sz));
    all.extend(rolling::cases(sz));
    all.extend(linalg::cases(sz));
    all.extend(random::cases(sz));
    all.extend(io::cases(sz));
    all
}

/// Bandwidths of the STREAM-style probe, in GB/s (bytes read + written per second).
#[derive(Clone, Copy, Debug)]
struct Probe {
    copy: f64,
    triad: f64,
    read: f64,
}

impl Probe {
    fn get(&self, kind: ProbeKind) -> f64 {
        match kind {
            ProbeKind::Copy => self.copy,
            ProbeKind::Triad => self.triad,
            ProbeKind::Read => self.read,
        }
    }
}

/// Copy (`a[i] = b[i]`), triad (`a[i] = b[i] + s*c[i]`) and read (`sum(b)`) over `n`
/// float64 values, in parallel over blocks on `threads` rayon threads; best of `reps`.
/// `n` is the vector cases' size (10M at scale 1), so that a shrunk suite compares with a
/// probe over the same (then cache-resident) working set.
fn measure_probe(n: usize, reps: usize, threads: usize) -> Result<Probe> {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().context("probe thread pool")?;
    let block = hpxl_runtime::exec::BLOCK;
    Ok(pool.install(|| {
        // Zeroed allocations are mapped lazily; filling them in parallel touches each
        // page from the thread that will stream it.
        let (mut a, mut b, mut c) = (vec![0.0f64; n], vec![0.0f64; n], vec![0.0f64; n]);
        for (arr, v) in [(&mut a, 1.0), (&mut b, 2.0), (&mut c, 0.5)] {
            arr.par_chunks_mut(block).for_each(|ch| ch.fill(v));
        }
        let best = |f: &mut dyn FnMut()| (0..reps.max(1)).map(|_| time_of(&mut *f)).min().unwrap_or_default();
        let nb = n as f64 * 8.0;
        let copy = best(&mut || {
            a.par_chunks_mut(block).zip(b.par_chunks(block)).for_each(|(x, y)| x.copy_from_slice(y));
            std::hint::black_box(&mut a);
        });
        let s = std::hint::black_box(3.0);
        let triad = best(&mut || {
            a.par_chunks_mut(block).zip(b.par_chunks(block)).zip(c.par_chunks(block)).for_each(|((x, y), z)| {
                for ((xi, yi), zi) in x.iter_mut().zip(y).zip(z) {
                    *xi = yi + s * zi;
                }
            });
            std::hint::black_box(&mut a);
        });
        let read = best(&mut || {
            std::hint::black_box(b.par_chunks(block).map(sum_lanes).sum::<f64>());
        });
        Probe {
            copy: 2.0 * nb / copy.as_secs_f64() / 1e9,
            triad: 3.0 * nb / triad.as_secs_f64() / 1e9,
            read: nb / read.as_secs_f64() / 1e9,
        }
    }))
}

/// A sum with eight independent accumulators, so that it streams instead of waiting on
/// one add chain.
fn sum_lanes(xs: &[f64]) -> f64 {
    let mut acc = [0.0f64; 8];
    let chunks = xs.chunks_exact(8);
    let tail: f64 = chunks.remainder().iter().sum();
    for ch in chunks {
        for (a, x) in acc.iter_mut().zip(ch) {
            *a += x;
        }
    }
    acc.iter().sum::<f64>() + tail
}

fn time_of(f: &mut dyn FnMut()) -> Duration {
    let t0 = Instant::now();
    f();
    t0.elapsed()
}

/// The timings of one case.
struct Measured {
    median_s: f64,
    min_s: f64,
    reps: usize,
    /// Telemetry over the warm-up run (compiles) and over the timed runs.
    warmup: Telemetry,
    timed: Telemetry,
}

fn median(xs: &mut [f64]) -> f64 {
    xs.sort_by(f64::total_cmp);
    let m = xs.len() / 2;
    if xs.len() % 2 == 1 {
        xs[m]
    } else {
        (xs[m - 1] + xs[m]) / 2.0
    }
}

fn run_case(backend: Backend, case: &Case, reps: usize, tick: &dyn Fn()) -> Result<Measured, String> {
    let mut session = Session::with_output(Box::new(std::io::sink()));
    session.set_backend(backend);
    if let Some(t) = case.small_threshold {
        session.set_small_threshold(t);
    }
    let run = |session: &mut Session, what: &str, code: &str| {
        session.run(&format!("<bench {} {what}>", case.name), code).map(|_| ()).map_err(|d| session.render(&d))
    };
    run(&mut session, "setup", &case.setup)?;
    let t0 = hpxl::telemetry::snapshot();
    run(&mut session, "warm-up", &case.timed)?;
    tick();
    let t1 = hpxl::telemetry::snapshot();
    let mut times = Vec::with_capacity(reps);
    for _ in 0..reps {
        let start = Instant::now();
        run(&mut session, "timed", &case.timed)?;
        times.push(start.elapsed().as_secs_f64());
        tick();
    }
    let t2 = hpxl::telemetry::snapshot();
    let per = if case.per_iteration { case.iterations as f64 } else { 1.0 };
    let min_s = times.iter().copied().fold(f64::INFINITY, f64::min) / per;
    Ok(Measured { median_s: median(&mut times) / per, min_s, reps, warmup: t1.since(&t0), timed: t2.since(&t1) })
}

/// `hpxl bench [FILTER...] [--json] [--reps N]`; `backend` is the CLI's global choice.
pub fn main(backend: Backend, args: &[String]) -> Result<i32> {
    let args = match BenchArgs::try_parse_from(std::iter::once("hpxl bench".to_string()).chain(args.iter().cloned())) {
        Ok(a) => a,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return Ok(code);
        }
    };
    let backend = match args.backend.as_deref() {
        None => backend,
        Some(name) => Backend::parse(name).with_context(|| format!("unknown backend `{name}`"))?,
    };
    if let Some(t) = args.threads {
        if t == 0 {
            bail!("--threads must be at least 1");
        }
        if !hpxl_runtime::exec::configure(t) {
            bail!("the thread count is already set; pass --threads once");
        }
    }
    let scale = match args.scale {
        Some(s) => s,
        None => match std::env::var("HPXL_BENCH_SCALE") {
            Ok(v) => v.trim().parse::<f64>().with_context(|| format!("HPXL_BENCH_SCALE={v} is not a number"))?,
            Err(_) => 1.0,
        },
    };
    if !(scale.is_finite() && scale > 0.0) {
        bail!("the scale must be a positive number");
    }
    let sizes = Sizes::new(scale);
    let all = cases(&sizes);
    let exact: std::collections::HashSet<&'static str> = all.iter().map(|c| c.name).collect();
    let selected: Vec<Case> = all
        .into_iter()
        .filter(|c| {
            // A filter that names a case exactly selects that case only; any other
            // filter selects every case whose name or expression contains it.
            args.filter.is_empty()
                || args.filter.iter().any(|f| {
                    if exact.contains(f.as_str()) {
                        c.name == f.as_str()
                    } else {
                        c.name.contains(f.as_str()) || c.expr.contains(f.as_str())
                    }
                })
        })
        .collect();
    if args.list {
        for c in &selected {
            outln!("{:<16} {}", c.name, c.expr);
        }
        return Ok(0);
    }
    if selected.is_empty() {
        bail!("no benchmark matches {:?} (see `hpxl bench --list`)", args.filter);
    }
    let reps_of = |c: &Case| args.reps.unwrap_or(if c.heavy { DEFAULT_REPS_HEAVY } else { DEFAULT_REPS }).max(1);

    let threads = hpxl_runtime::exec::threads();
    let probe = measure_probe(sizes.n, args.reps.unwrap_or(DEFAULT_REPS).max(3), threads)?;
    let total_runs: usize = selected.iter().map(|c| reps_of(c) + 1).sum();
    let bar = if args.json || !std::io::stderr().is_terminal() {
        ProgressBar::with_draw_target(Some(total_runs as u64), ProgressDrawTarget::hidden())
    } else {
        let bar = ProgressBar::new(total_runs as u64);
        bar.enable_steady_tick(Duration::from_millis(250));
        bar
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    if !args.json {
        outln!(
            "hpxl bench: backend {} | threads {threads} | scale {scale} | vectors of {} float64",
            backend.name(),
            sizes.n
        );
        outln!(
            "probe (best of {}): copy {:.1} GB/s, triad {:.1} GB/s, read {:.1} GB/s",
            args.reps.unwrap_or(DEFAULT_REPS).max(3),
            probe.copy,
            probe.triad,
            probe.read
        );
        outln!();
        outln!("{:<15} {:<46} {:>11} {:>11} {:>8} {:>8}", "case", "expression", "median", "min", "GB/s", "of probe");
    }
    let start = hpxl::telemetry::snapshot();
    let mut failures = 0;
    for case in &selected {
        bar.set_message(case.name);
        let reps = reps_of(case);
        let result = run_case(backend, case, reps, &|| bar.inc(1));
        bar.suspend(|| report(&args, backend, threads, &probe, case, &result))?;
        if result.is_err() {
            failures += 1;
        }
    }
    bar.finish_and_clear();
    let total = hpxl::telemetry::snapshot().since(&start);
    let mean_compile_s =
        if total.kernels_compiled > 0 { total.compile_ns as f64 / 1e9 / total.kernels_compiled as f64 } else { 0.0 };
    let mut compile_times: Vec<f64> = hpxl_compiler::fuse::compile_times().iter().map(|&ns| ns as f64 / 1e9).collect();
    let max_compile_s = compile_times.iter().copied().fold(0.0, f64::max);
    let median_compile_s = if compile_times.is_empty() { 0.0 } else { median(&mut compile_times) };
    if args.json {
        let line = json!({
            "kind": "summary",
            "backend": backend.name(),
            "threads": threads,
            "scale": scale,
            "probe_gbps": {"copy": probe.copy, "triad": probe.triad, "read": probe.read},
            "kernels_compiled": total.kernels_compiled,
            "compile_s": total.compile_ns as f64 / 1e9,
            "mean_compile_s": mean_compile_s,
            "median_compile_s": median_compile_s,
            "max_compile_s": max_compile_s,
            "cache_hits": total.cache_hits,
            "compile_failures": total.compile_failures,
            "kernel_launches": total.kernel_launches,
            "interp_nodes": total.interp_nodes,
            "failures": failures,
        });
        outln!("{line}");
    } else {
        outln!();
        outln!(
            "kernel cache: {} kernels compiled in {:.1} ms (per kernel: median {:.3} ms, mean {:.3} ms, max {:.3} ms), \
             {} cache hits, {} declined by the JIT, {} launches, {} nodes run by interp",
            total.kernels_compiled,
            total.compile_ns as f64 / 1e6,
            median_compile_s * 1e3,
            mean_compile_s * 1e3,
            max_compile_s * 1e3,
            total.cache_hits,
            total.compile_failures,
            total.kernel_launches,
            total.interp_nodes
        );
    }
    Ok(if failures > 0 { 1 } else { 0 })
}

/// Prints one case's line (table row or JSON object), or its error.
fn report(
    args: &BenchArgs,
    backend: Backend,
    threads: usize,
    probe: &Probe,
    case: &Case,
    result: &Result<Measured, String>,
) -> Result<()> {
    let m = match result {
        Ok(m) => m,
        Err(e) => {
            if args.json {
                outln!("{}", json!({"kind": "case", "name": case.name, "expr": case.expr, "error": e}));
            } else {
                outln!("{:<15} {:<46} failed (see stderr)", case.name, case.expr);
            }
            eprintln!("hpxl bench: case `{}` failed:\n{e}", case.name);
            return Ok(());
        }
    };
    let per = if case.per_iteration { case.iterations as f64 } else { 1.0 };
    // Bandwidth over the whole timed statement (for per-iteration cases, over one iteration).
    let bytes = case.bytes as f64 / per;
    let gbps = bytes / m.median_s / 1e9;
    let probe_gbps = probe.get(case.probe);
    let ratio = gbps / probe_gbps;
    if args.json {
        let line = json!({
            "kind": "case",
            "name": case.name,
            "expr": case.expr,
            "backend": backend.name(),
            "threads": threads,
            "shape": case.shape,
            "iterations": case.iterations,
            "per_iteration": case.per_iteration,
            "reps": m.reps,
            "median_s": m.median_s,
            "min_s": m.min_s,
            "bytes": bytes as u64,
            "gbps": gbps,
            "probe": case.probe.name(),
            "probe_gbps": probe_gbps,
            "probe_ratio": ratio,
            "kernels_compiled": m.warmup.kernels_compiled + m.timed.kernels_compiled,
            "compile_s": (m.warmup.compile_ns + m.timed.compile_ns) as f64 / 1e9,
            "cache_hits": m.timed.cache_hits,
            "interp_nodes": m.timed.interp_nodes,
        });
        outln!("{line}");
    } else {
        outln!(
            "{:<15} {:<46} {:>11} {:>11} {:>8.2} {:>6.0}% {}",
            case.name,
            case.expr,
            seconds(m.median_s),
            seconds(m.min_s),
            gbps,
            ratio * 100.0,
            case.probe.name()
        );
    }
    Ok(())
}

/// A duration with a unit that keeps three or four significant digits.
fn seconds(s: f64) -> String {
    if s >= 1.0 {
        format!("{s:.3} s")
    } else if s >= 1e-3 {
        format!("{:.2} ms", s * 1e3)
    } else if s >= 1e-6 {
        format!("{:.2} µs", s * 1e6)
    } else {
        format!("{:.0} ns", s * 1e9)
    }
}
