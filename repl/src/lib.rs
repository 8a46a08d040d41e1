//! The interactive loop of `hpxl` (no arguments). It reads entries from a line source —
//! a single line, or a block that continues while lines end in `:` or `\` until a blank
//! line — hands each to an `Engine`, and echoes values as Python's REPL does. It knows
//! nothing of hpxl's internals: the binary plugs a `Session` in through `Engine`.
//! (Line editing, history and `:kernels`/`:time` commands come with the full REPL.)

use std::io::{self, BufRead, Write};

/// What the loop needs from an interpreter.
pub trait Engine {
    /// Runs one entry. `Ok(Some(text))` is echoed (the `repr` of a trailing expression);
    /// `Err(text)` is a rendered diagnostic for stderr. The session continues after errors.
    fn run_entry(&mut self, name: &str, source: &str) -> Result<Option<String>, String>;
}

/// Whether a line opens (or continues) a multi-line block.
fn continues(line: &str) -> bool {
    let t = line.trim_end();
    t.ends_with(':') || t.ends_with('\\')
}

/// Runs the loop until end of input. Prompts go to `out` (as in Python).
pub fn run_loop(
    engine: &mut dyn Engine,
    input: impl BufRead,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<()> {
    let mut lines = input.lines();
    let mut count = 0;
    loop {
        write!(out, ">>> ")?;
        out.flush()?;
        let Some(first) = lines.next() else { break };
        let mut text = first?;
        if continues(&text) {
            loop {
                write!(out, "... ")?;
                out.flush()?;
                match lines.next() {
                    Some(line) => {
                        let line = line?;
                        if line.trim().is_empty() {
                            break;
                        }
                        text.push('\n');
                        text.push_str(&line);
                    }
                    None => break,
                }
            }
        }
        if text.trim().is_empty() {
            continue;
        }
        text.push('\n');
        count += 1;
        match engine.run_entry(&format!("<stdin:{count}>"), &text) {
            Ok(Some(echo)) => writeln!(out, "{echo}")?,
            Ok(None) => {}
            Err(diagnostic) => {
                out.flush()?;
                write!(err, "{diagnostic}")?;
            }
        }
    }
    writeln!(out)?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An engine that records entries and echoes them upper-cased; "bad" fails.
    struct Echo(Vec<String>);

    impl Engine for Echo {
        fn run_entry(&mut self, _name: &str, source: &str) -> Result<Option<String>, String> {
            self.0.push(source.to_string());
            if source.starts_with("bad") {
                return Err("error: bad\n".into());
            }
            Ok(Some(source.trim_end().to_uppercase()))
        }
    }

    fn run(input: &str) -> (Vec<String>, String, String) {
        let mut engine = Echo(Vec::new());
        let (mut out, mut err) = (Vec::new(), Vec::new());
        run_loop(&mut engine, input.as_bytes(), &mut out, &mut err).expect("io");
        (engine.0, String::from_utf8_lossy(&out).into_owned(), String::from_utf8_lossy(&err).into_owned())
    }

    #[test]
    fn single_lines_are_entries_and_echoed() {
        let (entries, out, err) = run("x = 1\nx\n");
        assert_eq!(entries, vec!["x = 1\n", "x\n"]);
        assert_eq!(out, ">>> X = 1\n>>> X\n>>> \n");
        assert!(err.is_empty());
    }

    #[test]
    fn blocks_continue_until_a_blank_line() {
        let (entries, out, _) = run("for i in r:\n    f(i)\n    g(i)\n\ny\n");
        assert_eq!(entries, vec!["for i in r:\n    f(i)\n    g(i)\n", "y\n"]);
        assert!(out.starts_with(">>> ... ... ... "));
    }

    #[test]
    fn errors_go_to_stderr_and_the_loop_goes_on() {
        let (entries, _, err) = run("bad\nok\n");
        assert_eq!(entries.len(), 2);
        assert_eq!(err, "error: bad\n");
    }

    #[test]
    fn blank_lines_and_end_of_input_inside_a_block_are_handled() {
        let (entries, _, _) = run("\n\nif x:\n    y");
        assert_eq!(entries, vec!["if x:\n    y\n"]);
    }
}
