#!/usr/bin/env python3
"""Side-by-side: `hpxl bench --json` against the same cases in NumPy and numexpr.

One invocation runs all three on the same machine, with the same data (built the way
`src/bench.rs` builds it), the same sizes (read from hpxl's JSON) and the same number of
repetitions (one untimed warm-up, then the median of `--reps` timed runs), so the ratios
come from one run of a noisy machine. It then checks the performance targets of the
issue (see benches/README.md) and prints pass/miss for each.

    python3 benches/compare.py                      # whole suite, 2 threads, 5 reps
    python3 benches/compare.py --hpxl path/to/hpxl --reps 3 sum std stencil

Needs `pip install numpy numexpr` (numexpr is optional: its column says n/a without it).
Environment: HPXL_BENCH_SCALE shrinks every case (passed on to hpxl too).
"""

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stdlib_cases  # noqa: E402  (the directory of per-area baseline modules)

try:
    import numexpr as ne
except ImportError:  # the numexpr column becomes n/a
    ne = None

# The data of src/bench.rs: fractional parts of multiples of irrational numbers.
MULTIPLIERS = [0.6180339887498949, 0.7548776662466927, 0.5698402909980532, 0.414213562373095]


def vectors(n, count):
    i = np.arange(n)
    return [(i * m) % 1.0 for m in MULTIPLIERS[:count]]


def nex(expr, **arrays):
    """A numexpr evaluation of `expr` over `arrays` (explicit: lambdas see no caller locals)."""
    return lambda: ne.evaluate(expr, local_dict=arrays)


def numpy_and_numexpr(case):
    """(numpy_fn, numexpr_fn or None) for an hpxl case; each fn runs the timed statement."""
    name, shape, iters = case["name"], case["shape"], case["iterations"]
    n = shape[0]
    if name == "abcd":
        a, b, c, d = vectors(n, 4)
        return (lambda: a * b + c * d), nex("a*b + c*d", a=a, b=b, c=c, d=d)
    if name == "sincos":
        (a,) = vectors(n, 1)
        x = a * 20.0 - 10.0
        return (lambda: np.sin(x) ** 2 + np.cos(x) ** 2), nex("sin(x)**2 + cos(x)**2", x=x)
    if name in ("exp_f32", "exp_f64"):
        (a,) = vectors(n, 1)
        x = a * 10.0 - 5.0
        if name == "exp_f32":
            x = x.astype(np.float32)
        return (lambda: np.exp(x)), nex("exp(x)", x=x)
    if name == "where":
        a, b = vectors(n, 2)
        return (lambda: np.where(a > 0.5, a * 2, b - 1)), nex("where(a > 0.5, a*2, b-1)", a=a, b=b)
    if name in ("sum", "mean", "std", "min", "max"):
        (a,) = vectors(n, 1)
        numpy_fn = {"sum": np.sum, "mean": np.mean, "std": np.std, "min": np.min, "max": np.max}[name]

        def ne_std():
            m = ne.evaluate("sum(a)", local_dict={"a": a}) / n
            return math.sqrt(ne.evaluate("sum((a - m)**2)", local_dict={"a": a, "m": m}) / n)

        ne_fn = {
            "sum": nex("sum(a)", a=a),
            "mean": lambda: ne.evaluate("sum(a)", local_dict={"a": a}) / n,
            "std": ne_std,
            "min": nex("min(a)", a=a),
            "max": nex("max(a)", a=a),
        }[name]
        return (lambda: numpy_fn(a)), ne_fn
    if name == "hypot_sum":
        a, b = vectors(n, 2)
        return (lambda: np.sum(np.sqrt(a * a + b * b))), nex("sum(sqrt(a*a + b*b))", a=a, b=b)
    if name == "linspace":

        def numpy_fn():
            x = np.linspace(0, 10, n)
            y = np.sin(x) * np.exp(-x)
            return np.sum(y * y)

        def ne_fn():
            x = np.linspace(0, 10, n)
            return ne.evaluate("sum((sin(x)*exp(-x))**2)", local_dict={"x": x})

        return numpy_fn, ne_fn
    if name == "outer":
        m = shape[0]
        x, y = np.linspace(0, 1, m), np.linspace(1, 2, m)
        return (lambda: x[:, None] * y[None, :] + 1), nex("xc*yr + 1", xc=x[:, None], yr=y[None, :])
    if name == "stencil":
        k = shape[0]
        u = ((np.arange(k * k) * MULTIPLIERS[0]) % 1.0).reshape(k, k)

        def numpy_fn():
            for _ in range(iters):
                u[1:-1, 1:-1] += 0.1 * (u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:] - 4 * u[1:-1, 1:-1])

        return numpy_fn, None  # numexpr cannot update overlapping slices in place
    if name in ("small_loop", "small_loop_jit"):
        a, b, c = vectors(n, 3)
        arrays = {"a": a, "b": b, "c": c}

        def numpy_fn():
            for _ in range(iters):
                a * b + c

        def ne_fn():
            for _ in range(iters):
                ne.evaluate("a*b + c", local_dict=arrays)

        return numpy_fn, ne_fn
    return None, None


