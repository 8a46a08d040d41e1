//! Benchmark cases for rolling windows; `benches/stdlib_cases/rolling.py` times the same cases
//! in NumPy and its companions for `benches/compare.py`.
//!
//! Each case reads its series once and writes one float64 per element (Note [Logical
//! bytes]); the baselines are bottleneck's `move_*` functions on the same data
//! (`move_std` with ddof=0 on both sides).

use super::{vectors, Case, ProbeKind, Sizes};

pub(super) fn cases(sz: &Sizes) -> Vec<Case> {
    let case = |name, expr, n: usize, call: &str| {
        let timed = format!("r = {call}\nrealize(r)\n");
        Case::once(name, expr, vectors(n, &["a"]), timed, 2 * n as u64 * 8, ProbeKind::Copy, vec![n])
    };
    let n = sz.n;
    // The median case is ten times shorter: O(n log w) work per element.
    let n_median = (n / 10).max(1000);
    vec![
        case("rolling_mean", "rolling_mean(a, 50)", n, "rolling_mean(a, 50)"),
        case("rolling_std", "rolling_std(a, 100, ddof=0)", n, "rolling_std(a, 100, ddof=0)"),
        case("rolling_max", "rolling_max(a, 100)", n, "rolling_max(a, 100)"),
        case("rolling_median", "rolling_median(a, 100), n/10 values", n_median, "rolling_median(a, 100)"),
    ]
}
