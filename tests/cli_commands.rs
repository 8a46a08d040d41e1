//! The command line through `assert_cmd`: `argv()`, flags, exit codes, `check`, `info`,
//! `calibrate`/`config`, `--profile`, `--dump kernels` and `--version`.

use assert_cmd::Command;
use std::path::PathBuf;

fn hpxl(dir: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hpxl"));
    // Never read or write the user's configuration.
    c.env("HPXL_CONFIG", dir.join("config.toml")).env_remove("HPXL_THREADS");
    c
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hpxl-cli-cmd-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn argv_holds_the_script_path_and_its_arguments() {
    let dir = temp_dir("argv");
    let script = dir.join("args.hx");
    std::fs::write(&script, "a = argv()\nprint(len(a), a[1:])\n").expect("write");
    let out = hpxl(&dir).arg(&script).args(["first", "--flag", "3"]).output().expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "4 ('first', '--flag', '3')\n");
    let out = hpxl(&dir).arg(&script).output().expect("run");
    assert_eq!(stdout(&out), "1 ()\n");
    let out = hpxl(&dir).args(["-c", "print(argv())", "x", "y"]).output().expect("run");
    assert_eq!(stdout(&out), "('-c', 'x', 'y')\n");
}

#[test]
fn exit_codes_are_0_1_and_2() {
    let dir = temp_dir("codes");
    hpxl(&dir).args(["-c", "print(1)"]).assert().code(0).stdout("1\n");
    let out = hpxl(&dir).args(["-c", "x = ones(2) @ ones(3)"]).output().expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("error[E0"), "{}", stderr(&out));
    for bad in [
        vec!["--threads", "0", "-c", "1"],
        vec!["--nonsense-flag"],
        vec!["--backend", "warp", "-c", "1"],
        vec!["--dump", "everything", "-c", "1"],
        vec!["check"],
        vec!["info", "extra"],
    ] {
        let out = hpxl(&dir).args(&bad).output().expect("run");
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {}", stderr(&out));
    }
}

#[test]
fn version_and_help() {
    let dir = temp_dir("version");
    let out = hpxl(&dir).arg("--version").output().expect("run");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), format!("hpxl {}\n", env!("CARGO_PKG_VERSION")));
    let out = hpxl(&dir).arg("--help").output().expect("run");
    assert_eq!(out.status.code(), Some(0));
    for word in ["--profile", "--device", "hpxl check", "hpxl calibrate"] {
        assert!(stdout(&out).contains(word), "{word}: {}", stdout(&out));
    }
}

#[test]
fn gpu_device_is_a_clear_error_and_cpu_works() {
    let dir = temp_dir("device");
    hpxl(&dir).args(["--device", "cpu", "-c", "print(2)"]).assert().code(0).stdout("2\n");
    let out = hpxl(&dir).args(["--device", "gpu", "-c", "print(2)"]).output().expect("run");
    if cfg!(feature = "gpu") {
        // Runs; without a driver or a GPU it says so once and uses the CPU.
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(stdout(&out), "2\n");
        let err = stderr(&out);
        assert!(err.is_empty() || (err.lines().count() == 1 && err.contains("running on the CPU")), "{err}");
    } else {
        assert_eq!(out.status.code(), Some(2));
        assert!(stderr(&out).contains("no GPU backend"), "{}", stderr(&out));
    }
    let out = hpxl(&dir).args(["--device", "tpu", "-c", "print(2)"]).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("unknown device `tpu` (available: cpu, gpu)"), "{}", stderr(&out));
}

#[test]
fn info_lists_gpus_or_says_why_there_are_none() {
    let dir = temp_dir("info-gpu");
    let out = hpxl(&dir).arg("info").output().expect("run");
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    let devices = text.lines().find(|l| l.starts_with("devices")).expect("a devices line");
    if devices.trim_end() == "devices     cpu" {
        let gpus = text.lines().find(|l| l.starts_with("gpus")).expect("a gpus line");
        let reasons = ["no CUDA driver (libcuda.so not found)", "no GPU", "not built with GPU support", "the CUDA driver failed"];
        assert!(reasons.iter().any(|r| gpus.contains(r)), "{gpus}");
        if !cfg!(feature = "gpu") {
            assert!(gpus.contains("not built with GPU support"), "{gpus}");
        }
    } else {
        assert!(devices.contains("gpu:0"), "{devices}");
        assert!(text.lines().any(|l| l.starts_with("gpu:0") && l.contains("compute capability")), "{text}");
    }
}

