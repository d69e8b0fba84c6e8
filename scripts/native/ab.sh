#!/usr/bin/env bash
# A/B of two versions of lib/ on the ALBERT-base siamese step (scripts/native/bench.ts), in alternating
# processes (A, B, A, B, ...) so that load changes hit both alike. Reports each run's median step wall
# time and CPU time; compare the medians over rounds.
#   bash scripts/native/ab.sh A B [ROUNDS=3] [extra bench.ts args, e.g. --steps 3]
# A and B are project folders or git revisions of this repository; a revision is unpacked
# (git archive) into .bench-scratch/ab-<rev> with this tree's node_modules and .cache linked, e.g.
#   bash scripts/native/ab.sh 86325ef . 3 --steps 3     # main before issue 15's changes vs this tree
# Environment variables apply to both; put per-side ones into DIR/.ab-env (sourced before each run).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
side_dir() {
  if [ -d "$1" ]; then (cd "$1" && pwd); return; fi
  local rev dir
  rev=$(git -C "$root" rev-parse --short "$1^{commit}" 2>/dev/null) || { echo "ab.sh: '$1' is neither a folder nor a git revision." >&2; exit 2; }
  dir="$root/.bench-scratch/ab-$rev"
  if [ ! -d "$dir/lib" ]; then
    mkdir -p "$dir" && git -C "$root" archive "$rev" | tar -x -C "$dir"
    ln -sfn "$root/node_modules" "$dir/node_modules" && ln -sfn "$root/.cache" "$dir/.cache"
  fi
  echo "$dir"
}
a=$(side_dir "$1")
b=$(side_dir "$2")
rounds=${3:-3}
shift 3 || shift $#
for r in $(seq 1 "$rounds"); do
  for side in A B; do
    dir=$a; [ "$side" = B ] && dir=$b
    mkdir -p "$dir/.bench-scratch/ab" && cp "$here/bench.ts" "$dir/.bench-scratch/ab/ab-bench.ts"
    line=$(cd "$dir" && ( [ -f .ab-env ] && set -a && . ./.ab-env && set +a; \
      TF_CPP_MIN_LOG_LEVEL=2 node --import tsx .bench-scratch/ab/ab-bench.ts --backend tensorflow --no-matmul "$@" 2>/dev/null | tail -1 ))
    echo "round $r $side $(uptime | sed 's/.*load average: //') $line"
  done
done
