#!/usr/bin/env python3
"""hpxl on the GPU against the device's copy bandwidth and against CuPy (issue 7, item 5).

One run measures, on the same GPU:
  1. the device-to-device copy bandwidth (CuPy `cudaMemcpy` D2D of a large buffer,
     bytes read + bytes written per second, best of --reps): the physical limit that
     memory-bound kernels are judged against;
  2. hpxl `--device gpu` on fused kernels over float64 arrays already on the device
     (`to_device`), timed inside the script with `time.perf_counter()` around the
     statement and `realize(...)` (which waits for the kernel; nothing is copied back):
       fma      y = a * b + c                 4 arrays moved (3 read, 1 written)
       sincos   y = sin(a)**2 + cos(a)**2     2 arrays moved
       sum      s = sum(a)                    1 array read
  3. the same expressions in CuPy, as a NumPy user writes them (unfused: one kernel per
     operator) and, where `cupy.fuse` works, fused into one kernel.

The printed "% of copy" is the kernel's bytes moved per second over the copy bandwidth
(targets: fused elementwise >= 80 %, sum >= 80 %; "vs CuPy" >= 1.0 means hpxl is at
least as fast). The sum is compared with the copy bandwidth too: a read-only stream is
usually a little faster than copy, so the ratio is conservative.

    python3 benches/gpu_bench.py --hpxl ./hpxl                 # defaults: 2**26 elements
    python3 benches/gpu_bench.py --hpxl ./hpxl --n 100000000 --reps 20 --json out.json

Needs an hpxl binary built with the `gpu` feature (`cargo build --release --features
gpu-static` carries to a machine without LLVM), CUDA's driver, and CuPy (PyTorch is used
for the copy bandwidth when CuPy is missing; CuPy columns are then left out).
"""

import argparse
import json
import re
import subprocess
import sys
import time

CASES = {
    # name: (hpxl statement producing y, CuPy function of (a, b, c), arrays moved)
    "fma": ("y = a * b + c", lambda cp, a, b, c: a * b + c, 4),
    "sincos": ("y = sin(a)**2 + cos(a)**2", lambda cp, a, b, c: cp.sin(a) ** 2 + cp.cos(a) ** 2, 2),
    "sum": ("y = sum(a)", lambda cp, a, b, c: cp.sum(a), 1),
}

HPXL_PROGRAM = """
import time
random.seed(0)
n = {n}
a = to_device(random.rand(n), "gpu")
b = to_device(random.rand(n), "gpu")
c = to_device(random.rand(n), "gpu")
{cases}
"""

HPXL_CASE = """best = 1e30
for r in range({reps} + 1):
    t0 = time.perf_counter()
    {stmt}
    realize(y)
    t = time.perf_counter() - t0
    if r > 0 and t < best:
        best = t
print("case {name}", best)
y = None
"""


def run_hpxl(hpxl, n, reps, names):
    cases = "".join(HPXL_CASE.format(reps=reps, stmt=CASES[k][0], name=k) for k in names)
    prog = HPXL_PROGRAM.format(n=n, cases=cases)
    res = subprocess.run([hpxl, "--device", "gpu", "-c", prog], capture_output=True, text=True)
    if res.returncode != 0:
        sys.exit(f"hpxl failed ({res.returncode}):\n{res.stdout}{res.stderr}")
    if "no GPU available" in res.stderr:
        sys.exit(f"hpxl did not use the GPU:\n{res.stderr}")
    times = {}
    for line in res.stdout.splitlines():
        m = re.match(r"case (\w+) ([0-9.eE+-]+)$", line.strip())
        if m:
            times[m.group(1)] = float(m.group(2))
    notes = [l for l in res.stderr.splitlines() if l.startswith("hpxl:")]
    return times, notes


def best_of(fn, sync, reps):
    fn()
    sync()
    best = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        sync()
        best = min(best, time.perf_counter() - t0)
    return best


def copy_bandwidth(n, reps):
    """Bytes read + written per second by a device-to-device copy of n float64."""
    try:
        import cupy as cp

        src = cp.ones(n, dtype=cp.float64)
        dst = cp.empty_like(src)
        sync = cp.cuda.Stream.null.synchronize
        t = best_of(lambda: dst.data.copy_from_device(src.data, src.nbytes), sync, reps)
        return 2 * src.nbytes / t, "cupy memcpy D2D"
    except ImportError:
        import torch

        src = torch.ones(n, dtype=torch.float64, device="cuda")
        dst = torch.empty_like(src)
        t = best_of(lambda: dst.copy_(src), torch.cuda.synchronize, reps)
        return 2 * src.numel() * 8 / t, "torch copy_"


def run_cupy(n, reps, names):
    try:
        import cupy as cp
    except ImportError:
        return None
    rs = cp.random.RandomState(0)
    a, b, c = (rs.random_sample(n, dtype=cp.float64) for _ in range(3))
    sync = cp.cuda.Stream.null.synchronize
    out = {}
    for k in names:
        f = CASES[k][1]
        out[k] = {"plain": best_of(lambda: f(cp, a, b, c), sync, reps)}
        try:
            fused = cp.fuse()(lambda a, b, c: f(cp, a, b, c))
            out[k]["fused"] = best_of(lambda: fused(a, b, c), sync, reps)
        except Exception as e:  # cupy.fuse does not take every expression
            out[k]["fused_error"] = str(e).splitlines()[0]
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--hpxl", default="target/release/hpxl")
    ap.add_argument("--n", type=int, default=1 << 26, help="elements per array (float64)")
    ap.add_argument("--reps", type=int, default=10)
    ap.add_argument("--json", help="also write the results here")
    ap.add_argument("cases", nargs="*", default=list(CASES))
    args = ap.parse_args()
    names = [k for k in args.cases if k in CASES]

    bw, how = copy_bandwidth(args.n, args.reps)
    hx, notes = run_hpxl(args.hpxl, args.n, args.reps, names)
    cu = run_cupy(args.n, args.reps, names)

    print(f"n = {args.n} float64 ({args.n * 8 / 1e6:.0f} MB per array), best of {args.reps}")
    print(f"device copy bandwidth ({how}): {bw / 1e9:.0f} GB/s (read + write)")
    header = f"{'case':8} {'hpxl ms':>9} {'GB/s':>7} {'% of copy':>9}"
    if cu is not None:
        header += f" {'cupy ms':>9} {'vs cupy':>8} {'fused ms':>9} {'vs fused':>9}"
    print(header)
    results = {"n": args.n, "copy_bandwidth": bw, "copy_method": how, "cases": {}}
    for k in names:
        if k not in hx:
            print(f"{k:8} (no time from hpxl)")
            continue
        moved = CASES[k][2] * args.n * 8
        t = hx[k]
        row = f"{k:8} {t * 1e3:9.3f} {moved / t / 1e9:7.0f} {100 * moved / t / bw:8.0f}%"
        rec = {"hpxl_s": t, "bytes": moved, "fraction_of_copy": moved / t / bw}
        if cu is not None:
            plain = cu[k]["plain"]
            fused = cu[k].get("fused")
            row += f" {plain * 1e3:9.3f} {plain / t:8.2f}"
            row += f" {fused * 1e3:9.3f} {fused / t:9.2f}" if fused else f" {'-':>9} {'-':>9}"
            rec.update({"cupy_s": plain, "cupy_fused_s": fused})
        print(row)
        results["cases"][k] = rec
    for line in notes:
        print(line)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
