//! The `hpxl` command: run a script, a `-c` string, or an interactive loop.

use anyhow::{bail, Context, Result};
use clap::Parser;
use hpxl::{Backend, Session};
use std::io::{BufRead, Write};

#[derive(Parser, Debug)]
#[command(name = "hpxl", version, about = "A NumPy-flavoured array language and JIT compiler")]
struct Cli {
    /// Script to run (`.hx`); without one (and without -c), start an interactive loop.
    script: Option<std::path::PathBuf>,
    /// Run this code instead of a script.
    #[arg(short = 'c', long = "command")]
    command: Option<String>,
    /// Execution backend (only `interp` exists so far).
    #[arg(long, default_value = "interp")]
    backend: String,
    /// Number of worker threads (the interp backend runs on one).
    #[arg(long)]
    threads: Option<usize>,
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
    let Some(backend) = Backend::from_name(&cli.backend) else {
        bail!("unknown backend `{}` (available: interp)", cli.backend);
    };
    if cli.threads == Some(0) {
        bail!("--threads must be at least 1");
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

/// A basic read-eval-print loop: blocks continue until a blank line; expression values
/// are echoed with `repr` as Python does.
fn interactive(session: &mut Session) -> Result<i32> {
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let mut n = 0;
    loop {
        print!(">>> ");
        std::io::stdout().flush()?;
        let Some(first) = lines.next() else { break };
        let mut text = first?;
        if text.trim_end().ends_with(':') || text.trim_end().ends_with('\\') {
            loop {
                print!("... ");
                std::io::stdout().flush()?;
                match lines.next() {
                    Some(l) => {
                        let l = l?;
                        if l.trim().is_empty() {
                            break;
                        }
                        text.push('\n');
                        text.push_str(&l);
                    }
                    None => break,
                }
            }
        }
        text.push('\n');
        n += 1;
        match session.run(&format!("<stdin:{n}>"), &text) {
            Ok(Some(v)) if !matches!(v, hpxl::Value::None) => match session.repr(&v) {
                Ok(s) => println!("{s}"),
                Err(d) => eprint!("{}", session.render(&d)),
            },
            Ok(_) => {}
            Err(d) => eprint!("{}", session.render(&d)),
        }
    }
    println!();
    Ok(0)
}