#[test]
fn check_reports_every_diagnostic_and_runs_nothing() {
    let dir = temp_dir("check");
    let script = dir.join("two_errors.hx");
    let out_file = dir.join("never_written.npy");
    std::fs::write(
        &script,
        format!(
            "a = ones((1000, 1000))\nprint('this is not printed')\nb = a + ones(3)\nc = b * 2\nd = a.sum(axis=5)\ne = a.T @ a\nsave('{}', e)\nif a.sum() > 0:\n    f = e + zeros((2, 2))\n",
            out_file.display()
        ),
    )
    .expect("write");
    let out = hpxl(&dir).arg("check").arg(&script).output().expect("run");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    // Line 3 (shape) and line 5 (axis); `c = b * 2` is not reported again (b is unbound
    // because its statement failed). The `if` on array data checks one branch.
    assert!(err.contains("E0300") && err.contains("two_errors.hx:3"), "{err}");
    assert!(err.contains("two_errors.hx:5"), "{err}");
    assert!(!err.contains("'b' is not defined"), "{err}");
    assert!(err.contains("2 errors"), "{err}");
    assert!(!stdout(&out).contains("this is not printed"));
    assert!(!out_file.exists(), "check wrote a file");

    let clean = dir.join("clean.hx");
    std::fs::write(&clean, "x = linspace(0, 1, 10**6)\ny = (x * x).sum()\nprint(y)\n").expect("write");
    let out = hpxl(&dir).arg("check").arg(&clean).output().expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("no problems found"), "{}", stdout(&out));

    let syntax = dir.join("syntax.hx");
    std::fs::write(&syntax, "x = (1,\n").expect("write");
    let out = hpxl(&dir).arg("check").arg(&syntax).output().expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("E0001"), "{}", stderr(&out));
}

#[test]
fn info_describes_the_machine() {
    let dir = temp_dir("info");
    let out = hpxl(&dir).arg("info").output().expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    for field in ["cpu ", "cores ", "caches ", "simd ", "threads ", "backends ", "gpus ", "mpi "] {
        assert!(text.contains(field), "{field}: {text}");
    }
    assert!(text.contains("cranelift"), "{text}");
}

#[test]
fn calibrate_writes_a_config_that_later_runs_use() {
    let dir = temp_dir("calibrate");
    let out = hpxl(&dir).args(["calibrate", "--quick"]).output().expect("run");
    assert_eq!(out.status.code(), Some(0), "{}\n{}", stdout(&out), stderr(&out));
    let text = std::fs::read_to_string(dir.join("config.toml")).expect("config written");
    for key in ["threads = ", "block = ", "small_threshold = "] {
        assert!(text.contains(key), "{key}: {text}");
    }
    let out = hpxl(&dir).arg("config").output().expect("run");
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("config.toml"), "{}", stdout(&out));
    assert!(stdout(&out).contains("small_threshold = "), "{}", stdout(&out));

    // A hand-written config is used: the thread count shows in `threads()`.
    std::fs::write(dir.join("config.toml"), "threads = 1\nblock = 4096\n").expect("write");
    hpxl(&dir).args(["-c", "print(threads())"]).assert().code(0).stdout("1\n");
    // The command line wins over the file.
    hpxl(&dir).args(["--threads", "2", "-c", "print(threads())"]).assert().code(0).stdout("2\n");
    // A broken file is reported and ignored.
    std::fs::write(dir.join("config.toml"), "threads = lots\n").expect("write");
    let out = hpxl(&dir).args(["-c", "print(5)"]).output().expect("run");
    assert_eq!(stdout(&out), "5\n");
    assert!(stderr(&out).contains("ignoring"), "{}", stderr(&out));
}

#[test]
fn profile_prints_a_table_per_kernel() {
    let dir = temp_dir("profile");
    let out = hpxl(&dir)
        .args(["--profile", "-c", "x = linspace(0, 1, 1000000)\nfor i in range(3):\n    y = sqrt(x) * 2.0\n    print(y.sum())\n"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    for word in ["hpxl profile", "calls", "GB/s", "peak pool memory", "<command>:"] {
        assert!(err.contains(word), "{word}: {err}");
    }
    // Without --profile nothing is printed.
    let out = hpxl(&dir).args(["-c", "print((linspace(0, 1, 1000000) * 2).sum())"]).output().expect("run");
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}

#[test]
fn dump_kernels_shows_fusion_and_code() {
    let dir = temp_dir("dump");
    let out = hpxl(&dir)
        .args(["--dump", "kernels", "-c", "x = linspace(0, 1, 100000)\nprint((x * 2 + 1).sum())"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("HPXL fusion"), "{}", stderr(&out));
}
