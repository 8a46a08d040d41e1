//! Benchmark cases for file I/O (.npy, .npz, CSV); `benches/stdlib_cases/io.py` times the same cases
//! in NumPy and its companions for `benches/compare_stdlib.py`.

use super::{Case, Sizes};

pub(super) fn cases(_sz: &Sizes) -> Vec<Case> {
    Vec::new()
}
