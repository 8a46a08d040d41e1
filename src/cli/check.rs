//! `hpxl check script.hx`: parses the script and traces it in check mode (Note [Check
//! mode] in `compiler/src/control.rs`): every dtype and shape rule is applied, no kernel
//! runs, no file is written, output is discarded, and every top-level statement's
//! diagnostic is reported rather than only the first.
//!
//! Limits (data-dependent behaviour cannot be known without data): array values read
//! by the program are zeros, so an `if` on array data checks one branch, a `while` whose
//! condition reads array data checks its body once, data-dependent shapes (boolean
//! masks, `nonzero`, `unique`) come out empty, and functions are checked where they are
//! called (a function never called is only parsed).

use anyhow::{bail, Context, Result};
use hpxl::{Backend, Session};
use hpxl_compiler::control::{self, CheckMode};

pub fn main(backend: Backend, args: &[String]) -> Result<i32> {
    let [path] = args else {
        bail!("usage: hpxl check SCRIPT.hx");
    };
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {path}"))?;
    let mut session = Session::with_output(Box::new(std::io::sink()));
    session.set_backend(backend);
    control::set_check_mode(CheckMode::Fake);
    // SAFETY: this session lives and dies on this thread; only owned diagnostics leave.
    let diagnostics = unsafe { session.interp_mut() }.check_source(path, &text);
    control::set_check_mode(CheckMode::Off);
    let assumed = control::fake_realisations();
    for d in &diagnostics {
        eprint!("{}", session.render(d));
    }
    let note = if assumed > 0 {
        let s = if assumed == 1 { "" } else { "s" };
        format!(" ({assumed} array value{s} read by the program taken as zeros: branches on array data were checked one way)")
    } else {
        String::new()
    };
    match diagnostics.len() {
        0 => {
            println!("{path}: no problems found{note}");
            Ok(0)
        }
        n => {
            eprintln!("{path}: {n} error{}{note}", if n == 1 { "" } else { "s" });
            Ok(1)
        }
    }
}
