//! The interactive loop of `hpxl` (no arguments). Lines become entries as in Python's
//! REPL (`input`: a block continues until a blank line, an open bracket until it
//! closes); each entry goes to an `Engine`, and a trailing expression's value is echoed.
//! `:commands` are dispatched here (`:quit`, `:load`) or to the engine. On a terminal
//! the line editor (rustyline) adds history, completion, hints and highlighting
//! (`complete`); with piped input the same loop reads plain lines.
//!
//! **Architecture Invariant:** this crate knows nothing of hpxl's internals: the binary
//! plugs a session in through `Engine`.

pub mod complete;
pub mod docs;
pub mod input;

use input::{Entry, Feed};
use std::cell::RefCell;
use std::io::{self, BufRead, Write};
use std::path::PathBuf;
use std::rc::Rc;

/// What the loop needs from an interpreter.
pub trait Engine {
    /// Runs one entry. `Ok(Some(text))` is echoed (the `repr` of a trailing expression);
    /// `Err(text)` is a rendered diagnostic for stderr. The session continues after errors.
    fn run_entry(&mut self, name: &str, source: &str) -> Result<Option<String>, String>;

    /// Runs a `:command` other than `:quit` and `:load` (`name` without the colon).
    /// `None` when the engine does not know the command.
    fn command(&mut self, _name: &str, _arg: &str) -> Option<Result<String, String>> {
        None
    }

    /// Names in scope: variables, functions, builtins, modules.
    fn names(&mut self) -> Vec<String> {
        Vec::new()
    }

    /// Attributes, methods or module members of the expression `receiver` (a dotted
    /// name, or an expression ending in a bracket), found without running anything.
    fn attributes(&mut self, _receiver: &str) -> Vec<String> {
        Vec::new()
    }

    /// Parameter names of the function `callee` (for keyword-argument completion).
    fn parameters(&mut self, _callee: &str) -> Vec<String> {
        Vec::new()
    }

    /// The signature of `callee`, e.g. `linspace(start, stop, num=50, ...)`.
    fn signature(&mut self, _callee: &str) -> Option<String> {
        None
    }

    /// Topics `:help` knows (builtin names).
    fn help_topics(&mut self) -> Vec<String> {
        Vec::new()
    }
}

/// The `:commands`: name, arguments, description. `:help` prints this table.
pub const COMMANDS: &[(&str, &str, &str)] = &[
    ("help", "[name]", "this list, or a builtin's signature, description and example"),
    ("type", "expr", "dtype and shape of an expression, without running any kernel"),
    ("kernels", "stmt", "run a statement and show its fused kernels and generated code"),
    ("time", "stmt", "run a statement: wall time, kernels run, bytes allocated"),
    ("vars", "", "the variables of the session with their types"),
    ("reset", "", "forget every variable (a fresh session)"),
    ("load", "file.hx", "run a file in the session"),
    ("quit", "", "leave (also Ctrl-D)"),
];

/// The command table as `:help` shows it.
pub fn commands_help() -> String {
    let mut s = String::from("commands:\n");
    for (name, args, what) in COMMANDS {
        let usage = if args.is_empty() { format!(":{name}") } else { format!(":{name} {args}") };
        s.push_str(&format!("  {usage:<18} {what}\n"));
    }
    s.push_str("Tab completes names, attributes after `.`, keyword arguments and paths in strings;\n");
    s.push_str("Ctrl-C interrupts a running computation (or clears the line); Ctrl-D leaves.\n");
    s
}

/// What the loop does after an entry.
enum Next {
    Continue,
    Quit,
}

/// Runs one complete entry (code or `:command`), printing its results.
fn dispatch(
    engine: &mut dyn Engine,
    text: &str,
    count: &mut usize,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<Next> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Ok(Next::Continue);
    }
    let result = if let Some(cmd) = trimmed.strip_prefix(':') {
        let (name, arg) = cmd.split_once(char::is_whitespace).unwrap_or((cmd, ""));
        let arg = arg.trim();
        match name {
            "quit" | "q" | "exit" => return Ok(Next::Quit),
            "load" if arg.is_empty() => Err("usage: :load file.hx\n".to_string()),
            "load" => match std::fs::read_to_string(arg) {
                Ok(source) => engine.run_entry(arg, &source),
                Err(e) => Err(format!("error: cannot read {arg}: {e}\n")),
            },
            "help" if arg.is_empty() => {
                let extra = engine.command("help", "").and_then(|r| r.ok()).unwrap_or_default();
                Ok(Some(format!("{}{extra}", commands_help()).trim_end().to_string()))
            }
            _ => match engine.command(name, arg) {
                Some(r) => r.map(|s| Some(s.trim_end().to_string()).filter(|s| !s.is_empty())),
                None => Err(format!("error: unknown command `:{name}` (`:help` lists the commands)\n")),
            },
        }
    } else {
        *count += 1;
        let mut source = text.to_string();
        source.push('\n');
        engine.run_entry(&format!("<stdin:{count}>"), &source)
    };
    match result {
        Ok(Some(echo)) => writeln!(out, "{echo}")?,
        Ok(None) => {}
        Err(diagnostic) => {
            out.flush()?;
            write!(err, "{diagnostic}")?;
            err.flush()?;
        }
    }
    out.flush()?;
    Ok(Next::Continue)
}

