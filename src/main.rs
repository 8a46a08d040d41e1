//! The `hpxl` command: run a script, a `-c` string, or the interactive loop; the
//! subcommands `check`, `info`, `bench`, `calibrate` and `config` (`src/cli/`).
//! Exit codes: 0 success, 1 a diagnostic (the program's error), 2 a usage error.

use anyhow::{bail, Context, Result};
use clap::Parser;
use hpxl::{Backend, Session};

mod bench;
mod cli;

/// mimalloc instead of glibc's malloc: a statement on small arrays allocates and frees
/// a few dozen small objects (graph nodes, shapes, buffers), and glibc's `malloc`/`free`
/// were 40% of the time of a 100-element loop (`hpxl bench small_loop`, perf).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser, Debug)]
#[command(
    name = "hpxl",
    version,
    about = "A NumPy-flavoured array language and JIT compiler",
    after_help = "Subcommands (in place of SCRIPT):\n  \
        hpxl check SCRIPT   trace shapes and dtypes, report every diagnostic, run no kernel\n  \
        hpxl info           CPU, caches, SIMD, threads, backends and devices\n  \
        hpxl bench [...]    the benchmark suite (`hpxl bench --help`)\n  \
        hpxl calibrate      measure block size, threads and small-array threshold; save them\n  \
        hpxl config         show the configuration file and the settings in effect\n\n\
        Without SCRIPT or -c, hpxl starts an interactive loop (`:help` there)."
)]
struct Cli {
    /// Script to run (`.hx`); its arguments follow it and are visible as `argv()`.
    script: Option<std::path::PathBuf>,
    /// Run this code instead of a script.
    #[arg(short = 'c', long = "command")]
    command: Option<String>,
    /// Execution backend: `cranelift` (fused JIT kernels, the default), `llvm` (vectorised
    /// JIT kernels; feature `llvm`), `tiered` (Cranelift first, LLVM in the background for
    /// kernels that prove hot; feature `llvm`; `HPXL_TIER_ELEMENTS` sets when) or `interp`
    /// (reference). Default: `HPXL_BACKEND`, else cranelift.
    #[arg(long)]
    backend: Option<String>,
    /// Number of worker threads (default: `HPXL_THREADS`, the calibrated value, else every core).
    #[arg(long)]
    threads: Option<usize>,
    /// Device to run on: `cpu`, or `gpu` (fused kernels on an NVIDIA GPU; needs the `gpu`
    /// feature; without a GPU the script runs on the CPU and says so once).
    #[arg(long, default_value = "cpu")]
    device: String,
    /// Print debugging dumps: `kernels` shows fusion decisions, kir and Cranelift IR.
    #[arg(long, value_name = "WHAT")]
    dump: Option<String>,
    /// After the run, print a table per kernel (calls, total time, GB/s) and peak pool memory to stderr.
    #[arg(long)]
    profile: bool,
    /// Under `mpirun`: arrays with at least this many elements are distributed over the
    /// ranks (default: `HPXL_DIST_THRESHOLD`, else 65536).
    #[arg(long, value_name = "ELEMENTS")]
    dist_threshold: Option<usize>,
    /// (Testing) Runs every script listed in this file, one fresh session each, printing
    /// a `\x1e== PATH` line before each program's output and its diagnostic (to stdout)
    /// after it: one `mpirun` serves a whole corpus (`tests/mpi.rs`).
    #[arg(long, hide = true, value_name = "LIST")]
    run_many: Option<std::path::PathBuf>,
    /// Arguments after the script (or after `-c CODE`), visible to it as `argv()`.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<String>,
}

fn main() {
    let cli = Cli::parse();
    let code = match std::thread::Builder::new().stack_size(hpxl::PROGRAM_STACK).spawn(move || run(cli)) {
        Ok(h) => match h.join() {
            Ok(Ok(code)) => code,
            Ok(Err(e)) => {
                eprintln!("hpxl: {e:#}");
                2
            }
            Err(_) => {
                eprintln!("hpxl: internal error: the interpreter panicked");
                70
            }
        },
        Err(e) => {
            eprintln!("hpxl: cannot start the interpreter thread: {e}");
            70
        }
    };
    std::process::exit(code);
}

