#!/usr/bin/env bash
# Weak and strong scaling at 1 and 2 MPI ranks (one thread per rank) for the stencil, a
# fused reduction and the linspace pipeline, plus the bytes each rank moved (--profile).
# Usage: benches/mpi_scaling.sh [path/to/hpxl]   (a binary built with --features mpi)
set -euo pipefail
HPXL=${1:-target/release/hpxl}
cd "$(dirname "$0")/.."
run() { # ranks script args...
  local n=$1; shift
  mpirun -n "$n" "$HPXL" --threads 1 --profile "$@" 2> >(grep -E "rank [0-9]+: sent" >&2)
}
echo "== strong scaling (same problem on 1 and 2 ranks)"
for n in 1 2; do run $n benches/mpi/stencil.hx 4000 4000 40; done
for n in 1 2; do run $n benches/mpi/stencil.hx 4000 4000 40 2; done
for n in 1 2; do run $n benches/mpi/reduce.hx 20000000 20; done
for n in 1 2; do run $n benches/mpi/pipeline.hx 10000000 5; done
echo "== weak scaling (problem grows with the ranks)"
for n in 1 2; do run $n benches/mpi/stencil.hx $((2000 * n)) 4000 40 2; done
for n in 1 2; do run $n benches/mpi/reduce.hx $((10000000 * n)) 20; done
for n in 1 2; do run $n benches/mpi/pipeline.hx $((5000000 * n)) 5; done
