#!/usr/bin/env bash
# The golden of `--recipe study` (test/fixtures/study_recipe_tiny_albert.json): one full pipeline run on the
# tiny ALBERT of test/fixtures (random weights), 4 headlines per category of the embedded sample, the shared
# ALBERT tokenizer, wasm, and every training setting at its default. Made on main at 3202467, before recipes
# existed, so its defaults were the study's; test/pipeline/study-recipe.test.ts runs the same command with
# `--recipe study` and asserts the same results and training summaries. To remake it on a later revision, pass
# `--recipe study` (extra arguments are added to the command):
#   bash scripts/goldens/study_recipe_report.sh [--recipe study]
set -euo pipefail
cd "$(dirname "$0")/../.."
shared=${SHARED_DIR:-../shared}
args=(--data data/huffpost-sample/News_Category_Dataset_v2.sample50.jsonl --text headline --min-words 0
  --max-per-class 4 --model test/fixtures/tiny-albert --tokenizer SHARED/models/albert-base-v2-tokenizer
  --max-length 16 --balanced-per-class 4 --backend wasm --seed 3 "$@")
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
node_modules/.bin/tsx lib/cli/pipeline.ts "${args[@]/#SHARED/$shared}" --out "$out/run" > /dev/null 2> "$out/log"
node -e '
const fs = require("node:fs");
const [report, command, revision] = process.argv.slice(1);
const r = JSON.parse(fs.readFileSync(report, "utf8"));
const out = { generator: "scripts/goldens/study_recipe_report.sh", command, revision,
  date: new Date().toISOString().slice(0, 10), data: r.data, results: r.results, training: r.training };
process.stdout.write(JSON.stringify(out, null, 2) + "\n");
' "$out/run/report.json" "npm run pipeline -- ${args[*]} --out <tmp>" "$(git rev-parse --short HEAD)" \
  > test/fixtures/study_recipe_tiny_albert.json
echo "wrote test/fixtures/study_recipe_tiny_albert.json ($(grep -c . "$out/log") log lines)"
