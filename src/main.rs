//! The `hpxl` command: run a script, a `-c` string, or an interactive loop.

use anyhow::{bail, Context, Result};
use clap::Parser;
use hpxl::{Backend, Session};
use std::io::Write;

mod bench;

/// mimalloc instead of glibc's malloc: a statement on small arrays allocates and frees
/// a few dozen small objects (graph nodes, shapes, buffers), and glibc's `malloc`/`free`
/// were 40% of the time of a 100-element loop (`hpxl bench small_loop`, perf).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser, Debug)]
#[command(name = "hpxl", version, about = "A NumPy-flavoured array language and JIT compiler")]
struct Cli {
    /// Script to run (`.hx`); without one (and without -c), start an interactive loop.
    script: Option<std::path::PathBuf>,
    /// Run this code instead of a script.
    #[arg(short = 'c', long = "command")]
    command: Option<String>,
    /// Execution backend: `cranelift` (fused JIT kernels) or `interp` (reference).
    #[arg(long, default_value = "cranelift")]
    backend: String,
    /// Number of worker threads (default: `HPXL_THREADS`, else every core).
    #[arg(long)]
    threads: Option<usize>,
    /// Print debugging dumps: `kernels` shows fusion decisions, kir and Cranelift IR.
    #[arg(long, value_name = "WHAT")]
    dump: Option<String>,
    /// Arguments after the script (`hpxl bench [FILTER] [--json] [--reps N]`).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
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

fn run(cli: Cli) -> Result<i32> {
    let Some(backend) = Backend::parse(&cli.backend) else {
        bail!("unknown backend `{}` (available: cranelift, interp)", cli.backend);
    };
    match cli.threads {
        Some(0) => bail!("--threads must be at least 1"),
        Some(n) => {
            hpxl_runtime::exec::configure(n);
        }
        None => {}
    }
    match cli.dump.as_deref() {
        None => {}
        Some("kernels") => hpxl_compiler::fuse::set_dump_kernels(true),
        Some(other) => bail!("unknown dump `{other}` (available: kernels)"),
    }
    if cli.command.is_none() && cli.script.as_deref() == Some(std::path::Path::new("bench")) {
        return bench::main(backend, &cli.args);
    }
    if !cli.args.is_empty() {
        bail!("unexpected arguments after the script: {}", cli.args.join(" "));
    }
    let mut session = Session::new();
    session.set_backend(backend);
    if let Some(code) = cli.command {
        return Ok(run_text(&mut session, "<command>", &code));
    }
    if let Some(path) = cli.script {
        let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        return Ok(run_text(&mut session, &path.display().to_string(), &text));
    }
    interactive(&mut session)
}

fn run_text(session: &mut Session, name: &str, text: &str) -> i32 {
    match session.run(name, text) {
        Ok(_) => 0,
        Err(d) => {
            let _ = std::io::stdout().flush();
            eprint!("{}", session.render(&d));
            1
        }
    }
}

/// Plugs a session into the interactive loop of `hpxl-repl`.
struct SessionEngine<'a>(&'a mut Session);

impl hpxl_repl::Engine for SessionEngine<'_> {
    fn run_entry(&mut self, name: &str, source: &str) -> Result<Option<String>, String> {
        match self.0.run(name, source) {
            Ok(Some(v)) if !matches!(v, hpxl::Value::None) => match self.0.repr(&v) {
                Ok(s) => Ok(Some(s)),
                Err(d) => Err(self.0.render(&d)),
            },
            Ok(_) => Ok(None),
            Err(d) => Err(self.0.render(&d)),
        }
    }
}

/// The interactive loop (blocks continue until a blank line; values are echoed).
fn interactive(session: &mut Session) -> Result<i32> {
    let stdin = std::io::stdin();
    let (mut out, mut err) = (std::io::stdout(), std::io::stderr());
    hpxl_repl::run_loop(&mut SessionEngine(session), stdin.lock(), &mut out, &mut err)?;
    Ok(0)
}
