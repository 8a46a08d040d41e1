//! Benchmark cases for random generators; `benches/stdlib_cases/random.py` times the same
//! cases in NumPy (`np.random`'s legacy functions) for `benches/compare.py`.
//!
//! A draw reads nothing and writes one value per element, so the logical bytes are the
//! output's (Note [Logical bytes]) and the probe is `copy`. The draws are not the same
//! numbers as NumPy's (different generators), only the same amount of work.

use super::{Case, ProbeKind, Sizes};

pub(super) fn cases(sz: &Sizes) -> Vec<Case> {
    let n = sz.n;
    let case = |name, expr, call: &str, bytes_per_element: u64| {
        let timed = format!("r = {call}\nrealize(r)\n");
        Case::once(name, expr, "random.seed(12345)\n".to_string(), timed, n as u64 * bytes_per_element, ProbeKind::Copy, vec![n])
    };
    vec![
        case("rand", "random.rand(n)", &format!("random.rand({n})"), 8),
        case("randn", "random.randn(n)", &format!("random.randn({n})"), 8),
        case("uniform", "random.uniform(-1, 1, n)", &format!("random.uniform(-1.0, 1.0, {n})"), 8),
        case("randint", "random.randint(0, 100, n)", &format!("random.randint(0, 100, {n})"), 8),
    ]
}