def stdlib_modules():
    """The per-area baseline modules of `benches/stdlib_cases/`."""
    import importlib
    import pkgutil
    mods = []
    for info in pkgutil.iter_modules(stdlib_cases.__path__):
        mods.append(importlib.import_module(f"stdlib_cases.{info.name}"))
    return mods


def install_missing():
    """Installs the stdlib baselines (pandas, bottleneck) from PyPI when missing."""
    import importlib.util
    missing = [p for p in ("pandas", "bottleneck") if importlib.util.find_spec(p) is None]
    if missing:
        print("installing", " ".join(missing), "from PyPI...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", *missing], check=True)


def timed(fn, reps, per):
    fn()  # warm-up, as hpxl bench does
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) / per


# The targets: (label, check(case, numpy_s, numexpr_s) -> bool or None).
def speedup(over, factor):
    return lambda c, np_s, ne_s: None if (np_s if over == "numpy" else ne_s) is None else (
        (np_s if over == "numpy" else ne_s) / c["median_s"] >= factor
    )


def of_probe(fraction):
    return lambda c, np_s, ne_s: c["probe_ratio"] >= fraction


TARGETS = {
    "abcd": [("≥80% triad", of_probe(0.80)), ("≥3× NumPy", speedup("numpy", 3))],
    "sum": [("≥85% read", of_probe(0.85)), ("≥1.5× NumPy", speedup("numpy", 1.5))],
    "mean": [("≥85% read", of_probe(0.85)), ("≥1.5× NumPy", speedup("numpy", 1.5))],
    "min": [("≥85% read", of_probe(0.85)), ("≥1.5× NumPy", speedup("numpy", 1.5))],
    "max": [("≥85% read", of_probe(0.85)), ("≥1.5× NumPy", speedup("numpy", 1.5))],
    "std": [("≥6× NumPy", speedup("numpy", 6))],
    "hypot_sum": [("≥10× NumPy", speedup("numpy", 10))],
    "sincos": [("≥5× NumPy", speedup("numpy", 5)), ("≥2× numexpr", speedup("numexpr", 2))],
    "exp_f32": [("≥1× NumPy", speedup("numpy", 1))],
    "exp_f64": [("≥1× NumPy", speedup("numpy", 1))],
    "linspace": [("≥5× NumPy", speedup("numpy", 5))],
    "stencil": [("≥10× NumPy", speedup("numpy", 10))],
    "small_loop": [("≤ NumPy per iter", speedup("numpy", 1))],
    # The JIT-forced loop: one cached kernel per iteration, everything else is overhead.
    "small_loop_jit": [("≤5 µs per iter", lambda c, np_s, ne_s: c["median_s"] <= 5e-6)],
}


def fmt_s(s):
    if s is None:
        return "n/a"
    if s >= 1:
        return f"{s:.3f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.2f} ms"
    if s >= 1e-6:
        return f"{s * 1e6:.2f} µs"
    return f"{s * 1e9:.0f} ns"


