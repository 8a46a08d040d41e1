//! Benchmark cases for linear algebra (matmul, solve); `benches/stdlib_cases/linalg.py`
//! times the same cases in NumPy (OpenBLAS/LAPACK) for `benches/compare.py`.
//!
//! The important number is the ratio to NumPy: a 1024 x 1024 product is compute-bound,
//! so its "bandwidth" (the three matrices, Note [Logical bytes]) against the read probe
//! says little. The matrices are the suite's irrational-multiple data, built the same
//! way by the Python side.

use super::{Case, ProbeKind, Sizes};

/// `name = ((arange(n*n) * mult) % 1.0).reshape(n, n)`.
fn matrix(name: &str, n: usize, mult: f64) -> String {
    format!("{name} = ((arange({n} * {n}) * {mult:?}) % 1.0).reshape({n}, {n})\n")
}

pub(super) fn cases(sz: &Sizes) -> Vec<Case> {
    // 1024 at scale 1 (the 2-D cases scale their side with sqrt(scale)).
    let n = (sz.outer * 1024 / 4000).max(8);
    let ns = (n / 2).max(8);
    let nb = |k: usize| k as u64 * k as u64 * 8;
    vec![
        // Reads a and b, writes c.
        Case::once(
            "matmul",
            "a @ b, float64 n x n",
            matrix("a", n, 0.6180339887498949) + &matrix("b", n, 0.7548776662466927) + "realize(a, b)\n",
            "c = a @ b\nrealize(c)\n".to_string(),
            3 * nb(n),
            ProbeKind::Read,
            vec![n, n],
        ),
        // Reads a and the right-hand side, writes x.
        Case::once(
            "solve",
            "linalg.solve(a, v), float64 n/2 x n/2",
            matrix("a", ns, 0.5698402909980532)
                + &format!("a = a + {ns} * eye({ns})\nv = (arange({ns}) * 0.414213562373095) % 1.0\nrealize(a, v)\n"),
            "x = linalg.solve(a, v)\nrealize(x)\n".to_string(),
            nb(ns) + 2 * ns as u64 * 8,
            ProbeKind::Read,
            vec![ns, ns],
        ),
    ]
}
