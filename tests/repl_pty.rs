//! The interactive loop on a real terminal (a pty, through `expectrl`): echo, multi-line
//! entry, error recovery, Ctrl-C during a long loop and at the prompt, completion of
//! names, attributes, module members, keyword arguments and paths, every `:command`,
//! history and Ctrl-D. Timeouts are generous and nothing asserts a duration: the suite
//! runs on loaded machines.

use expectrl::{ControlCode, Eof, Expect, Regex, Session};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

type Repl = expectrl::session::OsSession;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hpxl-pty-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Starts `hpxl` on a pty with its history in `dir`, and waits for the first prompt.
fn start(dir: &Path) -> Repl {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hpxl"));
    cmd.env("HPXL_HISTORY", dir.join("history"))
        .env("HPXL_CONFIG", dir.join("config.toml"))
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .current_dir(dir);
    let mut p = Session::spawn(cmd).expect("spawn hpxl on a pty");
    p.set_expect_timeout(Some(Duration::from_secs(120)));
    p.expect("hpxl ").expect("banner");
    p.expect(">>> ").expect("first prompt");
    p
}

/// Sends a line and waits for `needle` in the output that follows. The line editor
/// redraws the prompt with every key typed, so the newline that accepts the line is
/// awaited first: a prompt or value matched after it is really new output.
fn run(p: &mut Repl, line: &str, needle: &str) {
    p.send_line(line).expect("send");
    p.expect("\r\n").expect("the line is accepted");
    if let Err(e) = p.expect(needle) {
        panic!("after `{line}`: expected `{needle}`: {e}");
    }
}

fn prompt(p: &mut Repl) {
    p.expect(">>> ").expect("prompt");
}

#[test]
fn values_are_echoed_and_errors_keep_the_session() {
    let dir = temp_dir("echo");
    let mut p = start(&dir);
    run(&mut p, "x = arange(5)", ">>> ");
    run(&mut p, "x * 2", "array([0, 2, 4, 6, 8])");
    prompt(&mut p);
    run(&mut p, "z = zeros(3) + ones(4)", "E0300");
    prompt(&mut p);
    run(&mut p, "undefined_thing", "E0100");
    prompt(&mut p);
    // Every variable survives the errors.
    run(&mut p, "x.sum()", "np.int64(10)");
    prompt(&mut p);
    run(&mut p, "print('done', x[1])", "done 1");
    prompt(&mut p);
    p.send(ControlCode::EndOfTransmission).expect("Ctrl-D");
    p.expect(Eof).expect("Ctrl-D leaves");
}

#[test]
fn blocks_and_brackets_continue_over_lines() {
    let dir = temp_dir("multiline");
    let mut p = start(&dir);
    run(&mut p, "def f(a):", "... ");
    run(&mut p, "    b = a + 1", "... ");
    run(&mut p, "    return b * 10", "... ");
    run(&mut p, "", ">>> ");
    run(&mut p, "f(4)", "50");
    prompt(&mut p);
    run(&mut p, "y = (1 +", "... ");
    run(&mut p, "     2)", ">>> ");
    run(&mut p, "y * 111", "333");
    prompt(&mut p);
    run(&mut p, "for i in range(2):", "... ");
    run(&mut p, "    print('it', i + 70)", "... ");
    // A new statement at column 0 ends the block (Python would refuse it).
    run(&mut p, "print('after', 99)", "it 71");
    p.expect("after 99").expect("the line after the block runs too");
    prompt(&mut p);
    run(&mut p, "if y > 100:", "... ");
    run(&mut p, "    print('big')", "... ");
    run(&mut p, "else:", "... ");
    run(&mut p, "    print('small')", "... ");
    run(&mut p, "", "small");
    prompt(&mut p);
    p.send_line(":quit").expect("send");
    p.expect(Eof).expect(":quit leaves");
}

#[test]
fn ctrl_c_interrupts_a_long_loop_and_clears_the_line() {
    let dir = temp_dir("interrupt");
    let mut p = start(&dir);
    run(&mut p, "n = 0", ">>> ");
    run(&mut p, "while True:", "... ");
    run(&mut p, "    n = n + 1", "... ");
    p.send_line("").expect("send");
    // Let the loop start; however long this takes, the loop never ends by itself.
    std::thread::sleep(Duration::from_millis(1500));
    p.send(ControlCode::EndOfText).expect("Ctrl-C");
    p.expect("KeyboardInterrupt").expect("the loop is interrupted");
    prompt(&mut p);
    // The session is intact: n counted while the loop ran.
    run(&mut p, "n > 0", "True");
    prompt(&mut p);
    // A long sequence of kernels is interrupted too.
    run(&mut p, "a = ones(100000)", ">>> ");
    run(&mut p, "while True:", "... ");
    run(&mut p, "    a = sqrt(a * 1.0001)", "... ");
    run(&mut p, "    realize(a)", "... ");
    p.send_line("").expect("send");
    std::thread::sleep(Duration::from_millis(1500));
    p.send(ControlCode::EndOfText).expect("Ctrl-C");
    p.expect("E0990").expect("the kernel loop is interrupted");
    prompt(&mut p);
    run(&mut p, "a.shape", "(100000,)");
    prompt(&mut p);
    // Ctrl-C at the prompt drops what was typed.
    p.send("this is not code").expect("send");
    p.send(ControlCode::EndOfText).expect("Ctrl-C");
    prompt(&mut p);
    run(&mut p, "40 + 2", "42");
    prompt(&mut p);
}

