#!/usr/bin/env python3
"""The LLVM backend against the Cranelift backend, same binary, side by side.

Runs `hpxl bench --json` for the chosen cases with `--backend cranelift` and `--backend
llvm` alternately, `--rounds` times each (so machine noise hits both alike), takes the
median over rounds of each run's median, and prints the speedup with the issue-7 targets
(sincos ≥ 2×, linspace ≥ 1.5×). Then it measures LLVM compile times of the kernels of
those programs: cold (an empty disk cache, `HPXL_CACHE_DIR` in a fresh temporary
directory) and from the disk cache (a second process on the same directory), read from
the `HPXL_DEBUG=3` lines "kernel compiled in X ms" (time of `llvm::compile`, i.e. the
whole compile or the disk-cache load).

    python3 benches/llvm_vs_cranelift.py --hpxl target/release/hpxl            # defaults
    python3 benches/llvm_vs_cranelift.py --rounds 5 --reps 5 --threads 2 sincos linspace

Needs an hpxl built with `--features llvm` (release for meaningful numbers).
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile

TARGETS = {"sincos": 2.0, "linspace": 1.5}

# Programs whose kernels are timed for compile speed (the benchmark statements).
COMPILE_PROGRAMS = {
    "sincos": "x = linspace(-10, 10, 100000)\ny = sin(x)**2 + cos(x)**2\nprint(y[0])\n",
    "linspace": "x = linspace(0, 10, 100000)\nprint(sum((sin(x) * exp(-x))**2))\n",
    "abcd": "a = linspace(0, 1, 100000)\nb = a * 2\nc = a + 1\nd = a - 3\nprint((a*b + c*d)[0])\n",
}


def bench(hpxl, backend, cases, reps, threads):
    cmd = [hpxl, "bench", "--json", "--reps", str(reps), "--backend", backend, "--threads", str(threads)] + cases
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    medians, summary = {}, {}
    for line in out.splitlines():
        try:
            rec = json.loads(line)
        except json.JSONDecodeError:
            continue
        if rec.get("kind") == "case" and "median_s" in rec:
            medians[rec["name"]] = rec["median_s"]
        elif rec.get("kind") == "summary":
            summary = rec
    return medians, summary


def compile_times(hpxl, program, cache_dir):
    env = dict(os.environ, HPXL_CACHE_DIR=cache_dir, HPXL_DEBUG="3", HPXL_SMALL_THRESHOLD="0")
    res = subprocess.run([hpxl, "--backend", "llvm", "-c", program], capture_output=True, text=True, env=env)
    return [float(m) for m in re.findall(r"kernel compiled in ([0-9.]+) ms", res.stderr)]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cases", nargs="*", default=["sincos", "linspace"])
    ap.add_argument("--hpxl", default="target/release/hpxl")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()

    runs = {"cranelift": [], "llvm": []}
    for _ in range(args.rounds):
        for backend in ("cranelift", "llvm"):
            medians, _ = bench(args.hpxl, backend, args.cases, args.reps, args.threads)
            runs[backend].append(medians)

    print(f"{'case':<12} {'cranelift ms':>13} {'llvm ms':>10} {'speedup':>8}  target")
    ok = True
    for case in args.cases:
        cl = statistics.median(r[case] for r in runs["cranelift"] if case in r)
        ll = statistics.median(r[case] for r in runs["llvm"] if case in r)
        speed = cl / ll
        target = TARGETS.get(case)
        verdict = ""
        if target:
            met = speed >= target
            ok &= met
            verdict = f"≥{target}×: {'pass' if met else f'MISS by {target / speed:.2f}×'}"
        print(f"{case:<12} {cl * 1e3:13.2f} {ll * 1e3:10.2f} {speed:7.2f}×  {verdict}")

    print()
    print(f"{'program':<12} {'cold ms (per kernel)':>28} {'disk cache ms':>26}")
    for name, program in COMPILE_PROGRAMS.items():
        with tempfile.TemporaryDirectory() as d:
            cold = compile_times(args.hpxl, program, d)
            warm = compile_times(args.hpxl, program, d)
        fmt = lambda xs: ", ".join(f"{x:.2f}" for x in xs) or "n/a"  # noqa: E731
        print(f"{name:<12} {fmt(cold):>28} {fmt(warm):>26}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
