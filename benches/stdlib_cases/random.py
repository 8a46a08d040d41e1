"""Baselines for the random-number cases of `hpxl bench` (src/bench/random.rs): NumPy's
legacy `np.random` functions drawing the same number of values (different generators, so
different values: the same work, not the same numbers)."""

import numpy as np

# Case name -> the NumPy call for n values.
CASES = {
    "rand": lambda n: np.random.rand(n),
    "randn": lambda n: np.random.randn(n),
    "uniform": lambda n: np.random.uniform(-1.0, 1.0, n),
    "randint": lambda n: np.random.randint(0, 100, n),
}

TARGETS = {
    "rand": [("numpy", 2.0)],
}


def baselines(case):
    if case["name"] not in CASES:
        return None
    (n,) = case["shape"]
    np.random.seed(12345)
    fn = CASES[case["name"]]
    return {"numpy": lambda: fn(n)}
