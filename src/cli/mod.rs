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
    match session.run(name, text) {
        Ok(_) => 0,
        Err(d) => {
            let _ = std::io::stdout().flush();
            let text = session.render(&d);
            spmd::report_error(&text);
            1
        }
    }
}
