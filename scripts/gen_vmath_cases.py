#!/usr/bin/env python3
"""Reference data for the vectorised math library (compiler/src/vmath).

    python3 scripts/gen_vmath_cases.py          # writes compiler/tests/data/vmath/*.txt
    python3 scripts/gen_vmath_cases.py fit      # prints the polynomial fits used by the kernels

For every function and precision, `<fn>_<f64|f32>.txt` holds random inputs over the domain
(log-uniform magnitudes, both signs, points near multiples of pi/2, near 0 and near the
overflow and underflow thresholds) with the correctly rounded result computed by mpmath
at 50+ digits; each line is `input [input2] expected` as hex bit patterns. `specials_<p>.txt`
holds special values (nan, inf, zeros, subnormals, domain edges, C99 pow/atan2 cases) with
NumPy 2's result, which the kernels must reproduce bit for bit (any nan matches any nan).
The test `compiler/tests/vmath.rs` reads both; it never runs Python.
"""

import math
import os
import random
import struct
import sys

import mpmath as mp

OUT = os.path.join(os.path.dirname(__file__), "..", "compiler", "tests", "data", "vmath")
mp.mp.dps = 50

# Precision parameters: (significand bits, minimum normal exponent, maximum exponent).
PREC = {"f64": (53, -1022, 1023), "f32": (24, -126, 127)}


def bits(v, p):
    if p == "f64":
        return "%016x" % struct.unpack("<Q", struct.pack("<d", v))[0]
    return "%08x" % struct.unpack("<I", struct.pack("<f", v))[0]


def to_prec(v, p):
    """Python float `v` rounded to precision p (identity for f64)."""
    if p == "f64" or math.isnan(v) or math.isinf(v):
        return v
    try:
        return struct.unpack("<f", struct.pack("<f", v))[0]
    except OverflowError:
        return math.copysign(math.inf, v)


def round_mp(v, p):
    """The mpf `v` correctly rounded (to nearest even) to precision p, as a Python float,
    including subnormal results and overflow to inf."""
    if mp.isnan(v):
        return math.nan
    if mp.isinf(v):
        return math.inf if v > 0 else -math.inf
    if v == 0:
        return 0.0
    nbits, emin, emax = PREC[p]
    e = int(mp.floor(mp.log(abs(v), 2)))
    # log2 at 50 digits can land on the wrong side of a power of two; fix up.
    if mp.mpf(2) ** e > abs(v):
        e -= 1
    elif mp.mpf(2) ** (e + 1) <= abs(v):
        e += 1
    q = mp.mpf(2) ** (max(e, emin) - nbits + 1)
    r = mp.nint(v / q) * q
    if abs(r) >= mp.mpf(2) ** (emax + 1):
        return math.inf if v > 0 else -math.inf
    return float(r)


def loguni(rng, lo, hi):
    return math.exp(rng.uniform(math.log(lo), math.log(hi)))


def signed(rng, v):
    return v if rng.random() < 0.5 else -v


def near(rng, centre, width, n):
    return [centre + rng.uniform(-width, width) for _ in range(n)]


# --- reference functions (mpf in, mpf out) ---------------------------------------------


def cbrt(x):
    return mp.sign(x) * mp.cbrt(abs(x)) if x != 0 else x


def trig(f):
    def g(x):
        with mp.workdps(60 + max(0, int(mp.log10(abs(x) + 1)))):
            return +f(x)

    return g


def power(x, y):
    if x < 0:
        if y != mp.floor(y):
            return mp.nan
        v = mp.power(-x, y)
        return -v if int(mp.floor(y)) % 2 else v
    return mp.power(x, y)


