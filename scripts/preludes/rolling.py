# Reference definitions of hpxl's rolling-window functions for the expectation
# generators (scripts/gen_conformance.py and scripts/gen_golden.py run every
# scripts/preludes/*.py before a program): pandas' `Series.rolling(window)` with its
# default min_periods=window, applied to each row of the last axis, float64 results.
# pandas treats +-inf as missing in rolling aggregations, so a window holding one is NaN.
# rolling_mad is the unscaled median absolute deviation of each window (pandas has no
# rolling MAD: it goes through `Rolling.apply`). The names are defined as globals (for
# golden programs) and as attributes of numpy (for `np.rolling_mean` in the corpus).
# Errors mirror hpxl's: TypeError (E0200) for a non-integer window or ddof, ValueError
# (E0600) for window < 1 or ddof < 0, ValueError mentioning "dimension" (E0300) for 0-d input.
import operator as _operator

import numpy as _np


def _rolling_apply(name, a, window, agg, ddof=None):
    import pandas as pd

    try:
        w = _operator.index(window)
    except TypeError:
        raise TypeError(f"{name}() window must be an integer, got {type(window).__name__}") from None
    if w < 1:
        raise ValueError(f"{name}() window must be at least 1, got {w}")
    if ddof is not None:
        try:
            ddof = _operator.index(ddof)
        except TypeError:
            raise TypeError(f"{name}() ddof must be an integer, got {type(ddof).__name__}") from None
        if ddof < 0:
            raise ValueError(f"{name}() ddof must be non-negative, got {ddof}")
    x = _np.asarray(a)
    if x.ndim == 0:
        raise ValueError(f"{name}() needs an array with at least one dimension, got a 0-d array")
    x = x.astype(_np.float64)
    out = _np.empty(x.shape, dtype=_np.float64)
    if x.size == 0:
        return out
    rows = x.reshape(-1, x.shape[-1])
    flat = out.reshape(-1, x.shape[-1])
    for i, row in enumerate(rows):
        r = pd.Series(row).rolling(w)
        if agg == "mad":
            v = r.apply(lambda s: _np.median(_np.abs(s - _np.median(s))), raw=True)
        elif ddof is not None:
            v = getattr(r, agg)(ddof=ddof)
        else:
            v = getattr(r, agg)()
        flat[i] = v.to_numpy(dtype=_np.float64)
    return out


def rolling_sum(a, window):
    return _rolling_apply("rolling_sum", a, window, "sum")


def rolling_mean(a, window):
    return _rolling_apply("rolling_mean", a, window, "mean")


def rolling_var(a, window, ddof=1):
    return _rolling_apply("rolling_var", a, window, "var", ddof)


def rolling_std(a, window, ddof=1):
    return _rolling_apply("rolling_std", a, window, "std", ddof)


def rolling_min(a, window):
    return _rolling_apply("rolling_min", a, window, "min")


def rolling_max(a, window):
    return _rolling_apply("rolling_max", a, window, "max")


def rolling_median(a, window):
    return _rolling_apply("rolling_median", a, window, "median")


def rolling_mad(a, window):
    return _rolling_apply("rolling_mad", a, window, "mad")


for _f in (rolling_sum, rolling_mean, rolling_var, rolling_std, rolling_min, rolling_max,
           rolling_median, rolling_mad):
    setattr(_np, _f.__name__, _f)
del _f
