#!/usr/bin/env bash
# A/B of two versions of lib/ on the ALBERT-base siamese step (scripts/native/bench.ts), in alternating
# processes (A, B, A, B, ...) so that load changes hit both alike. Reports each run's median step wall
# time and CPU time; compare the medians over rounds.
#   bash scripts/native/ab.sh DIR_A DIR_B [ROUNDS=3] [extra bench.ts args, e.g. --steps 3]
# DIR_A/DIR_B are project folders (e.g. a `git archive main` copy with node_modules and .cache linked).
# Environment variables apply to both; put per-side ones into DIR/.ab-env (sourced before each run).
set -euo pipefail
a=$1 b=$2 rounds=${3:-3}
shift 3 || shift $#
here="$(cd "$(dirname "$0")" && pwd)"
for r in $(seq 1 "$rounds"); do
  for side in A B; do
    dir=$a; [ "$side" = B ] && dir=$b
    mkdir -p "$dir/.bench-scratch/ab" && cp "$here/bench.ts" "$dir/.bench-scratch/ab/ab-bench.ts"
    line=$(cd "$dir" && ( [ -f .ab-env ] && set -a && . ./.ab-env && set +a; \
      TF_CPP_MIN_LOG_LEVEL=2 node --import tsx .bench-scratch/ab/ab-bench.ts --backend tensorflow --no-matmul "$@" 2>/dev/null | tail -1 ))
    echo "round $r $side $(uptime | sed 's/.*load average: //') $line"
  done
done