UNARY = {
    "exp": mp.exp,
    "exp2": lambda x: mp.power(2, x),
    "expm1": mp.expm1,
    "log": mp.log,
    "log2": lambda x: mp.log(x, 2),
    "log10": mp.log10,
    "log1p": mp.log1p,
    "sin": trig(mp.sin),
    "cos": trig(mp.cos),
    "tan": trig(mp.tan),
    "arcsin": mp.asin,
    "arccos": mp.acos,
    "arctan": mp.atan,
    "sinh": mp.sinh,
    "cosh": mp.cosh,
    "tanh": mp.tanh,
    "arcsinh": mp.asinh,
    "arccosh": mp.acosh,
    "arctanh": mp.atanh,
    "cbrt": cbrt,
}
BINARY = {"power": power, "arctan2": mp.atan2, "hypot": mp.hypot}


# --- input domains ------------------------------------------------------------------------


def unary_inputs(name, p, rng):
    d = p == "f64"
    big = 1.7e308 if d else 3.4e38
    tiny = 5e-324 if d else 1.5e-45
    exp_hi = 709.78 if d else 88.72
    exp_lo = -745.13 if d else -103.97
    sub_lo = -708.4 if d else -87.3
    xs = []
    rnd = lambda lo, hi, n: xs.extend(rng.uniform(lo, hi) for _ in range(n))
    lg = lambda lo, hi, n, sign=True: xs.extend(
        signed(rng, loguni(rng, lo, hi)) if sign else loguni(rng, lo, hi) for _ in range(n)
    )
    if name in ("exp", "exp2", "expm1"):
        k = 1.0 if name != "exp2" else 1 / math.log(2)
        hi, lo = exp_hi * k, exp_lo * k
        if name == "expm1":
            lo = -40.0
        rnd(lo, hi, 700)
        rnd(-20, 20, 300)
        lg(1e-300 if d else 1e-40, 1, 500)
        rnd(lo, sub_lo * k, 250)
        xs.extend(near(rng, hi, 0.02, 100))
        xs.extend(near(rng, lo, 0.5, 50))
        lg(tiny, 1e-300 if d else 1e-38, 30)
    elif name in ("log", "log2", "log10"):
        lg(tiny, big, 1000, sign=False)
        xs.extend(1 + signed(rng, loguni(rng, 1e-16 if d else 1e-7, 1e-2)) for _ in range(400))
        rnd(0.5, 2, 300)
        lg(tiny, 2.2e-308 if d else 1.1e-38, 100, sign=False)
        xs.extend(2.0**e for e in range(-60, 61, 3))
        xs.extend(10.0**e for e in range(-20, 21))
    elif name == "log1p":
        lg(1e-300 if d else 1e-40, 1, 800)
        xs.extend(-1 + loguni(rng, 1e-16 if d else 1e-7, 0.1) for _ in range(200))
        lg(1, big, 300, sign=False)
        rnd(-0.5, 1, 400)
    elif name in ("sin", "cos", "tan"):
        lg(1e-300 if d else 1e-40, big, 500)
        rnd(-10, 10, 500)
        lg(1e-3, 1.6e6, 600)
        for _ in range(400):
            k = int(loguni(rng, 1, 1e6))
            x = to_prec(k * math.pi / 2, p)
            for _ in range(rng.randint(0, 3)):
                x = math.nextafter(x, math.inf)
            xs.append(signed(rng, x))
    elif name in ("arcsin", "arccos"):
        rnd(-1, 1, 800)
        xs.extend(signed(rng, 1 - loguni(rng, 1e-16 if d else 6e-8, 0.1)) for _ in range(400))
        lg(1e-300 if d else 1e-40, 0.5, 400)
        xs.extend(near(rng, 0.5, 0.01, 200))
        xs.extend(near(rng, -0.5, 0.01, 200))
    elif name == "arctan":
        lg(1e-300 if d else 1e-40, big, 800)
        rnd(-5, 5, 800)
        xs.extend(signed(rng, v) for v in near(rng, 0.41421356, 0.01, 100) + near(rng, 2.4142135, 0.01, 100))
    elif name in ("sinh", "cosh"):
        t = 710.47 if d else 89.41
        rnd(-t - 0.5, t + 0.5, 500)
        rnd(-25, 25, 500)
        lg(1e-300 if d else 1e-40, 1, 500)
        xs.extend(signed(rng, v) for v in near(rng, t, 0.01, 100) + near(rng, 22, 0.1, 100))
    elif name == "tanh":
        rnd(-25, 25, 800)
        lg(1e-300 if d else 1e-40, 1, 600)
        rnd(-1, 1, 400)
    elif name == "arcsinh":
        lg(1e-300 if d else 1e-40, big, 1000)
        rnd(-3, 3, 600)
        xs.extend(signed(rng, v) for v in near(rng, 2.0**28, 1e3, 100))
    elif name == "arccosh":
        xs.extend(1 + loguni(rng, 1e-16 if d else 1e-7, 1) for _ in range(600))
        lg(1, big, 800, sign=False)
        rnd(1, 3, 400)
        xs.extend(near(rng, 2.0**28, 1e3, 100))
    elif name == "arctanh":
        rnd(-1, 1, 800)
        xs.extend(signed(rng, 1 - loguni(rng, 1e-16 if d else 6e-8, 0.5)) for _ in range(500))
        lg(1e-300 if d else 1e-40, 0.5, 500)
    elif name == "cbrt":
        lg(tiny, big, 1500)
        rnd(-10, 10, 500)
    return [to_prec(x, p) for x in xs]


