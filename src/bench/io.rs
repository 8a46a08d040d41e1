//! Benchmark cases for file I/O (.npy, CSV); `benches/stdlib_cases/io.py` times the same
//! cases in NumPy for `benches/compare.py`.
//!
//! The cases write real files into a per-process directory under the system temp
//! directory (`hpxl_bench_io_<pid>`), overwritten on every repetition. A bench process
//! cannot run code after its last case, so each run first removes the directories that
//! earlier, finished runs left behind (their pid no longer exists): at most one run's
//! files (about 110 MB at scale 1) outlive it, until the next `hpxl bench`.

use super::{vectors, Case, ProbeKind, Sizes};
use std::path::PathBuf;

/// Bytes one value takes in the CSV: `%.18e` of a value in [0, 1) is 24 characters,
/// plus its delimiter or newline.
const CSV_BYTES_PER_VALUE: u64 = 25;
const CSV_COLUMNS: usize = 4;

/// This process's bench directory, after sweeping those of finished runs.
fn bench_dir() -> PathBuf {
    let tmp = std::env::temp_dir();
    if let Ok(entries) = std::fs::read_dir(&tmp) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if let Some(pid) = name.strip_prefix("hpxl_bench_io_") {
                let alive = pid
                    .parse::<u32>()
                    .is_ok_and(|p| p == std::process::id() || std::path::Path::new(&format!("/proc/{p}")).exists());
                if !alive {
                    let _ = std::fs::remove_dir_all(e.path());
                }
            }
        }
    }
    let dir = tmp.join(format!("hpxl_bench_io_{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    dir
}

/// A path as an hpxl string literal.
fn literal(p: &std::path::Path) -> String {
    format!("{:?}", p.to_string_lossy())
}

pub(super) fn cases(sz: &Sizes) -> Vec<Case> {
    let dir = bench_dir();
    let n = sz.n;
    let npy = literal(&dir.join("roundtrip.npy"));
    // loadtxt: a tenth of the vector size (1M values at scale 1), in rows of 4.
    let rows = (n / 10 / CSV_COLUMNS).max(1);
    let csv = literal(&dir.join("values.txt"));
    vec![
        // Writes a (8n bytes) to the file, reads it back into b (8n bytes).
        Case::once(
            "npy_roundtrip",
            "save(p, a); b = load(p), float64",
            vectors(n, &["a"]),
            format!("save({npy}, a)\nb = load({npy})\nrealize(b)\n"),
            2 * 8 * n as u64,
            ProbeKind::Copy,
            vec![n],
        ),
        // Reads the text (25 bytes per value) and writes the float64 result.
        Case {
            name: "loadtxt",
            expr: "loadtxt(p), %.18e text, 4 columns",
            setup: format!("{}savetxt({csv}, a.reshape({rows}, {CSV_COLUMNS}))\n", vectors(rows * CSV_COLUMNS, &["a"])),
            timed: format!("b = loadtxt({csv})\nrealize(b)\n"),
            bytes: (rows * CSV_COLUMNS) as u64 * (CSV_BYTES_PER_VALUE + 8),
            probe: ProbeKind::Copy,
            shape: vec![rows, CSV_COLUMNS],
            iterations: 1,
            per_iteration: false,
            heavy: true,
            small_threshold: None,
        },
    ]
}
