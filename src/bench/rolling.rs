//! Benchmark cases for rolling windows; `benches/stdlib_cases/rolling.py` times the same cases
//! in NumPy and its companions for `benches/compare_stdlib.py`.

use super::{Case, Sizes};

pub(super) fn cases(_sz: &Sizes) -> Vec<Case> {
    Vec::new()
}
