//! Benchmark cases for order statistics (sort, argsort, median, percentile, unique);
//! `benches/stdlib_cases/order.py` times the same cases in NumPy for `benches/compare.py`.
//!
//! The data is `vectors()`'s (fractional parts of multiples of the golden ratio: every
//! value distinct, spread evenly over [0, 1)), 10M float64 at scale 1.

use super::{vectors, Case, ProbeKind, Sizes};

pub(super) fn cases(sz: &Sizes) -> Vec<Case> {
    let n = sz.n;
    let nb = n as u64 * 8;
    let case = |name, expr, timed: &str, bytes, probe| {
        Case::once(name, expr, vectors(n, &["a"]), timed.to_string(), bytes, probe, vec![n])
    };
    vec![
        // Reads a; writes r.
        case("sort", "sort(a)", "r = sort(a)\nrealize(r)\n", 2 * nb, ProbeKind::Copy),
        // Reads a; writes r (int64).
        case("argsort", "argsort(a, kind='stable')", "r = argsort(a, kind='stable')\nrealize(r)\n", 2 * nb, ProbeKind::Copy),
        // Reads a.
        case("median", "median(a)", "s = median(a)\nrealize(s)\n", nb, ProbeKind::Read),
        // Reads a.
        case("percentile", "percentile(a, [1, 25, 50, 75, 99])", "s = percentile(a, [1, 25, 50, 75, 99])\nrealize(s)\n", nb, ProbeKind::Read),
    ]
}
