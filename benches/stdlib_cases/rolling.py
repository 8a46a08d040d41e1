"""Baselines for the rolling-window cases of `hpxl bench` (src/bench/rolling.rs): bottleneck's
move_* functions and pandas' Series.rolling on the same series (fractional parts of
multiples of the golden ratio, as `vectors()` in src/bench/mod.rs builds `a`)."""

import numpy as np

# Case name -> (window, bottleneck function name, keyword arguments, pandas method).
CASES = {
    "rolling_mean": (50, "move_mean", {}, "mean"),
    "rolling_std": (100, "move_std", {"ddof": 0}, "std"),
    "rolling_max": (100, "move_max", {}, "max"),
    "rolling_median": (100, "move_median", {}, "median"),
}

TARGETS = {
    "rolling_mean": [("bottleneck", 1.5)],
    "rolling_std": [("bottleneck", 1.5)],
    "rolling_max": [("bottleneck", 1.5)],
    "rolling_median": [("bottleneck", 1.2)],
}


def baselines(case):
    if case["name"] not in CASES:
        return None
    window, bn_name, kwargs, pd_method = CASES[case["name"]]
    (n,) = case["shape"]
    a = (np.arange(n) * 0.6180339887498949) % 1.0
    out = {}
    try:
        import bottleneck as bn
        fn = getattr(bn, bn_name)
        out["bottleneck"] = lambda: fn(a, window, **kwargs)
    except ImportError:
        pass
    try:
        import pandas as pd
        s = pd.Series(a)
        if pd_method == "std":
            out["pandas"] = lambda: s.rolling(window).std(ddof=kwargs["ddof"])
        else:
            out["pandas"] = lambda: getattr(s.rolling(window), pd_method)()
    except ImportError:
        pass
    return out