#[test]
fn tab_completes_names_attributes_members_keywords_and_paths() {
    let dir = temp_dir("complete");
    std::fs::write(dir.join("measurements_2024.csv"), "1,2\n").expect("write");
    let mut p = start(&dir);
    // A builtin name.
    p.send("lins\t(0, 1, 3)\r").expect("send");
    p.expect("array([0. , 0.5, 1. ])").expect("linspace completed");
    prompt(&mut p);
    // A variable, then an array method after `.`.
    run(&mut p, "counts_per_day = arange(4)", ">>> ");
    p.send("counts_per_d\t.cums\t()\r").expect("send");
    p.expect("array([0, 1, 3, 6])").expect("name and method completed");
    prompt(&mut p);
    // A module member.
    p.send("np.linalg.no\t(counts_per_day)\r").expect("send");
    p.expect("np.float64(3.741657").expect("np.linalg.norm completed");
    prompt(&mut p);
    // A keyword argument inside a call's parentheses.
    p.send("linspace(0, 3, 3, endpo\tFalse)\r").expect("send");
    p.expect("array([0., 1., 2.])").expect("endpoint= completed");
    prompt(&mut p);
    // A file path inside a string.
    p.send("name = 'measurements_2\t'\r").expect("send");
    prompt(&mut p);
    run(&mut p, "name", "'measurements_2024.csv'");
    prompt(&mut p);
    // A command name.
    p.send(":vars\t\r").expect("send");
    p.expect(Regex("counts_per_day +ndarray int64\\[4\\]")).expect(":vars completed and run");
    prompt(&mut p);
}

#[test]
fn every_command_works() {
    let dir = temp_dir("commands");
    std::fs::write(dir.join("lib.hx"), "def double(v):\n    return v * 2\nloaded = double(21)\n").expect("write");
    let mut p = start(&dir);
    run(&mut p, ":help", ":kernels stmt");
    p.expect(":reset").expect("help lists the commands");
    prompt(&mut p);
    run(&mut p, ":help linspace", "linspace(start, stop");
    p.expect("example:").expect("help has an example");
    prompt(&mut p);
    run(&mut p, ":help linalg.nrm", "did you mean");
    prompt(&mut p);
    run(&mut p, "x = arange(1000000)", ">>> ");
    run(&mut p, ":type x * 2.5", "ndarray dtype=float64 shape=(1000000,)");
    prompt(&mut p);
    run(&mut p, ":type x.reshape(1000, 1000).sum(axis=0)", "shape=(1000,)");
    prompt(&mut p);
    // `:type` runs nothing: a mask's result size depends on data, so it says so.
    run(&mut p, ":type x[x > 5]", "needs array data");
    prompt(&mut p);
    run(&mut p, ":type zeros(3) + ones(4)", "E0300");
    prompt(&mut p);
    run(&mut p, ":kernels y = sqrt(x * 2.0) + 1.0", "HPXL fusion");
    p.expect("kernel launches").expect(":kernels summary");
    prompt(&mut p);
    run(&mut p, ":time s = (x * 3).sum()", "wall ");
    p.expect("kernels run").expect(":time reports kernels");
    p.expect("allocated").expect(":time reports allocation");
    prompt(&mut p);
    run(&mut p, "s", "np.int64(1499998500000)");
    prompt(&mut p);
    p.send_line(":vars").expect("send");
    p.expect(Regex("x +ndarray int64\\[1000000\\]")).expect(":vars lists x");
    prompt(&mut p);
    run(&mut p, ":load lib.hx", ">>> ");
    run(&mut p, "loaded + double(1)", "44");
    prompt(&mut p);
    run(&mut p, ":load missing.hx", "cannot read missing.hx");
    prompt(&mut p);
    run(&mut p, ":bogus", "unknown command");
    prompt(&mut p);
    run(&mut p, ":reset", "session reset");
    prompt(&mut p);
    run(&mut p, "loaded", "E0100");
    prompt(&mut p);
    p.send_line(":quit").expect("send");
    p.expect(Eof).expect(":quit leaves");
}

#[test]
fn history_persists_across_sessions() {
    let dir = temp_dir("history");
    let mut p = start(&dir);
    run(&mut p, "remembered_value = 31337", ">>> ");
    p.send(ControlCode::EndOfTransmission).expect("Ctrl-D");
    p.expect(Eof).expect("Ctrl-D leaves");
    let text = std::fs::read_to_string(dir.join("history")).expect("history file written");
    assert!(text.contains("remembered_value = 31337"), "{text}");
    // A new session recalls it with the up arrow.
    let mut p = start(&dir);
    p.send("\x1b[A\r").expect("up arrow");
    prompt(&mut p);
    run(&mut p, "remembered_value + 1", "31338");
    prompt(&mut p);
}