def fmt_x(other, mine):
    return "n/a" if other is None else f"{other / mine:.2f}×"


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("filter", nargs="*", help="run only matching cases (as `hpxl bench FILTER`)")
    p.add_argument("--hpxl", default=os.environ.get("HPXL", os.path.join(root, "target/release/hpxl")),
                   help="the hpxl binary (default: $HPXL, else target/release/hpxl)")
    p.add_argument("--reps", type=int, default=5, help="timed repetitions per case (default 5)")
    p.add_argument("--threads", type=int, default=2, help="hpxl and numexpr threads (default 2)")
    p.add_argument("--backend", default="cranelift", help="hpxl backend (default cranelift)")
    p.add_argument("--json-out", help="also write every measurement to this JSON file")
    p.add_argument("--install", action="store_true", help="pip-install pandas and bottleneck when missing")
    args = p.parse_args()
    if args.install:
        install_missing()
    modules = stdlib_modules()

    cmd = [args.hpxl, "--threads", str(args.threads), "--backend", args.backend, "bench",
           *args.filter, "--json", "--reps", str(args.reps)]
    print("running:", " ".join(cmd), file=sys.stderr)
    proc = subprocess.run(cmd, capture_output=True, text=True)
    sys.stderr.write(proc.stderr)
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    cases = [c for c in lines if c.get("kind") == "case"]
    summary = next((c for c in lines if c.get("kind") == "summary"), None)
    if proc.returncode not in (0, 1) or not cases:
        sys.exit(f"hpxl bench failed (exit {proc.returncode})")

    if ne is not None:
        ne.set_num_threads(args.threads)
    print(f"running NumPy {np.__version__}" + (f" and numexpr {ne.__version__}" if ne else " (numexpr missing)")
          + "...", file=sys.stderr)
    rows, passed, missed = [], 0, 0
    for c in cases:
        if "error" in c:
            rows.append((c["name"], "error", "", "", "", "", "", "", "hpxl failed"))
            continue
        numpy_fn, ne_fn = numpy_and_numexpr(c)
        others, other_targets = {}, []
        if numpy_fn is None and ne_fn is None:
            for mod in modules:
                found = mod.baselines(c)
                if found is not None:
                    others = dict(found)
                    other_targets = mod.TARGETS.get(c["name"], [])
                    break
            numpy_fn = others.pop("numpy", None)
        per = c["iterations"] if c["per_iteration"] else 1
        np_s = timed(numpy_fn, args.reps, per) if numpy_fn else None
        ne_s = timed(ne_fn, args.reps, per) if (ne_fn and ne is not None) else None
        c["numpy_median_s"], c["numexpr_median_s"] = np_s, ne_s
        other_s = {name: timed(fn, args.reps, per) for name, fn in others.items()}
        c["other_median_s"] = other_s
        verdicts = []
        for over, factor in other_targets:
            base = np_s if over == "numpy" else other_s.get(over)
            label = f"≥{factor:g}× {over}"
            if base is None:
                verdicts.append(f"{label} n/a")
                continue
            ok = base / c["median_s"] >= factor
            passed, missed = passed + ok, missed + (not ok)
            verdicts.append(f"{label} {'pass' if ok else 'MISS'}")
        for label, check in TARGETS.get(c["name"], []):
            ok = check(c, np_s, ne_s)
            if ok is None:
                verdicts.append(f"{label} n/a")
                continue
            passed, missed = passed + ok, missed + (not ok)
            verdicts.append(f"{label} {'pass' if ok else 'MISS'}")
        c["targets"] = verdicts
        other = ", ".join(f"{k} {fmt_s(v)} ({fmt_x(v, c['median_s'])})" for k, v in other_s.items())
        rows.append((c["name"], fmt_s(c["median_s"]), fmt_s(np_s), fmt_s(ne_s), fmt_x(np_s, c["median_s"]),
                     fmt_x(ne_s, c["median_s"]), f"{c['probe_ratio'] * 100:.0f}% {c['probe']}", other or "-",
                     "; ".join(verdicts)))

    if summary:
        pr = summary["probe_gbps"]
        print(f"hpxl {summary['backend']}, {summary['threads']} threads; probe copy {pr['copy']:.1f}, "
              f"triad {pr['triad']:.1f}, read {pr['read']:.1f} GB/s; NumPy {np.__version__}"
              + (f", numexpr {ne.__version__} ({args.threads} threads)" if ne else "")
              + f"; medians of {args.reps} (loops: per iteration)")
    header = ("case", "hpxl", "NumPy", "numexpr", "vs NumPy", "vs numexpr", "of probe", "other baselines",
              "targets")
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    for r in [header] + rows:
        print("  ".join(str(v).ljust(w) if i in (0, 7, 8) else str(v).rjust(w) for i, (v, w) in enumerate(zip(r, widths))))
    if summary:
        mean_ms = summary["mean_compile_s"] * 1e3
        median_ms = summary.get("median_compile_s", summary["mean_compile_s"]) * 1e3
        max_ms = summary.get("max_compile_s", summary["mean_compile_s"]) * 1e3
        ok = summary["kernels_compiled"] == 0 or median_ms <= 2.0
        if summary["kernels_compiled"]:
            passed, missed = passed + ok, missed + (not ok)
        print(f"\nkernel cache: {summary['kernels_compiled']} kernels compiled, per kernel median {median_ms:.3f} ms "
              f"(target ≤2 ms: {'pass' if ok else 'MISS'}), mean {mean_ms:.3f} ms, max {max_ms:.3f} ms, "
              f"{summary['cache_hits']} cache hits, "
              f"{summary['compile_failures']} declined, {summary['interp_nodes']} nodes run by interp")
    print(f"targets: {passed} pass, {missed} miss")
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump({"cases": cases, "summary": summary}, f, indent=1)


if __name__ == "__main__":
    main()
