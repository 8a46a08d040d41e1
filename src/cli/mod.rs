//! The command line's parts: the interactive loop's engine (`engine`), `hpxl check`,
//! `hpxl info`, configuration and calibration, and the `--profile` table.

pub mod check;
pub mod config;
pub mod docs;
pub mod engine;
pub mod info;
pub mod profile;
pub mod spmd;

use hpxl::Session;
use std::io::Write;

/// Runs a whole program; a diagnostic goes to stderr and makes the exit code 1.
pub fn run_text(session: &mut Session, name: &str, text: &str) -> i32 {
    // A rank that finishes while others still compute would leave them waiting in a
    // collective: the end of the script is agreed on too (a no-op unless the script
    // read rank-dependent values; Note [Rank-dependent values]).
    let result = session.run(name, text).and_then(|_| hpxl_compiler::dist::agree::on_task("the end of the script", None));
    match result {
        Ok(_) => 0,
        Err(d) => {
            let _ = std::io::stdout().flush();
            let text = session.render(&d);
            spmd::report_error(&text);
            1
        }
    }
}
