#!/usr/bin/env bash
# Runs the conformance corpus, the golden programs and the examples with `--device gpu`
# and requires each to print what the CPU run prints (issue 7, scope item 5).
#
# Usage: scripts/gpu-conformance.sh [path/to/hpxl] [program...]
#   The binary must be built with the `gpu` feature. For a machine without Rust or
#   LLVM 14, build it here with `cargo build --release --features gpu-static` (LLVM linked
#   statically) and copy `target/release/hpxl` over; it needs only libcuda at run time.
#   Without program arguments the whole corpus runs.
#
# HPXL_SMALL_THRESHOLD=0 makes every kernel a compiled one, so small arrays go to the GPU
# too (otherwise the corpus's small arrays would stay on the CPU's interp path). Outputs
# are compared line by line; numbers within a relative 1e-9 (or 1e-5 for float32-looking
# output) count as equal, because GPU float sums add in a different (still deterministic)
# order than the CPU's pairwise sums (Note [Deterministic GPU reductions]). Everything
# else must match exactly, errors included.
set -uo pipefail
cd "$(dirname "$0")/.."
HPXL=$(realpath "${1:-target/release/hpxl}")
shift || true
export HPXL_SMALL_THRESHOLD=0

if ! "$HPXL" info | grep -q '^devices .*gpu:0'; then
  echo "no GPU visible to $HPXL:" >&2
  "$HPXL" info | grep -E '^(devices|gpus)' >&2
  exit 2
fi

if [ $# -gt 0 ]; then
  programs=("$@")
else
  programs=(tests/conformance/*.py tests/golden/*.hx examples/*.hx)
fi

compare() { # cpu_file gpu_file -> 0 when equal within tolerance
  python3 - "$1" "$2" <<'EOF'
import re, sys
num = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|[-+]?(?:inf|nan)")
def split(line):
    return num.split(line), num.findall(line)
def close(a, b):
    if a == b:
        return True
    try:
        x, y = float(a), float(b)
    except ValueError:
        return False
    if x != x and y != y:
        return True
    tol = 1e-5 if max(len(a), len(b)) <= 11 else 1e-9
    return abs(x - y) <= tol * max(abs(x), abs(y), 1e-300)
cpu = open(sys.argv[1]).read().splitlines()
gpu = open(sys.argv[2]).read().splitlines()
if len(cpu) != len(gpu):
    sys.exit(1)
for c, g in zip(cpu, gpu):
    (ct, cn), (gt, gn) = split(c), split(g)
    if ct != gt or len(cn) != len(gn) or not all(close(a, b) for a, b in zip(cn, gn)):
        print(f"  cpu: {c}\n  gpu: {g}")
        sys.exit(1)
EOF
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0; failed=()
for p in "${programs[@]}"; do
  dir=$(dirname "$p"); base=$(basename "$p")
  (cd "$dir" && "$HPXL" --device cpu "$base" >"$tmp/cpu" 2>"$tmp/cpu.err"; echo "exit $?" >>"$tmp/cpu")
  (cd "$dir" && "$HPXL" --device gpu "$base" >"$tmp/gpu" 2>"$tmp/gpu.err"; echo "exit $?" >>"$tmp/gpu")
  if grep -q "no GPU available" "$tmp/gpu.err"; then
    echo "FAIL $p: the GPU run fell back to the CPU:" >&2
    cat "$tmp/gpu.err" >&2
    exit 2
  fi
  if compare "$tmp/cpu" "$tmp/gpu" >"$tmp/diff"; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1)); failed+=("$p")
    echo "FAIL $p"
    cat "$tmp/diff"
    diff "$tmp/cpu" "$tmp/gpu" | head -20
  fi
done
echo "gpu-conformance: $pass passed, $fail failed (of ${#programs[@]})"
[ "$fail" -eq 0 ] || printf '  %s\n' "${failed[@]}"
[ "$fail" -eq 0 ]
