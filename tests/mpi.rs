//! SPMD runs under `mpirun` (feature `mpi`; needs MPICH's `mpirun` on the PATH).
//!
//! One `mpirun` per rank count (1, 2, 3, 4) runs the whole corpus — conformance
//! programs, golden programs, examples and the distributed programs in `tests/mpi/` —
//! through the hidden `hpxl --run-many`, with a distribution threshold of 4 elements so
//! that even tiny arrays are partitioned (with empty partitions at 3 and 4 ranks). Each
//! program's output must be exactly the single-process output.
#![cfg(feature = "mpi")]

use std::collections::BTreeMap;
use std::process::Command;

const HPXL: &str = env!("CARGO_BIN_EXE_hpxl");

fn corpus() -> Vec<String> {
    let mut files = Vec::new();
    for (dir, ext) in [("tests/conformance", "py"), ("tests/golden", "hx"), ("examples", "hx"), ("tests/mpi", "hx")] {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == ext))
            .map(|p| p.display().to_string())
            // 2^40-byte allocations: whether they fail up front depends on the machine's
            // overcommit policy, not on hpxl, and they are slow where they do not.
            .filter(|p| !p.contains("err_alloc"))
            // File errors: only rank 0 writes, so a write error is raised on rank 0
            // alone. A normal run then aborts the job (tested below); `--run-many` would
            // go on to the next program with the other ranks still waiting.
            .filter(|p| !p.contains("io_err"))
            .collect();
        v.sort();
        files.extend(v);
    }
    files
}

fn blocks(text: &str) -> BTreeMap<String, String> {
    text.split("\x1e== ").skip(1).map(|b| (b.split('\n').next().unwrap_or("").to_string(), b.to_string())).collect()
}

fn run(cmd: &mut Command) -> (String, String, Option<i32>) {
    let out = cmd.output().expect("cannot start hpxl / mpirun (is MPICH installed?)");
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned(), out.status.code())
}

#[test]
fn corpus_is_identical_on_1_and_2_ranks() {
    compare(corpus(), &[1, 2]);
}

#[test]
fn corpus_is_identical_on_3_and_4_ranks() {
    // More ranks than this machine's 2 cores: the collectives and the halo waits yield
    // the core rather than spin (`hpxl_runtime::dist`), which keeps this to about a
    // minute for both rank counts.
    compare(corpus(), &[3, 4]);
}

fn compare(files: Vec<String>, ranks: &[usize]) {
    let list = std::env::temp_dir().join(format!("hpxl_mpi_corpus_{}_{}.txt", std::process::id(), ranks[0]));
    std::fs::write(&list, files.join("\n")).unwrap();
    let (single, err, _) = run(Command::new(HPXL).arg("--run-many").arg(&list));
    let expected = blocks(&single);
    assert_eq!(expected.len(), files.len(), "single-process run stopped early:\n{err}");
    let mut failures = Vec::new();
    for &n in ranks {
        let (out, err, code) = run(Command::new("timeout")
            .args(["300", "mpirun", "-n", &n.to_string(), HPXL, "--dist-threshold", "4", "--run-many"])
            .arg(&list));
        let got = blocks(&out);
        for (name, want) in &expected {
            match got.get(name) {
                Some(g) if g == want => {}
                Some(g) => failures.push(format!("{n} ranks, {name}:\n--- single\n{want}\n--- mpirun\n{g}")),
                None => failures.push(format!("{n} ranks, {name}: no output (exit {code:?})\n{err}")),
            }
        }
    }
    let _ = std::fs::remove_file(&list);
    assert!(failures.is_empty(), "{} differences:\n{}", failures.len(), failures.iter().take(5).cloned().collect::<Vec<_>>().join("\n"));
}

