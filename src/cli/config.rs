//! The configuration file and `hpxl calibrate` / `hpxl config`.
//!
//! The file is `HPXL_CONFIG`, else `$XDG_CONFIG_HOME/hpxl/config.toml`, else
//! `~/.config/hpxl/config.toml`: a few `key = integer` lines (TOML) that `hpxl
//! calibrate` writes and every later run reads (one small file read at startup; a
//! missing file means the built-in defaults). Command-line flags and the environment
//! (`--threads`, `HPXL_THREADS`, `HPXL_SMALL_THRESHOLD`) override it.

use anyhow::{bail, Context, Result};
use hpxl::{Backend, Capture, Session};
use std::path::PathBuf;
use std::time::Instant;

/// Settings from the configuration file (`None`: not set, use the default).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Config {
    pub threads: Option<usize>,
    pub block: Option<usize>,
    pub small_threshold: Option<usize>,
}

/// The configuration file's path (it may not exist).
pub fn path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("HPXL_CONFIG") {
        return (!p.is_empty()).then(|| PathBuf::from(p));
    }
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("hpxl").join("config.toml"))
}

impl Config {
    pub fn parse(text: &str) -> Result<Config, String> {
        let mut c = Config::default();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let (key, value) =
                line.split_once('=').ok_or_else(|| format!("line {}: expected `key = value`", i + 1))?;
            let n: usize = value
                .trim()
                .parse()
                .map_err(|_| format!("line {}: `{}` is not a positive integer", i + 1, value.trim()))?;
            if n == 0 {
                return Err(format!("line {}: `{}` must be at least 1", i + 1, key.trim()));
            }
            match key.trim() {
                "threads" => c.threads = Some(n),
                "block" => c.block = Some(n),
                "small_threshold" => c.small_threshold = Some(n),
                other => return Err(format!("line {}: unknown setting `{other}`", i + 1)),
            }
        }
        Ok(c)
    }

    /// The file's settings for a run: a missing file is the defaults; a broken one is
    /// reported on stderr and ignored (a run never fails because of it).
    pub fn load_for_run() -> Config {
        let Some(path) = path() else { return Config::default() };
        let Ok(text) = std::fs::read_to_string(&path) else { return Config::default() };
        Config::parse(&text).unwrap_or_else(|e| {
            eprintln!("hpxl: ignoring {}: {e}", path.display());
            Config::default()
        })
    }

    fn to_text(&self, comment: &str) -> String {
        let mut s = format!("# hpxl configuration: {comment}\n");
        for (key, v) in [("threads", self.threads), ("block", self.block), ("small_threshold", self.small_threshold)] {
            if let Some(v) = v {
                s.push_str(&format!("{key} = {v}\n"));
            }
        }
        s
    }
}

/// `hpxl config`: the file, its settings, and what is in effect.
pub fn show(args: &[String]) -> Result<i32> {
    if !args.is_empty() {
        bail!("usage: hpxl config");
    }
    let Some(path) = path() else { bail!("no configuration path: set HOME, XDG_CONFIG_HOME or HPXL_CONFIG") };
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            println!("config file {}", path.display());
            match Config::parse(&text) {
                Ok(_) => print!("{text}"),
                Err(e) => {
                    eprintln!("hpxl: {}: {e}", path.display());
                    return Ok(1);
                }
            }
        }
        Err(_) => println!("config file {} (not present: built-in defaults; `hpxl calibrate` writes it)", path.display()),
    }
    println!("in effect: threads = {}, block = {}, small_threshold = {}",
        hpxl_runtime::exec::threads(),
        hpxl_runtime::exec::map_block(),
        Config::load_for_run().small_threshold.unwrap_or(hpxl_compiler::fuse::DEFAULT_SMALL_THRESHOLD));
    Ok(0)
}

/// A timing program: the best of `reps` runs of `iters` elementwise kernels over `n`
/// float64 values, printed in seconds.
fn timing_program(n: usize, iters: usize, reps: usize) -> String {
    format!(
        "a = random.rand({n})\nrealize(a)\nbest = 1e9\nfor r in range({reps}):\n    t0 = time()\n    for i in range({iters}):\n        b = a * 1.5 + 0.5\n        realize(b)\n    t = time() - t0\n    if t < best:\n        best = t\nprint(best)\n"
    )
}

/// Runs a timing program in this process; returns its seconds.
fn time_here(backend: Backend, threshold: usize, program: &str) -> Result<f64> {
    let cap = Capture::default();
    let mut session = Session::with_output(Box::new(cap.clone()));
    session.set_backend(backend);
    session.set_small_threshold(threshold);
    session.run("<calibrate>", program).map_err(|d| anyhow::anyhow!("{}", session.render(&d)))?;
    cap.text().trim().parse::<f64>().context("calibration program printed no time")
}

