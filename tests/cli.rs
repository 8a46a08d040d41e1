//! The `hpxl` command line: scripts, `-c`, the interactive loop, exit codes, stderr.

use std::io::Write;
use std::process::{Command, Stdio};

fn hpxl() -> Command {
    Command::new(env!("CARGO_BIN_EXE_hpxl"))
}

fn script(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("hpxl-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write script");
    path
}

#[test]
fn script_runs_and_exits_zero() {
    let path = script("ok.hx", "a = arange(4) * 2\nprint(a, a.sum())\n");
    let out = hpxl().arg(&path).output().expect("run hpxl");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "[0 2 4 6] 12\n");
    assert!(out.stderr.is_empty());
}

#[test]
fn error_goes_to_stderr_with_exit_one_and_output_before_it_is_kept() {
    let path = script("bad.hx", "print('before')\nx = zeros(3) + ones(4)\nprint('after')\n");
    let out = hpxl().arg(&path).output().expect("run hpxl");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "before\n");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("error[E0300]"), "{err}");
    assert!(err.contains("(3,) (4,)"), "{err}");
    assert!(err.contains("bad.hx:2:5"), "{err}");
}

#[test]
fn dash_c_runs_code() {
    let out = hpxl().args(["-c", "print(linspace(0, 1, 3))"]).output().expect("run hpxl");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "[0.  0.5 1. ]\n");
}

#[test]
fn backend_interp_is_accepted_and_unknown_backends_are_refused() {
    let ok = hpxl().args(["--backend", "interp", "-c", "print(1)"]).output().expect("run hpxl");
    assert_eq!(ok.status.code(), Some(0));
    let bad = hpxl().args(["--backend", "warp", "-c", "print(1)"]).output().expect("run hpxl");
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown backend"));
}

#[test]
fn missing_script_is_a_clear_error() {
    let out = hpxl().arg("/nonexistent/dir/x.hx").output().expect("run hpxl");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));
}

#[test]
fn interactive_loop_echoes_values_and_keeps_state() {
    let mut child = hpxl().stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn");
    let input = "x = arange(3)\nx * 2\nfor i in range(2):\n    print(i)\n\nundefined_name\nx.sum()\n";
    child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write");
    let out = child.wait_with_output().expect("wait");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("array([0, 2, 4])"), "{stdout}");
    assert!(stdout.contains("0\n") && stdout.contains("1\n"), "{stdout}");
    assert!(stdout.contains("np.int64(3)"), "{stdout}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("E0100"), "{stderr}");
    assert_eq!(out.status.code(), Some(0));
}