def binary_inputs(name, p, rng):
    d = p == "f64"
    big = 1e300 if d else 1e38
    small = 1e-300 if d else 1e-38
    tmax = 709.7 if d else 88.7
    tmin = -745.0 if d else -103.0
    pairs = []
    if name == "power":
        for _ in range(1500):
            x = loguni(rng, small, big)
            x = to_prec(x, p)
            if x == 1:
                continue
            y = rng.uniform(tmin, tmax) / math.log(x)
            pairs.append((x, y))
        for _ in range(300):
            x = 1 + signed(rng, loguni(rng, 1e-16 if d else 1e-7, 1e-2))
            x = to_prec(x, p)
            if x != 1:
                pairs.append((x, rng.uniform(tmin, tmax) / math.log(x)))
        for _ in range(200):
            pairs.append((-loguni(rng, 0.1, 10), float(rng.randint(-300 if d else -38, 300 if d else 38))))
        pairs.extend((rng.uniform(0, 10), rng.uniform(-10, 10)) for _ in range(200))
        pairs.extend((-rng.uniform(0, 10), rng.uniform(-10, 10)) for _ in range(50))
        sub = (5e-324, 2.2e-308) if d else (1.5e-45, 1.1e-38)
        pairs.extend((loguni(rng, *sub), rng.uniform(-0.9, 1)) for _ in range(100))
    elif name == "arctan2":
        for _ in range(2000):
            pairs.append((signed(rng, loguni(rng, small, big)), signed(rng, loguni(rng, small, big))))
        pairs.extend((rng.uniform(-10, 10), rng.uniform(-10, 10)) for _ in range(500))
    elif name == "hypot":
        tiny = 5e-324 if d else 1.5e-45
        top = 1.7e308 if d else 3.4e38
        for _ in range(2000):
            pairs.append((signed(rng, loguni(rng, tiny, top)), signed(rng, loguni(rng, tiny, top))))
        pairs.extend((rng.uniform(-10, 10), rng.uniform(-10, 10)) for _ in range(500))
        pairs.extend((signed(rng, rng.uniform(0.5, 1) * top), signed(rng, rng.uniform(0, 1) * top)) for _ in range(100))
    return [(to_prec(a, p), to_prec(b, p)) for a, b in pairs]


# --- special values, results from NumPy ----------------------------------------------------


