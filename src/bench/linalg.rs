//! Benchmark cases for linear algebra (matmul, solve, inv, det, norm); `benches/stdlib_cases/linalg.py` times the same cases
//! in NumPy and its companions for `benches/compare_stdlib.py`.

use super::{Case, Sizes};

pub(super) fn cases(_sz: &Sizes) -> Vec<Case> {
    Vec::new()
}