/// Runs a timing program in a child process with `threads` threads.
fn time_with_threads(threads: usize, program: &str) -> Result<f64> {
    let exe = std::env::current_exe().context("cannot find the hpxl executable")?;
    let out = std::process::Command::new(exe)
        .args(["--threads", &threads.to_string(), "-c", program])
        .output()
        .context("cannot run hpxl for calibration")?;
    if !out.status.success() {
        bail!("calibration run failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    String::from_utf8_lossy(&out.stdout).trim().parse::<f64>().context("calibration program printed no time")
}

/// `hpxl calibrate [--quick]`: measures the thread count, map-kernel block size and
/// small-array threshold on this machine, and writes them to the configuration file.
pub fn calibrate(args: &[String]) -> Result<i32> {
    let quick = match args {
        [] => false,
        [q] if q == "--quick" => true,
        _ => bail!("usage: hpxl calibrate [--quick]"),
    };
    let Some(path) = path() else { bail!("no configuration path: set HOME, XDG_CONFIG_HOME or HPXL_CONFIG") };
    let start = Instant::now();
    let (n, iters, reps) = if quick { (1 << 18, 4, 2) } else { (1 << 23, 10, 5) };
    let big = timing_program(n, iters, reps);

    // Threads: each count in its own process (the pool is sized once per process).
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    let mut counts: Vec<usize> = std::iter::successors(Some(1usize), |c| Some(c * 2)).take_while(|&c| c < cores).collect();
    counts.push(cores);
    println!("threads: timing {n} float64 values per kernel with {counts:?} threads");
    let mut best_threads = (1, f64::INFINITY);
    for &t in &counts {
        let secs = time_with_threads(t, &big)?;
        println!("  {t:>3} threads  {:.3} ms", secs * 1e3);
        // More threads must win by 3% to be chosen (ties go to fewer threads).
        if secs < best_threads.1 * 0.97 {
            best_threads = (t, secs);
        }
    }

    // Block size: map kernels only, in this process.
    let blocks: &[usize] = if quick { &[1 << 13, 1 << 15] } else { &[1 << 13, 1 << 14, 1 << 15, 1 << 16, 1 << 17, 1 << 18] };
    println!("block: map-kernel block sizes {blocks:?}");
    let mut best_block = (hpxl_runtime::exec::BLOCK, f64::INFINITY);
    for &b in blocks {
        hpxl_runtime::exec::set_map_block(b);
        let secs = time_here(Backend::Cranelift, 0, &big)?;
        println!("  {b:>7} elements  {:.3} ms", secs * 1e3);
        if secs < best_block.1 * 0.98 {
            best_block = (b, secs);
        }
    }
    hpxl_runtime::exec::set_map_block(best_block.0);

    // Small-array threshold: the smallest size from which compiled kernels beat the
    // interp backend (on two sizes in a row).
    let sizes: &[usize] = if quick { &[512, 4096] } else { &[256, 512, 1024, 2048, 4096, 8192, 16384, 32768] };
    println!("small-array threshold: interp vs compiled kernels at {sizes:?} elements");
    let mut threshold = *sizes.last().unwrap_or(&hpxl_compiler::fuse::DEFAULT_SMALL_THRESHOLD);
    let mut wins = 0;
    let small_iters = if quick { 50 } else { 2000 };
    for &size in sizes.iter().rev() {
        let program = timing_program(size, small_iters, reps);
        let interp = time_here(Backend::Interp, 0, &program)?;
        let jit = time_here(Backend::Cranelift, 0, &program)?;
        println!("  {size:>6} elements  interp {:.1} µs  compiled {:.1} µs", interp / small_iters as f64 * 1e6, jit / small_iters as f64 * 1e6);
        if jit < interp {
            wins += 1;
            threshold = size;
        } else if wins > 0 {
            break;
        }
    }
    let config = Config { threads: Some(best_threads.0), block: Some(best_block.0), small_threshold: Some(threshold) };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let comment = format!("measured by `hpxl calibrate{}` in {:.1} s", if quick { " --quick" } else { "" }, start.elapsed().as_secs_f64());
    std::fs::write(&path, config.to_text(&comment)).with_context(|| format!("cannot write {}", path.display()))?;
    println!(
        "wrote {}: threads = {}, block = {}, small_threshold = {}",
        path.display(),
        best_threads.0,
        best_block.0,
        threshold
    );
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects() {
        let c = Config::parse("# c\nthreads = 2\nblock = 4096 # x\nsmall_threshold = 100\n").expect("parse");
        assert_eq!(c, Config { threads: Some(2), block: Some(4096), small_threshold: Some(100) });
        assert!(Config::parse("threads = two").is_err());
        assert!(Config::parse("colour = 1").is_err());
        assert!(Config::parse("threads = 0").is_err());
        assert_eq!(Config::parse(&c.to_text("t")).expect("round trip"), c);
    }
}