/// Runs the loop over plain lines (piped input) until end of input. Prompts go to
/// `out`, as in Python.
pub fn run_loop(
    engine: &mut dyn Engine,
    input: impl BufRead,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<()> {
    let mut lines = input.lines();
    let mut entry = Entry::default();
    let mut count = 0;
    let mut replay: Option<String> = None;
    loop {
        let line = match replay.take() {
            Some(l) => l,
            None => {
                write!(out, "{}", if entry.is_empty() { ">>> " } else { "... " })?;
                out.flush()?;
                match lines.next() {
                    Some(l) => l?,
                    None => break,
                }
            }
        };
        let text = match entry.feed(&line) {
            Feed::More => continue,
            Feed::Complete(t) => t,
            Feed::CompleteAndReplay(t, again) => {
                replay = Some(again);
                t
            }
        };
        if let Next::Quit = dispatch(engine, &text, &mut count, out, err)? {
            return Ok(());
        }
    }
    if !entry.is_empty() {
        let text = take_entry(&mut entry);
        dispatch(engine, &text, &mut count, out, err)?;
    }
    writeln!(out)?;
    out.flush()
}

/// The text of an unfinished entry (end of input inside a block runs the block).
fn take_entry(entry: &mut Entry) -> String {
    match entry.feed("") {
        Feed::Complete(t) => t,
        _ => {
            entry.clear();
            String::new()
        }
    }
}

/// Where the history lives: `HPXL_HISTORY`, else `$XDG_STATE_HOME/hpxl/history`, else
/// `~/.local/state/hpxl/history`. `HPXL_HISTORY=` (empty) keeps no history.
pub fn history_path() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("HPXL_HISTORY") {
        return (!p.is_empty()).then(|| PathBuf::from(p));
    }
    let state = std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))?;
    Some(state.join("hpxl").join("history"))
}

/// Runs the line-editing loop on a terminal until Ctrl-D or `:quit`. `banner` is
/// printed first. `editor_ready` runs once the line editor exists: rustyline installs
/// its own SIGINT handler when it is created, so a caller that wants Ctrl-C during
/// computations (when the terminal is not in raw mode) installs its handler there.
/// Returns the engine when the loop ends (for a final report).
pub fn run_interactive<E: Engine>(engine: E, banner: &str, editor_ready: impl FnOnce()) -> io::Result<Option<E>> {
    use rustyline::error::ReadlineError;
    let engine = Rc::new(RefCell::new(engine));
    let config = rustyline::Config::builder()
        .auto_add_history(false)
        .completion_type(rustyline::CompletionType::List)
        .max_history_size(10_000)
        .map_err(io::Error::other)?
        .build();
    let mut editor: rustyline::Editor<complete::Helper<E>, rustyline::history::DefaultHistory> =
        rustyline::Editor::with_config(config).map_err(io::Error::other)?;
    let color = std::env::var_os("NO_COLOR").is_none() && std::env::var("TERM").map_or(true, |t| t != "dumb");
    editor.set_helper(Some(complete::Helper { engine: engine.clone(), color }));
    editor_ready();
    let history = history_path();
    if let Some(path) = &history {
        let _ = editor.load_history(path);
    }
    let (mut out, mut err) = (io::stdout(), io::stderr());
    if !banner.is_empty() {
        writeln!(out, "{banner}")?;
    }
    let mut entry = Entry::default();
    let mut count = 0;
    let mut replay: Option<String> = None;
    loop {
        let line = match replay.take() {
            Some(l) => l,
            None => match editor.readline(if entry.is_empty() { ">>> " } else { "... " }) {
                Ok(l) => l,
                Err(ReadlineError::Interrupted) => {
                    // Ctrl-C at the prompt drops the line (and any unfinished block).
                    entry.clear();
                    continue;
                }
                Err(ReadlineError::Eof) => break,
                Err(e) => return Err(io::Error::other(e)),
            },
        };
        // A recalled multi-line history entry arrives as one string: feed its lines.
        let mut lines: Vec<&str> = line.split('\n').collect();
        let last = lines.pop().unwrap_or("");
        let mut ready = Vec::new();
        for l in lines {
            match entry.feed(l) {
                Feed::Complete(t) => ready.push(t),
                Feed::CompleteAndReplay(t, again) => {
                    ready.push(t);
                    if let Feed::Complete(t) = entry.feed(&again) {
                        ready.push(t);
                    }
                }
                Feed::More => {}
            }
        }
        match entry.feed(last) {
            Feed::More => {}
            Feed::Complete(t) => ready.push(t),
            Feed::CompleteAndReplay(t, again) => {
                ready.push(t);
                replay = Some(again);
            }
        }
        for text in ready {
            if text.trim().is_empty() {
                continue;
            }
            let _ = editor.add_history_entry(text.as_str());
            if let Some(path) = &history {
                if let Some(dir) = path.parent() {
                    let _ = std::fs::create_dir_all(dir);
                }
                let _ = editor.append_history(path);
            }
            let next = dispatch(&mut *engine.borrow_mut(), &text, &mut count, &mut out, &mut err)?;
            if let Next::Quit = next {
                drop(editor);
                return Ok(Rc::try_unwrap(engine).ok().map(RefCell::into_inner));
            }
        }
    }
    writeln!(out)?;
    out.flush()?;
    drop(editor);
    Ok(Rc::try_unwrap(engine).ok().map(RefCell::into_inner))
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

        fn command(&mut self, name: &str, arg: &str) -> Option<Result<String, String>> {
            (name == "vars").then(|| Ok(format!("vars{arg}")))
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

    #[test]
    fn commands_are_dispatched_and_quit_stops() {
        let (entries, out, err) = run(":vars\n:nope\n:quit\nnot run\n");
        assert!(entries.is_empty());
        assert!(out.contains("vars\n"), "{out}");
        assert!(err.contains("unknown command `:nope`"), "{err}");
    }

    #[test]
    fn help_lists_every_command() {
        let (_, out, _) = run(":help\n");
        for (name, _, _) in COMMANDS {
            assert!(out.contains(&format!(":{name}")), "{out}");
        }
    }
}