/// A subcommand named in place of the script.
fn subcommand(cli: &Cli) -> Option<&str> {
    if cli.command.is_some() {
        return None;
    }
    let name = cli.script.as_deref()?.to_str()?;
    ["check", "info", "bench", "calibrate", "config"].into_iter().find(|&s| s == name)
}

fn run(cli: Cli) -> Result<i32> {
    let backend_name = cli.backend.clone().or_else(|| std::env::var("HPXL_BACKEND").ok()).unwrap_or("cranelift".into());
    let Some(backend) = Backend::parse(&backend_name) else {
        bail!("unknown backend `{backend_name}` (available: cranelift, llvm, tiered, interp)");
    };
    if !backend.is_available() {
        bail!("backend `{backend_name}` is not available: this hpxl was built without the `llvm` feature (cargo build --features llvm)");
    }
    match cli.device.as_str() {
        "cpu" => {}
        "gpu" | "cuda" if hpxl_compiler::gpu::BUILT => hpxl_compiler::gpu::set_default_device(hpxl_compiler::gpu::Device::Gpu),
        "gpu" | "cuda" | "rocm" | "metal" => bail!(
            "device `{}` is not available: this build of hpxl has no GPU backend (devices: cpu; build with --features gpu)",
            cli.device
        ),
        other => bail!("unknown device `{other}` (available: cpu, gpu)"),
    }
    let config = cli::config::Config::load_for_run();
    match cli.threads {
        Some(0) => bail!("--threads must be at least 1"),
        Some(n) => {
            hpxl_runtime::exec::configure(n);
        }
        None => {
            if let (Some(n), Err(_)) = (config.threads, std::env::var("HPXL_THREADS")) {
                hpxl_runtime::exec::configure(n);
            }
        }
    }
    if let Some(block) = config.block {
        hpxl_runtime::exec::set_map_block(block);
    }
    match cli.dump.as_deref() {
        None => {}
        Some("kernels") => hpxl_compiler::fuse::set_dump_kernels(true),
        Some(other) => bail!("unknown dump `{other}` (available: kernels)"),
    }
    match subcommand(&cli) {
        Some("bench") => return bench::main(backend, &cli.args),
        Some("info") => return cli::info::main(backend, &cli.args),
        Some("calibrate") => return cli::config::calibrate(&cli.args),
        Some("config") => return cli::config::show(&cli.args),
        Some("check") => return cli::check::main(backend, &cli.args),
        _ => {}
    }
    if let Some(n) = cli.dist_threshold {
        hpxl_compiler::dist::set_threshold(n);
    }
    let _ranks = cli::spmd::start();
    let mut session = Session::new();
    session.set_backend(backend);
    if let (Some(n), Err(_)) = (config.small_threshold, std::env::var("HPXL_SMALL_THRESHOLD")) {
        session.set_small_threshold(n);
    }
    if cli.profile {
        hpxl_compiler::control::set_profiling(true);
    }
    if let Some(list) = &cli.run_many {
        let list = std::fs::read_to_string(list).with_context(|| format!("cannot read {}", list.display()))?;
        drop(session);
        return Ok(cli::spmd::run_many(&list, backend));
    }
    let code = if let Some(code) = &cli.command {
        // `hpxl -c CODE a b`: clap puts `a` where a script would go.
        let first = cli.script.iter().map(|p| p.display().to_string());
        hpxl_stdlib::builtins::set_argv(std::iter::once("-c".to_string()).chain(first).chain(cli.args.iter().cloned()).collect());
        cli::run_text(&mut session, "<command>", code)
    } else if let Some(path) = &cli.script {
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
        let name = path.display().to_string();
        hpxl_stdlib::builtins::set_argv(std::iter::once(name.clone()).chain(cli.args.iter().cloned()).collect());
        cli::run_text(&mut session, &name, &text)
    } else {
        if !cli.args.is_empty() {
            bail!("unexpected arguments: {}", cli.args.join(" "));
        }
        return cli::engine::interactive(session, backend, cli.profile);
    };
    if cli.profile {
        eprint!("{}", cli::profile::report(&mut session));
    }
    Ok(code)
}
