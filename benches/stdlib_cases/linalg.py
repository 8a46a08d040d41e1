"""Baselines for the linear-algebra cases of `hpxl bench` (src/bench/linalg.rs): NumPy's
`@` (OpenBLAS dgemm) and `numpy.linalg.solve` (LAPACK dgesv) on the same matrices
(fractional parts of multiples of irrational numbers, as `matrix()` there builds them)."""

import numpy as np

TARGETS = {
    "matmul": [("numpy", 0.8)],
}


def _matrix(n, mult):
    return ((np.arange(n * n) * mult) % 1.0).reshape(n, n)


def baselines(case):
    name = case["name"]
    if name == "matmul":
        n = case["shape"][0]
        a = _matrix(n, 0.6180339887498949)
        b = _matrix(n, 0.7548776662466927)
        return {"numpy": lambda: a @ b}
    if name == "solve":
        n = case["shape"][0]
        a = _matrix(n, 0.5698402909980532) + n * np.eye(n)
        v = (np.arange(n) * 0.414213562373095) % 1.0
        return {"numpy": lambda: np.linalg.solve(a, v)}
    return None