def special_inputs(p):
    d = p == "f64"
    inf, nan = math.inf, math.nan
    tiny = 5e-324 if d else 1.401298464324817e-45
    maxsub = 2.225073858507201e-308 if d else 1.1754942106924411e-38
    top = 1.7976931348623157e308 if d else 3.4028234663852886e38
    eps = 2.220446049250313e-16 if d else 1.1920928955078125e-07
    common = [nan, -nan, inf, -inf, 0.0, -0.0, tiny, -tiny, maxsub, -maxsub, top, -top, 1.0, -1.0]
    extra = {
        "exp": [-1000.0, 1000.0, 710.0 if d else 89.0, -746.0 if d else -104.0],
        "exp2": [10.0, -3.0, 1024.0 if d else 128.0, -1075.0 if d else -150.0, -1074.0 if d else -149.0],
        "expm1": [-1000.0, 1000.0],
        "log": [-tiny, -2.0],
        "log2": [8.0, 0.125, 2.0**-1074 if d else 2.0**-149, -2.0],
        "log10": [-2.0],
        "log1p": [-1.0 - eps, -2.0],
        "sin": [1e300 if d else 1e38, 1e22 if d else 1e30],
        "cos": [1e300 if d else 1e38],
        "tan": [1e300 if d else 1e38],
        "arcsin": [1.0 + eps, -1.0 - eps, 2.0],
        "arccos": [1.0 + eps, -1.0 - eps, 2.0],
        "arctanh": [1.0 + eps, -1.0 - eps, 2.0],
        "arccosh": [1.0 - eps / 2, 0.0, -2.0],
        "cbrt": [8.0, -8.0, 27.0, -0.125],
        "sinh": [1000.0, -1000.0],
        "cosh": [1000.0, -1000.0],
        "tanh": [30.0, -30.0],
    }
    cases = []
    for name in UNARY:
        for x in common + extra.get(name, []):
            cases.append((name, (to_prec(x, p),)))
    xs = [nan, inf, -inf, 0.0, -0.0, 1.0, -1.0, 2.0, -2.0, 0.5, -0.5, -8.0, tiny, top]
    ys = [nan, inf, -inf, 0.0, -0.0, 1.0, -1.0, 2.0, 3.0, -3.0, 0.5, -0.5, 1.0 / 3.0]
    for a in xs:
        for b in ys:
            cases.append(("power", (to_prec(a, p), to_prec(b, p))))
    zs = [nan, inf, -inf, 0.0, -0.0, 1.0, -1.0, tiny, -tiny, top]
    for a in zs:
        for b in zs:
            cases.append(("arctan2", (to_prec(a, p), to_prec(b, p))))
            cases.append(("hypot", (to_prec(a, p), to_prec(b, p))))
    return cases


def keep_special(name, args, r, p):
    """Whether a NumPy result belongs in the bit-for-bit file: a special argument or result
    (nan, inf, zero), or an exact result (an integer, a power of two, or an argument passed
    through) that is also the correctly rounded one. Other results of NumPy's own SIMD
    loops may be 1 ulp off; the mpmath files check those within the ulp bound instead."""
    if any(math.isnan(a) or math.isinf(a) or a == 0 for a in args):
        return True
    if math.isnan(r) or math.isinf(r) or r == 0:
        return True
    f = UNARY.get(name) or BINARY[name]
    ref = round_mp(f(*[mp.mpf(a) for a in args]), p)
    m, _ = math.frexp(r)
    exact = (abs(r) < 2.0**53 and r == int(r)) or abs(m) == 0.5 or r in args
    return exact and r == ref


def write_specials(p):
    import numpy as np

    dt = np.float64 if p == "f64" else np.float32
    lines = ["# fn input [input2] expected — results from NumPy %s" % np.__version__]
    with np.errstate(all="ignore"):
        for name, args in special_inputs(p):
            arr = [np.array([a], dtype=dt) for a in args]
            r = float(getattr(np, name)(*arr)[0])
            if not keep_special(name, args, r, p):
                continue
            lines.append(" ".join([name] + [bits(float(a), p) for a in args] + [bits(r, p)]))
    with open(os.path.join(OUT, "specials_%s.txt" % p), "w") as f:
        f.write("\n".join(lines) + "\n")


