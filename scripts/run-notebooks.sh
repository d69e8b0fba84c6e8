#!/usr/bin/env bash
# Execute the notebooks in order, headlessly, through Jupyter with the project's
# tslab kernel.
#   bash scripts/run-notebooks.sh --smoke   CI smoke mode: tiny golden ALBERT, a few hundred records, one
#                                           epoch, executed on scratch copies (checked-in outputs untouched)
#   bash scripts/run-notebooks.sh           real run: executes notebooks/*.ipynb in place with the
#                                           SIAMESE_* parameters of your environment
# A failing cell fails the script (nbconvert exits non-zero).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
mode=real
if [ "${1:-}" = "--smoke" ]; then mode=smoke; shift; fi
notebooks=("$@")
if [ ${#notebooks[@]} -eq 0 ]; then mapfile -t notebooks < <(ls notebooks/[0-9][0-9]-*.ipynb); fi
[ -x .venv/bin/jupyter ] || { echo "run-notebooks: .venv/bin/jupyter missing: run 'npm run setup' first." >&2; exit 1; }

if [ "$mode" = smoke ]; then
  shared=${SHARED_DIR:-$(cd .. && pwd)/shared}
  [ -d "$shared" ] || { echo "run-notebooks --smoke: needs the shared data (SHARED_DIR, default ../shared)." >&2; exit 1; }
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  export SIAMESE_DATA="$shared/data/huffpost/News_Category_Dataset_v2.first900-per-category.json"
  export SIAMESE_TEXT=headline SIAMESE_MIN_WORDS=0 SIAMESE_MAX_PER_CLASS=${SIAMESE_MAX_PER_CLASS:-8}
  export SIAMESE_MODEL="$root/test/fixtures/tiny-albert" SIAMESE_TOKENIZER="$shared/models/albert-base-v2-tokenizer"
  # The default recipe (auto): logistic-regression heads (no epochs), one epoch of each encoder training.
  export SIAMESE_MAX_LENGTH=32 SIAMESE_SIAMESE_EPOCHS=1 SIAMESE_TRAINED_EPOCHS=1
  export SIAMESE_BALANCED_PER_CLASS=5 SIAMESE_OUT="$scratch/run" SIAMESE_SMOKE=1
fi

for nb in "${notebooks[@]}"; do
  start=$(date +%s)
  if [ "$mode" = smoke ]; then
    cp "$nb" "$scratch/"
    target="$scratch/$(basename "$nb")"
    extra=(--output "$target")
  else
    target="$nb"
    extra=(--inplace)
  fi
  echo "[notebooks] $mode: $(basename "$nb")"
  .venv/bin/jupyter nbconvert --to notebook --execute "$target" "${extra[@]}" \
    --ExecutePreprocessor.kernel_name=siamese-albert-ts --ExecutePreprocessor.timeout=-1 \
    --ExecutePreprocessor.record_timing=False --log-level=WARN
  echo "[notebooks] $(basename "$nb") ok in $(( $(date +%s) - start )) s"
done
