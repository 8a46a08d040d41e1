#!/usr/bin/env python3
"""The LLVM backend against the Cranelift backend, same binary, side by side.

Runs `hpxl bench --json` for the chosen cases with `--backend cranelift`, `--backend
llvm` and `--backend tiered` in turn, `--rounds` times each (so machine noise hits all
alike; the disk cache is a fresh temporary directory per run, so `llvm` and `tiered`
start cold), takes the median over rounds of each run's median, and prints the speedups
with the issue-7 targets (sincos ≥ 2×, linspace ≥ 1.5×). Then it measures LLVM compile
times of the kernels of those programs: cold (an empty disk cache, `HPXL_CACHE_DIR` in a
fresh temporary directory) and from the disk cache (a second process on the same
directory), read from the `HPXL_DEBUG=3` lines "kernel compiled in X ms" (time of
`llvm::compile`, i.e. the whole compile or the disk-cache load), with the phases of the
cold compiles ("llvm phases" lines). Last, the wall time of a whole short script of many
different kernels, each run once (`SCRIPT`), per backend with a cold disk cache: what
a program that is not hot pays for each policy.

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


# A short script: many kernels of different structure, each launched once on 200k elements.
SCRIPT = """
x = linspace(-5, 5, 200000)
ops = [x + 1, x * 2 - 3, sin(x) + x, cos(x) * x, exp(-x * x), sqrt(abs(x)) + 1,
       tanh(x) - x, where(x > 0, x, -x) * 3, log(x * x + 1), sin(x) ** 2 + cos(x) ** 2]
t = 0.0
for y in ops:
    t = t + float(sum(y * 0.5))
print(t)
"""


# A hot loop: one transcendental kernel over 10M elements, N times.
HOT = """
x = linspace(-10, 10, 10000000)
for i in range(N):
    y = sin(x) ** 2 + cos(x) ** 2
    realize(y)
print(float(y[7]))
"""


def bench(hpxl, backend, cases, reps, threads):
    cmd = [hpxl, "bench", "--json", "--reps", str(reps), "--backend", backend, "--threads", str(threads)] + cases
    with tempfile.TemporaryDirectory() as d:
        env = dict(os.environ, HPXL_CACHE_DIR=d)
        out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
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
    times = [float(m) for m in re.findall(r"kernel compiled in ([0-9.]+) ms", res.stderr)]
    phases = re.findall(r"llvm phases: (.*)", res.stderr)
    return times, phases


def script_wall(hpxl, backend, threads, script=SCRIPT):
    import time

    with tempfile.TemporaryDirectory() as d:
        env = dict(os.environ, HPXL_CACHE_DIR=d)
        t = time.perf_counter()
        subprocess.run([hpxl, "--backend", backend, "--threads", str(threads), "-c", script], check=True,
                       capture_output=True, env=env)
        return time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cases", nargs="*", default=["sincos", "linspace"])
    ap.add_argument("--hpxl", default="target/release/hpxl")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()

    backends = ("cranelift", "llvm", "tiered")
    runs = {b: [] for b in backends}
    for _ in range(args.rounds):
        for backend in backends:
            medians, _ = bench(args.hpxl, backend, args.cases, args.reps, args.threads)
            runs[backend].append(medians)

    print(f"{'case':<12} {'cranelift ms':>13} {'llvm ms':>10} {'tiered ms':>10} {'llvm×':>7} {'tiered×':>8}  target (llvm)")
    ok = True
    for case in args.cases:
        cl, ll, ti = (statistics.median(r[case] for r in runs[b] if case in r) for b in backends)
        speed = cl / ll
        target = TARGETS.get(case)
        verdict = ""
        if target:
            met = speed >= target
            ok &= met
            verdict = f"≥{target}×: {'pass' if met else f'MISS by {target / speed:.2f}×'}"
        print(f"{case:<12} {cl * 1e3:13.2f} {ll * 1e3:10.2f} {ti * 1e3:10.2f} {speed:6.2f}× {cl / ti:7.2f}×  {verdict}")

    print()
    print(f"{'program':<12} {'cold ms (per kernel)':>28} {'disk cache ms':>26}")
    all_phases = []
    for name, program in COMPILE_PROGRAMS.items():
        with tempfile.TemporaryDirectory() as d:
            cold, phases = compile_times(args.hpxl, program, d)
            warm, _ = compile_times(args.hpxl, program, d)
        all_phases += [f"{name}: {p}" for p in phases]
        fmt = lambda xs: ", ".join(f"{x:.2f}" for x in xs) or "n/a"  # noqa: E731
        print(f"{name:<12} {fmt(cold):>28} {fmt(warm):>26}")
    for p in all_phases:
        print("  " + p)

    print()
    programs = [("short script (10 kernels, each run once)", SCRIPT)]
    programs += [(f"sincos 10M, {n} iterations", HOT.replace("N", str(n))) for n in (3, 20)]
    for title, script in programs:
        walls = {b: [] for b in backends}
        for _ in range(args.rounds):
            for backend in backends:
                walls[backend].append(script_wall(args.hpxl, backend, args.threads, script))
        print(f"{title}, whole process, cold disk cache: "
              + ", ".join(f"{b} {statistics.median(walls[b]) * 1e3:.0f} ms" for b in backends))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