#[test]
fn heat_example_prints_the_same_on_2_and_3_ranks() {
    let (want, _, _) = run(Command::new(HPXL).arg("examples/heat.hx"));
    for n in ["2", "3"] {
        let (got, err, code) = run(Command::new("timeout").args(["120", "mpirun", "-n", n, HPXL, "examples/heat.hx"]));
        assert_eq!(code, Some(0), "{err}");
        assert_eq!(got, want, "{n} ranks");
    }
}

#[test]
fn an_error_on_one_rank_is_reported_once_and_stops_every_rank() {
    let script = std::env::temp_dir().join(format!("hpxl_mpi_err_{}.hx", std::process::id()));
    std::fs::write(&script, "x = zeros((100, 3), dist=\"block\")\nif rank() == 1:\n    y = undefined_name\nprint(x.sum())\n").unwrap();
    let start = std::time::Instant::now();
    let (out, err, code) = run(Command::new("timeout").args(["60", "mpirun", "-n", "2", HPXL]).arg(&script));
    let _ = std::fs::remove_file(&script);
    assert!(start.elapsed().as_secs() < 30, "took {:?}", start.elapsed());
    assert_ne!(code, Some(0));
    assert_ne!(code, Some(124), "the job hung");
    assert_eq!(err.matches("E0").count(), 1, "reported once:\n{err}");
    assert!(err.contains("raised on rank 1 of 2"), "{err}");
    assert!(out.is_empty(), "{out}");
}

#[test]
fn profile_reports_halo_bytes_only() {
    // 1-D stencil over 10^5 float64 on 2 ranks: each realisation fetches k halo rows of
    // 8 bytes per neighbour for k pending steps, and the final sum allgathers partials.
    let script = std::env::temp_dir().join(format!("hpxl_mpi_halo_{}.hx", std::process::id()));
    std::fs::write(&script, "u = zeros(100000, dist=\"block\")\nu[50000] = 1.0\nfor i in range(40):\n    u[1:-1] = 0.5 * u[1:-1] + 0.25 * (u[:-2] + u[2:])\nrealize(u)\nprint(\"done\")\n").unwrap();
    let (_, err, code) = run(Command::new("timeout").args(["60", "mpirun", "-n", "2", HPXL, "--profile"]).arg(&script));
    let _ = std::fs::remove_file(&script);
    assert_eq!(code, Some(0), "{err}");
    let sent: Vec<u64> = err
        .lines()
        .filter(|l| l.trim_start().starts_with("rank ") && l.contains("sent"))
        .map(|l| l.split("sent ").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(sent.len(), 2, "{err}");
    for s in sent {
        // 40 steps × 1 row × 8 bytes of halo and nothing else: the halo goes straight to
        // the neighbour (no request round, no collective), into its ghost rows.
        assert_eq!(s, 320, "sent {s} bytes:\n{err}");
    }
}

/// The `(sent, received)` bytes of each rank in a `--profile` report
/// (`rank 0: sent 320 bytes, received 320 bytes, 40 exchanges`).
fn traffic(err: &str) -> Vec<(u64, u64)> {
    err.lines()
        .filter(|l| l.trim_start().starts_with("rank ") && l.contains("sent"))
        .map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            (w[3].parse().unwrap(), w[6].parse().unwrap())
        })
        .collect()
}

#[test]
fn a_2d_stencil_moves_one_row_per_neighbour_and_step_on_3_ranks() {
    // 30 × 50 float64 (distributed from 4 elements on), 12 in-place steps: each step
    // the middle rank sends one 400-byte row to each of its two neighbours, the end
    // ranks one, and nothing else moves. (The values are checked by the corpus run of
    // tests/mpi/stencil.hx.)
    let script = std::env::temp_dir().join(format!("hpxl_mpi_halo2d_{}.hx", std::process::id()));
    std::fs::write(
        &script,
        "g = zeros((30, 50), dist=\"block\")\ng[10:20, 10:40] = 1.0\nfor s in range(12):\n    g[1:-1, 1:-1] += 0.1 * (g[:-2, 1:-1] + g[2:, 1:-1] + g[1:-1, :-2] + g[1:-1, 2:] - 4 * g[1:-1, 1:-1])\nrealize(g)\nprint(\"ok\")\n",
    )
    .unwrap();
    let (out, err, code) =
        run(Command::new("timeout").args(["60", "mpirun", "-n", "3", HPXL, "--dist-threshold", "4", "--profile"]).arg(&script));
    let _ = std::fs::remove_file(&script);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(out.lines().next(), Some("ok"));
    let t = traffic(&err);
    assert_eq!(t.len(), 3, "{err}");
    let row = 50 * 8;
    for (r, &(sent, received)) in t.iter().enumerate() {
        let neighbours = if r == 1 { 2 } else { 1 };
        assert_eq!((sent, received), (12 * neighbours * row, 12 * neighbours * row), "rank {r}:\n{err}");
    }
}

