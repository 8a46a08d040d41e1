//! `hpxl bench`: the JSON output that `benches/compare.py` reads, on a tiny problem size.

use std::process::Command;

fn bench_json(args: &[&str]) -> (Vec<serde_json::Value>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_hpxl"))
        .arg("bench")
        .args(args)
        .args(["--reps", "1", "--json"])
        .env("HPXL_BENCH_SCALE", "0.001")
        .output()
        .expect("run hpxl bench");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines = stdout.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect();
    (lines, stderr)
}

#[test]
fn json_has_one_object_per_case_and_a_summary() {
    let (lines, stderr) = bench_json(&["abcd", "std", "small_loop", "small_loop_jit"]);
    assert!(stderr.is_empty(), "no progress bar or errors with --json: {stderr}");
    let names: Vec<&str> = lines.iter().filter(|l| l["kind"] == "case").map(|l| l["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["abcd", "std", "small_loop", "small_loop_jit"]);
    for case in lines.iter().filter(|l| l["kind"] == "case") {
        for key in ["median_s", "min_s", "gbps", "probe_gbps", "probe_ratio"] {
            let v = case[key].as_f64().unwrap_or_else(|| panic!("{key} missing in {case}"));
            assert!(v.is_finite() && v > 0.0, "{key} = {v} in {case}");
        }
        assert!(case["min_s"].as_f64() <= case["median_s"].as_f64(), "{case}");
        assert!(case["bytes"].as_u64().is_some_and(|b| b > 0), "{case}");
        assert!(["copy", "triad", "read"].contains(&case["probe"].as_str().unwrap()), "{case}");
        assert_eq!(case["reps"], 1);
        assert!(case["shape"].as_array().is_some_and(|s| !s.is_empty()), "{case}");
    }
    let summary = lines.last().expect("summary line");
    assert_eq!(summary["kind"], "summary");
    assert_eq!(summary["failures"], 0);
    assert!(summary["scale"].as_f64() == Some(0.001));
    for key in ["copy", "triad", "read"] {
        assert!(summary["probe_gbps"][key].as_f64().is_some_and(|v| v > 0.0), "{summary}");
    }
    for key in ["kernels_compiled", "cache_hits", "compile_failures"] {
        assert!(summary[key].as_u64().is_some(), "{key} in {summary}");
    }
}

#[test]
fn per_iteration_cases_report_time_per_iteration() {
    let (lines, _) = bench_json(&["small_loop_jit"]);
    let case = &lines[0];
    assert_eq!(case["name"], "small_loop_jit");
    assert_eq!(case["per_iteration"], true);
    assert_eq!(case["iterations"], 10);
    // 100 elements: three inputs and one output of float64 per iteration.
    assert_eq!(case["bytes"], 3200);
}

#[test]
fn unknown_filter_is_an_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_hpxl")).args(["bench", "no-such-case"]).output().expect("run hpxl");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no benchmark matches"));
}
