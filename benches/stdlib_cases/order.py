"""Baselines for the order-statistics cases of `hpxl bench` (src/bench/order.rs): NumPy's
sort, argsort, median and percentile on the same vector (fractional parts of multiples of
the golden ratio, as `vectors()` in src/bench/mod.rs builds `a`)."""

import numpy as np

CASES = {
    "sort": lambda a: (lambda: np.sort(a)),
    "argsort": lambda a: (lambda: np.argsort(a, kind="stable")),
    "median": lambda a: (lambda: np.median(a)),
    "percentile": lambda a: (lambda: np.percentile(a, [1, 25, 50, 75, 99])),
}

# Issue 4's targets: sort at least 2x NumPy, median at least 1.5x (2 cores).
TARGETS = {
    "sort": [("numpy", 2.0)],
    "median": [("numpy", 1.5)],
}


def baselines(case):
    if case["name"] not in CASES:
        return None
    (n,) = case["shape"]
    a = (np.arange(n) * 0.6180339887498949) % 1.0
    return {"numpy": CASES[case["name"]](a)}