#[test]
fn rank_dependent_distributed_work_is_a_diagnostic_not_a_hang() {
    // Only rank 1 sums a distributed array (a collective): the other ranks reach the end
    // of the script instead, and every rank learns it from the agreement (Note
    // [Rank-dependent values]) — one diagnostic, a non-zero exit, no hang.
    let script = std::env::temp_dir().join(format!("hpxl_mpi_diverge_{}.hx", std::process::id()));
    std::fs::write(&script, "a = zeros(1000, dist=\"block\")\nif rank() == 1:\n    print(a.sum())\nprint(\"end\")\n").unwrap();
    for n in ["2", "3"] {
        let start = std::time::Instant::now();
        let (out, err, code) = run(Command::new("timeout").args(["60", "mpirun", "-n", n, HPXL]).arg(&script));
        assert!(start.elapsed().as_secs() < 30, "took {:?}", start.elapsed());
        assert_ne!(code, Some(0), "{err}");
        assert_ne!(code, Some(124), "the job hung");
        assert_eq!(err.matches("E0600").count(), 1, "reported once:\n{err}");
        assert!(err.contains("the ranks disagree"), "{err}");
        assert_eq!(out, "end\n");
    }
    let _ = std::fs::remove_file(&script);
}

#[test]
fn a_rank_that_dies_ends_the_job() {
    // A rank killed mid-run (here by SIGKILL, as an out-of-memory kill would) must not
    // leave the others waiting in a halo exchange or a collective: the job exits non-zero.
    let script = std::env::temp_dir().join(format!("hpxl_mpi_die_{}.hx", std::process::id()));
    std::fs::write(
        &script,
        "u = zeros((400, 400), dist=\"block\")\nfor step in range(1000000):\n    \
         u[1:-1, 1:-1] += 0.1 * (u[:-2, 1:-1] + u[2:, 1:-1] - 2 * u[1:-1, 1:-1])\n    realize(u)\n",
    )
    .unwrap();
    let mut job = Command::new("timeout")
        .args(["60", "mpirun", "-n", "2", HPXL])
        .arg(&script)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("cannot start mpirun (is MPICH installed?)");
    // Wait until both ranks run, then kill one of them.
    let pattern = format!("^{HPXL} {}", script.display());
    let start = std::time::Instant::now();
    let victim = loop {
        let out = Command::new("pgrep").args(["-f", &pattern]).output().expect("pgrep");
        let pids: Vec<String> = String::from_utf8_lossy(&out.stdout).split_whitespace().map(str::to_string).collect();
        if pids.len() >= 2 {
            break pids[1].clone();
        }
        assert!(start.elapsed().as_secs() < 30, "the ranks did not start");
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    std::thread::sleep(std::time::Duration::from_millis(500));
    let killed = Command::new("kill").args(["-9", &victim]).status().expect("kill");
    assert!(killed.success());
    let status = job.wait().expect("mpirun");
    let _ = std::fs::remove_file(&script);
    assert!(start.elapsed().as_secs() < 45, "took {:?}", start.elapsed());
    assert!(!status.success(), "the job reported success after a rank died");
    assert_ne!(status.code(), Some(124), "the job hung after a rank died");
}