def write_cases(name, p, rng):
    lines = ["# %s %s: input%s expected (correctly rounded, mpmath %d digits)" % (name, p, "" if name in UNARY else " input2", mp.mp.dps)]
    if name in UNARY:
        f = UNARY[name]
        seen = set()
        for x in unary_inputs(name, p, rng):
            if x in seen or math.isnan(x):
                continue
            seen.add(x)
            lines.append("%s %s" % (bits(x, p), bits(round_mp(f(mp.mpf(x)), p), p)))
    else:
        f = BINARY[name]
        for a, b in binary_inputs(name, p, rng):
            lines.append("%s %s %s" % (bits(a, p), bits(b, p), bits(round_mp(f(mp.mpf(a), mp.mpf(b)), p), p)))
    with open(os.path.join(OUT, "%s_%s.txt" % (name, p)), "w") as fh:
        fh.write("\n".join(lines) + "\n")


# --- polynomial fits -----------------------------------------------------------------------


def fit(label, f, a, b, n):
    """Near-minimax polynomial of degree n-1 (Chebyshev interpolation, mpmath `chebyfit`),
    coefficients rounded to double, lowest degree first, with the measured relative error."""
    mp.mp.dps = 60

    def g(t):
        with mp.workdps(200):
            return +f(mp.mpf(t) if t != 0 else mp.mpf("1e-30"))

    c = [float(v) for v in mp.chebyfit(g, [a, b], n)][::-1]
    err = 0
    for i in range(1000):
        t = a + (b - a) * mp.mpf(i + 0.5) / 1000
        v = mp.mpf(0)
        for cc in reversed(c):
            v = v * t + mp.mpf(cc)
        err = max(err, abs(v - g(t)) / abs(g(t)))
    print("// %s: degree %d, max relative error %.3g" % (label, n - 1, float(err)))
    print("[" + ", ".join(repr(v) for v in c) + "]")


def fits():
    pi, half_ln2, w_log = mp.pi, mp.log(2) / 2, (3 - 2 * mp.sqrt(2)) ** 2
    fit("expm1 P(r)", lambda r: (mp.expm1(r) - r - r * r / 2) / r**3, -half_ln2, half_ln2, 10)
    fit("log T(w)", lambda w: (2 * mp.atanh(mp.sqrt(w)) / mp.sqrt(w) - 2) / w, 0, w_log, 7)
    fit("pow log R(w)", lambda w: (2 * mp.atanh(mp.sqrt(w)) / mp.sqrt(w) - 2 - 2 * w / 3) / w**2, 0, w_log, 7)
    fit("sin S(w)", lambda w: (mp.sin(mp.sqrt(w)) - mp.sqrt(w)) / w**1.5, 0, (pi / 4) ** 2, 6)
    fit("cos C(w)", lambda w: (mp.cos(mp.sqrt(w)) - 1 + w / 2) / w**2, 0, (pi / 4) ** 2, 6)
    fit("atan A(w)", lambda w: (mp.atan(mp.sqrt(w)) - mp.sqrt(w)) / w**1.5, 0, mp.tan(pi / 8) ** 2, 11)
    fit("asin B(w)", lambda w: (mp.asin(mp.sqrt(w)) - mp.sqrt(w)) / w**1.5, 0, mp.mpf(0.25), 13)
    # The shorter float32 polynomials of vmath/lite.rs.
    fit("f32 expm1 P(r)", lambda r: (mp.expm1(r) - r - r * r / 2) / r**3, -half_ln2, half_ln2, 5)
    fit("f32 log T(w)", lambda w: (2 * mp.atanh(mp.sqrt(w)) / mp.sqrt(w) - 2) / w, 0, w_log, 4)
    fit("f32 sin S(w)", lambda w: (mp.sin(mp.sqrt(w)) - mp.sqrt(w)) / w**1.5, 0, (pi / 4) ** 2, 4)
    fit("f32 cos C(w)", lambda w: (mp.cos(mp.sqrt(w)) - 1 + w / 2) / w**2, 0, (pi / 4) ** 2, 4)


def main():
    if sys.argv[1:] == ["fit"]:
        fits()
        return
    os.makedirs(OUT, exist_ok=True)
    for p in ("f64", "f32"):
        for i, name in enumerate(list(UNARY) + list(BINARY)):
            write_cases(name, p, random.Random(1000 * (p == "f32") + i))
        write_specials(p)


if __name__ == "__main__":
    main()
