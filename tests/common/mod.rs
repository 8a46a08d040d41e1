//! Helpers shared by the integration tests that run the `hpxl` binary.
#![allow(dead_code)] // each test file uses its own subset

use std::process::Command;

/// Runs `hpxl` with `args` and `envs`, requires success and returns its stdout.
pub fn hpxl_stdout(args: &[&str], envs: &[(&str, &str)]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_hpxl"))
        .args(args)
        .envs(envs.iter().copied())
        .output()
        .expect("hpxl runs");
    assert!(out.status.success(), "hpxl {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// Runs `program` with `threads` worker threads and returns its stdout.
pub fn run_with_threads(threads: usize, program: &str) -> String {
    hpxl_stdout(&["--threads", &threads.to_string(), "-c", program], &[])
}

/// Runs `program` with 1 thread and then with each of `others`, requires every output to
/// equal the 1-thread output byte for byte, and returns that output.
pub fn same_for_every_thread_count(program: &str, others: &[usize]) -> String {
    let one = run_with_threads(1, program);
    for &t in others {
        assert_eq!(run_with_threads(t, program), one, "{t} threads differ from 1");
    }
    one
}
